//! Accounts, sign-in and sessions, password changes, role grants and invite codes (API tokens
//! are in `tokens`, the rate-limit counters in `limits`).
//!
//! All of it lives in the database: a session or a rate-limit counter written by one server
//! process is seen by the next request wherever it lands. Secrets (session ids, API tokens)
//! are stored only as SHA-256 hashes, passwords only as Argon2id hashes. A form's CSRF token
//! is derived from the session, so it changes with every sign-in and fits no other session.

use crate::audit::{self, Change, GLOBAL_CHAIN};
use crate::entity::{
    account, api_token, invite, ownership, person, residency, role_grant, session,
};
use crate::error::{ServiceError, ServiceResult};
use crate::limits::address_key;
use crate::{Store, paths};
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use linli_domain::account::{NewPassword, login_key};
use linli_domain::authz::{Action, Grant, Role, allowed};
use linli_domain::place::{NodeKind, Path};
use linli_domain::registry::{Phone, Text};
use linli_domain::{FieldError, Invalid};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::net::IpAddr;

/// How long a session lasts without signing in again.
pub const SESSION_SECONDS: i64 = 14 * 24 * 3600;
/// How long an invite code stays valid.
pub const INVITE_SECONDS: i64 = 60 * 24 * 3600;

/// The person making a request, with every role they hold.
#[derive(Debug, Clone, Serialize)]
pub struct Actor {
    pub account_id: i64,
    pub name: String,
    pub grants: Vec<Grant>,
    /// When this actor was signed in for the request, in Unix seconds on the store's clock:
    /// the time the audit records of what they do carry.
    pub at: i64,
}

impl Actor {
    pub fn can(&self, action: Action, at: &Path) -> bool {
        allowed(&self.grants, action, at)
    }

    /// The single gate of every service method.
    pub fn require(&self, action: Action, at: &Path) -> ServiceResult<()> {
        if self.can(action, at) {
            Ok(())
        } else {
            Err(ServiceError::Forbidden)
        }
    }

    /// The roles, for showing "who am I" on pages.
    pub fn roles(&self) -> impl Iterator<Item = Role> + '_ {
        self.grants.iter().map(|g| g.role)
    }
}

pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// The CSRF token of the forms of a session: derived from the session's secret, which only
/// that browser holds (an HttpOnly cookie), so another site cannot know it, a cookie planted
/// by someone else does not fit it, and signing in anew gives a new one.
pub fn session_csrf(session_token: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"linli csrf\0");
    h.update(session_token.as_bytes());
    hex::encode(&h.finalize()[..16])
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

pub(crate) fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// The credential a request came with, which a password change leaves working.
#[derive(Debug, Clone, Copy)]
pub enum Credential<'a> {
    Session(&'a str),
    Token(&'a str),
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
    pub role: Role,
    pub expires_at: i64,
    /// The owner or resident it was issued for, and their name: the claiming account is them.
    pub person_id: Option<i64>,
    pub person_name: Option<String>,
}

/// Letters and digits that cannot be mistaken for one another when read aloud or off paper.
const INVITE_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// One row of the credential lookup: the account, one of its grants (none when it has none),
/// the credential's extra column, when the account last wrote and its unread messages.
struct CredentialRow {
    account_id: i64,
    name: String,
    disabled: bool,
    role: Option<String>,
    path: Option<String>,
    extra: Option<i64>,
    wrote_at: Option<i64>,
    unread: Option<i64>,
}

impl CredentialRow {
    fn map(r: &dyn crate::sync_read::Cells) -> Result<CredentialRow, sea_orm::DbErr> {
        Ok(CredentialRow {
            account_id: r.int(0)?,
            name: r.text(1)?,
            disabled: r.flag(2)?,
            role: r.opt_text(3)?,
            path: r.opt_text(4)?,
            extra: r.opt_int(5)?,
            wrote_at: r.opt_int(6)?,
            unread: r.opt_int(7)?,
        })
    }
}

impl Store {
    /// The account a typed login names: its username in any case, or its phone however the
    /// number is written.
    async fn find_account_by_login(&self, login: &str) -> ServiceResult<Option<account::Model>> {
        let login = login.trim();
        // No login has control characters (names are checked when made), and PostgreSQL
        // refuses a NUL in a query parameter: such a login matches no one.
        if login.is_empty() || login.chars().any(char::is_control) {
            return Ok(None);
        }
        let db = self.read();
        if let Some(a) = account::Entity::find()
            .filter(account::Column::Username.eq(login))
            .one(db)
            .await?
        {
            return Ok(Some(a));
        }
        let lower =
            Expr::expr(Func::lower(Expr::col(account::Column::Username))).eq(login.to_lowercase());
        if let Some(a) = account::Entity::find().filter(lower).one(db).await? {
            return Ok(Some(a));
        }
        match Phone::parse(login) {
            Ok(phone) => Ok(account::Entity::find()
                .filter(account::Column::Phone.eq(phone.as_str()))
                .one(db)
                .await?),
            Err(_) => Ok(None),
        }
    }

    /// Checks a login (username or phone) and password under the rate limits of `limits`:
    /// per client address, and per account, counted before the password is looked at. A locked
    /// account is not closed to its owner: each address gets one try per delay, and the right
    /// password then gets in (and clears the count).
    pub async fn authenticate(
        &self,
        login: &str,
        password: &str,
        client: Option<IpAddr>,
    ) -> ServiceResult<account::Model> {
        let found = self.find_account_by_login(login).await?;
        let key = match &found {
            Some(a) => format!("account:{}", a.id),
            None => format!("login:{}", login_key(login)),
        };
        self.guard_password_try(&key, client).await?;
        let ok = match &found {
            Some(a) if !a.disabled => verify_password(password, &a.password_hash),
            // Spend the same time on unknown logins so they cannot be told apart.
            _ => {
                let _ = verify_password(
                    password,
                    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
                );
                false
            }
        };
        match (ok, found) {
            (true, Some(a)) => {
                self.settle_password_try(&key, client).await?;
                Ok(a)
            }
            _ => Err(ServiceError::BadCredentials),
        }
    }

    /// Counts a password try on `key` (an account) and on the client's address, and refuses it
    /// when either is over its limit; see [`Store::authenticate`].
    async fn guard_password_try(&self, key: &str, client: Option<IpAddr>) -> ServiceResult<()> {
        let l = *self.limits();
        let t = self.now();
        if let Some(ip) = client {
            self.count_attempt(&address_key(ip), l.window_seconds)
                .await?
                .within(l.address_attempts, l.window_seconds, t)?;
        }
        let tries = self.count_attempt(key, l.window_seconds).await?;
        if tries.count > l.account_failures {
            let from = client
                .map(address_key)
                .unwrap_or_else(|| "addr:unknown".into());
            let slot = self
                .count_attempt(&format!("slot:{key}@{from}"), l.locked_delay_seconds)
                .await?;
            slot.within(1, l.locked_delay_seconds, t)?;
        }
        Ok(())
    }

    /// After the right password: the account's failures are forgotten and the address gets
    /// its try back.
    async fn settle_password_try(&self, key: &str, client: Option<IpAddr>) -> ServiceResult<()> {
        self.reset_attempts(key).await?;
        if let Some(ip) = client {
            self.forgive_attempt(&address_key(ip)).await?;
        }
        Ok(())
    }

    /// Signs in and opens a session stored in the database.
    pub async fn login(
        &self,
        login: &str,
        password: &str,
        client: Option<IpAddr>,
    ) -> ServiceResult<NewSession> {
        let account = self.authenticate(login, password, client).await?;
        self.open_session(account.id).await
    }

    async fn open_session(&self, account_id: i64) -> ServiceResult<NewSession> {
        let token = random_hex(32);
        let t = self.now();
        session::Entity::insert(session::ActiveModel {
            id: Set(hash_secret(&token)),
            account_id: Set(account_id),
            created_at: Set(t),
            expires_at: Set(t + SESSION_SECONDS),
        })
        .exec_without_returning(self.write())
        .await?;
        Ok(NewSession { token, account_id })
    }

    /// Changes the signed-in account's password, given the current one (counted like a
    /// sign-in, so a borrowed session cannot guess it). Every other session of the account
    /// ends and every other API token is revoked; the credential of this request keeps working.
    pub async fn change_password(
        &self,
        actor: &Actor,
        current: &str,
        new: &str,
        keep: Option<Credential<'_>>,
        client: Option<IpAddr>,
    ) -> ServiceResult<()> {
        let a = account::Entity::find_by_id(actor.account_id)
            .one(self.read())
            .await?
            .ok_or(ServiceError::Unauthenticated)?;
        let key = format!("account:{}", a.id);
        self.guard_password_try(&key, client).await?;
        if !verify_password(current, &a.password_hash) {
            return Err(ServiceError::invalid(
                "current_password",
                Invalid::WrongPassword,
            ));
        }
        self.settle_password_try(&key, client).await?;
        let phone = a.phone.as_deref().and_then(|p| Phone::parse(p).ok());
        let new = NewPassword::parse(new, &a.username, phone.as_ref())
            .map_err(|e| FieldError::new("password", e))?;
        let hash = hash_password(new.as_str())?;
        let t = self.now();
        let txn = self.begin_write().await?;
        account::Entity::update_many()
            .col_expr(account::Column::PasswordHash, Expr::value(hash))
            .filter(account::Column::Id.eq(a.id))
            .exec(&txn)
            .await?;
        let mut sessions =
            session::Entity::delete_many().filter(session::Column::AccountId.eq(a.id));
        if let Some(Credential::Session(s)) = keep {
            sessions = sessions.filter(session::Column::Id.ne(hash_secret(s)));
        }
        let sessions_ended = sessions.exec(&txn).await?.rows_affected;
        let mut tokens = api_token::Entity::update_many()
            .col_expr(api_token::Column::RevokedAt, Expr::value(t))
            .filter(api_token::Column::AccountId.eq(a.id))
            .filter(api_token::Column::RevokedAt.is_null());
        if let Some(Credential::Token(k)) = keep {
            tokens = tokens.filter(api_token::Column::TokenHash.ne(hash_secret(k)));
        }
        let tokens_revoked = tokens.exec(&txn).await?.rows_affected;
        audit::record(
            &txn,
            Change {
                chain: GLOBAL_CHAIN,
                at: self.now(),
                actor: Some(a.id),
                action: "account.password",
                entity: "account",
                entity_id: a.id,
                before: None,
                after: Some(serde_json::json!({"sessions_ended": sessions_ended, "tokens_revoked": tokens_revoked})),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    pub async fn logout(&self, token: &str) -> ServiceResult<()> {
        session::Entity::delete_by_id(hash_secret(token))
            .exec(self.write())
            .await?;
        Ok(())
    }

    /// The actor behind a session cookie, if the session is live, with the count of their
    /// unread messages when `unread` (see [`Store::actor_behind`]; 0 otherwise).
    pub async fn session_actor(
        &self,
        token: &str,
        unread: bool,
    ) -> ServiceResult<Option<(Actor, u64)>> {
        Ok(self
            .actor_behind(
                "session s ON s.account_id = a.id",
                "s.id",
                "",
                hash_secret(token),
                self.now(),
                unread,
            )
            .await?
            .map(|(a, _, n)| (a, n)))
    }

    /// The account behind a credential with all its grants, in ONE query: this runs on every
    /// request, and on SQLite each query costs more than the rest of a small page. Also
    /// returns the `extra` column of the credential's row when one is named, and with
    /// `unread` the count of the account's unread messages that every page shows (in the same
    /// query: on PostgreSQL a query of its own is a round trip; 0 without it).
    /// `join`, `key` and `extra` are fixed strings of this crate, never user input.
    pub(crate) async fn actor_behind(
        &self,
        join: &str,
        key: &str,
        extra: &str,
        hash: String,
        live_at: i64,
        unread: bool,
    ) -> ServiceResult<Option<(Actor, Option<i64>, u64)>> {
        let extra_column = if extra.is_empty() {
            "CAST(NULL AS BIGINT)"
        } else {
            extra
        };
        // With read replicas, when the account last wrote decides where it reads (`reads`).
        let (wrote_column, wrote_join) = if self.has_replicas() {
            ("w.at", " LEFT JOIN recent_write w ON w.account_id = a.id")
        } else {
            ("CAST(NULL AS BIGINT)", "")
        };
        let unread_column = if unread {
            "(SELECT COUNT(*) FROM notification n WHERE n.account_id = a.id AND n.read_at IS NULL)"
        } else {
            "CAST(NULL AS BIGINT)"
        };
        let sql = format!(
            "SELECT a.id, a.display_name, a.disabled, g.role, g.path, {extra_column}, {wrote_column}, {unread_column} \
             FROM account a JOIN {join} LEFT JOIN role_grant g ON g.account_id = a.id{wrote_join} \
             WHERE {key} = $1 AND s.expires_at >= $2"
        );
        let rows = self
            .fetch(
                self.sql(&sql, vec![hash.into(), live_at.into()]),
                CredentialRow::map,
            )
            .await?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        if first.disabled {
            return Ok(None);
        }
        crate::reads::note_account(first.account_id, first.wrote_at, self.now());
        let grants = rows
            .iter()
            .filter_map(|r| {
                Some(Grant {
                    role: Role::parse(r.role.as_deref()?).ok()?,
                    at: r.path.as_deref()?.parse().ok()?,
                })
            })
            .collect();
        Ok(Some((
            Actor {
                account_id: first.account_id,
                name: first.name.clone(),
                grants,
                at: self.now(),
            },
            first.extra,
            first
                .unread
                .and_then(|n| u64::try_from(n).ok())
                .unwrap_or(0),
        )))
    }

    /// Loads an account with its grants; `None` when missing or disabled.
    pub async fn actor(&self, account_id: i64) -> ServiceResult<Option<Actor>> {
        let Some(a) = account::Entity::find_by_id(account_id)
            .one(self.read())
            .await?
        else {
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
            .filter_map(|g| {
                Some(Grant {
                    role: g.role,
                    at: g.path.parse().ok()?,
                })
            })
            .collect();
        Ok(Some(Actor {
            account_id,
            name: a.display_name,
            grants,
            at: self.now(),
        }))
    }

    /// Creates an account (CLI, demo and invite claims). The password is hashed here.
    pub async fn create_account(
        &self,
        username: &str,
        phone: Option<&str>,
        display_name: &str,
        password: &str,
    ) -> ServiceResult<i64> {
        let mut errors = Vec::new();
        let username = Text::parse(username, 40)
            .map_err(|e| errors.push(FieldError::new("login", e)))
            .ok();
        let display = Text::parse(display_name, 40)
            .map_err(|e| errors.push(FieldError::new("person_name", e)))
            .ok();
        let phone = match phone.filter(|p| !p.trim().is_empty()) {
            Some(p) => Phone::parse(p)
                .map_err(|e| errors.push(FieldError::new("phone", e)))
                .ok(),
            None => None,
        };
        let password = match &username {
            Some(u) => NewPassword::parse(password, u.as_str(), phone.as_ref())
                .map_err(|e| errors.push(FieldError::new("password", e)))
                .ok(),
            None => None,
        };
        let (Some(username), Some(display), Some(password), true) =
            (username, display, password, errors.is_empty())
        else {
            return Err(ServiceError::Invalid(errors));
        };
        if self
            .find_account_by_login(username.as_str())
            .await?
            .is_some()
        {
            return Err(ServiceError::invalid("login", Invalid::Taken));
        }
        if let Some(p) = &phone
            && self.find_account_by_login(p.as_str()).await?.is_some()
        {
            return Err(ServiceError::invalid("phone", Invalid::Taken));
        }
        let hash = hash_password(password.as_str())?;
        let txn = self.begin_write().await?;
        let id = account::Entity::insert(account::ActiveModel {
            username: Set(username.as_str().to_string()),
            phone: Set(phone.as_ref().map(|p| p.as_str().to_string())),
            password_hash: Set(hash),
            display_name: Set(display.as_str().to_string()),
            person_id: Set(None),
            disabled: Set(false),
            created_at: Set(self.now()),
            ..Default::default()
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        audit::record(
            &txn,
            Change {
                chain: GLOBAL_CHAIN,
                at: self.now(),
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
    pub async fn grant_role(
        &self,
        granted_by: Option<&Actor>,
        account_id: i64,
        role: Role,
        at: &Path,
    ) -> ServiceResult<()> {
        let node = at
            .target()
            .ok_or(ServiceError::NotFound { entity: "region" })?;
        if !role.may_sit_on(node.kind) {
            return Err(ServiceError::invalid("kind", Invalid::BadChoice));
        }
        if let Some(by) = granted_by {
            by.require(Action::GrantRole, at)?;
        }
        let txn = self.begin_write().await?;
        let id = role_grant::Entity::insert(role_grant::ActiveModel {
            account_id: Set(account_id),
            role: Set(role),
            node_kind: Set(node.kind),
            node_id: Set(node.id),
            path: Set(at.to_string()),
            created_at: Set(self.now()),
            ..Default::default()
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        audit::record(
            &txn,
            Change {
                chain: at.compound_id().unwrap_or(GLOBAL_CHAIN),
                at: self.now(),
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
    pub async fn account_names(
        &self,
        ids: impl Iterator<Item = i64>,
    ) -> ServiceResult<HashMap<i64, String>> {
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

    /// Issues a printable invite code with which a resident claims their household; issued
    /// for a named owner or resident (`person_id`), the account that claims it is that person.
    /// `role` as sent (`owner` or `resident`), checked only once the actor may invite here.
    pub async fn issue_invite(
        &self,
        actor: &Actor,
        household_id: i64,
        role: &str,
        person_id: Option<i64>,
    ) -> ServiceResult<IssuedInvite> {
        let (c, h) = self.household_with_compound(household_id).await?;
        let at = paths::household_path(&c, &h);
        actor.require(Action::IssueInvite, &at)?;
        let role = Role::parse(role)
            .ok()
            .filter(|r| matches!(r, Role::Owner | Role::Resident))
            .ok_or_else(|| ServiceError::invalid("kind", Invalid::BadChoice))?;
        let person_name = match person_id {
            None => None,
            Some(pid) => Some(
                self.person_of_household(household_id, role, pid)
                    .await?
                    .ok_or_else(|| ServiceError::invalid("person_id", Invalid::BadChoice))?,
            ),
        };
        let code: String = (0..8)
            .map(|_| {
                INVITE_ALPHABET[rand::random::<u32>() as usize % INVITE_ALPHABET.len()] as char
            })
            .collect();
        let t = self.now();
        let txn = self.begin_write().await?;
        invite::Entity::insert(invite::ActiveModel {
            code: Set(code.clone()),
            household_id: Set(household_id),
            city_id: Set(h.city_id),
            role: Set(role),
            issued_by: Set(actor.account_id),
            created_at: Set(t),
            expires_at: Set(t + INVITE_SECONDS),
            used_by: Set(None),
            used_at: Set(None),
            person_id: Set(person_id),
        })
        .exec_without_returning(&txn)
        .await?;
        Change::by(actor, c.id, "invite.issue", "household", household_id)
            .after(serde_json::json!({"role": role.as_str(), "person_id": person_id}))
            .record(&txn)
            .await?;
        txn.commit().await?;
        Ok(IssuedInvite {
            code,
            household_id,
            role,
            expires_at: t + INVITE_SECONDS,
            person_id,
            person_name,
        })
    }

    /// Redeems an invite code: the signed-in account gets the owner or resident role on the
    /// household. Tries are limited per account and per client address (see `claimable`).
    pub async fn claim_invite(
        &self,
        account_id: i64,
        code: &str,
        client: Option<IpAddr>,
    ) -> ServiceResult<i64> {
        let invite = self.claimable(code, Some(account_id), client).await?;
        self.redeem(invite, account_id).await
    }

    /// Claims a home as a visitor: checks the code (counted like any try), makes the account
    /// (signed in by its phone number) and redeems the code; returns the household and the
    /// new session.
    pub async fn claim_invite_as_visitor(
        &self,
        code: &str,
        display_name: &str,
        phone: &str,
        password: &str,
        client: Option<IpAddr>,
    ) -> ServiceResult<(i64, NewSession)> {
        let invite = self.claimable(code, None, client).await?;
        let id = self
            .create_account(phone, Some(phone), display_name, password)
            .await?;
        let household = self.redeem(invite, id).await?;
        Ok((household, self.open_session(id).await?))
    }

    /// The unused, unexpired invite a typed code names. Every try is counted first (per client
    /// address, and per account when signed in), so codes cannot be guessed at speed; a right
    /// code gives its try back. A wrong, used or expired code gets the same answer.
    async fn claimable(
        &self,
        code: &str,
        account_id: Option<i64>,
        client: Option<IpAddr>,
    ) -> ServiceResult<invite::Model> {
        let l = *self.limits();
        let t = self.now();
        let mut keys = vec![format!(
            "invite:{}",
            client
                .map(address_key)
                .unwrap_or_else(|| "addr:unknown".into())
        )];
        keys.extend(account_id.map(|id| format!("invite:account:{id}")));
        for key in &keys {
            self.count_attempt(key, l.window_seconds).await?.within(
                l.invite_tries,
                l.window_seconds,
                t,
            )?;
        }
        let wrong = || ServiceError::invalid("code", Invalid::WrongInviteCode);
        let code = normalise_code(code).ok_or_else(wrong)?;
        let invite = invite::Entity::find_by_id(code)
            .one(self.read())
            .await?
            .filter(|i| i.used_by.is_none() && i.expires_at > t)
            .ok_or_else(wrong)?;
        for key in &keys {
            self.forgive_attempt(key).await?;
        }
        Ok(invite)
    }

    async fn redeem(&self, invite: invite::Model, account_id: i64) -> ServiceResult<i64> {
        let wrong = || ServiceError::invalid("code", Invalid::WrongInviteCode);
        let role = invite.role;
        let (c, h) = self.household_with_compound(invite.household_id).await?;
        let at = paths::household_path(&c, &h);
        // Mark it used first: of two claims racing for one code, only one updates a row.
        let used = invite::Entity::update_many()
            .col_expr(invite::Column::UsedBy, Expr::value(account_id))
            .col_expr(invite::Column::UsedAt, Expr::value(self.now()))
            .filter(invite::Column::Code.eq(invite.code.clone()))
            .filter(invite::Column::UsedBy.is_null())
            .exec(self.write())
            .await?;
        if used.rows_affected != 1 {
            return Err(wrong());
        }
        if let Some(pid) = invite.person_id {
            let linked = account::Entity::find_by_id(account_id)
                .one(self.read())
                .await?
                .and_then(|a| a.person_id);
            match linked {
                Some(other) if other != pid => {
                    let name = person::Entity::find_by_id(other)
                        .one(self.read())
                        .await?
                        .map(|p| p.name)
                        .unwrap_or_default();
                    // The code stays unused: it belongs to someone else than this account.
                    invite::Entity::update_many()
                        .col_expr(invite::Column::UsedBy, Expr::value(Option::<i64>::None))
                        .col_expr(invite::Column::UsedAt, Expr::value(Option::<i64>::None))
                        .filter(invite::Column::Code.eq(invite.code.clone()))
                        .exec(self.write())
                        .await?;
                    return Err(ServiceError::invalid(
                        "code",
                        Invalid::LinkedToOther { name },
                    ));
                }
                Some(_) => {}
                None => {
                    let txn = self.begin_write().await?;
                    self.link_person_in(&txn, None, c.id, account_id, pid, "invite")
                        .await?;
                    txn.commit().await?;
                }
            }
        }
        self.grant_role(None, account_id, role, &at).await?;
        Ok(h.id)
    }

    /// The name of an owner (for an owner's invite) or current resident of a household.
    async fn person_of_household(
        &self,
        household_id: i64,
        role: Role,
        person_id: i64,
    ) -> ServiceResult<Option<String>> {
        let there = if role == Role::Owner {
            ownership::Entity::find()
                .filter(ownership::Column::HouseholdId.eq(household_id))
                .filter(ownership::Column::PersonId.eq(person_id))
                .one(self.read())
                .await?
                .is_some()
        } else {
            residency::Entity::find()
                .filter(residency::Column::HouseholdId.eq(household_id))
                .filter(residency::Column::PersonId.eq(person_id))
                .filter(residency::Column::MovedOut.is_null())
                .one(self.read())
                .await?
                .is_some()
        };
        if !there {
            return Ok(None);
        }
        Ok(person::Entity::find_by_id(person_id)
            .one(self.read())
            .await?
            .map(|p| p.name))
    }
}

/// An invite code as typed ("abcd-2345 ") in its stored form, or `None` when it holds
/// characters no code has (which also keeps a NUL away from PostgreSQL).
fn normalise_code(code: &str) -> Option<String> {
    let code = code.trim().to_uppercase().replace([' ', '-'], "");
    (!code.is_empty() && code.len() <= 32 && code.chars().all(|c| c.is_ascii_alphanumeric()))
        .then_some(code)
}

/// The node kind of the lowest place a grant sits on, for listing what an actor sees.
pub fn grant_kind(g: &Grant) -> Option<NodeKind> {
    g.at.target().map(|n| n.kind)
}
