//! The registry endpoints.

use super::ApiResult;
use crate::ctx::Ctx;
use crate::error::{ApiError, WebError};
use crate::form::{Allowed, ApiJson, Ids, Q, may};
use crate::{AppState, State};
use axum::Json;
use axum::http::StatusCode;
use linli_domain::{PageRequest, Paged};
use linli_store::accounts::IssuedInvite;
use linli_store::agenda::HouseholdLinks;
use linli_store::audit::AuditEntry;
use linli_store::registry::*;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new()
        .routes(routes!(list_compounds))
        .routes(routes!(region))
        .routes(routes!(create_compound))
        .routes(routes!(compound, update_compound))
        .routes(routes!(compound_households))
        .routes(routes!(compound_history))
        .routes(routes!(create_building))
        .routes(routes!(building))
        .routes(routes!(create_unit))
        .routes(routes!(unit))
        .routes(routes!(create_household))
        .routes(routes!(household, update_household))
        .routes(routes!(move_household))
        .routes(routes!(household_history))
        .routes(routes!(household_links))
        .routes(routes!(add_owner))
        .routes(routes!(remove_owner))
        .routes(routes!(set_voter))
        .routes(routes!(move_in))
        .routes(routes!(move_out))
        .routes(routes!(issue_invite))
        .routes(routes!(claim_invite))
        .routes(routes!(accounts_to_link))
        .routes(routes!(link_account_person))
        .routes(routes!(search))
        .routes(routes!(person))
        .routes(routes!(merge_people))
        .routes(routes!(split_person))
}

/// A person: the flats they own and live in, the merges into them, and other records of the
/// same name (maybe the same person). For those who manage the people of those flats.
#[utoipa::path(get, path = "/people/{id}", tag = "people", params(("id" = i64, Path)),
    responses((status = 200, body = PersonView), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
async fn person(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> ApiResult<PersonView> {
    Ok(Json(state.store.person(ctx.actor()?, id).await?))
}

/// Merge another record into this person (they are one person): its ownerships, residencies,
/// account links and designated-voter marks move here. Audited; a split undoes it.
#[utoipa::path(post, path = "/people/{id}/merge", tag = "people", params(("id" = i64, Path)), request_body = MergeInput,
    responses((status = 200, body = PersonView), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
async fn merge_people(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<MergeInput>,
) -> ApiResult<PersonView> {
    Ok(Json(
        state.store.merge_people(ctx.actor()?, id, &input).await?,
    ))
}

/// Split a wrong merge: what it moved goes back to the merged record.
#[utoipa::path(post, path = "/people/{id}/split", tag = "people", params(("id" = i64, Path)), request_body = SplitInput,
    responses((status = 200, body = PersonView), (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 422, body = ApiError)))]
async fn split_person(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<SplitInput>,
) -> ApiResult<PersonView> {
    Ok(Json(
        state.store.split_person(ctx.actor()?, id, &input).await?,
    ))
}

/// Paging of every list: `page` from 1, `size` up to 200 (default 50).
#[derive(Deserialize, Default, utoipa::IntoParams)]
pub struct PageParams {
    page: Option<u64>,
    size: Option<u64>,
}

impl PageParams {
    fn req(&self) -> PageRequest {
        PageRequest::new(self.page, self.size)
    }
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
pub struct ListParams {
    /// Part of a name.
    q: Option<String>,
    mode: Option<String>,
    three_no: Option<bool>,
    region: Option<i64>,
    page: Option<u64>,
    size: Option<u64>,
}

/// A page of a list.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PageOf<T> {
    items: Vec<T>,
    total: u64,
    page: u64,
    size: u64,
}

impl<T: super::labels::Labels> super::labels::Labels for PageOf<T> {
    const KEYS: &'static [super::labels::Key] = &[];
    fn words(&self, w: &mut super::labels::Words<'_>) {
        w.nested("items", &self.items);
    }
}

pub(super) fn page_of<T>(p: Paged<T>) -> PageOf<T> {
    PageOf {
        items: p.items,
        total: p.total,
        page: p.page,
        size: p.size,
    }
}

/// Compounds you can see, filtered.
#[utoipa::path(get, path = "/compounds", tag = "registry", params(ListParams),
    responses((status = 200, body = PageOf<CompoundSummary>), (status = 401, body = ApiError)))]
async fn list_compounds(
    state: State,
    ctx: Ctx,
    Q(p): Q<ListParams>,
) -> ApiResult<PageOf<CompoundSummary>> {
    let f = CompoundFilter {
        q: p.q,
        mode: p.mode,
        three_no: p.three_no,
        region: p.region,
    };
    let list = state
        .store
        .list_compounds(ctx.actor()?, &f, PageRequest::new(p.page, p.size))
        .await?;
    Ok(Json(page_of(list)))
}

/// A region (city, district, subdistrict, community) with the regions and compounds under it.
#[utoipa::path(get, path = "/regions/{id}", tag = "registry", params(("id" = i64, Path), PageParams),
    responses((status = 200, body = RegionView), (status = 404, body = ApiError)))]
async fn region(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Q(p): Q<PageParams>,
) -> ApiResult<RegionView> {
    Ok(Json(state.store.region(ctx.actor()?, id, p.req()).await?))
}

/// Create a compound in a community.
#[utoipa::path(post, path = "/regions/{id}/compounds", tag = "registry", params(("id" = i64, Path)), request_body = CompoundInput,
    responses((status = 201, body = CompoundProfile), (status = 422, body = ApiError)))]
async fn create_compound(
    state: State,
    ctx: Ctx,
    _: Allowed<may::CreateCompound>,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<CompoundInput>,
) -> Result<(StatusCode, Json<CompoundProfile>), WebError> {
    let c = state
        .store
        .create_compound(ctx.actor()?, id, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(c)))
}

/// A compound's overview: profile, counts, buildings, what you may do.
#[utoipa::path(get, path = "/compounds/{id}", tag = "registry", params(("id" = i64, Path)),
    responses((status = 200, body = CompoundView), (status = 404, body = ApiError)))]
async fn compound(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> ApiResult<CompoundView> {
    Ok(Json(state.store.compound(ctx.actor()?, id).await?))
}

/// Edit a compound's profile; `version` must be the version you read (409 if stale).
#[utoipa::path(put, path = "/compounds/{id}", tag = "registry", params(("id" = i64, Path)), request_body = CompoundInput,
    responses((status = 200, body = CompoundProfile), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
async fn update_compound(
    state: State,
    ctx: Ctx,
    _: Allowed<may::EditCompound>,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<CompoundInput>,
) -> ApiResult<CompoundProfile> {
    Ok(Json(
        state
            .store
            .update_compound(ctx.actor()?, id, &input)
            .await?,
    ))
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
pub struct SearchParams {
    /// Part of an owner's or resident's name, a room number, or at least 4 digits of a phone.
    q: Option<String>,
    page: Option<u64>,
    size: Option<u64>,
}

/// Households of a compound, optionally searched.
#[utoipa::path(get, path = "/compounds/{id}/households", tag = "registry", params(("id" = i64, Path), SearchParams),
    responses((status = 200, body = PageOf<HouseholdRow>), (status = 404, body = ApiError)))]
async fn compound_households(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Q(p): Q<SearchParams>,
) -> ApiResult<PageOf<HouseholdRow>> {
    let list = state
        .store
        .list_households(
            ctx.actor()?,
            id,
            p.q.as_deref(),
            PageRequest::new(p.page, p.size),
        )
        .await?;
    Ok(Json(page_of(list)))
}

/// The audit history of a compound's profile.
#[utoipa::path(get, path = "/compounds/{id}/history", tag = "audit", params(("id" = i64, Path), PageParams),
    responses((status = 200, body = PageOf<AuditEntry>)))]
async fn compound_history(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Q(p): Q<PageParams>,
) -> ApiResult<PageOf<AuditEntry>> {
    Ok(Json(page_of(
        state
            .store
            .compound_history(ctx.actor()?, id, p.req())
            .await?,
    )))
}

/// Create a building in a compound.
#[utoipa::path(post, path = "/compounds/{id}/buildings", tag = "registry", params(("id" = i64, Path)), request_body = BuildingInput,
    responses((status = 201, body = BuildingSummaryRef), (status = 422, body = ApiError)))]
async fn create_building(
    state: State,
    ctx: Ctx,
    _: Allowed<may::EditStructure>,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<BuildingInput>,
) -> Result<(StatusCode, Json<BuildingSummaryRef>), WebError> {
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .store
                .create_building(ctx.actor()?, id, &input)
                .await?,
        ),
    ))
}

/// A building with its units.
#[utoipa::path(get, path = "/buildings/{id}", tag = "registry", params(("id" = i64, Path)), responses((status = 200, body = BuildingView)))]
async fn building(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> ApiResult<BuildingView> {
    Ok(Json(state.store.building(ctx.actor()?, id).await?))
}

/// Create a unit (stairwell) in a building.
#[utoipa::path(post, path = "/buildings/{id}/units", tag = "registry", params(("id" = i64, Path)), request_body = UnitInput,
    responses((status = 201, body = BuildingSummaryRef), (status = 422, body = ApiError)))]
async fn create_unit(
    state: State,
    ctx: Ctx,
    _: Allowed<may::EditStructure>,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<UnitInput>,
) -> Result<(StatusCode, Json<BuildingSummaryRef>), WebError> {
    Ok((
        StatusCode::CREATED,
        Json(state.store.create_unit(ctx.actor()?, id, &input).await?),
    ))
}

/// A unit with its households.
#[utoipa::path(get, path = "/units/{id}", tag = "registry", params(("id" = i64, Path), PageParams), responses((status = 200, body = UnitView)))]
async fn unit(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Q(p): Q<PageParams>,
) -> ApiResult<UnitView> {
    Ok(Json(state.store.unit(ctx.actor()?, id, p.req()).await?))
}

/// Register a household in a unit.
#[utoipa::path(post, path = "/units/{id}/households", tag = "registry", params(("id" = i64, Path)), request_body = HouseholdInput,
    responses((status = 201, body = HouseholdData), (status = 422, body = ApiError)))]
async fn create_household(
    state: State,
    ctx: Ctx,
    _: Allowed<may::CreateHousehold>,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<HouseholdInput>,
) -> Result<(StatusCode, Json<HouseholdData>), WebError> {
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .store
                .create_household(ctx.actor()?, id, &input)
                .await?,
        ),
    ))
}

/// A household with its owners and residents.
#[utoipa::path(get, path = "/households/{id}", tag = "registry", params(("id" = i64, Path)),
    responses((status = 200, body = HouseholdView), (status = 404, body = ApiError)))]
async fn household(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> ApiResult<HouseholdView> {
    Ok(Json(state.store.household(ctx.actor()?, id).await?))
}

/// A household's votes (those it is on the roll of), its elevator bills with what is paid and
/// owed, and, for those who may see its personal records, its requests.
#[utoipa::path(get, path = "/households/{id}/links", tag = "registry", params(("id" = i64, Path)),
    responses((status = 200, body = HouseholdLinks), (status = 404, body = ApiError)))]
async fn household_links(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
) -> ApiResult<super::labels::Labelled<HouseholdLinks>> {
    let links = state.store.household_links(ctx.actor()?, id).await?;
    Ok(super::labels::worded(links, ctx.lang))
}

super::labels::labels!(HouseholdLinks, |v, lang| {}, nested: [requests]);

/// Edit a household; fields left out keep their value; `version` must be the one you read.
#[utoipa::path(patch, path = "/households/{id}", tag = "registry", params(("id" = i64, Path)), request_body = HouseholdPatch,
    responses((status = 200, body = HouseholdData), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
async fn update_household(
    state: State,
    ctx: Ctx,
    _: Allowed<may::EditHousehold>,
    Ids(id): Ids<i64>,
    ApiJson(patch): ApiJson<HouseholdPatch>,
) -> ApiResult<HouseholdData> {
    Ok(Json(
        state
            .store
            .update_household(ctx.actor()?, id, &patch)
            .await?,
    ))
}

/// Move a household to another unit of the same compound.
#[utoipa::path(post, path = "/households/{id}/move", tag = "registry", params(("id" = i64, Path)), request_body = MoveInput,
    responses((status = 200, body = HouseholdData), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
async fn move_household(
    state: State,
    ctx: Ctx,
    _: Allowed<may::MoveHousehold>,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<MoveInput>,
) -> ApiResult<HouseholdData> {
    Ok(Json(
        state.store.move_household(ctx.actor()?, id, &input).await?,
    ))
}

/// The audit history of a household.
#[utoipa::path(get, path = "/households/{id}/history", tag = "audit", params(("id" = i64, Path), PageParams),
    responses((status = 200, body = PageOf<AuditEntry>)))]
async fn household_history(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Q(p): Q<PageParams>,
) -> ApiResult<PageOf<AuditEntry>> {
    Ok(Json(page_of(
        state
            .store
            .household_history(ctx.actor()?, id, p.req())
            .await?,
    )))
}

/// Add an owner (co-owners with shares in percent).
#[utoipa::path(post, path = "/households/{id}/owners", tag = "people", params(("id" = i64, Path)), request_body = OwnerInput,
    responses((status = 201, body = OwnerView), (status = 422, body = ApiError)))]
async fn add_owner(
    state: State,
    ctx: Ctx,
    _: Allowed<may::ManagePeople>,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<OwnerInput>,
) -> Result<(StatusCode, Json<OwnerView>), WebError> {
    Ok((
        StatusCode::CREATED,
        Json(state.store.add_owner(ctx.actor()?, id, &input).await?),
    ))
}

/// Remove an owner.
#[utoipa::path(delete, path = "/households/{id}/owners/{ownership_id}", tag = "people",
    params(("id" = i64, Path), ("ownership_id" = i64, Path)), responses((status = 204)))]
async fn remove_owner(
    state: State,
    ctx: Ctx,
    Ids((id, oid)): Ids<(i64, i64)>,
) -> Result<StatusCode, WebError> {
    state.store.remove_owner(ctx.actor()?, id, oid).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Designate which co-owner votes for the household.
#[utoipa::path(put, path = "/households/{id}/voter", tag = "people", params(("id" = i64, Path)), request_body = VoterInput,
    responses((status = 204), (status = 422, body = ApiError)))]
async fn set_voter(
    state: State,
    ctx: Ctx,
    _: Allowed<may::ManagePeople>,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<VoterInput>,
) -> Result<StatusCode, WebError> {
    state.store.set_voter(ctx.actor()?, id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Record someone moving in.
#[utoipa::path(post, path = "/households/{id}/residents", tag = "people", params(("id" = i64, Path)), request_body = ResidentInput,
    responses((status = 201, body = ResidentView), (status = 422, body = ApiError)))]
async fn move_in(
    state: State,
    ctx: Ctx,
    _: Allowed<may::ManagePeople>,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<ResidentInput>,
) -> Result<(StatusCode, Json<ResidentView>), WebError> {
    Ok((
        StatusCode::CREATED,
        Json(state.store.move_in(ctx.actor()?, id, &input).await?),
    ))
}

/// Record a move-out; the residency stays as history.
#[utoipa::path(post, path = "/households/{id}/residents/{residency_id}/move-out", tag = "people",
    params(("id" = i64, Path), ("residency_id" = i64, Path)), request_body = MoveOutInput, responses((status = 204), (status = 422, body = ApiError)))]
async fn move_out(
    state: State,
    ctx: Ctx,
    _: Allowed<may::ManagePeople>,
    Ids((id, rid)): Ids<(i64, i64)>,
    ApiJson(input): ApiJson<MoveOutInput>,
) -> Result<StatusCode, WebError> {
    state.store.move_out(ctx.actor()?, id, rid, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct InviteRequest {
    /// `owner` or `resident`.
    role: String,
    /// The owner or resident it is for: the account that claims it is linked to them.
    #[serde(default)]
    person_id: Option<i64>,
}

/// Issue an invite code with which a resident claims this household.
#[utoipa::path(post, path = "/households/{id}/invites", tag = "people", params(("id" = i64, Path)), request_body = InviteRequest,
    responses((status = 201, body = IssuedInvite), (status = 403, body = ApiError)))]
async fn issue_invite(
    state: State,
    ctx: Ctx,
    _: Allowed<may::IssueInvite>,
    Ids(id): Ids<i64>,
    ApiJson(req): ApiJson<InviteRequest>,
) -> Result<(StatusCode, Json<IssuedInvite>), WebError> {
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .store
                .issue_invite(ctx.actor()?, id, &req.role, req.person_id)
                .await?,
        ),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ClaimRequest {
    code: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ClaimResponse {
    household_id: i64,
}

/// Claim a household with an invite code, as the signed-in account. Tries are limited per
/// account and per client address (429 when over).
#[utoipa::path(post, path = "/invites/claim", tag = "people", request_body = ClaimRequest,
    responses((status = 200, body = ClaimResponse), (status = 401, body = ApiError), (status = 422, body = ApiError), (status = 429, body = ApiError)))]
async fn claim_invite(
    state: State,
    ctx: Ctx,
    ApiJson(req): ApiJson<ClaimRequest>,
) -> ApiResult<ClaimResponse> {
    let household_id = state
        .store
        .claim_invite(ctx.actor()?.account_id, &req.code, ctx.client)
        .await?;
    Ok(Json(ClaimResponse { household_id }))
}

/// Accounts with a role on this household that no invite or registry entry links to a
/// person: the committee links each to one of the household's owners or residents.
#[utoipa::path(get, path = "/households/{id}/accounts-to-link", tag = "people", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<linli_store::persons::AccountToLink>), (status = 403, body = ApiError)))]
async fn accounts_to_link(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
) -> ApiResult<Vec<linli_store::persons::AccountToLink>> {
    Ok(Json(state.store.accounts_to_link(ctx.actor()?, id).await?))
}

/// Link (or relink) an account to the person it belongs to. A vote already open keeps its
/// frozen roll; the link only says which voter the account acts as.
#[utoipa::path(post, path = "/accounts/{id}/person", tag = "people", params(("id" = i64, Path)), request_body = linli_store::persons::LinkPersonInput,
    responses((status = 204), (status = 422, body = ApiError)))]
async fn link_account_person(
    state: State,
    ctx: Ctx,
    _: Allowed<may::IssueInvite>,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<linli_store::persons::LinkPersonInput>,
) -> Result<StatusCode, WebError> {
    state
        .store
        .link_account_person(ctx.actor()?, id, &input)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Search households you can see by name, room or phone.
#[utoipa::path(get, path = "/search", tag = "registry", params(SearchParams), responses((status = 200, body = PageOf<HouseholdRow>)))]
async fn search(state: State, ctx: Ctx, Q(p): Q<SearchParams>) -> ApiResult<PageOf<HouseholdRow>> {
    let list = state
        .store
        .search_households(
            ctx.actor()?,
            p.q.as_deref().unwrap_or(""),
            PageRequest::new(p.page, p.size),
        )
        .await?;
    Ok(Json(page_of(list)))
}
