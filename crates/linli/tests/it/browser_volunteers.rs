//! The volunteer rota on a phone: the volunteer taps "I'll take it" on a free turn, asks the
//! unit head to swap it for one of theirs, the unit head accepts on their phone, and the
//! volunteer checks in on a turn of today; the printed rota. Headless Chromium at phone size,
//! with screenshots under /tmp/linli-shots/volunteer-*.png (and no sideways scrolling).
//! Needs `LINLI_WEBDRIVER_URL` and `LINLI_CHROME_BIN` (scripts/test sets both).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use crate::common::browser as kit;

use common::{Backend, TestApp};
use kit::*;
use reqwest::Method;
use serde_json::json;
use thirtyfour::prelude::*;
use time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_volunteer_takes_swaps_and_checks_in_on_the_phone() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let app = &app;
    let c = app.persona_place("committee");
    let committee = app.token("committee").await;
    let (_, list) = app
        .api(
            &committee,
            Method::GET,
            &format!("/compounds/{c}/volunteer-stations"),
            None,
        )
        .await;
    let s = list["stations"][0]["id"].as_i64().unwrap();
    // A Thursday shift of its own, two or more days ahead, so the turn can still be swapped.
    let (_, sh) = app
        .api(
            &committee,
            Method::POST,
            &format!("/volunteer-stations/{s}/shifts"),
            Some(json!({"weekday": "4", "start": "18:00", "end": "20:00", "capacity": "1"})),
        )
        .await;
    let shift = sh["id"].as_i64().unwrap();
    // 14:00 on the suite's day: today's turn below (14:10–14:40) never meets a demo turn.
    let china = app
        .today()
        .with_hms(14, 0, 0)
        .unwrap()
        .assume_offset(time::macros::offset!(+8));
    app.clock().set(china.unix_timestamp());
    let mut day = china.date() + Duration::days(2);
    // …and a week later still in the same month, so both show on one month's page.
    while day.weekday() != time::Weekday::Thursday
        || (day + Duration::days(7)).month() != day.month()
    {
        day += Duration::days(1);
    }
    let month = format!("{}-{:02}", day.year(), u8::from(day.month()));
    // The unit head's turn to swap with: the same Thursday shift a week later.
    let unithead = app.token("unithead").await;
    let later = (day + Duration::days(7)).to_string();
    let (st, theirs) = app
        .api(
            &unithead,
            Method::POST,
            &format!("/volunteer-stations/{s}/signups"),
            Some(json!({"shift_id": shift, "day": later})),
        )
        .await;
    assert_eq!(st, 201, "{theirs}");
    // Today's turn starting in ten minutes.
    let today_turn = {
        let wd = china.weekday().number_from_monday().to_string();
        let (_, t) = app
            .api(
                &committee,
                Method::POST,
                &format!("/volunteer-stations/{s}/shifts"),
                Some(json!({"weekday": wd, "start": "14:10", "end": "14:40", "capacity": "1"})),
            )
            .await;
        let volunteer = app.token("volunteer").await;
        let (st, turn) = app
            .api(
                &volunteer,
                Method::POST,
                &format!("/volunteer-stations/{s}/signups"),
                Some(json!({"shift_id": t["id"], "day": china.date().to_string()})),
            )
            .await;
        assert_eq!(st, 201, "{turn}");
        (
            turn["signup_id"].as_i64().unwrap(),
            format!("{}-{:02}", china.year(), u8::from(china.month())),
        )
    };
    let page = format!("/volunteer-stations/{s}?month={month}");
    Chromium::start()
        .await
        .run(|d| async move {
            sign_in(&d, app, "volunteer", false).await?;
            d.goto(app.url(&page)).await?;
            let take = d
                // This shift's form: on a Thursday suite day, today's turn is a Thursday shift too.
                .query(By::Css(format!("td#day-{day} form[action='/volunteer-stations/{s}/signups']:has(input[name='shift_id'][value='{shift}']) button")))
                .desc("the take button of the free Thursday turn")
                .single()
                .await?;
            click_and_leave(&take).await?;
            let mine = d.query(By::Css("#my-turns .vo-turn")).with_text(text(&day.to_string())).desc("the turn just taken among my turns").first().await?;
            let card = mine.attr("id").await?.unwrap();
            let signup = card.trim_start_matches("turn-").to_string();
            shot(&d, "volunteer-rota").await?;
            // Ask the unit head to swap: choose their turn and send.
            choose(&d, &format!("swap-{signup}"), &theirs["signup_id"].to_string()).await?;
            let ask = d.query(By::Css(format!("#{card} form[action='/volunteer-signups/{signup}/swap'] button"))).desc("the ask-to-swap button").single().await?;
            click_and_leave(&ask).await?;
            d.query(By::Css("#swaps")).desc("the open swap request").single().await?;
            sign_out(&d).await?;

            sign_in(&d, app, "unithead", false).await?;
            d.goto(app.url(&page)).await?;
            let accept = d.query(By::Css("#swaps form input[value='accept'] + button")).desc("the accept button").single().await?;
            shot(&d, "volunteer-swap").await?;
            click_and_leave(&accept).await?;
            let cell = d.query(By::Css(format!("td#day-{day}"))).single().await?;
            assert!(cell.text().await?.contains("单元长 赵阿姨"), "after the swap the unit head is on the first Thursday");
            sign_out(&d).await?;

            {
                let (turn, this_month) = today_turn;
                sign_in(&d, app, "volunteer", false).await?;
                d.goto(app.url(&format!("/volunteer-stations/{s}?month={this_month}"))).await?;
                let check = d.query(By::Css(format!("form[action='/volunteer-signups/{turn}/checkin'] button"))).desc("the check-in button").single().await?;
                click_and_leave(&check).await?;
                let card = d.query(By::Id(format!("turn-{turn}"))).single().await?;
                assert!(card.text().await?.contains("已签到"), "checked in");
                shot(&d, "volunteer-checkin").await?;
            }
            d.goto(app.url(&format!("/volunteer-stations/{s}/print?month={month}"))).await?;
            d.query(By::Css("section.vo-print table")).desc("the printed rota").single().await?;
            shot(&d, "volunteer-print").await?;
            Ok(())
        })
        .await;
}
