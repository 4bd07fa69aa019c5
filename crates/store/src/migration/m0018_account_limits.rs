//! API tokens that expire and can be revoked, and the indexes that sign-in, rate limits and
//! "end my other sessions" look up by.
//!
//! Tokens made before this migration expire 90 days after they were made. The rate-limit
//! counters keep living in `login_attempt` (key, window start, count); their keys now name the
//! account or the client address rather than the text typed.

use super::m0001_registry::{index, t};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0018_account_limits"
    }
}

const NEW_TOKEN_COLUMNS: [&str; 3] = ["expires_at", "last_used_at", "revoked_at"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one thing at a time.
        m.alter_table(
            Table::alter()
                .table(t("api_token"))
                .add_column(big_integer(t("expires_at")).default(0))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(t("api_token"))
                .add_column(big_integer_null(t("last_used_at")))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(t("api_token"))
                .add_column(big_integer_null(t("revoked_at")))
                .to_owned(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared("UPDATE api_token SET expires_at = created_at + 7776000")
            .await?;
        m.create_index(index("session", &["account_id"], false))
            .await?;
        m.create_index(index("api_token", &["account_id"], false))
            .await?;
        // Logins are matched without regard to case; the same on both databases.
        m.get_connection()
            .execute_unprepared(
                "CREATE INDEX ix_account_username_lower ON account (lower(username))",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared("DROP INDEX ix_account_username_lower")
            .await?;
        m.drop_index(
            Index::drop()
                .name("ix_api_token_account_id")
                .table(t("api_token"))
                .to_owned(),
        )
        .await?;
        m.drop_index(
            Index::drop()
                .name("ix_session_account_id")
                .table(t("session"))
                .to_owned(),
        )
        .await?;
        for c in NEW_TOKEN_COLUMNS.iter().rev() {
            m.alter_table(
                Table::alter()
                    .table(t("api_token"))
                    .drop_column(t(c))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
