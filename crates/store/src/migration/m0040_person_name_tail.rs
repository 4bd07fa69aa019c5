//! People are found by name with their ID card's last four characters, not by those four
//! alone. A roster import looks its people up in the registry by (name, phone) and (name,
//! ID tail); an index on the tail alone answered "every person whose tail is one of these",
//! and a file of 100,000 people names nearly all 10,000 tails, so on a registry of millions
//! the look-up read nearly every person who has one. One index on `(name, id_last4)` finds
//! each pair exactly, and serves look-ups by name as well (its first column), so the index on
//! `name` alone goes too: one index fewer to keep on every person written.

use super::m0001_registry::{index, t};
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0040_person_name_tail"
    }
}

fn drop(name: &str) -> IndexDropStatement {
    Index::drop().name(name).table(t("person")).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(index("person", &["name", "id_last4"], false))
            .await?;
        m.drop_index(drop("ix_person_name")).await?;
        m.drop_index(drop("ix_person_id_last4")).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(index("person", &["name"], false)).await?;
        m.create_index(index("person", &["id_last4"], false))
            .await?;
        m.drop_index(drop("ix_person_name_id_last4")).await
    }
}
