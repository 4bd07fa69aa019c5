//! The words of the ledger: kinds of account, where income comes from, what expenses are
//! for, and the emergencies that may be paid from the maintenance fund before the owners
//! decide. Each is a closed list with a stable code (stored, and used by the API) and its
//! label in both languages.

use crate::error::Invalid;
use crate::lang::Lang;
use serde::{Deserialize, Serialize};

/// A closed list of codes with labels: [`text_enum!`](crate::text_enum) plus `label`.
macro_rules! coded {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $code:literal, $zh:literal, $en:literal;)+ }) => {
        crate::text_enum! {
            $(#[$doc])*
            pub enum $name {
                $($(#[$vdoc])* $variant = $code,)+
            }
        }

        impl $name {
            pub fn label(self, lang: Lang) -> &'static str {
                match self {
                    $($name::$variant => lang.pick($zh, $en),)+
                }
            }
        }
    };
}

coded! {
    /// What an account is for.
    AccountKind {
        /// The compound's own account (小区公共收益与自筹资金).
        Compound = "compound", "小区账户", "Compound account";
        /// One project's account, e.g. an elevator retrofit's.
        Project = "project", "项目账户", "Project account";
        /// A building's special maintenance fund (住宅专项维修资金), kept per household.
        Maintenance = "maintenance", "专项维修资金", "Special maintenance fund";
    }
}

impl AccountKind {
    /// A building's special maintenance fund: kept per household, with emergencies.
    pub fn is_maintenance(self) -> bool {
        self == AccountKind::Maintenance
    }
}

coded! {
    /// Whether an entry brings money in or pays it out.
    Direction {
        Income = "income", "收入", "Income";
        Expense = "expense", "支出", "Expense";
    }
}

coded! {
    /// The five channels money comes from (seed S4, 遂宁).
    IncomeSource {
        /// 以奖代补: rewards in place of subsidies.
        GovernmentReward = "government_reward", "以奖代补（政府奖补）", "Government reward";
        /// Residents' own contributions, shares and deposits.
        Residents = "residents", "居民自筹", "Residents' contributions";
        /// 共建单位: units that support the compound.
        SupportUnit = "support_unit", "共建单位支持", "Support units";
        Charity = "charity", "慈善捐赠", "Charity";
        /// Parking fees, advertising and other income from common parts.
        PublicIncome = "public_income", "公共收益（停车、广告等）", "Public income (parking, advertising)";
    }
}

coded! {
    /// What money was spent on.
    ExpensePurpose {
        Repair = "repair", "维修", "Repairs";
        Elevator = "elevator", "电梯（加装、维保）", "Elevator (retrofit, upkeep)";
        Maintenance = "maintenance", "设施养护", "Upkeep of facilities";
        Electricity = "electricity", "公共电费", "Electricity";
        Cleaning = "cleaning", "保洁", "Cleaning";
        Security = "security", "安保", "Security";
        Greening = "greening", "绿化", "Greening";
        Other = "other", "其他", "Other";
    }
}

coded! {
    /// Emergencies the maintenance fund may pay first and publish after (DOMAIN §6.5).
    EmergencyKind {
        ElevatorFault = "elevator_fault", "电梯故障", "Elevator fault";
        FireSafety = "fire_safety", "消防安全隐患", "Fire safety";
        FacadeDanger = "facade_danger", "外墙脱落危险", "Façade danger";
        Leak = "leak", "屋面、外墙渗漏", "Leak";
        Drain = "drain", "排水管道堵塞破损", "Blocked or broken drains";
    }
}

/// The line of a statement an entry belongs to: an income source or an expense purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "direction", content = "category", rename_all = "snake_case")]
pub enum Category {
    Income(IncomeSource),
    Expense(ExpensePurpose),
}

impl Category {
    /// A direction and a category code as stored: `("income", "charity")`.
    pub fn parse(direction: &str, category: &str) -> Result<Category, Invalid> {
        Category::of(Direction::parse(direction)?, category)
    }

    /// The category of a known direction written as its code (`"charity"` of an income).
    pub fn of(direction: Direction, category: &str) -> Result<Category, Invalid> {
        match direction {
            Direction::Income => IncomeSource::parse(category).map(Category::Income),
            Direction::Expense => ExpensePurpose::parse(category).map(Category::Expense),
        }
    }

    pub fn direction(self) -> Direction {
        match self {
            Category::Income(_) => Direction::Income,
            Category::Expense(_) => Direction::Expense,
        }
    }

    /// The category's own code (the source or the purpose).
    pub fn code(self) -> &'static str {
        match self {
            Category::Income(s) => s.as_str(),
            Category::Expense(p) => p.as_str(),
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Category::Income(s) => s.label(lang),
            Category::Expense(p) => p.label(lang),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_distinct() {
        fn check<T: Copy + PartialEq + std::fmt::Debug>(
            all: &[T],
            code: impl Fn(T) -> &'static str,
            parse: impl Fn(&str) -> Result<T, Invalid>,
        ) {
            let mut codes: Vec<&str> = all.iter().map(|x| code(*x)).collect();
            for x in all {
                assert_eq!(parse(code(*x)), Ok(*x));
            }
            codes.sort_unstable();
            codes.dedup();
            assert_eq!(codes.len(), all.len());
            assert_eq!(parse(""), Err(Invalid::Required));
            assert_eq!(parse("bribe"), Err(Invalid::BadChoice));
        }
        check(&AccountKind::ALL, AccountKind::as_str, AccountKind::parse);
        check(
            &IncomeSource::ALL,
            IncomeSource::as_str,
            IncomeSource::parse,
        );
        check(
            &ExpensePurpose::ALL,
            ExpensePurpose::as_str,
            ExpensePurpose::parse,
        );
        check(
            &EmergencyKind::ALL,
            EmergencyKind::as_str,
            EmergencyKind::parse,
        );
        assert_eq!(IncomeSource::ALL.len(), 5, "the five channels of seed S4");
        assert_eq!(EmergencyKind::ALL.len(), 5);
    }

    #[test]
    fn a_category_needs_a_code_of_its_direction() {
        assert_eq!(
            Category::parse("income", "charity"),
            Ok(Category::Income(IncomeSource::Charity))
        );
        assert_eq!(
            Category::parse("expense", "cleaning"),
            Ok(Category::Expense(ExpensePurpose::Cleaning))
        );
        assert_eq!(
            Category::parse("expense", "charity"),
            Err(Invalid::BadChoice)
        );
        assert_eq!(
            Category::parse("income", "cleaning"),
            Err(Invalid::BadChoice)
        );
        assert_eq!(Category::parse("gift", "charity"), Err(Invalid::BadChoice));
        assert_eq!(
            Category::Income(IncomeSource::PublicIncome).direction(),
            Direction::Income
        );
        assert_eq!(Category::Expense(ExpensePurpose::Repair).code(), "repair");
        for lang in [Lang::Zh, Lang::En] {
            assert!(
                !Category::Income(IncomeSource::GovernmentReward)
                    .label(lang)
                    .is_empty()
            );
        }
    }
}
