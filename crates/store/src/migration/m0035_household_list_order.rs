//! An index in the order a compound's households are listed: by building, unit, floor and
//! room within the compound. The household list (the registry's most used page) reads the
//! first fifty of a compound in that order; with only `(compound_id, id)` and `building_id`
//! to choose from, PostgreSQL walked the building index from the city's first building and
//! filtered every household before the compound's (a compound late in the city read ~90,000
//! rows for a page of fifty), and SQLite sorted the whole compound for each page. With this
//! index a page is the fifty entries after the compound's first.

use super::m0001_registry::{index, t};
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0035_household_list_order"
    }
}

const COLUMNS: [&str; 5] = ["compound_id", "building_id", "unit_id", "floor", "room"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(index("household", &COLUMNS, false)).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name(format!("ix_household_{}", COLUMNS.join("_")))
                .table(t("household"))
                .to_owned(),
        )
        .await
    }
}
