//! Grids and service requests: grids with their members and households, request categories
//! (seeded with the defaults), requests with every step timed, their photos, and the holiday
//! calendar (seeded with the State Council's 2025 and 2026 holidays and swapped working days).

use super::m0001_registry::{fk, index, t};
use linli_domain::requests::DEFAULT_CATEGORIES;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0010_requests"
    }
}

/// Tables in creation order; dropped in reverse.
const TABLES: [&str; 8] = [
    "grid",
    "grid_member",
    "grid_household",
    "request_category",
    "service_request",
    "request_event",
    "request_photo",
    "holiday",
];

/// (date, name, worked): the official holidays (off) and swapped weekend working days.
pub(crate) const HOLIDAYS: &[(&str, &str, bool)] = &[
    ("2025-01-01", "元旦", false),
    ("2025-01-26", "春节调休", true),
    ("2025-01-28", "春节", false),
    ("2025-01-29", "春节", false),
    ("2025-01-30", "春节", false),
    ("2025-01-31", "春节", false),
    ("2025-02-01", "春节", false),
    ("2025-02-02", "春节", false),
    ("2025-02-03", "春节", false),
    ("2025-02-04", "春节", false),
    ("2025-02-08", "春节调休", true),
    ("2025-04-04", "清明节", false),
    ("2025-04-05", "清明节", false),
    ("2025-04-06", "清明节", false),
    ("2025-04-27", "劳动节调休", true),
    ("2025-05-01", "劳动节", false),
    ("2025-05-02", "劳动节", false),
    ("2025-05-03", "劳动节", false),
    ("2025-05-04", "劳动节", false),
    ("2025-05-05", "劳动节", false),
    ("2025-05-31", "端午节", false),
    ("2025-06-01", "端午节", false),
    ("2025-06-02", "端午节", false),
    ("2025-09-28", "国庆节调休", true),
    ("2025-10-01", "国庆节、中秋节", false),
    ("2025-10-02", "国庆节、中秋节", false),
    ("2025-10-03", "国庆节、中秋节", false),
    ("2025-10-04", "国庆节、中秋节", false),
    ("2025-10-05", "国庆节、中秋节", false),
    ("2025-10-06", "国庆节、中秋节", false),
    ("2025-10-07", "国庆节、中秋节", false),
    ("2025-10-08", "国庆节、中秋节", false),
    ("2025-10-11", "国庆节调休", true),
    ("2026-01-01", "元旦", false),
    ("2026-01-02", "元旦", false),
    ("2026-01-03", "元旦", false),
    ("2026-01-04", "元旦调休", true),
    ("2026-02-14", "春节调休", true),
    ("2026-02-15", "春节", false),
    ("2026-02-16", "春节", false),
    ("2026-02-17", "春节", false),
    ("2026-02-18", "春节", false),
    ("2026-02-19", "春节", false),
    ("2026-02-20", "春节", false),
    ("2026-02-21", "春节", false),
    ("2026-02-22", "春节", false),
    ("2026-02-23", "春节", false),
    ("2026-02-28", "春节调休", true),
    ("2026-04-04", "清明节", false),
    ("2026-04-05", "清明节", false),
    ("2026-04-06", "清明节", false),
    ("2026-05-01", "劳动节", false),
    ("2026-05-02", "劳动节", false),
    ("2026-05-03", "劳动节", false),
    ("2026-05-04", "劳动节", false),
    ("2026-05-05", "劳动节", false),
    ("2026-05-09", "劳动节调休", true),
    ("2026-06-19", "端午节", false),
    ("2026-06-20", "端午节", false),
    ("2026-06-21", "端午节", false),
    ("2026-09-20", "国庆节调休", true),
    ("2026-09-25", "中秋节", false),
    ("2026-09-26", "中秋节", false),
    ("2026-09-27", "中秋节", false),
    ("2026-10-01", "国庆节", false),
    ("2026-10-02", "国庆节", false),
    ("2026-10-03", "国庆节", false),
    ("2026-10-04", "国庆节", false),
    ("2026-10-05", "国庆节", false),
    ("2026-10-06", "国庆节", false),
    ("2026-10-07", "国庆节", false),
    ("2026-10-10", "国庆节调休", true),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let tables = vec![
            Table::create()
                .table(t("grid"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("compound_id")))
                // A micro-grid sits inside a grid.
                .col(big_integer_null(t("parent_id")))
                .col(string_len(t("name"), 100))
                .col(string_len(t("note"), 500))
                .col(big_integer(t("created_at")))
                .foreign_key(&mut fk("grid", "compound_id", "compound"))
                .foreign_key(&mut fk("grid", "parent_id", "grid"))
                .to_owned(),
            Table::create()
                .table(t("grid_member"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("grid_id")))
                .col(big_integer(t("account_id")))
                // grid_worker | party_member | building_head | volunteer
                .col(string_len(t("role"), 16))
                .col(big_integer(t("created_at")))
                .foreign_key(&mut fk("grid_member", "grid_id", "grid"))
                .foreign_key(&mut fk("grid_member", "account_id", "account"))
                .to_owned(),
            Table::create()
                .table(t("grid_household"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("household_id")))
                .col(big_integer(t("grid_id")))
                .col(big_integer(t("compound_id")))
                .foreign_key(&mut fk("grid_household", "household_id", "household"))
                .foreign_key(&mut fk("grid_household", "grid_id", "grid"))
                .to_owned(),
            Table::create()
                .table(t("request_category"))
                .col(big_pk_auto(t("id")))
                .col(string_len(t("code"), 32))
                .col(string_len(t("name_zh"), 50))
                .col(string_len(t("name_en"), 80))
                // minutes | working_days (`linli_domain::requests::Deadline`)
                .col(string_len(t("deadline_unit"), 16))
                .col(integer(t("deadline_amount")))
                .col(string_len(t("route"), 16))
                .col(integer(t("auto_close_days")))
                .col(integer(t("sort")))
                .col(boolean(t("active")))
                .to_owned(),
            Table::create()
                .table(t("service_request"))
                .col(big_pk_auto(t("id")))
                // The place, with every level above it, so scopes and metrics need no joins.
                .col(big_integer(t("city_id")))
                .col(big_integer(t("district_id")))
                .col(big_integer(t("subdistrict_id")))
                .col(big_integer(t("community_id")))
                .col(big_integer(t("compound_id")))
                .col(big_integer_null(t("building_id")))
                .col(big_integer_null(t("unit_id")))
                .col(big_integer_null(t("household_id")))
                .col(big_integer_null(t("grid_id")))
                // The household's label, or the common place as typed ("3栋 2单元 楼道").
                .col(string_len(t("place"), 200))
                .col(big_integer(t("category_id")))
                .col(text(t("description")))
                .col(big_integer(t("reporter_id")))
                .col(string_len(t("on_behalf_of"), 100))
                .col(string_len(t("contact_phone"), 20))
                .col(string_len(t("channel"), 8))
                .col(string_len(t("status"), 16))
                .col(string_len(t("route"), 16))
                .col(big_integer_null(t("assignee_id")))
                // A request about a common place is seen by the compound's residents.
                .col(boolean(t("public")))
                .col(big_integer(t("created_at")))
                // "2026-11", China time: the month it is counted in.
                .col(string_len(t("month"), 7))
                .col(big_integer(t("due_at")))
                // When the deadline's milestone was met (on site for minute deadlines, resolved otherwise).
                .col(big_integer_null(t("met_at")))
                .col(big_integer_null(t("first_response_at")))
                .col(big_integer_null(t("resolved_at")))
                .col(big_integer_null(t("closed_at")))
                .col(big_integer_null(t("escalated_at")))
                .col(integer_null(t("rating")))
                .col(string_len(t("rating_comment"), 500))
                .col(integer(t("version")))
                .foreign_key(&mut fk("service_request", "compound_id", "compound"))
                .foreign_key(&mut fk("service_request", "household_id", "household"))
                .foreign_key(&mut fk(
                    "service_request",
                    "category_id",
                    "request_category",
                ))
                .foreign_key(&mut fk("service_request", "reporter_id", "account"))
                .foreign_key(&mut fk("service_request", "grid_id", "grid"))
                .to_owned(),
            Table::create()
                .table(t("request_event"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("request_id")))
                .col(string_len_null(t("from_status"), 16))
                .col(string_len(t("to_status"), 16))
                .col(string_len(t("step"), 16))
                .col(big_integer_null(t("actor_id")))
                .col(string_len(t("actor_name"), 100))
                .col(big_integer_null(t("assignee_id")))
                .col(string_len(t("note"), 500))
                .col(big_integer(t("at")))
                .foreign_key(&mut fk("request_event", "request_id", "service_request"))
                .to_owned(),
            Table::create()
                .table(t("request_photo"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("request_id")))
                .col(big_integer(t("attachment_id")))
                .foreign_key(&mut fk("request_photo", "request_id", "service_request"))
                .foreign_key(&mut fk("request_photo", "attachment_id", "attachment"))
                .to_owned(),
            Table::create()
                .table(t("holiday"))
                .col(big_pk_auto(t("id")))
                .col(string_len(t("day"), 10))
                .col(string_len(t("name"), 50))
                .col(boolean(t("workday")))
                .to_owned(),
        ];
        for table in tables {
            m.create_table(table).await?;
        }
        for (table, cols, unique) in [
            ("grid", &["compound_id"][..], false),
            ("grid_member", &["grid_id", "account_id", "role"][..], true),
            ("grid_member", &["account_id"][..], false),
            // Each household in exactly one grid.
            ("grid_household", &["household_id"][..], true),
            ("grid_household", &["grid_id"][..], false),
            ("request_category", &["code"][..], true),
            // The hot queries: a compound's open requests, a grid's queue, metrics by month per
            // community and subdistrict, the overdue scan, "my requests", "assigned to me".
            ("service_request", &["compound_id", "status"][..], false),
            ("service_request", &["grid_id", "status"][..], false),
            ("service_request", &["community_id", "month"][..], false),
            ("service_request", &["subdistrict_id", "month"][..], false),
            ("service_request", &["compound_id", "month"][..], false),
            ("service_request", &["status", "due_at"][..], false),
            ("service_request", &["reporter_id"][..], false),
            ("service_request", &["assignee_id", "status"][..], false),
            ("request_event", &["request_id"][..], false),
            ("request_photo", &["request_id"][..], false),
            ("holiday", &["day"][..], true),
        ] {
            m.create_index(index(table, cols, unique)).await?;
        }
        for (i, c) in DEFAULT_CATEGORIES.iter().enumerate() {
            let (unit, amount) = c.deadline.parts();
            let insert = Query::insert()
                .into_table(t("request_category"))
                .columns(
                    [
                        "code",
                        "name_zh",
                        "name_en",
                        "deadline_unit",
                        "deadline_amount",
                        "route",
                        "auto_close_days",
                        "sort",
                        "active",
                    ]
                    .map(t),
                )
                .values([
                    c.code.into(),
                    c.name_zh.into(),
                    c.name_en.into(),
                    unit.as_str().into(),
                    amount.into(),
                    c.route.as_str().into(),
                    c.auto_close_days.into(),
                    (i as i32).into(),
                    true.into(),
                ])
                .map_err(|e| DbErr::Custom(e.to_string()))?
                .to_owned();
            m.exec_stmt(insert).await?;
        }
        for chunk in HOLIDAYS.chunks(50) {
            let mut insert = Query::insert();
            insert
                .into_table(t("holiday"))
                .columns(["day", "name", "workday"].map(t));
            for (day, name, workday) in chunk {
                insert
                    .values([(*day).into(), (*name).into(), (*workday).into()])
                    .map_err(|e| DbErr::Custom(e.to_string()))?;
            }
            m.exec_stmt(insert.to_owned()).await?;
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
