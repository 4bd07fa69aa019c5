//! What a proposal is about, in the words of Civil Code Art. 278.
//!
//! The class decides the default rule: items 6–8 (raising the maintenance fund, rebuilding or
//! altering buildings — an elevator retrofit is this — and changing the use of common parts)
//! need three quarters of the participants; the others more than half. "Advisory" polls
//! (意见征集) bind no one and are not an Art. 278 matter; they default to the ordinary rule so
//! their result still reads like one.

use super::preset::Preset;
use crate::lang::Lang;

crate::text_enum! {
    pub enum MatterClass {
        OwnersRules = "owners_rules",
        AssemblyProcedure = "assembly_procedure",
        Committee = "committee",
        Manager = "manager",
        UseFund = "use_fund",
        RaiseFund = "raise_fund",
        Alteration = "alteration",
        CommonPartsUse = "common_parts_use",
        OtherMajor = "other_major",
        Advisory = "advisory",
    }
}

impl MatterClass {
    /// The item of Art. 278 (1–9); `None` for advisory polls.
    pub fn article_item(self) -> Option<u8> {
        match self {
            MatterClass::OwnersRules => Some(1),
            MatterClass::AssemblyProcedure => Some(2),
            MatterClass::Committee => Some(3),
            MatterClass::Manager => Some(4),
            MatterClass::UseFund => Some(5),
            MatterClass::RaiseFund => Some(6),
            MatterClass::Alteration => Some(7),
            MatterClass::CommonPartsUse => Some(8),
            MatterClass::OtherMajor => Some(9),
            MatterClass::Advisory => None,
        }
    }

    /// Electing the committee (item 3): the proposal carries an election of candidates.
    pub fn is_election(self) -> bool {
        self == MatterClass::Committee
    }

    /// Rebuilding or altering the building (item 7), such as adding an elevator.
    pub fn is_alteration(self) -> bool {
        self == MatterClass::Alteration
    }

    /// Items 6, 7 and 8: the matters Art. 278 holds to three quarters.
    pub fn is_major(self) -> bool {
        matches!(
            self,
            MatterClass::RaiseFund | MatterClass::Alteration | MatterClass::CommonPartsUse
        )
    }

    /// The rule the law sets for this class; a compound may pick a local preset instead.
    pub fn default_preset(self) -> Preset {
        if self.is_major() {
            Preset::CivilMajor
        } else {
            Preset::CivilOrdinary
        }
    }

    /// The wording of Art. 278 (abridged in English).
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            MatterClass::OwnersRules => {
                lang.pick("制定和修改管理规约", "Adopt or amend the owners' rules")
            }
            MatterClass::AssemblyProcedure => lang.pick(
                "制定和修改业主大会议事规则",
                "Adopt or amend the owners' assembly's rules of procedure",
            ),
            MatterClass::Committee => lang.pick(
                "选举业主委员会或者更换业主委员会成员",
                "Elect or replace the owners' committee",
            ),
            MatterClass::Manager => lang.pick(
                "选聘和解聘物业服务企业或者其他管理人",
                "Hire or dismiss the property company or other manager",
            ),
            MatterClass::UseFund => lang.pick(
                "使用建筑物及其附属设施的维修资金",
                "Use the maintenance fund",
            ),
            MatterClass::RaiseFund => lang.pick(
                "筹集建筑物及其附属设施的维修资金",
                "Raise the maintenance fund",
            ),
            MatterClass::Alteration => lang.pick(
                "改建、重建建筑物及其附属设施",
                "Rebuild or alter buildings and their facilities (e.g. add an elevator)",
            ),
            MatterClass::CommonPartsUse => lang.pick(
                "改变共有部分的用途或者利用共有部分从事经营活动",
                "Change the use of common parts or use them for business",
            ),
            MatterClass::OtherMajor => lang.pick(
                "有关共有和共同管理权利的其他重大事项",
                "Other major matters of common ownership and management",
            ),
            MatterClass::Advisory => {
                lang.pick("意见征集（不具法定效力）", "Advisory poll (not binding)")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Invalid;

    #[test]
    fn codes_round_trip_and_are_distinct() {
        for m in MatterClass::ALL {
            assert_eq!(MatterClass::parse(m.as_str()), Ok(m));
            assert!(!m.label(Lang::Zh).is_empty() && !m.label(Lang::En).is_empty());
        }
        let mut codes: Vec<_> = MatterClass::ALL.iter().map(|m| m.as_str()).collect();
        codes.dedup();
        assert_eq!(codes.len(), 10);
        assert_eq!(MatterClass::parse(""), Err(Invalid::Required));
        assert_eq!(MatterClass::parse("elevator"), Err(Invalid::BadChoice));
    }

    #[test]
    fn items_six_to_eight_are_major() {
        for m in MatterClass::ALL {
            let major = matches!(m.article_item(), Some(6..=8));
            assert_eq!(m.is_major(), major, "{m:?}");
            let expected = if major {
                Preset::CivilMajor
            } else {
                Preset::CivilOrdinary
            };
            assert_eq!(m.default_preset(), expected);
        }
        assert_eq!(MatterClass::Alteration.article_item(), Some(7));
    }

    #[test]
    fn serde_uses_the_codes() {
        for m in MatterClass::ALL {
            let json = serde_json::to_string(&m).unwrap();
            assert_eq!(json, format!("\"{}\"", m.as_str()));
            assert_eq!(serde_json::from_str::<MatterClass>(&json).unwrap(), m);
        }
    }
}
