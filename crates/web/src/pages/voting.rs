//! The vote on the pages, for those who run it and those who go door to door: recording a
//! ballot for someone (with its evidence), the door-knocking list, the ballot register, the
//! printable result notice and consent forms, and the stored files.

use super::recording::RecordFields;
use super::{Chrome, PageResult, chrome};
use crate::ctx::Ctx;
use crate::form::{CsrfForm, CsrfMultipart, Ids, Q};
use crate::form_errors::FormErrors;
use crate::i18n::T;
use crate::{AppState, State};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use linli_domain::decision::Choice;
use linli_store::ServiceError;
use linli_store::files::MAX_FILE_BYTES;
use linli_store::proposals::{
    BallotInput, KnockList, ProposalView, RegisterRow, TallyView, VisitInput, VisitOutcome,
};
use serde::Deserialize;
use std::sync::Arc;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route(
            "/proposals/{id}/record",
            get(record_page)
                .post(record)
                .layer(DefaultBodyLimit::max(MAX_FILE_BYTES + 64 * 1024)),
        )
        .route("/proposals/{id}/knock", get(knock))
        .route("/proposals/{id}/visits", post(visit))
        .route("/proposals/{id}/register", get(register))
        .route("/proposals/{id}/files/{file}", get(register_file))
        .route("/proposals/{id}/notice", get(notice))
        .route("/proposals/{id}/consent-forms", get(consent_forms))
        .route("/files/{id}", get(file))
}

#[derive(Deserialize, Default)]
struct RecordQuery {
    household: Option<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "ballot_record.html")]
struct RecordPage {
    t: T,
    c: Chrome,
    p: ProposalView,
    r: RecordFields,
    choice: String,
    choices: Vec<(&'static str, &'static str)>,
    methods: Vec<(&'static str, &'static str)>,
    /// The vote's flats for the room picker (empty for a place too large to list).
    rooms: Vec<super::rooms::RoomGroup>,
    errors: FormErrors,
}

fn record_form(ctx: &Ctx, p: ProposalView, r: RecordFields) -> RecordPage {
    let (t, c) = chrome(ctx);
    let choices = Choice::ALL
        .iter()
        .map(|ch| (ch.as_str(), ch.label(ctx.lang)))
        .collect();
    RecordPage {
        t,
        c,
        p,
        r,
        choice: String::new(),
        choices,
        methods: RecordFields::methods(ctx.lang),
        rooms: Vec::new(),
        errors: FormErrors::default(),
    }
}

async fn record_page(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Q(q): Q<RecordQuery>,
) -> PageResult {
    let actor = ctx.actor()?;
    let p = state.store.proposal(actor, id).await?;
    if !p.can.record_ballots && !p.can.manage {
        return Err(ServiceError::Forbidden.into());
    }
    let household = super::recording::room_of(&state.store, q.household).await;
    let mut page = record_form(&ctx, p, RecordFields::new(household));
    page.rooms = super::rooms::groups(state.store.ballot_room_choices(actor, id).await?);
    Ok(page.into_response())
}

/// A ballot recorded for a household, with the evidence file uploaded in the same form.
async fn record(state: State, ctx: Ctx, Ids(id): Ids<i64>, mut form: CsrfMultipart) -> PageResult {
    let actor = ctx.actor()?;
    let s = &state.store;
    let p = s.proposal(actor, id).await?;
    let mut page = record_form(&ctx, p, RecordFields::read(&form));
    page.choice = form.text("choice");
    let input = BallotInput {
        choice: page.choice.clone(),
        method: page.r.method.clone(),
        household_id: super::rooms::picked(&page.r.room, &page.r.household_id),
        room: page.r.room.clone(),
        voter_key: page.r.voter_key(),
        evidence_id: None,
        witness: page.r.witness.clone(),
        note: page.r.note.clone(),
        proxy_name: page.r.proxy_name.clone(),
    };
    let result = s
        .cast_ballot_with(actor, id, &input, form.take_file())
        .await;
    match result {
        Ok(_) => Ok(crate::flash::redirect(
            &format!("/proposals/{id}/knock?saved=1"),
            "fl_ballot_cast",
        )),
        Err(e @ ServiceError::Invalid(_)) => {
            page.errors = FormErrors::new(&e, ctx.lang);
            page.rooms = super::rooms::groups(s.ballot_room_choices(actor, id).await?);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
struct KnockQuery {
    saved: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "knock.html")]
struct KnockPage {
    t: T,
    c: Chrome,
    p: ProposalView,
    k: KnockList,
    outcomes: Vec<(&'static str, &'static str)>,
    saved: bool,
}

async fn knock(state: State, ctx: Ctx, Ids(id): Ids<i64>, Q(q): Q<KnockQuery>) -> PageResult {
    let actor = ctx.actor()?;
    let p = state.store.proposal(actor, id).await?;
    let k = state.store.knock_list(actor, id).await?;
    let (t, c) = chrome(&ctx);
    let outcomes = VisitOutcome::ALL
        .iter()
        .map(|o| (o.as_str(), o.label(ctx.lang)))
        .collect();
    Ok(KnockPage {
        t,
        c,
        p,
        k,
        outcomes,
        saved: q.saved.is_some(),
    }
    .into_response())
}

#[derive(Deserialize)]
struct VisitForm {
    household_id: i64,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    note: String,
}

async fn visit(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<VisitForm>,
) -> PageResult {
    let actor = ctx.actor()?;
    let input = VisitInput {
        household_id: f.household_id,
        outcome: f.outcome,
        note: f.note,
    };
    state.store.record_visit(actor, id, &input).await?;
    Ok(crate::flash::redirect(
        &format!("/proposals/{id}/knock#h{}", f.household_id),
        "fl_visit_saved",
    ))
}

#[derive(Template, WebTemplate)]
#[template(path = "register.html")]
struct RegisterPage {
    t: T,
    c: Chrome,
    p: ProposalView,
    rows: Vec<RegisterRow>,
}

async fn register(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> PageResult {
    let actor = ctx.actor()?;
    let p = state.store.proposal(actor, id).await?;
    let rows = state.store.ballot_register(actor, id).await?;
    let (t, c) = chrome(&ctx);
    Ok(RegisterPage { t, c, p, rows }.into_response())
}

/// The ballot register as a spreadsheet, `register.xlsx` or `register.csv`: one row per
/// voter, as on the print page, in the reader's language.
async fn register_file(state: State, ctx: Ctx, Ids((id, file)): Ids<(i64, String)>) -> PageResult {
    let actor = ctx.actor()?;
    if !matches!(file.as_str(), "register.xlsx" | "register.csv") {
        return Err(ServiceError::NotFound { entity: "page" }.into());
    }
    let rows = state.store.ballot_register(actor, id).await?;
    let (t, lang) = (T::new(ctx.lang, false), ctx.lang);
    let pick = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let headers = [
        pick("投票人", "Voter"),
        pick("房屋", "Households"),
        pick("面积㎡", "Area m²"),
        pick("人数", "Heads"),
        pick("意见", "Choice"),
        pick("方式", "Method"),
        pick("录入人", "Recorded by"),
        pick("由谁投出", "Cast by"),
        pick("依据", "On whose authority"),
        pick("见证人", "Witness"),
        pick("凭证", "Evidence"),
        pick("时间", "Time"),
        pick("版本", "Revision"),
    ];
    let table: Vec<Vec<String>> = rows
        .into_iter()
        .map(|r| {
            let choice = t.cast_choice(&r);
            vec![
                r.name,
                r.households,
                r.area,
                r.heads.to_string(),
                choice,
                r.method
                    .map(|m| m.label(lang).to_string())
                    .unwrap_or_default(),
                r.recorder_name.unwrap_or_default(),
                r.cast_by.unwrap_or_default(),
                r.authority
                    .map(|a| a.label(lang).to_string())
                    .unwrap_or_default(),
                r.witness.unwrap_or_default(),
                r.evidence_id
                    .map(|e| format!("/files/{e}"))
                    .unwrap_or_default(),
                r.cast_at.map(super::china_time).unwrap_or_default(),
                r.revision.to_string(),
            ]
        })
        .collect();
    let (bytes, content_type) = if file == "register.csv" {
        (
            linli_sheet::csv_table(&headers, &table)?,
            "text/csv; charset=utf-8",
        )
    } else {
        (
            linli_sheet::xlsx_table(pick("表决登记表", "Ballot register"), &headers, &table)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    };
    Ok(download(
        bytes,
        content_type,
        &format!("ballots-{id}-{file}"),
    ))
}

/// `attachment` with the file's own (Chinese) name as `filename*` (RFC 6266 / 5987), which every
/// current browser uses, and an ASCII `filename` for the others.
fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .collect();
    // `纹江花园-房屋名录-2026-12-06.xlsx` leaves `-2026-12-06.xlsx`: give it a name again.
    let stem = ascii
        .rsplit_once('.')
        .map_or(ascii.as_str(), |(stem, _)| stem);
    let fallback = if stem.chars().any(|c| c.is_ascii_alphabetic()) {
        ascii
    } else {
        format!("linli{ascii}")
    };
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'~') {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

pub fn download(bytes: Vec<u8>, content_type: &str, name: &str) -> Response {
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&content_disposition(name)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    res
}

#[derive(Template, WebTemplate)]
#[template(path = "notice.html")]
struct NoticePage {
    t: T,
    c: Chrome,
    p: ProposalView,
    tally: TallyView,
    closed_on: String,
    notice_until: String,
    /// The compound's audit head when printed: an anchor outside the database.
    audit_head: String,
}

/// The result notice (公示) to post in the stairwell: the tally, the rule applied, the period.
async fn notice(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> PageResult {
    let actor = ctx.actor()?;
    let p = state.store.proposal(actor, id).await?;
    let tally = state.store.tally(actor, id).await?;
    if !tally.final_result {
        return Err(ServiceError::invalid(
            "stage",
            linli_domain::Invalid::WrongStage {
                stage: linli_domain::decision::ProposalStage::Voting,
            },
        )
        .into());
    }
    let closed = p.closed_at.unwrap_or(p.created_at);
    let (t, c) = chrome(&ctx);
    let closed_on = super::china_date(closed);
    let notice_until = super::china_date(closed + i64::from(p.notice_days) * 86_400);
    let audit_head = state
        .store
        .chain_head(p.compound_id)
        .await?
        .map(|h| format!("#{} {}", h.seq, &h.hash[..h.hash.len().min(16)]))
        .unwrap_or_default();
    Ok(NoticePage {
        t,
        c,
        p,
        tally,
        closed_on,
        notice_until,
        audit_head,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "consent_forms.html")]
struct ConsentForms {
    t: T,
    c: Chrome,
    p: ProposalView,
    forms: Vec<ConsentSheet>,
    /// For an elevator proposal: the amount due, where to return the form, whom to ask.
    terms: Option<linli_store::elevators::ConsentTerms>,
    /// The day printed as the deadline: the vote's last day, when voting is open.
    return_by: Option<String>,
}

/// One household's consent form.
struct ConsentSheet {
    label: String,
    owners: String,
    area: String,
    /// Its share of the elevator it decides, in yuan, when the plan has a cost.
    share: Option<String>,
    /// A QR code (SVG) opening the proposal for this household.
    qr: String,
}

/// One pre-filled consent form (同意书) per household of the roll, each with a QR code that
/// opens the proposal, to print and take from door to door.
async fn consent_forms(
    state: State,
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    Ids(id): Ids<i64>,
) -> PageResult {
    let actor = ctx.actor()?;
    let p = state.store.proposal(actor, id).await?;
    let households = state.store.roll_households(actor, id).await?;
    let terms = state.store.consent_terms(actor, id).await?;
    let forms = households
        .into_iter()
        .map(|h| ConsentSheet {
            share: terms
                .as_ref()
                .and_then(|x| x.shares.get(&h.household_id).cloned()),
            qr: super::qr_svg(
                &state.absolute(
                    &headers,
                    &format!("/proposals/{id}?household={}", h.household_id),
                ),
                120,
            ),
            label: h.label,
            owners: h.owners,
            area: h.area,
        })
        .collect();
    let return_by = p.voting_last_day.clone();
    let (t, c) = chrome(&ctx);
    Ok(ConsentForms {
        t,
        c,
        p,
        forms,
        terms,
        return_by,
    }
    .into_response())
}

#[derive(Deserialize, Default)]
struct FileQuery {
    /// `?thumb=1`: the small JPEG of a photo instead of the photo.
    thumb: Option<String>,
}

/// A stored file (evidence or attachment), or its thumbnail, for those allowed to see it.
async fn file(state: State, ctx: Ctx, Ids(id): Ids<i64>, Q(q): Q<FileQuery>) -> PageResult {
    let actor = ctx.actor()?;
    let thumb = q
        .thumb
        .as_deref()
        .is_some_and(|v| !v.is_empty() && v != "0");
    let f = if thumb {
        state.store.file_thumbnail(actor, id).await
    } else {
        state.store.file(actor, id).await
    };
    let f = f?;
    let mut res = download(f.content, &f.info.content_type, &f.info.file_name);
    let h = res.headers_mut();
    // Photos and PDFs open in the browser; the name is kept for saving.
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("inline"),
    );
    // A stored file never changes: a phone may keep it, but no shared cache may.
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=86400"),
    );
    Ok(res)
}
