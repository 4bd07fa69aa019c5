//! The stylesheet, the small script and the icon, compiled into the binary so the server is
//! one file.
//!
//! Pages link them as `/static/app.css?v=…` with a hash of the content, so a browser may keep
//! them for a year: a new release changes the link, never the meaning of an old one.

use crate::AppState;
use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use std::sync::{Arc, LazyLock};

const CSS: &str = include_str!("../static/app.css");
const JS: &str = include_str!("../static/app.js");
const ICON: &str = include_str!("../static/icon.svg");

/// As long as caches may keep a file whose link names its content.
const FOREVER: &str = "public, max-age=31536000, immutable";

/// A short hash of every asset (FNV-1a), for the `?v=` of the links in pages.
static VERSION: LazyLock<String> = LazyLock::new(|| {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in [CSS, JS, ICON].iter().flat_map(|s| s.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:08x}", h >> 32)
});

/// The `v` parameter of asset links in templates (`/static/app.css?v={{ crate::assets::version() }}`).
pub fn version() -> &'static str {
    &VERSION
}

fn asset(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, FOREVER),
        ],
        body,
    )
}

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route(
            "/static/app.css",
            get(|| async { asset("text/css; charset=utf-8", CSS) }),
        )
        .route(
            "/static/app.js",
            get(|| async { asset("text/javascript; charset=utf-8", JS) }),
        )
        .route(
            "/static/icon.svg",
            get(|| async { asset("image/svg+xml", ICON) }),
        )
        // Browsers ask for /favicon.ico whatever the page says; every one of them draws an SVG.
        .route(
            "/favicon.ico",
            get(|| async { asset("image/svg+xml", ICON) }),
        )
}
