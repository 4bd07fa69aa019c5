//! The life of a proposal: "民提议·民商议·民决议·同行动", then the residents' evaluation
//! ("效果共评").
//!
//! One function, [`ProposalStage::next`], holds every allowed step, so the pages, the API and
//! the store cannot disagree about what may happen when. Closing a vote is one-way: a result is
//! evidence (Civil Code Art. 280 lets a court revoke a decision within a year, on the record),
//! so there is no step back from passed, failed or no quorum; a new vote is a new proposal.

use super::tally::Outcome;
use crate::error::Invalid;
use crate::lang::Lang;
use serde::{Deserialize, Serialize};

crate::text_enum! {
    pub enum ProposalStage {
        Draft = "draft",
        Deliberation = "deliberation",
        Voting = "voting",
        Passed = "passed",
        Failed = "failed",
        NoQuorum = "no_quorum",
        Acting = "acting",
        Evaluated = "evaluated",
        Withdrawn = "withdrawn",
    }
}

/// What moves a proposal on. `Close` carries the tally's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "event", content = "outcome", rename_all = "snake_case")]
pub enum StageEvent {
    Submit,
    OpenVoting,
    Close(Outcome),
    StartActing,
    Evaluate,
    Withdraw,
}

impl StageEvent {
    pub const ALL: [StageEvent; 8] = [
        StageEvent::Submit,
        StageEvent::OpenVoting,
        StageEvent::Close(Outcome::Passed),
        StageEvent::Close(Outcome::Failed),
        StageEvent::Close(Outcome::NoQuorum),
        StageEvent::StartActing,
        StageEvent::Evaluate,
        StageEvent::Withdraw,
    ];

    /// A stable code, e.g. for the audit action; `Close` is "close" whatever its outcome.
    pub fn as_str(self) -> &'static str {
        match self {
            StageEvent::Submit => "submit",
            StageEvent::OpenVoting => "open_voting",
            StageEvent::Close(_) => "close",
            StageEvent::StartActing => "start_acting",
            StageEvent::Evaluate => "evaluate",
            StageEvent::Withdraw => "withdraw",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            StageEvent::Submit => lang.pick("提交商议", "Submit for deliberation"),
            StageEvent::OpenVoting => lang.pick("开始表决", "Open voting"),
            StageEvent::Close(_) => lang.pick("结束表决并计票", "Close voting and count"),
            StageEvent::StartActing => lang.pick("开始实施", "Start acting"),
            StageEvent::Evaluate => lang.pick("完成效果评议", "Record the evaluation"),
            StageEvent::Withdraw => lang.pick("撤回", "Withdraw"),
        }
    }
}

impl ProposalStage {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            ProposalStage::Draft => lang.pick("草稿", "Draft"),
            ProposalStage::Deliberation => lang.pick("商议中", "In deliberation"),
            ProposalStage::Voting => lang.pick("表决中", "Voting"),
            ProposalStage::Passed => lang.pick("已通过", "Passed"),
            ProposalStage::Failed => lang.pick("未通过", "Not passed"),
            ProposalStage::NoQuorum => lang.pick("参与不足", "No quorum"),
            ProposalStage::Acting => lang.pick("实施中", "Being carried out"),
            ProposalStage::Evaluated => lang.pick("已评议", "Evaluated"),
            ProposalStage::Withdrawn => lang.pick("已撤回", "Withdrawn"),
        }
    }

    /// The stage after `event`, or `WrongStage` naming where the proposal is now.
    pub fn next(self, event: StageEvent) -> Result<ProposalStage, Invalid> {
        use ProposalStage as S;
        use StageEvent as E;
        match (self, event) {
            (S::Draft, E::Submit) => Ok(S::Deliberation),
            (S::Deliberation, E::OpenVoting) => Ok(S::Voting),
            (S::Voting, E::Close(Outcome::Passed)) => Ok(S::Passed),
            (S::Voting, E::Close(Outcome::Failed)) => Ok(S::Failed),
            (S::Voting, E::Close(Outcome::NoQuorum)) => Ok(S::NoQuorum),
            (S::Passed, E::StartActing) => Ok(S::Acting),
            (S::Acting, E::Evaluate) => Ok(S::Evaluated),
            (S::Draft | S::Deliberation, E::Withdraw) => Ok(S::Withdrawn),
            _ => Err(Invalid::WrongStage { stage: self }),
        }
    }

    /// The events allowed now (for the buttons of a page).
    pub fn events(self) -> Vec<StageEvent> {
        StageEvent::ALL
            .into_iter()
            .filter(|e| self.next(*e).is_ok())
            .collect()
    }

    /// Ballots may be cast and changed only now.
    pub fn is_voting(self) -> bool {
        self == ProposalStage::Voting
    }

    /// Whether the count may be shown at this stage to someone who runs the decision or records
    /// ballots (`runs_the_vote`) or not: never before voting or for a withdrawn proposal; while
    /// voting only to those who run it (a running count must not sway the undecided); once
    /// closed, to everyone who may read the proposal.
    pub fn shows_count(self, runs_the_vote: bool) -> bool {
        match self {
            ProposalStage::Draft | ProposalStage::Deliberation | ProposalStage::Withdrawn => false,
            ProposalStage::Voting => runs_the_vote,
            _ => true,
        }
    }

    /// Not yet put to the vote: the proposal may still change and nobody is counted.
    pub fn is_before_voting(self) -> bool {
        matches!(self, ProposalStage::Draft | ProposalStage::Deliberation)
    }

    /// Residents take part now: they comment and object, and paper ballots are collected
    /// (deliberation and voting).
    pub fn is_open_to_residents(self) -> bool {
        matches!(self, ProposalStage::Deliberation | ProposalStage::Voting)
    }

    /// The vote carried, whatever was done about it since.
    pub fn carried(self) -> bool {
        matches!(
            self,
            ProposalStage::Passed | ProposalStage::Acting | ProposalStage::Evaluated
        )
    }

    /// What is done about a carried decision is being recorded (before the evaluation).
    pub fn takes_actions(self) -> bool {
        matches!(self, ProposalStage::Passed | ProposalStage::Acting)
    }

    /// Work on the decision has started (and may have been evaluated).
    pub fn has_actions(self) -> bool {
        matches!(self, ProposalStage::Acting | ProposalStage::Evaluated)
    }

    /// The vote is closed (whatever came of it afterwards): the electorate and ballots are final.
    pub fn is_decided(self) -> bool {
        matches!(
            self,
            ProposalStage::Passed
                | ProposalStage::Failed
                | ProposalStage::NoQuorum
                | ProposalStage::Acting
                | ProposalStage::Evaluated
        )
    }

    /// Nothing can happen any more.
    pub fn is_final(self) -> bool {
        self.events().is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_questions_partition_the_stages_as_the_steps_do() {
        use ProposalStage::*;
        for stage in ProposalStage::ALL {
            // Before the vote nothing is decided; residents take part only until it closes.
            assert!(
                !(stage.is_before_voting() && stage.is_decided()),
                "{stage:?}"
            );
            assert!(
                !(stage.is_open_to_residents() && stage.is_decided()),
                "{stage:?}"
            );
            // What carried was decided, and only a carried decision is acted on.
            assert!(!stage.carried() || stage.is_decided(), "{stage:?}");
            assert!(!stage.takes_actions() || stage.carried(), "{stage:?}");
            assert!(!stage.has_actions() || stage.carried(), "{stage:?}");
            // Starting to act is possible exactly where actions are taken before any exist.
            assert_eq!(
                stage.next(StageEvent::StartActing).is_ok(),
                stage.takes_actions() && !stage.has_actions(),
                "{stage:?}"
            );
        }
        assert!(Draft.is_before_voting() && Deliberation.is_before_voting());
        assert!(Voting.is_open_to_residents() && !Voting.is_before_voting());
        assert!(!Failed.carried() && !NoQuorum.carried() && !Withdrawn.carried());
    }

    #[test]
    fn the_count_shows_while_voting_only_to_those_who_run_it() {
        use ProposalStage::*;
        for stage in ProposalStage::ALL {
            let after = stage.is_decided();
            assert_eq!(stage.shows_count(false), after, "{stage:?}");
            assert_eq!(
                stage.shows_count(true),
                after || stage == Voting,
                "{stage:?}"
            );
        }
        assert!(!Withdrawn.shows_count(true) && !Draft.shows_count(true));
    }
    use ProposalStage as S;
    use StageEvent as E;

    #[test]
    fn every_stage_and_event() {
        let allowed = [
            (S::Draft, E::Submit, S::Deliberation),
            (S::Draft, E::Withdraw, S::Withdrawn),
            (S::Deliberation, E::OpenVoting, S::Voting),
            (S::Deliberation, E::Withdraw, S::Withdrawn),
            (S::Voting, E::Close(Outcome::Passed), S::Passed),
            (S::Voting, E::Close(Outcome::Failed), S::Failed),
            (S::Voting, E::Close(Outcome::NoQuorum), S::NoQuorum),
            (S::Passed, E::StartActing, S::Acting),
            (S::Acting, E::Evaluate, S::Evaluated),
        ];
        let mut n = 0;
        for stage in ProposalStage::ALL {
            for event in StageEvent::ALL {
                let expected = allowed
                    .iter()
                    .find(|(s, e, _)| *s == stage && *e == event)
                    .map(|(_, _, to)| *to);
                match expected {
                    Some(to) => assert_eq!(stage.next(event), Ok(to), "{stage:?} {event:?}"),
                    None => assert_eq!(
                        stage.next(event),
                        Err(Invalid::WrongStage { stage }),
                        "{stage:?} {event:?}"
                    ),
                }
                n += 1;
            }
        }
        assert_eq!(n, 9 * 8);
        assert!(
            S::Evaluated.is_final()
                && S::Failed.is_final()
                && S::NoQuorum.is_final()
                && S::Withdrawn.is_final()
        );
        assert!(!S::Passed.is_final());
        assert_eq!(S::Voting.events().len(), 3);
        assert!(S::Acting.is_decided() && !S::Voting.is_decided() && S::Voting.is_voting());
    }

    #[test]
    fn the_refusal_names_the_stage() {
        let e = S::Voting.next(E::Withdraw).unwrap_err();
        assert_eq!(e.message(Lang::Zh), "提案现处于“表决中”阶段，不能这样做");
        assert_eq!(
            e.message(Lang::En),
            "cannot be done while the proposal is at the stage “Voting”"
        );
        assert_eq!(e.code(), "wrong_stage");
    }

    #[test]
    fn codes_round_trip() {
        for s in ProposalStage::ALL {
            assert_eq!(ProposalStage::parse(s.as_str()), Ok(s));
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.as_str())
            );
        }
        assert_eq!(ProposalStage::parse("decided"), Err(Invalid::BadChoice));
        assert_eq!(
            serde_json::to_string(&E::Close(Outcome::NoQuorum)).unwrap(),
            r#"{"event":"close","outcome":"no_quorum"}"#
        );
    }
}
