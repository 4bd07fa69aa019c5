//! Registry flows through the JSON API: building → unit → household, editing, moving within
//! the compound, co-owners and the designated voter, move-in and move-out, search, paging.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use common::urlencode;

use reqwest::Method;
use serde_json::{Value, json};

/// The ids of the items of a page of a list.
fn ids(list: &Value) -> Vec<i64> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect()
}

both_backends! {
    async fn committee_creates_a_building_a_unit_and_a_household(app) {
        let token = app.token("committee").await;
        let audit0 = app.audit_count().await;
        let (s, before) = app.api(&token, Method::GET, "/compounds/1", None).await;
        assert_eq!(s, 200, "{before}");
        assert_eq!(before["compound"]["name"], "纹江花园");
        assert_eq!(before["stats"]["buildings"], 5);
        assert_eq!(before["stats"]["households"], 240);
        let area = app.sql_i64("SELECT CAST(SUM(area_centi) AS BIGINT) FROM household WHERE compound_id = 1").await;
        assert_eq!(before["stats"]["area_centi"], area, "the compound's total area, exact");
        let per_building: i64 = before["buildings"].as_array().unwrap().iter().map(|b| b["households"].as_i64().unwrap()).sum();
        assert_eq!(per_building, 240);

        let (s, b) = app.api(&token, Method::POST, "/compounds/1/buildings", Some(json!({"name": "6栋", "floors": "7"}))).await;
        assert_eq!(s, 201, "{b}");
        assert_eq!(b["name"], "6栋");
        let b_id = b["id"].as_i64().unwrap();
        let (s, u) = app.api(&token, Method::POST, &format!("/buildings/{b_id}/units"), Some(json!({"name": "1单元"}))).await;
        assert_eq!(s, 201, "{u}");
        let u_id = u["id"].as_i64().unwrap();
        let (s, h) = app
            .api(&token, Method::POST, &format!("/units/{u_id}/households"), Some(json!({"floor": "3", "room": "301", "area": "89.5㎡"})))
            .await;
        assert_eq!(s, 201, "{h}");
        assert_eq!(h["compound_id"], 1);
        assert_eq!(h["building_id"], b_id);
        assert_eq!(h["unit_id"], u_id);
        assert_eq!(h["floor"], 3);
        assert_eq!(h["room"], "301");
        assert_eq!(h["area"], "89.50");
        assert_eq!(h["area_centi"], 8950);
        assert_eq!(h["area_source"], "registered");
        assert_eq!(h["version"], 1);
        let h_id = h["id"].as_i64().unwrap();

        // Everything reads back where it was put.
        let (s, unit) = app.api(&token, Method::GET, &format!("/units/{u_id}"), None).await;
        assert_eq!(s, 200, "{unit}");
        assert_eq!(unit["households"]["total"], 1);
        assert_eq!(unit["households"]["items"][0]["id"], h_id);
        assert_eq!(unit["households"]["items"][0]["room"], "301");
        let (_, building) = app.api(&token, Method::GET, &format!("/buildings/{b_id}"), None).await;
        assert_eq!(building["floors"], 7);
        assert_eq!(building["units"], json!([{"id": u_id, "name": "1单元", "households": 1}]));
        let (_, after) = app.api(&token, Method::GET, "/compounds/1", None).await;
        assert_eq!(after["stats"]["buildings"], 6);
        assert_eq!(after["stats"]["units"], before["stats"]["units"].as_i64().unwrap() + 1);
        assert_eq!(after["stats"]["households"], 241);
        let view = app.household_json(&token, h_id).await;
        let names: Vec<&str> = view["places"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(&names[4..], ["纹江花园", "6栋", "1单元", "301"]);

        // One audit record per write; the household's history starts with its creation.
        assert_eq!(app.audit_count().await, audit0 + 3);
        let (_, hist) = app.api(&token, Method::GET, &format!("/households/{h_id}/history"), None).await;
        assert_eq!(hist["total"], 1);
        assert_eq!(hist["items"][0]["action"], "household.create");
        assert_eq!(hist["items"][0]["after"]["area_centi"], 8950);
        assert_eq!(hist["items"][0]["actor_name"], "自管委 刘主任");

        // A second building of the same name is refused.
        let (s, dup) = app.api(&token, Method::POST, "/compounds/1/buildings", Some(json!({"name": "6栋"}))).await;
        common::assert_api_error(s, &dup, 422, "taken", Some("name"));
        assert_eq!(app.audit_count().await, audit0 + 3);
    }

    async fn committee_edits_and_moves_a_household_within_the_compound(app) {
        let token = app.token("committee").await;
        let owner = app.token("owner").await;
        let building_head = app.token("buildinghead").await;
        let h = app.persona_place("owner");
        let v0 = app.household_json(&token, h).await["household"].clone();
        let version = v0["version"].as_i64().unwrap();
        assert_eq!(v0["building_id"].as_i64().unwrap(), app.persona_place("buildinghead"));

        // Edit: the fields given change, the others keep their value.
        let (s, e) = app
            .api(&token, Method::PATCH, &format!("/households/{h}"), Some(json!({"version": version, "area": "101.25", "area_source": "surveyed"})))
            .await;
        assert_eq!(s, 200, "{e}");
        assert_eq!(e["area"], "101.25");
        assert_eq!(e["area_source"], "surveyed");
        assert_eq!(e["room"], v0["room"]);
        assert_eq!(e["floor"], v0["floor"]);
        assert_eq!(e["version"], version + 1);

        // Move it to a new unit of building 2 (every old unit has the same room numbers).
        let (_, c) = app.api(&token, Method::GET, "/compounds/1", None).await;
        let b2 = c["buildings"][1]["id"].as_i64().unwrap();
        let (s, u) = app.api(&token, Method::POST, &format!("/buildings/{b2}/units"), Some(json!({"name": "加建单元"}))).await;
        assert_eq!(s, 201, "{u}");
        let target = u["id"].as_i64().unwrap();
        let (s, m) = app.api(&token, Method::POST, &format!("/households/{h}/move"), Some(json!({"version": version + 1, "unit_id": target}))).await;
        assert_eq!(s, 200, "{m}");
        assert_eq!(m["unit_id"], target);
        assert_eq!(m["building_id"], b2);
        assert_eq!(m["compound_id"], 1);
        assert_eq!(m["area"], "101.25");
        assert_eq!(m["version"], version + 2);

        let view = app.household_json(&token, h).await;
        assert_eq!(view["places"][5]["id"], b2);
        assert_eq!(view["places"][6]["id"], target);
        let (_, hist) = app.api(&token, Method::GET, &format!("/households/{h}/history"), None).await;
        let actions: Vec<&str> = hist["items"].as_array().unwrap().iter().map(|i| i["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["household.move", "household.update"]);
        assert_eq!(hist["items"][0]["before"]["unit_id"], v0["unit_id"]);
        assert_eq!(hist["items"][0]["after"]["unit_id"], target);

        // The owner's role moved with the home; the head of building 1 no longer covers it.
        let (s, mine) = app.api(&owner, Method::GET, &format!("/households/{h}"), None).await;
        assert_eq!(s, 200, "the owner still sees their moved home: {mine}");
        let (s, _) = app.api(&building_head, Method::PATCH, &format!("/households/{h}"), Some(json!({"version": version + 2, "area": "90"}))).await;
        assert_eq!(s, 403);
        assert_eq!(app.household_json(&token, h).await["household"]["version"], version + 2);
    }

    async fn co_owners_share_at_most_the_whole_and_designate_one_voter(app) {
        let token = app.token("committee").await;
        let (s, h) = app.api(&token, Method::POST, "/units/1/households", Some(json!({"floor": 7, "room": "701", "area": 66}))).await;
        assert_eq!(s, 201, "{h}");
        let h = h["id"].as_i64().unwrap();
        let path = format!("/households/{h}/owners");

        let (s, a) = app.api(&token, Method::POST, &path, Some(json!({"name": "甲业主", "phone": "13800000001", "share": "50"}))).await;
        assert_eq!(s, 201, "{a}");
        assert_eq!(a["share"], "50%");
        assert_eq!(a["share_bp"], 5000);
        assert_eq!(a["designated_voter"], true, "the first owner votes until the owners decide otherwise");
        let (s, b) = app.api(&token, Method::POST, &path, Some(json!({"name": "乙业主", "phone": "13800000002", "share": "50%"}))).await;
        assert_eq!(s, 201, "{b}");
        assert_eq!(b["designated_voter"], false);

        // A third share would make more than the whole: refused, nothing written.
        let audit = app.audit_count().await;
        for share in ["0.01", "", "100"] {
            let (s, c) = app.api(&token, Method::POST, &path, Some(json!({"name": "丙业主", "share": share}))).await;
            common::assert_api_error(s, &c, 422, "bad_share", Some("share"));
        }
        // The same person cannot be added twice.
        let (s, again) = app.api(&token, Method::POST, &path, Some(json!({"name": "甲业主", "phone": "13800000001", "share": "0"}))).await;
        assert_eq!(s, 422, "{again}");
        assert_eq!(app.audit_count().await, audit);

        let view = app.household_json(&token, h).await;
        let owners = view["owners"].as_array().unwrap();
        assert_eq!(owners.len(), 2);
        assert_eq!(owners.iter().map(|o| o["share_bp"].as_i64().unwrap()).sum::<i64>(), 10_000);
        assert_eq!(view["household"]["designated_voter_id"], a["person_id"]);
        assert_eq!(owners[0]["phone"], "13800000001", "the committee sees whole numbers");
        // A list row names every owner in the order they were recorded, with the first's phone.
        let (s, found) = app.api(&token, Method::GET, &format!("/search?q={}", urlencode("乙业主")), None).await;
        assert_eq!(s, 200, "{found}");
        let row = found["items"].as_array().unwrap().iter().find(|i| i["id"] == h).cloned().unwrap_or_default();
        assert_eq!((row["owners"].as_str(), row["phone"].as_str()), (Some("甲业主、乙业主"), Some("13800000001")), "{found}");

        // The owners designate 乙; someone who is not an owner cannot be designated.
        let (s, _) = app.api(&token, Method::PUT, &format!("/households/{h}/voter"), Some(json!({"person_id": b["person_id"]}))).await;
        assert_eq!(s, 204);
        let view = app.household_json(&token, h).await;
        assert_eq!(view["household"]["designated_voter_id"], b["person_id"]);
        assert_eq!(view["owners"][1]["designated_voter"], true);
        assert_eq!(view["owners"][0]["designated_voter"], false);
        let (s, bad) = app.api(&token, Method::PUT, &format!("/households/{h}/voter"), Some(json!({"person_id": 1}))).await;
        assert_eq!(s, 422, "{bad}");
        assert_eq!(app.household_json(&token, h).await["household"]["designated_voter_id"], b["person_id"]);

        // 乙 sells: the vote passes to the remaining owner, and 丙 can buy the half.
        let (s, _) = app.api(&token, Method::DELETE, &format!("{path}/{}", b["ownership_id"]), None).await;
        assert_eq!(s, 204);
        let view = app.household_json(&token, h).await;
        assert_eq!(view["owners"].as_array().unwrap().len(), 1);
        assert_eq!(view["household"]["designated_voter_id"], a["person_id"]);
        let (s, c) = app.api(&token, Method::POST, &path, Some(json!({"name": "丙业主", "share": "50.00"}))).await;
        assert_eq!(s, 201, "{c}");
        // The list, kept with each change of owners: 乙 gone, 丙 after 甲, 甲's phone.
        let (s, listed) = app.api(&token, Method::GET, &format!("/compounds/1/households?q={}", urlencode("甲业主")), None).await;
        assert_eq!(s, 200, "{listed}");
        let row = listed["items"].as_array().unwrap().iter().find(|i| i["id"] == h).cloned().unwrap_or_default();
        assert_eq!((row["owners"].as_str(), row["phone"].as_str()), (Some("甲业主、丙业主"), Some("13800000001")), "{listed}");
        app.assert_owners_shown().await;
        let (_, hist) = app.api(&token, Method::GET, &format!("/households/{h}/history"), None).await;
        let actions: Vec<&str> = hist["items"].as_array().unwrap().iter().map(|i| i["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["owner.add", "owner.remove", "voter.designate", "owner.add", "owner.add", "household.create"]);
    }

    async fn residents_move_in_and_out_and_their_history_stays(app) {
        let token = app.token("committee").await;
        let h = app.persona_place("owner");
        let residents = |v: &Value| v["residents"].as_array().unwrap().clone();
        let n0 = residents(&app.household_json(&token, h).await).len();

        let path = format!("/households/{h}/residents");
        let tenant = json!({"name": "租客 王", "phone": "139-0000-1111", "kind": "tenant", "moved_in": "2024-03-01"});
        let (s, r) = app.api(&token, Method::POST, &path, Some(tenant.clone())).await;
        assert_eq!(s, 201, "{r}");
        assert_eq!(r["kind"], "tenant");
        assert_eq!(r["moved_in"], "2024-03-01");
        assert_eq!(r["moved_out"], Value::Null);
        let rid = r["residency_id"].as_i64().unwrap();

        // A move-out before the move-in is refused; then the real one is recorded once.
        let out = format!("{path}/{rid}/move-out");
        let (s, early) = app.api(&token, Method::POST, &out, Some(json!({"moved_out": "2024-02-01"}))).await;
        common::assert_api_error(s, &early, 422, "bad_date", Some("date"));
        let (s, _) = app.api(&token, Method::POST, &out, Some(json!({"moved_out": "2024-09-30"}))).await;
        assert_eq!(s, 204);
        let (s, twice) = app.api(&token, Method::POST, &out, Some(json!({"moved_out": "2024-10-01"}))).await;
        assert_eq!(s, 422, "{twice}");

        // They come back a year later: the same person, a second residency; the first stays.
        let back = json!({"name": "租客 王", "phone": "13900001111", "kind": "tenant", "moved_in": "2025-03-01"});
        let (s, r2) = app.api(&token, Method::POST, &path, Some(back)).await;
        assert_eq!(s, 201, "{r2}");
        assert_eq!(r2["person_id"], r["person_id"], "found again by name and phone");
        let all = residents(&app.household_json(&token, h).await);
        assert_eq!(all.len(), n0 + 2);
        let first = all.iter().find(|x| x["residency_id"] == rid).unwrap();
        assert_eq!(first["moved_in"], "2024-03-01");
        assert_eq!(first["moved_out"], "2024-09-30");
        let second = all.iter().find(|x| x["residency_id"] == r2["residency_id"]).unwrap();
        assert_eq!(second["moved_out"], Value::Null);

        // Bad kinds and dates name their field.
        let (s, bad) = app.api(&token, Method::POST, &path, Some(json!({"name": "某人", "kind": "visitor"}))).await;
        assert_eq!((s, bad["field"].as_str()), (422, Some("kind")), "{bad}");
        let (s, bad) = app.api(&token, Method::POST, &path, Some(json!({"name": "某人", "kind": "family", "moved_in": "2024-13-01"}))).await;
        assert_eq!((s, bad["field"].as_str()), (422, Some("date")), "{bad}");
        assert_eq!(residents(&app.household_json(&token, h).await).len(), n0 + 2);
    }

    async fn households_are_found_by_name_room_and_phone(app) {
        let token = app.token("committee").await;
        let h = app.persona_place("owner");
        let view = app.household_json(&token, h).await;
        let owner = &view["owners"][0];
        let name = owner["name"].as_str().unwrap().to_string();
        let phone = owner["phone"].as_str().unwrap().to_string();
        let room = view["household"]["room"].as_str().unwrap().to_string();
        assert!(phone.len() == 11 && phone.chars().all(|c| c.is_ascii_digit()), "{phone}");

        let search = |q: String| {
            let token = token.clone();
            let app = &app;
            async move {
                let (s, list) = app.api(&token, Method::GET, &format!("/search?q={}&size=200", urlencode(&q)), None).await;
                assert_eq!(s, 200, "{list}");
                list
            }
        };
        let by_name = search(name.clone()).await;
        assert!(ids(&by_name).contains(&h), "by name {name}: {by_name}");
        let row = by_name["items"].as_array().unwrap().iter().find(|i| i["id"] == h).unwrap();
        assert!(row["owners"].as_str().unwrap().contains(&name), "{row}");
        assert_eq!(row["room"], room.as_str());
        let by_phone = search(phone[7..].to_string()).await;
        assert!(ids(&by_phone).contains(&h), "by the last four digits: {by_phone}");
        let by_phone = search(format!("{} {} {}", &phone[..3], &phone[3..7], &phone[7..])).await;
        assert!(ids(&by_phone).contains(&h), "by the whole number typed with spaces: {by_phone}");
        let by_room = search(room.clone()).await;
        assert!(ids(&by_room).contains(&h), "by room {room}: {by_room}");
        // Room numbers repeat in each of the 20 units of 纹江花园, the committee's compound.
        assert_eq!(by_room["total"], 20, "{by_room}");
        assert!(by_room["items"].as_array().unwrap().iter().all(|i| i["room"] == room.as_str()));

        // A resident who is not an owner is found too.
        let r = app.persona_place("resident");
        let rv = app.household_json(&token, r).await;
        let resident = rv["residents"][0]["name"].as_str().unwrap().to_string();
        assert!(ids(&search(resident.clone()).await).contains(&r), "by resident {resident}");

        // The compound's own list searches the same way.
        let (s, list) = app.api(&token, Method::GET, &format!("/compounds/1/households?q={}", urlencode(&name)), None).await;
        assert_eq!(s, 200);
        assert!(ids(&list).contains(&h));

        // A name shared by thousands of people elsewhere in the city still finds the one
        // household here that has it.
        app.sql_exec(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2100) \
             INSERT INTO person (name, created_at) SELECT '测试某' || i, 0 FROM n",
        )
        .await;
        let (s, nh) = app.api(&token, Method::POST, "/units/2/households", Some(json!({"floor": 7, "room": "701", "area": "50"}))).await;
        assert_eq!(s, 201, "{nh}");
        let (s, o) = app.api(&token, Method::POST, &format!("/households/{}/owners", nh["id"]), Some(json!({"name": "测试甲"}))).await;
        assert_eq!(s, 201, "{o}");
        let common_name = search("测试".to_string()).await;
        assert_eq!(ids(&common_name), [nh["id"].as_i64().unwrap()], "{common_name}");

        // Nothing and wildcards find nothing; a name nobody has finds nothing.
        for q in ["", "   ", "%", "%%", "_", "没有这个人"] {
            let list = search(q.to_string()).await;
            assert_eq!(list["total"], 0, "search {q:?}: {list}");
        }
    }

    async fn lists_are_paged_with_totals_and_a_capped_size(app) {
        let token = app.token("committee").await;
        let get = |path: String| {
            let token = token.clone();
            let app = &app;
            async move {
                let (s, list) = app.api(&token, Method::GET, &path, None).await;
                assert_eq!(s, 200, "{path}: {list}");
                list
            }
        };
        let mut seen = Vec::new();
        for page in 1..=5 {
            let list = get(format!("/compounds/1/households?page={page}&size=50")).await;
            assert_eq!(list["total"], 240);
            assert_eq!(list["page"], page);
            assert_eq!(list["size"], 50);
            assert_eq!(ids(&list).len(), if page < 5 { 50 } else { 40 });
            seen.extend(ids(&list));
        }
        let n = seen.len();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!((n, seen.len()), (240, 240), "the pages hold every household exactly once");

        let beyond = get("/compounds/1/households?page=6&size=50".into()).await;
        assert_eq!((beyond["total"].as_u64(), ids(&beyond).len()), (Some(240), 0));
        let capped = get("/compounds/1/households?size=1000".into()).await;
        assert_eq!(capped["size"], 200);
        assert_eq!(ids(&capped).len(), 200);
        let default = get("/compounds/1/households?size=0&page=0".into()).await;
        assert_eq!((default["page"].as_u64(), default["size"].as_u64()), (Some(1), Some(50)));
        let units = get("/units/1?page=2&size=5".into()).await;
        assert_eq!(units["households"]["total"], 12);
        assert_eq!(ids(&units["households"]).len(), 5);
        assert_eq!(units["households"]["page"], 2);

        // Histories page the same way.
        for area in ["70.01", "70.02", "70.03"] {
            let v = app.household_json(&token, 1).await["household"]["version"].clone();
            let (s, _) = app.api(&token, Method::PATCH, "/households/1", Some(json!({"version": v, "area": area}))).await;
            assert_eq!(s, 200);
        }
        let hist = get("/households/1/history?page=2&size=2".into()).await;
        assert_eq!(hist["total"], 3);
        assert_eq!(hist["items"].as_array().unwrap().len(), 1);
        assert_eq!(hist["items"][0]["after"]["area"], "70.01", "newest first: page 2 holds the oldest");

        // The city admin's compound list counts what they see.
        let city = app.token("city").await;
        let (s, list) = app.api(&city, Method::GET, "/compounds?size=1", None).await;
        assert_eq!(s, 200);
        assert_eq!(list["total"], 1);
        assert_eq!(list["items"][0]["name"], "甘泉苑");
    }
}
