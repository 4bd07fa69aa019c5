//! A rubric is data: what a sheet starts from, the categories with the most each may lose and
//! their deduction items, the bonus items, the veto items, the exemptions read out to
//! scorers, and the settings of flags, ties, awards, subsidies and appeals.
//!
//! A compound's rubric has versions; each applies from a stated month, and a month is scored
//! under the version in force for it ([`in_force`]). A version after the first comes only
//! from a decided proposal (the store checks the link); [`nanguo_preset`] is the rubric of
//! 南国新家园 with its residents' amendments (any university counts, flying-lead charging is a
//! veto, wheelchairs and prams are not clutter).

use super::states::MarkKind;
use crate::error::{FieldError, Invalid};
use crate::fraction::Fraction;
use crate::lang::Lang;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

pub use crate::calendar::Month;

crate::text_enum! {
    /// The four parties of the scoring panel (社区、物业/自管委、业委会、居民代表).
    pub enum Party {
        Community = "community",
        /// The property company or, where there is none, the self-management committee.
        Property = "property",
        OwnersCommittee = "owners_committee",
        Residents = "residents",
    }
}

impl Party {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Party::Community => lang.pick("社区", "community"),
            Party::Property => lang.pick("物业/自管委", "property or self-management committee"),
            Party::OwnersCommittee => lang.pick("业委会", "owners' committee"),
            Party::Residents => lang.pick("居民代表", "residents' representatives"),
        }
    }
}

/// A deduction or bonus item: one tap on the sheet is one occurrence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub code: String,
    pub zh: String,
    pub en: String,
    pub points: i64,
}

/// A category (矛盾纠纷, 环境卫生, …): a sheet may deduct at most `max` points in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub code: String,
    pub zh: String,
    pub en: String,
    pub max: i64,
    pub deductions: Vec<Item>,
}

/// A breach that makes the unit ineligible for the month whatever its score (一票否决).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VetoItem {
    pub code: String,
    pub zh: String,
    pub en: String,
}

/// What scorers must not count as a deduction in a category (shown on the sheet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exemption {
    pub category: String,
    pub zh: String,
    pub en: String,
}

/// How units with the same score are told apart at the flag boundary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TieRule {
    /// Equal scores share a rank, and all units ranked within the number of flags get one
    /// (so a tie at the boundary can give out more flags than the number set).
    Shared,
    /// Fewer points lost in the listed (veto-adjacent) categories first, then the unit whose
    /// last sheet came in earlier, then the lower unit id. Never more flags than set.
    Ordered { categories: Vec<String> },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlagSettings {
    /// Rotating red flags per month (3).
    pub count: u32,
    /// The score a unit must reach (inclusive) to get a flag, if any.
    pub min_score: Option<Fraction>,
    pub tie: TieRule,
}

/// How units with the same number of flag-months are told apart at year end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AwardTie {
    /// Equal flag-months share the place.
    Shared,
    /// The higher sum of monthly scores first; equal sums share the place.
    TotalScore,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwardSettings {
    /// Units awarded at year end: those with most flag-months (3).
    pub units: u32,
    pub tie: AwardTie,
    /// Share of each household's annual property fee paid to households of awarded units.
    pub subsidy: Fraction,
    /// Building and unit heads who did their duty: this share of their own fee…
    pub head_base: Fraction,
    /// …plus this share on top (南国新家园: 10% + 10%).
    pub head_extra: Fraction,
    /// The property fee, in fen per m² of exclusive area per month.
    pub fee_fen_per_m2_month: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rubric {
    pub name: String,
    /// Points a sheet starts from ("out of 100").
    pub out_of: i64,
    pub categories: Vec<Category>,
    #[serde(default)]
    pub bonuses: Vec<Item>,
    #[serde(default)]
    pub vetoes: Vec<VetoItem>,
    #[serde(default)]
    pub exemptions: Vec<Exemption>,
    pub flags: FlagSettings,
    pub awards: AwardSettings,
    /// Days after a month is closed during which a unit may appeal a deduction.
    pub appeal_days: u32,
}

/// An item's name in both languages ("环境卫生 · 楼道堆物" for a deduction, with its category):
/// the rubric is data written in both, so a view carries the name and a page or the API shows
/// it in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ItemName {
    zh: String,
    en: String,
}

impl ItemName {
    pub fn label(&self, lang: Lang) -> &str {
        lang.pick(&self.zh, &self.en)
    }
}

/// What a tapped code means under a rubric.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind<'a> {
    Deduction {
        category: &'a Category,
        item: &'a Item,
    },
    Bonus(&'a Item),
    Veto(&'a VetoItem),
}

impl ItemKind<'_> {
    pub fn code(&self) -> &str {
        match self {
            ItemKind::Deduction { item, .. } | ItemKind::Bonus(item) => &item.code,
            ItemKind::Veto(v) => &v.code,
        }
    }

    /// The item's name in both languages, as the rubric writes it.
    pub fn name(&self) -> ItemName {
        ItemName {
            zh: self.label(Lang::Zh),
            en: self.label(Lang::En),
        }
    }

    pub fn label(&self, lang: Lang) -> String {
        match self {
            ItemKind::Deduction { category, item } => format!(
                "{} · {}",
                lang.pick(&category.zh, &category.en),
                lang.pick(&item.zh, &item.en)
            ),
            ItemKind::Bonus(item) => lang.pick(&item.zh, &item.en).to_string(),
            ItemKind::Veto(v) => lang.pick(&v.zh, &v.en).to_string(),
        }
    }

    /// Signed points: negative for a deduction, positive for a bonus, zero for a veto.
    pub fn points(&self) -> i64 {
        match self {
            ItemKind::Deduction { item, .. } => -item.points,
            ItemKind::Bonus(item) => item.points,
            ItemKind::Veto(_) => 0,
        }
    }

    pub fn kind(&self) -> MarkKind {
        match self {
            ItemKind::Deduction { .. } => MarkKind::Deduction,
            ItemKind::Bonus(_) => MarkKind::Bonus,
            ItemKind::Veto(_) => MarkKind::Veto,
        }
    }
}

fn unit_fraction(f: Fraction) -> bool {
    f.den() > 0 && f.num() >= 0 && f.num() <= f.den()
}

impl Rubric {
    pub fn item(&self, code: &str) -> Option<ItemKind<'_>> {
        for c in &self.categories {
            if let Some(item) = c.deductions.iter().find(|i| i.code == code) {
                return Some(ItemKind::Deduction { category: c, item });
            }
        }
        if let Some(b) = self.bonuses.iter().find(|i| i.code == code) {
            return Some(ItemKind::Bonus(b));
        }
        self.vetoes
            .iter()
            .find(|v| v.code == code)
            .map(ItemKind::Veto)
    }

    /// The name of the item with this code; a code the rubric does not know is its own name
    /// (a mark kept from an older rubric still shows what was tapped).
    pub fn item_name(&self, code: &str) -> ItemName {
        self.item(code)
            .map(|k| k.name())
            .unwrap_or_else(|| ItemName {
                zh: code.to_string(),
                en: code.to_string(),
            })
    }

    pub fn category(&self, code: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.code == code)
    }

    /// Every problem of a rubric, each naming its field and the code at fault.
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut e = Vec::new();
        if self.name.trim().is_empty() {
            e.push(FieldError::new("name", Invalid::Required));
        }
        if self.out_of <= 0 {
            e.push(FieldError::new("out_of", Invalid::NotPositive));
        }
        if self.categories.is_empty() {
            e.push(FieldError::new("categories", Invalid::Required));
        }
        let mut codes = BTreeSet::new();
        let mut unique = |code: &str, e: &mut Vec<FieldError>| {
            if code.trim().is_empty() {
                e.push(FieldError::new("rubric", Invalid::Required));
            } else if !codes.insert(code.to_string()) {
                e.push(FieldError::new(
                    "rubric",
                    Invalid::DuplicateCode {
                        item: code.to_string(),
                    },
                ));
            }
        };
        let mut total = 0i64;
        for c in &self.categories {
            unique(&c.code, &mut e);
            if c.max <= 0 || c.max > self.out_of {
                e.push(FieldError::new(
                    "categories",
                    Invalid::ItemPoints {
                        item: c.code.clone(),
                        max: self.out_of,
                    },
                ));
            }
            total = total.saturating_add(c.max);
            for d in &c.deductions {
                unique(&d.code, &mut e);
                if d.points <= 0 || d.points > c.max {
                    e.push(FieldError::new(
                        "deductions",
                        Invalid::ItemPoints {
                            item: d.code.clone(),
                            max: c.max.max(1),
                        },
                    ));
                }
            }
        }
        if total > self.out_of {
            e.push(FieldError::new(
                "categories",
                Invalid::CategoriesOverTotal {
                    total,
                    out_of: self.out_of,
                },
            ));
        }
        for b in &self.bonuses {
            unique(&b.code, &mut e);
            if b.points <= 0 || b.points > self.out_of {
                e.push(FieldError::new(
                    "bonuses",
                    Invalid::ItemPoints {
                        item: b.code.clone(),
                        max: self.out_of,
                    },
                ));
            }
        }
        for v in &self.vetoes {
            unique(&v.code, &mut e);
        }
        for x in &self.exemptions {
            if self.category(&x.category).is_none() {
                e.push(FieldError::new(
                    "exemptions",
                    Invalid::UnknownItem {
                        item: x.category.clone(),
                    },
                ));
            }
        }
        if self.flags.count == 0 {
            e.push(FieldError::new("flags", Invalid::NotPositive));
        }
        if let Some(min) = self.flags.min_score
            && (min.den() <= 0
                || min < Fraction::from_int(0)
                || min > Fraction::from_int(self.out_of))
        {
            e.push(FieldError::new(
                "min_score",
                Invalid::OutOfRange {
                    min: 0,
                    max: self.out_of,
                },
            ));
        }
        if let TieRule::Ordered { categories } = &self.flags.tie {
            for c in categories {
                if self.category(c).is_none() {
                    e.push(FieldError::new(
                        "tie",
                        Invalid::UnknownItem { item: c.clone() },
                    ));
                }
            }
        }
        if self.awards.units == 0 {
            e.push(FieldError::new("award_units", Invalid::NotPositive));
        }
        for (field, f) in [
            ("subsidy", self.awards.subsidy),
            ("head_base", self.awards.head_base),
            ("head_extra", self.awards.head_extra),
        ] {
            if !unit_fraction(f) {
                e.push(FieldError::new(field, Invalid::BadFraction));
            }
        }
        if !(0..=100_000).contains(&self.awards.fee_fen_per_m2_month) {
            e.push(FieldError::new(
                "fee",
                Invalid::OutOfRange {
                    min: 0,
                    max: 100_000,
                },
            ));
        }
        if self.appeal_days > 366 {
            e.push(FieldError::new(
                "appeal_days",
                Invalid::OutOfRange { min: 0, max: 366 },
            ));
        }
        if e.is_empty() { Ok(()) } else { Err(e) }
    }
}

/// One version of a compound's rubric.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RubricVersion {
    pub version: i32,
    /// The first month scored under it.
    pub from: Month,
    pub rubric: Rubric,
    /// The decided proposal that adopted it (none only for a compound's first version).
    pub proposal_id: Option<i64>,
}

/// The version in force for `month`: the latest to start on or before it (the higher
/// version number if two start the same month).
pub fn in_force(versions: &[RubricVersion], month: Month) -> Option<&RubricVersion> {
    versions
        .iter()
        .filter(|v| v.from <= month)
        .max_by_key(|v| (v.from, v.version))
}

fn frac(num: i64, den: i64) -> Fraction {
    Fraction::new(num, den).unwrap_or(Fraction::from_int(0))
}

fn item(code: &str, zh: &str, en: &str, points: i64) -> Item {
    Item {
        code: code.into(),
        zh: zh.into(),
        en: en.into(),
        points,
    }
}

fn category(code: &str, zh: &str, en: &str, max: i64, deductions: Vec<Item>) -> Category {
    Category {
        code: code.into(),
        zh: zh.into(),
        en: en.into(),
        max,
        deductions,
    }
}

/// The rubric of 南国新家园 (seed S2) as amended by its residents. The five categories of the
/// article plus corridor, safety and waste sorting; points, the subsidy share and the fee
/// rate are starting values for a compound to amend.
pub fn nanguo_preset() -> Rubric {
    Rubric {
        name: "南国新家园文明单元“红‘栋’力”评比细则".into(),
        out_of: 100,
        categories: vec![
            category(
                "disputes",
                "矛盾纠纷",
                "Disputes",
                15,
                vec![
                    item(
                        "dispute_unresolved",
                        "邻里纠纷未调解",
                        "neighbour dispute left unresolved",
                        5,
                    ),
                    item(
                        "quarrel",
                        "公共场所争吵打闹",
                        "quarrel or fight in a common area",
                        10,
                    ),
                ],
            ),
            category(
                "civility",
                "文明新风",
                "Civility",
                15,
                vec![
                    item("throwing", "高空抛物", "throwing things from height", 10),
                    item("flyers", "乱贴小广告", "flyers stuck on walls", 3),
                    item("dogs", "不文明养犬", "dog unleashed or fouling", 3),
                ],
            ),
            category(
                "family",
                "家教家风",
                "Family conduct",
                10,
                vec![
                    item(
                        "family_dispute",
                        "家庭矛盾影响邻里",
                        "family quarrel disturbing neighbours",
                        5,
                    ),
                    item(
                        "minor_conduct",
                        "未成年人不文明行为",
                        "a minor's misconduct",
                        5,
                    ),
                ],
            ),
            category(
                "hygiene",
                "环境卫生",
                "Hygiene",
                20,
                vec![
                    item("stairs_dirty", "楼道未打扫", "stairwell not cleaned", 5),
                    item("litter", "乱扔垃圾", "litter", 5),
                    item("graffiti", "墙面乱涂乱画", "graffiti on walls", 3),
                ],
            ),
            category(
                "volunteering",
                "志愿服务",
                "Volunteering",
                10,
                vec![item(
                    "no_volunteer",
                    "本月无人参加志愿服务",
                    "nobody from the unit volunteered this month",
                    5,
                )],
            ),
            category(
                "corridor",
                "楼道环境",
                "Corridor environment",
                15,
                vec![
                    item("clutter", "楼道堆放杂物", "clutter in the corridor", 5),
                    item("wires", "楼道私拉电线", "private wiring in the corridor", 5),
                ],
            ),
            category(
                "safety",
                "消防安全",
                "Fire safety",
                10,
                vec![
                    item(
                        "ebike_indoors",
                        "电动车进楼道",
                        "e-bike kept in the stairwell",
                        5,
                    ),
                    item("exit_blocked", "堵塞消防通道", "fire exit blocked", 5),
                ],
            ),
            category(
                "waste",
                "垃圾分类",
                "Waste sorting",
                5,
                vec![item("unsorted", "垃圾未分类投放", "waste not sorted", 3)],
            ),
        ],
        bonuses: vec![
            item(
                "university",
                "本年度考取大学（含大专）",
                "a student admitted to a university (junior college included) this year",
                3,
            ),
            item(
                "good_deed",
                "好人好事受表扬",
                "a good deed publicly praised",
                2,
            ),
        ],
        vetoes: vec![VetoItem {
            code: "flying_lead".into(),
            zh: "飞线充电".into(),
            en: "flying-lead charging".into(),
        }],
        exemptions: vec![Exemption {
            category: "corridor".into(),
            zh: "轮椅、婴儿车等居民生活必需品不作为楼道杂物扣分".into(),
            en: "wheelchairs, prams and other daily necessities are not corridor clutter".into(),
        }],
        flags: FlagSettings {
            count: 3,
            min_score: Some(Fraction::from_int(90)),
            tie: TieRule::Ordered {
                categories: vec!["safety".into(), "corridor".into()],
            },
        },
        awards: AwardSettings {
            units: 3,
            tie: AwardTie::Shared,
            subsidy: frac(1, 10),
            head_base: frac(1, 10),
            head_extra: frac(1, 10),
            fee_fen_per_m2_month: 60,
        },
        appeal_days: 7,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Month {
        Month::parse(s).unwrap()
    }

    #[test]
    fn the_preset_is_valid_and_adds_up_to_the_total() {
        let r = nanguo_preset();
        assert_eq!(r.check(), Ok(()));
        assert_eq!(r.categories.iter().map(|c| c.max).sum::<i64>(), 100);
        assert!(matches!(r.item("flying_lead"), Some(ItemKind::Veto(_))));
        assert!(matches!(r.item("university"), Some(ItemKind::Bonus(_))));
        assert_eq!(r.item("clutter").map(|k| k.points()), Some(-5));
        assert!(r.item("nothing").is_none());
    }

    #[test]
    fn months_parse_and_order() {
        assert_eq!(m("2024-5").to_string(), "2024-05");
        assert!(m("2023-12") < m("2024-01"));
        for bad in ["", "2024", "2024-13", "2024-0", "24-05", "2024-xx"] {
            assert!(Month::parse(bad).is_err(), "{bad}");
        }
        let json = serde_json::to_string(&m("2024-04")).unwrap();
        assert_eq!(json, "\"2024-04\"");
        assert_eq!(serde_json::from_str::<Month>(&json).unwrap(), m("2024-04"));
    }

    #[test]
    fn check_names_every_problem() {
        let mut r = nanguo_preset();
        r.categories[0].deductions[0].points = 16; // above the category's 15
        r.categories[1].code = "disputes".into(); // duplicate
        r.categories[2].max = 40; // now 130 in all
        r.exemptions[0].category = "nowhere".into();
        r.flags.count = 0;
        r.flags.min_score = Some(Fraction::from_int(101));
        r.awards.subsidy = frac(3, 2);
        let errors = r.check().unwrap_err();
        let codes: Vec<_> = errors.iter().map(|e| (&*e.field, e.error.code())).collect();
        for expected in [
            ("deductions", "item_points"),
            ("rubric", "duplicate_code"),
            ("categories", "categories_over_total"),
            ("exemptions", "unknown_item"),
            ("flags", "not_positive"),
            ("min_score", "out_of_range"),
            ("subsidy", "bad_fraction"),
        ] {
            assert!(
                codes.contains(&expected),
                "{expected:?} missing from {codes:?}"
            );
        }
        let dup = errors
            .iter()
            .find(|e| e.error.code() == "duplicate_code")
            .unwrap();
        assert!(dup.message(Lang::Zh).contains("disputes"));
    }

    #[test]
    fn a_rubric_change_mid_year_applies_from_its_month() {
        let v1 = RubricVersion {
            version: 1,
            from: m("2023-04"),
            rubric: nanguo_preset(),
            proposal_id: None,
        };
        let mut amended = nanguo_preset();
        amended.flags.count = 5;
        let v2 = RubricVersion {
            version: 2,
            from: m("2023-09"),
            rubric: amended,
            proposal_id: Some(7),
        };
        let versions = [v1, v2];
        assert!(in_force(&versions, m("2023-03")).is_none());
        assert_eq!(
            in_force(&versions, m("2023-04")).map(|v| v.version),
            Some(1)
        );
        assert_eq!(
            in_force(&versions, m("2023-08")).map(|v| v.version),
            Some(1)
        );
        assert_eq!(
            in_force(&versions, m("2023-09")).map(|v| v.version),
            Some(2)
        );
        assert_eq!(
            in_force(&versions, m("2024-02")).map(|v| v.rubric.flags.count),
            Some(5)
        );
    }

    #[test]
    fn rubric_round_trips_as_json() {
        let r = nanguo_preset();
        let back: Rubric = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
        assert_eq!(back, r);
    }
}
