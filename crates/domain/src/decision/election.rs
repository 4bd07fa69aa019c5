//! Electing N of M candidates: the owners' or self-management committee (Civil Code Art. 278
//! item 3), building and unit heads.
//!
//! Art. 278 applies as to any ordinary matter: two thirds of the area and of the owners take
//! part, and a candidate is elected only with more than half of the participants, by area and
//! by headcount. Each ballot names at most N candidates; one naming more, or a name not on the
//! list, is spoiled (废票) — its voter took part, but it counts for no one. The store refuses
//! such ballots when they are entered, with [`Election::check_ballot`].
//!
//! The seats go to the candidates who passed, most votes first (heads, then area). When the
//! last seat falls on a tie, no one is drawn by lot: the tied candidates go to a second round
//! for the seats left. Seats no passing candidate can fill are reported as unfilled, for a new
//! round with new nominations.

use super::electorate::{Electorate, VoterKey};
use super::preset::frac;
use super::rule::{Base, Counted, Measure, Threshold};
use super::tally::{Check, Counts, check_threshold, latest};
use crate::error::{FieldError, Invalid};
use serde::{Deserialize, Serialize};
use std::cmp::Reverse;

/// An election: its seats, its candidates (ids of people or of nominations) and its rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Election {
    pub seats: usize,
    pub candidates: Vec<i64>,
    /// Quorum thresholds (participants of all) apply to the election; the others to each
    /// candidate, with "yes" being that candidate's votes.
    pub thresholds: Vec<Threshold>,
}

/// One candidate's count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateResult {
    pub candidate: i64,
    pub votes: Counts,
    /// The per-candidate thresholds, with this candidate's numbers.
    pub checks: Vec<Check>,
    /// Met every threshold, and the election had its quorum.
    pub passed: bool,
    pub elected: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElectionResult {
    pub all: Counts,
    pub participants: Counts,
    /// Voters whose ballot was spoiled (they count as participants).
    pub spoiled: Counts,
    pub quorum: Vec<Check>,
    pub quorum_met: bool,
    /// Every candidate, most votes first (heads, then area, then id).
    pub candidates: Vec<CandidateResult>,
    pub elected: Vec<i64>,
    /// Candidates tied for the last seats, to be decided in a second round.
    pub needs_second_round: Vec<i64>,
    /// How many seats the second round fills.
    pub second_round_seats: usize,
    /// Seats no passing candidate fills.
    pub unfilled: usize,
}

impl Election {
    /// The Art. 278 rule: quorum of 2/3 by area and heads; each candidate more than half of the
    /// participants by area and heads.
    pub fn civil_code(seats: usize, candidates: Vec<i64>) -> Election {
        let mut thresholds = Vec::with_capacity(4);
        for m in [Measure::Area, Measure::Headcount] {
            thresholds.push(Threshold::quorum(m, frac(2, 3)));
        }
        for m in [Measure::Area, Measure::Headcount] {
            thresholds.push(Threshold::yes(m, Base::Participants, frac(1, 2), true));
        }
        Election {
            seats,
            candidates,
            thresholds,
        }
    }

    /// Every problem with the election's set-up.
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.seats == 0 {
            errors.push(FieldError::new("seats", Invalid::NotPositive));
        }
        if self.candidates.is_empty() {
            errors.push(FieldError::new("candidates", Invalid::Required));
        } else if has_duplicates(&self.candidates) {
            errors.push(FieldError::new("candidates", Invalid::DuplicateChoice));
        }
        let rule = super::rule::DecisionRule {
            thresholds: self.thresholds.clone(),
            ..super::Preset::Custom.rule()
        };
        if let Err(mut e) = rule.check() {
            errors.append(&mut e);
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Refuses a ballot naming more candidates than seats, a name not on the list, or the same
    /// name twice. Naming no one is a valid (blank) ballot.
    pub fn check_ballot(&self, chosen: &[i64]) -> Result<(), FieldError> {
        let error = |e| Err(FieldError::new("candidates", e));
        if chosen.len() > self.seats {
            return error(Invalid::TooManyChoices { max: self.seats });
        }
        if chosen.iter().any(|c| !self.candidates.contains(c)) {
            return error(Invalid::NotACandidate);
        }
        if has_duplicates(chosen) {
            return error(Invalid::DuplicateChoice);
        }
        Ok(())
    }

    /// Counts the ballots (the last one of each voter; keys not on the roll are ignored).
    pub fn count<B: AsRef<[i64]>>(
        &self,
        electorate: &Electorate,
        ballots: impl IntoIterator<Item = (VoterKey, B)>,
    ) -> ElectionResult {
        let mut votes = vec![Counts::default(); self.candidates.len()];
        let (mut participants, mut spoiled) = (Counts::default(), Counts::default());
        for (voter, ballot) in electorate.voters().iter().zip(latest(electorate, ballots)) {
            let Some(ballot) = ballot else { continue };
            participants.add(voter);
            if self.check_ballot(ballot.as_ref()).is_err() {
                spoiled.add(voter);
                continue;
            }
            for c in ballot.as_ref() {
                if let Some(i) = self.candidates.iter().position(|x| x == c) {
                    votes[i].add(voter);
                }
            }
        }
        let all = electorate.totals();
        let quorum: Vec<Check> = self
            .thresholds
            .iter()
            .filter(|t| t.is_quorum())
            .map(|t| check_threshold(t, Counts::default(), participants, all))
            .collect();
        let quorum_met = quorum.iter().all(|c| c.met);
        let mut candidates: Vec<CandidateResult> = self
            .candidates
            .iter()
            .zip(votes)
            .map(|(candidate, votes)| {
                let checks: Vec<Check> = self
                    .thresholds
                    .iter()
                    .filter(|t| t.count == Counted::Yes)
                    .map(|t| check_threshold(t, votes, participants, all))
                    .collect();
                let passed = quorum_met && checks.iter().all(|c| c.met);
                CandidateResult {
                    candidate: *candidate,
                    votes,
                    checks,
                    passed,
                    elected: false,
                }
            })
            .collect();
        candidates.sort_by_key(|c| {
            (
                Reverse(c.votes.heads),
                Reverse(c.votes.area_centi),
                c.candidate,
            )
        });

        let passing: Vec<usize> = (0..candidates.len())
            .filter(|i| candidates[*i].passed)
            .collect();
        let (elected, needs_second_round, second_round_seats, unfilled) =
            if passing.len() <= self.seats {
                (passing.clone(), vec![], 0, self.seats - passing.len())
            } else {
                let last = candidates[passing[self.seats - 1]].votes;
                if candidates[passing[self.seats]].votes == last {
                    let elected: Vec<usize> = passing
                        .iter()
                        .copied()
                        .filter(|i| candidates[*i].votes != last)
                        .collect();
                    let mut tied: Vec<i64> = passing
                        .iter()
                        .filter(|i| candidates[**i].votes == last)
                        .map(|i| candidates[*i].candidate)
                        .collect();
                    tied.sort_unstable();
                    let left = self.seats - elected.len();
                    (elected, tied, left, 0)
                } else {
                    (passing[..self.seats].to_vec(), vec![], 0, 0)
                }
            };
        for i in &elected {
            candidates[*i].elected = true;
        }
        let elected = elected.iter().map(|i| candidates[*i].candidate).collect();
        ElectionResult {
            all,
            participants,
            spoiled,
            quorum,
            quorum_met,
            candidates,
            elected,
            needs_second_round,
            second_round_seats,
            unfilled,
        }
    }
}

fn has_duplicates(ids: &[i64]) -> bool {
    ids.iter().enumerate().any(|(i, a)| ids[..i].contains(a))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decision::electorate::ElectorHousehold;
    use crate::decision::rule::HeadcountRules;
    use crate::lang::Lang;

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

    /// Voter i (1-based) chooses `ballots[i - 1]`.
    fn count<B: AsRef<[i64]>>(e: &Election, roll: &Electorate, ballots: &[B]) -> ElectionResult {
        e.count(
            roll,
            ballots
                .iter()
                .enumerate()
                .map(|(i, b)| (VoterKey::Person(i as i64 + 1), b.as_ref())),
        )
    }

    const A: i64 = 101;
    const B: i64 = 102;
    const C: i64 = 103;
    const D: i64 = 104;
    const E: i64 = 105;

    #[test]
    fn seats_go_to_passing_candidates_by_votes() {
        let el = Election::civil_code(3, vec![A, B, C, D, E]);
        let roll = roll(&[10_000; 10]);
        #[rustfmt::skip]
        let ballots: [&[i64]; 10] = [
            &[A, B, C], &[A, B, C], &[A, B, C], &[A, B, C], &[A, B, D],
            &[A, B, D], &[A, C, D], &[A, E], &[B], &[],
        ];
        let r = count(&el, &roll, &ballots);
        // A 8, B 7, C 5 (exactly half: not elected), D 3, E 1.
        assert!(r.quorum_met);
        assert_eq!(r.elected, vec![A, B]);
        assert_eq!(r.unfilled, 1);
        assert!(r.needs_second_round.is_empty());
        let c = r.candidates.iter().find(|x| x.candidate == C).unwrap();
        assert_eq!((c.votes.heads, c.passed, c.elected), (5, false, false));
        assert_eq!(
            r.candidates.iter().map(|c| c.candidate).collect::<Vec<_>>(),
            vec![A, B, C, D, E]
        );
    }

    #[test]
    fn a_tie_at_the_last_seat_goes_to_a_second_round() {
        let el = Election::civil_code(2, vec![A, B, C]);
        let roll = roll(&[10_000; 10]);
        #[rustfmt::skip]
        let ballots: [&[i64]; 10] = [
            &[A, B], &[A, B], &[A, B], &[A, B], &[A, C],
            &[A, C], &[A, C], &[A, C], &[B, C], &[B, C],
        ];
        let r = count(&el, &roll, &ballots);
        assert_eq!(r.elected, vec![A]);
        assert_eq!(r.needs_second_round, vec![B, C]);
        assert_eq!((r.second_round_seats, r.unfilled), (1, 0));
        // A clear winner of one seat; and two-name ballots for one seat are spoiled.
        let el = Election::civil_code(1, vec![B, C]);
        let r = count(
            &el,
            &roll,
            &[&[B], &[B], &[B], &[B], &[B], &[B], &[C], &[C], &[C], &[C]],
        );
        assert_eq!(r.elected, vec![B]);
        let r = count(&el, &roll, &[&[B, C]; 10]);
        assert!(r.elected.is_empty() && r.needs_second_round.is_empty());
        assert_eq!((r.spoiled.heads, r.unfilled), (10, 1));
        // A tie for every seat: all go to the second round.
        let el = Election::civil_code(2, vec![A, B, C]);
        let roll = super::tests::roll(&[10_000; 9]);
        let r = count(
            &el,
            &roll,
            &[
                &[A, B],
                &[A, B],
                &[A, B],
                &[A, C],
                &[A, C],
                &[A, C],
                &[B, C],
                &[B, C],
                &[B, C],
            ],
        );
        assert!(r.elected.is_empty());
        assert_eq!(r.needs_second_round, vec![A, B, C]);
        assert_eq!((r.second_round_seats, r.unfilled), (2, 0));
    }

    #[test]
    fn exactly_half_is_not_enough_and_area_breaks_equal_heads() {
        // Voter 1 holds 0.01 m² more than each of the others.
        let mut areas = vec![10_000; 12];
        areas[0] = 10_001;
        let roll = roll(&areas);
        // Six of twelve each: exactly half, not more — nobody passes.
        let el = Election::civil_code(1, vec![A, B]);
        let mut ballots: Vec<&[i64]> = vec![&[A]; 6];
        ballots.extend([&[B][..]; 6]);
        let r = count(&el, &roll, &ballots);
        assert!(r.elected.is_empty());
        assert_eq!(r.unfilled, 1);
        // A and B both have 7 heads; A's voters hold 0.01 m² more, so A takes the second seat.
        let el = Election::civil_code(2, vec![A, B, C]);
        let mut ballots: Vec<&[i64]> = vec![&[C, A]; 5];
        ballots.extend([&[A, B][..]; 2]);
        ballots.extend([&[C, B][..]; 5]);
        let r = count(&el, &roll, &ballots);
        assert_eq!(r.elected, vec![C, A]);
        let (a, b) = (&r.candidates[1], &r.candidates[2]);
        assert_eq!(
            (a.candidate, a.votes.heads, a.votes.area_centi),
            (A, 7, 70_001)
        );
        assert_eq!(
            (
                b.candidate,
                b.votes.heads,
                b.votes.area_centi,
                b.passed,
                b.elected
            ),
            (B, 7, 70_000, true, false)
        );
        assert!(r.needs_second_round.is_empty());
    }

    #[test]
    fn no_quorum_elects_no_one() {
        let el = Election::civil_code(2, vec![A, B]);
        let roll = roll(&[10_000; 9]);
        let r = count(&el, &roll, &[&[A, B]; 5]);
        assert!(!r.quorum_met);
        assert!(r.elected.is_empty() && r.candidates.iter().all(|c| !c.passed));
        assert_eq!(r.unfilled, 2);
        let r = count(&el, &roll, &[&[A, B]; 6]);
        assert!(r.quorum_met);
        assert_eq!(r.elected, vec![A, B]);
        let empty = Electorate::build(vec![], &HeadcountRules::default()).unwrap();
        let r = el.count(&empty, Vec::<(VoterKey, Vec<i64>)>::new());
        assert!(!r.quorum_met && r.elected.is_empty());
    }

    #[test]
    fn spoiled_ballots_count_as_participation_only() {
        let el = Election::civil_code(1, vec![A, B]);
        let roll = roll(&[10_000; 3]);
        let ballots: [&[i64]; 3] = [&[A], &[A, B], &[99]];
        let r = count(&el, &roll, &ballots);
        assert_eq!(r.participants.heads, 3);
        assert_eq!(r.spoiled.heads, 2);
        assert_eq!(r.candidates[0].votes.heads, 1);
        assert!(
            r.elected.is_empty(),
            "1 of 3 participants is not more than half"
        );
    }

    #[test]
    fn ballots_and_set_up_are_checked() {
        let el = Election::civil_code(2, vec![A, B, C]);
        assert_eq!(el.check(), Ok(()));
        assert_eq!(el.check_ballot(&[]), Ok(()));
        assert_eq!(el.check_ballot(&[A, C]), Ok(()));
        let e = el.check_ballot(&[A, B, C]).unwrap_err();
        assert_eq!(e.message(Lang::Zh), "候选人：最多只能选 2 人");
        assert_eq!(
            el.check_ballot(&[A, 99]).unwrap_err().error,
            Invalid::NotACandidate
        );
        assert_eq!(
            el.check_ballot(&[A, A]).unwrap_err().error,
            Invalid::DuplicateChoice
        );
        let bad = Election {
            seats: 0,
            candidates: vec![A, A],
            thresholds: vec![],
        };
        let fields: Vec<_> = bad
            .check()
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field.into_owned(), e.error))
            .collect();
        assert_eq!(
            fields,
            vec![
                ("seats".to_string(), Invalid::NotPositive),
                ("candidates".to_string(), Invalid::DuplicateChoice),
                ("thresholds".to_string(), Invalid::Required)
            ]
        );
    }
}
