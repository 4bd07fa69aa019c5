//! Doing a turn: signing up (no two turns of one person at once, no more people than the
//! shift takes, not after it began), swapping (two people exchange turns; the other agrees or
//! a manager does it), and checking in (on the day, from a little before the start until the
//! end). Only checked-in turns earn hours ([`super::hours`]).

use super::calendar::{Clock, Moment};
use super::rota::Interval;
use crate::error::Invalid;
use serde::{Deserialize, Serialize};

/// When a check-in is accepted: on the turn's day, from `early_minutes` before its start until
/// its end. Data, so a station can be stricter or looser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckinWindow {
    pub early_minutes: u16,
}

impl Default for CheckinWindow {
    fn default() -> Self {
        CheckinWindow { early_minutes: 30 }
    }
}

/// Whether a turn has begun at `now`.
pub fn started(turn: &Interval, now: Moment) -> bool {
    (turn.day, turn.start) <= (now.day, now.at)
}

/// Whether `person` may take `turn`: it has not begun, it is not full (`taken` people of
/// `capacity`), and none of the person's own turns (`mine`, any station) overlaps it.
pub fn check_signup(
    turn: &Interval,
    now: Moment,
    taken: usize,
    capacity: u16,
    mine: &[Interval],
) -> Result<(), Invalid> {
    if started(turn, now) {
        return Err(Invalid::ShiftStarted);
    }
    if let Some(clash) = mine.iter().find(|m| m.overlaps(turn)) {
        return Err(double_booked(clash));
    }
    if taken >= usize::from(capacity) {
        return Err(Invalid::ShiftFull { capacity });
    }
    Ok(())
}

fn double_booked(clash: &Interval) -> Invalid {
    Invalid::DoubleBooked {
        day: clash.day.to_string(),
        from: clash.start.to_string(),
        to: clash.end.to_string(),
    }
}

/// Whether `a`'s turn `give` and `b`'s turn `take` can be exchanged: two different turns,
/// neither begun, and after the exchange neither person has two turns at once. `a_others` and
/// `b_others` are the rest of each person's turns (without the two exchanged).
pub fn check_swap(
    give: &Interval,
    take: &Interval,
    a_others: &[Interval],
    b_others: &[Interval],
    now: Moment,
) -> Result<(), Invalid> {
    if give == take {
        return Err(Invalid::BadChoice);
    }
    if started(give, now) || started(take, now) {
        return Err(Invalid::ShiftStarted);
    }
    if let Some(clash) = a_others.iter().find(|m| m.overlaps(take)) {
        return Err(double_booked(clash));
    }
    if let Some(clash) = b_others.iter().find(|m| m.overlaps(give)) {
        return Err(double_booked(clash));
    }
    Ok(())
}

/// Whether a check-in at `now` counts for `turn`.
pub fn check_checkin(turn: &Interval, now: Moment, window: CheckinWindow) -> Result<(), Invalid> {
    if now.day != turn.day {
        return Err(Invalid::CheckinNotToday {
            day: turn.day.to_string(),
        });
    }
    let opens = turn.start.minutes().saturating_sub(window.early_minutes);
    if now.at.minutes() < opens {
        let from = Clock::from_minutes(i64::from(opens))
            .map(|c| c.to_string())
            .unwrap_or_default();
        return Err(Invalid::CheckinTooEarly { from });
    }
    if now.at > turn.end {
        return Err(Invalid::CheckinTooLate);
    }
    Ok(())
}

crate::text_enum! {
    /// A person's turn: in force, or given up.
    pub enum SignupStatus {
        Active = "active",
        Withdrawn = "withdrawn",
    }
}

crate::text_enum! {
    /// Where a swap request stands.
    pub enum SwapStatus {
        /// Asked by one volunteer, waiting for the other.
        Proposed = "proposed",
        /// Agreed (or done by a manager): the two turns have changed hands.
        Done = "done",
        Declined = "declined",
        Withdrawn = "withdrawn",
    }
}

impl SwapStatus {
    pub fn label(self, lang: crate::Lang) -> &'static str {
        match self {
            SwapStatus::Proposed => lang.pick("等待对方同意", "waiting for the other"),
            SwapStatus::Done => lang.pick("已换班", "swapped"),
            SwapStatus::Declined => lang.pick("对方未同意", "declined"),
            SwapStatus::Withdrawn => lang.pick("已撤回", "withdrawn"),
        }
    }
}

crate::text_enum! {
    /// What someone does with a swap request.
    pub enum SwapStep {
        Accept = "accept",
        Decline = "decline",
        Withdraw = "withdraw",
    }
}

/// Who is acting on a swap request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SwapParty {
    /// The volunteer who asked.
    Requester,
    /// The volunteer asked to exchange.
    Counterpart,
    /// Someone who runs the station (may accept or decline for the counterpart, or withdraw).
    Manager,
    Other,
}

/// The one transition function of a swap request: who may take which step when.
pub fn swap_step(
    status: SwapStatus,
    step: SwapStep,
    who: SwapParty,
) -> Result<SwapStatus, Invalid> {
    if status != SwapStatus::Proposed {
        return Err(Invalid::SwapClosed);
    }
    use SwapParty::*;
    match (step, who) {
        (SwapStep::Accept, Counterpart | Manager) => Ok(SwapStatus::Done),
        (SwapStep::Decline, Counterpart | Manager) => Ok(SwapStatus::Declined),
        (SwapStep::Withdraw, Requester | Manager) => Ok(SwapStatus::Withdrawn),
        _ => Err(Invalid::NotYourShift),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::volunteers::calendar::Day;

    fn at(day: &str, from: &str, to: &str) -> Interval {
        Interval {
            day: Day::parse(day).unwrap(),
            start: Clock::parse(from).unwrap(),
            end: Clock::parse(to).unwrap(),
        }
    }

    fn now(day: &str, t: &str) -> Moment {
        Moment {
            day: Day::parse(day).unwrap(),
            at: Clock::parse(t).unwrap(),
        }
    }

    type Case = (
        Moment,
        usize,
        u16,
        Vec<Interval>,
        Result<(), Invalid>,
        &'static str,
    );

    #[test]
    fn signing_up_at_the_edges() {
        let turn = at("2026-11-28", "08:00", "12:00");
        let before = now("2026-11-27", "20:00");
        let cases: [Case; 8] = [
            (before, 0, 1, vec![], Ok(()), "empty shift"),
            (before, 1, 2, vec![], Ok(()), "one place left"),
            (
                before,
                2,
                2,
                vec![],
                Err(Invalid::ShiftFull { capacity: 2 }),
                "full",
            ),
            (
                before,
                0,
                2,
                vec![at("2026-11-28", "12:00", "16:00")],
                Ok(()),
                "an afternoon turn only touches it",
            ),
            (
                before,
                0,
                2,
                vec![at("2026-11-28", "11:30", "13:00")],
                Err(Invalid::DoubleBooked {
                    day: "2026-11-28".into(),
                    from: "11:30".into(),
                    to: "13:00".into(),
                }),
                "half an hour shared",
            ),
            (
                now("2026-11-28", "07:59"),
                0,
                1,
                vec![],
                Ok(()),
                "a minute before it begins",
            ),
            (
                now("2026-11-28", "08:00"),
                0,
                1,
                vec![],
                Err(Invalid::ShiftStarted),
                "as it begins",
            ),
            (
                now("2026-11-29", "08:00"),
                0,
                1,
                vec![],
                Err(Invalid::ShiftStarted),
                "the day after",
            ),
        ];
        for (now, taken, capacity, mine, want, why) in cases {
            assert_eq!(
                check_signup(&turn, now, taken, capacity, &mine),
                want,
                "{why}"
            );
        }
    }

    #[test]
    fn checking_in_only_on_the_day_within_the_window() {
        let turn = at("2026-11-28", "08:00", "12:00");
        let w = CheckinWindow::default();
        let cases = [
            (
                now("2026-11-27", "08:00"),
                Err(Invalid::CheckinNotToday {
                    day: "2026-11-28".into(),
                }),
            ),
            (
                now("2026-11-28", "07:29"),
                Err(Invalid::CheckinTooEarly {
                    from: "07:30".into(),
                }),
            ),
            (now("2026-11-28", "07:30"), Ok(())),
            (now("2026-11-28", "10:00"), Ok(())),
            (now("2026-11-28", "12:00"), Ok(())),
            (now("2026-11-28", "12:01"), Err(Invalid::CheckinTooLate)),
            (
                now("2026-11-29", "09:00"),
                Err(Invalid::CheckinNotToday {
                    day: "2026-11-28".into(),
                }),
            ),
        ];
        for (now, want) in cases {
            assert_eq!(check_checkin(&turn, now, w), want, "{now:?}");
        }
        // An early shift opens at midnight, not the day before.
        let dawn = at("2026-11-28", "00:10", "02:00");
        assert_eq!(check_checkin(&dawn, now("2026-11-28", "00:00"), w), Ok(()));
        assert_eq!(
            check_checkin(
                &turn,
                now("2026-11-28", "07:59"),
                CheckinWindow { early_minutes: 0 }
            ),
            Err(Invalid::CheckinTooEarly {
                from: "08:00".into()
            })
        );
    }

    #[test]
    fn a_swap_must_leave_nobody_in_two_places() {
        let sat = at("2026-11-28", "08:00", "12:00");
        let sun = at("2026-11-29", "08:00", "12:00");
        let t = now("2026-11-27", "09:00");
        assert_eq!(check_swap(&sat, &sun, &[], &[], t), Ok(()));
        assert_eq!(
            check_swap(&sat, &sat, &[], &[], t),
            Err(Invalid::BadChoice),
            "the same turn"
        );
        // A already has Sunday afternoon overlapping? No: touching is fine; overlapping is not.
        assert_eq!(
            check_swap(&sat, &sun, &[at("2026-11-29", "12:00", "14:00")], &[], t),
            Ok(())
        );
        assert!(matches!(
            check_swap(&sat, &sun, &[at("2026-11-29", "11:00", "14:00")], &[], t),
            Err(Invalid::DoubleBooked { .. })
        ));
        assert!(matches!(
            check_swap(&sat, &sun, &[], &[at("2026-11-28", "09:00", "10:00")], t),
            Err(Invalid::DoubleBooked { .. })
        ));
        assert_eq!(
            check_swap(&sat, &sun, &[], &[], now("2026-11-28", "08:00")),
            Err(Invalid::ShiftStarted)
        );
    }

    #[test]
    fn who_may_take_which_step_of_a_swap() {
        use SwapParty::*;
        use SwapStatus::*;
        use SwapStep::*;
        let p = Proposed;
        assert_eq!(swap_step(p, Accept, Counterpart), Ok(Done));
        assert_eq!(swap_step(p, Accept, Manager), Ok(Done));
        assert_eq!(
            swap_step(p, Accept, Requester),
            Err(Invalid::NotYourShift),
            "nobody agrees for the other"
        );
        assert_eq!(swap_step(p, Accept, Other), Err(Invalid::NotYourShift));
        assert_eq!(swap_step(p, Decline, Counterpart), Ok(Declined));
        assert_eq!(swap_step(p, Decline, Requester), Err(Invalid::NotYourShift));
        assert_eq!(swap_step(p, Withdraw, Requester), Ok(Withdrawn));
        assert_eq!(
            swap_step(p, Withdraw, Counterpart),
            Err(Invalid::NotYourShift)
        );
        for closed in [Done, Declined, Withdrawn] {
            assert_eq!(swap_step(closed, Accept, Manager), Err(Invalid::SwapClosed));
            assert_eq!(SwapStatus::parse(closed.as_str()), Ok(closed));
        }
    }
}
