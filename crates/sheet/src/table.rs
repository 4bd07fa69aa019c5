//! Any table as a spreadsheet: `.xlsx` for the finance side and printing, `.csv` (with a
//! byte-order mark, so Excel on Windows reads the Chinese right) for scripts. In `.xlsx` a cell
//! that is plainly a number (an amount, an area, a count: see [`as_number`]) is written as a
//! number, so that SUM works; everything else is text, so a room "0301", a phone number or an
//! ID keeps every digit.

use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// A spreadsheet that could not be written: a fault of the program or of the machine (a
/// sheet too large, an I/O failure), never of the reader's input.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct WriteError(pub String);

/// What this crate's writers return.
pub type WriteResult<T> = Result<T, WriteError>;

pub(crate) fn xlsx_err(e: XlsxError) -> WriteError {
    WriteError(format!("writing xlsx: {e}"))
}

/// One sheet named `name`, a bold frozen header row, then the rows.
pub fn xlsx_table(name: &str, headers: &[&str], rows: &[Vec<String>]) -> WriteResult<Vec<u8>> {
    xlsx_tables(&[(name, headers, rows)])
}

/// One sheet of a workbook: its name, headers and rows.
pub type Sheet<'a> = (&'a str, &'a [&'a str], &'a [Vec<String>]);

/// Several such sheets in one workbook.
pub fn xlsx_tables(sheets: &[Sheet<'_>]) -> WriteResult<Vec<u8>> {
    let mut book = Workbook::new();
    for (name, headers, rows) in sheets {
        let ws = book.add_worksheet();
        ws.set_name(sheet_name(name)).map_err(xlsx_err)?;
        write_sheet(ws, headers, rows)?;
    }
    book.save_to_buffer().map_err(xlsx_err)
}

fn write_sheet(
    ws: &mut rust_xlsxwriter::Worksheet,
    headers: &[&str],
    rows: &[Vec<String>],
) -> WriteResult<()> {
    let bold = Format::new().set_bold().set_background_color("#E8EEF4");
    // "80.50" stays "80.50" on screen: as many decimals as written.
    let decimals: Vec<Format> = ["0", "0.0", "0.00", "0.000", "0.0000"]
        .iter()
        .map(|f| Format::new().set_num_format(*f))
        .collect();
    for (i, h) in headers.iter().enumerate() {
        let col = u16::try_from(i).map_err(|_| WriteError("too many columns".into()))?;
        ws.write_string_with_format(0, col, *h, &bold)
            .map_err(xlsx_err)?;
        ws.set_column_width(col, 14).map_err(xlsx_err)?;
    }
    ws.set_freeze_panes(1, 0).map_err(xlsx_err)?;
    for (i, r) in rows.iter().enumerate() {
        let row = u32::try_from(i + 1).map_err(|_| WriteError("too many rows".into()))?;
        for (j, v) in r.iter().enumerate().filter(|(_, v)| !v.is_empty()) {
            let col = u16::try_from(j).map_err(|_| WriteError("too many columns".into()))?;
            match as_number(v) {
                Some((n, places)) => ws
                    .write_number_with_format(row, col, n, &decimals[usize::from(places)])
                    .map_err(xlsx_err)?,
                None => ws.write_string(row, col, v).map_err(xlsx_err)?,
            };
        }
    }
    Ok(())
}

/// A cell's text as a number to write, with its decimal places, when it is plainly one: an
/// optional minus, at most ten digits without a leading zero (or a single 0), and at most four
/// decimals. Longer digit strings (phones, ID numbers), leading zeros ("0301"), thousands
/// separators, units and percentages stay text, as written.
pub fn as_number(text: &str) -> Option<(f64, u8)> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let int_ok = !int.is_empty()
        && int.len() <= 10
        && int.bytes().all(|b| b.is_ascii_digit())
        && (int == "0" || !int.starts_with('0'));
    let places = match frac {
        None => 0,
        Some(f) if (1..=4).contains(&f.len()) && f.bytes().all(|b| b.is_ascii_digit()) => f.len(),
        Some(_) => return None,
    };
    if !int_ok {
        return None;
    }
    let n: f64 = text.parse().ok()?;
    Some((n, u8::try_from(places).ok()?))
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(name: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '-' } else { c })
        .take(31)
        .collect();
    if clean.trim().is_empty() {
        "linli".into()
    } else {
        clean
    }
}

/// The same table as UTF-8 CSV with a byte-order mark.
pub fn csv_table(headers: &[&str], rows: &[Vec<String>]) -> WriteResult<Vec<u8>> {
    let mut w = CsvOut::new(Vec::new(), true)?;
    w.row(headers)?;
    for r in rows {
        w.row(r)?;
    }
    w.finish()
}

/// **The** CSV writer: every CSV linli writes goes through it, so every cell is defused
/// ([`defuse`]) and a name typed by anyone cannot become a live formula in the spreadsheet
/// of whoever opens the download.
pub struct CsvOut<W: std::io::Write> {
    w: csv::Writer<W>,
}

fn csv_err(e: impl std::fmt::Display) -> WriteError {
    WriteError(format!("writing csv: {e}"))
}

impl<W: std::io::Write> CsvOut<W> {
    /// `bom` puts a UTF-8 byte-order mark first, which Excel on Windows needs to show Chinese.
    pub fn new(mut out: W, bom: bool) -> WriteResult<CsvOut<W>> {
        if bom {
            out.write_all(b"\xEF\xBB\xBF").map_err(csv_err)?;
        }
        Ok(CsvOut {
            w: csv::Writer::from_writer(out),
        })
    }

    pub fn row<S: AsRef<str>>(&mut self, cells: &[S]) -> WriteResult<()> {
        self.w
            .write_record(cells.iter().map(|c| defuse(c.as_ref()).into_owned()))
            .map_err(csv_err)
    }

    pub fn finish(self) -> WriteResult<W> {
        self.w.into_inner().map_err(csv_err)
    }
}

/// A cell that a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, a tab
/// or a carriage return) gets a leading `'`, which Excel and LibreOffice show as text. The
/// roster import takes the `'` off again ([`undefuse`]), so an export still imports back.
pub fn defuse(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(FORMULA_STARTS) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// The reverse of [`defuse`], for cells read from a CSV file.
pub fn undefuse(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
        _ => cell,
    }
}

const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_keeps_leading_zeros_and_starts_with_a_bom() {
        let out = csv_table(
            &["房号", "电话"],
            &[vec!["0301".into(), "013800001111".into()]],
        )
        .unwrap();
        assert!(out.starts_with(b"\xEF\xBB\xBF"));
        let text = String::from_utf8(out[3..].to_vec()).unwrap();
        assert_eq!(text, "房号,电话\n0301,013800001111\n");
    }

    #[test]
    fn a_cell_that_would_be_a_formula_is_written_as_text() {
        let evil = [
            "=HYPERLINK(\"http://x\",\"x\")",
            "+1",
            "-1",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ];
        let out = csv_table(
            &["a", "b", "c", "d", "e", "f"],
            &[evil.iter().map(|s| s.to_string()).collect()],
        )
        .unwrap();
        let text = String::from_utf8(out[3..].to_vec()).unwrap();
        let row = text.lines().nth(1).unwrap();
        assert_eq!(
            row,
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"x\"\")\",'+1,'-1,'@SUM(A1),'\tx,\"'\rx\""
        );
        for e in evil {
            assert_eq!(undefuse(&defuse(e)), e);
        }
        assert_eq!(defuse("张三"), "张三");
        assert_eq!(
            undefuse("'张三"),
            "'张三",
            "an apostrophe before ordinary text is the text"
        );
    }

    #[test]
    fn plain_numbers_go_as_numbers_and_everything_else_as_written() {
        for (text, want) in [
            ("0", Some((0.0, 0))),
            ("12", Some((12.0, 0))),
            ("-3.5", Some((-3.5, 1))),
            ("80.50", Some((80.5, 2))),
            ("1234567890", Some((1_234_567_890.0, 0))),
            ("0.0001", Some((0.0001, 4))),
        ] {
            assert_eq!(as_number(text), want, "{text}");
        }
        for text in [
            "0301",
            "13800138000",
            "1.23456",
            "1,000",
            "12%",
            "5/6",
            "",
            "-",
            ".5",
            "5.",
            "1e5",
            "Ⅰ",
            "１２",
            "- 1",
        ] {
            assert_eq!(as_number(text), None, "{text}");
        }
    }

    #[test]
    fn an_xlsx_sums_its_numbers_and_keeps_its_codes() {
        use calamine::{Data, Reader};
        let out = xlsx_table(
            "遂宁市/小区名录:2026[全部]超过三十一个字符的名字也能写进去吗",
            &["小区", "户数", "面积", "房号", "电话"],
            &[vec![
                "纹江花园".into(),
                "150".into(),
                "80.50".into(),
                "0301".into(),
                "13800138000".into(),
            ]],
        )
        .unwrap();
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(out)).unwrap();
        let name = book.sheet_names()[0].clone();
        assert_eq!(name.chars().count(), 31);
        assert!(!name.contains('/') && !name.contains('[') && !name.contains(':'));
        let range = book.worksheet_range(&name).unwrap();
        let row: Vec<&Data> = range.rows().nth(1).unwrap().iter().collect();
        assert_eq!(row[1], &Data::Float(150.0));
        assert_eq!(row[2], &Data::Float(80.5));
        assert_eq!(row[3], &Data::String("0301".into()));
        assert_eq!(row[4], &Data::String("13800138000".into()));
    }

    #[test]
    fn xlsx_is_a_zip_with_the_sheet() {
        let out = xlsx_table("登记表", &["a"], &[vec!["1".into()]]).unwrap();
        assert!(out.starts_with(b"PK"), "an xlsx is a zip file");
    }
}
