//! Exact fractions for thresholds ("more than two thirds", "at least three quarters").
//! Compared by cross-multiplication in `i128`, so no rounding can turn a failing vote into
//! a passing one.

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Fraction {
    num: i64,
    den: i64,
}

impl Fraction {
    /// A fraction with a positive denominator; `None` when `den` is zero.
    pub fn new(num: i64, den: i64) -> Option<Fraction> {
        match den.cmp(&0) {
            Ordering::Equal => None,
            Ordering::Greater => Some(Fraction { num, den }),
            Ordering::Less => Some(Fraction {
                num: num.checked_neg()?,
                den: den.checked_neg()?,
            }),
        }
    }

    /// A whole number as a fraction (`90` → 90/1).
    pub fn from_int(n: i64) -> Fraction {
        Fraction { num: n, den: 1 }
    }

    pub fn num(self) -> i64 {
        self.num
    }

    pub fn den(self) -> i64 {
        self.den
    }

    /// Whether `part / whole` reaches this fraction: `part/whole ≥ num/den` ("以上", inclusive).
    /// A zero `whole` never reaches a positive threshold.
    pub fn reached_by(self, part: i64, whole: i64) -> bool {
        if whole <= 0 {
            return self.num <= 0;
        }
        i128::from(part) * i128::from(self.den) >= i128::from(self.num) * i128::from(whole)
    }

    /// Whether `part / whole` exceeds this fraction strictly ("过半数", "超过").
    pub fn exceeded_by(self, part: i64, whole: i64) -> bool {
        if whole <= 0 {
            return false;
        }
        i128::from(part) * i128::from(self.den) > i128::from(self.num) * i128::from(whole)
    }
}

/// The greatest common divisor of `|a|` and `|b|` (0 when both are 0): what brings a sum or
/// mean of fractions back to lowest terms.
pub fn gcd(a: i128, b: i128) -> i128 {
    let (mut a, mut b) = (a.abs(), b.abs());
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

impl PartialEq for Fraction {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Fraction {}
impl PartialOrd for Fraction {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Fraction {
    fn cmp(&self, other: &Self) -> Ordering {
        (i128::from(self.num) * i128::from(other.den))
            .cmp(&(i128::from(other.num) * i128::from(self.den)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(n: i64, d: i64) -> Fraction {
        Fraction::new(n, d).unwrap()
    }

    #[test]
    fn two_thirds_boundary_is_exact() {
        let two_thirds = f(2, 3);
        // 20 households: 14/20 reaches 2/3, 13/20 does not.
        assert!(two_thirds.reached_by(14, 20));
        assert!(!two_thirds.reached_by(13, 20));
        // exactly 2/3
        assert!(two_thirds.reached_by(20, 30));
        assert!(!two_thirds.exceeded_by(20, 30));
        assert!(two_thirds.exceeded_by(21, 30));
        // one hundredth of a square metre short of 2/3 of 300.00 m²
        assert!(!two_thirds.reached_by(19_999, 30_000));
        assert!(two_thirds.reached_by(20_000, 30_000));
    }

    #[test]
    fn half_is_strict_for_exceeded() {
        let half = f(1, 2);
        assert!(!half.exceeded_by(5, 10));
        assert!(half.exceeded_by(6, 10));
        assert!(half.reached_by(5, 10));
    }

    #[test]
    fn zero_whole_never_passes() {
        assert!(!f(2, 3).reached_by(0, 0));
        assert!(!f(1, 2).exceeded_by(0, 0));
    }

    #[test]
    fn ordering_and_normalised_sign() {
        assert!(f(2, 3) > f(1, 2));
        assert_eq!(f(2, 4), f(1, 2));
        assert_eq!(f(1, -2), f(-1, 2));
        assert!(Fraction::new(1, 0).is_none());
    }
}
