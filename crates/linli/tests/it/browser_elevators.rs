//! The browser test of elevator retrofits: one unit of 甘泉苑 goes from the intention
//! survey to operation. The street office's officer runs the project on its pages: the plan
//! with the Shanghai subsidy and the 新民村 floor coefficients, the documents of each stage, an
//! objection raised and resolved on the proposal's page, the share table fixed and the bills
//! printed, a payment recorded at the counter, the first month's maintenance shared, and the
//! project account's statement (residents' payments, the subsidy, the installer paid) posted
//! for the quarter. The vote itself goes through the decisions
//! feature's API (its own browser test clicks through ballots). Every figure is checked in fen.
//! Screenshots under /tmp/linli-shots/elevator-*.png.
//! Needs `LINLI_WEBDRIVER_URL` and `LINLI_CHROME_BIN` (scripts/test sets both).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use crate::common::browser as kit;

use common::{Backend, TestApp};
use kit::*;
use reqwest::Method;
use serde_json::{Value, json};
use thirtyfour::prelude::*;

/// 458,000 yuan; Shanghai pays 40% (under its 280,000 cap), the households the rest.
const COST_FEN: i64 = 45_800_000;
const SUBSIDY_FEN: i64 = 18_320_000;
const DUE_FEN: i64 = COST_FEN - SUBSIDY_FEN;
/// A month of maintenance: 5,000 yuan a year.
const MAINTENANCE_FEN: i64 = 41_667;
/// 新民村: floors 1–6 pay 0, 0, 10, 20, 30, 40 percent of what is due.
const PERCENT: [i64; 7] = [0, 0, 0, 10, 20, 30, 40];

fn yuan(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

/// A unit of 甘泉苑 without a project whose six floors hold the same number of households
/// (1 to 4), so every share is a whole number of fen and can be checked by hand.
async fn even_unit(app: &TestApp, compound: i64) -> (i64, i64) {
    let pairs = app
        .sql_pairs(&format!(
            "SELECT unit_id, MIN(n) FROM (SELECT unit_id, floor, COUNT(*) AS n FROM household WHERE compound_id = {compound} GROUP BY unit_id, floor) x \
             WHERE unit_id NOT IN (SELECT unit_id FROM elevator_project) GROUP BY unit_id \
             HAVING COUNT(*) = 6 AND MIN(floor) = 1 AND MAX(floor) = 6 AND MIN(n) = MAX(n) AND MAX(n) <= 4 ORDER BY unit_id LIMIT 1"
        ))
        .await;
    *pairs.first().expect("an even six-floor unit in 甘泉苑")
}

/// Uploads a document of `kind` on the project page.
async fn upload(d: &WebDriver, kind: &str, title: &str, file: &str) -> WebDriverResult<()> {
    choose(d, "kind", kind).await?;
    d.query(By::Id("title"))
        .single()
        .await?
        .send_keys(title)
        .await?;
    d.query(By::Id("file"))
        .single()
        .await?
        .send_keys(file)
        .await?;
    let button = d
        .query(By::Css("form[action$='/documents'] button"))
        .desc("the upload button")
        .single()
        .await?;
    click_and_leave(&button).await
}

/// Presses "next stage" and checks where the project is now.
async fn forward(d: &WebDriver, expect: &str) -> WebDriverResult<()> {
    let button = d
        .query(By::Css("#step button[value='forward']"))
        .desc("the next-stage button")
        .single()
        .await?;
    click_and_leave(&button).await?;
    let stage = d.query(By::Id("stage")).single().await?.text().await?;
    assert_eq!(stage, expect, "the project's stage after the step");
    Ok(())
}

/// Records an income or an expense on the account page (an expense with its receipt photo).
async fn record_entry(
    d: &WebDriver,
    direction: &str,
    category: &str,
    amount: &str,
    note: &str,
    receipt: Option<&str>,
) -> WebDriverResult<()> {
    d.query(By::Css(format!(
        "input[name='direction'][value='{direction}']"
    )))
    .single()
    .await?
    .click()
    .await?;
    choose(
        d,
        if direction == "income" {
            "source"
        } else {
            "purpose"
        },
        category,
    )
    .await?;
    d.query(By::Id("amount"))
        .single()
        .await?
        .send_keys(amount)
        .await?;
    d.query(By::Id("note"))
        .single()
        .await?
        .send_keys(note)
        .await?;
    if let Some(file) = receipt {
        d.query(By::Id("file"))
            .single()
            .await?
            .send_keys(file)
            .await?;
    }
    let submit = d
        .query(By::Css("#record button"))
        .desc("the record button")
        .single()
        .await?;
    click_and_leave(&submit).await?;
    d.query(By::Css("#entries tbody tr"))
        .with_text(text(note))
        .desc("the new entry")
        .first()
        .await?;
    Ok(())
}

async fn text_of(d: &WebDriver, css: &str) -> WebDriverResult<String> {
    d.query(By::Css(css)).desc(css).single().await?.text().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_unit_of_ganquanyuan_goes_from_survey_to_operation() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let app = &app;
    let street = app.token("street").await;
    let compound = app
        .sql_i64("SELECT id FROM compound WHERE name = '甘泉苑'")
        .await;
    let (unit, per_floor) = even_unit(app, compound).await;
    let dir = app.scratch_dir();
    let file = dir.0.join("scan.jpg");
    std::fs::write(&file, common::TINY_JPEG).unwrap();
    let file = file.display().to_string();
    let low = app
        .sql_i64(&format!(
            "SELECT MIN(id) FROM household WHERE unit_id = {unit} AND floor = 1"
        ))
        .await;

    // The unit's proposal, put to the residents (the decisions feature).
    let (s, p) = app
        .api(
            &street,
            Method::POST,
            &format!("/compounds/{compound}/proposals"),
            Some(json!({"scope": "unit", "scope_id": unit, "title": "本单元加装电梯", "body": "按新民村楼层系数分摊", "matter": "alteration", "preset": ""})),
        )
        .await;
    assert_eq!(s, 201, "{p}");
    let proposal = p["id"].as_i64().unwrap();
    let (s, p) = app
        .api(
            &street,
            Method::POST,
            &format!("/proposals/{proposal}/stage"),
            Some(json!({"action": "submit"})),
        )
        .await;
    assert_eq!(s, 200, "{p}");

    // Survey and design on the pages: the project, its plan, the first documents.
    let f = file.clone();
    Chromium::start()
        .await
        .run(|d| async move {
            sign_in(&d, app, "street", false).await?;
            d.goto(app.url(&format!("/compounds/{compound}/elevators"))).await?;
            choose(&d, "unit_id", &unit.to_string()).await?;
            d.query(By::Css("#new-project #responsible"))
                .single()
                .await?
                .send_keys("甘泉一村 自管小组 老周")
                .await?;
            // The vote is picked by its title, not typed by number.
            choose(&d, "proposal_id", &proposal.to_string()).await?;
            let create = d.query(By::Css("#new-project button")).desc("create the project").single().await?;
            click_and_leave(&create).await?;
            assert_eq!(text_of(&d, "#stage").await?, "意愿排摸");
            let id: i64 = d.current_url().await?.path().rsplit('/').next().unwrap().parse().unwrap();

            // Blocked until the survey's summary is on file.
            assert!(text_of(&d, "#blockers").await?.contains("缺少文件"), "the survey blocks the step");
            upload(&d, "survey", "意愿排摸汇总表", &f).await?;
            forward(&d, "方案设计").await?;

            // The plan: cost, the Shanghai subsidy; the coefficient table starts at 新民村's.
            let cost = d.query(By::Id("total_cost")).single().await?;
            cost.clear().await?;
            cost.send_keys("458,000").await?;
            choose(&d, "subsidy_preset", "shanghai").await?;
            for (floor, percent) in PERCENT.iter().enumerate().skip(1) {
                let v = d.query(By::Id(format!("coef_{floor}"))).single().await?.value().await?.unwrap_or_default();
                let typed: f64 = v.trim_end_matches('%').parse().unwrap_or(-1.0);
                assert_eq!(typed, *percent as f64, "floor {floor} starts at the preset");
            }
            let installer = d.query(By::Id("installer")).single().await?;
            installer.send_keys("上海某电梯工程有限公司").await?;
            let save = d
                .query(By::Css("#plan-form button[type='submit'], #plan-form button:not([type])"))
                .desc("save the plan")
                .first()
                .await?;
            click_and_leave(&save).await?;
            assert_eq!(text_of(&d, "#amount-due").await?, format!("{} 元", yuan(DUE_FEN)));
            upload(&d, "plan", "设计方案与效果图", &f).await?;
            forward(&d, "业主表决").await?;
            // The vote blocks until the proposal passes.
            assert!(text_of(&d, "#blockers").await?.contains("尚未通过"));
            shot(&d, "elevator-vote-blocked").await?;

            // An objection from the first floor: light. Raised and answered on the proposal.
            d.goto(app.url(&format!("/proposals/{proposal}"))).await?;
            let raise = d.query(By::Css("#objections summary")).desc("raise an objection").single().await?;
            raise.click().await?;
            // Named by its room, as people say it ("1栋1单元101"), not by an id.
            let low_room = app.store.room_label(low).await.unwrap();
            d.query(By::Id("obj-household")).single().await?.send_keys(low_room).await?;
            choose(&d, "obj-concern", "light").await?;
            d.query(By::Id("obj-body")).single().await?.send_keys("井道挡住一楼厨房的采光").await?;
            let send = d
                .query(By::Css("form[action$='/objections'] button"))
                .desc("send the objection")
                .single()
                .await?;
            click_and_leave(&send).await?;
            let answer = d.query(By::Css("textarea[id^='answer']")).desc("the answer box").single().await?;
            answer.send_keys("井道改用玻璃幕墙，设计单位已上门说明").await?;
            d.query(By::Css("input[id^='comp']")).single().await?.send_keys("一楼每户补偿 3000 元").await?;
            let resolved = d
                .query(By::Css("form[action*='/answer'] input[name='resolved']"))
                .desc("resolved")
                .single()
                .await?;
            resolved.click().await?;
            let save = d.query(By::Css("form[action*='/answer'] button")).desc("save the answer").single().await?;
            click_and_leave(&save).await?;
            shot(&d, "elevator-objection-resolved").await?;
            let (_, view) = app.api(&street, Method::GET, &format!("/elevators/{id}"), None).await;
            assert_eq!(view["proposal"]["unresolved_objections"], 0, "{view}");
            assert_eq!(
                (view["total_cost"].as_i64(), view["subsidy"].as_i64(), view["amount_due"].as_i64()),
                (Some(COST_FEN), Some(SUBSIDY_FEN), Some(DUE_FEN))
            );

            // The vote: every owner of the unit agrees (recorded remotely with a witness).
            let (s, p) = app
                .api(
                    &street,
                    Method::POST,
                    &format!("/proposals/{proposal}/voting"),
                    Some(json!({"deadline": "2099-12-31"})),
                )
                .await;
            assert_eq!(s, 200, "{p}");
            let voters = app
                .sql_pairs(&format!(
                    "SELECT MIN(household_id), 0 FROM elector_household WHERE proposal_id = {proposal} GROUP BY voter_key"
                ))
                .await;
            for (household, _) in voters {
                let body = json!({"choice": "yes", "method": "remote", "witness": "楼组长 老周", "household_id": household});
                let (s, b) = app.api(&street, Method::POST, &format!("/proposals/{proposal}/ballots"), Some(body)).await;
                assert_eq!(s, 200, "{b}");
            }
            let (s, p) = app
                .api(&street, Method::POST, &format!("/proposals/{proposal}/close"), Some(json!({"confirm": true})))
                .await;
            assert_eq!(s, 200, "{p}");
            assert_eq!(p["stage"], "passed", "{p}");

            // Notice, approvals and fund-raising on the pages.
            d.goto(app.url(&format!("/elevators/{id}"))).await?;
            forward(&d, "公示").await?;
            upload(&d, "notice", "公示照片", &f).await?;
            assert!(text_of(&d, "#blockers").await?.contains("公示期还有 15 天"));
            // The 15-day notice has run (the clock moved by the test, not waited for).
            app.sql_exec(&format!("UPDATE elevator_project SET stage_since = stage_since - 16 * 86400 WHERE id = {id}"))
                .await;

            d.goto(app.url(&format!("/elevators/{id}"))).await?;
            forward(&d, "审批").await?;
            upload(&d, "approval", "规划许可", &f).await?;
            forward(&d, "资金筹集").await?;

            // The share table: every household's share in fen, fixed after a confirmation.
            d.goto(app.url(&format!("/elevators/{id}/shares"))).await?;
            assert_eq!(text_of(&d, "#sum").await?, yuan(DUE_FEN));
            let fix = d.query(By::Css("form[action$='/shares/fix'] button")).desc("fix the table").single().await?;
            shot(&d, "elevator-shares-preview").await?;
            click_confirmed(&d, &fix).await?;
            d.query(By::Id("payments")).desc("the payments section once fixed").single().await?;
            shot(&d, "elevator-shares-fixed").await?;

            let (s, table) = app.api(&street, Method::GET, &format!("/elevators/{id}/shares"), None).await;
            assert_eq!(s, 200, "{table}");
            let lines = table["lines"].as_array().unwrap().clone();
            assert_eq!(lines.len() as i64, 6 * per_floor);
            for l in &lines {
                let floor = l["floor"].as_i64().unwrap() as usize;
                let expected = DUE_FEN * PERCENT[floor] / 100 / per_floor;
                assert_eq!(l["share"].as_i64().unwrap(), expected, "floor {floor}: {l}");
            }
            assert_eq!(lines.iter().map(|l| l["share"].as_i64().unwrap()).sum::<i64>(), DUE_FEN);
            let top = lines.iter().find(|l| l["floor"] == 6).unwrap().clone();
            let top_id = top["household_id"].as_i64().unwrap();
            let top_share = DUE_FEN * 40 / 100 / per_floor;

            // Bills printed; the top floor pays at the counter on the page; the others by transfer.
            d.goto(app.url(&format!("/elevators/{id}/bills"))).await?;
            let bills = d.query(By::Css("section.ev-bill")).all_from_selector().await?;
            assert_eq!(bills.len() as i64, 6 * per_floor, "a bill per household");
            let bill = text_of(&d, &format!("#bill-{top_id}")).await?;
            assert!(bill.contains(&yuan(top_share)), "the top floor's bill says {}: {bill}", yuan(top_share));
            shot(&d, "elevator-bills").await?;

            d.goto(app.url(&format!("/elevators/{id}/shares"))).await?;
            choose(&d, "household_id", &top_id.to_string()).await?;
            d.query(By::Id("amount")).single().await?.send_keys(yuan(top_share)).await?;
            choose(&d, "method", "cash").await?;
            d.query(By::Id("receipt_no")).single().await?.send_keys("GQ-2026-0001").await?;
            let pay = d.query(By::Css("form[action$='/payments'] button")).desc("record the payment").single().await?;
            click_and_leave(&pay).await?;
            let row = text_of(&d, &format!("#h{top_id}")).await?;
            assert!(row.contains(&yuan(top_share)) && row.ends_with("0.00"), "paid in full: {row}");
            for l in &lines {
                let (hid, share) = (l["household_id"].as_i64().unwrap(), l["share"].as_i64().unwrap());
                if hid == top_id || share == 0 {
                    continue;
                }
                let body =
                    json!({"household_id": hid, "amount": yuan(share), "method": "transfer", "receipt_no": format!("GQ-T-{hid}"), "paid_on": app.today().to_string()});
                let (s, b) = app.api(&street, Method::POST, &format!("/elevators/{id}/payments"), Some(body)).await;
                assert_eq!(s, 201, "{b}");
            }
            let (_, view) = app.api(&street, Method::GET, &format!("/elevators/{id}"), None).await;
            assert_eq!((view["paid"].as_i64(), view["outstanding"].as_i64()), (Some(DUE_FEN), Some(0)), "{view}");

            // Construction, acceptance, operation.
            d.goto(app.url(&format!("/elevators/{id}"))).await?;
            assert_eq!(text_of(&d, "#outstanding").await?, "0.00 元");
            upload(&d, "contract", "施工合同", &f).await?;
            forward(&d, "施工").await?;
            forward(&d, "竣工验收").await?;
            upload(&d, "acceptance", "验收报告", &f).await?;
            forward(&d, "投入运行").await?;
            // The last stage: nothing to step to, and the paid table cannot be released.
            assert!(d.query(By::Id("step")).nowait().exists().await.map(|e| !e)?, "no next stage after operation");
            assert!(
                d.query(By::Css("form[action$='/shares/release']")).nowait().exists().await.map(|e| !e)?,
                "paid shares stay fixed"
            );
            shot(&d, "elevator-operation").await?;

            // The first month's maintenance (5,000 yuan a year), shared equally.
            d.goto(app.url(&format!("/elevators/{id}/operation"))).await?;
            let month = d.query(By::Id("month")).single().await?.value().await?.unwrap_or_default();
            assert_eq!(month.len(), 7, "the form starts at this month: {month}");
            choose(&d, "kind", "maintenance").await?;
            d.query(By::Id("amount")).single().await?.send_keys("416.67").await?;
            let save = d.query(By::Css("#enter-cost button")).desc("save the month's cost").single().await?;
            click_and_leave(&save).await?;
            assert_eq!(text_of(&d, "#total").await?, "416.67");
            shot(&d, "elevator-maintenance-month").await?;
            // 41,667 fen over the households: the same to each, the fen left over one each to
            // the highest floors first, then the lower household id (the stated tie rule).
            let mut order: Vec<(i64, i64)> = lines.iter().map(|l| (l["floor"].as_i64().unwrap(), l["household_id"].as_i64().unwrap())).collect();
            order.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            let n = order.len() as i64;
            let (each, extra) = (MAINTENANCE_FEN / n, MAINTENANCE_FEN % n);
            for (rank, (_, hid)) in order.iter().enumerate() {
                let expect = each + i64::from((rank as i64) < extra);
                let row = text_of(&d, &format!("#h{hid}")).await?;
                assert!(row.ends_with(&yuan(expect)), "household {hid} pays {}: {row}", yuan(expect));
            }

            // The project's account: the households' payments came in as residents' income;
            // the subsidy arrives, the installer is paid against the invoice.
            d.goto(app.url(&format!("/elevators/{id}"))).await?;
            let account = d.query(By::Id("account-link")).desc("the project's account").single().await?;
            click_and_leave(&account).await?;
            let acc: i64 = d.current_url().await?.path().rsplit('/').next().unwrap().parse().unwrap();
            record_entry(&d, "income", "government_reward", &yuan(SUBSIDY_FEN), "上海市加装电梯补贴", None).await?;
            record_entry(&d, "expense", "elevator", &yuan(COST_FEN), "电梯安装工程款", Some(&f)).await?;

            // The quarter so far (China time), posted after confirming; residents read it.
            let today = app.today();
            let quarter_start = time::Date::from_calendar_date(today.year(), time::Month::try_from((u8::from(today.month()) - 1) / 3 * 3 + 1).unwrap(), 1).unwrap();
            d.goto(app.url(&format!("/funds/{acc}/statement?from={quarter_start}&to={today}"))).await?;
            assert_eq!(text_of(&d, "#opening").await?, "0.00");
            assert_eq!(text_of(&d, "#in-residents td.num").await?, yuan(DUE_FEN));
            assert_eq!(text_of(&d, "#in-government_reward td.num").await?, yuan(SUBSIDY_FEN));
            assert_eq!(text_of(&d, "#income-total").await?, yuan(COST_FEN));
            assert_eq!(text_of(&d, "#out-elevator td.num").await?, yuan(COST_FEN));
            assert_eq!(text_of(&d, "#expense-total").await?, yuan(COST_FEN));
            assert_eq!(text_of(&d, "#closing").await?, "0.00");
            let post = d.query(By::Css("form[action$='/statements'] button")).desc("post the statement").single().await?;
            click_confirmed(&d, &post).await?;
            d.query(By::Id("posted")).desc("the posted tag").single().await?;
            shot(&d, "elevator-statement-posted").await?;
            let (_, view): (u16, Value) = app.api(&street, Method::GET, &format!("/elevators/{id}"), None).await;
            assert_eq!(view["stage"], "operation");
            assert_eq!(view["documents"].as_array().unwrap().len(), 6, "one document per stage that needs one");
    // Posted once, on the project's account.
    let account = app.sql_i64(&format!("SELECT id FROM fund_account WHERE project_id = {id}")).await;
    assert_eq!(app.sql_i64(&format!("SELECT COUNT(*) FROM fund_statement WHERE account_id = {account}")).await, 1);
            Ok(())
        })
        .await;
}
