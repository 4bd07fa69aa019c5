//! The civility rating as JSON: the same service calls as the rating pages.

use super::ApiResult;
use super::labels::{Key, Labelled, Labels, Words, labels, worded};
use crate::ctx::Ctx;
use crate::error::{ApiError, WebError};
use crate::form::{Allowed, ApiJson, Ids, Q, may};
use crate::{AppState, State};
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use linli_store::ratings::*;
use serde::Deserialize;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new()
        .routes(routes!(rubrics, adopt_rubric))
        .routes(routes!(panel, add_scorer))
        .routes(routes!(scorer_choices))
        .routes(routes!(months, open_month))
        .routes(routes!(month))
        .routes(routes!(submit_sheet))
        .routes(routes!(close_month))
        .routes(routes!(unit_detail))
        .routes(routes!(appeals, file_appeal))
        .routes(routes!(decide_appeal))
        .routes(routes!(year))
        .routes(routes!(year_xlsx))
}

/// The rubric versions of a compound, oldest first.
#[utoipa::path(get, path = "/compounds/{id}/rating/rubrics", tag = "rating", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<RubricView>), (status = 403, body = ApiError)))]
async fn rubrics(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> ApiResult<Vec<RubricView>> {
    Ok(Json(state.store.rubrics(ctx.actor()?, id).await?))
}

/// Adopt a rubric version: `{"preset":"nanguo","from_month":"2024-04"}` for the first; every
/// later version needs `proposal_id` of a passed proposal.
#[utoipa::path(post, path = "/compounds/{id}/rating/rubrics", tag = "rating", params(("id" = i64, Path)), request_body = RubricInput,
    responses((status = 201, body = RubricView), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
async fn adopt_rubric(
    state: State,
    ctx: Ctx,
    _: Allowed<may::ManageRating>,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<RubricInput>,
) -> Result<(StatusCode, Json<RubricView>), WebError> {
    Ok((
        StatusCode::CREATED,
        Json(state.store.adopt_rubric(ctx.actor()?, id, &input).await?),
    ))
}

/// The scoring panel of a compound.
#[utoipa::path(get, path = "/compounds/{id}/rating/panel", tag = "rating", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<ScorerView>), (status = 403, body = ApiError)))]
async fn panel(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> ApiResult<Labelled<Vec<ScorerView>>> {
    Ok(worded(state.store.panel(ctx.actor()?, id).await?, ctx.lang))
}

/// Who may be seated on the panel, by name and role (for the form's list).
#[utoipa::path(get, path = "/compounds/{id}/rating/panel/choices", tag = "rating", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<linli_store::registry::PersonChoice>), (status = 403, body = ApiError)))]
async fn scorer_choices(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
) -> ApiResult<Labelled<Vec<linli_store::registry::PersonChoice>>> {
    Ok(worded(
        state.store.scorer_choices(ctx.actor()?, id).await?,
        ctx.lang,
    ))
}

/// Seat a scorer on the panel for one of the four parties: by `account_id` (as listed by
/// `…/panel/choices`) or by `login`.
#[utoipa::path(post, path = "/compounds/{id}/rating/panel", tag = "rating", params(("id" = i64, Path)), request_body = ScorerInput,
    responses((status = 201, body = ScorerView), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
async fn add_scorer(
    state: State,
    ctx: Ctx,
    _: Allowed<may::ManageRating>,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<ScorerInput>,
) -> Result<(StatusCode, Json<Labelled<ScorerView>>), WebError> {
    Ok((
        StatusCode::CREATED,
        worded(
            state.store.add_scorer(ctx.actor()?, id, &input).await?,
            ctx.lang,
        ),
    ))
}

/// The rating months of a compound, newest first.
#[utoipa::path(get, path = "/compounds/{id}/rating/months", tag = "rating", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<MonthRow>), (status = 403, body = ApiError)))]
async fn months(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> ApiResult<Vec<MonthRow>> {
    Ok(Json(state.store.rating_months(ctx.actor()?, id).await?))
}

/// Open a month for scoring, under the rubric version in force for it.
#[utoipa::path(post, path = "/compounds/{id}/rating/months", tag = "rating", params(("id" = i64, Path)), request_body = MonthInput,
    responses((status = 201, body = MonthView), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
async fn open_month(
    state: State,
    ctx: Ctx,
    _: Allowed<may::ManageRating>,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<MonthInput>,
) -> Result<(StatusCode, Json<Labelled<MonthView>>), WebError> {
    Ok((
        StatusCode::CREATED,
        worded(
            state.store.open_month(ctx.actor()?, id, &input).await?,
            ctx.lang,
        ),
    ))
}

/// A month's ranking: scores, flags, and each unit's deductions, bonuses and vetoes.
#[utoipa::path(get, path = "/rating/months/{id}", tag = "rating", params(("id" = i64, Path)),
    responses((status = 200, body = MonthView), (status = 404, body = ApiError)))]
async fn month(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> ApiResult<Labelled<MonthView>> {
    Ok(worded(
        state.store.rating_month(ctx.actor()?, id).await?,
        ctx.lang,
    ))
}

/// Submit your sheet for one unit: the codes tapped, each with a note and a photo if any.
#[utoipa::path(post, path = "/rating/months/{id}/sheets", tag = "rating", params(("id" = i64, Path)), request_body = SheetInput,
    responses((status = 201, body = SheetView), (status = 422, body = ApiError)))]
async fn submit_sheet(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<SheetInput>,
) -> Result<(StatusCode, Json<Labelled<SheetView>>), WebError> {
    Ok((
        StatusCode::CREATED,
        worded(
            state.store.submit_sheet(ctx.actor()?, id, &input).await?,
            ctx.lang,
        ),
    ))
}

/// Close a month; a reason is needed unless every party scored every unit.
#[utoipa::path(post, path = "/rating/months/{id}/close", tag = "rating", params(("id" = i64, Path)), request_body = CloseInput,
    responses((status = 200, body = MonthView), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
async fn close_month(
    state: State,
    ctx: Ctx,
    _: Allowed<may::ManageRating>,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<CloseInput>,
) -> ApiResult<Labelled<MonthView>> {
    Ok(worded(
        state.store.close_month(ctx.actor()?, id, &input).await?,
        ctx.lang,
    ))
}

/// One unit's month: its result and every sheet with its taps and appeals.
#[utoipa::path(get, path = "/rating/months/{id}/units/{unit_id}", tag = "rating", params(("id" = i64, Path), ("unit_id" = i64, Path)),
    responses((status = 200, body = UnitDetail), (status = 404, body = ApiError)))]
async fn unit_detail(
    state: State,
    ctx: Ctx,
    Ids((id, unit_id)): Ids<(i64, i64)>,
) -> ApiResult<Labelled<UnitDetail>> {
    Ok(worded(
        state.store.rating_unit(ctx.actor()?, id, unit_id).await?,
        ctx.lang,
    ))
}

/// The appeals of a month.
#[utoipa::path(get, path = "/rating/months/{id}/appeals", tag = "rating", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<AppealView>), (status = 404, body = ApiError)))]
async fn appeals(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
) -> ApiResult<Labelled<Vec<AppealView>>> {
    Ok(worded(
        state.store.rating_appeals(ctx.actor()?, id).await?,
        ctx.lang,
    ))
}

/// Appeal a deduction or veto of your unit, within the rubric's appeal period.
#[utoipa::path(post, path = "/rating/months/{id}/appeals", tag = "rating", params(("id" = i64, Path)), request_body = AppealInput,
    responses((status = 201, body = AppealView), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
async fn file_appeal(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<AppealInput>,
) -> Result<(StatusCode, Json<Labelled<AppealView>>), WebError> {
    Ok((
        StatusCode::CREATED,
        worded(
            state.store.file_appeal(ctx.actor()?, id, &input).await?,
            ctx.lang,
        ),
    ))
}

/// Keep or reverse the appealed deduction, with the reason; reversing recomputes the ranking.
#[utoipa::path(post, path = "/rating/appeals/{id}/decision", tag = "rating", params(("id" = i64, Path)), request_body = AppealDecisionInput,
    responses((status = 200, body = AppealView), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
async fn decide_appeal(
    state: State,
    ctx: Ctx,
    _: Allowed<may::ManageRating>,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<AppealDecisionInput>,
) -> ApiResult<Labelled<AppealView>> {
    Ok(worded(
        state.store.decide_appeal(ctx.actor()?, id, &input).await?,
        ctx.lang,
    ))
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
pub struct YearParams {
    /// Households of the building and unit heads who did their duty, comma-separated ids.
    heads: Option<String>,
    /// The same heads' homes as people say their rooms, besides or instead of ids:
    /// "1栋1单元601、2-1-302" (separated by commas, 、 or new lines).
    #[serde(default)]
    rooms: String,
}

impl YearParams {
    fn heads(&self) -> Result<Heads, WebError> {
        Ok(Heads {
            ids: parse_heads(self.heads.as_deref())?,
            rooms: self.rooms.clone(),
        })
    }
}

pub(crate) fn parse_heads(heads: Option<&str>) -> Result<Vec<i64>, WebError> {
    let mut out = Vec::new();
    for part in heads
        .unwrap_or("")
        .split([',', ' ', '，'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let id = part.parse::<i64>().map_err(|_| {
            WebError::from(linli_store::ServiceError::invalid(
                "heads",
                linli_domain::Invalid::NotANumber,
            ))
        })?;
        out.push(id);
    }
    Ok(out)
}

/// The year's flag-months, awarded units, household subsidies and heads' subsidies (fen).
#[utoipa::path(get, path = "/compounds/{id}/rating/years/{year}", tag = "rating", params(("id" = i64, Path), ("year" = i32, Path), YearParams),
    responses((status = 200, body = YearView), (status = 403, body = ApiError)))]
async fn year(
    state: State,
    ctx: Ctx,
    Ids((id, year)): Ids<(i64, i32)>,
    Q(p): Q<YearParams>,
) -> ApiResult<Labelled<YearView>> {
    Ok(worded(
        state
            .store
            .rating_year_of(ctx.actor()?, id, year, &p.heads()?)
            .await?,
        ctx.lang,
    ))
}

/// The same as an `.xlsx` workbook for the finance side (amounts in fen).
#[utoipa::path(get, path = "/compounds/{id}/rating/years/{year}/xlsx", tag = "rating", params(("id" = i64, Path), ("year" = i32, Path), YearParams),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 403, body = ApiError)))]
async fn year_xlsx(
    state: State,
    ctx: Ctx,
    Ids((id, year)): Ids<(i64, i32)>,
    Q(p): Q<YearParams>,
) -> Result<Response, WebError> {
    let bytes = state
        .store
        .rating_year_xlsx(ctx.actor()?, id, year, &p.heads()?)
        .await?;
    Ok(xlsx_download(bytes, year))
}

pub(crate) fn xlsx_download(bytes: Vec<u8>, year: i32) -> Response {
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"rating-{year}.xlsx\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

// The words the API sends beside the facts of the rating views.

labels!(linli_store::registry::PersonChoice, |v, lang| {
    "label" => crate::i18n::person_with_role(&v.name, &v.role, lang),
});

labels!(ScorerView, |v, lang| {
    "party_label" => v.party.label(lang),
});

labels!(AppealView, |v, lang| {
    "status_label" => v.status.label(lang),
});

labels!(MonthView, |v, lang| {}, nested: [units]);

impl Labels for UnitResult {
    const KEYS: &'static [Key] = &[
        Key::Text("no_flag_label"),
        Key::Texts("parties"),
        Key::Texts("vetoes"),
    ];
    fn words(&self, w: &mut Words<'_>) {
        let lang = w.lang;
        w.put(
            "no_flag_label",
            self.no_flag.map(|n| n.label(lang)).unwrap_or(""),
        );
        w.list(
            "parties",
            self.party_scores.iter().map(|p| p.party.label(lang)),
        );
        w.list("vetoes", self.vetoes.iter().map(|v| v.label(lang)));
        w.nested("party_scores", &self.party_scores);
        w.nested("lines", &self.lines);
    }
}

labels!(PartyScore, |v, lang| {
    "label" => v.party.label(lang),
});

labels!(ItemLine, |v, lang| {
    "label" => v.name.label(lang),
});

labels!(UnitDetail, |v, lang| {}, nested: [result, sheets]);

labels!(SheetView, |v, lang| {
    "party_label" => v.party.label(lang),
}, nested: [marks]);

labels!(MarkView, |v, lang| {
    "label" => v.name.label(lang),
}, nested: [appeal]);

labels!(YearView, |v, lang| {
    "fee_rate" => crate::i18n_ratings::fee_rate(v.fee_rate, lang),
});

/// Adds the words of the rating views to their schemas.
pub fn describe(doc: &mut utoipa::openapi::OpenApi) {
    use super::labels::describe as d;
    d::<linli_store::registry::PersonChoice>(doc);
    d::<ScorerView>(doc);
    d::<AppealView>(doc);
    d::<UnitResult>(doc);
    d::<PartyScore>(doc);
    d::<ItemLine>(doc);
    d::<SheetView>(doc);
    d::<MarkView>(doc);
    d::<YearView>(doc);
}
