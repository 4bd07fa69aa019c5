//! Governance standards as JSON: the city's scheme, assessments, star ratings and plans — the
//! same service calls as the pages (the dashboards are in `dashboards.rs`).

use super::ApiResult;
use super::labels::{Key, Labelled, Labels, Words, labels, worded};
use crate::ctx::Ctx;
use crate::error::{ApiError, WebError};
use crate::form::{Allowed, ApiJson, Ids, Q, may};
use crate::{AppState, State};
use axum::Json;
use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use linli_domain::PageRequest;
use linli_domain::standards::assessment::rule_lines as status_rule;
use linli_store::files::MAX_FILE_BYTES;
use linli_store::standards::*;
use serde::Deserialize;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new()
        .routes(routes!(scheme, update_scheme))
        .routes(routes!(compound_standards))
        .routes(routes!(create_assessment))
        .routes(routes!(assessment))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(add_evidence))
                .layer(DefaultBodyLimit::max(MAX_FILE_BYTES + 64 * 1024)),
        )
        .routes(routes!(create_star_rating))
        .routes(routes!(star_rating))
        .routes(routes!(plan, save_plan))
        .routes(routes!(add_plan_item))
        .routes(routes!(plan_item_done))
        .routes(routes!(region_plans))
}

/// A city's checklist and star-rating scheme (the template and preset until it saves its own).
#[utoipa::path(get, path = "/cities/{id}/standards", tag = "standards", params(("id" = i64, Path)),
    responses((status = 200, body = SchemeView), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
async fn scheme(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> ApiResult<Labelled<SchemeView>> {
    Ok(worded(
        state.store.standard_scheme(ctx.actor()?, id).await?,
        ctx.lang,
    ))
}

/// Save a city's scheme (city officials). Refused with every problem named: weights that do
/// not add up to 100%, overlapping star bands, duplicate codes, …
#[utoipa::path(put, path = "/cities/{id}/standards", tag = "standards", params(("id" = i64, Path)), request_body = SchemeInput,
    responses((status = 200, body = SchemeView), (status = 403, body = ApiError), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
async fn update_scheme(
    state: State,
    ctx: Ctx,
    _: Allowed<may::Assess>,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<SchemeInput>,
) -> ApiResult<Labelled<SchemeView>> {
    Ok(worded(
        state
            .store
            .update_standard_scheme(ctx.actor()?, id, &input)
            .await?,
        ctx.lang,
    ))
}

/// A compound's status, assessments, star ratings and plan at a glance.
#[utoipa::path(get, path = "/compounds/{id}/standards", tag = "standards", params(("id" = i64, Path)),
    responses((status = 200, body = CompoundStandardsView), (status = 403, body = ApiError)))]
async fn compound_standards(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
) -> ApiResult<Labelled<CompoundStandardsView>> {
    Ok(worded(
        state.store.compound_standards(ctx.actor()?, id).await?,
        ctx.lang,
    ))
}

/// Assess a compound for a period: a mark for every standard. The derived six-have and
/// three-no status becomes the compound's when the period is its latest. Officials over the
/// compound only (403 outside their area).
#[utoipa::path(post, path = "/compounds/{id}/assessments", tag = "standards", params(("id" = i64, Path)), request_body = AssessmentInput,
    responses((status = 201, body = AssessmentView), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
async fn create_assessment(
    state: State,
    ctx: Ctx,
    _: Allowed<may::Assess>,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<AssessmentInput>,
) -> Result<(StatusCode, Json<Labelled<AssessmentView>>), WebError> {
    Ok((
        StatusCode::CREATED,
        worded(
            state
                .store
                .save_assessment(ctx.actor()?, id, &input)
                .await?,
            ctx.lang,
        ),
    ))
}

/// One assessment with its marks, the derived status and the rule.
#[utoipa::path(get, path = "/assessments/{id}", tag = "standards", params(("id" = i64, Path)),
    responses((status = 200, body = AssessmentView), (status = 404, body = ApiError)))]
async fn assessment(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
) -> ApiResult<Labelled<AssessmentView>> {
    Ok(worded(
        state.store.assessment(ctx.actor()?, id).await?,
        ctx.lang,
    ))
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
pub struct EvidenceParams {
    /// The standard's code, e.g. `C4`.
    standard: String,
    /// The file's name, e.g. `gate.jpg`.
    #[serde(default)]
    name: String,
}

/// File a photo or PDF (the request body, up to 10 MB) as the evidence of one standard.
#[utoipa::path(post, path = "/assessments/{id}/evidence", tag = "standards", params(("id" = i64, Path), EvidenceParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = AssessmentView), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
async fn add_evidence(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Q(p): Q<EvidenceParams>,
    body: Bytes,
) -> Result<(StatusCode, Json<Labelled<AssessmentView>>), WebError> {
    let v = state
        .store
        .add_assessment_evidence(ctx.actor()?, id, &p.standard, &p.name, body.to_vec())
        .await?;
    Ok((StatusCode::CREATED, worded(v, ctx.lang)))
}

/// Star-rate a compound for a period. Refused when the survey is below the sample rule.
#[utoipa::path(post, path = "/compounds/{id}/star-ratings", tag = "standards", params(("id" = i64, Path)), request_body = StarRatingInput,
    responses((status = 201, body = StarRatingView), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
async fn create_star_rating(
    state: State,
    ctx: Ctx,
    _: Allowed<may::Assess>,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<StarRatingInput>,
) -> Result<(StatusCode, Json<Labelled<StarRatingView>>), WebError> {
    Ok((
        StatusCode::CREATED,
        worded(
            state
                .store
                .save_star_rating(ctx.actor()?, id, &input)
                .await?,
            ctx.lang,
        ),
    ))
}

/// One star rating: survey, parts, exact score (two decimals shown), stars, reward.
#[utoipa::path(get, path = "/star-ratings/{id}", tag = "standards", params(("id" = i64, Path)),
    responses((status = 200, body = StarRatingView), (status = 404, body = ApiError)))]
async fn star_rating(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
) -> ApiResult<Labelled<StarRatingView>> {
    Ok(worded(
        state.store.star_rating(ctx.actor()?, id).await?,
        ctx.lang,
    ))
}

/// A compound's plan (一小区一策); `id` is null until one is written.
#[utoipa::path(get, path = "/compounds/{id}/plan", tag = "standards", params(("id" = i64, Path)),
    responses((status = 200, body = PlanView), (status = 403, body = ApiError)))]
async fn plan(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> ApiResult<Labelled<PlanView>> {
    Ok(worded(
        state.store.compound_plan(ctx.actor()?, id).await?,
        ctx.lang,
    ))
}

/// Write or edit a compound's plan: problems, responsible, households, budget by channel (yuan).
#[utoipa::path(put, path = "/compounds/{id}/plan", tag = "standards", params(("id" = i64, Path)), request_body = PlanInput,
    responses((status = 200, body = PlanView), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
async fn save_plan(
    state: State,
    ctx: Ctx,
    _: Allowed<may::Assess>,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<PlanInput>,
) -> ApiResult<Labelled<PlanView>> {
    Ok(worded(
        state
            .store
            .save_compound_plan(ctx.actor()?, id, &input)
            .await?,
        ctx.lang,
    ))
}

/// Add a renovation item to a compound's plan.
#[utoipa::path(post, path = "/compounds/{id}/plan/items", tag = "standards", params(("id" = i64, Path)), request_body = PlanItemInput,
    responses((status = 201, body = PlanView), (status = 422, body = ApiError)))]
async fn add_plan_item(
    state: State,
    ctx: Ctx,
    _: Allowed<may::Assess>,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<PlanItemInput>,
) -> Result<(StatusCode, Json<Labelled<PlanView>>), WebError> {
    Ok((
        StatusCode::CREATED,
        worded(
            state.store.add_plan_item(ctx.actor()?, id, &input).await?,
            ctx.lang,
        ),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct DoneInput {
    done: bool,
}

/// Mark a plan item done (or not done again).
#[utoipa::path(post, path = "/plan-items/{id}/done", tag = "standards", params(("id" = i64, Path)), request_body = DoneInput,
    responses((status = 200, body = PlanView), (status = 403, body = ApiError)))]
async fn plan_item_done(
    state: State,
    ctx: Ctx,
    _: Allowed<may::Assess>,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<DoneInput>,
) -> ApiResult<Labelled<PlanView>> {
    Ok(worded(
        state
            .store
            .set_plan_item_done(ctx.actor()?, id, input.done)
            .await?,
        ctx.lang,
    ))
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
pub struct PlanParams {
    /// `open` or `done`.
    status: Option<String>,
    page: Option<u64>,
    size: Option<u64>,
}

/// The plans of a region with their progress.
#[utoipa::path(get, path = "/regions/{id}/plans", tag = "standards", params(("id" = i64, Path), PlanParams),
    responses((status = 200, body = RegionPlans), (status = 403, body = ApiError)))]
async fn region_plans(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Q(p): Q<PlanParams>,
) -> ApiResult<RegionPlans> {
    let f = PlanFilter { status: p.status };
    Ok(Json(
        state
            .store
            .region_plans(ctx.actor()?, id, &f, PageRequest::new(p.page, p.size))
            .await?,
    ))
}

// The words the API sends beside the facts of the standards views (the dashboards' views
// are worded apart).

impl Labels for StandardView {
    const KEYS: &'static [Key] = &[
        Key::Text("evidence_label"),
        Key::MaybeText("decides"),
        Key::MaybeText("shows"),
    ];
    fn words(&self, w: &mut Words<'_>) {
        standard_words(w, self.evidence, self.decides, self.shows);
    }
}

impl Labels for MarkedStandard {
    const KEYS: &'static [Key] = &[
        Key::Text("evidence_label"),
        Key::MaybeText("decides"),
        Key::MaybeText("shows"),
        Key::Text("mark_label"),
    ];
    fn words(&self, w: &mut Words<'_>) {
        standard_words(w, self.evidence, self.decides, self.shows);
        let lang = w.lang;
        w.put("mark_label", self.mark.map(|m| m.label(lang)).unwrap_or(""));
    }
}

/// The words of a standard, on the checklist and on an assessment.
fn standard_words(
    w: &mut Words<'_>,
    evidence: linli_domain::standards::EvidenceKind,
    decides: Option<linli_domain::registry::SixHaveItem>,
    shows: Option<linli_domain::standards::Basic>,
) {
    let lang = w.lang;
    w.put("evidence_label", evidence.label(lang));
    w.maybe("decides", decides.map(|i| i.label(lang)));
    w.maybe("shows", shows.map(|b| b.label(lang)));
}

labels!(AspectView, |v, lang| {}, nested: [standards]);

labels!(MarkedAspect, |v, lang| {}, nested: [standards]);

labels!(StatusItem, |v, lang| {
    "label" => crate::i18n_standards::status_label(v.item, lang),
});

impl Labels for SchemeView {
    const KEYS: &'static [Key] = &[Key::Texts("status_rule"), Key::Texts("rating_rule")];
    fn words(&self, w: &mut Words<'_>) {
        let lang = w.lang;
        w.list("status_rule", status_rule(&self.checklist, lang));
        w.list("rating_rule", self.rating.rule_lines(lang));
        w.nested("aspects", &self.aspects);
    }
}

impl Labels for AssessmentView {
    const KEYS: &'static [Key] = &[Key::Texts("rule")];
    fn words(&self, w: &mut Words<'_>) {
        w.list("rule", status_rule(&self.checklist, w.lang));
        w.nested("aspects", &self.aspects);
        w.nested("six_have", &self.six_have);
        w.nested("basics", &self.basics);
    }
}

labels!(CompoundStandardsView, |v, lang| {
    "management_mode" => v.management_mode.label(lang),
}, nested: [six_have]);

impl Labels for StarRatingView {
    const KEYS: &'static [Key] = &[Key::Texts("rule")];
    fn words(&self, w: &mut Words<'_>) {
        w.list("rule", self.rating.rule_lines(w.lang));
    }
}

labels!(PlanView, |v, lang| {}, nested: [budget, items]);

labels!(BudgetLine, |v, lang| {
    "label" => v.channel.label(lang),
});

labels!(PlanItemView, |v, lang| {
    "kind_label" => v.kind.label(lang),
    "unit" => v.kind.unit(lang),
});

/// Adds the words of the standards views to their schemas.
pub fn describe(doc: &mut utoipa::openapi::OpenApi) {
    use super::labels::describe as d;
    d::<StandardView>(doc);
    d::<MarkedStandard>(doc);
    d::<StatusItem>(doc);
    d::<SchemeView>(doc);
    d::<AssessmentView>(doc);
    d::<CompoundStandardsView>(doc);
    d::<StarRatingView>(doc);
    d::<BudgetLine>(doc);
    d::<PlanItemView>(doc);
}
