//! The dashboards' summaries (migration m0031): `compound_summary`, one row per compound
//! with the figures the region dashboards add up; `region_summary`, those rows added up per
//! region by child region, mode, status and star rating (what a dashboard reads); and
//! `elevator_project_summary`, one row per elevator project with its money; and (migration
//! m0033) `region_progress` and `region_marks`, each region's assessments by period and the
//! marks of its compounds' latest assessments by standard; and (migration m0036)
//! `region_grid`, each region's compounds' statuses as one text, the dashboard's grid.
//!
//! The rule: a write that changes a dashboard figure refreshes its compound's summary in the
//! same transaction. The hook is the audit trail, which every write already passes through
//! inside its transaction, after the change: a record of one of the [`SUMMARISED`] entities
//! on a compound's chain recomputes that compound's row (and an elevator project's record
//! its project's row) from the compound's own rows, a handful of indexed reads; when the
//! row changed, its four regions' rollups are added up again from their compounds' rows (and
//! their grids written again when its status changed); an
//! assessment's record recounts its period and its latest marks in its four regions. Bulk
//! loaders that write without the trail (the demo) call [`Store::rebuild_summaries`] at the
//! end; `linli rebuild-summaries` does the same by hand. Summaries are derived bookkeeping,
//! not governed state: they are not themselves in the audit trail.
//!
//! The per-compound figures are computed by one SQL text whatever the scope (one compound
//! or all), so a refreshed row and a rebuilt one cannot disagree.

use crate::Store;
use crate::audit::GLOBAL_CHAIN;
use crate::error::ServiceResult;
use crate::migration::m0031_compound_summary::{COUNTERS, REGIONS};
use sea_orm::{ConnectionTrait, DbBackend, Statement};

/// Entities whose audited changes may change a compound's dashboard figures.
pub(crate) const SUMMARISED: [&str; 6] = [
    "compound",
    "assessment",
    "star_rating",
    "compound_plan",
    "plan_item",
    "elevator_project",
];

/// The placeholder of the one parameter (the compound or project id), repeated.
fn param(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => "$1",
        _ => "?1",
    }
}

/// The placeholder of the second parameter (an assessment's period).
fn param2(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => "$2",
        _ => "?2",
    }
}

/// `TRUE` as both databases write it in a comparison.
pub(crate) fn truth(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => "TRUE",
        _ => "1",
    }
}

/// All six items: the mask of a six-have compound.
pub(crate) const SIX: i32 = 0b11_1111;

/// The status of the compound `c` as the database computes it, `CompoundStatus::of` in SQL:
/// 0 three-no, 1 in progress, 2 six-have (its index in `CompoundStatus::ALL`).
pub(crate) fn compound_status(backend: DbBackend) -> String {
    let t = truth(backend);
    format!("CASE WHEN c.three_no = {t} THEN 0 WHEN c.six_have = {SIX} THEN 2 ELSE 1 END")
}

/// A counter's value over the joined rows: `c` the compound, `s` its latest star rating,
/// `p` its plan, `i` the plan's items by kind, `e` its elevator projects by stage.
fn counter(col: &str, backend: DbBackend) -> String {
    let t = truth(backend);
    let e = match col {
        "status" => compound_status(backend),
        "stars" => "COALESCE(s.stars, -1)".into(),
        "vetoed" => format!("CASE WHEN s.vetoed = {t} THEN 1 ELSE 0 END"),
        "reward" => "COALESCE(s.reward, 0)".into(),
        "plan" => "CASE WHEN p.id IS NULL THEN 0 ELSE 1 END".into(),
        "plan_done" => {
            "CASE WHEN p.items_total > 0 AND p.items_done = p.items_total THEN 1 ELSE 0 END".into()
        }
        c if c.starts_with("reno_") => format!("COALESCE(i.{c}, 0)"),
        c if c.starts_with("elevator_") => format!("COALESCE(e.{c}, 0)"),
        // households_benefited and budget_<channel>: the plan's own figures.
        c => format!("COALESCE(p.{c}, 0)"),
    };
    format!("CAST({e} AS BIGINT)")
}

/// A renovation counter inside the items' GROUP BY: `reno_<kind>_<quantity|done|plans>`.
fn renovation(col: &str, backend: DbBackend) -> Option<String> {
    let rest = col.strip_prefix("reno_")?;
    let (kind, what) = rest.rsplit_once('_')?;
    let on = format!("i.kind = '{kind}'");
    Some(match what {
        "quantity" => format!("SUM(CASE WHEN {on} THEN i.quantity ELSE 0 END) AS {col}"),
        "done" => format!(
            "SUM(CASE WHEN {on} AND i.done = {} THEN i.quantity ELSE 0 END) AS {col}",
            truth(backend)
        ),
        _ => format!("MAX(CASE WHEN {on} THEN 1 ELSE 0 END) AS {col}"),
    })
}

/// `INSERT INTO compound_summary … SELECT …` of the named counters, for the compound given
/// as the statement's one parameter (`one`) or for every compound.
pub(crate) fn fill_sql(backend: DbBackend, counters: &[&str], one: bool) -> String {
    let id = param(backend);
    let only = |col: &str| {
        if one {
            format!(" WHERE {col} = {id}")
        } else {
            String::new()
        }
    };
    let items: Vec<String> = counters
        .iter()
        .filter_map(|c| renovation(c, backend))
        .collect();
    let stages: Vec<String> = counters
        .iter()
        .filter_map(|c| c.strip_prefix("elevator_").map(|s| (c, s)))
        .map(|(c, s)| format!("SUM(CASE WHEN stage = '{s}' THEN 1 ELSE 0 END) AS {c}"))
        .collect();
    let values: Vec<String> = counters.iter().map(|c| counter(c, backend)).collect();
    let items_join = if items.is_empty() {
        String::new()
    } else {
        format!(
            " LEFT JOIN (SELECT i.plan_id, {} FROM plan_item i JOIN compound_plan ip ON ip.id = i.plan_id{} GROUP BY i.plan_id) i ON i.plan_id = p.id",
            items.join(", "),
            only("ip.compound_id")
        )
    };
    let stages_join = if stages.is_empty() {
        String::new()
    } else {
        format!(
            " LEFT JOIN (SELECT compound_id, {} FROM elevator_project{} GROUP BY compound_id) e ON e.compound_id = c.id",
            stages.join(", "),
            only("compound_id")
        )
    };
    format!(
        "INSERT INTO compound_summary (compound_id, city_id, district_id, subdistrict_id, community_id, management_mode, {cols}) \
         SELECT c.id, c.city_id, c.district_id, c.subdistrict_id, c.community_id, c.management_mode, {values} \
         FROM compound c LEFT JOIN star_rating s ON s.compound_id = c.id AND s.latest = {t} \
         LEFT JOIN compound_plan p ON p.compound_id = c.id{items_join}{stages_join}{filter}",
        cols = counters.join(", "),
        values = values.join(", "),
        t = truth(backend),
        filter = only("c.id"),
    )
}

/// `INSERT INTO elevator_project_summary … SELECT …` for the project given as the one
/// parameter (`one`) or for every project. Outstanding is the ledger's rule: once the share
/// table is fixed, what each household's share exceeds its payments by; before, the amount
/// due (cost less subsidy) less what was paid.
pub(crate) fn fill_projects_sql(backend: DbBackend, one: bool) -> String {
    let id = param(backend);
    let (only, only_pay, only_share) = if one {
        (
            format!(" WHERE p.id = {id}"),
            format!(" WHERE project_id = {id}"),
            format!(" WHERE sh.project_id = {id}"),
        )
    } else {
        Default::default()
    };
    let pos = |x: &str| format!("CASE WHEN {x} > 0 THEN {x} ELSE 0 END");
    let due = pos("COALESCE(p.total_cost, 0) - p.subsidy");
    let unfixed = pos(&format!("{due} - COALESCE(pd.paid, 0)"));
    let owed = pos("sh.amount - COALESCE(h.paid, 0)");
    format!(
        "INSERT INTO elevator_project_summary (project_id, compound_id, paid, outstanding, households_owing) \
         SELECT p.id, p.compound_id, CAST(COALESCE(pd.paid, 0) AS BIGINT), \
         CAST(CASE WHEN p.shares_fixed_at IS NULL THEN {unfixed} ELSE COALESCE(o.outstanding, 0) END AS BIGINT), \
         CAST(CASE WHEN p.shares_fixed_at IS NULL THEN 0 ELSE COALESCE(o.owing, 0) END AS BIGINT) \
         FROM elevator_project p \
         LEFT JOIN (SELECT project_id, SUM(amount) AS paid FROM elevator_payment{only_pay} GROUP BY project_id) pd ON pd.project_id = p.id \
         LEFT JOIN (SELECT sh.project_id, SUM({owed}) AS outstanding, SUM(CASE WHEN {owed} > 0 THEN 1 ELSE 0 END) AS owing \
           FROM elevator_share sh LEFT JOIN (SELECT project_id, household_id, SUM(amount) AS paid FROM elevator_payment{only_pay} GROUP BY project_id, household_id) h \
           ON h.project_id = sh.project_id AND h.household_id = sh.household_id{only_share} GROUP BY sh.project_id) o ON o.project_id = p.id{only}"
    )
}

/// `INSERT INTO region_summary … SELECT … GROUP BY …` of the regions at `level` (0 city …
/// 3 community): the region given as the one parameter (`one`) or all of them.
pub(crate) fn rollup_sql(backend: DbBackend, counters: &[&str], level: usize, one: bool) -> String {
    let col = REGIONS.get(level).copied().unwrap_or("community_id");
    let child = REGIONS.get(level + 1).copied().unwrap_or("0");
    let (keys, summed) = counters.split_at(3.min(counters.len()));
    let sums: Vec<String> = summed
        .iter()
        .map(|c| format!("CAST(SUM({c}) AS BIGINT)"))
        .collect();
    let filter = if one {
        format!(" WHERE {col} = {}", param(backend))
    } else {
        String::new()
    };
    // A community has no child regions: its rows carry 0 (not grouped by: a constant in a
    // GROUP BY would be read as a column number).
    let group_child = if level + 1 < REGIONS.len() {
        format!("{child}, ")
    } else {
        String::new()
    };
    format!(
        "INSERT INTO region_summary (region_id, child_id, management_mode, {keys}, compounds, {summed}) \
         SELECT {col}, {child}, management_mode, {keys}, CAST(COUNT(*) AS BIGINT), {sums} FROM compound_summary{filter} \
         GROUP BY {col}, {group_child}management_mode, {keys}",
        keys = keys.join(", "),
        summed = summed.join(", "),
        sums = sums.join(", "),
    )
}

/// `INSERT INTO region_grid … SELECT …` of the regions at `level`: a digit per compound of
/// the region (its summary's status: 0 three-no, 1 in progress, 2 six-have) in the order of
/// the compounds' ids, every compound (how many the dashboard draws is the dashboard's
/// choice). `one`: only the region given as the statement's one parameter.
pub(crate) fn grid_sql(backend: DbBackend, level: usize, one: bool) -> String {
    let col = REGIONS.get(level).copied().unwrap_or("community_id");
    let filter = if one {
        format!(" WHERE {col} = {}", param(backend))
    } else {
        String::new()
    };
    format!(
        "INSERT INTO region_grid (region_id, grid) \
         SELECT {col}, string_agg(CAST(status AS TEXT), '' ORDER BY compound_id) \
         FROM compound_summary{filter} GROUP BY {col}"
    )
}

/// `INSERT INTO region_progress … SELECT …` of the regions at `level`: each period's
/// assessments, how many found the compound three-no and how many six-have (the counts the
/// dashboard's progress chart draws). `one`: only the region and period given as the
/// statement's two parameters.
pub(crate) fn progress_sql(backend: DbBackend, level: usize, one: bool) -> String {
    let col = REGIONS.get(level).copied().unwrap_or("community_id");
    let filter = if one {
        format!(
            " WHERE {col} = {} AND period = {}",
            param(backend),
            param2(backend)
        )
    } else {
        String::new()
    };
    format!(
        "INSERT INTO region_progress (region_id, period, assessed, three_no, six_have) \
         SELECT {col}, period, CAST(COUNT(*) AS BIGINT), \
         CAST(SUM(CASE WHEN three_no = {t} THEN 1 ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN six_have = 63 THEN 1 ELSE 0 END) AS BIGINT) \
         FROM assessment{filter} GROUP BY {col}, period",
        t = truth(backend),
    )
}

/// `INSERT INTO region_marks … SELECT …` of the regions at `level`: the latest assessments'
/// letters counted per position (`m` met, `p` partly, anything else not met), apart for each
/// number of letters. `one`: only the region given as the statement's one parameter.
pub(crate) fn marks_sql(backend: DbBackend, level: usize, one: bool) -> String {
    let col = REGIONS.get(level).copied().unwrap_or("community_id");
    let latest = format!("latest = {}", truth(backend));
    let (only, a_only) = if one {
        (
            format!(" AND {col} = {}", param(backend)),
            format!(" AND a.{col} = {}", param(backend)),
        )
    } else {
        Default::default()
    };
    let letter = "SUBSTR(a.letters, k.position, 1)";
    format!(
        "INSERT INTO region_marks (region_id, standards, position, met, partly, not_met) \
         WITH RECURSIVE k(position) AS (SELECT 1 UNION ALL SELECT position + 1 FROM k \
         WHERE position < (SELECT MAX(LENGTH(letters)) FROM assessment WHERE {latest}{only})) \
         SELECT a.{col}, CAST(LENGTH(a.letters) AS BIGINT), CAST(k.position AS BIGINT), \
         CAST(SUM(CASE WHEN {letter} = 'm' THEN 1 ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN {letter} = 'p' THEN 1 ELSE 0 END) AS BIGINT), \
         CAST(SUM(CASE WHEN {letter} IN ('m', 'p') THEN 0 ELSE 1 END) AS BIGINT) \
         FROM assessment a JOIN k ON k.position <= LENGTH(a.letters) \
         WHERE a.{latest}{a_only} GROUP BY a.{col}, LENGTH(a.letters), k.position"
    )
}

/// Every region's progress and marks from scratch: the migration and [`rebuild`].
pub(crate) fn rollups_sql(backend: DbBackend) -> Vec<String> {
    (0..REGIONS.len())
        .flat_map(|level| {
            [
                progress_sql(backend, level, false),
                marks_sql(backend, level, false),
            ]
        })
        .collect()
}

async fn exec<C: ConnectionTrait>(db: &C, sql: &str, id: Option<i64>) -> ServiceResult<()> {
    let backend = db.get_database_backend();
    let stmt = match id {
        Some(id) => Statement::from_sql_and_values(backend, sql, [id.into()]),
        None => Statement::from_string(backend, sql),
    };
    db.execute_raw(stmt).await?;
    Ok(())
}

/// Recomputes one compound's summary row from its own rows, inside the caller's transaction.
pub(crate) async fn refresh_compound<C: ConnectionTrait>(
    db: &C,
    compound_id: i64,
) -> ServiceResult<()> {
    let backend = db.get_database_backend();
    let delete = format!(
        "DELETE FROM compound_summary WHERE compound_id = {}",
        param(backend)
    );
    let before = summary_row(db, compound_id).await?;
    exec(db, &delete, Some(compound_id)).await?;
    exec(db, &fill_sql(backend, &COUNTERS, true), Some(compound_id)).await?;
    let after = summary_row(db, compound_id).await?;
    if before == after {
        return Ok(());
    }
    // The grids show the status alone: written again only when it changed (or the compound
    // is new), not for a plan or a rating.
    let status_at = REGIONS.len() + 1 + COUNTERS.iter().position(|c| *c == "status").unwrap_or(0);
    let status = |row: &Option<Vec<String>>| row.as_ref().and_then(|r| r.get(status_at).cloned());
    let grid_changed = status(&before) != status(&after);
    // The compound's four regions (before and after, should it have moved), added up
    // again from their compounds' rows.
    let mut regions: Vec<(usize, i64)> = [before, after]
        .iter()
        .flatten()
        .flat_map(|r| r.iter().take(REGIONS.len()).enumerate())
        .map(|(level, id)| (level, id.parse().unwrap_or(0)))
        .collect();
    regions.sort_unstable();
    regions.dedup();
    let delete = format!(
        "DELETE FROM region_summary WHERE region_id = {}",
        param(backend)
    );
    let delete_grid = format!(
        "DELETE FROM region_grid WHERE region_id = {}",
        param(backend)
    );
    for (level, region) in regions {
        lock_region(db, region).await?;
        exec(db, &delete, Some(region)).await?;
        exec(
            db,
            &rollup_sql(backend, &COUNTERS, level, true),
            Some(region),
        )
        .await?;
        if grid_changed {
            exec(db, &delete_grid, Some(region)).await?;
            exec(db, &grid_sql(backend, level, true), Some(region)).await?;
        }
    }
    Ok(())
}

/// A compound's summary row as text (its region ids first), to tell whether it changed.
async fn summary_row<C: ConnectionTrait>(
    db: &C,
    compound_id: i64,
) -> ServiceResult<Option<Vec<String>>> {
    let backend = db.get_database_backend();
    let sql = format!(
        "SELECT {}, management_mode, {} FROM compound_summary WHERE compound_id = {}",
        REGIONS.join(", "),
        COUNTERS.join(", "),
        param(backend)
    );
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [compound_id.into()],
        ))
        .await?;
    Ok(row.map(|row| {
        (0..REGIONS.len() + 1 + COUNTERS.len())
            .map(|i| {
                row.try_get_by_index::<i64>(i)
                    .map(|v| v.to_string())
                    .or_else(|_| row.try_get_by_index::<String>(i))
                    .unwrap_or_default()
            })
            .collect()
    }))
}

/// Recomputes one elevator project's summary row, inside the caller's transaction.
pub(crate) async fn refresh_project<C: ConnectionTrait>(
    db: &C,
    project_id: i64,
) -> ServiceResult<()> {
    let backend = db.get_database_backend();
    let delete = format!(
        "DELETE FROM elevator_project_summary WHERE project_id = {}",
        param(backend)
    );
    exec(db, &delete, Some(project_id)).await?;
    exec(db, &fill_projects_sql(backend, true), Some(project_id)).await
}

/// What an audited change asks of the summaries: called by the audit trail after it records
/// `entity` #`id` on `chain`.
pub(crate) async fn after_change<C: ConnectionTrait>(
    db: &C,
    chain: i64,
    entity: &str,
    id: i64,
) -> ServiceResult<()> {
    if chain == GLOBAL_CHAIN || !SUMMARISED.contains(&entity) {
        return Ok(());
    }
    match entity {
        "assessment" => return refresh_assessment(db, id).await,
        "elevator_project" => refresh_project(db, id).await?,
        _ => {}
    }
    refresh_compound(db, chain).await
}

/// Recounts an assessment's period, and (for a latest one) the latest marks, in each of its four regions (the
/// regions it was recorded in), inside the caller's transaction. A new latest assessment
/// changes the compound's marks; its status, if changed, comes with a record of the compound.
async fn refresh_assessment<C: ConnectionTrait>(db: &C, id: i64) -> ServiceResult<()> {
    let backend = db.get_database_backend();
    let sql = format!(
        "SELECT period, {}, CASE WHEN latest = {} THEN 1 ELSE 0 END FROM assessment WHERE id = {}",
        REGIONS.join(", "),
        truth(backend),
        param(backend)
    );
    let Some(row) = db
        .query_one_raw(Statement::from_sql_and_values(backend, sql, [id.into()]))
        .await?
    else {
        return Ok(());
    };
    let period: String = row.try_get_by_index(0)?;
    // Only a latest assessment's marks are counted: an earlier period's leaves them as they are
    // (a newer period's record recounts them when it takes the place of the latest).
    let latest = row
        .try_get_by_index::<i32>(REGIONS.len() + 1)
        .map(|v| v == 1)
        .or_else(|_| {
            row.try_get_by_index::<i64>(REGIONS.len() + 1)
                .map(|v| v == 1)
        })?;
    for level in 0..REGIONS.len() {
        let region: i64 = row.try_get_by_index(level + 1)?;
        lock_region(db, region).await?;
        let both = |sql: &str| {
            Statement::from_sql_and_values(backend, sql, [region.into(), period.clone().into()])
        };
        let delete = format!(
            "DELETE FROM region_progress WHERE region_id = {} AND period = {}",
            param(backend),
            param2(backend)
        );
        db.execute_raw(both(&delete)).await?;
        db.execute_raw(both(&progress_sql(backend, level, true)))
            .await?;
        if latest {
            let delete = format!(
                "DELETE FROM region_marks WHERE region_id = {}",
                param(backend)
            );
            exec(db, &delete, Some(region)).await?;
            exec(db, &marks_sql(backend, level, true), Some(region)).await?;
        }
    }
    Ok(())
}

/// On PostgreSQL two writers in one region would each delete the rows their snapshot saw and
/// both insert: the region's rows would count twice. A lock per region, taken in one order
/// (city first), makes them take turns; SQLite has one writer at a time anyway.
async fn lock_region<C: ConnectionTrait>(db: &C, region: i64) -> ServiceResult<()> {
    if db.get_database_backend() == DbBackend::Postgres {
        let lock = "SELECT pg_advisory_xact_lock(1381060429, CAST(MOD($1, 2147483647) AS INTEGER))";
        exec(db, lock, Some(region)).await?;
    }
    Ok(())
}

/// Recomputes every summary from scratch, inside the caller's transaction.
pub(crate) async fn rebuild<C: ConnectionTrait>(db: &C) -> ServiceResult<()> {
    let backend = db.get_database_backend();
    exec(db, "DELETE FROM elevator_project_summary", None).await?;
    exec(db, "DELETE FROM region_summary", None).await?;
    exec(db, "DELETE FROM compound_summary", None).await?;
    exec(db, "DELETE FROM region_progress", None).await?;
    exec(db, "DELETE FROM region_marks", None).await?;
    exec(db, "DELETE FROM region_grid", None).await?;
    exec(db, &fill_sql(backend, &COUNTERS, false), None).await?;
    for level in 0..REGIONS.len() {
        exec(db, &rollup_sql(backend, &COUNTERS, level, false), None).await?;
        exec(db, &grid_sql(backend, level, false), None).await?;
    }
    for sql in rollups_sql(backend) {
        exec(db, &sql, None).await?;
    }
    exec(db, &fill_projects_sql(backend, false), None).await
}

impl Store {
    /// Recomputes every compound's and elevator project's summary from the rows they sum, in
    /// one transaction: after a bulk load that wrote without the audit trail (the demo), or
    /// by hand (`linli rebuild-summaries`). Returns the number of compounds summarised.
    pub async fn rebuild_summaries(&self) -> ServiceResult<u64> {
        let txn = self.begin_write().await?;
        rebuild(&txn).await?;
        txn.commit().await?;
        let backend = self.read().get_database_backend();
        let n = self
            .read()
            .query_one_raw(Statement::from_string(
                backend,
                "SELECT CAST(COUNT(*) AS BIGINT) FROM compound_summary",
            ))
            .await?
            .and_then(|r| r.try_get_by_index::<i64>(0).ok())
            .unwrap_or(0);
        Ok(u64::try_from(n).unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use linli_domain::elevator::ElevatorStage;
    use linli_domain::standards::{Channel, RenovationKind};

    #[test]
    fn every_kind_channel_and_stage_has_its_columns() {
        for k in RenovationKind::ALL {
            for what in ["quantity", "done", "plans"] {
                let col = format!("reno_{}_{what}", k.as_str());
                assert!(COUNTERS.contains(&col.as_str()), "{col}");
            }
        }
        for c in Channel::ALL {
            let col = format!("budget_{}", c.as_str());
            assert!(COUNTERS.contains(&col.as_str()), "{col}");
        }
        for s in ElevatorStage::ALL {
            let col = format!("elevator_{}", s.as_str());
            assert!(COUNTERS.contains(&col.as_str()), "{col}");
        }
    }
}
