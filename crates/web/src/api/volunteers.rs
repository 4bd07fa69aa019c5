//! Volunteer stations and their rota as JSON: the same service calls as the volunteer pages.
//! Days are "2026-11-28", times "08:30", hours in exact minutes with a `*_label` in words.

use super::ApiResult;
use super::labels::{Key, Labelled, Labels, Words, labels, worded};
use crate::ctx::Ctx;
use crate::error::{ApiError, WebError};
use crate::form::{Allowed, ApiJson, Ids, Q, may};
use crate::i18n::T;
use crate::{AppState, State};
use axum::Json;
use axum::http::StatusCode;
use linli_domain::FieldError;
use linli_domain::rating::Month;
use linli_store::ServiceError;
use linli_store::volunteers::*;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new()
        .routes(routes!(stations, create_station))
        .routes(routes!(rota))
        .routes(routes!(add_shift))
        .routes(routes!(retire_shift))
        .routes(routes!(take_turn))
        .routes(routes!(leave_turn))
        .routes(routes!(check_in))
        .routes(routes!(propose_swap))
        .routes(routes!(decide_swap))
        .routes(routes!(hours))
        .routes(routes!(unit_hours))
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
pub struct MonthParams {
    /// "2026-11"; this month (China time) when absent.
    month: Option<String>,
}

/// The volunteer stations of a compound with their weekly shifts.
#[utoipa::path(get, path = "/compounds/{id}/volunteer-stations", tag = "volunteers", params(("id" = i64, Path)),
    responses((status = 200, body = StationList), (status = 403, body = ApiError)))]
async fn stations(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> ApiResult<Labelled<StationList>> {
    Ok(worded(
        state.store.volunteer_stations(ctx.actor()?, id).await?,
        ctx.lang,
    ))
}

/// Open a station: `{"name": "志愿服务站", "place": "2栋楼下"}` (those who run grids).
#[utoipa::path(post, path = "/compounds/{id}/volunteer-stations", tag = "volunteers", params(("id" = i64, Path)), request_body = StationInput,
    responses((status = 201, body = StationView), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
async fn create_station(
    state: State,
    ctx: Ctx,
    _: Allowed<may::ManageGrid>,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<StationInput>,
) -> Result<(StatusCode, Json<Labelled<StationView>>), WebError> {
    Ok((
        StatusCode::CREATED,
        worded(
            state
                .store
                .create_volunteer_station(ctx.actor()?, id, &input)
                .await?,
            ctx.lang,
        ),
    ))
}

/// A station's rota for a month: a Monday-first calendar of shifts with the people on them,
/// the caller's own turns, turns they could swap for, open swap requests.
#[utoipa::path(get, path = "/volunteer-stations/{id}", tag = "volunteers", params(("id" = i64, Path), MonthParams),
    responses((status = 200, body = RotaView), (status = 404, body = ApiError)))]
async fn rota(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Q(q): Q<MonthParams>,
) -> ApiResult<Labelled<RotaView>> {
    Ok(worded(
        state
            .store
            .volunteer_rota(ctx.actor()?, id, q.month.as_deref().unwrap_or(""))
            .await?,
        ctx.lang,
    ))
}

/// Add a weekly shift: `{"weekday": "6", "start": "08:30", "end": "11:30", "capacity": "2"}`.
#[utoipa::path(post, path = "/volunteer-stations/{id}/shifts", tag = "volunteers", params(("id" = i64, Path)), request_body = ShiftInput,
    responses((status = 201, body = ShiftView), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
async fn add_shift(
    state: State,
    ctx: Ctx,
    _: Allowed<may::ManageGrid>,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<ShiftInput>,
) -> Result<(StatusCode, Json<Labelled<ShiftView>>), WebError> {
    Ok((
        StatusCode::CREATED,
        worded(
            state
                .store
                .add_volunteer_shift(ctx.actor()?, id, &input)
                .await?,
            ctx.lang,
        ),
    ))
}

/// Take a shift off the week (turns already taken stay on the rota).
#[utoipa::path(post, path = "/volunteer-shifts/{id}/retire", tag = "volunteers", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ApiError)))]
async fn retire_shift(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> Result<StatusCode, WebError> {
    state.store.retire_volunteer_shift(ctx.actor()?, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Take a place on a shift on a day, for yourself: `{"shift_id": 3, "day": "2026-11-28"}`.
/// Refused when it began, is full, or overlaps one of your turns (`double_booked`).
#[utoipa::path(post, path = "/volunteer-stations/{id}/signups", tag = "volunteers", params(("id" = i64, Path)), request_body = SignupInput,
    responses((status = 201, body = TurnView), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
async fn take_turn(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<SignupInput>,
) -> Result<(StatusCode, Json<TurnView>), WebError> {
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .store
                .take_volunteer_turn(ctx.actor()?, id, &input)
                .await?,
        ),
    ))
}

/// Leave a turn that has not begun (your own; anyone's for those who run the station).
#[utoipa::path(post, path = "/volunteer-signups/{id}/leave", tag = "volunteers", params(("id" = i64, Path)),
    responses((status = 204), (status = 422, body = ApiError)))]
async fn leave_turn(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> Result<StatusCode, WebError> {
    state.store.leave_volunteer_turn(ctx.actor()?, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Check yourself in on your turn: on its day, from 30 minutes before the start to the end.
#[utoipa::path(post, path = "/volunteer-signups/{id}/checkin", tag = "volunteers", params(("id" = i64, Path)),
    responses((status = 200, body = TurnView), (status = 422, body = ApiError)))]
async fn check_in(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> ApiResult<TurnView> {
    Ok(Json(
        state.store.check_in_volunteer(ctx.actor()?, id).await?,
    ))
}

/// Ask to exchange your turn for another's at the same station: `{"with_signup_id": 9}`.
/// Those who run the station exchange any two turns at once (status `done`).
#[utoipa::path(post, path = "/volunteer-signups/{id}/swaps", tag = "volunteers", params(("id" = i64, Path)), request_body = SwapInput,
    responses((status = 201, body = SwapView), (status = 422, body = ApiError)))]
async fn propose_swap(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<SwapInput>,
) -> Result<(StatusCode, Json<Labelled<SwapView>>), WebError> {
    Ok((
        StatusCode::CREATED,
        worded(
            state
                .store
                .propose_volunteer_swap(ctx.actor()?, id, &input)
                .await?,
            ctx.lang,
        ),
    ))
}

/// `{"step": "accept" | "decline" | "withdraw"}` on a swap request.
#[utoipa::path(post, path = "/volunteer-swaps/{id}", tag = "volunteers", params(("id" = i64, Path)), request_body = SwapDecision,
    responses((status = 200, body = SwapView), (status = 422, body = ApiError)))]
async fn decide_swap(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<SwapDecision>,
) -> ApiResult<Labelled<SwapView>> {
    Ok(worded(
        state
            .store
            .decide_volunteer_swap(ctx.actor()?, id, &input)
            .await?,
        ctx.lang,
    ))
}

/// Volunteer hours of a compound for a month, per person and per unit (checked-in turns only).
#[utoipa::path(get, path = "/compounds/{id}/volunteer-hours", tag = "volunteers", params(("id" = i64, Path), MonthParams),
    responses((status = 200, body = HoursView), (status = 403, body = ApiError)))]
async fn hours(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Q(q): Q<MonthParams>,
) -> ApiResult<Labelled<HoursView>> {
    Ok(worded(
        state
            .store
            .volunteer_hours(ctx.actor()?, id, q.month.as_deref().unwrap_or(""))
            .await?,
        ctx.lang,
    ))
}

/// A unit's volunteer minutes in a month.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitMinutes {
    pub unit_id: i64,
    pub month: String,
    pub minutes: u32,
    pub label: String,
}

/// A unit's volunteer hours for a month (`?month=2026-11`, required): the checked-in turns of
/// volunteers living there, the figure the civility rating's volunteering category can go by.
#[utoipa::path(get, path = "/units/{id}/volunteer-hours", tag = "volunteers", params(("id" = i64, Path), MonthParams),
    responses((status = 200, body = UnitMinutes), (status = 422, body = ApiError)))]
async fn unit_hours(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Q(q): Q<MonthParams>,
) -> ApiResult<UnitMinutes> {
    let month = Month::parse(q.month.as_deref().unwrap_or(""))
        .map_err(|err| WebError::from(ServiceError::from(FieldError::new("month", err))))?;
    let minutes = state
        .store
        .unit_volunteer_minutes(ctx.actor()?, id, month)
        .await?;
    Ok(Json(UnitMinutes {
        unit_id: id,
        month: month.to_string(),
        minutes,
        label: linli_domain::volunteers::format_minutes(minutes, ctx.lang),
    }))
}

// The words the API sends beside the facts of the volunteer views.

labels!(StationList, |v, lang| {}, nested: [stations]);

labels!(StationView, |v, lang| {}, nested: [shifts]);

labels!(ShiftView, |v, lang| {
    "weekday_label" => T::new(lang, false).weekday(v.weekday),
});

labels!(RotaView, |v, lang| {}, nested: [station, weeks, swaps]);

labels!(DayCell, |v, lang| {
    "weekday" => v.weekday.label(lang),
});

labels!(SwapView, |v, lang| {
    "status_label" => v.status.label(lang),
});

impl Labels for HoursView {
    const KEYS: &'static [Key] = &[Key::Text("no_unit_label"), Key::Text("total_label")];
    fn words(&self, w: &mut Words<'_>) {
        let t = T::new(w.lang, false);
        w.put("no_unit_label", t.minutes(self.no_unit));
        w.put("total_label", t.minutes(self.total));
        w.nested("people", &self.people);
        w.nested("units", &self.units);
    }
}

labels!(PersonHours, |v, lang| {
    "label" => T::new(lang, false).minutes(v.minutes),
});

labels!(UnitHours, |v, lang| {
    "label" => T::new(lang, false).minutes(v.minutes),
});

/// Adds the words of the volunteer views to their schemas.
pub fn describe(doc: &mut utoipa::openapi::OpenApi) {
    use super::labels::describe as d;
    d::<ShiftView>(doc);
    d::<DayCell>(doc);
    d::<SwapView>(doc);
    d::<HoursView>(doc);
    d::<PersonHours>(doc);
    d::<UnitHours>(doc);
}
