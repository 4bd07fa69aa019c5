//! Writing the roster as `.xlsx` or `.csv` with the headers an import reads, so an export
//! edited in Excel imports back; and the template, with a sheet explaining each column.

use super::columns::Column;
use crate::table::{CsvOut, WriteResult, xlsx_err};
use linli_domain::Lang;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

/// The two file kinds offered for download.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    Xlsx,
    Csv,
}

impl FileKind {
    pub fn parse(s: &str) -> Option<FileKind> {
        match s
            .trim()
            .trim_start_matches('.')
            .to_ascii_lowercase()
            .as_str()
        {
            "xlsx" => Some(FileKind::Xlsx),
            "csv" => Some(FileKind::Csv),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            FileKind::Xlsx => "xlsx",
            FileKind::Csv => "csv",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileKind::Csv => "text/csv; charset=utf-8",
        }
    }
}

/// Headers of an export, in zh-CN whatever the reader's language: the file is the
/// committee's, and the same headers import back.
pub fn headers() -> Vec<&'static str> {
    Column::EXPORTED.iter().map(|c| c.label(Lang::Zh)).collect()
}

/// Writes a header row in bold with widths that fit Chinese text.
fn header_row(ws: &mut Worksheet, names: &[&str]) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold().set_background_color("#E8EEF4");
    for (i, h) in names.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *h, &bold)?;
        ws.set_column_width(i as u16, if *h == "电话" { 16 } else { 12 })?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// One sheet of rows as `.xlsx`. Rooms and phones are text (a leading zero survives); floors
/// are numbers and areas numbers shown with two decimals.
pub fn xlsx_of(rows: &[[String; 9]]) -> WriteResult<Vec<u8>> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("花名册").map_err(xlsx_err)?;
    header_row(ws, &headers()).map_err(xlsx_err)?;
    let two = Format::new().set_num_format("0.00");
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        for (j, v) in r.iter().enumerate() {
            let col = j as u16;
            let written = match (Column::EXPORTED[j], v.parse::<f64>()) {
                (Column::Floor, Ok(n)) => ws.write_number(row, col, n),
                (Column::Area, Ok(n)) => ws.write_number_with_format(row, col, n, &two),
                _ if v.is_empty() => continue,
                _ => ws.write_string(row, col, v),
            };
            written.map_err(xlsx_err)?;
        }
    }
    book.save_to_buffer().map_err(xlsx_err)
}

/// Rows as CSV; `bom` puts a UTF-8 byte-order mark first, which Excel on Windows needs to
/// show Chinese text. Through the one CSV writer, so no cell becomes a formula.
pub fn csv_of<W: std::io::Write>(rows: &[[String; 9]], out: W, bom: bool) -> WriteResult<()> {
    let mut w = CsvOut::new(out, bom)?;
    w.row(&headers())?;
    for r in rows {
        w.row(r)?;
    }
    w.finish().map(drop)
}

/// The template: an empty roster sheet with every column, and a sheet of notes.
pub fn template(kind: FileKind) -> WriteResult<Vec<u8>> {
    let all = [
        Column::Building,
        Column::Unit,
        Column::Floor,
        Column::Room,
        Column::Area,
        Column::AreaSource,
        Column::Owner,
        Column::Phone,
        Column::CoOwners,
        Column::IdTail,
        Column::Unsold,
        Column::Note,
    ];
    let names: Vec<&str> = all.iter().map(|c| c.label(Lang::Zh)).collect();
    if kind == FileKind::Csv {
        let mut out = b"\xEF\xBB\xBF".to_vec();
        out.extend_from_slice(names.join(",").as_bytes());
        out.push(b'\n');
        return Ok(out);
    }
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("花名册").map_err(xlsx_err)?;
    header_row(ws, &names).map_err(xlsx_err)?;
    let notes = book.add_worksheet();
    notes.set_name("填写说明").map_err(xlsx_err)?;
    header_row(notes, &["列", "必填", "怎么填", "例子"]).map_err(xlsx_err)?;
    notes.set_column_width(2, 70).map_err(xlsx_err)?;
    notes.set_column_width(3, 24).map_err(xlsx_err)?;
    let lines: [(&str, &str, &str, &str); 13] = [
        (
            "楼栋",
            "是",
            "楼栋名称。合并单元格或下面留空，表示与上一行相同。也认“楼号”。1号楼、1栋、一栋、１幢 算同一栋，小区已有的写法优先。",
            "1栋",
        ),
        (
            "单元",
            "是",
            "单元名称（上海称“楼组”）。合并单元格或留空表示与上一行相同。",
            "1单元",
        ),
        (
            "楼层",
            "是",
            "数字、5F、五层、五都可以；地下室写 -1、B1、负一层 或 地下一层。“顶层”这类写法不认，请写楼层数字。",
            "5",
        ),
        (
            "房号",
            "是",
            "门牌上的房号，只用数字、字母和“-”。同一单元不能重复。也认“室”。",
            "501",
        ),
        (
            "专有面积",
            "是",
            "平方米，最多两位小数，可以带 ㎡ 或 平方米。也认“套内面积”“面积（平方米）”“面积/㎡”。既有建筑面积又有专有面积时按专有面积导入；只有建筑面积时按建筑面积导入并提示。不要用公式，不要设为日期格式。",
            "89.50",
        ),
        (
            "面积来源",
            "否",
            "不动产登记 / 测绘 / 购房合同；留空为不动产登记。",
            "不动产登记",
        ),
        (
            "业主",
            "否",
            "业主姓名；几位共有人用“、”隔开。已登记业主的住户，导入不会改动业主。",
            "张三、李四",
        ),
        (
            "电话",
            "否",
            "第一位业主的电话，可以写几个，用“/”“、”“，”或空格隔开；手机 11 位，座机可带区号和分机。第一个手机号作为联系电话，其余也都保存。同名同电话的业主算同一个人。",
            "138 0013 8000 / 0825-2345678",
        ),
        (
            "共有人",
            "否",
            "其他共有人的姓名，用“、”隔开（也可以都写在业主一列）。",
            "李四",
        ),
        (
            "身份证后四位",
            "否",
            "用来区分同名的人，只有业委会成员能看到。4 位，最后一位可以是 X。同名同后四位的业主算同一个人。",
            "123X",
        ),
        (
            "是否未售",
            "否",
            "开发建设单位未售出的房屋填“是”，业主一列写开发建设单位的名称；其余留空或填“否”。表决时所有未售房屋合计算一个业主。",
            "是",
        ),
        ("备注", "否", "不导入。", ""),
        (
            "其他",
            "",
            "表头可以不在第一行（前 20 行内即可），列的顺序随意；空行、重复的表头和别的工作表会被跳过。有任何错误时一行都不导入，并列出每一处错误。",
            "",
        ),
    ];
    for (i, (a, b, c, d)) in lines.iter().enumerate() {
        let row = i as u32 + 1;
        for (j, v) in [a, b, c, d].iter().enumerate() {
            notes.write_string(row, j as u16, **v).map_err(xlsx_err)?;
        }
    }
    book.save_to_buffer().map_err(xlsx_err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::RosterRow;
    use crate::roster::read::{Flow, read_rows};
    use linli_domain::{Area, AreaSource};
    use std::collections::HashMap;

    fn sample() -> Vec<[String; 9]> {
        vec![
            [
                "1栋",
                "1单元",
                "5",
                "0501",
                "89.50",
                "不动产登记",
                "张三、李四",
                "13800138000",
                "是",
            ]
            .map(String::from),
        ]
    }

    #[test]
    fn an_xlsx_export_reads_back_as_written() {
        let bytes = xlsx_of(&sample()).unwrap();
        let mut rows = Vec::new();
        read_rows(
            std::io::Cursor::new(bytes),
            &mut |r| {
                rows.push(r.cells.into_iter().map(|c| c.text).collect::<Vec<_>>());
                Flow::Continue
            },
            &mut |_| {},
        )
        .unwrap();
        assert_eq!(rows[0], headers());
        assert_eq!(
            rows[1],
            [
                "1栋",
                "1单元",
                "5",
                "0501",
                "89.5",
                "不动产登记",
                "张三、李四",
                "13800138000",
                "是"
            ]
        );
    }

    /// The rows a file holds, read, with names made one and owners made persons, as the
    /// import would write them: (households, number of persons).
    fn imported(bytes: Vec<u8>) -> (Vec<RosterRow>, usize) {
        let mut parser = crate::roster::parse::Parser::new("");
        read_rows(
            std::io::Cursor::new(bytes),
            &mut |r| parser.feed(r),
            &mut |_| {},
        )
        .unwrap();
        let parsed = parser.finish().unwrap();
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let mut rows = parsed.rows;
        crate::roster::names::unify(&mut rows, &HashMap::new(), &HashMap::new());
        let persons = crate::roster::people::identify(&rows).persons.len();
        for r in &mut rows {
            r.line = 0;
        }
        (rows, persons)
    }

    fn chinese(n: u32) -> String {
        let d = |n: u32| {
            "零一二三四五六七八九"
                .chars()
                .nth(n as usize)
                .unwrap_or('零')
        };
        match n {
            1..=9 => d(n).to_string(),
            10 => "十".into(),
            11..=19 => format!("十{}", d(n % 10)),
            _ if n.is_multiple_of(10) => format!("{}十", d(n / 10)),
            _ => format!("{}十{}", d(n / 10), d(n % 10)),
        }
    }

    fn full_width(s: &str) -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_digit() {
                    char::from_u32(c as u32 - 0x30 + 0xFF10).unwrap_or(c)
                } else {
                    c
                }
            })
            .collect()
    }

    /// What a committee's copy of an export looks like after a few years in Excel.
    #[derive(Debug, Clone)]
    struct Damage {
        title_rows: usize,
        merged: bool,
        full_width: bool,
        naming: u8,
        header_units: bool,
        phones_joined_by: &'static str,
        spacers: bool,
        repeated_header: bool,
        gbk: bool,
    }

    fn damage_strategy() -> impl proptest::strategy::Strategy<Value = Damage> {
        use proptest::prelude::*;
        (
            0usize..3,
            any::<bool>(),
            any::<bool>(),
            0u8..3,
            any::<bool>(),
            prop::sample::select(vec![" / ", "、", " ", "，"]),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(
                |(
                    title_rows,
                    merged,
                    full_width,
                    naming,
                    header_units,
                    phones_joined_by,
                    spacers,
                    repeated_header,
                    gbk,
                )| Damage {
                    title_rows,
                    merged,
                    full_width,
                    naming,
                    header_units,
                    phones_joined_by,
                    spacers,
                    repeated_header,
                    gbk,
                },
            )
    }

    fn damaged(rows: &[[String; 9]], d: &Damage, xlsx: bool) -> Vec<u8> {
        let mut header: Vec<String> = headers().iter().map(|h| h.to_string()).collect();
        if d.header_units {
            header[4] = "专有/建筑面积\n（平方米）".into();
            header[7] = "联系电话/手机".into();
            header[2] = "楼 层".into();
        }
        let mut sheet: Vec<Vec<String>> = Vec::new();
        for i in 0..d.title_rows {
            sheet.push(vec![format!("纹江花园住户花名册（第{}页）", i + 1)]);
        }
        sheet.push(header.clone());
        let mut prev: Option<&[String; 9]> = None;
        for (i, r) in rows.iter().enumerate() {
            let mut out: Vec<String> = r.to_vec();
            let n: u32 = r[0].trim_end_matches('栋').parse().unwrap_or(1);
            let u: u32 = r[1].trim_end_matches("单元").parse().unwrap_or(1);
            match d.naming {
                1 => {
                    out[0] = format!("{n}号楼");
                    out[1] = u.to_string();
                }
                2 => {
                    out[0] = format!("{}栋", chinese(n));
                    out[1] = format!("{u}门");
                }
                _ => {}
            }
            if d.full_width {
                out[0] = full_width(&out[0]);
                out[3] = full_width(&out[3]);
                out[4] = full_width(&out[4]);
            }
            out[7] = out[7].replace(" / ", d.phones_joined_by);
            if d.merged && prev.is_some_and(|p| p[0] == r[0]) {
                out[0] = String::new();
                if prev.is_some_and(|p| p[1] == r[1]) {
                    out[1] = String::new();
                }
            }
            sheet.push(out);
            if d.spacers && i % 7 == 3 {
                sheet.push(Vec::new());
            }
            if d.repeated_header && i == rows.len() / 2 {
                sheet.push(header.clone());
            }
            prev = Some(r);
        }
        if xlsx {
            let mut book = Workbook::new();
            let ws = book.add_worksheet();
            for (i, row) in sheet.iter().enumerate() {
                for (j, v) in row.iter().enumerate().filter(|(_, v)| !v.is_empty()) {
                    ws.write_string(i as u32, j as u16, v).unwrap();
                }
            }
            book.save_to_buffer().unwrap()
        } else {
            let mut w = csv::WriterBuilder::new()
                .flexible(true)
                .from_writer(Vec::new());
            for row in &sheet {
                w.write_record(row).unwrap();
            }
            let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
            if d.gbk {
                encoding_rs::GBK.encode(&text).0.into_owned()
            } else {
                text.into_bytes()
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Whatever a roster holds, its export reads back as the same rows (export → import
        /// changes nothing); and after real-world damage (title rows, merged building cells,
        /// full-width digits, naming variants, units in headers, phones joined otherwise,
        /// spacer rows, a repeated header, GBK) it still yields exactly the same households,
        /// people and areas.
        #[test]
        fn a_damaged_export_imports_as_the_same_households_and_people(
            rows in proptest::collection::vec((
                1u32..30, 1u32..4, -2i32..40, "[0-9A-C]{1,4}", 1i64..1_000_000, 0usize..3,
                proptest::collection::vec("[张王李赵][一二三四]", 0..3),
                proptest::collection::vec(proptest::sample::select(vec!["13800138000", "13900139000", "08252345678", "02887654321-801"]), 0..3),
                proptest::bool::weighted(0.1),
            ), 1..40),
            xlsx in proptest::bool::ANY,
            damage in damage_strategy(),
        ) {
            let mut seen = std::collections::HashSet::new();
            let mut rows: Vec<_> = rows.into_iter().filter(|r| r.2 != 0 && seen.insert((r.0, r.1, r.3.clone()))).collect();
            rows.sort_by_key(|r| (r.0, r.1));
            let rows: Vec<[String; 9]> = rows
                .into_iter()
                .map(|(b, u, floor, room, area, source, owners, mut phones, unsold)| {
                    phones.dedup();
                    let phone = if owners.is_empty() { String::new() } else { phones.join(" / ") };
                    [format!("{b}栋"), format!("{u}单元"), floor.to_string(), room, Area::from_centi(area).map(|a| a.to_string()).unwrap_or_default(),
                     AreaSource::ALL[source].label(Lang::Zh).to_string(), owners.join("、"), phone, if unsold { "是".into() } else { String::new() }]
                })
                .collect();
            let clean = if xlsx { xlsx_of(&rows).unwrap() } else { let mut v = Vec::new(); csv_of(&rows, &mut v, true).unwrap(); v };
            let (got, persons) = imported(clean);
            proptest::prop_assert_eq!(got.len(), rows.len());
            for (p, r) in got.iter().zip(&rows) {
                let area = Area::from_centi(p.area_centi).map(|a| a.to_string()).unwrap_or_default();
                let source = AreaSource::parse_written(&p.source).map(|s| s.label(Lang::Zh)).unwrap_or("");
                let back = [p.building.clone(), p.unit.clone(), p.floor.to_string(), p.room.clone(), area, source.to_string(),
                            p.owners.join("、"), p.phones.join(" / "), if p.unsold { "是".into() } else { String::new() }];
                proptest::prop_assert_eq!(&back, r);
            }
            let (again, persons_again) = imported(damaged(&rows, &damage, xlsx));
            proptest::prop_assert_eq!(&again, &got, "{:?}", damage);
            proptest::prop_assert_eq!(persons_again, persons);
        }
    }

    #[test]
    fn the_template_has_a_notes_sheet_and_no_data() {
        let bytes = template(FileKind::Xlsx).unwrap();
        let mut sheets = std::collections::BTreeMap::<usize, usize>::new();
        read_rows(
            std::io::Cursor::new(bytes),
            &mut |r| {
                *sheets.entry(r.sheet).or_default() += 1;
                Flow::Continue
            },
            &mut |_| {},
        )
        .unwrap();
        assert_eq!(
            sheets.get(&0),
            Some(&1),
            "only the header on the roster sheet"
        );
        assert_eq!(
            sheets.get(&1),
            Some(&14),
            "the notes: a header and a line per column"
        );
        assert!(
            String::from_utf8(template(FileKind::Csv).unwrap())
                .unwrap()
                .contains("楼栋,单元,楼层,房号,专有面积")
        );
    }
}
