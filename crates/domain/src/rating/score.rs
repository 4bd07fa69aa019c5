//! One sheet's points, and a unit's month as the exact mean of its sheets.
//!
//! A sheet starts at the rubric's `out_of`, loses the points of each tapped deduction (a
//! category may lose at most its maximum: more is refused, not capped, so a scorer sees the
//! mistake) and gains the points of each bonus. A tapped veto item costs no points but makes
//! the unit ineligible for the month. The mean is kept as a [`Fraction`] and only rounded for
//! display ([`one_decimal`]), so 92.25 and 92.3 never swap places.

use super::ranking::UnitMonth;
use super::rubric::{ItemKind, Rubric, TieRule};
use crate::error::{FieldError, Invalid};
use crate::fraction::Fraction;
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

/// A unit's month from its submitted sheets, each with the time it was submitted. With no
/// sheet the unit has no score and cannot be ranked.
pub fn unit_month(unit_id: i64, rubric: &Rubric, sheets: &[(SheetScore, i64)]) -> UnitMonth {
    let n = i64::try_from(sheets.len()).unwrap_or(i64::MAX);
    let total: i64 = sheets.iter().map(|(s, _)| s.points).sum();
    let tie_categories: &[String] = match &rubric.flags.tie {
        TieRule::Ordered { categories } => categories,
        TieRule::Shared => &[],
    };
    let tie_lost: i64 = sheets
        .iter()
        .map(|(s, _)| {
            tie_categories
                .iter()
                .filter_map(|c| s.deducted.get(c))
                .sum::<i64>()
        })
        .sum();
    let mut vetoes: Vec<String> = Vec::new();
    for (s, _) in sheets {
        for v in &s.vetoes {
            if !vetoes.contains(v) {
                vetoes.push(v.clone());
            }
        }
    }
    UnitMonth {
        unit_id,
        score: Fraction::new(total, n),
        eligible: vetoes.is_empty(),
        vetoes,
        tie_lost: Fraction::new(tie_lost, n).unwrap_or(Fraction::from_int(0)),
        last_submitted: sheets.iter().map(|(_, t)| *t).max().unwrap_or(0),
        sheets: sheets.len(),
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

    #[test]
    fn a_month_is_the_exact_mean_and_a_veto_on_any_sheet_makes_it_ineligible() {
        let r = nanguo_preset();
        let s = |taps: &[&str]| score_sheet(&r, &marks(taps)).unwrap();
        // 100 + 95 + 90 + 84 = 369 → 92.25, shown 92.3
        let sheets = vec![
            (s(&[]), 10),
            (s(&["clutter"]), 20),
            (s(&["stairs_dirty", "litter"]), 5),
            (s(&["ebike_indoors", "exit_blocked", "unsorted", "dogs"]), 7),
        ];
        let m = unit_month(1, &r, &sheets);
        assert_eq!(m.score, Some(f(369, 4)));
        assert_eq!(one_decimal(f(369, 4)), "92.3");
        assert!(m.eligible);
        assert_eq!(m.last_submitted, 20);
        // safety 10 + corridor 5 over four sheets
        assert_eq!(m.tie_lost, f(15, 4));
        // A month with a missing party: the mean of the three sheets submitted.
        let three = unit_month(1, &r, &sheets[..3]);
        assert_eq!(three.score, Some(f(285, 3)));
        assert_eq!(one_decimal(f(285, 3)), "95.0");
        let mut vetoed = sheets.clone();
        vetoed.push((s(&["flying_lead"]), 30));
        let v = unit_month(1, &r, &vetoed);
        assert!(!v.eligible);
        assert_eq!(v.vetoes, vec!["flying_lead".to_string()]);
        assert_eq!(unit_month(2, &r, &[]).score, None);
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
