//! Reaching people outside the site: the channel each person chooses, their e-mail address,
//! quiet hours for text messages, the backoff between tries, and the words of each message in
//! both languages. Pure: the sender in `linli-notify` and the store call these.

use crate::Lang;
use crate::error::Invalid;
use serde::Serialize;

crate::text_enum! {
    /// How a person wants to be told: by text message to their phone, by e-mail, or not at
    /// all (they still see every notification on the site).
    pub enum Channel {
        Sms = "sms",
        Email = "email",
        None = "none",
    }
}

crate::text_enum! {
    /// Where a notification's message outside the site stands: waiting for the sender, sent,
    /// given up after the last try, or not to be sent (the person chose no channel).
    pub enum Delivery {
        Pending = "pending",
        Sent = "sent",
        Dead = "dead",
        Skipped = "skipped",
    }
}

impl Channel {
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Channel::Sms, Lang::Zh) => "短信（发到手机）",
            (Channel::Sms, Lang::En) => "Text message to my phone",
            (Channel::Email, Lang::Zh) => "电子邮件",
            (Channel::Email, Lang::En) => "E-mail",
            (Channel::None, Lang::Zh) => "不要通知我（只在网站上看）",
            (Channel::None, Lang::En) => "Don't notify me (I'll look on the site)",
        }
    }
}

/// An e-mail address as far as it can be checked without sending to it: one `@`, a dotted
/// domain, no spaces or angle brackets, at most 254 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn parse(s: &str) -> Result<Email, Invalid> {
        let s = s.trim();
        if s.is_empty() {
            return Err(Invalid::Required);
        }
        let bad = |c: char| c.is_whitespace() || c.is_control() || "<>()[],;:\"\\".contains(c);
        let Some((local, domain)) = s.split_once('@') else {
            return Err(Invalid::BadEmail);
        };
        let ok = s.len() <= 254
            && !local.is_empty()
            && local.len() <= 64
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !s.chars().any(bad);
        if ok {
            Ok(Email(s.to_string()))
        } else {
            Err(Invalid::BadEmail)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Hours in China time during which text messages wait (a phone buzzing at night), as minutes
/// of the day; `from > to` wraps past midnight (the default 21:00–08:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    pub from: u16,
    pub to: u16,
}

impl Default for QuietHours {
    fn default() -> Self {
        QuietHours {
            from: 21 * 60,
            to: 8 * 60,
        }
    }
}

impl QuietHours {
    /// "21:00-08:00"; an empty window ("00:00-00:00") means never quiet.
    pub fn parse(s: &str) -> Result<QuietHours, Invalid> {
        let minute = |t: &str| -> Option<u16> {
            let (h, m) = t.trim().split_once(':')?;
            let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
            (h < 24 && m < 60 && m.to_string().len() <= 2).then_some(h * 60 + m)
        };
        let (a, b) = s.split_once(['-', '–']).ok_or(Invalid::BadChoice)?;
        Ok(QuietHours {
            from: minute(a).ok_or(Invalid::BadChoice)?,
            to: minute(b).ok_or(Invalid::BadChoice)?,
        })
    }

    /// Minutes from `minute_of_day` until the window ends, or `None` when it is not quiet then.
    pub fn wait(&self, minute_of_day: u16) -> Option<u16> {
        let m = minute_of_day % 1440;
        let quiet = if self.from <= self.to {
            m >= self.from && m < self.to
        } else {
            m >= self.from || m < self.to
        };
        quiet.then(|| (self.to + 1440 - m) % 1440)
    }
}

impl std::fmt::Display for QuietHours {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:02}:{:02}-{:02}:{:02}",
            self.from / 60,
            self.from % 60,
            self.to / 60,
            self.to % 60
        )
    }
}

/// Seconds to wait before try number `attempts + 1` after `attempts` failed tries: one minute,
/// doubling, at most six hours — a gateway that is down for an afternoon is not hammered, and
/// a message still arrives the same day once it is back.
pub fn backoff(attempts: u32) -> i64 {
    const BASE: i64 = 60;
    const MAX: i64 = 6 * 3600;
    BASE.saturating_mul(1i64 << attempts.min(20)).min(MAX)
}

/// The words of a message about one notification: a subject and a body in the recipient's
/// language, with the absolute link to the page and the link that stops the messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    pub subject: String,
    pub body: String,
}

/// What each kind of notification says before its detail, in both languages.
pub fn kind_label(kind: &str, lang: Lang) -> &'static str {
    match (kind, lang) {
        ("voting.open", Lang::Zh) => "投票开始了，请投票",
        ("voting.open", Lang::En) => "A vote has opened: please vote",
        ("voting.closing", Lang::Zh) => "投票 24 小时内截止，您还没有投票",
        ("voting.closing", Lang::En) => "A vote closes within 24 hours and you have not voted",
        ("proposal.decided" | "proposal.result", Lang::Zh) => "表决结果已公布",
        ("proposal.decided" | "proposal.result", Lang::En) => "The result of a vote is published",
        ("elevator.bill", Lang::Zh) => "加装电梯费用账单已出",
        ("elevator.bill", Lang::En) => "Your elevator retrofit bill is issued",
        ("elevator.reminder", Lang::Zh) => "加装电梯费用缴纳提醒",
        ("elevator.reminder", Lang::En) => "Reminder: your elevator retrofit share is unpaid",
        ("request.assigned", Lang::Zh) => "有一件报事交给您处理",
        ("request.assigned", Lang::En) => "A service request was given to you",
        ("request.resolved", Lang::Zh) => "您的报事已处理，请确认并评价",
        ("request.resolved", Lang::En) => {
            "Your service request was dealt with: please confirm and rate it"
        }
        ("request.due", Lang::Zh) => "报事将在 24 小时内到期",
        ("request.due", Lang::En) => "A service request falls due within 24 hours",
        ("request.escalated", Lang::Zh) => "报事超期，已上报社区",
        ("request.escalated", Lang::En) => {
            "A service request is overdue and went up to the community"
        }
        ("rating.sheets_due", Lang::Zh) => "文明评比打分表即将截止，请提交",
        ("rating.sheets_due", Lang::En) => "Your civility rating score sheets are due",
        (_, Lang::Zh) => "邻里消息",
        (_, Lang::En) => "A message from linli",
    }
}

impl Message {
    /// `detail` is the notification's own text (names stay as people wrote them);
    /// `link` and `unsubscribe` are absolute URLs.
    pub fn render(kind: &str, detail: &str, link: &str, unsubscribe: &str, lang: Lang) -> Message {
        let label = kind_label(kind, lang);
        let colon = if lang == Lang::Zh { "：" } else { ": " };
        let subject = format!("{label}{colon}{detail}")
            .chars()
            .take(200)
            .collect();
        let (open, stop) = match lang {
            Lang::Zh => ("查看：", "不想再收到这些消息？请点："),
            Lang::En => ("Open: ", "Stop these messages: "),
        };
        let body = format!("{label}\n{detail}\n\n{open}{link}\n\n{stop}{unsubscribe}\n");
        Message { subject, body }
    }

    /// A text message: short, the label, the detail and the link; the stop link last.
    pub fn sms(kind: &str, detail: &str, link: &str, unsubscribe: &str, lang: Lang) -> String {
        let stop = match lang {
            Lang::Zh => "退订",
            Lang::En => "Stop",
        };
        format!(
            "【邻里】{}：{detail} {link} {stop}：{unsubscribe}",
            kind_label(kind, lang)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_addresses() {
        for ok in ["a@b.cn", "wang.li+vote@example.com.cn"] {
            assert!(Email::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "", "a", "a@b", "@b.cn", "a@b@c.cn", "a b@c.cn", "a@.cn", "a@b.", "<a@b.cn>",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Email::parse(" a@b.cn ").map(|e| e.as_str().to_string()),
            Ok("a@b.cn".into())
        );
    }

    #[test]
    fn quiet_hours_wrap_past_midnight() {
        let q = QuietHours::default();
        assert_eq!(q.to_string(), "21:00-08:00");
        assert_eq!(q.wait(20 * 60 + 59), None);
        assert_eq!(q.wait(21 * 60), Some(11 * 60));
        assert_eq!(q.wait(0), Some(8 * 60));
        assert_eq!(q.wait(7 * 60 + 59), Some(1));
        assert_eq!(q.wait(8 * 60), None);
        let day = QuietHours::parse("12:00-13:30").unwrap_or_default();
        assert_eq!(
            (
                day.wait(11 * 60 + 59),
                day.wait(12 * 60),
                day.wait(13 * 60 + 30)
            ),
            (None, Some(90), None)
        );
        assert_eq!(
            QuietHours::parse("00:00-00:00").map(|q| q.wait(600)),
            Ok(None)
        );
        for bad in ["", "21:00", "25:00-08:00", "21:60-08:00", "21-08"] {
            assert!(QuietHours::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn backoff_doubles_up_to_six_hours() {
        assert_eq!([0, 1, 2, 3].map(backoff), [60, 120, 240, 480]);
        assert_eq!(backoff(9), 6 * 3600);
        assert_eq!(backoff(1000), 6 * 3600);
    }

    #[test]
    fn messages_in_both_languages() {
        let zh = Message::render(
            "voting.open",
            "加装电梯",
            "https://x.cn/proposals/1",
            "https://x.cn/unsubscribe/t",
            Lang::Zh,
        );
        assert_eq!(zh.subject, "投票开始了，请投票：加装电梯");
        assert!(
            zh.body.contains("https://x.cn/proposals/1")
                && zh.body.contains("https://x.cn/unsubscribe/t")
        );
        let en = Message::render(
            "voting.open",
            "加装电梯",
            "https://x.cn/proposals/1",
            "https://x.cn/unsubscribe/t",
            Lang::En,
        );
        assert_eq!(en.subject, "A vote has opened: please vote: 加装电梯");
        assert_eq!(
            Message::sms("voting.open", "加装电梯", "L", "U", Lang::Zh),
            "【邻里】投票开始了，请投票：加装电梯 L 退订：U"
        );
    }
}
