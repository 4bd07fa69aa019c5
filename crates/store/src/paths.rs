//! Paths from the top of the hierarchy to a place, built from the rows that carry them.
//! Compounds keep their four region ids and households their unit, building and compound,
//! so a path never needs a walk up the tree.

use crate::Store;
use crate::entity::{compound, household, region};
use crate::error::{ServiceError, ServiceResult};
use crate::sync_read::Cells;
use linli_domain::place::{Node, NodeKind, Path};
use sea_orm::DbErr;
use std::collections::HashMap;
use std::sync::RwLock;

pub fn compound_path(c: &compound::Model) -> Path {
    path_of(
        c.id,
        [c.city_id, c.district_id, c.subdistrict_id, c.community_id],
    )
}

pub fn building_path(c: &compound::Model, building_id: i64) -> Path {
    compound_path(c).child(Node::new(NodeKind::Building, building_id))
}

pub fn unit_path(c: &compound::Model, building_id: i64, unit_id: i64) -> Path {
    building_path(c, building_id).child(Node::new(NodeKind::Unit, unit_id))
}

pub fn household_path(c: &compound::Model, h: &household::Model) -> Path {
    household_path_in(&compound_path(c), h.building_id, h.unit_id, h.id)
}

/// The path of household `id` of unit `unit_id` of building `building_id` below its
/// compound's path.
pub(crate) fn household_path_in(compound: &Path, building_id: i64, unit_id: i64, id: i64) -> Path {
    let mut nodes = Vec::with_capacity(compound.nodes().len() + 3);
    nodes.extend_from_slice(compound.nodes());
    nodes.extend([
        Node::new(NodeKind::Building, building_id),
        Node::new(NodeKind::Unit, unit_id),
        Node::new(NodeKind::Household, id),
    ]);
    Path::new(nodes)
}

/// The part of a path from the top down to its compound, if it reaches one: the path of the
/// compound every place of `path` is in.
pub(crate) fn compound_part(path: &Path) -> Option<Path> {
    let nodes = path.nodes();
    let at = nodes.iter().position(|n| n.kind == NodeKind::Compound)?;
    Some(Path::new(nodes[..=at].to_vec()))
}

/// Each compound's city, district, subdistrict and community ids, as read once: a check of an
/// actor's right to a compound (the household list's) needs the compound's path and nothing
/// else of its row, and the read of the row was a round trip of its own on PostgreSQL.
///
/// A cached path cannot go stale, because what it is made of never changes: a compound's
/// four region ids are written when it is created (`create_compound`, the demo load) and no
/// statement updates them (its profile and status are the only columns written after), and
/// no statement deletes a compound, so an id never comes to name another compound. Only
/// compounds that were found are kept (a compound not found is asked for again: it may be
/// created in between), so the map holds at most one entry per compound of the database.
/// Migrating down, which may drop the compounds with their table, empties it.
#[derive(Debug, Default)]
pub(crate) struct CompoundPaths(RwLock<HashMap<i64, [i64; 4]>>);

impl CompoundPaths {
    fn get(&self, id: i64) -> Option<Path> {
        let regions = *self.0.read().ok()?.get(&id)?;
        Some(path_of(id, regions))
    }

    /// The city of a compound read before, if it was.
    pub(crate) fn city_of(&self, id: i64) -> Option<i64> {
        Some(self.0.read().ok()?.get(&id)?[0])
    }

    pub(crate) fn keep(&self, c: &compound::Model) {
        if let Ok(mut map) = self.0.write() {
            map.insert(
                c.id,
                [c.city_id, c.district_id, c.subdistrict_id, c.community_id],
            );
        }
    }

    pub(crate) fn clear(&self) {
        if let Ok(mut map) = self.0.write() {
            map.clear();
        }
    }
}

/// The city of each household read before, at most [`HouseholdCities::MOST`] of them: a
/// hint that lets the household page read a household (and what its page shows) in its
/// city's partition on PostgreSQL, and send those reads with the sign-in's, though the page's
/// link names the household's id alone.
///
/// Only a hint: a read that names the city also names the id, so a hint gone stale (the
/// household deleted, or moved to a compound of another city) finds nothing, and the reader
/// then reads by the id alone, as without a hint, and keeps what it found. When full the map
/// is emptied and fills again with the households in use: bounded memory, no bookkeeping.
#[derive(Debug, Default)]
pub(crate) struct HouseholdCities(RwLock<HashMap<i64, i64>>);

impl HouseholdCities {
    /// 131,072 entries: a few MB.
    const MOST: usize = 1 << 17;

    pub(crate) fn city_of(&self, household_id: i64) -> Option<i64> {
        self.0.read().ok()?.get(&household_id).copied()
    }

    pub(crate) fn keep(&self, household_id: i64, city_id: i64) {
        if self.city_of(household_id) == Some(city_id) {
            return;
        }
        if let Ok(mut map) = self.0.write() {
            if map.len() >= Self::MOST {
                map.clear();
            }
            map.insert(household_id, city_id);
        }
    }

    pub(crate) fn clear(&self) {
        if let Ok(mut map) = self.0.write() {
            map.clear();
        }
    }
}

pub(crate) fn path_of(id: i64, [city, district, subdistrict, community]: [i64; 4]) -> Path {
    Path::new(vec![
        Node::new(NodeKind::City, city),
        Node::new(NodeKind::District, district),
        Node::new(NodeKind::Subdistrict, subdistrict),
        Node::new(NodeKind::Community, community),
        Node::new(NodeKind::Compound, id),
    ])
}

/// A region's row and the rows of up to three regions above it, the region first.
fn region_rows(c: &dyn Cells) -> Result<Vec<region::Model>, DbErr> {
    let mut rows = Vec::with_capacity(4);
    for level in 0..4 {
        let at = level * 4;
        if let Some(id) = c.opt_int(at)? {
            let kind = c.text(at + 1)?;
            rows.push(region::Model {
                id,
                kind: NodeKind::parse(&kind)
                    .map_err(|_| DbErr::Type(format!("region {id} has kind {kind}")))?,
                name: c.text(at + 2)?,
                parent_id: c.opt_int(at + 3)?,
            });
        }
    }
    Ok(rows)
}

impl Store {
    /// The path of a compound, from [`CompoundPaths`] when it was read before; a compound
    /// that does not exist is `NotFound`, as its row's read would be.
    pub(crate) async fn compound_path_of(&self, id: i64) -> ServiceResult<Path> {
        if let Some(path) = self.compound_paths().get(id) {
            return Ok(path);
        }
        let c = self.compound_row(id).await?;
        self.compound_paths().keep(&c);
        Ok(compound_path(&c))
    }

    /// The regions from the city down to a region (the region last), in one read of the
    /// region joined to its (at most three) parents.
    pub(crate) async fn region_chain(&self, id: i64) -> ServiceResult<Vec<region::Model>> {
        let sql = "SELECT r.id, r.kind, r.name, r.parent_id, \
                   p1.id, p1.kind, p1.name, p1.parent_id, p2.id, p2.kind, p2.name, p2.parent_id, \
                   p3.id, p3.kind, p3.name, p3.parent_id FROM region r \
                   LEFT JOIN region p1 ON p1.id = r.parent_id \
                   LEFT JOIN region p2 ON p2.id = p1.parent_id \
                   LEFT JOIN region p3 ON p3.id = p2.parent_id WHERE r.id = $1";
        let mut chain = self
            .fetch_one(self.sql(sql, vec![id.into()]), region_rows)
            .await?
            .ok_or(ServiceError::NotFound { entity: "region" })?;
        chain.reverse();
        Ok(chain)
    }

    /// The path of a region and its row.
    pub async fn region_path(&self, id: i64) -> ServiceResult<(Path, region::Model)> {
        let chain = self.region_chain(id).await?;
        let nodes = chain
            .iter()
            .map(region_node)
            .collect::<ServiceResult<_>>()?;
        let target = chain
            .into_iter()
            .next_back()
            .ok_or(ServiceError::NotFound { entity: "region" })?;
        Ok((Path::new(nodes), target))
    }
}

pub fn region_node(r: &region::Model) -> ServiceResult<Node> {
    let kind = Some(r.kind).filter(|k| k.is_region()).ok_or_else(|| {
        ServiceError::Internal(anyhow::anyhow!("region {} has kind {}", r.id, r.kind))
    })?;
    Ok(Node::new(kind, r.id))
}
