//! Amounts of money and percentages as people type them: "280,000", "28万"? No — only plain
//! numbers with at most two decimals ("280000", "280,000.50 元", "４０%"). Exact: "0.005"
//! is refused, never rounded.

use crate::area::halfwidth;
use crate::error::Invalid;
use crate::money::Fen;

/// A number with at most two decimals, in hundredths. Negative numbers are refused with
/// [`Invalid::Negative`]; `max_whole` bounds the whole part.
fn hundredths(input: &str, suffixes: &[&str], max_whole: i64) -> Result<i64, Invalid> {
    let typed: String = input
        .trim()
        .chars()
        .map(halfwidth)
        .filter(|c| *c != ',' && *c != '，')
        .collect();
    let mut s = typed.trim();
    for suffix in suffixes {
        s = s.strip_suffix(suffix).unwrap_or(s).trim_end();
    }
    let s = s
        .strip_prefix('¥')
        .or_else(|| s.strip_prefix('￥'))
        .unwrap_or(s)
        .trim();
    if s.is_empty() {
        return Err(Invalid::Required);
    }
    if let Some(rest) = s.strip_prefix('-') {
        return match hundredths(rest, &[], max_whole) {
            Ok(0) => Ok(0),
            Ok(_) => Err(Invalid::Negative),
            Err(e) => Err(e),
        };
    }
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    let digits = |p: &str| p.chars().all(|c| c.is_ascii_digit());
    if (whole.is_empty() && frac.is_empty()) || !digits(whole) || !digits(frac) {
        return Err(Invalid::NotANumber);
    }
    let frac = frac.trim_end_matches('0');
    if frac.len() > 2 {
        return Err(Invalid::TooManyDecimals { max: 2 });
    }
    let whole_value: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| Invalid::OutOfRange {
            min: 0,
            max: max_whole,
        })?
    };
    if whole_value > max_whole {
        return Err(Invalid::OutOfRange {
            min: 0,
            max: max_whole,
        });
    }
    let frac_value: i64 = format!("{frac:0<2}")
        .parse()
        .map_err(|_| Invalid::NotANumber)?;
    let value = whole_value * 100 + frac_value;
    if value > max_whole * 100 {
        return Err(Invalid::OutOfRange {
            min: 0,
            max: max_whole,
        });
    }
    Ok(value)
}

/// The largest amount accepted: 100 million yuan, far above any retrofit.
pub const MAX_YUAN: i64 = 100_000_000;

/// Yuan as typed ("458000", "458,000.00元", "¥1200.5") to fen. Zero is allowed; the caller
/// decides whether it makes sense (a cost must be positive, a subsidy may be nothing).
pub fn parse_yuan(input: &str) -> Result<Fen, Invalid> {
    hundredths(input, &["元", "yuan", "RMB"], MAX_YUAN).map(Fen)
}

/// A percentage as typed ("40", "40%", "12.5 %") to basis points (hundredths of a percent).
pub fn parse_percent_bp(input: &str) -> Result<i64, Invalid> {
    hundredths(input, &["%", "％"], 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_as_typed() {
        let table: &[(&str, Result<Fen, Invalid>)] = &[
            ("458000", Ok(Fen(45_800_000))),
            ("458,000.00元", Ok(Fen(45_800_000))),
            ("¥1200.5", Ok(Fen(120_050))),
            ("０.０５", Ok(Fen(5))),
            ("0", Ok(Fen(0))),
            ("-0", Ok(Fen(0))),
            ("-1", Err(Invalid::Negative)),
            ("1.005", Err(Invalid::TooManyDecimals { max: 2 })),
            ("", Err(Invalid::Required)),
            ("元", Err(Invalid::Required)),
            ("abc", Err(Invalid::NotANumber)),
            (".", Err(Invalid::NotANumber)),
            (
                "100000001",
                Err(Invalid::OutOfRange {
                    min: 0,
                    max: MAX_YUAN,
                }),
            ),
            (
                "99999999999999999999999",
                Err(Invalid::OutOfRange {
                    min: 0,
                    max: MAX_YUAN,
                }),
            ),
        ];
        for (input, expect) in table {
            assert_eq!(&parse_yuan(input), expect, "{input:?}");
        }
    }

    #[test]
    fn percentages_as_typed() {
        assert_eq!(parse_percent_bp("40"), Ok(4000));
        assert_eq!(parse_percent_bp("12.5 %"), Ok(1250));
        assert_eq!(parse_percent_bp("０％"), Ok(0));
        assert_eq!(parse_percent_bp("100"), Ok(10_000));
        assert_eq!(
            parse_percent_bp("100.01"),
            Err(Invalid::OutOfRange { min: 0, max: 100 })
        );
        assert_eq!(
            parse_percent_bp("101"),
            Err(Invalid::OutOfRange { min: 0, max: 100 })
        );
        assert_eq!(parse_percent_bp("-5%"), Err(Invalid::Negative));
    }
}
