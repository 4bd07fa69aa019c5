//! The three compounds the articles describe one by one, each in its own city.

use crate::people::{Builder, Profile};
use crate::{
    Building, City, Community, Compound, District, ManagementMode, SixHave, SixHaveItem,
    Subdistrict,
};

fn one_compound_city(
    city: &str,
    district: &str,
    subdistrict: &str,
    community: &str,
    compound: Compound,
) -> City {
    City {
        name: city.into(),
        districts: vec![District {
            name: district.into(),
            subdistricts: vec![Subdistrict {
                name: subdistrict.into(),
                communities: vec![Community {
                    name: community.into(),
                    compounds: vec![compound],
                }],
            }],
        }],
    }
}

/// 纹江花园 (seed 000): built in the late 1990s; over 60% of residents are 60+; twenty
/// units, all of which now have an elevator. Grandpa Sun (孙大爷) lives on the sixth floor
/// of unit seven ("七单元六楼"), so units are numbered through the compound as the article
/// does: building 2 holds units 5 to 8.
pub(crate) fn deyang(b: &mut Builder) -> City {
    b.new_city();
    const YEAR_BUILT: i32 = 1998;
    let profile = Profile {
        area: (6_500, 11_000),
        owner_birth: (1938, 1965),
        young_owner_birth: (1966, 1990),
        young_owner: 150,
        original_owner: 750,
        empty: 50,
        rented: 50,
        spouse: 700,
        child: 150,
        parent: 20,
        max_tenants: 2,
    };
    let mut buildings = Vec::new();
    for building in 0..5 {
        let mut units = Vec::new();
        for u in 0..4 {
            let number = building * 4 + u + 1;
            let mut unit = b.unit(&profile, YEAR_BUILT, format!("{number}单元"), &[2; 6]);
            if number == 7
                && let Some(h) = unit.households.iter_mut().find(|h| h.floor == 6)
            {
                *h = b.known_owner(
                    h.floor,
                    h.room.clone(),
                    h.area_centi,
                    "孙",
                    1941,
                    (1999, 3, 12),
                );
            }
            units.push(unit);
        }
        buildings.push(Building {
            name: format!("{}栋", building + 1),
            sub_compound: None,
            floors: 6,
            units,
        });
    }
    let compound = Compound {
        name: "纹江花园".into(),
        address: "罗江区万安街道纹江路18号".into(),
        year_built: Some(YEAR_BUILT),
        management_mode: ManagementMode::SelfManaged,
        three_no: false,
        six_have: SixHave::from_items(SixHaveItem::ALL),
        sub_compounds: Vec::new(),
        buildings,
    };
    one_compound_city("德阳市", "罗江区", "万安街道", "纹江社区", compound)
}

/// 南国新家园 (seed 001): a property company and an owners' committee, units scored monthly
/// since April 2023; a resident has lived there 13 years (since 2011); the community has
/// "a high vacancy rate". Residents still ask for a barrier gate, so no security facilities.
pub(crate) fn xiangtan(b: &mut Builder) -> City {
    b.new_city();
    const YEAR_BUILT: i32 = 2008;
    let profile = Profile {
        area: (7_500, 13_500),
        owner_birth: (1950, 1980),
        young_owner_birth: (1981, 1995),
        young_owner: 250,
        original_owner: 550,
        empty: 150,
        rented: 100,
        spouse: 700,
        child: 450,
        parent: 80,
        max_tenants: 2,
    };
    let mut buildings = Vec::new();
    for building in 1..=12 {
        let floors = if b.rng.permille(400) { 7 } else { 6 };
        let units = (1..=2)
            .map(|u| {
                b.unit(
                    &profile,
                    YEAR_BUILT,
                    format!("{u}单元"),
                    &vec![2; floors as usize],
                )
            })
            .collect();
        buildings.push(Building {
            name: format!("{building}栋"),
            sub_compound: None,
            floors,
            units,
        });
    }
    let compound = Compound {
        name: "南国新家园".into(),
        address: "岳塘区下摄司街道栗塘路66号".into(),
        year_built: Some(YEAR_BUILT),
        management_mode: ManagementMode::Professional,
        three_no: false,
        six_have: SixHave::from_items([
            SixHaveItem::SelfGovernanceBody,
            SixHaveItem::PropertyService,
            SixHaveItem::CleanEnvironment,
            SixHaveItem::LastingMechanism,
            SixHaveItem::NeighbourlyConduct,
        ]),
        sub_compounds: Vec::new(),
        buildings,
    };
    one_compound_city("湘潭市", "岳塘区", "下摄司街道", "栗塘社区", compound)
}

/// Units (楼组) in each of 甘泉苑's six natural compounds; 144 in all.
const GANQUAN_UNITS: [u32; 6] = [30, 22, 28, 18, 26, 20];
const GANQUAN_HOUSEHOLDS: u32 = 3_250;

/// 甘泉苑居民区 (seed 002): built in the 1980s, six natural compounds, 3,250 households, 144
/// building groups (units), about 7,500 residents; an owners' committee and a property company.
pub(crate) fn shanghai(b: &mut Builder) -> City {
    b.new_city();
    const YEAR_BUILT: i32 = 1982;
    let profile = Profile {
        area: (4_500, 7_200),
        owner_birth: (1935, 1968),
        young_owner_birth: (1969, 1992),
        young_owner: 350,
        original_owner: 450,
        empty: 60,
        rented: 160,
        spouse: 750,
        child: 600,
        parent: 150,
        max_tenants: 3,
    };
    // Lay out the buildings first: per unit, households on each floor.
    struct Plan {
        sub: usize,
        floors: i32,
        units: Vec<Vec<u32>>,
    }
    let mut plans = Vec::new();
    for (sub, &units) in GANQUAN_UNITS.iter().enumerate() {
        let mut left = units;
        while left > 0 {
            let n = (b.rng.range(2, 4) as u32).min(left);
            left -= n;
            let floors = [5, 6, 6, 6, 6, 6, 7][b.rng.index(7)];
            let per_floor = if b.rng.permille(650) { 4 } else { 3 };
            plans.push(Plan {
                sub,
                floors,
                units: vec![vec![per_floor; floors as usize]; n as usize],
            });
        }
    }
    // Then add or take single flats (a ground floor with a shop, a top floor split in two)
    // until the total matches the article.
    let mut total: u32 = plans.iter().flat_map(|p| &p.units).flatten().sum();
    let slots: Vec<(usize, usize)> = plans
        .iter()
        .enumerate()
        .flat_map(|(i, p)| (0..p.units.len()).map(move |u| (i, u)))
        .collect();
    let mut guard = 0;
    while total != GANQUAN_HOUSEHOLDS && guard < 1_000_000 {
        guard += 1;
        let (i, u) = slots[b.rng.index(slots.len())];
        let Some(unit) = plans.get_mut(i).and_then(|p| p.units.get_mut(u)) else {
            continue;
        };
        let f = b.rng.index(unit.len());
        if total < GANQUAN_HOUSEHOLDS && unit[f] < 5 {
            unit[f] += 1;
            total += 1;
        } else if total > GANQUAN_HOUSEHOLDS && unit[f] > 2 {
            unit[f] -= 1;
            total -= 1;
        }
    }
    let sub_compounds: Vec<String> = [
        "甘泉一村",
        "甘泉二村",
        "甘泉三村",
        "甘泉四村",
        "甘泉五村",
        "甘泉六村",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut buildings = Vec::new();
    for (i, plan) in plans.iter().enumerate() {
        let year = YEAR_BUILT + plan.sub as i32;
        let units = plan
            .units
            .iter()
            .enumerate()
            .map(|(u, floors)| b.unit(&profile, year, format!("{}单元", u + 1), floors))
            .collect();
        buildings.push(Building {
            name: format!("{}栋", i + 1),
            sub_compound: Some(plan.sub),
            floors: plan.floors,
            units,
        });
    }
    let compound = Compound {
        name: "甘泉苑".into(),
        address: "普陀区甘泉路街道甘泉路255弄".into(),
        year_built: Some(YEAR_BUILT),
        management_mode: ManagementMode::Professional,
        three_no: false,
        six_have: SixHave::from_items([
            SixHaveItem::SelfGovernanceBody,
            SixHaveItem::SecurityFacilities,
            SixHaveItem::PropertyService,
            SixHaveItem::LastingMechanism,
        ]),
        sub_compounds,
        buildings,
    };
    one_compound_city("上海市", "普陀区", "甘泉路街道", "甘泉苑居民区", compound)
}
