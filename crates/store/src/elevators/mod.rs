//! Elevator retrofit projects (加装电梯): one per unit, from the intention survey to
//! operation, decided by a unit proposal and paid for by the unit's households.
//!
//! The rules are the pure `linli_domain::elevator`; this module keeps the rows and the gates.
//! A project's stage moves only through `ElevatorStage::next`, fed with [`Facts`] gathered
//! here (documents on file, the linked proposal's stage, days of notice, money owed), and
//! the board shows the blockers computed from the same facts. The share table is computed
//! from the registry's households of the unit until it is fixed; fixing stores one row per
//! household, and from then on cost, subsidy and coefficients no longer change. Shares and
//! payments are keyed by household, not person: whoever owns the flat now sees its bill.
//! Payments lock the project row first, so two collectors cannot together take more than
//! a household owes, in one process or two.

pub mod dashboard;
pub mod operation;
mod paperwork;
mod payments;
mod plan;
mod reminders;
mod shares;

pub use dashboard::*;
pub use operation::*;
pub use paperwork::*;
pub use payments::*;
pub use plan::*;
pub use reminders::*;
pub use shares::*;

use crate::accounts::Actor;
use crate::entity::{
    compound, elevator_document, elevator_payment, elevator_project, elevator_share,
    elevator_stage_log, fund_account, objection, proposal,
};
use crate::error::{ServiceError, ServiceResult};
use crate::{Store, paths};
use linli_domain::Fen;
use linli_domain::authz::Action;
use linli_domain::elevator::{Blocker, CoefficientTable, ElevatorStage, Facts, ShareMode};
use linli_domain::place::Path;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, UpdateMany,
};
use serde::Serialize;
use std::collections::BTreeMap;

/// A floor's coefficient as shown and typed: floor 3, "10.00" (percent) or "1/6" (a fraction).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CoefficientRow {
    pub floor: i32,
    /// Basis points, when the coefficient is a whole number of them (absent for 1/6).
    pub bp: Option<i64>,
    /// As it is typed back into the plan form: percent with two decimals ("10.00"), or the
    /// exact fraction of the whole ("1/6").
    pub percent: String,
    /// As shown: "10.00%" or "1/6".
    pub text: String,
    /// The exact coefficient as a fraction of the whole.
    pub num: i64,
    pub den: i64,
}

/// One stage of a project as its page lists it: when it was entered, if it was.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StageRow {
    pub stage: linli_domain::elevator::ElevatorStage,
    /// The China date the project last entered this stage.
    pub entered_on: Option<String>,
    pub current: bool,
    pub done: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DocumentView {
    pub id: i64,
    pub kind: linli_domain::elevator::DocKind,
    pub title: String,
    pub attachment_id: i64,
    pub uploaded_on: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StageLogView {
    /// None for the project's first stage.
    pub from: Option<ElevatorStage>,
    pub to: ElevatorStage,
    pub note: String,
    pub by_name: String,
    pub on: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProposalLink {
    pub id: i64,
    pub title: String,
    pub stage: linli_domain::decision::ProposalStage,
    /// Objections raised on the proposal (light, noise, cost, …) still unresolved; they are
    /// answered on the proposal's page.
    pub unresolved_objections: u32,
}

/// What the actor may do with the project, so pages show only buttons that work.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct ProjectPermissions {
    pub manage: bool,
    pub record_payment: bool,
}

/// A project as its page and the API show it. Money is in fen, with `*_yuan` for display.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProjectView {
    pub id: i64,
    pub compound_id: i64,
    pub compound_name: String,
    pub building_id: i64,
    pub unit_id: i64,
    /// "3号楼 1单元".
    pub unit_name: String,
    pub stage: linli_domain::elevator::ElevatorStage,
    pub stage_since: String,
    pub stages: Vec<StageRow>,
    /// What keeps the project from the next stage. The API sends them in words, as a list of
    /// texts.
    #[serde(skip)]
    pub blockers: Vec<Blocker>,
    pub proposal: Option<ProposalLink>,
    pub responsible: String,
    pub installer: String,
    pub total_cost: Option<i64>,
    pub total_cost_yuan: String,
    pub pipelines_cost: i64,
    pub pipelines_cost_yuan: String,
    pub subsidy_preset: linli_domain::elevator::SubsidyPreset,
    pub subsidy_custom: i64,
    pub subsidy_custom_yuan: String,
    pub subsidy: i64,
    pub subsidy_yuan: String,
    /// Total cost less the subsidy: what the households share.
    pub amount_due: i64,
    pub amount_due_yuan: String,
    pub coefficients: Vec<CoefficientRow>,
    /// `floors` (by the floor coefficients, equally within a floor) or `equal_per_flat`.
    pub share_mode: linli_domain::elevator::ShareMode,
    pub notice_days: i32,
    pub shares_fixed: bool,
    pub paid: i64,
    pub paid_yuan: String,
    pub outstanding: i64,
    pub outstanding_yuan: String,
    pub documents: Vec<DocumentView>,
    pub history: Vec<StageLogView>,
    pub version: i32,
    pub can: ProjectPermissions,
    /// The project's fund account (opened with the first payment), with its statements.
    pub account_id: Option<i64>,
    /// What the printed bills say about paying: by when, where, how, whom to ask.
    pub paperwork: Paperwork,
}

/// A project row with its compound, stage, table and the path of its unit.
pub(crate) struct Loaded {
    pub row: elevator_project::Model,
    pub compound: compound::Model,
    pub path: Path,
    pub stage: ElevatorStage,
    pub table: CoefficientTable,
    pub mode: ShareMode,
    pub unit_name: String,
}

impl Loaded {
    pub fn amount_due(&self) -> Fen {
        amount_due(&self.row)
    }

    pub fn shares_fixed(&self) -> bool {
        self.row.shares_fixed_at.is_some()
    }
}

/// The total cost less the subsidy: what a project's households share.
pub(crate) fn amount_due(row: &elevator_project::Model) -> Fen {
    Fen((row.total_cost.unwrap_or(0) - row.subsidy).max(0))
}

pub(crate) fn internal(msg: String) -> ServiceError {
    ServiceError::Internal(anyhow::anyhow!(msg))
}

pub(crate) use crate::audit::to_json;

/// Takes the project row's lock (an update of the row to itself): payments and running costs
/// of one project are written one at a time, in one process or several.
pub(crate) async fn lock_project<C: ConnectionTrait>(txn: &C, id: i64) -> ServiceResult<()> {
    elevator_project::Entity::update_many()
        .col_expr(
            elevator_project::Column::StageSince,
            Expr::col(elevator_project::Column::StageSince),
        )
        .filter(elevator_project::Column::Id.eq(id))
        .exec(txn)
        .await?;
    Ok(())
}

/// Runs an update of a project row at `version`, bumping it; a row at another version (or
/// not matching `update`'s own filters) is a stale edit.
pub(crate) async fn update_versioned<C: ConnectionTrait>(
    txn: &C,
    p: &Loaded,
    version: i32,
    update: UpdateMany<elevator_project::Entity>,
) -> ServiceResult<()> {
    let res = update
        .col_expr(elevator_project::Column::Version, Expr::value(version + 1))
        .filter(elevator_project::Column::Id.eq(p.row.id))
        .filter(elevator_project::Column::Version.eq(version))
        .exec(txn)
        .await?;
    if res.rows_affected == 0 {
        Err(ServiceError::Stale {
            current: p.row.version,
        })
    } else {
        Ok(())
    }
}

pub(crate) use crate::china_date;

/// An amount of yuan as typed that must be above zero; the error goes to `errors`.
pub(crate) fn positive_yuan(
    field: &'static str,
    input: &str,
    errors: &mut Vec<linli_domain::FieldError>,
) -> Option<Fen> {
    match linli_domain::elevator::parse_yuan(input) {
        Ok(Fen(0)) => {
            errors.push(linli_domain::FieldError::new(
                field,
                linli_domain::Invalid::NotPositive,
            ));
            None
        }
        Ok(a) => Some(a),
        Err(e) => {
            errors.push(linli_domain::FieldError::new(field, e));
            None
        }
    }
}

pub(crate) fn yuan(fen: i64) -> String {
    Fen(fen).to_string()
}

/// Paid and still owed per household of a fixed table.
pub(crate) struct Ledger {
    pub paid: BTreeMap<i64, i64>,
}

impl Ledger {
    /// Each household's payments added up (corrections are negative payments).
    pub fn of(payments: &[elevator_payment::Model]) -> Ledger {
        let mut paid = BTreeMap::new();
        for p in payments {
            *paid.entry(p.household_id).or_insert(0) += p.amount;
        }
        Ledger { paid }
    }

    pub fn paid_by(&self, household_id: i64) -> i64 {
        self.paid.get(&household_id).copied().unwrap_or(0)
    }

    /// (total outstanding, households owing) against the shares.
    pub fn outstanding(&self, shares: &[elevator_share::Model]) -> (i64, u32) {
        shares
            .iter()
            .map(|s| (s.amount - self.paid_by(s.household_id)).max(0))
            .fold((0, 0), |(sum, n), o| (sum + o, n + u32::from(o > 0)))
    }
}

impl Store {
    pub(crate) async fn load_project(&self, id: i64) -> ServiceResult<Loaded> {
        let row = elevator_project::Entity::find_by_id(id)
            .one(self.read())
            .await?
            .ok_or(ServiceError::NotFound {
                entity: "elevator_project",
            })?;
        let compound = self.compound_row(row.compound_id).await?;
        let stage = row.stage;
        let table: CoefficientTable = serde_json::from_str(&row.coefficients)
            .map_err(|e| internal(format!("project {id} coefficients: {e}")))?;
        let mode = row.share_mode;
        let path = paths::unit_path(&compound, row.building_id, row.unit_id);
        let names = crate::registry::unit_names(self.read(), compound.id).await?;
        let unit_name = names.get(&row.unit_id).cloned().unwrap_or_default();
        Ok(Loaded {
            row,
            compound,
            path,
            stage,
            table,
            mode,
            unit_name,
        })
    }

    pub(crate) async fn project_shares<C: ConnectionTrait>(
        db: &C,
        project_id: i64,
    ) -> ServiceResult<Vec<elevator_share::Model>> {
        Ok(elevator_share::Entity::find()
            .filter(elevator_share::Column::ProjectId.eq(project_id))
            .order_by_asc(elevator_share::Column::Floor)
            .order_by_asc(elevator_share::Column::HouseholdId)
            .all(db)
            .await?)
    }

    pub(crate) async fn ledger<C: ConnectionTrait>(
        db: &C,
        project_id: i64,
    ) -> ServiceResult<Ledger> {
        let payments = elevator_payment::Entity::find()
            .filter(elevator_payment::Column::ProjectId.eq(project_id))
            .all(db)
            .await?;
        Ok(Ledger::of(&payments))
    }

    /// What the stage rules need to know about a project.
    pub(crate) async fn facts<C: ConnectionTrait>(
        db: &C,
        p: &Loaded,
        now: i64,
    ) -> ServiceResult<Facts> {
        let documents = elevator_document::Entity::find()
            .filter(elevator_document::Column::ProjectId.eq(p.row.id))
            .all(db)
            .await?
            .iter()
            .map(|d| d.kind)
            .collect();
        let proposal = match p.row.proposal_id {
            Some(pid) => proposal::Entity::find_by_id(pid)
                .one(db)
                .await?
                .map(|r| r.stage),
            None => None,
        };
        let unresolved = match p.row.proposal_id {
            Some(pid) => {
                objection::Entity::find()
                    .filter(objection::Column::ProposalId.eq(pid))
                    .filter(objection::Column::Resolved.eq(false))
                    .count(db)
                    .await?
            }
            None => 0,
        };
        let shares = Store::project_shares(db, p.row.id).await?;
        let (outstanding, households_owing) =
            Store::ledger(db, p.row.id).await?.outstanding(&shares);
        Ok(Facts {
            has_responsible: !p.row.responsible.trim().is_empty(),
            has_installer: !p.row.installer.trim().is_empty(),
            total_cost: p.row.total_cost.map(Fen),
            documents,
            proposal,
            notice_days: i64::from(p.row.notice_days),
            notice_elapsed_days: (now - p.row.stage_since).max(0) / 86_400,
            unresolved_objections: u32::try_from(unresolved).unwrap_or(u32::MAX),
            shares_fixed: p.shares_fixed(),
            outstanding: Fen(outstanding),
            households_owing,
        })
    }

    /// A project as its page shows it: anyone who may see its compound's public page.
    pub async fn elevator_project(&self, actor: &Actor, id: i64) -> ServiceResult<ProjectView> {
        let p = self.load_project(id).await?;
        require_view(actor, &p)?;
        self.project_view(&p, actor).await
    }

    pub(crate) async fn project_view(
        &self,
        p: &Loaded,
        actor: &Actor,
    ) -> ServiceResult<ProjectView> {
        let db = self.read();
        let facts = Store::facts(db, p, self.now()).await?;
        let r = &p.row;
        let log = elevator_stage_log::Entity::find()
            .filter(elevator_stage_log::Column::ProjectId.eq(r.id))
            .order_by_asc(elevator_stage_log::Column::Id)
            .all(db)
            .await?;
        let mut entered: BTreeMap<ElevatorStage, i64> = BTreeMap::new();
        for l in &log {
            entered.insert(l.to_stage, l.at);
        }
        let stages = ElevatorStage::ALL
            .iter()
            .map(|s| StageRow {
                stage: *s,
                entered_on: entered.get(s).map(|at| china_date(*at)),
                current: *s == p.stage,
                done: *s < p.stage,
            })
            .collect();
        let documents = elevator_document::Entity::find()
            .filter(elevator_document::Column::ProjectId.eq(r.id))
            .order_by_asc(elevator_document::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(|d| DocumentView {
                id: d.id,
                kind: d.kind,
                title: d.title,
                attachment_id: d.attachment_id,
                uploaded_on: china_date(d.created_at),
            })
            .collect();
        let proposal = match r.proposal_id {
            Some(pid) => proposal::Entity::find_by_id(pid)
                .one(db)
                .await?
                .map(|x| ProposalLink {
                    id: x.id,
                    stage: x.stage,
                    title: x.title,
                    unresolved_objections: facts.unresolved_objections,
                }),
            None => None,
        };
        let paid: i64 = Store::ledger(db, r.id).await?.paid.values().sum();
        let due = p.amount_due().0;
        let outstanding = if p.shares_fixed() {
            facts.outstanding.0
        } else {
            (due - paid).max(0)
        };
        Ok(ProjectView {
            id: r.id,
            compound_id: r.compound_id,
            compound_name: p.compound.name.clone(),
            building_id: r.building_id,
            unit_id: r.unit_id,
            unit_name: p.unit_name.clone(),
            stage: r.stage,
            stage_since: china_date(r.stage_since),
            stages,
            blockers: p.stage.blockers(&facts),
            proposal,
            responsible: r.responsible.clone(),
            installer: r.installer.clone(),
            total_cost: r.total_cost,
            total_cost_yuan: r.total_cost.map(yuan).unwrap_or_default(),
            pipelines_cost: r.pipelines_cost,
            pipelines_cost_yuan: yuan(r.pipelines_cost),
            subsidy_preset: r.subsidy_preset,
            subsidy_custom: r.subsidy_custom,
            subsidy_custom_yuan: yuan(r.subsidy_custom),
            subsidy: r.subsidy,
            subsidy_yuan: yuan(r.subsidy),
            amount_due: due,
            amount_due_yuan: yuan(due),
            coefficients: coefficient_rows(&p.table),
            share_mode: p.mode,
            notice_days: r.notice_days,
            shares_fixed: p.shares_fixed(),
            paid,
            paid_yuan: yuan(paid),
            outstanding,
            outstanding_yuan: yuan(outstanding),
            documents,
            history: log
                .iter()
                .map(|l| StageLogView {
                    from: l.from_stage,
                    to: l.to_stage,
                    note: l.note.clone(),
                    by_name: l.by_name.clone(),
                    on: china_date(l.at),
                })
                .collect(),
            version: r.version,
            can: ProjectPermissions {
                manage: actor.can(Action::ManageProject, &p.path),
                record_payment: actor.can(Action::RecordPayment, &p.path),
            },
            account_id: fund_account::Entity::find()
                .filter(fund_account::Column::ProjectId.eq(r.id))
                .select_only()
                .column(fund_account::Column::Id)
                .into_tuple()
                .one(self.read())
                .await?,
            paperwork: Paperwork::of(r),
        })
    }
}

pub(crate) fn coefficient_rows(t: &CoefficientTable) -> Vec<CoefficientRow> {
    t.rows()
        .map(|(floor, c)| CoefficientRow {
            floor,
            bp: c.as_bp(),
            percent: c
                .as_bp()
                .map(|bp| Fen(bp).to_string())
                .unwrap_or_else(|| format!("{}/{}", c.num(), c.den())),
            text: c.to_string(),
            num: c.num(),
            den: c.den(),
        })
        .collect()
}

/// Reading a project: anyone who may see the compound's public page or holds a role in the unit.
pub(crate) fn require_view(actor: &Actor, p: &Loaded) -> ServiceResult<()> {
    if actor.can(Action::ViewPublic, &paths::compound_path(&p.compound))
        || actor.can(Action::ViewPublic, &p.path)
    {
        Ok(())
    } else {
        Err(ServiceError::Forbidden)
    }
}
