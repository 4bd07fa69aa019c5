//! Two linli servers over one database, taking concurrent writes: edits of different
//! households all succeed with one version step and one audit record each, the audit chain
//! stays one unbroken line (the chain head is locked across processes), and concurrent edits
//! of the same household from the same version leave exactly one winner.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use reqwest::Method;
use serde_json::{Value, json};
use std::collections::HashMap;
use tokio::task::JoinSet;

/// One API call from a task of its own: (request number, status, body).
fn call(
    set: &mut JoinSet<(usize, u16, Value)>,
    n: usize,
    base: &str,
    token: &str,
    method: Method,
    path: String,
    body: Value,
) {
    let client = reqwest::Client::new();
    let url = format!("{base}/api/v1{path}");
    let token = token.to_string();
    set.spawn(async move {
        let res = client
            .request(method, url)
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        (n, status, res.json().await.unwrap_or(Value::Null))
    });
}

both_backends! {
    async fn two_instances_take_concurrent_edits_of_different_households(app) {
        let second = app.second_instance().await;
        let bases = [app.base.clone(), second.base.clone()];
        let token = app.token("committee").await;
        let versions: HashMap<i64, i64> = app.sql_pairs("SELECT id, version FROM household WHERE id <= 50").await.into_iter().collect();
        assert_eq!(versions.len(), 50);
        // Two new units to register households in, one made through each server.
        let mut units = Vec::new();
        for (i, base) in bases.iter().enumerate() {
            let (s, u) = app.api_raw(Some(&token), Method::POST, "/buildings/2/units", Some(("application/json", serde_json::to_vec(&json!({"name": format!("新{i}单元")})).unwrap())), &[]).await;
            assert_eq!(s, 201, "{base}: {u}");
            units.push(u["id"].as_i64().unwrap());
        }
        let audit0 = app.audit_count().await;

        // 50 edits and 10 new households at once, alternating between the two servers.
        let mut set = JoinSet::new();
        for h in 1..=50i64 {
            let body = json!({"version": versions[&h], "area": format!("{}.{:02}", 40 + h, h)});
            call(&mut set, h as usize, &bases[h as usize % 2], &token, Method::PATCH, format!("/households/{h}"), body);
        }
        for i in 0..10usize {
            let body = json!({"floor": 1 + i / 2, "room": format!("{}0{}", 1 + i / 2, 1 + i % 2), "area": "60"});
            call(&mut set, 100 + i, &bases[i % 2], &token, Method::POST, format!("/units/{}/households", units[i % 2]), body);
        }
        let mut failed = Vec::new();
        while let Some(r) = set.join_next().await {
            let (n, s, body) = r.unwrap();
            let want = if n < 100 { 200 } else { 201 };
            if s != want {
                failed.push(format!("request {n}: {s} {body}"));
            }
        }
        assert!(failed.is_empty(), "{failed:#?}");

        // Each household moved exactly one version on, with its own new area.
        let after: HashMap<i64, i64> = app.sql_pairs("SELECT id, version FROM household WHERE id <= 50").await.into_iter().collect();
        for h in 1..=50i64 {
            assert_eq!(after[&h], versions[&h] + 1, "household {h}");
        }
        let areas: HashMap<i64, i64> = app.sql_pairs("SELECT id, area_centi FROM household WHERE id <= 50").await.into_iter().collect();
        for h in 1..=50i64 {
            assert_eq!(areas[&h], (40 + h) * 100 + h, "household {h}");
        }
        for u in &units {
            assert_eq!(app.sql_i64(&format!("SELECT COUNT(*) FROM household WHERE unit_id = {u}")).await, 5);
        }
        // One record per write, in one unbroken chain, whichever server wrote it.
        assert_eq!(app.audit_count().await, audit0 + 60);
        let (records, last) = (app.sql_i64("SELECT COUNT(*) FROM audit WHERE chain = 1").await, app.sql_i64("SELECT MAX(seq) FROM audit WHERE chain = 1").await);
        assert_eq!(records, last, "sequence numbers 1..n without gaps or doubles");
        assert_eq!(app.sql_i64("SELECT seq FROM audit_head WHERE chain = 1").await, last);
        let report = app.store.verify_audit().await.unwrap();
        assert!(report.broken.is_none(), "{report:?}");
        let report = second.store.verify_audit().await.unwrap();
        assert!(report.broken.is_none(), "{report:?}");
    }

    async fn concurrent_edits_from_the_same_version_leave_one_winner(app) {
        let second = app.second_instance().await;
        let bases = [app.base.clone(), second.base.clone()];
        let tokens = [app.token("committee").await, app.token("worker").await];
        let version = app.sql_i64("SELECT version FROM household WHERE id = 1").await;
        let audit0 = app.audit_count().await;

        let mut set = JoinSet::new();
        for i in 0..20usize {
            let body = json!({"version": version, "area": format!("{}.00", 30 + i)});
            call(&mut set, i, &bases[i % 2], &tokens[(i / 2) % 2], Method::PATCH, "/households/1".into(), body);
        }
        let mut winners = Vec::new();
        let mut others = Vec::new();
        while let Some(r) = set.join_next().await {
            let (n, s, body) = r.unwrap();
            match s {
                200 => winners.push(n),
                409 => {
                    assert_eq!(body["code"], "stale_version", "{body}");
                    assert_eq!(body["field"], "version");
                    others.push(n);
                }
                _ => panic!("request {n}: {s} {body}"),
            }
        }
        assert_eq!(winners.len(), 1, "winners {winners:?}");
        assert_eq!(others.len(), 19);
        assert_eq!(app.sql_i64("SELECT version FROM household WHERE id = 1").await, version + 1);
        assert_eq!(app.sql_i64("SELECT area_centi FROM household WHERE id = 1").await, (30 + winners[0] as i64) * 100);
        assert_eq!(app.audit_count().await, audit0 + 1, "only the winner was recorded");
        assert!(app.store.verify_audit().await.unwrap().broken.is_none());
    }
}
