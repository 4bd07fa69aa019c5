//! Persons vote, not accounts or flats: a ballot records who cast it (`cast_by`, and the
//! person when known) and on whose authority (`authority`: the voter's own, the voter's
//! signed authorisation, or the developer's letter), in its current row and in every kept
//! version; an invite code may be issued for a named owner or resident, so the account that
//! claims it is linked to that person. When co-owners vote separately (a preset that turns
//! `co_owners_one_voter` off), one flat has a row per voter in the frozen roll, so the roll's
//! unique key becomes (proposal, household, voter).

use super::m0001_registry::{index, t};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0016_ballot_authority"
    }
}

const ONE_ROW_PER_FLAT: &str = "ix_elector_household_proposal_id_household_id";
const ONE_ROW_PER_VOTER: &str = "ix_elector_household_proposal_id_household_id_voter_key";

const BALLOT_TABLES: [&str; 2] = ["ballot", "ballot_event"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in BALLOT_TABLES {
            add_authority(m, table).await?;
        }
        m.alter_table(
            Table::alter()
                .table(t("invite"))
                .add_column(big_integer_null(t("person_id")))
                .to_owned(),
        )
        .await?;
        m.drop_index(
            Index::drop()
                .name(ONE_ROW_PER_FLAT)
                .table(t("elector_household"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "elector_household",
            &["proposal_id", "household_id", "voter_key"],
            true,
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name(ONE_ROW_PER_VOTER)
                .table(t("elector_household"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "elector_household",
            &["proposal_id", "household_id"],
            true,
        ))
        .await?;
        m.alter_table(
            Table::alter()
                .table(t("invite"))
                .drop_column(t("person_id"))
                .to_owned(),
        )
        .await?;
        for table in BALLOT_TABLES {
            drop_authority(m, table).await?;
        }
        Ok(())
    }
}

/// Adds who cast a ballot (`cast_by`, `cast_by_person_id`) and on whose authority
/// (`authority`) to a table of ballots or of their kept versions.
pub(super) async fn add_authority(m: &SchemaManager<'_>, table: &str) -> Result<(), DbErr> {
    // SQLite adds one column per ALTER TABLE.
    for column in [
        string(t("cast_by")).default("").to_owned(),
        big_integer_null(t("cast_by_person_id")),
        string(t("authority")).default("own").to_owned(),
    ] {
        m.alter_table(Table::alter().table(t(table)).add_column(column).to_owned())
            .await?;
    }
    Ok(())
}

pub(super) async fn drop_authority(m: &SchemaManager<'_>, table: &str) -> Result<(), DbErr> {
    for col in ["authority", "cast_by_person_id", "cast_by"] {
        m.alter_table(
            Table::alter()
                .table(t(table))
                .drop_column(t(col))
                .to_owned(),
        )
        .await?;
    }
    Ok(())
}
