//! The browser test of the dashboards: on the Suining-scale demo (2,067 compounds of
//! 遂宁市, assessed over four quarters, with star ratings and 844 plans), the city's official
//! opens the city dashboard, goes down to a district (船山区), opens its three-no compounds,
//! one compound's standards page, its plan and its latest assessment, and exports the list as
//! `.xlsx`. Headless Chromium at phone size; screenshots under /tmp/linli-shots/dashboard-*.png.
//! Needs `LINLI_WEBDRIVER_URL` and `LINLI_CHROME_BIN` (scripts/test sets both).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use crate::common::browser as kit;

use common::{Backend, TestApp};
use kit::*;
use thirtyfour::prelude::*;

/// A server over the whole demo world: the featured compounds and the Suining-scale city.
async fn suining() -> TestApp {
    let (url, dir) = common::fresh_database(Backend::Sqlite).await;
    let store = common::open_store(&url).await;
    let demo = linli_demo_load::load_demo(&store, 1, linli_demo::Density::Sample)
        .await
        .expect("load the demo");
    TestApp::serve(Backend::Sqlite, url, store, demo, dir).await
}

async fn number(d: &WebDriver, id: &str) -> WebDriverResult<i64> {
    let text = d.query(By::Id(id)).desc(id).single().await?.text().await?;
    Ok(text
        .trim()
        .replace(',', "")
        .parse()
        .unwrap_or_else(|_| panic!("{id} is not a number: {text}")))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_district_official_goes_from_the_dashboard_to_a_three_no_compound_its_plan_and_assessment_and_exports_the_list()
 {
    let app = suining().await;
    let app = &app;
    let city = app.persona_place("city");
    let district = app
        .sql_i64("SELECT id FROM region WHERE kind = 'district' AND name = '船山区'")
        .await;
    let district_compounds = app
        .sql_i64(&format!(
            "SELECT COUNT(*) FROM compound WHERE district_id = {district}"
        ))
        .await;
    let district_three_no = app
        .sql_i64(&format!(
            "SELECT COUNT(*) FROM compound WHERE district_id = {district} AND three_no = (1=1)"
        ))
        .await;
    let compound = app.sql_i64(&format!("SELECT MIN(c.id) FROM compound c JOIN compound_plan p ON p.compound_id = c.id WHERE c.district_id = {district} AND c.three_no = (1=1)")).await;
    // The city page over 2,067 compounds stays under 100 KB of HTML.
    let (s, page) = app
        .browser_login("city")
        .await
        .get(&format!("/regions/{city}/dashboard"))
        .await;
    assert_eq!(s, 200);
    assert!(
        page.len() < 100 * 1024,
        "the city dashboard is {} bytes",
        page.len()
    );
    // Above 300 compounds the grid's squares carry no names, and none are read.
    let token = app.token("city").await;
    let (s, d) = app
        .api(
            &token,
            reqwest::Method::GET,
            &format!("/regions/{city}/dashboard"),
            None,
        )
        .await;
    assert_eq!(s, 200);
    let truth: String = app
        .sql_pairs(&format!("SELECT id, CASE WHEN three_no = (1=1) THEN 0 WHEN six_have = 63 THEN 2 ELSE 1 END FROM compound WHERE city_id = {city} ORDER BY id"))
        .await
        .iter()
        .map(|(_, status)| status.to_string())
        .collect();
    assert_eq!(
        d["grid"].as_str(),
        Some(truth.as_str()),
        "a digit per compound, by id"
    );
    assert_eq!(d["grid_compounds"].as_array().map(Vec::len), Some(0));
    Chromium::start()
        .await
        .run(|d| async move {
            sign_in(&d, app, "city", false).await?;
            d.goto(app.url(&format!("/regions/{city}/dashboard")))
                .await?;
            assert_eq!(
                number(&d, "fig-compounds").await?,
                2067,
                "the Suining-scale city"
            );
            assert!(
                d.query(By::Css("figure.chart svg"))
                    .all_from_selector()
                    .await?
                    .len()
                    >= 8,
                "the charts are drawn"
            );
            shot(&d, "dashboard-city").await?;

            // Down to the district, through the link in the chart's table.
            let link = d
                .query(By::Css(format!(
                    "table.chart-data a[href='/regions/{district}/dashboard']"
                )))
                .desc("the district in the table under the chart")
                .first()
                .await?;
            click_and_leave(&link).await?;
            assert_eq!(number(&d, "fig-compounds").await?, district_compounds);
            assert_eq!(number(&d, "fig-three-no").await?, district_three_no);
            shot(&d, "dashboard-district").await?;

            // The three-no compounds behind the number, then one of them.
            let three_no = d
                .query(By::Css("#figures a[href$='status=three_no']"))
                .desc("the three-no figure")
                .single()
                .await?;
            click_and_leave(&three_no).await?;
            assert_eq!(number(&d, "list-total").await?, district_three_no);
            let first = d
                .query(By::Css(format!(
                    "#compound-list a[href='/compounds/{compound}/standards']"
                )))
                .desc("the compound in the list")
                .single()
                .await?;
            click_and_leave(&first).await?;
            let tag = d.query(By::Id("status")).single().await?.text().await?;
            assert!(
                tag.contains("三无"),
                "the compound shows as three-no: {tag}"
            );
            shot(&d, "dashboard-compound").await?;

            // Its plan.
            let plan = d
                .query(By::Css(format!(
                    "main a[href='/compounds/{compound}/plan']"
                )))
                .desc("the plan link")
                .first()
                .await?;
            click_and_leave(&plan).await?;
            d.query(By::Id("progress"))
                .desc("the plan's progress")
                .single()
                .await?;
            assert!(
                !d.query(By::Id("problems"))
                    .single()
                    .await?
                    .text()
                    .await?
                    .is_empty(),
                "the problems found"
            );
            shot(&d, "dashboard-plan").await?;

            // Its latest assessment.
            d.back().await?;
            let latest = d
                .query(By::Css("#assessments a[href^='/assessments/']"))
                .desc("the latest assessment")
                .first()
                .await?;
            click_and_leave(&latest).await?;
            let derived = d.query(By::Id("derived")).single().await?.text().await?;
            assert!(
                derived.contains("三无"),
                "the assessment derives three-no: {derived}"
            );
            assert_eq!(
                d.query(By::Css("tr.mark-met, tr.mark-partly, tr.mark-not_met"))
                    .all_from_selector()
                    .await?
                    .len(),
                35,
                "a mark for each of the 35 standards"
            );
            shot(&d, "dashboard-assessment").await?;

            // Export the list the district's number stands for.
            d.goto(app.url(&format!(
                "/regions/{district}/dashboard/compounds?status=three_no"
            )))
            .await?;
            let href = d
                .query(By::Id("download-xlsx"))
                .single()
                .await?
                .attr("href")
                .await?
                .expect("a download link");
            let b = app.browser_login("city").await;
            let res = b.client.get(app.url(&href)).send().await.unwrap();
            assert_eq!(res.status(), 200);
            assert_eq!(
                res.headers()["content-type"],
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            );
            let bytes = res.bytes().await.unwrap();
            assert_eq!(&bytes[..2], b"PK", "an .xlsx file");
            Ok(())
        })
        .await;
}
