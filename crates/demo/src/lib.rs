//! The demo world of linli: the compounds of the four seed articles, generated
//! deterministically (same output on every run and machine) and without I/O.
//!
//! - 纹江花园, 罗江区, 德阳市 (seed 000): 5 buildings, 20 units, 240 households, older residents.
//! - 南国新家园, 栗塘社区, 下摄司街道, 岳塘区, 湘潭市 (seed 001).
//! - 甘泉苑, 甘泉路街道, 普陀区, 上海市 (seed 002): 6 sub-compounds, 144 units, 3,250 households.
//! - 遂宁市 (seed 003): 2,067 compounds per `scale`, 57 professional, 1,436 self-managed,
//!   574 delegated.
//!
//! `linli-demo-load` writes a world into a database; this crate only makes it.

mod featured;
mod names;
mod people;
mod rng;
mod suining;

pub use linli_domain::AreaSource;
pub use linli_domain::registry::{ManagementMode, ResidentKind, SixHave, SixHaveItem};

use people::Builder;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct World {
    pub persons: Vec<Person>,
    pub cities: Vec<City>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    /// An 11-digit mobile number starting with 1, unique across the world; `None` for
    /// children and some of the very old.
    pub phone: Option<String>,
    pub birth_year: i32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct City {
    pub name: String,
    pub districts: Vec<District>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct District {
    pub name: String,
    pub subdistricts: Vec<Subdistrict>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subdistrict {
    pub name: String,
    pub communities: Vec<Community>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Community {
    pub name: String,
    pub compounds: Vec<Compound>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compound {
    pub name: String,
    pub address: String,
    pub year_built: Option<i32>,
    pub management_mode: ManagementMode,
    pub three_no: bool,
    pub six_have: SixHave,
    /// Names of the natural compounds (自然小区); empty for most compounds.
    pub sub_compounds: Vec<String>,
    pub buildings: Vec<Building>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Building {
    /// "1栋"; unique within the compound.
    pub name: String,
    /// Index into the compound's `sub_compounds`.
    pub sub_compound: Option<usize>,
    pub floors: i32,
    pub units: Vec<Unit>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// "1单元"; unique within the building.
    pub name: String,
    pub households: Vec<Household>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Household {
    pub floor: i32,
    /// "501": unique within the unit, ASCII digits only.
    pub room: String,
    /// Exclusive area in hundredths of m², 45–140 m².
    pub area_centi: i64,
    pub area_source: AreaSource,
    /// At least one; shares sum to exactly 10,000 basis points.
    pub owners: Vec<Owner>,
    /// Index into `owners`.
    pub designated_voter: usize,
    /// Present and past residents; empty when nobody lives there.
    pub residents: Vec<Resident>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    /// Index into `World::persons`.
    pub person: usize,
    pub share_bp: i32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resident {
    /// Index into `World::persons`.
    pub person: usize,
    pub kind: ResidentKind,
    /// (year, month, day).
    pub moved_in: (i32, u8, u8),
    pub moved_out: Option<(i32, u8, u8)>,
}

const SEED: u64 = 0x6C69_6E6C_6920_6465; // "linli de"

/// How many households the Suining-scale city's compounds hold.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Density {
    /// About 42 households a compound: the whole city (90,000 households) loads in seconds,
    /// which is what a first look with `serve --demo` and the tests need.
    #[default]
    Sample,
    /// About 150 households a compound, as in the prefecture's own figures: 300,000
    /// households at scale 1, 3 million at scale 10, for measuring a province.
    Real,
}

/// The demo world. `scale` ≥ 1 multiplies the Suining-scale city: `scale` copies of its
/// 2,067 compounds, the copies' community and compound names suffixed "·2", "·3", ...
/// A `scale` of 0 is taken as 1. The featured compounds are the same at every density.
pub fn generate(scale: u32, density: Density) -> World {
    let mut b = Builder::new(SEED);
    let cities = vec![
        featured::deyang(&mut b),
        featured::xiangtan(&mut b),
        featured::shanghai(&mut b),
        suining::city(&mut b, scale.max(1), density),
    ];
    World {
        persons: b.persons,
        cities,
    }
}

/// The three featured compounds of the articles without the Suining-scale city: a small,
/// realistic world for tests (about 3,800 households).
pub fn featured() -> World {
    let mut b = Builder::new(SEED);
    let cities = vec![
        featured::deyang(&mut b),
        featured::xiangtan(&mut b),
        featured::shanghai(&mut b),
    ];
    World {
        persons: b.persons,
        cities,
    }
}

impl World {
    /// Every compound, city by city in hierarchy order.
    pub fn compounds(&self) -> impl Iterator<Item = &Compound> {
        self.cities
            .iter()
            .flat_map(|c| &c.districts)
            .flat_map(|d| &d.subdistricts)
            .flat_map(|s| &s.communities)
            .flat_map(|c| &c.compounds)
    }

    pub fn count_compounds(&self) -> usize {
        self.compounds().count()
    }

    pub fn count_units(&self) -> usize {
        self.compounds().map(Compound::count_units).sum()
    }

    pub fn count_households(&self) -> usize {
        self.compounds().map(Compound::count_households).sum()
    }
}

impl Compound {
    pub fn count_units(&self) -> usize {
        self.buildings.iter().map(|b| b.units.len()).sum()
    }

    pub fn count_households(&self) -> usize {
        self.buildings
            .iter()
            .flat_map(|b| &b.units)
            .map(|u| u.households.len())
            .sum()
    }
}

#[cfg(test)]
mod tests;
