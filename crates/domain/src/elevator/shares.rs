//! Who pays what: the amount due after subsidies split by floor coefficient, then equally
//! among the households of each floor (DOMAIN §6.2, the Shanghai 新民村 table by default) —
//! or, where the owners decided so, equally per flat ([`ShareMode::EqualPerFlat`]).
//!
//! A coefficient is an exact fraction of the whole ([`Coefficient`]): whole basis points as
//! typed in percent ("10", "12.5%"), or a fraction ("1/6") where percent cannot say it
//! exactly. A household's exact share is `amount × coefficient / households on its floor`,
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

use super::yuan::parse_percent_bp;
use crate::area::halfwidth;
use crate::error::Invalid;
use crate::fraction::gcd;
use crate::lang::Lang;
use crate::money::Fen;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;

/// Basis points in 100%.
pub const WHOLE_BP: i64 = 10_000;

/// The largest denominator of a typed fraction ("1/6"): far beyond any floor count, small
/// enough that sums and cross-products stay exact in `i128`.
pub const MAX_DENOMINATOR: i64 = 1_000_000;

/// A floor's coefficient: an exact fraction of the whole amount due, never negative, kept
/// in lowest terms (so 1000/10000 and 1/10 are the same coefficient).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Coefficient {
    num: i64,
    den: i64,
}

impl Coefficient {
    pub const ZERO: Coefficient = Coefficient { num: 0, den: 1 };
    pub const WHOLE: Coefficient = Coefficient { num: 1, den: 1 };

    /// `num/den` of the whole. Refused: a zero or too large denominator, a negative value.
    /// (More than the whole is left to the table's sum to refuse, with the total named.)
    pub fn new(num: i64, den: i64) -> Result<Coefficient, Invalid> {
        if den <= 0 || den > MAX_DENOMINATOR * WHOLE_BP {
            return Err(Invalid::NotPositive);
        }
        if num < 0 {
            return Err(Invalid::Negative);
        }
        // Both fit an i64, and so does their divisor.
        let g = i64::try_from(gcd(i128::from(num), i128::from(den)).max(1)).unwrap_or(1);
        Ok(Coefficient {
            num: num / g,
            den: den / g,
        })
    }

    /// Basis points (hundredths of a percent): 1000 → 10%.
    pub fn from_bp(bp: i64) -> Result<Coefficient, Invalid> {
        Coefficient::new(bp, WHOLE_BP)
    }

    /// A coefficient as typed: a percentage with at most two decimals ("10", "12.5%") or a
    /// fraction of the whole ("1/6", "１／６").
    pub fn parse(input: &str) -> Result<Coefficient, Invalid> {
        let typed: String = input
            .trim()
            .chars()
            .map(halfwidth)
            .map(|c| if c == '／' { '/' } else { c })
            .collect();
        let Some((n, d)) = typed.split_once('/') else {
            return Coefficient::from_bp(parse_percent_bp(&typed)?);
        };
        let (n, d) = (n.trim(), d.trim());
        if n.starts_with('-') {
            return Err(Invalid::Negative);
        }
        let digits =
            |p: &str| !p.is_empty() && p.len() <= 7 && p.chars().all(|c| c.is_ascii_digit());
        if !digits(n) || !digits(d) {
            return Err(Invalid::NotANumber);
        }
        let (n, d): (i64, i64) = (
            n.parse().map_err(|_| Invalid::NotANumber)?,
            d.parse().map_err(|_| Invalid::NotANumber)?,
        );
        if d == 0 || d > MAX_DENOMINATOR {
            return Err(Invalid::OutOfRange {
                min: 1,
                max: MAX_DENOMINATOR,
            });
        }
        Coefficient::new(n, d)
    }

    pub fn num(self) -> i64 {
        self.num
    }

    pub fn den(self) -> i64 {
        self.den
    }

    /// The coefficient in basis points when it is a whole number of them (10% → 1000; 1/6 → none).
    pub fn as_bp(self) -> Option<i64> {
        (WHOLE_BP % self.den == 0).then(|| self.num * (WHOLE_BP / self.den))
    }
}

/// "10.00%" when the coefficient is whole basis points, else the fraction "1/6".
impl fmt::Display for Coefficient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.as_bp() {
            Some(bp) => write!(f, "{}%", Fen(bp)),
            None => write!(f, "{}/{}", self.num, self.den),
        }
    }
}

/// Stored as basis points when exact (`1000`), as text otherwise (`"1/6"`), so every table
/// written before fractions existed still reads the same.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum StoredCoefficient {
    Bp(i64),
    Text(String),
}

impl Serialize for Coefficient {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.as_bp() {
            Some(bp) => StoredCoefficient::Bp(bp),
            None => StoredCoefficient::Text(format!("{}/{}", self.num, self.den)),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Coefficient {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Coefficient, D::Error> {
        match StoredCoefficient::deserialize(d)? {
            StoredCoefficient::Bp(bp) => Coefficient::from_bp(bp),
            StoredCoefficient::Text(t) => Coefficient::parse(&t),
        }
        .map_err(|e| serde::de::Error::custom(e.code()))
    }
}

crate::text_enum! {
    /// How a project splits what is due: by floor coefficients (then equally within a floor), or
    /// equally per flat, whatever its floor.
    #[derive(Default)]
    pub enum ShareMode {
        #[default]
        Floors = "floors",
        EqualPerFlat = "equal_per_flat",
    }
}

impl ShareMode {
    /// Whether the floor coefficients decide the shares (and so are shown beside them).
    pub fn by_floors(self) -> bool {
        self == ShareMode::Floors
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            ShareMode::Floors => lang.pick(
                "按楼层系数分摊（同层各户均分）",
                "by floor coefficients (equal within a floor)",
            ),
            ShareMode::EqualPerFlat => lang.pick(
                "每户均摊（不分楼层）",
                "equally per flat, whatever the floor",
            ),
        }
    }
}

/// A project's floor coefficients, one per floor, adding up to exactly the whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<(i32, Coefficient)>", into = "Vec<(i32, Coefficient)>")]
pub struct CoefficientTable(BTreeMap<i32, Coefficient>);

impl CoefficientTable {
    /// A table from `(floor, basis points)` rows: no floor twice, no negative coefficient,
    /// and a total of exactly 100%.
    pub fn new(rows: impl IntoIterator<Item = (i32, i64)>) -> Result<CoefficientTable, Invalid> {
        let mut exact = Vec::new();
        for (floor, bp) in rows {
            exact.push((floor, Coefficient::from_bp(bp)?));
        }
        CoefficientTable::exact(exact)
    }

    /// A table from `(floor, coefficient)` rows: no floor twice, and a total of exactly one
    /// whole (1/6 six times is; 16.67% six times is not).
    pub fn exact(
        rows: impl IntoIterator<Item = (i32, Coefficient)>,
    ) -> Result<CoefficientTable, Invalid> {
        let mut map = BTreeMap::new();
        for (floor, c) in rows {
            if map.insert(floor, c).is_some() {
                return Err(Invalid::DuplicateFloor { floor });
            }
        }
        let (num, den) = sum(map.values().copied());
        if num != den {
            return Err(Invalid::CoefficientsSum {
                total: total_text(num, den),
            });
        }
        Ok(CoefficientTable(map))
    }

    /// The Shanghai 新民村 table for six floors: 1F 0, 2F 0, 3F 10%, 4F 20%, 5F 30%, 6F 40%.
    pub fn preset_six_floors() -> CoefficientTable {
        CoefficientTable::from_bp_unchecked([
            (1, 0),
            (2, 0),
            (3, 1000),
            (4, 2000),
            (5, 3000),
            (6, 4000),
        ])
    }

    /// Rows known to be valid basis points adding up to 100%.
    fn from_bp_unchecked(rows: impl IntoIterator<Item = (i32, i64)>) -> CoefficientTable {
        CoefficientTable(
            rows.into_iter()
                .map(|(f, bp)| (f, Coefficient::from_bp(bp).unwrap_or(Coefficient::ZERO)))
                .collect(),
        )
    }

    /// The same idea for any height: floors 1 and 2 pay nothing, floor `k ≥ 3` weighs
    /// `k − 2`, in basis points rounded down with the rest to the top floor. Six floors give
    /// exactly the 新民村 table; a unit of one or two floors splits equally.
    pub fn preset_for_floors(floors: i32) -> CoefficientTable {
        let floors = floors.clamp(1, 60);
        if floors <= 2 {
            let each = WHOLE_BP / i64::from(floors);
            let rows = (1..=floors).map(|f| {
                (
                    f,
                    if f == floors {
                        WHOLE_BP - each * i64::from(floors - 1)
                    } else {
                        each
                    },
                )
            });
            return CoefficientTable::from_bp_unchecked(rows);
        }
        let weight: i64 = (1..=i64::from(floors - 2)).sum();
        let mut map: BTreeMap<i32, i64> = (1..=floors)
            .map(|f| (f, (i64::from(f) - 2).max(0) * WHOLE_BP / weight))
            .collect();
        let given: i64 = map.values().sum();
        if let Some(top) = map.get_mut(&floors) {
            *top += WHOLE_BP - given;
        }
        CoefficientTable::from_bp_unchecked(map)
    }

    pub fn rows(&self) -> impl Iterator<Item = (i32, Coefficient)> + '_ {
        self.0.iter().map(|(f, c)| (*f, *c))
    }

    pub fn get(&self, floor: i32) -> Option<Coefficient> {
        self.0.get(&floor).copied()
    }
}

/// The exact sum of coefficients as `(num, den)` in lowest terms (denominators are bounded,
/// so the sum of a table of up to 60 floors stays far inside `i128`).
fn sum(cs: impl Iterator<Item = Coefficient>) -> (i128, i128) {
    let (mut n, mut d) = (0i128, 1i128);
    for c in cs {
        let (cn, cd) = (i128::from(c.num), i128::from(c.den));
        n = n * cd + cn * d;
        d *= cd;
        let g = gcd(n, d).max(1);
        n /= g;
        d /= g;
    }
    (n, d)
}

/// A total as people read it: "90.00%" when whole basis points, else "5/6".
fn total_text(num: i128, den: i128) -> String {
    if (i128::from(WHOLE_BP) * num) % den == 0 {
        let bp = i128::from(WHOLE_BP) * num / den;
        format!("{}%", Fen(i64::try_from(bp).unwrap_or(i64::MAX)))
    } else {
        format!("{num}/{den}")
    }
}

impl TryFrom<Vec<(i32, Coefficient)>> for CoefficientTable {
    type Error = String;
    fn try_from(rows: Vec<(i32, Coefficient)>) -> Result<CoefficientTable, String> {
        CoefficientTable::exact(rows).map_err(|e| e.code().to_string())
    }
}

impl From<CoefficientTable> for Vec<(i32, Coefficient)> {
    fn from(t: CoefficientTable) -> Vec<(i32, Coefficient)> {
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
    /// The part of the whole this household's group shares: its floor's coefficient, or the
    /// whole amount when it is split equally per flat.
    pub coefficient: Coefficient,
    /// Households sharing that part equally (on the floor, or in the whole unit).
    pub on_floor: u32,
    pub share: Fen,
}

/// Refuses a household listed twice: it would be billed twice.
fn each_once(households: &[HouseholdFloor]) -> Result<(), Invalid> {
    let mut seen = std::collections::BTreeSet::new();
    for h in households {
        if !seen.insert(h.household_id) {
            return Err(Invalid::HouseholdTwice {
                household_id: h.household_id,
            });
        }
    }
    Ok(())
}

/// Splits `amount` among `households` by the table. Refused: a negative amount; a household
/// listed twice (`HouseholdTwice`); a household on a floor the table does not list
/// (`FloorNotInTable`); a floor with a coefficient above zero and nobody on it (`EmptyFloor`),
/// whose part nobody could be asked to pay. Lines come back ordered by floor, then household id.
pub fn apportion(
    amount: Fen,
    table: &CoefficientTable,
    households: &[HouseholdFloor],
) -> Result<Vec<ShareLine>, Invalid> {
    if amount.0 < 0 {
        return Err(Invalid::Negative);
    }
    each_once(households)?;
    let mut counts: BTreeMap<i32, i64> = BTreeMap::new();
    for h in households {
        if table.get(h.floor).is_none() {
            return Err(Invalid::FloorNotInTable { floor: h.floor });
        }
        *counts.entry(h.floor).or_default() += 1;
    }
    if let Some((floor, _)) = table
        .rows()
        .find(|(f, c)| c.num() > 0 && !counts.contains_key(f))
    {
        return Err(Invalid::EmptyFloor { floor });
    }
    let parts: Vec<(HouseholdFloor, i128, i128)> = households
        .iter()
        .map(|h| {
            let c = table.get(h.floor).unwrap_or(Coefficient::ZERO);
            let n = counts.get(&h.floor).copied().unwrap_or(1);
            (*h, i128::from(c.num()), i128::from(c.den()) * i128::from(n))
        })
        .collect();
    let shares = largest_remainder(amount, &parts)?;
    let mut out: Vec<ShareLine> = households
        .iter()
        .zip(shares)
        .map(|(h, share)| ShareLine {
            household_id: h.household_id,
            floor: h.floor,
            coefficient: table.get(h.floor).unwrap_or(Coefficient::ZERO),
            on_floor: u32::try_from(counts.get(&h.floor).copied().unwrap_or(1)).unwrap_or(u32::MAX),
            share,
        })
        .collect();
    out.sort_by(|a, b| {
        a.floor
            .cmp(&b.floor)
            .then(a.household_id.cmp(&b.household_id))
    });
    Ok(out)
}

/// Splits `amount` equally among `households`, whatever their floor, by the same largest
/// remainder and tie rule. Refused: a negative amount, a household listed twice, no household.
pub fn apportion_equally(
    amount: Fen,
    households: &[HouseholdFloor],
) -> Result<Vec<ShareLine>, Invalid> {
    if amount.0 < 0 {
        return Err(Invalid::Negative);
    }
    each_once(households)?;
    if households.is_empty() {
        return Err(Invalid::NoHouseholds);
    }
    let n = i128::try_from(households.len()).map_err(|_| Invalid::NotANumber)?;
    let parts: Vec<(HouseholdFloor, i128, i128)> = households.iter().map(|h| (*h, 1, n)).collect();
    let on_floor = u32::try_from(households.len()).unwrap_or(u32::MAX);
    let mut out: Vec<ShareLine> = households
        .iter()
        .zip(largest_remainder(amount, &parts)?)
        .map(|(h, share)| ShareLine {
            household_id: h.household_id,
            floor: h.floor,
            coefficient: Coefficient::WHOLE,
            on_floor,
            share,
        })
        .collect();
    out.sort_by(|a, b| {
        a.floor
            .cmp(&b.floor)
            .then(a.household_id.cmp(&b.household_id))
    });
    Ok(out)
}

/// Splits `amount` the way the project decided: [`apportion`] or [`apportion_equally`].
pub fn apportion_by(
    amount: Fen,
    mode: ShareMode,
    table: &CoefficientTable,
    households: &[HouseholdFloor],
) -> Result<Vec<ShareLine>, Invalid> {
    match mode {
        ShareMode::Floors => apportion(amount, table, households),
        ShareMode::EqualPerFlat => apportion_equally(amount, households),
    }
}

/// The largest-remainder split behind every share in this module: household `i`'s exact
/// share is `amount × num_i / den_i` (the parts must add up to one whole). Each gets the fen
/// below its exact share; the fen left over go one each to the largest remainders, ties to
/// the higher floor, then the lower household id. Shares come back in the order of `parts`
/// and add up to `amount` exactly. Refused: a negative amount.
pub fn largest_remainder(
    amount: Fen,
    parts: &[(HouseholdFloor, i128, i128)],
) -> Result<Vec<Fen>, Invalid> {
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
        (rb * da)
            .cmp(&(ra * db))
            .then(hb.floor.cmp(&ha.floor))
            .then(ha.household_id.cmp(&hb.household_id))
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

/// Orders two lines by their exact shares (for tests and checks): `amount × c / n`.
pub fn exact_cmp(a: &ShareLine, b: &ShareLine) -> Ordering {
    let (an, ad) = (
        i128::from(a.coefficient.num()),
        i128::from(a.coefficient.den()) * i128::from(a.on_floor),
    );
    let (bn, bd) = (
        i128::from(b.coefficient.num()),
        i128::from(b.coefficient.den()) * i128::from(b.on_floor),
    );
    (an * bd).cmp(&(bn * ad))
}

crate::text_enum! {
    /// How a household's payment towards its share came in; a correction is the entry that
    /// voids a wrongly recorded payment (its amount negative), never typed on a form.
    pub enum PayMethod {
        Cash = "cash",
        Transfer = "transfer",
        Correction = "correction",
    }
}

impl PayMethod {
    /// The methods the committee types when it takes a payment.
    pub fn is_taken_in(self) -> bool {
        self != PayMethod::Correction
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            PayMethod::Cash => lang.pick("现金", "cash"),
            PayMethod::Transfer => lang.pick("转账", "transfer"),
            PayMethod::Correction => {
                lang.pick("冲正（作废一笔错账）", "correction (voids a wrong entry)")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `per_floor` households on each of floors 1..=floors, ids floor×100 + k.
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

    fn shares(lines: &[ShareLine]) -> Vec<(i64, i64)> {
        lines.iter().map(|l| (l.household_id, l.share.0)).collect()
    }

    #[test]
    fn the_shanghai_table_on_a_six_floor_unit() {
        // 458,000 yuan cost, Shanghai subsidy 183,200 → 274,800 yuan due, 12 households.
        let lines = apportion(
            Fen(27_480_000),
            &CoefficientTable::preset_six_floors(),
            &unit(6, 2),
        )
        .unwrap();
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
        let lines = apportion(
            Fen(100),
            &CoefficientTable::preset_six_floors(),
            &unit(6, 3),
        )
        .unwrap();
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
        assert_eq!(
            CoefficientTable::preset_for_floors(6),
            CoefficientTable::preset_six_floors()
        );
        for floors in -1..=40 {
            let t = CoefficientTable::preset_for_floors(floors);
            assert_eq!(
                CoefficientTable::exact(t.rows()),
                Ok(t.clone()),
                "{floors} floors"
            );
        }
        let seven: Vec<_> = CoefficientTable::preset_for_floors(7).rows().collect();
        let bp = |rows: Vec<(i32, Coefficient)>| {
            rows.into_iter()
                .map(|(f, c)| (f, c.as_bp().unwrap()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            bp(seven),
            vec![
                (1, 0),
                (2, 0),
                (3, 666),
                (4, 1333),
                (5, 2000),
                (6, 2666),
                (7, 3335)
            ]
        );
        assert_eq!(
            bp(CoefficientTable::preset_for_floors(2).rows().collect()),
            vec![(1, 5000), (2, 5000)]
        );
    }

    #[test]
    fn tables_that_do_not_add_up_are_refused() {
        let total = |t: &str| Err(Invalid::CoefficientsSum { total: t.into() });
        assert_eq!(
            CoefficientTable::new([(1, 5000), (2, 4000)]),
            total("90.00%")
        );
        assert_eq!(
            CoefficientTable::new([(1, 5000), (2, 5001)]),
            total("100.01%")
        );
        assert_eq!(CoefficientTable::new([]), total("0.00%"));
        assert_eq!(
            CoefficientTable::new([(1, 5000), (1, 5000)]),
            Err(Invalid::DuplicateFloor { floor: 1 })
        );
        assert_eq!(
            CoefficientTable::new([(1, 11_000), (2, -1000)]),
            Err(Invalid::Negative)
        );
        assert!(CoefficientTable::new([(3, 10_000)]).is_ok());
    }

    #[test]
    fn floors_without_households_and_households_without_floors() {
        let table = CoefficientTable::preset_six_floors();
        // Nobody on 5F, which carries 30%: refused, naming the floor.
        let without_5: Vec<_> = unit(6, 2).into_iter().filter(|h| h.floor != 5).collect();
        assert_eq!(
            apportion(Fen(10_000), &table, &without_5),
            Err(Invalid::EmptyFloor { floor: 5 })
        );
        // Nobody on 1F, which carries nothing: fine.
        let without_1: Vec<_> = unit(6, 2).into_iter().filter(|h| h.floor != 1).collect();
        assert_eq!(
            apportion(Fen(10_000), &table, &without_1).map(|l| l.len()),
            Ok(10)
        );
        // A seventh floor the table does not list.
        let mut seven = unit(6, 1);
        seven.push(HouseholdFloor {
            household_id: 701,
            floor: 7,
        });
        assert_eq!(
            apportion(Fen(10_000), &table, &seven),
            Err(Invalid::FloorNotInTable { floor: 7 })
        );
        assert_eq!(
            apportion(Fen(-1), &table, &unit(6, 1)),
            Err(Invalid::Negative)
        );
        // Nothing due (a subsidy covering the whole cost): every share is zero.
        assert!(
            apportion(Fen(0), &table, &unit(6, 2))
                .unwrap()
                .iter()
                .all(|l| l.share == Fen(0))
        );
    }

    #[test]
    fn a_household_listed_twice_is_refused() {
        let table = CoefficientTable::preset_six_floors();
        // (households, the error): the same flat on two floors, or twice on one floor.
        let cases: Vec<(Vec<HouseholdFloor>, Invalid)> = vec![
            (
                {
                    let mut u = unit(6, 1);
                    u.push(HouseholdFloor {
                        household_id: 301,
                        floor: 4,
                    });
                    u
                },
                Invalid::HouseholdTwice { household_id: 301 },
            ),
            (
                {
                    let mut u = unit(6, 2);
                    u.push(HouseholdFloor {
                        household_id: 602,
                        floor: 6,
                    });
                    u
                },
                Invalid::HouseholdTwice { household_id: 602 },
            ),
        ];
        for (households, error) in cases {
            assert_eq!(
                apportion(Fen(100_000), &table, &households),
                Err(error.clone())
            );
            assert_eq!(
                apportion_equally(Fen(100_000), &households),
                Err(error.clone())
            );
            assert_eq!(
                apportion_by(Fen(100_000), ShareMode::EqualPerFlat, &table, &households),
                Err(error)
            );
        }
        assert_eq!(
            Invalid::HouseholdTwice { household_id: 7 }.code(),
            "household_twice"
        );
    }

    #[test]
    fn coefficients_as_typed() {
        let c = |n, d| Ok(Coefficient::new(n, d).unwrap());
        let table: &[(&str, Result<Coefficient, Invalid>)] = &[
            ("10", c(1, 10)),
            ("12.5%", c(1, 8)),
            ("0", c(0, 1)),
            ("1/6", c(1, 6)),
            ("１／６", c(1, 6)),
            (" 2 / 12 ", c(1, 6)),
            ("0/6", c(0, 1)),
            (
                "1/0",
                Err(Invalid::OutOfRange {
                    min: 1,
                    max: MAX_DENOMINATOR,
                }),
            ),
            (
                "1/2000000",
                Err(Invalid::OutOfRange {
                    min: 1,
                    max: MAX_DENOMINATOR,
                }),
            ),
            ("-1/6", Err(Invalid::Negative)),
            ("a/6", Err(Invalid::NotANumber)),
            ("1/", Err(Invalid::NotANumber)),
            ("1.5/6", Err(Invalid::NotANumber)),
            ("10.005", Err(Invalid::TooManyDecimals { max: 2 })),
            ("", Err(Invalid::Required)),
        ];
        for (typed, want) in table {
            assert_eq!(&Coefficient::parse(typed), want, "{typed:?}");
        }
        assert_eq!(Coefficient::parse("1/6").unwrap().to_string(), "1/6");
        assert_eq!(Coefficient::parse("10").unwrap().to_string(), "10.00%");
        assert_eq!(Coefficient::parse("1/8").unwrap().as_bp(), Some(1250));
        assert_eq!(Coefficient::parse("1/3").unwrap().as_bp(), None);
    }

    #[test]
    fn sixths_add_up_exactly_and_sixteen_point_six_seven_does_not() {
        let sixth = Coefficient::parse("1/6").unwrap();
        let table = CoefficientTable::exact((1..=6).map(|f| (f, sixth))).unwrap();
        // Stored as text where percent cannot say it, and read back the same.
        let json = serde_json::to_string(&table).unwrap();
        assert_eq!(
            json,
            r#"[[1,"1/6"],[2,"1/6"],[3,"1/6"],[4,"1/6"],[5,"1/6"],[6,"1/6"]]"#
        );
        assert_eq!(
            serde_json::from_str::<CoefficientTable>(&json).unwrap(),
            table
        );
        // Tables stored as basis points before fractions existed still read.
        assert_eq!(
            serde_json::from_str::<CoefficientTable>(
                "[[1,0],[2,0],[3,1000],[4,2000],[5,3000],[6,4000]]"
            )
            .unwrap(),
            CoefficientTable::preset_six_floors()
        );
        let p1667 = Coefficient::parse("16.67").unwrap();
        assert_eq!(
            CoefficientTable::exact((1..=6).map(|f| (f, p1667))),
            Err(Invalid::CoefficientsSum {
                total: "100.02%".into()
            })
        );
        let mut five_sixths: Vec<(i32, Coefficient)> = (1..=5).map(|f| (f, sixth)).collect();
        five_sixths.push((6, Coefficient::ZERO));
        assert_eq!(
            CoefficientTable::exact(five_sixths),
            Err(Invalid::CoefficientsSum {
                total: "5/6".into()
            })
        );
        // 1,000.01 yuan over six floors of two: 100001 / 12 = 8333.41…; the 5 fen left over go
        // to equal remainders, so by the tie rule: higher floor first, then lower id.
        let lines = apportion(Fen(100_001), &table, &unit(6, 2)).unwrap();
        assert_eq!(lines.iter().map(|l| l.share.0).sum::<i64>(), 100_001);
        let of = |id: i64| lines.iter().find(|l| l.household_id == id).unwrap().share.0;
        assert_eq!(
            [
                of(601),
                of(602),
                of(501),
                of(502),
                of(401),
                of(402),
                of(101)
            ],
            [8334, 8334, 8334, 8334, 8334, 8333, 8333]
        );
        assert_eq!(lines.iter().filter(|l| l.share.0 == 8334).count(), 5);
        assert!(
            lines
                .iter()
                .all(|l| l.coefficient == sixth && l.on_floor == 2)
        );
    }

    #[test]
    fn equal_per_flat_ignores_the_floors() {
        // Floors of unequal size: 1F one flat, 6F three. Every flat pays the same.
        let households = vec![
            HouseholdFloor {
                household_id: 101,
                floor: 1,
            },
            HouseholdFloor {
                household_id: 601,
                floor: 6,
            },
            HouseholdFloor {
                household_id: 602,
                floor: 6,
            },
            HouseholdFloor {
                household_id: 603,
                floor: 6,
            },
        ];
        let table = CoefficientTable::preset_six_floors();
        let lines = apportion_by(Fen(1_001), ShareMode::EqualPerFlat, &table, &households).unwrap();
        // 1001 / 4 = 250.25: one fen left, to the higher floor's lowest id.
        assert_eq!(
            shares(&lines),
            vec![(101, 250), (601, 251), (602, 250), (603, 250)]
        );
        assert!(
            lines
                .iter()
                .all(|l| l.coefficient == Coefficient::WHOLE && l.on_floor == 4)
        );
        assert_eq!(apportion_equally(Fen(100), &[]), Err(Invalid::NoHouseholds));
        assert_eq!(
            apportion_equally(Fen(-1), &households),
            Err(Invalid::Negative)
        );
        // The same households by floors: 1F pays nothing.
        let floors = apportion_by(
            Fen(1_001),
            ShareMode::Floors,
            &CoefficientTable::exact([(1, Coefficient::ZERO), (6, Coefficient::WHOLE)]).unwrap(),
            &households,
        )
        .unwrap();
        assert_eq!(
            shares(&floors),
            vec![(101, 0), (601, 334), (602, 334), (603, 333)]
        );
        assert_eq!(
            ShareMode::parse("equal_per_flat"),
            Ok(ShareMode::EqualPerFlat)
        );
        assert_eq!(ShareMode::parse("equal"), Err(Invalid::BadChoice));
    }

    #[test]
    fn serde_refuses_a_bad_table() {
        let json = serde_json::to_string(&CoefficientTable::preset_six_floors()).unwrap();
        assert_eq!(
            serde_json::from_str::<CoefficientTable>(&json).unwrap(),
            CoefficientTable::preset_six_floors()
        );
        assert!(serde_json::from_str::<CoefficientTable>("[[1,5000]]").is_err());
    }

    /// A table of `floors` floors with random coefficients adding up to 100%.
    fn arb_table() -> impl Strategy<Value = CoefficientTable> {
        (1usize..9)
            .prop_flat_map(|floors| prop::collection::vec(0i64..=WHOLE_BP, floors - 1))
            .prop_map(|mut cuts| {
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

    /// A table of `floors` floors with coefficients of random denominators adding up to one
    /// whole: the cuts of `k/lcm` for a common denominator of up to 7·8·9.
    fn arb_fraction_table() -> impl Strategy<Value = CoefficientTable> {
        (
            1usize..9,
            prop::sample::select(vec![3i64, 6, 7, 9, 12, 504]),
        )
            .prop_flat_map(|(floors, den)| {
                (Just(den), prop::collection::vec(0i64..=den, floors - 1))
            })
            .prop_map(|(den, mut cuts)| {
                cuts.sort_unstable();
                let mut prev = 0;
                let mut rows = Vec::new();
                for (i, c) in cuts.iter().chain(std::iter::once(&den)).enumerate() {
                    rows.push((i as i32 + 1, Coefficient::new(c - prev, den).unwrap()));
                    prev = *c;
                }
                CoefficientTable::exact(rows).unwrap()
            })
    }

    /// `counts[f − 1]` households on each floor `f` of the table, split by `mode`: one line each,
    /// adding up to the amount; no line more than a fen off its exact share; a larger exact
    /// share never pays less.
    fn check_split(
        table: &CoefficientTable,
        mode: ShareMode,
        counts: &[i64],
        amount: i64,
    ) -> Result<(), TestCaseError> {
        let households: Vec<HouseholdFloor> = table
            .rows()
            .flat_map(|(f, _)| {
                (0..counts[(f - 1) as usize]).map(move |k| HouseholdFloor {
                    household_id: i64::from(f) * 10 + k,
                    floor: f,
                })
            })
            .collect();
        let lines = apportion_by(Fen(amount), mode, table, &households).unwrap();
        prop_assert_eq!(lines.len(), households.len());
        prop_assert_eq!(lines.iter().map(|l| l.share.0).sum::<i64>(), amount);
        for a in &lines {
            let exact_num = i128::from(amount) * i128::from(a.coefficient.num());
            let den = i128::from(a.coefficient.den()) * i128::from(a.on_floor);
            prop_assert!(i128::from(a.share.0) * den > exact_num - den);
            prop_assert!(i128::from(a.share.0) * den < exact_num + den);
            for b in &lines {
                if exact_cmp(a, b) == Ordering::Greater {
                    prop_assert!(a.share >= b.share, "{:?} pays less than {:?}", a, b);
                }
            }
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn shares_always_sum_exactly(table in arb_table(), counts in prop::collection::vec(1i64..6, 8), amount in 0i64..100_000_000_000) {
            check_split(&table, ShareMode::Floors, &counts, amount)?;
        }

        #[test]
        fn fraction_tables_and_equal_shares_sum_exactly(table in arb_fraction_table(), counts in prop::collection::vec(1i64..6, 8), amount in 0i64..100_000_000_000, equal in any::<bool>()) {
            check_split(&table, if equal { ShareMode::EqualPerFlat } else { ShareMode::Floors }, &counts, amount)?;
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
                    if a.coefficient.num() * b.coefficient.den() > b.coefficient.num() * a.coefficient.den() {
                        prop_assert!(a.share >= b.share, "{:?} pays less than {:?}", a, b);
                    }
                }
            }
        }
    }
}
