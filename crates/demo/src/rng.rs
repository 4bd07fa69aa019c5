//! A small deterministic PRNG (splitmix64) and a calendar of 28-day months for dates.

pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`; 0 when `n` is 0.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    pub(crate) fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }

    /// Uniform in `lo..=hi`; `lo` when the range is empty.
    pub(crate) fn range(&mut self, lo: i32, hi: i32) -> i32 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((i64::from(hi) - i64::from(lo) + 1) as u64) as i32
    }

    pub(crate) fn range_i64(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// True with probability `p`/1000.
    pub(crate) fn permille(&mut self, p: u32) -> bool {
        self.below(1000) < u64::from(p)
    }

    pub(crate) fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.index(items.len())]
    }

    /// An index drawn with the given integer weights.
    pub(crate) fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
        let mut r = self.below(total);
        for (i, &w) in weights.iter().enumerate() {
            if r < u64::from(w) {
                return i;
            }
            r -= u64::from(w);
        }
        0
    }

    pub(crate) fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.index(i + 1);
            v.swap(i, j);
        }
    }
}

/// Days on a simplified calendar (12 months of 28 days) so that every date is valid and
/// dates can be added and compared as integers.
pub(crate) type Day = i32;

const MONTH: i32 = 28;
pub(crate) const YEAR: i32 = 12 * MONTH;

pub(crate) const fn day(y: i32, m: u8, d: u8) -> Day {
    y * YEAR + (m as i32 - 1) * MONTH + (d as i32 - 1)
}

pub(crate) fn ymd(day: Day) -> (i32, u8, u8) {
    let y = day.div_euclid(YEAR);
    let r = day.rem_euclid(YEAR);
    (y, (r / MONTH + 1) as u8, (r % MONTH + 1) as u8)
}

/// No date in the demo world is later than this.
pub(crate) const TODAY: Day = day(2024, 6, 28);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip() {
        for d in [day(1998, 1, 1), day(2024, 6, 28), day(2010, 12, 28)] {
            let (y, m, dd) = ymd(d);
            assert_eq!(day(y, m, dd), d);
        }
        assert_eq!(ymd(day(1998, 1, 1) - 1), (1997, 12, 28));
    }

    #[test]
    fn ranges_stay_in_bounds() {
        let mut r = Rng::new(7);
        for _ in 0..10_000 {
            let x = r.range(-3, 4);
            assert!((-3..=4).contains(&x));
        }
        assert_eq!(r.range(5, 5), 5);
        assert_eq!(r.below(0), 0);
    }
}
