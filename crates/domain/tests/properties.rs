//! Property tests of the domain's exact arithmetic.
#![allow(clippy::unwrap_used)]

use linli_domain::registry::{Phone, Share};
use linli_domain::{Area, Fraction};
use proptest::prelude::*;

proptest! {
    /// Every valid area prints and parses back to itself.
    #[test]
    fn area_round_trips(centi in 1i64..=1_000_000) {
        let a = Area::from_centi(centi).unwrap();
        prop_assert_eq!(Area::parse(&a.to_string()), Ok(a));
        prop_assert_eq!(Area::parse(&format!("{a}㎡")), Ok(a));
    }

    /// Parsing arbitrary text never panics, and what it accepts is positive.
    #[test]
    fn area_parse_is_total(s in "\\PC{0,20}") {
        if let Ok(a) = Area::parse(&s) {
            prop_assert!(a.centi() > 0);
        }
    }

    /// Adding a yes vote (part+1 of the same whole) never turns a pass into a fail.
    #[test]
    fn threshold_is_monotonic(num in 1i64..10, den in 1i64..10, part in 0i64..1000, whole in 1i64..1000) {
        prop_assume!(num <= den && part < whole);
        let f = Fraction::new(num, den).unwrap();
        if f.reached_by(part, whole) { prop_assert!(f.reached_by(part + 1, whole)); }
        if f.exceeded_by(part, whole) { prop_assert!(f.exceeded_by(part + 1, whole)); }
        // Strictly exceeding implies reaching.
        if f.exceeded_by(part, whole) { prop_assert!(f.reached_by(part, whole)); }
    }

    /// Reaching a fraction agrees with exact rational comparison.
    #[test]
    fn threshold_matches_rationals(num in 1i64..100, den in 1i64..100, part in 0i64..100_000, whole in 1i64..100_000) {
        let f = Fraction::new(num, den).unwrap();
        prop_assert_eq!(f.reached_by(part, whole), (part as i128) * (den as i128) >= (num as i128) * (whole as i128));
    }

    /// Shares print and parse back.
    #[test]
    fn share_round_trips(bp in 1i64..=10_000) {
        let s = Share::from_bp(bp).unwrap();
        prop_assert_eq!(Share::parse_percent(&s.percent()), Ok(s));
    }

    /// A parsed phone is digits only, of a valid length.
    #[test]
    fn phone_parse_is_total(s in "[0-9 +\\-]{0,20}") {
        if let Ok(p) = Phone::parse(&s) {
            prop_assert!(p.as_str().chars().all(|c| c.is_ascii_digit()));
            prop_assert!((7..=12).contains(&p.as_str().len()));
        }
    }
}
