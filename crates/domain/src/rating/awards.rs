//! The year's awards and the money they bring, in integer fen.
//!
//! Flag-months are counted per unit; the rubric's number of units with most flag-months are
//! awarded (ties at the boundary share the place, or are told apart by the sum of monthly
//! scores first). Each household of an awarded unit gets the rubric's share of its annual
//! property fee; the total of a unit is rounded once (halves up) and split over its
//! households by largest remainder, so the lines always add up to the total to the fen. A
//! building or unit head who did their duty gets `head_base + head_extra` of their own fee,
//! rounded once, shown as its two parts.

pub use super::rubric::AwardTie;
use crate::fraction::Fraction;
use crate::money::Fen;
use serde::Serialize;
use std::collections::BTreeMap;

/// Flag-months per unit, from the flagged units of each month.
pub fn flag_months<'a>(months: impl IntoIterator<Item = &'a [i64]>) -> BTreeMap<i64, u32> {
    let mut counts = BTreeMap::new();
    for flagged in months {
        for &unit in flagged {
            *counts.entry(unit).or_insert(0) += 1;
        }
    }
    counts
}

/// The awarded units with their place (1-based), best first. `totals` is each unit's sum of
/// monthly scores, used by [`AwardTie::TotalScore`]. Units without a flag-month get nothing.
pub fn award_units(
    counts: &BTreeMap<i64, u32>,
    units: u32,
    tie: AwardTie,
    totals: &BTreeMap<i64, Fraction>,
) -> Vec<(i64, u32)> {
    let zero = Fraction::from_int(0);
    let key = |id: i64, n: u32| {
        (
            n,
            if tie == AwardTie::TotalScore {
                totals.get(&id).copied().unwrap_or(zero)
            } else {
                zero
            },
        )
    };
    let mut ranked: Vec<(i64, u32)> = counts
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(&id, &n)| (id, n))
        .collect();
    ranked.sort_by(|a, b| key(b.0, b.1).cmp(&key(a.0, a.1)).then(a.0.cmp(&b.0)));
    let mut out = Vec::new();
    let mut place = 0u32;
    let mut prev = None;
    for (i, (id, n)) in ranked.into_iter().enumerate() {
        let k = key(id, n);
        if prev != Some(k) {
            place = u32::try_from(i + 1).unwrap_or(u32::MAX);
        }
        prev = Some(k);
        if place > units {
            break;
        }
        out.push((id, place));
    }
    out
}

/// `value × share`, rounded to the nearest fen, halves up (for non-negative values).
fn round_share(value: i128, share: Fraction) -> i128 {
    let num = value * i128::from(share.num());
    let den = i128::from(share.den());
    if den <= 0 {
        return 0;
    }
    (2 * num + den).div_euclid(2 * den)
}

/// A household's annual fee: exclusive area (hundredths of m²) × fen per m² per month × 12,
/// rounded to the fen, halves up.
pub fn annual_fee(area_centi: i64, fen_per_m2_month: i64) -> Fen {
    let v = (i128::from(area_centi) * i128::from(fen_per_m2_month) * 12 * 2 + 100) / 200;
    Fen(i64::try_from(v).unwrap_or(i64::MAX))
}

/// One household's line of a unit's subsidy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Subsidy {
    pub household_id: i64,
    pub fee: Fen,
    pub subsidy: Fen,
}

/// Splits `share` of the fees of a unit's households: the total is `share × Σ fees` rounded
/// once (halves up); each household gets its exact share rounded down, and the fen left
/// over go one each to the largest remainders (the lower household id first among equals).
pub fn split_subsidy(fees: &[(i64, Fen)], share: Fraction) -> Vec<Subsidy> {
    let den = i128::from(share.den().max(1));
    let sum: i128 = fees.iter().map(|(_, f)| i128::from(f.0)).sum();
    let total = round_share(sum, share);
    let mut lines: Vec<(i64, Fen, i128, i128)> = fees
        .iter()
        .map(|&(id, fee)| {
            let exact = i128::from(fee.0) * i128::from(share.num());
            (id, fee, exact.div_euclid(den), exact.rem_euclid(den))
        })
        .collect();
    let floors: i128 = lines.iter().map(|l| l.2).sum();
    let mut left = total - floors;
    let mut order: Vec<usize> = (0..lines.len()).collect();
    order.sort_by(|&a, &b| {
        lines[b]
            .3
            .cmp(&lines[a].3)
            .then(lines[a].0.cmp(&lines[b].0))
    });
    for i in order {
        if left <= 0 {
            break;
        }
        lines[i].2 += 1;
        left -= 1;
    }
    lines
        .into_iter()
        .map(|(id, fee, s, _)| Subsidy {
            household_id: id,
            fee,
            subsidy: Fen(i64::try_from(s).unwrap_or(i64::MAX)),
        })
        .collect()
}

/// A head's subsidy in its two parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct HeadSubsidy {
    pub fee: Fen,
    pub base: Fen,
    pub extra: Fen,
    pub total: Fen,
}

/// `base + extra` of a head's fee, rounded once; `base` rounded alone and `extra` the rest.
pub fn head_subsidy(fee: Fen, base: Fraction, extra: Fraction) -> HeadSubsidy {
    let den = i128::from(base.den()) * i128::from(extra.den());
    let num = i128::from(base.num()) * i128::from(extra.den())
        + i128::from(extra.num()) * i128::from(base.den());
    let fee128 = i128::from(fee.0);
    let total = if den > 0 {
        (2 * fee128 * num + den).div_euclid(2 * den)
    } else {
        0
    };
    let b = round_share(fee128, base);
    let to = |v: i128| Fen(i64::try_from(v).unwrap_or(i64::MAX));
    HeadSubsidy {
        fee,
        base: to(b),
        extra: to(total - b),
        total: to(total),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn f(n: i64, d: i64) -> Fraction {
        Fraction::new(n, d).unwrap()
    }

    #[test]
    fn flag_months_and_awards_with_ties() {
        let months: Vec<Vec<i64>> =
            vec![vec![1, 2, 3], vec![1, 2, 4], vec![2, 3, 4], vec![1, 5, 6]];
        let counts = flag_months(months.iter().map(Vec::as_slice));
        assert_eq!(counts.get(&1), Some(&3));
        assert_eq!(counts.get(&2), Some(&3));
        assert_eq!(counts.get(&3), Some(&2));
        assert_eq!(counts.get(&4), Some(&2));
        let none = BTreeMap::new();
        // 1 and 2 share first; 3 and 4 share third: four units awarded.
        assert_eq!(
            award_units(&counts, 3, AwardTie::Shared, &none),
            vec![(1, 1), (2, 1), (3, 3), (4, 3)]
        );
        // Told apart by the sum of monthly scores: 4 beats 3 for third place.
        let totals: BTreeMap<i64, Fraction> = [
            (1, f(1100, 1)),
            (2, f(1100, 1)),
            (3, f(1050, 1)),
            (4, f(1060, 1)),
        ]
        .into();
        assert_eq!(
            award_units(&counts, 3, AwardTie::TotalScore, &totals),
            vec![(1, 1), (2, 1), (4, 3)]
        );
        assert!(award_units(&BTreeMap::from([(9, 0)]), 3, AwardTie::Shared, &none).is_empty());
    }

    #[test]
    fn subsidies_split_exactly_by_largest_remainder() {
        // Three fees of 1000.01 yuan at 10%: exact 100.001 each, total 300.003 → 300.00.
        let lines = split_subsidy(
            &[(1, Fen(100_001)), (2, Fen(100_001)), (3, Fen(100_001))],
            f(1, 10),
        );
        assert_eq!(
            lines.iter().map(|l| l.subsidy.0).collect::<Vec<_>>(),
            vec![10_000, 10_000, 10_000]
        );
        // 1/3 of 100 fen twice: 66.67 → 67 in all; the remainders tie, the lower id gets it.
        let lines = split_subsidy(&[(7, Fen(100)), (3, Fen(100))], f(1, 3));
        assert_eq!(
            lines
                .iter()
                .map(|l| (l.household_id, l.subsidy.0))
                .collect::<Vec<_>>(),
            vec![(7, 33), (3, 34)]
        );
        assert_eq!(split_subsidy(&[], f(1, 10)), vec![]);
    }

    #[test]
    fn heads_get_ten_plus_ten_percent() {
        let h = head_subsidy(Fen(64_805), f(1, 10), f(1, 10));
        assert_eq!(
            (h.base.0, h.extra.0, h.total.0),
            (6_481, 12_961 - 6_481, 12_961)
        );
        assert_eq!(annual_fee(8_950, 60), Fen(64_440)); // 89.50 m² × 0.60 yuan × 12
        assert_eq!(annual_fee(1, 60), Fen(7)); // 0.01 m² × 60 × 12 = 7.2 fen
    }

    proptest! {
        #[test]
        fn subsidy_lines_sum_to_the_rounded_total(fees in prop::collection::vec(0i64..10_000_000, 0..40), num in 0i64..=100, den in 1i64..=100) {
            prop_assume!(num <= den);
            let share = f(num, den);
            let input: Vec<(i64, Fen)> = fees.iter().enumerate().map(|(i, &x)| (i as i64, Fen(x))).collect();
            let lines = split_subsidy(&input, share);
            let sum: i128 = fees.iter().map(|&x| i128::from(x)).sum();
            let total = (2 * sum * i128::from(num) + i128::from(den)) / (2 * i128::from(den));
            prop_assert_eq!(lines.iter().map(|l| i128::from(l.subsidy.0)).sum::<i128>(), total);
            for (l, &fee) in lines.iter().zip(&fees) {
                let exact_floor = i128::from(fee) * i128::from(num) / i128::from(den);
                prop_assert!(i128::from(l.subsidy.0) == exact_floor || i128::from(l.subsidy.0) == exact_floor + 1);
            }
        }

        #[test]
        fn adding_a_deduction_never_raises_a_score(taps in prop::collection::vec(0usize..20, 0..12), extra in 0usize..20) {
            use crate::rating::{Mark, nanguo_preset, score_sheet};
            let r = nanguo_preset();
            let codes: Vec<String> = r.categories.iter().flat_map(|c| c.deductions.iter().map(|d| d.code.clone())).chain(r.bonuses.iter().map(|b| b.code.clone())).collect();
            let pick = |i: usize| codes[i % codes.len()].as_str();
            let marks: Vec<Mark<'_>> = taps.iter().map(|&i| Mark { item: pick(i) }).collect();
            let deductions: Vec<&str> = r.categories.iter().flat_map(|c| c.deductions.iter().map(|d| d.code.as_str())).collect();
            let mut more = marks.clone();
            more.push(Mark { item: deductions[extra % deductions.len()] });
            if let (Ok(a), Ok(b)) = (score_sheet(&r, &marks), score_sheet(&r, &more)) {
                prop_assert!(b.points < a.points);
            }
        }
    }
}
