//! The roster in Excel through the API, the pages and the command line, on both databases:
//! messy real-world files, every problem listed, nothing written while any remains, the
//! confirmation landing on another server instance, export → import changing nothing, and
//! files that are not rosters at all.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::TestApp;
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
        if sock.write_all(&chunk[..chunk.len().min(size - sent)]).await.is_err() {
            break;
        }
        sent += chunk.len();
    }
    let mut raw = Vec::new();
    let _ = sock.read_to_end(&mut raw).await;
    let text = String::from_utf8_lossy(&raw);
    let status: u16 = text.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
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

both_backends! {
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
        let (code, _, err) = app.cli(&["import", "roster", big.to_str().unwrap(), "--compound", "1"]);
        assert_ne!(code, 0);
        assert!(err.contains("文件太大") && err.contains("too large"), "{err}");
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
