//! Volunteer stations and their rota: stations per compound, weekly shifts, sign-ups for a
//! shift on a day (kept when withdrawn, as history), swap requests, check-ins.

use super::m0001_registry::{fk, index, t};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0011_volunteers"
    }
}

/// Tables in creation order; dropped in reverse.
const TABLES: [&str; 5] = [
    "volunteer_station",
    "volunteer_shift",
    "volunteer_signup",
    "volunteer_checkin",
    "volunteer_swap",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let tables = [
            Table::create()
                .table(t("volunteer_station"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("compound_id")))
                .col(string_len(t("name"), 100))
                .col(string_len(t("place"), 200))
                // Minutes before a turn's start from which check-in opens.
                .col(integer(t("checkin_early")))
                .col(boolean(t("active")))
                .col(big_integer(t("created_by")))
                .col(big_integer(t("created_at")))
                .foreign_key(&mut fk("volunteer_station", "compound_id", "compound"))
                .to_owned(),
            Table::create()
                .table(t("volunteer_shift"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("station_id")))
                .col(big_integer(t("compound_id")))
                // 1 = Monday … 7 = Sunday.
                .col(integer(t("weekday")))
                .col(integer(t("start_min")))
                .col(integer(t("end_min")))
                .col(integer(t("capacity")))
                .col(boolean(t("active")))
                // Bumped by every sign-up: the row lock that keeps a shift from overfilling.
                .col(big_integer(t("bookings")))
                .col(big_integer(t("created_at")))
                .foreign_key(&mut fk(
                    "volunteer_shift",
                    "station_id",
                    "volunteer_station",
                ))
                .to_owned(),
            Table::create()
                .table(t("volunteer_signup"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("shift_id")))
                .col(big_integer(t("station_id")))
                .col(big_integer(t("compound_id")))
                // The day of the turn, 2026-11-28 (sorts as text on both databases).
                .col(string_len(t("on_day"), 10))
                .col(integer(t("start_min")))
                .col(integer(t("end_min")))
                .col(big_integer(t("account_id")))
                .col(string_len(t("name"), 100))
                // The volunteer's home unit in the compound when they signed up, if any.
                .col(big_integer_null(t("unit_id")))
                // `active` or `withdrawn`.
                .col(string_len(t("status"), 12))
                .col(big_integer(t("created_at")))
                .foreign_key(&mut fk("volunteer_signup", "shift_id", "volunteer_shift"))
                .foreign_key(&mut fk(
                    "volunteer_signup",
                    "station_id",
                    "volunteer_station",
                ))
                .foreign_key(&mut fk("volunteer_signup", "account_id", "account"))
                .foreign_key(&mut fk("volunteer_signup", "unit_id", "unit"))
                .to_owned(),
            Table::create()
                .table(t("volunteer_checkin"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("signup_id")))
                .col(big_integer(t("account_id")))
                // What the turn earns: its length in minutes.
                .col(integer(t("minutes")))
                .col(big_integer(t("at")))
                .foreign_key(&mut fk(
                    "volunteer_checkin",
                    "signup_id",
                    "volunteer_signup",
                ))
                .to_owned(),
            Table::create()
                .table(t("volunteer_swap"))
                .col(big_pk_auto(t("id")))
                .col(big_integer(t("compound_id")))
                .col(big_integer(t("station_id")))
                .col(big_integer(t("from_signup_id")))
                .col(big_integer(t("to_signup_id")))
                .col(big_integer(t("requested_by")))
                .col(big_integer(t("counterpart_id")))
                // proposed, done, declined, withdrawn.
                .col(string_len(t("status"), 12))
                .col(big_integer_null(t("decided_by")))
                .col(big_integer(t("created_at")))
                .col(big_integer_null(t("decided_at")))
                .foreign_key(&mut fk(
                    "volunteer_swap",
                    "from_signup_id",
                    "volunteer_signup",
                ))
                .foreign_key(&mut fk(
                    "volunteer_swap",
                    "to_signup_id",
                    "volunteer_signup",
                ))
                .to_owned(),
        ];
        for table in tables {
            m.create_table(table).await?;
        }
        m.create_index(index("volunteer_station", &["compound_id"], false))
            .await?;
        m.create_index(index("volunteer_shift", &["station_id"], false))
            .await?;
        m.create_index(index("volunteer_signup", &["station_id", "on_day"], false))
            .await?;
        m.create_index(index("volunteer_signup", &["account_id", "on_day"], false))
            .await?;
        m.create_index(index("volunteer_signup", &["compound_id", "on_day"], false))
            .await?;
        m.create_index(index("volunteer_checkin", &["signup_id"], true))
            .await?;
        m.create_index(index("volunteer_swap", &["station_id", "status"], false))
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES.iter().rev() {
            m.drop_table(Table::drop().table(t(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
