//! Volunteer hours, exact in minutes: a checked-in turn earns its length, a turn not checked
//! in earns nothing. Totals per person and per unit (the volunteer's home unit when they
//! signed up), for a month; the civility rating's volunteering category reads the unit's.

use crate::lang::Lang;
use serde::Serialize;
use std::collections::BTreeMap;

/// One turn as it counts for hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Turn<P, U> {
    pub person: P,
    /// The volunteer's home unit, if they live in the compound.
    pub unit: Option<U>,
    pub minutes: u32,
    pub checked_in: bool,
}

/// Credited minutes, per person and per unit, and in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hours<P: Ord, U: Ord> {
    pub by_person: BTreeMap<P, u32>,
    pub by_unit: BTreeMap<U, u32>,
    /// Minutes of volunteers without a home unit here.
    pub no_unit: u32,
    pub total: u32,
}

pub fn tally<P: Ord + Copy, U: Ord + Copy>(turns: &[Turn<P, U>]) -> Hours<P, U> {
    let mut h = Hours {
        by_person: BTreeMap::new(),
        by_unit: BTreeMap::new(),
        no_unit: 0,
        total: 0,
    };
    for t in turns.iter().filter(|t| t.checked_in) {
        *h.by_person.entry(t.person).or_default() += t.minutes;
        match t.unit {
            Some(u) => *h.by_unit.entry(u).or_default() += t.minutes,
            None => h.no_unit += t.minutes,
        }
        h.total += t.minutes;
    }
    h
}

/// Minutes as people say them: `3 小时 30 分`, `3 h 30 min`, `2 小时`, `45 分`.
pub fn format_minutes(minutes: u32, lang: Lang) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    match (h, m, lang) {
        (0, m, Lang::Zh) => format!("{m} 分"),
        (0, m, Lang::En) => format!("{m} min"),
        (h, 0, Lang::Zh) => format!("{h} 小时"),
        (h, 0, Lang::En) => format!("{h} h"),
        (h, m, Lang::Zh) => format!("{h} 小时 {m} 分"),
        (h, m, Lang::En) => format!("{h} h {m} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn only_checked_in_turns_count_and_exactly() {
        let t = |person, unit, minutes, checked_in| Turn {
            person,
            unit,
            minutes,
            checked_in,
        };
        let h = tally(&[
            t(1, Some(7), 240, true),
            t(1, Some(7), 90, true),
            t(2, Some(7), 180, false),
            t(3, None, 45, true),
            t(4, Some(8), 1, true),
        ]);
        assert_eq!(h.by_person.get(&1), Some(&330));
        assert_eq!(h.by_person.get(&2), None, "signed up, never came");
        assert_eq!(h.by_unit.get(&7), Some(&330));
        assert_eq!(h.by_unit.get(&8), Some(&1));
        assert_eq!((h.no_unit, h.total), (45, 376));
        assert_eq!(tally::<i64, i64>(&[]).total, 0);
    }

    #[test]
    fn minutes_in_words() {
        assert_eq!(format_minutes(0, Lang::Zh), "0 分");
        assert_eq!(format_minutes(45, Lang::En), "45 min");
        assert_eq!(format_minutes(120, Lang::Zh), "2 小时");
        assert_eq!(format_minutes(210, Lang::Zh), "3 小时 30 分");
        assert_eq!(format_minutes(61, Lang::En), "1 h 1 min");
    }

    proptest! {
        #[test]
        fn people_and_units_add_up_to_the_total(turns in proptest::collection::vec((0u8..5, proptest::option::of(0u8..4), 0u32..600, any::<bool>()), 0..40)) {
            let turns: Vec<Turn<u8, u8>> = turns.into_iter().map(|(person, unit, minutes, checked_in)| Turn { person, unit, minutes, checked_in }).collect();
            let h = tally(&turns);
            let want: u32 = turns.iter().filter(|t| t.checked_in).map(|t| t.minutes).sum();
            prop_assert_eq!(h.total, want);
            prop_assert_eq!(h.by_person.values().sum::<u32>(), h.total);
            prop_assert_eq!(h.by_unit.values().sum::<u32>() + h.no_unit, h.total);
        }
    }
}
