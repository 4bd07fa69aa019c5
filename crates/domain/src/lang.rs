//! The languages a user can read linli in. zh-CN is the default: most users are in China,
//! many are elderly, and an English page must never be what they see first.

crate::text_enum! {
    /// A language, written as its tag (stored in `notify_pref.lang`, sent in the API).
    #[derive(Default)]
    pub enum Lang {
        #[default]
        Zh = "zh-CN",
        En = "en",
    }
}

impl Lang {
    /// Reads a language tag loosely (`zh`, `zh-CN`, `en-US`, …); anything unknown is zh-CN.
    pub fn from_tag(tag: &str) -> Lang {
        let t = tag.trim().to_ascii_lowercase();
        if t.starts_with("en") {
            Lang::En
        } else {
            Lang::Zh
        }
    }

    /// Picks the first supported language of an `Accept-Language` header.
    pub fn from_accept_language(header: &str) -> Lang {
        for part in header.split(',') {
            let tag = part
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            if tag.starts_with("zh") {
                return Lang::Zh;
            }
            if tag.starts_with("en") {
                return Lang::En;
            }
        }
        Lang::Zh
    }

    /// The language's tag, for `lang` attributes and headers: its stored text.
    pub fn tag(self) -> &'static str {
        self.as_str()
    }

    /// Chooses between the two texts of a message.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// A name kept in both languages (a request category's): a view carries both, and the page or
/// the API shows the reader's.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Bilingual {
    pub zh: String,
    pub en: String,
}

impl Bilingual {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Bilingual {
        Bilingual {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// The text in `lang`.
    pub fn pick(&self, lang: Lang) -> &str {
        lang.pick(&self.zh, &self.en)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_prefers_first_supported() {
        assert_eq!(
            Lang::from_accept_language("en-US,en;q=0.9,zh;q=0.8"),
            Lang::En
        );
        assert_eq!(Lang::from_accept_language("zh-CN,zh;q=0.9"), Lang::Zh);
        assert_eq!(Lang::from_accept_language("fr-FR,en;q=0.5"), Lang::En);
        assert_eq!(Lang::from_accept_language(""), Lang::Zh);
        assert_eq!(Lang::from_tag("EN"), Lang::En);
        assert_eq!(Lang::from_tag("xx"), Lang::Zh);
    }
}
