//! The forms around a vote and after it, shown on the proposal page: objections and their
//! answers, affected owners' consents, actions, the residents' evaluation; and "what needs me".

use super::{Chrome, PageResult, chrome};
use crate::ctx::Ctx;
use crate::form::{CsrfForm, CsrfMultipart, Ids};
use crate::i18n::T;
use crate::{AppState, State};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use linli_store::ServiceError;
use linli_store::files::{MAX_FILE_BYTES, Purpose};
use linli_store::proposals::{
    ActionInput, AnswerInput, ConsentInput, EvaluationInput, NotificationView, ObjectionInput,
};
use serde::Deserialize;
use std::sync::Arc;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/proposals/{id}/objections", post(add_objection))
        .route(
            "/proposals/{id}/objections/{oid}/answer",
            post(answer_objection),
        )
        .route(
            "/proposals/{id}/consents",
            post(record_consent).layer(DefaultBodyLimit::max(MAX_FILE_BYTES + 64 * 1024)),
        )
        .route(
            "/proposals/{id}/files",
            post(attach).layer(DefaultBodyLimit::max(MAX_FILE_BYTES + 64 * 1024)),
        )
        .route("/proposals/{id}/actions", post(add_action))
        .route("/proposals/{id}/actions/{aid}/done", post(action_done))
        .route("/proposals/{id}/evaluate", post(evaluate))
        .route("/notifications", get(notifications))
        .route("/notifications/read", post(read_all))
}

fn back(id: i64, anchor: &str) -> PageResult {
    Ok(Redirect::to(&format!("/proposals/{id}#{anchor}")).into_response())
}

#[derive(Deserialize)]
struct ObjectionForm {
    #[serde(default)]
    household_id: String,
    #[serde(default)]
    concern: String,
    #[serde(default)]
    body: String,
}

async fn add_objection(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<ObjectionForm>,
) -> PageResult {
    let actor = ctx.actor()?;
    let household_id = f.household_id.trim().parse().map_err(|_| {
        ctx.err(ServiceError::invalid(
            "household_id",
            linli_domain::Invalid::NotANumber,
        ))
    })?;
    let input = ObjectionInput {
        household_id,
        concern: f.concern,
        body: f.body,
    };
    state
        .store
        .add_objection(actor, id, &input)
        .await
        .map_err(|e| ctx.err(e))?;
    back(id, "objections")
}

#[derive(Deserialize)]
struct AnswerForm {
    #[serde(default)]
    answer: String,
    #[serde(default)]
    compensation: String,
    #[serde(default)]
    resolved: Option<String>,
}

async fn answer_objection(
    state: State,
    ctx: Ctx,
    Ids((id, oid)): Ids<(i64, i64)>,
    CsrfForm(f): CsrfForm<AnswerForm>,
) -> PageResult {
    let actor = ctx.actor()?;
    let input = AnswerInput {
        answer: f.answer,
        compensation: f.compensation,
        resolved: f.resolved.is_some(),
    };
    state
        .store
        .answer_objection(actor, id, oid, &input)
        .await
        .map_err(|e| ctx.err(e))?;
    back(id, "objections")
}

/// An affected owner's written consent, with the photo of the signed page in the same form.
async fn record_consent(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    form: CsrfMultipart,
) -> PageResult {
    let actor = ctx.actor()?;
    let s = &state.store;
    let household_id = form.text("household_id").trim().parse().map_err(|_| {
        ctx.err(ServiceError::invalid(
            "household_id",
            linli_domain::Invalid::NotANumber,
        ))
    })?;
    let p = s
        .proposal(actor, id, ctx.lang)
        .await
        .map_err(|e| ctx.err(e))?;
    let consented = form.text("consented") == "1";
    let evidence_id = match form.file {
        Some((name, bytes)) => Some(
            s.save_file(actor, p.compound_id, Purpose::Evidence, &name, bytes)
                .await
                .map_err(|e| ctx.err(e))?
                .id,
        ),
        None => None,
    };
    let input = ConsentInput {
        household_id,
        consented,
        evidence_id,
    };
    s.record_consent(actor, id, &input)
        .await
        .map_err(|e| ctx.err(e))?;
    back(id, "consents")
}

/// A plan, a photo, or a text the vote adopts, attached to the proposal.
async fn attach(state: State, ctx: Ctx, Ids(id): Ids<i64>, form: CsrfMultipart) -> PageResult {
    let actor = ctx.actor()?;
    let (kind, title) = (form.text("kind"), form.text("title"));
    let Some((name, bytes)) = form.file else {
        return Err(ctx.err(ServiceError::invalid(
            "file",
            linli_domain::Invalid::Required,
        )));
    };
    state
        .store
        .attach_to_proposal(actor, id, &kind, &title, &name, bytes)
        .await
        .map_err(|e| ctx.err(e))?;
    back(id, "files")
}

async fn add_action(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<ActionInput>,
) -> PageResult {
    let actor = ctx.actor()?;
    state
        .store
        .add_action(actor, id, &f)
        .await
        .map_err(|e| ctx.err(e))?;
    back(id, "actions")
}

#[derive(Deserialize)]
struct DoneForm {
    #[serde(default)]
    done: Option<String>,
}

async fn action_done(
    state: State,
    ctx: Ctx,
    Ids((id, aid)): Ids<(i64, i64)>,
    CsrfForm(f): CsrfForm<DoneForm>,
) -> PageResult {
    let actor = ctx.actor()?;
    state
        .store
        .set_action_done(actor, id, aid, f.done.as_deref() != Some("0"))
        .await
        .map_err(|e| ctx.err(e))?;
    back(id, "actions")
}

#[derive(Deserialize)]
struct EvaluateForm {
    #[serde(default)]
    rating: String,
    #[serde(default)]
    comment: String,
}

async fn evaluate(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<EvaluateForm>,
) -> PageResult {
    let actor = ctx.actor()?;
    let rating = f.rating.trim().parse().map_err(|_| {
        ctx.err(ServiceError::invalid(
            "rating",
            linli_domain::Invalid::Required,
        ))
    })?;
    state
        .store
        .evaluate(
            actor,
            id,
            &EvaluationInput {
                rating,
                comment: f.comment,
            },
        )
        .await
        .map_err(|e| ctx.err(e))?;
    back(id, "evaluation")
}

#[derive(Template, WebTemplate)]
#[template(path = "notifications.html")]
struct Notifications {
    t: T,
    c: Chrome,
    items: Vec<NotificationView>,
}

async fn notifications(state: State, ctx: Ctx) -> PageResult {
    let actor = ctx.actor()?;
    let items = state
        .store
        .notifications(actor)
        .await
        .map_err(|e| ctx.err(e))?;
    let (t, c) = chrome(&ctx);
    Ok(Notifications { t, c, items }.into_response())
}

#[derive(Deserialize)]
struct Empty {}

async fn read_all(state: State, ctx: Ctx, CsrfForm(_): CsrfForm<Empty>) -> PageResult {
    let actor = ctx.actor()?;
    state
        .store
        .mark_notifications_read(actor)
        .await
        .map_err(|e| ctx.err(e))?;
    Ok(Redirect::to("/notifications").into_response())
}
