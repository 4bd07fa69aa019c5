//! A compound's status as the dashboards count compounds, and the filters of a dashboard's
//! list of compounds.

use crate::Lang;

crate::text_enum! {
    /// Three-no when the compound row says so, six-have when all six items are present,
    /// otherwise in progress; declared in the order the dashboards show them.
    pub enum CompoundStatus {
        ThreeNo = "three_no",
        InProgress = "in_progress",
        SixHave = "six_have",
    }
}

crate::text_enum! {
    /// Which compounds of a dashboard's list by their plan (一小区一策).
    pub enum ByPlan {
        /// Those with a plan.
        Yes = "yes",
        /// Those whose plan has every item done.
        Done = "done",
        /// Those without a plan.
        No = "no",
    }
}

crate::text_enum! {
    /// Which compounds of a dashboard's list by their latest star rating.
    pub enum ByRating {
        /// Star-rated.
        Yes = "yes",
        /// Rated, and vetoed.
        Vetoed = "vetoed",
    }
}

/// All six items: the mask of a six-have compound.
const SIX: i32 = 0b11_1111;

impl CompoundStatus {
    /// The status of a compound row's three-no flag and six-have mask.
    pub fn of(three_no: bool, six_have: i32) -> CompoundStatus {
        if three_no {
            CompoundStatus::ThreeNo
        } else if six_have & SIX == SIX {
            CompoundStatus::SixHave
        } else {
            CompoundStatus::InProgress
        }
    }

    /// The place in [`CompoundStatus::ALL`]: 0 three-no, 1 in progress, 2 six-have.
    pub fn index(self) -> usize {
        match self {
            CompoundStatus::ThreeNo => 0,
            CompoundStatus::InProgress => 1,
            CompoundStatus::SixHave => 2,
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            CompoundStatus::ThreeNo => lang.pick("三无小区", "three-no"),
            CompoundStatus::SixHave => lang.pick("六有小区", "six-have"),
            CompoundStatus::InProgress => lang.pick("治理中", "in progress"),
        }
    }
}

impl ByPlan {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            ByPlan::Yes => lang.pick("有一小区一策", "with a plan"),
            ByPlan::Done => lang.pick("一小区一策已完成", "plan done"),
            ByPlan::No => lang.pick("无一小区一策", "without a plan"),
        }
    }
}

impl ByRating {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            ByRating::Yes => lang.pick("已评星", "rated"),
            ByRating::Vetoed => lang.pick("一票否决", "vetoed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_items_make_six_have_unless_three_no() {
        assert_eq!(CompoundStatus::of(false, SIX), CompoundStatus::SixHave);
        assert_eq!(
            CompoundStatus::of(false, SIX - 1),
            CompoundStatus::InProgress
        );
        assert_eq!(CompoundStatus::of(true, SIX), CompoundStatus::ThreeNo);
        for (i, s) in CompoundStatus::ALL.into_iter().enumerate() {
            assert_eq!(s.index(), i);
        }
    }
}
