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
    for chunk in ids.chunks(500) {
        let values: Vec<Value> = chunk.iter().map(|i| (*i).into()).collect();
        let sql = format!(
            "SELECT id, {} FROM {} WHERE id IN ({})",
            select_list(kept.columns),
            kept.entity,
            placeholders(backend, 1, chunk.len())
        );
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(backend, sql, values.clone()))
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
            let sql = format!(
                "SELECT {} AS parent_id, {} FROM {} WHERE {} IN ({}) ORDER BY {}, {}",
                child.parent,
                select_list(child.columns),
                child.table,
                child.parent,
                placeholders(backend, 1, chunk.len()),
                child.parent,
                child.columns.join(", ")
            );
            let rows = db
                .query_all_raw(Statement::from_sql_and_values(backend, sql, values.clone()))
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
            let hash = match fields.get(id) {
                Some(f) => state_hash(f.iter().map(|v| v.as_deref())),
                None => GONE.to_string(),
            };
            out.insert(*id, hash);
        }
    }
    Ok(out)
}
