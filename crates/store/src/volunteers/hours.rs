//! Volunteer hours of a month, per person and per unit: only checked-in turns count, each
//! for its length, exactly in minutes (`linli_domain::volunteers::tally`). The civility
//! rating's sheet shows a unit's figure to the scorer as a hint.

use super::{month_bounds, month_or_now, next_month, prev_month};
use crate::accounts::Actor;
use crate::entity::{unit, volunteer_checkin, volunteer_signup};
use crate::error::{ServiceError, ServiceResult};
use crate::{Store, paths};
use linli_domain::authz::Action;
use linli_domain::rating::Month;
use linli_domain::volunteers::{SignupStatus, Turn, tally};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PersonHours {
    pub account_id: i64,
    pub name: String,
    /// Turns checked in.
    pub turns: u32,
    pub minutes: u32,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitHours {
    pub unit_id: i64,
    /// "2栋 7单元".
    pub unit: String,
    pub minutes: u32,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HoursView {
    pub compound_id: i64,
    pub compound_name: String,
    pub month: String,
    pub prev_month: String,
    pub next_month: String,
    pub people: Vec<PersonHours>,
    pub units: Vec<UnitHours>,
    /// Minutes of volunteers who do not live in the compound (or whose home is not known).
    pub no_unit: u32,
    pub total: u32,
}

impl Store {
    /// The checked-in turns of a month in a compound, as the domain counts them, with names.
    async fn month_turns(
        &self,
        compound_id: i64,
        month: Month,
        unit_id: Option<i64>,
    ) -> ServiceResult<(Vec<Turn<i64, i64>>, HashMap<i64, String>)> {
        let (first, last) = month_bounds(month);
        let mut q = volunteer_signup::Entity::find()
            .filter(volunteer_signup::Column::CompoundId.eq(compound_id))
            .filter(volunteer_signup::Column::OnDay.between(first, last))
            .filter(volunteer_signup::Column::Status.eq(SignupStatus::Active));
        if let Some(u) = unit_id {
            q = q.filter(volunteer_signup::Column::UnitId.eq(u));
        }
        let rows = q
            .order_by_asc(volunteer_signup::Column::Id)
            .all(self.read())
            .await?;
        let mut minutes: HashMap<i64, u32> = HashMap::new();
        for chunk in rows.chunks(500) {
            let ids: Vec<i64> = chunk.iter().map(|r| r.id).collect();
            for c in volunteer_checkin::Entity::find()
                .filter(volunteer_checkin::Column::SignupId.is_in(ids))
                .all(self.read())
                .await?
            {
                minutes.insert(c.signup_id, u32::try_from(c.minutes).unwrap_or(0));
            }
        }
        let names = rows
            .iter()
            .map(|r| (r.account_id, r.name.clone()))
            .collect();
        let turns = rows
            .iter()
            .map(|r| Turn {
                person: r.account_id,
                unit: r.unit_id,
                minutes: minutes.get(&r.id).copied().unwrap_or(0),
                checked_in: minutes.contains_key(&r.id),
            })
            .collect();
        Ok((turns, names))
    }

    /// Volunteer hours of a compound for a month (`2026-11`, this month when blank), per
    /// person and per unit, for anyone who may see the compound.
    pub async fn volunteer_hours(
        &self,
        actor: &Actor,
        compound_id: i64,
        month: &str,
    ) -> ServiceResult<HoursView> {
        let c = self.compound_row(compound_id).await?;
        actor.require(Action::ViewPublic, &paths::compound_path(&c))?;
        let month = month_or_now(month, self.now())?;
        let (turns, names) = self.month_turns(c.id, month, None).await?;
        let h = tally(&turns);
        let counted = |p: i64| {
            turns
                .iter()
                .filter(|t| t.person == p && t.checked_in)
                .count() as u32
        };
        let mut people: Vec<PersonHours> = h
            .by_person
            .iter()
            .map(|(p, m)| PersonHours {
                account_id: *p,
                name: names.get(p).cloned().unwrap_or_default(),
                turns: counted(*p),
                minutes: *m,
            })
            .collect();
        people.sort_by(|a, b| b.minutes.cmp(&a.minutes).then(a.name.cmp(&b.name)));
        let unit_names = self.unit_labels(h.by_unit.keys().copied()).await?;
        let mut units: Vec<UnitHours> = h
            .by_unit
            .iter()
            .map(|(u, m)| UnitHours {
                unit_id: *u,
                unit: unit_names
                    .get(u)
                    .map(|(_, b, n)| format!("{b} {n}"))
                    .unwrap_or_default(),
                minutes: *m,
            })
            .collect();
        units.sort_by(|a, b| b.minutes.cmp(&a.minutes).then(a.unit_id.cmp(&b.unit_id)));
        Ok(HoursView {
            compound_id: c.id,
            compound_name: c.name.clone(),
            month: month.to_string(),
            prev_month: prev_month(month).to_string(),
            next_month: next_month(month).to_string(),
            people,
            units,
            no_unit: h.no_unit,
            total: h.total,
        })
    }

    /// A unit's volunteer minutes in a month (checked-in turns of volunteers living there):
    /// the figure the civility rating's volunteering category can go by.
    pub async fn unit_volunteer_minutes(
        &self,
        actor: &Actor,
        unit_id: i64,
        month: Month,
    ) -> ServiceResult<u32> {
        let u = unit::Entity::find_by_id(unit_id)
            .one(self.read())
            .await?
            .ok_or(ServiceError::NotFound { entity: "unit" })?;
        let c = self.compound_row(u.compound_id).await?;
        let at = paths::unit_path(&c, u.building_id, u.id);
        if !(actor.can(Action::ViewPublic, &paths::compound_path(&c))
            || actor.can(Action::ViewPublic, &at))
        {
            return Err(ServiceError::Forbidden);
        }
        let (turns, _) = self.month_turns(c.id, month, Some(u.id)).await?;
        Ok(tally(&turns).by_unit.get(&u.id).copied().unwrap_or(0))
    }
}
