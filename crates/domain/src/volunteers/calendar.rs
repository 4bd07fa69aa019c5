//! Days, weekdays and clock times of a rota, in the compound's local time (China, UTC+8):
//! the store turns the server clock into a [`Moment`] once, and every rule here compares
//! plain numbers.

use crate::error::Invalid;
use crate::lang::Lang;
use serde::{Deserialize, Serialize};
use std::fmt;

pub use crate::calendar::{Day, Weekday, days_in, days_of};

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
