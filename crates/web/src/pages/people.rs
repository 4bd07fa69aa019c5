//! Owners, residents and invite codes of a household.

use super::{F, PageResult, SimpleForm, chrome, reshow};
use crate::ctx::Ctx;
use crate::form::{CsrfForm, Ids};
use crate::form_errors::FormErrors;
use crate::i18n::T;
use crate::{AppState, State};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use linli_domain::Invalid;
use linli_store::ServiceError;
use linli_store::registry::{MergeInput, MoveOutInput, OwnerInput, ResidentInput, VoterInput};
use serde::Deserialize;
use std::sync::Arc;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route(
            "/households/{id}/owners/new",
            get(owner_page).post(add_owner),
        )
        .route("/households/{id}/owners/{oid}/remove", post(remove_owner))
        .route("/households/{id}/voter", post(set_voter))
        .route(
            "/households/{id}/residents/new",
            get(resident_page).post(move_in),
        )
        .route(
            "/households/{id}/residents/{rid}/move-out",
            get(move_out_page).post(move_out),
        )
        .route("/households/{id}/invites", post(invite))
        .route("/households/{id}/accounts/{aid}/person", post(link_person))
        .route("/people/{id}", get(person_page))
        .route("/people/{id}/merge", post(merge))
        .route("/people/{id}/split", post(split))
}

#[derive(Template, WebTemplate)]
#[template(path = "person.html")]
struct PersonPage {
    t: T,
    c: super::Chrome,
    v: linli_store::registry::PersonView,
    errors: FormErrors,
}

/// A person's page: their flats, other records of the same name, merges.
async fn person_page(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> PageResult {
    let v = state.store.person(ctx.actor()?, id).await?;
    let (t, c) = chrome(&ctx);
    Ok(PersonPage {
        t,
        c,
        v,
        errors: FormErrors::default(),
    }
    .into_response())
}

/// The merge form: the other record picked from the people of the same compounds (or the
/// button beside a record of the same name), sent as its number.
#[derive(Deserialize)]
struct MergeForm {
    #[serde(default)]
    other_id: String,
}

async fn merge(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<MergeForm>,
) -> PageResult {
    let actor = ctx.actor()?;
    let r = match f.other_id.trim() {
        "" => Err(ServiceError::invalid("other_id", Invalid::Required)),
        other => match other.parse() {
            Ok(other_id) => state
                .store
                .merge_people(actor, id, &MergeInput { other_id })
                .await
                .map(|_| ()),
            Err(_) => Err(ServiceError::invalid("other_id", Invalid::NotANumber)),
        },
    };
    match r {
        Ok(()) => Ok(Redirect::to(&format!("/people/{id}")).into_response()),
        Err(e) if FormErrors::reshows(&e) => {
            let v = state.store.person(actor, id).await?;
            let (t, c) = chrome(&ctx);
            let errors = FormErrors::new(&e, ctx.lang);
            Ok((FormErrors::status(&e), PersonPage { t, c, v, errors }).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn split(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<linli_store::registry::SplitInput>,
) -> PageResult {
    state.store.split_person(ctx.actor()?, id, &f).await?;
    Ok(Redirect::to(&format!("/people/{id}")).into_response())
}

fn back(id: i64) -> String {
    format!("/households/{id}")
}

fn owner_form(ctx: &Ctx, id: i64, f: &OwnerInput) -> SimpleForm {
    let (t, c) = chrome(ctx);
    let mut phone = F::new(&t, "phone", "phone", f.phone.clone());
    phone.optional = true;
    let mut share = F::new(&t, "share", "share", f.share.clone());
    share.hint = Some(t.s("share_hint"));
    share.numeric = true;
    SimpleForm {
        heading: t.s("add_owner").into(),
        intro: None,
        note: None,
        errors: FormErrors::default(),
        hidden: Vec::new(),
        fields: vec![
            F::new(&t, "name", "display_name", f.name.clone()),
            phone,
            share,
        ],
        submit: t.s("add"),
        back: back(id),
        t,
        c,
    }
}

/// The people forms of a household are for whom may change its people.
async fn people_forms(
    state: &AppState,
    ctx: &Ctx,
    household: i64,
) -> Result<(), crate::error::WebError> {
    let v = state.store.household(ctx.actor()?, household).await?;
    super::may_submit(v.can.people)
}

async fn owner_page(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> PageResult {
    people_forms(&state, &ctx, id).await?;
    Ok(owner_form(&ctx, id, &OwnerInput::default()).into_response())
}

async fn add_owner(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<OwnerInput>,
) -> PageResult {
    let actor = ctx.actor()?;
    match state.store.add_owner(actor, id, &f).await {
        Ok(_) => Ok(Redirect::to(&back(id)).into_response()),
        Err(e) => reshow(owner_form(&ctx, id, &f), e, ctx.lang),
    }
}

#[derive(Deserialize)]
struct Empty {}

async fn remove_owner(
    state: State,
    ctx: Ctx,
    Ids((id, oid)): Ids<(i64, i64)>,
    CsrfForm(_): CsrfForm<Empty>,
) -> PageResult {
    let actor = ctx.actor()?;
    state.store.remove_owner(actor, id, oid).await?;
    Ok(Redirect::to(&back(id)).into_response())
}

async fn set_voter(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<VoterInput>,
) -> PageResult {
    let actor = ctx.actor()?;
    state.store.set_voter(actor, id, &f).await?;
    Ok(Redirect::to(&back(id)).into_response())
}

fn resident_form(ctx: &Ctx, id: i64, f: &ResidentInput) -> SimpleForm {
    let (t, c) = chrome(ctx);
    let mut phone = F::new(&t, "phone", "phone", f.phone.clone());
    phone.optional = true;
    let mut kind = F::new(
        &t,
        "kind",
        "resident_kind",
        if f.kind.is_empty() {
            "family".into()
        } else {
            f.kind.clone()
        },
    );
    kind.choices = t
        .kinds()
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    let mut date = F::new(&t, "moved_in", "moved_in", f.moved_in.clone());
    date.hint = Some(t.s("date_hint"));
    SimpleForm {
        heading: t.s("add_resident").into(),
        intro: None,
        note: None,
        errors: FormErrors::default(),
        hidden: Vec::new(),
        fields: vec![
            F::new(&t, "name", "display_name", f.name.clone()),
            phone,
            kind,
            date,
        ],
        submit: t.s("save"),
        back: back(id),
        t,
        c,
    }
}

async fn resident_page(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> PageResult {
    people_forms(&state, &ctx, id).await?;
    Ok(resident_form(&ctx, id, &ResidentInput::default()).into_response())
}

async fn move_in(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<ResidentInput>,
) -> PageResult {
    let actor = ctx.actor()?;
    match state.store.move_in(actor, id, &f).await {
        Ok(_) => Ok(Redirect::to(&back(id)).into_response()),
        Err(e) => reshow(resident_form(&ctx, id, &f), e, ctx.lang),
    }
}

fn move_out_form(ctx: &Ctx, id: i64, f: &MoveOutInput) -> SimpleForm {
    let (t, c) = chrome(ctx);
    let mut date = F::new(&t, "moved_out", "moved_out", f.moved_out.clone());
    date.hint = Some(t.s("date_hint"));
    SimpleForm {
        heading: t.s("move_out").into(),
        intro: None,
        note: None,
        errors: FormErrors::default(),
        hidden: Vec::new(),
        fields: vec![date],
        submit: t.s("save"),
        back: back(id),
        t,
        c,
    }
}

async fn move_out_page(state: State, ctx: Ctx, Ids((id, _rid)): Ids<(i64, i64)>) -> PageResult {
    people_forms(&state, &ctx, id).await?;
    Ok(move_out_form(&ctx, id, &MoveOutInput::default()).into_response())
}

async fn move_out(
    state: State,
    ctx: Ctx,
    Ids((id, rid)): Ids<(i64, i64)>,
    CsrfForm(f): CsrfForm<MoveOutInput>,
) -> PageResult {
    let actor = ctx.actor()?;
    match state.store.move_out(actor, id, rid, &f).await {
        Ok(()) => Ok(Redirect::to(&back(id)).into_response()),
        Err(e) => reshow(move_out_form(&ctx, id, &f), e, ctx.lang),
    }
}

#[derive(Deserialize)]
struct InviteForm {
    role: String,
    /// The owner or resident the code is for (a button beside each name).
    #[serde(default)]
    person_id: Option<i64>,
}

#[derive(Deserialize)]
struct LinkForm {
    person_id: i64,
}

/// Links an account that claimed this household to one of its people (see `accounts_to_link`).
async fn link_person(
    state: State,
    ctx: Ctx,
    Ids((id, aid)): Ids<(i64, i64)>,
    CsrfForm(f): CsrfForm<LinkForm>,
) -> PageResult {
    let actor = ctx.actor()?;
    let input = linli_store::persons::LinkPersonInput {
        person_id: f.person_id,
    };
    state.store.link_account_person(actor, aid, &input).await?;
    Ok(Redirect::to(&back(id)).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "invite.html")]
struct InvitePage {
    t: T,
    c: super::Chrome,
    household_id: i64,
    place: String,
    /// Whom the code is for; empty when issued for the household only.
    person_name: String,
    code: String,
    qr_svg: String,
    claim_url: String,
    valid_until: String,
}

/// Issues an invite code and shows it as a printable sheet with a QR code.
async fn invite(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    headers: axum::http::HeaderMap,
    CsrfForm(f): CsrfForm<InviteForm>,
) -> PageResult {
    let actor = ctx.actor()?;
    let issued = state
        .store
        .issue_invite(actor, id, &f.role, f.person_id)
        .await?;
    let v = state.store.household(actor, id).await?;
    let claim_url = state.absolute(&headers, &format!("/claim?code={}", issued.code));
    let qr_svg = super::qr_svg(&claim_url, 200);
    let valid_until = super::china_date(issued.expires_at);
    let place = v
        .places
        .iter()
        .skip(4)
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let (t, c) = chrome(&ctx);
    let person_name = issued.person_name.unwrap_or_default();
    Ok(InvitePage {
        t,
        c,
        household_id: id,
        place,
        person_name,
        code: issued.code,
        qr_svg,
        claim_url,
        valid_until,
    }
    .into_response())
}
