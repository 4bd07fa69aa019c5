//! Exclusive area (专有部分面积) in integer hundredths of a square metre.
//!
//! Votes weigh by area and cost shares follow it, so an area is never a float: "89.5",
//! "89.50㎡" and "89.5平方米" all become `Area(8950)`, and "89.505" is refused rather
//! than rounded.

use crate::error::Invalid;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Area(i64);

/// The largest area accepted for one household: 10,000 m².
const MAX_CENTI: i64 = 1_000_000;

impl Area {
    /// An area from hundredths of m², refusing zero, negatives and absurd sizes.
    pub fn from_centi(centi: i64) -> Result<Area, Invalid> {
        if centi <= 0 {
            return Err(Invalid::NotPositive);
        }
        if centi > MAX_CENTI {
            return Err(Invalid::OutOfRange {
                min: 0,
                max: MAX_CENTI / 100,
            });
        }
        Ok(Area(centi))
    }

    pub fn centi(self) -> i64 {
        self.0
    }

    /// Parses what people type: full-width digits, a trailing ㎡ / m² / 平方米 / 平米, spaces.
    pub fn parse(input: &str) -> Result<Area, Invalid> {
        let normalised: String = input.trim().chars().map(halfwidth).collect();
        let mut s = normalised.trim();
        for suffix in ["平方米", "平米", "㎡", "m²", "m2", "M2", "平"] {
            if let Some(rest) = s.strip_suffix(suffix) {
                s = rest.trim_end();
                break;
            }
        }
        if s.is_empty() {
            return Err(Invalid::Required);
        }
        let (negative, digits) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s.strip_prefix('+').unwrap_or(s)),
        };
        let (whole, frac) = match digits.split_once('.') {
            Some((w, f)) => (w, f),
            None => (digits, ""),
        };
        if whole.is_empty() && frac.is_empty() {
            return Err(Invalid::NotANumber);
        }
        if !whole.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) {
            return Err(Invalid::NotANumber);
        }
        let frac = frac.trim_end_matches('0');
        if frac.len() > 2 {
            return Err(Invalid::TooManyDecimals { max: 2 });
        }
        if whole.len() > 12 {
            return Err(Invalid::OutOfRange {
                min: 0,
                max: MAX_CENTI / 100,
            });
        }
        let whole_value: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| Invalid::NotANumber)?
        };
        let frac_value: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().map_err(|_| Invalid::NotANumber)? * 10,
            _ => frac.parse().map_err(|_| Invalid::NotANumber)?,
        };
        let centi = whole_value * 100 + frac_value;
        if negative && centi != 0 {
            return Err(Invalid::NotPositive);
        }
        Area::from_centi(centi)
    }
}

impl fmt::Display for Area {
    /// Always two decimals: `8950` prints as `89.50`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

/// Full-width digits and punctuation (０-９, ．, －) to their ASCII forms.
pub fn halfwidth(c: char) -> char {
    match c {
        '\u{FF10}'..='\u{FF19}' => char::from_u32(c as u32 - 0xFF10 + u32::from(b'0')).unwrap_or(c),
        '．' | '。' => '.',
        '－' => '-',
        '＋' => '+',
        '\u{3000}' => ' ',
        _ => c,
    }
}

crate::text_enum! {
    /// Where an area figure comes from; SPC Art. 8 ranks them registered > surveyed > contract.
    pub enum AreaSource {
        Registered = "registered",
        Surveyed = "surveyed",
        Contract = "contract",
        /// 建筑面积: gross floor area, when a roster has nothing better. Votes count exclusive
        /// area (Art. 278), so such a figure is worth replacing.
        Gross = "gross",
    }
}

impl AreaSource {
    /// The code or the words a roster or a form uses ("不动产登记", "测绘", "购房合同",
    /// "建筑面积"); a stored source is only ever the code ([`AreaSource::parse`]).
    pub fn parse_written(s: &str) -> Result<AreaSource, Invalid> {
        match s.trim() {
            "登记" | "不动产登记" => Ok(AreaSource::Registered),
            "测绘" => Ok(AreaSource::Surveyed),
            "合同" | "购房合同" => Ok(AreaSource::Contract),
            "建筑面积" => Ok(AreaSource::Gross),
            s => AreaSource::parse(s),
        }
    }

    pub fn label(self, lang: crate::Lang) -> &'static str {
        match self {
            AreaSource::Registered => lang.pick("不动产登记", "registered"),
            AreaSource::Surveyed => lang.pick("测绘", "surveyed"),
            AreaSource::Contract => lang.pick("购房合同", "purchase contract"),
            AreaSource::Gross => lang.pick("建筑面积", "gross floor area"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_committees_type() {
        for (input, centi) in [
            ("89.5", 8950),
            ("89.50", 8950),
            ("89.50㎡", 8950),
            ("89.5平方米", 8950),
            ("８９．５", 8950),
            (" 120 ", 12000),
            ("0.01", 1),
            ("75.", 7500),
            (".5", 50),
            ("89.500", 8950),
        ] {
            assert_eq!(Area::parse(input).map(Area::centi), Ok(centi), "{input}");
        }
    }

    #[test]
    fn refuses_bad_areas() {
        assert_eq!(Area::parse("-5"), Err(Invalid::NotPositive));
        assert_eq!(Area::parse("0"), Err(Invalid::NotPositive));
        assert_eq!(Area::parse("0.00"), Err(Invalid::NotPositive));
        assert_eq!(
            Area::parse("89.505"),
            Err(Invalid::TooManyDecimals { max: 2 })
        );
        assert_eq!(Area::parse("abc"), Err(Invalid::NotANumber));
        assert_eq!(Area::parse("1e3"), Err(Invalid::NotANumber));
        assert_eq!(Area::parse(""), Err(Invalid::Required));
        assert_eq!(Area::parse("."), Err(Invalid::NotANumber));
        assert!(matches!(
            Area::parse("99999999999999999999"),
            Err(Invalid::OutOfRange { .. })
        ));
        assert!(matches!(
            Area::parse("10000.01"),
            Err(Invalid::OutOfRange { .. })
        ));
    }

    #[test]
    fn displays_two_decimals_and_round_trips() {
        for centi in [1, 50, 8950, 12000, 1_000_000] {
            let a = Area::from_centi(centi).unwrap();
            assert_eq!(Area::parse(&a.to_string()), Ok(a));
        }
        assert_eq!(Area::from_centi(8950).unwrap().to_string(), "89.50");
    }
}
