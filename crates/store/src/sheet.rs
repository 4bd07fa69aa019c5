//! Any table as a spreadsheet: `.xlsx` for the finance side and printing, `.csv` (with a
//! byte-order mark, so Excel on Windows reads the Chinese right) for scripts. Every cell is
//! text, so a room "0301" or a phone number keeps its leading zero; the numbers people sum
//! (areas, amounts) are in their own columns as written by the caller.

use crate::error::{ServiceError, ServiceResult};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

fn xlsx_err(e: XlsxError) -> ServiceError {
    ServiceError::Internal(anyhow::anyhow!("writing xlsx: {e}"))
}

/// One sheet named `name`, a bold frozen header row, then the rows.
pub fn xlsx_table(name: &str, headers: &[&str], rows: &[Vec<String>]) -> ServiceResult<Vec<u8>> {
    xlsx_tables(&[(name, headers, rows)])
}

/// One sheet of a workbook: its name, headers and rows.
pub type Sheet<'a> = (&'a str, &'a [&'a str], &'a [Vec<String>]);

/// Several such sheets in one workbook.
pub fn xlsx_tables(sheets: &[Sheet<'_>]) -> ServiceResult<Vec<u8>> {
    let mut book = Workbook::new();
    for (name, headers, rows) in sheets {
        let ws = book.add_worksheet();
        ws.set_name(*name).map_err(xlsx_err)?;
        write_sheet(ws, headers, rows)?;
    }
    book.save_to_buffer().map_err(xlsx_err)
}

fn write_sheet(ws: &mut rust_xlsxwriter::Worksheet, headers: &[&str], rows: &[Vec<String>]) -> ServiceResult<()> {
    let bold = Format::new().set_bold().set_background_color("#E8EEF4");
    for (i, h) in headers.iter().enumerate() {
        let col = u16::try_from(i).map_err(|_| ServiceError::Internal(anyhow::anyhow!("too many columns")))?;
        ws.write_string_with_format(0, col, *h, &bold).map_err(xlsx_err)?;
        ws.set_column_width(col, 14).map_err(xlsx_err)?;
    }
    ws.set_freeze_panes(1, 0).map_err(xlsx_err)?;
    for (i, r) in rows.iter().enumerate() {
        let row = u32::try_from(i + 1).map_err(|_| ServiceError::Internal(anyhow::anyhow!("too many rows")))?;
        for (j, v) in r.iter().enumerate().filter(|(_, v)| !v.is_empty()) {
            let col = u16::try_from(j).map_err(|_| ServiceError::Internal(anyhow::anyhow!("too many columns")))?;
            ws.write_string(row, col, v).map_err(xlsx_err)?;
        }
    }
    Ok(())
}

/// The same table as UTF-8 CSV with a byte-order mark.
pub fn csv_table(headers: &[&str], rows: &[Vec<String>]) -> ServiceResult<Vec<u8>> {
    let err = |e: csv::Error| ServiceError::Internal(anyhow::anyhow!("writing csv: {e}"));
    let mut w = csv::Writer::from_writer(Vec::from(*b"\xEF\xBB\xBF"));
    w.write_record(headers).map_err(err)?;
    for r in rows {
        w.write_record(r).map_err(err)?;
    }
    w.into_inner().map_err(|e| ServiceError::Internal(anyhow::anyhow!("writing csv: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_keeps_leading_zeros_and_starts_with_a_bom() {
        let out = csv_table(&["房号", "电话"], &[vec!["0301".into(), "013800001111".into()]]).unwrap();
        assert!(out.starts_with(b"\xEF\xBB\xBF"));
        let text = String::from_utf8(out[3..].to_vec()).unwrap();
        assert_eq!(text, "房号,电话\n0301,013800001111\n");
    }

    #[test]
    fn xlsx_is_a_zip_with_the_sheet() {
        let out = xlsx_table("登记表", &["a"], &[vec!["1".into()]]).unwrap();
        assert!(out.starts_with(b"PK"), "an xlsx is a zip file");
    }
}
