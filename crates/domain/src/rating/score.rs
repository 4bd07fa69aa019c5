//! One sheet's points, and a unit's month as the exact mean over the scoring parties.
//!
//! A sheet starts at the rubric's `out_of`, loses the points of each tapped deduction (a
//! category may lose at most its maximum: more is refused, not capped, so a scorer sees the
//! mistake) and gains the points of each bonus. A tapped veto item costs no points but makes
//! the unit ineligible for the month.
//!
//! **A unit's month is the mean over the parties present of each party's mean sheet.** A
//! party that seats two scorers has each of its sheets weigh half, so it never counts double
//! against a party that seats one; a party without a sheet for the unit is left out (the mean
//! is over the parties present). The same party mean gives every figure shown beside the
//! score — the points lost per item, the points lost in the tie rule's categories — so the
//! deductions shown always add up to what the score lost. The mean is kept as a [`Fraction`]
//! and only rounded for display ([`one_decimal`]), so 92.25 and 92.3 never swap places.

use super::ranking::UnitMonth;
use super::rubric::{ItemKind, Party, Rubric, TieRule};
use crate::error::{FieldError, Invalid};
use crate::fraction::{Fraction, gcd};
use serde::Serialize;
use std::collections::BTreeMap;

/// One tap on a sheet: the code of a rubric item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark<'a> {
    pub item: &'a str,
}

/// The points of one sheet under a rubric.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SheetScore {
    pub points: i64,
    /// Points lost per category code.
    pub deducted: BTreeMap<String, i64>,
    pub bonus: i64,
    /// Codes of the veto items tapped.
    pub vetoes: Vec<String>,
}

/// Scores a sheet. Every unknown code and every category over its maximum is reported.
pub fn score_sheet(rubric: &Rubric, marks: &[Mark<'_>]) -> Result<SheetScore, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut deducted: BTreeMap<String, i64> = BTreeMap::new();
    let mut bonus = 0i64;
    let mut vetoes = Vec::new();
    for m in marks {
        match rubric.item(m.item) {
            None => errors.push(FieldError::new(
                "marks",
                Invalid::UnknownItem {
                    item: m.item.to_string(),
                },
            )),
            Some(ItemKind::Deduction { category, item }) => {
                *deducted.entry(category.code.clone()).or_default() += item.points;
            }
            Some(ItemKind::Bonus(item)) => bonus += item.points,
            Some(ItemKind::Veto(v)) => {
                if !vetoes.contains(&v.code) {
                    vetoes.push(v.code.clone());
                }
            }
        }
    }
    for c in &rubric.categories {
        if deducted.get(&c.code).is_some_and(|&d| d > c.max) {
            errors.push(FieldError::new(
                "marks",
                Invalid::DeductionBeyondMax {
                    category: c.zh.clone(),
                    max: c.max,
                },
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let lost: i64 = deducted.values().sum();
    Ok(SheetScore {
        points: rubric.out_of - lost + bonus,
        deducted,
        bonus,
        vetoes,
    })
}

/// One submitted sheet of a unit's month: the scorer's party, the points, when it came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartySheet {
    pub party: Party,
    pub score: SheetScore,
    pub submitted_at: i64,
}

/// The mean over the parties present of each party's mean value, exactly: `values` holds one
/// `(party, value)` per sheet. `None` without a sheet (or, unreachably for a month's sheets,
/// when the exact result does not fit an `i64` fraction).
pub fn party_mean(values: impl IntoIterator<Item = (Party, i64)>) -> Option<Fraction> {
    // (sum, sheets) per party, in the order of `Party::ALL`: no allocation per unit.
    let mut by_party = [(0i128, 0i128); Party::ALL.len()];
    for (party, v) in values {
        let e = &mut by_party[party as usize];
        e.0 += i128::from(v);
        e.1 += 1;
    }
    let present = by_party.iter().filter(|(_, n)| *n > 0);
    let parties = i128::try_from(present.clone().count()).ok()?;
    if parties == 0 {
        return None;
    }
    // Σ_p (sum_p / n_p), over the least common multiple of the n_p, then / parties.
    let lcm = present.clone().fold(1i128, |l, (_, n)| l / gcd(l, *n) * n);
    let num: i128 = present.map(|(sum, n)| sum * (lcm / n)).sum();
    let den = lcm * parties;
    let g = gcd(num, den).max(1);
    Fraction::new(i64::try_from(num / g).ok()?, i64::try_from(den / g).ok()?)
}

/// A unit's month from its submitted sheets: the party mean of the points, the party mean of
/// the points lost in the tie rule's categories, every veto tapped on any sheet. With no sheet
/// the unit has no score and cannot be ranked.
pub fn unit_month(unit_id: i64, rubric: &Rubric, sheets: &[PartySheet]) -> UnitMonth {
    let tie_categories: &[String] = match &rubric.flags.tie {
        TieRule::Ordered { categories } => categories,
        TieRule::Shared => &[],
    };
    let tie_lost = party_mean(sheets.iter().map(|s| {
        let lost = tie_categories
            .iter()
            .filter_map(|c| s.score.deducted.get(c))
            .sum::<i64>();
        (s.party, lost)
    }));
    let mut vetoes: Vec<String> = Vec::new();
    for s in sheets {
        for v in &s.score.vetoes {
            if !vetoes.contains(v) {
                vetoes.push(v.clone());
            }
        }
    }
    let mut parties: Vec<Party> = sheets.iter().map(|s| s.party).collect();
    parties.sort_unstable();
    parties.dedup();
    UnitMonth {
        unit_id,
        score: party_mean(sheets.iter().map(|s| (s.party, s.score.points))),
        eligible: vetoes.is_empty(),
        vetoes,
        tie_lost: tie_lost.unwrap_or(Fraction::from_int(0)),
        last_submitted: sheets.iter().map(|s| s.submitted_at).max().unwrap_or(0),
        sheets: sheets.len(),
        parties: parties.len(),
    }
}

/// A fraction shown to one decimal, halves rounded away from zero: 369/4 → "92.3", 185/2 → "92.5".
pub fn one_decimal(f: Fraction) -> String {
    let n = i128::from(f.num()) * 10;
    let d = i128::from(f.den());
    let neg = n < 0;
    let tenths = (n.abs() * 2 + d) / (2 * d);
    format!(
        "{}{}.{}",
        if neg && tenths != 0 { "-" } else { "" },
        tenths / 10,
        tenths % 10
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rating::rubric::nanguo_preset;

    fn marks<'a>(codes: &[&'a str]) -> Vec<Mark<'a>> {
        codes.iter().map(|c| Mark { item: c }).collect()
    }

    fn f(n: i64, d: i64) -> Fraction {
        Fraction::new(n, d).unwrap()
    }

    #[test]
    fn sheet_table() {
        let r = nanguo_preset();
        // (taps, points, vetoes)
        let table: &[(&[&str], i64, usize)] = &[
            (&[], 100, 0),
            (&["clutter"], 95, 0),
            (&["clutter", "wires", "clutter"], 85, 0), // corridor: exactly its maximum of 15
            (&["clutter", "university"], 98, 0),
            (&["flying_lead"], 100, 1),
            (&["flying_lead", "flying_lead", "litter"], 95, 1),
        ];
        for (taps, points, vetoes) in table {
            let s = score_sheet(&r, &marks(taps)).unwrap();
            assert_eq!(s.points, *points, "{taps:?}");
            assert_eq!(s.vetoes.len(), *vetoes, "{taps:?}");
        }
    }

    #[test]
    fn a_deduction_beyond_the_category_maximum_is_refused_by_name() {
        let r = nanguo_preset();
        let e = score_sheet(&r, &marks(&["clutter", "clutter", "clutter", "clutter"])).unwrap_err();
        assert_eq!(e.len(), 1);
        assert_eq!(
            e[0].error,
            Invalid::DeductionBeyondMax {
                category: "楼道环境".into(),
                max: 15
            }
        );
        assert!(e[0].message(crate::Lang::Zh).contains("楼道环境"));
        let e = score_sheet(&r, &marks(&["nope", "clutter"])).unwrap_err();
        assert_eq!(
            e[0].error,
            Invalid::UnknownItem {
                item: "nope".into()
            }
        );
    }

    fn sheet(party: Party, score: SheetScore, at: i64) -> PartySheet {
        PartySheet {
            party,
            score,
            submitted_at: at,
        }
    }

    #[test]
    fn a_month_is_the_mean_of_the_parties_and_a_veto_on_any_sheet_makes_it_ineligible() {
        use Party::*;
        let r = nanguo_preset();
        let s = |taps: &[&str]| score_sheet(&r, &marks(taps)).unwrap();
        // One sheet per party: 100 + 95 + 90 + 84 = 369 → 92.25, shown 92.3
        let sheets = vec![
            sheet(Community, s(&[]), 10),
            sheet(Property, s(&["clutter"]), 20),
            sheet(OwnersCommittee, s(&["stairs_dirty", "litter"]), 5),
            sheet(
                Residents,
                s(&["ebike_indoors", "exit_blocked", "unsorted", "dogs"]),
                7,
            ),
        ];
        let m = unit_month(1, &r, &sheets);
        assert_eq!(m.score, Some(f(369, 4)));
        assert_eq!(one_decimal(f(369, 4)), "92.3");
        assert!(m.eligible);
        assert_eq!(m.last_submitted, 20);
        assert_eq!((m.sheets, m.parties), (4, 4));
        // safety 10 + corridor 5 over four parties
        assert_eq!(m.tie_lost, f(15, 4));
        // A month with a missing party: the mean of the three parties present.
        let three = unit_month(1, &r, &sheets[..3]);
        assert_eq!(three.score, Some(f(285, 3)));
        assert_eq!(one_decimal(f(285, 3)), "95.0");
        let mut vetoed = sheets.clone();
        vetoed.push(sheet(Community, s(&["flying_lead"]), 30));
        let v = unit_month(1, &r, &vetoed);
        assert!(!v.eligible);
        assert_eq!(v.vetoes, vec!["flying_lead".to_string()]);
        assert_eq!(unit_month(2, &r, &[]).score, None);
    }

    /// (sheets as (party, points)), the month's exact score. Two scorers of one party weigh
    /// as one party: never as two.
    #[test]
    fn two_scorers_of_one_party_do_not_count_double() {
        use Party::*;
        type Case<'a> = (&'a [(Party, i64)], (i64, i64));
        let table: &[Case<'_>] = &[
            // community 100 and 90 → 95; property 80: (95 + 80) / 2 = 87.5, not (100+90+80)/3 = 90
            (
                &[(Community, 100), (Community, 90), (Property, 80)],
                (175, 2),
            ),
            // the same two sheets of one party alone: their mean
            (&[(Community, 100), (Community, 90)], (95, 1)),
            // four parties, the residents with three sheets: (100 + 90 + 80 + (70+71+72)/3) / 4
            (
                &[
                    (Community, 100),
                    (Property, 90),
                    (OwnersCommittee, 80),
                    (Residents, 70),
                    (Residents, 71),
                    (Residents, 72),
                ],
                (341, 4),
            ),
            // uneven counts: community (99+98)/2, property (97+96+95)/3: (98.5 + 96) / 2 = 97.25
            (
                &[
                    (Community, 99),
                    (Community, 98),
                    (Property, 97),
                    (Property, 96),
                    (Property, 95),
                ],
                (389, 4),
            ),
            // one sheet
            (&[(Residents, 88)], (88, 1)),
        ];
        for (sheets, (num, den)) in table {
            assert_eq!(
                party_mean(sheets.iter().copied()),
                Some(f(*num, *den)),
                "{sheets:?}"
            );
        }
        assert_eq!(party_mean(std::iter::empty()), None);
        // Through unit_month: the two community sheets lose 10 in safety between them.
        let r = nanguo_preset();
        let s = |taps: &[&str]| score_sheet(&r, &marks(taps)).unwrap();
        let m = unit_month(
            3,
            &r,
            &[
                sheet(Community, s(&[]), 1),
                sheet(Community, s(&["ebike_indoors", "exit_blocked"]), 2),
                sheet(Property, s(&[]), 3),
            ],
        );
        // community (100 + 90) / 2 = 95, property 100: 97.5 (the mean of sheets would be 96.7)
        assert_eq!(m.score, Some(f(195, 2)));
        assert_eq!(one_decimal(f(195, 2)), "97.5");
        assert_eq!(m.tie_lost, f(5, 2));
        assert_eq!((m.sheets, m.parties), (3, 2));
    }

    #[test]
    fn one_decimal_rounds_halves_away_from_zero() {
        for (n, d, s) in [
            (185, 2, "92.5"),
            (1849, 20, "92.5"),
            (1847, 20, "92.4"),
            (100, 1, "100.0"),
            (-1, 20, "-0.1"),
            (1, 30, "0.0"),
            (0, 1, "0.0"),
        ] {
            assert_eq!(one_decimal(f(n, d)), s, "{n}/{d}");
        }
    }
}
