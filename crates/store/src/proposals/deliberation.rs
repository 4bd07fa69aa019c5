//! Proposing and deliberating: a proposal is written, put to the residents, supported,
//! commented on (with the committee's answers marked) and withdrawn.

use super::{Loaded, ProposalView, Scope, require_view};
use crate::accounts::Actor;
use crate::audit::{self, Change};
use crate::entity::{proposal, proposal_comment, proposal_support};
use crate::error::{ServiceError, ServiceResult};
use crate::registry::{field, lenient_string};
use crate::{Store, paths};
use linli_domain::authz::Action;
use linli_domain::decision::{DecisionRule, MatterClass, Preset, ProposalStage, StageEvent};
use linli_domain::registry::Text;
use linli_domain::{FieldError, Invalid, PageRequest, Paged};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};

/// A new proposal, as typed on the form or sent by a script.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ProposalInput {
    /// `compound`, `building` or `unit`.
    pub scope: String,
    /// The id of that compound, building or unit.
    #[serde(deserialize_with = "lenient_string")]
    pub scope_id: String,
    pub title: String,
    #[serde(default)]
    pub body: String,
    /// One of the nine matter classes of Civil Code Art. 278 (`alteration` for an elevator), or `advisory`.
    pub matter: String,
    /// A preset code (`civil_ordinary`, `civil_major`, `beijing_2020_elevator`, …); empty for the matter's default.
    #[serde(default)]
    pub preset: String,
    /// A custom rule, used when `preset` is `custom`.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub rule: Option<DecisionRule>,
    /// A custom rule as typed on the page's form, used when `preset` is `custom` and `rule` is absent.
    #[serde(default)]
    pub custom: Option<CustomRuleInput>,
}

/// The custom-rule part of the proposal form: one approval threshold, optionally the Art. 278
/// quorum, and the two conditions.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CustomRuleInput {
    /// "2/3", "75%", "66.67%".
    pub fraction: String,
    /// `area`, `headcount` or `both`.
    pub measure: String,
    /// `all` (of everyone in scope) or `participants` (of those who voted).
    pub of: String,
    /// "more than" instead of "at least".
    #[serde(default)]
    pub strict: bool,
    /// Also require two thirds of all to take part (Art. 278 quorum).
    #[serde(default)]
    pub quorum: bool,
    #[serde(default)]
    pub no_unresolved_objection: bool,
    #[serde(default)]
    pub requires_affected_consent: bool,
}

impl CustomRuleInput {
    /// The rule, or every bad field.
    pub fn parse(&self) -> Result<DecisionRule, Vec<FieldError>> {
        use linli_domain::decision::{Base, Measure, Threshold, rule::parse_fraction};
        let mut e = Vec::new();
        let fraction = field(&mut e, "fraction", parse_fraction(&self.fraction));
        let measures = match self.measure.trim() {
            "area" => Some(vec![Measure::Area]),
            "headcount" => Some(vec![Measure::Headcount]),
            "both" | "" => Some(vec![Measure::Area, Measure::Headcount]),
            _ => field(
                &mut e,
                "measure",
                Err::<Vec<Measure>, _>(Invalid::BadChoice),
            ),
        };
        let of = match self.of.trim() {
            "all" | "" => Some(Base::All),
            "participants" => Some(Base::Participants),
            _ => field(&mut e, "of", Err::<Base, _>(Invalid::BadChoice)),
        };
        let (Some(fraction), Some(measures), Some(of), true) =
            (fraction, measures, of, e.is_empty())
        else {
            return Err(e);
        };
        let mut thresholds = Vec::new();
        if self.quorum {
            let two_thirds = linli_domain::Fraction::new(2, 3)
                .ok_or_else(|| vec![FieldError::new("fraction", Invalid::BadFraction)])?;
            thresholds.extend(measures.iter().map(|m| Threshold::quorum(*m, two_thirds)));
        }
        thresholds.extend(
            measures
                .iter()
                .map(|m| Threshold::yes(*m, of, fraction, self.strict)),
        );
        let rule = DecisionRule {
            thresholds,
            requires_affected_consent: self.requires_affected_consent,
            no_unresolved_objection: self.no_unresolved_objection,
            headcount: Default::default(),
            notice_days: DecisionRule::DEFAULT_NOTICE_DAYS,
        };
        rule.check()?;
        Ok(rule)
    }
}

/// A comment or reply.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CommentInput {
    pub body: String,
    #[serde(default)]
    pub parent_id: Option<i64>,
    /// Marks the comment as the committee's answer; only those who run the decision may.
    #[serde(default)]
    pub official: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CommentView {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub author_name: String,
    pub body: String,
    pub official: bool,
    pub created_at: i64,
}

/// A proposal in a list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProposalRow {
    pub id: i64,
    pub title: String,
    pub scope: linli_domain::decision::Scope,
    pub scope_id: i64,
    pub matter: linli_domain::decision::MatterClass,
    pub stage: ProposalStage,
    pub proposer_name: String,
    pub support_count: i32,
    pub created_at: i64,
}

/// A stage change asked for on the page or by the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StageRequest {
    /// Draft → deliberation: put it to the residents.
    Submit,
    /// Withdraw a draft or a proposal under deliberation.
    Withdraw,
    /// Passed → acting.
    StartActing,
    /// Acting → evaluated.
    Evaluate,
}

struct ParsedProposal {
    scope: Scope,
    scope_id: i64,
    title: Text,
    body: String,
    matter: MatterClass,
    preset: Preset,
    rule: DecisionRule,
}

fn parse_proposal(input: &ProposalInput) -> ServiceResult<ParsedProposal> {
    let mut e = Vec::new();
    let scope = field(&mut e, "scope", Scope::parse(&input.scope));
    let scope_id = field(
        &mut e,
        "scope_id",
        input
            .scope_id
            .trim()
            .parse::<i64>()
            .map_err(|_| Invalid::NotANumber),
    );
    let title = field(&mut e, "title", Text::parse(&input.title, 200));
    let body = field(&mut e, "body", Text::parse_optional(&input.body, 20_000))
        .map(|b| b.map(Text::into_string).unwrap_or_default());
    let matter = field(&mut e, "matter", MatterClass::parse(&input.matter));
    let preset = match (input.preset.trim(), matter) {
        ("", Some(m)) => Some(m.default_preset()),
        ("", None) => None,
        (code, _) => field(&mut e, "preset", Preset::parse(code)),
    };
    let rule = match (preset, &input.rule) {
        (Some(Preset::Custom), Some(rule)) => {
            if let Err(errors) = rule.check() {
                e.extend(errors);
            }
            Some(rule.clone())
        }
        (Some(Preset::Custom), None) => match input.custom.as_ref().map(CustomRuleInput::parse) {
            Some(Ok(rule)) => Some(rule),
            Some(Err(errors)) => {
                e.extend(errors);
                None
            }
            None => {
                e.push(FieldError::new("rule", Invalid::Required));
                None
            }
        },
        (Some(p), _) => Some(p.rule()),
        (None, _) => None,
    };
    match (scope, scope_id, title, body, matter, preset, rule) {
        (
            Some(scope),
            Some(scope_id),
            Some(title),
            Some(body),
            Some(matter),
            Some(preset),
            Some(rule),
        ) if e.is_empty() => Ok(ParsedProposal {
            scope,
            scope_id,
            title,
            body,
            matter,
            preset,
            rule,
        }),
        _ => Err(ServiceError::Invalid(e)),
    }
}

impl Store {
    /// Puts a proposal forward as a draft. Anyone with a role in (or under) the scope may.
    pub async fn create_proposal(
        &self,
        actor: &Actor,
        compound_id: i64,
        input: &ProposalInput,
    ) -> ServiceResult<ProposalView> {
        let c = self.compound_row(compound_id).await?;
        let p = parse_proposal(input)?;
        let (path, _, _) = self.scope_place(&c, p.scope, p.scope_id).await?;
        actor.require(Action::Propose, &path)?;
        let t = self.now();
        let txn = self.begin_write().await?;
        let id = proposal::Entity::insert(proposal::ActiveModel {
            compound_id: Set(c.id),
            scope_kind: Set(p.scope),
            scope_id: Set(p.scope_id),
            title: Set(p.title.into_string()),
            body: Set(p.body),
            matter: Set(p.matter),
            preset: Set(p.preset),
            rule: Set(serde_json::to_string(&p.rule).map_err(anyhow::Error::from)?),
            stage: Set(ProposalStage::Draft),
            proposer_id: Set(actor.account_id),
            proposer_name: Set(actor.name.clone()),
            notice_days: Set(i32::from(p.rule.notice_days())),
            voting_opened_at: Set(None),
            voting_deadline: Set(None),
            closed_at: Set(None),
            result: Set(String::new()),
            support_count: Set(0),
            created_at: Set(t),
            updated_at: Set(t),
            version: Set(1),
            ..Default::default()
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        let row = proposal::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or(ServiceError::NotFound { entity: "proposal" })?;
        Change::by(actor, c.id, "proposal.create", "proposal", id)
            .after(audit::to_json(&row)?)
            .record(&txn)
            .await?;
        txn.commit().await?;
        self.proposal(actor, id).await
    }

    /// The proposals of a compound, newest first, optionally only those at one stage.
    pub async fn list_proposals(
        &self,
        actor: &Actor,
        compound_id: i64,
        stage: Option<&str>,
        page: PageRequest,
    ) -> ServiceResult<Paged<ProposalRow>> {
        let c = self.compound_row(compound_id).await?;
        actor.require(Action::ViewPublic, &paths::compound_path(&c))?;
        let mut q = proposal::Entity::find().filter(proposal::Column::CompoundId.eq(c.id));
        if let Some(s) = stage.filter(|s| !s.is_empty()) {
            let s = ProposalStage::parse(s).map_err(|e| ServiceError::invalid("stage", e))?;
            q = q.filter(proposal::Column::Stage.eq(s));
        }
        let total = q.clone().count(self.read()).await?;
        let rows = q
            .order_by_desc(proposal::Column::Id)
            .offset(page.offset())
            .limit(page.size())
            .all(self.read())
            .await?;
        let items = rows
            .into_iter()
            .map(|r| ProposalRow {
                id: r.id,
                title: r.title,
                scope: r.scope_kind,
                scope_id: r.scope_id,
                matter: r.matter,
                stage: r.stage,
                proposer_name: r.proposer_name,
                support_count: r.support_count,
                created_at: r.created_at,
            })
            .collect();
        Ok(Paged::new(items, total, page))
    }

    /// Moves a proposal along: submit, withdraw, start acting, mark evaluated. Opening and
    /// closing the vote have their own methods because they do more than change the stage.
    pub async fn change_stage(
        &self,
        actor: &Actor,
        id: i64,
        request: StageRequest,
    ) -> ServiceResult<ProposalView> {
        let p = self.load_proposal(id).await?;
        let proposer = p.row.proposer_id == actor.account_id;
        let manager = actor.can(Action::ManageDecision, &p.path);
        let (event, allowed) = match request {
            StageRequest::Submit => (StageEvent::Submit, proposer || manager),
            StageRequest::Withdraw => (StageEvent::Withdraw, proposer || manager),
            StageRequest::StartActing => (StageEvent::StartActing, manager),
            StageRequest::Evaluate => (StageEvent::Evaluate, manager),
        };
        if !allowed {
            return Err(ServiceError::Forbidden);
        }
        let next = p
            .stage
            .next(event)
            .map_err(|e| ServiceError::invalid("stage", e))?;
        self.set_stage(actor, &p, next, "proposal.stage", Vec::new())
            .await?;
        self.proposal(actor, id).await
    }

    /// Writes a new stage if the proposal is still at the stage it was read at (another
    /// request may have moved it meanwhile), with its audit record.
    pub(crate) async fn set_stage(
        &self,
        actor: &Actor,
        p: &Loaded,
        next: ProposalStage,
        action: &str,
        extra: Vec<(proposal::Column, Expr)>,
    ) -> ServiceResult<()> {
        let txn = self.begin_write().await?;
        self.set_stage_in(&txn, actor, p, next, action, extra)
            .await?;
        txn.commit().await?;
        Ok(())
    }

    pub(crate) async fn set_stage_in<C: ConnectionTrait>(
        &self,
        txn: &C,
        actor: &Actor,
        p: &Loaded,
        next: ProposalStage,
        action: &str,
        extra: Vec<(proposal::Column, Expr)>,
    ) -> ServiceResult<()> {
        let mut update = proposal::Entity::update_many()
            .col_expr(proposal::Column::Stage, Expr::value(next.as_str()))
            .col_expr(proposal::Column::UpdatedAt, Expr::value(self.now()))
            .col_expr(
                proposal::Column::Version,
                Expr::col(proposal::Column::Version).add(1),
            );
        for (col, value) in extra {
            update = update.col_expr(col, value);
        }
        let res = update
            .filter(proposal::Column::Id.eq(p.row.id))
            .filter(proposal::Column::Stage.eq(p.row.stage))
            .exec(txn)
            .await?;
        if res.rows_affected != 1 {
            return Err(ServiceError::Stale {
                current: p.row.version + 1,
            });
        }
        let after = proposal::Entity::find_by_id(p.row.id).one(txn).await?;
        Change::by(actor, p.compound.id, action, "proposal", p.row.id)
            .before(audit::to_json(&p.row)?)
            .after(after.as_ref().map(audit::to_json).transpose()?)
            .record(txn)
            .await
    }

    /// A resident's support for a draft or a proposal under deliberation; once per account.
    pub async fn support_proposal(&self, actor: &Actor, id: i64) -> ServiceResult<ProposalView> {
        let p = self.load_proposal(id).await?;
        actor.require(Action::Propose, &p.path)?;
        p.at_stage(&[ProposalStage::Draft, ProposalStage::Deliberation])?;
        let txn = self.begin_write().await?;
        let already = proposal_support::Entity::find()
            .filter(proposal_support::Column::ProposalId.eq(id))
            .filter(proposal_support::Column::AccountId.eq(actor.account_id))
            .one(&txn)
            .await?;
        if already.is_none() {
            proposal_support::Entity::insert(proposal_support::ActiveModel {
                proposal_id: Set(id),
                account_id: Set(actor.account_id),
                created_at: Set(self.now()),
                ..Default::default()
            })
            .exec(&txn)
            .await?;
            proposal::Entity::update_many()
                .col_expr(
                    proposal::Column::SupportCount,
                    Expr::col(proposal::Column::SupportCount).add(1),
                )
                .filter(proposal::Column::Id.eq(id))
                .exec(&txn)
                .await?;
            Change::by(actor, p.compound.id, "proposal.support", "proposal", id)
                .after(serde_json::json!({ "account_id": actor.account_id }))
                .record(&txn)
                .await?;
        }
        txn.commit().await?;
        self.proposal(actor, id).await
    }

    pub async fn comments(&self, actor: &Actor, id: i64) -> ServiceResult<Vec<CommentView>> {
        let p = self.load_proposal(id).await?;
        require_view(actor, &p)?;
        let rows = proposal_comment::Entity::find()
            .filter(proposal_comment::Column::ProposalId.eq(id))
            .order_by_asc(proposal_comment::Column::Id)
            .limit(2000)
            .all(self.read())
            .await?;
        Ok(rows.into_iter().map(comment_view).collect())
    }

    pub async fn add_comment(
        &self,
        actor: &Actor,
        id: i64,
        input: &CommentInput,
    ) -> ServiceResult<CommentView> {
        let p = self.load_proposal(id).await?;
        actor.require(Action::Propose, &p.path)?;
        if p.stage == ProposalStage::Withdrawn {
            return Err(ServiceError::invalid(
                "stage",
                Invalid::WrongStage { stage: p.stage },
            ));
        }
        let body = Text::parse(&input.body, 5000).map_err(|e| FieldError::new("body", e))?;
        if input.official && !actor.can(Action::ManageDecision, &p.path) {
            return Err(ServiceError::Forbidden);
        }
        let txn = self.begin_write().await?;
        if let Some(parent) = input.parent_id {
            let ok = proposal_comment::Entity::find_by_id(parent)
                .one(&txn)
                .await?
                .is_some_and(|c| c.proposal_id == id);
            if !ok {
                return Err(ServiceError::invalid("parent_id", Invalid::BadChoice));
            }
        }
        let cid = proposal_comment::Entity::insert(proposal_comment::ActiveModel {
            proposal_id: Set(id),
            parent_id: Set(input.parent_id),
            account_id: Set(actor.account_id),
            author_name: Set(actor.name.clone()),
            body: Set(body.into_string()),
            official: Set(input.official),
            created_at: Set(self.now()),
            ..Default::default()
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        let row = proposal_comment::Entity::find_by_id(cid)
            .one(&txn)
            .await?
            .ok_or(ServiceError::NotFound { entity: "comment" })?;
        Change::by(actor, p.compound.id, "proposal.comment", "proposal", id)
            .after(serde_json::to_value(&row).map_err(anyhow::Error::from)?)
            .record(&txn)
            .await?;
        txn.commit().await?;
        Ok(comment_view(row))
    }
}

fn comment_view(c: proposal_comment::Model) -> CommentView {
    CommentView {
        id: c.id,
        parent_id: c.parent_id,
        author_name: c.author_name,
        body: c.body,
        official: c.official,
        created_at: c.created_at,
    }
}
