//! Elevator retrofit projects through the API, on SQLite and PostgreSQL: a project for a
//! unit linked to its proposal, the Shanghai subsidy and the floor coefficients on a
//! six-floor unit with shares that add up to the fen, exact fractions (1/6) and equal per flat
//! split to the fen, payments that shrink the outstanding list, and bad input refused with
//! the field named and nothing written.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{TestApp, assert_api_error};
use reqwest::Method;
use serde_json::{Value, json};

const JPEG: &[u8] = common::TINY_JPEG;

/// The compound of the committee persona.
fn compound(app: &TestApp) -> i64 {
    app.persona_place("committee")
}

/// A unit of the compound whose households live on floors 1 to 6 exactly.
async fn six_floor_unit(app: &TestApp, compound: i64) -> i64 {
    app.sql_i64(&format!(
        "SELECT unit_id FROM household WHERE compound_id = {compound} AND unit_id NOT IN (SELECT unit_id FROM elevator_project) GROUP BY unit_id HAVING MIN(floor) = 1 AND MAX(floor) = 6 AND COUNT(DISTINCT floor) = 6 ORDER BY unit_id LIMIT 1"
    ))
    .await
}

async fn create(
    app: &TestApp,
    token: &str,
    compound: i64,
    unit: i64,
    proposal: Option<i64>,
) -> (u16, Value) {
    app.api(
        token,
        Method::POST,
        &format!("/compounds/{compound}/elevators"),
        Some(json!({"unit_id": unit, "proposal_id": proposal})),
    )
    .await
}

/// A plan with the Shanghai subsidy and the 新民村 table, at the project's current version.
fn plan(version: i64, cost: &str, coefficients: &[(i32, &str)]) -> Value {
    json!({
        "version": version,
        "responsible": "自管小组 老周",
        "installer": "某电梯安装公司",
        "total_cost": cost,
        "subsidy_preset": "shanghai",
        "coefficients": coefficients.iter().map(|(f, p)| json!({"floor": f, "percent": p})).collect::<Vec<_>>(),
    })
}

const XINMIN: [(i32, &str); 6] = [
    (1, "0"),
    (2, "0"),
    (3, "10"),
    (4, "20"),
    (5, "30"),
    (6, "40%"),
];

async fn unit_proposal(app: &TestApp, token: &str, compound: i64, unit: i64) -> i64 {
    let (s, p) = app
        .api(token, Method::POST, &format!("/compounds/{compound}/proposals"), Some(json!({"scope": "unit", "scope_id": unit, "title": "加装电梯", "body": "", "matter": "alteration", "preset": ""})))
        .await;
    assert_eq!(s, 201, "{p}");
    p["id"].as_i64().unwrap()
}

both_backends! {
    async fn a_project_for_a_unit_follows_its_stages_and_links_its_proposal(app) {
        let committee = app.token("committee").await;
        let resident = app.token("resident").await;
        let owner = app.token("owner").await;
        let c = compound(&app);
        let home = app.persona_place("owner");
        let (_, h) = app.api(&owner, Method::GET, &format!("/households/{home}"), None).await;
        let unit = h["household"]["unit_id"].as_i64().unwrap();
        let proposal = unit_proposal(&app, &owner, c, unit).await;
        let other_unit = app.sql_i64(&format!("SELECT MIN(id) FROM unit WHERE compound_id = {c} AND id <> {unit}")).await;
        let other_proposal = unit_proposal(&app, &committee, c, other_unit).await;

        // Residents do not run projects; a proposal of another unit is refused, naming it.
        let (s, err) = create(&app, &resident, c, unit, None).await;
        assert_api_error(s, &err, 403, "forbidden", None);
        let audit = app.audit_count().await;
        let (s, err) = create(&app, &committee, c, unit, Some(other_proposal)).await;
        assert_api_error(s, &err, 422, "other_unit", Some("proposal_id"));
        assert_eq!(app.sql_i64(&format!("SELECT COUNT(*) FROM elevator_project WHERE compound_id = {c}")).await, 0, "nothing written");
        assert_eq!(app.audit_count().await, audit);

        let (s, p) = create(&app, &committee, c, unit, Some(proposal)).await;
        assert_eq!(s, 201, "{p}");
        let id = p["id"].as_i64().unwrap();
        assert_eq!(p["stage"], "survey");
        assert_eq!(p["proposal"]["id"], proposal);
        assert_eq!(p["proposal"]["stage"], "draft");
        // One project per unit.
        let (s, err) = create(&app, &committee, c, unit, None).await;
        assert_api_error(s, &err, 422, "taken", Some("unit_id"));

        // The board shows it at the survey with what blocks it; so does the refused step.
        let (s, board) = app.api(&resident, Method::GET, &format!("/compounds/{c}/elevators"), None).await;
        assert_eq!(s, 200, "{board}");
        let survey = &board["columns"][0];
        assert_eq!(survey["stage"], "survey");
        assert_eq!(survey["projects"][0]["id"], id);
        assert_eq!(survey["projects"][0]["blockers"].as_array().unwrap().len(), 2, "{board}");
        let (s, err) = app.api(&committee, Method::POST, &format!("/elevators/{id}/stage"), Some(json!({"version": p["version"], "step": "forward"}))).await;
        assert_api_error(s, &err, 422, "stage_blocked", Some("stage"));

        // A responsible person and the survey's summary unblock it.
        // An empty coefficient table adds up to nothing.
        let (s, err) = app.api(&committee, Method::PUT, &format!("/elevators/{id}/plan"), Some(plan(1, "458000", &[]))).await;
        assert_api_error(s, &err, 422, "coefficients_sum", Some("coefficients"));
        let (_, view) = app.api(&committee, Method::GET, &format!("/elevators/{id}"), None).await;
        let floors: Vec<(i32, String)> = view["coefficients"].as_array().unwrap().iter().map(|r| (r["floor"].as_i64().unwrap() as i32, r["percent"].as_str().unwrap().to_string())).collect();
        let table: Vec<(i32, &str)> = floors.iter().map(|(f, p)| (*f, p.as_str())).collect();
        let (s, p) = app.api(&committee, Method::PUT, &format!("/elevators/{id}/plan"), Some(plan(1, "458000", &table))).await;
        assert_eq!(s, 200, "{p}");
        let res = app
            .client
            .post(app.url(&format!("/api/v1/elevators/{id}/documents?kind=survey&name=survey.jpg")))
            .bearer_auth(&committee)
            .body(JPEG.to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 201);
        let (s, p) = app.api(&committee, Method::POST, &format!("/elevators/{id}/stage"), Some(json!({"version": p["version"], "step": "forward", "note": "意愿排摸完成"}))).await;
        assert_eq!(s, 200, "{p}");
        assert_eq!(p["stage"], "design");
        assert!(p["stages"][1]["entered_on"].is_string(), "{p}");
        assert_eq!(p["documents"][0]["kind"], "survey");

        // Objections live on the proposal; the project shows how many are open and links there.
        let (s, x) = app.api(&owner, Method::POST, &format!("/proposals/{proposal}/stage"), Some(json!({"action": "submit"}))).await;
        assert_eq!(s, 200, "{x}");
        let (s, x) = app.api(&owner, Method::POST, &format!("/proposals/{proposal}/objections"), Some(json!({"household_id": home, "concern": "light", "body": "电梯井挡住我家窗户的光"}))).await;
        assert_eq!(s, 201, "{x}");
        let (_, p) = app.api(&resident, Method::GET, &format!("/elevators/{id}"), None).await;
        assert_eq!(p["proposal"]["stage"], "deliberation");
        assert_eq!(p["proposal"]["unresolved_objections"], 1);
    }

    async fn sixths_and_equal_per_flat_split_to_the_fen(app) {
        let committee = app.token("committee").await;
        let c = compound(&app);
        let unit = six_floor_unit(&app, c).await;
        let (s, p) = create(&app, &committee, c, unit, None).await;
        assert_eq!(s, 201, "{p}");
        let id = p["id"].as_i64().unwrap();
        assert_eq!(p["share_mode"], "floors");
        // An equal split over six floors: 1/6 each, which whole basis points cannot say.
        let sixths: Vec<(i32, &str)> = (1..=6).map(|f| (f, "1/6")).collect();
        let (s, p) = app.api(&committee, Method::PUT, &format!("/elevators/{id}/plan"), Some(plan(1, "458,000.01", &sixths))).await;
        assert_eq!(s, 200, "{p}");
        let row = &p["coefficients"][2];
        assert_eq!((row["percent"].as_str(), row["text"].as_str(), row["num"].as_i64(), row["den"].as_i64()), (Some("1/6"), Some("1/6"), Some(1), Some(6)));
        assert_eq!(row["bp"], Value::Null);
        let due = p["amount_due"].as_i64().unwrap();
        let (_, t) = app.api(&committee, Method::GET, &format!("/elevators/{id}/shares"), None).await;
        let lines = t["lines"].as_array().unwrap().clone();
        assert_eq!(lines.iter().map(|l| l["share"].as_i64().unwrap()).sum::<i64>(), due, "the shares add up to the fen");
        for l in &lines {
            assert_eq!(l["coefficient"], "1/6", "{l}");
            let (share, n) = (i128::from(l["share"].as_i64().unwrap()), i128::from(l["on_floor"].as_i64().unwrap()));
            let (exact, den) = (i128::from(due), 6 * n);
            assert!(share * den > exact - den && share * den < exact + den, "within a fen of due / 6 / {n}: {l}");
        }

        // Sevenths do not add up to the whole; a word is not a number; a mode that does not
        // exist is named. Nothing written.
        let audit = app.audit_count().await;
        let v = p["version"].as_i64().unwrap();
        let sevenths: Vec<(i32, &str)> = (1..=6).map(|f| (f, "1/7")).collect();
        let (s, err) = app.api(&committee, Method::PUT, &format!("/elevators/{id}/plan"), Some(plan(v, "458000", &sevenths))).await;
        assert_api_error(s, &err, 422, "coefficients_sum", Some("coefficients"));
        assert!(err["message"].as_str().unwrap().contains("6/7"), "{err}");
        let mut bad = sixths.clone();
        bad[0].1 = "a/6";
        let (s, err) = app.api(&committee, Method::PUT, &format!("/elevators/{id}/plan"), Some(plan(v, "458000", &bad))).await;
        assert_api_error(s, &err, 422, "not_a_number", Some("coefficients"));
        let mut body = plan(v, "458000", &sixths);
        body["share_mode"] = json!("per_floor");
        let (s, err) = app.api(&committee, Method::PUT, &format!("/elevators/{id}/plan"), Some(body)).await;
        assert_api_error(s, &err, 422, "bad_choice", Some("share_mode"));
        assert_eq!(app.audit_count().await, audit);

        // Equal per flat, chosen on the page: every flat the same to a fen, whatever its floor.
        let page = app.browser_login("committee").await;
        let project_page = format!("/elevators/{id}");
        let (_, html) = page.get(&project_page).await;
        assert!(html.contains(r#"name="share_mode" value="equal_per_flat""#), "the plan offers equal per flat");
        assert!(html.contains(r#"value="1/6""#) || html.contains(r#"value="1&#x2f;6""#), "the fractions stay as typed");
        let v = v.to_string();
        let mut fields: Vec<(String, String)> = vec![("version".into(), v), ("total_cost".into(), "458000.01".into()), ("subsidy_preset".into(), "shanghai".into()), ("share_mode".into(), "equal_per_flat".into()), ("responsible".into(), "自管小组 老周".into())];
        fields.extend((1..=6).map(|f| (format!("coef_{f}"), "1/6".to_string())));
        let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let (st, body, to) = page.submit(&project_page, &format!("/elevators/{id}/plan"), &refs).await;
        assert_eq!(st, 303, "{body}");
        assert_eq!(to.as_deref(), Some(format!("/elevators/{id}#plan").as_str()));
        let (_, t) = app.api(&committee, Method::GET, &format!("/elevators/{id}/shares"), None).await;
        assert_eq!(t["share_mode"], "equal_per_flat");
        let lines = t["lines"].as_array().unwrap().clone();
        let n = lines.len() as i64;
        let shares: Vec<i64> = lines.iter().map(|l| l["share"].as_i64().unwrap()).collect();
        assert_eq!(shares.iter().sum::<i64>(), due);
        assert!(shares.iter().max().unwrap() - shares.iter().min().unwrap() <= 1, "{shares:?}");
        assert!(lines.iter().all(|l| l["coefficient"] == "100.00%" && l["on_floor"].as_i64() == Some(n)), "{t}");
        let (_, html) = page.get(&format!("/elevators/{id}/shares")).await;
        assert!(html.contains("每户均摊"), "the notice says how it is split");
        // Fixed: each stored share keeps its exact part of the whole.
        let (_, view) = app.api(&committee, Method::GET, &format!("/elevators/{id}"), None).await;
        let (s, fixed) = app.api(&committee, Method::POST, &format!("/elevators/{id}/shares/fix"), Some(json!({"version": view["version"]}))).await;
        assert_eq!(s, 200, "{fixed}");
        assert_eq!(fixed["lines"], t["lines"]);
        assert_eq!(app.sql_i64(&format!("SELECT COUNT(*) FROM elevator_share WHERE project_id = {id} AND coefficient_num = 1 AND coefficient_den = 1 AND on_floor = {n}")).await, n);
    }

    async fn shares_with_the_shanghai_subsidy_add_up_and_payments_shrink_what_is_owed(app) {
        let committee = app.token("committee").await;
        let resident = app.token("resident").await;
        let c = compound(&app);
        let unit = six_floor_unit(&app, c).await;
        let (s, p) = create(&app, &committee, c, unit, None).await;
        assert_eq!(s, 201, "{p}");
        let id = p["id"].as_i64().unwrap();
        // 458,000.37 yuan: Shanghai gives 40% rounded down to the fen (below the 280,000 cap).
        let (s, p) = app.api(&committee, Method::PUT, &format!("/elevators/{id}/plan"), Some(plan(1, "458,000.37", &XINMIN))).await;
        assert_eq!(s, 200, "{p}");
        assert_eq!(p["total_cost"], 45_800_037);
        assert_eq!(p["subsidy"], 18_320_014);
        assert_eq!(p["amount_due"], 45_800_037 - 18_320_014);
        let due = p["amount_due"].as_i64().unwrap();

        let (s, t) = app.api(&committee, Method::GET, &format!("/elevators/{id}/shares"), None).await;
        assert_eq!(s, 200, "{t}");
        assert_eq!(t["fixed"], false);
        let lines = t["lines"].as_array().unwrap().clone();
        let households = app.sql_i64(&format!("SELECT COUNT(*) FROM household WHERE unit_id = {unit}")).await;
        assert_eq!(lines.len() as i64, households);
        let sum: i64 = lines.iter().map(|l| l["share"].as_i64().unwrap()).sum();
        assert_eq!(sum, due, "the shares add up to the fen");
        assert_eq!(t["sum"], due);
        for l in &lines {
            let floor = l["floor"].as_i64().unwrap();
            let share = l["share"].as_i64().unwrap();
            if floor <= 2 {
                assert_eq!(share, 0, "{l}");
            }
            // Within a fen of the exact share: due × coefficient / households on the floor.
            let bp = [0, 0, 0, 1000, 2000, 3000, 4000][floor as usize];
            let n = l["on_floor"].as_i64().unwrap();
            let exact_num = i128::from(due) * bp;
            let den = 10_000 * i128::from(n);
            assert!(i128::from(share) * den > exact_num - den && i128::from(share) * den < exact_num + den, "{l}");
        }
        // Higher floors never pay less (every floor of the demo unit has the same households).
        for a in &lines {
            for b in &lines {
                if a["floor"].as_i64() > b["floor"].as_i64() && a["on_floor"] == b["on_floor"] {
                    assert!(a["share"].as_i64() >= b["share"].as_i64(), "{a} {b}");
                }
            }
        }

        // No payment before the table is fixed; then the table is stored as shown.
        let top = lines.iter().rev().find(|l| l["floor"] == 6).unwrap().clone();
        let hh = top["household_id"].as_i64().unwrap();
        let share = top["share"].as_i64().unwrap();
        let pay = |amount: String, receipt: &str, household: i64| json!({"household_id": household, "amount": amount, "method": "cash", "receipt_no": receipt, "paid_on": "2024-05-01"});
        let (s, err) = app.api(&committee, Method::POST, &format!("/elevators/{id}/payments"), Some(pay("100".into(), "GQ-0001", hh))).await;
        assert_api_error(s, &err, 422, "stage_blocked", Some("household_id"));
        let (s, fixed) = app.api(&committee, Method::POST, &format!("/elevators/{id}/shares/fix"), Some(json!({"version": p["version"]}))).await;
        assert_eq!(s, 200, "{fixed}");
        assert_eq!(fixed["fixed"], true);
        assert_eq!(fixed["lines"], t["lines"]);
        assert_eq!(app.sql_i64(&format!("SELECT CAST(SUM(amount) AS BIGINT) FROM elevator_share WHERE project_id = {id}")).await, due);
        // The plan no longer changes.
        let (s, err) = app.api(&committee, Method::PUT, &format!("/elevators/{id}/plan"), Some(plan(fixed["version"].as_i64().unwrap(), "1", &XINMIN))).await;
        assert_api_error(s, &err, 422, "shares_fixed", Some("coefficients"));

        let (_, owing) = app.api(&committee, Method::GET, &format!("/elevators/{id}/outstanding"), None).await;
        let owing_before = owing.as_array().unwrap().len();
        assert_eq!(owing_before as i64, lines.iter().filter(|l| l["share"].as_i64().unwrap() > 0).count() as i64);

        // Part of it: still owing, less.
        let fen = |f: i64| format!("{}.{:02}", f / 100, f % 100);
        let (s, paid) = app.api(&committee, Method::POST, &format!("/elevators/{id}/payments"), Some(pay(fen(share - 1), "GQ-0001", hh))).await;
        assert_eq!(s, 201, "{paid}");
        assert_eq!(paid["amount"], share - 1);
        assert_eq!(paid["recorded_by_name"], "自管委 刘主任");
        let (_, owing) = app.api(&committee, Method::GET, &format!("/elevators/{id}/outstanding"), None).await;
        let line = owing.as_array().unwrap().iter().find(|l| l["household_id"] == hh).unwrap().clone();
        assert_eq!(line["outstanding"], 1);

        // Bad payments: above what is owed, a receipt used twice, a household of another
        // unit, a resident recording: refused, the field named, nothing written.
        let payments = app.sql_i64("SELECT COUNT(*) FROM elevator_payment").await;
        let audit = app.audit_count().await;
        let (s, err) = app.api(&committee, Method::POST, &format!("/elevators/{id}/payments"), Some(pay("0.02".into(), "GQ-0002", hh))).await;
        assert_api_error(s, &err, 422, "over_due", Some("amount"));
        let (s, err) = app.api(&committee, Method::POST, &format!("/elevators/{id}/payments"), Some(pay("0.01".into(), "GQ-0001", hh))).await;
        assert_api_error(s, &err, 422, "taken", Some("receipt_no"));
        let outsider = app.sql_i64(&format!("SELECT MIN(id) FROM household WHERE compound_id = {c} AND unit_id <> {unit}")).await;
        let (s, err) = app.api(&committee, Method::POST, &format!("/elevators/{id}/payments"), Some(pay("0.01".into(), "GQ-0003", outsider))).await;
        assert_api_error(s, &err, 422, "other_unit", Some("household_id"));
        let (s, err) = app.api(&committee, Method::POST, &format!("/elevators/{id}/payments"), Some(pay("-5".into(), "GQ-0004", hh))).await;
        assert_api_error(s, &err, 422, "negative", Some("amount"));
        let (s, err) = app.api(&resident, Method::POST, &format!("/elevators/{id}/payments"), Some(pay("0.01".into(), "GQ-0005", hh))).await;
        assert_api_error(s, &err, 403, "forbidden", None);
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM elevator_payment").await, payments);
        assert_eq!(app.audit_count().await, audit);

        // The last fen: the household leaves the list.
        let (s, _) = app.api(&committee, Method::POST, &format!("/elevators/{id}/payments"), Some(pay("0.01".into(), "GQ-0002", hh))).await;
        assert_eq!(s, 201);
        let (_, owing) = app.api(&committee, Method::GET, &format!("/elevators/{id}/outstanding"), None).await;
        assert_eq!(owing.as_array().unwrap().len(), owing_before - 1);
        assert!(!owing.as_array().unwrap().iter().any(|l| l["household_id"] == hh));
        let (s, bill) = app.api(&committee, Method::GET, &format!("/elevators/{id}/bills/{hh}"), None).await;
        assert_eq!(s, 200, "{bill}");
        assert_eq!(bill["line"]["paid"], share);
        assert_eq!(bill["line"]["outstanding"], 0);
        assert_eq!(bill["payments"].as_array().unwrap().len(), 2);
        let (_, view) = app.api(&committee, Method::GET, &format!("/elevators/{id}"), None).await;
        assert_eq!(view["paid"], share);
        assert_eq!(view["outstanding"], due - share);

        // The last fen was entered by mistake: it is voided by a correction entry (the ledger
        // keeps both), the household owes it again, and it cannot be voided twice.
        let last = bill["payments"].as_array().unwrap().iter().find(|p| p["receipt_no"] == "GQ-0002").unwrap()["id"].as_i64().unwrap();
        let (s, err) = app.api(&committee, Method::POST, &format!("/elevators/{id}/payments/{last}/void"), Some(json!({"reason": ""}))).await;
        assert_api_error(s, &err, 422, "required", Some("reason"));
        let (s, err) = app.api(&resident, Method::POST, &format!("/elevators/{id}/payments/{last}/void"), Some(json!({"reason": "录错了"}))).await;
        assert_api_error(s, &err, 403, "forbidden", None);
        let (s, v) = app.api(&committee, Method::POST, &format!("/elevators/{id}/payments/{last}/void"), Some(json!({"reason": "录错了：这 1 分是下一户的"}))).await;
        assert_eq!(s, 201, "{v}");
        assert_eq!(v["amount"], -1);
        assert_eq!(v["method"], "correction");
        let (s, err) = app.api(&committee, Method::POST, &format!("/elevators/{id}/payments/{last}/void"), Some(json!({"reason": "again"}))).await;
        assert_api_error(s, &err, 422, "taken", Some("payment_id"));
        let (_, bill) = app.api(&committee, Method::GET, &format!("/elevators/{id}/bills/{hh}"), None).await;
        assert_eq!(bill["line"]["paid"], share - 1);
        assert_eq!(bill["line"]["outstanding"], 1);
        assert_eq!(bill["payments"].as_array().unwrap().len(), 3, "nothing is deleted");
        let (s, _) = app.api(&committee, Method::POST, &format!("/elevators/{id}/payments"), Some(pay("0.01".into(), "GQ-0009", hh))).await;
        assert_eq!(s, 201, "the fen can be paid again");

        // A flat sold after the table was fixed: its unpaid share stays with the flat, and the
        // bill names the new owner.
        let debtor = owing.as_array().unwrap().iter().find(|l| l["floor"].as_i64().unwrap() >= 3).unwrap().clone();
        let sold = debtor["household_id"].as_i64().unwrap();
        let h = app.household_json(&committee, sold).await;
        for o in h["owners"].as_array().unwrap() {
            let (s, _) = app.api(&committee, Method::DELETE, &format!("/households/{sold}/owners/{}", o["ownership_id"]), None).await;
            assert_eq!(s, 204);
        }
        let (s, o) = app.api(&committee, Method::POST, &format!("/households/{sold}/owners"), Some(json!({"name": "新业主 钱"}))).await;
        assert_eq!(s, 201, "{o}");
        let (_, bill) = app.api(&committee, Method::GET, &format!("/elevators/{id}/bills/{sold}"), None).await;
        assert_eq!(bill["line"]["owners"], "新业主 钱");
        assert_eq!(bill["line"]["outstanding"], debtor["outstanding"]);
        let (s, all) = app.api(&committee, Method::GET, &format!("/elevators/{id}/bills"), None).await;
        assert_eq!(s, 200);
        assert_eq!(all.as_array().unwrap().len() as i64, households);
    }

    async fn bad_plans_are_refused_with_the_field_named_and_nothing_written(app) {
        let committee = app.token("committee").await;
        let c = compound(&app);
        let unit = six_floor_unit(&app, c).await;
        let (_, p) = create(&app, &committee, c, unit, None).await;
        let id = p["id"].as_i64().unwrap();
        let before = app.audit_count().await;
        let cases: Vec<(Value, &str, &str)> = vec![
            (plan(1, "-458000", &XINMIN), "negative", "total_cost"),
            (plan(1, "0", &XINMIN), "not_positive", "total_cost"),
            (plan(1, "458000.001", &XINMIN), "too_many_decimals", "total_cost"),
            (plan(1, "458000", &[(1, "0"), (2, "0"), (3, "10"), (4, "20"), (5, "30"), (6, "30")]), "coefficients_sum", "coefficients"),
            (plan(1, "458000", &[(1, "0"), (2, "0"), (3, "10"), (4, "20"), (5, "30"), (6, "-40")]), "negative", "coefficients"),
            ({ let mut v = plan(1, "100000", &XINMIN); v["subsidy_preset"] = json!("custom"); v["subsidy_amount"] = json!("100000.01"); v }, "subsidy_over_cost", "subsidy_amount"),
            ({ let mut v = plan(1, "100000", &XINMIN); v["subsidy_preset"] = json!("beijing"); v }, "bad_choice", "subsidy_preset"),
            ({ let mut v = plan(1, "100000", &XINMIN); v["proposal_id"] = json!(999_999); v }, "bad_choice", "proposal_id"),
        ];
        for (body, code, field) in cases {
            let (s, err) = app.api(&committee, Method::PUT, &format!("/elevators/{id}/plan"), Some(body)).await;
            assert_api_error(s, &err, 422, code, Some(field));
        }
        // A floor whose coefficient nobody could pay is refused when the table is computed.
        let (s, p) = app.api(&committee, Method::PUT, &format!("/elevators/{id}/plan"), Some(plan(1, "458000", &[(1, "0"), (2, "0"), (3, "10"), (4, "20"), (5, "30"), (6, "30"), (7, "10")]))).await;
        assert_eq!(s, 200, "{p}");
        let (s, err) = app.api(&committee, Method::GET, &format!("/elevators/{id}/shares"), None).await;
        assert_api_error(s, &err, 422, "empty_floor", Some("coefficients"));
        let (s, err) = app.api(&committee, Method::POST, &format!("/elevators/{id}/shares/fix"), Some(json!({"version": p["version"]}))).await;
        assert_api_error(s, &err, 422, "empty_floor", Some("coefficients"));
        assert_eq!(app.sql_i64(&format!("SELECT COUNT(*) FROM elevator_share WHERE project_id = {id}")).await, 0);
        // A stale version is refused too.
        let (s, err) = app.api(&committee, Method::PUT, &format!("/elevators/{id}/plan"), Some(plan(1, "458000", &XINMIN))).await;
        assert_api_error(s, &err, 409, "stale_version", Some("version"));
        assert_eq!(app.audit_count().await, before + 1, "only the one good plan was recorded");
        // Messages name the field in the user's language.
        let (_, err) = app.api_en(&committee, Method::PUT, &format!("/elevators/{id}/plan"), Some(plan(2, "-1", &XINMIN))).await;
        assert!(err["message"].as_str().unwrap().starts_with("Total cost cannot be negative"), "{err}");
    }

    async fn the_pages_take_a_project_from_plan_to_bills(app) {
        let committee = app.token("committee").await;
        let c = compound(&app);
        let unit = six_floor_unit(&app, c).await;
        let (_, p) = create(&app, &committee, c, unit, None).await;
        let id = p["id"].as_i64().unwrap();
        let unit_name = p["unit_name"].as_str().unwrap().to_string();
        let b = app.browser_login("committee").await;
        let (s, board) = b.get(&format!("/compounds/{c}/elevators")).await;
        assert_eq!(s, 200);
        assert!(board.contains(&unit_name) && board.contains(&format!("/elevators/{id}")), "the board lists the project");
        let (s, compound_page) = b.get(&format!("/compounds/{c}")).await;
        assert_eq!(s, 200);
        assert!(compound_page.contains(&format!("/compounds/{c}/elevators")), "the compound page links the board");

        // A refused plan comes back with the field marked and the typed values kept.
        let page = format!("/elevators/{id}");
        let action = format!("/elevators/{id}/plan");
        let mut fields = vec![("version", "1"), ("responsible", "老周"), ("installer", ""), ("total_cost", "-1"), ("subsidy_preset", "shanghai")];
        let coefs = [("coef_1", "0"), ("coef_2", "0"), ("coef_3", "10"), ("coef_4", "20"), ("coef_5", "30"), ("coef_6", "40")];
        fields.extend_from_slice(&coefs);
        let (s, body, _) = b.submit(&page, &action, &fields).await;
        assert_eq!(s, 422, "{body}");
        assert!(body.contains("总造价：不能是负数") || body.contains("Total cost cannot be negative"), "{body}");
        assert!(body.contains("aria-invalid") && body.contains("value=\"老周\""), "{body}");
        fields[3] = ("total_cost", "458000");
        let (s, _, location) = b.submit(&page, &action, &fields).await;
        assert_eq!(s, 303);
        assert_eq!(location.as_deref(), Some(format!("/elevators/{id}#plan").as_str()));

        // Fix the table, record a payment through the form, print the notice and the bills.
        let (s, _, _) = b.submit(&page, &format!("/elevators/{id}/shares/fix"), &[("version", "2")]).await;
        assert_eq!(s, 303);
        let (s, table) = b.get(&format!("/elevators/{id}/shares")).await;
        assert_eq!(s, 200);
        assert!(table.contains("274800.00"), "the amount due is on the notice");
        let (_, t) = app.api(&committee, Method::GET, &format!("/elevators/{id}/shares"), None).await;
        let top = t["lines"].as_array().unwrap().iter().rev().find(|l| l["floor"] == 6).unwrap().clone();
        let hh = top["household_id"].as_i64().unwrap().to_string();
        let over = format!("{}", top["share"].as_i64().unwrap() / 100 + 1);
        let pay_action = format!("/elevators/{id}/payments");
        let shares_page = format!("/elevators/{id}/shares");
        let (s, body, _) = b.submit(&shares_page, &pay_action, &[("household_id", &hh), ("amount", &over), ("method", "transfer"), ("receipt_no", "R-1")]).await;
        assert_eq!(s, 422, "{body}");
        assert!(body.contains("aria-invalid") && body.contains("R-1"), "{body}");
        let (s, _, _) = b.submit(&shares_page, &pay_action, &[("household_id", &hh), ("amount", top["share_yuan"].as_str().unwrap()), ("method", "transfer"), ("receipt_no", "R-1")]).await;
        assert_eq!(s, 303);
        let (s, bills) = b.get(&format!("/elevators/{id}/bills")).await;
        assert_eq!(s, 200);
        assert_eq!(bills.matches("class=\"printable consent-form ev-bill\"").count() as i64, t["lines"].as_array().unwrap().len() as i64);
        let (s, reminders) = b.get(&format!("/elevators/{id}/bills?owing=1")).await;
        assert_eq!(s, 200);
        assert!(!reminders.contains(&format!("id=\"bill-{hh}\"")), "the household that paid gets no reminder");
        assert!(reminders.matches("class=\"printable consent-form ev-bill\"").count() > 0);
        let (s, bill) = b.get(&format!("/elevators/{id}/bills/{hh}")).await;
        assert_eq!(s, 200);
        assert!(bill.contains("R-1") && bill.contains(top["share_yuan"].as_str().unwrap()), "{bill}");
        // R-1 was a mistake: the committee voids it from the page, with the reason.
        let (_, page) = b.get(&shares_page).await;
        let pid = app.sql_i64(&format!("SELECT id FROM elevator_payment WHERE project_id = {id} AND receipt_no = 'R-1'")).await;
        let void_action = format!("/elevators/{id}/payments/{pid}/void");
        assert!(page.contains(&void_action), "the void form is on the page");
        let (s, _, _) = b.submit(&shares_page, &void_action, &[("reason", "收据号写错了")]).await;
        assert_eq!(s, 303);
        let (_, bill) = b.get(&format!("/elevators/{id}/bills/{hh}")).await;
        assert!(bill.contains("VOID-") && bill.contains("冲正"), "the correction is on the bill: {bill}");
        let owed = app.sql_i64(&format!("SELECT CAST(SUM(amount) AS BIGINT) FROM elevator_payment WHERE project_id = {id} AND household_id = {hh}")).await;
        assert_eq!(owed, 0, "paid and voided: nothing counts as paid");
    }

    async fn the_demo_gives_ganquanyuan_its_34_projects(app) {
        let g = app.sql_i64("SELECT id FROM compound WHERE name = '甘泉苑'").await;
        let by_stage = |stage: &str| format!("SELECT COUNT(*) FROM elevator_project WHERE compound_id = {g} AND stage = '{stage}'");
        assert_eq!(app.sql_i64(&by_stage("operation")).await, 28);
        assert_eq!(app.sql_i64(&by_stage("construction")).await, 5);
        assert_eq!(app.sql_i64(&by_stage("funding")).await, 1);
        // Every demo table adds up to its amount due, to the fen; only the waiting unit owes.
        let off = app.sql_i64("SELECT COUNT(*) FROM elevator_project p WHERE p.total_cost - p.subsidy <> (SELECT CAST(SUM(s.amount) AS BIGINT) FROM elevator_share s WHERE s.project_id = p.id)").await;
        assert_eq!(off, 0);
        let owing = app.sql_i64("SELECT COUNT(*) FROM elevator_project p WHERE (SELECT CAST(SUM(s.amount) AS BIGINT) FROM elevator_share s WHERE s.project_id = p.id) > (SELECT CAST(COALESCE(SUM(x.amount), 0) AS BIGINT) FROM elevator_payment x WHERE x.project_id = p.id)").await;
        assert_eq!(owing, 1);
    }

    async fn a_unit_head_collects_in_their_own_stairwell_only(app) {
        let committee = app.token("committee").await;
        let head = app.token("unithead").await;
        let c = compound(&app);
        let unit = app.persona_place("unithead");
        let (s, p) = create(&app, &committee, c, unit, None).await;
        assert_eq!(s, 201, "{p}");
        let id = p["id"].as_i64().unwrap();
        let table: Vec<(i32, String)> = p["coefficients"].as_array().unwrap().iter().map(|r| (r["floor"].as_i64().unwrap() as i32, r["percent"].as_str().unwrap().to_string())).collect();
        let table: Vec<(i32, &str)> = table.iter().map(|(f, x)| (*f, x.as_str())).collect();
        let (s, p) = app.api(&committee, Method::PUT, &format!("/elevators/{id}/plan"), Some(plan(1, "400000", &table))).await;
        assert_eq!(s, 200, "{p}");
        // The unit head may not change the plan or fix the table.
        let (s, err) = app.api(&head, Method::POST, &format!("/elevators/{id}/shares/fix"), Some(json!({"version": p["version"]}))).await;
        assert_api_error(s, &err, 403, "forbidden", None);
        let (s, t) = app.api(&committee, Method::POST, &format!("/elevators/{id}/shares/fix"), Some(json!({"version": p["version"]}))).await;
        assert_eq!(s, 200, "{t}");
        let line = t["lines"].as_array().unwrap().iter().find(|l| l["share"].as_i64().unwrap() > 0).unwrap().clone();
        let (s, paid) = app
            .api(&head, Method::POST, &format!("/elevators/{id}/payments"), Some(json!({"household_id": line["household_id"], "amount": line["share_yuan"], "method": "transfer", "receipt_no": "U-1"})))
            .await;
        assert_eq!(s, 201, "{paid}");
        assert_eq!(paid["recorded_by_name"], "单元长 赵阿姨");
        // Another unit's project is not theirs.
        let other = six_floor_unit(&app, c).await;
        let (_, q) = create(&app, &committee, c, other, None).await;
        let (s, err) = app.api(&head, Method::POST, &format!("/elevators/{}/payments", q["id"]), Some(json!({"household_id": 1, "amount": "1", "method": "cash", "receipt_no": "U-2"}))).await;
        assert_api_error(s, &err, 403, "forbidden", None);
    }

    async fn reminders_reach_the_owners_who_still_owe_once_a_day(app) {
        let committee = app.token("committee").await;
        let resident = app.token("resident").await;
        let owner = app.token("owner").await;
        let c = compound(&app);
        let home = app.persona_place("owner");
        let h = app.household_json(&owner, home).await;
        let unit = h["household"]["unit_id"].as_i64().unwrap();
        let floor = h["household"]["floor"].as_i64().unwrap();
        let (s, p) = create(&app, &committee, c, unit, None).await;
        assert_eq!(s, 201, "{p}");
        let id = p["id"].as_i64().unwrap();
        // Everything falls on the owner's floor, so the owner's household owes.
        let table: Vec<(i32, String)> = p["coefficients"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let f = r["floor"].as_i64().unwrap();
                (f as i32, if f == floor { "100".to_string() } else { "0".to_string() })
            })
            .collect();
        let table: Vec<(i32, &str)> = table.iter().map(|(f, s)| (*f, s.as_str())).collect();
        let (s, p) = app.api(&committee, Method::PUT, &format!("/elevators/{id}/plan"), Some(plan(p["version"].as_i64().unwrap(), "300000", &table))).await;
        assert_eq!(s, 200, "{p}");

        // Not before the table is fixed; never by a resident.
        let (s, err) = app.api(&committee, Method::POST, &format!("/elevators/{id}/reminders"), None).await;
        assert_api_error(s, &err, 422, "stage_blocked", Some("shares"));
        let (s, fixed) = app.api(&committee, Method::POST, &format!("/elevators/{id}/shares/fix"), Some(json!({"version": p["version"]}))).await;
        assert_eq!(s, 200, "{fixed}");
        let (s, err) = app.api(&resident, Method::POST, &format!("/elevators/{id}/reminders"), None).await;
        assert_api_error(s, &err, 403, "forbidden", None);

        let owing = app.sql_i64(&format!("SELECT COUNT(*) FROM elevator_share WHERE project_id = {id} AND amount > 0")).await;
        let before = app.sql_i64("SELECT COUNT(*) FROM notification WHERE kind = 'elevator.reminder'").await;
        let (s, batch) = app.api(&committee, Method::POST, &format!("/elevators/{id}/reminders"), None).await;
        assert_eq!(s, 201, "{batch}");
        assert_eq!(batch["households"].as_i64(), Some(owing));
        let queued = app.sql_i64("SELECT COUNT(*) FROM notification WHERE kind = 'elevator.reminder'").await - before;
        assert_eq!(batch["notifications"].as_i64(), Some(queued));
        assert!(queued >= 1, "the owner has an account: {batch}");
        assert_eq!(batch["on_paper"].as_i64().unwrap() + queued.min(owing), owing, "{batch}");
        let link = format!("/elevators/{id}/bills/{home}");
        assert_eq!(app.sql_i64(&format!("SELECT COUNT(*) FROM notification WHERE kind = 'elevator.reminder' AND link = '{link}'")).await, 1, "the owner's reminder links their bill");

        // A second batch the same day is refused and queues nothing.
        let (s, err) = app.api(&committee, Method::POST, &format!("/elevators/{id}/reminders"), None).await;
        assert_api_error(s, &err, 422, "reminded_today", Some("reminders"));
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM notification WHERE kind = 'elevator.reminder'").await - before, queued);

        // The page shows the button to those who collect, and what went out.
        let b = app.browser_login("committee").await;
        let (s, page) = b.get(&format!("/elevators/{id}/shares")).await;
        assert_eq!(s, 200);
        assert!(page.contains(&format!("action=\"/elevators/{id}/reminders\"")), "the remind button");
    }
}
