//! Forms that re-show themselves: a refused form comes back as the same page, with its
//! header, the errors in a summary and at their fields in the reader's language, and what
//! was typed still in it. Households are named by their room, as people say it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{TestApp, assert_api_error};
use reqwest::Method;
use serde_json::json;

/// A proposal of the owner's unit in deliberation: (proposal, unit, compound).
async fn in_deliberation(app: &TestApp, title: &str) -> (i64, i64, i64) {
    let owner = app.token("owner").await;
    let home = app.persona_place("owner");
    let h = app.household_json(&owner, home).await;
    let unit = h["household"]["unit_id"].as_i64().unwrap();
    let compound = h["household"]["compound_id"].as_i64().unwrap();
    let (s, p) = app
        .api(
            &owner,
            Method::POST,
            &format!("/compounds/{compound}/proposals"),
            Some(
                json!({"scope": "unit", "scope_id": unit, "title": title, "matter": "alteration"}),
            ),
        )
        .await;
    assert_eq!(s, 201, "{p}");
    let id = p["id"].as_i64().unwrap();
    let (s, p) = app
        .api(
            &owner,
            Method::POST,
            &format!("/proposals/{id}/stage"),
            Some(json!({"action": "submit"})),
        )
        .await;
    assert_eq!(s, 200, "{p}");
    (id, unit, compound)
}

both_backends! {
    async fn a_past_deadline_reshows_the_proposal_page_with_the_message_at_the_field(app) {
        let (id, _, _) = in_deliberation(&app, "单元门禁改造").await;
        let b = app.browser_login("committee").await;
        let page = format!("/proposals/{id}");
        let yesterday = app.today().previous_day().unwrap().to_string();
        let (s, html, _) = b.submit(&page, &format!("{page}/open"), &[("deadline", &yesterday)]).await;
        assert_eq!(s, 422, "{html}");
        // The same page, in its frame: header, title, the summary at the top.
        assert!(html.contains(r#"<header class="top">"#), "{html}");
        assert!(html.contains("<h1>单元门禁改造</h1>"), "{html}");
        assert!(html.contains(r#"<div class="errors" role="alert">"#), "{html}");
        // The message says what would be right, in words, beside the field that holds what
        // was typed; no field name in English, no date-format message.
        assert!(
            html.contains(&format!(r#"name="deadline" type="date" value="{yesterday}" aria-invalid="true" aria-describedby="deadline-error""#)),
            "{html}"
        );
        assert!(html.contains(r#"<small id="deadline-error" class="field-error">截止日期不能早于今天</small>"#), "{html}");
        assert!(!html.contains("deadline："), "{html}");
        assert!(!html.contains("2024-05-01"), "{html}");
        // Nothing changed.
        let (_, p) = app.api(&app.token("committee").await, Method::GET, &format!("/proposals/{id}"), None).await;
        assert_eq!(p["stage"], "deliberation");
    }

    async fn closing_without_the_tick_and_an_empty_objection_come_back_on_the_page(app) {
        let (id, _, _) = in_deliberation(&app, "楼道照明").await;
        let b = app.browser_login("committee").await;
        let page = format!("/proposals/{id}");
        // An objection without its text keeps the concern chosen and says what is missing.
        let home = app.persona_place("owner").to_string();
        let (s, html, _) = b
            .submit(&page, &format!("{page}/objections"), &[("household_id", &home), ("concern", "noise"), ("body", "")])
            .await;
        assert_eq!(s, 422, "{html}");
        assert!(html.contains(r#"<details open><summary>"#), "the objection form is open: {html}");
        assert!(html.contains(r#"<option value="noise" selected>"#), "{html}");
        assert!(html.contains(r#"id="body-error""#), "{html}");
        // Opening, then closing without the tick.
        let tomorrow = app.today().next_day().unwrap().to_string();
        let (s, _, _) = b.submit(&page, &format!("{page}/open"), &[("deadline", &tomorrow), ("confirm_ownerless", "true")]).await;
        assert_eq!(s, 303);
        let (s, html, _) = b.submit(&page, &format!("{page}/close"), &[]).await;
        assert_eq!(s, 422, "{html}");
        assert!(html.contains(r#"<small id="confirm-error" class="field-error">请先勾选确认，再继续</small>"#), "{html}");
        assert!(html.contains("确认结束投票：请先勾选确认，再继续"), "the summary names the box: {html}");
    }

    async fn a_wrong_invite_code_reshows_the_claim_form_with_the_code_kept(app) {
        let b = app.browser_login("owner").await;
        let (s, html, _) = b.submit("/claim", "/claim", &[("code", "ZZZZ-9999")]).await;
        assert_eq!(s, 422, "{html}");
        assert!(html.contains(r#"<header class="top">"#), "{html}");
        assert!(html.contains(r#"value="ZZZZ-9999""#), "{html}");
        assert!(html.contains(r#"<small id="code-error" class="field-error">邀请码不对或已被使用</small>"#), "{html}");
    }

    async fn a_json_type_error_names_its_member_by_its_path(app) {
        let (id, unit, compound) = in_deliberation(&app, "外墙保温").await;
        let committee = app.token("committee").await;
        // A member of a type the feature expects: named as the API calls it.
        let (s, e) = app
            .api(&committee, Method::POST, &format!("/proposals/{id}/voting"), Some(json!({"deadline": 20261231})))
            .await;
        assert_api_error(s, &e, 422, "bad_choice", Some("deadline"));
        // A missing one, and one deep inside the body, by their paths.
        let (s, e) = app.api(&committee, Method::POST, &format!("/proposals/{id}/voting"), Some(json!({}))).await;
        assert_api_error(s, &e, 422, "required", Some("deadline"));
        let rule = json!({"thresholds": [{"measure": "headcount", "count": "yes", "of": "all", "fraction": {"num": "two", "den": 3}, "strict": false}], "requires_affected_consent": false, "no_unresolved_objection": true, "notice_days": 15});
        let (s, e) = app
            .api(
                &committee,
                Method::POST,
                &format!("/compounds/{compound}/proposals"),
                Some(json!({"scope": "unit", "scope_id": unit, "title": "t", "matter": "alteration", "preset": "custom", "rule": rule})),
            )
            .await;
        assert_api_error(s, &e, 422, "bad_choice", Some("rule.thresholds[0].fraction.num"));
        assert!(e["message"].as_str().unwrap().starts_with("num"), "{e}");
    }
}
