//! Council meetings (议事会) on the pages: a compound's meetings, holding one (agenda,
//! attendance, minutes, outcomes), its page with the edit form, and the printable minutes
//! sheet with signature lines.

use super::{Chrome, PageResult, chrome};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::form::{CsrfForm, Ids};
use crate::form_errors::FormErrors;
use crate::i18n::T;
use crate::{AppState, State};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use linli_store::ServiceError;
use linli_store::proposals::{AgendaChoice, AgendaInput, MeetingInput, MeetingRow, MeetingView};
use std::sync::Arc;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/compounds/{id}/meetings", get(list))
        .route("/compounds/{id}/meetings/new", get(new_page).post(create))
        .route("/meetings/{id}", get(page).post(update))
        .route("/meetings/{id}/minutes", get(minutes))
}

#[derive(Template, WebTemplate)]
#[template(path = "meetings.html")]
struct List {
    t: T,
    c: Chrome,
    compound_id: i64,
    compound: String,
    meetings: Vec<MeetingRow>,
    can_manage: bool,
}

async fn list(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> PageResult {
    let actor = ctx.actor()?;
    let meetings = state.store.list_meetings(actor, id).await?;
    let v = state.store.compound(actor, id).await?;
    let can_manage = state.store.may_manage_decisions(actor, id).await?;
    let (t, c) = chrome(&ctx);
    Ok(List {
        t,
        c,
        compound_id: id,
        compound: v.compound.name,
        meetings,
        can_manage,
    }
    .into_response())
}

/// The form's values: the meeting's fields, the ticked agenda items and their outcomes.
#[derive(Default, Clone)]
struct Values {
    title: String,
    held_on: String,
    place: String,
    attendance: String,
    minutes: String,
    /// (proposal, ticked, outcome)
    agenda: Vec<(AgendaChoice, bool, String)>,
}

/// The posted form as pairs: `agenda` repeats (one per ticked proposal), `outcome_<id>` each.
fn read_form(pairs: &[(String, String)]) -> MeetingInput {
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let agenda = pairs
        .iter()
        .filter(|(k, _)| k == "agenda")
        .filter_map(|(_, v)| v.trim().parse::<i64>().ok())
        .map(|proposal_id| AgendaInput {
            proposal_id,
            outcome: get(&format!("outcome_{proposal_id}")),
        })
        .collect();
    MeetingInput {
        title: get("title"),
        held_on: get("held_on"),
        place: get("place"),
        attendance: get("attendance"),
        minutes: get("minutes"),
        agenda,
        version: get("version").trim().parse().ok(),
    }
}

fn values(input: &MeetingInput, choices: Vec<AgendaChoice>) -> Values {
    let agenda = choices
        .into_iter()
        .map(|ch| {
            let item = input
                .agenda
                .iter()
                .find(|a| a.proposal_id == ch.proposal_id);
            let outcome = item.map(|a| a.outcome.clone()).unwrap_or_default();
            (ch, item.is_some(), outcome)
        })
        .collect();
    Values {
        title: input.title.clone(),
        held_on: input.held_on.clone(),
        place: input.place.clone(),
        attendance: input.attendance.clone(),
        minutes: input.minutes.clone(),
        agenda,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "meeting_form.html")]
struct FormPage {
    t: T,
    c: Chrome,
    compound_id: i64,
    compound: String,
    /// The meeting being recorded, or `None` for a new one.
    meeting: Option<MeetingView>,
    f: Values,
    errors: FormErrors,
}

impl FormPage {
    /// A new meeting's form, or an existing one's for those who run decisions.
    fn can_edit(&self) -> bool {
        self.meeting.as_ref().is_none_or(|m| m.can_manage)
    }
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    compound_id: i64,
    meeting: Option<MeetingView>,
    input: &MeetingInput,
) -> Result<FormPage, WebError> {
    let actor = ctx.actor()?;
    let v = state.store.compound(actor, compound_id).await?;
    let keep: Vec<i64> = meeting
        .iter()
        .flat_map(|m| m.items.iter().map(|i| i.proposal_id))
        .collect();
    let choices = state
        .store
        .agenda_choices(actor, compound_id, &keep)
        .await?;
    let (t, c) = chrome(ctx);
    Ok(FormPage {
        t,
        c,
        compound_id,
        compound: v.compound.name,
        meeting,
        f: values(input, choices),
        errors: FormErrors::default(),
    })
}

fn refused(mut page: FormPage, e: ServiceError, ctx: &Ctx) -> PageResult {
    match e {
        e @ ServiceError::Invalid(_) => {
            page.errors = FormErrors::new(&e, ctx.lang);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        // Someone saved the meeting meanwhile: what was typed stays in the form, which now
        // carries the newer version, so saving again is a deliberate overwrite.
        e @ ServiceError::Stale { .. } => {
            page.errors = FormErrors::new(&e, ctx.lang);
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        e => Err(e.into()),
    }
}

async fn new_page(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> PageResult {
    let actor = ctx.actor()?;
    if !state.store.may_manage_decisions(actor, id).await? {
        return Err(ServiceError::Forbidden.into());
    }
    let input = MeetingInput {
        held_on: super::today_plus(&ctx, 0),
        ..Default::default()
    };
    Ok(form_page(&state, &ctx, id, None, &input)
        .await?
        .into_response())
}

async fn create(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let actor = ctx.actor()?;
    let input = read_form(&pairs);
    match state.store.create_meeting(actor, id, &input).await {
        Ok(m) => Ok(Redirect::to(&format!("/meetings/{}", m.id)).into_response()),
        Err(e) => refused(form_page(&state, &ctx, id, None, &input).await?, e, &ctx),
    }
}

/// The meeting; for those who run decisions, the form to record it below.
async fn page(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> PageResult {
    let actor = ctx.actor()?;
    let m = state.store.meeting(actor, id).await?;
    let input = MeetingInput {
        title: m.title.clone(),
        held_on: m.held_on.clone(),
        place: m.place.clone().unwrap_or_default(),
        attendance: m.attendance.join("\n"),
        minutes: m.minutes.clone(),
        agenda: m
            .items
            .iter()
            .map(|i| AgendaInput {
                proposal_id: i.proposal_id,
                outcome: i.outcome.clone(),
            })
            .collect(),
        version: Some(m.version),
    };
    Ok(form_page(&state, &ctx, m.compound_id, Some(m), &input)
        .await?
        .into_response())
}

async fn update(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let actor = ctx.actor()?;
    let input = read_form(&pairs);
    match state.store.update_meeting(actor, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/meetings/{id}")).into_response()),
        Err(e) => {
            let m = state.store.meeting(actor, id).await?;
            let compound_id = m.compound_id;
            refused(
                form_page(&state, &ctx, compound_id, Some(m), &input).await?,
                e,
                &ctx,
            )
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "meeting_minutes.html")]
struct Minutes {
    t: T,
    c: Chrome,
    m: MeetingView,
}

/// The minutes sheet to print and have signed: agenda with outcomes, who attended (each with
/// a signature line), the minutes.
async fn minutes(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> PageResult {
    let actor = ctx.actor()?;
    let m = state.store.meeting(actor, id).await?;
    let (t, c) = chrome(&ctx);
    Ok(Minutes { t, c, m }.into_response())
}
