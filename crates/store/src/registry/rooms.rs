//! Finding a household by its room as people say it ("601", "1栋1单元601", "1-1-601"),
//! within a place (a compound, the unit a vote is about), so forms never ask for an id.

use crate::Store;
use crate::accounts::Actor;
use crate::entity::{compound, household};
use crate::error::{ServiceError, ServiceResult};
use crate::paths;
use linli_domain::authz::Role;
use linli_domain::place::{NodeKind, Path};
use linli_domain::registry::{RoomRef, place_key};
use linli_domain::{FieldError, Invalid};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde::Serialize;

/// The most flats a room picker lists. A place with more (a whole large compound) is named by
/// typing the room, which works at any size; the list would be too long to scroll on a phone
/// and too heavy to send.
pub const PICKER_MAX: u64 = 600;

/// A flat as the building → unit → room picker offers it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RoomChoice {
    pub household_id: i64,
    pub building: String,
    pub unit: String,
    pub room: String,
}

/// Who is asking: anyone who may act for any flat (a recorder), or an owner or resident who
/// may name only their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoomsOf {
    Any,
    OwnOnly,
}

impl Store {
    /// The one household of `within` (a compound's, building's or unit's path) that `text`
    /// names, reported at `field` when there is none or several. Of several, the actor's own
    /// flat is the one meant; with [`RoomsOf::OwnOnly`] only the actor's flats are candidates,
    /// and naming another is told as such, not as "not allowed".
    pub async fn household_by_room(
        &self,
        actor: &Actor,
        compound: &compound::Model,
        within: &Path,
        text: &str,
        field: &'static str,
        whose: RoomsOf,
    ) -> ServiceResult<i64> {
        let wanted = RoomRef::parse(text).map_err(|e| FieldError::new(field, e))?;
        let rows = household::Entity::find()
            .filter(household::Column::CompoundId.eq(compound.id))
            .filter(household::Column::Room.eq(wanted.room.as_str()))
            .all(self.read())
            .await?;
        let target = within.target();
        let rows: Vec<household::Model> = rows
            .into_iter()
            .filter(|h| target.is_none_or(|t| paths::household_path(compound, h).is_within(t)))
            .collect();
        let labels = self.unit_labels(rows.iter().map(|h| h.unit_id)).await?;
        let label = |h: &household::Model| {
            labels
                .get(&h.unit_id)
                .map_or_else(|| h.room.clone(), |(_, b, u)| format!("{b}{u}{}", h.room))
        };
        let matches = |h: &household::Model| {
            let Some((_, b, u)) = labels.get(&h.unit_id) else {
                return false;
            };
            wanted.building.as_ref().is_none_or(|k| place_key(b) == *k)
                && wanted.unit.as_ref().is_none_or(|k| place_key(u) == *k)
        };
        let own: Vec<i64> = actor
            .grants
            .iter()
            .filter(|g| matches!(g.role, Role::Owner | Role::Resident))
            .filter_map(|g| g.at.target())
            .filter(|n| n.kind == NodeKind::Household)
            .map(|n| n.id)
            .collect();
        let mut found: Vec<&household::Model> = rows.iter().filter(|h| matches(h)).collect();
        if whose == RoomsOf::OwnOnly {
            let any = !found.is_empty();
            found.retain(|h| own.contains(&h.id));
            if found.is_empty() && any {
                return Err(self.not_yours(&own, text, field).await?);
            }
        }
        let mine: Vec<&household::Model> = found
            .iter()
            .copied()
            .filter(|h| own.contains(&h.id))
            .collect();
        match (found.as_slice(), mine.as_slice()) {
            ([one], _) | (_, [one]) => Ok(one.id),
            ([], _) => Err(ServiceError::invalid(
                field,
                Invalid::NoSuchRoom {
                    room: text.trim().to_string(),
                },
            )),
            (many, _) => Err(ServiceError::invalid(
                field,
                Invalid::AmbiguousRoom {
                    room: text.trim().to_string(),
                    candidates: many.iter().map(|h| label(h)).collect::<Vec<_>>().join("、"),
                },
            )),
        }
    }

    /// "“101” is not your home; yours is 1栋1单元601".
    async fn not_yours(
        &self,
        own: &[i64],
        text: &str,
        field: &'static str,
    ) -> ServiceResult<ServiceError> {
        let homes = household::Entity::find()
            .filter(household::Column::Id.is_in(own.to_vec()))
            .all(self.read())
            .await?;
        let labels = self.unit_labels(homes.iter().map(|h| h.unit_id)).await?;
        let yours = homes
            .iter()
            .map(|h| {
                labels
                    .get(&h.unit_id)
                    .map_or_else(|| h.room.clone(), |(_, b, u)| format!("{b}{u}{}", h.room))
            })
            .collect::<Vec<_>>()
            .join("、");
        Ok(ServiceError::invalid(
            field,
            Invalid::NotYourRoom {
                room: text.trim().to_string(),
                yours,
            },
        ))
    }

    /// The households of a compound named by their rooms, separated by commas, 、 or new
    /// lines ("1栋1单元601、2-1-302"); the first room that names no flat, or several, is the error.
    pub async fn households_by_rooms(
        &self,
        actor: &Actor,
        compound_id: i64,
        rooms: &str,
        field: &'static str,
    ) -> ServiceResult<Vec<i64>> {
        let c = self.compound_row(compound_id).await?;
        let within = paths::compound_path(&c);
        let mut ids = Vec::new();
        for room in rooms
            .split([',', '，', '、', ';', '；', '\n'])
            .map(str::trim)
            .filter(|r| !r.is_empty())
        {
            ids.push(
                self.household_by_room(actor, &c, &within, room, field, RoomsOf::Any)
                    .await?,
            );
        }
        Ok(ids)
    }

    /// The flats of `within` (a compound's, building's or unit's path) for a picker, by
    /// building, unit, floor and room; empty when there are more than [`PICKER_MAX`].
    pub async fn room_choices(
        &self,
        compound: &compound::Model,
        within: &Path,
    ) -> ServiceResult<Vec<RoomChoice>> {
        let mut q = household::Entity::find().filter(household::Column::CompoundId.eq(compound.id));
        match within.target() {
            Some(n) if n.kind == NodeKind::Building => {
                q = q.filter(household::Column::BuildingId.eq(n.id));
            }
            Some(n) if n.kind == NodeKind::Unit => q = q.filter(household::Column::UnitId.eq(n.id)),
            Some(n) if n.kind == NodeKind::Household => {
                q = q.filter(household::Column::Id.eq(n.id))
            }
            _ => {}
        }
        if q.clone().count(self.read()).await? > PICKER_MAX {
            return Ok(Vec::new());
        }
        let rows = q
            .order_by_asc(household::Column::BuildingId)
            .order_by_asc(household::Column::UnitId)
            .order_by_asc(household::Column::Floor)
            .order_by_asc(household::Column::Room)
            .all(self.read())
            .await?;
        let labels = self.unit_labels(rows.iter().map(|h| h.unit_id)).await?;
        Ok(rows
            .into_iter()
            .map(|h| {
                let (building, unit) = labels
                    .get(&h.unit_id)
                    .map(|(_, b, u)| (b.clone(), u.clone()))
                    .unwrap_or_default();
                RoomChoice {
                    household_id: h.id,
                    building,
                    unit,
                    room: h.room,
                }
            })
            .collect())
    }

    /// A compound's flats for a picker (see [`Store::room_choices`]), for those who may see
    /// its registry.
    pub async fn compound_room_choices(
        &self,
        actor: &Actor,
        compound_id: i64,
    ) -> ServiceResult<Vec<RoomChoice>> {
        let c = self.compound_row(compound_id).await?;
        let within = paths::compound_path(&c);
        actor.require(linli_domain::authz::Action::ViewRegistry, &within)?;
        self.room_choices(&c, &within).await
    }

    /// A household's name as typed into forms: "1栋1单元601".
    pub async fn room_label(&self, household_id: i64) -> ServiceResult<String> {
        let h = household::Entity::find_by_id(household_id)
            .one(self.read())
            .await?
            .ok_or(ServiceError::NotFound {
                entity: "household",
            })?;
        let labels = self.unit_labels([h.unit_id]).await?;
        Ok(labels
            .get(&h.unit_id)
            .map_or_else(|| h.room.clone(), |(_, b, u)| format!("{b}{u}{}", h.room)))
    }
}
