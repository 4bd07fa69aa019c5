//! Days, weekdays and clock times of a rota, in the compound's local time (China, UTC+8):
//! the store turns the server clock into a [`Moment`] once, and every rule here compares
//! plain numbers.

use crate::error::Invalid;
use crate::lang::Lang;
use crate::rating::Month;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A calendar day, written `2026-11-25`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Day {
    month: Month,
    day: u8,
}

/// The number of days of a month.
pub fn days_in(month: Month) -> u8 {
    match month.month() {
        4 | 6 | 9 | 11 => 30,
        2 if leap(month.year()) => 29,
        2 => 28,
        _ => 31,
    }
}

fn leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Every day of a month, in order.
pub fn days_of(month: Month) -> impl Iterator<Item = Day> {
    (1..=days_in(month)).map(move |day| Day { month, day })
}

impl Day {
    pub fn new(year: i32, month: u8, day: u8) -> Result<Day, Invalid> {
        let m = Month::new(year, month).map_err(|_| Invalid::BadDate)?;
        if day == 0 || day > days_in(m) {
            return Err(Invalid::BadDate);
        }
        Ok(Day { month: m, day })
    }

    /// `2026-11-25` (or `2026-11-5`).
    pub fn parse(input: &str) -> Result<Day, Invalid> {
        let s = input.trim();
        if s.is_empty() {
            return Err(Invalid::Required);
        }
        let mut parts = s.split('-');
        let mut next = || {
            parts
                .next()
                .and_then(|p| p.parse::<i32>().ok())
                .ok_or(Invalid::BadDate)
        };
        let (y, m, d) = (next()?, next()?, next()?);
        if parts.next().is_some() {
            return Err(Invalid::BadDate);
        }
        Day::new(
            y,
            u8::try_from(m).map_err(|_| Invalid::BadDate)?,
            u8::try_from(d).map_err(|_| Invalid::BadDate)?,
        )
    }

    pub fn month(self) -> Month {
        self.month
    }

    pub fn day(self) -> u8 {
        self.day
    }

    /// Days since 1970-01-01 (negative before), by the civil-from-days algorithm.
    pub fn ordinal(self) -> i64 {
        let (y, m, d) = (
            i64::from(self.month.year()),
            i64::from(self.month.month()),
            i64::from(self.day),
        );
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    pub fn weekday(self) -> Weekday {
        // 1970-01-01 was a Thursday.
        Weekday::ALL[(self.ordinal() + 3).rem_euclid(7) as usize]
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:02}", self.month, self.day)
    }
}

impl TryFrom<String> for Day {
    type Error = String;
    fn try_from(s: String) -> Result<Day, String> {
        Day::parse(&s).map_err(|e| e.message(Lang::En))
    }
}

impl From<Day> for String {
    fn from(d: Day) -> String {
        d.to_string()
    }
}

/// A day of the week, Monday first as on Chinese calendars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Weekday {
    pub const ALL: [Weekday; 7] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];

    /// 1 for Monday … 7 for Sunday.
    pub fn number(self) -> u8 {
        self as u8 + 1
    }

    pub fn from_number(n: i64) -> Result<Weekday, Invalid> {
        usize::try_from(n - 1)
            .ok()
            .and_then(|i| Weekday::ALL.get(i).copied())
            .ok_or(Invalid::BadChoice)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        const ZH: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
        const EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        let i = self as usize;
        lang.pick(ZH[i], EN[i])
    }
}

/// A time of day in minutes after midnight, `00:00` to `24:00` (the end of the last shift).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Clock(u16);

impl Clock {
    pub const MIDNIGHT: Clock = Clock(0);
    pub const END_OF_DAY: Clock = Clock(24 * 60);

    pub fn from_minutes(m: i64) -> Result<Clock, Invalid> {
        u16::try_from(m)
            .ok()
            .filter(|m| *m <= 24 * 60)
            .map(Clock)
            .ok_or(Invalid::BadTime)
    }

    /// `08:30`, `8:30`, `24:00`.
    pub fn parse(input: &str) -> Result<Clock, Invalid> {
        let s = input.trim().replace('：', ":");
        if s.is_empty() {
            return Err(Invalid::Required);
        }
        let (h, m) = s.split_once(':').ok_or(Invalid::BadTime)?;
        let (h, m) = (
            h.parse::<i64>().map_err(|_| Invalid::BadTime)?,
            m.parse::<i64>().map_err(|_| Invalid::BadTime)?,
        );
        if !(0..=24).contains(&h) || !(0..60).contains(&m) || m.to_string().len() > 2 {
            return Err(Invalid::BadTime);
        }
        Clock::from_minutes(h * 60 + m)
    }

    pub fn minutes(self) -> u16 {
        self.0
    }
}

impl fmt::Display for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl TryFrom<String> for Clock {
    type Error = String;
    fn try_from(s: String) -> Result<Clock, String> {
        Clock::parse(&s).map_err(|e| e.message(Lang::En))
    }
}

impl From<Clock> for String {
    fn from(c: Clock) -> String {
        c.to_string()
    }
}

/// A moment in local time: the day and the minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Moment {
    pub day: Day,
    pub at: Clock,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn weekdays_and_month_lengths() {
        let d = |s: &str| Day::parse(s).unwrap();
        assert_eq!(d("2000-01-01").weekday(), Weekday::Sat);
        assert_eq!(d("2026-11-25").weekday(), Weekday::Wed);
        assert_eq!(d("2024-02-29").weekday(), Weekday::Thu);
        assert_eq!(
            d("2000-03-01").ordinal() - d("2000-02-28").ordinal(),
            2,
            "2000 is a leap year"
        );
        assert_eq!(days_in(Month::new(2100, 2).unwrap()), 28, "2100 is not");
        assert_eq!(days_of(Month::new(2026, 11).unwrap()).count(), 30);
        assert_eq!(Day::parse("2025-02-29"), Err(Invalid::BadDate));
        assert_eq!(Day::parse("2025-13-01"), Err(Invalid::BadDate));
        assert_eq!(Day::parse("2025-1-1-1"), Err(Invalid::BadDate));
        assert_eq!(Day::parse(""), Err(Invalid::Required));
        assert_eq!(d("2026-1-5").to_string(), "2026-01-05");
    }

    #[test]
    fn clock_times_as_people_write_them() {
        assert_eq!(Clock::parse("8:30").unwrap().minutes(), 510);
        assert_eq!(Clock::parse("08：30").unwrap().to_string(), "08:30");
        assert_eq!(Clock::parse("24:00").unwrap(), Clock::END_OF_DAY);
        assert_eq!(Clock::parse("24:01"), Err(Invalid::BadTime));
        assert_eq!(Clock::parse("12:60"), Err(Invalid::BadTime));
        assert_eq!(Clock::parse("noon"), Err(Invalid::BadTime));
        assert_eq!(Clock::parse(" "), Err(Invalid::Required));
    }
}
