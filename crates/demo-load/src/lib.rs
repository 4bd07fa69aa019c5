//! Loading the demo world of `linli-demo` (the four places of the articles) into the
//! database, with a demo login for each persona, and the featured compounds' stories: 甘泉苑's
//! elevator votes and projects, the service requests, 纹江花园's decisions, 南国新家园's
//! civility rating, the funds, the standards and the volunteer stations.
//!
//! The registry is written in large batches with ids assigned here, inside one transaction
//! ([`Store::begin_write`] and [`linli_store::bulk`]; on PostgreSQL a [`linli_store::load::Load`],
//! `COPY` with the keys rebuilt at the end): the city-scale world at real density (about
//! 300,000 households and 650,000 people) loads in one transaction, and a failed load leaves nothing behind.
//! The stories go through the store's services wherever one exists, on a clock of their own
//! ([`Scene`]); the few rows no service writes (months of past costs, past assessments) go
//! through the small public helpers the services use themselves.
//!
//! Used by the binary (`linli demo`, `linli serve --demo`) and the integration tests'
//! harness; the store does not depend on it.

mod elevators;
mod funds;
mod proposals;
mod ratings;
mod requests;
mod standards;
mod volunteers;

use anyhow::Context;
pub use linli_demo::Density;
use linli_domain::authz::Role;
use linli_domain::place::{Node, NodeKind, Path};
use linli_store::audit::{self, Change, GLOBAL_CHAIN};
use linli_store::bulk::{Bulk, Ty};
use linli_store::entity::{compound, household, region, residency, sub_compound, unit};
use linli_store::load::{CopyIn, Load};
use linli_store::registry::owner_names;
use linli_store::roster::apply::{BUILDING_COLUMNS, HOUSEHOLD_COLUMNS, UNIT_COLUMNS};
use linli_store::{Backend, Store};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};

/// The password of every demo login. Demo data is for trying linli out, never for real use.
pub const DEMO_PASSWORD: &str = "linli-demo-2026";

/// A demo login, printed when the server starts on demo data.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub username: &'static str,
    pub role: Role,
    pub place: String,
}

/// What was loaded.
#[derive(Debug, Clone)]
pub struct DemoSummary {
    pub compounds: usize,
    pub units: usize,
    pub households: usize,
    pub persons: usize,
    pub logins: Vec<DemoLogin>,
}

const BATCH: usize = 1000;

async fn flush<A, C>(txn: &C, rows: &mut Vec<A>) -> anyhow::Result<()>
where
    A: ActiveModelTrait + Send,
    C: ConnectionTrait,
{
    if rows.is_empty() {
        return Ok(());
    }
    let mut all: Vec<A> = std::mem::take(rows);
    while !all.is_empty() {
        let rest = all.split_off(all.len().min(BATCH));
        <A::Entity as EntityTrait>::insert_many(all)
            .exec_without_returning(txn)
            .await?;
        all = rest;
    }
    Ok(())
}

/// The person, household, ownership and residency rows the demo writes, in column order:
/// hundreds of thousands of rows go through [`linli_store::bulk`], several times faster than the
/// ORM's `insert_many` (see there).
const PERSON_COLUMNS: &[(&str, Ty)] = &[
    ("id", Ty::BigInt),
    ("name", Ty::Text),
    ("phone", Ty::Text),
    ("created_at", Ty::BigInt),
];

const OWNERSHIP_COLUMNS: &[(&str, Ty)] = &[
    ("id", Ty::BigInt),
    ("household_id", Ty::BigInt),
    ("person_id", Ty::BigInt),
    ("share_bp", Ty::Int),
    ("created_at", Ty::BigInt),
    ("city_id", Ty::BigInt),
];

const RESIDENCY_COLUMNS: &[(&str, Ty)] = &[
    ("id", Ty::BigInt),
    ("household_id", Ty::BigInt),
    ("person_id", Ty::BigInt),
    ("kind", Ty::Text),
    ("moved_in", Ty::Date),
    ("moved_out", Ty::Date),
    ("city_id", Ty::BigInt),
];

/// The registry's tables written through [`Sink`]: on PostgreSQL their keys are set aside
/// for the load and rebuilt before it commits (see [`linli_store::load`]).
const LOADED_TABLES: [&str; 6] = [
    "person",
    "building",
    "unit",
    "household",
    "ownership",
    "residency",
];

/// How the registry's big tables are written: the bulk writer in the write's transaction
/// (SQLite), or `COPY` in a PostgreSQL [`Load`].
#[derive(Clone, Copy)]
enum Via<'l> {
    Bulk,
    Copy(&'l Load),
}

impl Via<'_> {
    /// Compounds, or households, gathered before the registry's pending rows are written,
    /// parents first. A `COPY` costs a round trip and its keys are checked at the end, so
    /// it takes far more at once.
    fn batch(self) -> (usize, usize) {
        match self {
            Via::Bulk => (50, BATCH),
            Via::Copy(_) => (1_000, 100_000),
        }
    }
}

/// Rows on their way into one table by the [`Via`] of the load.
enum Sink<'l, 'd> {
    Bulk(Bulk<'d>),
    Copy(CopyIn<'l>),
}

impl<'l, 'd> Sink<'l, 'd> {
    fn new<C: ConnectionTrait>(
        db: &'d C,
        via: Via<'l>,
        table: &'static str,
        columns: &'static [(&'static str, Ty)],
    ) -> Sink<'l, 'd> {
        match via {
            Via::Bulk => Sink::Bulk(Bulk::new(db.get_database_backend(), table, columns)),
            Via::Copy(load) => Sink::Copy(load.copy(table, columns)),
        }
    }

    async fn push<C: ConnectionTrait>(
        &mut self,
        db: &'d C,
        row: Vec<sea_orm::Value>,
    ) -> anyhow::Result<()> {
        match self {
            Sink::Bulk(b) => b.push(db, row).await?,
            Sink::Copy(c) => c.push(row).await?,
        }
        Ok(())
    }

    async fn finish<C: ConnectionTrait>(self, db: &'d C) -> anyhow::Result<()> {
        match self {
            Sink::Bulk(b) => b.finish(db).await?,
            Sink::Copy(c) => c.finish().await?,
        }
        Ok(())
    }
}

/// Writes the rows gathered for one table (their values in the order of `columns`).
async fn flush_rows<C: ConnectionTrait>(
    db: &C,
    via: Via<'_>,
    table: &'static str,
    columns: &'static [(&'static str, Ty)],
    rows: &mut Vec<Vec<sea_orm::Value>>,
) -> anyhow::Result<()> {
    let mut sink = Sink::new(db, via, table, columns);
    for row in rows.drain(..) {
        sink.push(db, row).await?;
    }
    sink.finish(db).await
}

/// Appends a row; batches are written parents first by the caller.
async fn push<A, C>(_txn: &C, rows: &mut Vec<A>, row: A) -> anyhow::Result<()>
where
    A: ActiveModelTrait + Send,
    C: ConnectionTrait,
{
    rows.push(row);
    Ok(())
}

fn date((y, m, d): (i32, u8, u8)) -> anyhow::Result<time::Date> {
    let month = time::Month::try_from(m).context("demo month")?;
    time::Date::from_calendar_date(y, month, d).context("demo date")
}

/// The time each step of the demo load took, in the debug log (`RUST_LOG=linli_demo_load=debug`):
/// where to look when the load gets slow.
struct Lap(std::time::Instant);

impl Lap {
    fn start() -> Lap {
        Lap(std::time::Instant::now())
    }

    fn done(&mut self, what: &str) {
        tracing::debug!(ms = self.0.elapsed().as_millis() as u64, "demo: {what}");
        self.0 = std::time::Instant::now();
    }
}

/// Where the personas' roles sit, found while loading.
#[derive(Default)]
struct Anchors {
    city: Option<Path>,
    subdistrict: Option<Path>,
    community: Option<Path>,
    compound: Option<Path>,
    building: Option<Path>,
    unit: Option<Path>,
    owner_household: Option<Path>,
    resident_household: Option<Path>,
    grid_compound: Option<Path>,
    names: Vec<(NodeKind, i64, String)>,
}

/// Loads the demo world at `scale` (the Suining city is multiplied by it) and `density`.
pub async fn load_demo(
    store: &Store,
    scale: u32,
    density: linli_demo::Density,
) -> anyhow::Result<DemoSummary> {
    let world = linli_demo::generate(scale, density);
    load_demo_world(store, &world, i64::from(scale)).await
}

/// Loads a generated world holding the featured compounds and tells their stories
/// through the services: requests, decisions, the civility rating. `load_world` alone
/// (the tests' world) leaves them out.
pub async fn load_demo_world(
    store: &Store,
    world: &linli_demo::World,
    scale: i64,
) -> anyhow::Result<DemoSummary> {
    let mut lap = Lap::start();
    let mut summary = load_registry(store, world, scale, false).await?;
    lap.done("the world");
    let ganquan = elevators::seed_ganquan(store).await?;
    summary.logins.extend(ganquan.logins);
    lap.done("甘泉苑's votes and projects");
    requests::seed_demo_requests(store).await?;
    lap.done("the service requests");
    let wenjiang = proposals::seed_wenjiang(store).await?;
    summary.logins.extend(wenjiang.logins);
    lap.done("纹江花园's decisions");
    let nanguo = ratings::seed_nanguo(store).await?;
    summary.logins.extend(nanguo.logins);
    lap.done("南国新家园's rating");
    // The world was written in bulk, without the audit trail's refreshes.
    store.rebuild_summaries().await?;
    lap.done("the dashboards' summaries");
    // The statistics again, now that the stories have written: those taken after the registry
    // saw an audit trail of a few records, with which SQLite read a household's history by
    // scanning the whole trail in id order (the household page at a sixth of its speed).
    store.analyze().await?;
    lap.done("ANALYZE after the stories");
    Ok(summary)
}

/// Loads a generated world into an empty database. The city admin persona sits on the last
/// city, the subdistrict officer in the third, the others in the first compound. 甘泉苑's
/// elevator projects come without the votes that decided them.
pub async fn load_world(
    store: &Store,
    world: &linli_demo::World,
    scale: i64,
) -> anyhow::Result<DemoSummary> {
    let summary = load_registry(store, world, scale, true).await?;
    // The world was written in bulk, without the audit trail's refreshes.
    store.rebuild_summaries().await?;
    Ok(summary)
}

/// The registry, the accounts, the standards and the personas of a world; 甘泉苑's
/// elevator projects too when `projects` (else its story starts them from their votes).
/// One transaction either way: on PostgreSQL a [`Load`], whose big tables go in by `COPY`
/// with their keys rebuilt before the commit; on SQLite [`Store::begin_write`].
async fn load_registry(
    store: &Store,
    world: &linli_demo::World,
    scale: i64,
    projects: bool,
) -> anyhow::Result<DemoSummary> {
    if !store.is_empty().await? {
        anyhow::bail!(
            "the database already holds compounds; demo data is loaded only into an empty database"
        );
    }
    let mut lap = Lap::start();
    let (summary, a) = match store.backend() {
        Backend::Postgres => {
            let mut load = store.begin_load().await?;
            load.set_keys_aside(&LOADED_TABLES).await?;
            let a = write_registry(store, load.db(), Via::Copy(&load), world).await?;
            lap.done("the registry");
            let summary = finish_registry(store, load.db(), world, scale, projects).await?;
            lap.done("the funds, standards and projects");
            load.commit().await?;
            (summary, a)
        }
        Backend::Sqlite => {
            let txn = store.begin_write().await?;
            let a = write_registry(store, &txn, Via::Bulk, world).await?;
            lap.done("the registry");
            let summary = finish_registry(store, &txn, world, scale, projects).await?;
            lap.done("the funds, standards and projects");
            txn.commit().await?;
            (summary, a)
        }
    };
    lap.done("the keys and the commit");
    store.analyze().await?;
    lap.done("ANALYZE");
    let logins = demo_logins(store, &a).await?;
    lap.done("the logins");
    volunteers::seed_demo_stations(store).await?;
    lap.done("the volunteer stations");
    Ok(DemoSummary { logins, ..summary })
}

/// The registry's rows: persons, places, households, ownerships and residencies, with ids
/// assigned here. Returns where the personas will sit.
async fn write_registry<C: ConnectionTrait>(
    store: &Store,
    txn: &C,
    via: Via<'_>,
    world: &linli_demo::World,
) -> anyhow::Result<Anchors> {
    let last_city = world.cities.len().saturating_sub(1);
    let t = store.now();
    // Persons first: households point at their designated voter.
    let mut persons = Sink::new(txn, via, "person", PERSON_COLUMNS);
    for (i, p) in world.persons.iter().enumerate() {
        let row = vec![
            (i as i64 + 1).into(),
            p.name.clone().into(),
            p.phone.clone().into(),
            t.into(),
        ];
        persons.push(txn, row).await?;
    }
    persons.finish(txn).await?;

    let mut ids = Ids::default();
    let mut a = Anchors::default();
    let mut rows = Pending::default();
    for (ci, city) in world.cities.iter().enumerate() {
        let city_id = ids.next(0);
        push(
            txn,
            &mut rows.regions,
            region_row(city_id, NodeKind::City, &city.name, None),
        )
        .await?;
        let city_path = Path::new(vec![Node::new(NodeKind::City, city_id)]);
        if ci == last_city {
            a.city = Some(city_path.clone());
            a.names.push((NodeKind::City, city_id, city.name.clone()));
        }
        for d in &city.districts {
            let d_id = ids.next(0);
            push(
                txn,
                &mut rows.regions,
                region_row(d_id, NodeKind::District, &d.name, Some(city_id)),
            )
            .await?;
            for s in &d.subdistricts {
                let s_id = ids.next(0);
                push(
                    txn,
                    &mut rows.regions,
                    region_row(s_id, NodeKind::Subdistrict, &s.name, Some(d_id)),
                )
                .await?;
                let s_path = city_path
                    .child(Node::new(NodeKind::District, d_id))
                    .child(Node::new(NodeKind::Subdistrict, s_id));
                if ci == 2 && a.subdistrict.is_none() {
                    a.subdistrict = Some(s_path.clone());
                    a.names.push((NodeKind::Subdistrict, s_id, s.name.clone()));
                }
                for cm in &s.communities {
                    let cm_id = ids.next(0);
                    push(
                        txn,
                        &mut rows.regions,
                        region_row(cm_id, NodeKind::Community, &cm.name, Some(s_id)),
                    )
                    .await?;
                    let cm_path = s_path.child(Node::new(NodeKind::Community, cm_id));
                    if ci == 0 && a.community.is_none() {
                        a.community = Some(cm_path.clone());
                        a.names.push((NodeKind::Community, cm_id, cm.name.clone()));
                    }
                    for c in &cm.compounds {
                        let c_id = ids.next(1);
                        let c_row = compound::ActiveModel {
                            id: Set(c_id),
                            community_id: Set(cm_id),
                            subdistrict_id: Set(s_id),
                            district_id: Set(d_id),
                            city_id: Set(city_id),
                            name: Set(c.name.clone()),
                            address: Set(Some(c.address.clone())),
                            year_built: Set(c.year_built),
                            management_mode: Set(c.management_mode),
                            three_no: Set(c.three_no),
                            six_have: Set(c.six_have.mask()),
                            version: Set(1),
                            created_at: Set(t),
                            updated_at: Set(t),
                        };
                        // Regions must exist before the compounds that point at them.
                        flush(txn, &mut rows.regions).await?;
                        push(txn, &mut rows.compounds, c_row).await?;
                        let c_path = cm_path.child(Node::new(NodeKind::Compound, c_id));
                        if ci == 0 && a.compound.is_none() {
                            a.compound = Some(c_path.clone());
                            a.names.push((NodeKind::Compound, c_id, c.name.clone()));
                        }
                        if ci == 1 && a.grid_compound.is_none() {
                            a.grid_compound = Some(c_path.clone());
                            a.names.push((NodeKind::Compound, c_id, c.name.clone()));
                        }
                        let first_sub = ids.peek(2);
                        for sname in &c.sub_compounds {
                            let sid = ids.next(2);
                            push(
                                txn,
                                &mut rows.subs,
                                sub_compound::ActiveModel {
                                    id: Set(sid),
                                    compound_id: Set(c_id),
                                    name: Set(sname.clone()),
                                },
                            )
                            .await?;
                        }
                        for b in &c.buildings {
                            let b_id = ids.next(3);
                            rows.buildings.push(vec![
                                b_id.into(),
                                c_id.into(),
                                b.sub_compound.map(|s| first_sub + s as i64).into(),
                                b.name.clone().into(),
                                b.floors.into(),
                            ]);
                            let b_path = c_path.child(Node::new(NodeKind::Building, b_id));
                            if ci == 0 && a.building.is_none() {
                                a.building = Some(b_path.clone());
                            }
                            for u in &b.units {
                                let u_id = ids.next(4);
                                rows.units.push(vec![
                                    u_id.into(),
                                    b_id.into(),
                                    c_id.into(),
                                    u.name.clone().into(),
                                ]);
                                let u_path = b_path.child(Node::new(NodeKind::Unit, u_id));
                                if ci == 0 && a.unit.is_none() {
                                    a.unit = Some(u_path.clone());
                                }
                                for h in &u.households {
                                    let h_id = ids.next(5);
                                    let voter = h
                                        .owners
                                        .get(h.designated_voter)
                                        .map(|o| o.person as i64 + 1);
                                    rows.households.push(vec![
                                        h_id.into(),
                                        u_id.into(),
                                        b_id.into(),
                                        c_id.into(),
                                        h.floor.into(),
                                        h.room.clone().into(),
                                        h.area_centi.into(),
                                        h.area_source.as_str().into(),
                                        voter.into(),
                                        false.into(),
                                        1i32.into(),
                                        t.into(),
                                        t.into(),
                                        city_id.into(),
                                        owner_names::joined(
                                            h.owners
                                                .iter()
                                                .map(|o| world.persons[o.person].name.as_str()),
                                        )
                                        .into(),
                                        h.owners
                                            .first()
                                            .and_then(|o| world.persons[o.person].phone.clone())
                                            .into(),
                                    ]);
                                    let h_path = u_path.child(Node::new(NodeKind::Household, h_id));
                                    if ci == 0
                                        && a.owner_household.is_none()
                                        && !h.owners.is_empty()
                                    {
                                        a.owner_household = Some(h_path.clone());
                                    } else if ci == 0
                                        && a.resident_household.is_none()
                                        && !h.residents.is_empty()
                                    {
                                        a.resident_household = Some(h_path);
                                    }
                                    for o in &h.owners {
                                        rows.owners.push(vec![
                                            ids.next(6).into(),
                                            h_id.into(),
                                            (o.person as i64 + 1).into(),
                                            o.share_bp.into(),
                                            t.into(),
                                            city_id.into(),
                                        ]);
                                    }
                                    for r in &h.residents {
                                        rows.residents.push(vec![
                                            ids.next(7).into(),
                                            h_id.into(),
                                            (r.person as i64 + 1).into(),
                                            r.kind.as_str().into(),
                                            date(r.moved_in)?.to_string().into(),
                                            r.moved_out
                                                .map(date)
                                                .transpose()?
                                                .map(|d| d.to_string())
                                                .into(),
                                            city_id.into(),
                                        ]);
                                    }
                                }
                            }
                        }
                        // Parents before children, batch by batch.
                        let (compounds, households) = via.batch();
                        if rows.compounds.len() >= compounds || rows.households.len() >= households
                        {
                            flush_registry(txn, via, &mut rows).await?;
                        }
                    }
                }
            }
        }
    }
    flush_registry(txn, via, &mut rows).await?;
    Ok(a)
}

/// The registry's pending rows, parents before children.
#[derive(Default)]
struct Pending {
    regions: Vec<region::ActiveModel>,
    compounds: Vec<compound::ActiveModel>,
    subs: Vec<sub_compound::ActiveModel>,
    buildings: Vec<Vec<sea_orm::Value>>,
    units: Vec<Vec<sea_orm::Value>>,
    households: Vec<Vec<sea_orm::Value>>,
    owners: Vec<Vec<sea_orm::Value>>,
    residents: Vec<Vec<sea_orm::Value>>,
}

async fn flush_registry<C: ConnectionTrait>(
    txn: &C,
    via: Via<'_>,
    rows: &mut Pending,
) -> anyhow::Result<()> {
    flush(txn, &mut rows.regions).await?;
    flush(txn, &mut rows.compounds).await?;
    flush(txn, &mut rows.subs).await?;
    flush_rows(txn, via, "building", BUILDING_COLUMNS, &mut rows.buildings).await?;
    flush_rows(txn, via, "unit", UNIT_COLUMNS, &mut rows.units).await?;
    flush_rows(
        txn,
        via,
        "household",
        HOUSEHOLD_COLUMNS,
        &mut rows.households,
    )
    .await?;
    flush_rows(txn, via, "ownership", OWNERSHIP_COLUMNS, &mut rows.owners).await?;
    flush_rows(
        txn,
        via,
        "residency",
        RESIDENCY_COLUMNS,
        &mut rows.residents,
    )
    .await?;
    Ok(())
}

/// What follows the registry in its transaction: ids, 甘泉苑's projects, the funds, the
/// standards and the load's audit record.
async fn finish_registry<C: ConnectionTrait>(
    store: &Store,
    txn: &C,
    world: &linli_demo::World,
    scale: i64,
    projects: bool,
) -> anyhow::Result<DemoSummary> {
    if store.backend() == Backend::Postgres {
        reset_sequences(txn).await?;
    }
    if projects {
        elevators::seed_demo_projects(txn, store.now()).await?;
    }
    funds::seed_demo_funds(txn, store.now()).await?;
    standards::seed_demo_standards(txn).await?;
    let summary = DemoSummary {
        compounds: world.count_compounds(),
        units: world.count_units(),
        households: world.count_households(),
        persons: world.persons.len(),
        logins: Vec::new(),
    };
    audit::record(
        txn,
        Change {
            chain: GLOBAL_CHAIN,
            at: store.now(),
            actor: None,
            action: "demo.load",
            entity: "demo",
            entity_id: scale,
            before: None,
            after: Some(serde_json::json!({
                "compounds": summary.compounds, "units": summary.units,
                "households": summary.households, "persons": summary.persons
            })),
        },
    )
    .await?;
    Ok(summary)
}

async fn demo_logins(store: &Store, a: &Anchors) -> anyhow::Result<Vec<DemoLogin>> {
    let personas: [(&'static str, &str, Role, &Option<Path>); 10] = [
        ("city", "市住建局 王主任", Role::CityAdmin, &a.city),
        (
            "street",
            "街道 李科长",
            Role::SubdistrictOfficer,
            &a.subdistrict,
        ),
        ("worker", "社区 张姐", Role::CommunityWorker, &a.community),
        (
            "committee",
            "自管委 刘主任",
            Role::CommitteeMember,
            &a.compound,
        ),
        (
            "buildinghead",
            "楼栋长 陈叔",
            Role::BuildingHead,
            &a.building,
        ),
        ("unithead", "单元长 赵阿姨", Role::UnitHead, &a.unit),
        ("grid", "网格员 周", Role::GridWorker, &a.grid_compound),
        ("volunteer", "志愿者 吴", Role::Volunteer, &a.compound),
        ("owner", "业主 孙大爷", Role::Owner, &a.owner_household),
        (
            "resident",
            "居民 郑奶奶",
            Role::Resident,
            &a.resident_household,
        ),
    ];
    let mut out = Vec::new();
    for (username, display, role, at) in personas {
        let Some(at) = at else { continue };
        let name = at
            .target()
            .and_then(|node| {
                a.names
                    .iter()
                    .find(|(k, i, _)| *k == node.kind && *i == node.id)
            })
            .map(|(_, _, n)| n.as_str())
            .unwrap_or("");
        out.push(add_demo_login(store, username, display, role, at, name).await?);
    }
    Ok(out)
}

/// Creates a demo login with one role at `at` (an owner or resident is linked to the
/// household's voter or first resident), as printed at start-up.
pub(crate) async fn add_demo_login(
    store: &Store,
    username: &'static str,
    display: &str,
    role: Role,
    at: &Path,
    place_name: &str,
) -> anyhow::Result<DemoLogin> {
    let id = store
        .create_account(username, None, display, DEMO_PASSWORD)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    store
        .grant_role(None, id, role, at)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let node = at.target().context("persona place")?;
    link_demo_person(
        store,
        id,
        role,
        node.id,
        at.compound_id().unwrap_or(GLOBAL_CHAIN),
    )
    .await?;
    let place = match node.kind {
        NodeKind::Household => format!("/households/{}", node.id),
        NodeKind::Building => format!("/buildings/{}", node.id),
        NodeKind::Unit => format!("/units/{}", node.id),
        NodeKind::Compound => format!("/compounds/{}", node.id),
        _ => format!("/regions/{}", node.id),
    };
    Ok(DemoLogin {
        username,
        role,
        place: format!("{place} {place_name}").trim().to_string(),
    })
}

/// The owner persona is its household's designated voter, the resident persona its first
/// resident: linked as an invite issued in their name would link them.
async fn link_demo_person(
    store: &Store,
    account_id: i64,
    role: Role,
    household_id: i64,
    chain: i64,
) -> anyhow::Result<()> {
    let person = match role {
        Role::Owner => household::Entity::find_by_id(household_id)
            .one(store.read())
            .await?
            .and_then(|h| h.designated_voter_id),
        Role::Resident => residency::Entity::find()
            .filter(residency::Column::HouseholdId.eq(household_id))
            .order_by_asc(residency::Column::Id)
            .one(store.read())
            .await?
            .map(|r| r.person_id),
        _ => None,
    };
    if let Some(person) = person {
        let txn = store.begin_write().await?;
        store
            .link_person_in(&txn, None, chain, account_id, person, "demo")
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        txn.commit().await?;
    }
    Ok(())
}

fn region_row(id: i64, kind: NodeKind, name: &str, parent: Option<i64>) -> region::ActiveModel {
    region::ActiveModel {
        id: Set(id),
        kind: Set(kind),
        name: Set(name.to_string()),
        parent_id: Set(parent),
    }
}

/// Id counters per table: 0 region, 1 compound, 2 sub-compound, 3 building, 4 unit,
/// 5 household, 6 ownership, 7 residency.
#[derive(Default)]
struct Ids([i64; 8]);

impl Ids {
    fn next(&mut self, table: usize) -> i64 {
        self.0[table] += 1;
        self.0[table]
    }

    fn peek(&self, table: usize) -> i64 {
        self.0[table] + 1
    }
}

/// PostgreSQL's id sequences do not see explicitly given ids; move them past the data.
async fn reset_sequences<C: ConnectionTrait>(txn: &C) -> anyhow::Result<()> {
    for table in [
        "person",
        "region",
        "compound",
        "sub_compound",
        "building",
        "unit",
        "household",
        "ownership",
        "residency",
    ] {
        txn.execute_unprepared(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
        ))
        .await?;
    }
    Ok(())
}

/// The demo's stories happen on days before today: a [`Scene`] is the store on a clock of its
/// own, set to each step's day, so every row and audit record carries the time the story
/// gives it, and what is still open (a vote's deadline, this month's scoring) lies ahead of
/// the program's real today whatever day the demo is loaded.
pub(crate) struct Scene {
    pub store: Store,
    today: time::Date,
    real_now: i64,
}

impl Scene {
    pub fn new(store: &Store) -> Scene {
        Scene {
            store: store
                .clone()
                .with_clock(linli_store::Clock::fixed(store.now())),
            today: store.today(),
            real_now: store.now(),
        }
    }

    /// Moves the scene's clock to the moment `t` (Unix seconds), never past the real now.
    pub fn at_time(&self, t: i64) {
        self.store.clock().set(t.min(self.real_now));
    }

    /// Moves the scene's clock to `days_ago` days before today at `hour` (China time), never
    /// past the real now.
    pub fn at(&self, days_ago: i64, hour: u8) {
        let day = self.day(days_ago);
        let t = day
            .with_hms(hour.min(23), 0, 0)
            .unwrap_or(day.midnight())
            .assume_offset(linli_store::clock::CHINA)
            .unix_timestamp();
        self.store.clock().set(t.min(self.real_now));
    }

    /// The date `days_ago` days before today (negative: ahead).
    pub fn day(&self, days_ago: i64) -> time::Date {
        self.today - time::Duration::days(days_ago)
    }

    /// The demo login `username` as the services see it, signed in at the scene's now.
    pub async fn actor(&self, username: &str) -> anyhow::Result<linli_store::accounts::Actor> {
        let id = linli_store::entity::account::Entity::find()
            .filter(linli_store::entity::account::Column::Username.eq(username))
            .one(self.store.read())
            .await?
            .map(|a| a.id)
            .with_context(|| format!("demo login {username}"))?;
        self.store
            .actor(id)
            .await
            .step("demo actor")?
            .with_context(|| format!("demo login {username} disabled"))
    }

    /// The same actor, signed in at the scene's now (their audit records carry it).
    pub fn now_as(&self, a: &linli_store::accounts::Actor) -> linli_store::accounts::Actor {
        linli_store::accounts::Actor {
            at: self.store.now(),
            ..a.clone()
        }
    }
}

/// A service call's refusal during the demo load, named by the step that made it: a demo
/// that cannot tell its story is a bug, and the message says which step.
pub(crate) trait Step<T> {
    fn step(self, what: &str) -> anyhow::Result<T>;
}

impl<T> Step<T> for linli_store::error::ServiceResult<T> {
    fn step(self, what: &str) -> anyhow::Result<T> {
        self.map_err(|e| anyhow::anyhow!("demo: {what}: {e:?}"))
    }
}

/// A real 8×8 JPEG: the photo of a signed form, an authorisation, a flying lead. Uploads are
/// decoded (thumbnails), so the demo's evidence must be a picture.
pub(crate) const DEMO_PHOTO: &[u8] = b"\xFF\xD8\xFF\xE0\x00\x10\x4A\x46\x49\x46\x00\x01\x02\x00\x00\x01\x00\x01\x00\x00\xFF\xC0\x00\x11\x08\x00\x08\x00\x08\x03\x01\x11\x00\x02\x11\x01\x03\x11\x01\xFF\xDB\x00\x43\x00\x1B\x12\x14\x17\x14\x11\x1B\x17\x16\x17\x1E\x1C\x1B\x20\x28\x42\x2B\x28\x25\x25\x28\x51\x3A\x3D\x30\x42\x60\x55\x65\x64\x5F\x55\x5D\x5B\x6A\x78\x99\x81\x6A\x71\x90\x73\x5B\x5D\x85\xB5\x86\x90\x9E\xA3\xAB\xAD\xAB\x67\x80\xBC\xC9\xBA\xA6\xC7\x99\xA8\xAB\xA4\xFF\xDB\x00\x43\x01\x1C\x1E\x1E\x28\x23\x28\x4E\x2B\x2B\x4E\xA4\x6E\x5D\x6E\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xA4\xFF\xC4\x00\x1F\x00\x00\x01\x05\x01\x01\x01\x01\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0A\x0B\xFF\xC4\x00\xB5\x10\x00\x02\x01\x03\x03\x02\x04\x03\x05\x05\x04\x04\x00\x00\x01\x7D\x01\x02\x03\x00\x04\x11\x05\x12\x21\x31\x41\x06\x13\x51\x61\x07\x22\x71\x14\x32\x81\x91\xA1\x08\x23\x42\xB1\xC1\x15\x52\xD1\xF0\x24\x33\x62\x72\x82\x09\x0A\x16\x17\x18\x19\x1A\x25\x26\x27\x28\x29\x2A\x34\x35\x36\x37\x38\x39\x3A\x43\x44\x45\x46\x47\x48\x49\x4A\x53\x54\x55\x56\x57\x58\x59\x5A\x63\x64\x65\x66\x67\x68\x69\x6A\x73\x74\x75\x76\x77\x78\x79\x7A\x83\x84\x85\x86\x87\x88\x89\x8A\x92\x93\x94\x95\x96\x97\x98\x99\x9A\xA2\xA3\xA4\xA5\xA6\xA7\xA8\xA9\xAA\xB2\xB3\xB4\xB5\xB6\xB7\xB8\xB9\xBA\xC2\xC3\xC4\xC5\xC6\xC7\xC8\xC9\xCA\xD2\xD3\xD4\xD5\xD6\xD7\xD8\xD9\xDA\xE1\xE2\xE3\xE4\xE5\xE6\xE7\xE8\xE9\xEA\xF1\xF2\xF3\xF4\xF5\xF6\xF7\xF8\xF9\xFA\xFF\xC4\x00\x1F\x01\x00\x03\x01\x01\x01\x01\x01\x01\x01\x01\x01\x00\x00\x00\x00\x00\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0A\x0B\xFF\xC4\x00\xB5\x11\x00\x02\x01\x02\x04\x04\x03\x04\x07\x05\x04\x04\x00\x01\x02\x77\x00\x01\x02\x03\x11\x04\x05\x21\x31\x06\x12\x41\x51\x07\x61\x71\x13\x22\x32\x81\x08\x14\x42\x91\xA1\xB1\xC1\x09\x23\x33\x52\xF0\x15\x62\x72\xD1\x0A\x16\x24\x34\xE1\x25\xF1\x17\x18\x19\x1A\x26\x27\x28\x29\x2A\x35\x36\x37\x38\x39\x3A\x43\x44\x45\x46\x47\x48\x49\x4A\x53\x54\x55\x56\x57\x58\x59\x5A\x63\x64\x65\x66\x67\x68\x69\x6A\x73\x74\x75\x76\x77\x78\x79\x7A\x82\x83\x84\x85\x86\x87\x88\x89\x8A\x92\x93\x94\x95\x96\x97\x98\x99\x9A\xA2\xA3\xA4\xA5\xA6\xA7\xA8\xA9\xAA\xB2\xB3\xB4\xB5\xB6\xB7\xB8\xB9\xBA\xC2\xC3\xC4\xC5\xC6\xC7\xC8\xC9\xCA\xD2\xD3\xD4\xD5\xD6\xD7\xD8\xD9\xDA\xE2\xE3\xE4\xE5\xE6\xE7\xE8\xE9\xEA\xF2\xF3\xF4\xF5\xF6\xF7\xF8\xF9\xFA\xFF\xDA\x00\x0C\x03\x01\x00\x02\x11\x03\x11\x00\x3F\x00\xE9\x29\x01\xFF\xD9";

/// The compound of that name (the featured compounds' names are unique in the demo world).
pub(crate) async fn compound_named(store: &Store, name: &str) -> anyhow::Result<compound::Model> {
    compound::Entity::find()
        .filter(compound::Column::Name.eq(name))
        .order_by_asc(compound::Column::Id)
        .one(store.read())
        .await?
        .with_context(|| format!("demo compound {name}"))
}

/// The units of a compound in registry order, with their households in order.
pub(crate) async fn units_of(
    store: &Store,
    compound_id: i64,
) -> anyhow::Result<Vec<(unit::Model, Vec<household::Model>)>> {
    let units = unit::Entity::find()
        .filter(unit::Column::CompoundId.eq(compound_id))
        .order_by_asc(unit::Column::Id)
        .all(store.read())
        .await?;
    let mut hh: std::collections::HashMap<i64, Vec<household::Model>> = Default::default();
    for h in household::Entity::find()
        .filter(household::Column::CompoundId.eq(compound_id))
        .order_by_asc(household::Column::Id)
        .all(store.read())
        .await?
    {
        hh.entry(h.unit_id).or_default().push(h);
    }
    Ok(units
        .into_iter()
        .map(|u| {
            let h = hh.remove(&u.id).unwrap_or_default();
            (u, h)
        })
        .collect())
}
