//! Service requests and grids as JSON: the same service calls as the request and grid pages.
//! A photo is added to a request as the raw body of `POST /requests/{id}/photos?file_name=…`.

use super::ApiResult;
use super::labels::{Labelled, labels, worded};
use super::registry::{PageOf, page_of};
use crate::ctx::Ctx;
use crate::error::{ApiError, WebError};
use crate::form::{Allowed, ApiJson, Ids, Q, may};
use crate::{AppState, State};
use axum::Json;
use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use linli_domain::PageRequest;
use linli_store::files::MAX_FILE_BYTES;
use linli_store::grids::*;
use linli_store::requests::*;
use serde::Deserialize;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new()
        .routes(routes!(categories))
        .routes(routes!(compound_requests, report))
        .routes(routes!(request))
        .routes(routes!(step))
        .routes(routes!(mine))
        .routes(routes!(queue))
        .routes(routes!(compound_metrics))
        .routes(routes!(grid_metrics))
        .routes(routes!(region_metrics))
        .routes(routes!(grids, create_grid))
        .routes(routes!(grid))
        .routes(routes!(add_member))
        .routes(routes!(remove_member))
        .routes(routes!(assign))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(add_photo))
                .layer(DefaultBodyLimit::max(MAX_FILE_BYTES + 64 * 1024)),
        )
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
pub struct ListParams {
    page: Option<u64>,
    size: Option<u64>,
    /// For a compound's list: `true` for open requests only.
    open: Option<bool>,
    /// For the queue: mine | grid | overdue | escalated | open.
    queue: Option<String>,
}

/// The request categories, each with its deadline and default route.
#[utoipa::path(get, path = "/request-categories", tag = "requests", responses((status = 200, body = Vec<CategoryView>)))]
async fn categories(state: State, ctx: Ctx) -> ApiResult<Labelled<Vec<CategoryView>>> {
    ctx.actor()?;
    Ok(worded(state.store.request_categories().await?, ctx.lang))
}

/// Report a request: for your household (`household_id`) or a common place (`common_place`).
/// Workers may report for someone (`channel` phone or visit, `on_behalf_of`).
#[utoipa::path(post, path = "/compounds/{id}/requests", tag = "requests", params(("id" = i64, Path)), request_body = ReportInput,
    responses((status = 201, body = RequestView), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
async fn report(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<ReportInput>,
) -> Result<(StatusCode, Json<Labelled<RequestView>>), WebError> {
    let view = state
        .store
        .report_request(ctx.actor()?, id, &input, Vec::new(), ctx.lang)
        .await?;
    Ok((StatusCode::CREATED, worded(view, ctx.lang)))
}

/// A compound's requests: all for those who handle them, else the public ones and your own.
#[utoipa::path(get, path = "/compounds/{id}/requests", tag = "requests", params(("id" = i64, Path), ListParams),
    responses((status = 200, body = PageOf<RequestSummary>), (status = 403, body = ApiError)))]
async fn compound_requests(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Q(p): Q<ListParams>,
) -> ApiResult<Labelled<PageOf<RequestSummary>>> {
    let page = PageRequest::new(p.page, p.size);
    Ok(worded(
        page_of(
            state
                .store
                .compound_requests(ctx.actor()?, id, p.open.unwrap_or(false), page)
                .await?,
        ),
        ctx.lang,
    ))
}

/// A request with its timeline and the steps you may take.
#[utoipa::path(get, path = "/requests/{id}", tag = "requests", params(("id" = i64, Path)),
    responses((status = 200, body = RequestView), (status = 404, body = ApiError)))]
async fn request(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> ApiResult<Labelled<RequestView>> {
    Ok(worded(
        state.store.service_request(ctx.actor()?, id).await?,
        ctx.lang,
    ))
}

/// Take a step: dispatch, take, hand_on, resolve, confirm (with a rating), reject, escalate, withdraw.
#[utoipa::path(post, path = "/requests/{id}/steps", tag = "requests", params(("id" = i64, Path)), request_body = StepInput,
    responses((status = 200, body = RequestView), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
async fn step(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<StepInput>,
) -> ApiResult<Labelled<RequestView>> {
    Ok(worded(
        state.store.step_request(ctx.actor()?, id, &input).await?,
        ctx.lang,
    ))
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
pub struct PhotoParams {
    file_name: Option<String>,
}

/// Add a photo (JPEG, PNG, WebP or HEIC, at most 10 MB; six per request) as the raw body.
#[utoipa::path(post, path = "/requests/{id}/photos", tag = "requests", params(("id" = i64, Path), PhotoParams), request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, body = RequestView), (status = 422, body = ApiError)))]
async fn add_photo(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Q(p): Q<PhotoParams>,
    body: Bytes,
) -> ApiResult<Labelled<RequestView>> {
    let photo = PhotoUpload {
        file_name: p.file_name.unwrap_or_else(|| "photo".into()),
        bytes: body.to_vec(),
    };
    Ok(worded(
        state
            .store
            .add_request_photo(ctx.actor()?, id, photo)
            .await?,
        ctx.lang,
    ))
}

/// The requests you reported.
#[utoipa::path(get, path = "/requests/mine", tag = "requests", params(ListParams), responses((status = 200, body = PageOf<RequestSummary>)))]
async fn mine(
    state: State,
    ctx: Ctx,
    Q(p): Q<ListParams>,
) -> ApiResult<Labelled<PageOf<RequestSummary>>> {
    let page = PageRequest::new(p.page, p.size);
    Ok(worded(
        page_of(state.store.my_requests(ctx.actor()?, page).await?),
        ctx.lang,
    ))
}

/// A worker's queue: `queue` = mine | grid | overdue | escalated | open.
#[utoipa::path(get, path = "/requests/queue", tag = "requests", params(ListParams), responses((status = 200, body = PageOf<RequestSummary>)))]
async fn queue(
    state: State,
    ctx: Ctx,
    Q(p): Q<ListParams>,
) -> ApiResult<Labelled<PageOf<RequestSummary>>> {
    let q = Queue::parse(p.queue.as_deref().unwrap_or("")).unwrap_or(Queue::Mine);
    let page = PageRequest::new(p.page, p.size);
    Ok(worded(
        page_of(state.store.request_queue(ctx.actor()?, q, page).await?),
        ctx.lang,
    ))
}

async fn metrics(state: State, ctx: Ctx, scope: MetricsScope) -> ApiResult<Labelled<MetricsView>> {
    let m = state.store.request_metrics(ctx.actor()?, scope).await?;
    Ok(worded(m, ctx.lang))
}

/// A compound's request figures over twelve months, by category, month and grid.
#[utoipa::path(get, path = "/compounds/{id}/requests/metrics", tag = "requests", params(("id" = i64, Path)),
    responses((status = 200, body = MetricsView), (status = 403, body = ApiError)))]
async fn compound_metrics(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
) -> ApiResult<Labelled<MetricsView>> {
    metrics(state, ctx, MetricsScope::Compound(id)).await
}

/// A grid's request figures.
#[utoipa::path(get, path = "/grids/{id}/metrics", tag = "requests", params(("id" = i64, Path)),
    responses((status = 200, body = MetricsView), (status = 403, body = ApiError)))]
async fn grid_metrics(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
) -> ApiResult<Labelled<MetricsView>> {
    metrics(state, ctx, MetricsScope::Grid(id)).await
}

/// A community's (subdistrict's, district's, city's) request figures, with the places below
/// and the escalated requests.
#[utoipa::path(get, path = "/regions/{id}/requests/metrics", tag = "requests", params(("id" = i64, Path)),
    responses((status = 200, body = MetricsView), (status = 403, body = ApiError)))]
async fn region_metrics(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
) -> ApiResult<Labelled<MetricsView>> {
    metrics(state, ctx, MetricsScope::Region(id)).await
}

/// A compound's grids.
#[utoipa::path(get, path = "/compounds/{id}/grids", tag = "grids", params(("id" = i64, Path)),
    responses((status = 200, body = GridList), (status = 403, body = ApiError)))]
async fn grids(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> ApiResult<Labelled<GridList>> {
    Ok(worded(state.store.grids(ctx.actor()?, id).await?, ctx.lang))
}

/// Draw a grid (with `parent_id`, a micro-grid).
#[utoipa::path(post, path = "/compounds/{id}/grids", tag = "grids", params(("id" = i64, Path)), request_body = GridInput,
    responses((status = 201, body = GridView), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
async fn create_grid(
    state: State,
    ctx: Ctx,
    _: Allowed<may::ManageGrid>,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<GridInput>,
) -> Result<(StatusCode, Json<Labelled<GridView>>), WebError> {
    let view = state.store.create_grid(ctx.actor()?, id, &input).await?;
    Ok((StatusCode::CREATED, worded(view, ctx.lang)))
}

/// A grid with its people and households.
#[utoipa::path(get, path = "/grids/{id}", tag = "grids", params(("id" = i64, Path)),
    responses((status = 200, body = GridView), (status = 404, body = ApiError)))]
async fn grid(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> ApiResult<Labelled<GridView>> {
    Ok(worded(state.store.grid(ctx.actor()?, id).await?, ctx.lang))
}

/// Add a person (by login or phone) in a role: grid_worker, party_member, building_head, volunteer.
#[utoipa::path(post, path = "/grids/{id}/members", tag = "grids", params(("id" = i64, Path)), request_body = MemberInput,
    responses((status = 200, body = GridView), (status = 422, body = ApiError)))]
async fn add_member(
    state: State,
    ctx: Ctx,
    _: Allowed<may::ManageGrid>,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<MemberInput>,
) -> ApiResult<Labelled<GridView>> {
    let view = state
        .store
        .add_grid_member(ctx.actor()?, id, &input)
        .await?;
    Ok(worded(view, ctx.lang))
}

/// Remove a person from a grid.
#[utoipa::path(delete, path = "/grids/{id}/members/{member}", tag = "grids", params(("id" = i64, Path), ("member" = i64, Path)),
    responses((status = 200, body = GridView), (status = 404, body = ApiError)))]
async fn remove_member(
    state: State,
    ctx: Ctx,
    Ids((id, member)): Ids<(i64, i64)>,
) -> ApiResult<Labelled<GridView>> {
    let view = state
        .store
        .remove_grid_member(ctx.actor()?, id, member)
        .await?;
    Ok(worded(view, ctx.lang))
}

/// Put households into the grid (by id, or a whole building or unit), moving them from any other.
#[utoipa::path(post, path = "/grids/{id}/households", tag = "grids", params(("id" = i64, Path)), request_body = AssignInput,
    responses((status = 200, body = GridView), (status = 422, body = ApiError)))]
async fn assign(
    state: State,
    ctx: Ctx,
    _: Allowed<may::ManageGrid>,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<AssignInput>,
) -> ApiResult<Labelled<GridView>> {
    let view = state
        .store
        .assign_grid_households(ctx.actor()?, id, &input)
        .await?;
    Ok(worded(view, ctx.lang))
}

// The words the API sends beside the facts of the request views.

labels!(CategoryView, |v, lang| {
    "name" => v.name.pick(lang),
    "deadline" => v.deadline.label(lang),
    "route_label" => v.route.label(lang),
});

labels!(RequestView, |v, lang| {
    "category" => v.category.pick(lang),
    "deadline" => v.deadline.label(lang),
    "channel_label" => v.channel.label(lang),
    "status_label" => v.status.label(lang),
    "route_label" => v.route.label(lang),
}, nested: [timeline, can]);

labels!(EventView, |v, lang| {
    "step_label" => v.step.label(lang),
    "to_label" => v.to.label(lang),
});

labels!(StepButton, |v, lang| {
    "label" => v.step.label(lang),
});

labels!(RequestSummary, |v, lang| {
    "category" => v.category.pick(lang),
    "status_label" => v.status.label(lang),
});

labels!(MetricsView, |v, lang| {}, nested: [total, by_category, by_month, children, escalated]);

labels!(TallyRow, |v, lang| {
    "label" => crate::i18n_requests::row_label(&v.label, lang),
});

labels!(GridList, |v, lang| {}, nested: [grids]);

labels!(GridSummary, |v, lang| {
    "people" => crate::i18n_requests::grid_people(&v.people, lang),
});

labels!(GridView, |v, lang| {}, nested: [members, micro_grids]);

labels!(GridMemberView, |v, lang| {
    "role_label" => v.role.label(lang),
});

/// Adds the words of the request and grid views to their schemas.
pub fn describe(doc: &mut utoipa::openapi::OpenApi) {
    use super::labels::describe as d;
    d::<CategoryView>(doc);
    d::<RequestView>(doc);
    d::<EventView>(doc);
    d::<StepButton>(doc);
    d::<RequestSummary>(doc);
    d::<TallyRow>(doc);
    d::<GridSummary>(doc);
    d::<GridMemberView>(doc);
}
