//! Rubric versions: the first from a preset or typed in; every later one only from a
//! proposal of the compound that has passed, applying from a stated month.

use super::{decode_rubric, to_json};
use crate::accounts::Actor;
use crate::audit::Change;
use crate::entity::{proposal, rating_rubric};
use crate::error::{ServiceError, ServiceResult};
use crate::{Store, paths};
use linli_domain::Invalid;
use linli_domain::authz::Action;
use linli_domain::decision::ProposalStage;
use linli_domain::rating::{Month, Rubric, nanguo_preset};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};

/// A new rubric version.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct RubricInput {
    /// `nanguo` for the 南国新家园 rubric; empty when `rubric` is given.
    #[serde(default)]
    pub preset: String,
    /// The rubric itself (categories, items, vetoes, exemptions, flags, awards).
    #[serde(default)]
    #[schema(value_type = Object)]
    pub rubric: Option<Rubric>,
    /// The first month scored under it, `2024-05`.
    pub from_month: String,
    /// The passed proposal that adopted it; required for every version after the first.
    #[serde(default)]
    pub proposal_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RubricView {
    pub id: i64,
    pub version: i32,
    pub from_month: String,
    pub proposal_id: Option<i64>,
    #[schema(value_type = Object)]
    pub rubric: Rubric,
    pub created_at: i64,
}

pub(crate) fn rubric_view(row: &rating_rubric::Model) -> ServiceResult<RubricView> {
    Ok(RubricView {
        id: row.id,
        version: row.version,
        from_month: row.from_month.clone(),
        proposal_id: row.proposal_id,
        rubric: decode_rubric(row)?,
        created_at: row.created_at,
    })
}

impl Store {
    /// Every rubric version of a compound, oldest first. Open to anyone who sees the compound.
    pub async fn rubrics(&self, actor: &Actor, compound_id: i64) -> ServiceResult<Vec<RubricView>> {
        let c = self.compound_row(compound_id).await?;
        actor.require(Action::ViewPublic, &paths::compound_path(&c))?;
        let rows = rating_rubric::Entity::find()
            .filter(rating_rubric::Column::CompoundId.eq(c.id))
            .order_by_asc(rating_rubric::Column::Version)
            .all(self.read())
            .await?;
        rows.iter().map(rubric_view).collect()
    }

    /// Adopts a rubric version. The first may come from a preset; every later one must name a
    /// proposal of this compound that has passed.
    pub async fn adopt_rubric(
        &self,
        actor: &Actor,
        compound_id: i64,
        input: &RubricInput,
    ) -> ServiceResult<RubricView> {
        let c = self.compound_row(compound_id).await?;
        actor.require(Action::ManageRating, &paths::compound_path(&c))?;
        let from =
            Month::parse(&input.from_month).map_err(|e| ServiceError::invalid("month", e))?;
        let rubric = match (input.preset.trim(), &input.rubric) {
            ("nanguo", _) => nanguo_preset(),
            ("", Some(r)) => r.clone(),
            ("", None) => return Err(ServiceError::invalid("rubric", Invalid::Required)),
            _ => return Err(ServiceError::invalid("preset", Invalid::BadChoice)),
        };
        rubric.check().map_err(ServiceError::Invalid)?;
        let txn = self.begin_write().await?;
        let last = rating_rubric::Entity::find()
            .filter(rating_rubric::Column::CompoundId.eq(c.id))
            .order_by_desc(rating_rubric::Column::Version)
            .one(&txn)
            .await?;
        if last.is_some() || input.proposal_id.is_some() {
            let passed = match input.proposal_id {
                Some(pid) => proposal::Entity::find_by_id(pid)
                    .one(&txn)
                    .await?
                    .is_some_and(|p| p.compound_id == c.id && p.stage == ProposalStage::Passed),
                None => false,
            };
            if !passed {
                return Err(ServiceError::invalid("proposal_id", Invalid::NeedsDecision));
            }
        }
        let version = last.as_ref().map(|r| r.version + 1).unwrap_or(1);
        let id = rating_rubric::Entity::insert(rating_rubric::ActiveModel {
            compound_id: Set(c.id),
            version: Set(version),
            from_month: Set(from.to_string()),
            body: Set(serde_json::to_string(&rubric).map_err(anyhow::Error::from)?),
            proposal_id: Set(input.proposal_id),
            created_by: Set(actor.account_id),
            created_at: Set(self.now()),
            ..Default::default()
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        let row = rating_rubric::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or(ServiceError::NotFound {
                entity: "rating_rubric",
            })?;
        Change::by(actor, c.id, "rating.rubric", "rating_rubric", id)
            .after(to_json(&row)?)
            .record(&txn)
            .await?;
        txn.commit().await?;
        rubric_view(&row)
    }
}
