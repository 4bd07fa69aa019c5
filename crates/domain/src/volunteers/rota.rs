//! A station's shifts as data — a weekday, a start and an end, how many people — and the
//! month's rota made from them: one [`Slot`] per shift per matching day.

use super::calendar::{Clock, Day, Weekday, days_of};
use crate::error::{FieldError, Invalid};
use crate::rating::Month;
use serde::Serialize;

/// The most people one shift takes.
pub const MAX_CAPACITY: u16 = 50;

/// How many people a shift takes: 1 to [`MAX_CAPACITY`].
pub fn check_capacity(n: i64) -> Result<u16, Invalid> {
    u16::try_from(n)
        .ok()
        .filter(|c| (1..=MAX_CAPACITY).contains(c))
        .ok_or(Invalid::OutOfRange {
            min: 1,
            max: i64::from(MAX_CAPACITY),
        })
}

/// A weekly shift of a station: every `weekday` from `start` to `end`, for up to `capacity`
/// people. Shifts do not run past midnight (a night is two shifts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ShiftPattern {
    pub weekday: Weekday,
    pub start: Clock,
    pub end: Clock,
    pub capacity: u16,
}

impl ShiftPattern {
    /// Checks every part and reports every bad field.
    pub fn new(
        weekday: Weekday,
        start: Clock,
        end: Clock,
        capacity: i64,
    ) -> Result<ShiftPattern, Vec<FieldError>> {
        let mut errors = Vec::new();
        if end <= start {
            errors.push(FieldError::new("end", Invalid::EndBeforeStart));
        }
        let capacity = check_capacity(capacity).unwrap_or_else(|e| {
            errors.push(FieldError::new("capacity", e));
            1
        });
        if errors.is_empty() {
            Ok(ShiftPattern {
                weekday,
                start,
                end,
                capacity,
            })
        } else {
            Err(errors)
        }
    }

    /// The length of one turn, in minutes: what a checked-in volunteer is credited.
    pub fn minutes(&self) -> u32 {
        u32::from(self.end.minutes() - self.start.minutes())
    }
}

/// A stretch of time on one day: a turn of duty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Interval {
    pub day: Day,
    pub start: Clock,
    pub end: Clock,
}

impl Interval {
    /// Whether two turns share any minute. Turns that only touch (08:00–12:00 and
    /// 12:00–16:00) do not: one person can do both.
    pub fn overlaps(&self, other: &Interval) -> bool {
        self.day == other.day && self.start < other.end && other.start < self.end
    }

    pub fn minutes(&self) -> u32 {
        u32::from(self.end.minutes().saturating_sub(self.start.minutes()))
    }
}

/// One shift on one day of the month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Slot<K> {
    pub shift: K,
    pub when: Interval,
    pub capacity: u16,
}

/// The month's rota: every shift on every day of its weekday, by day, then start, then end.
pub fn month_rota<K: Copy>(month: Month, shifts: &[(K, ShiftPattern)]) -> Vec<Slot<K>> {
    let mut slots: Vec<Slot<K>> = days_of(month)
        .flat_map(|day| {
            shifts
                .iter()
                .filter(move |(_, p)| p.weekday == day.weekday())
                .map(move |(k, p)| Slot {
                    shift: *k,
                    when: Interval {
                        day,
                        start: p.start,
                        end: p.end,
                    },
                    capacity: p.capacity,
                })
        })
        .collect();
    slots.sort_by_key(|s| s.when);
    slots
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    fn clock(s: &str) -> Clock {
        Clock::parse(s).unwrap()
    }

    fn at(day: &str, from: &str, to: &str) -> Interval {
        Interval {
            day: Day::parse(day).unwrap(),
            start: clock(from),
            end: clock(to),
        }
    }

    #[test]
    fn overlaps_at_the_edges() {
        let morning = at("2026-11-25", "08:00", "12:00");
        let cases = [
            (
                at("2026-11-25", "12:00", "16:00"),
                false,
                "touching at the end",
            ),
            (
                at("2026-11-25", "06:00", "08:00"),
                false,
                "touching at the start",
            ),
            (
                at("2026-11-25", "11:59", "16:00"),
                true,
                "one minute shared",
            ),
            (at("2026-11-25", "08:00", "12:00"), true, "the same turn"),
            (at("2026-11-25", "09:00", "10:00"), true, "inside"),
            (at("2026-11-25", "07:00", "13:00"), true, "around"),
            (at("2026-11-26", "08:00", "12:00"), false, "another day"),
        ];
        for (other, want, why) in cases {
            assert_eq!(morning.overlaps(&other), want, "{why}");
            assert_eq!(other.overlaps(&morning), want, "{why}, the other way");
        }
    }

    #[test]
    fn a_shift_ends_after_it_starts_and_takes_one_to_fifty() {
        let ok = ShiftPattern::new(Weekday::Sat, clock("08:00"), clock("12:00"), 2).unwrap();
        assert_eq!(ok.minutes(), 240);
        let errs = ShiftPattern::new(Weekday::Sat, clock("12:00"), clock("12:00"), 0).unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| &*e.field).collect();
        assert_eq!(fields, ["end", "capacity"], "every bad field at once");
        assert!(ShiftPattern::new(Weekday::Sat, clock("08:00"), clock("24:00"), 50).is_ok());
        assert!(ShiftPattern::new(Weekday::Sat, clock("08:00"), clock("09:00"), 51).is_err());
    }

    #[test]
    fn a_month_has_a_slot_per_shift_per_matching_day() {
        // November 2026 starts on a Sunday: five Sundays and Mondays, four of the rest.
        let nov = Month::new(2026, 11).unwrap();
        let sat = ShiftPattern::new(Weekday::Sat, clock("14:00"), clock("17:00"), 2).unwrap();
        let mon = ShiftPattern::new(Weekday::Mon, clock("08:00"), clock("12:00"), 1).unwrap();
        let mon_pm = ShiftPattern::new(Weekday::Mon, clock("12:00"), clock("16:00"), 1).unwrap();
        let rota = month_rota(nov, &[(1, sat), (2, mon_pm), (3, mon)]);
        assert_eq!(rota.iter().filter(|s| s.shift == 1).count(), 4);
        assert_eq!(rota.iter().filter(|s| s.shift == 2).count(), 5);
        assert_eq!(
            rota[0].when,
            at("2026-11-02", "08:00", "12:00"),
            "by day, then by start"
        );
        assert_eq!(rota[1].shift, 2);
        assert!(month_rota(nov, &[] as &[(i32, ShiftPattern)]).is_empty());
    }

    proptest! {
        #[test]
        fn every_slot_falls_on_its_weekday_and_days_are_in_order(year in 2000i32..2100, month in 1u8..=12, wd in 1i64..=7, start in 0i64..1439, len in 1i64..240) {
            let m = Month::new(year, month).unwrap();
            let end = (start + len).min(1440);
            let p = ShiftPattern::new(Weekday::from_number(wd).unwrap(), Clock::from_minutes(start).unwrap(), Clock::from_minutes(end).unwrap(), 1).unwrap();
            let rota = month_rota(m, &[((), p)]);
            prop_assert!(rota.len() == 4 || rota.len() == 5);
            prop_assert!(rota.iter().all(|s| s.when.day.weekday() == p.weekday && s.when.day.month() == m));
            prop_assert!(rota.windows(2).all(|w| w[1].when.day.ordinal() - w[0].when.day.ordinal() == 7));
        }
    }
}
