//! The dashboards of regions as JSON — the same service calls as the pages — and the words
//! the API sends beside their facts.

use super::ApiResult;
use super::labels::{Labelled, labels, worded};
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::form::{Ids, Q};
use crate::{AppState, State};
use linli_domain::PageRequest;
use linli_store::standards::{
    ChannelMoney, DashboardCompound, DashboardFilter, DashboardList, DashboardView, ModeRow,
    RenovationRow, StageCount,
};
use serde::Deserialize;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new()
        .routes(routes!(dashboard))
        .routes(routes!(dashboard_compounds))
}

/// A region's dashboard: aggregates only (officials over the region).
#[utoipa::path(get, path = "/regions/{id}/dashboard", tag = "standards", params(("id" = i64, Path)),
    responses((status = 200, body = DashboardView), (status = 403, body = ApiError)))]
async fn dashboard(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
) -> ApiResult<Labelled<DashboardView>> {
    Ok(worded(
        state.store.dashboard(ctx.actor()?, id).await?,
        ctx.lang,
    ))
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
pub struct ListParams {
    /// `three_no`, `in_progress` or `six_have`.
    status: Option<String>,
    mode: Option<String>,
    stars: Option<i32>,
    /// `yes`, `no` or `done`.
    plan: Option<String>,
    /// `yes` or `vetoed`.
    rated: Option<String>,
    page: Option<u64>,
    size: Option<u64>,
}

/// The compounds behind a dashboard's number.
#[utoipa::path(get, path = "/regions/{id}/dashboard/compounds", tag = "standards", params(("id" = i64, Path), ListParams),
    responses((status = 200, body = DashboardList), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
async fn dashboard_compounds(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Q(p): Q<ListParams>,
) -> ApiResult<Labelled<DashboardList>> {
    let f = DashboardFilter {
        status: p.status,
        mode: p.mode,
        stars: p.stars,
        plan: p.plan,
        rated: p.rated,
    };
    Ok(worded(
        state
            .store
            .dashboard_compounds(ctx.actor()?, id, &f, PageRequest::new(p.page, p.size))
            .await?,
        ctx.lang,
    ))
}

// The words the API sends beside the facts of the dashboards.

labels!(DashboardView, |v, lang| {}, nested: [by_mode, renovation, money, elevators]);

labels!(ModeRow, |v, lang| {
    "label" => v.key.label(lang),
});

labels!(RenovationRow, |v, lang| {
    "label" => v.kind.label(lang),
    "unit" => v.kind.unit(lang),
});

labels!(ChannelMoney, |v, lang| {
    "label" => v.channel.label(lang),
});

labels!(StageCount, |v, lang| {
    "label" => v.stage.label(lang),
});

labels!(DashboardList, |v, lang| {
    "filter_label" => crate::pages::dashboards::filter_label(&v.filter, lang),
}, nested: [compounds]);

labels!(DashboardCompound, |v, lang| {
    "management_mode" => v.mode.label(lang),
    "status_label" => v.status.label(lang),
});

/// Adds the words of the dashboard views to their schemas.
pub fn describe(doc: &mut utoipa::openapi::OpenApi) {
    use super::labels::describe as d;
    d::<ModeRow>(doc);
    d::<RenovationRow>(doc);
    d::<ChannelMoney>(doc);
    d::<StageCount>(doc);
    d::<DashboardList>(doc);
    d::<DashboardCompound>(doc);
}
