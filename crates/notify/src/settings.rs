//! The senders' settings, as `serve` flags and environment variables (and, being `Deserialize`,
//! as a section of a config file), and their parsed form: a sender URL that is not https (or
//! smtps / SMTP with required TLS) is refused unless it points at this machine.

use linli_domain::notify::QuietHours;
use serde::Deserialize;
use std::time::Duration;
use url::Url;

#[derive(clap::Args, Clone, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct NotifySettings {
    /// The site's address as people reach it, for the links in messages
    /// (https://linli.example.gov.cn). Without it no message is sent.
    #[arg(long = "notify-base-url", env = "LINLI_NOTIFY_BASE_URL")]
    pub base_url: Option<String>,
    /// The mail server for e-mail: smtps://USER:PASS@HOST:465 or
    /// smtp://USER:PASS@HOST:587?tls=required (plain smtp:// only to this machine).
    #[arg(long = "smtp-url", env = "LINLI_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// The sender of e-mail.
    #[arg(
        long = "smtp-from",
        env = "LINLI_SMTP_FROM",
        default_value = "linli <noreply@localhost>"
    )]
    #[serde(default = "default_from")]
    pub smtp_from: String,
    /// The SMS / WeChat gateway that takes signed JSON messages (https; http only to this machine).
    #[arg(long = "webhook-url", env = "LINLI_WEBHOOK_URL")]
    pub webhook_url: Option<String>,
    /// The shared secret of the HMAC-SHA256 signature of each webhook message.
    #[arg(long = "webhook-secret", env = "LINLI_WEBHOOK_SECRET")]
    pub webhook_secret: Option<String>,
    /// Hours (China time) in which text messages wait, e.g. 21:00-08:00; 00:00-00:00 for none.
    #[arg(
        long = "quiet-hours",
        env = "LINLI_QUIET_HOURS",
        default_value = "21:00-08:00"
    )]
    #[serde(default = "default_quiet")]
    pub quiet_hours: String,
    /// Tries of one message before it is a dead letter.
    #[arg(
        long = "notify-max-attempts",
        env = "LINLI_NOTIFY_MAX_ATTEMPTS",
        default_value_t = 8
    )]
    #[serde(default = "default_attempts")]
    pub max_attempts: u32,
    /// Seconds between passes of the sender loop.
    #[arg(
        long = "notify-interval",
        env = "LINLI_NOTIFY_INTERVAL",
        default_value_t = 15
    )]
    #[serde(default = "default_interval")]
    pub interval_secs: u64,
}

fn default_from() -> String {
    "linli <noreply@localhost>".into()
}
fn default_quiet() -> String {
    "21:00-08:00".into()
}
fn default_attempts() -> u32 {
    8
}
fn default_interval() -> u64 {
    15
}

/// Secrets never reach a log: the SMTP password and the webhook secret are redacted.
impl std::fmt::Debug for NotifySettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NotifySettings")
            .field("base_url", &self.base_url)
            .field("smtp_url", &self.smtp_url.as_deref().map(redact_url))
            .field("smtp_from", &self.smtp_from)
            .field("webhook_url", &self.webhook_url)
            .field(
                "webhook_secret",
                &self.webhook_secret.as_ref().map(|_| "[redacted]"),
            )
            .field("quiet_hours", &self.quiet_hours)
            .field("max_attempts", &self.max_attempts)
            .field("interval_secs", &self.interval_secs)
            .finish()
    }
}

/// A URL with its password replaced.
pub fn redact_url(url: &str) -> String {
    match Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("redacted"));
            u.to_string()
        }
        Ok(u) => u.to_string(),
        Err(_) => "[unparsable]".into(),
    }
}

/// A setting that cannot be used, named.
#[derive(Debug, thiserror::Error)]
#[error("{setting}: {problem}")]
pub struct SettingsError {
    pub setting: &'static str,
    pub problem: String,
}

fn bad(setting: &'static str, problem: impl Into<String>) -> SettingsError {
    SettingsError {
        setting,
        problem: problem.into(),
    }
}

#[derive(Debug, Clone)]
pub struct SmtpConfig {
    pub url: String,
    pub from: String,
}

#[derive(Debug, Clone)]
pub struct WebhookConfig {
    pub url: Url,
    pub secret: String,
    pub timeout: Duration,
}

/// The settings parsed: what the loop runs with.
#[derive(Debug, Clone)]
pub struct SenderConfig {
    /// Without a trailing slash.
    pub base_url: String,
    pub smtp: Option<SmtpConfig>,
    pub webhook: Option<WebhookConfig>,
    pub quiet_hours: QuietHours,
    pub max_attempts: u32,
    pub interval: Duration,
}

fn loopback(url: &Url) -> bool {
    let host = url
        .host_str()
        .unwrap_or("")
        .trim_start_matches('[')
        .trim_end_matches(']');
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|a| a.is_loopback())
}

impl NotifySettings {
    /// The parsed configuration, or `None` when nothing is to be sent (no sender set).
    pub fn parse(&self) -> Result<Option<SenderConfig>, SettingsError> {
        let quiet_hours = QuietHours::parse(&self.quiet_hours).map_err(|_| {
            bad(
                "quiet-hours",
                format!("{:?} is not like 21:00-08:00", self.quiet_hours),
            )
        })?;
        if self.max_attempts == 0 || self.max_attempts > 50 {
            return Err(bad("notify-max-attempts", "must be between 1 and 50"));
        }
        let smtp = match self.smtp_url.as_deref().filter(|s| !s.trim().is_empty()) {
            None => None,
            Some(s) => {
                let url = Url::parse(s).map_err(|e| bad("smtp-url", e.to_string()))?;
                let tls = url.scheme() == "smtps"
                    || url
                        .query_pairs()
                        .any(|(k, v)| k == "tls" && v == "required");
                if !matches!(url.scheme(), "smtp" | "smtps") {
                    return Err(bad("smtp-url", "must start with smtps:// or smtp://"));
                }
                if !tls && !loopback(&url) {
                    return Err(bad(
                        "smtp-url",
                        "must use TLS (smtps://, or smtp://…?tls=required) unless the server is on this machine",
                    ));
                }
                if self.smtp_from.parse::<lettre::message::Mailbox>().is_err() {
                    return Err(bad(
                        "smtp-from",
                        format!(
                            "{:?} is not an e-mail sender like linli <noreply@example.cn>",
                            self.smtp_from
                        ),
                    ));
                }
                Some(SmtpConfig {
                    url: s.to_string(),
                    from: self.smtp_from.clone(),
                })
            }
        };
        let webhook = match self.webhook_url.as_deref().filter(|s| !s.trim().is_empty()) {
            None => None,
            Some(s) => {
                let url = Url::parse(s).map_err(|e| bad("webhook-url", e.to_string()))?;
                match url.scheme() {
                    "https" => {}
                    "http" if loopback(&url) => {}
                    _ => {
                        return Err(bad(
                            "webhook-url",
                            "must be https:// (http:// only to this machine)",
                        ));
                    }
                }
                let secret = self
                    .webhook_secret
                    .clone()
                    .filter(|s| s.len() >= 16)
                    .ok_or_else(|| {
                        bad(
                            "webhook-secret",
                            "is required with webhook-url, at least 16 characters",
                        )
                    })?;
                Some(WebhookConfig {
                    url,
                    secret,
                    timeout: Duration::from_secs(10),
                })
            }
        };
        if smtp.is_none() && webhook.is_none() {
            return Ok(None);
        }
        let base = self
            .base_url
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| {
                bad(
                    "notify-base-url",
                    "is required to send messages: the links in them point there",
                )
            })?;
        let base_url = Url::parse(base).map_err(|e| bad("notify-base-url", e.to_string()))?;
        if !matches!(base_url.scheme(), "http" | "https") {
            return Err(bad("notify-base-url", "must start with https://"));
        }
        Ok(Some(SenderConfig {
            base_url: base.trim_end_matches('/').to_string(),
            smtp,
            webhook,
            quiet_hours,
            max_attempts: self.max_attempts,
            interval: Duration::from_secs(self.interval_secs.max(1)),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(webhook: &str, smtp: &str) -> NotifySettings {
        NotifySettings {
            base_url: Some("https://linli.example.cn/".into()),
            smtp_url: Some(smtp.into()).filter(|s: &String| !s.is_empty()),
            smtp_from: default_from(),
            webhook_url: Some(webhook.into()).filter(|s: &String| !s.is_empty()),
            webhook_secret: Some("0123456789abcdef".into()),
            quiet_hours: default_quiet(),
            max_attempts: 8,
            interval_secs: 15,
        }
    }

    #[test]
    fn sender_urls_must_be_secure_except_to_this_machine() {
        for ok in [
            "https://sms.example.cn/hook",
            "http://127.0.0.1:9000/hook",
            "http://localhost/hook",
            "http://[::1]:80/",
        ] {
            assert!(settings(ok, "").parse().is_ok(), "{ok}");
        }
        for badurl in ["http://sms.example.cn/hook", "ftp://x/", "not a url"] {
            let e = settings(badurl, "").parse().err();
            assert_eq!(e.map(|e| e.setting), Some("webhook-url"), "{badurl}");
        }
        for ok in [
            "smtps://u:p@mail.example.cn",
            "smtp://mail.example.cn:587?tls=required",
            "smtp://127.0.0.1:2525",
        ] {
            assert!(settings("", ok).parse().is_ok(), "{ok}");
        }
        assert_eq!(
            settings("", "smtp://mail.example.cn:25")
                .parse()
                .err()
                .map(|e| e.setting),
            Some("smtp-url")
        );
        let mut s = settings("https://sms.example.cn/", "");
        s.webhook_secret = None;
        assert_eq!(s.parse().err().map(|e| e.setting), Some("webhook-secret"));
        assert!(
            settings("", "")
                .parse()
                .map(|c| c.is_none())
                .unwrap_or(false),
            "nothing to send with"
        );
    }

    #[test]
    fn debug_hides_secrets() {
        let mut s = settings(
            "https://sms.example.cn/",
            "smtps://u:hunter2@mail.example.cn",
        );
        s.webhook_secret = Some("topsecretwebhookkey".into());
        let d = format!("{s:?}");
        assert!(!d.contains("hunter2") && !d.contains("topsecret"), "{d}");
    }
}
