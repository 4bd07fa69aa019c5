//! People: owners, co-owners, family, tenants and the households they own or live in.

use crate::names::{Gender, Names, phone};
use crate::rng::{Day, Rng, TODAY, YEAR, day, ymd};
use crate::{AreaSource, Household, Owner, Person, Resident, ResidentKind, Unit};

/// How the households of one compound look: sizes, ages, how many are let or empty.
pub(crate) struct Profile {
    /// Exclusive area in hundredths of m², inclusive.
    pub area: (i64, i64),
    /// Birth years of most owners, and of the younger ones who bought later.
    pub owner_birth: (i32, i32),
    pub young_owner_birth: (i32, i32),
    pub young_owner: u32,
    /// Owners who moved in when the compound was finished (per mille).
    pub original_owner: u32,
    /// Households with nobody living there (per mille).
    pub empty: u32,
    /// Households let to tenants (per mille).
    pub rented: u32,
    pub spouse: u32,
    pub child: u32,
    /// An elderly parent of the owner living with them.
    pub parent: u32,
    /// At most this many tenants share a let household.
    pub max_tenants: u32,
}

/// Per mille of households with two co-owners (5000/5000 bp) and with three heirs.
const TWO_OWNERS: u64 = 50;
const THREE_HEIRS: u64 = 5;
/// Per mille of sole-owned households whose owner already owns another one in the city.
const SECOND_HOME: u32 = 32;
/// Per mille of occupied households where someone moved out before the present occupants.
const HISTORY: u32 = 150;

pub(crate) struct Builder {
    pub rng: Rng,
    pub persons: Vec<Person>,
    names: Names,
    phones: u64,
    /// Kept beside `persons` only to give spouses fitting names.
    genders: Vec<Gender>,
    /// Sole owners of exactly one household in the current city: candidates for a second one.
    one_home: Vec<usize>,
}

enum Occupancy {
    Empty,
    Rented,
    OwnerLives,
    FamilyOnly,
}

impl Builder {
    pub(crate) fn new(seed: u64) -> Builder {
        Builder {
            rng: Rng::new(seed),
            persons: Vec::new(),
            names: Names::new(),
            phones: 0,
            genders: Vec::new(),
            one_home: Vec::new(),
        }
    }

    /// Nobody owns homes in two cities in the demo.
    pub(crate) fn new_city(&mut self) {
        self.one_home.clear();
    }

    fn person(
        &mut self,
        surname: Option<&str>,
        birth_year: i32,
        gender: Gender,
        has_phone: bool,
    ) -> usize {
        let surname = match surname {
            Some(s) => s,
            None => self.names.surname(&mut self.rng),
        };
        let given = Names::given(&mut self.rng, birth_year, gender);
        let phone = has_phone.then(|| {
            self.phones += 1;
            phone(self.phones)
        });
        self.persons.push(Person {
            name: format!("{surname}{given}"),
            phone,
            birth_year,
        });
        self.genders.push(gender);
        self.persons.len() - 1
    }

    fn surname_of(&self, person: usize) -> String {
        self.persons
            .get(person)
            .and_then(|p| p.name.chars().next())
            .map(String::from)
            .unwrap_or_default()
    }

    fn spouse_gender(&self, person: usize) -> Gender {
        self.genders
            .get(person)
            .map_or(Gender::Female, |g| g.other())
    }

    fn birth_of(&self, person: usize) -> i32 {
        self.persons.get(person).map_or(1960, |p| p.birth_year)
    }

    fn owner_birth(&mut self, p: &Profile) -> i32 {
        let (lo, hi) = if self.rng.permille(p.young_owner) {
            p.young_owner_birth
        } else {
            p.owner_birth
        };
        self.rng.range(lo, hi)
    }

    /// Owners over 85 more often have no mobile phone.
    fn adult_has_phone(&mut self, birth_year: i32) -> bool {
        if birth_year < 1940 {
            self.rng.permille(700)
        } else {
            self.rng.permille(985)
        }
    }

    fn new_owner(&mut self, p: &Profile) -> usize {
        let birth = self.owner_birth(p);
        let g = Gender::random(&mut self.rng);
        let phone = self.adult_has_phone(birth);
        self.person(None, birth, g, phone)
    }

    fn owners(&mut self, p: &Profile) -> (Vec<Owner>, usize, bool) {
        let roll = self.rng.below(1000);
        if roll < THREE_HEIRS {
            // Siblings who inherited a parent's flat.
            let birth = self.rng.range(p.owner_birth.1.min(1975) - 5, 1985);
            let first = self.new_owner(p);
            let surname = self.surname_of(first);
            let mut owners = vec![Owner {
                person: first,
                share_bp: 3334,
            }];
            for _ in 0..2 {
                let b = birth + self.rng.range(-4, 4);
                let g = Gender::random(&mut self.rng);
                let id = self.person(Some(&surname), b, g, true);
                owners.push(Owner {
                    person: id,
                    share_bp: 3333,
                });
            }
            let voter = self.rng.index(3);
            return (owners, voter, false);
        }
        if roll < THREE_HEIRS + TWO_OWNERS {
            // A married couple, both on the certificate.
            let first = self.new_owner(p);
            let birth = self.birth_of(first) + self.rng.range(-3, 3);
            let g = self.spouse_gender(first);
            let phone = self.adult_has_phone(birth);
            let second = self.person(None, birth, g, phone);
            let voter = self.rng.index(2);
            return (
                vec![
                    Owner {
                        person: first,
                        share_bp: 5000,
                    },
                    Owner {
                        person: second,
                        share_bp: 5000,
                    },
                ],
                voter,
                false,
            );
        }
        if !self.one_home.is_empty() && self.rng.permille(SECOND_HOME) {
            let i = self.rng.index(self.one_home.len());
            let id = self.one_home.swap_remove(i);
            return (
                vec![Owner {
                    person: id,
                    share_bp: 10_000,
                }],
                0,
                true,
            );
        }
        let id = self.new_owner(p);
        self.one_home.push(id);
        (
            vec![Owner {
                person: id,
                share_bp: 10_000,
            }],
            0,
            false,
        )
    }

    fn resident(
        person: usize,
        kind: ResidentKind,
        moved_in: Day,
        moved_out: Option<Day>,
    ) -> Resident {
        Resident {
            person,
            kind,
            moved_in: ymd(moved_in.min(TODAY)),
            moved_out: moved_out.map(|d| ymd(d.min(TODAY))),
        }
    }

    fn day_between(&mut self, lo: Day, hi: Day) -> Day {
        let hi = hi.min(TODAY);
        let lo = lo.min(hi);
        self.rng.range(lo, hi)
    }

    /// A tenant who lived here before and left shortly before `next` moved in, if there was room.
    fn former_tenant(&mut self, built: Day, next: Day) -> Option<Resident> {
        let out = next - self.rng.range(5, 90);
        let inn = (out - self.rng.range(150, 1_800)).max(built + 28);
        if inn + 60 > out {
            return None;
        }
        let birth = self.rng.range(1955, (ymd(inn).0 - 20).min(2000));
        let g = Gender::random(&mut self.rng);
        let id = self.person(None, birth, g, true);
        Some(Builder::resident(id, ResidentKind::Tenant, inn, Some(out)))
    }

    pub(crate) fn household(
        &mut self,
        p: &Profile,
        year_built: i32,
        floor: i32,
        room: String,
        area: i64,
    ) -> Household {
        let area_source = match self.rng.below(100) {
            0..=84 => AreaSource::Registered,
            85..=94 => AreaSource::Surveyed,
            _ => AreaSource::Contract,
        };
        // A survey rarely lands exactly on the registered figure.
        let area_centi = match area_source {
            AreaSource::Surveyed => (area + self.rng.range_i64(-120, 120)).max(p.area.0),
            _ => area,
        };
        let (owners, designated_voter, second_home) = self.owners(p);
        let occupancy = if second_home {
            match self.rng.below(10) {
                0..=4 => Occupancy::Rented,
                5..=7 => Occupancy::Empty,
                _ => Occupancy::FamilyOnly,
            }
        } else {
            let r = self.rng.below(1000) as u32;
            if r < p.empty {
                Occupancy::Empty
            } else if r < p.empty + p.rented {
                Occupancy::Rented
            } else {
                Occupancy::OwnerLives
            }
        };
        let residents = self.residents(p, year_built, &owners, occupancy);
        Household {
            floor,
            room,
            area_centi,
            area_source,
            owners,
            designated_voter,
            residents,
        }
    }

    fn residents(
        &mut self,
        p: &Profile,
        year_built: i32,
        owners: &[Owner],
        occupancy: Occupancy,
    ) -> Vec<Resident> {
        let built = day(year_built, 6, 1);
        let first_owner = owners.first().map_or(0, |o| o.person);
        let owner_birth = self.birth_of(first_owner);
        let mut out = Vec::new();
        match occupancy {
            Occupancy::Empty => {}
            Occupancy::Rented => {
                let moved_in = self.day_between((built + YEAR).max(day(2012, 1, 1)), TODAY);
                if self.rng.permille(HISTORY)
                    && let Some(former) = self.former_tenant(built, moved_in)
                {
                    out.push(former);
                }
                let n = 1 + self.rng.below(u64::from(p.max_tenants.max(1))) as u32;
                for _ in 0..n {
                    let birth = self.rng.range(1962, 2002);
                    let g = Gender::random(&mut self.rng);
                    let id = self.person(None, birth, g, true);
                    let d = moved_in + self.rng.range(0, 3) * self.rng.range(0, 60);
                    out.push(Builder::resident(id, ResidentKind::Tenant, d, None));
                }
            }
            Occupancy::FamilyOnly => {
                // The owner lives elsewhere; their parents or a grown child live here.
                let moved_in = self.day_between(built + YEAR, TODAY);
                let n = 1 + self.rng.below(2);
                let surname = self.surname_of(first_owner);
                for _ in 0..n {
                    let birth = if owner_birth > 1968 {
                        owner_birth - self.rng.range(24, 32)
                    } else {
                        (owner_birth + self.rng.range(24, 32)).min(2003)
                    };
                    let g = Gender::random(&mut self.rng);
                    let phone = self.adult_has_phone(birth);
                    let id = self.person(Some(&surname), birth, g, phone);
                    out.push(Builder::resident(id, ResidentKind::Family, moved_in, None));
                }
            }
            Occupancy::OwnerLives => {
                let adult = day(owner_birth + 22, 1, 1);
                let original = self.rng.permille(p.original_owner) && adult <= built + YEAR;
                let moved_in = if original {
                    self.day_between(built.max(adult), built + YEAR)
                } else {
                    self.day_between((built + YEAR).max(adult), TODAY)
                };
                if !original
                    && moved_in - built >= 2 * YEAR
                    && self.rng.permille(HISTORY)
                    && let Some(former) = self.former_tenant(built, moved_in)
                {
                    out.push(former);
                }
                let living_owners = if owners.len() == 3 { 1 } else { owners.len() };
                for o in owners.iter().take(living_owners) {
                    out.push(Builder::resident(
                        o.person,
                        ResidentKind::Owner,
                        moved_in,
                        None,
                    ));
                }
                let surname = self.surname_of(first_owner);
                if owners.len() == 1 && self.rng.permille(p.spouse) {
                    let birth = owner_birth + self.rng.range(-4, 4);
                    let phone = self.adult_has_phone(birth);
                    let g = self.spouse_gender(first_owner);
                    let id = self.person(None, birth, g, phone);
                    out.push(Builder::resident(id, ResidentKind::Family, moved_in, None));
                }
                if self.rng.permille(p.child) {
                    let n = if self.rng.permille(180) { 2 } else { 1 };
                    for _ in 0..n {
                        let birth = (owner_birth + self.rng.range(23, 34)).min(2022);
                        let g = Gender::random(&mut self.rng);
                        let phone = birth <= 2008 && self.rng.permille(950);
                        let id = self.person(Some(&surname), birth, g, phone);
                        let since = moved_in.max(day(birth, 1, 1) + self.rng.range(0, YEAR - 1));
                        out.push(Builder::resident(id, ResidentKind::Family, since, None));
                    }
                }
                if owner_birth >= 1955 && self.rng.permille(p.parent) {
                    let birth = owner_birth - self.rng.range(24, 30);
                    let phone = self.adult_has_phone(birth);
                    let g = Gender::random(&mut self.rng);
                    let id = self.person(Some(&surname), birth, g, phone);
                    let since = self.day_between(moved_in, TODAY);
                    out.push(Builder::resident(id, ResidentKind::Family, since, None));
                }
            }
        }
        out
    }

    /// The household of someone the article tells of, who bought when the compound was new
    /// and still lives there alone.
    pub(crate) fn known_owner(
        &mut self,
        floor: i32,
        room: String,
        area_centi: i64,
        surname: &str,
        birth_year: i32,
        moved_in: (i32, u8, u8),
    ) -> Household {
        let id = self.person(Some(surname), birth_year, Gender::Male, true);
        self.one_home.push(id);
        let (y, m, d) = moved_in;
        Household {
            floor,
            room,
            area_centi,
            area_source: AreaSource::Registered,
            owners: vec![Owner {
                person: id,
                share_bp: 10_000,
            }],
            designated_voter: 0,
            residents: vec![Builder::resident(
                id,
                ResidentKind::Owner,
                day(y, m, d),
                None,
            )],
        }
    }

    /// One unit: `per_floor[i]` households on floor `i + 1`, rooms "101", "102", ...; rooms
    /// stacked above each other share a floor plan and so an area.
    pub(crate) fn unit(
        &mut self,
        p: &Profile,
        year_built: i32,
        name: String,
        per_floor: &[u32],
    ) -> Unit {
        let widest = per_floor.iter().copied().max().unwrap_or(0) as usize;
        let plans: Vec<i64> = (0..widest)
            .map(|_| self.rng.range_i64(p.area.0, p.area.1))
            .collect();
        let mut households = Vec::with_capacity(per_floor.iter().sum::<u32>() as usize);
        for (i, &n) in per_floor.iter().enumerate() {
            let floor = i as i32 + 1;
            for (j, &area) in plans.iter().enumerate().take(n as usize) {
                households.push(self.household(
                    p,
                    year_built,
                    floor,
                    format!("{floor}{:02}", j + 1),
                    area,
                ));
            }
        }
        Unit { name, households }
    }
}
