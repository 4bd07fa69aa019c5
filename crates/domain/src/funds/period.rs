//! Days and periods of the ledger. A day is written as on forms, "2024-05-01", and stored
//! that way, so that comparing the text compares the days. A period is a closed range of
//! days, usually a quarter (公示 is due at least quarterly, DOMAIN §6.5).

use crate::error::Invalid;
use serde::{Deserialize, Serialize};

pub use crate::calendar::Day;
use crate::calendar::days_in_month;

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
        Period::quarter(day.year(), day.quarter()).unwrap_or(Period { from: day, to: day })
    }

    /// The quarter before this period's first day's quarter.
    pub fn previous_quarter(day: Day) -> Period {
        let (y, q) = if day.quarter() == 1 {
            (day.year() - 1, 4)
        } else {
            (day.year(), day.quarter() - 1)
        };
        Period::quarter(y, q).unwrap_or_else(|_| Period::quarter_of(day))
    }

    /// "2024Q2" for a whole quarter, "2024-04-03 – 2024-05-01" otherwise.
    pub fn label(self) -> String {
        let q = Period::quarter_of(self.from);
        if q == self {
            format!("{}Q{}", self.from.year(), self.from.quarter())
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
