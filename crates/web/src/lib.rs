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
mod form;
mod i18n;
mod i18n_decisions;
mod i18n_ratings;
mod i18n_elevators;
mod i18n_volunteers;
mod i18n_requests;
mod i18n_elevator_ops;
mod i18n_funds;
mod i18n_standards;
mod i18n_notify;
mod pages;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use linli_store::Store;
use std::sync::Arc;

pub use api::openapi_json;

/// The largest request body accepted: forms and JSON here are small.
pub const BODY_LIMIT: usize = 256 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    /// Set the `Secure` flag on cookies (when served behind HTTPS).
    pub secure_cookies: bool,
}

/// The whole application: pages, API, OpenAPI document, static assets, health check.
pub fn app(store: Store, secure_cookies: bool) -> Router {
    let state = Arc::new(AppState { store, secure_cookies });
    let (api_router, _) = api::router().split_for_parts();
    Router::new()
        .merge(pages::router())
        .nest("/api/v1", api_router)
        .route("/api/openapi.json", axum::routing::get(api::openapi_handler))
        .merge(assets::router())
        .route("/healthz", axum::routing::get(|| async { "ok" }))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), form::csrf_cookie))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state)
}

pub type State = axum::extract::State<Arc<AppState>>;
