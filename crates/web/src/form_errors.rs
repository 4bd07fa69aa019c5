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
    fields: Vec<(&'static str, String)>,
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
                    .map(|e| (e.field, e.error.message(lang)))
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

    /// The same errors, with a field the page shows under another name moved to it (the
    /// service speaks of `scope_id`, the form has one `scope` choice).
    pub fn renamed(mut self, from: &str, to: &'static str) -> FormErrors {
        for (field, _) in &mut self.fields {
            if *field == from {
                *field = to;
            }
        }
        self
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

    #[test]
    fn errors_about_no_field_are_in_the_summary_only() {
        let e = FormErrors::new(&ServiceError::Stale { current: 3 }, Lang::En);
        assert_eq!(e.summary().len(), 1);
        assert_eq!(e.at("version"), None);
        assert!(!FormErrors::reshows(&ServiceError::Forbidden));
    }
}
