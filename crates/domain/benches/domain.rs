//! Criterion benchmarks of the domain's hot paths: parsing areas, authorization checks, the
//! audit hash chain (verify-audit walks every record), and a compound-wide vote of 甘泉苑
//! (3,250 households): freezing its electorate and tallying ~2,500 ballots; one month of the
//! civility rating (group "rating") for the city-scale demo and for one compound; the share
//! tables of 甘泉苑's 34 elevator projects and a month of their running costs (group "elevators").

use criterion::{Criterion, criterion_group, criterion_main};
use linli_domain::audit::{AuditContent, ChainVerifier, GENESIS, link_hash};
use linli_domain::authz::{Action, Grant, Role, allowed};
use linli_domain::decision::{
    Choice, ElectorHousehold, Electorate, Preset, TallyContext, VoterKey, tally,
};
use linli_domain::elevator::{
    CoefficientTable, CostKind, HouseholdFloor, ShareMode, SplitMode, SubsidyPreset, apportion,
    split_month,
};
use linli_domain::place::{Node, NodeKind, Path};
use linli_domain::rating::{
    Mark, Party, PartySheet, Rubric, UnitMonth, nanguo_preset, rank, score_sheet, unit_month,
};
use linli_domain::{Area, Fen};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    c.bench_function("area_parse", |b| {
        b.iter(|| Area::parse(black_box("89.50㎡")))
    });

    let path = Path::new(
        NodeKind::ALL
            .iter()
            .enumerate()
            .map(|(i, k)| Node::new(*k, i as i64 + 1))
            .collect(),
    );
    let grants: Vec<Grant> = (0..5)
        .map(|i| Grant {
            role: Role::BuildingHead,
            at: Path::new(vec![Node::new(NodeKind::Building, 100 + i)]),
        })
        .chain([Grant {
            role: Role::CommunityWorker,
            at: Path::new(path.nodes()[..4].to_vec()),
        }])
        .collect();
    c.bench_function("authorize", |b| {
        b.iter(|| allowed(black_box(&grants), Action::EditHousehold, black_box(&path)))
    });

    let records: Vec<(AuditContent<'static>, String, String)> = {
        let mut prev = GENESIS.to_string();
        (1..=1000)
            .map(|seq| {
                let content = AuditContent {
                    chain: 1,
                    seq,
                    at: "2026-11-23T10:00:00Z",
                    actor: Some(1),
                    action: "household.update",
                    entity: "household",
                    entity_id: seq,
                    before: r#"{"room":"501","area":8950}"#,
                    after: r#"{"room":"501","area":8960}"#,
                    state: "9a0b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809",
                };
                let h = link_hash(&prev, &content);
                let row = (content, prev.clone(), h.clone());
                prev = h;
                row
            })
            .collect()
    };
    c.bench_function("verify_chain_1000", |b| {
        b.iter(|| {
            let mut v = ChainVerifier::new(1);
            for (content, prev, hash) in &records {
                let _ = v.check(content, prev, hash);
            }
            v.verified()
        })
    });
}

/// 甘泉苑: 3,250 households of 60–120 m²; every 40th owner also owns the next flat, every 7th
/// flat has two co-owners, and every 250th flat is the developer's, unsold.
fn ganquanyuan() -> Vec<ElectorHousehold> {
    (1..=3_250i64)
        .map(|id| {
            let owner = if id % 40 == 1 { id - 1 } else { id };
            let owners = if id % 7 == 0 {
                vec![owner, 10_000 + id]
            } else {
                vec![owner]
            };
            ElectorHousehold {
                household_id: id,
                area_centi: 6_000 + (id * 7_919) % 6_000,
                owners,
                designated_voter: None,
                developer_unsold: id % 250 == 0,
            }
        })
        .collect()
}

fn bench_vote(c: &mut Criterion) {
    let households = ganquanyuan();
    let rule = Preset::CivilMajor.rule();
    c.bench_function("electorate_build_3250", |b| {
        b.iter(|| Electorate::build(black_box(households.clone()), &rule.headcount))
    });
    let Ok(electorate) = Electorate::build(households, &rule.headcount) else {
        return;
    };
    let ballots: Vec<(VoterKey, Choice)> = electorate
        .voters()
        .iter()
        .take(2_500)
        .enumerate()
        .map(|(i, v)| {
            (
                v.key,
                [
                    Choice::Yes,
                    Choice::Yes,
                    Choice::Yes,
                    Choice::No,
                    Choice::Abstain,
                ][i % 5],
            )
        })
        .collect();
    let ctx = TallyContext::default();
    c.bench_function("tally_3250_households_2500_ballots", |b| {
        b.iter(|| {
            tally(
                black_box(&electorate),
                &rule,
                black_box(&ballots).iter().copied(),
                &ctx,
            )
        })
    });
}

/// One month of the civility rating, deterministic: every unit gets four sheets (one per
/// party) with a few taps each, one unit in 97 has a veto. A month is computed as the month
/// page does it: each sheet scored, each unit's exact mean, the ranking per compound (20 units
/// each). Targets (issue 7): the city-scale demo (~8,000 units) < 1 s, one compound < 20 ms.
fn rating_month(units: i64, rubric: &Rubric) -> Vec<(i64, Vec<Vec<&str>>)> {
    let mut seed: u64 = 0x5eed_0007;
    let mut next = move |n: usize| -> usize {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((seed >> 33) as usize) % n.max(1)
    };
    (0..units)
        .map(|unit| {
            let sheets = (0..4)
                .map(|_| {
                    // Up to three taps, each in a different category, so no category exceeds its maximum.
                    let mut taps: Vec<&str> = Vec::new();
                    let mut used: Vec<usize> = Vec::new();
                    for _ in 0..next(4) {
                        let c = next(rubric.categories.len());
                        let cat = &rubric.categories[c];
                        if used.contains(&c) || cat.deductions.is_empty() {
                            continue;
                        }
                        let item = &cat.deductions[next(cat.deductions.len())];
                        if item.points <= cat.max {
                            used.push(c);
                            taps.push(item.code.as_str());
                        }
                    }
                    if unit % 97 == 0 && !rubric.vetoes.is_empty() {
                        taps.push(rubric.vetoes[0].code.as_str());
                    }
                    taps
                })
                .collect();
            (unit + 1, sheets)
        })
        .collect()
}

/// Scores and ranks a month's units, compound by compound.
fn rank_month(rubric: &Rubric, month: &[(i64, Vec<Vec<&str>>)], per_compound: usize) -> usize {
    let mut flags = 0;
    for compound in month.chunks(per_compound) {
        let units: Vec<UnitMonth> = compound
            .iter()
            .map(|(unit, sheets)| {
                let scored: Vec<PartySheet> = sheets
                    .iter()
                    .enumerate()
                    .filter_map(|(i, taps)| {
                        let marks: Vec<Mark<'_>> = taps.iter().map(|t| Mark { item: t }).collect();
                        score_sheet(rubric, &marks).ok().map(|s| PartySheet {
                            party: Party::ALL[i % 4],
                            score: s,
                            submitted_at: i as i64,
                        })
                    })
                    .collect();
                unit_month(*unit, rubric, &scored)
            })
            .collect();
        flags += rank(&units, &rubric.flags)
            .iter()
            .filter(|r| r.flag)
            .count();
    }
    flags
}

fn bench_rating(c: &mut Criterion) {
    let rubric = nanguo_preset();
    let city = rating_month(8_000, &rubric);
    let compound = rating_month(20, &rubric);
    let mut g = c.benchmark_group("rating");
    g.bench_function("rank_month_city_8000_units", |b| {
        b.iter(|| rank_month(&rubric, black_box(&city), 20))
    });
    g.bench_function("rank_month_compound_20_units", |b| {
        b.iter(|| rank_month(&rubric, black_box(&compound), 20))
    });
    g.bench_function("rank_only_city_8000_units_one_ranking", |b| {
        let units: Vec<UnitMonth> = city
            .iter()
            .map(|(unit, sheets)| {
                let scored: Vec<PartySheet> = sheets
                    .iter()
                    .enumerate()
                    .filter_map(|(i, taps)| {
                        let marks: Vec<Mark<'_>> = taps.iter().map(|t| Mark { item: t }).collect();
                        score_sheet(&rubric, &marks).ok().map(|s| PartySheet {
                            party: Party::ALL[i % 4],
                            score: s,
                            submitted_at: 0,
                        })
                    })
                    .collect();
                unit_month(*unit, &rubric, &scored)
            })
            .collect();
        b.iter(|| rank(black_box(&units), &rubric.flags))
    });
    g.finish();
}

/// 甘泉苑's 34 elevator projects (seed S3): units of 6 or 7 floors with 3–4 households a floor
/// (about 22, like the demo's 3,250 households in 144 units), costs of 420,000–480,000 yuan
/// less the Shanghai subsidy. Target (issue 6): apportion and render the bills of all 34 in
/// under 100 ms; the apportioning alone is measured here, the page in `scripts/bench --elevators`.
fn ganquanyuan_projects() -> Vec<(Fen, CoefficientTable, Vec<HouseholdFloor>)> {
    (0..34i64)
        .map(|i| {
            let floors = 6 + (i % 2) as i32;
            let per_floor = 3 + i % 2;
            let households: Vec<HouseholdFloor> = (1..=floors)
                .flat_map(|f| {
                    (0..per_floor).map(move |k| HouseholdFloor {
                        household_id: i * 1_000 + i64::from(f) * 10 + k,
                        floor: f,
                    })
                })
                .collect();
            let cost = Fen((420_000 + (i * 7_919) % 60_000) * 100);
            let subsidy = SubsidyPreset::Shanghai
                .amount(cost, Fen(0), Fen(0))
                .unwrap_or(Fen(0));
            (
                Fen(cost.0 - subsidy.0),
                CoefficientTable::preset_for_floors(floors),
                households,
            )
        })
        .collect()
}

fn bench_elevators(c: &mut Criterion) {
    let projects = ganquanyuan_projects();
    let mut g = c.benchmark_group("elevators");
    g.bench_function("apportion_34_projects", |b| {
        b.iter(|| {
            projects
                .iter()
                .map(|(due, table, hh)| {
                    apportion(*due, table, black_box(hh)).map_or(0, |l| l.len())
                })
                .sum::<usize>()
        })
    });
    g.bench_function("operation_month_34_projects_both_modes", |b| {
        b.iter(|| {
            let mut n = 0;
            for (_, table, hh) in &projects {
                for mode in SplitMode::ALL {
                    for (kind, amount) in [
                        (CostKind::Maintenance, Fen(41_666)),
                        (CostKind::Electricity, Fen(23_457)),
                    ] {
                        n += split_month(amount, mode, ShareMode::Floors, table, black_box(hh))
                            .map_or(0, |l| l.len())
                            + kind as usize;
                    }
                }
            }
            n
        })
    });
    g.finish();
}

criterion_group!(benches, bench, bench_vote, bench_rating, bench_elevators);
criterion_main!(benches);
