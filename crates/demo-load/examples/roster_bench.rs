//! Helpers of `scripts/bench --roster`: a city-sized roster file, a database to import it
//! into, and the raw bulk insert the import is compared with.
//!
//!   roster_bench generate FILE.xlsx N   # N households, with owners and phones
//!   roster_bench setup URL              # migrate and load the featured demo compounds
//!   roster_bench raw URL N              # insert N bare households in one transaction
#![allow(clippy::unwrap_used, clippy::expect_used)]

use linli_store::entity::{building, compound, household, unit};
use sea_orm::{ActiveValue::Set, ConnectionTrait, Database, EntityTrait, TransactionTrait};
use std::time::Instant;

const PER_UNIT: usize = 24; // 6 floors × 4 flats
const UNITS: usize = 4;

fn place(i: usize) -> (String, String, usize, String) {
    let b = i / (PER_UNIT * UNITS);
    let u = (i / PER_UNIT) % UNITS;
    let floor = (i % PER_UNIT) / 4 + 1;
    let room = format!("{}{:02}", floor, i % 4 + 1);
    (
        format!("{}栋", b + 1),
        format!("{}单元", u + 1),
        floor,
        room,
    )
}

fn generate(path: &str, n: usize) -> anyhow::Result<()> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    for (i, h) in [
        "楼栋",
        "单元",
        "楼层",
        "房号",
        "专有面积",
        "面积来源",
        "业主",
        "电话",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(0, i as u16, *h)?;
    }
    let surnames = ['张', '王', '李', '赵', '刘', '陈', '杨', '黄'];
    for i in 0..n {
        let (b, u, floor, room) = place(i);
        let r = i as u32 + 1;
        ws.write_string(r, 0, &b)?;
        ws.write_string(r, 1, &u)?;
        ws.write_number(r, 2, floor as f64)?;
        ws.write_string(r, 3, &room)?;
        ws.write_number(r, 4, 60.0 + (i % 4) as f64 * 10.5)?;
        ws.write_string(r, 5, "不动产登记")?;
        ws.write_string(r, 6, format!("{}{}", surnames[i % 8], i))?;
        ws.write_string(r, 7, format!("139{:08}", i))?;
    }
    book.save(path)?;
    Ok(())
}

async fn raw(url: &str, n: usize) -> anyhow::Result<()> {
    let db = Database::connect(url).await?;
    let started = Instant::now();
    let txn = db.begin().await?;
    let city_id = compound::Entity::find_by_id(2)
        .one(&txn)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no compound 2 to import into"))?
        .city_id;
    let b = building::Entity::insert(building::ActiveModel {
        compound_id: Set(2),
        sub_compound_id: Set(None),
        name: Set("raw-bench".into()),
        floors: Set(None),
        ..Default::default()
    })
    .exec(&txn)
    .await?
    .last_insert_id;
    let mut units = Vec::new();
    for u in 0..n.div_ceil(PER_UNIT) {
        let model = unit::ActiveModel {
            building_id: Set(b),
            compound_id: Set(2),
            name: Set(format!("u{u}")),
            ..Default::default()
        };
        units.push(unit::Entity::insert(model).exec(&txn).await?.last_insert_id);
    }
    let mut batch = Vec::with_capacity(1000);
    for i in 0..n {
        batch.push(household::ActiveModel {
            unit_id: Set(units[i / PER_UNIT]),
            building_id: Set(b),
            compound_id: Set(2),
            city_id: Set(city_id),
            floor: Set(1),
            room: Set(format!("{}", i % PER_UNIT + 100)),
            area_centi: Set(6000),
            area_source: Set(linli_domain::AreaSource::Registered),
            designated_voter_id: Set(None),
            version: Set(1),
            created_at: Set(0),
            updated_at: Set(0),
            ..Default::default()
        });
        if batch.len() == 1000 {
            household::Entity::insert_many(std::mem::take(&mut batch))
                .exec_without_returning(&txn)
                .await?;
        }
    }
    if !batch.is_empty() {
        household::Entity::insert_many(batch)
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await?;
    let secs = started.elapsed().as_secs_f64();
    let _ = db.execute_unprepared("SELECT 1").await;
    println!(
        "raw {n} households in {secs:.2} s ({:.0} households/s)",
        n as f64 / secs
    );
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("generate") => generate(&args[2], args[3].parse()?),
        Some("setup") => {
            let store = linli_store::Store::open(&args[2]).await?;
            linli_demo_load::load_world(&store, &linli_demo::featured(), 0).await?;
            store.close().await
        }
        Some("raw") => raw(&args[2], args[3].parse()?).await,
        _ => anyhow::bail!("usage: roster_bench generate FILE N | setup URL | raw URL N"),
    }
}
