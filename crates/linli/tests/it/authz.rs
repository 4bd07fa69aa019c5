//! Who may do what where, through the API: a table of personas × actions × places, phones
//! masked for those who may not see personal data, lists scoped to what one may see.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::{TestApp, assert_api_error};
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::HashMap;

/// Makes the n-th request's body, so that names stay unique.
type BodyOf = Box<dyn Fn(usize) -> Value>;

const PERSONAS: [&str; 10] = [
    "city",
    "street",
    "worker",
    "committee",
    "buildinghead",
    "unithead",
    "grid",
    "volunteer",
    "owner",
    "resident",
];

async fn tokens(app: &TestApp) -> HashMap<&'static str, String> {
    let mut out = HashMap::new();
    for p in PERSONAS {
        out.insert(p, app.token(p).await);
    }
    out
}

/// The places of the table, found in the test world and checked to be what their names say.
struct Places {
    /// The owner persona's home: building 1, unit 1 of 纹江花园 (compound 1).
    home: i64,
    /// Another household of unit 1.
    neighbour: i64,
    /// A household of building 1, unit 2.
    same_building: i64,
    /// A household of building 2.
    other_building: i64,
    /// A household of 南国新家园 (compound 2, Xiangtan).
    nanguo: i64,
    /// A household of 甘泉苑 (compound 3, Shanghai).
    ganquan: i64,
}

async fn places(app: &TestApp) -> Places {
    let home = app.persona_place("owner");
    let unit1 = app.persona_place("unithead");
    let building1 = app.persona_place("buildinghead");
    let q = |sql: String| async move { app.sql_i64(&sql).await };
    assert_eq!(
        q(format!("SELECT unit_id FROM household WHERE id = {home}")).await,
        unit1
    );
    assert_eq!(
        q(format!(
            "SELECT building_id FROM household WHERE id = {home}"
        ))
        .await,
        building1
    );
    assert_eq!(app.persona_place("committee"), 1);
    assert_eq!(app.persona_place("grid"), 2);
    let resident = app.persona_place("resident");
    Places {
        home,
        neighbour: q(format!("SELECT MIN(id) FROM household WHERE unit_id = {unit1} AND id NOT IN ({home}, {resident})")).await,
        same_building: q(format!("SELECT MIN(id) FROM household WHERE building_id = {building1} AND unit_id <> {unit1}")).await,
        other_building: q(format!("SELECT MIN(id) FROM household WHERE compound_id = 1 AND building_id <> {building1}")).await,
        nanguo: q("SELECT MIN(id) FROM household WHERE compound_id = 2".into()).await,
        ganquan: q("SELECT MIN(id) FROM household WHERE compound_id = 3".into()).await,
    }
}

both_backends! {
    async fn who_may_read_what(app) {
        let t = tokens(&app).await;
        let p = places(&app).await;
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM compound WHERE id = 3 AND name = '甘泉苑'").await, 1);
        // (place, [(persona, status)]) for GET; personas not listed get 403.
        let household = |id: i64| format!("/households/{id}");
        let table: Vec<(String, Vec<&str>)> = vec![
            (household(p.home), vec!["worker", "committee", "buildinghead", "unithead", "volunteer", "owner"]),
            (household(p.neighbour), vec!["worker", "committee", "buildinghead", "unithead", "volunteer"]),
            (household(p.same_building), vec!["worker", "committee", "buildinghead", "volunteer"]),
            (household(p.other_building), vec!["worker", "committee", "volunteer"]),
            (household(p.nanguo), vec!["grid"]),
            (household(p.ganquan), vec!["city", "street"]),
            // A compound's public overview is open to those who live in it too.
            ("/compounds/1".into(), vec!["worker", "committee", "buildinghead", "unithead", "volunteer", "owner", "resident"]),
            ("/compounds/2".into(), vec!["grid"]),
            ("/compounds/3".into(), vec!["city", "street"]),
            (format!("/households/{}/history", p.home), vec!["worker", "committee", "buildinghead", "unithead", "owner"]),
            (format!("/buildings/{}", app.persona_place("buildinghead")), vec!["worker", "committee", "buildinghead", "volunteer"]),
            (format!("/units/{}", app.persona_place("unithead")), vec!["worker", "committee", "buildinghead", "unithead", "volunteer"]),
        ];
        let mut failures = Vec::new();
        for (path, allowed) in &table {
            for persona in PERSONAS {
                let want = if allowed.contains(&persona) { 200 } else { 403 };
                let (s, body) = app.api(&t[persona], Method::GET, path, None).await;
                if s != want {
                    failures.push(format!("{persona} GET {path}: {s}, want {want}"));
                } else if s == 403 {
                    assert_api_error(s, &body, 403, "forbidden", None);
                    assert_eq!(body["message"], "您没有权限做这件事");
                }
            }
        }
        assert!(failures.is_empty(), "{failures:#?}");
    }

    async fn who_may_write_what(app) {
        let t = tokens(&app).await;
        let p = places(&app).await;
        let audit0 = app.audit_count().await;
        let committee = t["committee"].clone();
        let mut writes = 0;
        let mut failures = Vec::new();
        let mut n = 0;

        // Editing a household, with the version just read.
        let edits: Vec<(i64, Vec<&str>)> = vec![
            (p.home, vec!["worker", "committee", "buildinghead", "unithead"]),
            (p.same_building, vec!["worker", "committee", "buildinghead"]),
            (p.other_building, vec!["worker", "committee"]),
            (p.nanguo, vec![]),
            (p.ganquan, vec!["city", "street"]),
        ];
        for (h, allowed) in &edits {
            for persona in PERSONAS {
                n += 1;
                let version = app.sql_i64(&format!("SELECT version FROM household WHERE id = {h}")).await;
                let area = format!("{}.{:02}", 60 + n, n % 100);
                let (s, body) = app.api(&t[persona], Method::PATCH, &format!("/households/{h}"), Some(json!({"version": version, "area": area}))).await;
                let want = if allowed.contains(&persona) { 200 } else { 403 };
                if s != want {
                    failures.push(format!("{persona} PATCH household {h}: {s} {body}, want {want}"));
                }
                if s == 200 {
                    writes += 1;
                }
            }
        }
        // Adding a building, issuing an invite, adding a resident.
        let others: Vec<(Method, String, BodyOf, u16, Vec<&str>)> = vec![
            (Method::POST, "/compounds/1/buildings".into(), Box::new(|i| json!({"name": format!("新楼{i}")})), 201, vec!["worker", "committee"]),
            (Method::POST, format!("/households/{}/invites", p.home), Box::new(|_| json!({"role": "owner"})), 201, vec!["worker", "committee"]),
            (
                Method::POST,
                format!("/households/{}/residents", p.home),
                Box::new(|i| json!({"name": format!("住户{i}"), "kind": "family"})),
                201,
                vec!["worker", "committee", "buildinghead", "unithead"],
            ),
            (Method::POST, format!("/households/{}/owners", p.neighbour), Box::new(|_| json!({"name": "某人", "phone": "123"})), 422, vec![
                "worker", "committee", "buildinghead", "unithead",
            ]),
        ];
        for (i, (method, path, body, ok, allowed)) in others.iter().enumerate() {
            for (j, persona) in PERSONAS.iter().enumerate() {
                let (s, b) = app.api(&t[persona], method.clone(), path, Some(body(i * 100 + j))).await;
                let want = if allowed.contains(persona) { *ok } else { 403 };
                if s != want {
                    failures.push(format!("{persona} {method} {path}: {s} {b}, want {want}"));
                }
                if s == 201 {
                    writes += 1;
                }
            }
        }
        // Creating a compound in a community: the community's worker only.
        let community = app.sql_i64("SELECT community_id FROM compound WHERE id = 1").await;
        for persona in PERSONAS {
            let body = json!({"name": format!("{persona}新小区"), "management_mode": "self_managed"});
            let (s, b) = app.api(&t[persona], Method::POST, &format!("/regions/{community}/compounds"), Some(body)).await;
            let want = if persona == "worker" { 201 } else { 403 };
            if s != want {
                failures.push(format!("{persona} create compound: {s} {b}, want {want}"));
            }
            if s == 201 {
                writes += 1;
            }
        }
        assert!(failures.is_empty(), "{failures:#?}");
        assert_eq!(app.audit_count().await, audit0 + writes, "exactly the allowed writes were recorded");
        let (_, c) = app.api(&committee, Method::GET, "/compounds/1", None).await;
        assert_eq!(c["stats"]["buildings"], 7, "two of the ten tries made a building");
    }

    async fn phones_are_masked_for_those_who_may_not_see_personal_data(app) {
        let t = tokens(&app).await;
        let h = app.persona_place("owner");
        let full = |v: &Value| v.as_str().is_some_and(|p| p.len() == 11 && p.chars().all(|c| c.is_ascii_digit()));
        let masked = |v: &Value| v.as_str().is_some_and(|p| p.len() == 11 && p.contains("****"));
        let (_, committee) = app.api(&t["committee"], Method::GET, &format!("/households/{h}"), None).await;
        let phone = committee["owners"][0]["phone"].clone();
        assert!(full(&phone), "{committee}");
        assert_eq!(committee["can"]["personal"], true);

        for (persona, whole) in [("volunteer", false), ("committee", true), ("worker", true), ("unithead", true), ("owner", true)] {
            let (s, v) = app.api(&t[persona], Method::GET, &format!("/households/{h}"), None).await;
            assert_eq!(s, 200, "{persona}: {v}");
            assert_eq!(v["can"]["personal"], whole, "{persona}");
            for o in v["owners"].as_array().unwrap().iter().chain(v["residents"].as_array().unwrap()) {
                if o["phone"].is_null() {
                    continue;
                }
                assert!(if whole { full(&o["phone"]) } else { masked(&o["phone"]) }, "{persona} sees {}", o["phone"]);
            }
        }
        let (_, v) = app.api(&t["volunteer"], Method::GET, &format!("/households/{h}"), None).await;
        let p = phone.as_str().unwrap();
        assert_eq!(v["owners"][0]["phone"], format!("{}****{}", &p[..3], &p[7..]));

        // Lists mask the same way.
        let (_, list) = app.api(&t["volunteer"], Method::GET, "/compounds/1/households?size=200", None).await;
        let phones: Vec<&Value> = list["items"].as_array().unwrap().iter().map(|r| &r["phone"]).filter(|p| !p.is_null()).collect();
        assert!(!phones.is_empty());
        assert!(phones.iter().all(|p| masked(p)), "volunteer list: {phones:?}");
        let (_, list) = app.api(&t["committee"], Method::GET, "/compounds/1/households?size=200", None).await;
        assert!(list["items"].as_array().unwrap().iter().map(|r| &r["phone"]).filter(|p| !p.is_null()).all(full));
        assert!(list["items"].as_array().unwrap().iter().all(|r| r["compound"] == "纹江花园"), "{list}");
        // A search anywhere (its rows' compounds joined, not known from the list's place)
        // shows the compound and masks alike.
        let q: String = v["owners"][0]["name"].as_str().unwrap().bytes().map(|b| format!("%{b:02X}")).collect();
        for (persona, shown) in [("committee", full as fn(&Value) -> bool), ("volunteer", masked as fn(&Value) -> bool)] {
            let (s, found) = app.api(&t[persona], Method::GET, &format!("/search?q={q}&size=200"), None).await;
            assert_eq!(s, 200, "{found}");
            let row = found["items"].as_array().unwrap().iter().find(|r| r["id"] == h).unwrap_or_else(|| panic!("{persona}: {found}"));
            assert_eq!(row["compound"], "纹江花园", "{persona}");
            assert!(shown(&row["phone"]), "{persona} sees {} in a search", row["phone"]);
        }
        // And a volunteer cannot read the phone out of the history either.
        let (s, _) = app.api(&t["volunteer"], Method::GET, &format!("/households/{h}/history"), None).await;
        assert_eq!(s, 403);
    }

    async fn lists_and_searches_show_only_what_one_may_see(app) {
        let t = tokens(&app).await;
        let names = |list: &Value| -> Vec<String> { list["items"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_string()).collect() };
        for (persona, want) in [
            ("city", vec!["甘泉苑"]),
            ("street", vec!["甘泉苑"]),
            ("grid", vec!["南国新家园"]),
            ("committee", vec!["纹江花园"]),
            ("owner", vec!["纹江花园"]),
        ] {
            let (s, list) = app.api(&t[persona], Method::GET, "/compounds", None).await;
            assert_eq!(s, 200);
            assert_eq!(names(&list), want, "{persona}");
        }
        // A resident's list of the compound holds only their own home.
        let (_, own) = app.api(&t["resident"], Method::GET, "/compounds/1/households", None).await;
        assert_eq!(own["total"], 1);
        assert_eq!(own["items"][0]["id"], app.persona_place("resident"));
        // The unit head's list of the compound holds only their unit.
        let (_, unit) = app.api(&t["unithead"], Method::GET, "/compounds/1/households?size=200", None).await;
        assert_eq!(unit["total"], 12);
        // A search in Shanghai does not find a name from 纹江花园.
        let h = app.persona_place("owner");
        let (_, v) = app.api(&t["committee"], Method::GET, &format!("/households/{h}"), None).await;
        let name = v["owners"][0]["name"].as_str().unwrap();
        let q: String = name.bytes().map(|b| format!("%{b:02X}")).collect();
        let (_, here) = app.api(&t["committee"], Method::GET, &format!("/search?q={q}"), None).await;
        assert!(here["items"].as_array().unwrap().iter().any(|r| r["id"] == h));
        for persona in ["city", "grid"] {
            let (_, there) = app.api(&t[persona], Method::GET, &format!("/search?q={q}&size=200"), None).await;
            assert!(there["items"].as_array().unwrap().iter().all(|r| r["compound_id"] != 1), "{persona}: {there}");
        }
    }

    async fn without_signing_in_the_api_answers_401(app) {
        for (method, path) in [
            (Method::GET, "/me"),
            (Method::GET, "/households/1"),
            (Method::GET, "/compounds"),
            (Method::PATCH, "/households/1"),
            (Method::POST, "/units/1/households"),
            (Method::DELETE, "/households/1/owners/1"),
        ] {
            let body = (method != Method::GET && method != Method::DELETE).then(|| ("application/json", br#"{"version": 1, "area": "1"}"#.to_vec()));
            let (s, e) = app.api_raw(None, method.clone(), path, body.clone(), &[]).await;
            assert_api_error(s, &e, 401, "unauthenticated", None);
            assert_eq!(e["message"], "请先登录");
            let (s, e) = app.api_raw(Some("linli_not_a_real_token"), method.clone(), path, body, &[("accept-language", "en")]).await;
            assert_api_error(s, &e, 401, "unauthenticated", None);
            assert_eq!(e["message"], "Please sign in first");
        }
        // Wrong passwords get no token.
        let (s, e) = app
            .api_raw(None, Method::POST, "/tokens", Some(("application/json", br#"{"login": "committee", "password": "nope", "name": "x"}"#.to_vec())), &[])
            .await;
        assert_api_error(s, &e, 401, "bad_credentials", None);
        // Pages send the visitor to sign in instead.
        let res = app.client.get(app.url("/households/1")).send().await.unwrap();
        assert_eq!(res.status(), 303);
        assert_eq!(res.headers()["location"], "/login");
        assert_eq!(app.household_json(&app.token("committee").await, 1).await["household"]["version"], 1, "nothing was written");
    }
}
