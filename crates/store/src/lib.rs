//! Storage and application services of linli.
//!
//! One code path on two databases: SeaORM picks SQLite or PostgreSQL from the URL, the
//! migrations and queries are the same on both. Every use case is a method of [`Store`]
//! that takes the acting person, checks them with the one authorization function of
//! `linli-domain`, parses input into domain types, writes inside one transaction together
//! with its audit record, and returns plain view structs that the web layer renders as HTML
//! or JSON. Nothing a second server process would need is kept in memory.

pub mod accounts;
pub mod agenda;
pub mod audit;
mod batch;
pub mod bulk;
pub mod clock;
pub mod db;
pub mod delivery;
pub mod elevators;
pub mod entity;
pub mod error;
pub mod exchange;
pub mod files;
pub mod funds;
pub mod grids;
pub mod health;
pub mod limits;
pub mod load;
pub mod migration;
pub mod paths;
pub mod persons;
pub mod proposals;
pub mod ratings;
pub mod reads;
pub mod registry;
pub mod requests;
pub mod roster;
pub mod standards;
pub mod summary;
pub mod sync_read;
pub mod tokens;
pub mod volunteers;

pub use accounts::Actor;
pub use clock::Clock;
pub use db::{Backend, Store};
pub use error::{ServiceError, ServiceResult};

/// A Unix time as a date in China (UTC+8), "2026-11-25": the day people write on forms.
pub fn china_date(ts: i64) -> String {
    linli_domain::calendar::Day::of(ts).to_string()
}

/// A Unix time as date and minute in China (UTC+8), "2026-11-25 14:05".
pub fn china_time(ts: i64) -> String {
    china(ts)
        .map(|d| format!("{} {:02}:{:02}", d.date(), d.hour(), d.minute()))
        .unwrap_or_default()
}

fn china(ts: i64) -> Option<time::OffsetDateTime> {
    Some(
        time::OffsetDateTime::from_unix_timestamp(ts)
            .ok()?
            .to_offset(time::macros::offset!(+8)),
    )
}
