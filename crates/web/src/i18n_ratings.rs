//! The words of the civility-rating pages (红"栋"力: months, scoring sheets, red flags,
//! appeals, year-end awards). `T::s` looks here too.

use linli_domain::{Fen, Lang};

/// The property fee per m² and month a year's subsidies are reckoned from: "0.60 元/m²·月";
/// empty for a year without a closed month.
pub fn fee_rate(rate: Option<Fen>, lang: Lang) -> String {
    rate.map(|f| format!("{f} {}", lang.pick("元/m²·月", "yuan per m² per month")))
        .unwrap_or_default()
}

/// (key, 中文, English)
pub const MESSAGES: &[(&str, &str, &str)] = &[
    (
        "rt_title",
        "文明单元评比（红“栋”力）",
        "Civility rating of units",
    ),
    (
        "rt_intro",
        "社区、物业（自管委）、业委会、居民代表四方每月给每个单元打分，得分最高的单元获得流动红旗，年底按获旗次数发放物业费补贴。",
        "Each month the community, the property or self-management committee, the owners' committee and residents' representatives score every unit; the best units get the rotating red flag, and at year end the units with most flags get a property-fee subsidy.",
    ),
    ("rt_months", "评比月份", "Months"),
    ("rt_month", "月份", "Month"),
    (
        "rt_no_months",
        "还没有开始评比。",
        "No month has been scored yet.",
    ),
    ("rt_open_month", "开始本月评比", "Open a month"),
    ("rt_open", "评分中", "scoring"),
    ("rt_closed", "已结束", "closed"),
    ("rt_rubric_version", "细则版本", "Rubric version"),
    ("rt_panel", "评分小组", "Scoring panel"),
    ("rt_no_panel", "还没有评分人。", "No scorers yet."),
    ("rt_scorer", "评分人", "Scorer"),
    ("rt_party", "代表哪一方", "Party"),
    ("rt_add_scorer", "加入评分小组", "Add to the panel"),
    ("rt_rubric", "评分细则", "Rubric"),
    ("rt_no_rubric", "还没有评分细则。", "No rubric yet."),
    ("rt_from", "起用月份", "From month"),
    ("rt_decision", "依据的决议", "the decision"),
    (
        "rt_adopt_hint",
        "第一版可采用南国新家园的评分细则（含居民修改：考取大学含大专加分、飞线充电一票否决、轮椅婴儿车不算楼道杂物）。",
        "The first version can be 南国新家园's rubric as its residents amended it (any university counts, flying-lead charging is a veto, wheelchairs and prams are not clutter).",
    ),
    ("rt_adopt", "采用这份细则", "Adopt this rubric"),
    (
        "rt_amend_hint",
        "以后修改细则须经议事决策通过，再由委员会按决议录入新版本（接口 POST /api/v1/compounds/{id}/rating/rubrics，带 proposal_id）。",
        "Later amendments must pass as a proposal; the committee then enters the new version citing it (API POST /api/v1/compounds/{id}/rating/rubrics with proposal_id).",
    ),
    ("rt_year", "年终奖励", "Year-end awards"),
    ("rt_year_show", "查看年终奖励", "See the year-end awards of"),
    (
        "rt_year_title",
        "年度文明单元奖励与物业费补贴",
        "Civility awards and property-fee subsidies of the year",
    ),
    ("rt_flag_months", "流动红旗月数", "Flag-months"),
    ("rt_place", "名次", "Place"),
    (
        "rt_closed_months",
        "已结束评比的月份",
        "Months scored and closed",
    ),
    (
        "rt_subsidies",
        "各户物业费补贴",
        "Property-fee subsidy per household",
    ),
    ("rt_fee", "年物业费（元）", "Annual fee (yuan)"),
    ("rt_subsidy", "补贴（元）", "Subsidy (yuan)"),
    (
        "rt_heads_subsidies",
        "尽职“三长”补贴",
        "Subsidies of the heads who did their duty",
    ),
    ("rt_total", "合计（元）", "Total (yuan)"),
    (
        "rt_heads_rooms",
        "尽职“三长”的房屋",
        "Homes of the heads who did their duty",
    ),
    (
        "rt_heads_rooms_hint",
        "写房号，用顿号或逗号隔开，例如 1栋1单元601、2-1-302",
        "Their rooms, separated by commas, like 1栋1单元601, 2-1-302",
    ),
    ("rt_heads_apply", "计算补贴", "Work out the subsidies"),
    (
        "rt_no_awards",
        "这一年还没有结束评比的月份，暂无奖励。",
        "No month of this year has been closed yet: no awards.",
    ),
    (
        "rt_year_xlsx",
        "下载补贴表（Excel）",
        "Download the subsidy sheet (Excel)",
    ),
    ("rt_flags", "流动红旗名额", "Red flags"),
    ("rt_min_score", "获旗最低分", "minimum score"),
    ("rt_notice", "打印评比公示", "Print the ranking notice"),
    (
        "rt_notice_title",
        "文明单元评比结果公示",
        "civility rating: results",
    ),
    (
        "rt_notice_appeal",
        "对扣分有异议的单元，可在公示期内通过邻里提出申诉。",
        "A unit that disputes a deduction may appeal in linli during the notice period.",
    ),
    ("rt_rank", "名次", "Rank"),
    ("rt_score", "得分", "Score"),
    ("rt_why", "扣分与说明", "Deductions and notes"),
    ("rt_red_flag", "流动红旗", "Red flag"),
    ("rt_sheets", "份评分表", "sheets"),
    ("rt_veto", "一票否决", "Veto"),
    ("rt_to_score", "请给这些单元打分", "Units for you to score"),
    (
        "rt_close_reason",
        "还有评分方没有交表，结束评比须写明理由",
        "Some parties have not scored every unit: give the reason for closing",
    ),
    ("rt_close", "结束本月评比", "Close the month"),
    (
        "rt_close_confirm",
        "结束后不能再交评分表，只能通过申诉更改。确定结束？",
        "No sheet can be added after closing; only an appeal can change it. Close now?",
    ),
    ("rt_sheet", "评分表", "Scoring sheet"),
    (
        "rt_sheet_hint",
        "看到一处问题就点一项；可以拍照作为凭证。不能给自己住的单元打分。",
        "Tap one item for each problem you see; you can take a photo as evidence. You may not score the unit you live in.",
    ),
    ("rt_at_most", "最多扣", "at most"),
    ("rt_photo", "照片凭证", "Photo"),
    ("rt_note", "备注", "Note"),
    ("rt_submit_sheet", "提交评分表", "Submit the sheet"),
    ("rt_no_marks", "没有扣分", "No deductions"),
    ("rt_reversed", "（申诉后已撤销）", "(reversed on appeal)"),
    ("rt_appeal", "申诉", "Appeal"),
    ("rt_reason", "理由", "Reason"),
    ("rt_reverse", "撤销扣分", "Reverse the deduction"),
    ("rt_keep", "维持扣分", "Keep the deduction"),
    ("rt_link", "文明单元评比", "Civility rating"),
    ("rt_amend", "采用新版本细则", "Adopt a new version"),
    (
        "rt_amend_help",
        "细则的新版本必须先作为议题在议事决策中通过。选择通过的议题，写明从哪个月起适用（如 2024-09），再把新细则贴在下面（JSON 格式，已填好现行版本，改动需要改的地方即可）。该月及以后开始的评比按新版本打分，之前的月份不变。",
        "A new version of the rubric must first pass as a proposal. Pick the passed proposal, say from which month it applies (e.g. 2024-09), and give the new rubric below as JSON (the version in force is filled in: change what the decision changed). Months from then on are scored under it; earlier months stay as they were.",
    ),
    (
        "rt_amend_proposal",
        "依据的议题（已通过）",
        "The passed proposal",
    ),
    ("rt_amend_choose", "请选择", "Choose one"),
    (
        "rt_amend_no_passed",
        "本小区还没有通过的议题，先在议事决策中提出并通过修改细则的议题。",
        "This compound has no passed proposal yet: first put the amendment to a decision.",
    ),
    ("rt_amend_rubric", "新细则（JSON）", "The new rubric (JSON)"),
    (
        "rt_amend_bad_proposal",
        "议事决议：请从列表中选择",
        "Decision: choose one from the list",
    ),
    (
        "rt_amend_no_json",
        "评分细则：必须填写",
        "Rubric is required",
    ),
    (
        "rt_amend_bad_json",
        "评分细则：不是有效的 JSON",
        "Rubric: not valid JSON",
    ),
    ("rt_amend_line", "行:列", "line:column"),
    (
        "rt_party_mean",
        "得分为各评分方平均分的平均（每方先取本方评分表的平均），扣分同样按各方平均计算。",
        "The score is the mean over the parties of each party's mean sheet; deductions are shown as the same party mean.",
    ),
    ("rt_of_sheets", "张评分表扣分", "sheets deducted it"),
    ("rt_by_party", "各方得分", "By party"),
    (
        "rt_all_scored",
        "本月您要打分的单元都已评完，谢谢！",
        "You have scored all your units this month. Thank you!",
    ),
    ("rt_remaining", "个单元待评", "units left to score"),
    (
        "rt_next_unit",
        "提交后自动打开下一个待评单元。",
        "After you submit, the next unit to score opens.",
    ),
    ("rt_sheet_saved", "已提交评分表：", "Sheet submitted: "),
    ("rt_appeal_until", "申诉截止", "appeals until"),
];
