//! Text messages (and WeChat template messages) through the city's gateway: a JSON POST signed
//! with HMAC-SHA256 over `"<timestamp>.<body>"` with the shared secret, so the gateway can tell
//! our messages from forged ones and refuse replays of old ones. The idempotency key travels
//! in the body and the `Idempotency-Key` header. A 2xx is delivered; a 4xx means the gateway
//! refuses this message and asking again will not help (except 408 and 429, which are about
//! timing); a 5xx, a timeout or a refused connection is tried again later.

use crate::settings::WebhookConfig;
use hmac::{KeyInit, Mac};
use linli_domain::notify::Message;
use linli_store::delivery::{DueMessage, Outcome};
use serde::Serialize;

pub const SIGNATURE_HEADER: &str = "X-Linli-Signature";
pub const TIMESTAMP_HEADER: &str = "X-Linli-Timestamp";

pub(crate) struct WebhookSender {
    client: reqwest::Client,
    config: WebhookConfig,
}

/// What the gateway receives.
#[derive(Serialize)]
struct Payload<'a> {
    id: &'a str,
    channel: &'a str,
    to: &'a str,
    lang: &'a str,
    kind: &'a str,
    text: String,
    subject: String,
    link: &'a str,
    unsubscribe: &'a str,
}

/// `sha256=<hex>`: the signature of a body sent at `timestamp` (Unix seconds).
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    // HMAC takes a key of any length: this never fails.
    let Ok(mut mac) = <hmac::Hmac<sha2_11::Sha256> as KeyInit>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

impl WebhookSender {
    pub(crate) fn new(c: &WebhookConfig) -> anyhow::Result<WebhookSender> {
        // ring rather than aws-lc-rs: no C toolchain beyond cc, and the same provider lettre uses.
        #[allow(deprecated)]
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .timeout(c.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(WebhookSender { client, config: c.clone() })
    }

    pub(crate) async fn send(&self, m: &DueMessage, link: &str, stop: &str, now: i64) -> Outcome {
        let mail = Message::render(&m.kind, &m.detail, link, stop, m.lang);
        let payload = Payload {
            id: &m.idempotency_key,
            channel: m.channel.as_str(),
            to: &m.address,
            lang: m.lang.tag(),
            kind: &m.kind,
            text: Message::sms(&m.kind, &m.detail, link, stop, m.lang),
            subject: mail.subject,
            link,
            unsubscribe: stop,
        };
        let body = match serde_json::to_vec(&payload) {
            Ok(b) => b,
            Err(e) => return Outcome::Failed(format!("payload: {e}")),
        };
        let res = self
            .client
            .post(self.config.url.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("Idempotency-Key", &m.idempotency_key)
            .header(TIMESTAMP_HEADER, now.to_string())
            .header(SIGNATURE_HEADER, sign(&self.config.secret, now, &body))
            .body(body)
            .send()
            .await;
        match res {
            Ok(r) if r.status().is_success() => Outcome::Sent,
            Ok(r) => {
                let status = r.status();
                let text: String = r.text().await.unwrap_or_default().chars().take(200).collect();
                let e = format!("gateway answered {status}: {text}");
                if status.is_client_error() && status.as_u16() != 408 && status.as_u16() != 429 { Outcome::Failed(e) } else { Outcome::Retry(e) }
            }
            Err(e) if e.is_timeout() => Outcome::Retry(format!("gateway timed out: {e}")),
            Err(e) => Outcome::Retry(format!("gateway: {e}")),
        }
    }
}
