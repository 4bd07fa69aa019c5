//! Payments of households towards their shares: cash or transfer, with a receipt number
//! (once per project), the date, and who recorded it. The bill of a household is its line of
//! the fixed table with its payments.

use super::shares::{ShareRow, household_path};
use super::{record, require_view, to_json, yuan};
use crate::accounts::Actor;
use crate::entity::{elevator_payment, elevator_project, household};
use crate::error::{ServiceError, ServiceResult};
use crate::{Store, now};
use linli_domain::authz::Action;
use linli_domain::elevator::Blocker;
use linli_domain::registry::Text;
use linli_domain::{Fen, FieldError, Invalid, Lang};
use sea_orm::sea_query::Expr;
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
    pub method: String,
    pub method_label: String,
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
    pub subsidy_preset_label: String,
    pub subsidy_yuan: String,
    pub amount_due_yuan: String,
    pub line: ShareRow,
    pub payments: Vec<PaymentView>,
}

/// The method of an entry that voids a wrongly recorded payment.
pub const CORRECTION: &str = "correction";

/// Voiding a payment: why (kept in the audit trail with the entry).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct VoidInput {
    pub reason: String,
}

fn method_label(method: &str, lang: Lang) -> &'static str {
    match method {
        "cash" => lang.pick("现金", "cash"),
        "transfer" => lang.pick("转账", "transfer"),
        CORRECTION => lang.pick("冲正（作废一笔错账）", "correction (voids a wrong entry)"),
        _ => "",
    }
}

fn payment_view(p: &elevator_payment::Model, lang: Lang) -> PaymentView {
    PaymentView {
        id: p.id,
        household_id: p.household_id,
        amount: p.amount,
        amount_yuan: yuan(p.amount),
        method_label: method_label(&p.method, lang).into(),
        method: p.method.clone(),
        receipt_no: p.receipt_no.clone(),
        paid_on: p.paid_on.clone(),
        recorded_by_name: p.recorded_by_name.clone(),
    }
}

/// "2024-05-01" as typed, or today in China when blank.
fn paid_on(s: &str) -> Result<String, Invalid> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(super::china_date(now()));
    }
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s, &fmt).map(|d| d.to_string()).map_err(|_| Invalid::BadDate)
}

impl Store {
    /// Records a payment of a household of the project's unit, no more than it still owes.
    pub async fn record_elevator_payment(&self, actor: &Actor, id: i64, input: &PaymentInput, lang: Lang) -> ServiceResult<PaymentView> {
        let p = self.load_project(id).await?;
        actor.require(Action::RecordPayment, &p.path)?;
        let h = household::Entity::find_by_id(input.household_id).one(self.read()).await?;
        let h = h.filter(|h| h.unit_id == p.row.unit_id).ok_or_else(|| FieldError::new("household_id", Invalid::OtherUnit))?;
        actor.require(Action::RecordPayment, &household_path(&p, &h))?;
        let mut errors = Vec::new();
        let amount = super::positive_yuan("amount", &input.amount, &mut errors);
        let method = match input.method.trim() {
            m @ ("cash" | "transfer") => m,
            "" => {
                errors.push(FieldError::new("pay_method", Invalid::Required));
                ""
            }
            _ => {
                errors.push(FieldError::new("pay_method", Invalid::BadChoice));
                ""
            }
        };
        let receipt = Text::parse(&input.receipt_no, 40).map_err(|e| errors.push(FieldError::new("receipt_no", e))).ok();
        let day = paid_on(&input.paid_on).map_err(|e| errors.push(FieldError::new("paid_on", e))).ok();
        if !p.shares_fixed() {
            errors.push(FieldError::new("household_id", Invalid::StageBlocked { blockers: vec![Blocker::SharesNotFixed] }));
        }
        let (Some(amount), Some(receipt), Some(day), true) = (amount, receipt, day, errors.is_empty()) else {
            return Err(ServiceError::Invalid(errors));
        };
        let txn = self.begin_write().await?;
        // Lock the project row first: payments for one project are taken one at a time.
        elevator_project::Entity::update_many()
            .col_expr(elevator_project::Column::StageSince, Expr::col(elevator_project::Column::StageSince))
            .filter(elevator_project::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        let share = Store::project_shares(&txn, id).await?.into_iter().find(|s| s.household_id == h.id);
        let share = share.ok_or_else(|| FieldError::new("household_id", Invalid::OtherUnit))?;
        let owed = share.amount - Store::ledger(&txn, id).await?.paid_by(h.id);
        if amount.0 > owed {
            return Err(ServiceError::invalid("amount", Invalid::OverDue { outstanding: Fen(owed.max(0)) }));
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
            amount: Set(amount.0),
            method: Set(method.into()),
            receipt_no: Set(receipt.into_string()),
            paid_on: Set(day),
            recorded_by: Set(actor.account_id),
            recorded_by_name: Set(actor.name.clone()),
            created_at: Set(now()),
            ..Default::default()
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        let row = elevator_payment::Entity::find_by_id(pid).one(&txn).await?.ok_or(ServiceError::NotFound { entity: "elevator_payment" })?;
        record(&txn, actor, p.compound.id, "elevator.payment", id, (None, Some(to_json(&row)?))).await?;
        // The residents' income in the project's fund account, in this transaction.
        crate::funds::mirror_elevator_payment(&txn, actor, p.compound.id, &p.unit_name, &row, None).await?;
        txn.commit().await?;
        Ok(payment_view(&row, lang))
    }

    /// Voids a wrongly recorded payment. The ledger is append-only: the payment stays, and a
    /// correction entry of the opposite amount (receipt `VOID-<id>`) is added, with the reason
    /// in the audit trail. Only those who manage the project may, once per payment.
    pub async fn void_elevator_payment(&self, actor: &Actor, id: i64, payment_id: i64, input: &VoidInput, lang: Lang) -> ServiceResult<PaymentView> {
        let p = self.load_project(id).await?;
        actor.require(Action::ManageProject, &p.path)?;
        let reason = Text::parse(&input.reason, 200).map_err(|e| FieldError::new("reason", e))?;
        let txn = self.begin_write().await?;
        elevator_project::Entity::update_many()
            .col_expr(elevator_project::Column::StageSince, Expr::col(elevator_project::Column::StageSince))
            .filter(elevator_project::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        let original = elevator_payment::Entity::find_by_id(payment_id)
            .one(&txn)
            .await?
            .filter(|x| x.project_id == id)
            .ok_or(ServiceError::NotFound { entity: "elevator_payment" })?;
        if original.method == CORRECTION || original.amount <= 0 {
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
            amount: Set(-original.amount),
            method: Set(CORRECTION.into()),
            receipt_no: Set(receipt),
            paid_on: Set(super::china_date(now())),
            recorded_by: Set(actor.account_id),
            recorded_by_name: Set(actor.name.clone()),
            created_at: Set(now()),
            ..Default::default()
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        let row = elevator_payment::Entity::find_by_id(vid).one(&txn).await?.ok_or(ServiceError::NotFound { entity: "elevator_payment" })?;
        let mut after = to_json(&row)?;
        if let Some(o) = after.as_object_mut() {
            o.insert("voids".into(), serde_json::json!(payment_id));
            o.insert("reason".into(), serde_json::json!(reason.as_str()));
        }
        record(&txn, actor, p.compound.id, "elevator.payment_void", id, (None, Some(after))).await?;
        crate::funds::mirror_elevator_payment(&txn, actor, p.compound.id, &p.unit_name, &row, Some(payment_id)).await?;
        txn.commit().await?;
        Ok(payment_view(&row, lang))
    }

    /// Every payment of a project, newest first: for the committee and the collectors.
    pub async fn elevator_payments(&self, actor: &Actor, id: i64, lang: Lang) -> ServiceResult<Vec<PaymentView>> {
        let p = self.load_project(id).await?;
        actor.require(Action::RecordPayment, &p.path)?;
        let rows = elevator_payment::Entity::find()
            .filter(elevator_payment::Column::ProjectId.eq(id))
            .order_by_desc(elevator_payment::Column::Id)
            .all(self.read())
            .await?;
        Ok(rows.iter().map(|r| payment_view(r, lang)).collect())
    }

    /// A household's printable bill. Its line is public like the notice; its payments are
    /// shown to those who may see the household's records.
    pub async fn elevator_bill(&self, actor: &Actor, id: i64, household_id: i64, lang: Lang) -> ServiceResult<BillView> {
        self.elevator_bills(actor, id, Some(household_id), lang).await?.pop().ok_or(ServiceError::NotFound { entity: "household" })
    }

    /// Every household's bill (or only `only`'s), from one share table and one read of the
    /// payments, in the table's order.
    pub async fn elevator_bills(&self, actor: &Actor, id: i64, only: Option<i64>, lang: Lang) -> ServiceResult<Vec<BillView>> {
        let table = self.elevator_shares(actor, id, lang).await?;
        let p = self.load_project(id).await?;
        require_view(actor, &p)?;
        let households: BTreeMap<i64, household::Model> =
            household::Entity::find().filter(household::Column::UnitId.eq(p.row.unit_id)).all(self.read()).await?.into_iter().map(|h| (h.id, h)).collect();
        let mut payments: BTreeMap<i64, Vec<PaymentView>> = BTreeMap::new();
        let rows = elevator_payment::Entity::find().filter(elevator_payment::Column::ProjectId.eq(id)).order_by_asc(elevator_payment::Column::Id).all(self.read()).await?;
        for r in &rows {
            payments.entry(r.household_id).or_default().push(payment_view(r, lang));
        }
        let bills: Vec<BillView> = table
            .lines
            .into_iter()
            .filter(|l| only.is_none_or(|h| h == l.household_id))
            .map(|line| {
                // A household sold out of the unit since the table was fixed keeps its line;
                // its payments show to those who may see the unit's records.
                let may_see = households.get(&line.household_id).map_or(actor.can(Action::ViewRegistry, &p.path), |h| actor.can(Action::ViewRegistry, &household_path(&p, h)));
                BillView {
                    project_id: id,
                    compound_name: table.compound_name.clone(),
                    unit_name: table.unit_name.clone(),
                    total_cost_yuan: table.total_cost_yuan.clone(),
                    subsidy_preset_label: table.subsidy_preset_label.clone(),
                    subsidy_yuan: table.subsidy_yuan.clone(),
                    amount_due_yuan: table.amount_due_yuan.clone(),
                    payments: if may_see { payments.remove(&line.household_id).unwrap_or_default() } else { Vec::new() },
                    line,
                }
            })
            .collect();
        Ok(bills)
    }
}
