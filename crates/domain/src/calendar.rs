//! Days, months and weekdays in China time, for every part of linli: ledger periods, request
//! deadlines, rotas, rating months, move-in and payment dates.
//!
//! The program has one clock (Unix seconds, kept by the store, set by the tests); this module
//! turns its readings into China's calendar (UTC+8, no daylight saving) with plain arithmetic,
//! so a deadline, a quarter and a rota agree on which day it is. A [`Day`] is written as on
//! forms, `2024-05-01`, and stored that way, so comparing the text compares the days.

use crate::error::Invalid;
use crate::lang::Lang;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Seconds China is ahead of UTC (no daylight saving).
pub const CHINA_OFFSET: i64 = 8 * 3600;
const SECONDS_PER_DAY: i64 = 86_400;

/// A calendar day between 1900 and 2999, held as days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Day(i64);

/// The number of days of a month.
pub fn days_in(month: Month) -> u8 {
    days_in_month(month.year, month.month)
}

pub(crate) fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if leap(year) => 29,
        2 => 28,
        _ => 31,
    }
}

fn leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Every day of a month, in order.
pub fn days_of(month: Month) -> impl Iterator<Item = Day> {
    (1..=days_in(month)).map(move |day| Day::from_parts(month.year, month.month, day))
}

impl Day {
    /// The first day accepted, 1900-01-01.
    pub const FIRST: Day = Day(-25_567);

    /// A real day between the years 1900 and 2999.
    pub fn new(year: i32, month: u8, day: u8) -> Result<Day, Invalid> {
        if !(1900..=2999).contains(&year)
            || !(1..=12).contains(&month)
            || day < 1
            || day > days_in_month(year, month)
        {
            return Err(Invalid::BadDate);
        }
        Ok(Day::from_parts(year, month, day))
    }

    /// A day from its parts, which the caller has checked (days-from-civil).
    fn from_parts(year: i32, month: u8, day: u8) -> Day {
        let (m, d) = (i64::from(month), i64::from(day));
        let y = i64::from(year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Day(era * 146_097 + doe - 719_468)
    }

    /// `2024-05-01` (also `2024-5-1`, spaces around it ignored); blank is `Required`,
    /// anything else `BadDate`.
    pub fn parse(s: &str) -> Result<Day, Invalid> {
        let s = s.trim();
        if s.is_empty() {
            return Err(Invalid::Required);
        }
        let mut parts = s.split('-');
        let (Some(y), Some(m), Some(d), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(Invalid::BadDate);
        };
        let num = |p: &str, max_len: usize| {
            if !p.is_empty() && p.len() <= max_len && p.bytes().all(|b| b.is_ascii_digit()) {
                p.parse::<u32>().ok()
            } else {
                None
            }
        };
        match (num(y, 4), num(m, 2), num(d, 2)) {
            (Some(y), Some(m), Some(d)) => Day::new(y as i32, m as u8, d as u8),
            _ => Err(Invalid::BadDate),
        }
    }

    /// The day in China at a Unix time.
    pub fn of(ts: i64) -> Day {
        Day((ts + CHINA_OFFSET).div_euclid(SECONDS_PER_DAY))
    }

    /// The Unix time of 00:00 of this day in China.
    pub fn start(self) -> i64 {
        self.0 * SECONDS_PER_DAY - CHINA_OFFSET
    }

    /// Days since 1970-01-01 (negative before).
    pub fn ordinal(self) -> i64 {
        self.0
    }

    /// (year, month, day), by civil-from-days.
    pub fn ymd(self) -> (i32, u8, u8) {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i64::from(m <= 2);
        // Days are built from years 1900..=2999 only, so the parts fit.
        (y as i32, m as u8, d as u8)
    }

    pub fn year(self) -> i32 {
        self.ymd().0
    }

    /// The month this day is in (any year the calendar holds, unlike [`Month::new`]).
    pub fn month(self) -> Month {
        let (year, month, _) = self.ymd();
        Month { year, month }
    }

    /// The day of the month, 1 to 31.
    pub fn day(self) -> u8 {
        self.ymd().2
    }

    /// The quarter of the year, 1 to 4.
    pub fn quarter(self) -> u8 {
        (self.ymd().1 - 1) / 3 + 1
    }

    pub fn weekday(self) -> Weekday {
        // 1970-01-01 was a Thursday.
        Weekday::ALL[(self.0 + 3).rem_euclid(7) as usize]
    }

    pub fn is_weekend(self) -> bool {
        matches!(self.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// The day after.
    pub fn next(self) -> Day {
        Day(self.0 + 1)
    }

    /// `n` days later (earlier when negative).
    pub fn plus_days(self, n: i64) -> Day {
        Day(self.0 + n)
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
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

/// A calendar month, written `2024-05`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Month {
    year: i32,
    month: u8,
}

impl Month {
    /// A month of the years 2000 to 2999, as rating months and rotas are kept.
    pub fn new(year: i32, month: u8) -> Result<Month, Invalid> {
        if !(2000..=2999).contains(&year) || !(1..=12).contains(&month) {
            return Err(Invalid::BadMonth);
        }
        Ok(Month { year, month })
    }

    /// `2024-05` or `2024-5`.
    pub fn parse(input: &str) -> Result<Month, Invalid> {
        let s = input.trim();
        if s.is_empty() {
            return Err(Invalid::Required);
        }
        let (y, m) = s.split_once('-').ok_or(Invalid::BadMonth)?;
        let year = y.parse::<i32>().map_err(|_| Invalid::BadMonth)?;
        let month = m.parse::<u8>().map_err(|_| Invalid::BadMonth)?;
        Month::new(year, month)
    }

    pub fn year(self) -> i32 {
        self.year
    }

    /// The month of the year, 1 to 12.
    pub fn month(self) -> u8 {
        self.month
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:02}", self.year, self.month)
    }
}

impl TryFrom<String> for Month {
    type Error = String;
    fn try_from(s: String) -> Result<Month, String> {
        Month::parse(&s).map_err(|e| e.message(Lang::En))
    }
}

impl From<Month> for String {
    fn from(m: Month) -> String {
        m.to_string()
    }
}

crate::text_enum! {
    /// A day of the week, Monday first as on Chinese calendars.
    pub enum Weekday {
        Mon = "mon",
        Tue = "tue",
        Wed = "wed",
        Thu = "thu",
        Fri = "fri",
        Sat = "sat",
        Sun = "sun",
    }
}

impl Weekday {
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn d(s: &str) -> Day {
        Day::parse(s).unwrap()
    }

    #[test]
    fn days_as_people_write_them() {
        assert_eq!(d("2026-1-5").to_string(), "2026-01-05");
        assert_eq!(d(" 2024-02-29 ").to_string(), "2024-02-29");
        assert_eq!(Day::parse("2025-02-29"), Err(Invalid::BadDate));
        assert_eq!(Day::parse("2025-13-01"), Err(Invalid::BadDate));
        assert_eq!(Day::parse("2025-1-1-1"), Err(Invalid::BadDate));
        assert_eq!(Day::parse("+2025-01-01"), Err(Invalid::BadDate));
        assert_eq!(Day::parse("1899-12-31"), Err(Invalid::BadDate));
        assert_eq!(Day::parse("3000-01-01"), Err(Invalid::BadDate));
        assert_eq!(Day::parse(""), Err(Invalid::Required));
        assert_eq!(Day::parse("1900-01-01"), Ok(Day::FIRST));
        assert_eq!(d("2999-12-31").to_string(), "2999-12-31");
        assert_eq!(d("1970-01-01").ordinal(), 0);
    }

    #[test]
    fn weekdays_months_and_quarters() {
        assert_eq!(d("2000-01-01").weekday(), Weekday::Sat);
        assert_eq!(d("2026-11-25").weekday(), Weekday::Wed);
        assert_eq!(d("2024-02-29").weekday(), Weekday::Thu);
        assert!(d("2026-11-28").is_weekend() && !d("2026-11-27").is_weekend());
        assert_eq!(
            d("2000-03-01").ordinal() - d("2000-02-28").ordinal(),
            2,
            "2000 is a leap year"
        );
        assert_eq!(days_in(Month::new(2100, 2).unwrap()), 28, "2100 is not");
        assert_eq!(days_of(Month::new(2026, 11).unwrap()).count(), 30);
        assert_eq!(d("2026-11-30").next(), d("2026-12-01"));
        assert_eq!(d("2026-12-31").next(), d("2027-01-01"));
        assert_eq!(d("2026-05-17").month().to_string(), "2026-05");
        assert_eq!(d("1950-05-17").month().to_string(), "1950-05");
        assert_eq!(d("2026-05-17").quarter(), 2);
        assert_eq!(Month::parse("2026-5").unwrap().to_string(), "2026-05");
        assert_eq!(Month::parse("1999-12"), Err(Invalid::BadMonth));
    }

    #[test]
    fn china_days_begin_at_utc_four_pm() {
        let start = d("2026-12-06").start();
        assert_eq!(start, 1_796_515_200 - CHINA_OFFSET);
        assert_eq!(Day::of(start), d("2026-12-06"));
        assert_eq!(Day::of(start - 1), d("2026-12-05"));
    }

    #[test]
    fn every_day_round_trips_through_its_parts() {
        let mut day = Day::FIRST;
        while day.year() < 3000 {
            let (y, m, dd) = day.ymd();
            assert_eq!(Day::new(y, m, dd), Ok(day));
            day = day.plus_days(37);
        }
    }
}
