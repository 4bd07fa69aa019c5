//! The fund pages: a compound's accounts with their balances and posted statements (what a
//! resident opens on the phone), an account's ledger with the record and correct forms, a
//! maintenance fund's households and its top-up warning, and a statement for any period —
//! printable for the notice board and downloadable as `.xlsx`.

use super::{Chrome, PageResult, chrome, pager_base};
use crate::ctx::Ctx;
use crate::form::{CsrfForm, CsrfMultipart, Ids, Q};
use crate::form_errors::FormErrors;
use crate::i18n::T;
use crate::i18n_funds::Label;
use crate::{AppState, State};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use linli_domain::funds::{EmergencyKind, ExpensePurpose, IncomeSource};
use linli_domain::{Invalid, PageRequest};
use linli_store::ServiceError;
use linli_store::files::MAX_FILE_BYTES;
use linli_store::funds::*;
use serde::Deserialize;
use std::sync::Arc;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/compounds/{id}/funds", get(accounts).post(create))
        .route("/funds/{id}", get(account))
        .route(
            "/funds/{id}/entries",
            post(record).layer(DefaultBodyLimit::max(MAX_FILE_BYTES + 64 * 1024)),
        )
        .route("/funds/{id}/entries/{entry}/correct", post(correct))
        .route("/funds/{id}/statement", get(statement))
        .route("/funds/{id}/statements", post(post_statement))
        .route("/fund-statements/{id}", get(posted))
}

fn optional_id(field: &'static str, s: &str) -> Result<Option<i64>, ServiceError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse()
        .map(Some)
        .map_err(|_| ServiceError::invalid(field, Invalid::NotANumber))
}

#[derive(Template, WebTemplate)]
#[template(path = "fund_accounts.html")]
struct AccountsPage {
    t: T,
    c: Chrome,
    v: AccountsView,
    f: AccountForm,
    errors: FormErrors,
}

#[derive(Deserialize, Default, Clone)]
struct AccountForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    project_id: String,
    #[serde(default)]
    building_id: String,
    #[serde(default)]
    initial_deposit: String,
    #[serde(default)]
    top_up_percent: String,
}

async fn accounts(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> PageResult {
    let v = state.store.fund_accounts(ctx.actor()?, id).await?;
    let (t, c) = chrome(&ctx);
    let f = AccountForm {
        kind: "maintenance".into(),
        top_up_percent: "30".into(),
        ..Default::default()
    };
    Ok(AccountsPage {
        t,
        c,
        v,
        f,
        errors: FormErrors::default(),
    }
    .into_response())
}

async fn create(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<AccountForm>,
) -> PageResult {
    let actor = ctx.actor()?;
    let result = async {
        let input = AccountInput {
            kind: f.kind.clone(),
            name: f.name.clone(),
            project_id: optional_id("project_id", &f.project_id)?,
            building_id: optional_id("building_id", &f.building_id)?,
            initial_deposit: f.initial_deposit.clone(),
            top_up_percent: f.top_up_percent.clone(),
        };
        state.store.create_fund_account(actor, id, &input).await
    }
    .await;
    match result {
        Ok(a) => Ok(Redirect::to(&format!("/funds/{}", a.id)).into_response()),
        Err(e @ ServiceError::Invalid(_)) => {
            let v = state.store.fund_accounts(actor, id).await?;
            let (t, c) = chrome(&ctx);
            let page = AccountsPage {
                t,
                c,
                v,
                f,
                errors: FormErrors::new(&e, ctx.lang),
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// The record form as typed, so a refused form comes back as it was.
#[derive(Deserialize, Default, Clone)]
struct EntryForm {
    direction: String,
    category: String,
    amount: String,
    occurred_on: String,
    note: String,
    household_id: String,
    proposal_id: String,
    emergency: String,
    top_up: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "fund_account.html")]
struct AccountPage {
    t: T,
    c: Chrome,
    v: AccountView,
    f: EntryForm,
    base: String,
    sources: Vec<(&'static str, &'static str)>,
    purposes: Vec<(&'static str, &'static str)>,
    emergencies: Vec<(&'static str, &'static str)>,
    /// The compound's proposals, for the decision approving an entry (managers only).
    proposals: Vec<(i64, String)>,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
struct LedgerQuery {
    page: Option<u64>,
    /// `xlsx` or `csv`: every entry as a download.
    format: Option<String>,
}

fn account_page(ctx: &Ctx, v: AccountView, f: Option<EntryForm>) -> AccountPage {
    let (t, c) = chrome(ctx);
    let lang = ctx.lang;
    let base = pager_base(&format!("/funds/{}", v.account.id), &[]);
    let f = f.unwrap_or_else(|| EntryForm {
        direction: "income".into(),
        occurred_on: v.first_open_day.clone(),
        ..Default::default()
    });
    AccountPage {
        t,
        c,
        v,
        f,
        base,
        sources: IncomeSource::ALL
            .iter()
            .map(|s| (s.as_str(), s.label(lang)))
            .collect(),
        purposes: ExpensePurpose::ALL
            .iter()
            .map(|p| (p.as_str(), p.label(lang)))
            .collect(),
        emergencies: EmergencyKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label(lang)))
            .collect(),
        proposals: Vec::new(),
        errors: FormErrors::default(),
    }
}

/// The proposals the entry form offers, for those who may record entries.
async fn entry_proposals(
    state: &AppState,
    ctx: &Ctx,
    v: &AccountView,
) -> Result<Vec<(i64, String)>, crate::error::WebError> {
    if v.can_manage {
        super::proposals::choices(state, ctx, v.account.compound_id).await
    } else {
        Ok(Vec::new())
    }
}

async fn account(state: State, ctx: Ctx, Ids(id): Ids<i64>, Q(q): Q<LedgerQuery>) -> PageResult {
    let actor = ctx.actor()?;
    if let Some(format) = q.format.as_deref() {
        let all = super::all_pages(|p| state.store.fund_ledger(actor, id, p)).await?;
        let t = T::new(ctx.lang, false);
        let headers = [
            t.s("fd_date"),
            t.s("fd_direction"),
            t.s("fd_category"),
            t.s("fd_amount_yuan"),
            t.s("fd_household"),
            t.s("fd_note"),
            t.s("fd_emergency"),
            t.s("fd_corrects"),
            t.s("fd_recorded_by"),
        ];
        let rows: Vec<Vec<String>> = all
            .into_iter()
            .map(|e| {
                let category = e.label(t.lang).to_string();
                vec![
                    e.occurred_on,
                    t.s(if e.direction == linli_domain::funds::Direction::Income {
                        "fd_income"
                    } else {
                        "fd_expense"
                    })
                    .to_string(),
                    category,
                    e.amount_yuan,
                    e.household_label,
                    e.note,
                    e.emergency
                        .map(|k| k.label(t.lang))
                        .unwrap_or("")
                        .to_string(),
                    e.corrects_entry_id
                        .map(|x| format!("#{x}"))
                        .unwrap_or_default(),
                    e.recorded_by_name,
                ]
            })
            .collect();
        return super::sheet_download(&ctx, format, t.s("fd_entries"), &headers, &rows);
    }
    let v = state
        .store
        .fund_account(actor, id, PageRequest::new(q.page, None))
        .await?;
    let proposals = entry_proposals(&state, &ctx, &v).await?;
    let mut page = account_page(&ctx, v, None);
    page.proposals = proposals;
    Ok(page.into_response())
}

async fn reshow_account(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    f: Option<EntryForm>,
    err: ServiceError,
) -> PageResult {
    if !FormErrors::reshows(&err) {
        return Err(err.into());
    }
    let v = state
        .store
        .fund_account(ctx.actor()?, id, PageRequest::default())
        .await?;
    let proposals = entry_proposals(state, ctx, &v).await?;
    let mut page = account_page(ctx, v, f);
    page.proposals = proposals;
    page.errors = FormErrors::new(&err, ctx.lang);
    Ok((FormErrors::status(&err), page).into_response())
}

async fn record(state: State, ctx: Ctx, Ids(id): Ids<i64>, form: CsrfMultipart) -> PageResult {
    let actor = ctx.actor()?;
    let f = EntryForm {
        direction: form.text("direction"),
        category: form.text(if form.text("direction") == "expense" {
            "purpose"
        } else {
            "source"
        }),
        amount: form.text("amount"),
        occurred_on: form.text("occurred_on"),
        note: form.text("note"),
        household_id: form.text("household_id"),
        proposal_id: form.text("proposal_id"),
        emergency: form.text("emergency"),
        top_up: !form.text("top_up").is_empty(),
    };
    let result = async {
        let input = EntryInput {
            direction: f.direction.clone(),
            category: f.category.clone(),
            amount: f.amount.clone(),
            occurred_on: f.occurred_on.clone(),
            note: f.note.clone(),
            household_id: optional_id("household_id", &f.household_id)?,
            proposal_id: optional_id("proposal_id", &f.proposal_id)?,
            emergency: f.emergency.clone(),
            top_up: f.top_up,
            receipt_id: None,
        };
        let upload = form
            .file
            .clone()
            .map(|(file_name, bytes)| ReceiptUpload { file_name, bytes });
        state
            .store
            .record_fund_entry(actor, id, &input, upload)
            .await
    }
    .await;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/funds/{id}#entries")).into_response()),
        Err(e) => reshow_account(&state, &ctx, id, Some(f), e).await,
    }
}

#[derive(Deserialize, Default)]
struct CorrectForm {
    #[serde(default)]
    reason: String,
}

/// Corrects an entry with a reversing one; the page asks for confirmation first.
async fn correct(
    state: State,
    ctx: Ctx,
    Ids((id, entry)): Ids<(i64, i64)>,
    CsrfForm(f): CsrfForm<CorrectForm>,
) -> PageResult {
    match state
        .store
        .correct_fund_entry(ctx.actor()?, id, entry, &CorrectInput { reason: f.reason })
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/funds/{id}#entries")).into_response()),
        Err(e) => reshow_account(&state, &ctx, id, None, e).await,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "fund_statement.html")]
struct StatementPage {
    t: T,
    c: Chrome,
    s: StatementView,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
struct StatementQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    format: Option<String>,
}

/// A statement as a sheet: the figures in yuan, one line each.
fn statement_sheet(ctx: &Ctx, s: &StatementView, format: &str) -> PageResult {
    let t = T::new(ctx.lang, false);
    let mut rows: Vec<Vec<String>> = vec![vec![
        t.s("fd_opening").into(),
        String::new(),
        s.opening_yuan.clone(),
    ]];
    rows.extend(s.income.iter().map(|l| {
        vec![
            t.s("fd_income").into(),
            l.label(t.lang).into(),
            l.amount_yuan.clone(),
        ]
    }));
    rows.push(vec![
        t.s("fd_income_total").into(),
        String::new(),
        s.income_total_yuan.clone(),
    ]);
    rows.extend(s.expenses.iter().map(|l| {
        vec![
            t.s("fd_expense").into(),
            l.label(t.lang).into(),
            l.amount_yuan.clone(),
        ]
    }));
    rows.push(vec![
        t.s("fd_expense_total").into(),
        String::new(),
        s.expense_total_yuan.clone(),
    ]);
    rows.push(vec![
        t.s("fd_closing").into(),
        String::new(),
        s.closing_yuan.clone(),
    ]);
    rows.extend(s.emergencies.iter().map(|e| {
        vec![
            t.s("fd_emergency").into(),
            format!("{} {} {}", e.occurred_on, e.label(t.lang), e.note),
            e.amount_yuan.clone(),
        ]
    }));
    let name = format!("{} {}", s.account_name, s.period_label);
    super::sheet_download(
        ctx,
        format,
        &name,
        &[t.s("fd_section"), t.s("fd_item"), t.s("fd_amount_yuan")],
        &rows,
    )
}

async fn statement(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Q(q): Q<StatementQuery>,
) -> PageResult {
    let period = PeriodInput {
        from: q.from,
        to: q.to,
    };
    let s = match state.store.fund_statement(ctx.actor()?, id, &period).await {
        Ok(s) => s,
        // A bad period typed in the picker: the last quarter, with the error shown.
        Err(e @ ServiceError::Invalid(_)) => {
            let s = state
                .store
                .fund_statement(ctx.actor()?, id, &PeriodInput::default())
                .await?;
            let (t, c) = chrome(&ctx);
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                StatementPage {
                    t,
                    c,
                    s,
                    errors: FormErrors::new(&e, ctx.lang),
                },
            )
                .into_response());
        }
        Err(e) => return Err(e.into()),
    };
    if let Some(format) = q.format.as_deref() {
        return statement_sheet(&ctx, &s, format);
    }
    let (t, c) = chrome(&ctx);
    Ok(StatementPage {
        t,
        c,
        s,
        errors: FormErrors::default(),
    }
    .into_response())
}

#[derive(Deserialize, Default)]
struct PostForm {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

async fn post_statement(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<PostForm>,
) -> PageResult {
    let actor = ctx.actor()?;
    let period = PeriodInput {
        from: f.from,
        to: f.to,
    };
    match state.store.post_fund_statement(actor, id, &period).await {
        Ok(s) => Ok(Redirect::to(&format!(
            "/fund-statements/{}",
            s.posted.map(|p| p.id).unwrap_or(0)
        ))
        .into_response()),
        Err(e @ ServiceError::Invalid(_)) => {
            let s = state.store.fund_statement(actor, id, &period).await?;
            let (t, c) = chrome(&ctx);
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                StatementPage {
                    t,
                    c,
                    s,
                    errors: FormErrors::new(&e, ctx.lang),
                },
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
struct FormatQuery {
    format: Option<String>,
}

async fn posted(state: State, ctx: Ctx, Ids(id): Ids<i64>, Q(q): Q<FormatQuery>) -> PageResult {
    let s = state.store.posted_fund_statement(ctx.actor()?, id).await?;
    if let Some(format) = q.format.as_deref() {
        return statement_sheet(&ctx, &s, format);
    }
    let (t, c) = chrome(&ctx);
    Ok(StatementPage {
        t,
        c,
        s,
        errors: FormErrors::default(),
    }
    .into_response())
}
