//! The people a form offers to pick by name (a scorer, a candidate's account, a record to
//! merge), so no form asks for a login name, an account number or a person number.

use crate::Store;
use crate::entity::{account, compound, household, ownership, person, residency, role_grant};
use crate::error::ServiceResult;
use crate::paths;
use linli_domain::authz::Role;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use std::collections::BTreeMap;

/// Someone a form lists, by name and role.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PersonChoice {
    pub account_id: i64,
    pub name: String,
    /// The first role the account holds there: forms list "王芳（单元长）".
    pub role: Role,
}

/// A person record a form lists, by name and flats.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PersonPick {
    pub person_id: i64,
    /// "王芳 · 纹江花园 1栋 1单元 301".
    pub label: String,
}

impl Store {
    /// The live person records (not merged away) owning or living in a flat of `compounds`,
    /// other than `except`, sorted by name, each labelled with their flats there. The caller
    /// checks who may see the list.
    pub(crate) async fn people_of_compounds(
        &self,
        compounds: &[i64],
        except: i64,
    ) -> ServiceResult<Vec<PersonPick>> {
        if compounds.is_empty() {
            return Ok(Vec::new());
        }
        let households = household::Entity::find()
            .filter(household::Column::CompoundId.is_in(compounds.to_vec()))
            .all(self.read())
            .await?;
        let ids: Vec<i64> = households.iter().map(|h| h.id).collect();
        let mut links: Vec<(i64, i64)> = ownership::Entity::find()
            .select_only()
            .column(ownership::Column::PersonId)
            .column(ownership::Column::HouseholdId)
            .filter(ownership::Column::HouseholdId.is_in(ids.clone()))
            .into_tuple()
            .all(self.read())
            .await?;
        links.extend(
            residency::Entity::find()
                .select_only()
                .column(residency::Column::PersonId)
                .column(residency::Column::HouseholdId)
                .filter(residency::Column::HouseholdId.is_in(ids))
                .filter(residency::Column::MovedOut.is_null())
                .into_tuple::<(i64, i64)>()
                .all(self.read())
                .await?,
        );
        let mut flats: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
        for (person_id, household_id) in links {
            let of = flats.entry(person_id).or_default();
            if !of.contains(&household_id) {
                of.push(household_id);
            }
        }
        flats.remove(&except);
        let labels = self.flat_labels(&households).await?;
        let people = person::Entity::find()
            .filter(person::Column::Id.is_in(flats.keys().copied()))
            .filter(person::Column::MergedInto.is_null())
            .all(self.read())
            .await?;
        let mut out: Vec<PersonPick> = people
            .into_iter()
            .map(|p| {
                let mut homes: Vec<&str> = flats
                    .get(&p.id)
                    .into_iter()
                    .flatten()
                    .filter_map(|h| labels.get(h).map(String::as_str))
                    .collect();
                homes.sort_unstable();
                PersonPick {
                    person_id: p.id,
                    label: format!("{} · {}", p.name, homes.join("、")),
                }
            })
            .collect();
        out.sort_by(|a, b| a.label.cmp(&b.label).then(a.person_id.cmp(&b.person_id)));
        Ok(out)
    }

    /// The enabled accounts holding a role in the compound or below it (committee, heads,
    /// owners, the property's staff) or at its community (the community's workers), sorted
    /// by name, each with its first role. The caller checks who may see the list.
    pub(crate) async fn people_with_roles(
        &self,
        c: &compound::Model,
    ) -> ServiceResult<Vec<PersonChoice>> {
        let cp = paths::compound_path(c).to_string();
        let mut any = Condition::any()
            .add(role_grant::Column::Path.eq(cp.clone()))
            .add(role_grant::Column::Path.starts_with(format!("{cp}/")));
        if let Some((community, _)) = cp.rsplit_once('/') {
            any = any.add(role_grant::Column::Path.eq(community.to_string()));
        }
        let grants: Vec<(i64, String)> = role_grant::Entity::find()
            .select_only()
            .column(role_grant::Column::AccountId)
            .column(role_grant::Column::Role)
            .filter(any)
            .order_by_asc(role_grant::Column::Id)
            .into_tuple()
            .all(self.read())
            .await?;
        let mut roles: BTreeMap<i64, Role> = BTreeMap::new();
        for (id, role) in grants {
            if let Ok(role) = Role::parse(&role) {
                roles.entry(id).or_insert(role);
            }
        }
        let names: BTreeMap<i64, String> = account::Entity::find()
            .filter(account::Column::Id.is_in(roles.keys().copied()))
            .filter(account::Column::Disabled.eq(false))
            .all(self.read())
            .await?
            .into_iter()
            .map(|a| (a.id, a.display_name))
            .collect();
        let mut out: Vec<PersonChoice> = names
            .into_iter()
            .filter_map(|(id, name)| {
                roles.get(&id).map(|&role| PersonChoice {
                    account_id: id,
                    name,
                    role,
                })
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name).then(a.role.cmp(&b.role)));
        Ok(out)
    }
}
