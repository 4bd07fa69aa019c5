//! Where a month's rating and an appeal stand, and what a tap on a sheet is: closed sets
//! stored as text (see [`text_enum!`](crate::text_enum)).

use crate::lang::Lang;

crate::text_enum! {
    /// A month of a compound's rating: scorers fill sheets while it is open; closing it fixes
    /// the ranking and the flags.
    pub enum MonthStatus {
        Open = "open",
        Closed = "closed",
    }
}

impl MonthStatus {
    pub fn is_closed(self) -> bool {
        self == MonthStatus::Closed
    }
}

crate::text_enum! {
    /// What a tap on a sheet records: an item of the rubric's deductions, bonuses or vetoes.
    pub enum MarkKind {
        Deduction = "deduction",
        Bonus = "bonus",
        Veto = "veto",
    }
}

impl MarkKind {
    pub fn is_veto(self) -> bool {
        self == MarkKind::Veto
    }

    /// A unit may appeal a deduction or a veto, never a bonus.
    pub fn may_be_appealed(self) -> bool {
        self != MarkKind::Bonus
    }
}

crate::text_enum! {
    /// A unit's appeal against one mark: pending until a manager keeps or reverses the mark.
    pub enum AppealStatus {
        Pending = "pending",
        Kept = "kept",
        Reversed = "reversed",
    }
}

impl AppealStatus {
    pub fn is_pending(self) -> bool {
        self == AppealStatus::Pending
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            AppealStatus::Pending => lang.pick("待处理", "pending"),
            AppealStatus::Kept => lang.pick("维持扣分", "deduction kept"),
            AppealStatus::Reversed => lang.pick("撤销扣分", "deduction reversed"),
        }
    }
}
