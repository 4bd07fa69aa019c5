//! The roster pages: upload a file, see every problem and what would change, confirm; the
//! template and the export as downloads.
//!
//! The upload is a file form like the others ([`CsrfMultipart`]) on the one page route with a
//! large body limit ([`UPLOAD_LIMIT`]); every other route keeps the small limit of the app.

use super::{Chrome, PageResult, chrome, urlencode};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::form::{Allowed, CsrfForm, CsrfMultipart, Ids, may};
use crate::form_errors::FormErrors;
use crate::i18n::T;
use crate::{AppState, State};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use linli_sheet::roster::{FileError, FileKind, MAX_FILE_BYTES};
use linli_store::ServiceError;
use linli_store::roster::ImportPreview;
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
    let v = state.store.compound(actor, id).await?;
    if !(v.can.structure && v.can.create_household && v.can.people) {
        return Err(ServiceError::Forbidden.into());
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

/// The upload form: the file, through the extractor of every file form (CSRF checked, the
/// route's body limit); a file refused before reading (too large, no file) re-shows the form.
async fn upload(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    _: Allowed<may::EditStructure>,
    form: Result<CsrfMultipart<ROSTER_MB>, WebError>,
) -> PageResult {
    let actor = ctx.actor()?;
    let v = state.store.compound(actor, id).await?;
    let refuse =
        |errors: FormErrors, status| Ok(refused(&ctx, id, v.compound.name.clone(), errors, status));
    let file = match form {
        Ok(form) => form.file,
        Err(WebError(e)) if FormErrors::reshows(&e) => {
            return refuse(FormErrors::new(&e, ctx.lang), FormErrors::status(&e));
        }
        Err(e) => return Err(e),
    };
    let Some((name, bytes)) = file else {
        return refuse(
            file_errors(&ctx, &FileError::Empty),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    let result = state
        .store
        .preview_roster(actor, id, &name, std::io::Cursor::new(bytes))
        .await?;
    match result {
        Ok(p) => {
            Ok(Redirect::to(&format!("/compounds/{id}/roster/imports/{}", p.id)).into_response())
        }
        Err(e) => {
            let status = if matches!(e, FileError::TooLarge { .. }) {
                StatusCode::PAYLOAD_TOO_LARGE
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            refuse(file_errors(&ctx, &e), status)
        }
    }
}

/// The roster's size limit in megabytes, for the "too large" message of the form.
const ROSTER_MB: u32 = (MAX_FILE_BYTES >> 20) as u32;

fn file_errors(ctx: &Ctx, e: &FileError) -> FormErrors {
    FormErrors::about("file", e.message(ctx.lang))
}

fn refused(
    ctx: &Ctx,
    compound_id: i64,
    compound: String,
    errors: FormErrors,
    status: StatusCode,
) -> Response {
    let (t, c) = chrome(ctx);
    (
        status,
        ImportPage {
            t,
            c,
            compound_id,
            compound,
            errors,
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
    let v = state.store.roster_preview(actor, id, import).await?;
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
        Err(e) => Err(e.into()),
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

fn kind_of(kind: &str) -> Result<FileKind, crate::error::WebError> {
    FileKind::parse(kind).ok_or_else(|| WebError::from(ServiceError::NotFound { entity: "page" }))
}

/// The roster export as a download, for the page and the API alike.
pub(crate) async fn export_file(state: &State, ctx: &Ctx, id: i64, kind: FileKind) -> PageResult {
    let actor = ctx.actor()?;
    let (name, bytes) = state.store.export_roster(Some(actor), id, kind).await?;
    Ok(download(kind, &name, bytes))
}

/// The template as a download, for the page and the API alike.
pub(crate) fn template_file(ctx: &Ctx, kind: FileKind) -> PageResult {
    ctx.actor()?;
    let bytes = linli_sheet::roster::template(kind)?;
    Ok(download(
        kind,
        &format!("花名册模板.{}", kind.extension()),
        bytes,
    ))
}

async fn export(state: State, ctx: Ctx, Ids((id, kind)): Ids<(i64, String)>) -> PageResult {
    let kind = kind_of(&kind)?;
    export_file(&state, &ctx, id, kind).await
}

async fn template(ctx: Ctx, Ids(kind): Ids<String>) -> PageResult {
    let kind = kind_of(&kind)?;
    template_file(&ctx, kind)
}
