//! Who is asking and how they like to read: the request context every handler gets.
//!
//! A request is signed in by the session cookie (pages) or by `Authorization: Bearer`
//! (scripts). Language and large text are the reader's own settings, kept in cookies so
//! they work before signing in. Every form echoes a CSRF token that a cross-site page cannot
//! know: for a signed-in browser it is derived from the session (so it fits that session only
//! and changes at every sign-in), before signing in it is a random double-submit cookie.

use crate::AppState;
use crate::error::WebError;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use linli_domain::Lang;
use linli_store::{Actor, ServiceError};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

pub const SESSION_COOKIE: &str = "linli_session";
pub const CSRF_COOKIE: &str = "linli_csrf";
pub const LANG_COOKIE: &str = "linli_lang";
pub const LARGE_COOKIE: &str = "linli_large";
/// The confirmation of the action just done, shown once on the page a redirect leads to
/// (see `crate::flash`).
pub const FLASH_COOKIE: &str = "linli_flash";

#[derive(Debug, Clone)]
pub struct Ctx {
    pub lang: Lang,
    pub large_text: bool,
    pub actor: Option<Actor>,
    /// The CSRF token to put in forms (see [`expected_csrf`]); empty before a visitor's first
    /// page has set the cookie.
    pub csrf: String,
    /// The session token from the cookie, for logging out.
    pub session: Option<String>,
    /// Authenticated by an API token rather than a cookie (no CSRF check needed).
    pub by_token: bool,
    /// The API token of the request, for signing a script out or keeping it on a password change.
    pub token: Option<String>,
    /// Where the request came from, for the rate limits (see [`client_address`]).
    pub client: Option<IpAddr>,
    /// The path of the page, for "back" links of the settings switches.
    pub path: String,
    pub json: bool,
    /// The request's time, Unix seconds on the store's clock (pre-filled dates, file names).
    pub now: i64,
    /// Unread messages of the signed-in reader, for the count beside 消息 (pages only).
    pub unread: u64,
    /// The confirmation to show once on this page (a key of `crate::flash::KEYS`).
    pub flash: Option<&'static str>,
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

/// The CSRF token a form or cookie-authenticated API write must carry: derived from the
/// session cookie when there is one, else the visitor's random CSRF cookie; empty when neither.
pub fn expected_csrf(headers: &HeaderMap) -> String {
    match cookie(headers, SESSION_COOKIE).filter(|s| !s.is_empty()) {
        Some(session) => linli_store::accounts::session_csrf(session),
        None => cookie(headers, CSRF_COOKIE)
            .filter(|c| c.len() == 32 && c.chars().all(|c| c.is_ascii_hexdigit()))
            .unwrap_or("")
            .to_string(),
    }
}

/// The client's address: by default the peer of the connection; behind a reverse proxy (TLS in
/// front) the last entry of the header it is told to set (`--client-ip-header`), since the
/// peer is then the proxy itself and every visitor would share one rate limit.
pub fn client_address(parts: &Parts, state: &AppState) -> Option<IpAddr> {
    if let Some(name) = &state.client_ip_header {
        return parts
            .headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .next_back()
            .and_then(|v| v.trim().parse().ok());
    }
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
}

impl Ctx {
    /// The actor, or "please sign in".
    pub fn actor(&self) -> Result<&Actor, WebError> {
        self.actor
            .as_ref()
            .ok_or_else(|| ServiceError::Unauthenticated.into())
    }
}

impl FromRequestParts<Arc<AppState>> for Ctx {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        Ctx::load(parts, state).await
    }
}

impl Ctx {
    /// The request's `Ctx` and `first`, the page's first read, run side by side: on
    /// PostgreSQL the sign-in's query and that read go as one round trip
    /// ([`linli_store::Store::batched`]). `first` must check no right and show nothing by
    /// itself: the handler looks at the `Ctx` first (a visitor not signed in is sent to sign
    /// in whatever `first` found) and hands what was read to a service that checks the actor.
    pub async fn alongside<T>(
        parts: &Parts,
        state: &Arc<AppState>,
        first: impl Future<Output = T>,
    ) -> (Result<Ctx, WebError>, T) {
        state
            .store
            .batched(async { tokio::join!(Ctx::load(parts, state), first) })
            .await
    }

    /// Works out the request's `Ctx`: its language and the signed-in actor (one query), or
    /// the one [`sign_in_first`] already worked out for this request.
    async fn load(parts: &Parts, state: &Arc<AppState>) -> Result<Ctx, WebError> {
        if let Some(ctx) = parts.extensions.get::<Ctx>() {
            return Ok(ctx.clone());
        }
        let h = &parts.headers;
        let path = request_path(parts);
        let (lang, json) = crate::error::reader(h, &path);
        let large_text = cookie(h, LARGE_COOKIE) == Some("1");
        let csrf = expected_csrf(h);
        let client = client_address(parts, state);
        let bearer = h
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty());
        let session = cookie(h, SESSION_COOKIE)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        let store = &state.store;
        // A page shows the count of unread messages, read with the account in one query.
        let load = async {
            if let Some(token) = bearer {
                return store.token_actor(token, !json).await.map(|a| (a, true));
            }
            match &session {
                Some(s) => store.session_actor(s, !json).await.map(|a| (a, false)),
                None => Ok((None, false)),
            }
        };
        let (signed_in, by_token) = load.await?;
        let (actor, unread) = match signed_in {
            Some((a, n)) => (Some(a), n),
            None => (None, 0),
        };
        if let (Some(a), Some(slot)) = (
            &actor,
            parts.extensions.get::<crate::telemetry::AccountSlot>(),
        ) {
            slot.set(a.account_id);
        }
        if bearer.is_some() && actor.is_none() {
            return Err(ServiceError::Unauthenticated.into());
        }
        // Every cookie-authenticated API write, with a body or without (DELETE), must echo the
        // CSRF cookie in `X-CSRF-Token`: another site can make a browser send the cookie but
        // cannot read it. Checked here because every API handler takes a `Ctx`.
        let token = bearer.map(str::to_string);
        let flash = cookie(h, FLASH_COOKIE).and_then(crate::flash::known);
        let ctx = Ctx {
            lang,
            large_text,
            actor,
            csrf,
            session,
            by_token,
            token,
            client,
            path,
            json,
            now: state.store.now(),
            unread,
            flash,
        };
        if ctx.json && ctx.actor.is_some() && !ctx.by_token && !parts.method.is_safe() {
            let sent = h
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if ctx.csrf.is_empty() || sent != ctx.csrf {
                return Err(ServiceError::Forbidden.into());
            }
        }
        Ok(ctx)
    }
}

/// The writes anyone may send: signing in and out, claiming a home, getting an API token.
pub const OPEN_WRITES: &[&str] = &["/login", "/logout", "/claim", "/api/v1/tokens"];

/// Authentication before validation: a write (any method but GET, HEAD, OPTIONS, TRACE) from
/// someone not signed in is answered "sign in" (401 on the API, the sign-in page for pages)
/// before its path, query or body is looked at, so an anonymous caller learns nothing about
/// what a well-formed request would be. The `Ctx` worked out here is the handler's.
pub async fn sign_in_first(
    State(state): State<Arc<AppState>>,
    req: Request,
    next: Next,
) -> Response {
    if req.method().is_safe() || OPEN_WRITES.contains(&req.uri().path()) {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    let ctx = match Ctx::from_request_parts(&mut parts, &state).await {
        Ok(ctx) => ctx,
        Err(e) => return e.into_response(),
    };
    if ctx.actor.is_none() {
        return WebError::from(ServiceError::Unauthenticated).into_response();
    }
    parts.extensions.insert(ctx);
    next.run(Request::from_parts(parts, body)).await
}
