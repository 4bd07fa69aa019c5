//! Counting ballots against a rule.
//!
//! Civil Code Art. 278 weighs every matter twice, by exclusive area and by heads, and asks
//! first whether enough owners took part at all. So the tally adds up area and heads for yes,
//! no and abstain (an abstention is participation, never agreement), puts each threshold's
//! part over its whole with exact integer cross-multiplication, and reports every check with
//! its numbers, so that a notice can print "2,154 / 3,250 households, needs ≥ 2/3" and a court
//! can redo the sum (Art. 280). A missed quorum is "no quorum", not a rejection: the owners
//! did not decide.
//!
//! Ballots are keyed by voter; the last ballot of a voter counts (a changed ballot replaces
//! the earlier one) and ballots of keys not on the roll are ignored here — the store refuses
//! them when they are cast, with [`Electorate::check_voter`].

use super::electorate::{Electorate, Voter, VoterKey};
use super::rule::{Base, Counted, DecisionRule, Measure, Threshold};
use crate::error::Invalid;
use crate::lang::Lang;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

crate::text_enum! {
    pub enum Choice {
        Yes = "yes",
        No = "no",
        Abstain = "abstain",
    }
}

impl Choice {
    /// The codes, and the words of a paper form ("同意", "不同意", "弃权"): what a person
    /// types or an import reads. A stored choice is only ever the code ([`Choice::parse`]).
    pub fn parse_written(s: &str) -> Result<Choice, Invalid> {
        match s.trim() {
            "同意" => Ok(Choice::Yes),
            "不同意" | "反对" => Ok(Choice::No),
            "弃权" => Ok(Choice::Abstain),
            s => Choice::parse(s),
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Choice::Yes => lang.pick("同意", "Yes"),
            Choice::No => lang.pick("不同意", "No"),
            Choice::Abstain => lang.pick("弃权", "Abstain"),
        }
    }
}

/// Area (hundredths of m²) and heads of a group of voters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Counts {
    pub area_centi: i64,
    pub heads: i64,
}

impl Counts {
    pub fn get(self, measure: Measure) -> i64 {
        match measure {
            Measure::Area => self.area_centi,
            Measure::Headcount => self.heads,
        }
    }

    pub(crate) fn add(&mut self, voter: &Voter) {
        self.area_centi = self.area_centi.saturating_add(voter.area_centi);
        self.heads = self.heads.saturating_add(voter.heads);
    }

    /// `self - other`, per measure: e.g. all minus participants is who has not answered.
    pub fn minus(self, other: Counts) -> Counts {
        Counts {
            area_centi: self.area_centi.saturating_sub(other.area_centi),
            heads: self.heads.saturating_sub(other.heads),
        }
    }
}

/// What is known at closing besides the ballots.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TallyContext {
    /// Households named as affected, and whether each has consented in writing. A household
    /// named twice has consented only if every entry says so.
    pub affected_households_consented: Vec<(i64, bool)>,
    /// Objections recorded and not (yet) resolved.
    pub unresolved_objections: usize,
}

/// What a check is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CheckKind {
    Threshold(Threshold),
    /// `part` of the `whole` named affected households consented; met when all did.
    AffectedConsent,
    /// `part` objections are unresolved (`whole` is 0); met when none is.
    NoUnresolvedObjection,
}

/// One condition of the rule, with the numbers it was decided on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    pub kind: CheckKind,
    pub part: i64,
    pub whole: i64,
    pub met: bool,
}

impl Check {
    /// The condition in words, without the numbers: "同意人数 ≥ 全体人数的 2/3".
    pub fn label(&self, lang: Lang) -> String {
        match &self.kind {
            CheckKind::Threshold(t) => t.label(lang),
            CheckKind::AffectedConsent => lang
                .pick("受影响的业主全部书面同意", "every affected owner consents")
                .into(),
            CheckKind::NoUnresolvedObjection => lang
                .pick("没有未解决的异议", "no objection left unresolved")
                .into(),
        }
    }

    /// The threshold's measure, if this is a threshold (area is printed in m², heads as is).
    pub fn measure(&self) -> Option<Measure> {
        match &self.kind {
            CheckKind::Threshold(t) => Some(t.measure),
            _ => None,
        }
    }

    pub fn is_quorum(&self) -> bool {
        matches!(&self.kind, CheckKind::Threshold(t) if t.is_quorum())
    }
}

crate::text_enum! {
    pub enum Outcome {
        Passed = "passed",
        Failed = "failed",
        NoQuorum = "no_quorum",
    }
}

impl Outcome {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Outcome::Passed => lang.pick("通过", "Passed"),
            Outcome::Failed => lang.pick("未通过", "Not passed"),
            Outcome::NoQuorum => {
                lang.pick("参与人数不足，未形成决定", "No quorum: nothing was decided")
            }
        }
    }
}

/// The count and the verdict, with every check in the order of the rule (thresholds, then
/// affected consent, then objections).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TallyResult {
    pub all: Counts,
    pub participants: Counts,
    pub yes: Counts,
    pub no: Counts,
    pub abstain: Counts,
    pub checks: Vec<Check>,
    pub outcome: Outcome,
}

impl TallyResult {
    /// Who has not answered: the door-knocking still to do.
    pub fn absent(&self) -> Counts {
        self.all.minus(self.participants)
    }

    pub fn quorum_met(&self) -> bool {
        self.checks.iter().filter(|c| c.is_quorum()).all(|c| c.met)
    }
}

/// A threshold put to the numbers; `yes` is what `Counted::Yes` counts (for an election, the
/// votes of one candidate).
pub(crate) fn check_threshold(
    t: &Threshold,
    yes: Counts,
    participants: Counts,
    all: Counts,
) -> Check {
    let part = match t.count {
        Counted::Yes => yes,
        Counted::Participants => participants,
    }
    .get(t.measure);
    let whole = match t.of {
        Base::Participants => participants,
        Base::All => all,
    }
    .get(t.measure);
    Check {
        kind: CheckKind::Threshold(*t),
        part,
        whole,
        met: t.met_by(part, whole),
    }
}

/// The last choice of each voter on the roll, by voter index.
pub(crate) fn latest<B>(
    electorate: &Electorate,
    ballots: impl IntoIterator<Item = (VoterKey, B)>,
) -> Vec<Option<B>> {
    let mut by_voter: Vec<Option<B>> = std::iter::repeat_with(|| None)
        .take(electorate.voters().len())
        .collect();
    for (key, ballot) in ballots {
        if let Some(i) = electorate.index_of(&key) {
            by_voter[i] = Some(ballot);
        }
    }
    by_voter
}

/// Counts `ballots` of the `electorate` under `rule`. Pure and exact.
pub fn tally(
    electorate: &Electorate,
    rule: &DecisionRule,
    ballots: impl IntoIterator<Item = (VoterKey, Choice)>,
    ctx: &TallyContext,
) -> TallyResult {
    let (mut yes, mut no, mut abstain) = (Counts::default(), Counts::default(), Counts::default());
    for (voter, choice) in electorate.voters().iter().zip(latest(electorate, ballots)) {
        match choice {
            Some(Choice::Yes) => yes.add(voter),
            Some(Choice::No) => no.add(voter),
            Some(Choice::Abstain) => abstain.add(voter),
            None => {}
        }
    }
    let participants = Counts {
        area_centi: yes
            .area_centi
            .saturating_add(no.area_centi)
            .saturating_add(abstain.area_centi),
        heads: yes
            .heads
            .saturating_add(no.heads)
            .saturating_add(abstain.heads),
    };
    let all = electorate.totals();
    let mut checks: Vec<Check> = rule
        .thresholds
        .iter()
        .map(|t| check_threshold(t, yes, participants, all))
        .collect();
    if rule.requires_affected_consent {
        let mut affected: BTreeMap<i64, bool> = BTreeMap::new();
        for (household, consented) in &ctx.affected_households_consented {
            let entry = affected.entry(*household).or_insert(true);
            *entry = *entry && *consented;
        }
        let part = affected.values().filter(|c| **c).count() as i64;
        let whole = affected.len() as i64;
        checks.push(Check {
            kind: CheckKind::AffectedConsent,
            part,
            whole,
            met: part == whole,
        });
    }
    if rule.no_unresolved_objection {
        let part = i64::try_from(ctx.unresolved_objections).unwrap_or(i64::MAX);
        checks.push(Check {
            kind: CheckKind::NoUnresolvedObjection,
            part,
            whole: 0,
            met: part == 0,
        });
    }
    let outcome = if checks.iter().any(|c| c.is_quorum() && !c.met) {
        Outcome::NoQuorum
    } else if checks.iter().all(|c| c.met) {
        Outcome::Passed
    } else {
        Outcome::Failed
    };
    TallyResult {
        all,
        participants,
        yes,
        no,
        abstain,
        checks,
        outcome,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decision::electorate::ElectorHousehold;
    use crate::decision::preset::Preset;
    use crate::decision::rule::HeadcountRules;
    use crate::fraction::Fraction;
    use proptest::prelude::*;

    /// One owner per household (person id = household id), with these areas.
    fn roll(areas: &[i64]) -> Electorate {
        let hs = areas.iter().enumerate().map(|(i, a)| ElectorHousehold {
            household_id: i as i64 + 1,
            area_centi: *a,
            owners: vec![i as i64 + 1],
            designated_voter: None,
            developer_unsold: false,
        });
        Electorate::build(hs, &HeadcountRules::default()).unwrap()
    }

    fn equal(n: usize) -> Electorate {
        roll(&vec![10_000; n])
    }

    /// Ballots by household number (1-based): `yes` first, then `no`, then `abstain`.
    fn ballots(yes: usize, no: usize, abstain: usize) -> Vec<(VoterKey, Choice)> {
        let choices = std::iter::repeat_n(Choice::Yes, yes)
            .chain(std::iter::repeat_n(Choice::No, no))
            .chain(std::iter::repeat_n(Choice::Abstain, abstain));
        choices
            .enumerate()
            .map(|(i, c)| (VoterKey::Person(i as i64 + 1), c))
            .collect()
    }

    fn outcome(e: &Electorate, p: Preset, b: Vec<(VoterKey, Choice)>) -> Outcome {
        tally(e, &p.rule(), b, &TallyContext::default()).outcome
    }

    use Outcome::{Failed, NoQuorum, Passed};

    /// (name, households, preset, (yes, no, abstain), expected)
    type Case = (&'static str, usize, Preset, (usize, usize, usize), Outcome);

    #[test]
    fn boundaries_by_headcount() {
        #[rustfmt::skip]
        let cases: Vec<Case> = vec![
            ("exactly 2/3 of all agree", 30, Preset::Beijing2020Elevator, (20, 0, 0), Passed),
            ("one household short of 2/3", 30, Preset::Beijing2020Elevator, (19, 11, 0), Failed),
            ("Jinan: exactly 2/3", 30, Preset::Jinan2019Elevator, (20, 10, 0), Passed),
            ("more than 2/3: exactly 2/3 is not enough", 30, Preset::WenjiangTwoThirds, (20, 10, 0), Failed),
            ("more than 2/3: one more passes", 30, Preset::WenjiangTwoThirds, (21, 0, 0), Passed),
            ("quorum exactly 2/3, exactly 3/4 agree", 12, Preset::CivilMajor, (6, 2, 0), Passed),
            ("quorum exactly 2/3, one short of 3/4", 12, Preset::CivilMajor, (5, 3, 0), Failed),
            ("quorum one short of 2/3", 12, Preset::CivilMajor, (7, 0, 0), NoQuorum),
            ("exactly half fails a strict majority", 10, Preset::CivilOrdinary, (5, 5, 0), Failed),
            ("one more than half passes", 10, Preset::CivilOrdinary, (6, 4, 0), Passed),
            ("abstention is participation, not yes", 10, Preset::CivilOrdinary, (5, 0, 5), Failed),
            ("abstentions make the quorum", 10, Preset::CivilOrdinary, (6, 0, 4), Passed),
            ("everyone agrees", 10, Preset::CivilMajor, (10, 0, 0), Passed),
            ("zero participants: no quorum", 10, Preset::CivilOrdinary, (0, 0, 0), NoQuorum),
            ("zero participants under a rule without quorum", 10, Preset::Beijing2020Elevator, (0, 0, 0), Failed),
            ("zero electorate: no quorum", 0, Preset::CivilMajor, (0, 0, 0), NoQuorum),
            ("zero electorate, rule of all", 0, Preset::WenjiangTwoThirds, (0, 0, 0), Failed),
        ];
        for (name, n, preset, (y, no, a), expected) in cases {
            assert_eq!(
                outcome(&equal(n), preset, ballots(y, no, a)),
                expected,
                "{name}"
            );
        }
    }

    #[test]
    fn one_hundredth_of_a_square_metre_decides() {
        // Three flats of 100.00 m²; two agree: exactly 2/3 of the area and of the owners.
        let e = roll(&[10_000, 10_000, 10_000]);
        assert_eq!(
            outcome(&e, Preset::Beijing2020Elevator, ballots(2, 1, 0)),
            Passed
        );
        // The same heads, but the yes side is 0.01 m² short of 2/3.
        let e = roll(&[10_000, 9_999, 10_001]);
        let r = tally(
            &e,
            &Preset::Beijing2020Elevator.rule(),
            ballots(2, 1, 0),
            &TallyContext::default(),
        );
        assert_eq!(r.outcome, Failed);
        let area = r
            .checks
            .iter()
            .find(|c| c.measure() == Some(Measure::Area))
            .unwrap();
        assert_eq!((area.part, area.whole, area.met), (19_999, 30_000, false));
        let heads = r
            .checks
            .iter()
            .find(|c| c.measure() == Some(Measure::Headcount))
            .unwrap();
        assert!(heads.met);

        // Civil major: 8 of 12 take part (exactly the quorum by area), exactly 3/4 of the
        // participating area agrees — and then 0.01 m² less.
        let mut areas = vec![10_000; 12];
        let e = roll(&areas);
        assert_eq!(outcome(&e, Preset::CivilMajor, ballots(6, 2, 0)), Passed);
        areas[0] = 9_999;
        areas[7] = 10_001;
        let e = roll(&areas);
        let r = tally(
            &e,
            &Preset::CivilMajor.rule(),
            ballots(6, 2, 0),
            &TallyContext::default(),
        );
        assert!(r.quorum_met());
        assert_eq!(r.outcome, Failed);
        // And quorum one hundredth short: the absent side is 0.01 m² larger.
        let mut areas = vec![10_000; 12];
        areas[11] = 10_002;
        areas[0] = 9_999;
        areas[1] = 9_999;
        let e = roll(&areas);
        assert_eq!(outcome(&e, Preset::CivilMajor, ballots(8, 0, 0)), NoQuorum);
    }

    #[test]
    fn checks_carry_the_numbers_for_the_notice() {
        // 甘泉苑: 3,250 households, 2,154 take part (2/3 of 3,250 is 2,166.67: no quorum).
        let e = equal(3_250);
        let r = tally(
            &e,
            &Preset::CivilMajor.rule(),
            ballots(2_154, 0, 0),
            &TallyContext::default(),
        );
        let q = &r.checks[1];
        assert!(q.is_quorum());
        assert_eq!((q.part, q.whole, q.met), (2_154, 3_250, false));
        assert_eq!(q.label(Lang::Zh), "参与表决人数 ≥ 全体人数的 2/3");
        assert_eq!(r.outcome, NoQuorum);
        assert_eq!(
            r.absent(),
            Counts {
                area_centi: 1_096 * 10_000,
                heads: 1_096
            }
        );
        let r = tally(
            &e,
            &Preset::CivilMajor.rule(),
            ballots(2_167, 0, 0),
            &TallyContext::default(),
        );
        assert_eq!(r.outcome, Passed);
    }

    #[test]
    fn affected_consent_and_objections() {
        let e = equal(6);
        let rule = Preset::Beijing2020Elevator.rule();
        let run = |affected: Vec<(i64, bool)>, objections| {
            tally(
                &e,
                &rule,
                ballots(6, 0, 0),
                &TallyContext {
                    affected_households_consented: affected,
                    unresolved_objections: objections,
                },
            )
        };
        assert_eq!(
            run(vec![], 0).outcome,
            Passed,
            "no affected household named"
        );
        assert_eq!(run(vec![(1, true), (2, true)], 0).outcome, Passed);
        let r = run(vec![(1, true), (2, false)], 0);
        assert_eq!(r.outcome, Failed);
        let consent = r
            .checks
            .iter()
            .find(|c| c.kind == CheckKind::AffectedConsent)
            .unwrap();
        assert_eq!((consent.part, consent.whole), (1, 2));
        assert_eq!(
            run(vec![(1, true), (1, false)], 0).outcome,
            Failed,
            "a refusal is not overridden"
        );
        let r = run(vec![], 1);
        assert_eq!(r.outcome, Failed);
        assert_eq!(
            r.checks.last().unwrap().label(Lang::En),
            "no objection left unresolved"
        );
        // The ordinary rule asks for neither.
        let r = tally(
            &e,
            &Preset::CivilOrdinary.rule(),
            ballots(6, 0, 0),
            &TallyContext {
                affected_households_consented: vec![(1, false)],
                unresolved_objections: 3,
            },
        );
        assert_eq!(r.outcome, Passed);
        assert_eq!(r.checks.len(), 4);
    }

    #[test]
    fn unknown_keys_are_ignored_and_the_last_ballot_counts() {
        let e = equal(3);
        let b = vec![
            (VoterKey::Person(1), Choice::No),
            (VoterKey::Person(99), Choice::Yes),
            (VoterKey::Developer, Choice::Yes),
            (VoterKey::Person(2), Choice::Yes),
            (VoterKey::Person(1), Choice::Yes),
        ];
        let r = tally(
            &e,
            &Preset::Beijing2020Elevator.rule(),
            b,
            &TallyContext::default(),
        );
        assert_eq!(r.yes.heads, 2);
        assert_eq!(r.no.heads, 0);
        assert_eq!(r.participants.heads, 2);
        assert_eq!(r.outcome, Passed);
    }

    #[test]
    fn a_custom_rule_without_quorum_never_reports_no_quorum() {
        let t = Threshold::yes(
            Measure::Headcount,
            Base::Participants,
            Fraction::new(1, 2).unwrap(),
            true,
        );
        let rule = DecisionRule {
            thresholds: vec![t],
            ..Preset::CivilOrdinary.rule()
        };
        assert_eq!(
            tally(
                &equal(10),
                &rule,
                ballots(0, 0, 0),
                &TallyContext::default()
            )
            .outcome,
            Failed
        );
        assert_eq!(
            tally(
                &equal(10),
                &rule,
                ballots(1, 0, 0),
                &TallyContext::default()
            )
            .outcome,
            Passed
        );
    }

    #[test]
    fn codes_round_trip() {
        for c in Choice::ALL {
            assert_eq!(Choice::parse_written(c.as_str()), Ok(c));
            assert_eq!(Choice::parse_written(c.label(Lang::Zh)), Ok(c));
        }
        for o in Outcome::ALL {
            assert_eq!(Outcome::parse(o.as_str()), Ok(o));
        }
        assert_eq!(Choice::parse_written("maybe"), Err(Invalid::BadChoice));
        let r = tally(
            &equal(3),
            &Preset::Jinan2019Elevator.rule(),
            ballots(3, 0, 0),
            &TallyContext::default(),
        );
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(serde_json::from_str::<TallyResult>(&json).unwrap(), r);
    }

    // ---- properties

    fn households() -> impl Strategy<Value = Vec<ElectorHousehold>> {
        prop::collection::vec(
            (
                0i64..20_000,
                prop::collection::vec(1i64..12, 0..3),
                prop::option::of(1i64..12),
                any::<bool>(),
            ),
            0..30,
        )
        .prop_map(|hs| {
            hs.into_iter()
                .enumerate()
                .map(
                    |(i, (area_centi, owners, designated_voter, dev))| ElectorHousehold {
                        household_id: i as i64 + 1,
                        area_centi,
                        owners,
                        designated_voter,
                        developer_unsold: dev && i % 3 == 0,
                    },
                )
                .collect()
        })
    }

    fn headcount() -> impl Strategy<Value = HeadcountRules> {
        (any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(a, b, c)| HeadcountRules {
            one_per_owner: a,
            developer_as_one: b,
            co_owners_one_voter: c,
        })
    }

    fn threshold() -> impl Strategy<Value = Threshold> {
        (
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            1i64..10,
            1i64..10,
            any::<bool>(),
        )
            .prop_map(|(area, yes, of_all, a, b, strict)| Threshold {
                measure: if area {
                    Measure::Area
                } else {
                    Measure::Headcount
                },
                // Participation is only ever measured against all (see `DecisionRule::check`).
                count: if yes || !of_all {
                    Counted::Yes
                } else {
                    Counted::Participants
                },
                of: if of_all {
                    Base::All
                } else {
                    Base::Participants
                },
                fraction: Fraction::new(a.min(b), a.max(b)).unwrap(),
                strict,
            })
    }

    /// Every preset, and random custom rules, each under the given headcount switches.
    fn rules(
        custom: Vec<Threshold>,
        h: HeadcountRules,
        consent: bool,
        objection: bool,
    ) -> Vec<DecisionRule> {
        let mut rules: Vec<DecisionRule> = Preset::ALL.iter().map(|p| p.rule()).collect();
        rules.push(DecisionRule {
            thresholds: custom,
            requires_affected_consent: consent,
            no_unresolved_objection: objection,
            headcount: h,
            notice_days: 7,
        });
        rules
    }

    fn choice() -> impl Strategy<Value = Option<Choice>> {
        prop::option::of(prop::sample::select(Choice::ALL.to_vec()))
    }

    proptest! {
        /// Adding a yes (in place of a no, an abstention or silence) never undoes a pass.
        #[test]
        fn a_yes_never_turns_a_pass_into_anything_else(
            hs in households(),
            h in headcount(),
            choices in prop::collection::vec(choice(), 40),
            flip in 0usize..40,
            custom in prop::collection::vec(threshold(), 1..4),
            consent in any::<bool>(),
            objection in any::<bool>(),
            affected in prop::collection::vec((1i64..30, any::<bool>()), 0..3),
            objections in 0usize..2,
        ) {
            let e = Electorate::build(hs, &h).unwrap();
            prop_assume!(!e.voters().is_empty());
            let ctx = TallyContext { affected_households_consented: affected, unresolved_objections: objections };
            let keyed = |cs: &[Option<Choice>]| -> Vec<(VoterKey, Choice)> {
                e.voters().iter().zip(cs).filter_map(|(v, c)| c.map(|c| (v.key, c))).collect()
            };
            let before = keyed(&choices);
            let mut after_choices = choices.clone();
            after_choices[flip % e.voters().len()] = Some(Choice::Yes);
            let after = keyed(&after_choices);
            for rule in rules(custom, h, consent, objection) {
                let was = tally(&e, &rule, before.clone(), &ctx);
                let now = tally(&e, &rule, after.clone(), &ctx);
                if was.outcome == Outcome::Passed {
                    prop_assert_eq!(now.outcome, Outcome::Passed, "{:?}", rule);
                }
                if was.quorum_met() {
                    prop_assert!(now.quorum_met());
                }
            }
        }

        /// yes + no + abstain = participants ≤ all, by area and by heads; all = the roll's totals.
        #[test]
        fn totals_are_consistent(
            hs in households(),
            h in headcount(),
            choices in prop::collection::vec(choice(), 40),
            strays in prop::collection::vec((100i64..200, prop::sample::select(Choice::ALL.to_vec())), 0..3),
        ) {
            let e = Electorate::build(hs.clone(), &h).unwrap();
            prop_assert_eq!(e.total_area_centi(), hs.iter().map(|h| h.area_centi).sum::<i64>());
            let mut b: Vec<(VoterKey, Choice)> =
                e.voters().iter().zip(&choices).filter_map(|(v, c)| c.map(|c| (v.key, c))).collect();
            b.extend(strays.into_iter().map(|(id, c)| (VoterKey::Person(id), c)));
            let r = tally(&e, &Preset::CivilMajor.rule(), b, &TallyContext::default());
            prop_assert_eq!(r.all, e.totals());
            for m in [Measure::Area, Measure::Headcount] {
                prop_assert_eq!(r.yes.get(m) + r.no.get(m) + r.abstain.get(m), r.participants.get(m));
                prop_assert!(r.participants.get(m) <= r.all.get(m));
                prop_assert!(r.yes.get(m) >= 0 && r.no.get(m) >= 0 && r.abstain.get(m) >= 0);
            }
            prop_assert_eq!(
                r.outcome == Outcome::NoQuorum,
                r.checks.iter().any(|c| c.is_quorum() && !c.met)
            );
        }
    }
}
