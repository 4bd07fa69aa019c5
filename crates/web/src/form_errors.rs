//! What a refused form shows when it comes back: every error in a summary at the top, and
//! each one again beside the field it is about, in the reader's language.
//!
//! Every HTML form page carries one [`FormErrors`] (empty on first show) and renders it
//! through the `errors` and `at` macros of `templates/macros.html`, so a form re-shows itself
//! the same way everywhere: same page and header, what was typed kept, messages where the
//! eye looks for them.

use linli_domain::Lang;
use linli_store::ServiceError;

#[derive(Debug, Clone, Default)]
pub struct FormErrors {
    /// Whole sentences naming their field ("截止日期不能早于今天"), for the list at the top.
    summary: Vec<String>,
    /// (field, what is wrong), for the message under an input (its label is beside it).
    fields: Vec<(String, String)>,
}

/// No errors, for the forms of a page other than the one refused.
pub static NONE: FormErrors = FormErrors {
    summary: Vec::new(),
    fields: Vec::new(),
};

impl FormErrors {
    /// The errors of a refused submission. Errors that are not about a field (a stale edit,
    /// a limit) appear in the summary only.
    pub fn new(err: &ServiceError, lang: Lang) -> FormErrors {
        match err {
            ServiceError::Invalid(errs) => FormErrors {
                summary: errs.iter().map(|e| e.message(lang)).collect(),
                fields: errs
                    .iter()
                    .map(|e| (e.field.to_string(), e.error.message(lang)))
                    .collect(),
            },
            other => FormErrors::messages([other.message(lang)]),
        }
    }

    /// Sentences for the summary, about no field in particular (an empty list is no error).
    pub fn messages(texts: impl IntoIterator<Item = String>) -> FormErrors {
        FormErrors {
            summary: texts.into_iter().collect(),
            fields: Vec::new(),
        }
    }

    /// One sentence about one field, in the summary and under its input alike (a file that
    /// cannot be read has no shorter form of its message).
    pub fn about(field: &str, text: String) -> FormErrors {
        FormErrors {
            summary: vec![text.clone()],
            fields: vec![(field.to_string(), text)],
        }
    }

    /// Whether the page shows the errors of this one submission, or must be an error page:
    /// a refusal of who asks, or something missing or broken, is not fixed by retyping.
    pub fn reshows(err: &ServiceError) -> bool {
        !matches!(
            err,
            ServiceError::Unauthenticated
                | ServiceError::Forbidden
                | ServiceError::NotFound { .. }
                | ServiceError::Internal(_)
        )
    }

    /// The status of a page re-shown for `err`: 422 for bad input, 409 for a stale edit, 429
    /// when tried too often, as the API answers.
    pub fn status(err: &ServiceError) -> axum::http::StatusCode {
        axum::http::StatusCode::from_u16(err.status())
            .unwrap_or(axum::http::StatusCode::UNPROCESSABLE_ENTITY)
    }

    /// The same errors, with a field the page shows under another name moved to it (the
    /// service speaks of `scope_id`, the form has one `scope` choice).
    pub fn renamed(mut self, from: &str, to: &str) -> FormErrors {
        for (field, _) in &mut self.fields {
            if field == from {
                *field = to.to_string();
            }
        }
        self
    }

    /// These errors if `sent` (the form was the one refused), else none: for a page with
    /// many forms that share field names (one `reason` per mark), so the message stands
    /// under the form that was sent only.
    pub fn if_sent(&self, sent: bool) -> &FormErrors {
        if sent { self } else { &NONE }
    }

    pub fn summary(&self) -> &[String] {
        &self.summary
    }

    /// What is wrong with `field`, to show under its input.
    pub fn at(&self, field: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.summary.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use linli_domain::Invalid;

    #[test]
    fn field_errors_go_to_the_summary_with_their_label_and_to_the_field_without() {
        let e = FormErrors::new(
            &ServiceError::invalid("area", Invalid::NotPositive),
            Lang::Zh,
        );
        assert_eq!(e.summary(), ["专有面积：必须大于零"]);
        assert_eq!(e.at("area"), Some("必须大于零"));
        assert_eq!(e.at("room"), None);
    }

    /// Every field an error names anywhere in the code (`FieldError::new("…"`,
    /// `ServiceError::invalid("…"`, the registry's `field(&mut e, "…"`, …) has a label in
    /// both languages, so nobody reads "deadline：…".
    #[test]
    fn every_field_named_in_an_error_has_a_label_in_both_languages() {
        let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut names = std::collections::BTreeSet::new();
        for krate in ["domain", "store", "web"] {
            for file in rust_files(&crates.join(krate).join("src")) {
                let src = std::fs::read_to_string(&file).expect("readable source");
                names.extend(fields_named_in_errors(&src));
            }
        }
        assert!(names.len() > 100, "the scan finds the fields: {names:?}");
        let missing: Vec<&String> = names
            .iter()
            .filter(|n| {
                !linli_domain::error::FIELD_LABELS
                    .iter()
                    .any(|(name, zh, en)| name == n && !zh.is_empty() && !en.is_empty())
            })
            .collect();
        assert!(missing.is_empty(), "fields without a label: {missing:?}");
    }

    fn rust_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).expect("source folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(rust_files(&path));
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
        out
    }

    /// The string literals that follow the calls that make a field error.
    fn fields_named_in_errors(src: &str) -> Vec<String> {
        const CALLS: &[&str] = &[
            "FieldError::new(",
            "invalid(",
            "field(&mut ",
            "bad(",
            "FieldError { field: ",
        ];
        let mut out = Vec::new();
        for call in CALLS {
            for (at, _) in src.match_indices(call) {
                let mut rest = &src[at + call.len()..];
                if *call == "field(&mut " {
                    rest = rest.split_once(',').map_or("", |(_, r)| r);
                }
                let rest = rest.trim_start();
                if let Some(lit) = rest.strip_prefix('"') {
                    let name: String = lit
                        .chars()
                        .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
                        .collect();
                    if lit[name.len()..].starts_with('"') && !name.is_empty() {
                        out.push(name);
                    }
                }
            }
        }
        out
    }

    #[test]
    fn errors_about_no_field_are_in_the_summary_only() {
        let e = FormErrors::new(&ServiceError::Stale { current: 3 }, Lang::En);
        assert_eq!(e.summary().len(), 1);
        assert_eq!(e.at("version"), None);
        assert!(!FormErrors::reshows(&ServiceError::Forbidden));
    }
}
