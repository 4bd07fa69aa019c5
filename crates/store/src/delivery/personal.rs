//! A person's rights over their personal information (PIPL): downloading all that linli holds
//! about them, and — for someone who has left — being anonymised by the committee: name and
//! phone replaced, accounts closed, while ballots and payments stay (the law keeps the record
//! of a vote and of money), the act itself in the audit trail without the name it removed.

use crate::audit::{self, Change};
use crate::entity::{
    account, ballot, election_ballot, elector, elevator_payment, household, notification,
    notify_pref, ownership, person, residency, role_grant, service_request, session,
};
use crate::{Actor, ServiceError, ServiceResult, Store, china_time};
use linli_domain::Invalid;
use linli_domain::authz::Action;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;

/// One table of one's data.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub name: &'static str,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

/// All that linli holds about the asking person, as tables (the same in .json and .xlsx).
#[derive(Debug, Clone)]
pub struct MyData(pub Vec<Section>);

impl Serialize for MyData {
    /// `{ "account": [ {"username": …}, … ], "ballots": [ … ], … }`
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = serde_json::Map::new();
        for sec in &self.0 {
            let rows = sec
                .rows
                .iter()
                .map(|r| {
                    serde_json::Value::Object(
                        sec.headers
                            .iter()
                            .zip(r)
                            .map(|(h, v)| (h.to_string(), v.clone().into()))
                            .collect(),
                    )
                })
                .collect();
            map.insert(sec.name.to_string(), serde_json::Value::Array(rows));
        }
        map.serialize(s)
    }
}

/// The workbook of one's data: a sheet per table.
pub fn xlsx(d: &MyData) -> ServiceResult<Vec<u8>> {
    let sheets: Vec<linli_sheet::Sheet<'_>> =
        d.0.iter()
            .map(|s| (s.name, s.headers.as_slice(), s.rows.as_slice()))
            .collect();
    Ok(linli_sheet::xlsx_tables(&sheets)?)
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

impl Store {
    /// Everything about the actor: their account (with their own full phone: it is theirs),
    /// roles, the person they are in the registry, homes, ballots, payments of their homes,
    /// requests they reported, notifications and how they are notified.
    pub async fn my_data(&self, actor: &Actor) -> ServiceResult<MyData> {
        let db = self.read();
        let acc = account::Entity::find_by_id(actor.account_id)
            .one(db)
            .await?
            .ok_or(ServiceError::Unauthenticated)?;
        let mut out = vec![Section {
            name: "account",
            headers: vec!["id", "username", "display_name", "phone", "created_at"],
            rows: vec![vec![
                acc.id.to_string(),
                acc.username.clone(),
                acc.display_name.clone(),
                opt(acc.phone.clone()),
                china_time(acc.created_at),
            ]],
        }];
        let grants = role_grant::Entity::find()
            .filter(role_grant::Column::AccountId.eq(acc.id))
            .all(db)
            .await?;
        out.push(Section {
            name: "roles",
            headers: vec!["role", "place"],
            rows: grants
                .into_iter()
                .map(|g| vec![g.role.as_str().to_string(), g.path])
                .collect(),
        });
        let pref = notify_pref::Entity::find()
            .filter(notify_pref::Column::AccountId.eq(acc.id))
            .one(db)
            .await?;
        out.push(Section {
            name: "notify",
            headers: vec!["channel", "email", "lang"],
            rows: pref
                .into_iter()
                .map(|p| vec![p.channel.to_string(), opt(p.email), p.lang.to_string()])
                .collect(),
        });
        let person = match acc.person_id {
            Some(id) => person::Entity::find_by_id(id).one(db).await?,
            None => None,
        };
        out.push(Section {
            name: "person",
            headers: vec!["id", "name", "phone"],
            rows: person
                .iter()
                .map(|p| vec![p.id.to_string(), p.name.clone(), opt(p.phone.clone())])
                .collect(),
        });
        let pid = person.as_ref().map(|p| p.id).unwrap_or(-1);
        let owned = ownership::Entity::find()
            .filter(ownership::Column::PersonId.eq(pid))
            .all(db)
            .await?;
        let lived = residency::Entity::find()
            .filter(residency::Column::PersonId.eq(pid))
            .all(db)
            .await?;
        let mut homes: Vec<i64> = owned
            .iter()
            .map(|o| o.household_id)
            .chain(lived.iter().map(|r| r.household_id))
            .collect();
        homes.sort_unstable();
        homes.dedup();
        let households = household::Entity::find()
            .filter(household::Column::Id.is_in(homes.clone()))
            .all(db)
            .await?;
        let label = |id: i64| {
            households
                .iter()
                .find(|h| h.id == id)
                .map(|h| format!("{} ({})", h.room, h.id))
                .unwrap_or_else(|| id.to_string())
        };
        out.push(Section {
            name: "homes",
            headers: vec!["household", "as", "share_bp", "moved_in", "moved_out"],
            rows: owned
                .iter()
                .map(|o| {
                    vec![
                        label(o.household_id),
                        "owner".into(),
                        o.share_bp.to_string(),
                        String::new(),
                        String::new(),
                    ]
                })
                .chain(lived.iter().map(|r| {
                    vec![
                        label(r.household_id),
                        r.kind.to_string(),
                        String::new(),
                        r.moved_in.to_string(),
                        opt(r.moved_out),
                    ]
                }))
                .collect(),
        });
        let electors = elector::Entity::find()
            .filter(elector::Column::PersonId.eq(pid))
            .all(db)
            .await?;
        let mut ballots = Vec::new();
        for e in &electors {
            if let Some(b) = ballot::Entity::find()
                .filter(ballot::Column::ProposalId.eq(e.proposal_id))
                .filter(ballot::Column::VoterKey.eq(e.voter_key.as_str()))
                .one(db)
                .await?
            {
                ballots.push(vec![
                    b.proposal_id.to_string(),
                    b.choice.to_string(),
                    b.method.to_string(),
                    china_time(b.cast_at),
                ]);
            }
        }
        out.push(Section {
            name: "ballots",
            headers: vec!["proposal", "choice", "method", "cast_at"],
            rows: ballots,
        });
        // Ballots of elections (the committee's members) are theirs too.
        let mut election_ballots = Vec::new();
        for e in &electors {
            if let Some(b) = election_ballot::Entity::find()
                .filter(election_ballot::Column::ProposalId.eq(e.proposal_id))
                .filter(election_ballot::Column::VoterKey.eq(e.voter_key.as_str()))
                .one(db)
                .await?
            {
                election_ballots.push(vec![
                    b.proposal_id.to_string(),
                    b.candidate_ids,
                    b.method.to_string(),
                    china_time(b.cast_at),
                ]);
            }
        }
        out.push(Section {
            name: "election_ballots",
            headers: vec!["proposal", "candidates", "method", "cast_at"],
            rows: election_ballots,
        });
        let payments = elevator_payment::Entity::find()
            .filter(elevator_payment::Column::HouseholdId.is_in(homes))
            .all(db)
            .await?;
        out.push(Section {
            name: "payments",
            headers: vec![
                "project",
                "household",
                "amount_fen",
                "method",
                "receipt_no",
                "paid_on",
            ],
            rows: payments
                .into_iter()
                .map(|p| {
                    vec![
                        p.project_id.to_string(),
                        label(p.household_id),
                        p.amount.to_string(),
                        p.method.to_string(),
                        p.receipt_no,
                        p.paid_on,
                    ]
                })
                .collect(),
        });
        let requests = service_request::Entity::find()
            .filter(service_request::Column::ReporterId.eq(acc.id))
            .order_by_asc(service_request::Column::Id)
            .all(db)
            .await?;
        out.push(Section {
            name: "requests",
            headers: vec!["id", "place", "description", "status", "created_at"],
            rows: requests
                .into_iter()
                .map(|r| {
                    vec![
                        r.id.to_string(),
                        r.place,
                        r.description,
                        r.status.as_str().to_string(),
                        china_time(r.created_at),
                    ]
                })
                .collect(),
        });
        let notes = notification::Entity::find()
            .filter(notification::Column::AccountId.eq(acc.id))
            .order_by_asc(notification::Column::Id)
            .all(db)
            .await?;
        out.push(Section {
            name: "notifications",
            headers: vec!["kind", "title", "created_at", "delivery", "channel"],
            rows: notes
                .into_iter()
                .map(|n| {
                    vec![
                        n.kind,
                        n.title,
                        china_time(n.created_at),
                        n.delivery.to_string(),
                        opt(n.channel.map(|c| c.to_string())),
                    ]
                })
                .collect(),
        });
        Ok(MyData(out))
    }

    /// Anonymises a person who has left (owns no home, lives in none now): their name becomes
    /// "已匿名 #id", their phone is removed, their accounts are closed and stripped of name,
    /// phone and e-mail. Ballots (with the frozen roll) and payments stay as records. The
    /// committee of a compound they lived or owned in may do it; the audit keeps the act.
    pub async fn anonymise_person(&self, actor: &Actor, person_id: i64) -> ServiceResult<()> {
        let txn = self.begin_write().await?;
        let p = person::Entity::find_by_id(person_id)
            .one(&txn)
            .await?
            .ok_or(ServiceError::NotFound { entity: "person" })?;
        let owned = ownership::Entity::find()
            .filter(ownership::Column::PersonId.eq(person_id))
            .all(&txn)
            .await?;
        let lived = residency::Entity::find()
            .filter(residency::Column::PersonId.eq(person_id))
            .all(&txn)
            .await?;
        let homes: Vec<i64> = owned
            .iter()
            .map(|o| o.household_id)
            .chain(lived.iter().map(|r| r.household_id))
            .collect();
        let households = household::Entity::find()
            .filter(household::Column::Id.is_in(homes))
            .all(&txn)
            .await?;
        let mut chain = None;
        for h in &households {
            if let Some(c) = crate::entity::compound::Entity::find_by_id(h.compound_id)
                .one(&txn)
                .await?
                && actor.can(Action::ManagePeople, &crate::paths::household_path(&c, h))
            {
                chain = Some(c.id);
                break;
            }
        }
        let Some(chain) = chain else {
            return Err(ServiceError::Forbidden);
        };
        if p.anonymised_at.is_some() {
            return Err(ServiceError::invalid("person", Invalid::AlreadyAnonymised));
        }
        if !owned.is_empty() || lived.iter().any(|r| r.moved_out.is_none()) {
            return Err(ServiceError::invalid("person", Invalid::StillResident));
        }
        let now = self.now();
        let mut a: person::ActiveModel = p.clone().into();
        a.name = Set(format!("已匿名 #{person_id}"));
        a.phone = Set(None);
        a.anonymised_at = Set(Some(now));
        a.update(&txn).await?;
        let accounts = account::Entity::find()
            .filter(account::Column::PersonId.eq(person_id))
            .all(&txn)
            .await?;
        for acc in &accounts {
            let mut a: account::ActiveModel = acc.clone().into();
            a.username = Set(format!("anonymised-{}", acc.id));
            a.display_name = Set(format!("已匿名 #{person_id}"));
            a.phone = Set(None);
            a.disabled = Set(true);
            a.update(&txn).await?;
            session::Entity::delete_many()
                .filter(session::Column::AccountId.eq(acc.id))
                .exec(&txn)
                .await?;
            notify_pref::Entity::delete_many()
                .filter(notify_pref::Column::AccountId.eq(acc.id))
                .exec(&txn)
                .await?;
        }
        let ids: Vec<i64> = accounts.iter().map(|a| a.id).collect();
        audit::record(
            &txn,
            Change {
                chain,
                at: self.now(),
                actor: Some(actor.account_id),
                action: "person.anonymise",
                entity: "person",
                entity_id: person_id,
                before: Some(serde_json::json!({ "anonymised": false })),
                after: Some(serde_json::json!({ "anonymised": true, "accounts_closed": ids })),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }
}
