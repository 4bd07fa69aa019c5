//! The audit trail keeps the state of the rows that decide votes and money: each record of a
//! change to such a row carries the hash of the row after the change (see `audit::state`).

use super::m0001_registry::t;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0022_audit_state"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(t("audit"))
                .add_column(string(t("state_hash")).default(""))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(t("audit"))
                .drop_column(t("state_hash"))
                .to_owned(),
        )
        .await
    }
}
