//! Regions, compounds, buildings and units: browsing, the profile, creating and editing.

use super::{Chrome, F, PageResult, SimpleForm, chrome, pager_base, reshow};
use crate::ctx::Ctx;
use crate::form::{CsrfForm, Ids, Q};
use crate::form_errors::FormErrors;
use crate::i18n::T;
use crate::{AppState, State};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use linli_domain::{PageRequest, Paged};
use linli_store::ServiceError;
use linli_store::audit::AuditEntry;
use linli_store::registry::{
    BuildingInput, BuildingView, CompoundFilter, CompoundInput, CompoundSummary, CompoundView,
    RegionView, UnitInput, UnitView,
};
use serde::Deserialize;
use std::sync::Arc;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/compounds", get(compounds))
        .route("/regions/{id}", get(region))
        .route(
            "/regions/{id}/compounds/new",
            get(new_compound_page).post(new_compound),
        )
        .route("/compounds/{id}", get(compound))
        .route(
            "/compounds/{id}/edit",
            get(edit_compound_page).post(edit_compound),
        )
        .route(
            "/compounds/{id}/buildings/new",
            get(new_building_page).post(new_building),
        )
        .route("/buildings/{id}", get(building))
        .route(
            "/buildings/{id}/units/new",
            get(new_unit_page).post(new_unit),
        )
        .route("/units/{id}", get(unit))
}

#[derive(Deserialize, Default)]
pub struct PageQuery {
    pub page: Option<u64>,
    pub size: Option<u64>,
}

impl PageQuery {
    pub fn req(&self) -> PageRequest {
        PageRequest::new(self.page, self.size)
    }
}

#[derive(Deserialize, Default)]
struct ListQuery {
    q: Option<String>,
    mode: Option<String>,
    three_no: Option<bool>,
    page: Option<u64>,
    /// `xlsx` or `csv`: the whole filtered list as a download.
    format: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "compounds.html")]
struct Compounds {
    t: T,
    c: Chrome,
    list: Paged<CompoundSummary>,
    q: String,
    mode: String,
    three_no: bool,
    base: String,
}

async fn compounds(state: State, ctx: Ctx, Q(q): Q<ListQuery>) -> PageResult {
    let actor = ctx.actor()?;
    let filter = CompoundFilter {
        q: q.q.clone(),
        mode: q.mode.clone(),
        three_no: q.three_no,
        region: None,
    };
    if let Some(format) = q.format.as_deref() {
        let all = super::all_pages(|p| state.store.list_compounds(actor, &filter, p)).await?;
        let t = T::new(ctx.lang, false);
        let headers = [
            t.s("name"),
            t.s("address"),
            t.s("management_mode"),
            t.s("three_no"),
            t.s("six_have"),
            t.s("households"),
        ];
        let rows: Vec<Vec<String>> = all
            .into_iter()
            .map(|c| {
                vec![
                    c.name,
                    c.address.unwrap_or_default(),
                    t.mode(&c.management_mode).to_string(),
                    t.s(if c.three_no { "yes" } else { "no" }).to_string(),
                    format!("{}/6", c.six_have_count),
                    c.households.to_string(),
                ]
            })
            .collect();
        return super::sheet_download(&ctx, format, t.s("compounds"), &headers, &rows);
    }
    let list = state
        .store
        .list_compounds(actor, &filter, PageRequest::new(q.page, None))
        .await?;
    let (t, c) = chrome(&ctx);
    let (qs, mode) = (q.q.unwrap_or_default(), q.mode.unwrap_or_default());
    let three_no = q.three_no == Some(true);
    let base = pager_base(
        "/compounds",
        &[
            ("q", qs.clone()),
            ("mode", mode.clone()),
            (
                "three_no",
                if three_no {
                    "true".into()
                } else {
                    String::new()
                },
            ),
        ],
    );
    Ok(Compounds {
        t,
        c,
        list,
        q: qs,
        mode,
        three_no,
        base,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "region.html")]
struct Region {
    t: T,
    c: Chrome,
    v: RegionView,
    base: String,
}

async fn region(state: State, ctx: Ctx, Ids(id): Ids<i64>, Q(p): Q<PageQuery>) -> PageResult {
    let actor = ctx.actor()?;
    let v = state.store.region(actor, id, p.req()).await?;
    let (t, c) = chrome(&ctx);
    Ok(Region {
        t,
        c,
        base: format!("/regions/{id}?"),
        v,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "compound.html")]
struct Compound {
    t: T,
    c: Chrome,
    v: CompoundView,
    history: Option<Paged<AuditEntry>>,
}

async fn compound(state: State, parts: Parts, Ids(id): Ids<i64>) -> PageResult {
    // The compound is read with the sign-in, and shown only once the actor may see it.
    let (ctx, read) = Ctx::alongside(&parts, &state, state.store.compound_read(id)).await;
    let ctx = ctx?;
    let actor = ctx.actor()?;
    let (v, history) = state
        .store
        .compound_page_at(actor, read?, PageRequest::new(None, Some(20)))
        .await?;
    let (t, c) = chrome(&ctx);
    Ok(Compound { t, c, v, history }.into_response())
}

/// The compound form's values, as typed.
#[derive(Deserialize, Default, Clone)]
struct CompoundForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    year_built: String,
    #[serde(default)]
    management_mode: String,
    #[serde(default)]
    three_no: Option<String>,
    #[serde(default)]
    six_have: Vec<String>,
    #[serde(default)]
    version: Option<i32>,
}

impl CompoundForm {
    fn input(&self) -> CompoundInput {
        CompoundInput {
            name: self.name.clone(),
            address: self.address.clone(),
            year_built: Some(self.year_built.clone()),
            management_mode: self.management_mode.clone(),
            three_no: self.three_no.is_some(),
            six_have: self.six_have.clone(),
            version: self.version,
        }
    }
}

/// What the compound form template shows.
struct CompoundFormView {
    name: String,
    address: String,
    year_built: String,
    management_mode: String,
    three_no: bool,
    six_have: Vec<String>,
}

impl CompoundFormView {
    fn has(&self, code: &str) -> bool {
        self.six_have.iter().any(|s| s == code)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "compound_form.html")]
struct CompoundFormPage {
    t: T,
    c: Chrome,
    heading: String,
    form: CompoundFormView,
    version: Option<i32>,
    errors: FormErrors,
    back: String,
}

fn compound_form_page(
    ctx: &Ctx,
    heading: &str,
    f: &CompoundForm,
    back: String,
    err: Option<ServiceError>,
) -> PageResult {
    let (t, c) = chrome(ctx);
    let errors = match err {
        Some(e @ (ServiceError::Invalid(_) | ServiceError::Stale { .. })) => {
            FormErrors::new(&e, ctx.lang)
        }
        Some(e) => return Err(e.into()),
        None => FormErrors::default(),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = CompoundFormPage {
        t,
        c,
        heading: heading.to_string(),
        form: CompoundFormView {
            name: f.name.clone(),
            address: f.address.clone(),
            year_built: f.year_built.clone(),
            management_mode: if f.management_mode.is_empty() {
                "self_managed".into()
            } else {
                f.management_mode.clone()
            },
            three_no: f.three_no.is_some(),
            six_have: f.six_have.clone(),
        },
        version: f.version,
        errors,
        back,
    };
    Ok((status, page).into_response())
}

async fn new_compound_page(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> PageResult {
    let actor = ctx.actor()?;
    let v = state
        .store
        .region(actor, id, PageRequest::new(None, Some(1)))
        .await?;
    if !v.can_create_compound {
        return Err(ServiceError::Forbidden.into());
    }
    let t = T::new(ctx.lang, ctx.large_text);
    compound_form_page(
        &ctx,
        t.s("new_compound"),
        &CompoundForm::default(),
        format!("/regions/{id}"),
        None,
    )
}

async fn new_compound(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<CompoundForm>,
) -> PageResult {
    let actor = ctx.actor()?;
    match state.store.create_compound(actor, id, &f.input()).await {
        Ok(p) => Ok(Redirect::to(&format!("/compounds/{}", p.id)).into_response()),
        Err(e) => {
            let t = T::new(ctx.lang, ctx.large_text);
            compound_form_page(
                &ctx,
                t.s("new_compound"),
                &f,
                format!("/regions/{id}"),
                Some(e),
            )
        }
    }
}

async fn edit_compound_page(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> PageResult {
    let actor = ctx.actor()?;
    let v = state.store.compound(actor, id).await?;
    if !v.can.structure {
        return Err(ServiceError::Forbidden.into());
    }
    let p = v.compound;
    let f = CompoundForm {
        name: p.name.clone(),
        address: p.address.unwrap_or_default(),
        year_built: p.year_built.map(|y| y.to_string()).unwrap_or_default(),
        management_mode: p.management_mode.to_string(),
        three_no: p.three_no.then(|| "true".to_string()),
        six_have: p.six_have,
        version: Some(p.version),
    };
    compound_form_page(&ctx, &p.name, &f, format!("/compounds/{id}"), None)
}

async fn edit_compound(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<CompoundForm>,
) -> PageResult {
    let actor = ctx.actor()?;
    match state.store.update_compound(actor, id, &f.input()).await {
        Ok(_) => Ok(Redirect::to(&format!("/compounds/{id}")).into_response()),
        Err(e) => compound_form_page(
            &ctx,
            &f.name.clone(),
            &f,
            format!("/compounds/{id}"),
            Some(e),
        ),
    }
}

#[derive(Deserialize, Default)]
struct NameForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    floors: String,
}

fn building_form(ctx: &Ctx, compound_id: i64, f: &NameForm) -> SimpleForm {
    let (t, c) = chrome(ctx);
    let mut floors = F::new(&t, "floors", "floors", f.floors.clone());
    floors.optional = true;
    floors.numeric = true;
    SimpleForm {
        heading: t.s("new_building").into(),
        intro: None,
        note: None,
        errors: FormErrors::default(),
        hidden: Vec::new(),
        fields: vec![F::new(&t, "name", "name", f.name.clone()), floors],
        submit: t.s("create"),
        back: format!("/compounds/{compound_id}"),
        t,
        c,
    }
}

async fn new_building_page(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> PageResult {
    let v = state.store.compound(ctx.actor()?, id).await?;
    super::may_submit(v.can.structure)?;
    Ok(building_form(&ctx, id, &NameForm::default()).into_response())
}

async fn new_building(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<NameForm>,
) -> PageResult {
    let actor = ctx.actor()?;
    let input = BuildingInput {
        name: f.name.clone(),
        floors: Some(f.floors.clone()),
        sub_compound_id: None,
    };
    match state.store.create_building(actor, id, &input).await {
        Ok(b) => Ok(Redirect::to(&format!("/buildings/{}", b.id)).into_response()),
        Err(e) => reshow(building_form(&ctx, id, &f), e, ctx.lang),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "building.html")]
struct Building {
    t: T,
    c: Chrome,
    v: BuildingView,
}

async fn building(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> PageResult {
    let actor = ctx.actor()?;
    let v = state.store.building(actor, id).await?;
    let (t, c) = chrome(&ctx);
    Ok(Building { t, c, v }.into_response())
}

fn unit_form(ctx: &Ctx, building_id: i64, f: &NameForm) -> SimpleForm {
    let (t, c) = chrome(ctx);
    SimpleForm {
        heading: t.s("new_unit").into(),
        intro: None,
        note: None,
        errors: FormErrors::default(),
        hidden: Vec::new(),
        fields: vec![F::new(&t, "name", "name", f.name.clone())],
        submit: t.s("create"),
        back: format!("/buildings/{building_id}"),
        t,
        c,
    }
}

async fn new_unit_page(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> PageResult {
    let v = state.store.building(ctx.actor()?, id).await?;
    super::may_submit(v.can.structure)?;
    Ok(unit_form(&ctx, id, &NameForm::default()).into_response())
}

async fn new_unit(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<NameForm>,
) -> PageResult {
    let actor = ctx.actor()?;
    match state
        .store
        .create_unit(
            actor,
            id,
            &UnitInput {
                name: f.name.clone(),
            },
        )
        .await
    {
        Ok(u) => Ok(Redirect::to(&format!("/units/{}", u.id)).into_response()),
        Err(e) => reshow(unit_form(&ctx, id, &f), e, ctx.lang),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "unit.html")]
struct Unit {
    t: T,
    c: Chrome,
    v: UnitView,
    base: String,
}

async fn unit(state: State, ctx: Ctx, Ids(id): Ids<i64>, Q(p): Q<PageQuery>) -> PageResult {
    let actor = ctx.actor()?;
    let v = state.store.unit(actor, id, p.req()).await?;
    let (t, c) = chrome(&ctx);
    Ok(Unit {
        t,
        c,
        v,
        base: format!("/units/{id}?"),
    }
    .into_response())
}
