//! Indexes for "what needs me now" (`crate::agenda`) and the household page's links: the
//! home page looks things up by household, by account and by stage across all compounds,
//! where the earlier indexes all start with the compound or the project.

use super::m0001_registry::{index, t};
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0025_agenda_indexes"
    }
}

const INDEXES: [(&str, &[&str]); 6] = [
    ("proposal", &["stage", "voting_deadline"]),
    ("elector_household", &["household_id"]),
    ("elevator_share", &["household_id"]),
    ("elevator_payment", &["household_id"]),
    ("service_request", &["household_id"]),
    ("rating_panel", &["account_id"]),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, cols) in INDEXES {
            m.create_index(index(table, cols, false)).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, cols) in INDEXES.iter().rev() {
            m.drop_index(
                Index::drop()
                    .name(format!("ix_{table}_{}", cols.join("_")))
                    .table(t(table))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
