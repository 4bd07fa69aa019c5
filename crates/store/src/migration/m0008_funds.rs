//! Fund accounts (of a compound, a project, a building's maintenance fund), their
//! append-only ledger, the per-household shares of maintenance spending, and the posted
//! statements (公示) as frozen snapshots.

use super::m0001_registry::{fk, index, t};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0008_funds"
    }
}

/// Tables in creation order; dropped in reverse.
const TABLES: [&str; 4] = ["fund_account", "fund_entry", "fund_share", "fund_statement"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let tables = vec![
            Table::create()
                .table(t("fund_account"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("compound_id")))
                // `compound`, `project` or `maintenance` (`linli_domain::funds::AccountKind`).
                .col(string_len(t("kind"), 16))
                .col(big_integer_null(t("project_id")))
                .col(big_integer_null(t("building_id")))
                .col(string_len(t("name"), 100))
                // Maintenance funds: the initial deposit (fen) and the top-up threshold (bp of it).
                .col(big_integer(t("initial_deposit")))
                .col(big_integer(t("top_up_bp")))
                .col(big_integer(t("created_by")))
                .col(big_integer(t("created_at")))
                .foreign_key(&mut fk("fund_account", "compound_id", "compound"))
                .foreign_key(&mut fk("fund_account", "project_id", "elevator_project"))
                .foreign_key(&mut fk("fund_account", "building_id", "building"))
                .to_owned(),
            // Append-only: never updated, never deleted. `amount` is the signed effect on the
            // balance (income +, expense −); a correction has the opposite amount of the entry
            // it points at, in the same category.
            Table::create()
                .table(t("fund_entry"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("account_id")))
                .col(big_integer_null(t("household_id")))
                .col(string_len(t("direction"), 8))
                .col(string_len(t("category"), 20))
                .col(big_integer(t("amount")))
                // "2024-05-01": text order is day order.
                .col(string_len(t("occurred_on"), 10))
                .col(string_len(t("note"), 200))
                .col(big_integer_null(t("receipt_attachment_id")))
                .col(big_integer_null(t("proposal_id")))
                // The kind of emergency (`EmergencyKind`) when paid before a decision.
                .col(string_len_null(t("emergency"), 20))
                .col(boolean(t("top_up")))
                .col(big_integer_null(t("corrects_entry_id")))
                // The elevator payment this entry mirrors, if any.
                .col(big_integer_null(t("payment_id")))
                .col(big_integer(t("recorded_by")))
                .col(string_len(t("recorded_by_name"), 100))
                .col(big_integer(t("created_at")))
                .foreign_key(&mut fk("fund_entry", "account_id", "fund_account"))
                .foreign_key(&mut fk("fund_entry", "household_id", "household"))
                .foreign_key(&mut fk("fund_entry", "receipt_attachment_id", "attachment"))
                .foreign_key(&mut fk("fund_entry", "proposal_id", "proposal"))
                .foreign_key(&mut fk("fund_entry", "corrects_entry_id", "fund_entry"))
                .foreign_key(&mut fk("fund_entry", "payment_id", "elevator_payment"))
                .to_owned(),
            // A maintenance spending's split over the building's households by area (amounts
            // negative like the entry's), so each household's balance is a sum.
            Table::create()
                .table(t("fund_share"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("entry_id")))
                .col(big_integer(t("account_id")))
                .col(big_integer(t("household_id")))
                .col(big_integer(t("amount")))
                .foreign_key(&mut fk("fund_share", "entry_id", "fund_entry"))
                .foreign_key(&mut fk("fund_share", "account_id", "fund_account"))
                .foreign_key(&mut fk("fund_share", "household_id", "household"))
                .to_owned(),
            // A posted statement: the `linli_domain::funds::Statement` as JSON, never edited.
            Table::create()
                .table(t("fund_statement"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("account_id")))
                .col(string_len(t("period_from"), 10))
                .col(string_len(t("period_to"), 10))
                .col(text(t("body")))
                .col(big_integer(t("posted_by")))
                .col(string_len(t("posted_by_name"), 100))
                .col(big_integer(t("posted_at")))
                .foreign_key(&mut fk("fund_statement", "account_id", "fund_account"))
                .to_owned(),
        ];
        for table in tables {
            m.create_table(table).await?;
        }
        for (table, cols, unique) in [
            ("fund_account", &["compound_id", "kind"][..], false),
            // One account per project, one maintenance fund per building.
            ("fund_account", &["project_id"][..], true),
            ("fund_account", &["building_id"][..], true),
            // The statement: one pass over an account's entries in (direction, category)
            // order summing the opening balance and the period per category, read from the
            // index alone (no table rows, no sort), so 100,000 entries stay fast.
            (
                "fund_entry",
                &[
                    "account_id",
                    "direction",
                    "category",
                    "occurred_on",
                    "amount",
                ][..],
                false,
            ),
            // The pages of entries by day, balances before a day, the monthly history.
            ("fund_entry", &["account_id", "occurred_on"][..], false),
            // The few emergency spendings, without reading the rest.
            ("fund_entry", &["account_id", "emergency"][..], false),
            ("fund_entry", &["account_id", "household_id"][..], false),
            // An entry is corrected once; a payment is mirrored once (and voided once).
            ("fund_entry", &["corrects_entry_id"][..], true),
            ("fund_entry", &["payment_id"][..], true),
            ("fund_share", &["entry_id"][..], false),
            ("fund_share", &["account_id", "household_id"][..], false),
            (
                "fund_statement",
                &["account_id", "period_from", "period_to"][..],
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
