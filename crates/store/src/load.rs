//! A load of millions of rows into an empty PostgreSQL database (the province-scale demo) in
//! one transaction: the big tables' rows go in by `COPY … FROM STDIN`, every other statement
//! through SeaORM, and the loaded tables' foreign keys and secondary indexes are set aside
//! while the rows go in, then rebuilt (and so checked) before the commit.
//!
//! Why both: a row checked against its parents' keys and added to every index one by one
//! costs PostgreSQL more than parsing it, so `COPY` into tables with their keys in place was
//! no faster than [`crate::bulk`]'s `UNNEST`. An index built once over sorted rows and a
//! foreign key checked by one join over the whole table are many times cheaper, and the
//! constraints hold at the commit exactly as if every row had been checked.
//!
//! SeaORM's transaction does not hand out its sqlx connection, which `COPY` needs. So a
//! [`Load`] is a pool of exactly one connection of its own: `BEGIN` is sent on it, a `COPY`
//! borrows it for a chunk, and a SeaORM connection over the same pool runs the other
//! statements on it between chunks, all in the one transaction. A second connection would
//! not be in that transaction, so the pool refuses to open one. Nothing is visible before
//! [`Load::commit`]; a load dropped before it closes its connection, and PostgreSQL rolls
//! everything back.

use crate::bulk::Ty;
use crate::{Backend, Store};
use sea_orm::sqlx::postgres::{PgPool, PgPoolOptions};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, DbErr, SqlxPostgresConnector, Statement, Value,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Bytes of rows sent per `COPY` statement.
const COPY_BYTES: usize = 8 << 20;

/// A foreign key or index set aside for the load, with what re-creates it.
struct SetAside {
    table: String,
    name: String,
    /// A constraint (dropped and re-added by `ALTER TABLE`) or a plain index.
    constraint: bool,
    /// The constraint's definition, or the index's `CREATE INDEX` statement.
    definition: String,
}

/// One transaction on a connection of its own, for [`Store::begin_load`].
pub struct Load {
    pool: PgPool,
    db: DatabaseConnection,
    set_aside: Vec<SetAside>,
}

fn sqlx_err(e: sea_orm::sqlx::Error) -> DbErr {
    DbErr::Custom(format!("load: {e}"))
}

impl Store {
    /// A [`Load`]: PostgreSQL only (SQLite has no `COPY`, and its bulk writer binds cheaply).
    pub async fn begin_load(&self) -> Result<Load, DbErr> {
        if self.backend() != Backend::Postgres {
            return Err(DbErr::Custom("a COPY load needs PostgreSQL".into()));
        }
        let options = self
            .write()
            .get_postgres_connection_pool()
            .connect_options();
        let opened = Arc::new(AtomicBool::new(false));
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .min_connections(0)
            .idle_timeout(None)
            .max_lifetime(None)
            .test_before_acquire(false)
            .after_connect(move |_, _| {
                let again = opened.swap(true, Ordering::SeqCst);
                Box::pin(async move {
                    if again {
                        Err(sea_orm::sqlx::Error::Protocol(
                            "the load's connection was lost, and its transaction with it".into(),
                        ))
                    } else {
                        Ok(())
                    }
                })
            })
            .connect_with((*options).clone())
            .await
            .map_err(sqlx_err)?;
        let db = SqlxPostgresConnector::from_sqlx_postgres_pool(pool.clone());
        db.execute_unprepared("BEGIN").await?;
        Ok(Load {
            pool,
            db,
            set_aside: Vec::new(),
        })
    }
}

impl Load {
    /// The SeaORM connection of the load: every statement on it is in the load's transaction.
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Drops the foreign keys and secondary indexes of `tables` until [`Load::commit`]
    /// rebuilds them. Primary keys stay (other tables' keys point at them); so does an index
    /// another table's foreign key depends on.
    pub async fn set_keys_aside(&mut self, tables: &[&str]) -> Result<(), DbErr> {
        for table in tables {
            let t: Value = (*table).into();
            let fks = self
                .db
                .query_all_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    // A key naming a partitioned table has a row for each of its partitions
                    // too (`conparentid` the key's): the key is the one without a parent.
                    "SELECT conname::text, pg_get_constraintdef(oid) FROM pg_constraint \
                     WHERE conrelid = $1::regclass AND contype = 'f' AND conparentid = 0 \
                     ORDER BY conname",
                    [t.clone()],
                ))
                .await?;
            for r in fks {
                self.set_aside.push(SetAside {
                    table: (*table).into(),
                    name: r.try_get_by_index(0)?,
                    constraint: true,
                    definition: r.try_get_by_index(1)?,
                });
            }
            let indexes = self
                .db
                .query_all_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT ic.relname::text, pg_get_indexdef(i.indexrelid), c.conname::text, \
                            pg_get_constraintdef(c.oid) \
                     FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid \
                     LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid \
                          AND c.conrelid = i.indrelid AND c.contype IN ('u', 'x') \
                     WHERE i.indrelid = $1::regclass AND NOT i.indisprimary \
                       AND NOT EXISTS (SELECT 1 FROM pg_constraint f \
                                       WHERE f.contype = 'f' AND f.conindid = i.indexrelid) \
                     ORDER BY ic.relname",
                    [t],
                ))
                .await?;
            for r in indexes {
                let index: String = r.try_get_by_index(0)?;
                let create: String = r.try_get_by_index(1)?;
                let constraint: Option<String> = r.try_get_by_index(2)?;
                let def: Option<String> = r.try_get_by_index(3)?;
                self.set_aside.push(match (constraint, def) {
                    (Some(name), Some(definition)) => SetAside {
                        table: (*table).into(),
                        name,
                        constraint: true,
                        definition,
                    },
                    // A partitioned table's index is written `ON ONLY` the parent, which
                    // would make it again without its partitions' indexes (and invalid): made
                    // `ON` the table, it is made on every partition too.
                    _ => SetAside {
                        table: (*table).into(),
                        name: index,
                        constraint: false,
                        definition: create.replacen(" ON ONLY ", " ON ", 1),
                    },
                });
            }
        }
        // Foreign keys first: none may be left pointing at a dropped unique index.
        for s in self.set_aside.iter().filter(|s| s.constraint) {
            let sql = format!(
                "ALTER TABLE {} DROP CONSTRAINT \"{}\"",
                s.table,
                s.name.replace('"', "\"\"")
            );
            self.db.execute_unprepared(&sql).await?;
        }
        for s in self.set_aside.iter().filter(|s| !s.constraint) {
            let sql = format!("DROP INDEX \"{}\"", s.name.replace('"', "\"\""));
            self.db.execute_unprepared(&sql).await?;
        }
        Ok(())
    }

    /// Rows for `table` sent by `COPY`, `columns` in the order of each row's values.
    pub fn copy(&self, table: &'static str, columns: &'static [(&'static str, Ty)]) -> CopyIn<'_> {
        let names: Vec<&str> = columns.iter().map(|(c, _)| *c).collect();
        CopyIn {
            pool: &self.pool,
            table,
            columns,
            statement: format!("COPY {table} ({}) FROM STDIN", names.join(", ")),
            buf: Vec::new(),
        }
    }

    /// Rebuilds what was set aside (indexes and unique constraints, then foreign keys, each
    /// checked over the whole table) and commits. An error rolls everything back.
    pub async fn commit(self) -> Result<(), DbErr> {
        // Enough memory to sort a few million keys without spilling to disk.
        self.db
            .execute_unprepared("SET LOCAL maintenance_work_mem = '256MB'")
            .await?;
        let (keys, indexes): (Vec<&SetAside>, Vec<&SetAside>) = self
            .set_aside
            .iter()
            .partition(|s| s.constraint && s.definition.starts_with("FOREIGN KEY"));
        for s in indexes.into_iter().chain(keys) {
            let name = s.name.replace('"', "\"\"");
            let sql = if s.constraint {
                format!(
                    "ALTER TABLE {} ADD CONSTRAINT \"{name}\" {}",
                    s.table, s.definition
                )
            } else {
                s.definition.clone()
            };
            let t = std::time::Instant::now();
            self.db.execute_unprepared(&sql).await?;
            tracing::debug!(ms = t.elapsed().as_millis() as u64, "load: {sql}");
        }
        self.db.execute_unprepared("COMMIT").await?;
        self.pool.close().await;
        Ok(())
    }
}

/// Rows waiting to be sent to one table by `COPY` (text format); [`CopyIn::push`] sends a
/// full chunk as it goes, [`CopyIn::finish`] the rest.
pub struct CopyIn<'l> {
    pool: &'l PgPool,
    table: &'static str,
    columns: &'static [(&'static str, Ty)],
    statement: String,
    buf: Vec<u8>,
}

impl CopyIn<'_> {
    /// Adds one row (its values in the order of the columns).
    pub async fn push(&mut self, row: Vec<Value>) -> Result<(), DbErr> {
        if row.len() != self.columns.len() {
            return Err(DbErr::Custom(format!(
                "copy into {}: {} values for {} columns",
                self.table,
                row.len(),
                self.columns.len()
            )));
        }
        for (i, (v, (name, ty))) in row.iter().zip(self.columns).enumerate() {
            if i > 0 {
                self.buf.push(b'\t');
            }
            if !write_value(&mut self.buf, *ty, v) {
                return Err(DbErr::Custom(format!(
                    "copy into {}: {v:?} for {name} ({ty:?})",
                    self.table
                )));
            }
        }
        self.buf.push(b'\n');
        if self.buf.len() >= COPY_BYTES {
            self.flush().await?;
        }
        Ok(())
    }

    /// Sends the rows still pending.
    pub async fn finish(mut self) -> Result<(), DbErr> {
        self.flush().await
    }

    async fn flush(&mut self) -> Result<(), DbErr> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let mut conn = self.pool.acquire().await.map_err(sqlx_err)?;
        let mut copy = conn.copy_in_raw(&self.statement).await.map_err(sqlx_err)?;
        copy.send(std::mem::take(&mut self.buf).as_slice())
            .await
            .map_err(sqlx_err)?;
        copy.finish().await.map_err(sqlx_err)?;
        Ok(())
    }
}

/// Writes `v` in `COPY`'s text format; false when it is not a value of `ty`.
fn write_value(buf: &mut Vec<u8>, ty: Ty, v: &Value) -> bool {
    use std::io::Write as _;
    match ty.check(v) {
        None => return false,
        Some(true) => buf.extend_from_slice(b"\\N"),
        Some(false) => match v {
            Value::Int(Some(x)) => {
                let _ = write!(buf, "{x}");
            }
            Value::BigInt(Some(x)) => {
                let _ = write!(buf, "{x}");
            }
            Value::Bool(Some(x)) => buf.push(if *x { b't' } else { b'f' }),
            Value::String(Some(s)) => {
                for &b in s.as_bytes() {
                    match b {
                        b'\\' => buf.extend_from_slice(b"\\\\"),
                        b'\t' => buf.extend_from_slice(b"\\t"),
                        b'\n' => buf.extend_from_slice(b"\\n"),
                        b'\r' => buf.extend_from_slice(b"\\r"),
                        _ => buf.push(b),
                    }
                }
            }
            // `check` admits no other value of a `Ty`.
            _ => return false,
        },
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(ty: Ty, v: Value) -> Option<String> {
        let mut buf = Vec::new();
        write_value(&mut buf, ty, &v).then(|| String::from_utf8_lossy(&buf).into_owned())
    }

    #[test]
    fn values_are_written_as_copy_reads_them() {
        assert_eq!(text(Ty::BigInt, 42_i64.into()).as_deref(), Some("42"));
        assert_eq!(text(Ty::Int, Value::Int(None)).as_deref(), Some("\\N"));
        assert_eq!(text(Ty::Bool, true.into()).as_deref(), Some("t"));
        assert_eq!(
            text(Ty::Text, "a\tb\\c\nd".into()).as_deref(),
            Some("a\\tb\\\\c\\nd")
        );
        // A literal "\N" in a text stays text, not NULL.
        assert_eq!(text(Ty::Text, "\\N".into()).as_deref(), Some("\\\\N"));
        assert_eq!(text(Ty::Int, 3_i64.into()), None);
    }
}
