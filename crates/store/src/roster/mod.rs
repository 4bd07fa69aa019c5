//! The household roster in Excel and CSV: import as committees really keep it, export,
//! and the template.
//!
//! An import goes file → rows → plan → apply. Reading the file into cleaned
//! [`RosterRow`](linli_sheet::roster::RosterRow)s, making building and unit names one and
//! finding who is one person is pure spreadsheet work in [`linli_sheet::roster`]; here:
//!
//! - [`plan`] compares the rows with the database: what would be created, updated or left
//!   alone, and warnings (an owner with several households, an area far from its stack);
//! - [`apply`] writes a plan in one transaction with an audit record per changed household.
//!
//! Between preview and confirmation the parsed rows are kept in the `roster_import` table,
//! not in memory, so whichever server process gets the confirmation can apply it.

pub mod apply;
mod export;
pub mod plan;
pub mod service;

pub use apply::Applied;
pub use plan::Preview;
pub use service::{ImportDone, ImportPreview};

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
