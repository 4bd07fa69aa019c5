//! Households: listing, searching, the household page, creating, editing and moving.

use super::compounds::{Permissions, escape_like};
use super::people::{OwnerView, ResidentView};
use super::{PlaceRef, field, lenient_opt_string, lenient_string, scope};
use crate::accounts::Actor;
use crate::audit::{AuditEntry, Change};
use crate::entity::{compound, household, ownership, person, residency, role_grant, unit};
use crate::error::{ServiceError, ServiceResult};
use crate::{Store, paths};
use linli_domain::authz::Action;
use linli_domain::place::{NodeKind, Path};
use linli_domain::registry::{Floor, Phone, Room};
use linli_domain::{Area, AreaSource, FieldError, Invalid, PageRequest, Paged};
use sea_orm::sea_query::{Expr, ExprTrait, Query, SimpleExpr};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};

/// A household in a list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HouseholdRow {
    pub id: i64,
    pub compound_id: i64,
    pub compound: String,
    pub building: String,
    pub unit: String,
    pub floor: i32,
    pub room: String,
    /// Exclusive area in m², two decimals.
    pub area: String,
    pub owners: String,
    /// The first owner's phone; masked unless the actor may see personal data here.
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HouseholdData {
    pub id: i64,
    pub compound_id: i64,
    pub building_id: i64,
    pub unit_id: i64,
    pub floor: i32,
    pub room: String,
    /// Exclusive area in m², two decimals ("89.50").
    pub area: String,
    /// Exclusive area in hundredths of m².
    pub area_centi: i64,
    pub area_source: AreaSource,
    pub designated_voter_id: Option<i64>,
    /// 开发建设单位未售出: still the developer's (all such flats count as one owner).
    pub developer_unsold: bool,
    pub version: i32,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HouseholdView {
    pub household: HouseholdData,
    pub places: Vec<PlaceRef>,
    pub owners: Vec<OwnerView>,
    pub residents: Vec<ResidentView>,
    pub can: Permissions,
}

/// The household page: the household and what it links to.
#[derive(Debug, Clone)]
pub struct HouseholdPage {
    pub view: HouseholdView,
    pub links: crate::agenda::HouseholdLinks,
    /// `None` for those who may not see personal records.
    pub history: Option<Paged<AuditEntry>>,
    pub to_link: Vec<crate::persons::AccountToLink>,
}

/// A new household, as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct HouseholdInput {
    #[serde(deserialize_with = "lenient_string")]
    pub floor: String,
    #[serde(deserialize_with = "lenient_string")]
    pub room: String,
    /// m² with at most two decimals: "89.5", "89.50㎡".
    #[serde(deserialize_with = "lenient_string")]
    pub area: String,
    /// `registered`, `surveyed` or `contract`.
    #[serde(default = "default_source")]
    pub area_source: String,
}

fn default_source() -> String {
    AreaSource::Registered.as_str().to_string()
}

/// An edit of a household: only the fields given change. `version` is the version the edit
/// was based on; if someone saved in between, the edit is refused as stale.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct HouseholdPatch {
    pub version: i32,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub floor: Option<String>,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub room: Option<String>,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub area: Option<String>,
    #[serde(default)]
    pub area_source: Option<String>,
    /// Mark the flat as the developer's unsold one (true) or not (false).
    #[serde(default, deserialize_with = "lenient_opt_bool")]
    pub developer_unsold: Option<bool>,
}

/// Accepts true/false, "true"/"false", and a checkbox's "on"/"1"/"0" from a form.
fn lenient_opt_bool<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum B {
        Bool(bool),
        Int(i64),
        Str(String),
    }
    match Option::<B>::deserialize(d)? {
        None => Ok(None),
        Some(B::Bool(b)) => Ok(Some(b)),
        Some(B::Int(i)) => Ok(Some(i != 0)),
        Some(B::Str(s)) => match s.trim() {
            "true" | "on" | "1" | "yes" => Ok(Some(true)),
            "false" | "off" | "0" | "no" | "" => Ok(Some(false)),
            other => Err(serde::de::Error::custom(format!(
                "not a yes or no: {other}"
            ))),
        },
    }
}

/// Moving a household to another unit of the same compound (a registry correction).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct MoveInput {
    pub version: i32,
    pub unit_id: i64,
}

struct Parsed {
    floor: Floor,
    room: Room,
    area: Area,
    source: AreaSource,
}

fn parse_all(floor: &str, room: &str, area: &str, source: &str) -> ServiceResult<Parsed> {
    let mut e = Vec::new();
    let floor = field(&mut e, "floor", Floor::parse(floor));
    let room = field(&mut e, "room", Room::parse(room));
    let area = field(&mut e, "area", Area::parse(area));
    let source = field(&mut e, "area_source", AreaSource::parse_written(source));
    match (floor, room, area, source) {
        (Some(floor), Some(room), Some(area), Some(source)) if e.is_empty() => Ok(Parsed {
            floor,
            room,
            area,
            source,
        }),
        _ => Err(ServiceError::Invalid(e)),
    }
}

pub fn household_data(h: &household::Model) -> HouseholdData {
    HouseholdData {
        id: h.id,
        compound_id: h.compound_id,
        building_id: h.building_id,
        unit_id: h.unit_id,
        floor: h.floor,
        room: h.room.clone(),
        area: Area::from_centi(h.area_centi)
            .map(|a| a.to_string())
            .unwrap_or_default(),
        area_centi: h.area_centi,
        area_source: h.area_source,
        designated_voter_id: h.designated_voter_id,
        developer_unsold: h.developer_unsold,
        version: h.version,
    }
}

/// The phone to show: whole to those who may see personal data, masked to everyone else.
pub(crate) fn shown_phone(phone: Option<&str>, personal: bool) -> Option<String> {
    let phone = phone?;
    if personal {
        Some(phone.to_string())
    } else {
        Some(
            Phone::parse(phone)
                .map(|p| p.masked())
                .unwrap_or_else(|_| "****".into()),
        )
    }
}

/// `<table>.city_id = <city>` on PostgreSQL, the city written into the statement's text: the
/// planner then keeps the one partition of `household` when it plans, so the statement's
/// cached (generic) plan reads and locks that partition alone. As a parameter the city is
/// unknown to a generic plan, which covers and locks every partition; PostgreSQL then plans
/// the statement again at each execution instead (the compound page and the list measured
/// 3.6 and 2.5 times slower that way). `None` on SQLite, which has no partitions (nor an index
/// on the city), and when the city is not known.
pub(crate) fn city_condition(
    backend: sea_orm::DbBackend,
    table: &str,
    city: Option<i64>,
) -> Option<String> {
    match (backend, city) {
        (sea_orm::DbBackend::Postgres, Some(city)) => Some(format!("{table}.city_id = {city}")),
        _ => None,
    }
}

/// A household's city as a filter of a statement on `household`: written into its text on
/// PostgreSQL (see [`city_condition`]), so a write or read of one household by its id plans
/// and locks its city's partition alone; no condition on SQLite.
fn city_filter(backend: sea_orm::DbBackend, city: i64) -> Condition {
    match city_condition(backend, "household", Some(city)) {
        Some(c) => Condition::all().add(Expr::cust(c)),
        None => Condition::all(),
    }
}

/// [`city_condition`] to append to a statement's `WHERE`: ` AND <table>.city_id = <city>`, or
/// nothing.
pub(crate) fn and_city(backend: sea_orm::DbBackend, table: &str, city: Option<i64>) -> String {
    city_condition(backend, table, city)
        .map(|c| format!(" AND {c}"))
        .unwrap_or_default()
}

/// Whether another household of the unit (of `city_id`: the unique place holds it on
/// PostgreSQL, where it names the partition) has the room.
async fn room_taken<C: ConnectionTrait>(
    db: &C,
    city_id: i64,
    unit_id: i64,
    room: &Room,
    except: Option<i64>,
) -> ServiceResult<bool> {
    let mut q = household::Entity::find()
        .filter(household::Column::CityId.eq(city_id))
        .filter(household::Column::UnitId.eq(unit_id))
        .filter(household::Column::Room.eq(room.as_str()));
    if let Some(id) = except {
        q = q.filter(household::Column::Id.ne(id));
    }
    Ok(q.count(db).await? > 0)
}

/// Matches a room exactly, or a person (owner or resident) by part of the name, or by part of
/// the phone where the actor sees whole phone numbers (elsewhere a number is shown masked, and
/// a search by its digits would give the hidden ones away). The people are matched inside the
/// one query (no list of ids in between), so a common surname in a whole city finds every
/// household, and the caller's scope and paging apply to the complete result. A term that is
/// only LIKE wildcards matches no one.
fn search_condition(actor: &Actor, q: &str) -> Condition {
    let term = escape_like(q);
    let term = term.trim();
    let digits: String = q.chars().filter(char::is_ascii_digit).collect();
    let mut cond = Condition::any();
    if !term.is_empty() {
        cond = cond.add(households_of(
            person::Column::Name.like(format!("%{term}%")),
        ));
    }
    if digits.len() >= 4 {
        cond = cond.add(
            Condition::all()
                .add(households_of(
                    person::Column::Phone.like(format!("%{digits}%")),
                ))
                .add(scope::personal_households(actor)),
        );
    }
    if let Ok(room) = Room::parse(q) {
        cond = cond.add(household::Column::Room.eq(room.as_str()));
    }
    // An empty `any` would match every household.
    if cond.is_empty() {
        Condition::all().add(Expr::cust("1 = 0"))
    } else {
        cond
    }
}

/// Households owned or lived in by the people matching `people`.
fn households_of(people: SimpleExpr) -> Condition {
    let persons = Query::select()
        .column(person::Column::Id)
        .from(person::Entity)
        .and_where(people)
        .to_owned();
    let owned = Query::select()
        .column(ownership::Column::HouseholdId)
        .from(ownership::Entity)
        .and_where(ownership::Column::PersonId.in_subquery(persons.clone()))
        .to_owned();
    let lived = Query::select()
        .column(residency::Column::HouseholdId)
        .from(residency::Entity)
        .and_where(residency::Column::PersonId.in_subquery(persons))
        .to_owned();
    Condition::any()
        .add(household::Column::Id.in_subquery(owned))
        .add(household::Column::Id.in_subquery(lived))
}

/// A household of a list with its compound's name and regions, unit and building.
struct Listed {
    household: super::HouseholdPlace,
    compound: String,
    /// The compound's city, district, subdistrict and community; zeros where the list is
    /// inside one compound, whose path is already known.
    regions: [i64; 4],
    unit: String,
    building: String,
    /// How many households match, whatever the page.
    total: i64,
    /// The owners' names, joined with "、" (`household.owner_names`).
    owners: String,
    /// The first owner's phone (`household.owner_phone`; none when the first owner has none:
    /// another owner's number is not shown in its place).
    phone: Option<String>,
}

impl Store {
    /// Rows of households matching `cond` and visible to the actor, with owners' names: the
    /// page with its compound, building, unit, owners and the total, in ONE statement.
    ///
    /// A list is a round trip per statement on PostgreSQL, and the owners (a second read) and
    /// the total (a third) were two of its five. The total is now a sub-select of the same
    /// statement that does not depend on the row, which both databases run once; a window
    /// count over the cut (`COUNT(*) OVER ()`) would say the same, but PostgreSQL's planner
    /// prices a `LIMIT` above it as if it stopped early and picked a building-ordered scan
    /// that read every household of the city (20 ms against 1.5 ms). Each household's owners
    /// are read with it, as kept on the household (`owner_names`, which says why): they were
    /// an ownership and a person looked up per row, half of the statement's time.
    ///
    /// Each row's unit, building and compound: on PostgreSQL looked up once per unit on the
    /// page (the statement's own comment says why); on SQLite joined per row, and a list
    /// inside one compound (its page, a unit's) reads no compound row per household: the
    /// compound's path is `within`'s, its name one indexed look-up per row, while a search
    /// anywhere joins it for each row's regions. And a row reads only the household columns it
    /// shows (linli decodes 14 compound and 6 household cells fewer per row than it did).
    ///
    /// `within` is the place `cond` keeps the rows inside (a compound, a unit), or the empty
    /// path for a search anywhere. When the actor may see the registry of that whole place,
    /// every row `cond` matches is one they may see, and the grants' filter is left out: for an
    /// officer above the compound it is a sub-select of every compound of their city or
    /// district, which the database would gather twice per page (rows and count).
    pub(crate) async fn household_rows(
        &self,
        actor: &Actor,
        cond: Condition,
        page: PageRequest,
        within: &Path,
    ) -> ServiceResult<Paged<HouseholdRow>> {
        use sea_orm::QueryTrait;
        let mut q = household::Entity::find().filter(cond);
        if within.target().is_none() || !actor.can(Action::ViewRegistry, within) {
            q = q.filter(scope::households(actor));
        }
        // The city of the place listed names the one partition to read (`city_condition`).
        let backend = self.read().get_database_backend();
        if let Some(city) = city_condition(backend, "household", within.city_id()) {
            q = q.filter(Expr::cust(city));
        }
        // The page is cut first (a top-N sort over the matching households alone), then joined
        // to its compound, unit and building: a join before the cut would look those up for
        // every matching household.
        let cut = q
            .clone()
            .select_only()
            .expr(Expr::cust(format!(
                "{}, household.owner_names, household.owner_phone",
                super::household_place_columns("household")
            )))
            .order_by_asc(household::Column::BuildingId)
            .order_by_asc(household::Column::UnitId)
            .order_by_asc(household::Column::Floor)
            .order_by_asc(household::Column::Room)
            .build(self.read().get_database_backend());
        let count = self
            .read()
            .get_database_backend()
            .build(&q.select_only().expr(Expr::cust("COUNT(*)")).into_query());
        let cut_values = cut.values.map(|v| v.0).unwrap_or_default();
        let count_values = count.values.clone().map(|v| v.0).unwrap_or_default();
        // The count filters as the cut does, so it has the same parameters in the same order:
        // on PostgreSQL its `$1…` are the cut's; SQLite's `?` are bound in the order they
        // appear, the count's (in the select list) before the cut's.
        if count_values != cut_values {
            return Err(ServiceError::Internal(anyhow::anyhow!(
                "the household count's parameters differ from the list's"
            )));
        }
        // The page's bounds are written into the statement (integers of a `PageRequest`), so
        // the cut keeps the parameters its builder numbered and the outer statement adds none.
        let in_compound = paths::compound_part(within);
        let columns = super::household_place_columns("h");
        let order = "ORDER BY h.building_id, h.unit_id, h.floor, h.room, h.id";
        let (sql, values) = match cut.db_backend {
            // PostgreSQL: the page's places are looked up once per unit on the page, not once
            // per household. Each look-up is an index descent (three buffers); fifty
            // households of a compound are in a handful of units, and the unit, building and
            // compound of each row were 450 of the statement's 890 buffers. The cut is a
            // common table (materialised: it is read twice), its units gathered, and those
            // joined back by hash. The places must be `MATERIALIZED`: inlined and inner-joined,
            // the planner folds them back into a look-up per row (`pg_stat_user_indexes` under
            // load: 50 unit, building and compound descents a request either way).
            // `pgbench -M prepared`, the demo's largest compound, two clients: 4,268–5,072 →
            // 5,280–5,729 statements/s.
            sea_orm::DbBackend::Postgres => (
                format!(
                    "WITH h AS ({} LIMIT {} OFFSET {}), \
                     pl AS MATERIALIZED (SELECT u.id, u.name AS unit, b.name AS building, c.name AS compound, \
                            c.city_id, c.district_id, c.subdistrict_id, c.community_id \
                            FROM unit u JOIN building b ON b.id = u.building_id \
                            JOIN compound c ON c.id = u.compound_id \
                            WHERE u.id IN (SELECT h.unit_id FROM h)) \
                     SELECT {columns}, pl.compound, pl.city_id, pl.district_id, pl.subdistrict_id, \
                            pl.community_id, pl.unit, pl.building, ({}), h.owner_names, h.owner_phone \
                     FROM h JOIN pl ON pl.id = h.unit_id {order}",
                    cut.sql,
                    page.size(),
                    page.offset(),
                    count.sql,
                ),
                cut_values,
            ),
            // SQLite: an indexed look-up is a few microseconds in process, and the form above
            // (a temporary index on the places, a sort) took 1.7 times as long as a join per
            // row. SQLite's `?` are bound in the order they appear: the count's, then the cut's.
            _ => {
                let (compound, compound_join) = if in_compound.is_some() {
                    (
                        "(SELECT c.name FROM compound c WHERE c.id = h.compound_id), 0, 0, 0, 0",
                        "",
                    )
                } else {
                    (
                        "c.name, c.city_id, c.district_id, c.subdistrict_id, c.community_id",
                        "INNER JOIN compound c ON c.id = h.compound_id ",
                    )
                };
                (
                    format!(
                        "SELECT {columns}, {compound}, u.name, b.name, ({}), h.owner_names, h.owner_phone \
                         FROM ({} LIMIT {} OFFSET {}) AS h \
                         {compound_join}\
                         LEFT JOIN unit u ON u.id = h.unit_id \
                         LEFT JOIN building b ON b.id = u.building_id \
                         {order}",
                        count.sql,
                        cut.sql,
                        page.size(),
                        page.offset(),
                    ),
                    [count_values, cut_values].concat(),
                )
            }
        };
        let listed = sea_orm::Statement::from_sql_and_values(cut.db_backend, sql, values);
        let map: crate::sync_read::RowMap<Listed> = |r| {
            let c = super::HOUSEHOLD_PLACE_WIDTH;
            let at = c + 5;
            Ok(Listed {
                household: super::household_place_at(r, 0)?,
                compound: r.text(c)?,
                regions: [r.int(c + 1)?, r.int(c + 2)?, r.int(c + 3)?, r.int(c + 4)?],
                unit: r.opt_text(at)?.unwrap_or_default(),
                building: r.opt_text(at + 1)?.unwrap_or_default(),
                total: r.int(at + 2)?,
                owners: r.opt_text(at + 3)?.unwrap_or_default(),
                phone: r.opt_text(at + 4)?.filter(|p| !p.is_empty()),
            })
        };
        let rows = self.fetch(listed, map).await?;
        // No row: the page is past the end (or nothing matches), and only a count says which.
        let total = match rows.first() {
            Some(r) => u64::try_from(r.total).unwrap_or(0),
            None if page.page() == 1 => 0,
            None => {
                let n = self.fetch(count, |r| r.int(0)).await?;
                n.first().and_then(|n| u64::try_from(*n).ok()).unwrap_or(0)
            }
        };
        let items = rows
            .into_iter()
            .map(
                |Listed {
                     household: h,
                     compound,
                     regions,
                     unit,
                     building,
                     owners,
                     phone,
                     ..
                 }| {
                    let path = match &in_compound {
                        Some(c) => paths::household_path_in(c, h.building_id, h.unit_id, h.id),
                        None => paths::household_path_in(
                            &paths::path_of(h.compound_id, regions),
                            h.building_id,
                            h.unit_id,
                            h.id,
                        ),
                    };
                    let personal = actor.can(Action::ViewPersonal, &path);
                    HouseholdRow {
                        id: h.id,
                        compound_id: h.compound_id,
                        compound,
                        building,
                        unit,
                        floor: h.floor,
                        room: h.room,
                        area: Area::from_centi(h.area_centi)
                            .map(|a| a.to_string())
                            .unwrap_or_default(),
                        owners,
                        phone: shown_phone(phone.as_deref(), personal),
                    }
                },
            )
            .collect();
        Ok(Paged::new(items, total, page))
    }

    /// Households of a compound, optionally filtered by a search term.
    pub async fn list_households(
        &self,
        actor: &Actor,
        compound_id: i64,
        q: Option<&str>,
        page: PageRequest,
    ) -> ServiceResult<Paged<HouseholdRow>> {
        // A dashboard, list or export may be a moment old: a replica may answer it.
        self.on_replica(async move {
            let mut cond = Condition::all().add(household::Column::CompoundId.eq(compound_id));
            if let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) {
                cond = cond.add(search_condition(actor, q));
            }
            // Whether the actor sees the compound whole (and so needs no grants' filter) is
            // known from its path, which is kept once read (`CompoundPaths`): the list is then
            // one statement after the sign-in.
            let path = self.compound_path_of(compound_id).await?;
            actor.require(Action::ViewPublic, &path)?;
            self.household_rows(actor, cond, page, &path).await
        })
        .await
    }

    /// Households anywhere the actor can see, by owner or resident name, room or phone.
    pub async fn search_households(
        &self,
        actor: &Actor,
        q: &str,
        page: PageRequest,
    ) -> ServiceResult<Paged<HouseholdRow>> {
        let q = q.trim();
        if q.is_empty() {
            return Ok(Paged::new(Vec::new(), 0, page));
        }
        let cond = search_condition(actor, q);
        self.household_rows(actor, cond, page, &Path::default())
            .await
    }

    /// The household page: data, owners, residents (current and past), what the actor may do.
    pub async fn household(&self, actor: &Actor, id: i64) -> ServiceResult<HouseholdView> {
        let at = self.household_at(id).await?;
        self.household_view(actor, at).await
    }

    /// The household page's view of a household already read with its places.
    pub(crate) async fn household_view(
        &self,
        actor: &Actor,
        at: super::HouseholdAt,
    ) -> ServiceResult<HouseholdView> {
        let super::HouseholdAt {
            compound: c,
            household: h,
            mut places,
            unit,
        } = at;
        let path = paths::household_path(&c, &h);
        actor.require(Action::ViewRegistry, &path)?;
        let can = Permissions::at(actor, &path);
        let (owners, residents) = self.people_of(&h, can.personal).await?;
        if let Some((building_id, building, unit)) = unit {
            places.push(PlaceRef {
                kind: NodeKind::Building,
                id: building_id,
                name: building,
            });
            places.push(PlaceRef {
                kind: NodeKind::Unit,
                id: h.unit_id,
                name: unit,
            });
        }
        places.push(PlaceRef {
            kind: NodeKind::Household,
            id: h.id,
            name: h.room.clone(),
        });
        Ok(HouseholdView {
            household: household_data(&h),
            places,
            owners,
            residents,
            can,
        })
    }

    /// Everything the household page shows, with the household read once: its view, its
    /// votes, bills and requests, its history (for those who may see personal records) and
    /// the accounts to link (for those who may invite).
    pub async fn household_page(
        &self,
        actor: &Actor,
        id: i64,
        history: PageRequest,
    ) -> ServiceResult<HouseholdPage> {
        let at = self.household_at(id).await?;
        self.household_page_at(actor, at, history).await
    }

    /// [`Store::household_at`] as the household page's first read: when the household's city
    /// is known from an earlier read ([`crate::paths::HouseholdCities`]), on PostgreSQL it is
    /// read in that city's partition, and everything [`Store::household_page_at`] will read of
    /// it goes in the same trip ([`Store::read_ahead`]; inside [`Store::reading_ahead`], the
    /// page's second trip then does not go). Nothing of it is shown before the actor's right to
    /// see it is checked, as without. `history` is the page of its history the page shows.
    pub async fn household_page_first(
        &self,
        id: i64,
        history: PageRequest,
    ) -> ServiceResult<super::HouseholdAt> {
        let read = |city: Option<i64>| async move {
            let Some(city) = city else {
                return self.household_at_in(id, None).await;
            };
            // One trip (the caller's, when it is batched: the page's sign-in's).
            let (at, ()) = self
                .batched(async {
                    tokio::join!(
                        self.household_at_in(id, Some(city)),
                        self.read_ahead(self.household_page_reads(id, city, history)),
                    )
                })
                .await;
            at
        };
        self.by_household_city(id, read, |a| a.household.city_id)
            .await?
            .ok_or(ServiceError::NotFound {
                entity: "household",
            })
    }

    /// What [`Store::household_page_at`] reads of household `id` of city `city`, built by the
    /// functions its services build them with (so a read ahead is the same statement).
    fn household_page_reads(
        &self,
        id: i64,
        city: i64,
        history: PageRequest,
    ) -> Vec<sea_orm::Statement> {
        let [votes, reported] = self.household_links_reads(city, id);
        let [shares, paid] = self.shares_reads(&[id]);
        vec![
            self.people_of_read(id),
            votes,
            reported,
            shares,
            paid,
            self.history_read(city, "household", id, history),
            self.household_grants_read(id),
        ]
    }

    /// [`Store::household_page`] of a household already read by [`Store::household_at`]: the
    /// page reads it in the same round trip as its sign-in ([`Store::batched`]), before the
    /// actor is known, and the right to see it is checked here, before anything is shown.
    pub async fn household_page_at(
        &self,
        actor: &Actor,
        at: super::HouseholdAt,
        history: PageRequest,
    ) -> ServiceResult<HouseholdPage> {
        let (c, h) = (at.compound.clone(), at.household.clone());
        let id = h.id;
        let path = paths::household_path(&c, &h);
        actor.require(Action::ViewRegistry, &path)?;
        let can = Permissions::at(actor, &path);
        // The rest depends only on the household: independent reads, which share round
        // trips on PostgreSQL (`batch`).
        let (view, links, history, to_link) = self
            .batched(async {
                tokio::try_join!(
                    self.household_view(actor, at),
                    self.household_links_at(actor, &c, &h),
                    async {
                        if can.personal {
                            self.history_of(c.city_id, "household", id, history)
                                .await
                                .map(Some)
                        } else {
                            Ok(None)
                        }
                    },
                    async {
                        if can.invite {
                            self.accounts_to_link_at(actor, &c, &h).await
                        } else {
                            Ok(Vec::new())
                        }
                    },
                )
            })
            .await?;
        Ok(HouseholdPage {
            view,
            links,
            history,
            to_link,
        })
    }

    pub async fn household_history(
        &self,
        actor: &Actor,
        id: i64,
        page: PageRequest,
    ) -> ServiceResult<Paged<AuditEntry>> {
        let (c, h) = self.household_with_compound(id).await?;
        actor.require(Action::ViewPersonal, &paths::household_path(&c, &h))?;
        self.history_of(c.city_id, "household", id, page).await
    }

    pub async fn create_household(
        &self,
        actor: &Actor,
        unit_id: i64,
        input: &HouseholdInput,
    ) -> ServiceResult<HouseholdData> {
        let (c, u) = self.unit_row(unit_id).await?;
        actor.require(
            Action::CreateHousehold,
            &paths::unit_path(&c, u.building_id, u.id),
        )?;
        let p = parse_all(&input.floor, &input.room, &input.area, &input.area_source)?;
        let t = self.now();
        let txn = self.begin_write().await?;
        if room_taken(&txn, c.city_id, unit_id, &p.room, None).await? {
            return Err(ServiceError::invalid(
                "room",
                Invalid::DuplicateRoom {
                    room: p.room.as_str().to_string(),
                },
            ));
        }
        let id = household::Entity::insert(household::ActiveModel {
            unit_id: Set(unit_id),
            building_id: Set(u.building_id),
            compound_id: Set(c.id),
            city_id: Set(c.city_id),
            floor: Set(p.floor.get()),
            room: Set(p.room.as_str().to_string()),
            area_centi: Set(p.area.centi()),
            area_source: Set(p.source),
            designated_voter_id: Set(None),
            developer_unsold: Set(false),
            version: Set(1),
            created_at: Set(t),
            updated_at: Set(t),
            ..Default::default()
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        let h =
            household::Entity::find_by_id(id)
                .one(&txn)
                .await?
                .ok_or(ServiceError::NotFound {
                    entity: "household",
                })?;
        let data = household_data(&h);
        Change::by(actor, c.id, "household.create", "household", id)
            .after(serde_json::to_value(&data).map_err(anyhow::Error::from)?)
            .record(&txn)
            .await?;
        txn.commit().await?;
        Ok(data)
    }

    /// Edits a household; fields left out keep their value.
    pub async fn update_household(
        &self,
        actor: &Actor,
        id: i64,
        patch: &HouseholdPatch,
    ) -> ServiceResult<HouseholdData> {
        let (c, before) = self.household_with_compound(id).await?;
        actor.require(Action::EditHousehold, &paths::household_path(&c, &before))?;
        let area_now = Area::from_centi(before.area_centi)
            .map(|a| a.to_string())
            .unwrap_or_default();
        let floor_now = before.floor.to_string();
        let p = parse_all(
            patch.floor.as_deref().unwrap_or(&floor_now),
            patch.room.as_deref().unwrap_or(&before.room),
            patch.area.as_deref().unwrap_or(&area_now),
            patch
                .area_source
                .as_deref()
                .unwrap_or(before.area_source.as_str()),
        )?;
        let txn = self.begin_write().await?;
        if p.room.as_str() != before.room
            && room_taken(&txn, c.city_id, before.unit_id, &p.room, Some(id)).await?
        {
            return Err(ServiceError::invalid(
                "room",
                Invalid::DuplicateRoom {
                    room: p.room.as_str().to_string(),
                },
            ));
        }
        let res = household::Entity::update_many()
            .col_expr(household::Column::Floor, Expr::value(p.floor.get()))
            .col_expr(household::Column::Room, Expr::value(p.room.as_str()))
            .col_expr(household::Column::AreaCenti, Expr::value(p.area.centi()))
            .col_expr(
                household::Column::AreaSource,
                Expr::value(p.source.as_str()),
            )
            .col_expr(
                household::Column::DeveloperUnsold,
                Expr::value(patch.developer_unsold.unwrap_or(before.developer_unsold)),
            )
            .col_expr(
                household::Column::Version,
                Expr::col(household::Column::Version).add(1),
            )
            .col_expr(household::Column::UpdatedAt, Expr::value(self.now()))
            .filter(city_filter(self.read().get_database_backend(), c.city_id))
            .filter(household::Column::Id.eq(id))
            .filter(household::Column::Version.eq(patch.version))
            .exec(&txn)
            .await?;
        self.finish_household_write(
            txn,
            actor,
            &c,
            before,
            res.rows_affected,
            "household.update",
        )
        .await
    }

    /// Moves a household to another unit of the same compound.
    pub async fn move_household(
        &self,
        actor: &Actor,
        id: i64,
        input: &MoveInput,
    ) -> ServiceResult<HouseholdData> {
        let (c, before) = self.household_with_compound(id).await?;
        actor.require(Action::MoveHousehold, &paths::household_path(&c, &before))?;
        let target = unit::Entity::find_by_id(input.unit_id)
            .one(self.read())
            .await?
            .ok_or_else(|| ServiceError::invalid("unit_id", Invalid::BadChoice))?;
        if target.compound_id != c.id {
            return Err(ServiceError::invalid("unit_id", Invalid::OtherCompound));
        }
        let room = Room::parse(&before.room).map_err(|e| FieldError::new("room", e))?;
        let txn = self.begin_write().await?;
        if room_taken(&txn, c.city_id, target.id, &room, Some(id)).await? {
            return Err(ServiceError::invalid(
                "room",
                Invalid::DuplicateRoom {
                    room: before.room.clone(),
                },
            ));
        }
        let res = household::Entity::update_many()
            .col_expr(household::Column::UnitId, Expr::value(target.id))
            .col_expr(
                household::Column::BuildingId,
                Expr::value(target.building_id),
            )
            .col_expr(
                household::Column::Version,
                Expr::col(household::Column::Version).add(1),
            )
            .col_expr(household::Column::UpdatedAt, Expr::value(self.now()))
            .filter(city_filter(self.read().get_database_backend(), c.city_id))
            .filter(household::Column::Id.eq(id))
            .filter(household::Column::Version.eq(input.version))
            .exec(&txn)
            .await?;
        if res.rows_affected == 1 {
            // Roles held on this household now sit under its new unit.
            let moved = household::Entity::find_by_id(id).one(&txn).await?.ok_or(
                ServiceError::NotFound {
                    entity: "household",
                },
            )?;
            role_grant::Entity::update_many()
                .col_expr(
                    role_grant::Column::Path,
                    Expr::value(paths::household_path(&c, &moved).to_string()),
                )
                .filter(role_grant::Column::NodeKind.eq("household"))
                .filter(role_grant::Column::NodeId.eq(id))
                .exec(&txn)
                .await?;
        }
        self.finish_household_write(txn, actor, &c, before, res.rows_affected, "household.move")
            .await
    }

    /// After a versioned update: refuse a stale edit, or audit it and commit.
    async fn finish_household_write(
        &self,
        txn: sea_orm::DatabaseTransaction,
        actor: &Actor,
        c: &compound::Model,
        before: household::Model,
        rows_affected: u64,
        action: &str,
    ) -> ServiceResult<HouseholdData> {
        let in_its_city = city_filter(self.read().get_database_backend(), c.city_id);
        if rows_affected != 1 {
            let current = household::Entity::find_by_id(before.id)
                .filter(in_its_city.clone())
                .one(&txn)
                .await?
                .map(|h| h.version)
                .unwrap_or(before.version);
            return Err(ServiceError::Stale { current });
        }
        let after = household::Entity::find_by_id(before.id)
            .filter(in_its_city)
            .one(&txn)
            .await?
            .ok_or(ServiceError::NotFound {
                entity: "household",
            })?;
        let data = household_data(&after);
        Change::by(actor, c.id, action, "household", before.id)
            .before(serde_json::to_value(household_data(&before)).map_err(anyhow::Error::from)?)
            .after(serde_json::to_value(&data).map_err(anyhow::Error::from)?)
            .record(&txn)
            .await?;
        txn.commit().await?;
        Ok(data)
    }
}

#[cfg(test)]
mod tests {
    use super::city_condition;
    use sea_orm::DbBackend;

    #[test]
    fn the_city_is_written_into_postgresql_statements_only_and_only_when_known() {
        assert_eq!(
            city_condition(DbBackend::Postgres, "h", Some(13)).as_deref(),
            Some("h.city_id = 13")
        );
        assert_eq!(city_condition(DbBackend::Postgres, "h", None), None);
        assert_eq!(city_condition(DbBackend::Sqlite, "h", Some(13)), None);
    }
}
