//! The civility rating (红"栋"力) through the API, on SQLite and PostgreSQL: the committee
//! adopts the 南国新家园 rubric and seats a four-party panel; the parties score a month (a
//! scorer never their own unit, once per unit); a veto makes a unit ineligible; the red flags
//! go to the top three eligible units under the tie rule; an appeal reverses a deduction and
//! the ranking moves, audited; the year's subsidies add up to the fen.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use crate::common::rating as rating_kit;

use common::{TestApp, assert_api_error, csrf_of};
use reqwest::Method;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

struct Setup {
    compound: i64,
    month: i64,
    committee: String,
    worker: String,
    buildinghead: String,
    unithead: String,
    /// The unit head's own unit, then five more units of the compound.
    units: Vec<i64>,
}

async fn setup(app: &TestApp) -> Setup {
    let committee = app.token("committee").await;
    let compound = app.persona_place("committee");
    // The first version comes from the preset; a second needs a passed proposal.
    let r = rating_kit::adopt_preset(app, &committee, compound, "2024-04").await;
    assert_eq!(r["version"], 1);
    let (s, err) = app
        .api(
            &committee,
            Method::POST,
            &format!("/compounds/{compound}/rating/rubrics"),
            Some(json!({"preset": "nanguo", "from_month": "2024-09"})),
        )
        .await;
    assert_api_error(s, &err, 422, "needs_decision", Some("proposal_id"));
    // A draft proposal is no decision either.
    let (s, p) = app
        .api(&committee, Method::POST, &format!("/compounds/{compound}/proposals"), Some(json!({"scope": "compound", "scope_id": compound, "title": "修改评分细则", "matter": "advisory"})))
        .await;
    assert_eq!(s, 201, "{p}");
    let (s, err) = app
        .api(
            &committee,
            Method::POST,
            &format!("/compounds/{compound}/rating/rubrics"),
            Some(json!({"preset": "nanguo", "from_month": "2024-09", "proposal_id": p["id"]})),
        )
        .await;
    assert_api_error(s, &err, 422, "needs_decision", Some("proposal_id"));
    // A resident may not adopt a rubric.
    let owner = app.token("owner").await;
    let (s, err) = app
        .api(
            &owner,
            Method::POST,
            &format!("/compounds/{compound}/rating/rubrics"),
            Some(json!({"preset": "nanguo", "from_month": "2024-04"})),
        )
        .await;
    assert_api_error(s, &err, 403, "forbidden", None);
    // The four parties.
    rating_kit::seat_panel(app, &committee, compound).await;
    let (s, err) = app
        .api(
            &committee,
            Method::POST,
            &format!("/compounds/{compound}/rating/panel"),
            Some(json!({"login": "owner", "party": "landlords"})),
        )
        .await;
    assert_api_error(s, &err, 422, "bad_choice", Some("party"));
    let m = rating_kit::open_month(app, &committee, compound, "2024-05").await;
    assert_eq!(m["rubric_version"], 1);
    let month = m["id"].as_i64().unwrap();
    let (s, err) = app
        .api(
            &committee,
            Method::POST,
            &format!("/compounds/{compound}/rating/months"),
            Some(json!({"month": "2024-05"})),
        )
        .await;
    assert_api_error(s, &err, 422, "taken", Some("month"));
    let (s, err) = app
        .api(
            &committee,
            Method::POST,
            &format!("/compounds/{compound}/rating/months"),
            Some(json!({"month": "2024-03"})),
        )
        .await;
    assert_api_error(s, &err, 422, "required", Some("rubric"));
    let own = app.persona_place("unithead");
    let mut units = vec![own];
    units.extend(
        m["units"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["unit_id"].as_i64().unwrap())
            .filter(|u| *u != own)
            .take(5),
    );
    assert_eq!(units.len(), 6);
    Setup {
        compound,
        month,
        committee,
        worker: app.token("worker").await,
        buildinghead: app.token("buildinghead").await,
        unithead: app.token("unithead").await,
        units,
    }
}

async fn sheet(app: &TestApp, token: &str, month: i64, unit: i64, marks: &[&str]) -> (u16, Value) {
    let marks: Vec<Value> = marks
        .iter()
        .map(|m| json!({"item": m, "note": "现场查看"}))
        .collect();
    app.api(
        token,
        Method::POST,
        &format!("/rating/months/{month}/sheets"),
        Some(json!({"unit_id": unit, "marks": marks})),
    )
    .await
}

fn unit_of(month: &Value, unit: i64) -> Value {
    month["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit_id"] == unit)
        .unwrap()
        .clone()
}

fn flagged(month: &Value) -> Vec<i64> {
    let mut v: Vec<i64> = month["units"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["flag"] == true)
        .map(|u| u["unit_id"].as_i64().unwrap())
        .collect();
    v.sort_unstable();
    v
}

fn sorted(mut v: Vec<i64>) -> Vec<i64> {
    v.sort_unstable();
    v
}

both_backends! {
    async fn four_parties_score_a_month_and_flags_follow_the_rules(app) {
        let s = setup(&app).await;
        let [own, b, d, e, f, a] = s.units[..] else { panic!() };
        let m = s.month;
        // (scorer, unit, taps)
        let plan: Vec<(&str, i64, Vec<&str>)> = vec![
            (&s.worker, own, vec!["clutter"]),
            (&s.committee, own, vec![]),
            (&s.buildinghead, own, vec![]),
            (&s.worker, b, vec![]), (&s.committee, b, vec![]), (&s.buildinghead, b, vec![]), (&s.unithead, b, vec![]),
            (&s.worker, d, vec!["litter"]), (&s.committee, d, vec![]), (&s.buildinghead, d, vec![]), (&s.unithead, d, vec![]),
            (&s.worker, e, vec!["stairs_dirty", "litter"]), (&s.committee, e, vec![]), (&s.buildinghead, e, vec![]), (&s.unithead, e, vec![]),
            (&s.worker, f, vec![]), (&s.committee, f, vec!["ebike_indoors"]), (&s.buildinghead, f, vec![]), (&s.unithead, f, vec![]),
            (&s.worker, a, vec![]), (&s.committee, a, vec![]), (&s.buildinghead, a, vec!["flying_lead"]), (&s.unithead, a, vec!["university"]),
        ];
        for (token, unit, taps) in &plan {
            let (st, v) = sheet(&app, token, m, *unit, taps).await;
            assert_eq!(st, 201, "{unit} {taps:?}: {v}");
        }
        // The unit head does not score the unit they live in and head.
        let (st, err) = sheet(&app, &s.unithead, m, own, &[]).await;
        assert_api_error(st, &err, 422, "own_unit", Some("unit_id"));
        // One sheet per scorer and unit.
        let (st, err) = sheet(&app, &s.worker, m, b, &[]).await;
        assert_api_error(st, &err, 422, "sheet_submitted", Some("unit_id"));
        // Four taps of clutter lose 20 in a category of at most 15; an unknown code is named.
        let (st, err) = sheet(&app, &s.unithead, m, s.units[1] + 1_000_000, &[]).await;
        assert_api_error(st, &err, 422, "other_compound", Some("unit_id"));
        let other = app.api(&s.committee, Method::GET, &format!("/rating/months/{m}"), None).await.1["units"].as_array().unwrap().iter()
            .map(|u| u["unit_id"].as_i64().unwrap()).find(|u| !s.units.contains(u)).unwrap();
        let (st, err) = sheet(&app, &s.unithead, m, other, &["clutter", "clutter", "clutter", "clutter"]).await;
        assert_api_error(st, &err, 422, "deduction_beyond_max", Some("marks"));
        assert!(err["message"].as_str().unwrap().contains("楼道环境"), "{err}");
        let (st, err) = sheet(&app, &s.unithead, m, other, &["no_such_item"]).await;
        assert_api_error(st, &err, 422, "unknown_item", Some("marks"));
        // Someone off the panel cannot score.
        let owner = app.token("owner").await;
        let (st, err) = sheet(&app, &owner, m, b, &[]).await;
        assert_api_error(st, &err, 422, "not_on_panel", Some("party"));

        let (st, month) = app.api(&owner, Method::GET, &format!("/rating/months/{m}"), None).await;
        assert_eq!(st, 200, "{month}");
        assert_eq!(unit_of(&month, b)["score"], "100.0");
        assert_eq!(unit_of(&month, d)["score"], "98.8"); // 395/4 = 98.75
        assert_eq!((unit_of(&month, d)["score_num"].as_i64(), unit_of(&month, d)["score_den"].as_i64()), (Some(395), Some(4)));
        assert_eq!(unit_of(&month, own)["score"], "98.3"); // three sheets: 295/3
        assert_eq!(unit_of(&month, own)["sheets"], 3);
        assert_eq!(unit_of(&month, e)["score"], "97.5");
        // The veto: full marks with a bonus, yet not eligible.
        assert_eq!(unit_of(&month, a)["no_flag"], "veto");
        assert_eq!(unit_of(&month, a)["rank"], Value::Null);
        assert_eq!(unit_of(&month, a)["vetoes"][0], "飞线充电");
        // d and f both have 98.75; d lost nothing in the tie rule's safety and corridor
        // categories, f lost 5 in safety: d is second, f third, and the unit head's unit fourth.
        assert_eq!(flagged(&month), sorted(vec![b, d, f]));
        assert_eq!(unit_of(&month, d)["rank"], 2);
        assert_eq!(unit_of(&month, f)["rank"], 3);
        assert_eq!(unit_of(&month, own)["no_flag"], "outside_top");
        assert_eq!(month["complete"], false);
        // The deduction as the score counts it: one party of three lost 5, so the party mean is 5/3.
        let clutter = unit_of(&month, own)["lines"].as_array().unwrap().iter().find(|l| l["item"] == "clutter").unwrap().clone();
        assert_eq!((clutter["points"].as_str(), clutter["points_num"].as_i64(), clutter["points_den"].as_i64()), (Some("-1.7"), Some(-5), Some(3)));
        assert_eq!(clutter["sheets"], 1);
        // A vetoed unit has no score for the month, only its veto.
        assert_eq!((unit_of(&month, a)["score"].clone(), unit_of(&month, a)["score_num"].clone()), (Value::Null, Value::Null));

        // Closing without every party's sheet for every unit needs a reason.
        let (st, err) = app.api(&s.committee, Method::POST, &format!("/rating/months/{m}/close"), Some(json!({}))).await;
        assert_api_error(st, &err, 422, "required", Some("reason"));
        let (st, err) = app.api(&s.unithead, Method::POST, &format!("/rating/months/{m}/close"), Some(json!({"reason": "x"}))).await;
        assert_api_error(st, &err, 403, "forbidden", None);
        let (st, closed) = app.api(&s.committee, Method::POST, &format!("/rating/months/{m}/close"), Some(json!({"reason": "其余单元本月未组织评分"}))).await;
        assert_eq!(st, 200, "{closed}");
        assert_eq!(closed["status"], "closed");
        let (st, err) = sheet(&app, &s.unithead, m, other, &[]).await;
        assert_api_error(st, &err, 422, "month_closed", Some("month"));

        // The unit head appeals the clutter deduction of their unit; another unit's head may not.
        let (st, detail) = app.api(&s.unithead, Method::GET, &format!("/rating/months/{m}/units/{own}"), None).await;
        assert_eq!(st, 200, "{detail}");
        assert_eq!(detail["can_appeal"], true);
        let mark = detail["sheets"].as_array().unwrap().iter().flat_map(|sh| sh["marks"].as_array().unwrap().clone()).find(|mk| mk["item"] == "clutter").unwrap();
        let mark_id = mark["id"].as_i64().unwrap();
        let (_, h) = app.api(&owner, Method::GET, &format!("/households/{}", app.persona_place("owner")), None).await;
        if h["household"]["unit_id"] != own {
            let (st, err) = app.api(&owner, Method::POST, &format!("/rating/months/{m}/appeals"), Some(json!({"mark_id": mark_id, "reason": "x"}))).await;
            assert_api_error(st, &err, 403, "forbidden", None);
        }
        let (st, appeal) = app.api(&s.unithead, Method::POST, &format!("/rating/months/{m}/appeals"), Some(json!({"mark_id": mark_id, "reason": "楼道里放的是轮椅，不算杂物"}))).await;
        assert_eq!(st, 201, "{appeal}");
        let (st, err) = app.api(&s.unithead, Method::POST, &format!("/rating/months/{m}/appeals"), Some(json!({"mark_id": mark_id, "reason": "再申诉"}))).await;
        assert_api_error(st, &err, 422, "taken", Some("mark_id"));
        let appeal_id = appeal["id"].as_i64().unwrap();
        let (st, err) = app.api(&s.unithead, Method::POST, &format!("/rating/appeals/{appeal_id}/decision"), Some(json!({"reverse": true, "reason": "x"}))).await;
        assert_api_error(st, &err, 403, "forbidden", None);
        let (st, err) = app.api(&s.committee, Method::POST, &format!("/rating/appeals/{appeal_id}/decision"), Some(json!({"reverse": true, "reason": ""}))).await;
        assert_api_error(st, &err, 422, "required", Some("reason"));
        let (st, decided) = app.api(&s.committee, Method::POST, &format!("/rating/appeals/{appeal_id}/decision"), Some(json!({"reverse": true, "reason": "经核实为轮椅，属不扣分情形"}))).await;
        assert_eq!(st, 200, "{decided}");
        assert_eq!(decided["status"], "reversed");
        // The ranking is recomputed: the unit head's unit now has 100 and a flag; f drops out.
        let (_, month) = app.api(&owner, Method::GET, &format!("/rating/months/{m}"), None).await;
        assert_eq!(unit_of(&month, own)["score"], "100.0");
        assert_eq!(flagged(&month), sorted(vec![b, d, own]));
        assert_eq!(unit_of(&month, f)["no_flag"], "outside_top");
        // … and audited with the ranking before and after.
        let conn = app.sql().await;
        let row = conn
            .query_one_raw(sea_orm::Statement::from_string(conn.get_database_backend(), r#"SELECT action, "before", "after" FROM audit ORDER BY id DESC LIMIT 1"#))
            .await.unwrap().unwrap();
        assert_eq!(row.try_get_by_index::<String>(0).unwrap(), "rating.appeal.decide");
        let before: Value = serde_json::from_str(&row.try_get_by_index::<String>(1).unwrap()).unwrap();
        let after: Value = serde_json::from_str(&row.try_get_by_index::<String>(2).unwrap()).unwrap();
        let flag_of = |v: &Value, u: i64| v["ranking"].as_array().unwrap().iter().find(|r| r["unit_id"] == u).unwrap()["flag"].clone();
        assert_eq!((flag_of(&before, own), flag_of(&after, own)), (json!(false), json!(true)));
        assert_eq!((flag_of(&before, f), flag_of(&after, f)), (json!(true), json!(false)));
        conn.close().await.unwrap();
        let report = app.store.verify_audit().await.unwrap();
        assert!(report.broken.is_none(), "{report:?}");

        // Year end: b, d and the unit head's unit hold one flag-month each and share first
        // place; each household gets 10% of its fee, and the lines add up to the fen.
        let home = app.persona_place("owner");
        let (st, year) = app.api(&s.committee, Method::GET, &format!("/compounds/{}/rating/years/2024?heads={home}", s.compound), None).await;
        assert_eq!(st, 200, "{year}");
        let awarded: Vec<i64> = year["units"].as_array().unwrap().iter().filter(|u| u["place"] == 1).map(|u| u["unit_id"].as_i64().unwrap()).collect();
        assert_eq!(sorted(awarded), sorted(vec![b, d, own]));
        let lines = year["subsidies"].as_array().unwrap();
        assert!(!lines.is_empty());
        let total: i64 = lines.iter().map(|l| l["subsidy"].as_i64().unwrap()).sum();
        assert_eq!(total, year["subsidy_total"].as_i64().unwrap());
        for unit in [b, d, own] {
            let fees: i64 = lines.iter().filter(|l| l["unit_id"] == unit).map(|l| l["fee"].as_i64().unwrap()).sum();
            let subsidies: i64 = lines.iter().filter(|l| l["unit_id"] == unit).map(|l| l["subsidy"].as_i64().unwrap()).sum();
            assert_eq!(subsidies, (fees + 5) / 10, "unit {unit}: 10% of {fees} fen, rounded once");
        }
        let head = &year["heads"][0];
        assert_eq!(head["household_id"], home);
        let fee = head["fee"].as_i64().unwrap();
        assert_eq!(head["total"].as_i64().unwrap(), (fee * 2 + 5) / 10);
        assert_eq!(head["base"].as_i64().unwrap() + head["extra"].as_i64().unwrap(), head["total"].as_i64().unwrap());
        let (st, err) = app.api(&s.unithead, Method::GET, &format!("/compounds/{}/rating/years/2024", s.compound), None).await;
        assert_api_error(st, &err, 403, "forbidden", None);
        let res = app.client.get(app.url(&format!("/api/v1/compounds/{}/rating/years/2024/xlsx?heads={home}", s.compound))).bearer_auth(&s.committee).send().await.unwrap();
        assert_eq!(res.status(), 200);
        let bytes = res.bytes().await.unwrap();
        assert!(bytes.starts_with(b"PK"), "an xlsx is a zip");
        // The same year on a page to check and print, totals in yuan to the fen.
        let page = app.browser_login("committee").await;
        let (st, html) = page.get(&format!("/compounds/{}/rating/years/2024?heads={home}", s.compound)).await;
        assert_eq!(st, 200, "{html}");
        let total = year["subsidy_total"].as_i64().unwrap();
        let yuan = format!("{}.{:02}", total / 100, total % 100);
        assert!(html.contains(&format!(r#"id="subsidy-total"><strong>{yuan}</strong>"#)), "the total {yuan} on the page");
    }

    async fn the_pages_run_a_month_from_a_phone(app) {
        let compound = app.persona_place("committee");
        let committee = app.browser_login("committee").await;
        let (st, page) = committee.get(&format!("/compounds/{compound}")).await;
        assert_eq!(st, 200);
        assert!(page.contains(&format!("/compounds/{compound}/rating")), "the compound page links to the rating");
        let index = format!("/compounds/{compound}/rating");
        let (st, _, to) = committee.submit(&index, &format!("{index}/rubric"), &[("from_month", "2024-04")]).await;
        assert_eq!((st, to.as_deref()), (303, Some(index.as_str())));
        let (st, _, _) = committee.submit(&index, &format!("{index}/panel"), &[("login", "worker"), ("party", "community")]).await;
        assert_eq!(st, 303);
        let (st, body, _) = committee.submit(&index, &format!("{index}/months"), &[("month", "2024-13")]).await;
        assert_eq!(st, 422);
        assert!(body.contains("2024-05"), "the month error says how to write a month");
        let (st, _, to) = committee.submit(&index, &format!("{index}/months"), &[("month", "2024-06")]).await;
        assert_eq!(st, 303);
        let month_page = to.unwrap();
        let month_id: i64 = month_page.rsplit('/').next().unwrap().parse().unwrap();
        // The community worker scores a unit on the phone sheet: one tap, a photo.
        let worker = app.browser_login("worker").await;
        let (st, page) = worker.get(&month_page).await;
        assert_eq!(st, 200);
        // The scorer's units come first, as big buttons, before the ranking; tapping a unit in
        // the ranking opens its sheet too, not a result page.
        let buttons = page.find(r#"<ul class="big-links">"#).expect("the units to score as buttons");
        assert!(buttons < page.find("<table").unwrap(), "the units to score come before the ranking");
        assert!(!page[page.find("<table").unwrap()..].contains(&format!("/rating/months/{month_id}/units/")), "no unit of the ranking opens a result page for a scorer who still has it to score");
        let start = page.find(&format!("/rating/months/{month_id}/score/")).expect("a unit to score");
        let sheet_path: String = page[start..].chars().take_while(|c| *c != '"').collect();
        let unit: i64 = sheet_path.rsplit('/').next().unwrap().parse().unwrap();
        let (st, sheet) = worker.get(&sheet_path).await;
        assert_eq!(st, 200);
        assert!(sheet.contains("name=\"item_clutter\""), "one checkbox per deduction");
        assert!(sheet.contains("轮椅"), "the exemption is shown where it applies");
        let csrf = csrf_of(&sheet);
        let b = "linliboundary";
        let mut body = Vec::new();
        for (name, value) in [("_csrf", csrf.as_str()), ("item_clutter", "1"), ("note", "楼道堆了纸箱")] {
            body.extend(format!("--{b}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").into_bytes());
        }
        body.extend(format!("--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n").into_bytes());
        body.extend_from_slice(common::TINY_JPEG);
        body.extend(format!("\r\n--{b}--\r\n").into_bytes());
        let res = worker
            .client
            .post(format!("{}{sheet_path}", worker.base))
            .header("content-type", format!("multipart/form-data; boundary={b}"))
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 303);
        // The next unit to score opens at once, saying the sheet was saved.
        let next = res.headers()["location"].to_str().unwrap().to_string();
        assert!(next.starts_with(&format!("/rating/months/{month_id}/score/")) && next.ends_with(&format!("?saved={unit}")), "{next}");
        let (st, page) = worker.get(&next).await;
        assert_eq!(st, 200);
        assert!(page.contains("已提交评分表") && page.contains("form"), "the next sheet, with the confirmation");
        assert!(page.contains(r#"class="tap""#), "one tap per line");
        let (_, page) = worker.get(&format!("/rating/months/{month_id}/units/{unit}")).await;
        assert!(page.contains("楼道堆放杂物"), "the deduction is explained");
        assert!(page.contains("/files/"), "with its photo");
        // Closing without every party needs a reason; then the notice prints the flags.
        let (st, body, _) = committee.submit(&month_page, &format!("/rating/months/{month_id}/close"), &[]).await;
        assert_eq!(st, 422);
        assert!(body.contains("理由"), "{body}");
        let (st, _, _) = committee.submit(&month_page, &format!("/rating/months/{month_id}/close"), &[("reason", "只有社区一方评分")]).await;
        assert_eq!(st, 303);
        let (st, notice) = worker.get(&format!("/rating/months/{month_id}/notice")).await;
        assert_eq!(st, 200);
        assert!(notice.contains("流动红旗") && notice.contains("95.0"), "{notice}");
        assert!(notice.contains("data-print"));
    }

    async fn a_new_rubric_version_is_adopted_on_the_page_only_with_a_passed_proposal(app) {
        let compound = app.persona_place("committee");
        let committee = app.browser_login("committee").await;
        let index = format!("/compounds/{compound}/rating");
        let (st, _, _) = committee.submit(&index, &format!("{index}/rubric"), &[("from_month", "2024-04")]).await;
        assert_eq!(st, 303);
        // The form is there, prefilled with the version in force.
        let (st, page) = committee.get(&index).await;
        assert_eq!(st, 200);
        assert!(page.contains(&format!(r#"action="{index}/rubric/version""#)), "the form to adopt a new version");
        assert!(page.contains(r#"id="rubric_json""#) && page.contains("flying_lead"), "the textarea holds the current rubric");
        let token = app.token("committee").await;
        let (_, versions) = app.api(&token, Method::GET, &format!("/compounds/{compound}/rating/rubrics"), None).await;
        let mut rubric = versions[0]["rubric"].clone();
        rubric["name"] = json!("南国新家园评比细则（第二版）");
        rubric["flags"]["count"] = json!(2);
        let text = serde_json::to_string_pretty(&rubric).unwrap();
        // Without a decision: refused, the field named, nothing adopted.
        let action = format!("{index}/rubric/version");
        let (st, body, _) = committee.submit(&index, &action, &[("proposal_id", ""), ("from_month", "2024-09"), ("rubric", &text)]).await;
        assert_eq!(st, 422, "{body}");
        assert!(body.contains("议事决议："), "the error names the decision field");
        assert!(body.contains("第二版"), "what was typed stays in the form");
        // A proposal not yet passed is no decision either.
        let (s, p) = app
            .api(&token, Method::POST, &format!("/compounds/{compound}/proposals"), Some(json!({"scope": "compound", "scope_id": compound, "title": "评分细则第二版", "matter": "advisory"})))
            .await;
        assert_eq!(s, 201, "{p}");
        let pid = p["id"].as_i64().unwrap();
        let (_, page) = committee.get(&index).await;
        assert!(!page.contains(&format!(r#"<option value="{pid}""#)), "a draft proposal is not offered");
        let pid_s = pid.to_string();
        let (st, body, _) = committee.submit(&index, &action, &[("proposal_id", &pid_s), ("from_month", "2024-09"), ("rubric", &text)]).await;
        assert_eq!(st, 422, "{body}");
        assert!(body.contains("议事决议："));
        // Bad JSON and a bad month are named too.
        let (st, body, _) = committee.submit(&index, &action, &[("proposal_id", ""), ("from_month", "2024-09"), ("rubric", "{\"name\": ")]).await;
        assert_eq!(st, 422, "{body}");
        assert!(body.contains("评分细则：不是有效的 JSON"), "{body}");
        // Once passed, it is offered and adopted, applying from its month.
        assert_eq!(app.sql_exec(&format!("UPDATE proposal SET stage = 'passed' WHERE id = {pid}")).await, 1);
        let (_, page) = committee.get(&index).await;
        assert!(page.contains(&format!(r#"<option value="{pid}""#)), "the passed proposal is offered");
        let (st, body, _) = committee.submit(&index, &action, &[("proposal_id", &pid_s), ("from_month", "2024-13"), ("rubric", &text)]).await;
        assert_eq!(st, 422, "{body}");
        assert!(body.contains("月份："), "the month field is named: {body}");
        let (st, body, to) = committee.submit(&index, &action, &[("proposal_id", &pid_s), ("from_month", "2024-09"), ("rubric", &text)]).await;
        assert_eq!((st, to.as_deref()), (303, Some(index.as_str())), "{body}");
        let (_, versions) = app.api(&token, Method::GET, &format!("/compounds/{compound}/rating/rubrics"), None).await;
        assert_eq!(versions.as_array().unwrap().len(), 2);
        assert_eq!(versions[1]["version"], 2);
        assert_eq!(versions[1]["proposal_id"], pid);
        assert_eq!(versions[1]["from_month"], "2024-09");
        let (_, page) = committee.get(&index).await;
        assert!(page.contains(&format!(r#"href="/proposals/{pid}""#)), "the version links its decision");
        for (month, version, flags) in [("2024-08", 1, 3), ("2024-09", 2, 2), ("2024-11", 2, 2)] {
            let (s, m) = app.api(&token, Method::POST, &format!("/compounds/{compound}/rating/months"), Some(json!({"month": month}))).await;
            assert_eq!(s, 201, "{m}");
            assert_eq!(m["rubric_version"], version, "{month} is scored under version {version}");
            assert_eq!(m["flag_count"], flags, "{month}");
        }
    }

    async fn a_party_with_two_scorers_counts_once(app) {
        let committee = app.token("committee").await;
        let compound = app.persona_place("committee");
        rating_kit::adopt_preset(&app, &committee, compound, "2024-04").await;
        rating_kit::seat_panel(&app, &committee, compound).await;
        // A second scorer for the community: the volunteer.
        let (st, v) = app.api(&committee, Method::POST, &format!("/compounds/{compound}/rating/panel"), Some(json!({"login": "volunteer", "party": "community"}))).await;
        assert_eq!(st, 201, "{v}");
        // The choices name each person with the role they hold there, worded for the asker.
        let (st, choices) = app.api(&committee, Method::GET, &format!("/compounds/{compound}/rating/panel/choices"), None).await;
        assert_eq!(st, 200, "{choices}");
        let choices = choices.as_array().unwrap();
        assert!(!choices.is_empty());
        for c in choices {
            let (name, role) = (c["name"].as_str().unwrap(), c["role"].as_str().unwrap());
            assert!(c["label"].as_str().unwrap().starts_with(&format!("{name}（")), "{c}");
            if role == "volunteer" {
                assert_eq!(c["label"], format!("{name}（志愿者）"));
            }
        }
        assert!(choices.iter().any(|c| c["role"] == "volunteer"), "{choices:?}");
        let m = rating_kit::open_month(&app, &committee, compound, "2024-05").await;
        let month = m["id"].as_i64().unwrap();
        let own = app.persona_place("unithead");
        let units: Vec<i64> = m["units"].as_array().unwrap().iter().map(|u| u["unit_id"].as_i64().unwrap()).filter(|u| *u != own).take(2).collect();
        let [u1, u2] = units[..] else { panic!() };
        let volunteer = app.token("volunteer").await;
        let (worker, buildinghead, unithead) = (app.token("worker").await, app.token("buildinghead").await, app.token("unithead").await);
        // u1: the two community sheets 90 and 100 (their mean 95), the other parties 100 each.
        for (token, unit, taps) in [
            (&worker, u1, vec!["ebike_indoors", "exit_blocked"]),
            (&volunteer, u1, vec![]),
            (&committee, u1, vec![]),
            (&buildinghead, u1, vec![]),
            (&unithead, u1, vec![]),
            (&worker, u2, vec![]),
            (&buildinghead, u2, vec!["flying_lead"]),
        ] {
            let (st, v) = sheet(&app, token, month, unit, &taps).await;
            assert_eq!(st, 201, "{v}");
        }
        let (_, v) = app.api(&committee, Method::GET, &format!("/rating/months/{month}"), None).await;
        let one = unit_of(&v, u1);
        // (95 + 100 + 100 + 100) / 4 = 98.75, not the mean of five sheets (98.0).
        assert_eq!((one["score"].as_str(), one["score_num"].as_i64(), one["score_den"].as_i64()), (Some("98.8"), Some(395), Some(4)));
        assert_eq!(one["sheets"], 5);
        let community = one["party_scores"].as_array().unwrap().iter().find(|p| p["party"] == "community").unwrap().clone();
        assert_eq!((community["sheets"].as_i64(), community["score"].as_str()), (Some(2), Some("95.0")));
        assert_eq!(one["party_scores"].as_array().unwrap().len(), 4);
        // Each deduction as the party mean: 5 lost on one of the community's two sheets → 5/8.
        let lines = one["lines"].as_array().unwrap();
        assert_eq!(lines.len(), 2);
        for l in lines {
            assert_eq!((l["points"].as_str(), l["points_num"].as_i64(), l["points_den"].as_i64(), l["sheets"].as_i64()), (Some("-0.6"), Some(-5), Some(8), Some(1)), "{l}");
        }
        let two = unit_of(&v, u2);
        assert_eq!((two["score"].clone(), two["no_flag"].as_str()), (Value::Null, Some("veto")));
        assert_eq!(two["vetoes"][0], "飞线充电");
        assert!(flagged(&v).contains(&u1) && !flagged(&v).contains(&u2));

        // The closed month keeps the party mean; the notice prints it and the veto, not 100.0.
        let (st, closed) = app.api(&committee, Method::POST, &format!("/rating/months/{month}/close"), Some(json!({"reason": "其余单元本月未组织评分"}))).await;
        assert_eq!(st, 200, "{closed}");
        assert_eq!(unit_of(&closed, u1)["score"], "98.8");
        let stored = app.sql_i64(&format!("SELECT COUNT(*) FROM rating_month WHERE id = {month} AND result LIKE '%\"score\":\"98.8\"%'")).await;
        assert_eq!(stored, 1, "the stored result holds the party mean");
        let page = app.browser_login("committee").await;
        let (st, notice) = page.get(&format!("/rating/months/{month}/notice")).await;
        assert_eq!(st, 200);
        let row_of = |html: &str, name: &str| -> String {
            let at = html.find(&format!("<td>{name}</td>")).unwrap_or_else(|| panic!("{name} on the notice"));
            let end = html[at..].find("</tr>").unwrap();
            html[at..at + end].to_string()
        };
        let name1 = one["name"].as_str().unwrap();
        let name2 = two["name"].as_str().unwrap();
        let row1 = row_of(&notice, name1);
        assert!(row1.contains("98.8") && row1.contains(" -0.6；"), "{row1}");
        assert!(!row1.contains("-5") && !row1.contains("×"), "no deduction summed over the sheets beside the mean: {row1}");
        assert!(notice.contains("申诉截止"), "the notice says until when an appeal is accepted");
        let row2 = row_of(&notice, name2);
        assert!(row2.contains("一票否决") && row2.contains("飞线充电") && !row2.contains("100.0"), "{row2}");
        // The year end counts u1's flag-month and never the vetoed unit's.
        let (st, year) = app.api(&committee, Method::GET, &format!("/compounds/{compound}/rating/years/2024"), None).await;
        assert_eq!(st, 200, "{year}");
        let held: Vec<i64> = year["units"].as_array().unwrap().iter().map(|u| u["unit_id"].as_i64().unwrap()).collect();
        assert!(held.contains(&u1) && !held.contains(&u2), "{year}");
    }
}
