//! The schema migrations go down and up again on both backends, and the demo loads into the
//! rebuilt schema; and step by step, each migration's `down` undoes exactly its `up` over
//! every table, column and index.
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
    async fn the_households_owners_are_filled_from_the_ownerships_by_the_migration(app) {
        // The demo's owners, written with the households; the migration that added the
        // columns (and those after it) rolled back and run again fills them from the
        // ownerships alone.
        let shown = "SELECT COUNT(*) FROM household WHERE owner_names <> ''";
        let owned = app.sql_i64(shown).await;
        assert!(owned > 100, "{owned}");
        let steps = app.sql_i64("SELECT COUNT(*) FROM seaql_migrations WHERE version >= 'm0042_household_owner_names'").await;
        assert!(steps >= 1);
        let steps = u32::try_from(steps).unwrap();
        app.store.migrate_steps(false, steps).await.unwrap();
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM seaql_migrations WHERE version >= 'm0042'").await, 0);
        app.store.migrate_steps(true, steps).await.unwrap();
        assert_eq!(app.sql_i64(shown).await, owned);
        app.assert_owners_shown().await;
        // And a household whose columns were wrong is found.
        app.sql_exec("UPDATE household SET owner_names = '某人' WHERE id = 1").await;
        let conn = app.sql().await;
        assert_eq!(linli_store::registry::owner_names::drift(&conn).await.unwrap(), [1]);
    }

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
        let demo = linli_demo_load::load_world(&store, &linli_demo::featured(), 0).await.unwrap();
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

/// The schema as the database describes it: every table's columns and every index, sorted.
async fn schema(conn: &sea_orm::DatabaseConnection, backend: common::Backend) -> Vec<String> {
    let sql = match backend {
        common::Backend::Sqlite => {
            "SELECT m.name || '.' || p.name || ' ' || p.type || ' ' || p.\"notnull\" || ' ' || p.pk \
             FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' \
             UNION ALL SELECT 'index ' || name || ' on ' || tbl_name FROM sqlite_master \
             WHERE type = 'index' AND name NOT LIKE 'sqlite_%'"
        }
        common::Backend::Postgres => {
            "SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable \
             FROM information_schema.columns WHERE table_schema = 'public' \
             UNION ALL SELECT 'index ' || indexname || ' on ' || tablename || ' ' || indexdef \
             FROM pg_indexes WHERE schemaname = 'public'"
        }
    };
    let rows = conn
        .query_all_raw(sea_orm::Statement::from_string(
            conn.get_database_backend(),
            sql,
        ))
        .await
        .unwrap();
    let mut out: Vec<String> = rows
        .iter()
        .map(|r| r.try_get_by_index::<String>(0).unwrap())
        .collect();
    out.sort();
    out
}

/// How many migrations the database has applied.
async fn applied(conn: &sea_orm::DatabaseConnection) -> i64 {
    let row = conn
        .query_one_raw(sea_orm::Statement::from_string(
            conn.get_database_backend(),
            "SELECT COUNT(*) FROM seaql_migrations",
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

/// Each migration's `down` undoes exactly what its `up` did: from the newest to the first,
/// one step down and up again gives back the same schema, over every table.
async fn each_step_goes_down_and_up_to_the_same_schema(backend: common::Backend) {
    let (url, _dir) = common::fresh_database(backend).await;
    let store = Store::open(&url).await.unwrap();
    let conn = sea_orm::Database::connect(url.as_str()).await.unwrap();
    let steps = applied(&conn).await;
    assert!(steps > 20, "{steps} migrations");
    let mut checked = 0;
    loop {
        let at = applied(&conn).await;
        if at == 0 {
            break;
        }
        let before = schema(&conn, backend).await;
        store
            .migrate_steps(false, 1)
            .await
            .unwrap_or_else(|e| panic!("down from step {at}: {e:#}"));
        let below = schema(&conn, backend).await;
        assert_ne!(below, before, "step {at} changes the schema");
        store
            .migrate_steps(true, 1)
            .await
            .unwrap_or_else(|e| panic!("up to step {at}: {e:#}"));
        let again = schema(&conn, backend).await;
        let lost: Vec<_> = before.iter().filter(|l| !again.contains(l)).collect();
        let extra: Vec<_> = again.iter().filter(|l| !before.contains(l)).collect();
        assert!(
            lost.is_empty() && extra.is_empty(),
            "step {at} down and up: lost {lost:?}, extra {extra:?}"
        );
        store.migrate_steps(false, 1).await.unwrap();
        checked += 1;
    }
    assert_eq!(checked, steps);
    assert_eq!(
        schema(&conn, backend)
            .await
            .iter()
            .filter(|l| !l.contains("seaql_migrations"))
            .count(),
        0,
        "nothing is left"
    );
    conn.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_step_goes_down_and_up_on_sqlite() {
    each_step_goes_down_and_up_to_the_same_schema(common::Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_step_goes_down_and_up_on_postgres() {
    each_step_goes_down_and_up_to_the_same_schema(common::Backend::Postgres).await;
}
