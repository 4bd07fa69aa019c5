//! The registry: regions, compounds, buildings, units, households, and the people in them.
//!
//! Inputs arrive as the strings a person typed (form fields or JSON), are parsed here into
//! domain types with every bad field collected, and are written with their audit record in
//! one transaction. Outputs are view structs shared by the HTML pages and the JSON API.

mod compounds;
mod households;
pub mod owner_names;
mod people;
mod persons;
mod pick;
mod rooms;
mod rows;
mod scope;
mod structure;

pub use compounds::*;
pub use households::*;
pub use people::*;
pub use persons::*;
pub use pick::*;
pub use rooms::*;
pub use rows::HouseholdAt;
pub(crate) use rows::*;
pub use structure::*;

use crate::Store;
use crate::entity::{compound, region};
use crate::error::ServiceResult;
use linli_domain::FieldError;
use linli_domain::place::NodeKind;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::HashMap;

/// One place on the way down from the city, for breadcrumbs.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlaceRef {
    pub kind: NodeKind,
    pub id: i64,
    pub name: String,
}

/// A stored level of the hierarchy (`region.kind`), read back as its type.
pub(crate) fn node_kind(text: String) -> Result<NodeKind, sea_orm::DbErr> {
    NodeKind::parse(&text).map_err(|_| sea_orm::DbErr::Type(format!("{text} is not a NodeKind")))
}

/// Parses one field, remembering its error so that every bad field is reported at once.
pub(crate) fn field<T, E>(
    errors: &mut Vec<FieldError>,
    name: &'static str,
    r: Result<T, E>,
) -> Option<T>
where
    E: Into<linli_domain::Invalid>,
{
    match r {
        Ok(v) => Some(v),
        Err(e) => {
            errors.push(FieldError::new(name, e.into()));
            None
        }
    }
}

/// Accepts `"5"` or `5` for a field a form sends as text and a script may send as a number.
pub fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum S {
        Str(String),
        Int(i64),
        Float(f64),
        Bool(bool),
    }
    Ok(match S::deserialize(d)? {
        S::Str(s) => s,
        S::Int(i) => i.to_string(),
        S::Float(f) => f.to_string(),
        S::Bool(b) => b.to_string(),
    })
}

pub fn lenient_opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum S {
        Str(String),
        Int(i64),
        Float(f64),
    }
    Ok(Option::<S>::deserialize(d)?.map(|s| match s {
        S::Str(s) => s,
        S::Int(i) => i.to_string(),
        S::Float(f) => f.to_string(),
    }))
}

impl Store {
    /// Building and unit names of units, by unit id, in one joined query: lists and pages
    /// show "3栋 1单元" for every household, and on SQLite each query costs more than the
    /// rest of a small page.
    pub(crate) async fn unit_labels(
        &self,
        unit_ids: impl IntoIterator<Item = i64>,
    ) -> ServiceResult<HashMap<i64, (i64, String, String)>> {
        use crate::entity::{building, unit};
        use sea_orm::{JoinType, QuerySelect};
        let ids: Vec<i64> = unit_ids.into_iter().collect();
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let rel: sea_orm::RelationDef = unit::Entity::belongs_to(building::Entity)
            .from(unit::Column::BuildingId)
            .to(building::Column::Id)
            .into();
        let q = unit::Entity::find()
            .select_only()
            .column(unit::Column::Id)
            .column(unit::Column::Name)
            .column(unit::Column::BuildingId)
            .column_as(building::Column::Name, "building_name")
            .join(JoinType::InnerJoin, rel)
            .filter(unit::Column::Id.is_in(ids));
        let rows = self
            .fetch(self.built(&q), |r| {
                Ok((r.int(0)?, r.text(1)?, r.int(2)?, r.text(3)?))
            })
            .await?;
        Ok(rows
            .into_iter()
            .map(|(u, un, b, bn)| (u, (b, bn, un)))
            .collect())
    }

    /// The chain of places from the city down to a compound, with names.
    pub(crate) async fn compound_places(
        &self,
        c: &compound::Model,
    ) -> ServiceResult<Vec<PlaceRef>> {
        let ids = [c.city_id, c.district_id, c.subdistrict_id, c.community_id];
        let q = region::Entity::find()
            .select_only()
            .columns([
                region::Column::Id,
                region::Column::Kind,
                region::Column::Name,
            ])
            .filter(region::Column::Id.is_in(ids));
        let regions = self
            .fetch(self.built(&q), |r| {
                Ok(PlaceRef {
                    id: r.int(0)?,
                    kind: node_kind(r.text(1)?)?,
                    name: r.text(2)?,
                })
            })
            .await?;
        let mut out: Vec<PlaceRef> = ids
            .iter()
            .filter_map(|id| regions.iter().find(|r| r.id == *id).cloned())
            .collect();
        out.push(PlaceRef {
            kind: NodeKind::Compound,
            id: c.id,
            name: c.name.clone(),
        });
        Ok(out)
    }
}
