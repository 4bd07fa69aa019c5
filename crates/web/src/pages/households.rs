//! Households: the lists, search, the household page, and its forms.

use super::places::PageQuery;
use super::{Chrome, F, PageResult, SimpleForm, chrome, pager_base, reshow};
use crate::ctx::Ctx;
use crate::form::{CsrfForm, Ids, Q};
use crate::form_errors::FormErrors;
use crate::i18n::T;
use crate::{AppState, State};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use linli_domain::{PageRequest, Paged};
use linli_store::audit::AuditEntry;
use linli_store::registry::{
    HouseholdInput, HouseholdPatch, HouseholdRow, HouseholdView, MoveInput,
};
use serde::Deserialize;
use std::sync::Arc;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/search", get(search))
        .route("/compounds/{id}/households", get(compound_households))
        .route(
            "/units/{id}/households/new",
            get(new_household_page).post(new_household),
        )
        .route("/households/{id}", get(household))
        .route("/households/{id}/edit", get(edit_page).post(edit))
        .route("/households/{id}/move", get(move_page).post(move_household))
        .route("/households/{id}/unsold", axum::routing::post(set_unsold))
}

#[derive(Deserialize, Default)]
struct SearchQuery {
    q: Option<String>,
    page: Option<u64>,
    /// `xlsx` or `csv`: every household the list would show, as a download.
    format: Option<String>,
}

/// Households as a download, with the columns of the list (phones masked as on the page).
fn households_sheet(ctx: &Ctx, format: &str, rows: Vec<HouseholdRow>) -> PageResult {
    let t = T::new(ctx.lang, false);
    let headers = [
        t.s("compounds"),
        t.s("building"),
        t.s("unit"),
        t.s("floor"),
        t.s("room"),
        t.s("area"),
        t.s("owners"),
        t.s("phone"),
    ];
    // `纹江花园-房屋名录-2026-12-05.xlsx` when the list is one compound's.
    let name = match rows.first() {
        Some(first) if rows.iter().all(|h| h.compound == first.compound) => {
            format!("{}-{}", first.compound, t.s("dl_households"))
        }
        _ => t.s("dl_households").to_string(),
    };
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|h| {
            vec![
                h.compound,
                h.building,
                h.unit,
                h.floor.to_string(),
                h.room,
                h.area,
                h.owners,
                h.phone.unwrap_or_default(),
            ]
        })
        .collect();
    super::sheet_download(ctx, format, &name, &headers, &rows)
}

#[derive(Template, WebTemplate)]
#[template(path = "households.html")]
struct List {
    t: T,
    c: Chrome,
    heading: String,
    action: String,
    q: String,
    list: Paged<HouseholdRow>,
    base: String,
}

async fn search(state: State, ctx: Ctx, Q(q): Q<SearchQuery>) -> PageResult {
    let actor = ctx.actor()?;
    let term = q.q.unwrap_or_default();
    if let Some(format) = q.format.as_deref() {
        let all = super::all_pages(|p| state.store.search_households(actor, &term, p)).await?;
        return households_sheet(&ctx, format, all);
    }
    let list = state
        .store
        .search_households(actor, &term, PageRequest::new(q.page, None))
        .await?;
    let (t, c) = chrome(&ctx);
    let base = pager_base("/search", &[("q", term.clone())]);
    Ok(List {
        heading: t.s("search").into(),
        action: "/search".into(),
        q: term,
        list,
        base,
        t,
        c,
    }
    .into_response())
}

async fn compound_households(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Q(q): Q<SearchQuery>,
) -> PageResult {
    let actor = ctx.actor()?;
    let term = q.q.unwrap_or_default();
    let s = &state.store;
    if let Some(format) = q.format.as_deref() {
        let all = super::all_pages(|p| s.list_households(actor, id, Some(&term), p)).await?;
        return households_sheet(&ctx, format, all);
    }
    let list = s
        .list_households(actor, id, Some(&term), PageRequest::new(q.page, None))
        .await?;
    let name = s.compound(actor, id).await?.compound.name;
    let (t, c) = chrome(&ctx);
    let action = format!("/compounds/{id}/households");
    let base = pager_base(&action, &[("q", term.clone())]);
    Ok(List {
        heading: format!("{name} · {}", t.s("all_households")),
        action,
        q: term,
        list,
        base,
        t,
        c,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "household.html")]
struct Household {
    t: T,
    c: Chrome,
    v: HouseholdView,
    /// Its votes, bills and requests, each a link.
    links: linli_store::agenda::HouseholdLinks,
    history: Option<Paged<AuditEntry>>,
    /// Accounts on this household not yet linked to one of its people.
    to_link: Vec<linli_store::persons::AccountToLink>,
}

async fn household(
    state: State,
    parts: Parts,
    Ids(id): Ids<i64>,
    Q(p): Q<PageQuery>,
) -> PageResult {
    // The household is read with the sign-in (and, its city known, the rest of the page with
    // them), and shown only once the actor may see it.
    let history = PageRequest::new(p.page, Some(20));
    let store = &state.store;
    store
        .reading_ahead(async {
            let first = store.household_page_first(id, history);
            let (ctx, at) = Ctx::alongside(&parts, &state, first).await;
            let ctx = ctx?;
            let actor = ctx.actor()?;
            let page = store.household_page_at(actor, at?, history).await?;
            let (t, c) = chrome(&ctx);
            Ok(Household {
                t,
                c,
                v: page.view,
                links: page.links,
                history: page.history,
                to_link: page.to_link,
            }
            .into_response())
        })
        .await
}

#[derive(Deserialize, Default, Clone)]
struct HouseholdForm {
    #[serde(default)]
    floor: String,
    #[serde(default)]
    room: String,
    #[serde(default)]
    area: String,
    #[serde(default)]
    area_source: String,
    #[serde(default)]
    version: Option<i32>,
}

fn household_form(ctx: &Ctx, heading: String, f: &HouseholdForm, back: String) -> SimpleForm {
    let (t, c) = chrome(ctx);
    let mut floor = F::new(&t, "floor", "floor", f.floor.clone());
    floor.numeric = true;
    let mut area = F::new(&t, "area", "area", f.area.clone());
    area.numeric = true;
    let mut source = F::new(
        &t,
        "area_source",
        "area_source",
        if f.area_source.is_empty() {
            "registered".into()
        } else {
            f.area_source.clone()
        },
    );
    source.choices = t
        .sources()
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    SimpleForm {
        heading,
        intro: None,
        note: f.version.map(|_| t.s("version_note")),
        errors: FormErrors::default(),
        hidden: f
            .version
            .map(|v| vec![("version".to_string(), v.to_string())])
            .unwrap_or_default(),
        fields: vec![
            floor,
            F::new(&t, "room", "room", f.room.clone()),
            area,
            source,
        ],
        submit: t.s("save"),
        back,
        t,
        c,
    }
}

async fn new_household_page(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> PageResult {
    let unit = state
        .store
        .unit(ctx.actor()?, id, PageRequest::new(None, Some(1)))
        .await?;
    super::may_submit(unit.can.create_household)?;
    let t = T::new(ctx.lang, ctx.large_text);
    Ok(household_form(
        &ctx,
        t.s("new_household").into(),
        &HouseholdForm::default(),
        format!("/units/{id}"),
    )
    .into_response())
}

async fn new_household(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<HouseholdForm>,
) -> PageResult {
    let actor = ctx.actor()?;
    let input = HouseholdInput {
        floor: f.floor.clone(),
        room: f.room.clone(),
        area: f.area.clone(),
        area_source: f.area_source.clone(),
    };
    match state.store.create_household(actor, id, &input).await {
        Ok(h) => Ok(Redirect::to(&format!("/households/{}", h.id)).into_response()),
        Err(e) => {
            let t = T::new(ctx.lang, ctx.large_text);
            reshow(
                household_form(
                    &ctx,
                    t.s("new_household").into(),
                    &f,
                    format!("/units/{id}"),
                ),
                e,
                ctx.lang,
            )
        }
    }
}

async fn edit_page(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> PageResult {
    let actor = ctx.actor()?;
    let v = state.store.household(actor, id).await?;
    super::may_submit(v.can.edit)?;
    let h = v.household;
    let f = HouseholdForm {
        floor: h.floor.to_string(),
        room: h.room.clone(),
        area: h.area.clone(),
        area_source: h.area_source.to_string(),
        version: Some(h.version),
    };
    let t = T::new(ctx.lang, ctx.large_text);
    Ok(household_form(
        &ctx,
        format!("{} {}", t.s("edit"), h.room),
        &f,
        format!("/households/{id}"),
    )
    .into_response())
}

async fn edit(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<HouseholdForm>,
) -> PageResult {
    let actor = ctx.actor()?;
    let patch = HouseholdPatch {
        version: f.version.unwrap_or(0),
        floor: Some(f.floor.clone()),
        room: Some(f.room.clone()),
        area: Some(f.area.clone()),
        area_source: Some(f.area_source.clone()),
        developer_unsold: None,
    };
    match state.store.update_household(actor, id, &patch).await {
        Ok(_) => Ok(Redirect::to(&format!("/households/{id}")).into_response()),
        Err(e) => {
            let t = T::new(ctx.lang, ctx.large_text);
            reshow(
                household_form(
                    &ctx,
                    format!("{} {}", t.s("edit"), f.room),
                    &f,
                    format!("/households/{id}"),
                ),
                e,
                ctx.lang,
            )
        }
    }
}

#[derive(Deserialize)]
struct UnsoldForm {
    version: i32,
    developer_unsold: bool,
}

/// Marks or unmarks the flat as the developer's unsold one (开发建设单位未售出).
async fn set_unsold(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<UnsoldForm>,
) -> PageResult {
    let actor = ctx.actor()?;
    let patch = HouseholdPatch {
        version: f.version,
        developer_unsold: Some(f.developer_unsold),
        ..HouseholdPatch::default()
    };
    state.store.update_household(actor, id, &patch).await?;
    Ok(Redirect::to(&format!("/households/{id}")).into_response())
}

#[derive(Deserialize, Default)]
struct MoveForm {
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    version: Option<i32>,
}

async fn move_form(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
) -> Result<SimpleForm, crate::error::WebError> {
    let actor = ctx.actor()?;
    let v = state.store.household(actor, id).await?;
    super::may_submit(v.can.move_household)?;
    let units = state.store.compound_units(v.household.compound_id).await?;
    let (t, c) = chrome(ctx);
    let mut unit = F::new(
        &t,
        "unit_id",
        "target_unit",
        v.household.unit_id.to_string(),
    );
    unit.choices = units
        .into_iter()
        .map(|(id, name)| (id.to_string(), name))
        .collect();
    Ok(SimpleForm {
        heading: format!("{} · {}", t.s("move"), v.household.room),
        intro: Some(t.s("move_intro")),
        note: Some(t.s("version_note")),
        errors: FormErrors::default(),
        hidden: vec![("version".into(), v.household.version.to_string())],
        fields: vec![unit],
        submit: t.s("save"),
        back: format!("/households/{id}"),
        t,
        c,
    })
}

async fn move_page(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> PageResult {
    Ok(move_form(&state, &ctx, id).await?.into_response())
}

async fn move_household(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<MoveForm>,
) -> PageResult {
    let actor = ctx.actor()?;
    let input = MoveInput {
        version: f.version.unwrap_or(0),
        unit_id: f.unit_id.trim().parse().unwrap_or(0),
    };
    match state.store.move_household(actor, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/households/{id}")).into_response()),
        Err(e) => reshow(move_form(&state, &ctx, id).await?, e, ctx.lang),
    }
}
