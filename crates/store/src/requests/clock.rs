//! What the clock does: overdue requests escalate to the community (once each, with a
//! reminder in the notification outbox for the community's workers and the assignee), and
//! resolved requests the reporter has not confirmed close after their category's days.
//! `serve` calls [`Store::run_request_clock`] every minute; tests call it with any `now`.
//! Each request is one transaction, so a request being moved by a person at the same moment
//! is skipped (its update matches nothing) and picked up, if still due, a minute later.

use super::steps::{StepWrite, write_step};
use crate::Store;
use crate::entity::{request_category, service_request};
use crate::error::{ServiceError, ServiceResult};
use linli_domain::requests::{RequestStatus, RequestStep, Who};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

/// How many requests one pass handles at most (the rest wait for the next minute).
const BATCH: u64 = 500;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ClockReport {
    pub escalated: usize,
    pub closed: usize,
}

const SYSTEM: Who = Who {
    reporter: false,
    assignee: false,
    handler: false,
    supervisor: false,
    system: true,
};

impl Store {
    /// Escalates overdue requests and auto-closes resolved ones, as of `now`.
    pub async fn run_request_clock(&self, now: i64) -> ServiceResult<ClockReport> {
        Ok(ClockReport {
            escalated: self.escalate_overdue(now).await?,
            closed: self.auto_close_resolved(now).await?,
        })
    }

    /// Open requests past their deadline that have not met it and were never escalated.
    pub async fn escalate_overdue(&self, now: i64) -> ServiceResult<usize> {
        let open = [
            RequestStatus::Reported,
            RequestStatus::Dispatched,
            RequestStatus::InProgress,
            RequestStatus::Returned,
        ];
        let ids: Vec<i64> = service_request::Entity::find()
            .select_only()
            .column(service_request::Column::Id)
            .filter(service_request::Column::Status.is_in(open.map(|s| s.as_str())))
            .filter(service_request::Column::DueAt.lt(now))
            .filter(service_request::Column::MetAt.is_null())
            .filter(service_request::Column::EscalatedAt.is_null())
            .order_by_asc(service_request::Column::DueAt)
            .limit(BATCH)
            .into_tuple()
            .all(self.read())
            .await?;
        self.clock_step(&ids, RequestStep::Escalate, now).await
    }

    /// Resolved requests older than their category's `auto_close_days`.
    pub async fn auto_close_resolved(&self, now: i64) -> ServiceResult<usize> {
        let mut ids = Vec::new();
        for c in request_category::Entity::find().all(self.read()).await? {
            let before = now - i64::from(c.auto_close_days.max(1)) * 86_400;
            let mut some: Vec<i64> = service_request::Entity::find()
                .select_only()
                .column(service_request::Column::Id)
                .filter(service_request::Column::Status.eq(RequestStatus::Resolved.as_str()))
                .filter(service_request::Column::CategoryId.eq(c.id))
                .filter(service_request::Column::ResolvedAt.lt(before))
                .limit(BATCH)
                .into_tuple()
                .all(self.read())
                .await?;
            ids.append(&mut some);
        }
        self.clock_step(&ids, RequestStep::AutoClose, now).await
    }

    async fn clock_step(&self, ids: &[i64], step: RequestStep, now: i64) -> ServiceResult<usize> {
        let mut done = 0;
        for id in ids {
            let txn = self.begin_write().await?;
            let r = self.load_request(&txn, *id).await?;
            let Ok(to) = r.status().next(step, SYSTEM, r.row.assignee_id.is_some()) else {
                continue;
            };
            match write_step(&txn, &r, step, to, None, StepWrite::default(), now).await {
                Ok(()) => {
                    txn.commit().await?;
                    done += 1;
                }
                // Moved by someone in between: leave it to them.
                Err(ServiceError::Stale { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(done)
    }
}
