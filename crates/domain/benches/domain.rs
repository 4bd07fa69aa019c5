//! Criterion benchmarks of the domain's hot paths: parsing areas, authorization checks and
//! the audit hash chain (verify-audit walks every record).

use criterion::{Criterion, criterion_group, criterion_main};
use linli_domain::Area;
use linli_domain::audit::{AuditContent, ChainVerifier, GENESIS, link_hash};
use linli_domain::authz::{Action, Grant, Role, allowed};
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

criterion_group!(benches, bench);
criterion_main!(benches);
