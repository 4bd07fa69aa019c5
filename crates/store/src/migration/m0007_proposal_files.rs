//! Files attached to a proposal: plans, photos, and the texts a vote adopts (the owners'
//! rules, the committee's charter) as numbered versions.

use super::m0001_registry::{fk, index, t};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0007_proposal_files"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(t("proposal_file"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("proposal_id")))
                .col(big_integer(t("attachment_id")))
                .col(string_len(t("title"), 200))
                // `attachment` (a plan, a photo) or `adopted_text` (a text the vote adopts).
                .col(string_len(t("kind"), 20))
                // For adopted texts: 1, 2, … per title within the compound.
                .col(integer_null(t("text_version")))
                .col(big_integer(t("added_by")))
                .col(big_integer(t("created_at")))
                .foreign_key(&mut fk("proposal_file", "proposal_id", "proposal"))
                .foreign_key(&mut fk("proposal_file", "attachment_id", "attachment"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("proposal_file", &["proposal_id"], false))
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(t("proposal_file")).to_owned())
            .await
    }
}
