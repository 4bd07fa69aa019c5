//! An assessment of a compound for a period: one mark per standard of the checklist, and the
//! six-have and three-no status derived from the marks.
//!
//! The rule (shown on every assessment page):
//! - a six-have item is present when at least one standard decides it and **every** standard
//!   deciding it is met ("partly" is not met);
//! - a three-no basic is present when **any** standard showing it is met;
//! - the compound is three-no when it has **none** of the three basics.

use super::checklist::{Basic, Checklist};
use crate::error::{FieldError, Invalid};
use crate::lang::Lang;
use crate::registry::{SixHave, SixHaveItem};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// A quarter, "2024-Q3": assessments and star ratings are per period. Sorts in time order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    year: i32,
    quarter: u8,
}

impl Period {
    pub fn new(year: i32, quarter: u8) -> Result<Period, Invalid> {
        if !(2000..=2100).contains(&year) || !(1..=4).contains(&quarter) {
            return Err(Invalid::BadQuarter);
        }
        Ok(Period { year, quarter })
    }

    /// "2024-Q3", "2024Q3", "2024-q3", "2024 Q3".
    pub fn parse(input: &str) -> Result<Period, Invalid> {
        let s: String = input
            .trim()
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect::<String>()
            .to_ascii_uppercase();
        if s.is_empty() {
            return Err(Invalid::Required);
        }
        let (y, q) = s.split_once('Q').ok_or(Invalid::BadQuarter)?;
        let year: i32 = y.parse().map_err(|_| Invalid::BadQuarter)?;
        let quarter: u8 = q.parse().map_err(|_| Invalid::BadQuarter)?;
        Period::new(year, quarter)
    }

    /// The quarter of a date (month 1–12).
    pub fn of_month(year: i32, month: u8) -> Result<Period, Invalid> {
        Period::new(year, month.saturating_sub(1) / 3 + 1)
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn quarter(self) -> u8 {
        self.quarter
    }

    /// The quarter before this one.
    pub fn previous(self) -> Period {
        if self.quarter == 1 {
            Period {
                year: self.year - 1,
                quarter: 4,
            }
        } else {
            Period {
                year: self.year,
                quarter: self.quarter - 1,
            }
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-Q{}", self.year, self.quarter)
    }
}

crate::text_enum! {
    /// A standard's mark.
    pub enum Mark {
        Met = "met",
        Partly = "partly",
        NotMet = "not_met",
    }
}

impl Mark {
    /// One letter per standard in a compact row: `m`, `p`, `n`.
    pub fn letter(self) -> char {
        match self {
            Mark::Met => 'm',
            Mark::Partly => 'p',
            Mark::NotMet => 'n',
        }
    }

    pub fn from_letter(c: char) -> Option<Mark> {
        Mark::ALL.into_iter().find(|m| m.letter() == c)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Mark::Met => lang.pick("达标", "met"),
            Mark::Partly => lang.pick("部分达标", "partly"),
            Mark::NotMet => lang.pick("未达标", "not met"),
        }
    }
}

/// What the marks add up to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Derived {
    pub six_have: SixHave,
    pub basics: Vec<Basic>,
    pub three_no: bool,
    pub met: u32,
    pub partly: u32,
    pub not_met: u32,
    /// The marks in checklist order, one letter each (`m`, `p`, `n`).
    pub letters: String,
}

/// Derives the status from one mark per standard. A standard without a mark, or a mark
/// for a code the checklist does not have, is refused, naming the standard.
pub fn derive(
    checklist: &Checklist,
    marks: &BTreeMap<String, Mark>,
) -> Result<Derived, Vec<FieldError>> {
    let mut e = Vec::new();
    for code in marks.keys() {
        if checklist.standard(code).is_none() {
            e.push(FieldError::new(
                "marks",
                Invalid::UnknownItem { item: code.clone() },
            ));
        }
    }
    for s in &checklist.standards {
        if !marks.contains_key(&s.code) {
            e.push(FieldError::new(
                "marks",
                Invalid::Unassessed {
                    standard: s.code.clone(),
                },
            ));
        }
    }
    if !e.is_empty() {
        return Err(e);
    }
    let met = |code: &str| marks.get(code) == Some(&Mark::Met);
    let six_have = SixHave::from_items(SixHaveItem::ALL.into_iter().filter(|i| {
        let mut deciding = checklist.deciding(*i).peekable();
        deciding.peek().is_some() && deciding.all(|s| met(&s.code))
    }));
    let basics: Vec<Basic> = Basic::ALL
        .into_iter()
        .filter(|b| checklist.showing(*b).any(|s| met(&s.code)))
        .collect();
    let count =
        |m: Mark| u32::try_from(marks.values().filter(|x| **x == m).count()).unwrap_or(u32::MAX);
    let letters = checklist
        .standards
        .iter()
        .filter_map(|s| marks.get(&s.code))
        .map(|m| m.letter())
        .collect();
    Ok(Derived {
        six_have,
        three_no: basics.is_empty(),
        basics,
        met: count(Mark::Met),
        partly: count(Mark::Partly),
        not_met: count(Mark::NotMet),
        letters,
    })
}

/// The rule in words, one line per six-have item and basic, naming the standards that decide it.
pub fn rule_lines(checklist: &Checklist, lang: Lang) -> Vec<String> {
    let codes = |it: &mut dyn Iterator<Item = &super::checklist::Standard>| {
        it.map(|s| s.code.clone()).collect::<Vec<_>>().join(", ")
    };
    let mut out = Vec::new();
    for i in SixHaveItem::ALL {
        let c = codes(&mut checklist.deciding(i));
        out.push(match lang {
            Lang::Zh => format!(
                "“{}”：{} 全部达标",
                i.label(lang),
                if c.is_empty() {
                    "（无对应标准，永不成立）".into()
                } else {
                    c
                }
            ),
            Lang::En => format!(
                "“{}”: every one of {} met",
                i.label(lang),
                if c.is_empty() {
                    "(no standard; never present)".into()
                } else {
                    c
                }
            ),
        });
    }
    for b in Basic::ALL {
        let c = codes(&mut checklist.showing(b));
        out.push(match lang {
            Lang::Zh => format!("“{}”：{} 任一达标", b.label(lang), c),
            Lang::En => format!("“{}”: any one of {} met", b.label(lang), c),
        });
    }
    out.push(
        lang.pick(
            "三无小区：以上三项基本条件一项都没有",
            "Three-no: none of the three basics above",
        )
        .into(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::standards::checklist::suining_template;

    fn all(m: Mark) -> BTreeMap<String, Mark> {
        suining_template()
            .standards
            .iter()
            .map(|s| (s.code.clone(), m))
            .collect()
    }

    #[test]
    fn periods_parse_and_order() {
        assert_eq!(Period::parse("2024-Q3").unwrap().to_string(), "2024-Q3");
        assert_eq!(Period::parse(" 2024q3 ").unwrap().to_string(), "2024-Q3");
        assert_eq!(
            Period::parse("2024 Q4").unwrap(),
            Period::new(2024, 4).unwrap()
        );
        assert_eq!(Period::parse("2024-Q5"), Err(Invalid::BadQuarter));
        assert_eq!(Period::parse("2024-05"), Err(Invalid::BadQuarter));
        assert_eq!(Period::parse(""), Err(Invalid::Required));
        assert!(Period::parse("2023-Q4").unwrap() < Period::parse("2024-Q1").unwrap());
        assert_eq!(
            Period::parse("2024-Q1").unwrap().previous().to_string(),
            "2023-Q4"
        );
        assert_eq!(Period::of_month(2024, 9).unwrap().to_string(), "2024-Q3");
        assert_eq!(Period::of_month(2024, 10).unwrap().to_string(), "2024-Q4");
    }

    #[test]
    fn all_met_is_six_have_and_not_three_no() {
        let d = derive(&suining_template(), &all(Mark::Met)).unwrap();
        assert!(d.six_have.complete());
        assert!(!d.three_no);
        assert_eq!((d.met, d.partly, d.not_met), (35, 0, 0));
        assert_eq!(d.letters, "m".repeat(35));
    }

    #[test]
    fn nothing_met_is_three_no_and_partly_counts_for_nothing() {
        for m in [Mark::NotMet, Mark::Partly] {
            let d = derive(&suining_template(), &all(m)).unwrap();
            assert_eq!(d.six_have.count(), 0);
            assert!(d.three_no);
            assert!(d.basics.is_empty());
        }
    }

    #[test]
    fn one_basic_is_enough_to_leave_three_no_and_one_partly_keeps_an_item_away() {
        let mut marks = all(Mark::NotMet);
        // D1 shows management and decides property service together with D2.
        marks.insert("D1".into(), Mark::Met);
        let d = derive(&suining_template(), &marks).unwrap();
        assert!(!d.three_no);
        assert_eq!(d.basics, vec![Basic::Management]);
        assert!(!d.six_have.has(SixHaveItem::PropertyService), "D2 not met");
        marks.insert("D2".into(), Mark::Partly);
        assert!(
            !derive(&suining_template(), &marks)
                .unwrap()
                .six_have
                .has(SixHaveItem::PropertyService)
        );
        marks.insert("D2".into(), Mark::Met);
        let d = derive(&suining_template(), &marks).unwrap();
        assert!(d.six_have.has(SixHaveItem::PropertyService));
        assert_eq!(d.six_have.count(), 1);
    }

    #[test]
    fn missing_and_unknown_marks_are_named() {
        let mut marks = all(Mark::Met);
        marks.remove("C3");
        marks.insert("Z9".into(), Mark::Met);
        let errs = derive(&suining_template(), &marks).unwrap_err();
        assert_eq!(
            errs,
            vec![
                FieldError::new("marks", Invalid::UnknownItem { item: "Z9".into() }),
                FieldError::new(
                    "marks",
                    Invalid::Unassessed {
                        standard: "C3".into()
                    }
                )
            ]
        );
    }

    #[test]
    fn an_item_no_standard_decides_is_never_present() {
        let mut t = suining_template();
        for s in t.standards.iter_mut() {
            if s.six_have == Some(SixHaveItem::NeighbourlyConduct) {
                s.six_have = None;
            }
        }
        let d = derive(&t, &all(Mark::Met)).unwrap();
        assert!(!d.six_have.has(SixHaveItem::NeighbourlyConduct));
        assert!(
            rule_lines(&t, Lang::En)
                .iter()
                .any(|l| l.contains("never present"))
        );
    }

    #[test]
    fn letters_round_trip() {
        for m in Mark::ALL {
            assert_eq!(Mark::from_letter(m.letter()), Some(m));
            assert_eq!(Mark::parse(m.as_str()), Ok(m));
        }
    }
}
