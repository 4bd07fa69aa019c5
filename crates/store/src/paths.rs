//! Paths from the top of the hierarchy to a place, built from the rows that carry them.
//! Compounds keep their four region ids and households their unit, building and compound,
//! so a path never needs a walk up the tree.

use crate::Store;
use crate::entity::{compound, household, region};
use crate::error::{ServiceError, ServiceResult};
use linli_domain::place::{Node, NodeKind, Path};
use sea_orm::EntityTrait;

pub fn compound_path(c: &compound::Model) -> Path {
    Path::new(vec![
        Node::new(NodeKind::City, c.city_id),
        Node::new(NodeKind::District, c.district_id),
        Node::new(NodeKind::Subdistrict, c.subdistrict_id),
        Node::new(NodeKind::Community, c.community_id),
        Node::new(NodeKind::Compound, c.id),
    ])
}

pub fn building_path(c: &compound::Model, building_id: i64) -> Path {
    compound_path(c).child(Node::new(NodeKind::Building, building_id))
}

pub fn unit_path(c: &compound::Model, building_id: i64, unit_id: i64) -> Path {
    building_path(c, building_id).child(Node::new(NodeKind::Unit, unit_id))
}

pub fn household_path(c: &compound::Model, h: &household::Model) -> Path {
    unit_path(c, h.building_id, h.unit_id).child(Node::new(NodeKind::Household, h.id))
}

impl Store {
    /// The path of a region, walking its (at most three) parents.
    pub async fn region_path(&self, id: i64) -> ServiceResult<(Path, region::Model)> {
        let target = region::Entity::find_by_id(id)
            .one(self.read())
            .await?
            .ok_or(ServiceError::NotFound { entity: "region" })?;
        let mut nodes = vec![region_node(&target)?];
        let mut parent = target.parent_id;
        while let Some(pid) = parent {
            if nodes.len() > 4 {
                break;
            }
            let r = region::Entity::find_by_id(pid)
                .one(self.read())
                .await?
                .ok_or(ServiceError::NotFound { entity: "region" })?;
            nodes.push(region_node(&r)?);
            parent = r.parent_id;
        }
        nodes.reverse();
        Ok((Path::new(nodes), target))
    }
}

pub fn region_node(r: &region::Model) -> ServiceResult<Node> {
    let kind = Some(r.kind).filter(|k| k.is_region()).ok_or_else(|| {
        ServiceError::Internal(anyhow::anyhow!("region {} has kind {}", r.id, r.kind))
    })?;
    Ok(Node::new(kind, r.id))
}
