//! The life of a service request (报事报修): reported → dispatched → in progress → resolved →
//! closed, with "returned" (the reporter found it not fixed) and "escalated" (overdue, or
//! beyond the grid, to the community).
//!
//! One function, [`RequestStatus::next`], holds every allowed step and who may take it. The
//! store asks it before every write and the request page asks it for the buttons to show,
//! so the two cannot disagree. The first to receive a request is responsible for it until
//! they hand it on: while a request has an assignee, only they (or a supervisor) move it.

use crate::error::Invalid;
use crate::lang::Lang;

crate::text_enum! {
    pub enum RequestStatus {
        Reported = "reported",
        Dispatched = "dispatched",
        InProgress = "in_progress",
        Resolved = "resolved",
        Closed = "closed",
        Returned = "returned",
        Escalated = "escalated",
    }
}

crate::text_enum! {
    /// What someone does to a request.
    pub enum RequestStep {
        /// The request comes in: the first line of its timeline, never a step on a request
        /// that already exists.
        Report = "report",
        /// Give it to someone (or to the committee's queue): a handler, a supervisor, or the
        /// default route when it is reported.
        Dispatch = "dispatch",
        /// "I'm on it": the assignee (or any handler, when it waits in a queue) starts work.
        Take = "take",
        /// Give it to someone else: the assignee or a supervisor.
        HandOn = "hand_on",
        /// Done: the assignee.
        Resolve = "resolve",
        /// The reporter confirms the fix and rates it.
        Confirm = "confirm",
        /// The reporter says it is not fixed: back to the assignee.
        Reject = "reject",
        /// Beyond the grid or overdue: to the community. The clock (overdue), the assignee or a supervisor.
        Escalate = "escalate",
        /// Resolved and not confirmed for the category's days: closed by the clock.
        AutoClose = "auto_close",
        /// The reporter withdraws a request nobody has started on.
        Withdraw = "withdraw",
    }
}

/// Who is asking, as the step rules need it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Who {
    /// The person who reported the request (or on whose account it was reported).
    pub reporter: bool,
    /// The person the request is assigned to now.
    pub assignee: bool,
    /// May handle requests at the request's place (grid workers, volunteers, heads, committee).
    pub handler: bool,
    /// Runs the grids above the place (committee, community, street): may dispatch and hand on anything.
    pub supervisor: bool,
    /// The server's own clock (escalation, auto-close), and the default route on reporting.
    pub system: bool,
}

/// Why a step is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The step does not follow from the request's status (it would skip or undo a step).
    Status,
    /// Only the reporter may do this.
    Reporter,
    /// Only the assignee (or a supervisor) may do this.
    Assignee,
    /// Only those who handle requests may do this.
    Handler,
}

impl Refusal {
    pub fn invalid(self, step: RequestStep, status: RequestStatus) -> Invalid {
        match self {
            Refusal::Status => Invalid::RequestStep { step, status },
            Refusal::Reporter => Invalid::NotReporter,
            Refusal::Assignee => Invalid::NotAssignee,
            Refusal::Handler => Invalid::NotHandler,
        }
    }
}

impl RequestStatus {
    /// The statuses in which someone still has to act.
    pub const OPEN: [RequestStatus; 5] = [
        RequestStatus::Reported,
        RequestStatus::Dispatched,
        RequestStatus::InProgress,
        RequestStatus::Returned,
        RequestStatus::Escalated,
    ];

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            RequestStatus::Reported => lang.pick("已上报", "reported"),
            RequestStatus::Dispatched => lang.pick("已派单", "dispatched"),
            RequestStatus::InProgress => lang.pick("处理中", "in progress"),
            RequestStatus::Resolved => lang.pick("已办结", "resolved"),
            RequestStatus::Closed => lang.pick("已关闭", "closed"),
            RequestStatus::Returned => lang.pick("已退回重办", "returned"),
            RequestStatus::Escalated => lang.pick("已上报社区", "escalated"),
        }
    }

    pub fn is_open(self) -> bool {
        RequestStatus::OPEN.contains(&self)
    }

    /// The status after `step`, if `who` may take it now. `assigned` says whether the request
    /// has an assignee (a request waiting in a queue may be taken by any handler).
    pub fn next(
        self,
        step: RequestStep,
        who: Who,
        assigned: bool,
    ) -> Result<RequestStatus, Refusal> {
        use RequestStatus::*;
        use RequestStep::*;
        let to = match (step, self) {
            (Dispatch, Reported | Escalated) => Dispatched,
            (Take, Dispatched | Returned) => InProgress,
            (HandOn, Dispatched | InProgress | Returned) => Dispatched,
            (Resolve, InProgress) => Resolved,
            (Confirm | AutoClose, Resolved) => Closed,
            (Reject, Resolved) => Returned,
            (Escalate, Reported | Dispatched | InProgress | Returned) => Escalated,
            (Withdraw, Reported | Dispatched) => Closed,
            _ => return Err(Refusal::Status),
        };
        let ok = match step {
            Dispatch => who.system || who.supervisor || (who.handler && self == Reported),
            Take => who.assignee || (!assigned && who.handler),
            HandOn => who.assignee || who.supervisor,
            Resolve => who.assignee,
            Confirm | Reject | Withdraw => who.reporter,
            Escalate => who.system || who.assignee || who.supervisor,
            AutoClose => who.system,
            Report => false,
        };
        if ok {
            return Ok(to);
        }
        Err(match step {
            Confirm | Reject | Withdraw => Refusal::Reporter,
            AutoClose => Refusal::Status,
            Resolve | HandOn => Refusal::Assignee,
            Take if assigned && who.handler => Refusal::Assignee,
            Escalate if who.handler => Refusal::Assignee,
            _ => Refusal::Handler,
        })
    }
}

impl RequestStep {
    /// Whether a person takes this step (through the pages or the API), not the clock.
    pub fn is_manual(self) -> bool {
        !matches!(self, RequestStep::AutoClose | RequestStep::Report)
    }

    /// Steps the one who takes them cannot take back: a withdrawn request is closed, an
    /// escalated one belongs to the community. Pages ask "are you sure?" before them.
    pub fn cannot_be_undone(self) -> bool {
        matches!(self, RequestStep::Withdraw | RequestStep::Escalate)
    }

    /// The work itself (taking a request on, fixing it), as opposed to passing it around.
    pub fn is_the_work(self) -> bool {
        matches!(self, RequestStep::Take | RequestStep::Resolve)
    }

    /// The word on the button and in the timeline.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            RequestStep::Report => lang.pick("上报", "reported"),
            RequestStep::Dispatch => lang.pick("派单", "dispatch"),
            RequestStep::Take => lang.pick("接单处理", "take it"),
            RequestStep::HandOn => lang.pick("转交他人", "hand on"),
            RequestStep::Resolve => lang.pick("已处理好", "mark resolved"),
            RequestStep::Confirm => lang.pick("确认并评价", "confirm and rate"),
            RequestStep::Reject => lang.pick("没修好，退回重办", "not fixed: send back"),
            RequestStep::Escalate => lang.pick("上报社区", "escalate to the community"),
            RequestStep::AutoClose => lang.pick("到期自动关闭", "closed automatically"),
            RequestStep::Withdraw => lang.pick("撤回", "withdraw"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RequestStatus::*;
    use super::RequestStep::*;
    use super::*;

    const REPORTER: Who = Who {
        reporter: true,
        assignee: false,
        handler: false,
        supervisor: false,
        system: false,
    };
    const ASSIGNEE: Who = Who {
        reporter: false,
        assignee: true,
        handler: true,
        supervisor: false,
        system: false,
    };
    const HANDLER: Who = Who {
        reporter: false,
        assignee: false,
        handler: true,
        supervisor: false,
        system: false,
    };
    const SUPERVISOR: Who = Who {
        reporter: false,
        assignee: false,
        handler: true,
        supervisor: true,
        system: false,
    };
    const SYSTEM: Who = Who {
        reporter: false,
        assignee: false,
        handler: false,
        supervisor: false,
        system: true,
    };
    const NOBODY: Who = Who {
        reporter: false,
        assignee: false,
        handler: false,
        supervisor: false,
        system: false,
    };

    #[test]
    fn the_main_path_from_report_to_close() {
        let s = Reported.next(Dispatch, SYSTEM, false).unwrap();
        assert_eq!(s, Dispatched);
        let s = s.next(Take, ASSIGNEE, true).unwrap();
        assert_eq!(s, InProgress);
        let s = s.next(Resolve, ASSIGNEE, true).unwrap();
        assert_eq!(s, Resolved);
        assert_eq!(s.next(Confirm, REPORTER, true), Ok(Closed));
        assert_eq!(s.next(AutoClose, SYSTEM, true), Ok(Closed));
    }

    /// (from, step, who, assigned, expected).
    type Row = (
        RequestStatus,
        RequestStep,
        Who,
        bool,
        Result<RequestStatus, Refusal>,
    );

    #[test]
    fn every_step_by_status_and_person() {
        let table: &[Row] = &[
            // Skipping a step is refused whoever asks.
            (Reported, Resolve, ASSIGNEE, true, Err(Refusal::Status)),
            (Reported, Take, ASSIGNEE, true, Err(Refusal::Status)),
            (Reported, Confirm, REPORTER, false, Err(Refusal::Status)),
            (Dispatched, Resolve, ASSIGNEE, true, Err(Refusal::Status)),
            (Dispatched, Confirm, REPORTER, true, Err(Refusal::Status)),
            (InProgress, Confirm, REPORTER, true, Err(Refusal::Status)),
            (Closed, Take, SUPERVISOR, true, Err(Refusal::Status)),
            (Closed, Escalate, SYSTEM, true, Err(Refusal::Status)),
            (Resolved, Escalate, SYSTEM, true, Err(Refusal::Status)),
            (InProgress, AutoClose, SYSTEM, true, Err(Refusal::Status)),
            (InProgress, Withdraw, REPORTER, true, Err(Refusal::Status)),
            // The first receiver is responsible until they hand it on.
            (Dispatched, Take, HANDLER, true, Err(Refusal::Assignee)),
            (Dispatched, Take, HANDLER, false, Ok(InProgress)),
            (Dispatched, Take, NOBODY, false, Err(Refusal::Handler)),
            (InProgress, Resolve, HANDLER, true, Err(Refusal::Assignee)),
            (
                InProgress,
                Resolve,
                SUPERVISOR,
                true,
                Err(Refusal::Assignee),
            ),
            (InProgress, HandOn, HANDLER, true, Err(Refusal::Assignee)),
            (InProgress, HandOn, ASSIGNEE, true, Ok(Dispatched)),
            (InProgress, HandOn, SUPERVISOR, true, Ok(Dispatched)),
            (Returned, Take, ASSIGNEE, true, Ok(InProgress)),
            // Dispatch: the route, a supervisor, or a handler picking up a fresh report.
            (Reported, Dispatch, HANDLER, false, Ok(Dispatched)),
            (Reported, Dispatch, REPORTER, false, Err(Refusal::Handler)),
            (Escalated, Dispatch, HANDLER, true, Err(Refusal::Handler)),
            (Escalated, Dispatch, SUPERVISOR, true, Ok(Dispatched)),
            // Only the reporter closes, rates, sends back or withdraws.
            (Resolved, Confirm, ASSIGNEE, true, Err(Refusal::Reporter)),
            (Resolved, Confirm, SUPERVISOR, true, Err(Refusal::Reporter)),
            (Resolved, Reject, REPORTER, true, Ok(Returned)),
            (Resolved, Reject, ASSIGNEE, true, Err(Refusal::Reporter)),
            (Dispatched, Withdraw, REPORTER, true, Ok(Closed)),
            (Dispatched, Withdraw, HANDLER, true, Err(Refusal::Reporter)),
            (Resolved, AutoClose, SUPERVISOR, true, Err(Refusal::Status)),
            // Escalation: the clock, the assignee or a supervisor.
            (InProgress, Escalate, SYSTEM, true, Ok(Escalated)),
            (Returned, Escalate, ASSIGNEE, true, Ok(Escalated)),
            (Dispatched, Escalate, HANDLER, true, Err(Refusal::Assignee)),
            (Dispatched, Escalate, REPORTER, true, Err(Refusal::Handler)),
        ];
        for (i, (from, step, who, assigned, want)) in table.iter().enumerate() {
            assert_eq!(
                from.next(*step, *who, *assigned),
                *want,
                "row {i}: {from:?} {step:?} by {who:?}"
            );
        }
    }

    #[test]
    fn closed_is_final_and_every_open_status_can_escalate() {
        for step in RequestStep::ALL {
            for who in [REPORTER, ASSIGNEE, SUPERVISOR, SYSTEM] {
                assert_eq!(
                    Closed.next(step, who, true),
                    Err(Refusal::Status),
                    "{step:?}"
                );
            }
        }
        for s in RequestStatus::OPEN.into_iter().filter(|s| *s != Escalated) {
            assert_eq!(s.next(Escalate, SYSTEM, true), Ok(Escalated), "{s:?}");
        }
    }

    #[test]
    fn names_round_trip() {
        for s in RequestStatus::ALL {
            assert_eq!(RequestStatus::parse(s.as_str()), Ok(s));
        }
        for s in RequestStep::ALL {
            assert_eq!(RequestStep::parse(s.as_str()), Ok(s));
        }
        assert_eq!(RequestStep::parse("fly"), Err(Invalid::BadChoice));
    }
}
