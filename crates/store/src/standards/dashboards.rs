//! Dashboards of a city, district, subdistrict or community: how its compounds are doing.
//!
//! Every figure is read from the region's kept rows ([`crate::summary`], kept by every write
//! in its own transaction), never recomputed over the tables behind them per request: the
//! counts by status, mode and child region, the star ratings, the plans' money and
//! renovation totals and the elevator projects by stage from `region_summary`; the progress
//! over the periods from `region_progress`; the standards met by aspect from `region_marks`
//! (the latest assessments' marks per standard); the grid (a digit per compound) from
//! `region_grid`. Only a small region's grid reads its compounds, for their names.
//! On SQLite every read goes through the synchronous reader. No person, household or name of
//! a resident is read. The one list behind the numbers ([`Store::dashboard_compounds`])
//! shows compounds, never people.
//!
//! The views carry facts (a status, a mode, a kind, a stage, a channel); the caller words
//! them in the reader's language.

use super::plans::region_column;
use crate::Store;
use crate::accounts::Actor;
use crate::error::{ServiceError, ServiceResult};
use crate::registry::PlaceRef;
use crate::summary::{SIX, truth};
use crate::sync_read::Cells;
use linli_domain::authz::Action;
use linli_domain::elevator::ElevatorStage;
use linli_domain::place::{NodeKind, Path};
use linli_domain::registry::ManagementMode;
use linli_domain::standards::{
    ByPlan, ByRating, Channel, Checklist, CompoundStatus, RenovationKind, suining_template,
};
use linli_domain::{Fen, FieldError, Invalid, PageRequest, Paged};
use sea_orm::DbErr;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Counts of compounds by status, in the order of [`CompoundStatus::ALL`]: `[three_no,
/// in_progress, six_have]`.
pub type StatusCounts = [i64; 3];

/// The compounds of a child region by status.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StatusRow {
    /// The child region's id.
    pub key: String,
    /// The child region's name.
    pub label: String,
    /// `[three_no, in_progress, six_have]`.
    #[schema(value_type = Vec<i64>)]
    pub counts: StatusCounts,
    pub total: i64,
}

/// The compounds of a management mode by status (worded by the caller).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ModeRow {
    /// The mode.
    pub key: ManagementMode,
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

/// A renovation kind's quantities in the region's plans (worded by the caller).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RenovationRow {
    pub kind: RenovationKind,
    pub quantity: i64,
    pub done_quantity: i64,
    pub compounds: i64,
}

/// A funding channel's budget in the region's plans (worded by the caller).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChannelMoney {
    pub channel: Channel,
    pub amount: i64,
    pub yuan: String,
}

/// The region's elevator projects at one stage (worded by the caller).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = RegionStageCount)]
pub struct StageCount {
    pub stage: ElevatorStage,
    pub projects: i64,
}

/// A compound of a small region's grid, named on its square.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GridCompound {
    pub id: i64,
    pub name: String,
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
    pub by_mode: Vec<ModeRow>,
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
    pub money: Vec<ChannelMoney>,
    pub money_total: i64,
    pub elevators: Vec<StageCount>,
    /// The grid's squares, one digit per compound in the order of their ids: its status as
    /// an index into [`CompoundStatus::ALL`] (`0` three-no, `1` in progress, `2` six-have).
    /// At most [`GRID_MAX`].
    pub grid: String,
    /// The compounds of the grid in the same order, when there are at most
    /// [`GRID_NAMED_MAX`] (each square then carries its name); empty for a larger region,
    /// whose squares are drawn by status alone.
    pub grid_compounds: Vec<GridCompound>,
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

/// Up to this many squares each carry the compound's name (shown on hover); above it the
/// squares are drawn by status alone and no name is read.
pub const GRID_NAMED_MAX: usize = 300;

/// Filters of the list behind a dashboard's numbers, as written in the query.
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

/// The filters of a list, parsed: what the caller words above the list.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub status: Option<CompoundStatus>,
    pub mode: Option<ManagementMode>,
    pub stars: Option<i32>,
    pub plan: Option<ByPlan>,
    pub rated: Option<ByRating>,
}

impl DashboardFilter {
    /// The filters parsed, every bad one named.
    fn parse(&self) -> ServiceResult<ListFilter> {
        fn given(v: &Option<String>) -> Option<&str> {
            v.as_deref().filter(|s| !s.is_empty())
        }
        fn field<T>(
            errors: &mut Vec<FieldError>,
            name: &'static str,
            r: Result<T, Invalid>,
        ) -> Option<T> {
            r.map_err(|e| errors.push(FieldError::new(name, e))).ok()
        }
        let choice = |_| Invalid::BadChoice;
        let mut errors = Vec::new();
        let e = &mut errors;
        let status = given(&self.status)
            .and_then(|s| field(e, "status", CompoundStatus::parse(s).map_err(choice)));
        let mode = given(&self.mode)
            .and_then(|m| field(e, "management_mode", ManagementMode::parse_written(m)));
        let stars = self.stars.and_then(|s| {
            let range = Invalid::OutOfRange { min: 0, max: 5 };
            field(
                e,
                "stars",
                Some(s).filter(|s| (0..=5).contains(s)).ok_or(range),
            )
        });
        let plan =
            given(&self.plan).and_then(|p| field(e, "plan", ByPlan::parse(p).map_err(choice)));
        let rated =
            given(&self.rated).and_then(|r| field(e, "rated", ByRating::parse(r).map_err(choice)));
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        Ok(ListFilter {
            status,
            mode,
            stars,
            plan,
            rated,
        })
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DashboardCompound {
    pub id: i64,
    pub name: String,
    pub community: String,
    /// The compound's management mode (the JSON carries its words).
    #[serde(skip)]
    pub mode: ManagementMode,
    pub status: CompoundStatus,
    pub six_have_count: u32,
    pub stars: Option<i32>,
    pub score: String,
    pub plan_progress: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DashboardList {
    pub region_id: i64,
    pub region_name: String,
    /// The filters applied (the JSON carries them in words).
    #[serde(skip)]
    pub filter: ListFilter,
    #[schema(value_type = Object)]
    pub compounds: Paged<DashboardCompound>,
}

/// A region as a dashboard sees it: what it is, and the places from its city down to it.
struct RegionAt {
    id: i64,
    kind: NodeKind,
    name: String,
    places: Vec<PlaceRef>,
    city_id: i64,
}

/// A summary's status column (0 three-no, 1 in progress, 2 six-have) as an index.
fn status_index(v: i64) -> usize {
    usize::try_from(v).unwrap_or(1).min(2)
}

/// The region's compounds of one child region and status.
fn child_row(c: &dyn Cells) -> Result<(i64, usize, i64), DbErr> {
    Ok((c.int(0)?, status_index(c.int(1)?), c.int(2)?))
}

/// The region's compounds of one management mode and status.
fn mode_row(c: &dyn Cells) -> Result<(String, usize, i64), DbErr> {
    Ok((c.text(0)?, status_index(c.int(1)?), c.int(2)?))
}

/// The region's rated compounds of one star level: stars, vetoed (1 or 0), compounds,
/// reward.
fn star_row(c: &dyn Cells) -> Result<[i64; 4], DbErr> {
    Ok([c.int(0)?, c.int(1)?, c.int(2)?, c.int(3)?])
}

/// The region's [`SUMMED`] columns added up, in their order.
fn sums_row(c: &dyn Cells) -> Result<Vec<i64>, DbErr> {
    (0..SUMMED.len()).map(|i| c.int(i)).collect()
}

fn id_name(c: &dyn Cells) -> Result<(i64, String), DbErr> {
    Ok((c.int(0)?, c.text(1)?))
}

fn period_row(c: &dyn Cells) -> Result<PeriodRow, DbErr> {
    Ok(PeriodRow {
        period: c.text(0)?,
        assessed: c.int(1)?,
        three_no: c.int(2)?,
        six_have: c.int(3)?,
    })
}

/// A standard's position (1 the first) and its marks: met, partly, not met.
fn marks_row(c: &dyn Cells) -> Result<(i64, [i64; 3]), DbErr> {
    Ok((c.int(0)?, [c.int(1)?, c.int(2)?, c.int(3)?]))
}

fn grid_compound(c: &dyn Cells) -> Result<GridCompound, DbErr> {
    Ok(GridCompound {
        id: c.int(0)?,
        name: c.text(1)?,
    })
}

fn opt_text_cell(c: &dyn Cells) -> Result<Option<String>, DbErr> {
    c.opt_text(0)
}

fn text_cell(c: &dyn Cells) -> Result<String, DbErr> {
    c.text(0)
}

impl Store {
    /// The region and its path, checked: officials over it see its aggregates.
    async fn region_for(&self, actor: &Actor, region_id: i64) -> ServiceResult<RegionAt> {
        let chain = self.region_chain(region_id).await?;
        let mut nodes = Vec::with_capacity(chain.len());
        let mut places = Vec::with_capacity(chain.len());
        for r in chain {
            nodes.push(crate::paths::region_node(&r)?);
            places.push(PlaceRef {
                id: r.id,
                kind: r.kind,
                name: r.name.clone(),
            });
        }
        actor.require(Action::ViewRegistry, &Path::new(nodes))?;
        let (Some(first), Some(last)) = (places.first(), places.last()) else {
            return Err(ServiceError::NotFound { entity: "region" });
        };
        Ok(RegionAt {
            id: last.id,
            kind: last.kind,
            name: last.name.clone(),
            city_id: first.id,
            places,
        })
    }

    /// The checklist a city's assessments are marked against (the template until it saves
    /// its own).
    async fn checklist(&self, city_id: i64) -> ServiceResult<Checklist> {
        let sql = "SELECT checklist FROM standard_scheme WHERE city_id = $1";
        match self
            .fetch_one(self.sql(sql, vec![city_id.into()]), text_cell)
            .await?
        {
            Some(json) => serde_json::from_str(&json)
                .map_err(|e| super::internal(format!("scheme of city {city_id}: {e}"))),
            None => Ok(suining_template()),
        }
    }

    /// The dashboard of a region: compounds by mode and status, by child region, progress
    /// over the periods, standards met, star ratings, renovation totals, money by channel,
    /// elevator projects, and the grid of compounds. Aggregates only, each read from the
    /// region's kept rows ([`crate::summary`]): the region and those above it, its summary
    /// rows, its child regions, its progress, its marks, the checklist and the grid, indexed
    /// reads (on SQLite through the synchronous reader; on PostgreSQL two round trips).
    pub async fn dashboard(&self, actor: &Actor, region_id: i64) -> ServiceResult<DashboardView> {
        // A dashboard, list or export may be a moment old: a replica may answer it.
        self.on_replica(self.dashboard_of_region(actor, region_id))
            .await
    }

    async fn dashboard_of_region(
        &self,
        actor: &Actor,
        region_id: i64,
    ) -> ServiceResult<DashboardView> {
        let at = self.region_for(actor, region_id).await?;
        let id = at.id;
        let one = || vec![sea_orm::Value::from(id)];
        // Every figure kept per compound is added up for this region by child region, mode,
        // status and star rating when it last changes (a city's ~180 rows of 45 numbers); the
        // database adds those rows up again by what each chart draws, so that a few dozen
        // narrow rows come back instead (on PostgreSQL each value read in a batch is written
        // out as JSON and parsed again: 8 ms of a city's 15 ms statement when the rows came
        // back whole).
        let by_child_sql = "SELECT child_id, status, CAST(SUM(compounds) AS BIGINT) FROM region_summary WHERE region_id = $1 GROUP BY child_id, status ORDER BY child_id, status";
        let by_mode_sql = "SELECT management_mode, status, CAST(SUM(compounds) AS BIGINT) FROM region_summary WHERE region_id = $1 GROUP BY management_mode, status ORDER BY management_mode, status";
        // Star ratings: -1 is a compound never rated.
        let stars_sql = "SELECT stars, vetoed, CAST(SUM(compounds) AS BIGINT), CAST(SUM(reward) AS BIGINT) FROM region_summary WHERE region_id = $1 AND stars >= 0 GROUP BY stars, vetoed ORDER BY stars, vetoed";
        let sums_sql = format!(
            "SELECT {} FROM region_summary WHERE region_id = $1",
            SUMMED
                .iter()
                .map(|c| format!("CAST(COALESCE(SUM({c}), 0) AS BIGINT)"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        // In the order of the modes' codes, as the dashboards have always listed them.
        let mut by_mode: BTreeMap<&str, (ManagementMode, StatusCounts)> = ManagementMode::ALL
            .iter()
            .map(|m| (m.as_str(), (*m, [0; 3])))
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
        let child_kind = at.kind.child_region();
        let col = region_column(at.kind);
        // The grid is kept per region as one text of a digit per compound (`region_grid`,
        // see `summary`): one row, where reading the region's compounds one by one was half
        // of a city's statement on PostgreSQL (~1 ms of ~2 ms). One more digit than the
        // grid draws tells that it is cut.
        let grid_sql = format!(
            "SELECT SUBSTR(grid, 1, {}) FROM region_grid WHERE region_id = $1",
            GRID_MAX + 1
        );
        // The names only when each square shows one: the grid's length is the region's
        // number of compounds.
        let names_sql = format!(
            "SELECT id, name FROM compound WHERE {col} = $1 \
             AND (SELECT LENGTH(grid) FROM region_grid WHERE region_id = $1) <= {GRID_NAMED_MAX} \
             ORDER BY id"
        );
        // Its summary rows, child regions, progress, checklist, marks and grid: independent
        // reads, which share one round trip on PostgreSQL (`batch`).
        let (child_counts, mode_counts, star_rows, sums, child_rows, progress, checklist, marks_rows, grid, grid_compounds) = self
            .batched(async {
                tokio::try_join!(
                    self.fetch(self.sql(by_child_sql, one()), child_row),
                    self.fetch(self.sql(by_mode_sql, one()), mode_row),
                    self.fetch(self.sql(stars_sql, one()), star_row),
                    self.fetch_one(self.sql(&sums_sql, one()), sums_row),
                    async {
                        match child_kind {
                            Some(_) => {
                                self.fetch(
                                    self.sql(
                                        "SELECT id, name FROM region WHERE parent_id = $1 ORDER BY id",
                                        one(),
                                    ),
                                    id_name,
                                )
                                .await
                            }
                            None => Ok(Vec::new()),
                        }
                    },
                    self.fetch(
                        self.sql(
                            "SELECT period, assessed, three_no, six_have FROM region_progress WHERE region_id = $1 ORDER BY period",
                            one(),
                        ),
                        period_row,
                    ),
                    self.checklist(at.city_id),
                    // The marks of the latest assessments counted per standard, for every
                    // number of letters: only those made under the city's checklist (as many
                    // letters as it has standards) are kept below, and reading them all spares
                    // waiting for the checklist.
                    self.fetch(
                        self.sql(
                            "SELECT position, met, partly, not_met, standards FROM region_marks WHERE region_id = $1 ORDER BY standards, position",
                            one(),
                        ),
                        |c| Ok((c.int(4)?, marks_row(c)?)),
                    ),
                    self.fetch_one(self.sql(&grid_sql, one()), opt_text_cell),
                    self.fetch(self.sql(&names_sql, one()), grid_compound),
                )
            })
            .await?;
        for (child, s, n) in child_counts {
            status[s] += n;
            by_child.entry(child).or_insert([0; 3])[s] += n;
        }
        for (mode, s, n) in mode_counts {
            if let Some((_, counts)) = by_mode.get_mut(mode.as_str()) {
                counts[s] += n;
            }
        }
        for [star, veto, n, reward] in star_rows {
            rated += n;
            reward_total += reward;
            if veto == 1 {
                vetoed += n;
            } else if let Some(s) = usize::try_from(star).ok().and_then(|s| stars.get_mut(s)) {
                s.compounds += n;
                s.reward += reward;
            }
        }
        let total = sums.unwrap_or_default();
        let sum = |col: &str| {
            SUMMED
                .iter()
                .position(|c| *c == col)
                .and_then(|i| total.get(i))
                .copied()
                .unwrap_or(0)
        };
        let by_mode = by_mode
            .into_values()
            .map(|(key, counts)| ModeRow {
                key,
                total: counts.iter().sum(),
                counts,
            })
            .collect();
        let children = child_rows
            .into_iter()
            .map(|(child, name)| {
                let counts = by_child.get(&child).copied().unwrap_or([0; 3]);
                StatusRow {
                    key: child.to_string(),
                    label: name,
                    total: counts.iter().sum(),
                    counts,
                }
            })
            .collect();
        // Standards met by aspect.
        let aspect_of: Vec<usize> = checklist
            .standards
            .iter()
            .map(|s| {
                checklist
                    .aspects
                    .iter()
                    .position(|a| a.code == s.aspect)
                    .unwrap_or(0)
            })
            .collect();
        let mut marks = vec![[0i64; 3]; checklist.aspects.len()];
        let mut assessed = 0;
        let standards = i64::try_from(aspect_of.len()).unwrap_or(0);
        for (position, counts) in marks_rows
            .into_iter()
            .filter(|(n, _)| *n == standards)
            .map(|(_, m)| m)
        {
            if position == 1 {
                assessed = counts.iter().sum();
            }
            let aspect = usize::try_from(position - 1)
                .ok()
                .and_then(|i| aspect_of.get(i));
            if let Some(a) = aspect.and_then(|a| marks.get_mut(*a)) {
                for (m, n) in a.iter_mut().zip(counts) {
                    *m += n;
                }
            }
        }
        let aspects = checklist
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
                    kind: k,
                    quantity: of("quantity"),
                    done_quantity: of("done"),
                    compounds: of("plans"),
                }
            })
            .collect();
        let money: Vec<ChannelMoney> = Channel::ALL
            .into_iter()
            .map(|channel| {
                let amount = sum(&format!("budget_{}", channel.as_str()));
                ChannelMoney {
                    channel,
                    amount,
                    yuan: Fen(amount).to_string(),
                }
            })
            .collect();
        let elevators = ElevatorStage::ALL
            .into_iter()
            .map(|stage| StageCount {
                stage,
                projects: sum(&format!("elevator_{}", stage.as_str())),
            })
            .collect();
        let mut grid = grid.flatten().unwrap_or_default();
        let grid_truncated = grid.len() > GRID_MAX;
        grid.truncate(GRID_MAX);
        Ok(DashboardView {
            region_id: at.id,
            region_kind: at.kind,
            region_name: at.name,
            places: at.places,
            city_id: at.city_id,
            compounds: status.iter().sum(),
            status,
            by_mode,
            children,
            child_kind: child_kind.map(|k| k.as_str().to_string()),
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
            grid_compounds,
            grid_truncated,
        })
    }

    /// The compounds behind a dashboard's number: of a region, by status, mode, stars, plan.
    pub async fn dashboard_compounds(
        &self,
        actor: &Actor,
        region_id: i64,
        filter: &DashboardFilter,
        page: PageRequest,
    ) -> ServiceResult<DashboardList> {
        let filter = filter.parse()?;
        // A dashboard, list or export may be a moment old: a replica may answer it.
        self.on_replica(self.compounds_of_region(actor, region_id, filter, page))
            .await
    }

    async fn compounds_of_region(
        &self,
        actor: &Actor,
        region_id: i64,
        filter: ListFilter,
        page: PageRequest,
    ) -> ServiceResult<DashboardList> {
        let r = self.region_for(actor, region_id).await?;
        let col = region_column(r.kind);
        let t = truth(self.read().get_database_backend());
        let mut conds = vec![format!("c.{col} = {}", r.id)];
        match filter.status {
            Some(CompoundStatus::ThreeNo) => conds.push(format!("c.three_no = {t}")),
            Some(CompoundStatus::SixHave) => {
                conds.push(format!("c.three_no <> {t} AND c.six_have = {SIX}"))
            }
            Some(CompoundStatus::InProgress) => {
                conds.push(format!("c.three_no <> {t} AND c.six_have <> {SIX}"))
            }
            None => {}
        }
        if let Some(m) = filter.mode {
            conds.push(format!("c.management_mode = '{}'", m.as_str()));
        }
        if let Some(s) = filter.stars {
            conds.push(format!(
                "s.id IS NOT NULL AND (CASE WHEN s.vetoed = {t} THEN 0 ELSE s.stars END) = {s}"
            ));
        }
        match filter.plan {
            Some(ByPlan::Yes) => conds.push("p.id IS NOT NULL".into()),
            Some(ByPlan::No) => conds.push("p.id IS NULL".into()),
            Some(ByPlan::Done) => {
                conds.push("p.items_total > 0 AND p.items_done = p.items_total".into())
            }
            None => {}
        }
        match filter.rated {
            Some(ByRating::Yes) => conds.push("s.id IS NOT NULL".into()),
            Some(ByRating::Vetoed) => conds.push(format!("s.vetoed = {t}")),
            None => {}
        }
        let (stars, plan) = (
            format!("LEFT JOIN star_rating s ON s.compound_id = c.id AND s.latest = {t}"),
            "LEFT JOIN compound_plan p ON p.compound_id = c.id",
        );
        let from = format!(
            "FROM compound c JOIN region r ON r.id = c.community_id {stars} {plan} WHERE {}",
            conds.join(" AND ")
        );
        // The count joins only what the filter reads: every compound has its community and at
        // most one latest rating and one plan, so the other joins change no count, and without
        // them a district's count is read from the compound index alone (scale 10, 5,763
        // three-no compounds of 11,000: 8.6 → 1.4 ms).
        let by_stars = filter.stars.is_some() || filter.rated.is_some();
        let counted = format!(
            "FROM compound c {} {} WHERE {}",
            if by_stars { stars.as_str() } else { "" },
            if filter.plan.is_some() { plan } else { "" },
            conds.join(" AND ")
        );
        let total = self
            .fetch_one(
                self.sql(
                    &format!("SELECT CAST(COUNT(*) AS BIGINT) {counted}"),
                    vec![],
                ),
                |c| c.int(0),
            )
            .await?
            .unwrap_or(0);
        let items = self
            .fetch(
                self.sql(
                    &format!(
                        "SELECT c.id, c.name, r.name, c.management_mode, c.three_no, c.six_have, s.stars, CAST(CASE WHEN s.vetoed = {t} THEN 1 ELSE 0 END AS BIGINT), s.score_centi, p.items_total, p.items_done, p.id {from} ORDER BY c.id LIMIT {} OFFSET {}",
                        page.size(),
                        page.offset()
                    ),
                    vec![],
                ),
                list_row,
            )
            .await?;
        Ok(DashboardList {
            region_id: r.id,
            region_name: r.name,
            filter,
            compounds: Paged::new(items, u64::try_from(total).unwrap_or(0), page),
        })
    }
}

/// A compound of a dashboard's list: its row, its community's name, its latest rating and
/// its plan's items.
fn list_row(c: &dyn Cells) -> Result<DashboardCompound, DbErr> {
    let six = i32::try_from(c.int(5)?).unwrap_or(0);
    let mode = c.text(3)?;
    let rated = c.opt_int(6)?.and_then(|s| i32::try_from(s).ok());
    let vetoed = c.int(7)? == 1;
    Ok(DashboardCompound {
        id: c.int(0)?,
        name: c.text(1)?,
        community: c.text(2)?,
        mode: ManagementMode::parse(&mode)
            .map_err(|_| DbErr::Type(format!("management mode {mode}")))?,
        status: CompoundStatus::of(c.flag(4)?, six),
        six_have_count: linli_domain::registry::SixHave::from_mask(six).count(),
        stars: rated.map(|s| if vetoed { 0 } else { s }),
        score: if rated.is_some() {
            super::assessments::centi(c.opt_int(8)?.unwrap_or(0))
        } else {
            String::new()
        },
        plan_progress: match c.opt_int(11)? {
            Some(_) => format!(
                "{}/{}",
                c.opt_int(10)?.unwrap_or(0),
                c.opt_int(9)?.unwrap_or(0)
            ),
            None => String::new(),
        },
    })
}
