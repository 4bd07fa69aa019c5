//! The browser test of the civility rating: four scorers, one from each party, fill
//! their sheets on the phone page by tapping deductions; the committee closes the month; the
//! red flags go to the top eligible units and show on the month page and on the printable
//! notice. After each sheet the scorer's next unit opens; the sheet has one tap per line.
//! Headless Chromium at phone size; screenshots under /tmp/linli-shots/rating-*.png.
//! Needs `LINLI_WEBDRIVER_URL` and `LINLI_CHROME_BIN` (scripts/test sets both).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use crate::common::browser as kit;
use crate::common::rating as rating_kit;

use common::{Backend, TestApp};
use kit::*;
use reqwest::Method;
use serde_json::Value;
use thirtyfour::prelude::*;

/// The committee adopts the 南国新家园 rubric, seats the four parties and opens 2024-05,
/// with the setup `tests/ratings.rs` uses. Returns the month's id and its units.
async fn open_month(app: &TestApp) -> (i64, Vec<(i64, String)>) {
    let committee = app.token("committee").await;
    let compound = app.persona_place("committee");
    rating_kit::adopt_preset(app, &committee, compound, "2024-04").await;
    rating_kit::seat_panel(app, &committee, compound).await;
    let m = rating_kit::open_month(app, &committee, compound, "2024-05").await;
    let units = m["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["unit_id"].as_i64().unwrap(),
                u["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (m["id"].as_i64().unwrap(), units)
}

/// On the month page, taps the unit's "score" button, ticks `taps` on the sheet and submits.
async fn score(
    d: &WebDriver,
    app: &TestApp,
    month: i64,
    unit: i64,
    taps: &[&str],
    shot_name: Option<&str>,
) -> WebDriverResult<()> {
    d.goto(app.url(&format!("/rating/months/{month}"))).await?;
    let link = d
        .query(By::Css(format!(
            "ul.big-links a[href='/rating/months/{month}/score/{unit}']"
        )))
        .desc("the unit's button in the list of units to score")
        .single()
        .await?;
    click_and_leave(&link).await?;
    d.query(By::Css("form.sheet"))
        .desc("the scoring sheet")
        .single()
        .await?;
    for tap in taps {
        let item = d
            .query(By::Css(format!(
                "input[type='checkbox'][name='item_{tap}']"
            )))
            .desc("a deduction to tap")
            .single()
            .await?;
        item.scroll_into_view().await?;
        item.click().await?;
        assert!(item.is_selected().await?, "{tap} is ticked after the tap");
    }
    if let Some(name) = shot_name {
        // One tap per line: no two items of the sheet share a row.
        let mut tops = Vec::new();
        for l in d
            .query(By::Css("form.sheet label.tap"))
            .all_from_selector()
            .await?
        {
            tops.push(l.rect().await?.y as i64);
        }
        let mut unique = tops.clone();
        unique.dedup();
        assert_eq!(
            unique.len(),
            tops.len(),
            "each checkbox on its own line: {tops:?}"
        );
        shot(d, name).await?;
    }
    let submit = d
        .query(By::Css("form.sheet button[type='submit']"))
        .desc("the submit button of the sheet")
        .single()
        .await?;
    click_and_leave(&submit).await?;
    // The next unit still to score opens (or the month, when none is left), saying the sheet was saved.
    let path = d.current_url().await?.path().to_string();
    assert!(
        path == format!("/rating/months/{month}")
            || path.starts_with(&format!("/rating/months/{month}/score/")),
        "{path}"
    );
    let saved = d
        .query(By::Css("p.notice-ok"))
        .desc("the confirmation of the sheet")
        .single()
        .await?
        .text()
        .await?;
    assert!(saved.contains("已提交评分表"), "{saved}");
    if path != format!("/rating/months/{month}") {
        d.query(By::Css("form.sheet"))
            .desc("the next unit's sheet")
            .single()
            .await?;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_scorers_submit_on_the_phone_the_month_closes_and_the_notice_prints_the_flags() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let app = &app;
    let (month, units) = open_month(app).await;
    let own = app.persona_place("unithead");
    // Three units none of the scorers lives in as unit head: a clean one, one with a piece of
    // litter, one with flying-lead charging (a veto).
    let picked: Vec<&(i64, String)> = units.iter().filter(|(u, _)| *u != own).take(3).collect();
    let [
        (clean, clean_name),
        (litter, litter_name),
        (veto, veto_name),
    ] = picked[..]
    else {
        panic!("three units: {units:?}")
    };
    let (clean, litter, veto) = (*clean, *litter, *veto);
    Chromium::start()
        .await
        .run(|d| async move {
            for (i, (login, _party)) in rating_kit::PANEL.into_iter().enumerate() {
                sign_in(&d, app, login, false).await?;
                let first = (i == 0).then_some("rating-sheet");
                score(&d, app, month, clean, &[], first).await?;
                score(
                    &d,
                    app,
                    month,
                    litter,
                    if login == "worker" { &["litter"] } else { &[] },
                    None,
                )
                .await?;
                score(
                    &d,
                    app,
                    month,
                    veto,
                    if login == "buildinghead" {
                        &["flying_lead"]
                    } else {
                        &[]
                    },
                    None,
                )
                .await?;
                // What they scored leaves their list; the unit head never sees their own unit.
                d.goto(app.url(&format!("/rating/months/{month}"))).await?;
                let left: Vec<String> = {
                    let mut v = Vec::new();
                    for a in d
                        .query(By::Css("ul.big-links a"))
                        .all_from_selector()
                        .await?
                    {
                        v.push(a.attr("href").await?.unwrap_or_default());
                    }
                    v
                };
                for u in [clean, litter, veto] {
                    assert!(
                        !left.iter().any(|h| h.ends_with(&format!("/score/{u}"))),
                        "{login}: unit {u} is scored"
                    );
                }
                if login == "unithead" {
                    assert!(
                        !left.iter().any(|h| h.ends_with(&format!("/score/{own}"))),
                        "the unit head may not score their own unit"
                    );
                }
                if i == 0 {
                    shot(&d, "rating-month-scoring").await?;
                }
                sign_out(&d).await?;
            }

            // The committee closes the month (the other units were not scored: a reason).
            sign_in(&d, app, "committee", false).await?;
            d.goto(app.url(&format!("/rating/months/{month}"))).await?;
            let reason = d
                .query(By::Id("reason"))
                .desc("the reason for closing")
                .single()
                .await?;
            reason.send_keys("其余单元本月未组织评分").await?;
            let close = d
                .query(By::Css(format!(
                    "form[action='/rating/months/{month}/close'] button[type='submit']"
                )))
                .desc("the close button")
                .single()
                .await?;
            click_confirmed(&d, &close).await?;
            d.query(By::Css("span.tag"))
                .with_text("已结束")
                .desc("the month is closed")
                .first()
                .await?;
            shot(&d, "rating-month-closed").await?;

            // The flags: the clean unit and the one with litter; the vetoed unit is out.
            let flagged: Vec<String> = {
                let mut v = Vec::new();
                for f in d.query(By::Css("strong.flag")).all_from_selector().await? {
                    let row = f.query(By::XPath("./ancestor::tr")).single().await?;
                    v.push(row.text().await?);
                }
                v
            };
            assert_eq!(flagged.len(), 2, "two flagged units: {flagged:?}");
            assert!(
                flagged
                    .iter()
                    .any(|r| r.contains(clean_name.as_str()) && r.contains("100.0")),
                "{clean_name} has a flag with 100.0: {flagged:?}"
            );
            assert!(
                flagged
                    .iter()
                    .any(|r| r.contains(litter_name.as_str()) && r.contains("98.8")),
                "{litter_name} has a flag with 98.8: {flagged:?}"
            );
            assert!(
                !flagged.iter().any(|r| r.contains(veto_name.as_str())),
                "the vetoed unit has no flag: {flagged:?}"
            );
            let veto_row = d
                .query(By::Css(format!(
                    "a[href='/rating/months/{month}/units/{veto}']"
                )))
                .single()
                .await?
                .query(By::XPath("./ancestor::tr"))
                .single()
                .await?
                .text()
                .await?;
            assert!(
                veto_row.contains("一票否决") && veto_row.contains("飞线充电"),
                "the veto is explained: {veto_row}"
            );

            // The printable notice names the flagged units.
            let notice = d
                .query(By::Css(format!("a[href='/rating/months/{month}/notice']")))
                .desc("the notice button")
                .single()
                .await?;
            click_and_leave(&notice).await?;
            let outcome = d
                .query(By::Css("section.notice p.outcome"))
                .desc("the notice's flag line")
                .single()
                .await?
                .text()
                .await?;
            assert!(outcome.contains("流动红旗"), "{outcome}");
            assert!(
                outcome.contains(&format!("{clean_name}（100.0）")),
                "{outcome}"
            );
            assert!(
                outcome.contains(&format!("{litter_name}（98.8）")),
                "{outcome}"
            );
            assert!(!outcome.contains(veto_name.as_str()), "{outcome}");
            d.query(By::Css("button[data-print]"))
                .desc("the print button")
                .single()
                .await?;
            shot(&d, "rating-notice").await?;

            // The rating's page offers the committee the form to adopt a new rubric version,
            // prefilled with the version in force, and fits a phone.
            d.goto(app.url(&format!(
                "/compounds/{}/rating",
                app.persona_place("committee")
            )))
            .await?;
            let json = d
                .query(By::Id("rubric_json"))
                .desc("the rubric JSON of the new-version form")
                .single()
                .await?
                .value()
                .await?
                .unwrap_or_default();
            assert!(
                json.contains("flying_lead"),
                "the textarea holds the current rubric"
            );
            d.query(By::Id("proposal_id"))
                .with_tag("select")
                .desc("the passed proposal to cite")
                .single()
                .await?;
            shot(&d, "rating-index").await?;
            Ok(())
        })
        .await;

    // The same month through the API: every party submitted for the three units.
    let token = app.token("committee").await;
    let (_, m) = app
        .api(
            &token,
            Method::GET,
            &format!("/rating/months/{month}"),
            None,
        )
        .await;
    let unit = |id: i64| -> Value {
        m["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["unit_id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(m["status"], "closed");
    for u in [clean, litter, veto] {
        assert_eq!(unit(u)["sheets"], 4, "four sheets for unit {u}");
    }
    assert_eq!(unit(veto)["no_flag"], "veto");
}
