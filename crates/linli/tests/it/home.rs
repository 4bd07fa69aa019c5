//! "What needs me now", on SQLite and PostgreSQL: each role's home lists its work, one tap
//! from the page and the same through `GET /api/v1/me/agenda`; the unread count beside 消息;
//! the household page links its votes, bills and requests; a confirmation shows once after an
//! action; after voting the chosen option is marked.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use crate::common::rating as rating_kit;
use crate::common::requests as rq_kit;

use common::{Browser, TestApp, client, csrf_of};
use reqwest::Method;
use serde_json::{Value, json};

/// A vote of the owner's unit, opened by the committee, closing on 2099-12-31.
async fn open_vote(app: &TestApp, title: &str) -> i64 {
    let owner = app.token("owner").await;
    let committee = app.token("committee").await;
    let home = app.persona_place("owner");
    let (_, h) = app
        .api(&owner, Method::GET, &format!("/households/{home}"), None)
        .await;
    let unit = h["household"]["unit_id"].as_i64().unwrap();
    let compound = h["household"]["compound_id"].as_i64().unwrap();
    let (s, p) = app
        .api(
            &owner,
            Method::POST,
            &format!("/compounds/{compound}/proposals"),
            Some(json!({"scope": "unit", "scope_id": unit, "title": title, "matter": "advisory"})),
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
    let (s, p) = app
        .api(
            &committee,
            Method::POST,
            &format!("/proposals/{id}/voting"),
            Some(json!({"deadline": "2099-12-31"})),
        )
        .await;
    assert_eq!(s, 200, "{p}");
    id
}

async fn agenda(app: &TestApp, token: &str) -> Value {
    let (s, a) = app.api(token, Method::GET, "/me/agenda", None).await;
    assert_eq!(s, 200, "{a}");
    a
}

fn ids(list: &Value, key: &str) -> Vec<i64> {
    list.as_array()
        .unwrap_or_else(|| panic!("a list: {list}"))
        .iter()
        .map(|x| x[key].as_i64().unwrap())
        .collect()
}

/// The `linli_flash` cookie a response sets, if any.
fn flash_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|v| v.starts_with("linli_flash="))
}

both_backends! {
    async fn the_owner_sees_her_open_vote_until_she_has_voted_and_her_choice_is_marked(app) {
        let id = open_vote(&app, "楼道装声控灯").await;
        let owner = app.token("owner").await;
        let a = agenda(&app, &owner).await;
        let item = a["to_vote"].as_array().unwrap().iter().find(|v| v["proposal_id"] == id).cloned().unwrap_or_else(|| panic!("vote {id} on the owner's agenda: {a}"));
        assert_eq!(item["deadline"], "2099-12-31");
        assert_eq!(item["voted"], 0);
        assert!(item["voters"].as_u64().unwrap() >= 1, "{item}");
        assert!(item["days_left"].as_i64().unwrap() > 365, "{item}");

        // The home page: one tap to the ballot, with time left and turnout.
        let browser = app.browser_login("owner").await;
        let (s, home) = browser.get("/").await;
        assert_eq!(s, 200);
        assert!(home.contains("现在要办的事"), "{home}");
        assert!(home.contains("等您投票"), "{home}");
        assert!(home.contains(&format!("href=\"/proposals/{id}#my-ballot\"")), "{home}");
        assert!(home.contains("楼道装声控灯"));
        assert!(home.contains("（2099-12-31 截止）"), "{home}");

        // Voting without JavaScript: the redirect carries the confirmation to the next page.
        let csrf = csrf_of(&browser.get(&format!("/proposals/{id}")).await.1);
        let res = browser.client.post(app.url(&format!("/proposals/{id}/vote"))).form(&[("_csrf", csrf.as_str()), ("choice", "yes")]).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 303);
        assert!(flash_cookie(&res).is_some_and(|c| c.contains("fl_ballot_cast")), "{:?}", res.headers());
        let (_, page) = browser.get(&format!("/proposals/{id}")).await;
        assert!(page.contains("role=\"status\">您的票已投出。"), "{page}");
        // The chosen option is marked, for the eye and for screen readers.
        assert!(page.contains("class=\"big choice-yes chosen\" aria-pressed=\"true\""), "{page}");
        assert!(page.contains("class=\"big choice-no\" aria-pressed=\"false\""), "{page}");
        assert!(page.contains("<span class=\"sr-only\">（您的选择）</span>"), "{page}");
        // Shown once.
        let (_, again) = browser.get(&format!("/proposals/{id}")).await;
        assert!(!again.contains("您的票已投出。"), "the confirmation shows once");

        let a = agenda(&app, &owner).await;
        assert!(!ids(&a["to_vote"], "proposal_id").contains(&id), "a cast vote leaves the list: {a}");
        // The committee sees the vote with its turnout and who is left to visit.
        let committee = app.token("committee").await;
        let a = agenda(&app, &committee).await;
        let item = a["open_votes"].as_array().unwrap().iter().find(|v| v["proposal_id"] == id).cloned().unwrap_or_else(|| panic!("{a}"));
        assert_eq!(item["voted"], 1, "{item}");
        let committee_browser = app.browser_login("committee").await;
        let (_, home) = committee_browser.get("/").await;
        assert!(home.contains("正在表决") && home.contains(&format!("href=\"/proposals/{id}/knock\"")), "{home}");
        assert!(home.contains(&format!("已投 1/{}", item["voters"])), "{home}");
    }

    async fn the_committee_sees_objections_and_overdue_requests_the_worker_his_queue_the_community_its_compounds(app) {
        let w = rq_kit::world(&app).await;
        let id = open_vote(&app, "加装电梯").await;
        let (s, o) = app.api(&w.owner, Method::POST, &format!("/proposals/{id}/objections"), Some(json!({"household_id": w.home, "concern": "light", "body": "挡住厨房的光"}))).await;
        assert_eq!(s, 201, "{o}");
        let leak = rq_kit::category(&app, &w.owner, "leak").await;
        let (s, r) = app.api(&w.owner, Method::POST, &format!("/compounds/{}/requests", w.compound), Some(json!({"category_id": leak, "household_id": w.home, "description": "厨房天花板漏水"}))).await;
        assert_eq!(s, 201, "{r}");
        let rq = r["id"].as_i64().unwrap();

        let a = agenda(&app, &w.committee).await;
        assert_eq!(ids(&a["objections"], "objection_id"), vec![o["id"].as_i64().unwrap()], "{a}");
        assert!(a["overdue"].as_array().unwrap().is_empty(), "nothing is late yet: {a}");
        let a = agenda(&app, &w.owner).await;
        assert_eq!(ids(&a["my_requests"], "id"), vec![rq], "{a}");
        let a = agenda(&app, &w.gw).await;
        assert_eq!(ids(&a["queue"], "id"), vec![rq], "the grid worker's queue: {a}");

        // A month on, the request is late: the committee and the street see it.
        app.clock().advance(30 * 86_400);
        let a = agenda(&app, &w.committee).await;
        assert_eq!(ids(&a["overdue"], "id"), vec![rq], "{a}");
        // The community worker oversees the community: the compound needs attention.
        let worker = app.token("worker").await;
        let a = agenda(&app, &worker).await;
        let c = a["attention"].as_array().unwrap().iter().find(|c| c["compound_id"] == w.compound).cloned().unwrap_or_else(|| panic!("{a}"));
        assert!(c["overdue_requests"].as_u64().unwrap() >= 1, "{c}");
        let b = app.browser_login("worker").await;
        let (_, home) = b.get("/").await;
        assert!(home.contains("需要关注的小区") && home.contains(&format!("href=\"/compounds/{}\"", w.compound)) && home.contains("件报事超时"), "{home}");

        // Answering the objection takes it off the list.
        let (s, _) = app.api(&w.committee, Method::POST, &format!("/proposals/{id}/objections/{}/answer", o["id"]), Some(json!({"answer": "改到楼梯间一侧", "resolved": true}))).await;
        assert_eq!(s, 204);
        let a = agenda(&app, &w.committee).await;
        assert!(a["objections"].as_array().unwrap().is_empty(), "{a}");

        // The household page links its vote and its request.
        let b = app.browser_login("owner").await;
        let (s, page) = b.get(&format!("/households/{}", w.home)).await;
        assert_eq!(s, 200);
        assert!(page.contains("这户的表决") && page.contains(&format!("href=\"/proposals/{id}\"")), "{page}");
        assert!(page.contains("这户报的事") && page.contains(&format!("href=\"/requests/{rq}\"")), "{page}");
        let (s, links) = app.api(&w.owner, Method::GET, &format!("/households/{}/links", w.home), None).await;
        assert_eq!(s, 200, "{links}");
        assert!(ids(&links["votes"], "proposal_id").contains(&id), "{links}");
        assert_eq!(ids(&links["requests"], "id"), vec![rq], "{links}");
    }

    async fn a_scorer_sees_the_units_left_this_month_and_seating_one_is_confirmed(app) {
        let committee = app.token("committee").await;
        let compound = app.persona_place("committee");
        rating_kit::adopt_preset(&app, &committee, compound, "2024-04").await;
        // Seating a scorer through the page: the confirmation on the next page.
        let b = app.browser_login("committee").await;
        let (s, _, loc) = b.submit(&format!("/compounds/{compound}/rating"), &format!("/compounds/{compound}/rating/panel"), &[("login", "unithead"), ("party", "residents")]).await;
        assert_eq!((s, loc.as_deref()), (303, Some(format!("/compounds/{compound}/rating").as_str())));
        let (_, page) = b.get(&format!("/compounds/{compound}/rating")).await;
        assert!(page.contains("评分人已加入。"), "{page}");
        let m = rating_kit::open_month(&app, &committee, compound, "2024-05").await;
        let month = m["id"].as_i64().unwrap();
        let units = m["units"].as_array().unwrap().len() as u64;

        let unithead = app.token("unithead").await;
        let a = agenda(&app, &unithead).await;
        let item = &a["sheets"][0];
        assert_eq!(item["month_id"], month, "{a}");
        assert_eq!(item["month"], "2024-05");
        // Every unit but the scorer's own.
        assert_eq!(item["left"], units - 1, "{a}");
        let b = app.browser_login("unithead").await;
        let (_, home) = b.get("/").await;
        assert!(home.contains(&format!("href=\"/rating/months/{month}\"")) && home.contains(&format!("还有 {} 个单元", units - 1)), "{home}");
    }

    async fn the_unread_count_shows_beside_messages_until_read(app) {
        let owner = app.token("owner").await;
        let account = app.sql_i64("SELECT id FROM account WHERE username = 'owner'").await;
        let unread = app.sql_i64(&format!("SELECT COUNT(*) FROM notification WHERE account_id = {account} AND read_at IS NULL")).await;
        // Opening a vote tells the owners of the unit.
        open_vote(&app, "更换单元门禁").await;
        let now = app.sql_i64(&format!("SELECT COUNT(*) FROM notification WHERE account_id = {account} AND read_at IS NULL")).await;
        assert!(now > unread, "opening a vote notifies the owner ({unread} → {now})");
        let a = agenda(&app, &owner).await;
        assert_eq!(a["unread"], now);
        let b = app.browser_login("owner").await;
        let (_, home) = b.get("/").await;
        assert!(home.contains(&format!("<span class=\"badge\" id=\"unread-count\" aria-label=\"{now} 条未读\">{now}</span>")), "{home}");
        let (s, _, _) = b.submit("/notifications", "/notifications/read", &[]).await;
        assert_eq!(s, 303);
        let (_, home) = b.get("/").await;
        assert!(!home.contains("unread-count"), "read messages leave no count");
        assert_eq!(agenda(&app, &owner).await["unread"], 0);
    }

    async fn the_owner_sees_her_running_costs_and_her_compounds_notices(app) {
        // A household of an elevator in operation (甘泉苑) gets an owner through an invite.
        let street = app.token("street").await;
        let project = app.sql_i64("SELECT MIN(id) FROM elevator_project WHERE stage = 'operation'").await;
        let home = app.sql_i64(&format!("SELECT MAX(household_id) FROM elevator_share WHERE project_id = {project}")).await;
        let (s, invite) = app.api(&street, Method::POST, &format!("/households/{home}/invites"), Some(json!({"role": "owner"}))).await;
        assert_eq!(s, 201, "{invite}");
        let code = invite["code"].as_str().unwrap().to_string();
        let owner = Browser { client: client(), base: app.base.clone() };
        let fields = [("code", code.as_str()), ("display_name", "业主 周"), ("phone", "13912340001"), ("password", "secret-pass-1")];
        let (s, _, _) = owner.submit(&format!("/claim?code={code}"), "/claim", &fields).await;
        assert_eq!(s, 303);

        // The month's maintenance is entered: her part is on her home, one tap from the slip.
        let (s, op) = app.api(&street, Method::GET, &format!("/elevators/{project}/operation"), None).await;
        assert_eq!(s, 200, "{op}");
        let month = op["current_month"].as_str().unwrap().to_string();
        let (s, cost) = app.api(&street, Method::POST, &format!("/elevators/{project}/operation/costs"), Some(json!({"month": month, "kind": "maintenance", "amount": "300.00", "replace": true}))).await;
        assert_eq!(s, 201, "{cost}");
        let part = app.sql_i64(&format!("SELECT CAST(SUM(amount) AS BIGINT) FROM elevator_operation_share WHERE household_id = {home} AND project_id = {project} AND month = '{month}'")).await;
        assert!(part > 0, "{cost}");
        let (s, a) = owner.api(Method::GET, "/me/agenda", None, None).await;
        assert_eq!(s, 200, "{a}");
        let running = a["running"].as_array().unwrap();
        assert_eq!(running.len(), 1, "the latest month only: {a}");
        assert_eq!((running[0]["project_id"].as_i64(), running[0]["household_id"].as_i64()), (Some(project), Some(home)));
        assert_eq!(running[0]["month"], month.as_str());
        assert_eq!(running[0]["amount"], part);
        let slip = format!("/elevators/{project}/operation/{month}/households/{home}");
        let (_, page) = owner.get("/").await;
        assert!(page.contains("您家应缴的钱") && page.contains(&format!("href=\"{slip}\"")), "{page}");
        assert!(page.contains(&format!("电梯运行费用 {month}：本户应缴 {} 元", linli_domain::Fen(part))), "{page}");
        let (s, slip_page) = owner.get(&slip).await;
        assert_eq!(s, 200, "{slip_page}");

        // A vote of her compound closes: its result is among the notices on her home.
        let compound = app.sql_i64(&format!("SELECT compound_id FROM household WHERE id = {home}")).await;
        let (s, p) = app.api(&street, Method::POST, &format!("/compounds/{compound}/proposals"), Some(json!({"scope": "compound", "scope_id": compound, "title": "更换小区大门", "matter": "advisory"}))).await;
        assert_eq!(s, 201, "{p}");
        let id = p["id"].as_i64().unwrap();
        for (path, body) in [("stage", json!({"action": "submit"})), ("voting", json!({"deadline": "2099-12-31"})), ("close", json!({"confirm": true}))] {
            let (s, r) = app.api(&street, Method::POST, &format!("/proposals/{id}/{path}"), Some(body)).await;
            assert_eq!(s, 200, "{path}: {r}");
        }
        let (_, a) = owner.api(Method::GET, "/me/agenda", None, None).await;
        assert_eq!(a["notices"][0]["kind"], "vote_result", "{a}");
        assert_eq!(a["notices"][0]["id"], id, "{a}");
        let (_, page) = owner.get("/").await;
        assert!(page.contains("小区公告") && page.contains(&format!("href=\"/proposals/{id}/notice\"")) && page.contains("更换小区大门"), "{page}");
        let (s, _) = owner.get(&format!("/proposals/{id}/notice")).await;
        assert_eq!(s, 200, "the notice opens for her");
    }
}
