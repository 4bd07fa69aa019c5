//! The ballots and the ballots' and requests' timelines partitioned by city: `ballot` (each
//! voter's current ballot in each vote), `ballot_event` (every version of every ballot) and
//! `request_event` (every step of every reported problem) grow with the people who vote and
//! report, and each row belongs to a proposal or request of one compound, so of one city. On
//! PostgreSQL each becomes list-partitioned by `city_id` as the audit trail was (`by_city`),
//! and is read naming its city, so from that city's partition alone. No other table points at
//! them, so no other key changes. A voter's one ballot per vote is now unique as
//! `(city_id, proposal_id, voter_key)` (a proposal is of one city, so it says the same), on
//! both databases, which is what casting a ballot upserts on.

use super::by_city::{ByCity, city_partitions_function, run};
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0038_ballots_and_requests_by_city"
    }
}

/// The city of a row of a proposal, by the proposal's compound.
const PROPOSAL_CITY: &str = "(SELECT c.city_id FROM proposal p JOIN compound c \
                             ON c.id = p.compound_id WHERE p.id = {row}.proposal_id)";

pub(super) const TABLES: [ByCity; 3] = [
    ByCity {
        table: "ballot",
        city_of: Some(PROPOSAL_CITY),
        unique: &[&["proposal_id", "voter_key"]],
        plain: &[],
        keys: &[("proposal_id", "proposal")],
        city_keys: &[],
        named_by: &[],
    },
    ByCity {
        table: "ballot_event",
        city_of: Some(PROPOSAL_CITY),
        unique: &[&["proposal_id", "voter_key", "revision"]],
        plain: &[],
        keys: &[("proposal_id", "proposal")],
        city_keys: &[],
        named_by: &[],
    },
    ByCity {
        table: "request_event",
        city_of: Some(
            "(SELECT c.city_id FROM service_request r JOIN compound c ON c.id = r.compound_id \
                   WHERE r.id = {row}.request_id)",
        ),
        unique: &[],
        plain: &[&["request_id"]],
        keys: &[("request_id", "service_request")],
        city_keys: &[],
        named_by: &[],
    },
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let statements = match m.get_database_backend() {
            sea_orm::DbBackend::Postgres => {
                let mut tables: Vec<&str> = super::m0037_audit_by_city::PARTITIONED.to_vec();
                tables.extend(TABLES.iter().map(|t| t.table));
                let mut s: Vec<String> = TABLES.iter().flat_map(ByCity::postgres_up).collect();
                s.push(city_partitions_function(&tables));
                s
            }
            _ => TABLES.iter().flat_map(ByCity::sqlite_up).collect(),
        };
        run(m, statements).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let statements = match m.get_database_backend() {
            sea_orm::DbBackend::Postgres => {
                let mut s: Vec<String> = TABLES.iter().flat_map(ByCity::postgres_down).collect();
                s.push(city_partitions_function(
                    super::m0037_audit_by_city::PARTITIONED,
                ));
                s
            }
            _ => TABLES.iter().flat_map(ByCity::sqlite_down).collect(),
        };
        run(m, statements).await
    }
}
