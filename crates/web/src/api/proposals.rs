//! Collective decisions as JSON: the same service calls as the proposal pages.

use super::ApiResult;
use super::labels::{Key, Labelled, Labels, Words, labels, worded};
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
use linli_store::files::{FileInfo, MAX_FILE_BYTES, Purpose};
use linli_store::proposals::*;
use serde::Deserialize;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new()
        .routes(routes!(list_proposals, create_proposal))
        .routes(routes!(proposal))
        .routes(routes!(change_stage))
        .routes(routes!(support))
        .routes(routes!(comments, add_comment))
        .routes(routes!(open_voting))
        .routes(routes!(close_voting))
        .routes(routes!(cast_ballot))
        .routes(routes!(my_ballot))
        .routes(routes!(tally))
        .routes(routes!(register))
        .routes(routes!(ballot_history))
        .routes(routes!(knock_list))
        .routes(routes!(assign_knocks))
        .routes(routes!(record_visit))
        .routes(routes!(follow_up))
        .routes(routes!(add_objection))
        .routes(routes!(answer_objection))
        .routes(routes!(record_consent))
        .routes(routes!(add_action))
        .routes(routes!(action_done))
        .routes(routes!(evaluate))
        .routes(routes!(notifications))
        // Only the upload takes a body larger than the app's small limit.
        .routes(routes!(proposal_files))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(upload_file))
                .routes(routes!(attach_file))
                .layer(DefaultBodyLimit::max(MAX_FILE_BYTES + 64 * 1024)),
        )
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
pub struct ProposalListParams {
    /// Only proposals at this stage (`draft`, `deliberation`, `voting`, `passed`, …).
    stage: Option<String>,
    page: Option<u64>,
    size: Option<u64>,
}

/// The proposals of a compound, newest first.
#[utoipa::path(get, path = "/compounds/{id}/proposals", tag = "decisions", params(("id" = i64, Path), ProposalListParams),
    responses((status = 200, body = PageOf<ProposalRow>), (status = 404, body = ApiError)))]
async fn list_proposals(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Q(p): Q<ProposalListParams>,
) -> ApiResult<Labelled<PageOf<ProposalRow>>> {
    let list = state
        .store
        .list_proposals(
            ctx.actor()?,
            id,
            p.stage.as_deref(),
            PageRequest::new(p.page, p.size),
        )
        .await?;
    Ok(worded(page_of(list), ctx.lang))
}

/// Put a proposal forward (as a draft) for a compound, building or unit.
#[utoipa::path(post, path = "/compounds/{id}/proposals", tag = "decisions", params(("id" = i64, Path)), request_body = ProposalInput,
    responses((status = 201, body = ProposalView), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
async fn create_proposal(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<ProposalInput>,
) -> Result<(StatusCode, Json<Labelled<ProposalView>>), WebError> {
    let p = state
        .store
        .create_proposal(ctx.actor()?, id, &input)
        .await?;
    Ok((StatusCode::CREATED, worded(p, ctx.lang)))
}

/// A proposal: text, rule, stage, and what you may do with it.
#[utoipa::path(get, path = "/proposals/{id}", tag = "decisions", params(("id" = i64, Path)),
    responses((status = 200, body = ProposalView), (status = 404, body = ApiError)))]
async fn proposal(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> ApiResult<Labelled<ProposalView>> {
    Ok(worded(
        state.store.proposal(ctx.actor()?, id).await?,
        ctx.lang,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct StageBody {
    action: StageRequest,
}

/// Submit for deliberation, withdraw, start acting, mark evaluated.
#[utoipa::path(post, path = "/proposals/{id}/stage", tag = "decisions", params(("id" = i64, Path)), request_body = StageBody,
    responses((status = 200, body = ProposalView), (status = 422, body = ApiError)))]
async fn change_stage(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    ApiJson(b): ApiJson<StageBody>,
) -> ApiResult<Labelled<ProposalView>> {
    Ok(worded(
        state.store.change_stage(ctx.actor()?, id, b.action).await?,
        ctx.lang,
    ))
}

/// Support a proposal (once per account).
#[utoipa::path(post, path = "/proposals/{id}/support", tag = "decisions", params(("id" = i64, Path)),
    responses((status = 200, body = ProposalView), (status = 422, body = ApiError)))]
async fn support(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> ApiResult<Labelled<ProposalView>> {
    Ok(worded(
        state.store.support_proposal(ctx.actor()?, id).await?,
        ctx.lang,
    ))
}

/// The deliberation: comments and the committee's answers, oldest first.
#[utoipa::path(get, path = "/proposals/{id}/comments", tag = "decisions", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<CommentView>)))]
async fn comments(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> ApiResult<Vec<CommentView>> {
    Ok(Json(state.store.comments(ctx.actor()?, id).await?))
}

#[utoipa::path(post, path = "/proposals/{id}/comments", tag = "decisions", params(("id" = i64, Path)), request_body = CommentInput,
    responses((status = 201, body = CommentView), (status = 422, body = ApiError)))]
async fn add_comment(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<CommentInput>,
) -> Result<(StatusCode, Json<CommentView>), WebError> {
    Ok((
        StatusCode::CREATED,
        Json(state.store.add_comment(ctx.actor()?, id, &input).await?),
    ))
}

/// Open voting: freezes the electorate of the scope and sets the last day.
#[utoipa::path(post, path = "/proposals/{id}/voting", tag = "decisions", params(("id" = i64, Path)), request_body = OpenVotingInput,
    responses((status = 200, body = ProposalView), (status = 422, body = ApiError)))]
async fn open_voting(
    state: State,
    ctx: Ctx,
    _: Allowed<may::ManageDecision>,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<OpenVotingInput>,
) -> ApiResult<Labelled<ProposalView>> {
    Ok(worded(
        state.store.open_voting(ctx.actor()?, id, &input).await?,
        ctx.lang,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct CloseBody {
    /// Must be `true`: closing is irreversible.
    #[serde(default)]
    confirm: bool,
}

/// Close voting for good, count and store the result.
#[utoipa::path(post, path = "/proposals/{id}/close", tag = "decisions", params(("id" = i64, Path)), request_body = CloseBody,
    responses((status = 200, body = ProposalView), (status = 422, body = ApiError)))]
async fn close_voting(
    state: State,
    ctx: Ctx,
    _: Allowed<may::ManageDecision>,
    Ids(id): Ids<i64>,
    ApiJson(b): ApiJson<CloseBody>,
) -> ApiResult<Labelled<ProposalView>> {
    Ok(worded(
        state
            .store
            .close_voting(ctx.actor()?, id, b.confirm)
            .await?,
        ctx.lang,
    ))
}

/// Cast or change a ballot: your own (`online`), or recorded for a household (`assisted`,
/// `proxy`, `remote`, `paper`) with its evidence.
#[utoipa::path(post, path = "/proposals/{id}/ballots", tag = "decisions", params(("id" = i64, Path)), request_body = BallotInput,
    responses((status = 200, body = BallotReceipt), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
async fn cast_ballot(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<BallotInput>,
) -> ApiResult<BallotReceipt> {
    Ok(Json(
        state.store.cast_ballot(ctx.actor()?, id, &input).await?,
    ))
}

/// Your own ballot, if you are on the roll.
#[utoipa::path(get, path = "/proposals/{id}/my-ballot", tag = "decisions", params(("id" = i64, Path)),
    responses((status = 200, body = Option<MyBallot>)))]
async fn my_ballot(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> ApiResult<Option<MyBallot>> {
    Ok(Json(state.store.my_ballot(ctx.actor()?, id).await?))
}

/// The live tally (staff, while voting) or the stored result (everyone, once closed).
#[utoipa::path(get, path = "/proposals/{id}/tally", tag = "decisions", params(("id" = i64, Path)),
    responses((status = 200, body = TallyView), (status = 403, body = ApiError)))]
async fn tally(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> ApiResult<Labelled<TallyView>> {
    Ok(worded(state.store.tally(ctx.actor()?, id).await?, ctx.lang))
}

/// The ballot register: every voter and their current ballot.
#[utoipa::path(get, path = "/proposals/{id}/ballots", tag = "decisions", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<RegisterRow>), (status = 403, body = ApiError)))]
async fn register(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
) -> ApiResult<Labelled<Vec<RegisterRow>>> {
    Ok(worded(
        state.store.ballot_register(ctx.actor()?, id).await?,
        ctx.lang,
    ))
}

/// Every version of one voter's ballot (`voter` as in the register: `p:12`, `h:34`).
#[utoipa::path(get, path = "/proposals/{id}/ballots/{voter}/history", tag = "decisions", params(("id" = i64, Path), ("voter" = String, Path)),
    responses((status = 200, body = Vec<BallotEventView>)))]
async fn ballot_history(
    state: State,
    ctx: Ctx,
    Ids((id, voter)): Ids<(i64, String)>,
) -> ApiResult<Vec<BallotEventView>> {
    Ok(Json(
        state.store.ballot_history(ctx.actor()?, id, &voter).await?,
    ))
}

/// Households that have not answered, by building and floor, with visits and unit progress.
#[utoipa::path(get, path = "/proposals/{id}/knock", tag = "decisions", params(("id" = i64, Path)),
    responses((status = 200, body = KnockList)))]
async fn knock_list(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> ApiResult<Labelled<KnockList>> {
    Ok(worded(
        state.store.knock_list(ctx.actor()?, id).await?,
        ctx.lang,
    ))
}

/// Hand households to a building head or volunteer to knock on their doors.
#[utoipa::path(post, path = "/proposals/{id}/knock/assign", tag = "decisions", params(("id" = i64, Path)), request_body = AssignInput,
    responses((status = 200, body = usize), (status = 422, body = ApiError)))]
async fn assign_knocks(
    state: State,
    ctx: Ctx,
    _: Allowed<may::ManageDecision>,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<AssignInput>,
) -> ApiResult<usize> {
    Ok(Json(
        state.store.assign_knocks(ctx.actor()?, id, &input).await?,
    ))
}

/// Record a door-knocking visit.
#[utoipa::path(post, path = "/proposals/{id}/knock/visits", tag = "decisions", params(("id" = i64, Path)), request_body = VisitInput,
    responses((status = 204), (status = 422, body = ApiError)))]
async fn record_visit(
    state: State,
    ctx: Ctx,
    _: Allowed<may::RecordBallot>,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<VisitInput>,
) -> Result<StatusCode, WebError> {
    state.store.record_visit(ctx.actor()?, id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
pub struct FileParams {
    /// The file's name, e.g. `consent-301.jpg`.
    name: Option<String>,
    /// `evidence` (default) or `attachment`.
    purpose: Option<String>,
}

/// Upload a file (the request body, up to 10 MB): a photo, recording or PDF. Use the
/// returned `id` as a ballot's `evidence_id`.
#[utoipa::path(post, path = "/compounds/{id}/files", tag = "decisions", params(("id" = i64, Path), FileParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = FileInfo), (status = 422, body = ApiError)))]
async fn upload_file(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Q(p): Q<FileParams>,
    body: Bytes,
) -> Result<(StatusCode, Json<FileInfo>), WebError> {
    let purpose = if p.purpose.as_deref() == Some("attachment") {
        Purpose::Attachment
    } else {
        Purpose::Evidence
    };
    let name = p.name.unwrap_or_else(|| "file".into());
    let info = state
        .store
        .save_file(ctx.actor()?, id, purpose, &name, body.to_vec())
        .await?;
    Ok((StatusCode::CREATED, Json(info)))
}

/// Objections, affected owners' consents, actions and the residents' evaluation.
#[utoipa::path(get, path = "/proposals/{id}/follow-up", tag = "decisions", params(("id" = i64, Path)),
    responses((status = 200, body = FollowUp)))]
async fn follow_up(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> ApiResult<Labelled<FollowUp>> {
    Ok(worded(
        state.store.follow_up(ctx.actor()?, id).await?,
        ctx.lang,
    ))
}

/// Record an objection of a household of the scope (light, ventilation, noise, access, cost, other).
#[utoipa::path(post, path = "/proposals/{id}/objections", tag = "decisions", params(("id" = i64, Path)), request_body = ObjectionInput,
    responses((status = 201, body = ObjectionView), (status = 422, body = ApiError)))]
async fn add_objection(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<ObjectionInput>,
) -> Result<(StatusCode, Json<Labelled<ObjectionView>>), WebError> {
    Ok((
        StatusCode::CREATED,
        worded(
            state.store.add_objection(ctx.actor()?, id, &input).await?,
            ctx.lang,
        ),
    ))
}

/// The committee's answer to an objection; `resolved` settles it.
#[utoipa::path(post, path = "/proposals/{id}/objections/{objection}/answer", tag = "decisions",
    params(("id" = i64, Path), ("objection" = i64, Path)), request_body = AnswerInput,
    responses((status = 204), (status = 422, body = ApiError)))]
async fn answer_objection(
    state: State,
    ctx: Ctx,
    _: Allowed<may::ManageDecision>,
    Ids((id, oid)): Ids<(i64, i64)>,
    ApiJson(input): ApiJson<AnswerInput>,
) -> Result<StatusCode, WebError> {
    state
        .store
        .answer_objection(ctx.actor()?, id, oid, &input)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Record an affected owner's written consent (with `evidence_id`) or refusal.
#[utoipa::path(post, path = "/proposals/{id}/consents", tag = "decisions", params(("id" = i64, Path)), request_body = ConsentInput,
    responses((status = 204), (status = 422, body = ApiError)))]
async fn record_consent(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<ConsentInput>,
) -> Result<StatusCode, WebError> {
    state.store.record_consent(ctx.actor()?, id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add an action to a decided proposal.
#[utoipa::path(post, path = "/proposals/{id}/actions", tag = "decisions", params(("id" = i64, Path)), request_body = ActionInput,
    responses((status = 201, body = ActionView), (status = 422, body = ApiError)))]
async fn add_action(
    state: State,
    ctx: Ctx,
    _: Allowed<may::ManageDecision>,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<ActionInput>,
) -> Result<(StatusCode, Json<ActionView>), WebError> {
    Ok((
        StatusCode::CREATED,
        Json(state.store.add_action(ctx.actor()?, id, &input).await?),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct DoneBody {
    done: bool,
}

/// Mark an action done or not done.
#[utoipa::path(post, path = "/proposals/{id}/actions/{action}/done", tag = "decisions",
    params(("id" = i64, Path), ("action" = i64, Path)), request_body = DoneBody,
    responses((status = 204), (status = 404, body = ApiError)))]
async fn action_done(
    state: State,
    ctx: Ctx,
    _: Allowed<may::ManageDecision>,
    Ids((id, aid)): Ids<(i64, i64)>,
    ApiJson(b): ApiJson<DoneBody>,
) -> Result<StatusCode, WebError> {
    state
        .store
        .set_action_done(ctx.actor()?, id, aid, b.done)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Rate the result (1–5) once the decision is carried out; rating again replaces yours.
#[utoipa::path(post, path = "/proposals/{id}/evaluation", tag = "decisions", params(("id" = i64, Path)), request_body = EvaluationInput,
    responses((status = 204), (status = 422, body = ApiError)))]
async fn evaluate(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<EvaluationInput>,
) -> Result<StatusCode, WebError> {
    state.store.evaluate(ctx.actor()?, id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Your notifications, newest first.
#[utoipa::path(get, path = "/notifications", tag = "decisions", responses((status = 200, body = Vec<NotificationView>)))]
async fn notifications(state: State, ctx: Ctx) -> ApiResult<Vec<NotificationView>> {
    Ok(Json(state.store.notifications(ctx.actor()?).await?))
}

/// The files of a proposal: plans, photos, texts to adopt (download at `/files/{attachment_id}`).
#[utoipa::path(get, path = "/proposals/{id}/files", tag = "decisions", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<ProposalFileView>)))]
async fn proposal_files(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
) -> ApiResult<Vec<ProposalFileView>> {
    Ok(Json(state.store.proposal_files(ctx.actor()?, id).await?))
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
pub struct AttachParams {
    /// What the file is: "加装电梯方案", "业主公约".
    title: String,
    /// `attachment` (default) or `adopted_text` (numbered by title within the compound).
    kind: Option<String>,
    /// The file's name, e.g. `plan.pdf`.
    name: Option<String>,
}

/// Attach a file (the request body, up to 10 MB) to a proposal being written or deliberated.
#[utoipa::path(post, path = "/proposals/{id}/files", tag = "decisions", params(("id" = i64, Path), AttachParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = ProposalFileView), (status = 422, body = ApiError)))]
async fn attach_file(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Q(p): Q<AttachParams>,
    body: Bytes,
) -> Result<(StatusCode, Json<ProposalFileView>), WebError> {
    let name = p.name.unwrap_or_else(|| "file".into());
    let f = state
        .store
        .attach_to_proposal(
            ctx.actor()?,
            id,
            p.kind.as_deref().unwrap_or(""),
            &p.title,
            &name,
            body.to_vec(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(f)))
}

// The words the API sends beside the facts of the decision views.

impl Labels for ProposalView {
    const KEYS: &'static [Key] = &[
        Key::Text("matter_label"),
        Key::Text("preset_label"),
        Key::Texts("rule_text"),
        Key::Text("stage_label"),
    ];
    fn words(&self, w: &mut Words<'_>) {
        let lang = w.lang;
        w.put("matter_label", self.matter.label(lang));
        w.put("preset_label", self.preset.label(lang));
        w.list(
            "rule_text",
            self.rule.thresholds.iter().map(|t| t.label(lang)),
        );
        w.put("stage_label", self.stage.label(lang));
    }
}

labels!(ProposalRow, |v, lang| {
    "stage_label" => v.stage.label(lang),
});

impl Labels for TallyView {
    const KEYS: &'static [Key] = &[Key::Text("outcome_label"), Key::Texts("roll_notes")];
    fn words(&self, w: &mut Words<'_>) {
        let lang = w.lang;
        let outcome =
            crate::i18n_decisions::outcome_label(self.result.outcome, self.final_result, lang);
        w.put("outcome_label", outcome);
        w.list(
            "roll_notes",
            crate::i18n_decisions::roll_notes(self.roll, lang),
        );
        w.nested("lines", &self.lines);
    }
}

labels!(CheckLine, |v, lang| {
    "rule" => v.check.label(lang),
    "part" => crate::i18n_decisions::amount(v.check.measure(), v.check.part, lang),
    "whole" => crate::i18n_decisions::amount(v.check.measure(), v.check.whole, lang),
});

labels!(RegisterRow, |v, lang| {
    "choice_label" => v.said.as_ref().map(|c| crate::i18n_decisions::cast_choice(c, lang)).unwrap_or_default(),
    "authority_label" => v.authority.map(|a| a.label(lang)).unwrap_or(""),
});

labels!(KnockList, |v, lang| {}, nested: [groups]);

labels!(KnockGroup, |v, lang| {}, nested: [rows]);

labels!(KnockRow, |v, lang| {
    "last_outcome_label" => v.last_outcome.map(|o| o.label(lang)).unwrap_or(""),
});

labels!(FollowUp, |v, lang| {}, nested: [objections]);

labels!(ObjectionView, |v, lang| {
    "concern_label" => v.concern.label(lang),
});

/// Adds the words of the decision views to their schemas.
pub fn describe(doc: &mut utoipa::openapi::OpenApi) {
    use super::labels::describe as d;
    d::<ProposalView>(doc);
    d::<ProposalRow>(doc);
    d::<TallyView>(doc);
    d::<CheckLine>(doc);
    d::<RegisterRow>(doc);
    d::<KnockRow>(doc);
    d::<ObjectionView>(doc);
}
