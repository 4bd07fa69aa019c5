//! Elections and council meetings as JSON: the same service calls as their pages. An election
//! is opened and closed like any proposal (`POST /proposals/{id}/voting`, `/close`).

use super::ApiResult;
use super::labels::{Key, Labelled, Labels, Words, labels, worded};
use crate::ctx::Ctx;
use crate::error::{ApiError, WebError};
use crate::form::{Allowed, ApiJson, Ids, may};
use crate::{AppState, State};
use axum::Json;
use axum::http::StatusCode;
use linli_store::proposals::{
    AgendaItemView, CandidateCount, CandidateView, ElectionBallotInput, ElectionBallotView,
    ElectionCount, ElectionInput, ElectionView, MeetingInput, MeetingRow, MeetingView,
    NominationInput, RolesGranted,
};
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new()
        .routes(routes!(create_election))
        .routes(routes!(election))
        .routes(routes!(nominate))
        .routes(routes!(election_ballots, cast_election_ballot))
        .routes(routes!(grant_roles))
        .routes(routes!(list_meetings, create_meeting))
        .routes(routes!(meeting, update_meeting))
}

/// Put an election forward (as a draft): the committee for a compound, heads for a building or unit.
#[utoipa::path(post, path = "/compounds/{id}/elections", tag = "elections", params(("id" = i64, Path)), request_body = ElectionInput,
    responses((status = 201, body = ElectionView), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
async fn create_election(
    state: State,
    ctx: Ctx,
    _: Allowed<may::ManageDecision>,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<ElectionInput>,
) -> Result<(StatusCode, Json<Labelled<ElectionView>>), WebError> {
    let v = state
        .store
        .create_election(ctx.actor()?, id, &input)
        .await?;
    Ok((StatusCode::CREATED, worded(v, ctx.lang)))
}

/// An election: seats, candidates, the count as you may see it, your ballot.
#[utoipa::path(get, path = "/proposals/{id}/election", tag = "elections", params(("id" = i64, Path)),
    responses((status = 200, body = ElectionView), (status = 404, body = ApiError)))]
async fn election(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> ApiResult<Labelled<ElectionView>> {
    Ok(worded(
        state.store.election(ctx.actor()?, id).await?,
        ctx.lang,
    ))
}

/// Nominate a candidate (`self`, or `residents` / `party_branch` by the committee) while in draft or deliberation.
#[utoipa::path(post, path = "/proposals/{id}/candidates", tag = "elections", params(("id" = i64, Path)), request_body = NominationInput,
    responses((status = 201, body = CandidateView), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
async fn nominate(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<NominationInput>,
) -> Result<(StatusCode, Json<Labelled<CandidateView>>), WebError> {
    let c = state.store.nominate(ctx.actor()?, id, &input).await?;
    Ok((StatusCode::CREATED, worded(c, ctx.lang)))
}

/// Cast or change an election ballot: at most as many candidates as seats.
#[utoipa::path(post, path = "/proposals/{id}/election-ballots", tag = "elections", params(("id" = i64, Path)), request_body = ElectionBallotInput,
    responses((status = 200, body = ElectionBallotView), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
async fn cast_election_ballot(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<ElectionBallotInput>,
) -> ApiResult<ElectionBallotView> {
    Ok(Json(
        state
            .store
            .cast_election_ballot(ctx.actor()?, id, &input)
            .await?,
    ))
}

/// Every version of every election ballot, in the order cast (those who run or assist the vote).
#[utoipa::path(get, path = "/proposals/{id}/election-ballots", tag = "elections", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<ElectionBallotView>), (status = 403, body = ApiError)))]
async fn election_ballots(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
) -> ApiResult<Vec<ElectionBallotView>> {
    Ok(Json(
        state
            .store
            .election_ballot_history(ctx.actor()?, id)
            .await?,
    ))
}

/// Give the elected who have accounts their role on the election's scope.
#[utoipa::path(post, path = "/proposals/{id}/election/roles", tag = "elections", params(("id" = i64, Path)),
    responses((status = 200, body = RolesGranted), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
async fn grant_roles(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> ApiResult<RolesGranted> {
    Ok(Json(
        state.store.grant_elected_roles(ctx.actor()?, id).await?,
    ))
}

/// A compound's council meetings, latest first.
#[utoipa::path(get, path = "/compounds/{id}/meetings", tag = "elections", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<MeetingRow>), (status = 403, body = ApiError)))]
async fn list_meetings(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> ApiResult<Vec<MeetingRow>> {
    Ok(Json(state.store.list_meetings(ctx.actor()?, id).await?))
}

/// Hold a council meeting: title, date, place, agenda with outcomes, attendance, minutes.
#[utoipa::path(post, path = "/compounds/{id}/meetings", tag = "elections", params(("id" = i64, Path)), request_body = MeetingInput,
    responses((status = 201, body = MeetingView), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
async fn create_meeting(
    state: State,
    ctx: Ctx,
    _: Allowed<may::ManageDecision>,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<MeetingInput>,
) -> Result<(StatusCode, Json<Labelled<MeetingView>>), WebError> {
    let m = state.store.create_meeting(ctx.actor()?, id, &input).await?;
    Ok((StatusCode::CREATED, worded(m, ctx.lang)))
}

/// A council meeting with its agenda and outcomes.
#[utoipa::path(get, path = "/meetings/{id}", tag = "elections", params(("id" = i64, Path)),
    responses((status = 200, body = MeetingView), (status = 404, body = ApiError)))]
async fn meeting(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> ApiResult<Labelled<MeetingView>> {
    Ok(worded(
        state.store.meeting(ctx.actor()?, id).await?,
        ctx.lang,
    ))
}

/// Record a meeting (replaces its fields, agenda and outcomes).
#[utoipa::path(put, path = "/meetings/{id}", tag = "elections", params(("id" = i64, Path)), request_body = MeetingInput,
    responses((status = 200, body = MeetingView), (status = 403, body = ApiError), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
async fn update_meeting(
    state: State,
    ctx: Ctx,
    _: Allowed<may::ManageDecision>,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<MeetingInput>,
) -> ApiResult<Labelled<MeetingView>> {
    Ok(worded(
        state.store.update_meeting(ctx.actor()?, id, &input).await?,
        ctx.lang,
    ))
}

// The words the API sends beside the facts of the election and meeting views.

labels!(ElectionView, |v, lang| {
    "kind_label" => v.kind.label(lang),
}, nested: [proposal, candidates, count]);

labels!(CandidateView, |v, lang| {
    "nominated_by_label" => v.nominated_by.label(lang),
});

impl Labels for ElectionCount {
    const KEYS: &'static [Key] = &[Key::Text("summary"), Key::Texts("roll_notes")];
    fn words(&self, w: &mut Words<'_>) {
        let lang = w.lang;
        w.put(
            "summary",
            crate::i18n_decisions::election_summary(self, lang),
        );
        w.list(
            "roll_notes",
            crate::i18n_decisions::roll_notes(self.roll, lang),
        );
        w.nested("quorum", &self.quorum);
        w.nested("candidates", &self.candidates);
    }
}

labels!(CandidateCount, |v, lang| {}, nested: [lines]);

labels!(MeetingView, |v, lang| {}, nested: [items]);

labels!(AgendaItemView, |v, lang| {
    "stage_label" => v.stage.map(|s| s.label(lang)).unwrap_or(""),
});

/// Adds the words of the election and meeting views to their schemas.
pub fn describe(doc: &mut utoipa::openapi::OpenApi) {
    use super::labels::describe as d;
    d::<ElectionView>(doc);
    d::<CandidateView>(doc);
    d::<ElectionCount>(doc);
    d::<AgendaItemView>(doc);
}
