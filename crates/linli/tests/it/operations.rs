//! Running linli as a service: the real binary serving a test database — readiness, the
//! request log (plain and JSON), Prometheus metrics, stopping on SIGTERM, settings from a
//! file, and backups into a directory with their rotation and a restore.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::Backend;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `linli serve` as a child process; its standard error goes to a file read by `log()`.
struct Server {
    child: Child,
    base: String,
    log: std::path::PathBuf,
}

impl Server {
    async fn start(url: &str, files_dir: &Path, scratch: &Path, args: &[&str]) -> Server {
        let port = free_port();
        let log = scratch.join(format!("serve-{port}.log"));
        let child = Command::new(env!("CARGO_BIN_EXE_linli"))
            .args(["--database-url", url, "--files-dir"])
            .arg(files_dir)
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .args(args)
            .env("RUST_LOG", "info")
            .env_remove("LINLI_CONFIG")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let server = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
            log,
        };
        server.wait_ready().await;
        server
    }

    async fn wait_ready(&self) {
        for _ in 0..300 {
            if let Ok(r) = reqwest::get(format!("{}/readyz", self.base)).await
                && r.status() == 200
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("linli serve never became ready: {}", self.log());
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The log's request lines, once the server wrote them (it logs after responding).
    async fn request_lines(&self, at_least: usize) -> Vec<String> {
        for _ in 0..100 {
            let lines: Vec<String> = self
                .log()
                .lines()
                .filter(|l| {
                    l.contains("linli::request") || l.contains("\"target\":\"linli::request\"")
                })
                .map(str::to_string)
                .collect();
            if lines.len() >= at_least {
                return lines;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("fewer than {at_least} request lines in {}", self.log());
    }

    /// SIGTERM, and the exit status.
    fn terminate(mut self) -> (std::process::ExitStatus, String) {
        let pid = self.child.id().to_string();
        assert!(
            Command::new("kill")
                .args(["-TERM", &pid])
                .status()
                .unwrap()
                .success()
        );
        for _ in 0..200 {
            if let Some(status) = self.child.try_wait().unwrap() {
                return (status, self.log());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        panic!(
            "linli serve did not stop within 10 s of SIGTERM: {}",
            self.log()
        );
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A server of `url` (an empty database unless `migrate`) in-process, for `/readyz`.
async fn serve_in_process(store: linli_store::Store) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, linli_web::app(store, false))
            .await
            .unwrap()
    });
    format!("http://{addr}")
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

both_backends! {
    async fn readyz_says_ready_only_with_a_current_schema(app) {
        let r = app.client.get(app.url("/readyz")).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.text().await.unwrap(), "ready");
        assert_eq!(app.client.get(app.url("/healthz")).send().await.unwrap().text().await.unwrap(), "ok");
        assert_eq!(app.client.get(app.url("/healthz/db")).send().await.unwrap().text().await.unwrap(), "ok");

        // A database this binary has not migrated yet: reachable, not ready.
        let (url, _dir) = common::fresh_database(app.backend).await;
        let bare = linli_store::Store::connect(&url).await.unwrap();
        let base = serve_in_process(bare.clone()).await;
        let r = reqwest::get(format!("{base}/readyz")).await.unwrap();
        assert_eq!(r.status(), 503);
        let text = r.text().await.unwrap();
        assert!(text.starts_with("not ready: ") && text.contains("migration(s) pending"), "{text}");
        assert_eq!(reqwest::get(format!("{base}/healthz")).await.unwrap().status(), 200, "/healthz stays trivial");
        bare.migrate().await.unwrap();
        assert_eq!(reqwest::get(format!("{base}/readyz")).await.unwrap().status(), 200);

        // A database that stopped answering.
        bare.clone().close().await.unwrap();
        let r = reqwest::get(format!("{base}/readyz")).await.unwrap();
        assert_eq!(r.status(), 503);
        assert!(r.text().await.unwrap().contains("database unreachable"));
        let r = reqwest::get(format!("{base}/healthz/db")).await.unwrap();
        assert_eq!(r.status(), 503, "the one indexed read fails with the database");
    }

    async fn the_request_log_has_one_plain_line_per_request(app) {
        let scratch = app.scratch_dir();
        let token = app.token("committee").await;
        let server = Server::start(&app.url, app.store.files_dir(), &scratch.0, &[]).await;
        let http = reqwest::Client::new();
        let r = http.get(format!("{}/api/v1/households/1", server.base)).bearer_auth(&token).header("x-request-id", "probe-42").send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["x-request-id"], "probe-42", "the client's request id is echoed");
        let r = http.get(format!("{}/no/such/page?secret=1", server.base)).send().await.unwrap();
        assert_eq!(r.status(), 404);
        let generated = r.headers()["x-request-id"].to_str().unwrap().to_string();
        assert_eq!(generated.len(), 16, "a fresh id: {generated}");
        let r = http.post(format!("{}/api/v1/tokens", server.base)).json(&serde_json::json!({"login": "committee", "password": "wrong-password-123", "name": "t"})).send().await.unwrap();
        assert_eq!(r.status(), 401);

        let lines = server.request_lines(4).await;
        let account = app.sql_i64("SELECT id FROM account WHERE username = 'committee'").await;
        let household = lines.iter().find(|l| l.contains("request_id=probe-42")).unwrap();
        assert!(household.contains("request method=GET route=/api/v1/households/{id} status=200 latency_ms="), "{household}");
        assert!(household.ends_with(&format!("request_id=probe-42 account={account}")), "{household}");
        let missing = lines.iter().find(|l| l.contains(&generated)).unwrap();
        assert!(missing.contains("method=GET route=(unmatched) status=404 "), "{missing}");
        assert!(!missing.contains("account="), "not signed in: {missing}");
        let login = lines.iter().find(|l| l.contains("route=/api/v1/tokens")).unwrap();
        assert!(login.contains("method=POST route=/api/v1/tokens status=401"), "{login}");
        let all = server.log();
        for secret in [token.as_str(), "wrong-password-123", "secret=1", "/no/such/page"] {
            assert!(!all.contains(secret), "the log never carries {secret}: {all}");
        }
        let (status, log) = server.terminate();
        assert!(status.success(), "{status}: {log}");
    }

    async fn the_request_log_in_json_has_the_same_fields(app) {
        let scratch = app.scratch_dir();
        let token = app.token("committee").await;
        let server = Server::start(&app.url, app.store.files_dir(), &scratch.0, &["--log-format", "json"]).await;
        let r = reqwest::Client::new().get(format!("{}/api/v1/me", server.base)).bearer_auth(&token).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let lines = server.request_lines(2).await;
        let me: Vec<serde_json::Value> = lines.iter().map(|l| serde_json::from_str(l).unwrap()).filter(|v: &serde_json::Value| v["route"] == "/api/v1/me").collect();
        assert_eq!(me.len(), 1, "{lines:?}");
        let line = &me[0];
        assert_eq!(line["target"], "linli::request");
        assert_eq!(line["message"], "request");
        assert_eq!(line["method"], "GET");
        assert_eq!(line["status"], 200);
        assert!(line["latency_ms"].as_f64().unwrap() >= 0.0);
        assert_eq!(line["request_id"].as_str().unwrap().len(), 16);
        assert_eq!(line["account"], app.sql_i64("SELECT id FROM account WHERE username = 'committee'").await);
        let (status, _) = server.terminate();
        assert!(status.success());
    }

    async fn metrics_are_served_on_the_admin_address_only(app) {
        let scratch = app.scratch_dir();
        let metrics_port = free_port();
        let metrics_bind = format!("127.0.0.1:{metrics_port}");
        let server = Server::start(&app.url, app.store.files_dir(), &scratch.0, &["--metrics-bind", &metrics_bind]).await;
        for _ in 0..3 {
            assert_eq!(reqwest::get(format!("{}/healthz", server.base)).await.unwrap().status(), 200);
        }
        assert_eq!(reqwest::get(format!("{}/metrics", server.base)).await.unwrap().status(), 404, "not on the public address");
        // A confirmation of an import that does not exist is counted as refused and timed.
        let token = app.token("committee").await;
        let refused = reqwest::Client::new()
            .post(format!("{}/api/v1/compounds/1/roster/imports/999999/confirm", server.base))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert!(refused.status().is_client_error(), "{}", refused.status());
        let text = reqwest::get(format!("http://{metrics_bind}/metrics")).await.unwrap().text().await.unwrap();
        assert!(text.contains("linli_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 3"), "{text}");
        assert!(text.contains("linli_roster_imports_total{result=\"refused\"} 1"), "{text}");
        assert!(text.contains("linli_roster_import_duration_seconds_count 1"), "{text}");
        // The outbox backlog by channel adds up to what waits in the database (no sender runs here).
        let gauge = |channel: &str| -> f64 {
            let prefix = format!("linli_outbox_backlog{{channel=\"{channel}\"}} ");
            let line = text.lines().find(|l| l.starts_with(&prefix)).unwrap_or_else(|| panic!("{prefix}: {text}"));
            line.trim_start_matches(&prefix).parse().unwrap()
        };
        let waiting: f64 = ["unassigned", "email", "sms", "none"].iter().map(|c| gauge(c)).sum();
        let pending = app.sql_i64("SELECT COUNT(*) FROM notification WHERE delivery = 'pending'").await;
        assert_eq!(waiting, pending as f64, "{text}");
        assert!(text.contains("linli_http_requests_total{method=\"GET\",route=\"(unmatched)\",status=\"404\"} 1"), "{text}");
        assert!(text.contains("# TYPE linli_http_request_duration_seconds histogram"), "{text}");
        assert!(text.contains("linli_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"0.005\"}"), "{text}");
        assert!(text.contains("linli_http_request_duration_seconds_count{route=\"/healthz\"} 3"), "{text}");
        assert!(text.contains("# TYPE linli_db_pool_connections_in_use gauge"), "{text}");
        let open = text.lines().find(|l| l.starts_with("linli_db_pool_connections ")).unwrap();
        assert!(open.trim_start_matches("linli_db_pool_connections ").parse::<f64>().unwrap() >= 1.0, "{open}");
        let (status, _) = server.terminate();
        assert!(status.success());
    }

    async fn sigterm_finishes_and_exits_zero(app) {
        let scratch = app.scratch_dir();
        let server = Server::start(&app.url, app.store.files_dir(), &scratch.0, &[]).await;
        let base = server.base.clone();
        let (status, log) = server.terminate();
        assert_eq!(status.code(), Some(0), "{log}");
        assert!(log.contains("signal=\"SIGTERM\"") || log.contains("signal=SIGTERM"), "{log}");
        assert!(log.contains("stopped"), "{log}");
        assert!(reqwest::get(format!("{base}/healthz")).await.is_err(), "no longer accepting");
    }

    async fn settings_come_from_the_file_and_bad_ones_stop_the_start(app) {
        let scratch = app.scratch_dir();
        let file = scratch.0.join("linli.toml");
        let port = free_port();
        std::fs::write(&file, format!("database_url = \"{}\"\nbind = \"127.0.0.1:{port}\"\npublic_url = \"https://linli.example.cn/\"\n\n[backup]\nkeep = 3\n", app.url)).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_linli")).args(["--config", file.to_str().unwrap(), "config"]).env("LINLI_BACKUP__KEEP", "4").output().unwrap();
        let shown = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(shown.contains(&format!("bind = \"127.0.0.1:{port}\"")), "{shown}");
        assert!(shown.contains("public_url = \"https://linli.example.cn\""), "{shown}");
        assert!(shown.contains("keep = 4"), "the environment beats the file: {shown}");

        std::fs::write(&file, "bind = \"127.0.0.1:1\"\n[backup]\nkepp = 3\n").unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_linli")).args(["--config", file.to_str().unwrap(), "serve"]).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1));
        assert!(err.contains(&format!("`backup.kepp` in {} line 3: unknown key `kepp`", file.display())), "{err}");

        let out = Command::new(env!("CARGO_BIN_EXE_linli")).args(["--config", "/nonexistent/linli.toml", "config"]).output().unwrap();
        assert!(String::from_utf8_lossy(&out.stderr).contains("the configuration file /nonexistent/linli.toml does not exist"));
    }

    async fn backups_into_a_directory_keep_the_newest_and_restore(app) {
        let scratch = app.scratch_dir();
        let dir = scratch.0.join("backups");
        let dir_s = dir.to_str().unwrap();
        let mut made = Vec::new();
        for _ in 0..3 {
            let (code, out, err) = app.cli(&["backup", "--to-dir", dir_s, "--keep", "2"]);
            assert_eq!(code, 0, "{out}{err}");
            assert!(out.contains(", verified;"), "{out}");
            made.push(out.split_whitespace().nth(3).unwrap().to_string());
        }
        let ext = if app.backend == Backend::Sqlite { "db" } else { "pgdump" };
        let names = entries(&dir);
        assert_eq!(names.len(), 4, "two backups, each with its files directory: {names:?}");
        for kept in &made[1..] {
            let name = Path::new(kept).file_name().unwrap().to_str().unwrap();
            assert!(name.starts_with("linli-20") && name.ends_with(&format!(".{ext}")), "{name}");
            assert!(names.contains(&name.to_string()), "{name} kept: {names:?}");
        }
        assert!(!Path::new(&made[0]).exists(), "the oldest was removed");
        let (code, _, err) = app.cli(&["backup", "--to-dir", dir_s, "--keep", "0"]);
        assert_ne!(code, 0);
        assert!(err.contains("--keep must be at least 1"), "{err}");

        // Restore: the server is stopped, the copy put in place, started, the audit verified.
        let audit = app.audit_count().await;
        let newest = Path::new(&made[2]);
        let restored = scratch.0.join("restored");
        std::fs::create_dir_all(&restored).unwrap();
        let (url, _keep) = match app.backend {
            Backend::Sqlite => {
                std::fs::copy(newest, restored.join("linli.db")).unwrap();
                (format!("sqlite://{}/linli.db", restored.display()), None)
            }
            Backend::Postgres => {
                let (url, keep) = common::fresh_database(Backend::Postgres).await;
                let out = Command::new("pg_restore").args(["--no-owner", "--dbname", &url]).arg(newest).output().unwrap();
                assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
                (url, keep)
            }
        };
        let files = restored.join("files");
        let copy = Command::new("cp").arg("-a").arg(linli_store::exchange::backup_files_dir(newest)).arg(&files).status().unwrap();
        assert!(copy.success());
        let server = Server::start(&url, &files, &scratch.0, &[]).await;
        let (status, log) = server.terminate();
        assert!(status.success(), "{log}");
        for (check, expect) in [("verify-audit", format!("audit trail intact: {audit} records")), ("verify-files", "files intact".to_string())] {
            let out = Command::new(env!("CARGO_BIN_EXE_linli")).args(["--database-url", &url, "--files-dir"]).arg(&files).arg(check).output().unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(out.status.success() && text.contains(&expect), "{check}: {text}{}", String::from_utf8_lossy(&out.stderr));
        }
    }
}
