//! Turning a service error into a response: JSON `{code, message, field}` for the API, an
//! error page (or a redirect to sign in) for the pages. Internal errors are logged with their
//! context and never shown.

use askama::Template;
use askama_web::WebTemplate;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use linli_domain::Lang;
use linli_store::ServiceError;
use serde::Serialize;

#[derive(Debug)]
pub struct WebError {
    pub error: ServiceError,
    pub lang: Lang,
    pub json: bool,
}

impl WebError {
    pub fn new(error: ServiceError, lang: Lang, json: bool) -> WebError {
        WebError { error, lang, json }
    }
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

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let ServiceError::Internal(e) = &self.error {
            tracing::error!(error = ?e, "internal error");
        }
        let status =
            StatusCode::from_u16(self.error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let message = self.error.message(self.lang);
        if self.json {
            let errors = match &self.error {
                ServiceError::Invalid(es) => es
                    .iter()
                    .map(|e| ApiFieldError {
                        field: e.field.to_string(),
                        code: e.error.code().to_string(),
                        message: e.message(self.lang),
                    })
                    .collect(),
                _ => Vec::new(),
            };
            let body = ApiError {
                code: self.error.code().to_string(),
                message,
                field: self.error.field().map(str::to_string),
                errors,
            };
            return (status, axum::Json(body)).into_response();
        }
        if matches!(self.error, ServiceError::Unauthenticated) {
            return Redirect::to("/login").into_response();
        }
        let page = ErrorPage {
            t: crate::i18n::T::new(self.lang, false),
            status: status.as_u16(),
            message,
        };
        (status, page).into_response()
    }
}
