//! Who pays what: the amount due after subsidies split by floor coefficient, then equally
//! among the households of each floor (DOMAIN §6.2, the Shanghai 新民村 table by default).
//!
//! A household's exact share is `amount × coefficient / (10,000 × households on its floor)`,
//! a fraction of a fen in general. Everyone first gets the fen below their exact share; the
//! fen left over (fewer than the number of households) go one each to the largest
//! remainders. **Tie rule:** among equal remainders the higher floor comes first, then the
//! lower household id. So the shares always add up to the amount exactly, and a household
//! whose exact share is larger never pays less than one whose exact share is smaller —
//! in particular, when floors hold the same number of households, a floor with a higher
//! coefficient never pays less per household.
//!
//! Remainders of different floors have different denominators; they are compared by
//! cross-multiplication in `i128`, never as floats.

use crate::error::Invalid;
use crate::money::Fen;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// Basis points in 100%.
pub const WHOLE_BP: i64 = 10_000;

/// A project's floor coefficients in basis points, one per floor, adding up to 100%.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<(i32, i64)>", into = "Vec<(i32, i64)>")]
pub struct CoefficientTable(BTreeMap<i32, i64>);

impl CoefficientTable {
    /// A table from `(floor, basis points)` rows: no floor twice, no negative coefficient,
    /// and a total of exactly 100%.
    pub fn new(rows: impl IntoIterator<Item = (i32, i64)>) -> Result<CoefficientTable, Invalid> {
        let mut map = BTreeMap::new();
        for (floor, bp) in rows {
            if bp < 0 {
                return Err(Invalid::Negative);
            }
            if map.insert(floor, bp).is_some() {
                return Err(Invalid::DuplicateFloor { floor });
            }
        }
        let total: i64 = map.values().sum();
        if total != WHOLE_BP {
            return Err(Invalid::CoefficientsSum { total_bp: total });
        }
        Ok(CoefficientTable(map))
    }

    /// The Shanghai 新民村 table for six floors: 1F 0, 2F 0, 3F 10%, 4F 20%, 5F 30%, 6F 40%.
    pub fn preset_six_floors() -> CoefficientTable {
        CoefficientTable([(1, 0), (2, 0), (3, 1000), (4, 2000), (5, 3000), (6, 4000)].into_iter().collect())
    }

    /// The same idea for any height: floors 1 and 2 pay nothing, floor `k ≥ 3` weighs
    /// `k − 2`, in basis points rounded down with the rest to the top floor. Six floors give
    /// exactly the 新民村 table; a unit of one or two floors splits equally.
    pub fn preset_for_floors(floors: i32) -> CoefficientTable {
        let floors = floors.clamp(1, 60);
        if floors <= 2 {
            let each = WHOLE_BP / i64::from(floors);
            let rows = (1..=floors).map(|f| (f, if f == floors { WHOLE_BP - each * i64::from(floors - 1) } else { each }));
            return CoefficientTable(rows.collect());
        }
        let weight: i64 = (1..=i64::from(floors - 2)).sum();
        let mut map: BTreeMap<i32, i64> = (1..=floors).map(|f| (f, (i64::from(f) - 2).max(0) * WHOLE_BP / weight)).collect();
        let given: i64 = map.values().sum();
        if let Some(top) = map.get_mut(&floors) {
            *top += WHOLE_BP - given;
        }
        CoefficientTable(map)
    }

    pub fn rows(&self) -> impl Iterator<Item = (i32, i64)> + '_ {
        self.0.iter().map(|(f, bp)| (*f, *bp))
    }

    pub fn get(&self, floor: i32) -> Option<i64> {
        self.0.get(&floor).copied()
    }
}

impl TryFrom<Vec<(i32, i64)>> for CoefficientTable {
    type Error = String;
    fn try_from(rows: Vec<(i32, i64)>) -> Result<CoefficientTable, String> {
        CoefficientTable::new(rows).map_err(|e| e.code().to_string())
    }
}

impl From<CoefficientTable> for Vec<(i32, i64)> {
    fn from(t: CoefficientTable) -> Vec<(i32, i64)> {
        t.0.into_iter().collect()
    }
}

/// A household of the unit and the floor it is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HouseholdFloor {
    pub household_id: i64,
    pub floor: i32,
}

/// One household's line of the share table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ShareLine {
    pub household_id: i64,
    pub floor: i32,
    pub coefficient_bp: i64,
    /// Households on the same floor, who split its coefficient equally.
    pub on_floor: u32,
    pub share: Fen,
}

/// Splits `amount` among `households` by the table. Refused: a negative amount; a household
/// on a floor the table does not list (`FloorNotInTable`); a floor with a coefficient above
/// zero and nobody on it (`EmptyFloor`), whose part nobody could be asked to pay. Lines come
/// back ordered by floor, then household id.
pub fn apportion(amount: Fen, table: &CoefficientTable, households: &[HouseholdFloor]) -> Result<Vec<ShareLine>, Invalid> {
    if amount.0 < 0 {
        return Err(Invalid::Negative);
    }
    let mut counts: BTreeMap<i32, i64> = BTreeMap::new();
    for h in households {
        if table.get(h.floor).is_none() {
            return Err(Invalid::FloorNotInTable { floor: h.floor });
        }
        *counts.entry(h.floor).or_default() += 1;
    }
    if let Some((floor, _)) = table.rows().find(|(f, bp)| *bp > 0 && !counts.contains_key(f)) {
        return Err(Invalid::EmptyFloor { floor });
    }
    let parts: Vec<(HouseholdFloor, i128, i128)> = households
        .iter()
        .map(|h| {
            let bp = table.get(h.floor).unwrap_or(0);
            let n = counts.get(&h.floor).copied().unwrap_or(1);
            (*h, i128::from(bp), i128::from(WHOLE_BP) * i128::from(n))
        })
        .collect();
    let shares = largest_remainder(amount, &parts)?;
    let mut out: Vec<ShareLine> = households
        .iter()
        .zip(shares)
        .map(|(h, share)| ShareLine {
            household_id: h.household_id,
            floor: h.floor,
            coefficient_bp: table.get(h.floor).unwrap_or(0),
            on_floor: u32::try_from(counts.get(&h.floor).copied().unwrap_or(1)).unwrap_or(u32::MAX),
            share,
        })
        .collect();
    out.sort_by(|a, b| a.floor.cmp(&b.floor).then(a.household_id.cmp(&b.household_id)));
    Ok(out)
}

/// The largest-remainder split behind every share in this module: household `i`'s exact
/// share is `amount × num_i / den_i` (the parts must add up to one whole). Each gets the fen
/// below its exact share; the fen left over go one each to the largest remainders, ties to
/// the higher floor, then the lower household id. Shares come back in the order of `parts`
/// and add up to `amount` exactly. Refused: a negative amount.
pub fn largest_remainder(amount: Fen, parts: &[(HouseholdFloor, i128, i128)]) -> Result<Vec<Fen>, Invalid> {
    if amount.0 < 0 {
        return Err(Invalid::Negative);
    }
    // (fen, remainder numerator, denominator): exact share = (fen × den + rem) / den.
    let mut lines: Vec<(i64, i128, i128)> = Vec::with_capacity(parts.len());
    for (_, weight, den) in parts {
        if *den <= 0 {
            return Err(Invalid::NotPositive);
        }
        let num = i128::from(amount.0) * weight;
        let fen = i64::try_from(num / den).map_err(|_| Invalid::NotANumber)?;
        lines.push((fen, num % den, *den));
    }
    let given: i64 = lines.iter().map(|(fen, _, _)| fen).sum();
    let mut left = amount.0 - given;
    let mut order: Vec<usize> = (0..lines.len()).collect();
    order.sort_by(|&a, &b| {
        let (_, ra, da) = &lines[a];
        let (_, rb, db) = &lines[b];
        let (ha, hb) = (&parts[a].0, &parts[b].0);
        (rb * da).cmp(&(ra * db)).then(hb.floor.cmp(&ha.floor)).then(ha.household_id.cmp(&hb.household_id))
    });
    for i in order {
        if left <= 0 {
            break;
        }
        let (fen, rem, _) = &mut lines[i];
        if *rem > 0 {
            *fen += 1;
            left -= 1;
        }
    }
    Ok(lines.into_iter().map(|(fen, _, _)| Fen(fen)).collect())
}

/// Orders two lines by their exact shares (for tests and checks): `amount × bp / n`.
pub fn exact_cmp(a: &ShareLine, b: &ShareLine) -> Ordering {
    (i128::from(a.coefficient_bp) * i128::from(b.on_floor)).cmp(&(i128::from(b.coefficient_bp) * i128::from(a.on_floor)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `per_floor` households on each of floors 1..=floors, ids floor×100 + k.
    fn unit(floors: i32, per_floor: i64) -> Vec<HouseholdFloor> {
        (1..=floors).flat_map(|f| (1..=per_floor).map(move |k| HouseholdFloor { household_id: i64::from(f) * 100 + k, floor: f })).collect()
    }

    fn shares(lines: &[ShareLine]) -> Vec<(i64, i64)> {
        lines.iter().map(|l| (l.household_id, l.share.0)).collect()
    }

    #[test]
    fn the_shanghai_table_on_a_six_floor_unit() {
        // 458,000 yuan cost, Shanghai subsidy 183,200 → 274,800 yuan due, 12 households.
        let lines = apportion(Fen(27_480_000), &CoefficientTable::preset_six_floors(), &unit(6, 2)).unwrap();
        assert_eq!(lines.iter().map(|l| l.share.0).sum::<i64>(), 27_480_000);
        assert_eq!(
            shares(&lines),
            vec![
                (101, 0),
                (102, 0),
                (201, 0),
                (202, 0),
                (301, 1_374_000),
                (302, 1_374_000),
                (401, 2_748_000),
                (402, 2_748_000),
                (501, 4_122_000),
                (502, 4_122_000),
                (601, 5_496_000),
                (602, 5_496_000),
            ]
        );
    }

    #[test]
    fn remainder_fen_follow_the_tie_rule() {
        // 1.00 yuan over 3F–6F with three households each: 10 fen for 3F is 3.33… each.
        let lines = apportion(Fen(100), &CoefficientTable::preset_six_floors(), &unit(6, 3)).unwrap();
        assert_eq!(lines.iter().map(|l| l.share.0).sum::<i64>(), 100);
        let of = |id: i64| lines.iter().find(|l| l.household_id == id).unwrap().share.0;
        // Exact: 3F 3.333, 4F 6.667, 5F 10, 6F 13.333. Floors: 3·3 + 3·6 + 3·10 + 3·13 = 96;
        // 4 fen left: 4F's remainders (.667) first, the three of them; then among the .333s
        // the higher floor: 6F, its lowest id.
        assert_eq!((of(401), of(402), of(403)), (7, 7, 7));
        assert_eq!((of(601), of(602), of(603)), (14, 13, 13));
        assert_eq!((of(301), of(302), of(303)), (3, 3, 3));
        assert_eq!(of(501), 10);
    }

    #[test]
    fn presets_for_any_height_add_up() {
        assert_eq!(CoefficientTable::preset_for_floors(6), CoefficientTable::preset_six_floors());
        for floors in -1..=40 {
            let t = CoefficientTable::preset_for_floors(floors);
            assert_eq!(CoefficientTable::new(t.rows()), Ok(t.clone()), "{floors} floors");
        }
        let seven: Vec<_> = CoefficientTable::preset_for_floors(7).rows().collect();
        assert_eq!(seven, vec![(1, 0), (2, 0), (3, 666), (4, 1333), (5, 2000), (6, 2666), (7, 3335)]);
        assert_eq!(CoefficientTable::preset_for_floors(2).rows().collect::<Vec<_>>(), vec![(1, 5000), (2, 5000)]);
    }

    #[test]
    fn tables_that_do_not_add_up_are_refused() {
        assert_eq!(CoefficientTable::new([(1, 5000), (2, 4000)]), Err(Invalid::CoefficientsSum { total_bp: 9000 }));
        assert_eq!(CoefficientTable::new([(1, 5000), (2, 5001)]), Err(Invalid::CoefficientsSum { total_bp: 10_001 }));
        assert_eq!(CoefficientTable::new([]), Err(Invalid::CoefficientsSum { total_bp: 0 }));
        assert_eq!(CoefficientTable::new([(1, 5000), (1, 5000)]), Err(Invalid::DuplicateFloor { floor: 1 }));
        assert_eq!(CoefficientTable::new([(1, 11_000), (2, -1000)]), Err(Invalid::Negative));
        assert!(CoefficientTable::new([(3, 10_000)]).is_ok());
    }

    #[test]
    fn floors_without_households_and_households_without_floors() {
        let table = CoefficientTable::preset_six_floors();
        // Nobody on 5F, which carries 30%: refused, naming the floor.
        let without_5: Vec<_> = unit(6, 2).into_iter().filter(|h| h.floor != 5).collect();
        assert_eq!(apportion(Fen(10_000), &table, &without_5), Err(Invalid::EmptyFloor { floor: 5 }));
        // Nobody on 1F, which carries nothing: fine.
        let without_1: Vec<_> = unit(6, 2).into_iter().filter(|h| h.floor != 1).collect();
        assert_eq!(apportion(Fen(10_000), &table, &without_1).map(|l| l.len()), Ok(10));
        // A seventh floor the table does not list.
        let mut seven = unit(6, 1);
        seven.push(HouseholdFloor { household_id: 701, floor: 7 });
        assert_eq!(apportion(Fen(10_000), &table, &seven), Err(Invalid::FloorNotInTable { floor: 7 }));
        assert_eq!(apportion(Fen(-1), &table, &unit(6, 1)), Err(Invalid::Negative));
        // Nothing due (a subsidy covering the whole cost): every share is zero.
        assert!(apportion(Fen(0), &table, &unit(6, 2)).unwrap().iter().all(|l| l.share == Fen(0)));
    }

    #[test]
    fn serde_refuses_a_bad_table() {
        let json = serde_json::to_string(&CoefficientTable::preset_six_floors()).unwrap();
        assert_eq!(serde_json::from_str::<CoefficientTable>(&json).unwrap(), CoefficientTable::preset_six_floors());
        assert!(serde_json::from_str::<CoefficientTable>("[[1,5000]]").is_err());
    }

    /// A table of `floors` floors with random coefficients adding up to 100%.
    fn arb_table() -> impl Strategy<Value = CoefficientTable> {
        (1usize..9).prop_flat_map(|floors| prop::collection::vec(0i64..=WHOLE_BP, floors - 1)).prop_map(|mut cuts| {
            cuts.sort_unstable();
            let mut prev = 0;
            let mut rows = Vec::new();
            for (i, c) in cuts.iter().chain(std::iter::once(&WHOLE_BP)).enumerate() {
                rows.push((i as i32 + 1, c - prev));
                prev = *c;
            }
            CoefficientTable::new(rows).unwrap()
        })
    }

    proptest! {
        #[test]
        fn shares_always_sum_exactly(table in arb_table(), counts in prop::collection::vec(1i64..6, 8), amount in 0i64..100_000_000_000) {
            let households: Vec<HouseholdFloor> = table
                .rows()
                .flat_map(|(f, _)| (0..counts[(f - 1) as usize]).map(move |k| HouseholdFloor { household_id: i64::from(f) * 10 + k, floor: f }))
                .collect();
            let lines = apportion(Fen(amount), &table, &households).unwrap();
            prop_assert_eq!(lines.len(), households.len());
            prop_assert_eq!(lines.iter().map(|l| l.share.0).sum::<i64>(), amount);
            // A larger exact share never pays less; and no line is more than a fen off its exact share.
            for a in &lines {
                let exact_num = i128::from(amount) * i128::from(a.coefficient_bp);
                let den = i128::from(WHOLE_BP) * i128::from(a.on_floor);
                prop_assert!(i128::from(a.share.0) * den > exact_num - den);
                prop_assert!(i128::from(a.share.0) * den < exact_num + den);
                for b in &lines {
                    if exact_cmp(a, b) == Ordering::Greater {
                        prop_assert!(a.share >= b.share, "{:?} pays less than {:?}", a, b);
                    }
                }
            }
        }

        #[test]
        fn a_higher_coefficient_never_pays_less_per_household(table in arb_table(), per_floor in 1i64..5, amount in 0i64..10_000_000_000) {
            let households: Vec<HouseholdFloor> = table
                .rows()
                .flat_map(|(f, _)| (0..per_floor).map(move |k| HouseholdFloor { household_id: 1000 - i64::from(f) * 10 - k, floor: f }))
                .collect();
            let lines = apportion(Fen(amount), &table, &households).unwrap();
            for a in &lines {
                for b in &lines {
                    if a.coefficient_bp > b.coefficient_bp {
                        prop_assert!(a.share >= b.share, "{:?} pays less than {:?}", a, b);
                    }
                }
            }
        }
    }
}
