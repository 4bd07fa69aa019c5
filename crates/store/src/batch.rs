//! Several independent reads of a page in one PostgreSQL round trip.
//!
//! On PostgreSQL every statement is a round trip through sqlx and the server, and a page of
//! ten small indexed reads spends most of its time (and CPU, on both sides) on the trips, not
//! on the reads. Inside [`Store::batched`], the reads made through [`Store::fetch`] do not
//! run at once: each waits in a queue, and when every branch of the body (written with
//! `tokio::try_join!`) is waiting, the queue runs as ONE statement,
//!
//! ```sql
//! SELECT (SELECT CAST(json_agg(t) AS TEXT) FROM (<read 1>) t),
//!        (SELECT CAST(json_agg(t) AS TEXT) FROM (<read 2>) t), …
//! ```
//!
//! with the parameters of each read renumbered after those of the reads before it. Each
//! read's rows come back as one JSON array of objects whose values, in column order, are the
//! [`Cells`] its own mapping reads: the SQL and the mapping of every read stay the same on
//! both databases, only the trip is shared. A read that depends on another's rows simply
//! waits for the next trip, so a page costs as many trips as its longest chain of reads.
//!
//! SQLite is untouched: its hot reads run on the synchronous reader, where a read costs
//! microseconds and there is no trip to share, and `try_join!` there runs the branches one
//! after another as before. Reads made otherwise (SeaORM's `.one(db)`, a transaction) are not
//! queued; they run as before, concurrently with the rest of the body.

use crate::Store;
use crate::sync_read::{Cells, RowMap};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, QueryResult, Statement};
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

tokio::task_local! {
    static QUEUE: Arc<Waiters>;
    static AHEAD: Arc<Ahead>;
}

/// Reads made ahead of the body that will ask for them ([`Store::reading_ahead`]): each
/// statement with its rows, taken by the first [`Store::fetch`] of the same statement.
#[derive(Default)]
struct Ahead {
    read: Mutex<Vec<(Statement, bool, Rows)>>,
}

/// The reads waiting for the next trip of one [`Store::batched`] body.
#[derive(Default)]
struct Waiters {
    waiting: Mutex<Vec<Waiting>>,
}

struct Waiting {
    stmt: Statement,
    /// Whether the read may go to a replica (decided where it was asked, as `Store::read`
    /// would have).
    replica: bool,
    slot: Arc<Slot>,
}

/// Where a queued read's rows are left for it.
#[derive(Default)]
struct Slot {
    rows: Mutex<Option<Result<Rows, DbErr>>>,
    waker: Mutex<Option<Waker>>,
}

impl Slot {
    fn fill(&self, rows: Result<Rows, DbErr>) {
        if let Ok(mut r) = self.rows.lock() {
            *r = Some(rows);
        }
        if let Some(w) = self.waker.lock().ok().and_then(|mut w| w.take()) {
            w.wake();
        }
    }

    fn poll(&self, cx: &mut Context<'_>) -> Poll<Result<Rows, DbErr>> {
        if let Some(rows) = self.rows.lock().ok().and_then(|mut r| r.take()) {
            return Poll::Ready(rows);
        }
        if let Ok(mut w) = self.waker.lock() {
            *w = Some(cx.waker().clone());
        }
        Poll::Pending
    }
}

/// A read's rows: as sqlx gave them when it went alone, or decoded from its JSON array.
enum Rows {
    Plain(Vec<QueryResult>),
    Json(Vec<JsonRow>),
}

/// One row of a combined read: the values of its JSON object in column order (names are
/// dropped, so two columns of the same name each keep their place).
pub(crate) struct JsonRow(Vec<serde_json::Value>);

impl<'de> Deserialize<'de> for JsonRow {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Values;
        impl<'de> Visitor<'de> for Values {
            type Value = JsonRow;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a row as a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<JsonRow, A::Error> {
                let mut out = Vec::with_capacity(m.size_hint().unwrap_or(8));
                while let Some((IgnoredAny, v)) = m.next_entry::<IgnoredAny, serde_json::Value>()? {
                    out.push(v);
                }
                Ok(JsonRow(out))
            }
        }
        d.deserialize_map(Values)
    }
}

impl JsonRow {
    fn cell(&self, i: usize) -> Result<&serde_json::Value, DbErr> {
        self.0
            .get(i)
            .ok_or_else(|| DbErr::Type(format!("column {i}: no such column")))
    }
}

fn json_err(i: usize, v: &serde_json::Value, want: &str) -> DbErr {
    DbErr::Type(format!("column {i}: {v} is not {want}"))
}

impl Cells for JsonRow {
    fn int(&self, i: usize) -> Result<i64, DbErr> {
        self.opt_int(i)?
            .ok_or_else(|| DbErr::Type(format!("column {i}: null is not an integer")))
    }
    fn opt_int(&self, i: usize) -> Result<Option<i64>, DbErr> {
        match self.cell(i)? {
            serde_json::Value::Null => Ok(None),
            v => v
                .as_i64()
                .map(Some)
                .ok_or_else(|| json_err(i, v, "an integer")),
        }
    }
    fn text(&self, i: usize) -> Result<String, DbErr> {
        self.opt_text(i)?
            .ok_or_else(|| DbErr::Type(format!("column {i}: null is not a text")))
    }
    fn opt_text(&self, i: usize) -> Result<Option<String>, DbErr> {
        match self.cell(i)? {
            serde_json::Value::Null => Ok(None),
            serde_json::Value::String(s) => Ok(Some(s.clone())),
            v => Err(json_err(i, v, "a text")),
        }
    }
    fn flag(&self, i: usize) -> Result<bool, DbErr> {
        match self.cell(i)? {
            serde_json::Value::Bool(b) => Ok(*b),
            v => Err(json_err(i, v, "a boolean")),
        }
    }
}

/// `sql` with every parameter `$n` outside quotes written `$(n + shift)`.
fn shifted(sql: &str, shift: usize, out: &mut String) {
    let mut quote: Option<char> = None;
    let mut chars = sql.chars().peekable();
    while let Some(ch) = chars.next() {
        match quote {
            Some(q) => {
                if ch == q {
                    quote = None;
                }
                out.push(ch);
            }
            None if ch == '\'' || ch == '"' => {
                quote = Some(ch);
                out.push(ch);
            }
            None if ch == '$' && chars.peek().is_some_and(char::is_ascii_digit) => {
                let mut n = 0usize;
                while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
                    n = n * 10 + d as usize;
                    chars.next();
                }
                out.push('$');
                out.push_str(&(n + shift).to_string());
            }
            None => out.push(ch),
        }
    }
}

/// The reads of `batch` as one statement of one row, a JSON text per read.
fn combined(batch: &[&Waiting]) -> Statement {
    let mut sql = String::from("SELECT ");
    let mut values = Vec::new();
    for (i, w) in batch.iter().enumerate() {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str("(SELECT CAST(json_agg(t) AS TEXT) FROM (");
        shifted(&w.stmt.sql, values.len(), &mut sql);
        sql.push_str(") t)");
        if let Some(v) = &w.stmt.values {
            values.extend(v.0.iter().cloned());
        }
    }
    Statement::from_sql_and_values(DbBackend::Postgres, sql, values)
}

/// The rows of each read of a combined statement's one row.
fn split(row: &QueryResult, n: usize) -> Result<Vec<Vec<JsonRow>>, DbErr> {
    (0..n)
        .map(|i| {
            let text: Option<String> = row.try_get_by_index(i)?;
            match text {
                // `json_agg` of no rows is NULL.
                None => Ok(Vec::new()),
                Some(t) => serde_json::from_str(&t)
                    .map_err(|e| DbErr::Type(format!("read {i} of a batch: {e}"))),
            }
        })
        .collect()
}

impl Store {
    /// Runs a read-only body whose reads through [`Store::fetch`] share round trips on
    /// PostgreSQL (see the module's documentation); elsewhere it is the body as it is.
    ///
    /// A body inside another batched body queues its reads in the outer one's trips, so a
    /// service that batches its own reads can itself be read alongside another (a page's
    /// sign-in).
    pub async fn batched<F: Future>(&self, work: F) -> F::Output {
        if !self.reads_in_batches() || queue().is_some() {
            return work.await;
        }
        let queue = Arc::new(Waiters::default());
        let mut work = std::pin::pin!(work);
        let mut trip: Option<Pin<Box<dyn Future<Output = ()> + Send + '_>>> = None;
        std::future::poll_fn(|cx| {
            loop {
                if let Some(t) = trip.as_mut()
                    && t.as_mut().poll(cx).is_ready()
                {
                    trip = None;
                }
                if let Poll::Ready(out) = QUEUE.sync_scope(queue.clone(), || work.as_mut().poll(cx))
                {
                    return Poll::Ready(out);
                }
                if trip.is_some() {
                    return Poll::Pending;
                }
                let waiting = queue
                    .waiting
                    .lock()
                    .map(|mut w| std::mem::take(&mut *w))
                    .unwrap_or_default();
                if waiting.is_empty() {
                    return Poll::Pending;
                }
                trip = Some(Box::pin(self.trip(waiting)));
            }
        })
        .await
    }

    /// Runs the waiting reads, one statement for those of the primary and one for those of
    /// the replicas, and leaves each its rows.
    async fn trip(&self, waiting: Vec<Waiting>) {
        for replica in [false, true] {
            let mut batch: Vec<&Waiting> =
                waiting.iter().filter(|w| w.replica == replica).collect();
            // In one order whatever order the branches asked in, so that a page's combined
            // statement has one text, prepared once per connection.
            batch.sort_by(|a, b| a.stmt.sql.cmp(&b.stmt.sql));
            if batch.is_empty() {
                continue;
            }
            let run = async {
                self.count_trip();
                let db = self.read();
                if let [one] = batch.as_slice() {
                    let rows = db.query_all_raw(one.stmt.clone()).await.map(Rows::Plain);
                    one.slot.fill(rows);
                    return;
                }
                let rows = match db.query_one_raw(combined(&batch)).await {
                    Ok(Some(row)) => split(&row, batch.len()),
                    Ok(None) => Err(DbErr::RecordNotFound("a batch's row".into())),
                    Err(e) => Err(e),
                };
                match rows {
                    Ok(rows) => {
                        for (w, rows) in batch.iter().zip(rows) {
                            w.slot.fill(Ok(Rows::Json(rows)));
                        }
                    }
                    Err(e) => {
                        for w in &batch {
                            w.slot.fill(Err(DbErr::Custom(e.to_string())));
                        }
                    }
                }
            };
            if replica {
                crate::reads::replica_scope(run).await;
            } else {
                run.await;
            }
        }
    }

    /// Runs `work` where reads made ahead ([`Store::read_ahead`]) wait for the `fetch` that
    /// asks for the same statement. A page whose first trip (the sign-in's) can already name
    /// what its second would read sends those reads with the first; the second trip then
    /// finds them here and does not go. The services ask for what they read as before, after
    /// their checks: a read ahead is only ever handed to the same statement, and one that no
    /// service asks for is dropped unseen. The body must be read-only, as a page's is: rows
    /// read ahead are as of the first trip, and a read after a write of its own would be
    /// handed them. On SQLite (no trips) `work` runs as it is.
    pub async fn reading_ahead<F: Future>(&self, work: F) -> F::Output {
        if !self.reads_in_batches() || AHEAD.try_with(|_| ()).is_ok() {
            return work.await;
        }
        AHEAD.scope(Arc::new(Ahead::default()), work).await
    }

    /// Reads `stmts` in the current trip, for the `fetch`es of [`Store::reading_ahead`]'s body
    /// that will ask for them. Nothing outside such a body and a batch.
    pub(crate) async fn read_ahead(&self, stmts: Vec<Statement>) {
        let (Some(queue), Ok(ahead)) = (queue(), AHEAD.try_with(Arc::clone)) else {
            return;
        };
        let replica = crate::reads::replica_allowed();
        // Every read is queued before any is waited for, so they all go in one trip.
        let slots: Vec<(Statement, Arc<Slot>)> = stmts
            .into_iter()
            .map(|stmt| (stmt.clone(), queue.enqueue(stmt, replica)))
            .collect();
        for (stmt, slot) in slots {
            // A read ahead that failed is simply not there: its `fetch` reads it again and
            // meets the error itself.
            if let Ok(rows) = std::future::poll_fn(|cx| slot.poll(cx)).await
                && let Ok(mut read) = ahead.read.lock()
            {
                read.push((stmt, replica, rows));
            }
        }
    }

    /// [`Store::fetch`] of a statement read ahead, if it was: its rows, mapped.
    pub(crate) fn fetch_ahead<T>(
        &self,
        stmt: &Statement,
        map: RowMap<T>,
    ) -> Option<Result<Vec<T>, DbErr>> {
        let replica = crate::reads::replica_allowed();
        let rows = AHEAD
            .try_with(|a| {
                let mut read = a.read.lock().ok()?;
                let at = read
                    .iter()
                    .position(|(s, r, _)| *r == replica && s == stmt)?;
                Some(read.swap_remove(at).2)
            })
            .ok()
            .flatten()?;
        Some(map_rows(rows, map))
    }

    /// Whether [`Store::batched`] shares trips: on PostgreSQL (SQLite's hot reads have none
    /// to share).
    pub(crate) fn reads_in_batches(&self) -> bool {
        self.sync_reader().is_none() && self.read().get_database_backend() == DbBackend::Postgres
    }

    /// [`Store::fetch`] inside a batch: queues the read and maps its rows when they come.
    pub(crate) async fn fetch_queued<T>(
        &self,
        queue: Queue,
        stmt: Statement,
        map: RowMap<T>,
    ) -> Result<Vec<T>, DbErr> {
        let slot = queue.enqueue(stmt, crate::reads::replica_allowed());
        let rows = std::future::poll_fn(|cx| slot.poll(cx)).await?;
        map_rows(rows, map)
    }
}

fn map_rows<T>(rows: Rows, map: RowMap<T>) -> Result<Vec<T>, DbErr> {
    match rows {
        Rows::Plain(rows) => rows.iter().map(|r| map(r)).collect(),
        Rows::Json(rows) => rows.iter().map(|r| map(r)).collect(),
    }
}

/// The queue of the batch this read is in, if any.
pub(crate) fn queue() -> Option<Queue> {
    QUEUE.try_with(|q| Queue(q.clone())).ok()
}

/// A handle on a batch's queue (see [`queue`]).
pub(crate) struct Queue(Arc<Waiters>);

impl Queue {
    /// Queues `stmt` for the batch's next trip; its rows come in the slot returned.
    fn enqueue(&self, stmt: Statement, replica: bool) -> Arc<Slot> {
        let slot = Arc::new(Slot::default());
        if let Ok(mut w) = self.0.waiting.lock() {
            w.push(Waiting {
                stmt,
                replica,
                slot: slot.clone(),
            });
        }
        slot
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_renumbered_outside_quotes_only() {
        let mut out = String::new();
        shifted("a = $1 AND b = '$1' AND \"$2\" = $12", 3, &mut out);
        assert_eq!(out, "a = $4 AND b = '$1' AND \"$2\" = $15");
    }

    #[test]
    fn a_json_row_keeps_every_column_in_order_even_with_one_name() {
        let rows: Vec<JsonRow> =
            serde_json::from_str(r#"[{"id":1,"id":"b","?column?":null,"f":true}]"#).unwrap();
        let r = &rows[0];
        assert_eq!(r.int(0).unwrap(), 1);
        assert_eq!(r.text(1).unwrap(), "b");
        assert_eq!(r.opt_text(2).unwrap(), None);
        assert!(r.flag(3).unwrap());
        assert!(r.int(1).is_err(), "a text is not an integer");
        assert!(r.int(4).is_err(), "no fifth column");
    }
}
