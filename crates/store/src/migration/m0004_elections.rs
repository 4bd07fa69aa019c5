//! Elections (N of M): the election of a proposal, its candidates with their nominations and
//! statements, and the ballots choosing candidates with every version kept.

use super::m0001_registry::{fk, index, t};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0004_elections"
    }
}

/// Tables in creation order; dropped in reverse.
const TABLES: [&str; 4] = [
    "election",
    "candidate",
    "election_ballot",
    "election_ballot_event",
];

/// The columns a ballot and each of its versions share.
fn ballot_columns(table: &str) -> TableCreateStatement {
    Table::create()
        .table(t(table))
        .col(big_pk_auto(t("id")))
        .col(big_integer(t("proposal_id")))
        .col(string_len(t("voter_key"), 40))
        // The chosen candidates' ids, comma-separated, in the order ticked.
        .col(text(t("candidate_ids")))
        .col(string_len(t("method"), 16))
        .col(big_integer(t("recorded_by")))
        .col(string_len(t("recorder_name"), 100))
        .col(big_integer_null(t("evidence_id")))
        .col(string_len_null(t("witness"), 200))
        .col(text_null(t("note")))
        .col(big_integer(t("cast_at")))
        .col(integer(t("revision")))
        .foreign_key(&mut fk(table, "proposal_id", "proposal"))
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let tables = vec![
            Table::create()
                .table(t("election"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("proposal_id")))
                .col(string_len(t("kind"), 20))
                .col(integer(t("seats")))
                .col(text_null(t("result")))
                .col(big_integer_null(t("roles_granted_at")))
                .col(big_integer(t("created_at")))
                .foreign_key(&mut fk("election", "proposal_id", "proposal"))
                .to_owned(),
            Table::create()
                .table(t("candidate"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("proposal_id")))
                .col(string_len(t("name"), 100))
                .col(big_integer_null(t("account_id")))
                .col(big_integer_null(t("person_id")))
                .col(string_len(t("nominated_by"), 20))
                .col(text(t("statement")))
                .col(big_integer(t("recorded_by")))
                .col(big_integer(t("created_at")))
                .foreign_key(&mut fk("candidate", "proposal_id", "proposal"))
                .to_owned(),
            ballot_columns("election_ballot"),
            ballot_columns("election_ballot_event"),
        ];
        for table in tables {
            m.create_table(table).await?;
        }
        for (table, cols, unique) in [
            ("election", &["proposal_id"][..], true),
            ("candidate", &["proposal_id"][..], false),
            // The one ballot per voter per election; a second process's insert hits this.
            ("election_ballot", &["proposal_id", "voter_key"][..], true),
            (
                "election_ballot_event",
                &["proposal_id", "voter_key", "revision"][..],
                true,
            ),
        ] {
            m.create_index(index(table, cols, unique)).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES.iter().rev() {
            m.drop_table(Table::drop().table(t(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
