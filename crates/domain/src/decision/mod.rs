//! Collective decisions of owners ("民提议·民商议·民决议·同行动"), kept to what a court would
//! uphold.
//!
//! The Civil Code (民法典) Art. 278 lists the matters owners decide together and sets the
//! numbers: two thirds of the exclusive area and of the owners must take part; major matters
//! (items 6–8) need three quarters of the participants by area and by headcount, every other
//! matter more than half. The Supreme People's Court's interpretation on 建筑物区分所有权
//! (Arts. 8–9) says how area and heads are counted, and local rules for elevator retrofits
//! (Beijing 2020, Jinan 2019, compounds' own "more than two thirds") replace those numbers
//! within one unit. A decision infringing an owner's rights can be revoked within a year
//! (Art. 280), so every part here is exact and explainable after the fact.
//!
//! The pieces, each pure and data-driven:
//! - [`matter`]: the nine classes of Art. 278 plus advisory polls, and the rule each defaults to;
//! - [`rule`] and [`preset`]: a rule is a list of thresholds (any measure, any base, inclusive
//!   or strict) plus consent and objection conditions and headcount switches; presets are the
//!   named rules of the law and of local practice, to be chosen or copied and edited;
//! - [`electorate`]: the frozen roll of voters built from households and owners (SPC Art. 9);
//! - [`tally`]: ballots against a rule, in integers, with every check reported for the notice;
//! - [`stage`]: the life of a proposal as one transition function;
//! - [`ballot`]: how a ballot was cast and the evidence each way requires;
//! - [`election`]: electing N of M candidates (Art. 278 item 3);
//! - [`kinds`]: scope, objection concerns, door-knocking outcomes, file kinds, election kinds.

pub mod ballot;
pub mod election;
pub mod electorate;
pub mod kinds;
pub mod matter;
pub mod preset;
pub mod rule;
pub mod stage;
pub mod tally;

pub use ballot::{Authority, CastMethod, Evidence};
pub use election::{CandidateResult, Election, ElectionResult};
pub use electorate::{ElectorHousehold, Electorate, ElectorateError, Voter, VoterKey};
pub use kinds::{Concern, ElectionKind, Nomination, ProposalFileKind, Scope, VisitOutcome};
pub use matter::MatterClass;
pub use preset::Preset;
pub use rule::{Base, Counted, DecisionRule, HeadcountRules, Measure, Threshold};
pub use stage::{ProposalStage, StageEvent};
pub use tally::{Check, CheckKind, Choice, Counts, Outcome, TallyContext, TallyResult, tally};
