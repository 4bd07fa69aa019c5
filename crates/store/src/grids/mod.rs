//! Grids (网格) and micro-grids drawn over a compound's households ("一格一员": each grid has
//! a grid worker, with a party member, a building head and volunteers), seed S4's 1,400+
//! micro-grids. Each household is in at most one grid (`unique(household_id)`); assigning a
//! household to another grid moves it, and every move is audited with the grid it left.
//! Grid membership routes requests (a leak goes to the grid worker of its household's grid)
//! and fills a worker's "my grid" queue; what a person may do still follows from their roles.

use crate::accounts::Actor;
use crate::audit::Change;

use crate::entity::{account, grid, grid_household, grid_member, household};
use crate::error::{ServiceError, ServiceResult};
use crate::{Store, paths};
use linli_domain::authz::Action;
use linli_domain::registry::{Phone, Text};
use linli_domain::{FieldError, Invalid};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

pub use linli_domain::requests::GridRole;

/// One of a grid's people, by role and name.
#[derive(Debug, Clone)]
pub struct GridPerson {
    pub role: GridRole,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GridSummary {
    pub id: i64,
    pub name: String,
    pub parent_id: Option<i64>,
    pub households: u64,
    /// The API sends them in words as `people` ("网格员 周 · 志愿者 吴").
    #[serde(skip)]
    pub people: Vec<GridPerson>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GridList {
    pub compound_id: i64,
    pub compound_name: String,
    pub grids: Vec<GridSummary>,
    /// Households of the compound in no grid yet.
    pub unassigned: u64,
    pub can_manage: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GridMemberView {
    pub id: i64,
    pub account_id: i64,
    pub name: String,
    pub role: GridRole,
    /// In full for those who see personal data, masked for others.
    pub phone: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GridHouseholdRow {
    pub household_id: i64,
    /// "3栋 2单元 501".
    pub label: String,
    pub floor: i32,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GridView {
    pub id: i64,
    pub compound_id: i64,
    pub compound_name: String,
    pub parent_id: Option<i64>,
    pub name: String,
    pub note: String,
    pub members: Vec<GridMemberView>,
    pub households: Vec<GridHouseholdRow>,
    pub micro_grids: Vec<GridSummary>,
    pub can_manage: bool,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct GridInput {
    pub name: String,
    #[serde(default)]
    pub parent_id: Option<i64>,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct MemberInput {
    /// The person's login name or phone number.
    pub login: String,
    /// grid_worker | party_member | building_head | volunteer
    pub role: String,
}

/// Households to put into a grid: listed one by one, or every household of a building or unit.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct AssignInput {
    #[serde(default)]
    pub household_ids: Vec<i64>,
    #[serde(default)]
    pub building_id: Option<i64>,
    #[serde(default)]
    pub unit_id: Option<i64>,
}

impl Store {
    async fn grid_row(&self, id: i64) -> ServiceResult<grid::Model> {
        grid::Entity::find_by_id(id)
            .one(self.read())
            .await?
            .ok_or(ServiceError::NotFound { entity: "grid" })
    }

    /// A compound's grids. Anyone who may see its registry.
    pub async fn grids(&self, actor: &Actor, compound_id: i64) -> ServiceResult<GridList> {
        let c = self.compound_row(compound_id).await?;
        let cp = paths::compound_path(&c);
        actor.require(Action::ViewRegistry, &cp)?;
        let rows = grid::Entity::find()
            .filter(grid::Column::CompoundId.eq(c.id))
            .order_by_asc(grid::Column::Id)
            .all(self.read())
            .await?;
        let grids = self.grid_summaries(rows).await?;
        let assigned = grid_household::Entity::find()
            .filter(grid_household::Column::CompoundId.eq(c.id))
            .count(self.read())
            .await?;
        let all = household::Entity::find()
            .filter(household::Column::CompoundId.eq(c.id))
            .count(self.read())
            .await?;
        Ok(GridList {
            compound_id: c.id,
            compound_name: c.name,
            grids,
            unassigned: all.saturating_sub(assigned),
            can_manage: actor.can(Action::ManageGrid, &cp),
        })
    }

    async fn grid_summaries(&self, rows: Vec<grid::Model>) -> ServiceResult<Vec<GridSummary>> {
        let mut out = Vec::new();
        for g in rows {
            let households = grid_household::Entity::find()
                .filter(grid_household::Column::GridId.eq(g.id))
                .count(self.read())
                .await?;
            let members = grid_member::Entity::find()
                .filter(grid_member::Column::GridId.eq(g.id))
                .order_by_asc(grid_member::Column::Id)
                .all(self.read())
                .await?;
            let names = self
                .account_names(members.iter().map(|m| m.account_id))
                .await?;
            let people = members
                .iter()
                .map(|m| GridPerson {
                    role: m.role,
                    name: names.get(&m.account_id).cloned().unwrap_or_default(),
                })
                .collect();
            out.push(GridSummary {
                id: g.id,
                name: g.name,
                parent_id: g.parent_id,
                households,
                people,
            });
        }
        Ok(out)
    }

    /// A grid's page: its people (phones for those who see personal data) and households.
    pub async fn grid(&self, actor: &Actor, id: i64) -> ServiceResult<GridView> {
        let g = self.grid_row(id).await?;
        let c = self.compound_row(g.compound_id).await?;
        let cp = paths::compound_path(&c);
        actor.require(Action::ViewRegistry, &cp)?;
        let full_phones = actor.can(Action::ViewPersonal, &cp);
        let members = grid_member::Entity::find()
            .filter(grid_member::Column::GridId.eq(g.id))
            .order_by_asc(grid_member::Column::Id)
            .all(self.read())
            .await?;
        let accounts: HashMap<i64, account::Model> = account::Entity::find()
            .filter(account::Column::Id.is_in(members.iter().map(|m| m.account_id)))
            .all(self.read())
            .await?
            .into_iter()
            .map(|a| (a.id, a))
            .collect();
        let members = members
            .into_iter()
            .map(|m| {
                let a = accounts.get(&m.account_id);
                let phone = a.and_then(|a| a.phone.clone()).unwrap_or_default();
                GridMemberView {
                    id: m.id,
                    account_id: m.account_id,
                    name: a.map(|a| a.display_name.clone()).unwrap_or_default(),
                    role: m.role,
                    phone: if full_phones || phone.is_empty() {
                        phone
                    } else {
                        Phone::parse(&phone).map(|p| p.masked()).unwrap_or_default()
                    },
                }
            })
            .collect();
        let hh: Vec<i64> = grid_household::Entity::find()
            .filter(grid_household::Column::GridId.eq(g.id))
            .all(self.read())
            .await?
            .into_iter()
            .map(|x| x.household_id)
            .collect();
        let mut households = Vec::new();
        let names = crate::registry::unit_names(self.read(), c.id).await?;
        for h in household::Entity::find()
            .filter(household::Column::Id.is_in(hh))
            .order_by_asc(household::Column::UnitId)
            .order_by_asc(household::Column::Id)
            .all(self.read())
            .await?
        {
            households.push(GridHouseholdRow {
                household_id: h.id,
                label: format!(
                    "{} {}",
                    names.get(&h.unit_id).cloned().unwrap_or_default(),
                    h.room
                ),
                floor: h.floor,
            });
        }
        let micro = grid::Entity::find()
            .filter(grid::Column::ParentId.eq(g.id))
            .order_by_asc(grid::Column::Id)
            .all(self.read())
            .await?;
        Ok(GridView {
            id: g.id,
            compound_id: c.id,
            compound_name: c.name,
            parent_id: g.parent_id,
            name: g.name,
            note: g.note,
            members,
            households,
            micro_grids: self.grid_summaries(micro).await?,
            can_manage: actor.can(Action::ManageGrid, &cp),
        })
    }

    /// Draws a grid (or, with a parent, a micro-grid) in a compound.
    pub async fn create_grid(
        &self,
        actor: &Actor,
        compound_id: i64,
        input: &GridInput,
    ) -> ServiceResult<GridView> {
        let c = self.compound_row(compound_id).await?;
        actor.require(Action::ManageGrid, &paths::compound_path(&c))?;
        let mut errors = Vec::new();
        let name = Text::parse(&input.name, 100)
            .map_err(|e| errors.push(FieldError::new("name", e)))
            .ok();
        let note = Text::parse_optional(&input.note, 500)
            .map_err(|e| errors.push(FieldError::new("note", e)))
            .ok()
            .flatten();
        if let Some(p) = input.parent_id
            && grid::Entity::find_by_id(p)
                .one(self.read())
                .await?
                .is_none_or(|g| g.compound_id != c.id)
        {
            errors.push(FieldError::new("grid_id", Invalid::OtherCompound));
        }
        let Some(name) = name.filter(|_| errors.is_empty()) else {
            return Err(ServiceError::Invalid(errors));
        };
        let txn = self.begin_write().await?;
        let id = grid::Entity::insert(grid::ActiveModel {
            compound_id: Set(c.id),
            parent_id: Set(input.parent_id),
            name: Set(name.as_str().into()),
            note: Set(note.map(|n| n.as_str().to_string()).unwrap_or_default()),
            created_at: Set(self.now()),
            ..Default::default()
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        Change::by(actor, c.id, "grid.create", "grid", id)
            .after(serde_json::json!({"name": name.as_str(), "parent_id": input.parent_id}))
            .record(&txn)
            .await?;
        txn.commit().await?;
        self.grid(actor, id).await
    }

    /// Adds a person to a grid in a role.
    pub async fn add_grid_member(
        &self,
        actor: &Actor,
        grid_id: i64,
        input: &MemberInput,
    ) -> ServiceResult<GridView> {
        let g = self.grid_row(grid_id).await?;
        let c = self.compound_row(g.compound_id).await?;
        actor.require(Action::ManageGrid, &paths::compound_path(&c))?;
        let mut errors = Vec::new();
        let role = GridRole::parse(&input.role)
            .map_err(|_| {
                let why = if input.role.trim().is_empty() {
                    Invalid::Required
                } else {
                    Invalid::BadChoice
                };
                errors.push(FieldError::new("role", why));
            })
            .ok();
        let login = input.login.trim();
        let found = if login.is_empty() {
            errors.push(FieldError::new("login", Invalid::Required));
            None
        } else {
            let a = account::Entity::find()
                .filter(
                    sea_orm::Condition::any()
                        .add(account::Column::Username.eq(login))
                        .add(account::Column::Phone.eq(login)),
                )
                .one(self.read())
                .await?;
            if a.is_none() {
                errors.push(FieldError::new("login", Invalid::BadChoice));
            }
            a
        };
        let (Some(a), Some(role)) = (found.filter(|_| errors.is_empty()), role) else {
            return Err(ServiceError::Invalid(errors));
        };
        let txn = self.begin_write().await?;
        let res = grid_member::Entity::insert(grid_member::ActiveModel {
            grid_id: Set(g.id),
            account_id: Set(a.id),
            role: Set(role),
            created_at: Set(self.now()),
            ..Default::default()
        })
        .on_conflict(
            OnConflict::columns([
                grid_member::Column::GridId,
                grid_member::Column::AccountId,
                grid_member::Column::Role,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
        if res == 0 {
            return Err(ServiceError::invalid("login", Invalid::Taken));
        }
        Change::by(actor, c.id, "grid.member.add", "grid", g.id)
            .after(serde_json::json!({"account_id": a.id, "role": role.as_str()}))
            .record(&txn)
            .await?;
        txn.commit().await?;
        self.grid(actor, g.id).await
    }

    /// Removes a person from a grid.
    pub async fn remove_grid_member(
        &self,
        actor: &Actor,
        grid_id: i64,
        member_id: i64,
    ) -> ServiceResult<GridView> {
        let g = self.grid_row(grid_id).await?;
        let c = self.compound_row(g.compound_id).await?;
        actor.require(Action::ManageGrid, &paths::compound_path(&c))?;
        let m = grid_member::Entity::find_by_id(member_id)
            .one(self.read())
            .await?
            .filter(|m| m.grid_id == g.id)
            .ok_or(ServiceError::NotFound {
                entity: "grid_member",
            })?;
        let txn = self.begin_write().await?;
        grid_member::Entity::delete_by_id(m.id).exec(&txn).await?;
        Change::by(actor, c.id, "grid.member.remove", "grid", g.id)
            .before(serde_json::json!({"account_id": m.account_id, "role": m.role}))
            .after(serde_json::json!(null))
            .record(&txn)
            .await?;
        txn.commit().await?;
        self.grid(actor, g.id).await
    }

    /// Puts households into a grid, moving them from any grid they were in. One audit record
    /// lists every household with the grid it left.
    pub async fn assign_grid_households(
        &self,
        actor: &Actor,
        grid_id: i64,
        input: &AssignInput,
    ) -> ServiceResult<GridView> {
        let g = self.grid_row(grid_id).await?;
        let c = self.compound_row(g.compound_id).await?;
        actor.require(Action::ManageGrid, &paths::compound_path(&c))?;
        let mut q = household::Entity::find().filter(household::Column::CompoundId.eq(c.id));
        q = match (
            input.building_id,
            input.unit_id,
            input.household_ids.is_empty(),
        ) {
            (_, Some(u), _) => q.filter(household::Column::UnitId.eq(u)),
            (Some(b), None, _) => q.filter(household::Column::BuildingId.eq(b)),
            (None, None, false) => {
                q.filter(household::Column::Id.is_in(input.household_ids.iter().copied()))
            }
            (None, None, true) => {
                return Err(ServiceError::invalid("household_id", Invalid::Required));
            }
        };
        let households = q.all(self.read()).await?;
        if households.is_empty()
            || (input.building_id.is_none()
                && input.unit_id.is_none()
                && households.len() != input.household_ids.len())
        {
            // Some listed household is not of this compound.
            return Err(ServiceError::invalid(
                "household_id",
                Invalid::OtherCompound,
            ));
        }
        let ids: Vec<i64> = households.iter().map(|h| h.id).collect();
        let txn = self.begin_write().await?;
        let before: Vec<(i64, i64)> = grid_household::Entity::find()
            .filter(grid_household::Column::HouseholdId.is_in(ids.clone()))
            .all(&txn)
            .await?
            .into_iter()
            .map(|x| (x.household_id, x.grid_id))
            .collect();
        for chunk in ids.chunks(500) {
            grid_household::Entity::insert_many(chunk.iter().map(|h| {
                grid_household::ActiveModel {
                    household_id: Set(*h),
                    city_id: Set(c.city_id),
                    grid_id: Set(g.id),
                    compound_id: Set(c.id),
                    ..Default::default()
                }
            }))
            .on_conflict(
                OnConflict::column(grid_household::Column::HouseholdId)
                    .update_column(grid_household::Column::GridId)
                    .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
        }
        Change::by(actor, c.id, "grid.assign", "grid", g.id)
            .before(serde_json::json!({"from": before}))
            .after(serde_json::json!({"grid_id": g.id, "households": ids}))
            .record(&txn)
            .await?;
        txn.commit().await?;
        self.grid(actor, g.id).await
    }
}
