//! Who is asking and how they like to read: the request context every handler gets.
//!
//! A request is signed in by the session cookie (pages) or by `Authorization: Bearer`
//! (scripts). Language and large text are the reader's own settings, kept in cookies so
//! they work before signing in. The CSRF token is a double-submit cookie: every form echoes
//! it, and a cross-site page cannot read it.

use crate::error::WebError;
use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use linli_domain::Lang;
use linli_store::{Actor, ServiceError};
use std::sync::Arc;

pub const SESSION_COOKIE: &str = "linli_session";
pub const CSRF_COOKIE: &str = "linli_csrf";
pub const LANG_COOKIE: &str = "linli_lang";
pub const LARGE_COOKIE: &str = "linli_large";

#[derive(Debug, Clone)]
pub struct Ctx {
    pub lang: Lang,
    pub large_text: bool,
    pub actor: Option<Actor>,
    /// The CSRF token to put in forms; empty until the cookie is set by a page response.
    pub csrf: String,
    /// The session token from the cookie, for logging out.
    pub session: Option<String>,
    /// Authenticated by an API token rather than a cookie (no CSRF check needed).
    pub by_token: bool,
    /// The path of the page, for "back" links of the settings switches.
    pub path: String,
    pub json: bool,
}

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The path the client asked for. Routers nested under `/api/v1` see the path without that
/// prefix, so the original URI is what tells an API request (JSON errors) from a page.
pub fn request_path(parts: &Parts) -> String {
    parts
        .extensions
        .get::<axum::extract::OriginalUri>()
        .map(|u| u.0.path().to_string())
        .unwrap_or_else(|| parts.uri.path().to_string())
}

impl Ctx {
    /// The actor, or "please sign in".
    pub fn actor(&self) -> Result<&Actor, WebError> {
        self.actor.as_ref().ok_or_else(|| self.err(ServiceError::Unauthenticated))
    }

    pub fn err(&self, e: ServiceError) -> WebError {
        WebError::new(e, self.lang, self.json)
    }
}

impl FromRequestParts<Arc<AppState>> for Ctx {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Self, Self::Rejection> {
        let h = &parts.headers;
        let path = request_path(parts);
        let json = path.starts_with("/api/");
        let lang = match cookie(h, LANG_COOKIE) {
            Some(l) => Lang::from_tag(l),
            None => h
                .get(axum::http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .map(Lang::from_accept_language)
                .unwrap_or_default(),
        };
        let large_text = cookie(h, LARGE_COOKIE) == Some("1");
        let csrf = cookie(h, CSRF_COOKIE).filter(|c| c.len() == 32 && c.chars().all(|c| c.is_ascii_hexdigit())).unwrap_or("").to_string();
        let bearer = h
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty());
        let session = cookie(h, SESSION_COOKIE).filter(|s| !s.is_empty()).map(str::to_string);
        let store = &state.store;
        let load = async {
            if let Some(token) = bearer {
                return store.token_actor(token).await.map(|a| (a, true));
            }
            match &session {
                Some(s) => store.session_actor(s).await.map(|a| (a, false)),
                None => Ok((None, false)),
            }
        };
        let (actor, by_token) = load.await.map_err(|e| WebError::new(e, lang, json))?;
        if let (Some(a), Some(slot)) = (&actor, parts.extensions.get::<crate::telemetry::AccountSlot>()) {
            slot.set(a.account_id);
        }
        if bearer.is_some() && actor.is_none() {
            return Err(WebError::new(ServiceError::Unauthenticated, lang, json));
        }
        // Every cookie-authenticated API write, with a body or without (DELETE), must echo the
        // CSRF cookie in `X-CSRF-Token`: another site can make a browser send the cookie but
        // cannot read it. Checked here because every API handler takes a `Ctx`.
        let ctx = Ctx { lang, large_text, actor, csrf, session, by_token, path, json };
        if ctx.json && ctx.actor.is_some() && !ctx.by_token && !parts.method.is_safe() {
            let sent = h.get("x-csrf-token").and_then(|v| v.to_str().ok()).unwrap_or("");
            if ctx.csrf.is_empty() || sent != ctx.csrf {
                return Err(ctx.err(ServiceError::Forbidden));
            }
        }
        Ok(ctx)
    }
}

