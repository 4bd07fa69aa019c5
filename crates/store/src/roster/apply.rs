//! Writing an import: one transaction, the plan made again inside it against the current
//! data, new households, people and ownerships inserted in batches, changed households
//! updated one by one (with their version raised), and one audit record per household that
//! changed, all appended to the compound's chain at once.
//!
//! A confirmed preview is claimed inside the same transaction (its status goes from
//! `pending` to `applied` with the rows): a crash before the commit leaves it pending and a
//! retry works; two confirmations cannot both write it. Imports into one compound take turns
//! (a row lock on the compound on PostgreSQL; SQLite has one writer), and a household the
//! preview was to create that another import created meanwhile refuses the confirmation,
//! naming the room, instead of overwriting what the other one wrote.
//!
//! Owners become people once per person ([`super::people`]); a person already in the
//! registry with the same name and phone (or ID tail) is that person, not a new one.

use super::people::{Identities, Person, identify};
use super::plan::{Action, Snapshot, diff};
use super::{Progress, RosterRow};
use crate::audit::{self, Change};
use crate::entity::{building, household, ownership, person, roster_import, unit};
use crate::error::{ServiceError, ServiceResult};
use crate::{Backend, Store};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    Statement,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// What an import wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Applied {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
}

/// Rows per multi-row INSERT: well under the bind limits of SQLite (32,766) and PostgreSQL
/// (65,535) for the widest row here (11 columns).
const BATCH: usize = 1000;

/// Shares of `n` co-owners in basis points, summing to 10,000; the first takes the remainder.
fn shares(n: usize) -> Vec<i32> {
    let n = n.max(1) as i32;
    let each = 10_000 / n;
    let mut v = vec![each; n as usize];
    v[0] += 10_000 - each * n;
    v
}

/// `n` fresh ids for `table`, taken inside the write transaction: PostgreSQL hands them out
/// from the table's sequence (safe against other writers); SQLite has one writer, so the ids
/// after the current maximum are ours until commit.
async fn reserve_ids(
    txn: &DatabaseTransaction,
    backend: Backend,
    table: &str,
    n: usize,
) -> ServiceResult<Vec<i64>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    let db = txn.get_database_backend();
    match backend {
        Backend::Postgres => {
            let sql = format!(
                "SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, {n})"
            );
            let rows = txn.query_all_raw(Statement::from_string(db, sql)).await?;
            rows.iter()
                .map(|r| r.try_get_by_index::<i64>(0).map_err(ServiceError::from))
                .collect()
        }
        Backend::Sqlite => {
            let sql = format!("SELECT COALESCE(MAX(id), 0) FROM {table}");
            let row = txn.query_one_raw(Statement::from_string(db, sql)).await?;
            let max: i64 = row
                .map(|r| r.try_get_by_index::<i64>(0))
                .transpose()?
                .unwrap_or(0);
            Ok((1..=n as i64).map(|i| max + i).collect())
        }
    }
}

async fn insert_batched<A, C>(db: &C, rows: Vec<A>) -> ServiceResult<()>
where
    A: sea_orm::ActiveModelTrait + Send,
    C: ConnectionTrait,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(BATCH).collect();
        <A::Entity as EntityTrait>::insert_many(chunk)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// The registry's people that the file's persons already are: the same name with the same
/// phone or ID tail (the developer: the same name). Looked up by phone, ID tail and name
/// in batches, never all people at once.
async fn registry_matches(
    txn: &DatabaseTransaction,
    persons: &[Person],
    needed: &[bool],
) -> ServiceResult<Vec<Option<i64>>> {
    let wanted = || {
        persons
            .iter()
            .zip(needed)
            .filter(|(_, n)| **n)
            .map(|(p, _)| p)
    };
    let mut phones: Vec<String> = wanted().flat_map(|p| p.phones.iter().cloned()).collect();
    phones.sort_unstable();
    phones.dedup();
    let mut tails: Vec<String> = wanted().filter_map(|p| p.id_last4.clone()).collect();
    tails.sort_unstable();
    tails.dedup();
    let mut developers: Vec<String> = wanted()
        .filter(|p| p.developer)
        .map(|p| p.name.clone())
        .collect();
    developers.sort_unstable();
    developers.dedup();
    let mut by_phone: HashMap<(String, String), i64> = HashMap::new();
    let mut by_tail: HashMap<(String, String), i64> = HashMap::new();
    let mut by_name: HashMap<String, i64> = HashMap::new();
    let live = person::Column::MergedInto.is_null();
    for chunk in phones.chunks(BATCH) {
        for p in person::Entity::find()
            .filter(person::Column::Phone.is_in(chunk.to_vec()))
            .filter(live.clone())
            .all(txn)
            .await?
        {
            if let Some(phone) = p.phone {
                by_phone.entry((p.name, phone)).or_insert(p.id);
            }
        }
    }
    for chunk in tails.chunks(BATCH) {
        for p in person::Entity::find()
            .filter(person::Column::IdLast4.is_in(chunk.to_vec()))
            .filter(live.clone())
            .all(txn)
            .await?
        {
            if let Some(tail) = p.id_last4 {
                by_tail.entry((p.name, tail)).or_insert(p.id);
            }
        }
    }
    for chunk in developers.chunks(BATCH) {
        for p in person::Entity::find()
            .filter(person::Column::Name.is_in(chunk.to_vec()))
            .filter(live.clone())
            .all(txn)
            .await?
        {
            by_name.entry(p.name).or_insert(p.id);
        }
    }
    Ok(persons
        .iter()
        .zip(needed)
        .map(|(p, needed)| {
            if !*needed {
                return None;
            }
            p.phones
                .iter()
                .find_map(|n| by_phone.get(&(p.name.clone(), n.clone())))
                .or_else(|| {
                    p.id_last4
                        .as_ref()
                        .and_then(|t| by_tail.get(&(p.name.clone(), t.clone())))
                })
                .or_else(|| {
                    if p.developer {
                        by_name.get(&p.name)
                    } else {
                        None
                    }
                })
                .copied()
        })
        .collect())
}

/// Every number of a person as stored: " / " between them, as many as fit.
fn phones_text(phones: &[String]) -> Option<String> {
    let mut out = String::new();
    for p in phones {
        if out.len() + p.len() + 3 > 200 {
            break;
        }
        if !out.is_empty() {
            out.push_str(" / ");
        }
        out.push_str(p);
    }
    (!out.is_empty()).then_some(out)
}

fn snapshot_json(floor: i32, room: &str, area_centi: i64, source: &str) -> serde_json::Value {
    serde_json::json!({"floor": floor, "room": room, "area_centi": area_centi, "area_source": source})
}

impl Store {
    /// Writes `rows` into the compound: all or nothing. The caller has checked the actor and
    /// that the rows have no errors. With `claim`, the stored preview of that id is marked
    /// applied (with the result) in the same transaction, and refused if it is not pending.
    pub(crate) async fn apply_roster(
        &self,
        actor: Option<i64>,
        compound_id: i64,
        rows: &[RosterRow],
        claim: Option<i64>,
        progress: &mut (dyn FnMut(Progress) + Send),
    ) -> ServiceResult<Applied> {
        let t = self.now();
        let txn = self.begin_write().await?;
        if self.backend() == Backend::Postgres {
            let lock = Statement::from_sql_and_values(
                txn.get_database_backend(),
                "SELECT id FROM compound WHERE id = $1 FOR UPDATE",
                [compound_id.into()],
            );
            txn.execute_raw(lock).await?;
        }
        if let Some(id) = claim {
            // `applying` is what an interrupted confirmation left before claims were made
            // inside the writing transaction: it is as good as pending.
            let claimed = roster_import::Entity::update_many()
                .col_expr(roster_import::Column::Status, Expr::value("applied"))
                .col_expr(roster_import::Column::AppliedAt, Expr::value(t))
                .filter(roster_import::Column::Id.eq(id))
                .filter(roster_import::Column::Status.is_in(["pending", "applying"]))
                .exec(&txn)
                .await?;
            if claimed.rows_affected != 1 {
                return Err(ServiceError::ImportClosed { had_errors: false });
            }
        }
        let snap = Snapshot::load(&txn, compound_id).await?;
        let (actions, _) = diff(rows, &snap);
        if claim.is_some()
            && let Some((r, _)) = rows
                .iter()
                .zip(&actions)
                .find(|(r, a)| r.planned_new && **a != Action::Create)
        {
            return Err(ServiceError::RoomTaken {
                room: format!("{} {} {}", r.building, r.unit, r.room),
            });
        }
        let mut done = Applied::default();
        let mut changes: Vec<Change<'static>> = Vec::new();

        // Buildings and units the file names that do not exist yet.
        let mut buildings = snap.buildings.clone();
        let mut units = snap.units.clone();
        for (r, a) in rows.iter().zip(&actions) {
            if *a != Action::Create {
                continue;
            }
            let b_id = match buildings.get(&r.building) {
                Some(id) => *id,
                None => {
                    let model = building::ActiveModel {
                        compound_id: Set(compound_id),
                        sub_compound_id: Set(None),
                        name: Set(r.building.clone()),
                        floors: Set(None),
                        ..Default::default()
                    };
                    let id = building::Entity::insert(model)
                        .exec(&txn)
                        .await?
                        .last_insert_id;
                    buildings.insert(r.building.clone(), id);
                    id
                }
            };
            if let std::collections::hash_map::Entry::Vacant(slot) =
                units.entry((b_id, r.unit.clone()))
            {
                let model = unit::ActiveModel {
                    building_id: Set(b_id),
                    compound_id: Set(compound_id),
                    name: Set(r.unit.clone()),
                    ..Default::default()
                };
                slot.insert(unit::Entity::insert(model).exec(&txn).await?.last_insert_id);
            }
        }

        // The people: once per person, the registry's own when they are already in it.
        let Identities { persons, of } = identify(rows);
        let mut needed = vec![false; persons.len()];
        for (a, mine) in actions.iter().zip(&of) {
            if matches!(
                a,
                Action::Create
                    | Action::Update {
                        add_owners: true,
                        ..
                    }
            ) {
                for p in mine {
                    needed[*p] = true;
                }
            }
        }
        let mut person_id = registry_matches(&txn, &persons, &needed).await?;
        let fresh: Vec<usize> = (0..persons.len())
            .filter(|i| needed[*i] && person_id[*i].is_none())
            .collect();
        let ids = reserve_ids(&txn, self.backend(), "person", fresh.len()).await?;
        let mut people = Vec::with_capacity(fresh.len());
        for (i, id) in fresh.iter().zip(ids) {
            let p = &persons[*i];
            person_id[*i] = Some(id);
            people.push(person::ActiveModel {
                id: Set(id),
                name: Set(p.name.clone()),
                phone: Set(p.phone.clone()),
                created_at: Set(t),
                anonymised_at: Set(None),
                id_last4: Set(p.id_last4.clone()),
                phones: Set(phones_text(&p.phones)),
                merged_into: Set(None),
            });
        }

        // New households, with their owners.
        let new_rows: Vec<usize> = actions
            .iter()
            .enumerate()
            .filter(|(_, a)| **a == Action::Create)
            .map(|(i, _)| i)
            .collect();
        let household_ids = reserve_ids(&txn, self.backend(), "household", new_rows.len()).await?;
        let mut owned = Vec::new();
        let mut voters = Vec::new();
        // Owners of one row: ownership rows, and the first owner's id.
        let mut add_owners = |household_id: i64, i: usize| -> Option<i64> {
            let mine = &of[i];
            let mut first = None;
            for (p, share) in mine.iter().zip(shares(mine.len())) {
                let id = person_id[*p]?;
                first.get_or_insert(id);
                owned.push(ownership::ActiveModel {
                    household_id: Set(household_id),
                    person_id: Set(id),
                    share_bp: Set(share),
                    created_at: Set(t),
                    ..Default::default()
                });
            }
            first
        };
        let mut households = Vec::with_capacity(new_rows.len());
        for (i, id) in new_rows.iter().zip(&household_ids) {
            let r = &rows[*i];
            let Some(b_id) = buildings.get(&r.building) else {
                continue;
            };
            let Some(u_id) = units.get(&(*b_id, r.unit.clone())) else {
                continue;
            };
            let voter = add_owners(*id, *i);
            households.push(household::ActiveModel {
                id: Set(*id),
                unit_id: Set(*u_id),
                building_id: Set(*b_id),
                compound_id: Set(compound_id),
                floor: Set(r.floor),
                room: Set(r.room.clone()),
                area_centi: Set(r.area_centi),
                area_source: Set(r.source.clone()),
                designated_voter_id: Set(voter),
                developer_unsold: Set(r.unsold),
                version: Set(1),
                created_at: Set(t),
                updated_at: Set(t),
            });
            let mut after = snapshot_json(r.floor, &r.room, r.area_centi, &r.source);
            after["building"] = r.building.clone().into();
            after["unit"] = r.unit.clone().into();
            if r.unsold {
                after["developer_unsold"] = true.into();
            }
            if !r.owners.is_empty() {
                after["owners"] = r.owners.clone().into();
            }
            changes.push(Change {
                chain: compound_id,
                at: self.now(),
                actor,
                action: "household.import_create",
                entity: "household",
                entity_id: *id,
                before: None,
                after: Some(after),
            });
            done.created += 1;
        }

        // Changed households.
        let total = (new_rows.len()
            + actions
                .iter()
                .filter(|a| matches!(a, Action::Update { .. }))
                .count()) as u64;
        for (i, (r, a)) in rows.iter().zip(&actions).enumerate() {
            let Action::Update {
                fields,
                add_owners: adding,
                phone_of,
            } = a
            else {
                if *a == Action::Unchanged {
                    done.unchanged += 1;
                }
                continue;
            };
            let Some(h) = snap.find(r) else { continue };
            let mut before = snapshot_json(h.floor, &r.room, h.area_centi, &h.source);
            let mut after = snapshot_json(r.floor, &r.room, r.area_centi, &r.source);
            if h.unsold != r.unsold {
                before["developer_unsold"] = h.unsold.into();
                after["developer_unsold"] = r.unsold.into();
            }
            if *adding {
                let voter = add_owners(h.id, i);
                before["owners"] = serde_json::json!([]);
                after["owners"] = r.owners.clone().into();
                if h.designated_voter_id.is_none()
                    && let Some(v) = voter
                {
                    voters.push((h.id, v));
                }
            }
            if let (Some(person_id), Some(phone)) = (phone_of, &r.phone) {
                person::Entity::update_many()
                    .col_expr(person::Column::Phone, Expr::value(phone.clone()))
                    .col_expr(person::Column::Phones, Expr::value(phones_text(&r.phones)))
                    .filter(person::Column::Id.eq(*person_id))
                    .exec(&txn)
                    .await?;
                before["phone"] = h.owners.first().and_then(|o| o.2.clone()).into();
                after["phone"] = phone.clone().into();
            }
            let mut update = household::Entity::update_many()
                .col_expr(household::Column::Version, Expr::value(h.version + 1))
                .col_expr(household::Column::UpdatedAt, Expr::value(t));
            if *fields {
                update = update
                    .col_expr(household::Column::Floor, Expr::value(r.floor))
                    .col_expr(household::Column::AreaCenti, Expr::value(r.area_centi))
                    .col_expr(household::Column::AreaSource, Expr::value(r.source.clone()))
                    .col_expr(household::Column::DeveloperUnsold, Expr::value(r.unsold));
            }
            update
                .filter(household::Column::Id.eq(h.id))
                .exec(&txn)
                .await?;
            changes.push(Change {
                chain: compound_id,
                at: self.now(),
                actor,
                action: "household.import_update",
                entity: "household",
                entity_id: h.id,
                before: Some(before),
                after: Some(after),
            });
            done.updated += 1;
            if done.updated.is_multiple_of(1000) {
                progress(Progress::Written(done.updated, total));
            }
        }

        // People before households (the designated voter), households before ownerships.
        let written = households.len() as u64;
        insert_batched(&txn, people).await?;
        insert_batched(&txn, households).await?;
        insert_batched(&txn, owned).await?;
        for (household_id, person_id) in voters {
            household::Entity::update_many()
                .col_expr(household::Column::DesignatedVoterId, Expr::value(person_id))
                .filter(household::Column::Id.eq(household_id))
                .exec(&txn)
                .await?;
        }
        progress(Progress::Written(written + done.updated, total));
        audit::record_batch(&txn, compound_id, changes).await?;
        if let Some(id) = claim {
            let result =
                serde_json::to_string(&done).map_err(|e| ServiceError::Internal(e.into()))?;
            roster_import::Entity::update_many()
                .col_expr(roster_import::Column::Result, Expr::value(result))
                .col_expr(roster_import::Column::Rows, Expr::value("[]"))
                .filter(roster_import::Column::Id.eq(id))
                .exec(&txn)
                .await?;
        }
        txn.commit().await?;
        // A big import changes the tables enough for the planner's statistics to mislead it.
        if done.created >= 1_000 {
            self.analyze().await?;
        }
        Ok(done)
    }
}

#[cfg(test)]
mod tests {
    use super::shares;

    #[test]
    fn co_owner_shares_sum_to_the_whole() {
        for n in 1..=7 {
            let s = shares(n);
            assert_eq!(s.len(), n);
            assert_eq!(s.iter().sum::<i32>(), 10_000);
        }
        assert_eq!(shares(3), [3334, 3333, 3333]);
    }
}
