//! E-mail over SMTP (lettre). The message's idempotency key is its `Message-ID`, so a copy
//! sent twice (a crash between sending and recording) is one message to mail readers; the
//! stop link is in the body and in `List-Unsubscribe`.

use crate::settings::SmtpConfig;
use lettre::message::Mailbox;
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use linli_domain::notify::Message;
use linli_store::delivery::{DueMessage, Outcome};
use std::time::Duration;

pub(crate) struct EmailSender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

#[derive(Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribe(s.trim_matches(['<', '>']).to_string()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), format!("<{}>", self.0))
    }
}

impl EmailSender {
    pub(crate) fn new(c: &SmtpConfig) -> anyhow::Result<EmailSender> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&c.url)?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        Ok(EmailSender {
            transport,
            from: c.from.parse()?,
        })
    }

    pub(crate) async fn send(&self, m: &DueMessage, link: &str, stop: &str) -> Outcome {
        let Ok(to) = m.address.parse::<Mailbox>() else {
            return Outcome::Failed(format!("not an e-mail address: {}", m.address));
        };
        let text = Message::render(&m.kind, &m.detail, link, stop, m.lang);
        let domain = self.from.email.domain().to_string();
        let email = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(text.subject)
            .message_id(Some(format!("<{}@{domain}>", m.idempotency_key)))
            .header(ListUnsubscribe(stop.to_string()))
            .header(ContentType::TEXT_PLAIN)
            .body(text.body);
        let email = match email {
            Ok(e) => e,
            Err(e) => return Outcome::Failed(format!("message: {e}")),
        };
        match self.transport.send(email).await {
            Ok(_) => Outcome::Sent,
            Err(e) if e.is_permanent() => Outcome::Failed(format!("SMTP: {e}")),
            Err(e) => Outcome::Retry(format!("SMTP: {e}")),
        }
    }
}
