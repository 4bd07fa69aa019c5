//! Elevator retrofit projects as JSON: the same service calls as the elevator pages.
//! Amounts go in as yuan strings ("458000.00") and come back in fen with `*_yuan` strings.

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
use linli_store::elevators::*;
use linli_store::files::MAX_FILE_BYTES;
use serde::Deserialize;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new()
        .routes(routes!(board, create))
        .routes(routes!(community_board))
        .routes(routes!(project))
        .routes(routes!(update_plan))
        .routes(routes!(update_paperwork))
        .routes(routes!(step))
        .routes(routes!(shares))
        .routes(routes!(fix_shares))
        .routes(routes!(release_shares))
        .routes(routes!(outstanding))
        .routes(routes!(payments, record_payment))
        .routes(routes!(void_payment))
        .routes(routes!(remind))
        .routes(routes!(bill))
        .routes(routes!(bills))
        .routes(routes!(operation))
        .routes(routes!(operation_split))
        .routes(routes!(operation_cost))
        .routes(routes!(unit_statement))
        .routes(routes!(household_statement))
        .routes(routes!(community_dashboard))
        .routes(routes!(compound_dashboard))
        .routes(routes!(compound_bills))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(add_document))
                .layer(DefaultBodyLimit::max(MAX_FILE_BYTES + 64 * 1024)),
        )
}

/// The elevator projects of a compound by stage, each with what blocks it.
#[utoipa::path(get, path = "/compounds/{id}/elevators", tag = "elevators", params(("id" = i64, Path)),
    responses((status = 200, body = BoardView), (status = 403, body = ApiError)))]
async fn board(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> ApiResult<Labelled<BoardView>> {
    Ok(worded(
        state.store.elevator_board(ctx.actor()?, id).await?,
        ctx.lang,
    ))
}

/// Start the retrofit project of a unit: `{"unit_id": 7, "proposal_id": 3}`.
#[utoipa::path(post, path = "/compounds/{id}/elevators", tag = "elevators", params(("id" = i64, Path)), request_body = ProjectInput,
    responses((status = 201, body = ProjectView), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
async fn create(
    state: State,
    ctx: Ctx,
    _: Allowed<may::ManageProject>,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<ProjectInput>,
) -> Result<(StatusCode, Json<Labelled<ProjectView>>), WebError> {
    Ok((
        StatusCode::CREATED,
        worded(
            state
                .store
                .create_elevator_project(ctx.actor()?, id, &input, ctx.lang)
                .await?,
            ctx.lang,
        ),
    ))
}

/// The elevator projects of every compound of a community, by stage.
#[utoipa::path(get, path = "/communities/{id}/elevators", tag = "elevators", params(("id" = i64, Path)),
    responses((status = 200, body = BoardView), (status = 403, body = ApiError)))]
async fn community_board(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
) -> ApiResult<Labelled<BoardView>> {
    Ok(worded(
        state
            .store
            .community_elevator_board(ctx.actor()?, id)
            .await?,
        ctx.lang,
    ))
}

/// A project: stages with dates, blockers, plan, money, documents, history.
#[utoipa::path(get, path = "/elevators/{id}", tag = "elevators", params(("id" = i64, Path)),
    responses((status = 200, body = ProjectView), (status = 404, body = ApiError)))]
async fn project(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> ApiResult<Labelled<ProjectView>> {
    Ok(worded(
        state.store.elevator_project(ctx.actor()?, id).await?,
        ctx.lang,
    ))
}

/// Save the plan (cost, subsidy, how the cost is split — `share_mode` `floors` or
/// `equal_per_flat` — floor coefficients as percent or exact fractions such as "1/6", people,
/// notice period, proposal). Refused once the share table is fixed; every bad field is reported.
#[utoipa::path(put, path = "/elevators/{id}/plan", tag = "elevators", params(("id" = i64, Path)), request_body = PlanInput,
    responses((status = 200, body = ProjectView), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
async fn update_plan(
    state: State,
    ctx: Ctx,
    _: Allowed<may::ManageProject>,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<PlanInput>,
) -> ApiResult<Labelled<ProjectView>> {
    Ok(worded(
        state
            .store
            .update_elevator_plan(ctx.actor()?, id, &input)
            .await?,
        ctx.lang,
    ))
}

/// Set what the printed bills and consent forms say about paying: the due date `pay_by`
/// ("2026-12-31", not before today, within a year), the `office` where money and signed forms
/// are taken, `pay_how` (the transfer account) and a `contact`. Allowed at any stage.
#[utoipa::path(put, path = "/elevators/{id}/paperwork", tag = "elevators", params(("id" = i64, Path)), request_body = PaperworkInput,
    responses((status = 200, body = ProjectView), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
async fn update_paperwork(
    state: State,
    ctx: Ctx,
    _: Allowed<may::ManageProject>,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<PaperworkInput>,
) -> ApiResult<Labelled<ProjectView>> {
    Ok(worded(
        state
            .store
            .set_elevator_paperwork(ctx.actor()?, id, &input)
            .await?,
        ctx.lang,
    ))
}

/// Move the project `forward` (refused with every blocker named) or `back` (before construction).
#[utoipa::path(post, path = "/elevators/{id}/stage", tag = "elevators", params(("id" = i64, Path)), request_body = StepInput,
    responses((status = 200, body = ProjectView), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
async fn step(
    state: State,
    ctx: Ctx,
    _: Allowed<may::ManageProject>,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<StepInput>,
) -> ApiResult<Labelled<ProjectView>> {
    Ok(worded(
        state
            .store
            .step_elevator_project(ctx.actor()?, id, &input)
            .await?,
        ctx.lang,
    ))
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
pub struct DocumentParams {
    /// `survey`, `plan`, `notice`, `approval`, `contract`, `acceptance` or `other`.
    kind: String,
    #[serde(default)]
    title: String,
    /// The file's name, e.g. `plan.pdf`.
    #[serde(default)]
    name: String,
}

/// File a document of the project (the request body, up to 10 MB: a photo or a PDF).
#[utoipa::path(post, path = "/elevators/{id}/documents", tag = "elevators", params(("id" = i64, Path), DocumentParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = ProjectView), (status = 422, body = ApiError)))]
async fn add_document(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Q(p): Q<DocumentParams>,
    body: Bytes,
) -> Result<(StatusCode, Json<Labelled<ProjectView>>), WebError> {
    let view = state
        .store
        .add_elevator_document(
            ctx.actor()?,
            id,
            DocumentUpload {
                kind: p.kind,
                title: p.title,
                file_name: p.name,
                bytes: body.to_vec(),
            },
        )
        .await?;
    Ok((StatusCode::CREATED, worded(view, ctx.lang)))
}

/// The share table: fixed, or a preview from the registry while the plan may change. The
/// lines add up to `amount_due` exactly, in fen.
#[utoipa::path(get, path = "/elevators/{id}/shares", tag = "elevators", params(("id" = i64, Path)),
    responses((status = 200, body = ShareTableView), (status = 422, body = ApiError)))]
async fn shares(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> ApiResult<Labelled<ShareTableView>> {
    Ok(worded(
        state.store.elevator_shares(ctx.actor()?, id).await?,
        ctx.lang,
    ))
}

/// Fix the share table from the unit's households as registered now.
#[utoipa::path(post, path = "/elevators/{id}/shares/fix", tag = "elevators", params(("id" = i64, Path)), request_body = FixSharesInput,
    responses((status = 200, body = ShareTableView), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
async fn fix_shares(
    state: State,
    ctx: Ctx,
    _: Allowed<may::ManageProject>,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<FixSharesInput>,
) -> ApiResult<Labelled<ShareTableView>> {
    Ok(worded(
        state
            .store
            .fix_elevator_shares(ctx.actor()?, id, &input)
            .await?,
        ctx.lang,
    ))
}

/// Release a fixed share table (only while nobody has paid), so the plan can change.
#[utoipa::path(post, path = "/elevators/{id}/shares/release", tag = "elevators", params(("id" = i64, Path)), request_body = FixSharesInput,
    responses((status = 200, body = ShareTableView), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
async fn release_shares(
    state: State,
    ctx: Ctx,
    _: Allowed<may::ManageProject>,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<FixSharesInput>,
) -> ApiResult<Labelled<ShareTableView>> {
    Ok(worded(
        state
            .store
            .release_elevator_shares(ctx.actor()?, id, &input)
            .await?,
        ctx.lang,
    ))
}

/// The households that still owe, largest debt first.
#[utoipa::path(get, path = "/elevators/{id}/outstanding", tag = "elevators", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<ShareRow>)))]
async fn outstanding(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> ApiResult<Vec<ShareRow>> {
    Ok(Json(
        state.store.elevator_outstanding(ctx.actor()?, id).await?,
    ))
}

/// Queue a payment reminder in the notification outbox for the owners of every household
/// that still owes (at most once a day per project).
#[utoipa::path(post, path = "/elevators/{id}/reminders", tag = "elevators", params(("id" = i64, Path)),
    responses((status = 201, body = ReminderBatch), (status = 422, body = ApiError), (status = 403, body = ApiError)))]
async fn remind(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
) -> Result<(StatusCode, Json<ReminderBatch>), WebError> {
    Ok((
        StatusCode::CREATED,
        Json(state.store.remind_elevator_owing(ctx.actor()?, id).await?),
    ))
}

/// Every payment of the project, newest first.
#[utoipa::path(get, path = "/elevators/{id}/payments", tag = "elevators", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<PaymentView>), (status = 403, body = ApiError)))]
async fn payments(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
) -> ApiResult<Labelled<Vec<PaymentView>>> {
    Ok(worded(
        state.store.elevator_payments(ctx.actor()?, id).await?,
        ctx.lang,
    ))
}

/// Record a household's payment: `{"household_id": 8, "amount": "27480", "method": "cash",
/// "receipt_no": "GQ-0001"}`. Refused above what the household still owes.
#[utoipa::path(post, path = "/elevators/{id}/payments", tag = "elevators", params(("id" = i64, Path)), request_body = PaymentInput,
    responses((status = 201, body = PaymentView), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
async fn record_payment(
    state: State,
    ctx: Ctx,
    _: Allowed<may::RecordPayment>,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<PaymentInput>,
) -> Result<(StatusCode, Json<Labelled<PaymentView>>), WebError> {
    Ok((
        StatusCode::CREATED,
        worded(
            state
                .store
                .record_elevator_payment(ctx.actor()?, id, &input)
                .await?,
            ctx.lang,
        ),
    ))
}

/// Void a wrongly recorded payment: a correction entry of the opposite amount is added (the
/// ledger is append-only) with `reason` kept in the audit trail. Once per payment.
#[utoipa::path(post, path = "/elevators/{id}/payments/{payment}/void", tag = "elevators",
    params(("id" = i64, Path), ("payment" = i64, Path)), request_body = VoidInput,
    responses((status = 201, body = PaymentView), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
async fn void_payment(
    state: State,
    ctx: Ctx,
    _: Allowed<may::ManageProject>,
    Ids((id, payment)): Ids<(i64, i64)>,
    ApiJson(input): ApiJson<VoidInput>,
) -> Result<(StatusCode, Json<Labelled<PaymentView>>), WebError> {
    Ok((
        StatusCode::CREATED,
        worded(
            state
                .store
                .void_elevator_payment(ctx.actor()?, id, payment, &input)
                .await?,
            ctx.lang,
        ),
    ))
}

/// A household's bill: its share, what it paid, what it owes.
#[utoipa::path(get, path = "/elevators/{id}/bills/{household_id}", tag = "elevators", params(("id" = i64, Path), ("household_id" = i64, Path)),
    responses((status = 200, body = BillView), (status = 404, body = ApiError)))]
async fn bill(
    state: State,
    ctx: Ctx,
    Ids((id, household_id)): Ids<(i64, i64)>,
) -> ApiResult<Labelled<BillView>> {
    Ok(worded(
        state
            .store
            .elevator_bill(ctx.actor()?, id, household_id)
            .await?,
        ctx.lang,
    ))
}

/// Every household's bill, in the order of the share table (for printing them all).
#[utoipa::path(get, path = "/elevators/{id}/bills", tag = "elevators", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<BillView>), (status = 404, body = ApiError)))]
async fn bills(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> ApiResult<Labelled<Vec<BillView>>> {
    Ok(worded(
        state.store.elevator_bills(ctx.actor()?, id, None).await?,
        ctx.lang,
    ))
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
pub struct MonthsPage {
    /// Page of months, newest first, 12 a page.
    #[serde(default)]
    page: Option<u64>,
}

/// The running costs of a project in operation: how they are shared, and the months entered.
#[utoipa::path(get, path = "/elevators/{id}/operation", tag = "elevators", params(("id" = i64, Path), MonthsPage),
    responses((status = 200, body = OperationView), (status = 404, body = ApiError)))]
async fn operation(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Q(q): Q<MonthsPage>,
) -> ApiResult<Labelled<OperationView>> {
    Ok(worded(
        state
            .store
            .elevator_operation(ctx.actor()?, id, q.page.unwrap_or(1))
            .await?,
        ctx.lang,
    ))
}

/// How the project shares its running costs from now on: `{"split": "coefficients", "note": "…"}`
/// (`equal` or `coefficients`; equal until set).
#[utoipa::path(put, path = "/elevators/{id}/operation/split", tag = "elevators", params(("id" = i64, Path)), request_body = SplitInput,
    responses((status = 200, body = OperationView), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
async fn operation_split(
    state: State,
    ctx: Ctx,
    _: Allowed<may::ManageProject>,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<SplitInput>,
) -> ApiResult<Labelled<OperationView>> {
    Ok(worded(
        state
            .store
            .set_elevator_operation_split(ctx.actor()?, id, &input)
            .await?,
        ctx.lang,
    ))
}

/// Enter a month's cost of one kind and share it: `{"month": "2026-11", "kind": "maintenance",
/// "amount": "416.67"}`. The same month and kind again is refused (`cost_exists`) unless
/// `"replace": true`; the project must be in operation, the month not before it nor ahead.
#[utoipa::path(post, path = "/elevators/{id}/operation/costs", tag = "elevators", params(("id" = i64, Path)), request_body = CostInput,
    responses((status = 201, body = CostView), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
async fn operation_cost(
    state: State,
    ctx: Ctx,
    _: Allowed<may::ManageProject>,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<CostInput>,
) -> Result<(StatusCode, Json<Labelled<CostView>>), WebError> {
    Ok((
        StatusCode::CREATED,
        worded(
            state
                .store
                .enter_elevator_operation_cost(ctx.actor()?, id, &input)
                .await?,
            ctx.lang,
        ),
    ))
}

/// A month's statement of the unit: every household's part of each kind of cost.
#[utoipa::path(get, path = "/elevators/{id}/operation/{month}", tag = "elevators", params(("id" = i64, Path), ("month" = String, Path, description = "2026-11")),
    responses((status = 200, body = UnitStatementView), (status = 422, body = ApiError)))]
async fn unit_statement(
    state: State,
    ctx: Ctx,
    Ids((id, month)): Ids<(i64, String)>,
) -> ApiResult<Labelled<UnitStatementView>> {
    Ok(worded(
        state
            .store
            .elevator_unit_statement(ctx.actor()?, id, &month)
            .await?,
        ctx.lang,
    ))
}

/// One household's running costs of a month.
#[utoipa::path(get, path = "/elevators/{id}/operation/{month}/households/{household_id}", tag = "elevators",
    params(("id" = i64, Path), ("month" = String, Path), ("household_id" = i64, Path)),
    responses((status = 200, body = HouseholdStatementView), (status = 404, body = ApiError)))]
async fn household_statement(
    state: State,
    ctx: Ctx,
    Ids((id, month, household_id)): Ids<(i64, String, i64)>,
) -> ApiResult<Labelled<HouseholdStatementView>> {
    Ok(worded(
        state
            .store
            .elevator_household_statement(ctx.actor()?, id, &month, household_id)
            .await?,
        ctx.lang,
    ))
}

/// The elevator dashboard of a community: projects by stage, money by source (subsidy,
/// residents' payments, outstanding) in all and per compound, projects owing, running costs.
#[utoipa::path(get, path = "/communities/{id}/elevators/dashboard", tag = "elevators", params(("id" = i64, Path)),
    responses((status = 200, body = DashboardView), (status = 403, body = ApiError)))]
async fn community_dashboard(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
) -> ApiResult<Labelled<DashboardView>> {
    Ok(worded(
        state
            .store
            .community_elevator_dashboard(ctx.actor()?, id)
            .await?,
        ctx.lang,
    ))
}

/// The elevator dashboard of one compound.
#[utoipa::path(get, path = "/compounds/{id}/elevators/dashboard", tag = "elevators", params(("id" = i64, Path)),
    responses((status = 200, body = DashboardView), (status = 403, body = ApiError)))]
async fn compound_dashboard(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
) -> ApiResult<Labelled<DashboardView>> {
    Ok(worded(
        state
            .store
            .compound_elevator_dashboard(ctx.actor()?, id)
            .await?,
        ctx.lang,
    ))
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
pub struct OwingParams {
    /// Only the households that still owe (the reminders).
    #[serde(default)]
    owing: Option<bool>,
}

/// Every household's bill of every project of the compound whose share table is fixed, in
/// the order of the projects and their tables (for printing them all at once).
#[utoipa::path(get, path = "/compounds/{id}/elevators/bills", tag = "elevators", params(("id" = i64, Path), OwingParams),
    responses((status = 200, body = Vec<BillView>), (status = 403, body = ApiError)))]
async fn compound_bills(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Q(q): Q<OwingParams>,
) -> ApiResult<Labelled<Vec<BillView>>> {
    Ok(worded(
        state
            .store
            .compound_elevator_bills(ctx.actor()?, id, q.owing.unwrap_or(false))
            .await?,
        ctx.lang,
    ))
}

// The words the API sends beside the facts of the elevator views.

labels!(BoardView, |v, lang| {}, nested: [columns]);

labels!(BoardColumn, |v, lang| {
    "label" => v.stage.label(lang),
}, nested: [projects]);

impl Labels for BoardCard {
    const KEYS: &'static [Key] = &[Key::Texts("blockers")];
    fn words(&self, w: &mut Words<'_>) {
        let lang = w.lang;
        w.list("blockers", self.blockers.iter().map(|b| b.label(lang)));
    }
}

impl Labels for ProjectView {
    const KEYS: &'static [Key] = &[
        Key::Text("stage_label"),
        Key::Texts("blockers"),
        Key::Text("subsidy_preset_label"),
        Key::Text("share_mode_label"),
    ];
    fn words(&self, w: &mut Words<'_>) {
        let lang = w.lang;
        w.put("stage_label", self.stage.label(lang));
        w.list("blockers", self.blockers.iter().map(|b| b.label(lang)));
        w.put("subsidy_preset_label", self.subsidy_preset.label(lang));
        w.put("share_mode_label", self.share_mode.label(lang));
        w.nested("stages", &self.stages);
        w.nested("documents", &self.documents);
        w.nested("history", &self.history);
        w.nested("proposal", &self.proposal);
    }
}

labels!(StageRow, |v, lang| {
    "label" => v.stage.label(lang),
});

labels!(DocumentView, |v, lang| {
    "kind_label" => v.kind.label(lang),
});

labels!(StageLogView, |v, lang| {
    "from_label" => v.from.map(|s| s.label(lang)).unwrap_or(""),
    "to_label" => v.to.label(lang),
});

labels!(ProposalLink, |v, lang| {
    "stage_label" => v.stage.label(lang),
});

labels!(ShareTableView, |v, lang| {
    "stage_label" => v.stage.label(lang),
    "subsidy_preset_label" => v.subsidy_preset.label(lang),
    "share_mode_label" => v.share_mode.label(lang),
});

labels!(PaymentView, |v, lang| {
    "method_label" => v.method.label(lang),
});

labels!(BillView, |v, lang| {
    "subsidy_preset_label" => v.subsidy_preset.label(lang),
    "share_explained" => crate::i18n_elevators::share_explained(v, lang),
}, nested: [payments]);

labels!(OperationView, |v, lang| {
    "split_label" => v.split.label(lang),
}, nested: [months, kinds, splits]);

labels!(OperationMonth, |v, lang| {}, nested: [costs]);

labels!(CostCell, |v, lang| {
    "kind_label" => v.kind.label(lang),
    "split_label" => v.split.label(lang),
});

labels!(KindChoice, |v, lang| {
    "label" => v.kind.label(lang),
});

labels!(SplitChoice, |v, lang| {
    "label" => v.kind.label(lang),
});

labels!(CostView, |v, lang| {}, nested: [cost]);

labels!(UnitStatementView, |v, lang| {}, nested: [columns]);

labels!(StatementColumn, |v, lang| {
    "label" => v.kind.label(lang),
    "split_label" => v.split.label(lang),
});

labels!(HouseholdStatementView, |v, lang| {}, nested: [lines]);

labels!(SlipLine, |v, lang| {
    "label" => v.kind.label(lang),
    "split_label" => v.split.label(lang),
});

labels!(DashboardView, |v, lang| {}, nested: [stages, owing]);

labels!(StageCount, |v, lang| {
    "label" => v.stage.label(lang),
});

labels!(OwingProject, |v, lang| {
    "stage_label" => v.stage.label(lang),
});

/// Adds the words of the elevator views to their schemas.
pub fn describe(doc: &mut utoipa::openapi::OpenApi) {
    use super::labels::describe as d;
    d::<BoardColumn>(doc);
    d::<BoardCard>(doc);
    d::<ProjectView>(doc);
    d::<StageRow>(doc);
    d::<DocumentView>(doc);
    d::<StageLogView>(doc);
    d::<ProposalLink>(doc);
    d::<ShareTableView>(doc);
    d::<PaymentView>(doc);
    d::<BillView>(doc);
    d::<OperationView>(doc);
    d::<CostCell>(doc);
    d::<KindChoice>(doc);
    d::<SplitChoice>(doc);
    d::<StatementColumn>(doc);
    d::<SlipLine>(doc);
    d::<StageCount>(doc);
    d::<OwingProject>(doc);
}
