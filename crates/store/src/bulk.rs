//! Many rows into one table, for the few writes that insert tens of thousands of rows in one
//! transaction (a roster import and its audit records).
//!
//! An ORM `insert_many` builds a model, a query tree and a bound value per cell; at 100,000
//! households that is most of an import's time. Here each row is its values in column order,
//! and a chunk of rows is one statement:
//!
//! - SQLite: a multi-row `INSERT … VALUES (?, …), (?, …)`, at most [`SQLITE_PARAMS`] bound
//!   values a statement (SQLite's limit is 32,766). SQLite binds cheaply, and unpacking JSON
//!   in SQLite measured three times slower than binding.
//! - PostgreSQL: the chunk as ONE JSON parameter, unpacked by `json_array_elements` and cast
//!   to the column types. PostgreSQL parses and plans a statement of 10,000 parameters slowly
//!   (and allows at most 65,535); one text parameter of a few MB is parsed at memory speed.
//!
//! Both run on whatever connection or transaction they are given, so the rows commit or roll
//! back with the rest of the write.

use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement, Value};
use std::fmt::Write as _;

/// The SQL type of a column, for PostgreSQL's casts out of JSON text.
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
    fn pg(self) -> &'static str {
        match self {
            Ty::Int => "integer",
            Ty::BigInt => "bigint",
            Ty::Text => "text",
            Ty::Bool => "boolean",
            Ty::Date => "date",
        }
    }
}

/// Bound values per SQLite statement: under its limit of 32,766 with room to spare.
pub const SQLITE_PARAMS: usize = 30_000;

/// Rows per PostgreSQL statement (one JSON parameter of a few MB).
const PG_ROWS: usize = 5_000;

/// Rows waiting to be inserted into one table; [`Bulk::push`] writes a full chunk as it goes,
/// [`Bulk::finish`] the rest. Nothing is kept once written.
pub struct Bulk {
    table: &'static str,
    columns: &'static [(&'static str, Ty)],
    backend: DbBackend,
    /// SQLite: the values of the pending rows, row after row.
    values: Vec<Value>,
    /// PostgreSQL: the pending rows as a JSON array of arrays (without the closing `]`).
    json: String,
    rows: usize,
    /// Statement texts, made once per chunk size (all but the last chunk share one).
    sql: Option<(usize, String)>,
}

impl Bulk {
    pub fn new(
        backend: DbBackend,
        table: &'static str,
        columns: &'static [(&'static str, Ty)],
    ) -> Bulk {
        Bulk {
            table,
            columns,
            backend,
            values: Vec::new(),
            json: String::new(),
            rows: 0,
            sql: None,
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
    pub async fn push<C: ConnectionTrait>(&mut self, db: &C, row: Vec<Value>) -> Result<(), DbErr> {
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
                self.json.push(if self.rows == 0 { '[' } else { ',' });
                self.json.push('[');
                for (i, v) in row.iter().enumerate() {
                    if i > 0 {
                        self.json.push(',');
                    }
                    json_value(&mut self.json, v)?;
                }
                self.json.push(']');
            }
            _ => self.values.extend(row),
        }
        self.rows += 1;
        if self.rows >= self.chunk_rows() {
            self.flush(db).await?;
        }
        Ok(())
    }

    /// Writes the rows still pending.
    pub async fn finish<C: ConnectionTrait>(mut self, db: &C) -> Result<(), DbErr> {
        self.flush(db).await
    }

    async fn flush<C: ConnectionTrait>(&mut self, db: &C) -> Result<(), DbErr> {
        if self.rows == 0 {
            return Ok(());
        }
        let n = self.rows;
        if self.sql.as_ref().is_none_or(|(rows, _)| *rows != n) {
            self.sql = Some((n, self.statement(n)));
        }
        let sql = self
            .sql
            .as_ref()
            .map(|(_, s)| s.clone())
            .unwrap_or_default();
        let values = match self.backend {
            DbBackend::Postgres => {
                let mut json = std::mem::take(&mut self.json);
                json.push(']');
                vec![Value::String(Some(json))]
            }
            _ => std::mem::take(&mut self.values),
        };
        self.rows = 0;
        db.execute_raw(Statement::from_sql_and_values(self.backend, sql, values))
            .await?;
        Ok(())
    }

    fn statement(&self, rows: usize) -> String {
        let names: Vec<&str> = self.columns.iter().map(|(c, _)| *c).collect();
        let mut sql = format!("INSERT INTO {} ({}) ", self.table, names.join(", "));
        match self.backend {
            DbBackend::Postgres => {
                sql.push_str("SELECT ");
                for (i, (_, ty)) in self.columns.iter().enumerate() {
                    if i > 0 {
                        sql.push_str(", ");
                    }
                    let _ = write!(sql, "(e.v ->> {i})::{}", ty.pg());
                }
                sql.push_str(" FROM json_array_elements($1::json) AS e(v)");
            }
            _ => {
                let one = format!("({})", vec!["?"; self.columns.len()].join(", "));
                sql.push_str("VALUES ");
                sql.push_str(&vec![one.as_str(); rows].join(", "));
            }
        }
        sql
    }
}

/// One value as JSON, for PostgreSQL to cast back (`->>` gives the text of a string without
/// its quotes, of a number or boolean as written, and SQL NULL for `null`).
fn json_value(out: &mut String, v: &Value) -> Result<(), DbErr> {
    match v {
        Value::Bool(Some(b)) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(Some(i)) => {
            let _ = write!(out, "{i}");
        }
        Value::BigInt(Some(i)) => {
            let _ = write!(out, "{i}");
        }
        Value::String(Some(s)) => {
            // Serialising a str into a String cannot fail.
            let quoted =
                serde_json::to_string(s.as_str()).map_err(|e| DbErr::Custom(e.to_string()))?;
            out.push_str(&quoted);
        }
        Value::Bool(None) | Value::Int(None) | Value::BigInt(None) | Value::String(None) => {
            out.push_str("null")
        }
        other => {
            return Err(DbErr::Custom(format!(
                "bulk insert: unsupported value {other:?}"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_become_json_that_postgres_casts_back() {
        let mut s = String::new();
        for v in [
            Value::from(true),
            Value::from(-3i32),
            Value::from(12_345_678_901i64),
            Value::from("1栋 \"A\"\n"),
            Value::String(None),
        ] {
            json_value(&mut s, &v).unwrap();
            s.push(' ');
        }
        assert_eq!(s, "true -3 12345678901 \"1栋 \\\"A\\\"\\n\" null ");
    }

    #[test]
    fn statements_name_every_column() {
        const COLS: &[(&str, Ty)] = &[("a", Ty::BigInt), ("b", Ty::Text)];
        let sqlite = Bulk::new(DbBackend::Sqlite, "t", COLS).statement(2);
        assert_eq!(sqlite, "INSERT INTO t (a, b) VALUES (?, ?), (?, ?)");
        let pg = Bulk::new(DbBackend::Postgres, "t", COLS).statement(2);
        assert_eq!(
            pg,
            "INSERT INTO t (a, b) SELECT (e.v ->> 0)::bigint, (e.v ->> 1)::text \
             FROM json_array_elements($1::json) AS e(v)"
        );
    }
}
