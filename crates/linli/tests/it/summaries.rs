//! The dashboards' summaries on SQLite and PostgreSQL: after a run of writes through the API
//! (an assessment that changes a compound's status, a star rating, a plan with items, one
//! done, an elevator project planned, its shares fixed and a payment taken and voided), the
//! summary rows kept by those writes (per compound, per region, per project, and the regions'
//! progress by period, marks by standard and grid of statuses) equal the rows
//! rebuilt from scratch, and so do the region and elevator dashboards read from them; `linli rebuild-summaries` rebuilds them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::TestApp;
use reqwest::Method;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

/// Every row of a summary table, each value as text, in key order.
async fn rows(app: &TestApp, table: &str, key: &str) -> Rows {
    let conn = app.sql().await;
    let stmt = sea_orm::Statement::from_string(
        conn.get_database_backend(),
        format!("SELECT * FROM {table} ORDER BY {key}"),
    );
    let mut out = Vec::new();
    for row in conn.query_all_raw(stmt).await.unwrap() {
        let mut values = Vec::new();
        for i in 0.. {
            if let Ok(v) = row.try_get_by_index::<i64>(i) {
                values.push(v.to_string());
            } else if let Ok(v) = row.try_get_by_index::<String>(i) {
                values.push(v);
            } else {
                break;
            }
        }
        out.push(values);
    }
    out
}

type Rows = Vec<Vec<String>>;

async fn snapshot(app: &TestApp) -> (Rows, Rows, Rows, Rows, Rows, Rows) {
    (
        rows(app, "compound_summary", "compound_id").await,
        rows(app, "elevator_project_summary", "project_id").await,
        rows(
            app,
            "region_summary",
            "region_id, child_id, management_mode, status, stars, vetoed",
        )
        .await,
        rows(app, "region_progress", "region_id, period").await,
        rows(app, "region_marks", "region_id, standards, position").await,
        rows(app, "region_grid", "region_id").await,
    )
}

/// 35 standards all `mark`.
fn marks(mark: &str) -> Value {
    let codes = [
        ("A", 5),
        ("B", 5),
        ("C", 5),
        ("D", 4),
        ("E", 5),
        ("F", 4),
        ("G", 4),
        ("H", 3),
    ];
    Value::Array(
        codes
            .iter()
            .flat_map(|(a, n)| (1..=*n).map(move |i| format!("{a}{i}")))
            .map(|c| json!({"code": c, "mark": mark}))
            .collect(),
    )
}

both_backends! {
    async fn the_summaries_kept_by_writes_equal_the_summaries_rebuilt(app) {
        let worker = app.token("worker").await;
        let committee = app.token("committee").await;
        let c = app.persona_place("committee");
        let community = app.persona_place("worker");
        let (compounds, projects, regions, progress, latest_marks, grids) = snapshot(&app).await;
        assert!(compounds.len() > 1, "the loaded world is summarised");
        assert!(!projects.is_empty(), "甘泉苑's projects are summarised");

        // A new compound: a square more in its regions' grids.
        let (s, made) = app.api(&worker, Method::POST, &format!("/regions/{community}/compounds"), Some(json!({"name": "汇总新小区", "management_mode": "self_managed", "three_no": true}))).await;
        assert_eq!(s, 201, "{made}");
        // Standards: a status change, a star rating, a plan with items, one done.
        let (s, a) = app.api(&worker, Method::POST, &format!("/compounds/{c}/assessments"), Some(json!({"period": "2024-Q3", "marks": marks("met")}))).await;
        assert_eq!(s, 201, "{a}");
        let n = app.sql_i64(&format!("SELECT COUNT(*) FROM household WHERE compound_id = {c}")).await;
        let answers = 50.max((n + 9) / 10).min(n);
        let (s, r) = app.api(&worker, Method::POST, &format!("/compounds/{c}/star-ratings"), Some(json!({"period": "2024-Q3", "responses": answers.to_string(), "satisfied": answers.to_string(), "management": "100", "overall": "100"}))).await;
        assert_eq!(s, 201, "{r}");
        let (s, p) = app.api(&worker, Method::PUT, &format!("/compounds/{c}/plan"), Some(json!({"problems": "管网老化", "responsible": "社区书记", "budget": {"government_reward": "120000", "residents": "30000.50"}}))).await;
        assert_eq!(s, 200, "{p}");
        for (kind, q) in [("pipes", "1250"), ("lighting", "18")] {
            let (s, p) = app.api(&worker, Method::POST, &format!("/compounds/{c}/plan/items"), Some(json!({"kind": kind, "quantity": q}))).await;
            assert_eq!(s, 201, "{p}");
        }
        let (_, p) = app.api(&worker, Method::GET, &format!("/compounds/{c}/plan"), None).await;
        let pipes = p["items"].as_array().unwrap().iter().find(|i| i["kind"] == "pipes").unwrap()["id"].as_i64().unwrap();
        let (s, p) = app.api(&worker, Method::POST, &format!("/plan-items/{pipes}/done"), Some(json!({"done": true}))).await;
        assert_eq!(s, 200, "{p}");

        // Elevators: a new project, planned, its shares fixed, a payment taken and voided.
        let unit = app.sql_i64(&format!("SELECT unit_id FROM household WHERE compound_id = {c} AND unit_id NOT IN (SELECT unit_id FROM elevator_project) GROUP BY unit_id HAVING MIN(floor) = 1 AND MAX(floor) = 6 AND COUNT(DISTINCT floor) = 6 ORDER BY unit_id LIMIT 1")).await;
        let (s, p) = app.api(&committee, Method::POST, &format!("/compounds/{c}/elevators"), Some(json!({"unit_id": unit}))).await;
        assert_eq!(s, 201, "{p}");
        let id = p["id"].as_i64().unwrap();
        let coefficients: Vec<Value> = p["coefficients"].as_array().unwrap().clone();
        let (s, p) = app.api(&committee, Method::PUT, &format!("/elevators/{id}/plan"), Some(json!({"version": p["version"], "responsible": "自管小组 老周", "installer": "某电梯安装公司", "total_cost": "400000", "subsidy_preset": "shanghai", "coefficients": coefficients}))).await;
        assert_eq!(s, 200, "{p}");
        let (s, t) = app.api(&committee, Method::POST, &format!("/elevators/{id}/shares/fix"), Some(json!({"version": p["version"]}))).await;
        assert_eq!(s, 200, "{t}");
        let line = t["lines"].as_array().unwrap().iter().find(|l| l["share"].as_i64().unwrap() > 0).unwrap().clone();
        for receipt in ["S-1", "S-2"] {
            let (s, paid) = app.api(&committee, Method::POST, &format!("/elevators/{id}/payments"), Some(json!({"household_id": line["household_id"], "amount": "0.01", "method": "cash", "receipt_no": receipt, "paid_on": "2024-05-01"}))).await;
            assert_eq!(s, 201, "{paid}");
        }
        let last = app.sql_i64(&format!("SELECT MAX(id) FROM elevator_payment WHERE project_id = {id}")).await;
        let (s, v) = app.api(&committee, Method::POST, &format!("/elevators/{id}/payments/{last}/void"), Some(json!({"reason": "录错了"}))).await;
        assert_eq!(s, 201, "{v}");

        // The writes moved the figures…
        let kept = snapshot(&app).await;
        assert_ne!(kept.0, compounds);
        assert_ne!(kept.1, projects);
        assert_ne!(kept.2, regions);
        assert_ne!(kept.3, progress, "a new period assessed");
        assert_ne!(kept.4, latest_marks, "a new latest assessment");
        assert_ne!(kept.5, grids, "a new compound");
        let summary = app.sql_i64(&format!("SELECT status * 1000 + plan * 100 + plan_done * 10 + CASE WHEN stars >= 0 THEN 1 ELSE 0 END FROM compound_summary WHERE compound_id = {c}")).await;
        assert_eq!(summary, 2101, "six-have, a plan not yet done, rated");
        assert_eq!(app.sql_i64(&format!("SELECT paid FROM elevator_project_summary WHERE project_id = {id}")).await, 1);
        let dashboard = app.api(&worker, Method::GET, &format!("/regions/{community}/dashboard"), None).await;
        let elevators = app.api(&worker, Method::GET, &format!("/communities/{community}/elevators/dashboard"), None).await;
        assert_eq!(dashboard.0, 200, "{}", dashboard.1);
        assert_eq!(elevators.0, 200, "{}", elevators.1);

        // …exactly as a recomputation from scratch has them.
        let n = app.store.rebuild_summaries().await.unwrap();
        assert_eq!(n as usize, kept.0.len());
        assert_eq!(snapshot(&app).await, kept);
        assert_eq!(app.api(&worker, Method::GET, &format!("/regions/{community}/dashboard"), None).await, dashboard);
        assert_eq!(app.api(&worker, Method::GET, &format!("/communities/{community}/elevators/dashboard"), None).await, elevators);

        // Rows changed behind linli's back are put right by the command.
        app.sql_exec("UPDATE compound_summary SET status = 0, reward = 0").await;
        app.sql_exec("DELETE FROM elevator_project_summary").await;
        app.sql_exec("DELETE FROM region_marks").await;
        app.sql_exec("DELETE FROM region_grid").await;
        app.sql_exec("UPDATE region_progress SET assessed = 0").await;
        let (code, out, err) = app.cli(&["rebuild-summaries"]);
        assert_eq!(code, 0, "{out}{err}");
        assert!(out.contains("summaries rebuilt"), "{out}");
        assert_eq!(snapshot(&app).await, kept);
    }
}
