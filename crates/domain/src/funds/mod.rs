//! The compound's money (DOMAIN §6.5): fund accounts of the compound and of projects, the
//! special maintenance fund of a building kept per household, and the statements (公示)
//! published to residents. All money is integer fen.
//!
//! The pieces, each pure:
//! - [`category`]: kinds of account, the five income sources, expense purposes, and the
//!   emergencies the maintenance fund may pay before a decision;
//! - [`period`]: days as written on forms, periods and quarter presets;
//! - [`statement`]: a period's statement from the opening balance and signed entries, exact,
//!   with `opening + income − expenses = closing` checked by property tests;
//! - [`rules`]: which entries need which passed decision (use = Art. 278 item 5, raise =
//!   item 6) or may be emergencies, the 30% top-up warning, and a spending split by area.
//!
//! The ledger is append-only: an entry is never changed; a correction is a new entry of the
//! opposite amount in the same category that points at it.

pub mod category;
pub mod period;
pub mod rules;
pub mod statement;

pub use category::{AccountKind, Category, Direction, EmergencyKind, ExpensePurpose, IncomeSource};
pub use period::{Day, Period};
pub use rules::{
    Approval, Decision, EntryRequest, approve, needs_top_up, split_by_area, top_up_threshold,
};
pub use statement::{Line, Statement};
