//! The roster endpoints: the same service calls as the roster pages.
//!
//! An upload is the file itself as the request body (`curl --data-binary @roster.xlsx`),
//! with its name in `?file_name=`; only this route accepts a large body.

use super::ApiResult;
use crate::ctx::Ctx;
use crate::error::{ApiError, WebError};
use crate::form::{Allowed, Ids, Q, may};
use crate::pages::roster::{UPLOAD_LIMIT, export_file, template_file};
use crate::{AppState, State};
use axum::Json;
use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use linli_sheet::roster::{FileError, FileKind, MAX_FILE_BYTES};
use linli_store::ServiceError;
use linli_store::roster::ImportPreview;
use serde::Deserialize;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<Arc<AppState>> {
    let upload = OpenApiRouter::new()
        .routes(routes!(upload_roster))
        .layer(DefaultBodyLimit::max(UPLOAD_LIMIT));
    OpenApiRouter::new()
        .merge(upload)
        .routes(routes!(roster_import))
        .routes(routes!(confirm_roster))
        .routes(routes!(export_roster))
        .routes(routes!(roster_template))
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
pub struct UploadParams {
    /// The file's name, shown on the preview.
    file_name: Option<String>,
}

/// A file that cannot be read at all: `{code, message, field: "file"}`.
fn file_error(e: &FileError, ctx: &Ctx) -> Response {
    let status = if matches!(e, FileError::TooLarge { .. }) {
        StatusCode::PAYLOAD_TOO_LARGE
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let body = ApiError {
        code: e.code().to_string(),
        message: e.message(ctx.lang),
        field: Some("file".into()),
        errors: Vec::new(),
    };
    (status, Json(body)).into_response()
}

/// Upload a roster (.xlsx, .xls or .csv as the body) and get the preview: counts of what would
/// be created, updated and left alone, every error and warning with its Excel row and column.
/// Nothing is written until the preview is confirmed.
#[utoipa::path(post, path = "/compounds/{id}/roster/imports", tag = "roster", params(("id" = i64, Path), UploadParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = ImportPreview), (status = 413, body = ApiError), (status = 422, body = ApiError), (status = 403, body = ApiError)))]
async fn upload_roster(
    state: State,
    ctx: Ctx,
    _: Allowed<may::EditStructure>,
    Ids(id): Ids<i64>,
    Q(p): Q<UploadParams>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, WebError> {
    let actor = ctx.actor()?;
    let bytes = match body {
        Ok(b) => b,
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return Ok(file_error(
                &FileError::TooLarge {
                    max_mib: MAX_FILE_BYTES >> 20,
                },
                &ctx,
            ));
        }
        Err(e) => return Ok(file_error(&FileError::Corrupt(e.body_text()), &ctx)),
    };
    let name = p.file_name.unwrap_or_else(|| "roster".into());
    match state
        .store
        .preview_roster(actor, id, &name, std::io::Cursor::new(bytes))
        .await?
    {
        Ok(preview) => Ok((StatusCode::CREATED, Json(preview)).into_response()),
        Err(e) => Ok(file_error(&e, &ctx)),
    }
}

/// A stored preview (only its uploader may read it).
#[utoipa::path(get, path = "/compounds/{id}/roster/imports/{import}", tag = "roster", params(("id" = i64, Path), ("import" = i64, Path)),
    responses((status = 200, body = ImportPreview), (status = 404, body = ApiError)))]
async fn roster_import(
    state: State,
    ctx: Ctx,
    Ids((id, import)): Ids<(i64, i64)>,
) -> ApiResult<ImportPreview> {
    let actor = ctx.actor()?;
    Ok(Json(state.store.roster_preview(actor, id, import).await?))
}

/// Write a previewed import: all rows in one transaction, an audit record per changed
/// household. Refused (409) when the file had errors or was already imported.
#[utoipa::path(post, path = "/compounds/{id}/roster/imports/{import}/confirm", tag = "roster", params(("id" = i64, Path), ("import" = i64, Path)),
    responses((status = 200, body = ImportPreview), (status = 409, body = ApiError), (status = 404, body = ApiError)))]
async fn confirm_roster(
    state: State,
    ctx: Ctx,
    Ids((id, import)): Ids<(i64, i64)>,
) -> ApiResult<ImportPreview> {
    let actor = ctx.actor()?;
    Ok(Json(
        crate::telemetry::timed_import(state.store.confirm_roster(actor, id, import)).await?,
    ))
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
pub struct FormatParams {
    /// `xlsx` (default) or `csv`.
    format: Option<String>,
}

fn kind(p: &FormatParams) -> Result<FileKind, WebError> {
    match p.format.as_deref() {
        None => Ok(FileKind::Xlsx),
        Some(f) => FileKind::parse(f).ok_or_else(|| {
            WebError::from(ServiceError::invalid(
                "format",
                linli_domain::Invalid::BadChoice,
            ))
        }),
    }
}

/// The compound's roster as .xlsx or .csv, with the headers an import reads.
#[utoipa::path(get, path = "/compounds/{id}/roster", tag = "roster", params(("id" = i64, Path), FormatParams),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 403, body = ApiError)))]
async fn export_roster(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Q(p): Q<FormatParams>,
) -> Result<Response, WebError> {
    let kind = kind(&p)?;
    export_file(&state, &ctx, id, kind).await
}

/// The blank roster template, with a sheet of notes on each column (xlsx).
#[utoipa::path(get, path = "/roster/template", tag = "roster", params(FormatParams),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>)))]
async fn roster_template(ctx: Ctx, Q(p): Q<FormatParams>) -> Result<Response, WebError> {
    let kind = kind(&p)?;
    template_file(&ctx, kind)
}
