//! The schema migrations go down and up again on both backends, and the demo loads into the
//! rebuilt schema.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::TestApp;
use linli_store::Store;
use reqwest::Method;
use sea_orm::ConnectionTrait;

const TABLES: [&str; 17] = [
    "region",
    "compound",
    "sub_compound",
    "building",
    "unit",
    "person",
    "household",
    "ownership",
    "residency",
    "account",
    "role_grant",
    "session",
    "api_token",
    "login_attempt",
    "invite",
    "audit",
    "audit_head",
];

/// Which of the application's tables can be read.
async fn tables_present(app: &TestApp) -> Vec<&'static str> {
    let conn = app.sql().await;
    let mut present = Vec::new();
    for t in TABLES {
        if conn
            .execute_unprepared(&format!("SELECT COUNT(*) FROM {t}"))
            .await
            .is_ok()
        {
            present.push(t);
        }
    }
    conn.close().await.unwrap();
    present
}

both_backends! {
    async fn migrations_go_down_and_up_and_the_demo_loads_again(app) {
        assert_eq!(tables_present(&app).await, TABLES);
        let households = app.sql_i64("SELECT COUNT(*) FROM household").await;
        assert_eq!(households as usize, app.demo.households);

        app.store.migrate_down_all().await.unwrap();
        assert_eq!(tables_present(&app).await, Vec::<&str>::new(), "every table is dropped");
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM seaql_migrations").await, 0);
        // Down again on an empty schema is harmless.
        app.store.migrate_down_all().await.unwrap();

        let store = Store::open(&app.url).await.unwrap().with_clock(app.clock().clone());
        assert_eq!(tables_present(&app).await, TABLES);
        assert!(store.is_empty().await.unwrap());
        // Up again on an up-to-date schema is harmless.
        store.migrate().await.unwrap();
        let demo = store.load_world(&linli_demo::featured(), 0).await.unwrap();
        assert_eq!(demo.households, app.demo.households);
        assert_eq!(demo.logins.len(), app.demo.logins.len());
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM household").await, households);
        assert!(store.verify_audit().await.unwrap().broken.is_none());

        // A server over the rebuilt database works: sign in, read, write.
        let again = TestApp::serve(app.backend, app.url.clone(), store, demo, None).await;
        let token = again.token("committee").await;
        let h = again.household_json(&token, 1).await;
        let (s, e) = again
            .api(&token, Method::PATCH, "/households/1", Some(serde_json::json!({"version": h["household"]["version"], "area": "66.60"})))
            .await;
        assert_eq!(s, 200, "{e}");
        assert!(again.store.verify_audit().await.unwrap().broken.is_none());
    }
}
