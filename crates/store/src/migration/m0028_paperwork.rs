//! What a printed bill needs to work on its own, kept on the elevator project: the day the
//! shares are due, where and when the committee takes payments and signed forms back, how to
//! pay by transfer, and whom to ask. One column per statement: SQLite alters a table one
//! column at a time.

use super::m0001_registry::t;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0028_paperwork"
    }
}

const TEXT_COLUMNS: [&str; 3] = ["office", "pay_how", "contact"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(t("elevator_project"))
                .add_column(string_null(t("pay_by")))
                .to_owned(),
        )
        .await?;
        for col in TEXT_COLUMNS {
            m.alter_table(
                Table::alter()
                    .table(t("elevator_project"))
                    .add_column(string(t(col)).default(""))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in TEXT_COLUMNS.iter().rev().chain(["pay_by"].iter()) {
            m.alter_table(
                Table::alter()
                    .table(t("elevator_project"))
                    .drop_column(t(col))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
