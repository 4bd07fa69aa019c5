//! The civility rating of units (红"栋"力): rubric versions, the four-party panel, monthly
//! sheets, the ranking with its red flags, appeals, and the year's awards and subsidies.
//!
//! The rules are the pure `linli_domain::rating`; this module keeps the rows and the gates.
//! A rubric is stored as JSON with its version and first month; every version after a
//! compound's first needs a passed proposal of that compound. A month is opened under the
//! version in force and keeps it. A sheet is one scorer's taps for one unit, refused for a
//! closed month, for a scorer's own unit and a second time (`unique(month, unit, scorer)`).
//! The ranking is always computed from the marks that stand, so a reversed deduction
//! changes it at once; closing a month and deciding an appeal store the ranking as it then
//! is (`rating_month.result`) with their audit records on the compound's chain.

mod appeals;
mod panel;
mod rubrics;
mod scoring;
mod year;

pub use appeals::*;
pub use panel::*;
pub use rubrics::*;
pub use scoring::*;
pub use year::*;

use crate::Store;
use crate::accounts::Actor;
use crate::audit::to_json;
use crate::entity::{compound, rating_month, rating_rubric};
use crate::error::{ServiceError, ServiceResult};
use crate::registry::unit_names;
use linli_domain::Invalid;
use linli_domain::rating::{Month, Rubric};
use sea_orm::EntityTrait;

pub(crate) fn internal(msg: String) -> ServiceError {
    ServiceError::Internal(anyhow::anyhow!(msg))
}

pub(crate) fn decode_rubric(row: &rating_rubric::Model) -> ServiceResult<Rubric> {
    serde_json::from_str(&row.body).map_err(|e| internal(format!("rubric {}: {e}", row.id)))
}

pub(crate) fn parse_month(row: &rating_month::Model) -> ServiceResult<Month> {
    Month::parse(&row.month)
        .map_err(|_| internal(format!("rating month {} is {}", row.id, row.month)))
}

/// A month with its compound and rubric.
pub(crate) struct LoadedMonth {
    pub row: rating_month::Model,
    pub compound: compound::Model,
    pub month: Month,
    pub rubric: Rubric,
    pub rubric_version: i32,
}

impl LoadedMonth {
    pub fn closed(&self) -> bool {
        self.row.status.is_closed()
    }

    /// Refuses a change to a closed month.
    pub fn require_open(&self) -> ServiceResult<()> {
        if self.closed() {
            Err(ServiceError::invalid(
                "month",
                Invalid::MonthClosed {
                    month: self.month.to_string(),
                },
            ))
        } else {
            Ok(())
        }
    }
}

impl Store {
    pub(crate) async fn load_month(&self, id: i64) -> ServiceResult<LoadedMonth> {
        let row = rating_month::Entity::find_by_id(id)
            .one(self.read())
            .await?
            .ok_or(ServiceError::NotFound {
                entity: "rating_month",
            })?;
        let compound = self.compound_row(row.compound_id).await?;
        let r = rating_rubric::Entity::find_by_id(row.rubric_id)
            .one(self.read())
            .await?
            .ok_or_else(|| internal(format!("month {id} without rubric")))?;
        let month = parse_month(&row)?;
        Ok(LoadedMonth {
            rubric: decode_rubric(&r)?,
            rubric_version: r.version,
            row,
            compound,
            month,
        })
    }
}

impl Store {
    /// Whether the actor runs the rating of a compound (so pages show only forms that work).
    pub async fn can_manage_rating(&self, actor: &Actor, compound_id: i64) -> ServiceResult<bool> {
        let c = self.compound_row(compound_id).await?;
        Ok(actor.can(
            linli_domain::authz::Action::ManageRating,
            &crate::paths::compound_path(&c),
        ))
    }
}
