//! Elections of the owners' or self-management committee (Civil Code Art. 278 item 3) and of
//! building and unit heads: an election is a proposal of matter `committee` with an `election`
//! row (its seats). Candidates are nominated while it is a draft or under deliberation — by
//! themselves, recommended by residents or by the party branch — each with a statement. When
//! voting opens the roll is frozen as for any proposal (`open_voting`); a ballot then names at
//! most N of the M candidates (`Election::check_ballot`), cast in any of the ways of
//! `CastMethod` with the same evidence, one row per voter, every version kept. Closing counts
//! with `Election::count` on the frozen roll and stores the whole result; the elected who have
//! accounts can then be given their role in one step, through `grant_role`.

use super::voting::{CastChoice, CheckLine, RollCounts, StoredResult};
use super::{Loaded, ProposalInput, ProposalView, Scope, internal, require_view};
use crate::Store;
use crate::accounts::Actor;
use crate::audit::Change;
use crate::entity::{
    account, candidate, election, election_ballot, election_ballot_event, proposal, role_grant,
};
use crate::error::{ServiceError, ServiceResult};
use crate::files::NewFile;
use linli_domain::authz::Action;
use linli_domain::decision::{
    CastMethod, Election, ElectionResult, MatterClass, Outcome, ProposalStage, StageEvent,
    TallyResult, VoterKey,
};
use linli_domain::registry::Text;
use linli_domain::{Area, Invalid};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The most seats an election may fill.
const MAX_SEATS: i64 = 30;

pub use linli_domain::decision::{ElectionKind, Nomination};

/// A new election, as typed on the form or sent by a script.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ElectionInput {
    /// `compound` (the committee), `building` or `unit` (their heads).
    pub scope: String,
    #[serde(deserialize_with = "crate::registry::lenient_string")]
    pub scope_id: String,
    pub title: String,
    #[serde(default)]
    pub body: String,
    /// How many are elected.
    #[serde(deserialize_with = "crate::registry::lenient_string")]
    pub seats: String,
}

/// A nomination.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NominationInput {
    /// `self` (the signed-in resident stands), `residents` or `party_branch` (entered by the committee).
    pub nominated_by: String,
    /// The candidate's name; for `self`, the account's name is used.
    #[serde(default)]
    pub name: String,
    /// The candidate's account, if they have one (so the role can be granted after the election).
    #[serde(default)]
    pub account_id: Option<i64>,
    #[serde(default)]
    pub statement: String,
}

/// An election ballot: the chosen candidates, cast by the owner or recorded for them.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ElectionBallotInput {
    /// Ids of the chosen candidates, at most as many as there are seats; none is a blank ballot.
    #[serde(default)]
    pub candidates: Vec<i64>,
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
    /// The voter of the roll (`p:12`, `dev`), for recorded ballots when a flat has several
    /// or for the developer's one ballot.
    #[serde(default)]
    pub voter_key: Option<String>,
    #[serde(default)]
    pub evidence_id: Option<i64>,
    #[serde(default)]
    pub witness: String,
    #[serde(default)]
    pub note: String,
    /// Who cast a proxy ballot (required for the developer's representative).
    #[serde(default)]
    pub proxy_name: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CandidateView {
    pub id: i64,
    pub name: String,
    pub account_id: Option<i64>,
    pub nominated_by: linli_domain::decision::Nomination,
    pub statement: String,
}

/// One candidate's line of the count.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CandidateCount {
    pub id: i64,
    pub name: String,
    pub heads: i64,
    pub area: String,
    /// Each per-candidate threshold with this candidate's numbers.
    pub lines: Vec<CheckLine>,
    pub passed: bool,
    pub elected: bool,
    pub second_round: bool,
}

/// The count of an election: live for those who run it, final once closed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ElectionCount {
    pub final_result: bool,
    pub quorum_met: bool,
    /// The quorum checks in words.
    pub quorum: Vec<CheckLine>,
    pub participants_heads: i64,
    pub participants_area: String,
    pub all_heads: i64,
    pub all_area: String,
    pub spoiled_heads: i64,
    pub candidates: Vec<CandidateCount>,
    pub elected: Vec<String>,
    /// Tied for the last seats: a second round among them decides.
    pub second_round: Vec<String>,
    pub second_round_seats: usize,
    /// Seats left empty: the API and the notice say the result in one sentence (`summary`)
    /// from these, the quorum and the names elected or tied.
    pub unfilled: usize,
    /// How the roll counted what SPC Art. 9 counts specially; the notice and the API
    /// (`roll_notes`) say it in words.
    #[serde(skip)]
    pub roll: RollCounts,
    #[schema(value_type = Object)]
    pub result: ElectionResult,
}

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct ElectionPermissions {
    pub nominate_self: bool,
    pub nominate_others: bool,
    pub vote: bool,
    pub record_ballots: bool,
    pub manage: bool,
    pub grant_roles: bool,
}

/// An election as its page and the API show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ElectionView {
    pub proposal: ProposalView,
    pub kind: ElectionKind,
    pub seats: i32,
    pub candidates: Vec<CandidateView>,
    /// The live count (those who run the vote) or the final result (everyone, once closed).
    pub count: Option<ElectionCount>,
    /// The actor's own current ballot (candidate ids), if they are on the roll.
    pub my_ballot: Option<Vec<i64>>,
    /// Households the actor votes for.
    pub my_households: Option<String>,
    pub roles_granted_at: Option<i64>,
    pub can: ElectionPermissions,
}

/// What granting the roles did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RolesGranted {
    /// Names given their role now.
    pub granted: Vec<String>,
    /// Names that already held it.
    pub already: Vec<String>,
    /// Elected candidates without an account: to be invited first.
    pub without_account: Vec<String>,
}

/// An election ballot as the register shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ElectionBallotView {
    pub voter_key: String,
    pub candidates: Vec<i64>,
    pub method: linli_domain::decision::CastMethod,
    pub recorder_name: String,
    pub evidence_id: Option<i64>,
    pub witness: Option<String>,
    pub cast_at: i64,
    pub revision: i32,
    /// Who cast it: the voter, or the proxy holding their authorisation.
    pub cast_by: String,
    /// `own`, `proxy` or `developer_letter`.
    pub authority: linli_domain::decision::Authority,
}

/// An [`ElectionBallotView`] from the current ballot row or a kept version (same columns).
macro_rules! ballot_view {
    ($b:expr) => {
        ElectionBallotView {
            voter_key: $b.voter_key,
            candidates: parse_ids(&$b.candidate_ids),
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

fn parse_ids(s: &str) -> Vec<i64> {
    s.split(',').filter_map(|x| x.trim().parse().ok()).collect()
}

fn join_ids(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

fn area_text(centi: i64) -> String {
    Area::from_centi(centi)
        .map(|a| a.to_string())
        .unwrap_or_else(|_| centi.to_string())
}

/// The proposal's outcome for an election: no quorum; passed when anyone was elected; failed
/// when no one was.
fn outcome(r: &ElectionResult) -> Outcome {
    if !r.quorum_met {
        Outcome::NoQuorum
    } else if r.elected.is_empty() {
        Outcome::Failed
    } else {
        Outcome::Passed
    }
}

impl Store {
    /// The election of a proposal, if it is one.
    pub async fn election_of(&self, proposal_id: i64) -> ServiceResult<Option<election::Model>> {
        Ok(election::Entity::find()
            .filter(election::Column::ProposalId.eq(proposal_id))
            .one(self.read())
            .await?)
    }

    async fn load_election(&self, id: i64) -> ServiceResult<(Loaded, election::Model)> {
        let p = self.load_proposal(id).await?;
        let e = self
            .election_of(id)
            .await?
            .ok_or(ServiceError::NotFound { entity: "election" })?;
        Ok((p, e))
    }

    /// Puts an election forward as a draft: a proposal of matter `committee` on the scope,
    /// with its seats. Those who run decisions on the scope may.
    pub async fn create_election(
        &self,
        actor: &Actor,
        compound_id: i64,
        input: &ElectionInput,
    ) -> ServiceResult<ElectionView> {
        let c = self.compound_row(compound_id).await?;
        let scope = Scope::parse(&input.scope).map_err(|e| ServiceError::invalid("scope", e))?;
        let scope_id = input
            .scope_id
            .trim()
            .parse::<i64>()
            .map_err(|_| ServiceError::invalid("scope_id", Invalid::NotANumber))?;
        let (path, _, _) = self.scope_place(&c, scope, scope_id).await?;
        actor.require(Action::ManageDecision, &path)?;
        let seats = match input.seats.trim() {
            "" => Err(Invalid::Required),
            s => s
                .parse::<i64>()
                .map_err(|_| Invalid::NotANumber)
                .and_then(|n| {
                    if (1..=MAX_SEATS).contains(&n) {
                        Ok(n)
                    } else {
                        Err(Invalid::OutOfRange {
                            min: 1,
                            max: MAX_SEATS,
                        })
                    }
                }),
        }
        .map_err(|e| ServiceError::invalid("seats", e))?;
        let pi = ProposalInput {
            scope: input.scope.clone(),
            scope_id: input.scope_id.clone(),
            title: input.title.clone(),
            body: input.body.clone(),
            matter: MatterClass::Committee.as_str().into(),
            preset: String::new(),
            rule: None,
            custom: None,
        };
        let p = self.create_proposal(actor, compound_id, &pi).await?;
        let kind = ElectionKind::of_scope(scope);
        let txn = self.begin_write().await?;
        election::Entity::insert(election::ActiveModel {
            proposal_id: Set(p.id),
            kind: Set(kind),
            seats: Set(seats as i32),
            result: Set(None),
            roles_granted_at: Set(None),
            created_at: Set(self.now()),
            ..Default::default()
        })
        .exec_without_returning(&txn)
        .await?;
        Change::by(actor, c.id, "election.create", "proposal", p.id)
            .after(serde_json::json!({"kind": kind.as_str(), "seats": seats}))
            .record(&txn)
            .await?;
        txn.commit().await?;
        self.election(actor, p.id).await
    }

    /// Each voter's current election ballot for the register: the candidates they named.
    pub(super) async fn election_casts(
        &self,
        id: i64,
    ) -> ServiceResult<std::collections::HashMap<String, super::voting::Cast>> {
        let names: std::collections::HashMap<i64, String> = self
            .candidates(id)
            .await?
            .into_iter()
            .map(|c| (c.id, c.name))
            .collect();
        let ballots = election_ballot::Entity::find()
            .filter(election_ballot::Column::ProposalId.eq(id))
            .all(self.read())
            .await?;
        Ok(ballots
            .into_iter()
            .map(|b| {
                let label = parse_ids(&b.candidate_ids)
                    .iter()
                    .filter_map(|c| names.get(c).cloned())
                    .collect::<Vec<_>>()
                    .join("、");
                let choice = b.candidate_ids.clone();
                (
                    b.voter_key.clone(),
                    super::voting::cast!(b, choice, CastChoice::Candidates(label)),
                )
            })
            .collect())
    }

    async fn candidates(&self, id: i64) -> ServiceResult<Vec<candidate::Model>> {
        Ok(candidate::Entity::find()
            .filter(candidate::Column::ProposalId.eq(id))
            .order_by_asc(candidate::Column::Id)
            .all(self.read())
            .await?)
    }

    /// An election with its candidates, its count as the actor may see it, and their ballot.
    pub async fn election(&self, actor: &Actor, id: i64) -> ServiceResult<ElectionView> {
        let (p, e) = self.load_election(id).await?;
        require_view(actor, &p)?;
        let proposal = self.proposal(actor, id).await?;
        let cands = self.candidates(id).await?;
        let kind = ElectionKind::of_scope(p.scope);
        let manage = actor.can(Action::ManageDecision, &p.path);
        let recorder = super::runs_the_vote(actor, &p.path);
        let count = match p.stage {
            _ if !p.stage.shows_count(recorder) => None,
            ProposalStage::Voting => Some(count_view(
                &self.election_count(self.read(), &p, &e).await?,
                &cands,
                false,
            )),
            _ => match &e.result {
                Some(r) => {
                    let r: ElectionResult = serde_json::from_str(r)
                        .map_err(|err| internal(format!("election result of {id}: {err}")))?;
                    Some(count_view(&r, &cands, true))
                }
                None => None,
            },
        };
        let count = match count {
            Some(c) => {
                let (electorate, _) = self.frozen_electorate(self.read(), id).await?;
                Some(ElectionCount {
                    roll: RollCounts::of(&electorate),
                    ..c
                })
            }
            None => None,
        };
        let own = self.own_voter(actor, &p).await?;
        let (my_ballot, my_households) = match &own {
            Some((key, _)) => {
                let b = election_ballot::Entity::find()
                    .filter(election_ballot::Column::ProposalId.eq(id))
                    .filter(election_ballot::Column::VoterKey.eq(key.clone()))
                    .one(self.read())
                    .await?;
                let labels: Vec<String> = crate::entity::elector_household::Entity::find()
                    .filter(crate::entity::elector_household::Column::ProposalId.eq(id))
                    .filter(crate::entity::elector_household::Column::VoterKey.eq(key.clone()))
                    .select_only()
                    .column(crate::entity::elector_household::Column::Label)
                    .into_tuple()
                    .all(self.read())
                    .await?;
                (
                    Some(b.map(|b| parse_ids(&b.candidate_ids)).unwrap_or_default()),
                    Some(labels.join("、")),
                )
            }
            None => (None, None),
        };
        let nominating = matches!(p.stage, ProposalStage::Draft | ProposalStage::Deliberation);
        let decided = matches!(
            p.stage,
            ProposalStage::Passed | ProposalStage::Acting | ProposalStage::Evaluated
        );
        let can = ElectionPermissions {
            nominate_self: nominating
                && actor.can(Action::Propose, &p.path)
                && !cands.iter().any(|c| c.account_id == Some(actor.account_id)),
            nominate_others: nominating && manage,
            vote: p.stage == ProposalStage::Voting && own.is_some(),
            record_ballots: p.stage == ProposalStage::Voting && recorder,
            manage,
            grant_roles: decided && e.result.is_some() && actor.can(Action::GrantRole, &p.path),
        };
        Ok(ElectionView {
            proposal,
            kind,
            seats: e.seats,
            candidates: cands
                .into_iter()
                .map(|c| CandidateView {
                    id: c.id,
                    name: c.name,
                    account_id: c.account_id,
                    nominated_by: c.nominated_by,
                    statement: c.statement,
                })
                .collect(),
            count,
            my_ballot,
            my_households,
            roles_granted_at: e.roles_granted_at,
            can,
        })
    }

    /// The people the committee may link a candidate to, by name (so the role can be granted
    /// after the election): those with a role in the compound or its community.
    pub async fn nominee_choices(
        &self,
        actor: &Actor,
        id: i64,
    ) -> ServiceResult<Vec<crate::registry::PersonChoice>> {
        let p = self.load_proposal(id).await?;
        actor.require(Action::ManageDecision, &p.path)?;
        self.people_with_roles(&p.compound).await
    }

    /// Nominates a candidate while the election is a draft or under deliberation. A resident
    /// stands themselves; the committee enters those recommended by residents or the party branch.
    pub async fn nominate(
        &self,
        actor: &Actor,
        id: i64,
        input: &NominationInput,
    ) -> ServiceResult<CandidateView> {
        let (p, _) = self.load_election(id).await?;
        let mut errs = Vec::new();
        let by = crate::registry::field(
            &mut errs,
            "nominated_by",
            Nomination::parse(&input.nominated_by),
        );
        let statement = crate::registry::field(
            &mut errs,
            "statement",
            Text::parse_optional(&input.statement, 4000),
        );
        let (Some(by), Some(statement)) = (by, statement) else {
            return Err(ServiceError::Invalid(errs));
        };
        let (name, account_id, person_id) = if by == Nomination::SelfNominated {
            actor.require(Action::Propose, &p.path)?;
            let person_id = account::Entity::find_by_id(actor.account_id)
                .one(self.read())
                .await?
                .and_then(|a| a.person_id);
            (actor.name.clone(), Some(actor.account_id), person_id)
        } else {
            actor.require(Action::ManageDecision, &p.path)?;
            let name =
                Text::parse(&input.name, 100).map_err(|e| ServiceError::invalid("name", e))?;
            let acc = match input.account_id {
                Some(aid) => Some(
                    account::Entity::find_by_id(aid)
                        .one(self.read())
                        .await?
                        .ok_or_else(|| ServiceError::invalid("account_id", Invalid::BadChoice))?,
                ),
                None => None,
            };
            (
                name.into_string(),
                acc.as_ref().map(|a| a.id),
                acc.and_then(|a| a.person_id),
            )
        };
        p.at_stage(&[ProposalStage::Draft, ProposalStage::Deliberation])?;
        let existing = self.candidates(id).await?;
        if existing
            .iter()
            .any(|c| c.name == name || (account_id.is_some() && c.account_id == account_id))
        {
            return Err(ServiceError::invalid("name", Invalid::Taken));
        }
        let txn = self.begin_write().await?;
        let cid = candidate::Entity::insert(candidate::ActiveModel {
            proposal_id: Set(id),
            name: Set(name.clone()),
            account_id: Set(account_id),
            person_id: Set(person_id),
            nominated_by: Set(by),
            statement: Set(statement.map(Text::into_string).unwrap_or_default()),
            recorded_by: Set(actor.account_id),
            created_at: Set(self.now()),
            ..Default::default()
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        let row =
            candidate::Entity::find_by_id(cid)
                .one(&txn)
                .await?
                .ok_or(ServiceError::NotFound {
                    entity: "candidate",
                })?;
        Change::by(actor, p.compound.id, "election.nominate", "proposal", id)
            .after(serde_json::to_value(&row).map_err(anyhow::Error::from)?)
            .record(&txn)
            .await?;
        txn.commit().await?;
        Ok(CandidateView {
            id: row.id,
            name: row.name,
            account_id: row.account_id,
            nominated_by: row.nominated_by,
            statement: row.statement,
        })
    }

    /// Casts or changes an election ballot: up to N of the M candidates. Who may record it
    /// for whom, and the evidence each way needs, are those of any ballot (`cast_ballot`).
    pub async fn cast_election_ballot(
        &self,
        actor: &Actor,
        id: i64,
        input: &ElectionBallotInput,
    ) -> ServiceResult<ElectionBallotView> {
        self.cast_election_ballot_with(actor, id, input, None).await
    }

    /// [`Store::cast_election_ballot`] with its evidence file sent in the same form, stored in
    /// the ballot's transaction (as `cast_ballot_with`).
    pub async fn cast_election_ballot_with(
        &self,
        actor: &Actor,
        id: i64,
        input: &ElectionBallotInput,
        evidence: Option<NewFile>,
    ) -> ServiceResult<ElectionBallotView> {
        let (p, e) = self.load_election(id).await?;
        require_view(actor, &p)?;
        let upload = self.prepare_evidence(actor, &p.compound, evidence).await?;
        let mut errs = Vec::new();
        let method_text = if input.method.trim().is_empty() {
            "online"
        } else {
            input.method.trim()
        };
        let method = crate::registry::field(&mut errs, "method", CastMethod::parse(method_text));
        let witness = crate::registry::field(
            &mut errs,
            "witness",
            Text::parse_optional(&input.witness, 200),
        );
        let note =
            crate::registry::field(&mut errs, "note", Text::parse_optional(&input.note, 2000));
        let proxy_name = crate::registry::field(
            &mut errs,
            "proxy_name",
            Text::parse_optional(&input.proxy_name, 100),
        )
        .flatten();
        let cands: Vec<i64> = self.candidates(id).await?.iter().map(|c| c.id).collect();
        let rule = Election::civil_code(usize::try_from(e.seats).unwrap_or(0), cands);
        if let Err(err) = rule.check_ballot(&input.candidates) {
            errs.push(err);
        }
        let (Some(method), Some(witness), Some(note), true) =
            (method, witness, note, errs.is_empty())
        else {
            return Err(ServiceError::Invalid(errs));
        };
        // Who may record it, for whom, with what evidence, and the lock: as for any ballot.
        let household_id = self
            .named_household(actor, &p, input.household_id, &input.room, method)
            .await?;
        let req = super::voting::CastRequest {
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
        super::voting::lock_open_vote(&txn, id, t).await?;
        let evidence_id = match upload {
            Some(u) => Some(self.store_upload(&txn, actor, p.compound.id, u).await?.id),
            None => input.evidence_id,
        };
        election_ballot::Entity::insert(election_ballot::ActiveModel {
            proposal_id: Set(id),
            voter_key: Set(voter_key.clone()),
            candidate_ids: Set(join_ids(&input.candidates)),
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
            ..Default::default()
        })
        .on_conflict(
            OnConflict::columns([
                election_ballot::Column::ProposalId,
                election_ballot::Column::VoterKey,
            ])
            .update_columns([
                election_ballot::Column::CandidateIds,
                election_ballot::Column::Method,
                election_ballot::Column::RecordedBy,
                election_ballot::Column::RecorderName,
                election_ballot::Column::EvidenceId,
                election_ballot::Column::Witness,
                election_ballot::Column::Note,
                election_ballot::Column::CastAt,
                election_ballot::Column::CastBy,
                election_ballot::Column::CastByPersonId,
                election_ballot::Column::Authority,
            ])
            .value(
                election_ballot::Column::Revision,
                Expr::col((election_ballot::Entity, election_ballot::Column::Revision)).add(1),
            )
            .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
        let b = election_ballot::Entity::find()
            .filter(election_ballot::Column::ProposalId.eq(id))
            .filter(election_ballot::Column::VoterKey.eq(voter_key))
            .one(&txn)
            .await?
            .ok_or(ServiceError::NotFound { entity: "ballot" })?;
        election_ballot_event::Entity::insert(election_ballot_event::ActiveModel {
            proposal_id: Set(id),
            voter_key: Set(b.voter_key.clone()),
            candidate_ids: Set(b.candidate_ids.clone()),
            method: Set(b.method),
            recorded_by: Set(b.recorded_by),
            recorder_name: Set(b.recorder_name.clone()),
            evidence_id: Set(b.evidence_id),
            witness: Set(b.witness.clone()),
            note: Set(b.note.clone()),
            cast_at: Set(b.cast_at),
            revision: Set(b.revision),
            cast_by: Set(b.cast_by.clone()),
            cast_by_person_id: Set(b.cast_by_person_id),
            authority: Set(b.authority),
            ..Default::default()
        })
        .exec_without_returning(&txn)
        .await?;
        Change::by(actor, p.compound.id, "election.ballot", "proposal", id)
            .after(serde_json::to_value(&b).map_err(anyhow::Error::from)?)
            .record(&txn)
            .await?;
        txn.commit().await?;
        Ok(ballot_view!(b))
    }

    /// Every version of every election ballot, in the order cast: for those who run or
    /// assist the vote.
    pub async fn election_ballot_history(
        &self,
        actor: &Actor,
        id: i64,
    ) -> ServiceResult<Vec<ElectionBallotView>> {
        let (p, _) = self.load_election(id).await?;
        if !(actor.can(Action::ManageDecision, &p.path) || actor.can(Action::RecordBallot, &p.path))
        {
            return Err(ServiceError::Forbidden);
        }
        let rows = election_ballot_event::Entity::find()
            .filter(election_ballot_event::Column::ProposalId.eq(id))
            .order_by_asc(election_ballot_event::Column::Id)
            .all(self.read())
            .await?;
        Ok(rows.into_iter().map(|b| ballot_view!(b)).collect())
    }

    /// Counts the election on its frozen roll.
    async fn election_count<C: ConnectionTrait>(
        &self,
        db: &C,
        p: &Loaded,
        e: &election::Model,
    ) -> ServiceResult<ElectionResult> {
        let (electorate, _) = self.frozen_electorate(db, p.row.id).await?;
        let cands: Vec<i64> = candidate::Entity::find()
            .filter(candidate::Column::ProposalId.eq(p.row.id))
            .order_by_asc(candidate::Column::Id)
            .select_only()
            .column(candidate::Column::Id)
            .into_tuple()
            .all(db)
            .await?;
        let ballots: Vec<(String, String)> = election_ballot::Entity::find()
            .filter(election_ballot::Column::ProposalId.eq(p.row.id))
            .select_only()
            .column(election_ballot::Column::VoterKey)
            .column(election_ballot::Column::CandidateIds)
            .into_tuple()
            .all(db)
            .await?;
        let parsed = ballots
            .iter()
            .filter_map(|(k, ids)| Some((VoterKey::parse(k).ok()?, parse_ids(ids))));
        Ok(
            Election::civil_code(usize::try_from(e.seats).unwrap_or(0), cands)
                .count(&electorate, parsed),
        )
    }

    /// For the generic tally (`voting::count`): an election's participation, its quorum checks
    /// and its outcome as a yes/no result, so the proposal page and notice read right.
    pub(crate) async fn election_summary<C: ConnectionTrait>(
        &self,
        db: &C,
        p: &Loaded,
    ) -> ServiceResult<Option<(TallyResult, i64)>> {
        let Some(e) = election::Entity::find()
            .filter(election::Column::ProposalId.eq(p.row.id))
            .one(db)
            .await?
        else {
            return Ok(None);
        };
        let r = self.election_count(db, p, &e).await?;
        let voted: Vec<String> = election_ballot::Entity::find()
            .filter(election_ballot::Column::ProposalId.eq(p.row.id))
            .select_only()
            .column(election_ballot::Column::VoterKey)
            .into_tuple()
            .all(db)
            .await?;
        let answered = crate::entity::elector_household::Entity::find()
            .filter(crate::entity::elector_household::Column::ProposalId.eq(p.row.id))
            .filter(crate::entity::elector_household::Column::VoterKey.is_in(voted))
            .select_only()
            .column(crate::entity::elector_household::Column::HouseholdId)
            .into_tuple::<i64>()
            .all(db)
            .await?
            .len() as i64;
        let summary = TallyResult {
            all: r.all,
            participants: r.participants,
            yes: Default::default(),
            no: Default::default(),
            abstain: Default::default(),
            checks: r.quorum.clone(),
            outcome: outcome(&r),
        };
        Ok(Some((summary, answered)))
    }

    /// Closes an election (called by `close_voting`, which checked the actor, the stage and
    /// the confirmation): counts under the proposal-row lock, stores the result with the
    /// election and its summary with the proposal, and moves the proposal on.
    pub(crate) async fn close_election(
        &self,
        actor: &Actor,
        p: &Loaded,
    ) -> ServiceResult<ProposalView> {
        let id = p.row.id;
        let e = self
            .election_of(id)
            .await?
            .ok_or(ServiceError::NotFound { entity: "election" })?;
        let txn = self.begin_write().await?;
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
        let result = self.election_count(&txn, p, &e).await?;
        let (summary, answered) = self
            .election_summary(&txn, p)
            .await?
            .ok_or(ServiceError::NotFound { entity: "election" })?;
        let next = p
            .stage
            .next(StageEvent::Close(summary.outcome))
            .map_err(|err| ServiceError::invalid("stage", err))?;
        let stored = serde_json::to_string(&StoredResult {
            result: summary,
            answered_households: answered,
            rule: p.rule.clone(),
        })
        .map_err(anyhow::Error::from)?;
        let full = serde_json::to_string(&result).map_err(anyhow::Error::from)?;
        election::Entity::update_many()
            .col_expr(election::Column::Result, Expr::value(full))
            .filter(election::Column::Id.eq(e.id))
            .exec(&txn)
            .await?;
        let extra = vec![
            (proposal::Column::ClosedAt, Expr::value(self.now())),
            (proposal::Column::Result, Expr::value(stored)),
        ];
        self.set_stage_in(&txn, actor, p, next, "election.close", extra)
            .await?;
        txn.commit().await?;
        self.proposal(actor, id).await
    }

    /// Gives each elected candidate who has an account their role on the election's scope
    /// (committee member, building or unit head), through `grant_role` (audited each), and
    /// records that it was done. Those who may grant roles there may.
    pub async fn grant_elected_roles(&self, actor: &Actor, id: i64) -> ServiceResult<RolesGranted> {
        let (p, e) = self.load_election(id).await?;
        actor.require(Action::GrantRole, &p.path)?;
        p.at_stage(&[
            ProposalStage::Passed,
            ProposalStage::Acting,
            ProposalStage::Evaluated,
        ])?;
        let result: ElectionResult = match &e.result {
            Some(r) => serde_json::from_str(r)
                .map_err(|err| internal(format!("election result of {id}: {err}")))?,
            None => {
                return Err(ServiceError::invalid(
                    "stage",
                    Invalid::WrongStage { stage: p.stage },
                ));
            }
        };
        let cands: HashMap<i64, candidate::Model> = self
            .candidates(id)
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
        let role = ElectionKind::of_scope(p.scope).role();
        let mut out = RolesGranted {
            granted: Vec::new(),
            already: Vec::new(),
            without_account: Vec::new(),
        };
        for cid in &result.elected {
            let Some(c) = cands.get(cid) else { continue };
            let Some(account_id) = c.account_id else {
                out.without_account.push(c.name.clone());
                continue;
            };
            let held = role_grant::Entity::find()
                .filter(role_grant::Column::AccountId.eq(account_id))
                .filter(role_grant::Column::Role.eq(role.as_str()))
                .filter(role_grant::Column::Path.eq(p.path.to_string()))
                .one(self.read())
                .await?
                .is_some();
            if held {
                out.already.push(c.name.clone());
            } else {
                self.grant_role(Some(actor), account_id, role, &p.path)
                    .await?;
                out.granted.push(c.name.clone());
            }
        }
        let txn = self.begin_write().await?;
        election::Entity::update_many()
            .col_expr(election::Column::RolesGrantedAt, Expr::value(self.now()))
            .filter(election::Column::Id.eq(e.id))
            .exec(&txn)
            .await?;
        Change::by(actor, p.compound.id, "election.grant_roles", "proposal", id)
            .after(serde_json::to_value(&out).map_err(anyhow::Error::from)?)
            .record(&txn)
            .await?;
        txn.commit().await?;
        Ok(out)
    }
}

fn count_view(r: &ElectionResult, cands: &[candidate::Model], final_result: bool) -> ElectionCount {
    let names: HashMap<i64, &str> = cands.iter().map(|c| (c.id, c.name.as_str())).collect();
    let name = |id: &i64| {
        names
            .get(id)
            .map(|n| n.to_string())
            .unwrap_or_else(|| format!("#{id}"))
    };
    let elected: Vec<String> = r.elected.iter().map(name).collect();
    let second_round: Vec<String> = r.needs_second_round.iter().map(name).collect();
    ElectionCount {
        final_result,
        quorum_met: r.quorum_met,
        quorum: CheckLine::of(&r.quorum),
        participants_heads: r.participants.heads,
        participants_area: area_text(r.participants.area_centi),
        all_heads: r.all.heads,
        all_area: area_text(r.all.area_centi),
        spoiled_heads: r.spoiled.heads,
        candidates: r
            .candidates
            .iter()
            .map(|c| CandidateCount {
                id: c.candidate,
                name: name(&c.candidate),
                heads: c.votes.heads,
                area: area_text(c.votes.area_centi),
                lines: CheckLine::of(&c.checks),
                passed: c.passed,
                elected: c.elected,
                second_round: r.needs_second_round.contains(&c.candidate),
            })
            .collect(),
        elected,
        second_round,
        second_round_seats: r.second_round_seats,
        unfilled: r.unfilled,
        roll: RollCounts::default(),
        result: r.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidate_ids_round_trip_and_ignore_junk() {
        assert_eq!(parse_ids(&join_ids(&[3, 1, 2])), vec![3, 1, 2]);
        assert_eq!(parse_ids(""), Vec::<i64>::new());
        assert_eq!(parse_ids("4, x,5"), vec![4, 5]);
    }

    #[test]
    fn nominations_parse_with_the_field_error() {
        assert_eq!(Nomination::parse("self"), Ok(Nomination::SelfNominated));
        assert_eq!(
            Nomination::parse(" party_branch "),
            Ok(Nomination::PartyBranch)
        );
        assert_eq!(Nomination::parse(""), Err(Invalid::Required));
        assert_eq!(Nomination::parse("boss"), Err(Invalid::BadChoice));
    }
}
