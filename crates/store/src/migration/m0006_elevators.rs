//! Elevator retrofit projects: one per unit, with its stage history, documents, the fixed
//! share table and the payments against it.

use super::m0001_registry::{fk, index, t};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0006_elevators"
    }
}

/// Tables in creation order; dropped in reverse.
const TABLES: [&str; 5] = [
    "elevator_project",
    "elevator_stage_log",
    "elevator_document",
    "elevator_share",
    "elevator_payment",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let tables = vec![
            Table::create()
                .table(t("elevator_project"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("compound_id")))
                .col(big_integer(t("building_id")))
                .col(big_integer(t("unit_id")))
                .col(string_len(t("stage"), 16))
                .col(big_integer(t("stage_since")))
                .col(big_integer_null(t("proposal_id")))
                .col(string_len(t("responsible"), 100))
                .col(string_len(t("installer"), 200))
                // Money in fen; the subsidy as computed from the preset when the plan was saved.
                .col(big_integer_null(t("total_cost")))
                .col(big_integer(t("pipelines_cost")))
                .col(string_len(t("subsidy_preset"), 16))
                .col(big_integer(t("subsidy_custom")))
                .col(big_integer(t("subsidy")))
                // `[[floor, basis points], …]` (`linli_domain::elevator::CoefficientTable`).
                .col(text(t("coefficients")))
                .col(integer(t("notice_days")))
                .col(big_integer_null(t("shares_fixed_at")))
                .col(big_integer(t("created_by")))
                .col(big_integer(t("created_at")))
                .col(integer(t("version")))
                .foreign_key(&mut fk("elevator_project", "compound_id", "compound"))
                .foreign_key(&mut fk("elevator_project", "unit_id", "unit"))
                .foreign_key(&mut fk("elevator_project", "proposal_id", "proposal"))
                .to_owned(),
            Table::create()
                .table(t("elevator_stage_log"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("project_id")))
                .col(string_len_null(t("from_stage"), 16))
                .col(string_len(t("to_stage"), 16))
                .col(text(t("note")))
                .col(big_integer(t("by_id")))
                .col(string_len(t("by_name"), 100))
                .col(big_integer(t("at")))
                .foreign_key(&mut fk(
                    "elevator_stage_log",
                    "project_id",
                    "elevator_project",
                ))
                .to_owned(),
            Table::create()
                .table(t("elevator_document"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("project_id")))
                .col(string_len(t("kind"), 16))
                .col(big_integer(t("attachment_id")))
                .col(string_len(t("title"), 200))
                .col(big_integer(t("uploaded_by")))
                .col(big_integer(t("created_at")))
                .foreign_key(&mut fk(
                    "elevator_document",
                    "project_id",
                    "elevator_project",
                ))
                .foreign_key(&mut fk("elevator_document", "attachment_id", "attachment"))
                .to_owned(),
            Table::create()
                .table(t("elevator_share"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("project_id")))
                .col(big_integer(t("household_id")))
                .col(integer(t("floor")))
                .col(string_len(t("room"), 16))
                .col(big_integer(t("coefficient_bp")))
                .col(integer(t("on_floor")))
                .col(big_integer(t("amount")))
                .foreign_key(&mut fk("elevator_share", "project_id", "elevator_project"))
                .foreign_key(&mut fk("elevator_share", "household_id", "household"))
                .to_owned(),
            Table::create()
                .table(t("elevator_payment"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("project_id")))
                .col(big_integer(t("household_id")))
                .col(big_integer(t("amount")))
                .col(string_len(t("method"), 12))
                .col(string_len(t("receipt_no"), 40))
                .col(string_len(t("paid_on"), 10))
                .col(big_integer(t("recorded_by")))
                .col(string_len(t("recorded_by_name"), 100))
                .col(big_integer(t("created_at")))
                .foreign_key(&mut fk(
                    "elevator_payment",
                    "project_id",
                    "elevator_project",
                ))
                .foreign_key(&mut fk("elevator_payment", "household_id", "household"))
                .to_owned(),
        ];
        for table in tables {
            m.create_table(table).await?;
        }
        for (table, cols, unique) in [
            // One project per unit.
            ("elevator_project", &["unit_id"][..], true),
            ("elevator_project", &["compound_id", "stage"][..], false),
            ("elevator_stage_log", &["project_id"][..], false),
            ("elevator_document", &["project_id"][..], false),
            ("elevator_share", &["project_id", "household_id"][..], true),
            (
                "elevator_payment",
                &["project_id", "household_id"][..],
                false,
            ),
            // A receipt number is used once per project.
            ("elevator_payment", &["project_id", "receipt_no"][..], true),
        ] {
            m.create_index(index(table, cols, unique)).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES.iter().rev() {
            m.drop_table(Table::drop().table(t(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
