//! Running an elevator: how a project shares its running costs (decided once, equal by
//! default), each month's costs by kind, and each household's part of each, fixed when the
//! cost is entered (or corrected).

use super::m0001_registry::{fk, index, t};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0009_elevator_operation"
    }
}

/// Tables in creation order; dropped in reverse.
const TABLES: [&str; 3] = [
    "elevator_operation_split",
    "elevator_operation_cost",
    "elevator_operation_share",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let tables = vec![
            Table::create()
                .table(t("elevator_operation_split"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("project_id")))
                // `equal` or `coefficients` (`linli_domain::elevator::SplitMode`).
                .col(string_len(t("split"), 16))
                .col(big_integer_null(t("proposal_id")))
                .col(string_len(t("note"), 200))
                .col(big_integer(t("set_by")))
                .col(string_len(t("set_by_name"), 100))
                .col(big_integer(t("set_at")))
                .col(integer(t("version")))
                .foreign_key(&mut fk(
                    "elevator_operation_split",
                    "project_id",
                    "elevator_project",
                ))
                .foreign_key(&mut fk(
                    "elevator_operation_split",
                    "proposal_id",
                    "proposal",
                ))
                .to_owned(),
            Table::create()
                .table(t("elevator_operation_cost"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("project_id")))
                .col(big_integer(t("compound_id")))
                // "2026-11".
                .col(string_len(t("month"), 7))
                // `maintenance`, `electricity` or `other`.
                .col(string_len(t("kind"), 16))
                // Fen, above zero.
                .col(big_integer(t("amount")))
                // The split the shares were made with.
                .col(string_len(t("split"), 16))
                .col(string_len(t("note"), 200))
                .col(big_integer(t("recorded_by")))
                .col(string_len(t("recorded_by_name"), 100))
                .col(big_integer(t("recorded_at")))
                .col(integer(t("version")))
                .foreign_key(&mut fk(
                    "elevator_operation_cost",
                    "project_id",
                    "elevator_project",
                ))
                .foreign_key(&mut fk(
                    "elevator_operation_cost",
                    "compound_id",
                    "compound",
                ))
                .to_owned(),
            Table::create()
                .table(t("elevator_operation_share"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("cost_id")))
                .col(big_integer(t("project_id")))
                .col(big_integer(t("household_id")))
                .col(string_len(t("month"), 7))
                .col(integer(t("floor")))
                .col(string_len(t("room"), 16))
                .col(big_integer(t("amount")))
                .foreign_key(&mut fk(
                    "elevator_operation_share",
                    "cost_id",
                    "elevator_operation_cost",
                ))
                .foreign_key(&mut fk(
                    "elevator_operation_share",
                    "project_id",
                    "elevator_project",
                ))
                .foreign_key(&mut fk(
                    "elevator_operation_share",
                    "household_id",
                    "household",
                ))
                .to_owned(),
        ];
        for table in tables {
            m.create_table(table).await?;
        }
        for (table, cols, unique) in [
            ("elevator_operation_split", &["project_id"][..], true),
            // A month's cost of a kind once per project; a correction replaces it.
            (
                "elevator_operation_cost",
                &["project_id", "month", "kind"][..],
                true,
            ),
            // The dashboard's running costs by month.
            (
                "elevator_operation_cost",
                &["compound_id", "month"][..],
                false,
            ),
            (
                "elevator_operation_share",
                &["cost_id", "household_id"][..],
                true,
            ),
            // A household's statement of a month.
            (
                "elevator_operation_share",
                &["project_id", "month", "household_id"][..],
                false,
            ),
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
