//! The roster pages: upload a file, see every problem and what would change, confirm; the
//! template and the export as downloads.
//!
//! The upload is the one multipart form of the app and the only route with a large body
//! limit ([`UPLOAD_LIMIT`]); every other route keeps the small limit of the app.

use super::{Chrome, PageResult, chrome, urlencode};
use crate::ctx::{Ctx, expected_csrf};
use crate::form::{CsrfForm, Ids};
use crate::form_errors::FormErrors;
use crate::i18n::T;
use crate::{AppState, State};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use linli_store::ServiceError;
use linli_store::roster::{FileError, FileKind, ImportPreview, MAX_FILE_BYTES};
use std::sync::Arc;

/// The body limit of the upload route: the largest file plus room for the form around it.
pub const UPLOAD_LIMIT: usize = MAX_FILE_BYTES + 64 * 1024;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route(
            "/compounds/{id}/roster",
            get(import_page)
                .post(upload)
                .layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route(
            "/compounds/{id}/roster/imports/{import}",
            get(preview_page).post(confirm),
        )
        .route("/compounds/{id}/roster/export/{kind}", get(export))
        .route("/roster/template/{kind}", get(template))
}

#[derive(Template, WebTemplate)]
#[template(path = "roster_import.html")]
struct ImportPage {
    t: T,
    c: Chrome,
    compound_id: i64,
    compound: String,
    errors: FormErrors,
}

async fn import_page(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> PageResult {
    let actor = ctx.actor()?;
    let v = state
        .store
        .compound(actor, id)
        .await
        .map_err(|e| ctx.err(e))?;
    if !(v.can.structure && v.can.create_household && v.can.people) {
        return Err(ctx.err(ServiceError::Forbidden));
    }
    let (t, c) = chrome(&ctx);
    Ok(ImportPage {
        t,
        c,
        compound_id: id,
        compound: v.compound.name,
        errors: FormErrors::default(),
    }
    .into_response())
}

/// The file and the CSRF token of the upload form. The token is checked by hand: this is
/// the one form that is not url-encoded, so `CsrfForm` does not apply.
async fn read_upload(
    ctx: &Ctx,
    headers: &HeaderMap,
    mut form: Multipart,
) -> Result<(String, Vec<u8>), FileError> {
    let mut token = String::new();
    let mut file = None;
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(FileError::TooLarge {
                    max_mib: MAX_FILE_BYTES >> 20,
                });
            }
            Err(e) => return Err(FileError::Corrupt(e.body_text())),
        };
        match field.name() {
            Some("_csrf") => token = field.text().await.unwrap_or_default(),
            Some("file") => {
                let name = field.file_name().unwrap_or("roster").to_string();
                let bytes = field.bytes().await.map_err(|e| {
                    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                        FileError::TooLarge {
                            max_mib: MAX_FILE_BYTES >> 20,
                        }
                    } else {
                        FileError::Corrupt(e.body_text())
                    }
                })?;
                file = Some((name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    let expected = expected_csrf(headers);
    if expected.len() != 32 || token != expected || ctx.csrf.is_empty() {
        return Err(FileError::Corrupt("csrf".into()));
    }
    file.ok_or(FileError::Empty)
}

async fn upload(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    headers: HeaderMap,
    form: Multipart,
) -> PageResult {
    let actor = ctx.actor()?;
    let v = state
        .store
        .compound(actor, id)
        .await
        .map_err(|e| ctx.err(e))?;
    let (name, bytes) = match read_upload(&ctx, &headers, form).await {
        Ok(f) => f,
        Err(FileError::Corrupt(why)) if why == "csrf" => {
            return Err(ctx.err(ServiceError::Forbidden));
        }
        Err(e) => return Ok(refused(&ctx, id, v.compound.name, &e)),
    };
    let result = state
        .store
        .preview_roster(actor, id, &name, std::io::Cursor::new(bytes))
        .await
        .map_err(|e| ctx.err(e))?;
    match result {
        Ok(p) => {
            Ok(Redirect::to(&format!("/compounds/{id}/roster/imports/{}", p.id)).into_response())
        }
        Err(e) => Ok(refused(&ctx, id, v.compound.name, &e)),
    }
}

fn refused(ctx: &Ctx, compound_id: i64, compound: String, e: &FileError) -> Response {
    let (t, c) = chrome(ctx);
    let status = if matches!(e, FileError::TooLarge { .. }) {
        StatusCode::PAYLOAD_TOO_LARGE
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    (
        status,
        ImportPage {
            t,
            c,
            compound_id,
            compound,
            errors: FormErrors::messages([e.message(ctx.lang)]),
        },
    )
        .into_response()
}

#[derive(Template, WebTemplate)]
#[template(path = "roster_preview.html")]
struct PreviewPage {
    t: T,
    c: Chrome,
    v: ImportPreview,
}

async fn preview_page(state: State, ctx: Ctx, Ids((id, import)): Ids<(i64, i64)>) -> PageResult {
    let actor = ctx.actor()?;
    let v = state
        .store
        .roster_preview(actor, id, import)
        .await
        .map_err(|e| ctx.err(e))?;
    let (t, c) = chrome(&ctx);
    let status = if v.preview.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, PreviewPage { t, c, v }).into_response())
}

#[derive(serde::Deserialize)]
struct Confirm {}

async fn confirm(
    state: State,
    ctx: Ctx,
    Ids((id, import)): Ids<(i64, i64)>,
    CsrfForm(_): CsrfForm<Confirm>,
) -> PageResult {
    let actor = ctx.actor()?;
    match crate::telemetry::timed_import(state.store.confirm_roster(actor, id, import)).await {
        // Already applied (a second click): the page shows the result of the first.
        Ok(_) | Err(ServiceError::Stale { .. }) => {
            Ok(Redirect::to(&format!("/compounds/{id}/roster/imports/{import}")).into_response())
        }
        Err(e) => Err(ctx.err(e)),
    }
}

/// A file download with its name, readable in Chinese by every browser.
pub fn download(kind: FileKind, name: &str, bytes: Vec<u8>) -> Response {
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(kind.content_type()),
    );
    let ascii = format!("roster.{}", kind.extension());
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        urlencode(name)
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

fn kind_of(ctx: &Ctx, kind: &str) -> Result<FileKind, crate::error::WebError> {
    FileKind::parse(kind).ok_or_else(|| ctx.err(ServiceError::NotFound { entity: "page" }))
}

/// The roster export as a download, for the page and the API alike.
pub(crate) async fn export_file(state: &State, ctx: &Ctx, id: i64, kind: FileKind) -> PageResult {
    let actor = ctx.actor()?;
    let (name, bytes) = state
        .store
        .export_roster(Some(actor), id, kind)
        .await
        .map_err(|e| ctx.err(e))?;
    Ok(download(kind, &name, bytes))
}

/// The template as a download, for the page and the API alike.
pub(crate) fn template_file(ctx: &Ctx, kind: FileKind) -> PageResult {
    ctx.actor()?;
    let bytes = linli_store::roster::template(kind).map_err(|e| ctx.err(e))?;
    Ok(download(
        kind,
        &format!("花名册模板.{}", kind.extension()),
        bytes,
    ))
}

async fn export(state: State, ctx: Ctx, Ids((id, kind)): Ids<(i64, String)>) -> PageResult {
    let kind = kind_of(&ctx, &kind)?;
    export_file(&state, &ctx, id, kind).await
}

async fn template(ctx: Ctx, Ids(kind): Ids<String>) -> PageResult {
    let kind = kind_of(&ctx, &kind)?;
    template_file(&ctx, kind)
}
