//! `GET /readyz`: whether this server can serve now — the database answers and its schema is
//! the one this binary expects. A load balancer or the package's test waits for 200; 503 says
//! why not in one line. (`/healthz` stays a trivial "the process answers".)

use crate::State;
use axum::http::StatusCode;

/// `GET /healthz/db`: the process answers and the database answers one indexed read (of a
/// household by id; whether it exists does not matter). The floor the bench measures pages
/// against: a page can never be faster than one trip to the database.
pub async fn healthz_db(state: State) -> (StatusCode, String) {
    match state.store.one_indexed_read().await {
        Ok(()) => (StatusCode::OK, "ok".into()),
        Err(e) => (StatusCode::SERVICE_UNAVAILABLE, format!("not ready: {e}")),
    }
}

pub async fn readyz(state: State) -> (StatusCode, String) {
    match state.store.readiness().await {
        Ok(()) => (StatusCode::OK, "ready".into()),
        Err(e) => {
            tracing::warn!(reason = %e, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, format!("not ready: {e}"))
        }
    }
}
