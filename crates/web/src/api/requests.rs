//! Service requests and grids as JSON: the same service calls as the request and grid pages.
//! A photo is added to a request as the raw body of `POST /requests/{id}/photos?file_name=…`.

use super::ApiResult;
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
async fn categories(state: State, ctx: Ctx) -> ApiResult<Vec<CategoryView>> {
    ctx.actor()?;
    Ok(Json(state.store.request_categories(ctx.lang).await?))
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
) -> Result<(StatusCode, Json<RequestView>), WebError> {
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .store
                .report_request(ctx.actor()?, id, &input, Vec::new(), ctx.lang)
                .await?,
        ),
    ))
}

/// A compound's requests: all for those who handle them, else the public ones and your own.
#[utoipa::path(get, path = "/compounds/{id}/requests", tag = "requests", params(("id" = i64, Path), ListParams),
    responses((status = 200, body = PageOf<RequestSummary>), (status = 403, body = ApiError)))]
async fn compound_requests(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Q(p): Q<ListParams>,
) -> ApiResult<PageOf<RequestSummary>> {
    let page = PageRequest::new(p.page, p.size);
    Ok(Json(page_of(
        state
            .store
            .compound_requests(ctx.actor()?, id, p.open.unwrap_or(false), page, ctx.lang)
            .await?,
    )))
}

/// A request with its timeline and the steps you may take.
#[utoipa::path(get, path = "/requests/{id}", tag = "requests", params(("id" = i64, Path)),
    responses((status = 200, body = RequestView), (status = 404, body = ApiError)))]
async fn request(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> ApiResult<RequestView> {
    Ok(Json(
        state
            .store
            .service_request(ctx.actor()?, id, ctx.lang)
            .await?,
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
) -> ApiResult<RequestView> {
    Ok(Json(
        state
            .store
            .step_request(ctx.actor()?, id, &input, ctx.lang)
            .await?,
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
) -> ApiResult<RequestView> {
    let photo = PhotoUpload {
        file_name: p.file_name.unwrap_or_else(|| "photo".into()),
        bytes: body.to_vec(),
    };
    Ok(Json(
        state
            .store
            .add_request_photo(ctx.actor()?, id, photo, ctx.lang)
            .await?,
    ))
}

/// The requests you reported.
#[utoipa::path(get, path = "/requests/mine", tag = "requests", params(ListParams), responses((status = 200, body = PageOf<RequestSummary>)))]
async fn mine(state: State, ctx: Ctx, Q(p): Q<ListParams>) -> ApiResult<PageOf<RequestSummary>> {
    Ok(Json(page_of(
        state
            .store
            .my_requests(ctx.actor()?, PageRequest::new(p.page, p.size), ctx.lang)
            .await?,
    )))
}

/// A worker's queue: `queue` = mine | grid | overdue | escalated | open.
#[utoipa::path(get, path = "/requests/queue", tag = "requests", params(ListParams), responses((status = 200, body = PageOf<RequestSummary>)))]
async fn queue(state: State, ctx: Ctx, Q(p): Q<ListParams>) -> ApiResult<PageOf<RequestSummary>> {
    let q = Queue::parse(p.queue.as_deref().unwrap_or("")).unwrap_or(Queue::Mine);
    Ok(Json(page_of(
        state
            .store
            .request_queue(ctx.actor()?, q, PageRequest::new(p.page, p.size), ctx.lang)
            .await?,
    )))
}

/// A compound's request figures over twelve months, by category, month and grid.
#[utoipa::path(get, path = "/compounds/{id}/requests/metrics", tag = "requests", params(("id" = i64, Path)),
    responses((status = 200, body = MetricsView), (status = 403, body = ApiError)))]
async fn compound_metrics(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> ApiResult<MetricsView> {
    Ok(Json(
        state
            .store
            .request_metrics(ctx.actor()?, MetricsScope::Compound(id), ctx.lang)
            .await?,
    ))
}

/// A grid's request figures.
#[utoipa::path(get, path = "/grids/{id}/metrics", tag = "requests", params(("id" = i64, Path)),
    responses((status = 200, body = MetricsView), (status = 403, body = ApiError)))]
async fn grid_metrics(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> ApiResult<MetricsView> {
    Ok(Json(
        state
            .store
            .request_metrics(ctx.actor()?, MetricsScope::Grid(id), ctx.lang)
            .await?,
    ))
}

/// A community's (subdistrict's, district's, city's) request figures, with the places below
/// and the escalated requests.
#[utoipa::path(get, path = "/regions/{id}/requests/metrics", tag = "requests", params(("id" = i64, Path)),
    responses((status = 200, body = MetricsView), (status = 403, body = ApiError)))]
async fn region_metrics(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> ApiResult<MetricsView> {
    Ok(Json(
        state
            .store
            .request_metrics(ctx.actor()?, MetricsScope::Region(id), ctx.lang)
            .await?,
    ))
}

/// A compound's grids.
#[utoipa::path(get, path = "/compounds/{id}/grids", tag = "grids", params(("id" = i64, Path)),
    responses((status = 200, body = GridList), (status = 403, body = ApiError)))]
async fn grids(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> ApiResult<GridList> {
    Ok(Json(state.store.grids(ctx.actor()?, id).await?))
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
) -> Result<(StatusCode, Json<GridView>), WebError> {
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .store
                .create_grid(ctx.actor()?, id, &input, ctx.lang)
                .await?,
        ),
    ))
}

/// A grid with its people and households.
#[utoipa::path(get, path = "/grids/{id}", tag = "grids", params(("id" = i64, Path)),
    responses((status = 200, body = GridView), (status = 404, body = ApiError)))]
async fn grid(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> ApiResult<GridView> {
    Ok(Json(state.store.grid(ctx.actor()?, id, ctx.lang).await?))
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
) -> ApiResult<GridView> {
    Ok(Json(
        state
            .store
            .add_grid_member(ctx.actor()?, id, &input, ctx.lang)
            .await?,
    ))
}

/// Remove a person from a grid.
#[utoipa::path(delete, path = "/grids/{id}/members/{member}", tag = "grids", params(("id" = i64, Path), ("member" = i64, Path)),
    responses((status = 200, body = GridView), (status = 404, body = ApiError)))]
async fn remove_member(
    state: State,
    ctx: Ctx,
    Ids((id, member)): Ids<(i64, i64)>,
) -> ApiResult<GridView> {
    Ok(Json(
        state
            .store
            .remove_grid_member(ctx.actor()?, id, member, ctx.lang)
            .await?,
    ))
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
) -> ApiResult<GridView> {
    Ok(Json(
        state
            .store
            .assign_grid_households(ctx.actor()?, id, &input, ctx.lang)
            .await?,
    ))
}
