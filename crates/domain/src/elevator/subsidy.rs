//! Government subsidies for a retrofit, as data (DOMAIN §6.2). A preset is a share of the
//! cost with a cap, plus a fixed amount, plus an amount for moving pipelines up to a cap;
//! "custom" is whatever amount the committee types. A project is one elevator, so "per
//! elevator" caps apply to the project.
//!
//! A preset never gives more than the cost (a fixed 200,000 yuan on a 150,000-yuan elevator
//! covers the 150,000); a custom amount above the cost is refused, because it is a typing
//! mistake or a misunderstanding that the residents should not discover on their bills.

use crate::error::Invalid;
use crate::lang::Lang;
use crate::money::Fen;
use serde::Serialize;

crate::text_enum! {
    pub enum SubsidyPreset {
        Shanghai = "shanghai",
        Hangzhou = "hangzhou",
        Wuhan = "wuhan",
        Wuxi = "wuxi",
        Huzhou = "huzhou",
        Nanchong = "nanchong",
        Custom = "custom",
    }
}

/// What a preset gives, all in fen and basis points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SubsidyRule {
    /// A share of the cost in basis points (Shanghai 40% = 4000), capped at `share_cap`.
    pub share_bp: i64,
    pub share_cap: Option<Fen>,
    /// A fixed amount per elevator (an "up to" amount: never more than the cost).
    pub fixed: Fen,
    /// Pipelines moved for the elevator are subsidised up to this amount (Hangzhou).
    pub pipelines_cap: Fen,
}

const fn yuan(y: i64) -> Fen {
    Fen(y * 100)
}

impl SubsidyPreset {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            SubsidyPreset::Shanghai => lang.pick(
                "上海：造价 40%，每台最高 28 万元",
                "Shanghai: 40% of the cost, at most 280,000 yuan",
            ),
            SubsidyPreset::Hangzhou => lang.pick(
                "杭州：每台 20 万元，管线迁移另补最高 15 万元",
                "Hangzhou: 200,000 yuan + pipelines up to 150,000",
            ),
            SubsidyPreset::Wuhan => lang.pick("武汉：每台 20 万元", "Wuhan: 200,000 yuan"),
            SubsidyPreset::Wuxi => lang.pick("无锡：每台最高 20 万元", "Wuxi: up to 200,000 yuan"),
            SubsidyPreset::Huzhou => lang.pick("湖州：每台 15 万元", "Huzhou: 150,000 yuan"),
            SubsidyPreset::Nanchong => lang.pick("南充：每台 15 万元", "Nanchong: 150,000 yuan"),
            SubsidyPreset::Custom => lang.pick("自定金额", "Custom amount"),
        }
    }

    /// The preset's terms; `None` for custom.
    pub fn rule(self) -> Option<SubsidyRule> {
        let fixed = |f: Fen| SubsidyRule {
            share_bp: 0,
            share_cap: None,
            fixed: f,
            pipelines_cap: Fen(0),
        };
        match self {
            SubsidyPreset::Shanghai => Some(SubsidyRule {
                share_bp: 4000,
                share_cap: Some(yuan(280_000)),
                fixed: Fen(0),
                pipelines_cap: Fen(0),
            }),
            SubsidyPreset::Hangzhou => Some(SubsidyRule {
                pipelines_cap: yuan(150_000),
                ..fixed(yuan(200_000))
            }),
            SubsidyPreset::Wuhan | SubsidyPreset::Wuxi => Some(fixed(yuan(200_000))),
            SubsidyPreset::Huzhou | SubsidyPreset::Nanchong => Some(fixed(yuan(150_000))),
            SubsidyPreset::Custom => None,
        }
    }

    /// The subsidy for an elevator costing `cost`, of which `pipelines` went to moving pipes.
    /// `custom` is the typed amount, used only by [`SubsidyPreset::Custom`]. Errors name
    /// what is wrong: a negative cost, pipelines above the cost, a custom amount above it.
    pub fn amount(self, cost: Fen, pipelines: Fen, custom: Fen) -> Result<Fen, Invalid> {
        if cost.0 < 0 || pipelines.0 < 0 || custom.0 < 0 {
            return Err(Invalid::Negative);
        }
        if pipelines > cost {
            return Err(Invalid::SubsidyOverCost);
        }
        let Some(rule) = self.rule() else {
            return if custom > cost {
                Err(Invalid::SubsidyOverCost)
            } else {
                Ok(custom)
            };
        };
        // Floor of cost × share: a subsidy is never rounded up.
        let share = i64::try_from(i128::from(cost.0) * i128::from(rule.share_bp) / 10_000)
            .map_err(|_| Invalid::NotANumber)?;
        let share = rule.share_cap.map_or(share, |cap| share.min(cap.0));
        let total = share
            .saturating_add(rule.fixed.0)
            .saturating_add(pipelines.0.min(rule.pipelines_cap.0));
        Ok(Fen(total.min(cost.0)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use SubsidyPreset::*;

    #[test]
    fn presets_at_their_edges() {
        let y = yuan;
        type Row = (SubsidyPreset, Fen, Fen, Fen, Result<Fen, Invalid>);
        // (preset, cost, pipelines, custom, expected)
        let table: &[Row] = &[
            // Shanghai: 40% below the cap, exactly at it (700,000 × 40% = 280,000), above it.
            (Shanghai, y(500_000), Fen(0), Fen(0), Ok(y(200_000))),
            (Shanghai, y(700_000), Fen(0), Fen(0), Ok(y(280_000))),
            (Shanghai, y(900_000), Fen(0), Fen(0), Ok(y(280_000))),
            // 40% of 0.03 yuan is 1.2 fen: rounded down.
            (Shanghai, Fen(3), Fen(0), Fen(0), Ok(Fen(1))),
            (Hangzhou, y(600_000), y(100_000), Fen(0), Ok(y(300_000))),
            (Hangzhou, y(600_000), y(200_000), Fen(0), Ok(y(350_000))),
            (Wuhan, y(500_000), Fen(0), Fen(0), Ok(y(200_000))),
            (Wuxi, y(500_000), Fen(0), Fen(0), Ok(y(200_000))),
            (Huzhou, y(500_000), Fen(0), Fen(0), Ok(y(150_000))),
            (Nanchong, y(500_000), Fen(0), Fen(0), Ok(y(150_000))),
            // A fixed subsidy larger than the cost covers the cost and no more.
            (Wuhan, y(150_000), Fen(0), Fen(0), Ok(y(150_000))),
            (Hangzhou, y(300_000), y(300_000), Fen(0), Ok(y(300_000))),
            (Custom, y(400_000), Fen(0), y(123_456), Ok(y(123_456))),
            (Custom, y(400_000), Fen(0), y(400_000), Ok(y(400_000))),
            (
                Custom,
                y(400_000),
                Fen(0),
                Fen(40_000_001),
                Err(Invalid::SubsidyOverCost),
            ),
            (Shanghai, Fen(-1), Fen(0), Fen(0), Err(Invalid::Negative)),
            (
                Hangzhou,
                y(100),
                y(101),
                Fen(0),
                Err(Invalid::SubsidyOverCost),
            ),
            (Shanghai, Fen(0), Fen(0), Fen(0), Ok(Fen(0))),
        ];
        for (preset, cost, pipes, custom, expect) in table {
            assert_eq!(
                &preset.amount(*cost, *pipes, *custom),
                expect,
                "{preset:?} {cost} {pipes} {custom}"
            );
        }
    }

    #[test]
    fn codes_round_trip() {
        for p in SubsidyPreset::ALL {
            assert_eq!(SubsidyPreset::parse(p.as_str()), Ok(p));
        }
        assert_eq!(SubsidyPreset::parse("beijing"), Err(Invalid::BadChoice));
        assert_eq!(SubsidyPreset::parse(" "), Err(Invalid::Required));
    }
}
