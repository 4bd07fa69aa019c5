//! Council meetings (议事会) on SQLite and PostgreSQL: the committee holds one with an agenda
//! of proposals under deliberation, attendance, minutes and outcomes; residents read it; the
//! minutes sheet prints with its signature lines; bad input names its field.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::assert_api_error;
use reqwest::Method;
use serde_json::json;

both_backends! {
    async fn the_committee_holds_a_meeting_and_its_minutes_print(app) {
        let owner = app.token("owner").await;
        let committee = app.token("committee").await;
        let home = app.persona_place("owner");
        let (_, h) = app.api(&owner, Method::GET, &format!("/households/{home}"), None).await;
        let compound = h["household"]["compound_id"].as_i64().unwrap();
        // A proposal under deliberation, and a draft nobody supports yet.
        let new = |title: &str| json!({"scope": "compound", "scope_id": compound, "title": title, "matter": "use_fund"});
        let (_, p) = app.api(&owner, Method::POST, &format!("/compounds/{compound}/proposals"), Some(new("修补三号楼屋顶漏水"))).await;
        let roof = p["id"].as_i64().unwrap();
        let (s, p) = app.api(&owner, Method::POST, &format!("/proposals/{roof}/stage"), Some(json!({"action": "submit"}))).await;
        assert_eq!(s, 200, "{p}");
        let (_, p) = app.api(&owner, Method::POST, &format!("/compounds/{compound}/proposals"), Some(new("草稿议题"))).await;
        let draft = p["id"].as_i64().unwrap();

        let meeting = json!({
            "title": "三月议事会", "held_on": "2024-03-05", "place": "社区活动室",
            "attendance": "王阿姨\n李叔\n\n网格员 小陈\n",
            "minutes": "讨论屋顶漏水，维修基金申请。",
            "agenda": [{"proposal_id": roof, "outcome": "同意申请维修基金，提交业主表决"}]
        });
        // Residents read meetings but do not hold them.
        let (s, err) = app.api(&owner, Method::POST, &format!("/compounds/{compound}/meetings"), Some(meeting.clone())).await;
        assert_api_error(s, &err, 403, "forbidden", None);
        // Bad input names its field.
        let mut bad = meeting.clone();
        bad["held_on"] = json!("2024-02-30");
        let (s, err) = app.api(&committee, Method::POST, &format!("/compounds/{compound}/meetings"), Some(bad)).await;
        assert_api_error(s, &err, 422, "bad_date", Some("held_on"));
        assert!(err["message"].as_str().unwrap().contains("会议日期"), "{err}");
        let mut bad = meeting.clone();
        bad["agenda"] = json!([{"proposal_id": draft}]);
        let (s, err) = app.api(&committee, Method::POST, &format!("/compounds/{compound}/meetings"), Some(bad)).await;
        assert_api_error(s, &err, 422, "bad_choice", Some("agenda"));

        let before = app.audit_count().await;
        let (s, m) = app.api(&committee, Method::POST, &format!("/compounds/{compound}/meetings"), Some(meeting)).await;
        assert_eq!(s, 201, "{m}");
        assert_eq!(app.audit_count().await, before + 1, "audited");
        let id = m["id"].as_i64().unwrap();
        assert_eq!(m["attendance"], json!(["王阿姨", "李叔", "网格员 小陈"]));
        let (s, list) = app.api(&owner, Method::GET, &format!("/compounds/{compound}/meetings"), None).await;
        assert_eq!(s, 200, "{list}");
        assert_eq!(list[0]["attendees"], 3);
        assert_eq!(list[0]["items"], 1);
        let (s, m) = app.api(&owner, Method::GET, &format!("/meetings/{id}"), None).await;
        assert_eq!(s, 200, "{m}");
        assert_eq!(m["can_manage"], false);
        assert_eq!(m["items"][0]["title"], "修补三号楼屋顶漏水");

        // The committee records the meeting on its page (agenda ticked, outcomes typed).
        let browser = app.browser_login("committee").await;
        let (s, _, loc) = browser
            .submit(
                &format!("/meetings/{id}"),
                &format!("/meetings/{id}"),
                &[
                    ("version", "1"),
                    ("title", "三月议事会"),
                    ("held_on", "2024-03-05"),
                    ("place", "社区活动室"),
                    ("attendance", "王阿姨\n李叔\n网格员 小陈\n楼栋长 陈叔"),
                    ("minutes", "讨论屋顶漏水。"),
                    ("agenda", &roof.to_string()),
                    (&format!("outcome_{roof}"), "同意申请维修基金，提交业主表决"),
                ],
            )
            .await;
        assert_eq!(s, 303, "saved");
        assert_eq!(loc.as_deref(), Some(format!("/meetings/{id}").as_str()));
        let (s, html) = browser.get(&format!("/meetings/{id}/minutes")).await;
        assert_eq!(s, 200);
        for text in ["议事会会议纪要", "王阿姨", "楼栋长 陈叔", "修补三号楼屋顶漏水", "同意申请维修基金，提交业主表决", "签字"] {
            assert!(html.contains(text), "the minutes sheet shows {text}");
        }
        assert_eq!(html.matches("signature-line").count(), 4, "a signature line per attendee");
        // A second secretary still on version 1 does not overwrite the minutes: their text
        // comes back with the newer version in the form, and nothing is written.
        let audit = app.audit_count().await;
        let (s, html, _) = browser
            .submit(&format!("/meetings/{id}"), &format!("/meetings/{id}"), &[("version", "1"), ("title", "三月议事会"), ("held_on", "2024-03-05"), ("minutes", "另一份纪要")])
            .await;
        assert_eq!(s, 409, "{html}");
        assert!(html.contains("另一份纪要") && html.contains("name=\"version\" value=\"2\""), "typed text kept, newer version in the form");
        assert_eq!(app.audit_count().await, audit);
        let (_, m) = app.api(&owner, Method::GET, &format!("/meetings/{id}"), None).await;
        assert_eq!((m["minutes"].as_str(), m["version"].as_i64()), (Some("讨论屋顶漏水。"), Some(2)));
        // Through the API the version is required.
        let committee = app.token("committee").await;
        let body = json!({"title": "三月议事会", "held_on": "2024-03-05"});
        let (s, err) = app.api(&committee, Method::PUT, &format!("/meetings/{id}"), Some(body)).await;
        assert_api_error(s, &err, 422, "required", Some("version"));
        let (s, err) = app.api(&committee, Method::PUT, &format!("/meetings/{id}"), Some(json!({"title": "三月议事会", "held_on": "2024-03-05", "version": 1}))).await;
        assert_api_error(s, &err, 409, "stale_version", Some("version"));
        // The page's form refuses a bad date, naming the field.
        let (s, html, _) = browser.submit(&format!("/meetings/{id}"), &format!("/meetings/{id}"), &[("version", "2"), ("title", "三月议事会"), ("held_on", "三月五日")]).await;
        assert_eq!(s, 422);
        assert!(html.contains("会议日期"), "field named");
        // Linked from the compound's proposals.
        let (_, html) = browser.get(&format!("/compounds/{compound}/proposals")).await;
        assert!(html.contains(&format!("/compounds/{compound}/meetings")));
        let (s, html) = browser.get(&format!("/compounds/{compound}/meetings")).await;
        assert_eq!(s, 200);
        assert!(html.contains("三月议事会"));
    }
}
