//! Which rows and columns of an `.xlsx` sheet are hidden.
//!
//! A committee's roster often hides what it no longer looks at: a gross-area column, the rows
//! of flats sold long ago. The import reads hidden cells like any others (what is in the file
//! is the file), but the committee must be told, so that nobody is surprised by a household
//! they could not see in Excel. calamine does not report visibility, so this reads the sheet's
//! XML directly: `<col min max hidden="1">` ranges and `<row r hidden="1">` start tags.
//!
//! Only `.xlsx` carries this in a form worth reading; `.xls` and `.csv` report nothing hidden.

use std::collections::HashMap;
use std::io::{Read, Seek};

/// The hidden parts of one sheet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hidden {
    /// Excel row numbers (1-based), ascending.
    pub rows: Vec<u32>,
    /// Column positions (0-based: A is 0), ascending.
    pub cols: Vec<usize>,
}

impl Hidden {
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty() && self.cols.is_empty()
    }
}

/// Columns above this are not listed one by one (a sheet may hide A:XFD as a range).
const MAX_COLS: usize = 256;

/// The hidden rows and columns of sheet `sheet` (counting from 0 in the workbook's order, as
/// calamine counts). Anything unreadable yields nothing hidden: this is a remark for the
/// preview, never a reason to refuse a file the reader accepted.
pub fn hidden_in_xlsx<R: Read + Seek>(input: R, sheet: usize) -> Hidden {
    let Ok(mut zip) = zip::ZipArchive::new(input) else {
        return Hidden::default();
    };
    let Some(path) = sheet_path(&mut zip, sheet) else {
        return Hidden::default();
    };
    let Ok(sheet) = zip.by_name(&path) else {
        return Hidden::default();
    };
    scan_stream(sheet, READ_BYTES)
}

/// Bytes of sheet XML read at a time: the sheet of a 100,000-row roster is tens of MB
/// unpacked, and is never held whole.
const READ_BYTES: usize = 64 * 1024;

fn entry<R: Read + Seek>(zip: &mut zip::ZipArchive<R>, name: &str) -> Option<Vec<u8>> {
    let mut f = zip.by_name(name).ok()?;
    let mut out = Vec::with_capacity(usize::try_from(f.size()).unwrap_or(0).min(1 << 26));
    f.read_to_end(&mut out).ok()?;
    Some(out)
}

/// `xl/worksheets/sheetN.xml` of the workbook's `index`-th sheet, through the workbook's
/// relationships (the file names need not follow the sheet order).
fn sheet_path<R: Read + Seek>(zip: &mut zip::ZipArchive<R>, index: usize) -> Option<String> {
    let book = entry(zip, "xl/workbook.xml")?;
    let rels = entry(zip, "xl/_rels/workbook.xml.rels")?;
    let id = tags(&book, b"sheet")
        .nth(index)
        .and_then(|t| attr_suffix(t, b":id"))?;
    let targets: HashMap<String, String> = tags(&rels, b"Relationship")
        .filter_map(|t| Some((attr(t, b"Id")?, attr(t, b"Target")?)))
        .collect();
    let target = targets.get(&id)?;
    Some(match target.strip_prefix('/') {
        Some(abs) => abs.to_string(),
        None => format!("xl/{target}"),
    })
}

/// Reads `<cols>` and every `<row …>` start tag of a worksheet.
#[cfg(test)]
fn scan_sheet(xml: &[u8]) -> Hidden {
    scan_stream(xml, READ_BYTES)
}

/// [`scan_sheet`] over a stream, `chunk` bytes at a time. Everything before the last `<` read
/// so far is whole tags (XML has no raw `<` inside a tag), so it is scanned and dropped; the
/// rest waits for more bytes. A read error ends the scan with what was found.
fn scan_stream<R: Read>(mut input: R, chunk: usize) -> Hidden {
    let mut out = Hidden::default();
    let mut pending: Vec<u8> = Vec::with_capacity(2 * chunk);
    let mut block = vec![0u8; chunk.max(1)];
    loop {
        let n = match input.read(&mut block) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        pending.extend_from_slice(&block[..n]);
        let cut = memchr::memrchr(b'<', &pending).unwrap_or(pending.len());
        scan_part(&pending[..cut], &mut out);
        pending.drain(..cut);
    }
    scan_part(&pending, &mut out);
    out.cols.sort_unstable();
    out.cols.dedup();
    out
}

/// The hidden `<col>` ranges and `<row>`s among whole tags, in one pass over them.
fn scan_part(xml: &[u8], out: &mut Hidden) {
    for (name, after) in start_tags(xml) {
        match name {
            b"row" => {
                let t = up_to_close(after);
                if is_hidden(t)
                    && let Some(r) = attr(t, b"r").and_then(|v| v.parse::<u32>().ok())
                {
                    out.rows.push(r);
                }
            }
            b"col" => {
                let t = up_to_close(after);
                if !is_hidden(t) {
                    continue;
                }
                let num = |name: &[u8]| attr(t, name).and_then(|v| v.parse::<usize>().ok());
                let (Some(min), Some(max)) = (num(b"min"), num(b"max")) else {
                    continue;
                };
                for c in min.max(1)..=max.min(MAX_COLS) {
                    out.cols.push(c - 1);
                }
            }
            _ => {}
        }
    }
}

fn is_hidden(tag: &[u8]) -> bool {
    matches!(attr(tag, b"hidden").as_deref(), Some("1" | "true"))
}

/// Every start tag: its name without a namespace prefix (`row` for `<x:row`), and the bytes
/// after the name. A sheet of 100,000 rows has millions of tags, nearly all `<c>` and `<v>`:
/// the next `<` is found with `memchr` and nothing else is looked at until the name matches.
fn start_tags(xml: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    let mut at = 0;
    std::iter::from_fn(move || {
        while let Some(lt) = memchr::memchr(b'<', &xml[at..]) {
            let start = at + lt + 1;
            at = start;
            let rest = &xml[start..];
            // A name ends where the attributes or the tag do; a name cut off by the end of
            // what was read is no name.
            let Some(len) = rest
                .iter()
                .position(|b| matches!(b, b' ' | b'/' | b'>' | b'\t' | b'\n' | b'\r'))
            else {
                continue;
            };
            if len == 0 {
                continue;
            }
            let name = &rest[..len];
            let local = match memchr::memrchr(b':', name) {
                Some(p) if name[..p].iter().all(u8::is_ascii_alphanumeric) => &name[p + 1..],
                _ => name,
            };
            return Some((local, &rest[len..]));
        }
        None
    })
}

/// A start tag's attribute text: the bytes after its name up to the closing `>`.
fn up_to_close(after_name: &[u8]) -> &[u8] {
    &after_name[..memchr::memchr(b'>', after_name).unwrap_or(after_name.len())]
}

/// The attribute text of each start tag named `name` (without its namespace prefix): the
/// bytes between the name and the closing `>`.
fn tags<'a>(xml: &'a [u8], name: &'a [u8]) -> impl Iterator<Item = &'a [u8]> + 'a {
    start_tags(xml)
        .filter(move |(local, _)| *local == name)
        .map(|(_, after)| up_to_close(after))
}

/// The value of attribute `name` in a tag's attribute text.
fn attr(tag: &[u8], name: &[u8]) -> Option<String> {
    attr_where(tag, |n| n == name)
}

/// The value of the first attribute whose name ends with `suffix` (`r:id` whatever the prefix).
fn attr_suffix(tag: &[u8], suffix: &[u8]) -> Option<String> {
    attr_where(tag, |n| n.ends_with(suffix))
}

fn attr_where(tag: &[u8], want: impl Fn(&[u8]) -> bool) -> Option<String> {
    let mut i = 0;
    while i < tag.len() {
        let eq = tag[i..].iter().position(|&b| b == b'=')? + i;
        let name_start = tag[..eq]
            .iter()
            .rposition(|b| b.is_ascii_whitespace())
            .map_or(0, |p| p + 1);
        let name = &tag[name_start..eq];
        let quote = *tag.get(eq + 1)?;
        if quote != b'"' && quote != b'\'' {
            return None;
        }
        let close = tag[eq + 2..].iter().position(|&b| b == quote)? + eq + 2;
        if want(name) {
            return Some(String::from_utf8_lossy(&tag[eq + 2..close]).into_owned());
        }
        i = close + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_rows_and_column_ranges_are_found() {
        let xml = br#"<?xml version="1.0"?><worksheet><cols><col min="1" max="2" width="9"/><col min="5" max="6" hidden="1" width="0"/></cols>
<sheetData><row r="1"><c r="A1"/></row><row r="7" hidden="1" ht="0"><c r="A7"/></row><row r="8" customHeight="1" hidden="true"/><row r="9" hidden="0"/></sheetData></worksheet>"#;
        assert_eq!(
            scan_sheet(xml),
            Hidden {
                rows: vec![7, 8],
                cols: vec![4, 5]
            }
        );
    }

    #[test]
    fn rows_is_not_row_and_prefixes_are_skipped() {
        let xml = br#"<x:worksheet><x:rows/><x:row r="3" hidden="1"/><rowBreaks/></x:worksheet>"#;
        assert_eq!(scan_sheet(xml).rows, vec![3]);
    }

    #[test]
    fn tags_cut_between_reads_are_found_whole() {
        let xml = br#"<cols><col min="2" max="2" hidden="1"/></cols><sheetData><row r="2"/><row r="3" hidden="1"><c r="A3"><v>1</v></c></row><row r="12" hidden="1"/></sheetData>"#;
        for chunk in 1..=xml.len() {
            let h = scan_stream(&xml[..], chunk);
            assert_eq!(h.rows, vec![3, 12], "chunk {chunk}");
            assert_eq!(h.cols, vec![1], "chunk {chunk}");
        }
    }

    #[test]
    fn a_whole_hidden_range_is_capped() {
        let xml = br#"<cols><col min="3" max="16384" hidden="1"/></cols>"#;
        let h = scan_sheet(xml);
        assert_eq!(h.cols.len(), MAX_COLS - 2);
        assert_eq!(h.cols[0], 2);
    }

    #[test]
    fn a_file_written_with_hidden_parts_reports_them() {
        let mut book = rust_xlsxwriter::Workbook::new();
        book.add_worksheet().set_name("说明").ok();
        let s = book.add_worksheet();
        s.write_string(0, 0, "楼栋").ok();
        s.write_string(4, 0, "1栋").ok();
        s.set_row_hidden(4).ok();
        s.set_column_hidden(3).ok();
        let bytes = book.save_to_buffer().unwrap_or_default();
        let h = hidden_in_xlsx(std::io::Cursor::new(bytes.clone()), 1);
        assert_eq!(h.rows, vec![5]);
        assert_eq!(h.cols, vec![3]);
        assert!(hidden_in_xlsx(std::io::Cursor::new(bytes), 0).is_empty());
        assert!(hidden_in_xlsx(std::io::Cursor::new(b"not a zip".to_vec()), 0).is_empty());
    }
}
