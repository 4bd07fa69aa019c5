//! Star ratings of compounds (评星定级): the residents' survey under its sample rule, the
//! assessor's management and overall points, veto items, the exact weighted score, the stars
//! and the reward of that star level.
//!
//! The reward is recorded on the rating (in fen). Paying it into the compound's fund account
//! belongs to the fund accounts, which will read `star_rating.reward`.

use super::assessments::{centi, current_period};
use super::json_string;
use crate::Store;
use crate::accounts::Actor;
use crate::audit::Change;
use crate::entity::{compound, household, star_rating};
use crate::error::{ServiceError, ServiceResult};
use linli_domain::authz::Action;
use linli_domain::elevator::parse_percent_bp;
use linli_domain::standards::{Period, RatingInput, RatingOutcome, RatingScheme};
use linli_domain::{Fen, FieldError};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct StarRatingInput {
    /// "2024-Q4".
    pub period: String,
    /// Households that answered the satisfaction survey.
    pub responses: String,
    /// Of those, how many were satisfied.
    pub satisfied: String,
    /// Management points out of 100, up to two decimals ("88.5").
    pub management: String,
    /// Overall points out of 100.
    pub overall: String,
    /// Codes of the veto items found.
    #[serde(default)]
    pub vetoes: Vec<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VetoChoice {
    pub code: String,
    pub title: String,
    pub checked: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StarRatingView {
    pub id: i64,
    pub compound_id: i64,
    pub compound_name: String,
    pub period: String,
    pub households: i64,
    pub responses: i64,
    pub satisfied: i64,
    /// Points, two decimals.
    pub satisfaction: String,
    pub management: String,
    pub overall: String,
    /// The weighted score, rounded down to two decimals (the stars use the exact score).
    pub score: String,
    pub stars: i32,
    /// "★★★☆☆".
    pub stars_text: String,
    pub vetoed: bool,
    pub vetoes: Vec<VetoChoice>,
    /// In fen, with `reward_yuan` for display.
    pub reward: i64,
    pub reward_yuan: String,
    /// The star-rating scheme; the API sends its rule in words as `rule`.
    #[serde(skip)]
    pub rating: RatingScheme,
    pub rated_by_name: String,
    pub rated_on: String,
}

/// The rating form: the compound's households, how many answers the survey needs, the
/// scheme's veto items and rule.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StarForm {
    pub compound_id: i64,
    pub compound_name: String,
    pub period: String,
    pub households: i64,
    pub needed: i64,
    pub vetoes: Vec<VetoChoice>,
    /// The star-rating scheme; the API sends its rule in words as `rule`.
    #[serde(skip)]
    pub rating: RatingScheme,
}

impl Store {
    async fn households_of(&self, compound_id: i64) -> ServiceResult<i64> {
        let n = household::Entity::find()
            .filter(household::Column::CompoundId.eq(compound_id))
            .count(self.read())
            .await?;
        Ok(i64::try_from(n).unwrap_or(i64::MAX))
    }

    pub async fn star_form(&self, actor: &Actor, compound_id: i64) -> ServiceResult<StarForm> {
        let (c, at) = self.compound_at(compound_id).await?;
        actor.require(Action::Assess, &at)?;
        let scheme = Store::scheme(self.read(), c.city_id).await?;
        let households = self.households_of(c.id).await?;
        Ok(StarForm {
            compound_id: c.id,
            compound_name: c.name,
            period: current_period(self.now()),
            households,
            needed: scheme.rating.survey.needed(households),
            vetoes: scheme
                .rating
                .vetoes
                .iter()
                .map(|v| VetoChoice {
                    code: v.code.clone(),
                    title: v.title.clone(),
                    checked: false,
                })
                .collect(),
            rating: scheme.rating,
        })
    }

    /// Rates a compound for a period (or re-rates it). Refused outside the assessor's area,
    /// with a survey below the sample rule, or with parts outside 0–100; nothing is written then.
    pub async fn save_star_rating(
        &self,
        actor: &Actor,
        compound_id: i64,
        input: &StarRatingInput,
    ) -> ServiceResult<StarRatingView> {
        let (c, at) = self.compound_at(compound_id).await?;
        actor.require(Action::Assess, &at)?;
        let scheme = Store::scheme(self.read(), c.city_id).await?;
        let households = self.households_of(c.id).await?;
        let mut e: Vec<FieldError> = Vec::new();
        let period = Period::parse(&input.period)
            .map_err(|x| e.push(FieldError::new("period", x)))
            .ok();
        let responses = super::whole("responses", &input.responses, 10_000_000, &mut e);
        let satisfied = super::whole("satisfied", &input.satisfied, 10_000_000, &mut e);
        let mut points = |field: &'static str, s: &str| {
            parse_percent_bp(s)
                .map_err(|x| e.push(FieldError::new(field, x)))
                .ok()
        };
        let management = points("management", &input.management);
        let overall = points("overall", &input.overall);
        let (Some(period), Some(responses), Some(satisfied), Some(management), Some(overall)) =
            (period, responses, satisfied, management, overall)
        else {
            return Err(ServiceError::Invalid(e));
        };
        let vetoes: Vec<String> = input
            .vetoes
            .iter()
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect();
        let outcome = scheme
            .rating
            .rate(&RatingInput {
                households,
                responses,
                satisfied,
                management_centi: management,
                overall_centi: overall,
                vetoes: vetoes.clone(),
            })
            .map_err(ServiceError::Invalid)?;
        let period_s = period.to_string();
        let txn = self.begin_write().await?;
        let existing = star_rating::Entity::find()
            .filter(star_rating::Column::CompoundId.eq(c.id))
            .filter(star_rating::Column::Period.eq(period_s.clone()))
            .one(&txn)
            .await?;
        let newest = star_rating::Entity::find()
            .filter(star_rating::Column::CompoundId.eq(c.id))
            .order_by_desc(star_rating::Column::Period)
            .one(&txn)
            .await?;
        let latest = newest.as_ref().is_none_or(|n| n.period <= period_s);
        if latest {
            star_rating::Entity::update_many()
                .col_expr(star_rating::Column::Latest, Expr::value(false))
                .filter(star_rating::Column::CompoundId.eq(c.id))
                .exec(&txn)
                .await?;
        }
        let input = RatingInput {
            households,
            responses,
            satisfied,
            management_centi: management,
            overall_centi: overall,
            vetoes,
        };
        let mut row = rating_row(
            &c,
            &period_s,
            &input,
            &outcome,
            latest,
            (actor.account_id, &actor.name),
            self.now(),
        )?;
        let id = match &existing {
            Some(old) => {
                row.id = Set(old.id);
                star_rating::Entity::update(row).exec(&txn).await?;
                old.id
            }
            None => {
                star_rating::Entity::insert(row)
                    .exec(&txn)
                    .await?
                    .last_insert_id
            }
        };
        let after =
            star_rating::Entity::find_by_id(id)
                .one(&txn)
                .await?
                .ok_or(ServiceError::NotFound {
                    entity: "star_rating",
                })?;
        Change::by(actor, c.id, "standards.star_rating", "star_rating", id)
            .before(existing.as_ref().map(crate::audit::to_json).transpose()?)
            .after(crate::audit::to_json(&after)?)
            .record(&txn)
            .await?;
        txn.commit().await?;
        self.star_rating(actor, id).await
    }

    /// One star rating, for anyone who may see the compound's public page.
    pub async fn star_rating(&self, actor: &Actor, id: i64) -> ServiceResult<StarRatingView> {
        let r = star_rating::Entity::find_by_id(id)
            .one(self.read())
            .await?
            .ok_or(ServiceError::NotFound {
                entity: "star_rating",
            })?;
        let (c, at) = self.compound_at(r.compound_id).await?;
        actor.require(Action::ViewPublic, &at)?;
        let scheme = Store::scheme(self.read(), c.city_id).await?;
        let found: Vec<String> = serde_json::from_str(&r.vetoes).unwrap_or_default();
        Ok(StarRatingView {
            id: r.id,
            compound_id: c.id,
            compound_name: c.name,
            period: r.period.clone(),
            households: r.households,
            responses: r.responses,
            satisfied: r.satisfied,
            satisfaction: centi(r.satisfaction_centi),
            management: centi(r.management_centi),
            overall: centi(r.overall_centi),
            score: centi(r.score_centi),
            stars: r.stars,
            stars_text: super::assessments::stars_text(r.stars),
            vetoed: r.vetoed,
            vetoes: scheme
                .rating
                .vetoes
                .iter()
                .map(|v| VetoChoice {
                    code: v.code.clone(),
                    title: v.title.clone(),
                    checked: found.contains(&v.code),
                })
                .collect(),
            reward: r.reward,
            reward_yuan: Fen(r.reward).to_string(),
            rating: scheme.rating,
            rated_by_name: r.rated_by_name,
            rated_on: crate::china_date(r.created_at),
        })
    }
}

/// The row of a rating: the input and its outcome, on the compound's region ids.
pub fn rating_row(
    c: &compound::Model,
    period: &str,
    input: &RatingInput,
    o: &RatingOutcome,
    latest: bool,
    by: (i64, &str),
    at: i64,
) -> ServiceResult<star_rating::ActiveModel> {
    Ok(star_rating::ActiveModel {
        compound_id: Set(c.id),
        period: Set(period.into()),
        city_id: Set(c.city_id),
        district_id: Set(c.district_id),
        subdistrict_id: Set(c.subdistrict_id),
        community_id: Set(c.community_id),
        households: Set(input.households),
        responses: Set(input.responses),
        satisfied: Set(input.satisfied),
        satisfaction_centi: Set(o.satisfaction_centi),
        management_centi: Set(input.management_centi),
        overall_centi: Set(input.overall_centi),
        score_num: Set(o.score.num()),
        score_den: Set(o.score.den()),
        score_centi: Set(o.score_centi),
        stars: Set(i32::from(o.stars)),
        vetoes: Set(json_string(&input.vetoes)?),
        vetoed: Set(o.vetoed),
        reward: Set(o.reward.0),
        latest: Set(latest),
        rated_by: Set(by.0),
        rated_by_name: Set(by.1.to_string()),
        created_at: Set(at),
        ..Default::default()
    })
}
