//! Per-compound plans (一小区一策): for a three-no compound (or any other), the problems
//! found, the renovation items (pipes, parking, lighting, elevators, smart access, security)
//! with their quantities, the budget by funding channel, who is responsible, and progress
//! (items done of items planned; the plan is done when every item is). And the list of a
//! region's plans with their progress, for the district.

use super::{internal, whole};
use crate::Store;
use crate::accounts::Actor;
use crate::audit::Change;
use crate::entity::{compound, compound_plan, plan_item};
use crate::error::{ServiceError, ServiceResult};
use linli_domain::authz::Action;
use linli_domain::elevator::parse_yuan;
use linli_domain::place::NodeKind;
use linli_domain::registry::Text;
use linli_domain::standards::{Channel, RenovationKind};
use linli_domain::{Fen, FieldError, Invalid, PageRequest, Paged};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, SimpleExpr};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PlanInput {
    /// The version edited; left out when creating the plan.
    #[serde(default)]
    pub version: Option<i32>,
    pub problems: String,
    #[serde(default)]
    pub responsible: String,
    /// Blank: every household of the compound.
    #[serde(default)]
    pub households_benefited: String,
    /// Yuan by channel: `government_reward`, `residents`, `support_unit`, `charity`, `public_income`.
    #[serde(default)]
    pub budget: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PlanItemInput {
    /// `pipes` (metres), `parking` (spaces), `lighting` (lamps), `elevators`, `smart_access`
    /// (gates), `security` (cameras) or `other`.
    pub kind: String,
    #[serde(default)]
    pub description: String,
    pub quantity: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChannelAmount {
    pub channel: String,
    pub label: String,
    pub amount: i64,
    pub yuan: String,
}

/// One channel of a plan's budget.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BudgetLine {
    pub channel: Channel,
    pub amount: i64,
    pub yuan: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanItemView {
    pub id: i64,
    pub kind: linli_domain::standards::RenovationKind,
    pub description: String,
    pub quantity: i64,
    pub done: bool,
    pub done_on: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanView {
    pub compound_id: i64,
    pub compound_name: String,
    pub three_no: bool,
    /// `None` until the plan is written.
    pub id: Option<i64>,
    pub problems: String,
    pub responsible: String,
    pub households_benefited: i64,
    pub budget: Vec<BudgetLine>,
    pub budget_total_yuan: String,
    pub items: Vec<PlanItemView>,
    pub items_total: i32,
    pub items_done: i32,
    pub progress_pct: i32,
    pub done: bool,
    pub version: i32,
    pub updated_on: String,
    pub can_edit: bool,
}

/// A plan at a glance, on the compound's standards page.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanSummary {
    pub id: i64,
    pub items_total: i32,
    pub items_done: i32,
    pub progress_pct: i32,
    pub done: bool,
    pub budget_total_yuan: String,
}

/// One plan in a region's list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanRow {
    pub compound_id: i64,
    pub compound_name: String,
    pub three_no: bool,
    pub problems: String,
    pub responsible: String,
    pub households_benefited: i64,
    pub budget_total_yuan: String,
    pub items_total: i32,
    pub items_done: i32,
    pub progress_pct: i32,
    pub done: bool,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams, utoipa::ToSchema)]
pub struct PlanFilter {
    /// `open` (not every item done) or `done`; anything else: all.
    pub status: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RegionPlans {
    pub region_id: i64,
    pub region_name: String,
    pub status: String,
    #[schema(value_type = Object)]
    pub plans: Paged<PlanRow>,
    pub total_plans: u64,
    pub done_plans: u64,
}

pub(crate) fn budget_total(p: &compound_plan::Model) -> i64 {
    p.budget_government_reward
        + p.budget_residents
        + p.budget_support_unit
        + p.budget_charity
        + p.budget_public_income
}

pub(crate) fn channel_amount(p: &compound_plan::Model, c: Channel) -> i64 {
    match c {
        Channel::GovernmentReward => p.budget_government_reward,
        Channel::Residents => p.budget_residents,
        Channel::SupportUnit => p.budget_support_unit,
        Channel::Charity => p.budget_charity,
        Channel::PublicIncome => p.budget_public_income,
    }
}

fn progress(total: i32, done: i32) -> (i32, bool) {
    (
        if total > 0 { done * 100 / total } else { 0 },
        total > 0 && done == total,
    )
}

/// The column of a region kind on the rows that carry the four region ids.
pub(crate) fn region_column(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::City => "city_id",
        NodeKind::District => "district_id",
        NodeKind::Subdistrict => "subdistrict_id",
        _ => "community_id",
    }
}

/// `<table>.<region column> = id`.
pub(crate) fn in_region(table: &str, kind: NodeKind, id: i64) -> SimpleExpr {
    Expr::col((Alias::new(table), Alias::new(region_column(kind)))).eq(id)
}

impl Store {
    async fn plan_row<C: ConnectionTrait>(
        db: &C,
        compound_id: i64,
    ) -> ServiceResult<Option<compound_plan::Model>> {
        Ok(compound_plan::Entity::find()
            .filter(compound_plan::Column::CompoundId.eq(compound_id))
            .one(db)
            .await?)
    }

    pub(crate) async fn plan_summary(
        &self,
        compound_id: i64,
    ) -> ServiceResult<Option<PlanSummary>> {
        Ok(Store::plan_row(self.read(), compound_id).await?.map(|p| {
            let (pct, done) = progress(p.items_total, p.items_done);
            PlanSummary {
                id: p.id,
                items_total: p.items_total,
                items_done: p.items_done,
                progress_pct: pct,
                done,
                budget_total_yuan: Fen(budget_total(&p)).to_string(),
            }
        }))
    }

    /// A compound's plan (or an empty one to write), for anyone who may see its public page.
    pub async fn compound_plan(&self, actor: &Actor, compound_id: i64) -> ServiceResult<PlanView> {
        let (c, at) = self.compound_at(compound_id).await?;
        actor.require(Action::ViewPublic, &at)?;
        let plan = Store::plan_row(self.read(), c.id).await?;
        let items = match &plan {
            Some(p) => {
                plan_item::Entity::find()
                    .filter(plan_item::Column::PlanId.eq(p.id))
                    .order_by_asc(plan_item::Column::Id)
                    .all(self.read())
                    .await?
            }
            None => Vec::new(),
        };
        let can_edit = actor.can(Action::Assess, &at);
        let empty = compound_plan::Model {
            id: 0,
            compound_id: c.id,
            city_id: c.city_id,
            district_id: c.district_id,
            subdistrict_id: c.subdistrict_id,
            community_id: c.community_id,
            problems: String::new(),
            responsible: String::new(),
            households_benefited: 0,
            budget_government_reward: 0,
            budget_residents: 0,
            budget_support_unit: 0,
            budget_charity: 0,
            budget_public_income: 0,
            items_total: 0,
            items_done: 0,
            created_by: 0,
            created_at: 0,
            updated_at: 0,
            version: 0,
        };
        let p = plan.as_ref().unwrap_or(&empty);
        let (pct, done) = progress(p.items_total, p.items_done);
        Ok(PlanView {
            compound_id: c.id,
            compound_name: c.name.clone(),
            three_no: c.three_no,
            id: plan.as_ref().map(|p| p.id),
            problems: p.problems.clone(),
            responsible: p.responsible.clone(),
            households_benefited: p.households_benefited,
            budget: Channel::ALL
                .into_iter()
                .map(|ch| {
                    let amount = channel_amount(p, ch);
                    BudgetLine {
                        channel: ch,
                        amount,
                        yuan: Fen(amount).to_string(),
                    }
                })
                .collect(),
            budget_total_yuan: Fen(budget_total(p)).to_string(),
            items: items
                .into_iter()
                .map(|i| PlanItemView {
                    id: i.id,
                    kind: i.kind,
                    description: i.description,
                    quantity: i.quantity,
                    done: i.done,
                    done_on: i.done_at.map(crate::china_date).unwrap_or_default(),
                })
                .collect(),
            items_total: p.items_total,
            items_done: p.items_done,
            progress_pct: pct,
            done,
            version: p.version,
            updated_on: if p.updated_at > 0 {
                crate::china_date(p.updated_at)
            } else {
                String::new()
            },
            can_edit,
        })
    }

    /// Writes or edits a compound's plan: problems, responsible, households benefited and the
    /// budget by channel. Officials over the compound; every bad field is named.
    pub async fn save_compound_plan(
        &self,
        actor: &Actor,
        compound_id: i64,
        input: &PlanInput,
    ) -> ServiceResult<PlanView> {
        let (c, at) = self.compound_at(compound_id).await?;
        actor.require(Action::Assess, &at)?;
        let mut e: Vec<FieldError> = Vec::new();
        let problems = Text::parse(&input.problems, 2000)
            .map_err(|x| e.push(FieldError::new("problems", x)))
            .ok();
        let responsible = Text::parse_optional(&input.responsible, 200)
            .map_err(|x| e.push(FieldError::new("responsible", x)))
            .ok();
        let households = if input.households_benefited.trim().is_empty() {
            Some(
                i64::try_from(
                    crate::entity::household::Entity::find()
                        .filter(crate::entity::household::Column::CompoundId.eq(c.id))
                        .count(self.read())
                        .await?,
                )
                .unwrap_or(0),
            )
        } else {
            whole(
                "households_benefited",
                &input.households_benefited,
                10_000_000,
                &mut e,
            )
        };
        let mut budget = BTreeMap::new();
        for (k, v) in &input.budget {
            match Channel::ALL.into_iter().find(|c| c.as_str() == k) {
                None => e.push(FieldError::new(
                    "budget",
                    Invalid::UnknownItem { item: k.clone() },
                )),
                Some(ch) => match parse_yuan(v) {
                    Ok(f) => {
                        budget.insert(ch, f.0);
                    }
                    Err(Invalid::Required) => {
                        budget.insert(ch, 0);
                    }
                    Err(x) => e.push(FieldError::new("budget", x)),
                },
            }
        }
        let (Some(problems), Some(responsible), Some(households), true) =
            (problems, responsible, households, e.is_empty())
        else {
            return Err(ServiceError::Invalid(e));
        };
        let amount = |ch: Channel| budget.get(&ch).copied().unwrap_or(0);
        let txn = self.begin_write().await?;
        let existing = Store::plan_row(&txn, c.id).await?;
        let t = self.now();
        let responsible = responsible.map(|r| r.into_string()).unwrap_or_default();
        let id = match &existing {
            Some(p) => {
                let version = input.version.unwrap_or(-1);
                let res = compound_plan::Entity::update_many()
                    .col_expr(
                        compound_plan::Column::Problems,
                        Expr::value(problems.as_str()),
                    )
                    .col_expr(
                        compound_plan::Column::Responsible,
                        Expr::value(responsible.clone()),
                    )
                    .col_expr(
                        compound_plan::Column::HouseholdsBenefited,
                        Expr::value(households),
                    )
                    .col_expr(
                        compound_plan::Column::BudgetGovernmentReward,
                        Expr::value(amount(Channel::GovernmentReward)),
                    )
                    .col_expr(
                        compound_plan::Column::BudgetResidents,
                        Expr::value(amount(Channel::Residents)),
                    )
                    .col_expr(
                        compound_plan::Column::BudgetSupportUnit,
                        Expr::value(amount(Channel::SupportUnit)),
                    )
                    .col_expr(
                        compound_plan::Column::BudgetCharity,
                        Expr::value(amount(Channel::Charity)),
                    )
                    .col_expr(
                        compound_plan::Column::BudgetPublicIncome,
                        Expr::value(amount(Channel::PublicIncome)),
                    )
                    .col_expr(compound_plan::Column::UpdatedAt, Expr::value(t))
                    .col_expr(compound_plan::Column::Version, Expr::value(p.version + 1))
                    .filter(compound_plan::Column::Id.eq(p.id))
                    .filter(compound_plan::Column::Version.eq(version))
                    .exec(&txn)
                    .await?;
                if res.rows_affected == 0 {
                    return Err(ServiceError::Stale { current: p.version });
                }
                p.id
            }
            None => {
                compound_plan::Entity::insert(compound_plan::ActiveModel {
                    compound_id: Set(c.id),
                    city_id: Set(c.city_id),
                    district_id: Set(c.district_id),
                    subdistrict_id: Set(c.subdistrict_id),
                    community_id: Set(c.community_id),
                    problems: Set(problems.into_string()),
                    responsible: Set(responsible),
                    households_benefited: Set(households),
                    budget_government_reward: Set(amount(Channel::GovernmentReward)),
                    budget_residents: Set(amount(Channel::Residents)),
                    budget_support_unit: Set(amount(Channel::SupportUnit)),
                    budget_charity: Set(amount(Channel::Charity)),
                    budget_public_income: Set(amount(Channel::PublicIncome)),
                    items_total: Set(0),
                    items_done: Set(0),
                    created_by: Set(actor.account_id),
                    created_at: Set(t),
                    updated_at: Set(t),
                    version: Set(1),
                    ..Default::default()
                })
                .exec(&txn)
                .await?
                .last_insert_id
            }
        };
        let after = compound_plan::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or(ServiceError::NotFound {
                entity: "compound_plan",
            })?;
        Change::by(actor, c.id, "plan.save", "compound_plan", id)
            .before(existing.as_ref().map(crate::audit::to_json).transpose()?)
            .after(crate::audit::to_json(&after)?)
            .record(&txn)
            .await?;
        txn.commit().await?;
        self.compound_plan(actor, c.id).await
    }

    /// Adds a renovation item to a compound's plan (which must exist).
    pub async fn add_plan_item(
        &self,
        actor: &Actor,
        compound_id: i64,
        input: &PlanItemInput,
    ) -> ServiceResult<PlanView> {
        let (c, at) = self.compound_at(compound_id).await?;
        actor.require(Action::Assess, &at)?;
        let mut e: Vec<FieldError> = Vec::new();
        let kind = RenovationKind::parse(&input.kind)
            .map_err(|x| e.push(FieldError::new("kind", x)))
            .ok();
        let description = Text::parse_optional(&input.description, 200)
            .map_err(|x| e.push(FieldError::new("description", x)))
            .ok();
        let quantity = whole("quantity", &input.quantity, 100_000_000, &mut e);
        if quantity == Some(0) {
            e.push(FieldError::new("quantity", Invalid::NotPositive));
        }
        let (Some(kind), Some(description), Some(quantity), true) =
            (kind, description, quantity, e.is_empty())
        else {
            return Err(ServiceError::Invalid(e));
        };
        let txn = self.begin_write().await?;
        let Some(plan) = Store::plan_row(&txn, c.id).await? else {
            return Err(ServiceError::invalid("problems", Invalid::Required));
        };
        let id = plan_item::Entity::insert(plan_item::ActiveModel {
            plan_id: Set(plan.id),
            kind: Set(kind),
            description: Set(description.map(|d| d.into_string()).unwrap_or_default()),
            quantity: Set(quantity),
            done: Set(false),
            done_at: Set(None),
            ..Default::default()
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        recount(&txn, plan.id, self.now()).await?;
        let row =
            plan_item::Entity::find_by_id(id)
                .one(&txn)
                .await?
                .ok_or(ServiceError::NotFound {
                    entity: "plan_item",
                })?;
        Change::by(actor, c.id, "plan.item.add", "plan_item", id)
            .after(crate::audit::to_json(&row)?)
            .record(&txn)
            .await?;
        txn.commit().await?;
        self.compound_plan(actor, c.id).await
    }

    /// Marks an item of a plan done (or not done again).
    pub async fn set_plan_item_done(
        &self,
        actor: &Actor,
        item_id: i64,
        done: bool,
    ) -> ServiceResult<PlanView> {
        let item = plan_item::Entity::find_by_id(item_id)
            .one(self.read())
            .await?
            .ok_or(ServiceError::NotFound {
                entity: "plan_item",
            })?;
        let plan = compound_plan::Entity::find_by_id(item.plan_id)
            .one(self.read())
            .await?
            .ok_or_else(|| internal(format!("plan item {item_id} without plan")))?;
        let (c, at) = self.compound_at(plan.compound_id).await?;
        actor.require(Action::Assess, &at)?;
        let txn = self.begin_write().await?;
        plan_item::Entity::update_many()
            .col_expr(plan_item::Column::Done, Expr::value(done))
            .col_expr(
                plan_item::Column::DoneAt,
                Expr::value(if done { Some(self.now()) } else { None }),
            )
            .filter(plan_item::Column::Id.eq(item.id))
            .exec(&txn)
            .await?;
        recount(&txn, plan.id, self.now()).await?;
        let after = plan_item::Entity::find_by_id(item.id)
            .one(&txn)
            .await?
            .ok_or(ServiceError::NotFound {
                entity: "plan_item",
            })?;
        Change::by(actor, c.id, "plan.item.done", "plan_item", item.id)
            .before(crate::audit::to_json(&item)?)
            .after(crate::audit::to_json(&after)?)
            .record(&txn)
            .await?;
        txn.commit().await?;
        self.compound_plan(actor, c.id).await
    }

    /// The plans of a region with their progress, for the officials over it.
    pub async fn region_plans(
        &self,
        actor: &Actor,
        region_id: i64,
        filter: &PlanFilter,
        page: PageRequest,
    ) -> ServiceResult<RegionPlans> {
        let (path, region) = self.region_path(region_id).await?;
        actor.require(Action::ViewRegistry, &path)?;
        let kind = region.kind;
        let base =
            compound_plan::Entity::find().filter(in_region("compound_plan", kind, region.id));
        let done_cond = Expr::col(compound_plan::Column::ItemsDone)
            .eq(Expr::col(compound_plan::Column::ItemsTotal))
            .and(Expr::col(compound_plan::Column::ItemsTotal).gt(0));
        let total_plans = base.clone().count(self.read()).await?;
        let done_plans = base
            .clone()
            .filter(done_cond.clone())
            .count(self.read())
            .await?;
        let status = filter.status.clone().unwrap_or_default();
        let q = match status.as_str() {
            "done" => base.filter(done_cond),
            "open" => base.filter(done_cond.not()),
            _ => base,
        };
        let total = q.clone().count(self.read()).await?;
        let rows = q
            .order_by_asc(compound_plan::Column::CompoundId)
            .offset(page.offset())
            .limit(page.size())
            .all(self.read())
            .await?;
        let ids: Vec<i64> = rows.iter().map(|p| p.compound_id).collect();
        let names: BTreeMap<i64, (String, bool)> = compound::Entity::find()
            .filter(compound::Column::Id.is_in(ids))
            .all(self.read())
            .await?
            .into_iter()
            .map(|c| (c.id, (c.name, c.three_no)))
            .collect();
        let items = rows
            .into_iter()
            .map(|p| {
                let (pct, done) = progress(p.items_total, p.items_done);
                let (name, three_no) = names.get(&p.compound_id).cloned().unwrap_or_default();
                PlanRow {
                    compound_id: p.compound_id,
                    compound_name: name,
                    three_no,
                    problems: p.problems.chars().take(60).collect(),
                    responsible: p.responsible.clone(),
                    households_benefited: p.households_benefited,
                    budget_total_yuan: Fen(budget_total(&p)).to_string(),
                    items_total: p.items_total,
                    items_done: p.items_done,
                    progress_pct: pct,
                    done,
                }
            })
            .collect();
        Ok(RegionPlans {
            region_id: region.id,
            region_name: region.name,
            status,
            plans: Paged::new(items, total, page),
            total_plans,
            done_plans,
        })
    }
}

/// Recounts a plan's items and done items.
async fn recount<C: ConnectionTrait>(txn: &C, plan_id: i64, at: i64) -> ServiceResult<()> {
    let items = plan_item::Entity::find()
        .filter(plan_item::Column::PlanId.eq(plan_id))
        .all(txn)
        .await?;
    let total = i32::try_from(items.len()).unwrap_or(i32::MAX);
    let done = i32::try_from(items.iter().filter(|i| i.done).count()).unwrap_or(i32::MAX);
    compound_plan::Entity::update_many()
        .col_expr(compound_plan::Column::ItemsTotal, Expr::value(total))
        .col_expr(compound_plan::Column::ItemsDone, Expr::value(done))
        .col_expr(compound_plan::Column::UpdatedAt, Expr::value(at))
        .filter(compound_plan::Column::Id.eq(plan_id))
        .exec(txn)
        .await?;
    Ok(())
}
