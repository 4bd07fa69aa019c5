//! Running costs of elevators in operation and the elevator dashboard, on SQLite and
//! PostgreSQL, over 甘泉苑's demo projects (28 in operation, 5 under construction, 1 collecting)
//! run by its subdistrict officer: a month's maintenance shared equally and electricity by the
//! coefficients, exact to the fen; the unit's statement and a household's slip; bad input
//! refused with the field named and nothing written; corrections only when confirmed; the
//! dashboard's figures against the seeded rows; the pages with their forms and charts.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{TestApp, assert_api_error};
use linli_domain::Fen;
use linli_domain::elevator::{CoefficientTable, HouseholdFloor, apportion};
use reqwest::Method;
use serde_json::{Value, json};

/// A project of 甘泉苑 in operation whose split is still equal (the demo makes every fourth
/// one share by coefficients).
async fn equal_project(app: &TestApp) -> i64 {
    app.sql_i64("SELECT MIN(id) FROM elevator_project WHERE stage = 'operation' AND id NOT IN (SELECT project_id FROM elevator_operation_split)").await
}

/// (household id, floor) of the project's fixed share table.
async fn households(app: &TestApp, project: i64) -> Vec<(i64, i64)> {
    app.sql_pairs(&format!("SELECT household_id, floor FROM elevator_share WHERE project_id = {project} ORDER BY floor, household_id")).await
}

async fn enter(app: &TestApp, token: &str, project: i64, body: Value) -> (u16, Value) {
    app.api(
        token,
        Method::POST,
        &format!("/elevators/{project}/operation/costs"),
        Some(body),
    )
    .await
}

/// The parts of a cost as (household id, fen).
fn parts(cost: &Value) -> Vec<(i64, i64)> {
    cost["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["household_id"].as_i64().unwrap(),
                l["share"].as_i64().unwrap(),
            )
        })
        .collect()
}

/// This month in China, as the server sees it.
async fn this_month(app: &TestApp, token: &str, project: i64) -> String {
    let (s, op) = app
        .api(
            token,
            Method::GET,
            &format!("/elevators/{project}/operation"),
            None,
        )
        .await;
    assert_eq!(s, 200, "{op}");
    op["current_month"].as_str().unwrap().to_string()
}

both_backends! {
    async fn a_month_is_shared_equally_and_by_coefficients_to_the_fen(app) {
        let street = app.token("street").await;
        let id = equal_project(&app).await;
        let hh = households(&app, id).await;
        let n = hh.len() as i64;
        assert!(n > 10, "a unit of 甘泉苑 has its households: {n}");
        let month = this_month(&app, &street, id).await;
        let audit = app.audit_count().await;

        // 416.67 yuan of maintenance, equally: everyone the fen below, the rest one each to
        // the top floors first (then the lower id).
        let (s, cost) = enter(&app, &street, id, json!({"month": month, "kind": "maintenance", "amount": "416.67"})).await;
        assert_eq!(s, 201, "{cost}");
        assert_eq!(cost["cost"]["split"], "equal");
        assert_eq!(cost["sum"], 41_667);
        let mut by_top: Vec<(i64, i64)> = hh.clone();
        by_top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let extra: Vec<i64> = by_top.iter().take((41_667 % n) as usize).map(|h| h.0).collect();
        for (h, share) in parts(&cost) {
            assert_eq!(share, 41_667 / n + i64::from(extra.contains(&h)), "household {h}");
        }
        assert_eq!(parts(&cost).iter().map(|p| p.1).sum::<i64>(), 41_667);

        // The unit decides to share by the coefficients; 234.57 yuan of electricity follows them.
        let (s, op) = app.api(&street, Method::PUT, &format!("/elevators/{id}/operation/split"), Some(json!({"split": "coefficients", "note": "单元议事会 2026-11"}))).await;
        assert_eq!(s, 200, "{op}");
        assert_eq!(op["split"], "coefficients");
        let (s, cost) = enter(&app, &street, id, json!({"month": month, "kind": "electricity", "amount": "234.57"})).await;
        assert_eq!(s, 201, "{cost}");
        assert_eq!(cost["cost"]["split"], "coefficients");
        let (_, project) = app.api(&street, Method::GET, &format!("/elevators/{id}"), None).await;
        let table = CoefficientTable::new(project["coefficients"].as_array().unwrap().iter().map(|c| (c["floor"].as_i64().unwrap() as i32, c["bp"].as_i64().unwrap()))).unwrap();
        let floors: Vec<HouseholdFloor> = hh.iter().map(|(h, f)| HouseholdFloor { household_id: *h, floor: *f as i32 }).collect();
        let expected: Vec<(i64, i64)> = apportion(Fen(23_457), &table, &floors).unwrap().iter().map(|l| (l.household_id, l.share.0)).collect();
        assert_eq!(parts(&cost), expected);
        assert_eq!(cost["sum"], 23_457);
        // The first and second floors carry no coefficient, so they pay no electricity.
        assert!(parts(&cost).iter().zip(&hh).all(|((_, share), (_, floor))| *floor > 2 || *share == 0));

        // The unit's statement: households × kinds, each column adding up to its cost.
        let (s, st) = app.api(&street, Method::GET, &format!("/elevators/{id}/operation/{month}"), None).await;
        assert_eq!(s, 200, "{st}");
        let kinds: Vec<&str> = st["columns"].as_array().unwrap().iter().map(|c| c["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, vec!["maintenance", "electricity"]);
        assert_eq!(st["sums"], json!([41_667, 23_457]));
        assert_eq!(st["total"], 65_124);
        assert_eq!(st["rows"].as_array().unwrap().len() as i64, n);
        let row_total: i64 = st["rows"].as_array().unwrap().iter().map(|r| r["total"].as_i64().unwrap()).sum();
        assert_eq!(row_total, 65_124);
        // A household's slip: its two parts and their total, as on the statement.
        let top = by_top[0].0;
        let (s, slip) = app.api(&street, Method::GET, &format!("/elevators/{id}/operation/{month}/households/{top}"), None).await;
        assert_eq!(s, 200, "{slip}");
        let row = st["rows"].as_array().unwrap().iter().find(|r| r["household_id"] == top).unwrap();
        assert_eq!(slip["total"], row["total"]);
        assert_eq!(slip["lines"][0]["part"], row["parts"][0]);
        assert_eq!(slip["lines"][1]["part"], row["parts"][1]);
        assert_eq!(slip["households"].as_i64().unwrap(), n);
        // What is stored is what was shown; the project page lists the month.
        assert_eq!(app.sql_i64(&format!("SELECT CAST(SUM(amount) AS BIGINT) FROM elevator_operation_share WHERE project_id = {id} AND month = '{month}'")).await, 65_124);
        let (_, op) = app.api(&street, Method::GET, &format!("/elevators/{id}/operation"), None).await;
        assert_eq!(op["months"][0]["month"], month.as_str());
        assert_eq!(op["months"][0]["total"], 65_124);
        assert_eq!(app.audit_count().await, audit + 3, "two costs and the split, each audited");
    }

    async fn by_the_coefficients_on_an_equal_per_flat_plan_is_equal_per_flat(app) {
        let street = app.token("street").await;
        let id = equal_project(&app).await;
        // A project whose plan shares the construction cost equally per flat (the demo plans
        // are all by floor; a fixed plan cannot be edited, so the row is set here).
        app.sql_exec(&format!("UPDATE elevator_project SET share_mode = 'equal_per_flat' WHERE id = {id}")).await;
        let hh = households(&app, id).await;
        let n = hh.len() as i64;
        let month = this_month(&app, &street, id).await;
        let (s, op) = app.api(&street, Method::PUT, &format!("/elevators/{id}/operation/split"), Some(json!({"split": "coefficients", "note": "与加装费用分摊方式相同"}))).await;
        assert_eq!(s, 200, "{op}");
        let (s, cost) = enter(&app, &street, id, json!({"month": month, "kind": "electricity", "amount": "234.57"})).await;
        assert_eq!(s, 201, "{cost}");
        assert_eq!(cost["cost"]["split"], "coefficients");
        // Every flat the fen below 23,457 / n, the rest one each to the top floors first (then
        // the lower id) — the first and second floors pay too: no floor table is used.
        let mut by_top: Vec<(i64, i64)> = hh.clone();
        by_top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let extra: Vec<i64> = by_top.iter().take((23_457 % n) as usize).map(|h| h.0).collect();
        for (h, share) in parts(&cost) {
            assert_eq!(share, 23_457 / n + i64::from(extra.contains(&h)), "household {h}");
        }
        assert_eq!(cost["sum"], 23_457);
        assert_eq!(app.sql_i64(&format!("SELECT CAST(SUM(amount) AS BIGINT) FROM elevator_operation_share WHERE project_id = {id} AND month = '{month}'")).await, 23_457);
    }

    async fn bad_running_costs_are_refused_and_corrections_need_confirming(app) {
        let street = app.token("street").await;
        let resident = app.token("resident").await;
        let id = equal_project(&app).await;
        let month = this_month(&app, &street, id).await;
        let since = app.sql_i64(&format!("SELECT MAX(at) FROM elevator_stage_log WHERE project_id = {id} AND to_stage = 'operation'")).await;
        let before_operation = linli_store::china_date(since - 40 * 86_400)[..7].to_string();
        let (y, m) = month.split_once('-').unwrap();
        let next = if m == "12" { format!("{}-01", y.parse::<i32>().unwrap() + 1) } else { format!("{y}-{:02}", m.parse::<u32>().unwrap() + 1) };
        let count_sql = format!("SELECT COUNT(*) FROM elevator_operation_cost WHERE project_id = {id}");
        let costs = || app.sql_i64(&count_sql);
        let (n_costs, audit) = (costs().await, app.audit_count().await);

        for (body, code, field) in [
            (json!({"month": month, "kind": "maintenance", "amount": "-416.67"}), "negative", "amount"),
            (json!({"month": month, "kind": "maintenance", "amount": "0"}), "not_positive", "amount"),
            (json!({"month": month, "kind": "maintenance", "amount": "41.6667"}), "too_many_decimals", "amount"),
            (json!({"month": "2026/11", "kind": "maintenance", "amount": "416.67"}), "bad_month", "month"),
            (json!({"month": before_operation, "kind": "maintenance", "amount": "416.67"}), "before_operation", "month"),
            (json!({"month": next, "kind": "maintenance", "amount": "416.67"}), "future_month", "month"),
            (json!({"month": month, "kind": "water", "amount": "416.67"}), "bad_choice", "cost_kind"),
        ] {
            let (s, err) = enter(&app, &street, id, body).await;
            assert_api_error(s, &err, 422, code, Some(field));
        }
        let (s, err) = app.api_en(&street, Method::POST, &format!("/elevators/{id}/operation/costs"), Some(json!({"month": before_operation, "kind": "maintenance", "amount": "1"}))).await;
        assert_eq!(s, 422);
        assert!(err["message"].as_str().unwrap().contains("went into operation"), "{err}");
        // Residents read, they do not enter; a project under construction takes no running costs.
        let (s, err) = enter(&app, &resident, id, json!({"month": month, "kind": "maintenance", "amount": "416.67"})).await;
        assert_api_error(s, &err, 403, "forbidden", None);
        let building = app.sql_i64("SELECT MIN(id) FROM elevator_project WHERE stage = 'construction'").await;
        let (s, err) = enter(&app, &street, building, json!({"month": month, "kind": "maintenance", "amount": "416.67"})).await;
        assert_api_error(s, &err, 422, "project_stage", Some("stage"));
        let (s, err) = app.api(&street, Method::PUT, &format!("/elevators/{id}/operation/split"), Some(json!({"split": "by_area"}))).await;
        assert_api_error(s, &err, 422, "bad_choice", Some("split"));
        assert_eq!((costs().await, app.audit_count().await), (n_costs, audit), "nothing written");

        // The same month and kind twice: refused, saying it exists; replaced only when asked.
        let (s, first) = enter(&app, &street, id, json!({"month": month, "kind": "maintenance", "amount": "416.67"})).await;
        assert_eq!(s, 201, "{first}");
        let (s, err) = enter(&app, &street, id, json!({"month": month, "kind": "maintenance", "amount": "500"})).await;
        assert_api_error(s, &err, 422, "cost_exists", Some("month"));
        let (s, fixed) = enter(&app, &street, id, json!({"month": month, "kind": "maintenance", "amount": "500", "replace": true})).await;
        assert_eq!(s, 201, "{fixed}");
        assert_eq!(fixed["replaced"], true);
        assert_eq!(fixed["sum"], 50_000);
        assert_eq!(fixed["cost"]["id"], first["cost"]["id"], "the same cost row, corrected");
        assert_eq!(app.sql_i64(&format!("SELECT CAST(SUM(amount) AS BIGINT) FROM elevator_operation_share WHERE cost_id = {}", first["cost"]["id"])).await, 50_000, "old parts replaced");
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM audit WHERE action = 'elevator.operation_cost_correct' AND before LIKE '%41667%'").await, 1, "the correction keeps the old amount");
        assert_eq!(costs().await, n_costs + 1);
        // An earlier month of the demo stays as it was.
        let (_, op) = app.api(&street, Method::GET, &format!("/elevators/{id}/operation"), None).await;
        assert_eq!(op["can_manage"], true);
        assert_eq!(op["months"].as_array().unwrap().len(), 7, "{op}");
        assert_eq!(op["months"][1]["costs"][0]["amount"], 41_666);
    }

    async fn the_dashboard_adds_up_to_the_seeded_projects(app) {
        let street = app.token("street").await;
        let community = app.sql_i64("SELECT community_id FROM compound WHERE name = '甘泉苑'").await;
        let compound = app.sql_i64("SELECT id FROM compound WHERE name = '甘泉苑'").await;
        let in_community = format!("compound_id IN (SELECT id FROM compound WHERE community_id = {community})");
        let (s, d) = app.api(&street, Method::GET, &format!("/communities/{community}/elevators/dashboard"), None).await;
        assert_eq!(s, 200, "{d}");
        assert_eq!(d["projects"].as_i64().unwrap(), app.sql_i64(&format!("SELECT COUNT(*) FROM elevator_project WHERE {in_community}")).await);
        assert_eq!(d["projects"], 34);
        let stages: Vec<(String, i64)> = d["stages"].as_array().unwrap().iter().map(|s| (s["stage"].as_str().unwrap().to_string(), s["projects"].as_i64().unwrap())).collect();
        for (stage, n) in &stages {
            assert_eq!(*n, app.sql_i64(&format!("SELECT COUNT(*) FROM elevator_project WHERE {in_community} AND stage = '{stage}'")).await, "{stage}");
        }
        assert_eq!(stages.iter().find(|s| s.0 == "operation").unwrap().1, 28);
        assert!(d["stages"][8]["link"].as_str().unwrap().ends_with("/elevators#stage-operation"));

        let projects = format!("project_id IN (SELECT id FROM elevator_project WHERE {in_community})");
        assert_eq!(d["money"]["subsidy"].as_i64().unwrap(), app.sql_i64(&format!("SELECT CAST(SUM(subsidy) AS BIGINT) FROM elevator_project WHERE {in_community}")).await);
        assert_eq!(d["money"]["total_cost"].as_i64().unwrap(), app.sql_i64(&format!("SELECT CAST(SUM(total_cost) AS BIGINT) FROM elevator_project WHERE {in_community}")).await);
        assert_eq!(d["money"]["paid"].as_i64().unwrap(), app.sql_i64(&format!("SELECT CAST(SUM(amount) AS BIGINT) FROM elevator_payment WHERE {projects}")).await);
        let owed = app
            .sql_i64(&format!(
                "SELECT CAST(COALESCE(SUM(s.amount - COALESCE(p.paid, 0)), 0) AS BIGINT) FROM elevator_share s LEFT JOIN (SELECT project_id, household_id, SUM(amount) AS paid FROM elevator_payment GROUP BY project_id, household_id) p ON p.project_id = s.project_id AND p.household_id = s.household_id WHERE s.{projects} AND s.amount > COALESCE(p.paid, 0)"
            ))
            .await;
        assert!(owed > 0, "the collecting project still has households owing");
        assert_eq!(d["money"]["outstanding"].as_i64().unwrap(), owed);
        // Subsidy, payments and what is owed make up the cost of projects with fixed tables.
        assert_eq!(d["money"]["subsidy"].as_i64().unwrap() + d["money"]["paid"].as_i64().unwrap() + owed, d["money"]["total_cost"].as_i64().unwrap());
        let owing = d["owing"].as_array().unwrap();
        assert_eq!(owing.len(), 1, "{d}");
        assert_eq!(owing[0]["project_id"].as_i64().unwrap(), app.sql_i64(&format!("SELECT id FROM elevator_project WHERE {in_community} AND stage = 'funding'")).await);
        assert_eq!(owing[0]["outstanding"].as_i64().unwrap(), owed);
        assert_eq!(d["by_compound"][0]["compound_id"].as_i64().unwrap(), compound);
        assert_eq!(d["by_compound"][0]["money"]["outstanding"].as_i64().unwrap(), owed);

        // Running costs: twelve months up to this one; the demo entered the six before it.
        let running = d["running_costs"].as_array().unwrap();
        assert_eq!(running.len(), 12);
        assert_eq!(running[11]["amount"], 0, "nothing entered this month yet");
        for m in running {
            let month = m["month"].as_str().unwrap();
            let want = app.sql_i64(&format!("SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM elevator_operation_cost WHERE {in_community} AND month = '{month}'")).await;
            assert_eq!(m["amount"].as_i64().unwrap(), want, "{month}");
        }
        assert_eq!(running.iter().filter(|m| m["projects"] == 28).count(), 6);
        assert_eq!(d["running_costs_total"].as_i64().unwrap(), app.sql_i64(&format!("SELECT CAST(SUM(amount) AS BIGINT) FROM elevator_operation_cost WHERE {in_community}")).await);

        // The compound's own dashboard says the same; a resident elsewhere may not see the community's.
        let (s, c) = app.api(&street, Method::GET, &format!("/compounds/{compound}/elevators/dashboard"), None).await;
        assert_eq!(s, 200, "{c}");
        assert_eq!(c["money"], d["by_compound"][0]["money"]);
        let resident = app.token("resident").await;
        let (s, err) = app.api(&resident, Method::GET, &format!("/communities/{community}/elevators/dashboard"), None).await;
        assert_api_error(s, &err, 403, "forbidden", None);

        // Every bill of the compound at once: the same lines as each project's own bills.
        let (s, all) = app.api(&street, Method::GET, &format!("/compounds/{compound}/elevators/bills"), None).await;
        assert_eq!(s, 200, "{all}");
        let all = all.as_array().unwrap();
        assert_eq!(all.len() as i64, app.sql_i64(&format!("SELECT COUNT(*) FROM elevator_share WHERE {projects}")).await);
        let first = all[0]["project_id"].as_i64().unwrap();
        let (_, own) = app.api(&street, Method::GET, &format!("/elevators/{first}/bills"), None).await;
        let mine: Vec<&Value> = all.iter().filter(|b| b["project_id"] == first).collect();
        assert_eq!(mine.len(), own.as_array().unwrap().len());
        assert!(mine.iter().zip(own.as_array().unwrap()).all(|(a, b)| **a == *b), "the compound's bills are the projects' bills");
        let (_, reminders) = app.api(&street, Method::GET, &format!("/compounds/{compound}/elevators/bills?owing=true"), None).await;
        assert_eq!(reminders.as_array().unwrap().len() as i64, d["money"]["households_owing"].as_i64().unwrap());

        // The page: charts with their tables, numbers linking to the lists behind them.
        let b = app.browser_login("street").await;
        let (s, html) = b.get(&format!("/communities/{community}/elevators/dashboard")).await;
        assert_eq!(s, 200, "{html}");
        assert_eq!(html.matches("<svg").count(), 4, "stages, money, compounds, running costs");
        assert!(html.contains(r#"class="chart-data""#));
        assert!(html.contains(&format!(r#"href="/regions/{community}/elevators#stage-operation""#)), "a stage links to the board");
        assert!(html.contains(&format!(r#"href="/elevators/{}/bills?owing=1""#, owing[0]["project_id"])), "households owing link to the reminders");
        let (_, board) = b.get(&format!("/regions/{community}/elevators")).await;
        assert!(board.contains(&format!(r#"href="/communities/{community}/elevators/dashboard""#)), "the board links the dashboard");
    }

    async fn the_pages_enter_a_month_confirm_a_correction_and_print(app) {
        let id = equal_project(&app).await;
        let street = app.token("street").await;
        let month = this_month(&app, &street, id).await;
        let b = app.browser_login("street").await;
        let (s, page) = b.get(&format!("/elevators/{id}")).await;
        assert_eq!(s, 200);
        assert!(page.contains(r#"id="operation""#) && page.contains(r#"<table class="list cards" id="operation-months">"#), "the project page lists the months, as cards on phones");
        assert!(page.contains(r#"<td class="num" data-label="合计">"#), "each value with its header on a phone: {page}");
        let form = format!("/elevators/{id}/operation");
        let action = format!("/elevators/{id}/operation/costs");
        let fields = [("month", month.as_str()), ("kind", "electricity"), ("amount", "188.88"), ("note", "")];
        let (s, _, location) = b.submit(&form, &action, &fields).await;
        assert_eq!(s, 303);
        assert_eq!(location.as_deref(), Some(format!("/elevators/{id}/operation/{month}").as_str()));
        let (s, statement) = b.get(&format!("/elevators/{id}/operation/{month}")).await;
        assert_eq!(s, 200);
        assert!(statement.contains(r#"<th class="num" id="total">188.88</th>"#), "{statement}");
        // Entering it again asks first; the confirmation replaces it.
        let (s, again, _) = b.submit(&form, &action, &[("month", month.as_str()), ("kind", "electricity"), ("amount", "199.99"), ("note", "")]).await;
        assert_eq!(s, 422);
        assert!(again.contains(r#"id="confirm-replace""#) && again.contains(r#"name="replace" value="1""#), "{again}");
        assert!(again.contains("188.88"), "shows what was entered");
        let (s, _, _) = b.submit(&form, &action, &[("month", month.as_str()), ("kind", "electricity"), ("amount", "199.99"), ("note", ""), ("replace", "1")]).await;
        assert_eq!(s, 303);
        let (_, statement) = b.get(&format!("/elevators/{id}/operation/{month}")).await;
        assert!(statement.contains(r#"id="total">199.99<"#));
        // A bad amount comes back with the field marked and the form as typed.
        let (s, bad, _) = b.submit(&form, &action, &[("month", month.as_str()), ("kind", "other"), ("amount", "-3"), ("note", "x")]).await;
        assert_eq!(s, 422);
        assert!(bad.contains(r#"value="-3" inputmode="decimal" aria-invalid="true""#), "{bad}");
        // The slips and the download.
        let (s, slips) = b.get(&format!("/elevators/{id}/operation/{month}/slips")).await;
        assert_eq!(s, 200);
        assert_eq!(slips.matches(r#"class="printable consent-form ev-bill""#).count(), households(&app, id).await.len());
        let res = b.client.get(app.url(&format!("/elevators/{id}/operation/{month}?format=xlsx"))).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 200);
        assert!(res.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"));
        assert_eq!(&res.bytes().await.unwrap()[..2], b"PK");
        let (s, csv) = b.get(&format!("/elevators/{id}/operation/{month}?format=csv")).await;
        assert_eq!(s, 200);
        assert!(csv.lines().last().unwrap().ends_with(",199.99"), "{csv}");
    }
}
