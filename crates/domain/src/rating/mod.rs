//! The civility rating of units (文明单元, 红"栋"力; seed S2, 南国新家园).
//!
//! Every month a panel of four parties (community, property or self-management committee,
//! owners' committee, residents' representatives) fills one sheet per unit: a tap per
//! deduction, bonus or veto item of the compound's rubric. A unit's month is the exact mean
//! over the parties present of each party's mean sheet (a party with two scorers never counts
//! double); a veto item on any sheet makes the unit ineligible whatever its score. The top eligible units get the rotating red flag (流动红旗); at year end the units
//! with most flag-months get a share of their households' property fee, and the building and
//! unit heads who did their duty get their own subsidy.
//!
//! The pieces, each pure and data-driven:
//! - [`rubric`]: the rubric as data (categories with maxima, deductions, bonuses, exemptions,
//!   vetoes, flag, tie, award and subsidy settings), its check, its versions by month, and the
//!   南国新家园 preset;
//! - [`score`]: one sheet's points and a unit's month as an exact [`Fraction`](crate::Fraction),
//!   the mean of the parties' means;
//! - [`ranking`]: the month's ranking and flags under the rubric's tie rule and minimum score;
//! - [`awards`]: flag-months, the year's award list, and subsidies in integer fen that sum
//!   exactly (largest remainder).

pub mod awards;
pub mod ranking;
pub mod rubric;
pub mod score;
pub mod states;

pub use awards::{
    AwardTie, HeadSubsidy, Subsidy, award_units, flag_months, head_subsidy, split_subsidy,
};
pub use ranking::{NoFlag, Ranked, UnitMonth, rank};
pub use rubric::{
    AwardSettings, Category, Exemption, FlagSettings, Item, ItemKind, ItemName, Month, Party,
    Rubric, RubricVersion, TieRule, VetoItem, in_force, nanguo_preset,
};
pub use score::{Mark, PartySheet, SheetScore, one_decimal, party_mean, score_sheet, unit_month};
pub use states::{AppealStatus, MarkKind, MonthStatus};
