//! Confirmations after an action ("草稿已保存。"), one mechanism for every form: the handler
//! answers with a redirect that also sets a short-lived cookie naming the message
//! ([`redirect`]); the next page shows it in its frame (`Chrome::flash`, a `role="status"`
//! line that screen readers announce) and [`clear`] drops the cookie with that page, so it
//! shows once. Works without JavaScript; the cookie holds only a key from [`KEYS`], never text
//! the client chose.

use crate::ctx::{FLASH_COOKIE, cookie};
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

/// The confirmations there are (keys of the words in `i18n_home.rs`).
pub const KEYS: &[&str] = &[
    "fl_draft_saved",
    "fl_voting_opened",
    "fl_visit_saved",
    "fl_plan_saved",
    "fl_payment_saved",
    "fl_sheet_saved",
    "fl_scorer_seated",
    "fl_ballot_cast",
];

/// The key a cookie names, if it is one of ours.
pub fn known(value: &str) -> Option<&'static str> {
    KEYS.iter().copied().find(|k| *k == value)
}

/// A redirect to `to` (a path on this site) that shows `key` on the page it leads to.
pub fn redirect(to: &str, key: &'static str) -> Response {
    let mut res = Redirect::to(to).into_response();
    // A minute is enough to follow a redirect; the cookie never outlives a slow network long.
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{FLASH_COOKIE}={key}; Path=/; Max-Age=60; HttpOnly; SameSite=Lax"
    )) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

/// Drops the confirmation once a page (not another redirect) has been answered with it.
pub async fn clear(req: Request, next: Next) -> Response {
    let had = cookie(req.headers(), FLASH_COOKIE).is_some();
    let mut res = next.run(req).await;
    if had && !res.status().is_redirection() && !res.headers().contains_key(header::SET_COOKIE) {
        res.headers_mut().append(
            header::SET_COOKIE,
            HeaderValue::from_static("linli_flash=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"),
        );
    }
    res
}
