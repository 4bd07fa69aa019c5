//! Collective decisions: "民提议·民商议·民决议·同行动" — propose, deliberate, decide, act.
//!
//! A proposal has a scope (a compound, a building or a unit), a matter class of Civil Code
//! Art. 278 and a decision rule (a preset or a custom rule, `linli_domain::decision`). Its
//! stage moves only through `ProposalStage::next`. When voting opens the electorate of the
//! scope is frozen into `elector` / `elector_household` rows: later changes to the registry
//! do not change who may vote or how much they weigh. A voter has one ballot row, replaced
//! by each change (`revision` + 1) while every version is kept in `ballot_event`. Closing
//! the vote tallies those rows with the pure `tally` and stores the whole result, rule and
//! totals included, with the proposal.
//!
//! Every write goes through `begin_write` with its audit record on the compound's chain.
//! Ballot writes first touch the proposal row with `… WHERE stage = 'voting'`, so a ballot
//! and the closing of the vote cannot interleave, in one process or in two.

mod acting;
mod deliberation;
mod elections;
mod files;
mod knocking;
mod meetings;
mod voting;

pub use acting::*;
pub use deliberation::*;
pub use elections::*;
pub use files::*;
pub use knocking::*;
pub use meetings::*;
pub use voting::*;

use crate::accounts::Actor;
use crate::entity::{building, compound, proposal, unit};
use crate::error::{ServiceError, ServiceResult};
use crate::registry::PlaceRef;
use crate::{Store, paths};
use linli_domain::Invalid;
use linli_domain::authz::Action;
use linli_domain::decision::{DecisionRule, ProposalStage};
use linli_domain::place::{NodeKind, Path};
use sea_orm::EntityTrait;
use serde::Serialize;

pub use linli_domain::decision::Scope;

/// A proposal with the places it hangs under, as the pages and the API show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProposalView {
    pub id: i64,
    pub compound_id: i64,
    pub scope: Scope,
    pub scope_id: i64,
    /// "纹江花园 3栋 1单元".
    pub scope_name: String,
    pub title: String,
    pub body: String,
    pub matter: linli_domain::decision::MatterClass,
    pub preset: linli_domain::decision::Preset,
    /// The rule as stored (thresholds, consent and objection conditions, headcount switches).
    /// The page, the notice and the API (`rule_text`) word each threshold.
    #[schema(value_type = Object)]
    pub rule: DecisionRule,
    pub stage: ProposalStage,
    pub proposer_name: String,
    pub support_count: i32,
    pub notice_days: i32,
    pub voting_opened_at: Option<i64>,
    pub voting_deadline: Option<i64>,
    /// The last day ballots are accepted (China time), as typed when voting opened.
    pub voting_last_day: Option<String>,
    pub closed_at: Option<i64>,
    pub created_at: i64,
    pub version: i32,
    /// An election of N of M candidates: its ballots are cast on the election page.
    pub is_election: bool,
    pub places: Vec<PlaceRef>,
    pub can: ProposalPermissions,
}

/// What the actor may do with this proposal now, so pages show only buttons that work.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct ProposalPermissions {
    pub comment: bool,
    pub support: bool,
    pub manage: bool,
    pub record_ballots: bool,
    /// The count (running while voting, final after): see `ProposalStage::shows_count`.
    pub see_count: bool,
    pub vote: bool,
    /// Attach plans, photos and texts to adopt: the proposer or those who run the decision,
    /// while it is written or deliberated.
    pub attach: bool,
}

/// A proposal row with its compound and the path of its scope, loaded together because
/// every service method needs all three.
pub(crate) struct Loaded {
    pub row: proposal::Model,
    pub compound: compound::Model,
    pub path: Path,
    pub scope: Scope,
    pub stage: ProposalStage,
    pub rule: DecisionRule,
    pub scope_name: String,
    pub places: Vec<PlaceRef>,
}

impl Loaded {
    /// Refuses a step unless the proposal is at one of `stages`.
    pub fn at_stage(&self, stages: &[ProposalStage]) -> ServiceResult<()> {
        if stages.contains(&self.stage) {
            Ok(())
        } else {
            Err(ServiceError::invalid(
                "stage",
                Invalid::WrongStage { stage: self.stage },
            ))
        }
    }
}

impl Store {
    /// The path and the name of a scope, checking that it lies in the compound.
    /// The places below the compound (building, unit) are returned for breadcrumbs; the
    /// regions above it are added only where a page shows them (`Store::proposal`), since
    /// every ballot loads its proposal and each query counts.
    pub(crate) async fn scope_place(
        &self,
        c: &compound::Model,
        scope: Scope,
        scope_id: i64,
    ) -> ServiceResult<(Path, String, Vec<PlaceRef>)> {
        let mut places = Vec::new();
        match scope {
            Scope::Compound if scope_id == c.id => {
                Ok((paths::compound_path(c), c.name.clone(), places))
            }
            Scope::Building => {
                let b = building::Entity::find_by_id(scope_id)
                    .one(self.read())
                    .await?
                    .filter(|b| b.compound_id == c.id);
                let b =
                    b.ok_or_else(|| ServiceError::invalid("scope_id", Invalid::OtherCompound))?;
                places.push(PlaceRef {
                    kind: NodeKind::Building,
                    id: b.id,
                    name: b.name.clone(),
                });
                Ok((
                    paths::building_path(c, b.id),
                    format!("{} {}", c.name, b.name),
                    places,
                ))
            }
            Scope::Unit => {
                let u = unit::Entity::find_by_id(scope_id)
                    .one(self.read())
                    .await?
                    .filter(|u| u.compound_id == c.id);
                let u =
                    u.ok_or_else(|| ServiceError::invalid("scope_id", Invalid::OtherCompound))?;
                let b = building::Entity::find_by_id(u.building_id)
                    .one(self.read())
                    .await?;
                let b_name = b.map(|b| b.name).unwrap_or_default();
                places.push(PlaceRef {
                    kind: NodeKind::Building,
                    id: u.building_id,
                    name: b_name.clone(),
                });
                places.push(PlaceRef {
                    kind: NodeKind::Unit,
                    id: u.id,
                    name: u.name.clone(),
                });
                Ok((
                    paths::unit_path(c, u.building_id, u.id),
                    format!("{} {} {}", c.name, b_name, u.name),
                    places,
                ))
            }
            Scope::Compound => Err(ServiceError::invalid("scope_id", Invalid::OtherCompound)),
        }
    }

    pub(crate) async fn load_proposal(&self, id: i64) -> ServiceResult<Loaded> {
        let row = proposal::Entity::find_by_id(id)
            .one(self.read())
            .await?
            .ok_or(ServiceError::NotFound { entity: "proposal" })?;
        let compound = self.compound_row(row.compound_id).await?;
        let scope = row.scope_kind;
        let stage = row.stage;
        let rule: DecisionRule = serde_json::from_str(&row.rule)
            .map_err(|e| internal(format!("proposal {id} rule: {e}")))?;
        let (path, scope_name, places) = self.scope_place(&compound, scope, row.scope_id).await?;
        Ok(Loaded {
            row,
            compound,
            path,
            scope,
            stage,
            rule,
            scope_name,
            places,
        })
    }

    /// A proposal as its page shows it; anyone with a role in or under its compound may read it.
    pub async fn proposal(&self, actor: &Actor, id: i64) -> ServiceResult<ProposalView> {
        let p = self.load_proposal(id).await?;
        require_view(actor, &p)?;
        let voter = self.own_voter(actor, &p).await?;
        let mut places = self.compound_places(&p.compound).await?;
        places.extend(p.places.iter().cloned());
        let mut v = view(&p, places, actor, voter.is_some());
        v.is_election = self.election_of(id).await?.is_some();
        Ok(v)
    }
}

/// Reading a proposal: anyone who may see the compound's public page, or who holds a role
/// in its scope.
pub(crate) fn require_view(actor: &Actor, p: &Loaded) -> ServiceResult<()> {
    if actor.can(Action::ViewPublic, &paths::compound_path(&p.compound))
        || actor.can(Action::Propose, &p.path)
    {
        Ok(())
    } else {
        Err(ServiceError::Forbidden)
    }
}

pub(crate) fn internal(msg: String) -> ServiceError {
    ServiceError::Internal(anyhow::anyhow!(msg))
}

pub(crate) fn view(
    p: &Loaded,
    places: Vec<PlaceRef>,
    actor: &Actor,
    is_voter: bool,
) -> ProposalView {
    let r = &p.row;
    let open = matches!(p.stage, ProposalStage::Draft | ProposalStage::Deliberation);
    let voting = p.stage == ProposalStage::Voting;
    ProposalView {
        id: r.id,
        compound_id: r.compound_id,
        scope: p.scope,
        scope_id: r.scope_id,
        scope_name: p.scope_name.clone(),
        title: r.title.clone(),
        body: r.body.clone(),
        matter: r.matter,
        preset: r.preset,
        rule: p.rule.clone(),
        stage: r.stage,
        proposer_name: r.proposer_name.clone(),
        support_count: r.support_count,
        notice_days: r.notice_days,
        voting_opened_at: r.voting_opened_at,
        voting_deadline: r.voting_deadline,
        // The day typed when voting opened: the deadline is the midnight after it.
        voting_last_day: r.voting_deadline.map(|d| crate::china_date(d - 1)),
        closed_at: r.closed_at,
        created_at: r.created_at,
        version: r.version,
        is_election: false,
        places,
        can: ProposalPermissions {
            comment: actor.can(Action::Propose, &p.path)
                && !matches!(p.stage, ProposalStage::Withdrawn),
            support: open && actor.can(Action::Propose, &p.path),
            manage: actor.can(Action::ManageDecision, &p.path),
            record_ballots: voting && actor.can(Action::RecordBallot, &p.path),
            see_count: p.stage.shows_count(runs_the_vote(actor, &p.path)),
            vote: voting && is_voter,
            attach: open
                && (r.proposer_id == actor.account_id
                    || actor.can(Action::ManageDecision, &p.path)),
        },
    }
}

/// Whether the actor runs the vote at `path` (runs the decision or records ballots), which
/// decides who sees the running count.
pub(crate) fn runs_the_vote(actor: &Actor, path: &Path) -> bool {
    actor.can(Action::ManageDecision, path) || actor.can(Action::RecordBallot, path)
}

/// The node kind a scope sits on, for grants and lists.
pub fn scope_kind(scope: Scope) -> NodeKind {
    match scope {
        Scope::Compound => NodeKind::Compound,
        Scope::Building => NodeKind::Building,
        Scope::Unit => NodeKind::Unit,
    }
}
