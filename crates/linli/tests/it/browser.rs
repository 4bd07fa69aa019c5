//! Browser tests: the real server on SQLite, driven through headless Chromium at phone size
//! (412 × 915) by chromedriver, clicking links and filling forms as a person would.
//!
//! Needs `LINLI_WEBDRIVER_URL` (a chromedriver) and `LINLI_CHROME_BIN`; `scripts/test` starts
//! chromedriver and sets both. Without them the tests fail: a suite must never skip.
//!
//! Every page visited is saved as a PNG under /tmp/linli-shots/ (`NAME.png`: the first screen
//! a phone shows; `NAME-full.png`: the whole page) so people can look at them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use crate::common::browser as kit;

use common::{Backend, TestApp};
use kit::*;
use thirtyfour::prelude::*;

/// The browser test: a committee member finds a household by clicking through the
/// compound, building and unit, corrects its area, and sees the change and its audit entry.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn committee_member_corrects_a_household_area_by_clicking_through() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let app = &app;
    Chromium::start()
        .await
        .run(|d| async move {
            sign_in(&d, app, "committee", true).await?;
            assert_eq!(
                html_attr(&d, "lang").await?.as_deref(),
                Some("zh-CN"),
                "the pages are in Chinese"
            );
            d.query(By::Tag("h2"))
                .with_text("我负责的地方")
                .desc("the heading of my places")
                .first()
                .await?;
            shot(&d, "home").await?;

            // Home → the compound.
            let compound = d
                .query(By::Css("ul.cards a"))
                .with_text(text("纹江花园"))
                .desc("the link to 纹江花园 on the home page")
                .first()
                .await?;
            click_and_leave(&compound).await?;
            d.query(By::Tag("h1"))
                .with_text(text("纹江花园"))
                .desc("the compound's heading")
                .single()
                .await?;
            assert_eq!(html_attr(&d, "lang").await?.as_deref(), Some("zh-CN"));
            shot(&d, "compound").await?;

            // Compound → its first building.
            let building = d
                .query(By::Css("table.list tbody a[href^='/buildings/']"))
                .desc("a building of 纹江花园")
                .first()
                .await?;
            let building_name = building.text().await?;
            click_and_leave(&building).await?;
            d.query(By::Tag("h1"))
                .with_text(building_name.clone())
                .desc("the building's heading")
                .single()
                .await?;
            shot(&d, "building").await?;

            // Building → its first unit.
            let unit = d
                .query(By::Css("ul.cards a[href^='/units/']"))
                .desc("a unit of the building")
                .first()
                .await?;
            click_and_leave(&unit).await?;
            d.query(By::Css("nav.crumbs a"))
                .with_text(building_name.clone())
                .desc("the unit's breadcrumb to its building")
                .first()
                .await?;
            shot(&d, "unit").await?;

            // Unit → its first household.
            let household = d
                .query(By::Css("table.list tbody a[href^='/households/']"))
                .desc("a household of the unit")
                .first()
                .await?;
            click_and_leave(&household).await?;
            let area = d
                .query(By::Id("area"))
                .desc("the household's area")
                .single()
                .await?;
            let old_area = area.text().await?;
            assert!(
                !old_area.trim().is_empty(),
                "the household page shows an area"
            );
            d.query(By::Id("history"))
                .desc("the household's history section")
                .single()
                .await?;
            shot(&d, "household").await?;
            let household_url = d.current_url().await?;

            // Household → its edit form.
            let edit = d
                .query(By::Css("p.actions a.button[href$='/edit']"))
                .with_text("修改")
                .desc("the 修改 button")
                .single()
                .await?;
            click_and_leave(&edit).await?;
            let field = d
                .query(By::Id("area"))
                .with_tag("input")
                .desc("the area field of the edit form")
                .single()
                .await?;
            let current = field.value().await?.unwrap_or_default();
            assert_eq!(
                current,
                old_area.trim(),
                "the edit form starts from the current area"
            );
            let new_area = if current == "66.66" { "77.77" } else { "66.66" };
            shot(&d, "household-edit").await?;
            field.clear().await?;
            field.send_keys(new_area).await?;
            let save = d
                .query(By::Css("form.stack button[type='submit']"))
                .with_text("保存")
                .desc("the 保存 button")
                .single()
                .await?;
            click_and_leave(&save).await?;

            // Back on the household page: the new area and the audit entry.
            let area = d
                .query(By::Css("dd#area"))
                .desc("the household's area after saving")
                .single()
                .await?;
            assert_eq!(
                d.current_url().await?,
                household_url,
                "saving returns to the household page"
            );
            assert_eq!(
                area.text().await?.trim(),
                new_area,
                "the household page shows the new area"
            );
            let history = d
                .query(By::Id("history"))
                .desc("the history section")
                .single()
                .await?;
            assert_eq!(history.text().await?, "变更记录");
            let entry = d
                .query(By::Css("#history + ol.history > li"))
                .desc("the newest history entry")
                .first()
                .await?;
            let entry_text = entry.text().await?;
            assert!(
                entry_text.contains("修改住户"),
                "the newest history entry is the edit: {entry_text}"
            );
            assert!(
                entry_text.contains("刘主任"),
                "the history names who made the change: {entry_text}"
            );
            assert!(
                entry_text.contains(new_area),
                "the history shows the new area {new_area}: {entry_text}"
            );
            assert_eq!(html_attr(&d, "lang").await?.as_deref(), Some("zh-CN"));
            shot(&d, "household-after-edit").await?;
            Ok(())
        })
        .await;
}

/// An elderly resident turns on large text, which stays on from page to page, and then
/// switches the language to English.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resident_turns_on_large_text_and_switches_to_english() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let app = &app;
    Chromium::start()
        .await
        .run(|d| async move {
            sign_in(&d, app, "resident", false).await?;
            assert_eq!(
                html_attr(&d, "class").await?,
                None,
                "text is normal size at first"
            );
            let root_font =
                "return parseFloat(getComputedStyle(document.documentElement).fontSize)";
            let normal = js_i64(&d, &format!("{root_font} | 0")).await?;

            let large = d
                .query(By::Css("header a.large-switch"))
                .with_text("大字")
                .desc("the 大字 link in the header")
                .single()
                .await?;
            click_and_leave(&large).await?;
            d.query(By::Css("html.large"))
                .desc("<html class=\"large\"> after choosing 大字")
                .single()
                .await?;
            let bigger = js_i64(&d, &format!("{root_font} | 0")).await?;
            assert!(
                bigger > normal,
                "大字 makes the text larger: {bigger}px, was {normal}px"
            );
            assert_eq!(
                d.current_url().await?.path(),
                "/",
                "the switch returns to the page it was used on"
            );
            d.query(By::Css("header a.large-switch"))
                .with_text("正常字号")
                .desc("the way back to normal text")
                .single()
                .await?;
            shot(&d, "home-large").await?;

            // The next page is large too: her home.
            let home = d
                .query(By::Css("ul.cards a[href^='/households/']"))
                .desc("the resident's household on the home page")
                .first()
                .await?;
            click_and_leave(&home).await?;
            d.query(By::Id("area"))
                .desc("the household page")
                .single()
                .await?;
            assert_eq!(
                html_attr(&d, "class").await?.as_deref(),
                Some("large"),
                "large text stays on for the next page"
            );
            shot(&d, "household-large").await?;

            // English, still large.
            let english = d
                .query(By::Css("header a[lang='en']"))
                .with_text("English")
                .desc("the English link in the header")
                .single()
                .await?;
            let path = d.current_url().await?.path().to_string();
            click_and_leave(&english).await?;
            d.query(By::Css("html[lang='en']"))
                .desc("<html lang=\"en\"> after choosing English")
                .single()
                .await?;
            assert_eq!(
                d.current_url().await?.path(),
                path,
                "the switch returns to the same page"
            );
            let h1 = d
                .query(By::Tag("h1"))
                .desc("the household heading")
                .single()
                .await?
                .text()
                .await?;
            assert!(
                h1.starts_with("Household"),
                "the heading is in English: {h1}"
            );
            d.query(By::Tag("h2"))
                .with_text("Owners")
                .desc("the Owners heading in English")
                .single()
                .await?;
            assert_eq!(
                html_attr(&d, "class").await?.as_deref(),
                Some("large"),
                "large text stays on in English"
            );
            d.query(By::Css("header a[lang='zh-CN']"))
                .with_text("中文")
                .desc("the way back to Chinese")
                .single()
                .await?;
            shot(&d, "household-large-en").await?;
            Ok(())
        })
        .await;
}

/// A wrong area is refused with a message naming the field, the field is marked, and nothing
/// is saved.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_negative_area_is_refused_with_a_clear_message() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let app = &app;
    let household = app.persona_place("owner");
    Chromium::start()
        .await
        .run(|d| async move {
            sign_in(&d, app, "committee", false).await?;
            d.goto(app.url(&format!("/households/{household}"))).await?;
            let old_area = d
                .query(By::Id("area"))
                .desc("the household's area")
                .single()
                .await?
                .text()
                .await?;

            let edit = d
                .query(By::Css("p.actions a.button[href$='/edit']"))
                .desc("the 修改 button")
                .single()
                .await?;
            click_and_leave(&edit).await?;
            let field = d
                .query(By::Id("area"))
                .with_tag("input")
                .desc("the area field")
                .single()
                .await?;
            assert_eq!(
                field.attr("aria-invalid").await?,
                None,
                "the field is not marked before submitting"
            );
            field.clear().await?;
            field.send_keys("-5").await?;
            let save = d
                .query(By::Css("form.stack button[type='submit']"))
                .desc("the 保存 button")
                .single()
                .await?;
            click_and_leave(&save).await?;

            let alert = d
                .query(By::Css("[role='alert']"))
                .desc("the error message")
                .single()
                .await?;
            let message = alert.text().await?;
            assert!(
                message.contains("专有面积"),
                "the error names the field 专有面积: {message}"
            );
            let field = d
                .query(By::Id("area"))
                .with_tag("input")
                .desc("the area field, shown again")
                .single()
                .await?;
            assert_eq!(
                field.attr("aria-invalid").await?.as_deref(),
                Some("true"),
                "the area field is marked invalid"
            );
            assert_eq!(
                field.value().await?.as_deref(),
                Some("-5"),
                "what was typed is kept so it can be corrected"
            );
            assert_eq!(html_attr(&d, "lang").await?.as_deref(), Some("zh-CN"));
            shot(&d, "household-edit-error").await?;

            // Cancel: the household still has its old area.
            let cancel = d
                .query(By::Css("form.stack a"))
                .with_text("取消")
                .desc("the 取消 link")
                .single()
                .await?;
            click_and_leave(&cancel).await?;
            let area = d
                .query(By::Css("dd#area"))
                .desc("the household's area")
                .single()
                .await?;
            assert_eq!(area.text().await?, old_area, "nothing was saved");
            let entries = d
                .query(By::Css("#history + ol.history > li"))
                .nowait()
                .any()
                .await?;
            for e in entries {
                let t = e.text().await?;
                assert!(
                    !t.contains("修改住户"),
                    "a refused edit leaves no history entry: {t}"
                );
            }
            Ok(())
        })
        .await;
}

/// The whole path of a collective decision, in the browser: a resident proposes an
/// elevator for their unit, the committee answers and opens the vote, the owner votes with one
/// tap, a volunteer records ballots at the doors (assisted with the photo of the signed form,
/// by proxy, remote), the committee enters a paper form; the door-knocking list shows the rest;
/// the vote passes at exactly "more than two thirds of households"; the notice prints.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_elevator_is_proposed_deliberated_and_decided_in_the_browser() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let app = &app;
    let home = app.persona_place("owner");
    let owner_token = app.token("owner").await;
    let (_, h) = app
        .api(
            &owner_token,
            reqwest::Method::GET,
            &format!("/households/{home}"),
            None,
        )
        .await;
    let compound = h["household"]["compound_id"].as_i64().unwrap();
    let unit = h["household"]["unit_id"].as_i64().unwrap();
    let photo = app.scratch_dir();
    let photo_path = photo.0.join("signed-form.jpg");
    std::fs::write(&photo_path, common::TINY_JPEG).unwrap();
    let photo_path = photo_path.display().to_string();
    let proposal_url = std::sync::Arc::new(std::sync::Mutex::new(String::new()));

    // The owner proposes and puts it to the residents.
    let url = proposal_url.clone();
    Chromium::start()
        .await
        .run(|d| async move {
            sign_in(&d, app, "owner", false).await?;
            d.goto(app.url(&format!("/compounds/{compound}"))).await?;
            let link = d
                .query(By::Css("a.button[href$='/proposals']"))
                .with_text("议事决策")
                .desc("the proposals button of the compound")
                .single()
                .await?;
            click_and_leave(&link).await?;
            d.query(By::Css("p.empty"))
                .desc("the empty state of the proposals")
                .single()
                .await?;
            shot(&d, "proposals-empty").await?;
            let new = d
                .query(By::Css("a.button"))
                .with_text("提出议题")
                .desc("the propose button")
                .single()
                .await?;
            click_and_leave(&new).await?;
            choose(&d, "scope", &format!("unit:{unit}")).await?;
            d.query(By::Id("title"))
                .single()
                .await?
                .send_keys("给我们单元加装电梯")
                .await?;
            d.query(By::Id("body"))
                .single()
                .await?
                .send_keys("单元里老人多，爬楼太难。")
                .await?;
            choose(&d, "matter", "alteration").await?;
            choose(&d, "preset", "wenjiang_two_thirds").await?;
            shot(&d, "proposal-new").await?;
            let save = d
                .query(By::Css("form.stack button[type='submit']"))
                .desc("save draft")
                .single()
                .await?;
            click_and_leave(&save).await?;
            assert_eq!(
                d.query(By::Id("stage")).single().await?.text().await?,
                "草稿"
            );
            let submit = d
                .query(By::Css("button[value='submit']"))
                .desc("put it to the residents")
                .single()
                .await?;
            click_and_leave(&submit).await?;
            assert_eq!(
                d.query(By::Id("stage")).single().await?.text().await?,
                "商议中"
            );
            *url.lock().unwrap() = d.current_url().await?.path().to_string();
            shot(&d, "proposal-deliberation").await?;
            Ok(())
        })
        .await;
    let proposal = proposal_url.lock().unwrap().clone();
    let id: i64 = proposal.rsplit('/').next().unwrap().parse().unwrap();

    // The committee answers and opens the vote.
    Chromium::start()
        .await
        .run(|d| async move {
            sign_in(&d, app, "committee", false).await?;
            d.goto(app.url(&format!("/proposals/{id}"))).await?;
            d.query(By::Id("comment-body"))
                .single()
                .await?
                .send_keys("费用按楼层系数分摊；低层住户的采光问题，设计单位会上门说明。")
                .await?;
            d.query(By::Css("input[name='official']"))
                .single()
                .await?
                .click()
                .await?;
            let post = d.query(By::Css("#comments button")).single().await?;
            click_and_leave(&post).await?;
            d.query(By::Css("li.official"))
                .with_text(text("委员会答复"))
                .desc("the committee's marked answer")
                .single()
                .await?;
            let open = d.query(By::Id("open-voting")).single().await?;
            click_and_leave(&open).await?;
            assert_eq!(
                d.query(By::Id("stage")).single().await?.text().await?,
                "表决中"
            );
            shot(&d, "proposal-voting-committee").await?;
            Ok(())
        })
        .await;

    // The owner votes with one tap.
    Chromium::start()
        .await
        .run(|d| async move {
            sign_in(&d, app, "owner", false).await?;
            d.goto(app.url(&format!("/proposals/{id}"))).await?;
            shot(&d, "proposal-vote-owner").await?;
            let yes = d
                .query(By::Css("button.choice-yes"))
                .desc("the big 同意 button")
                .single()
                .await?;
            click_and_leave(&yes).await?;
            let mine = d.query(By::Id("my-choice")).single().await?.text().await?;
            assert!(mine.contains("同意"), "the owner sees their ballot: {mine}");
            assert!(
                d.query(By::Id("tally"))
                    .nowait()
                    .exists()
                    .await
                    .map(|e| !e)
                    .unwrap_or(true),
                "residents do not see the live tally"
            );
            Ok(())
        })
        .await;

    let committee_token = app.token("committee").await;
    let (_, tally) = app
        .api(
            &committee_token,
            reqwest::Method::GET,
            &format!("/proposals/{id}/tally"),
            None,
        )
        .await;
    let all = tally["result"]["all"]["heads"].as_i64().unwrap();
    // "超过三分之二": the smallest count with 3·yes > 2·all.
    let needed = 2 * all / 3 + 1;
    assert!(
        needed >= 5,
        "a unit large enough to use every way of voting: {all}"
    );

    // A volunteer goes door to door: assisted with the photo, by proxy, remote with a witness.
    let path = photo_path.clone();
    Chromium::start()
        .await
        .run(|d| async move {
            sign_in(&d, app, "volunteer", false).await?;
            d.goto(app.url(&format!("/proposals/{id}/knock"))).await?;
            shot(&d, "knock").await?;
            for (method, witness, file) in [
                ("assisted", "", true),
                ("proxy", "", true),
                ("remote", "楼栋长 陈叔（视频）", false),
            ] {
                let record = d
                    .query(By::Css("li a.button[href*='/record?household=']"))
                    .desc("record a ballot for the first unanswered household")
                    .first()
                    .await?;
                click_and_leave(&record).await?;
                d.query(By::Css("input[name='choice'][value='yes']"))
                    .single()
                    .await?
                    .click()
                    .await?;
                choose(&d, "method", method).await?;
                if file {
                    d.query(By::Id("file"))
                        .single()
                        .await?
                        .send_keys(path.as_str())
                        .await?;
                }
                if !witness.is_empty() {
                    d.query(By::Id("witness"))
                        .single()
                        .await?
                        .send_keys(witness)
                        .await?;
                }
                if method == "assisted" {
                    shot(&d, "record-assisted").await?;
                }
                let save = d.query(By::Id("save-ballot")).single().await?;
                click_and_leave(&save).await?;
                d.query(By::Css("p.ok[role='status']"))
                    .desc("the ballot-saved note on the knock list")
                    .single()
                    .await?;
            }
            // Without the photo an assisted ballot is refused, naming what is missing.
            let record = d
                .query(By::Css("li a.button[href*='/record?household=']"))
                .first()
                .await?;
            click_and_leave(&record).await?;
            d.query(By::Css("input[name='choice'][value='yes']"))
                .single()
                .await?
                .click()
                .await?;
            let save = d.query(By::Id("save-ballot")).single().await?;
            click_and_leave(&save).await?;
            let err = d.query(By::Css(".errors")).single().await?.text().await?;
            assert!(
                err.contains("照片") || err.contains("凭证") || err.contains("文件"),
                "the missing evidence is named: {err}"
            );
            shot(&d, "record-missing-evidence").await?;
            Ok(())
        })
        .await;

    // The committee enters a paper form with its photo, then the rest but one arrive (by API,
    // as a volunteer's phone app would send them).
    let path = photo_path.clone();
    Chromium::start()
        .await
        .run(|d| async move {
            sign_in(&d, app, "committee", false).await?;
            d.goto(app.url(&format!("/proposals/{id}/knock"))).await?;
            let record = d
                .query(By::Css("li a.button[href*='/record?household=']"))
                .first()
                .await?;
            click_and_leave(&record).await?;
            d.query(By::Css("input[name='choice'][value='yes']"))
                .single()
                .await?
                .click()
                .await?;
            choose(&d, "method", "paper").await?;
            d.query(By::Id("file"))
                .single()
                .await?
                .send_keys(path.as_str())
                .await?;
            let save = d.query(By::Id("save-ballot")).single().await?;
            click_and_leave(&save).await?;
            Ok(())
        })
        .await;
    let volunteer_token = app.token("volunteer").await;
    // Voters who have not answered, one household each, with their heads: an owner of two
    // homes weighs two households under this rule, so the last steps use one-head voters.
    let yes_heads = |t: &serde_json::Value| t["result"]["yes"]["heads"].as_i64().unwrap();
    let (_, mut tally) = app
        .api(
            &committee_token,
            reqwest::Method::GET,
            &format!("/proposals/{id}/tally"),
            None,
        )
        .await;
    let waiting = app
        .sql_pairs(&format!(
            "SELECT MIN(eh.household_id), e.heads FROM elector_household eh JOIN elector e ON e.proposal_id = eh.proposal_id AND e.voter_key = eh.voter_key \
             WHERE eh.proposal_id = {id} AND eh.voter_key NOT IN (SELECT voter_key FROM ballot WHERE proposal_id = {id}) GROUP BY eh.voter_key, e.heads ORDER BY e.heads DESC, 1"
        ))
        .await;
    let mut waiting = waiting
        .into_iter()
        .collect::<std::collections::VecDeque<_>>();
    let last = waiting
        .iter()
        .rev()
        .find(|(_, heads)| *heads == 1)
        .map(|(h, _)| *h)
        .expect("a one-head voter for the deciding ballot");
    waiting.retain(|(h, _)| *h != last);
    while yes_heads(&tally) < needed - 1 {
        let (hid, heads) = waiting.pop_front().expect("enough voters");
        if yes_heads(&tally) + heads > needed - 1 {
            continue;
        }
        let body = serde_json::json!({"choice": "yes", "method": "remote", "witness": "网格员", "household_id": hid});
        let (s, b) = app
            .api(
                &volunteer_token,
                reqwest::Method::POST,
                &format!("/proposals/{id}/ballots"),
                Some(body),
            )
            .await;
        assert_eq!(s, 200, "{b}");
        tally = app
            .api(
                &committee_token,
                reqwest::Method::GET,
                &format!("/proposals/{id}/tally"),
                None,
            )
            .await
            .1;
    }
    assert_eq!(yes_heads(&tally), needed - 1);

    // One short: the committee's live tally says not yet; the last yes makes it pass.
    Chromium::start()
        .await
        .run(|d| async move {
            sign_in(&d, app, "committee", false).await?;
            d.goto(app.url(&format!("/proposals/{id}"))).await?;
            let outcome = d.query(By::Id("outcome")).single().await?.text().await?;
            assert!(
                outcome.contains("尚未达到"),
                "one household short: {outcome}"
            );
            shot(&d, "tally-one-short").await?;
            d.goto(app.url(&format!("/proposals/{id}/record?household={last}")))
                .await?;
            d.query(By::Css("input[name='choice'][value='yes']"))
                .single()
                .await?
                .click()
                .await?;
            choose(&d, "method", "remote").await?;
            d.query(By::Id("witness"))
                .single()
                .await?
                .send_keys("网格员 李")
                .await?;
            let save = d.query(By::Id("save-ballot")).single().await?;
            click_and_leave(&save).await?;
            d.goto(app.url(&format!("/proposals/{id}"))).await?;
            let outcome = d.query(By::Id("outcome")).single().await?.text().await?;
            assert!(
                outcome.contains("可以通过"),
                "exactly past two thirds: {outcome}"
            );
            // Closing is irreversible: a box to tick and a question to answer.
            d.query(By::Css("input[name='confirm']"))
                .single()
                .await?
                .click()
                .await?;
            let close = d.query(By::Id("close-voting")).single().await?;
            click_confirmed(&d, &close).await?;
            assert_eq!(
                d.query(By::Id("stage")).single().await?.text().await?,
                "已通过"
            );
            shot(&d, "proposal-passed").await?;
            let notice = d
                .query(By::Css("a.button[href$='/notice']"))
                .single()
                .await?;
            click_and_leave(&notice).await?;
            let outcome = d.query(By::Id("outcome")).single().await?.text().await?;
            assert_eq!(outcome, "通过");
            let page = d
                .query(By::Css("section.notice"))
                .single()
                .await?
                .text()
                .await?;
            assert!(
                page.contains("给我们单元加装电梯") && page.contains("公示期"),
                "the notice: {page}"
            );
            shot(&d, "notice").await?;
            sign_out(&d).await?;
            Ok(())
        })
        .await;
}
