//! The words of the home page's "what needs me now" lists, the unread count and the
//! confirmations shown after an action. `T::s` looks here too; `{}` are filled in order.

/// (key, 中文, English)
pub const MESSAGES: &[(&str, &str, &str)] = &[
    ("ag_title", "现在要办的事", "What needs you now"),
    (
        "ag_nothing",
        "眼下没有要您办的事。",
        "Nothing needs you right now.",
    ),
    ("ag_to_vote", "等您投票", "Waiting for your vote"),
    (
        "ag_vote_note",
        "还剩 {} 天（{} 截止）· 已投 {}/{}",
        "{} days left (closes {}) · {} of {} voted",
    ),
    ("ag_owed", "您家应缴的钱", "What your household owes"),
    (
        "ag_owed_line",
        "加装电梯分摊：还欠 {} 元",
        "Elevator share: {} yuan still owed",
    ),
    (
        "ag_owed_note",
        "应缴 {} 元，已缴 {} 元 · 看账单",
        "Share {} yuan, paid {} yuan · see the bill",
    ),
    (
        "ag_running_line",
        "电梯运行费用 {}：本户应缴 {} 元",
        "Elevator running costs {}: {} yuan for your household",
    ),
    (
        "ag_running_note",
        "维保、电费等按月分摊 · 看缴费单",
        "Maintenance, power and more, shared monthly · see the slip",
    ),
    ("ag_my_requests", "我报的事", "My requests"),
    ("ag_due", "{} · 截止 {}", "{} · due {}"),
    ("ag_meetings", "小区议事会", "Council meetings"),
    ("ag_notices", "小区公告", "Notices of your compound"),
    (
        "ag_notice_vote",
        "表决结果 · {} 公告",
        "Vote result · posted {}",
    ),
    (
        "ag_notice_funds",
        "收支公示 · {} 公布",
        "Accounts · posted {}",
    ),
    ("ag_open_votes", "正在表决", "Votes open"),
    (
        "ag_knock_note",
        "还剩 {} 天 · 已投 {}/{} · {} 户未表态，去敲门",
        "{} days left · {} of {} voted · {} yet to answer: knock on doors",
    ),
    (
        "ag_objections",
        "还没答复的异议",
        "Objections not yet answered",
    ),
    ("ag_objection_note", "{} 提出", "raised {}"),
    ("ag_owing", "欠缴的电梯分摊", "Elevator shares owed"),
    (
        "ag_owing_line",
        "{}：{} 户共欠 {} 元",
        "{}: {} households owe {} yuan",
    ),
    ("ag_overdue", "超时的报事", "Requests past their deadline"),
    ("ag_imports", "待确认的花名册导入", "Roster imports waiting"),
    ("ag_import_note", "{} 上传", "uploaded {}"),
    (
        "ag_queue",
        "交给我办的报事（按截止时间）",
        "Requests assigned to me (by deadline)",
    ),
    ("ag_sheets", "还要评分的单元", "Units still to score"),
    (
        "ag_sheets_line",
        "{} {}：还有 {} 个单元",
        "{} {}: {} units left",
    ),
    (
        "ag_attention",
        "需要关注的小区",
        "Compounds that need attention",
    ),
    (
        "ag_attention_line",
        "{}：{} 件报事超时",
        "{}: {} requests past their deadline",
    ),
    ("hh_votes", "这户的表决", "Votes of this household"),
    ("hh_bills", "这户的账单", "Bills of this household"),
    (
        "hh_bill_line",
        "加装电梯分摊 {} 元，已缴 {} 元，未缴 {} 元",
        "Elevator share {} yuan, paid {} yuan, owed {} yuan",
    ),
    ("hh_requests", "这户报的事", "Requests of this household"),
    (
        "bill_online",
        "扫码或打开此网址查看账单和缴费记录：",
        "Scan the code or open this address to see the bill and payments:",
    ),
    ("unread_count", "{} 条未读", "{} unread"),
    // Confirmations after an action, shown once on the page the action leads to.
    ("fl_draft_saved", "草稿已保存。", "Draft saved."),
    ("fl_voting_opened", "表决已开始。", "Voting is open."),
    ("fl_visit_saved", "敲门记录已保存。", "Visit recorded."),
    ("fl_plan_saved", "方案已保存。", "Plan saved."),
    ("fl_payment_saved", "缴费已记录。", "Payment recorded."),
    ("fl_sheet_saved", "评分表已提交。", "Score sheet submitted."),
    (
        "fl_scorer_seated",
        "评分人已加入。",
        "Scorer added to the panel.",
    ),
    ("fl_ballot_cast", "您的票已投出。", "Your ballot is cast."),
    ("your_choice", "您的选择", "Your choice"),
];
