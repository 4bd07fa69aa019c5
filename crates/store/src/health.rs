//! What an operator's probes and metrics ask of the database: is it ready to serve, and how
//! busy are its connection pools.

use crate::migration::Migrator;
use crate::{Backend, Store};
use sea_orm::DatabaseConnection;
use sea_orm_migration::MigratorTrait;

/// Why the store is not ready to serve (the text of a 503 from `/readyz`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotReady {
    /// The database does not answer.
    Unreachable(String),
    /// The schema is older than this binary: `linli migrate` (or a start of `serve`) is due.
    MigrationsPending(usize),
}

impl std::fmt::Display for NotReady {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotReady::Unreachable(e) => write!(f, "database unreachable: {e}"),
            NotReady::MigrationsPending(n) => write!(f, "{n} migration(s) pending"),
        }
    }
}

/// Connections of the store's pools: open, and of those the ones lent to a query right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PoolStatus {
    pub open: u32,
    pub in_use: u32,
}

impl Store {
    /// Ready when the database answers and every migration this binary knows is applied.
    /// Reads the migration table without creating it, so a probe never writes.
    pub async fn readiness(&self) -> Result<(), NotReady> {
        let pending = Migrator::get_pending_migrations_read_only(self.read())
            .await
            .map_err(|e| NotReady::Unreachable(e.to_string()))?;
        match pending.len() {
            0 => Ok(()),
            n => Err(NotReady::MigrationsPending(n)),
        }
    }

    /// One read of one row by its primary key, and nothing else: the cheapest request that
    /// still goes to the database, so the bench can report every page as a multiple of it.
    /// A unit's row: a large table that is one index (a household's id alone is one probe per
    /// city's partition on PostgreSQL).
    pub async fn one_indexed_read(&self) -> Result<(), NotReady> {
        // Through the hot reads' path (`sync_read`), as every page's reads go.
        self.fetch(
            self.sql("SELECT id FROM unit WHERE id = $1", vec![1_i64.into()]),
            |r| r.int(0),
        )
        .await
        .map(|_| ())
        .map_err(|e| NotReady::Unreachable(e.to_string()))
    }

    /// The pools' connections (the SQLite reader pool and writer together; PostgreSQL's one
    /// pool once).
    pub fn pool_status(&self) -> PoolStatus {
        let one = |c: &DatabaseConnection| match self.backend() {
            Backend::Sqlite => {
                let p = c.get_sqlite_connection_pool();
                (p.size(), p.num_idle() as u32)
            }
            Backend::Postgres => {
                let p = c.get_postgres_connection_pool();
                (p.size(), p.num_idle() as u32)
            }
        };
        let mut pools = vec![one(self.read())];
        if self.backend() == Backend::Sqlite {
            pools.push(one(self.write()));
        }
        pools
            .into_iter()
            .fold(PoolStatus::default(), |acc, (open, idle)| PoolStatus {
                open: acc.open + open,
                in_use: acc.in_use + open.saturating_sub(idle),
            })
    }
}
