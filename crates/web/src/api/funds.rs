//! Fund accounts, the ledger and statements as JSON: the same service calls as the fund
//! pages. Amounts go in as yuan strings ("1200.50") and come back in fen (signed: income
//! positive, expenses negative) with `*_yuan` strings. There is no call that edits or
//! deletes an entry or a posted statement: a correction is a new entry.

use super::ApiResult;
use super::labels::{Key, Labelled, Labels, Words, labels, worded};
use super::registry::{PageOf, page_of};
use crate::ctx::Ctx;
use crate::error::{ApiError, WebError};
use crate::form::{Allowed, ApiJson, Ids, Q, may};
use crate::i18n_funds::Label;
use crate::{AppState, State};
use axum::Json;
use axum::http::StatusCode;
use linli_domain::PageRequest;
use linli_store::funds::*;
use serde::Deserialize;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new()
        .routes(routes!(accounts, create_account))
        .routes(routes!(account))
        .routes(routes!(entries, record_entry))
        .routes(routes!(correct_entry))
        .routes(routes!(statement))
        .routes(routes!(post_statement))
        .routes(routes!(posted_statement))
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
pub struct LedgerParams {
    /// From 1.
    page: Option<u64>,
    /// Up to 200 (default 50).
    size: Option<u64>,
}

/// The accounts of a compound with balances and top-up warnings, and its posted statements.
#[utoipa::path(get, path = "/compounds/{id}/funds", tag = "funds", params(("id" = i64, Path)),
    responses((status = 200, body = AccountsView), (status = 403, body = ApiError)))]
async fn accounts(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> ApiResult<Labelled<AccountsView>> {
    Ok(worded(
        state.store.fund_accounts(ctx.actor()?, id).await?,
        ctx.lang,
    ))
}

/// Open an account: `{"kind": "compound"}`, `{"kind": "project", "project_id": 4}` or
/// `{"kind": "maintenance", "building_id": 3, "initial_deposit": "120000", "top_up_percent": "30"}`.
#[utoipa::path(post, path = "/compounds/{id}/funds", tag = "funds", params(("id" = i64, Path)), request_body = AccountInput,
    responses((status = 201, body = AccountSummary), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
async fn create_account(
    state: State,
    ctx: Ctx,
    _: Allowed<may::ManageFund>,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<AccountInput>,
) -> Result<(StatusCode, Json<Labelled<AccountSummary>>), WebError> {
    Ok((
        StatusCode::CREATED,
        worded(
            state
                .store
                .create_fund_account(ctx.actor()?, id, &input)
                .await?,
            ctx.lang,
        ),
    ))
}

/// An account: its balance, a page of entries, the monthly balance history, and for a
/// maintenance fund every household's deposits, shares of spending and balance.
#[utoipa::path(get, path = "/funds/{id}", tag = "funds", params(("id" = i64, Path), LedgerParams),
    responses((status = 200, body = AccountView), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
async fn account(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Q(p): Q<LedgerParams>,
) -> ApiResult<Labelled<AccountView>> {
    Ok(worded(
        state
            .store
            .fund_account(ctx.actor()?, id, PageRequest::new(p.page, p.size))
            .await?,
        ctx.lang,
    ))
}

/// The entries of an account, newest first.
#[utoipa::path(get, path = "/funds/{id}/entries", tag = "funds", params(("id" = i64, Path), LedgerParams),
    responses((status = 200, body = PageOf<EntryView>), (status = 403, body = ApiError)))]
async fn entries(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Q(p): Q<LedgerParams>,
) -> ApiResult<Labelled<PageOf<EntryView>>> {
    Ok(worded(
        page_of(
            state
                .store
                .fund_ledger(ctx.actor()?, id, PageRequest::new(p.page, p.size))
                .await?,
        ),
        ctx.lang,
    ))
}

/// Record an income or an expense. An expense needs `receipt_id` (a photo uploaded first
/// with `POST /compounds/{id}/files?purpose=attachment`). Spending the maintenance fund needs
/// a passed `use_fund` proposal (`proposal_id`) or an `emergency` kind; raising it
/// (`top_up`) a passed `raise_fund` one. Refused on or before the last posted day.
#[utoipa::path(post, path = "/funds/{id}/entries", tag = "funds", params(("id" = i64, Path)), request_body = EntryInput,
    responses((status = 201, body = EntryView), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
async fn record_entry(
    state: State,
    ctx: Ctx,
    _: Allowed<may::ManageFund>,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<EntryInput>,
) -> Result<(StatusCode, Json<Labelled<EntryView>>), WebError> {
    Ok((
        StatusCode::CREATED,
        worded(
            state
                .store
                .record_fund_entry(ctx.actor()?, id, &input, None)
                .await?,
            ctx.lang,
        ),
    ))
}

/// Correct an entry: a reversing entry (the opposite amount, same category) is added on the
/// first open day, with `reason`. Once per entry; the entry itself never changes.
#[utoipa::path(post, path = "/funds/{id}/entries/{entry}/correct", tag = "funds", params(("id" = i64, Path), ("entry" = i64, Path)), request_body = CorrectInput,
    responses((status = 201, body = EntryView), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
async fn correct_entry(
    state: State,
    ctx: Ctx,
    _: Allowed<may::ManageFund>,
    Ids((id, entry)): Ids<(i64, i64)>,
    ApiJson(input): ApiJson<CorrectInput>,
) -> Result<(StatusCode, Json<Labelled<EntryView>>), WebError> {
    Ok((
        StatusCode::CREATED,
        worded(
            state
                .store
                .correct_fund_entry(ctx.actor()?, id, entry, &input)
                .await?,
            ctx.lang,
        ),
    ))
}

/// The statement of a period (`from`, `to`; blank for the last quarter that ended):
/// opening balance, income by source, expenses by purpose, closing balance, emergencies.
#[utoipa::path(get, path = "/funds/{id}/statement", tag = "funds", params(("id" = i64, Path), PeriodInput),
    responses((status = 200, body = StatementView), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
async fn statement(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Q(p): Q<PeriodInput>,
) -> ApiResult<Labelled<StatementView>> {
    Ok(worded(
        state.store.fund_statement(ctx.actor()?, id, &p).await?,
        ctx.lang,
    ))
}

/// Post (公示) the statement of a period: frozen as it is now, never edited; later
/// corrections go into a later statement. Once per period.
#[utoipa::path(post, path = "/funds/{id}/statements", tag = "funds", params(("id" = i64, Path)), request_body = PeriodInput,
    responses((status = 201, body = StatementView), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
async fn post_statement(
    state: State,
    ctx: Ctx,
    _: Allowed<may::ManageFund>,
    Ids(id): Ids<i64>,
    ApiJson(input): ApiJson<PeriodInput>,
) -> Result<(StatusCode, Json<Labelled<StatementView>>), WebError> {
    Ok((
        StatusCode::CREATED,
        worded(
            state
                .store
                .post_fund_statement(ctx.actor()?, id, &input)
                .await?,
            ctx.lang,
        ),
    ))
}

/// A posted statement, as frozen: for anyone of the compound, residents included.
#[utoipa::path(get, path = "/fund-statements/{id}", tag = "funds", params(("id" = i64, Path)),
    responses((status = 200, body = StatementView), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
async fn posted_statement(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
) -> ApiResult<Labelled<StatementView>> {
    Ok(worded(
        state.store.posted_fund_statement(ctx.actor()?, id).await?,
        ctx.lang,
    ))
}

// The words the API sends beside the facts of the fund views.

labels!(AccountsView, |v, lang| {}, nested: [accounts]);

labels!(AccountSummary, |v, lang| {
    "kind_label" => v.kind.label(lang),
});

labels!(AccountView, |v, lang| {}, nested: [account, entries, unpublished_emergencies]);

labels!(EntryView, |v, lang| {
    "category_label" => Label::label(v, lang),
    "emergency_label" => v.emergency.map_or("", |k| k.label(lang)),
});

impl Labels for StatementView {
    const KEYS: &'static [Key] = &[Key::Text("account_kind_label")];
    fn words(&self, w: &mut Words<'_>) {
        w.put("account_kind_label", self.account_kind.label(w.lang));
        w.nested("income", &self.income);
        w.nested("expenses", &self.expenses);
        w.nested("emergencies", &self.emergencies);
    }
}

labels!(StatementLine, |v, lang| {
    "label" => Label::label(v, lang),
});

labels!(EmergencyLine, |v, lang| {
    "kind_label" => Label::label(v, lang),
});

/// Adds the words of the fund views to their schemas.
pub fn describe(doc: &mut utoipa::openapi::OpenApi) {
    use super::labels::describe as d;
    d::<AccountSummary>(doc);
    d::<EntryView>(doc);
    d::<StatementView>(doc);
    d::<StatementLine>(doc);
    d::<EmergencyLine>(doc);
}
