//! Rules of accounts that need no database: what a new password must be, and the one form of
//! a typed login that rate limits are keyed on.
//!
//! A password is checked only when it is set (a new account, a change), never at sign-in, so
//! tightening the rules locks nobody out. The rules are the ones that stop guessing, not
//! composition rules ("one digit, one capital") that make passwords harder to remember and
//! no harder to guess: long enough, not one character repeated, not the login or phone
//! itself, and not one of the 10,000 most common passwords.

use crate::error::Invalid;
use crate::lang::Lang;
use crate::registry::Phone;
use serde::Serialize;
use std::collections::HashSet;
use std::sync::LazyLock;

pub const PASSWORD_MIN_CHARS: usize = 10;
pub const PASSWORD_MAX_CHARS: usize = 128;

/// The first 10,000 entries of zxcvbn's password frequency list (ranked by how often each
/// appeared in leaked password sets; MIT licence, © Dropbox and Joshua Holmer), one a line.
const COMMON_PASSWORDS: &str = include_str!("../data/common_passwords.txt");

/// Passwords that lead lists leaked from Chinese sites and are long enough to pass the length
/// rule, but missing from the mostly English list above.
const COMMON_IN_CHINA: &[&str] = &[
    "woaini1314",
    "5201314520",
    "1314520520",
    "iloveyou1314",
    "woaiwojia1",
    "qq123456789",
    "aa123456789",
];

static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    COMMON_PASSWORDS
        .lines()
        .chain(COMMON_IN_CHINA.iter().copied())
        .collect()
});

/// Which rule a refused password broke; the message names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PasswordRule {
    TooShort,
    TooLong,
    OneCharacter,
    SameAsLogin,
    SameAsPhone,
    Common,
}

impl PasswordRule {
    pub fn message(self, lang: Lang) -> String {
        match (self, lang) {
            (PasswordRule::TooShort, Lang::Zh) => format!("至少要 {PASSWORD_MIN_CHARS} 个字符（可以用一句好记的话，如 lao-wang-3-dan-yuan）"),
            (PasswordRule::TooShort, Lang::En) => {
                format!("must have at least {PASSWORD_MIN_CHARS} characters (a phrase you remember works well)")
            }
            (PasswordRule::TooLong, Lang::Zh) => format!("最多 {PASSWORD_MAX_CHARS} 个字符"),
            (PasswordRule::TooLong, Lang::En) => format!("must have at most {PASSWORD_MAX_CHARS} characters"),
            (PasswordRule::OneCharacter, Lang::Zh) => "不能全是同一个字符".into(),
            (PasswordRule::OneCharacter, Lang::En) => "must not be one character repeated".into(),
            (PasswordRule::SameAsLogin, Lang::Zh) => "不能和账号相同".into(),
            (PasswordRule::SameAsLogin, Lang::En) => "must not be the same as the login".into(),
            (PasswordRule::SameAsPhone, Lang::Zh) => "不能是手机号".into(),
            (PasswordRule::SameAsPhone, Lang::En) => "must not be the phone number".into(),
            (PasswordRule::Common, Lang::Zh) => "太常见了（在最常用的一万个密码之中），别人一猜就中，请换一个".into(),
            (PasswordRule::Common, Lang::En) => "is one of the 10,000 most common passwords, the first anyone would guess; choose another".into(),
        }
    }
}

/// A password that may be set: it passed every rule. Holds the text as typed (spaces kept).
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

impl NewPassword {
    /// Checks `text` as the password of the account with `login` and (if it has one) `phone`.
    pub fn parse(text: &str, login: &str, phone: Option<&Phone>) -> Result<NewPassword, Invalid> {
        let weak = |rule| Err(Invalid::WeakPassword { rule });
        let chars = text.chars().count();
        if chars < PASSWORD_MIN_CHARS {
            return weak(PasswordRule::TooShort);
        }
        if chars > PASSWORD_MAX_CHARS {
            return weak(PasswordRule::TooLong);
        }
        let mut distinct = text.chars();
        let first = distinct.next();
        if distinct.all(|c| Some(c) == first) {
            return weak(PasswordRule::OneCharacter);
        }
        // Compared as people would say them: case, spaces and dashes make no difference.
        let plain = |s: &str| {
            s.chars()
                .filter(|c| !c.is_whitespace() && *c != '-')
                .flat_map(char::to_lowercase)
                .collect::<String>()
        };
        let typed = plain(text);
        if let Some(phone) = phone
            && typed.contains(phone.as_str())
        {
            return weak(PasswordRule::SameAsPhone);
        }
        if typed == plain(login) || login_key(text) == login_key(login) {
            return weak(PasswordRule::SameAsLogin);
        }
        if COMMON.contains(text.to_lowercase().as_str()) || COMMON.contains(typed.as_str()) {
            return weak(PasswordRule::Common);
        }
        Ok(NewPassword(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A typed login in the one form rate limits are keyed on when it names no account: a phone
/// number however it is written (`+86 139-1234-5678` = `13912345678`), anything else without
/// spaces, in lower case. Control characters are dropped; the result is at most 60 characters.
pub fn login_key(login: &str) -> String {
    if let Ok(phone) = Phone::parse(login) {
        return phone.as_str().to_string();
    }
    login
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .flat_map(char::to_lowercase)
        .take(60)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(text: &str, login: &str, phone: Option<&str>) -> Option<PasswordRule> {
        let phone = phone.map(|p| Phone::parse(p).unwrap());
        match NewPassword::parse(text, login, phone.as_ref()) {
            Ok(_) => None,
            Err(Invalid::WeakPassword { rule }) => Some(rule),
            Err(e) => panic!("unexpected {e:?}"),
        }
    }

    #[test]
    fn each_rule_at_its_edge() {
        assert_eq!(
            rule("        ", "zhang", None),
            Some(PasswordRule::TooShort),
            "eight spaces"
        );
        assert_eq!(
            rule("abcdefghi", "zhang", None),
            Some(PasswordRule::TooShort),
            "nine characters"
        );
        assert_eq!(rule("abcdefghij-x", "zhang", None), None);
        assert_eq!(
            rule("老王三单元的钥匙在门口", "zhang", None),
            None,
            "ten Chinese characters count as ten"
        );
        assert_eq!(
            rule(&"ab".repeat(65), "zhang", None),
            Some(PasswordRule::TooLong)
        );
        assert_eq!(
            rule("          ", "zhang", None),
            Some(PasswordRule::OneCharacter),
            "ten spaces"
        );
        assert_eq!(
            rule("aaaaaaaaaaaa", "zhang", None),
            Some(PasswordRule::OneCharacter)
        );
        assert_eq!(rule("aaaaaaaaaaab", "zhang", None), None);
        assert_eq!(
            rule("Zhang-Wei-88", "zhangwei88", None),
            Some(PasswordRule::SameAsLogin)
        );
        assert_eq!(
            rule("13912345678", "13912345678", Some("13912345678")),
            Some(PasswordRule::SameAsPhone),
            "a claim's login is the phone"
        );
        assert_eq!(
            rule("+86 139 1234 5678", "13912345678", None),
            Some(PasswordRule::SameAsLogin),
            "the login phone written otherwise"
        );
        assert_eq!(
            rule("13912345678", "zhang", Some("139-1234-5678")),
            Some(PasswordRule::SameAsPhone)
        );
        assert_eq!(
            rule("my13912345678", "zhang", Some("13912345678")),
            Some(PasswordRule::SameAsPhone)
        );
        assert_eq!(
            rule("1234567890", "zhang", None),
            Some(PasswordRule::Common)
        );
        assert_eq!(
            rule("QWERTYUIOP", "zhang", None),
            Some(PasswordRule::Common),
            "case does not hide a common one"
        );
        assert_eq!(
            rule("woaini1314", "zhang", None),
            Some(PasswordRule::Common)
        );
        assert_eq!(
            rule("linli-demo-2026", "committee", None),
            None,
            "the demo password passes"
        );
    }

    #[test]
    fn the_list_has_ten_thousand_entries() {
        assert_eq!(COMMON_PASSWORDS.lines().count(), 10_000);
        assert!(COMMON.contains("password") && COMMON.contains("12345678"));
    }

    #[test]
    fn the_message_names_the_rule() {
        let e = Invalid::WeakPassword {
            rule: PasswordRule::Common,
        };
        assert!(e.message(Lang::Zh).contains("最常用的一万个密码"));
        assert!(e.message(Lang::En).contains("10,000 most common"));
        assert!(
            Invalid::WeakPassword {
                rule: PasswordRule::TooShort
            }
            .message(Lang::Zh)
            .contains("至少要 10 个字符")
        );
    }

    #[test]
    fn logins_are_keyed_as_people_type_them() {
        assert_eq!(login_key("+86 139-1234-5678"), "13912345678");
        assert_eq!(login_key("13912345678"), "13912345678");
        assert_eq!(login_key(" Committee "), "committee");
        assert_eq!(login_key("com mit tee"), "committee");
        assert_eq!(login_key("a\u{0}b"), "ab");
        assert_eq!(login_key(&"x".repeat(500)).len(), 60);
    }
}
