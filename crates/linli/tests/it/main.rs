//! Every integration and browser test of linli, in one test binary: one link instead of one
//! per file, and one place that lists them. Each module is one feature's flows, run against a
//! real server on SQLite and on PostgreSQL (`both_backends!`) or in a real browser
//! (`browser*`). Run one module with `scripts/test -E 'test(/^roster::/)'`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[macro_use]
mod common;

mod accounts;
mod api;
mod audit;
mod authz;
mod bad_input;
mod browser;
mod browser_axe;
mod browser_dashboards;
mod browser_elevators;
mod browser_funds;
mod browser_ratings;
mod browser_recording;
mod browser_requests;
mod browser_roster;
mod browser_volunteers;
mod cli;
mod concurrency;
mod decisions;
mod demo;
mod elections;
mod elevators;
mod elevators_operation;
mod exports;
mod files;
mod forms;
mod funds;
mod hardening;
mod home;
mod meetings;
mod migrations;
mod notify;
mod operations;
mod pages;
mod paperwork;
mod partitions;
mod qr;
mod ratings;
mod reads;
mod registry;
mod replica;
mod requests;
mod roll;
mod roster;
mod security_accounts;
mod standards;
mod summaries;
mod volunteers;
