//! Governance standards, assessments and star ratings of compounds (DOMAIN §6.6; seeds 遂宁
//! and 纹江花园): what the street office and the city judge compounds by.
//!
//! The pieces, each pure and data-driven:
//! - [`checklist`]: a city's checklist as data — aspects and standards, how each is evidenced,
//!   which six-have item or three-no basic it decides — and the 8-aspect, 35-standard template;
//! - [`assessment`]: a period ("2024-Q3"), one mark per standard (met / partly / not met), and
//!   the six-have and three-no status derived from the marks by a rule that is shown;
//! - [`stars`]: the star-rating scheme (weights in basis points that sum to exactly 10,000,
//!   star bands that neither overlap nor leave gaps, veto items, the survey's sample rule,
//!   rewards per star) and the exact score → stars;
//! - [`plan`]: the per-compound plan's renovation kinds and funding channels.

pub mod assessment;
pub mod checklist;
pub mod plan;
pub mod stars;
pub mod status;

pub use assessment::{Derived, Mark, Period, derive};
pub use checklist::{Aspect, Basic, Checklist, EvidenceKind, Standard, suining_template};
pub use plan::{Channel, RenovationKind};
pub use stars::{
    Band, RatingInput, RatingOutcome, RatingScheme, SampleRule, StarVeto, Weights, baoan_preset,
};
pub use status::{ByPlan, ByRating, CompoundStatus};
