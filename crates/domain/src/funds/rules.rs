//! What an entry needs before it may be written, the maintenance fund's top-up warning, and
//! how a spending of the fund falls on the households of the building.
//!
//! The special maintenance fund (住宅专项维修资金) belongs to the owners: using it is Civil
//! Code Art. 278 item 5 ([`MatterClass::UseFund`], an ordinary matter), raising it item 6
//! ([`MatterClass::RaiseFund`], a major matter). Spending needs a linked proposal of that
//! class that has passed — except an emergency of the listed kinds, which is paid first,
//! marked as such and published after. Initial deposits need no decision. The other
//! accounts are kept by whoever may manage the compound's money; a decision linked to one
//! of their entries must still have passed.

use super::category::{AccountKind, Category, EmergencyKind};
use crate::area::Area;
use crate::decision::{MatterClass, ProposalStage};
use crate::error::{FieldError, Invalid};
use crate::fraction::Fraction;
use crate::money::Fen;
use serde::{Deserialize, Serialize};

/// A proposal linked to an entry, as far as the rule needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub matter: MatterClass,
    pub stage: ProposalStage,
}

impl Decision {
    /// Decided and passed: passed, being carried out, or evaluated after.
    pub fn passed(self) -> bool {
        matches!(
            self.stage,
            ProposalStage::Passed | ProposalStage::Acting | ProposalStage::Evaluated
        )
    }
}

/// What a request to write an entry asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryRequest {
    pub account: AccountKind,
    pub category: Category,
    /// An income of the maintenance fund that raises it beyond the initial deposits (续筹).
    pub top_up: bool,
    pub decision: Option<Decision>,
    pub emergency: Option<EmergencyKind>,
}

/// Why an entry may be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "approval", content = "kind", rename_all = "snake_case")]
pub enum Approval {
    /// No decision is needed (an account of the compound or a project; an initial deposit).
    Managed,
    /// A passed proposal of the class the law asks for.
    Decided,
    /// Paid first in an emergency; published after.
    Emergency(EmergencyKind),
}

/// The matter class a maintenance-fund entry's proposal must have, if it needs one.
pub fn required_matter(
    account: AccountKind,
    category: Category,
    top_up: bool,
) -> Option<MatterClass> {
    match (account, category) {
        (AccountKind::Maintenance, Category::Expense(_)) => Some(MatterClass::UseFund),
        (AccountKind::Maintenance, Category::Income(_)) if top_up => Some(MatterClass::RaiseFund),
        _ => None,
    }
}

/// The rule: which entries need which decision, and when an emergency may stand in for it.
/// Errors name the form field at fault (`proposal_id`, `emergency`, `top_up`).
pub fn approve(r: &EntryRequest) -> Result<Approval, FieldError> {
    let maintenance_expense =
        r.account == AccountKind::Maintenance && matches!(r.category, Category::Expense(_));
    if r.emergency.is_some() && !maintenance_expense {
        return Err(FieldError::new(
            "emergency",
            Invalid::EmergencyOnlyMaintenance,
        ));
    }
    if r.top_up
        && (r.account != AccountKind::Maintenance || !matches!(r.category, Category::Income(_)))
    {
        return Err(FieldError::new("top_up", Invalid::BadChoice));
    }
    let needed = required_matter(r.account, r.category, r.top_up);
    match (r.decision, needed) {
        (Some(d), _) if !d.passed() => Err(FieldError::new(
            "proposal_id",
            Invalid::DecisionNotPassed { stage: d.stage },
        )),
        (Some(d), Some(m)) if d.matter != m => Err(FieldError::new(
            "proposal_id",
            Invalid::WrongMatter { needed: m },
        )),
        (Some(_), _) => Ok(Approval::Decided),
        (None, Some(m)) => match r.emergency {
            Some(kind) if m == MatterClass::UseFund => Ok(Approval::Emergency(kind)),
            _ => Err(FieldError::new(
                "proposal_id",
                Invalid::FundNeedsDecision { matter: m },
            )),
        },
        (None, None) => Ok(Approval::Managed),
    }
}

/// The share of the initial deposit under which a top-up is due: 30% (DOMAIN §6.5).
pub const TOP_UP_DEFAULT_BP: i64 = 3_000;

/// The threshold of an account, stored in basis points.
pub fn top_up_threshold(bp: i64) -> Fraction {
    Fraction::new(bp, 10_000).unwrap_or(Fraction::from_int(0))
}

/// Whether a top-up is due: the balance is below `threshold` of the initial deposit, compared
/// exactly (`balance × den < num × initial`). An account without an initial deposit never is.
pub fn needs_top_up(balance: Fen, initial: Fen, threshold: Fraction) -> bool {
    initial.0 > 0 && !threshold.reached_by(balance.0, initial.0)
}

/// Splits a spending of the maintenance fund over the households of the building by
/// exclusive area (Civil Code Art. 283): each gets its exact share rounded down, the fen left
/// over go one each to the largest remainders (the lower household id first among equals).
/// The lines add up to `amount` exactly. Households without area take no part.
pub fn split_by_area(amount: Fen, households: &[(i64, Area)]) -> Result<Vec<(i64, Fen)>, Invalid> {
    if amount.0 < 0 {
        return Err(Invalid::Negative);
    }
    let total: i128 = households
        .iter()
        .map(|(_, a)| i128::from(a.centi().max(0)))
        .sum();
    if total == 0 {
        return Err(Invalid::NoHouseholds);
    }
    let mut lines: Vec<(i64, i128, i128)> = households
        .iter()
        .map(|&(id, a)| {
            let exact = i128::from(amount.0) * i128::from(a.centi().max(0));
            (id, exact / total, exact % total)
        })
        .collect();
    let mut left = i128::from(amount.0) - lines.iter().map(|l| l.1).sum::<i128>();
    let mut order: Vec<usize> = (0..lines.len()).collect();
    order.sort_by(|&a, &b| {
        lines[b]
            .2
            .cmp(&lines[a].2)
            .then(lines[a].0.cmp(&lines[b].0))
    });
    for i in order {
        if left <= 0 {
            break;
        }
        lines[i].1 += 1;
        left -= 1;
    }
    lines
        .into_iter()
        .map(|(id, f, _)| {
            i64::try_from(f)
                .map(|f| (id, Fen(f)))
                .map_err(|_| Invalid::AmountOverflow)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::funds::category::{ExpensePurpose, IncomeSource};
    use proptest::prelude::*;

    const SPEND: Category = Category::Expense(ExpensePurpose::Repair);
    const DEPOSIT: Category = Category::Income(IncomeSource::Residents);

    fn req(
        account: AccountKind,
        category: Category,
        decision: Option<(MatterClass, ProposalStage)>,
        emergency: Option<EmergencyKind>,
    ) -> EntryRequest {
        EntryRequest {
            account,
            category,
            top_up: false,
            decision: decision.map(|(matter, stage)| Decision { matter, stage }),
            emergency,
        }
    }

    #[test]
    fn spending_the_maintenance_fund_needs_a_passed_use_fund_decision_or_an_emergency() {
        use AccountKind::*;
        use MatterClass::*;
        use ProposalStage::*;
        let e = |field: &'static str, error: Invalid| Err(FieldError::new(field, error));
        let table: Vec<(EntryRequest, Result<Approval, FieldError>)> = vec![
            (
                req(Maintenance, SPEND, None, None),
                e(
                    "proposal_id",
                    Invalid::FundNeedsDecision { matter: UseFund },
                ),
            ),
            (
                req(Maintenance, SPEND, Some((UseFund, Passed)), None),
                Ok(Approval::Decided),
            ),
            (
                req(Maintenance, SPEND, Some((UseFund, Acting)), None),
                Ok(Approval::Decided),
            ),
            (
                req(Maintenance, SPEND, Some((UseFund, Evaluated)), None),
                Ok(Approval::Decided),
            ),
            (
                req(Maintenance, SPEND, Some((UseFund, Voting)), None),
                e("proposal_id", Invalid::DecisionNotPassed { stage: Voting }),
            ),
            (
                req(Maintenance, SPEND, Some((UseFund, Failed)), None),
                e("proposal_id", Invalid::DecisionNotPassed { stage: Failed }),
            ),
            (
                req(Maintenance, SPEND, Some((UseFund, NoQuorum)), None),
                e(
                    "proposal_id",
                    Invalid::DecisionNotPassed { stage: NoQuorum },
                ),
            ),
            (
                req(Maintenance, SPEND, Some((RaiseFund, Passed)), None),
                e("proposal_id", Invalid::WrongMatter { needed: UseFund }),
            ),
            (
                req(Maintenance, SPEND, Some((Alteration, Passed)), None),
                e("proposal_id", Invalid::WrongMatter { needed: UseFund }),
            ),
            (
                req(Maintenance, SPEND, None, Some(EmergencyKind::Leak)),
                Ok(Approval::Emergency(EmergencyKind::Leak)),
            ),
            // A failed vote is not rescued by calling it an emergency.
            (
                req(
                    Maintenance,
                    SPEND,
                    Some((UseFund, Failed)),
                    Some(EmergencyKind::Drain),
                ),
                e("proposal_id", Invalid::DecisionNotPassed { stage: Failed }),
            ),
            (req(Maintenance, DEPOSIT, None, None), Ok(Approval::Managed)),
            (
                req(Maintenance, DEPOSIT, None, Some(EmergencyKind::Leak)),
                e("emergency", Invalid::EmergencyOnlyMaintenance),
            ),
            (req(Compound, SPEND, None, None), Ok(Approval::Managed)),
            (
                req(Compound, SPEND, None, Some(EmergencyKind::FireSafety)),
                e("emergency", Invalid::EmergencyOnlyMaintenance),
            ),
            (
                req(Project, SPEND, Some((Alteration, Passed)), None),
                Ok(Approval::Decided),
            ),
            (
                req(Project, SPEND, Some((Alteration, Deliberation)), None),
                e(
                    "proposal_id",
                    Invalid::DecisionNotPassed {
                        stage: Deliberation,
                    },
                ),
            ),
        ];
        for (r, expect) in table {
            assert_eq!(approve(&r), expect, "{r:?}");
        }
    }

    #[test]
    fn raising_the_fund_is_a_major_matter() {
        let top_up = |decision| EntryRequest {
            top_up: true,
            ..req(AccountKind::Maintenance, DEPOSIT, decision, None)
        };
        assert_eq!(
            approve(&top_up(None)),
            Err(FieldError::new(
                "proposal_id",
                Invalid::FundNeedsDecision {
                    matter: MatterClass::RaiseFund
                }
            ))
        );
        assert_eq!(
            approve(&top_up(Some((MatterClass::UseFund, ProposalStage::Passed)))),
            Err(FieldError::new(
                "proposal_id",
                Invalid::WrongMatter {
                    needed: MatterClass::RaiseFund
                }
            ))
        );
        assert_eq!(
            approve(&top_up(Some((
                MatterClass::RaiseFund,
                ProposalStage::Passed
            )))),
            Ok(Approval::Decided)
        );
        assert!(MatterClass::RaiseFund.is_major() && !MatterClass::UseFund.is_major());
        let not_maintenance = EntryRequest {
            top_up: true,
            ..req(AccountKind::Compound, DEPOSIT, None, None)
        };
        assert_eq!(
            approve(&not_maintenance),
            Err(FieldError::new("top_up", Invalid::BadChoice))
        );
    }

    #[test]
    fn the_top_up_warning_is_exact_at_thirty_percent() {
        let t = top_up_threshold(TOP_UP_DEFAULT_BP);
        let initial = Fen(1_000_000);
        assert!(
            !needs_top_up(Fen(300_000), initial, t),
            "exactly 30% is not under 30%"
        );
        assert!(needs_top_up(Fen(299_999), initial, t), "one fen under");
        assert!(!needs_top_up(Fen(1_000_000), initial, t));
        assert!(needs_top_up(Fen(0), initial, t));
        assert!(needs_top_up(Fen(-5), initial, t));
        // 30% of 333.33 yuan is 99.999 yuan: 100.00 is enough, 99.99 is not.
        assert!(!needs_top_up(Fen(10_000), Fen(33_333), t));
        assert!(needs_top_up(Fen(9_999), Fen(33_333), t));
        assert!(
            !needs_top_up(Fen(0), Fen(0), t),
            "no initial deposit, no warning"
        );
        assert!(
            needs_top_up(Fen(499_999), initial, top_up_threshold(5_000)),
            "the threshold is data"
        );
    }

    fn area(centi: i64) -> Area {
        Area::from_centi(centi).unwrap()
    }

    #[test]
    fn a_spending_falls_on_the_households_by_area() {
        // 100.00 yuan over 60, 60 and 80 m²: 30, 30, 40.
        let split = split_by_area(
            Fen(10_000),
            &[(1, area(6_000)), (2, area(6_000)), (3, area(8_000))],
        )
        .unwrap();
        assert_eq!(
            split,
            vec![(1, Fen(3_000)), (2, Fen(3_000)), (3, Fen(4_000))]
        );
        // 1 fen over three equal flats: the lowest id pays it.
        let split = split_by_area(
            Fen(1),
            &[(7, area(5_000)), (5, area(5_000)), (6, area(5_000))],
        )
        .unwrap();
        assert_eq!(split, vec![(7, Fen(0)), (5, Fen(1)), (6, Fen(0))]);
        assert_eq!(
            split_by_area(Fen(-1), &[(1, area(100))]),
            Err(Invalid::Negative)
        );
        assert_eq!(split_by_area(Fen(1), &[]), Err(Invalid::NoHouseholds));
    }

    proptest! {
        #[test]
        fn area_shares_sum_exactly_and_stay_within_a_fen(amount in 0i64..10_000_000_000, areas in prop::collection::vec(1i64..1_000_000, 1..60)) {
            let hh: Vec<(i64, Area)> = areas.iter().enumerate().map(|(i, a)| (i as i64, area(*a))).collect();
            let split = split_by_area(Fen(amount), &hh).unwrap();
            prop_assert_eq!(split.iter().map(|(_, f)| f.0).sum::<i64>(), amount);
            let total: i128 = areas.iter().map(|a| i128::from(*a)).sum();
            for ((_, f), a) in split.iter().zip(&areas) {
                let exact = i128::from(amount) * i128::from(*a);
                prop_assert!(i128::from(f.0) * total > exact - total && i128::from(f.0) * total < exact + total);
            }
        }
    }
}
