//! Extractors with user-facing rejections, and the CSRF guard.
//!
//! axum's own extractors answer a malformed id or body with a terse English text; these
//! answer in the user's language, as JSON on the API, naming the field at fault.

use crate::ctx::{CSRF_COOKIE, Ctx, cookie};
use crate::error::WebError;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use linli_domain::{FieldError, Invalid, Lang};
use linli_store::ServiceError;
use serde::de::DeserializeOwned;
use std::sync::Arc;

fn lang_of(parts: &Parts) -> (Lang, bool) {
    let json = parts.uri.path().starts_with("/api/");
    let lang = match cookie(&parts.headers, crate::ctx::LANG_COOKIE) {
        Some(l) => Lang::from_tag(l),
        None => parts
            .headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .map(Lang::from_accept_language)
            .unwrap_or_default(),
    };
    (lang, json)
}

fn bad(field: &'static str, lang: Lang, json: bool) -> WebError {
    WebError::new(ServiceError::Invalid(vec![FieldError::new(field, Invalid::NotANumber)]), lang, json)
}

/// Path ids: `/households/abc` is "Id is not a number", not a bare 400.
pub struct Ids<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<Arc<AppState>> for Ids<T> {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Self, WebError> {
        let (lang, json) = lang_of(parts);
        axum::extract::Path::<T>::from_request_parts(parts, state).await.map(|p| Ids(p.0)).map_err(|_| bad("id", lang, json))
    }
}

/// Query strings, with a clear message when a parameter has the wrong type.
pub struct Q<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<Arc<AppState>> for Q<T> {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _: &Arc<AppState>) -> Result<Self, WebError> {
        let (lang, json) = lang_of(parts);
        let q = parts.uri.query().unwrap_or("");
        serde_html_form::from_str(q).map(Q).map_err(|_| bad("page", lang, json))
    }
}

/// A JSON body. A cookie-authenticated write must carry the CSRF token in `X-CSRF-Token`.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequest<Arc<AppState>> for ApiJson<T> {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &Arc<AppState>) -> Result<Self, WebError> {
        let (mut parts, body) = req.into_parts();
        let (lang, _) = lang_of(&parts);
        let ctx = Ctx::from_request_parts(&mut parts, state).await?;
        if !ctx.by_token && ctx.actor.is_some() {
            let sent = parts.headers.get("x-csrf-token").and_then(|v| v.to_str().ok()).unwrap_or("");
            if ctx.csrf.is_empty() || sent != ctx.csrf {
                return Err(WebError::new(ServiceError::Forbidden, lang, true));
            }
        }
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|_| WebError::new(ServiceError::invalid("body", Invalid::TooLong { max: crate::BODY_LIMIT }), lang, true))?;
        serde_json::from_slice(&bytes).map(ApiJson).map_err(|e| json_error(&e, lang))
    }
}

fn json_error(e: &serde_json::Error, lang: Lang) -> WebError {
    // serde names the missing or mistyped field in its message; pass the field on when it does.
    let text = e.to_string();
    let field = text.split('`').nth(1).map(str::to_string).unwrap_or_else(|| "body".into());
    let field: &'static str = match field.as_str() {
        "version" => "version",
        "floor" => "floor",
        "room" => "room",
        "area" => "area",
        "area_source" => "area_source",
        "name" => "name",
        "unit_id" => "unit_id",
        "management_mode" => "management_mode",
        "login" => "login",
        "password" => "password",
        "kind" => "kind",
        "person_id" => "person_id",
        _ => "body",
    };
    let invalid = if text.starts_with("missing field") { Invalid::Required } else { Invalid::BadChoice };
    WebError::new(ServiceError::invalid(field, invalid), lang, true)
}

/// A submitted HTML form, accepted only with the right CSRF token.
pub struct CsrfForm<T>(pub T);

#[derive(serde::Deserialize)]
struct Token {
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

impl<T: DeserializeOwned + Send> FromRequest<Arc<AppState>> for CsrfForm<T> {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &Arc<AppState>) -> Result<Self, WebError> {
        let (parts, body) = req.into_parts();
        let (lang, json) = lang_of(&parts);
        let expected = cookie(&parts.headers, CSRF_COOKIE).unwrap_or("").to_string();
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|_| WebError::new(ServiceError::invalid("body", Invalid::TooLong { max: crate::BODY_LIMIT }), lang, json))?;
        let token: Token = serde_html_form::from_bytes(&bytes).map_err(|_| WebError::new(ServiceError::Forbidden, lang, json))?;
        if expected.len() != 32 || token.csrf != expected {
            return Err(WebError::new(ServiceError::Forbidden, lang, json));
        }
        serde_html_form::from_bytes(&bytes).map(CsrfForm).map_err(|_| bad("body", lang, json))
    }
}

/// Gives every browser a CSRF cookie on its first request, visible to that same request.
pub async fn csrf_cookie(
    axum::extract::State(state): axum::extract::State<Arc<AppState>>,
    mut req: Request,
    next: Next,
) -> Response {
    let has = cookie(req.headers(), CSRF_COOKIE).is_some_and(|c| c.len() == 32);
    if has || req.uri().path().starts_with("/api/") || req.method() != Method::GET {
        return next.run(req).await;
    }
    let token = hex::encode(rand::random::<[u8; 16]>());
    let pair = format!("{CSRF_COOKIE}={token}");
    let merged = match req.headers().get(header::COOKIE).and_then(|v| v.to_str().ok()) {
        Some(existing) if !existing.is_empty() => format!("{existing}; {pair}"),
        _ => pair.clone(),
    };
    if let Ok(v) = HeaderValue::from_str(&merged) {
        req.headers_mut().insert(header::COOKIE, v);
    }
    let mut res = next.run(req).await;
    if let Ok(v) = HeaderValue::from_str(&format!("{pair}; Path=/; SameSite=Lax; HttpOnly{}", if state.secure_cookies { "; Secure" } else { "" })) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}
