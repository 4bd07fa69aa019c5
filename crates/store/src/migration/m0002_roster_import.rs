//! Roster imports waiting for confirmation: the parsed rows of an uploaded file and the
//! preview shown, so that the confirmation can land on any server process.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0002_roster_import"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let t = Alias::new;
        m.create_table(
            Table::create()
                .table(t("roster_import"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("compound_id")))
                .col(big_integer_null(t("account_id")))
                .col(string_len(t("file_name"), 255))
                .col(string_len(t("status"), 16))
                .col(text(t("rows")))
                .col(text(t("preview")))
                .col(text_null(t("result")))
                .col(big_integer(t("created_at")))
                .col(big_integer_null(t("applied_at")))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_roster_import_compound_id")
                        .from(t("roster_import"), t("compound_id"))
                        .to(t("compound"), t("id"))
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_roster_import_created_at")
                .table(t("roster_import"))
                .col(t("created_at"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Alias::new("roster_import")).to_owned())
            .await
    }
}
