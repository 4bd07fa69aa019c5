//! Template databases: the schema migrated and the demo loaded once per backend per build,
//! then copied for each test — a file copy on SQLite, `CREATE DATABASE … TEMPLATE` on
//! PostgreSQL — instead of every test running the migrations and the demo load again.
//!
//! Tests run one per process (nextest), so "once" is across processes: a template is named
//! after the test binary (its size and modification time) and the suite's day, built under a
//! lock (a lock file on SQLite, an advisory lock on PostgreSQL) and published last, so a test
//! never copies a half-built one. A new build of the tests makes new templates.

use super::{Backend, admin_url, block_on_aside, database_on, test_clock, test_day, unique};
use linli_demo_load::{DemoLogin, DemoSummary};
use linli_store::Store;
use sea_orm::ConnectionTrait;
use std::path::{Path, PathBuf};

/// FNV-1a: a hash that is the same in every process (std's hasher is keyed at random).
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The template's name: backend, world, and a fingerprint of this build and day.
fn key(backend: Backend, stories: bool) -> String {
    let exe = std::env::current_exe().expect("the test binary");
    let meta = std::fs::metadata(&exe).expect("the test binary's metadata");
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let print = format!("{}|{}|{modified}|{}", exe.display(), meta.len(), test_day());
    let b = match backend {
        Backend::Sqlite => "s",
        Backend::Postgres => "p",
    };
    let w = if stories { "stories" } else { "world" };
    format!("linli_tpl_{b}_{w}_{:016x}", fnv(print.as_bytes()))
}

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join("linli-templates");
    std::fs::create_dir_all(&d).expect("the templates' directory");
    d
}

/// What a test needs from a template: where it is, its uploaded files and its demo summary.
pub struct Template {
    pub key: String,
    /// The SQLite file (for PostgreSQL the database named `key`).
    pub db: PathBuf,
    pub files: PathBuf,
    pub demo: DemoSummary,
}

fn summary_to_text(d: &DemoSummary) -> String {
    let mut out = format!(
        "{} {} {} {}\n",
        d.compounds, d.units, d.households, d.persons
    );
    for l in &d.logins {
        out.push_str(&format!(
            "{}\t{}\t{}\n",
            l.username,
            l.role.as_str(),
            l.place
        ));
    }
    out
}

fn summary_from_text(text: &str) -> DemoSummary {
    let mut lines = text.lines();
    let counts: Vec<usize> = lines
        .next()
        .expect("the counts")
        .split(' ')
        .map(|n| n.parse().expect("a count"))
        .collect();
    let logins = lines
        .map(|l| {
            let mut f = l.splitn(3, '\t');
            let (name, role, place) = (f.next().unwrap(), f.next().unwrap(), f.next().unwrap());
            DemoLogin {
                // The usernames are the demo's own constants; a test process loads a handful.
                username: Box::leak(name.to_string().into_boxed_str()),
                role: linli_domain::authz::Role::parse(role).expect("a role"),
                place: place.to_string(),
            }
        })
        .collect();
    DemoSummary {
        compounds: counts[0],
        units: counts[1],
        households: counts[2],
        persons: counts[3],
        logins,
    }
}

async fn load(store: &Store, stories: bool) -> DemoSummary {
    let world = linli_demo::featured();
    if stories {
        linli_demo_load::load_demo_world(store, &world, 1).await
    } else {
        linli_demo_load::load_world(store, &world, 0).await
    }
    .expect("load demo")
}

fn copy_dir(from: &Path, to: &Path) {
    if !from.is_dir() {
        return;
    }
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// The template for `backend` and world, built if this build has none yet.
pub async fn get(backend: Backend, stories: bool) -> Template {
    let key = key(backend, stories);
    let d = dir();
    let summary = d.join(format!("{key}.demo"));
    let files = d.join(format!("{key}-files"));
    let db = d.join(format!("{key}.db"));
    match backend {
        Backend::Sqlite => {
            if !db.exists() {
                build_sqlite(&db, &files, &summary, stories).await;
            }
        }
        Backend::Postgres => build_postgres(&key, &files, &summary, stories).await,
    }
    let demo = summary_from_text(&std::fs::read_to_string(&summary).expect("the template's demo"));
    Template {
        key,
        db,
        files,
        demo,
    }
}

/// Keeps what a template has beside its database: the uploaded files the demo made, and the
/// demo's summary (written before the database is published, so it is there when it is).
fn keep_beside(built_files: &Path, files: &Path, summary: &Path, demo: &DemoSummary) {
    if !files.exists() {
        copy_dir(built_files, files);
        std::fs::create_dir_all(files).unwrap();
    }
    std::fs::write(summary, summary_to_text(demo)).unwrap();
}

/// Builds in a directory of its own and publishes by renaming the file into place: two
/// processes may both build at the start, one rename wins, neither copy is ever partial.
async fn build_sqlite(db: &Path, files: &Path, summary: &Path, stories: bool) {
    let work = dir().join(format!("build-{}", unique()));
    std::fs::create_dir_all(&work).unwrap();
    let file = work.join("linli.db");
    let store = Store::open(&format!("sqlite://{}", file.display()))
        .await
        .expect("open the template")
        .with_clock(test_clock());
    let built_files = store.files_dir().to_path_buf();
    let demo = load(&store, stories).await;
    store.close().await.expect("close the template");
    // Whatever the last connection left in the write-ahead log goes into the file itself.
    let wal = work.join("linli.db-wal");
    if wal.metadata().is_ok_and(|m| m.len() > 0) {
        let conn = sea_orm::Database::connect(format!("sqlite://{}", file.display()))
            .await
            .unwrap();
        conn.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
            .await
            .unwrap();
        conn.close().await.unwrap();
    }
    assert!(
        !wal.metadata().is_ok_and(|m| m.len() > 0),
        "the template's write-ahead log is empty"
    );
    keep_beside(&built_files, files, summary, &demo);
    std::fs::rename(&file, db).unwrap();
    let _ = std::fs::remove_dir_all(&work);
}

/// One connection (the advisory lock belongs to a session, so not a pool of several).
async fn admin() -> sea_orm::DatabaseConnection {
    let mut o = sea_orm::ConnectOptions::new(admin_url());
    o.max_connections(1).min_connections(1).sqlx_logging(false);
    sea_orm::Database::connect(o)
        .await
        .expect("connect to LINLI_TEST_PG_URL")
}

async fn exists(conn: &sea_orm::DatabaseConnection, name: &str) -> bool {
    conn.query_one_raw(sea_orm::Statement::from_string(
        sea_orm::DbBackend::Postgres,
        format!("SELECT 1 FROM pg_database WHERE datname = '{name}'"),
    ))
    .await
    .unwrap()
    .is_some()
}

async fn build_postgres(key: &str, files: &Path, summary: &Path, stories: bool) {
    let conn = admin().await;
    if exists(&conn, key).await && summary.exists() {
        return;
    }
    let lock = fnv(key.as_bytes()) as i64;
    conn.execute_unprepared(&format!("SELECT pg_advisory_lock({lock})"))
        .await
        .unwrap();
    if !(exists(&conn, key).await && summary.exists()) {
        let building = format!("linli_tplb_{}", unique());
        conn.execute_unprepared(&format!("CREATE DATABASE {building}"))
            .await
            .unwrap();
        let work = dir().join(format!("build-{}", unique()));
        let store = Store::open(&database_on(&admin_url(), &building))
            .await
            .expect("open the template")
            .with_clock(test_clock())
            .with_files_dir(work.join("linli-files"));
        let demo = load(&store, stories).await;
        store.close().await.expect("close the template");
        keep_beside(&work.join("linli-files"), files, summary, &demo);
        conn.execute_unprepared(&format!("DROP DATABASE IF EXISTS {key}"))
            .await
            .unwrap();
        conn.execute_unprepared(&format!("ALTER DATABASE {building} RENAME TO {key}"))
            .await
            .unwrap();
        let _ = std::fs::remove_dir_all(&work);
    }
    conn.execute_unprepared(&format!("SELECT pg_advisory_unlock({lock})"))
        .await
        .unwrap();
    conn.close().await.unwrap();
}

/// A database of a test's own, copied from the template; dropped with the returned guard.
pub async fn copy(backend: Backend, t: &Template) -> (String, Copy) {
    let scratch = std::env::temp_dir().join(format!("linli-test-{}", unique()));
    std::fs::create_dir_all(&scratch).unwrap();
    match backend {
        Backend::Sqlite => {
            let file = scratch.join("linli.db");
            std::fs::copy(&t.db, &file).unwrap();
            // Uploaded files live beside the SQLite file (`linli.db` → `linli-files/`).
            copy_dir(&t.files, &scratch.join("linli-files"));
            let url = format!("sqlite://{}", file.display());
            (
                url,
                Copy {
                    scratch,
                    database: None,
                },
            )
        }
        Backend::Postgres => {
            let name = format!("linli_t_{}", unique());
            let conn = admin().await;
            conn.execute_unprepared(&format!("CREATE DATABASE {name} TEMPLATE {}", t.key))
                .await
                .unwrap();
            conn.close().await.unwrap();
            copy_dir(&t.files, &scratch.join("linli-files"));
            (
                database_on(&admin_url(), &name),
                Copy {
                    scratch,
                    database: Some(name),
                },
            )
        }
    }
}

/// A test's copy: its directory removed and (PostgreSQL) its database dropped when the test
/// ends, so a run does not leave hundreds of databases in the throwaway cluster's memory.
pub struct Copy {
    pub scratch: PathBuf,
    database: Option<String>,
}

impl Drop for Copy {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.scratch);
        let Some(name) = self.database.take() else {
            return;
        };
        block_on_aside(async move {
            if let Ok(conn) = sea_orm::Database::connect(admin_url()).await {
                let _ = conn
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await;
                let _ = conn.close().await;
            }
        });
    }
}
