//! The forms around a vote and after it, shown on the proposal page: objections and their
//! answers, affected owners' consents, actions, the residents' evaluation; and "what needs me".

use super::proposals::refused;
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
use linli_store::files::MAX_FILE_BYTES;
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
    room: String,
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
    let typed = vec![
        ("room", f.room.clone()),
        ("concern", f.concern.clone()),
        ("body", f.body.clone()),
    ];
    let input = ObjectionInput {
        household_id: None,
        room: f.room,
        concern: f.concern,
        body: f.body,
    };
    match state.store.add_objection(actor, id, &input).await {
        Ok(_) => back(id, "objections"),
        Err(e) => refused(&state, &ctx, id, "objection", typed, e).await,
    }
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
    let typed = vec![
        ("answer", f.answer.clone()),
        ("compensation", f.compensation.clone()),
    ];
    let input = AnswerInput {
        answer: f.answer,
        compensation: f.compensation,
        resolved: f.resolved.is_some(),
    };
    match state.store.answer_objection(actor, id, oid, &input).await {
        Ok(_) => back(id, "objections"),
        Err(e) => refused(&state, &ctx, id, &format!("answer{oid}"), typed, e).await,
    }
}

/// An affected owner's written consent, with the photo of the signed page in the same form.
async fn record_consent(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    mut form: CsrfMultipart,
) -> PageResult {
    let actor = ctx.actor()?;
    let s = &state.store;
    let room = form.text("room");
    let typed = vec![("room", room.clone())];
    let input = ConsentInput {
        household_id: None,
        room,
        consented: form.text("consented") == "1",
        evidence_id: None,
    };
    match s
        .record_consent_with(actor, id, &input, form.take_file())
        .await
    {
        Ok(_) => back(id, "consents"),
        Err(e) => refused(&state, &ctx, id, "consent", typed, e).await,
    }
}

/// A plan, a photo, or a text the vote adopts, attached to the proposal.
async fn attach(state: State, ctx: Ctx, Ids(id): Ids<i64>, form: CsrfMultipart) -> PageResult {
    let actor = ctx.actor()?;
    let (kind, title) = (form.text("kind"), form.text("title"));
    let typed = vec![("title", title.clone()), ("kind", kind.clone())];
    let Some((name, bytes)) = form.file else {
        let e = ServiceError::invalid("file", linli_domain::Invalid::Required);
        return refused(&state, &ctx, id, "file", typed, e).await;
    };
    match (state.store)
        .attach_to_proposal(actor, id, &kind, &title, &name, bytes)
        .await
    {
        Ok(_) => back(id, "files"),
        Err(e) => refused(&state, &ctx, id, "file", typed, e).await,
    }
}

async fn add_action(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<ActionInput>,
) -> PageResult {
    let actor = ctx.actor()?;
    match state.store.add_action(actor, id, &f).await {
        Ok(_) => back(id, "actions"),
        Err(e) => {
            let typed = vec![
                ("title", f.title),
                ("responsible", f.responsible),
                ("due_on", f.due_on),
            ];
            refused(&state, &ctx, id, "action", typed, e).await
        }
    }
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
        .await?;
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
    let typed = vec![("comment", f.comment.clone())];
    let Ok(rating) = f.rating.trim().parse() else {
        let e = ServiceError::invalid("rating", linli_domain::Invalid::Required);
        return refused(&state, &ctx, id, "evaluate", typed, e).await;
    };
    let input = EvaluationInput {
        rating,
        comment: f.comment,
    };
    match state.store.evaluate(actor, id, &input).await {
        Ok(_) => back(id, "evaluation"),
        Err(e) => refused(&state, &ctx, id, "evaluate", typed, e).await,
    }
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
    let items = state.store.notifications(actor).await?;
    let (t, c) = chrome(&ctx);
    Ok(Notifications { t, c, items }.into_response())
}

#[derive(Deserialize)]
struct Empty {}

async fn read_all(state: State, ctx: Ctx, CsrfForm(_): CsrfForm<Empty>) -> PageResult {
    let actor = ctx.actor()?;
    state.store.mark_notifications_read(actor).await?;
    Ok(Redirect::to("/notifications").into_response())
}
