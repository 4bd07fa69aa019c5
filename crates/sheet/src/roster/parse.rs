//! Cleaning rows: from cell texts to [`RosterRow`]s, with every problem of every row.
//!
//! The values themselves are parsed by the domain types (`Floor::parse` takes "五层",
//! `Area::parse` takes "89.50㎡", `Phone::parse` drops spaces and dashes); what is here is
//! what only a spreadsheet has: merged building and unit cells (only the top cell holds the
//! value, so an empty one means "as above"), spacer rows, a header printed again, dates and
//! formulas where numbers belong, and rooms that appear twice.

use super::columns::{Column, HEADER_SEARCH_ROWS, HeaderMap};
use super::read::{Cell, Flow, Kind, SheetRow};
use super::{RosterRow, names};
use linli_domain::registry::{Floor, Phone, Room, Text};
use linli_domain::{Area, AreaSource, Invalid, Lang};
use serde::{Deserialize, Serialize};
/// Keyed by what the file holds: a fast hasher, seeded at random.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// Why a cell or a row is wrong (or worth a second look).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    Invalid(Invalid),
    /// A required column the header lacks, with the header cells that matched nothing and
    /// the names accepted for the column.
    MissingColumn {
        unmatched: Vec<String>,
        accepted: String,
    },
    /// A row with content but no flat: floor, room and area all empty.
    NoFlat,
    DateNotNumber,
    Formula,
    CellError,
    DuplicateRoom {
        first_line: u32,
    },
    OtherCompound {
        expected: String,
    },
    BadIdTail,
    /// Warnings, which do not block an import.
    /// One name on several rows with nothing (phone, ID tail) to tell whether it is one
    /// person: kept as separate people, to be merged on the person page if they are one.
    MaybeSame {
        lines: Vec<u32>,
    },
    AreaOutlier {
        median_centi: i64,
    },
    OwnersDiffer {
        registered: String,
    },
}

impl Rule {
    pub fn message(&self, lang: Lang) -> String {
        let lines = |ls: &[u32]| {
            ls.iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(lang.pick("、", ", "))
        };
        match (self, lang) {
            (Rule::Invalid(e), _) => e.message(lang),
            (
                Rule::MissingColumn {
                    unmatched,
                    accepted,
                },
                Lang::Zh,
            ) => {
                let found = if unmatched.is_empty() {
                    String::new()
                } else {
                    format!("表头里没有认出的列：{}。", unmatched.join("、"))
                };
                format!("缺少这一列。{found}可以用的列名：{accepted}")
            }
            (
                Rule::MissingColumn {
                    unmatched,
                    accepted,
                },
                Lang::En,
            ) => {
                let found = if unmatched.is_empty() {
                    String::new()
                } else {
                    format!("Header cells not recognised: {}. ", unmatched.join(", "))
                };
                format!("column missing. {found}Accepted names: {accepted}")
            }
            (Rule::NoFlat, Lang::Zh) => "这一行没有房屋（楼层、房号、面积都是空的）".into(),
            (Rule::NoFlat, Lang::En) => {
                "this row has no flat (floor, room and area are empty)".into()
            }
            (Rule::DateNotNumber, Lang::Zh) => {
                "这是日期，不是数字。请把单元格格式改为“常规”或“文本”后重新填写".into()
            }
            (Rule::DateNotNumber, Lang::En) => {
                "is a date, not a number. Set the cell format to General or Text and type it again"
                    .into()
            }
            (Rule::Formula, Lang::Zh) => "这是公式。请复制这一列，再“选择性粘贴 → 数值”".into(),
            (Rule::Formula, Lang::En) => {
                "is a formula. Copy the column and Paste Special → Values".into()
            }
            (Rule::CellError, Lang::Zh) => "单元格是错误值".into(),
            (Rule::CellError, Lang::En) => "holds an error value".into(),
            (Rule::DuplicateRoom { first_line }, Lang::Zh) => {
                format!("同一单元的房号重复（已在第{first_line}行）")
            }
            (Rule::DuplicateRoom { first_line }, Lang::En) => {
                format!("the same room appears twice in this unit (first on row {first_line})")
            }
            (Rule::OtherCompound { expected }, Lang::Zh) => {
                format!("这一行属于别的小区，不是“{expected}”")
            }
            (Rule::OtherCompound { expected }, Lang::En) => {
                format!("this row belongs to another compound, not “{expected}”")
            }
            (Rule::BadIdTail, Lang::Zh) => "应为 4 位：数字，最后一位可以是 X".into(),
            (Rule::BadIdTail, Lang::En) => "must be 4 characters: digits, the last may be X".into(),
            (Rule::MaybeSame { lines: ls }, Lang::Zh) => format!(
                "可能是同一个人：第 {} 行的同名业主没有相同的电话或身份证后四位，先按不同的人登记；如果是同一个人，请在人员页面合并",
                lines(ls)
            ),
            (Rule::MaybeSame { lines: ls }, Lang::En) => format!(
                "maybe the same person: the owners of this name on rows {} share no phone or ID tail, so they are kept as separate people; if they are one, merge them on the person page",
                lines(ls)
            ),
            (Rule::AreaOutlier { median_centi }, Lang::Zh) => {
                format!(
                    "与同单元同一竖排的面积（中位数 {}.{:02} ㎡）相差超过三成，请确认",
                    median_centi / 100,
                    median_centi % 100
                )
            }
            (Rule::AreaOutlier { median_centi }, Lang::En) => format!(
                "differs by more than 30% from the flats above and below (median {}.{:02} m²); please check",
                median_centi / 100,
                median_centi % 100
            ),
            (Rule::OwnersDiffer { registered }, Lang::Zh) => {
                format!("已登记的业主是“{registered}”。导入不修改已登记的业主，请在住户页面修改")
            }
            (Rule::OwnersDiffer { registered }, Lang::En) => {
                format!(
                    "the registered owners are “{registered}”. An import does not change registered owners; edit them on the household page"
                )
            }
        }
    }
}

/// One problem of the file: where it is, what the cell held, and what is wrong, in both
/// languages (the preview is stored and shown later, maybe in the other language).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// The Excel row number.
    pub line: u32,
    pub column: Option<Column>,
    /// The Excel column letter ("E"), when the problem is in one column.
    #[serde(default)]
    pub letter: String,
    /// The sheet's own header of that column ("专有面积（㎡）").
    #[serde(default)]
    pub header: String,
    pub value: String,
    pub zh: String,
    pub en: String,
}

impl Problem {
    pub fn new(
        line: u32,
        column: Option<Column>,
        value: impl Into<String>,
        rule: &Rule,
    ) -> Problem {
        Problem {
            line,
            column,
            letter: String::new(),
            header: String::new(),
            value: value.into(),
            zh: rule.message(Lang::Zh),
            en: rule.message(Lang::En),
        }
    }

    pub fn message(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }

    pub fn column_label(&self, lang: Lang) -> &'static str {
        self.column.map_or("", |c| c.label(lang))
    }

    /// Fills in the column letter and the sheet's header text from the header row.
    pub fn locate(&mut self, header: &HeaderMap) {
        if !self.letter.is_empty() {
            return;
        }
        if let Some((letter, text)) = self.column.and_then(|c| header.locate(c)) {
            self.letter = letter;
            self.header = text;
        }
    }

    /// "第 21 行 E 列「专有面积（㎡）」：必须大于零" / "Row 21, column E “专有面积（㎡）”: must be
    /// greater than zero". Without a column in the sheet, the column's name stands instead.
    pub fn describe(&self, lang: Lang) -> String {
        let msg = self.message(lang);
        match (lang, self.letter.is_empty(), self.column) {
            (Lang::Zh, false, _) => format!(
                "第 {} 行 {} 列「{}」：{msg}",
                self.line, self.letter, self.header
            ),
            (Lang::En, false, _) => format!(
                "Row {}, column {} “{}”: {msg}",
                self.line, self.letter, self.header
            ),
            (Lang::Zh, true, Some(c)) => format!("第 {} 行「{}」：{msg}", self.line, c.label(lang)),
            (Lang::En, true, Some(c)) => format!("Row {}, {}: {msg}", self.line, c.label(lang)),
            (Lang::Zh, true, None) => format!("第 {} 行：{msg}", self.line),
            (Lang::En, true, None) => format!("Row {}: {msg}", self.line),
        }
    }
}

/// The rows of a file and its problems.
#[derive(Debug, Default)]
pub struct Parsed {
    pub rows: Vec<RosterRow>,
    pub errors: Vec<Problem>,
    pub warnings: Vec<Problem>,
    pub header: Option<HeaderMap>,
    /// The sheet the header was found on (counting from 0), where the rows come from.
    pub sheet: usize,
}

/// Takes rows one by one from the reader and keeps only what is needed: the parsed rows.
pub struct Parser {
    compound: String,
    header: Option<HeaderMap>,
    sheet: usize,
    building: String,
    unit: String,
    seen: HashMap<(String, String, String), u32>,
    out: Parsed,
}

impl Parser {
    /// `compound` is the name of the compound imported into: a 小区 column naming another one
    /// is an error.
    pub fn new(compound: &str) -> Parser {
        Parser {
            compound: compound.trim().to_string(),
            header: None,
            sheet: 0,
            building: String::new(),
            unit: String::new(),
            seen: HashMap::default(),
            out: Parsed::default(),
        }
    }

    pub fn feed(&mut self, row: SheetRow) -> Flow {
        if row.sheet != self.sheet {
            if self.header.is_some() {
                return Flow::Stop;
            }
            self.sheet = row.sheet;
        }
        let Some(header) = &self.header else {
            let texts: Vec<String> = row.cells.iter().map(|c| c.text.clone()).collect();
            if let Some(h) = HeaderMap::detect(&texts, row.line) {
                let missing = h.missing();
                for col in &missing {
                    let mut accepted: Vec<&str> = col.aliases().to_vec();
                    if *col == Column::Area {
                        accepted.extend(Column::GrossArea.aliases());
                    }
                    let rule = Rule::MissingColumn {
                        unmatched: h.unmatched(),
                        accepted: accepted.join("、"),
                    };
                    self.out
                        .errors
                        .push(Problem::new(h.line, Some(*col), "", &rule));
                }
                if !missing.is_empty() {
                    self.out.header = Some(h);
                    return Flow::Stop;
                }
                self.header = Some(h);
                self.out.sheet = self.sheet;
                return Flow::Continue;
            }
            return if row.line >= HEADER_SEARCH_ROWS {
                Flow::NextSheet
            } else {
                Flow::Continue
            };
        };
        // A header printed again names the room column where the room should be.
        let room_cell = header.get(Column::Room).and_then(|p| row.cells.get(p));
        if room_cell.is_some_and(|c| Column::from_header(&c.text) == Some(Column::Room)) {
            let texts: Vec<String> = row
                .cells
                .iter()
                .take(header.width())
                .map(|c| c.text.clone())
                .collect();
            if header.is_repeat(&texts) {
                return Flow::Continue;
            }
        }
        // The header is lent to `row` (which needs `self` too), not cloned for every row.
        if let Some(header) = self.header.take() {
            self.row(&header, row);
            self.header = Some(header);
        }
        Flow::Continue
    }

    fn row(&mut self, h: &HeaderMap, row: SheetRow) {
        let blank = Cell::text("");
        let cell = |col: Column| h.get(col).and_then(|p| row.cells.get(p)).unwrap_or(&blank);
        let usable = |c: &Cell| matches!(c.kind, Kind::Text | Kind::Number);
        // Merged or "as above" building and unit cells take the value from the rows above.
        for (col, slot) in [
            (Column::Building, &mut self.building),
            (Column::Unit, &mut self.unit),
        ] {
            let c = cell(col);
            if !c.is_blank() && usable(c) {
                *slot = c.text.trim().to_string();
            }
        }
        let line = row.line;
        let flat = [Column::Floor, Column::Room, Column::Area];
        if flat.iter().all(|c| cell(*c).is_blank()) {
            // A spacer row, or one holding only a merged building name, is no household; a
            // row with a name or a phone but no flat is one fault, said once.
            let rest = [
                Column::Owner,
                Column::Phone,
                Column::IdTail,
                Column::CoOwners,
            ];
            if let Some(c) = rest.iter().find(|c| !cell(**c).is_blank()) {
                let value = cell(*c).text.trim().to_string();
                self.out
                    .errors
                    .push(Problem::new(line, None, value, &Rule::NoFlat));
            }
            return;
        }
        let mut errors = Vec::new();
        let mut bad = |col: Column, c: &Cell, rule: Rule| {
            errors.push(Problem::new(line, Some(col), c.text.trim(), &rule))
        };
        // A cell a formula or an error value fills is refused whatever the column.
        for col in Column::ALL {
            let c = cell(col);
            match c.kind {
                Kind::Formula => bad(col, c, Rule::Formula),
                Kind::Error => bad(col, c, Rule::CellError),
                Kind::Date
                    if matches!(
                        col,
                        Column::Floor
                            | Column::Room
                            | Column::Area
                            | Column::Phone
                            | Column::IdTail
                    ) =>
                {
                    bad(col, c, Rule::DateNotNumber)
                }
                _ => {}
            }
        }
        let compound = cell(Column::Compound);
        if !compound.is_blank()
            && usable(compound)
            && !self.compound.is_empty()
            && compound.text.trim() != self.compound
        {
            bad(
                Column::Compound,
                compound,
                Rule::OtherCompound {
                    expected: self.compound.clone(),
                },
            );
        }
        let carried = |col: Column, value: &str| {
            if cell(col).is_blank() {
                Cell::text(value)
            } else {
                cell(col).clone()
            }
        };
        let (building_cell, unit_cell) = (
            carried(Column::Building, &self.building),
            carried(Column::Unit, &self.unit),
        );
        let mut check = |col: Column, c: &Cell, r: Result<(), Invalid>| {
            if let Err(e) = r
                && usable(c)
            {
                bad(col, c, Rule::Invalid(e));
            }
        };
        let building = Text::parse(&building_cell.text, 100);
        check(Column::Building, &building_cell, building.clone().map(drop));
        let unit = Text::parse(&unit_cell.text, 100);
        check(Column::Unit, &unit_cell, unit.clone().map(drop));
        let floor = Floor::parse(&cell(Column::Floor).text);
        check(Column::Floor, cell(Column::Floor), floor.clone().map(drop));
        let room = Room::parse(&cell(Column::Room).text);
        check(Column::Room, cell(Column::Room), room.clone().map(drop));
        let area = Area::parse(&cell(Column::Area).text);
        check(Column::Area, cell(Column::Area), area.clone().map(drop));
        let source_cell = cell(Column::AreaSource);
        let source = if source_cell.is_blank() {
            Ok(if h.area_is_gross {
                AreaSource::Gross
            } else {
                AreaSource::Registered
            })
        } else {
            AreaSource::parse_written(&source_cell.text)
        };
        // The source is about the area: a row whose area is wrong is not faulted twice.
        if area.is_ok() {
            check(Column::AreaSource, source_cell, source.clone().map(drop));
        }
        let phone_cell = cell(Column::Phone);
        let phones = if phone_cell.is_blank() {
            Ok(Vec::new())
        } else {
            Phone::parse_many(&phone_cell.text)
        };
        check(Column::Phone, phone_cell, phones.clone().map(drop));
        let mut owners = Vec::new();
        for col in [Column::Owner, Column::CoOwners] {
            let c = cell(col);
            for name in c
                .text
                .split(['、', ',', '，', ';', '；', '/'])
                .map(str::trim)
                .filter(|n| !n.is_empty())
            {
                match Text::parse(name, 40) {
                    Ok(t) => owners.push(t.into_string()),
                    Err(e) => check(col, c, Err(e)),
                }
            }
        }
        let id_tail = cell(Column::IdTail);
        let id_last4 = if id_tail.is_blank() || !usable(id_tail) {
            None
        } else {
            let tail = id_tail_of(&id_tail.text);
            if tail.is_none() {
                bad(Column::IdTail, id_tail, Rule::BadIdTail);
            }
            tail
        };
        let unsold_cell = cell(Column::Unsold);
        let unsold = match yes_no(&unsold_cell.text) {
            Some(v) => v,
            None => {
                bad(
                    Column::Unsold,
                    unsold_cell,
                    Rule::Invalid(Invalid::BadChoice),
                );
                false
            }
        };
        let ok = errors.is_empty();
        self.out.errors.append(&mut errors);
        let (Ok(building), Ok(unit), Ok(floor), Ok(room), Ok(area), Ok(source), Ok(phones), true) =
            (building, unit, floor, room, area, source, phones, ok)
        else {
            return;
        };
        let key = (
            names::key(names::Kind::Building, building.as_str()),
            names::key(names::Kind::Unit, unit.as_str()),
            room.as_str().to_string(),
        );
        if let Some(first_line) = self.seen.get(&key) {
            let rule = Rule::DuplicateRoom {
                first_line: *first_line,
            };
            self.out
                .errors
                .push(Problem::new(line, Some(Column::Room), room.as_str(), &rule));
            return;
        }
        self.seen.insert(key, line);
        let contact = phones.iter().find(|p| p.is_mobile()).or(phones.first());
        self.out.rows.push(RosterRow {
            line,
            building: building.into_string(),
            unit: unit.into_string(),
            floor: floor.get(),
            room: room.as_str().to_string(),
            area_centi: area.centi(),
            source: source.as_str().to_string(),
            phone: contact.map(|p| p.as_str().to_string()),
            phones: phones.iter().map(|p| p.as_str().to_string()).collect(),
            owners,
            id_last4,
            unsold,
            planned_new: false,
        });
    }

    /// The rows and problems, each problem with its column letter and the sheet's header
    /// text; a file without a header anywhere is a [`super::FileError`].
    pub fn finish(mut self) -> Result<Parsed, super::FileError> {
        if self.header.is_none() && self.out.header.is_none() {
            return Err(super::FileError::NoHeader);
        }
        if self.out.header.is_none() {
            self.out.header = self.header;
        }
        if let Some(h) = &self.out.header {
            for p in self
                .out
                .errors
                .iter_mut()
                .chain(self.out.warnings.iter_mut())
            {
                p.locate(h);
            }
        }
        self.out.warnings.sort_by_key(|p| p.line);
        self.out.errors.sort_by_key(|p| p.line);
        Ok(self.out)
    }
}

/// 是否未售: yes, no, or blank for no; `None` for anything else.
fn yes_no(s: &str) -> Option<bool> {
    match s.trim().to_lowercase().as_str() {
        "" | "否" | "n" | "no" | "false" | "0" | "已售" | "×" | "x" => Some(false),
        "是" | "y" | "yes" | "true" | "1" | "未售" | "未售出" | "√" | "✓" | "✔" => {
            Some(true)
        }
        _ => None,
    }
}

/// The last four characters of an ID card: three digits and a digit or X, upper case.
fn id_tail_of(s: &str) -> Option<String> {
    let s: String = s
        .trim()
        .chars()
        .map(linli_domain::area::halfwidth)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    valid_id_tail(&s).then_some(s)
}

fn valid_id_tail(s: &str) -> bool {
    let s: Vec<char> = s
        .trim()
        .chars()
        .map(linli_domain::area::halfwidth)
        .collect();
    s.len() == 4
        && s[..3].iter().all(char::is_ascii_digit)
        && (s[3].is_ascii_digit() || s[3] == 'X' || s[3] == 'x')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(sheet: &[&[&str]]) -> Parsed {
        let mut p = Parser::new("纹江花园");
        for (i, cells) in sheet.iter().enumerate() {
            let row = SheetRow {
                sheet: 0,
                line: i as u32 + 1,
                cells: cells.iter().map(|c| Cell::text(*c)).collect(),
            };
            if p.feed(row) == Flow::Stop {
                break;
            }
        }
        p.finish().unwrap()
    }

    #[test]
    fn messy_rows_as_committees_keep_them() {
        let out = parse(&[
            &["纹江花园住户花名册"],
            &[],
            &[
                "序号",
                "楼号",
                "单元",
                "楼层",
                "室",
                "建筑面积",
                "业主姓名",
                "联系电话",
                "共有人",
            ],
            &[
                "1",
                "1栋",
                "1单元",
                "五层",
                "５０１",
                "89.50㎡",
                "张三",
                "138 0013-8000",
                "李四",
            ],
            &["2", "", "", "5F", "502", "89.5平方米", "王五", "", ""],
            &["", "", "", "", "", "", "", "", ""],
            &[
                "序号",
                "楼号",
                "单元",
                "楼层",
                "室",
                "建筑面积",
                "业主姓名",
                "联系电话",
                "共有人",
            ],
            &["3", "2栋", "", "五", "501", "１２０", "", "", ""],
        ]);
        assert!(out.errors.is_empty(), "{:?}", out.errors);
        assert_eq!(out.rows.len(), 3);
        let r = &out.rows[0];
        assert_eq!(
            (
                r.line,
                r.building.as_str(),
                r.unit.as_str(),
                r.floor,
                r.room.as_str(),
                r.area_centi
            ),
            (4, "1栋", "1单元", 5, "501", 8950)
        );
        assert_eq!(r.owners, ["张三", "李四"]);
        assert_eq!(r.phone.as_deref(), Some("13800138000"));
        assert_eq!(
            (
                out.rows[1].building.as_str(),
                out.rows[1].unit.as_str(),
                out.rows[1].floor
            ),
            ("1栋", "1单元", 5)
        );
        // A new building carries its own name and the unit from above.
        assert_eq!(
            (
                out.rows[2].building.as_str(),
                out.rows[2].unit.as_str(),
                out.rows[2].area_centi
            ),
            ("2栋", "1单元", 12000)
        );
    }

    #[test]
    fn every_problem_is_listed_with_row_column_and_value() {
        let out = parse(&[
            &[
                "楼栋",
                "单元",
                "楼层",
                "房号",
                "面积",
                "电话",
                "身份证后四位",
            ],
            &["1栋", "1单元", "1", "", "80", "", ""],
            &["1栋", "1单元", "1", "102", "-3", "", ""],
            &["1栋", "1单元", "1", "103", "0", "", ""],
            &["1栋", "1单元", "1", "104", "80.123", "", ""],
            &["1栋", "1单元", "楼顶", "105", "80", "", ""],
            &["1栋", "1单元", "1", "106", "80", "1380013800", ""],
            &["1栋", "1单元", "1", "107", "80", "", "12a4"],
            &["1栋", "1单元", "1", "108", "80", "", ""],
            &["1栋", "1单元", "2", "108", "80", "", "123X"],
        ]);
        let got: Vec<(u32, Option<Column>, &str)> = out
            .errors
            .iter()
            .map(|p| (p.line, p.column, p.value.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (2, Some(Column::Room), ""),
                (3, Some(Column::Area), "-3"),
                (4, Some(Column::Area), "0"),
                (5, Some(Column::Area), "80.123"),
                (6, Some(Column::Floor), "楼顶"),
                (7, Some(Column::Phone), "1380013800"),
                (8, Some(Column::IdTail), "12a4"),
                (10, Some(Column::Room), "108"),
            ]
        );
        assert_eq!(
            out.errors[7].describe(Lang::Zh),
            "第 10 行 D 列「房号」：同一单元的房号重复（已在第9行）"
        );
        assert_eq!(
            out.errors[4].describe(Lang::En),
            "Row 6, column C “楼层”: not a floor: write the floor number, e.g. 6"
        );
        assert_eq!(out.rows.len(), 1, "only row 9 is whole (row 10 repeats it)");
    }

    #[test]
    fn dates_formulas_and_other_compounds_are_errors() {
        let mut p = Parser::new("纹江花园");
        let header = ["小区", "楼栋", "单元", "楼层", "房号", "面积"]
            .map(Cell::text)
            .to_vec();
        p.feed(SheetRow {
            sheet: 0,
            line: 1,
            cells: header,
        });
        let mut row = ["纹江花园", "1栋", "1单元", "1", "101", "80"]
            .map(Cell::text)
            .to_vec();
        row[5] = Cell {
            text: "2024-05-01".into(),
            kind: Kind::Date,
        };
        p.feed(SheetRow {
            sheet: 0,
            line: 2,
            cells: row,
        });
        let mut row = ["纹江花园", "1栋", "1单元", "1", "102", "80"]
            .map(Cell::text)
            .to_vec();
        row[5] = Cell {
            text: "=A1*2".into(),
            kind: Kind::Formula,
        };
        p.feed(SheetRow {
            sheet: 0,
            line: 3,
            cells: row,
        });
        p.feed(SheetRow {
            sheet: 0,
            line: 4,
            cells: ["南国新家园", "1栋", "1单元", "1", "103", "80"]
                .map(Cell::text)
                .to_vec(),
        });
        let out = p.finish().unwrap();
        let rules: Vec<&str> = out.errors.iter().map(|e| e.en.as_str()).collect();
        assert!(rules[0].starts_with("is a date"), "{rules:?}");
        assert!(rules[1].starts_with("is a formula"), "{rules:?}");
        assert!(rules[2].contains("another compound"), "{rules:?}");
        assert!(out.rows.is_empty());
    }

    #[test]
    fn a_missing_column_names_what_the_sheet_has_and_what_is_accepted() {
        let out = parse(&[
            &["楼栋", "单元", "楼层", "房号", "房屋坐落"],
            &["1栋", "1单元", "1", "101", "x"],
        ]);
        assert_eq!(out.errors.len(), 1);
        let zh = out.errors[0].describe(Lang::Zh);
        assert!(zh.starts_with("第 1 行「专有面积」：缺少这一列。表头里没有认出的列：E「房屋坐落」。可以用的列名：专有面积、套内面积"), "{zh}");
        assert!(
            out.errors[0].en.contains("E「房屋坐落」")
                && out.errors[0].en.contains("Accepted names: 专有面积")
        );
    }

    #[test]
    fn an_area_header_naming_both_areas_with_a_unit_is_the_exclusive_area() {
        let out = parse(&[
            &[
                "楼栋",
                "单元",
                "楼层",
                "房号",
                "建筑面积",
                "专有/建筑面积（平方米）",
                "电话",
            ],
            &[
                "1栋",
                "1单元",
                "顶层",
                "101",
                "100",
                "-80",
                "138 0013 8000 / 0825-2345678",
            ],
            &[
                "1栋",
                "1单元",
                "1",
                "102",
                "120",
                "95.5",
                "13800138000/0825-2345678转8",
            ],
            &["", "", "", "", "", "", "13900139000"],
        ]);
        let got: Vec<String> = out.errors.iter().map(|p| p.describe(Lang::Zh)).collect();
        assert_eq!(
            got,
            [
                "第 2 行 C 列「楼层」：不是楼层：请写楼层数字，例如 6",
                "第 2 行 F 列「专有/建筑面积（平方米）」：必须大于零",
                "第 4 行：这一行没有房屋（楼层、房号、面积都是空的）",
            ]
        );
        assert_eq!(out.rows.len(), 1);
        assert_eq!(
            (out.rows[0].area_centi, out.rows[0].source.as_str()),
            (9550, "registered")
        );
        assert_eq!(out.rows[0].phones, ["13800138000", "08252345678-8"]);
        assert_eq!(out.rows[0].phone.as_deref(), Some("13800138000"));
        let h = out.header.unwrap();
        assert_eq!(h.gross_skipped, Some(4));
    }

    #[test]
    fn only_a_gross_area_is_imported_as_gross() {
        let out = parse(&[
            &[
                "楼栋",
                "单元",
                "楼层",
                "房号",
                "建筑面积（㎡）",
                "是否未售",
                "业主",
            ],
            &[
                "1栋",
                "1单元",
                "1",
                "101",
                "100",
                "是",
                "某某房地产开发有限公司",
            ],
            &["1栋", "1单元", "1", "102", "100", "", "张三"],
            &["1栋", "1单元", "1", "103", "100", "也许", "李四"],
        ]);
        assert_eq!(out.rows.len(), 2);
        assert_eq!(
            (out.rows[0].source.as_str(), out.rows[0].unsold),
            ("gross", true)
        );
        assert!(!out.rows[1].unsold);
        assert_eq!(out.errors.len(), 1);
        assert_eq!(
            (out.errors[0].line, out.errors[0].letter.as_str()),
            (4, "F")
        );
    }

    #[test]
    fn no_header_anywhere_is_a_file_error() {
        let mut p = Parser::new("x");
        p.feed(SheetRow {
            sheet: 0,
            line: 1,
            cells: vec![Cell::text("hello")],
        });
        assert_eq!(p.finish().unwrap_err(), super::super::FileError::NoHeader);
    }
}
