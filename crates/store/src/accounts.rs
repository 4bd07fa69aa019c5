//! Accounts, sessions, API tokens, the login rate limit, role grants and invite codes.
//!
//! All of it lives in the database: a session or a rate-limit counter written by one server
//! process is seen by the next request wherever it lands. Secrets (session ids, API tokens)
//! are stored only as SHA-256 hashes, passwords only as Argon2id hashes.

use crate::audit::{self, Change, GLOBAL_CHAIN};
use crate::entity::{account, api_token, compound, household, invite, login_attempt, role_grant, session};
use crate::error::{ServiceError, ServiceResult};
use crate::{Store, now, paths};
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use linli_domain::authz::{Action, Grant, Role, allowed};
use linli_domain::place::{NodeKind, Path};
use linli_domain::registry::{Phone, Text};
use linli_domain::{FieldError, Invalid};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// How long a session lasts without signing in again.
pub const SESSION_SECONDS: i64 = 14 * 24 * 3600;
/// Failed logins allowed per login name and window before further attempts are refused.
pub const LOGIN_FAILURES_ALLOWED: i32 = 10;
pub const LOGIN_WINDOW_SECONDS: i64 = 15 * 60;
/// How long an invite code stays valid.
pub const INVITE_SECONDS: i64 = 60 * 24 * 3600;

/// The person making a request, with every role they hold.
#[derive(Debug, Clone, Serialize)]
pub struct Actor {
    pub account_id: i64,
    pub name: String,
    pub grants: Vec<Grant>,
}

impl Actor {
    pub fn can(&self, action: Action, at: &Path) -> bool {
        allowed(&self.grants, action, at)
    }

    /// The single gate of every service method.
    pub fn require(&self, action: Action, at: &Path) -> ServiceResult<()> {
        if self.can(action, at) { Ok(()) } else { Err(ServiceError::Forbidden) }
    }

    /// The roles, for showing "who am I" on pages.
    pub fn roles(&self) -> impl Iterator<Item = Role> + '_ {
        self.grants.iter().map(|g| g.role)
    }
}

pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

pub(crate) fn random_hex(bytes: usize) -> String {
    let mut v = vec![0u8; bytes];
    for b in v.iter_mut() {
        *b = rand::random();
    }
    hex::encode(v)
}

pub fn hash_password(password: &str) -> ServiceResult<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| ServiceError::Internal(anyhow::anyhow!("hashing password: {e}")))
}

fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).map(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok()).unwrap_or(false)
}

/// A new session: the cookie value (only the caller ever sees it) and the account.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token: String,
    pub account_id: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IssuedInvite {
    pub code: String,
    pub household_id: i64,
    pub role: String,
    pub expires_at: i64,
}

/// Letters and digits that cannot be mistaken for one another when read aloud or off paper.
const INVITE_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

impl Store {
    async fn find_account_by_login(&self, login: &str) -> ServiceResult<Option<account::Model>> {
        let login = login.trim();
        // No login has control characters (names are checked when made), and PostgreSQL
        // refuses a NUL in a query parameter: such a login matches no one.
        if login.chars().any(char::is_control) {
            return Ok(None);
        }
        if let Some(a) = account::Entity::find().filter(account::Column::Username.eq(login)).one(self.read()).await? {
            return Ok(Some(a));
        }
        match Phone::parse(login) {
            Ok(phone) => Ok(account::Entity::find().filter(account::Column::Phone.eq(phone.as_str())).one(self.read()).await?),
            Err(_) => Ok(None),
        }
    }

    /// Checks a login (username or phone) and password, counting failures per login name.
    pub async fn authenticate(&self, login: &str, password: &str) -> ServiceResult<account::Model> {
        let key = format!("login:{}", login.trim().to_lowercase());
        let key: String = key.chars().filter(|c| !c.is_control()).take(100).collect();
        let t = now();
        if let Some(a) = login_attempt::Entity::find_by_id(key.clone()).one(self.read()).await? {
            let window_left = a.window_start + LOGIN_WINDOW_SECONDS - t;
            if window_left > 0 && a.count >= LOGIN_FAILURES_ALLOWED {
                return Err(ServiceError::RateLimited { retry_after: window_left });
            }
        }
        let found = self.find_account_by_login(login).await?;
        let ok = match &found {
            Some(a) if !a.disabled => verify_password(password, &a.password_hash),
            // Spend the same time on unknown logins so they cannot be told apart.
            _ => {
                let _ = verify_password(password, "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG");
                false
            }
        };
        match (ok, found) {
            (true, Some(a)) => {
                login_attempt::Entity::delete_by_id(key).exec(self.write()).await?;
                Ok(a)
            }
            _ => {
                // Built from expressions rather than SQL text: placeholders differ between
                // SQLite (`?`) and PostgreSQL (`$1`), and a custom string fits only one of them.
                let existing = |c: login_attempt::Column| Expr::col((login_attempt::Entity, c));
                let window_over = || existing(login_attempt::Column::WindowStart).lt(t - LOGIN_WINDOW_SECONDS);
                login_attempt::Entity::insert(login_attempt::ActiveModel { key: Set(key.clone()), window_start: Set(t), count: Set(1) })
                    .on_conflict(
                        OnConflict::column(login_attempt::Column::Key)
                            .value(
                                login_attempt::Column::Count,
                                Expr::case(window_over(), 1).finally(existing(login_attempt::Column::Count).add(1)),
                            )
                            .value(
                                login_attempt::Column::WindowStart,
                                Expr::case(window_over(), t).finally(existing(login_attempt::Column::WindowStart)),
                            )
                            .to_owned(),
                    )
                    .exec_without_returning(self.write())
                    .await?;
                Err(ServiceError::BadCredentials)
            }
        }
    }

    /// Signs in and opens a session stored in the database.
    pub async fn login(&self, login: &str, password: &str) -> ServiceResult<NewSession> {
        let account = self.authenticate(login, password).await?;
        let token = random_hex(32);
        let t = now();
        session::Entity::insert(session::ActiveModel {
            id: Set(hash_secret(&token)),
            account_id: Set(account.id),
            created_at: Set(t),
            expires_at: Set(t + SESSION_SECONDS),
        })
        .exec_without_returning(self.write())
        .await?;
        Ok(NewSession { token, account_id: account.id })
    }

    pub async fn logout(&self, token: &str) -> ServiceResult<()> {
        session::Entity::delete_by_id(hash_secret(token)).exec(self.write()).await?;
        Ok(())
    }

    /// The actor behind a session cookie, if the session is live.
    pub async fn session_actor(&self, token: &str) -> ServiceResult<Option<Actor>> {
        self.actor_behind("session s ON s.account_id = a.id", "s.id", hash_secret(token), Some(now())).await
    }

    /// The actor behind an API token.
    pub async fn token_actor(&self, token: &str) -> ServiceResult<Option<Actor>> {
        self.actor_behind("api_token s ON s.account_id = a.id", "s.token_hash", hash_secret(token), None).await
    }

    /// The account behind a credential with all its grants, in ONE query: this runs on every
    /// request, and on SQLite each query costs more than the rest of a small page.
    /// `join` and `key` are fixed strings of this module, never user input.
    async fn actor_behind(&self, join: &str, key: &str, hash: String, live_at: Option<i64>) -> ServiceResult<Option<Actor>> {
        use sea_orm::{ConnectionTrait, Statement};
        let pg = self.backend() == crate::Backend::Postgres;
        let p = |n: usize| if pg { format!("${n}") } else { "?".to_string() };
        let mut sql = format!(
            "SELECT a.id, a.display_name, a.disabled, g.role, g.path FROM account a JOIN {join} \
             LEFT JOIN role_grant g ON g.account_id = a.id WHERE {key} = {}",
            p(1)
        );
        let mut values: Vec<sea_orm::Value> = vec![hash.into()];
        if let Some(t) = live_at {
            sql.push_str(&format!(" AND s.expires_at >= {}", p(2)));
            values.push(t.into());
        }
        let rows = self.read().query_all_raw(Statement::from_sql_and_values(self.read().get_database_backend(), sql, values)).await?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        if first.try_get::<bool>("", "disabled")? {
            return Ok(None);
        }
        let account_id: i64 = first.try_get("", "id")?;
        let name: String = first.try_get("", "display_name")?;
        let mut grants = Vec::new();
        for r in &rows {
            let (role, path): (Option<String>, Option<String>) = (r.try_get("", "role")?, r.try_get("", "path")?);
            if let (Some(role), Some(path)) = (role.as_deref().and_then(Role::parse), path.and_then(|p| p.parse().ok())) {
                grants.push(Grant { role, at: path });
            }
        }
        Ok(Some(Actor { account_id, name, grants }))
    }

    /// Loads an account with its grants; `None` when missing or disabled.
    pub async fn actor(&self, account_id: i64) -> ServiceResult<Option<Actor>> {
        let Some(a) = account::Entity::find_by_id(account_id).one(self.read()).await? else {
            return Ok(None);
        };
        if a.disabled {
            return Ok(None);
        }
        let grants = role_grant::Entity::find()
            .filter(role_grant::Column::AccountId.eq(account_id))
            .all(self.read())
            .await?
            .into_iter()
            .filter_map(|g| Some(Grant { role: Role::parse(&g.role)?, at: g.path.parse().ok()? }))
            .collect();
        Ok(Some(Actor { account_id, name: a.display_name, grants }))
    }

    /// Creates an API token for scripts, acting as the account that asks for it.
    pub async fn create_api_token(&self, actor: &Actor, name: &str) -> ServiceResult<String> {
        let name = Text::parse(name, 60).map_err(|e| FieldError::new("name", e))?;
        let token = format!("linli_{}", random_hex(24));
        let txn = self.begin_write().await?;
        let row = api_token::Entity::insert(api_token::ActiveModel {
            account_id: Set(actor.account_id),
            name: Set(name.as_str().to_string()),
            token_hash: Set(hash_secret(&token)),
            created_at: Set(now()),
            ..Default::default()
        })
        .exec(&txn)
        .await?;
        audit::record(
            &txn,
            Change {
                chain: GLOBAL_CHAIN,
                actor: Some(actor.account_id),
                action: "api_token.create",
                entity: "api_token",
                entity_id: row.last_insert_id,
                before: None,
                after: Some(serde_json::json!({"name": name.as_str(), "account_id": actor.account_id})),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(token)
    }

    /// Creates an account (CLI, demo and invite claims). The password is hashed here.
    pub async fn create_account(&self, username: &str, phone: Option<&str>, display_name: &str, password: &str) -> ServiceResult<i64> {
        let mut errors = Vec::new();
        let username = Text::parse(username, 40).map_err(|e| errors.push(FieldError::new("login", e))).ok();
        let display = Text::parse(display_name, 40).map_err(|e| errors.push(FieldError::new("person_name", e))).ok();
        let phone = match phone.filter(|p| !p.trim().is_empty()) {
            Some(p) => Phone::parse(p).map_err(|e| errors.push(FieldError::new("phone", e))).ok(),
            None => None,
        };
        if password.chars().count() < 8 {
            errors.push(FieldError::new("password", Invalid::OutOfRange { min: 8, max: 128 }));
        }
        let (Some(username), Some(display), true) = (username, display, errors.is_empty()) else {
            return Err(ServiceError::Invalid(errors));
        };
        if self.find_account_by_login(username.as_str()).await?.is_some() {
            return Err(ServiceError::invalid("login", Invalid::Taken));
        }
        if let Some(p) = &phone
            && self.find_account_by_login(p.as_str()).await?.is_some()
        {
            return Err(ServiceError::invalid("phone", Invalid::Taken));
        }
        let hash = hash_password(password)?;
        let txn = self.begin_write().await?;
        let id = account::Entity::insert(account::ActiveModel {
            username: Set(username.as_str().to_string()),
            phone: Set(phone.as_ref().map(|p| p.as_str().to_string())),
            password_hash: Set(hash),
            display_name: Set(display.as_str().to_string()),
            person_id: Set(None),
            disabled: Set(false),
            created_at: Set(now()),
            ..Default::default()
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        audit::record(
            &txn,
            Change {
                chain: GLOBAL_CHAIN,
                actor: None,
                action: "account.create",
                entity: "account",
                entity_id: id,
                before: None,
                after: Some(serde_json::json!({"username": username.as_str(), "display_name": display.as_str()})),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(id)
    }

    /// Grants a role over a place. `granted_by` is `None` for the CLI and the demo loader,
    /// which act as the operator of the installation.
    pub async fn grant_role(&self, granted_by: Option<&Actor>, account_id: i64, role: Role, at: &Path) -> ServiceResult<()> {
        let node = at.target().ok_or(ServiceError::NotFound { entity: "region" })?;
        if !role.may_sit_on(node.kind) {
            return Err(ServiceError::invalid("kind", Invalid::BadChoice));
        }
        if let Some(by) = granted_by {
            by.require(Action::GrantRole, at)?;
        }
        let txn = self.begin_write().await?;
        let id = role_grant::Entity::insert(role_grant::ActiveModel {
            account_id: Set(account_id),
            role: Set(role.as_str().to_string()),
            node_kind: Set(node.kind.as_str().to_string()),
            node_id: Set(node.id),
            path: Set(at.to_string()),
            created_at: Set(now()),
            ..Default::default()
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        audit::record(
            &txn,
            Change {
                chain: at.compound_id().unwrap_or(GLOBAL_CHAIN),
                actor: granted_by.map(|a| a.account_id),
                action: "role.grant",
                entity: "role_grant",
                entity_id: id,
                before: None,
                after: Some(serde_json::json!({"account_id": account_id, "role": role.as_str(), "at": at.to_string()})),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Display names of accounts, for showing who made a change.
    pub async fn account_names(&self, ids: impl Iterator<Item = i64>) -> ServiceResult<HashMap<i64, String>> {
        let mut ids: Vec<i64> = ids.collect();
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        Ok(account::Entity::find()
            .filter(account::Column::Id.is_in(ids))
            .all(self.read())
            .await?
            .into_iter()
            .map(|a| (a.id, a.display_name))
            .collect())
    }

    /// Issues a printable invite code with which a resident claims their household.
    pub async fn issue_invite(&self, actor: &Actor, household_id: i64, role: Role) -> ServiceResult<IssuedInvite> {
        if !matches!(role, Role::Owner | Role::Resident) {
            return Err(ServiceError::invalid("kind", Invalid::BadChoice));
        }
        let (c, h) = self.household_with_compound(household_id).await?;
        let at = paths::household_path(&c, &h);
        actor.require(Action::IssueInvite, &at)?;
        let code: String = (0..8).map(|_| INVITE_ALPHABET[rand::random::<u32>() as usize % INVITE_ALPHABET.len()] as char).collect();
        let t = now();
        let txn = self.begin_write().await?;
        invite::Entity::insert(invite::ActiveModel {
            code: Set(code.clone()),
            household_id: Set(household_id),
            role: Set(role.as_str().to_string()),
            issued_by: Set(actor.account_id),
            created_at: Set(t),
            expires_at: Set(t + INVITE_SECONDS),
            used_by: Set(None),
            used_at: Set(None),
        })
        .exec_without_returning(&txn)
        .await?;
        audit::record(
            &txn,
            Change {
                chain: c.id,
                actor: Some(actor.account_id),
                action: "invite.issue",
                entity: "household",
                entity_id: household_id,
                before: None,
                after: Some(serde_json::json!({"role": role.as_str()})),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(IssuedInvite { code, household_id, role: role.as_str().to_string(), expires_at: t + INVITE_SECONDS })
    }

    /// Redeems an invite code: the account gets the owner or resident role on the household.
    pub async fn claim_invite(&self, account_id: i64, code: &str) -> ServiceResult<i64> {
        let code = normalise_code(code)?;
        let invite = invite::Entity::find_by_id(code.clone())
            .one(self.read())
            .await?
            .filter(|i| i.used_by.is_none() && i.expires_at > now())
            .ok_or_else(|| ServiceError::invalid("code", Invalid::BadChoice))?;
        let role = Role::parse(&invite.role).ok_or_else(|| ServiceError::invalid("code", Invalid::BadChoice))?;
        let (c, h) = self.household_with_compound(invite.household_id).await?;
        let at = paths::household_path(&c, &h);
        // Mark it used first: of two claims racing for one code, only one updates a row.
        let used = invite::Entity::update_many()
            .col_expr(invite::Column::UsedBy, Expr::value(account_id))
            .col_expr(invite::Column::UsedAt, Expr::value(now()))
            .filter(invite::Column::Code.eq(code))
            .filter(invite::Column::UsedBy.is_null())
            .exec(self.write())
            .await?;
        if used.rows_affected != 1 {
            return Err(ServiceError::invalid("code", Invalid::Taken));
        }
        self.grant_role(None, account_id, role, &at).await?;
        Ok(h.id)
    }

    pub(crate) async fn household_with_compound(&self, id: i64) -> ServiceResult<(compound::Model, household::Model)> {
        let h = household::Entity::find_by_id(id).one(self.read()).await?.ok_or(ServiceError::NotFound { entity: "household" })?;
        let c = compound::Entity::find_by_id(h.compound_id).one(self.read()).await?.ok_or(ServiceError::NotFound { entity: "compound" })?;
        Ok((c, h))
    }
}

/// An invite code as typed ("abcd-2345 ") in its stored form, or "no such code" when it
/// holds characters no code has (which also keeps a NUL away from PostgreSQL).
fn normalise_code(code: &str) -> ServiceResult<String> {
    let code = code.trim().to_uppercase().replace([' ', '-'], "");
    if code.is_empty() || code.len() > 32 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(ServiceError::invalid("code", Invalid::BadChoice));
    }
    Ok(code)
}

/// The node kind of the lowest place a grant sits on, for listing what an actor sees.
pub fn grant_kind(g: &Grant) -> Option<NodeKind> {
    g.at.target().map(|n| n.kind)
}

impl Store {
    /// Checks that an invite code can still be used, before anything is created for it.
    pub async fn check_invite(&self, code: &str) -> ServiceResult<()> {
        let code = normalise_code(code)?;
        invite::Entity::find_by_id(code)
            .one(self.read())
            .await?
            .filter(|i| i.used_by.is_none() && i.expires_at > now())
            .map(|_| ())
            .ok_or_else(|| ServiceError::invalid("code", Invalid::BadChoice))
    }
}
