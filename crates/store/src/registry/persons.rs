//! A person's page: the flats they own and live in, and merging two records that are one
//! person (and splitting a wrong merge).
//!
//! A vote's headcount counts each owner once (SPC Art. 9), so two records of one person
//! are one too many. A merge moves the merged person's ownerships, residencies, account
//! links and designated-voter marks to the kept person and records exactly which rows moved;
//! a split moves those rows back. Neither changes a household's history: flats keep their
//! areas and audit records, and proposals keep the electorate they were frozen with.
//!
//! Only someone who may manage the people of every household either person is linked to
//! may merge or split them: a committee member of that compound, or above.

use super::PersonPick;
use crate::accounts::Actor;
use crate::audit::Change;
use crate::audit::GLOBAL_CHAIN;
use crate::entity::{account, compound, household, ownership, person, person_merge, residency};
use crate::error::{ServiceError, ServiceResult};
use crate::{Store, paths};
use linli_domain::Invalid;
use linli_domain::authz::Action;
use linli_domain::registry::ResidentKind;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};

/// A flat the person owns or lives in.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PersonFlat {
    pub household_id: i64,
    /// "纹江花园 1栋 1单元 501".
    pub label: String,
    /// `Owner` for an owned flat, else the resident kind.
    pub role: ResidentKind,
    pub designated_voter: bool,
    pub developer_unsold: bool,
}

/// A merge into this person, or of this person into another.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MergeView {
    pub id: i64,
    pub kept_id: i64,
    pub merged_id: i64,
    pub merged_name: String,
    pub merged_at: i64,
    pub split: bool,
}

/// Another record of the same name: maybe the same person.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PersonRef {
    pub id: i64,
    pub name: String,
    pub phone: Option<String>,
    pub id_last4: Option<String>,
    pub flats: Vec<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PersonView {
    pub id: i64,
    pub name: String,
    pub phone: Option<String>,
    /// Every number known, " / " between them.
    pub phones: Option<String>,
    /// 身份证后四位: this page is for the committee and above only.
    pub id_last4: Option<String>,
    /// Set when this record was merged into another person.
    pub merged_into: Option<i64>,
    pub flats: Vec<PersonFlat>,
    pub merges: Vec<MergeView>,
    /// Records of the same name linked to flats the actor manages: candidates to merge.
    pub same_name: Vec<PersonRef>,
    /// Everyone else linked to a flat of this person's compounds, by name: whom the merge
    /// form offers (a duplicate may be spelt differently, so not only the same name).
    pub merge_choices: Vec<PersonPick>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct MergeInput {
    /// The record to merge into this one (it stays, marked as merged).
    pub other_id: i64,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct SplitInput {
    pub merge_id: i64,
}

/// The rows a merge moved, so that a split can move them back.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
struct Moved {
    ownership: Vec<i64>,
    residency: Vec<i64>,
    account: Vec<i64>,
    /// Households whose designated voter was the merged person.
    voter: Vec<i64>,
}

/// The households a person is linked to, by ownership or residency.
async fn households_of<C: ConnectionTrait>(db: &C, person_id: i64) -> ServiceResult<Vec<i64>> {
    let mut ids: BTreeSet<i64> = ownership::Entity::find()
        .filter(ownership::Column::PersonId.eq(person_id))
        .all(db)
        .await?
        .into_iter()
        .map(|o| o.household_id)
        .collect();
    ids.extend(
        residency::Entity::find()
            .filter(residency::Column::PersonId.eq(person_id))
            .all(db)
            .await?
            .into_iter()
            .map(|r| r.household_id),
    );
    Ok(ids.into_iter().collect())
}

impl Store {
    async fn person_row(&self, id: i64) -> ServiceResult<person::Model> {
        person::Entity::find_by_id(id)
            .one(self.read())
            .await?
            .ok_or(ServiceError::NotFound { entity: "person" })
    }

    /// The compounds of the households, after checking the actor may manage the people of
    /// every one of them. A person linked to no flat is the registry's as a whole.
    async fn person_gate(&self, actor: &Actor, household_ids: &[i64]) -> ServiceResult<Vec<i64>> {
        if household_ids.is_empty() {
            actor.require(Action::ManagePeople, &linli_domain::place::Path::default())?;
            return Ok(Vec::new());
        }
        let households = household::Entity::find()
            .filter(household::Column::Id.is_in(household_ids.to_vec()))
            .all(self.read())
            .await?;
        let cids: BTreeSet<i64> = households.iter().map(|h| h.compound_id).collect();
        let compounds: HashMap<i64, compound::Model> = compound::Entity::find()
            .filter(compound::Column::Id.is_in(cids.iter().copied().collect::<Vec<_>>()))
            .all(self.read())
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
        for h in &households {
            let c = compounds
                .get(&h.compound_id)
                .ok_or(ServiceError::NotFound { entity: "compound" })?;
            actor.require(Action::ManagePeople, &paths::household_path(c, h))?;
        }
        Ok(cids.into_iter().collect())
    }

    /// Labels of households: "纹江花园 1栋 1单元 501".
    pub(super) async fn flat_labels(
        &self,
        households: &[household::Model],
    ) -> ServiceResult<HashMap<i64, String>> {
        let labels = self
            .unit_labels(households.iter().map(|h| h.unit_id))
            .await?;
        let cids: Vec<i64> = households.iter().map(|h| h.compound_id).collect();
        let names: HashMap<i64, String> = compound::Entity::find()
            .filter(compound::Column::Id.is_in(cids))
            .all(self.read())
            .await?
            .into_iter()
            .map(|c| (c.id, c.name))
            .collect();
        Ok(households
            .iter()
            .map(|h| {
                let (b, u) = labels
                    .get(&h.unit_id)
                    .map(|(_, b, u)| (b.as_str(), u.as_str()))
                    .unwrap_or(("", ""));
                (
                    h.id,
                    format!(
                        "{} {b} {u} {}",
                        names.get(&h.compound_id).map_or("", String::as_str),
                        h.room
                    ),
                )
            })
            .collect())
    }

    /// The person page.
    pub async fn person(&self, actor: &Actor, id: i64) -> ServiceResult<PersonView> {
        let p = self.person_row(id).await?;
        let linked = households_of(self.read(), id).await?;
        let compounds = self.person_gate(actor, &linked).await?;
        let owned = ownership::Entity::find()
            .filter(ownership::Column::PersonId.eq(id))
            .order_by_asc(ownership::Column::Id)
            .all(self.read())
            .await?;
        let lived = residency::Entity::find()
            .filter(residency::Column::PersonId.eq(id))
            .all(self.read())
            .await?;
        let households = household::Entity::find()
            .filter(household::Column::Id.is_in(linked.clone()))
            .all(self.read())
            .await?;
        let labels = self.flat_labels(&households).await?;
        let by_id: HashMap<i64, &household::Model> = households.iter().map(|h| (h.id, h)).collect();
        let flat = |household_id: i64, role: ResidentKind| PersonFlat {
            household_id,
            label: labels.get(&household_id).cloned().unwrap_or_default(),
            role,
            designated_voter: by_id
                .get(&household_id)
                .is_some_and(|h| h.designated_voter_id == Some(id)),
            developer_unsold: by_id.get(&household_id).is_some_and(|h| h.developer_unsold),
        };
        let mut flats: Vec<PersonFlat> = owned
            .iter()
            .map(|o| flat(o.household_id, ResidentKind::Owner))
            .collect();
        flats.extend(
            lived
                .iter()
                .filter(|r| r.moved_out.is_none())
                .map(|r| flat(r.household_id, r.kind)),
        );
        let merges_rows = person_merge::Entity::find()
            .filter(
                sea_orm::Condition::any()
                    .add(person_merge::Column::KeptId.eq(id))
                    .add(person_merge::Column::MergedId.eq(id)),
            )
            .order_by_desc(person_merge::Column::Id)
            .all(self.read())
            .await?;
        let merged_ids: Vec<i64> = merges_rows.iter().map(|m| m.merged_id).collect();
        let merged_names: HashMap<i64, String> = person::Entity::find()
            .filter(person::Column::Id.is_in(merged_ids))
            .all(self.read())
            .await?
            .into_iter()
            .map(|p| (p.id, p.name))
            .collect();
        let merges = merges_rows
            .iter()
            .map(|m| MergeView {
                id: m.id,
                kept_id: m.kept_id,
                merged_id: m.merged_id,
                merged_name: merged_names.get(&m.merged_id).cloned().unwrap_or_default(),
                merged_at: m.merged_at,
                split: m.split_at.is_some(),
            })
            .collect();
        let (same_name, merge_choices) = if p.merged_into.is_none() {
            (
                self.same_name(actor, &p, &compounds).await?,
                self.people_of_compounds(&compounds, id).await?,
            )
        } else {
            (Vec::new(), Vec::new())
        };
        Ok(PersonView {
            id,
            name: p.name,
            phone: p.phone,
            phones: p.phones,
            id_last4: p.id_last4,
            merged_into: p.merged_into,
            flats,
            merges,
            same_name,
            merge_choices,
        })
    }

    /// Other live records of the same name owning or living in the same compounds.
    async fn same_name(
        &self,
        actor: &Actor,
        p: &person::Model,
        compounds: &[i64],
    ) -> ServiceResult<Vec<PersonRef>> {
        if compounds.is_empty() {
            return Ok(Vec::new());
        }
        let others = person::Entity::find()
            .filter(person::Column::Name.eq(p.name.as_str()))
            .filter(person::Column::Id.ne(p.id))
            .filter(person::Column::MergedInto.is_null())
            .order_by_asc(person::Column::Id)
            .all(self.read())
            .await?;
        let mut out = Vec::new();
        for o in others.into_iter().take(50) {
            let linked = households_of(self.read(), o.id).await?;
            let households = household::Entity::find()
                .filter(household::Column::Id.is_in(linked))
                .all(self.read())
                .await?;
            if !households
                .iter()
                .any(|h| compounds.contains(&h.compound_id))
            {
                continue;
            }
            let ids: Vec<i64> = households.iter().map(|h| h.id).collect();
            if self.person_gate(actor, &ids).await.is_err() {
                continue;
            }
            let labels = self.flat_labels(&households).await?;
            out.push(PersonRef {
                id: o.id,
                name: o.name,
                phone: o.phone,
                id_last4: o.id_last4,
                flats: labels.into_values().collect(),
            });
        }
        Ok(out)
    }

    /// Merges `input.other_id` into `kept_id`: the other record's flats, residencies, account
    /// links and designated-voter marks become the kept person's, and the other record is
    /// marked as merged. Refused when both own one flat (one person cannot co-own with
    /// themselves: they are two people, or the flat's owners are wrong).
    pub async fn merge_people(
        &self,
        actor: &Actor,
        kept_id: i64,
        input: &MergeInput,
    ) -> ServiceResult<PersonView> {
        let other_id = input.other_id;
        if other_id == kept_id {
            return Err(ServiceError::invalid("other_id", Invalid::BadChoice));
        }
        let (kept, other) = (
            self.person_row(kept_id).await?,
            self.person_row(other_id)
                .await
                .map_err(|_| ServiceError::invalid("other_id", Invalid::BadChoice))?,
        );
        if kept.merged_into.is_some() || other.merged_into.is_some() {
            return Err(ServiceError::invalid("other_id", Invalid::Taken));
        }
        let mut linked = households_of(self.read(), kept_id).await?;
        linked.extend(households_of(self.read(), other_id).await?);
        let compounds = self.person_gate(actor, &linked).await?;
        let t = self.now();
        let txn = self.begin_write().await?;
        let theirs = ownership::Entity::find()
            .filter(ownership::Column::PersonId.eq(other_id))
            .all(&txn)
            .await?;
        let mine: BTreeSet<i64> = ownership::Entity::find()
            .filter(ownership::Column::PersonId.eq(kept_id))
            .all(&txn)
            .await?
            .into_iter()
            .map(|o| o.household_id)
            .collect();
        if theirs.iter().any(|o| mine.contains(&o.household_id)) {
            return Err(ServiceError::invalid("other_id", Invalid::Taken));
        }
        let moved = Moved {
            ownership: theirs.iter().map(|o| o.id).collect(),
            residency: residency::Entity::find()
                .filter(residency::Column::PersonId.eq(other_id))
                .all(&txn)
                .await?
                .into_iter()
                .map(|r| r.id)
                .collect(),
            account: account::Entity::find()
                .filter(account::Column::PersonId.eq(other_id))
                .all(&txn)
                .await?
                .into_iter()
                .map(|a| a.id)
                .collect(),
            voter: household::Entity::find()
                .filter(household::Column::DesignatedVoterId.eq(other_id))
                .all(&txn)
                .await?
                .into_iter()
                .map(|h| h.id)
                .collect(),
        };
        move_rows(&txn, &moved, kept_id).await?;
        person::Entity::update_many()
            .col_expr(person::Column::MergedInto, Expr::value(kept_id))
            .filter(person::Column::Id.eq(other_id))
            .exec(&txn)
            .await?;
        let moved_json = serde_json::to_value(&moved).map_err(anyhow::Error::from)?;
        let merge_id = person_merge::Entity::insert(person_merge::ActiveModel {
            kept_id: Set(kept_id),
            merged_id: Set(other_id),
            moved: Set(moved_json.to_string()),
            account_id: Set(Some(actor.account_id)),
            merged_at: Set(t),
            split_at: Set(None),
            ..Default::default()
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        let after = serde_json::json!({"merge_id": merge_id, "merged_id": other_id, "merged_name": other.name, "moved": moved_json});
        Change::by(actor, GLOBAL_CHAIN, "person.merge", "person", kept_id)
            .after(after)
            .record_on(&txn, &compounds)
            .await?;
        txn.commit().await?;
        self.person(actor, kept_id).await
    }

    /// Undoes a merge: the rows it moved that are still the kept person's go back to the
    /// merged record, which is a person of its own again.
    pub async fn split_person(
        &self,
        actor: &Actor,
        kept_id: i64,
        input: &SplitInput,
    ) -> ServiceResult<PersonView> {
        let m = person_merge::Entity::find_by_id(input.merge_id)
            .one(self.read())
            .await?
            .filter(|m| m.kept_id == kept_id)
            .ok_or(ServiceError::NotFound { entity: "person" })?;
        if m.split_at.is_some() {
            return Err(ServiceError::invalid("merge_id", Invalid::Taken));
        }
        let linked = households_of(self.read(), kept_id).await?;
        let compounds = self.person_gate(actor, &linked).await?;
        let moved: Moved = serde_json::from_str(&m.moved).map_err(anyhow::Error::from)?;
        let t = self.now();
        let txn = self.begin_write().await?;
        // Only what is still the kept person's goes back: a flat sold since stays sold.
        let back = Moved {
            ownership: ids_still(
                &txn,
                ownership::Entity::find()
                    .filter(ownership::Column::Id.is_in(moved.ownership.clone()))
                    .filter(ownership::Column::PersonId.eq(kept_id)),
                |o: &ownership::Model| o.id,
            )
            .await?,
            residency: ids_still(
                &txn,
                residency::Entity::find()
                    .filter(residency::Column::Id.is_in(moved.residency.clone()))
                    .filter(residency::Column::PersonId.eq(kept_id)),
                |r: &residency::Model| r.id,
            )
            .await?,
            account: ids_still(
                &txn,
                account::Entity::find()
                    .filter(account::Column::Id.is_in(moved.account.clone()))
                    .filter(account::Column::PersonId.eq(kept_id)),
                |a: &account::Model| a.id,
            )
            .await?,
            voter: ids_still(
                &txn,
                household::Entity::find()
                    .filter(household::Column::Id.is_in(moved.voter.clone()))
                    .filter(household::Column::DesignatedVoterId.eq(kept_id)),
                |h: &household::Model| h.id,
            )
            .await?,
        };
        move_rows(&txn, &back, m.merged_id).await?;
        person::Entity::update_many()
            .col_expr(person::Column::MergedInto, Expr::value(Option::<i64>::None))
            .filter(person::Column::Id.eq(m.merged_id))
            .exec(&txn)
            .await?;
        person_merge::Entity::update_many()
            .col_expr(person_merge::Column::SplitAt, Expr::value(t))
            .filter(person_merge::Column::Id.eq(m.id))
            .exec(&txn)
            .await?;
        let after = serde_json::json!({"merge_id": m.id, "split_id": m.merged_id, "moved": serde_json::to_value(&back).map_err(anyhow::Error::from)?});
        Change::by(actor, GLOBAL_CHAIN, "person.split", "person", kept_id)
            .after(after)
            .record_on(&txn, &compounds)
            .await?;
        txn.commit().await?;
        self.person(actor, kept_id).await
    }
}

async fn ids_still<C, E, F>(db: &C, q: sea_orm::Select<E>, id: F) -> ServiceResult<Vec<i64>>
where
    C: ConnectionTrait,
    E: EntityTrait,
    F: Fn(&E::Model) -> i64,
{
    Ok(q.all(db).await?.iter().map(id).collect())
}

/// Points the rows of `moved` at `to`.
async fn move_rows<C: ConnectionTrait>(db: &C, moved: &Moved, to: i64) -> ServiceResult<()> {
    if !moved.ownership.is_empty() {
        ownership::Entity::update_many()
            .col_expr(ownership::Column::PersonId, Expr::value(to))
            .filter(ownership::Column::Id.is_in(moved.ownership.clone()))
            .exec(db)
            .await?;
        // The flats' lists now show `to`'s name and phone.
        super::owner_names::keep(db, super::owner_names::Households::OwnedBy(&[to])).await?;
    }
    if !moved.residency.is_empty() {
        residency::Entity::update_many()
            .col_expr(residency::Column::PersonId, Expr::value(to))
            .filter(residency::Column::Id.is_in(moved.residency.clone()))
            .exec(db)
            .await?;
    }
    if !moved.account.is_empty() {
        account::Entity::update_many()
            .col_expr(account::Column::PersonId, Expr::value(to))
            .filter(account::Column::Id.is_in(moved.account.clone()))
            .exec(db)
            .await?;
    }
    if !moved.voter.is_empty() {
        household::Entity::update_many()
            .col_expr(household::Column::DesignatedVoterId, Expr::value(to))
            .filter(household::Column::Id.is_in(moved.voter.clone()))
            .exec(db)
            .await?;
    }
    Ok(())
}
