//! The security headers of every response, set in one layer so no page, download or error
//! can miss them.
//!
//! The Content-Security-Policy allows only this site's own script and stylesheet (no inline
//! script, no inline style, no `eval`), images from this site, forms that post to it, and no
//! framing: a vote, a payment or a close-the-vote form cannot be put in another site's frame
//! to be clicked unawares. HSTS is sent only with `--secure-cookies`, i.e. behind HTTPS.

use crate::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;

pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// A year, as browsers want for HSTS.
pub const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000";

pub async fn security_headers(
    State(state): State<Arc<AppState>>,
    req: Request,
    next: Next,
) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let mut set = |name: HeaderName, value: &'static str| {
        h.entry(name).or_insert(HeaderValue::from_static(value));
    };
    set(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::REFERRER_POLICY, "same-origin");
    set(
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    if state.secure_cookies {
        set(header::STRICT_TRANSPORT_SECURITY, STRICT_TRANSPORT_SECURITY);
    }
    res
}
