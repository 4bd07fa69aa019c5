//! Voting: freezing the electorate, ballots in every way they are cast, the live tally and
//! closing the vote.

use super::{Loaded, ProposalView, internal, require_view};
use crate::accounts::Actor;
use crate::entity::{
    affected_consent, attachment, ballot, ballot_event, building, elector, elector_household, household, objection, ownership, person,
    proposal, unit,
};
use crate::error::{ServiceError, ServiceResult};
use crate::{Store, now};
use linli_domain::authz::{Action, Role};
use linli_domain::decision::{
    CastMethod, Choice, ElectorHousehold, Electorate, Evidence, Outcome, ProposalStage, StageEvent, TallyContext, TallyResult, Voter,
    VoterKey, tally,
};
use linli_domain::place::NodeKind;
use linli_domain::registry::Text;
use linli_domain::{Area, FieldError, Invalid, Lang};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// Rows per INSERT when the electorate is frozen: well under SQLite's 32,766 parameters.
const BATCH: usize = 500;

/// Opening the vote.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct OpenVotingInput {
    /// The last day ballots are accepted, `YYYY-MM-DD` (China time, until midnight).
    pub deadline: String,
}

/// A ballot, cast by the owner or recorded for them.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct BallotInput {
    /// `yes`, `no` or `abstain`.
    pub choice: String,
    /// `online` (the owner), `assisted`, `proxy`, `remote` or `paper`.
    #[serde(default)]
    pub method: String,
    /// The household voted for; required unless the owner votes for their own (single) household.
    #[serde(default)]
    pub household_id: Option<i64>,
    /// An uploaded file: the signed form's photo, an audio note, the proxy's authorisation.
    #[serde(default)]
    pub evidence_id: Option<i64>,
    /// Who witnessed a remote (phone or video) ballot.
    #[serde(default)]
    pub witness: String,
    #[serde(default)]
    pub note: String,
}

/// The count as the committee (live) or the residents (after closing) see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TallyView {
    #[schema(value_type = Object)]
    pub result: TallyResult,
    /// Each check in words with its numbers: "同意面积 2,154.30 / 3,210.00 m²，需 ≥ 2/3：达到".
    pub lines: Vec<CheckLine>,
    /// Whether this is the final result stored when the vote closed.
    pub final_result: bool,
    pub households: i64,
    pub answered_households: i64,
    pub outcome_label: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CheckLine {
    pub rule: String,
    pub part: String,
    pub whole: String,
    pub met: bool,
}

/// One line of the ballot register: a voter, their households and their current ballot.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RegisterRow {
    pub voter_key: String,
    pub name: String,
    pub households: String,
    pub area: String,
    pub heads: i64,
    pub choice: Option<String>,
    pub choice_label: String,
    pub method: Option<String>,
    pub recorder_name: Option<String>,
    pub evidence_id: Option<i64>,
    pub witness: Option<String>,
    pub cast_at: Option<i64>,
    /// How many times the ballot was changed (1 = cast once).
    pub revision: i32,
}

/// What a ballot became: the voter it counts for and its revision (1 = first cast).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BallotReceipt {
    pub voter_key: String,
    pub choice: String,
    pub method: String,
    pub revision: i32,
    pub cast_at: i64,
}

/// A version of a ballot, kept for good.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BallotEventView {
    pub revision: i32,
    pub choice: String,
    pub method: String,
    pub recorder_name: String,
    pub evidence_id: Option<i64>,
    pub witness: Option<String>,
    pub note: Option<String>,
    pub cast_at: i64,
}

/// What the actor's own ballot is, for the resident's page.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MyBallot {
    pub voter_key: String,
    pub households: String,
    pub choice: Option<String>,
    pub revision: i32,
}

impl Store {
    /// Opens the vote: freezes the electorate of the scope and the deadline. Only those who
    /// run the decision may, and only after deliberation.
    pub async fn open_voting(&self, actor: &Actor, id: i64, input: &OpenVotingInput, lang: Lang) -> ServiceResult<ProposalView> {
        let p = self.load_proposal(id).await?;
        actor.require(Action::ManageDecision, &p.path)?;
        let next = p.stage.next(StageEvent::OpenVoting).map_err(|e| ServiceError::invalid("stage", e))?;
        let deadline = parse_deadline(&input.deadline)?;
        let txn = self.begin_write().await?;
        // The roll is read inside the write transaction: no household can move in between.
        let (voters, households) = self.roll(&txn, &p).await?;
        if households.is_empty() {
            return Err(ServiceError::invalid("scope_id", Invalid::NotInElectorate));
        }
        let t = now();
        let extra = vec![(proposal::Column::VotingOpenedAt, Expr::value(t)), (proposal::Column::VotingDeadline, Expr::value(deadline))];
        self.set_stage_in(&txn, actor, &p, next, "proposal.open_voting", extra).await?;
        for chunk in voters.chunks(BATCH) {
            elector::Entity::insert_many(chunk.iter().cloned()).exec_without_returning(&txn).await?;
        }
        for chunk in households.chunks(BATCH) {
            elector_household::Entity::insert_many(chunk.iter().cloned()).exec_without_returning(&txn).await?;
        }
        super::acting::notify_roll(&txn, id, "voting.open", &format!("请投票：{}", p.row.title), &p.row.title).await?;
        txn.commit().await?;
        self.proposal(actor, id, lang).await
    }

    /// The electorate of a proposal's scope as rows to freeze.
    async fn roll<C: ConnectionTrait>(&self, db: &C, p: &Loaded) -> ServiceResult<(Vec<elector::ActiveModel>, Vec<elector_household::ActiveModel>)> {
        let mut q = household::Entity::find();
        q = match p.scope {
            super::Scope::Compound => q.filter(household::Column::CompoundId.eq(p.row.scope_id)),
            super::Scope::Building => q.filter(household::Column::BuildingId.eq(p.row.scope_id)),
            super::Scope::Unit => q.filter(household::Column::UnitId.eq(p.row.scope_id)),
        };
        let hh = q.order_by_asc(household::Column::Id).all(db).await?;
        let buildings: HashMap<i64, String> = building::Entity::find()
            .filter(building::Column::CompoundId.eq(p.compound.id))
            .all(db)
            .await?
            .into_iter()
            .map(|b| (b.id, b.name))
            .collect();
        let units: HashMap<i64, String> =
            unit::Entity::find().filter(unit::Column::CompoundId.eq(p.compound.id)).all(db).await?.into_iter().map(|u| (u.id, u.name)).collect();
        let mut owners: HashMap<i64, Vec<i64>> = HashMap::new();
        let mut person_ids = Vec::new();
        for ids in hh.chunks(BATCH) {
            let rows = ownership::Entity::find()
                .filter(ownership::Column::HouseholdId.is_in(ids.iter().map(|h| h.id)))
                .order_by_asc(ownership::Column::Id)
                .all(db)
                .await?;
            for o in rows {
                owners.entry(o.household_id).or_default().push(o.person_id);
                person_ids.push(o.person_id);
            }
        }
        person_ids.sort_unstable();
        person_ids.dedup();
        let mut names: HashMap<i64, String> = HashMap::new();
        for ids in person_ids.chunks(BATCH) {
            for p in person::Entity::find().filter(person::Column::Id.is_in(ids.iter().copied())).all(db).await? {
                names.insert(p.id, p.name);
            }
        }
        let electorate = Electorate::build(
            hh.iter().map(|h| ElectorHousehold {
                household_id: h.id,
                area_centi: h.area_centi,
                owners: owners.get(&h.id).cloned().unwrap_or_default(),
                designated_voter: h.designated_voter_id,
                developer_unsold: false,
            }),
            &p.rule.headcount,
        )
        .map_err(|e| internal(format!("electorate of proposal {}: {e}", p.row.id)))?;
        let owner_names = |hid: i64| -> String {
            owners.get(&hid).map(|ps| ps.iter().filter_map(|p| names.get(p).cloned()).collect::<Vec<_>>().join("、")).unwrap_or_default()
        };
        let by_id: HashMap<i64, &household::Model> = hh.iter().map(|h| (h.id, h)).collect();
        let voter_rows = electorate
            .voters()
            .iter()
            .map(|v| {
                let (person_id, name) = match v.key {
                    VoterKey::Person(pid) => (Some(pid), names.get(&pid).cloned().unwrap_or_default()),
                    VoterKey::Household(hid) => {
                        let designated = by_id.get(&hid).and_then(|h| h.designated_voter_id).or_else(|| owners.get(&hid).and_then(|o| o.first().copied()));
                        (designated, designated.and_then(|d| names.get(&d).cloned()).unwrap_or_else(|| owner_names(hid)))
                    }
                    VoterKey::Developer => (None, "开发商未售房 / developer's unsold units".to_string()),
                };
                elector::ActiveModel {
                    proposal_id: Set(p.row.id),
                    voter_key: Set(v.key.to_string()),
                    person_id: Set(person_id),
                    name: Set(name.chars().take(200).collect()),
                    area_centi: Set(v.area_centi),
                    heads: Set(v.heads),
                    ..Default::default()
                }
            })
            .collect();
        let household_rows = hh
            .iter()
            .filter_map(|h| {
                let v = electorate.voter_for(h.id)?;
                let label = format!(
                    "{} {} {}",
                    buildings.get(&h.building_id).map(String::as_str).unwrap_or(""),
                    units.get(&h.unit_id).map(String::as_str).unwrap_or(""),
                    h.room
                );
                Some(elector_household::ActiveModel {
                    proposal_id: Set(p.row.id),
                    household_id: Set(h.id),
                    voter_key: Set(v.key.to_string()),
                    building_id: Set(h.building_id),
                    unit_id: Set(h.unit_id),
                    floor: Set(h.floor),
                    label: Set(label.chars().take(200).collect()),
                    area_centi: Set(h.area_centi),
                    owners: Set(owner_names(h.id)),
                    ..Default::default()
                })
            })
            .collect();
        Ok((voter_rows, household_rows))
    }

    /// The frozen electorate of a proposal, as the pure tally wants it.
    pub(crate) async fn frozen_electorate<C: ConnectionTrait>(&self, db: &C, proposal_id: i64) -> ServiceResult<(Electorate, Vec<elector::Model>)> {
        let rows = elector::Entity::find().filter(elector::Column::ProposalId.eq(proposal_id)).order_by_asc(elector::Column::Id).all(db).await?;
        let hh = elector_household::Entity::find()
            .filter(elector_household::Column::ProposalId.eq(proposal_id))
            .select_only()
            .column(elector_household::Column::VoterKey)
            .column(elector_household::Column::HouseholdId)
            .into_tuple::<(String, i64)>()
            .all(db)
            .await?;
        let mut by_key: HashMap<String, Vec<i64>> = HashMap::new();
        for (k, h) in hh {
            by_key.entry(k).or_default().push(h);
        }
        let voters = rows
            .iter()
            .map(|r| {
                let key = VoterKey::parse(&r.voter_key).map_err(|_| internal(format!("voter key {}", r.voter_key)))?;
                let mut households = by_key.remove(&r.voter_key).unwrap_or_default();
                households.sort_unstable();
                Ok(Voter { key, households, area_centi: r.area_centi, heads: r.heads })
            })
            .collect::<ServiceResult<Vec<_>>>()?;
        Ok((Electorate::from_voters(voters), rows))
    }

    /// The voter keys the actor holds as an owner in this vote (through their owner roles).
    pub(crate) async fn own_voter(&self, actor: &Actor, p: &Loaded) -> ServiceResult<Option<(String, i64)>> {
        if p.stage == ProposalStage::Draft || p.stage == ProposalStage::Deliberation {
            return Ok(None);
        }
        let mine: Vec<i64> = actor
            .grants
            .iter()
            .filter(|g| g.role == Role::Owner)
            .filter_map(|g| g.at.target().filter(|n| n.kind == NodeKind::Household).map(|n| n.id))
            .collect();
        if mine.is_empty() {
            return Ok(None);
        }
        let row = elector_household::Entity::find()
            .filter(elector_household::Column::ProposalId.eq(p.row.id))
            .filter(elector_household::Column::HouseholdId.is_in(mine))
            .order_by_asc(elector_household::Column::HouseholdId)
            .one(self.read())
            .await?;
        Ok(row.map(|r| (r.voter_key, r.household_id)))
    }

    /// Casts or changes a ballot. The owner votes online for their own household; building
    /// and unit heads, grid workers and volunteers record assisted, remote and proxy ballots;
    /// the committee enters paper forms. Each way needs its evidence (`CastMethod::check`).
    pub async fn cast_ballot(&self, actor: &Actor, id: i64, input: &BallotInput) -> ServiceResult<BallotReceipt> {
        let p = self.load_proposal(id).await?;
        require_view(actor, &p)?;
        let mut e = Vec::new();
        let choice = crate::registry::field(&mut e, "choice", Choice::parse(&input.choice));
        let method_text = if input.method.trim().is_empty() { "online" } else { input.method.trim() };
        let method = crate::registry::field(&mut e, "method", CastMethod::parse(method_text));
        let witness = crate::registry::field(&mut e, "witness", Text::parse_optional(&input.witness, 200));
        let note = crate::registry::field(&mut e, "note", Text::parse_optional(&input.note, 2000));
        let (Some(choice), Some(method), Some(witness), Some(note), true) = (choice, method, witness, note, e.is_empty()) else {
            return Err(ServiceError::Invalid(e));
        };
        // An election's ballot names candidates (`cast_election_ballot`), not yes or no.
        if self.election_of(id).await?.is_some() {
            return Err(ServiceError::invalid("candidates", Invalid::Required));
        }
        let voter_key = self.ballot_voter(actor, &p, method, input.household_id, input.evidence_id, witness.as_ref(), note.as_ref()).await?;
        let t = now();
        let txn = self.begin_write().await?;
        lock_open_vote(&txn, id, t).await?;
        let row = ballot::ActiveModel {
            proposal_id: Set(id),
            voter_key: Set(voter_key.clone()),
            choice: Set(choice.as_str().into()),
            method: Set(method.as_str().into()),
            recorded_by: Set(actor.account_id),
            recorder_name: Set(actor.name.clone()),
            evidence_id: Set(input.evidence_id),
            witness: Set(witness.map(Text::into_string)),
            note: Set(note.map(Text::into_string)),
            cast_at: Set(t),
            revision: Set(1),
            ..Default::default()
        };
        // One row per voter: a second ballot (from any process) replaces the first.
        ballot::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([ballot::Column::ProposalId, ballot::Column::VoterKey])
                    .update_columns([
                        ballot::Column::Choice,
                        ballot::Column::Method,
                        ballot::Column::RecordedBy,
                        ballot::Column::RecorderName,
                        ballot::Column::EvidenceId,
                        ballot::Column::Witness,
                        ballot::Column::Note,
                        ballot::Column::CastAt,
                    ])
                    .value(ballot::Column::Revision, Expr::col((ballot::Entity, ballot::Column::Revision)).add(1))
                    .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
        let b = ballot::Entity::find()
            .filter(ballot::Column::ProposalId.eq(id))
            .filter(ballot::Column::VoterKey.eq(voter_key.clone()))
            .one(&txn)
            .await?
            .ok_or(ServiceError::NotFound { entity: "ballot" })?;
        ballot_event::Entity::insert(ballot_event::ActiveModel {
            proposal_id: Set(id),
            voter_key: Set(b.voter_key.clone()),
            revision: Set(b.revision),
            choice: Set(b.choice.clone()),
            method: Set(b.method.clone()),
            recorded_by: Set(b.recorded_by),
            recorder_name: Set(b.recorder_name.clone()),
            evidence_id: Set(b.evidence_id),
            witness: Set(b.witness.clone()),
            note: Set(b.note.clone()),
            cast_at: Set(b.cast_at),
            ..Default::default()
        })
        .exec_without_returning(&txn)
        .await?;
        super::event(&txn, actor, p.compound.id, "ballot.cast", id, serde_json::to_value(&b).map_err(anyhow::Error::from)?).await?;
        txn.commit().await?;
        Ok(BallotReceipt { voter_key: b.voter_key, choice: b.choice, method: b.method, revision: b.revision, cast_at: b.cast_at })
    }

    /// The voter a ballot counts for, after checking who may record it that way and the
    /// evidence that way needs: one gate for yes/no ballots and election ballots alike. The
    /// owner votes online for their own household; building and unit heads, grid workers and
    /// volunteers record assisted, remote and proxy ballots; the committee enters paper forms.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn ballot_voter(
        &self,
        actor: &Actor,
        p: &Loaded,
        method: CastMethod,
        household_id: Option<i64>,
        evidence_id: Option<i64>,
        witness: Option<&Text>,
        note: Option<&Text>,
    ) -> ServiceResult<String> {
        if p.stage != ProposalStage::Voting {
            let why = if p.stage.is_decided() || p.stage == ProposalStage::Acting || p.stage == ProposalStage::Evaluated {
                Invalid::VotingClosed
            } else {
                Invalid::WrongStage { stage: p.stage }
            };
            return Err(ServiceError::invalid("proposal", why));
        }
        let id = p.row.id;
        let voter_key = match method {
            CastMethod::Online => {
                let mine = match household_id {
                    None => self.own_voter(actor, p).await?.map(|own| own.0),
                    Some(hid) => {
                        let owns = actor.grants.iter().any(|g| g.role == Role::Owner && g.at.target().is_some_and(|n| n.kind == NodeKind::Household && n.id == hid));
                        if owns { self.voter_of_household(id, hid).await?.map(|r| r.voter_key) } else { None }
                    }
                };
                mine.ok_or_else(|| ServiceError::invalid("household_id", Invalid::NotInElectorate))?
            }
            CastMethod::Paper => {
                actor.require(Action::ManageDecision, &p.path)?;
                self.voter_for_input(id, household_id).await?
            }
            CastMethod::Assisted | CastMethod::Remote | CastMethod::Proxy => {
                actor.require(Action::RecordBallot, &p.path)?;
                self.voter_for_input(id, household_id).await?
            }
        };
        if let Some(eid) = evidence_id {
            let owner: Option<i64> =
                attachment::Entity::find_by_id(eid).select_only().column(attachment::Column::CompoundId).into_tuple().one(self.read()).await?;
            if owner != Some(p.compound.id) {
                return Err(ServiceError::invalid("evidence_id", Invalid::BadChoice));
            }
        }
        let evidence = Evidence {
            recorded_by: (method != CastMethod::Online).then_some(actor.account_id),
            file: evidence_id.map(|i| i.to_string()),
            witness: witness.map(|w| w.as_str().to_string()),
            note: note.map(|n| n.as_str().to_string()),
        };
        method.check(&evidence).map_err(ServiceError::Invalid)?;
        Ok(voter_key)
    }

    pub(crate) async fn voter_of_household(&self, id: i64, household_id: i64) -> ServiceResult<Option<elector_household::Model>> {
        Ok(elector_household::Entity::find()
            .filter(elector_household::Column::ProposalId.eq(id))
            .filter(elector_household::Column::HouseholdId.eq(household_id))
            .one(self.read())
            .await?)
    }

    pub(crate) async fn voter_for_input(&self, id: i64, household_id: Option<i64>) -> ServiceResult<String> {
        let hid = household_id.ok_or_else(|| ServiceError::invalid("household_id", Invalid::Required))?;
        Ok(self
            .voter_of_household(id, hid)
            .await?
            .ok_or_else(|| ServiceError::invalid("household_id", Invalid::NotInElectorate))?
            .voter_key)
    }

    /// Counts the ballots now (for those who run or assist the vote), or shows the stored
    /// result once the vote is closed (for everyone who may read the proposal).
    pub async fn tally(&self, actor: &Actor, id: i64, lang: Lang) -> ServiceResult<TallyView> {
        let p = self.load_proposal(id).await?;
        require_view(actor, &p)?;
        let households = elector_household::Entity::find().filter(elector_household::Column::ProposalId.eq(id)).count(self.read()).await?;
        match p.stage {
            ProposalStage::Draft | ProposalStage::Deliberation | ProposalStage::Withdrawn => {
                Err(ServiceError::invalid("stage", Invalid::WrongStage { stage: p.stage }))
            }
            ProposalStage::Voting => {
                if !(actor.can(Action::ManageDecision, &p.path) || actor.can(Action::RecordBallot, &p.path)) {
                    return Err(ServiceError::Forbidden);
                }
                let (result, answered) = self.count(self.read(), &p).await?;
                Ok(tally_view(result, false, households, answered, lang))
            }
            _ => {
                let stored: StoredResult = serde_json::from_str(&p.row.result).map_err(|e| internal(format!("result of proposal {id}: {e}")))?;
                Ok(tally_view(stored.result, true, households, stored.answered_households, lang))
            }
        }
    }

    async fn count<C: ConnectionTrait>(&self, db: &C, p: &Loaded) -> ServiceResult<(TallyResult, i64)> {
        // An election is counted by candidate (`elections.rs`); here only its participation.
        if let Some(summary) = self.election_summary(db, p).await? {
            return Ok(summary);
        }
        let (electorate, _) = self.frozen_electorate(db, p.row.id).await?;
        let ballots: Vec<(String, String)> = ballot::Entity::find()
            .filter(ballot::Column::ProposalId.eq(p.row.id))
            .select_only()
            .column(ballot::Column::VoterKey)
            .column(ballot::Column::Choice)
            .into_tuple()
            .all(db)
            .await?;
        let mut answered_keys = std::collections::HashSet::new();
        let parsed: Vec<(VoterKey, Choice)> = ballots
            .iter()
            .filter_map(|(k, c)| {
                answered_keys.insert(k.as_str());
                Some((VoterKey::parse(k).ok()?, Choice::parse(c).ok()?))
            })
            .collect();
        let answered = electorate
            .voters()
            .iter()
            .filter(|v| answered_keys.contains(v.key.to_string().as_str()))
            .map(|v| v.households.len() as i64)
            .sum();
        let ctx = self.tally_context(db, p.row.id).await?;
        Ok((tally(&electorate, &p.rule, parsed, &ctx), answered))
    }

    async fn tally_context<C: ConnectionTrait>(&self, db: &C, id: i64) -> ServiceResult<TallyContext> {
        let consents = affected_consent::Entity::find().filter(affected_consent::Column::ProposalId.eq(id)).all(db).await?;
        let unresolved = objection::Entity::find()
            .filter(objection::Column::ProposalId.eq(id))
            .filter(objection::Column::Resolved.eq(false))
            .count(db)
            .await?;
        Ok(TallyContext {
            affected_households_consented: consents.iter().map(|c| (c.household_id, c.consented)).collect(),
            unresolved_objections: unresolved as usize,
        })
    }

    /// Closes the vote for good: counts, stores the result with the rule and the totals, and
    /// moves the proposal to passed, failed or no quorum. The pages ask for confirmation;
    /// the API needs `confirm: true`.
    pub async fn close_voting(&self, actor: &Actor, id: i64, confirm: bool, lang: Lang) -> ServiceResult<ProposalView> {
        let p = self.load_proposal(id).await?;
        actor.require(Action::ManageDecision, &p.path)?;
        p.at_stage(&[ProposalStage::Voting])?;
        if !confirm {
            return Err(ServiceError::invalid("confirm", Invalid::Required));
        }
        if self.election_of(id).await?.is_some() {
            return self.close_election(actor, &p, lang).await;
        }
        let txn = self.begin_write().await?;
        // Ballots wait for this lock (see `cast_ballot`), so the count below is the last word.
        let locked = proposal::Entity::update_many()
            .col_expr(proposal::Column::UpdatedAt, Expr::value(now()))
            .filter(proposal::Column::Id.eq(id))
            .filter(proposal::Column::Stage.eq(ProposalStage::Voting.as_str()))
            .exec(&txn)
            .await?;
        if locked.rows_affected != 1 {
            return Err(ServiceError::Stale { current: p.row.version + 1 });
        }
        let (result, answered) = self.count(&txn, &p).await?;
        let next = p.stage.next(StageEvent::Close(result.outcome)).map_err(|e| ServiceError::invalid("stage", e))?;
        let stored = serde_json::to_string(&StoredResult { result, answered_households: answered, rule: p.rule.clone() }).map_err(anyhow::Error::from)?;
        let t = now();
        let extra = vec![(proposal::Column::ClosedAt, Expr::value(t)), (proposal::Column::Result, Expr::value(stored))];
        self.set_stage_in(&txn, actor, &p, next, "proposal.close_voting", extra).await?;
        super::acting::notify_proposer(&txn, &p.row, &format!("{}：{}", next.label(Lang::Zh), p.row.title)).await?;
        // The result is published: everyone on the roll is told.
        super::acting::notify_roll(&txn, id, "proposal.result", &format!("表决结果已公布（{}）：{}", next.label(Lang::Zh), p.row.title), &p.row.title).await?;
        txn.commit().await?;
        self.proposal(actor, id, lang).await
    }

    /// Every voter with their current ballot, in the order of the roll: the register a court
    /// could read. Personal data: those who run or assist the vote only.
    pub async fn ballot_register(&self, actor: &Actor, id: i64, lang: Lang) -> ServiceResult<Vec<RegisterRow>> {
        let p = self.load_proposal(id).await?;
        if !(actor.can(Action::ManageDecision, &p.path) || actor.can(Action::RecordBallot, &p.path)) {
            return Err(ServiceError::Forbidden);
        }
        let electors = elector::Entity::find().filter(elector::Column::ProposalId.eq(id)).order_by_asc(elector::Column::Id).all(self.read()).await?;
        // An election's register lists the candidates each voter named; a yes/no vote's, the choice.
        let casts: HashMap<String, Cast> = if self.election_of(id).await?.is_some() {
            self.election_casts(id).await?
        } else {
            ballot::Entity::find()
                .filter(ballot::Column::ProposalId.eq(id))
                .all(self.read())
                .await?
                .into_iter()
                .map(|b| {
                    let label = Choice::parse(&b.choice).ok().map(|c| c.label(lang).to_string()).unwrap_or_default();
                    let choice = b.choice.clone();
                    (b.voter_key.clone(), cast!(b, choice, label))
                })
                .collect()
        };
        let mut labels: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for h in elector_household::Entity::find()
            .filter(elector_household::Column::ProposalId.eq(id))
            .order_by_asc(elector_household::Column::Id)
            .all(self.read())
            .await?
        {
            labels.entry(h.voter_key).or_default().push(h.label);
        }
        Ok(electors.iter().map(|e| register_row(e, casts.get(&e.voter_key), labels.get(&e.voter_key).map(|l| l.join("、")).unwrap_or_default())).collect())
    }

    /// Every version of one voter's ballot.
    pub async fn ballot_history(&self, actor: &Actor, id: i64, voter_key: &str) -> ServiceResult<Vec<BallotEventView>> {
        let p = self.load_proposal(id).await?;
        if !(actor.can(Action::ManageDecision, &p.path) || actor.can(Action::RecordBallot, &p.path)) {
            return Err(ServiceError::Forbidden);
        }
        let rows = ballot_event::Entity::find()
            .filter(ballot_event::Column::ProposalId.eq(id))
            .filter(ballot_event::Column::VoterKey.eq(voter_key))
            .order_by_asc(ballot_event::Column::Revision)
            .all(self.read())
            .await?;
        Ok(rows
            .into_iter()
            .map(|b| BallotEventView {
                revision: b.revision,
                choice: b.choice,
                method: b.method,
                recorder_name: b.recorder_name,
                evidence_id: b.evidence_id,
                witness: b.witness,
                note: b.note,
                cast_at: b.cast_at,
            })
            .collect())
    }

    /// The actor's own ballot in this vote, if they are on the roll.
    pub async fn my_ballot(&self, actor: &Actor, id: i64) -> ServiceResult<Option<MyBallot>> {
        let p = self.load_proposal(id).await?;
        let Some((key, _)) = self.own_voter(actor, &p).await? else {
            return Ok(None);
        };
        let b = ballot::Entity::find().filter(ballot::Column::ProposalId.eq(id)).filter(ballot::Column::VoterKey.eq(key.clone())).one(self.read()).await?;
        let labels: Vec<String> = elector_household::Entity::find()
            .filter(elector_household::Column::ProposalId.eq(id))
            .filter(elector_household::Column::VoterKey.eq(key.clone()))
            .select_only()
            .column(elector_household::Column::Label)
            .into_tuple()
            .all(self.read())
            .await?;
        Ok(Some(MyBallot { voter_key: key, households: labels.join("、"), choice: b.as_ref().map(|b| b.choice.clone()), revision: b.map(|b| b.revision).unwrap_or(0) }))
    }
}

/// The ballot register as a spreadsheet, in the reader's language.
pub enum SheetKind {
    Xlsx,
    Csv,
}

impl Store {
    /// The ballot register as `.xlsx` or `.csv`: one row per voter, as on the print page.
    pub async fn ballot_register_file(&self, actor: &Actor, id: i64, kind: SheetKind, lang: Lang) -> ServiceResult<Vec<u8>> {
        let rows = self.ballot_register(actor, id, lang).await?;
        let pick = |zh: &'static str, en: &'static str| lang.pick(zh, en);
        let headers = [
            pick("投票人", "Voter"),
            pick("房屋", "Households"),
            pick("面积㎡", "Area m²"),
            pick("人数", "Heads"),
            pick("意见", "Choice"),
            pick("方式", "Method"),
            pick("录入人", "Recorded by"),
            pick("见证人", "Witness"),
            pick("凭证", "Evidence"),
            pick("时间", "Time"),
            pick("版本", "Revision"),
        ];
        let table: Vec<Vec<String>> = rows
            .into_iter()
            .map(|r| {
                vec![
                    r.name,
                    r.households,
                    r.area,
                    r.heads.to_string(),
                    r.choice_label,
                    r.method.as_deref().and_then(|m| CastMethod::parse(m).ok()).map(|m| m.label(lang).to_string()).unwrap_or_default(),
                    r.recorder_name.unwrap_or_default(),
                    r.witness.unwrap_or_default(),
                    r.evidence_id.map(|e| format!("/files/{e}")).unwrap_or_default(),
                    r.cast_at.map(crate::china_time).unwrap_or_default(),
                    r.revision.to_string(),
                ]
            })
            .collect();
        match kind {
            SheetKind::Xlsx => crate::sheet::xlsx_table(lang.pick("表决登记表", "Ballot register"), &headers, &table),
            SheetKind::Csv => crate::sheet::csv_table(&headers, &table),
        }
    }
}


/// A household of the frozen roll, for printed consent forms.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RollHousehold {
    pub household_id: i64,
    pub label: String,
    pub owners: String,
    pub area: String,
    pub floor: i32,
}

impl Store {
    /// The households of the frozen roll in building, unit, floor and room order.
    pub async fn roll_households(&self, actor: &Actor, id: i64) -> ServiceResult<Vec<RollHousehold>> {
        let p = self.load_proposal(id).await?;
        if !(actor.can(Action::ManageDecision, &p.path) || actor.can(Action::RecordBallot, &p.path)) {
            return Err(ServiceError::Forbidden);
        }
        let rows = elector_household::Entity::find()
            .filter(elector_household::Column::ProposalId.eq(id))
            .order_by_asc(elector_household::Column::BuildingId)
            .order_by_asc(elector_household::Column::UnitId)
            .order_by_asc(elector_household::Column::Floor)
            .order_by_asc(elector_household::Column::Label)
            .all(self.read())
            .await?;
        Ok(rows
            .into_iter()
            .map(|h| RollHousehold {
                household_id: h.household_id,
                label: h.label,
                owners: h.owners,
                area: Area::from_centi(h.area_centi).map(|a| a.to_string()).unwrap_or_default(),
                floor: h.floor,
            })
            .collect())
    }
}

/// Locks the proposal row for a ballot, inside the ballot's transaction: closing the vote
/// waits for it (and it for closing), in one process or two. Refused after the window.
pub(crate) async fn lock_open_vote<C: ConnectionTrait>(txn: &C, id: i64, at: i64) -> ServiceResult<()> {
    let open = proposal::Entity::update_many()
        .col_expr(proposal::Column::UpdatedAt, Expr::col(proposal::Column::UpdatedAt))
        .filter(proposal::Column::Id.eq(id))
        .filter(proposal::Column::Stage.eq(ProposalStage::Voting.as_str()))
        .filter(proposal::Column::VotingDeadline.gt(at))
        .exec(txn)
        .await?;
    if open.rows_affected != 1 {
        return Err(ServiceError::invalid("proposal", Invalid::VotingClosed));
    }
    Ok(())
}

/// What is stored with a closed proposal: the count, and the rule it was counted under.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct StoredResult {
    pub(crate) result: TallyResult,
    pub(crate) answered_households: i64,
    pub(crate) rule: linli_domain::decision::DecisionRule,
}

/// A voter's current ballot as the register shows it, whether yes/no or naming candidates.
pub(super) struct Cast {
    /// `yes`/`no`/`abstain`, or the candidates' ids joined by commas.
    pub choice: String,
    pub choice_label: String,
    pub method: String,
    pub recorder_name: String,
    pub evidence_id: Option<i64>,
    pub witness: Option<String>,
    pub cast_at: i64,
    pub revision: i32,
}

/// A [`Cast`] from a ballot row of either kind (they share their columns).
macro_rules! cast {
    ($b:expr, $choice:expr, $label:expr) => {
        $crate::proposals::voting::Cast {
            choice: $choice,
            choice_label: $label,
            method: $b.method,
            recorder_name: $b.recorder_name,
            evidence_id: $b.evidence_id,
            witness: $b.witness,
            cast_at: $b.cast_at,
            revision: $b.revision,
        }
    };
}
pub(super) use cast;

fn register_row(e: &elector::Model, b: Option<&Cast>, households: String) -> RegisterRow {
    RegisterRow {
        voter_key: e.voter_key.clone(),
        name: e.name.clone(),
        households,
        area: Area::from_centi(e.area_centi).map(|a| a.to_string()).unwrap_or_default(),
        heads: e.heads,
        choice: b.map(|b| b.choice.clone()),
        choice_label: b.map(|b| b.choice_label.clone()).unwrap_or_default(),
        method: b.map(|b| b.method.clone()),
        recorder_name: b.map(|b| b.recorder_name.clone()),
        evidence_id: b.and_then(|b| b.evidence_id),
        witness: b.and_then(|b| b.witness.clone()),
        cast_at: b.map(|b| b.cast_at),
        revision: b.map(|b| b.revision).unwrap_or(0),
    }
}

/// Formats a measure for people: area in m² with two decimals, heads as a count.
pub(crate) fn amount(measure: Option<linli_domain::decision::Measure>, v: i64, lang: Lang) -> String {
    match measure {
        Some(linli_domain::decision::Measure::Area) => {
            format!("{} m²", Area::from_centi(v).map(|a| a.to_string()).unwrap_or_else(|_| v.to_string()))
        }
        Some(linli_domain::decision::Measure::Headcount) => format!("{v}{}", lang.pick(" 人", "")),
        None => v.to_string(),
    }
}

fn tally_view(result: TallyResult, final_result: bool, households: u64, answered: i64, lang: Lang) -> TallyView {
    let lines = result
        .checks
        .iter()
        .map(|c| CheckLine { rule: c.label(lang), part: amount(c.measure(), c.part, lang), whole: amount(c.measure(), c.whole, lang), met: c.met })
        .collect();
    let outcome_label = if final_result {
        result.outcome.label(lang).to_string()
    } else {
        match result.outcome {
            Outcome::Passed => lang.pick("按目前票数：可以通过", "On the ballots so far: would pass"),
            Outcome::Failed => lang.pick("按目前票数：尚未达到", "On the ballots so far: not yet reached"),
            Outcome::NoQuorum => lang.pick("按目前票数：参与不足", "On the ballots so far: no quorum yet"),
        }
        .to_string()
    };
    TallyView { result, lines, final_result, households: households as i64, answered_households: answered, outcome_label }
}

/// The last day of the vote as typed, as the instant it ends: midnight after it, China time.
fn parse_deadline(s: &str) -> ServiceResult<i64> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let d = time::Date::parse(s.trim(), &fmt).map_err(|_| FieldError::new("deadline", if s.trim().is_empty() { Invalid::Required } else { Invalid::BadDate }))?;
    let end = d.next_day().ok_or_else(|| FieldError::new("deadline", Invalid::BadDate))?.midnight().assume_offset(time::macros::offset!(+8));
    let t = end.unix_timestamp();
    if t <= now() {
        return Err(ServiceError::invalid("deadline", Invalid::BadDate));
    }
    Ok(t)
}
