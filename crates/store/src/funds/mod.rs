//! The compound's money (issue 6, DOMAIN §6.5): accounts of the compound, of each project
//! and of each building's special maintenance fund; an append-only ledger; statements for
//! any period, posted as frozen snapshots (公示) that residents read on their phones.
//!
//! The rules are the pure `linli_domain::funds`; this module keeps the rows and the gates:
//! - an entry is never updated or deleted; a correction is a new entry of the opposite amount
//!   that points at the one it reverses (`corrects_entry_id`, unique, so once);
//! - a posted statement freezes its period: nothing may be dated on or before the last
//!   posted day, so a posted statement and the live ledger never disagree, and a correction
//!   made later lands in the next statement;
//! - writes lock the account row first, so an entry and a posting never interleave;
//! - a statement is one `GROUP BY` pass over the index `(account_id, direction, category,
//!   occurred_on, amount)` that sums the opening balance and the period per category, from
//!   the index alone and in its order, so 100,000 entries need no sort and no table row;
//! - an elevator project's payments (`elevators/payments.rs`) post the residents' income
//!   into the project's account in the payment's own transaction, and a void reverses it.

mod ledger;
mod statements;

pub(crate) use ledger::mirror_elevator_payment;
pub use ledger::*;
pub use statements::*;

use crate::accounts::Actor;
use crate::audit::Change;
use crate::entity::{
    building, compound, elevator_project, fund_account, fund_entry, fund_statement, household,
};
use crate::error::{ServiceError, ServiceResult};
use crate::{Store, paths};
use linli_domain::authz::Action;
use linli_domain::elevator::parse_percent_bp;
use linli_domain::elevator::parse_yuan;
use linli_domain::funds::rules::TOP_UP_DEFAULT_BP;
use linli_domain::funds::{AccountKind, Day, needs_top_up, top_up_threshold};
use linli_domain::place::Path;
use linli_domain::registry::Text;
use linli_domain::{Fen, FieldError, Invalid, Lang};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub(crate) fn yuan(fen: i64) -> String {
    Fen(fen).to_string()
}

/// A new account: `{"kind": "maintenance", "building_id": 3, "initial_deposit": "120000"}`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct AccountInput {
    /// `compound`, `project` or `maintenance`.
    pub kind: String,
    /// Blank: named after the compound, project or building.
    #[serde(default)]
    pub name: String,
    /// For a project account: the elevator project.
    #[serde(default)]
    pub project_id: Option<i64>,
    /// For a maintenance fund: its building.
    #[serde(default)]
    pub building_id: Option<i64>,
    /// For a maintenance fund: the initial deposit in yuan, as typed.
    #[serde(default)]
    pub initial_deposit: String,
    /// For a maintenance fund: the top-up warning as a percentage of the initial deposit
    /// ("30" when blank).
    #[serde(default)]
    pub top_up_percent: String,
}

/// An account with its balance, as lists show it. Money in fen with `*_yuan` for display.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AccountSummary {
    pub id: i64,
    pub compound_id: i64,
    pub kind: linli_domain::funds::AccountKind,
    pub name: String,
    pub project_id: Option<i64>,
    pub building_id: Option<i64>,
    pub balance: i64,
    pub balance_yuan: String,
    pub initial_deposit: i64,
    pub initial_deposit_yuan: String,
    /// "30.00" (percent of the initial deposit).
    pub top_up_percent: String,
    /// The balance is under the top-up threshold of the initial deposit.
    pub needs_top_up: bool,
    /// The last day of the latest posted statement: nothing may be dated on or before it.
    pub posted_until: Option<String>,
}

/// The accounts of a compound.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AccountsView {
    pub compound_id: i64,
    pub compound_name: String,
    pub accounts: Vec<AccountSummary>,
    /// Posted statements of every account, newest first.
    pub statements: Vec<PostedSummary>,
    /// The actor may open accounts, record and post.
    pub can_manage: bool,
    /// The actor may read the ledgers (not only the posted statements).
    pub can_read_ledger: bool,
    /// For the form: buildings without a maintenance fund yet, and projects without an account.
    pub open_buildings: Vec<Choice>,
    pub open_projects: Vec<Choice>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Choice {
    pub id: i64,
    pub name: String,
}

/// An account row with its compound and where it sits.
pub(crate) struct LoadedAccount {
    pub row: fund_account::Model,
    pub kind: AccountKind,
    pub compound: compound::Model,
    pub path: Path,
}

pub(crate) fn internal(msg: String) -> ServiceError {
    ServiceError::Internal(anyhow::anyhow!(msg))
}

/// Locks an account's row for the rest of the transaction: entries and postings of one
/// account are written one at a time, in one process or several.
pub(crate) async fn lock_account<C: ConnectionTrait>(txn: &C, id: i64) -> ServiceResult<()> {
    fund_account::Entity::update_many()
        .col_expr(
            fund_account::Column::CreatedAt,
            Expr::col(fund_account::Column::CreatedAt),
        )
        .filter(fund_account::Column::Id.eq(id))
        .exec(txn)
        .await?;
    Ok(())
}

/// The last posted day of an account, if any statement is posted.
pub(crate) async fn posted_until<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
) -> ServiceResult<Option<Day>> {
    let last: Option<Option<String>> = fund_statement::Entity::find()
        .select_only()
        .column_as(fund_statement::Column::PeriodTo.max(), "m")
        .filter(fund_statement::Column::AccountId.eq(account_id))
        .into_tuple()
        .one(db)
        .await?;
    Ok(last.flatten().and_then(|d| Day::parse(&d).ok()))
}

/// The China day of a Unix time, as the ledger's day.
pub fn day_of(unix: i64) -> Day {
    Day::parse(&crate::china_date(unix)).unwrap_or(Day::FIRST)
}

impl Store {
    /// Today in China on the store's clock.
    pub(crate) fn fund_today(&self) -> Day {
        day_of(self.now())
    }
}

/// The first day an entry may carry now: today, or the day after the last posted one.
pub(crate) fn first_open_day(posted: Option<Day>, today: Day) -> Day {
    let t = today;
    match posted {
        Some(p) if p >= t => p.next(),
        _ => t,
    }
}

/// Sums of signed amounts per account (of one city's compound), optionally only before a day.
pub(crate) async fn balances<C: ConnectionTrait>(
    db: &C,
    city: i64,
    account_ids: &[i64],
    before: Option<Day>,
) -> ServiceResult<BTreeMap<i64, i64>> {
    if account_ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    let mut q = fund_entry::Entity::find()
        .select_only()
        .column(fund_entry::Column::AccountId)
        .column_as(
            Expr::cust("CAST(COALESCE(SUM(amount), 0) AS BIGINT)"),
            "total",
        )
        .filter(fund_entry::Column::CityId.eq(city))
        .filter(fund_entry::Column::AccountId.is_in(account_ids.iter().copied()));
    if let Some(d) = before {
        q = q.filter(fund_entry::Column::OccurredOn.lt(d.to_string()));
    }
    let rows: Vec<(i64, i64)> = q
        .group_by(fund_entry::Column::AccountId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

pub(crate) fn summary(
    row: &fund_account::Model,
    balance: i64,
    posted: Option<Day>,
) -> AccountSummary {
    AccountSummary {
        id: row.id,
        compound_id: row.compound_id,
        kind: row.kind,
        name: row.name.clone(),
        project_id: row.project_id,
        building_id: row.building_id,
        balance,
        balance_yuan: yuan(balance),
        initial_deposit: row.initial_deposit,
        initial_deposit_yuan: yuan(row.initial_deposit),
        top_up_percent: Fen(row.top_up_bp).to_string(),
        needs_top_up: row.kind.is_maintenance()
            && needs_top_up(
                Fen(balance),
                Fen(row.initial_deposit),
                top_up_threshold(row.top_up_bp),
            ),
        posted_until: posted.map(|d| d.to_string()),
    }
}

/// What an account is opened with.
pub struct NewAccount {
    pub compound_id: i64,
    pub kind: AccountKind,
    pub name: String,
    pub project_id: Option<i64>,
    pub building_id: Option<i64>,
    pub initial_deposit: i64,
    pub top_up_bp: i64,
}

impl NewAccount {
    pub fn row(self, by: i64, at: i64) -> fund_account::ActiveModel {
        fund_account::ActiveModel {
            compound_id: Set(self.compound_id),
            kind: Set(self.kind),
            project_id: Set(self.project_id),
            building_id: Set(self.building_id),
            name: Set(self.name),
            initial_deposit: Set(self.initial_deposit),
            top_up_bp: Set(self.top_up_bp),
            created_by: Set(by),
            created_at: Set(at),
            ..Default::default()
        }
    }
}

/// A project account's name: "加装电梯 3号楼 1单元".
pub fn project_account_name(unit_name: &str) -> String {
    format!("加装电梯 {unit_name}")
}

impl Store {
    pub(crate) async fn load_account(&self, id: i64) -> ServiceResult<LoadedAccount> {
        let row = fund_account::Entity::find_by_id(id)
            .one(self.read())
            .await?
            .ok_or(ServiceError::NotFound {
                entity: "fund_account",
            })?;
        let compound = self.compound_row(row.compound_id).await?;
        let kind = row.kind;
        let path = match row.building_id {
            Some(b) => paths::building_path(&compound, b),
            None => paths::compound_path(&compound),
        };
        Ok(LoadedAccount {
            row,
            kind,
            compound,
            path,
        })
    }

    /// The accounts of a compound with their balances, and its posted statements: anyone
    /// who may see the compound's public page (residents read the statements on their phones).
    pub async fn fund_accounts(
        &self,
        actor: &Actor,
        compound_id: i64,
    ) -> ServiceResult<AccountsView> {
        let c = self.compound_row(compound_id).await?;
        let at = paths::compound_path(&c);
        actor.require(Action::ViewPublic, &at)?;
        let db = self.read();
        let rows = fund_account::Entity::find()
            .filter(fund_account::Column::CompoundId.eq(c.id))
            .order_by_asc(fund_account::Column::Kind)
            .order_by_asc(fund_account::Column::Id)
            .all(db)
            .await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let balances = balances(db, c.city_id, &ids, None).await?;
        let statements = self.posted_summaries(&rows).await?;
        let mut until: BTreeMap<i64, Day> = BTreeMap::new();
        for s in &statements {
            if let Ok(d) = Day::parse(&s.period_to) {
                let e = until.entry(s.account_id).or_insert(d);
                *e = (*e).max(d);
            }
        }
        let accounts = rows
            .iter()
            .map(|r| {
                summary(
                    r,
                    balances.get(&r.id).copied().unwrap_or(0),
                    until.get(&r.id).copied(),
                )
            })
            .collect();
        let can_manage = actor.can(Action::ManageFund, &at);
        let (mut open_buildings, mut open_projects) = (Vec::new(), Vec::new());
        if can_manage {
            let taken_b: Vec<i64> = rows.iter().filter_map(|r| r.building_id).collect();
            let taken_p: Vec<i64> = rows.iter().filter_map(|r| r.project_id).collect();
            for b in building::Entity::find()
                .filter(building::Column::CompoundId.eq(c.id))
                .order_by_asc(building::Column::Id)
                .all(db)
                .await?
            {
                if !taken_b.contains(&b.id) {
                    open_buildings.push(Choice {
                        id: b.id,
                        name: b.name,
                    });
                }
            }
            let names = crate::registry::unit_names(db, c.id).await?;
            for p in elevator_project::Entity::find()
                .filter(elevator_project::Column::CompoundId.eq(c.id))
                .order_by_asc(elevator_project::Column::Id)
                .all(db)
                .await?
            {
                if !taken_p.contains(&p.id) {
                    open_projects.push(Choice {
                        id: p.id,
                        name: project_account_name(
                            names.get(&p.unit_id).map(String::as_str).unwrap_or(""),
                        ),
                    });
                }
            }
        }
        Ok(AccountsView {
            compound_id: c.id,
            compound_name: c.name.clone(),
            accounts,
            statements,
            can_manage,
            can_read_ledger: can_read_ledger(actor, &at),
            open_buildings,
            open_projects,
        })
    }

    /// Opens an account: the compound's, a project's, or a building's maintenance fund (with
    /// its initial deposit and top-up threshold). One per project and per building.
    pub async fn create_fund_account(
        &self,
        actor: &Actor,
        compound_id: i64,
        input: &AccountInput,
    ) -> ServiceResult<AccountSummary> {
        let c = self.compound_row(compound_id).await?;
        actor.require(Action::ManageFund, &paths::compound_path(&c))?;
        let db = self.read();
        let mut errors = Vec::new();
        let kind = AccountKind::parse(&input.kind)
            .map_err(|e| errors.push(FieldError::new("kind", e)))
            .ok();
        let name = Text::parse_optional(&input.name, 100)
            .map_err(|e| errors.push(FieldError::new("name", e)))
            .ok()
            .flatten();
        let (mut project, mut building_row) = (None, None);
        match kind {
            Some(AccountKind::Project) => match input.project_id {
                None => errors.push(FieldError::new("project_id", Invalid::Required)),
                Some(pid) => match elevator_project::Entity::find_by_id(pid)
                    .one(db)
                    .await?
                    .filter(|p| p.compound_id == c.id)
                {
                    Some(p) => project = Some(p),
                    None => errors.push(FieldError::new("project_id", Invalid::BadChoice)),
                },
            },
            Some(AccountKind::Maintenance) => match input.building_id {
                None => errors.push(FieldError::new("building_id", Invalid::Required)),
                Some(bid) => match building::Entity::find_by_id(bid)
                    .one(db)
                    .await?
                    .filter(|b| b.compound_id == c.id)
                {
                    Some(b) => building_row = Some(b),
                    None => errors.push(FieldError::new("building_id", Invalid::BadChoice)),
                },
            },
            _ => {}
        }
        let maintenance = kind == Some(AccountKind::Maintenance);
        let initial = if maintenance {
            match parse_yuan(&input.initial_deposit) {
                Ok(Fen(0)) => {
                    errors.push(FieldError::new("initial_deposit", Invalid::NotPositive));
                    0
                }
                Ok(f) => f.0,
                Err(e) => {
                    errors.push(FieldError::new("initial_deposit", e));
                    0
                }
            }
        } else {
            0
        };
        let top_up_bp = match (maintenance, input.top_up_percent.trim()) {
            (true, p) if !p.is_empty() => parse_percent_bp(p)
                .map_err(|e| errors.push(FieldError::new("top_up_percent", e)))
                .unwrap_or(0),
            _ => TOP_UP_DEFAULT_BP,
        };
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let Some(kind) = kind else {
            return Err(ServiceError::invalid("kind", Invalid::Required));
        };
        let name = match (name, &project, &building_row) {
            (Some(n), _, _) => n.into_string(),
            (None, Some(p), _) => {
                let names = crate::registry::unit_names(db, c.id).await?;
                project_account_name(names.get(&p.unit_id).map(String::as_str).unwrap_or(""))
            }
            (None, _, Some(b)) => format!("{} {}", b.name, kind.label(Lang::Zh)),
            (None, None, None) => format!("{} {}", c.name, kind.label(Lang::Zh)),
        };
        let txn = self.begin_write().await?;
        let taken = match (&project, &building_row) {
            (Some(p), _) => fund_account::Entity::find()
                .filter(fund_account::Column::ProjectId.eq(p.id))
                .one(&txn)
                .await?
                .map(|_| "project_id"),
            (_, Some(b)) => fund_account::Entity::find()
                .filter(fund_account::Column::BuildingId.eq(b.id))
                .one(&txn)
                .await?
                .map(|_| "building_id"),
            _ => None,
        };
        if let Some(field) = taken {
            return Err(ServiceError::invalid(field, Invalid::Taken));
        }
        let new = NewAccount {
            compound_id: c.id,
            kind,
            name,
            project_id: project.as_ref().map(|p| p.id),
            building_id: building_row.as_ref().map(|b| b.id),
            initial_deposit: initial,
            top_up_bp,
        };
        let id = fund_account::Entity::insert(new.row(actor.account_id, actor.at))
            .exec(&txn)
            .await?
            .last_insert_id;
        let row = fund_account::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or(ServiceError::NotFound {
                entity: "fund_account",
            })?;
        Change::by(actor, c.id, "fund.account_open", "fund_account", id)
            .after(crate::audit::to_json(&row)?)
            .record(&txn)
            .await?;
        txn.commit().await?;
        Ok(summary(&row, 0, None))
    }

    /// Households of a building keyed by id, with "1单元 301" labels.
    pub(crate) async fn household_labels<C: ConnectionTrait>(
        db: &C,
        compound_id: i64,
        ids: impl IntoIterator<Item = i64>,
    ) -> ServiceResult<BTreeMap<i64, String>> {
        let ids: Vec<i64> = ids.into_iter().collect();
        if ids.is_empty() {
            return Ok(BTreeMap::new());
        }
        let names = crate::registry::unit_names(db, compound_id).await?;
        let rows = household::Entity::find()
            .filter(household::Column::Id.is_in(ids))
            .all(db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|h| {
                (
                    h.id,
                    format!(
                        "{} {}",
                        names.get(&h.unit_id).map(String::as_str).unwrap_or(""),
                        h.room
                    ),
                )
            })
            .collect())
    }
}

/// Reading an account's ledger (not only its posted statements): those who may see the
/// compound's registry (the committee, workers, heads) or manage its money.
pub(crate) fn can_read_ledger(actor: &Actor, at: &Path) -> bool {
    actor.can(Action::ViewRegistry, at) || actor.can(Action::ManageFund, at)
}
