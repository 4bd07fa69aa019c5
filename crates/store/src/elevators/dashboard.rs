//! The elevator dashboard of a community or a compound (issue 6 item 8): projects by stage,
//! the money by source — the government subsidy, what residents have paid, what they still
//! owe — per compound, the projects with money outstanding, and the running costs entered
//! month by month. Every figure carries the link to the list behind it.
//!
//! Read in a fixed number of queries whatever the number of projects (the projects with their
//! summaries and unit names, running costs grouped per month), on SQLite through the
//! synchronous reader. A project's paid and outstanding money is
//! kept in `elevator_project_summary` by every write to the project ([`crate::summary`]),
//! by the rule the project page uses ([`super::Ledger`]): per household of a fixed table
//! what its share exceeds its payments by; before the table is fixed, the amount due less
//! paid.

use super::yuan;
use crate::accounts::Actor;
use crate::error::{ServiceError, ServiceResult};
use crate::sync_read::Cells;
use crate::{Store, paths};
use linli_domain::authz::Action;
use linli_domain::elevator::ElevatorStage;
use linli_domain::place::NodeKind;
use sea_orm::DbErr;
use serde::Serialize;
use std::collections::BTreeMap;

/// Months of running costs the dashboard shows, up to the current one.
pub const DASHBOARD_MONTHS: u32 = 12;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StageCount {
    pub stage: linli_domain::elevator::ElevatorStage,
    pub projects: usize,
    /// The board at this stage's column.
    pub link: String,
}

/// The money of a set of projects by source, in fen (with `*_yuan`).
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct MoneyBySource {
    pub total_cost: i64,
    pub total_cost_yuan: String,
    /// Government subsidies, as computed from each project's preset.
    pub subsidy: i64,
    pub subsidy_yuan: String,
    /// Residents' payments so far (corrections subtracted).
    pub paid: i64,
    pub paid_yuan: String,
    /// What residents still owe.
    pub outstanding: i64,
    pub outstanding_yuan: String,
    pub households_owing: u32,
}

impl MoneyBySource {
    fn zero() -> MoneyBySource {
        let mut m = MoneyBySource::default();
        m.add(0, 0, 0, 0, 0);
        m
    }

    fn add(&mut self, cost: i64, subsidy: i64, paid: i64, outstanding: i64, owing: u32) {
        self.total_cost += cost;
        self.subsidy += subsidy;
        self.paid += paid;
        self.outstanding += outstanding;
        self.households_owing += owing;
        self.total_cost_yuan = yuan(self.total_cost);
        self.subsidy_yuan = yuan(self.subsidy);
        self.paid_yuan = yuan(self.paid);
        self.outstanding_yuan = yuan(self.outstanding);
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CompoundMoney {
    pub compound_id: i64,
    pub compound_name: String,
    pub projects: usize,
    pub money: MoneyBySource,
    /// This compound's dashboard.
    pub link: String,
}

/// A project with money still owed, and the reminders to print for it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OwingProject {
    pub project_id: i64,
    pub compound_name: String,
    pub unit_name: String,
    pub stage: ElevatorStage,
    pub households_owing: u32,
    pub outstanding: i64,
    pub outstanding_yuan: String,
    /// The project's share table, with who owes what.
    pub link: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MonthCost {
    pub month: String,
    pub amount: i64,
    pub amount_yuan: String,
    /// Projects with a cost entered that month.
    pub projects: usize,
}

/// The dashboard of a community (all its compounds) or of one compound.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DashboardView {
    /// A community or a compound.
    pub place_kind: NodeKind,
    pub place_id: i64,
    pub place_name: String,
    /// The board of the projects.
    pub board_link: String,
    pub projects: usize,
    pub stages: Vec<StageCount>,
    pub money: MoneyBySource,
    pub by_compound: Vec<CompoundMoney>,
    /// Largest debt first.
    pub owing: Vec<OwingProject>,
    /// The last twelve months, oldest first; months without costs are zero.
    pub running_costs: Vec<MonthCost>,
    pub running_costs_total: i64,
    pub running_costs_total_yuan: String,
}

/// `count` months up to and including `last` ("2026-11"), oldest first.
pub fn months_up_to(last: linli_domain::rating::Month, count: u32) -> Vec<String> {
    let index = last.year() * 12 + i32::from(last.month()) - 1;
    (0..count as i32)
        .rev()
        .map(|back| index - back)
        .map(|i| format!("{}-{:02}", i.div_euclid(12), i.rem_euclid(12) + 1))
        .collect()
}

/// A project as its dashboard counts it, with its kept money and its unit's name.
struct ProjectLine {
    id: i64,
    compound_id: i64,
    unit_name: String,
    stage: ElevatorStage,
    cost: i64,
    subsidy: i64,
    paid: i64,
    outstanding: i64,
    households_owing: u32,
}

fn project_line(c: &dyn Cells) -> Result<ProjectLine, DbErr> {
    let stage = c.text(3)?;
    Ok(ProjectLine {
        id: c.int(0)?,
        compound_id: c.int(1)?,
        unit_name: format!("{} {}", c.text(10)?, c.text(9)?),
        stage: ElevatorStage::parse(&stage)
            .map_err(|_| DbErr::Type(format!("elevator stage {stage}")))?,
        cost: c.opt_int(4)?.unwrap_or(0),
        subsidy: c.int(5)?,
        paid: c.opt_int(6)?.unwrap_or(0),
        outstanding: c.opt_int(7)?.unwrap_or(0),
        households_owing: u32::try_from(c.opt_int(8)?.unwrap_or(0)).unwrap_or(0),
    })
}

fn id_name(c: &dyn Cells) -> Result<(i64, String), DbErr> {
    Ok((c.int(0)?, c.text(1)?))
}

fn month_cost(c: &dyn Cells) -> Result<(String, i64, i64), DbErr> {
    Ok((c.text(0)?, c.int(1)?, c.int(2)?))
}

impl Store {
    /// The dashboard of a community: for those who see its registry (its workers and above).
    pub async fn community_elevator_dashboard(
        &self,
        actor: &Actor,
        community_id: i64,
    ) -> ServiceResult<DashboardView> {
        // A dashboard, list or export may be a moment old: a replica may answer it.
        self.on_replica(async move {
            let (path, community) = self.region_path(community_id).await?;
            if community.kind != NodeKind::Community {
                return Err(ServiceError::NotFound { entity: "region" });
            }
            actor.require(Action::ViewRegistry, &path)?;
            let compounds = self
                .fetch(
                    self.sql(
                        "SELECT id, name FROM compound WHERE community_id = $1 ORDER BY id",
                        vec![community_id.into()],
                    ),
                    id_name,
                )
                .await?;
            self.dashboard_of(
                NodeKind::Community,
                community_id,
                community.name,
                format!("/regions/{community_id}/elevators"),
                compounds,
            )
            .await
        })
        .await
    }

    /// The dashboard of one compound: for anyone who may see its public page.
    pub async fn compound_elevator_dashboard(
        &self,
        actor: &Actor,
        compound_id: i64,
    ) -> ServiceResult<DashboardView> {
        // A dashboard, list or export may be a moment old: a replica may answer it.
        self.on_replica(async move {
            let c = self.compound_row(compound_id).await?;
            actor.require(Action::ViewPublic, &paths::compound_path(&c))?;
            let name = c.name.clone();
            self.dashboard_of(
                NodeKind::Compound,
                compound_id,
                name,
                format!("/compounds/{compound_id}/elevators"),
                vec![(c.id, c.name)],
            )
            .await
        })
        .await
    }

    /// The dashboard of the projects of `compounds` (id and name, in order). Two reads
    /// whatever the number of projects: the projects with their kept money and unit names,
    /// and the running costs grouped by month.
    async fn dashboard_of(
        &self,
        kind: NodeKind,
        place_id: i64,
        place_name: String,
        board_link: String,
        compounds: Vec<(i64, String)>,
    ) -> ServiceResult<DashboardView> {
        let list = compounds
            .iter()
            .map(|(id, _)| id.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        let list = if list.is_empty() { "0".into() } else { list };
        // Each project's money as kept by its writes (`elevator_project_summary`).
        let projects = self
            .fetch(
                self.sql(
                    &format!(
                        "SELECT p.id, p.compound_id, p.unit_id, p.stage, p.total_cost, p.subsidy, \
                         s.paid, s.outstanding, s.households_owing, u.name, b.name \
                         FROM elevator_project p \
                         LEFT JOIN elevator_project_summary s ON s.project_id = p.id \
                         JOIN unit u ON u.id = p.unit_id JOIN building b ON b.id = u.building_id \
                         WHERE p.compound_id IN ({list}) ORDER BY p.compound_id, p.id"
                    ),
                    vec![],
                ),
                project_line,
            )
            .await?;
        let compound_names: BTreeMap<i64, &str> = compounds
            .iter()
            .map(|(id, name)| (*id, name.as_str()))
            .collect();

        let mut stage_counts: BTreeMap<ElevatorStage, usize> = BTreeMap::new();
        let mut money = MoneyBySource::zero();
        let mut by_compound: BTreeMap<i64, (usize, MoneyBySource)> = compounds
            .iter()
            .map(|(id, _)| (*id, (0, MoneyBySource::zero())))
            .collect();
        let mut owing = Vec::new();
        for p in &projects {
            *stage_counts.entry(p.stage).or_default() += 1;
            let (cost, subsidy, paid, outstanding, households_owing) =
                (p.cost, p.subsidy, p.paid, p.outstanding, p.households_owing);
            money.add(cost, subsidy, paid, outstanding, households_owing);
            if let Some((n, m)) = by_compound.get_mut(&p.compound_id) {
                *n += 1;
                m.add(cost, subsidy, paid, outstanding, households_owing);
            }
            if outstanding > 0 {
                owing.push(OwingProject {
                    project_id: p.id,
                    compound_name: compound_names
                        .get(&p.compound_id)
                        .map(|n| n.to_string())
                        .unwrap_or_default(),
                    unit_name: p.unit_name.clone(),
                    stage: p.stage,
                    households_owing,
                    outstanding,
                    outstanding_yuan: yuan(outstanding),
                    link: format!("/elevators/{}/shares", p.id),
                });
            }
        }
        owing.sort_by(|a, b| {
            b.outstanding
                .cmp(&a.outstanding)
                .then(a.project_id.cmp(&b.project_id))
        });

        let months = super::operation::month_of(self.now())
            .map(|m| months_up_to(m, DASHBOARD_MONTHS))
            .unwrap_or_default();
        let costs: BTreeMap<String, (i64, i64)> = match (months.first(), months.last()) {
            (Some(first), Some(last)) => self
                .fetch(
                    self.sql(
                        &format!(
                            "SELECT month, CAST(SUM(amount) AS BIGINT), CAST(COUNT(DISTINCT project_id) AS BIGINT) \
                             FROM elevator_operation_cost WHERE compound_id IN ({list}) \
                             AND month >= $1 AND month <= $2 GROUP BY month"
                        ),
                        vec![first.clone().into(), last.clone().into()],
                    ),
                    month_cost,
                )
                .await?
                .into_iter()
                .map(|(m, a, n)| (m, (a, n)))
                .collect(),
            _ => BTreeMap::new(),
        };
        let running_costs: Vec<MonthCost> = months
            .into_iter()
            .map(|m| {
                let (amount, n) = costs.get(&m).copied().unwrap_or((0, 0));
                MonthCost {
                    month: m,
                    amount,
                    amount_yuan: yuan(amount),
                    projects: usize::try_from(n).unwrap_or(0),
                }
            })
            .collect();
        let running_costs_total = running_costs.iter().map(|m| m.amount).sum();

        let stages = ElevatorStage::ALL
            .iter()
            .map(|s| StageCount {
                stage: *s,
                projects: stage_counts.get(s).copied().unwrap_or(0),
                link: format!("{board_link}#stage-{}", s.as_str()),
            })
            .collect();
        let by_compound = compounds
            .iter()
            .filter_map(|(id, name)| {
                let (n, m) = by_compound.remove(id)?;
                (n > 0).then(|| CompoundMoney {
                    compound_id: *id,
                    compound_name: name.clone(),
                    projects: n,
                    money: m,
                    link: format!("/compounds/{id}/elevators/dashboard"),
                })
            })
            .collect();
        Ok(DashboardView {
            place_kind: kind,
            place_id,
            place_name,
            board_link,
            projects: projects.len(),
            stages,
            money,
            by_compound,
            owing,
            running_costs,
            running_costs_total,
            running_costs_total_yuan: yuan(running_costs_total),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twelve_months_back_across_a_new_year() {
        let m = linli_domain::rating::Month::parse("2026-02").unwrap();
        let months = months_up_to(m, 4);
        assert_eq!(months, vec!["2025-11", "2025-12", "2026-01", "2026-02"]);
        assert_eq!(months_up_to(m, 12).len(), 12);
    }
}
