//! The life of a retrofit project, from asking who wants an elevator to running it:
//! intention survey (意愿排摸) → plan and design → vote → public notice → approvals →
//! fund-raising → construction → acceptance → operation.
//!
//! One function, [`ElevatorStage::next`], holds every allowed step; [`ElevatorStage::blockers`]
//! says what keeps a project where it is, from plain [`Facts`] the store gathers. The board
//! shows the same blockers that refuse the step, so they cannot disagree. A project may step
//! back (a failed vote sends the plan back to the drawing board) until construction starts;
//! from then on money has been spent and the record only moves forward.

use crate::decision::ProposalStage;
use crate::error::Invalid;
use crate::lang::Lang;
use crate::money::Fen;
use serde::{Deserialize, Serialize};

crate::text_enum! {
    pub enum ElevatorStage {
        Survey = "survey",
        Design = "design",
        Vote = "vote",
        Notice = "notice",
        Approvals = "approvals",
        Funding = "funding",
        Construction = "construction",
        Acceptance = "acceptance",
        Operation = "operation",
    }
}

/// What moves a project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StageStep {
    Forward,
    Back,
}

crate::text_enum! {
    /// The kinds of document a project keeps.
    pub enum DocKind {
        /// The intention survey's forms or summary.
        Survey = "survey",
        /// Design drawings and the plan.
        Plan = "plan",
        /// The notice as posted, with a photo of it in the stairwell.
        Notice = "notice",
        /// Planning and construction permits.
        Approval = "approval",
        /// The contract with the installer.
        Contract = "contract",
        /// The acceptance report and the special-equipment registration.
        Acceptance = "acceptance",
        Other = "other",
    }
}

impl DocKind {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            DocKind::Survey => lang.pick("意愿调查表", "intention survey"),
            DocKind::Plan => lang.pick("设计方案", "plan and design"),
            DocKind::Notice => lang.pick("公示照片", "posted notice"),
            DocKind::Approval => lang.pick("规划/施工许可", "permits"),
            DocKind::Contract => lang.pick("施工合同", "installation contract"),
            DocKind::Acceptance => lang.pick("验收报告", "acceptance report"),
            DocKind::Other => lang.pick("其他", "other"),
        }
    }
}

/// What the store knows about a project, as the stage rules need it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    pub has_responsible: bool,
    pub has_installer: bool,
    /// The total cost, once entered.
    pub total_cost: Option<Fen>,
    /// The documents on file, by kind.
    pub documents: Vec<DocKind>,
    /// The stage of the linked proposal, if one is linked.
    pub proposal: Option<ProposalStage>,
    /// Days the notice must stay up, and whole days since the project entered the notice stage.
    pub notice_days: i64,
    pub notice_elapsed_days: i64,
    /// Objections raised on the linked proposal and not resolved (they may come in during
    /// the notice period too; Jinan's rule: none may be left before the work goes ahead).
    pub unresolved_objections: u32,
    pub shares_fixed: bool,
    /// What is still owed, and by how many households.
    pub outstanding: Fen,
    pub households_owing: u32,
}

/// Why a project cannot move on yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "blocker", rename_all = "snake_case")]
pub enum Blocker {
    NoResponsible,
    NoCost,
    MissingDocument { kind: DocKind },
    NoProposal,
    ProposalNotPassed { stage: ProposalStage },
    NoticeRunning { days_left: i64 },
    UnresolvedObjections { count: u32 },
    SharesNotFixed,
    Outstanding { households: u32, amount: Fen },
    NoInstaller,
    Finished,
}

impl Blocker {
    pub fn label(&self, lang: Lang) -> String {
        match (self, lang) {
            (Blocker::NoResponsible, _) => lang
                .pick("还没有指定负责人", "no one is responsible yet")
                .into(),
            (Blocker::NoCost, _) => lang
                .pick("还没有填写总造价", "the total cost is not entered")
                .into(),
            (Blocker::MissingDocument { kind }, Lang::Zh) => {
                format!("缺少文件：{}", kind.label(lang))
            }
            (Blocker::MissingDocument { kind }, Lang::En) => {
                format!("missing document: {}", kind.label(lang))
            }
            (Blocker::NoProposal, _) => lang
                .pick("还没有关联表决议题", "no proposal is linked for the vote")
                .into(),
            (Blocker::ProposalNotPassed { stage }, Lang::Zh) => {
                format!("表决议题处于“{}”阶段，尚未通过", stage.label(lang))
            }
            (Blocker::ProposalNotPassed { stage }, Lang::En) => {
                format!("the proposal is at “{}”, not passed", stage.label(lang))
            }
            (Blocker::NoticeRunning { days_left }, Lang::Zh) => {
                format!("公示期还有 {days_left} 天")
            }
            (Blocker::NoticeRunning { days_left }, Lang::En) => {
                format!("the notice period has {days_left} more days")
            }
            (Blocker::UnresolvedObjections { count }, Lang::Zh) => {
                format!("还有 {count} 条异议未解决")
            }
            (Blocker::UnresolvedObjections { count }, Lang::En) => {
                format!("{count} objections are not resolved")
            }
            (Blocker::SharesNotFixed, _) => lang
                .pick("分摊表还没有确定", "the share table is not fixed yet")
                .into(),
            (Blocker::Outstanding { households, amount }, Lang::Zh) => {
                format!("{households} 户尚欠 {amount} 元")
            }
            (Blocker::Outstanding { households, amount }, Lang::En) => {
                format!("{households} households still owe {amount} yuan")
            }
            (Blocker::NoInstaller, _) => lang
                .pick("还没有确定施工单位", "no installer is named")
                .into(),
            (Blocker::Finished, _) => lang.pick("已投入运行", "in operation").into(),
        }
    }
}

impl ElevatorStage {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            ElevatorStage::Survey => lang.pick("意愿排摸", "Intention survey"),
            ElevatorStage::Design => lang.pick("方案设计", "Plan and design"),
            ElevatorStage::Vote => lang.pick("业主表决", "Vote"),
            ElevatorStage::Notice => lang.pick("公示", "Public notice"),
            ElevatorStage::Approvals => lang.pick("审批", "Approvals"),
            ElevatorStage::Funding => lang.pick("资金筹集", "Fund-raising"),
            ElevatorStage::Construction => lang.pick("施工", "Construction"),
            ElevatorStage::Acceptance => lang.pick("竣工验收", "Acceptance"),
            ElevatorStage::Operation => lang.pick("投入运行", "Operation"),
        }
    }

    /// The elevator runs: the last stage, with running costs and no step forward.
    pub fn is_running(self) -> bool {
        self == ElevatorStage::Operation
    }

    fn index(self) -> usize {
        ElevatorStage::ALL
            .iter()
            .position(|s| *s == self)
            .unwrap_or(0)
    }

    /// What keeps the project from moving forward; empty when it may.
    pub fn blockers(self, f: &Facts) -> Vec<Blocker> {
        let mut b = Vec::new();
        let doc = |kind: DocKind, b: &mut Vec<Blocker>| {
            if !f.documents.contains(&kind) {
                b.push(Blocker::MissingDocument { kind });
            }
        };
        match self {
            ElevatorStage::Survey => {
                if !f.has_responsible {
                    b.push(Blocker::NoResponsible);
                }
                doc(DocKind::Survey, &mut b);
            }
            ElevatorStage::Design => {
                if f.total_cost.is_none_or(|c| c.0 <= 0) {
                    b.push(Blocker::NoCost);
                }
                doc(DocKind::Plan, &mut b);
            }
            ElevatorStage::Vote => match f.proposal {
                None => b.push(Blocker::NoProposal),
                Some(ProposalStage::Passed | ProposalStage::Acting | ProposalStage::Evaluated) => {}
                Some(stage) => b.push(Blocker::ProposalNotPassed { stage }),
            },
            ElevatorStage::Notice => {
                doc(DocKind::Notice, &mut b);
                if f.notice_elapsed_days < f.notice_days {
                    b.push(Blocker::NoticeRunning {
                        days_left: f.notice_days - f.notice_elapsed_days,
                    });
                }
                if f.unresolved_objections > 0 {
                    b.push(Blocker::UnresolvedObjections {
                        count: f.unresolved_objections,
                    });
                }
            }
            ElevatorStage::Approvals => doc(DocKind::Approval, &mut b),
            ElevatorStage::Funding => {
                if !f.shares_fixed {
                    b.push(Blocker::SharesNotFixed);
                } else if f.outstanding.0 > 0 {
                    b.push(Blocker::Outstanding {
                        households: f.households_owing,
                        amount: f.outstanding,
                    });
                }
                if !f.has_installer {
                    b.push(Blocker::NoInstaller);
                }
                doc(DocKind::Contract, &mut b);
            }
            ElevatorStage::Construction => {}
            ElevatorStage::Acceptance => doc(DocKind::Acceptance, &mut b),
            ElevatorStage::Operation => b.push(Blocker::Finished),
        }
        b
    }

    /// Where a new project starts. A project started from a unit proposal the owners have
    /// already passed has its survey, design and vote behind it (the proposal carried the plan
    /// to the vote), so it starts at the public notice; any other starts at the survey.
    pub fn start(proposal: Option<ProposalStage>) -> ElevatorStage {
        match proposal {
            Some(ProposalStage::Passed | ProposalStage::Acting | ProposalStage::Evaluated) => {
                ElevatorStage::Notice
            }
            _ => ElevatorStage::Survey,
        }
    }

    /// The stages a project starting here never went through on its own: the steps from the
    /// survey up to this one, each as (from, to), for the project's history.
    pub fn skipped(self) -> Vec<(ElevatorStage, ElevatorStage)> {
        ElevatorStage::ALL[..=self.index()]
            .windows(2)
            .map(|w| (w[0], w[1]))
            .collect()
    }

    /// The one transition function. Forward needs no blockers; back is allowed until
    /// construction starts.
    pub fn next(self, step: StageStep, f: &Facts) -> Result<ElevatorStage, Invalid> {
        let i = self.index();
        match step {
            StageStep::Forward => {
                let blockers = self.blockers(f);
                if !blockers.is_empty() {
                    return Err(Invalid::StageBlocked { blockers });
                }
                ElevatorStage::ALL
                    .get(i + 1)
                    .copied()
                    .ok_or(Invalid::ProjectStage { stage: self })
            }
            StageStep::Back if self > ElevatorStage::Survey && self <= ElevatorStage::Funding => {
                Ok(ElevatorStage::ALL[i - 1])
            }
            StageStep::Back => Err(Invalid::ProjectStage { stage: self }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ElevatorStage::*;

    /// Facts under which nothing blocks.
    fn ready() -> Facts {
        Facts {
            has_responsible: true,
            has_installer: true,
            total_cost: Some(Fen(45_800_000)),
            documents: DocKind::ALL.to_vec(),
            proposal: Some(ProposalStage::Passed),
            notice_days: 15,
            notice_elapsed_days: 15,
            unresolved_objections: 0,
            shares_fixed: true,
            outstanding: Fen(0),
            households_owing: 0,
        }
    }

    #[test]
    fn a_passed_vote_starts_at_the_notice_with_three_stages_behind_it() {
        for stage in [
            ProposalStage::Passed,
            ProposalStage::Acting,
            ProposalStage::Evaluated,
        ] {
            assert_eq!(ElevatorStage::start(Some(stage)), Notice);
        }
        assert_eq!(ElevatorStage::start(None), Survey);
        assert_eq!(ElevatorStage::start(Some(ProposalStage::Voting)), Survey);
        assert_eq!(
            Notice.skipped(),
            vec![(Survey, Design), (Design, Vote), (Vote, Notice)]
        );
        assert!(Survey.skipped().is_empty());
    }

    #[test]
    fn walks_forward_through_every_stage() {
        let mut s = Survey;
        for expect in &ElevatorStage::ALL[1..] {
            s = s.next(StageStep::Forward, &ready()).unwrap();
            assert_eq!(s, *expect);
        }
        assert_eq!(
            s.next(StageStep::Forward, &ready()),
            Err(Invalid::StageBlocked {
                blockers: vec![Blocker::Finished]
            })
        );
    }

    #[test]
    fn each_stage_names_what_blocks_it() {
        let f = |edit: fn(&mut Facts)| {
            let mut f = ready();
            edit(&mut f);
            f
        };
        let table: &[(ElevatorStage, Facts, Vec<Blocker>)] = &[
            (
                Survey,
                f(|f| f.has_responsible = false),
                vec![Blocker::NoResponsible],
            ),
            (
                Survey,
                f(|f| f.documents.clear()),
                vec![Blocker::MissingDocument {
                    kind: DocKind::Survey,
                }],
            ),
            (Design, f(|f| f.total_cost = None), vec![Blocker::NoCost]),
            (
                Design,
                f(|f| f.total_cost = Some(Fen(0))),
                vec![Blocker::NoCost],
            ),
            (Vote, f(|f| f.proposal = None), vec![Blocker::NoProposal]),
            (
                Vote,
                f(|f| f.proposal = Some(ProposalStage::Voting)),
                vec![Blocker::ProposalNotPassed {
                    stage: ProposalStage::Voting,
                }],
            ),
            (
                Vote,
                f(|f| f.proposal = Some(ProposalStage::Failed)),
                vec![Blocker::ProposalNotPassed {
                    stage: ProposalStage::Failed,
                }],
            ),
            (
                Vote,
                f(|f| f.proposal = Some(ProposalStage::Acting)),
                vec![],
            ),
            // The notice period: one day short blocks, the last day reached passes.
            (
                Notice,
                f(|f| f.notice_elapsed_days = 14),
                vec![Blocker::NoticeRunning { days_left: 1 }],
            ),
            (Notice, f(|f| f.notice_elapsed_days = 16), vec![]),
            (
                Notice,
                f(|f| f.unresolved_objections = 2),
                vec![Blocker::UnresolvedObjections { count: 2 }],
            ),
            (
                Approvals,
                f(|f| f.documents.retain(|d| *d != DocKind::Approval)),
                vec![Blocker::MissingDocument {
                    kind: DocKind::Approval,
                }],
            ),
            (
                Funding,
                f(|f| f.shares_fixed = false),
                vec![Blocker::SharesNotFixed],
            ),
            (
                Funding,
                f(|f| {
                    f.outstanding = Fen(1);
                    f.households_owing = 1;
                    f.has_installer = false;
                }),
                vec![
                    Blocker::Outstanding {
                        households: 1,
                        amount: Fen(1),
                    },
                    Blocker::NoInstaller,
                ],
            ),
            (Construction, Facts::default(), vec![]),
            (
                Acceptance,
                f(|f| f.documents.clear()),
                vec![Blocker::MissingDocument {
                    kind: DocKind::Acceptance,
                }],
            ),
        ];
        for (stage, facts, expect) in table {
            assert_eq!(&stage.blockers(facts), expect, "{stage:?}");
            let moved = stage.next(StageStep::Forward, facts);
            assert_eq!(moved.is_ok(), expect.is_empty(), "{stage:?}");
        }
    }

    #[test]
    fn back_only_before_construction() {
        assert_eq!(Vote.next(StageStep::Back, &Facts::default()), Ok(Design));
        assert_eq!(
            Funding.next(StageStep::Back, &Facts::default()),
            Ok(Approvals)
        );
        assert_eq!(
            Survey.next(StageStep::Back, &Facts::default()),
            Err(Invalid::ProjectStage { stage: Survey })
        );
        assert_eq!(
            Construction.next(StageStep::Back, &Facts::default()),
            Err(Invalid::ProjectStage {
                stage: Construction
            })
        );
    }

    #[test]
    fn codes_round_trip() {
        for s in ElevatorStage::ALL {
            assert_eq!(ElevatorStage::parse(s.as_str()), Ok(s));
        }
        for d in DocKind::ALL {
            assert_eq!(DocKind::parse(d.as_str()), Ok(d));
        }
        assert_eq!(ElevatorStage::parse("built"), Err(Invalid::BadChoice));
    }
}
