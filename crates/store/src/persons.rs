//! Which person an account is: the link that lets a person — not an account, not a flat —
//! cast a ballot for the flats they may speak for.
//!
//! An account is linked to a person in three ways, each audited:
//! - it claims an invite code issued for a named owner or resident (`claim_invite`);
//! - the people of the households it holds a role on make it unambiguous: exactly one of
//!   them has the account's name or phone, or (no one matching) the households have exactly
//!   one such person. The link is then written the first time it is needed (a ballot);
//! - otherwise the committee links it by hand, from the list `accounts_to_link` gives.
//!
//! Linking or relinking never touches a vote already open: its roll was frozen with person
//! ids when voting opened, and the link only says which of those voters an account may act as.

use crate::accounts::Actor;
use crate::audit::{self, Change};
use crate::entity::{account, compound, household, ownership, person, residency, role_grant};
use crate::error::{ServiceError, ServiceResult};
use crate::{Store, paths};
use linli_domain::Invalid;
use linli_domain::authz::{Action, Role};
use linli_domain::place::NodeKind;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// An account with a role on a household but no person yet, and the people it could be.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AccountToLink {
    pub account_id: i64,
    pub display_name: String,
    pub household_id: i64,
    pub role: Role,
    /// The owners (for an owner's role) or residents (for a resident's) of the household.
    pub candidates: Vec<PersonChoice>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PersonChoice {
    pub person_id: i64,
    pub name: String,
}

/// Links an account to one of the people of a household it holds a role on.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct LinkPersonInput {
    pub person_id: i64,
}

/// The households an account holds an owner's or resident's role on.
async fn household_grants<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
) -> ServiceResult<Vec<(i64, Role)>> {
    Ok(role_grant::Entity::find()
        .filter(role_grant::Column::AccountId.eq(account_id))
        .filter(role_grant::Column::NodeKind.eq(NodeKind::Household.as_str()))
        .order_by_asc(role_grant::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|g| {
            matches!(g.role, Role::Owner | Role::Resident).then_some((g.node_id, g.role))
        })
        .collect())
}

/// The people an owner's role (owners) or a resident's role (current residents) could be.
async fn people_of<C: ConnectionTrait>(
    db: &C,
    household_id: i64,
    role: Role,
) -> ServiceResult<Vec<person::Model>> {
    let ids: Vec<i64> = if role == Role::Owner {
        ownership::Entity::find()
            .filter(ownership::Column::HouseholdId.eq(household_id))
            .all(db)
            .await?
            .into_iter()
            .map(|o| o.person_id)
            .collect()
    } else {
        residency::Entity::find()
            .filter(residency::Column::HouseholdId.eq(household_id))
            .filter(residency::Column::MovedOut.is_null())
            .all(db)
            .await?
            .into_iter()
            .map(|r| r.person_id)
            .collect()
    };
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(person::Entity::find()
        .filter(person::Column::Id.is_in(ids))
        .order_by_asc(person::Column::Id)
        .all(db)
        .await?)
}

/// The one person the account's households make it, if they do.
fn unambiguous(a: &account::Model, people: &[person::Model]) -> Option<i64> {
    let distinct: BTreeSet<i64> = people.iter().map(|p| p.id).collect();
    let matching: BTreeSet<i64> = people
        .iter()
        .filter(|p| {
            p.name.trim() == a.display_name.trim() || (a.phone.is_some() && p.phone == a.phone)
        })
        .map(|p| p.id)
        .collect();
    let pick = if matching.is_empty() {
        distinct
    } else {
        matching
    };
    if pick.len() == 1 {
        pick.into_iter().next()
    } else {
        None
    }
}

impl Store {
    /// The person an account acts as, and whether the link is still to be written: its
    /// link, else the one person its households make unambiguous.
    pub async fn person_of<C: ConnectionTrait>(
        &self,
        db: &C,
        account_id: i64,
    ) -> ServiceResult<Option<(i64, bool)>> {
        let Some(a) = account::Entity::find_by_id(account_id).one(db).await? else {
            return Ok(None);
        };
        if let Some(p) = a.person_id {
            return Ok(Some((p, false)));
        }
        let mut people = Vec::new();
        for (hid, role) in household_grants(db, account_id).await? {
            people.extend(people_of(db, hid, role).await?);
        }
        Ok(unambiguous(&a, &people).map(|p| (p, true)))
    }

    /// Writes an account's link to a person, on the audit trail of `chain`.
    pub async fn link_person_in<C: ConnectionTrait>(
        &self,
        db: &C,
        by: Option<i64>,
        chain: i64,
        account_id: i64,
        person_id: i64,
        how: &str,
    ) -> ServiceResult<()> {
        let before: Option<Option<i64>> = account::Entity::find_by_id(account_id)
            .one(db)
            .await?
            .map(|a| a.person_id);
        let Some(before) = before else {
            return Err(ServiceError::NotFound { entity: "account" });
        };
        account::Entity::update_many()
            .col_expr(account::Column::PersonId, Expr::value(person_id))
            .filter(account::Column::Id.eq(account_id))
            .exec(db)
            .await?;
        audit::record(
            db,
            Change {
                chain,
                at: self.now(),
                actor: by,
                action: "account.link_person",
                entity: "account",
                entity_id: account_id,
                before: Some(serde_json::json!({"person_id": before})),
                after: Some(serde_json::json!({"person_id": person_id, "how": how})),
            },
        )
        .await
    }

    /// Accounts with a role on this household that are not linked to a person and that the
    /// household's people do not make unambiguous: the committee links these by hand.
    pub async fn accounts_to_link(
        &self,
        actor: &Actor,
        household_id: i64,
    ) -> ServiceResult<Vec<AccountToLink>> {
        let (c, h) = self.household_with_compound(household_id).await?;
        self.accounts_to_link_at(actor, &c, &h).await
    }

    /// [`Store::accounts_to_link`] of a household already read.
    pub(crate) async fn accounts_to_link_at(
        &self,
        actor: &Actor,
        c: &compound::Model,
        h: &household::Model,
    ) -> ServiceResult<Vec<AccountToLink>> {
        let household_id = h.id;
        actor.require(Action::IssueInvite, &paths::household_path(c, h))?;
        // The household's grants with their accounts, in one read.
        let grants = self
            .fetch(self.household_grants_read(household_id), |r| {
                Ok((r.text(0)?, r.int(1)?, r.text(2)?, r.opt_int(3)?, r.flag(4)?))
            })
            .await?;
        let mut out = Vec::new();
        for (role, account_id, display_name, person_id, disabled) in grants {
            let Some(role) = Role::parse(&role)
                .ok()
                .filter(|r| matches!(r, Role::Owner | Role::Resident))
            else {
                continue;
            };
            if person_id.is_some()
                || disabled
                || self.person_of(self.read(), account_id).await?.is_some()
            {
                continue;
            }
            let candidates = people_of(self.read(), household_id, role)
                .await?
                .into_iter()
                .map(|p| PersonChoice {
                    person_id: p.id,
                    name: p.name,
                })
                .collect();
            out.push(AccountToLink {
                account_id,
                display_name,
                household_id,
                role,
                candidates,
            });
        }
        Ok(out)
    }

    /// [`Store::accounts_to_link_at`]'s read: the household's grants with their accounts.
    pub(crate) fn household_grants_read(&self, household_id: i64) -> sea_orm::Statement {
        self.sql(
            "SELECT g.role, a.id, a.display_name, a.person_id, a.disabled \
             FROM role_grant g JOIN account a ON a.id = g.account_id \
             WHERE g.node_kind = $1 AND g.node_id = $2 ORDER BY g.id",
            vec![NodeKind::Household.as_str().into(), household_id.into()],
        )
    }

    /// Links (or relinks) an account to a person of a household it holds a role on.
    pub async fn link_account_person(
        &self,
        actor: &Actor,
        account_id: i64,
        input: &LinkPersonInput,
    ) -> ServiceResult<()> {
        let grants = household_grants(self.read(), account_id).await?;
        let mut allowed_at = None;
        for (hid, role) in grants {
            let (c, h) = self.household_with_compound(hid).await?;
            if people_of(self.read(), hid, role)
                .await?
                .iter()
                .any(|p| p.id == input.person_id)
            {
                let at = paths::household_path(&c, &h);
                if actor.can(Action::IssueInvite, &at) {
                    allowed_at = Some(c.id);
                    break;
                }
            }
        }
        let Some(chain) = allowed_at else {
            // Either not the committee's to link, or not one of the account's households' people.
            return Err(ServiceError::invalid("person_id", Invalid::BadChoice));
        };
        let txn = self.begin_write().await?;
        self.link_person_in(
            &txn,
            Some(actor.account_id),
            chain,
            account_id,
            input.person_id,
            "committee",
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acc(name: &str, phone: Option<&str>) -> account::Model {
        account::Model {
            id: 1,
            username: "u".into(),
            phone: phone.map(Into::into),
            password_hash: String::new(),
            display_name: name.into(),
            person_id: None,
            disabled: false,
            created_at: 0,
        }
    }

    fn p(id: i64, name: &str, phone: Option<&str>) -> person::Model {
        person::Model {
            id,
            name: name.into(),
            phone: phone.map(Into::into),
            created_at: 0,
            id_last4: None,
            phones: None,
            merged_into: None,
            anonymised_at: None,
        }
    }

    #[test]
    fn only_an_unambiguous_person_is_picked() {
        let two = [p(1, "王芳", Some("13800000001")), p(2, "李明", None)];
        assert_eq!(unambiguous(&acc("王芳", None), &two), Some(1), "by name");
        assert_eq!(
            unambiguous(&acc("芳芳", Some("13800000001")), &two),
            Some(1),
            "by phone"
        );
        assert_eq!(
            unambiguous(&acc("孙大爷", None), &two),
            None,
            "two owners, neither matches"
        );
        assert_eq!(
            unambiguous(&acc("孙大爷", None), &[p(3, "孙建国", None)]),
            Some(3),
            "the only owner"
        );
        assert_eq!(
            unambiguous(
                &acc("孙大爷", None),
                &[p(3, "孙建国", None), p(3, "孙建国", None)]
            ),
            Some(3),
            "one person twice"
        );
        assert_eq!(
            unambiguous(
                &acc("王芳", None),
                &[p(1, "王芳", None), p(4, "王芳", None)]
            ),
            None,
            "two of that name"
        );
        assert_eq!(unambiguous(&acc("王芳", None), &[]), None);
    }
}
