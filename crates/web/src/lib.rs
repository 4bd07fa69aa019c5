//! The HTTP layer of linli: server-rendered pages and the JSON API.
//!
//! Both call the same service methods of `linli_store::Store`; a handler here only turns a
//! request into a service call and the result into HTML or JSON. Pages are askama templates
//! checked at compile time, work without JavaScript, and are made for phones first.

mod api;
mod assets;
pub mod charts;
mod ctx;
mod error;
mod flash;
mod form;
mod form_errors;
mod headers;
mod i18n;
mod i18n_decisions;
mod i18n_elevator_ops;
mod i18n_elevators;
mod i18n_funds;
mod i18n_home;
mod i18n_notify;
mod i18n_ratings;
mod i18n_requests;
mod i18n_standards;
mod i18n_volunteers;
mod pages;
mod qr;
mod ready;
pub mod server;
pub mod telemetry;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use linli_store::Store;
use std::sync::Arc;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};

pub use api::openapi_json;

/// The largest request body accepted: forms and JSON here are small.
pub const BODY_LIMIT: usize = 256 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    /// Set the `Secure` flag on cookies (when served behind HTTPS).
    pub secure_cookies: bool,
    /// The header a reverse proxy in front sets to the client's address (e.g. `X-Real-IP`);
    /// `None` when clients connect directly. See `ctx::client_address`.
    pub client_ip_header: Option<axum::http::HeaderName>,
    /// The address people reach the site by (`https://host`, no trailing slash), for
    /// absolute links in messages and on printed QR codes; empty when not configured (then
    /// the request's own host is used, see [`AppState::base_url`]).
    pub public_url: String,
}

impl AppState {
    /// The start of every link that leaves the screen (a QR code, a printed address): the
    /// configured public URL, or when none is set the scheme and host the request came by.
    pub fn base_url(&self, headers: &axum::http::HeaderMap) -> String {
        let configured = self.public_url.trim_end_matches('/');
        if !configured.is_empty() {
            return configured.to_string();
        }
        let host = headers
            .get(axum::http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .filter(|h| {
                !h.is_empty()
                    && h.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
            })
            .unwrap_or("localhost");
        let scheme = if self.secure_cookies { "https" } else { "http" };
        format!("{scheme}://{host}")
    }

    /// `path` (starting with `/`) as an absolute link for paper and QR codes.
    pub fn absolute(&self, headers: &axum::http::HeaderMap, path: &str) -> String {
        format!("{}{path}", self.base_url(headers))
    }
}

/// How the application is served (what the installation's settings say).
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub secure_cookies: bool,
    /// See [`AppState::public_url`]; empty: links take the request's host.
    pub public_url: String,
    pub client_ip_header: Option<axum::http::HeaderName>,
}

/// The whole application with default options but for the cookies' `Secure` flag. Serve it
/// with the peer address in the request (`server::serve`), so rate limits see the client.
pub fn app(store: Store, secure_cookies: bool) -> Router {
    app_with(
        store,
        Options {
            secure_cookies,
            ..Options::default()
        },
    )
}

/// The whole application: pages, API, OpenAPI document, static assets, health and readiness
/// checks, each request logged and counted (`telemetry`).
pub fn app_with(store: Store, options: Options) -> Router {
    let state = Arc::new(AppState {
        store,
        secure_cookies: options.secure_cookies,
        client_ip_header: options.client_ip_header,
        public_url: options.public_url,
    });
    let (api_router, _) = api::router().split_for_parts();
    Router::new()
        .merge(pages::router())
        .nest("/api/v1", api_router)
        .route(
            "/api/openapi.json",
            axum::routing::get(api::openapi_handler),
        )
        .merge(assets::router())
        .route("/healthz", axum::routing::get(|| async { "ok" }))
        .route("/readyz", axum::routing::get(ready::readyz))
        .route("/healthz/db", axum::routing::get(ready::healthz_db))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ctx::sign_in_first,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            form::csrf_cookie,
        ))
        // Each request knows whether its reader just wrote (read replicas, `linli_store::reads`).
        .layer(axum::middleware::from_fn(
            |req: axum::extract::Request, next: axum::middleware::Next| {
                linli_store::reads::request_scope(next.run(req))
            },
        ))
        // Errors returned without the request at hand, as a page or JSON in the reader's language
        // (inside `flash::clear`, which must see the redirect to sign in, not a bare 401).
        .layer(axum::middleware::from_fn(error::render))
        .layer(axum::middleware::from_fn(flash::clear))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            headers::security_headers,
        ))
        // gzip for pages, CSS, JS, JSON and SVG when the client accepts it (a city page
        // shrinks about tenfold on a phone's connection); images and tiny bodies go as they are.
        .layer(
            tower_http::compression::CompressionLayer::new().compress_when(
                DefaultPredicate::new()
                    .and(NotForContentType::const_new(
                        "application/vnd.openxmlformats",
                    ))
                    .and(NotForContentType::const_new("application/zip")),
            ),
        )
        .layer(axum::middleware::from_fn(telemetry::log_request))
        .with_state(state)
}

pub type State = axum::extract::State<Arc<AppState>>;
