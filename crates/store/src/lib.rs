//! Storage and application services of linli.
//!
//! One code path on two databases: SeaORM picks SQLite or PostgreSQL from the URL, the
//! migrations and queries are the same on both. Every use case is a method of [`Store`]
//! that takes the acting person, checks them with the one authorization function of
//! `linli-domain`, parses input into domain types, writes inside one transaction together
//! with its audit record, and returns plain view structs that the web layer renders as HTML
//! or JSON. Nothing a second server process would need is kept in memory.

pub mod accounts;
pub mod audit;
pub mod db;
pub mod demo;
pub mod elevators;
pub mod entity;
pub mod error;
pub mod exchange;
pub mod files;
pub mod migration;
pub mod paths;
pub mod proposals;
pub mod ratings;
pub mod registry;
pub mod sheet;
pub mod roster;

pub use accounts::Actor;
pub use db::{Backend, Store};
pub use error::{ServiceError, ServiceResult};

/// Seconds since the Unix epoch: the one clock of the stored timestamps.
pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}
