//! The home page's "what needs me now", worded: the store's typed [`Agenda`] turned into
//! titled lists of one-tap links, each with a line of detail (time left, turnout, amounts).

use crate::i18n::T;
use linli_domain::Fen;
use linli_store::agenda::{Agenda, NoticeKind};
use linli_store::requests::RequestSummary;

/// One list of the home page.
pub struct Section {
    pub title: &'static str,
    /// Marks the lists that ask something of the reader personally (a vote, a debt).
    pub urgent: bool,
    pub lines: Vec<Line>,
}

/// One thing to do: where to go, what it is, and a detail line.
pub struct Line {
    pub href: String,
    pub text: String,
    pub note: String,
}

fn yuan(fen: i64) -> String {
    Fen(fen).to_string()
}

fn requests(t: &T, rs: &[RequestSummary]) -> Vec<Line> {
    rs.iter()
        .map(|r| Line {
            href: format!("/requests/{}", r.id),
            text: format!("{} · {}", r.category.pick(t.lang), r.place),
            note: t.fill("ag_due", &[&r.status.label(t.lang), &r.due_at]),
        })
        .collect()
}

/// The lists that have something in them, the reader's own first.
pub fn sections(t: &T, a: &Agenda) -> Vec<Section> {
    let mut out = vec![
        Section {
            title: t.s("ag_to_vote"),
            urgent: true,
            lines: a
                .to_vote
                .iter()
                .map(|v| Line {
                    href: format!("/proposals/{}#my-ballot", v.proposal_id),
                    text: v.title.clone(),
                    note: t.fill(
                        "ag_vote_note",
                        &[&v.days_left, &v.deadline, &v.voted, &v.voters],
                    ),
                })
                .collect(),
        },
        Section {
            title: t.s("ag_owed"),
            urgent: true,
            lines: a
                .owed
                .iter()
                .map(|o| Line {
                    href: format!("/elevators/{}/bills/{}", o.project_id, o.household_id),
                    text: t.fill("ag_owed_line", &[&yuan(o.outstanding)]),
                    note: t.fill("ag_owed_note", &[&yuan(o.share), &yuan(o.paid)]),
                })
                .chain(a.running.iter().map(|r| Line {
                    href: format!(
                        "/elevators/{}/operation/{}/households/{}",
                        r.project_id, r.month, r.household_id
                    ),
                    text: t.fill("ag_running_line", &[&r.month, &yuan(r.amount)]),
                    note: t.s("ag_running_note").to_string(),
                }))
                .collect(),
        },
        Section {
            title: t.s("ag_queue"),
            urgent: false,
            lines: requests(t, &a.queue),
        },
        Section {
            title: t.s("ag_sheets"),
            urgent: false,
            lines: a
                .sheets
                .iter()
                .map(|s| Line {
                    href: format!("/rating/months/{}", s.month_id),
                    text: t.fill("ag_sheets_line", &[&s.compound_name, &s.month, &s.left]),
                    note: String::new(),
                })
                .collect(),
        },
        Section {
            title: t.s("ag_open_votes"),
            urgent: false,
            lines: a
                .open_votes
                .iter()
                .map(|v| Line {
                    href: format!("/proposals/{}/knock", v.proposal_id),
                    text: v.title.clone(),
                    note: t.fill(
                        "ag_knock_note",
                        &[&v.days_left, &v.voted, &v.voters, &v.left()],
                    ),
                })
                .collect(),
        },
        Section {
            title: t.s("ag_objections"),
            urgent: false,
            lines: a
                .objections
                .iter()
                .map(|o| Line {
                    href: format!("/proposals/{}#objections", o.proposal_id),
                    text: format!("{} · {}", o.proposal_title, o.concern),
                    note: t.fill("ag_objection_note", &[&o.raised_on]),
                })
                .collect(),
        },
        Section {
            title: t.s("ag_owing"),
            urgent: false,
            lines: a
                .owing
                .iter()
                .map(|o| Line {
                    href: format!("/elevators/{}/bills", o.project_id),
                    text: t.fill(
                        "ag_owing_line",
                        &[&o.unit_name, &o.households, &yuan(o.outstanding)],
                    ),
                    note: String::new(),
                })
                .collect(),
        },
        Section {
            title: t.s("ag_overdue"),
            urgent: false,
            lines: requests(t, &a.overdue),
        },
        Section {
            title: t.s("ag_imports"),
            urgent: false,
            lines: a
                .imports
                .iter()
                .map(|i| Line {
                    href: format!(
                        "/compounds/{}/roster/imports/{}",
                        i.compound_id, i.import_id
                    ),
                    text: i.file_name.clone(),
                    note: t.fill("ag_import_note", &[&i.uploaded_on]),
                })
                .collect(),
        },
        Section {
            title: t.s("ag_attention"),
            urgent: false,
            lines: a
                .attention
                .iter()
                .map(|c| Line {
                    href: format!("/compounds/{}", c.compound_id),
                    text: t.fill(
                        "ag_attention_line",
                        &[&c.compound_name, &c.overdue_requests],
                    ),
                    note: String::new(),
                })
                .collect(),
        },
        Section {
            title: t.s("ag_my_requests"),
            urgent: false,
            lines: requests(t, &a.my_requests),
        },
        Section {
            title: t.s("ag_meetings"),
            urgent: false,
            lines: a
                .meetings
                .iter()
                .map(|m| Line {
                    href: format!("/meetings/{}", m.meeting_id),
                    text: m.title.clone(),
                    note: m.held_on.clone(),
                })
                .collect(),
        },
        Section {
            title: t.s("ag_notices"),
            urgent: false,
            lines: a
                .notices
                .iter()
                .map(|n| Line {
                    href: match n.kind {
                        NoticeKind::VoteResult => format!("/proposals/{}/notice", n.id),
                        NoticeKind::FundStatement => format!("/fund-statements/{}", n.id),
                    },
                    text: n.title.clone(),
                    note: t.fill(
                        match n.kind {
                            NoticeKind::VoteResult => "ag_notice_vote",
                            NoticeKind::FundStatement => "ag_notice_funds",
                        },
                        &[&n.posted_on],
                    ),
                })
                .collect(),
        },
    ];
    out.retain(|s| !s.lines.is_empty());
    out
}
