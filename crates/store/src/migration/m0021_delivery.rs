//! Delivering the notification outbox to people: each notification's delivery state (attempts,
//! when to try next, the channel it went by, the gateway's last answer, a dead letter after
//! too many tries) and its idempotency key; each account's channel choice with its unsubscribe
//! token; the lease that lets one sender loop run per database however many servers share it;
//! and the mark on a person who was anonymised after leaving.

use super::m0001_registry::{index, t};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0021_delivery"
    }
}

/// `notification` columns added here, one ALTER each (SQLite adds one column at a time).
fn notification_columns() -> Vec<ColumnDef> {
    vec![
        // pending | sent | dead | skipped
        string_len(t("delivery"), 10).default("pending").to_owned(),
        integer(t("attempts")).default(0).to_owned(),
        big_integer_null(t("next_attempt_at")).to_owned(),
        string_len_null(t("channel"), 10).to_owned(),
        string_len_null(t("last_error"), 300).to_owned(),
        string_len_null(t("idempotency_key"), 40).to_owned(),
        // The thing a message is about (a proposal's title), without the words of its kind,
        // so a message can be written in the recipient's language.
        string_len_null(t("topic"), 300).to_owned(),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for mut c in notification_columns() {
            m.alter_table(
                Table::alter()
                    .table(t("notification"))
                    .add_column(&mut c)
                    .to_owned(),
            )
            .await?;
        }
        // What was marked sent before delivery existed stays sent.
        m.get_connection()
            .execute_unprepared(
                "UPDATE notification SET delivery = 'sent' WHERE sent_at IS NOT NULL",
            )
            .await?;
        m.create_index(index(
            "notification",
            &["delivery", "next_attempt_at"],
            false,
        ))
        .await?;
        m.alter_table(
            Table::alter()
                .table(t("person"))
                .add_column(big_integer_null(t("anonymised_at")))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(t("notify_pref"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("account_id")))
                // sms | email | none
                .col(string_len(t("channel"), 10))
                .col(string_len_null(t("email"), 254))
                .col(string_len(t("lang"), 5))
                .col(string_len(t("unsubscribe_token"), 64))
                .col(big_integer(t("updated_at")))
                .to_owned(),
        )
        .await?;
        m.create_index(index("notify_pref", &["account_id"], true))
            .await?;
        m.create_index(index("notify_pref", &["unsubscribe_token"], true))
            .await?;
        m.create_table(
            Table::create()
                .table(t("sender_lease"))
                .col(string_len(t("name"), 40).primary_key())
                .col(string_len(t("holder"), 80))
                .col(big_integer(t("until")))
                .to_owned(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared(
                "INSERT INTO sender_lease (name, holder, until) VALUES ('outbox', '', 0)",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(t("sender_lease")).to_owned())
            .await?;
        m.drop_table(Table::drop().table(t("notify_pref")).to_owned())
            .await?;
        m.alter_table(
            Table::alter()
                .table(t("person"))
                .drop_column(t("anonymised_at"))
                .to_owned(),
        )
        .await?;
        m.drop_index(
            Index::drop()
                .name("ix_notification_delivery_next_attempt_at")
                .table(t("notification"))
                .to_owned(),
        )
        .await?;
        for c in [
            "delivery",
            "attempts",
            "next_attempt_at",
            "channel",
            "last_error",
            "idempotency_key",
            "topic",
        ] {
            m.alter_table(
                Table::alter()
                    .table(t("notification"))
                    .drop_column(t(c))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
