use super::*;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| generate(1, Density::Sample))
}

type Outcome = Result<(), String>;

fn compound<'a>(w: &'a World, name: &str) -> Result<&'a Compound, String> {
    w.compounds()
        .find(|c| c.name == name)
        .ok_or(format!("no compound {name}"))
}

fn city<'a>(w: &'a World, name: &str) -> Result<&'a City, String> {
    w.cities
        .iter()
        .find(|c| c.name == name)
        .ok_or(format!("no city {name}"))
}

fn city_compounds(c: &City) -> impl Iterator<Item = &Compound> {
    c.districts
        .iter()
        .flat_map(|d| &d.subdistricts)
        .flat_map(|s| &s.communities)
        .flat_map(|c| &c.compounds)
}

fn households(w: &World) -> impl Iterator<Item = &Household> {
    w.compounds()
        .flat_map(|c| &c.buildings)
        .flat_map(|b| &b.units)
        .flat_map(|u| &u.households)
}

fn modes(c: &City) -> [usize; 4] {
    let mut n = [0; 4];
    for c in city_compounds(c) {
        let i = ManagementMode::ALL
            .iter()
            .position(|m| *m == c.management_mode)
            .unwrap_or(3);
        n[i] += 1;
    }
    n
}

#[test]
fn ganquan_has_six_sub_compounds_144_units_3250_households() -> Outcome {
    let g = compound(world(), "甘泉苑")?;
    assert_eq!(g.sub_compounds.len(), 6);
    assert_eq!(g.count_units(), 144);
    assert_eq!(g.count_households(), 3_250);
    assert!(g.buildings.iter().all(|b| b.sub_compound.is_some()));
    let used: HashSet<usize> = g.buildings.iter().filter_map(|b| b.sub_compound).collect();
    assert_eq!(used, (0..6).collect());
    Ok(())
}

#[test]
fn wenjiang_has_20_units_and_grandpa_sun_on_the_sixth_floor_of_unit_seven() -> Outcome {
    let w = world();
    let c = compound(w, "纹江花园")?;
    assert_eq!(c.count_units(), 20);
    assert_eq!(c.count_households(), 240);
    assert!(c.six_have.complete());
    assert!(!c.three_no);
    let unit7 = c
        .buildings
        .iter()
        .flat_map(|b| &b.units)
        .find(|u| u.name == "7单元")
        .ok_or("no unit 7")?;
    let sun = unit7
        .households
        .iter()
        .find(|h| h.floor == 6)
        .ok_or("no sixth floor")?;
    assert!(w.persons[sun.owners[0].person].name.starts_with('孙'));
    // Mostly older residents.
    let owners: Vec<i32> = c
        .buildings
        .iter()
        .flat_map(|b| &b.units)
        .flat_map(|u| &u.households)
        .map(|h| w.persons[h.owners[0].person].birth_year)
        .collect();
    let old = owners.iter().filter(|&&y| y <= 1965).count();
    assert!(old * 10 > owners.len() * 7, "{old} of {}", owners.len());
    Ok(())
}

#[test]
fn suining_has_2067_compounds_with_the_articles_modes() -> Outcome {
    let s = city(world(), "遂宁市")?;
    assert_eq!(city_compounds(s).count(), 2_067);
    assert_eq!(modes(s), [57, 1_436, 574, 0]);
    for n in ["美邻苑", "利民家园", "家嘉商住楼", "集资楼"] {
        compound(world(), n)?;
    }
    for d in ["船山区", "安居区", "射洪市", "蓬溪县", "大英县"] {
        assert!(s.districts.iter().any(|x| x.name == d), "{d}");
    }
    for c in s
        .districts
        .iter()
        .flat_map(|d| &d.subdistricts)
        .flat_map(|s| &s.communities)
    {
        assert!(
            (10..=30).contains(&c.compounds.len()),
            "{} has {}",
            c.name,
            c.compounds.len()
        );
    }
    Ok(())
}

#[test]
fn suining_compounds_hold_about_150_households_from_one_building_to_twenty_four() -> Outcome {
    let w = generate(1, Density::Real);
    let s = city(&w, "遂宁市")?;
    let sizes: Vec<usize> = city_compounds(s).map(Compound::count_households).collect();
    let total: usize = sizes.iter().sum();
    // Real density: about 150 households a compound, so scale 10 is about 3 million.
    assert!(
        (140..=160).contains(&(total / sizes.len())),
        "{total} households in {} compounds",
        sizes.len()
    );
    let buildings: Vec<usize> = city_compounds(s).map(|c| c.buildings.len()).collect();
    assert_eq!(buildings.iter().min(), Some(&1));
    assert_eq!(buildings.iter().max(), Some(&24));
    // A lone building of 8 flats is the smallest; no compound is empty.
    assert!(sizes.iter().all(|&n| n >= 8), "{:?}", sizes.iter().min());
    check_invariants(&w);
    // The sample keeps the same city, compound for compound, at about 42 households each.
    let sample = city(world(), "遂宁市")?;
    assert_eq!(city_compounds(sample).count(), sizes.len());
    let sample_total: usize = city_compounds(sample).map(Compound::count_households).sum();
    assert!(
        (35..=50).contains(&(sample_total / sizes.len())),
        "{sample_total} households in the sample"
    );
    Ok(())
}

#[test]
fn scale_two_doubles_suining() -> Outcome {
    let w = generate(2, Density::Sample);
    let s = city(&w, "遂宁市")?;
    assert_eq!(city_compounds(s).count(), 4_134);
    assert_eq!(modes(s), [114, 2_872, 1_148, 0]);
    assert_eq!(compound(&w, "甘泉苑")?.count_households(), 3_250);
    compound(&w, "美邻苑·2")?;
    check_invariants(&w);
    Ok(())
}

#[test]
fn generation_is_deterministic() {
    let again = generate(1, Density::Sample);
    assert_eq!(&again, world());
}

#[test]
fn invariants_hold() {
    check_invariants(world());
}

fn check_invariants(w: &World) {
    let persons = w.persons.len();
    let mut phones = HashSet::new();
    for p in &w.persons {
        if let Some(ph) = &p.phone {
            assert_eq!(ph.len(), 11, "{ph}");
            assert!(
                ph.starts_with('1') && ph.bytes().all(|b| b.is_ascii_digit()),
                "{ph}"
            );
            assert!(phones.insert(ph.clone()), "duplicate phone {ph}");
        }
        assert!(!p.name.is_empty());
        assert!((1920..=2024).contains(&p.birth_year), "{p:?}");
    }
    let mut names = HashSet::new();
    for c in w.compounds() {
        assert!(
            names.insert(c.name.clone()),
            "duplicate compound {}",
            c.name
        );
        let mut buildings = HashSet::new();
        for b in &c.buildings {
            assert!(buildings.insert(&b.name), "{} {}", c.name, b.name);
            if let Some(s) = b.sub_compound {
                assert!(s < c.sub_compounds.len());
            }
            let mut units = HashSet::new();
            for u in &b.units {
                assert!(units.insert(&u.name), "{} {} {}", c.name, b.name, u.name);
                let mut rooms = HashSet::new();
                for h in &u.households {
                    assert!(
                        rooms.insert(&h.room),
                        "{} {} {} {}",
                        c.name,
                        b.name,
                        u.name,
                        h.room
                    );
                    assert!(
                        h.room.len() <= 16
                            && h.room
                                .bytes()
                                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                    );
                    assert!((1..=b.floors).contains(&h.floor));
                }
            }
        }
    }
    for h in households(w) {
        assert!((4_500..=14_000).contains(&h.area_centi), "{}", h.area_centi);
        assert!(!h.owners.is_empty());
        assert_eq!(h.owners.iter().map(|o| o.share_bp).sum::<i32>(), 10_000);
        assert!(h.designated_voter < h.owners.len());
        let distinct: HashSet<usize> = h.owners.iter().map(|o| o.person).collect();
        assert_eq!(distinct.len(), h.owners.len());
        for o in &h.owners {
            assert!(o.person < persons);
        }
        for r in &h.residents {
            assert!(r.person < persons);
            let (_, m, d) = r.moved_in;
            assert!((1..=12).contains(&m) && (1..=28).contains(&d));
            assert!(r.moved_in <= (2024, 6, 28));
            if let Some(out) = r.moved_out {
                assert!(out > r.moved_in && out <= (2024, 6, 28));
            }
            if r.kind == ResidentKind::Owner {
                assert!(h.owners.iter().any(|o| o.person == r.person));
            }
        }
    }
}

#[test]
fn some_persons_own_two_households() {
    let w = world();
    let mut owned: HashMap<usize, usize> = HashMap::new();
    for h in households(w) {
        for o in &h.owners {
            *owned.entry(o.person).or_default() += 1;
        }
    }
    let two = owned.values().filter(|&&n| n == 2).count();
    assert!(two > 0);
    assert!(owned.values().all(|&n| n <= 2));
}

#[test]
fn mix_of_households() -> Outcome {
    let w = world();
    let hs: Vec<&Household> = households(w).collect();
    let n = hs.len();
    let co = hs.iter().filter(|h| h.owners.len() == 2).count();
    let tenant = hs
        .iter()
        .filter(|h| {
            h.residents
                .iter()
                .any(|r| r.kind == ResidentKind::Tenant && r.moved_out.is_none())
        })
        .count();
    let empty = hs.iter().filter(|h| h.residents.is_empty()).count();
    let residents: usize = hs.iter().map(|h| h.residents.len()).sum();
    let past = hs
        .iter()
        .flat_map(|h| &h.residents)
        .filter(|r| r.moved_out.is_some())
        .count();
    let mut owned: HashMap<usize, usize> = HashMap::new();
    for h in &hs {
        for o in &h.owners {
            *owned.entry(o.person).or_default() += 1;
        }
    }
    let two = owned.values().filter(|&&n| n == 2).count();
    let pct = |a: usize, b: usize| a as f64 * 100.0 / b as f64;
    println!(
        "households {n}, persons {}, owners {}, co-owned {:.1}%, with tenant {:.1}%, empty {:.1}%, residents {residents}, \
         moved out {:.1}% of residents, owning two {:.1}% of owners / {:.1}% of persons",
        w.persons.len(),
        owned.len(),
        pct(co, n),
        pct(tenant, n),
        pct(empty, n),
        pct(past, residents),
        pct(two, owned.len()),
        pct(two, w.persons.len()),
    );
    let g = compound(w, "甘泉苑")?;
    let g_res: usize = g
        .buildings
        .iter()
        .flat_map(|b| &b.units)
        .flat_map(|u| &u.households)
        .map(|h| h.residents.iter().filter(|r| r.moved_out.is_none()).count())
        .sum();
    println!("甘泉苑 current residents {g_res}");
    assert!((3..=8).contains(&(co * 100 / n)));
    assert!((6..=14).contains(&(tenant * 100 / n)));
    assert!((5..=11).contains(&(empty * 100 / n)));
    Ok(())
}

#[test]
fn timing() {
    let t = std::time::Instant::now();
    let w = generate(1, Density::Sample);
    println!(
        "generate(1, Sample): {:?} for {} compounds, {} units, {} households, {} persons",
        t.elapsed(),
        w.count_compounds(),
        w.count_units(),
        w.count_households(),
        w.persons.len()
    );
}

#[test]
fn few_names_need_a_number() {
    let numbered = |name: &str| {
        name.strip_suffix('区')
            .is_some_and(|n| n.ends_with(|ch: char| ch.is_ascii_digit()))
    };
    let n = world().compounds().filter(|c| numbered(&c.name)).count();
    println!("compound names with a fallback number: {n}");
    assert!(n < 100, "{n}");
}
