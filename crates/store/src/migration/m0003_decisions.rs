//! Collective decisions: proposals, deliberation, the frozen electorate, ballots and their
//! history, door-knocking, objections, council meetings, actions and evaluations, files,
//! and the notification outbox.

use super::m0001_registry::{fk, index, t};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0003_decisions"
    }
}

/// Tables in creation order; dropped in reverse.
const TABLES: [&str; 16] = [
    "attachment",
    "proposal",
    "proposal_support",
    "proposal_comment",
    "elector",
    "elector_household",
    "ballot",
    "ballot_event",
    "knock_visit",
    "objection",
    "affected_consent",
    "meeting",
    "meeting_item",
    "proposal_action",
    "evaluation",
    "notification",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let tables: Vec<TableCreateStatement> = vec![
            Table::create()
                .table(t("attachment"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("compound_id")))
                .col(string_len(t("purpose"), 20))
                .col(string_len(t("file_name"), 200))
                .col(string_len(t("content_type"), 100))
                .col(big_integer(t("size")))
                .col(string_len(t("sha256"), 64))
                .col(blob(t("content")))
                .col(big_integer(t("uploaded_by")))
                .col(big_integer(t("created_at")))
                .foreign_key(&mut fk("attachment", "compound_id", "compound"))
                .to_owned(),
            Table::create()
                .table(t("proposal"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("compound_id")))
                .col(string_len(t("scope_kind"), 16))
                .col(big_integer(t("scope_id")))
                .col(string_len(t("title"), 200))
                .col(text(t("body")))
                .col(string_len(t("matter"), 32))
                .col(string_len(t("preset"), 40))
                .col(text(t("rule")))
                .col(string_len(t("stage"), 20))
                .col(big_integer(t("proposer_id")))
                .col(string_len(t("proposer_name"), 100))
                .col(integer(t("notice_days")))
                .col(big_integer_null(t("voting_opened_at")))
                .col(big_integer_null(t("voting_deadline")))
                .col(big_integer_null(t("closed_at")))
                .col(text(t("result")))
                .col(integer(t("support_count")))
                .col(big_integer(t("created_at")))
                .col(big_integer(t("updated_at")))
                .col(integer(t("version")))
                .foreign_key(&mut fk("proposal", "compound_id", "compound"))
                .to_owned(),
            Table::create()
                .table(t("proposal_support"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("proposal_id")))
                .col(big_integer(t("account_id")))
                .col(big_integer(t("created_at")))
                .foreign_key(&mut fk("proposal_support", "proposal_id", "proposal"))
                .to_owned(),
            Table::create()
                .table(t("proposal_comment"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("proposal_id")))
                .col(big_integer_null(t("parent_id")))
                .col(big_integer(t("account_id")))
                .col(string_len(t("author_name"), 100))
                .col(text(t("body")))
                .col(boolean(t("official")))
                .col(big_integer(t("created_at")))
                .foreign_key(&mut fk("proposal_comment", "proposal_id", "proposal"))
                .to_owned(),
            Table::create()
                .table(t("elector"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("proposal_id")))
                .col(string_len(t("voter_key"), 40))
                .col(big_integer_null(t("person_id")))
                .col(string_len(t("name"), 200))
                .col(big_integer(t("area_centi")))
                .col(big_integer(t("heads")))
                .foreign_key(&mut fk("elector", "proposal_id", "proposal"))
                .to_owned(),
            Table::create()
                .table(t("elector_household"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("proposal_id")))
                .col(big_integer(t("household_id")))
                .col(string_len(t("voter_key"), 40))
                .col(big_integer(t("building_id")))
                .col(big_integer(t("unit_id")))
                .col(integer(t("floor")))
                .col(string_len(t("label"), 200))
                .col(big_integer(t("area_centi")))
                .col(text(t("owners")))
                .foreign_key(&mut fk("elector_household", "proposal_id", "proposal"))
                .to_owned(),
            Table::create()
                .table(t("ballot"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("proposal_id")))
                .col(string_len(t("voter_key"), 40))
                .col(string_len(t("choice"), 16))
                .col(string_len(t("method"), 16))
                .col(big_integer(t("recorded_by")))
                .col(string_len(t("recorder_name"), 100))
                .col(big_integer_null(t("evidence_id")))
                .col(string_len_null(t("witness"), 200))
                .col(text_null(t("note")))
                .col(big_integer(t("cast_at")))
                .col(integer(t("revision")))
                .foreign_key(&mut fk("ballot", "proposal_id", "proposal"))
                .to_owned(),
            Table::create()
                .table(t("ballot_event"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("proposal_id")))
                .col(string_len(t("voter_key"), 40))
                .col(integer(t("revision")))
                .col(string_len(t("choice"), 16))
                .col(string_len(t("method"), 16))
                .col(big_integer(t("recorded_by")))
                .col(string_len(t("recorder_name"), 100))
                .col(big_integer_null(t("evidence_id")))
                .col(string_len_null(t("witness"), 200))
                .col(text_null(t("note")))
                .col(big_integer(t("cast_at")))
                .foreign_key(&mut fk("ballot_event", "proposal_id", "proposal"))
                .to_owned(),
            Table::create()
                .table(t("knock_visit"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("proposal_id")))
                .col(big_integer(t("household_id")))
                .col(big_integer_null(t("assignee_id")))
                .col(string_len_null(t("assignee_name"), 100))
                .col(string_len_null(t("outcome"), 20))
                .col(text_null(t("note")))
                .col(big_integer(t("recorded_by")))
                .col(big_integer(t("created_at")))
                .foreign_key(&mut fk("knock_visit", "proposal_id", "proposal"))
                .to_owned(),
            Table::create()
                .table(t("objection"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("proposal_id")))
                .col(big_integer(t("household_id")))
                .col(string_len(t("concern"), 20))
                .col(text(t("body")))
                .col(text_null(t("answer")))
                .col(text_null(t("compensation")))
                .col(boolean(t("resolved")))
                .col(big_integer(t("recorded_by")))
                .col(big_integer(t("created_at")))
                .col(big_integer(t("updated_at")))
                .foreign_key(&mut fk("objection", "proposal_id", "proposal"))
                .to_owned(),
            Table::create()
                .table(t("affected_consent"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("proposal_id")))
                .col(big_integer(t("household_id")))
                .col(boolean(t("consented")))
                .col(big_integer_null(t("evidence_id")))
                .col(big_integer(t("recorded_by")))
                .col(big_integer(t("created_at")))
                .foreign_key(&mut fk("affected_consent", "proposal_id", "proposal"))
                .to_owned(),
            Table::create()
                .table(t("meeting"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("compound_id")))
                .col(string_len(t("title"), 200))
                .col(string_len(t("held_on"), 10))
                .col(string_len_null(t("place"), 200))
                .col(text(t("attendance")))
                .col(text(t("minutes")))
                .col(big_integer(t("created_by")))
                .col(big_integer(t("created_at")))
                .foreign_key(&mut fk("meeting", "compound_id", "compound"))
                .to_owned(),
            Table::create()
                .table(t("meeting_item"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("meeting_id")))
                .col(big_integer(t("proposal_id")))
                .col(text(t("outcome")))
                .foreign_key(&mut fk("meeting_item", "meeting_id", "meeting"))
                .foreign_key(&mut fk("meeting_item", "proposal_id", "proposal"))
                .to_owned(),
            Table::create()
                .table(t("proposal_action"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("proposal_id")))
                .col(string_len(t("title"), 200))
                .col(string_len(t("responsible"), 100))
                .col(string_len_null(t("due_on"), 10))
                .col(boolean(t("done")))
                .col(big_integer(t("created_at")))
                .foreign_key(&mut fk("proposal_action", "proposal_id", "proposal"))
                .to_owned(),
            Table::create()
                .table(t("evaluation"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("proposal_id")))
                .col(big_integer(t("account_id")))
                .col(integer(t("rating")))
                .col(text(t("comment")))
                .col(big_integer(t("created_at")))
                .foreign_key(&mut fk("evaluation", "proposal_id", "proposal"))
                .to_owned(),
            Table::create()
                .table(t("notification"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("account_id")))
                .col(string_len(t("kind"), 40))
                .col(string_len(t("title"), 300))
                .col(string_len(t("link"), 300))
                .col(big_integer(t("created_at")))
                .col(big_integer_null(t("read_at")))
                .col(big_integer_null(t("sent_at")))
                .to_owned(),
        ];
        for table in tables {
            m.create_table(table).await?;
        }
        for (table, cols, unique) in [
            ("attachment", &["compound_id"][..], false),
            ("proposal", &["compound_id", "stage"][..], false),
            ("proposal_support", &["proposal_id", "account_id"][..], true),
            ("proposal_comment", &["proposal_id"][..], false),
            ("elector", &["proposal_id", "voter_key"][..], true),
            (
                "elector_household",
                &["proposal_id", "household_id"][..],
                true,
            ),
            (
                "elector_household",
                &["proposal_id", "voter_key"][..],
                false,
            ),
            // The one ballot per voter per proposal; a second process's insert hits this.
            ("ballot", &["proposal_id", "voter_key"][..], true),
            (
                "ballot_event",
                &["proposal_id", "voter_key", "revision"][..],
                true,
            ),
            ("knock_visit", &["proposal_id", "household_id"][..], false),
            ("objection", &["proposal_id"][..], false),
            (
                "affected_consent",
                &["proposal_id", "household_id"][..],
                true,
            ),
            ("meeting", &["compound_id"][..], false),
            ("meeting_item", &["meeting_id", "proposal_id"][..], true),
            ("proposal_action", &["proposal_id"][..], false),
            ("evaluation", &["proposal_id", "account_id"][..], true),
            ("notification", &["account_id", "read_at"][..], false),
            ("notification", &["sent_at"][..], false),
            // Every request with a bearer token looks its hash up (m0001 had made the hash
            // unique, which is an index already: m0044 drops this one).
            ("api_token", &["token_hash"][..], false),
        ] {
            m.create_index(index(table, cols, unique)).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("ix_api_token_token_hash")
                .table(t("api_token"))
                .to_owned(),
        )
        .await?;
        for table in TABLES.iter().rev() {
            m.drop_table(Table::drop().table(t(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
