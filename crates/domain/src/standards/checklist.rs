//! A city's checklist of governance standards, as data: aspects, and standards within them.
//!
//! Each standard says how it is evidenced (a document, a photo, an inspection on site), and
//! may decide one six-have item (六有) or one of the three basics whose absence makes a
//! compound three-no (三无: no property management, no supervising department, no security).
//! The checklist is edited as JSON per city; [`Checklist::check`] names every problem.
//!
//! [`suining_template`] ships the structure of 遂宁's scheme — eight aspects, 35 standards.
//! The article names three aspects (组织建设, 机制健全, 设施完善) and the six-have items; the
//! other titles are placeholders (`placeholder: true`) for the city to replace with its text.

use crate::error::{FieldError, Invalid};
use crate::lang::Lang;
use crate::registry::SixHaveItem;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

crate::text_enum! {
    /// How a standard is shown to be met.
    pub enum EvidenceKind {
        Document = "document",
        Photo = "photo",
        Inspection = "inspection",
    }
}

impl EvidenceKind {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            EvidenceKind::Document => lang.pick("台账文件", "document"),
            EvidenceKind::Photo => lang.pick("照片", "photo"),
            EvidenceKind::Inspection => lang.pick("现场查看", "inspection on site"),
        }
    }
}

crate::text_enum! {
    /// The three basics a three-no compound (三无小区) lacks, all three of them.
    pub enum Basic {
        /// 物管: property management of any kind (professional, self-managed, delegated).
        Management = "management",
        /// 主管部门: a department or body answerable for the compound.
        Supervisor = "supervisor",
        /// 人防物防: guards, gates, cameras.
        Security = "security",
    }
}

impl Basic {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Basic::Management => lang.pick("有物业管理", "property management"),
            Basic::Supervisor => lang.pick("有主管部门", "a supervising department"),
            Basic::Security => lang.pick("有人防物防", "security (guards, gates, cameras)"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Aspect {
    pub code: String,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Standard {
    pub code: String,
    /// The code of its aspect.
    pub aspect: String,
    pub title: String,
    pub evidence: EvidenceKind,
    /// The six-have item this standard decides, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub six_have: Option<SixHaveItem>,
    /// The three-no basic this standard shows the compound has, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basic: Option<Basic>,
    /// The title is the template's placeholder, not the city's own text.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub placeholder: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checklist {
    pub name: String,
    pub aspects: Vec<Aspect>,
    pub standards: Vec<Standard>,
}

impl Checklist {
    /// Parses a checklist typed as JSON and checks it; every problem is reported.
    pub fn parse_json(input: &str) -> Result<Checklist, Vec<FieldError>> {
        let c: Checklist = serde_json::from_str(input)
            .map_err(|_| vec![FieldError::new("checklist", Invalid::BadChoice)])?;
        c.check()?;
        Ok(c)
    }

    /// Every problem of a checklist, each naming the code at fault.
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut e = Vec::new();
        if self.name.trim().is_empty() {
            e.push(FieldError::new("name", Invalid::Required));
        }
        if self.standards.is_empty() {
            e.push(FieldError::new("checklist", Invalid::Required));
        }
        let mut codes = BTreeSet::new();
        let aspects: BTreeSet<&str> = self.aspects.iter().map(|a| a.code.as_str()).collect();
        let entries = self
            .aspects
            .iter()
            .map(|a| (&a.code, &a.title))
            .chain(self.standards.iter().map(|s| (&s.code, &s.title)));
        for (code, title) in entries {
            if code.trim().is_empty() || title.trim().is_empty() {
                e.push(FieldError::new("checklist", Invalid::Required));
            } else if code.chars().count() > 16 || title.chars().count() > 200 {
                e.push(FieldError::new("checklist", Invalid::TooLong { max: 200 }));
            } else if !codes.insert(code.as_str()) {
                e.push(FieldError::new(
                    "checklist",
                    Invalid::DuplicateCode { item: code.clone() },
                ));
            }
        }
        for s in &self.standards {
            if !aspects.contains(s.aspect.as_str()) {
                e.push(FieldError::new(
                    "checklist",
                    Invalid::UnknownItem {
                        item: s.aspect.clone(),
                    },
                ));
            }
        }
        if e.is_empty() { Ok(()) } else { Err(e) }
    }

    pub fn standard(&self, code: &str) -> Option<&Standard> {
        self.standards.iter().find(|s| s.code == code)
    }

    /// The standards that decide a six-have item.
    pub fn deciding(&self, item: SixHaveItem) -> impl Iterator<Item = &Standard> {
        self.standards
            .iter()
            .filter(move |s| s.six_have == Some(item))
    }

    /// The standards that show a three-no basic.
    pub fn showing(&self, basic: Basic) -> impl Iterator<Item = &Standard> {
        self.standards
            .iter()
            .filter(move |s| s.basic == Some(basic))
    }
}

/// The template: 遂宁's eight aspects and 35 standards (titles beyond the article's words
/// are placeholders).
pub fn suining_template() -> Checklist {
    use Basic as B;
    use EvidenceKind::*;
    use SixHaveItem as S;
    type Row = (
        &'static str,
        &'static str,
        EvidenceKind,
        Option<SixHaveItem>,
        Option<Basic>,
        bool,
    );
    let aspects: [(&str, &str, &[Row]); 8] = [
        (
            "A",
            "组织建设",
            &[
                (
                    "A1",
                    "小区党组织已建立（单独、联合或派驻组建）",
                    Document,
                    None,
                    Some(B::Supervisor),
                    false,
                ),
                (
                    "A2",
                    "小区自管委或业委会依法选举产生",
                    Document,
                    Some(S::SelfGovernanceBody),
                    None,
                    false,
                ),
                (
                    "A3",
                    "楼栋长、单元长配备到位",
                    Document,
                    Some(S::SelfGovernanceBody),
                    None,
                    false,
                ),
                (
                    "A4",
                    "微网格划分并配备网格员（网格员+党员+楼栋长+志愿者）",
                    Document,
                    None,
                    Some(B::Supervisor),
                    false,
                ),
                (
                    "A5",
                    "（示例）党员亮身份、亮标准、亮承诺",
                    Photo,
                    None,
                    None,
                    true,
                ),
            ],
        ),
        (
            "B",
            "机制健全",
            &[
                (
                    "B1",
                    "制定《居民自治管理委员会章程》",
                    Document,
                    Some(S::LastingMechanism),
                    None,
                    false,
                ),
                (
                    "B2",
                    "制定《业主大会议事规则》",
                    Document,
                    Some(S::LastingMechanism),
                    None,
                    false,
                ),
                (
                    "B3",
                    "（示例）议事协商机制定期运行",
                    Document,
                    Some(S::LastingMechanism),
                    None,
                    true,
                ),
                ("B4", "（示例）收支定期公示", Photo, None, None, true),
                ("B5", "（示例）矛盾纠纷调处机制", Document, None, None, true),
            ],
        ),
        (
            "C",
            "设施完善",
            &[
                ("C1", "雨污管网完好", Inspection, None, None, false),
                ("C2", "照明设施完好", Inspection, None, None, false),
                ("C3", "停车位规划施划", Inspection, None, None, false),
                (
                    "C4",
                    "门禁系统",
                    Inspection,
                    Some(S::SecurityFacilities),
                    Some(B::Security),
                    false,
                ),
                (
                    "C5",
                    "监控覆盖（“慧眼工程”“天网”）",
                    Inspection,
                    Some(S::SecurityFacilities),
                    Some(B::Security),
                    false,
                ),
            ],
        ),
        (
            "D",
            "物业服务",
            &[
                (
                    "D1",
                    "有物业服务（专业物业、居民自治或代管理）",
                    Document,
                    Some(S::PropertyService),
                    Some(B::Management),
                    false,
                ),
                (
                    "D2",
                    "（示例）物业服务合同或自管服务清单",
                    Document,
                    Some(S::PropertyService),
                    None,
                    true,
                ),
                (
                    "D3",
                    "（示例）报事报修有人接、有回音",
                    Inspection,
                    None,
                    None,
                    true,
                ),
                ("D4", "缴存住宅专项维修资金", Document, None, None, false),
            ],
        ),
        (
            "E",
            "环境卫生",
            &[
                (
                    "E1",
                    "（示例）公共区域干净整洁",
                    Inspection,
                    Some(S::CleanEnvironment),
                    None,
                    true,
                ),
                (
                    "E2",
                    "（示例）无乱搭乱建",
                    Inspection,
                    Some(S::CleanEnvironment),
                    None,
                    true,
                ),
                (
                    "E3",
                    "（示例）垃圾分类收运",
                    Photo,
                    Some(S::CleanEnvironment),
                    None,
                    true,
                ),
                ("E4", "（示例）绿化维护", Photo, None, None, true),
                ("E5", "（示例）楼道无堆物", Inspection, None, None, true),
            ],
        ),
        (
            "F",
            "安全防范",
            &[
                (
                    "F1",
                    "（示例）人防：门卫或巡逻",
                    Inspection,
                    Some(S::SecurityFacilities),
                    Some(B::Security),
                    true,
                ),
                (
                    "F2",
                    "（示例）消防设施完好、通道畅通",
                    Inspection,
                    None,
                    None,
                    true,
                ),
                (
                    "F3",
                    "（示例）无飞线充电，有集中充电点",
                    Inspection,
                    None,
                    None,
                    true,
                ),
                ("F4", "（示例）安全隐患定期排查", Document, None, None, true),
            ],
        ),
        (
            "G",
            "文明风尚",
            &[
                (
                    "G1",
                    "（示例）居民公约",
                    Document,
                    Some(S::NeighbourlyConduct),
                    None,
                    true,
                ),
                (
                    "G2",
                    "（示例）文明评比（文明单元、红“栋”力）",
                    Document,
                    Some(S::NeighbourlyConduct),
                    None,
                    true,
                ),
                ("G3", "（示例）志愿服务站点与轮值", Photo, None, None, true),
                ("G4", "（示例）邻里活动", Photo, None, None, true),
            ],
        ),
        (
            "H",
            "资金保障",
            &[
                (
                    "H1",
                    "多渠道筹集资金（以奖代补、居民自筹、帮扶单位、慈善、公共收益）",
                    Document,
                    Some(S::LastingMechanism),
                    None,
                    false,
                ),
                (
                    "H2",
                    "公共收益（停车、广告）用于小区管理",
                    Document,
                    None,
                    None,
                    false,
                ),
                (
                    "H3",
                    "（示例）账目独立、凭证齐全",
                    Document,
                    None,
                    None,
                    true,
                ),
            ],
        ),
    ];
    let mut standards = Vec::new();
    for (aspect, _, rows) in &aspects {
        for (code, title, evidence, six_have, basic, placeholder) in rows.iter() {
            standards.push(Standard {
                code: (*code).into(),
                aspect: (*aspect).into(),
                title: (*title).into(),
                evidence: *evidence,
                six_have: *six_have,
                basic: *basic,
                placeholder: *placeholder,
            });
        }
    }
    Checklist {
        name: "遂宁市“自管小区”“三无小区”治理标准（模板）".into(),
        aspects: aspects
            .iter()
            .map(|(code, title, _)| Aspect {
                code: (*code).into(),
                title: (*title).into(),
            })
            .collect(),
        standards,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_has_eight_aspects_and_35_standards_and_checks() {
        let t = suining_template();
        assert_eq!(t.aspects.len(), 8);
        assert_eq!(t.standards.len(), 35);
        assert_eq!(t.check(), Ok(()));
        // Every six-have item and every basic is decided by at least one standard.
        for item in SixHaveItem::ALL {
            assert!(t.deciding(item).count() > 0, "{item:?}");
        }
        for b in Basic::ALL {
            assert!(t.showing(b).count() > 0, "{b:?}");
        }
        // Round trip through the JSON the city edits.
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(Checklist::parse_json(&json), Ok(t));
    }

    #[test]
    fn bad_checklists_name_every_problem() {
        let mut t = suining_template();
        t.standards[1].code = "A1".into();
        t.standards[2].aspect = "Z".into();
        let errs = t.check().unwrap_err();
        assert!(errs.contains(&FieldError::new(
            "checklist",
            Invalid::DuplicateCode { item: "A1".into() }
        )));
        assert!(errs.contains(&FieldError::new(
            "checklist",
            Invalid::UnknownItem { item: "Z".into() }
        )));
        assert_eq!(
            Checklist::parse_json("{"),
            Err(vec![FieldError::new("checklist", Invalid::BadChoice)])
        );
    }
}
