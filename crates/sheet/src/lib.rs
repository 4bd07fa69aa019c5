//! Spreadsheets without a database: any table written as `.xlsx` or `.csv` ([`table`]), and
//! the household roster read from and written to the files committees keep ([`roster`]).
//!
//! Nothing here does I/O beyond the reader or writer it is handed, and nothing knows the
//! database: the store's services call this crate and keep the transactions.

pub mod roster;
pub mod table;

pub use table::{
    CsvOut, Sheet, WriteError, as_number, csv_table, defuse, undefuse, xlsx_table, xlsx_tables,
};
