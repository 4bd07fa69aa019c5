//! The named rules a compound chooses from, each a [`DecisionRule`] as data.
//!
//! - Civil Code Art. 278: a quorum of two thirds of the area and of the owners, inclusive;
//!   then more than half of the participants (ordinary matters) or at least three quarters
//!   (items 6–8), both by area and by headcount.
//! - Beijing (2020) elevator retrofits: at least two thirds of the area and of the owners of
//!   the whole scope agree, no objection left unresolved, and the owners whose own part is used
//!   consent.
//! - Jinan (2019): the same two thirds of the whole unit, 15 days of public notice, no
//!   unresolved objection from the affected owners.
//! - 纹江花园 (seed S1): "同意率超三分之二方可实行" — strictly more than two thirds of all
//!   households. It counts households, not owners, so one owner of two flats counts twice and
//!   unsold flats are not merged.
//! - Custom: any rule that passes [`DecisionRule::check`]; it starts from the ordinary rule.

use super::rule::{Base, DecisionRule, HeadcountRules, Measure, Threshold};
use crate::fraction::Fraction;
use crate::lang::Lang;

crate::text_enum! {
    pub enum Preset {
        CivilOrdinary = "civil_ordinary",
        CivilMajor = "civil_major",
        Beijing2020Elevator = "beijing_2020_elevator",
        Jinan2019Elevator = "jinan_2019_elevator",
        WenjiangTwoThirds = "wenjiang_two_thirds",
        Custom = "custom",
    }
}

/// A fraction of two positive literals.
pub(crate) fn frac(num: i64, den: i64) -> Fraction {
    match Fraction::new(num, den) {
        Some(f) => f,
        None => unreachable!("presets use positive denominators"),
    }
}

impl Preset {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Preset::CivilOrdinary => lang.pick(
                "民法典一般事项（双过半）",
                "Civil Code, ordinary matter (more than half)",
            ),
            Preset::CivilMajor => lang.pick(
                "民法典重大事项（四分之三以上）",
                "Civil Code, major matter (three quarters)",
            ),
            Preset::Beijing2020Elevator => {
                lang.pick("北京加装电梯（2020）", "Beijing elevator retrofit (2020)")
            }
            Preset::Jinan2019Elevator => {
                lang.pick("济南加装电梯（2019）", "Jinan elevator retrofit (2019)")
            }
            Preset::WenjiangTwoThirds => lang.pick(
                "同意率超三分之二（按户）",
                "More than two thirds of households agree",
            ),
            Preset::Custom => lang.pick("自定义规则", "Custom rule"),
        }
    }

    /// The rule of this preset. `Custom` has no fixed rule: this returns the ordinary Civil
    /// Code rule as the starting point of the form; the rule actually used is the one stored.
    pub fn rule(self) -> DecisionRule {
        let two_thirds = frac(2, 3);
        let both = |make: &dyn Fn(Measure) -> Threshold| {
            vec![make(Measure::Area), make(Measure::Headcount)]
        };
        let civil_quorum = both(&|m| Threshold::quorum(m, two_thirds));
        let plain = |thresholds: Vec<Threshold>, notice_days: u16| DecisionRule {
            thresholds,
            requires_affected_consent: false,
            no_unresolved_objection: false,
            headcount: HeadcountRules::default(),
            notice_days,
        };
        match self {
            Preset::CivilOrdinary | Preset::Custom => plain(
                [
                    civil_quorum,
                    both(&|m| Threshold::yes(m, Base::Participants, frac(1, 2), true)),
                ]
                .concat(),
                DecisionRule::DEFAULT_NOTICE_DAYS,
            ),
            Preset::CivilMajor => plain(
                [
                    civil_quorum,
                    both(&|m| Threshold::yes(m, Base::Participants, frac(3, 4), false)),
                ]
                .concat(),
                DecisionRule::DEFAULT_NOTICE_DAYS,
            ),
            Preset::Beijing2020Elevator | Preset::Jinan2019Elevator => DecisionRule {
                requires_affected_consent: true,
                no_unresolved_objection: true,
                ..plain(
                    both(&|m| Threshold::yes(m, Base::All, two_thirds, false)),
                    DecisionRule::ELEVATOR_NOTICE_DAYS,
                )
            },
            Preset::WenjiangTwoThirds => DecisionRule {
                headcount: HeadcountRules {
                    one_per_owner: false,
                    developer_as_one: false,
                    co_owners_one_voter: true,
                },
                ..plain(
                    vec![Threshold::yes(
                        Measure::Headcount,
                        Base::All,
                        two_thirds,
                        true,
                    )],
                    DecisionRule::ELEVATOR_NOTICE_DAYS,
                )
            },
        }
    }

    /// The first preset whose rule this is, or `Custom` when it matches none. Beijing 2020 and
    /// Jinan 2019 are the same rule as data, so store the chosen preset beside the rule.
    pub fn of_rule(rule: &DecisionRule) -> Preset {
        Preset::ALL
            .into_iter()
            .filter(|p| *p != Preset::Custom)
            .find(|p| p.rule() == *rule)
            .unwrap_or(Preset::Custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decision::rule::Counted;
    use crate::error::Invalid;

    #[test]
    fn codes_round_trip() {
        for p in Preset::ALL {
            assert_eq!(Preset::parse(p.as_str()), Ok(p));
            assert_eq!(
                serde_json::to_string(&p).unwrap(),
                format!("\"{}\"", p.as_str())
            );
            assert!(!p.label(Lang::Zh).is_empty() && !p.label(Lang::En).is_empty());
        }
        assert_eq!(Preset::parse("x"), Err(Invalid::BadChoice));
    }

    #[test]
    fn presets_are_recognised_from_their_rules() {
        for p in Preset::ALL {
            assert_eq!(Preset::of_rule(&p.rule()).rule(), p.rule());
        }
        assert_eq!(
            Preset::of_rule(&Preset::Jinan2019Elevator.rule()),
            Preset::Beijing2020Elevator
        );
        let mut edited = Preset::CivilMajor.rule();
        edited.notice_days = 10;
        assert_eq!(Preset::of_rule(&edited), Preset::Custom);
    }

    #[test]
    fn civil_code_numbers() {
        let major = Preset::CivilMajor.rule();
        assert_eq!(major.quorum().count(), 2);
        let yes: Vec<_> = major
            .thresholds
            .iter()
            .filter(|t| t.count == Counted::Yes)
            .collect();
        assert_eq!(yes.len(), 2);
        assert!(
            yes.iter()
                .all(|t| t.fraction == frac(3, 4) && !t.strict && t.of == Base::Participants)
        );
        let ordinary = Preset::CivilOrdinary.rule();
        assert!(
            ordinary
                .thresholds
                .iter()
                .filter(|t| !t.is_quorum())
                .all(|t| t.strict && t.fraction == frac(1, 2))
        );
        let wenjiang = Preset::WenjiangTwoThirds.rule();
        assert_eq!(wenjiang.thresholds.len(), 1);
        assert!(wenjiang.thresholds[0].strict);
        assert_eq!(Preset::Jinan2019Elevator.rule().notice_days(), 15);
        assert_eq!(Preset::CivilOrdinary.rule().notice_days(), 7);
        assert!(Preset::Beijing2020Elevator.rule().requires_affected_consent);
    }
}
