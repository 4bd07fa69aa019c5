//! The program's one clock: "now" and "today" in China time.
//!
//! Every rule that depends on the date (a vote's deadline, an overdue request, this month's
//! rota, the months a cost may be entered for) asks the [`Store`](crate::Store)'s clock, never
//! the system directly. `serve` and the CLI use [`Clock::system`]; tests use [`Clock::fixed`]
//! and move it with [`Clock::set`] or [`Clock::advance`], so no test depends on the day it
//! runs. Clones share one clock: a test that advances it advances it for the server it spawned.

use linli_domain::Invalid;
use linli_domain::calendar::Day;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// China Standard Time, the zone of every date people see and type.
pub const CHINA: time::UtcOffset = time::macros::offset!(+8);

#[derive(Clone, Debug)]
pub struct Clock(Arc<Source>);

#[derive(Debug)]
enum Source {
    System,
    /// Unix seconds, settable.
    Fixed(AtomicI64),
}

impl Clock {
    /// The system's clock: what `serve` and the CLI use.
    pub fn system() -> Clock {
        Clock(Arc::new(Source::System))
    }

    /// A clock that stands still at `unix` seconds until set or advanced.
    pub fn fixed(unix: i64) -> Clock {
        Clock(Arc::new(Source::Fixed(AtomicI64::new(unix))))
    }

    /// A fixed clock at a China wall-clock time, e.g. `at(date!(2026-12-31), 10, 0)`.
    pub fn at(day: time::Date, hour: u8, minute: u8) -> Clock {
        let t = day.with_hms(hour, minute, 0).unwrap_or(day.midnight());
        Clock::fixed(t.assume_offset(CHINA).unix_timestamp())
    }

    pub fn is_fixed(&self) -> bool {
        matches!(*self.0, Source::Fixed(_))
    }

    /// Unix seconds.
    pub fn now(&self) -> i64 {
        match &*self.0 {
            Source::System => time::OffsetDateTime::now_utc().unix_timestamp(),
            Source::Fixed(t) => t.load(Ordering::SeqCst),
        }
    }

    /// Now as a date and time in China.
    pub fn china_now(&self) -> time::OffsetDateTime {
        time::OffsetDateTime::from_unix_timestamp(self.now())
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
            .to_offset(CHINA)
    }

    /// Today's date in China.
    pub fn today(&self) -> time::Date {
        self.china_now().date()
    }

    /// `day`, if it is not more than a year after today: a move-in, a payment or a receipt
    /// dated further ahead is a typing mistake (3000 for 2030), not a plan.
    pub fn within_a_year(&self, day: time::Date) -> Result<time::Date, linli_domain::Invalid> {
        let today = self.today();
        let latest = time::Date::from_calendar_date(today.year() + 1, today.month(), today.day())
            .or_else(|_| {
                time::Date::from_calendar_date(today.year() + 1, today.month(), today.day() - 1)
            })
            .unwrap_or(today);
        if day > latest {
            return Err(linli_domain::Invalid::DateTooFarAhead {
                latest: latest.to_string(),
            });
        }
        Ok(day)
    }

    /// Moves a fixed clock to `unix` seconds; the system clock cannot be moved (no effect).
    pub fn set(&self, unix: i64) {
        if let Source::Fixed(t) = &*self.0 {
            t.store(unix, Ordering::SeqCst);
        }
    }

    /// Moves a fixed clock forward (or back, with a negative number) by `seconds`.
    pub fn advance(&self, seconds: i64) {
        if let Source::Fixed(t) = &*self.0 {
            t.fetch_add(seconds, Ordering::SeqCst);
        }
    }
}

/// A day as typed on a form (the one calendar's [`Day::parse`]: `2026-05-01` or `2026-5-1`; blank
/// is `Required`), as the `time` date the clock's `today` compares with.
pub fn parse_day(s: &str) -> Result<time::Date, Invalid> {
    let (y, m, d) = Day::parse(s)?.ymd();
    let month = time::Month::try_from(m).map_err(|_| Invalid::BadDate)?;
    time::Date::from_calendar_date(y, month, d).map_err(|_| Invalid::BadDate)
}

impl Default for Clock {
    fn default() -> Clock {
        Clock::system()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_fixed_clock_is_read_in_china_time_and_moves_only_when_told() {
        // 23:30 in China on New Year's Eve is still 15:30 UTC the same day.
        let c = Clock::at(date!(2026 - 12 - 31), 23, 30);
        assert_eq!(c.today(), date!(2026 - 12 - 31));
        assert_eq!(c.now(), c.now());
        c.advance(30 * 60);
        assert_eq!(c.today(), date!(2027 - 01 - 01));
        let shared = c.clone();
        shared.set(0);
        assert_eq!(c.today(), date!(1970 - 01 - 01));
        assert!(c.is_fixed() && !Clock::system().is_fixed());
    }

    #[test]
    fn the_system_clock_cannot_be_moved() {
        let c = Clock::system();
        c.set(0);
        assert!(c.now() > 1_700_000_000);
    }
}

#[cfg(test)]
mod plausible_dates {
    #![allow(clippy::unwrap_used)]
    use super::Clock;
    use time::macros::date;

    #[test]
    fn a_date_more_than_a_year_ahead_is_refused() {
        let clock = Clock::at(date!(2026 - 12 - 05), 10, 0);
        assert_eq!(
            clock.within_a_year(date!(2027 - 12 - 05)).unwrap(),
            date!(2027 - 12 - 05)
        );
        assert!(clock.within_a_year(date!(2027 - 12 - 06)).is_err());
        assert!(clock.within_a_year(date!(3000 - 01 - 01)).is_err());
        assert!(
            clock.within_a_year(date!(1990 - 01 - 01)).is_ok(),
            "the past is history, not a mistake"
        );
        let leap = Clock::at(date!(2028 - 02 - 29), 10, 0);
        assert!(leap.within_a_year(date!(2029 - 02 - 28)).is_ok());
        assert!(leap.within_a_year(date!(2029 - 03 - 01)).is_err());
    }
}
