//! The share table: computed from the unit's households while the plan may change, stored
//! one row per household once fixed. The full table is the stairwell notice; one line of it
//! with the household's payments is its bill.

use super::{
    CoefficientRow, Ledger, Loaded, coefficient_rows, require_view, update_versioned, yuan,
};
use crate::accounts::Actor;
use crate::audit::Change;
use crate::entity::{
    elevator_payment, elevator_project, elevator_share, household, ownership, person,
};
use crate::error::{ServiceError, ServiceResult};
use crate::{Store, paths};
use linli_domain::Invalid;
use linli_domain::authz::Action;
use linli_domain::elevator::{Coefficient, ElevatorStage, HouseholdFloor, apportion_by};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One household's line: its share, what it paid, what it owes. Money in fen and yuan.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ShareRow {
    pub household_id: i64,
    pub room: String,
    pub floor: i32,
    /// The part of the whole the household's group shares: its floor's coefficient ("10.00%",
    /// "1/6"), or "100.00%" when the amount is split equally per flat.
    pub coefficient: String,
    /// Households sharing that part equally (on the floor, or in the unit).
    pub on_floor: i32,
    pub share: i64,
    pub share_yuan: String,
    pub paid: i64,
    pub paid_yuan: String,
    pub outstanding: i64,
    pub outstanding_yuan: String,
    /// The household's owners today (a buyer sees the seller's unpaid share as theirs), for
    /// those who may see names; empty otherwise.
    pub owners: String,
}

/// The whole table, as posted in the stairwell.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ShareTableView {
    pub project_id: i64,
    pub compound_name: String,
    pub unit_name: String,
    pub stage: ElevatorStage,
    /// Whether the table is fixed (stored) or a preview from today's registry.
    pub fixed: bool,
    pub fixed_on: Option<String>,
    pub total_cost_yuan: String,
    pub subsidy_preset: linli_domain::elevator::SubsidyPreset,
    pub subsidy_yuan: String,
    pub amount_due: i64,
    pub amount_due_yuan: String,
    pub coefficients: Vec<CoefficientRow>,
    /// How the amount is split: by the floor coefficients, or equally per flat.
    pub share_mode: linli_domain::elevator::ShareMode,
    pub lines: Vec<ShareRow>,
    /// The sum of the lines, equal to `amount_due` to the fen.
    pub sum: i64,
    pub sum_yuan: String,
    pub paid_yuan: String,
    pub outstanding: i64,
    pub outstanding_yuan: String,
    pub households_owing: usize,
    pub version: i32,
    pub can_manage: bool,
    pub can_record_payment: bool,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct FixSharesInput {
    pub version: i32,
}

impl Store {
    /// The unit's households with their floors and rooms, ordered by floor and id.
    async fn unit_households<C: ConnectionTrait>(
        db: &C,
        unit_id: i64,
    ) -> ServiceResult<Vec<household::Model>> {
        Ok(household::Entity::find()
            .filter(household::Column::UnitId.eq(unit_id))
            .order_by_asc(household::Column::Floor)
            .order_by_asc(household::Column::Id)
            .all(db)
            .await?)
    }

    /// The shares as they would be fixed now, from the registry (errors name the coefficients).
    async fn computed_shares<C: ConnectionTrait>(
        db: &C,
        p: &Loaded,
    ) -> ServiceResult<Vec<elevator_share::Model>> {
        let households = Store::unit_households(db, p.row.unit_id).await?;
        let floors: Vec<HouseholdFloor> = households
            .iter()
            .map(|h| HouseholdFloor {
                household_id: h.id,
                floor: h.floor,
            })
            .collect();
        let lines = apportion_by(p.amount_due(), p.mode, &p.table, &floors)
            .map_err(|e| ServiceError::invalid("coefficients", e))?;
        let city_id = p.compound.city_id;
        let rooms: BTreeMap<i64, String> = households.into_iter().map(|h| (h.id, h.room)).collect();
        Ok(lines
            .into_iter()
            .map(|l| elevator_share::Model {
                id: 0,
                project_id: p.row.id,
                household_id: l.household_id,
                city_id,
                floor: l.floor,
                room: rooms.get(&l.household_id).cloned().unwrap_or_default(),
                coefficient_num: l.coefficient.num(),
                coefficient_den: l.coefficient.den(),
                on_floor: i32::try_from(l.on_floor).unwrap_or(i32::MAX),
                amount: l.share.0,
            })
            .collect())
    }

    /// The share table of a project: the fixed one, or a preview while the plan may change.
    pub async fn elevator_shares(&self, actor: &Actor, id: i64) -> ServiceResult<ShareTableView> {
        let p = self.load_project(id).await?;
        require_view(actor, &p)?;
        let ledger = Store::ledger(self.read(), id).await?;
        self.share_table(actor, &p, &ledger).await
    }

    /// The share table of a loaded project against its ledger, for callers that have both
    /// already (the bills read the project and its payments once for the whole page).
    pub(crate) async fn share_table(
        &self,
        actor: &Actor,
        p: &Loaded,
        ledger: &Ledger,
    ) -> ServiceResult<ShareTableView> {
        let id = p.row.id;
        if p.row.total_cost.is_none() {
            return Err(ServiceError::invalid("total_cost", Invalid::Required));
        }
        let shares = if p.shares_fixed() {
            Store::project_shares(self.read(), id).await?
        } else {
            Store::computed_shares(self.read(), p).await?
        };
        let names = if actor.can(Action::ViewRegistry, &p.path) {
            self.owner_names(shares.iter().map(|s| s.household_id))
                .await?
        } else {
            BTreeMap::new()
        };
        let lines: Vec<ShareRow> = shares
            .iter()
            .map(|s| share_row(s, ledger, &names))
            .collect();
        let sum: i64 = lines.iter().map(|l| l.share).sum();
        let paid: i64 = lines.iter().map(|l| l.paid).sum();
        let outstanding: i64 = lines.iter().map(|l| l.outstanding).sum();
        let due = p.amount_due().0;
        Ok(ShareTableView {
            project_id: id,
            compound_name: p.compound.name.clone(),
            unit_name: p.unit_name.clone(),
            stage: p.stage,
            fixed: p.shares_fixed(),
            fixed_on: p.row.shares_fixed_at.map(super::china_date),
            total_cost_yuan: yuan(p.row.total_cost.unwrap_or(0)),
            subsidy_preset: p.row.subsidy_preset,
            subsidy_yuan: yuan(p.row.subsidy),
            amount_due: due,
            amount_due_yuan: yuan(due),
            coefficients: coefficient_rows(&p.table),
            share_mode: p.mode,
            households_owing: lines.iter().filter(|l| l.outstanding > 0).count(),
            lines,
            sum,
            sum_yuan: yuan(sum),
            paid_yuan: yuan(paid),
            outstanding,
            outstanding_yuan: yuan(outstanding),
            version: p.row.version,
            can_manage: actor.can(Action::ManageProject, &p.path),
            can_record_payment: p.shares_fixed() && actor.can(Action::RecordPayment, &p.path),
        })
    }

    /// The households that still owe, largest debt first.
    pub async fn elevator_outstanding(
        &self,
        actor: &Actor,
        id: i64,
    ) -> ServiceResult<Vec<ShareRow>> {
        let mut lines: Vec<ShareRow> = self
            .elevator_shares(actor, id)
            .await?
            .lines
            .into_iter()
            .filter(|l| l.outstanding > 0)
            .collect();
        lines.sort_by(|a, b| {
            b.outstanding
                .cmp(&a.outstanding)
                .then(a.household_id.cmp(&b.household_id))
        });
        Ok(lines)
    }

    /// Fixes the share table from the registry's households of the unit as they are now.
    /// From then on the plan no longer changes and payments can be recorded.
    pub async fn fix_elevator_shares(
        &self,
        actor: &Actor,
        id: i64,
        input: &FixSharesInput,
    ) -> ServiceResult<ShareTableView> {
        let p = self.load_project(id).await?;
        actor.require(Action::ManageProject, &p.path)?;
        if p.shares_fixed() {
            return Err(ServiceError::invalid("coefficients", Invalid::SharesFixed));
        }
        if p.stage >= ElevatorStage::Construction {
            return Err(ServiceError::invalid(
                "stage",
                Invalid::ProjectStage { stage: p.stage },
            ));
        }
        if p.row.total_cost.is_none() {
            return Err(ServiceError::invalid("total_cost", Invalid::Required));
        }
        let txn = self.begin_write().await?;
        let update = elevator_project::Entity::update_many()
            .col_expr(
                elevator_project::Column::SharesFixedAt,
                Expr::value(Some(self.now())),
            )
            .filter(elevator_project::Column::SharesFixedAt.is_null());
        update_versioned(&txn, &p, input.version, update).await?;
        let shares = Store::computed_shares(&txn, &p).await?;
        if !shares.is_empty() {
            elevator_share::Entity::insert_many(shares.iter().map(|s| {
                elevator_share::ActiveModel {
                    project_id: Set(id),
                    household_id: Set(s.household_id),
                    city_id: Set(s.city_id),
                    floor: Set(s.floor),
                    room: Set(s.room.clone()),
                    coefficient_num: Set(s.coefficient_num),
                    coefficient_den: Set(s.coefficient_den),
                    on_floor: Set(s.on_floor),
                    amount: Set(s.amount),
                    ..Default::default()
                }
            }))
            .exec(&txn)
            .await?;
        }
        let after = serde_json::json!({
            "amount_due": p.amount_due().0,
            "shares": shares.iter().map(|s| (s.household_id, s.amount)).collect::<Vec<_>>(),
        });
        Change::by(
            actor,
            p.compound.id,
            "elevator.fix_shares",
            "elevator_project",
            id,
        )
        .after(after)
        .record(&txn)
        .await?;
        // The bill is issued: each owner is told their share.
        for s in &shares {
            let accounts = crate::proposals::owner_accounts(&txn, &[s.household_id]).await?;
            let topic = format!(
                "{}{} {} 室 · ¥{}",
                p.compound.name,
                p.unit_name,
                s.room,
                super::yuan(s.amount)
            );
            let title = format!("加装电梯费用账单已出：{topic}");
            crate::proposals::notify(
                &txn,
                self.now(),
                &accounts,
                "elevator.bill",
                &title,
                &topic,
                &format!("/elevators/{id}/bills/{}", s.household_id),
            )
            .await?;
        }
        txn.commit().await?;
        self.elevator_shares(actor, id).await
    }

    /// Releases a fixed table so the plan can change again, as long as nobody has paid.
    pub async fn release_elevator_shares(
        &self,
        actor: &Actor,
        id: i64,
        input: &FixSharesInput,
    ) -> ServiceResult<ShareTableView> {
        let p = self.load_project(id).await?;
        actor.require(Action::ManageProject, &p.path)?;
        if !p.shares_fixed() || p.stage >= ElevatorStage::Construction {
            return Err(ServiceError::invalid(
                "stage",
                Invalid::ProjectStage { stage: p.stage },
            ));
        }
        let txn = self.begin_write().await?;
        let update = elevator_project::Entity::update_many().col_expr(
            elevator_project::Column::SharesFixedAt,
            Expr::value(Option::<i64>::None),
        );
        update_versioned(&txn, &p, input.version, update).await?;
        let payments = elevator_payment::Entity::find()
            .filter(elevator_payment::Column::ProjectId.eq(id))
            .one(&txn)
            .await?;
        if payments.is_some() {
            return Err(ServiceError::invalid("coefficients", Invalid::SharesFixed));
        }
        let before = serde_json::json!({ "shares": Store::project_shares(&txn, id).await?.iter().map(|s| (s.household_id, s.amount)).collect::<Vec<_>>() });
        elevator_share::Entity::delete_many()
            .filter(elevator_share::Column::ProjectId.eq(id))
            .exec(&txn)
            .await?;
        Change::by(
            actor,
            p.compound.id,
            "elevator.release_shares",
            "elevator_project",
            id,
        )
        .before(before)
        .record(&txn)
        .await?;
        txn.commit().await?;
        self.elevator_shares(actor, id).await
    }

    /// "张三、李四" per household, from today's ownership records.
    pub(crate) async fn owner_names(
        &self,
        households: impl Iterator<Item = i64>,
    ) -> ServiceResult<BTreeMap<i64, String>> {
        let ids: Vec<i64> = households.collect();
        let owners = ownership::Entity::find()
            .filter(ownership::Column::HouseholdId.is_in(ids))
            .order_by_asc(ownership::Column::Id)
            .all(self.read())
            .await?;
        let people: BTreeMap<i64, String> = person::Entity::find()
            .filter(
                person::Column::Id.is_in(owners.iter().map(|o| o.person_id).collect::<Vec<_>>()),
            )
            .all(self.read())
            .await?
            .into_iter()
            .map(|p| (p.id, p.name))
            .collect();
        let mut out: BTreeMap<i64, String> = BTreeMap::new();
        for o in owners {
            let name = people.get(&o.person_id).cloned().unwrap_or_default();
            let entry = out.entry(o.household_id).or_default();
            if !entry.is_empty() {
                entry.push('、');
            }
            entry.push_str(&name);
        }
        Ok(out)
    }
}

/// A household's line of a fixed (or previewed) table, with what it paid and owes.
pub(crate) fn share_row(
    s: &elevator_share::Model,
    ledger: &super::Ledger,
    names: &BTreeMap<i64, String>,
) -> ShareRow {
    let paid = ledger.paid_by(s.household_id);
    let outstanding = (s.amount - paid).max(0);
    ShareRow {
        household_id: s.household_id,
        room: s.room.clone(),
        floor: s.floor,
        coefficient: Coefficient::new(s.coefficient_num, s.coefficient_den)
            .map(|c| c.to_string())
            .unwrap_or_default(),
        on_floor: s.on_floor,
        share: s.amount,
        share_yuan: yuan(s.amount),
        paid,
        paid_yuan: yuan(paid),
        outstanding,
        outstanding_yuan: yuan(outstanding),
        owners: names.get(&s.household_id).cloned().unwrap_or_default(),
    }
}

/// The path of a household of a project's compound.
pub(crate) fn household_path(p: &Loaded, h: &household::Model) -> linli_domain::place::Path {
    paths::household_path(&p.compound, h)
}
