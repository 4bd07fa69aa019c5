//! Finding the columns: by what the header means, not its exact text, in any order, on
//! whichever of the first rows holds them.
//!
//! A header cell is cleaned before it is compared: spaces and line breaks inside the cell,
//! units in brackets anywhere ("面积（平方米）") or after a slash ("面积/㎡"), marks of required
//! columns. A cell that names two things ("建筑面积/专有面积", "套内/专有面积") is read as
//! the one that matters: any mention of exclusive area (专有, 套内) makes it the exclusive
//! area, since votes count exclusive area (Civil Code Art. 278).

use linli_domain::Lang;
use linli_domain::area::halfwidth;
use serde::{Deserialize, Serialize};

/// The columns linli reads and writes. Export writes [`Column::EXPORTED`] in that order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Column {
    Compound,
    Building,
    Unit,
    Floor,
    Room,
    /// Exclusive area (专有面积), or an area the header does not qualify.
    Area,
    /// Gross floor area (建筑面积): read only when there is no exclusive area column.
    GrossArea,
    AreaSource,
    Owner,
    Phone,
    IdTail,
    CoOwners,
    /// 是否未售: the flat is still the developer's.
    Unsold,
    Note,
}

/// How many of the first rows of a sheet are searched for the header.
pub const HEADER_SEARCH_ROWS: u32 = 20;

impl Column {
    pub const ALL: [Column; 14] = [
        Column::Compound,
        Column::Building,
        Column::Unit,
        Column::Floor,
        Column::Room,
        Column::Area,
        Column::GrossArea,
        Column::AreaSource,
        Column::Owner,
        Column::Phone,
        Column::IdTail,
        Column::CoOwners,
        Column::Unsold,
        Column::Note,
    ];

    /// The columns of an export and of the template, so that an export imports back.
    pub const EXPORTED: [Column; 9] = [
        Column::Building,
        Column::Unit,
        Column::Floor,
        Column::Room,
        Column::Area,
        Column::AreaSource,
        Column::Owner,
        Column::Phone,
        Column::Unsold,
    ];

    /// Without these a file cannot be imported (an area column may be gross instead).
    pub const REQUIRED: [Column; 5] = [
        Column::Building,
        Column::Unit,
        Column::Floor,
        Column::Room,
        Column::Area,
    ];

    /// The header linli writes (and the name in messages).
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Column::Compound => lang.pick("小区", "Compound"),
            Column::Building => lang.pick("楼栋", "Building"),
            Column::Unit => lang.pick("单元", "Unit"),
            Column::Floor => lang.pick("楼层", "Floor"),
            Column::Room => lang.pick("房号", "Room"),
            Column::Area => lang.pick("专有面积", "Exclusive area"),
            Column::GrossArea => lang.pick("建筑面积", "Gross area"),
            Column::AreaSource => lang.pick("面积来源", "Area source"),
            Column::Owner => lang.pick("业主", "Owner"),
            Column::Phone => lang.pick("电话", "Phone"),
            Column::IdTail => lang.pick("身份证后四位", "ID last 4"),
            Column::CoOwners => lang.pick("共有人", "Co-owners"),
            Column::Unsold => lang.pick("是否未售", "Unsold"),
            Column::Note => lang.pick("备注", "Note"),
        }
    }

    /// Headers recognised for this column, compared after [`normalise`].
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Column::Compound => &["小区", "小区名称", "compound", "estate"],
            Column::Building => &[
                "楼栋",
                "楼号",
                "栋",
                "幢",
                "楼栋号",
                "栋号",
                "幢号",
                "楼宇",
                "楼幢",
                "building",
                "bldg",
            ],
            Column::Unit => &["单元", "单元号", "楼组", "门洞", "unit", "entrance"],
            Column::Floor => &[
                "楼层",
                "层",
                "层数",
                "所在楼层",
                "层次",
                "floor",
                "storey",
                "level",
            ],
            Column::Room => &[
                "房号",
                "室",
                "室号",
                "房间号",
                "门牌号",
                "户号",
                "房屋号",
                "room",
                "roomno",
                "flat",
                "apartment",
            ],
            Column::Area => &[
                "专有面积",
                "套内面积",
                "套内建筑面积",
                "房屋专有面积",
                "专有部分面积",
                "面积",
                "房屋面积",
                "产权面积",
                "area",
                "exclusivearea",
                "aream2",
            ],
            Column::GrossArea => &["建筑面积", "房屋建筑面积", "grossarea", "grossfloorarea"],
            Column::AreaSource => &["面积来源", "面积依据", "areasource", "source"],
            Column::Owner => &[
                "业主",
                "业主姓名",
                "姓名",
                "产权人",
                "房主",
                "户主",
                "所有权人",
                "owner",
                "ownername",
                "name",
            ],
            Column::Phone => &[
                "电话",
                "联系电话",
                "联系方式",
                "手机",
                "手机号",
                "手机号码",
                "电话号码",
                "联系电话手机",
                "phone",
                "mobile",
                "tel",
                "telephone",
            ],
            Column::IdTail => &[
                "身份证后四位",
                "身份证后4位",
                "证件后四位",
                "证件号后四位",
                "idlast4",
                "id4",
            ],
            Column::CoOwners => &[
                "共有人",
                "共同业主",
                "其他业主",
                "共有权人",
                "coowners",
                "co-owners",
                "coowner",
            ],
            Column::Unsold => &[
                "是否未售",
                "未售",
                "开发商未售",
                "未售出",
                "开发建设单位未售出",
                "unsold",
                "developerunsold",
            ],
            Column::Note => &["备注", "说明", "note", "notes", "remark", "remarks"],
        }
    }

    /// The column a header cell names, if any.
    pub fn from_header(cell: &str) -> Option<Column> {
        let parts = header_parts(cell);
        if parts.is_empty() {
            return None;
        }
        let exact = |p: &String| {
            Column::ALL
                .into_iter()
                .find(|c| c.aliases().iter().any(|a| a == p))
        };
        if parts.iter().any(|p| exact(p) == Some(Column::AreaSource)) {
            return Some(Column::AreaSource);
        }
        // Any mention of area is about area: exclusive wins over gross over plain.
        let area: Vec<&String> = parts
            .iter()
            .filter(|p| p.contains("面积") || p.contains("area") || *p == "专有" || *p == "套内")
            .collect();
        if !area.is_empty() {
            let exclusive = parts
                .iter()
                .any(|p| p.contains("专有") || p.contains("套内") || p.contains("exclusive"));
            let gross = area
                .iter()
                .any(|p| p.contains("建筑") || p.contains("gross"));
            return Some(if exclusive || !gross {
                Column::Area
            } else {
                Column::GrossArea
            });
        }
        let mut found = parts.iter().filter_map(exact);
        let first = found.next()?;
        found.all(|c| c == first).then_some(first)
    }
}

/// The meaningful parts of a header cell: cleaned ([`normalise`]), split where it names two
/// things ("建筑面积/专有面积"), without parts that are only a unit ("面积/㎡").
fn header_parts(cell: &str) -> Vec<String> {
    let s = normalise(cell);
    s.split(['/', '、', '|', '\\'])
        .map(str::to_string)
        .filter(|p| !p.is_empty() && !is_unit(p))
        .collect()
}

fn is_unit(p: &str) -> bool {
    matches!(p, "㎡" | "m2" | "m²" | "平方米" | "平米" | "平方" | "元")
}

/// Lower case and half-width, without spaces or line breaks, a BOM, '*' marks of required
/// columns, colons, and anything in brackets ("建筑面积（㎡）", "Area (m²)", "面积【平方米】").
fn normalise(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0u32;
    for c in s.chars().map(halfwidth) {
        match c {
            '(' | '（' | '[' | '【' | '〔' | '<' | '《' => depth += 1,
            ')' | '）' | ']' | '】' | '〕' | '>' | '》' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            c if c.is_whitespace()
                || matches!(c, '\u{feff}' | '*' | '_' | '＊' | ':' | '：' | '.') => {}
            '／' => out.push('/'),
            'Ａ'..='Ｚ' | 'ａ'..='ｚ' => {
                out.extend(char::from_u32(c as u32 - 0xFEE0).map(|c| c.to_ascii_lowercase()))
            }
            c => out.push(c.to_ascii_lowercase()),
        }
    }
    out
}

/// The Excel letter of a 0-based column: 0 → A, 25 → Z, 26 → AA.
pub fn letter(pos: usize) -> String {
    let mut n = pos + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        out.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Where each column is in the sheet, and what its header says there.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct HeaderMap {
    /// `at[i]` is the 0-based position of `Column::ALL[i]`.
    at: [Option<usize>; 14],
    /// The Excel row of the header.
    pub line: u32,
    /// The header cells as the sheet has them, by position.
    pub texts: Vec<String>,
    /// True when the area read is the gross area (建筑面积): there is no exclusive one.
    pub area_is_gross: bool,
    /// Where the gross area column is when the exclusive one is read instead.
    pub gross_skipped: Option<usize>,
}

impl HeaderMap {
    /// Reads a row as a header: it is one when it names at least three of the columns.
    pub fn detect(cells: &[String], line: u32) -> Option<HeaderMap> {
        let mut map = HeaderMap {
            line,
            texts: cells.to_vec(),
            ..HeaderMap::default()
        };
        let mut found = 0;
        for (pos, cell) in cells.iter().enumerate() {
            if let Some(col) = Column::from_header(cell) {
                let slot = &mut map.at[index(col)];
                if slot.is_none() {
                    *slot = Some(pos);
                    found += 1;
                }
            }
        }
        if found < 3 {
            return None;
        }
        // Exclusive area when there is one; else the gross area, said so in the preview.
        let gross = map.at[index(Column::GrossArea)].take();
        match (map.at[index(Column::Area)], gross) {
            (Some(_), Some(g)) => map.gross_skipped = Some(g),
            (None, Some(g)) => {
                map.at[index(Column::Area)] = Some(g);
                map.area_is_gross = true;
            }
            _ => {}
        }
        Some(map)
    }

    pub fn get(&self, col: Column) -> Option<usize> {
        self.at[index(col)]
    }

    /// The Excel letter and the sheet's own header text of a column.
    pub fn locate(&self, col: Column) -> Option<(String, String)> {
        let pos = self.get(col)?;
        Some((
            letter(pos),
            self.texts
                .get(pos)
                .cloned()
                .unwrap_or_default()
                .trim()
                .to_string(),
        ))
    }

    /// The required columns the header lacks.
    pub fn missing(&self) -> Vec<Column> {
        Column::REQUIRED
            .into_iter()
            .filter(|c| self.get(*c).is_none())
            .collect()
    }

    /// Header cells that name none of the columns: "E「房屋坐落」".
    pub fn unmatched(&self) -> Vec<String> {
        self.texts
            .iter()
            .enumerate()
            .filter(|(_, t)| !t.trim().is_empty() && Column::from_header(t).is_none())
            .map(|(i, t)| format!("{}「{}」", letter(i), t.trim()))
            .collect()
    }

    /// True when a later row repeats this header (a header printed again mid-sheet).
    pub fn is_repeat(&self, cells: &[String]) -> bool {
        let named = Column::ALL
            .into_iter()
            .filter_map(|c| self.get(c).map(|p| (c, p)));
        let mut matched = 0;
        for (col, pos) in named {
            match cells.get(pos).map(|c| Column::from_header(c)) {
                Some(Some(found))
                    if found == col || (col == Column::Area && found == Column::GrossArea) =>
                {
                    matched += 1
                }
                _ => {}
            }
        }
        matched >= 3
    }

    /// The highest position of a mapped column: cells beyond it are never read.
    pub fn width(&self) -> usize {
        self.at.iter().flatten().max().map_or(0, |m| m + 1)
    }
}

fn index(col: Column) -> usize {
    Column::ALL.iter().position(|c| *c == col).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn headers_in_chinese_english_and_any_order() {
        let h = HeaderMap::detect(
            &row(&[
                "序号",
                "联系电话",
                "房号",
                "楼号",
                "单元",
                "建筑面积（㎡）",
                "楼层",
                "业主姓名",
            ]),
            3,
        )
        .unwrap();
        assert_eq!(h.get(Column::Phone), Some(1));
        assert_eq!(h.get(Column::Room), Some(2));
        assert_eq!(h.get(Column::Building), Some(3));
        assert_eq!(h.get(Column::Area), Some(5));
        assert_eq!(h.get(Column::Owner), Some(7));
        assert!(h.missing().is_empty());
        assert_eq!(h.line, 3);
        let en = HeaderMap::detect(
            &row(&[
                "Building",
                "Unit",
                "Floor",
                "Room",
                "Area (m²)",
                "Owner",
                "Phone",
            ]),
            1,
        )
        .unwrap();
        assert!(en.missing().is_empty());
        assert_eq!(en.width(), 7);
        let starred =
            HeaderMap::detect(&row(&["*楼栋", "* 单元", "楼 层", "室", "面积"]), 1).unwrap();
        assert!(starred.missing().is_empty());
    }

    #[test]
    fn headers_by_meaning() {
        for (cell, col) in [
            ("专有/建筑面积（平方米）", Column::Area),
            ("建筑面积/专有面积", Column::Area),
            ("套内/专有面积", Column::Area),
            ("面积/㎡", Column::Area),
            ("面积（平方米）", Column::Area),
            ("专有面积\n(㎡)", Column::Area),
            ("建筑面积（㎡）", Column::GrossArea),
            ("建 筑 面 积", Column::GrossArea),
            ("联系电话/手机", Column::Phone),
            ("面积来源", Column::AreaSource),
            ("业主姓名\r\n（产权人）", Column::Owner),
            ("是否未售", Column::Unsold),
            ("ＲＯＯＭ", Column::Room),
        ] {
            assert_eq!(Column::from_header(cell), Some(col), "{cell}");
        }
        assert_eq!(Column::from_header("房屋坐落"), None);
        let both = HeaderMap::detect(
            &row(&["楼栋", "单元", "楼层", "房号", "建筑面积", "专有面积（㎡）"]),
            1,
        )
        .unwrap();
        assert_eq!(
            (
                both.get(Column::Area),
                both.gross_skipped,
                both.area_is_gross
            ),
            (Some(5), Some(4), false)
        );
        assert_eq!(
            both.locate(Column::Area),
            Some(("F".into(), "专有面积（㎡）".into()))
        );
        let gross =
            HeaderMap::detect(&row(&["楼栋", "单元", "楼层", "房号", "建筑面积"]), 1).unwrap();
        assert_eq!(
            (gross.get(Column::Area), gross.area_is_gross),
            (Some(4), true)
        );
        assert!(gross.missing().is_empty());
        assert_eq!(
            (letter(0), letter(25), letter(26), letter(27)),
            ("A".into(), "Z".into(), "AA".into(), "AB".into())
        );
    }

    #[test]
    fn a_title_row_is_not_a_header_and_a_repeat_is_recognised() {
        assert!(HeaderMap::detect(&row(&["纹江花园住户花名册（2023年）"]), 1).is_none());
        assert!(HeaderMap::detect(&row(&["1栋", "1单元", "5", "501", "89.5"]), 2).is_none());
        let h = HeaderMap::detect(&row(&["楼栋", "单元", "楼层", "房号"]), 2).unwrap();
        assert_eq!(h.missing(), vec![Column::Area]);
        assert!(h.is_repeat(&row(&["楼栋", "单元", "楼层", "房号"])));
        assert!(!h.is_repeat(&row(&["1栋", "1单元", "5", "501"])));
    }
}
