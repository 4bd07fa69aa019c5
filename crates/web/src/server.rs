//! The HTTP server with its limits: what `axum::serve` does, plus the bounds a server on the
//! open internet needs.
//!
//! - **Header-read timeout**: a connection that has not sent a whole request head within
//!   [`ServerLimits::header_timeout`] is closed. hyper starts this timer when it begins to
//!   wait for a request head, so the same timeout closes a new connection that sends nothing,
//!   one that trickles its headers byte by byte, and a kept-alive connection idle between two
//!   requests (the idle keep-alive timeout).
//! - **A cap on open connections** ([`ServerLimits::max_connections`]): when it is reached,
//!   the next connection waits in the kernel's backlog until one closes, instead of each
//!   idle socket holding its buffers forever.
//!
//! Every request carries axum's `ConnectInfo<SocketAddr>` (the peer address), as with
//! `into_make_service_with_connect_info`.

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// The bounds of the server. `linli serve` sets them from `--header-timeout` and
/// `--max-connections`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerLimits {
    /// How long a connection may take to send a request head, counted from when the server
    /// starts waiting for it: on a new connection and between requests on a kept-alive one.
    pub header_timeout: Duration,
    /// The most connections open at once.
    pub max_connections: usize,
}

impl Default for ServerLimits {
    /// 20 seconds (idle sockets are gone within 30 s), 512 connections.
    fn default() -> ServerLimits {
        ServerLimits {
            header_timeout: Duration::from_secs(20),
            max_connections: 512,
        }
    }
}

/// How long connections still serving a request get to finish after `shutdown` completes.
const DRAIN: Duration = Duration::from_secs(30);

/// Serves `app` on `listener` within `limits` until `shutdown` completes, then lets the
/// requests under way finish (at most [`DRAIN`]).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ServerLimits,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot.map_err(std::io::Error::other)?,
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait rather than spin.
                    if !is_connection_error(&e) {
                        tracing::error!(error = %e, "accepting a connection");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = app
            .clone()
            .map_request(move |mut req: axum::http::Request<Incoming>| {
                req.extensions_mut().insert(ConnectInfo(peer));
                req
            });
        let conn = graceful
            .watch(http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service)));
        tokio::spawn(async move {
            // A client that goes away or times out is not the server's error.
            let _ = conn.await;
            drop(slot);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(DRAIN) => tracing::warn!("connections still open after {} s; stopping anyway", DRAIN.as_secs()),
    }
    Ok(())
}

fn is_connection_error(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        e.kind(),
        ConnectionRefused | ConnectionAborted | ConnectionReset
    )
}
