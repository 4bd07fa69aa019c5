//! Working days and deadlines in China time.
//!
//! A [`WorkCalendar`] is Monday to Friday plus the year's exceptions as data: public holidays
//! that fall on weekdays, and the weekend days the State Council makes working days in
//! exchange (调休). A category's deadline is either a number of minutes on the clock (an
//! elevator entrapment: on site in 30 minutes, night or Sunday) or a number of working days
//! (an ordinary repair: 5 working days), which run to the end of the n-th working day after
//! the day of the report. Timestamps are Unix seconds; the day boundaries are China's (UTC+8),
//! computed here without a time library so the rule stays plain arithmetic.

use crate::error::Invalid;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use crate::calendar::{CHINA_OFFSET, Day};

/// Weekends plus the exceptions of the year: a day listed with `true` is worked (a weekend
/// day swapped for a holiday), with `false` it is a holiday.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    exceptions: BTreeMap<Day, bool>,
}

impl WorkCalendar {
    pub fn new(exceptions: impl IntoIterator<Item = (Day, bool)>) -> WorkCalendar {
        WorkCalendar {
            exceptions: exceptions.into_iter().collect(),
        }
    }

    pub fn is_workday(&self, day: Day) -> bool {
        self.exceptions
            .get(&day)
            .copied()
            .unwrap_or(!day.is_weekend())
    }

    /// The n-th working day after `day` (not counting `day` itself); `day` for n = 0.
    pub fn add_workdays(&self, day: Day, n: u32) -> Day {
        let mut d = day;
        let mut left = n;
        // A year has about 250 working days; ten years of holidays cannot stop the loop.
        let mut guard = 0;
        while left > 0 && guard < 3660 + 2 * i64::from(n) {
            d = d.next();
            guard += 1;
            if self.is_workday(d) {
                left -= 1;
            }
        }
        d
    }
}

crate::text_enum! {
    /// How a category's deadline is counted, as stored in `request_category.deadline_unit`.
    pub enum DeadlineUnit {
        /// Minutes on the clock.
        Minutes = "minutes",
        /// Working days after the day of the report.
        WorkingDays = "working_days",
    }
}

/// How long a category allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "unit", content = "amount", rename_all = "snake_case")]
pub enum Deadline {
    /// Minutes on the clock, day or night, weekday or holiday.
    Minutes(u32),
    /// Until the end of the n-th working day after the day of the report.
    WorkingDays(u32),
}

impl Deadline {
    /// When a request reported at `reported_at` is due.
    pub fn due(self, reported_at: i64, calendar: &WorkCalendar) -> i64 {
        match self {
            Deadline::Minutes(m) => reported_at + i64::from(m) * 60,
            Deadline::WorkingDays(n) => calendar
                .add_workdays(Day::of(reported_at), n)
                .next()
                .start(),
        }
    }

    /// From the stored pair (unit, amount).
    pub fn from_parts(unit: DeadlineUnit, amount: i32) -> Result<Deadline, Invalid> {
        let n = u32::try_from(amount)
            .ok()
            .filter(|n| *n > 0)
            .ok_or(Invalid::NotPositive)?;
        Ok(match unit {
            DeadlineUnit::Minutes => Deadline::Minutes(n),
            DeadlineUnit::WorkingDays => Deadline::WorkingDays(n),
        })
    }

    pub fn parts(self) -> (DeadlineUnit, i32) {
        match self {
            Deadline::Minutes(n) => (DeadlineUnit::Minutes, i32::try_from(n).unwrap_or(i32::MAX)),
            Deadline::WorkingDays(n) => (
                DeadlineUnit::WorkingDays,
                i32::try_from(n).unwrap_or(i32::MAX),
            ),
        }
    }

    /// "30 分钟" / "5 个工作日".
    pub fn label(self, lang: crate::Lang) -> String {
        match (self, lang) {
            (Deadline::Minutes(m), crate::Lang::Zh) if m % 60 == 0 => format!("{} 小时", m / 60),
            (Deadline::Minutes(m), crate::Lang::Zh) => format!("{m} 分钟"),
            (Deadline::Minutes(m), crate::Lang::En) if m % 60 == 0 => format!("{} hours", m / 60),
            (Deadline::Minutes(m), crate::Lang::En) => format!("{m} minutes"),
            (Deadline::WorkingDays(n), crate::Lang::Zh) => format!("{n} 个工作日"),
            (Deadline::WorkingDays(n), crate::Lang::En) => format!("{n} working days"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Weekday;
    use proptest::prelude::*;

    fn d(s: &str) -> Day {
        Day::parse(s).unwrap()
    }

    /// Unix time of a China wall-clock time.
    fn at(day: &str, h: i64, m: i64) -> i64 {
        d(day).start() + h * 3600 + m * 60
    }

    /// The 2026 exceptions around National Day: Sep 20 (Sun) and Oct 10 (Sat) worked,
    /// Oct 1–7 off; and the 2026 Spring Festival: Feb 15–23 off, Feb 14 and 28 (Sat) worked.
    fn calendar_2026() -> WorkCalendar {
        let mut ex = vec![
            (d("2026-09-20"), true),
            (d("2026-10-10"), true),
            (d("2026-02-14"), true),
            (d("2026-02-28"), true),
        ];
        for day in 1..=7 {
            ex.push((d(&format!("2026-10-{day:02}")), false));
        }
        for day in 15..=23 {
            ex.push((d(&format!("2026-02-{day:02}")), false));
        }
        WorkCalendar::new(ex)
    }

    #[test]
    fn days_and_weekdays() {
        assert_eq!(d("1970-01-01").ordinal(), 0);
        assert_eq!(d("1970-01-01").weekday(), Weekday::Thu);
        assert_eq!(d("2026-11-25").weekday(), Weekday::Wed);
        assert_eq!(d("2024-02-29").to_string(), "2024-02-29");
        assert_eq!(Day::parse("2025-02-29"), Err(Invalid::BadDate));
        assert_eq!(Day::parse("2026-13-01"), Err(Invalid::BadDate));
        assert_eq!(Day::parse("next week"), Err(Invalid::BadDate));
        // 23:59 and 00:00 China time on either side of midnight; UTC is eight hours behind.
        assert_eq!(Day::of(at("2026-11-25", 23, 59)), d("2026-11-25"));
        assert_eq!(Day::of(at("2026-11-26", 0, 0)), d("2026-11-26"));
        assert_eq!(
            Day::of(at("2026-11-26", 7, 59)).month().to_string(),
            "2026-11"
        );
    }

    /// (reported, deadline, due): across weekends, holidays and the swapped working days.
    /// A China wall-clock time: (day, hour, minute).
    type Clock<'a> = (&'a str, i64, i64);

    #[test]
    fn deadlines_at_the_edges() {
        let cal = calendar_2026();
        let table: &[(Clock, Deadline, Clock)] = &[
            // 30 minutes on the clock, also at night and on a holiday, across midnight.
            (
                ("2026-10-03", 23, 50),
                Deadline::Minutes(30),
                ("2026-10-04", 0, 20),
            ),
            // Monday → 5 working days → end of next Monday.
            (
                ("2026-11-23", 9, 0),
                Deadline::WorkingDays(5),
                ("2026-12-01", 0, 0),
            ),
            // Friday late → the following Friday's end.
            (
                ("2026-11-27", 23, 59),
                Deadline::WorkingDays(5),
                ("2026-12-05", 0, 0),
            ),
            // Saturday and Sunday count from Monday.
            (
                ("2026-11-28", 10, 0),
                Deadline::WorkingDays(1),
                ("2026-12-01", 0, 0),
            ),
            (
                ("2026-11-29", 10, 0),
                Deadline::WorkingDays(1),
                ("2026-12-01", 0, 0),
            ),
            // National Day: reported Sep 30, off Oct 1–7 (and the weekend Oct 3–4 inside it),
            // Oct 8, 9 worked, Oct 10 (Saturday) worked, Oct 11 Sunday off, Oct 12, 13.
            (
                ("2026-09-30", 15, 0),
                Deadline::WorkingDays(5),
                ("2026-10-14", 0, 0),
            ),
            (
                ("2026-09-30", 15, 0),
                Deadline::WorkingDays(1),
                ("2026-10-09", 0, 0),
            ),
            // Sunday Sep 20 is a working day: a report on Saturday 19th is due at its end.
            (
                ("2026-09-19", 8, 0),
                Deadline::WorkingDays(1),
                ("2026-09-21", 0, 0),
            ),
            // Spring Festival: reported Friday Feb 13; Saturday 14th worked; 15–23 off.
            (
                ("2026-02-13", 9, 0),
                Deadline::WorkingDays(2),
                ("2026-02-25", 0, 0),
            ),
        ];
        for (i, ((rd, rh, rm), deadline, (dd, dh, dm))) in table.iter().enumerate() {
            let due = deadline.due(at(rd, *rh, *rm), &cal);
            assert_eq!(
                due,
                at(dd, *dh, *dm),
                "row {i}: {rd} {rh}:{rm} + {deadline:?}"
            );
        }
    }

    #[test]
    fn deadline_parts_round_trip_and_refuse_nonsense() {
        for dl in [Deadline::Minutes(30), Deadline::WorkingDays(5)] {
            let (u, n) = dl.parts();
            assert_eq!(Deadline::from_parts(u, n), Ok(dl));
        }
        assert_eq!(
            Deadline::from_parts(DeadlineUnit::Minutes, 0),
            Err(Invalid::NotPositive)
        );
        assert_eq!(DeadlineUnit::parse("weeks"), Err(Invalid::BadChoice));
    }

    proptest! {
        #[test]
        fn dates_round_trip(days in 0i64..400_000) {
            let day = Day::FIRST.plus_days(days);
            let (y, m, dd) = day.ymd();
            prop_assert_eq!(Day::new(y, m, dd), Ok(day));
            prop_assert_eq!(day.next().weekday().number(), day.weekday().number() % 7 + 1);
        }

        /// A working-day deadline always ends at a China midnight, after the report, right
        /// after a working day; and n+1 days is never earlier than n days.
        #[test]
        fn working_day_deadlines_end_after_a_working_day(ts in 1_700_000_000i64..1_900_000_000, n in 1u32..30) {
            let cal = calendar_2026();
            let due = Deadline::WorkingDays(n).due(ts, &cal);
            prop_assert!(due > ts);
            prop_assert_eq!((due + CHINA_OFFSET) % 86_400, 0);
            prop_assert!(cal.is_workday(Day::of(due - 1)));
            prop_assert!(Deadline::WorkingDays(n + 1).due(ts, &cal) > due);
            // Exactly n working days lie between the report's day and the due time.
            let mut count = 0;
            let mut day = Day::of(ts).next();
            while day.start() < due {
                count += u32::from(cal.is_workday(day));
                day = day.next();
            }
            prop_assert_eq!(count, n);
        }
    }
}
