//! A person is a person: the last four characters of the ID card (to tell two people of one
//! name apart, shown only to the committee and above), every phone number a roster gave, and
//! merges of two records that turned out to be one person, kept so that a wrong merge can be
//! split again.

use super::m0001_registry::{fk, index, t};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0015_people"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        for col in [
            ColumnDef::new(t("id_last4"))
                .string_len(4)
                .null()
                .to_owned(),
            ColumnDef::new(t("phones"))
                .string_len(200)
                .null()
                .to_owned(),
            ColumnDef::new(t("merged_into"))
                .big_integer()
                .null()
                .to_owned(),
        ] {
            m.alter_table(Table::alter().table(t("person")).add_column(col).to_owned())
                .await?;
        }
        m.create_index(index("person", &["id_last4"], false))
            .await?;
        m.create_table(
            Table::create()
                .table(t("person_merge"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("kept_id")))
                .col(big_integer(t("merged_id")))
                // The rows moved from the merged person to the kept one, as JSON ids by table.
                .col(text(t("moved")))
                .col(big_integer_null(t("account_id")))
                .col(big_integer(t("merged_at")))
                .col(big_integer_null(t("split_at")))
                .foreign_key(&mut fk("person_merge", "kept_id", "person"))
                .foreign_key(&mut fk("person_merge", "merged_id", "person"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("person_merge", &["kept_id"], false))
            .await?;
        m.create_index(index("person_merge", &["merged_id"], false))
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(t("person_merge")).to_owned())
            .await?;
        m.drop_index(
            Index::drop()
                .name("ix_person_id_last4")
                .table(t("person"))
                .to_owned(),
        )
        .await?;
        for col in ["merged_into", "phones", "id_last4"] {
            m.alter_table(
                Table::alter()
                    .table(t("person"))
                    .drop_column(t(col))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
