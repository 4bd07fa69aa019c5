//! Governance standards through the API, on SQLite and PostgreSQL: an assessment derives the
//! compound's six-have and three-no status (and only the latest period writes it back); bad
//! weights, overlapping bands, a survey below the sample rule and an assessment outside the
//! assessor's area are refused with the field named and nothing written; the dashboards count
//! exactly what was recorded; officials see aggregates and no personal data.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{Backend, TestApp, assert_api_error};
use reqwest::Method;
use serde_json::{Value, json};

/// The 35 standards of the template, every one with `mark`, except those in `other`.
fn marks(mark: &str, other: &[(&str, &str)]) -> Value {
    let codes: Vec<String> = [
        ("A", 5),
        ("B", 5),
        ("C", 5),
        ("D", 4),
        ("E", 5),
        ("F", 4),
        ("G", 4),
        ("H", 3),
    ]
    .iter()
    .flat_map(|(a, n)| (1..=*n).map(move |i| format!("{a}{i}")))
    .collect();
    assert_eq!(codes.len(), 35);
    Value::Array(
        codes
            .iter()
            .map(|c| {
                let m = other
                    .iter()
                    .find(|(code, _)| code == c)
                    .map_or(mark, |(_, m)| m);
                json!({"code": c, "mark": m, "note": format!("{c} 现场查看")})
            })
            .collect(),
    )
}

async fn assess(
    app: &TestApp,
    token: &str,
    compound: i64,
    period: &str,
    marks: Value,
) -> (u16, Value) {
    app.api(
        token,
        Method::POST,
        &format!("/compounds/{compound}/assessments"),
        Some(json!({"period": period, "marks": marks})),
    )
    .await
}

/// (three_no, six_have mask, version) of a compound, read behind the application.
async fn status(app: &TestApp, compound: i64) -> (i64, i64, i64) {
    let pairs = app.sql_pairs(&format!("SELECT CASE WHEN three_no THEN 1 ELSE 0 END, six_have FROM compound WHERE id = {compound}")).await;
    let version = app
        .sql_i64(&format!(
            "SELECT version FROM compound WHERE id = {compound}"
        ))
        .await;
    (pairs[0].0, pairs[0].1, version)
}

fn wenjiang(app: &TestApp) -> i64 {
    app.persona_place("committee")
}

async fn households(app: &TestApp, compound: i64) -> i64 {
    app.sql_i64(&format!(
        "SELECT COUNT(*) FROM household WHERE compound_id = {compound}"
    ))
    .await
}

both_backends! {
    async fn an_assessment_derives_the_status_and_only_the_latest_period_writes_it_to_the_compound(app) {
        let worker = app.token("worker").await;
        let c = wenjiang(&app);
        let (t0, s0, v0) = status(&app, c).await;
        assert_ne!((t0, s0), (1, 0), "the demo's 纹江花园 is not three-no with nothing");
        let audit = app.audit_count().await;

        // Nothing met: three-no, written to the compound (audited twice: the assessment and
        // the compound's status).
        let (s, a) = assess(&app, &worker, c, "2024-Q3", marks("not_met", &[])).await;
        assert_eq!(s, 201, "{a}");
        assert_eq!((a["met"].as_i64(), a["partly"].as_i64(), a["not_met"].as_i64()), (Some(0), Some(0), Some(35)));
        assert_eq!(a["three_no"], true);
        assert_eq!(a["latest"], true);
        assert!(a["rule"].as_array().unwrap().len() >= 10, "the rule is shown: {}", a["rule"]);
        assert_eq!(status(&app, c).await, (1, 0, v0 + 1));
        assert_eq!(app.audit_count().await, audit + 2);

        // The same period corrected: every standard met — six-have, not three-no.
        let (s, a) = assess(&app, &worker, c, "2024-Q3", marks("met", &[])).await;
        assert_eq!(s, 201, "{a}");
        assert_eq!(a["six_have_count"], 6);
        assert_eq!(a["three_no"], false);
        assert_eq!(status(&app, c).await, (0, 63, v0 + 2));
        assert_eq!(app.audit_count().await, audit + 4);

        // An earlier period with nothing met is kept, but does not change the compound.
        let (s, b) = assess(&app, &worker, c, "2024-Q1", marks("not_met", &[])).await;
        assert_eq!(s, 201, "{b}");
        assert_eq!(b["three_no"], true);
        assert_eq!(b["latest"], false);
        assert_eq!(status(&app, c).await, (0, 63, v0 + 2));

        // A later period: only D1 (property management) met — out of three-no, but "partly"
        // on D2 keeps property service from counting; no six-have item.
        let (s, d) = assess(&app, &worker, c, "2024-Q4", marks("not_met", &[("D1", "met"), ("D2", "partly")])).await;
        assert_eq!(s, 201, "{d}");
        assert_eq!(d["three_no"], false);
        assert_eq!(d["six_have_count"], 0);
        assert_eq!(status(&app, c).await, (0, 0, v0 + 3));
        assert_eq!(app.sql_i64(&format!("SELECT COUNT(*) FROM assessment WHERE compound_id = {c}")).await, 3, "the correction replaced its period");
        assert_eq!(app.sql_i64(&format!("SELECT COUNT(*) FROM assessment WHERE compound_id = {c} AND latest = (1=1)")).await, 1);

        // A photo filed as the evidence of C4 (gates) of the latest assessment; a file that is
        // not a photo or PDF is refused. A correction of the period keeps the photo.
        let id = d["id"].as_i64().unwrap();
        let jpeg = common::TINY_JPEG.to_vec();
        let (s, v) = app.api_raw(Some(&worker), Method::POST, &format!("/assessments/{id}/evidence?standard=C4&name=gate.jpg"), Some(("application/octet-stream", jpeg)), &[]).await;
        assert_eq!(s, 201, "{v}");
        let c4 = |v: &Value| v["aspects"].as_array().unwrap().iter().flat_map(|a| a["standards"].as_array().unwrap().clone()).find(|s| s["code"] == "C4").unwrap();
        let file = c4(&v)["evidence_id"].as_i64().expect("the photo is linked");
        let (s, err) = app.api_raw(Some(&worker), Method::POST, &format!("/assessments/{id}/evidence?standard=C4&name=x.exe"), Some(("application/octet-stream", b"MZ\x90\x00".to_vec())), &[]).await;
        assert_api_error(s, &err, 422, "file_type", Some("file"));
        let (s, err) = app.api_raw(Some(&worker), Method::POST, &format!("/assessments/{id}/evidence?standard=Z9&name=gate.jpg"), Some(("application/octet-stream", common::TINY_JPEG.to_vec())), &[]).await;
        assert_api_error(s, &err, 422, "unknown_item", Some("marks"));
        let (s, again) = assess(&app, &worker, c, "2024-Q4", marks("not_met", &[("D1", "met"), ("D2", "partly")])).await;
        assert_eq!(s, 201);
        assert_eq!(c4(&again)["evidence_id"], file);

        // The compound's public page agrees.
        let (_, view) = app.api(&worker, Method::GET, &format!("/compounds/{c}/standards"), None).await;
        assert_eq!(view["three_no"], false);
        assert!(view["six_have"].as_array().unwrap().iter().all(|i| i["present"] == false));
        assert_eq!(view["assessments"].as_array().unwrap().len(), 3);
    }

    async fn bad_assessments_and_assessments_outside_the_area_are_refused_and_write_nothing(app) {
        let worker = app.token("worker").await;
        let committee = app.token("committee").await;
        let c = wenjiang(&app);
        let ganquan = app.sql_i64("SELECT id FROM compound WHERE name = '甘泉苑'").await;
        let audit = app.audit_count().await;
        let before = status(&app, c).await;

        // Outside the community worker's area.
        let (s, err) = assess(&app, &worker, ganquan, "2024-Q3", marks("met", &[])).await;
        assert_api_error(s, &err, 403, "forbidden", None);
        // A compound does not assess itself.
        let (s, err) = assess(&app, &committee, c, "2024-Q3", marks("met", &[])).await;
        assert_api_error(s, &err, 403, "forbidden", None);
        // A standard without a mark is named; a bad period is named.
        let mut partial = marks("met", &[]);
        partial.as_array_mut().unwrap().retain(|m| m["code"] != "C3");
        let (s, err) = app.api_en(&worker, Method::POST, &format!("/compounds/{c}/assessments"), Some(json!({"period": "2024-Q3", "marks": partial}))).await;
        assert_api_error(s, &err, 422, "unassessed", Some("marks"));
        assert!(err["message"].as_str().unwrap().contains("C3"), "{err}");
        let (s, err) = assess(&app, &worker, c, "2024-Q5", marks("met", &[])).await;
        assert_api_error(s, &err, 422, "bad_quarter", Some("period"));
        let (s, err) = assess(&app, &worker, c, "2024-Q3", marks("met", &[("A1", "maybe")])).await;
        assert_api_error(s, &err, 422, "bad_choice", Some("marks"));

        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM assessment").await, 0);
        assert_eq!(app.audit_count().await, audit);
        assert_eq!(status(&app, c).await, before);
    }

    async fn a_dashboard_list_s_total_is_the_count_of_its_rows_for_every_filter(app) {
        // The count joins only what a filter reads; it must still count exactly the rows the
        // list (which joins everything) would show.
        let city = app.token("city").await;
        let city_id = app.persona_place("city");
        let t = if app.backend == Backend::Postgres { "TRUE" } else { "1" };
        let full = format!("FROM compound c JOIN region r ON r.id = c.community_id LEFT JOIN star_rating s ON s.compound_id = c.id AND s.latest = {t} LEFT JOIN compound_plan p ON p.compound_id = c.id WHERE c.city_id = {city_id}");
        let filters = [
            ("", String::new()),
            ("status=three_no", format!("c.three_no = {t}")),
            ("status=six_have", format!("c.three_no <> {t} AND c.six_have = 63")),
            ("status=in_progress", format!("c.three_no <> {t} AND c.six_have <> 63")),
            ("plan=yes", "p.id IS NOT NULL".into()),
            ("plan=no", "p.id IS NULL".into()),
            ("plan=done", "p.items_total > 0 AND p.items_done = p.items_total".into()),
            ("rated=yes", "s.id IS NOT NULL".into()),
            ("status=three_no&rated=yes", format!("c.three_no = {t} AND s.id IS NOT NULL")),
            ("rated=vetoed", format!("s.vetoed = {t}")),
        ];
        let mut found = Vec::new();
        for (query, cond) in filters {
            let cond = if cond.is_empty() { String::new() } else { format!(" AND {cond}") };
            let want = app.sql_i64(&format!("SELECT COUNT(*) {full}{cond}")).await;
            let (s, l) = app.api(&city, Method::GET, &format!("/regions/{city_id}/dashboard/compounds?{query}"), None).await;
            assert_eq!(s, 200, "{l}");
            assert_eq!(l["compounds"]["total"].as_i64(), Some(want), "{query}");
            found.push((query, want));
        }
        // Counts that are not all nothing: the statuses at least.
        assert!(found.iter().filter(|(_, n)| *n > 0).count() >= 3, "{found:?}");
    }

    async fn bad_weights_and_bands_are_refused_and_a_good_scheme_is_saved_once(app) {
        let city = app.token("city").await;
        let street = app.token("street").await;
        let city_id = app.persona_place("city");
        let (s, scheme) = app.api(&city, Method::GET, &format!("/cities/{city_id}/standards"), None).await;
        assert_eq!(s, 200, "{scheme}");
        assert_eq!(scheme["version"], 0);
        assert_eq!(scheme["standards"], 35);
        assert_eq!(scheme["aspects"].as_array().unwrap().len(), 8);
        let checklist = scheme["checklist_json"].as_str().unwrap().to_string();
        let rating: Value = serde_json::from_str(scheme["rating_json"].as_str().unwrap()).unwrap();
        let put = |rating: Value, version: i64| json!({"version": version, "checklist": checklist, "rating": rating.to_string()});
        let audit = app.audit_count().await;

        let mut bad = rating.clone();
        bad["weights"]["overall_bp"] = json!(2999);
        let (s, err) = app.api_en(&city, Method::PUT, &format!("/cities/{city_id}/standards"), Some(put(bad, 0))).await;
        assert_api_error(s, &err, 422, "weights_sum", Some("weights"));
        assert!(err["message"].as_str().unwrap().contains("99.99%"), "{err}");

        let mut bad = rating.clone();
        bad["bands"][1]["max"] = json!(91); // four stars up to 91, five from 91
        let (s, err) = app.api_en(&city, Method::PUT, &format!("/cities/{city_id}/standards"), Some(put(bad, 0))).await;
        assert_api_error(s, &err, 422, "bands_overlap", Some("bands"));
        assert!(err["message"].as_str().unwrap().contains("overlap"), "{err}");

        // The street office does not set the city's scheme.
        let (s, err) = app.api(&street, Method::PUT, &format!("/cities/{city_id}/standards"), Some(put(rating.clone(), 0))).await;
        assert_api_error(s, &err, 403, "forbidden", None);
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM standard_scheme").await, 0);
        assert_eq!(app.audit_count().await, audit);

        let mut good = rating.clone();
        good["weights"] = json!({"satisfaction_bp": 2500, "management_bp": 5000, "overall_bp": 2500});
        let (s, saved) = app.api(&city, Method::PUT, &format!("/cities/{city_id}/standards"), Some(put(good.clone(), 0))).await;
        assert_eq!(s, 200, "{saved}");
        assert_eq!(saved["version"], 1);
        assert!(saved["rating_rule"][0].as_str().unwrap().contains("50.00%"), "{}", saved["rating_rule"]);
        // A second save from the same old version is stale.
        let (s, err) = app.api(&city, Method::PUT, &format!("/cities/{city_id}/standards"), Some(put(good, 0))).await;
        assert_api_error(s, &err, 409, "stale_version", Some("version"));
        assert_eq!(app.audit_count().await, audit + 1);
    }

    async fn a_survey_below_the_sample_rule_is_refused_and_the_score_is_exact(app) {
        let worker = app.token("worker").await;
        let c = wenjiang(&app);
        let n = households(&app, c).await;
        // At least 10% and at least 50 (every household of a smaller compound).
        let needed = ((n + 9) / 10).max(50.min(n));
        let rate = |responses: i64, satisfied: i64, vetoes: Value| json!({"period": "2024-Q3", "responses": responses.to_string(), "satisfied": satisfied.to_string(), "management": "88.5", "overall": "91", "vetoes": vetoes});
        let (s, err) = app.api_en(&worker, Method::POST, &format!("/compounds/{c}/star-ratings"), Some(rate(needed - 1, needed - 1, json!([])))).await;
        assert_api_error(s, &err, 422, "survey_too_small", Some("responses"));
        assert!(err["message"].as_str().unwrap().contains(&format!("at least {needed}")), "{err}");
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM star_rating").await, 0);

        // 90% satisfied: 0.3 × 90 + 0.4 × 88.5 + 0.3 × 91 = 27 + 35.4 + 27.3 = 89.7 → four stars.
        let answers = 50.max(needed);
        let satisfied = answers * 9 / 10;
        assert_eq!(answers % 10, 0, "a round number of answers for an exact 90%");
        let (s, r) = app.api(&worker, Method::POST, &format!("/compounds/{c}/star-ratings"), Some(rate(answers, satisfied, json!([])))).await;
        assert_eq!(s, 201, "{r}");
        assert_eq!(r["score"], "89.70");
        assert_eq!(r["satisfaction"], "90.00");
        assert_eq!(r["stars"], 4);
        assert_eq!(r["reward"], 2_000_000, "20,000 yuan in fen");
        // A veto item: no stars whatever the score.
        let (s, r) = app.api(&worker, Method::POST, &format!("/compounds/{c}/star-ratings"), Some(rate(answers, satisfied, json!(["V1"])))).await;
        assert_eq!(s, 201, "{r}");
        assert_eq!((r["stars"].as_i64(), r["vetoed"].as_bool(), r["reward"].as_i64()), (Some(0), Some(true), Some(0)));
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM star_rating").await, 1, "the same period re-rated");
    }

    async fn the_dashboards_count_exactly_what_was_recorded(app) {
        let worker = app.token("worker").await;
        let c = wenjiang(&app);
        let community = app.persona_place("worker");
        let n = households(&app, c).await;
        let mode = app.sql_i64(&format!("SELECT CASE management_mode WHEN 'professional' THEN 0 WHEN 'self_managed' THEN 1 WHEN 'delegated' THEN 2 ELSE 3 END FROM compound WHERE id = {c}")).await;
        let mode = ["professional", "self_managed", "delegated", "none"][mode as usize];

        let (s, d) = app.api(&worker, Method::GET, &format!("/regions/{community}/dashboard"), None).await;
        assert_eq!(s, 200, "{d}");
        assert_eq!(d["compounds"], 1);
        assert_eq!(d["progress"], json!([]));
        assert_eq!(d["plans"], 0);

        assert_eq!(assess(&app, &worker, c, "2024-Q2", marks("not_met", &[])).await.0, 201);
        assert_eq!(assess(&app, &worker, c, "2024-Q3", marks("met", &[("C1", "partly"), ("C2", "not_met")])).await.0, 201);
        let answers = 50.max((n + 9) / 10).min(n);
        let (s, _) = app.api(&worker, Method::POST, &format!("/compounds/{c}/star-ratings"), Some(json!({"period": "2024-Q3", "responses": answers.to_string(), "satisfied": answers.to_string(), "management": "100", "overall": "100"}))).await;
        assert_eq!(s, 201);
        let (s, p) = app.api(&worker, Method::PUT, &format!("/compounds/{c}/plan"), Some(json!({"problems": "管网老化，照明不足", "responsible": "社区书记", "budget": {"government_reward": "120000", "residents": "30000.50", "public_income": "0"}}))).await;
        assert_eq!(s, 200, "{p}");
        assert_eq!(p["households_benefited"], n, "blank: every household");
        for (kind, q) in [("pipes", "1250"), ("parking", "40"), ("lighting", "18")] {
            let (s, p) = app.api(&worker, Method::POST, &format!("/compounds/{c}/plan/items"), Some(json!({"kind": kind, "quantity": q}))).await;
            assert_eq!(s, 201, "{p}");
        }
        let (_, p) = app.api(&worker, Method::GET, &format!("/compounds/{c}/plan"), None).await;
        let pipes = p["items"].as_array().unwrap().iter().find(|i| i["kind"] == "pipes").unwrap()["id"].as_i64().unwrap();
        let (s, p) = app.api(&worker, Method::POST, &format!("/plan-items/{pipes}/done"), Some(json!({"done": true}))).await;
        assert_eq!(s, 200, "{p}");
        assert_eq!((p["items_total"].as_i64(), p["items_done"].as_i64(), p["progress_pct"].as_i64()), (Some(3), Some(1), Some(33)));

        let (s, d) = app.api(&worker, Method::GET, &format!("/regions/{community}/dashboard"), None).await;
        assert_eq!(s, 200, "{d}");
        // C1 partly and C2 not met: security facilities (C4, C5, F1) still met, so not
        // every item is missing — but is it six-have? C1/C2 decide nothing: yes, six-have.
        assert_eq!(d["status"], json!([0, 0, 1]));
        let by_mode = d["by_mode"].as_array().unwrap().iter().find(|m| m["key"] == mode).unwrap();
        assert_eq!(by_mode["counts"], json!([0, 0, 1]));
        assert_eq!(d["progress"], json!([
            {"period": "2024-Q2", "assessed": 1, "three_no": 1, "six_have": 0},
            {"period": "2024-Q3", "assessed": 1, "three_no": 0, "six_have": 1}
        ]));
        let c_aspect = d["aspects"].as_array().unwrap().iter().find(|a| a["code"] == "C").unwrap();
        assert_eq!((c_aspect["met"].as_i64(), c_aspect["partly"].as_i64(), c_aspect["not_met"].as_i64(), c_aspect["met_bp"].as_i64()), (Some(3), Some(1), Some(1), Some(6000)));
        assert_eq!(d["assessed"], 1);
        assert_eq!(d["rated"], 1);
        assert_eq!(d["stars"][5]["compounds"], 1);
        assert_eq!(d["reward_total"], 3_000_000);
        assert_eq!((d["plans"].as_i64(), d["plans_done"].as_i64(), d["households_benefited"].as_i64()), (Some(1), Some(0), Some(n)));
        let reno = |k: &str| d["renovation"].as_array().unwrap().iter().find(|r| r["kind"] == k).unwrap().clone();
        assert_eq!((reno("pipes")["quantity"].as_i64(), reno("pipes")["done_quantity"].as_i64()), (Some(1250), Some(1250)));
        assert_eq!((reno("parking")["quantity"].as_i64(), reno("parking")["done_quantity"].as_i64(), reno("parking")["compounds"].as_i64()), (Some(40), Some(0), Some(1)));
        let money: Vec<i64> = d["money"].as_array().unwrap().iter().map(|m| m["amount"].as_i64().unwrap()).collect();
        assert_eq!(money, vec![12_000_000, 3_000_050, 0, 0, 0]);
        assert_eq!(d["money_total"], 15_000_050);

        // The lists behind the numbers.
        let (_, l) = app.api(&worker, Method::GET, &format!("/regions/{community}/dashboard/compounds?status=six_have"), None).await;
        assert_eq!(l["compounds"]["total"], 1);
        assert_eq!(l["compounds"]["items"][0]["id"], c);
        assert_eq!(l["compounds"]["items"][0]["stars"], 5);
        let (_, l) = app.api(&worker, Method::GET, &format!("/regions/{community}/dashboard/compounds?status=three_no"), None).await;
        assert_eq!(l["compounds"]["total"], 0);
        let (_, l) = app.api(&worker, Method::GET, &format!("/regions/{community}/plans?status=open"), None).await;
        assert_eq!(l["plans"]["total"], 1);
        let (_, l) = app.api(&worker, Method::GET, &format!("/regions/{community}/plans?status=done"), None).await;
        assert_eq!(l["plans"]["total"], 0);
        let (_, l) = app.api(&worker, Method::GET, &format!("/regions/{community}/dashboard/compounds?rated=yes&stars=5"), None).await;
        assert_eq!(l["compounds"]["total"], 1);
        let (_, l) = app.api(&worker, Method::GET, &format!("/regions/{community}/dashboard/compounds?rated=vetoed"), None).await;
        assert_eq!(l["compounds"]["total"], 0);
        let (s, err) = app.api(&worker, Method::GET, &format!("/regions/{community}/dashboard/compounds?status=perfect"), None).await;
        assert_api_error(s, &err, 422, "bad_choice", Some("status"));

        // Every table of the dashboard as one download; the page itself shows the figures.
        let b = app.browser_login("worker").await;
        let res = b.client.get(app.url(&format!("/regions/{community}/dashboard?format=csv"))).send().await.unwrap();
        assert_eq!(res.status(), 200);
        let csv = res.text().await.unwrap();
        assert!(csv.contains("按资金渠道的预算,财政以奖代补,预算,\"120,000.00\""), "{csv}");
        let (s, page) = b.get(&format!("/regions/{community}/dashboard")).await;
        assert_eq!(s, 200);
        assert!(page.contains(r#"<strong id="fig-six-have">1</strong>"#), "the six-have figure");
        assert!(page.contains(r#"<strong id="fig-pipes">1.250</strong>"#), "1,250 m of pipes as km");
    }

    async fn the_grid_shows_every_compound_of_the_region_by_status_in_the_order_of_their_ids(app) {
        let worker = app.token("worker").await;
        let community = app.persona_place("worker");
        let c = wenjiang(&app);
        // Three new compounds beside 纹江花园, which its assessment makes three-no: squares of
        // every status, whose order matters.
        let six = json!(["self_governance_body", "security_facilities", "property_service", "clean_environment", "lasting_mechanism", "neighbourly_conduct"]);
        for (name, three_no, six_have) in [("新小区甲", false, json!([])), ("新小区乙", true, json!([])), ("新小区丙", false, six)] {
            let (s, b) = app.api(&worker, Method::POST, &format!("/regions/{community}/compounds"), Some(json!({"name": name, "management_mode": "self_managed", "three_no": three_no, "six_have": six_have}))).await;
            assert_eq!(s, 201, "{b}");
        }
        assert_eq!(assess(&app, &worker, c, "2024-Q2", marks("not_met", &[])).await.0, 201);
        let truth = app.sql_pairs(&format!("SELECT id, CASE WHEN three_no = (1=1) THEN 0 WHEN six_have = 63 THEN 2 ELSE 1 END FROM compound WHERE community_id = {community} ORDER BY id")).await;
        let statuses: Vec<i64> = truth.iter().map(|(_, s)| *s).collect();
        assert_eq!(statuses, vec![0, 1, 0, 2], "纹江花园 three-no after its assessment, then the new ones");
        assert_eq!(truth[0].0, c);
        let (s, d) = app.api(&worker, Method::GET, &format!("/regions/{community}/dashboard"), None).await;
        assert_eq!(s, 200, "{d}");
        let digits: String = truth.iter().map(|(_, status)| status.to_string()).collect();
        assert_eq!(d["grid"], json!(digits), "a digit per compound, by id");
        let named: Vec<i64> = d["grid_compounds"].as_array().unwrap().iter().map(|g| g["id"].as_i64().unwrap()).collect();
        assert_eq!(named, truth.iter().map(|(id, _)| *id).collect::<Vec<_>>(), "each square named, in the same order");
        assert_eq!(d["grid_compounds"][1]["name"], "新小区甲");
        assert_eq!(d["grid_truncated"], false);
        // Each status's count under the grid is the dashboard's own count of it.
        for (k, n) in d["status"].as_array().unwrap().iter().enumerate() {
            assert_eq!(digits.matches(&k.to_string()).count() as i64, n.as_i64().unwrap(), "status {k}");
        }
    }

    async fn officials_see_aggregates_and_never_personal_data(app) {
        let worker = app.token("worker").await;
        let c = wenjiang(&app);
        let community = app.persona_place("worker");
        assert_eq!(assess(&app, &worker, c, "2024-Q3", marks("met", &[])).await.0, 201);
        let (s, _) = app.api(&worker, Method::PUT, &format!("/compounds/{c}/plan"), Some(json!({"problems": "照明不足"}))).await;
        assert_eq!(s, 200);

        // Residents, owners and the compound's committee see no region dashboards; the
        // street office of another city neither.
        for who in ["resident", "owner", "committee", "street"] {
            let t = app.token(who).await;
            let (s, err) = app.api(&t, Method::GET, &format!("/regions/{community}/dashboard"), None).await;
            assert_api_error(s, &err, 403, "forbidden", None);
        }

        // No name or phone of anyone living there appears in what officials get.
        let people: Vec<(i64, i64)> = app.sql_pairs(&format!("SELECT p.id, h.id FROM person p JOIN ownership o ON o.person_id = p.id JOIN household h ON h.id = o.household_id WHERE h.compound_id = {c} ORDER BY p.id LIMIT 40")).await;
        assert!(!people.is_empty());
        let conn = app.sql().await;
        use sea_orm::ConnectionTrait;
        let rows = conn.query_all_raw(sea_orm::Statement::from_string(conn.get_database_backend(), format!("SELECT name, phone FROM person WHERE id IN ({})", people.iter().map(|p| p.0.to_string()).collect::<Vec<_>>().join(",")))).await.unwrap();
        let mut personal: Vec<String> = Vec::new();
        for r in rows {
            personal.push(r.try_get_by_index::<String>(0).unwrap());
            if let Ok(Some(p)) = r.try_get_by_index::<Option<String>>(1) { personal.push(p); }
        }
        let (_, d) = app.api(&worker, Method::GET, &format!("/regions/{community}/dashboard"), None).await;
        let (_, l) = app.api(&worker, Method::GET, &format!("/regions/{community}/dashboard/compounds"), None).await;
        let b = app.browser_login("worker").await;
        let (s, csv) = b.get(&format!("/regions/{community}/open-data")).await;
        assert_eq!(s, 200);
        assert!(csv.contains("compound_id,compound,city"), "{csv}");
        assert!(csv.contains(",six_have,6,2024-Q3,35,0,0,"), "{csv}");
        for text in [d.to_string(), l.to_string(), csv] {
            for p in &personal {
                assert!(!text.contains(p.as_str()), "personal data {p} leaked");
            }
        }
        let (s, schema) = b.get(&format!("/regions/{community}/open-data?format=json")).await;
        assert_eq!(s, 200);
        let schema: Value = serde_json::from_str(&schema).unwrap();
        assert_eq!(schema["fields"].as_array().unwrap().len(), 22);

        // The CLI writes the same table for the operator.
        let dir = app.scratch_dir();
        let out = dir.0.to_str().unwrap().to_string();
        let (code, stdout, stderr) = app.cli(&["export", "open-data", "--region", &community.to_string(), "--out", &out]);
        assert_eq!(code, 0, "{stdout}{stderr}");
        let file = std::fs::read_to_string(dir.0.join("compounds.csv")).unwrap();
        assert_eq!(file.lines().count(), 2, "header and one compound: {file}");
        assert!(dir.0.join("compounds.schema.json").exists());
    }

    async fn the_forms_work_without_javascript_and_come_back_with_every_error(app) {
        let c = wenjiang(&app);
        let b = app.browser_login("worker").await;
        let (s, page) = b.get(&format!("/compounds/{c}/assessment?period=2024-Q3")).await;
        assert_eq!(s, 200);
        let csrf = common::csrf_of(&page);
        let codes: Vec<String> = marks("met", &[]).as_array().unwrap().iter().map(|m| m["code"].as_str().unwrap().to_string()).collect();
        let mut fields: Vec<(String, String)> = vec![("_csrf".into(), csrf.clone()), ("period".into(), "2024-Q3".into())];
        for code in codes.iter().filter(|c| *c != "C3") {
            fields.push((format!("mark_{code}"), "met".into()));
            fields.push((format!("note_{code}"), String::new()));
        }
        let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let (s, body) = b.post_raw(&format!("/compounds/{c}/assessment"), &form).await;
        assert_eq!(s, 422, "a standard without a mark");
        assert!(body.contains("标准 C3 还没有评定"), "the error names C3");
        assert!(body.contains(r#"name="mark_A1" value="met" checked"#), "the marks given are kept");
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM assessment").await, 0);
        fields.push(("mark_C3".into(), "partly".into()));
        let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let (s, location) = {
            let res = b.client.post(app.url(&format!("/compounds/{c}/assessment"))).form(&form).send().await.unwrap();
            (res.status().as_u16(), res.headers().get("location").map(|l| l.to_str().unwrap().to_string()))
        };
        assert_eq!(s, 303);
        assert!(location.unwrap().starts_with("/assessments/"));

        let (s, body) = b.post_raw(&format!("/compounds/{c}/star-rating"), &[("_csrf", &csrf), ("period", "2024-Q3"), ("responses", "10"), ("satisfied", "9"), ("management", "80"), ("overall", "80")]).await;
        assert_eq!(s, 422);
        assert!(body.contains("按抽样规则至少需要 50 户"), "the sample rule named");
        assert!(body.contains(r#"value="10""#), "what was typed is kept");
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM star_rating").await, 0);

        let (s, _) = b.post_raw(&format!("/compounds/{c}/plan"), &[("_csrf", &csrf), ("problems", "照明不足"), ("budget_government_reward", "1,000")]).await;
        assert_eq!(s, 303);
        let (s, body) = b.post_raw(&format!("/compounds/{c}/plan/items"), &[("_csrf", &csrf), ("kind", "lighting"), ("quantity", "很多")]).await;
        assert_eq!(s, 422);
        assert!(body.contains("数量：不是数字"), "the quantity named");
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM plan_item").await, 0);
        assert_eq!(app.sql_i64("SELECT budget_government_reward FROM compound_plan").await, 100_000);
    }
}
