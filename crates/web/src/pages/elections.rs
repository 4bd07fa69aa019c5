//! Elections on the pages: putting one forward, its page (candidates and nominations, the
//! ballot, the count), recording a ballot for someone, printable ballot papers and the result
//! notice, and granting the elected their roles.

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
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use linli_domain::Invalid;
use linli_domain::decision::CastMethod;
use linli_store::ServiceError;
use linli_store::files::MAX_FILE_BYTES;
use linli_store::proposals::{
    ElectionBallotInput, ElectionCount, ElectionInput, ElectionView, Nomination, NominationInput,
    RolesGranted,
};
use serde::Deserialize;
use std::sync::Arc;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/compounds/{id}/elections/new", get(new_page).post(create))
        .route("/proposals/{id}/election", get(page))
        .route("/proposals/{id}/candidates", post(nominate))
        .route("/proposals/{id}/election/vote", post(vote))
        .route(
            "/proposals/{id}/election/record",
            get(record_page)
                .post(record)
                .layer(DefaultBodyLimit::max(MAX_FILE_BYTES + 64 * 1024)),
        )
        .route("/proposals/{id}/election/roles", post(grant_roles))
        .route("/proposals/{id}/ballot-papers", get(ballot_papers))
        .route("/proposals/{id}/election/notice", get(notice))
}

#[derive(Deserialize, Default, Clone)]
struct NewForm {
    #[serde(default)]
    scope: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    seats: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "election_new.html")]
struct NewPage {
    t: T,
    c: Chrome,
    compound_id: i64,
    compound: String,
    f: NewForm,
    scopes: Vec<(String, String)>,
    errors: FormErrors,
}

async fn new_form(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    f: NewForm,
) -> Result<NewPage, crate::error::WebError> {
    let actor = ctx.actor()?;
    let v = state.store.compound(actor, id).await?;
    let (t, c) = chrome(ctx);
    let mut scopes = vec![(
        format!("compound:{id}"),
        format!("{}（{}）", v.compound.name, t.s("el_committee")),
    )];
    for b in &v.buildings {
        scopes.push((
            format!("building:{}", b.id),
            format!("{}（{}）", b.name, t.s("el_building_head")),
        ));
    }
    for (uid, name) in state.store.compound_units(id).await? {
        scopes.push((
            format!("unit:{uid}"),
            format!("{name}（{}）", t.s("el_unit_head")),
        ));
    }
    Ok(NewPage {
        t,
        c,
        compound_id: id,
        compound: v.compound.name,
        f,
        scopes,
        errors: FormErrors::default(),
    })
}

async fn new_page(state: State, ctx: Ctx, Ids(id): Ids<i64>, Q(q): Q<NewForm>) -> PageResult {
    Ok(new_form(&state, &ctx, id, q).await?.into_response())
}

async fn create(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<NewForm>,
) -> PageResult {
    let actor = ctx.actor()?;
    let (scope, scope_id) = f.scope.split_once(':').unwrap_or(("", ""));
    let input = ElectionInput {
        scope: scope.into(),
        scope_id: scope_id.into(),
        title: f.title.clone(),
        body: f.body.clone(),
        seats: f.seats.clone(),
    };
    match state.store.create_election(actor, id, &input).await {
        Ok(e) => {
            Ok(Redirect::to(&format!("/proposals/{}/election", e.proposal.id)).into_response())
        }
        Err(e @ ServiceError::Invalid(_)) => {
            let mut page = new_form(&state, &ctx, id, f).await?;
            page.errors = FormErrors::new(&e, ctx.lang).renamed("scope_id", "scope");
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "election.html")]
struct Page {
    t: T,
    c: Chrome,
    e: ElectionView,
    nominations: Vec<(&'static str, &'static str)>,
    /// The people a candidate may be linked to, by name (for the committee's form).
    people: Vec<linli_store::registry::PersonChoice>,
    errors: FormErrors,
    granted: Option<RolesGranted>,
    /// Why the actor, an owner of a flat on the roll, does not vote for it (and what to do).
    not_voter: Option<String>,
}

impl Page {
    fn mine(&self, id: &i64) -> bool {
        self.e.my_ballot.as_ref().is_some_and(|b| b.contains(id))
    }
}

async fn election_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    errors: FormErrors,
    granted: Option<RolesGranted>,
) -> PageResult {
    let actor = ctx.actor()?;
    let e = state.store.election(actor, id).await?;
    let not_voter = state
        .store
        .why_not_voter(actor, id)
        .await?
        .map(|e| e.error.message(ctx.lang));
    let people = if e.can.nominate_others {
        state.store.nominee_choices(actor, id).await?
    } else {
        Vec::new()
    };
    let (t, c) = chrome(ctx);
    let nominations = Nomination::ALL
        .iter()
        .filter(|n| **n != Nomination::SelfNominated)
        .map(|n| (n.as_str(), n.label(ctx.lang)))
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((
        status,
        Page {
            t,
            c,
            e,
            nominations,
            people,
            errors,
            granted,
            not_voter,
        },
    )
        .into_response())
}

/// Shows a refused form's message on the election page; other errors as error pages.
async fn or_refused<T>(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    r: Result<T, ServiceError>,
    to: &str,
) -> PageResult {
    match r {
        Ok(_) => Ok(Redirect::to(to).into_response()),
        Err(e @ ServiceError::Invalid(_)) => {
            election_page(state, ctx, id, FormErrors::new(&e, ctx.lang), None).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn page(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> PageResult {
    election_page(&state, &ctx, id, FormErrors::default(), None).await
}

#[derive(Deserialize)]
struct NominateForm {
    #[serde(default)]
    nominated_by: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    account_id: String,
    #[serde(default)]
    statement: String,
}

async fn nominate(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<NominateForm>,
) -> PageResult {
    let actor = ctx.actor()?;
    let by_self = f.nominated_by == Nomination::SelfNominated.as_str();
    let r = async {
        let account_id = match f.account_id.trim() {
            "" => None,
            a => Some(
                a.parse::<i64>()
                    .map_err(|_| ServiceError::invalid("account_id", Invalid::NotANumber))?,
            ),
        };
        let input = NominationInput {
            nominated_by: f.nominated_by,
            name: f.name,
            account_id,
            statement: f.statement,
        };
        state.store.nominate(actor, id, &input).await
    }
    .await;
    if let (true, Err(e @ ServiceError::Invalid(_))) = (by_self, &r) {
        // Standing oneself has its own statement box on the page.
        let errors = FormErrors::new(e, ctx.lang).renamed("statement", "self_statement");
        return election_page(&state, &ctx, id, errors, None).await;
    }
    or_refused(
        &state,
        &ctx,
        id,
        r,
        &format!("/proposals/{id}/election#candidates"),
    )
    .await
}

#[derive(Deserialize)]
struct VoteForm {
    #[serde(default)]
    candidates: Vec<i64>,
}

/// The owner's own ballot: a checkbox per candidate.
async fn vote(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<VoteForm>,
) -> PageResult {
    let actor = ctx.actor()?;
    let input = ElectionBallotInput {
        candidates: f.candidates,
        method: CastMethod::Online.as_str().into(),
        ..Default::default()
    };
    let r = state.store.cast_election_ballot(actor, id, &input).await;
    or_refused(
        &state,
        &ctx,
        id,
        r,
        &format!("/proposals/{id}/election#my-ballot"),
    )
    .await
}

#[derive(Deserialize, Default)]
struct RecordQuery {
    household: Option<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "election_record.html")]
struct RecordPage {
    t: T,
    c: Chrome,
    e: ElectionView,
    r: RecordFields,
    /// The candidates ticked, kept when the form is refused.
    chosen: Vec<i64>,
    methods: Vec<(&'static str, &'static str)>,
    errors: FormErrors,
}

impl RecordPage {
    fn ticked(&self, id: &i64) -> bool {
        self.chosen.contains(id)
    }
}

async fn record_form(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    r: RecordFields,
) -> Result<RecordPage, crate::error::WebError> {
    let actor = ctx.actor()?;
    let e = state.store.election(actor, id).await?;
    if !e.can.record_ballots {
        return Err(ServiceError::Forbidden.into());
    }
    let (t, c) = chrome(ctx);
    Ok(RecordPage {
        t,
        c,
        e,
        r,
        chosen: Vec::new(),
        methods: RecordFields::methods(ctx.lang),
        errors: FormErrors::default(),
    })
}

async fn record_page(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Q(q): Q<RecordQuery>,
) -> PageResult {
    let household = super::recording::room_of(&state.store, q.household).await;
    Ok(record_form(&state, &ctx, id, RecordFields::new(household))
        .await?
        .into_response())
}

/// A ballot recorded for a household or a voter (the developer's representative's, with the
/// letter of authorisation as evidence), the evidence uploaded in the same form; the
/// candidates are the ticked `c_<id>` boxes.
async fn record(state: State, ctx: Ctx, Ids(id): Ids<i64>, mut form: CsrfMultipart) -> PageResult {
    let actor = ctx.actor()?;
    let s = &state.store;
    let mut page = record_form(&state, &ctx, id, RecordFields::read(&form)).await?;
    let mut candidates: Vec<i64> = form
        .fields
        .keys()
        .filter_map(|k| k.strip_prefix("c_")?.parse().ok())
        .collect();
    candidates.sort_unstable();
    page.chosen = candidates.clone();
    let input = ElectionBallotInput {
        candidates,
        method: page.r.method.clone(),
        household_id: None,
        room: page.r.room.clone(),
        voter_key: page.r.voter_key(),
        evidence_id: None,
        witness: page.r.witness.clone(),
        note: page.r.note.clone(),
        proxy_name: page.r.proxy_name.clone(),
    };
    let result = s
        .cast_election_ballot_with(actor, id, &input, form.take_file())
        .await;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/proposals/{id}/election")).into_response()),
        Err(e @ ServiceError::Invalid(_)) => {
            page.errors = FormErrors::new(&e, ctx.lang);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct Empty {}

async fn grant_roles(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> PageResult {
    let actor = ctx.actor()?;
    let g = state.store.grant_elected_roles(actor, id).await?;
    election_page(&state, &ctx, id, FormErrors::default(), Some(g)).await
}

#[derive(Template, WebTemplate)]
#[template(path = "ballot_papers.html")]
struct Papers {
    t: T,
    c: Chrome,
    e: ElectionView,
    /// (household label, owners, area, QR code SVG opening the election)
    papers: Vec<(String, String, String, String)>,
}

/// One ballot paper per household of the frozen roll, pre-filled with the candidates, with a
/// QR code that opens the election.
async fn ballot_papers(
    state: State,
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    Ids(id): Ids<i64>,
) -> PageResult {
    let actor = ctx.actor()?;
    let e = state.store.election(actor, id).await?;
    let households = state.store.roll_households(actor, id).await?;
    let papers = super::roll_sheets(households, |h| {
        state.absolute(&headers, &format!("/proposals/{id}/election?household={h}"))
    });
    let (t, c) = chrome(&ctx);
    Ok(Papers { t, c, e, papers }.into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "election_notice.html")]
struct Notice {
    t: T,
    c: Chrome,
    e: ElectionView,
    ct: ElectionCount,
    closed_on: String,
    notice_until: String,
}

/// The result notice (公示) of an election: who is elected, the count, the rule, the period.
async fn notice(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> PageResult {
    let actor = ctx.actor()?;
    let e = state.store.election(actor, id).await?;
    let Some(ct) = e.count.clone().filter(|c| c.final_result) else {
        return Err(ServiceError::invalid(
            "stage",
            Invalid::WrongStage {
                stage: linli_domain::decision::ProposalStage::Voting,
            },
        )
        .into());
    };
    let closed = e.proposal.closed_at.unwrap_or(e.proposal.created_at);
    let closed_on = super::china_date(closed);
    let notice_until = super::china_date(closed + i64::from(e.proposal.notice_days) * 86_400);
    let (t, c) = chrome(&ctx);
    Ok(Notice {
        t,
        c,
        e,
        ct,
        closed_on,
        notice_until,
    }
    .into_response())
}
