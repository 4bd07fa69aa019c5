//! The owners a household list shows, kept on the household: `household.owner_names` (the
//! owners' names in the order they were recorded, joined with "、") and `owner_phone` (the
//! first owner's phone, as the person's record has it).
//!
//! A list of fifty households looked each row's owners up, an ownership and a person per row:
//! on PostgreSQL half the list statement's time (`pgbench -M prepared`, the demo's largest
//! compound: 5,900–6,100 statements/s with the look-ups, 11,600–11,800 without). What a list
//! shows is now read with the household. Everything else (the household page, votes, bills,
//! the roster's export) still reads the ownerships themselves; these two columns serve lists
//! only.
//!
//! They are kept in the transaction of every change to what they say, by [`keep`]: an owner
//! added or removed, people merged or split, a roster import (which writes the columns of the
//! households it creates itself, and has [`keep`] redo those whose owners were already
//! registered, and those of a person whose phone it changes). A person's name is never changed
//! by itself; an anonymised person owns nothing. [`drift`] finds any household whose columns
//! do not say what its ownerships do: the tests of each of those paths ask it.

use sea_orm::{ConnectionTrait, DbBackend, Statement};

/// Which households to bring up to date.
pub(crate) enum Households<'a> {
    /// These households, of this city when it is known (on PostgreSQL the city names the one
    /// partition to write).
    Ids(Option<i64>, &'a [i64]),
    /// Every household these people own.
    OwnedBy(&'a [i64]),
}

/// The owners' names of `household`'s row, as SQL for either database (SQLite 3.44 and later
/// have `string_agg` with an order, as PostgreSQL has).
const NAMES: &str = "COALESCE((SELECT string_agg(p.name, '、' ORDER BY o.id) \
     FROM ownership o JOIN person p ON p.id = o.person_id \
     WHERE o.household_id = household.id), '')";

/// The first owner's phone of `household`'s row.
const PHONE: &str = "(SELECT p.phone FROM ownership o JOIN person p ON p.id = o.person_id \
     WHERE o.household_id = household.id ORDER BY o.id LIMIT 1)";

/// Integers as a SQL list: ids are numbers, so they are written into the statement, which then
/// goes unprepared (no cached statement per list of ids).
fn listed(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// Sets `owner_names` and `owner_phone` of `households` from their ownerships, in `conn`'s
/// transaction.
pub(crate) async fn keep<C: ConnectionTrait>(
    conn: &C,
    households: Households<'_>,
) -> Result<(), sea_orm::DbErr> {
    let condition = match households {
        Households::Ids(_, []) | Households::OwnedBy([]) => return Ok(()),
        Households::Ids(city, ids) => format!(
            "id IN ({}){}",
            listed(ids),
            super::households::and_city(conn.get_database_backend(), "household", city)
        ),
        Households::OwnedBy(people) => format!(
            "id IN (SELECT household_id FROM ownership WHERE person_id IN ({}))",
            listed(people)
        ),
    };
    conn.execute_unprepared(&format!(
        "UPDATE household SET owner_names = {NAMES}, owner_phone = {PHONE} WHERE {condition}"
    ))
    .await?;
    Ok(())
}

/// The owners' names as [`keep`] writes them, from names in the order they were recorded: for
/// writers that know them (the roster's new households, the demo).
pub fn joined<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    names.into_iter().collect::<Vec<_>>().join("、")
}

/// The households (at most 100) whose `owner_names` or `owner_phone` do not say what their
/// ownerships do. Empty when every path that changes owners kept them.
pub async fn drift<C: ConnectionTrait>(conn: &C) -> Result<Vec<i64>, sea_orm::DbErr> {
    let backend = conn.get_database_backend();
    let differs = match backend {
        DbBackend::Postgres => "IS DISTINCT FROM",
        _ => "IS NOT",
    };
    let rows = conn
        .query_all_raw(Statement::from_string(
            backend,
            format!(
                "SELECT id FROM household \
                 WHERE owner_names {differs} {NAMES} OR owner_phone {differs} {PHONE} \
                 ORDER BY id LIMIT 100"
            ),
        ))
        .await?;
    rows.iter().map(|r| r.try_get_by_index(0)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_joined_in_the_order_given() {
        assert_eq!(joined(["王芳", "李强"]), "王芳、李强");
        assert_eq!(joined(["王芳"]), "王芳");
        assert_eq!(joined(std::iter::empty()), "");
    }

    #[test]
    fn ids_are_listed_as_numbers() {
        assert_eq!(listed(&[3, 14, -1]), "3,14,-1");
    }
}
