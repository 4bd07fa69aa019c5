//! The outbox as a queue: the lease of the one sender loop, the messages due, the answer of
//! each try, and what staff see of it.

use super::prefs::ensure_pref;
use crate::entity::{account, notification, notify_pref, role_grant, sender_lease};
use crate::{Actor, ServiceResult, Store};
use linli_domain::Lang;
use linli_domain::authz::Action;
use linli_domain::notify::{Channel, Delivery, QuietHours, backoff};
use linli_domain::place::NodeKind;
use linli_domain::registry::Phone;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use std::collections::HashMap;

/// A message to send now: the notification, where it goes and in which language.
#[derive(Debug, Clone)]
pub struct DueMessage {
    pub id: i64,
    pub account_id: i64,
    pub kind: String,
    /// The notification's own words (a proposal's title, a request's place).
    pub detail: String,
    /// The site-relative link, e.g. `/proposals/7`.
    pub link: String,
    pub channel: Channel,
    /// The full phone (text messages) or the e-mail address.
    pub address: String,
    pub lang: Lang,
    pub unsubscribe_token: String,
    /// The same on every try of this message: gateways and mail readers drop repeats by it.
    pub idempotency_key: String,
    pub attempts: i32,
}

/// What came of one try.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    /// Failed in a way that may pass (a timeout, a 5xx): try again after the backoff.
    Retry(String),
    /// Failed in a way that trying again cannot mend (a 4xx, a refused address).
    Failed(String),
}

/// One notification as staff see its delivery.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DeliveryView {
    pub id: i64,
    pub account_id: i64,
    pub recipient: String,
    pub kind: String,
    pub title: String,
    pub created_at: i64,
    /// pending | sent | dead | skipped
    pub delivery: linli_domain::notify::Delivery,
    pub channel: Option<linli_domain::notify::Channel>,
    pub attempts: i32,
    pub next_attempt_at: Option<i64>,
    pub sent_at: Option<i64>,
    pub last_error: Option<String>,
}

const OUTBOX_LEASE: &str = "outbox";

impl Store {
    /// Takes (or renews) the lease of the sender loop for `seconds`: `true` when `holder` now
    /// holds it. One row, one conditional UPDATE: of several servers on one database exactly
    /// one sends, and another takes over once a holder stops renewing.
    pub async fn take_sender_lease(&self, holder: &str, seconds: i64) -> ServiceResult<bool> {
        let now = self.now();
        let txn = self.begin_write().await?;
        let res = sender_lease::Entity::update_many()
            .col_expr(sender_lease::Column::Holder, Expr::value(holder))
            .col_expr(sender_lease::Column::Until, Expr::value(now + seconds))
            .filter(sender_lease::Column::Name.eq(OUTBOX_LEASE))
            .filter(
                Condition::any()
                    .add(sender_lease::Column::Until.lte(now))
                    .add(sender_lease::Column::Holder.eq(holder)),
            )
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(res.rows_affected == 1)
    }

    /// Gives the lease up (at shutdown), so another server takes over at once.
    pub async fn release_sender_lease(&self, holder: &str) -> ServiceResult<()> {
        let txn = self.begin_write().await?;
        sender_lease::Entity::update_many()
            .col_expr(sender_lease::Column::Until, Expr::value(0))
            .filter(sender_lease::Column::Name.eq(OUTBOX_LEASE))
            .filter(sender_lease::Column::Holder.eq(holder))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(())
    }

    /// The messages to send now, oldest first. Along the way, in one transaction: messages to
    /// people who chose no channel (or have no address for theirs) are marked `skipped`, and
    /// text messages in the quiet hours are put off to the end of them (no try is spent).
    pub async fn due_messages(
        &self,
        limit: u64,
        quiet: QuietHours,
    ) -> ServiceResult<Vec<DueMessage>> {
        let now = self.now();
        let txn = self.begin_write().await?;
        let rows = notification::Entity::find()
            .filter(notification::Column::Delivery.eq(Delivery::Pending))
            .filter(
                Condition::any()
                    .add(notification::Column::NextAttemptAt.is_null())
                    .add(notification::Column::NextAttemptAt.lte(now)),
            )
            .order_by_asc(notification::Column::Id)
            .limit(limit.clamp(1, 500))
            .all(&txn)
            .await?;
        let mut ids: Vec<i64> = rows.iter().map(|r| r.account_id).collect();
        ids.sort_unstable();
        ids.dedup();
        let accounts: HashMap<i64, account::Model> = account::Entity::find()
            .filter(account::Column::Id.is_in(ids.clone()))
            .all(&txn)
            .await?
            .into_iter()
            .map(|a| (a.id, a))
            .collect();
        let mut prefs: HashMap<i64, notify_pref::Model> = notify_pref::Entity::find()
            .filter(notify_pref::Column::AccountId.is_in(ids))
            .all(&txn)
            .await?
            .into_iter()
            .map(|p| (p.account_id, p))
            .collect();
        let minute = {
            let t = self.clock().china_now();
            u16::from(t.hour()) * 60 + u16::from(t.minute())
        };
        let (mut due, mut skipped, mut later) = (Vec::new(), Vec::new(), Vec::new());
        for n in rows {
            let Some(acc) = accounts.get(&n.account_id).filter(|a| !a.disabled) else {
                skipped.push(n.id);
                continue;
            };
            let pref = match prefs.get(&acc.id) {
                Some(p) => p.clone(),
                None => {
                    let p = ensure_pref(&txn, acc, now).await?;
                    prefs.insert(acc.id, p.clone());
                    p
                }
            };
            let channel = pref.channel;
            let address = match channel {
                Channel::Sms => acc
                    .phone
                    .as_deref()
                    .and_then(|p| Phone::parse(p).ok())
                    .map(|p| p.as_str().to_string()),
                Channel::Email => pref.email.clone(),
                Channel::None => None,
            };
            let Some(address) = address else {
                skipped.push(n.id);
                continue;
            };
            if channel == Channel::Sms && quiet.wait(minute).is_some() {
                later.push(n.id);
                continue;
            }
            due.push(DueMessage {
                id: n.id,
                account_id: acc.id,
                kind: n.kind,
                detail: n.topic.unwrap_or(n.title),
                link: n.link,
                channel,
                address,
                lang: pref.lang,
                unsubscribe_token: pref.unsubscribe_token.clone(),
                idempotency_key: n
                    .idempotency_key
                    .unwrap_or_else(|| format!("linli-n{}", n.id)),
                attempts: n.attempts,
            });
        }
        if !skipped.is_empty() {
            notification::Entity::update_many()
                .col_expr(
                    notification::Column::Delivery,
                    Expr::value(Delivery::Skipped),
                )
                .filter(notification::Column::Id.is_in(skipped))
                .filter(notification::Column::Delivery.eq(Delivery::Pending))
                .exec(&txn)
                .await?;
        }
        if !later.is_empty() {
            let wait = i64::from(quiet.wait(minute).unwrap_or(0)) * 60;
            notification::Entity::update_many()
                .col_expr(notification::Column::NextAttemptAt, Expr::value(now + wait))
                .filter(notification::Column::Id.is_in(later))
                .exec(&txn)
                .await?;
        }
        txn.commit().await?;
        Ok(due)
    }

    /// Records what came of one try of a message. After `max_attempts` tries (or a failure
    /// not worth retrying) the message is a dead letter: staff see it on the delivery page.
    pub async fn record_delivery(
        &self,
        m: &DueMessage,
        outcome: &Outcome,
        max_attempts: u32,
    ) -> ServiceResult<()> {
        let now = self.now();
        let attempts = m.attempts.saturating_add(1);
        let mut q = notification::Entity::update_many()
            .col_expr(notification::Column::Attempts, Expr::value(attempts))
            .col_expr(notification::Column::Channel, Expr::value(m.channel));
        q = match outcome {
            Outcome::Sent => q
                .col_expr(notification::Column::Delivery, Expr::value(Delivery::Sent))
                .col_expr(notification::Column::SentAt, Expr::value(now))
                .col_expr(
                    notification::Column::LastError,
                    Expr::value(Option::<String>::None),
                ),
            Outcome::Retry(e) if u32::try_from(attempts).unwrap_or(u32::MAX) < max_attempts => q
                .col_expr(
                    notification::Column::NextAttemptAt,
                    Expr::value(now + backoff(u32::try_from(m.attempts).unwrap_or(0))),
                )
                .col_expr(notification::Column::LastError, Expr::value(short(e))),
            Outcome::Retry(e) | Outcome::Failed(e) => q
                .col_expr(notification::Column::Delivery, Expr::value(Delivery::Dead))
                .col_expr(notification::Column::LastError, Expr::value(short(e))),
        };
        let txn = self.begin_write().await?;
        q.filter(notification::Column::Id.eq(m.id))
            .filter(notification::Column::Delivery.eq(Delivery::Pending))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(())
    }

    /// How many messages wait, per channel chosen so far (`None` = not yet tried).
    pub async fn outbox_backlog(&self) -> ServiceResult<Vec<(Option<String>, i64)>> {
        Ok(notification::Entity::find()
            .filter(notification::Column::Delivery.eq(Delivery::Pending))
            .select_only()
            .column(notification::Column::Channel)
            .column_as(notification::Column::Id.count(), "n")
            .group_by(notification::Column::Channel)
            .into_tuple()
            .all(self.read())
            .await?)
    }

    /// The deliveries of messages to the people under the places where the actor sees personal
    /// data (a committee its compound, a community worker the community), newest first;
    /// `state` narrows to pending, sent, dead or skipped.
    pub async fn deliveries(
        &self,
        actor: &Actor,
        state: Option<&str>,
        limit: u64,
    ) -> ServiceResult<Vec<DeliveryView>> {
        let places: Vec<String> = actor
            .grants
            .iter()
            .filter(|g| {
                g.at.target().is_some_and(|n| n.kind != NodeKind::Household)
                    && actor.can(Action::ViewPersonal, &g.at)
            })
            .map(|g| g.at.to_string())
            .collect();
        if places.is_empty() {
            return Err(crate::ServiceError::Forbidden);
        }
        let mut under = Condition::any();
        for p in &places {
            under = under
                .add(role_grant::Column::Path.eq(p.as_str()))
                .add(role_grant::Column::Path.starts_with(format!("{p}/")));
        }
        let mut q = notification::Entity::find().filter(
            notification::Column::AccountId.in_subquery(
                Query::select()
                    .column(role_grant::Column::AccountId)
                    .from(role_grant::Entity)
                    .cond_where(under)
                    .to_owned(),
            ),
        );
        if let Some(s) = state.and_then(|s| Delivery::parse(s).ok()) {
            q = q.filter(notification::Column::Delivery.eq(s));
        }
        let rows = q
            .order_by_desc(notification::Column::Id)
            .limit(limit.clamp(1, 500))
            .all(self.read())
            .await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.account_id).collect();
        let names: HashMap<i64, String> = account::Entity::find()
            .filter(account::Column::Id.is_in(ids))
            .select_only()
            .column(account::Column::Id)
            .column(account::Column::DisplayName)
            .into_tuple()
            .all(self.read())
            .await?
            .into_iter()
            .collect();
        Ok(rows
            .into_iter()
            .map(|n| DeliveryView {
                id: n.id,
                account_id: n.account_id,
                recipient: names.get(&n.account_id).cloned().unwrap_or_default(),
                kind: n.kind,
                title: n.title,
                created_at: n.created_at,
                delivery: n.delivery,
                channel: n.channel,
                attempts: n.attempts,
                next_attempt_at: n.next_attempt_at,
                sent_at: n.sent_at,
                last_error: n.last_error,
            })
            .collect())
    }
}

/// A gateway's answer as kept: the first 300 characters.
fn short(e: &str) -> String {
    e.chars().take(300).collect()
}
