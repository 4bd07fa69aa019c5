//! API tokens: made by their account, listed and revoked by it, and expiring.
//!
//! A token is shown once when made and stored only as its SHA-256 hash. It lasts
//! `Limits::token_days` (90 days unless `serve` is told otherwise); a revoked or expired token
//! authenticates no one. Its last use is written at most once an hour, so scripts that call
//! the API often do not turn every read into a write.

use crate::Store;
use crate::accounts::{Actor, hash_secret, random_hex};
use crate::audit::{Change, GLOBAL_CHAIN};
use crate::entity::api_token;
use crate::error::{ServiceError, ServiceResult};
use linli_domain::FieldError;
use linli_domain::registry::Text;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

/// How stale `last_used_at` may get before a use writes it again.
const LAST_USED_PRECISION: i64 = 3600;

/// A token as its owner sees it in the list (never the secret).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TokenView {
    pub id: i64,
    pub name: String,
    pub created_at: i64,
    pub expires_at: i64,
    /// To the hour.
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
    /// Neither revoked nor expired.
    pub active: bool,
}

/// A token just made: the secret, shown this once.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NewToken {
    pub id: i64,
    pub token: String,
    pub expires_at: i64,
}

impl Store {
    /// Makes an API token for scripts, acting as the account that asks for it. An account may
    /// make `Limits::tokens_per_hour` an hour.
    pub async fn create_api_token(&self, actor: &Actor, name: &str) -> ServiceResult<NewToken> {
        let name = Text::parse(name, 60).map_err(|e| FieldError::new("name", e))?;
        let t = self.now();
        let l = *self.limits();
        self.count_attempt(&format!("tokens:{}", actor.account_id), 3600)
            .await?
            .within(l.tokens_per_hour, 3600, t)?;
        let token = format!("linli_{}", random_hex(24));
        let expires_at = t + l.token_days * 86_400;
        let txn = self.begin_write().await?;
        let id = api_token::Entity::insert(api_token::ActiveModel {
            account_id: Set(actor.account_id),
            name: Set(name.as_str().to_string()),
            token_hash: Set(hash_secret(&token)),
            created_at: Set(t),
            expires_at: Set(expires_at),
            last_used_at: Set(None),
            revoked_at: Set(None),
            ..Default::default()
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        let after = serde_json::json!({
            "name": name.as_str(), "account_id": actor.account_id, "expires_at": expires_at,
        });
        Change::by(actor, GLOBAL_CHAIN, "api_token.create", "api_token", id)
            .after(after)
            .record(&txn)
            .await?;
        txn.commit().await?;
        Ok(NewToken {
            id,
            token,
            expires_at,
        })
    }

    /// The actor's own tokens, newest first, revoked and expired ones included (marked).
    pub async fn api_tokens(&self, actor: &Actor) -> ServiceResult<Vec<TokenView>> {
        let t = self.now();
        Ok(api_token::Entity::find()
            .filter(api_token::Column::AccountId.eq(actor.account_id))
            .order_by_desc(api_token::Column::Id)
            .all(self.read())
            .await?
            .into_iter()
            .map(|r| TokenView {
                id: r.id,
                active: r.revoked_at.is_none() && r.expires_at >= t,
                name: r.name,
                created_at: r.created_at,
                expires_at: r.expires_at,
                last_used_at: r.last_used_at,
                revoked_at: r.revoked_at,
            })
            .collect())
    }

    /// Revokes one of the actor's own tokens; another account's token is "not found".
    pub async fn revoke_api_token(&self, actor: &Actor, id: i64) -> ServiceResult<()> {
        let row = api_token::Entity::find_by_id(id)
            .one(self.read())
            .await?
            .filter(|r| r.account_id == actor.account_id)
            .ok_or(ServiceError::NotFound { entity: "token" })?;
        if row.revoked_at.is_some() {
            return Ok(());
        }
        let t = self.now();
        let txn = self.begin_write().await?;
        api_token::Entity::update_many()
            .col_expr(api_token::Column::RevokedAt, Expr::value(t))
            .filter(api_token::Column::Id.eq(id))
            .filter(api_token::Column::RevokedAt.is_null())
            .exec(&txn)
            .await?;
        Change::by(actor, GLOBAL_CHAIN, "api_token.revoke", "api_token", id)
            .before(serde_json::json!({"name": row.name}))
            .after(serde_json::json!({"revoked_at": t}))
            .record(&txn)
            .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Revokes the token a request was made with (signing a script out).
    pub async fn revoke_token_secret(&self, actor: &Actor, token: &str) -> ServiceResult<()> {
        let id = api_token::Entity::find()
            .filter(api_token::Column::TokenHash.eq(hash_secret(token)))
            .one(self.read())
            .await?
            .filter(|r| r.account_id == actor.account_id)
            .map(|r| r.id)
            .ok_or(ServiceError::NotFound { entity: "token" })?;
        self.revoke_api_token(actor, id).await
    }

    /// The actor behind an API token that is neither revoked nor expired, with the count of
    /// their unread messages when `unread` (0 otherwise).
    pub async fn token_actor(
        &self,
        token: &str,
        unread: bool,
    ) -> ServiceResult<Option<(Actor, u64)>> {
        let t = self.now();
        let hash = hash_secret(token);
        let found = self
            .actor_behind(
                "api_token s ON s.account_id = a.id AND s.revoked_at IS NULL",
                "s.token_hash",
                "s.last_used_at",
                hash.clone(),
                t,
                unread,
            )
            .await?;
        let Some((actor, last_used, unread)) = found else {
            return Ok(None);
        };
        if last_used.is_none_or(|u| u + LAST_USED_PRECISION <= t) {
            // The same test in the statement: when the stamp falls due, every request then in
            // flight with the token read the old one, and without it each would rewrite the row
            // (on PostgreSQL, one after another behind its row lock); with it only the first
            // changes the row and the others find nothing left to do.
            api_token::Entity::update_many()
                .col_expr(api_token::Column::LastUsedAt, Expr::value(t))
                .filter(api_token::Column::TokenHash.eq(hash))
                .filter(
                    sea_orm::Condition::any()
                        .add(api_token::Column::LastUsedAt.is_null())
                        .add(api_token::Column::LastUsedAt.lte(t - LAST_USED_PRECISION)),
                )
                .exec(self.write())
                .await?;
        }
        Ok(Some((actor, unread)))
    }
}
