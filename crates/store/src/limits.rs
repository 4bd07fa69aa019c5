//! Rate limits: counters in the database, shared by every server process.
//!
//! A counter is a row of `login_attempt` (key, window start, count) bumped by ONE statement
//! that inserts or increments it and returns the new count (`INSERT … ON CONFLICT DO UPDATE …
//! RETURNING`). The count is taken *before* the guarded work (checking a password, looking up
//! an invite code), so forty requests sent at once get forty different counts and only those
//! within the limit are evaluated; a separate read-then-write would let them all through.
//!
//! Keys name what is limited: `account:<id>` (or `login:<normalised login>` for a login that
//! names no account), `addr:<client address>` (an IPv6 address by its /64, which one household
//! router hands out), `slot:…` for the one try a locked account allows per address and delay,
//! `invite:…` and `tokens:…`. Windows are fixed: a counter starts again at 1 when its window
//! has passed.

use crate::Store;
use crate::error::{ServiceError, ServiceResult};
use sea_orm::{ConnectionTrait, Statement};
use sha2::{Digest, Sha256};
use std::net::IpAddr;

/// The limits of an installation; `serve` sets them from its flags (see README, "Accounts and
/// limits").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Failed sign-ins on one account within a window before it is locked.
    pub account_failures: i32,
    /// Sign-in attempts from one client address within a window (any accounts) before the
    /// address is refused; successful ones are given back.
    pub address_attempts: i32,
    /// The window of both, in seconds.
    pub window_seconds: i64,
    /// While an account is locked, each client address gets one try every this many seconds:
    /// the owner with the right password still gets in, a guesser gets one guess a minute.
    pub locked_delay_seconds: i64,
    /// Invite codes tried within a window, per client address and per account.
    pub invite_tries: i32,
    /// API tokens one account may make within an hour.
    pub tokens_per_hour: i32,
    /// How long a new API token lasts.
    pub token_days: i64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            account_failures: 10,
            address_attempts: 100,
            window_seconds: 15 * 60,
            locked_delay_seconds: 60,
            invite_tries: 10,
            tokens_per_hour: 20,
            token_days: 90,
        }
    }
}

/// A counter after it was bumped.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Count {
    pub count: i32,
    pub window_start: i64,
}

impl Count {
    /// Refused with the seconds until the window ends, when the count is over `limit`.
    pub fn within(self, limit: i32, window: i64, now: i64) -> ServiceResult<()> {
        if self.count > limit {
            Err(ServiceError::RateLimited {
                retry_after: (self.window_start + window - now).max(1),
            })
        } else {
            Ok(())
        }
    }
}

/// The key of a client address: IPv4 as is, IPv6 by its /64 (one household or phone gets a
/// whole /64, so a single address would be no limit at all).
pub fn address_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => format!("addr:{v4}"),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => format!("addr:{v4}"),
            None => {
                let s = v6.segments();
                format!("addr:{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// Keys fit the column (100 characters); a longer one is replaced by its hash.
fn fitted(key: &str) -> String {
    if key.len() <= 100 {
        key.to_string()
    } else {
        format!("h:{}", hex::encode(Sha256::digest(key.as_bytes())))
    }
}

impl Store {
    /// Counts one attempt under `key` in a window of `window` seconds and returns the count
    /// including this one. One statement on both databases, through the writer.
    pub(crate) async fn count_attempt(&self, key: &str, window: i64) -> ServiceResult<Count> {
        let pg = self.backend() == crate::Backend::Postgres;
        let p = |n: usize| if pg { format!("${n}") } else { format!("?{n}") };
        let t = self.now();
        // ?1 key, ?2 now, ?3 the start before which a window is over.
        let sql = format!(
            "INSERT INTO login_attempt (\"key\", window_start, \"count\") VALUES ({k}, {now}, 1) \
             ON CONFLICT (\"key\") DO UPDATE SET \
               \"count\" = CASE WHEN login_attempt.window_start < {over} THEN 1 ELSE login_attempt.\"count\" + 1 END, \
               window_start = CASE WHEN login_attempt.window_start < {over} THEN {now} ELSE login_attempt.window_start END \
             RETURNING \"count\", window_start",
            k = p(1),
            now = p(2),
            over = p(3)
        );
        let db = self.write();
        let values: Vec<sea_orm::Value> =
            vec![fitted(key).into(), t.into(), (t - window + 1).into()];
        let row = db
            .query_one_raw(Statement::from_sql_and_values(
                db.get_database_backend(),
                sql,
                values,
            ))
            .await?
            .ok_or_else(|| {
                ServiceError::Internal(anyhow::anyhow!("counter {key} returned no row"))
            })?;
        Ok(Count {
            count: row.try_get("", "count")?,
            window_start: row.try_get("", "window_start")?,
        })
    }

    /// Gives one attempt back (a successful sign-in does not use up its address's allowance).
    pub(crate) async fn forgive_attempt(&self, key: &str) -> ServiceResult<()> {
        let pg = self.backend() == crate::Backend::Postgres;
        let sql = format!(
            "UPDATE login_attempt SET \"count\" = \"count\" - 1 WHERE \"key\" = {} AND \"count\" > 0",
            if pg { "$1" } else { "?" }
        );
        let db = self.write();
        db.execute_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            sql,
            [fitted(key).into()],
        ))
        .await?;
        Ok(())
    }

    /// Forgets a counter (an account's failures after the right password).
    pub(crate) async fn reset_attempts(&self, key: &str) -> ServiceResult<()> {
        use sea_orm::EntityTrait;
        crate::entity::login_attempt::Entity::delete_by_id(fitted(key))
            .exec(self.write())
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_keyed_by_what_one_client_holds() {
        assert_eq!(
            address_key("203.0.113.9".parse().unwrap()),
            "addr:203.0.113.9"
        );
        assert_eq!(
            address_key("::ffff:203.0.113.9".parse().unwrap()),
            "addr:203.0.113.9"
        );
        assert_eq!(
            address_key("2001:db8:1:2:aaaa::1".parse().unwrap()),
            address_key("2001:db8:1:2:bbbb::9".parse().unwrap())
        );
        assert_ne!(
            address_key("2001:db8:1:2::1".parse().unwrap()),
            address_key("2001:db8:1:3::1".parse().unwrap())
        );
    }

    #[test]
    fn long_keys_fit_the_column() {
        assert_eq!(fitted("account:1"), "account:1");
        assert_eq!(fitted(&"x".repeat(300)).len(), 66);
    }
}
