//! Backups: a consistent copy of the whole database.
//!
//! (The household roster in and out, as Excel or CSV, is in `roster/`.)

use crate::{Backend, Store};
use anyhow::Context;
use sea_orm::ConnectionTrait;

/// Writes a consistent copy of the database: `VACUUM INTO` for SQLite (safe while serving),
/// `pg_dump` for PostgreSQL.
pub async fn backup(store: &Store, url: &str, target: &std::path::Path) -> anyhow::Result<()> {
    if target.exists() {
        anyhow::bail!("{} already exists; choose a new file", target.display());
    }
    match store.backend() {
        Backend::Sqlite => {
            let path = target.to_str().context("backup path is not UTF-8")?.replace('\'', "''");
            store.write().execute_unprepared(&format!("VACUUM INTO '{path}'")).await?;
        }
        Backend::Postgres => {
            let status = std::process::Command::new("pg_dump")
                .args(["--format=custom", "--file"])
                .arg(target)
                .arg(url)
                .status()
                .context("running pg_dump (install the PostgreSQL client)")?;
            if !status.success() {
                anyhow::bail!("pg_dump failed with {status}");
            }
        }
    }
    Ok(())
}
