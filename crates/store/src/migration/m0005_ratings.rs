//! The civility rating of units: rubric versions, the scoring panel, months, sheets with
//! their taps (marks), and appeals.

use super::m0001_registry::{fk, index, t};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0005_ratings"
    }
}

/// Tables in creation order; dropped in reverse.
const TABLES: [&str; 6] = [
    "rating_rubric",
    "rating_panel",
    "rating_month",
    "rating_sheet",
    "rating_mark",
    "rating_appeal",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let tables = vec![
            Table::create()
                .table(t("rating_rubric"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("compound_id")))
                .col(integer(t("version")))
                .col(string_len(t("from_month"), 7))
                // The rubric as JSON (`linli_domain::rating::Rubric`).
                .col(text(t("body")))
                .col(big_integer_null(t("proposal_id")))
                .col(big_integer(t("created_by")))
                .col(big_integer(t("created_at")))
                .foreign_key(&mut fk("rating_rubric", "compound_id", "compound"))
                .foreign_key(&mut fk("rating_rubric", "proposal_id", "proposal"))
                .to_owned(),
            Table::create()
                .table(t("rating_panel"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("compound_id")))
                .col(big_integer(t("account_id")))
                .col(string_len(t("party"), 20))
                .col(string_len(t("name"), 100))
                .col(big_integer_null(t("home_unit_id")))
                .col(boolean(t("active")))
                .col(big_integer(t("created_at")))
                .foreign_key(&mut fk("rating_panel", "compound_id", "compound"))
                .foreign_key(&mut fk("rating_panel", "account_id", "account"))
                .to_owned(),
            Table::create()
                .table(t("rating_month"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("compound_id")))
                .col(string_len(t("month"), 7))
                .col(big_integer(t("rubric_id")))
                .col(string_len(t("status"), 10))
                .col(text_null(t("close_reason")))
                .col(big_integer_null(t("closed_at")))
                .col(big_integer_null(t("closed_by")))
                // The ranking as last computed (on closing and after each reversed deduction).
                .col(text(t("result")))
                .col(integer(t("version")))
                .col(big_integer(t("created_at")))
                .foreign_key(&mut fk("rating_month", "compound_id", "compound"))
                .foreign_key(&mut fk("rating_month", "rubric_id", "rating_rubric"))
                .to_owned(),
            Table::create()
                .table(t("rating_sheet"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("month_id")))
                .col(big_integer(t("unit_id")))
                .col(big_integer(t("panel_id")))
                .col(big_integer(t("scorer_id")))
                .col(string_len(t("scorer_name"), 100))
                .col(string_len(t("party"), 20))
                .col(text(t("note")))
                .col(big_integer(t("submitted_at")))
                .foreign_key(&mut fk("rating_sheet", "month_id", "rating_month"))
                .foreign_key(&mut fk("rating_sheet", "unit_id", "unit"))
                .foreign_key(&mut fk("rating_sheet", "panel_id", "rating_panel"))
                .to_owned(),
            Table::create()
                .table(t("rating_mark"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("sheet_id")))
                .col(big_integer(t("month_id")))
                .col(big_integer(t("unit_id")))
                .col(string_len(t("item_code"), 40))
                .col(string_len(t("kind"), 10))
                .col(big_integer(t("points")))
                .col(text(t("note")))
                .col(big_integer_null(t("evidence_id")))
                .col(boolean(t("reversed")))
                .foreign_key(&mut fk("rating_mark", "sheet_id", "rating_sheet"))
                .foreign_key(&mut fk("rating_mark", "evidence_id", "attachment"))
                .to_owned(),
            Table::create()
                .table(t("rating_appeal"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("month_id")))
                .col(big_integer(t("mark_id")))
                .col(big_integer(t("unit_id")))
                .col(text(t("reason")))
                .col(big_integer(t("filed_by")))
                .col(string_len(t("filer_name"), 100))
                .col(big_integer(t("filed_at")))
                .col(string_len(t("status"), 12))
                .col(text_null(t("decision_reason")))
                .col(big_integer_null(t("decided_by")))
                .col(big_integer_null(t("decided_at")))
                .foreign_key(&mut fk("rating_appeal", "month_id", "rating_month"))
                .foreign_key(&mut fk("rating_appeal", "mark_id", "rating_mark"))
                .to_owned(),
        ];
        for table in tables {
            m.create_table(table).await?;
        }
        for (table, cols, unique) in [
            ("rating_rubric", &["compound_id", "version"][..], true),
            ("rating_panel", &["compound_id", "account_id"][..], true),
            ("rating_month", &["compound_id", "month"][..], true),
            // One sheet per scorer, unit and month; a second submission hits this.
            (
                "rating_sheet",
                &["month_id", "unit_id", "panel_id"][..],
                true,
            ),
            ("rating_mark", &["month_id", "unit_id"][..], false),
            ("rating_mark", &["sheet_id"][..], false),
            ("rating_appeal", &["month_id"][..], false),
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
