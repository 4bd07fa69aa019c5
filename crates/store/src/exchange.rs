//! The household roster as CSV, in and out, and backups.
//!
//! The CSV has the headers committees use (楼栋, 单元, 楼层, 房号, 专有面积, 面积来源, 业主,
//! 电话), so an export can be edited in a spreadsheet and imported again. Import checks every
//! row first and writes nothing while any row is wrong; then it writes all rows in one
//! transaction, creating missing buildings and units, updating changed households and leaving
//! identical ones alone. (Excel files and the full import workflow are a later issue.)

use crate::audit::{self, Change};
use crate::entity::{building, household, ownership, person, unit};
use crate::{Backend, Store, now};
use anyhow::Context;
use linli_domain::registry::{Floor, Room, Text};
use linli_domain::{Area, AreaSource, Lang};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

pub const HEADERS: [&str; 8] = ["楼栋", "单元", "楼层", "房号", "专有面积", "面积来源", "业主", "电话"];

/// Writes a compound's households as CSV, ordered by building, unit, floor and room.
pub async fn export_roster<W: std::io::Write>(store: &Store, compound_id: i64, out: W) -> anyhow::Result<usize> {
    let db = store.read();
    let buildings: HashMap<i64, String> =
        building::Entity::find().filter(building::Column::CompoundId.eq(compound_id)).all(db).await?.into_iter().map(|b| (b.id, b.name)).collect();
    let units: HashMap<i64, String> =
        unit::Entity::find().filter(unit::Column::CompoundId.eq(compound_id)).all(db).await?.into_iter().map(|u| (u.id, u.name)).collect();
    let rows = household::Entity::find()
        .filter(household::Column::CompoundId.eq(compound_id))
        .order_by_asc(household::Column::BuildingId)
        .order_by_asc(household::Column::UnitId)
        .order_by_asc(household::Column::Floor)
        .order_by_asc(household::Column::Room)
        .all(db)
        .await?;
    let owners = ownership::Entity::find()
        .filter(ownership::Column::HouseholdId.is_in(rows.iter().map(|h| h.id).collect::<Vec<_>>()))
        .order_by_asc(ownership::Column::Id)
        .all(db)
        .await?;
    let people: HashMap<i64, person::Model> = person::Entity::find()
        .filter(person::Column::Id.is_in(owners.iter().map(|o| o.person_id).collect::<Vec<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let mut w = csv::Writer::from_writer(out);
    w.write_record(HEADERS)?;
    for h in &rows {
        let mine: Vec<&person::Model> = owners.iter().filter(|o| o.household_id == h.id).filter_map(|o| people.get(&o.person_id)).collect();
        let area = Area::from_centi(h.area_centi).map(|a| a.to_string()).unwrap_or_default();
        let source = AreaSource::parse(&h.area_source).map(|s| s.label(Lang::Zh)).unwrap_or("");
        w.write_record([
            buildings.get(&h.building_id).map(String::as_str).unwrap_or(""),
            units.get(&h.unit_id).map(String::as_str).unwrap_or(""),
            &h.floor.to_string(),
            &h.room,
            &area,
            source,
            &mine.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join("、"),
            mine.first().and_then(|p| p.phone.as_deref()).unwrap_or(""),
        ])?;
    }
    w.flush()?;
    Ok(rows.len())
}

/// One bad cell of an import, by spreadsheet row (the header is row 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub row: usize,
    pub column: &'static str,
    pub value: String,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub errors: Vec<RowError>,
}

struct Row {
    building: Text,
    unit: Text,
    floor: Floor,
    room: Room,
    area: Area,
    source: AreaSource,
}

/// Imports a roster CSV into a compound: all rows or none.
pub async fn import_roster<R: std::io::Read>(store: &Store, compound_id: i64, input: R, lang: Lang) -> anyhow::Result<ImportReport> {
    let mut report = ImportReport::default();
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let headers = rdr.headers().context("reading the header row")?.clone();
    let col = |name: &str| headers.iter().position(|h| h.trim().trim_start_matches('\u{feff}') == name);
    let idx: Vec<Option<usize>> = HEADERS.iter().map(|h| col(h)).collect();
    for (i, h) in HEADERS.iter().enumerate().take(5) {
        if idx[i].is_none() {
            report.errors.push(RowError { row: 1, column: h, value: String::new(), message: lang.pick("缺少这一列", "column missing").into() });
        }
    }
    if !report.errors.is_empty() {
        return Ok(report);
    }
    let mut rows = Vec::new();
    let mut seen: HashMap<(String, String, String), usize> = HashMap::new();
    for (n, rec) in rdr.records().enumerate() {
        let line = n + 2;
        let rec = rec.with_context(|| format!("row {line}"))?;
        let get = |i: usize| idx[i].and_then(|c| rec.get(c)).unwrap_or("").to_string();
        if (0..5).all(|i| get(i).trim().is_empty()) {
            continue;
        }
        let mut bad = |column: &'static str, value: String, e: linli_domain::Invalid| {
            report.errors.push(RowError { row: line, column, value, message: e.message(lang) })
        };
        let building = Text::parse(&get(0), 100).map_err(|e| bad(HEADERS[0], get(0), e)).ok();
        let unit = Text::parse(&get(1), 100).map_err(|e| bad(HEADERS[1], get(1), e)).ok();
        let floor = Floor::parse(&get(2)).map_err(|e| bad(HEADERS[2], get(2), e)).ok();
        let room = Room::parse(&get(3)).map_err(|e| bad(HEADERS[3], get(3), e)).ok();
        let area = Area::parse(&get(4)).map_err(|e| bad(HEADERS[4], get(4), e)).ok();
        let source_text = get(5);
        let source = if source_text.trim().is_empty() {
            Some(AreaSource::Registered)
        } else {
            AreaSource::parse(&source_text).map_err(|e| bad(HEADERS[5], source_text.clone(), e)).ok()
        };
        if let (Some(building), Some(unit), Some(floor), Some(room), Some(area), Some(source)) = (building, unit, floor, room, area, source) {
            let key = (building.as_str().to_string(), unit.as_str().to_string(), room.as_str().to_string());
            if let Some(first) = seen.insert(key, line) {
                report.errors.push(RowError {
                    row: line,
                    column: HEADERS[3],
                    value: room.as_str().to_string(),
                    message: format!("{} ({first})", linli_domain::Invalid::DuplicateRoom { room: room.as_str().to_string() }.message(lang)),
                });
                continue;
            }
            rows.push(Row { building, unit, floor, room, area, source });
        }
    }
    if !report.errors.is_empty() {
        return Ok(report);
    }
    let t = now();
    let txn = store.begin_write().await?;
    let mut buildings: HashMap<String, i64> =
        building::Entity::find().filter(building::Column::CompoundId.eq(compound_id)).all(&txn).await?.into_iter().map(|b| (b.name, b.id)).collect();
    let mut units: HashMap<(i64, String), i64> =
        unit::Entity::find().filter(unit::Column::CompoundId.eq(compound_id)).all(&txn).await?.into_iter().map(|u| ((u.building_id, u.name), u.id)).collect();
    for r in rows {
        let b_id = match buildings.get(r.building.as_str()) {
            Some(id) => *id,
            None => {
                let id = building::Entity::insert(building::ActiveModel {
                    compound_id: Set(compound_id),
                    sub_compound_id: Set(None),
                    name: Set(r.building.as_str().to_string()),
                    floors: Set(None),
                    ..Default::default()
                })
                .exec(&txn)
                .await?
                .last_insert_id;
                buildings.insert(r.building.as_str().to_string(), id);
                id
            }
        };
        let u_id = match units.get(&(b_id, r.unit.as_str().to_string())) {
            Some(id) => *id,
            None => {
                let id = unit::Entity::insert(unit::ActiveModel {
                    building_id: Set(b_id),
                    compound_id: Set(compound_id),
                    name: Set(r.unit.as_str().to_string()),
                    ..Default::default()
                })
                .exec(&txn)
                .await?
                .last_insert_id;
                units.insert((b_id, r.unit.as_str().to_string()), id);
                id
            }
        };
        let existing = household::Entity::find()
            .filter(household::Column::UnitId.eq(u_id))
            .filter(household::Column::Room.eq(r.room.as_str()))
            .one(&txn)
            .await?;
        match existing {
            Some(h) if h.floor == r.floor.get() && h.area_centi == r.area.centi() && h.area_source == r.source.as_str() => report.unchanged += 1,
            Some(h) => {
                household::Entity::update_many()
                    .col_expr(household::Column::Floor, Expr::value(r.floor.get()))
                    .col_expr(household::Column::AreaCenti, Expr::value(r.area.centi()))
                    .col_expr(household::Column::AreaSource, Expr::value(r.source.as_str()))
                    .col_expr(household::Column::Version, Expr::value(h.version + 1))
                    .col_expr(household::Column::UpdatedAt, Expr::value(t))
                    .filter(household::Column::Id.eq(h.id))
                    .exec(&txn)
                    .await?;
                record(&txn, compound_id, "household.import_update", h.id, Some(&h), &r).await?;
                report.updated += 1;
            }
            None => {
                let id = household::Entity::insert(household::ActiveModel {
                    unit_id: Set(u_id),
                    building_id: Set(b_id),
                    compound_id: Set(compound_id),
                    floor: Set(r.floor.get()),
                    room: Set(r.room.as_str().to_string()),
                    area_centi: Set(r.area.centi()),
                    area_source: Set(r.source.as_str().to_string()),
                    designated_voter_id: Set(None),
                    version: Set(1),
                    created_at: Set(t),
                    updated_at: Set(t),
                    ..Default::default()
                })
                .exec(&txn)
                .await?
                .last_insert_id;
                record(&txn, compound_id, "household.import_create", id, None, &r).await?;
                report.created += 1;
            }
        }
    }
    txn.commit().await?;
    Ok(report)
}

async fn record<C: ConnectionTrait>(db: &C, chain: i64, action: &str, id: i64, before: Option<&household::Model>, r: &Row) -> anyhow::Result<()> {
    audit::record(
        db,
        Change {
            chain,
            actor: None,
            action,
            entity: "household",
            entity_id: id,
            before: before.map(|h| serde_json::json!({"floor": h.floor, "room": h.room, "area_centi": h.area_centi, "area_source": h.area_source})),
            after: Some(serde_json::json!({"floor": r.floor.get(), "room": r.room.as_str(), "area_centi": r.area.centi(), "area_source": r.source.as_str()})),
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))
}

/// Writes a consistent copy of the database: `VACUUM INTO` for SQLite (safe while serving),
/// `pg_dump` for PostgreSQL.
pub async fn backup(store: &Store, url: &str, target: &std::path::Path) -> anyhow::Result<()> {
    if target.exists() {
        anyhow::bail!("{} already exists; choose a new file", target.display());
    }
    match store.backend() {
        Backend::Sqlite => {
            let path = target.to_str().context("backup path is not UTF-8")?.replace('\'', "''");
            store.write().execute_unprepared(&format!("VACUUM INTO '{path}'")).await?;
        }
        Backend::Postgres => {
            let status = std::process::Command::new("pg_dump")
                .args(["--format=custom", "--file"])
                .arg(target)
                .arg(url)
                .status()
                .context("running pg_dump (install the PostgreSQL client)")?;
            if !status.success() {
                anyhow::bail!("pg_dump failed with {status}");
            }
        }
    }
    Ok(())
}
