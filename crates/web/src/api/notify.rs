//! Notifications that reach people, as JSON: one's channel, the delivery list for staff, one's
//! personal data, and anonymising a person who has left. The same calls as the pages.

use super::ApiResult;
use crate::ctx::Ctx;
use crate::error::{ApiError, WebError};
use crate::form::{ApiJson, Ids, Q};
use crate::pages::notify::DeliveryQuery;
use crate::{AppState, State};
use axum::Json;
use axum::http::StatusCode;
use linli_store::delivery::{DeliveryView, NotifyPrefsInput, NotifyPrefsView};
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new()
        .routes(routes!(my_prefs, set_prefs))
        .routes(routes!(deliveries))
        .routes(routes!(my_data))
        .routes(routes!(anonymise))
}

/// How you are told of votes, results, bills and requests: `sms`, `email` or `none`.
#[utoipa::path(get, path = "/account/notifications", tag = "notifications", responses((status = 200, body = NotifyPrefsView)))]
async fn my_prefs(state: State, ctx: Ctx) -> ApiResult<NotifyPrefsView> {
    Ok(Json(state.store.notify_prefs(ctx.actor()?).await?))
}

/// Choose your channel (text messages need a phone on the account, e-mail an address).
#[utoipa::path(put, path = "/account/notifications", tag = "notifications", request_body = NotifyPrefsInput,
    responses((status = 200, body = NotifyPrefsView), (status = 422, body = ApiError)))]
async fn set_prefs(
    state: State,
    ctx: Ctx,
    ApiJson(input): ApiJson<NotifyPrefsInput>,
) -> ApiResult<NotifyPrefsView> {
    Ok(Json(
        state
            .store
            .set_notify_prefs(ctx.actor()?, &input, ctx.lang)
            .await?,
    ))
}

/// Whether each message to the people in your care was delivered (staff who see personal
/// data: committees, community workers and above), newest first, at most 200.
#[utoipa::path(get, path = "/deliveries", tag = "notifications", params(DeliveryQuery),
    responses((status = 200, body = Vec<DeliveryView>), (status = 403, body = ApiError)))]
async fn deliveries(
    state: State,
    ctx: Ctx,
    Q(q): Q<DeliveryQuery>,
) -> ApiResult<Vec<DeliveryView>> {
    Ok(Json(
        state
            .store
            .deliveries(ctx.actor()?, q.state.as_deref(), 200)
            .await?,
    ))
}

/// All that linli holds about you, table by table (also as `.xlsx` at `/account/data.xlsx`).
#[utoipa::path(get, path = "/account/data", tag = "notifications", responses((status = 200, body = Object)))]
async fn my_data(state: State, ctx: Ctx) -> Result<Json<serde_json::Value>, WebError> {
    let data = state.store.my_data(ctx.actor()?).await?;
    Ok(Json(serde_json::to_value(&data).map_err(|err| {
        WebError::from(linli_store::ServiceError::Internal(err.into()))
    })?))
}

/// Anonymise a person who has left (owns and lives in no home): name and phone replaced,
/// accounts closed; ballots and payments are kept. Audited.
#[utoipa::path(post, path = "/people/{id}/anonymise", tag = "notifications", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
async fn anonymise(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> Result<StatusCode, WebError> {
    state.store.anonymise_person(ctx.actor()?, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
