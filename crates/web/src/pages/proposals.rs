//! Collective decisions on the pages: the list of a compound's proposals, putting one
//! forward, its page (deliberation, the vote, the result), and the stage buttons.

use super::{Chrome, PageResult, chrome, pager_base};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::form::{CsrfForm, Ids, Q};
use crate::form_errors::FormErrors;
use crate::i18n::T;
use crate::{AppState, State};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use linli_domain::decision::{CastMethod, Choice, MatterClass, Preset, ProposalStage};
use linli_domain::{PageRequest, Paged};
use linli_store::ServiceError;
use linli_store::proposals::{
    CommentInput, CommentView, Concern, CustomRuleInput, FollowUp, MyBallot, OpenVotingInput,
    ProposalFileView, ProposalInput, ProposalRow, ProposalView, StageRequest, TallyView,
};
use serde::Deserialize;
use std::sync::Arc;

/// The compound's proposals for a form that links to one, newest first, each by its title and
/// stage ("加装电梯（已通过）"): the proposal is picked, never typed as a number.
pub(super) async fn choices(
    state: &AppState,
    ctx: &Ctx,
    compound_id: i64,
) -> Result<Vec<(i64, String)>, WebError> {
    let page = PageRequest::new(None, Some(PageRequest::MAX_SIZE));
    Ok(state
        .store
        .list_proposals(ctx.actor()?, compound_id, None, page)
        .await?
        .items
        .into_iter()
        .filter(|p| !matches!(p.stage, ProposalStage::Withdrawn | ProposalStage::Draft))
        .map(|p| (p.id, format!("{}（{}）", p.title, p.stage.label(ctx.lang))))
        .collect())
}

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/compounds/{id}/proposals", get(list))
        .route("/compounds/{id}/proposals/new", get(new_page).post(create))
        .route("/proposals/{id}", get(page))
        .route("/proposals/{id}/stage", post(stage))
        .route("/proposals/{id}/support", post(support))
        .route("/proposals/{id}/comments", post(comment))
        .route("/proposals/{id}/open", post(open_voting))
        .route("/proposals/{id}/close", post(close_voting))
        .route("/proposals/{id}/vote", post(vote))
}

#[derive(Deserialize, Default)]
struct ListQuery {
    stage: Option<String>,
    page: Option<u64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "proposals.html")]
struct List {
    t: T,
    c: Chrome,
    compound_id: i64,
    compound: String,
    stage: String,
    stages: Vec<(&'static str, &'static str)>,
    list: Paged<ProposalRow>,
    base: String,
    can_propose: bool,
}

async fn list(state: State, ctx: Ctx, Ids(id): Ids<i64>, Q(q): Q<ListQuery>) -> PageResult {
    let actor = ctx.actor()?;
    let s = &state.store;
    let stage = q.stage.unwrap_or_default();
    let list = s
        .list_proposals(actor, id, Some(&stage), PageRequest::new(q.page, None))
        .await?;
    let compound = s.compound(actor, id).await?;
    let (t, c) = chrome(&ctx);
    let base = pager_base(
        &format!("/compounds/{id}/proposals"),
        &[("stage", stage.clone())],
    );
    let stages = linli_domain::decision::ProposalStage::ALL
        .iter()
        .map(|s| (s.as_str(), s.label(ctx.lang)))
        .collect();
    Ok(List {
        t,
        c,
        compound_id: id,
        compound: compound.compound.name,
        stage,
        stages,
        list,
        base,
        can_propose: true,
    }
    .into_response())
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
    matter: String,
    #[serde(default)]
    preset: String,
    #[serde(default)]
    fraction: String,
    #[serde(default)]
    measure: String,
    #[serde(default)]
    of: String,
    #[serde(default)]
    strict: Option<String>,
    #[serde(default)]
    quorum: Option<String>,
    #[serde(default)]
    no_objection: Option<String>,
    #[serde(default)]
    consent: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "proposal_new.html")]
struct NewPage {
    t: T,
    c: Chrome,
    compound_id: i64,
    compound: String,
    f: NewForm,
    scopes: Vec<(String, String)>,
    matters: Vec<(&'static str, &'static str)>,
    presets: Vec<(&'static str, &'static str)>,
    errors: FormErrors,
}

async fn new_form(state: &AppState, ctx: &Ctx, id: i64, f: NewForm) -> Result<NewPage, WebError> {
    let actor = ctx.actor()?;
    let v = state.store.compound(actor, id).await?;
    let (t, c) = chrome(ctx);
    let mut scopes = vec![(
        format!("compound:{id}"),
        format!("{}（{}）", v.compound.name, t.s("whole_compound")),
    )];
    for (uid, name) in state.store.compound_units(id).await? {
        scopes.push((format!("unit:{uid}"), name));
    }
    for b in &v.buildings {
        scopes.push((
            format!("building:{}", b.id),
            format!("{}（{}）", b.name, t.s("whole_building")),
        ));
    }
    let matters = MatterClass::ALL
        .iter()
        .map(|m| (m.as_str(), m.label(ctx.lang)))
        .collect();
    let mut presets = vec![("", t.s("preset_default"))];
    presets.extend(Preset::ALL.iter().map(|p| (p.as_str(), p.label(ctx.lang))));
    Ok(NewPage {
        t,
        c,
        compound_id: id,
        compound: v.compound.name,
        f,
        scopes,
        matters,
        presets,
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
    let input = ProposalInput {
        scope: scope.into(),
        scope_id: scope_id.into(),
        title: f.title.clone(),
        body: f.body.clone(),
        matter: f.matter.clone(),
        preset: f.preset.clone(),
        rule: None,
        custom: (f.preset == Preset::Custom.as_str()).then(|| CustomRuleInput {
            fraction: f.fraction.clone(),
            measure: f.measure.clone(),
            of: f.of.clone(),
            strict: f.strict.is_some(),
            quorum: f.quorum.is_some(),
            no_unresolved_objection: f.no_objection.is_some(),
            requires_affected_consent: f.consent.is_some(),
        }),
    };
    match state.store.create_proposal(actor, id, &input).await {
        Ok(p) => Ok(crate::flash::redirect(
            &format!("/proposals/{}", p.id),
            "fl_draft_saved",
        )),
        Err(e @ ServiceError::Invalid(_)) => {
            let mut page = new_form(&state, &ctx, id, f).await?;
            page.errors = FormErrors::new(&e, ctx.lang).renamed("scope_id", "scope");
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "proposal.html")]
struct Page {
    t: T,
    c: Chrome,
    p: ProposalView,
    comments: Vec<CommentView>,
    tally: Option<TallyView>,
    mine: Option<MyBallot>,
    /// Why an owner of a flat on the roll does not vote (a co-owner: who does, and how to change it).
    not_voter: Option<String>,
    choices: Vec<(Choice, &'static str)>,
    today: String,
    f: FollowUp,
    concerns: Vec<(&'static str, &'static str)>,
    files: Vec<ProposalFileView>,
    /// The form refused on this page, if any, with what was typed into it.
    refused: Refused,
}

/// One of the proposal page's forms, sent back: which one, its values and its errors.
#[derive(Default)]
pub(super) struct Refused {
    form: String,
    typed: Vec<(&'static str, String)>,
    errors: FormErrors,
}

impl Page {
    /// The errors of `form` (none unless it is the refused one).
    fn errs(&self, form: &str) -> &FormErrors {
        if self.refused.form == form {
            &self.refused.errors
        } else {
            &crate::form_errors::NONE
        }
    }

    /// What was typed into `field` of `form` before it was refused, else `default`.
    fn typed<'a>(&'a self, form: &str, field: &str, default: &'a str) -> &'a str {
        self.refused
            .typed
            .iter()
            .find(|(f, _)| self.refused.form == form && *f == field)
            .map_or(default, |(_, v)| v.as_str())
    }
}

async fn page(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> PageResult {
    Ok(proposal_page(&state, &ctx, id, Refused::default())
        .await?
        .into_response())
}

/// The proposal page again after one of its forms was refused (`form` names it, as the
/// template does), with the errors at the top and at the form, and what was typed kept.
/// A refusal that retyping does not cure (not allowed, gone) is an error page.
pub(super) async fn refused(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    form: &str,
    typed: Vec<(&'static str, String)>,
    err: ServiceError,
) -> PageResult {
    if !FormErrors::reshows(&err) {
        return Err(err.into());
    }
    let refused = Refused {
        form: form.to_string(),
        typed,
        errors: FormErrors::new(&err, ctx.lang),
    };
    let page = proposal_page(state, ctx, id, refused).await?;
    Ok((FormErrors::status(&err), page).into_response())
}

async fn proposal_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    refused: Refused,
) -> Result<Page, WebError> {
    let actor = ctx.actor()?;
    let s = &state.store;
    let p = s.proposal(actor, id).await?;
    let comments = s.comments(actor, id).await?;
    let tally = if p.can.see_count {
        Some(s.tally(actor, id).await?)
    } else {
        None
    };
    let mine = s.my_ballot(actor, id).await?;
    let not_voter = s
        .why_not_voter(actor, id)
        .await?
        .map(|e| e.error.message(ctx.lang));
    let (t, c) = chrome(ctx);
    let choices = Choice::ALL
        .iter()
        .map(|ch| (*ch, ch.label(ctx.lang)))
        .collect();
    let today = super::today_plus(ctx, 14);
    let f = s.follow_up(actor, id).await?;
    let concerns = Concern::ALL
        .iter()
        .map(|x| (x.as_str(), x.label(ctx.lang)))
        .collect();
    let files = s.proposal_files(actor, id).await?;
    Ok(Page {
        t,
        c,
        p,
        comments,
        tally,
        mine,
        not_voter,
        choices,
        today,
        f,
        concerns,
        files,
        refused,
    })
}

#[derive(Deserialize)]
struct StageForm {
    action: String,
}

async fn stage(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<StageForm>,
) -> PageResult {
    let actor = ctx.actor()?;
    let request = match f.action.as_str() {
        "submit" => StageRequest::Submit,
        "withdraw" => StageRequest::Withdraw,
        "start_acting" => StageRequest::StartActing,
        "evaluate" => StageRequest::Evaluate,
        _ => {
            let e = ServiceError::invalid("action", linli_domain::Invalid::BadChoice);
            return refused(&state, &ctx, id, "stage", Vec::new(), e).await;
        }
    };
    if let Err(e) = state.store.change_stage(actor, id, request).await {
        return refused(&state, &ctx, id, "stage", Vec::new(), e).await;
    }
    Ok(Redirect::to(&format!("/proposals/{id}")).into_response())
}

#[derive(Deserialize)]
struct Empty {}

async fn support(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> PageResult {
    let actor = ctx.actor()?;
    state.store.support_proposal(actor, id).await?;
    Ok(Redirect::to(&format!("/proposals/{id}")).into_response())
}

#[derive(Deserialize)]
struct CommentForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    parent_id: Option<String>,
    #[serde(default)]
    official: Option<String>,
}

async fn comment(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<CommentForm>,
) -> PageResult {
    let actor = ctx.actor()?;
    let input = CommentInput {
        body: f.body,
        parent_id: f.parent_id.and_then(|p| p.trim().parse().ok()),
        official: f.official.is_some_and(|o| o == "1" || o == "on"),
    };
    if let Err(e) = state.store.add_comment(actor, id, &input).await {
        let typed = vec![("body", input.body)];
        return refused(&state, &ctx, id, "comment", typed, e).await;
    }
    Ok(Redirect::to(&format!("/proposals/{id}#comments")).into_response())
}

async fn open_voting(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<OpenVotingInput>,
) -> PageResult {
    let actor = ctx.actor()?;
    if let Err(e) = state.store.open_voting(actor, id, &f).await {
        let typed = vec![("deadline", f.deadline)];
        return refused(&state, &ctx, id, "open", typed, e).await;
    }
    Ok(crate::flash::redirect(
        &format!("/proposals/{id}"),
        "fl_voting_opened",
    ))
}

#[derive(Deserialize)]
struct CloseForm {
    #[serde(default)]
    confirm: Option<String>,
}

async fn close_voting(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<CloseForm>,
) -> PageResult {
    let actor = ctx.actor()?;
    let confirm = f.confirm.is_some_and(|c| c == "1" || c == "on");
    if let Err(e) = state.store.close_voting(actor, id, confirm).await {
        return refused(&state, &ctx, id, "close", Vec::new(), e).await;
    }
    Ok(Redirect::to(&format!("/proposals/{id}")).into_response())
}

#[derive(Deserialize)]
struct VoteForm {
    choice: String,
}

/// The owner's own ballot: three big buttons on the proposal page.
async fn vote(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<VoteForm>,
) -> PageResult {
    let actor = ctx.actor()?;
    let input = linli_store::proposals::BallotInput {
        choice: f.choice,
        method: CastMethod::Online.as_str().into(),
        ..Default::default()
    };
    if let Err(e) = state.store.cast_ballot(actor, id, &input).await {
        return refused(&state, &ctx, id, "vote", Vec::new(), e).await;
    }
    Ok(crate::flash::redirect(
        &format!("/proposals/{id}#my-ballot"),
        "fl_ballot_cast",
    ))
}
