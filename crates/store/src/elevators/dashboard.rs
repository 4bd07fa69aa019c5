//! The elevator dashboard of a community or a compound (issue 6 item 8): projects by stage,
//! the money by source — the government subsidy, what residents have paid, what they still
//! owe — per compound, the projects with money outstanding, and the running costs entered
//! month by month. Every figure carries the link to the list behind it.
//!
//! Read in a fixed number of queries whatever the number of projects (projects, their
//! summaries, running costs grouped per month). A project's paid and outstanding money is
//! kept in `elevator_project_summary` by every write to the project ([`crate::summary`]),
//! by the rule the project page uses ([`super::Ledger`]): per household of a fixed table
//! what its share exceeds its payments by; before the table is fixed, the amount due less
//! paid.

use super::yuan;
use crate::accounts::Actor;
use crate::entity::{compound, elevator_operation_cost, elevator_project};
use crate::error::{ServiceError, ServiceResult};
use crate::{Store, paths};
use linli_domain::authz::Action;
use linli_domain::elevator::ElevatorStage;
use linli_domain::place::NodeKind;
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Statement,
};
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
    /// `community` or `compound`.
    pub place_kind: String,
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
            let compounds = compound::Entity::find()
                .filter(compound::Column::CommunityId.eq(community_id))
                .order_by_asc(compound::Column::Id)
                .all(self.read())
                .await?;
            self.dashboard_of(
                "community",
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
                "compound",
                compound_id,
                name,
                format!("/compounds/{compound_id}/elevators"),
                vec![c],
            )
            .await
        })
        .await
    }

    async fn dashboard_of(
        &self,
        kind: &str,
        place_id: i64,
        place_name: String,
        board_link: String,
        compounds: Vec<compound::Model>,
    ) -> ServiceResult<DashboardView> {
        let db = self.read();
        let ids: Vec<i64> = compounds.iter().map(|c| c.id).collect();
        let projects = elevator_project::Entity::find()
            .filter(elevator_project::Column::CompoundId.is_in(ids.clone()))
            .order_by_asc(elevator_project::Column::CompoundId)
            .order_by_asc(elevator_project::Column::Id)
            .all(db)
            .await?;
        // Each project's money as kept by its writes (`elevator_project_summary`).
        let mut sums: BTreeMap<i64, (i64, i64, u32)> = BTreeMap::new();
        if !projects.is_empty() {
            let list: Vec<String> = ids.iter().map(i64::to_string).collect();
            let sql = format!(
                "SELECT project_id, paid, outstanding, households_owing FROM elevator_project_summary WHERE compound_id IN ({})",
                list.join(", ")
            );
            for row in db
                .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
                .await?
            {
                let get = |i: usize| row.try_get_by_index::<i64>(i).unwrap_or(0);
                sums.insert(get(0), (get(1), get(2), u32::try_from(get(3)).unwrap_or(0)));
            }
        }
        let mut unit_names: BTreeMap<i64, String> = BTreeMap::new();
        for c in &compounds {
            if projects.iter().any(|p| p.compound_id == c.id) {
                unit_names.extend(crate::registry::unit_names(db, c.id).await?);
            }
        }
        let compound_names: BTreeMap<i64, String> =
            compounds.iter().map(|c| (c.id, c.name.clone())).collect();

        let mut stage_counts: BTreeMap<ElevatorStage, usize> = BTreeMap::new();
        let mut money = MoneyBySource::zero();
        let mut by_compound: BTreeMap<i64, (usize, MoneyBySource)> = compounds
            .iter()
            .map(|c| (c.id, (0, MoneyBySource::zero())))
            .collect();
        let mut owing = Vec::new();
        for p in &projects {
            *stage_counts.entry(p.stage).or_default() += 1;
            let (paid, outstanding, households_owing) =
                sums.get(&p.id).copied().unwrap_or_default();
            let cost = p.total_cost.unwrap_or(0);
            money.add(cost, p.subsidy, paid, outstanding, households_owing);
            if let Some((n, m)) = by_compound.get_mut(&p.compound_id) {
                *n += 1;
                m.add(cost, p.subsidy, paid, outstanding, households_owing);
            }
            if outstanding > 0 {
                owing.push(OwingProject {
                    project_id: p.id,
                    compound_name: compound_names
                        .get(&p.compound_id)
                        .cloned()
                        .unwrap_or_default(),
                    unit_name: unit_names.get(&p.unit_id).cloned().unwrap_or_default(),
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
        let cost_rows: Vec<(String, i64, i64)> = elevator_operation_cost::Entity::find()
            .select_only()
            .column(elevator_operation_cost::Column::Month)
            .column_as(
                Func::sum(Expr::col(elevator_operation_cost::Column::Amount)).cast_as("BIGINT"),
                "amount",
            )
            .column_as(
                Expr::col(elevator_operation_cost::Column::ProjectId)
                    .count_distinct()
                    .cast_as("BIGINT"),
                "projects",
            )
            .filter(elevator_operation_cost::Column::CompoundId.is_in(ids))
            .filter(elevator_operation_cost::Column::Month.is_in(months.clone()))
            .group_by(elevator_operation_cost::Column::Month)
            .into_tuple()
            .all(db)
            .await?;
        let costs: BTreeMap<String, (i64, i64)> =
            cost_rows.into_iter().map(|(m, a, n)| (m, (a, n))).collect();
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
            .filter_map(|c| {
                let (n, m) = by_compound.remove(&c.id)?;
                (n > 0).then(|| CompoundMoney {
                    compound_id: c.id,
                    compound_name: c.name.clone(),
                    projects: n,
                    money: m,
                    link: format!("/compounds/{}/elevators/dashboard", c.id),
                })
            })
            .collect();
        Ok(DashboardView {
            place_kind: kind.into(),
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
