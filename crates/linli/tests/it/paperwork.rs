//! Paperwork that works on its own and projects that start where their vote left them, on
//! SQLite and PostgreSQL: a project started from a passed unit vote begins at the public
//! notice with the stages the vote did in its history; the printed bill carries its due
//! date, where and how to pay, a contact, the issue date and yuan on every amount; the
//! consent form what is decided, the household's share, the deadline and where to return it;
//! a payment dated ahead of today is refused, naming the field, and nothing is written.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{TestApp, assert_api_error};
use reqwest::Method;
use serde_json::{Value, json};

/// A unit of the committee's compound without a project, whose flats span floors 1 to 6.
async fn free_unit(app: &TestApp, compound: i64) -> i64 {
    app.sql_i64(&format!(
        "SELECT unit_id FROM household WHERE compound_id = {compound} AND unit_id NOT IN (SELECT unit_id FROM elevator_project) GROUP BY unit_id HAVING MIN(floor) = 1 AND MAX(floor) = 6 AND COUNT(DISTINCT floor) = 6 ORDER BY unit_id LIMIT 1"
    ))
    .await
}

/// A unit proposal to add an elevator, marked passed: how a vote passes is the decisions
/// suite's business; here only its outcome matters.
async fn passed_proposal(app: &TestApp, token: &str, compound: i64, unit: i64) -> i64 {
    let (s, p) = app
        .api(token, Method::POST, &format!("/compounds/{compound}/proposals"), Some(json!({"scope": "unit", "scope_id": unit, "title": "加装电梯", "body": "在本单元北侧加装一部电梯，总造价约 45.8 万元。", "matter": "alteration", "preset": ""})))
        .await;
    assert_eq!(s, 201, "{p}");
    let id = p["id"].as_i64().unwrap();
    app.sql_exec(&format!(
        "UPDATE proposal SET stage = 'passed' WHERE id = {id}"
    ))
    .await;
    id
}

fn stages_in_history(p: &Value) -> Vec<(String, String)> {
    p["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["from_label"].as_str().unwrap().to_string(),
                h["to_label"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

both_backends! {
    async fn a_project_started_from_a_passed_vote_begins_at_the_notice(app) {
        let committee = app.token("committee").await;
        let c = app.persona_place("committee");
        let unit = free_unit(&app, c).await;
        let proposal = passed_proposal(&app, &committee, c, unit).await;
        let (s, p) = app.api(&committee, Method::POST, &format!("/compounds/{c}/elevators"), Some(json!({"unit_id": unit, "proposal_id": proposal}))).await;
        assert_eq!(s, 201, "{p}");
        let id = p["id"].as_i64().unwrap();
        assert_eq!(p["stage"], "notice", "survey, design and vote were done by the vote");
        let expected = [("", "意愿排摸"), ("意愿排摸", "方案设计"), ("方案设计", "业主表决"), ("业主表决", "公示")];
        let got = stages_in_history(&p);
        assert_eq!(got.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect::<Vec<_>>(), expected, "{p}");
        assert!(p["history"][3]["note"].as_str().unwrap().contains("“加装电梯”已通过"), "{p}");

        // The project's page shows the skipped stages in its history.
        let b = app.browser_login("committee").await;
        let (s, page) = b.get(&format!("/elevators/{id}")).await;
        assert_eq!(s, 200);
        assert!(page.contains("业主表决 → 公示") && page.contains("此阶段由表决完成"), "{page}");

        // Without a passed vote a project still starts at the survey.
        let other = free_unit(&app, c).await;
        let (s, p) = app.api(&committee, Method::POST, &format!("/compounds/{c}/elevators"), Some(json!({"unit_id": other}))).await;
        assert_eq!(s, 201, "{p}");
        assert_eq!(p["stage"], "survey");
        assert_eq!(p["history"].as_array().unwrap().len(), 1);
    }

    async fn bills_and_consent_forms_say_by_when_where_and_how_much(app) {
        let committee = app.token("committee").await;
        let c = app.persona_place("committee");
        let unit = free_unit(&app, c).await;
        let (s, p) = app.api(&committee, Method::POST, &format!("/compounds/{c}/proposals"), Some(json!({"scope": "unit", "scope_id": unit, "title": "加装电梯", "body": "在本单元北侧加装一部电梯。", "matter": "alteration", "preset": ""}))).await;
        assert_eq!(s, 201, "{p}");
        let proposal = p["id"].as_i64().unwrap();
        let (s, p) = app.api(&committee, Method::POST, &format!("/compounds/{c}/elevators"), Some(json!({"unit_id": unit, "proposal_id": proposal}))).await;
        assert_eq!(s, 201, "{p}");
        let id = p["id"].as_i64().unwrap();
        let coefficients: Vec<Value> = [(1, "0"), (2, "0"), (3, "10"), (4, "20"), (5, "30"), (6, "40")].iter().map(|(f, x)| json!({"floor": f, "percent": x})).collect();
        let (s, p) = app.api(&committee, Method::PUT, &format!("/elevators/{id}/plan"), Some(json!({"version": 1, "responsible": "老周", "installer": "", "total_cost": "458000", "subsidy_preset": "shanghai", "coefficients": coefficients}))).await;
        assert_eq!(s, 200, "{p}");

        // A due date before today is refused, naming the field; nothing is written.
        let today = app.today();
        let yesterday = (today - time::Duration::days(1)).to_string();
        let audit = app.audit_count().await;
        let (s, err) = app.api(&committee, Method::PUT, &format!("/elevators/{id}/paperwork"), Some(json!({"version": p["version"], "pay_by": yesterday, "office": "3栋1单元101 业委会办公室，周六 9–11 点", "contact": "老周 13800000000"}))).await;
        assert_api_error(s, &err, 422, "date_in_past", Some("pay_by"));
        assert!(err["message"].as_str().unwrap().contains("缴费截止日期"), "{err}");
        assert_eq!(app.audit_count().await, audit, "nothing written");
        let pay_by = (today + time::Duration::days(30)).to_string();
        let (s, p) = app.api(&committee, Method::PUT, &format!("/elevators/{id}/paperwork"), Some(json!({"version": p["version"], "pay_by": pay_by, "office": "3栋1单元101 业委会办公室，周六 9–11 点", "pay_how": "工商银行 纹江花园业主委员会 6222 0000 0000", "contact": "老周 13800000000"}))).await;
        assert_eq!(s, 200, "{p}");
        assert_eq!(p["paperwork"]["pay_by"], pay_by.as_str());

        // The vote opens: the roll is frozen and the forms go from door to door.
        let deadline = (today + time::Duration::days(20)).to_string();
        let (s, x) = app.api(&committee, Method::POST, &format!("/proposals/{proposal}/stage"), Some(json!({"action": "submit"}))).await;
        assert_eq!(s, 200, "{x}");
        let (s, x) = app.api(&committee, Method::POST, &format!("/proposals/{proposal}/voting"), Some(json!({"deadline": deadline}))).await;
        assert_eq!(s, 200, "{x}");

        // The consent form says what is decided, the household's share, by when and where.
        let b = app.browser_login("committee").await;
        let (s, forms) = b.get(&format!("/proposals/{proposal}/consent-forms")).await;
        assert_eq!(s, 200);
        assert!(forms.contains("表决事项") && forms.contains("在本单元北侧加装一部电梯。"), "{forms}");
        assert!(forms.contains("本户应分摊") && forms.contains("274800.00 元"), "the share and the amount due: {forms}");
        assert!(forms.contains("交回地点") && forms.contains("3栋1单元101 业委会办公室"), "{forms}");
        assert!(forms.contains("请在此日期前交回") && forms.contains(&deadline), "{forms}");

        let (s, fixed) = app.api(&committee, Method::POST, &format!("/elevators/{id}/shares/fix"), Some(json!({"version": p["version"]}))).await;
        assert_eq!(s, 200, "{fixed}");
        let (_, t) = app.api(&committee, Method::GET, &format!("/elevators/{id}/shares"), None).await;
        let top = t["lines"].as_array().unwrap().iter().rev().find(|l| l["floor"] == 6).unwrap().clone();
        let hh = top["household_id"].as_i64().unwrap();

        // A payment dated six months ahead is refused, naming the field; nothing is written.
        let ahead = (today + time::Duration::days(183)).to_string();
        let audit = app.audit_count().await;
        let (s, err) = app.api(&committee, Method::POST, &format!("/elevators/{id}/payments"), Some(json!({"household_id": hh, "amount": "100", "method": "cash", "receipt_no": "PW-1", "paid_on": ahead}))).await;
        assert_api_error(s, &err, 422, "date_not_yet", Some("paid_on"));
        assert!(err["message"].as_str().unwrap().contains("缴款日期"), "{err}");
        assert_eq!(app.audit_count().await, audit, "nothing written");
        assert_eq!(app.sql_i64(&format!("SELECT COUNT(*) FROM elevator_payment WHERE project_id = {id}")).await, 0);
        let (s, paid) = app.api(&committee, Method::POST, &format!("/elevators/{id}/payments"), Some(json!({"household_id": hh, "amount": "100", "method": "cash", "receipt_no": "PW-1", "paid_on": today.to_string()}))).await;
        assert_eq!(s, 201, "{paid}");

        // The bill works on its own: issue date, due date, where and how to pay, whom to ask,
        // yuan on every amount, and how the share follows from the amount due.
        let (s, bill) = b.get(&format!("/elevators/{id}/bills/{hh}")).await;
        assert_eq!(s, 200);
        for want in [
            format!("开具日期：{today}"),
            pay_by.clone(),
            "3栋1单元101 业委会办公室".to_string(),
            "工商银行 纹江花园业主委员会".to_string(),
            "老周 13800000000".to_string(),
            "274800.00 元".to_string(),
            format!("{} 元", top["share_yuan"].as_str().unwrap()),
            "100.00 元".to_string(),
            "6 层分摊应分摊总额的 40.00%".to_string(),
        ] {
            assert!(bill.contains(&want), "the bill says {want}: {bill}");
        }
    }
}
