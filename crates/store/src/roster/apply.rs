//! Writing an import: one transaction, the plan made again inside it against the current
//! data, new households, people and ownerships inserted in batches, changed households
//! updated one by one (with their version raised), and one audit record per household that
//! changed, all appended to the compound's chain at once.
//!
//! A confirmed preview is claimed inside the same transaction (its status goes from
//! `pending` to `applied` with the rows): a crash before the commit leaves it pending and a
//! retry works; two confirmations cannot both write it. Imports into one compound take turns
//! (a row lock on the compound on PostgreSQL; SQLite has one writer), and a household the
//! preview was to create that another import created meanwhile refuses the confirmation,
//! naming the room, instead of overwriting what the other one wrote.
//!
//! Owners become people once per person ([`linli_sheet::roster::people`]); a person already in the
//! registry with the same name and phone (or ID tail) is that person, not a new one.

use super::Laps;
use super::plan::{Action, Snapshot, diff};
use crate::audit::{self, Change};
use crate::bulk::{Bulk, Ty};
use crate::entity::{household, person, roster_import};
use crate::error::{ServiceError, ServiceResult};
use crate::registry::owner_names::{self, Households};
use crate::{Backend, Store};
use linli_domain::registry::ImportStatus;
use linli_sheet::roster::people::{Identities, Person, identify};
use linli_sheet::roster::{Progress, RosterRow};
use sea_orm::sea_query::{ArrayType, Expr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait, QueryFilter,
    Statement, Value,
};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// What an import wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Applied {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
}

/// Values per lookup of registry people: an `IN` list on SQLite (under its limit of bound
/// values), one array parameter on PostgreSQL.
const BATCH: usize = 10_000;

/// New households written (with their people, ownerships and audit records) per round.
const CHUNK: usize = 5_000;

/// SQLite's page cache during a large import, in KiB.
const IMPORT_CACHE_KIB: usize = 64 * 1024;

/// Shares of `n` co-owners in basis points, summing to 10,000; the first takes the remainder.
fn shares(n: usize) -> Vec<i32> {
    let n = n.max(1) as i32;
    let each = 10_000 / n;
    let mut v = vec![each; n as usize];
    v[0] += 10_000 - each * n;
    v
}

/// `n` fresh ids for `table`, taken inside the write transaction: PostgreSQL hands them out
/// from the table's sequence (safe against other writers); SQLite has one writer, so the ids
/// after the current maximum are ours until commit.
async fn reserve_ids(
    txn: &DatabaseTransaction,
    backend: Backend,
    table: &str,
    n: usize,
) -> ServiceResult<Vec<i64>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    let db = txn.get_database_backend();
    match backend {
        Backend::Postgres => {
            // The sequence is looked up once (`pg_get_serial_sequence` for every id cost more
            // than the ids: 100,000 ids took 410 ms, 140 ms with one lookup), and the ids come
            // back as one text, not a row each. `OFFSET 0` keeps the planner from pulling the
            // lookup up into the outer query, where it ran once per id.
            let sql = format!(
                "SELECT string_agg(nextval(q.s)::text, ',') \
                 FROM (SELECT pg_get_serial_sequence('{table}', 'id')::regclass AS s OFFSET 0) q, \
                 generate_series(1, {n})"
            );
            let row = txn.query_one_raw(Statement::from_string(db, sql)).await?;
            let ids: String = row
                .map(|r| r.try_get_by_index::<String>(0))
                .transpose()?
                .unwrap_or_default();
            let ids = ids
                .split(',')
                .map(|id| id.parse::<i64>())
                .collect::<Result<Vec<i64>, _>>()
                .map_err(|e| ServiceError::Internal(e.into()))?;
            if ids.len() != n {
                return Err(ServiceError::Internal(anyhow::anyhow!(
                    "{table}: {} ids reserved of {n}",
                    ids.len()
                )));
            }
            Ok(ids)
        }
        Backend::Sqlite => {
            let sql = format!("SELECT COALESCE(MAX(id), 0) FROM {table}");
            let row = txn.query_one_raw(Statement::from_string(db, sql)).await?;
            let max: i64 = row
                .map(|r| r.try_get_by_index::<i64>(0))
                .transpose()?
                .unwrap_or(0);
            Ok((1..=n as i64).map(|i| max + i).collect())
        }
    }
}

/// A building row as the bulk writer sends it (the roster import and the demo alike).
pub const BUILDING_COLUMNS: &[(&str, Ty)] = &[
    ("id", Ty::BigInt),
    ("compound_id", Ty::BigInt),
    ("sub_compound_id", Ty::BigInt),
    ("name", Ty::Text),
    ("floors", Ty::Int),
];

/// A unit row as the bulk writer sends it (the roster import and the demo alike).
pub const UNIT_COLUMNS: &[(&str, Ty)] = &[
    ("id", Ty::BigInt),
    ("building_id", Ty::BigInt),
    ("compound_id", Ty::BigInt),
    ("name", Ty::Text),
];

const PERSON_COLUMNS: &[(&str, Ty)] = &[
    ("id", Ty::BigInt),
    ("name", Ty::Text),
    ("phone", Ty::Text),
    ("created_at", Ty::BigInt),
    ("anonymised_at", Ty::BigInt),
    ("id_last4", Ty::Text),
    ("phones", Ty::Text),
    ("merged_into", Ty::BigInt),
];

/// A household row as the bulk writer sends it (the roster import and the demo alike).
pub const HOUSEHOLD_COLUMNS: &[(&str, Ty)] = &[
    ("id", Ty::BigInt),
    ("unit_id", Ty::BigInt),
    ("building_id", Ty::BigInt),
    ("compound_id", Ty::BigInt),
    ("floor", Ty::Int),
    ("room", Ty::Text),
    ("area_centi", Ty::BigInt),
    ("area_source", Ty::Text),
    ("designated_voter_id", Ty::BigInt),
    ("developer_unsold", Ty::Bool),
    ("version", Ty::Int),
    ("created_at", Ty::BigInt),
    ("updated_at", Ty::BigInt),
    ("city_id", Ty::BigInt),
    ("owner_names", Ty::Text),
    ("owner_phone", Ty::Text),
];

const OWNERSHIP_COLUMNS: &[(&str, Ty)] = &[
    ("household_id", Ty::BigInt),
    ("person_id", Ty::BigInt),
    ("share_bp", Ty::Int),
    ("created_at", Ty::BigInt),
    ("city_id", Ty::BigInt),
];

/// Writes the people and ownerships of chunks of rows, each person once.
struct Writer<'a> {
    backend: DbBackend,
    persons: &'a [Person],
    /// The registry id of each person: found, or reserved for a fresh one.
    person_id: &'a [Option<i64>],
    /// Fresh persons not inserted yet.
    unwritten: Vec<bool>,
    /// Persons the registry already has: their phone there may not be the file's.
    registered: Vec<bool>,
    /// The persons of each row's owners.
    of: &'a [Vec<usize>],
    t: i64,
    /// The compound's city, which each ownership carries.
    city_id: i64,
}

impl Writer<'_> {
    /// Whether every owner of row `i` has an id: a row with one that has none gets no owners
    /// (no ownerships, no voter, no names shown).
    fn owners_known(&self, i: usize) -> bool {
        self.of[i].iter().all(|p| self.person_id[*p].is_some())
    }

    /// The first owner of row `i`, the household's designated voter; `None` if an owner has
    /// no id (the row's owners are then left out, as before).
    fn first_owner(&self, i: usize) -> Option<i64> {
        if !self.owners_known(i) {
            return None;
        }
        self.of[i].first().and_then(|p| self.person_id[*p])
    }

    /// Row `i`'s owners as a list shows them (`owner_names`, `owner_phone`), and whether
    /// that is certain: not when an owner was already registered, whose phone is the
    /// registry's (the household is then kept from its ownerships once they are written).
    fn owners_shown(&self, i: usize) -> (String, Option<String>, bool) {
        if !self.owners_known(i) {
            return (String::new(), None, true);
        }
        let mine = &self.of[i];
        let names = owner_names::joined(mine.iter().map(|p| self.persons[*p].name.as_str()));
        let phone = mine.first().and_then(|p| self.persons[*p].phone.clone());
        (names, phone, !mine.iter().any(|p| self.registered[*p]))
    }

    /// Inserts the fresh persons among the owners of `rows` that are not written yet.
    async fn people(
        &mut self,
        txn: &DatabaseTransaction,
        rows: impl Iterator<Item = usize>,
    ) -> ServiceResult<()> {
        let mut bulk = Bulk::new(self.backend, "person", PERSON_COLUMNS);
        for i in rows {
            for &p in &self.of[i] {
                let (Some(id), true) = (self.person_id[p], self.unwritten[p]) else {
                    continue;
                };
                self.unwritten[p] = false;
                let person = &self.persons[p];
                let row = vec![
                    id.into(),
                    person.name.clone().into(),
                    person.phone.clone().into(),
                    self.t.into(),
                    None::<i64>.into(),
                    person.id_last4.clone().into(),
                    phones_text(&person.phones).into(),
                    None::<i64>.into(),
                ];
                bulk.push(txn, row).await?;
            }
        }
        Ok(bulk.finish(txn).await?)
    }

    /// Inserts the ownerships of (household id, row) pairs: the row's owners with their
    /// shares. A row with an owner that has no id gets none.
    async fn ownerships(
        &self,
        txn: &DatabaseTransaction,
        households: impl Iterator<Item = (i64, usize)>,
    ) -> ServiceResult<()> {
        let mut bulk = Bulk::new(self.backend, "ownership", OWNERSHIP_COLUMNS);
        for (household_id, i) in households {
            let mine = &self.of[i];
            let ids: Option<Vec<i64>> = mine.iter().map(|p| self.person_id[*p]).collect();
            let Some(ids) = ids else { continue };
            for (id, share) in ids.into_iter().zip(shares(mine.len())) {
                let row = vec![
                    household_id.into(),
                    id.into(),
                    share.into(),
                    self.t.into(),
                    self.city_id.into(),
                ];
                bulk.push(txn, row).await?;
            }
        }
        Ok(bulk.finish(txn).await?)
    }
}

/// The file's persons that are the registered owners of flats the file updates: a row naming
/// a flat's owners as the registry has them (the same names, in order) names those people,
/// whatever phone it gives them, the registry's or a new one the same import writes. Without
/// this, a person whose phone the file changes and who also owns a flat new to the registry
/// became a second person (looked up by the new phone, which the registry did not have yet).
/// A person the file names as two different registered people is left to the other rules.
fn registered_owners(
    rows: &[RosterRow],
    actions: &[Action],
    of: &[Vec<usize>],
    snap: &Snapshot,
) -> Vec<(usize, i64)> {
    let mut seen: HashMap<usize, Option<i64>> = HashMap::new();
    for ((r, a), mine) in rows.iter().zip(actions).zip(of) {
        let (Action::Update {
            add_owners: false, ..
        }
        | Action::Unchanged) = a
        else {
            continue;
        };
        let Some(h) = snap.find(r) else { continue };
        if h.owners.len() != mine.len()
            || h.owners.iter().zip(&r.owners).any(|(o, name)| &o.1 != name)
        {
            continue;
        }
        for (p, o) in mine.iter().zip(&h.owners) {
            let id = seen.entry(*p).or_insert(Some(o.0));
            if *id != Some(o.0) {
                *id = None;
            }
        }
    }
    seen.into_iter()
        .filter_map(|(p, id)| Some((p, id?)))
        .collect()
}

/// The registry's people that the file's persons already are: the same name with the same
/// phone or ID tail (the developer: the same name). Looked up by phone, (name, ID tail) and
/// name in batches, never all people at once.
async fn registry_matches(
    txn: &DatabaseTransaction,
    persons: &[Person],
    needed: &[bool],
) -> ServiceResult<Vec<Option<i64>>> {
    let wanted = || {
        persons
            .iter()
            .zip(needed)
            .filter(|(_, n)| **n)
            .map(|(p, _)| p)
    };
    let mut phones: Vec<String> = wanted().flat_map(|p| p.phones.iter().cloned()).collect();
    phones.sort_unstable();
    phones.dedup();
    let mut tails: Vec<(String, String)> = wanted()
        .filter_map(|p| Some((p.name.clone(), p.id_last4.clone()?)))
        .collect();
    tails.sort_unstable();
    tails.dedup();
    let mut developers: Vec<String> = wanted()
        .filter(|p| p.developer)
        .map(|p| p.name.clone())
        .collect();
    developers.sort_unstable();
    developers.dedup();
    let mut by_phone: HashMap<(String, String), i64> = HashMap::new();
    let mut by_tail: HashMap<(String, String), i64> = HashMap::new();
    let mut by_name: HashMap<String, i64> = HashMap::new();
    for (id, name, phone) in people_by(txn, "phone", &phones).await? {
        by_phone.entry((name, phone)).or_insert(id);
    }
    for (id, name, tail) in people_by_name_and_tail(txn, &tails).await? {
        by_tail.entry((name, tail)).or_insert(id);
    }
    for (id, name, _) in people_by(txn, "name", &developers).await? {
        by_name.entry(name).or_insert(id);
    }
    Ok(persons
        .iter()
        .zip(needed)
        .map(|(p, needed)| {
            if !*needed {
                return None;
            }
            p.phones
                .iter()
                .find_map(|n| by_phone.get(&(p.name.clone(), n.clone())))
                .or_else(|| {
                    p.id_last4
                        .as_ref()
                        .and_then(|t| by_tail.get(&(p.name.clone(), t.clone())))
                })
                .or_else(|| {
                    if p.developer {
                        by_name.get(&p.name)
                    } else {
                        None
                    }
                })
                .copied()
        })
        .collect())
}

/// The live (not merged away) people whose `column` is one of `values`, as (id, name, that
/// value), the oldest first: a few statements of [`BATCH`] values each.
async fn people_by(
    txn: &DatabaseTransaction,
    column: &str,
    values: &[String],
) -> ServiceResult<Vec<(i64, String, String)>> {
    let backend = txn.get_database_backend();
    let mut out = Vec::new();
    for chunk in values.chunks(BATCH) {
        let listed = chunk.iter().cloned().map(Value::from);
        let (condition, params) = match backend {
            DbBackend::Postgres => (
                format!("{column} = ANY($1)"),
                vec![Value::Array(
                    ArrayType::String,
                    Some(Box::new(listed.collect())),
                )],
            ),
            _ => (
                format!("{column} IN ({})", vec!["?"; chunk.len()].join(", ")),
                listed.collect(),
            ),
        };
        let sql = format!(
            "SELECT id, name, {column} AS v FROM person \
             WHERE merged_into IS NULL AND {condition} ORDER BY id"
        );
        out.extend(people_rows(txn, sql, params).await?);
    }
    Ok(out)
}

/// A look-up's people: its rows as (id, name, the value looked up, `v`).
async fn people_rows(
    txn: &DatabaseTransaction,
    sql: String,
    params: Vec<Value>,
) -> ServiceResult<Vec<(i64, String, String)>> {
    let stmt = Statement::from_sql_and_values(txn.get_database_backend(), sql, params);
    let mut out = Vec::new();
    for r in txn.query_all_raw(stmt).await? {
        out.push((
            r.try_get("", "id")?,
            r.try_get("", "name")?,
            r.try_get("", "v")?,
        ));
    }
    Ok(out)
}

/// The live people of these (name, ID tail) pairs, as (id, name, tail), the oldest first: a
/// few statements of [`BATCH`] pairs each, every pair one look-up in the `(name, id_last4)`
/// index. The pairs are a table joined to `person` (SQLite's planner uses the index for a
/// join, but scans the table for a row value `IN` a list).
async fn people_by_name_and_tail(
    txn: &DatabaseTransaction,
    pairs: &[(String, String)],
) -> ServiceResult<Vec<(i64, String, String)>> {
    let backend = txn.get_database_backend();
    let mut out = Vec::new();
    for chunk in pairs.chunks(BATCH) {
        let (source, params) = match backend {
            DbBackend::Postgres => {
                let column = |f: fn(&(String, String)) -> &String| {
                    Value::Array(
                        ArrayType::String,
                        Some(Box::new(
                            chunk.iter().map(|p| Value::from(f(p).clone())).collect(),
                        )),
                    )
                };
                (
                    "UNNEST($1::text[], $2::text[]) AS w (column1, column2)".to_string(),
                    vec![column(|p| &p.0), column(|p| &p.1)],
                )
            }
            _ => (
                format!("(VALUES {}) AS w", vec!["(?, ?)"; chunk.len()].join(", ")),
                chunk
                    .iter()
                    .flat_map(|(n, t)| [Value::from(n.clone()), Value::from(t.clone())])
                    .collect(),
            ),
        };
        let sql = format!(
            "SELECT p.id, p.name, p.id_last4 AS v FROM {source} \
             JOIN person p ON p.name = w.column1 AND p.id_last4 = w.column2 \
             WHERE p.merged_into IS NULL ORDER BY p.id"
        );
        out.extend(people_rows(txn, sql, params).await?);
    }
    Ok(out)
}

/// Every number of a person as stored: " / " between them, as many as fit.
fn phones_text(phones: &[String]) -> Option<String> {
    let mut out = String::new();
    for p in phones {
        if out.len() + p.len() + 3 > 200 {
            break;
        }
        if !out.is_empty() {
            out.push_str(" / ");
        }
        out.push_str(p);
    }
    (!out.is_empty()).then_some(out)
}

/// The audit record of a household an import creates, as JSON text: the fields in the order
/// a `serde_json::Value` map keeps them (by name), without building one per household.
#[derive(Serialize)]
struct Created<'a> {
    area_centi: i64,
    area_source: &'a str,
    building: &'a str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    developer_unsold: bool,
    floor: i32,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    owners: &'a [String],
    room: &'a str,
    unit: &'a str,
}

impl Created<'_> {
    fn text(r: &RosterRow) -> ServiceResult<String> {
        serde_json::to_string(&Created {
            area_centi: r.area_centi,
            area_source: &r.source,
            building: &r.building,
            developer_unsold: r.unsold,
            floor: r.floor,
            owners: &r.owners,
            room: &r.room,
            unit: &r.unit,
        })
        .map_err(|e| ServiceError::Internal(e.into()))
    }
}

fn snapshot_json(floor: i32, room: &str, area_centi: i64, source: &str) -> serde_json::Value {
    serde_json::json!({"floor": floor, "room": room, "area_centi": area_centi, "area_source": source})
}

impl Store {
    /// Writes `rows` into the compound: all or nothing. The caller has checked the actor and
    /// that the rows have no errors. With `claim`, the stored preview of that id is marked
    /// applied (with the result) in the same transaction, and refused if it is not pending.
    ///
    /// `identities` are the rows' persons when the caller has grouped them already (they
    /// depend on the rows alone); otherwise they are grouped here.
    pub(crate) async fn apply_roster(
        &self,
        actor: Option<i64>,
        compound_id: i64,
        rows: &[RosterRow],
        identities: Option<Identities>,
        claim: Option<i64>,
        progress: &mut (dyn FnMut(Progress) + Send),
    ) -> ServiceResult<Applied> {
        // SQLite's page cache (2 MB by default) is far smaller than the indexes a large
        // import writes into: its dirty pages are spilled to the WAL and read back before the
        // commit. The one writing connection gets a larger cache for the import, then the
        // default again, whatever the outcome.
        let big = self.backend() == Backend::Sqlite && rows.len() >= 1_000;
        if big {
            self.write()
                .execute_unprepared(&format!("PRAGMA cache_size = -{IMPORT_CACHE_KIB}"))
                .await?;
        }
        let done = self
            .write_roster(actor, compound_id, rows, identities, claim, progress)
            .await;
        if big {
            self.write()
                .execute_unprepared("PRAGMA cache_size = -2000")
                .await?;
        }
        done
    }

    async fn write_roster(
        &self,
        actor: Option<i64>,
        compound_id: i64,
        rows: &[RosterRow],
        identities: Option<Identities>,
        claim: Option<i64>,
        progress: &mut (dyn FnMut(Progress) + Send),
    ) -> ServiceResult<Applied> {
        let t = self.now();
        let mut laps = Laps::new("roster apply");
        let txn = self.begin_write().await?;
        if self.backend() == Backend::Postgres {
            let lock = Statement::from_sql_and_values(
                txn.get_database_backend(),
                "SELECT id FROM compound WHERE id = $1 FOR UPDATE",
                [compound_id.into()],
            );
            txn.execute_raw(lock).await?;
        }
        if let Some(id) = claim {
            // `applying` is what an interrupted confirmation left before claims were made
            // inside the writing transaction: it is as good as pending.
            let claimed = roster_import::Entity::update_many()
                .col_expr(
                    roster_import::Column::Status,
                    Expr::value(ImportStatus::Applied),
                )
                .col_expr(roster_import::Column::AppliedAt, Expr::value(t))
                .filter(roster_import::Column::Id.eq(id))
                .filter(
                    roster_import::Column::Status
                        .is_in(ImportStatus::ALL.into_iter().filter(|s| s.open())),
                )
                .exec(&txn)
                .await?;
            if claimed.rows_affected != 1 {
                return Err(ServiceError::ImportClosed { had_errors: false });
            }
        }
        laps.lap("begin, lock, claim");
        let snap = Snapshot::load(&txn, compound_id).await?;
        laps.lap("snapshot");
        let (actions, _) = diff(rows, &snap);
        laps.lap("diff");
        if claim.is_some()
            && let Some((r, _)) = rows
                .iter()
                .zip(&actions)
                .find(|(r, a)| r.planned_new && **a != Action::Create)
        {
            return Err(ServiceError::RoomTaken {
                room: format!("{} {} {}", r.building, r.unit, r.room),
            });
        }
        let mut done = Applied::default();

        // Buildings and units the file names that do not exist yet, with ids reserved.
        let mut buildings = snap.buildings.clone();
        let mut units = snap.units.clone();
        let creating = || {
            rows.iter()
                .zip(&actions)
                .filter(|(_, a)| **a == Action::Create)
                .map(|(r, _)| r)
        };
        let mut named: Vec<&str> = Vec::new();
        let mut seen = HashSet::new();
        for r in creating() {
            if !buildings.contains_key(&r.building) && seen.insert(r.building.as_str()) {
                named.push(&r.building);
            }
        }
        let ids = reserve_ids(&txn, self.backend(), "building", named.len()).await?;
        let mut bulk = Bulk::new(txn.get_database_backend(), "building", BUILDING_COLUMNS);
        for (name, id) in named.into_iter().zip(ids) {
            buildings.insert(name.to_string(), id);
            let row = vec![
                id.into(),
                compound_id.into(),
                None::<i64>.into(),
                name.into(),
                None::<i32>.into(),
            ];
            bulk.push(&txn, row).await?;
        }
        bulk.finish(&txn).await?;
        let mut named: Vec<(i64, &str)> = Vec::new();
        let mut seen = HashSet::new();
        for r in creating() {
            if let Some(b_id) = buildings.get(&r.building)
                && !units.contains_key(&(*b_id, r.unit.clone()))
                && seen.insert((*b_id, r.unit.as_str()))
            {
                named.push((*b_id, &r.unit));
            }
        }
        let ids = reserve_ids(&txn, self.backend(), "unit", named.len()).await?;
        let mut bulk = Bulk::new(txn.get_database_backend(), "unit", UNIT_COLUMNS);
        for ((b_id, name), id) in named.into_iter().zip(ids) {
            units.insert((b_id, name.to_string()), id);
            let row = vec![id.into(), b_id.into(), compound_id.into(), name.into()];
            bulk.push(&txn, row).await?;
        }
        bulk.finish(&txn).await?;
        laps.lap("buildings and units");

        // The people: once per person, the registry's own when they are already in it.
        let Identities { persons, of } = identities.unwrap_or_else(|| identify(rows));
        laps.lap("identify");
        let mut needed = vec![false; persons.len()];
        for (a, mine) in actions.iter().zip(&of) {
            if matches!(
                a,
                Action::Create
                    | Action::Update {
                        add_owners: true,
                        ..
                    }
            ) {
                for p in mine {
                    needed[*p] = true;
                }
            }
        }
        let mut person_id = registry_matches(&txn, &persons, &needed).await?;
        for (p, id) in registered_owners(rows, &actions, &of, &snap) {
            if needed[p] && person_id[p].is_none() {
                person_id[p] = Some(id);
            }
        }
        let registered: Vec<bool> = person_id.iter().map(Option::is_some).collect();
        laps.lap("registry matches");
        let fresh: Vec<usize> = (0..persons.len())
            .filter(|i| needed[*i] && person_id[*i].is_none())
            .collect();
        let ids = reserve_ids(&txn, self.backend(), "person", fresh.len()).await?;
        // A fresh person is inserted with the first chunk of rows that needs them.
        let mut unwritten = vec![false; persons.len()];
        for (i, id) in fresh.iter().zip(ids) {
            person_id[*i] = Some(id);
            unwritten[*i] = true;
        }
        let mut writer = Writer {
            backend: txn.get_database_backend(),
            persons: &persons,
            person_id: &person_id,
            unwritten,
            registered,
            of: &of,
            t,
            city_id: snap.city_id,
        };

        // New households, with their owners, a chunk at a time: its people, its households,
        // its ownerships, then its audit records; nothing of a chunk is kept after it.
        let new_rows: Vec<usize> = actions
            .iter()
            .enumerate()
            .filter(|(_, a)| **a == Action::Create)
            .map(|(i, _)| i)
            .collect();
        let household_ids = reserve_ids(&txn, self.backend(), "household", new_rows.len()).await?;
        let updates = actions
            .iter()
            .filter(|a| matches!(a, Action::Update { .. }))
            .count();
        let total = (new_rows.len() + updates) as u64;
        laps.lap("reserve ids");
        for (chunk, ids) in new_rows.chunks(CHUNK).zip(household_ids.chunks(CHUNK)) {
            let mut placed = Vec::with_capacity(chunk.len());
            for (i, id) in chunk.iter().zip(ids) {
                let r = &rows[*i];
                let Some(b_id) = buildings.get(&r.building) else {
                    continue;
                };
                let Some(u_id) = units.get(&(*b_id, r.unit.clone())) else {
                    continue;
                };
                placed.push((*i, *id, *b_id, *u_id));
            }
            laps.lap("place");
            writer.people(&txn, placed.iter().map(|p| p.0)).await?;
            laps.lap("people");
            let mut households = Bulk::new(writer.backend, "household", HOUSEHOLD_COLUMNS);
            let mut changes = Vec::with_capacity(placed.len());
            let mut states = Vec::with_capacity(placed.len());
            let mut unsure = Vec::new();
            for &(i, id, b_id, u_id) in &placed {
                let r = &rows[i];
                let voter = writer.first_owner(i);
                let (names, phone, sure) = writer.owners_shown(i);
                if !sure {
                    unsure.push(id);
                }
                households
                    .push(
                        &txn,
                        vec![
                            id.into(),
                            u_id.into(),
                            b_id.into(),
                            compound_id.into(),
                            r.floor.into(),
                            r.room.clone().into(),
                            r.area_centi.into(),
                            r.source.clone().into(),
                            voter.into(),
                            r.unsold.into(),
                            1i32.into(),
                            t.into(),
                            t.into(),
                            snap.city_id.into(),
                            names.into(),
                            phone.into(),
                        ],
                    )
                    .await?;
                states.push(Some(audit::state::household(
                    u_id,
                    r.floor,
                    &r.room,
                    r.area_centi,
                    &r.source,
                )));
                changes.push(Change {
                    chain: compound_id,
                    at: t,
                    actor,
                    action: "household.import_create",
                    entity: "household",
                    entity_id: id,
                    before: None,
                    after: Some(Created::text(r)?),
                });
            }
            households.finish(&txn).await?;
            laps.lap("households");
            writer
                .ownerships(&txn, placed.iter().map(|p| (p.1, p.0)))
                .await?;
            owner_names::keep(&txn, Households::Ids(Some(snap.city_id), &unsure)).await?;
            laps.lap("ownerships");
            done.created += placed.len() as u64;
            audit::record_batch(&txn, compound_id, changes, states).await?;
            laps.lap("audit");
            progress(Progress::Written(done.created, total));
        }

        // Changed households, one statement each (a re-import changes few).
        let mut changes: Vec<Change<'static>> = Vec::new();
        let mut adopted = Vec::new();
        let mut voters = Vec::new();
        let mut rephoned = Vec::new();
        for (i, (r, a)) in rows.iter().zip(&actions).enumerate() {
            let Action::Update {
                fields,
                add_owners: adding,
                phone_of,
            } = a
            else {
                if *a == Action::Unchanged {
                    done.unchanged += 1;
                }
                continue;
            };
            let Some(h) = snap.find(r) else { continue };
            let mut before = snapshot_json(h.floor, &r.room, h.area_centi, &h.source);
            let mut after = snapshot_json(r.floor, &r.room, r.area_centi, &r.source);
            if h.unsold != r.unsold {
                before["developer_unsold"] = h.unsold.into();
                after["developer_unsold"] = r.unsold.into();
            }
            if *adding {
                adopted.push((h.id, i));
                before["owners"] = serde_json::json!([]);
                after["owners"] = r.owners.clone().into();
                if h.designated_voter_id.is_none()
                    && let Some(v) = writer.first_owner(i)
                {
                    voters.push((h.id, v));
                }
            }
            if let (Some(person_id), Some(phone)) = (phone_of, &r.phone) {
                rephoned.push(*person_id);
                person::Entity::update_many()
                    .col_expr(person::Column::Phone, Expr::value(phone.clone()))
                    .col_expr(person::Column::Phones, Expr::value(phones_text(&r.phones)))
                    .filter(person::Column::Id.eq(*person_id))
                    .exec(&txn)
                    .await?;
                before["phone"] = h.owners.first().and_then(|o| o.2.clone()).into();
                after["phone"] = phone.clone().into();
            }
            let mut update = household::Entity::update_many()
                .col_expr(household::Column::Version, Expr::value(h.version + 1))
                .col_expr(household::Column::UpdatedAt, Expr::value(t));
            if *fields {
                update = update
                    .col_expr(household::Column::Floor, Expr::value(r.floor))
                    .col_expr(household::Column::AreaCenti, Expr::value(r.area_centi))
                    .col_expr(household::Column::AreaSource, Expr::value(r.source.clone()))
                    .col_expr(household::Column::DeveloperUnsold, Expr::value(r.unsold));
            }
            update
                .filter(household::Column::CityId.eq(snap.city_id))
                .filter(household::Column::Id.eq(h.id))
                .exec(&txn)
                .await?;
            changes.push(Change {
                chain: compound_id,
                at: t,
                actor,
                action: "household.import_update",
                entity: "household",
                entity_id: h.id,
                before: Some(before),
                after: Some(after),
            });
            done.updated += 1;
            if done.updated.is_multiple_of(1000) {
                progress(Progress::Written(done.created + done.updated, total));
            }
        }
        // Owners added to households that had none: their people, then the ownerships.
        writer.people(&txn, adopted.iter().map(|a| a.1)).await?;
        let owned: Vec<i64> = adopted.iter().map(|a| a.0).collect();
        writer.ownerships(&txn, adopted.into_iter()).await?;
        owner_names::keep(&txn, Households::Ids(Some(snap.city_id), &owned)).await?;
        // A changed phone is shown on every household of its person.
        owner_names::keep(&txn, Households::OwnedBy(&rephoned)).await?;
        for (household_id, person_id) in voters {
            household::Entity::update_many()
                .col_expr(household::Column::DesignatedVoterId, Expr::value(person_id))
                .filter(household::Column::CityId.eq(snap.city_id))
                .filter(household::Column::Id.eq(household_id))
                .exec(&txn)
                .await?;
        }
        progress(Progress::Written(done.created + done.updated, total));
        laps.lap("updates");
        audit::record_batch(&txn, compound_id, changes, Vec::new()).await?;
        laps.lap("audit of updates");
        if let Some(id) = claim {
            let result =
                serde_json::to_string(&done).map_err(|e| ServiceError::Internal(e.into()))?;
            roster_import::Entity::update_many()
                .col_expr(roster_import::Column::Result, Expr::value(result))
                .col_expr(roster_import::Column::Rows, Expr::value("[]"))
                .filter(roster_import::Column::Id.eq(id))
                .exec(&txn)
                .await?;
        }
        txn.commit().await?;
        laps.lap("commit");
        // A big import changes the tables it wrote enough for the planner's statistics to
        // mislead it: with the audit table's statistics from when it was small, SQLite plans
        // `verify-audit`'s latest-record join as a scan per row.
        if done.created >= 1_000 {
            self.analyze_tables(&[
                "building",
                "unit",
                "household",
                "person",
                "ownership",
                "audit",
            ])
            .await?;
        }
        laps.lap("analyze");
        Ok(done)
    }
}

#[cfg(test)]
mod tests {
    use super::shares;

    #[test]
    fn co_owner_shares_sum_to_the_whole() {
        for n in 1..=7 {
            let s = shares(n);
            assert_eq!(s.len(), n);
            assert_eq!(s.iter().sum::<i32>(), 10_000);
        }
        assert_eq!(shares(3), [3334, 3333, 3333]);
    }
}
