//! A version on council meetings, so two people recording the same meeting cannot silently
//! overwrite each other's minutes: an edit names the version it started from.

use super::m0001_registry::t;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0013_meeting_version"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(t("meeting"))
                .add_column(integer(t("version")).default(1))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(t("meeting"))
                .drop_column(t("version"))
                .to_owned(),
        )
        .await
    }
}
