//! 遂宁市 (seed 003): 2,067 self-managed and three-no compounds, of which 57 now have a
//! professional property service, 1,436 are self-managed and 574 are under delegated
//! management. District, subdistrict and community names are real where the article gives
//! them, plausible otherwise; compound names other than the four in the article are invented.

use std::collections::HashSet;

use crate::people::{Builder, Profile};
use crate::rng::Rng;
use crate::{
    Building, City, Community, Compound, Density, District, ManagementMode, SixHave, SixHaveItem,
    Subdistrict,
};

pub(crate) const COMPOUNDS: usize = 2_067;
pub(crate) const PROFESSIONAL: usize = 57;
pub(crate) const SELF_MANAGED: usize = 1_436;
pub(crate) const DELEGATED: usize = 574;

struct DistrictSpec {
    name: &'static str,
    compounds: usize,
    /// Subdistricts (街道, or the county-seat towns) with their share of the compounds.
    subdistricts: &'static [(&'static str, u32)],
}

/// Most old compounds are in the city proper, 船山区; compounds per district sum to 2,067.
const DISTRICTS: [DistrictSpec; 5] = [
    DistrictSpec {
        name: "船山区",
        compounds: 1_100,
        subdistricts: &[
            ("镇江寺街道", 13),
            ("凯旋路街道", 14),
            ("灵泉街道", 11),
            ("南津路街道", 12),
            ("介福路街道", 11),
            ("嘉禾街道", 9),
            ("广德街道", 9),
            ("富源路街道", 8),
            ("育才路街道", 8),
            ("龙坪街道", 5),
        ],
    },
    DistrictSpec {
        name: "安居区",
        compounds: 220,
        subdistricts: &[("柔刚街道", 5), ("凤凰街道", 3), ("安居镇", 2)],
    },
    DistrictSpec {
        name: "射洪市",
        compounds: 330,
        subdistricts: &[("太和街道", 5), ("平安街道", 3), ("子昂街道", 3)],
    },
    DistrictSpec {
        name: "蓬溪县",
        compounds: 200,
        subdistricts: &[("赤城镇", 3), ("普安街道", 2)],
    },
    DistrictSpec {
        name: "大英县",
        compounds: 217,
        subdistricts: &[("蓬莱镇", 3), ("隆盛镇", 1)],
    },
];

/// The compounds the article names, each first in its community.
struct Named {
    subdistrict: &'static str,
    community: &'static str,
    road: &'static str,
    compound: &'static str,
    mode: ManagementMode,
    three_no: bool,
    items: &'static [SixHaveItem],
}

const NAMED: [Named; 4] = [
    // A pilot since October 2023: 7 new gates, 3 access-control points, cameras in 15 alleys.
    Named {
        subdistrict: "镇江寺街道",
        community: "正兴街社区",
        road: "正兴街",
        compound: "美邻苑",
        mode: ManagementMode::Delegated,
        three_no: false,
        items: &SixHaveItem::ALL,
    },
    // Parking and advertising income "now covers the compound's security costs".
    Named {
        subdistrict: "凯旋路街道",
        community: "南小区社区",
        road: "凯旋中路",
        compound: "利民家园",
        mode: ManagementMode::SelfManaged,
        three_no: false,
        items: &[
            SixHaveItem::SelfGovernanceBody,
            SixHaveItem::SecurityFacilities,
            SixHaveItem::CleanEnvironment,
            SixHaveItem::LastingMechanism,
        ],
    },
    // In 河东新区; the community party branch and the self-governance committee meet on renovation.
    Named {
        subdistrict: "灵泉街道",
        community: "广灵路社区",
        road: "广灵路",
        compound: "家嘉商住楼",
        mode: ManagementMode::SelfManaged,
        three_no: true,
        items: &[SixHaveItem::SelfGovernanceBody],
    },
    // "Once a three-no compound" with illegal additions; now has a self-management committee.
    Named {
        subdistrict: "灵泉街道",
        community: "香山路社区",
        road: "香山路",
        compound: "集资楼",
        mode: ManagementMode::SelfManaged,
        three_no: false,
        items: &[
            SixHaveItem::SelfGovernanceBody,
            SixHaveItem::LastingMechanism,
            SixHaveItem::NeighbourlyConduct,
        ],
    },
];

const STEMS: &[&str] = &[
    "幸福",
    "和平",
    "安居",
    "康宁",
    "金桥",
    "锦华",
    "华兴",
    "新华",
    "东方",
    "明月",
    "滨江",
    "涪江",
    "龙凤",
    "金鱼",
    "翠竹",
    "紫荆",
    "桂花",
    "银杏",
    "玉兰",
    "海棠",
    "阳光",
    "春晖",
    "丰收",
    "兴隆",
    "永安",
    "长安",
    "平安",
    "福星",
    "吉祥",
    "如意",
    "祥和",
    "同心",
    "育才",
    "文庙",
    "天宫",
    "观音",
    "西山",
    "南坝",
    "北坝",
    "东门",
    "南门",
    "西门",
    "北门",
    "新桥",
    "老桥",
    "河东",
    "河西",
    "嘉禾",
    "凯旋",
    "复兴",
    "建设",
    "人民",
    "红旗",
    "向阳",
    "东风",
    "团结",
    "胜利",
    "光明",
    "先锋",
    "前进",
    "振兴",
    "遂州",
    "子昂",
    "太和",
    "琼江",
    "犀牛",
    "圣莲",
    "仁里",
    "德胜",
    "顺城",
    "中和",
    "明星",
    "金龙",
    "青龙",
    "白马",
    "书院",
    "槐花",
    "梨园",
    "柳林",
    "清平",
    "锦绣",
    "富民",
    "惠民",
    "安康",
    "康乐",
    "长乐",
    "永丰",
    "兴业",
    "建业",
    "宏达",
    "鸿运",
    "盛世",
    "世纪",
    "新世纪",
    "百花",
    "牡丹",
    "芙蓉",
    "荷花",
    "丁香",
    "香樟",
    "梧桐",
    "松柏",
    "翠柏",
    "竹林",
    "绿洲",
    "碧水",
    "清江",
    "临江",
    "望江",
    "江景",
    "南湖",
    "北湖",
    "月湖",
    "卧龙",
    "凤台",
    "龙泉",
    "金山",
    "银山",
    "宝山",
    "广场",
    "新街",
    "老街",
    "园丁",
    "教师",
    "银行",
    "文化",
    "体育",
    "工农",
    "红星",
    "五一",
    "八一",
    "东升",
    "旭日",
    "朝阳",
    "晨光",
    "曙光",
    "新城",
    "城南",
    "城北",
    "城东",
    "城西",
    "中心",
    "顺江",
    "东湖",
    "南苑",
    "金色",
    "金帝",
    "恒达",
    "宏图",
    "安泰",
    "泰和",
    "和谐",
    "友谊",
];
const COMPOUND_KINDS: &[&str] = &[
    "小区",
    "花园",
    "家园",
    "苑",
    "新村",
    "公寓",
    "大厦",
    "商住楼",
    "集资楼",
    "院",
    "雅居",
    "名苑",
    "佳苑",
    "新苑",
    "山庄",
    "综合楼",
    "住宅小区",
    "嘉园",
    "丽景",
    "大院",
    "居",
    "华庭",
    "小区",
];
const WORK_UNITS: &[&str] = &[
    "粮食局",
    "供销社",
    "棉纺厂",
    "丝绸厂",
    "糖厂",
    "电力公司",
    "农机厂",
    "水泥厂",
    "食品公司",
    "邮电局",
    "税务局",
    "财政局",
    "二轻局",
    "建筑公司",
    "化肥厂",
    "机械厂",
    "运输公司",
    "百货公司",
    "医药公司",
    "烟草公司",
    "教育局",
    "卫生局",
    "交通局",
    "水利局",
    "物资局",
    "商业局",
    "纺织厂",
    "酒厂",
    "印刷厂",
    "制药厂",
    "木材公司",
    "外贸公司",
    "林业局",
    "农业局",
    "气象局",
    "人民医院",
    "中医院",
    "油气矿",
    "磷肥厂",
    "棉麻公司",
    "盐业公司",
    "蔬菜公司",
];
const WORK_UNIT_HOMES: &[&str] = &["宿舍", "家属院", "集资楼", "职工宿舍", "住宅楼"];

const PROFILE: Profile = Profile {
    area: (5_000, 11_000),
    owner_birth: (1938, 1975),
    young_owner_birth: (1976, 1998),
    young_owner: 250,
    original_owner: 450,
    empty: 70,
    rented: 90,
    spouse: 650,
    child: 350,
    parent: 60,
    max_tenants: 2,
};

/// `total` split by `weights`, largest remainders first so the parts sum exactly.
fn split(total: usize, weights: &[u32]) -> Vec<usize> {
    let sum: usize = weights.iter().map(|&w| w as usize).sum::<usize>().max(1);
    let mut parts: Vec<usize> = weights.iter().map(|&w| total * w as usize / sum).collect();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(total * weights[i] as usize % sum));
    let short = total - parts.iter().sum::<usize>();
    for &i in order.iter().cycle().take(short) {
        parts[i] += 1;
    }
    parts
}

/// Community sizes between 10 and 30 compounds summing to `total` (one smaller community
/// only if `total` itself is under 10).
fn community_sizes(rng: &mut Rng, total: usize) -> Vec<usize> {
    let mut sizes = Vec::new();
    let mut left = total;
    while left > 0 {
        let mut n = if left <= 30 {
            left
        } else {
            rng.range(10, 30) as usize
        };
        if left > n && left - n < 10 {
            n = left - 10;
        }
        sizes.push(n);
        left -= n;
    }
    sizes
}

/// A name not yet taken in the city: up to 20 random candidates from `make` (which also
/// returns what goes with the name), then the first candidate numbered "2区", "3区", ...
fn unique<T>(
    taken: &mut HashSet<String>,
    rng: &mut Rng,
    mut make: impl FnMut(&mut Rng) -> (String, T),
    suffix: &str,
) -> (String, T) {
    let (first, first_extra) = make(rng);
    let name = format!("{first}{suffix}");
    if taken.insert(name.clone()) {
        return (name, first_extra);
    }
    for _ in 0..20 {
        let (candidate, extra) = make(rng);
        let name = format!("{candidate}{suffix}");
        if taken.insert(name.clone()) {
            return (name, extra);
        }
    }
    let mut n = 2;
    loop {
        let name = format!("{first}{n}区{suffix}");
        if taken.insert(name.clone()) {
            return (name, first_extra);
        }
        n += 1;
    }
}

fn six_have(rng: &mut Rng, mode: ManagementMode) -> (bool, SixHave) {
    use SixHaveItem::*;
    let mut items = Vec::new();
    let three_no = match mode {
        ManagementMode::Professional => {
            items.extend([PropertyService, SecurityFacilities]);
            for i in [
                SelfGovernanceBody,
                CleanEnvironment,
                LastingMechanism,
                NeighbourlyConduct,
            ] {
                if rng.permille(650) {
                    items.push(i);
                }
            }
            false
        }
        ManagementMode::Delegated if rng.permille(850) => {
            items.push(PropertyService);
            if rng.permille(550) {
                items.push(SecurityFacilities);
            }
            for i in [
                SelfGovernanceBody,
                CleanEnvironment,
                LastingMechanism,
                NeighbourlyConduct,
            ] {
                if rng.permille(450) {
                    items.push(i);
                }
            }
            false
        }
        ManagementMode::SelfManaged if rng.permille(300) => {
            items.push(SelfGovernanceBody);
            if rng.permille(600) {
                items.push(SecurityFacilities);
            }
            if rng.permille(350) {
                items.push(PropertyService);
            }
            if !items.contains(&SecurityFacilities) && !items.contains(&PropertyService) {
                items.push(SecurityFacilities);
            }
            for i in [CleanEnvironment, LastingMechanism, NeighbourlyConduct] {
                if rng.permille(450) {
                    items.push(i);
                }
            }
            false
        }
        // Still three-no: at most three of the items that need no service or guard.
        _ => {
            for (i, p) in [
                (SelfGovernanceBody, 500),
                (CleanEnvironment, 250),
                (NeighbourlyConduct, 200),
                (LastingMechanism, 150),
            ] {
                if items.len() < 3 && rng.permille(p) {
                    items.push(i);
                }
            }
            true
        }
    };
    (three_no, SixHave::from_items(items))
}

/// Buildings of a compound and units of a building. At real density a lone 集资楼 or 商住楼
/// is as common as an estate of twenty, about 6.6 buildings on average, so that with units of
/// four to seven floors of two flats a compound holds about 150 households, as the old
/// compounds of a prefecture-level city do. The sample keeps one to four buildings (about 42
/// households), so the whole city loads in seconds.
fn buildings_of(rng: &mut Rng, density: Density) -> usize {
    match density {
        Density::Sample => 1 + rng.weighted(&[35, 35, 20, 10]),
        Density::Real => match rng.weighted(&[15, 15, 20, 25, 15, 10]) {
            0 => 1,
            1 => 2,
            2 => rng.range(3, 4) as usize,
            3 => rng.range(5, 8) as usize,
            4 => rng.range(9, 15) as usize,
            _ => rng.range(16, 24) as usize,
        },
    }
}

fn units_of(rng: &mut Rng, density: Density) -> usize {
    1 + match density {
        Density::Sample => rng.weighted(&[35, 45, 20]),
        Density::Real => rng.weighted(&[25, 45, 30]),
    }
}

fn compound(
    b: &mut Builder,
    name: String,
    address: String,
    mode: ManagementMode,
    three_no: bool,
    six_have: SixHave,
    density: Density,
) -> Compound {
    // Most were built in the late 1980s and 1990s.
    let year_built = (b.rng.range(1980, 2005) + b.rng.range(1980, 2005) + 1) / 2;
    let n_buildings = buildings_of(&mut b.rng, density);
    let mut buildings = Vec::with_capacity(n_buildings);
    for i in 1..=n_buildings {
        let n_units = units_of(&mut b.rng, density);
        let floors = b.rng.range(4, 7);
        let per_floor = vec![2; floors as usize];
        let units = (1..=n_units)
            .map(|u| b.unit(&PROFILE, year_built, format!("{u}单元"), &per_floor))
            .collect();
        buildings.push(Building {
            name: format!("{i}栋"),
            sub_compound: None,
            floors,
            units,
        });
    }
    Compound {
        name,
        address,
        year_built: Some(year_built),
        management_mode: mode,
        three_no,
        six_have,
        sub_compounds: Vec::new(),
        buildings,
    }
}

/// A compound name, and the house number when the name is one ("正兴街7号院").
fn compound_name(rng: &mut Rng, road: &str) -> (String, Option<i32>) {
    match rng.below(100) {
        0..=27 => (
            format!("{}{}", rng.pick(WORK_UNITS), rng.pick(WORK_UNIT_HOMES)),
            None,
        ),
        28..=87 => (
            format!("{}{}", rng.pick(STEMS), rng.pick(COMPOUND_KINDS)),
            None,
        ),
        _ => {
            let n = rng.range(1, 240);
            (format!("{road}{n}号院"), Some(n))
        }
    }
}

pub(crate) fn city(b: &mut Builder, scale: u32, density: Density) -> City {
    b.new_city();
    let mut districts: Vec<District> = DISTRICTS
        .iter()
        .map(|d| District {
            name: d.name.into(),
            subdistricts: d
                .subdistricts
                .iter()
                .map(|(s, _)| Subdistrict {
                    name: (*s).into(),
                    communities: Vec::new(),
                })
                .collect(),
        })
        .collect();
    let mut community_names = HashSet::new();
    let mut compound_names = HashSet::new();
    for copy in 1..=scale {
        let suffix = if copy == 1 {
            String::new()
        } else {
            format!("·{copy}")
        };
        // Management modes for the compounds the article does not name, shuffled.
        let mut modes = Vec::with_capacity(COMPOUNDS);
        for (mode, n) in [
            (ManagementMode::Professional, PROFESSIONAL),
            (ManagementMode::SelfManaged, SELF_MANAGED),
            (ManagementMode::Delegated, DELEGATED),
        ] {
            let named = NAMED.iter().filter(|c| c.mode == mode).count();
            modes.extend(std::iter::repeat_n(mode, n.saturating_sub(named)));
        }
        b.rng.shuffle(&mut modes);
        for n in &NAMED {
            community_names.insert(format!("{}{suffix}", n.community));
            compound_names.insert(format!("{}{suffix}", n.compound));
        }

        for (spec, district) in DISTRICTS.iter().zip(districts.iter_mut()) {
            let weights: Vec<u32> = spec.subdistricts.iter().map(|(_, w)| *w).collect();
            let totals = split(spec.compounds, &weights);
            for (total, sub) in totals.into_iter().zip(district.subdistricts.iter_mut()) {
                let named: Vec<&Named> =
                    NAMED.iter().filter(|n| n.subdistrict == sub.name).collect();
                for (i, size) in community_sizes(&mut b.rng, total).into_iter().enumerate() {
                    let known = named.get(i);
                    let (community_name, road) = match known {
                        Some(n) => (format!("{}{suffix}", n.community), n.road.to_string()),
                        None => unique(
                            &mut community_names,
                            &mut b.rng,
                            |r| {
                                let stem = r.pick(STEMS);
                                let road = format!("{stem}{}", ["路", "街", "路"][r.index(3)]);
                                let name = if r.below(3) == 0 {
                                    format!("{stem}社区")
                                } else {
                                    format!("{road}社区")
                                };
                                (name, road)
                            },
                            &suffix,
                        ),
                    };
                    let mut compounds = Vec::with_capacity(size);
                    for k in 0..size {
                        let c = match known {
                            Some(n) if k == 0 => {
                                let name = format!("{}{suffix}", n.compound);
                                let address =
                                    format!("{}{road}{}号", spec.name, b.rng.range(1, 240));
                                let six = SixHave::from_items(n.items.iter().copied());
                                compound(b, name, address, n.mode, n.three_no, six, density)
                            }
                            _ => {
                                let mode = modes.pop().unwrap_or(ManagementMode::SelfManaged);
                                let (three_no, six) = six_have(&mut b.rng, mode);
                                let (name, number) = unique(
                                    &mut compound_names,
                                    &mut b.rng,
                                    |r| compound_name(r, &road),
                                    &suffix,
                                );
                                let number = number.unwrap_or_else(|| b.rng.range(1, 240));
                                let address = format!("{}{road}{number}号", spec.name);
                                compound(b, name, address, mode, three_no, six, density)
                            }
                        };
                        compounds.push(c);
                    }
                    sub.communities.push(Community {
                        name: community_name,
                        compounds,
                    });
                }
            }
        }
    }
    City {
        name: "遂宁市".into(),
        districts,
    }
}
