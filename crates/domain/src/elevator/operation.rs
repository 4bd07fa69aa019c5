//! Running the elevator (DOMAIN §6.2, issue 6 item 5): each month's maintenance, electricity
//! and other costs, entered per project, are shared among the project's households —
//! equally, or "by the coefficients", i.e. as the project's plan shares its construction
//! cost (floor coefficients, or equally per flat when the plan says so).
//!
//! Both ways go through the one largest-remainder split of [`super::shares`], so a month's
//! cost of each kind adds up to the fen and the leftover fen follow the same stated rule
//! (largest remainder; ties: higher floor first, then lower household id). A cost may be
//! entered for a month from the one the project went into operation up to the current
//! month, never before and never ahead.

#[cfg(doc)]
use super::shares::apportion;
use super::shares::{CoefficientTable, HouseholdFloor, ShareMode, apportion_by};
use crate::error::Invalid;
use crate::lang::Lang;
use crate::money::Fen;
use crate::rating::Month;
use serde::Serialize;
use std::collections::BTreeMap;

crate::text_enum! {
    /// How a project shares its running costs.
    #[derive(Default)]
    pub enum SplitMode {
        /// The same for every household of the project (纹江花园: "shared equally per household").
        #[default]
        Equal = "equal",
        /// As the plan shares the construction cost: by its floor coefficients (then equally
        /// within a floor), or equally per flat when the plan's share mode says so.
        Coefficients = "coefficients",
    }
}

impl SplitMode {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            SplitMode::Equal => lang.pick("每户均摊", "equally per household"),
            SplitMode::Coefficients => lang.pick(
                "按加装费用的分摊方案（楼层系数或每户均摊）",
                "as the construction cost is shared (floor coefficients or equally per flat)",
            ),
        }
    }
}

crate::text_enum! {
    /// What a month's cost is for.
    pub enum CostKind {
        /// The installer's or a maintenance company's monthly fee (about 5,000 yuan a year).
        Maintenance = "maintenance",
        Electricity = "electricity",
        /// Anything else decided (an inspection, insurance, a repair).
        Other = "other",
    }
}

impl CostKind {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            CostKind::Maintenance => lang.pick("维保费", "maintenance"),
            CostKind::Electricity => lang.pick("电费", "electricity"),
            CostKind::Other => lang.pick("其他", "other"),
        }
    }
}

/// One household's part of one month's cost of one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OperationLine {
    pub household_id: i64,
    pub floor: i32,
    pub share: Fen,
}

/// Splits one month's cost of one kind among the project's households. "By the
/// coefficients" means as the project's plan shares its construction cost (`plan`): by floor
/// coefficients, or equally per flat when the plan says so — never the floor table of a plan
/// that does not use it. Refused: an amount of zero or less (`NotPositive`), no household to
/// pay it (`NoHouseholds`), a household listed twice (`HouseholdTwice`); by floor
/// coefficients, whatever [`apportion`] refuses (a floor the table lacks, a paying floor with
/// nobody on it). Lines come back ordered by floor, then household id.
pub fn split_month(
    amount: Fen,
    mode: SplitMode,
    plan: ShareMode,
    table: &CoefficientTable,
    households: &[HouseholdFloor],
) -> Result<Vec<OperationLine>, Invalid> {
    if amount.0 <= 0 {
        return Err(Invalid::NotPositive);
    }
    if households.is_empty() {
        return Err(Invalid::NoHouseholds);
    }
    let by = match mode {
        SplitMode::Coefficients => plan,
        SplitMode::Equal => ShareMode::EqualPerFlat,
    };
    let mut lines: Vec<OperationLine> = apportion_by(amount, by, table, households)?
        .into_iter()
        .map(|l| OperationLine {
            household_id: l.household_id,
            floor: l.floor,
            share: l.share,
        })
        .collect();
    lines.sort_by(|a, b| {
        a.floor
            .cmp(&b.floor)
            .then(a.household_id.cmp(&b.household_id))
    });
    Ok(lines)
}

/// Whether a cost may be entered for `month`: not before the month the project went into
/// operation (`since`), not after the current month (`today`).
pub fn check_month(month: Month, since: Month, today: Month) -> Result<(), Invalid> {
    if month < since {
        return Err(Invalid::BeforeOperation {
            since: since.to_string(),
        });
    }
    if month > today {
        return Err(Invalid::FutureMonth {
            latest: today.to_string(),
        });
    }
    Ok(())
}

/// A month's statement of a unit: per household, its part of each kind and its total; per
/// kind, the cost and the sum of its parts (equal to the fen).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Statement {
    /// household id → (kind → share).
    pub households: BTreeMap<i64, BTreeMap<CostKind, Fen>>,
    pub totals: BTreeMap<CostKind, Fen>,
}

impl Statement {
    /// Gathers the split lines of a month's costs.
    pub fn of(lines: impl IntoIterator<Item = (CostKind, i64, Fen)>) -> Statement {
        let mut s = Statement::default();
        for (kind, household, share) in lines {
            let h = s
                .households
                .entry(household)
                .or_default()
                .entry(kind)
                .or_default();
            h.0 += share.0;
            s.totals.entry(kind).or_default().0 += share.0;
        }
        s
    }

    /// A household's total for the month.
    pub fn household_total(&self, household: i64) -> Fen {
        Fen(self
            .households
            .get(&household)
            .map_or(0, |k| k.values().map(|f| f.0).sum()))
    }

    pub fn total(&self) -> Fen {
        Fen(self.totals.values().map(|f| f.0).sum())
    }
}

/// A year's maintenance of about 5,000 yuan a month at a time: 5,000 / 12, in fen, rounded
/// down (the demo's monthly fee; DOMAIN §6.2).
pub const MONTHLY_MAINTENANCE: Fen = Fen(500_000 / 12);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn unit(floors: i32, per_floor: i64) -> Vec<HouseholdFloor> {
        (1..=floors)
            .flat_map(|f| {
                (1..=per_floor).map(move |k| HouseholdFloor {
                    household_id: i64::from(f) * 100 + k,
                    floor: f,
                })
            })
            .collect()
    }

    fn shares(lines: &[OperationLine]) -> Vec<i64> {
        lines.iter().map(|l| l.share.0).collect()
    }

    #[test]
    fn a_month_of_maintenance_shared_equally() {
        // 416.66 yuan among 12 households: 34.7216… each; 41,666 = 12 × 3,472 + 2, the two
        // leftover fen to the top floor (equal remainders: higher floor, then lower id).
        let lines = split_month(
            MONTHLY_MAINTENANCE,
            SplitMode::Equal,
            ShareMode::Floors,
            &CoefficientTable::preset_six_floors(),
            &unit(6, 2),
        )
        .unwrap();
        assert_eq!(MONTHLY_MAINTENANCE, Fen(41_666));
        assert_eq!(
            shares(&lines),
            vec![
                3472, 3472, 3472, 3472, 3472, 3472, 3472, 3472, 3472, 3472, 3473, 3473
            ]
        );
        assert_eq!(lines.iter().map(|l| l.share.0).sum::<i64>(), 41_666);
        // An amount that divides evenly leaves nothing over.
        let lines = split_month(
            Fen(1_200),
            SplitMode::Equal,
            ShareMode::Floors,
            &CoefficientTable::preset_six_floors(),
            &unit(6, 2),
        )
        .unwrap();
        assert!(lines.iter().all(|l| l.share == Fen(100)));
    }

    #[test]
    fn a_month_by_the_coefficients() {
        // 1,000.00 yuan by 0/0/10/20/30/40 %, two households per floor.
        let lines = split_month(
            Fen(100_000),
            SplitMode::Coefficients,
            ShareMode::Floors,
            &CoefficientTable::preset_six_floors(),
            &unit(6, 2),
        )
        .unwrap();
        assert_eq!(
            shares(&lines),
            vec![
                0, 0, 0, 0, 5_000, 5_000, 10_000, 10_000, 15_000, 15_000, 20_000, 20_000
            ]
        );
        // 1 fen more: the leftover fen goes to the largest remainder (6F: 0.4 fen each).
        let lines = split_month(
            Fen(100_001),
            SplitMode::Coefficients,
            ShareMode::Floors,
            &CoefficientTable::preset_six_floors(),
            &unit(6, 2),
        )
        .unwrap();
        assert_eq!(lines.iter().map(|l| l.share.0).sum::<i64>(), 100_001);
        assert_eq!(
            lines.iter().find(|l| l.household_id == 601).unwrap().share,
            Fen(20_001)
        );
    }

    #[test]
    fn by_the_coefficients_on_an_equal_per_flat_plan_is_equal() {
        // The plan shares the construction cost equally per flat, so "by the coefficients"
        // is equal too: 1,000.01 yuan among 12 flats, 8,333 fen each and 5 fen over, one each
        // to 6F, 5F and 401 (equal remainders: higher floor, then lower id); the floor table,
        // which would give the first two floors nothing, is not used.
        let lines = split_month(
            Fen(100_001),
            SplitMode::Coefficients,
            ShareMode::EqualPerFlat,
            &CoefficientTable::preset_six_floors(),
            &unit(6, 2),
        )
        .unwrap();
        assert_eq!(
            shares(&lines),
            vec![
                8_333, 8_333, 8_333, 8_333, 8_333, 8_333, 8_334, 8_333, 8_334, 8_334, 8_334, 8_334
            ]
        );
        assert_eq!(
            lines,
            split_month(
                Fen(100_001),
                SplitMode::Equal,
                ShareMode::Floors,
                &CoefficientTable::preset_six_floors(),
                &unit(6, 2),
            )
            .unwrap()
        );
        // A flat listed twice is refused either way.
        let twice = [unit(6, 1), vec![unit(6, 1)[0]]].concat();
        assert!(
            split_month(
                Fen(100),
                SplitMode::Coefficients,
                ShareMode::EqualPerFlat,
                &CoefficientTable::preset_six_floors(),
                &twice,
            )
            .is_err()
        );
    }

    #[test]
    fn bad_months_and_amounts_are_refused() {
        let table = CoefficientTable::preset_six_floors();
        assert_eq!(
            split_month(
                Fen(0),
                SplitMode::Equal,
                ShareMode::Floors,
                &table,
                &unit(6, 1)
            ),
            Err(Invalid::NotPositive)
        );
        assert_eq!(
            split_month(
                Fen(-5),
                SplitMode::Coefficients,
                ShareMode::Floors,
                &table,
                &unit(6, 1)
            ),
            Err(Invalid::NotPositive)
        );
        assert_eq!(
            split_month(Fen(100), SplitMode::Equal, ShareMode::Floors, &table, &[]),
            Err(Invalid::NoHouseholds)
        );
        let no_top: Vec<_> = unit(6, 1).into_iter().filter(|h| h.floor != 6).collect();
        assert_eq!(
            split_month(
                Fen(100),
                SplitMode::Coefficients,
                ShareMode::Floors,
                &table,
                &no_top
            ),
            Err(Invalid::EmptyFloor { floor: 6 })
        );
        // Equal does not care about the table.
        assert_eq!(
            split_month(
                Fen(100),
                SplitMode::Equal,
                ShareMode::Floors,
                &table,
                &no_top
            )
            .map(|l| l.len()),
            Ok(5)
        );

        let m = |s: &str| Month::parse(s).unwrap();
        let (since, today) = (m("2024-03"), m("2026-11"));
        assert_eq!(check_month(m("2024-03"), since, today), Ok(()));
        assert_eq!(check_month(m("2026-11"), since, today), Ok(()));
        assert_eq!(
            check_month(m("2024-02"), since, today),
            Err(Invalid::BeforeOperation {
                since: "2024-03".into()
            })
        );
        assert_eq!(
            check_month(m("2026-12"), since, today),
            Err(Invalid::FutureMonth {
                latest: "2026-11".into()
            })
        );
        assert_eq!(Month::parse("2026-13"), Err(Invalid::BadMonth));
        assert_eq!(Month::parse("11/2026"), Err(Invalid::BadMonth));
    }

    #[test]
    fn codes_round_trip() {
        for k in CostKind::ALL {
            assert_eq!(CostKind::parse(k.as_str()), Ok(k));
        }
        for m in SplitMode::ALL {
            assert_eq!(SplitMode::parse(m.as_str()), Ok(m));
        }
        assert_eq!(CostKind::parse("water"), Err(Invalid::BadChoice));
        assert_eq!(SplitMode::parse(""), Err(Invalid::Required));
        assert_eq!(SplitMode::default(), SplitMode::Equal);
    }

    #[test]
    fn a_statement_adds_up_by_kind_and_household() {
        let table = CoefficientTable::preset_six_floors();
        let hh = unit(6, 2);
        let mut lines = Vec::new();
        for (kind, amount, mode) in [
            (CostKind::Maintenance, 41_666, SplitMode::Equal),
            (CostKind::Electricity, 23_457, SplitMode::Coefficients),
        ] {
            for l in split_month(Fen(amount), mode, ShareMode::Floors, &table, &hh).unwrap() {
                lines.push((kind, l.household_id, l.share));
            }
        }
        let s = Statement::of(lines);
        assert_eq!(s.totals[&CostKind::Maintenance], Fen(41_666));
        assert_eq!(s.totals[&CostKind::Electricity], Fen(23_457));
        assert_eq!(s.total(), Fen(65_123));
        assert_eq!(
            hh.iter()
                .map(|h| s.household_total(h.household_id).0)
                .sum::<i64>(),
            65_123
        );
        assert_eq!(s.household_total(101), Fen(3_472));
    }

    proptest! {
        #[test]
        fn every_split_sums_exactly(amount in 1i64..10_000_000_000, floors in 1i32..12, per_floor in 1i64..6, coefficients in any::<bool>()) {
            let table = CoefficientTable::preset_for_floors(floors);
            let hh = unit(floors, per_floor);
            let mode = if coefficients { SplitMode::Coefficients } else { SplitMode::Equal };
            let lines = split_month(Fen(amount), mode, ShareMode::Floors, &table, &hh).unwrap();
            prop_assert_eq!(lines.len(), hh.len());
            prop_assert_eq!(lines.iter().map(|l| l.share.0).sum::<i64>(), amount);
            if mode == SplitMode::Equal {
                // Nobody pays more than a fen above anyone else.
                let min = lines.iter().map(|l| l.share.0).min().unwrap();
                let max = lines.iter().map(|l| l.share.0).max().unwrap();
                prop_assert!(max - min <= 1);
                prop_assert_eq!(min, amount / hh.len() as i64);
            }
        }

        #[test]
        fn equal_shares_with_any_ids_sum_exactly(amount in 1i64..1_000_000_000, ids in prop::collection::btree_set(1i64..100_000, 1..60)) {
            let hh: Vec<HouseholdFloor> = ids.iter().map(|id| HouseholdFloor { household_id: *id, floor: (*id % 7) as i32 + 1 }).collect();
            let lines = split_month(Fen(amount), SplitMode::Equal, ShareMode::Floors, &CoefficientTable::preset_six_floors(), &hh).unwrap();
            prop_assert_eq!(lines.iter().map(|l| l.share.0).sum::<i64>(), amount);
        }
    }
}
