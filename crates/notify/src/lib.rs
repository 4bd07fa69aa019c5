//! Senders that reach people: they drain the notification outbox of a linli database by
//! e-mail (SMTP) and by a signed webhook to the city's SMS or WeChat gateway.
//!
//! `serve` spawns [`run`]; nothing here is on a request's path, so a slow gateway delays a
//! message, never a page. The loop holds the database's sender lease (one loop per database
//! however many servers share it), queues the timed reminders, and sends what is due with
//! retries; see `linli_store::delivery` for the queue itself.

mod email;
mod settings;
mod webhook;

pub use settings::{NotifySettings, SenderConfig, SettingsError};
pub use webhook::{SIGNATURE_HEADER, TIMESTAMP_HEADER, sign};

use linli_domain::notify::Channel;
use linli_store::Store;
use linli_store::delivery::{DueMessage, Outcome};
use std::time::Duration;

/// Send attempts by channel and result (`sent`, `retry`, `failed`): a gateway that starts
/// refusing shows as a rising `retry` or `failed` count before anyone complains.
pub const DELIVERIES_TOTAL: &str = "linli_notify_deliveries_total";

/// The counts of one pass.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pass {
    pub queued: u32,
    pub sent: u32,
    pub retried: u32,
    pub failed: u32,
}

/// The sender loop of one server: its store, its senders, and who it is in the lease.
pub struct Outbox {
    store: Store,
    config: SenderConfig,
    email: Option<email::EmailSender>,
    webhook: Option<webhook::WebhookSender>,
    holder: String,
}

impl Outbox {
    pub fn new(store: Store, config: SenderConfig) -> anyhow::Result<Outbox> {
        let email = config
            .smtp
            .as_ref()
            .map(email::EmailSender::new)
            .transpose()?;
        let webhook = config
            .webhook
            .as_ref()
            .map(webhook::WebhookSender::new)
            .transpose()?;
        // Unique per loop: the process id and a random number (std's hasher keys are random).
        let random =
            std::hash::BuildHasher::hash_one(&std::collections::hash_map::RandomState::new(), 0u8);
        let holder = format!("{}-{random:016x}", std::process::id());
        Ok(Outbox {
            store,
            config,
            email,
            webhook,
            holder,
        })
    }

    /// Who this loop is in the lease (for tests that run two).
    pub fn with_holder(mut self, holder: &str) -> Outbox {
        self.holder = holder.to_string();
        self
    }

    /// One pass: take the lease (or do nothing), queue the timed reminders, send what is due.
    /// Returns `None` when another server holds the lease.
    pub async fn pass(&self) -> anyhow::Result<Option<Pass>> {
        let lease = i64::try_from(self.config.interval.as_secs())
            .unwrap_or(60)
            .saturating_mul(4)
            .max(60);
        if !self.store.take_sender_lease(&self.holder, lease).await? {
            return Ok(None);
        }
        let mut pass = Pass {
            queued: self.store.queue_reminders().await?,
            ..Pass::default()
        };
        // A bounded pass: a long backlog is worked off over several passes, renewing the lease.
        for _ in 0..20 {
            let due = self.store.due_messages(50, self.config.quiet_hours).await?;
            if due.is_empty() {
                break;
            }
            for m in &due {
                let outcome = self.send(m).await;
                let result = match &outcome {
                    Outcome::Sent => {
                        pass.sent += 1;
                        "sent"
                    }
                    Outcome::Retry(e) => {
                        pass.retried += 1;
                        tracing::warn!(notification = m.id, channel = m.channel.as_str(), error = %e, "send failed, will retry");
                        "retry"
                    }
                    Outcome::Failed(e) => {
                        pass.failed += 1;
                        tracing::warn!(notification = m.id, channel = m.channel.as_str(), error = %e, "send failed for good");
                        "failed"
                    }
                };
                metrics::counter!(DELIVERIES_TOTAL, "channel" => m.channel.as_str(), "result" => result)
                    .increment(1);
                self.store
                    .record_delivery(m, &outcome, self.config.max_attempts)
                    .await?;
            }
            self.store.take_sender_lease(&self.holder, lease).await?;
        }
        Ok(Some(pass))
    }

    async fn send(&self, m: &DueMessage) -> Outcome {
        let link = format!("{}{}", self.config.base_url, m.link);
        let stop = format!(
            "{}/unsubscribe/{}",
            self.config.base_url, m.unsubscribe_token
        );
        match m.channel {
            Channel::Email => match &self.email {
                Some(s) => s.send(m, &link, &stop).await,
                None => Outcome::Retry("no SMTP server is configured (--smtp-url)".into()),
            },
            Channel::Sms => match &self.webhook {
                Some(s) => s.send(m, &link, &stop, self.store.now()).await,
                None => Outcome::Retry("no SMS gateway is configured (--webhook-url)".into()),
            },
            Channel::None => Outcome::Failed("no channel".into()),
        }
    }

    /// Gives up the lease, so another server's loop takes over at once.
    pub async fn release(&self) {
        if let Err(e) = self.store.release_sender_lease(&self.holder).await {
            tracing::warn!(error = %e, "releasing the sender lease");
        }
    }
}

/// The sender loop of `serve`: a pass every `interval` until `stop` resolves; a failed pass
/// is logged and tried again at the next tick.
pub async fn run(outbox: Outbox, stop: impl std::future::Future<Output = ()>) {
    let mut tick = tokio::time::interval(outbox.config.interval.max(Duration::from_secs(1)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = &mut stop => break,
            _ = tick.tick() => match outbox.pass().await {
                Ok(Some(p)) if p != Pass::default() => tracing::info!(queued = p.queued, sent = p.sent, retried = p.retried, failed = p.failed, "outbox"),
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "outbox pass"),
            },
        }
    }
    outbox.release().await;
}
