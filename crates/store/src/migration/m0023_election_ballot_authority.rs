//! Election ballots record, as yes/no ballots do, who cast each one and on whose authority:
//! the voter's own, the voter's signed authorisation (a proxy), or the developer's letter.
//! Ballots cast before this are filled in from what they already say: a ballot for the
//! developer was its representative's, one cast by proxy the proxy's (whose name was not
//! kept), any other the voter's own, cast by the voter named on the frozen roll.

use super::m0016_ballot_authority::{add_authority, drop_authority};
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0023_election_ballot_authority"
    }
}

const TABLES: [&str; 2] = ["election_ballot", "election_ballot_event"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES {
            add_authority(m, table).await?;
            m.get_connection()
                .execute_unprepared(&format!(
                    "UPDATE {table} SET authority = CASE \
                       WHEN voter_key = 'dev' THEN 'developer_letter' \
                       WHEN method = 'proxy' THEN 'proxy' ELSE 'own' END"
                ))
                .await?;
            m.get_connection()
                .execute_unprepared(&format!(
                    "UPDATE {table} SET \
                       cast_by = COALESCE((SELECT e.name FROM elector e \
                         WHERE e.proposal_id = {table}.proposal_id \
                         AND e.voter_key = {table}.voter_key), ''), \
                       cast_by_person_id = (SELECT e.person_id FROM elector e \
                         WHERE e.proposal_id = {table}.proposal_id \
                         AND e.voter_key = {table}.voter_key) \
                     WHERE authority = 'own'"
                ))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES {
            drop_authority(m, table).await?;
        }
        Ok(())
    }
}
