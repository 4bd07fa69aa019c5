//! Dashboards of a city, district, subdistrict or community: how its compounds are doing.
//!
//! The counts by status, mode and child region, the star ratings, the plans' money and
//! renovation totals and the elevator projects by stage are added up from the region's
//! region's rows of `region_summary` ([`crate::summary`], kept by every write in its own
//! transaction) in one indexed read, never recomputed over the tables behind them per
//! request. The progress over the periods and the standards met by aspect are read from the
//! assessments (history per period, and the letters of the latest ones). No person,
//! household or name of a resident is read. The one list behind the numbers
//! ([`Store::dashboard_compounds`]) shows compounds, never people.
//!
//! A compound's status on the dashboards: three-no when the compound row says so, six-have
//! when all six items are present, otherwise "in progress".

use super::ChannelAmount;
use super::plans::region_column;
use crate::accounts::Actor;
use crate::entity::region;
use crate::error::{ServiceError, ServiceResult};
use crate::registry::PlaceRef;
use crate::{Backend, Store};
use linli_domain::authz::Action;
use linli_domain::elevator::ElevatorStage;
use linli_domain::place::NodeKind;
use linli_domain::registry::ManagementMode;
use linli_domain::standards::{Channel, Mark, RenovationKind};
use linli_domain::{Fen, Lang, PageRequest, Paged};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QueryResult, Statement,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The three statuses the dashboards count compounds by, in this order.
pub const STATUSES: [&str; 3] = ["three_no", "in_progress", "six_have"];

/// All six items: the mask of a six-have compound.
const SIX: i32 = 0b11_1111;

pub fn status_label(status: &str, lang: Lang) -> &'static str {
    match status {
        "three_no" => lang.pick("三无小区", "three-no"),
        "six_have" => lang.pick("六有小区", "six-have"),
        _ => lang.pick("治理中", "in progress"),
    }
}

fn status_index(three_no: bool, six_have: i32) -> usize {
    if three_no {
        0
    } else if six_have & SIX == SIX {
        2
    } else {
        1
    }
}

/// Counts of compounds by status: `[three_no, in_progress, six_have]`.
pub type StatusCounts = [i64; 3];

/// A group of compounds (a management mode or a child region) by status.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StatusRow {
    /// The mode's code or the child region's id.
    pub key: String,
    pub label: String,
    /// `[three_no, in_progress, six_have]`.
    #[schema(value_type = Vec<i64>)]
    pub counts: StatusCounts,
    pub total: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PeriodRow {
    pub period: String,
    pub assessed: i64,
    pub three_no: i64,
    pub six_have: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AspectRow {
    pub code: String,
    pub title: String,
    pub met: i64,
    pub partly: i64,
    pub not_met: i64,
    /// Met as basis points of the marks given.
    pub met_bp: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StarCount {
    /// 0 for rated without a star; vetoed ratings are counted apart.
    pub stars: i32,
    pub compounds: i64,
    pub reward: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RenovationRow {
    pub kind: String,
    pub label: String,
    pub unit: String,
    pub quantity: i64,
    pub done_quantity: i64,
    pub compounds: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StageCount {
    pub stage: String,
    pub label: String,
    pub projects: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GridCompound {
    pub id: i64,
    pub name: String,
    /// Index into [`STATUSES`].
    pub status: usize,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DashboardView {
    pub region_id: i64,
    pub region_kind: NodeKind,
    pub region_name: String,
    /// From the city down to this region.
    pub places: Vec<PlaceRef>,
    pub city_id: i64,
    pub compounds: i64,
    /// `[three_no, in_progress, six_have]`.
    #[schema(value_type = Vec<i64>)]
    pub status: StatusCounts,
    pub by_mode: Vec<StatusRow>,
    /// The child regions (districts of a city, …); empty for a community.
    pub children: Vec<StatusRow>,
    pub child_kind: Option<String>,
    pub progress: Vec<PeriodRow>,
    /// Standards met in the compounds' latest assessments, by aspect.
    pub aspects: Vec<AspectRow>,
    pub assessed: i64,
    pub stars: Vec<StarCount>,
    pub rated: i64,
    pub vetoed: i64,
    pub reward_total: i64,
    pub reward_total_yuan: String,
    pub renovation: Vec<RenovationRow>,
    pub plans: i64,
    pub plans_done: i64,
    pub households_benefited: i64,
    pub money: Vec<ChannelAmount>,
    pub money_total: i64,
    pub elevators: Vec<StageCount>,
    pub grid: Vec<GridCompound>,
    /// More compounds than the grid shows (open a smaller region).
    pub grid_truncated: bool,
}

/// The summary columns a dashboard adds up (`compound_summary`, after its three
/// grouping columns status, stars and vetoed); the reward first.
const SUMMED: &[&str] = crate::migration::m0031_compound_summary::COUNTERS
    .split_at(3)
    .1;

/// The most squares the grid draws.
pub const GRID_MAX: usize = 3_000;

/// Filters of the list behind a dashboard's numbers.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams, utoipa::ToSchema)]
pub struct DashboardFilter {
    /// `three_no`, `in_progress` or `six_have`.
    pub status: Option<String>,
    /// `professional`, `self_managed`, `delegated` or `none`.
    pub mode: Option<String>,
    /// Star level of the latest rating (0–5); vetoed ratings count as 0.
    pub stars: Option<i32>,
    /// `yes` (has a plan), `done` (every item done), `no` (no plan).
    pub plan: Option<String>,
    /// `yes` (star-rated in its latest rating) or `vetoed`.
    pub rated: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DashboardCompound {
    pub id: i64,
    pub name: String,
    pub community: String,
    pub management_mode: String,
    pub status: String,
    pub status_label: String,
    pub six_have_count: u32,
    pub stars: Option<i32>,
    pub score: String,
    pub plan_progress: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DashboardList {
    pub region_id: i64,
    pub region_name: String,
    /// The filters in words.
    pub filter_label: String,
    #[schema(value_type = Object)]
    pub compounds: Paged<DashboardCompound>,
}

fn int(row: &QueryResult, i: usize) -> i64 {
    row.try_get_by_index::<i64>(i)
        .or_else(|_| row.try_get_by_index::<i32>(i).map(i64::from))
        .or_else(|_| row.try_get_by_index::<bool>(i).map(i64::from))
        .or_else(|_| {
            row.try_get_by_index::<Option<i64>>(i)
                .map(|v| v.unwrap_or(0))
        })
        .or_else(|_| {
            row.try_get_by_index::<Option<i32>>(i)
                .map(|v| v.map_or(0, i64::from))
        })
        .unwrap_or(0)
}

fn text(row: &QueryResult, i: usize) -> String {
    row.try_get_by_index::<Option<String>>(i)
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// A boolean column as 0/1 on both databases.
fn flag(col: &str) -> String {
    format!("CAST(CASE WHEN {col} THEN 1 ELSE 0 END AS BIGINT)")
}

fn mode_label(code: &str, lang: Lang) -> String {
    ManagementMode::parse(code)
        .map(|m| m.label(lang).to_string())
        .unwrap_or_else(|_| code.to_string())
}

impl Store {
    async fn rows(&self, sql: &str) -> ServiceResult<Vec<QueryResult>> {
        let backend = self.read().get_database_backend();
        Ok(self
            .read()
            .query_all_raw(Statement::from_string(backend, sql))
            .await?)
    }

    /// The region and its path, checked: officials over it see its aggregates.
    async fn region_for(
        &self,
        actor: &Actor,
        region_id: i64,
    ) -> ServiceResult<(region::Model, NodeKind, Vec<PlaceRef>, i64)> {
        let (path, r) = self.region_path(region_id).await?;
        actor.require(Action::ViewRegistry, &path)?;
        let kind = Some(r.kind)
            .filter(|k| k.is_region())
            .ok_or_else(|| super::internal(format!("region {} kind {}", r.id, r.kind)))?;
        let ids: Vec<i64> = path.nodes().iter().map(|n| n.id).collect();
        let names: BTreeMap<i64, region::Model> = region::Entity::find()
            .filter(region::Column::Id.is_in(ids.clone()))
            .all(self.read())
            .await?
            .into_iter()
            .map(|x| (x.id, x))
            .collect();
        let places = ids
            .iter()
            .filter_map(|id| names.get(id))
            .map(|x| PlaceRef {
                id: x.id,
                kind: x.kind,
                name: x.name.clone(),
            })
            .collect();
        let city_id = ids.first().copied().unwrap_or(r.id);
        Ok((r, kind, places, city_id))
    }

    /// The dashboard of a region: compounds by mode and status, by child region, progress
    /// over the periods, standards met, star ratings, renovation totals, money by channel,
    /// elevator projects, and the grid of compounds. Aggregates only.
    pub async fn dashboard(
        &self,
        actor: &Actor,
        region_id: i64,
        lang: Lang,
    ) -> ServiceResult<DashboardView> {
        // A dashboard, list or export may be a moment old: a replica may answer it.
        self.on_replica(async move {
        let (r, kind, places, city_id) = self.region_for(actor, region_id).await?;
        let col = region_column(kind);
        let id = r.id;
        let child = match kind {
            NodeKind::City => Some(("district_id", NodeKind::District)),
            NodeKind::District => Some(("subdistrict_id", NodeKind::Subdistrict)),
            NodeKind::Subdistrict => Some(("community_id", NodeKind::Community)),
            _ => None,
        };
        // Every figure kept per compound, as added up for this region by child region, mode,
        // status and star rating when it last changed: one indexed read of a few dozen rows.
        let sql = format!(
            "SELECT child_id, management_mode, status, stars, vetoed, compounds, {} FROM region_summary WHERE region_id = {id}",
            SUMMED.join(", ")
        );
        let mut by_mode: BTreeMap<String, StatusCounts> = ManagementMode::ALL
            .iter()
            .map(|m| (m.as_str().to_string(), [0; 3]))
            .collect();
        let mut by_child: BTreeMap<i64, StatusCounts> = BTreeMap::new();
        let mut status = [0i64; 3];
        let mut stars: Vec<StarCount> = (0..=5)
            .map(|s| StarCount {
                stars: s,
                compounds: 0,
                reward: 0,
            })
            .collect();
        let (mut rated, mut vetoed, mut reward_total) = (0, 0, 0);
        let mut total = vec![0i64; SUMMED.len()];
        for row in self.rows(&sql).await? {
            let s = usize::try_from(int(&row, 2)).unwrap_or(1).min(2);
            let n = int(&row, 5);
            status[s] += n;
            by_mode.entry(text(&row, 1)).or_insert([0; 3])[s] += n;
            by_child.entry(int(&row, 0)).or_insert([0; 3])[s] += n;
            for (i, t) in total.iter_mut().enumerate() {
                *t += int(&row, 6 + i);
            }
            // Star ratings: -1 is a compound never rated.
            let star = int(&row, 3);
            if star < 0 {
                continue;
            }
            let reward = int(&row, 6);
            rated += n;
            reward_total += reward;
            if int(&row, 4) == 1 {
                vetoed += n;
            } else if let Some(s) = usize::try_from(star).ok().and_then(|s| stars.get_mut(s)) {
                s.compounds += n;
                s.reward += reward;
            }
        }
        let sum = |col: &str| {
            SUMMED
                .iter()
                .position(|c| *c == col)
                .map_or(0, |i| total[i])
        };
        let row_of = |key: String, label: String, counts: StatusCounts| StatusRow {
            key,
            label,
            total: counts.iter().sum(),
            counts,
        };
        let by_mode = by_mode
            .into_iter()
            .map(|(m, c)| row_of(m.clone(), mode_label(&m, lang), c))
            .collect();
        let children = match child {
            Some(_) => region::Entity::find()
                .filter(region::Column::ParentId.eq(id))
                .order_by_asc(region::Column::Id)
                .all(self.read())
                .await?
                .into_iter()
                .map(|c| {
                    row_of(
                        c.id.to_string(),
                        c.name,
                        by_child.get(&c.id).copied().unwrap_or([0; 3]),
                    )
                })
                .collect(),
            None => Vec::new(),
        };
        let progress = self
            .rows(&format!(
                "SELECT period, COUNT(*), CAST(SUM({}) AS BIGINT), CAST(SUM(CASE WHEN six_have = {SIX} THEN 1 ELSE 0 END) AS BIGINT) FROM assessment WHERE {col} = {id} GROUP BY period ORDER BY period",
                flag("three_no")
            ))
            .await?
            .iter()
            .map(|row| PeriodRow { period: text(row, 0), assessed: int(row, 1), three_no: int(row, 2), six_have: int(row, 3) })
            .collect();
        // Standards met by aspect, from the letters of the latest assessments.
        let scheme = Store::scheme(self.read(), city_id).await?;
        let aspect_of: Vec<usize> = scheme
            .checklist
            .standards
            .iter()
            .map(|s| {
                scheme
                    .checklist
                    .aspects
                    .iter()
                    .position(|a| a.code == s.aspect)
                    .unwrap_or(0)
            })
            .collect();
        let mut marks = vec![[0i64; 3]; scheme.checklist.aspects.len()];
        let mut assessed = 0;
        for row in self
            .rows(&format!(
                "SELECT letters FROM assessment WHERE {col} = {id} AND latest = {}",
                self.truth()
            ))
            .await?
        {
            let letters = text(&row, 0);
            if letters.chars().count() != aspect_of.len() {
                continue; // assessed under another version of the checklist
            }
            assessed += 1;
            for (i, c) in letters.chars().enumerate() {
                let k = match Mark::from_letter(c) {
                    Some(Mark::Met) => 0,
                    Some(Mark::Partly) => 1,
                    _ => 2,
                };
                if let Some(a) = marks.get_mut(aspect_of[i]) {
                    a[k] += 1;
                }
            }
        }
        let aspects = scheme
            .checklist
            .aspects
            .iter()
            .zip(&marks)
            .map(|(a, m)| {
                let all: i64 = m.iter().sum();
                AspectRow {
                    code: a.code.clone(),
                    title: a.title.clone(),
                    met: m[0],
                    partly: m[1],
                    not_met: m[2],
                    met_bp: if all > 0 { m[0] * 10_000 / all } else { 0 },
                }
            })
            .collect();
        let renovation = RenovationKind::ALL
            .into_iter()
            .map(|k| {
                let of = |what: &str| sum(&format!("reno_{}_{what}", k.as_str()));
                RenovationRow {
                    kind: k.as_str().into(),
                    label: k.label(lang).into(),
                    unit: k.unit(lang).into(),
                    quantity: of("quantity"),
                    done_quantity: of("done"),
                    compounds: of("plans"),
                }
            })
            .collect();
        let money: Vec<ChannelAmount> = Channel::ALL
            .into_iter()
            .map(|c| {
                let amount = sum(&format!("budget_{}", c.as_str()));
                ChannelAmount {
                    channel: c.as_str().into(),
                    label: c.label(lang).into(),
                    amount,
                    yuan: Fen(amount).to_string(),
                }
            })
            .collect();
        let elevators = ElevatorStage::ALL
            .into_iter()
            .map(|s| StageCount {
                stage: s.as_str().into(),
                label: s.label(lang).into(),
                projects: sum(&format!("elevator_{}", s.as_str())),
            })
            .collect();
        let grid_rows = self.rows(&format!("SELECT id, name, {}, six_have FROM compound WHERE {col} = {id} ORDER BY id LIMIT {}", flag("three_no"), GRID_MAX + 1)).await?;
        let grid_truncated = grid_rows.len() > GRID_MAX;
        let grid = grid_rows
            .iter()
            .take(GRID_MAX)
            .map(|row| GridCompound {
                id: int(row, 0),
                name: text(row, 1),
                status: status_index(int(row, 2) == 1, i32::try_from(int(row, 3)).unwrap_or(0)),
            })
            .collect();
        Ok(DashboardView {
            region_id: r.id,
            region_kind: r.kind,
            region_name: r.name.clone(),
            places,
            city_id,
            compounds: status.iter().sum(),
            status,
            by_mode,
            children,
            child_kind: child.map(|(_, k)| k.as_str().to_string()),
            progress,
            aspects,
            assessed,
            stars,
            rated,
            vetoed,
            reward_total,
            reward_total_yuan: Fen(reward_total).to_string(),
            renovation,
            plans: sum("plan"),
            plans_done: sum("plan_done"),
            households_benefited: sum("households_benefited"),
            money_total: money.iter().map(|m| m.amount).sum(),
            money,
            elevators,
            grid,
            grid_truncated,
        })
        })
        .await
    }

    /// `TRUE` as both databases write it in a comparison.
    fn truth(&self) -> &'static str {
        match self.backend() {
            Backend::Postgres => "TRUE",
            Backend::Sqlite => "1",
        }
    }

    /// The compounds behind a dashboard's number: of a region, by status, mode, stars, plan.
    pub async fn dashboard_compounds(
        &self,
        actor: &Actor,
        region_id: i64,
        filter: &DashboardFilter,
        page: PageRequest,
        lang: Lang,
    ) -> ServiceResult<DashboardList> {
        // A dashboard, list or export may be a moment old: a replica may answer it.
        self.on_replica(async move {
        let (r, kind, _, _) = self.region_for(actor, region_id).await?;
        let col = region_column(kind);
        let mut conds = vec![format!("c.{col} = {}", r.id)];
        let mut words = Vec::new();
        match filter.status.as_deref().unwrap_or("") {
            "three_no" => conds.push(format!("c.three_no = {}", self.truth())),
            "six_have" => conds.push(format!(
                "c.three_no <> {} AND c.six_have = {SIX}",
                self.truth()
            )),
            "in_progress" => conds.push(format!(
                "c.three_no <> {} AND c.six_have <> {SIX}",
                self.truth()
            )),
            "" => {}
            _ => {
                return Err(ServiceError::invalid(
                    "status",
                    linli_domain::Invalid::BadChoice,
                ));
            }
        }
        if let Some(s) = filter.status.as_deref().filter(|s| !s.is_empty()) {
            words.push(status_label(s, lang).to_string());
        }
        if let Some(m) = filter.mode.as_deref().filter(|s| !s.is_empty()) {
            let m = ManagementMode::parse_written(m)
                .map_err(|e| ServiceError::invalid("management_mode", e))?;
            conds.push(format!("c.management_mode = '{}'", m.as_str()));
            words.push(m.label(lang).to_string());
        }
        if let Some(s) = filter.stars {
            if !(0..=5).contains(&s) {
                return Err(ServiceError::invalid(
                    "stars",
                    linli_domain::Invalid::OutOfRange { min: 0, max: 5 },
                ));
            }
            conds.push(format!(
                "s.id IS NOT NULL AND (CASE WHEN s.vetoed = {} THEN 0 ELSE s.stars END) = {s}",
                self.truth()
            ));
            words.push(format!("{s}★"));
        }
        match filter.plan.as_deref().unwrap_or("") {
            "yes" => conds.push("p.id IS NOT NULL".into()),
            "no" => conds.push("p.id IS NULL".into()),
            "done" => conds.push("p.items_total > 0 AND p.items_done = p.items_total".into()),
            "" => {}
            _ => {
                return Err(ServiceError::invalid(
                    "plan",
                    linli_domain::Invalid::BadChoice,
                ));
            }
        }
        if let Some(p) = filter.plan.as_deref().filter(|s| !s.is_empty()) {
            words.push(
                match p {
                    "no" => lang.pick("无一小区一策", "without a plan"),
                    "done" => lang.pick("一小区一策已完成", "plan done"),
                    _ => lang.pick("有一小区一策", "with a plan"),
                }
                .to_string(),
            );
        }
        match filter.rated.as_deref().unwrap_or("") {
            "yes" => {
                conds.push("s.id IS NOT NULL".into());
                words.push(lang.pick("已评星", "rated").to_string());
            }
            "vetoed" => {
                conds.push(format!("s.vetoed = {}", self.truth()));
                words.push(lang.pick("一票否决", "vetoed").to_string());
            }
            "" => {}
            _ => {
                return Err(ServiceError::invalid(
                    "rated",
                    linli_domain::Invalid::BadChoice,
                ));
            }
        }
        let from = format!(
            "FROM compound c JOIN region r ON r.id = c.community_id LEFT JOIN star_rating s ON s.compound_id = c.id AND s.latest = {} LEFT JOIN compound_plan p ON p.compound_id = c.id WHERE {}",
            self.truth(),
            conds.join(" AND ")
        );
        let total = self
            .rows(&format!("SELECT COUNT(*) {from}"))
            .await?
            .first()
            .map_or(0, |row| int(row, 0));
        let rows = self
            .rows(&format!(
                "SELECT c.id, c.name, r.name, c.management_mode, {}, c.six_have, s.stars, {}, s.score_centi, p.items_total, p.items_done, p.id {from} ORDER BY c.id LIMIT {} OFFSET {}",
                flag("c.three_no"),
                flag("COALESCE(s.vetoed, FALSE)"),
                page.size(),
                page.offset()
            ))
            .await?;
        let items = rows
            .iter()
            .map(|row| {
                let six = i32::try_from(int(row, 5)).unwrap_or(0);
                let st = STATUSES[status_index(int(row, 4) == 1, six)];
                let rated = row
                    .try_get_by_index::<Option<i32>>(6)
                    .ok()
                    .flatten()
                    .or_else(|| {
                        row.try_get_by_index::<Option<i64>>(6)
                            .ok()
                            .flatten()
                            .and_then(|v| i32::try_from(v).ok())
                    });
                let has_plan = int(row, 11) > 0;
                DashboardCompound {
                    id: int(row, 0),
                    name: text(row, 1),
                    community: text(row, 2),
                    management_mode: mode_label(&text(row, 3), lang),
                    status: st.into(),
                    status_label: status_label(st, lang).into(),
                    six_have_count: linli_domain::registry::SixHave::from_mask(six).count(),
                    stars: rated.map(|s| if int(row, 7) == 1 { 0 } else { s }),
                    score: if rated.is_some() {
                        super::assessments::centi(int(row, 8))
                    } else {
                        String::new()
                    },
                    plan_progress: if has_plan {
                        format!("{}/{}", int(row, 10), int(row, 9))
                    } else {
                        String::new()
                    },
                }
            })
            .collect();
        Ok(DashboardList {
            region_id: r.id,
            region_name: r.name,
            filter_label: words.join(" · "),
            compounds: Paged::new(items, u64::try_from(total).unwrap_or(0), page),
        })
        })
        .await
    }
}
