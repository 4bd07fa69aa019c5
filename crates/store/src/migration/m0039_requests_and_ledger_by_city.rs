//! Reported problems and the funds' ledger partitioned by city: `service_request` (each
//! problem a resident or grid worker reports, already carrying its city), `request_photo`
//! (its photos), `fund_entry` (every line of every compound's ledger) and `fund_share` (each
//! household's part of a maintenance spending) grow with every compound's life, and each row
//! belongs to one compound, so to one city. On PostgreSQL each becomes list-partitioned by
//! `city_id` as the audit trail and the ballots were (`by_city`), and is read naming its city.
//!
//! These tables are named by others: a request's events and photos name the request, a share
//! names its entry, a correction the entry it corrects. A partitioned table's rows are unique
//! only with their city, so those keys become `(city_id, request_id)` naming `(city_id, id)`:
//! the request's timeline, photos and shares are of the request's (the entry's) city. The
//! unique "an entry is corrected once, a payment mirrored once" hold per city, which says the
//! same, as an entry and its correction (a payment and its mirror) are of one compound.

use super::by_city::{ByCity, city_partitions_function, run};
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0039_requests_and_ledger_by_city"
    }
}

/// The city of a ledger row, by its account's compound.
const LEDGER_CITY: &str = "(SELECT c.city_id FROM fund_account a JOIN compound c \
                           ON c.id = a.compound_id WHERE a.id = {row}.account_id)";

/// In the order they are partitioned: a table before those whose rows it names.
const TABLES: [ByCity; 4] = [
    ByCity {
        table: "request_photo",
        city_of: Some("(SELECT r.city_id FROM service_request r WHERE r.id = {row}.request_id)"),
        unique: &[],
        plain: &[&["request_id"]],
        keys: &[
            ("request_id", "service_request"),
            ("attachment_id", "attachment"),
        ],
        city_keys: &[],
        named_by: &[],
    },
    ByCity {
        table: "service_request",
        city_of: None,
        unique: &[],
        plain: &[
            &["compound_id", "status"],
            &["grid_id", "status"],
            &["community_id", "month"],
            &["subdistrict_id", "month"],
            &["compound_id", "month"],
            &["status", "due_at"],
            &["reporter_id"],
            &["assignee_id", "status"],
            &["household_id"],
        ],
        keys: &[
            ("compound_id", "compound"),
            ("household_id", "household"),
            ("category_id", "request_category"),
            ("reporter_id", "account"),
            ("grid_id", "grid"),
        ],
        city_keys: &[],
        named_by: &[
            ("request_event", "request_id"),
            ("request_photo", "request_id"),
        ],
    },
    ByCity {
        table: "fund_share",
        city_of: Some(LEDGER_CITY),
        unique: &[],
        plain: &[&["entry_id"], &["account_id", "household_id"]],
        keys: &[
            ("entry_id", "fund_entry"),
            ("account_id", "fund_account"),
            ("household_id", "household"),
        ],
        city_keys: &[],
        named_by: &[],
    },
    ByCity {
        table: "fund_entry",
        city_of: Some(LEDGER_CITY),
        unique: &[&["corrects_entry_id"], &["payment_id"]],
        plain: &[
            &[
                "account_id",
                "direction",
                "category",
                "occurred_on",
                "amount",
            ],
            &["account_id", "occurred_on"],
            &["account_id", "emergency"],
            &["account_id", "household_id"],
        ],
        keys: &[
            ("account_id", "fund_account"),
            ("household_id", "household"),
            ("payment_id", "elevator_payment"),
            ("proposal_id", "proposal"),
            ("receipt_attachment_id", "attachment"),
        ],
        city_keys: &[("corrects_entry_id", "fund_entry")],
        named_by: &[("fund_share", "entry_id")],
    },
];

/// Whether a file is a request's photo (and so seen only by those who see the request) is
/// asked of each file read.
const PHOTO_INDEX: &str =
    "CREATE INDEX ix_request_photo_attachment_id ON request_photo (attachment_id)";

/// Every table partitioned by city once this migration has run, or before it.
pub(super) fn partitioned(with_these: bool) -> Vec<&'static str> {
    let mut t: Vec<&str> = super::m0037_audit_by_city::PARTITIONED.to_vec();
    t.extend(
        super::m0038_ballots_and_requests_by_city::TABLES
            .iter()
            .map(|b| b.table),
    );
    if with_these {
        t.extend(TABLES.iter().map(|b| b.table));
    }
    t
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let statements = match m.get_database_backend() {
            sea_orm::DbBackend::Postgres => {
                let mut s: Vec<String> = TABLES.iter().flat_map(ByCity::postgres_up).collect();
                s.push(city_partitions_function(&partitioned(true)));
                // A request is opened by its id alone (its link names no city): each
                // partition's index on the id answers, where the key leads with the city.
                s.push("CREATE INDEX ix_service_request_id ON service_request (id)".into());
                s.push(PHOTO_INDEX.into());
                s
            }
            _ => {
                let mut s: Vec<String> = TABLES.iter().flat_map(ByCity::sqlite_up).collect();
                s.push(PHOTO_INDEX.into());
                s
            }
        };
        run(m, statements).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let statements = match m.get_database_backend() {
            sea_orm::DbBackend::Postgres => {
                let mut s: Vec<String> = TABLES
                    .iter()
                    .rev()
                    .flat_map(ByCity::postgres_down)
                    .collect();
                s.push(city_partitions_function(&partitioned(false)));
                s
            }
            _ => {
                let mut s = vec!["DROP INDEX ix_request_photo_attachment_id".to_string()];
                s.extend(TABLES.iter().rev().flat_map(ByCity::sqlite_down));
                s
            }
        };
        run(m, statements).await
    }
}
