//! Turning an actor's grants into SQL conditions, so a list shows only what they may see.
//! The conditions mirror `linli_domain::authz::allowed` for `ViewRegistry`: a grant covers
//! its place and everything below it.

use crate::accounts::Actor;
use crate::entity::{compound, household};
use linli_domain::authz::{Action, permits};
use linli_domain::place::NodeKind;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, Condition};

fn region_column(kind: NodeKind) -> Option<compound::Column> {
    match kind {
        NodeKind::City => Some(compound::Column::CityId),
        NodeKind::District => Some(compound::Column::DistrictId),
        NodeKind::Subdistrict => Some(compound::Column::SubdistrictId),
        NodeKind::Community => Some(compound::Column::CommunityId),
        _ => None,
    }
}

/// Compounds the actor sees in lists (`ViewRegistry` anywhere in them, or above them).
pub fn compounds(actor: &Actor) -> Condition {
    let mut any = Condition::any();
    let mut added = 0;
    for g in actor
        .grants
        .iter()
        .filter(|g| permits(g.role, Action::ViewPublic))
    {
        let Some(node) = g.at.target() else { continue };
        if let Some(col) = region_column(node.kind) {
            any = any.add(col.eq(node.id));
            added += 1;
        } else if let Some(c) = g.at.compound_id() {
            any = any.add(compound::Column::Id.eq(c));
            added += 1;
        }
    }
    // No grants: an empty `any` would match everything, so match nothing instead.
    if added == 0 {
        Condition::all().add(Expr::cust("1 = 0"))
    } else {
        any
    }
}

/// Households the actor sees in lists.
pub fn households(actor: &Actor) -> Condition {
    households_where(actor, Action::ViewRegistry)
}

/// Households where the actor may see personal data (whole phone numbers): the only ones a
/// search by phone may find, or the hidden digits of a masked number could be found by trying.
pub fn personal_households(actor: &Actor) -> Condition {
    households_where(actor, Action::ViewPersonal)
}

/// Households under the grants that permit `action`.
fn households_where(actor: &Actor, action: Action) -> Condition {
    let mut any = Condition::any();
    let mut added = 0;
    for g in actor.grants.iter().filter(|g| permits(g.role, action)) {
        let Some(node) = g.at.target() else { continue };
        let c = match node.kind {
            k if k.is_region() => {
                let Some(col) = region_column(k) else {
                    continue;
                };
                household::Column::CompoundId.in_subquery(
                    Query::select()
                        .column(compound::Column::Id)
                        .from(compound::Entity)
                        .and_where(col.eq(node.id))
                        .to_owned(),
                )
            }
            NodeKind::Compound => household::Column::CompoundId.eq(node.id),
            // With its compound, which leads the index households are found by (there is
            // none on the building alone).
            NodeKind::Building => match g.at.compound_id() {
                Some(c) => household::Column::CompoundId
                    .eq(c)
                    .and(household::Column::BuildingId.eq(node.id)),
                None => household::Column::BuildingId.eq(node.id),
            },
            NodeKind::Unit => household::Column::UnitId.eq(node.id),
            NodeKind::Household => household::Column::Id.eq(node.id),
            _ => continue,
        };
        any = any.add(c);
        added += 1;
    }
    if added == 0 {
        Condition::all().add(Expr::cust("1 = 0"))
    } else {
        any
    }
}
