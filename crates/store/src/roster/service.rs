//! The roster's use cases, shared by the pages, the API and the command line: preview an
//! uploaded file (stored until confirmed), show a stored preview, confirm it, import a file
//! directly (command line), export, and the template.
//!
//! `actor: None` is the operator at the command line, who has the database itself.

use super::apply::Applied;
use super::parse::Parser;
use super::plan::{Preview, Snapshot, preview};
use super::read::{FileError, read_rows};
use super::write::{FileKind, csv_of, xlsx_of};
use super::{Progress, RosterRow};
use crate::accounts::Actor;
use crate::entity::{compound, roster_import};
use crate::error::{ServiceError, ServiceResult};
use crate::{Store, paths};
use linli_domain::authz::Action;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde::Serialize;
use std::io::{Read, Seek};

/// Previews are kept this long before they are cleared away.
pub const PREVIEW_SECONDS: i64 = 24 * 3600;

/// A stored preview, as the preview page and the API show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportPreview {
    pub id: i64,
    pub compound_id: i64,
    pub compound: String,
    pub file_name: String,
    /// `pending` or `applied`.
    pub status: String,
    pub preview: Preview,
    /// What was written, once applied.
    pub result: Option<Applied>,
}

impl ImportPreview {
    /// True when the import may be confirmed: no errors and not yet applied.
    pub fn can_confirm(&self) -> bool {
        self.preview.errors.is_empty() && self.status == "pending"
    }
}

/// The result of a command-line import.
#[derive(Debug, Clone)]
pub struct ImportDone {
    pub preview: Preview,
    /// `None` when errors blocked the import (or for a dry run).
    pub applied: Option<Applied>,
}

/// Reads and checks a file against the compound: the rows and the preview.
fn check_file<R: Read + Seek>(
    c: &compound::Model,
    snap: &Snapshot,
    input: R,
    progress: &mut dyn FnMut(Progress),
) -> Result<(Vec<RosterRow>, Preview), FileError> {
    let mut parser = Parser::new(&c.name);
    read_rows(input, &mut |row| parser.feed(row), progress)?;
    let parsed = parser.finish()?;
    let p = preview(&parsed.rows, snap, parsed.errors, parsed.warnings);
    Ok((parsed.rows, p))
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
    pub async fn preview_roster<R: Read + Seek + Send>(
        &self,
        actor: &Actor,
        compound_id: i64,
        file_name: &str,
        input: R,
    ) -> ServiceResult<Result<ImportPreview, FileError>> {
        let c = self.import_gate(Some(actor), compound_id).await?;
        let snap = Snapshot::load(self.read(), compound_id).await?;
        let (rows, p) = match check_file(&c, &snap, input, &mut |_| {}) {
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
            status: Set("pending".into()),
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
            status: "pending".into(),
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
        if !p.errors.is_empty() || row.status != "pending" {
            return Err(ServiceError::ImportClosed { had_errors: !p.errors.is_empty() });
        }
        // Claim the batch first, so that two confirmations (two clicks, two servers) cannot
        // both write it; a failed import gives it back.
        let claimed = roster_import::Entity::update_many()
            .col_expr(roster_import::Column::Status, Expr::value("applying"))
            .filter(roster_import::Column::Id.eq(id))
            .filter(roster_import::Column::Status.eq("pending"))
            .exec(self.write())
            .await?;
        if claimed.rows_affected != 1 {
            return Err(ServiceError::ImportClosed { had_errors: false });
        }
        let rows: Vec<RosterRow> = from_json(&row.rows)?;
        let applied = match self
            .apply_roster(Some(actor.account_id), compound_id, &rows, &mut |_| {})
            .await
        {
            Ok(a) => a,
            Err(e) => {
                roster_import::Entity::update_many()
                    .col_expr(roster_import::Column::Status, Expr::value("pending"))
                    .filter(roster_import::Column::Id.eq(id))
                    .exec(self.write())
                    .await?;
                return Err(e);
            }
        };
        roster_import::Entity::update_many()
            .col_expr(roster_import::Column::Status, Expr::value("applied"))
            .col_expr(roster_import::Column::Result, Expr::value(json(&applied)?))
            .col_expr(roster_import::Column::AppliedAt, Expr::value(self.now()))
            .col_expr(roster_import::Column::Rows, Expr::value("[]"))
            .filter(roster_import::Column::Id.eq(id))
            .exec(self.write())
            .await?;
        self.roster_preview(actor, compound_id, id).await
    }

    /// The command line's import: read, check, and (unless `dry_run` or any error) write.
    pub async fn import_roster_file<R: Read + Seek + Send>(
        &self,
        compound_id: i64,
        input: R,
        dry_run: bool,
        progress: &mut (dyn FnMut(Progress) + Send),
    ) -> ServiceResult<Result<ImportDone, FileError>> {
        let c = self.import_gate(None, compound_id).await?;
        let snap = Snapshot::load(self.read(), compound_id).await?;
        let (rows, p) = match check_file(&c, &snap, input, progress) {
            Ok(v) => v,
            Err(e) => return Ok(Err(e)),
        };
        drop(snap);
        if dry_run || !p.errors.is_empty() {
            return Ok(Ok(ImportDone {
                preview: p,
                applied: None,
            }));
        }
        let applied = self
            .apply_roster(None, compound_id, &rows, progress)
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
    }
}
