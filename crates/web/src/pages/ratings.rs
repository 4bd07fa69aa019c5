//! The civility rating pages: the compound's rating (months, panel, rubric, year export),
//! a month's ranking with its printable notice, the scoring sheet (one tap per item, a photo
//! as evidence), and a unit's sheets with its appeals.

use super::{Chrome, PageResult, chrome};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::form::{CsrfForm, CsrfMultipart, Ids};
use crate::form_errors::FormErrors;
use crate::i18n::T;
use crate::{AppState, State};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use linli_domain::rating::{ItemKind, Party, Rubric};
use linli_store::ServiceError;
use linli_store::files::MAX_FILE_BYTES;
use linli_store::ratings::*;
use serde::Deserialize;
use std::sync::Arc;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/compounds/{id}/rating", get(index))
        .route("/compounds/{id}/rating/years/{year}", get(year))
        .route("/compounds/{id}/rating/rubric", post(adopt))
        .route("/compounds/{id}/rating/rubric/version", post(amend))
        .route("/compounds/{id}/rating/panel", post(add_scorer))
        .route("/compounds/{id}/rating/months", post(open_month))
        .route("/rating/months/{id}", get(month))
        .route("/rating/months/{id}/notice", get(notice))
        .route("/rating/months/{id}/close", post(close))
        .route(
            "/rating/months/{id}/score/{unit}",
            get(sheet_page)
                .post(submit)
                .layer(DefaultBodyLimit::max(MAX_FILE_BYTES + 64 * 1024)),
        )
        .route("/rating/months/{id}/units/{unit}", get(unit))
        .route("/rating/months/{id}/appeals", post(appeal))
        .route("/rating/appeals/{id}/decision", post(decide))
}

#[derive(Template, WebTemplate)]
#[template(path = "rating_index.html")]
struct IndexPage {
    t: T,
    c: Chrome,
    compound_id: i64,
    months: Vec<MonthRow>,
    panel: Vec<ScorerView>,
    rubrics: Vec<RubricView>,
    parties: Vec<(&'static str, &'static str)>,
    manage: bool,
    year: String,
    errors: FormErrors,
    /// The compound's passed proposals, for the "adopt a new version" form: (id, title).
    passed: Vec<(i64, String)>,
    /// Who may be seated on the panel, by name (for managers).
    scorers: Vec<linli_store::registry::PersonChoice>,
    /// What the "adopt a new version" form shows: the current version's JSON at first, what
    /// was typed after an error.
    amend: AmendForm,
    amend_errors: FormErrors,
}

async fn index_page(
    state: &State,
    ctx: &Ctx,
    id: i64,
    errors: FormErrors,
) -> Result<IndexPage, crate::error::WebError> {
    let actor = ctx.actor()?;
    let s = &state.store;
    let months = s.rating_months(actor, id).await?;
    let panel = s.panel(actor, id).await?;
    let rubrics = s.rubrics(actor, id).await?;
    let manage = s.can_manage_rating(actor, id).await?;
    let scorers = if manage {
        s.scorer_choices(actor, id).await?
    } else {
        Vec::new()
    };
    let passed = if manage && !rubrics.is_empty() {
        s.list_proposals(
            actor,
            id,
            Some("passed"),
            linli_domain::PageRequest::new(None, Some(linli_domain::PageRequest::MAX_SIZE)),
        )
        .await?
        .items
        .into_iter()
        .map(|p| (p.id, p.title))
        .collect()
    } else {
        Vec::new()
    };
    let amend = AmendForm {
        proposal_id: String::new(),
        from_month: String::new(),
        rubric: rubrics
            .last()
            .and_then(|r| serde_json::to_string_pretty(&r.rubric).ok())
            .unwrap_or_default(),
    };
    let (t, chrome) = chrome(ctx);
    let year = months
        .first()
        .map(|m| m.month.chars().take(4).collect())
        .unwrap_or_default();
    Ok(IndexPage {
        t,
        c: chrome,
        compound_id: id,
        months,
        panel,
        rubrics,
        parties: Party::ALL
            .iter()
            .map(|p| (p.as_str(), p.label(ctx.lang)))
            .collect(),
        manage,
        year,
        errors,
        passed,
        scorers,
        amend,
        amend_errors: FormErrors::default(),
    })
}

async fn index(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> PageResult {
    Ok(index_page(&state, &ctx, id, FormErrors::default())
        .await?
        .into_response())
}

/// Re-shows the index with the error of a form on it, or redirects on success.
async fn after<T>(
    state: &State,
    ctx: &Ctx,
    id: i64,
    r: Result<T, ServiceError>,
    to: String,
    flash: Option<&'static str>,
) -> PageResult {
    match r {
        Ok(_) => Ok(match flash {
            Some(key) => crate::flash::redirect(&to, key),
            None => Redirect::to(&to).into_response(),
        }),
        Err(e @ ServiceError::Invalid(_)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            index_page(state, ctx, id, FormErrors::new(&e, ctx.lang)).await?,
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct AdoptForm {
    #[serde(default)]
    from_month: String,
}

async fn adopt(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<AdoptForm>,
) -> PageResult {
    let input = RubricInput {
        preset: "nanguo".into(),
        rubric: None,
        from_month: f.from_month,
        proposal_id: None,
    };
    let r = state.store.adopt_rubric(ctx.actor()?, id, &input).await;
    after(&state, &ctx, id, r, format!("/compounds/{id}/rating"), None).await
}

/// The "adopt a new version" form: the passed proposal, the month it applies from, and the
/// rubric as JSON.
#[derive(Deserialize, Default)]
struct AmendForm {
    #[serde(default)]
    proposal_id: String,
    #[serde(default)]
    from_month: String,
    #[serde(default)]
    rubric: String,
}

/// Adopts a new rubric version from the page. The JSON is read here so a typing mistake is
/// named with its line and column; the proposal and the month are checked by the store.
async fn amend(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<AmendForm>,
) -> PageResult {
    let (t, _) = chrome(&ctx);
    let proposal_id = match f.proposal_id.trim() {
        "" => Ok(None),
        p => p
            .parse::<i64>()
            .map(Some)
            .map_err(|_| t.s("rt_amend_bad_proposal").to_string()),
    };
    let rubric = match f.rubric.trim() {
        "" => Err(t.s("rt_amend_no_json").to_string()),
        r => serde_json::from_str::<Rubric>(r).map_err(|e| {
            format!(
                "{}（{} {}:{}）{}",
                t.s("rt_amend_bad_json"),
                t.s("rt_amend_line"),
                e.line(),
                e.column(),
                e
            )
        }),
    };
    let result = match (proposal_id, rubric) {
        (Ok(proposal_id), Ok(rubric)) => {
            let input = RubricInput {
                preset: String::new(),
                rubric: Some(rubric),
                from_month: f.from_month.clone(),
                proposal_id,
            };
            match state.store.adopt_rubric(ctx.actor()?, id, &input).await {
                Ok(_) => {
                    return Ok(Redirect::to(&format!("/compounds/{id}/rating")).into_response());
                }
                Err(e @ ServiceError::Invalid(_)) => vec![e.message(ctx.lang)],
                Err(e) => return Err(e.into()),
            }
        }
        (p, r) => p.err().into_iter().chain(r.err()).collect(),
    };
    let mut page = index_page(&state, &ctx, id, FormErrors::default()).await?;
    page.amend = f;
    page.amend_errors = FormErrors::messages(result);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

#[derive(Deserialize)]
struct ScorerForm {
    /// The scorer picked by name.
    #[serde(default)]
    account_id: String,
    /// Or a login name (the form before the list; still accepted).
    #[serde(default)]
    login: String,
    #[serde(default)]
    party: String,
}

async fn add_scorer(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<ScorerForm>,
) -> PageResult {
    let input = ScorerInput {
        account_id: f.account_id.trim().parse().ok(),
        login: f.login,
        party: f.party,
        home_unit_id: None,
    };
    let r = state.store.add_scorer(ctx.actor()?, id, &input).await;
    after(
        &state,
        &ctx,
        id,
        r,
        format!("/compounds/{id}/rating"),
        Some("fl_scorer_seated"),
    )
    .await
}

#[derive(Deserialize)]
struct MonthForm {
    #[serde(default)]
    month: String,
}

async fn open_month(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<MonthForm>,
) -> PageResult {
    let r = state
        .store
        .open_month(ctx.actor()?, id, &MonthInput { month: f.month })
        .await;
    let to = match &r {
        Ok(m) => format!("/rating/months/{}", m.id),
        Err(_) => String::new(),
    };
    after(&state, &ctx, id, r, to, None).await
}

#[derive(Template, WebTemplate)]
#[template(path = "rating_month.html")]
struct MonthPage {
    t: T,
    c: Chrome,
    v: MonthView,
    errors: FormErrors,
    /// The unit whose sheet was just submitted, for the confirmation line.
    saved: Option<String>,
    /// The closing reason typed, when closing was refused.
    reason: String,
}

impl MonthPage {
    /// Whether the unit is one the reader still has to score: then tapping it opens the sheet.
    fn to_score(&self, unit: &i64) -> bool {
        self.v.my_remaining_units.iter().any(|u| u.unit_id == *unit)
    }
}

/// `?saved=<unit id>` after a sheet was submitted.
#[derive(Deserialize, Default)]
struct SavedQuery {
    saved: Option<i64>,
}

/// The name of the unit a sheet was just submitted for.
fn saved_name(v: &MonthView, saved: Option<i64>) -> Option<String> {
    let id = saved?;
    v.units
        .iter()
        .find(|u| u.unit_id == id)
        .map(|u| u.name.clone())
}

async fn month(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    crate::form::Q(q): crate::form::Q<SavedQuery>,
) -> PageResult {
    let m = state.store.rating_month(ctx.actor()?, id).await?;
    let (t, chrome) = chrome(&ctx);
    Ok(MonthPage {
        t,
        c: chrome,
        saved: saved_name(&m, q.saved),
        v: m,
        errors: FormErrors::default(),
        reason: String::new(),
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "rating_notice.html")]
struct NoticePage {
    t: T,
    c: Chrome,
    v: MonthView,
    /// The day it is printed, for a month not closed yet (a closed month's notice carries its
    /// closing day).
    today: String,
}

async fn notice(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> PageResult {
    let m = state.store.rating_month(ctx.actor()?, id).await?;
    let (t, chrome) = chrome(&ctx);
    Ok(NoticePage {
        t,
        c: chrome,
        v: m,
        today: state.store.today().to_string(),
    }
    .into_response())
}

#[derive(Deserialize)]
struct CloseForm {
    #[serde(default)]
    reason: String,
}

async fn close(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<CloseForm>,
) -> PageResult {
    let actor = ctx.actor()?;
    match state
        .store
        .close_month(
            actor,
            id,
            &CloseInput {
                reason: f.reason.clone(),
            },
        )
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/rating/months/{id}")).into_response()),
        Err(e @ ServiceError::Invalid(_)) => {
            let m = state.store.rating_month(actor, id).await?;
            let (t, chrome) = chrome(&ctx);
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                MonthPage {
                    t,
                    c: chrome,
                    v: m,
                    errors: FormErrors::new(&e, ctx.lang),
                    saved: None,
                    reason: f.reason,
                },
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// One tappable item of the sheet.
struct SheetItem {
    code: String,
    label: String,
    points: i64,
    checked: bool,
}

/// A category of the sheet with its items and what must not be deducted in it.
struct SheetGroup {
    title: String,
    max: Option<i64>,
    items: Vec<SheetItem>,
    exemptions: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "rating_sheet.html")]
struct SheetPage {
    t: T,
    c: Chrome,
    month_id: i64,
    month: String,
    unit_name: String,
    groups: Vec<SheetGroup>,
    note: String,
    errors: FormErrors,
    /// The unit's volunteer hours this month, a read-only hint for the volunteering category.
    volunteer_hours: String,
    compound_id: i64,
    /// The unit whose sheet was just submitted (this sheet opened next).
    saved: Option<String>,
    /// How many units the scorer has left, this one included.
    remaining: usize,
}

fn groups(rubric: &Rubric, lang: linli_domain::Lang, checked: &[String]) -> Vec<SheetGroup> {
    let item = |k: ItemKind<'_>, label: &str| SheetItem {
        code: k.code().to_string(),
        label: label.to_string(),
        points: k.points(),
        checked: checked.iter().any(|c| c == k.code()),
    };
    let mut out: Vec<SheetGroup> = rubric
        .categories
        .iter()
        .map(|c| SheetGroup {
            title: lang.pick(&c.zh, &c.en).to_string(),
            max: Some(c.max),
            items: c
                .deductions
                .iter()
                .map(|d| {
                    item(
                        ItemKind::Deduction {
                            category: c,
                            item: d,
                        },
                        lang.pick(&d.zh, &d.en),
                    )
                })
                .collect(),
            exemptions: rubric
                .exemptions
                .iter()
                .filter(|x| x.category == c.code)
                .map(|x| lang.pick(&x.zh, &x.en).to_string())
                .collect(),
        })
        .collect();
    out.push(SheetGroup {
        title: lang.pick("加分项", "Bonuses").into(),
        max: None,
        items: rubric
            .bonuses
            .iter()
            .map(|b| item(ItemKind::Bonus(b), lang.pick(&b.zh, &b.en)))
            .collect(),
        exemptions: Vec::new(),
    });
    out.push(SheetGroup {
        title: lang.pick("一票否决", "Veto items").into(),
        max: None,
        items: rubric
            .vetoes
            .iter()
            .map(|v| item(ItemKind::Veto(v), lang.pick(&v.zh, &v.en)))
            .collect(),
        exemptions: Vec::new(),
    });
    out
}

#[allow(clippy::too_many_arguments)] // the form as it was posted, plus where it came from
async fn sheet_form(
    state: &State,
    ctx: &Ctx,
    id: i64,
    unit: i64,
    checked: &[String],
    note: String,
    errors: FormErrors,
    saved: Option<i64>,
) -> Result<SheetPage, crate::error::WebError> {
    let actor = ctx.actor()?;
    let m = state.store.rating_month(actor, id).await?;
    let rubric = state.store.month_rubric(actor, id).await?;
    let unit_name = m
        .units
        .iter()
        .find(|u| u.unit_id == unit)
        .map(|u| u.name.clone())
        .ok_or_else(|| WebError::from(ServiceError::NotFound { entity: "unit" }))?;
    let volunteer_hours = match linli_domain::rating::Month::parse(&m.month) {
        Ok(month) => {
            let minutes = state
                .store
                .unit_volunteer_minutes(actor, unit, month)
                .await?;
            linli_domain::volunteers::format_minutes(minutes, ctx.lang)
        }
        Err(_) => String::new(),
    };
    let (t, chrome) = chrome(ctx);
    Ok(SheetPage {
        t,
        c: chrome,
        saved: saved_name(&m, saved),
        remaining: m.my_remaining_units.len(),
        volunteer_hours,
        compound_id: m.compound_id,
        month_id: id,
        month: m.month,
        unit_name,
        groups: groups(&rubric, ctx.lang, checked),
        note,
        errors,
    })
}

async fn sheet_page(
    state: State,
    ctx: Ctx,
    Ids((id, unit)): Ids<(i64, i64)>,
    crate::form::Q(q): crate::form::Q<SavedQuery>,
) -> PageResult {
    Ok(sheet_form(
        &state,
        &ctx,
        id,
        unit,
        &[],
        String::new(),
        FormErrors::default(),
        q.saved,
    )
    .await?
    .into_response())
}

/// A sheet posted from the phone: each ticked item (`item_<code>`) is one tap; the photo,
/// if any, is the evidence of every tap of the sheet. Once it is in, the scorer's next
/// remaining unit opens (or the month, when none is left), saying what was saved.
async fn submit(
    state: State,
    ctx: Ctx,
    Ids((id, unit)): Ids<(i64, i64)>,
    mut form: CsrfMultipart,
) -> PageResult {
    let actor = ctx.actor()?;
    let s = &state.store;
    let ticked: Vec<String> = form
        .fields
        .keys()
        .filter_map(|k| k.strip_prefix("item_"))
        .map(String::from)
        .collect();
    let note = form.text("note");
    let marks = ticked
        .iter()
        .map(|c| MarkInput {
            item: c.clone(),
            note: String::new(),
            evidence_id: None,
        })
        .collect();
    let sheet = SheetInput {
        unit_id: unit,
        marks,
        note: note.clone(),
    };
    let result = s
        .submit_sheet_with(actor, id, &sheet, form.take_file())
        .await;
    match result {
        Ok(_) => {
            let m = s.rating_month(actor, id).await?;
            let to = match m.my_remaining_units.first() {
                Some(next) => format!("/rating/months/{id}/score/{}?saved={unit}", next.unit_id),
                None => format!("/rating/months/{id}?saved={unit}"),
            };
            Ok(crate::flash::redirect(&to, "fl_sheet_saved"))
        }
        Err(e @ ServiceError::Invalid(_)) => {
            let page = sheet_form(
                &state,
                &ctx,
                id,
                unit,
                &ticked,
                note,
                FormErrors::new(&e, ctx.lang),
                None,
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "rating_unit.html")]
struct UnitPage {
    t: T,
    c: Chrome,
    d: UnitDetail,
    errors: FormErrors,
    /// The form refused: `("appeal", mark id)` or `("decide", appeal id)`, with the reason
    /// it carried, so its message and text come back in that form only.
    refused: Refused,
}

#[derive(Default)]
struct Refused {
    form: &'static str,
    id: i64,
    reason: String,
}

impl UnitPage {
    fn errors_of(&self, form: &str, id: &i64) -> &FormErrors {
        self.errors
            .if_sent(self.refused.form == form && self.refused.id == *id)
    }

    /// What was typed in the `reason` of that form, if it was the one refused.
    fn reason_of(&self, form: &str, id: &i64) -> &str {
        if self.refused.form == form && self.refused.id == *id {
            &self.refused.reason
        } else {
            ""
        }
    }
}

async fn unit_page(
    state: &State,
    ctx: &Ctx,
    id: i64,
    unit: i64,
    errors: FormErrors,
    refused: Refused,
) -> Result<UnitPage, crate::error::WebError> {
    let d = state.store.rating_unit(ctx.actor()?, id, unit).await?;
    let (t, chrome) = chrome(ctx);
    Ok(UnitPage {
        t,
        c: chrome,
        d,
        errors,
        refused,
    })
}

async fn unit(state: State, ctx: Ctx, Ids((id, unit)): Ids<(i64, i64)>) -> PageResult {
    Ok(unit_page(
        &state,
        &ctx,
        id,
        unit,
        FormErrors::default(),
        Refused::default(),
    )
    .await?
    .into_response())
}

#[derive(Deserialize)]
struct AppealForm {
    #[serde(default)]
    mark_id: String,
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    reason: String,
}

async fn appeal(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<AppealForm>,
) -> PageResult {
    let unit: i64 = f.unit_id.trim().parse().map_err(|_| {
        WebError::from(ServiceError::invalid(
            "unit_id",
            linli_domain::Invalid::NotANumber,
        ))
    })?;
    let mark_id = f.mark_id.trim().parse::<i64>();
    let refused = Refused {
        form: "appeal",
        id: mark_id.as_ref().map_or(0, |m| *m),
        reason: f.reason.clone(),
    };
    let r = async {
        let mark_id = mark_id
            .map_err(|_| ServiceError::invalid("mark_id", linli_domain::Invalid::NotANumber))?;
        state
            .store
            .file_appeal(
                ctx.actor().map_err(|_| ServiceError::Unauthenticated)?,
                id,
                &AppealInput {
                    mark_id,
                    reason: f.reason,
                },
            )
            .await
    }
    .await;
    unit_after(&state, &ctx, id, unit, r, refused).await
}

#[derive(Deserialize)]
struct DecideForm {
    #[serde(default)]
    month_id: String,
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
}

async fn decide(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<DecideForm>,
) -> PageResult {
    let bad = |field| {
        WebError::from(ServiceError::invalid(
            field,
            linli_domain::Invalid::NotANumber,
        ))
    };
    let month: i64 = f.month_id.trim().parse().map_err(|_| bad("month_id"))?;
    let unit: i64 = f.unit_id.trim().parse().map_err(|_| bad("unit_id"))?;
    let refused = Refused {
        form: "decide",
        id,
        reason: f.reason.clone(),
    };
    let r = state
        .store
        .decide_appeal(
            ctx.actor()?,
            id,
            &AppealDecisionInput {
                reverse: f.decision == "reverse",
                reason: f.reason,
            },
        )
        .await;
    unit_after(&state, &ctx, month, unit, r, refused).await
}

async fn unit_after<T>(
    state: &State,
    ctx: &Ctx,
    month: i64,
    unit: i64,
    r: Result<T, ServiceError>,
    refused: Refused,
) -> PageResult {
    match r {
        Ok(_) => Ok(Redirect::to(&format!("/rating/months/{month}/units/{unit}")).into_response()),
        Err(e @ ServiceError::Invalid(_)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            unit_page(
                state,
                ctx,
                month,
                unit,
                FormErrors::new(&e, ctx.lang),
                refused,
            )
            .await?,
        )
            .into_response()),
        Err(e) => Err(e.into()),
    }
}

#[derive(serde::Deserialize, Default)]
struct YearQuery {
    /// The heads' households by id (a link's).
    heads: Option<String>,
    /// The heads' homes as people name them, typed on the page ("1栋1单元601、2-1-302").
    #[serde(default)]
    rooms: String,
    /// One more head picked from the building → unit → room list.
    #[serde(default)]
    head: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "rating_year.html")]
struct YearPage {
    t: T,
    c: Chrome,
    v: linli_store::ratings::YearView,
    /// The heads' household ids, for the download link and the next pick.
    heads: String,
    /// What was typed into the heads' rooms.
    rooms: String,
    /// The compound's flats for the picker (empty for a compound too large to list).
    groups: Vec<super::rooms::RoomGroup>,
    errors: FormErrors,
}

impl YearPage {
    /// Fen as yuan with two decimals, exactly.
    fn yuan(&self, fen: &i64) -> String {
        linli_domain::Fen(*fen).to_string()
    }
}

/// The year-end awards and subsidies as a page to check and print before the `.xlsx` goes
/// to the finance side.
async fn year(
    state: State,
    ctx: Ctx,
    Ids((id, year)): Ids<(i64, i32)>,
    crate::form::Q(q): crate::form::Q<YearQuery>,
) -> PageResult {
    let actor = ctx.actor()?;
    let mut ids = crate::api::ratings::parse_heads(q.heads.as_deref())?;
    ids.extend(super::rooms::picked("", &q.head).filter(|h| !ids.contains(h)));
    let heads = linli_store::ratings::Heads {
        ids,
        rooms: q.rooms.clone(),
    };
    let mut errors = FormErrors::default();
    let v = match state.store.rating_year_of(actor, id, year, &heads).await {
        Ok(v) => v,
        Err(e) if FormErrors::reshows(&e) => {
            errors = FormErrors::new(&e, ctx.lang);
            state.store.rating_year(actor, id, year, &heads.ids).await?
        }
        Err(e) => return Err(e.into()),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let groups = super::rooms::groups(state.store.compound_room_choices(actor, id).await?);
    let (t, c) = chrome(&ctx);
    // The rooms found are kept as ids; what could not be found stays typed to be corrected.
    let (heads, rooms) = if errors.is_empty() {
        let ids: Vec<String> = v.named_heads.iter().map(i64::to_string).collect();
        (ids.join(","), String::new())
    } else {
        let ids: Vec<String> = heads.ids.iter().map(i64::to_string).collect();
        (ids.join(","), q.rooms)
    };
    let page = YearPage {
        t,
        c,
        v,
        heads,
        rooms,
        groups,
        errors,
    };
    Ok((status, page).into_response())
}
