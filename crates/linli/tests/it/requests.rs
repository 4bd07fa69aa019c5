//! Grids and service requests through the API, on SQLite and PostgreSQL: a leak reported by
//! an owner goes to the grid worker of the household's grid, who takes and resolves it; the
//! owner rates it and the metrics count it. Every bad input of the issue is refused with the
//! rule named and nothing written; phone numbers reach only the roles that need them; the
//! clock escalates overdue requests to the community (once, with reminders in the outbox)
//! and closes resolved ones the reporter left alone.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use crate::common::requests as rq_kit;

use common::{TestApp, assert_api_error, csrf_of};
use reqwest::Method;
use rq_kit::{PDF, PHOTO, category, world};
use serde_json::{Value, json};

async fn report(app: &TestApp, token: &str, compound: i64, body: Value) -> (u16, Value) {
    app.api(
        token,
        Method::POST,
        &format!("/compounds/{compound}/requests"),
        Some(body),
    )
    .await
}

async fn step(app: &TestApp, token: &str, id: i64, body: Value) -> (u16, Value) {
    app.api(
        token,
        Method::POST,
        &format!("/requests/{id}/steps"),
        Some(body),
    )
    .await
}

async fn photo(app: &TestApp, token: &str, id: i64, bytes: Vec<u8>) -> (u16, Value) {
    app.api_raw(
        Some(token),
        Method::POST,
        &format!("/requests/{id}/photos?file_name=leak.jpg"),
        Some(("application/octet-stream", bytes)),
        &[],
    )
    .await
}

both_backends! {
    async fn the_pages_carry_a_report_with_photos_to_a_rating_and_the_figures(app) {
        let w = world(&app).await;
        let leak = category(&app, &w.owner, "leak").await;
        let owner = app.browser_login("owner").await;
        let (s, html) = owner.get(&format!("/compounds/{}/requests/new", w.compound)).await;
        assert_eq!(s, 200);
        assert!(html.contains("漏水渗水") && html.contains("电梯困人"), "a button per category");
        let form = format!("/compounds/{}/requests/new?category={leak}", w.compound);
        let (s, html) = owner.get(&form).await;
        assert_eq!(s, 200);
        assert!(html.contains("report-form") && html.contains(&format!("home:{}", w.home)), "the owner's home is offered");
        let csrf = csrf_of(&html);
        let place = format!("home:{}", w.home);
        let action = format!("/compounds/{}/requests/new", w.compound);
        let leak_s = leak.to_string();
        // A PDF among the photos: the form comes back with the photo field marked, nothing written.
        let (s, html, _) = owner.post_multipart(&action, &[("_csrf", &csrf), ("category_id", &leak_s), ("place", &place), ("description", "厨房漏水")], &[("photos", "a.pdf", PDF)]).await;
        assert_eq!(s, 422);
        assert!(html.contains("只接受照片") && html.contains("厨房漏水"), "the form as typed, with the message");
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM service_request").await, 0);
        let (s, _, location) = owner.post_multipart(&action, &[("_csrf", &csrf), ("category_id", &leak_s), ("place", &place), ("description", "厨房漏水")], &[("photos", "a.jpg", PHOTO), ("photos", "b.jpg", PHOTO)]).await;
        assert_eq!(s, 303);
        let location = location.unwrap();
        let id: i64 = location.rsplit('/').next().unwrap().parse().unwrap();
        assert_eq!(app.sql_i64(&format!("SELECT COUNT(*) FROM request_photo WHERE request_id = {id}")).await, 2);

        let gw = app.browser_login("gw").await;
        let (_, queue) = gw.get("/requests/queue?queue=mine").await;
        assert!(queue.contains(&location), "in the grid worker's queue");
        for step in ["take", "resolve"] {
            let (s, _, to) = gw.submit(&location, &format!("{location}/step"), &[("step", step)]).await;
            assert_eq!((s, to.as_deref()), (303, Some(location.as_str())), "{step}");
        }
        let (_, html) = owner.get(&location).await;
        assert!(html.contains("id=\"rate\""), "the rating form for the reporter");
        let (s, _, _) = owner.submit(&location, &format!("{location}/step"), &[("step", "confirm"), ("rating", "4"), ("comment", "不错")]).await;
        assert_eq!(s, 303);
        let (_, html) = owner.get(&location).await;
        assert!(html.contains("4★") && html.contains("不错"));
        // A step on a closed request: the page again, with the rule in words.
        let (s, html, _) = gw.submit(&location, &format!("{location}/step"), &[("step", "resolve")]).await;
        assert_eq!(s, 422);
        assert!(html.contains("已关闭"), "names the status");

        let committee = app.browser_login("committee").await;
        let metrics = format!("/compounds/{}/requests/metrics", w.compound);
        let (s, html) = committee.get(&metrics).await;
        assert_eq!(s, 200);
        assert!(html.contains("漏水渗水") && html.contains("100.0%"), "figures by category");
        assert!(html.contains("<svg") && html.contains("id=\"chart-month\""), "charts with their tables");
        let res = committee.client.get(format!("{}{metrics}?format=xlsx", committee.base)).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert!(res.bytes().await.unwrap().starts_with(b"PK"), "an .xlsx");
        for page in [format!("/compounds/{}/grids", w.compound), format!("/grids/{}", w.grid), format!("/compounds/{}/requests", w.compound), "/requests".to_string()] {
            let (s, html) = committee.get(&page).await;
            assert_eq!(s, 200, "{page}: {html}");
        }
        let (_, html) = committee.get(&format!("/grids/{}", w.grid)).await;
        assert!(html.contains("网格员 小李") && html.contains("13900000001"), "people with their phones");
    }


    async fn a_leak_goes_from_the_owner_to_the_grid_worker_and_back_with_a_rating(app) {
        let w = world(&app).await;
        let leak = category(&app, &w.owner, "leak").await;
        let audit = app.audit_count().await;
        let (s, r) = report(&app, &w.owner, w.compound, json!({"category_id": leak, "household_id": w.home, "description": "厨房天花板漏水"})).await;
        assert_eq!(s, 201, "{r}");
        let id = r["id"].as_i64().unwrap();
        // The default route: the grid worker of the household's grid, at once.
        assert_eq!(r["status"], "dispatched");
        assert_eq!(r["assignee_id"], w.gw_id);
        assert_eq!(r["grid_id"], w.grid);
        assert_eq!(r["public"], false);
        assert!(r["can"].as_array().unwrap().iter().any(|b| b["step"] == "withdraw"), "{r}");
        assert_eq!(app.audit_count().await, audit + 1);
        assert_eq!(app.sql_i64(&format!("SELECT COUNT(*) FROM notification WHERE account_id = {} AND kind = 'request.assigned'", w.gw_id)).await, 1);

        let (s, r) = photo(&app, &w.owner, id, PHOTO.to_vec()).await;
        assert_eq!(s, 200, "{r}");
        assert_eq!(r["photos"].as_array().unwrap().len(), 1);
        // The photo of a private request is for those who see the request, not the compound.
        let file = app.sql_i64(&format!("SELECT attachment_id FROM request_photo WHERE request_id = {id}")).await;
        for (login, status) in [("owner", 200), ("gw", 200), ("resident", 403)] {
            let (s, _) = app.browser_login(login).await.get(&format!("/files/{file}?thumb=1")).await;
            assert_eq!(s, status, "{login} reads the photo's thumbnail");
        }

        // In the grid worker's queue, mine and my grid's; not the volunteer's own.
        for (token, queue, has) in [(&w.gw, "mine", true), (&w.gw, "grid", true), (&w.volunteer, "grid", true), (&w.volunteer, "mine", false)] {
            let (s, q) = app.api(token, Method::GET, &format!("/requests/queue?queue={queue}"), None).await;
            assert_eq!(s, 200, "{q}");
            assert_eq!(q["items"].as_array().unwrap().iter().any(|x| x["id"] == id), has, "{queue}: {q}");
        }
        // The first receiver is responsible: the volunteer cannot take it from the grid worker.
        let (s, err) = step(&app, &w.volunteer, id, json!({"step": "take"})).await;
        assert_api_error(s, &err, 422, "not_assignee", Some("step"));

        let (s, r) = step(&app, &w.gw, id, json!({"step": "take"})).await;
        assert_eq!((s, r["status"].as_str()), (200, Some("in_progress")), "{r}");
        let (s, r) = step(&app, &w.gw, id, json!({"step": "resolve", "note": "换了水管接头"})).await;
        assert_eq!((s, r["status"].as_str()), (200, Some("resolved")), "{r}");
        assert!(r["can"].as_array().unwrap().is_empty(), "only the reporter acts now: {r}");

        // A neighbour does not see a request about someone else's home.
        let (s, _) = app.api(&w.resident, Method::GET, &format!("/requests/{id}"), None).await;
        assert_eq!(s, 404);

        // Only the reporter closes and rates, with 1 to 5.
        let (s, err) = step(&app, &w.gw, id, json!({"step": "confirm", "rating": 5})).await;
        assert_api_error(s, &err, 422, "not_reporter", Some("step"));
        let (s, err) = step(&app, &w.owner, id, json!({"step": "confirm", "rating": 6})).await;
        assert_api_error(s, &err, 422, "out_of_range", Some("rating"));
        let (s, r) = step(&app, &w.owner, id, json!({"step": "confirm", "rating": "5", "comment": "很及时"})).await;
        assert_eq!((s, r["status"].as_str()), (200, Some("closed")), "{r}");
        assert_eq!(r["rating"], 5);
        let steps: Vec<&str> = r["timeline"].as_array().unwrap().iter().map(|e| e["step"].as_str().unwrap()).collect();
        assert_eq!(steps, ["report", "dispatch", "take", "resolve", "confirm"]);
        assert_eq!(app.sql_i64(&format!("SELECT COUNT(*) FROM audit WHERE entity = 'service_request' AND entity_id = {id}")).await, 5, "report, photo, take, resolve, confirm");

        // The figures of the compound and of the grid count it.
        for path in [format!("/compounds/{}/requests/metrics", w.compound), format!("/grids/{}/metrics", w.grid)] {
            let (s, m) = app.api(&w.committee, Method::GET, &path, None).await;
            assert_eq!(s, 200, "{m}");
            assert_eq!(m["total"]["total"], 1, "{m}");
            assert_eq!(m["total"]["resolved"], 1);
            assert_eq!(m["total"]["response_rate"], "100.0%");
            assert_eq!(m["total"]["satisfaction_rate"], "100.0%");
            assert_eq!(m["total"]["overdue"], 0);
            assert_eq!(m["by_category"][0]["key"], "leak");
        }
    }

    async fn every_bad_input_is_refused_naming_the_rule_and_nothing_is_written(app) {
        let w = world(&app).await;
        let leak = category(&app, &w.owner, "leak").await;
        let before = app.sql_i64("SELECT COUNT(*) FROM service_request").await;
        let audit = app.audit_count().await;
        // A resident reporting for a household they do not live in.
        let (s, err) = report(&app, &w.resident, w.compound, json!({"category_id": leak, "household_id": w.home, "description": "楼上漏水"})).await;
        assert_api_error(s, &err, 422, "not_your_home", Some("household_id"));
        // Every bad field at once.
        let (s, err) = report(&app, &w.owner, w.compound, json!({"category_id": 9999, "household_id": w.home, "description": "  "})).await;
        assert_eq!(s, 422, "{err}");
        let fields: Vec<&str> = err["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert!(fields.contains(&"category") && fields.contains(&"description"), "{err}");
        // Only workers report for someone else.
        let (s, err) = report(&app, &w.resident, w.compound, json!({"category_id": leak, "common_place": "北门", "description": "门坏了", "channel": "phone"})).await;
        assert_api_error(s, &err, 422, "not_handler", Some("channel"));
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM service_request").await, before, "nothing written");
        assert_eq!(app.audit_count().await, audit);

        let (s, r) = report(&app, &w.owner, w.compound, json!({"category_id": leak, "household_id": w.home, "description": "卫生间渗水"})).await;
        assert_eq!(s, 201, "{r}");
        let id = r["id"].as_i64().unwrap();
        // A status jump that skips a step, by anyone.
        for token in [&w.gw, &w.owner, &w.committee] {
            let (s, err) = step(&app, token, id, json!({"step": "resolve"})).await;
            assert_api_error(s, &err, 422, "request_step", Some("step"));
        }
        let (s, err) = step(&app, &w.owner, id, json!({"step": "confirm", "rating": 5})).await;
        assert_api_error(s, &err, 422, "request_step", Some("step"));
        let (s, err) = step(&app, &w.gw, id, json!({"step": "fly"})).await;
        assert_api_error(s, &err, 422, "bad_choice", Some("step"));
        // Closing (withdrawing) someone else's request.
        let (s, err) = step(&app, &w.committee, id, json!({"step": "withdraw"})).await;
        assert_api_error(s, &err, 422, "not_reporter", Some("step"));
        // Handing on to someone who does not handle requests here.
        let resident_id = app.sql_i64("SELECT id FROM account WHERE username = 'resident'").await;
        let (s, err) = step(&app, &w.gw, id, json!({"step": "hand_on", "assignee_id": resident_id})).await;
        assert_api_error(s, &err, 422, "not_handler", Some("assignee_id"));
        // A stale page: the version it was read at.
        let (s, err) = step(&app, &w.gw, id, json!({"step": "take", "version": 99})).await;
        assert_api_error(s, &err, 409, "stale_version", Some("version"));

        // Photos: not an image, too large, more than six.
        let (s, err) = photo(&app, &w.owner, id, PDF.to_vec()).await;
        assert_api_error(s, &err, 422, "file_type", Some("photos"));
        let mut big = PHOTO.to_vec();
        big.resize(10 * 1024 * 1024 + 1, 0);
        let (s, err) = photo(&app, &w.owner, id, big).await;
        assert_api_error(s, &err, 422, "file_too_large", Some("photos"));
        for _ in 0..6 {
            assert_eq!(photo(&app, &w.owner, id, PHOTO.to_vec()).await.0, 200);
        }
        let (s, err) = photo(&app, &w.owner, id, PHOTO.to_vec()).await;
        assert_api_error(s, &err, 422, "too_many_files", Some("photos"));
        assert_eq!(app.sql_i64(&format!("SELECT COUNT(*) FROM request_photo WHERE request_id = {id}")).await, 6);

        // A rating by anyone but the reporter, once it is resolved.
        assert_eq!(step(&app, &w.gw, id, json!({"step": "take"})).await.0, 200);
        assert_eq!(step(&app, &w.gw, id, json!({"step": "resolve"})).await.0, 200);
        for token in [&w.gw, &w.committee, &w.volunteer] {
            let (s, err) = step(&app, token, id, json!({"step": "confirm", "rating": 1})).await;
            assert_api_error(s, &err, 422, "not_reporter", Some("step"));
        }
        // Sent back as not fixed, it returns to the grid worker.
        let (s, r) = step(&app, &w.owner, id, json!({"step": "reject", "note": "还在滴水"})).await;
        assert_eq!((s, r["status"].as_str(), r["assignee_id"].as_i64()), (200, Some("returned"), Some(w.gw_id)), "{r}");
        // A resident cannot draw grids.
        let (s, err) = app.api(&w.owner, Method::POST, &format!("/compounds/{}/grids", w.compound), Some(json!({"name": "x"}))).await;
        assert_api_error(s, &err, 403, "forbidden", None);
    }

    async fn phone_numbers_reach_only_the_roles_that_need_them(app) {
        let w = world(&app).await;
        let leak = category(&app, &w.owner, "leak").await;
        let (s, r) = report(&app, &w.owner, w.compound, json!({"category_id": leak, "household_id": w.home, "description": "漏水", "contact_phone": "138 1234 5678"})).await;
        assert_eq!(s, 201, "{r}");
        let id = r["id"].as_i64().unwrap();
        assert_eq!(r["contact_phone"], "13812345678");
        let (_, v) = app.api(&w.gw, Method::GET, &format!("/requests/{id}"), None).await;
        assert_eq!(v["contact_phone"], "13812345678", "a grid worker calls back");
        let (_, v) = app.api(&w.volunteer, Method::GET, &format!("/requests/{id}"), None).await;
        assert_eq!(v["contact_phone"], "138****5678", "a volunteer sees it masked");
        assert!(v["reporter_name"].is_string());

        // A common place: public to the compound's residents, without who reported it.
        let lighting = category(&app, &w.owner, "lighting").await;
        let (s, r) = report(&app, &w.owner, w.compound, json!({"category_id": lighting, "common_place": "1栋 3楼楼道", "description": "灯不亮", "contact_phone": "13812345678"})).await;
        assert_eq!(s, 201, "{r}");
        let public = r["id"].as_i64().unwrap();
        let (s, v) = app.api(&w.resident, Method::GET, &format!("/requests/{public}"), None).await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["public"], true);
        assert!(v["contact_phone"].is_null() && v["reporter_name"].is_null(), "{v}");
        let text = v.to_string();
        assert!(!text.contains("5678"), "no phone anywhere: {text}");
        // The resident's list of the compound shows the public one, not the owner's home.
        let (_, list) = app.api(&w.resident, Method::GET, &format!("/compounds/{}/requests", w.compound), None).await;
        let ids: Vec<i64> = list["items"].as_array().unwrap().iter().map(|x| x["id"].as_i64().unwrap()).collect();
        assert!(ids.contains(&public) && !ids.contains(&id), "{list}");
        // Their own list: what they reported.
        let (_, mine) = app.api(&w.owner, Method::GET, "/requests/mine", None).await;
        assert_eq!(mine["total"], 2, "{mine}");
    }

    async fn the_clock_escalates_overdue_requests_once_and_closes_unconfirmed_ones(app) {
        let w = world(&app).await;
        let entrapment = category(&app, &w.owner, "elevator_entrapment").await;
        let repair = category(&app, &w.owner, "repair").await;
        let (_, trapped) = report(&app, &w.owner, w.compound, json!({"category_id": entrapment, "common_place": "1栋电梯", "description": "有人被困"})).await;
        let trapped = trapped["id"].as_i64().unwrap();
        let (_, fix) = report(&app, &w.owner, w.compound, json!({"category_id": repair, "household_id": w.home, "description": "门锁坏了"})).await;
        let fix = fix["id"].as_i64().unwrap();
        // The entrapment was reported an hour ago: due (30 minutes on the clock) half an hour ago.
        app.sql_exec(&format!("UPDATE service_request SET created_at = created_at - 3600, due_at = due_at - 3600 WHERE id = {trapped}")).await;
        let now = app.store.now();
        // 29 minutes after the report: nothing due. Now: the entrapment is, once.
        assert_eq!(app.store.run_request_clock(now - 31 * 60).await.unwrap().escalated, 0);
        assert_eq!(app.store.run_request_clock(now).await.unwrap().escalated, 1);
        assert_eq!(app.store.run_request_clock(now + 60).await.unwrap().escalated, 0, "once");
        let (_, t) = app.api(&w.committee, Method::GET, &format!("/requests/{trapped}"), None).await;
        assert_eq!(t["status"], "escalated", "{t}");
        assert_eq!(t["overdue"], true);
        let worker_id = app.sql_i64("SELECT id FROM account WHERE username = 'worker'").await;
        assert_eq!(app.sql_i64(&format!("SELECT COUNT(*) FROM notification WHERE account_id = {worker_id} AND kind = 'request.escalated' AND sent_at IS NULL")).await, 1, "a reminder in the outbox");
        let (_, f) = app.api(&w.owner, Method::GET, &format!("/requests/{fix}"), None).await;
        assert_eq!(f["status"], "dispatched", "five working days are not up");

        // It appears on the community's page, where the community worker dispatches it again.
        let worker = app.token("worker").await;
        let community = app.persona_place("worker");
        let (s, m) = app.api(&worker, Method::GET, &format!("/regions/{community}/requests/metrics"), None).await;
        assert_eq!(s, 200, "{m}");
        assert!(m["escalated"].as_array().unwrap().iter().any(|x| x["id"] == trapped), "{m}");
        assert_eq!(m["total"]["overdue"], 1);
        let (s, r) = step(&app, &worker, trapped, json!({"step": "dispatch", "assignee_id": w.gw_id})).await;
        assert_eq!((s, r["status"].as_str()), (200, Some("dispatched")), "{r}");

        // Resolved and never confirmed: closed after the category's days, not before.
        assert_eq!(step(&app, &w.gw, fix, json!({"step": "take"})).await.0, 200);
        assert_eq!(step(&app, &w.gw, fix, json!({"step": "resolve"})).await.0, 200);
        assert_eq!(app.store.run_request_clock(now + 6 * 86_400).await.unwrap().closed, 0);
        assert_eq!(app.store.run_request_clock(now + 8 * 86_400).await.unwrap().closed, 1);
        let (_, f) = app.api(&w.owner, Method::GET, &format!("/requests/{fix}"), None).await;
        assert_eq!(f["status"], "closed");
        assert_eq!(f["timeline"].as_array().unwrap().last().unwrap()["step"], "auto_close");
    }

    async fn households_move_between_grids_with_an_audit_record(app) {
        let w = world(&app).await;
        let (s, g2) = app.api(&w.committee, Method::POST, &format!("/compounds/{}/grids", w.compound), Some(json!({"name": "第一网格 微网格", "parent_id": w.grid}))).await;
        assert_eq!(s, 201, "{g2}");
        let g2 = g2["id"].as_i64().unwrap();
        let (s, v) = app.api(&w.committee, Method::POST, &format!("/grids/{g2}/households"), Some(json!({"household_ids": [w.home]}))).await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["households"].as_array().unwrap().len(), 1);
        assert_eq!(app.sql_i64(&format!("SELECT grid_id FROM grid_household WHERE household_id = {}", w.home)).await, g2, "in exactly one grid");
        assert_eq!(app.sql_i64(&format!("SELECT COUNT(*) FROM grid_household WHERE household_id = {}", w.home)).await, 1);
        let (_, list) = app.api(&w.committee, Method::GET, &format!("/compounds/{}/grids", w.compound), None).await;
        assert_eq!(list["grids"].as_array().unwrap().len(), 2, "{list}");
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM audit WHERE action = 'grid.assign'").await, 2);
        // A household of another compound is refused.
        let other = app.sql_i64(&format!("SELECT MIN(id) FROM household WHERE compound_id <> {}", w.compound)).await;
        let (s, err) = app.api(&w.committee, Method::POST, &format!("/grids/{g2}/households"), Some(json!({"household_ids": [other]}))).await;
        assert_api_error(s, &err, 422, "other_compound", Some("household_id"));
        // The grid page: people with phones for the committee.
        let (_, g) = app.api(&w.committee, Method::GET, &format!("/grids/{}", w.grid), None).await;
        assert_eq!(g["members"][0]["phone"], "13900000001", "{g}");
        assert_eq!(g["micro_grids"].as_array().unwrap().len(), 1);
    }

    async fn the_overdue_rule_in_sql_agrees_with_the_domain_on_every_case(app) {
        use linli_domain::requests::overdue::{CASES, is_overdue, overdue_sql};
        for &(due, met, status, now, want) in CASES {
            assert_eq!(is_overdue(due, met, status, now), want);
            let met = met.map_or("NULL".to_string(), |m| m.to_string());
            let sql = format!(
                "SELECT CASE WHEN {} THEN 1 ELSE 0 END FROM (SELECT CAST({due} AS BIGINT) AS due_at, \
                 CAST({met} AS BIGINT) AS met_at, '{}' AS status) r",
                overdue_sql(now),
                status.as_str()
            );
            assert_eq!(app.sql_i64(&sql).await == 1, want, "{sql}");
        }
    }
}
