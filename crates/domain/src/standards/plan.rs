//! The per-compound plan (一小区一策): the kinds of renovation it may hold, with the unit
//! each is counted in, and the five funding channels of seed 003.

use crate::lang::Lang;

crate::text_enum! {
    /// What a plan renovates. Quantities are integers in the kind's unit.
    pub enum RenovationKind {
        /// Rain and sewage pipes, in metres.
        Pipes = "pipes",
        /// New parking spaces.
        Parking = "parking",
        /// Lighting, in lamps.
        Lighting = "lighting",
        /// Elevators added.
        Elevators = "elevators",
        /// Smart access gates.
        SmartAccess = "smart_access",
        /// Security cameras and gates.
        Security = "security",
        Other = "other",
    }
}

impl RenovationKind {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            RenovationKind::Pipes => lang.pick("雨污管网", "pipes"),
            RenovationKind::Parking => lang.pick("停车位", "parking spaces"),
            RenovationKind::Lighting => lang.pick("照明", "lighting"),
            RenovationKind::Elevators => lang.pick("加装电梯", "elevators"),
            RenovationKind::SmartAccess => lang.pick("智能门禁", "smart access"),
            RenovationKind::Security => lang.pick("安防监控", "security cameras"),
            RenovationKind::Other => lang.pick("其他", "other"),
        }
    }

    /// The unit a quantity of this kind is counted in.
    pub fn unit(self, lang: Lang) -> &'static str {
        match self {
            RenovationKind::Pipes => lang.pick("米", "m"),
            RenovationKind::Parking => lang.pick("个", "spaces"),
            RenovationKind::Lighting => lang.pick("盏", "lamps"),
            RenovationKind::Elevators => lang.pick("部", "elevators"),
            RenovationKind::SmartAccess => lang.pick("处", "gates"),
            RenovationKind::Security => lang.pick("个", "cameras"),
            RenovationKind::Other => lang.pick("项", "items"),
        }
    }
}

crate::text_enum! {
    /// Where a plan's money comes from (seed 003's five channels).
    pub enum Channel {
        GovernmentReward = "government_reward",
        Residents = "residents",
        SupportUnit = "support_unit",
        Charity = "charity",
        PublicIncome = "public_income",
    }
}

impl Channel {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Channel::GovernmentReward => lang.pick("财政以奖代补", "government reward"),
            Channel::Residents => lang.pick("居民自筹", "residents' contributions"),
            Channel::SupportUnit => lang.pick("帮扶单位援助", "support units"),
            Channel::Charity => lang.pick("社会慈善捐赠", "charity"),
            Channel::PublicIncome => lang.pick("公共收益", "public income"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Invalid;

    #[test]
    fn kinds_round_trip() {
        for k in RenovationKind::ALL {
            assert_eq!(RenovationKind::parse(k.as_str()), Ok(k));
        }
        assert_eq!(RenovationKind::parse("roof"), Err(Invalid::BadChoice));
        assert_eq!(RenovationKind::parse(""), Err(Invalid::Required));
    }
}
