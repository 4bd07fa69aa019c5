//! Door-knocking (敲门行动): during a vote, the households that have not answered, grouped by
//! building and floor, handed to building heads and volunteers, with each visit's outcome.

use super::require_view;
use crate::Store;
use crate::accounts::Actor;
use crate::audit::Change;
use crate::entity::{
    account, ballot, building, election_ballot, elector_household, knock_visit, unit,
};
use crate::error::{ServiceError, ServiceResult};
use linli_domain::Invalid;
use linli_domain::authz::Action;
use linli_domain::decision::ProposalStage;
use linli_domain::registry::Text;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};

pub use linli_domain::decision::VisitOutcome;

/// A household that has not answered yet.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct KnockRow {
    pub household_id: i64,
    pub label: String,
    pub floor: i32,
    pub owners: String,
    pub assignee_name: Option<String>,
    pub last_outcome: Option<linli_domain::decision::VisitOutcome>,
    pub last_note: Option<String>,
    pub visits: i64,
}

/// The unanswered households of one building, floor by floor (top floor first: the
/// households an elevator helps most).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct KnockGroup {
    pub building: String,
    pub floor: i32,
    pub rows: Vec<KnockRow>,
}

/// Answered / all households of a unit.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitProgress {
    pub unit_id: i64,
    pub name: String,
    pub answered: i64,
    pub households: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct KnockList {
    pub groups: Vec<KnockGroup>,
    pub progress: Vec<UnitProgress>,
    pub unanswered: i64,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct AssignInput {
    pub household_ids: Vec<i64>,
    /// The account (building head, volunteer…) who will knock; empty to unassign.
    #[serde(default)]
    pub assignee_id: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct VisitInput {
    pub household_id: i64,
    /// `not_home`, `needs_explanation`, `refused` or `signed`.
    pub outcome: String,
    #[serde(default)]
    pub note: String,
}

impl Store {
    /// The households of an open vote that have not answered, with the last visit of each.
    pub async fn knock_list(&self, actor: &Actor, id: i64) -> ServiceResult<KnockList> {
        let p = self.load_proposal(id).await?;
        require_view(actor, &p)?;
        if !(actor.can(Action::RecordBallot, &p.path) || actor.can(Action::ManageDecision, &p.path))
        {
            return Err(ServiceError::Forbidden);
        }
        if p.stage.is_before_voting() {
            return Err(ServiceError::invalid(
                "stage",
                Invalid::WrongStage { stage: p.stage },
            ));
        }
        let hh = elector_household::Entity::find()
            .filter(elector_household::Column::ProposalId.eq(id))
            .order_by_asc(elector_household::Column::BuildingId)
            .order_by_desc(elector_household::Column::Floor)
            .order_by_asc(elector_household::Column::Label)
            .all(self.read())
            .await?;
        let mut answered: HashSet<String> = ballot::Entity::find()
            .filter(ballot::Column::CityId.eq(p.compound.city_id))
            .filter(ballot::Column::ProposalId.eq(id))
            .select_only()
            .column(ballot::Column::VoterKey)
            .into_tuple::<String>()
            .all(self.read())
            .await?
            .into_iter()
            .collect();
        // An election's ballots name candidates and live in their own table.
        answered.extend(
            election_ballot::Entity::find()
                .filter(election_ballot::Column::ProposalId.eq(id))
                .select_only()
                .column(election_ballot::Column::VoterKey)
                .into_tuple::<String>()
                .all(self.read())
                .await?,
        );
        let mut visits: HashMap<i64, (i64, knock_visit::Model)> = HashMap::new();
        for v in knock_visit::Entity::find()
            .filter(knock_visit::Column::ProposalId.eq(id))
            .order_by_asc(knock_visit::Column::Id)
            .all(self.read())
            .await?
        {
            let e = visits.entry(v.household_id).or_insert((0, v.clone()));
            e.0 += 1;
            // The assignee sticks until someone reassigns; the outcome is the latest visit's.
            let assignee = if v.assignee_id.is_some() || v.outcome.is_none() {
                (v.assignee_id, v.assignee_name.clone())
            } else {
                (e.1.assignee_id, e.1.assignee_name.clone())
            };
            let outcome = if v.outcome.is_some() {
                (v.outcome, v.note.clone())
            } else {
                (e.1.outcome, e.1.note.clone())
            };
            e.1 = knock_visit::Model {
                assignee_id: assignee.0,
                assignee_name: assignee.1,
                outcome: outcome.0,
                note: outcome.1,
                ..v
            };
        }
        let buildings: HashMap<i64, String> = building::Entity::find()
            .filter(building::Column::CompoundId.eq(p.compound.id))
            .all(self.read())
            .await?
            .into_iter()
            .map(|b| (b.id, b.name))
            .collect();
        let units: HashMap<i64, String> = unit::Entity::find()
            .filter(unit::Column::CompoundId.eq(p.compound.id))
            .all(self.read())
            .await?
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect();
        let mut progress: BTreeMap<i64, UnitProgress> = BTreeMap::new();
        let mut groups: Vec<KnockGroup> = Vec::new();
        let mut unanswered = 0;
        let mut seen = HashSet::new();
        for h in hh {
            // A flat with no owner on record counts but cannot be voted for: no door to knock
            // for a ballot. Co-owners voting separately share one door.
            if h.voter_key.starts_with("h:") || !seen.insert(h.household_id) {
                continue;
            }
            let done = answered.contains(&h.voter_key);
            let pr = progress.entry(h.unit_id).or_insert_with(|| UnitProgress {
                unit_id: h.unit_id,
                name: format!(
                    "{} {}",
                    buildings
                        .get(&h.building_id)
                        .map(String::as_str)
                        .unwrap_or(""),
                    units.get(&h.unit_id).map(String::as_str).unwrap_or("")
                ),
                answered: 0,
                households: 0,
            });
            pr.households += 1;
            if done {
                pr.answered += 1;
                continue;
            }
            unanswered += 1;
            let building = buildings.get(&h.building_id).cloned().unwrap_or_default();
            let visit = visits.get(&h.household_id);
            let row = KnockRow {
                household_id: h.household_id,
                label: h.label,
                floor: h.floor,
                owners: h.owners,
                assignee_name: visit.and_then(|v| v.1.assignee_name.clone()),
                last_outcome: visit.and_then(|v| v.1.outcome),
                last_note: visit.and_then(|v| v.1.note.clone()),
                visits: visit.map(|v| v.0).unwrap_or(0),
            };
            match groups.last_mut() {
                Some(g) if g.building == building && g.floor == h.floor => g.rows.push(row),
                _ => groups.push(KnockGroup {
                    building,
                    floor: h.floor,
                    rows: vec![row],
                }),
            }
        }
        Ok(KnockList {
            groups,
            progress: progress.into_values().collect(),
            unanswered,
        })
    }

    /// Hands households to someone who will knock on their doors.
    pub async fn assign_knocks(
        &self,
        actor: &Actor,
        id: i64,
        input: &AssignInput,
    ) -> ServiceResult<usize> {
        let p = self.load_proposal(id).await?;
        actor.require(Action::ManageDecision, &p.path)?;
        p.at_stage(&[ProposalStage::Voting])?;
        if input.household_ids.is_empty() || input.household_ids.len() > 5000 {
            return Err(ServiceError::invalid("household_ids", Invalid::Required));
        }
        let assignee = match input.assignee_id {
            Some(aid) => {
                let a = account::Entity::find_by_id(aid)
                    .one(self.read())
                    .await?
                    .ok_or_else(|| ServiceError::invalid("assignee_id", Invalid::BadChoice))?;
                let grants = self
                    .actor(a.id)
                    .await?
                    .map(|x| x.grants)
                    .unwrap_or_default();
                if !linli_domain::authz::allowed(&grants, Action::RecordBallot, &p.path) {
                    return Err(ServiceError::invalid("assignee_id", Invalid::BadChoice));
                }
                Some(a)
            }
            None => None,
        };
        let known: HashSet<i64> = elector_household::Entity::find()
            .filter(elector_household::Column::ProposalId.eq(id))
            .filter(
                elector_household::Column::HouseholdId.is_in(input.household_ids.iter().copied()),
            )
            .select_only()
            .column(elector_household::Column::HouseholdId)
            .into_tuple::<i64>()
            .all(self.read())
            .await?
            .into_iter()
            .collect();
        if input.household_ids.iter().any(|h| !known.contains(h)) {
            return Err(ServiceError::invalid(
                "household_ids",
                Invalid::NotInElectorate,
            ));
        }
        let t = self.now();
        let txn = self.begin_write().await?;
        let rows: Vec<knock_visit::ActiveModel> = known
            .iter()
            .map(|h| knock_visit::ActiveModel {
                proposal_id: Set(id),
                household_id: Set(*h),
                assignee_id: Set(assignee.as_ref().map(|a| a.id)),
                assignee_name: Set(assignee.as_ref().map(|a| a.display_name.clone())),
                outcome: Set(None),
                note: Set(None),
                recorded_by: Set(actor.account_id),
                created_at: Set(t),
                ..Default::default()
            })
            .collect();
        for chunk in rows.chunks(500) {
            knock_visit::Entity::insert_many(chunk.iter().cloned())
                .exec_without_returning(&txn)
                .await?;
        }
        Change::by(actor, p.compound.id, "proposal.assign_knocks", "proposal", id).after(serde_json::json!({ "households": input.household_ids, "assignee_id": input.assignee_id })).record(&txn).await?;
        txn.commit().await?;
        Ok(known.len())
    }

    /// Records what happened at a door.
    pub async fn record_visit(
        &self,
        actor: &Actor,
        id: i64,
        input: &VisitInput,
    ) -> ServiceResult<()> {
        let p = self.load_proposal(id).await?;
        actor.require(Action::RecordBallot, &p.path)?;
        p.at_stage(&[ProposalStage::Voting])?;
        let outcome =
            VisitOutcome::parse(&input.outcome).map_err(|e| ServiceError::invalid("outcome", e))?;
        let note = Text::parse_optional(&input.note, 1000)
            .map_err(|e| ServiceError::invalid("note", e))?;
        let on_roll = elector_household::Entity::find()
            .filter(elector_household::Column::ProposalId.eq(id))
            .filter(elector_household::Column::HouseholdId.eq(input.household_id))
            .one(self.read())
            .await?;
        if on_roll.is_none() {
            return Err(ServiceError::invalid(
                "household_id",
                Invalid::NotInElectorate,
            ));
        }
        let txn = self.begin_write().await?;
        let row = knock_visit::ActiveModel {
            proposal_id: Set(id),
            household_id: Set(input.household_id),
            assignee_id: Set(None),
            assignee_name: Set(None),
            outcome: Set(Some(outcome)),
            note: Set(note.map(Text::into_string)),
            recorded_by: Set(actor.account_id),
            created_at: Set(self.now()),
            ..Default::default()
        };
        knock_visit::Entity::insert(row)
            .exec_without_returning(&txn)
            .await?;
        Change::by(actor, p.compound.id, "proposal.visit", "proposal", id).after(serde_json::json!({ "household_id": input.household_id, "outcome": outcome.as_str() })).record(&txn)
        .await?;
        txn.commit().await?;
        Ok(())
    }
}
