//! Turning a service error into a response: JSON `{code, message, field}` for the API, an
//! error page (or a redirect to sign in) for the pages. Internal errors are logged with their
//! context and never shown.
//!
//! A handler returns `Result<_, WebError>` and writes `store.thing(…).await?`: a
//! `ServiceError` becomes a `WebError` by `From`, without knowing the reader's language or
//! whether they asked for a page or JSON. Its response is a placeholder carrying the error,
//! which [`render`], a layer around every route, turns into the page or JSON body for the
//! request it answers (the reader's language, a page or the API).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use linli_domain::Lang;
use linli_store::ServiceError;
use serde::Serialize;
use std::sync::Arc;

#[derive(Debug)]
pub struct WebError(pub ServiceError);

impl From<ServiceError> for WebError {
    fn from(error: ServiceError) -> WebError {
        WebError(error)
    }
}

impl From<linli_sheet::WriteError> for WebError {
    fn from(error: linli_sheet::WriteError) -> WebError {
        WebError(error.into())
    }
}

/// The error of a response not yet rendered, for [`render`] to find.
#[derive(Clone)]
struct Unrendered(Arc<ServiceError>);

/// The reader's language (cookie `linli_lang`, else `Accept-Language`) and whether the
/// request is the API's (its path starts with `/api/`): what an error is rendered for.
pub fn reader(headers: &HeaderMap, path: &str) -> (Lang, bool) {
    let lang = match crate::ctx::cookie(headers, crate::ctx::LANG_COOKIE) {
        Some(l) => Lang::from_tag(l),
        None => headers
            .get(axum::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .map(Lang::from_accept_language)
            .unwrap_or_default(),
    };
    (lang, path.starts_with("/api/"))
}

/// Renders the errors handlers and extractors returned without knowing the request, for the
/// request they answer; headers the handler added to the response stay.
pub async fn render(req: Request, next: Next) -> Response {
    let path = req
        .extensions()
        .get::<axum::extract::OriginalUri>()
        .map_or_else(|| req.uri().path().to_string(), |u| u.0.path().to_string());
    let (lang, json) = reader(req.headers(), &path);
    let res = next.run(req).await;
    let Some(Unrendered(error)) = res.extensions().get::<Unrendered>().cloned() else {
        return res;
    };
    let (parts, _) = res.into_parts();
    let mut rendered = rendered(&error, lang, json);
    for (name, value) in &parts.headers {
        if name != axum::http::header::CONTENT_TYPE && name != axum::http::header::CONTENT_LENGTH {
            rendered.headers_mut().append(name, value.clone());
        }
    }
    rendered
}

/// The error body of the API.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiError {
    /// Stable code to match on: `not_found`, `forbidden`, `stale_version`, `duplicate_room`, …
    pub code: String,
    /// In the request's language (cookie `linli_lang` or `Accept-Language`).
    pub message: String,
    /// The first field at fault.
    pub field: Option<String>,
    /// Every field at fault.
    pub errors: Vec<ApiFieldError>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiFieldError {
    pub field: String,
    pub code: String,
    pub message: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
struct ErrorPage {
    t: crate::i18n::T,
    status: u16,
    message: String,
}

fn status_of(error: &ServiceError) -> StatusCode {
    StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let mut res = status_of(&self.0).into_response();
        res.extensions_mut().insert(Unrendered(Arc::new(self.0)));
        res
    }
}

fn rendered(error: &ServiceError, lang: Lang, json: bool) -> Response {
    if let ServiceError::Internal(e) = error {
        tracing::error!(error = ?e, "internal error");
    }
    let status = status_of(error);
    let message = error.message(lang);
    if json {
        let errors = match error {
            ServiceError::Invalid(es) => es
                .iter()
                .map(|e| ApiFieldError {
                    field: e.field.to_string(),
                    code: e.error.code().to_string(),
                    message: e.message(lang),
                })
                .collect(),
            _ => Vec::new(),
        };
        let body = ApiError {
            code: error.code().to_string(),
            message,
            field: error.field().map(str::to_string),
            errors,
        };
        return (status, axum::Json(body)).into_response();
    }
    if matches!(error, ServiceError::Unauthenticated) {
        return Redirect::to("/login").into_response();
    }
    let page = ErrorPage {
        t: crate::i18n::T::new(lang, false),
        status: status.as_u16(),
        message,
    };
    (status, page).into_response()
}
