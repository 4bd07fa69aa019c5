//! The demo's elevator projects: 甘泉苑 (seed S3) runs 34 at once — 28 done, 5 under
//! construction, 1 waiting to start, still collecting; the 28 running ones with their last six
//! months of maintenance and electricity. Loaded with the demo world, inside its
//! transaction; a world without 甘泉苑 gets none.

use super::operation::{NewCost, insert_cost, insert_parts};
use crate::entity::{
    compound, elevator_operation_split, elevator_payment, elevator_project, elevator_share,
    elevator_stage_log, household, unit,
};
use linli_domain::Fen;
use linli_domain::elevator::operation::MONTHLY_MAINTENANCE;
use linli_domain::elevator::{
    CoefficientTable, CostKind, ElevatorStage, HouseholdFloor, ShareMode, SplitMode, SubsidyPreset,
    apportion, split_month,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

/// 2019-09-01 00:00 in China: the first elevator of 甘泉苑 started that month.
const FIRST_START: i64 = 1_567_267_200;
const DAY: i64 = 86_400;

/// Adds the projects of 甘泉苑, if the world has it: the first 34 units by id.
pub(crate) async fn seed_demo_projects<C: ConnectionTrait>(
    txn: &C,
    now: i64,
) -> anyhow::Result<usize> {
    let Some(c) = compound::Entity::find()
        .filter(compound::Column::Name.eq("甘泉苑"))
        .one(txn)
        .await?
    else {
        return Ok(0);
    };
    let units = unit::Entity::find()
        .filter(unit::Column::CompoundId.eq(c.id))
        .order_by_asc(unit::Column::Id)
        .all(txn)
        .await?;
    let mut made = 0;
    for (i, u) in units.iter().take(34).enumerate() {
        let stage = match i {
            0..28 => ElevatorStage::Operation,
            28..33 => ElevatorStage::Construction,
            _ => ElevatorStage::Funding,
        };
        let households = household::Entity::find()
            .filter(household::Column::UnitId.eq(u.id))
            .order_by_asc(household::Column::Id)
            .all(txn)
            .await?;
        let floors: Vec<HouseholdFloor> = households
            .iter()
            .map(|h| HouseholdFloor {
                household_id: h.id,
                floor: h.floor,
            })
            .collect();
        let table = CoefficientTable::preset_for_floors(
            households.iter().map(|h| h.floor).max().unwrap_or(6),
        );
        let cost = Fen((420_000 + (i as i64 * 7_919) % 60_000) * 100);
        let Ok(subsidy) = SubsidyPreset::Shanghai.amount(cost, Fen(0), Fen(0)) else {
            continue;
        };
        let Ok(lines) = apportion(Fen(cost.0 - subsidy.0), &table, &floors) else {
            continue;
        };
        // Stages 20 days apart, each project a month after the one before (the waiting one now).
        let start = if stage == ElevatorStage::Funding {
            now - 120 * DAY
        } else {
            FIRST_START + i as i64 * 30 * DAY
        };
        let reached: Vec<ElevatorStage> = ElevatorStage::ALL
            .into_iter()
            .filter(|s| *s <= stage)
            .collect();
        let entered = |k: usize| start + k as i64 * 20 * DAY;
        let funding_at = entered(ElevatorStage::Funding as usize);
        let pid = elevator_project::Entity::insert(elevator_project::ActiveModel {
            compound_id: Set(c.id),
            building_id: Set(u.building_id),
            unit_id: Set(u.id),
            stage: Set(stage.as_str().into()),
            stage_since: Set(entered(reached.len() - 1)),
            proposal_id: Set(None),
            responsible: Set("自管小组 老周".into()),
            installer: Set("沪西电梯安装有限公司".into()),
            total_cost: Set(Some(cost.0)),
            pipelines_cost: Set(0),
            subsidy_preset: Set(SubsidyPreset::Shanghai.as_str().into()),
            subsidy_custom: Set(0),
            subsidy: Set(subsidy.0),
            coefficients: Set(serde_json::to_string(&table)?),
            share_mode: Set(ShareMode::Floors.as_str().into()),
            notice_days: Set(15),
            shares_fixed_at: Set(Some(funding_at)),
            created_by: Set(0),
            created_at: Set(start),
            version: Set(1),
            ..Default::default()
        })
        .exec(txn)
        .await?
        .last_insert_id;
        elevator_stage_log::Entity::insert_many(reached.iter().enumerate().map(|(k, s)| {
            elevator_stage_log::ActiveModel {
                project_id: Set(pid),
                from_stage: Set(k.checked_sub(1).map(|j| reached[j].as_str().to_string())),
                to_stage: Set(s.as_str().into()),
                note: Set(String::new()),
                by_id: Set(0),
                by_name: Set("演示数据".into()),
                at: Set(entered(k)),
                ..Default::default()
            }
        }))
        .exec(txn)
        .await?;
        let rooms: std::collections::BTreeMap<i64, String> =
            households.iter().map(|h| (h.id, h.room.clone())).collect();
        elevator_share::Entity::insert_many(lines.iter().map(|l| elevator_share::ActiveModel {
            project_id: Set(pid),
            household_id: Set(l.household_id),
            floor: Set(l.floor),
            room: Set(rooms.get(&l.household_id).cloned().unwrap_or_default()),
            coefficient_num: Set(l.coefficient.num()),
            coefficient_den: Set(l.coefficient.den()),
            on_floor: Set(i32::try_from(l.on_floor).unwrap_or(i32::MAX)),
            amount: Set(l.share.0),
            ..Default::default()
        }))
        .exec(txn)
        .await?;
        // Everyone paid before construction; the waiting unit still collects (every other household).
        let payers: Vec<_> = lines
            .iter()
            .filter(|l| l.share.0 > 0)
            .enumerate()
            .filter(|(n, _)| stage != ElevatorStage::Funding || n % 2 == 0)
            .collect();
        if !payers.is_empty() {
            elevator_payment::Entity::insert_many(payers.iter().map(|(n, l)| {
                elevator_payment::ActiveModel {
                    project_id: Set(pid),
                    household_id: Set(l.household_id),
                    amount: Set(l.share.0),
                    method: Set(if n % 3 == 0 { "cash" } else { "transfer" }.into()),
                    receipt_no: Set(format!("GQ{pid:03}-{:03}", n + 1)),
                    paid_on: Set(super::china_date(funding_at + (*n as i64 % 10) * DAY)),
                    recorded_by: Set(0),
                    recorded_by_name: Set("演示数据".into()),
                    created_at: Set(funding_at + (*n as i64 % 10) * DAY),
                    ..Default::default()
                }
            }))
            .exec(txn)
            .await?;
        }
        if stage == ElevatorStage::Operation {
            seed_running_costs(txn, now, c.id, pid, i, &table, &lines, &rooms).await?;
        }
        made += 1;
    }
    Ok(made)
}

/// Months of running costs the demo enters for a project in operation: the six before this one.
const DEMO_COST_MONTHS: u32 = 6;

/// Six months of maintenance (5,000 yuan a year) and electricity (150–300 yuan) for a project in
/// operation, split the way the service does it; every fourth project shares by coefficients.
#[expect(
    clippy::too_many_arguments,
    reason = "a demo seed step takes the row it writes field by field"
)]
async fn seed_running_costs<C: ConnectionTrait>(
    txn: &C,
    now: i64,
    compound_id: i64,
    pid: i64,
    i: usize,
    table: &CoefficientTable,
    lines: &[linli_domain::elevator::ShareLine],
    rooms: &std::collections::BTreeMap<i64, String>,
) -> anyhow::Result<()> {
    let split = if i % 4 == 1 {
        SplitMode::Coefficients
    } else {
        SplitMode::Equal
    };
    if split != SplitMode::default() {
        elevator_operation_split::Entity::insert(elevator_operation_split::ActiveModel {
            project_id: Set(pid),
            split: Set(split.as_str().into()),
            proposal_id: Set(None),
            note: Set("单元议事会决定".into()),
            set_by: Set(0),
            set_by_name: Set("演示数据".into()),
            set_at: Set(now),
            version: Set(1),
            ..Default::default()
        })
        .exec(txn)
        .await?;
    }
    let Some(this) = super::operation::month_of(now) else {
        return Ok(());
    };
    let floors: Vec<HouseholdFloor> = lines
        .iter()
        .map(|l| HouseholdFloor {
            household_id: l.household_id,
            floor: l.floor,
        })
        .collect();
    let mut months = super::dashboard::months_up_to(this, DEMO_COST_MONTHS + 1);
    months.pop();
    for (m, month) in months.iter().enumerate() {
        let electricity = Fen(15_000 + ((i * 31 + m * 17) as i64 * 997) % 15_000);
        for (kind, amount) in [
            (CostKind::Maintenance, MONTHLY_MAINTENANCE),
            (CostKind::Electricity, electricity),
        ] {
            let Ok(parts) = split_month(amount, split, ShareMode::Floors, table, &floors) else {
                continue;
            };
            let new = NewCost {
                project_id: pid,
                compound_id,
                month,
                kind,
                amount,
                split,
                note: "",
                by: 0,
                by_name: "演示数据",
                at: now,
            };
            let cost_id = insert_cost(txn, &new).await?;
            insert_parts(txn, cost_id, pid, month, &parts, rooms).await?;
        }
    }
    Ok(())
}
