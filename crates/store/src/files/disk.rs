//! The bytes of uploaded files on disk, addressed by their SHA-256: `<root>/ab/cd/<sha256>`,
//! and a photo's thumbnail beside it as `<sha256>.thumb.jpg`.
//!
//! Content addressing makes a write idempotent (the same photo uploaded twice is one file)
//! and lets a backup or a check prove every file by hashing it. A file is written to a
//! temporary name in its final directory, flushed, and renamed into place, so a reader never
//! sees half a file and a crash leaves at most a stray `.tmp`. Files are written before the
//! database row that names them commits: a row never points at a missing file; a failed
//! insert leaves an unreferenced file behind, which is harmless.

use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

static TMP_COUNTER: AtomicU64 = AtomicU64::new(0);

#[derive(Debug, Clone)]
pub struct FileDir {
    root: PathBuf,
}

impl FileDir {
    pub fn new(root: PathBuf) -> FileDir {
        FileDir { root }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the file with this SHA-256 (64 lowercase hex digits) lives; `None` for anything
    /// else, so a stored value can never point outside the directory.
    pub fn original(&self, sha256: &str) -> Option<PathBuf> {
        if sha256.len() != 64
            || !sha256
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return None;
        }
        Some(
            self.root
                .join(&sha256[0..2])
                .join(&sha256[2..4])
                .join(sha256),
        )
    }

    /// Where the thumbnail of the photo with this SHA-256 lives.
    pub fn thumbnail(&self, sha256: &str) -> Option<PathBuf> {
        self.original(sha256)
            .map(|p| p.with_file_name(format!("{sha256}.thumb.jpg")))
    }

    /// Writes `bytes` at `path` atomically (temporary file, fsync, rename, fsync of the
    /// directory). A file already there with the same length is kept: the name is the hash.
    pub async fn put(path: PathBuf, bytes: Vec<u8>) -> std::io::Result<()> {
        tokio::task::spawn_blocking(move || put_blocking(&path, &bytes))
            .await
            .map_err(std::io::Error::other)?
    }

    pub async fn get(path: &Path) -> std::io::Result<Vec<u8>> {
        tokio::fs::read(path).await
    }

    /// The bytes of the file with this hash if it is there and its content still has that hash.
    pub async fn get_verified(&self, sha256: &str) -> Option<Vec<u8>> {
        let bytes = tokio::fs::read(self.original(sha256)?).await.ok()?;
        (hex::encode(Sha256::digest(&bytes)) == sha256).then_some(bytes)
    }
}

fn put_blocking(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if std::fs::metadata(path).is_ok_and(|m| m.len() == bytes.len() as u64) {
        return Ok(());
    }
    let dir = path
        .parent()
        .ok_or_else(|| std::io::Error::other("a file path without a directory"))?;
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(
        ".{name}.{}.{}.tmp",
        std::process::id(),
        TMP_COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let written = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
        return written;
    }
    // The rename is durable once the directory is.
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::FileDir;

    #[test]
    fn paths_are_the_hash_and_nothing_else() {
        let d = FileDir::new("/srv/files".into());
        let sha = "ab".repeat(32);
        assert_eq!(
            d.original(&sha).unwrap().to_str().unwrap(),
            format!("/srv/files/ab/ab/{sha}")
        );
        assert_eq!(
            d.thumbnail(&sha).unwrap().to_str().unwrap(),
            format!("/srv/files/ab/ab/{sha}.thumb.jpg")
        );
        assert!(d.original("../../etc/passwd").is_none());
        assert!(d.original(&"AB".repeat(32)).is_none(), "only lowercase hex");
        assert!(d.original(&"ab".repeat(31)).is_none());
    }

    #[tokio::test]
    async fn a_write_is_whole_and_idempotent() {
        let root = std::env::temp_dir().join(format!("linli-filedir-{}", std::process::id()));
        let d = FileDir::new(root.clone());
        let path = d.original(&"0f".repeat(32)).unwrap();
        FileDir::put(path.clone(), b"hello".to_vec()).await.unwrap();
        FileDir::put(path.clone(), b"hello".to_vec()).await.unwrap();
        assert_eq!(FileDir::get(&path).await.unwrap(), b"hello");
        let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers.len(), 1, "no temporary file left: {leftovers:?}");
        std::fs::remove_dir_all(root).unwrap();
    }
}
