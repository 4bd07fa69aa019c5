//! What every form that records a ballot for someone shares, whether the ballot says yes or
//! no or names candidates: the flat or the voter it is for, how it was cast, the witness, the proxy who cast it (the developer's representative among them) and
//! a note. One reading of the form and one template part (`ballot_record_fields.html`), so
//! the proposal's and the election's forms cannot drift apart.

use crate::form::CsrfMultipart;
use linli_domain::decision::CastMethod;
use linli_store::Store;

/// The form's room, from a link that names the flat by id (the door-knocking list's): its
/// name as typed, "1栋1单元601", so the form never shows an id.
pub(super) async fn room_of(store: &Store, household: Option<i64>) -> String {
    match household {
        Some(h) => store.room_label(h).await.unwrap_or_default(),
        None => String::new(),
    }
}

/// The shared fields of a recorded ballot, as typed (so a refused form shows them again).
#[derive(Debug, Clone)]
pub(super) struct RecordFields {
    /// The flat as people say its room ("601", "1栋1单元601"); the store finds it.
    pub room: String,
    /// The flat picked from the building → unit → room list, when no room was typed.
    pub household_id: String,
    pub method: String,
    pub witness: String,
    pub note: String,
    pub proxy_name: String,
    pub voter_key: String,
}

impl RecordFields {
    /// An empty form for a flat (or none), assisted by default.
    pub fn new(room: String) -> RecordFields {
        RecordFields {
            room,
            household_id: String::new(),
            method: CastMethod::Assisted.as_str().into(),
            witness: String::new(),
            note: String::new(),
            proxy_name: String::new(),
            voter_key: String::new(),
        }
    }

    pub fn read(form: &CsrfMultipart) -> RecordFields {
        RecordFields {
            room: form.text("room"),
            household_id: form.text("household_id"),
            method: form.text("method"),
            witness: form.text("witness"),
            note: form.text("note"),
            proxy_name: form.text("proxy_name"),
            voter_key: form.text("voter_key"),
        }
    }

    /// The ways a ballot can be recorded for someone (online is the voter's own), for the form.
    pub fn methods(lang: linli_domain::Lang) -> Vec<(&'static str, &'static str)> {
        CastMethod::ALL
            .iter()
            .filter(|m| **m != CastMethod::Online)
            .map(|m| (m.as_str(), m.label(lang)))
            .collect()
    }

    /// The voter named by key (the developer's, an unowned flat's), if the form named one.
    pub fn voter_key(&self) -> Option<String> {
        Some(self.voter_key.trim().to_string()).filter(|k| !k.is_empty())
    }
}
