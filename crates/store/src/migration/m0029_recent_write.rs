//! When each account last wrote, so that with read replicas the account's next reads go to
//! the primary until the replicas have surely caught up (read-your-writes). A bookkeeping
//! row like a token's `last_used_at`, not governed state: it is not in the audit trail.

use super::m0001_registry::t;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0029_recent_write"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(t("recent_write"))
                .col(big_integer(t("account_id")).primary_key())
                .col(big_integer(t("at")))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(t("recent_write")).to_owned())
            .await
    }
}
