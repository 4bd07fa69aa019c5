//! The demo's standards data for 遂宁市 (seed 003): every compound assessed over four
//! quarters since the pilots of October 2023 (2023-Q4 … 2024-Q3), the latest assessment
//! agreeing with the compound's status; star ratings for part of the compounds that left
//! three-no; and 844 plans (一小区一策) whose items add up to the article's figures — 216 km
//! of pipes, 5,570 parking spaces, lighting in 505 compounds, smart access in 811.
//! Deterministic (a hash of the compound id), written in batches inside the demo's transaction.

use linli_domain::registry::{SixHave, SixHaveItem};
use linli_domain::standards::{
    Mark, RatingInput, RenovationKind, baoan_preset, derive, suining_template,
};
use linli_store::entity::{compound, compound_plan, plan_item, region};
use linli_store::standards::assessments::{StoredMark, assessment_row, marks_json};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use std::collections::BTreeMap;

const PERIODS: [&str; 4] = ["2023-Q4", "2024-Q1", "2024-Q2", "2024-Q3"];
/// 2024-09-20, the day of the article: when the demo's latest assessments were made.
const ASSESSED_AT: i64 = 1_726_790_400;
const PLANS: usize = 844;
const PIPES_M: i64 = 216_000;
const PARKING: i64 = 5_570;
const LIGHTING: usize = 505;
const SMART_ACCESS: usize = 811;

/// splitmix64: a well-mixed number from a seed, the same on every machine.
fn mix(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A number in `0..n` for (compound, purpose).
fn roll(id: i64, purpose: u64, n: u64) -> u64 {
    mix((id as u64).wrapping_mul(1_000_003) ^ purpose.wrapping_mul(0x51_7CC1_B727_220A)) % n.max(1)
}

async fn flush<A, C>(txn: &C, rows: &mut Vec<A>) -> anyhow::Result<()>
where
    A: ActiveModelTrait + Send,
    C: ConnectionTrait,
{
    while !rows.is_empty() {
        let rest = rows.split_off(rows.len().min(500));
        let batch = std::mem::replace(rows, rest);
        <A::Entity as EntityTrait>::insert_many(batch)
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

/// Marks whose derivation is exactly (`three_no`, `six`): every item present has all its
/// standards met, every item absent one standard short, the basics as the status needs.
fn marks_for(id: i64, period: u64, three_no: bool, six: SixHave) -> BTreeMap<String, Mark> {
    let t = suining_template();
    let mut marks = BTreeMap::new();
    for s in &t.standards {
        let chance = if three_no { 25 } else { 55 + 10 * period };
        let mark = match roll(
            id,
            100 + period * 50
                + s.code.len() as u64
                + u64::from(s.code.as_bytes()[0]) * 7
                + u64::from(s.code.as_bytes()[1]),
            100,
        ) {
            r if r < chance => Mark::Met,
            r if r < chance + 20 => Mark::Partly,
            _ => Mark::NotMet,
        };
        marks.insert(s.code.clone(), mark);
    }
    for item in SixHaveItem::ALL {
        let deciding: Vec<&str> = t.deciding(item).map(|s| s.code.as_str()).collect();
        if six.has(item) {
            for c in &deciding {
                marks.insert((*c).to_string(), Mark::Met);
            }
        } else if let Some(c) =
            deciding.get(roll(id, 7 + item as u64, deciding.len() as u64) as usize)
        {
            // One short: a three-no compound's basics stay unmet too.
            if marks.get(*c) == Some(&Mark::Met)
                || deciding.iter().all(|d| marks.get(*d) == Some(&Mark::Met))
            {
                marks.insert(
                    (*c).to_string(),
                    if roll(id, 9, 2) == 0 {
                        Mark::Partly
                    } else {
                        Mark::NotMet
                    },
                );
            }
        }
    }
    for s in &t.standards {
        if s.basic.is_some() && three_no {
            marks.insert(s.code.clone(), Mark::NotMet);
        }
    }
    if !three_no
        && !t
            .standards
            .iter()
            .any(|s| s.basic.is_some() && marks.get(&s.code) == Some(&Mark::Met))
    {
        // Out of three-no: the party organisation is set up (A1 shows a supervisor and decides no item).
        marks.insert("A1".into(), Mark::Met);
    }
    marks
}

/// Seeds the standards of 遂宁市, if the world has it. Returns the number of assessments.
pub(crate) async fn seed_demo_standards<C: ConnectionTrait>(txn: &C) -> anyhow::Result<usize> {
    let Some(city) = region::Entity::find()
        .filter(region::Column::Kind.eq("city"))
        .filter(region::Column::Name.eq("遂宁市"))
        .one(txn)
        .await?
    else {
        return Ok(0);
    };
    let compounds = compound::Entity::find()
        .filter(compound::Column::CityId.eq(city.id))
        .order_by_asc(compound::Column::Id)
        .all(txn)
        .await?;
    let backend = txn.get_database_backend();
    let counts: BTreeMap<i64, i64> = txn
        .query_all_raw(sea_orm::Statement::from_string(
            backend,
            format!("SELECT h.compound_id, COUNT(*) FROM household h JOIN compound c ON c.id = h.compound_id WHERE c.city_id = {} GROUP BY h.compound_id", city.id),
        ))
        .await?
        .iter()
        .filter_map(|r| Some((r.try_get_by_index::<i64>(0).ok()?, r.try_get_by_index::<i64>(1).ok()?)))
        .collect();
    let checklist = suining_template();
    let scheme = baoan_preset();
    let mut assessments = Vec::new();
    let mut ratings = Vec::new();
    let mut made = 0;
    for c in &compounds {
        let now_six = SixHave::from_mask(c.six_have);
        // The quarter it left three-no (0 = before the first assessment); still three-no: never.
        let left = if c.three_no { 4 } else { roll(c.id, 1, 4) };
        for (p, period) in PERIODS.iter().enumerate() {
            let p = p as u64;
            let (three_no, six) = if p < left && !c.three_no {
                let keep = [
                    SixHaveItem::SelfGovernanceBody,
                    SixHaveItem::CleanEnvironment,
                    SixHaveItem::NeighbourlyConduct,
                ];
                (
                    true,
                    SixHave::from_items(
                        keep.into_iter()
                            .filter(|i| now_six.has(*i) && roll(c.id, 20 + p, 3) > 0),
                    ),
                )
            } else if p < 3 {
                (
                    c.three_no,
                    SixHave::from_items(
                        SixHaveItem::ALL
                            .into_iter()
                            .filter(|i| now_six.has(*i) && roll(c.id, 30 + p + *i as u64, 4) > 0),
                    ),
                )
            } else {
                (c.three_no, now_six)
            };
            let marks = marks_for(c.id, p, three_no, six);
            let d = derive(&checklist, &marks)
                .map_err(|e| anyhow::anyhow!("demo marks of compound {}: {e:?}", c.id))?;
            let stored: Vec<StoredMark> = checklist
                .standards
                .iter()
                .filter_map(|s| {
                    marks.get(&s.code).map(|m| StoredMark {
                        code: s.code.clone(),
                        mark: *m,
                        note: String::new(),
                        evidence: None,
                    })
                })
                .collect();
            let marks = marks_json(&stored).map_err(|e| anyhow::anyhow!("{e}"))?;
            assessments.push(assessment_row(
                c,
                period,
                marks,
                &d,
                p == 3,
                (0, "演示数据"),
                ASSESSED_AT - (3 - p as i64) * 91 * 86_400,
            ));
            made += 1;
            if p == 3 && (d.three_no != c.three_no || d.six_have.mask() != c.six_have) {
                anyhow::bail!(
                    "demo assessment of compound {} does not derive its status",
                    c.id
                );
            }
        }
        // About half of the compounds out of three-no were star-rated in the latest quarter.
        let households = counts.get(&c.id).copied().unwrap_or(0);
        if !c.three_no && households > 0 && roll(c.id, 2, 100) < 45 {
            let needed = scheme.survey.needed(households);
            let responses = (needed + roll(c.id, 3, 5) as i64).min(households);
            let satisfied = responses * (60 + roll(c.id, 4, 41) as i64) / 100;
            let met_share = i64::from(now_six.count()) * 100 / 6;
            let input = RatingInput {
                households,
                responses,
                satisfied,
                management_centi: ((55 + met_share * 45 / 100) * 100 + roll(c.id, 5, 100) as i64)
                    .min(10_000),
                overall_centi: (60 + roll(c.id, 6, 39) as i64) * 100,
                vetoes: if roll(c.id, 8, 50) == 0 {
                    vec!["V3".into()]
                } else {
                    vec![]
                },
            };
            let o = scheme
                .rate(&input)
                .map_err(|e| anyhow::anyhow!("demo rating of compound {}: {e:?}", c.id))?;
            ratings.push(
                linli_store::standards::stars::rating_row(
                    c,
                    PERIODS[3],
                    &input,
                    &o,
                    true,
                    (0, "演示数据"),
                    ASSESSED_AT,
                )
                .map_err(|e| anyhow::anyhow!("{e}"))?,
            );
        }
        if assessments.len() >= 2_000 {
            flush(txn, &mut assessments).await?;
            flush(txn, &mut ratings).await?;
        }
    }
    flush(txn, &mut assessments).await?;
    flush(txn, &mut ratings).await?;
    seed_plans(txn, &compounds, &counts).await?;
    Ok(made)
}

/// `total` split over `n` parts as evenly as a hash allows, summing exactly to `total`.
fn spread(total: i64, n: usize, purpose: u64) -> Vec<i64> {
    if n == 0 {
        return Vec::new();
    }
    let weights: Vec<i64> = (0..n)
        .map(|i| 50 + roll(i as i64, purpose, 100) as i64)
        .collect();
    let sum: i64 = weights.iter().sum();
    let mut parts: Vec<i64> = weights.iter().map(|w| total * w / sum).collect();
    let short = total - parts.iter().sum::<i64>();
    for k in 0..short {
        parts[(k as usize) % n] += 1;
    }
    parts
}

async fn seed_plans<C: ConnectionTrait>(
    txn: &C,
    compounds: &[compound::Model],
    households: &BTreeMap<i64, i64>,
) -> anyhow::Result<()> {
    // Three-no compounds first (the district's database of three-no compounds), then the others.
    // `linli demo --scale N` makes N copies of the city: N times the article's figures.
    let copies = (compounds.len() + 1_000) / 2_067;
    let copies = copies.max(1);
    let mut chosen: Vec<&compound::Model> = compounds.iter().filter(|c| c.three_no).collect();
    chosen.extend(
        compounds
            .iter()
            .filter(|c| !c.three_no && roll(c.id, 11, 3) == 0),
    );
    chosen.truncate((PLANS * copies).min(compounds.len()));
    let n = chosen.len();
    if n == 0 {
        return Ok(());
    }
    let (plans_target, lighting, smart_access) =
        (PLANS * copies, LIGHTING * copies, SMART_ACCESS * copies);
    let first_id = compound_plan::Entity::find()
        .order_by_desc(compound_plan::Column::Id)
        .one(txn)
        .await?
        .map_or(1, |p| p.id + 1);
    let pipes = spread(PIPES_M * copies as i64, n, 12);
    let parking_share = (n * 3 / 5).max(1);
    let parking = spread(PARKING * copies as i64, parking_share, 13);
    let mut plans = Vec::new();
    let mut items = Vec::new();
    for (i, c) in chosen.iter().enumerate() {
        let plan_id = first_id + i as i64;
        let mut kinds: Vec<(RenovationKind, String, i64)> =
            vec![(RenovationKind::Pipes, "新建雨污管网".into(), pipes[i])];
        if i < parking_share {
            kinds.push((RenovationKind::Parking, "拆违新建停车位".into(), parking[i]));
        }
        if i * plans_target < lighting * n {
            kinds.push((
                RenovationKind::Lighting,
                "楼道和路灯照明改造".into(),
                6 + roll(c.id, 14, 20) as i64,
            ));
        }
        if i * plans_target < smart_access * n {
            kinds.push((
                RenovationKind::SmartAccess,
                "加装智能门禁".into(),
                1 + roll(c.id, 15, 3) as i64,
            ));
        }
        if c.three_no {
            kinds.push((
                RenovationKind::Security,
                "加装监控（“慧眼工程”）".into(),
                4 + roll(c.id, 16, 12) as i64,
            ));
        }
        // Progress: the earlier plans further along.
        let done_share = 100 - (i * 100 / n) as u64;
        let mut done = 0;
        for (k, (kind, text, q)) in kinds.iter().enumerate() {
            let is_done = roll(c.id, 40 + k as u64, 100) < done_share;
            done += i32::from(is_done);
            items.push(plan_item::ActiveModel {
                plan_id: Set(plan_id),
                kind: Set(*kind),
                description: Set(text.clone()),
                quantity: Set(*q),
                done: Set(is_done),
                done_at: Set(is_done.then_some(ASSESSED_AT)),
                ..Default::default()
            });
        }
        let budget = (200_000 + roll(c.id, 17, 600_000) as i64) * 100;
        let part = |bp: i64| budget * bp / 10_000;
        let (gov, res, sup, cha) = (part(5_500), part(1_500), part(1_200), part(500));
        plans.push(compound_plan::ActiveModel {
            id: Set(plan_id),
            compound_id: Set(c.id),
            city_id: Set(c.city_id),
            district_id: Set(c.district_id),
            subdistrict_id: Set(c.subdistrict_id),
            community_id: Set(c.community_id),
            problems: Set(if c.three_no {
                "无物管、无主管部门、无人防物防；雨污管网老化，夜间照明不足，停车难".into()
            } else {
                "管网老化，停车位不足，公共照明缺失".into()
            }),
            responsible: Set("社区书记、小区自管委主任".into()),
            households_benefited: Set(households.get(&c.id).copied().unwrap_or(0)),
            budget_government_reward: Set(gov),
            budget_residents: Set(res),
            budget_support_unit: Set(sup),
            budget_charity: Set(cha),
            budget_public_income: Set(budget - gov - res - sup - cha),
            items_total: Set(kinds.len() as i32),
            items_done: Set(done),
            created_by: Set(0),
            created_at: Set(ASSESSED_AT),
            updated_at: Set(ASSESSED_AT),
            version: Set(1),
        });
        if plans.len() >= 500 {
            flush(txn, &mut plans).await?;
            flush(txn, &mut items).await?;
        }
    }
    flush(txn, &mut plans).await?;
    flush(txn, &mut items).await?;
    if txn.get_database_backend() == sea_orm::DbBackend::Postgres {
        // The plans' ids were given explicitly; move the sequence past them.
        txn.execute_unprepared("SELECT setval(pg_get_serial_sequence('compound_plan', 'id'), COALESCE((SELECT MAX(id) FROM compound_plan), 0) + 1, false)").await?;
    }
    Ok(())
}
