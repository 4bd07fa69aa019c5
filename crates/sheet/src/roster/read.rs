//! Reading a file into rows of cell texts: `.xlsx` (streamed cell by cell), `.xls` (one sheet
//! at a time, as calamine reads it) and `.csv` in UTF-8 or GBK (streamed record by record).
//!
//! The kind is found from the first bytes, never from the file name: committees rename
//! files freely. Everything that can go wrong with the file as a whole is a [`FileError`]
//! with a message in both languages; nothing here panics on any input.

use super::{MAX_FILE_BYTES, Progress};
use calamine::{Data, DataRef, Reader};
use linli_domain::Lang;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};

/// Cells beyond this column are not read (a sheet of 10,000 columns costs nothing more).
pub const MAX_COLUMNS: usize = 256;
/// Rows beyond this are refused: no compound, or city, has a million households to a file.
pub const MAX_ROWS: u32 = 1_000_000;

/// What is wrong with a file as a whole.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum FileError {
    NotSpreadsheet,
    Encrypted,
    Corrupt(String),
    TooLarge { max_mib: usize },
    TooManyRows { max: u32 },
    NoHeader,
    Empty,
}

impl FileError {
    pub fn code(&self) -> &'static str {
        match self {
            FileError::NotSpreadsheet => "not_a_spreadsheet",
            FileError::Encrypted => "encrypted",
            FileError::Corrupt(_) => "corrupt",
            FileError::TooLarge { .. } => "too_large",
            FileError::TooManyRows { .. } => "too_many_rows",
            FileError::NoHeader => "no_header",
            FileError::Empty => "empty",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (FileError::NotSpreadsheet, Lang::Zh) => "这不是表格文件。请上传 .xlsx、.xls 或 .csv 文件。".into(),
            (FileError::NotSpreadsheet, Lang::En) => "This is not a spreadsheet. Upload an .xlsx, .xls or .csv file.".into(),
            (FileError::Encrypted, Lang::Zh) => "文件设置了打开密码。请在 Excel 里取消密码（文件 → 信息 → 保护工作簿）后再上传。".into(),
            (FileError::Encrypted, Lang::En) => {
                "The file is password-protected. Remove the password in Excel (File → Info → Protect Workbook) and upload it again.".into()
            }
            (FileError::Corrupt(why), Lang::Zh) => format!("文件已损坏，无法读取（{why}）。请用 Excel 打开后另存为 .xlsx 再上传。"),
            (FileError::Corrupt(why), Lang::En) => format!("The file is damaged and cannot be read ({why}). Open it in Excel, save it as .xlsx and upload it again."),
            (FileError::TooLarge { max_mib }, Lang::Zh) => format!("文件太大，最多 {max_mib} MB。"),
            (FileError::TooLarge { max_mib }, Lang::En) => format!("The file is too large (at most {max_mib} MB)."),
            (FileError::TooManyRows { max }, Lang::Zh) => format!("行数太多，最多 {max} 行。"),
            (FileError::TooManyRows { max }, Lang::En) => format!("Too many rows (at most {max})."),
            (FileError::NoHeader, Lang::Zh) => format!(
                "在每个工作表的前 {} 行都没有找到表头。表头至少要有“楼栋、单元、楼层、房号、专有面积”中的三列。",
                super::columns::HEADER_SEARCH_ROWS
            ),
            (FileError::NoHeader, Lang::En) => format!(
                "No header row found in the first {} rows of any sheet. The header needs at least three of Building, Unit, Floor, Room, Area.",
                super::columns::HEADER_SEARCH_ROWS
            ),
            (FileError::Empty, Lang::Zh) => "文件是空的。".into(),
            (FileError::Empty, Lang::En) => "The file is empty.".into(),
        }
    }
}

/// What a cell held, as far as the rules care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Number,
    /// A date or time: wrong wherever a number belongs.
    Date,
    /// A formula; `text` is the formula.
    Formula,
    /// An error value such as `#REF!`.
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub text: String,
    pub kind: Kind,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell {
            text: s.into(),
            kind: Kind::Text,
        }
    }

    pub fn is_blank(&self) -> bool {
        self.kind == Kind::Text && self.text.trim().is_empty()
    }
}

/// One row of a sheet.
#[derive(Debug, Clone)]
pub struct SheetRow {
    /// Which sheet, counting from 0.
    pub sheet: usize,
    /// The Excel row number (1-based).
    pub line: u32,
    pub cells: Vec<Cell>,
}

/// What the consumer of rows wants next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    /// Skip the rest of this sheet (no header in it).
    NextSheet,
    /// The roster sheet is done; stop reading.
    Stop,
}

enum Format {
    Xlsx,
    Cfb,
    Csv,
}

/// Reads every row of `input`, handing each to `on_row`.
pub fn read_rows<R: Read + Seek>(
    mut input: R,
    on_row: &mut dyn FnMut(SheetRow) -> Flow,
    progress: &mut dyn FnMut(Progress),
) -> Result<(), FileError> {
    let len = input.seek(SeekFrom::End(0)).map_err(io)?;
    input.seek(SeekFrom::Start(0)).map_err(io)?;
    if len == 0 {
        return Err(FileError::Empty);
    }
    if len > MAX_FILE_BYTES as u64 {
        return Err(FileError::TooLarge {
            max_mib: MAX_FILE_BYTES / (1024 * 1024),
        });
    }
    let mut head = vec![0u8; 64 * 1024];
    let n = read_up_to(&mut input, &mut head)?;
    head.truncate(n);
    input.seek(SeekFrom::Start(0)).map_err(io)?;
    let mut counted = Counter {
        on_row,
        progress,
        rows: 0,
    };
    match format_of(&head) {
        Format::Xlsx => read_xlsx(input, &mut counted),
        Format::Cfb => read_cfb(input, &head, &mut counted),
        Format::Csv => read_csv(input, &head, &mut counted),
    }
}

/// Rows handed at a time from the reading thread of [`read_rows_beside`] to the checking one.
const HANDOVER: usize = 256;

/// What the reading thread hands over, in the file's order.
enum Piece {
    Rows(Vec<SheetRow>),
    Progress(Progress),
}

/// [`read_rows`] with the file read on a thread of its own, so that reading it (for an .xlsx,
/// unzipping and parsing the XML: most of the time) and `on_row` (checking each row) use two
/// cores. `on_row` gets the same rows in the same order; when it skips a sheet or stops, the
/// reader is told, and the rows it read ahead meanwhile are dropped.
pub fn read_rows_beside<R: Read + Seek + Send>(
    input: R,
    on_row: &mut dyn FnMut(SheetRow) -> Flow,
    progress: &mut dyn FnMut(Progress),
) -> Result<(), FileError> {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};
    // The sheet `on_row` skips (`usize::MAX`: none), and whether it has stopped.
    let (skipped, stopped) = (&AtomicUsize::new(usize::MAX), &AtomicBool::new(false));
    let (tx, rx) = std::sync::mpsc::sync_channel::<Piece>(16);
    std::thread::scope(|s| {
        let reader = s.spawn(move || {
            let mut batch = Vec::with_capacity(HANDOVER);
            let progress_tx = tx.clone();
            let read = read_rows(
                input,
                &mut |row| {
                    if stopped.load(Relaxed) {
                        return Flow::Stop;
                    }
                    if skipped.load(Relaxed) == row.sheet {
                        return Flow::NextSheet;
                    }
                    batch.push(row);
                    if batch.len() >= HANDOVER
                        && tx.send(Piece::Rows(std::mem::take(&mut batch))).is_err()
                    {
                        return Flow::Stop;
                    }
                    Flow::Continue
                },
                &mut |p| {
                    let _ = progress_tx.send(Piece::Progress(p));
                },
            );
            if !batch.is_empty() {
                let _ = tx.send(Piece::Rows(batch));
            }
            read
        });
        let mut skipping = usize::MAX;
        'pieces: for piece in rx.iter() {
            let rows = match piece {
                Piece::Progress(p) => {
                    progress(p);
                    continue;
                }
                Piece::Rows(rows) => rows,
            };
            for row in rows {
                let sheet = row.sheet;
                if sheet == skipping {
                    continue;
                }
                match on_row(row) {
                    Flow::Continue => {}
                    Flow::NextSheet => {
                        skipping = sheet;
                        skipped.store(sheet, Relaxed);
                    }
                    Flow::Stop => {
                        stopped.store(true, Relaxed);
                        break 'pieces;
                    }
                }
            }
        }
        let done = stopped.load(Relaxed);
        // A reader waiting to hand over more rows finds nobody taking them, and ends.
        drop(rx);
        let read = reader
            .join()
            .map_err(|_| FileError::Corrupt("the file could not be read".into()))?;
        // Stopped: whatever the reader found after the last row wanted does not matter.
        if done { Ok(()) } else { read }
    })
}

struct Counter<'a> {
    on_row: &'a mut dyn FnMut(SheetRow) -> Flow,
    progress: &'a mut dyn FnMut(Progress),
    rows: u64,
}

impl Counter<'_> {
    fn row(&mut self, row: SheetRow) -> Result<Flow, FileError> {
        if row.line > MAX_ROWS {
            return Err(FileError::TooManyRows { max: MAX_ROWS });
        }
        self.rows += 1;
        if self.rows.is_multiple_of(10_000) {
            (self.progress)(Progress::Read(self.rows));
        }
        Ok((self.on_row)(row))
    }
}

fn io(e: std::io::Error) -> FileError {
    FileError::Corrupt(e.to_string())
}

fn read_up_to<R: Read>(r: &mut R, buf: &mut [u8]) -> Result<usize, FileError> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(io(e)),
        }
    }
    Ok(filled)
}

fn format_of(head: &[u8]) -> Format {
    if head.starts_with(b"PK\x03\x04") {
        Format::Xlsx
    } else if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Format::Cfb
    } else {
        Format::Csv
    }
}

/// Puts the cells of one row in place, dropping those past [`MAX_COLUMNS`].
fn place(cells: &mut Vec<Cell>, col: usize, cell: Cell) {
    if col >= MAX_COLUMNS {
        return;
    }
    if cells.len() <= col {
        cells.resize(col + 1, Cell::text(""));
    }
    cells[col] = cell;
}

/// A number as a person would have typed it: 89.5 not 89.500000001, 501 not 501.0.
fn number_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        (f as i64).to_string()
    } else {
        // Excel keeps 15 significant digits; so do we, then drop trailing zeros.
        let s = format!(
            "{:.*}",
            15usize.saturating_sub(f.abs().log10().max(0.0) as usize + 1),
            f
        );
        let s = if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        };
        if s.is_empty() { f.to_string() } else { s }
    }
}

fn cell_of_ref(v: &DataRef<'_>) -> Cell {
    match v {
        DataRef::Int(i) => Cell {
            text: i.to_string(),
            kind: Kind::Number,
        },
        DataRef::Float(f) => Cell {
            text: number_text(*f),
            kind: Kind::Number,
        },
        DataRef::String(s) => Cell::text(s.clone()),
        DataRef::SharedString(s) => Cell::text(*s),
        DataRef::Bool(b) => Cell::text(if *b { "TRUE" } else { "FALSE" }),
        DataRef::DateTime(d) => Cell {
            text: date_text(d.as_f64()),
            kind: Kind::Date,
        },
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cell {
            text: s.clone(),
            kind: Kind::Date,
        },
        DataRef::Error(e) => Cell {
            text: e.to_string(),
            kind: Kind::Error,
        },
        DataRef::Empty => Cell::text(""),
    }
}

fn cell_of(v: &Data) -> Cell {
    match v {
        Data::Int(i) => Cell {
            text: i.to_string(),
            kind: Kind::Number,
        },
        Data::Float(f) => Cell {
            text: number_text(*f),
            kind: Kind::Number,
        },
        Data::String(s) => Cell::text(s.clone()),
        Data::Bool(b) => Cell::text(if *b { "TRUE" } else { "FALSE" }),
        Data::DateTime(d) => Cell {
            text: date_text(d.as_f64()),
            kind: Kind::Date,
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell {
            text: s.clone(),
            kind: Kind::Date,
        },
        Data::Error(e) => Cell {
            text: e.to_string(),
            kind: Kind::Error,
        },
        Data::Empty => Cell::text(""),
    }
}

/// An Excel serial date as yyyy-mm-dd, so the message shows what the person sees in Excel.
fn date_text(serial: f64) -> String {
    let days = serial.floor() as i64;
    // Serial 25569 is 1970-01-01 (Excel's 1900 system, after its phantom 29 Feb 1900).
    match time::Date::from_julian_day((days - 25569 + 2_440_588) as i32) {
        Ok(d) => format!("{}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day()),
        Err(_) => number_text(serial),
    }
}

fn read_xlsx<R: Read + Seek>(input: R, out: &mut Counter<'_>) -> Result<(), FileError> {
    let mut book = calamine::Xlsx::new(BufReader::new(input)).map_err(|e| match e {
        calamine::XlsxError::Zip(_) | calamine::XlsxError::Io(_) => {
            FileError::Corrupt(e.to_string())
        }
        other => FileError::Corrupt(other.to_string()),
    })?;
    for (sheet, name) in book.sheet_names().into_iter().enumerate() {
        let mut reader = match book.worksheet_cells_reader(&name) {
            Ok(r) => r,
            // A chart sheet or a dialog sheet has no cells to read.
            Err(calamine::XlsxError::WorksheetNotFound(_)) => continue,
            Err(e) => return Err(FileError::Corrupt(e.to_string())),
        };
        let mut line = 0u32;
        let mut cells: Vec<Cell> = Vec::new();
        loop {
            let next = reader
                .next_cell_with_formula()
                .map_err(|e| FileError::Corrupt(e.to_string()))?;
            let Some(c) = next else { break };
            let (row, col) = c.pos;
            if row + 1 != line && !cells.is_empty() {
                match out.row(SheetRow {
                    sheet,
                    line,
                    cells: std::mem::take(&mut cells),
                })? {
                    Flow::Continue => {}
                    Flow::NextSheet => break,
                    Flow::Stop => return Ok(()),
                }
            }
            line = row + 1;
            let cell = match c.formula {
                Some(f) if !f.is_empty() => Cell {
                    text: format!("={f}"),
                    kind: Kind::Formula,
                },
                _ => cell_of_ref(&c.value),
            };
            if !cell.is_blank() {
                place(&mut cells, col as usize, cell);
            }
        }
        if !cells.is_empty() && out.row(SheetRow { sheet, line, cells })? == Flow::Stop {
            return Ok(());
        }
    }
    Ok(())
}

/// An OLE container: an `.xls` workbook, or an `.xlsx` that Excel encrypted with a password.
fn read_cfb<R: Read + Seek>(input: R, head: &[u8], out: &mut Counter<'_>) -> Result<(), FileError> {
    let utf16 = |s: &str| {
        s.encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect::<Vec<u8>>()
    };
    let marker = utf16("EncryptedPackage");
    if head.windows(marker.len()).any(|w| w == marker.as_slice()) {
        return Err(FileError::Encrypted);
    }
    let mut book = calamine::Xls::new(input).map_err(|e| match e {
        calamine::XlsError::Password => FileError::Encrypted,
        other => FileError::Corrupt(other.to_string()),
    })?;
    for (sheet, name) in book.sheet_names().into_iter().enumerate() {
        let range = match book.worksheet_range(&name) {
            Ok(r) => r,
            Err(calamine::XlsError::Password) => return Err(FileError::Encrypted),
            Err(e) => return Err(FileError::Corrupt(e.to_string())),
        };
        let (top, left) = range.start().unwrap_or((0, 0));
        for (i, row) in range.rows().enumerate() {
            let mut cells = Vec::new();
            for (j, v) in row.iter().enumerate() {
                let cell = cell_of(v);
                if !cell.is_blank() {
                    place(&mut cells, left as usize + j, cell);
                }
            }
            if cells.is_empty() {
                continue;
            }
            match out.row(SheetRow {
                sheet,
                line: top + i as u32 + 1,
                cells,
            })? {
                Flow::Continue => {}
                Flow::NextSheet => break,
                Flow::Stop => return Ok(()),
            }
        }
    }
    Ok(())
}

/// True when `head` is UTF-8, allowing a character cut off at the end of the sample.
fn is_utf8(head: &[u8]) -> bool {
    match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    }
}

fn read_csv<R: Read + Seek>(input: R, head: &[u8], out: &mut Counter<'_>) -> Result<(), FileError> {
    // Text has no NUL bytes; images, PDFs, Word files and zips of other kinds do.
    if head.contains(&0) {
        return Err(FileError::NotSpreadsheet);
    }
    let source: Box<dyn Read> = if is_utf8(head) {
        Box::new(BufReader::new(input))
    } else {
        Box::new(Decoding::new(BufReader::new(input), encoding_rs::GB18030))
    };
    let newlines = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let source = LineCounting {
        inner: source,
        offset: 0,
        newlines: newlines.clone(),
    };
    let delimiter = if head.iter().filter(|b| **b == b'\t').count()
        > head.iter().filter(|b| **b == b',').count()
    {
        b'\t'
    } else {
        b','
    };
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(source);
    let mut record = csv::StringRecord::new();
    let mut line = 0u32;
    loop {
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                return Err(match e.kind() {
                    csv::ErrorKind::Utf8 { .. } => FileError::NotSpreadsheet,
                    _ => FileError::Corrupt(e.to_string()),
                });
            }
        }
        // The physical line where the record starts: the csv reader skips blank lines
        // without counting them, Excel shows them as rows.
        line = match record.position() {
            Some(p) => {
                let nl = newlines.borrow();
                let mut i = nl.partition_point(|n| *n < p.byte());
                // The reported start is that of any blank lines before the record.
                let mut at = p.byte();
                while nl.get(i).is_some_and(|n| *n == at || *n == at + 1) {
                    at = nl[i] + 1;
                    i += 1;
                }
                u32::try_from(i + 1).unwrap_or(u32::MAX)
            }
            None => line + 1,
        };
        let mut cells = Vec::new();
        for (j, field) in record.iter().enumerate() {
            if !field.trim().is_empty() {
                // An exported cell defused against formulas (`'-1`) reads back as written.
                place(&mut cells, j, Cell::text(crate::table::undefuse(field)));
            }
        }
        if cells.is_empty() {
            continue;
        }
        match out.row(SheetRow {
            sheet: 0,
            line,
            cells,
        })? {
            Flow::Continue => {}
            Flow::NextSheet | Flow::Stop => return Ok(()),
        }
    }
    Ok(())
}

/// Remembers where each line ends, to tell the Excel row of a record from its byte offset.
struct LineCounting<R> {
    inner: R,
    offset: u64,
    newlines: std::rc::Rc<std::cell::RefCell<Vec<u64>>>,
}

impl<R: Read> Read for LineCounting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut lines = self.newlines.borrow_mut();
        for (i, b) in buf[..n].iter().enumerate() {
            if *b == b'\n' {
                lines.push(self.offset + i as u64);
            }
        }
        self.offset += n as u64;
        Ok(n)
    }
}

/// Decodes a byte stream of a legacy encoding (GBK/GB18030) to UTF-8 as it is read.
struct Decoding<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    out: Vec<u8>,
    pos: usize,
    done: bool,
}

impl<R: BufRead> Decoding<R> {
    fn new(inner: R, encoding: &'static encoding_rs::Encoding) -> Self {
        Decoding {
            inner,
            decoder: encoding.new_decoder_without_bom_handling(),
            out: Vec::new(),
            pos: 0,
            done: false,
        }
    }
}

impl<R: BufRead> Read for Decoding<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.pos >= self.out.len() {
            if self.done {
                return Ok(0);
            }
            let input = self.inner.fill_buf()?;
            let last = input.is_empty();
            let cap = self
                .decoder
                .max_utf8_buffer_length(input.len())
                .unwrap_or(input.len() * 3 + 16);
            self.out.clear();
            self.out.resize(cap, 0);
            self.pos = 0;
            let (_, read, written, _) = self.decoder.decode_to_utf8(input, &mut self.out, last);
            self.out.truncate(written);
            self.inner.consume(read);
            self.done = last;
        }
        let n = buf.len().min(self.out.len() - self.pos);
        buf[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn rows(bytes: Vec<u8>) -> Result<Vec<SheetRow>, FileError> {
        let mut all = Vec::new();
        read_rows(
            Cursor::new(bytes),
            &mut |r| {
                all.push(r);
                Flow::Continue
            },
            &mut |_| {},
        )?;
        Ok(all)
    }

    fn texts(r: &SheetRow) -> Vec<&str> {
        r.cells.iter().map(|c| c.text.as_str()).collect()
    }

    #[test]
    fn csv_in_utf8_and_gbk_reads_the_same() {
        let text = "楼栋,单元,楼层,房号\n1栋,1单元,五层,501\n\n2栋,,3,301\n";
        let (gbk, _, bad) = encoding_rs::GBK.encode(text);
        assert!(!bad);
        for bytes in [
            text.as_bytes().to_vec(),
            gbk.into_owned(),
            [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
        ] {
            let r = rows(bytes).unwrap();
            assert_eq!(r.len(), 3, "blank lines are skipped");
            assert!(texts(&r[0])[0].ends_with("楼栋"));
            assert_eq!(texts(&r[1]), ["1栋", "1单元", "五层", "501"]);
            assert_eq!(r[2].line, 4);
            assert_eq!(texts(&r[2]), ["2栋", "", "3", "301"]);
        }
    }

    #[test]
    fn files_that_are_not_spreadsheets_are_refused() {
        assert_eq!(rows(Vec::new()).unwrap_err(), FileError::Empty);
        assert_eq!(
            rows(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec()).unwrap_err(),
            FileError::NotSpreadsheet
        );
        assert!(matches!(
            rows(b"PK\x03\x04garbage that is no zip".to_vec()).unwrap_err(),
            FileError::Corrupt(_)
        ));
        let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        ole.extend(std::iter::repeat_n(0u8, 600));
        assert!(matches!(
            rows(ole.clone()).unwrap_err(),
            FileError::Corrupt(_)
        ));
        ole.extend(
            "EncryptedPackage"
                .encode_utf16()
                .flat_map(|u| u.to_le_bytes()),
        );
        assert_eq!(rows(ole).unwrap_err(), FileError::Encrypted);
    }

    #[test]
    fn reading_beside_gives_the_same_rows_and_keeps_the_answers() {
        let mut book = rust_xlsxwriter::Workbook::new();
        for (sheet, rows) in [(0u32, 3000u32), (1, 2000), (2, 10)] {
            let ws = book.add_worksheet();
            for r in 0..rows {
                ws.write_string(r, 0, format!("{sheet}-{r}")).unwrap();
            }
        }
        let bytes = book.save_to_buffer().unwrap();
        // Skip the first sheet after 20 rows, read the second, stop at the third.
        let answer = |r: &SheetRow| match r.sheet {
            0 if r.line >= 20 => Flow::NextSheet,
            2 => Flow::Stop,
            _ => Flow::Continue,
        };
        let mut plain = Vec::new();
        read_rows(
            Cursor::new(bytes.clone()),
            &mut |r| {
                let a = answer(&r);
                plain.push((r.sheet, r.line, texts(&r).join(",")));
                a
            },
            &mut |_| {},
        )
        .unwrap();
        let mut beside = Vec::new();
        read_rows_beside(
            Cursor::new(bytes),
            &mut |r| {
                let a = answer(&r);
                beside.push((r.sheet, r.line, texts(&r).join(",")));
                a
            },
            &mut |_| {},
        )
        .unwrap();
        assert_eq!(plain.len(), 20 + 2000 + 1);
        assert_eq!(beside, plain);
    }

    #[test]
    fn numbers_read_as_typed() {
        assert_eq!(number_text(501.0), "501");
        assert_eq!(number_text(89.5), "89.5");
        assert_eq!(number_text(89.05), "89.05");
        assert_eq!(number_text(13800138000.0), "13800138000");
        assert_eq!(number_text(0.1 + 0.2), "0.3");
        assert_eq!(date_text(45413.0), "2024-05-01");
    }

    #[test]
    fn a_very_wide_row_keeps_only_the_first_columns() {
        let mut line = "楼栋,单元,楼层,房号,面积".to_string();
        for i in 0..10_000 {
            line.push_str(&format!(",x{i}"));
        }
        let r = rows(line.into_bytes()).unwrap();
        assert_eq!(r[0].cells.len(), MAX_COLUMNS);
    }
}
