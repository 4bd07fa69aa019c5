//! The words of the fund pages (accounts, ledger, maintenance fund, statements), kept apart
//! so the feature owns its vocabulary. `T::s` looks here too.

use linli_domain::Lang;
use linli_domain::funds::Category;
use linli_store::funds::{EmergencyLine, EntryView, StatementLine};

/// The words of a fund line whose fact is a code: an entry's or a statement line's category,
/// an emergency's kind ("" for a code no longer known).
pub trait Label {
    fn label(&self, lang: Lang) -> &'static str;
}

impl Label for EntryView {
    fn label(&self, lang: Lang) -> &'static str {
        Category::of(self.direction, &self.category).map_or("", |c| c.label(lang))
    }
}

impl Label for StatementLine {
    fn label(&self, lang: Lang) -> &'static str {
        Category::of(self.direction, &self.code).map_or("", |c| c.label(lang))
    }
}

impl Label for EmergencyLine {
    fn label(&self, lang: Lang) -> &'static str {
        self.kind.label(lang)
    }
}

/// (key, 中文, English)
pub const MESSAGES: &[(&str, &str, &str)] = &[
    ("fd_compound_link", "账目公开", "Accounts"),
    ("fd_title", "资金账目", "Funds and accounts"),
    (
        "fd_intro",
        "小区的每一笔钱：从哪来、花在哪、还剩多少。已公示的账目不能修改，更正记为新的一笔。",
        "Every yuan of the compound: where it came from, what it paid for, what is left. Published statements never change; a correction is a new entry.",
    ),
    ("fd_posted", "已公示的账目", "Published statements"),
    (
        "fd_no_statements",
        "还没有公示过账目。",
        "No statement has been published yet.",
    ),
    ("fd_posted_on", "公示于", "published"),
    ("fd_accounts", "账户", "Accounts"),
    ("fd_no_accounts", "还没有账户。", "No accounts yet."),
    ("fd_account", "账户", "Account"),
    ("fd_balance", "余额（元）", "Balance (yuan)"),
    ("fd_top_up_due", "需续筹", "top-up due"),
    (
        "fd_top_up_warning",
        "余额已低于首期归集金额的",
        "The balance is under this share of the initial deposit: a top-up is due —",
    ),
    ("fd_open", "开设账户", "Open an account"),
    (
        "fd_open_hint",
        "专项维修资金按楼栋开设，需填写楼栋和首期归集金额；项目账户选择加装电梯项目（首笔缴款时也会自动开设）。",
        "A maintenance fund is per building, with its initial deposit; a project account is for an elevator project (it is also opened by the first payment).",
    ),
    ("fd_kind", "账户类型", "Kind"),
    ("fd_kind_compound", "小区账户", "Compound account"),
    ("fd_kind_project", "项目账户", "Project account"),
    (
        "fd_kind_maintenance",
        "专项维修资金",
        "Special maintenance fund",
    ),
    ("fd_name", "账户名称", "Name"),
    (
        "fd_building",
        "楼栋（专项维修资金）",
        "Building (maintenance fund)",
    ),
    (
        "fd_project",
        "加装电梯项目（项目账户）",
        "Elevator project (project account)",
    ),
    ("fd_initial_deposit", "首期归集金额", "Initial deposit"),
    (
        "fd_top_up_percent",
        "续筹警戒线（首期金额的百分比）",
        "Top-up threshold (% of the initial deposit)",
    ),
    ("fd_yuan", "元", "yuan"),
    ("fd_posted_until", "已公示至", "Published up to"),
    ("fd_statement", "收支公示", "Statement"),
    ("fd_download", "下载 Excel", "Download .xlsx"),
    ("fd_emergencies", "紧急维修支出", "Emergency spending"),
    (
        "fd_published_after",
        "以下支出因紧急情况先行支付，依规事后公示。",
        "Paid first because of an emergency; published after, as the rules require.",
    ),
    ("fd_record", "记一笔账", "Record an entry"),
    ("fd_direction", "收支", "Income or expense"),
    ("fd_income", "收入", "Income"),
    ("fd_expense", "支出", "Expense"),
    ("fd_source", "收入来源", "Source of income"),
    ("fd_purpose", "支出用途", "Purpose of the expense"),
    ("fd_category", "类别", "Category"),
    ("fd_amount_yuan", "金额（元）", "Amount (yuan)"),
    ("fd_date", "日期", "Date"),
    ("fd_note", "摘要", "Note"),
    ("fd_receipt", "收据照片", "Receipt photo"),
    ("fd_receipt_hint", "支出必须上传", "required for an expense"),
    ("fd_household", "户", "Household"),
    ("fd_household_hint", "归集到哪一户", "whose deposit"),
    (
        "fd_top_up",
        "这是续筹（须关联已通过的“筹集维修资金”议题）",
        "This is a top-up (needs a passed proposal to raise the fund)",
    ),
    ("fd_emergency", "紧急维修", "Emergency"),
    (
        "fd_emergency_hint",
        "未经表决先行支出时选择",
        "only when paying before a decision",
    ),
    ("fd_proposal", "议题", "Proposal"),
    (
        "fd_proposal_hint",
        "批准此笔的议题；动用维修资金必填",
        "the approving proposal; required to spend the maintenance fund",
    ),
    ("fd_entries", "账目明细", "Entries"),
    ("fd_no_entries", "还没有记账。", "No entries yet."),
    ("fd_corrects", "更正", "corrects"),
    ("fd_corrected_by", "已被更正", "corrected by"),
    ("fd_reason", "更正原因", "Why it is wrong"),
    ("fd_correct", "更正", "Correct"),
    (
        "fd_correct_confirm",
        "将记一笔金额相反的更正账，原账保留。确定吗？",
        "A reversing entry of the opposite amount will be added; the entry stays. Go ahead?",
    ),
    (
        "fd_households",
        "各户维修资金",
        "Each household's share of the fund",
    ),
    ("fd_deposited", "已交存", "Deposited"),
    ("fd_spent", "已分摊使用", "Used (by area)"),
    ("fd_history", "余额变化（按月）", "Balance by month"),
    ("fd_month", "月份", "Month"),
    ("fd_closing", "期末余额", "Closing balance"),
    ("fd_opening", "期初余额", "Opening balance"),
    ("fd_from", "从", "From"),
    ("fd_to", "到", "To"),
    ("fd_show", "查看", "Show"),
    ("fd_posted_tag", "已公示", "Published"),
    ("fd_live_tag", "未公示（实时）", "Not published (live)"),
    ("fd_income_by_source", "收入（按来源）", "Income by source"),
    ("fd_income_total", "收入合计", "Total income"),
    (
        "fd_expenses_by_purpose",
        "支出（按用途）",
        "Expenses by purpose",
    ),
    ("fd_expense_total", "支出合计", "Total expenses"),
    (
        "fd_unit_note",
        "单位：元。如有疑问请向小区自管委查询，可查看每笔收据。",
        "Amounts in yuan. Ask the committee about any entry; every receipt can be seen.",
    ),
    ("fd_post", "公示这份账目", "Publish this statement"),
    (
        "fd_post_confirm",
        "公示后这份账目将不能修改，这段时间也不能再记账（更正记入以后）。确定公示吗？",
        "Once published this statement never changes and nothing more can be dated in its period (corrections go later). Publish?",
    ),
    ("fd_section", "项目", "Section"),
    ("fd_item", "明细", "Item"),
    ("fd_recorded_by", "记账人", "Recorded by"),
];
