//! Governance standards: a city's scheme (checklist and star-rating settings), assessments
//! and star ratings of compounds per period, and the per-compound plans with their items.
//! Rows that dashboards aggregate carry the compound's four region ids, and the compound
//! table gets covering indexes for counting by region, mode and status.

use super::m0001_registry::{fk, index, t};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0012_standards"
    }
}

/// Tables in creation order; dropped in reverse.
const TABLES: [&str; 5] = [
    "standard_scheme",
    "assessment",
    "star_rating",
    "compound_plan",
    "plan_item",
];

const REGIONS: [&str; 4] = ["city_id", "district_id", "subdistrict_id", "community_id"];

fn regions(mut table: TableCreateStatement) -> TableCreateStatement {
    for r in REGIONS {
        table.col(big_integer(t(r)));
    }
    table
}

/// Covering indexes on compound for the dashboards' GROUP BY at each level.
fn compound_indexes() -> Vec<IndexCreateStatement> {
    REGIONS
        .iter()
        .map(|r| {
            index(
                "compound",
                &[r, "management_mode", "three_no", "six_have"],
                false,
            )
        })
        .collect()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let tables = vec![
            Table::create()
                .table(t("standard_scheme"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("city_id")))
                // `linli_domain::standards::Checklist` and `RatingScheme` as JSON.
                .col(text(t("checklist")))
                .col(text(t("rating")))
                .col(big_integer(t("updated_by")))
                .col(big_integer(t("updated_at")))
                .col(integer(t("version")))
                .foreign_key(&mut fk("standard_scheme", "city_id", "region"))
                .to_owned(),
            regions(
                Table::create()
                    .table(t("assessment"))
                    .col(big_pk_auto(t("id")))
                    .col(big_integer(t("compound_id")))
                    .col(string_len(t("period"), 8))
                    .to_owned(),
            )
            // `[{code, mark, note}]` and the marks as letters in checklist order.
            .col(text(t("marks")))
            .col(text(t("letters")))
            .col(integer(t("met")))
            .col(integer(t("partly")))
            .col(integer(t("not_met")))
            .col(integer(t("six_have")))
            .col(boolean(t("three_no")))
            .col(boolean(t("latest")))
            .col(big_integer(t("assessor_id")))
            .col(string_len(t("assessor_name"), 100))
            .col(big_integer(t("created_at")))
            .foreign_key(&mut fk("assessment", "compound_id", "compound"))
            .to_owned(),
            regions(
                Table::create()
                    .table(t("star_rating"))
                    .col(big_pk_auto(t("id")))
                    .col(big_integer(t("compound_id")))
                    .col(string_len(t("period"), 8))
                    .to_owned(),
            )
            .col(big_integer(t("households")))
            .col(big_integer(t("responses")))
            .col(big_integer(t("satisfied")))
            .col(big_integer(t("satisfaction_centi")))
            .col(big_integer(t("management_centi")))
            .col(big_integer(t("overall_centi")))
            .col(big_integer(t("score_num")))
            .col(big_integer(t("score_den")))
            .col(big_integer(t("score_centi")))
            .col(integer(t("stars")))
            .col(text(t("vetoes")))
            .col(boolean(t("vetoed")))
            // The reward in fen; paid into the compound's fund account once that exists.
            .col(big_integer(t("reward")))
            .col(boolean(t("latest")))
            .col(big_integer(t("rated_by")))
            .col(string_len(t("rated_by_name"), 100))
            .col(big_integer(t("created_at")))
            .foreign_key(&mut fk("star_rating", "compound_id", "compound"))
            .to_owned(),
            regions(
                Table::create()
                    .table(t("compound_plan"))
                    .col(big_pk_auto(t("id")))
                    .col(big_integer(t("compound_id")))
                    .to_owned(),
            )
            .col(text(t("problems")))
            .col(string_len(t("responsible"), 200))
            .col(big_integer(t("households_benefited")))
            // Budget by channel, in fen.
            .col(big_integer(t("budget_government_reward")))
            .col(big_integer(t("budget_residents")))
            .col(big_integer(t("budget_support_unit")))
            .col(big_integer(t("budget_charity")))
            .col(big_integer(t("budget_public_income")))
            .col(integer(t("items_total")))
            .col(integer(t("items_done")))
            .col(big_integer(t("created_by")))
            .col(big_integer(t("created_at")))
            .col(big_integer(t("updated_at")))
            .col(integer(t("version")))
            .foreign_key(&mut fk("compound_plan", "compound_id", "compound"))
            .to_owned(),
            Table::create()
                .table(t("plan_item"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("plan_id")))
                .col(string_len(t("kind"), 16))
                .col(string_len(t("description"), 200))
                .col(big_integer(t("quantity")))
                .col(boolean(t("done")))
                .col(big_integer_null(t("done_at")))
                .foreign_key(&mut fk("plan_item", "plan_id", "compound_plan"))
                .to_owned(),
        ];
        for table in tables {
            m.create_table(table).await?;
        }
        let mut indexes = vec![
            index("standard_scheme", &["city_id"], true),
            index("assessment", &["compound_id", "period"], true),
            index("star_rating", &["compound_id", "period"], true),
            index("compound_plan", &["compound_id"], true),
            index("plan_item", &["plan_id"], false),
        ];
        for r in REGIONS {
            // Progress by period (covering), and the latest assessments' letters.
            indexes.push(index(
                "assessment",
                &[r, "period", "three_no", "six_have"],
                false,
            ));
            indexes.push(index("assessment", &[r, "latest"], false));
            indexes.push(index("star_rating", &[r, "latest"], false));
            indexes.push(index("compound_plan", &[r], false));
        }
        indexes.extend(compound_indexes());
        for i in indexes {
            m.create_index(i).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for r in REGIONS {
            let name = format!("ix_compound_{r}_management_mode_three_no_six_have");
            m.drop_index(Index::drop().name(name).table(t("compound")).to_owned())
                .await?;
        }
        for table in TABLES.iter().rev() {
            m.drop_table(Table::drop().table(t(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
