//! The registry: regions, compounds, buildings, units, households, and the people in them.
//!
//! Inputs arrive as the strings a person typed (form fields or JSON), are parsed here into
//! domain types with every bad field collected, and are written with their audit record in
//! one transaction. Outputs are view structs shared by the HTML pages and the JSON API.

mod compounds;
mod households;
mod people;
mod scope;
mod structure;

pub use compounds::*;
pub use households::*;
pub use people::*;
pub use structure::*;

use crate::entity::{compound, region};
use crate::error::ServiceResult;
use crate::Store;
use linli_domain::FieldError;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Deserializer, Serialize};

/// One place on the way down from the city, for breadcrumbs.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlaceRef {
    pub kind: String,
    pub id: i64,
    pub name: String,
}

/// Parses one field, remembering its error so that every bad field is reported at once.
pub(crate) fn field<T, E>(errors: &mut Vec<FieldError>, name: &'static str, r: Result<T, E>) -> Option<T>
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
    /// The chain of places from the city down to a compound, with names.
    pub(crate) async fn compound_places(&self, c: &compound::Model) -> ServiceResult<Vec<PlaceRef>> {
        let ids = [c.city_id, c.district_id, c.subdistrict_id, c.community_id];
        let regions = region::Entity::find().filter(region::Column::Id.is_in(ids)).all(self.read()).await?;
        let mut out: Vec<PlaceRef> = ids
            .iter()
            .filter_map(|id| regions.iter().find(|r| r.id == *id))
            .map(|r| PlaceRef { kind: r.kind.clone(), id: r.id, name: r.name.clone() })
            .collect();
        out.push(PlaceRef { kind: "compound".into(), id: c.id, name: c.name.clone() });
        Ok(out)
    }
}
