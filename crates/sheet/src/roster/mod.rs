//! The household roster as a file, before any database sees it: reading, cleaning and
//! writing the spreadsheet committees really keep.
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
//! - [`write`] writes rows back as `.xlsx` or `.csv` with the headers an import reads, and the
//!   template.
//!
//! Comparing the rows with the database and writing them is the store's roster service.

pub mod columns;
pub mod hidden;
pub mod names;
pub mod parse;
pub mod people;
pub mod read;
pub mod write;

pub use columns::Column;
pub use parse::{Problem, Rule};
pub use read::FileError;
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
