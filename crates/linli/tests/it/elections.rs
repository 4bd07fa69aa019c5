//! Elections (N of M) through the API, on SQLite and PostgreSQL: nominations, ballots naming
//! up to N candidates, the Art. 278 count on the frozen roll, ties for a second round, closing,
//! the printable papers and notice, and the elected given their role.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{TestApp, assert_api_error};
use reqwest::Method;
use serde_json::{Value, json};

const JPEG: &[u8] = common::TINY_JPEG;

struct Setup {
    id: i64,
    compound: i64,
    owner: String,
    committee: String,
    /// Candidate ids in nomination order (the owner first).
    candidates: Vec<i64>,
    /// One household per voter of the frozen roll.
    voters: Vec<i64>,
    evidence: i64,
}

/// A unit-head election of 3 seats and 5 candidates on the owner's unit, voting open, every
/// voter of the frozen roll given the same area (so heads and area move together).
async fn open_election(app: &TestApp) -> Setup {
    let owner = app.token("owner").await;
    let committee = app.token("committee").await;
    let home = app.persona_place("owner");
    let (_, h) = app
        .api(&owner, Method::GET, &format!("/households/{home}"), None)
        .await;
    let unit = h["household"]["unit_id"].as_i64().unwrap();
    let compound = h["household"]["compound_id"].as_i64().unwrap();

    // Residents cannot call an election; the committee can. Seats are checked first.
    let body = json!({"scope": "unit", "scope_id": unit, "title": "选举单元长", "seats": 3});
    let (s, err) = app
        .api(
            &owner,
            Method::POST,
            &format!("/compounds/{compound}/elections"),
            Some(body.clone()),
        )
        .await;
    assert_api_error(s, &err, 403, "forbidden", None);
    let (s, err) = app
        .api(
            &committee,
            Method::POST,
            &format!("/compounds/{compound}/elections"),
            Some(json!({"scope": "unit", "scope_id": unit, "title": "选举单元长", "seats": "三"})),
        )
        .await;
    assert_api_error(s, &err, 422, "not_a_number", Some("seats"));
    let (s, e) = app
        .api(
            &committee,
            Method::POST,
            &format!("/compounds/{compound}/elections"),
            Some(body),
        )
        .await;
    assert_eq!(s, 201, "{e}");
    assert_eq!(e["kind"], "unit_head");
    assert_eq!(e["seats"], 3);
    let id = e["proposal"]["id"].as_i64().unwrap();
    assert_eq!(e["proposal"]["matter"], "committee");

    // The owner stands; the committee enters four recommended by residents or the party branch.
    let (s, c) = app
        .api(
            &owner,
            Method::POST,
            &format!("/proposals/{id}/candidates"),
            Some(json!({"nominated_by": "self", "statement": "我退休在家，愿意为大家跑腿。"})),
        )
        .await;
    assert_eq!(s, 201, "{c}");
    let mut candidates = vec![c["id"].as_i64().unwrap()];
    let (s, err) = app
        .api(
            &owner,
            Method::POST,
            &format!("/proposals/{id}/candidates"),
            Some(json!({"nominated_by": "residents", "name": "张三"})),
        )
        .await;
    assert_api_error(s, &err, 403, "forbidden", None);
    for (name, by) in [
        ("李阿姨", "residents"),
        ("王师傅", "party_branch"),
        ("赵老师", "residents"),
        ("陈叔", "residents"),
    ] {
        let (s, c) = app
            .api(
                &committee,
                Method::POST,
                &format!("/proposals/{id}/candidates"),
                Some(json!({"nominated_by": by, "name": name, "statement": "热心公益"})),
            )
            .await;
        assert_eq!(s, 201, "{c}");
        candidates.push(c["id"].as_i64().unwrap());
    }
    let (s, err) = app
        .api(
            &committee,
            Method::POST,
            &format!("/proposals/{id}/candidates"),
            Some(json!({"nominated_by": "residents", "name": "陈叔"})),
        )
        .await;
    assert_api_error(s, &err, 422, "taken", Some("name"));

    let (s, p) = app
        .api(
            &committee,
            Method::POST,
            &format!("/proposals/{id}/stage"),
            Some(json!({"action": "submit"})),
        )
        .await;
    assert_eq!(s, 200, "{p}");
    let (s, p) = app
        .api(
            &committee,
            Method::POST,
            &format!("/proposals/{id}/voting"),
            Some(json!({"deadline": "2099-12-31"})),
        )
        .await;
    assert_eq!(s, 200, "{p}");
    // The list of candidates is closed with the roll.
    let (s, err) = app
        .api(
            &committee,
            Method::POST,
            &format!("/proposals/{id}/candidates"),
            Some(json!({"nominated_by": "residents", "name": "晚来的"})),
        )
        .await;
    assert_api_error(s, &err, 422, "wrong_stage", Some("stage"));

    let voters: Vec<i64> = app
        .sql_pairs(&format!("SELECT MIN(household_id), COUNT(*) FROM elector_household WHERE proposal_id = {id} GROUP BY voter_key ORDER BY MIN(household_id)"))
        .await
        .into_iter()
        .map(|(h, _)| h)
        .collect();
    app.sql_exec(&format!(
        "UPDATE elector SET area_centi = 8000 WHERE proposal_id = {id}"
    ))
    .await;
    assert!(voters.len() >= 3, "a unit of several voters: {voters:?}");
    let evidence = upload(app, &committee, compound).await;
    Setup {
        id,
        compound,
        owner,
        committee,
        candidates,
        voters,
        evidence,
    }
}

async fn upload(app: &TestApp, token: &str, compound: i64) -> i64 {
    let res = app
        .client
        .post(app.url(&format!(
            "/api/v1/compounds/{compound}/files?name=ballot.jpg"
        )))
        .bearer_auth(token)
        .body(JPEG.to_vec())
        .send()
        .await
        .unwrap();
    let body: Value = res.json().await.unwrap();
    body["id"].as_i64().unwrap()
}

/// A paper ballot entered by the committee for the voter of `household`.
async fn paper(app: &TestApp, s: &Setup, household: i64, chosen: &[i64]) -> (u16, Value) {
    let body = json!({"candidates": chosen, "method": "paper", "evidence_id": s.evidence, "household_id": household});
    app.api(
        &s.committee,
        Method::POST,
        &format!("/proposals/{}/election-ballots", s.id),
        Some(body),
    )
    .await
}

async fn count(app: &TestApp, s: &Setup) -> Value {
    let (st, e) = app
        .api(
            &s.committee,
            Method::GET,
            &format!("/proposals/{}/election", s.id),
            None,
        )
        .await;
    assert_eq!(st, 200, "{e}");
    e["count"].clone()
}

fn names(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap().to_string())
        .collect()
}

both_backends! {
    async fn three_of_five_are_elected_with_exactly_the_votes_needed(app) {
        let s = open_election(&app).await;
        let (a, b, c) = (s.candidates[0], s.candidates[1], s.candidates[2]);
        // Four names for three seats: refused, naming the field, in both languages.
        let too_many = json!({"candidates": &s.candidates[..4]});
        let (st, err) = app.api(&s.owner, Method::POST, &format!("/proposals/{}/election-ballots", s.id), Some(too_many.clone())).await;
        assert_api_error(st, &err, 422, "too_many_choices", Some("candidates"));
        assert!(err["message"].as_str().unwrap().contains("候选人"), "{err}");
        let (st, err) = app.api_en(&s.owner, Method::POST, &format!("/proposals/{}/election-ballots", s.id), Some(too_many)).await;
        assert_eq!(st, 422);
        assert!(err["message"].as_str().unwrap().contains("Candidates"), "{err}");
        // A yes/no ballot has no place in an election.
        let (st, err) = app.api(&s.owner, Method::POST, &format!("/proposals/{}/ballots", s.id), Some(json!({"choice": "yes"}))).await;
        assert_api_error(st, &err, 422, "required", Some("candidates"));
        // An assisted ballot needs its evidence, as any ballot.
        let volunteer = app.token("volunteer").await;
        let (st, err) = app.api(&volunteer, Method::POST, &format!("/proposals/{}/election-ballots", s.id), Some(json!({"candidates": [a], "method": "assisted", "household_id": s.voters[0]}))).await;
        assert_api_error(st, &err, 422, "needs_evidence", Some("file"));

        // The owner votes online (and changes their mind once); the rest on paper, one by one,
        // until two thirds have taken part: the count elects no one before and three exactly then.
        let (st, b1) = app.api(&s.owner, Method::POST, &format!("/proposals/{}/election-ballots", s.id), Some(json!({"candidates": [a, s.candidates[3]]}))).await;
        assert_eq!(st, 200, "{b1}");
        let (st, b2) = app.api(&s.owner, Method::POST, &format!("/proposals/{}/election-ballots", s.id), Some(json!({"candidates": [a, b, c]}))).await;
        assert_eq!(st, 200, "{b2}");
        assert_eq!(b2["revision"], 2);
        let owner_household: i64 = app.sql_i64(&format!("SELECT MIN(household_id) FROM elector_household WHERE proposal_id = {} AND voter_key = '{}'", s.id, b2["voter_key"].as_str().unwrap())).await;
        let all = count(&app, &s).await["all_heads"].as_i64().unwrap();
        let needed = (2 * all + 2) / 3;
        // The owner has voted; the others arrive one by one until two thirds have.
        for (cast, h) in (1..needed).zip(s.voters.iter().filter(|h| **h != owner_household)) {
            let ct = count(&app, &s).await;
            assert_eq!(ct["quorum_met"], false, "{cast} of {all} is short of two thirds: {ct}");
            assert!(ct["elected"].as_array().unwrap().is_empty());
            let (st, b) = paper(&app, &s, *h, &[a, b, c]).await;
            assert_eq!(st, 200, "{b}");
        }
        let ct = count(&app, &s).await;
        assert_eq!(ct["quorum_met"], true, "{ct}");
        assert_eq!(ct["participants_heads"], needed);
        // The register names the candidates of each ballot, its way of casting and revision.
        let (st, reg) = app.api(&s.committee, Method::GET, &format!("/proposals/{}/ballots", s.id), None).await;
        assert_eq!(st, 200, "{reg}");
        let rows = reg.as_array().unwrap();
        let mine = rows.iter().find(|r| r["voter_key"] == b2["voter_key"]).unwrap();
        assert_eq!((mine["choice_label"].as_str(), mine["method"].as_str(), mine["revision"].as_i64()), (Some("业主 孙大爷、李阿姨、王师傅"), Some("online"), Some(2)), "{mine}");
        assert_eq!(rows.iter().filter(|r| r["method"] == "paper").count() as i64, needed - 1);
        assert_eq!(ct["elected"].as_array().unwrap().len(), 3, "{ct}");
        assert_eq!(ct["unfilled"], 0);

        // Closing through the ordinary close stores the election result.
        let (st, p) = app.api(&s.committee, Method::POST, &format!("/proposals/{}/close", s.id), Some(json!({"confirm": true}))).await;
        assert_eq!(st, 200, "{p}");
        assert_eq!(p["stage"], "passed");
        let (_, e) = app.api(&s.owner, Method::GET, &format!("/proposals/{}/election", s.id), None).await;
        assert_eq!(e["count"]["final_result"], true, "{e}");
        let elected = names(&e["count"]["elected"]);
        assert_eq!(elected.len(), 3);
        assert!(elected.contains(&"李阿姨".to_string()) && elected.contains(&"王师傅".to_string()), "{elected:?}");
        let (st, err) = app.api(&s.owner, Method::POST, &format!("/proposals/{}/election-ballots", s.id), Some(json!({"candidates": [a]}))).await;
        assert_api_error(st, &err, 422, "voting_closed", Some("proposal"));
        // The proposal's own tally reads right: passed, with its quorum.
        let (st, tv) = app.api(&s.owner, Method::GET, &format!("/proposals/{}/tally", s.id), None).await;
        assert_eq!(st, 200, "{tv}");
        assert_eq!(tv["result"]["outcome"], "passed");

        // Printable papers, the result notice, and the roles of the elected.
        let browser = app.browser_login("committee").await;
        let (st, html) = browser.get(&format!("/proposals/{}/ballot-papers", s.id)).await;
        assert_eq!(st, 200);
        let households = app.sql_i64(&format!("SELECT COUNT(*) FROM elector_household WHERE proposal_id = {}", s.id)).await;
        assert_eq!(html.matches("class=\"printable consent-form ballot-paper\"").count() as i64, households, "one paper per household");
        assert!(html.contains("赵老师") && html.contains("<svg"), "candidates and QR on each paper");
        let (st, html) = browser.get(&format!("/proposals/{}/election/notice", s.id)).await;
        assert_eq!(st, 200);
        assert!(html.contains("当选：") && html.contains("李阿姨"), "{html}");
        let (st, err) = app.api(&s.owner, Method::POST, &format!("/proposals/{}/election/roles", s.id), None).await;
        assert_api_error(st, &err, 403, "forbidden", None);
        let before = app.audit_count().await;
        let (st, g) = app.api(&s.committee, Method::POST, &format!("/proposals/{}/election/roles", s.id), None).await;
        assert_eq!(st, 200, "{g}");
        assert_eq!(g["granted"].as_array().unwrap().len(), 1, "the owner, who has an account: {g}");
        assert_eq!(g["without_account"].as_array().unwrap().len(), 2, "{g}");
        assert!(app.audit_count().await >= before + 2, "each grant and the step are audited");
        let grants = app.sql_i64(&format!("SELECT COUNT(*) FROM role_grant WHERE role = 'unit_head' AND path LIKE '%unit:{}'", app.sql_i64(&format!("SELECT scope_id FROM proposal WHERE id = {}", s.id)).await)).await;
        assert!(grants >= 1, "the elected owner is now unit head");
        let (_, g) = app.api(&s.committee, Method::POST, &format!("/proposals/{}/election/roles", s.id), None).await;
        assert_eq!(g["granted"].as_array().unwrap().len(), 0, "granting twice grants nothing twice: {g}");
        assert_eq!(g["already"].as_array().unwrap().len(), 1);
        let _ = s.compound;
    }

    async fn a_tie_for_the_last_seat_goes_to_a_second_round(app) {
        let s = open_election(&app).await;
        let [a, b, c, d, _] = s.candidates[..] else { panic!("five candidates") };
        // g voters name A B C, g name A B D, the rest A C D: C and D tie, both over half.
        let n = s.voters.len();
        let g = (n - 1) / 2;
        for (i, h) in s.voters.iter().enumerate() {
            let chosen = if i < g { [a, b, c] } else if i < 2 * g { [a, b, d] } else { [a, c, d] };
            let (st, bv) = paper(&app, &s, *h, &chosen).await;
            assert_eq!(st, 200, "{bv}");
        }
        let (st, p) = app.api(&s.committee, Method::POST, &format!("/proposals/{}/close", s.id), Some(json!({"confirm": true}))).await;
        assert_eq!(st, 200, "{p}");
        let ct = count(&app, &s).await;
        assert_eq!(ct["quorum_met"], true, "{ct}");
        assert!(!ct["elected"].as_array().unwrap().is_empty(), "the owner, on every ballot, is elected: {ct}");
        let second = names(&ct["second_round"]);
        assert!(second.contains(&"王师傅".to_string()) && second.contains(&"赵老师".to_string()), "C and D are tied: {ct}");
        assert!(ct["second_round_seats"].as_u64().unwrap() >= 1);
        assert!(ct["summary"].as_str().unwrap().contains("第二轮"), "{ct}");
        let browser = app.browser_login("committee").await;
        let (st, html) = browser.get(&format!("/proposals/{}/election", s.id)).await;
        assert_eq!(st, 200);
        assert!(html.contains("需第二轮"), "the page marks the tied");
    }
}
