//! A household's place (unit, building, compound) checked by one foreign key instead of three.
//!
//! A household names its unit, and also the unit's building and compound, so that a compound's
//! or building's households are one indexed read. Each of the three had a foreign key of its
//! own; on PostgreSQL every foreign key is a lookup and a row lock per inserted row, which for
//! a roster import of 100,000 households cost more than the insert itself. One composite key
//! `(unit_id, building_id, compound_id) → unit (id, building_id, compound_id)` checks more (the
//! three agree with the unit) with one lookup; the unit's own keys still say its building and
//! compound exist, so nothing a household names can be deleted under it.
//!
//! SQLite cannot change a table's constraints without copying the table, and its foreign-key
//! checks are cheap B-tree probes: there the household keeps its three keys, and the unit gets
//! only the same unique key `(id, building_id, compound_id)`, so both schemas say the same of it.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0032_household_place_key"
    }
}

const UP: &[&str] = &[
    "ALTER TABLE unit ADD CONSTRAINT uq_unit_place UNIQUE (id, building_id, compound_id)",
    "ALTER TABLE household DROP CONSTRAINT fk_household_unit_id",
    "ALTER TABLE household DROP CONSTRAINT fk_household_building_id",
    "ALTER TABLE household DROP CONSTRAINT fk_household_compound_id",
    "ALTER TABLE household ADD CONSTRAINT fk_household_place \
     FOREIGN KEY (unit_id, building_id, compound_id) \
     REFERENCES unit (id, building_id, compound_id) ON DELETE RESTRICT",
];

const DOWN: &[&str] = &[
    "ALTER TABLE household DROP CONSTRAINT fk_household_place",
    "ALTER TABLE household ADD CONSTRAINT fk_household_unit_id \
     FOREIGN KEY (unit_id) REFERENCES unit (id) ON DELETE RESTRICT",
    "ALTER TABLE household ADD CONSTRAINT fk_household_building_id \
     FOREIGN KEY (building_id) REFERENCES building (id) ON DELETE RESTRICT",
    "ALTER TABLE household ADD CONSTRAINT fk_household_compound_id \
     FOREIGN KEY (compound_id) REFERENCES compound (id) ON DELETE RESTRICT",
    "ALTER TABLE unit DROP CONSTRAINT uq_unit_place",
];

const SQLITE_UP: &[&str] =
    &["CREATE UNIQUE INDEX uq_unit_place ON unit (id, building_id, compound_id)"];

const SQLITE_DOWN: &[&str] = &["DROP INDEX uq_unit_place"];

async fn run(m: &SchemaManager<'_>, postgres: &[&str], sqlite: &[&str]) -> Result<(), DbErr> {
    let statements = match m.get_database_backend() {
        sea_orm::DbBackend::Postgres => postgres,
        _ => sqlite,
    };
    let db = m.get_connection();
    for sql in statements {
        db.execute_unprepared(sql).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        run(m, UP, SQLITE_UP).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        run(m, DOWN, SQLITE_DOWN).await
    }
}
