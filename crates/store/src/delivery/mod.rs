//! Delivering the notification outbox to people, and what a person may ask of their own data.
//!
//! The outbox (`notification` rows, written in the transaction of the change they tell about)
//! is drained by one sender loop per database (`linli-notify`): it holds the `sender_lease` row
//! ([`Store::take_sender_lease`]), asks for the messages that are due ([`Store::due_messages`]),
//! sends each once through the person's chosen channel and records the answer
//! ([`Store::record_delivery`]): sent, tried again later with a doubling wait, or — after too
//! many tries, or an answer that says trying again cannot help — a dead letter that staff see
//! ([`Store::deliveries`]). Each message carries an idempotency key that the gateway or mail
//! server sees, so a sender killed between sending and recording cannot make a second copy
//! look new. Nothing here runs on a request's path.

pub mod outbox;
pub mod personal;
pub mod prefs;
pub mod reminders;

pub use outbox::{DeliveryView, DueMessage, Outcome};
pub use prefs::{NotifyPrefsInput, NotifyPrefsView};
