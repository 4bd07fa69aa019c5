//! The running costs of an elevator in operation (entering a month's cost, how it is shared,
//! the unit's monthly statement for the stairwell and each household's slip) and the elevator
//! dashboard of a community or a compound, with its charts drawn on the server.

use super::{Chrome, PageResult, chrome};
use crate::charts::{Chart, Unit};
use crate::ctx::Ctx;
use crate::form::{CsrfForm, Ids, Q};
use crate::form_errors::FormErrors;
use crate::i18n::T;
use crate::{AppState, State};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use linli_domain::Invalid;
use linli_store::ServiceError;
use linli_store::elevators::*;
use serde::Deserialize;
use std::sync::Arc;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/elevators/{id}/operation", get(operation_page))
        .route("/elevators/{id}/operation/split", post(set_split))
        .route("/elevators/{id}/operation/costs", post(enter_cost))
        .route("/elevators/{id}/operation/{month}", get(statement))
        .route("/elevators/{id}/operation/{month}/slips", get(slips))
        .route(
            "/elevators/{id}/operation/{month}/households/{hid}",
            get(slip),
        )
        .route(
            "/communities/{id}/elevators/dashboard",
            get(community_dashboard),
        )
        .route(
            "/compounds/{id}/elevators/dashboard",
            get(compound_dashboard),
        )
}

/// The cost form as typed, so a refused or to-be-confirmed form comes back as it was.
#[derive(Deserialize, Default, Clone)]
struct CostForm {
    #[serde(default)]
    month: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    note: String,
    /// "1" when the person confirmed replacing an entered cost.
    #[serde(default)]
    replace: String,
}

#[derive(Deserialize, Default, Clone)]
struct SplitForm {
    #[serde(default)]
    split: String,
    #[serde(default)]
    note: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "elevator_operation.html")]
struct OperationPage {
    t: T,
    c: Chrome,
    op: OperationView,
    unit_name: String,
    f: CostForm,
    s: SplitForm,
    errors: FormErrors,
    /// The same month and kind is entered: ask before replacing it (the amount entered).
    confirm_replace: Option<String>,
    months_base: String,
}

#[derive(Deserialize, Default)]
struct PageQuery {
    #[serde(default)]
    page: Option<u64>,
    #[serde(default)]
    format: String,
}

async fn operation_view(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    page: u64,
) -> Result<(OperationView, String), crate::error::WebError> {
    let actor = ctx.actor()?;
    let op = state.store.elevator_operation(actor, id, page).await?;
    let p = state.store.elevator_project(actor, id).await?;
    Ok((op, format!("{} {}", p.compound_name, p.unit_name)))
}

fn page_of(
    ctx: &Ctx,
    op: OperationView,
    unit_name: String,
    f: CostForm,
    s: SplitForm,
) -> OperationPage {
    let (t, c) = chrome(ctx);
    let months_base = format!("/elevators/{}/operation?", op.project_id);
    OperationPage {
        t,
        c,
        op,
        unit_name,
        f,
        s,
        errors: FormErrors::default(),
        confirm_replace: None,
        months_base,
    }
}

async fn operation_page(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Q(q): Q<PageQuery>,
) -> PageResult {
    let (op, unit_name) = operation_view(&state, &ctx, id, q.page.unwrap_or(1)).await?;
    let f = CostForm {
        month: op.current_month.clone(),
        kind: "maintenance".into(),
        ..Default::default()
    };
    let s = SplitForm {
        split: op.split.to_string(),
        note: op.split_note.clone(),
    };
    Ok(page_of(&ctx, op, unit_name, f, s).into_response())
}

/// Re-shows the operation page with the forms as typed and every error marked.
async fn reshow(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    f: Option<CostForm>,
    s: Option<SplitForm>,
    err: ServiceError,
) -> PageResult {
    if !FormErrors::reshows(&err) {
        return Err(err.into());
    }
    let (op, unit_name) = operation_view(state, ctx, id, 1).await?;
    let exists = matches!(&err, ServiceError::Invalid(errs)
        if errs.iter().any(|e| matches!(e.error, Invalid::CostExists { .. })));
    let f = f.unwrap_or_else(|| CostForm {
        month: op.current_month.clone(),
        kind: "maintenance".into(),
        ..Default::default()
    });
    let s = s.unwrap_or_else(|| SplitForm {
        split: op.split.to_string(),
        note: op.split_note.clone(),
    });
    let entered = exists
        .then(|| {
            op.months
                .iter()
                .filter(|m| m.month == f.month.trim())
                .flat_map(|m| m.costs.iter())
                .find(|c| c.kind.as_str() == f.kind.trim())
                .map(|c| c.amount_yuan.clone())
        })
        .flatten();
    let mut page = page_of(ctx, op, unit_name, f, s);
    page.errors = FormErrors::new(&err, ctx.lang);
    page.confirm_replace = exists.then(|| entered.unwrap_or_default());
    Ok((FormErrors::status(&err), page).into_response())
}

async fn set_split(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(s): CsrfForm<SplitForm>,
) -> PageResult {
    let input = SplitInput {
        split: s.split.clone(),
        note: s.note.clone(),
    };
    match state
        .store
        .set_elevator_operation_split(ctx.actor()?, id, &input)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/elevators/{id}/operation")).into_response()),
        Err(e) => reshow(&state, &ctx, id, None, Some(s), e).await,
    }
}

async fn enter_cost(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<CostForm>,
) -> PageResult {
    let input = CostInput {
        month: f.month.clone(),
        kind: f.kind.clone(),
        amount: f.amount.clone(),
        note: f.note.clone(),
        replace: f.replace == "1",
    };
    match state
        .store
        .enter_elevator_operation_cost(ctx.actor()?, id, &input)
        .await
    {
        Ok(c) => {
            Ok(Redirect::to(&format!("/elevators/{id}/operation/{}", c.month)).into_response())
        }
        Err(e) => reshow(&state, &ctx, id, Some(f), None, e).await,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "elevator_statement.html")]
struct StatementPage {
    t: T,
    c: Chrome,
    s: UnitStatementView,
}

async fn statement(
    state: State,
    ctx: Ctx,
    Ids((id, month)): Ids<(i64, String)>,
    Q(q): Q<PageQuery>,
) -> PageResult {
    let s = state
        .store
        .elevator_unit_statement(ctx.actor()?, id, &month)
        .await?;
    let (t, c) = chrome(&ctx);
    if !q.format.is_empty() {
        let mut headers: Vec<&str> = vec![t.s("room"), t.s("floor"), t.s("owners")];
        let labels: Vec<String> = s
            .columns
            .iter()
            .map(|c| format!("{}（{}）", c.kind.label(t.lang), c.split.label(t.lang)))
            .collect();
        headers.extend(labels.iter().map(String::as_str));
        headers.push(t.s("eo_total"));
        let mut rows: Vec<Vec<String>> = s
            .rows
            .iter()
            .map(|r| {
                [
                    vec![r.room.clone(), r.floor.to_string(), r.owners.clone()],
                    r.parts_yuan.clone(),
                    vec![r.total_yuan.clone()],
                ]
                .concat()
            })
            .collect();
        rows.push(
            [
                vec![t.s("eo_total").to_string(), String::new(), String::new()],
                s.sums_yuan.clone(),
                vec![s.total_yuan.clone()],
            ]
            .concat(),
        );
        let name = format!("{} {}", s.unit_name, s.month);
        return super::sheet_download(&ctx, &q.format, &name, &headers, &rows);
    }
    Ok(StatementPage { t, c, s }.into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "elevator_slips.html")]
struct SlipsPage {
    t: T,
    c: Chrome,
    project_id: i64,
    month: String,
    slips: Vec<HouseholdStatementView>,
}

async fn slips(state: State, ctx: Ctx, Ids((id, month)): Ids<(i64, String)>) -> PageResult {
    let s = state
        .store
        .elevator_unit_statement(ctx.actor()?, id, &month)
        .await?;
    let month = s.month.clone();
    let slips = s.slips();
    let (t, c) = chrome(&ctx);
    Ok(SlipsPage {
        t,
        c,
        project_id: id,
        month,
        slips,
    }
    .into_response())
}

async fn slip(
    state: State,
    ctx: Ctx,
    Ids((id, month, hid)): Ids<(i64, String, i64)>,
) -> PageResult {
    let s = state
        .store
        .elevator_household_statement(ctx.actor()?, id, &month, hid)
        .await?;
    let (t, c) = chrome(&ctx);
    Ok(SlipsPage {
        t,
        c,
        project_id: id,
        month: s.month.clone(),
        slips: vec![s],
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "elevator_dashboard.html")]
struct DashboardPage {
    t: T,
    c: Chrome,
    d: DashboardView,
    stages_chart: String,
    money_chart: String,
    compounds_chart: String,
    running_chart: String,
}

/// The charts of a dashboard, each with its table; every category links to the list behind it.
fn dashboard_page(ctx: &Ctx, d: DashboardView) -> DashboardPage {
    let (t, c) = chrome(ctx);
    let mut stages = Chart::new(t.s("ed_by_stage"), t.s("ed_stage"), Unit::Count);
    for s in &d.stages {
        stages.category(s.stage.label(t.lang).to_string(), Some(s.link.clone()));
    }
    stages.series(
        t.s("ed_projects"),
        d.stages.iter().map(|s| s.projects as i64).collect(),
    );
    let mut money = Chart::new(t.s("ed_money"), t.s("ed_source"), Unit::Fen);
    money.category(t.s("ed_subsidy"), Some(d.board_link.clone()));
    money.category(t.s("ed_paid"), Some("#by-compound".into()));
    money.category(t.s("ed_outstanding"), Some("#owing".into()));
    money.series(
        t.s("ed_yuan"),
        vec![d.money.subsidy, d.money.paid, d.money.outstanding],
    );
    let mut compounds = Chart::new(t.s("ed_by_compound"), t.s("ed_compound"), Unit::Fen);
    for m in &d.by_compound {
        compounds.category(m.compound_name.clone(), Some(m.link.clone()));
    }
    compounds.series(
        t.s("ed_subsidy"),
        d.by_compound.iter().map(|m| m.money.subsidy).collect(),
    );
    compounds.series(
        t.s("ed_paid"),
        d.by_compound.iter().map(|m| m.money.paid).collect(),
    );
    compounds.series(
        t.s("ed_outstanding"),
        d.by_compound.iter().map(|m| m.money.outstanding).collect(),
    );
    let mut running = Chart::new(t.s("ed_running"), t.s("ed_month"), Unit::Fen);
    for m in &d.running_costs {
        running.category(m.month.clone(), None);
    }
    running.series(
        t.s("eo_running"),
        d.running_costs.iter().map(|m| m.amount).collect(),
    );
    DashboardPage {
        stages_chart: stages.bars(),
        money_chart: money.bars(),
        compounds_chart: if d.by_compound.is_empty() {
            String::new()
        } else {
            compounds.bars()
        },
        running_chart: running.lines(),
        t,
        c,
        d,
    }
}

async fn community_dashboard(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> PageResult {
    let d = state
        .store
        .community_elevator_dashboard(ctx.actor()?, id)
        .await?;
    Ok(dashboard_page(&ctx, d).into_response())
}

async fn compound_dashboard(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> PageResult {
    let d = state
        .store
        .compound_elevator_dashboard(ctx.actor()?, id)
        .await?;
    Ok(dashboard_page(&ctx, d).into_response())
}
