//! The committee's and the scorer's paths on a small phone (390 × 844) in 大字 mode: a ballot
//! recorded for a flat by typing its room as people say it, then changed by picking the flat
//! from the building → unit → room lists, the vote closed and its notice printed; a scorer's
//! month with the units left as large buttons first, and the next unit opening after a sheet.
//! Screenshots under /tmp/linli-shots/phone-*.png.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use crate::common::browser as kit;
use crate::common::rating as rating_kit;

use common::{Backend, TestApp};
use kit::*;
use reqwest::Method;
use serde_json::json;
use thirtyfour::prelude::*;

/// A vote of the owner's unit, open until tomorrow: (proposal, unit).
async fn open_unit_vote(app: &TestApp, title: &str) -> (i64, i64) {
    let (id, unit, _) = crate::forms::in_deliberation(app, title).await;
    let committee = app.token("committee").await;
    let tomorrow = app.today().next_day().unwrap().to_string();
    let (s, p) = app
        .api(
            &committee,
            Method::POST,
            &format!("/proposals/{id}/voting"),
            Some(json!({"deadline": tomorrow, "confirm_ownerless": true})),
        )
        .await;
    assert_eq!(s, 200, "{p}");
    (id, unit)
}

/// Turns on 大字 for this browser, from the page it is on.
async fn large_text(d: &WebDriver) -> WebDriverResult<()> {
    let large = d
        .query(By::Css("header a.large-switch"))
        .with_text("大字")
        .desc("the 大字 link in the header")
        .single()
        .await?;
    click_and_leave(&large).await?;
    d.query(By::Css("html.large"))
        .desc("大字 is on")
        .single()
        .await?;
    Ok(())
}

/// Ticks the radio button of `choice` on the ballot form and saves it.
async fn save_ballot(d: &WebDriver, choice: &str, shot_name: &str) -> WebDriverResult<()> {
    let radio = d
        .query(By::Css(format!(
            "input[type='radio'][name='choice'][value='{choice}']"
        )))
        .single()
        .await?;
    radio.scroll_into_view().await?;
    radio.click().await?;
    choose(d, "method", "remote").await?;
    let witness = d.query(By::Id("witness")).single().await?;
    witness.clear().await?;
    witness.send_keys("王阿姨").await?;
    shot(d, shot_name).await?;
    let save = d.query(By::Id("save-ballot")).single().await?;
    click_and_leave(&save).await?;
    d.query(By::Css("p[role='status']"))
        .desc("the confirmation that the ballot was saved")
        .first()
        .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_committee_records_a_ballot_by_room_on_a_small_phone_changes_it_closes_and_prints() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let app = &app;
    let (id, unit) = open_unit_vote(app, "单元楼道粉刷").await;
    let flat = app
        .sql_i64(&format!(
            "SELECT id FROM household WHERE unit_id = {unit} AND room = '101'"
        ))
        .await;
    let choice_of = format!(
        "SELECT CASE b.choice WHEN 'yes' THEN 1 WHEN 'no' THEN 2 ELSE 3 END FROM ballot b JOIN elector_household eh \
         ON eh.proposal_id = b.proposal_id AND eh.voter_key = b.voter_key WHERE b.proposal_id = {id} AND eh.household_id = {flat}"
    );
    let (w, h) = SMALL_PHONE;
    Chromium::start_at(w, h)
        .await
        .run(|d| async move {
            sign_in(&d, app, "committee", false).await?;
            large_text(&d).await?;

            // By the room as people say it.
            d.goto(app.url(&format!("/proposals/{id}/record"))).await?;
            let room = d
                .query(By::Id("room"))
                .desc("the room field")
                .single()
                .await?;
            room.send_keys("1栋1单元101").await?;
            save_ballot(&d, "yes", "phone-record-ballot-room").await?;
            assert_eq!(
                d.current_url().await?.path(),
                format!("/proposals/{id}/knock")
            );
            shot(&d, "phone-knock-after-ballot").await?;
            assert_eq!(app.sql_i64(&choice_of).await, 1, "recorded as yes");

            // Changed, the flat picked from the lists: building, then unit, then room.
            d.goto(app.url(&format!("/proposals/{id}/record"))).await?;
            let building = d
                .query(By::Id("household_id-building"))
                .desc("the building list the picker adds")
                .single()
                .await?;
            let unit_list = d
                .query(By::Id("household_id-unit"))
                .desc("the unit list the picker adds")
                .single()
                .await?;
            assert_eq!(
                building.attr("id").await?.as_deref(),
                Some("household_id-building")
            );
            choose(&d, "household_id-building", "1栋").await?;
            let units = unit_list.find_all(By::Css("option")).await?;
            let mut first_unit = None;
            for o in &units {
                if o.text().await? == "1单元" {
                    first_unit = o.value().await?;
                }
            }
            choose(
                &d,
                "household_id-unit",
                &first_unit.expect("1单元 among the units of 1栋"),
            )
            .await?;
            choose(&d, "household_id", &flat.to_string()).await?;
            save_ballot(&d, "no", "phone-record-ballot-picker").await?;
            assert_eq!(app.sql_i64(&choice_of).await, 2, "changed to no");

            // Closed from the proposal page, then its notice printed.
            d.goto(app.url(&format!("/proposals/{id}"))).await?;
            let tick = d
                .query(By::Css("form[action$='/close'] input[name='confirm']"))
                .single()
                .await?;
            tick.scroll_into_view().await?;
            tick.click().await?;
            let close = d.query(By::Id("close-voting")).single().await?;
            click_confirmed(&d, &close).await?;
            shot(&d, "phone-vote-closed").await?;
            d.goto(app.url(&format!("/proposals/{id}/notice"))).await?;
            d.query(By::Css("h1")).first().await?;
            shot(&d, "phone-vote-notice").await?;
            Ok(())
        })
        .await;
    let closed = app
        .sql_i64(&format!(
            "SELECT COUNT(*) FROM proposal WHERE id = {id} AND closed_at IS NOT NULL"
        ))
        .await;
    assert_eq!(closed, 1, "the vote is closed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scorer_on_a_small_phone_sees_the_units_left_first_and_the_next_opens() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let app = &app;
    let committee = app.token("committee").await;
    let compound = app.persona_place("committee");
    rating_kit::adopt_preset(app, &committee, compound, "2024-04").await;
    rating_kit::seat_panel(app, &committee, compound).await;
    let m = rating_kit::open_month(app, &committee, compound, "2024-05").await;
    let month = m["id"].as_i64().unwrap();
    let (scorer, _) = rating_kit::PANEL[0];
    let (w, h) = SMALL_PHONE;
    Chromium::start_at(w, h)
        .await
        .run(|d| async move {
            sign_in(&d, app, scorer, false).await?;
            large_text(&d).await?;
            d.goto(app.url(&format!("/rating/months/{month}"))).await?;
            // The units left come first, as large buttons, before the month's table.
            let buttons = d
                .query(By::Css("ul.big-links a.button"))
                .all_from_selector()
                .await?;
            assert!(buttons.len() > 1, "units to score: {}", buttons.len());
            let first = buttons[0].rect().await?;
            assert!(first.height >= 64.0, "a large button: {}px", first.height);
            let table = d.query(By::Css("table.list")).first().await?.rect().await?;
            assert!(first.y < table.y, "the buttons come before the table");
            shot(&d, "phone-scorer-month").await?;
            let left = buttons.len();
            let href = buttons[0].attr("href").await?.unwrap();
            click_and_leave(&buttons[0]).await?;
            assert_eq!(d.current_url().await?.path(), href);
            let submit = d
                .query(By::Css("form.sheet button[type='submit']"))
                .single()
                .await?;
            shot(&d, "phone-scorer-sheet").await?;
            click_and_leave(&submit).await?;
            // The next unit opens, with the confirmation.
            let path = d.current_url().await?.path().to_string();
            assert!(
                path.starts_with(&format!("/rating/months/{month}/score/")) && path != href,
                "{path}"
            );
            d.query(By::Css("form.sheet"))
                .desc("the next unit's sheet")
                .single()
                .await?;
            d.query(By::Css("p.notice-ok"))
                .desc("the sheet's confirmation")
                .single()
                .await?;
            shot(&d, "phone-scorer-next-unit").await?;
            d.goto(app.url(&format!("/rating/months/{month}"))).await?;
            let now = d
                .query(By::Css("ul.big-links a.button"))
                .all_from_selector()
                .await?
                .len();
            assert_eq!(now, left - 1, "the scored unit left the list");
            Ok(())
        })
        .await;
}
