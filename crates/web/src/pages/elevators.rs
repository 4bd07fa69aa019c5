//! The elevator retrofit pages: the board of a compound's (or a community's) projects by
//! stage, a project's page with its plan, documents and steps, the share table for the
//! stairwell notice with the payments form, and the printable bills.

use super::{Chrome, PageResult, chrome};
use crate::ctx::Ctx;
use crate::form::{CsrfForm, CsrfMultipart, Ids, Q};
use crate::form_errors::FormErrors;
use crate::i18n::T;
use crate::{AppState, State};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use linli_domain::Invalid;
use linli_domain::elevator::{DocKind, ShareMode, SubsidyPreset};
use linli_store::ServiceError;
use linli_store::elevators::*;
use linli_store::files::MAX_FILE_BYTES;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::Arc;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/compounds/{id}/elevators", get(board).post(create))
        .route("/regions/{id}/elevators", get(community_board))
        .route("/elevators/{id}", get(project))
        .route("/elevators/{id}/plan", post(plan))
        .route("/elevators/{id}/paperwork", post(paperwork))
        .route("/elevators/{id}/stage", post(step))
        .route(
            "/elevators/{id}/documents",
            post(document).layer(DefaultBodyLimit::max(MAX_FILE_BYTES + 64 * 1024)),
        )
        .route("/elevators/{id}/shares", get(shares))
        .route("/elevators/{id}/shares/fix", post(fix))
        .route("/elevators/{id}/shares/release", post(release))
        .route("/elevators/{id}/payments", post(pay))
        .route(
            "/elevators/{id}/payments/{payment}/void",
            post(void_payment),
        )
        .route("/elevators/{id}/reminders", post(remind))
        .route("/elevators/{id}/bills", get(bills))
        .route("/elevators/{id}/bills/{hid}", get(bill))
        .route("/compounds/{id}/elevators/bills", get(compound_bills))
}

#[derive(Template, WebTemplate)]
#[template(path = "elevator_board.html")]
struct BoardPage {
    t: T,
    c: Chrome,
    b: BoardView,
    proposal_id: String,
    /// The compound's proposals to start a project from (none on a community's board).
    proposals: Vec<(i64, String)>,
    errors: FormErrors,
    /// The dashboard with the charts of the same projects.
    dashboard_link: String,
}

#[derive(Deserialize, Default)]
struct BoardQuery {
    #[serde(default)]
    proposal: String,
}

async fn board(state: State, ctx: Ctx, Ids(id): Ids<i64>, Q(q): Q<BoardQuery>) -> PageResult {
    let b = state.store.elevator_board(ctx.actor()?, id).await?;
    let proposals = if b.can_manage {
        super::proposals::choices(&state, &ctx, id).await?
    } else {
        Vec::new()
    };
    let (t, c) = chrome(&ctx);
    Ok(BoardPage {
        t,
        c,
        b,
        proposal_id: q.proposal,
        proposals,
        errors: FormErrors::default(),
        dashboard_link: format!("/compounds/{id}/elevators/dashboard"),
    }
    .into_response())
}

async fn community_board(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> PageResult {
    let b = state
        .store
        .community_elevator_board(ctx.actor()?, id)
        .await?;
    let (t, c) = chrome(&ctx);
    Ok(BoardPage {
        t,
        c,
        b,
        proposal_id: String::new(),
        proposals: Vec::new(),
        errors: FormErrors::default(),
        dashboard_link: format!("/communities/{id}/elevators/dashboard"),
    }
    .into_response())
}

#[derive(Deserialize, Default)]
struct CreateForm {
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    proposal_id: String,
    #[serde(default)]
    responsible: String,
}

fn parse_id(field: &'static str, s: &str) -> Result<i64, ServiceError> {
    s.trim().parse().map_err(|_| {
        ServiceError::invalid(
            field,
            if s.trim().is_empty() {
                Invalid::Required
            } else {
                Invalid::NotANumber
            },
        )
    })
}

fn optional_id(field: &'static str, s: &str) -> Result<Option<i64>, ServiceError> {
    if s.trim().is_empty() {
        Ok(None)
    } else {
        parse_id(field, s).map(Some)
    }
}

async fn create(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<CreateForm>,
) -> PageResult {
    let actor = ctx.actor()?;
    let result = async {
        let input = ProjectInput {
            unit_id: parse_id("unit_id", &f.unit_id)?,
            proposal_id: optional_id("proposal_id", &f.proposal_id)?,
            responsible: f.responsible.clone(),
            installer: String::new(),
        };
        state
            .store
            .create_elevator_project(actor, id, &input, ctx.lang)
            .await
    }
    .await;
    match result {
        Ok(p) => Ok(Redirect::to(&format!("/elevators/{}", p.id)).into_response()),
        Err(e @ ServiceError::Invalid(_)) => {
            let b = state.store.elevator_board(actor, id).await?;
            let (t, c) = chrome(&ctx);
            let page = BoardPage {
                t,
                c,
                b,
                proposal_id: f.proposal_id,
                proposals: super::proposals::choices(&state, &ctx, id).await?,
                errors: FormErrors::new(&e, ctx.lang),
                dashboard_link: format!("/compounds/{id}/elevators/dashboard"),
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// The plan form as typed, so a refused form comes back as it was.
#[derive(Deserialize, Default, Clone)]
struct PlanForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    responsible: String,
    #[serde(default)]
    installer: String,
    #[serde(default)]
    total_cost: String,
    #[serde(default)]
    pipelines_cost: String,
    #[serde(default)]
    subsidy_preset: String,
    #[serde(default)]
    subsidy_amount: String,
    #[serde(default)]
    notice_days: String,
    #[serde(default)]
    proposal_id: String,
    /// `floors` or `equal_per_flat`.
    #[serde(default)]
    share_mode: String,
    /// `coef_3` = "10" (or "1/6"), one per floor.
    #[serde(flatten)]
    coefs: HashMap<String, String>,
}

impl PlanForm {
    fn of(p: &ProjectView) -> PlanForm {
        PlanForm {
            version: p.version.to_string(),
            responsible: p.responsible.clone(),
            installer: p.installer.clone(),
            total_cost: p.total_cost_yuan.clone(),
            pipelines_cost: p.pipelines_cost_yuan.clone(),
            subsidy_preset: p.subsidy_preset.to_string(),
            subsidy_amount: p.subsidy_custom_yuan.clone(),
            notice_days: p.notice_days.to_string(),
            proposal_id: p
                .proposal
                .as_ref()
                .map(|x| x.id.to_string())
                .unwrap_or_default(),
            share_mode: p.share_mode.to_string(),
            coefs: p
                .coefficients
                .iter()
                .map(|c| (format!("coef_{}", c.floor), c.percent.clone()))
                .collect(),
        }
    }

    fn coef(&self, floor: &i32) -> &str {
        self.coefs
            .get(&format!("coef_{floor}"))
            .map(String::as_str)
            .unwrap_or("")
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "elevator_project.html")]
struct ProjectPage {
    t: T,
    c: Chrome,
    p: ProjectView,
    f: PlanForm,
    presets: Vec<(&'static str, &'static str)>,
    share_modes: Vec<(&'static str, &'static str)>,
    doc_kinds: Vec<(&'static str, &'static str)>,
    errors: FormErrors,
    /// The running costs, once the project is in operation.
    op: Option<OperationView>,
    months_base: String,
    /// The paperwork form as shown: what is stored, or what was typed when it was refused.
    pw: Paperwork,
    /// The compound's proposals, for the plan's vote (managers only).
    proposals: Vec<(i64, String)>,
}

fn project_page(ctx: &Ctx, p: ProjectView, f: Option<PlanForm>) -> ProjectPage {
    let (t, c) = chrome(ctx);
    let f = f.unwrap_or_else(|| PlanForm::of(&p));
    let presets = SubsidyPreset::ALL
        .iter()
        .map(|s| (s.as_str(), s.label(ctx.lang)))
        .collect();
    let doc_kinds = DocKind::ALL
        .iter()
        .map(|d| (d.as_str(), d.label(ctx.lang)))
        .collect();
    let months_base = format!("/elevators/{}?", p.id);
    let share_modes = ShareMode::ALL
        .iter()
        .map(|m| (m.as_str(), m.label(ctx.lang)))
        .collect();
    let pw = p.paperwork.clone();
    ProjectPage {
        pw,
        t,
        c,
        p,
        f,
        presets,
        share_modes,
        doc_kinds,
        errors: FormErrors::default(),
        op: None,
        months_base,
        proposals: Vec::new(),
    }
}

#[derive(Deserialize, Default)]
struct ProjectQuery {
    /// The page of running-cost months.
    #[serde(default)]
    page: Option<u64>,
}

/// The running costs shown on the project page: for a project in operation.
async fn running_costs(
    state: &AppState,
    ctx: &Ctx,
    p: &ProjectView,
    page: u64,
) -> Result<Option<OperationView>, crate::error::WebError> {
    if !p.stage.is_running() {
        return Ok(None);
    }
    Ok(Some(
        state
            .store
            .elevator_operation(ctx.actor()?, p.id, page)
            .await?,
    ))
}

async fn project(state: State, ctx: Ctx, Ids(id): Ids<i64>, Q(q): Q<ProjectQuery>) -> PageResult {
    let p = state.store.elevator_project(ctx.actor()?, id).await?;
    let op = running_costs(&state, &ctx, &p, q.page.unwrap_or(1)).await?;
    let proposals = plan_proposals(&state, &ctx, &p).await?;
    let mut page = project_page(&ctx, p, None);
    page.op = op;
    page.proposals = proposals;
    Ok(page.into_response())
}

/// The proposals the plan form offers, for those who may change the plan.
async fn plan_proposals(
    state: &AppState,
    ctx: &Ctx,
    p: &ProjectView,
) -> Result<Vec<(i64, String)>, crate::error::WebError> {
    if p.can.manage {
        super::proposals::choices(state, ctx, p.compound_id).await
    } else {
        Ok(Vec::new())
    }
}

/// Re-shows the project page with the form as typed and every error marked.
async fn reshow_project(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    f: Option<PlanForm>,
    err: ServiceError,
) -> PageResult {
    reshow_with(state, ctx, id, f, None, err).await
}

/// Re-shows the project page with the plan form or the paperwork form as typed.
async fn reshow_with(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    f: Option<PlanForm>,
    pw: Option<Paperwork>,
    err: ServiceError,
) -> PageResult {
    if !FormErrors::reshows(&err) {
        return Err(err.into());
    }
    let p = state.store.elevator_project(ctx.actor()?, id).await?;
    let op = running_costs(state, ctx, &p, 1).await?;
    let proposals = plan_proposals(state, ctx, &p).await?;
    let mut page = project_page(ctx, p, f);
    page.op = op;
    page.proposals = proposals;
    if let Some(pw) = pw {
        page.pw = pw;
    }
    page.errors = FormErrors::new(&err, ctx.lang);
    Ok((FormErrors::status(&err), page).into_response())
}

async fn plan(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<PlanForm>,
) -> PageResult {
    let actor = ctx.actor()?;
    let mut coefficients: Vec<CoefficientInput> = f
        .coefs
        .iter()
        .filter_map(|(k, v)| {
            Some(CoefficientInput {
                floor: k.strip_prefix("coef_")?.parse().ok()?,
                percent: v.clone(),
            })
        })
        .collect();
    coefficients.sort_by_key(|c| c.floor);
    let notice_days = f.notice_days.trim().parse().ok();
    let result = async {
        let input = PlanInput {
            version: f.version.trim().parse().unwrap_or(0),
            responsible: f.responsible.clone(),
            installer: f.installer.clone(),
            total_cost: f.total_cost.clone(),
            pipelines_cost: f.pipelines_cost.clone(),
            subsidy_preset: f.subsidy_preset.clone(),
            subsidy_amount: f.subsidy_amount.clone(),
            coefficients,
            share_mode: f.share_mode.clone(),
            notice_days,
            proposal_id: optional_id("proposal_id", &f.proposal_id)?,
        };
        state.store.update_elevator_plan(actor, id, &input).await
    }
    .await;
    match result {
        Ok(_) => Ok(crate::flash::redirect(
            &format!("/elevators/{id}#plan"),
            "fl_plan_saved",
        )),
        Err(e) => reshow_project(&state, &ctx, id, Some(f), e).await,
    }
}

#[derive(Deserialize, Default)]
struct PaperworkForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    pay_by: String,
    #[serde(default)]
    office: String,
    #[serde(default)]
    pay_how: String,
    #[serde(default)]
    contact: String,
}

/// What the bills and consent forms print about paying and returning them.
async fn paperwork(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<PaperworkForm>,
) -> PageResult {
    let input = PaperworkInput {
        version: f.version.trim().parse().unwrap_or(0),
        pay_by: f.pay_by,
        office: f.office,
        pay_how: f.pay_how,
        contact: f.contact,
    };
    match state
        .store
        .set_elevator_paperwork(ctx.actor()?, id, &input)
        .await
    {
        Ok(_) => Ok(crate::flash::redirect(
            &format!("/elevators/{id}#paperwork"),
            "fl_plan_saved",
        )),
        Err(err) => {
            let typed = Paperwork {
                pay_by: Some(input.pay_by),
                office: input.office,
                pay_how: input.pay_how,
                contact: input.contact,
            };
            reshow_with(&state, &ctx, id, None, Some(typed), err).await
        }
    }
}

#[derive(Deserialize, Default)]
struct StepForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    step: String,
    #[serde(default)]
    note: String,
}

async fn step(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<StepForm>,
) -> PageResult {
    let input = StepInput {
        version: f.version.trim().parse().unwrap_or(0),
        step: f.step,
        note: f.note,
    };
    match state
        .store
        .step_elevator_project(ctx.actor()?, id, &input)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/elevators/{id}")).into_response()),
        Err(e) => reshow_project(&state, &ctx, id, None, e).await,
    }
}

async fn document(state: State, ctx: Ctx, Ids(id): Ids<i64>, form: CsrfMultipart) -> PageResult {
    let actor = ctx.actor()?;
    let Some((name, bytes)) = form.file.clone() else {
        return reshow_project(
            &state,
            &ctx,
            id,
            None,
            ServiceError::invalid("file", Invalid::Required),
        )
        .await;
    };
    let doc = DocumentUpload {
        kind: form.text("kind"),
        title: form.text("title"),
        file_name: name,
        bytes,
    };
    match state.store.add_elevator_document(actor, id, doc).await {
        Ok(_) => Ok(Redirect::to(&format!("/elevators/{id}#documents")).into_response()),
        Err(e) => reshow_project(&state, &ctx, id, None, e).await,
    }
}

#[derive(Deserialize, Default, Clone)]
struct PayForm {
    #[serde(default)]
    household_id: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    receipt_no: String,
    #[serde(default)]
    paid_on: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "elevator_shares.html")]
struct SharesPage {
    t: T,
    c: Chrome,
    s: ShareTableView,
    f: PayForm,
    errors: FormErrors,
    /// The payments, for those who may void a wrong one.
    payments: Vec<PaymentView>,
    /// What a batch of reminders reached, right after sending it.
    reminded: Option<ReminderBatch>,
}

async fn shares(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> PageResult {
    let s = match state.store.elevator_shares(ctx.actor()?, id).await {
        Ok(s) => s,
        Err(e @ ServiceError::Invalid(_)) => {
            return reshow_project(&state, &ctx, id, None, e).await;
        }
        Err(e) => return Err(e.into()),
    };
    let (t, c) = chrome(&ctx);
    let f = PayForm {
        method: "cash".into(),
        ..Default::default()
    };
    let payments = payments_to_void(&state, &ctx, &s).await?;
    Ok(SharesPage {
        t,
        c,
        s,
        f,
        errors: FormErrors::default(),
        payments,
        reminded: None,
    }
    .into_response())
}

/// Queues reminders for the owners of the households that still owe, then shows the table
/// with how many went out (and how many need a paper slip).
async fn remind(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(_): CsrfForm<VersionForm>,
) -> PageResult {
    let actor = ctx.actor()?;
    let (reminded, errors) = match state.store.remind_elevator_owing(actor, id).await {
        Ok(b) => (Some(b), FormErrors::default()),
        Err(e @ ServiceError::Invalid(_)) => (None, FormErrors::new(&e, ctx.lang)),
        Err(e) => return Err(e.into()),
    };
    let s = state.store.elevator_shares(actor, id).await?;
    let payments = payments_to_void(&state, &ctx, &s).await?;
    let (t, c) = chrome(&ctx);
    let f = PayForm {
        method: "cash".into(),
        ..Default::default()
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((
        status,
        SharesPage {
            t,
            c,
            s,
            f,
            errors,
            payments,
            reminded,
        },
    )
        .into_response())
}

/// The payments shown with a "void" form: for those who manage the project.
async fn payments_to_void(
    state: &AppState,
    ctx: &Ctx,
    s: &ShareTableView,
) -> Result<Vec<PaymentView>, crate::error::WebError> {
    if !s.can_manage || !s.fixed {
        return Ok(Vec::new());
    }
    Ok(state
        .store
        .elevator_payments(ctx.actor()?, s.project_id)
        .await?)
}

#[derive(Deserialize, Default)]
struct VersionForm {
    #[serde(default)]
    version: String,
}

async fn fix(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<VersionForm>,
) -> PageResult {
    let input = FixSharesInput {
        version: f.version.trim().parse().unwrap_or(0),
    };
    match state
        .store
        .fix_elevator_shares(ctx.actor()?, id, &input)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/elevators/{id}/shares")).into_response()),
        Err(e) => reshow_project(&state, &ctx, id, None, e).await,
    }
}

async fn release(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<VersionForm>,
) -> PageResult {
    let input = FixSharesInput {
        version: f.version.trim().parse().unwrap_or(0),
    };
    match state
        .store
        .release_elevator_shares(ctx.actor()?, id, &input)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/elevators/{id}#plan")).into_response()),
        Err(e) => reshow_project(&state, &ctx, id, None, e).await,
    }
}

async fn pay(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<PayForm>,
) -> PageResult {
    let actor = ctx.actor()?;
    let result = async {
        let input = PaymentInput {
            household_id: parse_id("household_id", &f.household_id)?,
            amount: f.amount.clone(),
            method: f.method.clone(),
            receipt_no: f.receipt_no.clone(),
            paid_on: f.paid_on.clone(),
        };
        state.store.record_elevator_payment(actor, id, &input).await
    }
    .await;
    match result {
        Ok(_) => Ok(crate::flash::redirect(
            &format!("/elevators/{id}/shares#payments"),
            "fl_payment_saved",
        )),
        Err(e @ ServiceError::Invalid(_)) => {
            let s = state.store.elevator_shares(actor, id).await?;
            let payments = payments_to_void(&state, &ctx, &s).await?;
            let (t, c) = chrome(&ctx);
            let page = SharesPage {
                t,
                c,
                s,
                f,
                errors: FormErrors::new(&e, ctx.lang),
                payments,
                reminded: None,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
struct VoidForm {
    #[serde(default)]
    reason: String,
}

/// Voids a wrong payment with a correction entry; the page asks for confirmation first.
async fn void_payment(
    state: State,
    ctx: Ctx,
    Ids((id, payment)): Ids<(i64, i64)>,
    CsrfForm(f): CsrfForm<VoidForm>,
) -> PageResult {
    state
        .store
        .void_elevator_payment(ctx.actor()?, id, payment, &VoidInput { reason: f.reason })
        .await?;
    Ok(Redirect::to(&format!("/elevators/{id}/shares#void")).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "elevator_bills.html")]
struct BillsPage {
    t: T,
    c: Chrome,
    /// Where "back" leads, and its words.
    back: String,
    back_label: &'static str,
    bills: Vec<BillView>,
    /// Printed as reminders to the households that still owe.
    reminders: bool,
    /// The start of the bill's printed link (`AppState::base_url`).
    base: String,
}

impl BillsPage {
    /// The address printed on a bill, where the household sees it (and what it paid) online.
    fn link(&self, b: &BillView) -> String {
        format!(
            "{}/elevators/{}/bills/{}",
            self.base, b.project_id, b.line.household_id
        )
    }

    fn qr(&self, b: &BillView) -> String {
        super::qr_svg(&self.link(b), 96)
    }
}

#[derive(Deserialize, Default)]
struct BillsQuery {
    /// `1`: only the households that still owe — the reminders (催缴通知).
    #[serde(default)]
    owing: String,
}

async fn bills(
    state: State,
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    Ids(id): Ids<i64>,
    Q(q): Q<BillsQuery>,
) -> PageResult {
    let mut bills = state.store.elevator_bills(ctx.actor()?, id, None).await?;
    let reminders = q.owing == "1";
    if reminders {
        bills.retain(|b| b.line.outstanding > 0);
    }
    let (t, c) = chrome(&ctx);
    let back_label = t.s("ev_share_table");
    Ok(BillsPage {
        t,
        c,
        back: format!("/elevators/{id}/shares"),
        back_label,
        bills,
        reminders,
        base: state.base_url(&headers),
    }
    .into_response())
}

/// Every bill (or reminder) of every project of a compound, for printing them at once.
async fn compound_bills(
    state: State,
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    Ids(id): Ids<i64>,
    Q(q): Q<BillsQuery>,
) -> PageResult {
    let reminders = q.owing == "1";
    let bills = state
        .store
        .compound_elevator_bills(ctx.actor()?, id, reminders)
        .await?;
    let (t, c) = chrome(&ctx);
    let back_label = t.s("ev_board");
    Ok(BillsPage {
        t,
        c,
        back: format!("/compounds/{id}/elevators"),
        back_label,
        bills,
        reminders,
        base: state.base_url(&headers),
    }
    .into_response())
}

async fn bill(
    state: State,
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    Ids((id, hid)): Ids<(i64, i64)>,
) -> PageResult {
    let b = state.store.elevator_bill(ctx.actor()?, id, hid).await?;
    let (t, c) = chrome(&ctx);
    let back_label = t.s("ev_share_table");
    Ok(BillsPage {
        t,
        c,
        back: format!("/elevators/{id}/shares"),
        back_label,
        bills: vec![b],
        reminders: false,
        base: state.base_url(&headers),
    }
    .into_response())
}
