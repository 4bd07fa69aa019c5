//! Buildings and units: the structure of a compound.

use super::households::HouseholdRow;
use super::{PlaceRef, field, lenient_opt_string};
use crate::accounts::Actor;
use crate::audit::Change;
use crate::entity::{building, compound, household, sub_compound, unit};
use crate::error::{ServiceError, ServiceResult};
use crate::{Store, paths};
use linli_domain::authz::Action;
use linli_domain::place::NodeKind;
use linli_domain::registry::Text;
use linli_domain::{Invalid, PageRequest, Paged};
use sea_orm::{ActiveValue::Set, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitSummary {
    pub id: i64,
    pub name: String,
    pub households: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BuildingView {
    pub id: i64,
    pub name: String,
    pub floors: Option<i32>,
    pub sub_compound: Option<String>,
    pub compound_id: i64,
    pub places: Vec<PlaceRef>,
    pub units: Vec<UnitSummary>,
    pub can: super::Permissions,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitView {
    pub id: i64,
    pub name: String,
    pub building_id: i64,
    pub building_name: String,
    pub compound_id: i64,
    pub places: Vec<PlaceRef>,
    #[schema(value_type = Object)]
    pub households: Paged<HouseholdRow>,
    pub can: super::Permissions,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct BuildingInput {
    pub name: String,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub floors: Option<String>,
    #[serde(default)]
    pub sub_compound_id: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct UnitInput {
    pub name: String,
}

impl Store {
    pub(crate) async fn building_row(
        &self,
        id: i64,
    ) -> ServiceResult<(compound::Model, building::Model)> {
        let b = building::Entity::find_by_id(id)
            .one(self.read())
            .await?
            .ok_or(ServiceError::NotFound { entity: "building" })?;
        let c = self.compound_row(b.compound_id).await?;
        Ok((c, b))
    }

    pub(crate) async fn unit_row(&self, id: i64) -> ServiceResult<(compound::Model, unit::Model)> {
        let u = unit::Entity::find_by_id(id)
            .one(self.read())
            .await?
            .ok_or(ServiceError::NotFound { entity: "unit" })?;
        let c = self.compound_row(u.compound_id).await?;
        Ok((c, u))
    }

    pub async fn building(&self, actor: &Actor, id: i64) -> ServiceResult<BuildingView> {
        let (c, b) = self.building_row(id).await?;
        let path = paths::building_path(&c, b.id);
        actor.require(Action::ViewRegistry, &path)?;
        let units = unit::Entity::find()
            .filter(unit::Column::BuildingId.eq(id))
            .order_by_asc(unit::Column::Id)
            .all(self.read())
            .await?;
        let counts = self
            .household_counts(
                household::Column::UnitId,
                units.iter().map(|u| u.id).collect(),
            )
            .await?;
        let sub = match b.sub_compound_id {
            Some(s) => sub_compound::Entity::find_by_id(s)
                .one(self.read())
                .await?
                .map(|s| s.name),
            None => None,
        };
        let mut places = self.compound_places(&c).await?;
        places.push(PlaceRef {
            kind: NodeKind::Building,
            id: b.id,
            name: b.name.clone(),
        });
        Ok(BuildingView {
            id: b.id,
            name: b.name,
            floors: b.floors,
            sub_compound: sub,
            compound_id: c.id,
            places,
            units: units
                .into_iter()
                .map(|u| UnitSummary {
                    households: counts.get(&u.id).copied().unwrap_or(0),
                    id: u.id,
                    name: u.name,
                })
                .collect(),
            can: super::Permissions::at(actor, &path),
        })
    }

    pub async fn unit(&self, actor: &Actor, id: i64, page: PageRequest) -> ServiceResult<UnitView> {
        let (c, u) = self.unit_row(id).await?;
        let path = paths::unit_path(&c, u.building_id, u.id);
        actor.require(Action::ViewRegistry, &path)?;
        let b = building::Entity::find_by_id(u.building_id)
            .one(self.read())
            .await?
            .ok_or(ServiceError::NotFound { entity: "building" })?;
        let households = self
            .household_rows(
                actor,
                Condition::all().add(household::Column::UnitId.eq(id)),
                page,
                &path,
            )
            .await?;
        let mut places = self.compound_places(&c).await?;
        places.push(PlaceRef {
            kind: NodeKind::Building,
            id: b.id,
            name: b.name.clone(),
        });
        places.push(PlaceRef {
            kind: NodeKind::Unit,
            id: u.id,
            name: u.name.clone(),
        });
        Ok(UnitView {
            id: u.id,
            name: u.name,
            building_id: b.id,
            building_name: b.name,
            compound_id: c.id,
            places,
            households,
            can: super::Permissions::at(actor, &path),
        })
    }

    pub async fn create_building(
        &self,
        actor: &Actor,
        compound_id: i64,
        input: &BuildingInput,
    ) -> ServiceResult<BuildingSummaryRef> {
        let c = self.compound_row(compound_id).await?;
        actor.require(Action::EditStructure, &paths::compound_path(&c))?;
        let mut e = Vec::new();
        let name = field(&mut e, "name", Text::parse(&input.name, 100));
        let floors = match input
            .floors
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => Some(None),
            Some(s) => field(
                &mut e,
                "floors",
                s.parse::<i32>()
                    .map_err(|_| Invalid::NotANumber)
                    .and_then(|n| {
                        if (1..=200).contains(&n) {
                            Ok(Some(n))
                        } else {
                            Err(Invalid::OutOfRange { min: 1, max: 200 })
                        }
                    }),
            ),
        };
        if let Some(sid) = input.sub_compound_id {
            let ok = sub_compound::Entity::find_by_id(sid)
                .one(self.read())
                .await?
                .is_some_and(|s| s.compound_id == compound_id);
            if !ok {
                e.push(linli_domain::FieldError::new(
                    "sub_compound_id",
                    Invalid::OtherCompound,
                ));
            }
        }
        let (Some(name), Some(floors), true) = (name, floors, e.is_empty()) else {
            return Err(ServiceError::Invalid(e));
        };
        let taken = building::Entity::find()
            .filter(building::Column::CompoundId.eq(compound_id))
            .filter(building::Column::Name.eq(name.as_str()))
            .one(self.read())
            .await?;
        if taken.is_some() {
            return Err(ServiceError::invalid("name", Invalid::Taken));
        }
        let txn = self.begin_write().await?;
        let id = building::Entity::insert(building::ActiveModel {
            compound_id: Set(compound_id),
            sub_compound_id: Set(input.sub_compound_id),
            name: Set(name.as_str().to_string()),
            floors: Set(floors),
            ..Default::default()
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        let after = serde_json::json!({
            "name": name.as_str(), "floors": floors, "compound_id": compound_id,
        });
        Change::by(actor, compound_id, "building.create", "building", id)
            .after(after)
            .record(&txn)
            .await?;
        txn.commit().await?;
        Ok(BuildingSummaryRef {
            id,
            name: name.into_string(),
        })
    }

    pub async fn create_unit(
        &self,
        actor: &Actor,
        building_id: i64,
        input: &UnitInput,
    ) -> ServiceResult<BuildingSummaryRef> {
        let (c, b) = self.building_row(building_id).await?;
        actor.require(Action::EditStructure, &paths::building_path(&c, b.id))?;
        let name =
            Text::parse(&input.name, 100).map_err(|e| linli_domain::FieldError::new("name", e))?;
        let taken = unit::Entity::find()
            .filter(unit::Column::BuildingId.eq(building_id))
            .filter(unit::Column::Name.eq(name.as_str()))
            .one(self.read())
            .await?;
        if taken.is_some() {
            return Err(ServiceError::invalid("name", Invalid::Taken));
        }
        let txn = self.begin_write().await?;
        let id = unit::Entity::insert(unit::ActiveModel {
            building_id: Set(building_id),
            compound_id: Set(c.id),
            name: Set(name.as_str().to_string()),
            ..Default::default()
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        Change::by(actor, c.id, "unit.create", "unit", id)
            .after(serde_json::json!({"name": name.as_str(), "building_id": building_id}))
            .record(&txn)
            .await?;
        txn.commit().await?;
        Ok(BuildingSummaryRef {
            id,
            name: name.into_string(),
        })
    }

    /// Units of a compound with their building's name, for the "move to" choice.
    pub async fn compound_units(&self, compound_id: i64) -> ServiceResult<Vec<(i64, String)>> {
        let buildings = building::Entity::find()
            .filter(building::Column::CompoundId.eq(compound_id))
            .all(self.read())
            .await?;
        let units = unit::Entity::find()
            .filter(unit::Column::CompoundId.eq(compound_id))
            .order_by_asc(unit::Column::BuildingId)
            .order_by_asc(unit::Column::Id)
            .all(self.read())
            .await?;
        Ok(units
            .into_iter()
            .map(|u| {
                let b = buildings
                    .iter()
                    .find(|b| b.id == u.building_id)
                    .map(|b| b.name.as_str())
                    .unwrap_or("");
                (u.id, format!("{b} {}", u.name))
            })
            .collect())
    }
}

/// The id and name of something just created.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BuildingSummaryRef {
    pub id: i64,
    pub name: String,
}

/// The units of a compound with their names ("1栋 2单元"), in building and unit order.
pub async fn unit_names<C: sea_orm::ConnectionTrait>(
    db: &C,
    compound_id: i64,
) -> ServiceResult<std::collections::BTreeMap<i64, String>> {
    let buildings: std::collections::BTreeMap<i64, String> = building::Entity::find()
        .filter(building::Column::CompoundId.eq(compound_id))
        .all(db)
        .await?
        .into_iter()
        .map(|b| (b.id, b.name))
        .collect();
    let units = unit::Entity::find()
        .filter(unit::Column::CompoundId.eq(compound_id))
        .order_by_asc(unit::Column::Id)
        .all(db)
        .await?;
    Ok(units
        .into_iter()
        .map(|u| {
            (
                u.id,
                format!(
                    "{} {}",
                    buildings
                        .get(&u.building_id)
                        .map(String::as_str)
                        .unwrap_or(""),
                    u.name
                ),
            )
        })
        .collect())
}
