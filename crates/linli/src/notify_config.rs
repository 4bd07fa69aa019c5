//! The `[notify]` table of the settings: the senders that reach people. Kept apart from
//! `config.rs` so the senders own their settings (and say which of them are secrets).

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct NotifySettings {}

impl NotifySettings {
    /// The same settings with every secret (passwords, signing keys) replaced, for printing.
    pub fn redacted(&self) -> NotifySettings {
        self.clone()
    }
}
