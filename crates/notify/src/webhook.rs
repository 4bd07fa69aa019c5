//! Text messages (and WeChat template messages) through the city's gateway: a JSON POST signed
//! with HMAC-SHA256 over `"<timestamp>.<body>"` with the shared secret, so the gateway can tell
//! our messages from forged ones and refuse replays of old ones. The idempotency key travels
//! in the body and the `Idempotency-Key` header. HTTP/1.1 over tokio-rustls (ring). A 2xx is delivered; a 4xx means the gateway
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
    tls: tokio_rustls::TlsConnector,
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
    let Ok(mut mac) = <hmac::Hmac<sha2_11::Sha256> as KeyInit>::new_from_slice(secret.as_bytes())
    else {
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
        let roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(WebhookSender {
            tls: tokio_rustls::TlsConnector::from(std::sync::Arc::new(tls)),
            config: c.clone(),
        })
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
        let headers = [
            ("Content-Type", "application/json".to_string()),
            ("Idempotency-Key", m.idempotency_key.clone()),
            (TIMESTAMP_HEADER, now.to_string()),
            (SIGNATURE_HEADER, sign(&self.config.secret, now, &body)),
        ];
        match tokio::time::timeout(self.config.timeout, self.post(&headers, &body)).await {
            Err(_) => Outcome::Retry(format!(
                "gateway timed out after {} s",
                self.config.timeout.as_secs()
            )),
            Ok(Err(e)) => Outcome::Retry(format!("gateway: {e}")),
            Ok(Ok((status, text))) => {
                let e = format!("gateway answered {status}: {text}");
                match status {
                    200..=299 => Outcome::Sent,
                    408 | 429 => Outcome::Retry(e),
                    400..=499 => Outcome::Failed(e),
                    _ => Outcome::Retry(e),
                }
            }
        }
    }

    /// One HTTP/1.1 POST on its own connection (`Connection: close`): the status and the start
    /// of the answer. A message a minute needs no pool, and this keeps the TLS stack to the one
    /// lettre brings.
    async fn post(
        &self,
        headers: &[(&str, String)],
        body: &[u8],
    ) -> std::io::Result<(u16, String)> {
        let url = &self.config.url;
        let host = url.host_str().unwrap_or("").to_string();
        let port = url.port_or_known_default().unwrap_or(443);
        let tcp = tokio::net::TcpStream::connect((
            host.trim_start_matches('[').trim_end_matches(']'),
            port,
        ))
        .await?;
        let mut head = format!(
            "POST {} HTTP/1.1\r\nHost: {}\r\nContent-Length: {}\r\nConnection: close\r\nUser-Agent: linli\r\n",
            request_target(url),
            host_header(url),
            body.len()
        );
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        if url.scheme() == "https" {
            let name = rustls::pki_types::ServerName::try_from(host.clone())
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
            exchange(self.tls.connect(name, tcp).await?, head.as_bytes(), body).await
        } else {
            exchange(tcp, head.as_bytes(), body).await
        }
    }
}

fn request_target(url: &url::Url) -> String {
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    }
}

fn host_header(url: &url::Url) -> String {
    let host = url.host_str().unwrap_or("");
    match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    }
}

/// Writes the request, reads the answer (at most 8 KiB of it), parses the status line.
async fn exchange<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>(
    mut s: S,
    head: &[u8],
    body: &[u8],
) -> std::io::Result<(u16, String)> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    s.write_all(head).await?;
    s.write_all(body).await?;
    s.flush().await?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 2048];
    while buf.len() < 8192 {
        match s.read(&mut chunk).await {
            Ok(0) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            // A server that closes without TLS close_notify: what was read is the answer.
            Err(_) if !buf.is_empty() => break,
            Err(e) => return Err(e),
        }
    }
    let text = String::from_utf8_lossy(&buf);
    let status = text
        .strip_prefix("HTTP/1.")
        .and_then(|t| t.get(2..5))
        .and_then(|c| c.parse::<u16>().ok())
        .ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::InvalidData, "not an HTTP answer")
        })?;
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
    Ok((status, body.chars().take(200).collect()))
}
