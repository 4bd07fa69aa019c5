//! Running costs of an elevator in operation: maintenance, electricity and other costs
//! entered per month and kind, shared among the project's households equally or by its floor
//! coefficients (as the project decided; equally until it says otherwise).
//!
//! **The households' parts are fixed when a month's cost is entered**, one row per household
//! (`elevator_operation_share`), with the split they were made with on the cost row. A
//! statement posted in the stairwell must not change afterwards because a flat was re-surveyed
//! or the split was changed for later months; so statements are read, never recomputed. A
//! correction (the same month and kind again, with `replace`) replaces the cost and its parts
//! in one transaction, with both in the audit record. The households are those of the fixed
//! share table, the ones who paid for the elevator: a household's duties pass with the flat.

use super::{Loaded, require_view, yuan};
use crate::accounts::Actor;
use crate::audit::Change;
use crate::entity::{
    elevator_operation_cost as cost, elevator_operation_share as oshare,
    elevator_operation_split as osplit, elevator_stage_log,
};
use crate::error::{ServiceError, ServiceResult};
use crate::{Store, china_date};
use linli_domain::authz::Action;
use linli_domain::elevator::{
    CostKind, ElevatorStage, HouseholdFloor, OperationLine, SplitMode, check_month, split_month,
};
use linli_domain::rating::Month;
use linli_domain::registry::Text;
use linli_domain::{Fen, FieldError, Invalid};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Months of the project page's list, newest first.
pub const MONTHS_PER_PAGE: u64 = 12;

/// How the project shares its running costs, as decided.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct SplitInput {
    /// `equal` or `coefficients`.
    pub split: String,
    /// Where it was decided ("2024-03 单元会议", a proposal number), kept with the setting.
    #[serde(default)]
    pub note: String,
}

/// A month's cost of one kind. Amount in yuan as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CostInput {
    /// "2026-11".
    pub month: String,
    /// `maintenance`, `electricity` or `other`.
    pub kind: String,
    /// Yuan as typed: "416.67".
    pub amount: String,
    #[serde(default)]
    pub note: String,
    /// A correction: replace the month's cost of this kind (refused without it when one exists).
    #[serde(default)]
    pub replace: bool,
}

/// One cost of a month, as the project page lists it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CostCell {
    pub id: i64,
    pub kind: linli_domain::elevator::CostKind,
    pub amount: i64,
    pub amount_yuan: String,
    pub split: linli_domain::elevator::SplitMode,
    pub note: String,
    pub recorded_by_name: String,
    pub recorded_on: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OperationMonth {
    pub month: String,
    pub costs: Vec<CostCell>,
    pub total: i64,
    pub total_yuan: String,
}

/// A kind of cost that may be entered.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct KindChoice {
    pub kind: CostKind,
}

/// A way of splitting the costs that may be chosen.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SplitChoice {
    pub kind: SplitMode,
}

/// The running costs of a project: its split, its months (newest first, a page at a time).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OperationView {
    pub project_id: i64,
    pub in_operation: bool,
    /// The month the project went into operation, from which costs may be entered.
    pub since: Option<String>,
    /// This month in China: the latest a cost may be entered for.
    pub current_month: String,
    pub split: linli_domain::elevator::SplitMode,
    pub split_note: String,
    /// Households that share the costs (those of the fixed share table).
    pub households: usize,
    pub months: Vec<OperationMonth>,
    pub page: u64,
    pub pages: u64,
    pub kinds: Vec<KindChoice>,
    pub splits: Vec<SplitChoice>,
    pub can_manage: bool,
}

/// A household's part of a cost.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CostShareRow {
    pub household_id: i64,
    pub room: String,
    pub floor: i32,
    pub share: i64,
    pub share_yuan: String,
}

/// A cost as entered, with every household's part; the parts add up to the amount.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CostView {
    pub cost: CostCell,
    pub project_id: i64,
    pub month: String,
    pub lines: Vec<CostShareRow>,
    pub sum: i64,
    pub sum_yuan: String,
    /// Whether this entry replaced an earlier one (a correction).
    pub replaced: bool,
}

/// A column of the unit statement: one kind of cost of the month.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StatementColumn {
    pub kind: linli_domain::elevator::CostKind,
    pub amount: i64,
    pub amount_yuan: String,
    pub split: SplitMode,
}

/// A household's row of the unit statement: its part of each column, and its total.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StatementRow {
    pub household_id: i64,
    pub room: String,
    pub floor: i32,
    /// Today's owners, for those who may see names; empty otherwise.
    pub owners: String,
    /// In the order of the columns, fen.
    pub parts: Vec<i64>,
    pub parts_yuan: Vec<String>,
    pub total: i64,
    pub total_yuan: String,
}

/// A month's running costs of a unit: households × kinds, for the stairwell notice.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitStatementView {
    pub project_id: i64,
    pub compound_name: String,
    pub unit_name: String,
    pub month: String,
    pub columns: Vec<StatementColumn>,
    pub rows: Vec<StatementRow>,
    /// Per column, the sum of its parts (equal to its amount, to the fen).
    pub sums: Vec<i64>,
    pub sums_yuan: Vec<String>,
    pub total: i64,
    pub total_yuan: String,
}

/// One kind of cost on a household's slip: the unit's cost and the household's part.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SlipLine {
    pub kind: linli_domain::elevator::CostKind,
    pub split: SplitMode,
    pub amount_yuan: String,
    pub part: i64,
    pub part_yuan: String,
}

/// One household's slip for a month: its part of each kind of cost.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HouseholdStatementView {
    pub project_id: i64,
    pub compound_name: String,
    pub unit_name: String,
    pub month: String,
    pub household_id: i64,
    pub room: String,
    pub owners: String,
    pub lines: Vec<SlipLine>,
    pub total: i64,
    pub total_yuan: String,
    /// Households sharing the month's costs.
    pub households: usize,
}

impl UnitStatementView {
    /// Every household's slip, in the statement's order.
    pub fn slips(self) -> Vec<HouseholdStatementView> {
        let households = self.rows.len();
        let UnitStatementView {
            project_id,
            compound_name,
            unit_name,
            month,
            columns,
            rows,
            ..
        } = self;
        rows.into_iter()
            .map(|r| HouseholdStatementView {
                project_id,
                compound_name: compound_name.clone(),
                unit_name: unit_name.clone(),
                month: month.clone(),
                household_id: r.household_id,
                room: r.room,
                owners: r.owners,
                lines: columns
                    .iter()
                    .zip(r.parts)
                    .map(|(c, part)| SlipLine {
                        kind: c.kind,
                        split: c.split,
                        amount_yuan: c.amount_yuan.clone(),
                        part,
                        part_yuan: yuan(part),
                    })
                    .collect(),
                total: r.total,
                total_yuan: r.total_yuan,
                households,
            })
            .collect()
    }
}

fn split_of(row: Option<&osplit::Model>) -> SplitMode {
    row.map(|r| r.split).unwrap_or_default()
}

fn cell(c: &cost::Model) -> CostCell {
    CostCell {
        id: c.id,
        kind: c.kind,
        amount: c.amount,
        amount_yuan: yuan(c.amount),
        split: c.split,
        note: c.note.clone(),
        recorded_by_name: c.recorded_by_name.clone(),
        recorded_on: china_date(c.recorded_at),
    }
}

/// The month of a moment, in China.
pub fn month_of(ts: i64) -> Option<Month> {
    china_date(ts).get(..7).and_then(|m| Month::parse(m).ok())
}

/// A new month's cost of one kind, as the service and the demo write it.
pub struct NewCost<'a> {
    pub project_id: i64,
    pub compound_id: i64,
    pub month: &'a str,
    pub kind: CostKind,
    pub amount: Fen,
    pub split: SplitMode,
    pub note: &'a str,
    pub by: i64,
    pub by_name: &'a str,
    pub at: i64,
}

/// Inserts a cost row; its parts follow with [`insert_parts`].
pub async fn insert_cost<C: ConnectionTrait>(
    txn: &C,
    c: &NewCost<'_>,
) -> Result<i64, sea_orm::DbErr> {
    Ok(cost::Entity::insert(cost::ActiveModel {
        project_id: Set(c.project_id),
        compound_id: Set(c.compound_id),
        month: Set(c.month.into()),
        kind: Set(c.kind),
        amount: Set(c.amount.0),
        split: Set(c.split),
        note: Set(c.note.into()),
        recorded_by: Set(c.by),
        recorded_by_name: Set(c.by_name.into()),
        recorded_at: Set(c.at),
        version: Set(1),
        ..Default::default()
    })
    .exec(txn)
    .await?
    .last_insert_id)
}

/// Writes every household's part of a cost, one row each, with its room as on the share table
/// and the project's city (its compound's).
pub async fn insert_parts<C: ConnectionTrait>(
    txn: &C,
    cost_id: i64,
    project_id: i64,
    city_id: i64,
    month: &str,
    lines: &[OperationLine],
    rooms: &BTreeMap<i64, String>,
) -> Result<(), sea_orm::DbErr> {
    if lines.is_empty() {
        return Ok(());
    }
    oshare::Entity::insert_many(lines.iter().map(|l| oshare::ActiveModel {
        cost_id: Set(cost_id),
        project_id: Set(project_id),
        household_id: Set(l.household_id),
        city_id: Set(city_id),
        month: Set(month.into()),
        floor: Set(l.floor),
        room: Set(rooms.get(&l.household_id).cloned().unwrap_or_default()),
        amount: Set(l.share.0),
        ..Default::default()
    }))
    .exec(txn)
    .await?;
    Ok(())
}

impl Store {
    /// The month the project last went into operation, if it is there.
    async fn operation_since<C: ConnectionTrait>(
        db: &C,
        p: &Loaded,
    ) -> ServiceResult<Option<Month>> {
        if p.stage != ElevatorStage::Operation {
            return Ok(None);
        }
        let entered = elevator_stage_log::Entity::find()
            .filter(elevator_stage_log::Column::ProjectId.eq(p.row.id))
            .filter(elevator_stage_log::Column::ToStage.eq(ElevatorStage::Operation))
            .order_by_desc(elevator_stage_log::Column::At)
            .one(db)
            .await?;
        Ok(month_of(entered.map_or(p.row.stage_since, |l| l.at)))
    }

    async fn split_row<C: ConnectionTrait>(
        db: &C,
        project_id: i64,
    ) -> ServiceResult<Option<osplit::Model>> {
        Ok(osplit::Entity::find()
            .filter(osplit::Column::ProjectId.eq(project_id))
            .one(db)
            .await?)
    }

    /// The running costs of a project: its split and its months, `page` of them (12 a page).
    pub async fn elevator_operation(
        &self,
        actor: &Actor,
        id: i64,
        page: u64,
    ) -> ServiceResult<OperationView> {
        let p = self.load_project(id).await?;
        require_view(actor, &p)?;
        let db = self.read();
        let split_row = Store::split_row(db, id).await?;
        let split = split_of(split_row.as_ref());
        let households = usize::try_from(
            crate::entity::elevator_share::Entity::find()
                .filter(crate::entity::elevator_share::Column::ProjectId.eq(id))
                .count(db)
                .await?,
        )
        .unwrap_or(0);
        let months: Vec<String> = cost::Entity::find()
            .select_only()
            .column(cost::Column::Month)
            .distinct()
            .filter(cost::Column::ProjectId.eq(id))
            .order_by_desc(cost::Column::Month)
            .into_tuple()
            .all(db)
            .await?;
        let pages = (months.len() as u64).div_ceil(MONTHS_PER_PAGE).max(1);
        let page = page.clamp(1, pages);
        let shown: Vec<String> = months
            .into_iter()
            .skip(((page - 1) * MONTHS_PER_PAGE) as usize)
            .take(MONTHS_PER_PAGE as usize)
            .collect();
        let mut by_month: BTreeMap<String, Vec<CostCell>> = BTreeMap::new();
        let rows = cost::Entity::find()
            .filter(cost::Column::ProjectId.eq(id))
            .filter(cost::Column::Month.is_in(shown.clone()))
            .order_by_asc(cost::Column::Id)
            .all(db)
            .await?;
        for r in &rows {
            by_month.entry(r.month.clone()).or_default().push(cell(r));
        }
        let months = shown
            .into_iter()
            .map(|m| {
                let mut costs = by_month.remove(&m).unwrap_or_default();
                costs.sort_by_key(|c| c.kind);
                let total = costs.iter().map(|c| c.amount).sum();
                OperationMonth {
                    month: m,
                    costs,
                    total,
                    total_yuan: yuan(total),
                }
            })
            .collect();
        Ok(OperationView {
            project_id: id,
            in_operation: p.stage == ElevatorStage::Operation,
            since: Store::operation_since(db, &p).await?.map(|m| m.to_string()),
            current_month: month_of(self.now())
                .map(|m| m.to_string())
                .unwrap_or_default(),
            split,
            split_note: split_row.map(|r| r.note).unwrap_or_default(),
            households,
            months,
            page,
            pages,
            kinds: CostKind::ALL
                .iter()
                .map(|&kind| KindChoice { kind })
                .collect(),
            splits: SplitMode::ALL
                .iter()
                .map(|&kind| SplitChoice { kind })
                .collect(),
            can_manage: actor.can(Action::ManageProject, &p.path),
        })
    }

    /// Records how the project shares its running costs from now on. Months already entered
    /// keep the split they were made with.
    pub async fn set_elevator_operation_split(
        &self,
        actor: &Actor,
        id: i64,
        input: &SplitInput,
    ) -> ServiceResult<OperationView> {
        let p = self.load_project(id).await?;
        actor.require(Action::ManageProject, &p.path)?;
        let mut errors = Vec::new();
        let split = SplitMode::parse(&input.split)
            .map_err(|e| errors.push(FieldError::new("split", e)))
            .ok();
        let note = Text::parse_optional(&input.note, 200)
            .map_err(|e| errors.push(FieldError::new("note", e)))
            .ok();
        let (Some(split), Some(note), true) = (split, note, errors.is_empty()) else {
            return Err(ServiceError::Invalid(errors));
        };
        let note = note.map(|t| t.into_string()).unwrap_or_default();
        let txn = self.begin_write().await?;
        super::lock_project(&txn, id).await?;
        let before = Store::split_row(&txn, id).await?;
        match &before {
            Some(row) => {
                osplit::Entity::update_many()
                    .col_expr(osplit::Column::Split, Expr::value(split.as_str()))
                    .col_expr(osplit::Column::Note, Expr::value(note.clone()))
                    .col_expr(osplit::Column::SetBy, Expr::value(actor.account_id))
                    .col_expr(osplit::Column::SetByName, Expr::value(actor.name.clone()))
                    .col_expr(osplit::Column::SetAt, Expr::value(self.now()))
                    .col_expr(osplit::Column::Version, Expr::value(row.version + 1))
                    .filter(osplit::Column::Id.eq(row.id))
                    .exec(&txn)
                    .await?;
            }
            None => {
                osplit::Entity::insert(osplit::ActiveModel {
                    project_id: Set(id),
                    split: Set(split),
                    proposal_id: Set(None),
                    note: Set(note.clone()),
                    set_by: Set(actor.account_id),
                    set_by_name: Set(actor.name.clone()),
                    set_at: Set(self.now()),
                    version: Set(1),
                    ..Default::default()
                })
                .exec(&txn)
                .await?;
            }
        }
        let before = serde_json::json!({ "split": split_of(before.as_ref()).as_str() });
        let after = serde_json::json!({ "split": split.as_str(), "note": note });
        Change::by(
            actor,
            p.compound.id,
            "elevator.operation_split",
            "elevator_project",
            id,
        )
        .before(before)
        .after(after)
        .record(&txn)
        .await?;
        txn.commit().await?;
        self.elevator_operation(actor, id, 1).await
    }

    /// Enters a month's cost of one kind and fixes every household's part of it. The same
    /// month and kind again is refused (`cost_exists`) unless it says it replaces the first.
    pub async fn enter_elevator_operation_cost(
        &self,
        actor: &Actor,
        id: i64,
        input: &CostInput,
    ) -> ServiceResult<CostView> {
        let p = self.load_project(id).await?;
        actor.require(Action::ManageProject, &p.path)?;
        if p.stage != ElevatorStage::Operation {
            return Err(ServiceError::invalid(
                "stage",
                Invalid::ProjectStage { stage: p.stage },
            ));
        }
        let mut errors = Vec::new();
        let since = Store::operation_since(self.read(), &p).await?;
        let today = month_of(self.now());
        let month = match (Month::parse(&input.month), since, today) {
            (Ok(m), Some(since), Some(today)) => check_month(m, since, today)
                .map(|()| m)
                .map_err(|e| errors.push(FieldError::new("month", e)))
                .ok(),
            (Ok(m), _, _) => Some(m),
            (Err(e), _, _) => {
                errors.push(FieldError::new("month", e));
                None
            }
        };
        let kind = CostKind::parse(&input.kind)
            .map_err(|e| errors.push(FieldError::new("cost_kind", e)))
            .ok();
        let amount = super::positive_yuan("amount", &input.amount, &mut errors);
        let note = Text::parse_optional(&input.note, 200)
            .map_err(|e| errors.push(FieldError::new("note", e)))
            .ok();
        let (Some(month), Some(kind), Some(amount), Some(note), true) =
            (month, kind, amount, note, errors.is_empty())
        else {
            return Err(ServiceError::Invalid(errors));
        };
        let note = note.map(|t| t.into_string()).unwrap_or_default();
        let month_s = month.to_string();
        let txn = self.begin_write().await?;
        super::lock_project(&txn, id).await?;
        let split = split_of(Store::split_row(&txn, id).await?.as_ref());
        let households = Store::project_shares(&txn, id).await?;
        let floors: Vec<HouseholdFloor> = households
            .iter()
            .map(|s| HouseholdFloor {
                household_id: s.household_id,
                floor: s.floor,
            })
            .collect();
        let lines = split_month(amount, split, p.mode, &p.table, &floors).map_err(|e| {
            ServiceError::invalid(
                if e == Invalid::NoHouseholds {
                    "household_id"
                } else {
                    "split"
                },
                e,
            )
        })?;
        let existing = cost::Entity::find()
            .filter(cost::Column::ProjectId.eq(id))
            .filter(cost::Column::Month.eq(month_s.clone()))
            .filter(cost::Column::Kind.eq(kind))
            .one(&txn)
            .await?;
        let at = self.now();
        let (cost_id, before) = match existing {
            Some(_) if !input.replace => {
                return Err(ServiceError::invalid(
                    "month",
                    Invalid::CostExists {
                        month: month_s,
                        kind: kind.as_str().into(),
                    },
                ));
            }
            Some(old) => {
                let old_parts: Vec<(i64, i64)> = oshare::Entity::find()
                    .filter(oshare::Column::CostId.eq(old.id))
                    .order_by_asc(oshare::Column::Id)
                    .all(&txn)
                    .await?
                    .iter()
                    .map(|s| (s.household_id, s.amount))
                    .collect();
                oshare::Entity::delete_many()
                    .filter(oshare::Column::CostId.eq(old.id))
                    .exec(&txn)
                    .await?;
                cost::Entity::update_many()
                    .col_expr(cost::Column::Amount, Expr::value(amount.0))
                    .col_expr(cost::Column::Split, Expr::value(split.as_str()))
                    .col_expr(cost::Column::Note, Expr::value(note.clone()))
                    .col_expr(cost::Column::RecordedBy, Expr::value(actor.account_id))
                    .col_expr(
                        cost::Column::RecordedByName,
                        Expr::value(actor.name.clone()),
                    )
                    .col_expr(cost::Column::RecordedAt, Expr::value(at))
                    .col_expr(cost::Column::Version, Expr::value(old.version + 1))
                    .filter(cost::Column::Id.eq(old.id))
                    .exec(&txn)
                    .await?;
                let before = serde_json::json!({ "month": old.month, "kind": old.kind, "amount": old.amount, "split": old.split, "note": old.note, "parts": old_parts });
                (old.id, Some(before))
            }
            None => {
                let new = NewCost {
                    project_id: id,
                    compound_id: p.compound.id,
                    month: &month_s,
                    kind,
                    amount,
                    split,
                    note: &note,
                    by: actor.account_id,
                    by_name: &actor.name,
                    at,
                };
                (insert_cost(&txn, &new).await?, None)
            }
        };
        let rooms: BTreeMap<i64, String> = households
            .iter()
            .map(|s| (s.household_id, s.room.clone()))
            .collect();
        insert_parts(
            &txn,
            cost_id,
            id,
            p.compound.city_id,
            &month_s,
            &lines,
            &rooms,
        )
        .await?;
        let after = serde_json::json!({
            "month": month_s, "kind": kind.as_str(), "amount": amount.0, "split": split.as_str(), "note": note,
            "parts": lines.iter().map(|l| (l.household_id, l.share.0)).collect::<Vec<_>>(),
        });
        let action = if before.is_some() {
            "elevator.operation_cost_correct"
        } else {
            "elevator.operation_cost"
        };
        let replaced = before.is_some();
        Change::by(actor, p.compound.id, action, "elevator_project", id)
            .before(before)
            .after(after)
            .record(&txn)
            .await?;
        txn.commit().await?;
        let row = cost::Entity::find_by_id(cost_id)
            .one(self.read())
            .await?
            .ok_or(ServiceError::NotFound {
                entity: "elevator_operation_cost",
            })?;
        let lines: Vec<CostShareRow> = oshare::Entity::find()
            .filter(oshare::Column::CostId.eq(cost_id))
            .order_by_asc(oshare::Column::Floor)
            .order_by_asc(oshare::Column::HouseholdId)
            .all(self.read())
            .await?
            .into_iter()
            .map(|s| CostShareRow {
                household_id: s.household_id,
                room: s.room,
                floor: s.floor,
                share: s.amount,
                share_yuan: yuan(s.amount),
            })
            .collect();
        let sum = lines.iter().map(|l| l.share).sum();
        Ok(CostView {
            cost: cell(&row),
            project_id: id,
            month: row.month,
            lines,
            sum,
            sum_yuan: yuan(sum),
            replaced,
        })
    }

    /// A unit's statement of a month: every household's part of each kind of cost. Public like
    /// the share table; owners' names only for those who may see the registry.
    pub async fn elevator_unit_statement(
        &self,
        actor: &Actor,
        id: i64,
        month: &str,
    ) -> ServiceResult<UnitStatementView> {
        let p = self.load_project(id).await?;
        require_view(actor, &p)?;
        self.unit_statement(actor, &p, month, None).await
    }

    /// One household's slip of a month.
    pub async fn elevator_household_statement(
        &self,
        actor: &Actor,
        id: i64,
        month: &str,
        household_id: i64,
    ) -> ServiceResult<HouseholdStatementView> {
        let p = self.load_project(id).await?;
        require_view(actor, &p)?;
        let s = self
            .unit_statement(actor, &p, month, Some(household_id))
            .await?;
        s.slips()
            .into_iter()
            .find(|x| x.household_id == household_id)
            .ok_or(ServiceError::NotFound {
                entity: "household",
            })
    }

    async fn unit_statement(
        &self,
        actor: &Actor,
        p: &Loaded,
        month: &str,
        names_of: Option<i64>,
    ) -> ServiceResult<UnitStatementView> {
        let month = Month::parse(month)
            .map_err(|e| FieldError::new("month", e))?
            .to_string();
        let db = self.read();
        let mut costs = cost::Entity::find()
            .filter(cost::Column::ProjectId.eq(p.row.id))
            .filter(cost::Column::Month.eq(month.clone()))
            .all(db)
            .await?;
        costs.sort_by_key(|c| c.kind);
        let columns: Vec<StatementColumn> = costs
            .iter()
            .map(|c| {
                let x = cell(c);
                StatementColumn {
                    kind: x.kind,
                    amount: x.amount,
                    amount_yuan: x.amount_yuan,
                    split: x.split,
                }
            })
            .collect();
        let col_of: BTreeMap<i64, usize> =
            costs.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
        let parts = oshare::Entity::find()
            .filter(oshare::Column::ProjectId.eq(p.row.id))
            .filter(oshare::Column::Month.eq(month.clone()))
            .order_by_asc(oshare::Column::Floor)
            .order_by_asc(oshare::Column::HouseholdId)
            .all(db)
            .await?;
        let mut rows: Vec<StatementRow> = Vec::new();
        let mut index: BTreeMap<i64, usize> = BTreeMap::new();
        for s in &parts {
            let Some(col) = col_of.get(&s.cost_id).copied() else {
                continue;
            };
            let i = *index.entry(s.household_id).or_insert_with(|| {
                rows.push(StatementRow {
                    household_id: s.household_id,
                    room: s.room.clone(),
                    floor: s.floor,
                    owners: String::new(),
                    parts: vec![0; columns.len()],
                    parts_yuan: Vec::new(),
                    total: 0,
                    total_yuan: String::new(),
                });
                rows.len() - 1
            });
            rows[i].parts[col] += s.amount;
        }
        let may_see_names = actor.can(Action::ViewRegistry, &p.path);
        let names = if may_see_names {
            self.owner_names(
                rows.iter()
                    .map(|r| r.household_id)
                    .filter(|h| names_of.is_none_or(|x| x == *h)),
            )
            .await?
        } else {
            BTreeMap::new()
        };
        let mut sums = vec![0i64; columns.len()];
        for r in &mut rows {
            r.total = r.parts.iter().sum();
            r.total_yuan = yuan(r.total);
            r.parts_yuan = r.parts.iter().map(|x| yuan(*x)).collect();
            r.owners = names.get(&r.household_id).cloned().unwrap_or_default();
            for (s, x) in sums.iter_mut().zip(&r.parts) {
                *s += x;
            }
        }
        let total = sums.iter().sum();
        Ok(UnitStatementView {
            project_id: p.row.id,
            compound_name: p.compound.name.clone(),
            unit_name: p.unit_name.clone(),
            month,
            columns,
            rows,
            sums_yuan: sums.iter().map(|x| yuan(*x)).collect(),
            sums,
            total,
            total_yuan: yuan(total),
        })
    }
}
