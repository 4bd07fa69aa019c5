//! Stopping on SIGTERM (systemd, `kill`) or SIGINT (Ctrl-C): stop accepting, let requests in
//! flight finish for a bounded time, then return so that `main` closes the database and exits
//! with status 0.

use std::future::Future;
use std::time::Duration;
use tokio::sync::watch;

/// Set once a stop signal arrived; futures to wait on it.
#[derive(Clone)]
pub struct Stop(watch::Receiver<bool>);

impl Stop {
    /// Starts listening for SIGTERM and SIGINT.
    pub fn listen() -> anyhow::Result<Stop> {
        let (tx, rx) = watch::channel(false);
        #[cfg(unix)]
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::spawn(async move {
            #[cfg(unix)]
            let name = tokio::select! {
                _ = term.recv() => "SIGTERM",
                _ = tokio::signal::ctrl_c() => "SIGINT",
            };
            #[cfg(not(unix))]
            let name = {
                let _ = tokio::signal::ctrl_c().await;
                "Ctrl-C"
            };
            tracing::info!(
                signal = name,
                "stopping: no new connections, finishing requests in flight"
            );
            let _ = tx.send(true);
        });
        Ok(Stop(rx))
    }

    /// Resolves when a stop signal arrived (for `with_graceful_shutdown`).
    pub fn requested(&self) -> impl Future<Output = ()> + Send + 'static {
        let mut rx = self.0.clone();
        async move {
            let _ = rx.wait_for(|stop| *stop).await;
        }
    }

    /// Resolves `grace` after a stop signal: the bound on finishing requests in flight.
    pub fn deadline(&self, grace: Duration) -> impl Future<Output = ()> + Send + 'static {
        let requested = self.requested();
        async move {
            requested.await;
            tokio::time::sleep(grace).await;
            tracing::warn!(
                grace_secs = grace.as_secs(),
                "requests still in flight at the end of the grace period: stopping anyway"
            );
        }
    }
}
