//! The reminders that depend on the clock rather than on a change: a vote closing within a
//! day (to the households that have not voted), a service request falling due within a day
//! (to its assignee), a rating month ending within three days (to the scorers who have not
//! handed in a sheet). The sender loop queues them each pass; each is queued once, which the
//! outbox itself records (a notification of that kind and link for that person exists).

use crate::entity::{
    ballot, elector_household, notification, proposal, rating_month, rating_panel, rating_sheet,
    service_request,
};
use crate::proposals::{notify, owner_accounts};
use crate::{ServiceResult, Store};
use linli_domain::requests::RequestStatus;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::HashSet;

const DAY: i64 = 24 * 3600;

impl Store {
    /// Queues the reminders that are due now and were not queued before; returns how many
    /// notifications it queued.
    pub async fn queue_reminders(&self) -> ServiceResult<u32> {
        let now = self.now();
        let txn = self.begin_write().await?;
        let mut queued = 0u32;
        // Votes closing within a day.
        let closing = proposal::Entity::find()
            .filter(proposal::Column::Stage.eq("voting"))
            .filter(proposal::Column::VotingDeadline.gt(now))
            .filter(proposal::Column::VotingDeadline.lte(now + DAY))
            .all(&txn)
            .await?;
        for p in closing {
            let link = format!("/proposals/{}", p.id);
            let already = told(&txn, "voting.closing", &link).await?;
            if !already.is_empty() {
                continue;
            }
            let voted: HashSet<String> = ballot::Entity::find()
                .filter(ballot::Column::ProposalId.eq(p.id))
                .select_only()
                .column(ballot::Column::VoterKey)
                .into_tuple()
                .all(&txn)
                .await?
                .into_iter()
                .collect();
            let roll: Vec<(i64, String)> = elector_household::Entity::find()
                .filter(elector_household::Column::ProposalId.eq(p.id))
                .select_only()
                .column(elector_household::Column::HouseholdId)
                .column(elector_household::Column::VoterKey)
                .into_tuple()
                .all(&txn)
                .await?;
            let waiting: Vec<i64> = roll
                .into_iter()
                .filter(|(_, k)| !voted.contains(k))
                .map(|(h, _)| h)
                .collect();
            let accounts = owner_accounts(&txn, &waiting).await?;
            notify(
                &txn,
                self.now(),
                &accounts,
                "voting.closing",
                &format!("投票 24 小时内截止，请投票：{}", p.title),
                &p.title,
                &link,
            )
            .await?;
            queued += count(&accounts);
        }
        // Service requests falling due within a day.
        let open: Vec<&str> = RequestStatus::OPEN.iter().map(|s| s.as_str()).collect();
        let due = service_request::Entity::find()
            .filter(service_request::Column::Status.is_in(open))
            .filter(service_request::Column::AssigneeId.is_not_null())
            .filter(service_request::Column::DueAt.gt(now))
            .filter(service_request::Column::DueAt.lte(now + DAY))
            .all(&txn)
            .await?;
        for r in due {
            let (Some(a), link) = (r.assignee_id, format!("/requests/{}", r.id)) else {
                continue;
            };
            if told(&txn, "request.due", &link).await?.contains(&a) {
                continue;
            }
            let title = format!("报事将在 24 小时内到期：{}", r.place);
            notify(
                &txn,
                self.now(),
                &[a],
                "request.due",
                &title,
                &r.place,
                &link,
            )
            .await?;
            queued += 1;
        }
        // Rating months ending within three days (or already over, still open).
        let today = self.today();
        let months = rating_month::Entity::find()
            .filter(rating_month::Column::Status.eq("open"))
            .all(&txn)
            .await?;
        for m in months {
            let Some(end) = month_end(&m.month) else {
                continue;
            };
            if (end - today).whole_days() > 2 {
                continue;
            }
            let link = format!("/rating/months/{}", m.id);
            let already = told(&txn, "rating.sheets_due", &link).await?;
            let handed_in: HashSet<i64> = rating_sheet::Entity::find()
                .filter(rating_sheet::Column::MonthId.eq(m.id))
                .select_only()
                .column(rating_sheet::Column::PanelId)
                .into_tuple()
                .all(&txn)
                .await?
                .into_iter()
                .collect();
            let scorers: Vec<(i64, i64)> = rating_panel::Entity::find()
                .filter(rating_panel::Column::CompoundId.eq(m.compound_id))
                .filter(rating_panel::Column::Active.eq(true))
                .select_only()
                .column(rating_panel::Column::Id)
                .column(rating_panel::Column::AccountId)
                .into_tuple()
                .all(&txn)
                .await?;
            let to: Vec<i64> = scorers
                .into_iter()
                .filter(|(panel, a)| !handed_in.contains(panel) && !already.contains(a))
                .map(|(_, a)| a)
                .collect();
            notify(
                &txn,
                self.now(),
                &to,
                "rating.sheets_due",
                &format!("{} 文明评比打分表请在月底前提交", m.month),
                &m.month,
                &link,
            )
            .await?;
            queued += count(&to);
        }
        txn.commit().await?;
        Ok(queued)
    }
}

/// The accounts already told `kind` about `link`.
async fn told<C: ConnectionTrait>(txn: &C, kind: &str, link: &str) -> ServiceResult<HashSet<i64>> {
    Ok(notification::Entity::find()
        .filter(notification::Column::Kind.eq(kind))
        .filter(notification::Column::Link.eq(link))
        .select_only()
        .column(notification::Column::AccountId)
        .into_tuple()
        .all(txn)
        .await?
        .into_iter()
        .collect())
}

fn count(v: &[i64]) -> u32 {
    u32::try_from(v.len()).unwrap_or(u32::MAX)
}

/// The last day of a month written "2026-11".
fn month_end(month: &str) -> Option<time::Date> {
    let (y, m) = month.split_once('-')?;
    let month = time::Month::try_from(m.parse::<u8>().ok()?).ok()?;
    let first = time::Date::from_calendar_date(y.parse().ok()?, month, 1).ok()?;
    let days = first.month().length(first.year());
    time::Date::from_calendar_date(first.year(), first.month(), days).ok()
}
