//! Prometheus metrics on a separate admin address (`metrics_bind`, off unless set): the
//! public site never shows them, and a firewall can keep the admin port inside.
//!
//! Counted where they happen, through the `metrics` facade: requests by route and status and
//! their latency and roster imports (`linli_web::telemetry`), send attempts by channel and
//! result (`linli_notify`), backups and their duration (`backup.rs`). The database pools and
//! the outbox backlog are read when Prometheus scrapes.

use anyhow::Context;
use linli_store::Store;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::net::SocketAddr;

pub const POOL_OPEN: &str = "linli_db_pool_connections";
pub const POOL_IN_USE: &str = "linli_db_pool_connections_in_use";
pub const BACKUP_DURATION: &str = "linli_backup_duration_seconds";
pub const BACKUPS_TOTAL: &str = "linli_backups_total";
pub const OUTBOX_BACKLOG: &str = "linli_outbox_backlog";

/// Latency buckets from 1 ms to 10 s for requests, to an hour for backups and imports.
const REQUEST_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
const BACKUP_BUCKETS: &[f64] = &[1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0];

/// Installs the process's recorder and serves `GET /metrics` on `bind`; returns the bound
/// address (a port of 0 picks a free one).
pub async fn serve(bind: SocketAddr, store: Store) -> anyhow::Result<SocketAddr> {
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(
            Matcher::Full(linli_web::telemetry::REQUEST_DURATION.into()),
            REQUEST_BUCKETS,
        )?
        .set_buckets_for_metric(Matcher::Full(BACKUP_DURATION.into()), BACKUP_BUCKETS)?
        .set_buckets_for_metric(
            Matcher::Full(linli_web::telemetry::IMPORT_DURATION.into()),
            BACKUP_BUCKETS,
        )?
        .install_recorder()
        .context("installing the metrics recorder")?;
    describe();
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("binding the metrics address {bind}"))?;
    let addr = listener.local_addr()?;
    let app = axum::Router::new().route(
        "/metrics",
        axum::routing::get(move || render(handle.clone(), store.clone())),
    );
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "metrics server");
        }
    });
    Ok(addr)
}

async fn render(handle: PrometheusHandle, store: Store) -> String {
    let pools = store.pool_status();
    metrics::gauge!(POOL_OPEN).set(pools.open);
    metrics::gauge!(POOL_IN_USE).set(pools.in_use);
    // Every channel is set, so one whose backlog was worked off reads 0, not its last value.
    match store.outbox_backlog().await {
        Ok(rows) => {
            for channel in ["unassigned", "email", "sms", "none"] {
                let n: i64 = rows
                    .iter()
                    .filter(|(c, _)| c.as_deref().unwrap_or("unassigned") == channel)
                    .map(|(_, n)| n)
                    .sum();
                metrics::gauge!(OUTBOX_BACKLOG, "channel" => channel).set(n as f64);
            }
        }
        Err(e) => tracing::warn!(error = %e, "reading the outbox backlog for metrics"),
    }
    handle.run_upkeep();
    handle.render()
}

fn describe() {
    use linli_web::telemetry::{REQUEST_DURATION, REQUESTS_TOTAL};
    metrics::describe_counter!(
        REQUESTS_TOTAL,
        "HTTP requests by method, matched route and status."
    );
    metrics::describe_histogram!(
        REQUEST_DURATION,
        metrics::Unit::Seconds,
        "HTTP request latency by matched route."
    );
    metrics::describe_gauge!(POOL_OPEN, "Open database connections (all pools).");
    metrics::describe_gauge!(
        POOL_IN_USE,
        "Database connections lent to a query right now."
    );
    metrics::describe_histogram!(
        BACKUP_DURATION,
        metrics::Unit::Seconds,
        "Duration of backups made by this process."
    );
    metrics::describe_gauge!(
        OUTBOX_BACKLOG,
        "Messages waiting to be sent, by channel (unassigned = not yet tried)."
    );
    metrics::describe_counter!(
        linli_notify::DELIVERIES_TOTAL,
        "Send attempts by channel and result (sent, retry, failed)."
    );
    metrics::describe_histogram!(
        linli_web::telemetry::IMPORT_DURATION,
        metrics::Unit::Seconds,
        "Duration of confirmed roster imports."
    );
    metrics::describe_counter!(
        linli_web::telemetry::IMPORTS_TOTAL,
        "Roster import confirmations by result (applied, refused)."
    );
    metrics::describe_counter!(
        BACKUPS_TOTAL,
        "Backups made by this process, by result (ok, failed)."
    );
}
