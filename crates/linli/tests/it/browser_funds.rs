//! The money pages in headless Chromium at phone size: the committee records an expense with
//! its receipt photo chosen in the form, corrects a wrong entry after confirming, prints and
//! posts a quarter's statement; a resident then finds the posted statement from the compound
//! page on the phone. Screenshots under /tmp/linli-shots/funds-*.png.
//! Needs `LINLI_WEBDRIVER_URL` and `LINLI_CHROME_BIN` (scripts/test sets both).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use crate::common::browser as kit;

use common::{Backend, TestApp};
use kit::*;
use reqwest::Method;
use serde_json::json;
use thirtyfour::prelude::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_committee_records_and_posts_and_a_resident_reads_the_statement_on_the_phone() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let app = &app;
    let committee = app.token("committee").await;
    let c = app.persona_place("committee");
    let (s, a) = app
        .api(
            &committee,
            Method::POST,
            &format!("/compounds/{c}/funds"),
            Some(json!({"kind": "compound", "name": "小区公共收益账户"})),
        )
        .await;
    assert_eq!(s, 201, "{a}");
    let acc = a["id"].as_i64().unwrap();
    for (source, amount, day) in [
        ("public_income", "3600", "2025-04-30"),
        ("government_reward", "50000", "2025-05-20"),
        ("charity", "880", "2025-06-01"),
    ] {
        let (s, e) = app.api(&committee, Method::POST, &format!("/funds/{acc}/entries"), Some(json!({"direction": "income", "category": source, "amount": amount, "occurred_on": day, "note": "演示"}))).await;
        assert_eq!(s, 201, "{e}");
    }
    let scratch = app.scratch_dir();
    let photo = scratch.0.join("receipt.jpg");
    std::fs::write(&photo, common::TINY_JPEG).unwrap();
    let photo = photo.to_str().unwrap().to_string();
    Chromium::start()
        .await
        .run(|d| async move {
            sign_in(&d, app, "committee", false).await?;
            d.goto(app.url(&format!("/compounds/{c}"))).await?;
            let link = d
                .query(By::Css(format!("a[href='/compounds/{c}/funds']")))
                .desc("the accounts button of the compound page")
                .single()
                .await?;
            click_and_leave(&link).await?;
            let account = d
                .query(By::Css(format!("a[href='/funds/{acc}']")))
                .desc("the account in the list")
                .single()
                .await?;
            click_and_leave(&account).await?;

            // An expense: the purpose, the amount, the day and the receipt photo.
            d.query(By::Css("input[name='direction'][value='expense']"))
                .single()
                .await?
                .click()
                .await?;
            choose(&d, "purpose", "security").await?;
            d.query(By::Id("amount"))
                .single()
                .await?
                .send_keys("3000.5")
                .await?;
            let day = d.query(By::Id("occurred_on")).single().await?;
            d.execute("arguments[0].value = '2025-06-15';", vec![day.to_json()?])
                .await?;
            d.query(By::Id("note"))
                .single()
                .await?
                .send_keys("六月保安服务费")
                .await?;
            d.query(By::Id("file"))
                .single()
                .await?
                .send_keys(photo.as_str())
                .await?;
            shot(&d, "funds-record").await?;
            let submit = d
                .query(By::Css("#record button"))
                .desc("the record button")
                .single()
                .await?;
            click_and_leave(&submit).await?;
            let row = d
                .query(By::Css("#entries tbody tr"))
                .with_text(text("六月保安服务费"))
                .desc("the new entry")
                .single()
                .await?;
            assert!(
                row.text().await?.contains("-3000.50"),
                "the expense is listed negative"
            );
            row.query(By::Css("a[href^='/files/']"))
                .desc("its receipt")
                .single()
                .await?;
            shot(&d, "funds-account").await?;

            // The charity entry was wrong: corrected after confirming; the reversing entry shows.
            let charity = d
                .query(By::Css("#entries tbody tr"))
                .with_text(text("880.00"))
                .desc("the charity entry")
                .first()
                .await?;
            charity
                .query(By::Css("details summary"))
                .single()
                .await?
                .click()
                .await?;
            charity
                .query(By::Css("input[name='reason']"))
                .single()
                .await?
                .send_keys("应记入项目账户")
                .await?;
            let correct = charity.query(By::Css("button.danger")).single().await?;
            click_confirmed(&d, &correct).await?;
            d.query(By::Css("#entries tbody tr"))
                .with_text(text("-880.00"))
                .desc("the reversing entry")
                .first()
                .await?;

            // The quarter's statement, printable, then posted after confirming.
            d.goto(app.url(&format!(
                "/funds/{acc}/statement?from=2025-04-01&to=2025-06-30"
            )))
            .await?;
            let closing = d.query(By::Id("closing")).single().await?.text().await?;
            assert_eq!(closing, "51479.50", "3600 + 50000 + 880 − 3000.50");
            d.query(By::Css("button[data-print]"))
                .desc("the print button")
                .single()
                .await?;
            shot(&d, "funds-statement").await?;
            let post = d
                .query(By::Css("form[action$='/statements'] button"))
                .desc("the publish button")
                .single()
                .await?;
            click_confirmed(&d, &post).await?;
            d.query(By::Id("posted"))
                .desc("the posted tag")
                .single()
                .await?;
            sign_out(&d).await?;

            // The resident, on the phone: compound page → accounts → the posted statement.
            sign_in(&d, app, "resident", false).await?;
            d.goto(app.url(&format!("/compounds/{c}/funds"))).await?;
            let st = d
                .query(By::Css("#statements a"))
                .with_text(text("2025Q2"))
                .desc("the posted statement")
                .single()
                .await?;
            shot(&d, "funds-resident-list").await?;
            click_and_leave(&st).await?;
            assert_eq!(
                d.query(By::Id("closing")).single().await?.text().await?,
                "51479.50"
            );
            assert!(
                d.query(By::Css("form[action$='/statements']"))
                    .all_from_selector()
                    .await?
                    .is_empty(),
                "no publish button for a resident"
            );
            shot(&d, "funds-resident-statement").await?;
            Ok(())
        })
        .await;
}
