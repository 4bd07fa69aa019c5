//! Bad input through the API: every refusal is a 4xx with `{code, message, field}`, the
//! message in the reader's language naming the field, and nothing written. No input makes a
//! 500 or a panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::{TestApp, assert_api_error};
use reqwest::Method;
use serde_json::{Value, json};

/// What must not change when a write is refused: the household's row and the audit trail.
async fn snapshot(app: &TestApp, token: &str, id: i64) -> (Value, i64) {
    (
        app.household_json(token, id).await["household"].clone(),
        app.audit_count().await,
    )
}

both_backends! {
    async fn unknown_ids_are_404_in_the_readers_language(app) {
        let token = app.token("committee").await;
        let before = snapshot(&app, &token, 1).await;
        let (s, zh) = app.api(&token, Method::GET, "/households/999999", None).await;
        assert_api_error(s, &zh, 404, "not_found", None);
        assert_eq!(zh["message"], "找不到这个户");
        let (s, en) = app.api_en(&token, Method::GET, "/households/999999", None).await;
        assert_api_error(s, &en, 404, "not_found", None);
        assert_eq!(en["message"], "This household does not exist");

        for (method, path, body, entity_zh) in [
            (Method::PATCH, "/households/999999", Some(json!({"version": 1, "area": "50"})), "户"),
            (Method::POST, "/households/999999/move", Some(json!({"version": 1, "unit_id": 1})), "户"),
            (Method::POST, "/units/999999/households", Some(json!({"floor": 1, "room": "101", "area": "50"})), "单元"),
            (Method::GET, "/units/999999", None, "单元"),
            (Method::POST, "/buildings/999999/units", Some(json!({"name": "9单元"})), "楼栋"),
            (Method::GET, "/compounds/999999", None, "小区"),
            (Method::POST, "/compounds/999999/buildings", Some(json!({"name": "9栋"})), "小区"),
            (Method::DELETE, "/households/1/owners/999999", None, "产权记录"),
            (Method::POST, "/households/1/residents/999999/move-out", Some(json!({})), "居住记录"),
            (Method::POST, "/households/999999/invites", Some(json!({"role": "owner"})), "户"),
        ] {
            let (s, body) = app.api(&token, method.clone(), path, body).await;
            assert_api_error(s, &body, 404, "not_found", None);
            assert!(body["message"].as_str().unwrap().contains(entity_zh), "{method} {path}: {body}");
        }
        assert_eq!(snapshot(&app, &token, 1).await, before, "nothing was written");
    }

    async fn bad_areas_name_the_field_and_write_nothing(app) {
        let token = app.token("committee").await;
        let before = snapshot(&app, &token, 1).await;
        let version = before.0["version"].clone();
        for (area, code) in [
            (json!("-5"), "not_positive"),
            (json!(-5), "not_positive"),
            (json!("-0.01"), "not_positive"),
            (json!("abc"), "not_a_number"),
            (json!("八十"), "not_a_number"),
            (json!("1,5"), "not_a_number"),
            (json!("1e5"), "not_a_number"),
            (json!("89.123"), "too_many_decimals"),
            (json!(89.125), "too_many_decimals"),
            (json!(""), "required"),
            (json!("99999999999999999999"), "out_of_range"),
        ] {
            let (s, zh) = app.api(&token, Method::PATCH, "/households/1", Some(json!({"version": version, "area": area}))).await;
            assert_api_error(s, &zh, 422, code, Some("area"));
            assert!(zh["message"].as_str().unwrap().starts_with("专有面积："), "{zh}");
            assert_eq!(zh["errors"][0]["field"], "area");
            let (s, en) = app.api_en(&token, Method::PATCH, "/households/1", Some(json!({"version": version, "area": area}))).await;
            assert_api_error(s, &en, 422, code, Some("area"));
            assert!(en["message"].as_str().unwrap().starts_with("Exclusive area "), "{en}");

            let (s, c) = app.api(&token, Method::POST, "/units/1/households", Some(json!({"floor": 7, "room": "799", "area": area}))).await;
            assert_api_error(s, &c, 422, code, Some("area"));
        }
        // Every bad field is reported at once.
        let (s, all) = app
            .api(&token, Method::POST, "/units/1/households", Some(json!({"floor": "0", "room": "7 01", "area": "-1", "area_source": "guess"})))
            .await;
        assert_api_error(s, &all, 422, "out_of_range", Some("floor"));
        let fields: Vec<&str> = all["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["floor", "room", "area", "area_source"]);
        assert_eq!(snapshot(&app, &token, 1).await, before, "nothing was written");
        let (_, unit) = app.api(&token, Method::GET, "/units/1", None).await;
        assert_eq!(unit["households"]["total"], 12);
    }

    async fn a_duplicate_room_in_a_unit_is_refused(app) {
        let token = app.token("committee").await;
        let before = snapshot(&app, &token, 1).await;
        let other = app.household_json(&token, 2).await["household"].clone();
        assert_eq!(other["unit_id"], before.0["unit_id"]);
        let room = other["room"].as_str().unwrap();

        let (s, e) = app.api(&token, Method::PATCH, "/households/1", Some(json!({"version": before.0["version"], "room": room}))).await;
        assert_api_error(s, &e, 422, "duplicate_room", Some("room"));
        assert_eq!(e["message"], format!("房号：本单元已有 {room} 室"));
        let (s, e) = app.api_en(&token, Method::PATCH, "/households/1", Some(json!({"version": before.0["version"], "room": room}))).await;
        assert_api_error(s, &e, 422, "duplicate_room", Some("room"));
        assert!(e["message"].as_str().unwrap().contains(&format!("room {room} already exists")), "{e}");
        // The same room written differently is the same room.
        for typed in [format!("{room}室"), format!(" {room} "), room.chars().map(|c| char::from_u32(c as u32 - 0x30 + 0xFF10).unwrap()).collect()] {
            let (s, e) = app.api(&token, Method::POST, "/units/1/households", Some(json!({"floor": 1, "room": typed, "area": "60"}))).await;
            assert_api_error(s, &e, 422, "duplicate_room", Some("room"));
        }
        // The room is free in another compound's unit and in another unit of this one.
        let (s, ok) = app.api(&token, Method::POST, "/units/2/households", Some(json!({"floor": 9, "room": "901", "area": "60"}))).await;
        assert_eq!(s, 201, "{ok}");
        let (s, e) = app.api(&token, Method::POST, "/units/2/households", Some(json!({"floor": 9, "room": "901", "area": "61"}))).await;
        assert_api_error(s, &e, 422, "duplicate_room", Some("room"));
        assert_eq!(app.household_json(&token, 1).await["household"], before.0);
        assert_eq!(app.audit_count().await, before.1 + 1, "only the one household was created");
    }

    async fn a_household_cannot_move_to_a_unit_of_another_compound(app) {
        let token = app.token("committee").await;
        let worker = app.token("city").await;
        let before = snapshot(&app, &token, 1).await;
        let elsewhere = app.sql_i64("SELECT MIN(id) FROM unit WHERE compound_id = 2").await;
        let body = json!({"version": before.0["version"], "unit_id": elsewhere});
        let (s, e) = app.api(&token, Method::POST, "/households/1/move", Some(body.clone())).await;
        assert_api_error(s, &e, 422, "other_compound", Some("unit_id"));
        assert_eq!(e["message"], "单元：不能移到其他小区的单元");
        let (s, e) = app.api_en(&token, Method::POST, "/households/1/move", Some(body)).await;
        assert_api_error(s, &e, 422, "other_compound", Some("unit_id"));
        assert_eq!(e["message"], "Unit cannot move to a unit of another compound");
        let (s, e) = app.api(&token, Method::POST, "/households/1/move", Some(json!({"version": before.0["version"], "unit_id": 999999}))).await;
        assert_api_error(s, &e, 422, "bad_choice", Some("unit_id"));
        // Someone who may not move households here is told so before anything is looked at.
        let (s, e) = app.api(&worker, Method::POST, "/households/1/move", Some(json!({"version": before.0["version"], "unit_id": 2}))).await;
        assert_api_error(s, &e, 403, "forbidden", None);
        assert_eq!(snapshot(&app, &token, 1).await, before, "nothing was written");
    }

    async fn a_stale_edit_is_refused_with_409(app) {
        // Two people open household 1 at version N.
        let first = app.token("committee").await;
        let second = app.token("unithead").await;
        let (s, free) = app.api(&first, Method::POST, "/buildings/1/units", Some(json!({"name": "空单元"}))).await;
        assert_eq!(s, 201, "{free}");
        let (base, audit0) = snapshot(&app, &first, 1).await;
        let n = base["version"].as_i64().unwrap();
        assert_eq!(app.household_json(&second, 1).await["household"]["version"], n);

        let (s, saved) = app.api(&first, Method::PATCH, "/households/1", Some(json!({"version": n, "area": "70.00"}))).await;
        assert_eq!(s, 200, "{saved}");
        let (s, stale) = app.api(&second, Method::PATCH, "/households/1", Some(json!({"version": n, "area": "80.00"}))).await;
        assert_api_error(s, &stale, 409, "stale_version", Some("version"));
        assert!(stale["message"].as_str().unwrap().starts_with("别人刚刚保存了这条记录"), "{stale}");
        let (s, stale) = app.api_en(&second, Method::PATCH, "/households/1", Some(json!({"version": n, "area": "80.00"}))).await;
        assert_api_error(s, &stale, 409, "stale_version", Some("version"));
        assert!(stale["message"].as_str().unwrap().starts_with("Someone else saved this record first"), "{stale}");
        let (s, stale) = app.api(&first, Method::POST, "/households/1/move", Some(json!({"version": n, "unit_id": free["id"]}))).await;
        assert_api_error(s, &stale, 409, "stale_version", Some("version"));

        let (now, audit) = snapshot(&app, &first, 1).await;
        assert_eq!(now["area"], "70.00", "the first save stands");
        assert_eq!(now["version"], n + 1);
        assert_eq!(audit, audit0 + 1, "only the first save was recorded");

        // Reading again and editing the new version works.
        let (s, ok) = app.api(&second, Method::PATCH, "/households/1", Some(json!({"version": n + 1, "area": "80.00"}))).await;
        assert_eq!(s, 200, "{ok}");

        // A compound profile edit is guarded the same way.
        let (_, c) = app.api(&first, Method::GET, "/compounds/1", None).await;
        let p = &c["compound"];
        let edit = |version: &Value, name: &str| {
            json!({"name": name, "address": p["address"], "management_mode": p["management_mode"], "six_have": p["six_have"], "version": version})
        };
        let (s, ok) = app.api(&first, Method::PUT, "/compounds/1", Some(edit(&p["version"], "纹江花园小区"))).await;
        assert_eq!(s, 200, "{ok}");
        let (s, stale) = app.api(&first, Method::PUT, "/compounds/1", Some(edit(&p["version"], "纹江花园二"))).await;
        assert_api_error(s, &stale, 409, "stale_version", Some("version"));
        let (_, c) = app.api(&first, Method::GET, "/compounds/1", None).await;
        assert_eq!(c["compound"]["name"], "纹江花园小区");
    }

    async fn malformed_requests_get_a_clear_4xx(app) {
        let token = app.token("committee").await;
        let before = snapshot(&app, &token, 1).await;
        let json_body = |s: &str| Some(("application/json", s.as_bytes().to_vec()));

        // Ids that are not numbers.
        for path in ["/households/abc", "/households/1.5", "/households/%20", "/households/99999999999999999999", "/households/1e3"] {
            let (s, e) = app.api_raw(Some(&token), Method::GET, path, None, &[]).await;
            assert_api_error(s, &e, 422, "not_a_number", Some("id"));
            let (s, e) = app.api_raw(Some(&token), Method::PATCH, path, json_body(r#"{"version": 1, "area": "50"}"#), &[("accept-language", "en")]).await;
            assert_api_error(s, &e, 422, "not_a_number", Some("id"));
            assert_eq!(e["message"], "Id is not a number", "{path}");
        }
        let (s, e) = app.api_raw(Some(&token), Method::DELETE, "/households/1/owners/x", None, &[]).await;
        assert_api_error(s, &e, 422, "not_a_number", Some("id"));
        let (s, e) = app.api_raw(Some(&token), Method::GET, "/compounds/1/households?page=abc", None, &[]).await;
        assert_api_error(s, &e, 422, "not_a_number", Some("page"));

        // Bodies that are not JSON, or not the right JSON.
        for body in ["{not json", "", "[]", "null", "\"text\"", "{\"version\": 1,", "{\"version\": \"one\"}"] {
            let (s, e) = app.api_raw(Some(&token), Method::PATCH, "/households/1", json_body(body), &[]).await;
            assert!((400..500).contains(&s), "{body:?} gave {s} {e}");
            assert!(e["code"].is_string() && e["message"].is_string() && e["field"].is_string(), "{body:?}: {e}");
        }
        // A member of the wrong type is named.
        for (path, body, field) in [
            ("/households/1", r#"{"version": "one", "area": "50"}"#, "version"),
            ("/households/1", "{\n  \"version\": 1,\n  \"area\": true\n}", "area"),
            ("/households/1", r#"{"area": "a:b\"c", "version": [1]}"#, "version"),
            ("/households/1/move", r#"{"version": 1, "unit_id": "two"}"#, "unit_id"),
            ("/compounds/1/buildings", r#"{"name": "楼", "sub_compound_id": "x"}"#, "sub_compound_id"),
        ] {
            let method = if path == "/households/1" { Method::PATCH } else { Method::POST };
            let (s, e) = app.api_raw(Some(&token), method, path, json_body(body), &[]).await;
            assert_api_error(s, &e, 422, "bad_choice", Some(field));
        }
        for (query, field) in [("/compounds?three_no=maybe", "three_no"), ("/compounds?q=x&region=abc", "region"), ("/compounds/1/households?size=-1", "size")] {
            let (s, e) = app.api_raw(Some(&token), Method::GET, query, None, &[]).await;
            assert_api_error(s, &e, 422, "not_a_number", Some(field));
        }
        let (s, e) = app.api(&token, Method::PATCH, "/households/1", Some(json!({"area": "50"}))).await;
        assert_api_error(s, &e, 422, "required", Some("version"));
        assert_eq!(e["message"], "版本：必须填写");
        let (s, e) = app.api(&token, Method::POST, "/units/1/households", Some(json!({"floor": 1, "area": "50"}))).await;
        assert_api_error(s, &e, 422, "required", Some("room"));
        let (s, e) = app.api(&token, Method::POST, "/households/1/move", Some(json!({"version": 1}))).await;
        assert_api_error(s, &e, 422, "required", Some("unit_id"));
        let (s, e) = app.api(&token, Method::POST, "/compounds/1/buildings", Some(json!({"floors": 3}))).await;
        assert_api_error(s, &e, 422, "required", Some("name"));

        // A body over the limit (256 KiB) is refused without being read, never a 500.
        let big = format!(r#"{{"version": 1, "area": "50", "pad": "{}"}}"#, "x".repeat(300 * 1024));
        let (s, e) = app.api_raw(Some(&token), Method::PATCH, "/households/1", json_body(&big), &[]).await;
        assert!(s == 413 || (400..500).contains(&s), "oversized body gave {s}");
        assert_eq!(e["field"], "body", "{e}");
        let (s, _) = app.api_raw(Some(&token), Method::POST, "/units/1/households", json_body(&big), &[]).await;
        assert!((400..500).contains(&s), "oversized body gave {s}");

        assert_eq!(snapshot(&app, &token, 1).await, before, "nothing was written");
        let (_, unit) = app.api(&token, Method::GET, "/units/1", None).await;
        assert_eq!(unit["households"]["total"], 12);
    }

    async fn no_input_makes_a_500(app) {
        let token = app.token("committee").await;
        let version = app.household_json(&token, 1).await["household"]["version"].clone();
        let odd: Vec<Value> = vec![
            json!("a\u{0}b"),
            json!("\u{0}"),
            json!("😀🏠"),
            json!("'; DROP TABLE household; --"),
            json!("%_\\"),
            json!("\u{202e}101"),
            json!("x".repeat(10_000)),
            json!(" "),
            json!(null),
            json!(true),
            json!(-1),
            json!(1e308),
            json!(i64::MAX),
            json!([1, 2]),
            json!({"a": 1}),
        ];
        let mut requests: Vec<(Method, String, Option<Value>)> = Vec::new();
        for v in &odd {
            let text = v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string());
            let q: String = text.bytes().take(3000).map(|b| format!("%{b:02X}")).collect();
            requests.push((Method::GET, format!("/search?q={q}"), None));
            requests.push((Method::GET, format!("/compounds?q={q}&mode={q}"), None));
            requests.push((Method::GET, format!("/compounds/1/households?q={q}"), None));
            for field in ["floor", "room", "area", "area_source"] {
                requests.push((Method::PATCH, "/households/1".into(), Some(json!({"version": version, field: v}))));
            }
            requests.push((Method::POST, "/units/1/households".into(), Some(json!({"floor": v, "room": v, "area": v}))));
            requests.push((Method::POST, "/households/1/owners".into(), Some(json!({"name": v, "phone": v, "share": v}))));
            requests.push((Method::POST, "/households/1/residents".into(), Some(json!({"name": v, "phone": v, "kind": v, "moved_in": v}))));
            requests.push((Method::POST, "/households/1/move".into(), Some(json!({"version": version, "unit_id": v}))));
            requests.push((Method::POST, "/compounds/1/buildings".into(), Some(json!({"name": v, "floors": v}))));
            requests.push((Method::POST, "/households/1/invites".into(), Some(json!({"role": v}))));
            requests.push((Method::POST, "/invites/claim".into(), Some(json!({"code": v}))));
            requests.push((Method::POST, "/tokens".into(), Some(json!({"login": v, "password": v, "name": v}))));
        }
        for (method, path, body) in requests {
            let (s, e) = app.api(&token, method.clone(), &path, body.clone()).await;
            assert!(s < 500, "{method} {path} {body:?} gave {s}: {e}");
            if s >= 400 {
                assert!(e["code"].is_string() && e["message"].is_string(), "{method} {path} {body:?}: {e}");
            }
        }
        // Odd headers and tokens are turned away, not crashed on.
        for bearer in ["linli_' OR 1=1 --", "linli_", &"z".repeat(5000)] {
            let (s, e) = app.api_raw(Some(bearer), Method::GET, "/me", None, &[]).await;
            assert_api_error(s, &e, 401, "unauthenticated", None);
        }
        let (s, _) = app.api_raw(Some(&token), Method::GET, "/me", None, &[("accept-language", "xx;q=abc,,,")]).await;
        assert_eq!(s, 200);
        // The database is as it should be.
        assert!(app.store.verify_audit().await.unwrap().broken.is_none());
        assert!(app.sql_i64("SELECT COUNT(*) FROM household").await > 0);
    }
}
