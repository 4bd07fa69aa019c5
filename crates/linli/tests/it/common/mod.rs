//! The test harness: a real server on a free port over a fresh database, SQLite or
//! PostgreSQL, loaded with the featured compounds of the demo world.
//!
//! `both_backends!` declares each test twice, in modules `sqlite` and `postgres`. The
//! PostgreSQL variant needs `LINLI_TEST_PG_URL` (scripts/test starts a throwaway cluster and
//! sets it) and fails without it: a suite must never silently skip.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod browser;
pub mod rating;
pub mod requests;
pub mod template;

use linli_demo_load::{DEMO_PASSWORD, DemoSummary};
use linli_store::{Clock, Store};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};

/// A real 8×8 JPEG: the server decodes photos (to make thumbnails) and refuses bytes that
/// only start like one.
pub const TINY_JPEG: &[u8] = b"\xFF\xD8\xFF\xE0\x00\x10\x4A\x46\x49\x46\x00\x01\x02\x00\x00\x01\x00\x01\x00\x00\xFF\xC0\x00\x11\x08\x00\x08\x00\x08\x03\x01\x11\x00\x02\x11\x01\x03\x11\x01\xFF\xDB\x00\x43\x00\x1B\x12\x14\x17\x14\x11\x1B\x17\x16\x17\x1E\x1C\x1B\x20\x28\x42\x2B\x28\x25\x25\x28\x51\x3A\x3D\x30\x42\x60\x55\x65\x64\x5F\x55\x5D\x5B\x6A\x78\x99\x81\x6A\x71\x90\x73\x5B\x5D\x85\xB5\x86\x90\x9E\xA3\xAB\xAD\xAB\x67\x80\xBC\xC9\xBA\xA6\xC7\x99\xA8\xAB\xA4\xFF\xDB\x00\x43\x01\x1C\x1E\x1E\x28\x23\x28\x4E\x2B\x2B\x4E\xA4\x6E\x5D\x6E\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xFF\xC4\x00\x1F\x00\x00\x01\x05\x01\x01\x01\x01\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0A\x0B\xFF\xC4\x00\xB5\x10\x00\x02\x01\x03\x03\x02\x04\x03\x05\x05\x04\x04\x00\x00\x01\x7D\x01\x02\x03\x00\x04\x11\x05\x12\x21\x31\x41\x06\x13\x51\x61\x07\x22\x71\x14\x32\x81\x91\xA1\x08\x23\x42\xB1\xC1\x15\x52\xD1\xF0\x24\x33\x62\x72\x82\x09\x0A\x16\x17\x18\x19\x1A\x25\x26\x27\x28\x29\x2A\x34\x35\x36\x37\x38\x39\x3A\x43\x44\x45\x46\x47\x48\x49\x4A\x53\x54\x55\x56\x57\x58\x59\x5A\x63\x64\x65\x66\x67\x68\x69\x6A\x73\x74\x75\x76\x77\x78\x79\x7A\x83\x84\x85\x86\x87\x88\x89\x8A\x92\x93\x94\x95\x96\x97\x98\x99\x9A\xA2\xA3\xA4\xA5\xA6\xA7\xA8\xA9\xAA\xB2\xB3\xB4\xB5\xB6\xB7\xB8\xB9\xBA\xC2\xC3\xC4\xC5\xC6\xC7\xC8\xC9\xCA\xD2\xD3\xD4\xD5\xD6\xD7\xD8\xD9\xDA\xE1\xE2\xE3\xE4\xE5\xE6\xE7\xE8\xE9\xEA\xF1\xF2\xF3\xF4\xF5\xF6\xF7\xF8\xF9\xFA\xFF\xC4\x00\x1F\x01\x00\x03\x01\x01\x01\x01\x01\x01\x01\x01\x01\x00\x00\x00\x00\x00\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0A\x0B\xFF\xC4\x00\xB5\x11\x00\x02\x01\x02\x04\x04\x03\x04\x07\x05\x04\x04\x00\x01\x02\x77\x00\x01\x02\x03\x11\x04\x05\x21\x31\x06\x12\x41\x51\x07\x61\x71\x13\x22\x32\x81\x08\x14\x42\x91\xA1\xB1\xC1\x09\x23\x33\x52\xF0\x15\x62\x72\xD1\x0A\x16\x24\x34\xE1\x25\xF1\x17\x18\x19\x1A\x26\x27\x28\x29\x2A\x35\x36\x37\x38\x39\x3A\x43\x44\x45\x46\x47\x48\x49\x4A\x53\x54\x55\x56\x57\x58\x59\x5A\x63\x64\x65\x66\x67\x68\x69\x6A\x73\x74\x75\x76\x77\x78\x79\x7A\x82\x83\x84\x85\x86\x87\x88\x89\x8A\x92\x93\x94\x95\x96\x97\x98\x99\x9A\xA2\xA3\xA4\xA5\xA6\xA7\xA8\xA9\xAA\xB2\xB3\xB4\xB5\xB6\xB7\xB8\xB9\xBA\xC2\xC3\xC4\xC5\xC6\xC7\xC8\xC9\xCA\xD2\xD3\xD4\xD5\xD6\xD7\xD8\xD9\xDA\xE2\xE3\xE4\xE5\xE6\xE7\xE8\xE9\xEA\xF2\xF3\xF4\xF5\xF6\xF7\xF8\xF9\xFA\xFF\xDA\x00\x0C\x03\x01\x00\x02\x11\x03\x11\x00\x3F\x00\xE9\x29\x01\xFF\xD9";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub backend: Backend,
    pub addr: SocketAddr,
    pub base: String,
    pub url: String,
    pub store: Store,
    pub demo: DemoSummary,
    /// A client with its own cookie jar (not signed in).
    pub client: reqwest::Client,
    _dir: Option<tempdir::Dir>,
    /// The test's copy of the template database, removed when the test ends.
    _copy: Option<template::Copy>,
    /// Whether the audit trail is checked when the test ends: every write went through linli,
    /// so the trail is unbroken and every audited row is as its last record says. Off once the
    /// test edits the database behind linli's back (`sql_exec`).
    audit_check: std::sync::atomic::AtomicBool,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if self._copy.is_none()
            || std::thread::panicking()
            || !self.audit_check.load(Ordering::SeqCst)
        {
            return;
        }
        let url = self.url.clone();
        let report = block_on_aside(async move {
            let store = Store::connect(&url).await.unwrap();
            let report = store.verify_audit().await;
            let _ = store.close().await;
            report
        });
        let report = report.expect("verify the audit trail");
        assert!(
            report.intact(),
            "after the test the audit trail is not intact: broken {:?}, drifted {}",
            report.broken,
            report
                .drifted
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
}

pub mod tempdir {
    /// A directory removed when dropped.
    pub struct Dir(pub std::path::PathBuf);
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// The day every test runs on when `LINLI_TEST_TODAY` is not set: a Wednesday.
pub const DEFAULT_TEST_DAY: time::Date = time::macros::date!(2026 - 11 - 18);

/// The day the suite runs on: `LINLI_TEST_TODAY=YYYY-MM-DD`, or [`DEFAULT_TEST_DAY`]. Nothing in
/// a test may read the real date: run the suite on another day to see that it holds then too.
pub fn test_day() -> time::Date {
    match std::env::var("LINLI_TEST_TODAY") {
        Ok(s) if !s.trim().is_empty() => {
            let fmt = time::macros::format_description!("[year]-[month]-[day]");
            time::Date::parse(s.trim(), &fmt)
                .unwrap_or_else(|_| panic!("LINLI_TEST_TODAY={s:?} is not a date like 2026-12-31"))
        }
        _ => DEFAULT_TEST_DAY,
    }
}

/// A fresh fixed clock at 10:00 China time on the suite's day. Each server gets its own, so a
/// test that moves its clock moves nobody else's.
pub fn test_clock() -> Clock {
    Clock::at(test_day(), 10, 0)
}

/// Opens a store on the test clock.
pub async fn open_store(url: &str) -> Store {
    Store::open(url)
        .await
        .expect("open store")
        .with_clock(test_clock())
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique() -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("{}_{}_{}", std::process::id(), n, nanos)
}

/// A fresh, empty database URL for the backend (created on PostgreSQL), and a directory
/// removed with the test: the SQLite file's, or (PostgreSQL) one for the uploaded files.
pub async fn fresh_database(backend: Backend) -> (String, Option<tempdir::Dir>) {
    match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(format!("linli-test-{}", unique()));
            std::fs::create_dir_all(&dir).unwrap();
            let url = format!("sqlite://{}/linli.db", dir.display());
            (url, Some(tempdir::Dir(dir)))
        }
        Backend::Postgres => {
            let admin = admin_url();
            let name = format!("linli_t_{}", unique());
            let conn = sea_orm::Database::connect(admin.as_str())
                .await
                .expect("connect to LINLI_TEST_PG_URL");
            use sea_orm::ConnectionTrait;
            conn.execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .unwrap();
            conn.close().await.unwrap();
            let dir = std::env::temp_dir().join(format!("linli-test-{}", unique()));
            std::fs::create_dir_all(&dir).unwrap();
            (database_on(&admin, &name), Some(tempdir::Dir(dir)))
        }
    }
}

impl TestApp {
    /// A server on the featured demo compounds.
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_at(backend, test_clock()).await
    }

    /// A server whose clock stands at 10:00 on the suite's day until the test moves it
    /// (`app.store.clock().advance(…)`); every server's clock is fixed, this name stays for
    /// the tests that say so.
    pub async fn spawn_fixed_clock(backend: Backend) -> TestApp {
        Self::spawn_at(backend, test_clock()).await
    }

    /// A server on the demo of `serve --demo` without the Suining-scale city: the featured
    /// compounds with their stories (votes, meetings, rating months) told.
    pub async fn spawn_demo(backend: Backend) -> TestApp {
        Self::spawn_world(backend, test_clock(), true).await
    }

    async fn spawn_at(backend: Backend, clock: linli_store::Clock) -> TestApp {
        Self::spawn_world(backend, clock, false).await
    }

    /// A copy of the template database of this build (migrated, demo loaded; see `template`).
    async fn spawn_world(backend: Backend, clock: linli_store::Clock, stories: bool) -> TestApp {
        let t = template::get(backend, stories).await;
        let (url, copy) = template::copy(backend, &t).await;
        let store = Store::open(&url)
            .await
            .expect("open store")
            .with_clock(clock)
            .with_files_dir(copy.scratch.join("linli-files"));
        let mut app = Self::serve(backend, url, store, t.demo, None).await;
        app._copy = Some(copy);
        app
    }

    pub async fn serve(
        backend: Backend,
        url: String,
        store: Store,
        demo: DemoSummary,
        dir: Option<tempdir::Dir>,
    ) -> TestApp {
        // Internal errors are logged with their cause; show them in a failing test's output.
        let _ = tracing_subscriber::fmt()
            .with_test_writer()
            .with_env_filter("error")
            .try_init();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = linli_web::app(store.clone(), false);
        // The server of `linli serve`, with its default limits.
        let limits = linli_web::server::ServerLimits::default();
        tokio::spawn(async move {
            linli_web::server::serve(listener, app, limits, std::future::pending())
                .await
                .unwrap();
        });
        TestApp {
            backend,
            addr,
            base: format!("http://{addr}"),
            url,
            store,
            demo,
            client: client(),
            _dir: dir,
            _copy: None,
            audit_check: std::sync::atomic::AtomicBool::new(true),
        }
    }

    /// The server's clock (fixed; `set` / `advance` it to move time for this test's server).
    pub fn clock(&self) -> &Clock {
        self.store.clock()
    }

    /// Today in China on the server's clock.
    pub fn today(&self) -> time::Date {
        self.store.today()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The id at the end of a demo persona's place, e.g. `/households/1 …` → 1.
    pub fn persona_place(&self, username: &str) -> i64 {
        let l = self
            .demo
            .logins
            .iter()
            .find(|l| l.username == username)
            .expect("persona");
        l.place
            .split_whitespace()
            .next()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    }

    /// An API token for a demo persona.
    pub async fn token(&self, username: &str) -> String {
        let res = self
            .client
            .post(self.url("/api/v1/tokens"))
            .json(
                &serde_json::json!({"login": username, "password": DEMO_PASSWORD, "name": "test"}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201, "token for {username}");
        res.json::<serde_json::Value>().await.unwrap()["token"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// A JSON API client for a persona: (method, path, body) → (status, json).
    pub async fn api(
        &self,
        token: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let mut req = self
            .client
            .request(method, self.url(&format!("/api/v1{path}")))
            .bearer_auth(token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let text = res.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)),
        )
    }

    /// A browser-like client signed in through the login form.
    pub async fn browser_login(&self, username: &str) -> Browser {
        self.browser_login_with_session(username).await.0
    }
}

/// The URL of database `name` on the server of `admin` (a `postgres://…/postgres` URL).
pub fn database_on(admin: &str, name: &str) -> String {
    let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(admin);
    format!("{base}/{name}")
}

/// The throwaway PostgreSQL cluster's admin URL that scripts/test exports.
pub fn admin_url() -> String {
    std::env::var("LINLI_TEST_PG_URL").expect(
        "LINLI_TEST_PG_URL is not set: run the tests with scripts/test, which starts PostgreSQL",
    )
}

/// Runs `work` to its end from a `Drop`: drop runs inside the test's runtime, which cannot
/// block on itself, so the work gets a thread and a runtime of its own.
pub fn block_on_aside<T: Send + 'static>(
    work: impl std::future::Future<Output = T> + Send + 'static,
) -> T {
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime for the work of a drop")
            .block_on(work)
    })
    .join()
    .expect("the work of a drop ran")
}

/// The pair of a PostgreSQL primary and its streaming replica that scripts/test starts.
pub fn replica_pair() -> (String, String) {
    let get = |k: &str| {
        std::env::var(k).unwrap_or_else(|_| {
            panic!("{k} is not set: run the tests with scripts/test, which starts a primary and a streaming replica")
        })
    };
    (
        get("LINLI_TEST_PG_PRIMARY_URL"),
        get("LINLI_TEST_PG_REPLICA_URL"),
    )
}

impl TestApp {
    /// A server on a fresh database of the replication pair's primary whose dashboards, lists
    /// and exports read from the streaming replica; returns when the replica has the demo.
    pub async fn spawn_with_replica() -> TestApp {
        use sea_orm::ConnectionTrait;
        let (primary_admin, replica_admin) = replica_pair();
        let name = format!("linli_r_{}", unique());
        let admin = sea_orm::Database::connect(primary_admin.as_str())
            .await
            .expect("connect to the pair's primary");
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
        admin.close().await.unwrap();
        let url = database_on(&primary_admin, &name);
        let dir = std::env::temp_dir().join(format!("linli-test-{}", unique()));
        std::fs::create_dir_all(&dir).unwrap();
        let store = Store::open(&url)
            .await
            .expect("open store")
            .with_clock(test_clock())
            .with_files_dir(dir.join("linli-files"));
        let demo = linli_demo_load::load_world(&store, &linli_demo::featured(), 0)
            .await
            .expect("load demo");
        wait_for_replay(&primary_admin, &replica_admin).await;
        let store = store
            .with_replicas(&[database_on(&replica_admin, &name)])
            .await
            .expect("connect to the replica");
        Self::serve(Backend::Postgres, url, store, demo, Some(tempdir::Dir(dir))).await
    }
}

/// Waits until the replica has replayed everything the primary has written so far.
pub async fn wait_for_replay(primary_admin: &str, replica_admin: &str) {
    use sea_orm::ConnectionTrait;
    let primary = sea_orm::Database::connect(primary_admin).await.unwrap();
    let replica = sea_orm::Database::connect(replica_admin).await.unwrap();
    let one = |sql: String| sea_orm::Statement::from_string(sea_orm::DbBackend::Postgres, sql);
    let target: String = primary
        // The insert position, not `pg_current_wal_lsn()` (the write position): the test
        // cluster runs with `synchronous_commit = off`, so a commit is acknowledged before its
        // record is written out, and a replica "past the write position" may not have it yet.
        .query_one_raw(one("SELECT pg_current_wal_insert_lsn()::text".into()))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index(0)
        .unwrap();
    for _ in 0..300 {
        let sql = format!("SELECT (pg_last_wal_replay_lsn() >= '{target}'::pg_lsn)::text");
        let row = replica.query_one_raw(one(sql)).await.unwrap().unwrap();
        if row.try_get_by_index::<String>(0).unwrap() == "true" {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the replica did not catch up with the primary within 15 s");
}

impl TestApp {
    /// A second server over the same database: another instance of linli, sharing nothing
    /// with the first but the database.
    pub async fn second_instance(&self) -> TestApp {
        let store = Store::open(&self.url)
            .await
            .expect("open store for the second instance")
            .with_files_dir(self.store.files_dir())
            .with_clock(self.store.clock().clone());
        TestApp::serve(
            self.backend,
            self.url.clone(),
            store,
            self.demo.clone(),
            None,
        )
        .await
    }

    /// An API call with a raw body and extra headers: (status, json or the text as a string).
    pub async fn api_raw(
        &self,
        token: Option<&str>,
        method: reqwest::Method,
        path: &str,
        body: Option<(&str, Vec<u8>)>,
        headers: &[(&str, &str)],
    ) -> (u16, serde_json::Value) {
        let mut req = self
            .client
            .request(method, self.url(&format!("/api/v1{path}")));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some((content_type, bytes)) = body {
            req = req.header("content-type", content_type).body(bytes);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let text = res.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)),
        )
    }

    /// Like `api`, asking for English messages.
    pub async fn api_en(
        &self,
        token: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let body = body.map(|b| ("application/json", serde_json::to_vec(&b).unwrap()));
        self.api_raw(
            Some(token),
            method,
            path,
            body,
            &[("accept-language", "en-US,en;q=0.9")],
        )
        .await
    }

    /// A connection of its own to the test database, for looking behind the application.
    pub async fn sql(&self) -> sea_orm::DatabaseConnection {
        sea_orm::Database::connect(self.url.as_str())
            .await
            .expect("connect to the test database")
    }

    /// Each row of a query, through `map`, on a connection of its own.
    async fn sql_rows<T>(&self, sql: &str, map: impl Fn(&sea_orm::QueryResult) -> T) -> Vec<T> {
        use sea_orm::ConnectionTrait;
        let conn = self.sql().await;
        let stmt = sea_orm::Statement::from_string(conn.get_database_backend(), sql);
        let rows = conn
            .query_all_raw(stmt)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        let out = rows.iter().map(map).collect();
        conn.close().await.unwrap();
        out
    }

    /// Every household's list columns (`owner_names`, `owner_phone`) say what its ownerships
    /// do: each path that changes owners kept them.
    pub async fn assert_owners_shown(&self) {
        let conn = self.sql().await;
        let drift = linli_store::registry::owner_names::drift(&conn)
            .await
            .expect("compare the households' owners");
        conn.close().await.unwrap();
        assert!(
            drift.is_empty(),
            "households whose list shows other owners than they have: {drift:?}"
        );
    }

    /// The signed-in actor of a login, as the store's services take it.
    pub async fn actor_of(&self, username: &str) -> linli_store::Actor {
        let id = self
            .sql_i64(&format!(
                "SELECT id FROM account WHERE username = '{username}'"
            ))
            .await;
        self.store
            .actor(id)
            .await
            .unwrap()
            .expect("an active account")
    }

    /// The first column of the first row of a query, as a number.
    pub async fn sql_i64(&self, sql: &str) -> i64 {
        self.sql_rows(sql, |r| sql_number(sql, r, 0))
            .await
            .into_iter()
            .next()
            .expect("a row")
    }

    /// Runs SQL directly, as someone with database access (not through linli) would; the
    /// audit trail is then not checked when the test ends.
    pub async fn sql_exec(&self, sql: &str) -> u64 {
        use sea_orm::ConnectionTrait;
        self.audit_check.store(false, Ordering::SeqCst);
        let conn = self.sql().await;
        let n = conn
            .execute_unprepared(sql)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .rows_affected();
        conn.close().await.unwrap();
        n
    }

    /// The text of one column of each row of a query, e.g. an `EXPLAIN`'s plan.
    pub async fn sql_texts(&self, sql: &str, column: usize) -> Vec<String> {
        self.sql_rows(sql, |r| {
            r.try_get_by_index::<String>(column)
                .unwrap_or_else(|e| panic!("{sql}: {e}"))
        })
        .await
    }

    /// Pairs of numbers from a two-column query, e.g. `SELECT id, version FROM household`.
    pub async fn sql_pairs(&self, sql: &str) -> Vec<(i64, i64)> {
        self.sql_rows(sql, |r| (sql_number(sql, r, 0), sql_number(sql, r, 1)))
            .await
    }

    pub async fn audit_count(&self) -> i64 {
        self.sql_i64("SELECT COUNT(*) FROM audit").await
    }

    /// A household as the committee reads it through the API.
    pub async fn household_json(&self, token: &str, id: i64) -> serde_json::Value {
        let (s, v) = self
            .api(
                token,
                reqwest::Method::GET,
                &format!("/households/{id}"),
                None,
            )
            .await;
        assert_eq!(s, 200, "reading household {id}: {v}");
        v
    }

    /// Signs in through the form and also returns the session cookie's value.
    pub async fn browser_login_with_session(&self, username: &str) -> (Browser, String) {
        let b = Browser {
            client: client(),
            base: self.base.clone(),
        };
        let page = b.get("/login").await.1;
        let csrf = csrf_of(&page);
        let res = b
            .client
            .post(self.url("/login"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("login", username),
                ("password", DEMO_PASSWORD),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303, "login of {username}");
        let session = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| v.strip_prefix("linli_session="))
            .map(|v| v.split(';').next().unwrap().to_string())
            .expect("a session cookie");
        (b, session)
    }

    /// Runs the real `linli` binary against the test database: (exit code, stdout, stderr).
    pub fn cli(&self, args: &[&str]) -> (i32, String, String) {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_linli"))
            .arg("--database-url")
            .arg(&self.url)
            .arg("--files-dir")
            .arg(self.store.files_dir())
            .args(args)
            .env("RUST_LOG", "warn")
            .output()
            .expect("run linli");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// A scratch directory removed with the test.
    pub fn scratch_dir(&self) -> tempdir::Dir {
        let dir = std::env::temp_dir().join(format!("linli-scratch-{}", unique()));
        std::fs::create_dir_all(&dir).unwrap();
        tempdir::Dir(dir)
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        // Well before the server closes an idle connection (20 s), as a browser does.
        .pool_idle_timeout(std::time::Duration::from_secs(5))
        .build()
        .unwrap()
}

/// The CSRF token embedded in a page's forms.
pub fn csrf_of(html: &str) -> String {
    let start = html
        .find("name=\"_csrf\" value=\"")
        .expect("page has a form with a CSRF token")
        + 20;
    html[start..start + 32].to_string()
}

/// A cookie-keeping client that posts forms like a browser without JavaScript.
pub struct Browser {
    pub client: reqwest::Client,
    pub base: String,
}

impl Browser {
    pub async fn get(&self, path: &str) -> (u16, String) {
        let res = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        (res.status().as_u16(), res.text().await.unwrap())
    }

    /// The same signed-in browser talking to another server (cookies are shared by host).
    pub fn at(&self, base: &str) -> Browser {
        Browser {
            client: self.client.clone(),
            base: base.to_string(),
        }
    }

    /// GET without following redirects: (status, Location).
    pub async fn get_location(&self, path: &str) -> (u16, Option<String>) {
        let res = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        let location = res
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_string());
        (res.status().as_u16(), location)
    }

    /// Posts a form as is (no CSRF token added): (status, body).
    pub async fn post_raw(&self, action: &str, fields: &[(&str, &str)]) -> (u16, String) {
        let res = self
            .client
            .post(format!("{}{action}", self.base))
            .form(fields)
            .send()
            .await
            .unwrap();
        (res.status().as_u16(), res.text().await.unwrap())
    }

    /// A JSON API call authenticated by this browser's session cookie, with an optional
    /// `X-CSRF-Token`.
    pub async fn api(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
        csrf: Option<&str>,
    ) -> (u16, serde_json::Value) {
        let mut req = self
            .client
            .request(method, format!("{}/api/v1{path}", self.base));
        if let Some(c) = csrf {
            req = req.header("x-csrf-token", c);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let text = res.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)),
        )
    }

    /// Posts a multipart form (text fields and files) as a browser would: (status, body, Location).
    pub async fn post_multipart(
        &self,
        action: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> (u16, String, Option<String>) {
        let boundary = "----linli-test-boundary";
        let mut body = Vec::new();
        for (k, v) in fields {
            body.extend(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        for (k, name, bytes) in files {
            body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"; filename=\"{name}\"\r\nContent-Type: image/jpeg\r\n\r\n").as_bytes());
            body.extend_from_slice(bytes);
            body.extend(b"\r\n");
        }
        body.extend(format!("--{boundary}--\r\n").as_bytes());
        let res = self
            .client
            .post(format!("{}{action}", self.base))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .unwrap();
        answer(res).await
    }

    /// Loads `form_page`, takes its CSRF token, and posts `fields` to `action`.
    pub async fn submit(
        &self,
        form_page: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> (u16, String, Option<String>) {
        let page = self.get(form_page).await.1;
        let csrf = csrf_of(&page);
        let mut all: Vec<(&str, &str)> = vec![("_csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        let res = self
            .client
            .post(format!("{}{action}", self.base))
            .form(&all)
            .send()
            .await
            .unwrap();
        answer(res).await
    }
}

/// A form post's answer as a test reads it: (status, body, Location).
async fn answer(res: reqwest::Response) -> (u16, String, Option<String>) {
    let status = res.status().as_u16();
    let location = res
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string());
    (status, res.text().await.unwrap(), location)
}

/// Declares each test for SQLite and for PostgreSQL. `both_backends!(fixed_clock; …)` gives
/// the tests servers whose clock stands still until moved (`TestApp::spawn_fixed_clock`).
#[macro_export]
macro_rules! both_backends {
    (fixed_clock; $(async fn $name:ident($app:ident) $body:block)*) => {
        $crate::both_backends!(@spawn spawn_fixed_clock; $(async fn $name($app) $body)*);
    };
    ($(async fn $name:ident($app:ident) $body:block)*) => {
        $crate::both_backends!(@spawn spawn; $(async fn $name($app) $body)*);
    };
    (@spawn $spawn:ident; $(async fn $name:ident($app:ident) $body:block)*) => {
        mod sqlite {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let $app = $crate::common::TestApp::$spawn($crate::common::Backend::Sqlite).await;
                    $body
                }
            )*
        }
        mod postgres {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let $app = $crate::common::TestApp::$spawn($crate::common::Backend::Postgres).await;
                    $body
                }
            )*
        }
    };
}

/// Asserts the API's error answer: the status, the stable code, the field at fault, and a
/// message that is not empty.
#[track_caller]
pub fn assert_api_error(
    status: u16,
    body: &serde_json::Value,
    want_status: u16,
    code: &str,
    field: Option<&str>,
) {
    assert_eq!(status, want_status, "status of {body}");
    assert_eq!(body["code"], code, "code of {body}");
    assert_eq!(body["field"].as_str(), field, "field of {body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "message of {body}"
    );
}

/// Column `i` of a row as a number: PostgreSQL keeps some numbers as INTEGER (i32), counts as
/// BIGINT (i64).
fn sql_number(sql: &str, row: &sea_orm::QueryResult, i: usize) -> i64 {
    row.try_get_by_index::<i64>(i)
        .or_else(|_| row.try_get_by_index::<i32>(i).map(i64::from))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Percent-encodes a query value (a Chinese name or title).
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
