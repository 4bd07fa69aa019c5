//! Two indexes fewer on every household written. `(compound_id, id)` and `building_id` were
//! each made for reads that the list's index `(compound_id, building_id, unit_id, floor, room)`
//! answers as well: a compound's households (its first column), and a building's households,
//! now always read with their compound (its first two; a building is of one compound, which
//! every such read knows). Each household inserted, by hand or by a roster import of
//! thousands, wrote both; a SQLite import of 100,000 households without them, alternated with
//! one with them: 2.74 / 2.70 s → 2.44 / 2.20 s. No table points at a household's building
//! on PostgreSQL (its place key names the unit); on SQLite the building's foreign key, checked
//! when a building is deleted, which linli does not do, finds no index to use and reads the
//! table.

use super::m0001_registry::{index, t};
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0043_household_index_diet"
    }
}

const GONE: [&[&str]; 2] = [&["compound_id", "id"], &["building_id"]];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for cols in GONE {
            m.drop_index(
                Index::drop()
                    .name(format!("ix_household_{}", cols.join("_")))
                    .table(t("household"))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for cols in GONE {
            m.create_index(index("household", cols, false)).await?;
        }
        Ok(())
    }
}
