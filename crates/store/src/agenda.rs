//! "What needs me now": the one query behind every role's home page and `GET /api/v1/me/agenda`.
//!
//! An agenda is a set of typed lists, one per kind of thing waiting for the actor; the web layer
//! words them. Which lists fill depends on the actor's grants: an owner's homes (votes not yet
//! cast, shares still owed, her requests, her compound's meetings), the compounds she runs
//! (open votes with their turnout and who is left to knock on, objections unanswered, households
//! owing, overdue requests, roster imports waiting), a worker's queue by deadline, a scorer's
//! sheets, and for officers the compounds with the most overdue requests. Every list is one or
//! two indexed queries over all the actor's places at once (`IN (…)`, `GROUP BY`), never a query
//! per compound, so a city officer's home costs what a resident's does.

use crate::accounts::Actor;
use crate::entity::{
    ballot, compound, elector, elevator_operation_share, elevator_payment, elevator_project,
    elevator_share, fund_account, fund_statement, household, meeting, objection, proposal,
    rating_month, rating_panel, rating_sheet, roster_import, service_request, unit,
};
use crate::error::ServiceResult;
use crate::requests::{Queue, RequestSummary};
use crate::{Store, china_date};
use linli_domain::PageRequest;
use linli_domain::authz::{Action, permits};
use linli_domain::decision::VoterKey;
use linli_domain::place::NodeKind;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Statement,
};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// How many entries a list of the agenda shows; the page behind each link has the rest.
const LIST: u64 = 10;
/// Seconds in a day, for "closes in N days".
const DAY: i64 = 86_400;

/// Everything waiting for one person, list by list, newest (or most urgent) first.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Agenda {
    /// Unread messages (消息).
    pub unread: u64,
    /// Votes open to the actor that she has not cast yet, closing soonest first.
    pub to_vote: Vec<VoteItem>,
    /// What the actor's households still owe towards elevator shares.
    pub owed: Vec<OwedItem>,
    /// The actor's households' parts of their elevators' running costs, latest month.
    pub running: Vec<RunningItem>,
    /// The actor's own requests still open, newest first.
    pub my_requests: Vec<RequestSummary>,
    /// Council meetings of the actor's compounds, newest first.
    pub meetings: Vec<MeetingItem>,
    /// Notices of the actor's compounds (vote results, posted accounts), newest first.
    pub notices: Vec<NoticeItem>,
    /// Votes open in the compounds the actor runs, with turnout and who is left to visit.
    pub open_votes: Vec<VoteItem>,
    /// Objections in the compounds the actor runs that have no answer yet, oldest first.
    pub objections: Vec<ObjectionItem>,
    /// Elevator projects of the compounds the actor runs with households still owing.
    pub owing: Vec<OwingItem>,
    /// Requests past their deadline where the actor handles requests, oldest deadline first.
    pub overdue: Vec<RequestSummary>,
    /// Roster imports uploaded but not applied, in the compounds the actor runs.
    pub imports: Vec<ImportItem>,
    /// Requests assigned to the actor, by deadline.
    pub queue: Vec<RequestSummary>,
    /// Open rating months where the actor still has units to score.
    pub sheets: Vec<SheetItem>,
    /// For officers over a region: compounds with overdue requests, most first.
    pub attention: Vec<AttentionItem>,
}

impl Agenda {
    /// Nothing waits: the page says so instead of showing empty lists.
    pub fn is_empty(&self) -> bool {
        self.to_vote.is_empty()
            && self.owed.is_empty()
            && self.running.is_empty()
            && self.my_requests.is_empty()
            && self.meetings.is_empty()
            && self.notices.is_empty()
            && self.open_votes.is_empty()
            && self.objections.is_empty()
            && self.owing.is_empty()
            && self.overdue.is_empty()
            && self.imports.is_empty()
            && self.queue.is_empty()
            && self.sheets.is_empty()
            && self.attention.is_empty()
    }
}

/// An open vote: its deadline and turnout (ballots cast of voters on the roll).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VoteItem {
    pub proposal_id: i64,
    pub compound_id: i64,
    pub title: String,
    /// The last day of voting, China date.
    pub deadline: String,
    /// Whole days until the deadline (0: closes today or has passed).
    pub days_left: i64,
    pub voted: u64,
    pub voters: u64,
}

impl VoteItem {
    /// Voters who have not answered: the door-knocking still to do.
    pub fn left(&self) -> u64 {
        self.voters.saturating_sub(self.voted)
    }
}

/// What one household still owes towards one elevator project's share.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OwedItem {
    pub project_id: i64,
    pub household_id: i64,
    /// The household's share, fen.
    pub share: i64,
    /// Paid so far, fen.
    pub paid: i64,
    /// Still owed, fen (never negative).
    pub outstanding: i64,
}

/// One household's part of an elevator's running costs in the latest month entered: what the
/// month's slip asks it to pay.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RunningItem {
    pub project_id: i64,
    pub household_id: i64,
    /// "2026-11".
    pub month: String,
    /// The household's part of every cost of the month, fen.
    pub amount: i64,
}

/// What a notice of the compound is: each kind has its own printable page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// The result of a closed vote (`/proposals/{id}/notice`).
    VoteResult,
    /// A posted statement of one of the compound's accounts (`/fund-statements/{id}`).
    FundStatement,
}

/// A notice posted for the compound's residents.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NoticeItem {
    pub kind: NoticeKind,
    /// The proposal or the posted statement.
    pub id: i64,
    pub compound_id: i64,
    pub title: String,
    /// When it was posted, China date.
    pub posted_on: String,
    #[serde(skip)]
    posted_at: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MeetingItem {
    pub meeting_id: i64,
    pub compound_id: i64,
    pub title: String,
    pub held_on: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ObjectionItem {
    pub objection_id: i64,
    pub proposal_id: i64,
    pub proposal_title: String,
    pub concern: linli_domain::decision::Concern,
    /// When it was raised, China date.
    pub raised_on: String,
}

/// An elevator project with households that still owe.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OwingItem {
    pub project_id: i64,
    pub compound_id: i64,
    pub unit_name: String,
    pub households: u64,
    /// Owed in all, fen.
    pub outstanding: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportItem {
    pub import_id: i64,
    pub compound_id: i64,
    pub file_name: String,
    pub uploaded_on: String,
}

/// A rating month with units the scorer has not scored yet.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SheetItem {
    pub month_id: i64,
    pub compound_id: i64,
    pub compound_name: String,
    pub month: String,
    pub left: u64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AttentionItem {
    pub compound_id: i64,
    pub compound_name: String,
    pub overdue_requests: u64,
}

/// What hangs off one household: the votes it is on the roll of, its elevator bills, and (for
/// those who may see its personal records) its requests. The household page links each.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct HouseholdLinks {
    /// Newest first.
    pub votes: Vec<HouseholdVote>,
    /// Every elevator share of the household, paid or not.
    pub bills: Vec<OwedItem>,
    /// Newest first; empty for those who may not see the household's personal records.
    pub requests: Vec<RequestSummary>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HouseholdVote {
    pub proposal_id: i64,
    pub title: String,
    /// `voting`, `passed`, `failed`, … (`ProposalStage`).
    pub stage: String,
}

/// The actor's places, sorted by what the agenda asks of each.
struct Places {
    /// Households the actor lives in or owns.
    homes: Vec<i64>,
    /// Compounds of those homes.
    home_compounds: Vec<i64>,
    /// Compounds where the actor runs decisions (committee, or a worker at the compound).
    run: Vec<i64>,
    /// Whether the actor holds a grant over a region (community and above).
    officer: bool,
    /// Whether the actor handles requests anywhere.
    handles: bool,
}

fn places(actor: &Actor) -> Places {
    let mut homes = BTreeSet::new();
    let mut home_compounds = BTreeSet::new();
    let mut run = BTreeSet::new();
    let mut officer = false;
    let mut handles = false;
    for g in &actor.grants {
        let Some(node) = g.at.target() else { continue };
        handles |= permits(g.role, Action::HandleRequest);
        if node.kind.is_region() {
            officer |= permits(g.role, Action::ManageDecision);
            continue;
        }
        if node.kind == NodeKind::Household {
            homes.insert(node.id);
            home_compounds.extend(g.at.compound_id());
        }
        if permits(g.role, Action::ManageDecision) {
            run.extend(g.at.compound_id());
        }
    }
    Places {
        homes: homes.into_iter().collect(),
        home_compounds: home_compounds.into_iter().collect(),
        run: run.into_iter().collect(),
        officer,
        handles,
    }
}

impl Store {
    /// Unread messages of the actor: the count beside 消息 on every page (one indexed count).
    pub async fn unread_count(&self, actor: &Actor) -> ServiceResult<u64> {
        let n = self
            .fetch_one(
                self.sql(
                    "SELECT COUNT(*) FROM notification WHERE account_id = $1 AND read_at IS NULL",
                    vec![actor.account_id.into()],
                ),
                |r| r.int(0),
            )
            .await?
            .unwrap_or(0);
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// The votes, bills and requests of one household, for its page (three indexed lookups
    /// by household).
    pub async fn household_links(&self, actor: &Actor, id: i64) -> ServiceResult<HouseholdLinks> {
        let (c, h) = self.household_with_compound(id).await?;
        self.household_links_at(actor, &c, &h).await
    }

    /// [`Store::household_links`] of a household already read.
    pub(crate) async fn household_links_at(
        &self,
        actor: &Actor,
        c: &compound::Model,
        h: &household::Model,
    ) -> ServiceResult<HouseholdLinks> {
        let id = h.id;
        let path = crate::paths::household_path(c, h);
        actor.require(Action::ViewRegistry, &path)?;
        // The proposals whose roll has this household, newest first, in one read; its bills;
        // and whether it reported anything (most households have not: a look spares the list).
        // Independent reads, which share a trip on PostgreSQL (`batch`).
        let personal = actor.can(Action::ViewPersonal, &path);
        let home = [id];
        let [votes_read, reported_read] = self.household_links_reads(c.city_id, id);
        let (votes, mut bills, reported) = tokio::try_join!(
            self.fetch(votes_read, |r| {
                Ok(HouseholdVote {
                    proposal_id: r.int(0)?,
                    title: r.text(1)?,
                    stage: r.text(2)?,
                })
            },),
            self.shares_of(&home),
            async {
                if !personal {
                    return Ok(false);
                }
                let any = self.fetch(reported_read, |r| r.int(0)).await?;
                Ok::<_, crate::error::ServiceError>(!any.is_empty())
            },
        )?;
        bills.sort_by_key(|b| std::cmp::Reverse(b.project_id));
        let requests = if reported {
            let q = service_request::Entity::find()
                .filter(service_request::Column::CityId.eq(c.city_id))
                .filter(service_request::Column::HouseholdId.eq(id));
            self.request_page(q, PageRequest::new(Some(1), Some(LIST)))
                .await?
                .items
        } else {
            Vec::new()
        };
        Ok(HouseholdLinks {
            votes,
            bills,
            requests,
        })
    }

    /// [`Store::household_links_at`]'s own reads of household `id` of city `city_id`: the
    /// proposals whose roll has it, and whether it reported anything.
    pub(crate) fn household_links_reads(&self, city_id: i64, id: i64) -> [Statement; 2] {
        [
            self.sql(
                "SELECT p.id, p.title, p.stage FROM proposal p WHERE p.id IN \
                 (SELECT e.proposal_id FROM elector_household e WHERE e.household_id = $1) \
                 ORDER BY p.id DESC LIMIT $2",
                vec![id.into(), i64::try_from(LIST).unwrap_or(i64::MAX).into()],
            ),
            self.sql(
                "SELECT id FROM service_request WHERE city_id = $1 AND household_id = $2 LIMIT 1",
                vec![city_id.into(), id.into()],
            ),
        ]
    }

    /// The reads of [`Store::shares_of`] the same households: their shares, and what was
    /// paid towards them.
    pub(crate) fn shares_reads(&self, homes: &[i64]) -> [Statement; 2] {
        let shares = elevator_share::Entity::find()
            .select_only()
            .column(elevator_share::Column::ProjectId)
            .column(elevator_share::Column::HouseholdId)
            .column(elevator_share::Column::Amount)
            .filter(elevator_share::Column::HouseholdId.is_in(homes.to_vec()));
        [
            self.built(&shares),
            self.paid_read(
                Condition::all().add(elevator_payment::Column::HouseholdId.is_in(homes.to_vec())),
            ),
        ]
    }

    /// What needs the actor now (see the module's documentation).
    pub async fn agenda(&self, actor: &Actor) -> ServiceResult<Agenda> {
        let p = places(actor);
        let mut a = Agenda {
            unread: self.unread_count(actor).await?,
            ..Agenda::default()
        };
        a.to_vote = self.votes_to_cast(actor).await?;
        a.owed = self.shares_owed(&p.homes).await?;
        let mine = self
            .my_requests(actor, PageRequest::new(Some(1), Some(LIST)))
            .await?;
        a.my_requests = mine
            .items
            .into_iter()
            .filter(|r| r.status.is_open())
            .collect();
        a.running = self.running_costs_of(&p.homes).await?;
        a.meetings = self.recent_meetings(&p.home_compounds).await?;
        a.notices = self.recent_notices(&p.home_compounds).await?;
        if !p.run.is_empty() {
            a.open_votes = self.open_votes(&p.run).await?;
            a.objections = self.unanswered_objections(&p.run).await?;
            a.owing = self.projects_owing(&p.run).await?;
            a.imports = self.imports_waiting(&p.run).await?;
        }
        if p.handles {
            let page = PageRequest::new(Some(1), Some(LIST));
            let mut overdue = self.request_queue(actor, Queue::Overdue, page).await?.items;
            overdue.sort_by(|x, y| x.due_at.cmp(&y.due_at));
            let mut queue = self.request_queue(actor, Queue::Mine, page).await?.items;
            queue.sort_by(|x, y| x.due_at.cmp(&y.due_at));
            if p.officer {
                a.attention = self.compounds_overdue(actor).await?;
            } else {
                a.overdue = overdue;
            }
            a.queue = queue;
        }
        a.sheets = self.sheets_to_score(actor).await?;
        Ok(a)
    }

    /// Open votes where the actor's person is on the roll and has no ballot yet.
    async fn votes_to_cast(&self, actor: &Actor) -> ServiceResult<Vec<VoteItem>> {
        let Some((person, _)) = self.person_of(self.read(), actor.account_id).await? else {
            return Ok(Vec::new());
        };
        let key = VoterKey::Person(person).to_string();
        let open = self.voting_proposals(None).await?;
        if open.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = open.iter().map(|p| p.id).collect();
        let on_roll: BTreeSet<i64> = elector::Entity::find()
            .select_only()
            .column(elector::Column::ProposalId)
            .filter(elector::Column::ProposalId.is_in(ids.clone()))
            .filter(elector::Column::VoterKey.eq(key.clone()))
            .into_tuple::<i64>()
            .all(self.read())
            .await?
            .into_iter()
            .collect();
        let cast: BTreeSet<i64> = ballot::Entity::find()
            .select_only()
            .column(ballot::Column::ProposalId)
            .filter(ballot::Column::ProposalId.is_in(ids))
            .filter(ballot::Column::VoterKey.eq(key))
            .into_tuple::<i64>()
            .all(self.read())
            .await?
            .into_iter()
            .collect();
        let pending: Vec<proposal::Model> = open
            .into_iter()
            .filter(|p| on_roll.contains(&p.id) && !cast.contains(&p.id))
            .collect();
        self.with_turnout(pending).await
    }

    /// Proposals in voting, in `compounds` or anywhere, closing soonest first.
    async fn voting_proposals(
        &self,
        compounds: Option<&[i64]>,
    ) -> ServiceResult<Vec<proposal::Model>> {
        let mut q = proposal::Entity::find().filter(proposal::Column::Stage.eq("voting"));
        if let Some(c) = compounds {
            q = q.filter(proposal::Column::CompoundId.is_in(c.to_vec()));
        }
        Ok(q.order_by_asc(proposal::Column::VotingDeadline)
            .order_by_asc(proposal::Column::Id)
            .all(self.read())
            .await?)
    }

    /// Open votes of the compounds the actor runs.
    async fn open_votes(&self, compounds: &[i64]) -> ServiceResult<Vec<VoteItem>> {
        let open = self.voting_proposals(Some(compounds)).await?;
        self.with_turnout(open).await
    }

    /// Each proposal with its voters and ballots, counted by two `GROUP BY`s.
    async fn with_turnout(&self, ps: Vec<proposal::Model>) -> ServiceResult<Vec<VoteItem>> {
        if ps.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = ps.iter().map(|p| p.id).collect();
        let voters = self.count_by_proposal::<elector::Entity>(elector::Column::ProposalId, &ids);
        let voted = self.count_by_proposal::<ballot::Entity>(ballot::Column::ProposalId, &ids);
        let (voters, voted) = (voters.await?, voted.await?);
        let now = self.now();
        Ok(ps
            .into_iter()
            .map(|p| {
                let deadline = p.voting_deadline.unwrap_or(now);
                VoteItem {
                    proposal_id: p.id,
                    compound_id: p.compound_id,
                    // The deadline is the midnight that ends the last day.
                    deadline: china_date(deadline - 1),
                    days_left: ((deadline - now).max(0)) / DAY,
                    voted: voted.get(&p.id).copied().unwrap_or(0),
                    voters: voters.get(&p.id).copied().unwrap_or(0),
                    title: p.title,
                }
            })
            .collect())
    }

    async fn count_by_proposal<E: EntityTrait>(
        &self,
        column: impl ColumnTrait,
        ids: &[i64],
    ) -> ServiceResult<HashMap<i64, u64>> {
        let rows: Vec<(i64, i64)> = E::find()
            .select_only()
            .column(column)
            .column_as(Expr::cust("COUNT(*)"), "n")
            .filter(column.is_in(ids.to_vec()))
            .group_by(column)
            .into_tuple()
            .all(self.read())
            .await?;
        Ok(rows
            .into_iter()
            .map(|(id, n)| (id, u64::try_from(n).unwrap_or(0)))
            .collect())
    }

    /// Share minus payments for each of the homes, where something is still owed.
    async fn shares_owed(&self, homes: &[i64]) -> ServiceResult<Vec<OwedItem>> {
        let mut out = self.shares_of(homes).await?;
        out.retain(|o| o.outstanding > 0);
        out.sort_by_key(|o| std::cmp::Reverse(o.project_id));
        Ok(out)
    }

    /// Every elevator share of the households given, with what was paid towards it.
    async fn shares_of(&self, homes: &[i64]) -> ServiceResult<Vec<OwedItem>> {
        if homes.is_empty() {
            return Ok(Vec::new());
        }
        let [shares, paid] = self.shares_reads(homes);
        let (shares, paid) = tokio::try_join!(
            self.fetch(shares, |r| { Ok((r.int(0)?, r.int(1)?, r.int(2)?)) }),
            self.paid_of(paid),
        )?;
        Ok(shares
            .into_iter()
            .map(|(project_id, household_id, share)| {
                let paid = paid.get(&(project_id, household_id)).copied().unwrap_or(0);
                OwedItem {
                    project_id,
                    household_id,
                    share,
                    paid,
                    outstanding: (share - paid).max(0),
                }
            })
            .collect())
    }

    /// Payments summed per (project, household), for the payments `filter` selects.
    async fn paid(&self, filter: Condition) -> ServiceResult<HashMap<(i64, i64), i64>> {
        self.paid_of(self.paid_read(filter)).await
    }

    /// The payments of [`Store::paid_read`], by (project, household).
    async fn paid_of(&self, read: Statement) -> ServiceResult<HashMap<(i64, i64), i64>> {
        let rows = self
            .fetch(read, |r| Ok((r.int(0)?, r.int(1)?, r.int(2)?)))
            .await?;
        Ok(rows.into_iter().map(|(p, h, s)| ((p, h), s)).collect())
    }

    /// [`Store::paid`]'s read: payments summed per (project, household).
    fn paid_read(&self, filter: Condition) -> Statement {
        let q = elevator_payment::Entity::find()
            .select_only()
            .column(elevator_payment::Column::ProjectId)
            .column(elevator_payment::Column::HouseholdId)
            .column_as(
                Expr::cust("CAST(COALESCE(SUM(amount), 0) AS BIGINT)"),
                "paid",
            )
            .filter(filter)
            .group_by(elevator_payment::Column::ProjectId)
            .group_by(elevator_payment::Column::HouseholdId);
        self.built(&q)
    }

    /// For each home and elevator, its part of the latest month's running costs: the homes'
    /// projects from their shares (indexed by household), then one `GROUP BY` over those
    /// projects' parts (indexed by project and month).
    async fn running_costs_of(&self, homes: &[i64]) -> ServiceResult<Vec<RunningItem>> {
        use elevator_operation_share::Column as C;
        if homes.is_empty() {
            return Ok(Vec::new());
        }
        let projects: BTreeSet<i64> = elevator_share::Entity::find()
            .select_only()
            .column(elevator_share::Column::ProjectId)
            .filter(elevator_share::Column::HouseholdId.is_in(homes.to_vec()))
            .into_tuple::<i64>()
            .all(self.read())
            .await?
            .into_iter()
            .collect();
        if projects.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<(i64, i64, String, i64)> = elevator_operation_share::Entity::find()
            .select_only()
            .column(C::ProjectId)
            .column(C::HouseholdId)
            .column(C::Month)
            .column_as(Expr::cust("CAST(SUM(amount) AS BIGINT)"), "amount")
            .filter(C::ProjectId.is_in(projects))
            .filter(C::HouseholdId.is_in(homes.to_vec()))
            .group_by(C::ProjectId)
            .group_by(C::HouseholdId)
            .group_by(C::Month)
            .order_by_desc(C::Month)
            .into_tuple()
            .all(self.read())
            .await?;
        let mut seen = BTreeSet::new();
        Ok(rows
            .into_iter()
            .filter(|(p, h, _, _)| seen.insert((*p, *h)))
            .map(|(project_id, household_id, month, amount)| RunningItem {
                project_id,
                household_id,
                month,
                amount,
            })
            .collect())
    }

    /// The latest vote results and posted account statements of the compounds, newest first.
    async fn recent_notices(&self, compounds: &[i64]) -> ServiceResult<Vec<NoticeItem>> {
        const NOTICES: u64 = 5;
        if compounds.is_empty() {
            return Ok(Vec::new());
        }
        let results: Vec<(i64, i64, String, Option<i64>)> = proposal::Entity::find()
            .select_only()
            .column(proposal::Column::Id)
            .column(proposal::Column::CompoundId)
            .column(proposal::Column::Title)
            .column(proposal::Column::ClosedAt)
            .filter(proposal::Column::CompoundId.is_in(compounds.to_vec()))
            .filter(proposal::Column::ClosedAt.is_not_null())
            .order_by_desc(proposal::Column::ClosedAt)
            .limit(NOTICES)
            .into_tuple()
            .all(self.read())
            .await?;
        let accounts: HashMap<i64, (i64, String)> = fund_account::Entity::find()
            .select_only()
            .column(fund_account::Column::Id)
            .column(fund_account::Column::CompoundId)
            .column(fund_account::Column::Name)
            .filter(fund_account::Column::CompoundId.is_in(compounds.to_vec()))
            .into_tuple::<(i64, i64, String)>()
            .all(self.read())
            .await?
            .into_iter()
            .map(|(id, c, name)| (id, (c, name)))
            .collect();
        let statements = if accounts.is_empty() {
            Vec::new()
        } else {
            fund_statement::Entity::find()
                .select_only()
                .column(fund_statement::Column::Id)
                .column(fund_statement::Column::AccountId)
                .column(fund_statement::Column::PeriodFrom)
                .column(fund_statement::Column::PeriodTo)
                .column(fund_statement::Column::PostedAt)
                .filter(fund_statement::Column::AccountId.is_in(accounts.keys().copied()))
                .order_by_desc(fund_statement::Column::PostedAt)
                .limit(NOTICES)
                .into_tuple::<(i64, i64, String, String, i64)>()
                .all(self.read())
                .await?
        };
        let mut out: Vec<NoticeItem> = results
            .into_iter()
            .map(|(id, compound_id, title, closed)| {
                let at = closed.unwrap_or_default();
                NoticeItem {
                    kind: NoticeKind::VoteResult,
                    id,
                    compound_id,
                    title,
                    posted_on: china_date(at),
                    posted_at: at,
                }
            })
            .chain(
                statements
                    .into_iter()
                    .filter_map(|(id, account, from, to, at)| {
                        let (compound_id, name) = accounts.get(&account)?.clone();
                        Some(NoticeItem {
                            kind: NoticeKind::FundStatement,
                            id,
                            compound_id,
                            title: format!("{name} {from} – {to}"),
                            posted_on: china_date(at),
                            posted_at: at,
                        })
                    }),
            )
            .collect();
        out.sort_by_key(|n| std::cmp::Reverse((n.posted_at, n.id)));
        out.truncate(NOTICES as usize);
        Ok(out)
    }

    async fn recent_meetings(&self, compounds: &[i64]) -> ServiceResult<Vec<MeetingItem>> {
        if compounds.is_empty() {
            return Ok(Vec::new());
        }
        Ok(meeting::Entity::find()
            .filter(meeting::Column::CompoundId.is_in(compounds.to_vec()))
            .order_by_desc(meeting::Column::HeldOn)
            .order_by_desc(meeting::Column::Id)
            .limit(3)
            .all(self.read())
            .await?
            .into_iter()
            .map(|m| MeetingItem {
                meeting_id: m.id,
                compound_id: m.compound_id,
                title: m.title,
                held_on: m.held_on,
            })
            .collect())
    }

    async fn unanswered_objections(&self, compounds: &[i64]) -> ServiceResult<Vec<ObjectionItem>> {
        let titles: HashMap<i64, String> = proposal::Entity::find()
            .select_only()
            .column(proposal::Column::Id)
            .column(proposal::Column::Title)
            .filter(proposal::Column::CompoundId.is_in(compounds.to_vec()))
            .filter(proposal::Column::Stage.is_in(["deliberation", "voting"]))
            .into_tuple::<(i64, String)>()
            .all(self.read())
            .await?
            .into_iter()
            .collect();
        if titles.is_empty() {
            return Ok(Vec::new());
        }
        Ok(objection::Entity::find()
            .filter(objection::Column::ProposalId.is_in(titles.keys().copied()))
            .filter(objection::Column::Answer.is_null())
            .filter(objection::Column::Resolved.eq(false))
            .order_by_asc(objection::Column::Id)
            .limit(LIST)
            .all(self.read())
            .await?
            .into_iter()
            .map(|o| ObjectionItem {
                objection_id: o.id,
                proposal_id: o.proposal_id,
                proposal_title: titles.get(&o.proposal_id).cloned().unwrap_or_default(),
                concern: o.concern,
                raised_on: china_date(o.created_at),
            })
            .collect())
    }

    /// Projects with fixed shares in the compounds given, and what their households still owe.
    async fn projects_owing(&self, compounds: &[i64]) -> ServiceResult<Vec<OwingItem>> {
        let projects: Vec<(i64, i64, i64)> = elevator_project::Entity::find()
            .select_only()
            .column(elevator_project::Column::Id)
            .column(elevator_project::Column::CompoundId)
            .column(elevator_project::Column::UnitId)
            .filter(elevator_project::Column::CompoundId.is_in(compounds.to_vec()))
            .filter(elevator_project::Column::SharesFixedAt.is_not_null())
            .into_tuple()
            .all(self.read())
            .await?;
        if projects.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = projects.iter().map(|p| p.0).collect();
        let shares: Vec<(i64, i64, i64)> = elevator_share::Entity::find()
            .select_only()
            .column(elevator_share::Column::ProjectId)
            .column(elevator_share::Column::HouseholdId)
            .column(elevator_share::Column::Amount)
            .filter(elevator_share::Column::ProjectId.is_in(ids.clone()))
            .into_tuple()
            .all(self.read())
            .await?;
        let paid = self
            .paid(Condition::all().add(elevator_payment::Column::ProjectId.is_in(ids)))
            .await?;
        let mut owing: BTreeMap<i64, (u64, i64)> = BTreeMap::new();
        for (project, household, amount) in shares {
            let left = amount - paid.get(&(project, household)).copied().unwrap_or(0);
            if left > 0 {
                let e = owing.entry(project).or_default();
                e.0 += 1;
                e.1 += left;
            }
        }
        let units: HashMap<i64, String> = unit::Entity::find()
            .select_only()
            .column(unit::Column::Id)
            .column(unit::Column::Name)
            .filter(unit::Column::Id.is_in(projects.iter().map(|p| p.2)))
            .into_tuple::<(i64, String)>()
            .all(self.read())
            .await?
            .into_iter()
            .collect();
        Ok(projects
            .into_iter()
            .rev()
            .filter_map(|(id, compound_id, unit_id)| {
                let (households, outstanding) = owing.get(&id).copied()?;
                Some(OwingItem {
                    project_id: id,
                    compound_id,
                    unit_name: units.get(&unit_id).cloned().unwrap_or_default(),
                    households,
                    outstanding,
                })
            })
            .take(LIST as usize)
            .collect())
    }

    async fn imports_waiting(&self, compounds: &[i64]) -> ServiceResult<Vec<ImportItem>> {
        Ok(roster_import::Entity::find()
            .select_only()
            .column(roster_import::Column::Id)
            .column(roster_import::Column::CompoundId)
            .column(roster_import::Column::FileName)
            .column(roster_import::Column::CreatedAt)
            .filter(roster_import::Column::CompoundId.is_in(compounds.to_vec()))
            .filter(roster_import::Column::Status.eq(linli_domain::registry::ImportStatus::Pending))
            .order_by_desc(roster_import::Column::Id)
            .limit(LIST)
            .into_tuple::<(i64, i64, String, i64)>()
            .all(self.read())
            .await?
            .into_iter()
            .map(|(import_id, compound_id, file_name, at)| ImportItem {
                import_id,
                compound_id,
                file_name,
                uploaded_on: china_date(at),
            })
            .collect())
    }

    /// Compounds under the officer's regions with requests past their deadline, most first:
    /// one `GROUP BY` over the requests the officer handles.
    async fn compounds_overdue(&self, actor: &Actor) -> ServiceResult<Vec<AttentionItem>> {
        use service_request::Column as C;
        let rows: Vec<(i64, i64)> = service_request::Entity::find()
            .select_only()
            .column(C::CompoundId)
            .column_as(Expr::cust("COUNT(*)"), "n")
            .filter(crate::requests::overdue_for(actor, self.now()))
            .group_by(C::CompoundId)
            .order_by_desc(Expr::cust("COUNT(*)"))
            .order_by_asc(C::CompoundId)
            .limit(LIST)
            .into_tuple()
            .all(self.read())
            .await?;
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let names: HashMap<i64, String> = compound::Entity::find()
            .select_only()
            .column(compound::Column::Id)
            .column(compound::Column::Name)
            .filter(compound::Column::Id.is_in(rows.iter().map(|r| r.0)))
            .into_tuple::<(i64, String)>()
            .all(self.read())
            .await?
            .into_iter()
            .collect();
        Ok(rows
            .into_iter()
            .map(|(id, n)| AttentionItem {
                compound_id: id,
                compound_name: names.get(&id).cloned().unwrap_or_default(),
                overdue_requests: u64::try_from(n).unwrap_or(0),
            })
            .collect())
    }

    /// Open months of the panels the actor sits on, with the units still to score (all units
    /// of the compound but the scorer's own and those already scored by the seat).
    async fn sheets_to_score(&self, actor: &Actor) -> ServiceResult<Vec<SheetItem>> {
        let seats = rating_panel::Entity::find()
            .filter(rating_panel::Column::AccountId.eq(actor.account_id))
            .filter(rating_panel::Column::Active.eq(true))
            .all(self.read())
            .await?;
        if seats.is_empty() {
            return Ok(Vec::new());
        }
        let compounds: Vec<i64> = seats.iter().map(|s| s.compound_id).collect();
        let months = rating_month::Entity::find()
            .filter(rating_month::Column::CompoundId.is_in(compounds.clone()))
            .filter(rating_month::Column::Status.eq("open"))
            .order_by_desc(rating_month::Column::Month)
            .all(self.read())
            .await?;
        if months.is_empty() {
            return Ok(Vec::new());
        }
        let units: Vec<(i64, i64)> = unit::Entity::find()
            .select_only()
            .column(unit::Column::Id)
            .column(unit::Column::CompoundId)
            .filter(unit::Column::CompoundId.is_in(compounds.clone()))
            .into_tuple()
            .all(self.read())
            .await?;
        let scored: BTreeSet<(i64, i64)> = rating_sheet::Entity::find()
            .select_only()
            .column(rating_sheet::Column::MonthId)
            .column(rating_sheet::Column::UnitId)
            .filter(rating_sheet::Column::MonthId.is_in(months.iter().map(|m| m.id)))
            .filter(rating_sheet::Column::PanelId.is_in(seats.iter().map(|s| s.id)))
            .into_tuple::<(i64, i64)>()
            .all(self.read())
            .await?
            .into_iter()
            .collect();
        let names: HashMap<i64, String> = compound::Entity::find()
            .select_only()
            .column(compound::Column::Id)
            .column(compound::Column::Name)
            .filter(compound::Column::Id.is_in(compounds))
            .into_tuple::<(i64, String)>()
            .all(self.read())
            .await?
            .into_iter()
            .collect();
        let mut out = Vec::new();
        for m in months {
            // A scorer sits on few panels: this loop runs once or twice.
            let Some(seat) = seats.iter().find(|s| s.compound_id == m.compound_id) else {
                continue;
            };
            let own = self.own_units(actor, seat).await?;
            let left = units
                .iter()
                .filter(|(u, c)| {
                    *c == m.compound_id && !own.contains(u) && !scored.contains(&(m.id, *u))
                })
                .count();
            if left > 0 {
                out.push(SheetItem {
                    month_id: m.id,
                    compound_id: m.compound_id,
                    compound_name: names.get(&m.compound_id).cloned().unwrap_or_default(),
                    month: m.month,
                    left: left as u64,
                });
            }
        }
        Ok(out)
    }
}
