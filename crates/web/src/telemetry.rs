//! The request log and the request metrics: one line and one count per request.
//!
//! The line names the method, the matched route (`/proposals/{id}`, never the raw path with
//! its ids and query), the status, the latency, a request id and the signed-in account; never
//! a body, a cookie, a password or a token. The request id is the client's `X-Request-Id`
//! when it is a short plain token (so a proxy's id follows the request), else a fresh random
//! one, and is echoed in the response's `X-Request-Id`.
//!
//! The same middleware counts requests by route and status and records their latency through
//! the `metrics` facade; without an installed recorder (no `--metrics-bind`) that costs
//! nothing.

use axum::extract::{MatchedPath, Request};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Instant;

/// The `tracing` target of request lines (filter with `RUST_LOG=linli::request=off`).
pub const TARGET: &str = "linli::request";
pub const REQUESTS_TOTAL: &str = "linli_http_requests_total";
pub const REQUEST_DURATION: &str = "linli_http_request_duration_seconds";
pub const IMPORT_DURATION: &str = "linli_roster_import_duration_seconds";
pub const IMPORTS_TOTAL: &str = "linli_roster_imports_total";

/// The route label of requests no route matched (404s): their raw paths would let any client
/// create unbounded metric series.
const UNMATCHED: &str = "(unmatched)";

/// Filled by the request context once it knows who is signed in, read by the log line.
#[derive(Clone, Default)]
pub struct AccountSlot(Arc<AtomicI64>);

impl AccountSlot {
    pub fn set(&self, account_id: i64) {
        self.0.store(account_id, Ordering::Relaxed);
    }
    fn get(&self) -> Option<i64> {
        Some(self.0.load(Ordering::Relaxed)).filter(|&id| id > 0)
    }
}

fn request_id(req: &Request) -> String {
    req.headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        })
        .map(str::to_string)
        .unwrap_or_else(|| hex::encode(rand::random::<[u8; 8]>()))
}

pub async fn log_request(mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| UNMATCHED.to_string());
    let id = request_id(&req);
    let account = AccountSlot::default();
    req.extensions_mut().insert(account.clone());
    let mut res = next.run(req).await;
    let elapsed = started.elapsed();
    let status = res.status().as_u16();
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert("x-request-id", v);
    }
    let latency_ms = elapsed.as_micros() as f64 / 1000.0;
    match account.get() {
        Some(account) => {
            tracing::info!(target: TARGET, %method, %route, status, latency_ms, request_id = %id, account, "request")
        }
        None => {
            tracing::info!(target: TARGET, %method, %route, status, latency_ms, request_id = %id, "request")
        }
    }
    let labels = [
        ("method", method.to_string()),
        ("route", route.clone()),
        ("status", status.to_string()),
    ];
    metrics::counter!(REQUESTS_TOTAL, &labels).increment(1);
    metrics::histogram!(REQUEST_DURATION, "route" => route).record(elapsed.as_secs_f64());
    res
}

/// Times a roster import's confirmation (the page's and the API's), by outcome: a city's
/// operator sees how long the yearly imports take and how many were refused.
pub async fn timed_import<T, E>(
    work: impl std::future::Future<Output = Result<T, E>>,
) -> Result<T, E> {
    let started = Instant::now();
    let result = work.await;
    let outcome = if result.is_ok() { "applied" } else { "refused" };
    metrics::histogram!(IMPORT_DURATION).record(started.elapsed().as_secs_f64());
    metrics::counter!(IMPORTS_TOTAL, "result" => outcome).increment(1);
    result
}
