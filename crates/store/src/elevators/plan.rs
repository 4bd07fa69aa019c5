//! Starting a project, its plan (cost, subsidy, coefficients, people), the proposal that
//! decides it, its documents and its steps from stage to stage; and the board of every
//! project of a compound or a community by stage.

use super::{ProjectView, china_date, internal, to_json, update_versioned};
use crate::accounts::Actor;
use crate::audit::Change;
use crate::entity::{
    building, elevator_document, elevator_project, elevator_stage_log, household, proposal, unit,
};
use crate::error::{ServiceError, ServiceResult};
use crate::files::Purpose;
use crate::{Store, paths};
use linli_domain::authz::Action;
use linli_domain::elevator::{
    Coefficient, CoefficientTable, DocKind, ElevatorStage, ShareMode, StageStep, SubsidyPreset,
    parse_yuan,
};
use linli_domain::place::NodeKind;
use linli_domain::registry::Text;
use linli_domain::{Fen, FieldError, Invalid, Lang};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};

/// The default notice period, in days (DOMAIN §6.2).
pub const NOTICE_DAYS: i32 = 15;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ProjectInput {
    pub unit_id: i64,
    /// The proposal that decides it (a unit proposal of the same unit), if there is one yet.
    #[serde(default)]
    pub proposal_id: Option<i64>,
    #[serde(default)]
    pub responsible: String,
    #[serde(default)]
    pub installer: String,
}

/// A floor's coefficient as typed: a percentage ("10", "10%", "12.5") or an exact fraction of
/// the whole ("1/6").
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CoefficientInput {
    pub floor: i32,
    pub percent: String,
}

/// The plan of a project. Amounts in yuan as typed ("458000", "458,000.00").
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PlanInput {
    pub version: i32,
    #[serde(default)]
    pub responsible: String,
    #[serde(default)]
    pub installer: String,
    pub total_cost: String,
    #[serde(default)]
    pub pipelines_cost: String,
    /// `shanghai`, `hangzhou`, `wuhan`, `wuxi`, `huzhou`, `nanchong` or `custom`.
    pub subsidy_preset: String,
    /// The subsidy in yuan, for `custom` only.
    #[serde(default)]
    pub subsidy_amount: String,
    pub coefficients: Vec<CoefficientInput>,
    /// `floors` (by the coefficients, equally within a floor) or `equal_per_flat` (the same
    /// for every flat, whatever its floor); left out or blank, the current mode stays.
    #[serde(default)]
    pub share_mode: String,
    #[serde(default)]
    pub notice_days: Option<i32>,
    /// The deciding proposal; left out (or blank on the page), the current link stays.
    #[serde(default)]
    pub proposal_id: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct StepInput {
    pub version: i32,
    /// `forward` or `back`.
    pub step: String,
    #[serde(default)]
    pub note: String,
}

/// A document as uploaded: its kind (`survey`, `plan`, `notice`, `approval`, `contract`,
/// `acceptance`, `other`), an optional title, the file's name and its bytes.
pub struct DocumentUpload {
    pub kind: String,
    pub title: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// One project on the board.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BoardCard {
    pub id: i64,
    pub compound_name: String,
    pub unit_name: String,
    pub since: String,
    /// What keeps the project from the next stage; the API sends them as a list of texts.
    #[serde(skip)]
    pub blockers: Vec<linli_domain::elevator::Blocker>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BoardColumn {
    pub stage: linli_domain::elevator::ElevatorStage,
    pub projects: Vec<BoardCard>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitChoice {
    pub id: i64,
    pub name: String,
}

/// Every project of a compound or a community, by stage.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BoardView {
    pub place_name: String,
    pub compound_id: Option<i64>,
    pub total: usize,
    pub columns: Vec<BoardColumn>,
    /// Units of the compound without a project, for the "start a project" form (managers only).
    pub units_without: Vec<UnitChoice>,
    pub can_manage: bool,
}

/// An optional text field as typed: trimmed, at most `max` characters, blank when left out;
/// a bad one is added to `errors`.
pub(super) fn text(
    field: &'static str,
    s: &str,
    max: usize,
    errors: &mut Vec<FieldError>,
) -> String {
    match Text::parse_optional(s, max) {
        Ok(t) => t.map(|t| t.into_string()).unwrap_or_default(),
        Err(e) => {
            errors.push(FieldError::new(field, e));
            String::new()
        }
    }
}

impl Store {
    /// Checks that a proposal decides about this unit: scope `unit`, the same unit.
    async fn check_proposal<C: ConnectionTrait>(
        db: &C,
        unit_id: i64,
        proposal_id: Option<i64>,
    ) -> ServiceResult<()> {
        let Some(pid) = proposal_id else {
            return Ok(());
        };
        let p = proposal::Entity::find_by_id(pid).one(db).await?;
        match p {
            Some(p) if p.scope_kind.is_unit() && p.scope_id == unit_id => Ok(()),
            Some(_) => Err(ServiceError::invalid("proposal_id", Invalid::OtherUnit)),
            None => Err(ServiceError::invalid("proposal_id", Invalid::BadChoice)),
        }
    }

    /// Starts the retrofit project of a unit with the coefficient table preset for the
    /// building's height: at the intention survey, or, from a proposal already passed, at the
    /// public notice with the stages the vote did recorded in its history.
    pub async fn create_elevator_project(
        &self,
        actor: &Actor,
        compound_id: i64,
        input: &ProjectInput,
        lang: Lang,
    ) -> ServiceResult<ProjectView> {
        let c = self.compound_row(compound_id).await?;
        let u = unit::Entity::find_by_id(input.unit_id)
            .one(self.read())
            .await?
            .filter(|u| u.compound_id == c.id);
        let Some(u) = u else {
            actor.require(Action::ManageProject, &paths::compound_path(&c))?;
            return Err(ServiceError::invalid("unit_id", Invalid::OtherCompound));
        };
        actor.require(
            Action::ManageProject,
            &paths::unit_path(&c, u.building_id, u.id),
        )?;
        let mut errors = Vec::new();
        let responsible = text("responsible", &input.responsible, 100, &mut errors);
        let installer = text("installer", &input.installer, 200, &mut errors);
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        Store::check_proposal(self.read(), u.id, input.proposal_id).await?;
        // A proposal the owners have passed already carried the survey, the plan and the vote.
        let decided = match input.proposal_id {
            Some(pid) => proposal::Entity::find_by_id(pid)
                .one(self.read())
                .await?
                .map(|r| (r.stage, r.title)),
            None => None,
        };
        let start = ElevatorStage::start(decided.as_ref().map(|d| d.0));
        // The building's height as registered, else the highest floor anyone lives on.
        let registered = building::Entity::find_by_id(u.building_id)
            .one(self.read())
            .await?
            .and_then(|b| b.floors);
        let lived = household::Entity::find()
            .filter(household::Column::UnitId.eq(u.id))
            .all(self.read())
            .await?
            .iter()
            .map(|h| h.floor)
            .max();
        let floors = registered.or(lived).unwrap_or(6);
        let table = CoefficientTable::preset_for_floors(floors);
        let txn = self.begin_write().await?;
        let exists = elevator_project::Entity::find()
            .filter(elevator_project::Column::UnitId.eq(u.id))
            .one(&txn)
            .await?;
        if exists.is_some() {
            return Err(ServiceError::invalid("unit_id", Invalid::Taken));
        }
        let at = self.now();
        let id = elevator_project::Entity::insert(elevator_project::ActiveModel {
            compound_id: Set(c.id),
            building_id: Set(u.building_id),
            unit_id: Set(u.id),
            stage: Set(start),
            stage_since: Set(at),
            proposal_id: Set(input.proposal_id),
            responsible: Set(responsible),
            installer: Set(installer),
            total_cost: Set(None),
            pipelines_cost: Set(0),
            subsidy_preset: Set(SubsidyPreset::Shanghai),
            subsidy_custom: Set(0),
            subsidy: Set(0),
            coefficients: Set(serde_json::to_string(&table).map_err(|e| internal(e.to_string()))?),
            share_mode: Set(ShareMode::Floors),
            notice_days: Set(NOTICE_DAYS),
            shares_fixed_at: Set(None),
            created_by: Set(actor.account_id),
            created_at: Set(at),
            version: Set(1),
            ..Default::default()
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        log_stage(&txn, actor, id, None, ElevatorStage::Survey, "").await?;
        if let Some((_, title)) = &decided {
            let note = match lang {
                Lang::Zh => format!("表决议题“{title}”已通过，此阶段由表决完成"),
                Lang::En => format!("done by the vote on “{title}”, which passed"),
            };
            for (from, to) in start.skipped() {
                log_stage(&txn, actor, id, Some(from), to, &note).await?;
            }
        }
        let row = elevator_project::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or(ServiceError::NotFound {
                entity: "elevator_project",
            })?;
        Change::by(actor, c.id, "elevator.create", "elevator_project", id)
            .after(to_json(&row)?)
            .record(&txn)
            .await?;
        txn.commit().await?;
        self.elevator_project(actor, id).await
    }

    /// Saves the plan: people, cost, subsidy, coefficients, notice period and the deciding
    /// proposal. Every bad field is reported at once; nothing changes once the shares are fixed.
    pub async fn update_elevator_plan(
        &self,
        actor: &Actor,
        id: i64,
        input: &PlanInput,
    ) -> ServiceResult<ProjectView> {
        let p = self.load_project(id).await?;
        actor.require(Action::ManageProject, &p.path)?;
        if p.shares_fixed() {
            return Err(ServiceError::invalid("coefficients", Invalid::SharesFixed));
        }
        let mut errors = Vec::new();
        let responsible = text("responsible", &input.responsible, 100, &mut errors);
        let installer = text("installer", &input.installer, 200, &mut errors);
        let mut money = |field: &'static str, s: &str, required: bool| match parse_yuan(s) {
            Ok(f) => Some(f),
            Err(Invalid::Required) if !required => Some(Fen(0)),
            Err(e) => {
                errors.push(FieldError::new(field, e));
                None
            }
        };
        let cost = money("total_cost", &input.total_cost, true);
        let pipelines = money("pipelines_cost", &input.pipelines_cost, false);
        let custom = money("subsidy_amount", &input.subsidy_amount, false);
        if cost == Some(Fen(0)) {
            errors.push(FieldError::new("total_cost", Invalid::NotPositive));
        }
        let preset = SubsidyPreset::parse(&input.subsidy_preset)
            .map_err(|e| errors.push(FieldError::new("subsidy_preset", e)))
            .ok();
        let mut rows = Vec::new();
        for c in &input.coefficients {
            match Coefficient::parse(&c.percent) {
                Ok(x) => rows.push((c.floor, x)),
                Err(Invalid::Required) => rows.push((c.floor, Coefficient::ZERO)),
                Err(e) => errors.push(FieldError::new("coefficients", e)),
            }
        }
        let table = CoefficientTable::exact(rows)
            .map_err(|e| errors.push(FieldError::new("coefficients", e)))
            .ok();
        let mode = match input.share_mode.trim() {
            "" => Some(p.mode),
            m => ShareMode::parse(m)
                .map_err(|e| errors.push(FieldError::new("share_mode", e)))
                .ok(),
        };
        let notice_days = input.notice_days.unwrap_or(p.row.notice_days);
        if !(1..=90).contains(&notice_days) {
            errors.push(FieldError::new(
                "notice_days",
                Invalid::OutOfRange { min: 1, max: 90 },
            ));
        }
        let mut subsidy = None;
        if let (Some(preset), Some(cost), Some(pipelines), Some(custom)) =
            (preset, cost, pipelines, custom)
        {
            match preset.amount(cost, pipelines, custom) {
                Ok(s) => subsidy = Some(s),
                Err(e) => {
                    let field = if preset == SubsidyPreset::Custom && custom > cost {
                        "subsidy_amount"
                    } else {
                        "pipelines_cost"
                    };
                    errors.push(FieldError::new(
                        if e == Invalid::Negative {
                            "total_cost"
                        } else {
                            field
                        },
                        e,
                    ));
                }
            }
        }
        let proposal_id = input.proposal_id.or(p.row.proposal_id);
        match Store::check_proposal(self.read(), p.row.unit_id, proposal_id).await {
            Ok(()) => {}
            Err(ServiceError::Invalid(mut e)) => errors.append(&mut e),
            Err(e) => return Err(e),
        }
        let (
            Some(cost),
            Some(pipelines),
            Some(custom),
            Some(preset),
            Some(table),
            Some(subsidy),
            Some(mode),
            true,
        ) = (
            cost,
            pipelines,
            custom,
            preset,
            table,
            subsidy,
            mode,
            errors.is_empty(),
        )
        else {
            return Err(ServiceError::Invalid(errors));
        };
        let txn = self.begin_write().await?;
        let update = elevator_project::Entity::update_many()
            .col_expr(
                elevator_project::Column::Responsible,
                Expr::value(responsible),
            )
            .col_expr(elevator_project::Column::Installer, Expr::value(installer))
            .col_expr(
                elevator_project::Column::TotalCost,
                Expr::value(Some(cost.0)),
            )
            .col_expr(
                elevator_project::Column::PipelinesCost,
                Expr::value(pipelines.0),
            )
            .col_expr(
                elevator_project::Column::SubsidyPreset,
                Expr::value(preset.as_str()),
            )
            .col_expr(
                elevator_project::Column::SubsidyCustom,
                Expr::value(custom.0),
            )
            .col_expr(elevator_project::Column::Subsidy, Expr::value(subsidy.0))
            .col_expr(
                elevator_project::Column::Coefficients,
                Expr::value(serde_json::to_string(&table).map_err(|e| internal(e.to_string()))?),
            )
            .col_expr(
                elevator_project::Column::ShareMode,
                Expr::value(mode.as_str()),
            )
            .col_expr(
                elevator_project::Column::NoticeDays,
                Expr::value(notice_days),
            )
            .col_expr(
                elevator_project::Column::ProposalId,
                Expr::value(proposal_id),
            )
            .filter(elevator_project::Column::SharesFixedAt.is_null());
        update_versioned(&txn, &p, input.version, update).await?;
        let after = elevator_project::Entity::find_by_id(id).one(&txn).await?;
        Change::by(
            actor,
            p.compound.id,
            "elevator.plan",
            "elevator_project",
            id,
        )
        .before(to_json(&p.row)?)
        .after(after.as_ref().map(to_json).transpose()?)
        .record(&txn)
        .await?;
        txn.commit().await?;
        self.elevator_project(actor, id).await
    }

    /// Moves a project one stage forward (when nothing blocks it) or back (before construction).
    pub async fn step_elevator_project(
        &self,
        actor: &Actor,
        id: i64,
        input: &StepInput,
    ) -> ServiceResult<ProjectView> {
        let p = self.load_project(id).await?;
        actor.require(Action::ManageProject, &p.path)?;
        let step = match input.step.trim() {
            "forward" => StageStep::Forward,
            "back" => StageStep::Back,
            "" => return Err(ServiceError::invalid("step", Invalid::Required)),
            _ => return Err(ServiceError::invalid("step", Invalid::BadChoice)),
        };
        let note = Text::parse_optional(&input.note, 2000)
            .map_err(|e| FieldError::new("note", e))?
            .map(|t| t.into_string())
            .unwrap_or_default();
        let txn = self.begin_write().await?;
        let facts = Store::facts(&txn, &p, self.now()).await?;
        let to = p
            .stage
            .next(step, &facts)
            .map_err(|e| ServiceError::invalid("stage", e))?;
        let at = self.now();
        let update = elevator_project::Entity::update_many()
            .col_expr(elevator_project::Column::Stage, Expr::value(to.as_str()))
            .col_expr(elevator_project::Column::StageSince, Expr::value(at))
            .filter(elevator_project::Column::Stage.eq(p.stage));
        update_versioned(&txn, &p, input.version, update).await?;
        log_stage(&txn, actor, id, Some(p.stage), to, &note).await?;
        let after = serde_json::json!({ "stage": to.as_str(), "note": note });
        Change::by(
            actor,
            p.compound.id,
            "elevator.stage",
            "elevator_project",
            id,
        )
        .before(serde_json::json!({ "stage": p.stage.as_str() }))
        .after(after)
        .record(&txn)
        .await?;
        txn.commit().await?;
        self.elevator_project(actor, id).await
    }

    /// Files a document of a project (plan, permit, contract, acceptance report, …).
    pub async fn add_elevator_document(
        &self,
        actor: &Actor,
        id: i64,
        doc: DocumentUpload,
    ) -> ServiceResult<ProjectView> {
        let p = self.load_project(id).await?;
        actor.require(Action::ManageProject, &p.path)?;
        let kind = DocKind::parse(&doc.kind).map_err(|e| FieldError::new("doc_kind", e))?;
        let title =
            Text::parse_optional(&doc.title, 200).map_err(|e| FieldError::new("title", e))?;
        let file = self
            .save_file(
                actor,
                p.compound.id,
                Purpose::Attachment,
                &doc.file_name,
                doc.bytes,
            )
            .await?;
        let title = title
            .map(|t| t.into_string())
            .unwrap_or_else(|| file.file_name.clone());
        let txn = self.begin_write().await?;
        let doc_id = elevator_document::Entity::insert(elevator_document::ActiveModel {
            project_id: Set(id),
            kind: Set(kind),
            attachment_id: Set(file.id),
            title: Set(title.clone()),
            uploaded_by: Set(actor.account_id),
            created_at: Set(self.now()),
            ..Default::default()
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        let after = serde_json::json!({ "document": doc_id, "kind": kind.as_str(), "title": title, "attachment": file.id, "sha256": file.sha256 });
        Change::by(
            actor,
            p.compound.id,
            "elevator.document",
            "elevator_project",
            id,
        )
        .after(after)
        .record(&txn)
        .await?;
        txn.commit().await?;
        self.elevator_project(actor, id).await
    }

    /// The board of a compound's projects by stage.
    pub async fn elevator_board(
        &self,
        actor: &Actor,
        compound_id: i64,
    ) -> ServiceResult<BoardView> {
        let c = self.compound_row(compound_id).await?;
        let at = paths::compound_path(&c);
        actor.require(Action::ViewPublic, &at)?;
        let rows = elevator_project::Entity::find()
            .filter(elevator_project::Column::CompoundId.eq(c.id))
            .order_by_asc(elevator_project::Column::Id)
            .all(self.read())
            .await?;
        let can_manage = actor.can(Action::ManageProject, &at);
        let units_without = if can_manage {
            let names = crate::registry::unit_names(self.read(), c.id).await?;
            names
                .into_iter()
                .filter(|(id, _)| !rows.iter().any(|r| r.unit_id == *id))
                .map(|(id, name)| UnitChoice { id, name })
                .collect()
        } else {
            Vec::new()
        };
        let mut board = self.board_of(rows, c.name.clone()).await?;
        board.compound_id = Some(c.id);
        board.units_without = units_without;
        board.can_manage = can_manage;
        Ok(board)
    }

    /// The board of every project in a community's compounds, by stage.
    pub async fn community_elevator_board(
        &self,
        actor: &Actor,
        community_id: i64,
    ) -> ServiceResult<BoardView> {
        let (path, community) = self.region_path(community_id).await?;
        if community.kind != NodeKind::Community {
            return Err(ServiceError::NotFound { entity: "region" });
        }
        actor.require(Action::ViewRegistry, &path)?;
        let compounds: Vec<i64> = crate::entity::compound::Entity::find()
            .filter(crate::entity::compound::Column::CommunityId.eq(community_id))
            .all(self.read())
            .await?
            .into_iter()
            .map(|c| c.id)
            .collect();
        let rows = elevator_project::Entity::find()
            .filter(elevator_project::Column::CompoundId.is_in(compounds))
            .order_by_asc(elevator_project::Column::CompoundId)
            .order_by_asc(elevator_project::Column::Id)
            .all(self.read())
            .await?;
        self.board_of(rows, community.name).await
    }

    async fn board_of(
        &self,
        rows: Vec<elevator_project::Model>,
        place_name: String,
    ) -> ServiceResult<BoardView> {
        let total = rows.len();
        let mut columns: Vec<BoardColumn> = ElevatorStage::ALL
            .iter()
            .map(|s| BoardColumn {
                stage: *s,
                projects: Vec::new(),
            })
            .collect();
        for r in rows {
            let p = self.load_project(r.id).await?;
            let facts = Store::facts(self.read(), &p, self.now()).await?;
            let card = BoardCard {
                id: p.row.id,
                compound_name: p.compound.name.clone(),
                unit_name: p.unit_name.clone(),
                since: china_date(p.row.stage_since),
                blockers: p.stage.blockers(&facts),
            };
            if let Some(col) = columns.iter_mut().find(|c| c.stage == p.row.stage) {
                col.projects.push(card);
            }
        }
        Ok(BoardView {
            place_name,
            compound_id: None,
            total,
            columns,
            units_without: Vec::new(),
            can_manage: false,
        })
    }
}

/// Remembers that a project entered a stage.
async fn log_stage<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    project_id: i64,
    from: Option<ElevatorStage>,
    to: ElevatorStage,
    note: &str,
) -> ServiceResult<()> {
    elevator_stage_log::Entity::insert(elevator_stage_log::ActiveModel {
        project_id: Set(project_id),
        from_stage: Set(from),
        to_stage: Set(to),
        note: Set(note.into()),
        by_id: Set(actor.account_id),
        by_name: Set(actor.name.clone()),
        at: Set(actor.at),
        ..Default::default()
    })
    .exec(txn)
    .await?;
    Ok(())
}
