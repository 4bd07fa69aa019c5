//! The month's ranking and its rotating red flags.
//!
//! Eligible units with sheets are ranked by their exact mean score. Under
//! [`TieRule::Ordered`] every unit has its own place (fewer points lost in the named
//! categories, then the earlier last sheet, then the lower unit id) and at most
//! `count` flags are given. Under [`TieRule::Shared`] equal scores share a place ("1, 2, 2, 4")
//! and every unit placed within `count` gets a flag. A flag also needs the minimum score,
//! if the rubric sets one (inclusive). Vetoed units and units without sheets are listed after
//! the ranked ones, unranked, with the reason.

use super::rubric::{FlagSettings, TieRule};
use crate::fraction::Fraction;
use serde::Serialize;
use std::cmp::Ordering;

/// A unit's month, as [`super::unit_month`] computes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitMonth {
    pub unit_id: i64,
    /// The mean over the parties present of each party's mean sheet; `None` without a sheet.
    pub score: Option<Fraction>,
    pub eligible: bool,
    pub vetoes: Vec<String>,
    /// Points lost in the tie rule's categories, as the same party mean.
    pub tie_lost: Fraction,
    /// When the unit's last sheet was submitted (seconds).
    pub last_submitted: i64,
    pub sheets: usize,
    /// The parties with at least one sheet.
    pub parties: usize,
}

crate::text_enum! {
    /// Why a unit has no flag.
    pub enum NoFlag {
        Veto = "veto",
        NoSheets = "no_sheets",
        BelowMinimum = "below_minimum",
        OutsideTop = "outside_top",
    }
}

impl NoFlag {
    pub fn label(self, lang: crate::Lang) -> &'static str {
        match self {
            NoFlag::Veto => lang.pick("一票否决，本月不参评", "vetoed: not eligible this month"),
            NoFlag::NoSheets => lang.pick("本月无人评分", "no sheet this month"),
            NoFlag::BelowMinimum => {
                lang.pick("未达到获旗最低分", "below the minimum score for a flag")
            }
            NoFlag::OutsideTop => lang.pick("名次在获旗名额之外", "ranked below the flags"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ranked {
    pub unit_id: i64,
    /// 1-based place among the eligible units; `None` when vetoed or without sheets.
    pub rank: Option<u32>,
    pub flag: bool,
    pub no_flag: Option<NoFlag>,
}

fn ordered_cmp(a: &UnitMonth, b: &UnitMonth) -> Ordering {
    b.score
        .cmp(&a.score)
        .then(a.tie_lost.cmp(&b.tie_lost))
        .then(a.last_submitted.cmp(&b.last_submitted))
        .then(a.unit_id.cmp(&b.unit_id))
}

/// Ranks the units of one month. Every unit of the input appears once in the output.
pub fn rank(units: &[UnitMonth], flags: &FlagSettings) -> Vec<Ranked> {
    let mut eligible: Vec<&UnitMonth> = units
        .iter()
        .filter(|u| u.eligible && u.score.is_some())
        .collect();
    let shared = matches!(flags.tie, TieRule::Shared);
    if shared {
        eligible.sort_by(|a, b| b.score.cmp(&a.score).then(a.unit_id.cmp(&b.unit_id)));
    } else {
        eligible.sort_by(|a, b| ordered_cmp(a, b));
    }
    let mut out = Vec::with_capacity(units.len());
    let mut place = 0u32;
    let mut prev: Option<Fraction> = None;
    for (i, u) in eligible.iter().enumerate() {
        let position = u32::try_from(i + 1).unwrap_or(u32::MAX);
        if !shared || prev != u.score {
            place = position;
        }
        prev = u.score;
        let meets_min = match (flags.min_score, u.score) {
            (Some(min), Some(s)) => s >= min,
            _ => true,
        };
        let within = place <= flags.count;
        let no_flag = if !meets_min {
            Some(NoFlag::BelowMinimum)
        } else if !within {
            Some(NoFlag::OutsideTop)
        } else {
            None
        };
        out.push(Ranked {
            unit_id: u.unit_id,
            rank: Some(place),
            flag: no_flag.is_none(),
            no_flag,
        });
    }
    let mut rest: Vec<&UnitMonth> = units
        .iter()
        .filter(|u| !(u.eligible && u.score.is_some()))
        .collect();
    rest.sort_by(|a, b| {
        a.score
            .is_none()
            .cmp(&b.score.is_none())
            .then(b.score.cmp(&a.score))
            .then(a.unit_id.cmp(&b.unit_id))
    });
    for u in rest {
        let why = if u.score.is_none() {
            NoFlag::NoSheets
        } else {
            NoFlag::Veto
        };
        out.push(Ranked {
            unit_id: u.unit_id,
            rank: None,
            flag: false,
            no_flag: Some(why),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rating::rubric::TieRule;
    use proptest::prelude::*;

    fn f(n: i64, d: i64) -> Fraction {
        Fraction::new(n, d).unwrap()
    }

    fn unit(
        id: i64,
        score: Option<Fraction>,
        eligible: bool,
        tie_lost: i64,
        last: i64,
    ) -> UnitMonth {
        UnitMonth {
            unit_id: id,
            score,
            eligible,
            vetoes: vec![],
            tie_lost: f(tie_lost, 1),
            last_submitted: last,
            sheets: 4,
            parties: 4,
        }
    }

    fn ordered(count: u32, min: Option<i64>) -> FlagSettings {
        FlagSettings {
            count,
            min_score: min.map(Fraction::from_int),
            tie: TieRule::Ordered {
                categories: vec!["safety".into()],
            },
        }
    }

    fn shared(count: u32, min: Option<i64>) -> FlagSettings {
        FlagSettings {
            count,
            min_score: min.map(Fraction::from_int),
            tie: TieRule::Shared,
        }
    }

    fn flagged(r: &[Ranked]) -> Vec<i64> {
        r.iter().filter(|r| r.flag).map(|r| r.unit_id).collect()
    }

    #[test]
    fn ties_at_the_flag_boundary() {
        // 1: 98, 2: 96, 3: 95 (lost 5 in safety), 4: 95 (lost 0), 5: 95 (lost 0, later sheet)
        let units = vec![
            unit(1, Some(f(98, 1)), true, 0, 10),
            unit(2, Some(f(96, 1)), true, 0, 10),
            unit(3, Some(f(95, 1)), true, 5, 1),
            unit(4, Some(f(95, 1)), true, 0, 10),
            unit(5, Some(f(95, 1)), true, 0, 20),
        ];
        let r = rank(&units, &ordered(3, None));
        assert_eq!(
            flagged(&r),
            vec![1, 2, 4],
            "fewer safety points lost, then the earlier sheet"
        );
        assert_eq!(
            r.iter().map(|r| r.rank).collect::<Vec<_>>(),
            vec![Some(1), Some(2), Some(3), Some(4), Some(5)]
        );
        assert_eq!(r[3].unit_id, 5);
        assert_eq!(r[3].no_flag, Some(NoFlag::OutsideTop));
        let r = rank(&units, &shared(3, None));
        assert_eq!(
            flagged(&r),
            vec![1, 2, 3, 4, 5],
            "a shared third place gives three flags for it"
        );
        assert_eq!(
            r.iter().map(|r| r.rank).collect::<Vec<_>>(),
            vec![Some(1), Some(2), Some(3), Some(3), Some(3)]
        );
        // Equal means that differ only beyond the first decimal are not a tie.
        let close = vec![
            unit(1, Some(f(369, 4)), true, 0, 1),
            unit(2, Some(f(923, 10)), true, 0, 0),
        ];
        assert_eq!(flagged(&rank(&close, &ordered(1, None))), vec![2]);
    }

    #[test]
    fn a_veto_on_the_top_unit_passes_its_flag_down() {
        let units = vec![
            unit(1, Some(f(100, 1)), false, 0, 0),
            unit(2, Some(f(97, 1)), true, 0, 0),
            unit(3, Some(f(96, 1)), true, 0, 0),
            unit(4, Some(f(95, 1)), true, 0, 0),
            unit(5, Some(f(94, 1)), true, 0, 0),
        ];
        let r = rank(&units, &ordered(3, None));
        assert_eq!(flagged(&r), vec![2, 3, 4]);
        let top = r.iter().find(|r| r.unit_id == 1).unwrap();
        assert_eq!(
            (top.rank, top.flag, top.no_flag),
            (None, false, Some(NoFlag::Veto))
        );
        assert_eq!(r.last().unwrap().unit_id, 1);
    }

    #[test]
    fn the_minimum_score_is_inclusive() {
        let units = vec![
            unit(1, Some(f(95, 1)), true, 0, 0),
            unit(2, Some(f(90, 1)), true, 0, 0),
            unit(3, Some(f(1799, 20)), true, 0, 0),
        ];
        for flags in [ordered(3, Some(90)), shared(3, Some(90))] {
            let r = rank(&units, &flags);
            assert_eq!(
                flagged(&r),
                vec![1, 2],
                "exactly 90 gets a flag, 89.95 does not"
            );
            assert_eq!(r[2].no_flag, Some(NoFlag::BelowMinimum));
        }
    }

    #[test]
    fn units_without_sheets_are_listed_unranked() {
        let units = vec![
            unit(1, None, true, 0, 0),
            unit(2, Some(f(91, 1)), true, 0, 0),
        ];
        let r = rank(&units, &ordered(3, Some(90)));
        assert_eq!(flagged(&r), vec![2]);
        assert_eq!(r[1].no_flag, Some(NoFlag::NoSheets));
    }

    fn arb_units() -> impl Strategy<Value = Vec<UnitMonth>> {
        prop::collection::vec(
            (
                0i64..=100,
                1i64..=4,
                any::<bool>(),
                0i64..=10,
                0i64..=5,
                any::<bool>(),
            ),
            0..30,
        )
        .prop_map(|v| {
            v.into_iter()
                .enumerate()
                .map(|(i, (s, d, veto, tie, t, none))| UnitMonth {
                    unit_id: i as i64 + 1,
                    score: if none { None } else { Fraction::new(s * d, d) },
                    eligible: !veto || none,
                    vetoes: vec![],
                    tie_lost: f(tie, 1),
                    last_submitted: t,
                    sheets: 4,
                    parties: 4,
                })
                .collect()
        })
    }

    proptest! {
        #[test]
        fn ranking_is_a_permutation_and_flags_respect_the_rules(units in arb_units(), count in 1u32..5, min in prop::option::of(0i64..=100), is_shared in any::<bool>()) {
            let flags = if is_shared { shared(count, min) } else { ordered(count, min) };
            let r = rank(&units, &flags);
            let mut ids: Vec<i64> = r.iter().map(|r| r.unit_id).collect();
            ids.sort_unstable();
            let expected: Vec<i64> = units.iter().map(|u| u.unit_id).collect();
            prop_assert_eq!(ids, expected);
            let n_flags = r.iter().filter(|r| r.flag).count() as u32;
            if !is_shared {
                prop_assert!(n_flags <= count);
            }
            let score = |id: i64| units.iter().find(|u| u.unit_id == id).and_then(|u| u.score);
            for a in r.iter().filter(|r| r.flag) {
                let u = units.iter().find(|u| u.unit_id == a.unit_id).unwrap();
                prop_assert!(u.eligible && u.score.is_some());
                prop_assert!(a.rank.unwrap() <= count);
                // No eligible unit without a flag scores above a flag-holder.
                for b in r.iter().filter(|b| !b.flag && b.rank.is_some()) {
                    prop_assert!(score(b.unit_id) <= score(a.unit_id));
                }
            }
        }
    }
}
