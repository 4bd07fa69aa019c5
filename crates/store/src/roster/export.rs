//! The roster as stored, read back as rows of the exported columns, for
//! [`linli_sheet::roster::write`] to write as `.xlsx` or `.csv`.

use crate::Store;
use crate::entity::{building, household, ownership, person, unit};
use crate::error::ServiceResult;
use linli_domain::{Area, Lang};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

impl Store {
    /// A compound's roster as rows of the exported columns, ordered by building, unit, floor
    /// and room. The caller has checked the actor.
    pub(crate) async fn roster_rows(&self, compound_id: i64) -> ServiceResult<Vec<[String; 9]>> {
        let db = self.read();
        let buildings: HashMap<i64, String> = building::Entity::find()
            .filter(building::Column::CompoundId.eq(compound_id))
            .all(db)
            .await?
            .into_iter()
            .map(|b| (b.id, b.name))
            .collect();
        let units: HashMap<i64, String> = unit::Entity::find()
            .filter(unit::Column::CompoundId.eq(compound_id))
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect();
        let rows = household::Entity::find()
            .filter(household::Column::CompoundId.eq(compound_id))
            .order_by_asc(household::Column::BuildingId)
            .order_by_asc(household::Column::UnitId)
            .order_by_asc(household::Column::Floor)
            .order_by_asc(household::Column::Room)
            .all(db)
            .await?;
        let of_compound = Query::select()
            .column(household::Column::Id)
            .from(household::Entity)
            .and_where(household::Column::CompoundId.eq(compound_id))
            .to_owned();
        let owners = ownership::Entity::find()
            .filter(ownership::Column::HouseholdId.in_subquery(of_compound.clone()))
            .order_by_asc(ownership::Column::Id)
            .all(db)
            .await?;
        let person_ids = Query::select()
            .column(ownership::Column::PersonId)
            .from(ownership::Entity)
            .and_where(ownership::Column::HouseholdId.in_subquery(of_compound))
            .to_owned();
        let people: HashMap<i64, person::Model> = person::Entity::find()
            .filter(person::Column::Id.in_subquery(person_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        let mut by_household: HashMap<i64, Vec<&person::Model>> = HashMap::new();
        for o in &owners {
            if let Some(p) = people.get(&o.person_id) {
                by_household.entry(o.household_id).or_default().push(p);
            }
        }
        Ok(rows
            .iter()
            .map(|h| {
                let mine = by_household.get(&h.id).map(Vec::as_slice).unwrap_or(&[]);
                [
                    buildings.get(&h.building_id).cloned().unwrap_or_default(),
                    units.get(&h.unit_id).cloned().unwrap_or_default(),
                    h.floor.to_string(),
                    h.room.clone(),
                    Area::from_centi(h.area_centi)
                        .map(|a| a.to_string())
                        .unwrap_or_default(),
                    h.area_source.label(Lang::Zh).to_string(),
                    mine.iter()
                        .map(|p| p.name.as_str())
                        .collect::<Vec<_>>()
                        .join("、"),
                    mine.first()
                        .and_then(|p| p.phones.clone().or_else(|| p.phone.clone()))
                        .unwrap_or_default(),
                    if h.developer_unsold { "是" } else { "" }.to_string(),
                ]
            })
            .collect())
    }
}
