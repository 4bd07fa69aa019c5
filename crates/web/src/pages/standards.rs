//! The governance-standards pages: a city's checklist and star-rating scheme (edited as JSON
//! by the city), a compound's standards page, the assessment form and its printable result,
//! the star-rating form and its result, the per-compound plan, and a region's list of plans.

use super::{Chrome, PageResult, chrome, pager_base};
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
use linli_domain::PageRequest;
use linli_domain::standards::{Channel, Mark, RenovationKind};
use linli_store::ServiceError;
use linli_store::files::MAX_FILE_BYTES;
use linli_store::standards::*;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/regions/{id}/standards", get(scheme).post(save_scheme))
        .route("/regions/{id}/plans", get(region_plans))
        .route("/compounds/{id}/standards", get(compound_standards))
        .route(
            "/compounds/{id}/assessment",
            get(assessment_form).post(save_assessment),
        )
        .route("/assessments/{id}", get(assessment))
        .route(
            "/assessments/{id}/evidence",
            post(evidence).layer(DefaultBodyLimit::max(MAX_FILE_BYTES + 64 * 1024)),
        )
        .route(
            "/compounds/{id}/star-rating",
            get(star_form).post(save_star),
        )
        .route("/star-ratings/{id}", get(star))
        .route("/compounds/{id}/plan", get(plan).post(save_plan))
        .route("/compounds/{id}/plan/items", post(add_item))
        .route("/plan-items/{id}/done", post(item_done))
}

/// A refused form comes back with its errors; anything but bad input is an error page.
fn refused(ctx: &Ctx, e: ServiceError) -> Result<FormErrors, crate::error::WebError> {
    match e {
        ServiceError::Invalid(_) | ServiceError::Stale { .. } => Ok(FormErrors::new(&e, ctx.lang)),
        e => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "standard_scheme.html")]
struct SchemePage {
    t: T,
    c: Chrome,
    v: SchemeView,
    checklist: String,
    rating: String,
    errors: FormErrors,
}

async fn scheme(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> PageResult {
    let v = state.store.standard_scheme(ctx.actor()?, id).await?;
    let (t, c) = chrome(&ctx);
    Ok(SchemePage {
        t,
        c,
        checklist: v.checklist_json.clone(),
        rating: v.rating_json.clone(),
        v,
        errors: FormErrors::default(),
    }
    .into_response())
}

#[derive(Deserialize, Default)]
struct SchemeForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    checklist: String,
    #[serde(default)]
    rating: String,
}

async fn save_scheme(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<SchemeForm>,
) -> PageResult {
    let actor = ctx.actor()?;
    let input = SchemeInput {
        version: f.version.trim().parse().unwrap_or(-1),
        checklist: f.checklist.clone(),
        rating: f.rating.clone(),
    };
    match state.store.update_standard_scheme(actor, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/regions/{id}/standards")).into_response()),
        Err(e) => {
            // The rating scheme's errors name its parts; the form has one box for it.
            let errors = ["scheme", "weights", "bands", "vetoes", "survey"]
                .into_iter()
                .fold(refused(&ctx, e)?, |e, part| e.renamed(part, "rating"));
            let v = state.store.standard_scheme(actor, id).await?;
            let (t, c) = chrome(&ctx);
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                SchemePage {
                    t,
                    c,
                    v,
                    checklist: f.checklist,
                    rating: f.rating,
                    errors,
                },
            )
                .into_response())
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "standard_compound.html")]
struct CompoundPage {
    t: T,
    c: Chrome,
    v: CompoundStandardsView,
}

async fn compound_standards(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> PageResult {
    let v = state.store.compound_standards(ctx.actor()?, id).await?;
    let (t, c) = chrome(&ctx);
    Ok(CompoundPage { t, c, v }.into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "standard_assess.html")]
struct AssessPage {
    t: T,
    c: Chrome,
    f: AssessmentForm,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
struct PeriodQuery {
    period: Option<String>,
}

fn assess_page(ctx: &Ctx, f: AssessmentForm, errors: FormErrors) -> AssessPage {
    let (t, c) = chrome(ctx);
    AssessPage { t, c, f, errors }
}

async fn assessment_form(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Q(q): Q<PeriodQuery>,
) -> PageResult {
    let f = state
        .store
        .assessment_form(ctx.actor()?, id, q.period.as_deref())
        .await?;
    Ok(assess_page(&ctx, f, FormErrors::default()).into_response())
}

/// `period`, and `mark_<code>` / `note_<code>` per standard.
#[derive(Deserialize, Default)]
struct AssessForm {
    #[serde(default)]
    period: String,
    #[serde(flatten)]
    fields: HashMap<String, String>,
}

async fn save_assessment(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<AssessForm>,
) -> PageResult {
    let actor = ctx.actor()?;
    let marks: BTreeMap<&str, &String> = f
        .fields
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("mark_")?, v)))
        .collect();
    let input = AssessmentInput {
        period: f.period.clone(),
        marks: marks
            .iter()
            .map(|(code, mark)| MarkInput {
                code: (*code).to_string(),
                mark: (*mark).clone(),
                note: f
                    .fields
                    .get(&format!("note_{code}"))
                    .cloned()
                    .unwrap_or_default(),
            })
            .collect(),
    };
    match state.store.save_assessment(actor, id, &input).await {
        Ok(a) => Ok(Redirect::to(&format!("/assessments/{}", a.id)).into_response()),
        Err(e) => {
            let errors = refused(&ctx, e)?;
            let mut form = state.store.assessment_form(actor, id, None).await?;
            form.period = f.period.clone();
            for a in form.aspects.iter_mut() {
                for s in a.standards.iter_mut() {
                    s.mark = f
                        .fields
                        .get(&format!("mark_{}", s.code))
                        .and_then(|m| Mark::parse(m).ok());
                    s.note = f
                        .fields
                        .get(&format!("note_{}", s.code))
                        .cloned()
                        .unwrap_or_default();
                }
            }
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                assess_page(&ctx, form, errors),
            )
                .into_response())
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "standard_assessment.html")]
struct AssessmentPage {
    t: T,
    c: Chrome,
    v: AssessmentView,
    errors: FormErrors,
}

async fn assessment(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> PageResult {
    let v = state.store.assessment(ctx.actor()?, id).await?;
    let (t, c) = chrome(&ctx);
    Ok(AssessmentPage {
        t,
        c,
        v,
        errors: FormErrors::default(),
    }
    .into_response())
}

/// Files a photo or document for one standard of the assessment (`standard`, `file`).
async fn evidence(state: State, ctx: Ctx, Ids(id): Ids<i64>, form: CsrfMultipart) -> PageResult {
    let actor = ctx.actor()?;
    let result = match form.file.clone() {
        Some((name, bytes)) => {
            state
                .store
                .add_assessment_evidence(actor, id, &form.text("standard"), &name, bytes)
                .await
        }
        None => Err(ServiceError::invalid(
            "file",
            linli_domain::Invalid::Required,
        )),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/assessments/{id}#evidence")).into_response()),
        Err(e) => {
            // An unknown standard is an error in the assessment's `marks`; here it is picked.
            let errors = refused(&ctx, e)?.renamed("marks", "standard");
            let v = state.store.assessment(actor, id).await?;
            let (t, c) = chrome(&ctx);
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                AssessmentPage { t, c, v, errors },
            )
                .into_response())
        }
    }
}

#[derive(Deserialize, Default, Clone)]
struct StarFormInput {
    #[serde(default)]
    period: String,
    #[serde(default)]
    responses: String,
    #[serde(default)]
    satisfied: String,
    #[serde(default)]
    management: String,
    #[serde(default)]
    overall: String,
    /// `veto_<code>` = `on` for each veto item found.
    #[serde(flatten)]
    vetoes: HashMap<String, String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "standard_star_form.html")]
struct StarFormPage {
    t: T,
    c: Chrome,
    v: StarForm,
    f: StarFormInput,
    errors: FormErrors,
}

async fn star_form(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> PageResult {
    let v = state.store.star_form(ctx.actor()?, id).await?;
    let (t, c) = chrome(&ctx);
    let f = StarFormInput {
        period: v.period.clone(),
        ..Default::default()
    };
    Ok(StarFormPage {
        t,
        c,
        v,
        f,
        errors: FormErrors::default(),
    }
    .into_response())
}

async fn save_star(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<StarFormInput>,
) -> PageResult {
    let actor = ctx.actor()?;
    let mut vetoes: Vec<String> = f
        .vetoes
        .keys()
        .filter_map(|k| k.strip_prefix("veto_"))
        .map(str::to_string)
        .collect();
    vetoes.sort();
    let input = StarRatingInput {
        period: f.period.clone(),
        responses: f.responses.clone(),
        satisfied: f.satisfied.clone(),
        management: f.management.clone(),
        overall: f.overall.clone(),
        vetoes: vetoes.clone(),
    };
    match state.store.save_star_rating(actor, id, &input).await {
        Ok(r) => Ok(Redirect::to(&format!("/star-ratings/{}", r.id)).into_response()),
        Err(e) => {
            let errors = refused(&ctx, e)?;
            let mut v = state.store.star_form(actor, id).await?;
            for x in v.vetoes.iter_mut() {
                x.checked = vetoes.contains(&x.code);
            }
            let (t, c) = chrome(&ctx);
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                StarFormPage { t, c, v, f, errors },
            )
                .into_response())
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "standard_star.html")]
struct StarPage {
    t: T,
    c: Chrome,
    v: StarRatingView,
}

async fn star(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> PageResult {
    let v = state.store.star_rating(ctx.actor()?, id).await?;
    let (t, c) = chrome(&ctx);
    Ok(StarPage { t, c, v }.into_response())
}

#[derive(Deserialize, Default, Clone)]
struct PlanForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    problems: String,
    #[serde(default)]
    responsible: String,
    #[serde(default)]
    households_benefited: String,
    /// `budget_<channel>` in yuan.
    #[serde(flatten)]
    budget: HashMap<String, String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "plan_compound.html")]
struct PlanPage {
    t: T,
    c: Chrome,
    v: PlanView,
    f: PlanForm,
    kinds: Vec<(&'static str, String)>,
    errors: FormErrors,
    /// The new-item form: empty, or what was typed when it was refused.
    item: ItemForm,
}

impl PlanPage {
    fn budget_of(&self, channel: &str) -> &str {
        self.f
            .budget
            .get(&format!("budget_{channel}"))
            .map(String::as_str)
            .unwrap_or("")
    }
}

fn plan_page(ctx: &Ctx, v: PlanView, f: Option<PlanForm>, errors: FormErrors) -> PlanPage {
    let (t, c) = chrome(ctx);
    let f = f.unwrap_or_else(|| PlanForm {
        version: v.version.to_string(),
        problems: v.problems.clone(),
        responsible: v.responsible.clone(),
        households_benefited: if v.id.is_some() {
            v.households_benefited.to_string()
        } else {
            String::new()
        },
        budget: v
            .budget
            .iter()
            .map(|b| {
                (
                    format!("budget_{}", b.channel),
                    if b.amount > 0 {
                        b.yuan.clone()
                    } else {
                        String::new()
                    },
                )
            })
            .collect(),
    });
    let kinds = RenovationKind::ALL
        .iter()
        .map(|k| {
            (
                k.as_str(),
                format!("{}（{}）", k.label(ctx.lang), k.unit(ctx.lang)),
            )
        })
        .collect();
    PlanPage {
        t,
        c,
        v,
        f,
        kinds,
        errors,
        item: ItemForm::default(),
    }
}

async fn plan(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> PageResult {
    let v = state.store.compound_plan(ctx.actor()?, id).await?;
    Ok(plan_page(&ctx, v, None, FormErrors::default()).into_response())
}

async fn save_plan(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<PlanForm>,
) -> PageResult {
    let actor = ctx.actor()?;
    let input = PlanInput {
        version: f.version.trim().parse().ok().filter(|v| *v > 0),
        problems: f.problems.clone(),
        responsible: f.responsible.clone(),
        households_benefited: f.households_benefited.clone(),
        budget: Channel::ALL
            .iter()
            .map(|c| {
                (
                    c.as_str().to_string(),
                    f.budget
                        .get(&format!("budget_{}", c.as_str()))
                        .cloned()
                        .unwrap_or_default(),
                )
            })
            .collect(),
    };
    match state.store.save_compound_plan(actor, id, &input).await {
        Ok(_) => Ok(crate::flash::redirect(
            &format!("/compounds/{id}/plan"),
            "fl_plan_saved",
        )),
        Err(e) => {
            let errors = refused(&ctx, e)?;
            let v = state.store.compound_plan(actor, id).await?;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                plan_page(&ctx, v, Some(f), errors),
            )
                .into_response())
        }
    }
}

#[derive(Deserialize, Default)]
struct ItemForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    quantity: String,
}

async fn add_item(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<ItemForm>,
) -> PageResult {
    let actor = ctx.actor()?;
    let input = PlanItemInput {
        kind: f.kind.clone(),
        description: f.description.clone(),
        quantity: f.quantity.clone(),
    };
    match state.store.add_plan_item(actor, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/compounds/{id}/plan#items")).into_response()),
        Err(e) => {
            let errors = refused(&ctx, e)?;
            let v = state.store.compound_plan(actor, id).await?;
            let mut page = plan_page(&ctx, v, None, errors);
            page.item = f;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

#[derive(Deserialize, Default)]
struct DoneForm {
    #[serde(default)]
    done: String,
}

async fn item_done(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<DoneForm>,
) -> PageResult {
    let v = state
        .store
        .set_plan_item_done(ctx.actor()?, id, f.done == "1")
        .await?;
    Ok(Redirect::to(&format!("/compounds/{}/plan#items", v.compound_id)).into_response())
}

#[derive(Deserialize, Default)]
struct PlansQuery {
    status: Option<String>,
    page: Option<u64>,
    format: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "plan_list.html")]
struct PlansPage {
    t: T,
    c: Chrome,
    v: RegionPlans,
    base: String,
}

async fn region_plans(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Q(q): Q<PlansQuery>,
) -> PageResult {
    let actor = ctx.actor()?;
    let filter = PlanFilter {
        status: q.status.clone(),
    };
    let s = &state.store;
    if let Some(format) = q.format.as_deref() {
        let filter = &filter;
        let all = super::all_pages(|p| async move {
            s.region_plans(actor, id, filter, p).await.map(|r| r.plans)
        })
        .await?;
        let t = T::new(ctx.lang, false);
        let headers = [
            t.s("sd_compound"),
            t.s("three_no"),
            t.s("sd_problems"),
            t.s("sd_responsible"),
            t.s("sd_households_benefited"),
            t.s("sd_budget_total"),
            t.s("sd_items"),
            t.s("sd_items_done"),
        ];
        let rows: Vec<Vec<String>> = all
            .into_iter()
            .map(|p| {
                vec![
                    p.compound_name,
                    if p.three_no { "1".into() } else { "0".into() },
                    p.problems,
                    p.responsible,
                    p.households_benefited.to_string(),
                    p.budget_total_yuan,
                    p.items_total.to_string(),
                    p.items_done.to_string(),
                ]
            })
            .collect();
        return super::sheet_download(&ctx, format, t.s("sd_plans"), &headers, &rows);
    }
    let v = s
        .region_plans(actor, id, &filter, PageRequest::new(q.page, None))
        .await?;
    let (t, c) = chrome(&ctx);
    let base = pager_base(
        &format!("/regions/{id}/plans"),
        &[("status", q.status.unwrap_or_default())],
    );
    Ok(PlansPage { t, c, v, base }.into_response())
}
