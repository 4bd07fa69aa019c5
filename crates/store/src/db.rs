//! Connecting to SQLite or PostgreSQL, chosen by the URL.
//!
//! SQLite gets WAL, `busy_timeout`, `foreign_keys=ON` and two pools: many readers, and one
//! writer connection through which every write transaction goes. With a single writer in the
//! process, "database is locked" cannot come from ourselves; a second process waits up to the
//! busy timeout. PostgreSQL uses one pool for both.

use crate::migration::Migrator;
use anyhow::Context;
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use sea_orm_migration::MigratorTrait;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Store {
    read: DatabaseConnection,
    write: DatabaseConnection,
    /// PostgreSQL streaming replicas for the reads that may be a moment old (see `reads`);
    /// empty unless configured. Taken in turn.
    replicas: Arc<Vec<DatabaseConnection>>,
    next_replica: Arc<std::sync::atomic::AtomicUsize>,
    backend: Backend,
    /// Where uploaded files keep their bytes (see `files`).
    files: Arc<crate::files::FileDir>,
    /// The one clock every date-dependent rule reads (see `clock`).
    clock: crate::clock::Clock,
    /// Rate limits and token lifetime (see `limits`).
    limits: crate::limits::Limits,
    /// The pixel budget of uploaded photos and the slots their decoding waits for.
    photos: Arc<crate::files::Photos>,
    /// SQLite only: plain connections for the hot reads (see `sync_read`).
    sync_reader: Option<Arc<crate::sync_read::SyncReader>>,
    /// The compounds' paths as read once (see `paths`).
    compound_paths: Arc<crate::paths::CompoundPaths>,
    /// The households' cities as read before (see `paths`).
    household_cities: Arc<crate::paths::HouseholdCities>,
    /// The round trips [`Store::batched`] has made (see [`Store::batched_trips`]).
    trips: Arc<std::sync::atomic::AtomicU64>,
    /// The most connections each PostgreSQL pool opens (the replicas' too).
    pg_connections: u32,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .field("files", &self.files.root())
            .finish()
    }
}

/// The URL with any password replaced, for logs and error messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..scheme + 3], user, &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Where uploaded files go unless `--files-dir` says otherwise: beside a SQLite file, named
/// after it (`sqlite://data/linli.db` → `data/linli-files`), so the database and its files
/// move together; for PostgreSQL (and an in-memory SQLite) `linli-files` in the working
/// directory. The directory is created at the first upload.
pub fn default_files_dir(url: &str) -> PathBuf {
    let fallback = PathBuf::from("linli-files");
    let Some(rest) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    else {
        return fallback;
    };
    let file = rest.split('?').next().unwrap_or("");
    if file.is_empty() || file == ":memory:" {
        return fallback;
    }
    let file = Path::new(file);
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "linli".into());
    file.with_file_name(format!("{stem}-files"))
}

/// What every pool shares, on either database: one connection kept open, sqlx's own logging
/// off (`traced` logs each statement), and no connection closed for being idle or old. Without
/// a period to reap them sqlx runs no maintenance loop per pool; that loop was seen spinning
/// forever while a runtime shut down, its sleeps returning at once, so the process never
/// ended. A SQLite connection is an open file and loses only its statement cache when closed.
fn pool_options(url: &str, max_connections: u32) -> ConnectOptions {
    let mut o = ConnectOptions::new(url);
    o.max_connections(max_connections)
        .min_connections(1)
        .idle_timeout(None::<Duration>)
        .max_lifetime(None::<Duration>)
        .sqlx_logging(false);
    o
}

/// The most connections a PostgreSQL pool (the primary's, each replica's) opens unless the
/// installation sets `database_connections`: twice the cores this process may use, at least
/// 4 and at most 16. A server runs as many statements at once as it has cores; more
/// connections than that only queue inside it and switch between backends. On 2 cores
/// shared by linli, PostgreSQL and `wrk` (32 connections), 4 against 16 gave the household
/// page 2,990 against 2,497 requests/s, the compound page 3,916 against 3,649 and the
/// household write 1,443 against 1,233 (its commits still share a flush), the list 2,085
/// against 2,073.
pub fn default_postgres_connections() -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    u32::try_from(2 * cores).unwrap_or(u32::MAX).clamp(4, 16)
}

/// The pool of a PostgreSQL server, the primary's and each replica's alike, of at most
/// `connections` connections.
///
/// sqlx pings a pooled connection each time it lends it (a round trip, and a wake-up of the
/// server's backend): on a page of three reads that was three extra trips. A connection is
/// pinged only after half a minute idle, when it may have been dropped by the server or the
/// network (no pool closes idle connections itself, see `pool_options`); a broken one in
/// between fails its read like any other error.
///
/// PostgreSQL's default `random_page_cost` (4) prices a random read as if from a spinning
/// disk, and with it the planner joined a page of 50 households to its units and compound by
/// reading every unit and compound into a hash table (the household list's page read: 3.6 ms
/// instead of 1.0 ms per run, measured with `pgbench`). Each connection lowers it to 1.1 (the
/// usual value for data in memory or on SSD) unless the server, database or role already set
/// another value.
fn postgres_options(url: &str, connections: u32) -> ConnectOptions {
    let mut o = pool_options(url, connections);
    o.connect_timeout(Duration::from_secs(10))
        .test_before_acquire_if_idle_for(Duration::from_secs(30))
        .map_sqlx_postgres_pool_opts(|pool| {
            pool.after_connect(|conn, _| {
                Box::pin(async move {
                    use sea_orm::sqlx::Executor;
                    conn.execute(
                        "SELECT set_config('random_page_cost', '1.1', false) \
                         WHERE current_setting('random_page_cost') = '4'",
                    )
                    .await
                    .map(|_| ())
                })
            })
        });
    o
}

impl Store {
    /// Connects without migrating.
    pub async fn connect(url: &str) -> anyhow::Result<Store> {
        Store::connect_with(url, None).await
    }

    /// Connects without migrating, a PostgreSQL pool opening at most `connections`
    /// connections (default [`default_postgres_connections`]); SQLite's pools are one writer
    /// and the readers, whatever it says.
    pub async fn connect_with(url: &str, connections: Option<u32>) -> anyhow::Result<Store> {
        let pg_connections = connections
            .filter(|n| *n > 0)
            .unwrap_or_else(default_postgres_connections);
        if url.starts_with("sqlite:") {
            let tune = |o: SqliteConnectOptions| {
                o.create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(10))
                    .foreign_keys(true)
            };
            let mut w = pool_options(url, 1);
            w.map_sqlx_sqlite_opts(tune);
            let write = traced(
                Database::connect(w)
                    .await
                    .with_context(|| format!("opening {}", redact(url)))?,
                "write",
            );
            let mut r = pool_options(url, 8);
            r.map_sqlx_sqlite_opts(tune);
            let read = traced(
                Database::connect(r)
                    .await
                    .with_context(|| format!("opening {}", redact(url)))?,
                "read",
            );
            Ok(Store {
                read,
                write,
                replicas: Arc::default(),
                next_replica: Arc::default(),
                backend: Backend::Sqlite,
                files: Arc::new(crate::files::FileDir::new(default_files_dir(url))),
                clock: crate::clock::Clock::system(),
                limits: Default::default(),
                photos: Arc::new(crate::files::Photos::new(Default::default())),
                sync_reader: crate::sync_read::SyncReader::for_url(url).map(Arc::new),
                compound_paths: Arc::default(),
                household_cities: Arc::default(),
                trips: Arc::default(),
                pg_connections,
            })
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let db = traced(
                Database::connect(postgres_options(url, pg_connections))
                    .await
                    .with_context(|| format!("connecting to {}", redact(url)))?,
                "primary",
            );
            Ok(Store {
                read: db.clone(),
                write: db,
                replicas: Arc::default(),
                next_replica: Arc::default(),
                backend: Backend::Postgres,
                files: Arc::new(crate::files::FileDir::new(default_files_dir(url))),
                clock: crate::clock::Clock::system(),
                limits: Default::default(),
                photos: Arc::new(crate::files::Photos::new(Default::default())),
                sync_reader: None,
                compound_paths: Arc::default(),
                household_cities: Arc::default(),
                trips: Arc::default(),
                pg_connections,
            })
        } else {
            anyhow::bail!(
                "unsupported database URL {} (use sqlite://… or postgres://…)",
                redact(url)
            )
        }
    }

    /// Connects and brings the schema up to date.
    pub async fn open(url: &str) -> anyhow::Result<Store> {
        Store::open_with(url, None).await
    }

    /// [`Store::open`] with at most `connections` per PostgreSQL pool (see
    /// [`Store::connect_with`]).
    pub async fn open_with(url: &str, connections: Option<u32>) -> anyhow::Result<Store> {
        let store = Store::connect_with(url, connections).await?;
        store.migrate().await?;
        Ok(store)
    }

    pub async fn migrate(&self) -> anyhow::Result<()> {
        Migrator::up(&self.write, None)
            .await
            .context("running migrations")?;
        // A database analysed by an older linli may still hold value samples.
        self.drop_value_samples()
            .await
            .context("removing the planner's value samples")
    }

    /// Rolls back the last `steps` migrations, or runs the next `steps` (`up`): used by the
    /// migration tests, one step at a time.
    pub async fn migrate_steps(&self, up: bool, steps: u32) -> anyhow::Result<()> {
        // Rolled back, the compounds may go with their table.
        self.compound_paths.clear();
        self.household_cities.clear();
        if up {
            Migrator::up(&self.write, Some(steps)).await
        } else {
            Migrator::down(&self.write, Some(steps)).await
        }
        .context("running migrations step by step")
    }

    /// Rolls back every migration: used by the migration tests.
    pub async fn migrate_down_all(&self) -> anyhow::Result<()> {
        self.compound_paths.clear();
        self.household_cities.clear();
        Migrator::down(&self.write, None)
            .await
            .context("rolling back migrations")
    }

    /// The same store with uploaded files kept under `dir` instead of the default
    /// ([`default_files_dir`]). Every server of one database must use the same directory.
    pub fn with_files_dir(mut self, dir: impl Into<PathBuf>) -> Store {
        self.files = Arc::new(crate::files::FileDir::new(dir.into()));
        self
    }

    /// The same store with other limits for decoding uploaded photos.
    pub fn with_photo_limits(mut self, limits: crate::files::PhotoLimits) -> Store {
        self.photos = Arc::new(crate::files::Photos::new(limits));
        self
    }

    pub(crate) fn compound_paths(&self) -> &crate::paths::CompoundPaths {
        &self.compound_paths
    }

    pub(crate) fn household_cities(&self) -> &crate::paths::HouseholdCities {
        &self.household_cities
    }

    /// Keeps `city_id` as household `id`'s city, as a read of it would: for tests of a hint
    /// gone stale (a read in the wrong city must still find the household by its id).
    pub fn keep_household_city(&self, id: i64, city_id: i64) {
        self.household_cities.keep(id, city_id);
    }

    /// How many round trips the batched reads ([`Store::batched`]) have made since the store
    /// was opened: what tests count to see that a page's reads share their trips.
    pub fn batched_trips(&self) -> u64 {
        self.trips.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub(crate) fn count_trip(&self) {
        self.trips
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    pub(crate) fn photos(&self) -> &crate::files::Photos {
        &self.photos
    }

    /// The same store reading another clock (tests: [`Clock::fixed`](crate::clock::Clock::fixed)).
    pub fn with_clock(mut self, clock: crate::clock::Clock) -> Store {
        self.clock = clock;
        self
    }

    /// The same store with other rate limits and token lifetime (`serve`'s flags, tests).
    pub fn with_limits(mut self, limits: crate::limits::Limits) -> Store {
        self.limits = limits;
        self
    }

    pub fn limits(&self) -> &crate::limits::Limits {
        &self.limits
    }

    pub fn clock(&self) -> &crate::clock::Clock {
        &self.clock
    }

    /// Unix seconds on the store's clock: the one "now" of every stored timestamp and rule.
    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    /// Today in China on the store's clock.
    pub fn today(&self) -> time::Date {
        self.clock.today()
    }

    /// The directory holding the bytes of uploaded files.
    pub fn files_dir(&self) -> &Path {
        self.files.root()
    }

    pub(crate) fn file_dir(&self) -> &crate::files::FileDir {
        &self.files
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The connection for a read: the primary, or a replica inside [`Store::on_replica`]
    /// when the reader has not just written (see `reads`).
    pub fn read(&self) -> &DatabaseConnection {
        if self.replicas.is_empty() || !crate::reads::replica_allowed() {
            return &self.read;
        }
        let n = self
            .next_replica
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        &self.replicas[n % self.replicas.len()]
    }

    /// Whether the hot reads go through the synchronous reader (SQLite on a file).
    pub fn reads_synchronously(&self) -> bool {
        self.sync_reader.is_some()
    }

    /// The synchronous reader of the hot reads: SQLite on a file only.
    pub(crate) fn sync_reader(&self) -> Option<&crate::sync_read::SyncReader> {
        self.sync_reader.as_deref()
    }

    pub(crate) fn has_replicas(&self) -> bool {
        !self.replicas.is_empty()
    }

    /// The same store sending dashboards, long lists and exports to these PostgreSQL
    /// streaming replicas (`--read-database-url`), in turn. Refused for SQLite, whose file
    /// has no replicas, and for a URL that is not PostgreSQL.
    pub async fn with_replicas(mut self, urls: &[String]) -> anyhow::Result<Store> {
        if urls.is_empty() {
            return Ok(self);
        }
        anyhow::ensure!(
            self.backend == Backend::Postgres,
            "read replicas need a PostgreSQL database (the database URL is SQLite)"
        );
        let mut replicas = Vec::with_capacity(urls.len());
        for url in urls {
            anyhow::ensure!(
                url.starts_with("postgres:") || url.starts_with("postgresql:"),
                "the read database {} is not a PostgreSQL URL",
                redact(url)
            );
            replicas.push(traced(
                Database::connect(postgres_options(url, self.pg_connections))
                    .await
                    .with_context(|| format!("connecting to the read database {}", redact(url)))?,
                "replica",
            ));
        }
        self.replicas = Arc::new(replicas);
        Ok(self)
    }

    /// The primary's connection, for a read that must see the latest writes (or a write
    /// outside [`Store::begin_write`]).
    pub fn write(&self) -> &DatabaseConnection {
        &self.write
    }

    /// Starts a write transaction. On SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`): a deferred transaction that reads before it writes cannot wait for
    /// another process's writer (SQLite answers "database is locked" at once rather than risk
    /// a deadlock), while an immediate one waits up to the busy timeout like any other write.
    /// This is what lets a second server, or `linli import`, write to the same file.
    /// Public for bulk loaders outside the services (the demo load), which write many tables
    /// in one transaction and record it in the audit trail themselves.
    pub async fn begin_write(&self) -> Result<DatabaseTransaction, DbErr> {
        match self.backend {
            Backend::Sqlite => {
                let options = TransactionOptions {
                    sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                    ..Default::default()
                };
                self.write.begin_with_options(options).await
            }
            Backend::Postgres => {
                let txn = self.write.begin().await?;
                if self.has_replicas() {
                    self.stamp_write(&txn).await?;
                }
                Ok(txn)
            }
        }
    }

    /// With replicas: the rest of this request, and the writer's requests for a while,
    /// read from the primary (see `reads`). The stamp commits or rolls back with the write.
    async fn stamp_write(&self, txn: &DatabaseTransaction) -> Result<(), DbErr> {
        use sea_orm::{ConnectionTrait, Statement};
        crate::reads::pin_to_primary();
        if let Some(account) = crate::reads::writer() {
            txn.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "INSERT INTO recent_write (account_id, at) VALUES ($1, $2) \
                 ON CONFLICT (account_id) DO UPDATE SET at = EXCLUDED.at",
                [account.into(), self.now().into()],
            ))
            .await?;
        }
        Ok(())
    }

    /// Refreshes the query planner's statistics. After a bulk load PostgreSQL knows nothing of
    /// the new rows until autovacuum gets to them (up to a minute later) and meanwhile plans a
    /// join of 50 households as a scan of every person; measured: 32 ms instead of 0.2 ms.
    pub async fn analyze(&self) -> Result<(), DbErr> {
        use sea_orm::ConnectionTrait;
        self.write.execute_unprepared("ANALYZE").await?;
        self.drop_value_samples().await
    }

    /// Refreshes, on SQLite, the statistics of the tables that have grown or shrunk a lot
    /// since they were taken (`PRAGMA optimize`, which checks every table's size against its
    /// statistics and samples only those it analyses). Statistics taken while a table was
    /// nearly empty make SQLite scan it whole once it is not: a household's history read as
    /// a scan of the audit trail cost the household page five sixths of its speed. `serve`
    /// calls this at start and every few hours; PostgreSQL's autovacuum does the same there.
    pub async fn refresh_statistics(&self) -> Result<(), DbErr> {
        use sea_orm::ConnectionTrait;
        if self.backend != Backend::Sqlite {
            return Ok(());
        }
        // 0x10000: every table, not only those this connection has used; 0x10: a sampled
        // ANALYZE; 0x2: analyse those whose size moved 25-fold since their statistics.
        self.write
            .execute_unprepared("PRAGMA optimize = 0x10012")
            .await?;
        self.drop_value_samples().await
    }

    /// Keeps SQLite's statistics to their summary (`sqlite_stat1`) and removes the value
    /// samples (`sqlite_stat4`) that `ANALYZE` gathers in the bundled build. With samples, a
    /// statement whose plan might depend on a bound value is prepared again each time it runs
    /// with new values, so the prepared statements kept by the readers were parsed and
    /// planned again on every request: measured on the household and compound pages, a third
    /// of their CPU time. The store's queries are indexed look-ups whose plan the summary
    /// decides as well.
    async fn drop_value_samples(&self) -> Result<(), DbErr> {
        use sea_orm::{ConnectionTrait, Statement};
        if self.backend != Backend::Sqlite {
            return Ok(());
        }
        let has_samples = self
            .write
            .query_one_raw(Statement::from_string(
                DbBackend::Sqlite,
                "SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_stat4'",
            ))
            .await?
            .is_some();
        if has_samples {
            // `ANALYZE sqlite_schema` reloads the statistics the connection plans with.
            self.write
                .execute_unprepared("DELETE FROM sqlite_stat4; ANALYZE sqlite_schema;")
                .await?;
        }
        Ok(())
    }

    /// Whether the registry holds no compound yet (the demo is only loaded into an empty one).
    pub async fn is_empty(&self) -> anyhow::Result<bool> {
        use sea_orm::{EntityTrait, PaginatorTrait};
        Ok(crate::entity::compound::Entity::find()
            .count(self.read())
            .await?
            == 0)
    }

    /// Refreshes SQLite's planner statistics of a few tables after a bulk write, sampling
    /// each index (`analysis_limit`) instead of reading it whole: the planner needs the shape
    /// of the data, not an exact count.
    ///
    /// PostgreSQL is left to autovacuum, as in [`Store::refresh_statistics`]: it plans with
    /// each table's current size (read from the file at plan time, not from the last
    /// `ANALYZE`), and analysing the partitioned audit table after a roster import took 0.8 s
    /// of the import's 8.9.
    pub(crate) async fn analyze_tables(&self, tables: &[&str]) -> Result<(), DbErr> {
        use sea_orm::ConnectionTrait;
        if self.backend != Backend::Sqlite {
            return Ok(());
        }
        let each: Vec<String> = tables.iter().map(|t| format!("ANALYZE {t};")).collect();
        let sql = format!(
            "PRAGMA analysis_limit = 1000; {} PRAGMA analysis_limit = 0;",
            each.join(" ")
        );
        self.write.execute_unprepared(&sql).await?;
        self.drop_value_samples().await
    }

    pub fn db_backend(&self) -> DbBackend {
        self.write.get_database_backend()
    }

    /// Checks that the database answers, for `/healthz`-style probes and start-up.
    pub async fn ping(&self) -> anyhow::Result<()> {
        self.read.ping().await.context("database ping")
    }

    /// Closes the pools so that a file database is fully written (WAL checkpointed).
    pub async fn close(self) -> anyhow::Result<()> {
        if let Some(reader) = &self.sync_reader {
            reader.close();
        }
        self.read.close().await?;
        self.write.close().await?;
        for r in self.replicas.iter() {
            r.clone().close().await?;
        }
        Ok(())
    }
}

/// Logs every statement a pool runs, with its time, at debug level under the target
/// `linli_store::sql` (`RUST_LOG=linli_store::sql=debug`): the way to see which reads of a page
/// still go through sqlx rather than the synchronous reader, and what each costs. The
/// callback is only installed when that level is on, so it costs nothing otherwise.
fn traced(mut db: DatabaseConnection, pool: &'static str) -> DatabaseConnection {
    if tracing::enabled!(target: "linli_store::sql", tracing::Level::DEBUG) {
        db.set_metric_callback(move |info| {
            tracing::debug!(
                target: "linli_store::sql",
                pool,
                micros = info.elapsed.as_micros() as u64,
                failed = info.failed,
                sql = %info.statement.sql,
            );
        });
    }
    db
}

#[cfg(test)]
mod tests {
    use super::default_files_dir;
    use std::path::PathBuf;

    #[test]
    fn files_go_beside_the_sqlite_file_or_into_the_working_directory() {
        assert_eq!(
            default_files_dir("sqlite://linli.db"),
            PathBuf::from("linli-files")
        );
        assert_eq!(
            default_files_dir("sqlite:///var/lib/linli/main.db?mode=rwc"),
            PathBuf::from("/var/lib/linli/main-files")
        );
        assert_eq!(
            default_files_dir("sqlite://data/x.sqlite"),
            PathBuf::from("data/x-files")
        );
        assert_eq!(
            default_files_dir("sqlite::memory:"),
            PathBuf::from("linli-files")
        );
        assert_eq!(
            default_files_dir("postgres://u:p@db/linli"),
            PathBuf::from("linli-files")
        );
    }
}
