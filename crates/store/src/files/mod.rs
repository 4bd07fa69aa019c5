//! Uploaded files: a ballot's evidence (the photo of a signed form, an audio note, a proxy's
//! authorisation) and a proposal's attachments.
//!
//! The database row keeps what the file is (name, type, size, SHA-256, compound, purpose);
//! the bytes live on disk under their hash ([`disk`]), in the directory of `--files-dir`,
//! shared by every server of the database. `linli backup` copies them beside the database
//! copy and proves each by its hash. Rows from before files moved to disk still hold their
//! bytes in `attachment.content` and are served from there: an upload is never empty, so an
//! empty `content` means "on disk".
//!
//! The type is taken from the file's first bytes, never from its name or the browser's word,
//! and only the kinds a phone produces are accepted. JPEG and PNG photos must decode, and get
//! a small JPEG thumbnail beside them ([`thumb`]), served under the same authorization.

mod disk;
mod thumb;

pub use disk::FileDir;
pub use thumb::{PhotoLimits, Photos, THUMB_PX};

use crate::accounts::Actor;
use crate::audit::Change;
use crate::entity::{attachment, compound, request_photo};
use crate::error::{ServiceError, ServiceResult};
use crate::{Store, paths};
use linli_domain::authz::Action;
use linli_domain::registry::Text;
use linli_domain::{FieldError, Invalid};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect,
};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The largest file accepted: a phone photo or a minute of audio.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

pub use linli_domain::files::Purpose;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FileInfo {
    pub id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    /// A small JPEG of the photo exists (at the file's URL with `?thumb=1`).
    pub thumbnail: bool,
}

/// A file to send back.
pub struct FileData {
    pub info: FileInfo,
    pub content: Vec<u8>,
}

/// The content type of a file from its first bytes, if it is a kind we accept.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    let starts = |sig: &[u8]| bytes.starts_with(sig);
    if starts(b"\xFF\xD8\xFF") {
        Some("image/jpeg")
    } else if starts(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WAVE" {
        Some("audio/wav")
    } else if starts(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        // HEIC photos from iPhones, and m4a voice memos.
        match &bytes[8..12] {
            b"heic" | b"heix" | b"mif1" => Some("image/heic"),
            b"M4A " | b"mp42" | b"isom" => Some("audio/mp4"),
            _ => None,
        }
    } else if starts(b"ID3") || starts(b"\xFF\xFB") || starts(b"\xFF\xF3") {
        Some("audio/mpeg")
    } else if starts(b"#!AMR") {
        Some("audio/amr")
    } else {
        None
    }
}

/// A file sent with a form, as the browser named it.
#[derive(Debug, Clone)]
pub struct NewFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// A file checked and ready to store (its kind sniffed, a photo decoded and thumbnailed) but
/// not yet written anywhere: [`Store::store_upload`] writes it inside the transaction of the
/// action it belongs to, so an action refused leaves neither a row nor bytes on disk.
pub struct Upload {
    purpose: Purpose,
    name: Text,
    content_type: &'static str,
    sha: String,
    size: i64,
    bytes: Vec<u8>,
    thumbnail: Option<Vec<u8>>,
}

impl Store {
    /// Stores an uploaded file for a compound. Anyone who may record a ballot or propose there may upload.
    pub async fn save_file(
        &self,
        actor: &Actor,
        compound_id: i64,
        purpose: Purpose,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> ServiceResult<FileInfo> {
        let c = self.compound_row(compound_id).await?;
        let upload = self
            .prepare_upload(actor, &c, purpose, file_name, bytes)
            .await?;
        let txn = self.begin_write().await?;
        let info = self.store_upload(&txn, actor, c.id, upload).await?;
        txn.commit().await?;
        Ok(info)
    }

    /// The evidence file sent with an action's form, checked and ready for
    /// [`Store::store_upload`] in the action's transaction; `None` when none was sent.
    pub(crate) async fn prepare_evidence(
        &self,
        actor: &Actor,
        c: &compound::Model,
        file: Option<NewFile>,
    ) -> ServiceResult<Option<Upload>> {
        match file {
            Some(f) => Ok(Some(
                self.prepare_upload(actor, c, Purpose::Evidence, &f.name, f.bytes)
                    .await?,
            )),
            None => Ok(None),
        }
    }

    /// Checks a file for a compound without writing anything: who uploads it, its size and
    /// kind, and that a photo decodes within the pixel budget (its thumbnail made).
    pub(crate) async fn prepare_upload(
        &self,
        actor: &Actor,
        c: &compound::Model,
        purpose: Purpose,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> ServiceResult<Upload> {
        let at = paths::compound_path(c);
        if !(actor.can(Action::Propose, &at) || actor.can(Action::RecordBallot, &at)) {
            return Err(ServiceError::Forbidden);
        }
        if bytes.is_empty() {
            return Err(ServiceError::invalid("file", Invalid::Required));
        }
        if bytes.len() > MAX_FILE_BYTES {
            return Err(ServiceError::invalid(
                "file",
                Invalid::FileTooLarge {
                    max_mb: (MAX_FILE_BYTES / (1024 * 1024)) as u32,
                },
            ));
        }
        let content_type =
            sniff(&bytes).ok_or_else(|| FieldError::new("file", Invalid::FileType))?;
        let name = file_name.rsplit(['/', '\\']).next().unwrap_or("").trim();
        let name = Text::parse(if name.is_empty() { "file" } else { name }, 200)
            .or_else(|_| Text::parse("file", 200))
            .map_err(|e| FieldError::new("file", e))?;
        let sha = hex::encode(Sha256::digest(&bytes));
        let size = bytes.len() as i64;
        // A photo must decode (that is the proof it is one) before anything is written, and
        // only within the pixel budget.
        let (bytes, thumbnail) = match thumb::thumbnailed(content_type) {
            Some(format) => {
                let (bytes, made) = self.photos().thumbnail(bytes, format).await?;
                let max_megapixels = self.photos().limits.max_megapixels;
                let t = made.map_err(|refused| match refused {
                    thumb::Refused::TooLarge { width, height } => {
                        tracing::info!(width, height, "refused a photo over the pixel budget");
                        FieldError::new(
                            "file",
                            Invalid::ImageTooLarge {
                                width,
                                height,
                                max_megapixels,
                            },
                        )
                    }
                    thumb::Refused::Unreadable(reason) => {
                        tracing::info!(%reason, "refused an undecodable photo");
                        FieldError::new("file", Invalid::ImageUnreadable)
                    }
                })?;
                (bytes, Some(t))
            }
            None => (bytes, None),
        };
        Ok(Upload {
            purpose,
            name,
            content_type,
            sha,
            size,
            bytes,
            thumbnail,
        })
    }

    /// Writes a checked file inside the caller's transaction: its bytes (and thumbnail) on disk
    /// first, then the row and its audit record, so a row never names missing bytes. Called
    /// after the action's own checks, so a refused action writes nothing; a transaction that
    /// fails after this leaves at most unreferenced bytes (see [`disk`]).
    pub(crate) async fn store_upload(
        &self,
        txn: &DatabaseTransaction,
        actor: &Actor,
        compound_id: i64,
        u: Upload,
    ) -> ServiceResult<FileInfo> {
        let sha = u.sha;
        let dir = self.file_dir();
        let path = dir
            .original(&sha)
            .ok_or_else(|| anyhow::anyhow!("bad sha256 {sha}"))?;
        FileDir::put(path.clone(), u.bytes)
            .await
            .map_err(|e| anyhow::anyhow!("writing {}: {e}", path.display()))?;
        let thumbnail = u.thumbnail.is_some();
        if let Some(t) = u.thumbnail {
            let path = dir
                .thumbnail(&sha)
                .ok_or_else(|| anyhow::anyhow!("bad sha256 {sha}"))?;
            FileDir::put(path.clone(), t)
                .await
                .map_err(|e| anyhow::anyhow!("writing {}: {e}", path.display()))?;
        }
        let id = attachment::Entity::insert(attachment::ActiveModel {
            compound_id: Set(compound_id),
            purpose: Set(u.purpose),
            file_name: Set(u.name.as_str().to_string()),
            content_type: Set(u.content_type.into()),
            size: Set(u.size),
            sha256: Set(sha.clone()),
            // On disk; see the module's note.
            content: Set(Vec::new()),
            uploaded_by: Set(actor.account_id),
            created_at: Set(self.now()),
            ..Default::default()
        })
        .exec(txn)
        .await?
        .last_insert_id;
        let info = FileInfo {
            id,
            file_name: u.name.into_string(),
            content_type: u.content_type.into(),
            size: u.size,
            sha256: sha,
            thumbnail,
        };
        Change::by(actor, compound_id, "file.upload", "attachment", id)
            .after(serde_json::to_value(&info).map_err(anyhow::Error::from)?)
            .record(txn)
            .await?;
        Ok(info)
    }

    /// A stored file, for those who may see personal data of its compound, assist its votes,
    /// or (for attachments, not evidence) anyone who may read the compound's proposals.
    pub async fn file(&self, actor: &Actor, id: i64) -> ServiceResult<FileData> {
        let f = self.readable_file(actor, id).await?;
        let info = file_info(&f);
        let content = if f.content.is_empty() {
            self.disk_bytes(&f.sha256, false).await?
        } else {
            f.content
        };
        Ok(FileData { info, content })
    }

    /// The thumbnail of a stored photo (a JPEG at most [`THUMB_PX`] on its longest side), for
    /// exactly those who may see the photo. Not found for files without one (not a JPEG or
    /// PNG photo, or stored before thumbnails were made).
    pub async fn file_thumbnail(&self, actor: &Actor, id: i64) -> ServiceResult<FileData> {
        let f = self.readable_file(actor, id).await?;
        let info = file_info(&f);
        if !info.thumbnail {
            return Err(ServiceError::NotFound {
                entity: "attachment",
            });
        }
        let content = self.disk_bytes(&f.sha256, true).await?;
        let stem = info
            .file_name
            .rsplit_once('.')
            .map_or(info.file_name.as_str(), |(s, _)| s);
        let info = FileInfo {
            file_name: format!("{stem}-thumb.jpg"),
            content_type: "image/jpeg".into(),
            size: content.len() as i64,
            ..info
        };
        Ok(FileData { info, content })
    }

    async fn readable_file(&self, actor: &Actor, id: i64) -> ServiceResult<attachment::Model> {
        let f = attachment::Entity::find_by_id(id)
            .one(self.read())
            .await?
            .ok_or(ServiceError::NotFound {
                entity: "attachment",
            })?;
        // A photo of a service request is seen by exactly those who see the request: a leak in
        // someone's kitchen is not for the whole compound.
        // Named with its compound's city, where the request and its photos are kept.
        let mut photos =
            request_photo::Entity::find().filter(request_photo::Column::AttachmentId.eq(id));
        if let Some(city) = self.compound_path_of(f.compound_id).await?.city_id() {
            photos = photos.filter(request_photo::Column::CityId.eq(city));
        }
        if let Some(photo) = photos.one(self.read()).await? {
            let request = self.load_request(self.read(), photo.request_id).await?;
            return if request.visible_to(actor) {
                Ok(f)
            } else {
                Err(ServiceError::Forbidden)
            };
        }
        let c = self.compound_row(f.compound_id).await?;
        let at = paths::compound_path(&c);
        let may = actor.can(Action::ViewPersonal, &at)
            || actor.can(Action::RecordBallot, &at)
            || (f.purpose == Purpose::Attachment && actor.can(Action::ViewPublic, &at));
        if !may {
            return Err(ServiceError::Forbidden);
        }
        Ok(f)
    }

    async fn disk_bytes(&self, sha256: &str, thumbnail: bool) -> ServiceResult<Vec<u8>> {
        let dir = self.file_dir();
        let path = if thumbnail {
            dir.thumbnail(sha256)
        } else {
            dir.original(sha256)
        };
        let path = path.ok_or_else(|| anyhow::anyhow!("attachment with a bad sha256 {sha256}"))?;
        Ok(FileDir::get(&path)
            .await
            .map_err(|e| anyhow::anyhow!("reading {}: {e}", path.display()))?)
    }

    /// The files kept on disk, as (attachment id, sha256, content type), for backups and checks.
    pub(crate) async fn files_on_disk(&self) -> ServiceResult<Vec<(i64, String, String)>> {
        Ok(attachment::Entity::find()
            .select_only()
            .column(attachment::Column::Id)
            .column(attachment::Column::Sha256)
            .column(attachment::Column::ContentType)
            .filter(Expr::cust("length(content) = 0"))
            .into_tuple()
            .all(self.read())
            .await?)
    }

    /// Checks that every file kept on disk is there and has the hash its row names (and that
    /// each photo has its thumbnail): `linli verify-files`, and the restore of a backup.
    pub async fn verify_files(&self) -> anyhow::Result<FilesCheck> {
        let mut check = FilesCheck::default();
        for (id, sha, content_type) in self.files_on_disk().await? {
            check.files += 1;
            let dir = self.file_dir();
            let ok = dir.get_verified(&sha).await.is_some();
            let thumb_ok =
                !gets_thumbnail(&content_type) || dir.thumbnail(&sha).is_some_and(|p| p.is_file());
            if !ok || !thumb_ok {
                check.bad.push(id);
            }
        }
        Ok(check)
    }
}

/// What `verify_files` found: how many files it checked, and the attachments whose bytes (or
/// thumbnail) are missing or do not match their hash.
#[derive(Debug, Default, Clone, Serialize)]
pub struct FilesCheck {
    pub files: usize,
    pub bad: Vec<i64>,
}

fn file_info(f: &attachment::Model) -> FileInfo {
    FileInfo {
        id: f.id,
        file_name: f.file_name.clone(),
        content_type: f.content_type.clone(),
        size: f.size,
        sha256: f.sha256.clone(),
        // Photos stored on disk always have one; older rows in the database do not.
        thumbnail: f.content.is_empty() && gets_thumbnail(&f.content_type),
    }
}

/// Whether a file of this (sniffed) type gets a thumbnail when stored.
pub(crate) fn gets_thumbnail(content_type: &str) -> bool {
    thumb::thumbnailed(content_type).is_some()
}

#[cfg(test)]
mod tests {
    use super::sniff;

    #[test]
    fn sniffs_what_phones_make_and_refuses_the_rest() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0rest"), Some("image/jpeg"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Some("image/png"));
        assert_eq!(sniff(b"%PDF-1.7"), Some("application/pdf"));
        assert_eq!(sniff(b"RIFF\0\0\0\0WAVEfmt "), Some("audio/wav"));
        assert_eq!(sniff(b"\0\0\0\x18ftypheic"), Some("image/heic"));
        assert_eq!(sniff(b"MZ\x90\0"), None, "an executable");
        assert_eq!(sniff(b"<html>"), None);
        assert_eq!(sniff(b""), None);
    }
}
