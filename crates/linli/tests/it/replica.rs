//! Read replicas: dashboards and lists come from a PostgreSQL streaming replica, while the
//! reader who just wrote sees their write at once however far the replica lags.
//!
//! Runs on the primary + replica pair that scripts/test starts (pg_basebackup -R); the lag
//! is made real by pausing the replica's WAL replay. One test pauses the replica, so the
//! steps are one test: two at once would pause each other's replica.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::{TestApp, replica_pair};
use reqwest::Method;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

async fn replay(paused: bool) {
    let (_, replica) = replica_pair();
    let db = sea_orm::Database::connect(replica.as_str()).await.unwrap();
    let f = if paused {
        "pg_wal_replay_pause"
    } else {
        "pg_wal_replay_resume"
    };
    db.execute_unprepared(&format!("SELECT {f}()"))
        .await
        .unwrap();
    db.close().await.unwrap();
}

async fn total(app: &TestApp, token: &str) -> i64 {
    let (s, list) = app
        .api(token, Method::GET, "/compounds/1/households", None)
        .await;
    assert_eq!(s, 200, "{list}");
    list["total"].as_i64().unwrap()
}

/// A new building with one unit and one flat; the statuses of the three writes.
async fn add_flat(app: &TestApp, token: &str, building: &str) -> Vec<(u16, Value)> {
    let mut out = Vec::new();
    let (s, b) = app
        .api(
            token,
            Method::POST,
            "/compounds/1/buildings",
            Some(json!({"name": building, "floors": "6"})),
        )
        .await;
    out.push((s, b.clone()));
    let (s, u) = app
        .api(
            token,
            Method::POST,
            &format!("/buildings/{}/units", b["id"]),
            Some(json!({"name": "1单元"})),
        )
        .await;
    out.push((s, u.clone()));
    let (s, h) = app
        .api(
            token,
            Method::POST,
            &format!("/units/{}/households", u["id"]),
            Some(json!({"floor": "1", "room": "101", "area": "60㎡"})),
        )
        .await;
    out.push((s, h));
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_writer_reads_their_write_while_others_read_the_lagging_replica() {
    let app = TestApp::spawn_with_replica().await;
    let committee = app.token("committee").await;
    let worker = app.token("worker").await;
    let before = total(&app, &worker).await;
    assert_eq!(total(&app, &committee).await, before);

    // The replica stops replaying: everything written now is on the primary only.
    replay(true).await;
    let writes = add_flat(&app, &committee, "9栋").await;
    let writer_sees = total(&app, &committee).await;
    let other_sees = total(&app, &worker).await;
    // After the window the writer too is answered by the (still paused) replica.
    app.clock()
        .advance(linli_store::reads::RECENT_WRITE_SECONDS + 1);
    let writer_later = total(&app, &committee).await;
    replay(false).await;

    for (s, body) in &writes {
        assert_eq!(*s, 201, "{body}");
    }
    assert_eq!(
        writer_sees,
        before + 1,
        "read-your-writes: the committee member's list has the new flat"
    );
    assert_eq!(
        other_sees, before,
        "the community worker's list came from the lagging replica"
    );
    assert_eq!(
        writer_later, before,
        "after the window the writer reads the replica again"
    );

    let (primary, replica) = replica_pair();
    common::wait_for_replay(&primary, &replica).await;
    // Replayed past the write's position, the replica must show it.
    let seen = total(&app, &worker).await;
    assert_eq!(seen, before + 1, "once replayed, the replica has it too");
}

#[tokio::test]
async fn sqlite_has_no_replicas() {
    let (url, _dir) = common::fresh_database(common::Backend::Sqlite).await;
    let store = linli_store::Store::open(&url).await.unwrap();
    let err = store
        .with_replicas(&["postgres://x@127.0.0.1:1/x".into()])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("PostgreSQL"), "{err}");
}
