//! Backups: a consistent copy of the whole database, and the uploaded files beside it.
//!
//! (The household roster in and out, as Excel or CSV, is in `roster/`.)

use crate::files::{FileDir, gets_thumbnail};
use crate::{Backend, Store};
use anyhow::Context;
use sea_orm::ConnectionTrait;
use std::path::{Path, PathBuf};

/// Where a backup keeps its files: beside the database copy, named after it
/// (`backup.db` → `backup-files`), which is also where `linli --database-url
/// sqlite://backup.db` looks for them by default — a SQLite backup restores by being used.
pub fn backup_files_dir(target: &Path) -> PathBuf {
    let stem = target
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "backup".into());
    target.with_file_name(format!("{stem}-files"))
}

/// What a backup wrote.
#[derive(Debug, Clone, Default)]
pub struct BackupReport {
    pub files_dir: PathBuf,
    /// Files copied (originals and thumbnails), each proven by its hash.
    pub files: usize,
}

/// Writes a consistent copy of the database — `VACUUM INTO` for SQLite (safe while serving),
/// `pg_dump` for PostgreSQL — and then copies every file on disk into
/// [`backup_files_dir`], checking each against its SHA-256 as it goes. The database is copied
/// first: a file is written before the row naming it commits, so every row of the copy finds
/// its file (files uploaded meanwhile come along too, unreferenced and harmless). A missing or
/// damaged file fails the backup with the attachments concerned.
pub async fn backup(store: &Store, url: &str, target: &Path) -> anyhow::Result<BackupReport> {
    if target.exists() {
        anyhow::bail!("{} already exists; choose a new file", target.display());
    }
    let files_dir = backup_files_dir(target);
    if files_dir.exists() {
        anyhow::bail!("{} already exists; choose a new file", files_dir.display());
    }
    match store.backend() {
        Backend::Sqlite => {
            let path = target
                .to_str()
                .context("backup path is not UTF-8")?
                .replace('\'', "''");
            store
                .write()
                .execute_unprepared(&format!("VACUUM INTO '{path}'"))
                .await?;
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
    let files = copy_files(store, &files_dir).await?;
    Ok(BackupReport { files_dir, files })
}

async fn copy_files(store: &Store, to: &Path) -> anyhow::Result<usize> {
    let from = store.file_dir();
    let into = FileDir::new(to.to_path_buf());
    std::fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
    let mut copied = 0;
    let mut bad = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (id, sha, content_type) in store.files_on_disk().await? {
        if !seen.insert(sha.clone()) {
            continue;
        }
        let (Some(bytes), Some(dst)) = (from.get_verified(&sha).await, into.original(&sha)) else {
            bad.push(id);
            continue;
        };
        FileDir::put(dst, bytes)
            .await
            .with_context(|| format!("copying the file of attachment {id}"))?;
        copied += 1;
        if gets_thumbnail(&content_type)
            && let (Some(src), Some(dst)) = (from.thumbnail(&sha), into.thumbnail(&sha))
        {
            match tokio::fs::read(&src).await {
                Ok(bytes) => {
                    FileDir::put(dst, bytes)
                        .await
                        .with_context(|| format!("copying {}", src.display()))?;
                    copied += 1;
                }
                Err(_) => bad.push(id),
            }
        }
    }
    if !bad.is_empty() {
        anyhow::bail!(
            "the files of {} attachment(s) are missing or damaged in {} (ids {:?}); the backup is incomplete",
            bad.len(),
            from.root().display(),
            bad
        );
    }
    Ok(copied)
}
