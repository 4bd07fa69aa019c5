//! How well requests are served, exactly: counts, rates as [`Fraction`]s and the median time
//! to resolve. The store adds counts up in SQL (GROUP BY grid, compound, category, month) and
//! hands the sums here; the rates are only divided for display.
//!
//! - response rate: requests someone started work on, of all requests;
//! - resolution rate: requests resolved (or closed after resolving), of all requests;
//! - satisfaction rate: ratings of 4 or 5, of all ratings;
//! - overdue: requests whose deadline passed before it was met (or is still unmet).

use crate::fraction::Fraction;
use serde::Serialize;

crate::text_enum! {
    /// What a page of figures is about: a grid of a compound, a compound, or a region.
    pub enum MetricsOf {
        Grid = "grid",
        Compound = "compound",
        City = "city",
        District = "district",
        Subdistrict = "subdistrict",
        Community = "community",
    }
}

impl MetricsOf {
    /// The figures of a place of the hierarchy (a compound or a region above it).
    pub fn place(kind: crate::place::NodeKind) -> MetricsOf {
        use crate::place::NodeKind as K;
        match kind {
            K::City => MetricsOf::City,
            K::District => MetricsOf::District,
            K::Subdistrict => MetricsOf::Subdistrict,
            K::Community => MetricsOf::Community,
            K::Compound | K::Building | K::Unit | K::Household => MetricsOf::Compound,
        }
    }

    pub fn is_grid(self) -> bool {
        self == MetricsOf::Grid
    }
}

/// The lowest rating counted as satisfied (of 1–5).
pub const SATISFIED_FROM: i32 = 4;

/// Sums over a set of requests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub total: i64,
    pub responded: i64,
    pub resolved: i64,
    pub rated: i64,
    pub satisfied: i64,
    pub overdue: i64,
}

impl Tally {
    pub fn add(&mut self, o: &Tally) {
        self.total += o.total;
        self.responded += o.responded;
        self.resolved += o.resolved;
        self.rated += o.rated;
        self.satisfied += o.satisfied;
        self.overdue += o.overdue;
    }

    pub fn response_rate(&self) -> Option<Fraction> {
        Fraction::new(self.responded, self.total).filter(|_| self.total > 0)
    }

    pub fn resolution_rate(&self) -> Option<Fraction> {
        Fraction::new(self.resolved, self.total).filter(|_| self.total > 0)
    }

    pub fn satisfaction_rate(&self) -> Option<Fraction> {
        Fraction::new(self.satisfied, self.rated).filter(|_| self.rated > 0)
    }
}

/// A rate as a percentage with one decimal, rounded half up: "87.5%"; "–" when nothing was counted.
pub fn percent(rate: Option<Fraction>) -> String {
    match rate {
        None => "–".into(),
        Some(f) => {
            // Tenths of a percent, rounded half up, in integers.
            let tenths =
                (i128::from(f.num()) * 2000 + i128::from(f.den())) / (2 * i128::from(f.den()));
            format!("{}.{}%", tenths / 10, tenths % 10)
        }
    }
}

/// A rate in basis points (10,000 = 100%), rounded half up, for charts.
pub fn basis_points(rate: Option<Fraction>) -> Option<i64> {
    let f = rate?;
    i64::try_from((i128::from(f.num()) * 20_000 + i128::from(f.den())) / (2 * i128::from(f.den())))
        .ok()
}

/// The median of durations (seconds): the middle one, or the exact mean of the two middle ones.
pub fn median(durations: &mut [i64]) -> Option<Fraction> {
    if durations.is_empty() {
        return None;
    }
    durations.sort_unstable();
    let n = durations.len();
    if n % 2 == 1 {
        Some(Fraction::from_int(durations[n / 2]))
    } else {
        Fraction::new(durations[n / 2 - 1] + durations[n / 2], 2)
    }
}

/// A duration in seconds as hours with one decimal ("26.5 h" is written by the caller).
pub fn hours(seconds: Option<Fraction>) -> String {
    match seconds {
        None => "–".into(),
        Some(f) => {
            let tenths = (i128::from(f.num()) * 10 + i128::from(f.den()) * 1800)
                / (i128::from(f.den()) * 3600);
            format!("{}.{}", tenths / 10, tenths % 10)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rates_are_exact_and_empty_sets_have_none() {
        let t = Tally {
            total: 8,
            responded: 7,
            resolved: 6,
            rated: 3,
            satisfied: 2,
            overdue: 1,
        };
        assert_eq!(t.response_rate(), Fraction::new(7, 8));
        assert_eq!(percent(t.response_rate()), "87.5%");
        assert_eq!(percent(t.satisfaction_rate()), "66.7%");
        assert_eq!(percent(Fraction::new(1, 8)), "12.5%");
        assert_eq!(
            percent(Fraction::new(1, 2000)),
            "0.1%",
            "0.05% rounds half up"
        );
        assert_eq!(percent(Fraction::new(1, 2001)), "0.0%");
        assert_eq!(percent(Fraction::new(3, 3)), "100.0%");
        assert_eq!(basis_points(Fraction::new(2, 3)), Some(6667));
        assert_eq!(basis_points(None), None);
        assert_eq!(Tally::default().response_rate(), None);
        assert_eq!(percent(Tally::default().satisfaction_rate()), "–");
        let mut sum = t;
        sum.add(&t);
        assert_eq!(sum.response_rate(), t.response_rate(), "7/8 = 14/16");
    }

    #[test]
    fn median_of_odd_even_and_none() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [5]), Some(Fraction::from_int(5)));
        assert_eq!(median(&mut [9, 1, 5]), Some(Fraction::from_int(5)));
        assert_eq!(median(&mut [4, 1, 3, 2]), Fraction::new(5, 2));
        assert_eq!(hours(Some(Fraction::from_int(5400))), "1.5");
        assert_eq!(hours(Fraction::new(3 * 3600 + 1, 2)), "1.5");
        assert_eq!(hours(None), "–");
    }

    proptest! {
        /// As many durations lie at or below the median as at or above it.
        #[test]
        fn median_splits_the_durations(mut v in proptest::collection::vec(0i64..1_000_000, 1..200)) {
            let m = median(&mut v).unwrap();
            let below = v.iter().filter(|x| Fraction::from_int(**x) <= m).count();
            let above = v.iter().filter(|x| Fraction::from_int(**x) >= m).count();
            prop_assert!(2 * below >= v.len());
            prop_assert!(2 * above >= v.len());
        }
    }
}
