//! Volunteer stations and their rota (志愿服务站, 轮流值守): stations per compound with weekly
//! shifts, a month's rota made from them, sign-ups, swaps, check-ins, and the hours they earn
//! per person and per unit.
//!
//! The rules are the pure `linli_domain::volunteers`; this module keeps the rows and the gates:
//! running stations and shifts needs `ManageGrid`; taking a turn needs `HandleRequest` (the
//! volunteer role, grid workers, heads, the committee); one checks in oneself; the rota and
//! the hours are for anyone who may see the compound. A sign-up first bumps its shift's
//! `bookings` (a row lock on PostgreSQL; SQLite's single writer serialises anyway), so two
//! people cannot take the last place together. Times are China time (UTC+8): a turn on
//! 2026-11-28 08:00–12:00 is that morning in the compound.

mod duty;
mod hours;

pub use duty::*;
pub use hours::*;

use crate::accounts::Actor;
use crate::audit::Change;
use crate::entity::{
    compound, volunteer_checkin, volunteer_shift, volunteer_signup, volunteer_station,
    volunteer_swap,
};
use crate::error::{ServiceError, ServiceResult};
use crate::{Store, paths};
use linli_domain::authz::Action;
use linli_domain::place::Path;
use linli_domain::rating::Month;
use linli_domain::registry::Text;
use linli_domain::volunteers::{
    Clock, Day, Interval, Moment, ShiftPattern, SignupStatus, Weekday, month_rota, started,
};
use linli_domain::{FieldError, Invalid};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// Whether someone may take turns at a station of the compound at `path`: a role that may
/// handle requests there (the volunteer role, grid workers, the committee), or such a role
/// anywhere inside it (a building or unit head of one of its stairwells).
pub(crate) fn may_take_turns(actor: &Actor, path: &Path) -> bool {
    actor.can(Action::HandleRequest, path)
        || path.target().is_some_and(|c| {
            actor.grants.iter().any(|g| {
                linli_domain::authz::permits(g.role, Action::HandleRequest) && g.at.is_within(c)
            })
        })
}

/// The local moment (China time) of a Unix time; an error only for clocks outside the years
/// 2000–2999, which `Day` does not hold.
pub fn china_moment(ts: i64) -> ServiceResult<Moment> {
    let t = time::OffsetDateTime::from_unix_timestamp(ts)
        .map_err(anyhow::Error::from)?
        .to_offset(time::macros::offset!(+8));
    let day = Day::new(t.year(), u8::from(t.month()), t.day())
        .map_err(|_| anyhow::anyhow!("the clock is outside 2000–2999"))?;
    let at = Clock::from_minutes(i64::from(t.hour()) * 60 + i64::from(t.minute()))
        .unwrap_or(Clock::MIDNIGHT);
    Ok(Moment { day, at })
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct StationInput {
    pub name: String,
    /// Where it is: "3栋楼下 党群服务点".
    #[serde(default)]
    pub place: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ShiftInput {
    /// 1 = Monday … 7 = Sunday.
    pub weekday: String,
    /// "08:30".
    pub start: String,
    /// "12:00".
    pub end: String,
    /// How many people the shift takes, 1–50.
    pub capacity: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ShiftView {
    pub id: i64,
    /// 1 (Monday) to 7.
    pub weekday: u8,
    pub start: String,
    pub end: String,
    pub capacity: i32,
    pub minutes: u32,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StationView {
    pub id: i64,
    pub compound_id: i64,
    pub compound_name: String,
    pub name: String,
    pub place: String,
    /// Minutes before a turn from which one may check in.
    pub checkin_early: i32,
    pub shifts: Vec<ShiftView>,
    /// The viewer may add shifts and stations.
    pub can_manage: bool,
    /// The viewer may take turns.
    pub can_sign_up: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StationList {
    pub compound_id: i64,
    pub compound_name: String,
    pub stations: Vec<StationView>,
    pub can_manage: bool,
}

/// One person's turn on the rota.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TurnView {
    pub signup_id: i64,
    pub shift_id: i64,
    pub station_id: i64,
    pub account_id: i64,
    pub name: String,
    pub day: String,
    pub start: String,
    pub end: String,
    pub checked_in: bool,
    /// The viewer's own turn.
    pub mine: bool,
    /// It has begun (no more swaps or withdrawal).
    pub started: bool,
}

/// A shift on a day, with the people on it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SlotView {
    pub shift_id: i64,
    pub day: String,
    pub start: String,
    pub end: String,
    pub capacity: u16,
    pub people: Vec<TurnView>,
    pub full: bool,
    /// Places still free.
    pub free: u16,
    pub started: bool,
    /// The viewer's own turn in this slot, if any.
    pub my_signup: Option<i64>,
    /// The viewer may take a place here now.
    pub can_take: bool,
}

/// A day of the calendar table (`None` cells pad the first and last week).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DayCell {
    pub day: String,
    pub day_of_month: u8,
    /// Shown beside the date where the calendar stacks on a phone; the API sends it in words
    /// (周三 / Wed).
    #[serde(skip)]
    pub weekday: Weekday,
    pub today: bool,
    pub slots: Vec<SlotView>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SwapView {
    pub id: i64,
    pub status: linli_domain::volunteers::SwapStatus,
    pub from: TurnView,
    pub to: TurnView,
    /// The viewer is asked (may accept or decline).
    pub asks_me: bool,
    /// The viewer asked (may withdraw).
    pub mine: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RotaView {
    pub station: StationView,
    pub month: String,
    pub prev_month: String,
    pub next_month: String,
    /// Monday-first weeks of the month.
    pub weeks: Vec<Vec<Option<DayCell>>>,
    /// The viewer's own turns this month.
    pub my_turns: Vec<TurnView>,
    /// Others' turns this month that have not begun, to offer in a swap.
    pub swappable: Vec<TurnView>,
    /// Open swap requests of the station that concern the viewer (all, for managers).
    pub swaps: Vec<SwapView>,
    pub today: String,
}

pub(crate) fn month_or_now(month: &str, now: i64) -> ServiceResult<Month> {
    if month.trim().is_empty() {
        return Ok(china_moment(now)?.day.month());
    }
    Ok(Month::parse(month).map_err(|e| FieldError::new("month", e))?)
}

/// The month after `m`.
pub fn next_month(m: Month) -> Month {
    let (y, mo) = if m.month() == 12 {
        (m.year() + 1, 1)
    } else {
        (m.year(), m.month() + 1)
    };
    Month::new(y, mo).unwrap_or(m)
}

pub(crate) fn prev_month(m: Month) -> Month {
    let (y, mo) = if m.month() == 1 {
        (m.year() - 1, 12)
    } else {
        (m.year(), m.month() - 1)
    };
    Month::new(y, mo).unwrap_or(m)
}

/// The first and last day of a month as stored (`on_day` text compares in order).
pub(crate) fn month_bounds(m: Month) -> (String, String) {
    (
        format!("{m}-01"),
        format!("{m}-{:02}", linli_domain::volunteers::days_in(m)),
    )
}

fn clock(min: i32) -> Clock {
    Clock::from_minutes(i64::from(min)).unwrap_or(Clock::MIDNIGHT)
}

pub(crate) fn interval(s: &volunteer_signup::Model) -> ServiceResult<Interval> {
    let day = Day::parse(&s.on_day).map_err(|_| {
        ServiceError::Internal(anyhow::anyhow!(
            "signup {} has a bad day {}",
            s.id,
            s.on_day
        ))
    })?;
    Ok(Interval {
        day,
        start: clock(s.start_min),
        end: clock(s.end_min),
    })
}

pub(crate) fn pattern(s: &volunteer_shift::Model) -> ServiceResult<ShiftPattern> {
    let weekday = Weekday::from_number(i64::from(s.weekday))
        .map_err(|_| ServiceError::Internal(anyhow::anyhow!("shift {} has a bad weekday", s.id)))?;
    ShiftPattern::new(
        weekday,
        clock(s.start_min),
        clock(s.end_min),
        i64::from(s.capacity),
    )
    .map_err(|_| ServiceError::Internal(anyhow::anyhow!("shift {} is not a valid shift", s.id)))
}

fn shift_view(s: &volunteer_shift::Model) -> ShiftView {
    let weekday = Weekday::from_number(i64::from(s.weekday)).unwrap_or(Weekday::Mon);
    ShiftView {
        id: s.id,
        weekday: weekday.number(),
        start: clock(s.start_min).to_string(),
        end: clock(s.end_min).to_string(),
        capacity: s.capacity,
        minutes: u32::try_from(s.end_min - s.start_min).unwrap_or(0),
    }
}

pub(crate) fn turn_view(
    s: &volunteer_signup::Model,
    checked_in: bool,
    actor: &Actor,
    now: Moment,
) -> TurnView {
    let started = interval(s).map(|i| started(&i, now)).unwrap_or(true);
    TurnView {
        signup_id: s.id,
        shift_id: s.shift_id,
        station_id: s.station_id,
        account_id: s.account_id,
        name: s.name.clone(),
        day: s.on_day.clone(),
        start: clock(s.start_min).to_string(),
        end: clock(s.end_min).to_string(),
        checked_in,
        mine: s.account_id == actor.account_id,
        started,
    }
}

/// A station with its compound and the compound's place.
pub(crate) struct LoadedStation {
    pub row: volunteer_station::Model,
    pub compound: compound::Model,
    pub path: Path,
}

impl Store {
    pub(crate) async fn load_station(&self, id: i64) -> ServiceResult<LoadedStation> {
        let row = volunteer_station::Entity::find_by_id(id)
            .one(self.read())
            .await?
            .ok_or(ServiceError::NotFound {
                entity: "volunteer_station",
            })?;
        let compound = self.compound_row(row.compound_id).await?;
        let path = paths::compound_path(&compound);
        Ok(LoadedStation {
            row,
            compound,
            path,
        })
    }

    async fn station_view(&self, s: &LoadedStation, actor: &Actor) -> ServiceResult<StationView> {
        let shifts = volunteer_shift::Entity::find()
            .filter(volunteer_shift::Column::StationId.eq(s.row.id))
            .filter(volunteer_shift::Column::Active.eq(true))
            .order_by_asc(volunteer_shift::Column::Weekday)
            .order_by_asc(volunteer_shift::Column::StartMin)
            .all(self.read())
            .await?;
        Ok(StationView {
            id: s.row.id,
            compound_id: s.compound.id,
            compound_name: s.compound.name.clone(),
            name: s.row.name.clone(),
            place: s.row.place.clone(),
            checkin_early: s.row.checkin_early,
            shifts: shifts.iter().map(shift_view).collect(),
            can_manage: actor.can(Action::ManageGrid, &s.path),
            can_sign_up: may_take_turns(actor, &s.path),
        })
    }

    /// The stations of a compound, with their shifts.
    pub async fn volunteer_stations(
        &self,
        actor: &Actor,
        compound_id: i64,
    ) -> ServiceResult<StationList> {
        let c = self.compound_row(compound_id).await?;
        let path = paths::compound_path(&c);
        actor.require(Action::ViewPublic, &path)?;
        let rows = volunteer_station::Entity::find()
            .filter(volunteer_station::Column::CompoundId.eq(c.id))
            .filter(volunteer_station::Column::Active.eq(true))
            .order_by_asc(volunteer_station::Column::Id)
            .all(self.read())
            .await?;
        let mut stations = Vec::new();
        for row in rows {
            let s = LoadedStation {
                row,
                compound: c.clone(),
                path: path.clone(),
            };
            stations.push(self.station_view(&s, actor).await?);
        }
        Ok(StationList {
            compound_id: c.id,
            compound_name: c.name.clone(),
            stations,
            can_manage: actor.can(Action::ManageGrid, &path),
        })
    }

    /// Opens a station in a compound (`ManageGrid`).
    pub async fn create_volunteer_station(
        &self,
        actor: &Actor,
        compound_id: i64,
        input: &StationInput,
    ) -> ServiceResult<StationView> {
        let c = self.compound_row(compound_id).await?;
        let path = paths::compound_path(&c);
        actor.require(Action::ManageGrid, &path)?;
        let mut errors = Vec::new();
        let name = Text::parse(&input.name, 100)
            .map_err(|e| errors.push(FieldError::new("name", e)))
            .ok();
        let place = Text::parse_optional(&input.place, 200)
            .map_err(|e| errors.push(FieldError::new("place", e)))
            .ok()
            .flatten();
        let Some(name) = name.filter(|_| errors.is_empty()) else {
            return Err(ServiceError::Invalid(errors));
        };
        let txn = self.begin_write().await?;
        let id = volunteer_station::Entity::insert(volunteer_station::ActiveModel {
            compound_id: Set(c.id),
            name: Set(name.as_str().into()),
            place: Set(place.map(|p| p.as_str().to_string()).unwrap_or_default()),
            checkin_early: Set(i32::from(
                linli_domain::volunteers::CheckinWindow::default().early_minutes,
            )),
            active: Set(true),
            created_by: Set(actor.account_id),
            created_at: Set(self.now()),
            ..Default::default()
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        let after = serde_json::json!({ "name": name.as_str(), "place": input.place.trim() });
        Change::by(actor, c.id, "volunteer.station", "volunteer_station", id)
            .after(after)
            .record(&txn)
            .await?;
        txn.commit().await?;
        let s = self.load_station(id).await?;
        self.station_view(&s, actor).await
    }

    /// Adds a weekly shift to a station (`ManageGrid`); every bad field is reported at once.
    pub async fn add_volunteer_shift(
        &self,
        actor: &Actor,
        station_id: i64,
        input: &ShiftInput,
    ) -> ServiceResult<ShiftView> {
        let s = self.load_station(station_id).await?;
        actor.require(Action::ManageGrid, &s.path)?;
        let mut errors = Vec::new();
        let weekday = input
            .weekday
            .trim()
            .parse::<i64>()
            .map_err(|_| Invalid::BadChoice)
            .and_then(Weekday::from_number);
        let weekday = weekday
            .map_err(|e| errors.push(FieldError::new("weekday", e)))
            .ok();
        let start = Clock::parse(&input.start)
            .map_err(|e| errors.push(FieldError::new("start", e)))
            .ok();
        let end = Clock::parse(&input.end)
            .map_err(|e| errors.push(FieldError::new("end", e)))
            .ok();
        let capacity = match input.capacity.trim().parse::<i64>() {
            Ok(n) => linli_domain::volunteers::check_capacity(n)
                .map(|_| n)
                .map_err(|e| errors.push(FieldError::new("capacity", e)))
                .ok(),
            Err(_) => {
                errors.push(FieldError::new("capacity", Invalid::NotANumber));
                None
            }
        };
        let pattern = match (weekday, start, end, capacity) {
            (Some(w), Some(a), Some(b), Some(c)) if errors.is_empty() => {
                ShiftPattern::new(w, a, b, c).map_err(ServiceError::Invalid)?
            }
            _ => {
                if let (Some(a), Some(b)) = (start, end)
                    && b <= a
                {
                    errors.push(FieldError::new("end", Invalid::EndBeforeStart));
                }
                errors.sort_by_key(|e| {
                    ["weekday", "start", "end", "capacity"]
                        .iter()
                        .position(|f| *f == e.field)
                });
                return Err(ServiceError::Invalid(errors));
            }
        };
        let txn = self.begin_write().await?;
        let row = volunteer_shift::Entity::insert(volunteer_shift::ActiveModel {
            station_id: Set(s.row.id),
            compound_id: Set(s.compound.id),
            weekday: Set(i32::from(pattern.weekday.number())),
            start_min: Set(i32::from(pattern.start.minutes())),
            end_min: Set(i32::from(pattern.end.minutes())),
            capacity: Set(i32::from(pattern.capacity)),
            active: Set(true),
            bookings: Set(0),
            created_at: Set(self.now()),
            ..Default::default()
        })
        .exec_with_returning(&txn)
        .await?;
        let after = serde_json::json!({ "station": s.row.id, "weekday": pattern.weekday.number(), "start": pattern.start.to_string(), "end": pattern.end.to_string(), "capacity": pattern.capacity });
        Change::by(
            actor,
            s.compound.id,
            "volunteer.shift",
            "volunteer_shift",
            row.id,
        )
        .after(after)
        .record(&txn)
        .await?;
        txn.commit().await?;
        Ok(shift_view(&row))
    }

    /// Takes a shift off the station's week (`ManageGrid`); turns already taken stay.
    pub async fn retire_volunteer_shift(&self, actor: &Actor, shift_id: i64) -> ServiceResult<i64> {
        let shift = volunteer_shift::Entity::find_by_id(shift_id)
            .one(self.read())
            .await?
            .ok_or(ServiceError::NotFound {
                entity: "volunteer_shift",
            })?;
        let s = self.load_station(shift.station_id).await?;
        actor.require(Action::ManageGrid, &s.path)?;
        let txn = self.begin_write().await?;
        volunteer_shift::Entity::update_many()
            .col_expr(
                volunteer_shift::Column::Active,
                sea_orm::sea_query::Expr::value(false),
            )
            .filter(volunteer_shift::Column::Id.eq(shift.id))
            .exec(&txn)
            .await?;
        Change::by(
            actor,
            s.compound.id,
            "volunteer.shift_retired",
            "volunteer_shift",
            shift.id,
        )
        .before(serde_json::json!({"active": true}))
        .after(serde_json::json!({"active": false}))
        .record(&txn)
        .await?;
        txn.commit().await?;
        Ok(s.row.id)
    }

    /// The station's rota for a month (`2026-11`, this month when blank): a Monday-first
    /// calendar of every shift on every day with the people on it, the viewer's own turns,
    /// turns they could swap for, and open swap requests.
    pub async fn volunteer_rota(
        &self,
        actor: &Actor,
        station_id: i64,
        month: &str,
    ) -> ServiceResult<RotaView> {
        let s = self.load_station(station_id).await?;
        actor.require(Action::ViewPublic, &s.path)?;
        let month = month_or_now(month, self.now())?;
        let station = self.station_view(&s, actor).await?;
        let shifts = volunteer_shift::Entity::find()
            .filter(volunteer_shift::Column::StationId.eq(s.row.id))
            .all(self.read())
            .await?;
        let patterns: Vec<(i64, ShiftPattern)> = shifts
            .iter()
            .filter(|x| x.active)
            .map(|x| Ok((x.id, pattern(x)?)))
            .collect::<ServiceResult<_>>()?;
        let (first, last) = month_bounds(month);
        let signups = volunteer_signup::Entity::find()
            .filter(volunteer_signup::Column::StationId.eq(s.row.id))
            .filter(volunteer_signup::Column::OnDay.between(first.clone(), last.clone()))
            .filter(volunteer_signup::Column::Status.eq(SignupStatus::Active))
            .order_by_asc(volunteer_signup::Column::Id)
            .all(self.read())
            .await?;
        let checked: HashSet<i64> = self.checked_in(signups.iter().map(|x| x.id)).await?;
        let now = china_moment(self.now())?;
        let turns: Vec<TurnView> = signups
            .iter()
            .map(|x| turn_view(x, checked.contains(&x.id), actor, now))
            .collect();
        let mut by_slot: HashMap<(i64, String), Vec<TurnView>> = HashMap::new();
        for t in &turns {
            by_slot
                .entry((t.shift_id, t.day.clone()))
                .or_default()
                .push(t.clone());
        }
        // Slots from the week's shifts, and any turn whose shift was retired since.
        let mut slots: Vec<SlotView> = month_rota(month, &patterns)
            .into_iter()
            .map(|slot| {
                let people = by_slot
                    .remove(&(slot.shift, slot.when.day.to_string()))
                    .unwrap_or_default();
                slot_view(
                    slot.shift,
                    slot.when,
                    slot.capacity,
                    people,
                    now,
                    station.can_sign_up,
                )
            })
            .collect();
        for ((shift_id, _), people) in by_slot {
            if let (Some(first), Some(shift)) =
                (people.first(), shifts.iter().find(|x| x.id == shift_id))
            {
                let when = Interval {
                    day: Day::parse(&first.day).map_err(|e| FieldError::new("day", e))?,
                    start: clock(shift.start_min),
                    end: clock(shift.end_min),
                };
                let cap = u16::try_from(shift.capacity).unwrap_or(1);
                slots.push(slot_view(shift_id, when, cap, people, now, false));
            }
        }
        slots.sort_by(|a, b| (&a.day, &a.start, &a.end).cmp(&(&b.day, &b.start, &b.end)));
        let weeks = calendar(month, slots, now);
        let mut my_turns: Vec<TurnView> = turns.iter().filter(|t| t.mine).cloned().collect();
        my_turns.sort_by(|a, b| (&a.day, &a.start).cmp(&(&b.day, &b.start)));
        let swappable: Vec<TurnView> = turns
            .iter()
            .filter(|t| !t.mine && !t.started)
            .cloned()
            .collect();
        let swaps = self.open_swaps(actor, &s, station.can_manage, now).await?;
        Ok(RotaView {
            station,
            month: month.to_string(),
            prev_month: prev_month(month).to_string(),
            next_month: next_month(month).to_string(),
            weeks,
            my_turns,
            swappable,
            swaps,
            today: now.day.to_string(),
        })
    }

    /// Which of these turns have a check-in.
    pub(crate) async fn checked_in(
        &self,
        ids: impl Iterator<Item = i64>,
    ) -> ServiceResult<HashSet<i64>> {
        let ids: Vec<i64> = ids.collect();
        let mut out = HashSet::new();
        for chunk in ids.chunks(500) {
            let rows = volunteer_checkin::Entity::find()
                .filter(volunteer_checkin::Column::SignupId.is_in(chunk.to_vec()))
                .all(self.read())
                .await?;
            out.extend(rows.into_iter().map(|c| c.signup_id));
        }
        Ok(out)
    }

    async fn open_swaps(
        &self,
        actor: &Actor,
        s: &LoadedStation,
        manager: bool,
        now: Moment,
    ) -> ServiceResult<Vec<SwapView>> {
        let rows = volunteer_swap::Entity::find()
            .filter(volunteer_swap::Column::StationId.eq(s.row.id))
            .filter(
                volunteer_swap::Column::Status
                    .eq(linli_domain::volunteers::SwapStatus::Proposed.as_str()),
            )
            .order_by_asc(volunteer_swap::Column::Id)
            .all(self.read())
            .await?;
        let mut out = Vec::new();
        for r in rows.into_iter().filter(|r| {
            manager || r.requested_by == actor.account_id || r.counterpart_id == actor.account_id
        }) {
            out.push(self.swap_view(&r, actor, now).await?);
        }
        Ok(out)
    }
}

fn slot_view(
    shift_id: i64,
    when: Interval,
    capacity: u16,
    people: Vec<TurnView>,
    now: Moment,
    can_sign_up: bool,
) -> SlotView {
    let started = started(&when, now);
    let full = people.len() >= usize::from(capacity);
    let my_signup = people.iter().find(|p| p.mine).map(|p| p.signup_id);
    SlotView {
        shift_id,
        day: when.day.to_string(),
        start: when.start.to_string(),
        end: when.end.to_string(),
        capacity,
        full,
        free: capacity.saturating_sub(u16::try_from(people.len()).unwrap_or(u16::MAX)),
        started,
        can_take: can_sign_up && !started && !full && my_signup.is_none(),
        my_signup,
        people,
    }
}

/// Monday-first weeks of a month, each day with its slots.
fn calendar(month: Month, slots: Vec<SlotView>, now: Moment) -> Vec<Vec<Option<DayCell>>> {
    let mut by_day: HashMap<String, Vec<SlotView>> = HashMap::new();
    for s in slots {
        by_day.entry(s.day.clone()).or_default().push(s);
    }
    let mut weeks = Vec::new();
    let mut week: Vec<Option<DayCell>> = Vec::new();
    for day in linli_domain::volunteers::days_of(month) {
        if week.is_empty() {
            week.extend((1..day.weekday().number()).map(|_| None));
        }
        let key = day.to_string();
        week.push(Some(DayCell {
            slots: by_day.remove(&key).unwrap_or_default(),
            today: day == now.day,
            day_of_month: day.day(),
            weekday: day.weekday(),
            day: key,
        }));
        if week.len() == 7 {
            weeks.push(std::mem::take(&mut week));
        }
    }
    if !week.is_empty() {
        week.resize_with(7, || None);
        weeks.push(week);
    }
    weeks
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn china_time_is_eight_hours_ahead() {
        // 2026-11-25 16:30 UTC is 2026-11-26 00:30 in China.
        let m = china_moment(1_795_624_200).unwrap();
        assert_eq!(
            (m.day.to_string(), m.at.to_string()),
            ("2026-11-26".to_string(), "00:30".to_string())
        );
    }

    #[test]
    fn a_calendar_starts_on_monday() {
        let nov = Month::new(2026, 11).unwrap();
        let weeks = calendar(nov, Vec::new(), china_moment(1_795_624_200).unwrap());
        assert_eq!(weeks.len(), 6, "1 November 2026 is a Sunday");
        assert!(weeks[0][..6].iter().all(Option::is_none));
        assert_eq!(weeks[0][6].as_ref().unwrap().day, "2026-11-01");
        assert_eq!(weeks[5][0].as_ref().unwrap().day, "2026-11-30");
        assert!(weeks.iter().all(|w| w.len() == 7));
    }
}
