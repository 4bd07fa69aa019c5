//! Payment reminders (催缴): the printed slips are `elevator_bills` with `owing`; this queues
//! the same reminder in the notification outbox for every owner with an account, so an SMS or
//! WeChat sender can deliver it to owners who live far away. One notification per owner per
//! household owing, linked to that household's bill; the batch is audited.

use super::{Loaded, yuan};
use crate::Store;
use crate::accounts::Actor;
use crate::audit::Change;
use crate::entity::notification;
use crate::error::{ServiceError, ServiceResult};
use crate::proposals::{notify, owner_accounts};
use linli_domain::Invalid;
use linli_domain::authz::Action;
use linli_domain::elevator::Blocker;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::Serialize;

/// What a batch of reminders reached.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReminderBatch {
    /// Households that still owe.
    pub households: u32,
    /// Notifications queued (owners with an account).
    pub notifications: u32,
    /// Households owing whose owners have no account: remind them on paper.
    pub on_paper: u32,
}

/// A project's reminders go out at most once a day, so a double tap does not send two.
const MIN_INTERVAL_SECS: i64 = 20 * 3600;
const KIND: &str = "elevator.reminder";

impl Store {
    /// Queues a reminder for the owners of every household that still owes.
    pub async fn remind_elevator_owing(
        &self,
        actor: &Actor,
        id: i64,
    ) -> ServiceResult<ReminderBatch> {
        let p: Loaded = self.load_project(id).await?;
        if !(actor.can(Action::RecordPayment, &p.path) || actor.can(Action::ManageProject, &p.path))
        {
            return Err(ServiceError::Forbidden);
        }
        if !p.shares_fixed() {
            return Err(ServiceError::invalid(
                "shares",
                Invalid::StageBlocked {
                    blockers: vec![Blocker::SharesNotFixed],
                },
            ));
        }
        let txn = self.begin_write().await?;
        let last: Option<i64> = notification::Entity::find()
            .filter(notification::Column::Kind.eq(KIND))
            .filter(notification::Column::Link.starts_with(format!("/elevators/{id}/bills/")))
            .select_only()
            .column_as(notification::Column::CreatedAt.max(), "last")
            .into_tuple::<Option<i64>>()
            .one(&txn)
            .await?
            .flatten();
        if last.is_some_and(|t| self.now() - t < MIN_INTERVAL_SECS) {
            return Err(ServiceError::invalid("reminders", Invalid::RemindedToday));
        }
        let shares = Store::project_shares(&txn, id).await?;
        let ledger = Store::ledger(&txn, id).await?;
        let (mut households, mut notifications, mut on_paper) = (0u32, 0u32, 0u32);
        for s in &shares {
            let owed = s.amount - ledger.paid_by(s.household_id);
            if owed <= 0 {
                continue;
            }
            households += 1;
            let accounts = owner_accounts(&txn, &[s.household_id]).await?;
            if accounts.is_empty() {
                on_paper += 1;
                continue;
            }
            let title = format!(
                "{}{} 加装电梯：{} 室尚欠 {} 元，请尽快缴纳",
                p.compound.name,
                p.unit_name,
                s.room,
                yuan(owed)
            );
            notify(
                &txn,
                self.now(),
                &accounts,
                KIND,
                &title,
                &format!(
                    "{}{} {} · ¥{}",
                    p.compound.name,
                    p.unit_name,
                    s.room,
                    yuan(owed)
                ),
                &format!("/elevators/{id}/bills/{}", s.household_id),
            )
            .await?;
            notifications += u32::try_from(accounts.len()).unwrap_or(u32::MAX);
        }
        let batch = ReminderBatch {
            households,
            notifications,
            on_paper,
        };
        Change::by(
            actor,
            p.compound.id,
            "elevator.remind",
            "elevator_project",
            id,
        )
        .after(super::to_json(&batch)?)
        .record(&txn)
        .await?;
        txn.commit().await?;
        Ok(batch)
    }
}
