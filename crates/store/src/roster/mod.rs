//! The household roster in Excel and CSV: import as committees really keep it, export,
//! and the template.
//!
//! An import goes file → rows → plan → apply:
//!
//! - [`read`] turns `.xlsx`, `.xls` or `.csv` (UTF-8 or GBK) into raw rows of cell texts, one
//!   row at a time (xlsx and csv are streamed; a row is dropped as soon as it is parsed);
//! - [`hidden`] lists the rows and columns an `.xlsx` hides (read like the others, but the
//!   preview says so);
//! - [`columns`] finds the header row (Chinese or English names, anywhere in the first rows)
//!   and [`parse`] cleans each row into a [`RosterRow`], carrying merged building and unit
//!   cells down and collecting every problem with its Excel row, column and value;
//! - [`names`] writes each building and unit one way (`1号楼`, `一栋` → `1栋`, or the
//!   compound's own spelling), and [`people`] finds who is one person across rows (the same
//!   name with the same phone or ID tail, or the developer of unsold flats);
//! - [`plan`] compares the rows with the database: what would be created, updated or left
//!   alone, and warnings (an owner with several households, an area far from its stack);
//! - [`apply`] writes a plan in one transaction with an audit record per changed household.
//!
//! Between preview and confirmation the parsed rows are kept in the `roster_import` table,
//! not in memory, so whichever server process gets the confirmation can apply it.

pub mod apply;
pub mod columns;
pub mod hidden;
pub mod names;
pub mod parse;
pub mod people;
pub mod plan;
pub mod read;
pub mod service;
pub mod write;

pub use apply::Applied;
pub use columns::Column;
pub use parse::{Problem, Rule};
pub use plan::Preview;
pub use read::FileError;
pub use service::{ImportDone, ImportPreview};
pub use write::{FileKind, template};

use serde::{Deserialize, Serialize};

/// The largest file accepted, from the page, the API or the command line. A 100,000-row
/// roster is about 5 MB as xlsx and 8 MB as CSV.
pub const MAX_FILE_BYTES: usize = 64 * 1024 * 1024;

/// One household as read from the file, cleaned and checked on its own.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterRow {
    /// The Excel row number (1-based, as Excel shows it).
    pub line: u32,
    pub building: String,
    pub unit: String,
    pub floor: i32,
    pub room: String,
    pub area_centi: i64,
    /// `registered`, `surveyed` or `contract`.
    pub source: String,
    /// Owners in order: the 业主 column, then the 共有人 column. Empty: leave owners alone.
    pub owners: Vec<String>,
    /// The first owner's contact phone: the first mobile of the cell, else its first number.
    pub phone: Option<String>,
    /// Every number of the phone cell.
    #[serde(default)]
    pub phones: Vec<String>,
    /// The first owner's 身份证后四位.
    #[serde(default)]
    pub id_last4: Option<String>,
    /// 开发建设单位未售出: the flat is still the developer's.
    #[serde(default)]
    pub unsold: bool,
    /// The preview found no such household: confirming it creates one. If another import
    /// created it meanwhile, the confirmation is refused instead of silently updating it.
    #[serde(default)]
    pub planned_new: bool,
}

/// How far an import has got, for a progress indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Rows read from the file so far.
    Read(u64),
    /// Households written so far, of the total to write.
    Written(u64, u64),
}

/// Where an import's time goes, step by step, logged at debug level
/// (`RUST_LOG=linli_store::roster=debug`) when the import is done: each [`Laps::lap`] adds the
/// time since the previous one to its step, so steps repeated per chunk are summed.
pub(crate) struct Laps {
    what: &'static str,
    last: std::time::Instant,
    steps: Vec<(&'static str, std::time::Duration)>,
}

impl Laps {
    pub(crate) fn new(what: &'static str) -> Laps {
        Laps {
            what,
            last: std::time::Instant::now(),
            steps: Vec::new(),
        }
    }

    /// Adds the time since the last lap to `step`.
    pub(crate) fn lap(&mut self, step: &'static str) {
        let now = std::time::Instant::now();
        let spent = now - self.last;
        self.last = now;
        match self.steps.iter_mut().find(|(s, _)| *s == step) {
            Some((_, d)) => *d += spent,
            None => self.steps.push((step, spent)),
        }
    }
}

impl Drop for Laps {
    fn drop(&mut self) {
        if tracing::enabled!(tracing::Level::DEBUG) {
            let total: std::time::Duration = self.steps.iter().map(|(_, d)| *d).sum();
            let steps: Vec<String> = self
                .steps
                .iter()
                .map(|(s, d)| format!("{s} {} ms", d.as_millis()))
                .collect();
            tracing::debug!(
                "{}: {} ms: {}",
                self.what,
                total.as_millis(),
                steps.join(", ")
            );
        }
    }
}
