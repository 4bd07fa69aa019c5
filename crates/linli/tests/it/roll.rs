//! The roll of a vote as SPC Art. 9 counts it, through the API on SQLite and PostgreSQL:
//! persons vote for the flats they are the designated voter of, co-owners who are not are
//! refused (or vote by proxy with the voter's authorisation), an owner of two flats casts one
//! ballot for both, the developer's unsold flats are one voter, flats with no owner count but
//! cannot be voted for, and relinking a person never moves an open vote's roll; an election
//! runs on the same roll, and its register says who cast each ballot and on whose authority;
//! accounts are linked to persons when the household makes it unambiguous, else listed. A property
//! test checks the frozen roll against one computed here, independently, from the same rows.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::{TestApp, assert_api_error};
use linli_demo_load::DEMO_PASSWORD;
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// A fresh unit in the owner persona's building, run by the committee.
struct Unit {
    committee: String,
    compound: i64,
    id: i64,
}

async fn new_unit(app: &TestApp, name: &str) -> Unit {
    let committee = app.token("committee").await;
    let home = app.persona_place("owner");
    let h = app.household_json(&committee, home).await;
    let building = h["household"]["building_id"].as_i64().unwrap();
    let compound = h["household"]["compound_id"].as_i64().unwrap();
    let (s, u) = app
        .api(
            &committee,
            Method::POST,
            &format!("/buildings/{building}/units"),
            Some(json!({"name": name})),
        )
        .await;
    assert_eq!(s, 201, "{u}");
    Unit {
        committee,
        compound,
        id: u["id"].as_i64().unwrap(),
    }
}

impl Unit {
    async fn flat(&self, app: &TestApp, room: &str, area: &str) -> i64 {
        let floor = &room[..1];
        let body = json!({"floor": floor, "room": room, "area": area, "area_source": "registered"});
        let (s, h) = app
            .api(
                &self.committee,
                Method::POST,
                &format!("/units/{}/households", self.id),
                Some(body),
            )
            .await;
        assert_eq!(s, 201, "{h}");
        h["id"].as_i64().unwrap()
    }

    /// Adds an owner; the same name and phone on two flats is one person.
    async fn owner(&self, app: &TestApp, flat: i64, name: &str, phone: &str, share: &str) -> i64 {
        let body = json!({"name": name, "phone": phone, "share": share});
        let (s, o) = app
            .api(
                &self.committee,
                Method::POST,
                &format!("/households/{flat}/owners"),
                Some(body),
            )
            .await;
        assert_eq!(s, 201, "{o}");
        o["person_id"].as_i64().unwrap()
    }

    async fn designate(&self, app: &TestApp, flat: i64, person: i64) {
        let (s, b) = app
            .api(
                &self.committee,
                Method::PUT,
                &format!("/households/{flat}/voter"),
                Some(json!({"person_id": person})),
            )
            .await;
        assert_eq!(s, 204, "{b}");
    }

    /// An account for a person, made the way a resident gets one: an invite code issued in
    /// their name, claimed after signing up. Returns its API token and id.
    async fn account(
        &self,
        app: &TestApp,
        flat: i64,
        person: i64,
        login: &str,
        name: &str,
    ) -> (String, i64) {
        let (s, inv) = app
            .api(
                &self.committee,
                Method::POST,
                &format!("/households/{flat}/invites"),
                Some(json!({"role": "owner", "person_id": person})),
            )
            .await;
        assert_eq!(s, 201, "{inv}");
        assert_eq!(inv["person_id"], person);
        let id = app
            .store
            .create_account(login, None, name, DEMO_PASSWORD)
            .await
            .unwrap();
        let token = app.token(login).await;
        let (s, c) = app
            .api(
                &token,
                Method::POST,
                "/invites/claim",
                Some(json!({"code": inv["code"]})),
            )
            .await;
        assert_eq!(s, 200, "{c}");
        (token, id)
    }

    /// A proposal for the unit under `rule`, in deliberation.
    async fn propose(&self, app: &TestApp, rule: Value) -> i64 {
        let body = json!({"scope": "unit", "scope_id": self.id, "title": "加装电梯", "body": "方案见附件。", "matter": "alteration", "preset": "custom", "rule": rule});
        let (s, p) = app
            .api(
                &self.committee,
                Method::POST,
                &format!("/compounds/{}/proposals", self.compound),
                Some(body),
            )
            .await;
        assert_eq!(s, 201, "{p}");
        let id = p["id"].as_i64().unwrap();
        let (s, p) = app
            .api(
                &self.committee,
                Method::POST,
                &format!("/proposals/{id}/stage"),
                Some(json!({"action": "submit"})),
            )
            .await;
        assert_eq!(s, 200, "{p}");
        id
    }

    async fn open(&self, app: &TestApp, id: i64, confirm_ownerless: bool) -> (u16, Value) {
        app.api(
            &self.committee,
            Method::POST,
            &format!("/proposals/{id}/voting"),
            Some(json!({"deadline": "2099-12-31", "confirm_ownerless": confirm_ownerless})),
        )
        .await
    }

    async fn register(&self, app: &TestApp, id: i64) -> Vec<Value> {
        let (s, reg) = app
            .api(
                &self.committee,
                Method::GET,
                &format!("/proposals/{id}/ballots"),
                None,
            )
            .await;
        assert_eq!(s, 200, "{reg}");
        reg.as_array().unwrap().clone()
    }

    async fn tally(&self, app: &TestApp, id: i64) -> Value {
        let (s, t) = app
            .api(
                &self.committee,
                Method::GET,
                &format!("/proposals/{id}/tally"),
                None,
            )
            .await;
        assert_eq!(s, 200, "{t}");
        t
    }
}

/// Two thirds of all heads, inclusive, under the given Art. 9 switches.
fn rule(one_per_owner: bool, developer_as_one: bool, co_owners_one_voter: bool) -> Value {
    json!({
        "thresholds": [{"measure": "headcount", "count": "yes", "of": "all", "fraction": {"num": 2, "den": 3}, "strict": false}],
        "requires_affected_consent": false,
        "no_unresolved_objection": false,
        "headcount": {"one_per_owner": one_per_owner, "developer_as_one": developer_as_one, "co_owners_one_voter": co_owners_one_voter},
        "notice_days": 15
    })
}

fn row<'a>(reg: &'a [Value], key: &str) -> &'a Value {
    reg.iter()
        .find(|r| r["voter_key"] == key)
        .unwrap_or_else(|| panic!("{key} not on the roll: {reg:?}"))
}

async fn ballots(app: &TestApp, id: i64) -> i64 {
    app.sql_i64(&format!(
        "SELECT COUNT(*) FROM ballot WHERE proposal_id = {id}"
    ))
    .await
}

async fn upload(app: &TestApp, token: &str, compound: i64) -> i64 {
    let res = app
        .client
        .post(app.url(&format!(
            "/api/v1/compounds/{compound}/files?name=authorisation.jpg"
        )))
        .bearer_auth(token)
        .body(common::TINY_JPEG.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    res.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

both_backends! {
    async fn persons_vote_for_the_flats_they_are_the_voter_of(app) {
        let u = new_unit(&app, "表决测试单元").await;
        // 101: 王 (designated) and 李 co-own it.  102 and 201: 张 owns both.
        // 202: 赵 (designated) and 钱 co-own it.  301: 孙 (designated) and 赵 co-own it.
        let f101 = u.flat(&app, "101", "80.00").await;
        let f102 = u.flat(&app, "102", "60.50").await;
        let f201 = u.flat(&app, "201", "70.25").await;
        let f202 = u.flat(&app, "202", "90.00").await;
        let f301 = u.flat(&app, "301", "100.00").await;
        let wang = u.owner(&app, f101, "王建华", "13800000101", "50").await;
        let li = u.owner(&app, f101, "李秀英", "13800000102", "50").await;
        let zhang = u.owner(&app, f102, "张国强", "13800000103", "100").await;
        assert_eq!(u.owner(&app, f201, "张国强", "13800000103", "100").await, zhang, "one person, two flats");
        let zhao = u.owner(&app, f202, "赵丽", "13800000104", "50").await;
        u.owner(&app, f202, "钱明", "13800000105", "50").await;
        let sun = u.owner(&app, f301, "孙伟", "13800000106", "50").await;
        assert_eq!(u.owner(&app, f301, "赵丽", "13800000104", "50").await, zhao);
        u.designate(&app, f301, sun).await;

        let (li_token, li_account) = u.account(&app, f101, li, "li101", "李秀英").await;
        let (wang_token, _) = u.account(&app, f101, wang, "wang101", "王建华").await;
        let (zhang_token, _) = u.account(&app, f102, zhang, "zhang102", "张国强").await;
        let (zhao_token, _) = u.account(&app, f202, zhao, "zhao202", "赵丽").await;

        let id = u.propose(&app, rule(true, true, true)).await;
        let (s, p) = u.open(&app, id, false).await;
        assert_eq!(s, 200, "{p}");
        let reg = u.register(&app, id).await;
        // 王, 张 (two flats, one head), 赵 (202 only), 孙 (301): four voters.
        assert_eq!(reg.len(), 4, "{reg:?}");
        assert_eq!(row(&reg, &format!("p:{zhang}"))["area"], "130.75");
        assert_eq!(row(&reg, &format!("p:{zhang}"))["heads"], 1);
        assert_eq!(row(&reg, &format!("p:{zhao}"))["area"], "90.00");
        let tally = u.tally(&app, id).await;
        assert_eq!(tally["result"]["all"]["heads"], 4);
        assert_eq!(tally["result"]["all"]["area_centi"], 40_075);

        // A co-owner who is not the designated voter: refused, naming who is and what to do.
        let (s, err) = app.api(&li_token, Method::POST, &format!("/proposals/{id}/ballots"), Some(json!({"choice": "yes"}))).await;
        assert_api_error(s, &err, 422, "not_designated_voter", Some("household_id"));
        let msg = err["message"].as_str().unwrap();
        assert!(msg.contains("王建华") && msg.contains("房屋页面") && msg.contains("授权委托书"), "{msg}");
        assert_eq!(ballots(&app, id).await, 0, "nothing written");
        // The page says the same to them.
        let browser = app.browser_login("li101").await;
        let (s, html) = browser.get(&format!("/proposals/{id}")).await;
        assert_eq!(s, 200);
        assert!(html.contains("id=\"not-voter\"") && html.contains("王建华"), "{html}");

        // By proxy, with 王's signed authorisation, 李 may cast 王's ballot.
        let (s, err) = app.api(&li_token, Method::POST, &format!("/proposals/{id}/ballots"), Some(json!({"choice": "yes", "method": "proxy", "household_id": f101}))).await;
        assert_api_error(s, &err, 422, "needs_evidence", Some("file"));
        let letter = upload(&app, &li_token, u.compound).await;
        let (s, b) = app.api(&li_token, Method::POST, &format!("/proposals/{id}/ballots"), Some(json!({"choice": "yes", "method": "proxy", "household_id": f101, "evidence_id": letter}))).await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(b["voter_key"], format!("p:{wang}"));
        let reg = u.register(&app, id).await;
        let w = row(&reg, &format!("p:{wang}"));
        assert_eq!((w["cast_by"].as_str(), w["authority"].as_str()), (Some("李秀英"), Some("proxy")), "{w}");
        assert_eq!(w["authority_label"], "投票人签字的授权委托书");
        // 王 then votes himself: his own ballot replaces it, and the register says so.
        let (s, b) = app.api(&wang_token, Method::POST, &format!("/proposals/{id}/ballots"), Some(json!({"choice": "no"}))).await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(b["revision"], 2);
        let reg = u.register(&app, id).await;
        let w = row(&reg, &format!("p:{wang}"));
        assert_eq!((w["cast_by"].as_str(), w["authority"].as_str(), w["choice"].as_str()), (Some("王建华"), Some("own"), Some("no")));

        // The owner of two flats: one ballot, both flats, one head, the areas added.
        let (s, b) = app.api(&zhang_token, Method::POST, &format!("/proposals/{id}/ballots"), Some(json!({"choice": "yes"}))).await;
        assert_eq!(s, 200, "{b}");
        let (_, mine) = app.api(&zhang_token, Method::GET, &format!("/proposals/{id}/my-ballot"), None).await;
        let covers = mine["households"].as_str().unwrap();
        assert!(covers.contains("102") && covers.contains("201") && covers.contains('、'), "{covers}");
        let browser = app.browser_login("zhang102").await;
        let (_, html) = browser.get(&format!("/proposals/{id}")).await;
        assert!(html.contains("您的这一票代表：") && html.contains("102") && html.contains("201"), "the page says what the ballot stands for");
        let tally = u.tally(&app, id).await;
        assert_eq!(tally["result"]["yes"]["heads"], 1);
        assert_eq!(tally["result"]["yes"]["area_centi"], 13_075);
        // Naming one of the two flats is the same ballot.
        let (s, b) = app.api(&zhang_token, Method::POST, &format!("/proposals/{id}/ballots"), Some(json!({"choice": "yes", "household_id": f201}))).await;
        assert_eq!((s, b["revision"].as_i64()), (200, Some(2)), "{b}");

        // Designated voter of 202, co-owner of 301: votes for 202 only; for 301 refused, naming 孙.
        let (s, b) = app.api(&zhao_token, Method::POST, &format!("/proposals/{id}/ballots"), Some(json!({"choice": "yes"}))).await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(b["voter_key"], format!("p:{zhao}"));
        let (s, err) = app.api(&zhao_token, Method::POST, &format!("/proposals/{id}/ballots"), Some(json!({"choice": "yes", "household_id": f301}))).await;
        assert_api_error(s, &err, 422, "not_designated_voter", Some("household_id"));
        assert!(err["message"].as_str().unwrap().contains("孙伟"), "{err}");
        let reg = u.register(&app, id).await;
        assert!(row(&reg, &format!("p:{sun}"))["choice"].is_null(), "301 has not answered");
        // A flat outside the roll is no one's to vote for here.
        let (s, err) = app.api(&zhao_token, Method::POST, &format!("/proposals/{id}/ballots"), Some(json!({"choice": "yes", "household_id": 999_999}))).await;
        assert_api_error(s, &err, 422, "not_in_electorate", Some("household_id"));

        // Relinking a person, and changing a flat's designated voter, while the vote is open
        // do not move its frozen roll.
        let before = (u.register(&app, id).await, u.tally(&app, id).await["result"]["all"].clone());
        let (s, b) = app.api(&u.committee, Method::POST, &format!("/accounts/{li_account}/person"), Some(json!({"person_id": wang}))).await;
        assert_eq!(s, 204, "{b}");
        u.designate(&app, f101, li).await;
        u.designate(&app, f202, app.sql_i64(&format!("SELECT person_id FROM ownership WHERE household_id = {f202} AND person_id <> {zhao}")).await).await;
        let after = (u.register(&app, id).await, u.tally(&app, id).await["result"]["all"].clone());
        let roll = |r: &(Vec<Value>, Value)| (r.0.iter().map(|x| (x["voter_key"].clone(), x["name"].clone(), x["households"].clone(), x["area"].clone(), x["heads"].clone())).collect::<Vec<_>>(), r.1.clone());
        assert_eq!(roll(&before), roll(&after));
        // 赵 is still 202's voter in this vote, as frozen.
        let (s, _) = app.api(&zhao_token, Method::POST, &format!("/proposals/{id}/ballots"), Some(json!({"choice": "no"}))).await;
        assert_eq!(s, 200);
        let report = app.store.verify_audit().await.unwrap();
        assert!(report.broken.is_none(), "{report:?}");
    }

    async fn the_developer_is_one_voter_and_ownerless_flats_cannot_be_voted_for(app) {
        let u = new_unit(&app, "开发商测试单元").await;
        let f101 = u.flat(&app, "101", "80.00").await;
        let f102 = u.flat(&app, "102", "81.00").await;
        let f201 = u.flat(&app, "201", "82.00").await;
        let f202 = u.flat(&app, "202", "83.00").await;
        let f301 = u.flat(&app, "301", "84.00").await;
        let zhou = u.owner(&app, f101, "周红", "13800000201", "100").await;
        let (zhou_token, _) = u.account(&app, f101, zhou, "zhou101", "周红").await;
        // 102, 201, 202: the developer's, unsold (the roster marks them). 301: no owner on record.
        app.sql_exec(&format!("UPDATE household SET developer_unsold = TRUE WHERE id IN ({f102}, {f201}, {f202})")).await;

        let id = u.propose(&app, rule(true, true, true)).await;
        // Opening lists the flats without an owner and asks for confirmation.
        let (s, err) = u.open(&app, id, false).await;
        assert_api_error(s, &err, 422, "ownerless_unconfirmed", Some("confirm_ownerless"));
        let msg = err["message"].as_str().unwrap();
        assert!(msg.contains("1 套房屋没有登记业主：计入总数，但无法为其投票") && msg.contains("301"), "{msg}");
        assert_eq!(app.sql_i64(&format!("SELECT COUNT(*) FROM elector WHERE proposal_id = {id}")).await, 0, "nothing frozen");
        let (s, p) = u.open(&app, id, true).await;
        assert_eq!(s, 200, "{p}");
        assert_eq!(p["stage"], "voting");

        let reg = u.register(&app, id).await;
        assert_eq!(reg.len(), 3, "周, the developer, the ownerless flat: {reg:?}");
        let dev = row(&reg, "dev");
        assert_eq!((dev["heads"].as_i64(), dev["area"].as_str()), (Some(1), Some("246.00")));
        assert!(dev["name"].as_str().unwrap().contains("未售出 3 套"), "{dev}");
        let tally = u.tally(&app, id).await;
        assert_eq!(tally["result"]["all"]["heads"], 3, "the ownerless flat is one head of all");
        assert_eq!(tally["result"]["all"]["area_centi"], 41_000);
        assert_eq!(tally["households"], 5);
        let notes: Vec<&str> = tally["roll_notes"].as_array().unwrap().iter().map(|n| n.as_str().unwrap()).collect();
        assert_eq!(notes, ["开发建设单位未售出 3 套，按一人计", "1 套房屋没有登记业主：计入总数，但无法为其投票"]);

        // No ballot for the ownerless flat, whoever records it and however.
        let letter = upload(&app, &u.committee, u.compound).await;
        for body in [
            json!({"choice": "yes", "method": "paper", "household_id": f301, "evidence_id": letter}),
            json!({"choice": "yes", "method": "proxy", "household_id": f301, "evidence_id": letter, "proxy_name": "某人"}),
            json!({"choice": "yes", "method": "remote", "voter_key": format!("h:{f301}"), "witness": "李"}),
        ] {
            let (s, err) = app.api(&u.committee, Method::POST, &format!("/proposals/{id}/ballots"), Some(body)).await;
            assert_api_error(s, &err, 422, "ownerless", Some("household_id"));
        }
        assert_eq!(ballots(&app, id).await, 0, "nothing written");
        // The knock list does not send anyone to it.
        let (_, knock) = app.api(&u.committee, Method::GET, &format!("/proposals/{id}/knock"), None).await;
        let listed: Vec<i64> = knock["groups"].as_array().unwrap().iter().flat_map(|g| g["rows"].as_array().unwrap().iter().map(|r| r["household_id"].as_i64().unwrap())).collect();
        assert!(!listed.contains(&f301) && listed.contains(&f101), "{listed:?}");

        // The developer's one vote: only its representative, with the letter of authorisation.
        let (s, err) = app.api(&u.committee, Method::POST, &format!("/proposals/{id}/ballots"), Some(json!({"choice": "yes", "method": "paper", "household_id": f102, "evidence_id": letter}))).await;
        assert_api_error(s, &err, 422, "developer_needs_authorisation", Some("method"));
        let (s, err) = app.api(&u.committee, Method::POST, &format!("/proposals/{id}/ballots"), Some(json!({"choice": "yes", "method": "proxy", "household_id": f102, "evidence_id": letter}))).await;
        assert_api_error(s, &err, 422, "required", Some("proxy_name"));
        let (s, err) = app.api(&u.committee, Method::POST, &format!("/proposals/{id}/ballots"), Some(json!({"choice": "yes", "method": "proxy", "household_id": f102, "proxy_name": "开发公司 刘经理"}))).await;
        assert_api_error(s, &err, 422, "needs_evidence", Some("file"));
        assert_eq!(ballots(&app, id).await, 0);
        let (s, b) = app.api(&u.committee, Method::POST, &format!("/proposals/{id}/ballots"), Some(json!({"choice": "yes", "method": "proxy", "voter_key": "dev", "evidence_id": letter, "proxy_name": "开发公司 刘经理"}))).await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(b["voter_key"], "dev");
        let (s, b) = app.api(&zhou_token, Method::POST, &format!("/proposals/{id}/ballots"), Some(json!({"choice": "yes"}))).await;
        assert_eq!(s, 200, "{b}");
        let reg = u.register(&app, id).await;
        let dev = row(&reg, "dev");
        assert_eq!((dev["cast_by"].as_str(), dev["authority"].as_str()), (Some("开发公司 刘经理"), Some("developer_letter")));
        assert_eq!(dev["authority_label"], "开发建设单位授权委托书");
        // Two of three heads: exactly two thirds, passed; the notice says how the roll counted.
        let (s, p) = app.api(&u.committee, Method::POST, &format!("/proposals/{id}/close"), Some(json!({"confirm": true}))).await;
        assert_eq!((s, p["stage"].as_str()), (200, Some("passed")), "{p}");
        let browser = app.browser_login("committee").await;
        let (s, html) = browser.get(&format!("/proposals/{id}/notice")).await;
        assert_eq!(s, 200);
        assert!(html.contains("开发建设单位未售出 3 套，按一人计") && html.contains("1 套房屋没有登记业主"), "the printed notice states it");
        let (_, html) = browser.get(&format!("/proposals/{id}/register")).await;
        assert!(html.contains("开发公司 刘经理") && html.contains("开发建设单位授权委托书"), "the printed register says who and on whose authority");
    }

    async fn an_election_counts_on_the_same_roll_and_its_register_says_who_cast_each_ballot(app) {
        let u = new_unit(&app, "选举名单单元").await;
        // 101: 王 (designated) and 李 co-own it.  102: 张 alone.  201, 202: the developer's,
        // unsold.  301: no owner on record.
        let f101 = u.flat(&app, "101", "80.00").await;
        let f102 = u.flat(&app, "102", "60.00").await;
        let f201 = u.flat(&app, "201", "70.00").await;
        let f202 = u.flat(&app, "202", "71.00").await;
        let f301 = u.flat(&app, "301", "90.00").await;
        let wang = u.owner(&app, f101, "王建华", "13800000401", "50").await;
        let li = u.owner(&app, f101, "李秀英", "13800000402", "50").await;
        let zhang = u.owner(&app, f102, "张国强", "13800000403", "100").await;
        app.sql_exec(&format!("UPDATE household SET developer_unsold = TRUE WHERE id IN ({f201}, {f202})")).await;
        let (li_token, _) = u.account(&app, f101, li, "li-el", "李秀英").await;
        let (zhang_token, _) = u.account(&app, f102, zhang, "zhang-el", "张国强").await;

        let (s, e) = app.api(&u.committee, Method::POST, &format!("/compounds/{}/elections", u.compound), Some(json!({"scope": "unit", "scope_id": u.id, "title": "选举单元长", "seats": 1}))).await;
        assert_eq!(s, 201, "{e}");
        let id = e["proposal"]["id"].as_i64().unwrap();
        let mut cands = Vec::new();
        for name in ["候选人甲", "候选人乙"] {
            let (s, c) = app.api(&u.committee, Method::POST, &format!("/proposals/{id}/candidates"), Some(json!({"nominated_by": "residents", "name": name}))).await;
            assert_eq!(s, 201, "{c}");
            cands.push(c["id"].as_i64().unwrap());
        }
        let (s, p) = app.api(&u.committee, Method::POST, &format!("/proposals/{id}/stage"), Some(json!({"action": "submit"}))).await;
        assert_eq!(s, 200, "{p}");
        let (s, err) = u.open(&app, id, false).await;
        assert_api_error(s, &err, 422, "ownerless_unconfirmed", Some("confirm_ownerless"));
        let (s, p) = u.open(&app, id, true).await;
        assert_eq!(s, 200, "{p}");
        let reg = u.register(&app, id).await;
        assert_eq!(reg.len(), 4, "王, 张, the developer, the ownerless flat: {reg:?}");
        assert_eq!((row(&reg, "dev")["heads"].as_i64(), row(&reg, "dev")["area"].as_str()), (Some(1), Some("141.00")));
        let ballots = async || app.sql_i64(&format!("SELECT COUNT(*) FROM election_ballot WHERE proposal_id = {id}")).await;
        let cast = async |token: &str, body: Value| app.api(token, Method::POST, &format!("/proposals/{id}/election-ballots"), Some(body)).await;

        // The co-owner who is not the designated voter: refused, naming him; nothing written.
        let (s, err) = cast(&li_token, json!({"candidates": [cands[0]]})).await;
        assert_api_error(s, &err, 422, "not_designated_voter", Some("household_id"));
        assert!(err["message"].as_str().unwrap().contains("王建华"), "{err}");
        assert_eq!(ballots().await, 0);
        let li_browser = app.browser_login("li-el").await;
        let (_, html) = li_browser.get(&format!("/proposals/{id}/election")).await;
        assert!(html.contains("id=\"not-voter\"") && html.contains("王建华"), "the election page tells her why and what to do");
        // By proxy with 王's signed authorisation she may.
        let (s, err) = cast(&li_token, json!({"candidates": [cands[0]], "method": "proxy", "household_id": f101})).await;
        assert_api_error(s, &err, 422, "needs_evidence", Some("file"));
        let letter = upload(&app, &li_token, u.compound).await;
        let (s, b) = cast(&li_token, json!({"candidates": [cands[0]], "method": "proxy", "household_id": f101, "evidence_id": letter})).await;
        assert_eq!(s, 200, "{b}");
        assert_eq!((b["voter_key"].as_str(), b["cast_by"].as_str(), b["authority"].as_str()), (Some(format!("p:{wang}").as_str()), Some("李秀英"), Some("proxy")));
        // The owner votes for himself.
        let (s, b) = cast(&zhang_token, json!({"candidates": [cands[1]]})).await;
        assert_eq!(s, 200, "{b}");
        assert_eq!((b["cast_by"].as_str(), b["authority"].as_str()), (Some("张国强"), Some("own")));

        // No ballot for the ownerless flat, however recorded.
        for body in [
            json!({"candidates": [cands[0]], "method": "paper", "household_id": f301, "evidence_id": letter}),
            json!({"candidates": [cands[0]], "method": "proxy", "voter_key": format!("h:{f301}"), "evidence_id": letter, "proxy_name": "某人"}),
        ] {
            let (s, err) = cast(&u.committee, body).await;
            assert_api_error(s, &err, 422, "ownerless", Some("household_id"));
        }
        // The developer's one ballot: not on paper, not without the representative's name.
        let (s, err) = cast(&u.committee, json!({"candidates": [cands[0]], "method": "paper", "household_id": f201, "evidence_id": letter})).await;
        assert_api_error(s, &err, 422, "developer_needs_authorisation", Some("method"));
        let (s, err) = cast(&u.committee, json!({"candidates": [cands[0]], "method": "proxy", "voter_key": "dev", "evidence_id": letter})).await;
        assert_api_error(s, &err, 422, "required", Some("proxy_name"));
        assert_eq!(ballots().await, 2, "nothing written by the refusals");
        // The representative's ballot through the election's record form, the letter uploaded
        // with it.
        let browser = app.browser_login("committee").await;
        let form = format!("/proposals/{id}/election/record");
        let (s, html) = browser.get(&form).await;
        assert_eq!(s, 200);
        assert!(html.contains("name=\"proxy_name\"") && html.contains("name=\"voter_key\""), "the form has the representative's fields");
        let csrf = common::csrf_of(&html);
        let tick = format!("c_{}", cands[0]);
        let fields = [("_csrf", csrf.as_str()), (tick.as_str(), "1"), ("method", "proxy"), ("voter_key", "dev"), ("proxy_name", "")];
        let (s, html, _) = browser.post_multipart(&form, &fields, &[("file", "letter.jpg", common::TINY_JPEG)]).await;
        assert_eq!(s, 422, "the name is required");
        assert!(html.contains("checked") && html.contains("value=\"dev\""), "the refused form keeps what was typed");
        let fields = [("_csrf", csrf.as_str()), (tick.as_str(), "1"), ("method", "proxy"), ("voter_key", "dev"), ("proxy_name", "开发公司 刘经理")];
        let (s, _, location) = browser.post_multipart(&form, &fields, &[("file", "letter.jpg", common::TINY_JPEG)]).await;
        assert_eq!((s, location.as_deref()), (303, Some(format!("/proposals/{id}/election").as_str())));

        // The register: who cast each ballot, and on whose authority.
        let reg = u.register(&app, id).await;
        let who = |key: &str| {
            let r = row(&reg, key);
            (r["cast_by"].as_str().map(String::from), r["authority"].as_str().map(String::from), r["authority_label"].as_str().map(String::from))
        };
        assert_eq!(who(&format!("p:{wang}")), (Some("李秀英".into()), Some("proxy".into()), Some("投票人签字的授权委托书".into())));
        assert_eq!(who(&format!("p:{zhang}")).0.as_deref(), Some("张国强"));
        assert_eq!(who("dev"), (Some("开发公司 刘经理".into()), Some("developer_letter".into()), Some("开发建设单位授权委托书".into())));
        assert!(row(&reg, &format!("h:{f301}"))["choice"].is_null());
        assert_eq!(row(&reg, "dev")["choice_label"], "候选人甲");
        // Every kept version says it too.
        let (s, hist) = app.api(&u.committee, Method::GET, &format!("/proposals/{id}/election-ballots"), None).await;
        assert_eq!(s, 200, "{hist}");
        let dev: Vec<&Value> = hist.as_array().unwrap().iter().filter(|b| b["voter_key"] == "dev").collect();
        assert_eq!(dev.len(), 1);
        assert_eq!((dev[0]["cast_by"].as_str(), dev[0]["authority"].as_str()), (Some("开发公司 刘经理"), Some("developer_letter")));
        // The printed register and the count: three of four heads took part.
        let (_, html) = browser.get(&format!("/proposals/{id}/register")).await;
        assert!(html.contains("开发公司 刘经理") && html.contains("李秀英") && html.contains("开发建设单位授权委托书"), "the printed register");
        let (_, e) = app.api(&u.committee, Method::GET, &format!("/proposals/{id}/election"), None).await;
        assert_eq!((e["count"]["participants_heads"].as_i64(), e["count"]["all_heads"].as_i64()), (Some(3), Some(4)), "{e}");
        // Closed: 甲 has 王's and the developer's ballots; the notice says how the roll counted.
        let (s, p) = app.api(&u.committee, Method::POST, &format!("/proposals/{id}/close"), Some(json!({"confirm": true}))).await;
        assert_eq!((s, p["stage"].as_str()), (200, Some("passed")), "{p}");
        let (s, html) = browser.get(&format!("/proposals/{id}/election/notice")).await;
        assert_eq!(s, 200);
        assert!(html.contains("候选人甲") && html.contains("开发建设单位未售出 2 套，按一人计") && html.contains("1 套房屋没有登记业主"), "the printed notice states it");
        let report = app.store.verify_audit().await.unwrap();
        assert!(report.broken.is_none(), "{report:?}");
    }

    async fn accounts_are_linked_when_unambiguous_else_listed_and_merging_keeps_the_frozen_roll(app) {
        let u = new_unit(&app, "关联测试单元").await;
        let f101 = u.flat(&app, "101", "80.00").await;
        let f102 = u.flat(&app, "102", "60.00").await;
        let wang = u.owner(&app, f101, "王建华", "13800000501", "50").await;
        let li = u.owner(&app, f101, "李秀英", "13800000502", "50").await;
        let zhang = u.owner(&app, f102, "张国强", "13800000503", "100").await;
        // Two accounts claim 101 with invite codes issued for the flat, not for a person: one
        // named as an owner on record, one not.
        let claim = async |login: &str, name: &str| {
            let (s, inv) = app.api(&u.committee, Method::POST, &format!("/households/{f101}/invites"), Some(json!({"role": "owner"}))).await;
            assert_eq!(s, 201, "{inv}");
            let account = app.store.create_account(login, None, name, DEMO_PASSWORD).await.unwrap();
            let token = app.token(login).await;
            let (s, c) = app.api(&token, Method::POST, "/invites/claim", Some(json!({"code": inv["code"]}))).await;
            assert_eq!(s, 200, "{c}");
            (token, account)
        };
        let (wang_token, wang_account) = claim("wang-link", "王建华").await;
        let (x_token, x_account) = claim("x-link", "李女士").await;
        let id = u.propose(&app, rule(true, true, true)).await;
        let (s, p) = u.open(&app, id, false).await;
        assert_eq!(s, 200, "{p}");

        // The committee is shown the account nobody can tell apart, not the one the
        // household's people make unambiguous.
        let (s, list) = app.api(&u.committee, Method::GET, &format!("/households/{f101}/accounts-to-link"), None).await;
        assert_eq!(s, 200, "{list}");
        let listed: Vec<i64> = list.as_array().unwrap().iter().map(|a| a["account_id"].as_i64().unwrap()).collect();
        assert_eq!(listed, vec![x_account], "{list}");
        // 王's account votes as 王, and the link is written the first time it is needed.
        let (s, b) = app.api(&wang_token, Method::POST, &format!("/proposals/{id}/ballots"), Some(json!({"choice": "yes"}))).await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(b["voter_key"], format!("p:{wang}"));
        assert_eq!(app.sql_i64(&format!("SELECT person_id FROM account WHERE id = {wang_account}")).await, wang);
        // The other is refused until linked, with what to do; nothing written.
        let (s, err) = app.api(&x_token, Method::POST, &format!("/proposals/{id}/ballots"), Some(json!({"choice": "no"}))).await;
        assert_api_error(s, &err, 422, "account_not_linked", Some("voter"));
        assert_eq!(ballots(&app, id).await, 1);
        let (s, b) = app.api(&u.committee, Method::POST, &format!("/accounts/{x_account}/person"), Some(json!({"person_id": li}))).await;
        assert_eq!(s, 204, "{b}");
        // Linked to 李, a co-owner who is not the designated voter: refused, naming 王.
        let (s, err) = app.api(&x_token, Method::POST, &format!("/proposals/{id}/ballots"), Some(json!({"choice": "no"}))).await;
        assert_api_error(s, &err, 422, "not_designated_voter", Some("household_id"));
        assert!(err["message"].as_str().unwrap().contains("王建华"), "{err}");

        // Merging two people while the vote is open does not move its frozen roll.
        let before = u.register(&app, id).await;
        let (s, m) = app.api(&u.committee, Method::POST, &format!("/people/{zhang}/merge"), Some(json!({"other_id": li}))).await;
        assert_eq!(s, 200, "{m}");
        let after = u.register(&app, id).await;
        let roll = |r: &[Value]| r.iter().map(|x| (x["voter_key"].clone(), x["name"].clone(), x["households"].clone(), x["area"].clone(), x["heads"].clone())).collect::<Vec<_>>();
        assert_eq!(roll(&before), roll(&after));
        assert_eq!(u.tally(&app, id).await["result"]["all"]["heads"], 2);
    }

    async fn a_preset_that_turns_a_switch_off_gets_the_other_count(app) {
        let u = new_unit(&app, "开关测试单元").await;
        let f101 = u.flat(&app, "101", "50.00").await;
        let f102 = u.flat(&app, "102", "50.00").await;
        let f201 = u.flat(&app, "201", "60.00").await;
        let f202 = u.flat(&app, "202", "70.01").await;
        let a = u.owner(&app, f101, "吴一", "13800000301", "100").await;
        u.owner(&app, f102, "吴一", "13800000301", "100").await;
        u.owner(&app, f201, "冯二", "13800000302", "50").await;
        u.owner(&app, f201, "陈三", "13800000303", "50").await;
        app.sql_exec(&format!("UPDATE household SET developer_unsold = TRUE WHERE id = {f202}")).await;
        let (a_token, _) = u.account(&app, f101, a, "wu101", "吴一").await;
        // Every switch off: each flat of 吴 a head, each co-owner a voter (area split), the
        // developer's flat a voter of its own with no owner on record.
        let id = u.propose(&app, rule(false, false, false)).await;
        let (s, err) = u.open(&app, id, false).await;
        assert_api_error(s, &err, 422, "ownerless_unconfirmed", Some("confirm_ownerless"));
        let (s, _) = u.open(&app, id, true).await;
        assert_eq!(s, 200);
        let reg = u.register(&app, id).await;
        let by_key: BTreeMap<String, (i64, String)> = reg.iter().map(|r| (r["voter_key"].as_str().unwrap().to_string(), (r["heads"].as_i64().unwrap(), r["area"].as_str().unwrap().to_string()))).collect();
        assert_eq!(by_key[&format!("p:{a}")], (2, "100.00".to_string()));
        assert_eq!(by_key[&format!("h:{f202}")], (1, "70.01".to_string()));
        assert_eq!(by_key.values().map(|v| v.0).sum::<i64>(), 5, "吴 ×2, 冯, 陈, the unsold flat");
        assert_eq!(by_key.values().filter(|v| v.1 == "30.00").count(), 2, "the co-owners split 201");
        // 吴's one ballot weighs two heads under this preset.
        let (s, _) = app.api(&a_token, Method::POST, &format!("/proposals/{id}/ballots"), Some(json!({"choice": "yes"}))).await;
        assert_eq!(s, 200);
        let tally = u.tally(&app, id).await;
        assert_eq!((tally["result"]["yes"]["heads"].as_i64(), tally["result"]["all"]["heads"].as_i64()), (Some(2), Some(5)));
        assert_eq!(tally["households"], 4);
    }
}

/// The frozen roll equals the one SPC Art. 9 gives, computed here from the same registry rows
/// without the domain code: random flats, owners (some shared between flats), designated
/// voters (some cleared), unsold flats and all eight combinations of the switches.
mod property {
    use super::*;
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    use std::collections::BTreeSet;

    /// One flat as the registry holds it: area, owners (indices into the person pool, in the
    /// order added), whether the designated voter is cleared, whether it is unsold.
    #[derive(Debug, Clone)]
    struct Flat {
        area_centi: i64,
        owners: Vec<usize>,
        designated: Option<usize>,
        unsold: bool,
    }

    fn flat() -> impl Strategy<Value = Flat> {
        (
            100i64..=90_000,
            proptest::sample::subsequence(vec![0usize, 1, 2, 3], 0..=3),
            any::<prop::sample::Index>(),
            any::<bool>(),
            0u8..4,
        )
            .prop_map(|(area_centi, owners, pick, clear, unsold)| {
                let designated = if owners.is_empty() || clear {
                    None
                } else {
                    Some(owners[pick.index(owners.len())])
                };
                Flat {
                    area_centi,
                    owners,
                    designated,
                    unsold: unsold == 0,
                }
            })
    }

    const PEOPLE: [(&str, &str); 4] = [
        ("甲", "13900000001"),
        ("乙", "13900000002"),
        ("丙", "13900000003"),
        ("丁", "13900000004"),
    ];

    /// voter key → (rooms, area in hundredths, heads), by the rules as the law states them.
    fn expected(
        flats: &[(String, i64, Flat)],
        persons: &[i64; 4],
        switches: (bool, bool, bool),
    ) -> BTreeMap<String, (BTreeSet<String>, i64, i64)> {
        let (one_per_owner, developer_as_one, co_owners_one_voter) = switches;
        let mut roll: BTreeMap<String, (BTreeSet<String>, i64, i64)> = BTreeMap::new();
        let mut add = |key: String, room: &str, area: i64| {
            let e = roll.entry(key).or_default();
            e.0.insert(room.to_string());
            e.1 += area;
        };
        for (room, id, f) in flats {
            if f.unsold && developer_as_one {
                add("dev".into(), room, f.area_centi);
            } else if co_owners_one_voter || f.owners.is_empty() {
                match f.designated.or(f.owners.first().copied()) {
                    Some(i) => add(format!("p:{}", persons[i]), room, f.area_centi),
                    None => add(format!("h:{id}"), room, f.area_centi),
                }
            } else {
                let n = f.owners.len() as i64;
                for (k, i) in f.owners.iter().enumerate() {
                    let extra = i64::from((k as i64) < f.area_centi % n);
                    add(format!("p:{}", persons[*i]), room, f.area_centi / n + extra);
                }
            }
        }
        for (key, v) in roll.iter_mut() {
            v.2 = if key.starts_with("p:") && !one_per_owner {
                v.0.len() as i64
            } else {
                1
            };
        }
        roll
    }

    fn area_text(centi: i64) -> String {
        format!("{}.{:02}", centi / 100, centi % 100)
    }

    fn run(backend: common::Backend) {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let app = rt.block_on(TestApp::spawn(backend));
        let counter = std::cell::Cell::new(0);
        let mut runner = TestRunner::new(Config {
            cases: 10,
            failure_persistence: None,
            ..Config::default()
        });
        let strategy = (
            proptest::collection::vec(flat(), 1..=6),
            any::<(bool, bool, bool)>(),
        );
        runner
            .run(&strategy, |(flats, switches)| {
                counter.set(counter.get() + 1);
                let n = counter.get();
                rt.block_on(async {
                    let u = new_unit(&app, &format!("随机单元{n}")).await;
                    let mut persons = [0i64; 4];
                    let mut rows = Vec::new();
                    for (k, f) in flats.iter().enumerate() {
                        let room = format!("{}0{}", k + 1, k + 1);
                        let id = u.flat(&app, &room, &area_text(f.area_centi)).await;
                        for i in &f.owners {
                            persons[*i] = u.owner(&app, id, PEOPLE[*i].0, PEOPLE[*i].1, "1").await;
                        }
                        rows.push((room, id, f.clone()));
                    }
                    for (_, id, f) in &rows {
                        let voter = f.designated.map(|i| persons[i].to_string()).unwrap_or_else(|| "NULL".into());
                        app.sql_exec(&format!("UPDATE household SET designated_voter_id = {voter}, developer_unsold = {} WHERE id = {id}", if f.unsold { "TRUE" } else { "FALSE" })).await;
                    }
                    let id = u.propose(&app, rule(switches.0, switches.1, switches.2)).await;
                    let (s, p) = u.open(&app, id, true).await;
                    assert_eq!(s, 200, "{p}");
                    let got: BTreeMap<String, (BTreeSet<String>, i64, i64)> = u
                        .register(&app, id)
                        .await
                        .iter()
                        .map(|r| {
                            let rooms = r["households"].as_str().unwrap().split('、').map(|l| l.rsplit(' ').next().unwrap().to_string()).collect();
                            let area = r["area"].as_str().unwrap().replace('.', "").parse::<i64>().unwrap();
                            (r["voter_key"].as_str().unwrap().to_string(), (rooms, area, r["heads"].as_i64().unwrap()))
                        })
                        .collect();
                    let want = expected(&rows, &persons, switches);
                    assert_eq!(got, want, "flats {rows:?}, switches {switches:?}");
                    let tally = u.tally(&app, id).await;
                    assert_eq!(tally["result"]["all"]["heads"].as_i64().unwrap(), want.values().map(|v| v.2).sum::<i64>());
                    assert_eq!(tally["result"]["all"]["area_centi"].as_i64().unwrap(), flats.iter().map(|f| f.area_centi).sum::<i64>(), "area always adds up");
                });
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn sqlite_the_frozen_roll_equals_the_one_computed_from_the_rows() {
        run(common::Backend::Sqlite);
    }

    #[test]
    fn postgres_the_frozen_roll_equals_the_one_computed_from_the_rows() {
        run(common::Backend::Postgres);
    }
}
