//! Statements (公示): any period of an account computed live from the ledger by one
//! `GROUP BY`, posted as a frozen snapshot that nobody edits, listed for residents, and the
//! monthly balance history.

use super::{LoadedAccount, can_read_ledger, lock_account, yuan};
use crate::accounts::Actor;
use crate::audit::Change;
use crate::entity::{fund_account, fund_entry, fund_statement};
use crate::error::{ServiceError, ServiceResult};
use crate::{Store, paths};
use linli_domain::authz::Action;
use linli_domain::funds::{
    AccountKind, Category, Day, Direction, EmergencyKind, Period, Statement,
};
use linli_domain::{Fen, FieldError, Invalid};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::{Deserialize, Serialize};

/// A period as typed: `{"from": "2024-04-01", "to": "2024-06-30"}`; blank for the last
/// quarter that has ended.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
pub struct PeriodInput {
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

/// A line of a statement.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StatementLine {
    /// Income or expense: with the code, which category the line is.
    pub direction: Direction,
    pub code: String,
    pub amount: i64,
    pub amount_yuan: String,
}

/// An emergency spending in the period: paid first, published here after.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EmergencyLine {
    pub entry_id: i64,
    pub occurred_on: String,
    pub kind: EmergencyKind,
    /// Spent, positive.
    pub amount: i64,
    #[serde(default)]
    pub amount_yuan: String,
    pub note: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PostedInfo {
    pub id: i64,
    pub posted_on: String,
    pub posted_by_name: String,
}

/// A quarter to pick.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PeriodChoice {
    pub label: String,
    pub from: String,
    pub to: String,
}

/// A statement as pages, prints, downloads and the API show it. Money in fen, `*_yuan` for display.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StatementView {
    pub account_id: i64,
    pub account_name: String,
    pub account_kind: AccountKind,
    pub compound_id: i64,
    pub compound_name: String,
    pub period_from: String,
    pub period_to: String,
    pub period_label: String,
    pub opening: i64,
    pub opening_yuan: String,
    pub income: Vec<StatementLine>,
    pub income_total: i64,
    pub income_total_yuan: String,
    pub expenses: Vec<StatementLine>,
    pub expense_total: i64,
    pub expense_total_yuan: String,
    pub closing: i64,
    pub closing_yuan: String,
    pub emergencies: Vec<EmergencyLine>,
    /// Set when this is a posted (frozen) statement.
    pub posted: Option<PostedInfo>,
    pub quarters: Vec<PeriodChoice>,
    /// The actor may post this (live) statement now.
    pub can_post: bool,
}

/// A posted statement in a list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PostedSummary {
    pub id: i64,
    pub account_id: i64,
    pub account_name: String,
    pub period_from: String,
    pub period_to: String,
    pub period_label: String,
    pub posted_on: String,
    pub closing_yuan: String,
}

/// A month of the balance history.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BalancePoint {
    /// "2024-05".
    pub month: String,
    pub income_yuan: String,
    pub expense_yuan: String,
    pub closing: i64,
    pub closing_yuan: String,
}

/// What a posted statement keeps: the figures and names as they were.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Body {
    account_name: String,
    compound_name: String,
    kind: AccountKind,
    statement: Statement,
    emergencies: Vec<EmergencyLine>,
}

/// The most months the history shows.
const HISTORY_MONTHS: usize = 24;

/// Monthly income, expense and closing balance of an account, oldest first (the last two years).
pub(crate) async fn balance_history<C: ConnectionTrait>(
    db: &C,
    city: i64,
    account_id: i64,
) -> ServiceResult<Vec<BalancePoint>> {
    let rows: Vec<(String, linli_domain::funds::Direction, i64)> = fund_entry::Entity::find()
        .select_only()
        .column_as(Expr::cust("substr(occurred_on, 1, 7)"), "month")
        .column(fund_entry::Column::Direction)
        .column_as(
            Expr::cust("CAST(COALESCE(SUM(amount), 0) AS BIGINT)"),
            "total",
        )
        .filter(fund_entry::Column::CityId.eq(city))
        .filter(fund_entry::Column::AccountId.eq(account_id))
        .group_by(Expr::cust("substr(occurred_on, 1, 7)"))
        .group_by(fund_entry::Column::Direction)
        .order_by_asc(Expr::cust("substr(occurred_on, 1, 7)"))
        .into_tuple()
        .all(db)
        .await?;
    let mut points: Vec<(String, i64, i64)> = Vec::new();
    for (month, direction, total) in rows {
        if points.last().is_none_or(|p| p.0 != month) {
            points.push((month, 0, 0));
        }
        if let Some(p) = points.last_mut() {
            if direction == linli_domain::funds::Direction::Income {
                p.1 += total
            } else {
                p.2 -= total
            }
        }
    }
    let mut balance = 0i64;
    let mut out: Vec<BalancePoint> = points
        .into_iter()
        .map(|(month, income, expense)| {
            balance += income - expense;
            BalancePoint {
                month,
                income_yuan: yuan(income),
                expense_yuan: yuan(expense),
                closing: balance,
                closing_yuan: yuan(balance),
            }
        })
        .collect();
    let skip = out.len().saturating_sub(HISTORY_MONTHS);
    out.drain(..skip);
    Ok(out)
}

/// The last quarter that has ended, and the four before it, newest first; and the current one.
fn quarter_choices(today: Day) -> Vec<PeriodChoice> {
    let t = today;
    let mut out = vec![Period::quarter_of(t)];
    let mut day = t;
    for _ in 0..4 {
        let q = Period::previous_quarter(day);
        out.push(q);
        day = q.from;
    }
    out.into_iter()
        .map(|p| PeriodChoice {
            label: p.label(),
            from: p.from.to_string(),
            to: p.to.to_string(),
        })
        .collect()
}

/// A period as typed; blank for the last quarter that has ended.
fn parse_period(input: &PeriodInput, today: Day) -> ServiceResult<Period> {
    if input.from.trim().is_empty() && input.to.trim().is_empty() {
        return Ok(Period::previous_quarter(today));
    }
    let mut errors = Vec::new();
    let from = Day::parse(&input.from)
        .map_err(|e| errors.push(FieldError::new("period_from", e)))
        .ok();
    let to = Day::parse(&input.to)
        .map_err(|e| errors.push(FieldError::new("period_to", e)))
        .ok();
    let (Some(from), Some(to)) = (from, to) else {
        return Err(ServiceError::Invalid(errors));
    };
    Period::new(from, to).map_err(|e| ServiceError::invalid("period_to", e))
}

/// The most emergency spendings an account lists.
const EMERGENCIES_MAX: u64 = 10_000;

/// An account's emergency spendings by day: by the index (account_id, emergency), then
/// sorted here (asking the database to sort or to filter by day makes it read every entry).
pub(crate) async fn emergencies<C: ConnectionTrait>(
    db: &C,
    city: i64,
    account_id: i64,
) -> ServiceResult<Vec<fund_entry::Model>> {
    let mut rows = fund_entry::Entity::find()
        .filter(fund_entry::Column::CityId.eq(city))
        .filter(fund_entry::Column::AccountId.eq(account_id))
        .filter(fund_entry::Column::Emergency.is_not_null())
        .limit(EMERGENCIES_MAX)
        .all(db)
        .await?;
    rows.sort_by(|a, b| a.occurred_on.cmp(&b.occurred_on).then(a.id.cmp(&b.id)));
    Ok(rows)
}

/// The statement of a period from the ledger: the balance before it and one `GROUP BY`.
async fn compute<C: ConnectionTrait>(
    db: &C,
    city: i64,
    account_id: i64,
    period: Period,
) -> ServiceResult<(Statement, Vec<EmergencyLine>)> {
    // One pass up to the period's end: per category, what came before it (the opening
    // balance) and what fell in it. Grouped in the order of the index (account_id,
    // direction, category, occurred_on, amount), so nothing is sorted.
    let (from, to) = (period.from.to_string(), period.to.to_string());
    let sums: Vec<(Direction, String, i64, i64)> = fund_entry::Entity::find()
        .select_only()
        .column(fund_entry::Column::Direction)
        .column(fund_entry::Column::Category)
        // `from` is a `Day`, digits and dashes only: written into the SQL as a literal.
        .column_as(Expr::cust(format!("CAST(COALESCE(SUM(CASE WHEN occurred_on < '{from}' THEN amount ELSE 0 END), 0) AS BIGINT)")), "before")
        .column_as(Expr::cust(format!("CAST(COALESCE(SUM(CASE WHEN occurred_on >= '{from}' THEN amount ELSE 0 END), 0) AS BIGINT)")), "within")
        .filter(fund_entry::Column::CityId.eq(city))
        .filter(fund_entry::Column::AccountId.eq(account_id))
        .filter(fund_entry::Column::OccurredOn.lte(to))
        .group_by(fund_entry::Column::Direction)
        .group_by(fund_entry::Column::Category)
        .into_tuple()
        .all(db)
        .await?;
    let mut opening = 0i128;
    let mut amounts = Vec::with_capacity(sums.len());
    for (d, c, before, within) in sums {
        let category = Category::of(d, &c).map_err(|_| {
            super::internal(format!("account {account_id}: entry category {d}/{c}"))
        })?;
        opening += i128::from(before);
        amounts.push((category, Fen(within)));
    }
    let opening = i64::try_from(opening)
        .map_err(|_| ServiceError::invalid("amount", Invalid::AmountOverflow))?;
    let statement = Statement::compute(period, Fen(opening), amounts)
        .map_err(|e| ServiceError::invalid("amount", e))?;
    let emergencies = emergencies(db, city, account_id)
        .await?
        .into_iter()
        .filter(|e| Day::parse(&e.occurred_on).is_ok_and(|d| period.contains(d)))
        .filter_map(|e| {
            e.emergency.map(|kind| EmergencyLine {
                entry_id: e.id,
                occurred_on: e.occurred_on,
                kind,
                amount: -e.amount,
                amount_yuan: String::new(),
                note: e.note,
            })
        })
        .collect();
    Ok((statement, emergencies))
}

fn lines<K: Copy>(
    direction: Direction,
    lines: &[linli_domain::funds::Line<K>],
    code: impl Fn(K) -> &'static str,
) -> Vec<StatementLine> {
    lines
        .iter()
        .map(|l| StatementLine {
            direction,
            code: code(l.key).into(),
            amount: l.amount.0,
            amount_yuan: yuan(l.amount.0),
        })
        .collect()
}

fn view(
    account_id: i64,
    compound_id: i64,
    body: Body,
    posted: Option<PostedInfo>,
    can_post: bool,
    today: Day,
) -> StatementView {
    let s = &body.statement;
    StatementView {
        account_id,
        account_name: body.account_name,
        account_kind: body.kind,
        compound_id,
        compound_name: body.compound_name,
        period_from: s.period.from.to_string(),
        period_to: s.period.to.to_string(),
        period_label: s.period.label(),
        opening: s.opening.0,
        opening_yuan: yuan(s.opening.0),
        income: lines(Direction::Income, &s.income, |k| k.as_str()),
        income_total: s.income_total.0,
        income_total_yuan: yuan(s.income_total.0),
        expenses: lines(Direction::Expense, &s.expenses, |k| k.as_str()),
        expense_total: s.expense_total.0,
        expense_total_yuan: yuan(s.expense_total.0),
        closing: s.closing.0,
        closing_yuan: yuan(s.closing.0),
        emergencies: body
            .emergencies
            .into_iter()
            .map(|e| EmergencyLine {
                amount_yuan: yuan(e.amount),
                ..e
            })
            .collect(),
        posted,
        quarters: quarter_choices(today),
        can_post,
    }
}

fn body(a: &LoadedAccount, statement: Statement, emergencies: Vec<EmergencyLine>) -> Body {
    Body {
        account_name: a.row.name.clone(),
        compound_name: a.compound.name.clone(),
        kind: a.kind,
        statement,
        emergencies,
    }
}

/// The posted statement of exactly this period, if any.
async fn posted_for<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    period: Period,
) -> ServiceResult<Option<fund_statement::Model>> {
    Ok(fund_statement::Entity::find()
        .filter(fund_statement::Column::AccountId.eq(account_id))
        .filter(fund_statement::Column::PeriodFrom.eq(period.from.to_string()))
        .filter(fund_statement::Column::PeriodTo.eq(period.to.to_string()))
        .one(db)
        .await?)
}

fn posted_info(r: &fund_statement::Model) -> PostedInfo {
    PostedInfo {
        id: r.id,
        posted_on: crate::china_date(r.posted_at),
        posted_by_name: r.posted_by_name.clone(),
    }
}

impl Store {
    /// The statement of any period of an account, computed now from the ledger (those who
    /// may read the ledger). If that very period is posted, the posted one is shown.
    pub async fn fund_statement(
        &self,
        actor: &Actor,
        account_id: i64,
        input: &PeriodInput,
    ) -> ServiceResult<StatementView> {
        let a = self.load_account(account_id).await?;
        if !can_read_ledger(actor, &a.path) {
            return Err(ServiceError::Forbidden);
        }
        let period = parse_period(input, self.fund_today())?;
        let db = self.read();
        let posted = posted_for(db, a.row.id, period).await?;
        if let Some(p) = posted {
            return posted_view(&a, &p, self.fund_today());
        }
        let (statement, emergencies) = compute(db, a.compound.city_id, a.row.id, period).await?;
        let can_post = actor.can(Action::ManageFund, &a.path) && period.to <= self.fund_today();
        Ok(view(
            a.row.id,
            a.compound.id,
            body(&a, statement, emergencies),
            None,
            can_post,
            self.fund_today(),
        ))
    }

    /// Posts the statement of a period (公示): its figures are frozen as they are now and
    /// can never be edited; from then on nothing may be dated on or before its last day, so
    /// a correction goes into a later statement. Only periods that have ended (or end today).
    pub async fn post_fund_statement(
        &self,
        actor: &Actor,
        account_id: i64,
        input: &PeriodInput,
    ) -> ServiceResult<StatementView> {
        let a = self.load_account(account_id).await?;
        actor.require(Action::ManageFund, &a.path)?;
        let period = parse_period(input, self.fund_today())?;
        if period.to > self.fund_today() {
            return Err(ServiceError::invalid("period_to", Invalid::FuturePeriod));
        }
        let txn = self.begin_write().await?;
        lock_account(&txn, a.row.id).await?;
        let taken = posted_for(&txn, a.row.id, period).await?;
        if taken.is_some() {
            return Err(ServiceError::invalid("period_to", Invalid::Taken));
        }
        let (statement, emergencies) = compute(&txn, a.compound.city_id, a.row.id, period).await?;
        let body = body(&a, statement, emergencies);
        let json = serde_json::to_string(&body).map_err(|e| ServiceError::Internal(e.into()))?;
        let id = fund_statement::Entity::insert(fund_statement::ActiveModel {
            account_id: Set(a.row.id),
            period_from: Set(period.from.to_string()),
            period_to: Set(period.to.to_string()),
            body: Set(json),
            posted_by: Set(actor.account_id),
            posted_by_name: Set(actor.name.clone()),
            posted_at: Set(self.now()),
            ..Default::default()
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        let row = fund_statement::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or(ServiceError::NotFound {
                entity: "fund_statement",
            })?;
        let mut after = crate::audit::to_json(&row)?;
        if let Some(o) = after.as_object_mut() {
            o.remove("body");
            o.insert(
                "closing".into(),
                serde_json::json!(body.statement.closing.0),
            );
        }
        Change::by(
            actor,
            a.compound.id,
            "fund.statement_post",
            "fund_statement",
            id,
        )
        .after(after)
        .record(&txn)
        .await?;
        txn.commit().await?;
        posted_view(&a, &row, self.fund_today())
    }

    /// A posted statement, as frozen: anyone who may see the compound's public page.
    pub async fn posted_fund_statement(
        &self,
        actor: &Actor,
        statement_id: i64,
    ) -> ServiceResult<StatementView> {
        let row = fund_statement::Entity::find_by_id(statement_id)
            .one(self.read())
            .await?
            .ok_or(ServiceError::NotFound {
                entity: "fund_statement",
            })?;
        let a = self.load_account(row.account_id).await?;
        actor.require(Action::ViewPublic, &paths::compound_path(&a.compound))?;
        posted_view(&a, &row, self.fund_today())
    }

    /// The posted statements of some accounts, newest first.
    pub(crate) async fn posted_summaries(
        &self,
        accounts: &[fund_account::Model],
    ) -> ServiceResult<Vec<PostedSummary>> {
        if accounts.is_empty() {
            return Ok(Vec::new());
        }
        let rows = fund_statement::Entity::find()
            .filter(fund_statement::Column::AccountId.is_in(accounts.iter().map(|a| a.id)))
            .order_by_desc(fund_statement::Column::PeriodTo)
            .order_by_desc(fund_statement::Column::Id)
            .limit(200)
            .all(self.read())
            .await?;
        Ok(rows
            .iter()
            .map(|r| {
                let body: Option<Body> = serde_json::from_str(&r.body).ok();
                let period = Day::parse(&r.period_from)
                    .ok()
                    .zip(Day::parse(&r.period_to).ok())
                    .and_then(|(f, t)| Period::new(f, t).ok());
                PostedSummary {
                    id: r.id,
                    account_id: r.account_id,
                    account_name: accounts
                        .iter()
                        .find(|a| a.id == r.account_id)
                        .map(|a| a.name.clone())
                        .unwrap_or_default(),
                    period_from: r.period_from.clone(),
                    period_to: r.period_to.clone(),
                    period_label: period.map(Period::label).unwrap_or_default(),
                    posted_on: crate::china_date(r.posted_at),
                    closing_yuan: body
                        .map(|b| yuan(b.statement.closing.0))
                        .unwrap_or_default(),
                }
            })
            .collect())
    }
}

fn posted_view(
    a: &LoadedAccount,
    row: &fund_statement::Model,
    today: Day,
) -> ServiceResult<StatementView> {
    let body: Body = serde_json::from_str(&row.body)
        .map_err(|e| super::internal(format!("statement {}: {e}", row.id)))?;
    Ok(view(
        a.row.id,
        a.compound.id,
        body,
        Some(posted_info(row)),
        false,
        today,
    ))
}
