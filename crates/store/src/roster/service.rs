//! The roster's use cases, shared by the pages, the API and the command line: preview an
//! uploaded file (stored until confirmed), show a stored preview, confirm it, import a file
//! directly (command line), export, and the template.
//!
//! `actor: None` is the operator at the command line, who has the database itself.

use super::Laps;
use super::apply::Applied;
use super::plan::{Note, Preview, Snapshot, preview};
use crate::accounts::Actor;
use crate::entity::{compound, roster_import};
use crate::error::{ServiceError, ServiceResult};
use crate::{Store, paths};
use linli_domain::authz::Action;
use linli_domain::registry::ImportStatus;
use linli_sheet::roster::columns::{Column, HeaderMap, letter};
use linli_sheet::roster::hidden::{self, Hidden};
use linli_sheet::roster::parse::Parser;
use linli_sheet::roster::people::Identities;
use linli_sheet::roster::read::{FileError, read_rows_beside};
use linli_sheet::roster::write::{FileKind, csv_of, xlsx_of};
use linli_sheet::roster::{MAX_FILE_BYTES, Progress, RosterRow, names, people};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde::Serialize;
use std::io::{Cursor, Read, Seek, SeekFrom};

/// Previews are kept this long before they are cleared away.
pub const PREVIEW_SECONDS: i64 = 24 * 3600;

/// A stored preview, as the preview page and the API show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportPreview {
    pub id: i64,
    pub compound_id: i64,
    pub compound: String,
    pub file_name: String,
    pub status: ImportStatus,
    pub preview: Preview,
    /// What was written, once applied.
    pub result: Option<Applied>,
}

impl ImportPreview {
    /// True when the import may be confirmed: no errors and not yet applied.
    pub fn can_confirm(&self) -> bool {
        self.preview.errors.is_empty() && self.status.open()
    }

    /// True once the rows are written.
    pub fn applied(&self) -> bool {
        self.status == ImportStatus::Applied
    }
}

/// The result of a command-line import.
#[derive(Debug, Clone)]
pub struct ImportDone {
    pub preview: Preview,
    /// `None` when errors blocked the import (or for a dry run).
    pub applied: Option<Applied>,
}

/// What the header tells the committee: which area column was read.
fn header_notes(h: &HeaderMap) -> Vec<Note> {
    let mut notes = Vec::new();
    let at = |col: Column| {
        h.locate(col)
            .map(|(l, t)| format!("{l}「{t}」"))
            .unwrap_or_default()
    };
    if let Some(g) = h.gross_skipped {
        let gross = format!(
            "{}「{}」",
            letter(g),
            h.texts.get(g).map_or("", |t| t.trim())
        );
        let exclusive = at(Column::Area);
        notes.push(Note {
            zh: format!("文件有建筑面积（{gross}）和专有面积（{exclusive}）两列：按专有面积导入，投票按专有面积计算。"),
            en: format!("The file has a gross area ({gross}) and an exclusive area ({exclusive}) column: the exclusive area is imported, as votes count it."),
        });
    }
    if h.area_is_gross {
        let gross = at(Column::Area);
        notes.push(Note {
            zh: format!("文件只有建筑面积（{gross}），按建筑面积导入，面积来源记为“建筑面积”。投票按专有面积计算：请尽快补上专有面积。"),
            en: format!("The file has only a gross area ({gross}); it is imported with area source “gross floor area”. Votes count exclusive area: add it when you can."),
        });
    }
    notes
}

/// Hidden rows (below the header) and columns were read like the others: say so, with where.
fn hidden_note(h: &HeaderMap, hidden: &Hidden) -> Option<Note> {
    /// How many hidden rows the note lists by number.
    const LISTED: usize = 10;
    let rows: Vec<u32> = hidden
        .rows
        .iter()
        .copied()
        .filter(|&r| r > h.line)
        .collect();
    let cols: Vec<String> = hidden
        .cols
        .iter()
        .map(|&c| match h.texts.get(c).map(|t| t.trim()) {
            Some(t) if !t.is_empty() => format!("{}「{t}」", letter(c)),
            _ => letter(c),
        })
        .collect();
    if rows.is_empty() && cols.is_empty() {
        return None;
    }
    let mut listed: Vec<String> = rows.iter().take(LISTED).map(u32::to_string).collect();
    if rows.len() > LISTED {
        listed.push("…".into());
    }
    let listed = listed.join("、");
    let (mut zh, mut en) = (Vec::new(), Vec::new());
    if !rows.is_empty() {
        zh.push(format!("{} 个隐藏的行（第 {listed} 行）", rows.len()));
        en.push(format!("{} hidden row(s) (rows {listed})", rows.len()));
    }
    if !cols.is_empty() {
        zh.push(format!("隐藏的列 {}", cols.join("、")));
        en.push(format!("hidden column(s) {}", cols.join(", ")));
    }
    Some(Note {
        zh: format!(
            "文件中有{}：它们和其他行列一样被读取、导入了。",
            zh.join("和")
        ),
        en: format!(
            "The file has {}: they were read and imported like the others.",
            en.join(" and ")
        ),
    })
}

/// Reads and checks a file against the compound: the rows (names made one, marked new or
/// not), the preview, and the persons the rows' owners are. Runs off the async runtime: it is
/// all CPU.
fn check_file<R: Read + Seek + Send>(
    compound_name: &str,
    snap: &Snapshot,
    mut input: R,
    progress: &mut dyn FnMut(Progress),
) -> Result<(Vec<RosterRow>, Preview, Identities), FileError> {
    let mut laps = Laps::new("roster check");
    let mut parser = Parser::new(compound_name);
    let mut zip = [0u8; 4];
    let is_zip = input.read_exact(&mut zip).is_ok() && zip == *b"PK\x03\x04";
    let _ = input.seek(SeekFrom::Start(0));
    let (parsed, hidden) = if is_zip {
        // An .xlsx is read twice, by calamine for the cells and for the hidden rows and
        // columns (which calamine does not report); the second read runs on another thread
        // beside the first, from the same bytes in memory (a roster is a few MB zipped).
        let mut bytes = Vec::new();
        (&mut input)
            .take(MAX_FILE_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| FileError::Corrupt(e.to_string()))?;
        std::thread::scope(|s| {
            let first = s.spawn(|| hidden::hidden_in_xlsx(Cursor::new(&bytes[..]), 0));
            read_rows_beside(
                Cursor::new(&bytes[..]),
                &mut |row| parser.feed(row),
                progress,
            )?;
            laps.lap("read and parse");
            let parsed = parser.finish()?;
            let hidden = match first.join() {
                Ok(h) if parsed.sheet == 0 => h,
                _ => hidden::hidden_in_xlsx(Cursor::new(&bytes[..]), parsed.sheet),
            };
            laps.lap("hidden scan (the rest of it)");
            Ok::<_, FileError>((parsed, hidden))
        })?
    } else {
        read_rows_beside(&mut input, &mut |row| parser.feed(row), progress)?;
        laps.lap("read and parse");
        (parser.finish()?, Hidden::default())
    };
    let mut rows = parsed.rows;
    let renamed = names::unify(&mut rows, &snap.buildings, &snap.units);
    laps.lap("names");
    for r in &mut rows {
        r.planned_new = snap.find(r).is_none();
    }
    laps.lap("planned new");
    let ids = people::identify(&rows);
    laps.lap("identify");
    let mut warnings = parsed.warnings;
    warnings.extend(ids.maybe_same(&rows));
    laps.lap("maybe same");
    let mut p = preview(&rows, snap, parsed.errors, warnings);
    laps.lap("preview");
    if let Some(h) = &parsed.header {
        for problem in p.errors.iter_mut().chain(p.warnings.iter_mut()) {
            problem.locate(h);
        }
        p.notes = header_notes(h);
        p.notes.extend(hidden_note(h, &hidden));
    }
    p.renamed = renamed;
    p.people = ids.persons.len() as u64;
    Ok((rows, p, ids))
}

/// [`check_file`] on a blocking thread, so that a large upload does not hold up the
/// requests sharing the async runtime.
async fn check_off_runtime<R: Read + Seek + Send + 'static>(
    compound_name: String,
    snap: Snapshot,
    input: R,
) -> ServiceResult<Result<(Vec<RosterRow>, Preview, Identities), FileError>> {
    tokio::task::spawn_blocking(move || check_file(&compound_name, &snap, input, &mut |_| {}))
        .await
        .map_err(|e| ServiceError::Internal(e.into()))
}

fn json<T: Serialize>(v: &T) -> ServiceResult<String> {
    serde_json::to_string(v).map_err(|e| ServiceError::Internal(e.into()))
}

fn from_json<T: serde::de::DeserializeOwned>(s: &str) -> ServiceResult<T> {
    serde_json::from_str(s).map_err(|e| ServiceError::Internal(e.into()))
}

impl Store {
    /// The compound, after checking that the actor may import into it: an import creates
    /// buildings, units and households, edits households and adds owners.
    async fn import_gate(
        &self,
        actor: Option<&Actor>,
        compound_id: i64,
    ) -> ServiceResult<compound::Model> {
        let c = self.compound_row(compound_id).await?;
        if let Some(a) = actor {
            let at = paths::compound_path(&c);
            for action in [
                Action::EditStructure,
                Action::CreateHousehold,
                Action::EditHousehold,
                Action::ManagePeople,
            ] {
                a.require(action, &at)?;
            }
        }
        Ok(c)
    }

    /// Reads an uploaded file, checks every row, compares with the compound, and stores the
    /// result for confirmation. A file that cannot be read at all is the inner `Err`.
    pub async fn preview_roster<R: Read + Seek + Send + 'static>(
        &self,
        actor: &Actor,
        compound_id: i64,
        file_name: &str,
        input: R,
    ) -> ServiceResult<Result<ImportPreview, FileError>> {
        let c = self.import_gate(Some(actor), compound_id).await?;
        let snap = Snapshot::load(self.read(), compound_id).await?;
        let (rows, p, _) = match check_off_runtime(c.name.clone(), snap, input).await? {
            Ok(v) => v,
            Err(e) => return Ok(Err(e)),
        };
        let t = self.now();
        roster_import::Entity::delete_many()
            .filter(roster_import::Column::CreatedAt.lt(t - PREVIEW_SECONDS))
            .exec(self.write())
            .await?;
        let name: String = file_name
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect();
        let id = roster_import::Entity::insert(roster_import::ActiveModel {
            compound_id: Set(compound_id),
            account_id: Set(Some(actor.account_id)),
            file_name: Set(name.clone()),
            status: Set(ImportStatus::Pending),
            rows: Set(if p.errors.is_empty() {
                json(&rows)?
            } else {
                "[]".into()
            }),
            preview: Set(json(&p)?),
            result: Set(None),
            created_at: Set(t),
            applied_at: Set(None),
            ..Default::default()
        })
        .exec(self.write())
        .await?
        .last_insert_id;
        Ok(Ok(ImportPreview {
            id,
            compound_id,
            compound: c.name,
            file_name: name,
            status: ImportStatus::Pending,
            preview: p,
            result: None,
        }))
    }

    async fn import_row(
        &self,
        actor: &Actor,
        compound_id: i64,
        id: i64,
    ) -> ServiceResult<(compound::Model, roster_import::Model)> {
        let c = self.import_gate(Some(actor), compound_id).await?;
        let row = roster_import::Entity::find_by_id(id)
            .one(self.read())
            .await?
            .filter(|r| r.compound_id == compound_id && r.account_id == Some(actor.account_id))
            .ok_or(ServiceError::NotFound {
                entity: "roster_import",
            })?;
        Ok((c, row))
    }

    /// A stored preview (only its uploader sees it).
    pub async fn roster_preview(
        &self,
        actor: &Actor,
        compound_id: i64,
        id: i64,
    ) -> ServiceResult<ImportPreview> {
        let (c, row) = self.import_row(actor, compound_id, id).await?;
        Ok(ImportPreview {
            id,
            compound_id,
            compound: c.name,
            file_name: row.file_name,
            status: row.status,
            preview: from_json(&row.preview)?,
            result: row.result.as_deref().map(from_json).transpose()?,
        })
    }

    /// Writes a stored preview's rows. Refused while the file had errors, and a second time.
    pub async fn confirm_roster(
        &self,
        actor: &Actor,
        compound_id: i64,
        id: i64,
    ) -> ServiceResult<ImportPreview> {
        let (_, row) = self.import_row(actor, compound_id, id).await?;
        let p: Preview = from_json(&row.preview)?;
        if !p.errors.is_empty() || !row.status.open() {
            return Err(ServiceError::ImportClosed {
                had_errors: !p.errors.is_empty(),
            });
        }
        let rows: Vec<RosterRow> = from_json(&row.rows)?;
        self.apply_roster(
            Some(actor.account_id),
            compound_id,
            &rows,
            None,
            Some(id),
            &mut |_| {},
        )
        .await?;
        self.roster_preview(actor, compound_id, id).await
    }

    /// The command line's import: read, check, and (unless `dry_run` or any error) write.
    pub async fn import_roster_file<R: Read + Seek + Send + 'static>(
        &self,
        compound_id: i64,
        input: R,
        dry_run: bool,
        progress: &mut (dyn FnMut(Progress) + Send),
    ) -> ServiceResult<Result<ImportDone, FileError>> {
        let c = self.import_gate(None, compound_id).await?;
        let snap = Snapshot::load(self.read(), compound_id).await?;
        // Reading reports its progress from the blocking thread, through a channel.
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let name = c.name.clone();
        let task = tokio::task::spawn_blocking(move || {
            check_file(&name, &snap, input, &mut |p| {
                let _ = tx.send(p);
            })
        });
        while let Some(p) = rx.recv().await {
            progress(p);
        }
        let checked = task.await.map_err(|e| ServiceError::Internal(e.into()))?;
        let (rows, p, ids) = match checked {
            Ok(v) => v,
            Err(e) => return Ok(Err(e)),
        };
        if dry_run || !p.errors.is_empty() {
            return Ok(Ok(ImportDone {
                preview: p,
                applied: None,
            }));
        }
        let applied = self
            .apply_roster(None, compound_id, &rows, Some(ids), None, progress)
            .await?;
        Ok(Ok(ImportDone {
            preview: p,
            applied: Some(applied),
        }))
    }

    /// A compound's roster as a file. Phones are in full, so this needs the right to see
    /// personal data. Returns the file name and the bytes.
    pub async fn export_roster(
        &self,
        actor: Option<&Actor>,
        compound_id: i64,
        kind: FileKind,
    ) -> ServiceResult<(String, Vec<u8>)> {
        // A dashboard, list or export may be a moment old: a replica may answer it.
        self.on_replica(async move {
            let c = self.compound_row(compound_id).await?;
            if let Some(a) = actor {
                a.require(Action::ViewPersonal, &paths::compound_path(&c))?;
            }
            let rows = self.roster_rows(compound_id).await?;
            let bytes = match kind {
                FileKind::Xlsx => xlsx_of(&rows)?,
                FileKind::Csv => {
                    let mut out = Vec::new();
                    csv_of(&rows, &mut out, actor.is_some())?;
                    out
                }
            };
            Ok((format!("{}-花名册.{}", c.name, kind.extension()), bytes))
        })
        .await
    }
}
