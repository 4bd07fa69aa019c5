//! Browser test of the roster import: a committee member uploads a sheet with errors in
//! headless Chromium at phone size, sees every bad row listed, fixes the sheet, uploads it
//! again and confirms. Needs `LINLI_WEBDRIVER_URL` and `LINLI_CHROME_BIN` (scripts/test sets
//! both); the screenshots go to /tmp/linli-shots/roster-*.png.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use crate::common::browser as kit;

use common::{Backend, TestApp};
use kit::Chromium;
use linli_demo_load::DEMO_PASSWORD;
use thirtyfour::prelude::*;

/// A sheet of six flats of a new building; `bad` breaks rows 3, 5 and 7 of it.
fn sheet(path: &std::path::Path, bad: bool) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    let rows = [
        ["楼栋", "单元", "楼层", "房号", "专有面积", "业主", "电话"],
        [
            "8栋",
            "1单元",
            "一层",
            "101",
            "72.5㎡",
            "孙一",
            "138 0013 8101",
        ],
        [
            "",
            "",
            "1",
            if bad { "" } else { "102" },
            "72.5",
            "孙二",
            "",
        ],
        ["", "", "二层", "201", "72.50", "", ""],
        ["", "", "2", "202", if bad { "-72" } else { "72" }, "", ""],
        ["", "", "三层", "301", "72.5", "", ""],
        [
            "",
            "",
            if bad { "楼顶" } else { "3" },
            "302",
            "72.5",
            "",
            if bad { "138001381" } else { "" },
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate().filter(|(_, v)| !v.is_empty()) {
            ws.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    book.save(path).unwrap();
}

async fn upload(d: &WebDriver, app: &TestApp, file: &std::path::Path) -> WebDriverResult<()> {
    d.goto(app.url("/compounds/1/roster")).await?;
    d.query(By::Id("file"))
        .single()
        .await?
        .send_keys(file.to_str().unwrap())
        .await?;
    d.query(By::Css("#roster-upload button[type='submit']"))
        .single()
        .await?
        .click()
        .await?;
    d.query(By::Id("roster-counts"))
        .desc("the preview's counts")
        .first()
        .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_committee_member_fixes_every_listed_row_and_imports() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let dir = app.scratch_dir();
    let (bad, good) = (dir.0.join("bad.xlsx"), dir.0.join("good.xlsx"));
    sheet(&bad, true);
    sheet(&good, false);
    let households = app.sql_i64("SELECT COUNT(*) FROM household").await;
    let app = &app;
    let (bad, good) = (&bad, &good);
    Chromium::start()
        .await
        .run(|d| async move {
            // Chinese, as the committee reads it (the cookie a click on the language switch sets).
            d.goto(app.url("/prefs?lang=zh-CN&back=/login")).await?;
            d.query(By::Id("login"))
                .single()
                .await?
                .send_keys("committee")
                .await?;
            d.query(By::Id("password"))
                .single()
                .await?
                .send_keys(DEMO_PASSWORD)
                .await?;
            d.query(By::Css("form[action='/login'] button[type='submit']"))
                .single()
                .await?
                .click()
                .await?;
            d.query(By::Css("form.searchbar")).first().await?;
            // From the compound page to the import page.
            d.goto(app.url("/compounds/1")).await?;
            d.query(By::Css("a[href='/compounds/1/roster']"))
                .single()
                .await?
                .click()
                .await?;
            d.query(By::Id("roster-upload")).single().await?;

            upload(&d, app, bad).await?;
            std::fs::create_dir_all("/tmp/linli-shots").ok();
            d.screenshot(std::path::Path::new("/tmp/linli-shots/roster-errors.png"))
                .await?;
            let rows = d.find_all(By::Css("#roster-errors tbody tr")).await?;
            let mut listed = Vec::new();
            for r in &rows {
                listed.push(r.find(By::Css("td")).await?.text().await?);
            }
            assert_eq!(
                listed,
                ["3", "5", "7", "7"],
                "every bad row, and only those"
            );
            let text = d.find(By::Id("roster-errors")).await?.text().await?;
            for words in [
                "房号",
                "必须填写",
                "专有面积",
                "必须大于零",
                "楼层",
                "楼顶",
                "电话",
            ] {
                assert!(text.contains(words), "{words} in {text}");
            }
            assert!(
                d.find_all(By::Id("roster-confirm")).await?.is_empty(),
                "no confirm button while errors remain"
            );
            assert_eq!(
                app.sql_i64("SELECT COUNT(*) FROM household").await,
                households,
                "nothing written"
            );

            upload(&d, app, good).await?;
            assert!(d.find_all(By::Id("roster-errors")).await?.is_empty());
            let counts = d.find(By::Id("roster-counts")).await?.text().await?;
            assert!(counts.contains('6'), "six to create: {counts}");
            d.query(By::Id("roster-confirm"))
                .single()
                .await?
                .click()
                .await?;
            let result = d
                .query(By::Id("roster-result"))
                .desc("the import's result")
                .single()
                .await?
                .text()
                .await?;
            d.screenshot(std::path::Path::new("/tmp/linli-shots/roster-done.png"))
                .await?;
            assert!(result.contains('6'), "{result}");
            Ok(())
        })
        .await;
    assert_eq!(
        app.sql_i64("SELECT COUNT(*) FROM household").await,
        households + 6
    );
    assert!(app.store.verify_audit().await.unwrap().broken.is_none());
}
