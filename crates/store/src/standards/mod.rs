//! Governance standards (DOMAIN §6.6): what the street office and the city judge compounds by.
//!
//! A city keeps one scheme — its checklist of standards and its star-rating settings — as
//! JSON checked by `linli_domain::standards` (until it saves its own, the 遂宁 template and
//! the Bao'an preset apply). Officials assess a compound per period (`assessments.rs`): one
//! mark per standard, and the compound's six-have and three-no status follow from the marks
//! by the shown rule, written back to the compound row (audited) when the period is its
//! latest. Star ratings (`stars.rs`) score the survey and the assessor's parts exactly and
//! record the reward per star level; paying it into the compound's fund account waits for
//! the fund accounts. Plans (`plans.rs`, 一小区一策) hold the problems, renovation items and
//! budget by channel. Dashboards (`dashboards.rs`) aggregate all of it over a region in SQL
//! (GROUP BY over the region ids the rows carry): counts, never people.

pub mod assessments;
mod dashboards;
mod open_data;
mod plans;
pub mod stars;

pub use assessments::*;
pub use dashboards::*;
pub use open_data::*;
pub use plans::*;
pub use stars::*;

use crate::accounts::Actor;
use crate::audit::Change;
use crate::audit::GLOBAL_CHAIN;
use crate::entity::{compound, region, standard_scheme};
use crate::error::{ServiceError, ServiceResult};
use crate::{Store, paths};
use linli_domain::authz::Action;
use linli_domain::place::{Node, NodeKind, Path};
use linli_domain::registry::SixHaveItem;
use linli_domain::standards::{Basic, EvidenceKind};
use linli_domain::standards::{Checklist, RatingScheme, baoan_preset, suining_template};
use linli_domain::{FieldError, Invalid};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};

/// One standard as the checklist page and the assessment form show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StandardView {
    pub code: String,
    pub title: String,
    pub evidence: EvidenceKind,
    /// The six-have item it decides; the API sends it in words.
    #[serde(skip)]
    pub decides: Option<SixHaveItem>,
    /// The three-no basic it shows; the API sends it in words.
    #[serde(skip)]
    pub shows: Option<Basic>,
    pub placeholder: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AspectView {
    pub code: String,
    pub title: String,
    pub standards: Vec<StandardView>,
}

/// A city's scheme: the checklist by aspect, the star-rating rule in words, both as JSON.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SchemeView {
    pub city_id: i64,
    pub city_name: String,
    pub checklist_name: String,
    pub aspects: Vec<AspectView>,
    pub standards: usize,
    /// The checklist: how six-have and three-no follow from the marks (the API sends the rule
    /// in words as `status_rule`).
    #[serde(skip)]
    pub checklist: Checklist,
    /// The star-rating scheme (the API sends it in words as `rating_rule`).
    #[serde(skip)]
    pub rating: RatingScheme,
    pub checklist_json: String,
    pub rating_json: String,
    /// 0 while the city uses the template and preset.
    pub version: i32,
    pub can_edit: bool,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct SchemeInput {
    pub version: i32,
    /// The checklist as JSON (`{name, aspects: [{code, title}], standards: [{code, aspect,
    /// title, evidence, six_have?, basic?, placeholder?}]}`).
    pub checklist: String,
    /// The star-rating scheme as JSON (`{name, weights, bands, vetoes, survey}`).
    pub rating: String,
}

/// A city's scheme as parsed, with its version (0: the template).
pub(crate) struct Scheme {
    pub checklist: Checklist,
    pub rating: RatingScheme,
    pub version: i32,
}

pub(crate) fn internal(msg: String) -> ServiceError {
    ServiceError::Internal(anyhow::anyhow!(msg))
}

pub(crate) fn city_path(city_id: i64) -> Path {
    Path::new(vec![Node::new(NodeKind::City, city_id)])
}

pub(crate) fn aspects_view(c: &Checklist) -> Vec<AspectView> {
    c.aspects
        .iter()
        .map(|a| AspectView {
            code: a.code.clone(),
            title: a.title.clone(),
            standards: c
                .standards
                .iter()
                .filter(|s| s.aspect == a.code)
                .map(|s| StandardView {
                    code: s.code.clone(),
                    title: s.title.clone(),
                    evidence: s.evidence,
                    decides: s.six_have,
                    shows: s.basic,
                    placeholder: s.placeholder,
                })
                .collect(),
        })
        .collect()
}

impl Store {
    /// The scheme in force in a city: its own, or the template and preset.
    pub(crate) async fn scheme<C: ConnectionTrait>(db: &C, city_id: i64) -> ServiceResult<Scheme> {
        match standard_scheme::Entity::find()
            .filter(standard_scheme::Column::CityId.eq(city_id))
            .one(db)
            .await?
        {
            Some(row) => Ok(Scheme {
                checklist: serde_json::from_str(&row.checklist)
                    .map_err(|e| internal(format!("scheme of city {city_id}: {e}")))?,
                rating: serde_json::from_str(&row.rating)
                    .map_err(|e| internal(format!("scheme of city {city_id}: {e}")))?,
                version: row.version,
            }),
            None => Ok(Scheme {
                checklist: suining_template(),
                rating: baoan_preset(),
                version: 0,
            }),
        }
    }

    async fn city_row(&self, city_id: i64) -> ServiceResult<region::Model> {
        region::Entity::find_by_id(city_id)
            .one(self.read())
            .await?
            .filter(|r| r.kind == NodeKind::City)
            .ok_or(ServiceError::NotFound { entity: "region" })
    }

    /// A city's scheme, for anyone with a role in the city (the standards are public).
    pub async fn standard_scheme(&self, actor: &Actor, city_id: i64) -> ServiceResult<SchemeView> {
        let city = self.city_row(city_id).await?;
        let at = city_path(city.id);
        actor.require(Action::ViewPublic, &at)?;
        let s = Store::scheme(self.read(), city.id).await?;
        Ok(SchemeView {
            city_id: city.id,
            city_name: city.name,
            checklist_name: s.checklist.name.clone(),
            aspects: aspects_view(&s.checklist),
            standards: s.checklist.standards.len(),
            checklist_json: serde_json::to_string_pretty(&s.checklist)
                .map_err(|e| internal(e.to_string()))?,
            rating_json: serde_json::to_string_pretty(&s.rating)
                .map_err(|e| internal(e.to_string()))?,
            checklist: s.checklist,
            rating: s.rating,
            version: s.version,
            can_edit: actor.can(Action::Assess, &at),
        })
    }

    /// Saves a city's checklist and star-rating scheme (city officials). Both are checked
    /// and every problem named: weights not summing to 100%, overlapping star bands, …
    pub async fn update_standard_scheme(
        &self,
        actor: &Actor,
        city_id: i64,
        input: &SchemeInput,
    ) -> ServiceResult<SchemeView> {
        let city = self.city_row(city_id).await?;
        actor.require(Action::Assess, &city_path(city.id))?;
        let mut errors: Vec<FieldError> = Vec::new();
        let checklist = Checklist::parse_json(&input.checklist)
            .map_err(|e| errors.extend(e))
            .ok();
        let rating = RatingScheme::parse_json(&input.rating)
            .map_err(|e| errors.extend(e))
            .ok();
        let (Some(checklist), Some(rating)) = (checklist, rating) else {
            return Err(ServiceError::Invalid(errors));
        };
        let (checklist_json, rating_json) = (json_string(&checklist)?, json_string(&rating)?);
        let txn = self.begin_write().await?;
        let existing = standard_scheme::Entity::find()
            .filter(standard_scheme::Column::CityId.eq(city.id))
            .one(&txn)
            .await?;
        let current = existing.as_ref().map_or(0, |r| r.version);
        if current != input.version {
            return Err(ServiceError::Stale { current });
        }
        let at = self.now();
        let id = match &existing {
            Some(row) => {
                standard_scheme::Entity::update_many()
                    .col_expr(
                        standard_scheme::Column::Checklist,
                        Expr::value(checklist_json.clone()),
                    )
                    .col_expr(
                        standard_scheme::Column::Rating,
                        Expr::value(rating_json.clone()),
                    )
                    .col_expr(
                        standard_scheme::Column::UpdatedBy,
                        Expr::value(actor.account_id),
                    )
                    .col_expr(standard_scheme::Column::UpdatedAt, Expr::value(at))
                    .col_expr(standard_scheme::Column::Version, Expr::value(current + 1))
                    .filter(standard_scheme::Column::Id.eq(row.id))
                    .filter(standard_scheme::Column::Version.eq(current))
                    .exec(&txn)
                    .await?;
                row.id
            }
            None => {
                standard_scheme::Entity::insert(standard_scheme::ActiveModel {
                    city_id: Set(city.id),
                    checklist: Set(checklist_json.clone()),
                    rating: Set(rating_json.clone()),
                    updated_by: Set(actor.account_id),
                    updated_at: Set(at),
                    version: Set(1),
                    ..Default::default()
                })
                .exec(&txn)
                .await?
                .last_insert_id
            }
        };
        let before = existing.map(|r| serde_json::json!({"checklist": r.checklist, "rating": r.rating, "version": r.version}));
        let after = serde_json::json!({"city_id": city.id, "checklist": checklist_json, "rating": rating_json, "version": current + 1});
        Change::by(
            actor,
            GLOBAL_CHAIN,
            "standards.scheme",
            "standard_scheme",
            id,
        )
        .before(before)
        .after(after)
        .record(&txn)
        .await?;
        txn.commit().await?;
        self.standard_scheme(actor, city.id).await
    }

    /// The compound row and its path, for the standards' services.
    pub(crate) async fn compound_at(&self, id: i64) -> ServiceResult<(compound::Model, Path)> {
        let c = self.compound_row(id).await?;
        let p = paths::compound_path(&c);
        Ok((c, p))
    }
}

/// A value as the JSON text stored in a column.
pub(crate) fn json_string<T: Serialize>(v: &T) -> ServiceResult<String> {
    serde_json::to_string(v).map_err(|e| ServiceError::Internal(e.into()))
}

/// A field error for a whole-number input ("120", "１２０") in `0..=max`.
pub(crate) fn whole(
    field: &'static str,
    input: &str,
    max: i64,
    errors: &mut Vec<FieldError>,
) -> Option<i64> {
    let s: String = input
        .trim()
        .chars()
        .map(linli_domain::area::halfwidth)
        .filter(|c| *c != ',')
        .collect();
    if s.is_empty() {
        errors.push(FieldError::new(field, Invalid::Required));
        return None;
    }
    match s.parse::<i64>() {
        Ok(n) if (0..=max).contains(&n) => Some(n),
        Ok(_) => {
            errors.push(FieldError::new(field, Invalid::OutOfRange { min: 0, max }));
            None
        }
        Err(_) if s.starts_with('-') => {
            errors.push(FieldError::new(field, Invalid::Negative));
            None
        }
        Err(_) => {
            errors.push(FieldError::new(field, Invalid::NotANumber));
            None
        }
    }
}
