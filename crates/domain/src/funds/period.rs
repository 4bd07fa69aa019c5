//! Days and periods of the ledger. A day is written as on forms, "2024-05-01", and stored
//! that way, so that comparing the text compares the days. A period is a closed range of
//! days, usually a quarter (公示 is due at least quarterly, DOMAIN §6.5).

use crate::error::Invalid;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Day {
    year: i32,
    month: u8,
    day: u8,
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

impl Day {
    /// The first day accepted, 1900-01-01.
    pub const FIRST: Day = Day {
        year: 1900,
        month: 1,
        day: 1,
    };

    /// A real day between the years 1900 and 2999.
    pub fn new(year: i32, month: u8, day: u8) -> Result<Day, Invalid> {
        if !(1900..=2999).contains(&year)
            || !(1..=12).contains(&month)
            || day < 1
            || day > days_in_month(year, month)
        {
            return Err(Invalid::BadDate);
        }
        Ok(Day { year, month, day })
    }

    /// "2024-05-01" (also "2024-5-1"); anything else is `BadDate`, blank `Required`.
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
            (Some(y), Some(m), Some(d)) if y >= 1000 => Day::new(y as i32, m as u8, d as u8),
            _ => Err(Invalid::BadDate),
        }
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u8 {
        self.month
    }

    /// The quarter of the year, 1 to 4.
    pub fn quarter(self) -> u8 {
        (self.month - 1) / 3 + 1
    }

    /// The day after (the end of 2999 stays where it is).
    pub fn next(self) -> Day {
        if self.day < days_in_month(self.year, self.month) {
            Day {
                day: self.day + 1,
                ..self
            }
        } else if self.month < 12 {
            Day {
                month: self.month + 1,
                day: 1,
                ..self
            }
        } else if self.year < 2999 {
            Day {
                year: self.year + 1,
                month: 1,
                day: 1,
            }
        } else {
            self
        }
    }

    /// "2024-05": the month, as balance histories group by it.
    pub fn month_key(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl TryFrom<String> for Day {
    type Error = String;
    fn try_from(s: String) -> Result<Day, String> {
        Day::parse(&s).map_err(|e| e.code().to_string())
    }
}

impl From<Day> for String {
    fn from(d: Day) -> String {
        d.to_string()
    }
}

/// The days `from` to `to`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Period {
    pub from: Day,
    pub to: Day,
}

impl Period {
    /// A period that does not end before it starts.
    pub fn new(from: Day, to: Day) -> Result<Period, Invalid> {
        if to < from {
            return Err(Invalid::BadPeriod);
        }
        Ok(Period { from, to })
    }

    /// Quarter `q` (1–4) of `year`: Q1 is 1 January to 31 March.
    pub fn quarter(year: i32, q: u8) -> Result<Period, Invalid> {
        if !(1..=4).contains(&q) {
            return Err(Invalid::OutOfRange { min: 1, max: 4 });
        }
        let first = (q - 1) * 3 + 1;
        let last = first + 2;
        Ok(Period {
            from: Day::new(year, first, 1)?,
            to: Day::new(year, last, days_in_month(year, last))?,
        })
    }

    /// The quarter a day falls in.
    pub fn quarter_of(day: Day) -> Period {
        Period::quarter(day.year, day.quarter()).unwrap_or(Period { from: day, to: day })
    }

    /// The quarter before this period's first day's quarter.
    pub fn previous_quarter(day: Day) -> Period {
        let (y, q) = if day.quarter() == 1 {
            (day.year - 1, 4)
        } else {
            (day.year, day.quarter() - 1)
        };
        Period::quarter(y, q).unwrap_or_else(|_| Period::quarter_of(day))
    }

    /// "2024Q2" for a whole quarter, "2024-04-03 – 2024-05-01" otherwise.
    pub fn label(self) -> String {
        let q = Period::quarter_of(self.from);
        if q == self {
            format!("{}Q{}", self.from.year, self.from.quarter())
        } else {
            format!("{} – {}", self.from, self.to)
        }
    }

    pub fn contains(self, day: Day) -> bool {
        self.from <= day && day <= self.to
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Day {
        Day::parse(s).unwrap()
    }

    #[test]
    fn days_as_typed() {
        let table: &[(&str, Result<&str, Invalid>)] = &[
            ("2024-05-01", Ok("2024-05-01")),
            (" 2024-5-1 ", Ok("2024-05-01")),
            ("2024-02-29", Ok("2024-02-29")),
            ("2023-02-29", Err(Invalid::BadDate)),
            ("1900-02-29", Err(Invalid::BadDate)),
            ("2000-02-29", Ok("2000-02-29")),
            ("2024-04-31", Err(Invalid::BadDate)),
            ("2024-13-01", Err(Invalid::BadDate)),
            ("2024-00-10", Err(Invalid::BadDate)),
            ("2024/05/01", Err(Invalid::BadDate)),
            ("24-05-01", Err(Invalid::BadDate)),
            ("2024-05-01-1", Err(Invalid::BadDate)),
            ("2024-+5-01", Err(Invalid::BadDate)),
            ("", Err(Invalid::Required)),
        ];
        for (input, expect) in table {
            assert_eq!(
                Day::parse(input).map(|x| x.to_string()),
                expect.clone().map(String::from),
                "{input:?}"
            );
        }
        // Text order is day order: the database compares the stored text.
        assert!(d("2024-09-30").to_string() < d("2024-10-01").to_string());
        assert!(d("2024-09-30") < d("2024-10-01"));
    }

    #[test]
    fn the_day_after_crosses_months_and_years() {
        assert_eq!(d("2024-02-28").next(), d("2024-02-29"));
        assert_eq!(d("2023-02-28").next(), d("2023-03-01"));
        assert_eq!(d("2024-12-31").next(), d("2025-01-01"));
        assert_eq!(d("2024-04-30").next(), d("2024-05-01"));
    }

    #[test]
    fn quarters() {
        assert_eq!(
            Period::quarter(2024, 1).unwrap(),
            Period {
                from: d("2024-01-01"),
                to: d("2024-03-31")
            }
        );
        assert_eq!(
            Period::quarter(2024, 4).unwrap(),
            Period {
                from: d("2024-10-01"),
                to: d("2024-12-31")
            }
        );
        assert_eq!(
            Period::quarter(2024, 5),
            Err(Invalid::OutOfRange { min: 1, max: 4 })
        );
        assert_eq!(Period::quarter_of(d("2024-05-17")).label(), "2024Q2");
        assert_eq!(Period::previous_quarter(d("2024-02-01")).label(), "2023Q4");
        assert_eq!(Period::previous_quarter(d("2024-08-01")).label(), "2024Q2");
        let odd = Period::new(d("2024-04-03"), d("2024-05-01")).unwrap();
        assert_eq!(odd.label(), "2024-04-03 – 2024-05-01");
        assert!(
            odd.contains(d("2024-04-03"))
                && odd.contains(d("2024-05-01"))
                && !odd.contains(d("2024-05-02"))
        );
        assert_eq!(
            Period::new(d("2024-05-02"), d("2024-05-01")),
            Err(Invalid::BadPeriod)
        );
        assert!(
            Period::new(d("2024-05-01"), d("2024-05-01")).is_ok(),
            "one day is a period"
        );
    }
}
