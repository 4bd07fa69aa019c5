//! The volunteer pages: a compound's stations, a station's month as a calendar with the
//! buttons a volunteer needs on a phone (take a turn, leave it, swap it, check in), the
//! printable rota for the station's wall, and the hours per person and per unit with their
//! `.xlsx` download.

use super::{Chrome, PageResult, chrome, sheet_download};
use crate::ctx::Ctx;
use crate::form::{CsrfForm, Ids, Q};
use crate::form_errors::FormErrors;
use crate::i18n::T;
use crate::{AppState, State};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use linli_domain::Invalid;
use linli_domain::volunteers::Weekday;
use linli_store::ServiceError;
use linli_store::volunteers::*;
use serde::Deserialize;
use std::sync::Arc;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route(
            "/compounds/{id}/volunteers",
            get(stations).post(create_station),
        )
        .route("/compounds/{id}/volunteer-hours", get(hours))
        .route("/volunteer-stations/{id}", get(station))
        .route("/volunteer-stations/{id}/print", get(print))
        .route("/volunteer-stations/{id}/shifts", post(add_shift))
        .route("/volunteer-stations/{id}/signups", post(take_turn))
        .route("/volunteer-shifts/{id}/retire", post(retire_shift))
        .route("/volunteer-signups/{id}/leave", post(leave_turn))
        .route("/volunteer-signups/{id}/checkin", post(check_in))
        .route("/volunteer-signups/{id}/swap", post(propose_swap))
        .route("/volunteer-swaps/{id}", post(decide_swap))
}

/// (number, label) of each weekday, Monday first, for the shift form.
fn weekdays(t: &T) -> Vec<(u8, &'static str)> {
    Weekday::ALL
        .iter()
        .map(|w| (w.number(), w.label(t.lang)))
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "volunteer_stations.html")]
struct StationsPage {
    t: T,
    c: Chrome,
    v: StationList,
    errors: FormErrors,
    name: String,
    place: String,
}

async fn stations(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> PageResult {
    let v = state.store.volunteer_stations(ctx.actor()?, id).await?;
    let (t, c) = chrome(&ctx);
    Ok(StationsPage {
        t,
        c,
        v,
        errors: FormErrors::default(),
        name: String::new(),
        place: String::new(),
    }
    .into_response())
}

async fn create_station(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<StationInput>,
) -> PageResult {
    let actor = ctx.actor()?;
    match state.store.create_volunteer_station(actor, id, &f).await {
        Ok(s) => Ok(Redirect::to(&format!("/volunteer-stations/{}", s.id)).into_response()),
        Err(e @ ServiceError::Invalid(_)) => {
            let v = state.store.volunteer_stations(actor, id).await?;
            let (t, c) = chrome(&ctx);
            let page = StationsPage {
                t,
                c,
                v,
                errors: FormErrors::new(&e, ctx.lang),
                name: f.name,
                place: f.place,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "volunteer_station.html")]
struct StationPage {
    t: T,
    c: Chrome,
    r: RotaView,
    weekdays: Vec<(u8, &'static str)>,
    errors: FormErrors,
    /// The new-shift form: a usual morning turn, or what was typed when it was refused.
    shift: NewShift,
}

struct NewShift {
    weekday: String,
    start: String,
    end: String,
    capacity: String,
}

impl Default for NewShift {
    fn default() -> NewShift {
        NewShift {
            weekday: String::new(),
            start: "08:30".into(),
            end: "11:30".into(),
            capacity: "2".into(),
        }
    }
}

#[derive(Deserialize, Default)]
struct MonthQuery {
    #[serde(default)]
    month: String,
    #[serde(default)]
    format: String,
}

async fn station_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    month: &str,
    errors: FormErrors,
    shift: NewShift,
) -> PageResult {
    let r = state.store.volunteer_rota(ctx.actor()?, id, month).await?;
    let (t, c) = chrome(ctx);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let weekdays = weekdays(&t);
    Ok((
        status,
        StationPage {
            t,
            c,
            r,
            weekdays,
            errors,
            shift,
        },
    )
        .into_response())
}

async fn station(state: State, ctx: Ctx, Ids(id): Ids<i64>, Q(q): Q<MonthQuery>) -> PageResult {
    station_page(
        &state,
        &ctx,
        id,
        &q.month,
        FormErrors::default(),
        NewShift::default(),
    )
    .await
}

/// Where a form on the station page goes back to: the station and the month shown.
#[derive(Deserialize, Default)]
struct Back {
    #[serde(default)]
    station: String,
    #[serde(default)]
    month: String,
}

/// After a form of the station page: back to the page, or the page again with the errors.
async fn back_to(
    state: &AppState,
    ctx: &Ctx,
    back: &Back,
    result: Result<i64, ServiceError>,
) -> PageResult {
    let station: Option<i64> = back.station.trim().parse().ok();
    match (result, station) {
        (Ok(id), _) => {
            let month = if back.month.is_empty() {
                String::new()
            } else {
                format!("?month={}", super::urlencode(&back.month))
            };
            Ok(Redirect::to(&format!("/volunteer-stations/{id}{month}")).into_response())
        }
        (Err(e @ ServiceError::Invalid(_)), Some(id)) => {
            let errors = FormErrors::new(&e, ctx.lang);
            station_page(state, ctx, id, &back.month, errors, NewShift::default()).await
        }
        (Err(e), _) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
struct ShiftForm {
    #[serde(flatten)]
    back: Back,
    #[serde(default)]
    weekday: String,
    #[serde(default)]
    start: String,
    #[serde(default)]
    end: String,
    #[serde(default)]
    capacity: String,
}

async fn add_shift(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<ShiftForm>,
) -> PageResult {
    let input = ShiftInput {
        weekday: f.weekday,
        start: f.start,
        end: f.end,
        capacity: f.capacity,
    };
    let result = state
        .store
        .add_volunteer_shift(ctx.actor()?, id, &input)
        .await
        .map(|_| id);
    if let Err(e @ ServiceError::Invalid(_)) = &result {
        let typed = NewShift {
            weekday: input.weekday,
            start: input.start,
            end: input.end,
            capacity: input.capacity,
        };
        let errors = FormErrors::new(e, ctx.lang);
        return station_page(&state, &ctx, id, &f.back.month, errors, typed).await;
    }
    back_to(
        &state,
        &ctx,
        &Back {
            station: id.to_string(),
            ..f.back
        },
        result,
    )
    .await
}

async fn retire_shift(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<Back>,
) -> PageResult {
    let result = state.store.retire_volunteer_shift(ctx.actor()?, id).await;
    back_to(&state, &ctx, &f, result).await
}

#[derive(Deserialize, Default)]
struct TakeForm {
    #[serde(flatten)]
    back: Back,
    #[serde(default)]
    shift_id: String,
    #[serde(default)]
    day: String,
}

async fn take_turn(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<TakeForm>,
) -> PageResult {
    let result = match f.shift_id.trim().parse() {
        Ok(shift_id) => state
            .store
            .take_volunteer_turn(
                ctx.actor()?,
                id,
                &SignupInput {
                    shift_id,
                    day: f.day,
                },
            )
            .await
            .map(|t| t.station_id),
        Err(_) => Err(ServiceError::invalid("shift", Invalid::BadChoice)),
    };
    back_to(
        &state,
        &ctx,
        &Back {
            station: id.to_string(),
            ..f.back
        },
        result,
    )
    .await
}

async fn leave_turn(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<Back>,
) -> PageResult {
    let result = state.store.leave_volunteer_turn(ctx.actor()?, id).await;
    back_to(&state, &ctx, &f, result).await
}

async fn check_in(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<Back>,
) -> PageResult {
    let result = state
        .store
        .check_in_volunteer(ctx.actor()?, id)
        .await
        .map(|t| t.station_id);
    back_to(&state, &ctx, &f, result).await
}

#[derive(Deserialize, Default)]
struct SwapForm {
    #[serde(flatten)]
    back: Back,
    #[serde(default)]
    with_signup_id: String,
}

async fn propose_swap(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<SwapForm>,
) -> PageResult {
    let result = match f.with_signup_id.trim().parse() {
        Ok(with_signup_id) => state
            .store
            .propose_volunteer_swap(ctx.actor()?, id, &SwapInput { with_signup_id })
            .await
            .map(|s| s.from.station_id),
        Err(_) => Err(ServiceError::invalid("with_signup_id", Invalid::Required)),
    };
    back_to(&state, &ctx, &f.back, result).await
}

#[derive(Deserialize, Default)]
struct DecideForm {
    #[serde(flatten)]
    back: Back,
    #[serde(default)]
    step: String,
}

async fn decide_swap(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<DecideForm>,
) -> PageResult {
    let result = state
        .store
        .decide_volunteer_swap(ctx.actor()?, id, &SwapDecision { step: f.step })
        .await
        .map(|s| s.from.station_id);
    back_to(&state, &ctx, &f.back, result).await
}

#[derive(Template, WebTemplate)]
#[template(path = "volunteer_print.html")]
struct PrintPage {
    t: T,
    c: Chrome,
    r: RotaView,
}

/// The month's rota for the station's wall: every day with a shift, who is on it, and blank
/// lines where places are still free.
async fn print(state: State, ctx: Ctx, Ids(id): Ids<i64>, Q(q): Q<MonthQuery>) -> PageResult {
    let r = state
        .store
        .volunteer_rota(ctx.actor()?, id, &q.month)
        .await?;
    let (t, c) = chrome(&ctx);
    Ok(PrintPage { t, c, r }.into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "volunteer_hours.html")]
struct HoursPage {
    t: T,
    c: Chrome,
    h: HoursView,
}

async fn hours(state: State, ctx: Ctx, Ids(id): Ids<i64>, Q(q): Q<MonthQuery>) -> PageResult {
    let h = state
        .store
        .volunteer_hours(ctx.actor()?, id, &q.month)
        .await?;
    let (t, c) = chrome(&ctx);
    if !q.format.is_empty() {
        return hours_sheet(&ctx, &t, &h, &q.format);
    }
    Ok(HoursPage { t, c, h }.into_response())
}

/// The hours as one table: a row per volunteer, then a row per unit.
fn hours_sheet(ctx: &Ctx, t: &T, h: &HoursView, format: &str) -> super::PageResult {
    let headers = [
        t.s("vo_month"),
        t.s("vo_kind"),
        t.s("vo_who"),
        t.s("vo_turns"),
        t.s("vo_minutes"),
        t.s("vo_hours"),
    ];
    let mut rows: Vec<Vec<String>> = h
        .people
        .iter()
        .map(|p| {
            vec![
                h.month.clone(),
                t.s("vo_person").into(),
                p.name.clone(),
                p.turns.to_string(),
                p.minutes.to_string(),
                t.minutes(p.minutes),
            ]
        })
        .collect();
    rows.extend(h.units.iter().map(|u| {
        vec![
            h.month.clone(),
            t.s("vo_unit").into(),
            u.unit.clone(),
            String::new(),
            u.minutes.to_string(),
            t.minutes(u.minutes),
        ]
    }));
    sheet_download(ctx, format, t.s("vo_hours_title"), &headers, &rows)
}
