//! The roster in Excel through the API, the pages and the command line, on both databases:
//! messy real-world files, every problem listed, nothing written while any remains, the
//! confirmation landing on another server instance, export → import changing nothing, and
//! files that are not rosters at all.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::{TestApp, urlencode};
use reqwest::Method;
use rust_xlsxwriter::{Format, Formula, Workbook};
use serde_json::Value;

/// A roster as a committee keeps it: a title row, the header on row 3, merged building and
/// unit cells, full-width digits, units in the area, Chinese floors, spaced phones, a spacer
/// row, the header printed again, and a notes sheet. `bad` adds rows with errors.
/// Writes rows from `first`, leaving empty strings as empty cells; returns the next row.
fn write_rows(ws: &mut rust_xlsxwriter::Worksheet, first: u32, rows: &[[&str; 10]]) -> u32 {
    for (n, row) in rows.iter().enumerate() {
        for (i, v) in row.iter().enumerate().filter(|(_, v)| !v.is_empty()) {
            ws.write_string(first + n as u32, i as u16, *v).unwrap();
        }
    }
    first + rows.len() as u32
}

fn messy_xlsx(bad: bool) -> Vec<u8> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.write_string(0, 0, "纹江花园 9栋 住户花名册（2023年）")
        .unwrap();
    let header = [
        "序号",
        "楼号",
        "单元",
        "楼层",
        "室",
        "建筑面积（㎡）",
        "业主姓名",
        "联系电话",
        "身份证后四位",
        "备注",
    ];
    for (i, h) in header.iter().enumerate() {
        ws.write_string(2, i as u16, *h).unwrap();
    }
    let rows: Vec<[&str; 10]> = vec![
        [
            "1",
            "9栋",
            "1单元",
            "一层",
            "101",
            "89.50㎡",
            "周一",
            "138 0013 8001",
            "123X",
            "",
        ],
        [
            "2",
            "",
            "",
            "1F",
            "102",
            "89.5平方米",
            "周二",
            "139-0013-8002",
            "",
            "租出",
        ],
        [
            "3",
            "",
            "",
            "二层",
            "２０１",
            "８９．５",
            "周三、吴三",
            "",
            "",
            "",
        ],
        ["", "", "", "", "", "", "", "", "", ""],
        [
            "序号",
            "楼号",
            "单元",
            "楼层",
            "室",
            "建筑面积（㎡）",
            "业主姓名",
            "联系电话",
            "身份证后四位",
            "备注",
        ],
        ["4", "", "2单元", "五", "501", "120", "周四", "", "", ""],
        ["5", "", "", "5", "502", "120.00", "", "", "", ""],
    ];
    let mut r = write_rows(ws, 3, &rows);
    if bad {
        let bad_rows: Vec<[&str; 10]> = vec![
            ["6", "", "", "六层", "", "70", "", "", "", ""],
            ["7", "", "", "6", "601", "-3", "", "", "", ""],
            [
                "8",
                "",
                "",
                "楼顶",
                "602",
                "70.123",
                "",
                "138001380",
                "",
                "",
            ],
            ["9", "", "", "6", "501", "70", "", "", "", ""],
        ];
        r = write_rows(ws, r, &bad_rows);
        // A formula and a date where numbers belong.
        ws.write_string(r, 3, "7").unwrap();
        ws.write_string(r, 4, "701").unwrap();
        ws.write_formula(r, 5, Formula::new("=F4*2")).unwrap();
        r += 1;
        let date = Format::new().set_num_format("yyyy-mm-dd");
        ws.write_number_with_format(r, 3, 45413.0, &date).unwrap();
        ws.write_string(r, 4, "702").unwrap();
        ws.write_string(r, 5, "70").unwrap();
    }
    let notes = book.add_worksheet();
    notes
        .write_string(0, 0, "说明：面积以不动产登记为准")
        .unwrap();
    book.save_to_buffer().unwrap()
}

/// Uploads more than the limit over a raw socket and reads the answer. The server answers
/// before the body is all sent and closes the connection; an HTTP client that is still
/// writing then sees a broken pipe instead of the answer, which made the test flaky.
async fn upload_too_large(app: &TestApp, token: &str, size: usize) -> (u16, Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut sock = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let head = format!(
        "POST /api/v1/compounds/1/roster/imports?file_name=huge.csv HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/octet-stream\r\nContent-Length: {size}\r\nConnection: close\r\n\r\n",
        app.addr
    );
    sock.write_all(head.as_bytes()).await.unwrap();
    let chunk = vec![b'a'; 1024 * 1024];
    let mut sent = 0;
    while sent < size {
        // The server may stop reading and answer at any point: stop writing then.
        if sock
            .write_all(&chunk[..chunk.len().min(size - sent)])
            .await
            .is_err()
        {
            break;
        }
        sent += chunk.len();
    }
    let mut raw = Vec::new();
    let _ = sock.read_to_end(&mut raw).await;
    let text = String::from_utf8_lossy(&raw);
    let status: u16 = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text.split("\r\n\r\n").nth(1).unwrap_or("");
    // The body may be chunked: the JSON object is between the first '{' and the last '}'.
    let json = match (body.find('{'), body.rfind('}')) {
        (Some(a), Some(b)) if b > a => serde_json::from_str(&body[a..=b]).unwrap_or(Value::Null),
        _ => Value::Null,
    };
    (status, json)
}

async fn upload(
    app: &TestApp,
    token: &str,
    compound: i64,
    name: &str,
    bytes: Vec<u8>,
) -> (u16, Value) {
    app.api_raw(
        Some(token),
        Method::POST,
        &format!("/compounds/{compound}/roster/imports?file_name={name}"),
        Some(("application/octet-stream", bytes)),
        &[],
    )
    .await
}

fn lines(problems: &Value) -> Vec<(i64, String)> {
    problems
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["line"].as_i64().unwrap(),
                p["column"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// A multipart body with the CSRF token and one file, as a browser sends the upload form.
fn multipart(csrf: &str, name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----linliTestBoundary7MA4YWxk";
    let mut body =
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n")
            .into_bytes();
    body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
    body.extend_from_slice(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A roster as a committee really keeps one, in the shape that used to fail: one header cell
/// naming both areas with a unit, a hidden-away gross area column as well, several numbers
/// in a phone cell, one building written four ways, an owner on three rows, the developer's
/// unsold flats, two people of one name with nothing to tell them apart, `顶层` as a floor.
fn committee_xlsx(bad: bool) -> Vec<u8> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.write_string(0, 0, "纹江花园 31栋 业主名册").unwrap();
    let header = [
        "楼号",
        "单元",
        "楼层",
        "室号",
        "建筑面积",
        "专有/建筑面积（平方米）",
        "业主姓名",
        "联系电话",
        "身份证后四位",
        "是否未售",
    ];
    for (i, h) in header.iter().enumerate() {
        ws.write_string(1, i as u16, *h).unwrap();
    }
    ws.set_column_hidden(4).unwrap();
    let rows: Vec<[&str; 10]> = vec![
        [
            "31号楼",
            "1单元",
            "1",
            "101",
            "100.00",
            "80.00",
            "周大",
            "138 0013 8031 / 0825-2345678",
            "",
            "",
        ],
        [
            "三十一栋",
            "一单元",
            "1",
            "102",
            "100.00",
            "80.00",
            "周大",
            "13800138031",
            "",
            "",
        ],
        [
            "３１号楼",
            "1",
            "2",
            "201",
            "100.00",
            "80.00",
            "周大",
            "13800138031、13900139031",
            "",
            "",
        ],
        [
            "31栋", "1门", "2", "202", "100.00", "80.00", "吴二", "", "", "",
        ],
        [
            "31栋", "1单元", "3", "301", "100.00", "80.00", "吴二", "", "", "",
        ],
        [
            "31栋",
            "1单元",
            "3",
            "302",
            "100.00",
            "80.00",
            "遂宁某某房地产开发有限公司",
            "",
            "",
            "是",
        ],
        [
            "31栋",
            "1单元",
            "4",
            "401",
            "100.00",
            "80.00",
            "遂宁某某房地产开发有限公司",
            "",
            "",
            "是",
        ],
        [
            "31栋", "1单元", "4", "402", "100.00", "80.00", "郑三", "", "123X", "",
        ],
        [
            "31栋", "1单元", "5", "501", "100.00", "80.00", "郑三", "", "123x", "",
        ],
    ];
    let mut r = write_rows(ws, 2, &rows);
    if bad {
        let bad_rows: Vec<[&str; 10]> = vec![
            [
                "31栋", "1单元", "顶层", "601", "100.00", "80.00", "钱六", "", "", "",
            ],
            ["", "", "", "", "", "", "", "13800138099", "", ""],
            [
                "31栋", "1单元", "6", "602", "100.00", "0", "钱七", "", "", "",
            ],
        ];
        r = write_rows(ws, r, &bad_rows);
    }
    let _ = r;
    book.save_to_buffer().unwrap()
}

/// Problems as (row, column letter, field code).
fn located(problems: &Value) -> Vec<(i64, String, String)> {
    problems
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["line"].as_i64().unwrap(),
                p["letter"].as_str().unwrap_or("").to_string(),
                p["column"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

both_backends! {
    // The bulk writer sends a full chunk and makes the next one while the database inserts
    // it: every chunk must still arrive, in order, and a chunk that fails must fail the write
    // (its error reported by a later push or by the finish, never lost in flight).
    async fn the_bulk_writer_writes_every_chunk_and_a_failing_chunk_fails_the_write(app) {
        use linli_store::bulk::{Bulk, Ty};
        use sea_orm::{ConnectionTrait, Statement};
        const COLUMNS: &[(&str, Ty)] = &[("id", Ty::BigInt), ("name", Ty::Text), ("phone", Ty::Text), ("created_at", Ty::BigInt)];
        let (url, _dir) = common::fresh_database(app.backend).await;
        let store = linli_store::Store::connect(&url).await.unwrap();
        store.migrate().await.unwrap();
        let row = |id: i64| vec![id.into(), format!("p{id}").into(), (id % 2 == 0).then(|| format!("1380000{id:04}")).into(), 0_i64.into()];
        let counted = |store: &linli_store::Store| {
            let db = store.read().clone();
            async move {
                let sql = "SELECT COUNT(*), CAST(COALESCE(SUM(id), 0) AS BIGINT), COUNT(phone), MAX(name) FROM person";
                let r = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap().unwrap();
                (r.try_get_by_index::<i64>(0).unwrap(), r.try_get_by_index::<i64>(1).unwrap(), r.try_get_by_index::<i64>(2).unwrap(), r.try_get_by_index::<Option<String>>(3).unwrap())
            }
        };
        // 25,000 rows: four chunks on SQLite (7,500 rows of four values a statement), three on
        // PostgreSQL (10,000 a statement).
        let n = 25_000_i64;
        let txn = store.begin_write().await.unwrap();
        let mut rows = Bulk::new(txn.get_database_backend(), "person", COLUMNS);
        for id in 1..=n {
            rows.push(&txn, row(id)).await.unwrap();
        }
        rows.finish(&txn).await.unwrap();
        txn.commit().await.unwrap();
        assert_eq!(counted(&store).await, (n, n * (n + 1) / 2, n / 2, Some("p9999".to_string())));

        // A write whose first chunk repeats an id that is already there.
        let txn = store.begin_write().await.unwrap();
        let mut rows = Bulk::new(txn.get_database_backend(), "person", COLUMNS);
        let mut failed = None;
        for i in 0..20_000_i64 {
            let id = if i == 0 { 1 } else { 100_000 + i };
            if let Err(e) = rows.push(&txn, row(id)).await {
                failed = Some(e);
                break;
            }
        }
        let failed = match failed {
            Some(e) => {
                drop(rows);
                e
            }
            None => rows.finish(&txn).await.expect_err("a repeated id was inserted"),
        };
        let text = failed.to_string().to_lowercase();
        assert!(text.contains("unique") || text.contains("duplicate"), "{text}");
        drop(txn);
        assert_eq!(counted(&store).await.0, n, "rows of the failed write remained");
        store.close().await.unwrap();
    }

    // The corpus made by scripts/fixtures/make_roster_corpus.py: each file yields exactly
    // the problems (row, column letter, field) or the households, people and areas that the
    // script wrote beside it.
    async fn the_corpus_of_real_world_rosters_yields_what_each_file_holds(app) {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/roster_corpus");
        let expected: serde_json::Map<String, Value> = serde_json::from_str(&std::fs::read_to_string(format!("{dir}/expected.json")).unwrap()).unwrap();
        assert!(expected.len() >= 20);
        let token = app.token("committee").await;
        for (name, want) in &expected {
            let bytes = std::fs::read(format!("{dir}/{name}")).unwrap();
            let (s, p) = upload(&app, &token, 1, name, bytes).await;
            assert_eq!(s, 201, "{name}: {p}");
            let pv = &p["preview"];
            let want_errors: Vec<(i64, String, String)> = want["errors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| (e[0].as_i64().unwrap(), e[1].as_str().unwrap().to_string(), e[2].as_str().unwrap().to_string()))
                .collect();
            assert_eq!(located(&pv["errors"]), want_errors, "{name}: {pv}");
            if !want_errors.is_empty() {
                continue;
            }
            assert_eq!(pv["created"], want["created"], "{name}: {pv}");
            assert_eq!(pv["people"], want["people"], "{name}: {pv}");
            assert_eq!(pv["renamed"], want.get("renamed").cloned().unwrap_or(serde_json::json!([])), "{name}: {pv}");
            if let Some(n) = want.get("notes") {
                assert_eq!(pv["notes"].as_array().unwrap().len() as u64, n.as_u64().unwrap(), "{name}: {pv}");
            }
            for said in want.get("notes_say").and_then(Value::as_array).into_iter().flatten() {
                let said = said.as_str().unwrap();
                assert!(pv["notes"].as_array().unwrap().iter().any(|n| n["zh"].as_str().unwrap().contains(said)), "{name}: no note says {said}: {pv}");
            }
            if let Some(m) = want.get("maybe_same") {
                let got: Vec<Value> = pv["warnings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|w| w["en"].as_str().unwrap().starts_with("maybe the same person"))
                    .map(|w| serde_json::json!([w["line"], w["letter"], w["value"]]))
                    .collect();
                assert_eq!(&Value::Array(got), m, "{name}: {pv}");
            }
            let area = "SELECT CAST(COALESCE(SUM(area_centi), 0) AS BIGINT) FROM household WHERE compound_id = 1";
            let unsold = "SELECT COUNT(*) FROM household WHERE compound_id = 1 AND developer_unsold";
            let before = (app.sql_i64(area).await, app.sql_i64(unsold).await);
            let id = p["id"].as_i64().unwrap();
            let (s, done) = app.api(&token, Method::POST, &format!("/compounds/1/roster/imports/{id}/confirm"), None).await;
            assert_eq!(s, 200, "{name}: {done}");
            assert_eq!(done["result"]["created"], want["created"], "{name}");
            assert_eq!(app.sql_i64(area).await - before.0, want["area_centi"].as_i64().unwrap(), "{name}: exclusive area written");
            assert_eq!(app.sql_i64(unsold).await - before.1, want.get("unsold").and_then(Value::as_i64).unwrap_or(0), "{name}");
        }
        assert!(app.store.verify_audit().await.unwrap().broken.is_none());
    }

    async fn a_committees_real_sheet_goes_in_and_each_person_is_one_person(app) {
        let token = app.token("committee").await;
        let (s, p) = upload(&app, &token, 1, "31栋.xlsx", committee_xlsx(true)).await;
        assert_eq!(s, 201, "{p}");
        assert_eq!(
            located(&p["preview"]["errors"]),
            [(12, "C".into(), "floor".into()), (13, "".into(), "".into()), (14, "F".into(), "area".into())],
            "{p}"
        );
        let zh: Vec<&str> = p["preview"]["errors"].as_array().unwrap().iter().map(|e| e["zh"].as_str().unwrap()).collect();
        assert_eq!(zh[0], "不是楼层：请写楼层数字，例如 6");
        assert!(zh[1].contains("没有房屋"), "{zh:?}");
        assert_eq!(p["preview"]["errors"][2]["header"], "专有/建筑面积（平方米）");
        // The command line says the same, as a table, in the language asked for, and exits 1.
        let dir = app.scratch_dir();
        let file = dir.0.join("31.xlsx");
        std::fs::write(&file, committee_xlsx(true)).unwrap();
        let (code, out, err) = app.cli(&["import", "roster", file.to_str().unwrap(), "--compound", "1", "--lang", "en"]);
        assert_eq!(code, 1, "{out}{err}");
        assert!(err.contains("Row") && err.contains("not a floor: write the floor number, e.g. 6") && err.contains("专有/建筑面积（平方米）"), "{err}");
        assert!(err.contains("nothing was imported") && !err.contains("Error:") && !err.contains("backtrace"), "{err}");

        let (s, p) = upload(&app, &token, 1, "31栋.xlsx", committee_xlsx(false)).await;
        assert_eq!(s, 201, "{p}");
        let pv = &p["preview"];
        assert_eq!(pv["errors"], serde_json::json!([]), "{p}");
        assert_eq!(pv["created"], 9);
        // 周大 (one phone on three rows), 吴二 twice (nothing to tell), the developer, 郑三 (one ID tail).
        assert_eq!(pv["people"], 5, "{pv}");
        assert_eq!(pv["renamed"], serde_json::json!(["31号楼、三十一栋、３１号楼 → 31栋", "一单元、1、1门 → 1单元"]), "{pv}");
        assert!(pv["notes"][0]["zh"].as_str().unwrap().contains("按专有面积导入"), "{pv}");
        let maybe: Vec<&Value> = pv["warnings"].as_array().unwrap().iter().filter(|w| w["en"].as_str().unwrap().starts_with("maybe the same person")).collect();
        assert_eq!(maybe.len(), 1, "{pv}");
        assert_eq!((maybe[0]["line"].as_i64(), maybe[0]["value"].as_str(), maybe[0]["letter"].as_str()), (Some(6), Some("吴二"), Some("G")));
        let id = p["id"].as_i64().unwrap();
        let (s, done) = app.api(&token, Method::POST, &format!("/compounds/1/roster/imports/{id}/confirm"), None).await;
        assert_eq!(s, 200, "{done}");
        let building = app.sql_i64("SELECT id FROM building WHERE name = '31栋' AND compound_id = 1").await;
        assert_eq!(app.sql_i64(&format!("SELECT COUNT(*) FROM household WHERE building_id = {building}")).await, 9);
        assert_eq!(app.sql_i64(&format!("SELECT COUNT(*) FROM unit WHERE building_id = {building}")).await, 1);
        // Exclusive area, not gross.
        assert_eq!(app.sql_i64(&format!("SELECT CAST(SUM(area_centi) AS BIGINT) FROM household WHERE building_id = {building}")).await, 9 * 8000);
        assert_eq!(app.sql_i64(&format!("SELECT COUNT(*) FROM household WHERE building_id = {building} AND developer_unsold")).await, 2);
        let owners_of = |name: &str| format!("SELECT COUNT(DISTINCT o.person_id) FROM ownership o JOIN person p ON p.id = o.person_id JOIN household h ON h.id = o.household_id WHERE p.name = '{name}' AND h.building_id = {building}");
        assert_eq!(app.sql_i64(&owners_of("周大")).await, 1, "one person owning three flats");
        assert_eq!(app.sql_i64(&owners_of("遂宁某某房地产开发有限公司")).await, 1, "the developer is one person");
        assert_eq!(app.sql_i64(&owners_of("郑三")).await, 1);
        assert_eq!(app.sql_i64(&owners_of("吴二")).await, 2, "the same name with nothing else stays two people");
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM person WHERE name = '周大' AND phone = '13800138031' AND phones = '13800138031 / 08252345678 / 13900139031'").await, 1);
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM person WHERE name = '郑三' AND id_last4 = '123X'").await, 1);

        // A second file naming 周大 with the same phone finds the registry's 周大.
        let mut book = Workbook::new();
        let ws = book.add_worksheet();
        write_rows(ws, 0, &[["楼栋", "单元", "楼层", "房号", "面积", "业主", "电话", "", "", ""], ["32栋", "1单元", "1", "101", "70", "周大", "13800138031", "", "", ""]]);
        let (_, p) = upload(&app, &token, 1, "32栋.xlsx", book.save_to_buffer().unwrap()).await;
        let id = p["id"].as_i64().unwrap();
        let (s, _) = app.api(&token, Method::POST, &format!("/compounds/1/roster/imports/{id}/confirm"), None).await;
        assert_eq!(s, 200);
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM person WHERE name = '周大'").await, 1);
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM ownership o JOIN person p ON p.id = o.person_id WHERE p.name = '周大'").await, 4);

        // A third names 郑三 with the same ID tail and no phone: the registry's 郑三. A 郑三 of
        // another tail is someone else.
        let zheng = "SELECT COUNT(*) FROM ownership o JOIN person p ON p.id = o.person_id WHERE p.name = '郑三' AND p.id_last4 = '123X'";
        let flats = app.sql_i64(zheng).await;
        let mut book = Workbook::new();
        let ws = book.add_worksheet();
        write_rows(
            ws,
            0,
            &[
                ["楼栋", "单元", "楼层", "房号", "面积", "业主", "身份证后四位", "", "", ""],
                ["32栋", "1单元", "1", "102", "70", "郑三", "123X", "", "", ""],
                ["32栋", "1单元", "1", "103", "70", "郑三", "4567", "", "", ""],
            ],
        );
        let (_, p) = upload(&app, &token, 1, "32栋-2.xlsx", book.save_to_buffer().unwrap()).await;
        assert_eq!(p["preview"]["errors"], serde_json::json!([]), "{p}");
        let id = p["id"].as_i64().unwrap();
        let (s, _) = app.api(&token, Method::POST, &format!("/compounds/1/roster/imports/{id}/confirm"), None).await;
        assert_eq!(s, 200);
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM person WHERE name = '郑三'").await, 2);
        assert_eq!(app.sql_i64(zheng).await, flats + 1, "the registry's 郑三 owns one flat more");
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM ownership o JOIN person p ON p.id = o.person_id WHERE p.name = '郑三' AND p.id_last4 = '4567'").await, 1);

        // The export carries the unsold flag and every phone, and imports back unchanged.
        let res = app.client.get(app.url("/api/v1/compounds/1/roster?format=csv")).bearer_auth(&token).send().await.unwrap();
        let csv = res.text().await.unwrap();
        assert!(csv.starts_with("\u{feff}楼栋,单元,楼层,房号,专有面积,面积来源,业主,电话,是否未售"), "{csv}");
        assert!(csv.contains("31栋,1单元,3,302,80.00,不动产登记,遂宁某某房地产开发有限公司,,是"), "{csv}");
        assert!(csv.contains("周大,13800138031 / 08252345678 / 13900139031,"), "{csv}");
        let (_, again) = upload(&app, &token, 1, "export.csv", csv.into_bytes()).await;
        assert_eq!((again["preview"]["created"].as_i64(), again["preview"]["updated"].as_i64()), (Some(0), Some(0)), "{again}");
        assert!(app.store.verify_audit().await.unwrap().broken.is_none());
        // The lists show each new flat's owners, the registry's people among them.
        app.assert_owners_shown().await;
    }

    async fn the_household_list_shows_the_owners_each_import_leaves(app) {
        let token = app.token("committee").await;
        let import = |name: &'static str, rows: Vec<[&'static str; 10]>| {
            let app = &app;
            let token = &token;
            async move {
                let mut book = Workbook::new();
                let ws = book.add_worksheet();
                write_rows(ws, 0, &rows);
                let (s, p) = upload(app, token, 1, name, book.save_to_buffer().unwrap()).await;
                assert_eq!((s, &p["preview"]["errors"]), (201, &serde_json::json!([])), "{p}");
                let id = p["id"].as_i64().unwrap();
                let (s, done) = app.api(token, Method::POST, &format!("/compounds/1/roster/imports/{id}/confirm"), None).await;
                assert_eq!(s, 200, "{done}");
            }
        };
        let listed = |q: &'static str| {
            let app = &app;
            let token = &token;
            async move {
                let (s, v) = app.api(token, Method::GET, &format!("/compounds/1/households?q={}", urlencode(q)), None).await;
                assert_eq!(s, 200, "{v}");
                let mut rows: Vec<(String, String, String)> = v["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|i| (i["room"].as_str().unwrap().to_string(), i["owners"].as_str().unwrap_or("").to_string(), i["phone"].as_str().unwrap_or("").to_string()))
                    .collect();
                rows.sort();
                rows
            }
        };
        let header = ["楼栋", "单元", "楼层", "房号", "面积", "业主", "电话", "", "", ""];
        // 钱一 owns two flats, one of them with 李二 (two owners in one cell); 201 has no owner yet.
        import("41栋.xlsx", vec![
            header,
            ["41栋", "1单元", "1", "101", "70", "钱一", "13800041001", "", "", ""],
            ["41栋", "1单元", "1", "102", "70", "钱一、李二", "13800041001", "", "", ""],
            ["41栋", "1单元", "2", "201", "70", "", "", "", "", ""],
        ])
        .await;
        assert_eq!(
            listed("钱一").await,
            [("101".into(), "钱一".into(), "13800041001".into()), ("102".into(), "钱一、李二".into(), "13800041001".into())]
        );
        app.assert_owners_shown().await;
        // Again with 钱一's new phone and 201's owner: every flat of 钱一 shows the new number,
        // 201 its owner, who is already registered (found by name and phone, not the file's).
        import("41栋-2.xlsx", vec![
            header,
            ["41栋", "1单元", "1", "101", "70", "钱一", "13900041009", "", "", ""],
            ["41栋", "1单元", "1", "102", "70", "钱一、李二", "13900041009", "", "", ""],
            ["41栋", "1单元", "2", "201", "70", "钱一", "13900041009", "", "", ""],
        ])
        .await;
        assert_eq!(
            listed("钱一").await,
            [
                ("101".into(), "钱一".into(), "13900041009".into()),
                ("102".into(), "钱一、李二".into(), "13900041009".into()),
                ("201".into(), "钱一".into(), "13900041009".into()),
            ]
        );
        // One person: the file names the registered 钱一 of 101 and 102, so 201's 钱一 is her too.
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM person WHERE name = '钱一'").await, 1);
        // A new flat of the registered 钱一 (found by the phone now registered) in a third file.
        import("42栋.xlsx", vec![header, ["42栋", "1单元", "1", "101", "70", "钱一", "13900041009", "", "", ""]]).await;
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM person WHERE name = '钱一'").await, 1);
        assert_eq!(listed("钱一").await.len(), 4);
        app.assert_owners_shown().await;
    }

    async fn people_merge_and_split_on_the_person_page(app) {
        let token = app.token("committee").await;
        let (_, p) = upload(&app, &token, 1, "31栋.xlsx", committee_xlsx(false)).await;
        let id = p["id"].as_i64().unwrap();
        let (s, _) = app.api(&token, Method::POST, &format!("/compounds/1/roster/imports/{id}/confirm"), None).await;
        assert_eq!(s, 200);
        let pair = app.sql_pairs("SELECT p.id, o.household_id FROM person p JOIN ownership o ON o.person_id = p.id WHERE p.name = '吴二' ORDER BY p.id").await;
        let ((kept, kept_flat), (other, other_flat)) = (pair[0], pair[1]);
        // Make the other one a designated voter of a flat and linked to an account, as happens.
        app.sql_exec(&format!("UPDATE household SET designated_voter_id = {other} WHERE id = {other_flat}")).await;
        let (s, v) = app.api(&token, Method::GET, &format!("/people/{kept}"), None).await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["same_name"][0]["id"].as_i64(), Some(other), "listed as maybe the same person: {v}");
        let before = app.audit_count().await;
        // The page merges (a form), the API shows the result.
        let b = app.browser_login("committee").await;
        let (s, page) = b.get(&format!("/people/{kept}")).await;
        assert_eq!(s, 200);
        assert!(page.contains("吴二") && page.contains(&format!("name=\"other_id\" value=\"{other}\"")), "{page}");
        let (s, _, to) = b.submit(&format!("/people/{kept}"), &format!("/people/{kept}/merge"), &[("other_id", &other.to_string())]).await;
        assert_eq!(s, 303);
        assert_eq!(to.as_deref(), Some(format!("/people/{kept}").as_str()));
        assert_eq!(app.sql_i64(&format!("SELECT COUNT(*) FROM ownership WHERE person_id = {kept}")).await, 2);
        assert_eq!(app.sql_i64(&format!("SELECT designated_voter_id FROM household WHERE id = {other_flat}")).await, kept);
        assert_eq!(app.sql_i64(&format!("SELECT merged_into FROM person WHERE id = {other}")).await, kept);
        assert_eq!(app.audit_count().await, before + 1, "the merge is audited");
        app.assert_owners_shown().await;
        let (_, v) = app.api(&token, Method::GET, &format!("/people/{kept}"), None).await;
        assert_eq!(v["flats"].as_array().unwrap().len(), 2, "{v}");
        let merge_id = v["merges"][0]["id"].as_i64().unwrap();
        // Merging again, or merging into itself, is refused.
        let (s, e) = app.api(&token, Method::POST, &format!("/people/{kept}/merge"), Some(serde_json::json!({"other_id": other}))).await;
        assert_eq!(s, 422, "{e}");
        let (s, _) = app.api(&token, Method::POST, &format!("/people/{kept}/merge"), Some(serde_json::json!({"other_id": kept}))).await;
        assert_eq!(s, 422);
        // An owner may not merge people.
        let owner = app.token("owner").await;
        let (s, _) = app.api(&owner, Method::POST, &format!("/people/{kept}/split"), Some(serde_json::json!({"merge_id": merge_id}))).await;
        assert_eq!(s, 403);
        // Split: everything goes back.
        let before = app.audit_count().await;
        let (s, v) = app.api(&token, Method::POST, &format!("/people/{kept}/split"), Some(serde_json::json!({"merge_id": merge_id}))).await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["merges"][0]["split"], true);
        assert_eq!(app.sql_i64(&format!("SELECT COUNT(*) FROM ownership WHERE person_id = {kept} AND household_id = {kept_flat}")).await, 1);
        assert_eq!(app.sql_i64(&format!("SELECT COUNT(*) FROM ownership WHERE person_id = {other} AND household_id = {other_flat}")).await, 1);
        assert_eq!(app.sql_i64(&format!("SELECT designated_voter_id FROM household WHERE id = {other_flat}")).await, other);
        assert_eq!(app.sql_i64(&format!("SELECT COUNT(*) FROM person WHERE id = {other} AND merged_into IS NULL")).await, 1);
        assert_eq!(app.audit_count().await, before + 1, "the split is audited");
        app.assert_owners_shown().await;
        let (s, _) = app.api(&token, Method::POST, &format!("/people/{kept}/split"), Some(serde_json::json!({"merge_id": merge_id}))).await;
        assert_eq!(s, 422, "a split happens once");
        assert!(app.store.verify_audit().await.unwrap().broken.is_none());
    }

    async fn the_unsold_flag_from_the_page_and_the_api(app) {
        let token = app.token("committee").await;
        let h = app.sql_i64("SELECT MIN(id) FROM household WHERE compound_id = 1").await;
        let v = app.household_json(&token, h).await;
        assert_eq!(v["household"]["developer_unsold"], false);
        let version = v["household"]["version"].as_i64().unwrap();
        let (s, d) = app.api(&token, Method::PATCH, &format!("/households/{h}"), Some(serde_json::json!({"version": version, "developer_unsold": true}))).await;
        assert_eq!(s, 200, "{d}");
        assert_eq!(d["developer_unsold"], true);
        let b = app.browser_login("committee").await;
        let (_, page) = b.get(&format!("/households/{h}")).await;
        assert!(page.contains("id=\"developer-unsold\"") && page.contains("取消未售标记"), "{page}");
        let version = app.sql_i64(&format!("SELECT version FROM household WHERE id = {h}")).await;
        let (s, _, _) = b.submit(&format!("/households/{h}"), &format!("/households/{h}/unsold"), &[("version", &version.to_string()), ("developer_unsold", "false")]).await;
        assert_eq!(s, 303);
        assert_eq!(app.sql_i64(&format!("SELECT COUNT(*) FROM household WHERE id = {h} AND developer_unsold")).await, 0);
    }

    async fn a_crashed_or_colliding_confirm_is_answered_clearly(app) {
        let token = app.token("committee").await;
        let file = || {
            let mut book = Workbook::new();
            let ws = book.add_worksheet();
            write_rows(ws, 0, &[["楼栋", "单元", "楼层", "房号", "面积", "", "", "", "", ""], ["40栋", "1单元", "1", "101", "70", "", "", "", "", ""]]);
            book.save_to_buffer().unwrap()
        };
        // What an interrupted confirmation left behind (a claim without a write) is retried.
        let (_, p) = upload(&app, &token, 1, "40.xlsx", file()).await;
        let first = p["id"].as_i64().unwrap();
        let (_, p) = upload(&app, &token, 1, "40.xlsx", file()).await;
        let second = p["id"].as_i64().unwrap();
        app.sql_exec(&format!("UPDATE roster_import SET status = 'applying' WHERE id = {first}")).await;
        // Both previews would create 40栋 1单元 101: confirmed at once, one wins, the other is
        // told which room, and nothing of it is written.
        let confirm = |id: i64| {
            let token = token.clone();
            let app = &app;
            async move { app.api(&token, Method::POST, &format!("/compounds/1/roster/imports/{id}/confirm"), None).await }
        };
        let ((s1, b1), (s2, b2)) = tokio::join!(confirm(first), confirm(second));
        let mut statuses = [s1, s2];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 409], "{b1} {b2}");
        let lost = if s1 == 409 { b1 } else { b2 };
        assert_eq!(lost["code"], "room_taken", "{lost}");
        assert!(lost["message"].as_str().unwrap().contains("40栋 1单元 101"), "{lost}");
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM household h JOIN building b ON b.id = h.building_id WHERE b.name = '40栋' AND h.compound_id = 1").await, 1);
        let ours = format!("id IN ({first}, {second})");
        assert_eq!(app.sql_i64(&format!("SELECT COUNT(*) FROM roster_import WHERE {ours} AND status = 'applied'")).await, 1);
        assert_eq!(app.sql_i64(&format!("SELECT COUNT(*) FROM roster_import WHERE {ours} AND status IN ('pending', 'applying')")).await, 1, "the loser stays confirmable");
        assert!(app.store.verify_audit().await.unwrap().broken.is_none());
    }

    async fn a_messy_file_lists_every_problem_then_imports_once_fixed(app) {
        let token = app.token("committee").await;
        let before = (app.sql_i64("SELECT COUNT(*) FROM household").await, app.audit_count().await);

        let (s, p) = upload(&app, &token, 1, "9栋.xlsx", messy_xlsx(true)).await;
        assert_eq!(s, 201, "{p}");
        let errors = lines(&p["preview"]["errors"]);
        assert_eq!(
            errors,
            [(11, "room".into()), (12, "area".into()), (13, "floor".into()), (13, "area".into()), (13, "phone".into()), (14, "room".into()), (15, "area".into()), (16, "floor".into())],
            "{p}"
        );
        let messages: Vec<&str> = p["preview"]["errors"].as_array().unwrap().iter().map(|e| e["zh"].as_str().unwrap()).collect();
        assert!(messages[6].contains("公式") && messages[7].contains("日期"), "{messages:?}");
        assert_eq!(p["preview"]["errors"][5]["en"], "the same room appears twice in this unit (first on row 9)");
        let id = p["id"].as_i64().unwrap();
        let (s, refused) = app.api(&token, Method::POST, &format!("/compounds/1/roster/imports/{id}/confirm"), None).await;
        assert_eq!(s, 409, "{refused}");
        assert_eq!(refused["code"], "import_closed");
        assert!(refused["message"].as_str().unwrap().contains("错误"), "says the file has errors: {refused}");
        assert_eq!((app.sql_i64("SELECT COUNT(*) FROM household").await, app.audit_count().await), before, "nothing written");

        // Fixed: the preview counts, and the confirmation lands on another server.
        let (s, p) = upload(&app, &token, 1, "9栋.xlsx", messy_xlsx(false)).await;
        assert_eq!(s, 201, "{p}");
        assert_eq!(p["preview"]["errors"], serde_json::json!([]), "{p}");
        assert_eq!((p["preview"]["created"].as_i64(), p["preview"]["updated"].as_i64(), p["preview"]["unchanged"].as_i64()), (Some(5), Some(0), Some(0)));
        assert_eq!(p["preview"]["new_places"], serde_json::json!(["9栋 1单元", "9栋 2单元"]));
        let id = p["id"].as_i64().unwrap();
        let other = app.second_instance().await;
        let (s, done) = other.api(&token, Method::POST, &format!("/compounds/1/roster/imports/{id}/confirm"), None).await;
        assert_eq!(s, 200, "{done}");
        assert_eq!(done["result"]["created"], 5);
        let (s, again) = app.api(&token, Method::POST, &format!("/compounds/1/roster/imports/{id}/confirm"), None).await;
        assert_eq!(s, 409, "a second confirmation writes nothing");
        assert!(again["message"].as_str().unwrap().contains("已经确认"), "says it was already confirmed: {again}");
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM household").await, before.0 + 5);
        assert_eq!(app.audit_count().await, before.1 + 5, "one record per household");
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM household h JOIN unit u ON u.id = h.unit_id WHERE u.name = '2单元' AND h.floor = 5 AND h.compound_id = 1 AND h.building_id = (SELECT id FROM building WHERE name = '9栋' AND compound_id = 1)").await, 2);
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM person WHERE phone = '13800138001' AND name = '周一'").await, 1);
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM ownership o JOIN person p ON p.id = o.person_id WHERE p.name IN ('周三', '吴三')").await, 2);
        assert!(app.store.verify_audit().await.unwrap().broken.is_none());

        // The same file again changes nothing; an edited one changes only what changed.
        let (_, again) = upload(&app, &token, 1, "9栋.xlsx", messy_xlsx(false)).await;
        assert_eq!((again["preview"]["created"].as_i64(), again["preview"]["unchanged"].as_i64()), (Some(0), Some(5)), "{again}");
    }

    async fn an_old_xls_file_imports_like_an_xlsx(app) {
        // Made by scripts/fixtures/make_roster_xls.py: merged cells, numbers stored as doubles.
        let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/roster.xls")).unwrap();
        let token = app.token("committee").await;
        let (s, p) = upload(&app, &token, 1, "11栋.xls", bytes).await;
        assert_eq!(s, 201, "{p}");
        assert_eq!(p["preview"]["errors"], serde_json::json!([]), "{p}");
        assert_eq!(p["preview"]["created"].as_i64(), Some(4), "{p}");
        assert_eq!(p["preview"]["new_places"], serde_json::json!(["11栋 1单元"]));
        let id = p["id"].as_i64().unwrap();
        let (s, done) = app.api(&token, Method::POST, &format!("/compounds/1/roster/imports/{id}/confirm"), None).await;
        assert_eq!(s, 200, "{done}");
        let building = app.sql_i64("SELECT id FROM building WHERE name = '11栋' AND compound_id = 1").await;
        // Rooms stored as 101.0 are room 101; 76.25 m² is 7625 hundredths; floors from 一层/二层.
        assert_eq!(app.sql_pairs(&format!("SELECT floor, area_centi FROM household WHERE building_id = {building} ORDER BY room")).await, [(1, 8950), (1, 8950), (2, 7625), (2, 7625)]);
        assert_eq!(app.sql_i64(&format!("SELECT COUNT(*) FROM household WHERE building_id = {building} AND room IN ('101', '102', '201', '202')")).await, 4);
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM person WHERE phone = '13800139001' AND name = '郑一'").await, 1);
    }

    async fn export_then_import_changes_nothing(app) {
        let token = app.token("committee").await;
        for format in ["xlsx", "csv"] {
            let res = app.client.get(app.url(&format!("/api/v1/compounds/1/roster?format={format}"))).bearer_auth(&token).send().await.unwrap();
            assert_eq!(res.status(), 200);
            let bytes = res.bytes().await.unwrap().to_vec();
            let (s, p) = upload(&app, &token, 1, &format!("export.{format}"), bytes).await;
            assert_eq!(s, 201, "{p}");
            assert_eq!(p["preview"]["errors"], serde_json::json!([]), "{p}");
            assert_eq!((p["preview"]["created"].as_i64(), p["preview"]["updated"].as_i64(), p["preview"]["unchanged"].as_i64()), (Some(0), Some(0), Some(240)), "{format}");
        }
    }

    async fn files_that_are_not_rosters_are_refused_clearly(app) {
        let token = app.token("committee").await;
        let before = app.audit_count().await;
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01".to_vec();
        let mut encrypted = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        encrypted.extend(std::iter::repeat_n(0u8, 1000));
        encrypted.extend("EncryptedPackage".encode_utf16().flat_map(|u| u.to_le_bytes()));
        let mut truncated = messy_xlsx(false);
        truncated.truncate(truncated.len() / 2);
        for (bytes, code) in [
            (png, "not_a_spreadsheet"),
            (encrypted, "encrypted"),
            (truncated, "corrupt"),
            (b"just some words\nand more words\n".to_vec(), "no_header"),
            (Vec::new(), "empty"),
        ] {
            let (s, e) = upload(&app, &token, 1, "x", bytes).await;
            common::assert_api_error(s, &e, 422, code, Some("file"));
        }
        let (s, e) = upload_too_large(&app, &token, 70 * 1024 * 1024).await;
        common::assert_api_error(s, &e, 413, "too_large", Some("file"));
        // 10,000 columns: the roster columns are found, the rest is ignored.
        let mut book = Workbook::new();
        let ws = book.add_worksheet();
        for (i, h) in ["楼栋", "单元", "楼层", "房号", "面积"].iter().enumerate() {
            ws.write_string(0, i as u16, *h).unwrap();
        }
        for c in 5..10_000u16 {
            ws.write_number(0, c, f64::from(c)).unwrap();
            ws.write_number(1, c, 1.0).unwrap();
        }
        for (i, v) in ["1栋", "1单元", "1", "101", "80.66"].iter().enumerate() {
            ws.write_string(1, i as u16, *v).unwrap();
        }
        let (s, p) = upload(&app, &token, 1, "wide.xlsx", book.save_to_buffer().unwrap()).await;
        assert_eq!(s, 201, "{p}");
        assert_eq!(p["preview"]["unchanged"], 1, "{p}");
        // The command line refuses a 200 MB file before reading it.
        let dir = app.scratch_dir();
        let big = dir.0.join("big.xlsx");
        std::fs::File::create(&big).unwrap().set_len(200 * 1024 * 1024).unwrap();
        let (code, _, err) = app.cli(&["import", "roster", big.to_str().unwrap(), "--compound", "1", "--lang", "zh"]);
        assert_eq!(code, 1);
        assert!(err.contains("文件太大"), "{err}");
        let (code, _, err) = app.cli(&["import", "roster", big.to_str().unwrap(), "--compound", "1", "--lang", "en"]);
        assert_eq!(code, 1);
        assert!(err.contains("too large") && !err.contains("Error:"), "{err}");
        assert_eq!(app.audit_count().await, before, "nothing written");
        // Someone without the right to edit the registry cannot import.
        let owner = app.token("owner").await;
        let (s, e) = upload(&app, &owner, 1, "9栋.xlsx", messy_xlsx(false)).await;
        common::assert_api_error(s, &e, 403, "forbidden", None);
    }

    async fn the_pages_upload_preview_and_confirm(app) {
        let b = app.browser_login("committee").await;
        let (s, page) = b.get("/compounds/1").await;
        assert_eq!(s, 200);
        assert!(page.contains("/compounds/1/roster"), "the compound page links to the roster");
        let (s, page) = b.get("/compounds/1/roster").await;
        assert_eq!(s, 200);
        assert!(page.contains("/roster/template/xlsx") && page.contains("/compounds/1/roster/export/csv"));
        let csrf = common::csrf_of(&page);
        // Without the CSRF token the upload is refused.
        let (ct, body) = multipart("0123456789abcdef0123456789abcdef", "9栋.xlsx", &messy_xlsx(false));
        let res = b.client.post(app.url("/compounds/1/roster")).header("content-type", ct).body(body).send().await.unwrap();
        assert_eq!(res.status(), 403);
        let (ct, body) = multipart(&csrf, "9栋.xlsx", &messy_xlsx(true));
        let res = b.client.post(app.url("/compounds/1/roster")).header("content-type", ct).body(body).send().await.unwrap();
        assert_eq!(res.status(), 303);
        let location = res.headers()["location"].to_str().unwrap().to_string();
        let (s, preview) = b.get(&location).await;
        assert_eq!(s, 422);
        for row in ["<td class=\"num\">11</td>", "<td class=\"num\">16</td>", "公式"] {
            assert!(preview.contains(row), "{row} listed");
        }
        assert!(!preview.contains("id=\"roster-confirm\""), "no confirm button while errors remain");
        let (ct, body) = multipart(&csrf, "9栋.xlsx", &messy_xlsx(false));
        let res = b.client.post(app.url("/compounds/1/roster")).header("content-type", ct).body(body).send().await.unwrap();
        let location = res.headers()["location"].to_str().unwrap().to_string();
        let (s, preview) = b.get(&location).await;
        assert_eq!(s, 200);
        assert!(preview.contains("id=\"roster-confirm\""));
        let (s, _, to) = b.submit(&location, &location, &[]).await;
        assert_eq!(s, 303);
        let (_, result) = b.get(&to.unwrap()).await;
        assert!(result.contains("roster-result"), "{result}");
        // A file that is not a spreadsheet is shown on the upload page.
        let (ct, body) = multipart(&csrf, "photo.png", b"\x89PNG\r\n\x1a\n\0\0\0");
        let res = b.client.post(app.url("/compounds/1/roster")).header("content-type", ct).body(body).send().await.unwrap();
        assert_eq!(res.status(), 422);
        assert!(res.text().await.unwrap().contains("这不是表格文件"));
        // Downloads.
        let res = b.client.get(app.url("/roster/template/xlsx")).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert!(res.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"));
        let res = b.client.get(app.url("/compounds/1/roster/export/csv")).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert!(res.text().await.unwrap().starts_with("\u{feff}楼栋,单元,楼层,房号,专有面积,面积来源,业主,电话"));
    }
}
