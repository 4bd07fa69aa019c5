//! Regions and compounds: browsing the hierarchy, the compound profile, creating and editing.

use super::{PlaceRef, field, lenient_opt_string, scope};
use crate::accounts::Actor;
use crate::audit::{self, Change};
use crate::entity::{building, compound, household, region, sub_compound};
use crate::error::{ServiceError, ServiceResult};
use crate::{Store, paths};
use linli_domain::authz::Action;
use linli_domain::place::NodeKind;
use linli_domain::registry::{ManagementMode, SixHave, SixHaveItem, Text, parse_year};
use linli_domain::{PageRequest, Paged};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CompoundSummary {
    pub id: i64,
    pub name: String,
    pub address: Option<String>,
    pub management_mode: ManagementMode,
    pub three_no: bool,
    pub six_have_count: u32,
    pub households: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CompoundProfile {
    pub id: i64,
    pub name: String,
    pub address: Option<String>,
    pub year_built: Option<i32>,
    pub management_mode: ManagementMode,
    pub three_no: bool,
    /// The six-have items present, by code.
    pub six_have: Vec<String>,
    pub six_have_complete: bool,
    pub version: i32,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BuildingSummary {
    pub id: i64,
    pub name: String,
    pub sub_compound: Option<String>,
    pub floors: Option<i32>,
    pub units: i64,
    pub households: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CompoundStats {
    pub buildings: i64,
    pub units: i64,
    pub households: i64,
    /// Sum of the households' exclusive areas, in hundredths of m².
    pub area_centi: i64,
}

/// What the actor may do here, so pages show only the buttons that will work.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Permissions {
    pub edit: bool,
    pub structure: bool,
    pub create_household: bool,
    pub move_household: bool,
    pub people: bool,
    pub invite: bool,
    pub personal: bool,
    pub registry: bool,
}

impl Permissions {
    pub fn at(actor: &Actor, at: &linli_domain::place::Path) -> Permissions {
        Permissions {
            edit: actor.can(Action::EditCompound, at) || actor.can(Action::EditHousehold, at),
            structure: actor.can(Action::EditStructure, at),
            create_household: actor.can(Action::CreateHousehold, at),
            move_household: actor.can(Action::MoveHousehold, at),
            people: actor.can(Action::ManagePeople, at),
            invite: actor.can(Action::IssueInvite, at),
            personal: actor.can(Action::ViewPersonal, at),
            registry: actor.can(Action::ViewRegistry, at),
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CompoundView {
    pub compound: CompoundProfile,
    pub places: Vec<PlaceRef>,
    pub stats: CompoundStats,
    pub sub_compounds: Vec<String>,
    pub buildings: Vec<BuildingSummary>,
    pub can: Permissions,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RegionSummary {
    pub id: i64,
    pub kind: NodeKind,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RegionView {
    pub region: RegionSummary,
    pub places: Vec<PlaceRef>,
    pub children: Vec<RegionSummary>,
    #[schema(value_type = Object)]
    pub compounds: Paged<CompoundSummary>,
    pub can_create_compound: bool,
}

/// Filters of the compound list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams, utoipa::ToSchema)]
pub struct CompoundFilter {
    /// Part of the compound's name.
    pub q: Option<String>,
    /// `professional`, `self_managed`, `delegated` or `none`.
    pub mode: Option<String>,
    /// Only three-no compounds.
    pub three_no: Option<bool>,
    /// Within this region.
    pub region: Option<i64>,
}

/// A compound's profile as typed on the form or sent to the API.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CompoundInput {
    pub name: String,
    #[serde(default)]
    pub address: String,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub year_built: Option<String>,
    pub management_mode: String,
    #[serde(default)]
    pub three_no: bool,
    /// Codes of the six-have items present.
    #[serde(default)]
    pub six_have: Vec<String>,
    /// Required when editing: the version the edit was based on.
    #[serde(default)]
    pub version: Option<i32>,
}

struct ParsedCompound {
    name: Text,
    address: Option<Text>,
    year_built: Option<i32>,
    mode: ManagementMode,
    three_no: bool,
    six_have: SixHave,
}

fn parse_compound(input: &CompoundInput) -> ServiceResult<ParsedCompound> {
    let mut e = Vec::new();
    let name = field(&mut e, "name", Text::parse(&input.name, 100));
    let address = field(&mut e, "address", Text::parse_optional(&input.address, 200));
    let year_built = field(
        &mut e,
        "year_built",
        parse_year(input.year_built.as_deref().unwrap_or("")),
    );
    let mode = field(
        &mut e,
        "management_mode",
        ManagementMode::parse_written(&input.management_mode),
    );
    let mut items = Vec::new();
    for code in &input.six_have {
        match SixHaveItem::ALL.into_iter().find(|i| i.as_str() == code) {
            Some(i) => items.push(i),
            None => e.push(linli_domain::FieldError::new(
                "six_have",
                linli_domain::Invalid::BadChoice,
            )),
        }
    }
    match (name, address, year_built, mode, e.is_empty()) {
        (Some(name), Some(address), Some(year_built), Some(mode), true) => Ok(ParsedCompound {
            name,
            address,
            year_built,
            mode,
            three_no: input.three_no,
            six_have: SixHave::from_items(items),
        }),
        _ => Err(ServiceError::Invalid(e)),
    }
}

pub fn compound_profile(c: &compound::Model) -> CompoundProfile {
    let six = SixHave::from_mask(c.six_have);
    CompoundProfile {
        id: c.id,
        name: c.name.clone(),
        address: c.address.clone(),
        year_built: c.year_built,
        management_mode: c.management_mode,
        three_no: c.three_no,
        six_have: SixHaveItem::ALL
            .into_iter()
            .filter(|i| six.has(*i))
            .map(|i| i.as_str().to_string())
            .collect(),
        six_have_complete: six.complete(),
        version: c.version,
    }
}

/// A compound and what its overview counts, read by [`Store::compound_read`] before the
/// actor's right to see it is checked: its fields are the store's alone.
pub struct CompoundRead {
    c: compound::Model,
    places: Vec<PlaceRef>,
    /// Each building with its units, households and their area.
    counted: Vec<(building::Model, i64, i64, i64)>,
    subs: Vec<sub_compound::Model>,
}

impl Store {
    /// Compounds the actor can see, filtered and paged.
    pub async fn list_compounds(
        &self,
        actor: &Actor,
        filter: &CompoundFilter,
        page: PageRequest,
    ) -> ServiceResult<Paged<CompoundSummary>> {
        let mut cond = Condition::all().add(scope::compounds(actor));
        if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            cond = cond.add(compound::Column::Name.like(format!("%{}%", escape_like(q))));
        }
        if let Some(mode) = filter.mode.as_deref().filter(|m| !m.is_empty()) {
            // Only a known mode reaches the query; anything else is a bad choice, not a 500.
            let mode = ManagementMode::parse_written(mode)
                .map_err(|e| ServiceError::invalid("management_mode", e))?;
            cond = cond.add(compound::Column::ManagementMode.eq(mode.as_str()));
        }
        if filter.three_no == Some(true) {
            cond = cond.add(compound::Column::ThreeNo.eq(true));
        }
        if let Some(region_id) = filter.region {
            let (path, _) = self.region_path(region_id).await?;
            let node = path
                .target()
                .ok_or(ServiceError::NotFound { entity: "region" })?;
            let col = match node.kind {
                NodeKind::City => compound::Column::CityId,
                NodeKind::District => compound::Column::DistrictId,
                NodeKind::Subdistrict => compound::Column::SubdistrictId,
                _ => compound::Column::CommunityId,
            };
            cond = cond.add(col.eq(region_id));
        }
        let q = compound::Entity::find().filter(cond);
        let total = q.clone().count(self.read()).await?;
        let rows = q
            .order_by_asc(compound::Column::Id)
            .offset(page.offset())
            .limit(page.size())
            .all(self.read())
            .await?;
        let counts = self
            .household_counts(
                household::Column::CompoundId,
                rows.iter().map(|c| c.id).collect(),
            )
            .await?;
        Ok(Paged::new(
            rows.into_iter()
                .map(|c| CompoundSummary {
                    households: counts.get(&c.id).copied().unwrap_or(0),
                    id: c.id,
                    six_have_count: SixHave::from_mask(c.six_have).count(),
                    name: c.name,
                    address: c.address,
                    management_mode: c.management_mode,
                    three_no: c.three_no,
                })
                .collect(),
            total,
            page,
        ))
    }

    /// Households per parent (compound, building or unit) for the given parent ids.
    pub(crate) async fn household_counts(
        &self,
        by: household::Column,
        ids: Vec<i64>,
    ) -> ServiceResult<HashMap<i64, i64>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let rows: Vec<(i64, i64)> = household::Entity::find()
            .select_only()
            .column(by)
            .expr(Expr::cust("COUNT(*)"))
            .filter(by.is_in(ids))
            .group_by(by)
            .into_tuple()
            .all(self.read())
            .await?;
        Ok(rows.into_iter().collect())
    }

    /// A region with its child regions and the compounds under it.
    pub async fn region(
        &self,
        actor: &Actor,
        id: i64,
        page: PageRequest,
    ) -> ServiceResult<RegionView> {
        let (path, r) = self.region_path(id).await?;
        actor.require(Action::ViewRegistry, &path)?;
        let children = region::Entity::find()
            .filter(region::Column::ParentId.eq(id))
            .order_by_asc(region::Column::Id)
            .all(self.read())
            .await?
            .into_iter()
            .map(|c| RegionSummary {
                id: c.id,
                kind: c.kind,
                name: c.name,
            })
            .collect();
        let names: HashMap<i64, region::Model> = region::Entity::find()
            .filter(region::Column::Id.is_in(path.nodes().iter().map(|n| n.id).collect::<Vec<_>>()))
            .all(self.read())
            .await?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
        let places = path
            .nodes()
            .iter()
            .filter_map(|n| names.get(&n.id))
            .map(|r| PlaceRef {
                kind: r.kind,
                id: r.id,
                name: r.name.clone(),
            })
            .collect();
        let compounds = self
            .list_compounds(
                actor,
                &CompoundFilter {
                    region: Some(id),
                    ..Default::default()
                },
                page,
            )
            .await?;
        Ok(RegionView {
            can_create_compound: r.kind == NodeKind::Community
                && actor.can(Action::CreateCompound, &path),
            region: RegionSummary {
                id: r.id,
                kind: r.kind,
                name: r.name,
            },
            places,
            children,
            compounds,
        })
    }

    /// The top places the actor works on: where their roles sit.
    pub async fn home_places(&self, actor: &Actor) -> ServiceResult<Vec<PlaceRef>> {
        let mut out = Vec::new();
        for g in &actor.grants {
            let Some(node) = g.at.target() else { continue };
            let name = if node.kind.is_region() {
                region::Entity::find_by_id(node.id)
                    .one(self.read())
                    .await?
                    .map(|r| r.name)
            } else if node.kind == NodeKind::Household {
                // A resident's own home, named as on the door: 纹江花园 1栋 1单元 102.
                let v = self.household(actor, node.id).await?;
                let names: Vec<&str> = v.places.iter().skip(4).map(|p| p.name.as_str()).collect();
                Some(names.join(" "))
            } else {
                match g.at.compound_id() {
                    Some(cid) => compound::Entity::find_by_id(cid)
                        .one(self.read())
                        .await?
                        .map(|c| c.name),
                    None => None,
                }
            };
            let (kind, id) = if node.kind.is_region() {
                (node.kind, node.id)
            } else if node.kind == NodeKind::Household {
                (NodeKind::Household, node.id)
            } else {
                (NodeKind::Compound, g.at.compound_id().unwrap_or(node.id))
            };
            let place = PlaceRef {
                kind,
                id,
                name: name.unwrap_or_default(),
            };
            if !out
                .iter()
                .any(|p: &PlaceRef| p.kind == place.kind && p.id == place.id)
            {
                out.push(place);
            }
        }
        Ok(out)
    }

    /// The compound overview: profile, counts, buildings.
    pub async fn compound(&self, actor: &Actor, id: i64) -> ServiceResult<CompoundView> {
        let read = self.compound_read(id).await?;
        self.compound_view(actor, read)
    }

    /// What the compound overview shows, read before anyone's right to see it is known: the
    /// compound with its places, its buildings with their units, households and area, and its
    /// sub-compounds, three reads that need only the id, each count one pass over the
    /// compound's rows. They share a round trip on PostgreSQL (`batch`), the page's sign-in
    /// too when it reads this alongside (`Ctx::alongside` in the web crate); nothing of it is
    /// shown but through [`Store::compound_view`], which checks the actor's right first.
    pub async fn compound_read(&self, id: i64) -> ServiceResult<CompoundRead> {
        let city = self.compound_paths().city_of(id);
        let ((c, places), counted, subs) = self
            .batched(async {
                tokio::try_join!(
                    self.compound_with_places(id),
                self.fetch(
                    self.sql(
                        &format!(
                            "SELECT b.id, b.name, b.sub_compound_id, b.floors, \
                             COALESCE(uc.n, 0), COALESCE(hc.n, 0), COALESCE(hc.area, 0), b.compound_id \
                             FROM building b \
                             LEFT JOIN (SELECT building_id, COUNT(*) AS n FROM unit WHERE compound_id = $1 \
                               GROUP BY building_id) uc ON uc.building_id = b.id \
                             LEFT JOIN (SELECT building_id, COUNT(*) AS n, \
                               CAST(COALESCE(SUM(area_centi), 0) AS BIGINT) AS area \
                               FROM household WHERE compound_id = $1{} GROUP BY building_id) hc \
                               ON hc.building_id = b.id \
                             WHERE b.compound_id = $1 ORDER BY b.id",
                            super::households::and_city(
                                self.read().get_database_backend(),
                                "household",
                                city,
                            ),
                        ),
                        vec![id.into()],
                    ),
                    |r| {
                        Ok((
                            building::Model {
                                id: r.int(0)?,
                                compound_id: r.int(7)?,
                                name: r.text(1)?,
                                sub_compound_id: r.opt_int(2)?,
                                floors: r.opt_int(3)?.and_then(|f| i32::try_from(f).ok()),
                            },
                            r.int(4)?,
                            r.int(5)?,
                            r.int(6)?,
                        ))
                    },
                ),
                self.fetch(
                    self.sql(
                        "SELECT id, name, compound_id FROM sub_compound WHERE compound_id = $1 ORDER BY id",
                        vec![id.into()],
                    ),
                    |r| {
                        Ok(sub_compound::Model {
                            id: r.int(0)?,
                            compound_id: r.int(2)?,
                            name: r.text(1)?,
                        })
                    },
                ),
                )
            })
            .await?;
        // Its city names the households' partition in the next read of its page (kept once:
        // a write lock per page would make the pages wait on each other).
        if city.is_none() {
            self.compound_paths().keep(&c);
        }
        Ok(CompoundRead {
            c,
            places,
            counted,
            subs,
        })
    }

    /// The overview of a compound read by [`Store::compound_read`], for an actor who may see it.
    pub fn compound_view(&self, actor: &Actor, read: CompoundRead) -> ServiceResult<CompoundView> {
        let CompoundRead {
            c,
            places,
            counted,
            subs,
        } = read;
        let path = paths::compound_path(&c);
        actor.require(Action::ViewPublic, &path)?;
        let buildings: Vec<building::Model> = counted.iter().map(|(b, ..)| b.clone()).collect();
        let unit_counts: HashMap<i64, i64> = counted.iter().map(|(b, u, ..)| (b.id, *u)).collect();
        let per_building: Vec<(i64, i64, i64)> =
            counted.iter().map(|(b, _, n, a)| (b.id, *n, *a)).collect();
        let hh_counts: HashMap<i64, i64> = per_building.iter().map(|(b, n, _)| (*b, *n)).collect();
        let stats = CompoundStats {
            buildings: buildings.len() as i64,
            units: unit_counts.values().sum(),
            households: hh_counts.values().sum(),
            area_centi: per_building.iter().map(|(_, _, a)| a).sum(),
        };
        let sub_name = |sid: Option<i64>| {
            sid.and_then(|s| subs.iter().find(|x| x.id == s))
                .map(|s| s.name.clone())
        };
        Ok(CompoundView {
            compound: compound_profile(&c),
            places,
            stats,
            sub_compounds: subs.iter().map(|s| s.name.clone()).collect(),
            buildings: buildings
                .iter()
                .map(|b| BuildingSummary {
                    id: b.id,
                    name: b.name.clone(),
                    sub_compound: sub_name(b.sub_compound_id),
                    floors: b.floors,
                    units: unit_counts.get(&b.id).copied().unwrap_or(0),
                    households: hh_counts.get(&b.id).copied().unwrap_or(0),
                })
                .collect(),
            can: Permissions::at(actor, &path),
        })
    }

    /// Creates a compound in a community.
    pub async fn create_compound(
        &self,
        actor: &Actor,
        community_id: i64,
        input: &CompoundInput,
    ) -> ServiceResult<CompoundProfile> {
        let (path, community) = self.region_path(community_id).await?;
        actor.require(Action::CreateCompound, &path)?;
        if community.kind != NodeKind::Community {
            return Err(ServiceError::invalid(
                "id",
                linli_domain::Invalid::BadChoice,
            ));
        }
        let p = parse_compound(input)?;
        let id_of = |k: NodeKind| {
            path.nodes()
                .iter()
                .find(|n| n.kind == k)
                .map(|n| n.id)
                .unwrap_or(0)
        };
        let t = self.now();
        let txn = self.begin_write().await?;
        let row = compound::ActiveModel {
            community_id: Set(community_id),
            subdistrict_id: Set(id_of(NodeKind::Subdistrict)),
            district_id: Set(id_of(NodeKind::District)),
            city_id: Set(id_of(NodeKind::City)),
            name: Set(p.name.into_string()),
            address: Set(p.address.map(Text::into_string)),
            year_built: Set(p.year_built),
            management_mode: Set(p.mode),
            three_no: Set(p.three_no),
            six_have: Set(p.six_have.mask()),
            version: Set(1),
            created_at: Set(t),
            updated_at: Set(t),
            ..Default::default()
        };
        let id = compound::Entity::insert(row)
            .exec(&txn)
            .await?
            .last_insert_id;
        let c = compound::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or(ServiceError::NotFound { entity: "compound" })?;
        let profile = compound_profile(&c);
        Change::by(actor, id, "compound.create", "compound", id)
            .after(serde_json::to_value(&profile).map_err(anyhow::Error::from)?)
            .record(&txn)
            .await?;
        txn.commit().await?;
        Ok(profile)
    }

    /// Edits a compound's profile, refusing an edit based on an older version.
    pub async fn update_compound(
        &self,
        actor: &Actor,
        id: i64,
        input: &CompoundInput,
    ) -> ServiceResult<CompoundProfile> {
        let before = self.compound_row(id).await?;
        actor.require(Action::EditCompound, &paths::compound_path(&before))?;
        let p = parse_compound(input)?;
        let version = input
            .version
            .ok_or_else(|| ServiceError::invalid("version", linli_domain::Invalid::Required))?;
        let txn = self.begin_write().await?;
        let res = compound::Entity::update_many()
            .col_expr(compound::Column::Name, Expr::value(p.name.into_string()))
            .col_expr(
                compound::Column::Address,
                Expr::value(p.address.map(Text::into_string)),
            )
            .col_expr(compound::Column::YearBuilt, Expr::value(p.year_built))
            .col_expr(
                compound::Column::ManagementMode,
                Expr::value(p.mode.as_str()),
            )
            .col_expr(compound::Column::ThreeNo, Expr::value(p.three_no))
            .col_expr(compound::Column::SixHave, Expr::value(p.six_have.mask()))
            .col_expr(
                compound::Column::Version,
                Expr::col(compound::Column::Version).add(1),
            )
            .col_expr(compound::Column::UpdatedAt, Expr::value(self.now()))
            .filter(compound::Column::Id.eq(id))
            .filter(compound::Column::Version.eq(version))
            .exec(&txn)
            .await?;
        if res.rows_affected != 1 {
            return Err(ServiceError::Stale {
                current: before.version,
            });
        }
        let after = compound::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or(ServiceError::NotFound { entity: "compound" })?;
        let profile = compound_profile(&after);
        Change::by(actor, id, "compound.update", "compound", id)
            .before(serde_json::to_value(compound_profile(&before)).map_err(anyhow::Error::from)?)
            .after(serde_json::to_value(&profile).map_err(anyhow::Error::from)?)
            .record(&txn)
            .await?;
        txn.commit().await?;
        Ok(profile)
    }

    /// The compound page: its overview and, for those who may see personal records, its
    /// history (none when it cannot be read, as the page shows it).
    pub async fn compound_page(
        &self,
        actor: &Actor,
        id: i64,
        history: PageRequest,
    ) -> ServiceResult<(CompoundView, Option<Paged<audit::AuditEntry>>)> {
        let read = self.compound_read(id).await?;
        self.compound_page_at(actor, read, history).await
    }

    /// [`Store::compound_page`] of a compound already read by [`Store::compound_read`].
    pub async fn compound_page_at(
        &self,
        actor: &Actor,
        read: CompoundRead,
        history: PageRequest,
    ) -> ServiceResult<(CompoundView, Option<Paged<audit::AuditEntry>>)> {
        let id = read.c.id;
        let v = self.compound_view(actor, read)?;
        let city = v.places.iter().find(|p| p.kind == NodeKind::City);
        let history = if let (true, Some(city)) = (v.can.personal, city) {
            self.history_of(city.id, "compound", id, history).await.ok()
        } else {
            None
        };
        Ok((v, history))
    }

    /// The history of a compound's own record.
    pub async fn compound_history(
        &self,
        actor: &Actor,
        id: i64,
        page: PageRequest,
    ) -> ServiceResult<Paged<audit::AuditEntry>> {
        let c = self.compound_row(id).await?;
        actor.require(Action::ViewPersonal, &paths::compound_path(&c))?;
        self.history_of(c.city_id, "compound", id, page).await
    }

    /// Counts per management mode of the compounds the actor sees: the city's headline.
    pub async fn mode_counts(&self, actor: &Actor) -> ServiceResult<Vec<(ManagementMode, i64)>> {
        let rows: Vec<(ManagementMode, i64)> = compound::Entity::find()
            .select_only()
            .column(compound::Column::ManagementMode)
            .expr(Expr::cust("COUNT(*)"))
            .filter(scope::compounds(actor))
            .group_by(compound::Column::ManagementMode)
            .into_tuple()
            .all(self.read())
            .await?;
        Ok(rows)
    }
}

/// Drops the LIKE wildcards `%`, `_` and `\\` from a search term (so it matches literally
/// on both backends without an ESCAPE clause) and bounds its length. Control characters go
/// too: no stored name has them, and PostgreSQL refuses a NUL in a query parameter outright.
pub(crate) fn escape_like(q: &str) -> String {
    q.chars()
        .take(50)
        .filter(|c| !matches!(c, '%' | '_' | '\\') && !c.is_control())
        .collect()
}
