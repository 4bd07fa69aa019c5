//! Collective decisions through the API, on SQLite and PostgreSQL: a resident proposes an
//! elevator for their unit, the committee answers and opens the vote, ballots arrive in every
//! way, the vote passes exactly at its threshold, and nothing unlawful gets in.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{TestApp, assert_api_error, urlencode};
use reqwest::Method;
use serde_json::{Value, json};

/// A rule of two thirds of all households by headcount, inclusive ("以上"), no quorum: the
/// threshold a test can reach one ballot at a time.
fn two_thirds_of_households() -> Value {
    json!({
        "thresholds": [{"measure": "headcount", "count": "yes", "of": "all", "fraction": {"num": 2, "den": 3}, "strict": false}],
        "requires_affected_consent": false,
        "no_unresolved_objection": true,
        "notice_days": 15
    })
}

/// The owner's unit, and a proposal for it in deliberation with voting open.
pub(crate) async fn open_vote(app: &TestApp) -> (i64, i64, String, String) {
    let owner = app.token("owner").await;
    let committee = app.token("committee").await;
    let home = app.persona_place("owner");
    let (s, h) = app
        .api(&owner, Method::GET, &format!("/households/{home}"), None)
        .await;
    assert_eq!(s, 200, "{h}");
    let unit = h["household"]["unit_id"].as_i64().unwrap();
    let compound = h["household"]["compound_id"].as_i64().unwrap();
    let (s, p) = app
        .api(
            &owner,
            Method::POST,
            &format!("/compounds/{compound}/proposals"),
            Some(json!({"scope": "unit", "scope_id": unit, "title": "给我们单元加装电梯", "body": "老人多，上下楼难。", "matter": "alteration", "preset": "custom", "rule": two_thirds_of_households()})),
        )
        .await;
    assert_eq!(s, 201, "{p}");
    assert_eq!(p["stage"], "draft");
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
    assert_eq!(p["stage"], "deliberation");
    // The committee answers, marked as its answer; an owner may not claim that mark.
    let (s, c) = app.api(&committee, Method::POST, &format!("/proposals/{id}/comments"), Some(json!({"body": "费用按楼层系数分摊，低层住户的采光问题会专门回应。", "official": true}))).await;
    assert_eq!(s, 201, "{c}");
    let (s, err) = app
        .api(
            &owner,
            Method::POST,
            &format!("/proposals/{id}/comments"),
            Some(json!({"body": "我是委员会", "official": true})),
        )
        .await;
    assert_api_error(s, &err, 403, "forbidden", None);
    // Residents cannot open the vote; the committee can.
    let (s, err) = app
        .api(
            &owner,
            Method::POST,
            &format!("/proposals/{id}/voting"),
            Some(json!({"deadline": "2099-12-31"})),
        )
        .await;
    assert_api_error(s, &err, 403, "forbidden", None);
    let (s, p) = app
        .api(
            &committee,
            Method::POST,
            &format!("/proposals/{id}/voting"),
            Some(json!({"deadline": "2099-12-31"})),
        )
        .await;
    assert_eq!(s, 200, "{p}");
    assert_eq!(p["stage"], "voting");
    (id, compound, owner, committee)
}

async fn upload(app: &TestApp, token: &str, compound: i64, bytes: &[u8]) -> i64 {
    let res = app
        .client
        .post(app.url(&format!(
            "/api/v1/compounds/{compound}/files?name=consent.jpg"
        )))
        .bearer_auth(token)
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let body: Value = res.json().await.unwrap();
    assert_eq!(status, 201, "{body}");
    body["id"].as_i64().unwrap()
}

const JPEG: &[u8] = common::TINY_JPEG;

async fn unanswered(app: &TestApp, token: &str, id: i64) -> Vec<i64> {
    let (s, k) = app
        .api(token, Method::GET, &format!("/proposals/{id}/knock"), None)
        .await;
    assert_eq!(s, 200, "{k}");
    k["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| {
            g["rows"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["household_id"].as_i64().unwrap())
        })
        .collect()
}

both_backends! {

    async fn a_ballot_changed_in_the_database_is_caught_by_the_audit(app) {
        let (id, _, owner, _) = open_vote(&app).await;
        let (s, b) = app.api(&owner, Method::POST, &format!("/proposals/{id}/ballots"), Some(json!({"choice": "yes"}))).await;
        assert_eq!(s, 200, "{b}");
        assert!(app.store.verify_audit().await.unwrap().intact(), "an honest vote leaves the trail intact");
        assert_eq!(app.sql_exec(&format!("UPDATE ballot SET choice = 'no' WHERE proposal_id = {id}")).await, 1);
        let report = app.store.verify_audit().await.unwrap();
        assert!(report.drifted.iter().any(|d| d.entity == "proposal" && d.entity_id == id), "{report:?}");
    }

    async fn an_elevator_vote_passes_exactly_at_two_thirds(app) {
        let (id, compound, owner, committee) = open_vote(&app).await;
        let volunteer = app.token("volunteer").await;
        let (s, tally) = app.api(&committee, Method::GET, &format!("/proposals/{id}/tally"), None).await;
        assert_eq!(s, 200, "{tally}");
        let all_heads = tally["result"]["all"]["heads"].as_i64().unwrap();
        assert!(all_heads >= 3, "a unit of several households: {tally}");
        // The smallest yes count with 3·yes ≥ 2·all.
        let needed = (2 * all_heads + 2) / 3;

        // The owner votes online, then changes their mind twice; only the last counts.
        for choice in ["no", "abstain", "yes"] {
            let (s, b) = app.api(&owner, Method::POST, &format!("/proposals/{id}/ballots"), Some(json!({"choice": choice}))).await;
            assert_eq!(s, 200, "{b}");
        }
        let (_, mine) = app.api(&owner, Method::GET, &format!("/proposals/{id}/my-ballot"), None).await;
        assert_eq!(mine["choice"], "yes");
        assert_eq!(mine["revision"], 3);
        let voter = mine["voter_key"].as_str().unwrap().to_string();
        let (s, hist) = app.api(&committee, Method::GET, &format!("/proposals/{id}/ballots/{voter}/history"), None).await;
        assert_eq!(s, 200, "{hist}");
        let kept: Vec<&str> = hist.as_array().unwrap().iter().map(|e| e["choice"].as_str().unwrap()).collect();
        assert_eq!(kept, ["no", "abstain", "yes"], "every change is kept");

        // Residents do not see the live tally.
        let (s, err) = app.api(&owner, Method::GET, &format!("/proposals/{id}/tally"), None).await;
        assert_api_error(s, &err, 403, "forbidden", None);

        let mut rest = unanswered(&app, &volunteer, id).await;
        assert_eq!(rest.len() as i64, all_heads - 1, "everyone but the owner is still to visit");
        // An assisted ballot without the photo of the signed form is refused, naming what is missing.
        let (s, err) = app.api(&volunteer, Method::POST, &format!("/proposals/{id}/ballots"), Some(json!({"choice": "yes", "method": "assisted", "household_id": rest[0]}))).await;
        assert_api_error(s, &err, 422, "needs_evidence", Some("file"));
        // A household outside the unit is not on the roll.
        let (s, err) = app.api(&volunteer, Method::POST, &format!("/proposals/{id}/ballots"), Some(json!({"choice": "yes", "method": "remote", "witness": "网格员 李", "household_id": 999_999}))).await;
        assert_api_error(s, &err, 422, "not_in_electorate", Some("household_id"));
        // A volunteer cannot enter paper forms: that is the committee's.
        let evidence = upload(&app, &volunteer, compound, JPEG).await;
        let (s, err) = app.api(&volunteer, Method::POST, &format!("/proposals/{id}/ballots"), Some(json!({"choice": "yes", "method": "paper", "evidence_id": evidence, "household_id": rest[0]}))).await;
        assert_api_error(s, &err, 403, "forbidden", None);

        // Yes ballots, each cast another way, until one short of two thirds.
        let ways = [
            json!({"method": "assisted", "evidence_id": evidence}),
            json!({"method": "proxy", "evidence_id": evidence}),
            json!({"method": "remote", "witness": "楼栋长 陈叔（视频）"}),
            json!({"method": "paper", "evidence_id": evidence}),
        ];
        let mut yes = 1;
        let mut i = 0;
        while yes < needed - 1 {
            let hid = rest.remove(0);
            let mut body = ways[i % ways.len()].clone();
            body["choice"] = json!("yes");
            body["household_id"] = json!(hid);
            let who = if body["method"] == "paper" { &committee } else { &volunteer };
            let (s, b) = app.api(who, Method::POST, &format!("/proposals/{id}/ballots"), Some(body)).await;
            assert_eq!(s, 200, "{b}");
            yes += 1;
            i += 1;
        }
        let (_, tally) = app.api(&committee, Method::GET, &format!("/proposals/{id}/tally"), None).await;
        assert_eq!(tally["result"]["yes"]["heads"], needed - 1);
        assert_eq!(tally["result"]["outcome"], "failed", "one household short of two thirds: {tally}");
        // A no from another household does not help.
        let hid = rest.remove(0);
        let (s, _) = app.api(&volunteer, Method::POST, &format!("/proposals/{id}/ballots"), Some(json!({"choice": "no", "method": "remote", "witness": "李", "household_id": hid}))).await;
        assert_eq!(s, 200);
        let (_, tally) = app.api(&committee, Method::GET, &format!("/proposals/{id}/tally"), None).await;
        assert_eq!(tally["result"]["outcome"], "failed");
        // The next yes reaches it exactly.
        if let Some(hid) = rest.first().copied() {
            let (s, b) = app.api(&volunteer, Method::POST, &format!("/proposals/{id}/ballots"), Some(json!({"choice": "yes", "method": "remote", "witness": "李", "household_id": hid}))).await;
            assert_eq!(s, 200, "{b}");
        } else {
            // Every household has answered: the no becomes a yes.
            let (s, _) = app.api(&volunteer, Method::POST, &format!("/proposals/{id}/ballots"), Some(json!({"choice": "yes", "method": "remote", "witness": "李", "household_id": hid}))).await;
            assert_eq!(s, 200);
        }
        let (_, tally) = app.api(&committee, Method::GET, &format!("/proposals/{id}/tally"), None).await;
        assert_eq!(tally["result"]["yes"]["heads"], needed);
        assert_eq!(tally["result"]["outcome"], "passed", "exactly two thirds: {tally}");

        // The register lists every voter, with how each ballot was cast.
        let (s, reg) = app.api(&committee, Method::GET, &format!("/proposals/{id}/ballots"), None).await;
        assert_eq!(s, 200);
        assert_eq!(reg.as_array().unwrap().len() as i64, all_heads);
        let methods: std::collections::BTreeSet<&str> = reg.as_array().unwrap().iter().filter_map(|r| r["method"].as_str()).collect();
        assert!(methods.contains("online") && methods.contains("assisted"), "{methods:?}");

        // Closing needs the confirmation; then it is final and later ballots are refused.
        let (s, err) = app.api(&committee, Method::POST, &format!("/proposals/{id}/close"), Some(json!({}))).await;
        assert_api_error(s, &err, 422, "unticked", Some("confirm"));
        let (s, p) = app.api(&committee, Method::POST, &format!("/proposals/{id}/close"), Some(json!({"confirm": true}))).await;
        assert_eq!(s, 200, "{p}");
        assert_eq!(p["stage"], "passed");
        let (s, err) = app.api(&owner, Method::POST, &format!("/proposals/{id}/ballots"), Some(json!({"choice": "no"}))).await;
        assert_api_error(s, &err, 422, "voting_closed", Some("proposal"));
        // Residents now read the stored result.
        let (s, result) = app.api(&owner, Method::GET, &format!("/proposals/{id}/tally"), None).await;
        assert_eq!(s, 200, "{result}");
        assert_eq!(result["final_result"], true);
        assert_eq!(result["result"]["outcome"], "passed");
        let report = app.store.verify_audit().await.unwrap();
        assert!(report.broken.is_none(), "{report:?}");
    }

    async fn the_roll_is_frozen_when_voting_opens(app) {
        let (id, _, owner, committee) = open_vote(&app).await;
        let (_, before) = app.api(&committee, Method::GET, &format!("/proposals/{id}/tally"), None).await;
        // The committee corrects the owner's area after the vote opened: the vote does not move.
        let home = app.persona_place("owner");
        let h = app.household_json(&committee, home).await;
        let version = h["household"]["version"].as_i64().unwrap();
        let (s, _) = app.api(&committee, Method::PATCH, &format!("/households/{home}"), Some(json!({"version": version, "area": "500.00"}))).await;
        assert_eq!(s, 200);
        let (_, after) = app.api(&committee, Method::GET, &format!("/proposals/{id}/tally"), None).await;
        assert_eq!(before["result"]["all"], after["result"]["all"], "the frozen electorate");
        // One printed consent form per household of the roll, each with its QR code.
        let b = app.browser_login("committee").await;
        let (s, forms) = b.get(&format!("/proposals/{id}/consent-forms")).await;
        assert_eq!(s, 200, "{forms}");
        let households = app.sql_i64(&format!("SELECT COUNT(*) FROM elector_household WHERE proposal_id = {id}")).await;
        assert_eq!(forms.matches("class=\"printable consent-form\"").count() as i64, households);
        assert_eq!(forms.matches("<svg").count() as i64, households, "a QR code on each");
        // A second opening of the same vote is refused.
        let (s, err) = app.api(&committee, Method::POST, &format!("/proposals/{id}/voting"), Some(json!({"deadline": "2099-12-31"}))).await;
        assert_api_error(s, &err, 422, "wrong_stage", Some("stage"));
        let _ = owner;
    }

    async fn bad_rules_and_bad_input_are_refused_with_the_field(app) {
        let owner = app.token("owner").await;
        let home = app.persona_place("owner");
        let h = app.household_json(&owner, home).await;
        let compound = h["household"]["compound_id"].as_i64().unwrap();
        let unit = h["household"]["unit_id"].as_i64().unwrap();
        let mut rule = two_thirds_of_households();
        rule["thresholds"][0]["fraction"] = json!({"num": 4, "den": 3});
        let (s, err) = app
            .api(&owner, Method::POST, &format!("/compounds/{compound}/proposals"), Some(json!({"scope": "unit", "scope_id": unit, "title": "t", "matter": "alteration", "preset": "custom", "rule": rule})))
            .await;
        assert_api_error(s, &err, 422, "threshold_fraction", Some("thresholds"));
        let (s, err) = app
            .api(&owner, Method::POST, &format!("/compounds/{compound}/proposals"), Some(json!({"scope": "unit", "scope_id": unit, "title": "", "matter": "elevator"})))
            .await;
        assert_eq!(s, 422, "{err}");
        let fields: Vec<&str> = err["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert!(fields.contains(&"title") && fields.contains(&"matter"), "every bad field at once: {err}");
        // A unit of another compound is not a scope here.
        let (s, err) = app
            .api(&owner, Method::POST, &format!("/compounds/{compound}/proposals"), Some(json!({"scope": "unit", "scope_id": 999_999, "title": "t", "matter": "advisory"})))
            .await;
        assert_api_error(s, &err, 422, "other_compound", Some("scope_id"));
        // Nothing was written.
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM proposal").await, 0);
        // A file that is not a photo, recording or PDF.
        let res = app.client.post(app.url(&format!("/api/v1/compounds/{compound}/files?name=x.exe"))).bearer_auth(&owner).body(b"MZ\x90\x00".to_vec()).send().await.unwrap();
        assert_eq!(res.status(), 422);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["code"], "file_type");
        // Closing a vote that is not open.
        let (s, p) = app.api(&owner, Method::POST, &format!("/compounds/{compound}/proposals"), Some(json!({"scope": "unit", "scope_id": unit, "title": "t", "matter": "advisory"}))).await;
        assert_eq!(s, 201, "{p}");
        let committee = app.token("committee").await;
        let (s, err) = app.api(&committee, Method::POST, &format!("/proposals/{}/close", p["id"]), Some(json!({"confirm": true}))).await;
        assert_api_error(s, &err, 422, "wrong_stage", Some("stage"));
    }

    async fn concurrent_ballots_from_two_servers_are_counted_once_each(app) {
        let (id, _, _, _) = open_vote(&app).await;
        let second = app.second_instance().await;
        let volunteer = app.token("volunteer").await;
        let households = unanswered(&app, &volunteer, id).await;
        // Every household gets three ballots at once, alternating servers: yes, no, yes.
        let mut tasks = Vec::new();
        for (n, hid) in households.iter().copied().enumerate() {
            for (k, choice) in ["yes", "no", "yes"].into_iter().enumerate() {
                let base = if (n + k) % 2 == 0 { app.base.clone() } else { second.base.clone() };
                let client = app.client.clone();
                let token = volunteer.clone();
                tasks.push(tokio::spawn(async move {
                    let res = client
                        .post(format!("{base}/api/v1/proposals/{id}/ballots"))
                        .bearer_auth(token)
                        .json(&json!({"choice": choice, "method": "remote", "witness": "网格员", "household_id": hid}))
                        .send()
                        .await
                        .unwrap();
                    res.status().as_u16()
                }));
            }
        }
        for t in tasks {
            assert_eq!(t.await.unwrap(), 200);
        }
        let n = households.len() as i64;
        // An owner of two households of the unit is one voter (SPC Art. 9): count voters, not homes.
        let list = households.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let voters = app.sql_i64(&format!("SELECT COUNT(DISTINCT voter_key) FROM elector_household WHERE proposal_id = {id} AND household_id IN ({list})")).await;
        assert!(voters >= 2, "{voters}");
        assert_eq!(app.sql_i64(&format!("SELECT COUNT(*) FROM ballot WHERE proposal_id = {id}")).await, voters, "one ballot per voter");
        assert_eq!(app.sql_i64(&format!("SELECT COUNT(*) FROM ballot_event WHERE proposal_id = {id}")).await, 3 * n, "every change kept");
        // Each voter's revisions run 1, 2, 3, … with no gap and no repeat.
        let gaps = app.sql_i64(&format!("SELECT COUNT(*) FROM ballot b WHERE b.proposal_id = {id} AND b.revision <> (SELECT COUNT(*) FROM ballot_event e WHERE e.proposal_id = b.proposal_id AND e.voter_key = b.voter_key)")).await;
        assert_eq!(gaps, 0, "the current revision is the number of versions kept");
        let report = app.store.verify_audit().await.unwrap();
        assert!(report.broken.is_none(), "{report:?}");
    }

    async fn an_unresolved_objection_blocks_the_pass_until_answered(app) {
        let (id, compound, owner, committee) = open_vote(&app).await;
        let volunteer = app.token("volunteer").await;
        let home = app.persona_place("owner");
        // The owner objects about the light of their own home.
        let (s, o) = app.api(&owner, Method::POST, &format!("/proposals/{id}/objections"), Some(json!({"household_id": home, "concern": "light", "body": "装了电梯我家厨房就暗了"}))).await;
        assert_eq!(s, 201, "{o}");
        let oid = o["id"].as_i64().unwrap();
        // An objection for a household outside the unit is refused.
        let (s, err) = app.api(&volunteer, Method::POST, &format!("/proposals/{id}/objections"), Some(json!({"household_id": 999_999, "concern": "noise", "body": "x"}))).await;
        assert_api_error(s, &err, 422, "not_in_electorate", Some("household_id"));
        // Everyone votes yes.
        let evidence = upload(&app, &volunteer, compound, JPEG).await;
        for hid in unanswered(&app, &volunteer, id).await {
            let (s, b) = app.api(&volunteer, Method::POST, &format!("/proposals/{id}/ballots"), Some(json!({"choice": "yes", "method": "assisted", "evidence_id": evidence, "household_id": hid}))).await;
            assert_eq!(s, 200, "{b}");
        }
        app.api(&owner, Method::POST, &format!("/proposals/{id}/ballots"), Some(json!({"choice": "yes"}))).await;
        let (_, tally) = app.api(&committee, Method::GET, &format!("/proposals/{id}/tally"), None).await;
        assert_eq!(tally["result"]["outcome"], "failed", "100% yes, but an objection is open: {tally}");
        let check = tally["result"]["checks"].as_array().unwrap().iter().find(|c| c["kind"]["kind"] == "no_unresolved_objection").cloned().unwrap();
        assert_eq!(check["met"], false);
        // The committee answers, with compensation agreed: the vote passes.
        let (s, _) = app.api(&committee, Method::POST, &format!("/proposals/{id}/objections/{oid}/answer"), Some(json!({"answer": "电梯井改到楼梯间一侧，不挡厨房窗", "compensation": "一楼每户补偿 3000 元", "resolved": true}))).await;
        assert_eq!(s, 204);
        let (_, tally) = app.api(&committee, Method::GET, &format!("/proposals/{id}/tally"), None).await;
        assert_eq!(tally["result"]["outcome"], "passed", "{tally}");
        let (_, f) = app.api(&owner, Method::GET, &format!("/proposals/{id}/follow-up"), None).await;
        assert_eq!(f["objections"][0]["resolved"], true);
        assert_eq!(f["objections"][0]["compensation"], "一楼每户补偿 3000 元");
    }

    async fn a_decision_becomes_actions_and_residents_rate_it(app) {
        let (id, _, owner, committee) = open_vote(&app).await;
        // Opening the vote told the owner.
        let (_, n) = app.api(&owner, Method::GET, "/notifications", None).await;
        assert!(n.as_array().unwrap().iter().any(|x| x["kind"] == "voting.open" && x["link"] == format!("/proposals/{id}")), "{n}");
        let volunteer = app.token("volunteer").await;
        for hid in unanswered(&app, &volunteer, id).await {
            app.api(&volunteer, Method::POST, &format!("/proposals/{id}/ballots"), Some(json!({"choice": "yes", "method": "remote", "witness": "李", "household_id": hid}))).await;
        }
        // Actions only after a decision.
        let (s, err) = app.api(&committee, Method::POST, &format!("/proposals/{id}/actions"), Some(json!({"title": "签施工合同", "responsible": "自管委"}))).await;
        assert_api_error(s, &err, 422, "wrong_stage", Some("stage"));
        let (s, p) = app.api(&committee, Method::POST, &format!("/proposals/{id}/close"), Some(json!({"confirm": true}))).await;
        assert_eq!(s, 200, "{p}");
        // The committee has the objection rule: nobody objected, so all yes passes.
        assert_eq!(p["stage"], "passed");
        let (s, a) = app.api(&committee, Method::POST, &format!("/proposals/{id}/actions"), Some(json!({"title": "签施工合同", "responsible": "自管委 刘主任", "due_on": "2027-01-15"}))).await;
        assert_eq!(s, 201, "{a}");
        let (s, err) = app.api(&committee, Method::POST, &format!("/proposals/{id}/actions"), Some(json!({"title": "", "responsible": "x", "due_on": "明天"}))).await;
        assert_eq!(s, 422);
        let fields: Vec<&str> = err["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["title", "due_on"], "{err}");
        let (s, _) = app.api(&committee, Method::POST, &format!("/proposals/{id}/stage"), Some(json!({"action": "start_acting"}))).await;
        assert_eq!(s, 200);
        let aid = a["id"].as_i64().unwrap();
        let (s, _) = app.api(&committee, Method::POST, &format!("/proposals/{id}/actions/{aid}/done"), Some(json!({"done": true}))).await;
        assert_eq!(s, 204);
        // Residents rate the result; a second rating replaces the first; 0 is refused.
        let (s, err) = app.api(&owner, Method::POST, &format!("/proposals/{id}/evaluation"), Some(json!({"rating": 0}))).await;
        assert_api_error(s, &err, 422, "out_of_range", Some("rating"));
        app.api(&owner, Method::POST, &format!("/proposals/{id}/evaluation"), Some(json!({"rating": 3}))).await;
        let (s, _) = app.api(&owner, Method::POST, &format!("/proposals/{id}/evaluation"), Some(json!({"rating": 5, "comment": "电梯很方便"}))).await;
        assert_eq!(s, 204);
        app.api(&committee, Method::POST, &format!("/proposals/{id}/evaluation"), Some(json!({"rating": 4}))).await;
        let (_, f) = app.api(&owner, Method::GET, &format!("/proposals/{id}/follow-up"), None).await;
        assert_eq!(f["evaluation"]["count"], 2);
        assert_eq!(f["evaluation"]["mean_tenths"], 45, "(5 + 4) / 2 = 4.5: {f}");
        assert_eq!(f["evaluation"]["mine"], 5);
        assert_eq!(f["actions"][0]["done"], true);
        // The proposer was told the result.
        let (_, n) = app.api(&owner, Method::GET, "/notifications", None).await;
        assert!(n.as_array().unwrap().iter().any(|x| x["kind"] == "proposal.decided"), "{n}");
    }

    async fn a_custom_rule_typed_on_the_page_is_checked_and_kept(app) {
        let b = app.browser_login("owner").await;
        let home = app.persona_place("owner");
        let owner = app.token("owner").await;
        let h = app.household_json(&owner, home).await;
        let compound = h["household"]["compound_id"].as_i64().unwrap();
        let unit = h["household"]["unit_id"].as_i64().unwrap();
        let form = format!("/compounds/{compound}/proposals/new");
        let scope = format!("unit:{unit}");
        let base = [("scope", scope.as_str()), ("title", "单元门禁"), ("matter", "other_major"), ("preset", "custom"), ("measure", "headcount"), ("of", "all")];
        // More than 100% cannot be reached: refused, the field marked, nothing written.
        let mut bad = base.to_vec();
        bad.push(("fraction", "4/3"));
        let (s, html, _) = b.submit(&form, &form, &bad).await;
        assert_eq!(s, 422, "{html}");
        assert!(html.contains(r#"id="fraction" name="fraction" value="4/3" placeholder="2/3" aria-invalid="true""#), "the fraction is marked: {html}");
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM proposal").await, 0);
        // "More than two thirds of all households", typed as people say it.
        let mut good = base.to_vec();
        good.extend([("fraction", "２／３"), ("strict", "1"), ("no_objection", "1")]);
        let (s, _, location) = b.submit(&form, &form, &good).await;
        assert_eq!(s, 303);
        let id: i64 = location.unwrap().rsplit('/').next().unwrap().parse().unwrap();
        let (_, p) = app.api(&owner, Method::GET, &format!("/proposals/{id}"), None).await;
        assert_eq!(p["preset"], "custom");
        assert_eq!(p["rule"]["thresholds"], json!([{"measure": "headcount", "count": "yes", "of": "all", "fraction": {"num": 2, "den": 3}, "strict": true}]));
        assert_eq!(p["rule"]["no_unresolved_objection"], true);
    }

    async fn plans_and_texts_to_adopt_are_attached_and_numbered(app) {
        let (id, _, owner, committee) = open_vote(&app).await;
        let pdf = b"%PDF-1.7 the owners' rules";
        let attach = |token: String, title: &'static str, kind: &'static str| {
            let client = app.client.clone();
            let url = app.url(&format!("/api/v1/proposals/{id}/files?title={}&kind={kind}&name=rules.pdf", urlencode(title)));
            async move {
                let res = client.post(url).bearer_auth(token).body(pdf.to_vec()).send().await.unwrap();
                (res.status().as_u16(), res.json::<Value>().await.unwrap())
            }
        };
        // Voting has opened: the texts are fixed.
        let (s, err) = attach(committee.clone(), "业主公约", "adopted_text").await;
        assert_api_error(s, &err, 422, "wrong_stage", Some("stage"));
        // A new proposal in deliberation takes files; the same title counts up its versions.
        let home = app.persona_place("owner");
        let h = app.household_json(&owner, home).await;
        let compound = h["household"]["compound_id"].as_i64().unwrap();
        let (_, p2) = app.api(&owner, Method::POST, &format!("/compounds/{compound}/proposals"), Some(json!({"scope": "compound", "scope_id": compound, "title": "修订业主公约", "matter": "owners_rules"}))).await;
        let id2 = p2["id"].as_i64().unwrap();
        let attach2 = |token: String, kind: &'static str, body: Vec<u8>| {
            let client = app.client.clone();
            let url = app.url(&format!("/api/v1/proposals/{id2}/files?title={}&kind={kind}&name=rules.pdf", urlencode("业主公约")));
            async move {
                let res = client.post(url).bearer_auth(token).body(body).send().await.unwrap();
                (res.status().as_u16(), res.json::<Value>().await.unwrap())
            }
        };
        let (s, f1) = attach2(owner.clone(), "adopted_text", pdf.to_vec()).await;
        assert_eq!(s, 201, "{f1}");
        assert_eq!(f1["text_version"], 1);
        let (s, f2) = attach2(owner.clone(), "adopted_text", pdf.to_vec()).await;
        assert_eq!(s, 201, "{f2}");
        assert_eq!(f2["text_version"], 2);
        let (s, err) = attach2(owner.clone(), "adopted_text", b"MZ not a document".to_vec()).await;
        assert_api_error(s, &err, 422, "file_type", Some("file"));
        // Someone else's proposal is not theirs to attach to.
        let volunteer = app.token("volunteer").await;
        let (s, _) = attach2(volunteer, "attachment", pdf.to_vec()).await;
        assert_eq!(s, 403);
        let (_, files) = app.api(&owner, Method::GET, &format!("/proposals/{id2}/files"), None).await;
        assert_eq!(files.as_array().unwrap().len(), 2, "{files}");
        // Anyone who may read the proposal may open its files.
        let res = app.client.get(app.url(&format!("/files/{}", files[1]["attachment_id"]))).bearer_auth(&owner).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.bytes().await.unwrap().as_ref(), pdf);
    }
}
