//! The two figures of a region dashboard that were still added up per request from the
//! assessments, kept per region like `region_summary` (m0031): `region_progress`, the
//! assessments of each period (how many, how many three-no, how many six-have), and
//! `region_marks`, the marks of the compounds' latest assessments counted per standard (by
//! the standard's position in the letters, and by the number of letters, so that a dashboard
//! counts only assessments made under its city's current checklist). A city dashboard reads
//! a few dozen rows instead of every assessment and the letters of 2,000 compounds. Kept by
//! `crate::summary` in the transaction of each assessment; `linli rebuild-summaries`
//! recomputes them.

use super::m0001_registry::{index, t};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0033_dashboard_rollups"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(t("region_progress"))
                .col(big_integer(t("region_id")))
                .col(string_len(t("period"), 8))
                .col(big_integer(t("assessed")))
                .col(big_integer(t("three_no")))
                .col(big_integer(t("six_have")))
                .to_owned(),
        )
        .await?;
        m.create_index(index("region_progress", &["region_id", "period"], true))
            .await?;
        m.create_table(
            Table::create()
                .table(t("region_marks"))
                .col(big_integer(t("region_id")))
                // The number of letters of the assessments counted, and the standard's place
                // among them (1 the first).
                .col(big_integer(t("standards")))
                .col(big_integer(t("position")))
                .col(big_integer(t("met")))
                .col(big_integer(t("partly")))
                .col(big_integer(t("not_met")))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "region_marks",
            &["region_id", "standards", "position"],
            true,
        ))
        .await?;
        // Existing databases: fill both from the assessments they count.
        let db = m.get_connection();
        for sql in crate::summary::rollups_sql(db.get_database_backend()) {
            db.execute_unprepared(&sql).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["region_marks", "region_progress"] {
            m.drop_table(Table::drop().table(t(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
