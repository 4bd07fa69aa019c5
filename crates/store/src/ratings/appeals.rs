//! Appeals: a unit contests one deduction (or veto) within the rubric's appeal period after
//! the month closes; the committee keeps or reverses it with its reason. A reversed mark no
//! longer counts, so the ranking changes at once; the month's stored ranking is replaced and
//! the audit record holds the ranking before and after.

use super::{snapshot, to_json};
use crate::accounts::Actor;
use crate::audit::Change;
use crate::entity::{rating_appeal, rating_mark, rating_month};
use crate::error::{ServiceError, ServiceResult};
use crate::{Store, paths};
use linli_domain::authz::Action;
use linli_domain::rating::AppealStatus;
use linli_domain::registry::Text;
use linli_domain::{FieldError, Invalid};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct AppealInput {
    /// The deduction or veto contested (a mark of one of the unit's sheets).
    pub mark_id: i64,
    pub reason: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct AppealDecisionInput {
    /// `true` to reverse the deduction, `false` to keep it.
    pub reverse: bool,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AppealView {
    pub id: i64,
    pub month_id: i64,
    pub mark_id: i64,
    pub unit_id: i64,
    pub reason: String,
    pub filer_name: String,
    pub filed_at: i64,
    /// `pending`, `kept` or `reversed`.
    pub status: linli_domain::rating::AppealStatus,
    pub decision_reason: Option<String>,
    pub decided_at: Option<i64>,
}

fn appeal_view(a: &rating_appeal::Model) -> AppealView {
    AppealView {
        id: a.id,
        month_id: a.month_id,
        mark_id: a.mark_id,
        unit_id: a.unit_id,
        reason: a.reason.clone(),
        filer_name: a.filer_name.clone(),
        filed_at: a.filed_at,
        status: a.status,
        decision_reason: a.decision_reason.clone(),
        decided_at: a.decided_at,
    }
}

impl Store {
    pub(crate) async fn appeals_of(
        &self,
        month_id: i64,
        unit_id: Option<i64>,
    ) -> ServiceResult<Vec<AppealView>> {
        let mut q =
            rating_appeal::Entity::find().filter(rating_appeal::Column::MonthId.eq(month_id));
        if let Some(u) = unit_id {
            q = q.filter(rating_appeal::Column::UnitId.eq(u));
        }
        Ok(q.order_by_asc(rating_appeal::Column::Id)
            .all(self.read())
            .await?
            .iter()
            .map(appeal_view)
            .collect())
    }

    /// The appeals of a month, oldest first.
    pub async fn rating_appeals(
        &self,
        actor: &Actor,
        month_id: i64,
    ) -> ServiceResult<Vec<AppealView>> {
        let m = self.load_month(month_id).await?;
        actor.require(Action::ViewPublic, &paths::compound_path(&m.compound))?;
        self.appeals_of(month_id, None).await
    }

    /// A unit's appeal against one deduction or veto. Anyone with a role in the unit (its
    /// residents, owners and unit head) may appeal, once per mark while one is pending.
    pub async fn file_appeal(
        &self,
        actor: &Actor,
        month_id: i64,
        input: &AppealInput,
    ) -> ServiceResult<AppealView> {
        let m = self.load_month(month_id).await?;
        let mark = rating_mark::Entity::find_by_id(input.mark_id)
            .one(self.read())
            .await?
            .filter(|mk| mk.month_id == m.row.id);
        let mark = mark.ok_or_else(|| ServiceError::invalid("mark_id", Invalid::BadChoice))?;
        let unit_path = self.unit_path_of(&m.compound, mark.unit_id).await?;
        actor.require(Action::Propose, &unit_path)?;
        let reason = Text::parse(&input.reason, 2000).map_err(|e| FieldError::new("reason", e))?;
        if !mark.kind.may_be_appealed() || mark.reversed {
            return Err(ServiceError::invalid("mark_id", Invalid::BadChoice));
        }
        if let Some(closed) = m.row.closed_at
            && self.now() > closed + i64::from(m.rubric.appeal_days) * 86_400
        {
            return Err(ServiceError::invalid(
                "mark_id",
                Invalid::AppealTooLate {
                    days: m.rubric.appeal_days,
                },
            ));
        }
        let txn = self.begin_write().await?;
        let pending = rating_appeal::Entity::find()
            .filter(rating_appeal::Column::MarkId.eq(mark.id))
            .filter(rating_appeal::Column::Status.eq(AppealStatus::Pending))
            .one(&txn)
            .await?;
        if pending.is_some() {
            return Err(ServiceError::invalid("mark_id", Invalid::Taken));
        }
        let id = rating_appeal::Entity::insert(rating_appeal::ActiveModel {
            month_id: Set(m.row.id),
            mark_id: Set(mark.id),
            unit_id: Set(mark.unit_id),
            reason: Set(reason.into_string()),
            filed_by: Set(actor.account_id),
            filer_name: Set(actor.name.clone()),
            filed_at: Set(self.now()),
            status: Set(AppealStatus::Pending),
            decision_reason: Set(None),
            decided_by: Set(None),
            decided_at: Set(None),
            ..Default::default()
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        let row = rating_appeal::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or(ServiceError::NotFound {
                entity: "rating_appeal",
            })?;
        Change::by(actor, m.compound.id, "rating.appeal", "rating_appeal", id)
            .after(to_json(&row)?)
            .record(&txn)
            .await?;
        txn.commit().await?;
        Ok(appeal_view(&row))
    }

    /// The committee keeps or reverses the contested deduction, with its reason. Reversing
    /// recomputes the month's ranking; the audit record holds the ranking before and after.
    pub async fn decide_appeal(
        &self,
        actor: &Actor,
        appeal_id: i64,
        input: &AppealDecisionInput,
    ) -> ServiceResult<AppealView> {
        let a = rating_appeal::Entity::find_by_id(appeal_id)
            .one(self.read())
            .await?
            .ok_or(ServiceError::NotFound {
                entity: "rating_appeal",
            })?;
        let m = self.load_month(a.month_id).await?;
        actor.require(Action::ManageRating, &paths::compound_path(&m.compound))?;
        let reason = Text::parse(&input.reason, 2000).map_err(|e| FieldError::new("reason", e))?;
        let status = if input.reverse {
            AppealStatus::Reversed
        } else {
            AppealStatus::Kept
        };
        let txn = self.begin_write().await?;
        let res = rating_appeal::Entity::update_many()
            .col_expr(rating_appeal::Column::Status, Expr::value(status))
            .col_expr(
                rating_appeal::Column::DecisionReason,
                Expr::value(reason.as_str()),
            )
            .col_expr(
                rating_appeal::Column::DecidedBy,
                Expr::value(actor.account_id),
            )
            .col_expr(rating_appeal::Column::DecidedAt, Expr::value(self.now()))
            .filter(rating_appeal::Column::Id.eq(a.id))
            .filter(rating_appeal::Column::Status.eq(AppealStatus::Pending))
            .exec(&txn)
            .await?;
        if res.rows_affected != 1 {
            return Err(ServiceError::invalid("decision", Invalid::Taken));
        }
        let before = self.compute_month(&txn, &m).await?;
        let before_ranking = snapshot(&before.ranked, &before.months);
        let mut after_ranking = before_ranking.clone();
        if input.reverse {
            rating_mark::Entity::update_many()
                .col_expr(rating_mark::Column::Reversed, Expr::value(true))
                .filter(rating_mark::Column::Id.eq(a.mark_id))
                .exec(&txn)
                .await?;
            let after = self.compute_month(&txn, &m).await?;
            after_ranking = snapshot(&after.ranked, &after.months);
            if m.closed() {
                rating_month::Entity::update_many()
                    .col_expr(
                        rating_month::Column::Result,
                        Expr::value(after_ranking.to_string()),
                    )
                    .col_expr(
                        rating_month::Column::Version,
                        Expr::col(rating_month::Column::Version).add(1),
                    )
                    .filter(rating_month::Column::Id.eq(m.row.id))
                    .exec(&txn)
                    .await?;
            }
        }
        let row = rating_appeal::Entity::find_by_id(a.id)
            .one(&txn)
            .await?
            .ok_or(ServiceError::NotFound {
                entity: "rating_appeal",
            })?;
        Change::by(
            actor,
            m.compound.id,
            "rating.appeal.decide",
            "rating_appeal",
            a.id,
        )
        .before(serde_json::json!({"appeal": to_json(&a)?, "ranking": before_ranking}))
        .after(serde_json::json!({"appeal": to_json(&row)?, "ranking": after_ranking}))
        .record(&txn)
        .await?;
        txn.commit().await?;
        Ok(appeal_view(&row))
    }
}
