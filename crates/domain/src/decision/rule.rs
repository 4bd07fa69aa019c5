//! A decision rule as data: the thresholds a tally must meet, the conditions beside them, and
//! how heads are counted.
//!
//! Every number of Civil Code Art. 278 and of the local elevator rules fits one shape,
//! "*what* counted by *measure* reaches (or exceeds) *fraction* of *base*": the quorum is
//! participants of all ≥ 2/3 by area and again by headcount; a major matter is yes of
//! participants ≥ 3/4, twice. "以上" includes the number itself (Art. 1259), so "三分之二以上"
//! is inclusive; "过半数" and "超过" are strict. Because the rule is data a compound can copy
//! and edit (and it is stored beside the vote), [`DecisionRule::check`] refuses what no
//! assembly could mean: fractions outside (0, 1], "more than 100%", participation measured
//! against participation.

use crate::error::{FieldError, Invalid};
use crate::fraction::Fraction;
use crate::lang::Lang;
use serde::{Deserialize, Serialize};

pub use super::preset::Preset;

/// What is weighed: exclusive area (SPC Art. 8) or heads (SPC Art. 9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    Area,
    Headcount,
}

/// Whose weight is put over the base: those who agreed, or all who took part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Counted {
    Yes,
    Participants,
}

/// What the weight is measured against: those who took part, or everyone in scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Base {
    Participants,
    All,
}

/// One condition of a rule: `count` by `measure` reaches `fraction` of `of` (exceeds it when
/// `strict`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Threshold {
    pub measure: Measure,
    pub count: Counted,
    pub of: Base,
    pub fraction: Fraction,
    pub strict: bool,
}

impl Threshold {
    /// Participants of all, inclusive: the shape of the Art. 278 quorum.
    pub fn quorum(measure: Measure, fraction: Fraction) -> Threshold {
        Threshold {
            measure,
            count: Counted::Participants,
            of: Base::All,
            fraction,
            strict: false,
        }
    }

    /// Yes of `of`, inclusive ("以上") or strict ("过半数", "超过").
    pub fn yes(measure: Measure, of: Base, fraction: Fraction, strict: bool) -> Threshold {
        Threshold {
            measure,
            count: Counted::Yes,
            of,
            fraction,
            strict,
        }
    }

    /// A threshold on participation rather than on agreement; failing one means no quorum,
    /// not a rejection.
    pub fn is_quorum(&self) -> bool {
        self.count == Counted::Participants && self.of == Base::All
    }

    /// Whether `part / whole` meets this threshold, by cross-multiplication. A zero `whole`
    /// never meets a positive threshold.
    pub fn met_by(&self, part: i64, whole: i64) -> bool {
        if self.strict {
            self.fraction.exceeded_by(part, whole)
        } else {
            self.fraction.reached_by(part, whole)
        }
    }

    /// "同意人数 ≥ 参与表决人数的 3/4" / "yes by headcount ≥ 3/4 of participants".
    pub fn label(&self, lang: Lang) -> String {
        let op = if self.strict { ">" } else { "≥" };
        let (n, d) = (self.fraction.num(), self.fraction.den());
        match lang {
            Lang::Zh => {
                let measure = match self.measure {
                    Measure::Area => "专有面积",
                    Measure::Headcount => "人数",
                };
                let count = match self.count {
                    Counted::Yes => "同意",
                    Counted::Participants => "参与表决",
                };
                let of = match self.of {
                    Base::Participants => "参与表决",
                    Base::All => "全体",
                };
                format!("{count}{measure} {op} {of}{measure}的 {n}/{d}")
            }
            Lang::En => {
                let measure = match self.measure {
                    Measure::Area => "area",
                    Measure::Headcount => "headcount",
                };
                let count = match self.count {
                    Counted::Yes => "yes",
                    Counted::Participants => "taking part",
                };
                let of = match self.of {
                    Base::Participants => "of those taking part",
                    Base::All => "of all",
                };
                format!("{count} by {measure} {op} {n}/{d} {of}")
            }
        }
    }

    /// The problem with this threshold as row `row` (from 1) of a rule, if any.
    fn problem(&self, row: usize) -> Option<Invalid> {
        let (n, d) = (self.fraction.num(), self.fraction.den());
        if d <= 0 || n <= 0 || n > d {
            return Some(Invalid::ThresholdFraction { row });
        }
        if self.strict && n == d {
            return Some(Invalid::ThresholdUnreachable { row });
        }
        if self.count == Counted::Participants && self.of == Base::Participants {
            return Some(Invalid::ThresholdParticipation { row });
        }
        None
    }
}

/// How heads are counted (SPC Art. 9). Each is a switch because local rules differ; all are
/// on by default, as the interpretation says. See [`super::electorate`] for their exact effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct HeadcountRules {
    /// An owner of several units counts once, their areas added.
    pub one_per_owner: bool,
    /// All the developer's unsold units count as one person.
    pub developer_as_one: bool,
    /// The co-owners of one unit vote through one designated voter.
    pub co_owners_one_voter: bool,
}

impl Default for HeadcountRules {
    fn default() -> Self {
        HeadcountRules {
            one_per_owner: true,
            developer_as_one: true,
            co_owners_one_voter: true,
        }
    }
}

/// The full rule a vote is held under; stored as JSON with the proposal and its result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionRule {
    /// All must be met. Those on participation of all (the quorum) decide "no quorum".
    pub thresholds: Vec<Threshold>,
    /// Every household named as affected (its window, balcony or light) must consent,
    /// whatever the vote (DOMAIN §6.2; Civil Code Art. 279 for homes turned into businesses).
    #[serde(default)]
    pub requires_affected_consent: bool,
    /// No recorded objection may be left unresolved (Beijing 2020, Jinan 2019).
    #[serde(default)]
    pub no_unresolved_objection: bool,
    #[serde(default)]
    pub headcount: HeadcountRules,
    /// Days the plan and the result are publicly posted (公示).
    #[serde(default = "default_notice_days")]
    pub notice_days: u16,
}

fn default_notice_days() -> u16 {
    DecisionRule::DEFAULT_NOTICE_DAYS
}

impl DecisionRule {
    /// Public notice of an ordinary decision.
    pub const DEFAULT_NOTICE_DAYS: u16 = 7;
    /// Public notice of an elevator retrofit's plan and result (Jinan 2019: 15 days).
    pub const ELEVATOR_NOTICE_DAYS: u16 = 15;
    /// The longest notice accepted.
    pub const MAX_NOTICE_DAYS: u16 = 365;

    pub fn notice_days(&self) -> u16 {
        self.notice_days
    }

    /// The quorum thresholds (participants of all).
    pub fn quorum(&self) -> impl Iterator<Item = &Threshold> {
        self.thresholds.iter().filter(|t| t.is_quorum())
    }

    /// Every problem, each naming the row it is in, so a custom-rule form can mark them all.
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.thresholds.is_empty() {
            errors.push(FieldError::new("thresholds", Invalid::Required));
        }
        for (i, t) in self.thresholds.iter().enumerate() {
            if let Some(problem) = t.problem(i + 1) {
                errors.push(FieldError::new("thresholds", problem));
            }
        }
        if self.notice_days > Self::MAX_NOTICE_DAYS {
            errors.push(FieldError::new(
                "notice_days",
                Invalid::OutOfRange {
                    min: 0,
                    max: i64::from(Self::MAX_NOTICE_DAYS),
                },
            ));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// A fraction as typed on a custom-rule form: "2/3", "２／３", "75%", "66.67%". It must be above
/// zero and at most one; it is kept in lowest terms so that notices read "2/3", not "6667/10000"
/// — a percentage is kept exactly as typed, so "66.67%" is 6667/10000, not 2/3.
pub fn parse_fraction(input: &str) -> Result<Fraction, Invalid> {
    let s: String = input
        .trim()
        .chars()
        .map(crate::area::halfwidth)
        .filter(|c| !c.is_whitespace())
        .collect();
    let s = s.replace('／', "/").replace('％', "%");
    if s.is_empty() {
        return Err(Invalid::Required);
    }
    let digits = |t: &str| !t.is_empty() && t.len() <= 9 && t.chars().all(|c| c.is_ascii_digit());
    let (num, den) = if let Some((n, d)) = s.split_once('/') {
        if !digits(n) || !digits(d) {
            return Err(Invalid::BadFraction);
        }
        (
            n.parse::<i64>().map_err(|_| Invalid::BadFraction)?,
            d.parse::<i64>().map_err(|_| Invalid::BadFraction)?,
        )
    } else if let Some(p) = s.strip_suffix('%') {
        let (w, f) = p.split_once('.').unwrap_or((p, ""));
        let f = f.trim_end_matches('0');
        if !digits(w) || f.len() > 2 || !(f.is_empty() || digits(f)) {
            return Err(Invalid::BadFraction);
        }
        let w: i64 = w.parse().map_err(|_| Invalid::BadFraction)?;
        let f: i64 = if f.is_empty() {
            0
        } else {
            format!("{f:0<2}")
                .parse()
                .map_err(|_| Invalid::BadFraction)?
        };
        (w * 100 + f, 10_000)
    } else {
        return Err(Invalid::BadFraction);
    };
    if num <= 0 || den <= 0 || num > den {
        return Err(Invalid::BadFraction);
    }
    let g = gcd(num, den);
    Fraction::new(num / g, den / g).ok_or(Invalid::BadFraction)
}

fn gcd(mut a: i64, mut b: i64) -> i64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(n: i64, d: i64) -> Fraction {
        Fraction::new(n, d).unwrap()
    }

    fn rule(thresholds: Vec<Threshold>) -> DecisionRule {
        DecisionRule {
            thresholds,
            requires_affected_consent: false,
            no_unresolved_objection: false,
            headcount: HeadcountRules::default(),
            notice_days: 7,
        }
    }

    #[test]
    fn check_accepts_every_preset() {
        for p in Preset::ALL {
            assert_eq!(p.rule().check(), Ok(()), "{p:?}");
        }
    }

    #[test]
    fn check_refuses_what_no_assembly_could_mean() {
        let ok = Threshold::yes(Measure::Area, Base::Participants, f(1, 2), true);
        let cases: Vec<(Vec<Threshold>, Vec<Invalid>)> = vec![
            (vec![], vec![Invalid::Required]),
            (vec![ok], vec![]),
            (
                vec![Threshold {
                    fraction: f(0, 1),
                    ..ok
                }],
                vec![Invalid::ThresholdFraction { row: 1 }],
            ),
            (
                vec![
                    ok,
                    Threshold {
                        fraction: f(-1, 2),
                        ..ok
                    },
                ],
                vec![Invalid::ThresholdFraction { row: 2 }],
            ),
            (
                vec![Threshold {
                    fraction: f(4, 3),
                    ..ok
                }],
                vec![Invalid::ThresholdFraction { row: 1 }],
            ),
            (
                vec![Threshold {
                    fraction: f(1, 1),
                    strict: false,
                    ..ok
                }],
                vec![],
            ),
            (
                vec![Threshold {
                    fraction: f(3, 3),
                    strict: true,
                    ..ok
                }],
                vec![Invalid::ThresholdUnreachable { row: 1 }],
            ),
            (
                vec![
                    Threshold {
                        count: Counted::Participants,
                        ..ok
                    },
                    Threshold {
                        fraction: f(5, 4),
                        ..ok
                    },
                ],
                vec![
                    Invalid::ThresholdParticipation { row: 1 },
                    Invalid::ThresholdFraction { row: 2 },
                ],
            ),
        ];
        for (thresholds, expected) in cases {
            let got = match rule(thresholds.clone()).check() {
                Ok(()) => vec![],
                Err(es) => es.into_iter().map(|e| e.error).collect(),
            };
            assert_eq!(got, expected, "{thresholds:?}");
        }
        let long = DecisionRule {
            notice_days: 366,
            ..rule(vec![ok])
        };
        assert_eq!(long.check().unwrap_err()[0].field, "notice_days");
    }

    #[test]
    fn check_messages_name_the_row_in_both_languages() {
        let bad = Threshold {
            fraction: f(4, 3),
            ..Threshold::yes(Measure::Area, Base::All, f(1, 2), false)
        };
        let ok = Threshold::yes(Measure::Area, Base::All, f(1, 2), false);
        let e = &rule(vec![ok, bad]).check().unwrap_err()[0];
        assert_eq!(
            e.message(Lang::Zh),
            "表决门槛：第 2 条的比例必须大于 0 且不超过 1（如 2/3）"
        );
        assert_eq!(
            e.message(Lang::En),
            "Thresholds row 2: the fraction must be above 0 and at most 1 (like 2/3)"
        );
    }

    #[test]
    fn a_fraction_with_zero_denominator_from_json_is_refused() {
        let json = r#"{"thresholds":[{"measure":"area","count":"yes","of":"all",
            "fraction":{"num":1,"den":0},"strict":false}]}"#;
        let r: DecisionRule = serde_json::from_str(json).unwrap();
        assert_eq!(r.notice_days(), DecisionRule::DEFAULT_NOTICE_DAYS);
        assert_eq!(r.headcount, HeadcountRules::default());
        assert_eq!(
            r.check().unwrap_err()[0].error,
            Invalid::ThresholdFraction { row: 1 }
        );
    }

    #[test]
    fn rules_round_trip_through_json() {
        for p in Preset::ALL {
            let r = p.rule();
            let json = serde_json::to_string(&r).unwrap();
            assert_eq!(serde_json::from_str::<DecisionRule>(&json).unwrap(), r);
        }
        let json = serde_json::to_string(&Preset::CivilMajor.rule().thresholds[2]).unwrap();
        assert_eq!(
            json,
            r#"{"measure":"area","count":"yes","of":"participants","fraction":{"num":3,"den":4},"strict":false}"#
        );
    }

    #[test]
    fn labels_read_like_the_law() {
        let q = Threshold::quorum(Measure::Area, f(2, 3));
        assert!(q.is_quorum());
        assert_eq!(q.label(Lang::Zh), "参与表决专有面积 ≥ 全体专有面积的 2/3");
        assert_eq!(q.label(Lang::En), "taking part by area ≥ 2/3 of all");
        let y = Threshold::yes(Measure::Headcount, Base::Participants, f(1, 2), true);
        assert!(!y.is_quorum());
        assert_eq!(y.label(Lang::Zh), "同意人数 > 参与表决人数的 1/2");
        assert_eq!(
            y.label(Lang::En),
            "yes by headcount > 1/2 of those taking part"
        );
    }

    #[test]
    fn met_by_is_inclusive_or_strict() {
        let incl = Threshold::yes(Measure::Area, Base::All, f(2, 3), false);
        let strict = Threshold {
            strict: true,
            ..incl
        };
        assert!(incl.met_by(20, 30) && !strict.met_by(20, 30));
        assert!(incl.met_by(21, 30) && strict.met_by(21, 30));
        assert!(!incl.met_by(19, 30));
        assert!(!incl.met_by(0, 0) && !strict.met_by(0, 0));
    }

    #[test]
    fn parses_fractions_as_typed() {
        for (input, n, d) in [
            ("2/3", 2, 3),
            (" ２／３ ", 2, 3),
            ("6/8", 3, 4),
            ("75%", 3, 4),
            ("50 %", 1, 2),
            ("66.67%", 6667, 10_000),
            ("100%", 1, 1),
            ("0.01%", 1, 10_000),
        ] {
            let got = parse_fraction(input).unwrap();
            assert_eq!((got.num(), got.den()), (n, d), "{input}");
        }
        assert_eq!(parse_fraction(""), Err(Invalid::Required));
        for bad in [
            "0/3", "4/3", "2/0", "101%", "0%", "abc", "0.5", "-1/2", "1/-2", "2/3/4", "66.667%",
            "1e3%",
        ] {
            assert_eq!(parse_fraction(bad), Err(Invalid::BadFraction), "{bad}");
        }
    }
}
