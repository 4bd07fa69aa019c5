//! The compound's money through the API and the pages, on SQLite and PostgreSQL: income from
//! the five channels and expenses with receipts add up to the fen in a statement; a posted
//! statement never changes and a correction lands in the next one; the maintenance fund is
//! spent only with a passed "use the fund" decision or as a marked emergency (published
//! after), with the 30% top-up warning; residents read statements but do not record; and an
//! elevator payment is residents' income of its project's account, reversed by its void.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{TestApp, assert_api_error, csrf_of};
use reqwest::Method;
use serde_json::{Value, json};

const JPEG: &[u8] = common::TINY_JPEG;

fn compound(app: &TestApp) -> i64 {
    app.persona_place("committee")
}

/// Uploads a receipt photo; its attachment id.
async fn receipt(app: &TestApp, token: &str, compound: i64) -> i64 {
    let res = app
        .client
        .post(app.url(&format!(
            "/api/v1/compounds/{compound}/files?purpose=attachment&name=receipt.jpg"
        )))
        .bearer_auth(token)
        .body(JPEG.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 201);
    res.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

async fn open(app: &TestApp, token: &str, compound: i64, body: Value) -> i64 {
    let (s, a) = app
        .api(
            token,
            Method::POST,
            &format!("/compounds/{compound}/funds"),
            Some(body),
        )
        .await;
    assert_eq!(s, 201, "{a}");
    a["id"].as_i64().unwrap()
}

async fn record(app: &TestApp, token: &str, account: i64, body: Value) -> (u16, Value) {
    app.api(
        token,
        Method::POST,
        &format!("/funds/{account}/entries"),
        Some(body),
    )
    .await
}

fn line<'a>(lines: &'a Value, code: &str) -> &'a Value {
    &lines
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["code"] == code)
        .unwrap()["amount"]
}

async fn statement(app: &TestApp, token: &str, account: i64, from: &str, to: &str) -> Value {
    let (s, st) = app
        .api(
            token,
            Method::GET,
            &format!("/funds/{account}/statement?from={from}&to={to}"),
            None,
        )
        .await;
    assert_eq!(s, 200, "{st}");
    st
}

async fn entries(app: &TestApp) -> i64 {
    app.sql_i64("SELECT COUNT(*) FROM fund_entry").await
}

async fn unit_proposal(app: &TestApp, token: &str, compound: i64, matter: &str) -> i64 {
    let (s, p) = app
        .api(token, Method::POST, &format!("/compounds/{compound}/proposals"), Some(json!({"scope": "compound", "scope_id": compound, "title": "维修资金", "body": "", "matter": matter, "preset": ""})))
        .await;
    assert_eq!(s, 201, "{p}");
    p["id"].as_i64().unwrap()
}

/// A unit of the compound without a project, whose households live on floors 1 to 6 exactly.
async fn six_floor_unit(app: &TestApp, compound: i64) -> i64 {
    app.sql_i64(&format!(
        "SELECT unit_id FROM household WHERE compound_id = {compound} AND unit_id NOT IN (SELECT unit_id FROM elevator_project) GROUP BY unit_id HAVING MIN(floor) = 1 AND MAX(floor) = 6 AND COUNT(DISTINCT floor) = 6 ORDER BY unit_id LIMIT 1"
    ))
    .await
}

both_backends! {
    async fn a_statement_adds_up_to_the_fen_and_a_posted_one_never_changes(app) {
        let committee = app.token("committee").await;
        let resident = app.token("resident").await;
        let c = compound(&app);
        let acc = open(&app, &committee, c, json!({"kind": "compound", "name": "测试小区账户"})).await;
        let photo = receipt(&app, &committee, c).await;
        // Before the quarter: the opening balance.
        let income = |source: &str, amount: &str, day: &str| json!({"direction": "income", "category": source, "amount": amount, "occurred_on": day, "note": "t"});
        for (source, amount, day) in [
            ("residents", "100.00", "2025-03-31"),
            ("government_reward", "50,000", "2025-04-01"),
            ("residents", "1234.56", "2025-04-15"),
            ("support_unit", "0.01", "2025-05-20"),
            ("charity", "500", "2025-06-30"),
            ("public_income", "3600.99", "2025-06-01"),
        ] {
            let (s, e) = record(&app, &committee, acc, income(source, amount, day)).await;
            assert_eq!(s, 201, "{e}");
        }
        let (s, e) = record(&app, &committee, acc, json!({"direction": "expense", "category": "security", "amount": "3000.01", "occurred_on": "2025-05-05", "receipt_id": photo})).await;
        assert_eq!(s, 201, "{e}");
        assert_eq!(e["amount"], -300_001, "expenses are negative in the ledger");
        // After the quarter: not in it.
        let (s, _) = record(&app, &committee, acc, json!({"direction": "expense", "category": "cleaning", "amount": "99", "occurred_on": "2025-07-01", "receipt_id": photo})).await;
        assert_eq!(s, 201);

        // Bad input: refused, the field named, nothing written.
        let before = (entries(&app).await, app.audit_count().await);
        for (body, code, field) in [
            (income("charity", "-5", "2025-05-01"), "negative", "amount"),
            (income("charity", "0", "2025-05-01"), "not_positive", "amount"),
            (income("charity", "1.001", "2025-05-01"), "too_many_decimals", "amount"),
            (income("lottery", "5", "2025-05-01"), "bad_choice", "category"),
            (income("charity", "5", "2025-02-30"), "bad_date", "occurred_on"),
            (income("charity", "5", "2999-01-01"), "future_period", "occurred_on"),
            (json!({"direction": "expense", "category": "repair", "amount": "5"}), "required", "receipt"),
            (json!({"direction": "expense", "category": "repair", "amount": "5", "receipt_id": photo, "emergency": "leak"}), "emergency_only_maintenance", "emergency"),
        ] {
            let (s, err) = record(&app, &committee, acc, body).await;
            assert_api_error(s, &err, 422, code, Some(field));
        }
        // Residents read posted statements but neither record nor read the live ledger.
        let (s, err) = record(&app, &resident, acc, income("charity", "5", "2025-05-01")).await;
        assert_api_error(s, &err, 403, "forbidden", None);
        let (s, _) = app.api(&resident, Method::GET, &format!("/funds/{acc}/statement?from=2025-04-01&to=2025-06-30"), None).await;
        assert_eq!(s, 403);
        assert_eq!((entries(&app).await, app.audit_count().await), before, "nothing written");

        let st = statement(&app, &committee, acc, "2025-04-01", "2025-06-30").await;
        assert_eq!(st["period_label"], "2025Q2");
        assert_eq!(st["opening"], 10_000);
        assert_eq!(line(&st["income"], "government_reward"), 5_000_000);
        assert_eq!(line(&st["income"], "residents"), 123_456);
        assert_eq!(line(&st["income"], "support_unit"), 1);
        assert_eq!(line(&st["income"], "charity"), 50_000);
        assert_eq!(line(&st["income"], "public_income"), 360_099);
        assert_eq!(st["income_total"], 5_000_000 + 123_456 + 1 + 50_000 + 360_099);
        assert_eq!(line(&st["expenses"], "security"), 300_001);
        assert_eq!(line(&st["expenses"], "cleaning"), 0);
        assert_eq!(st["expense_total"], 300_001);
        assert_eq!(st["closing"], 10_000 + 5_533_556 - 300_001);
        assert_eq!(st["closing_yuan"], "52435.55");
        assert!(st["posted"].is_null());

        // Post it (公示): frozen; once per period; nothing more dated in it.
        let (s, posted) = app.api(&committee, Method::POST, &format!("/funds/{acc}/statements"), Some(json!({"from": "2025-04-01", "to": "2025-06-30"}))).await;
        assert_eq!(s, 201, "{posted}");
        let sid = posted["posted"]["id"].as_i64().unwrap();
        assert_eq!(posted["closing"], st["closing"]);
        let (s, err) = app.api(&committee, Method::POST, &format!("/funds/{acc}/statements"), Some(json!({"from": "2025-04-01", "to": "2025-06-30"}))).await;
        assert_api_error(s, &err, 422, "taken", Some("period_to"));
        let (s, err) = app.api(&committee, Method::POST, &format!("/funds/{acc}/statements"), Some(json!({"from": "2099-01-01", "to": "2099-03-31"}))).await;
        assert_api_error(s, &err, 422, "future_period", Some("period_to"));
        let (s, err) = record(&app, &committee, acc, income("charity", "5", "2025-05-01")).await;
        assert_api_error(s, &err, 422, "period_posted", Some("occurred_on"));
        assert!(err["message"].as_str().unwrap().contains("2025-06-30"), "{err}");
        // There is no way to edit a posted statement or an entry.
        let eid = app.sql_i64(&format!("SELECT id FROM fund_entry WHERE account_id = {acc} AND category = 'charity'")).await;
        for (method, path) in [(Method::PUT, format!("/fund-statements/{sid}")), (Method::PATCH, format!("/fund-statements/{sid}")), (Method::DELETE, format!("/fund-statements/{sid}")), (Method::DELETE, format!("/funds/{acc}/entries/{eid}")), (Method::PUT, format!("/funds/{acc}/entries/{eid}"))] {
            let (s, _) = app.api(&committee, method.clone(), &path, Some(json!({"closing": 0}))).await;
            assert!(s == 404 || s == 405, "{method} {path}: {s}");
        }

        // The 500 yuan of charity was wrong: corrected by a reversing entry dated after the
        // posted period; the entry stays; once only.
        let (s, err) = app.api(&committee, Method::POST, &format!("/funds/{acc}/entries/{eid}/correct"), Some(json!({"reason": ""}))).await;
        assert_api_error(s, &err, 422, "required", Some("reason"));
        let (s, fix) = app.api(&committee, Method::POST, &format!("/funds/{acc}/entries/{eid}/correct"), Some(json!({"reason": "捐款记错了账户"}))).await;
        assert_eq!(s, 201, "{fix}");
        assert_eq!(fix["amount"], -50_000);
        assert_eq!(fix["category"], "charity");
        assert_eq!(fix["corrects_entry_id"], eid);
        assert!(fix["occurred_on"].as_str().unwrap() > "2025-06-30");
        let fid = fix["id"].as_i64().unwrap();
        for id in [eid, fid] {
            let (s, err) = app.api(&committee, Method::POST, &format!("/funds/{acc}/entries/{id}/correct"), Some(json!({"reason": "again"}))).await;
            assert_api_error(s, &err, 422, "already_corrected", Some("entry_id"));
        }
        assert_eq!(app.sql_i64(&format!("SELECT amount FROM fund_entry WHERE id = {eid}")).await, 50_000, "the entry itself is unchanged");

        // The posted statement is as it was, for the resident too; the correction is in the next one.
        let (s, again) = app.api(&resident, Method::GET, &format!("/fund-statements/{sid}"), None).await;
        assert_eq!(s, 200, "{again}");
        assert_eq!(again["closing"], st["closing"]);
        assert_eq!(line(&again["income"], "charity"), 50_000);
        assert_eq!(again["posted"]["id"], sid);
        let today = fix["occurred_on"].as_str().unwrap().to_string();
        let next = statement(&app, &committee, acc, "2025-07-01", &today).await;
        assert_eq!(next["opening"], st["closing"]);
        assert_eq!(line(&next["income"], "charity"), -50_000);
        assert_eq!(line(&next["expenses"], "cleaning"), 9_900);
        assert_eq!(next["closing"], st["closing"].as_i64().unwrap() - 50_000 - 9_900);
        let (s, list) = app.api(&resident, Method::GET, &format!("/compounds/{c}/funds"), None).await;
        assert_eq!(s, 200, "{list}");
        assert!(list["statements"].as_array().unwrap().iter().any(|x| x["id"] == sid), "{list}");
        assert_eq!(list["can_manage"], false);
        let (_, account) = app.api(&committee, Method::GET, &format!("/funds/{acc}"), None).await;
        assert_eq!(account["account"]["balance"], next["closing"]);
        assert_eq!(account["account"]["posted_until"], "2025-06-30");
        assert_eq!(account["entries"]["total"], 9);
        assert_eq!(account["entries"]["items"][0]["id"], fid, "newest first");
    }

    async fn the_maintenance_fund_is_spent_with_a_passed_decision_or_as_an_emergency(app) {
        let committee = app.token("committee").await;
        let c = compound(&app);
        let (_, list) = app.api(&committee, Method::GET, &format!("/compounds/{c}/funds"), None).await;
        let building = list["open_buildings"][0]["id"].as_i64().unwrap();
        let (s, err) = app.api(&committee, Method::POST, &format!("/compounds/{c}/funds"), Some(json!({"kind": "maintenance", "building_id": building, "initial_deposit": "-1"}))).await;
        assert_api_error(s, &err, 422, "negative", Some("initial_deposit"));
        let acc = open(&app, &committee, c, json!({"kind": "maintenance", "building_id": building, "initial_deposit": "10000"})).await;
        let (s, err) = app.api(&committee, Method::POST, &format!("/compounds/{c}/funds"), Some(json!({"kind": "maintenance", "building_id": building, "initial_deposit": "1"}))).await;
        assert_api_error(s, &err, 422, "taken", Some("building_id"));
        let households: Vec<(i64, i64)> = app.sql_pairs(&format!("SELECT id, area_centi FROM household WHERE building_id = {building} ORDER BY id")).await;
        let (h1, h2) = (households[0].0, households[1].0);
        for h in [h1, h2] {
            let (s, e) = record(&app, &committee, acc, json!({"direction": "income", "category": "residents", "amount": "5000", "household_id": h, "note": "首期归集"})).await;
            assert_eq!(s, 201, "{e}");
        }
        let other_building = app.sql_i64(&format!("SELECT MIN(id) FROM household WHERE compound_id = {c} AND building_id <> {building}")).await;
        let (s, err) = record(&app, &committee, acc, json!({"direction": "income", "category": "residents", "amount": "1", "household_id": other_building})).await;
        assert_api_error(s, &err, 422, "other_compound", Some("household_id"));

        let photo = receipt(&app, &committee, c).await;
        let use_fund = unit_proposal(&app, &committee, c, "use_fund").await;
        let raise = unit_proposal(&app, &committee, c, "raise_fund").await;
        let spend = |amount: &str, extra: Value| {
            let mut b = json!({"direction": "expense", "category": "repair", "amount": amount, "receipt_id": photo, "note": "屋面防水"});
            b.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            b
        };
        let before = (entries(&app).await, app.audit_count().await);
        let (s, err) = record(&app, &committee, acc, spend("2000", json!({}))).await;
        assert_api_error(s, &err, 422, "fund_needs_decision", Some("proposal_id"));
        let (_, en) = app.api_en(&committee, Method::POST, &format!("/funds/{acc}/entries"), Some(spend("2000", json!({})))).await;
        let msg = en["message"].as_str().unwrap();
        assert!(msg.contains("Use the maintenance fund") && msg.contains("Art. 278 item 5"), "{msg}");
        let (s, err) = record(&app, &committee, acc, spend("2000", json!({"proposal_id": use_fund}))).await;
        assert_api_error(s, &err, 422, "decision_not_passed", Some("proposal_id"));
        assert_eq!(app.sql_exec(&format!("UPDATE proposal SET stage = 'passed' WHERE id = {raise}")).await, 1);
        let (s, err) = record(&app, &committee, acc, spend("2000", json!({"proposal_id": raise}))).await;
        assert_api_error(s, &err, 422, "wrong_matter", Some("proposal_id"));
        // Raising the fund needs the raise decision, and only that.
        let (s, err) = record(&app, &committee, acc, json!({"direction": "income", "category": "residents", "amount": "1", "top_up": true})).await;
        assert_api_error(s, &err, 422, "fund_needs_decision", Some("proposal_id"));
        assert_eq!((entries(&app).await, app.audit_count().await), before, "nothing written");

        assert_eq!(app.sql_exec(&format!("UPDATE proposal SET stage = 'passed' WHERE id = {use_fund}")).await, 1);
        let (s, e) = record(&app, &committee, acc, spend("2000", json!({"proposal_id": use_fund}))).await;
        assert_eq!(s, 201, "{e}");
        // The spending falls on the building's households by area, to the fen.
        let eid = e["id"].as_i64().unwrap();
        assert_eq!(app.sql_i64(&format!("SELECT CAST(SUM(amount) AS BIGINT) FROM fund_share WHERE entry_id = {eid}")).await, -200_000);
        let total_area: i64 = households.iter().map(|h| h.1).sum();
        let share1 = -app.sql_i64(&format!("SELECT COALESCE(CAST(SUM(amount) AS BIGINT), 0) FROM fund_share WHERE entry_id = {eid} AND household_id = {h1}")).await;
        assert!((share1 * total_area - 200_000 * households[0].1).abs() < total_area, "within a fen of its exact share");

        // An emergency is paid first: exactly 30% left is no warning, a fen less is.
        let (s, e) = record(&app, &committee, acc, spend("5000", json!({"emergency": "leak", "note": "顶楼漏水"}))).await;
        assert_eq!(s, 201, "{e}");
        assert_eq!(e["emergency"], "leak");
        let (_, v) = app.api(&committee, Method::GET, &format!("/funds/{acc}"), None).await;
        assert_eq!(v["account"]["balance"], 300_000);
        assert_eq!(v["account"]["needs_top_up"], false);
        let (s, _) = record(&app, &committee, acc, spend("0.01", json!({"emergency": "drain"}))).await;
        assert_eq!(s, 201);
        let (_, v) = app.api(&committee, Method::GET, &format!("/funds/{acc}"), None).await;
        assert_eq!(v["account"]["balance"], 299_999);
        assert_eq!(v["account"]["needs_top_up"], true);
        assert_eq!(v["unpublished_emergencies"].as_array().unwrap().len(), 2, "{v}");
        // Every household of the building is listed; their balances add up to the fund's.
        let hh = v["households"].as_array().unwrap();
        assert_eq!(hh.len(), households.len());
        assert_eq!(hh.iter().map(|h| h["balance"].as_i64().unwrap()).sum::<i64>(), 299_999);

        // Published after: the statement lists them; once posted they are no longer pending.
        let today = e["occurred_on"].as_str().unwrap().to_string();
        let from = format!("{}-01", &today[..7]);
        let st = statement(&app, &committee, acc, &from, &today).await;
        assert_eq!(st["emergencies"].as_array().unwrap().len(), 2);
        assert_eq!(st["emergencies"][0]["amount"], 500_000);
        assert_eq!(line(&st["expenses"], "repair"), 700_001);
        let (s, p) = app.api(&committee, Method::POST, &format!("/funds/{acc}/statements"), Some(json!({"from": from, "to": today}))).await;
        assert_eq!(s, 201, "{p}");
        let (_, v) = app.api(&committee, Method::GET, &format!("/funds/{acc}"), None).await;
        assert_eq!(v["unpublished_emergencies"].as_array().unwrap().len(), 0);
        assert!(v["first_open_day"].as_str().unwrap() > today.as_str(), "today is posted: new entries go to tomorrow");
    }

    async fn an_elevator_payment_is_residents_income_of_its_project_and_a_void_reverses_it(app) {
        let committee = app.token("committee").await;
        let c = compound(&app);
        let unit = six_floor_unit(&app, c).await;
        let (s, p) = app.api(&committee, Method::POST, &format!("/compounds/{c}/elevators"), Some(json!({"unit_id": unit}))).await;
        assert_eq!(s, 201, "{p}");
        let id = p["id"].as_i64().unwrap();
        let coefficients: Vec<Value> = [(1, "0"), (2, "0"), (3, "10"), (4, "20"), (5, "30"), (6, "40")].iter().map(|(f, x)| json!({"floor": f, "percent": x})).collect();
        let (s, p) = app.api(&committee, Method::PUT, &format!("/elevators/{id}/plan"), Some(json!({"version": 1, "responsible": "老周", "total_cost": "458000", "subsidy_preset": "shanghai", "coefficients": coefficients}))).await;
        assert_eq!(s, 200, "{p}");
        let (s, t) = app.api(&committee, Method::POST, &format!("/elevators/{id}/shares/fix"), Some(json!({"version": p["version"]}))).await;
        assert_eq!(s, 200, "{t}");
        let top = t["lines"].as_array().unwrap().iter().rev().find(|l| l["floor"] == 6).unwrap().clone();
        let (hh, share) = (top["household_id"].as_i64().unwrap(), top["share"].as_i64().unwrap());
        let (s, paid) = app.api(&committee, Method::POST, &format!("/elevators/{id}/payments"), Some(json!({"household_id": hh, "amount": top["share_yuan"], "method": "transfer", "receipt_no": "F-1", "paid_on": "2024-05-01"}))).await;
        assert_eq!(s, 201, "{paid}");

        let acc = app.sql_i64(&format!("SELECT id FROM fund_account WHERE project_id = {id}")).await;
        let (s, v) = app.api(&committee, Method::GET, &format!("/funds/{acc}"), None).await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["account"]["kind"], "project");
        assert_eq!(v["account"]["balance"], share);
        let e = &v["entries"]["items"][0];
        assert_eq!((e["direction"].as_str(), e["category"].as_str(), e["amount"].as_i64()), (Some("income"), Some("residents"), Some(share)));
        assert_eq!(e["payment_id"], paid["id"]);
        assert_eq!(e["household_id"], hh);
        assert_eq!(e["occurred_on"], "2024-05-01");
        let q2 = statement(&app, &committee, acc, "2024-04-01", "2024-06-30").await;
        assert_eq!(line(&q2["income"], "residents"), share);

        // The payment is voided: the project account gets the reversing entry, in the same transaction.
        let (s, v) = app.api(&committee, Method::POST, &format!("/elevators/{id}/payments/{}/void", paid["id"]), Some(json!({"reason": "收据号写错"}))).await;
        assert_eq!(s, 201, "{v}");
        let (_, a) = app.api(&committee, Method::GET, &format!("/funds/{acc}"), None).await;
        assert_eq!(a["account"]["balance"], 0);
        let rev = &a["entries"]["items"][0];
        assert_eq!(rev["amount"], -share);
        assert_eq!(rev["corrects_entry_id"], e["id"]);
        assert_eq!(rev["payment_id"], v["id"]);
        assert_eq!(a["entries"]["items"][1]["corrected_by"], rev["id"]);
        // The posted past is untouched: the void shows in the quarter it was made.
        let q2 = statement(&app, &committee, acc, "2024-04-01", "2024-06-30").await;
        assert_eq!(line(&q2["income"], "residents"), share);
        let today = rev["occurred_on"].as_str().unwrap();
        let now = statement(&app, &committee, acc, "2024-07-01", today).await;
        assert_eq!(line(&now["income"], "residents"), -share);
        assert_eq!(now["closing"], 0);
    }

    async fn the_pages_record_with_a_receipt_and_print_a_statement_residents_can_read(app) {
        let committee = app.token("committee").await;
        let c = compound(&app);
        let acc = open(&app, &committee, c, json!({"kind": "compound", "name": "页面测试账户"})).await;
        let b = app.browser_login("committee").await;
        let (s, page) = b.get(&format!("/compounds/{c}")).await;
        assert_eq!(s, 200);
        assert!(page.contains(&format!("/compounds/{c}/funds")), "the compound page links the accounts");
        let (s, page) = b.get(&format!("/compounds/{c}/funds")).await;
        assert_eq!(s, 200);
        assert!(page.contains(&format!("/funds/{acc}")) && page.contains("页面测试账户"));

        // An expense through the form, with its receipt photo, as a phone sends it.
        let account_page = format!("/funds/{acc}");
        let send = |fields: Vec<(&'static str, String)>, file: bool| {
            let b = &b;
            let account_page = account_page.clone();
            async move {
                let csrf = csrf_of(&b.get(&account_page).await.1);
                let boundary = "linlifunds";
                let mut body = Vec::new();
                for (name, value) in std::iter::once(("_csrf", csrf)).chain(fields) {
                    body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").into_bytes());
                }
                if file {
                    body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n").into_bytes());
                    body.extend_from_slice(JPEG);
                    body.extend(b"\r\n");
                }
                body.extend(format!("--{boundary}--\r\n").into_bytes());
                let res = b.client.post(format!("{}/funds/{acc}/entries", b.base)).header("content-type", format!("multipart/form-data; boundary={boundary}")).body(body).send().await.unwrap();
                (res.status().as_u16(), res.text().await.unwrap())
            }
        };
        let expense = |amount: &str| vec![("direction", "expense".to_string()), ("purpose", "greening".into()), ("source", "charity".into()), ("amount", amount.into()), ("occurred_on", "2025-08-08".into()), ("note", "修剪绿化".into())];
        let (s, body) = send(expense("1800"), false).await;
        assert_eq!(s, 422, "no receipt");
        assert!(body.contains("收据照片：必须填写") && body.contains("value=\"1800\""), "{body}");
        let (s, _) = send(expense("1800"), true).await;
        assert_eq!(s, 303);
        let (_, body) = b.get(&account_page).await;
        assert!(body.contains("修剪绿化") && body.contains("-1800.00") && body.contains("/files/"), "the entry with its receipt");
        let (s, _) = send(vec![("direction", "income".to_string()), ("source", "public_income".into()), ("purpose", "repair".into()), ("amount", "3600".into()), ("occurred_on", "2025-07-31".into())], false).await;
        assert_eq!(s, 303);

        // The statement page: printable, with the quarter picker and a download.
        let (s, st) = b.get(&format!("/funds/{acc}/statement?from=2025-07-01&to=2025-09-30")).await;
        assert_eq!(s, 200);
        assert!(st.contains("2025Q3") && st.contains("id=\"closing\"><strong>1800.00") && st.contains("data-print") && st.contains("data-confirm"), "{st}");
        let res = b.client.get(format!("{}/funds/{acc}/statement?from=2025-07-01&to=2025-09-30&format=xlsx", b.base)).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 200);
        assert!(res.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"));
        assert!(res.bytes().await.unwrap().starts_with(b"PK"), "an .xlsx is a zip");
        let (s, _) = b.get(&format!("/funds/{acc}/statement?from=2025-09-30&to=2025-07-01")).await;
        assert_eq!(s, 422, "a period that ends before it starts");

        // Post it through the form; the resident reads it on the phone but not the ledger.
        let (s, _, location) = b.submit(&format!("/funds/{acc}/statement?from=2025-07-01&to=2025-09-30"), &format!("/funds/{acc}/statements"), &[("from", "2025-07-01"), ("to", "2025-09-30")]).await;
        assert_eq!(s, 303);
        let posted = location.unwrap();
        assert!(posted.starts_with("/fund-statements/"));
        let r = app.browser_login("resident").await;
        let (s, list) = r.get(&format!("/compounds/{c}/funds")).await;
        assert_eq!(s, 200);
        assert!(list.contains(&posted) && list.contains("2025Q3"), "{list}");
        assert!(!list.contains("id=\"new-account\""), "no forms for residents");
        let (s, page) = r.get(&posted).await;
        assert_eq!(s, 200);
        assert!(page.contains("id=\"posted\"") && page.contains("1800.00") && !page.contains("data-confirm"), "{page}");
        let (s, _) = r.get(&account_page).await;
        assert_eq!(s, 403);
    }

    async fn the_demo_has_money_from_the_five_channels_and_a_fund_to_top_up(app) {
        let g = app.sql_i64("SELECT id FROM compound WHERE name = '甘泉苑'").await;
        let sources = app.sql_i64(&format!("SELECT COUNT(DISTINCT e.category) FROM fund_entry e JOIN fund_account a ON a.id = e.account_id WHERE a.compound_id = {g} AND a.kind = 'compound' AND e.direction = 'income'")).await;
        assert_eq!(sources, 5);
        // Every project account of a finished elevator balances to zero: payments + subsidy = cost.
        let off = app.sql_i64(&format!("SELECT COUNT(*) FROM fund_account a JOIN elevator_project p ON p.id = a.project_id WHERE a.compound_id = {g} AND p.stage = 'operation' AND (SELECT CAST(SUM(amount) AS BIGINT) FROM fund_entry e WHERE e.account_id = a.id) <> 0")).await;
        assert_eq!(off, 0);
        assert_eq!(app.sql_i64(&format!("SELECT COUNT(*) FROM fund_account WHERE compound_id = {g} AND kind = 'project'")).await, 34);
        let token = app.token("city").await;
        let (s, v) = app.api(&token, Method::GET, &format!("/compounds/{g}/funds"), None).await;
        assert_eq!(s, 200, "{v}");
        let fund = v["accounts"].as_array().unwrap().iter().find(|a| a["kind"] == "maintenance").unwrap();
        assert_eq!(fund["needs_top_up"], true, "甘泉苑's roof repair took 75% of the fund");
        let w = app.sql_i64("SELECT id FROM compound WHERE name = '纹江花园'").await;
        // (纹江花园 is in another city than the `city` login's: checked in the database.)
        let left = app.sql_pairs(&format!("SELECT a.initial_deposit, (SELECT CAST(SUM(amount) AS BIGINT) FROM fund_entry e WHERE e.account_id = a.id) FROM fund_account a WHERE a.compound_id = {w} AND a.kind = 'maintenance'")).await;
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].1 * 10, left[0].0 * 8, "a fifth of 纹江花园's fund was spent on its leak");
    }
}
