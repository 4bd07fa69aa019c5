//! Whole flows of the registry against a spawned server, on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use reqwest::Method;
use serde_json::json;

both_backends! {
    async fn committee_edits_a_household_and_the_audit_shows_it(app) {
        let token = app.token("committee").await;
        let (s, h) = app.api(&token, Method::GET, "/households/1", None).await;
        assert_eq!(s, 200, "{h}");
        let version = h["household"]["version"].as_i64().unwrap();
        let (s, body) = app.api(&token, Method::PATCH, "/households/1", Some(json!({"version": version, "area": "88.88"}))).await;
        assert_eq!(s, 200, "{body}");
        assert_eq!(body["area"], "88.88");
        assert_eq!(body["area_centi"], 8888);
        let (s, hist) = app.api(&token, Method::GET, "/households/1/history", None).await;
        assert_eq!(s, 200);
        assert_eq!(hist["items"][0]["action"], "household.update");
        assert_eq!(hist["items"][0]["after"]["area_centi"], 8888);
        let report = app.store.verify_audit().await.unwrap();
        assert!(report.broken.is_none(), "{report:?}");
    }
}
