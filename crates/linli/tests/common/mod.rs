//! The test harness: a real server on a free port over a fresh database, SQLite or
//! PostgreSQL, loaded with the featured compounds of the demo world.
//!
//! `both_backends!` declares each test twice, in modules `sqlite` and `postgres`. The
//! PostgreSQL variant needs `LINLI_TEST_PG_URL` (scripts/test starts a throwaway cluster and
//! sets it) and fails without it: a suite must never silently skip.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use linli_store::Store;
use linli_store::demo::{DEMO_PASSWORD, DemoSummary};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};

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

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique() -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    format!("{}_{}_{}", std::process::id(), n, nanos)
}

/// A fresh, empty database URL for the backend (created on PostgreSQL).
pub async fn fresh_database(backend: Backend) -> (String, Option<tempdir::Dir>) {
    match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(format!("linli-test-{}", unique()));
            std::fs::create_dir_all(&dir).unwrap();
            let url = format!("sqlite://{}/linli.db", dir.display());
            (url, Some(tempdir::Dir(dir)))
        }
        Backend::Postgres => {
            let admin = std::env::var("LINLI_TEST_PG_URL")
                .expect("LINLI_TEST_PG_URL is not set: run the tests with scripts/test, which starts PostgreSQL");
            let name = format!("linli_t_{}", unique());
            let conn = sea_orm::Database::connect(admin.as_str()).await.expect("connect to LINLI_TEST_PG_URL");
            use sea_orm::ConnectionTrait;
            conn.execute_unprepared(&format!("CREATE DATABASE {name}")).await.unwrap();
            conn.close().await.unwrap();
            let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
            (format!("{base}/{name}"), None)
        }
    }
}

impl TestApp {
    /// A server on the featured demo compounds.
    pub async fn spawn(backend: Backend) -> TestApp {
        let (url, dir) = fresh_database(backend).await;
        let store = Store::open(&url).await.expect("open store");
        let demo = store.load_world(&linli_demo::featured(), 0).await.expect("load demo");
        Self::serve(backend, url, store, demo, dir).await
    }

    pub async fn serve(backend: Backend, url: String, store: Store, demo: DemoSummary, dir: Option<tempdir::Dir>) -> TestApp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = linli_web::app(store.clone(), false);
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        TestApp { backend, addr, base: format!("http://{addr}"), url, store, demo, client: client(), _dir: dir }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The id at the end of a demo persona's place, e.g. `/households/1 …` → 1.
    pub fn persona_place(&self, username: &str) -> i64 {
        let l = self.demo.logins.iter().find(|l| l.username == username).expect("persona");
        l.place.split_whitespace().next().unwrap().rsplit('/').next().unwrap().parse().unwrap()
    }

    /// An API token for a demo persona.
    pub async fn token(&self, username: &str) -> String {
        let res = self
            .client
            .post(self.url("/api/v1/tokens"))
            .json(&serde_json::json!({"login": username, "password": DEMO_PASSWORD, "name": "test"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201, "token for {username}");
        res.json::<serde_json::Value>().await.unwrap()["token"].as_str().unwrap().to_string()
    }

    /// A JSON API client for a persona: (method, path, body) → (status, json).
    pub async fn api(&self, token: &str, method: reqwest::Method, path: &str, body: Option<serde_json::Value>) -> (u16, serde_json::Value) {
        let mut req = self.client.request(method, self.url(&format!("/api/v1{path}"))).bearer_auth(token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let text = res.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)))
    }

    /// A browser-like client signed in through the login form.
    pub async fn browser_login(&self, username: &str) -> Browser {
        let b = Browser { client: client(), base: self.base.clone() };
        let page = b.get("/login").await.1;
        let csrf = csrf_of(&page);
        let res = b
            .client
            .post(self.url("/login"))
            .form(&[("_csrf", csrf.as_str()), ("login", username), ("password", DEMO_PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303, "login of {username}");
        b
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// The CSRF token embedded in a page's forms.
pub fn csrf_of(html: &str) -> String {
    let start = html.find("name=\"_csrf\" value=\"").expect("page has a form with a CSRF token") + 20;
    html[start..start + 32].to_string()
}

/// A cookie-keeping client that posts forms like a browser without JavaScript.
pub struct Browser {
    pub client: reqwest::Client,
    pub base: String,
}

impl Browser {
    pub async fn get(&self, path: &str) -> (u16, String) {
        let res = self.client.get(format!("{}{path}", self.base)).send().await.unwrap();
        (res.status().as_u16(), res.text().await.unwrap())
    }

    /// Loads `form_page`, takes its CSRF token, and posts `fields` to `action`.
    pub async fn submit(&self, form_page: &str, action: &str, fields: &[(&str, &str)]) -> (u16, String, Option<String>) {
        let page = self.get(form_page).await.1;
        let csrf = csrf_of(&page);
        let mut all: Vec<(&str, &str)> = vec![("_csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        let res = self.client.post(format!("{}{action}", self.base)).form(&all).send().await.unwrap();
        let status = res.status().as_u16();
        let location = res.headers().get("location").map(|l| l.to_str().unwrap().to_string());
        (status, res.text().await.unwrap(), location)
    }
}

/// Declares each test for SQLite and for PostgreSQL.
#[macro_export]
macro_rules! both_backends {
    ($(async fn $name:ident($app:ident) $body:block)*) => {
        mod sqlite {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let $app = common::TestApp::spawn(common::Backend::Sqlite).await;
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
                    let $app = common::TestApp::spawn(common::Backend::Postgres).await;
                    $body
                }
            )*
        }
    };
}
