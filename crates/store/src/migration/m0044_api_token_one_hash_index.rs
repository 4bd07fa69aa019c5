//! One index on an API token's hash, not two. The token table was made with its hash unique
//! (which PostgreSQL and SQLite each keep as an index), and a later migration, taking that for
//! a missing index, added a plain one on the same column: every token issued, used or revoked
//! kept both. The unique one answers every look-up by hash.

use super::m0001_registry::{index, t};
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0044_api_token_one_hash_index"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("ix_api_token_token_hash")
                .table(t("api_token"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(index("api_token", &["token_hash"], false))
            .await
    }
}
