//! Elevator shares as exact fractions and "equal per flat": a project says how it splits what
//! is due (`share_mode`: `floors` or `equal_per_flat`), and a fixed share keeps the exact part
//! of the whole its household's group shares (`coefficient_num / coefficient_den`, e.g. 1/6)
//! instead of whole basis points. Existing shares keep their value: `bp` becomes `bp/10000`.

use super::m0001_registry::t;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0017_share_fractions"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(t("elevator_project"))
                .add_column(string(t("share_mode")).default("floors"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(t("elevator_share"))
                .add_column(big_integer(t("coefficient_num")).default(0))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(t("elevator_share"))
                .add_column(big_integer(t("coefficient_den")).default(10_000))
                .to_owned(),
        )
        .await?;
        m.get_connection().execute_unprepared("UPDATE elevator_share SET coefficient_num = coefficient_bp, coefficient_den = 10000").await?;
        m.alter_table(
            Table::alter()
                .table(t("elevator_share"))
                .drop_column(t("coefficient_bp"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(t("elevator_share"))
                .add_column(big_integer(t("coefficient_bp")).default(0))
                .to_owned(),
        )
        .await?;
        // A fraction that is no whole number of basis points is rounded down on the way back.
        m.get_connection().execute_unprepared("UPDATE elevator_share SET coefficient_bp = coefficient_num * 10000 / coefficient_den").await?;
        m.alter_table(
            Table::alter()
                .table(t("elevator_share"))
                .drop_column(t("coefficient_num"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(t("elevator_share"))
                .drop_column(t("coefficient_den"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(t("elevator_project"))
                .drop_column(t("share_mode"))
                .to_owned(),
        )
        .await
    }
}
