//! Compounds and households as the hot reads select them (see `sync_read`): the columns in
//! a fixed order and the mapping back to the entity's model, so a read that joins a household
//! to its compound, its places and its unit is one statement on either database.

use super::PlaceRef;
use crate::Store;
use crate::entity::{compound, household};
use crate::error::{ServiceError, ServiceResult};
use crate::sync_read::Cells;
use linli_domain::AreaSource;
use linli_domain::place::NodeKind;
use linli_domain::registry::ManagementMode;
use sea_orm::DbErr;

/// The columns of a compound, in the order [`compound_at`] reads them.
const COMPOUND: [&str; 14] = [
    "id",
    "community_id",
    "subdistrict_id",
    "district_id",
    "city_id",
    "name",
    "address",
    "year_built",
    "management_mode",
    "three_no",
    "six_have",
    "version",
    "created_at",
    "updated_at",
];
pub(crate) const COMPOUND_WIDTH: usize = COMPOUND.len();

/// The columns of a household, in the order [`household_at`] reads them.
const HOUSEHOLD: [&str; 14] = [
    "id",
    "unit_id",
    "building_id",
    "compound_id",
    "floor",
    "room",
    "area_centi",
    "area_source",
    "designated_voter_id",
    "developer_unsold",
    "version",
    "created_at",
    "updated_at",
    "city_id",
];
pub(crate) const HOUSEHOLD_WIDTH: usize = HOUSEHOLD.len();

fn columns(table: &str, names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("{table}.{n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The columns of the compound table or alias `table`, for [`compound_at`].
pub(crate) fn compound_columns(table: &str) -> String {
    columns(table, &COMPOUND)
}

/// The columns of the household table or alias `table`, for [`household_at`].
pub(crate) fn household_columns(table: &str) -> String {
    columns(table, &HOUSEHOLD)
}

/// How many of a household's columns say where it is and how large: its id, unit, building,
/// compound, floor, room and area, the first of [`household_columns`].
pub(crate) const HOUSEHOLD_PLACE_WIDTH: usize = 7;

/// A household's place and area columns of `table`, for [`household_place_at`]: what a list
/// row shows, without the columns it does not (a list of fifty reads 300 fewer cells).
pub(crate) fn household_place_columns(table: &str) -> String {
    columns(table, &HOUSEHOLD[..HOUSEHOLD_PLACE_WIDTH])
}

/// A household's place and area, as a list row shows them.
pub(crate) struct HouseholdPlace {
    pub(crate) id: i64,
    pub(crate) unit_id: i64,
    pub(crate) building_id: i64,
    pub(crate) compound_id: i64,
    pub(crate) floor: i32,
    pub(crate) room: String,
    pub(crate) area_centi: i64,
}

/// A household's place from [`household_place_columns`] starting at column `at`.
pub(crate) fn household_place_at(r: &dyn Cells, at: usize) -> Result<HouseholdPlace, DbErr> {
    Ok(HouseholdPlace {
        id: r.int(at)?,
        unit_id: r.int(at + 1)?,
        building_id: r.int(at + 2)?,
        compound_id: r.int(at + 3)?,
        floor: int32(r, at + 4)?,
        room: r.text(at + 5)?,
        area_centi: r.int(at + 6)?,
    })
}

/// The city, district, subdistrict and community of `compound c` (`kind, name` of each).
const PLACE_COLUMNS: &str =
    "r1.kind, r1.name, r2.kind, r2.name, r3.kind, r3.name, r4.kind, r4.name";
const PLACE_JOINS: &str = "LEFT JOIN region r1 ON r1.id = c.city_id \
     LEFT JOIN region r2 ON r2.id = c.district_id \
     LEFT JOIN region r3 ON r3.id = c.subdistrict_id \
     LEFT JOIN region r4 ON r4.id = c.community_id";
const PLACE_WIDTH: usize = 8;

fn int32(r: &dyn Cells, i: usize) -> Result<i32, DbErr> {
    i32::try_from(r.int(i)?).map_err(|e| DbErr::Type(format!("column {i}: {e}")))
}

/// A compound from [`compound_columns`] starting at column `at`.
pub(crate) fn compound_at(r: &dyn Cells, at: usize) -> Result<compound::Model, DbErr> {
    Ok(compound::Model {
        id: r.int(at)?,
        community_id: r.int(at + 1)?,
        subdistrict_id: r.int(at + 2)?,
        district_id: r.int(at + 3)?,
        city_id: r.int(at + 4)?,
        name: r.text(at + 5)?,
        address: r.opt_text(at + 6)?,
        year_built: r
            .opt_int(at + 7)?
            .map(|y| i32::try_from(y).map_err(|e| DbErr::Type(e.to_string())))
            .transpose()?,
        management_mode: stored(r.text(at + 8)?, ManagementMode::parse)?,
        three_no: r.flag(at + 9)?,
        six_have: int32(r, at + 10)?,
        version: int32(r, at + 11)?,
        created_at: r.int(at + 12)?,
        updated_at: r.int(at + 13)?,
    })
}

/// A closed set's stored text as its enum: a text the enum does not know fails the read, as it
/// does through the entity.
pub(crate) fn stored<T>(
    text: String,
    parse: fn(&str) -> Result<T, linli_domain::error::Invalid>,
) -> Result<T, DbErr> {
    parse(&text).map_err(|_| DbErr::Type(format!("unknown stored value {text:?}")))
}

/// A household from [`household_columns`] starting at column `at`.
pub(crate) fn household_at(r: &dyn Cells, at: usize) -> Result<household::Model, DbErr> {
    let p = household_place_at(r, at)?;
    Ok(household::Model {
        id: p.id,
        unit_id: p.unit_id,
        building_id: p.building_id,
        compound_id: p.compound_id,
        floor: p.floor,
        room: p.room,
        area_centi: p.area_centi,
        area_source: stored(r.text(at + 7)?, AreaSource::parse)?,
        designated_voter_id: r.opt_int(at + 8)?,
        developer_unsold: r.flag(at + 9)?,
        version: int32(r, at + 10)?,
        created_at: r.int(at + 11)?,
        updated_at: r.int(at + 12)?,
        city_id: r.int(at + 13)?,
    })
}

/// The chain of places from the city down to the compound, from [`PLACE_COLUMNS`] at `at`.
fn places_at(r: &dyn Cells, at: usize, c: &compound::Model) -> Result<Vec<PlaceRef>, DbErr> {
    let ids = [c.city_id, c.district_id, c.subdistrict_id, c.community_id];
    let mut out = Vec::with_capacity(5);
    for (n, id) in ids.into_iter().enumerate() {
        if let (Some(kind), Some(name)) = (r.opt_text(at + 2 * n)?, r.opt_text(at + 2 * n + 1)?) {
            out.push(PlaceRef {
                kind: super::node_kind(kind)?,
                id,
                name,
            });
        }
    }
    out.push(PlaceRef {
        kind: NodeKind::Compound,
        id: c.id,
        name: c.name.clone(),
    });
    Ok(out)
}

/// A household with its compound, the places above it, and its building and unit: read by
/// [`Store::household_at`] before anyone's right to see it is known, so its fields are the
/// store's alone, and a caller only hands it back to [`Store::household_page_at`].
pub struct HouseholdAt {
    pub(crate) compound: compound::Model,
    pub(crate) household: household::Model,
    /// City, district, subdistrict, community and compound.
    pub(crate) places: Vec<PlaceRef>,
    /// The building's id and name and the unit's name; `None` when the unit is missing.
    pub(crate) unit: Option<(i64, String, String)>,
}

impl Store {
    pub(crate) async fn compound_row(&self, id: i64) -> ServiceResult<compound::Model> {
        self.fetch_one(
            self.sql(
                &format!(
                    "SELECT {} FROM compound c WHERE c.id = $1",
                    compound_columns("c")
                ),
                vec![id.into()],
            ),
            |r| compound_at(r, 0),
        )
        .await?
        .ok_or(ServiceError::NotFound { entity: "compound" })
    }

    /// A compound with the chain of places down to it, in one joined read.
    pub(crate) async fn compound_with_places(
        &self,
        id: i64,
    ) -> ServiceResult<(compound::Model, Vec<PlaceRef>)> {
        self.fetch_one(
            self.sql(
                &format!(
                    "SELECT {}, {PLACE_COLUMNS} FROM compound c {PLACE_JOINS} WHERE c.id = $1",
                    compound_columns("c")
                ),
                vec![id.into()],
            ),
            |r| {
                let c = compound_at(r, 0)?;
                let places = places_at(r, COMPOUND_WIDTH, &c)?;
                Ok((c, places))
            },
        )
        .await?
        .ok_or(ServiceError::NotFound { entity: "compound" })
    }

    /// Household `id` with its compound, in one read.
    pub(crate) async fn household_with_compound(
        &self,
        id: i64,
    ) -> ServiceResult<(compound::Model, household::Model)> {
        let read = |city| {
            self.fetch_one(
                self.sql(
                    &format!(
                        "SELECT {}, {} FROM household h JOIN compound c ON c.id = h.compound_id \
                         WHERE h.id = $1{}",
                        household_columns("h"),
                        compound_columns("c"),
                        self.in_city(city),
                    ),
                    vec![id.into()],
                ),
                |r| Ok((compound_at(r, HOUSEHOLD_WIDTH)?, household_at(r, 0)?)),
            )
        };
        self.by_household_city(id, read, |(_, h)| h.city_id)
            .await?
            .ok_or(ServiceError::NotFound {
                entity: "household",
            })
    }

    /// Household `id` as `read` reads it, given the household's city or `None`: in the city
    /// kept for it by an earlier read (`HouseholdCities`), on PostgreSQL, where that reads
    /// one partition of `household` (by its id alone the read looks in each city's); else,
    /// or when nothing is there (a stale city), by its id alone, and its city is kept.
    pub(crate) async fn by_household_city<T, Fut>(
        &self,
        id: i64,
        read: impl Fn(Option<i64>) -> Fut,
        city_of: fn(&T) -> i64,
    ) -> ServiceResult<Option<T>>
    where
        Fut: std::future::Future<Output = ServiceResult<Option<T>>>,
    {
        let kept = match self.read().get_database_backend() {
            sea_orm::DbBackend::Postgres => self.household_cities().city_of(id),
            _ => None,
        };
        if let Some(city) = kept
            && let Some(found) = read(Some(city)).await?
        {
            return Ok(Some(found));
        }
        let found = read(None).await?;
        if let Some(f) = &found {
            self.household_cities().keep(id, city_of(f));
        }
        Ok(found)
    }

    /// ` AND h.city_id = <city>` where [`super::households::city_condition`] writes one.
    fn in_city(&self, city: Option<i64>) -> String {
        super::households::and_city(self.read().get_database_backend(), "h", city)
    }

    /// A household with everything its page shows around it, in one joined read. It checks
    /// no right: what it read is shown only through [`Store::household_page_at`], which does.
    pub async fn household_at(&self, id: i64) -> ServiceResult<HouseholdAt> {
        self.by_household_city(
            id,
            |city| self.household_at_in(id, city),
            |a| a.household.city_id,
        )
        .await?
        .ok_or(ServiceError::NotFound {
            entity: "household",
        })
    }

    /// [`Store::household_at`] in city `city` when it is known (see [`Store::by_household_city`]).
    pub(crate) async fn household_at_in(
        &self,
        id: i64,
        city: Option<i64>,
    ) -> ServiceResult<Option<HouseholdAt>> {
        let in_city = self.in_city(city);
        self.fetch_one(
            self.sql(
                &format!(
                    "SELECT {}, {}, {PLACE_COLUMNS}, b.id, b.name, u.name \
                     FROM household h JOIN compound c ON c.id = h.compound_id {PLACE_JOINS} \
                     LEFT JOIN unit u ON u.id = h.unit_id \
                     LEFT JOIN building b ON b.id = u.building_id WHERE h.id = $1{in_city}",
                    household_columns("h"),
                    compound_columns("c")
                ),
                vec![id.into()],
            ),
            |r| {
                let compound = compound_at(r, HOUSEHOLD_WIDTH)?;
                let at = HOUSEHOLD_WIDTH + COMPOUND_WIDTH;
                let places = places_at(r, at, &compound)?;
                Ok(HouseholdAt {
                    household: household_at(r, 0)?,
                    compound,
                    places,
                    unit: match (
                        r.opt_int(at + PLACE_WIDTH)?,
                        r.opt_text(at + PLACE_WIDTH + 1)?,
                        r.opt_text(at + PLACE_WIDTH + 2)?,
                    ) {
                        (Some(b), Some(building), Some(unit)) => Some((b, building, unit)),
                        _ => None,
                    },
                })
            },
        )
        .await
    }
}
