//! The service-request pages: reporting on a phone (a big button per category, then the place,
//! the words and up to six photos), "my requests", a worker's queue, a request with its
//! timeline and the buttons the reader may press (the rating form for the reporter), a
//! compound's list, and the figures of a grid, compound or region with their `.xlsx`.

use super::{Chrome, PageResult, chrome, pager_base, sheet_download};
use crate::charts::{Chart, Unit};
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
use linli_domain::requests::{MAX_PHOTOS, RequestStep};
use linli_domain::{PageRequest, Paged};
use linli_store::ServiceError;
use linli_store::files::MAX_FILE_BYTES;
use linli_store::requests::*;
use serde::Deserialize;
use std::sync::Arc;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/requests", get(mine))
        .route("/requests/queue", get(queue))
        .route("/compounds/{id}/requests", get(compound_list))
        .route(
            "/compounds/{id}/requests/new",
            get(new_form).post(create).layer(DefaultBodyLimit::max(
                MAX_PHOTOS * MAX_FILE_BYTES + 256 * 1024,
            )),
        )
        .route("/requests/{id}", get(show))
        .route("/requests/{id}/step", post(step))
        .route(
            "/requests/{id}/photos",
            post(add_photo).layer(DefaultBodyLimit::max(MAX_FILE_BYTES + 64 * 1024)),
        )
        .route("/compounds/{id}/requests/metrics", get(compound_metrics))
        .route("/grids/{id}/metrics", get(grid_metrics))
        .route("/regions/{id}/requests/metrics", get(region_metrics))
}

#[derive(Deserialize, Default)]
struct ListQuery {
    page: Option<u64>,
    #[serde(default)]
    queue: String,
    #[serde(default)]
    open: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "request_list.html")]
struct ListPage {
    t: T,
    c: Chrome,
    heading: String,
    /// The queue tabs (key, label, current), for workers.
    tabs: Vec<(&'static str, &'static str, bool)>,
    list: Paged<RequestSummary>,
    base: String,
    /// Where "report a problem" leads, if anywhere.
    report: Option<String>,
    compound_id: Option<i64>,
    /// A queue tab is the current page (not "my requests").
    on_queue: bool,
}

/// Where the reader reports: their first compound.
fn report_link(ctx: &Ctx) -> Option<String> {
    ctx.actor
        .as_ref()?
        .grants
        .iter()
        .find_map(|g| g.at.compound_id())
        .map(|c| format!("/compounds/{c}/requests/new"))
}

async fn mine(state: State, ctx: Ctx, Q(q): Q<ListQuery>) -> PageResult {
    let list = state
        .store
        .my_requests(ctx.actor()?, PageRequest::new(q.page, None))
        .await?;
    let (t, c) = chrome(&ctx);
    let tabs = if ctx
        .actor
        .as_ref()
        .is_some_and(|a| a.roles().any(|r| r.has_request_queues()))
    {
        queue_tabs(&t, None)
    } else {
        Vec::new()
    };
    Ok(ListPage {
        heading: t.s("rq_mine").into(),
        report: report_link(&ctx),
        tabs,
        list,
        base: pager_base("/requests", &[]),
        t,
        c,
        compound_id: None,
        on_queue: false,
    }
    .into_response())
}

fn queue_tabs(t: &T, current: Option<Queue>) -> Vec<(&'static str, &'static str, bool)> {
    Queue::ALL
        .iter()
        .map(|q| {
            (
                q.as_str(),
                t.s(&format!("rq_queue_{}", q.as_str())),
                Some(*q) == current,
            )
        })
        .collect()
}

async fn queue(state: State, ctx: Ctx, Q(q): Q<ListQuery>) -> PageResult {
    let which = Queue::parse(&q.queue).unwrap_or(Queue::Mine);
    let list = state
        .store
        .request_queue(ctx.actor()?, which, PageRequest::new(q.page, None))
        .await?;
    let (t, c) = chrome(&ctx);
    let base = pager_base("/requests/queue", &[("queue", which.as_str().to_string())]);
    Ok(ListPage {
        heading: t.s("rq_queue").into(),
        tabs: queue_tabs(&t, Some(which)),
        report: report_link(&ctx),
        list,
        base,
        t,
        c,
        compound_id: None,
        on_queue: true,
    }
    .into_response())
}

async fn compound_list(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Q(q): Q<ListQuery>,
) -> PageResult {
    let open = q.open == "1";
    let list = state
        .store
        .compound_requests(ctx.actor()?, id, open, PageRequest::new(q.page, None))
        .await?;
    let (t, c) = chrome(&ctx);
    let base = pager_base(
        &format!("/compounds/{id}/requests"),
        &[("open", q.open.clone())],
    );
    Ok(ListPage {
        heading: t.s("rq_compound_list").into(),
        tabs: Vec::new(),
        report: Some(format!("/compounds/{id}/requests/new")),
        list,
        base,
        t,
        c,
        compound_id: Some(id),
        on_queue: false,
    }
    .into_response())
}

/// The report form as typed, so a refused form comes back as it was.
#[derive(Debug, Clone, Default)]
struct ReportTyped {
    category_id: i64,
    place: String,
    /// Another household, as people say its room ("1栋1单元601")…
    room: String,
    /// …or picked from the building → unit → room lists.
    household_id: String,
    common_place: String,
    building_id: String,
    description: String,
    channel: String,
    on_behalf_of: String,
    contact_phone: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "request_new.html")]
struct NewPage {
    t: T,
    c: Chrome,
    form: ReportForm,
    /// The chosen category, once a button was pressed.
    category: Option<CategoryView>,
    f: ReportTyped,
    errors: FormErrors,
    max_photos: usize,
    /// The compound's flats for the picker, for those who report for others.
    rooms: Vec<super::rooms::RoomGroup>,
}

#[derive(Deserialize, Default)]
struct NewQuery {
    category: Option<i64>,
}

async fn new_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    f: ReportTyped,
) -> Result<NewPage, crate::error::WebError> {
    let form = state.store.report_form(ctx.actor()?, id).await?;
    let category = form
        .categories
        .iter()
        .find(|c| c.id == f.category_id)
        .cloned();
    let rooms = if form.worker {
        match state.store.compound_room_choices(ctx.actor()?, id).await {
            Ok(choices) => super::rooms::groups(choices),
            // Who may report for others without seeing the registry types the room.
            Err(ServiceError::Forbidden) => Vec::new(),
            Err(e) => return Err(e.into()),
        }
    } else {
        Vec::new()
    };
    let (t, c) = chrome(ctx);
    Ok(NewPage {
        t,
        c,
        form,
        category,
        f,
        errors: FormErrors::default(),
        max_photos: MAX_PHOTOS,
        rooms,
    })
}

async fn new_form(state: State, ctx: Ctx, Ids(id): Ids<i64>, Q(q): Q<NewQuery>) -> PageResult {
    let f = ReportTyped {
        category_id: q.category.unwrap_or(0),
        place: String::new(),
        ..Default::default()
    };
    let mut page = new_page(&state, &ctx, id, f).await?;
    if page.f.place.is_empty() {
        page.f.place = page
            .form
            .homes
            .first()
            .map(|(h, _)| format!("home:{h}"))
            .unwrap_or_else(|| "common".into());
    }
    Ok(page.into_response())
}

fn parse_id(s: &str) -> Option<i64> {
    s.trim().parse().ok()
}

async fn create(state: State, ctx: Ctx, Ids(id): Ids<i64>, form: CsrfMultipart) -> PageResult {
    let actor = ctx.actor()?;
    let f = ReportTyped {
        category_id: parse_id(&form.text("category_id")).unwrap_or(0),
        place: form.text("place"),
        room: form.text("room"),
        household_id: form.text("household_id"),
        common_place: form.text("common_place"),
        building_id: form.text("building_id"),
        description: form.text("description"),
        channel: form.text("channel"),
        on_behalf_of: form.text("on_behalf_of"),
        contact_phone: form.text("contact_phone"),
    };
    let household_id = match f.place.as_str() {
        p if p.starts_with("home:") => parse_id(&p[5..]),
        "household" if !f.room.trim().is_empty() => {
            match state
                .store
                .households_by_rooms(actor, id, &f.room, "room")
                .await
            {
                Ok(found) => Some(found.first().copied().unwrap_or(-1)),
                Err(e @ ServiceError::Invalid(_)) => {
                    let mut page = new_page(&state, &ctx, id, f).await?;
                    page.errors = FormErrors::new(&e, ctx.lang);
                    return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
                }
                Err(e) => return Err(e.into()),
            }
        }
        "household" => Some(parse_id(&f.household_id).unwrap_or(-1)),
        _ => None,
    };
    let input = ReportInput {
        category_id: f.category_id,
        household_id,
        common_place: if household_id.is_none() {
            f.common_place.clone()
        } else {
            String::new()
        },
        building_id: if household_id.is_none() {
            parse_id(&f.building_id)
        } else {
            None
        },
        description: f.description.clone(),
        channel: f.channel.clone(),
        on_behalf_of: f.on_behalf_of.clone(),
        contact_phone: f.contact_phone.clone(),
    };
    let photos = form
        .files
        .into_iter()
        .map(|(file_name, bytes)| PhotoUpload { file_name, bytes })
        .collect();
    match state
        .store
        .report_request(actor, id, &input, photos, ctx.lang)
        .await
    {
        Ok(r) => Ok(Redirect::to(&format!("/requests/{}", r.id)).into_response()),
        Err(e @ ServiceError::Invalid(_)) => {
            let mut page = new_page(&state, &ctx, id, f).await?;
            page.errors = FormErrors::new(&e, ctx.lang);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "request_show.html")]
struct ShowPage {
    t: T,
    c: Chrome,
    r: RequestView,
    errors: FormErrors,
    /// The step whose form was refused ("" for none or the photo form): several forms have a
    /// `note`, and its error belongs under the one that was sent.
    refused: String,
}

impl ShowPage {
    /// The errors to show in the form of `step`: none unless that form was the one refused.
    fn errors_of(&self, step: &str) -> &FormErrors {
        self.errors.if_sent(self.refused == step)
    }

    fn may(&self, step: RequestStep) -> bool {
        self.r.can.iter().any(|b| b.step == step)
    }

    /// The steps shown as a plain button (the others have their own forms).
    fn plain_steps(&self) -> Vec<&StepButton> {
        self.r
            .can
            .iter()
            .filter(|b| {
                matches!(
                    b.step,
                    RequestStep::Take
                        | RequestStep::Resolve
                        | RequestStep::Escalate
                        | RequestStep::Withdraw
                )
            })
            .collect()
    }
}

async fn show(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> PageResult {
    let r = state.store.service_request(ctx.actor()?, id).await?;
    let (t, c) = chrome(&ctx);
    Ok(ShowPage {
        t,
        c,
        r,
        errors: FormErrors::default(),
        refused: String::new(),
    }
    .into_response())
}

/// The request page again with the errors of its form for `step` ("" for the photo form).
async fn reshow(state: &AppState, ctx: &Ctx, id: i64, step: &str, err: ServiceError) -> PageResult {
    if !matches!(err, ServiceError::Invalid(_) | ServiceError::Stale { .. }) {
        return Err(err.into());
    }
    let r = state.store.service_request(ctx.actor()?, id).await?;
    let (t, c) = chrome(ctx);
    // A file the store refuses is the photo the form sends.
    let errors = FormErrors::new(&err, ctx.lang).renamed("file", "photos");
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        ShowPage {
            t,
            c,
            r,
            errors,
            refused: step.to_string(),
        },
    )
        .into_response())
}

#[derive(Deserialize, Default)]
struct StepForm {
    #[serde(default)]
    step: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    assignee_id: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    rating: String,
    #[serde(default)]
    comment: String,
}

async fn step(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    CsrfForm(f): CsrfForm<StepForm>,
) -> PageResult {
    let step = f.step.trim().to_string();
    let input = StepInput {
        step: f.step,
        version: f.version.trim().parse().ok(),
        assignee_id: parse_id(&f.assignee_id),
        note: f.note,
        rating: f.rating,
        comment: f.comment,
    };
    match state.store.step_request(ctx.actor()?, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/requests/{id}")).into_response()),
        Err(e) => reshow(&state, &ctx, id, &step, e).await,
    }
}

async fn add_photo(state: State, ctx: Ctx, Ids(id): Ids<i64>, form: CsrfMultipart) -> PageResult {
    let Some((file_name, bytes)) = form.file else {
        return reshow(
            &state,
            &ctx,
            id,
            "",
            ServiceError::invalid("photos", linli_domain::Invalid::Required),
        )
        .await;
    };
    match state
        .store
        .add_request_photo(ctx.actor()?, id, PhotoUpload { file_name, bytes })
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/requests/{id}#photos")).into_response()),
        Err(e) => reshow(&state, &ctx, id, "", e).await,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "request_metrics.html")]
struct MetricsPage {
    t: T,
    c: Chrome,
    m: MetricsView,
    path: String,
    /// SVG charts with their tables (from `charts.rs`): by category, by month, the places below.
    category_chart: String,
    month_chart: String,
    children_chart: String,
}

/// Resolved and still open requests per row, as stacked bars.
fn counts_chart(t: &T, title: &str, axis: &str, rows: &[TallyRow]) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let mut c = Chart::new(title, axis, Unit::Count);
    for r in rows {
        c.category(t.rq_row(&r.label), r.link.clone());
    }
    c.series(
        t.s("rq_resolved"),
        rows.iter().map(|r| r.resolved).collect(),
    );
    c.series(
        t.s("rq_not_resolved"),
        rows.iter().map(|r| r.total - r.resolved).collect(),
    );
    c.bars()
}

/// The three rates month by month, as lines.
fn rates_chart(t: &T, rows: &[TallyRow]) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let mut c = Chart::new(t.s("rq_rates_by_month"), t.s("rq_month"), Unit::BasisPoints);
    for r in rows {
        c.category(t.rq_row(&r.label), None);
    }
    c.series(
        t.s("rq_response_rate"),
        rows.iter().map(|r| r.response_bp.unwrap_or(0)).collect(),
    );
    c.series(
        t.s("rq_resolution_rate"),
        rows.iter().map(|r| r.resolution_bp.unwrap_or(0)).collect(),
    );
    c.series(
        t.s("rq_satisfaction_rate"),
        rows.iter()
            .map(|r| r.satisfaction_bp.unwrap_or(0))
            .collect(),
    );
    c.lines()
}

impl MetricsPage {
    /// (title, anchor, rows) of the tables under the totals.
    fn sections(&self) -> Vec<(&'static str, &'static str, &Vec<TallyRow>)> {
        vec![
            (
                self.t.s("rq_by_category"),
                "by-category",
                &self.m.by_category,
            ),
            (self.t.s("rq_by_month"), "by-month", &self.m.by_month),
            (self.t.s("rq_children"), "children", &self.m.children),
        ]
    }
}

#[derive(Deserialize, Default)]
struct FormatQuery {
    #[serde(default)]
    format: String,
}

async fn metrics(
    state: &AppState,
    ctx: &Ctx,
    scope: MetricsScope,
    path: String,
    format: &str,
) -> PageResult {
    let m = state.store.request_metrics(ctx.actor()?, scope).await?;
    let (t, c) = chrome(ctx);
    if !format.is_empty() {
        let headers = [
            t.s("rq_group"),
            t.s("name"),
            t.s("rq_total"),
            t.s("rq_responded"),
            t.s("rq_resolved"),
            t.s("rq_rated"),
            t.s("rq_satisfied"),
            t.s("rq_overdue"),
            t.s("rq_response_rate"),
            t.s("rq_resolution_rate"),
            t.s("rq_satisfaction_rate"),
            t.s("rq_median_hours"),
        ];
        let groups = [
            (t.s("rq_total"), std::slice::from_ref(&m.total)),
            (t.s("rq_by_category"), &m.by_category[..]),
            (t.s("rq_by_month"), &m.by_month[..]),
            (t.s("rq_children"), &m.children[..]),
        ];
        let rows: Vec<Vec<String>> = groups
            .iter()
            .flat_map(|(g, rows)| {
                rows.iter().map(move |r| {
                    vec![
                        g.to_string(),
                        t.rq_row(&r.label),
                        r.total.to_string(),
                        r.responded.to_string(),
                        r.resolved.to_string(),
                        r.rated.to_string(),
                        r.satisfied.to_string(),
                        r.overdue.to_string(),
                        r.response_rate.clone(),
                        r.resolution_rate.clone(),
                        r.satisfaction_rate.clone(),
                        r.median_hours.clone(),
                    ]
                })
            })
            .collect();
        return sheet_download(ctx, format, &m.name, &headers, &rows);
    }
    let category_chart = counts_chart(
        &t,
        t.s("rq_by_category"),
        t.s("rq_category"),
        &m.by_category,
    );
    let month_chart = rates_chart(&t, &m.by_month);
    let children_chart = counts_chart(&t, t.s("rq_children"), t.s("name"), &m.children);
    Ok(MetricsPage {
        t,
        c,
        m,
        path,
        category_chart,
        month_chart,
        children_chart,
    }
    .into_response())
}

async fn compound_metrics(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Q(q): Q<FormatQuery>,
) -> PageResult {
    metrics(
        &state,
        &ctx,
        MetricsScope::Compound(id),
        format!("/compounds/{id}/requests/metrics"),
        &q.format,
    )
    .await
}

async fn grid_metrics(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Q(q): Q<FormatQuery>,
) -> PageResult {
    metrics(
        &state,
        &ctx,
        MetricsScope::Grid(id),
        format!("/grids/{id}/metrics"),
        &q.format,
    )
    .await
}

async fn region_metrics(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Q(q): Q<FormatQuery>,
) -> PageResult {
    metrics(
        &state,
        &ctx,
        MetricsScope::Region(id),
        format!("/regions/{id}/requests/metrics"),
        &q.format,
    )
    .await
}
