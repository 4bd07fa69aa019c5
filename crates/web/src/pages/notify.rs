//! One's notification channel, the stop link of a message, the delivery list staff read, and
//! the download of one's personal data.

use super::{Chrome, PageResult, chrome};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::form::{CsrfForm, Q};
use crate::form_errors::FormErrors;
use crate::i18n::T;
use crate::{AppState, State};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use linli_domain::notify::Channel;
use linli_store::ServiceError;
use linli_store::delivery::{DeliveryView, NotifyPrefsInput, NotifyPrefsView};
use serde::Deserialize;
use std::sync::Arc;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/account/notifications", get(prefs_page).post(save_prefs))
        .route("/account/data.json", get(data_json))
        .route("/account/data.xlsx", get(data_xlsx))
        .route(
            "/unsubscribe/{token}",
            get(unsubscribe_page).post(unsubscribe),
        )
        .route("/deliveries", get(deliveries))
        .route("/people/{id}/anonymise", axum::routing::post(anonymise))
}

#[derive(Template, WebTemplate)]
#[template(path = "notify_prefs.html")]
struct Prefs {
    t: T,
    c: Chrome,
    prefs: NotifyPrefsView,
    channels: Vec<(&'static str, &'static str, bool)>,
    saved: bool,
    errors: FormErrors,
}

fn prefs_view(ctx: &Ctx, prefs: NotifyPrefsView, saved: bool, errors: FormErrors) -> Prefs {
    let (t, c) = chrome(ctx);
    let channels = Channel::ALL
        .iter()
        .map(|ch| (ch.as_str(), ch.label(ctx.lang), prefs.channel == *ch))
        .collect();
    Prefs {
        t,
        c,
        prefs,
        channels,
        saved,
        errors,
    }
}

async fn prefs_page(state: State, ctx: Ctx) -> PageResult {
    let prefs = state.store.notify_prefs(ctx.actor()?).await?;
    Ok(prefs_view(&ctx, prefs, false, FormErrors::default()).into_response())
}

async fn save_prefs(state: State, ctx: Ctx, CsrfForm(f): CsrfForm<NotifyPrefsInput>) -> PageResult {
    let actor = ctx.actor()?;
    match state.store.set_notify_prefs(actor, &f, ctx.lang).await {
        Ok(prefs) => Ok(prefs_view(&ctx, prefs, true, FormErrors::default()).into_response()),
        Err(e @ ServiceError::Invalid(_)) => {
            let mut prefs = state.store.notify_prefs(actor).await?;
            // A channel not on the form keeps the one stored (its error is shown).
            prefs.channel = Channel::parse(&f.channel).unwrap_or(prefs.channel);
            prefs.email = f.email.clone();
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                prefs_view(&ctx, prefs, false, FormErrors::new(&e, ctx.lang)),
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "unsubscribe.html")]
struct Unsubscribe {
    t: T,
    c: Chrome,
    token: String,
    known: bool,
    done: bool,
}

/// The stop link opens a page with one button (a link alone must not change anything: mail
/// scanners open links).
async fn unsubscribe_page(state: State, ctx: Ctx, Path(token): Path<String>) -> PageResult {
    let known = state.store.unsubscribe_token_known(&token).await?;
    let (t, c) = chrome(&ctx);
    let status = if known {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    Ok((
        status,
        Unsubscribe {
            t,
            c,
            token,
            known,
            done: false,
        },
    )
        .into_response())
}

#[derive(Deserialize)]
struct Empty {}

async fn unsubscribe(
    state: State,
    ctx: Ctx,
    Path(token): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> PageResult {
    let done = state.store.unsubscribe(&token).await?;
    let (t, c) = chrome(&ctx);
    let status = if done {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    Ok((
        status,
        Unsubscribe {
            t,
            c,
            token,
            known: done,
            done,
        },
    )
        .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "deliveries.html")]
struct Deliveries {
    t: T,
    c: Chrome,
    rows: Vec<DeliveryView>,
    state: String,
    states: [&'static str; 4],
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct DeliveryQuery {
    /// pending | sent | dead | skipped
    pub state: Option<String>,
}

async fn deliveries(state: State, ctx: Ctx, Q(q): Q<DeliveryQuery>) -> PageResult {
    let rows = state
        .store
        .deliveries(ctx.actor()?, q.state.as_deref(), 200)
        .await?;
    let (t, c) = chrome(&ctx);
    Ok(Deliveries {
        t,
        c,
        rows,
        state: q.state.unwrap_or_default(),
        states: ["pending", "sent", "dead", "skipped"],
    }
    .into_response())
}

async fn data_json(state: State, ctx: Ctx) -> PageResult {
    let data = state.store.my_data(ctx.actor()?).await?;
    let body = serde_json::to_vec_pretty(&data)
        .map_err(|e| WebError::from(ServiceError::Internal(e.into())))?;
    Ok(download(body, "application/json", "linli-my-data.json"))
}

async fn data_xlsx(state: State, ctx: Ctx) -> PageResult {
    let data = state.store.my_data(ctx.actor()?).await?;
    let body = linli_store::delivery::personal::xlsx(&data)?;
    Ok(download(
        body,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "linli-my-data.xlsx",
    ))
}

pub(crate) fn download(body: Vec<u8>, content_type: &'static str, name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response()
}

#[derive(Deserialize)]
struct Back {
    back: Option<i64>,
}

/// Anonymises a person who has left, then back to the household page it was asked from.
async fn anonymise(
    state: State,
    ctx: Ctx,
    crate::form::Ids(id): crate::form::Ids<i64>,
    Q(q): Q<Back>,
    CsrfForm(_): CsrfForm<Empty>,
) -> PageResult {
    state.store.anonymise_person(ctx.actor()?, id).await?;
    let to = q
        .back
        .map(|h| format!("/households/{h}"))
        .unwrap_or_else(|| "/".into());
    Ok(axum::response::Redirect::to(&to).into_response())
}
