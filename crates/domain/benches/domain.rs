//! Criterion benchmarks of the domain's hot paths: parsing areas, authorization checks, the
//! audit hash chain (verify-audit walks every record), and a compound-wide vote of 甘泉苑
//! (3,250 households): freezing its electorate and tallying ~2,500 ballots.

use criterion::{Criterion, criterion_group, criterion_main};
use linli_domain::Area;
use linli_domain::audit::{AuditContent, ChainVerifier, GENESIS, link_hash};
use linli_domain::authz::{Action, Grant, Role, allowed};
use linli_domain::decision::{Choice, ElectorHousehold, Electorate, Preset, TallyContext, VoterKey, tally};
use linli_domain::place::{Node, NodeKind, Path};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    c.bench_function("area_parse", |b| b.iter(|| Area::parse(black_box("89.50㎡"))));

    let path = Path::new(
        NodeKind::ALL.iter().enumerate().map(|(i, k)| Node::new(*k, i as i64 + 1)).collect(),
    );
    let grants: Vec<Grant> = (0..5)
        .map(|i| Grant { role: Role::BuildingHead, at: Path::new(vec![Node::new(NodeKind::Building, 100 + i)]) })
        .chain([Grant { role: Role::CommunityWorker, at: Path::new(path.nodes()[..4].to_vec()) }])
        .collect();
    c.bench_function("authorize", |b| b.iter(|| allowed(black_box(&grants), Action::EditHousehold, black_box(&path))));

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
            let owners = if id % 7 == 0 { vec![owner, 10_000 + id] } else { vec![owner] };
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
    let Ok(electorate) = Electorate::build(households, &rule.headcount) else { return };
    let ballots: Vec<(VoterKey, Choice)> = electorate
        .voters()
        .iter()
        .take(2_500)
        .enumerate()
        .map(|(i, v)| (v.key, [Choice::Yes, Choice::Yes, Choice::Yes, Choice::No, Choice::Abstain][i % 5]))
        .collect();
    let ctx = TallyContext::default();
    c.bench_function("tally_3250_households_2500_ballots", |b| {
        b.iter(|| tally(black_box(&electorate), &rule, black_box(&ballots).iter().copied(), &ctx))
    });
}

criterion_group!(benches, bench, bench_vote);
criterion_main!(benches);
