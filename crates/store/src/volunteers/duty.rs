//! Taking a turn, leaving it, swapping it, checking in. Each is one transaction with its
//! audit record; the rules are `linli_domain::volunteers::duty`.

use super::{LoadedStation, TurnView, china_moment, interval, pattern, turn_view};
use crate::Store;
use crate::accounts::Actor;
use crate::audit::Change;
use crate::entity::{
    account, household, ownership, residency, role_grant, volunteer_checkin, volunteer_shift,
    volunteer_signup, volunteer_swap,
};
use crate::error::{ServiceError, ServiceResult};
use linli_domain::authz::Action;
use linli_domain::volunteers::{
    CheckinWindow, Day, Interval, Moment, SignupStatus, SwapParty, SwapStatus, SwapStep,
    check_checkin, check_signup, check_swap, started, swap_step,
};
use linli_domain::{FieldError, Invalid};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
};
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct SignupInput {
    pub shift_id: i64,
    /// The day of the turn, "2026-11-28"; it must fall on the shift's weekday.
    pub day: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct SwapInput {
    /// The other person's turn to exchange for this one.
    pub with_signup_id: i64,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct SwapDecision {
    /// `accept`, `decline` or `withdraw`.
    pub step: String,
}

fn signup_error(e: Invalid) -> ServiceError {
    ServiceError::invalid("shift", e)
}

/// A person's active turns on a day, any station (for double booking).
async fn turns_on<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    day: &str,
) -> ServiceResult<Vec<volunteer_signup::Model>> {
    Ok(volunteer_signup::Entity::find()
        .filter(volunteer_signup::Column::AccountId.eq(account_id))
        .filter(volunteer_signup::Column::OnDay.eq(day))
        .filter(volunteer_signup::Column::Status.eq(SignupStatus::Active))
        .all(db)
        .await?)
}

fn intervals(rows: &[volunteer_signup::Model], except: i64) -> ServiceResult<Vec<Interval>> {
    rows.iter()
        .filter(|r| r.id != except)
        .map(interval)
        .collect()
}

impl Store {
    async fn load_signup(
        &self,
        id: i64,
    ) -> ServiceResult<(volunteer_signup::Model, LoadedStation)> {
        let row = volunteer_signup::Entity::find_by_id(id)
            .one(self.read())
            .await?
            .ok_or(ServiceError::NotFound {
                entity: "volunteer_signup",
            })?;
        let station = self.load_station(row.station_id).await?;
        Ok((row, station))
    }

    /// The volunteer's home unit in the compound: where the person linked to the account
    /// lives (or owns), else the unit or household of one of their roles there.
    pub async fn home_unit(&self, account_id: i64, compound_id: i64) -> ServiceResult<Option<i64>> {
        let person = account::Entity::find_by_id(account_id)
            .one(self.read())
            .await?
            .and_then(|a| a.person_id);
        if let Some(p) = person {
            let mut households: Vec<i64> = residency::Entity::find()
                .filter(residency::Column::PersonId.eq(p))
                .filter(residency::Column::MovedOut.is_null())
                .all(self.read())
                .await?
                .into_iter()
                .map(|r| r.household_id)
                .collect();
            households.extend(
                ownership::Entity::find()
                    .filter(ownership::Column::PersonId.eq(p))
                    .all(self.read())
                    .await?
                    .into_iter()
                    .map(|o| o.household_id),
            );
            for h in households {
                if let Some(h) = household::Entity::find_by_id(h).one(self.read()).await?
                    && h.compound_id == compound_id
                {
                    return Ok(Some(h.unit_id));
                }
            }
        }
        let grants = role_grant::Entity::find()
            .filter(role_grant::Column::AccountId.eq(account_id))
            .all(self.read())
            .await?;
        for g in grants {
            let unit = match g.node_kind.as_str() {
                "unit" => crate::entity::unit::Entity::find_by_id(g.node_id)
                    .one(self.read())
                    .await?
                    .filter(|u| u.compound_id == compound_id)
                    .map(|u| u.id),
                "household" => household::Entity::find_by_id(g.node_id)
                    .one(self.read())
                    .await?
                    .filter(|h| h.compound_id == compound_id)
                    .map(|h| h.unit_id),
                _ => None,
            };
            if unit.is_some() {
                return Ok(unit);
            }
        }
        Ok(None)
    }

    /// Takes a place on a shift on a day, for oneself (`HandleRequest` in the compound): not
    /// after it began, not when full, not at the same time as another turn of one's own.
    pub async fn take_volunteer_turn(
        &self,
        actor: &Actor,
        station_id: i64,
        input: &SignupInput,
    ) -> ServiceResult<TurnView> {
        let s = self.load_station(station_id).await?;
        if !super::may_take_turns(actor, &s.path) {
            return Err(ServiceError::Forbidden);
        }
        let shift = volunteer_shift::Entity::find_by_id(input.shift_id)
            .one(self.read())
            .await?
            .filter(|x| x.station_id == s.row.id && x.active)
            .ok_or_else(|| ServiceError::invalid("shift", Invalid::BadChoice))?;
        let p = pattern(&shift)?;
        let day = Day::parse(&input.day).map_err(|e| FieldError::new("day", e))?;
        if day.weekday() != p.weekday {
            return Err(ServiceError::invalid("day", Invalid::BadChoice));
        }
        let turn = Interval {
            day,
            start: p.start,
            end: p.end,
        };
        let now_m = china_moment(self.now())?;
        let unit_id = self.home_unit(actor.account_id, s.compound.id).await?;
        let day_s = day.to_string();
        let txn = self.begin_write().await?;
        // The shift's row lock: sign-ups for it queue here, so the count below is current.
        volunteer_shift::Entity::update_many()
            .col_expr(
                volunteer_shift::Column::Bookings,
                Expr::col(volunteer_shift::Column::Bookings).add(1),
            )
            .filter(volunteer_shift::Column::Id.eq(shift.id))
            .exec(&txn)
            .await?;
        let taken = volunteer_signup::Entity::find()
            .filter(volunteer_signup::Column::ShiftId.eq(shift.id))
            .filter(volunteer_signup::Column::OnDay.eq(day_s.as_str()))
            .filter(volunteer_signup::Column::Status.eq(SignupStatus::Active))
            .count(&txn)
            .await?;
        let mine = intervals(&turns_on(&txn, actor.account_id, &day_s).await?, 0)?;
        check_signup(
            &turn,
            now_m,
            usize::try_from(taken).unwrap_or(usize::MAX),
            p.capacity,
            &mine,
        )
        .map_err(signup_error)?;
        let row = volunteer_signup::Entity::insert(volunteer_signup::ActiveModel {
            shift_id: Set(shift.id),
            station_id: Set(s.row.id),
            compound_id: Set(s.compound.id),
            on_day: Set(day_s.clone()),
            start_min: Set(shift.start_min),
            end_min: Set(shift.end_min),
            account_id: Set(actor.account_id),
            name: Set(actor.name.clone()),
            unit_id: Set(unit_id),
            status: Set(SignupStatus::Active),
            created_at: Set(self.now()),
            ..Default::default()
        })
        .exec_with_returning(&txn)
        .await?;
        let after = serde_json::json!({ "shift": shift.id, "day": day_s, "start": p.start.to_string(), "end": p.end.to_string(), "unit": unit_id });
        Change::by(
            actor,
            s.compound.id,
            "volunteer.signup",
            "volunteer_signup",
            row.id,
        )
        .after(after)
        .record(&txn)
        .await?;
        txn.commit().await?;
        Ok(turn_view(&row, false, actor, now_m))
    }

    /// Leaves a turn that has not begun: one's own, or anyone's for those who run the station.
    /// Open swap requests about it are withdrawn with it.
    pub async fn leave_volunteer_turn(&self, actor: &Actor, signup_id: i64) -> ServiceResult<i64> {
        let (row, s) = self.load_signup(signup_id).await?;
        if row.account_id != actor.account_id {
            actor.require(Action::ManageGrid, &s.path)?;
        }
        if row.status != SignupStatus::Active {
            return Ok(s.row.id);
        }
        if started(&interval(&row)?, china_moment(self.now())?) {
            return Err(ServiceError::invalid("signup", Invalid::ShiftStarted));
        }
        let txn = self.begin_write().await?;
        let res = volunteer_signup::Entity::update_many()
            .col_expr(
                volunteer_signup::Column::Status,
                Expr::value(SignupStatus::Withdrawn),
            )
            .filter(volunteer_signup::Column::Id.eq(row.id))
            .filter(volunteer_signup::Column::Status.eq(SignupStatus::Active))
            .exec(&txn)
            .await?;
        if res.rows_affected == 1 {
            let open = SwapStatus::Proposed.as_str();
            volunteer_swap::Entity::update_many()
                .col_expr(
                    volunteer_swap::Column::Status,
                    Expr::value(SwapStatus::Withdrawn.as_str()),
                )
                .col_expr(
                    volunteer_swap::Column::DecidedBy,
                    Expr::value(actor.account_id),
                )
                .col_expr(volunteer_swap::Column::DecidedAt, Expr::value(self.now()))
                .filter(volunteer_swap::Column::Status.eq(open))
                .filter(
                    volunteer_swap::Column::FromSignupId
                        .eq(row.id)
                        .or(volunteer_swap::Column::ToSignupId.eq(row.id)),
                )
                .exec(&txn)
                .await?;
            let before = serde_json::json!({ "status": SignupStatus::Active, "account": row.account_id, "day": row.on_day });
            Change::by(
                actor,
                s.compound.id,
                "volunteer.withdraw",
                "volunteer_signup",
                row.id,
            )
            .before(before)
            .after(serde_json::json!({ "status": SignupStatus::Withdrawn }))
            .record(&txn)
            .await?;
        }
        txn.commit().await?;
        Ok(s.row.id)
    }

    /// Checks oneself in on one's own turn: on its day, from the station's window before the
    /// start until the end. A second check-in changes nothing.
    pub async fn check_in_volunteer(
        &self,
        actor: &Actor,
        signup_id: i64,
    ) -> ServiceResult<TurnView> {
        let (row, s) = self.load_signup(signup_id).await?;
        if row.account_id != actor.account_id || row.status != SignupStatus::Active {
            return Err(ServiceError::invalid("signup", Invalid::NotYourShift));
        }
        let now_m = china_moment(self.now())?;
        let turn = interval(&row)?;
        let window = CheckinWindow {
            early_minutes: u16::try_from(s.row.checkin_early).unwrap_or(0),
        };
        check_checkin(&turn, now_m, window).map_err(|e| ServiceError::invalid("signup", e))?;
        if volunteer_checkin::Entity::find()
            .filter(volunteer_checkin::Column::SignupId.eq(row.id))
            .one(self.read())
            .await?
            .is_some()
        {
            return Ok(turn_view(&row, true, actor, now_m));
        }
        let minutes = i32::try_from(turn.minutes()).unwrap_or(0);
        let txn = self.begin_write().await?;
        let id = volunteer_checkin::Entity::insert(volunteer_checkin::ActiveModel {
            signup_id: Set(row.id),
            account_id: Set(actor.account_id),
            minutes: Set(minutes),
            at: Set(self.now()),
            ..Default::default()
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        let after = serde_json::json!({ "signup": row.id, "day": row.on_day, "minutes": minutes, "at": now_m.at.to_string() });
        Change::by(
            actor,
            s.compound.id,
            "volunteer.checkin",
            "volunteer_checkin",
            id,
        )
        .after(after)
        .record(&txn)
        .await?;
        txn.commit().await?;
        Ok(turn_view(&row, true, actor, now_m))
    }

    /// Asks to exchange one's turn for another volunteer's at the same station; the other
    /// accepts or declines. Someone who runs the station may exchange any two turns at once.
    pub async fn propose_volunteer_swap(
        &self,
        actor: &Actor,
        signup_id: i64,
        input: &SwapInput,
    ) -> ServiceResult<super::SwapView> {
        let (from, s) = self.load_signup(signup_id).await?;
        let to = volunteer_signup::Entity::find_by_id(input.with_signup_id)
            .one(self.read())
            .await?
            .filter(|t| t.station_id == from.station_id && t.status == SignupStatus::Active)
            .ok_or_else(|| ServiceError::invalid("with_signup_id", Invalid::BadChoice))?;
        let manager = actor.can(Action::ManageGrid, &s.path);
        if from.account_id != actor.account_id && !manager {
            return Err(ServiceError::invalid("signup", Invalid::NotYourShift));
        }
        if from.status != SignupStatus::Active || to.account_id == from.account_id {
            return Err(ServiceError::invalid("with_signup_id", Invalid::BadChoice));
        }
        let now_m = china_moment(self.now())?;
        self.check_exchange(self.read(), &from, &to, now_m).await?;
        let direct = manager && from.account_id != actor.account_id;
        let txn = self.begin_write().await?;
        let status = if direct {
            SwapStatus::Done
        } else {
            SwapStatus::Proposed
        };
        let swap = volunteer_swap::Entity::insert(volunteer_swap::ActiveModel {
            compound_id: Set(s.compound.id),
            station_id: Set(s.row.id),
            from_signup_id: Set(from.id),
            to_signup_id: Set(to.id),
            requested_by: Set(from.account_id),
            counterpart_id: Set(to.account_id),
            status: Set(status),
            decided_by: Set(direct.then_some(actor.account_id)),
            created_at: Set(self.now()),
            decided_at: Set(direct.then(|| self.now())),
            ..Default::default()
        })
        .exec_with_returning(&txn)
        .await?;
        if direct {
            exchange(&txn, &from, &to).await?;
        }
        let after = serde_json::json!({ "from": from.id, "to": to.id, "status": status.as_str(), "between": [from.account_id, to.account_id] });
        Change::by(
            actor,
            s.compound.id,
            "volunteer.swap",
            "volunteer_swap",
            swap.id,
        )
        .after(after)
        .record(&txn)
        .await?;
        txn.commit().await?;
        self.swap_view(&swap, actor, now_m).await
    }

    /// Accepts, declines or withdraws a swap request (see `swap_step` for who may do which).
    /// Accepting exchanges the turns, if that still leaves nobody in two places at once.
    pub async fn decide_volunteer_swap(
        &self,
        actor: &Actor,
        swap_id: i64,
        input: &SwapDecision,
    ) -> ServiceResult<super::SwapView> {
        let swap = volunteer_swap::Entity::find_by_id(swap_id)
            .one(self.read())
            .await?
            .ok_or(ServiceError::NotFound {
                entity: "volunteer_swap",
            })?;
        let s = self.load_station(swap.station_id).await?;
        actor.require(Action::ViewPublic, &s.path)?;
        let step = SwapStep::parse(&input.step)
            .map_err(|_| FieldError::new("step", Invalid::BadChoice))?;
        let party = if actor.account_id == swap.counterpart_id {
            SwapParty::Counterpart
        } else if actor.account_id == swap.requested_by {
            SwapParty::Requester
        } else if actor.can(Action::ManageGrid, &s.path) {
            SwapParty::Manager
        } else {
            SwapParty::Other
        };
        let status = swap.status;
        let next = swap_step(status, step, party).map_err(|e| FieldError::new("swap", e))?;
        let now_m = china_moment(self.now())?;
        let txn = self.begin_write().await?;
        // Claim the request first: a second decision (another click, another server) finds it settled.
        let res = volunteer_swap::Entity::update_many()
            .col_expr(volunteer_swap::Column::Status, Expr::value(next))
            .col_expr(
                volunteer_swap::Column::DecidedBy,
                Expr::value(actor.account_id),
            )
            .col_expr(volunteer_swap::Column::DecidedAt, Expr::value(self.now()))
            .filter(volunteer_swap::Column::Id.eq(swap.id))
            .filter(volunteer_swap::Column::Status.eq(SwapStatus::Proposed))
            .exec(&txn)
            .await?;
        if res.rows_affected == 0 {
            return Err(ServiceError::invalid("swap", Invalid::SwapClosed));
        }
        if next == SwapStatus::Done {
            let find = |id| volunteer_signup::Entity::find_by_id(id).one(&txn);
            let (from, to) = (
                find(swap.from_signup_id).await?,
                find(swap.to_signup_id).await?,
            );
            let (Some(from), Some(to)) = (from, to) else {
                return Err(ServiceError::invalid("swap", Invalid::SwapClosed));
            };
            // Each turn must still be where the request found it.
            if from.status != SignupStatus::Active
                || to.status != SignupStatus::Active
                || from.account_id != swap.requested_by
                || to.account_id != swap.counterpart_id
            {
                return Err(ServiceError::invalid("swap", Invalid::SwapClosed));
            }
            self.check_exchange(&txn, &from, &to, now_m).await?;
            exchange(&txn, &from, &to).await?;
        }
        let before = serde_json::json!({ "status": swap.status });
        Change::by(
            actor,
            s.compound.id,
            "volunteer.swap_decided",
            "volunteer_swap",
            swap.id,
        )
        .before(before)
        .after(serde_json::json!({ "status": next.as_str() }))
        .record(&txn)
        .await?;
        txn.commit().await?;
        let row = volunteer_swap::Entity::find_by_id(swap.id)
            .one(self.read())
            .await?
            .ok_or(ServiceError::NotFound {
                entity: "volunteer_swap",
            })?;
        self.swap_view(&row, actor, now_m).await
    }

    async fn check_exchange<C: ConnectionTrait>(
        &self,
        db: &C,
        from: &volunteer_signup::Model,
        to: &volunteer_signup::Model,
        now_m: Moment,
    ) -> ServiceResult<()> {
        let (give, take) = (interval(from)?, interval(to)?);
        let a_others = intervals(&turns_on(db, from.account_id, &to.on_day).await?, from.id)?;
        let b_others = intervals(&turns_on(db, to.account_id, &from.on_day).await?, to.id)?;
        check_swap(&give, &take, &a_others, &b_others, now_m)
            .map_err(|e| ServiceError::invalid("with_signup_id", e))
    }

    pub(crate) async fn swap_view(
        &self,
        r: &volunteer_swap::Model,
        actor: &Actor,
        now_m: Moment,
    ) -> ServiceResult<super::SwapView> {
        let find = |id| volunteer_signup::Entity::find_by_id(id).one(self.read());
        let (from, to) = (find(r.from_signup_id).await?, find(r.to_signup_id).await?);
        let (Some(from), Some(to)) = (from, to) else {
            return Err(ServiceError::NotFound {
                entity: "volunteer_signup",
            });
        };
        let status = r.status;
        let open = status == SwapStatus::Proposed;
        Ok(super::SwapView {
            id: r.id,
            status,
            from: turn_view(&from, false, actor, now_m),
            to: turn_view(&to, false, actor, now_m),
            asks_me: open && r.counterpart_id == actor.account_id,
            mine: open && r.requested_by == actor.account_id,
        })
    }
}

/// Exchanges the people of two turns (the shift, day and times stay with the row).
async fn exchange<C: ConnectionTrait>(
    txn: &C,
    a: &volunteer_signup::Model,
    b: &volunteer_signup::Model,
) -> ServiceResult<()> {
    for (row, to) in [(a, b), (b, a)] {
        volunteer_signup::Entity::update_many()
            .col_expr(
                volunteer_signup::Column::AccountId,
                Expr::value(to.account_id),
            )
            .col_expr(volunteer_signup::Column::Name, Expr::value(to.name.clone()))
            .col_expr(volunteer_signup::Column::UnitId, Expr::value(to.unit_id))
            .filter(volunteer_signup::Column::Id.eq(row.id))
            .exec(txn)
            .await?;
    }
    Ok(())
}
