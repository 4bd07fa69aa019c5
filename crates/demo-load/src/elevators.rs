//! The demo's elevator projects: 甘泉苑 (seed S3) runs 34 at once — 28 done, 5 under
//! construction, 1 waiting to start, still collecting; the 28 running ones with their last six
//! months of maintenance and electricity. The tests' world gets the projects alone, written with
//! the registry in its transaction; the demo of `linli demo` first decides each one by a vote of
//! its unit (see [`seed_ganquan`]) and starts it from that vote. A world without 甘泉苑 gets none.

use crate::{DEMO_PHOTO, DemoLogin, Scene, Step, compound_named};
use linli_domain::authz::Role;
use linli_domain::elevator::operation::MONTHLY_MAINTENANCE;
use linli_domain::elevator::{
    CoefficientTable, CostKind, ElevatorStage, HouseholdFloor, PayMethod, ShareLine, ShareMode,
    SplitMode, SubsidyPreset, apportion, split_month,
};
use linli_domain::{Fen, Lang};
use linli_store::Store;
use linli_store::accounts::Actor;
use linli_store::elevators::operation::{NewCost, insert_cost, insert_parts};
use linli_store::elevators::{ProjectInput, ProjectView};
use linli_store::entity::{
    compound, elevator_operation_split, elevator_payment, elevator_project, elevator_share,
    elevator_stage_log, household, unit,
};
use linli_store::files::Purpose;
use linli_store::paths;
use linli_store::proposals::{
    AnswerInput, BallotInput, ConsentInput, ObjectionInput, OpenVotingInput, ProposalInput,
    StageRequest,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use std::collections::BTreeMap;

/// 2019-09-01 00:00 in China: the first elevator of 甘泉苑 started that month.
const FIRST_START: i64 = 1_567_267_200;
const DAY: i64 = 86_400;
/// How many of 甘泉苑's units have a project: the first 34 by id.
const PROJECTS: usize = 34;
/// Days between a project's stages.
const STAGE_DAYS: i64 = 20;

/// One of 甘泉苑's projects as the demo tells it: where it stands, what it costs and who
/// pays what.
struct Plan {
    stage: ElevatorStage,
    /// When it entered the survey; every later stage [`STAGE_DAYS`] after the one before.
    start: i64,
    cost: Fen,
    subsidy: Fen,
    table: CoefficientTable,
    lines: Vec<ShareLine>,
    rooms: BTreeMap<i64, String>,
    /// The unit's city, written with each household's share, payment and running-cost part.
    city_id: i64,
}

impl Plan {
    /// The `i`-th project, for a unit with these households (in id order); `None` when its
    /// table cannot be computed (a unit without households).
    fn of(i: usize, households: &[household::Model], now: i64) -> Option<Plan> {
        let stage = match i {
            0..28 => ElevatorStage::Operation,
            28..33 => ElevatorStage::Construction,
            _ => ElevatorStage::Funding,
        };
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
        let subsidy = SubsidyPreset::Shanghai.amount(cost, Fen(0), Fen(0)).ok()?;
        let lines = apportion(Fen(cost.0 - subsidy.0), &table, &floors).ok()?;
        // Each project a month after the one before; the waiting one now.
        let start = if stage == ElevatorStage::Funding {
            now - 120 * DAY
        } else {
            FIRST_START + i as i64 * 30 * DAY
        };
        Some(Plan {
            stage,
            start,
            cost,
            subsidy,
            table,
            lines,
            rooms: households.iter().map(|h| (h.id, h.room.clone())).collect(),
            city_id: households.first()?.city_id,
        })
    }

    /// When the project entered `stage`.
    fn entered(&self, stage: ElevatorStage) -> i64 {
        self.start + stage as i64 * STAGE_DAYS * DAY
    }

    /// The stages reached, in order.
    fn reached(&self) -> Vec<ElevatorStage> {
        ElevatorStage::ALL
            .into_iter()
            .filter(|s| *s <= self.stage)
            .collect()
    }
}

/// The first [`PROJECTS`] units of 甘泉苑 by id, with their households in id order.
async fn project_units<C: ConnectionTrait>(
    db: &C,
    compound_id: i64,
) -> anyhow::Result<Vec<(unit::Model, Vec<household::Model>)>> {
    let units = unit::Entity::find()
        .filter(unit::Column::CompoundId.eq(compound_id))
        .order_by_asc(unit::Column::Id)
        .limit(PROJECTS as u64)
        .all(db)
        .await?;
    let mut out = Vec::new();
    for u in units {
        let households = household::Entity::find()
            .filter(household::Column::UnitId.eq(u.id))
            .order_by_asc(household::Column::Id)
            .all(db)
            .await?;
        out.push((u, households));
    }
    Ok(out)
}

/// Adds the projects of 甘泉苑 without their votes, if the world has it: the tests' world.
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
    let mut made = 0;
    for (i, (u, households)) in project_units(txn, c.id).await?.iter().enumerate() {
        let Some(plan) = Plan::of(i, households, now) else {
            continue;
        };
        let pid = elevator_project::Entity::insert(elevator_project::ActiveModel {
            compound_id: Set(c.id),
            building_id: Set(u.building_id),
            unit_id: Set(u.id),
            stage: Set(ElevatorStage::Survey),
            stage_since: Set(plan.start),
            proposal_id: Set(None),
            responsible: Set(String::new()),
            installer: Set(String::new()),
            total_cost: Set(None),
            pipelines_cost: Set(0),
            subsidy_preset: Set(SubsidyPreset::Shanghai),
            subsidy_custom: Set(0),
            subsidy: Set(0),
            coefficients: Set(serde_json::to_string(&plan.table)?),
            share_mode: Set(ShareMode::Floors),
            notice_days: Set(15),
            shares_fixed_at: Set(None),
            created_by: Set(0),
            created_at: Set(plan.start),
            version: Set(1),
            ..Default::default()
        })
        .exec(txn)
        .await?
        .last_insert_id;
        carry_on(txn, now, c.id, pid, i, &plan, ElevatorStage::Survey).await?;
        made += 1;
    }
    Ok(made)
}

/// Writes a project's history from stage `from` (where it stands) to where the demo has it:
/// the plan, each stage entered, the fixed share table, the payments, and six months of
/// running costs for a project in operation.
async fn carry_on<C: ConnectionTrait>(
    txn: &C,
    now: i64,
    compound_id: i64,
    pid: i64,
    i: usize,
    plan: &Plan,
    from: ElevatorStage,
) -> anyhow::Result<()> {
    let reached = plan.reached();
    let funding_at = plan.entered(ElevatorStage::Funding);
    elevator_project::Entity::update_many()
        .col_expr(
            elevator_project::Column::Stage,
            Expr::value(plan.stage.as_str()),
        )
        .col_expr(
            elevator_project::Column::StageSince,
            Expr::value(plan.entered(plan.stage)),
        )
        .col_expr(
            elevator_project::Column::Responsible,
            Expr::value("自管小组 老周"),
        )
        .col_expr(
            elevator_project::Column::Installer,
            Expr::value("沪西电梯安装有限公司"),
        )
        .col_expr(
            elevator_project::Column::TotalCost,
            Expr::value(Some(plan.cost.0)),
        )
        .col_expr(
            elevator_project::Column::Subsidy,
            Expr::value(plan.subsidy.0),
        )
        .col_expr(
            elevator_project::Column::Coefficients,
            Expr::value(serde_json::to_string(&plan.table)?),
        )
        .col_expr(
            elevator_project::Column::SharesFixedAt,
            Expr::value(Some(funding_at)),
        )
        .filter(elevator_project::Column::Id.eq(pid))
        .exec(txn)
        .await?;
    let steps: Vec<elevator_stage_log::ActiveModel> = reached
        .iter()
        .enumerate()
        .filter(|(_, s)| **s > from || (from == ElevatorStage::Survey && **s == from))
        .map(|(k, s)| elevator_stage_log::ActiveModel {
            project_id: Set(pid),
            from_stage: Set(k.checked_sub(1).map(|j| reached[j])),
            to_stage: Set(*s),
            note: Set(String::new()),
            by_id: Set(0),
            by_name: Set("演示数据".into()),
            at: Set(plan.entered(*s)),
            ..Default::default()
        })
        .collect();
    if !steps.is_empty() {
        elevator_stage_log::Entity::insert_many(steps)
            .exec_without_returning(txn)
            .await?;
    }
    let lines = &plan.lines;
    elevator_share::Entity::insert_many(lines.iter().map(|l| elevator_share::ActiveModel {
        project_id: Set(pid),
        household_id: Set(l.household_id),
        city_id: Set(plan.city_id),
        floor: Set(l.floor),
        room: Set(plan.rooms.get(&l.household_id).cloned().unwrap_or_default()),
        coefficient_num: Set(l.coefficient.num()),
        coefficient_den: Set(l.coefficient.den()),
        on_floor: Set(i32::try_from(l.on_floor).unwrap_or(i32::MAX)),
        amount: Set(l.share.0),
        ..Default::default()
    }))
    .exec_without_returning(txn)
    .await?;
    // Everyone paid before construction; the waiting unit still collects (every other household).
    let stage = plan.stage;
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
                city_id: Set(plan.city_id),
                amount: Set(l.share.0),
                method: Set(if n % 3 == 0 {
                    PayMethod::Cash
                } else {
                    PayMethod::Transfer
                }),
                receipt_no: Set(format!("GQ{pid:03}-{:03}", n + 1)),
                paid_on: Set(linli_store::china_date(funding_at + (*n as i64 % 10) * DAY)),
                recorded_by: Set(0),
                recorded_by_name: Set("演示数据".into()),
                created_at: Set(funding_at + (*n as i64 % 10) * DAY),
                ..Default::default()
            }
        }))
        .exec_without_returning(txn)
        .await?;
    }
    if stage == ElevatorStage::Operation {
        seed_running_costs(txn, now, compound_id, pid, i, plan).await?;
    }
    Ok(())
}

/// Months of running costs the demo enters for a project in operation: the six before this one.
const DEMO_COST_MONTHS: u32 = 6;

/// Six months of maintenance (5,000 yuan a year) and electricity (150–300 yuan) for a project in
/// operation, split the way the service does it; every fourth project shares by coefficients.
async fn seed_running_costs<C: ConnectionTrait>(
    txn: &C,
    now: i64,
    compound_id: i64,
    pid: i64,
    i: usize,
    plan: &Plan,
) -> anyhow::Result<()> {
    let (table, lines, rooms) = (&plan.table, &plan.lines, &plan.rooms);
    let split = if i % 4 == 1 {
        SplitMode::Coefficients
    } else {
        SplitMode::Equal
    };
    if split != SplitMode::default() {
        elevator_operation_split::Entity::insert(elevator_operation_split::ActiveModel {
            project_id: Set(pid),
            split: Set(split),
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
    let Some(this) = linli_store::elevators::operation::month_of(now) else {
        return Ok(());
    };
    let floors: Vec<HouseholdFloor> = lines
        .iter()
        .map(|l| HouseholdFloor {
            household_id: l.household_id,
            floor: l.floor,
        })
        .collect();
    let mut months = linli_store::elevators::dashboard::months_up_to(this, DEMO_COST_MONTHS + 1);
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
            insert_parts(txn, cost_id, pid, plan.city_id, month, &parts, rooms).await?;
        }
    }
    Ok(())
}

const ZH: Lang = Lang::Zh;

/// What a low-floor household objects to, and how the self-management group answered it.
const OBJECTIONS: [(&str, &str, &str, &str); 4] = [
    (
        "light",
        "电梯井正对我家窗户，担心挡光。",
        "设计调整为玻璃幕墙井道，并外移0.8米；经日照测算仍满足标准。",
        "一楼补偿 3000 元",
    ),
    (
        "ventilation",
        "厨房窗户被连廊挡住，油烟散不出去。",
        "连廊与厨房窗之间留出1.2米通风间距，已在方案图上标注。",
        "",
    ),
    (
        "noise",
        "家里有病人，施工噪音受不了。",
        "施工单位承诺只在白天施工，午休和晚上停工，并采取降噪措施。",
        "",
    ),
    (
        "cost",
        "一楼不用电梯，维保费也不想出。",
        "一楼、二楼系数为0，不分摊建设费用，也不分摊维保和电费。",
        "",
    ),
];

/// What the 甘泉苑 story made, for the caller's summary.
pub(crate) struct Ganquan {
    pub logins: Vec<DemoLogin>,
}

/// Tells 甘泉苑's story: for each of its 34 projects the unit's owners decided by a vote that
/// passed — the low-floor owners whose light and windows the shaft touches consenting in
/// writing, some objections raised and answered first, owners living elsewhere voting by
/// video — and the project started from that vote, at the public notice. Then each goes
/// where the demo has it (28 running, 5 being built, 1 collecting). Adds the
/// self-management group's login `gqcommittee`.
pub(crate) async fn seed_ganquan(store: &Store) -> anyhow::Result<Ganquan> {
    let c = compound_named(store, "甘泉苑").await?;
    let login = crate::add_demo_login(
        store,
        "gqcommittee",
        "自管小组 周组长",
        Role::CommitteeMember,
        &paths::compound_path(&c),
        &c.name,
    )
    .await?;
    let s = Scene::new(store);
    let group = s.actor("gqcommittee").await?;
    let names = linli_store::registry::unit_names(store.read(), c.id)
        .await
        .step("unit names")?;
    let mut started = Vec::new();
    for (i, (u, households)) in project_units(store.read(), c.id)
        .await?
        .into_iter()
        .enumerate()
    {
        let Some(plan) = Plan::of(i, &households, store.now()) else {
            continue;
        };
        let name = names.get(&u.id).cloned().unwrap_or_default();
        let proposal = decide(&s, &group, &c, i, &u, &name, &households, &plan).await?;
        s.at_time(plan.entered(ElevatorStage::Notice));
        let project: ProjectView = s
            .store
            .create_elevator_project(
                &s.now_as(&group),
                c.id,
                &ProjectInput {
                    unit_id: u.id,
                    proposal_id: Some(proposal),
                    responsible: "自管小组 老周".into(),
                    installer: String::new(),
                },
                ZH,
            )
            .await
            .step("start a project from its vote")?;
        started.push((project.id, i, plan));
    }
    let now = store.now();
    let txn = store.begin_write().await?;
    for (pid, i, plan) in &started {
        carry_on(&txn, now, c.id, *pid, *i, plan, ElevatorStage::Notice).await?;
    }
    crate::funds::seed_demo_project_accounts(&txn, now, &c).await?;
    linli_store::audit::record(
        &txn,
        linli_store::audit::Change {
            chain: c.id,
            at: now,
            actor: None,
            action: "demo.elevators",
            entity: "demo",
            entity_id: c.id,
            before: None,
            after: Some(serde_json::json!({ "projects": started.len() })),
        },
    )
    .await
    .step("record the projects' history")?;
    txn.commit().await?;
    Ok(Ganquan {
        logins: vec![login],
    })
}

/// The unit's vote on its elevator, told over the seven weeks before the public notice:
/// proposed and submitted, objections raised (every third unit), the affected low-floor
/// owners' written consent, ballots on paper and by video, the objections answered, closed.
/// Returns the proposal, which must have passed.
#[expect(
    clippy::too_many_arguments,
    reason = "a demo step: who runs it, where, and the unit's plan"
)]
async fn decide(
    s: &Scene,
    group: &Actor,
    c: &compound::Model,
    i: usize,
    u: &unit::Model,
    name: &str,
    households: &[household::Model],
    plan: &Plan,
) -> anyhow::Result<i64> {
    // `d` days before the notice day, at `hour`.
    let notice = plan.entered(ElevatorStage::Notice);
    let day = |d: i64, hour: i64| notice - d * DAY + hour * 3600;
    s.at_time(day(50, 9));
    let by = s.now_as(group);
    let p = s
        .store
        .create_proposal(
            &by,
            c.id,
            &ProposalInput {
                scope: "unit".into(),
                scope_id: u.id.to_string(),
                title: format!("{name}加装电梯"),
                body: "井道设在楼梯间外侧，费用按楼层系数分摊（一楼、二楼不分摊），\
                       申请上海市财政补贴（造价的40%，每台不超过28万元）。"
                    .into(),
                matter: "alteration".into(),
                preset: "beijing_2020_elevator".into(),
                ..Default::default()
            },
        )
        .await
        .step("elevator proposal")?;
    s.store
        .change_stage(&by, p.id, StageRequest::Submit)
        .await
        .step("submit")?;
    // The low-floor flats by the stairwell: the first of the ground floor and of the second.
    let affected: Vec<&household::Model> = [1, 2]
        .iter()
        .filter_map(|f| households.iter().find(|h| h.floor == *f))
        .collect();
    let mut objections = Vec::new();
    if i.is_multiple_of(3)
        && let Some(h) = affected.first()
    {
        s.at_time(day(45, 19));
        let (concern, body, _, _) = OBJECTIONS[(i / 3) % OBJECTIONS.len()];
        let o = s
            .store
            .add_objection(
                &s.now_as(group),
                p.id,
                &ObjectionInput {
                    household_id: Some(h.id),
                    room: String::new(),
                    concern: concern.into(),
                    body: body.into(),
                },
            )
            .await
            .step("objection")?;
        objections.push((o.id, (i / 3) % OBJECTIONS.len()));
    }
    s.at_time(day(35, 9));
    s.store
        .open_voting(
            &s.now_as(group),
            p.id,
            &OpenVotingInput {
                deadline: linli_store::china_date(day(21, 9)),
                confirm_ownerless: true,
            },
        )
        .await
        .step("open the unit's vote")?;
    for (o, k) in &objections {
        s.at_time(day(32, 15));
        let (_, _, answer, compensation) = OBJECTIONS[*k];
        s.store
            .answer_objection(
                &s.now_as(group),
                p.id,
                *o,
                &AnswerInput {
                    answer: answer.into(),
                    compensation: compensation.into(),
                    resolved: true,
                },
            )
            .await
            .step("answer an objection")?;
    }
    for (k, h) in affected.iter().enumerate() {
        s.at_time(day(31, 10 + k as i64));
        let by = s.now_as(group);
        let form = s
            .store
            .save_file(
                &by,
                c.id,
                Purpose::Evidence,
                "低层住户书面同意书.jpg",
                DEMO_PHOTO.to_vec(),
            )
            .await
            .step("consent form")?;
        s.store
            .record_consent(
                &by,
                p.id,
                &ConsentInput {
                    household_id: Some(h.id),
                    room: String::new(),
                    consented: true,
                    evidence_id: Some(form.id),
                },
            )
            .await
            .step("affected owner's consent")?;
    }
    // Paper forms collected in the stairwell (one photo of the stack), and the owners living
    // elsewhere by video; one household in six does not answer, a few say no.
    s.at_time(day(34, 9));
    let stack = s
        .store
        .save_file(
            &s.now_as(group),
            c.id,
            Purpose::Evidence,
            "表决票.jpg",
            DEMO_PHOTO.to_vec(),
        )
        .await
        .step("ballot photo")?
        .id;
    for (n, h) in households.iter().enumerate() {
        if n % 6 == 5 {
            continue;
        }
        s.at_time(day(34 - (n as i64 % 12), 10 + (n as i64 % 8)));
        let remote = n % 5 == 3;
        let input = BallotInput {
            choice: if n == 2 && i % 4 == 1 { "no" } else { "yes" }.into(),
            method: if remote { "remote" } else { "paper" }.into(),
            household_id: Some(h.id),
            evidence_id: (!remote).then_some(stack),
            witness: if remote {
                format!("{}（视频会议）", group.name)
            } else {
                String::new()
            },
            note: if remote {
                "业主不在小区居住，视频会议确认".into()
            } else {
                String::new()
            },
            ..Default::default()
        };
        s.store
            .cast_ballot(&s.now_as(group), p.id, &input)
            .await
            .step("unit ballot")?;
    }
    s.at_time(day(20, 16));
    let closed = s
        .store
        .close_voting(&s.now_as(group), p.id, true)
        .await
        .step("close the unit's vote")?;
    if closed.stage != linli_domain::decision::ProposalStage::Passed {
        anyhow::bail!("demo: the vote of {name} did not pass ({:?})", closed.stage);
    }
    Ok(p.id)
}
