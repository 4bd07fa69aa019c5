//! Places in the hierarchy city > district > subdistrict > community > compound > building >
//! unit > household, and paths through it. Roles sit on a place; what a role covers is
//! decided by comparing paths, so authorization needs no database.

use serde::{Deserialize, Serialize};

crate::text_enum! {
    /// A level of the hierarchy, highest first (the order compares levels); the text is
    /// stored in `region.kind` and `role_grant.node_kind`.
    pub enum NodeKind {
        City = "city",
        District = "district",
        Subdistrict = "subdistrict",
        Community = "community",
        Compound = "compound",
        Building = "building",
        Unit = "unit",
        Household = "household",
    }
}

impl NodeKind {
    /// The kinds of administrative region above a compound, kept in one table.
    pub fn is_region(self) -> bool {
        self < NodeKind::Compound
    }

    /// A building or a unit: a part of a compound that is not a home, named before the room
    /// when a household is written out in full (1栋 2单元 302).
    pub fn is_part_of_compound(self) -> bool {
        matches!(self, NodeKind::Building | NodeKind::Unit)
    }

    /// The region whose children are compounds, not regions.
    pub fn has_compounds(self) -> bool {
        self == NodeKind::Community
    }

    /// The kind a child region of this one has.
    pub fn child_region(self) -> Option<NodeKind> {
        match self {
            NodeKind::City => Some(NodeKind::District),
            NodeKind::District => Some(NodeKind::Subdistrict),
            NodeKind::Subdistrict => Some(NodeKind::Community),
            _ => None,
        }
    }

    pub fn label(self, lang: crate::Lang) -> &'static str {
        match self {
            NodeKind::City => lang.pick("市", "city"),
            NodeKind::District => lang.pick("区县", "district"),
            NodeKind::Subdistrict => lang.pick("街道", "subdistrict"),
            NodeKind::Community => lang.pick("社区", "community"),
            NodeKind::Compound => lang.pick("小区", "compound"),
            NodeKind::Building => lang.pick("楼栋", "building"),
            NodeKind::Unit => lang.pick("单元", "unit"),
            NodeKind::Household => lang.pick("户", "household"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Node {
    pub kind: NodeKind,
    pub id: i64,
}

impl Node {
    pub fn new(kind: NodeKind, id: i64) -> Node {
        Node { kind, id }
    }
}

/// The chain of places from the top of the hierarchy down to one place, inclusive.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Path(Vec<Node>);

impl Path {
    pub fn new(nodes: Vec<Node>) -> Path {
        Path(nodes)
    }

    pub fn nodes(&self) -> &[Node] {
        &self.0
    }

    pub fn target(&self) -> Option<Node> {
        self.0.last().copied()
    }

    /// Whether `node` is this place or one of the places above it.
    pub fn is_within(&self, node: Node) -> bool {
        self.0.contains(&node)
    }

    /// The id of the compound this place is in (or is), if it is at or below a compound.
    pub fn compound_id(&self) -> Option<i64> {
        self.0
            .iter()
            .find(|n| n.kind == NodeKind::Compound)
            .map(|n| n.id)
    }

    /// The id of the city this place is in (or is); tables partitioned by city are read
    /// naming it.
    pub fn city_id(&self) -> Option<i64> {
        self.0
            .iter()
            .find(|n| n.kind == NodeKind::City)
            .map(|n| n.id)
    }

    pub fn child(&self, node: Node) -> Path {
        let mut nodes = self.0.clone();
        nodes.push(node);
        Path(nodes)
    }
}

impl std::fmt::Display for Path {
    /// `city:1/district:2/…/household:8`, the form kept beside a role grant.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, n) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("/")?;
            }
            write!(f, "{}:{}", n.kind.as_str(), n.id)?;
        }
        Ok(())
    }
}

impl std::str::FromStr for Path {
    type Err = ();

    fn from_str(s: &str) -> Result<Path, ()> {
        if s.is_empty() {
            return Ok(Path::default());
        }
        s.split('/')
            .map(|part| {
                let (kind, id) = part.split_once(':').ok_or(())?;
                Ok(Node::new(
                    NodeKind::parse(kind).map_err(|_| ())?,
                    id.parse().map_err(|_| ())?,
                ))
            })
            .collect::<Result<Vec<_>, ()>>()
            .map(Path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_round_trips_through_text() {
        let p = Path::new(vec![
            Node::new(NodeKind::City, 1),
            Node::new(NodeKind::Household, 8),
        ]);
        assert_eq!(p.to_string(), "city:1/household:8");
        assert_eq!("city:1/household:8".parse::<Path>(), Ok(p));
        assert!("city:x".parse::<Path>().is_err());
        assert!("planet:1".parse::<Path>().is_err());
    }
}
