//! The star rating of compounds (评星定级; DOMAIN §6.6, preset from Shenzhen Bao'an).
//!
//! A score out of 100 is the weighted sum of three parts — residents' satisfaction (from a
//! survey), management and overall — with weights in basis points that must add up to
//! exactly 10,000. The score falls into a star band; a band "86–90" covers every score from
//! 86 up to (not including) 91, so 90.5 is four stars and bands cannot leave a score without
//! a place. Any veto item sets the rating to no stars whatever the score. The survey must
//! reach its sample rule (at least 10% of households and at least 50 — or every household
//! of a compound smaller than that). Everything is exact: the score is a [`Fraction`].

use crate::error::{FieldError, Invalid};
use crate::fraction::Fraction;
use crate::lang::Lang;
use crate::money::Fen;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Weights of the three parts, in basis points (30% = 3000).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Weights {
    pub satisfaction_bp: i64,
    pub management_bp: i64,
    pub overall_bp: i64,
}

/// A star band: scores from `min` up to `max` inclusive of the whole points (`max` + 1
/// exclusive); the top band may leave `max` out. `reward_fen` is paid to a compound rated
/// with these stars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Band {
    pub stars: u8,
    pub min: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
    #[serde(default)]
    pub reward_fen: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StarVeto {
    pub code: String,
    pub title: String,
}

/// The survey's sample rule: at least `share_num/share_den` of the households and at least
/// `min_responses` (all households when there are fewer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SampleRule {
    pub share_num: i64,
    pub share_den: i64,
    pub min_responses: i64,
}

impl SampleRule {
    /// How many answers a compound of `households` needs.
    pub fn needed(self, households: i64) -> i64 {
        let share = if self.share_den > 0 {
            (households * self.share_num + self.share_den - 1) / self.share_den
        } else {
            households
        };
        share.max(self.min_responses.min(households))
    }

    /// Refuses a survey below the rule, saying how many answers are needed.
    pub fn check(self, households: i64, responses: i64) -> Result<(), Invalid> {
        if responses < 0 || responses > households {
            return Err(Invalid::OutOfRange {
                min: 0,
                max: households,
            });
        }
        let needed = self.needed(households);
        if responses < needed || responses == 0 {
            Err(Invalid::SurveyTooSmall {
                needed: needed.max(1),
                got: responses,
            })
        } else {
            Ok(())
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingScheme {
    pub name: String,
    pub weights: Weights,
    pub bands: Vec<Band>,
    #[serde(default)]
    pub vetoes: Vec<StarVeto>,
    pub survey: SampleRule,
}

/// What an assessor enters for a compound: the survey's numbers, the two typed parts in
/// hundredths of a point (85.5 → 8550), and the veto items found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RatingInput {
    pub households: i64,
    pub responses: i64,
    pub satisfied: i64,
    pub management_centi: i64,
    pub overall_centi: i64,
    pub vetoes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RatingOutcome {
    pub score: Fraction,
    /// The score in hundredths, rounded down (for display: 87.66).
    pub score_centi: i64,
    /// Satisfaction in hundredths of a point, rounded down.
    pub satisfaction_centi: i64,
    pub stars: u8,
    pub vetoed: bool,
    pub reward: Fen,
}

impl RatingScheme {
    pub fn parse_json(input: &str) -> Result<RatingScheme, Vec<FieldError>> {
        let s: RatingScheme = serde_json::from_str(input)
            .map_err(|_| vec![FieldError::new("scheme", Invalid::BadChoice)])?;
        s.check()?;
        Ok(s)
    }

    /// Every problem of a scheme: weights not summing to 100%, bands that overlap or leave a
    /// gap, a star level twice, veto codes twice, a sample rule that is not a fraction.
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut e = Vec::new();
        if self.name.trim().is_empty() {
            e.push(FieldError::new("name", Invalid::Required));
        }
        let w = self.weights;
        if [w.satisfaction_bp, w.management_bp, w.overall_bp]
            .iter()
            .any(|x| *x < 0)
        {
            e.push(FieldError::new("weights", Invalid::Negative));
        } else if w.satisfaction_bp + w.management_bp + w.overall_bp != 10_000 {
            e.push(FieldError::new(
                "weights",
                Invalid::WeightsSum {
                    total_bp: w.satisfaction_bp + w.management_bp + w.overall_bp,
                },
            ));
        }
        if self.bands.is_empty() {
            e.push(FieldError::new("bands", Invalid::Required));
        }
        let mut stars = BTreeSet::new();
        for b in &self.bands {
            if !(1..=5).contains(&b.stars) {
                e.push(FieldError::new(
                    "bands",
                    Invalid::OutOfRange { min: 1, max: 5 },
                ));
            } else if !stars.insert(b.stars) {
                e.push(FieldError::new(
                    "bands",
                    Invalid::DuplicateCode {
                        item: format!("{}★", b.stars),
                    },
                ));
            }
            if b.min < 0 || b.min > 100 || b.max.is_some_and(|m| m < b.min || m > 100) {
                e.push(FieldError::new(
                    "bands",
                    Invalid::OutOfRange { min: 0, max: 100 },
                ));
            }
            if b.reward_fen < 0 {
                e.push(FieldError::new("bands", Invalid::Negative));
            }
        }
        let mut sorted: Vec<&Band> = self.bands.iter().collect();
        sorted.sort_by_key(|b| b.min);
        for pair in sorted.windows(2) {
            let (lo, hi) = (pair[0], pair[1]);
            match lo.max {
                None => e.push(FieldError::new(
                    "bands",
                    Invalid::BandsOverlap {
                        stars: lo.stars,
                        other: hi.stars,
                    },
                )),
                Some(m) if m >= hi.min => e.push(FieldError::new(
                    "bands",
                    Invalid::BandsOverlap {
                        stars: lo.stars,
                        other: hi.stars,
                    },
                )),
                Some(m) if m + 1 < hi.min => e.push(FieldError::new(
                    "bands",
                    Invalid::BandsGap {
                        from: m + 1,
                        to: hi.min - 1,
                    },
                )),
                Some(_) => {}
            }
            if hi.stars <= lo.stars {
                e.push(FieldError::new(
                    "bands",
                    Invalid::BandsOrder { stars: hi.stars },
                ));
            }
        }
        let mut codes = BTreeSet::new();
        for v in &self.vetoes {
            if v.code.trim().is_empty() || v.title.trim().is_empty() {
                e.push(FieldError::new("vetoes", Invalid::Required));
            } else if !codes.insert(v.code.as_str()) {
                e.push(FieldError::new(
                    "vetoes",
                    Invalid::DuplicateCode {
                        item: v.code.clone(),
                    },
                ));
            }
        }
        let s = self.survey;
        if s.share_den <= 0 || s.share_num < 0 || s.share_num > s.share_den || s.min_responses < 0 {
            e.push(FieldError::new("survey", Invalid::BadFraction));
        }
        if e.is_empty() { Ok(()) } else { Err(e) }
    }

    /// The band a score falls in, if any (below the lowest band: none).
    pub fn band_of(&self, score: Fraction) -> Option<&Band> {
        self.bands
            .iter()
            .filter(|b| {
                Fraction::from_int(b.min) <= score
                    && b.max.is_none_or(|m| score < Fraction::from_int(m + 1))
            })
            .max_by_key(|b| b.stars)
    }

    /// Rates a compound. Refuses a survey below the sample rule, more satisfied answers than
    /// answers, parts outside 0–100 and veto codes the scheme does not have.
    pub fn rate(&self, input: &RatingInput) -> Result<RatingOutcome, Vec<FieldError>> {
        let mut e = Vec::new();
        if let Err(err) = self.survey.check(input.households, input.responses) {
            e.push(FieldError::new("responses", err));
        }
        if input.satisfied < 0 || input.satisfied > input.responses {
            e.push(FieldError::new(
                "satisfied",
                Invalid::OutOfRange {
                    min: 0,
                    max: input.responses.max(0),
                },
            ));
        }
        for (field, v) in [
            ("management", input.management_centi),
            ("overall", input.overall_centi),
        ] {
            if !(0..=10_000).contains(&v) {
                e.push(FieldError::new(
                    field,
                    Invalid::OutOfRange { min: 0, max: 100 },
                ));
            }
        }
        for v in &input.vetoes {
            if !self.vetoes.iter().any(|x| &x.code == v) {
                e.push(FieldError::new(
                    "vetoes",
                    Invalid::UnknownItem { item: v.clone() },
                ));
            }
        }
        if !e.is_empty() {
            return Err(e);
        }
        let w = self.weights;
        let r = input.responses;
        // Score × 10,000 × 100 × responses, all integer.
        let num = w.satisfaction_bp * 100 * 100 * input.satisfied
            + w.management_bp * input.management_centi * r
            + w.overall_bp * input.overall_centi * r;
        let den = 10_000 * 100 * r;
        let score = Fraction::new(num, den)
            .ok_or_else(|| vec![FieldError::new("responses", Invalid::NotPositive)])?;
        let vetoed = !input.vetoes.is_empty();
        let band = if vetoed { None } else { self.band_of(score) };
        Ok(RatingOutcome {
            score,
            score_centi: num * 100 / den,
            satisfaction_centi: input.satisfied * 10_000 / r,
            stars: band.map_or(0, |b| b.stars),
            vetoed,
            reward: Fen(band.map_or(0, |b| b.reward_fen)),
        })
    }

    /// The scheme in words, for the rating page.
    pub fn rule_lines(&self, lang: Lang) -> Vec<String> {
        let pct = |bp: i64| Fen(bp).to_string();
        let w = self.weights;
        let mut out = vec![match lang {
            Lang::Zh => format!(
                "得分 = 满意度 × {}% + 管理 × {}% + 综合 × {}%",
                pct(w.satisfaction_bp),
                pct(w.management_bp),
                pct(w.overall_bp)
            ),
            Lang::En => format!(
                "score = satisfaction × {}% + management × {}% + overall × {}%",
                pct(w.satisfaction_bp),
                pct(w.management_bp),
                pct(w.overall_bp)
            ),
        }];
        let mut bands = self.bands.clone();
        bands.sort_by_key(|b| std::cmp::Reverse(b.stars));
        for b in bands {
            let range = match b.max {
                Some(m) => format!("{}–{}", b.min, m),
                None => format!("≥ {}", b.min),
            };
            out.push(match lang {
                Lang::Zh => format!(
                    "{}：{} 分，奖补 {} 元",
                    "★".repeat(b.stars.into()),
                    range,
                    Fen(b.reward_fen)
                ),
                Lang::En => format!(
                    "{}: {range} points, reward {} yuan",
                    "★".repeat(b.stars.into()),
                    Fen(b.reward_fen)
                ),
            });
        }
        let s = self.survey;
        out.push(match lang {
            Lang::Zh => format!("满意度调查：不少于户数的 {}/{}，且不少于 {} 户（不足 {} 户的小区须全部调查）", s.share_num, s.share_den, s.min_responses, s.min_responses),
            Lang::En => format!("Survey: at least {}/{} of the households and at least {} (every household if fewer)", s.share_num, s.share_den, s.min_responses),
        });
        if !self.vetoes.is_empty() {
            let titles = self
                .vetoes
                .iter()
                .map(|v| v.title.as_str())
                .collect::<Vec<_>>()
                .join(lang.pick("、", ", "));
            out.push(match lang {
                Lang::Zh => format!("一票否决：{titles}"),
                Lang::En => format!("Veto items: {titles}"),
            });
        }
        out
    }
}

/// The Shenzhen Bao'an preset: satisfaction 30%, management 40%, overall 30%; ≥ 91 five
/// stars, 86–90 four, 81–85 three, 71–80 two, 60–70 one; survey ≥ 10% and ≥ 50. Veto items
/// and reward amounts are placeholders for the city to set.
pub fn baoan_preset() -> RatingScheme {
    let band = |stars, min, max, yuan: i64| Band {
        stars,
        min,
        max,
        reward_fen: yuan * 100,
    };
    RatingScheme {
        name: "评星定级（宝安区权重）".into(),
        weights: Weights {
            satisfaction_bp: 3000,
            management_bp: 4000,
            overall_bp: 3000,
        },
        bands: vec![
            band(5, 91, None, 30_000),
            band(4, 86, Some(90), 20_000),
            band(3, 81, Some(85), 12_000),
            band(2, 71, Some(80), 8_000),
            band(1, 60, Some(70), 5_000),
        ],
        vetoes: vec![
            StarVeto {
                code: "V1".into(),
                title: "发生重大安全责任事故".into(),
            },
            StarVeto {
                code: "V2".into(),
                title: "发生群体性事件".into(),
            },
            StarVeto {
                code: "V3".into(),
                title: "新增违法建设未整改".into(),
            },
        ],
        survey: SampleRule {
            share_num: 1,
            share_den: 10,
            min_responses: 50,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn input(
        households: i64,
        responses: i64,
        satisfied: i64,
        management: i64,
        overall: i64,
    ) -> RatingInput {
        RatingInput {
            households,
            responses,
            satisfied,
            management_centi: management,
            overall_centi: overall,
            vetoes: vec![],
        }
    }

    /// A compound of 1,000 households, 100 answers, each part worth exactly `points_centi`
    /// (whole points): the score is exactly that.
    fn at(points_centi: i64) -> RatingOutcome {
        let s = baoan_preset();
        let households = 1000;
        let responses = 100;
        assert_eq!(points_centi % 100, 0, "whole points only in this helper");
        s.rate(&input(
            households,
            responses,
            points_centi / 100,
            points_centi,
            points_centi,
        ))
        .unwrap()
    }

    #[test]
    fn star_bands_at_their_edges() {
        let table: &[(i64, u8, i64)] = &[
            (100, 5, 30_000),
            (91, 5, 30_000),
            (90, 4, 20_000),
            (86, 4, 20_000),
            (85, 3, 12_000),
            (81, 3, 12_000),
            (80, 2, 8_000),
            (71, 2, 8_000),
            (70, 1, 5_000),
            (60, 1, 5_000),
            (59, 0, 0),
            (0, 0, 0),
        ];
        for (points, stars, yuan) in table {
            let o = at(points * 100);
            assert_eq!(o.score, Fraction::from_int(*points));
            assert_eq!(
                (o.stars, o.reward),
                (*stars, Fen(yuan * 100)),
                "{points} points"
            );
        }
    }

    #[test]
    fn a_score_between_bands_belongs_to_the_lower_one_until_the_next_whole_point() {
        let s = baoan_preset();
        // 90.99 and 90.5 are four stars; 91.00 five.
        for (centi, stars) in [(9099, 4), (9050, 4), (9100, 5), (5999, 0), (6000, 1)] {
            // All the weight on management, so the score is what was typed.
            let mut sc = s.clone();
            sc.weights = Weights {
                satisfaction_bp: 0,
                management_bp: 10_000,
                overall_bp: 0,
            };
            let o = sc.rate(&input(1000, 100, 0, centi, 0)).unwrap();
            assert_eq!(o.score_centi, centi);
            assert_eq!(o.stars, stars, "{centi}");
        }
    }

    #[test]
    fn the_weighted_score_is_exact() {
        // 47 of 60 satisfied = 78.333…; management 88.5, overall 90.
        let o = baoan_preset()
            .rate(&input(300, 60, 47, 8850, 9000))
            .unwrap();
        // 0.3 × 78.333… + 0.4 × 88.5 + 0.3 × 90 = 23.5 + 35.4 + 27 = 85.9
        assert_eq!(o.score, Fraction::new(859, 10).unwrap());
        assert_eq!(o.score_centi, 8590);
        assert_eq!(o.satisfaction_centi, 7833);
        assert_eq!(o.stars, 3);
    }

    #[test]
    fn a_veto_item_means_no_stars_whatever_the_score() {
        let mut i = input(1000, 100, 100, 10_000, 10_000);
        i.vetoes = vec!["V2".into()];
        let o = baoan_preset().rate(&i).unwrap();
        assert_eq!(o.score, Fraction::from_int(100));
        assert_eq!((o.stars, o.vetoed, o.reward), (0, true, Fen(0)));
        i.vetoes = vec!["V9".into()];
        assert_eq!(
            baoan_preset().rate(&i).unwrap_err(),
            vec![FieldError::new(
                "vetoes",
                Invalid::UnknownItem { item: "V9".into() }
            )]
        );
    }

    #[test]
    fn the_survey_sample_rule_at_its_edges() {
        let r = baoan_preset().survey;
        // 10% of 1,000 is 100: 100 is enough, 99 is not.
        assert_eq!(r.check(1000, 100), Ok(()));
        assert_eq!(
            r.check(1000, 99),
            Err(Invalid::SurveyTooSmall {
                needed: 100,
                got: 99
            })
        );
        // 10% of 300 is 30, but at least 50.
        assert_eq!(r.check(300, 50), Ok(()));
        assert_eq!(
            r.check(300, 49),
            Err(Invalid::SurveyTooSmall {
                needed: 50,
                got: 49
            })
        );
        // 10% of 501 is 50.1: 51 needed.
        assert_eq!(r.needed(501), 51);
        assert_eq!(r.needed(500), 50);
        // A compound of 40 households: every one.
        assert_eq!(r.check(40, 40), Ok(()));
        assert_eq!(
            r.check(40, 39),
            Err(Invalid::SurveyTooSmall {
                needed: 40,
                got: 39
            })
        );
        assert_eq!(
            r.check(40, 41),
            Err(Invalid::OutOfRange { min: 0, max: 40 })
        );
        assert_eq!(
            r.check(0, 0),
            Err(Invalid::SurveyTooSmall { needed: 1, got: 0 })
        );
    }

    #[test]
    fn schemes_with_bad_weights_or_bands_are_refused() {
        let mut s = baoan_preset();
        assert_eq!(s.check(), Ok(()));
        s.weights.overall_bp = 2999;
        assert_eq!(
            s.check().unwrap_err(),
            vec![FieldError::new(
                "weights",
                Invalid::WeightsSum { total_bp: 9999 }
            )]
        );
        let mut s = baoan_preset();
        s.bands[1].max = Some(91); // four stars up to 91 overlaps five from 91
        assert_eq!(
            s.check().unwrap_err(),
            vec![FieldError::new(
                "bands",
                Invalid::BandsOverlap { stars: 4, other: 5 }
            )]
        );
        let mut s = baoan_preset();
        s.bands[1].max = Some(89); // 90 has no band
        assert_eq!(
            s.check().unwrap_err(),
            vec![FieldError::new(
                "bands",
                Invalid::BandsGap { from: 90, to: 90 }
            )]
        );
        let mut s = baoan_preset();
        s.bands[4].stars = 2;
        assert!(s.check().unwrap_err().contains(&FieldError::new(
            "bands",
            Invalid::DuplicateCode {
                item: "2★".into()
            }
        )));
        let json = serde_json::to_string(&baoan_preset()).unwrap();
        assert_eq!(RatingScheme::parse_json(&json), Ok(baoan_preset()));
    }

    proptest! {
        #[test]
        fn stars_never_fall_as_the_score_rises(a in 0i64..=10_000, b in 0i64..=10_000) {
            let mut s = baoan_preset();
            s.weights = Weights { satisfaction_bp: 0, management_bp: 10_000, overall_bp: 0 };
            let (lo, hi) = (a.min(b), a.max(b));
            let rate = |c| s.rate(&input(1000, 100, 0, c, 0)).unwrap().stars;
            prop_assert!(rate(lo) <= rate(hi));
        }

        #[test]
        fn every_score_from_60_has_exactly_one_band(c in 6_000i64..=10_000) {
            let s = baoan_preset();
            let score = Fraction::new(c, 100).unwrap();
            let n = s.bands.iter().filter(|b| Fraction::from_int(b.min) <= score && b.max.is_none_or(|m| score < Fraction::from_int(m + 1))).count();
            prop_assert_eq!(n, 1);
        }
    }
}
