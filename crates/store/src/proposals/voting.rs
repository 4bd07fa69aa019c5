//! Voting: freezing the electorate, ballots in every way they are cast, the live tally and
//! closing the vote.

use super::{Loaded, ProposalView, internal, require_view, runs_the_vote};
use crate::Store;
use crate::accounts::Actor;
use crate::audit::Change;
use crate::entity::{
    affected_consent, attachment, ballot, ballot_event, building, elector, elector_household,
    household, objection, ownership, person, proposal, unit,
};
use crate::error::{ServiceError, ServiceResult};
use crate::files::NewFile;
use crate::registry::RoomsOf;
use linli_domain::authz::{Action, Role};
use linli_domain::decision::Authority;
use linli_domain::decision::{
    CastMethod, Check, Choice, ElectorHousehold, Electorate, Evidence, ProposalStage, StageEvent,
    TallyContext, TallyResult, Voter, VoterKey, tally,
};
use linli_domain::registry::Text;
use linli_domain::{Area, FieldError, Invalid, Lang};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// Rows per INSERT when the electorate is frozen: well under SQLite's 32,766 parameters.
const BATCH: usize = 500;

/// Opening the vote.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct OpenVotingInput {
    /// The last day ballots are accepted, `YYYY-MM-DD` (China time, until midnight).
    pub deadline: String,
    /// Flats without an owner on record count in the totals but no ballot can be cast for
    /// them: opening a vote that holds any is refused, listing them, until this is true.
    #[serde(default)]
    pub confirm_ownerless: bool,
}

/// A ballot, cast by the owner or recorded for them.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct BallotInput {
    /// `yes`, `no` or `abstain`.
    pub choice: String,
    /// `online` (the owner), `assisted`, `proxy`, `remote` or `paper`.
    #[serde(default)]
    pub method: String,
    /// The household voted for. Online it may be left out (the voter's one ballot covers all
    /// the flats they vote for); recorded ballots name it, or the voter.
    #[serde(default)]
    pub household_id: Option<i64>,
    /// The household as people say its room ("601", "1栋1单元601", "1-1-601"), looked up in
    /// the vote's place, when `household_id` is not given.
    #[serde(default)]
    pub room: String,
    /// The voter of the roll (`p:12`, `dev`), for recorded ballots when a flat has several.
    #[serde(default)]
    pub voter_key: Option<String>,
    /// Who cast a proxy ballot: the holder of the voter's authorisation (required for the
    /// developer's representative).
    #[serde(default)]
    pub proxy_name: String,
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
    /// Each check with its numbers; the API words each ("同意面积 ≥ 2/3", "2,154.30 m²",
    /// "3,210.00 m²"), and words the outcome as `outcome_label` (live: "按目前票数：…").
    pub lines: Vec<CheckLine>,
    /// Whether this is the final result stored when the vote closed.
    pub final_result: bool,
    pub households: i64,
    pub answered_households: i64,
    /// How the roll counted what SPC Art. 9 counts specially; the notice and the API
    /// (`roll_notes`) say it in words: "开发建设单位未售出 12 套，按一人计".
    #[serde(skip)]
    pub roll: RollCounts,
}

/// One check of a count with its numbers (`met` beside them); the API words the rule and the
/// numbers as `rule`, `part` and `whole`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CheckLine {
    #[serde(skip)]
    pub check: Check,
    pub met: bool,
}

impl CheckLine {
    pub(crate) fn of(checks: &[Check]) -> Vec<CheckLine> {
        checks
            .iter()
            .map(|c| CheckLine {
                check: *c,
                met: c.met,
            })
            .collect()
    }
}

/// What the frozen roll counts specially (SPC Art. 9): the developer's unsold flats, counted
/// as one owner, and flats without an owner on record, counted in the totals only.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RollCounts {
    pub developer_flats: usize,
    pub ownerless: usize,
}

impl RollCounts {
    pub(super) fn of(e: &Electorate) -> RollCounts {
        RollCounts {
            developer_flats: e.developer_flats(),
            ownerless: e.ownerless().len(),
        }
    }
}

/// What a ballot on the register says: a yes/no choice, or the candidates it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CastChoice {
    Vote(Choice),
    /// The names of the candidates, as the election lists them ("业主 孙大爷、李阿姨").
    Candidates(String),
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
    /// The ballot as a choice or the candidates named; the API sends it in words as
    /// `choice_label`.
    #[serde(skip)]
    pub said: Option<CastChoice>,
    pub method: Option<linli_domain::decision::CastMethod>,
    pub recorder_name: Option<String>,
    pub evidence_id: Option<i64>,
    pub witness: Option<String>,
    pub cast_at: Option<i64>,
    /// How many times the ballot was changed (1 = cast once).
    pub revision: i32,
    /// Who cast it: the voter, or the proxy holding their authorisation.
    pub cast_by: Option<String>,
    /// `own`, `proxy` or `developer_letter` (the API adds `authority_label`).
    pub authority: Option<linli_domain::decision::Authority>,
}

/// What a ballot became: the voter it counts for and its revision (1 = first cast).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BallotReceipt {
    pub voter_key: String,
    pub choice: linli_domain::decision::Choice,
    pub method: linli_domain::decision::CastMethod,
    pub revision: i32,
    pub cast_at: i64,
}

/// What a ballot asks to be: how, for which flat or voter, by whom, with what evidence.
pub(crate) struct CastRequest<'a> {
    pub method: CastMethod,
    pub household_id: Option<i64>,
    pub voter_key: Option<&'a str>,
    pub proxy_name: Option<&'a Text>,
    pub evidence_id: Option<i64>,
    /// An evidence file sent with the form, stored in the ballot's transaction.
    pub evidence_sent: bool,
    pub witness: Option<&'a Text>,
    pub note: Option<&'a Text>,
}

/// The voter a ballot counts for, who cast it and on whose authority.
pub(crate) struct CastFor {
    pub voter_key: String,
    pub cast_by: String,
    pub cast_by_person_id: Option<i64>,
    pub authority: Authority,
}

/// A version of a ballot, kept for good.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BallotEventView {
    pub revision: i32,
    pub choice: linli_domain::decision::Choice,
    pub method: linli_domain::decision::CastMethod,
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
    pub choice: Option<linli_domain::decision::Choice>,
    pub revision: i32,
}

impl Store {
    /// Opens the vote: freezes the electorate of the scope and the deadline. Only those who
    /// run the decision may, and only after deliberation.
    pub async fn open_voting(
        &self,
        actor: &Actor,
        id: i64,
        input: &OpenVotingInput,
    ) -> ServiceResult<ProposalView> {
        let p = self.load_proposal(id).await?;
        actor.require(Action::ManageDecision, &p.path)?;
        let next = p
            .stage
            .next(StageEvent::OpenVoting)
            .map_err(|e| ServiceError::invalid("stage", e))?;
        let deadline = parse_deadline(&input.deadline, self.now())?;
        let txn = self.begin_write().await?;
        // The roll is read inside the write transaction: no household can move in between.
        let (voters, households, ownerless) = self.roll(&txn, &p).await?;
        if households.is_empty() {
            return Err(ServiceError::invalid("scope_id", Invalid::NotInElectorate));
        }
        if !ownerless.is_empty() && !input.confirm_ownerless {
            let count = ownerless.len();
            return Err(ServiceError::invalid(
                "confirm_ownerless",
                Invalid::OwnerlessUnconfirmed {
                    count,
                    households: ownerless.join("、"),
                },
            ));
        }
        let t = self.now();
        let extra = vec![
            (proposal::Column::VotingOpenedAt, Expr::value(t)),
            (proposal::Column::VotingDeadline, Expr::value(deadline)),
        ];
        self.set_stage_in(&txn, actor, &p, next, "proposal.open_voting", extra)
            .await?;
        for chunk in voters.chunks(BATCH) {
            elector::Entity::insert_many(chunk.iter().cloned())
                .exec_without_returning(&txn)
                .await?;
        }
        for chunk in households.chunks(BATCH) {
            elector_household::Entity::insert_many(chunk.iter().cloned())
                .exec_without_returning(&txn)
                .await?;
        }
        super::acting::notify_roll(
            &txn,
            self.now(),
            id,
            "voting.open",
            &format!("请投票：{}", p.row.title),
            &p.row.title,
        )
        .await?;
        txn.commit().await?;
        self.proposal(actor, id).await
    }

    /// The electorate of a proposal's scope as rows to freeze, under the rule's headcount
    /// switches, and the labels of the flats without an owner on record.
    async fn roll<C: ConnectionTrait>(
        &self,
        db: &C,
        p: &Loaded,
    ) -> ServiceResult<(
        Vec<elector::ActiveModel>,
        Vec<elector_household::ActiveModel>,
        Vec<String>,
    )> {
        let mut q = household::Entity::find();
        q = match p.scope {
            super::Scope::Compound => q.filter(household::Column::CompoundId.eq(p.row.scope_id)),
            super::Scope::Building => q
                .filter(household::Column::CompoundId.eq(p.compound.id))
                .filter(household::Column::BuildingId.eq(p.row.scope_id)),
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
        let units: HashMap<i64, String> = unit::Entity::find()
            .filter(unit::Column::CompoundId.eq(p.compound.id))
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect();
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
            for p in person::Entity::find()
                .filter(person::Column::Id.is_in(ids.iter().copied()))
                .all(db)
                .await?
            {
                names.insert(p.id, p.name);
            }
        }
        let electorate = Electorate::build(
            hh.iter().map(|h| ElectorHousehold {
                household_id: h.id,
                area_centi: h.area_centi,
                owners: owners.get(&h.id).cloned().unwrap_or_default(),
                designated_voter: h.designated_voter_id,
                developer_unsold: h.developer_unsold,
            }),
            &p.rule.headcount,
        )
        .map_err(|e| internal(format!("electorate of proposal {}: {e}", p.row.id)))?;
        let owner_names = |hid: i64| -> String {
            owners
                .get(&hid)
                .map(|ps| {
                    ps.iter()
                        .filter_map(|p| names.get(p).cloned())
                        .collect::<Vec<_>>()
                        .join("、")
                })
                .unwrap_or_default()
        };
        let voter_rows = electorate
            .voters()
            .iter()
            .map(|v| {
                let (person_id, name) = match v.key {
                    VoterKey::Person(pid) => {
                        (Some(pid), names.get(&pid).cloned().unwrap_or_default())
                    }
                    // Nobody: the flat has no owner on record (see `VoterKey::can_cast`).
                    VoterKey::Household(_) => (None, "（无登记业主）".to_string()),
                    VoterKey::Developer => (
                        None,
                        format!("开发建设单位（未售出 {} 套，按一人计）", v.households.len()),
                    ),
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
        let label_of = |h: &household::Model| {
            format!(
                "{} {} {}",
                buildings
                    .get(&h.building_id)
                    .map(String::as_str)
                    .unwrap_or(""),
                units.get(&h.unit_id).map(String::as_str).unwrap_or(""),
                h.room
            )
        };
        let ownerless = hh
            .iter()
            .filter(|h| {
                electorate
                    .voter_for(h.id)
                    .is_some_and(|v| !v.key.can_cast())
            })
            .map(|h| label_of(h).trim().to_string())
            .collect();
        // One row per (household, voter): co-owners voting separately each get theirs.
        let household_rows = hh
            .iter()
            .flat_map(|h| electorate.voters_for(h.id).map(move |v| (h, v)))
            .map(|(h, v)| {
                let label = label_of(h);
                elector_household::ActiveModel {
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
                }
            })
            .collect();
        Ok((voter_rows, household_rows, ownerless))
    }

    /// The frozen electorate of a proposal, as the pure tally wants it.
    pub(crate) async fn frozen_electorate<C: ConnectionTrait>(
        &self,
        db: &C,
        proposal_id: i64,
    ) -> ServiceResult<(Electorate, Vec<elector::Model>)> {
        let rows = elector::Entity::find()
            .filter(elector::Column::ProposalId.eq(proposal_id))
            .order_by_asc(elector::Column::Id)
            .all(db)
            .await?;
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
                let key = VoterKey::parse(&r.voter_key)
                    .map_err(|_| internal(format!("voter key {}", r.voter_key)))?;
                let mut households = by_key.remove(&r.voter_key).unwrap_or_default();
                households.sort_unstable();
                Ok(Voter {
                    key,
                    households,
                    area_centi: r.area_centi,
                    heads: r.heads,
                })
            })
            .collect::<ServiceResult<Vec<_>>>()?;
        Ok((Electorate::from_voters(voters), rows))
    }

    /// The voter the actor is in this vote: the person their account is linked to (or that
    /// their households make unambiguous), if that person is on the frozen roll. Returns the
    /// voter key and the first of the flats it votes for.
    pub(crate) async fn own_voter(
        &self,
        actor: &Actor,
        p: &Loaded,
    ) -> ServiceResult<Option<(String, i64)>> {
        if p.stage.is_before_voting() {
            return Ok(None);
        }
        let Some((person, _)) = self.person_of(self.read(), actor.account_id).await? else {
            return Ok(None);
        };
        let key = VoterKey::Person(person).to_string();
        let row = elector_household::Entity::find()
            .filter(elector_household::Column::ProposalId.eq(p.row.id))
            .filter(elector_household::Column::VoterKey.eq(key))
            .order_by_asc(elector_household::Column::HouseholdId)
            .one(self.read())
            .await?;
        Ok(row.map(|r| (r.voter_key, r.household_id)))
    }

    /// Why the actor is not a voter of this vote although an owner of a flat on its roll:
    /// the designated voter of that flat, named, with how to change it or vote for them.
    pub async fn why_not_voter(&self, actor: &Actor, id: i64) -> ServiceResult<Option<FieldError>> {
        let p = self.load_proposal(id).await?;
        if p.stage != ProposalStage::Voting || self.own_voter(actor, &p).await?.is_some() {
            return Ok(None);
        }
        match self.person_of(self.read(), actor.account_id).await? {
            None if actor.grants.iter().any(|g| g.role == Role::Owner) => {
                Ok(Some(FieldError::new("voter", Invalid::AccountNotLinked)))
            }
            None => Ok(None),
            Some((person, _)) => self.co_owned_refusal(p.row.id, person, None).await,
        }
    }

    /// The refusal for a person who owns (a share of) a flat of the roll but does not vote for
    /// it: it names the flat's voter. `None` when the person owns no such flat.
    async fn co_owned_refusal(
        &self,
        id: i64,
        person: i64,
        household_id: Option<i64>,
    ) -> ServiceResult<Option<FieldError>> {
        let mut owned = ownership::Entity::find().filter(ownership::Column::PersonId.eq(person));
        if let Some(hid) = household_id {
            owned = owned.filter(ownership::Column::HouseholdId.eq(hid));
        }
        let owned: Vec<i64> = owned
            .all(self.read())
            .await?
            .into_iter()
            .map(|o| o.household_id)
            .collect();
        if owned.is_empty() {
            return Ok(None);
        }
        let flat = elector_household::Entity::find()
            .filter(elector_household::Column::ProposalId.eq(id))
            .filter(elector_household::Column::HouseholdId.is_in(owned))
            .order_by_asc(elector_household::Column::HouseholdId)
            .one(self.read())
            .await?;
        let Some(flat) = flat else {
            return Ok(None);
        };
        let voter = self.elector(id, &flat.voter_key).await?;
        let household = flat.label.trim().to_string();
        let error = match VoterKey::parse(&flat.voter_key) {
            Ok(VoterKey::Person(_)) => Invalid::NotDesignatedVoter {
                household,
                voter: voter.map(|v| v.name).unwrap_or_default(),
            },
            Ok(VoterKey::Developer) => Invalid::DeveloperNeedsAuthorisation,
            _ => Invalid::Ownerless { household },
        };
        Ok(Some(FieldError::new("household_id", error)))
    }

    async fn elector(&self, id: i64, key: &str) -> ServiceResult<Option<elector::Model>> {
        Ok(elector::Entity::find()
            .filter(elector::Column::ProposalId.eq(id))
            .filter(elector::Column::VoterKey.eq(key))
            .one(self.read())
            .await?)
    }

    /// Casts or changes a ballot. The owner votes online for their own household; building
    /// and unit heads, grid workers and volunteers record assisted, remote and proxy ballots;
    /// the committee enters paper forms. Each way needs its evidence (`CastMethod::check`).
    pub async fn cast_ballot(
        &self,
        actor: &Actor,
        id: i64,
        input: &BallotInput,
    ) -> ServiceResult<BallotReceipt> {
        self.cast_ballot_with(actor, id, input, None).await
    }

    /// [`Store::cast_ballot`] with its evidence file sent in the same form: the file is
    /// stored in the ballot's transaction, so a refused ballot leaves no file behind.
    pub async fn cast_ballot_with(
        &self,
        actor: &Actor,
        id: i64,
        input: &BallotInput,
        evidence: Option<NewFile>,
    ) -> ServiceResult<BallotReceipt> {
        let p = self.load_proposal(id).await?;
        require_view(actor, &p)?;
        let upload = self.prepare_evidence(actor, &p.compound, evidence).await?;
        let mut e = Vec::new();
        let choice = crate::registry::field(&mut e, "choice", Choice::parse_written(&input.choice));
        let method_text = if input.method.trim().is_empty() {
            "online"
        } else {
            input.method.trim()
        };
        let method = crate::registry::field(&mut e, "method", CastMethod::parse(method_text));
        let witness =
            crate::registry::field(&mut e, "witness", Text::parse_optional(&input.witness, 200));
        let note = crate::registry::field(&mut e, "note", Text::parse_optional(&input.note, 2000));
        let proxy_name = crate::registry::field(
            &mut e,
            "proxy_name",
            Text::parse_optional(&input.proxy_name, 100),
        );
        let (Some(choice), Some(method), Some(witness), Some(note), Some(proxy_name), true) =
            (choice, method, witness, note, proxy_name, e.is_empty())
        else {
            return Err(ServiceError::Invalid(e));
        };
        // An election's ballot names candidates (`cast_election_ballot`), not yes or no.
        if self.election_of(id).await?.is_some() {
            return Err(ServiceError::invalid("candidates", Invalid::Required));
        }
        let household_id = self
            .named_household(actor, &p, input.household_id, &input.room, method)
            .await?;
        let req = CastRequest {
            method,
            household_id,
            voter_key: input.voter_key.as_deref(),
            proxy_name: proxy_name.as_ref(),
            evidence_id: input.evidence_id,
            evidence_sent: upload.is_some(),
            witness: witness.as_ref(),
            note: note.as_ref(),
        };
        let cast = self.ballot_voter(actor, &p, &req).await?;
        let voter_key = cast.voter_key.clone();
        let t = self.now();
        let txn = self.begin_write().await?;
        lock_open_vote(&txn, id, t).await?;
        let evidence_id = match upload {
            Some(u) => Some(self.store_upload(&txn, actor, p.compound.id, u).await?.id),
            None => input.evidence_id,
        };
        let row = ballot::ActiveModel {
            proposal_id: Set(id),
            voter_key: Set(voter_key.clone()),
            choice: Set(choice),
            method: Set(method),
            recorded_by: Set(actor.account_id),
            recorder_name: Set(actor.name.clone()),
            evidence_id: Set(evidence_id),
            witness: Set(witness.map(Text::into_string)),
            note: Set(note.map(Text::into_string)),
            cast_at: Set(t),
            revision: Set(1),
            cast_by: Set(cast.cast_by.chars().take(200).collect()),
            cast_by_person_id: Set(cast.cast_by_person_id),
            authority: Set(cast.authority),
            city_id: Set(p.compound.city_id),
            ..Default::default()
        };
        // One row per voter: a second ballot (from any process) replaces the first.
        ballot::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([
                    ballot::Column::CityId,
                    ballot::Column::ProposalId,
                    ballot::Column::VoterKey,
                ])
                .update_columns([
                    ballot::Column::Choice,
                    ballot::Column::Method,
                    ballot::Column::RecordedBy,
                    ballot::Column::RecorderName,
                    ballot::Column::EvidenceId,
                    ballot::Column::Witness,
                    ballot::Column::Note,
                    ballot::Column::CastAt,
                    ballot::Column::CastBy,
                    ballot::Column::CastByPersonId,
                    ballot::Column::Authority,
                ])
                .value(
                    ballot::Column::Revision,
                    Expr::col((ballot::Entity, ballot::Column::Revision)).add(1),
                )
                .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
        let b = ballot::Entity::find()
            .filter(ballot::Column::CityId.eq(p.compound.city_id))
            .filter(ballot::Column::ProposalId.eq(id))
            .filter(ballot::Column::VoterKey.eq(voter_key.clone()))
            .one(&txn)
            .await?
            .ok_or(ServiceError::NotFound { entity: "ballot" })?;
        ballot_event::Entity::insert(ballot_event::ActiveModel {
            proposal_id: Set(id),
            voter_key: Set(b.voter_key.clone()),
            revision: Set(b.revision),
            choice: Set(b.choice),
            method: Set(b.method),
            recorded_by: Set(b.recorded_by),
            recorder_name: Set(b.recorder_name.clone()),
            evidence_id: Set(b.evidence_id),
            witness: Set(b.witness.clone()),
            note: Set(b.note.clone()),
            cast_at: Set(b.cast_at),
            cast_by: Set(b.cast_by.clone()),
            cast_by_person_id: Set(b.cast_by_person_id),
            authority: Set(b.authority),
            city_id: Set(p.compound.city_id),
            ..Default::default()
        })
        .exec_without_returning(&txn)
        .await?;
        Change::by(actor, p.compound.id, "ballot.cast", "proposal", id)
            .after(serde_json::to_value(&b).map_err(anyhow::Error::from)?)
            .record(&txn)
            .await?;
        txn.commit().await?;
        Ok(BallotReceipt {
            voter_key: b.voter_key,
            choice: b.choice,
            method: b.method,
            revision: b.revision,
            cast_at: b.cast_at,
        })
    }

    /// The flats of the vote's place for the recorder's building → unit → room picker (empty
    /// for a place too large to list; the room is typed then).
    pub async fn ballot_room_choices(
        &self,
        actor: &Actor,
        id: i64,
    ) -> ServiceResult<Vec<crate::registry::RoomChoice>> {
        let p = self.load_proposal(id).await?;
        if !actor.can(Action::RecordBallot, &p.path) && !actor.can(Action::ManageDecision, &p.path)
        {
            return Err(ServiceError::Forbidden);
        }
        self.room_choices(&p.compound, &p.path).await
    }

    /// The flat a ballot names: its id, or its room as people say it, in the vote's place.
    /// Online (the voter's own ballot) only the voter's flats are meant.
    pub(crate) async fn named_household(
        &self,
        actor: &Actor,
        p: &Loaded,
        id: Option<i64>,
        room: &str,
        method: CastMethod,
    ) -> ServiceResult<Option<i64>> {
        let whose = if method == CastMethod::Online {
            RoomsOf::OwnOnly
        } else {
            RoomsOf::Any
        };
        match (id, room.trim()) {
            (Some(id), _) => Ok(Some(id)),
            (None, "") => Ok(None),
            (None, text) => self
                .household_by_room(actor, &p.compound, &p.path, text, "room", whose)
                .await
                .map(Some),
        }
    }

    /// The voter a ballot counts for, who cast it and on whose authority, after checking who
    /// may cast it that way and the evidence that way needs: one gate for yes/no ballots and
    /// election ballots alike.
    ///
    /// - Online: a person votes for the flats they are the voter of, all at once. A co-owner
    ///   who is not the designated voter is refused, naming the designated voter.
    /// - Assisted, remote: building and unit heads, grid workers and volunteers record the
    ///   voter's own ballot; paper forms are the committee's.
    /// - Proxy: recorded by them, or cast by a co-owner of the flat, with the voter's signed
    ///   authorisation. The developer's one vote is only ever a proxy ballot.
    /// - A flat with no owner on record counts, but no ballot can be cast for it.
    pub(crate) async fn ballot_voter(
        &self,
        actor: &Actor,
        p: &Loaded,
        req: &CastRequest<'_>,
    ) -> ServiceResult<CastFor> {
        if p.stage != ProposalStage::Voting {
            let why = if p.stage.is_decided() {
                Invalid::VotingClosed
            } else {
                Invalid::WrongStage { stage: p.stage }
            };
            return Err(ServiceError::invalid("proposal", why));
        }
        let id = p.row.id;
        let method = req.method;
        let cast = match method {
            CastMethod::Online => self.online_voter(actor, id, req.household_id).await?,
            _ => {
                let (voter, flat) = self
                    .recorded_voter(id, req.household_id, req.voter_key)
                    .await?;
                let key = VoterKey::parse(&voter.voter_key)
                    .map_err(|_| internal(format!("voter key {}", voter.voter_key)))?;
                let authority = Authority::of(method, key, flat.as_deref().unwrap_or(&voter.name))
                    .map_err(|e| ServiceError::Invalid(vec![e]))?;
                // A co-owner may hand in the designated voter's authorisation themselves.
                let me = self
                    .person_of(self.read(), actor.account_id)
                    .await?
                    .map(|(pid, _)| pid);
                let co_owner = match (method, me) {
                    (CastMethod::Proxy, Some(pid)) => {
                        self.owns_flat_of(id, pid, &voter.voter_key).await?
                    }
                    _ => false,
                };
                if let Some(action) = method.required_action(co_owner) {
                    actor.require(action, &p.path)?;
                }
                let proxy = req.proxy_name.map(|n| n.as_str().to_string());
                match authority {
                    Authority::DeveloperLetter => {
                        let name = proxy.ok_or_else(|| {
                            ServiceError::invalid("proxy_name", Invalid::Required)
                        })?;
                        CastFor {
                            voter_key: voter.voter_key,
                            cast_by: name,
                            cast_by_person_id: None,
                            authority,
                        }
                    }
                    Authority::Proxy if co_owner => CastFor {
                        voter_key: voter.voter_key,
                        cast_by: proxy.unwrap_or_else(|| actor.name.clone()),
                        cast_by_person_id: me,
                        authority,
                    },
                    Authority::Proxy => CastFor {
                        voter_key: voter.voter_key,
                        cast_by: proxy.unwrap_or_else(|| actor.name.clone()),
                        cast_by_person_id: None,
                        authority,
                    },
                    Authority::Own => CastFor {
                        voter_key: voter.voter_key,
                        cast_by: voter.name,
                        cast_by_person_id: voter.person_id,
                        authority,
                    },
                }
            }
        };
        if let Some(eid) = req.evidence_id {
            let owner: Option<i64> = attachment::Entity::find_by_id(eid)
                .select_only()
                .column(attachment::Column::CompoundId)
                .into_tuple()
                .one(self.read())
                .await?;
            if owner != Some(p.compound.id) {
                return Err(ServiceError::invalid("evidence_id", Invalid::BadChoice));
            }
        }
        let evidence = Evidence {
            recorded_by: (method != CastMethod::Online).then_some(actor.account_id),
            file: req
                .evidence_id
                .map(|i| i.to_string())
                .or_else(|| req.evidence_sent.then(|| "sent".to_string())),
            witness: req.witness.map(|w| w.as_str().to_string()),
            note: req.note.map(|n| n.as_str().to_string()),
        };
        method.check(&evidence).map_err(ServiceError::Invalid)?;
        Ok(cast)
    }

    /// The actor's own voter for an online ballot; the link to their person is written the
    /// first time it is needed, when their households made it unambiguous.
    async fn online_voter(
        &self,
        actor: &Actor,
        id: i64,
        household_id: Option<i64>,
    ) -> ServiceResult<CastFor> {
        let (person, to_link) = self
            .person_of(self.read(), actor.account_id)
            .await?
            .ok_or_else(|| ServiceError::invalid("voter", Invalid::AccountNotLinked))?;
        let key = VoterKey::Person(person).to_string();
        let voter = self.elector(id, &key).await?;
        let flats: Vec<i64> = match &voter {
            None => Vec::new(),
            Some(_) => {
                elector_household::Entity::find()
                    .filter(elector_household::Column::ProposalId.eq(id))
                    .filter(elector_household::Column::VoterKey.eq(key.clone()))
                    .select_only()
                    .column(elector_household::Column::HouseholdId)
                    .into_tuple()
                    .all(self.read())
                    .await?
            }
        };
        let speaks_for = match household_id {
            None => !flats.is_empty(),
            Some(hid) => flats.contains(&hid),
        };
        let Some(voter) = voter.filter(|_| speaks_for) else {
            if let Some(refusal) = self.co_owned_refusal(id, person, household_id).await? {
                return Err(ServiceError::Invalid(vec![refusal]));
            }
            let flat = match household_id {
                Some(hid) => self.voter_of_household(id, hid).await?,
                None => None,
            };
            if let Some(flat) = flat {
                return Err(ServiceError::invalid(
                    "household_id",
                    Invalid::NotYourFlat {
                        household: flat.label.trim().to_string(),
                    },
                ));
            }
            return Err(ServiceError::invalid(
                "household_id",
                Invalid::NotInElectorate,
            ));
        };
        if to_link {
            let chain = proposal::Entity::find_by_id(id)
                .one(self.read())
                .await?
                .map(|p| p.compound_id)
                .unwrap_or(crate::audit::GLOBAL_CHAIN);
            let txn = self.begin_write().await?;
            self.link_person_in(
                &txn,
                Some(actor.account_id),
                chain,
                actor.account_id,
                person,
                "unambiguous",
            )
            .await?;
            txn.commit().await?;
        }
        Ok(CastFor {
            voter_key: key,
            cast_by: voter.name,
            cast_by_person_id: Some(person),
            authority: Authority::Own,
        })
    }

    /// The voter a recorded ballot is for: the one named by key, or the (first) voter of the
    /// household, with the household's label for messages.
    async fn recorded_voter(
        &self,
        id: i64,
        household_id: Option<i64>,
        voter_key: Option<&str>,
    ) -> ServiceResult<(elector::Model, Option<String>)> {
        let flat =
            match household_id {
                Some(hid) => Some(self.voter_of_household(id, hid).await?.ok_or_else(|| {
                    ServiceError::invalid("household_id", Invalid::NotInElectorate)
                })?),
                None => None,
            };
        let key = match (voter_key.map(str::trim).filter(|k| !k.is_empty()), &flat) {
            (Some(k), Some(f)) => {
                let covers = elector_household::Entity::find()
                    .filter(elector_household::Column::ProposalId.eq(id))
                    .filter(elector_household::Column::HouseholdId.eq(f.household_id))
                    .filter(elector_household::Column::VoterKey.eq(k))
                    .one(self.read())
                    .await?;
                if covers.is_none() {
                    return Err(ServiceError::invalid(
                        "household_id",
                        Invalid::NotYourFlat {
                            household: f.label.trim().to_string(),
                        },
                    ));
                }
                k.to_string()
            }
            (Some(k), None) => k.to_string(),
            (None, Some(f)) => f.voter_key.clone(),
            (None, None) => return Err(ServiceError::invalid("household_id", Invalid::Required)),
        };
        let voter = self
            .elector(id, &key)
            .await?
            .ok_or_else(|| ServiceError::invalid("voter", Invalid::NotInElectorate))?;
        Ok((voter, flat.map(|f| f.label.trim().to_string())))
    }

    /// Whether the person owns (a share of) a flat this voter votes for, on the registry now.
    async fn owns_flat_of(&self, id: i64, person: i64, voter_key: &str) -> ServiceResult<bool> {
        let flats: Vec<i64> = elector_household::Entity::find()
            .filter(elector_household::Column::ProposalId.eq(id))
            .filter(elector_household::Column::VoterKey.eq(voter_key))
            .select_only()
            .column(elector_household::Column::HouseholdId)
            .into_tuple()
            .all(self.read())
            .await?;
        if flats.is_empty() {
            return Ok(false);
        }
        Ok(ownership::Entity::find()
            .filter(ownership::Column::PersonId.eq(person))
            .filter(ownership::Column::HouseholdId.is_in(flats))
            .one(self.read())
            .await?
            .is_some())
    }

    pub(crate) async fn voter_of_household(
        &self,
        id: i64,
        household_id: i64,
    ) -> ServiceResult<Option<elector_household::Model>> {
        Ok(elector_household::Entity::find()
            .filter(elector_household::Column::ProposalId.eq(id))
            .filter(elector_household::Column::HouseholdId.eq(household_id))
            .order_by_asc(elector_household::Column::Id)
            .one(self.read())
            .await?)
    }

    /// Counts the ballots now (for those who run or assist the vote), or shows the stored
    /// result once the vote is closed (for everyone who may read the proposal).
    pub async fn tally(&self, actor: &Actor, id: i64) -> ServiceResult<TallyView> {
        let p = self.load_proposal(id).await?;
        require_view(actor, &p)?;
        let (electorate, _) = self.frozen_electorate(self.read(), id).await?;
        let households = electorate.household_count() as u64;
        let roll = RollCounts::of(&electorate);
        let view = |result: TallyResult, final_result, answered| TallyView {
            lines: CheckLine::of(&result.checks),
            result,
            final_result,
            households: households as i64,
            answered_households: answered,
            roll,
        };
        if !p.stage.shows_count(runs_the_vote(actor, &p.path)) {
            return Err(if p.stage == ProposalStage::Voting {
                ServiceError::Forbidden
            } else {
                ServiceError::invalid("stage", Invalid::WrongStage { stage: p.stage })
            });
        }
        match p.stage {
            ProposalStage::Voting => {
                let (result, answered) = self.count(self.read(), &p).await?;
                Ok(view(result, false, answered))
            }
            _ => {
                let stored: StoredResult = serde_json::from_str(&p.row.result)
                    .map_err(|e| internal(format!("result of proposal {id}: {e}")))?;
                Ok(view(stored.result, true, stored.answered_households))
            }
        }
    }

    async fn count<C: ConnectionTrait>(
        &self,
        db: &C,
        p: &Loaded,
    ) -> ServiceResult<(TallyResult, i64)> {
        // An election is counted by candidate (`elections.rs`); here only its participation.
        if let Some(summary) = self.election_summary(db, p).await? {
            return Ok(summary);
        }
        let (electorate, _) = self.frozen_electorate(db, p.row.id).await?;
        let ballots: Vec<(String, Choice)> = ballot::Entity::find()
            .filter(ballot::Column::CityId.eq(p.compound.city_id))
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
                Some((VoterKey::parse(k).ok()?, *c))
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

    async fn tally_context<C: ConnectionTrait>(
        &self,
        db: &C,
        id: i64,
    ) -> ServiceResult<TallyContext> {
        let consents = affected_consent::Entity::find()
            .filter(affected_consent::Column::ProposalId.eq(id))
            .all(db)
            .await?;
        let unresolved = objection::Entity::find()
            .filter(objection::Column::ProposalId.eq(id))
            .filter(objection::Column::Resolved.eq(false))
            .count(db)
            .await?;
        Ok(TallyContext {
            affected_households_consented: consents
                .iter()
                .map(|c| (c.household_id, c.consented))
                .collect(),
            unresolved_objections: unresolved as usize,
        })
    }

    /// Closes the vote for good: counts, stores the result with the rule and the totals, and
    /// moves the proposal to passed, failed or no quorum. The pages ask for confirmation;
    /// the API needs `confirm: true`.
    pub async fn close_voting(
        &self,
        actor: &Actor,
        id: i64,
        confirm: bool,
    ) -> ServiceResult<ProposalView> {
        let p = self.load_proposal(id).await?;
        actor.require(Action::ManageDecision, &p.path)?;
        p.at_stage(&[ProposalStage::Voting])?;
        if !confirm {
            return Err(ServiceError::invalid("confirm", Invalid::Unticked));
        }
        if self.election_of(id).await?.is_some() {
            return self.close_election(actor, &p).await;
        }
        let txn = self.begin_write().await?;
        // Ballots wait for this lock (see `cast_ballot`), so the count below is the last word.
        let locked = proposal::Entity::update_many()
            .col_expr(proposal::Column::UpdatedAt, Expr::value(self.now()))
            .filter(proposal::Column::Id.eq(id))
            .filter(proposal::Column::Stage.eq(ProposalStage::Voting.as_str()))
            .exec(&txn)
            .await?;
        if locked.rows_affected != 1 {
            return Err(ServiceError::Stale {
                current: p.row.version + 1,
            });
        }
        let (result, answered) = self.count(&txn, &p).await?;
        let next = p
            .stage
            .next(StageEvent::Close(result.outcome))
            .map_err(|e| ServiceError::invalid("stage", e))?;
        let stored = serde_json::to_string(&StoredResult {
            result,
            answered_households: answered,
            rule: p.rule.clone(),
        })
        .map_err(anyhow::Error::from)?;
        let t = self.now();
        let extra = vec![
            (proposal::Column::ClosedAt, Expr::value(t)),
            (proposal::Column::Result, Expr::value(stored)),
        ];
        self.set_stage_in(&txn, actor, &p, next, "proposal.close_voting", extra)
            .await?;
        super::acting::notify_proposer(
            &txn,
            self.now(),
            &p.row,
            &format!("{}：{}", next.label(Lang::Zh), p.row.title),
        )
        .await?;
        // The result is published: everyone on the roll is told.
        super::acting::notify_roll(
            &txn,
            self.now(),
            id,
            "proposal.result",
            &format!(
                "表决结果已公布（{}）：{}",
                next.label(Lang::Zh),
                p.row.title
            ),
            &p.row.title,
        )
        .await?;
        txn.commit().await?;
        self.proposal(actor, id).await
    }

    /// Every voter with their current ballot, in the order of the roll: the register a court
    /// could read. Personal data: those who run or assist the vote only.
    pub async fn ballot_register(&self, actor: &Actor, id: i64) -> ServiceResult<Vec<RegisterRow>> {
        let p = self.load_proposal(id).await?;
        if !(actor.can(Action::ManageDecision, &p.path) || actor.can(Action::RecordBallot, &p.path))
        {
            return Err(ServiceError::Forbidden);
        }
        let electors = elector::Entity::find()
            .filter(elector::Column::ProposalId.eq(id))
            .order_by_asc(elector::Column::Id)
            .all(self.read())
            .await?;
        // An election's register lists the candidates each voter named; a yes/no vote's, the choice.
        let casts: HashMap<String, Cast> = if self.election_of(id).await?.is_some() {
            self.election_casts(id).await?
        } else {
            ballot::Entity::find()
                .filter(ballot::Column::CityId.eq(p.compound.city_id))
                .filter(ballot::Column::ProposalId.eq(id))
                .all(self.read())
                .await?
                .into_iter()
                .map(|b| {
                    let said = CastChoice::Vote(b.choice);
                    let choice = b.choice.to_string();
                    (b.voter_key.clone(), cast!(b, choice, said))
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
        Ok(electors
            .iter()
            .map(|e| {
                register_row(
                    e,
                    casts.get(&e.voter_key),
                    labels
                        .get(&e.voter_key)
                        .map(|l| l.join("、"))
                        .unwrap_or_default(),
                )
            })
            .collect())
    }

    /// Every version of one voter's ballot.
    pub async fn ballot_history(
        &self,
        actor: &Actor,
        id: i64,
        voter_key: &str,
    ) -> ServiceResult<Vec<BallotEventView>> {
        let p = self.load_proposal(id).await?;
        if !(actor.can(Action::ManageDecision, &p.path) || actor.can(Action::RecordBallot, &p.path))
        {
            return Err(ServiceError::Forbidden);
        }
        let rows = ballot_event::Entity::find()
            .filter(ballot_event::Column::CityId.eq(p.compound.city_id))
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
        let b = ballot::Entity::find()
            .filter(ballot::Column::CityId.eq(p.compound.city_id))
            .filter(ballot::Column::ProposalId.eq(id))
            .filter(ballot::Column::VoterKey.eq(key.clone()))
            .one(self.read())
            .await?;
        let labels: Vec<String> = elector_household::Entity::find()
            .filter(elector_household::Column::ProposalId.eq(id))
            .filter(elector_household::Column::VoterKey.eq(key.clone()))
            .select_only()
            .column(elector_household::Column::Label)
            .into_tuple()
            .all(self.read())
            .await?;
        Ok(Some(MyBallot {
            voter_key: key,
            households: labels.join("、"),
            choice: b.as_ref().map(|b| b.choice),
            revision: b.map(|b| b.revision).unwrap_or(0),
        }))
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
    pub async fn roll_households(
        &self,
        actor: &Actor,
        id: i64,
    ) -> ServiceResult<Vec<RollHousehold>> {
        let p = self.load_proposal(id).await?;
        if !(actor.can(Action::ManageDecision, &p.path) || actor.can(Action::RecordBallot, &p.path))
        {
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
        let mut seen = std::collections::HashSet::new();
        Ok(rows
            .into_iter()
            .filter(|h| seen.insert(h.household_id))
            .map(|h| RollHousehold {
                household_id: h.household_id,
                label: h.label,
                owners: h.owners,
                area: Area::from_centi(h.area_centi)
                    .map(|a| a.to_string())
                    .unwrap_or_default(),
                floor: h.floor,
            })
            .collect())
    }
}

/// Locks the proposal row for a ballot, inside the ballot's transaction: closing the vote
/// waits for it (and it for closing), in one process or two. Refused after the window.
pub(crate) async fn lock_open_vote<C: ConnectionTrait>(
    txn: &C,
    id: i64,
    at: i64,
) -> ServiceResult<()> {
    let open = proposal::Entity::update_many()
        .col_expr(
            proposal::Column::UpdatedAt,
            Expr::col(proposal::Column::UpdatedAt),
        )
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
    pub said: CastChoice,
    pub method: CastMethod,
    pub recorder_name: String,
    pub evidence_id: Option<i64>,
    pub witness: Option<String>,
    pub cast_at: i64,
    pub revision: i32,
    /// Who cast it, and on whose authority.
    pub cast_by: String,
    pub authority: Authority,
}

/// A [`Cast`] from a ballot row of either kind (they share their columns).
macro_rules! cast {
    ($b:expr, $choice:expr, $said:expr) => {
        $crate::proposals::voting::Cast {
            choice: $choice,
            said: $said,
            method: $b.method,
            recorder_name: $b.recorder_name,
            evidence_id: $b.evidence_id,
            witness: $b.witness,
            cast_at: $b.cast_at,
            revision: $b.revision,
            cast_by: $b.cast_by,
            authority: $b.authority,
        }
    };
}
pub(super) use cast;

fn register_row(e: &elector::Model, b: Option<&Cast>, households: String) -> RegisterRow {
    RegisterRow {
        voter_key: e.voter_key.clone(),
        name: e.name.clone(),
        households,
        area: Area::from_centi(e.area_centi)
            .map(|a| a.to_string())
            .unwrap_or_default(),
        heads: e.heads,
        choice: b.map(|b| b.choice.clone()),
        said: b.map(|b| b.said.clone()),
        method: b.map(|b| b.method),
        recorder_name: b.map(|b| b.recorder_name.clone()),
        evidence_id: b.and_then(|b| b.evidence_id),
        witness: b.and_then(|b| b.witness.clone()),
        cast_at: b.map(|b| b.cast_at),
        revision: b.map(|b| b.revision).unwrap_or(0),
        cast_by: b.map(|b| b.cast_by.clone()).filter(|c| !c.is_empty()),
        authority: b.map(|b| b.authority),
    }
}

/// The last day of the vote as typed, as the instant it ends: midnight after it, China time.
fn parse_deadline(s: &str, now: i64) -> ServiceResult<i64> {
    let day = linli_domain::calendar::Day::parse(s)
        .map_err(|e| ServiceError::Invalid(vec![FieldError::new("deadline", e)]))?;
    let t = day.next().start();
    if t <= now {
        return Err(ServiceError::invalid("deadline", Invalid::DeadlinePast));
    }
    Ok(t)
}
