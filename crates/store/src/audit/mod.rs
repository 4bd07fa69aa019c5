//! The audit trail: every write records who, when, what, before and after, inside the
//! write's own transaction, so a change and its record are committed or lost together.
//!
//! Records of one compound form a hash chain (`linli_domain::audit`); the chain's head row
//! is updated first in every append, which makes concurrent writers to the same compound,
//! even in two server processes on one PostgreSQL, queue up instead of forking the chain.

use crate::Store;
use crate::bulk::{Bulk, Ty};
use crate::entity::{account, audit, audit_head};
use crate::error::{ServiceError, ServiceResult};
use linli_domain::audit::{AuditContent, BrokenLink, ChainVerifier, GENESIS, link_hash};
use linli_domain::{PageRequest, Paged};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::Serialize;
use time::format_description::well_known::Rfc3339;

pub mod state;

/// The chain of records that belong to no compound (accounts, regions).
pub const GLOBAL_CHAIN: i64 = 0;

/// One change to be recorded. `before` and `after` are JSON: a `serde_json::Value`, or for a
/// bulk writer that renders its own records, the JSON text itself ([`Json`]).
pub struct Change<'a, J = serde_json::Value> {
    pub chain: i64,
    /// When it happened, in Unix seconds on the store's clock.
    pub at: i64,
    pub actor: Option<i64>,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: i64,
    pub before: Option<J>,
    pub after: Option<J>,
}

/// What a record's `before` or `after` may be given as: JSON that becomes the stored text.
pub trait Json {
    fn into_text(self) -> String;
}

impl Json for serde_json::Value {
    fn into_text(self) -> String {
        self.to_string()
    }
}

/// JSON text rendered by the caller (e.g. with `serde_json::to_string` of a borrowed struct):
/// at a hundred thousand records, building a `Value` map for each costs more than the rest.
impl Json for String {
    fn into_text(self) -> String {
        self
    }
}

/// Locks a chain's head row (creating it for a new chain), advancing its `seq` by `advance`,
/// and returns it. Taking the row lock first serialises appends to one chain across processes.
async fn lock_head<C: ConnectionTrait>(
    db: &C,
    chain: i64,
    advance: i64,
) -> ServiceResult<audit_head::Model> {
    // The common case is one statement: advance an existing head and read it back
    // (`RETURNING`, in SQLite since 3.35 and in PostgreSQL). Every write pays for this.
    if let Some(head) = advance_head(db, chain, advance).await? {
        return Ok(head);
    }
    // A new chain: create its head with its compound's city (a concurrent creator's row wins
    // silently), then advance it.
    let backend = db.get_database_backend();
    let sql = match backend {
        sea_orm::DbBackend::Postgres => {
            "INSERT INTO audit_head (chain, seq, hash, city_id) \
             VALUES ($1, 0, $2, COALESCE((SELECT city_id FROM compound WHERE id = $3), 0)) \
             ON CONFLICT (chain) DO NOTHING"
        }
        _ => {
            "INSERT INTO audit_head (chain, seq, hash, city_id) \
             VALUES (?, 0, ?, COALESCE((SELECT city_id FROM compound WHERE id = ?), 0)) \
             ON CONFLICT (chain) DO NOTHING"
        }
    };
    db.execute_raw(sea_orm::Statement::from_sql_and_values(
        backend,
        sql,
        [chain.into(), GENESIS.into(), chain.into()],
    ))
    .await?;
    advance_head(db, chain, advance)
        .await?
        .ok_or_else(|| ServiceError::Internal(anyhow::anyhow!("audit head {chain} vanished")))
}

/// `UPDATE audit_head SET seq = seq + advance WHERE chain = ? RETURNING seq, hash, city_id`.
async fn advance_head<C: ConnectionTrait>(
    db: &C,
    chain: i64,
    advance: i64,
) -> ServiceResult<Option<audit_head::Model>> {
    let backend = db.get_database_backend();
    let sql = match backend {
        sea_orm::DbBackend::Postgres => {
            "UPDATE audit_head SET seq = seq + $1 WHERE chain = $2 RETURNING seq, hash, city_id"
        }
        _ => "UPDATE audit_head SET seq = seq + ? WHERE chain = ? RETURNING seq, hash, city_id",
    };
    let row = db
        .query_one_raw(sea_orm::Statement::from_sql_and_values(
            backend,
            sql,
            [advance.into(), chain.into()],
        ))
        .await?;
    match row {
        Some(r) => Ok(Some(audit_head::Model {
            chain,
            seq: r.try_get("", "seq")?,
            hash: r.try_get("", "hash")?,
            city_id: r.try_get("", "city_id")?,
        })),
        None => Ok(None),
    }
}

/// A record's time as RFC 3339 text in UTC, whole seconds: the form the chain hashes.
fn stamp(at: i64) -> ServiceResult<String> {
    time::OffsetDateTime::from_unix_timestamp(at)
        .map_err(|e| ServiceError::Internal(e.into()))?
        .format(&Rfc3339)
        .map_err(|e| ServiceError::Internal(e.into()))
}

impl<'a> Change<'a> {
    /// A change `actor` made, at the actor's time, to `entity` #`id`, to be recorded on
    /// `chain` (the compound's, or [`GLOBAL_CHAIN`]); add what it was and became with
    /// [`before`](Self::before) and [`after`](Self::after), then [`record`](Self::record) it
    /// inside the write's transaction. Every service writes its records this way.
    pub(crate) fn by(
        actor: &crate::accounts::Actor,
        chain: i64,
        action: &'a str,
        entity: &'a str,
        id: i64,
    ) -> Self {
        Change {
            chain,
            at: actor.at,
            actor: Some(actor.account_id),
            action,
            entity,
            entity_id: id,
            before: None,
            after: None,
        }
    }

    /// What the row (or the fields that changed) was before the change.
    pub(crate) fn before(mut self, v: impl Into<Option<serde_json::Value>>) -> Self {
        self.before = v.into();
        self
    }

    /// What the row (or the fields that changed) became.
    pub(crate) fn after(mut self, v: impl Into<Option<serde_json::Value>>) -> Self {
        self.after = v.into();
        self
    }

    /// Appends the record to its chain ([`record`]).
    pub(crate) async fn record<C: ConnectionTrait>(self, db: &C) -> ServiceResult<()> {
        record(db, self).await
    }

    /// Appends one record to each of `chains`, for a change that touches several compounds
    /// (a person's merge); no chain at all records it once on the [`GLOBAL_CHAIN`].
    pub(crate) async fn record_on<C: ConnectionTrait>(
        self,
        db: &C,
        chains: &[i64],
    ) -> ServiceResult<()> {
        if chains.is_empty() {
            return Change {
                chain: GLOBAL_CHAIN,
                ..self
            }
            .record(db)
            .await;
        }
        for &chain in chains {
            let change = Change {
                chain,
                before: self.before.clone(),
                after: self.after.clone(),
                ..self
            };
            record(db, change).await?;
        }
        Ok(())
    }
}

/// A row or view as the JSON an audit record keeps of it.
pub(crate) fn to_json<T: serde::Serialize>(v: &T) -> ServiceResult<serde_json::Value> {
    serde_json::to_value(v).map_err(|e| ServiceError::Internal(e.into()))
}

/// Appends a record to its chain. Call it inside the transaction of the write it records.
pub async fn record<C: ConnectionTrait>(db: &C, change: Change<'_>) -> ServiceResult<()> {
    let head = lock_head(db, change.chain, 1).await?;
    let at = stamp(change.at)?;
    let before = change.before.map(|v| v.to_string()).unwrap_or_default();
    let after = change.after.map(|v| v.to_string()).unwrap_or_default();
    let row_state = state::current(db, change.entity, &[change.entity_id])
        .await?
        .remove(&change.entity_id)
        .unwrap_or_default();
    let content = AuditContent {
        chain: change.chain,
        seq: head.seq,
        at: &at,
        actor: change.actor,
        action: change.action,
        entity: change.entity,
        entity_id: change.entity_id,
        before: &before,
        after: &after,
        state: &row_state,
    };
    let hash = link_hash(&head.hash, &content);
    audit::Entity::insert(audit::ActiveModel {
        chain: Set(change.chain),
        seq: Set(head.seq),
        at: Set(at.clone()),
        actor_id: Set(change.actor),
        action: Set(change.action.to_string()),
        entity: Set(change.entity.to_string()),
        entity_id: Set(change.entity_id),
        before: Set(before.clone()),
        after: Set(after.clone()),
        prev_hash: Set(head.hash.clone()),
        hash: Set(hash.clone()),
        state_hash: Set(row_state),
        city_id: Set(head.city_id),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    audit_head::Entity::update_many()
        .col_expr(audit_head::Column::Hash, Expr::value(hash))
        .filter(audit_head::Column::Chain.eq(change.chain))
        .exec(db)
        .await?;
    // A change that may move a dashboard figure refreshes its compound's summary here, in
    // the same transaction, after the change itself.
    crate::summary::after_change(db, change.chain, change.entity, change.entity_id).await
}

/// An audit record as shown on an entity's history.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: i64,
    #[schema(value_type = Object)]
    pub before: serde_json::Value,
    #[schema(value_type = Object)]
    pub after: serde_json::Value,
}

/// What `verify-audit` found.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    pub chains: u64,
    pub records: u64,
    pub broken: Option<String>,
    /// Rows whose stored state no longer matches their latest audit record: edited outside
    /// linli, or the record describing their last change was cut off the trail.
    pub drifted: Vec<Drift>,
    /// Every chain's head, to publish (a printed notice carries its compound's) so that a
    /// trail rewound to an earlier head can be told from the one people saw.
    pub heads: Vec<ChainHead>,
}

impl VerifyReport {
    pub fn intact(&self) -> bool {
        self.broken.is_none() && self.drifted.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Drift {
    pub entity: String,
    pub entity_id: i64,
    /// The latest record of the row.
    pub chain: i64,
    pub seq: i64,
}

impl std::fmt::Display for Drift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} does not match its latest audit record (chain {}, record {})",
            self.entity, self.entity_id, self.chain, self.seq
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ChainHead {
    pub chain: i64,
    pub seq: i64,
    pub hash: String,
}

fn parse_json(s: &str) -> serde_json::Value {
    if s.is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_str(s).unwrap_or(serde_json::Value::Null)
    }
}

/// The records of one entity of a compound in `city_id` (the city keeps the read to the city's
/// partition of the trail on PostgreSQL).
fn history_records(city_id: i64, entity: &str, entity_id: i64) -> sea_orm::Select<audit::Entity> {
    audit::Entity::find()
        .filter(audit::Column::CityId.eq(city_id))
        .filter(audit::Column::Entity.eq(entity))
        .filter(audit::Column::EntityId.eq(entity_id))
}

impl Store {
    /// The history of one entity of a compound in `city_id`, newest first. The caller has
    /// checked that the actor may see it. The city keeps the read to the city's partition of
    /// the trail on PostgreSQL.
    pub(crate) async fn history_of(
        &self,
        city_id: i64,
        entity: &str,
        entity_id: i64,
        page: PageRequest,
    ) -> ServiceResult<Paged<AuditEntry>> {
        let items = self
            .fetch(self.history_read(city_id, entity, entity_id, page), |r| {
                Ok(AuditEntry {
                    seq: r.int(0)?,
                    actor_id: r.opt_int(1)?,
                    at: r.text(2)?,
                    action: r.text(3)?,
                    entity: r.text(4)?,
                    entity_id: r.int(5)?,
                    before: parse_json(&r.text(6)?),
                    after: parse_json(&r.text(7)?),
                    actor_name: r.opt_text(8)?,
                })
            })
            .await?;
        // A first page that is not full is the whole history: no need to count it.
        let total = if page.page() == 1 && (items.len() as u64) < page.size() {
            items.len() as u64
        } else {
            history_records(city_id, entity, entity_id)
                .count(self.read())
                .await?
        };
        Ok(Paged::new(items, total, page))
    }

    /// [`Store::history_of`]'s read of one page, with each record's actor's name.
    pub(crate) fn history_read(
        &self,
        city_id: i64,
        entity: &str,
        entity_id: i64,
        page: PageRequest,
    ) -> sea_orm::Statement {
        let rel: sea_orm::RelationDef = audit::Entity::belongs_to(account::Entity)
            .from(audit::Column::ActorId)
            .to(account::Column::Id)
            .into();
        let listed = history_records(city_id, entity, entity_id)
            .select_only()
            .columns([
                audit::Column::Seq,
                audit::Column::ActorId,
                audit::Column::At,
                audit::Column::Action,
                audit::Column::Entity,
                audit::Column::EntityId,
                audit::Column::Before,
                audit::Column::After,
            ])
            .column_as(account::Column::DisplayName, "actor_name")
            .join(sea_orm::JoinType::LeftJoin, rel)
            .order_by_desc(audit::Column::Id)
            .offset(page.offset())
            .limit(page.size());
        self.built(&listed)
    }

    /// Walks every chain in order and reports the first broken link. Reads in batches so a
    /// trail of millions of records verifies in bounded memory.
    pub async fn verify_audit(&self) -> anyhow::Result<VerifyReport> {
        // Each chain with its city, so that its records are read from its city's partition.
        let chains: Vec<(i64, i64)> = audit::Entity::find()
            .select_only()
            .column(audit::Column::Chain)
            .column(audit::Column::CityId)
            .distinct()
            .order_by_asc(audit::Column::Chain)
            .order_by_asc(audit::Column::CityId)
            .into_tuple()
            .all(self.read())
            .await?;
        let mut records = 0u64;
        for (chain, city_id) in &chains {
            let mut verifier = ChainVerifier::new(*chain);
            let mut after_seq = 0i64;
            loop {
                let batch = audit::Entity::find()
                    .filter(audit::Column::CityId.eq(*city_id))
                    .filter(audit::Column::Chain.eq(*chain))
                    .filter(audit::Column::Seq.gt(after_seq))
                    .order_by_asc(audit::Column::Seq)
                    .limit(2000)
                    .all(self.read())
                    .await?;
                if batch.is_empty() {
                    break;
                }
                for r in &batch {
                    let content = AuditContent {
                        chain: r.chain,
                        seq: r.seq,
                        at: &r.at,
                        actor: r.actor_id,
                        action: &r.action,
                        entity: &r.entity,
                        entity_id: r.entity_id,
                        before: &r.before,
                        after: &r.after,
                        state: &r.state_hash,
                    };
                    if let Err(broken) = verifier.check(&content, &r.prev_hash, &r.hash) {
                        return Ok(VerifyReport {
                            chains: chains.len() as u64,
                            records,
                            broken: Some(describe(&broken, r.id)),
                            drifted: Vec::new(),
                            heads: Vec::new(),
                        });
                    }
                    records += 1;
                    after_seq = r.seq;
                }
            }
            // A head that claims more records than exist means the newest ones were removed.
            if let Some(head) = audit_head::Entity::find_by_id(*chain)
                .one(self.read())
                .await?
                && (head.seq != verifier.verified()
                    || (head.seq > 0 && head.hash != last_hash(self, *city_id, *chain).await?))
            {
                let broken = BrokenLink::Gap {
                    chain: *chain,
                    expected: verifier.verified() + 1,
                    found: head.seq,
                };
                return Ok(VerifyReport {
                    chains: chains.len() as u64,
                    records,
                    broken: Some(broken.to_string()),
                    drifted: Vec::new(),
                    heads: Vec::new(),
                });
            }
        }
        let drifted = self.drifted_rows().await?;
        let heads = self.chain_heads().await?;
        Ok(VerifyReport {
            chains: chains.len() as u64,
            records,
            broken: None,
            drifted,
            heads,
        })
    }

    /// The head of every chain.
    pub async fn chain_heads(&self) -> ServiceResult<Vec<ChainHead>> {
        Ok(audit_head::Entity::find()
            .order_by_asc(audit_head::Column::Chain)
            .all(self.read())
            .await?
            .into_iter()
            .map(|h| ChainHead {
                chain: h.chain,
                seq: h.seq,
                hash: h.hash,
            })
            .collect())
    }

    /// The head of one compound's chain, for a printed notice.
    pub async fn chain_head(&self, chain: i64) -> ServiceResult<Option<ChainHead>> {
        Ok(audit_head::Entity::find_by_id(chain)
            .one(self.read())
            .await?
            .map(|h| ChainHead {
                chain: h.chain,
                seq: h.seq,
                hash: h.hash,
            }))
    }

    /// Every kept row whose current state differs from the state its latest record describes.
    async fn drifted_rows(&self) -> anyhow::Result<Vec<Drift>> {
        use sea_orm::Statement;
        let db = self.read();
        let backend = db.get_database_backend();
        let p = if backend == sea_orm::DbBackend::Postgres {
            "$1"
        } else {
            "?"
        };
        let mut out = Vec::new();
        for entity in state::kept_entities() {
            // The latest record of each row; rows whose latest record keeps no state (written
            // before states were kept) are not checked.
            let sql = format!(
                "SELECT a.entity_id, a.chain, a.seq, a.state_hash FROM audit a \
                 JOIN (SELECT entity_id, MAX(id) AS id FROM audit WHERE entity = {p} GROUP BY entity_id) m ON a.id = m.id \
                 WHERE a.state_hash <> '' ORDER BY a.entity_id"
            );
            let rows = db
                .query_all_raw(Statement::from_sql_and_values(
                    backend,
                    sql,
                    [entity.into()],
                ))
                .await?;
            let mut recorded = Vec::with_capacity(rows.len());
            for r in rows {
                let (id, chain, seq, hash): (i64, i64, i64, String) = (
                    r.try_get("", "entity_id")?,
                    r.try_get("", "chain")?,
                    r.try_get("", "seq")?,
                    r.try_get("", "state_hash")?,
                );
                recorded.push((id, chain, seq, hash));
            }
            for part in recorded.chunks(2000) {
                let ids: Vec<i64> = part.iter().map(|r| r.0).collect();
                let now = state::current(db, entity, &ids).await?;
                for (id, chain, seq, hash) in part {
                    if now.get(id) != Some(hash) {
                        out.push(Drift {
                            entity: entity.to_string(),
                            entity_id: *id,
                            chain: *chain,
                            seq: *seq,
                        });
                    }
                }
            }
        }
        Ok(out)
    }
}

async fn last_hash(store: &Store, city_id: i64, chain: i64) -> anyhow::Result<String> {
    Ok(audit::Entity::find()
        .filter(audit::Column::CityId.eq(city_id))
        .filter(audit::Column::Chain.eq(chain))
        .order_by_desc(audit::Column::Seq)
        .one(store.read())
        .await?
        .map(|r| r.hash)
        .unwrap_or_default())
}

fn describe(broken: &BrokenLink, row_id: i64) -> String {
    format!("{broken} (audit row id {row_id})")
}

/// The audit table's columns as [`record_batch`] writes them.
const RECORD_COLUMNS: &[(&str, Ty)] = &[
    ("chain", Ty::BigInt),
    ("seq", Ty::BigInt),
    ("at", Ty::Text),
    ("actor_id", Ty::BigInt),
    ("action", Ty::Text),
    ("entity", Ty::Text),
    ("entity_id", Ty::BigInt),
    ("before", Ty::Text),
    ("after", Ty::Text),
    ("prev_hash", Ty::Text),
    ("hash", Ty::Text),
    ("state_hash", Ty::Text),
    ("city_id", Ty::BigInt),
];

/// Appends many records to one chain at once, for bulk writes such as a roster import: the
/// head is locked once, the links are computed in order, and the rows are inserted in
/// chunks ([`crate::bulk`]). The chain is the same as if each change had been recorded on its
/// own; a large write may call this once per chunk of its changes, in order, to keep only a
/// chunk of records in memory.
///
/// `known` holds, for as many changes as the caller can tell, the state of the changed row
/// (its [`state`] hash after the change): a row the caller has just inserted need not be read
/// back. The others are read from the database.
pub async fn record_batch<C: ConnectionTrait, J: Json>(
    db: &C,
    chain: i64,
    changes: Vec<Change<'_, J>>,
    known: Vec<Option<String>>,
) -> ServiceResult<()> {
    if changes.is_empty() {
        return Ok(());
    }
    let head = lock_head(db, chain, 0).await?;
    let at = stamp(changes[0].at)?;
    // The summaries each change asks for, refreshed once after the records are written.
    let mut summaries: Vec<(&str, i64)> = changes
        .iter()
        .filter(|c| crate::summary::SUMMARISED.contains(&c.entity))
        .map(|c| (c.entity, c.entity_id))
        .collect();
    summaries.sort_unstable();
    summaries.dedup();
    let mut states = std::collections::BTreeMap::new();
    for entity in state::kept_entities() {
        let ids: Vec<i64> = changes
            .iter()
            .enumerate()
            .filter(|(i, c)| c.entity == entity && known.get(*i).is_none_or(Option::is_none))
            .map(|(_, c)| c.entity_id)
            .collect();
        if !ids.is_empty() {
            states.insert(entity, state::current(db, entity, &ids).await?);
        }
    }
    let (mut seq, mut prev) = (head.seq, head.hash);
    let mut rows = Bulk::new(db.get_database_backend(), "audit", RECORD_COLUMNS);
    let mut known = known.into_iter();
    for change in changes {
        seq += 1;
        let before = change.before.map(Json::into_text).unwrap_or_default();
        let after = change.after.map(Json::into_text).unwrap_or_default();
        let row_state = match known.next().flatten() {
            Some(s) if state::is_kept(change.entity) => s,
            _ => states
                .get(change.entity)
                .and_then(|m| m.get(&change.entity_id))
                .cloned()
                .unwrap_or_default(),
        };
        let content = AuditContent {
            chain,
            seq,
            at: &at,
            actor: change.actor,
            action: change.action,
            entity: change.entity,
            entity_id: change.entity_id,
            before: &before,
            after: &after,
            state: &row_state,
        };
        let hash = link_hash(&prev, &content);
        let row = vec![
            chain.into(),
            seq.into(),
            at.clone().into(),
            change.actor.into(),
            change.action.into(),
            change.entity.into(),
            change.entity_id.into(),
            before.into(),
            after.into(),
            std::mem::replace(&mut prev, hash.clone()).into(),
            hash.into(),
            row_state.into(),
            head.city_id.into(),
        ];
        rows.push(db, row).await?;
    }
    rows.finish(db).await?;
    audit_head::Entity::update_many()
        .col_expr(audit_head::Column::Seq, Expr::value(seq))
        .col_expr(audit_head::Column::Hash, Expr::value(prev))
        .filter(audit_head::Column::Chain.eq(chain))
        .exec(db)
        .await?;
    for (entity, id) in summaries {
        crate::summary::after_change(db, chain, entity, id).await?;
    }
    Ok(())
}
