//! The grid of a region dashboard kept per region: `region_grid`, one text per region of a
//! digit per compound (its status, `compound_summary.status`) in the order of the compounds'
//! ids. A dashboard read its region's compounds one by one for the grid on every request (a
//! city's 2,067 rows, half of its dashboard's statement on PostgreSQL); it now reads one row.
//! Kept by `crate::summary` in the transaction of each write that changes a compound's
//! status (or adds a compound); `linli rebuild-summaries` recomputes it.

use super::m0001_registry::t;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0036_region_grid"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(t("region_grid"))
                .col(big_integer(t("region_id")).primary_key())
                .col(text(t("grid")))
                .to_owned(),
        )
        .await?;
        // Existing databases: fill it from the compounds' summaries.
        let db = m.get_connection();
        for level in 0..super::m0031_compound_summary::REGIONS.len() {
            db.execute_unprepared(&crate::summary::grid_sql(
                db.get_database_backend(),
                level,
                false,
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(t("region_grid")).to_owned())
            .await
    }
}
