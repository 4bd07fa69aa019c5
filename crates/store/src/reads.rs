//! Which database a read goes to when PostgreSQL streaming replicas are configured
//! (`--read-database-url`, see [`Store::with_replicas`]).
//!
//! Writes and almost every read stay on the primary. Only the reads that are large and may
//! be a moment old — dashboards, long lists, exports — run inside [`Store::on_replica`], and
//! even those go to the primary when the reader has just written: a committee member who
//! records a ballot and opens the register must see it, however far a replica lags.
//!
//! "Just written" is known in two ways. Within one request, the first write transaction pins
//! the rest of the request to the primary. Across requests (and across servers), every
//! write transaction of a signed-in account stamps `recent_write` with the time, and the
//! query that finds the account behind a session or token reads that stamp: for
//! [`RECENT_WRITE_SECONDS`] after a write, the account reads from the primary only.
//!
//! The per-request state is a tokio task-local set by [`request_scope`] (the web layer wraps
//! every request in it). Outside a request (the command line, the sender loop) there is no
//! "reader who just wrote", and `on_replica` reads go to a replica.

use std::cell::Cell;
use std::future::Future;

/// How long after a write an account reads only from the primary. Streaming replicas on one
/// network lag by milliseconds; this leaves room for a replica that falls behind for a while.
pub const RECENT_WRITE_SECONDS: i64 = 30;

/// What one request knows about its reader.
#[derive(Debug, Default)]
pub struct RequestReads {
    /// Read from the primary only: the reader wrote in this request or just before it.
    pinned: Cell<bool>,
    /// The signed-in account, once known, whose writes are stamped.
    account: Cell<Option<i64>>,
}

tokio::task_local! {
    static REQUEST: RequestReads;
    static REPLICA_OK: bool;
}

/// Runs one request with its own read state.
pub async fn request_scope<F: Future>(work: F) -> F::Output {
    REQUEST.scope(RequestReads::default(), work).await
}

/// The rest of this request reads from the primary.
pub(crate) fn pin_to_primary() {
    let _ = REQUEST.try_with(|r| r.pinned.set(true));
}

/// The signed-in account of this request, and whether it wrote recently (`wrote_at`).
pub(crate) fn note_account(account_id: i64, wrote_at: Option<i64>, now: i64) {
    let _ = REQUEST.try_with(|r| {
        r.account.set(Some(account_id));
        if wrote_at.is_some_and(|at| at + RECENT_WRITE_SECONDS >= now) {
            r.pinned.set(true);
        }
    });
}

/// The account whose write this is, if the request knows it.
pub(crate) fn writer() -> Option<i64> {
    REQUEST.try_with(|r| r.account.get()).ok().flatten()
}

/// Whether a read here may go to a replica: inside [`Store::on_replica`] and not pinned.
pub(crate) fn replica_allowed() -> bool {
    let ok = REPLICA_OK.try_with(|ok| *ok).unwrap_or(false);
    let pinned = REQUEST.try_with(|r| r.pinned.get()).unwrap_or(false);
    ok && !pinned
}

/// Runs `work` with its reads allowed on a replica.
pub(crate) async fn replica_scope<F: Future>(work: F) -> F::Output {
    REPLICA_OK.scope(true, work).await
}

use crate::Store;

impl Store {
    /// Runs a read-only service body whose reads may go to a replica (dashboards, lists,
    /// exports). Without replicas, or for a reader who just wrote, they go to the primary.
    pub(crate) async fn on_replica<F: Future>(&self, work: F) -> F::Output {
        if self.has_replicas() {
            replica_scope(work).await
        } else {
            work.await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_recent_write_pins_the_request_and_an_old_one_does_not() {
        request_scope(async {
            replica_scope(async {
                assert!(replica_allowed());
                note_account(7, Some(1_000 - RECENT_WRITE_SECONDS - 1), 1_000);
                assert!(replica_allowed(), "a write long ago does not pin");
                assert_eq!(writer(), Some(7));
                note_account(7, Some(1_000 - RECENT_WRITE_SECONDS), 1_000);
                assert!(!replica_allowed(), "a write within the window pins");
            })
            .await
        })
        .await;
    }

    #[tokio::test]
    async fn a_write_in_the_request_pins_the_rest_of_it_and_only_it() {
        request_scope(replica_scope(async {
            pin_to_primary();
            assert!(!replica_allowed());
        }))
        .await;
        request_scope(replica_scope(async { assert!(replica_allowed()) })).await;
        assert!(
            !replica_allowed(),
            "outside on_replica reads stay on the primary"
        );
        assert_eq!(writer(), None);
    }
}
