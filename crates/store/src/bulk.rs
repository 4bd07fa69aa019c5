//! Many rows into one table, for the few writes that insert tens of thousands of rows in one
//! transaction (a roster import and its audit records).
//!
//! An ORM `insert_many` builds a model, a query tree and a bound value per cell; at 100,000
//! households that is most of an import's time. Here each row is its values in column order,
//! and a chunk of rows is one statement:
//!
//! - SQLite: a multi-row `INSERT … VALUES (?, …), (?, …)`, at most [`SQLITE_PARAMS`] bound
//!   values a statement (SQLite's limit is 32,766). SQLite binds cheaply.
//! - PostgreSQL: each column of the chunk as ONE array parameter, sent in binary and unpacked
//!   by `UNNEST`: a statement of a handful of parameters whatever the rows, which PostgreSQL
//!   parses and plans at once (a statement of 10,000+ parameters is slow to plan, and one
//!   JSON text unpacked by `json_array_elements` is parsed again for every field). A column
//!   with NULLs in the chunk gets a second, boolean array saying which.
//!
//! `COPY … FROM STDIN` would be faster still on PostgreSQL, but it needs sqlx's own
//! connection, which SeaORM's transaction does not hand out; these rows must commit with the
//! rest of the write.
//!
//! Both run on whatever connection or transaction they are given, so the rows commit or roll
//! back with the rest of the write.
//!
//! A full chunk is sent and left running while the caller makes the next chunk's rows: the
//! database (SQLite's worker thread, or the PostgreSQL server) inserts one chunk while this
//! thread builds the next, instead of each waiting for the other. Only one statement of a
//! [`Bulk`] is ever in flight, and [`Bulk::finish`] waits for it, so the caller must not send
//! other statements on the same transaction between its first push and its finish (the
//! transaction is busy with the chunk until it is awaited).

use sea_orm::sea_query::ArrayType;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, ExecResult, Statement, Value};
use std::fmt::Write as _;
use std::future::Future;
use std::pin::Pin;
use std::task::Poll;

/// The SQL type of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    Int,
    BigInt,
    Text,
    Bool,
    /// A calendar day, `YYYY-MM-DD` text (as SQLite keeps a date).
    Date,
}

impl Ty {
    /// The element type of the array the values are sent in.
    fn pg(self) -> &'static str {
        match self {
            Ty::Int => "integer",
            Ty::BigInt => "bigint",
            Ty::Text | Ty::Date => "text",
            Ty::Bool => "boolean",
        }
    }

    /// What turns a sent value into the column's type: days travel as text.
    fn cast(self) -> &'static str {
        match self {
            Ty::Date => "::date",
            _ => "",
        }
    }

    fn array(self) -> ArrayType {
        match self {
            Ty::Int => ArrayType::Int,
            Ty::BigInt => ArrayType::BigInt,
            Ty::Text | Ty::Date => ArrayType::String,
            Ty::Bool => ArrayType::Bool,
        }
    }

    /// What stands in an array for a NULL (the null mask says it is one).
    fn filler(self) -> Value {
        match self {
            Ty::Int => Value::Int(Some(0)),
            Ty::BigInt => Value::BigInt(Some(0)),
            Ty::Text => Value::String(Some(String::new())),
            Ty::Date => Value::String(Some("1970-01-01".into())),
            Ty::Bool => Value::Bool(Some(false)),
        }
    }

    /// Whether `v` is a value of this type, and whether it is NULL.
    pub(crate) fn check(self, v: &Value) -> Option<bool> {
        match (self, v) {
            (Ty::Int, Value::Int(x)) => Some(x.is_none()),
            (Ty::BigInt, Value::BigInt(x)) => Some(x.is_none()),
            (Ty::Text | Ty::Date, Value::String(x)) => Some(x.is_none()),
            (Ty::Bool, Value::Bool(x)) => Some(x.is_none()),
            _ => None,
        }
    }
}

/// Bound values per SQLite statement: under its limit of 32,766 with room to spare.
pub const SQLITE_PARAMS: usize = 30_000;

/// Rows per PostgreSQL statement (a few arrays of a few MB).
const PG_ROWS: usize = 10_000;

/// Rows pushed between two polls of the chunk in flight.
const NUDGE_ROWS: usize = 256;

/// One column of the pending rows on PostgreSQL: its values (a filler for a NULL) and which
/// of them are NULL.
#[derive(Default)]
struct Column {
    values: Vec<Value>,
    nulls: Vec<bool>,
    any_null: bool,
}

/// A chunk's statement, sent and still running.
type InFlight<'a> = Pin<Box<dyn Future<Output = Result<ExecResult, DbErr>> + Send + 'a>>;

/// Rows waiting to be inserted into one table; [`Bulk::push`] writes a full chunk as it goes,
/// [`Bulk::finish`] the rest. Nothing is kept once written.
pub struct Bulk<'a> {
    table: &'static str,
    columns: &'static [(&'static str, Ty)],
    backend: DbBackend,
    /// SQLite: the values of the pending rows, row after row.
    values: Vec<Value>,
    /// PostgreSQL: the pending rows, column by column.
    arrays: Vec<Column>,
    rows: usize,
    /// The last statement text and what it was made for (rows on SQLite, the columns with
    /// NULLs on PostgreSQL): all but the last chunk share one.
    sql: Option<(Vec<usize>, String)>,
    /// The last chunk sent, running while the next one is made.
    in_flight: Option<InFlight<'a>>,
}

impl<'a> Bulk<'a> {
    pub fn new(
        backend: DbBackend,
        table: &'static str,
        columns: &'static [(&'static str, Ty)],
    ) -> Bulk<'a> {
        Bulk {
            table,
            columns,
            backend,
            values: Vec::new(),
            arrays: columns.iter().map(|_| Column::default()).collect(),
            rows: 0,
            sql: None,
            in_flight: None,
        }
    }

    fn chunk_rows(&self) -> usize {
        match self.backend {
            DbBackend::Postgres => PG_ROWS,
            _ => (SQLITE_PARAMS / self.columns.len().max(1)).max(1),
        }
    }

    /// Adds one row (its values in the order of the columns), writing the pending chunk when
    /// it is full.
    pub async fn push<C: ConnectionTrait>(
        &mut self,
        db: &'a C,
        row: Vec<Value>,
    ) -> Result<(), DbErr> {
        if row.len() != self.columns.len() {
            return Err(DbErr::Custom(format!(
                "bulk insert into {}: {} values for {} columns",
                self.table,
                row.len(),
                self.columns.len()
            )));
        }
        match self.backend {
            DbBackend::Postgres => {
                for ((v, (name, ty)), col) in
                    row.into_iter().zip(self.columns).zip(&mut self.arrays)
                {
                    let null = ty.check(&v).ok_or_else(|| {
                        DbErr::Custom(format!(
                            "bulk insert into {}: {v:?} for {name} ({ty:?})",
                            self.table
                        ))
                    })?;
                    col.values.push(if null { ty.filler() } else { v });
                    col.nulls.push(null);
                    col.any_null |= null;
                }
            }
            _ => self.values.extend(row),
        }
        self.rows += 1;
        if self.rows >= self.chunk_rows() {
            self.flush(db).await?;
        } else if self.rows.is_multiple_of(NUDGE_ROWS) {
            self.nudge().await?;
        }
        Ok(())
    }

    /// Writes the rows still pending, and waits until every chunk is in.
    pub async fn finish<C: ConnectionTrait>(mut self, db: &'a C) -> Result<(), DbErr> {
        self.flush(db).await?;
        self.settle().await
    }

    /// Waits for the chunk in flight, if any.
    async fn settle(&mut self) -> Result<(), DbErr> {
        if let Some(running) = self.in_flight.take() {
            running.await?;
        }
        Ok(())
    }

    /// Sends the pending rows as one statement, once the chunk before them is in, and leaves
    /// it running: polled once, the statement is on its way (to SQLite's worker thread, or
    /// to the server) and the caller goes on making rows.
    async fn flush<C: ConnectionTrait>(&mut self, db: &'a C) -> Result<(), DbErr> {
        if self.rows == 0 {
            return Ok(());
        }
        let shape: Vec<usize> = match self.backend {
            DbBackend::Postgres => (0..self.columns.len())
                .filter(|i| self.arrays[*i].any_null)
                .collect(),
            _ => vec![self.rows],
        };
        if self.sql.as_ref().is_none_or(|(s, _)| *s != shape) {
            let sql = self.statement(&shape);
            self.sql = Some((shape, sql));
        }
        let sql = self
            .sql
            .as_ref()
            .map(|(_, s)| s.clone())
            .unwrap_or_default();
        let values = match self.backend {
            DbBackend::Postgres => {
                let mut values = Vec::with_capacity(2 * self.columns.len());
                for (col, (_, ty)) in self.arrays.iter_mut().zip(self.columns) {
                    let col = std::mem::take(col);
                    values.push(Value::Array(ty.array(), Some(Box::new(col.values))));
                    if col.any_null {
                        let nulls = col.nulls.into_iter().map(Value::from).collect();
                        values.push(Value::Array(ArrayType::Bool, Some(Box::new(nulls))));
                    }
                }
                values
            }
            _ => std::mem::take(&mut self.values),
        };
        self.rows = 0;
        self.settle().await?;
        self.in_flight =
            Some(db.execute_raw(Statement::from_sql_and_values(self.backend, sql, values)));
        self.nudge().await
    }

    /// Polls the chunk in flight once, without waiting: the first poll sends it, later ones
    /// move it on (a PostgreSQL chunk of several MB goes out as the socket takes it). A chunk
    /// that has finished is let go, and its error returned.
    async fn nudge(&mut self) -> Result<(), DbErr> {
        let Some(running) = self.in_flight.as_mut() else {
            return Ok(());
        };
        let polled = std::future::poll_fn(|cx| Poll::Ready(running.as_mut().poll(cx))).await;
        if let Poll::Ready(done) = polled {
            self.in_flight = None;
            done?;
        }
        Ok(())
    }

    /// The statement for a chunk: on SQLite of `shape[0]` rows, on PostgreSQL with a null
    /// mask for the columns in `shape`.
    fn statement(&self, shape: &[usize]) -> String {
        let names: Vec<&str> = self.columns.iter().map(|(c, _)| *c).collect();
        let mut sql = format!("INSERT INTO {} ({}) ", self.table, names.join(", "));
        match self.backend {
            DbBackend::Postgres => {
                let (mut picked, mut arrays, mut aliases) = (Vec::new(), Vec::new(), Vec::new());
                for (i, (_, ty)) in self.columns.iter().enumerate() {
                    arrays.push(format!("${}::{}[]", arrays.len() + 1, ty.pg()));
                    aliases.push(format!("c{i}"));
                    if shape.contains(&i) {
                        arrays.push(format!("${}::boolean[]", arrays.len() + 1));
                        aliases.push(format!("n{i}"));
                        picked.push(format!(
                            "CASE WHEN n{i} THEN NULL ELSE c{i}{} END",
                            ty.cast()
                        ));
                    } else {
                        picked.push(format!("c{i}{}", ty.cast()));
                    }
                }
                let _ = write!(
                    sql,
                    "SELECT {} FROM UNNEST({}) AS u({})",
                    picked.join(", "),
                    arrays.join(", "),
                    aliases.join(", ")
                );
            }
            _ => {
                let rows = shape.first().copied().unwrap_or(1);
                let one = format!("({})", vec!["?"; self.columns.len()].join(", "));
                sql.push_str("VALUES ");
                sql.push_str(&vec![one.as_str(); rows].join(", "));
            }
        }
        sql
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLS: &[(&str, Ty)] = &[("a", Ty::BigInt), ("b", Ty::Text)];

    #[test]
    fn statements_name_every_column() {
        let sqlite = Bulk::new(DbBackend::Sqlite, "t", COLS).statement(&[2]);
        assert_eq!(sqlite, "INSERT INTO t (a, b) VALUES (?, ?), (?, ?)");
        let pg = Bulk::new(DbBackend::Postgres, "t", COLS).statement(&[]);
        assert_eq!(
            pg,
            "INSERT INTO t (a, b) SELECT c0, c1 FROM UNNEST($1::bigint[], $2::text[]) AS u(c0, c1)"
        );
        let pg = Bulk::new(DbBackend::Postgres, "t", COLS).statement(&[1]);
        assert_eq!(
            pg,
            "INSERT INTO t (a, b) SELECT c0, CASE WHEN n1 THEN NULL ELSE c1 END \
             FROM UNNEST($1::bigint[], $2::text[], $3::boolean[]) AS u(c0, c1, n1)"
        );
    }

    #[test]
    fn a_value_of_another_type_is_an_error_not_a_panic() {
        assert_eq!(Ty::Text.check(&Value::String(None)), Some(true));
        assert_eq!(Ty::Int.check(&Value::Int(Some(3))), Some(false));
        assert_eq!(Ty::Int.check(&Value::BigInt(Some(3))), None);
    }
}
