//! The registry's households partitioned by city: on PostgreSQL `household` becomes
//! list-partitioned by `city_id` as the audit trail, the ballots, the requests and the ledger
//! were (`by_city`), the first of the registry's tables to be.
//!
//! A household is named by ten tables. A partitioned table's rows are unique only with their
//! city, so each key naming a household becomes `(city_id, household_id)` naming `(city_id,
//! id)`, and the tables that did not carry the city yet gain it: an owner's and a resident's
//! link to the flat (`ownership`, `residency`), an invite to claim it, the flat's elevator
//! shares, payments and running-cost shares, and its grid. The row's city is its household's
//! (a flat never changes compound, nor a compound city), written with the row, so a key check
//! is one lookup in one partition.
//!
//! A household is opened by its id alone (a link names no city): a plain index on `id`
//! answers from each partition's index, where the primary key leads with the city. Reads that
//! know the compound name its city and read one partition.
//!
//! On SQLite the tables gain the column, filled; the keys and the unique place are unchanged
//! (no partitions).

use super::by_city::{ByCity, city_partitions_function, run};
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0041_households_by_city"
    }
}

/// The tables that name a household and gain its city here.
pub(super) const NAMING: [&str; 7] = [
    "ownership",
    "residency",
    "invite",
    "elevator_share",
    "elevator_payment",
    "elevator_operation_share",
    "grid_household",
];

pub(super) const HOUSEHOLD: ByCity = ByCity {
    table: "household",
    city_of: Some("(SELECT c.city_id FROM compound c WHERE c.id = {row}.compound_id)"),
    // Its unique place is made by hand (`PLACE_UNIQUE`): `by_city` would lead it with the city.
    unique: &[],
    plain: &[
        &["compound_id", "id"],
        &["building_id"],
        &["room"],
        &["compound_id", "building_id", "unit_id", "floor", "room"],
    ],
    keys: &[("designated_voter_id", "person")],
    city_keys: &[],
    named_by: &[
        ("ownership", "household_id"),
        ("residency", "household_id"),
        ("invite", "household_id"),
        ("elevator_share", "household_id"),
        ("elevator_payment", "household_id"),
        ("elevator_operation_share", "household_id"),
        ("grid_household", "household_id"),
        ("service_request", "household_id"),
        ("fund_share", "household_id"),
        ("fund_entry", "household_id"),
    ],
};

/// A household's place, one composite key (as `m0032` made it): `LIKE` does not copy keys.
const PLACE_KEY: &str = "ALTER TABLE household ADD CONSTRAINT fk_household_place \
     FOREIGN KEY (unit_id, building_id, compound_id) \
     REFERENCES unit (id, building_id, compound_id) ON DELETE RESTRICT";

/// A room once per unit. PostgreSQL wants the partition key in a partitioned table's unique
/// index, not first: led by the unit, it still answers every read of a unit's households (a
/// unit page, a unit's elevator shares, a vote of a unit), which name no city. SQLite keeps
/// `(unit_id, room)`: a unit is of one city, so both say the same.
const PLACE_UNIQUE: &str =
    "CREATE UNIQUE INDEX ix_household_unit_id_room_city_id ON household (unit_id, room, city_id)";

/// Opening a household by its link.
const ID_INDEX: &str = "CREATE INDEX ix_household_id ON household (id)";

/// PostgreSQL: `table.city_id`, its household's city, for each row.
fn postgres_city_column(table: &str) -> [String; 3] {
    [
        format!("ALTER TABLE {table} ADD COLUMN city_id bigint"),
        format!(
            "UPDATE {table} t SET city_id = c.city_id FROM household h \
             JOIN compound c ON c.id = h.compound_id WHERE h.id = t.household_id"
        ),
        format!("ALTER TABLE {table} ALTER COLUMN city_id SET NOT NULL"),
    ]
}

/// SQLite: the same column, filled (`ALTER TABLE … ADD` needs a default for `NOT NULL`).
fn sqlite_city_column(table: &str) -> [String; 2] {
    [
        format!("ALTER TABLE {table} ADD COLUMN city_id bigint NOT NULL DEFAULT 0"),
        format!(
            "UPDATE {table} SET city_id = COALESCE((SELECT c.city_id FROM household h \
             JOIN compound c ON c.id = h.compound_id WHERE h.id = {table}.household_id), 0)"
        ),
    ]
}

/// Every table partitioned by city once this migration has run, or before it.
fn partitioned(with_households: bool) -> Vec<&'static str> {
    let mut t = super::m0039_requests_and_ledger_by_city::partitioned(true);
    if with_households {
        t.push(HOUSEHOLD.table);
    }
    t
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let statements = match m.get_database_backend() {
            sea_orm::DbBackend::Postgres => {
                let mut s: Vec<String> = NAMING
                    .iter()
                    .flat_map(|t| postgres_city_column(t))
                    .collect();
                s.push("ALTER TABLE household DROP CONSTRAINT fk_household_place".into());
                s.extend(HOUSEHOLD.postgres_up());
                s.push(PLACE_UNIQUE.into());
                s.push(PLACE_KEY.into());
                s.push(ID_INDEX.into());
                s.push(city_partitions_function(&partitioned(true)));
                s
            }
            _ => {
                let mut s: Vec<String> =
                    NAMING.iter().flat_map(|t| sqlite_city_column(t)).collect();
                s.extend(HOUSEHOLD.sqlite_up());
                s
            }
        };
        run(m, statements).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let statements = match m.get_database_backend() {
            sea_orm::DbBackend::Postgres => {
                let mut s = vec![
                    "DROP INDEX ix_household_id".to_string(),
                    "DROP INDEX ix_household_unit_id_room_city_id".into(),
                    "ALTER TABLE household DROP CONSTRAINT fk_household_place".into(),
                ];
                s.extend(HOUSEHOLD.postgres_down());
                s.push(
                    "CREATE UNIQUE INDEX ix_household_unit_id_room ON household (unit_id, room)"
                        .into(),
                );
                s.push(PLACE_KEY.into());
                s.extend(
                    NAMING
                        .iter()
                        .map(|t| format!("ALTER TABLE {t} DROP COLUMN city_id")),
                );
                s.push(city_partitions_function(&partitioned(false)));
                s
            }
            _ => {
                let mut s = HOUSEHOLD.sqlite_down();
                s.extend(
                    NAMING
                        .iter()
                        .map(|t| format!("ALTER TABLE {t} DROP COLUMN city_id")),
                );
                s
            }
        };
        run(m, statements).await
    }
}
