//! Around the vote and after it: objections and the consent of affected owners (which a rule
//! may require before a vote can pass), the actions a decision becomes, the residents'
//! evaluation of the result ("效果共评"), and the notification outbox.

use super::require_view;
use crate::Store;
use crate::accounts::Actor;
use crate::audit::Change;
use crate::entity::{
    affected_consent, attachment, elector_household, evaluation, notification, objection, proposal,
    proposal_action, role_grant,
};
use crate::error::{ServiceError, ServiceResult};
use crate::files::NewFile;
use crate::registry::RoomsOf;
use linli_domain::authz::{Action, Role};
use linli_domain::decision::ProposalStage;
use linli_domain::notify::Delivery;
use linli_domain::place::NodeKind;
use linli_domain::registry::Text;
use linli_domain::{FieldError, Invalid};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::{Deserialize, Serialize};

pub use linli_domain::decision::Concern;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ObjectionInput {
    /// The household by its id, or by its room as people say it ("601", "1栋1单元601").
    #[serde(default)]
    pub household_id: Option<i64>,
    #[serde(default)]
    pub room: String,
    /// `light`, `ventilation`, `noise`, `access`, `cost` or `other`.
    pub concern: String,
    pub body: String,
}

/// The committee's answer to an objection.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct AnswerInput {
    pub answer: String,
    /// Compensation agreed with the household, if any ("一楼补偿 3000 元").
    #[serde(default)]
    pub compensation: String,
    #[serde(default)]
    pub resolved: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ObjectionView {
    pub id: i64,
    pub household_id: i64,
    pub household: String,
    /// What the objection is about (light, noise, cost…); the API adds `concern_label`.
    pub concern: linli_domain::decision::Concern,
    pub body: String,
    pub answer: Option<String>,
    pub compensation: Option<String>,
    pub resolved: bool,
    pub created_at: i64,
}

/// The written consent of an owner whose exclusive part (a window, a balcony) the plan uses.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ConsentInput {
    /// The household by its id, or by its room as people say it ("601", "1栋1单元601").
    #[serde(default)]
    pub household_id: Option<i64>,
    #[serde(default)]
    pub room: String,
    pub consented: bool,
    /// The signed consent's photo (required when consenting).
    #[serde(default)]
    pub evidence_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ConsentView {
    pub household_id: i64,
    pub household: String,
    pub consented: bool,
    pub evidence_id: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ActionInput {
    pub title: String,
    /// Who is responsible, as people say it ("楼栋长 陈叔", "安装公司").
    pub responsible: String,
    /// `YYYY-MM-DD`, optional.
    #[serde(default)]
    pub due_on: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ActionView {
    pub id: i64,
    pub title: String,
    pub responsible: String,
    pub due_on: Option<String>,
    pub done: bool,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct EvaluationInput {
    /// 1 (poor) to 5 (very good).
    pub rating: i32,
    #[serde(default)]
    pub comment: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EvaluationSummary {
    pub count: i64,
    /// Mean rating in tenths (42 = 4.2), exact integer rounding half up.
    pub mean_tenths: Option<i64>,
    pub comments: Vec<String>,
    pub mine: Option<i32>,
}

/// Everything around a proposal's vote and result, for its page.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FollowUp {
    pub objections: Vec<ObjectionView>,
    pub consents: Vec<ConsentView>,
    pub actions: Vec<ActionView>,
    pub evaluation: EvaluationSummary,
}

/// A line of "what needs me".
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NotificationView {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub link: String,
    pub created_at: i64,
    pub read: bool,
}

impl Store {
    /// Objections, consents, actions and evaluations of a proposal.
    pub async fn follow_up(&self, actor: &Actor, id: i64) -> ServiceResult<FollowUp> {
        let p = self.load_proposal(id).await?;
        require_view(actor, &p)?;
        let db = self.read();
        let labels = self.roll_labels(id).await?;
        let label = |h: i64| {
            labels
                .iter()
                .find(|(k, _)| *k == h)
                .map(|(_, l)| l.clone())
                .unwrap_or_else(|| format!("#{h}"))
        };
        let objections = objection::Entity::find()
            .filter(objection::Column::ProposalId.eq(id))
            .order_by_asc(objection::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(|o| ObjectionView {
                household: label(o.household_id),
                id: o.id,
                household_id: o.household_id,
                concern: o.concern,
                body: o.body,
                answer: o.answer,
                compensation: o.compensation,
                resolved: o.resolved,
                created_at: o.created_at,
            })
            .collect();
        let consents = affected_consent::Entity::find()
            .filter(affected_consent::Column::ProposalId.eq(id))
            .order_by_asc(affected_consent::Column::HouseholdId)
            .all(db)
            .await?
            .into_iter()
            .map(|c| ConsentView {
                household: label(c.household_id),
                household_id: c.household_id,
                consented: c.consented,
                evidence_id: c.evidence_id,
            })
            .collect();
        let actions = proposal_action::Entity::find()
            .filter(proposal_action::Column::ProposalId.eq(id))
            .order_by_asc(proposal_action::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(|a| ActionView {
                id: a.id,
                title: a.title,
                responsible: a.responsible,
                due_on: a.due_on,
                done: a.done,
            })
            .collect();
        let evals = evaluation::Entity::find()
            .filter(evaluation::Column::ProposalId.eq(id))
            .order_by_asc(evaluation::Column::Id)
            .all(db)
            .await?;
        let count = evals.len() as i64;
        let sum: i64 = evals.iter().map(|e| i64::from(e.rating)).sum();
        let evaluation = EvaluationSummary {
            count,
            mean_tenths: (count > 0).then(|| (sum * 20 + count) / (2 * count)),
            comments: evals
                .iter()
                .filter(|e| !e.comment.is_empty())
                .map(|e| e.comment.clone())
                .collect(),
            mine: evals
                .iter()
                .find(|e| e.account_id == actor.account_id)
                .map(|e| e.rating),
        };
        Ok(FollowUp {
            objections,
            consents,
            actions,
            evaluation,
        })
    }

    /// The households of the scope with their labels: from the frozen roll once voting has
    /// opened (objections are about households of the scope).
    async fn roll_labels(&self, id: i64) -> ServiceResult<Vec<(i64, String)>> {
        Ok(elector_household::Entity::find()
            .filter(elector_household::Column::ProposalId.eq(id))
            .select_only()
            .column(elector_household::Column::HouseholdId)
            .column(elector_household::Column::Label)
            .into_tuple()
            .all(self.read())
            .await?)
    }

    /// Records an objection raised by a household of the scope (by the household itself or
    /// by someone who goes door to door for it).
    pub async fn add_objection(
        &self,
        actor: &Actor,
        id: i64,
        input: &ObjectionInput,
    ) -> ServiceResult<ObjectionView> {
        let p = self.load_proposal(id).await?;
        // An owner names their own flat; whoever records for others may name any.
        let whose = if actor.can(Action::RecordBallot, &p.path) {
            RoomsOf::Any
        } else {
            RoomsOf::OwnOnly
        };
        let household_id = self
            .household_named(actor, &p, input.household_id, &input.room, whose)
            .await?;
        let own = actor.grants.iter().any(|g| {
            matches!(g.role, Role::Owner | Role::Resident)
                && g.at
                    .target()
                    .is_some_and(|n| n.kind == NodeKind::Household && n.id == household_id)
        });
        if !(own || actor.can(Action::RecordBallot, &p.path)) {
            return Err(ServiceError::Forbidden);
        }
        p.at_stage(&[ProposalStage::Deliberation, ProposalStage::Voting])?;
        let mut e = Vec::new();
        let concern = crate::registry::field(&mut e, "concern", Concern::parse(&input.concern));
        let body = crate::registry::field(&mut e, "body", Text::parse(&input.body, 2000));
        let (Some(concern), Some(body), true) = (concern, body, e.is_empty()) else {
            return Err(ServiceError::Invalid(e));
        };
        self.require_in_scope(&p, household_id).await?;
        let t = self.now();
        let txn = self.begin_write().await?;
        let oid = objection::Entity::insert(objection::ActiveModel {
            proposal_id: Set(id),
            household_id: Set(household_id),
            concern: Set(concern),
            body: Set(body.into_string()),
            answer: Set(None),
            compensation: Set(None),
            resolved: Set(false),
            recorded_by: Set(actor.account_id),
            created_at: Set(t),
            updated_at: Set(t),
            ..Default::default()
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        let row =
            objection::Entity::find_by_id(oid)
                .one(&txn)
                .await?
                .ok_or(ServiceError::NotFound {
                    entity: "objection",
                })?;
        Change::by(actor, p.compound.id, "objection.add", "proposal", id)
            .after(serde_json::to_value(&row).map_err(anyhow::Error::from)?)
            .record(&txn)
            .await?;
        txn.commit().await?;
        Ok(ObjectionView {
            id: oid,
            household_id: row.household_id,
            household: format!("#{}", row.household_id),
            concern: row.concern,
            body: row.body,
            answer: None,
            compensation: None,
            resolved: false,
            created_at: t,
        })
    }

    /// The committee answers an objection, records compensation, and marks it resolved or not.
    pub async fn answer_objection(
        &self,
        actor: &Actor,
        id: i64,
        objection_id: i64,
        input: &AnswerInput,
    ) -> ServiceResult<()> {
        let p = self.load_proposal(id).await?;
        actor.require(Action::ManageDecision, &p.path)?;
        if p.stage.is_decided() {
            return Err(ServiceError::invalid(
                "stage",
                Invalid::WrongStage { stage: p.stage },
            ));
        }
        let answer = Text::parse(&input.answer, 2000).map_err(|e| FieldError::new("answer", e))?;
        let compensation = Text::parse_optional(&input.compensation, 500)
            .map_err(|e| FieldError::new("compensation", e))?;
        let txn = self.begin_write().await?;
        let before = objection::Entity::find_by_id(objection_id)
            .one(&txn)
            .await?
            .filter(|o| o.proposal_id == id)
            .ok_or(ServiceError::NotFound {
                entity: "objection",
            })?;
        objection::Entity::update_many()
            .col_expr(objection::Column::Answer, Expr::value(answer.as_str()))
            .col_expr(
                objection::Column::Compensation,
                Expr::value(compensation.as_ref().map(|c| c.as_str().to_string())),
            )
            .col_expr(objection::Column::Resolved, Expr::value(input.resolved))
            .col_expr(objection::Column::UpdatedAt, Expr::value(self.now()))
            .filter(objection::Column::Id.eq(objection_id))
            .exec(&txn)
            .await?;
        let after = objection::Entity::find_by_id(objection_id)
            .one(&txn)
            .await?;
        crate::audit::record(
            &txn,
            crate::audit::Change {
                chain: p.compound.id,
                at: self.now(),
                actor: Some(actor.account_id),
                action: "objection.answer",
                entity: "proposal",
                entity_id: id,
                before: Some(serde_json::to_value(&before).map_err(anyhow::Error::from)?),
                after: after
                    .map(|a| serde_json::to_value(&a))
                    .transpose()
                    .map_err(anyhow::Error::from)?,
            },
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// The household an objection or consent names: its id, or its room (required).
    async fn household_named(
        &self,
        actor: &Actor,
        p: &super::Loaded,
        id: Option<i64>,
        room: &str,
        whose: RoomsOf,
    ) -> ServiceResult<i64> {
        match (id, room.trim()) {
            (Some(id), _) => Ok(id),
            (None, "") => Err(ServiceError::invalid("room", Invalid::Required)),
            (None, text) => {
                self.household_by_room(actor, &p.compound, &p.path, text, "room", whose)
                    .await
            }
        }
    }

    /// Records whether an affected owner consents in writing; a consent needs its photo.
    pub async fn record_consent(
        &self,
        actor: &Actor,
        id: i64,
        input: &ConsentInput,
    ) -> ServiceResult<()> {
        self.record_consent_with(actor, id, input, None).await
    }

    /// [`Store::record_consent`] with the photo of the signed page sent in the same form,
    /// stored in the consent's transaction, so a refused consent leaves no file behind.
    pub async fn record_consent_with(
        &self,
        actor: &Actor,
        id: i64,
        input: &ConsentInput,
        evidence: Option<NewFile>,
    ) -> ServiceResult<()> {
        let p = self.load_proposal(id).await?;
        if !(actor.can(Action::ManageDecision, &p.path) || actor.can(Action::RecordBallot, &p.path))
        {
            return Err(ServiceError::Forbidden);
        }
        let upload = self.prepare_evidence(actor, &p.compound, evidence).await?;
        if p.stage.is_decided()
            || matches!(
                p.stage,
                ProposalStage::Acting | ProposalStage::Evaluated | ProposalStage::Withdrawn
            )
        {
            return Err(ServiceError::invalid(
                "stage",
                Invalid::WrongStage { stage: p.stage },
            ));
        }
        let household_id = self
            .household_named(actor, &p, input.household_id, &input.room, RoomsOf::Any)
            .await?;
        if input.consented && input.evidence_id.is_none() && upload.is_none() {
            return Err(ServiceError::invalid("evidence_id", Invalid::Required));
        }
        if let Some(eid) = input.evidence_id {
            let ok = attachment::Entity::find_by_id(eid)
                .one(self.read())
                .await?
                .is_some_and(|a| a.compound_id == p.compound.id);
            if !ok {
                return Err(ServiceError::invalid("evidence_id", Invalid::BadChoice));
            }
        }
        self.require_in_scope(&p, household_id).await?;
        let txn = self.begin_write().await?;
        let evidence_id = match upload {
            Some(u) => Some(self.store_upload(&txn, actor, p.compound.id, u).await?.id),
            None => input.evidence_id,
        };
        affected_consent::Entity::delete_many()
            .filter(affected_consent::Column::ProposalId.eq(id))
            .filter(affected_consent::Column::HouseholdId.eq(household_id))
            .exec(&txn)
            .await?;
        affected_consent::Entity::insert(affected_consent::ActiveModel {
            proposal_id: Set(id),
            household_id: Set(household_id),
            consented: Set(input.consented),
            evidence_id: Set(evidence_id),
            recorded_by: Set(actor.account_id),
            created_at: Set(self.now()),
            ..Default::default()
        })
        .exec_without_returning(&txn)
        .await?;
        let after = serde_json::json!({ "household_id": household_id, "consented": input.consented, "evidence_id": evidence_id });
        Change::by(actor, p.compound.id, "consent.record", "proposal", id)
            .after(after)
            .record(&txn)
            .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Refuses a household outside the proposal's scope.
    async fn require_in_scope(&self, p: &super::Loaded, household_id: i64) -> ServiceResult<()> {
        let (c, h) = self
            .household_with_compound(household_id)
            .await
            .map_err(|_| ServiceError::invalid("household_id", Invalid::NotInElectorate))?;
        let inside = c.id == p.compound.id
            && match p.scope {
                super::Scope::Compound => true,
                super::Scope::Building => h.building_id == p.row.scope_id,
                super::Scope::Unit => h.unit_id == p.row.scope_id,
            };
        if inside {
            Ok(())
        } else {
            Err(ServiceError::invalid(
                "household_id",
                Invalid::NotInElectorate,
            ))
        }
    }

    /// A decided proposal becomes actions with someone responsible and a date.
    pub async fn add_action(
        &self,
        actor: &Actor,
        id: i64,
        input: &ActionInput,
    ) -> ServiceResult<ActionView> {
        let p = self.load_proposal(id).await?;
        actor.require(Action::ManageDecision, &p.path)?;
        p.at_stage(&[ProposalStage::Passed, ProposalStage::Acting])?;
        let mut e = Vec::new();
        let title = crate::registry::field(&mut e, "title", Text::parse(&input.title, 200));
        let responsible =
            crate::registry::field(&mut e, "responsible", Text::parse(&input.responsible, 100));
        let due = match input.due_on.trim() {
            "" => Some(None),
            d => crate::registry::field(&mut e, "due_on", parse_date(d).map(Some)),
        };
        let (Some(title), Some(responsible), Some(due), true) =
            (title, responsible, due, e.is_empty())
        else {
            return Err(ServiceError::Invalid(e));
        };
        let txn = self.begin_write().await?;
        let aid = proposal_action::Entity::insert(proposal_action::ActiveModel {
            proposal_id: Set(id),
            title: Set(title.into_string()),
            responsible: Set(responsible.into_string()),
            due_on: Set(due),
            done: Set(false),
            created_at: Set(self.now()),
            ..Default::default()
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        let row = proposal_action::Entity::find_by_id(aid)
            .one(&txn)
            .await?
            .ok_or(ServiceError::NotFound { entity: "action" })?;
        Change::by(actor, p.compound.id, "action.add", "proposal", id)
            .after(serde_json::to_value(&row).map_err(anyhow::Error::from)?)
            .record(&txn)
            .await?;
        txn.commit().await?;
        Ok(ActionView {
            id: row.id,
            title: row.title,
            responsible: row.responsible,
            due_on: row.due_on,
            done: row.done,
        })
    }

    /// Marks an action done (or not).
    pub async fn set_action_done(
        &self,
        actor: &Actor,
        id: i64,
        action_id: i64,
        done: bool,
    ) -> ServiceResult<()> {
        let p = self.load_proposal(id).await?;
        actor.require(Action::ManageDecision, &p.path)?;
        let txn = self.begin_write().await?;
        let res = proposal_action::Entity::update_many()
            .col_expr(proposal_action::Column::Done, Expr::value(done))
            .filter(proposal_action::Column::Id.eq(action_id))
            .filter(proposal_action::Column::ProposalId.eq(id))
            .exec(&txn)
            .await?;
        if res.rows_affected != 1 {
            return Err(ServiceError::NotFound { entity: "action" });
        }
        Change::by(actor, p.compound.id, "action.done", "proposal", id)
            .after(serde_json::json!({ "action_id": action_id, "done": done }))
            .record(&txn)
            .await?;
        txn.commit().await?;
        Ok(())
    }

    /// A resident of the scope rates the result once the decision is being (or has been)
    /// carried out; rating again replaces their earlier rating.
    pub async fn evaluate(
        &self,
        actor: &Actor,
        id: i64,
        input: &EvaluationInput,
    ) -> ServiceResult<()> {
        let p = self.load_proposal(id).await?;
        actor.require(Action::Propose, &p.path)?;
        p.at_stage(&[ProposalStage::Acting, ProposalStage::Evaluated])?;
        if !(1..=5).contains(&input.rating) {
            return Err(ServiceError::invalid(
                "rating",
                Invalid::OutOfRange { min: 1, max: 5 },
            ));
        }
        let comment = Text::parse_optional(&input.comment, 1000)
            .map_err(|e| FieldError::new("comment", e))?;
        let txn = self.begin_write().await?;
        evaluation::Entity::delete_many()
            .filter(evaluation::Column::ProposalId.eq(id))
            .filter(evaluation::Column::AccountId.eq(actor.account_id))
            .exec(&txn)
            .await?;
        evaluation::Entity::insert(evaluation::ActiveModel {
            proposal_id: Set(id),
            account_id: Set(actor.account_id),
            rating: Set(input.rating),
            comment: Set(comment.map(Text::into_string).unwrap_or_default()),
            created_at: Set(self.now()),
            ..Default::default()
        })
        .exec_without_returning(&txn)
        .await?;
        Change::by(actor, p.compound.id, "proposal.evaluate", "proposal", id)
            .after(serde_json::json!({ "rating": input.rating }))
            .record(&txn)
            .await?;
        txn.commit().await?;
        Ok(())
    }

    /// The actor's notifications, newest first (the last 100).
    pub async fn notifications(&self, actor: &Actor) -> ServiceResult<Vec<NotificationView>> {
        let rows = notification::Entity::find()
            .filter(notification::Column::AccountId.eq(actor.account_id))
            .order_by_desc(notification::Column::Id)
            .limit(100)
            .all(self.read())
            .await?;
        Ok(rows
            .into_iter()
            .map(|n| NotificationView {
                id: n.id,
                kind: n.kind,
                title: n.title,
                link: n.link,
                created_at: n.created_at,
                read: n.read_at.is_some(),
            })
            .collect())
    }

    /// Marks all of the actor's notifications read.
    pub async fn mark_notifications_read(&self, actor: &Actor) -> ServiceResult<u64> {
        let txn = self.begin_write().await?;
        let res = notification::Entity::update_many()
            .col_expr(notification::Column::ReadAt, Expr::value(self.now()))
            .filter(notification::Column::AccountId.eq(actor.account_id))
            .filter(notification::Column::ReadAt.is_null())
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(res.rows_affected)
    }

    /// Undelivered notifications, oldest first. The senders of `linli-notify` drain them
    /// through `Store::due_messages` and `Store::record_delivery` (module `delivery`); an
    /// outside sender may instead mark each sent with [`Store::mark_sent`].
    pub async fn outbox(&self, limit: u64) -> ServiceResult<Vec<notification::Model>> {
        Ok(notification::Entity::find()
            .filter(notification::Column::Delivery.eq(Delivery::Pending))
            .order_by_asc(notification::Column::Id)
            .limit(limit.min(1000))
            .all(self.read())
            .await?)
    }

    pub async fn mark_sent(&self, ids: &[i64]) -> ServiceResult<u64> {
        let txn = self.begin_write().await?;
        let res = notification::Entity::update_many()
            .col_expr(notification::Column::SentAt, Expr::value(self.now()))
            .col_expr(notification::Column::Delivery, Expr::value(Delivery::Sent))
            .filter(notification::Column::Id.is_in(ids.iter().copied()))
            .filter(notification::Column::Delivery.eq(Delivery::Pending))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(res.rows_affected)
    }
}

/// Queues a notification for every account holding an owner role on a household of the
/// frozen roll (voting opened) — inside the caller's transaction.
pub(crate) async fn notify_roll<C: ConnectionTrait>(
    txn: &C,
    at: i64,
    proposal_id: i64,
    kind: &str,
    title: &str,
    topic: &str,
) -> ServiceResult<()> {
    let households: Vec<i64> = elector_household::Entity::find()
        .filter(elector_household::Column::ProposalId.eq(proposal_id))
        .select_only()
        .column(elector_household::Column::HouseholdId)
        .into_tuple()
        .all(txn)
        .await?;
    let accounts = owner_accounts(txn, &households).await?;
    notify(
        txn,
        at,
        &accounts,
        kind,
        title,
        topic,
        &format!("/proposals/{proposal_id}"),
    )
    .await
}

/// The accounts of the owners of these households, each once, in id order.
pub(crate) async fn owner_accounts<C: ConnectionTrait>(
    txn: &C,
    households: &[i64],
) -> ServiceResult<Vec<i64>> {
    let mut accounts: Vec<i64> = Vec::new();
    for chunk in households.chunks(500) {
        let ids: Vec<i64> = role_grant::Entity::find()
            .filter(role_grant::Column::Role.eq(Role::Owner.as_str()))
            .filter(role_grant::Column::NodeKind.eq(NodeKind::Household.as_str()))
            .filter(role_grant::Column::NodeId.is_in(chunk.iter().copied()))
            .select_only()
            .column(role_grant::Column::AccountId)
            .into_tuple()
            .all(txn)
            .await?;
        accounts.extend(ids);
    }
    accounts.sort_unstable();
    accounts.dedup();
    Ok(accounts)
}

/// Queues one notification per account, inside the caller's transaction. `title` is the
/// line shown on the site; `topic` names the thing it is about (a proposal's title), from which
/// the senders write a message in the recipient's language.
pub(crate) async fn notify<C: ConnectionTrait>(
    txn: &C,
    at: i64,
    accounts: &[i64],
    kind: &str,
    title: &str,
    topic: &str,
    link: &str,
) -> ServiceResult<()> {
    let t = at;
    let title: String = title.chars().take(300).collect();
    let topic: String = topic.chars().take(300).collect();
    let rows: Vec<notification::ActiveModel> = accounts
        .iter()
        .map(|a| notification::ActiveModel {
            account_id: Set(*a),
            kind: Set(kind.into()),
            title: Set(title.clone()),
            link: Set(link.into()),
            created_at: Set(t),
            read_at: Set(None),
            sent_at: Set(None),
            delivery: Set(Delivery::Pending),
            attempts: Set(0),
            topic: Set(Some(topic.clone())),
            idempotency_key: Set(Some(format!("linli-{}", crate::accounts::random_hex(16)))),
            ..Default::default()
        })
        .collect();
    for chunk in rows.chunks(500) {
        notification::Entity::insert_many(chunk.iter().cloned())
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

/// The proposer's notification when the vote is decided.
pub(crate) async fn notify_proposer<C: ConnectionTrait>(
    txn: &C,
    at: i64,
    p: &proposal::Model,
    title: &str,
) -> ServiceResult<()> {
    notify(
        txn,
        at,
        &[p.proposer_id],
        "proposal.decided",
        title,
        &p.title,
        &format!("/proposals/{}", p.id),
    )
    .await
}

fn parse_date(s: &str) -> Result<String, Invalid> {
    linli_domain::calendar::Day::parse(s).map(|d| d.to_string())
}
