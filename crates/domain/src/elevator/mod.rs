//! Elevator retrofits (加装电梯, DOMAIN §6.2): one project per unit, from the intention survey
//! to operation, paid for by the unit's households after subsidies.
//!
//! The pieces, each pure and data-driven:
//! - [`stage`]: the nine stages, the one transition function, and what blocks each step
//!   (computed from plain facts the store gathers, so the board and the step agree);
//! - [`subsidy`]: the city presets as data (Shanghai, Hangzhou, Wuhan, Wuxi, Huzhou,
//!   Nanchong, custom) and the subsidy they give for a cost;
//! - [`shares`]: the per-project floor-coefficient table and the split of the amount due
//!   into per-household shares in integer fen that add up exactly (largest remainder);
//! - [`operation`]: the monthly running costs (maintenance, electricity) shared per
//!   household, equally or by the coefficients, with the months they may be entered for;
//! - [`yuan`]: amounts and percentages as people type them, parsed exactly.

pub mod operation;
pub mod shares;
pub mod stage;
pub mod subsidy;
pub mod yuan;

pub use operation::{CostKind, OperationLine, SplitMode, Statement, check_month, split_month};
pub use shares::{
    Coefficient, CoefficientTable, HouseholdFloor, PayMethod, ShareLine, ShareMode, apportion,
    apportion_by, apportion_equally, largest_remainder,
};
pub use stage::{Blocker, DocKind, ElevatorStage, Facts, StageStep};
pub use subsidy::{SubsidyPreset, SubsidyRule};
pub use yuan::{parse_percent_bp, parse_yuan};
