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
use linli_domain::authz::{Action, permits};
use linli_domain::{FieldError, Invalid};
use linli_store::ServiceError;
use serde::de::DeserializeOwned;
use std::marker::PhantomData;
use std::sync::Arc;

fn bad(field: &'static str) -> WebError {
    ServiceError::Invalid(vec![FieldError::new(field, Invalid::NotANumber)]).into()
}

/// Path ids: `/households/abc` is "Id is not a number", not a bare 400.
pub struct Ids<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<Arc<AppState>> for Ids<T> {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, WebError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Ids(p.0))
            .map_err(|_| bad("id"))
    }
}

/// Query strings, with a clear message when a parameter has the wrong type.
pub struct Q<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<Arc<AppState>> for Q<T> {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _: &Arc<AppState>) -> Result<Self, WebError> {
        let q = parts.uri.query().unwrap_or("");
        let de = serde_html_form::Deserializer::from_bytes(q.as_bytes());
        deserialize(de, Invalid::NotANumber)
            .map(Q)
            .map_err(|e| ServiceError::from(e).into())
    }
}

/// Deserialises a query, form or JSON body; what does not fit is named by its path (`deadline`,
/// `rule.thresholds[0].fraction`), so every feature's fields are named without a list of them.
/// A member missing is `Required` (serde names it, at the path of the object that lacks it);
/// any other misfit is `misfit` (in a query or form, where every value is text, a value that
/// does not parse; in JSON, a value of a type or choice not accepted).
fn deserialize<'de, T, D>(de: D, misfit: Invalid) -> Result<T, FieldError>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = match e.path().to_string() {
            p if p == "." => String::new(),
            p => p,
        };
        let message = e.inner().to_string();
        let missing = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split('`').next());
        let (path, invalid) = match missing {
            Some(name) if path.is_empty() => (name.to_string(), Invalid::Required),
            Some(name) => (format!("{path}.{name}"), Invalid::Required),
            None => (path, misfit),
        };
        if path.is_empty() {
            FieldError::new("body", invalid)
        } else {
            FieldError::at_path(path, invalid)
        }
    })
}

/// A write that needs one action whatever its body says, checked before the body is read:
/// the caller must hold a role that permits the action somewhere (`Allowed<may::ManageFund>`),
/// else "not allowed" (403), never what is wrong with a body they could not have sent anyway
/// (422). Where is still the service's check, which needs the place the path or body names.
/// Put it among a handler's arguments; axum runs it before the body's extractor.
pub struct Allowed<A>(PhantomData<A>);

/// An action a write needs, as a type for [`Allowed`].
pub trait Needs {
    const ACTION: Action;
}

impl<A: Needs> FromRequestParts<Arc<AppState>> for Allowed<A> {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, WebError> {
        let ctx = Ctx::from_request_parts(parts, state).await?;
        let actor = ctx.actor()?;
        if actor.grants.iter().any(|g| permits(g.role, A::ACTION)) {
            Ok(Allowed(PhantomData))
        } else {
            Err(ServiceError::Forbidden.into())
        }
    }
}

/// The actions of [`Allowed`], one type each.
pub mod may {
    use linli_domain::authz::Action;

    macro_rules! needs {
        ($($action:ident),* $(,)?) => {$(
            #[doc = concat!("Needs `Action::", stringify!($action), "`.")]
            pub enum $action {}

            impl super::Needs for $action {
                const ACTION: Action = Action::$action;
            }
        )*};
    }

    needs!(
        CreateCompound,
        EditCompound,
        EditStructure,
        CreateHousehold,
        EditHousehold,
        MoveHousehold,
        ManagePeople,
        IssueInvite,
        RecordBallot,
        ManageDecision,
        ManageRating,
        ManageProject,
        RecordPayment,
        ManageFund,
        ManageGrid,
        Assess,
    );
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
        let ctx = Ctx::from_request_parts(&mut parts, state).await?;
        if !PUBLIC && ctx.actor.is_none() {
            return Err(ServiceError::Unauthenticated.into());
        }
        // Only a body declared JSON: a cross-site form can send `text/plain` without asking.
        if !declared_json(&parts.headers) {
            return Err(ServiceError::NotJson.into());
        }
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|_| {
                WebError::from(ServiceError::invalid(
                    "body",
                    Invalid::TooLong {
                        max: crate::BODY_LIMIT,
                    },
                ))
            })?;
        let de = &mut serde_json::Deserializer::from_slice(&bytes);
        deserialize(de, Invalid::BadChoice)
            .map(ApiJson)
            .map_err(|e| ServiceError::from(e).into())
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
        let expected = expected_csrf(&parts.headers);
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|_| {
                WebError::from(ServiceError::invalid(
                    "body",
                    Invalid::TooLong {
                        max: crate::BODY_LIMIT,
                    },
                ))
            })?;
        let token: Token = serde_html_form::from_bytes(&bytes)
            .map_err(|_| WebError::from(ServiceError::Forbidden))?;
        if expected.len() != 32 || token.csrf != expected {
            return Err(ServiceError::Forbidden.into());
        }
        deserialize(
            serde_html_form::Deserializer::from_bytes(&bytes),
            Invalid::NotANumber,
        )
        .map(CsrfForm)
        .map_err(|e| ServiceError::from(e).into())
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

/// A multipart form (one that carries a file): its text fields and its files, accepted only
/// with the right CSRF token, like [`CsrfForm`]. The body limit is the route's; `MAX_MB` is
/// that limit in the words of the "too large" message (10 MB for photos and documents, the
/// roster's 64 MB).
pub struct CsrfMultipart<const MAX_MB: u32 = 10> {
    pub fields: std::collections::HashMap<String, String>,
    /// The file's name as the browser sent it, and its bytes; `None` when no file was chosen.
    pub file: Option<(String, Vec<u8>)>,
    /// Every file sent (an input with `multiple`, or several inputs), in order; `file` is the last.
    pub files: Vec<(String, Vec<u8>)>,
}

impl<const MAX_MB: u32> CsrfMultipart<MAX_MB> {
    pub fn text(&self, name: &str) -> String {
        self.fields.get(name).cloned().unwrap_or_default()
    }

    /// The file, for a service that stores it in the transaction of its action.
    pub fn take_file(&mut self) -> Option<linli_store::files::NewFile> {
        self.file
            .take()
            .map(|(name, bytes)| linli_store::files::NewFile { name, bytes })
    }
}

impl<const MAX_MB: u32> FromRequest<Arc<AppState>> for CsrfMultipart<MAX_MB> {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &Arc<AppState>) -> Result<Self, WebError> {
        let (parts, body) = req.into_parts();
        let expected = expected_csrf(&parts.headers);
        let too_large = || {
            WebError::from(ServiceError::invalid(
                "file",
                Invalid::FileTooLarge { max_mb: MAX_MB },
            ))
        };
        let mut form =
            axum::extract::Multipart::from_request(Request::from_parts(parts, body), state)
                .await
                .map_err(|_| bad("body"))?;
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
                Err(_) => return Err(bad("body")),
            };
            let name = field.name().unwrap_or("").to_string();
            match field.file_name().map(str::to_string) {
                Some(file_name) => {
                    let bytes = field.bytes().await.map_err(|e| {
                        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                            too_large()
                        } else {
                            bad("file")
                        }
                    })?;
                    // An empty file input still sends a part with an empty name and no bytes.
                    if !bytes.is_empty() {
                        files.push((file_name.clone(), bytes.to_vec()));
                        file = Some((file_name, bytes.to_vec()));
                    }
                }
                None => {
                    let text = field
                        .text()
                        .await
                        .map_err(|_| bad(if name == "_csrf" { "body" } else { "file" }))?;
                    fields.insert(name, text);
                }
            }
        }
        if expected.len() != 32
            || fields.get("_csrf").map(String::as_str) != Some(expected.as_str())
        {
            return Err(ServiceError::Forbidden.into());
        }
        Ok(CsrfMultipart {
            fields,
            file,
            files,
        })
    }
}
