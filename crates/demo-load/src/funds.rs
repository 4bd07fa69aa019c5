//! The demo's money: 甘泉苑 and 纹江花园 each get a compound account fed by the five
//! channels of seed S4 over the last six quarters (rewards, residents, support units,
//! charity, parking and advertising) and paying security, cleaning, electricity, greening
//! and repairs; a maintenance fund for their first building with every household's deposit
//! and one emergency repair (a roof leak) shared by area; and 甘泉苑's elevator projects an
//! account each, fed by the demo's payments (and for the finished ones the subsidy and the
//! installer's bill). Loaded with the demo world, inside its transaction.

use linli_domain::funds::rules::TOP_UP_DEFAULT_BP;
use linli_domain::funds::{
    AccountKind, Category, Day, EmergencyKind, ExpensePurpose as P, IncomeSource as S,
    split_by_area,
};
use linli_domain::{Area, Fen};
use linli_store::entity::{
    building, compound, elevator_payment, elevator_project, fund_account, fund_entry, fund_share,
    household,
};
use linli_store::funds::{NewAccount, project_account_name};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

const WHO: &str = "演示数据";

fn entry(
    now: i64,
    city: i64,
    account: i64,
    category: Category,
    fen: i64,
    day: &str,
    note: &str,
) -> fund_entry::ActiveModel {
    let signed = match category {
        Category::Income(_) => fen,
        Category::Expense(_) => -fen,
    };
    fund_entry::ActiveModel {
        city_id: Set(city),
        account_id: Set(account),
        household_id: Set(None),
        direction: Set(category.direction()),
        category: Set(category.code().into()),
        amount: Set(signed),
        occurred_on: Set(day.into()),
        note: Set(note.into()),
        receipt_attachment_id: Set(None),
        proposal_id: Set(None),
        emergency: Set(None),
        top_up: Set(false),
        corrects_entry_id: Set(None),
        payment_id: Set(None),
        recorded_by: Set(0),
        recorded_by_name: Set(WHO.into()),
        created_at: Set(now),
        ..Default::default()
    }
}

#[expect(
    clippy::too_many_arguments,
    reason = "a demo seed step takes the row it writes field by field"
)]
async fn open<C: ConnectionTrait>(
    txn: &C,
    now: i64,
    compound_id: i64,
    kind: AccountKind,
    name: String,
    project: Option<i64>,
    building: Option<i64>,
    initial: i64,
) -> anyhow::Result<i64> {
    let new = NewAccount {
        compound_id,
        kind,
        name,
        project_id: project,
        building_id: building,
        initial_deposit: initial,
        top_up_bp: TOP_UP_DEFAULT_BP,
    };
    Ok(fund_account::Entity::insert(new.row(0, now))
        .exec(txn)
        .await?
        .last_insert_id)
}

async fn insert<C: ConnectionTrait>(
    txn: &C,
    rows: Vec<fund_entry::ActiveModel>,
) -> anyhow::Result<()> {
    for chunk in rows.chunks(300) {
        fund_entry::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

/// The 15th of each of the 18 months before this one, oldest first.
fn months(now: i64) -> Vec<Day> {
    let t = linli_store::funds::day_of(now);
    let (mut y, mut m) = (t.year(), i32::from(t.month().month()));
    let mut out = Vec::new();
    for _ in 0..18 {
        m -= 1;
        if m == 0 {
            m = 12;
            y -= 1;
        }
        if let Ok(d) = Day::new(y, m as u8, 15) {
            out.push(d);
        }
    }
    out.reverse();
    out
}

/// A compound account: the five channels in, the running costs out (in fen).
async fn compound_account<C: ConnectionTrait>(
    txn: &C,
    now: i64,
    c: &compound::Model,
    scale: i64,
) -> anyhow::Result<()> {
    let id = open(
        txn,
        now,
        c.id,
        AccountKind::Compound,
        format!("{} 小区账户", c.name),
        None,
        None,
        0,
    )
    .await?;
    // (category, fen, note, every how many months, in which month of those)
    let plan: [(Category, i64, &str, usize, usize); 11] = [
        (
            Category::Income(S::PublicIncome),
            360_000 * scale,
            "停车费",
            1,
            0,
        ),
        (
            Category::Income(S::Residents),
            820_000 * scale,
            "自治管理费",
            1,
            0,
        ),
        (
            Category::Expense(P::Security),
            600_000 * scale,
            "门岗保安工资",
            1,
            0,
        ),
        (
            Category::Expense(P::Cleaning),
            350_000 * scale,
            "保洁",
            1,
            0,
        ),
        (
            Category::Expense(P::Electricity),
            41_250 * scale,
            "楼道、路灯电费",
            1,
            0,
        ),
        (
            Category::Income(S::PublicIncome),
            150_000,
            "电梯广告位",
            3,
            0,
        ),
        (
            Category::Income(S::SupportUnit),
            500_000,
            "共建单位支持",
            3,
            0,
        ),
        (Category::Expense(P::Greening), 180_000, "绿化修剪", 3, 0),
        (
            Category::Income(S::GovernmentReward),
            5_000_000,
            "评星定级以奖代补",
            6,
            2,
        ),
        (Category::Income(S::Charity), 88_800, "爱心企业捐赠", 6, 2),
        (
            Category::Expense(P::Repair),
            1_236_050,
            "雨污管道疏通维修",
            6,
            2,
        ),
    ];
    let mut rows = Vec::new();
    for (i, d) in months(now).into_iter().enumerate() {
        let day = d.to_string();
        for (category, fen, note, every, at) in plan {
            if i % every == at {
                // Bills vary a little from month to month.
                let fen = if matches!(category, Category::Expense(P::Electricity)) {
                    fen + (i as i64 * 3_301) % 9_000
                } else {
                    fen
                };
                rows.push(entry(now, c.city_id, id, category, fen, &day, note));
            }
        }
    }
    insert(txn, rows).await
}

/// The maintenance fund of a compound's first building: 50 yuan per m² deposited by every
/// household, and one emergency roof repair shared by area.
async fn maintenance_fund<C: ConnectionTrait>(
    txn: &C,
    now: i64,
    c: &compound::Model,
    repair_share_pct: i64,
) -> anyhow::Result<()> {
    // The first building with households.
    let Some(first) = household::Entity::find()
        .filter(household::Column::CompoundId.eq(c.id))
        .order_by_asc(household::Column::BuildingId)
        .one(txn)
        .await?
    else {
        return Ok(());
    };
    let Some(b) = building::Entity::find_by_id(first.building_id)
        .one(txn)
        .await?
    else {
        return Ok(());
    };
    let hh = household::Entity::find()
        .filter(household::Column::CompoundId.eq(b.compound_id))
        .filter(household::Column::BuildingId.eq(b.id))
        .order_by_asc(household::Column::Id)
        .all(txn)
        .await?;
    let deposit = |h: &household::Model| h.area_centi * 50;
    let initial: i64 = hh.iter().map(deposit).sum();
    if initial == 0 {
        return Ok(());
    }
    let id = open(
        txn,
        now,
        c.id,
        AccountKind::Maintenance,
        format!("{} 专项维修资金", b.name),
        None,
        Some(b.id),
        initial,
    )
    .await?;
    let first = months(now)
        .first()
        .map(|d| d.to_string())
        .unwrap_or_default();
    let rows = hh
        .iter()
        .map(|h| {
            let mut e = entry(
                now,
                c.city_id,
                id,
                Category::Income(S::Residents),
                deposit(h),
                &first,
                "首期归集",
            );
            e.household_id = Set(Some(h.id));
            e
        })
        .collect();
    insert(txn, rows).await?;
    let repair = Fen(initial * repair_share_pct / 100);
    let areas: Vec<(i64, Area)> = hh
        .iter()
        .filter_map(|h| Area::from_centi(h.area_centi).ok().map(|a| (h.id, a)))
        .collect();
    let day = months(now).get(12).map(|d| d.to_string()).unwrap_or(first);
    let mut e = entry(
        now,
        c.city_id,
        id,
        Category::Expense(P::Repair),
        repair.0,
        &day,
        "屋面渗漏应急维修（先行支出，事后公示）",
    );
    e.emergency = Set(Some(EmergencyKind::Leak));
    let eid = fund_entry::Entity::insert(e)
        .exec(txn)
        .await?
        .last_insert_id;
    let shares: Vec<fund_share::ActiveModel> = split_by_area(repair, &areas)
        .map_err(|e| anyhow::anyhow!("{}", e.code()))?
        .into_iter()
        .map(|(h, f)| fund_share::ActiveModel {
            city_id: Set(c.city_id),
            entry_id: Set(eid),
            account_id: Set(id),
            household_id: Set(h),
            amount: Set(-f.0),
            ..Default::default()
        })
        .collect();
    for chunk in shares.chunks(300) {
        fund_share::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

/// An account per elevator project with payments: residents' income from each payment; the
/// finished ones also the subsidy in and the installer paid out. The demo's story calls it
/// once its projects exist.
pub(crate) async fn seed_demo_project_accounts<C: ConnectionTrait>(
    txn: &C,
    now: i64,
    c: &compound::Model,
) -> anyhow::Result<()> {
    let names = linli_store::registry::unit_names(txn, c.id)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let projects = elevator_project::Entity::find()
        .filter(elevator_project::Column::CompoundId.eq(c.id))
        .order_by_asc(elevator_project::Column::Id)
        .all(txn)
        .await?;
    for p in projects {
        let payments = elevator_payment::Entity::find()
            .filter(elevator_payment::Column::ProjectId.eq(p.id))
            .order_by_asc(elevator_payment::Column::Id)
            .all(txn)
            .await?;
        if payments.is_empty() {
            continue;
        }
        let id = open(
            txn,
            now,
            c.id,
            AccountKind::Project,
            project_account_name(names.get(&p.unit_id).map(String::as_str).unwrap_or("")),
            Some(p.id),
            None,
            0,
        )
        .await?;
        let mut rows: Vec<fund_entry::ActiveModel> = payments
            .iter()
            .map(|x| {
                let mut e = entry(
                    now,
                    c.city_id,
                    id,
                    Category::Income(S::Residents),
                    x.amount,
                    &x.paid_on,
                    &format!("加装电梯分摊款 收据 {}", x.receipt_no),
                );
                e.household_id = Set(Some(x.household_id));
                e.payment_id = Set(Some(x.id));
                e
            })
            .collect();
        let last = payments
            .iter()
            .map(|x| x.paid_on.clone())
            .max()
            .unwrap_or_default();
        if p.stage == linli_domain::elevator::ElevatorStage::Operation {
            rows.push(entry(
                now,
                c.city_id,
                id,
                Category::Income(S::GovernmentReward),
                p.subsidy,
                &last,
                "加装电梯财政补贴",
            ));
            rows.push(entry(
                now,
                c.city_id,
                id,
                Category::Expense(P::Elevator),
                p.total_cost.unwrap_or(0),
                &last,
                "支付电梯安装工程款",
            ));
        }
        insert(txn, rows).await?;
    }
    Ok(())
}

/// The demo's accounts; a world without the featured compounds gets none.
pub(crate) async fn seed_demo_funds<C: ConnectionTrait>(
    txn: &C,
    now: i64,
) -> anyhow::Result<usize> {
    let mut made = 0;
    for (name, scale, repair_pct) in [("甘泉苑", 3, 75), ("纹江花园", 1, 20)] {
        let Some(c) = compound::Entity::find()
            .filter(compound::Column::Name.eq(name))
            .one(txn)
            .await?
        else {
            continue;
        };
        compound_account(txn, now, &c, scale).await?;
        maintenance_fund(txn, now, &c, repair_pct).await?;
        seed_demo_project_accounts(txn, now, &c).await?;
        made += 1;
    }
    Ok(made)
}
