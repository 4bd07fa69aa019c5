//! The small closed sets a proposal's life uses besides its stage: where it applies, what an
//! objection is about, what happened at a door, what a file is to it, what an election fills
//! and who nominated a candidate. Each is stored and sent as its text (see
//! [`text_enum!`](crate::text_enum)); the labels are the words the pages and notices use.

use crate::authz::Role;
use crate::lang::Lang;

crate::text_enum! {
    /// Where a proposal applies: the electorate is the owners of this place.
    pub enum Scope {
        Compound = "compound",
        Building = "building",
        Unit = "unit",
    }
}

impl Scope {
    /// One unit (one stairwell): the scope of an elevator retrofit.
    pub fn is_unit(self) -> bool {
        self == Scope::Unit
    }
}

crate::text_enum! {
    /// What an objection is about: the harms a retrofit may do to a neighbour, and its cost.
    pub enum Concern {
        Light = "light",
        Ventilation = "ventilation",
        Noise = "noise",
        Access = "access",
        Cost = "cost",
        Other = "other",
    }
}

impl Concern {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Concern::Light => lang.pick("采光", "light"),
            Concern::Ventilation => lang.pick("通风", "ventilation"),
            Concern::Noise => lang.pick("噪音", "noise"),
            Concern::Access => lang.pick("通行", "access"),
            Concern::Cost => lang.pick("费用", "cost"),
            Concern::Other => lang.pick("其他", "other"),
        }
    }
}

crate::text_enum! {
    /// What happened at the door when a volunteer knocked about a vote.
    pub enum VisitOutcome {
        NotHome = "not_home",
        NeedsExplanation = "needs_explanation",
        Refused = "refused",
        Signed = "signed",
    }
}

impl VisitOutcome {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            VisitOutcome::NotHome => lang.pick("不在家", "not at home"),
            VisitOutcome::NeedsExplanation => lang.pick("需要再解释", "needs more explanation"),
            VisitOutcome::Refused => lang.pick("拒绝", "refused"),
            VisitOutcome::Signed => lang.pick("已签字", "signed"),
        }
    }
}

crate::text_enum! {
    /// What a file is to its proposal.
    pub enum ProposalFileKind {
        /// A plan, a photo, a quotation.
        Attachment = "attachment",
        /// A text the vote adopts, kept as a numbered version.
        AdoptedText = "adopted_text",
    }
}

impl ProposalFileKind {
    /// As [`ProposalFileKind::parse`], except that a form left blank attaches a plain file.
    pub fn parse_or_attachment(s: &str) -> Result<ProposalFileKind, crate::error::Invalid> {
        if s.trim().is_empty() {
            return Ok(ProposalFileKind::Attachment);
        }
        ProposalFileKind::parse(s)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            ProposalFileKind::Attachment => lang.pick("附件", "attachment"),
            ProposalFileKind::AdoptedText => {
                lang.pick("表决通过后生效的文本", "text adopted by the vote")
            }
        }
    }
}

crate::text_enum! {
    /// What is elected, by the scope of the election.
    pub enum ElectionKind {
        /// The owners' committee or self-management committee of the compound.
        Committee = "committee",
        BuildingHead = "building_head",
        UnitHead = "unit_head",
    }
}

impl ElectionKind {
    pub fn of_scope(scope: Scope) -> ElectionKind {
        match scope {
            Scope::Compound => ElectionKind::Committee,
            Scope::Building => ElectionKind::BuildingHead,
            Scope::Unit => ElectionKind::UnitHead,
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            ElectionKind::Committee => lang.pick(
                "业主委员会（自管会）委员",
                "Owners' (self-management) committee members",
            ),
            ElectionKind::BuildingHead => lang.pick("楼栋长", "Building heads"),
            ElectionKind::UnitHead => lang.pick("单元长", "Unit heads"),
        }
    }

    /// The role the elected hold, on the election's scope.
    pub fn role(self) -> Role {
        match self {
            ElectionKind::Committee => Role::CommitteeMember,
            ElectionKind::BuildingHead => Role::BuildingHead,
            ElectionKind::UnitHead => Role::UnitHead,
        }
    }
}

crate::text_enum! {
    /// Who put a candidate forward.
    pub enum Nomination {
        /// 自荐.
        SelfNominated = "self",
        /// 居民推荐.
        Residents = "residents",
        /// 党支部推荐.
        PartyBranch = "party_branch",
    }
}

impl Nomination {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Nomination::SelfNominated => lang.pick("自荐", "Self-nominated"),
            Nomination::Residents => lang.pick("居民推荐", "Recommended by residents"),
            Nomination::PartyBranch => lang.pick("党支部推荐", "Recommended by the party branch"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Invalid;

    #[test]
    fn a_blank_file_kind_is_an_attachment_and_a_wrong_one_is_refused() {
        assert_eq!(
            ProposalFileKind::parse_or_attachment(" "),
            Ok(ProposalFileKind::Attachment)
        );
        assert_eq!(
            ProposalFileKind::parse_or_attachment("adopted_text"),
            Ok(ProposalFileKind::AdoptedText)
        );
        assert_eq!(
            ProposalFileKind::parse_or_attachment("x"),
            Err(Invalid::BadChoice)
        );
    }

    #[test]
    fn each_scope_elects_its_own_kind_into_its_role() {
        assert_eq!(ElectionKind::of_scope(Scope::Unit).role(), Role::UnitHead);
        assert_eq!(
            ElectionKind::of_scope(Scope::Compound).as_str(),
            "committee"
        );
        assert_eq!(Nomination::parse("self"), Ok(Nomination::SelfNominated));
    }
}
