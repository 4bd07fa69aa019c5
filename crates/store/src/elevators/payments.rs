//! Payments of households towards their shares: cash or transfer, with a receipt number
//! (once per project), the date, and who recorded it. The bill of a household is its line of
//! the fixed table with its payments.

use super::shares::{ShareRow, household_path};
use super::{Ledger, Paperwork, require_view, to_json, yuan};
use crate::Store;
use crate::accounts::Actor;
use crate::audit::Change;
use crate::entity::{elevator_payment, elevator_project, elevator_share, household};
use crate::error::{ServiceError, ServiceResult};
use linli_domain::authz::Action;
use linli_domain::elevator::{Blocker, PayMethod, ShareMode};
use linli_domain::registry::Text;
use linli_domain::{Fen, FieldError, Invalid};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PaymentInput {
    pub household_id: i64,
    /// Yuan as typed: "27480", "27,480.00".
    pub amount: String,
    /// `cash` or `transfer`.
    pub method: String,
    pub receipt_no: String,
    /// The day it was paid, "2024-05-01"; today (China time) when blank.
    #[serde(default)]
    pub paid_on: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PaymentView {
    pub id: i64,
    pub household_id: i64,
    pub amount: i64,
    pub amount_yuan: String,
    pub method: PayMethod,
    pub receipt_no: String,
    pub paid_on: String,
    pub recorded_by_name: String,
}

/// A household's bill: its line of the table, the project's figures, its payments.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BillView {
    pub project_id: i64,
    pub compound_name: String,
    pub unit_name: String,
    pub total_cost_yuan: String,
    pub subsidy_preset: linli_domain::elevator::SubsidyPreset,
    pub subsidy_yuan: String,
    pub amount_due_yuan: String,
    pub line: ShareRow,
    pub payments: Vec<PaymentView>,
    /// How the amount due is shared: with the line's floor, coefficient and flats on the
    /// floor, the API and the bill explain the household's share from it in words and figures.
    pub share_mode: ShareMode,
    /// The day the bill was printed (China date).
    pub issued_on: String,
    pub paperwork: Paperwork,
}

/// Voiding a payment: why (kept in the audit trail with the entry).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct VoidInput {
    pub reason: String,
}

fn payment_view(p: &elevator_payment::Model) -> PaymentView {
    PaymentView {
        id: p.id,
        household_id: p.household_id,
        amount: p.amount,
        amount_yuan: yuan(p.amount),
        method: p.method,
        receipt_no: p.receipt_no.clone(),
        paid_on: p.paid_on.clone(),
        recorded_by_name: p.recorded_by_name.clone(),
    }
}

/// "2024-05-01" as typed, or today in China when blank. Money is recorded once it has been
/// paid: a day after today is a mistake (a receipt dated six months ahead would be printed on
/// the bill as paid).
fn paid_on(s: &str, clock: &crate::Clock) -> Result<String, Invalid> {
    let s = s.trim();
    let today = clock.today();
    if s.is_empty() {
        return Ok(today.to_string());
    }
    let day = crate::clock::parse_day(s)?;
    if day > today {
        return Err(Invalid::DateNotYet {
            latest: today.to_string(),
        });
    }
    Ok(day.to_string())
}

/// A household's bill from its project's row and its line, issued today.
fn bill_view(
    row: &elevator_project::Model,
    (compound_name, unit_name): (&str, &str),
    line: ShareRow,
    payments: Vec<PaymentView>,
    today: time::Date,
) -> BillView {
    BillView {
        share_mode: row.share_mode,
        issued_on: today.to_string(),
        paperwork: Paperwork::of(row),
        project_id: row.id,
        compound_name: compound_name.into(),
        unit_name: unit_name.into(),
        total_cost_yuan: yuan(row.total_cost.unwrap_or(0)),
        subsidy_preset: row.subsidy_preset,
        subsidy_yuan: yuan(row.subsidy),
        amount_due_yuan: yuan(super::amount_due(row).0),
        line,
        payments,
    }
}

impl Store {
    /// Every household's bill of every project of a compound whose share table is fixed (or
    /// only the households still owing), project by project in the order of their tables: for
    /// printing them all at once. A fixed number of queries, whatever the number of projects.
    pub async fn compound_elevator_bills(
        &self,
        actor: &Actor,
        compound_id: i64,
        owing_only: bool,
    ) -> ServiceResult<Vec<BillView>> {
        let c = self.compound_row(compound_id).await?;
        actor.require(Action::ViewPublic, &crate::paths::compound_path(&c))?;
        let db = self.read();
        let projects = elevator_project::Entity::find()
            .filter(elevator_project::Column::CompoundId.eq(c.id))
            .filter(elevator_project::Column::SharesFixedAt.is_not_null())
            .order_by_asc(elevator_project::Column::Id)
            .all(db)
            .await?;
        let ids: Vec<i64> = projects.iter().map(|p| p.id).collect();
        let units = crate::registry::unit_names(db, c.id).await?;
        let mut shares: BTreeMap<i64, Vec<elevator_share::Model>> = BTreeMap::new();
        for s in elevator_share::Entity::find()
            .filter(elevator_share::Column::ProjectId.is_in(ids.clone()))
            .order_by_asc(elevator_share::Column::Floor)
            .order_by_asc(elevator_share::Column::HouseholdId)
            .all(db)
            .await?
        {
            shares.entry(s.project_id).or_default().push(s);
        }
        let mut ledgers: BTreeMap<i64, super::Ledger> = BTreeMap::new();
        let mut payments: BTreeMap<(i64, i64), Vec<PaymentView>> = BTreeMap::new();
        for r in elevator_payment::Entity::find()
            .filter(elevator_payment::Column::ProjectId.is_in(ids))
            .order_by_asc(elevator_payment::Column::Id)
            .all(db)
            .await?
        {
            *ledgers
                .entry(r.project_id)
                .or_insert_with(|| super::Ledger {
                    paid: BTreeMap::new(),
                })
                .paid
                .entry(r.household_id)
                .or_insert(0) += r.amount;
            payments
                .entry((r.project_id, r.household_id))
                .or_default()
                .push(payment_view(&r));
        }
        let households: BTreeMap<i64, household::Model> = household::Entity::find()
            .filter(household::Column::CompoundId.eq(c.id))
            .all(db)
            .await?
            .into_iter()
            .map(|h| (h.id, h))
            .collect();
        let may_see = |h: i64, unit_path: &linli_domain::place::Path| {
            households
                .get(&h)
                .map_or(actor.can(Action::ViewRegistry, unit_path), |h| {
                    actor.can(Action::ViewRegistry, &crate::paths::household_path(&c, h))
                })
        };
        let paths: BTreeMap<i64, linli_domain::place::Path> = projects
            .iter()
            .map(|p| (p.id, crate::paths::unit_path(&c, p.building_id, p.unit_id)))
            .collect();
        let named: Vec<i64> = projects
            .iter()
            .flat_map(|p| {
                shares
                    .get(&p.id)
                    .into_iter()
                    .flatten()
                    .map(move |s| (p.id, s.household_id))
            })
            .filter(|(pid, h)| paths.get(pid).is_some_and(|path| may_see(*h, path)))
            .map(|(_, h)| h)
            .collect();
        let names = self.owner_names(named.into_iter()).await?;
        let empty = super::Ledger {
            paid: BTreeMap::new(),
        };
        let mut bills = Vec::new();
        for p in &projects {
            let unit_name = units.get(&p.unit_id).cloned().unwrap_or_default();
            let ledger = ledgers.get(&p.id).unwrap_or(&empty);
            let Some(path) = paths.get(&p.id) else {
                continue;
            };
            for s in shares.get(&p.id).into_iter().flatten() {
                let visible = may_see(s.household_id, path);
                let line = super::shares::share_row(s, ledger, &names);
                if owing_only && line.outstanding <= 0 {
                    continue;
                }
                let paid = if visible {
                    payments.remove(&(p.id, s.household_id)).unwrap_or_default()
                } else {
                    Vec::new()
                };
                bills.push(bill_view(
                    p,
                    (&c.name, &unit_name),
                    line,
                    paid,
                    self.today(),
                ));
            }
        }
        Ok(bills)
    }

    /// Records a payment of a household of the project's unit, no more than it still owes.
    pub async fn record_elevator_payment(
        &self,
        actor: &Actor,
        id: i64,
        input: &PaymentInput,
    ) -> ServiceResult<PaymentView> {
        let p = self.load_project(id).await?;
        actor.require(Action::RecordPayment, &p.path)?;
        let h = household::Entity::find_by_id(input.household_id)
            .one(self.read())
            .await?;
        let h = h
            .filter(|h| h.unit_id == p.row.unit_id)
            .ok_or_else(|| FieldError::new("household_id", Invalid::OtherUnit))?;
        actor.require(Action::RecordPayment, &household_path(&p, &h))?;
        let mut errors = Vec::new();
        let amount = super::positive_yuan("amount", &input.amount, &mut errors);
        let method = match PayMethod::parse(&input.method) {
            Ok(m) if m.is_taken_in() => Some(m),
            Ok(_) => {
                errors.push(FieldError::new("pay_method", Invalid::BadChoice));
                None
            }
            Err(e) => {
                errors.push(FieldError::new("pay_method", e));
                None
            }
        };
        let receipt = Text::parse(&input.receipt_no, 40)
            .map_err(|e| errors.push(FieldError::new("receipt_no", e)))
            .ok();
        let day = paid_on(&input.paid_on, self.clock())
            .map_err(|e| errors.push(FieldError::new("paid_on", e)))
            .ok();
        if !p.shares_fixed() {
            errors.push(FieldError::new(
                "household_id",
                Invalid::StageBlocked {
                    blockers: vec![Blocker::SharesNotFixed],
                },
            ));
        }
        let (Some(amount), Some(method), Some(receipt), Some(day), true) =
            (amount, method, receipt, day, errors.is_empty())
        else {
            return Err(ServiceError::Invalid(errors));
        };
        let txn = self.begin_write().await?;
        // Lock the project row first: payments for one project are taken one at a time.
        super::lock_project(&txn, id).await?;
        let share = Store::project_shares(&txn, id)
            .await?
            .into_iter()
            .find(|s| s.household_id == h.id);
        let share = share.ok_or_else(|| FieldError::new("household_id", Invalid::OtherUnit))?;
        let owed = share.amount - Store::ledger(&txn, id).await?.paid_by(h.id);
        if amount.0 > owed {
            return Err(ServiceError::invalid(
                "amount",
                Invalid::OverDue {
                    outstanding: Fen(owed.max(0)),
                },
            ));
        }
        let taken = elevator_payment::Entity::find()
            .filter(elevator_payment::Column::ProjectId.eq(id))
            .filter(elevator_payment::Column::ReceiptNo.eq(receipt.as_str()))
            .one(&txn)
            .await?;
        if taken.is_some() {
            return Err(ServiceError::invalid("receipt_no", Invalid::Taken));
        }
        let pid = elevator_payment::Entity::insert(elevator_payment::ActiveModel {
            project_id: Set(id),
            household_id: Set(h.id),
            city_id: Set(h.city_id),
            amount: Set(amount.0),
            method: Set(method),
            receipt_no: Set(receipt.into_string()),
            paid_on: Set(day),
            recorded_by: Set(actor.account_id),
            recorded_by_name: Set(actor.name.clone()),
            created_at: Set(self.now()),
            ..Default::default()
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        let row = elevator_payment::Entity::find_by_id(pid)
            .one(&txn)
            .await?
            .ok_or(ServiceError::NotFound {
                entity: "elevator_payment",
            })?;
        Change::by(
            actor,
            p.compound.id,
            "elevator.payment",
            "elevator_project",
            id,
        )
        .after(to_json(&row)?)
        .record(&txn)
        .await?;
        // The residents' income in the project's fund account, in this transaction.
        crate::funds::mirror_elevator_payment(&txn, actor, &p.compound, &p.unit_name, &row, None)
            .await?;
        txn.commit().await?;
        Ok(payment_view(&row))
    }

    /// Voids a wrongly recorded payment. The ledger is append-only: the payment stays, and a
    /// correction entry of the opposite amount (receipt `VOID-<id>`) is added, with the reason
    /// in the audit trail. Only those who manage the project may, once per payment.
    pub async fn void_elevator_payment(
        &self,
        actor: &Actor,
        id: i64,
        payment_id: i64,
        input: &VoidInput,
    ) -> ServiceResult<PaymentView> {
        let p = self.load_project(id).await?;
        actor.require(Action::ManageProject, &p.path)?;
        let reason = Text::parse(&input.reason, 200).map_err(|e| FieldError::new("reason", e))?;
        let txn = self.begin_write().await?;
        super::lock_project(&txn, id).await?;
        let original = elevator_payment::Entity::find_by_id(payment_id)
            .one(&txn)
            .await?
            .filter(|x| x.project_id == id)
            .ok_or(ServiceError::NotFound {
                entity: "elevator_payment",
            })?;
        if !original.method.is_taken_in() || original.amount <= 0 {
            return Err(ServiceError::invalid("payment_id", Invalid::BadChoice));
        }
        let receipt = format!("VOID-{payment_id}");
        let voided = elevator_payment::Entity::find()
            .filter(elevator_payment::Column::ProjectId.eq(id))
            .filter(elevator_payment::Column::ReceiptNo.eq(receipt.clone()))
            .one(&txn)
            .await?;
        if voided.is_some() {
            return Err(ServiceError::invalid("payment_id", Invalid::Taken));
        }
        let vid = elevator_payment::Entity::insert(elevator_payment::ActiveModel {
            project_id: Set(id),
            household_id: Set(original.household_id),
            city_id: Set(original.city_id),
            amount: Set(-original.amount),
            method: Set(PayMethod::Correction),
            receipt_no: Set(receipt),
            paid_on: Set(super::china_date(self.now())),
            recorded_by: Set(actor.account_id),
            recorded_by_name: Set(actor.name.clone()),
            created_at: Set(self.now()),
            ..Default::default()
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        let row = elevator_payment::Entity::find_by_id(vid)
            .one(&txn)
            .await?
            .ok_or(ServiceError::NotFound {
                entity: "elevator_payment",
            })?;
        let mut after = to_json(&row)?;
        if let Some(o) = after.as_object_mut() {
            o.insert("voids".into(), serde_json::json!(payment_id));
            o.insert("reason".into(), serde_json::json!(reason.as_str()));
        }
        Change::by(
            actor,
            p.compound.id,
            "elevator.payment_void",
            "elevator_project",
            id,
        )
        .after(after)
        .record(&txn)
        .await?;
        crate::funds::mirror_elevator_payment(
            &txn,
            actor,
            &p.compound,
            &p.unit_name,
            &row,
            Some(payment_id),
        )
        .await?;
        txn.commit().await?;
        Ok(payment_view(&row))
    }

    /// Every payment of a project, newest first: for the committee and the collectors.
    pub async fn elevator_payments(
        &self,
        actor: &Actor,
        id: i64,
    ) -> ServiceResult<Vec<PaymentView>> {
        let p = self.load_project(id).await?;
        actor.require(Action::RecordPayment, &p.path)?;
        let rows = elevator_payment::Entity::find()
            .filter(elevator_payment::Column::ProjectId.eq(id))
            .order_by_desc(elevator_payment::Column::Id)
            .all(self.read())
            .await?;
        Ok(rows.iter().map(payment_view).collect())
    }

    /// A household's printable bill. Its line is public like the notice; its payments are
    /// shown to those who may see the household's records.
    pub async fn elevator_bill(
        &self,
        actor: &Actor,
        id: i64,
        household_id: i64,
    ) -> ServiceResult<BillView> {
        self.elevator_bills(actor, id, Some(household_id))
            .await?
            .pop()
            .ok_or(ServiceError::NotFound {
                entity: "household",
            })
    }

    /// Every household's bill (or only `only`'s), from one share table and one read of the
    /// payments, in the table's order.
    pub async fn elevator_bills(
        &self,
        actor: &Actor,
        id: i64,
        only: Option<i64>,
    ) -> ServiceResult<Vec<BillView>> {
        let p = self.load_project(id).await?;
        require_view(actor, &p)?;
        let rows = elevator_payment::Entity::find()
            .filter(elevator_payment::Column::ProjectId.eq(id))
            .order_by_asc(elevator_payment::Column::Id)
            .all(self.read())
            .await?;
        let table = self.share_table(actor, &p, &Ledger::of(&rows)).await?;
        let households: BTreeMap<i64, household::Model> = household::Entity::find()
            .filter(household::Column::UnitId.eq(p.row.unit_id))
            .all(self.read())
            .await?
            .into_iter()
            .map(|h| (h.id, h))
            .collect();
        let mut payments: BTreeMap<i64, Vec<PaymentView>> = BTreeMap::new();
        for r in &rows {
            payments
                .entry(r.household_id)
                .or_default()
                .push(payment_view(r));
        }
        let bills: Vec<BillView> = table
            .lines
            .into_iter()
            .filter(|l| only.is_none_or(|h| h == l.household_id))
            .map(|line| {
                // A household sold out of the unit since the table was fixed keeps its line;
                // its payments show to those who may see the unit's records.
                let may_see = households
                    .get(&line.household_id)
                    .map_or(actor.can(Action::ViewRegistry, &p.path), |h| {
                        actor.can(Action::ViewRegistry, &household_path(&p, h))
                    });
                let paid = if may_see {
                    payments.remove(&line.household_id).unwrap_or_default()
                } else {
                    Vec::new()
                };
                bill_view(
                    &p.row,
                    (&p.compound.name, &p.unit_name),
                    line,
                    paid,
                    self.today(),
                )
            })
            .collect();
        Ok(bills)
    }
}
