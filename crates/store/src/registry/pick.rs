//! The people a form offers to pick by name (a scorer, a candidate's account), so no form asks
//! for a login name or an account number.

use crate::Store;
use crate::entity::{account, compound, role_grant};
use crate::error::ServiceResult;
use crate::paths;
use linli_domain::Lang;
use linli_domain::authz::Role;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use std::collections::BTreeMap;

/// Someone a form lists, by name and role.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PersonChoice {
    pub account_id: i64,
    /// "王芳（单元长）".
    pub label: String,
}

impl Store {
    /// The enabled accounts holding a role in the compound or below it (committee, heads,
    /// owners, the property's staff) or at its community (the community's workers), sorted
    /// by name, each with its first role. The caller checks who may see the list.
    pub(crate) async fn people_with_roles(
        &self,
        c: &compound::Model,
        lang: Lang,
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
        let mut roles: BTreeMap<i64, String> = BTreeMap::new();
        for (id, role) in grants {
            roles.entry(id).or_insert(role);
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
            .map(|(id, name)| {
                let role = roles
                    .get(&id)
                    .and_then(|r| Role::parse(r))
                    .map(|r| r.label(lang))
                    .unwrap_or_default();
                PersonChoice {
                    account_id: id,
                    label: format!("{name}（{role}）"),
                }
            })
            .collect();
        out.sort_by(|a, b| a.label.cmp(&b.label));
        Ok(out)
    }
}
