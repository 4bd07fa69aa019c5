//! Who may do what, where: the one authorization function every read and write goes through.
//!
//! A role is held over one place. It covers that place and everything below it; the few
//! things a resident may see above their own household (the compound's public page) are the
//! `ViewPublic` action, which also looks upwards. The matrix below is the whole policy.

use crate::place::{NodeKind, Path};
use serde::{Deserialize, Serialize};

crate::text_enum! {
    /// A role held over a place; the text is stored in `role_grant.role` and `invite.role`.
    pub enum Role {
        CityAdmin = "city_admin",
        SubdistrictOfficer = "subdistrict_officer",
        CommunityWorker = "community_worker",
        CommitteeMember = "committee_member",
        BuildingHead = "building_head",
        UnitHead = "unit_head",
        GridWorker = "grid_worker",
        Volunteer = "volunteer",
        Owner = "owner",
        Resident = "resident",
    }
}

impl Role {
    /// Whether the role holds a post in running a place (officers, committee members, heads,
    /// grid workers) rather than living there or volunteering: its home page carries the
    /// working tools.
    pub fn holds_a_post(self) -> bool {
        !matches!(self, Role::Owner | Role::Resident | Role::Volunteer)
    }

    /// Whether the role works on other people's requests, and so has the queues (assigned to
    /// me, my grids', overdue): those who handle requests, but not owners and residents, who
    /// act on their own.
    pub fn has_request_queues(self) -> bool {
        permits(self, Action::HandleRequest) && !matches!(self, Role::Owner | Role::Resident)
    }

    pub fn label(self, lang: crate::Lang) -> &'static str {
        match self {
            Role::CityAdmin => lang.pick("市级管理员", "city admin"),
            Role::SubdistrictOfficer => lang.pick("街道干部", "subdistrict officer"),
            Role::CommunityWorker => lang.pick("社区工作者", "community worker"),
            Role::CommitteeMember => lang.pick("小区委员", "committee member"),
            Role::BuildingHead => lang.pick("楼栋长", "building head"),
            Role::UnitHead => lang.pick("单元长", "unit head"),
            Role::GridWorker => lang.pick("网格员", "grid worker"),
            Role::Volunteer => lang.pick("志愿者", "volunteer"),
            Role::Owner => lang.pick("业主", "owner"),
            Role::Resident => lang.pick("居民", "resident"),
        }
    }

    /// The kinds of place this role may be held over.
    pub fn may_sit_on(self, kind: NodeKind) -> bool {
        match self {
            Role::CityAdmin => kind == NodeKind::City,
            Role::SubdistrictOfficer => kind == NodeKind::Subdistrict,
            Role::CommunityWorker => kind == NodeKind::Community,
            Role::CommitteeMember => kind == NodeKind::Compound,
            Role::BuildingHead => kind == NodeKind::Building,
            Role::UnitHead => kind == NodeKind::Unit,
            Role::GridWorker | Role::Volunteer => {
                matches!(kind, NodeKind::Compound | NodeKind::Building)
            }
            Role::Owner | Role::Resident => kind == NodeKind::Household,
        }
    }
}

crate::text_enum! {
    /// Something a role may do; see [`permits`].
    pub enum Action {
        /// The compound's public page: name, profile, counts. Open to anyone with a role in it.
        ViewPublic = "view_public",
        /// Lists of buildings, units and households with names and masked phones.
        ViewRegistry = "view_registry",
        /// Full phone numbers and the history of a record.
        ViewPersonal = "view_personal",
        CreateCompound = "create_compound",
        EditCompound = "edit_compound",
        EditStructure = "edit_structure",
        CreateHousehold = "create_household",
        EditHousehold = "edit_household",
        MoveHousehold = "move_household",
        ManagePeople = "manage_people",
        IssueInvite = "issue_invite",
        GrantRole = "grant_role",
        /// Put a proposal forward, comment on one, support one. Anyone with a role in the scope,
        /// and (like `ViewPublic`) in the scopes above their own place: a resident proposes for
        /// their unit, building or compound.
        Propose = "propose",
        /// Record a ballot for someone else (assisted, remote) and door-knocking visits: the
        /// building and unit heads, grid workers and volunteers who go from door to door.
        RecordBallot = "record_ballot",
        /// Run a decision: set its rule, open and close voting, enter paper ballots, answer for
        /// the committee, hold council meetings.
        ManageDecision = "manage_decision",
        /// Run the civility rating of a compound's units: adopt its rubric, keep its scoring
        /// panel, open and close months, decide appeals. (Scoring itself needs a seat on the panel.)
        ManageRating = "manage_rating",
        /// Run an elevator retrofit project: its stages, documents, cost, subsidy, coefficient
        /// table and share table.
        ManageProject = "manage_project",
        /// Record a household's payment towards a project (cash or transfer, with a receipt):
        /// the committee, and the building and unit heads who collect in their stairwells.
        RecordPayment = "record_payment",
        /// Keep a compound's fund accounts and its special maintenance fund: record income and
        /// expenses (with receipts), approve spending, post statements (公示).
        ManageFund = "manage_fund",
        /// Report a service request (a leak, a dark stairwell) for a household or a common place.
        /// A resident reports for their own household; workers report on someone's behalf.
        ReportRequest = "report_request",
        /// Take, dispatch, hand on and resolve service requests: grid workers, volunteers, heads
        /// and the committee.
        HandleRequest = "handle_request",
        /// Draw grids and micro-grids, assign households to them, run volunteer stations and rotas.
        ManageGrid = "manage_grid",
        /// Assess a compound against the city's standards, run its star rating and its plan
        /// (一小区一策). Officials only: a compound does not assess itself.
        Assess = "assess",
    }
}

/// What a role may do within the places it covers.
pub fn permits(role: Role, action: Action) -> bool {
    use Action::*;
    match role {
        Role::CityAdmin | Role::SubdistrictOfficer | Role::CommunityWorker => true,
        Role::CommitteeMember => !matches!(action, CreateCompound | Assess),
        Role::BuildingHead | Role::UnitHead => matches!(
            action,
            ViewPublic
                | ViewRegistry
                | ViewPersonal
                | EditHousehold
                | ManagePeople
                | Propose
                | RecordBallot
                | RecordPayment
                | ReportRequest
                | HandleRequest
        ),
        Role::GridWorker => {
            matches!(
                action,
                ViewPublic
                    | ViewRegistry
                    | ViewPersonal
                    | Propose
                    | RecordBallot
                    | ReportRequest
                    | HandleRequest
            )
        }
        Role::Volunteer => matches!(
            action,
            ViewPublic | ViewRegistry | Propose | RecordBallot | ReportRequest | HandleRequest
        ),
        Role::Owner => matches!(
            action,
            ViewPublic | ViewRegistry | ViewPersonal | Propose | ReportRequest
        ),
        Role::Resident => matches!(action, ViewPublic | ViewRegistry | Propose | ReportRequest),
    }
}

/// A role held over a place, with the path to that place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub role: Role,
    pub at: Path,
}

/// The one check: may someone holding `grants` do `action` at `target`?
pub fn allowed(grants: &[Grant], action: Action, target: &Path) -> bool {
    let Some(target_node) = target.target() else {
        return false;
    };
    grants.iter().any(|g| {
        let Some(grant_node) = g.at.target() else {
            return false;
        };
        if !permits(g.role, action) {
            return false;
        }
        let covers = target.is_within(grant_node);
        // A resident may see the public page of the compound (and region) above their home.
        let looks_up =
            matches!(action, Action::ViewPublic | Action::Propose) && g.at.is_within(target_node);
        covers || looks_up
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posts_and_request_queues_by_role() {
        let posts: Vec<Role> = Role::ALL.into_iter().filter(|r| r.holds_a_post()).collect();
        assert!(!posts.contains(&Role::Owner) && !posts.contains(&Role::Volunteer));
        assert!(posts.contains(&Role::CommitteeMember) && posts.contains(&Role::GridWorker));
        assert!(Role::GridWorker.has_request_queues() && Role::Volunteer.has_request_queues());
        assert!(!Role::Owner.has_request_queues() && !Role::Resident.has_request_queues());
    }
    use crate::place::Node;

    fn path(kinds: &[(NodeKind, i64)]) -> Path {
        Path::new(kinds.iter().map(|&(k, id)| Node::new(k, id)).collect())
    }

    /// city 1 > district 2 > subdistrict 3 > community 4 > compound 5 > building 6 > unit 7 > household 8;
    /// a second compound 50 in the same community with building 60, unit 70, household 80.
    fn household_8() -> Path {
        path(&[
            (NodeKind::City, 1),
            (NodeKind::District, 2),
            (NodeKind::Subdistrict, 3),
            (NodeKind::Community, 4),
            (NodeKind::Compound, 5),
            (NodeKind::Building, 6),
            (NodeKind::Unit, 7),
            (NodeKind::Household, 8),
        ])
    }

    fn household_80() -> Path {
        path(&[
            (NodeKind::City, 1),
            (NodeKind::District, 2),
            (NodeKind::Subdistrict, 3),
            (NodeKind::Community, 4),
            (NodeKind::Compound, 50),
            (NodeKind::Building, 60),
            (NodeKind::Unit, 70),
            (NodeKind::Household, 80),
        ])
    }

    fn prefix(p: &Path, len: usize) -> Path {
        Path::new(p.nodes()[..len].to_vec())
    }

    fn grant(role: Role, at: Path) -> Vec<Grant> {
        vec![Grant { role, at }]
    }

    /// Every role at its own place, against every action on household 8, its compound, and
    /// a household of the neighbouring compound.
    #[test]
    fn roles_by_actions_by_places() {
        let h8 = household_8();
        let h80 = household_80();
        let compound5 = prefix(&h8, 5);
        // (role, where it sits, actions allowed on household 8)
        let table: &[(Role, Path, &[Action])] = &[
            (Role::CityAdmin, prefix(&h8, 1), &Action::ALL),
            (Role::SubdistrictOfficer, prefix(&h8, 3), &Action::ALL),
            (Role::CommunityWorker, prefix(&h8, 4), &Action::ALL),
            (
                Role::CommitteeMember,
                prefix(&h8, 5),
                &[
                    Action::ViewPublic,
                    Action::ViewRegistry,
                    Action::ViewPersonal,
                    Action::EditCompound,
                    Action::EditStructure,
                    Action::CreateHousehold,
                    Action::EditHousehold,
                    Action::MoveHousehold,
                    Action::ManagePeople,
                    Action::IssueInvite,
                    Action::GrantRole,
                    Action::Propose,
                    Action::RecordBallot,
                    Action::ManageDecision,
                    Action::ManageRating,
                    Action::ManageProject,
                    Action::RecordPayment,
                    Action::ManageFund,
                    Action::ReportRequest,
                    Action::HandleRequest,
                    Action::ManageGrid,
                ],
            ),
            (
                Role::BuildingHead,
                prefix(&h8, 6),
                &[
                    Action::ViewPublic,
                    Action::ViewRegistry,
                    Action::ViewPersonal,
                    Action::EditHousehold,
                    Action::ManagePeople,
                    Action::Propose,
                    Action::RecordBallot,
                    Action::RecordPayment,
                    Action::ReportRequest,
                    Action::HandleRequest,
                ],
            ),
            (
                Role::UnitHead,
                prefix(&h8, 7),
                &[
                    Action::ViewPublic,
                    Action::ViewRegistry,
                    Action::ViewPersonal,
                    Action::EditHousehold,
                    Action::ManagePeople,
                    Action::Propose,
                    Action::RecordBallot,
                    Action::RecordPayment,
                    Action::ReportRequest,
                    Action::HandleRequest,
                ],
            ),
            (
                Role::GridWorker,
                prefix(&h8, 5),
                &[
                    Action::ViewPublic,
                    Action::ViewRegistry,
                    Action::ViewPersonal,
                    Action::Propose,
                    Action::RecordBallot,
                    Action::ReportRequest,
                    Action::HandleRequest,
                ],
            ),
            (
                Role::Volunteer,
                prefix(&h8, 5),
                &[
                    Action::ViewPublic,
                    Action::ViewRegistry,
                    Action::Propose,
                    Action::RecordBallot,
                    Action::ReportRequest,
                    Action::HandleRequest,
                ],
            ),
            (
                Role::Owner,
                h8.clone(),
                &[
                    Action::ViewPublic,
                    Action::ViewRegistry,
                    Action::ViewPersonal,
                    Action::Propose,
                    Action::ReportRequest,
                ],
            ),
            (
                Role::Resident,
                h8.clone(),
                &[
                    Action::ViewPublic,
                    Action::ViewRegistry,
                    Action::Propose,
                    Action::ReportRequest,
                ],
            ),
        ];
        for (role, at, allowed_here) in table {
            assert!(
                role.may_sit_on(at.target().unwrap().kind),
                "{role:?} cannot sit there"
            );
            let grants = grant(*role, at.clone());
            for action in Action::ALL {
                let expect = allowed_here.contains(&action);
                assert_eq!(
                    allowed(&grants, action, &h8),
                    expect,
                    "{role:?} {action:?} on household 8"
                );
                // Places outside the grant: only the region roles reach the other compound.
                let reaches_h80 = matches!(
                    role,
                    Role::CityAdmin | Role::SubdistrictOfficer | Role::CommunityWorker
                );
                assert_eq!(
                    allowed(&grants, action, &h80),
                    expect && reaches_h80,
                    "{role:?} {action:?} on household 80"
                );
            }
            // Everyone with a role in compound 5 sees its public page; only managers edit it.
            assert!(
                allowed(&grants, Action::ViewPublic, &compound5),
                "{role:?} public page"
            );
            let edits_compound = matches!(
                role,
                Role::CityAdmin
                    | Role::SubdistrictOfficer
                    | Role::CommunityWorker
                    | Role::CommitteeMember
            );
            assert_eq!(
                allowed(&grants, Action::EditCompound, &compound5),
                edits_compound,
                "{role:?} edit compound"
            );
            // Everyone with a role in compound 5 may propose for it; only managers run the vote.
            assert!(
                allowed(&grants, Action::Propose, &compound5),
                "{role:?} propose for the compound"
            );
            assert_eq!(
                allowed(&grants, Action::ManageDecision, &compound5),
                edits_compound,
                "{role:?} run a decision"
            );
            assert_eq!(
                allowed(&grants, Action::ManageRating, &compound5),
                edits_compound,
                "{role:?} run the civility rating"
            );
            assert_eq!(
                allowed(&grants, Action::ManageProject, &compound5),
                edits_compound,
                "{role:?} run an elevator project"
            );
            assert_eq!(
                allowed(&grants, Action::ManageFund, &compound5),
                edits_compound,
                "{role:?} keep the compound's funds"
            );
            // Only officials assess a compound; its own committee does not.
            let officials = matches!(
                role,
                Role::CityAdmin | Role::SubdistrictOfficer | Role::CommunityWorker
            );
            assert_eq!(
                allowed(&grants, Action::Assess, &compound5),
                officials,
                "{role:?} assess the compound"
            );
        }
    }

    #[test]
    fn a_resident_proposes_upwards_but_not_next_door() {
        let h8 = household_8();
        let grants = grant(Role::Resident, h8.clone());
        assert!(
            allowed(&grants, Action::Propose, &prefix(&h8, 7)),
            "own unit"
        );
        assert!(
            allowed(&grants, Action::Propose, &prefix(&h8, 6)),
            "own building"
        );
        let next_unit = prefix(&h8, 6).child(Node::new(NodeKind::Unit, 99));
        assert!(
            !allowed(&grants, Action::Propose, &next_unit),
            "another unit"
        );
        assert!(!allowed(&grants, Action::RecordBallot, &prefix(&h8, 7)));
    }

    #[test]
    fn a_building_head_does_not_reach_the_next_building() {
        let h8 = household_8();
        let other_building = prefix(&h8, 5)
            .child(Node::new(NodeKind::Building, 9))
            .child(Node::new(NodeKind::Unit, 10));
        let grants = grant(Role::BuildingHead, prefix(&h8, 6));
        assert!(!allowed(&grants, Action::ViewRegistry, &other_building));
        assert!(allowed(&grants, Action::ViewRegistry, &prefix(&h8, 7)));
    }

    #[test]
    fn no_grants_or_empty_target_allow_nothing() {
        for action in Action::ALL {
            assert!(!allowed(&[], action, &household_8()));
            assert!(!allowed(
                &grant(Role::CityAdmin, prefix(&household_8(), 1)),
                action,
                &Path::default()
            ));
        }
    }

    #[test]
    fn several_grants_add_up() {
        let h8 = household_8();
        let grants = vec![
            Grant {
                role: Role::Resident,
                at: h8.clone(),
            },
            Grant {
                role: Role::UnitHead,
                at: prefix(&h8, 7),
            },
        ];
        assert!(allowed(&grants, Action::EditHousehold, &h8));
        assert!(!allowed(&grants, Action::MoveHousehold, &h8));
    }
}
