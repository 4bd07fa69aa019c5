//! Accessibility as axe-core sees it: the pages of every role (resident owner, committee,
//! grid worker and scorer, rating committee, street officer, city), at phone size in 大字
//! mode, each checked by the axe-core engine injected through the WebDriver session; any
//! serious or critical violation fails, named with its page and elements. Then the owner's
//! path at phone size in 大字 mode: home → her open vote → her bill → the report form, each
//! at most two taps from home, with screenshots /tmp/linli-shots/owner-path-*.png.
//! Needs `LINLI_WEBDRIVER_URL`, `LINLI_CHROME_BIN` and `LINLI_AXE_JS` (the axe-core npm
//! package's axe.min.js); scripts/test sets all three.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use crate::common::browser as kit;

use common::{Backend, TestApp};
use kit::*;
use reqwest::Method;
use serde_json::json;
use thirtyfour::prelude::*;

/// The axe-core engine's source, as scripts/test installed it.
fn axe_source() -> String {
    let path = std::env::var("LINLI_AXE_JS").unwrap_or_else(|_| {
        panic!("LINLI_AXE_JS is not set: run the browser tests with scripts/test, which installs axe-core")
    });
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read axe-core at {path}: {e}"))
}

/// Runs axe on the current page; returns its serious and critical violations, one line each.
async fn axe(d: &WebDriver, axe_js: &str) -> WebDriverResult<Vec<String>> {
    d.execute(&format!("{axe_js}\n;return 1;"), Vec::new())
        .await?;
    let found = d
        .execute_async(
            r#"var done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ['violations']}).then(function (r) {
  done(r.violations.filter(function (v) { return v.impact === 'serious' || v.impact === 'critical'; })
    .map(function (v) {
      return v.impact + ' ' + v.id + ' (' + v.help + '): ' + v.nodes.slice(0, 4).map(function (n) {
        return n.target.join(' ') + ' — ' + (n.failureSummary || '').replace(/\s+/g, ' ');
      }).join(' | ');
    }));
}, function (e) { done(['axe failed: ' + e]); });"#,
            Vec::new(),
        )
        .await?;
    found.convert::<Vec<String>>()
}

/// Turns on 大字 (it stays on for the session) and checks it is on.
async fn large_text(d: &WebDriver, app: &TestApp) -> WebDriverResult<()> {
    d.goto(app.url("/prefs?large=1&back=/")).await?;
    d.query(By::Css("html.large"))
        .desc("<html class=\"large\"> after choosing 大字")
        .first()
        .await?;
    Ok(())
}

/// The id a query finds, or 0 when it finds none.
async fn id_of(app: &TestApp, sql: &str) -> i64 {
    app.sql_i64(&format!("SELECT COALESCE(({sql}), 0)")).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axe_finds_nothing_serious_or_critical_on_the_pages_of_every_role() {
    let app = TestApp::spawn_demo(Backend::Sqlite).await;
    let axe_js = axe_source();
    let wj = app.persona_place("committee");
    let home = app.persona_place("owner");
    let ng = app.persona_place("ngcommittee");
    let city = app.persona_place("city");
    let open_vote = id_of(
        &app,
        &format!("SELECT MIN(id) FROM proposal WHERE compound_id = {wj} AND stage = 'voting'"),
    )
    .await;
    let passed = id_of(&app, &format!("SELECT MIN(id) FROM proposal WHERE compound_id = {wj} AND stage IN ('passed', 'acting', 'evaluated')")).await;
    let open_month = id_of(
        &app,
        &format!("SELECT MAX(id) FROM rating_month WHERE compound_id = {ng} AND closed_at IS NULL"),
    )
    .await;
    let closed_month = id_of(
        &app,
        &format!(
            "SELECT MAX(id) FROM rating_month WHERE compound_id = {ng} AND closed_at IS NOT NULL"
        ),
    )
    .await;
    assert!(
        open_vote > 0 && passed > 0 && open_month > 0 && closed_month > 0,
        "the demo's stories are told"
    );

    // (persona, pages): every role's daily pages.
    let owner_pages = vec![
        "/".to_string(),
        format!("/households/{home}"),
        format!("/compounds/{wj}/proposals"),
        format!("/proposals/{open_vote}"),
        format!("/proposals/{passed}"),
        format!("/compounds/{wj}/requests/new"),
        "/requests".to_string(),
        "/notifications".to_string(),
    ];
    let committee_pages = vec![
        "/".to_string(),
        format!("/compounds/{wj}"),
        format!("/proposals/{open_vote}"),
        format!("/proposals/{open_vote}/knock"),
        format!("/proposals/{passed}/register"),
        format!("/compounds/{wj}/elevators"),
        format!("/compounds/{wj}/meetings"),
        format!("/compounds/{wj}/funds"),
    ];
    let ng_unit = id_of(
        &app,
        &format!("SELECT MIN(id) FROM unit WHERE compound_id = {ng}"),
    )
    .await;
    let scorer_pages = vec![
        "/".to_string(),
        "/requests/queue".to_string(),
        format!("/rating/months/{open_month}"),
        format!("/rating/months/{open_month}/score/{ng_unit}"),
    ];
    // The street officer follows 甘泉苑's elevators down to one household's bill.
    let project = id_of(&app, "SELECT MIN(project_id) FROM elevator_share").await;
    let billed = id_of(
        &app,
        &format!("SELECT MIN(household_id) FROM elevator_share WHERE project_id = {project}"),
    )
    .await;
    let gq = id_of(
        &app,
        &format!("SELECT compound_id FROM elevator_project WHERE id = {project}"),
    )
    .await;
    assert!(project > 0 && billed > 0, "the demo has fixed share tables");
    let street_pages = vec![
        "/".to_string(),
        format!("/compounds/{gq}/elevators"),
        format!("/elevators/{project}"),
        format!("/elevators/{project}/shares"),
        format!("/elevators/{project}/bills/{billed}"),
    ];
    let rating_pages = vec![
        format!("/compounds/{ng}/rating"),
        format!("/rating/months/{closed_month}"),
        format!("/rating/months/{closed_month}/notice"),
    ];
    let city_pages = vec!["/".to_string(), format!("/regions/{city}/dashboard")];
    let roles: Vec<(&str, Vec<String>)> = vec![
        ("owner", owner_pages),
        ("committee", committee_pages),
        ("grid", scorer_pages),
        ("ngcommittee", rating_pages),
        ("street", street_pages),
        ("city", city_pages),
    ];
    let app = std::sync::Arc::new(app);
    let a = app.clone();
    Chromium::start()
        .await
        .run(|d| async move {
            let mut problems = Vec::new();
            let mut checked = 0;
            // Before signing in: the login page.
            d.goto(a.url("/login")).await?;
            large_text(&d, &a).await?;
            d.goto(a.url("/login")).await?;
            for v in axe(&d, &axe_js).await? {
                problems.push(format!("/login: {v}"));
            }
            checked += 1;
            for (persona, pages) in roles {
                sign_in(&d, &a, persona, false).await?;
                large_text(&d, &a).await?;
                for path in pages {
                    d.goto(a.url(&path)).await?;
                    // An error page has no 大字 class: this also proves the page is the real one.
                    d.query(By::Css("html.large"))
                        .desc("大字 stays on")
                        .first()
                        .await?;
                    for v in axe(&d, &axe_js).await? {
                        problems.push(format!("{persona} {path}: {v}"));
                    }
                    checked += 1;
                }
                sign_out(&d).await?;
            }
            assert!(checked >= 15, "axe checked {checked} pages");
            assert!(
                problems.is_empty(),
                "axe found serious or critical violations on {} of {checked} pages:\n{}",
                problems.len(),
                problems.join("\n")
            );
            Ok(())
        })
        .await;
}

/// From the home page, taps the first link matching `target`; when home has none, taps `via`
/// first. Returns the number of taps it took (at most two) and saves a screenshot.
async fn reach(
    d: &WebDriver,
    app: &TestApp,
    via: &str,
    target: &str,
    name: &str,
) -> WebDriverResult<usize> {
    d.goto(app.url("/")).await?;
    let mut taps = 0;
    let direct = d.find_all(By::Css(format!("main {target}"))).await?;
    if direct.is_empty() {
        let step = d.query(By::Css(via)).desc(name).first().await?;
        click_and_leave(&step).await?;
        taps += 1;
    }
    let link = d
        .query(By::Css(format!("main {target}")))
        .desc(name)
        .first()
        .await?;
    click_and_leave(&link).await?;
    taps += 1;
    d.query(By::Css("html.large"))
        .desc("大字 stays on")
        .first()
        .await?;
    shot(d, name).await?;
    Ok(taps)
}

/// The committee starts the owner's unit's retrofit, saves a plan with the preset
/// coefficients, fixes the share table and says where and by when to pay: her bill exists.
async fn bill_the_owners_unit(app: &TestApp) {
    let committee = app.token("committee").await;
    let owner = app.token("owner").await;
    let c = app.persona_place("committee");
    let home = app.persona_place("owner");
    let (_, h) = app
        .api(&owner, Method::GET, &format!("/households/{home}"), None)
        .await;
    let unit = h["household"]["unit_id"].as_i64().unwrap();
    let (s, p) = app
        .api(
            &committee,
            Method::POST,
            &format!("/compounds/{c}/elevators"),
            Some(json!({"unit_id": unit})),
        )
        .await;
    assert_eq!(s, 201, "{p}");
    let id = p["id"].as_i64().unwrap();
    let coefficients: Vec<serde_json::Value> = p["coefficients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| json!({"floor": r["floor"], "percent": r["percent"]}))
        .collect();
    let (s, p) = app.api(&committee, Method::PUT, &format!("/elevators/{id}/plan"), Some(json!({"version": p["version"], "responsible": "老周", "total_cost": "458000", "subsidy_preset": "shanghai", "coefficients": coefficients}))).await;
    assert_eq!(s, 200, "{p}");
    let pay_by = (app.today() + time::Duration::days(30)).to_string();
    let (s, p) = app.api(&committee, Method::PUT, &format!("/elevators/{id}/paperwork"), Some(json!({"version": p["version"], "pay_by": pay_by, "office": "1栋1单元101 业委会办公室，周六 9–11 点", "contact": "老周 13800000000"}))).await;
    assert_eq!(s, 200, "{p}");
    let (s, p) = app
        .api(
            &committee,
            Method::POST,
            &format!("/elevators/{id}/shares/fix"),
            Some(json!({"version": p["version"]})),
        )
        .await;
    assert_eq!(s, 200, "{p}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_reaches_her_vote_bill_and_report_form_within_two_taps() {
    let app = TestApp::spawn_demo(Backend::Sqlite).await;
    bill_the_owners_unit(&app).await;
    let app = std::sync::Arc::new(app);
    let a = app.clone();
    Chromium::start()
        .await
        .run(|d| async move {
            sign_in(&d, &a, "owner", false).await?;
            large_text(&d, &a).await?;
            d.goto(a.url("/")).await?;
            shot(&d, "owner-path-1-home").await?;
            let vote = reach(
                &d,
                &a,
                "main a[href^='/households/']",
                "a[href^='/proposals/']",
                "owner-path-2-vote",
            )
            .await?;
            d.query(By::Css(".vote-buttons button"))
                .desc("the buttons to vote")
                .first()
                .await?;
            let bill = reach(
                &d,
                &a,
                "main a[href^='/households/']",
                "a[href*='/bills/']",
                "owner-path-3-bill",
            )
            .await?;
            d.query(By::Css("section.ev-bill .pay-terms"))
                .desc("the bill's paying terms")
                .first()
                .await?;
            // The share table beside it: on a phone each flat is a card, 已缴 and 未缴 on screen.
            let table = d
                .query(By::Css("main a[href$='/shares']"))
                .desc("the link to the share table")
                .first()
                .await?;
            click_and_leave(&table).await?;
            shot(&d, "owner-path-3-shares").await?;
            let labels = d
                .find_all(By::Css("#share-table tbody td[data-label]"))
                .await?;
            assert!(
                !labels.is_empty(),
                "the share table's cells carry their headers"
            );
            for cell in d
                .find_all(By::Css("#share-table tbody tr:first-child td"))
                .await?
            {
                assert!(cell.is_displayed().await?, "every value of a flat is shown");
                let right = cell.rect().await?;
                assert!(
                    right.x + right.width <= f64::from(PHONE_WIDTH) + 0.5,
                    "no value is off-screen"
                );
            }
            let report = reach(
                &d,
                &a,
                "header a[href='/requests']",
                "a#report, a[href$='/requests/new']",
                "owner-path-4-report",
            )
            .await?;
            d.query(By::Css("main form, main a.button.big"))
                .desc("the report form")
                .first()
                .await?;
            assert!(
                vote <= 2 && bill <= 2 && report <= 2,
                "taps from home: vote {vote}, bill {bill}, report {report}"
            );
            Ok(())
        })
        .await;
}
