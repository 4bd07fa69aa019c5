//! One row per compound with the figures the region dashboards add up (its status and
//! mode, its latest star rating, its plan's money and renovation totals, its elevator
//! projects by stage), carrying the compound's four region ids: a region's dashboard is one
//! indexed `SUM … GROUP BY` over at most a few thousand small rows instead of a GROUP BY
//! over every table behind it. Kept up to date by `crate::summary` in the transaction of
//! each write that changes a figure; `linli rebuild-summaries` recomputes it from scratch.
//!
//! The column names are written out here (not derived from the domain's lists) so that
//! this migration means the same thing forever, and it fills only these columns; a test in
//! `crate::summary` checks that every renovation kind, funding channel and elevator stage
//! has its columns.

use super::m0001_registry::{fk, index, t};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0031_compound_summary"
    }
}

pub(crate) const REGIONS: [&str; 4] = ["city_id", "district_id", "subdistrict_id", "community_id"];

/// Counters, each a BIGINT that is 0 when the compound has none of it.
pub(crate) const COUNTERS: [&str; 42] = [
    // 0 three-no, 1 in progress, 2 six-have (the dashboards' order).
    "status",
    // Latest star rating: its stars (-1 when never rated), 1 if vetoed, its reward in fen.
    "stars",
    "vetoed",
    "reward",
    // The plan (一小区一策): 1 if there is one, 1 if every item is done, and its figures.
    "plan",
    "plan_done",
    "households_benefited",
    "budget_government_reward",
    "budget_residents",
    "budget_support_unit",
    "budget_charity",
    "budget_public_income",
    // Per renovation kind: quantity planned, quantity done, 1 if the plan has the kind.
    "reno_pipes_quantity",
    "reno_pipes_done",
    "reno_pipes_plans",
    "reno_parking_quantity",
    "reno_parking_done",
    "reno_parking_plans",
    "reno_lighting_quantity",
    "reno_lighting_done",
    "reno_lighting_plans",
    "reno_elevators_quantity",
    "reno_elevators_done",
    "reno_elevators_plans",
    "reno_smart_access_quantity",
    "reno_smart_access_done",
    "reno_smart_access_plans",
    "reno_security_quantity",
    "reno_security_done",
    "reno_security_plans",
    "reno_other_quantity",
    "reno_other_done",
    "reno_other_plans",
    // Elevator projects by stage.
    "elevator_survey",
    "elevator_design",
    "elevator_vote",
    "elevator_notice",
    "elevator_approvals",
    "elevator_funding",
    "elevator_construction",
    "elevator_acceptance",
    "elevator_operation",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut table = Table::create();
        table
            .table(t("compound_summary"))
            .col(big_integer(t("compound_id")).primary_key());
        for r in REGIONS {
            table.col(big_integer(t(r)));
        }
        table.col(text(t("management_mode")));
        for c in COUNTERS {
            table.col(big_integer(t(c)).default(0));
        }
        table.foreign_key(&mut fk("compound_summary", "compound_id", "compound"));
        m.create_table(table.to_owned()).await?;
        for r in REGIONS {
            m.create_index(index("compound_summary", &[r], false))
                .await?;
        }
        // The same counters added up per region, by child region, mode, status and star
        // rating: a dashboard reads its region's few dozen rows and adds nothing up.
        let mut rollup = Table::create();
        rollup
            .table(t("region_summary"))
            .col(big_integer(t("region_id")))
            .col(big_integer(t("child_id")))
            .col(text(t("management_mode")));
        for c in COUNTERS.iter().take(3) {
            rollup.col(big_integer(t(c)));
        }
        rollup.col(big_integer(t("compounds")));
        for c in COUNTERS.iter().skip(3) {
            rollup.col(big_integer(t(c)).default(0));
        }
        m.create_table(rollup.to_owned()).await?;
        m.create_index(index("region_summary", &["region_id"], false))
            .await?;
        m.create_table(
            Table::create()
                .table(t("elevator_project_summary"))
                .col(big_integer(t("project_id")).primary_key())
                .col(big_integer(t("compound_id")))
                // Residents' payments so far, corrections subtracted.
                .col(big_integer(t("paid")))
                // What residents still owe, and how many households owe.
                .col(big_integer(t("outstanding")))
                .col(big_integer(t("households_owing")))
                .foreign_key(&mut fk(
                    "elevator_project_summary",
                    "project_id",
                    "elevator_project",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("elevator_project_summary", &["compound_id"], false))
            .await?;
        // Existing databases: fill both from the rows they sum.
        let db = m.get_connection();
        let backend = db.get_database_backend();
        db.execute_unprepared(&crate::summary::fill_sql(backend, &COUNTERS, false))
            .await?;
        for level in 0..REGIONS.len() {
            db.execute_unprepared(&crate::summary::rollup_sql(
                backend, &COUNTERS, level, false,
            ))
            .await?;
        }
        db.execute_unprepared(&crate::summary::fill_projects_sql(backend, false))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "elevator_project_summary",
            "region_summary",
            "compound_summary",
        ] {
            m.drop_table(Table::drop().table(t(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
