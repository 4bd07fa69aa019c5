//! The scoring panel: scorers of the four parties, each with the unit they live in (if any),
//! which they may not score.

use super::to_json;
use crate::accounts::Actor;
use crate::audit::Change;
use crate::entity::{account, household, ownership, rating_panel, residency, unit};
use crate::error::{ServiceError, ServiceResult};
use crate::registry::PersonChoice;
use crate::{Store, paths};
use linli_domain::Invalid;
use linli_domain::authz::{Action, Role};
use linli_domain::place::NodeKind;
use linli_domain::rating::Party;
use linli_domain::registry::Text;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ScorerInput {
    /// The scorer's account, as picked from `GET /compounds/{id}/rating/panel/choices`.
    #[serde(default)]
    pub account_id: Option<i64>,
    /// Or the scorer's login name, when no account id is given.
    #[serde(default)]
    pub login: String,
    /// `community`, `property`, `owners_committee` or `residents`.
    pub party: String,
    /// The unit the scorer lives in, if it is not known from their home in linli.
    #[serde(default)]
    pub home_unit_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ScorerView {
    pub id: i64,
    pub account_id: i64,
    pub name: String,
    pub party: linli_domain::rating::Party,
    pub home_unit_id: Option<i64>,
}

pub(crate) fn scorer_view(p: &rating_panel::Model) -> ScorerView {
    ScorerView {
        id: p.id,
        account_id: p.account_id,
        name: p.name.clone(),
        party: p.party,
        home_unit_id: p.home_unit_id,
    }
}

impl Store {
    /// The active scorers of a compound.
    pub async fn panel(&self, actor: &Actor, compound_id: i64) -> ServiceResult<Vec<ScorerView>> {
        let c = self.compound_row(compound_id).await?;
        actor.require(Action::ViewPublic, &paths::compound_path(&c))?;
        let rows = rating_panel::Entity::find()
            .filter(rating_panel::Column::CompoundId.eq(c.id))
            .filter(rating_panel::Column::Active.eq(true))
            .order_by_asc(rating_panel::Column::Party)
            .order_by_asc(rating_panel::Column::Id)
            .all(self.read())
            .await?;
        Ok(rows.iter().map(scorer_view).collect())
    }

    /// Who may be seated on the compound's panel, by name: the people with a role in the
    /// compound or its community (see [`Store::people_with_roles`]).
    pub async fn scorer_choices(
        &self,
        actor: &Actor,
        compound_id: i64,
    ) -> ServiceResult<Vec<PersonChoice>> {
        let c = self.compound_row(compound_id).await?;
        actor.require(Action::ManageRating, &paths::compound_path(&c))?;
        self.people_with_roles(&c).await
    }

    /// Seats an account on the compound's panel for a party (or moves it to another party).
    pub async fn add_scorer(
        &self,
        actor: &Actor,
        compound_id: i64,
        input: &ScorerInput,
    ) -> ServiceResult<ScorerView> {
        let c = self.compound_row(compound_id).await?;
        actor.require(Action::ManageRating, &paths::compound_path(&c))?;
        let party = Party::parse(&input.party).map_err(|e| ServiceError::invalid("party", e))?;
        let acc = match input.account_id {
            Some(id) => account::Entity::find_by_id(id)
                .one(self.read())
                .await?
                .filter(|a| !a.disabled)
                .ok_or_else(|| ServiceError::invalid("account_id", Invalid::BadChoice))?,
            None => {
                let login =
                    Text::parse(&input.login, 40).map_err(|e| ServiceError::invalid("login", e))?;
                account::Entity::find()
                    .filter(account::Column::Username.eq(login.as_str()))
                    .one(self.read())
                    .await?
                    .filter(|a| !a.disabled)
                    .ok_or_else(|| ServiceError::invalid("login", Invalid::BadChoice))?
            }
        };
        if let Some(u) = input.home_unit_id {
            let ok = unit::Entity::find_by_id(u)
                .one(self.read())
                .await?
                .is_some_and(|u| u.compound_id == c.id);
            if !ok {
                return Err(ServiceError::invalid("unit_id", Invalid::OtherCompound));
            }
        }
        let txn = self.begin_write().await?;
        let existing = rating_panel::Entity::find()
            .filter(rating_panel::Column::CompoundId.eq(c.id))
            .filter(rating_panel::Column::AccountId.eq(acc.id))
            .one(&txn)
            .await?;
        let before = existing.as_ref().map(to_json).transpose()?;
        let id = match existing {
            Some(p) => {
                rating_panel::Entity::update(rating_panel::ActiveModel {
                    id: Set(p.id),
                    party: Set(party),
                    home_unit_id: Set(input.home_unit_id),
                    active: Set(true),
                    ..Default::default()
                })
                .exec(&txn)
                .await?;
                p.id
            }
            None => {
                rating_panel::Entity::insert(rating_panel::ActiveModel {
                    compound_id: Set(c.id),
                    account_id: Set(acc.id),
                    party: Set(party),
                    name: Set(acc.display_name.clone()),
                    home_unit_id: Set(input.home_unit_id),
                    active: Set(true),
                    created_at: Set(self.now()),
                    ..Default::default()
                })
                .exec(&txn)
                .await?
                .last_insert_id
            }
        };
        let row = rating_panel::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or(ServiceError::NotFound {
                entity: "rating_panel",
            })?;
        Change::by(actor, c.id, "rating.panel", "rating_panel", id)
            .before(before)
            .after(to_json(&row)?)
            .record(&txn)
            .await?;
        txn.commit().await?;
        Ok(scorer_view(&row))
    }

    /// The actor's seat on a compound's panel, if any.
    pub(crate) async fn panel_seat(
        &self,
        actor: &Actor,
        compound_id: i64,
    ) -> ServiceResult<Option<rating_panel::Model>> {
        Ok(rating_panel::Entity::find()
            .filter(rating_panel::Column::CompoundId.eq(compound_id))
            .filter(rating_panel::Column::AccountId.eq(actor.account_id))
            .filter(rating_panel::Column::Active.eq(true))
            .one(self.read())
            .await?)
    }

    /// The units a scorer lives in or heads: the seat's declared unit, the units of their
    /// owner, resident and unit-head roles, and the homes their person owns or lives in.
    pub(crate) async fn own_units(
        &self,
        actor: &Actor,
        seat: &rating_panel::Model,
    ) -> ServiceResult<BTreeSet<i64>> {
        let mut units: BTreeSet<i64> = seat.home_unit_id.into_iter().collect();
        for g in &actor.grants {
            if matches!(g.role, Role::Owner | Role::Resident | Role::UnitHead) {
                units.extend(
                    g.at.nodes()
                        .iter()
                        .filter(|n| n.kind == NodeKind::Unit)
                        .map(|n| n.id),
                );
            }
        }
        let person = account::Entity::find_by_id(actor.account_id)
            .one(self.read())
            .await?
            .and_then(|a| a.person_id);
        if let Some(pid) = person {
            let mut homes: Vec<i64> = ownership::Entity::find()
                .filter(ownership::Column::PersonId.eq(pid))
                .all(self.read())
                .await?
                .into_iter()
                .map(|o| o.household_id)
                .collect();
            homes.extend(
                residency::Entity::find()
                    .filter(residency::Column::PersonId.eq(pid))
                    .filter(residency::Column::MovedOut.is_null())
                    .all(self.read())
                    .await?
                    .into_iter()
                    .map(|r| r.household_id),
            );
            if !homes.is_empty() {
                let hs = household::Entity::find()
                    .filter(household::Column::Id.is_in(homes))
                    .all(self.read())
                    .await?;
                units.extend(hs.into_iter().map(|h| h.unit_id));
            }
        }
        Ok(units)
    }
}
