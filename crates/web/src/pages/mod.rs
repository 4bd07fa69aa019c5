//! The server-rendered pages. Each handler calls one service method and renders the result;
//! forms post back to the same address and are re-shown with every error marked.

mod account;
mod acting;
mod agenda;
pub(crate) mod dashboards;
mod elections;
mod elevator_ops;
mod elevators;
mod funds;
mod grids;
mod households;
mod meetings;
pub(crate) mod notify;
mod people;
mod places;
mod proposals;
mod ratings;
mod recording;
mod requests;
mod rooms;
pub(crate) mod roster;
mod standards;
mod volunteers;
mod voting;

use crate::AppState;
use crate::ctx::{Ctx, LANG_COOKIE, LARGE_COOKIE};
use crate::error::WebError;
use crate::form_errors::FormErrors;
use crate::i18n::T;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use linli_domain::Lang;
use linli_store::ServiceError;
use std::sync::Arc;

/// What every page's frame needs: the reader's settings and who is signed in.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub user: Option<String>,
    pub csrf: String,
    pub path: String,
    /// Unread messages, shown beside 消息.
    pub unread: u64,
    /// The confirmation of the action just done, in the reader's language.
    pub flash: Option<&'static str>,
}

pub fn chrome(ctx: &Ctx) -> (T, Chrome) {
    let t = T::new(ctx.lang, ctx.large_text);
    (
        t,
        Chrome {
            user: ctx.actor.as_ref().map(|a| a.name.clone()),
            csrf: ctx.csrf.clone(),
            path: ctx.path.clone(),
            unread: ctx.unread,
            flash: ctx.flash.map(|k| t.s(k)),
        },
    )
}

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .merge(account::router())
        .merge(places::router())
        .merge(households::router())
        .merge(people::router())
        .merge(proposals::router())
        .merge(ratings::router())
        .merge(voting::router())
        .merge(elections::router())
        .merge(elevators::router())
        .merge(volunteers::router())
        .merge(elevator_ops::router())
        .merge(funds::router())
        .merge(meetings::router())
        .merge(acting::router())
        .merge(roster::router())
        .merge(requests::router())
        .merge(grids::router())
        .merge(standards::router())
        .merge(dashboards::router())
        .merge(notify::router())
        .route("/prefs", axum::routing::get(prefs))
}

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
struct NotFound {
    t: T,
    status: u16,
    message: String,
}

pub async fn not_found(ctx: Ctx) -> Response {
    if ctx.json {
        return WebError::from(ServiceError::NotFound { entity: "page" }).into_response();
    }
    let t = T::new(ctx.lang, ctx.large_text);
    (
        StatusCode::NOT_FOUND,
        NotFound {
            t,
            status: 404,
            message: t.s("not_found").to_string(),
        },
    )
        .into_response()
}

#[derive(serde::Deserialize)]
struct Prefs {
    lang: Option<String>,
    large: Option<String>,
    back: Option<String>,
}

/// Switches language or text size; kept in a cookie for a year, works without JavaScript.
async fn prefs(crate::form::Q(p): crate::form::Q<Prefs>) -> Response {
    let mut res = Redirect::to(&local_target(p.back.as_deref().unwrap_or("/"))).into_response();
    let mut set = |name: &str, value: &str| {
        if let Ok(v) = HeaderValue::from_str(&format!(
            "{name}={value}; Path=/; Max-Age=31536000; SameSite=Lax"
        )) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    };
    if let Some(l) = p.lang {
        set(LANG_COOKIE, Lang::from_tag(&l).tag());
    }
    if let Some(l) = p.large {
        set(LARGE_COOKIE, if l == "1" { "1" } else { "0" });
    }
    res
}

/// Where a redirect that names its target in the request (`back=`) may lead: a path on this
/// site, else the home page. A same-site path starts with `/` followed by neither `/` nor `\\`
/// (browsers read both `//host` and `/\\host` as another site) and holds no control character
/// (a tab is dropped by browsers, so `/\t/host` is `//host`; a line break cannot be a header).
/// Bytes outside printable ASCII are percent-encoded, so the `Location` header is always valid
/// and the redirect never fails.
pub fn local_target(back: &str) -> String {
    let same_site = back.starts_with('/')
        && !back[1..].starts_with(['/', '\\'])
        && !back.contains('\\')
        && !back.chars().any(char::is_control);
    if !same_site {
        return "/".into();
    }
    let mut out = String::with_capacity(back.len());
    for b in back.bytes() {
        if b.is_ascii_graphic() {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The page of a place in the hierarchy: every region shares one page, the rest have their own.
pub fn place_href(kind: &linli_domain::place::NodeKind, id: &i64) -> String {
    use linli_domain::place::NodeKind;
    let at = match kind {
        NodeKind::Compound => "compounds",
        NodeKind::Building => "buildings",
        NodeKind::Unit => "units",
        NodeKind::Household => "households",
        NodeKind::City | NodeKind::District | NodeKind::Subdistrict | NodeKind::Community => {
            "regions"
        }
    };
    format!("/{at}/{id}")
}

/// A form page is shown only to whom may submit it: others get 403, not a form that would.
pub fn may_submit(allowed: bool) -> Result<(), WebError> {
    if allowed {
        Ok(())
    } else {
        Err(ServiceError::Forbidden.into())
    }
}

/// Maps a service result to a page or an error page.
pub type PageResult = Result<Response, WebError>;

/// The base of a pager link: the path with its query minus `page`, ready for `page=N`.
pub fn pager_base(path: &str, params: &[(&str, String)]) -> String {
    let mut s = format!("{path}?");
    for (k, v) in params.iter().filter(|(_, v)| !v.is_empty()) {
        s.push_str(k);
        s.push('=');
        s.push_str(&urlencode(v));
        s.push('&');
    }
    s
}

pub fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// One field of a simple form page.
#[derive(Debug, Clone, Default)]
pub struct F {
    pub name: &'static str,
    pub label: &'static str,
    pub value: String,
    pub hint: Option<&'static str>,
    pub optional: bool,
    pub numeric: bool,
    pub choices: Vec<(String, String)>,
}

impl F {
    pub fn new(t: &T, name: &'static str, label_key: &str, value: impl Into<String>) -> F {
        F {
            name,
            label: t.s(label_key),
            value: value.into(),
            ..Default::default()
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "simple_form.html")]
pub struct SimpleForm {
    pub t: T,
    pub c: Chrome,
    pub heading: String,
    pub intro: Option<&'static str>,
    pub note: Option<&'static str>,
    pub errors: FormErrors,
    pub hidden: Vec<(String, String)>,
    pub fields: Vec<F>,
    pub submit: &'static str,
    pub back: String,
}

/// Shows a form again after a failed submission: errors listed, bad fields marked. Errors
/// that are not about input (forbidden, stale, …) are listed too.
pub fn reshow(mut form: SimpleForm, err: ServiceError, lang: Lang) -> PageResult {
    if !FormErrors::reshows(&err) {
        return Err(err.into());
    }
    // The service's names for what these forms call otherwise.
    let mut errors = FormErrors::new(&err, lang).renamed("person_name", "name");
    for moved in ["moved_in", "moved_out"] {
        if form.fields.iter().any(|f| f.name == moved) {
            errors = errors.renamed("date", moved);
        }
    }
    form.errors = errors;
    Ok((FormErrors::status(&err), form).into_response())
}

pub use linli_store::{china_date, china_time};

/// The date `days` from the request's day in China, to pre-fill a deadline.
pub fn today_plus(ctx: &Ctx, days: i64) -> String {
    china_date(ctx.now + days * 86_400)
}

/// The most rows a list download holds: a city's households fit.
pub const EXPORT_MAX: usize = 200_000;

/// Every row of a paged list, page by page (capped at [`EXPORT_MAX`]), for a download of
/// what the page shows with the same filters.
pub async fn all_pages<T, F, Fut>(mut fetch: F) -> Result<Vec<T>, ServiceError>
where
    F: FnMut(linli_domain::PageRequest) -> Fut,
    Fut: std::future::Future<Output = Result<linli_domain::Paged<T>, ServiceError>>,
{
    let size = linli_domain::PageRequest::MAX_SIZE;
    let mut out = Vec::new();
    for page in 1.. {
        let got = fetch(linli_domain::PageRequest::new(Some(page), Some(size))).await?;
        let last = !got.has_next();
        out.extend(got.items);
        if last || out.len() >= EXPORT_MAX {
            break;
        }
    }
    out.truncate(EXPORT_MAX);
    Ok(out)
}

/// A table as an `.xlsx` or `.csv` download (`format` as in the link's query).
pub fn sheet_download(
    ctx: &Ctx,
    format: &str,
    name: &str,
    headers: &[&str],
    rows: &[Vec<String>],
) -> PageResult {
    let (bytes, content_type, ext) = match format {
        "csv" => (
            linli_sheet::csv_table(headers, rows)?,
            "text/csv; charset=utf-8",
            "csv",
        ),
        "xlsx" => (
            linli_sheet::xlsx_table(name, headers, rows)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
        _ => {
            return Err(ServiceError::invalid("format", linli_domain::Invalid::BadChoice).into());
        }
    };
    Ok(voting::download(
        bytes,
        content_type,
        &download_name(name, &china_date(ctx.now), ext),
    ))
}

/// `遂宁市-小区名录-2026-12-05.xlsx`: what the file holds and the day it was made, without the
/// characters file systems refuse.
pub fn download_name(what: &str, day: &str, ext: &str) -> String {
    let what: String = what
        .trim()
        .chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|".contains(c) {
                '-'
            } else {
                c
            }
        })
        .collect();
    format!("{what}-{day}.{ext}")
}

/// A QR code as inline SVG, `px` pixels square; empty if the text cannot be encoded.
pub fn qr_svg(text: &str, px: u32) -> String {
    crate::qr::svg(text, px)
}

/// One printed sheet per household of a vote's frozen roll (consent forms, ballot papers):
/// (household, owners, area, a QR code of the link that household's sheet opens).
pub fn roll_sheets(
    households: Vec<linli_store::proposals::RollHousehold>,
    link: impl Fn(i64) -> String,
) -> Vec<(String, String, String, String)> {
    households
        .into_iter()
        .map(|h| {
            let qr = qr_svg(&link(h.household_id), 120);
            (h.label, h.owners, h.area, qr)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::local_target;

    #[test]
    fn a_back_link_stays_on_this_site() {
        for (back, to) in [
            ("/compounds/1?page=2", "/compounds/1?page=2"),
            ("/", "/"),
            ("/搜索", "/%E6%90%9C%E7%B4%A2"),
            ("/a b", "/a%20b"),
            ("//example.com", "/"),
            ("/\\example.com", "/"),
            ("/a\\..\\\\example.com", "/"),
            ("/\t/example.com", "/"),
            ("/\n", "/"),
            ("/\r\nSet-Cookie: x=1", "/"),
            ("/\u{7f}", "/"),
            ("https://example.com", "/"),
            ("example.com", "/"),
            ("", "/"),
        ] {
            assert_eq!(local_target(back), to, "{back:?}");
        }
    }
}
