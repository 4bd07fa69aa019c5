//! The hot reads — the account behind a request, the household page, the compound page and
//! the household lists — through one code path on both databases, and on SQLite without
//! sqlx's thread hops.
//!
//! sqlx's SQLite driver runs every connection on a thread of its own and hands each statement
//! and each row across a channel; on two cores that hand-over costs more than the query. Here
//! a read is a [`Statement`] (SQL text with `$1`-style or `?` parameters, written once or built
//! by SeaORM for the store's backend) and a mapping from a row ([`Cells`]) to the value the
//! service wants. On PostgreSQL the statement goes through the store's sqlx pool as before;
//! on SQLite it runs on a plain `rusqlite` connection of [`SyncReader`], on the calling
//! thread: an indexed read of a page in WAL mode takes microseconds and never waits for the
//! writer (readers and the writer do not block each other in WAL mode), so a hand-over to a
//! blocking thread (`spawn_blocking`) would cost more than the read itself. Only small,
//! indexed reads belong here; a scan over a whole city stays on the pool.
//!
//! Read-your-writes: the reader opens the same file in WAL mode and each statement runs in a
//! snapshot of its own, so everything committed before it starts is visible. Only reads made
//! through the store (never through a transaction) come here, so nothing reads around an open
//! write transaction of its own.

use crate::Store;
use crate::error::ServiceResult;
use rusqlite::OpenFlags;
use sea_orm::{ConnectionTrait, DbErr, QueryResult, Statement, Value};
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// The values of one row, by position: implemented by a `rusqlite` row and by SeaORM's query
/// result, so one mapping serves both databases.
pub(crate) trait Cells {
    fn int(&self, i: usize) -> Result<i64, DbErr>;
    fn opt_int(&self, i: usize) -> Result<Option<i64>, DbErr>;
    fn text(&self, i: usize) -> Result<String, DbErr>;
    fn opt_text(&self, i: usize) -> Result<Option<String>, DbErr>;
    fn flag(&self, i: usize) -> Result<bool, DbErr>;
}

fn cell_err(i: usize, e: impl std::fmt::Display) -> DbErr {
    DbErr::Type(format!("column {i}: {e}"))
}

impl Cells for rusqlite::Row<'_> {
    fn int(&self, i: usize) -> Result<i64, DbErr> {
        self.get(i).map_err(|e| cell_err(i, e))
    }
    fn opt_int(&self, i: usize) -> Result<Option<i64>, DbErr> {
        self.get(i).map_err(|e| cell_err(i, e))
    }
    fn text(&self, i: usize) -> Result<String, DbErr> {
        self.get(i).map_err(|e| cell_err(i, e))
    }
    fn opt_text(&self, i: usize) -> Result<Option<String>, DbErr> {
        self.get(i).map_err(|e| cell_err(i, e))
    }
    fn flag(&self, i: usize) -> Result<bool, DbErr> {
        self.get(i).map_err(|e| cell_err(i, e))
    }
}

/// A result row of either database through SeaORM. A PostgreSQL integer cell is read straight
/// from sqlx's row: it is 2, 4 or 8 bytes there (SQLite has one kind), and asking SeaORM for
/// an `i64` of a 4-byte cell fails with an error message formatted only to be dropped before
/// the `i32` is asked for. A list of fifty households did that for every row's floor: ~3% of
/// the server's CPU under load. Here the cell's type is looked at once.
impl Cells for QueryResult {
    fn int(&self, i: usize) -> Result<i64, DbErr> {
        self.opt_int(i)?
            .ok_or_else(|| cell_err(i, "NULL where a number is expected"))
    }
    fn opt_int(&self, i: usize) -> Result<Option<i64>, DbErr> {
        match self.try_as_pg_row() {
            Some(row) => pg_int(row, i),
            None => self.try_get_by_index::<Option<i64>>(i),
        }
    }
    fn text(&self, i: usize) -> Result<String, DbErr> {
        self.try_get_by_index(i)
    }
    fn opt_text(&self, i: usize) -> Result<Option<String>, DbErr> {
        self.try_get_by_index(i)
    }
    fn flag(&self, i: usize) -> Result<bool, DbErr> {
        self.try_get_by_index(i)
    }
}

/// An integer cell of a PostgreSQL row, of whichever width its column has.
fn pg_int(row: &sea_orm::sqlx::postgres::PgRow, i: usize) -> Result<Option<i64>, DbErr> {
    use sea_orm::sqlx::{Decode, Row, TypeInfo, ValueRef};
    let raw = row.try_get_raw(i).map_err(|e| cell_err(i, e))?;
    if raw.is_null() {
        return Ok(None);
    }
    let ty = raw.type_info();
    if !matches!(ty.name(), "INT2" | "INT4" | "INT8") {
        return Err(cell_err(
            i,
            format!("{} where an integer is expected", ty.name()),
        ));
    }
    // sqlx decodes a 2-, 4- or 8-byte integer alike (big-endian, sign-extended).
    <i64 as Decode<sea_orm::sqlx::Postgres>>::decode(raw)
        .map(Some)
        .map_err(|e| cell_err(i, e))
}

/// Turns a row into what a service wants; a plain function, so the same one maps the rows of
/// either database.
pub(crate) type RowMap<T> = fn(&dyn Cells) -> Result<T, DbErr>;

/// How many idle reader connections are kept: one per thread that reads at the same time.
const IDLE: usize = 16;

/// Plain SQLite connections to the store's file, read only, lent one per read.
pub struct SyncReader {
    path: PathBuf,
    idle: Mutex<Vec<rusqlite::Connection>>,
    /// Set by [`SyncReader::close`] with the store's pools: a closed store answers no read.
    closed: AtomicBool,
}

impl std::fmt::Debug for SyncReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncReader")
            .field("path", &self.path)
            .finish()
    }
}

impl SyncReader {
    /// A reader of the file a `sqlite:` URL names; `None` for an in-memory database (which a
    /// second connection would not see) or a URL with URI-only options.
    pub(crate) fn for_url(url: &str) -> Option<SyncReader> {
        let rest = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))?;
        let (file, query) = rest.split_once('?').unwrap_or((rest, ""));
        if file.is_empty() || file == ":memory:" || query.contains("mode=memory") {
            return None;
        }
        Some(SyncReader {
            path: PathBuf::from(file),
            idle: Mutex::new(Vec::new()),
            closed: AtomicBool::new(false),
        })
    }

    fn open(&self) -> rusqlite::Result<rusqlite::Connection> {
        let c = rusqlite::Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        c.busy_timeout(Duration::from_secs(10))?;
        // Read only by promise, and prepared statements kept for the next request.
        c.pragma_update(None, "query_only", true)?;
        c.set_prepared_statement_cache_capacity(64);
        Ok(c)
    }

    /// Closes every idle connection and refuses later reads, as the store's closed pools do.
    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
        if let Ok(mut idle) = self.idle.lock() {
            idle.clear();
        }
    }

    /// Runs `stmt` and maps every row, on a lent connection.
    fn query<T>(&self, stmt: &Statement, map: RowMap<T>) -> Result<Vec<T>, DbErr> {
        if self.closed.load(Ordering::SeqCst) {
            return Err(DbErr::ConnectionAcquire(
                sea_orm::ConnAcquireErr::ConnectionClosed,
            ));
        }
        let taken = self.idle.lock().ok().and_then(|mut v| v.pop());
        let conn = match taken {
            Some(c) => c,
            None => self.open().map_err(|e| DbErr::Conn(conn_err(e)))?,
        };
        let out = run(&conn, stmt, map);
        tracing::debug!(target: "linli_store::sql", pool = "sync", sql = %stmt.sql);
        if let Ok(mut idle) = self.idle.lock()
            && idle.len() < IDLE
            && !self.closed.load(Ordering::SeqCst)
        {
            idle.push(conn);
        }
        out
    }
}

fn conn_err(e: rusqlite::Error) -> sea_orm::RuntimeErr {
    sea_orm::RuntimeErr::Internal(format!("sqlite reader: {e}"))
}

fn query_err(e: rusqlite::Error) -> DbErr {
    DbErr::Query(conn_err(e))
}

fn run<T>(conn: &rusqlite::Connection, stmt: &Statement, map: RowMap<T>) -> Result<Vec<T>, DbErr> {
    let mut prepared = conn.prepare_cached(&stmt.sql).map_err(query_err)?;
    let values = stmt.values.as_ref().map(|v| v.0.as_slice()).unwrap_or(&[]);
    for i in 1..=prepared.parameter_count() {
        // `$3` or `?3` is the third value; a bare `?` takes the next in order.
        let n = prepared
            .parameter_name(i)
            .and_then(|name| name.get(1..))
            .and_then(|d| d.parse::<usize>().ok())
            .unwrap_or(i);
        let v = values
            .get(n - 1)
            .ok_or_else(|| DbErr::Type(format!("no value for parameter {n}")))?;
        prepared
            .raw_bind_parameter(i, to_sqlite(v)?)
            .map_err(query_err)?;
    }
    let mut rows = prepared.raw_query();
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(query_err)? {
        out.push(map(row)?);
    }
    Ok(out)
}

fn to_sqlite(v: &Value) -> Result<rusqlite::types::Value, DbErr> {
    use rusqlite::types::Value as S;
    let int = |i: Option<i64>| i.map(S::Integer).unwrap_or(S::Null);
    Ok(match v {
        Value::Bool(b) => int(b.map(i64::from)),
        Value::TinyInt(i) => int(i.map(i64::from)),
        Value::SmallInt(i) => int(i.map(i64::from)),
        Value::Int(i) => int(i.map(i64::from)),
        Value::BigInt(i) => int(*i),
        Value::TinyUnsigned(i) => int(i.map(i64::from)),
        Value::SmallUnsigned(i) => int(i.map(i64::from)),
        Value::Unsigned(i) => int(i.map(i64::from)),
        Value::BigUnsigned(i) => match i {
            Some(u) => S::Integer(i64::try_from(*u).map_err(|e| DbErr::Type(e.to_string()))?),
            None => S::Null,
        },
        Value::Float(f) => f.map(|f| S::Real(f64::from(f))).unwrap_or(S::Null),
        Value::Double(f) => f.map(S::Real).unwrap_or(S::Null),
        Value::String(s) => s.clone().map(S::Text).unwrap_or(S::Null),
        Value::Char(c) => c.map(|c| S::Text(c.to_string())).unwrap_or(S::Null),
        Value::Bytes(b) => b.clone().map(S::Blob).unwrap_or(S::Null),
        other => {
            return Err(DbErr::Type(format!(
                "not a value for the reader: {other:?}"
            )));
        }
    })
}

impl Store {
    /// Every row of a read, mapped: on SQLite through the synchronous reader, on PostgreSQL
    /// (or an in-memory SQLite) through the pool, in a shared trip inside `Store::batched`.
    pub(crate) async fn fetch<T>(&self, stmt: Statement, map: RowMap<T>) -> ServiceResult<Vec<T>> {
        if let Some(reader) = self.sync_reader() {
            return Ok(reader.query(&stmt, map)?);
        }
        if let Some(rows) = self.fetch_ahead(&stmt, map) {
            return Ok(rows?);
        }
        if let Some(queue) = crate::batch::queue() {
            return Ok(self.fetch_queued(queue, stmt, map).await?);
        }
        let rows = self.read().query_all_raw(stmt).await?;
        Ok(rows
            .iter()
            .map(|r| map(r))
            .collect::<Result<Vec<T>, DbErr>>()?)
    }

    /// The first row of a read, mapped.
    pub(crate) async fn fetch_one<T>(
        &self,
        stmt: Statement,
        map: RowMap<T>,
    ) -> ServiceResult<Option<T>> {
        Ok(self.fetch(stmt, map).await?.into_iter().next())
    }

    /// A SeaORM query as a statement for this store's database, to [`Store::fetch`] with a
    /// mapping that reads the columns it selects in order.
    pub(crate) fn built(&self, q: &impl sea_orm::QueryTrait) -> Statement {
        q.build(self.read().get_database_backend())
    }

    /// A statement of hand-written SQL for this store's database. Parameters are written
    /// `$1`, `$2`…, which PostgreSQL and SQLite both read.
    pub(crate) fn sql(&self, sql: &str, values: Vec<Value>) -> Statement {
        Statement::from_sql_and_values(self.read().get_database_backend(), sql, values)
    }
}

#[cfg(test)]
mod tests {
    use rusqlite::{Connection, StatementStatus};

    /// The bundled SQLite is built with the query planner stability guarantee
    /// (`.cargo/config.toml`): a cached statement with a bound `LIMIT` runs with new values
    /// without being prepared again. sqlx and this reader link the same SQLite.
    #[test]
    fn a_cached_statement_with_a_bound_limit_is_planned_once() {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch(
            "CREATE TABLE t(x INTEGER PRIMARY KEY); INSERT INTO t VALUES (1), (2), (3);",
        )
        .unwrap();
        let mut s = c
            .prepare("SELECT x FROM t ORDER BY x LIMIT ?1 OFFSET ?2")
            .unwrap();
        for (limit, offset, want) in [(1, 0, vec![1]), (2, 1, vec![2, 3]), (3, 0, vec![1, 2, 3])] {
            let got = s
                .query_map((limit, offset), |r| r.get::<_, i64>(0))
                .unwrap()
                .collect::<Result<Vec<_>, _>>()
                .unwrap();
            assert_eq!(got, want);
        }
        assert_eq!(s.get_status(StatementStatus::RePrepare), 0);
    }
}
