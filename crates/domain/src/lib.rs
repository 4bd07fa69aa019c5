//! The pure core of linli: the types that carry the rules and the rules themselves.
//!
//! Nothing in this crate does I/O or is async. Input from forms, the API, files and the
//! database is parsed into these types once (`Area::parse`, `Phone::parse`, …), so the
//! rest of the program never handles a bad value. Every threshold is data, compared with
//! exact integer arithmetic; there is no `f64` near an area, a sum of money or a vote.

pub mod account;
pub mod area;
pub mod audit;
pub mod authz;
pub mod calendar;
pub mod decision;
pub mod elevator;
pub mod error;
pub mod files;
pub mod fraction;
pub mod funds;
pub mod lang;
pub mod money;
pub mod notify;
pub mod page;
pub mod place;
pub mod rating;
pub mod registry;
pub mod requests;
pub mod standards;
pub mod text_enum;
pub mod volunteers;

pub use area::{Area, AreaSource};
pub use error::{FieldError, Invalid};
pub use fraction::Fraction;
pub use lang::{Bilingual, Lang};
pub use money::Fen;
pub use page::{PageRequest, Paged};
