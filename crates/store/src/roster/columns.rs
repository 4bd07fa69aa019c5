//! Finding the columns: by their Chinese or English header, in any order, on whichever of
//! the first rows holds them.

use linli_domain::Lang;
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
    Area,
    AreaSource,
    Owner,
    Phone,
    IdTail,
    CoOwners,
    Note,
}

/// How many of the first rows of a sheet are searched for the header.
pub const HEADER_SEARCH_ROWS: u32 = 20;

impl Column {
    pub const ALL: [Column; 12] = [
        Column::Compound,
        Column::Building,
        Column::Unit,
        Column::Floor,
        Column::Room,
        Column::Area,
        Column::AreaSource,
        Column::Owner,
        Column::Phone,
        Column::IdTail,
        Column::CoOwners,
        Column::Note,
    ];

    /// The columns of an export and of the template, so that an export imports back.
    pub const EXPORTED: [Column; 8] = [
        Column::Building,
        Column::Unit,
        Column::Floor,
        Column::Room,
        Column::Area,
        Column::AreaSource,
        Column::Owner,
        Column::Phone,
    ];

    /// Without these a file cannot be imported.
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
            Column::AreaSource => lang.pick("面积来源", "Area source"),
            Column::Owner => lang.pick("业主", "Owner"),
            Column::Phone => lang.pick("电话", "Phone"),
            Column::IdTail => lang.pick("身份证后四位", "ID last 4"),
            Column::CoOwners => lang.pick("共有人", "Co-owners"),
            Column::Note => lang.pick("备注", "Note"),
        }
    }

    /// Headers recognised for this column, compared after [`normalise`].
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Column::Compound => &["小区", "小区名称", "compound", "estate"],
            Column::Building => &[
                "楼栋",
                "楼号",
                "栋",
                "幢",
                "楼栋号",
                "栋号",
                "building",
                "bldg",
            ],
            Column::Unit => &["单元", "单元号", "楼组", "unit", "entrance"],
            Column::Floor => &["楼层", "层", "层数", "所在楼层", "floor", "storey", "level"],
            Column::Room => &[
                "房号",
                "室",
                "房间号",
                "门牌号",
                "户号",
                "room",
                "roomno",
                "flat",
                "apartment",
            ],
            Column::Area => &[
                "面积",
                "专有面积",
                "建筑面积",
                "专有部分面积",
                "房屋面积",
                "area",
                "exclusivearea",
                "aream2",
            ],
            Column::AreaSource => &["面积来源", "面积依据", "areasource", "source"],
            Column::Owner => &[
                "业主",
                "业主姓名",
                "姓名",
                "产权人",
                "owner",
                "ownername",
                "name",
            ],
            Column::Phone => &[
                "电话",
                "联系电话",
                "手机",
                "手机号",
                "手机号码",
                "电话号码",
                "phone",
                "mobile",
                "tel",
                "telephone",
            ],
            Column::IdTail => &[
                "身份证后四位",
                "身份证后4位",
                "证件后四位",
                "idlast4",
                "id4",
            ],
            Column::CoOwners => &[
                "共有人",
                "共同业主",
                "其他业主",
                "coowners",
                "co-owners",
                "coowner",
            ],
            Column::Note => &["备注", "说明", "note", "notes", "remark", "remarks"],
        }
    }

    /// The column a header cell names, if any.
    pub fn from_header(cell: &str) -> Option<Column> {
        let h = normalise(cell);
        if h.is_empty() {
            return None;
        }
        Column::ALL
            .into_iter()
            .find(|c| c.aliases().iter().any(|a| normalise(a) == h))
    }
}

/// Lower case, without spaces, a BOM, '*' marks of required columns, and a unit in
/// brackets at the end ("建筑面积（㎡）", "Area (m²)").
fn normalise(s: &str) -> String {
    let s: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '\u{feff}' | '*' | '_' | '＊'))
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            c => c.to_ascii_lowercase(),
        })
        .collect();
    match s.find('(') {
        Some(i) if i > 0 && s.ends_with(')') => s[..i].to_string(),
        _ => s,
    }
}

/// Where each column is in the sheet: `at[i]` is the 0-based position of `Column::ALL[i]`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HeaderMap {
    at: [Option<usize>; 12],
    /// The Excel row of the header.
    pub line: u32,
}

impl HeaderMap {
    /// Reads a row as a header: it is one when it names at least three of the columns.
    pub fn detect(cells: &[String], line: u32) -> Option<HeaderMap> {
        let mut map = HeaderMap {
            line,
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
        (found >= 3).then_some(map)
    }

    pub fn get(&self, col: Column) -> Option<usize> {
        self.at[index(col)]
    }

    /// The required columns the header lacks.
    pub fn missing(&self) -> Vec<Column> {
        Column::REQUIRED
            .into_iter()
            .filter(|c| self.get(*c).is_none())
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
                Some(Some(found)) if found == col => matched += 1,
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
    fn a_title_row_is_not_a_header_and_a_repeat_is_recognised() {
        assert!(HeaderMap::detect(&row(&["纹江花园住户花名册（2023年）"]), 1).is_none());
        assert!(HeaderMap::detect(&row(&["1栋", "1单元", "5", "501", "89.5"]), 2).is_none());
        let h = HeaderMap::detect(&row(&["楼栋", "单元", "楼层", "房号"]), 2).unwrap();
        assert_eq!(h.missing(), vec![Column::Area]);
        assert!(h.is_repeat(&row(&["楼栋", "单元", "楼层", "房号"])));
        assert!(!h.is_repeat(&row(&["1栋", "1单元", "5", "501"])));
    }
}
