//! The dashboards of a city, district, subdistrict or community, the list of compounds
//! behind each number, the printable period report, and the open-data download.
//!
//! Charts come from the shared `charts.rs` (server-drawn SVG with the numbers as a table);
//! every category links to the list of compounds it counts.

use super::{Chrome, PageResult, chrome, pager_base};
use crate::charts::{Cell, Chart, Unit, status_grid};
use crate::ctx::Ctx;
use crate::form::{Ids, Q};
use crate::i18n::T;
use crate::{AppState, State};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::response::IntoResponse;
use axum::routing::get;
use linli_domain::standards::{CompoundStatus, RenovationKind};
use linli_domain::{Lang, PageRequest};
use linli_store::standards::*;
use serde::Deserialize;
use std::sync::Arc;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/regions/{id}/dashboard", get(dashboard))
        .route("/regions/{id}/dashboard/compounds", get(compounds))
        .route("/regions/{id}/report", get(report))
        .route("/regions/{id}/open-data", get(open_data))
}

/// The charts of a dashboard, as HTML (each an SVG and its table).
pub struct Charts {
    pub status: String,
    pub children: String,
    pub modes: String,
    pub progress: String,
    pub aspects: String,
    pub stars: String,
    pub renovation: String,
    pub money: String,
    pub elevators: String,
    pub grid: String,
    /// The charts themselves, for the download of every table.
    pub tables: Vec<Chart>,
}

fn list_link(id: i64, query: &str) -> Option<String> {
    Some(format!("/regions/{id}/dashboard/compounds?{query}"))
}

/// The filters of a list in words: "三无小区 · 专业物业 · 3★".
pub fn filter_label(f: &ListFilter, lang: Lang) -> String {
    let stars = f.stars.map(|s| format!("{s}★"));
    let words: Vec<&str> = [
        f.status.map(|s| s.label(lang)),
        f.mode.map(|m| m.label(lang)),
        stars.as_deref(),
        f.plan.map(|p| p.label(lang)),
        f.rated.map(|r| r.label(lang)),
    ]
    .into_iter()
    .flatten()
    .collect();
    words.join(" · ")
}

/// A row of a stacked chart: its key in links, its words, its counts by status.
struct Stack<'a> {
    key: &'a str,
    label: &'a str,
    counts: &'a StatusCounts,
}

fn mode_stacks(rows: &[ModeRow], lang: Lang) -> Vec<Stack<'_>> {
    rows.iter()
        .map(|r| Stack {
            key: r.key.as_str(),
            label: r.key.label(lang),
            counts: &r.counts,
        })
        .collect()
}

/// Builds every chart of a dashboard from its figures. Pure: the snapshot tests call it.
pub fn charts(v: &DashboardView, lang: Lang) -> Charts {
    let t = T::new(lang, false);
    let id = v.region_id;
    let status_names: Vec<&str> = CompoundStatus::ALL.iter().map(|s| s.label(lang)).collect();

    let mut status = Chart::new(t.s("sd_chart_status"), t.s("sd_status"), Unit::Count);
    for s in CompoundStatus::ALL {
        status.category(s.label(lang), list_link(id, &format!("status={s}")));
    }
    status.series(t.s("sd_compounds"), v.status.to_vec());

    // `link(row, None)` is the row's list, `link(row, Some(status))` that row's compounds of
    // one status.
    let stacked = |title: &str,
                   axis: &str,
                   rows: &[Stack],
                   link: &dyn Fn(&Stack, Option<&str>) -> Option<String>| {
        let mut c = Chart::new(title, axis, Unit::Count);
        for r in rows {
            c.category(r.label, link(r, None));
        }
        for (k, s) in CompoundStatus::ALL.iter().enumerate() {
            c.series_linked(
                status_names[k],
                rows.iter().map(|r| r.counts[k]).collect(),
                rows.iter().map(|r| link(r, Some(s.as_str()))).collect(),
            );
        }
        c.bars()
    };
    let children = if v.children.is_empty() {
        String::new()
    } else {
        stacked(
            t.s("sd_chart_children"),
            t.s("sd_region"),
            &v.children
                .iter()
                .map(|r| Stack {
                    key: &r.key,
                    label: &r.label,
                    counts: &r.counts,
                })
                .collect::<Vec<_>>(),
            &|r, status| match status {
                None => Some(format!("/regions/{}/dashboard", r.key)),
                Some(s) => Some(format!("/regions/{}/dashboard/compounds?status={s}", r.key)),
            },
        )
    };
    let modes = stacked(
        t.s("sd_chart_modes"),
        t.s("management_mode"),
        &mode_stacks(&v.by_mode, lang),
        &|r, status| match status {
            None => list_link(id, &format!("mode={}", r.key)),
            Some(s) => list_link(id, &format!("mode={}&status={s}", r.key)),
        },
    );

    let mut progress = Chart::new(t.s("sd_chart_progress"), t.s("sd_period"), Unit::Count);
    for p in &v.progress {
        progress.category(p.period.clone(), None);
    }
    progress.series(
        CompoundStatus::ThreeNo.label(lang),
        v.progress.iter().map(|p| p.three_no).collect(),
    );
    progress.series(
        CompoundStatus::SixHave.label(lang),
        v.progress.iter().map(|p| p.six_have).collect(),
    );
    progress.series(
        t.s("sd_assessed"),
        v.progress.iter().map(|p| p.assessed).collect(),
    );
    // Assessed compounds include the three-no and the six-have ones: no sum of the three.
    progress.overlapping();

    let mut aspects = Chart::new(t.s("sd_chart_aspects"), t.s("sd_aspect"), Unit::BasisPoints);
    for a in &v.aspects {
        aspects.category(
            format!("{} {}", a.code, a.title),
            Some(format!("/regions/{}/standards", v.city_id)),
        );
    }
    aspects.series(
        t.s("sd_met_share"),
        v.aspects.iter().map(|a| a.met_bp).collect(),
    );

    let mut stars = Chart::new(t.s("sd_chart_stars"), t.s("sd_stars"), Unit::Count);
    for s in v.stars.iter().rev() {
        stars.category(
            format!("{}★", s.stars),
            list_link(id, &format!("stars={}", s.stars)),
        );
    }
    stars.series(
        t.s("sd_compounds"),
        v.stars.iter().rev().map(|s| s.compounds).collect(),
    );

    let mut renovation = Chart::new(t.s("sd_chart_renovation"), t.s("sd_kind"), Unit::Count);
    for r in &v.renovation {
        renovation.category(
            format!("{}（{}）", r.kind.label(lang), r.kind.unit(lang)),
            Some(format!("/regions/{id}/plans")),
        );
    }
    renovation.series(
        t.s("sd_done"),
        v.renovation.iter().map(|r| r.done_quantity).collect(),
    );
    renovation.series(
        t.s("sd_open"),
        v.renovation
            .iter()
            .map(|r| r.quantity - r.done_quantity)
            .collect(),
    );

    let mut money = Chart::new(t.s("sd_chart_money"), t.s("sd_channel"), Unit::Fen);
    for m in &v.money {
        money.category(m.channel.label(lang), Some(format!("/regions/{id}/plans")));
    }
    money.series(t.s("sd_budget"), v.money.iter().map(|m| m.amount).collect());

    let mut elevators = Chart::new(t.s("sd_chart_elevators"), t.s("sd_stage"), Unit::Count);
    for e in &v.elevators {
        elevators.category(e.stage.label(lang), None);
    }
    elevators.series(
        t.s("sd_projects"),
        v.elevators.iter().map(|e| e.projects).collect(),
    );

    let tables = vec![
        status.clone(),
        modes_chart(&t, v, lang, &status_names),
        progress.clone(),
        aspects.clone(),
        stars.clone(),
        renovation.clone(),
        money.clone(),
        elevators.clone(),
    ];
    let cells: Vec<Cell> = v
        .grid
        .bytes()
        .enumerate()
        .map(|(i, status)| Cell {
            label: v
                .grid_compounds
                .get(i)
                .map(|g| g.name.clone())
                .unwrap_or_default(),
            status: usize::from(status.saturating_sub(b'0')),
        })
        .collect();
    let status_lists: Vec<Option<String>> = CompoundStatus::ALL
        .iter()
        .map(|s| list_link(id, &format!("status={s}")))
        .collect();
    Charts {
        status: status.bars(),
        children,
        modes,
        progress: progress.lines(),
        aspects: aspects.bars(),
        stars: stars.bars(),
        renovation: renovation.bars(),
        money: money.bars(),
        elevators: if v.elevators.iter().any(|e| e.projects > 0) {
            elevators.bars()
        } else {
            String::new()
        },
        grid: status_grid(t.s("sd_chart_grid"), &status_names, &cells, &status_lists),
        tables,
    }
}

/// Compounds by management mode and status, as a chart object (for the table download).
fn modes_chart(t: &T, v: &DashboardView, lang: Lang, status_names: &[&str]) -> Chart {
    let mut c = Chart::new(t.s("sd_chart_modes"), t.s("management_mode"), Unit::Count);
    for r in &v.by_mode {
        c.category(r.key.label(lang), None);
    }
    for (k, name) in status_names.iter().enumerate() {
        c.series(*name, v.by_mode.iter().map(|r| r.counts[k]).collect());
    }
    c
}

/// Every table of the dashboard as rows: chart, category, series, value.
fn table_rows(ch: &Charts) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for c in &ch.tables {
        for (i, cat) in c.categories.iter().enumerate() {
            for s in &c.series {
                rows.push(vec![
                    c.title.clone(),
                    cat.clone(),
                    s.name.clone(),
                    c.unit.format(s.values[i]),
                ]);
            }
        }
    }
    rows
}

#[derive(Template, WebTemplate)]
#[template(path = "dashboard_region.html")]
struct DashboardPage {
    t: T,
    c: Chrome,
    v: DashboardView,
    ch: Charts,
    /// Whole kilometres and the metres over them, "216.000".
    pipes_km: String,
}

fn pipes_km(v: &DashboardView) -> String {
    let m = v
        .renovation
        .iter()
        .find(|r| r.kind == RenovationKind::Pipes)
        .map_or(0, |r| r.quantity);
    format!("{}.{:03}", m / 1000, m % 1000)
}

#[derive(Deserialize, Default)]
struct FormatQuery {
    /// `xlsx` or `csv`: every table of the dashboard as a download.
    format: Option<String>,
}

async fn dashboard(state: State, ctx: Ctx, Ids(id): Ids<i64>, Q(q): Q<FormatQuery>) -> PageResult {
    let v = state.store.dashboard(ctx.actor()?, id).await?;
    let ch = charts(&v, ctx.lang);
    if let Some(format) = q.format.as_deref() {
        let t = T::new(ctx.lang, false);
        let headers = [
            t.s("sd_chart"),
            t.s("sd_category"),
            t.s("sd_series"),
            t.s("sd_value"),
        ];
        return super::sheet_download(
            &ctx,
            format,
            &format!("{}-{}", v.region_name, t.s("sd_dashboard")),
            &headers,
            &table_rows(&ch),
        );
    }
    let (t, c) = chrome(&ctx);
    Ok(DashboardPage {
        t,
        c,
        pipes_km: pipes_km(&v),
        v,
        ch,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "dashboard_report.html")]
struct ReportPage {
    t: T,
    c: Chrome,
    v: DashboardView,
    ch: Charts,
    pipes_km: String,
    today: String,
}

async fn report(state: State, ctx: Ctx, Ids(id): Ids<i64>) -> PageResult {
    let v = state.store.dashboard(ctx.actor()?, id).await?;
    let (t, c) = chrome(&ctx);
    let ch = charts(&v, ctx.lang);
    Ok(ReportPage {
        t,
        c,
        pipes_km: pipes_km(&v),
        v,
        ch,
        today: super::today_plus(&ctx, 0),
    }
    .into_response())
}

#[derive(Deserialize, Default)]
struct ListQuery {
    status: Option<String>,
    mode: Option<String>,
    stars: Option<i32>,
    plan: Option<String>,
    rated: Option<String>,
    page: Option<u64>,
    format: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "dashboard_compounds.html")]
struct ListPage {
    t: T,
    c: Chrome,
    v: DashboardList,
    /// The filters in words.
    filter_label: String,
    base: String,
    download: String,
}

async fn compounds(state: State, ctx: Ctx, Ids(id): Ids<i64>, Q(q): Q<ListQuery>) -> PageResult {
    let actor = ctx.actor()?;
    let filter = DashboardFilter {
        status: q.status.clone(),
        mode: q.mode.clone(),
        stars: q.stars,
        plan: q.plan.clone(),
        rated: q.rated.clone(),
    };
    let s = &state.store;
    let lang = ctx.lang;
    if let Some(format) = q.format.as_deref() {
        let filter = &filter;
        // The region's name, from the first page, for the file's name (`遂宁市-小区名录-….xlsx`).
        let region = &std::sync::OnceLock::new();
        let all = super::all_pages(|p| async move {
            s.dashboard_compounds(actor, id, filter, p).await.map(|l| {
                region.get_or_init(|| l.region_name);
                l.compounds
            })
        })
        .await?;
        let region: &str = region.get().map_or("", String::as_str);
        let t = T::new(ctx.lang, false);
        let headers = [
            t.s("sd_compound"),
            t.s("sd_community"),
            t.s("management_mode"),
            t.s("sd_status"),
            t.s("six_have"),
            t.s("sd_stars"),
            t.s("sd_score"),
            t.s("sd_progress"),
        ];
        let rows: Vec<Vec<String>> = all
            .into_iter()
            .map(|c| {
                vec![
                    c.name,
                    c.community,
                    c.mode.label(lang).to_string(),
                    c.status.label(lang).to_string(),
                    c.six_have_count.to_string(),
                    c.stars.map(|s| s.to_string()).unwrap_or_default(),
                    c.score,
                    c.plan_progress,
                ]
            })
            .collect();
        let name = format!("{region}-{}", t.s("sd_compounds"));
        return super::sheet_download(&ctx, format, &name, &headers, &rows);
    }
    let v = s
        .dashboard_compounds(actor, id, &filter, PageRequest::new(q.page, None))
        .await?;
    let (t, c) = chrome(&ctx);
    let params = [
        ("status", q.status.unwrap_or_default()),
        ("mode", q.mode.unwrap_or_default()),
        ("stars", q.stars.map(|s| s.to_string()).unwrap_or_default()),
        ("plan", q.plan.unwrap_or_default()),
        ("rated", q.rated.unwrap_or_default()),
    ];
    let path = format!("/regions/{id}/dashboard/compounds");
    let base = pager_base(&path, &params);
    let download = format!("{base}format=xlsx");
    Ok(ListPage {
        t,
        c,
        filter_label: filter_label(&v.filter, lang),
        v,
        base,
        download,
    }
    .into_response())
}

#[derive(Deserialize, Default)]
struct OpenDataQuery {
    format: Option<String>,
}

/// `?format=csv` (default) the table, `?format=json` its Table Schema.
async fn open_data(
    state: State,
    ctx: Ctx,
    Ids(id): Ids<i64>,
    Q(q): Q<OpenDataQuery>,
) -> PageResult {
    let d = state.store.open_data_for(ctx.actor()?, id).await?;
    match q.format.as_deref().unwrap_or("csv") {
        "json" => {
            let body = serde_json::to_vec_pretty(&d.schema).unwrap_or_default();
            Ok(super::voting::download(
                body,
                "application/json",
                &format!("linli-open-data-{id}.schema.json"),
            ))
        }
        "csv" => {
            let bytes = linli_sheet::csv_table(&d.headers, &d.rows)?;
            Ok(super::voting::download(
                bytes,
                "text/csv; charset=utf-8",
                &format!("linli-open-data-{id}.csv"),
            ))
        }
        _ => Err(
            linli_store::ServiceError::invalid("format", linli_domain::Invalid::BadChoice).into(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use linli_domain::registry::ManagementMode;
    use linli_domain::standards::Channel;

    /// A small district: two subdistricts, three periods, a few ratings, plans and a grid.
    fn district() -> DashboardView {
        let row = |key: &str, label: &str, counts: [i64; 3]| StatusRow {
            key: key.into(),
            label: label.into(),
            total: counts.iter().sum(),
            counts,
        };
        DashboardView {
            region_id: 14,
            region_kind: linli_domain::place::NodeKind::District,
            region_name: "船山区".into(),
            places: vec![],
            city_id: 13,
            compounds: 12,
            status: [5, 6, 1],
            by_mode: [
                (ManagementMode::Delegated, [1, 3, 0]),
                (ManagementMode::Professional, [0, 1, 1]),
                (ManagementMode::SelfManaged, [4, 2, 0]),
            ]
            .into_iter()
            .map(|(key, counts)| ModeRow {
                key,
                total: counts.iter().sum(),
                counts,
            })
            .collect(),
            children: vec![
                row("15", "镇江寺街道", [3, 4, 1]),
                row("16", "凯旋路街道", [2, 2, 0]),
            ],
            child_kind: Some("subdistrict".into()),
            progress: vec![
                PeriodRow {
                    period: "2024-Q1".into(),
                    assessed: 12,
                    three_no: 10,
                    six_have: 0,
                },
                PeriodRow {
                    period: "2024-Q2".into(),
                    assessed: 12,
                    three_no: 7,
                    six_have: 1,
                },
                PeriodRow {
                    period: "2024-Q3".into(),
                    assessed: 12,
                    three_no: 5,
                    six_have: 1,
                },
            ],
            aspects: vec![AspectRow {
                code: "A".into(),
                title: "组织建设".into(),
                met: 40,
                partly: 10,
                not_met: 10,
                met_bp: 6667,
            }],
            assessed: 12,
            stars: (0..=5)
                .map(|s| StarCount {
                    stars: s,
                    compounds: i64::from(s % 3),
                    reward: 0,
                })
                .collect(),
            rated: 5,
            vetoed: 0,
            reward_total: 0,
            reward_total_yuan: "0.00".into(),
            renovation: vec![RenovationRow {
                kind: RenovationKind::Pipes,
                quantity: 1250,
                done_quantity: 600,
                compounds: 3,
            }],
            plans: 3,
            plans_done: 1,
            households_benefited: 400,
            money: vec![ChannelMoney {
                channel: Channel::GovernmentReward,
                amount: 12_000_000,
                yuan: "120000.00".into(),
            }],
            money_total: 12_000_000,
            elevators: vec![],
            grid: (0..12).map(|i| char::from(b'0' + i % 3)).collect(),
            grid_compounds: (0..12)
                .map(|i| GridCompound {
                    id: 100 + i,
                    name: format!("小区{i}"),
                })
                .collect(),
            grid_truncated: false,
        }
    }

    /// Compares with `tests/snapshots/<name>`; `UPDATE_SNAPSHOTS=1` writes it instead.
    fn snapshot(name: &str, actual: &str) {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/snapshots")
            .join(name);
        if std::env::var("UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1") {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, actual).unwrap();
            return;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
            panic!(
                "no snapshot {}: run with UPDATE_SNAPSHOTS=1 and review it",
                path.display()
            )
        });
        assert_eq!(
            actual, expected,
            "{name} changed: review the difference, then UPDATE_SNAPSHOTS=1"
        );
    }

    #[test]
    fn the_dashboard_charts_match_their_snapshots() {
        let ch = charts(&district(), Lang::Zh);
        snapshot("dashboard_status.html", &ch.status);
        snapshot("dashboard_children.html", &ch.children);
        snapshot("dashboard_progress.html", &ch.progress);
        snapshot("dashboard_grid.html", &ch.grid);
        snapshot("dashboard_stars.html", &ch.stars);
    }

    #[test]
    fn every_number_links_to_the_list_behind_it() {
        let ch = charts(&district(), Lang::Zh);
        assert!(
            ch.status
                .contains(r#"<a href="/regions/14/dashboard/compounds?status=three_no">5</a>"#),
            "{}",
            ch.status
        );
        assert!(ch.children.contains(r#"<a href="/regions/15/dashboard">"#));
        assert!(
            ch.modes
                .contains("/regions/14/dashboard/compounds?mode=self_managed")
        );
        assert!(ch.stars.contains("/regions/14/dashboard/compounds?stars=5"));
        assert!(
            ch.modes
                .contains("/regions/14/dashboard/compounds?mode=self_managed&amp;status=three_no"),
            "a value of a stacked table leads to its own list: {}",
            ch.modes
        );
        assert_eq!(
            ch.grid.matches("<title>").count(),
            12,
            "each compound named"
        );
        assert!(
            ch.grid
                .contains(r#"<a href="/regions/14/dashboard/compounds?status=six_have">"#),
            "{}",
            ch.grid
        );
        assert!(
            ch.elevators.is_empty(),
            "no elevator chart without projects"
        );
    }
}
