//! A statement of an account for a period (公示): the balance brought forward, income by
//! source, expenses by purpose, the balance carried forward — exact to the fen.
//!
//! Entries are signed by their effect on the balance: income positive, expenses negative,
//! and a correction the opposite of the entry it reverses, in the same category. So the
//! statement needs only the opening balance and the sum of each category over the period
//! (which the store gets from one `GROUP BY`), and `opening + income − expenses = closing`
//! holds by construction. Sums run in `i128`; a total beyond `i64` is refused, not wrapped.

use super::category::{Category, ExpensePurpose, IncomeSource};
use super::period::Period;
use crate::error::Invalid;
use crate::money::Fen;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One line of a statement: an income source or an expense purpose and its amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line<K> {
    pub key: K,
    pub amount: Fen,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    pub period: Period,
    pub opening: Fen,
    /// Every source, in the order of [`IncomeSource::ALL`], zero where nothing came in.
    pub income: Vec<Line<IncomeSource>>,
    pub income_total: Fen,
    /// Every purpose, in the order of [`ExpensePurpose::ALL`], as positive amounts spent.
    pub expenses: Vec<Line<ExpensePurpose>>,
    pub expense_total: Fen,
    pub closing: Fen,
}

fn fen(v: i128) -> Result<Fen, Invalid> {
    i64::try_from(v)
        .map(Fen)
        .map_err(|_| Invalid::AmountOverflow)
}

impl Statement {
    /// The statement of `period` from the balance before it and the signed amounts of its
    /// entries (or their sums per category, in any grouping).
    pub fn compute(
        period: Period,
        opening: Fen,
        amounts: impl IntoIterator<Item = (Category, Fen)>,
    ) -> Result<Statement, Invalid> {
        let mut sums: BTreeMap<Category, i128> = BTreeMap::new();
        for (c, a) in amounts {
            *sums.entry(c).or_default() += i128::from(a.0);
        }
        let get = |c: Category| sums.get(&c).copied().unwrap_or(0);
        let income = IncomeSource::ALL
            .iter()
            .map(|&s| {
                Ok(Line {
                    key: s,
                    amount: fen(get(Category::Income(s)))?,
                })
            })
            .collect::<Result<Vec<_>, Invalid>>()?;
        let expenses = ExpensePurpose::ALL
            .iter()
            .map(|&p| {
                Ok(Line {
                    key: p,
                    amount: fen(-get(Category::Expense(p)))?,
                })
            })
            .collect::<Result<Vec<_>, Invalid>>()?;
        let income_total: i128 = income.iter().map(|l| i128::from(l.amount.0)).sum();
        let expense_total: i128 = expenses.iter().map(|l| i128::from(l.amount.0)).sum();
        let closing = i128::from(opening.0) + income_total - expense_total;
        Ok(Statement {
            period,
            opening,
            income,
            income_total: fen(income_total)?,
            expenses,
            expense_total: fen(expense_total)?,
            closing: fen(closing)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::funds::period::Day;
    use proptest::prelude::*;

    fn q2() -> Period {
        Period::new(
            Day::parse("2024-04-01").unwrap(),
            Day::parse("2024-06-30").unwrap(),
        )
        .unwrap()
    }

    fn inc(s: IncomeSource, fen: i64) -> (Category, Fen) {
        (Category::Income(s), Fen(fen))
    }

    fn exp(p: ExpensePurpose, fen: i64) -> (Category, Fen) {
        (Category::Expense(p), Fen(-fen))
    }

    fn line<K: PartialEq + Copy>(lines: &[Line<K>], k: K) -> i64 {
        lines
            .iter()
            .find(|l| l.key == k)
            .map(|l| l.amount.0)
            .unwrap_or(i64::MIN)
    }

    #[test]
    fn five_channels_in_and_purposes_out() {
        use ExpensePurpose as P;
        use IncomeSource as S;
        let entries = vec![
            inc(S::GovernmentReward, 5_000_000),
            inc(S::Residents, 12_345),
            inc(S::Residents, 1),
            inc(S::SupportUnit, 200_000),
            inc(S::Charity, 99),
            inc(S::PublicIncome, 3_600_000),
            exp(P::Security, 3_000_000),
            exp(P::Cleaning, 123_456),
            exp(P::Repair, 1),
        ];
        let s = Statement::compute(q2(), Fen(10_000), entries).unwrap();
        assert_eq!(s.income.len(), 5);
        assert_eq!(line(&s.income, S::Residents), 12_346);
        assert_eq!(line(&s.income, S::Charity), 99);
        assert_eq!(
            s.income_total,
            Fen(5_000_000 + 12_346 + 200_000 + 99 + 3_600_000)
        );
        assert_eq!(line(&s.expenses, P::Security), 3_000_000);
        assert_eq!(
            line(&s.expenses, P::Greening),
            0,
            "every purpose is listed, zero where nothing was spent"
        );
        assert_eq!(s.expense_total, Fen(3_000_000 + 123_456 + 1));
        assert_eq!(
            s.closing,
            Fen(10_000 + s.income_total.0 - s.expense_total.0)
        );
    }

    #[test]
    fn a_correction_cancels_its_entry_in_its_own_line() {
        use IncomeSource as S;
        // 500 yuan of charity entered as 5,000; reversed, then entered right.
        let entries = vec![
            inc(S::Charity, 500_000),
            inc(S::Charity, -500_000),
            inc(S::Charity, 50_000),
        ];
        let s = Statement::compute(q2(), Fen(0), entries).unwrap();
        assert_eq!(line(&s.income, S::Charity), 50_000);
        assert_eq!(s.closing, Fen(50_000));
        // A reversed expense: spent back to zero.
        let s = Statement::compute(
            q2(),
            Fen(100),
            vec![
                exp(ExpensePurpose::Repair, 70),
                exp(ExpensePurpose::Repair, -70),
            ],
        )
        .unwrap();
        assert_eq!(s.expense_total, Fen(0));
        assert_eq!(s.closing, Fen(100));
    }

    #[test]
    fn an_empty_period_carries_the_balance_and_a_deficit_shows() {
        let s = Statement::compute(q2(), Fen(-250), Vec::new()).unwrap();
        assert_eq!(
            (s.opening, s.income_total, s.expense_total, s.closing),
            (Fen(-250), Fen(0), Fen(0), Fen(-250))
        );
        let s =
            Statement::compute(q2(), Fen(0), vec![exp(ExpensePurpose::Electricity, 1)]).unwrap();
        assert_eq!(s.closing, Fen(-1));
    }

    #[test]
    fn totals_beyond_i64_are_refused_not_wrapped() {
        let big = vec![
            inc(IncomeSource::Charity, i64::MAX),
            inc(IncomeSource::Residents, 1),
        ];
        assert_eq!(
            Statement::compute(q2(), Fen(0), big),
            Err(Invalid::AmountOverflow)
        );
        assert_eq!(
            Statement::compute(q2(), Fen(1), vec![inc(IncomeSource::Charity, i64::MAX)]),
            Err(Invalid::AmountOverflow)
        );
    }

    fn arb_entry() -> impl Strategy<Value = (Category, Fen)> {
        let amount = -10_000_000_000i64..10_000_000_000;
        prop_oneof![
            (0..IncomeSource::ALL.len(), amount.clone())
                .prop_map(|(i, a)| (Category::Income(IncomeSource::ALL[i]), Fen(a))),
            (0..ExpensePurpose::ALL.len(), amount)
                .prop_map(|(i, a)| (Category::Expense(ExpensePurpose::ALL[i]), Fen(a))),
        ]
    }

    proptest! {
        #[test]
        fn opening_plus_income_minus_expenses_is_closing(opening in -1_000_000_000_000i64..1_000_000_000_000, entries in prop::collection::vec(arb_entry(), 0..200)) {
            let s = Statement::compute(q2(), Fen(opening), entries.clone()).unwrap();
            prop_assert_eq!(s.opening.0 + s.income_total.0 - s.expense_total.0, s.closing.0);
            // The closing balance is the opening plus every signed entry, to the fen.
            prop_assert_eq!(s.closing.0, opening + entries.iter().map(|(_, a)| a.0).sum::<i64>());
            prop_assert_eq!(s.income.iter().map(|l| l.amount.0).sum::<i64>(), s.income_total.0);
            prop_assert_eq!(s.expenses.iter().map(|l| l.amount.0).sum::<i64>(), s.expense_total.0);
            // Each line is the sum of its entries, whatever their order or grouping.
            for l in &s.income {
                prop_assert_eq!(l.amount.0, entries.iter().filter(|(c, _)| *c == Category::Income(l.key)).map(|(_, a)| a.0).sum::<i64>());
            }
            let mut grouped: BTreeMap<Category, i64> = BTreeMap::new();
            for (c, a) in entries.iter().rev() {
                *grouped.entry(*c).or_default() += a.0;
            }
            let again = Statement::compute(q2(), Fen(opening), grouped.into_iter().map(|(c, a)| (c, Fen(a)))).unwrap();
            prop_assert_eq!(again, s);
        }
    }
}
