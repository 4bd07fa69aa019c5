//! The developer's unsold flats (开发建设单位未售出) are marked on the household: under SPC
//! Art. 9 all of them together count as one owner in a vote's headcount, and the import, the
//! household page and the API set the mark.

use super::m0001_registry::t;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0014_developer_unsold"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(t("household"))
                .add_column(boolean(t("developer_unsold")).default(false))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(t("household"))
                .drop_column(t("developer_unsold"))
                .to_owned(),
        )
        .await
    }
}
