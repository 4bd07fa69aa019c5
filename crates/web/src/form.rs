//! Extractors with user-facing rejections, and the CSRF guard.
//!
//! axum's own extractors answer a malformed id or body with a terse English text; these
//! answer in the user's language, as JSON on the API, naming the field at fault.

use crate::AppState;
use crate::ctx::{CSRF_COOKIE, Ctx, cookie, expected_csrf};
use crate::error::WebError;
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
    let json = crate::ctx::request_path(parts).starts_with("/api/");
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
    WebError::new(
        ServiceError::Invalid(vec![FieldError::new(field, Invalid::NotANumber)]),
        lang,
        json,
    )
}

/// Path ids: `/households/abc` is "Id is not a number", not a bare 400.
pub struct Ids<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<Arc<AppState>> for Ids<T> {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, WebError> {
        let (lang, json) = lang_of(parts);
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Ids(p.0))
            .map_err(|_| bad("id", lang, json))
    }
}

/// Query strings, with a clear message when a parameter has the wrong type.
pub struct Q<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<Arc<AppState>> for Q<T> {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _: &Arc<AppState>) -> Result<Self, WebError> {
        let (lang, json) = lang_of(parts);
        let q = parts.uri.query().unwrap_or("");
        serde_html_form::from_str(q)
            .map(Q)
            .map_err(|_| bad(query_culprit::<T>(q).unwrap_or("page"), lang, json))
    }
}

/// The names of the parameters and JSON members the pages and the API take, so that an error
/// found by serde can name its field (the service layer names its own).
const FIELDS: &[&str] = &[
    "version",
    "floor",
    "room",
    "area",
    "area_source",
    "name",
    "floors",
    "sub_compound_id",
    "unit_id",
    "management_mode",
    "address",
    "year_built",
    "three_no",
    "six_have",
    "login",
    "password",
    "kind",
    "person_id",
    "phone",
    "share",
    "moved_in",
    "moved_out",
    "code",
    "role",
    "display_name",
    "page",
    "size",
    "q",
    "mode",
    "region",
    "lang",
    "large",
    "back",
];

fn known(name: &str) -> Option<&'static str> {
    FIELDS.iter().copied().find(|f| *f == name)
}

/// The query parameter that does not parse. Every query here has only optional fields, so
/// the one pair that fails on its own is the one at fault.
fn query_culprit<T: DeserializeOwned>(q: &str) -> Option<&'static str> {
    let pairs: Vec<(String, String)> = serde_html_form::from_str(q).ok()?;
    pairs
        .iter()
        .find(|pair| {
            serde_html_form::to_string([pair])
                .is_ok_and(|one| serde_html_form::from_str::<T>(&one).is_err())
        })
        .and_then(|(k, _)| known(k))
}

/// The key of the JSON member serde was reading when it stopped at `line`:`column`, for
/// errors such as "invalid type: string, expected i32" that do not name the member.
fn member_at(body: &[u8], line: usize, column: usize) -> Option<&'static str> {
    let text = std::str::from_utf8(body).ok()?;
    let offset: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>()
        + column;
    let mut key = None;
    let (mut depth, mut in_string, mut escaped) = (0i32, false, false);
    let (mut start, mut last_string) = (0usize, None);
    for (i, c) in text.char_indices().take_while(|(i, _)| *i < offset) {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => {
                    in_string = false;
                    last_string = text.get(start..i);
                }
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                start = i + 1;
            }
            '{' | '[' => depth += 1,
            '}' | ']' => depth -= 1,
            ':' if depth == 1 => key = last_string,
            _ => {}
        }
    }
    key.and_then(known)
}

/// A JSON body (a cookie-authenticated write has passed the CSRF check of `Ctx` first).
/// The body is read only for a signed-in caller (unless `PUBLIC`, as for getting a token),
/// so a caller without credentials hears "sign in" (401), not what is wrong with the body.
pub struct ApiJson<T, const PUBLIC: bool = false>(pub T);

impl<T: DeserializeOwned + Send, const PUBLIC: bool> FromRequest<Arc<AppState>>
    for ApiJson<T, PUBLIC>
{
    type Rejection = WebError;

    async fn from_request(req: Request, state: &Arc<AppState>) -> Result<Self, WebError> {
        let (mut parts, body) = req.into_parts();
        let (lang, _) = lang_of(&parts);
        let ctx = Ctx::from_request_parts(&mut parts, state).await?;
        if !PUBLIC && ctx.actor.is_none() {
            return Err(WebError::new(ServiceError::Unauthenticated, lang, true));
        }
        // Only a body declared JSON: a cross-site form can send `text/plain` without asking.
        if !declared_json(&parts.headers) {
            return Err(WebError::new(ServiceError::NotJson, lang, true));
        }
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|_| {
                WebError::new(
                    ServiceError::invalid(
                        "body",
                        Invalid::TooLong {
                            max: crate::BODY_LIMIT,
                        },
                    ),
                    lang,
                    true,
                )
            })?;
        serde_json::from_slice(&bytes)
            .map(ApiJson)
            .map_err(|e| json_error(&e, &bytes, lang))
    }
}

/// `Content-Type: application/json`, with or without parameters such as `charset=utf-8`.
fn declared_json(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

fn json_error(e: &serde_json::Error, body: &[u8], lang: Lang) -> WebError {
    // serde names a missing field in its message; a mistyped one is found by where it stopped.
    let text = e.to_string();
    let named = text.split('`').nth(1).and_then(known);
    let at = || {
        if e.is_data() {
            member_at(body, e.line(), e.column())
        } else {
            None
        }
    };
    let field = named.or_else(at).unwrap_or("body");
    let invalid = if text.starts_with("missing field") {
        Invalid::Required
    } else {
        Invalid::BadChoice
    };
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
        let expected = expected_csrf(&parts.headers);
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|_| {
                WebError::new(
                    ServiceError::invalid(
                        "body",
                        Invalid::TooLong {
                            max: crate::BODY_LIMIT,
                        },
                    ),
                    lang,
                    json,
                )
            })?;
        let token: Token = serde_html_form::from_bytes(&bytes)
            .map_err(|_| WebError::new(ServiceError::Forbidden, lang, json))?;
        if expected.len() != 32 || token.csrf != expected {
            return Err(WebError::new(ServiceError::Forbidden, lang, json));
        }
        serde_html_form::from_bytes(&bytes)
            .map(CsrfForm)
            .map_err(|_| bad("body", lang, json))
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
    let merged = match req
        .headers()
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
    {
        Some(existing) if !existing.is_empty() => format!("{existing}; {pair}"),
        _ => pair.clone(),
    };
    if let Ok(v) = HeaderValue::from_str(&merged) {
        req.headers_mut().insert(header::COOKIE, v);
    }
    let mut res = next.run(req).await;
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{pair}; Path=/; SameSite=Lax; HttpOnly{}",
        if state.secure_cookies { "; Secure" } else { "" }
    )) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

/// A multipart form (one that carries a file): its text fields and at most one file,
/// accepted only with the right CSRF token, like [`CsrfForm`]. The body limit is the route's.
pub struct CsrfMultipart {
    pub fields: std::collections::HashMap<String, String>,
    /// The file's name as the browser sent it, and its bytes; `None` when no file was chosen.
    pub file: Option<(String, Vec<u8>)>,
    /// Every file sent (an input with `multiple`, or several inputs), in order; `file` is the last.
    pub files: Vec<(String, Vec<u8>)>,
}

impl CsrfMultipart {
    pub fn text(&self, name: &str) -> String {
        self.fields.get(name).cloned().unwrap_or_default()
    }
}

impl FromRequest<Arc<AppState>> for CsrfMultipart {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &Arc<AppState>) -> Result<Self, WebError> {
        let (parts, body) = req.into_parts();
        let (lang, json) = lang_of(&parts);
        let expected = expected_csrf(&parts.headers);
        let too_large = || {
            WebError::new(
                ServiceError::invalid("file", Invalid::FileTooLarge { max_mb: 10 }),
                lang,
                json,
            )
        };
        let mut form =
            axum::extract::Multipart::from_request(Request::from_parts(parts, body), state)
                .await
                .map_err(|_| bad("body", lang, json))?;
        let mut fields = std::collections::HashMap::new();
        let mut file = None;
        let mut files = Vec::new();
        loop {
            let field = match form.next_field().await {
                Ok(Some(f)) => f,
                Ok(None) => break,
                Err(e) if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                    return Err(too_large());
                }
                Err(_) => return Err(bad("body", lang, json)),
            };
            let name = field.name().unwrap_or("").to_string();
            match field.file_name().map(str::to_string) {
                Some(file_name) => {
                    let bytes = field.bytes().await.map_err(|e| {
                        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                            too_large()
                        } else {
                            bad("file", lang, json)
                        }
                    })?;
                    // An empty file input still sends a part with an empty name and no bytes.
                    if !bytes.is_empty() {
                        files.push((file_name.clone(), bytes.to_vec()));
                        file = Some((file_name, bytes.to_vec()));
                    }
                }
                None => {
                    let text = field.text().await.map_err(|_| {
                        bad(if name == "_csrf" { "body" } else { "file" }, lang, json)
                    })?;
                    fields.insert(name, text);
                }
            }
        }
        if expected.len() != 32
            || fields.get("_csrf").map(String::as_str) != Some(expected.as_str())
        {
            return Err(WebError::new(ServiceError::Forbidden, lang, json));
        }
        Ok(CsrfMultipart {
            fields,
            file,
            files,
        })
    }
}
