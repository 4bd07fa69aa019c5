//! Scheduled backups into a directory: dated copies, each verified, the newest N kept.
//!
//! `linli backup --to-dir DIR --keep N` (or `[backup] dir`/`keep` in the settings) writes
//! `linli-20261205T221500Z.db` (SQLite) or `….pgdump` (PostgreSQL, `pg_dump` custom format)
//! with its uploaded files beside it in `…-files/`, through the one backup of
//! `linli_store::exchange`. Then it verifies the copy — a SQLite copy is opened as a database
//! of its own: schema current, every audit chain intact, every file present with its hash; a
//! PostgreSQL dump must list with `pg_restore --list` — and only then removes the oldest
//! backups beyond N. A copy that fails verification is removed and the command fails, so the
//! directory only ever holds good backups and a failure never costs an old one.
//!
//! The systemd timer of the package runs it daily; `serve` runs it itself when
//! `[backup] every_hours` is set.

use crate::config::BackupSettings;
use crate::metrics::{BACKUP_DURATION, BACKUPS_TOTAL};
use anyhow::Context;
use linli_store::exchange::backup_files_dir;
use linli_store::{Backend, Store};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const PREFIX: &str = "linli-";

/// What one rotation did.
#[derive(Debug)]
pub struct Rotation {
    pub file: PathBuf,
    pub files: usize,
    pub removed: Vec<PathBuf>,
}

fn extension(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "db",
        Backend::Postgres => "pgdump",
    }
}

/// `linli-YYYYMMDDTHHMMSSZ` at `unix` seconds (UTC, so names sort by time across the year's
/// clock changes of any zone).
fn stem_at(unix: i64) -> anyhow::Result<String> {
    let t = time::OffsetDateTime::from_unix_timestamp(unix)?;
    let f = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    Ok(format!("{PREFIX}{}", t.format(f)?))
}

/// Whether `name` is a backup this module wrote: `linli-` + 8 digits `T` 6 digits `Z`
/// (+ an optional `-N` for a second backup in the same second) + the extension.
fn is_backup_name(name: &str, ext: &str) -> bool {
    let Some(stamp) = name
        .strip_prefix(PREFIX)
        .and_then(|n| n.strip_suffix(&format!(".{ext}")))
    else {
        return false;
    };
    let (stamp, counter) = stamp.split_once('-').unwrap_or((stamp, "1"));
    let b = stamp.as_bytes();
    b.len() == 16
        && b[8] == b'T'
        && b[15] == b'Z'
        && b[..8].iter().chain(&b[9..15]).all(u8::is_ascii_digit)
        && !counter.is_empty()
        && counter.bytes().all(|c| c.is_ascii_digit())
}

/// The backups in `dir`, newest first.
fn backups_in(dir: &Path, ext: &str) -> anyhow::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let entry = entry?;
        if entry
            .file_name()
            .to_str()
            .is_some_and(|n| is_backup_name(n, ext))
        {
            found.push(entry.path());
        }
    }
    // Dated names sort by time; a `-N` suffix sorts after its second's first backup.
    found.sort_by_key(|p| {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let stem = name
            .rsplit_once('.')
            .map(|(s, _)| s.to_string())
            .unwrap_or_default();
        let (stamp, n) = stem
            .split_once("Z-")
            .map(|(s, n)| (format!("{s}Z"), n.parse::<u32>().unwrap_or(1)))
            .unwrap_or((stem, 1));
        std::cmp::Reverse((stamp, n))
    });
    Ok(found)
}

/// Makes a verified dated backup in `dir` and removes the oldest beyond `keep`.
pub async fn rotate(store: &Store, url: &str, dir: &Path, keep: u32) -> anyhow::Result<Rotation> {
    if keep == 0 {
        anyhow::bail!("--keep must be at least 1 (the backup just made)");
    }
    let started = Instant::now();
    let result = rotate_timed(store, url, dir, keep).await;
    metrics::histogram!(BACKUP_DURATION).record(started.elapsed().as_secs_f64());
    metrics::counter!(BACKUPS_TOTAL, "result" => if result.is_ok() { "ok" } else { "failed" })
        .increment(1);
    result
}

async fn rotate_timed(store: &Store, url: &str, dir: &Path, keep: u32) -> anyhow::Result<Rotation> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let ext = extension(store.backend());
    let stem = stem_at(store.now())?;
    let file = (1..)
        .map(|n| {
            if n == 1 {
                dir.join(format!("{stem}.{ext}"))
            } else {
                dir.join(format!("{stem}-{n}.{ext}"))
            }
        })
        .find(|f| !f.exists() && !backup_files_dir(f).exists())
        .context("no free backup name")?;
    let report = linli_store::exchange::backup(store, url, &file).await?;
    if let Err(e) = verify(store.backend(), &file).await {
        remove(&file);
        anyhow::bail!(
            "the backup {} failed verification and was removed: {e:#}",
            file.display()
        );
    }
    let removed: Vec<PathBuf> = backups_in(dir, ext)?
        .into_iter()
        .skip(keep as usize)
        .collect();
    for old in &removed {
        remove(old);
    }
    Ok(Rotation {
        file,
        files: report.files,
        removed,
    })
}

fn remove(file: &Path) {
    for result in [
        std::fs::remove_file(file),
        std::fs::remove_dir_all(backup_files_dir(file)),
    ] {
        if let Err(e) = result
            && e.kind() != std::io::ErrorKind::NotFound
        {
            tracing::warn!(file = %file.display(), error = %e, "removing an old backup");
        }
    }
}

/// Proves a backup restorable without touching the live database (see the module doc).
async fn verify(backend: Backend, file: &Path) -> anyhow::Result<()> {
    match backend {
        Backend::Sqlite => {
            let url = format!(
                "sqlite://{}",
                file.to_str().context("backup path is not UTF-8")?
            );
            let copy = Store::connect(&url)
                .await?
                .with_files_dir(backup_files_dir(file));
            let checked = async {
                copy.readiness().await.map_err(|e| anyhow::anyhow!("{e}"))?;
                let audit = copy.verify_audit().await?;
                if let Some(broken) = audit.broken {
                    anyhow::bail!("audit trail broken: {broken}");
                }
                let files = copy.verify_files().await?;
                if !files.bad.is_empty() {
                    anyhow::bail!("files missing or damaged: attachments {:?}", files.bad);
                }
                Ok(())
            }
            .await;
            copy.close().await?;
            checked
        }
        Backend::Postgres => {
            let out = std::process::Command::new("pg_restore")
                .arg("--list")
                .arg(file)
                .output()
                .context("running pg_restore --list")?;
            if !out.status.success() {
                anyhow::bail!(
                    "pg_restore --list: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                );
            }
            Ok(())
        }
    }
}

/// In `serve`: a rotation every `every_hours` when the settings ask for it (the first one
/// period after the start). A failure is logged and counted; the next period tries again.
pub fn spawn_schedule(store: Store, url: String, settings: &BackupSettings) {
    let (Some(dir), Some(hours)) = (
        settings.dir.clone(),
        settings.every_hours.filter(|&h| h > 0),
    ) else {
        return;
    };
    let keep = settings.keep;
    let period = Duration::from_secs(u64::from(hours) * 3600);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        loop {
            tick.tick().await;
            match rotate(&store, &url, &dir, keep).await {
                Ok(r) => {
                    tracing::info!(file = %r.file.display(), files = r.files, removed = r.removed.len(), "backup")
                }
                Err(e) => tracing::error!(error = %format!("{e:#}"), "backup"),
            }
        }
    });
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn names_are_dated_and_recognised() {
        assert_eq!(stem_at(1_796_509_500).unwrap(), "linli-20261205T222500Z");
        assert!(is_backup_name("linli-20261204T232500Z.db", "db"));
        assert!(is_backup_name("linli-20261204T232500Z-2.db", "db"));
        assert!(!is_backup_name("linli-20261204T232500Z.pgdump", "db"));
        assert!(!is_backup_name("linli.db", "db"));
        assert!(!is_backup_name("linli-2026120XT232500Z.db", "db"));
        assert!(!is_backup_name("linli-20261204T232500Z-.db", "db"));
    }

    #[test]
    fn newest_first_with_same_second_backups_after_their_first() {
        let dir = std::env::temp_dir().join(format!("linli-rotation-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for n in [
            "linli-20261204T232500Z.db",
            "linli-20261205T000000Z.db",
            "linli-20261204T232500Z-2.db",
            "other.db",
        ] {
            std::fs::write(dir.join(n), b"").unwrap();
        }
        let names: Vec<String> = backups_in(&dir, "db")
            .unwrap()
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            [
                "linli-20261205T000000Z.db",
                "linli-20261204T232500Z-2.db",
                "linli-20261204T232500Z.db"
            ]
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
