//! The state the audit trail keeps: for the rows that decide votes and money, each audited
//! change records the hash of the row as it is after the change (inside the same
//! transaction), and `verify_audit` recomputes the current rows' hashes against the latest
//! record of each row. A direct edit of the database (a household's area, a ballot's choice)
//! or a cut-off tail of the trail (the latest record of a row removed and the head rewound)
//! then shows as a row whose state no record describes.
//!
//! Which columns are "the state" is listed here, table by table: the ones every write path
//! changes only through an audited service. Counters and timestamps that move without an
//! audit record (`version`, `updated_at`, support counts) are left out on purpose.

use linli_domain::audit::state_hash;
use sea_orm::{ConnectionTrait, DbBackend, Statement, Value};
use std::collections::BTreeMap;

/// Rows of another table that belong to a kept row, e.g. a proposal's ballots.
struct Children {
    table: &'static str,
    parent: &'static str,
    /// The child's own key among its siblings, first: the order they are hashed in.
    columns: &'static [&'static str],
}

/// A table whose rows' state the trail keeps; `entity` is both the audit record's entity and
/// the table name.
struct Kept {
    entity: &'static str,
    columns: &'static [&'static str],
    children: &'static [Children],
}

const KEPT: &[Kept] = &[
    Kept {
        entity: "household",
        columns: &["unit_id", "floor", "room", "area_centi", "area_source"],
        children: &[],
    },
    Kept {
        entity: "proposal",
        columns: &["stage", "result", "voting_deadline", "closed_at"],
        children: &[
            Children {
                table: "ballot",
                parent: "proposal_id",
                columns: &["voter_key", "choice", "method", "evidence_id", "revision"],
            },
            Children {
                table: "election_ballot",
                parent: "proposal_id",
                columns: &[
                    "voter_key",
                    "candidate_ids",
                    "method",
                    "evidence_id",
                    "revision",
                ],
            },
        ],
    },
    Kept {
        entity: "fund_entry",
        columns: &[
            "account_id",
            "household_id",
            "direction",
            "category",
            "amount",
            "occurred_on",
            "corrects_entry_id",
        ],
        children: &[],
    },
    Kept {
        entity: "elevator_payment",
        columns: &[
            "project_id",
            "household_id",
            "amount",
            "method",
            "receipt_no",
            "paid_on",
        ],
        children: &[],
    },
];

/// What a record says when its row no longer exists.
pub const GONE: &str = "gone";

/// Whether the trail keeps the state of this entity's rows.
pub fn is_kept(entity: &str) -> bool {
    KEPT.iter().any(|k| k.entity == entity)
}

/// The entities whose state is kept, for `verify_audit`.
pub fn kept_entities() -> impl Iterator<Item = &'static str> {
    KEPT.iter().map(|k| k.entity)
}

fn placeholders(backend: DbBackend, from: usize, n: usize) -> String {
    (0..n)
        .map(|i| {
            if backend == DbBackend::Postgres {
                format!("${}", from + i)
            } else {
                "?".to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every value as text, the same way on both databases' own terms: `CAST(… AS TEXT)`.
fn select_list(columns: &[&str]) -> String {
    columns
        .iter()
        .map(|c| format!("CAST({c} AS TEXT) AS {c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Ids per query when they are one dense run (a bulk insert's, say): a range, two values.
const RUN: usize = 5_000;
/// Ids per query otherwise: an `IN` list.
const LIST: usize = 500;

/// Which rows one query reads: a dense run of ids as a range (two values), else a list.
/// A range may select rows that were not asked for (gaps); only the asked ones are hashed.
enum Ids {
    Range(i64, i64),
    List(Vec<i64>),
}

impl Ids {
    /// The ids in groups of one query each, each with the ids it answers for.
    fn groups(ids: &[i64]) -> Vec<(Vec<i64>, Ids)> {
        let mut sorted = ids.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        let mut out = Vec::new();
        let mut rest = &sorted[..];
        while let Some(&first) = rest.first() {
            let run = &rest[..rest.len().min(RUN)];
            let last = run[run.len() - 1];
            let (asked, ids) = if run.len() > LIST && last - first < 2 * run.len() as i64 {
                (run, Ids::Range(first, last))
            } else {
                let list = &rest[..rest.len().min(LIST)];
                (list, Ids::List(list.to_vec()))
            };
            out.push((asked.to_vec(), ids));
            rest = &rest[asked.len()..];
        }
        out
    }

    /// The condition on `column` and its values.
    fn condition(&self, backend: DbBackend, column: &str) -> (String, Vec<Value>) {
        match self {
            Ids::Range(from, to) => {
                let p = placeholders(backend, 1, 2).replace(", ", " AND ");
                (
                    format!("{column} BETWEEN {p}"),
                    vec![(*from).into(), (*to).into()],
                )
            }
            Ids::List(ids) => (
                format!("{column} IN ({})", placeholders(backend, 1, ids.len())),
                ids.iter().map(|i| (*i).into()).collect(),
            ),
        }
    }
}

/// The current state hashes of rows of a kept entity, by id; a row that does not exist has
/// [`GONE`]. An entity whose state is not kept gives an empty map.
pub async fn current<C: ConnectionTrait>(
    db: &C,
    entity: &str,
    ids: &[i64],
) -> Result<BTreeMap<i64, String>, sea_orm::DbErr> {
    let Some(kept) = KEPT.iter().find(|k| k.entity == entity) else {
        return Ok(BTreeMap::new());
    };
    let backend = db.get_database_backend();
    let mut out = BTreeMap::new();
    for (chunk, group) in Ids::groups(ids) {
        let (cond, values) = group.condition(backend, "id");
        let sql = format!(
            "SELECT id, {} FROM {} WHERE {cond}",
            select_list(kept.columns),
            kept.entity,
        );
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
            .await?;
        // Each row's fields, then each child table's rows in key order.
        let mut fields: BTreeMap<i64, Vec<Option<String>>> = BTreeMap::new();
        for r in rows {
            let id: i64 = r.try_get("", "id")?;
            let mut f = Vec::with_capacity(kept.columns.len());
            for c in kept.columns {
                f.push(r.try_get::<Option<String>>("", c)?);
            }
            fields.insert(id, f);
        }
        for child in kept.children {
            let (cond, values) = group.condition(backend, child.parent);
            let sql = format!(
                "SELECT {} AS parent_id, {} FROM {} WHERE {} ORDER BY {}, {}",
                child.parent,
                select_list(child.columns),
                child.table,
                cond,
                child.parent,
                child.columns.join(", ")
            );
            let rows = db
                .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
                .await?;
            for r in rows {
                let parent: i64 = r.try_get("", "parent_id")?;
                let Some(f) = fields.get_mut(&parent) else {
                    continue;
                };
                // A marker between rows, so the same values cannot be read as other rows.
                f.push(Some(format!("{}:", child.table)));
                for c in child.columns {
                    f.push(r.try_get::<Option<String>>("", c)?);
                }
            }
        }
        for id in chunk {
            let hash = match fields.get(&id) {
                Some(f) => state_hash(f.iter().map(|v| v.as_deref())),
                None => GONE.to_string(),
            };
            out.insert(id, hash);
        }
    }
    Ok(out)
}

/// The state of a household row holding these values, as [`current`] reads it back (every
/// value as the database casts it to text: integers in decimal, text as it is), for rows just
/// inserted, without reading them again.
pub fn household(
    unit_id: i64,
    floor: i32,
    room: &str,
    area_centi: i64,
    area_source: &str,
) -> String {
    let (unit_id, floor, area_centi) = (
        unit_id.to_string(),
        floor.to_string(),
        area_centi.to_string(),
    );
    state_hash([
        Some(unit_id.as_str()),
        Some(floor.as_str()),
        Some(room),
        Some(area_centi.as_str()),
        Some(area_source),
    ])
}

#[cfg(test)]
mod tests {
    use super::{Ids, KEPT};

    #[test]
    fn a_household_state_hashes_the_kept_columns_in_order() {
        assert_eq!(
            KEPT[0].columns,
            ["unit_id", "floor", "room", "area_centi", "area_source"],
            "household() hashes these, in this order"
        );
        assert!(KEPT[0].children.is_empty());
        assert_eq!(
            super::household(12, -1, "B01", 8950, "registered"),
            linli_domain::audit::state_hash(["12", "-1", "B01", "8950", "registered"].map(Some))
        );
    }

    #[test]
    fn dense_ids_are_read_as_ranges_and_sparse_ones_as_lists() {
        let dense: Vec<i64> = (1..=12_000).rev().collect();
        let groups = Ids::groups(&dense);
        assert_eq!(groups.len(), 3);
        assert!(matches!(groups[0].1, Ids::Range(1, 5_000)));
        assert_eq!(groups[0].0.len(), 5_000);
        assert!(matches!(groups[2].1, Ids::Range(10_001, 12_000)));
        let sparse: Vec<i64> = (0..1_200).map(|i| i * 10).collect();
        let groups = Ids::groups(&sparse);
        assert_eq!(groups.len(), 3);
        assert!(matches!(&groups[0].1, Ids::List(l) if l.len() == 500));
        assert_eq!(groups.iter().map(|g| g.0.len()).sum::<usize>(), 1_200);
    }
}
