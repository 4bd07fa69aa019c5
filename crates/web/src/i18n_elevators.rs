//! The words of the elevator-retrofit pages (board, project, share table, bills), kept apart
//! so the feature owns its vocabulary. `T::s` looks here too.

use linli_domain::Lang;
use linli_domain::elevator::ShareMode;
use linli_store::elevators::BillView;

/// How a bill's share follows from the amount due, in words and figures: by its floor's
/// coefficient shared by the flats of the floor, or equally by every flat of the unit.
pub fn share_explained(b: &BillView, lang: Lang) -> String {
    let (due, line) = (&b.amount_due_yuan, &b.line);
    let (coef, n, share) = (&line.coefficient, line.on_floor, &line.share_yuan);
    match (b.share_mode, lang) {
        (ShareMode::EqualPerFlat, Lang::Zh) => {
            format!("全单元 {n} 户平均分摊：{due} 元 ÷ {n} = {share} 元")
        }
        (ShareMode::EqualPerFlat, Lang::En) => {
            format!("shared equally by the unit's {n} flats: {due} yuan ÷ {n} = {share} yuan")
        }
        (ShareMode::Floors, Lang::Zh) => format!(
            "{floor} 层分摊应分摊总额的 {coef}，由该层 {n} 户平均分担：{due} 元 × {coef} ÷ {n} = {share} 元",
            floor = line.floor
        ),
        (ShareMode::Floors, Lang::En) => format!(
            "floor {floor} pays {coef} of the amount due, shared equally by its {n} flats: {due} yuan × {coef} ÷ {n} = {share} yuan",
            floor = line.floor
        ),
    }
}

/// (key, 中文, English)
pub const MESSAGES: &[(&str, &str, &str)] = &[
    ("ev_board", "加装电梯", "Elevator retrofits"),
    (
        "ev_board_intro",
        "每个单元一个项目，按阶段排列，并写明卡在哪里。项目总数：",
        "One project per unit, by stage, with what holds each up. Projects:",
    ),
    (
        "ev_empty",
        "还没有加装电梯项目。",
        "No elevator projects yet.",
    ),
    ("ev_start", "启动加装电梯项目", "Start a retrofit project"),
    (
        "ev_all_units_have",
        "每个单元都已有项目。",
        "Every unit has a project.",
    ),
    ("ev_since", "自", "since"),
    ("ev_project", "加装电梯项目", "Elevator retrofit"),
    (
        "ev_blocked_by",
        "进入下一阶段前还需要：",
        "Before the next stage:",
    ),
    ("ev_step_note", "说明", "Note"),
    ("ev_forward", "进入下一阶段", "Move to the next stage"),
    ("ev_back", "退回上一阶段", "Go back one stage"),
    ("ev_stages", "进度", "Progress"),
    ("ev_decision", "表决议题", "Decision"),
    ("ev_no_proposal", "尚未关联", "not linked yet"),
    ("ev_proposal_no", "表决议题", "The vote"),
    ("ev_responsible", "负责人", "Responsible person"),
    ("ev_installer", "施工单位", "Installer"),
    ("ev_total_cost", "总造价", "Total cost"),
    ("ev_subsidy", "政府补贴", "Subsidy"),
    (
        "ev_subsidy_custom",
        "自定补贴金额（仅“自定金额”时填写）",
        "Custom subsidy (only for “Custom amount”)",
    ),
    (
        "ev_pipelines",
        "其中管线迁移费用",
        "Of which moving pipelines",
    ),
    ("ev_amount_due", "居民分摊总额", "Shared by the households"),
    ("ev_paid", "已缴", "Paid"),
    ("ev_outstanding", "未缴", "Owed"),
    ("ev_share_table", "分摊表", "Share table"),
    ("ev_print_bills", "打印缴费通知单", "Print the bills"),
    ("ev_plan", "方案与费用", "Plan and costs"),
    (
        "ev_plan_fixed",
        "分摊表已确定，费用和系数不再更改。",
        "The share table is fixed; costs and coefficients no longer change.",
    ),
    (
        "ev_release",
        "撤销分摊表（尚无人缴费时）",
        "Release the share table (while nobody has paid)",
    ),
    ("ev_coefficient", "楼层系数", "Floor coefficient"),
    ("ev_coefficients", "楼层分摊系数", "Floor coefficients"),
    (
        "ev_coefficients_hint",
        "各层合计必须正好 100%；同一层各户平均分摊。可填百分数（10、12.5%）或分数（1/6）。",
        "They must add up to exactly 100%; households of a floor share equally. Type a percentage (10, 12.5%) or a fraction (1/6).",
    ),
    ("ev_coefficient_unit", "% 或分数", "% or a fraction"),
    ("ev_share_mode", "分摊方式", "How the cost is split"),
    ("ev_fix_shares", "确定分摊表", "Fix the share table"),
    (
        "ev_account",
        "资金账户与公示",
        "Fund account and statements",
    ),
    (
        "ev_remind",
        "给未缴清的业主发提醒",
        "Remind the owners who still owe",
    ),
    (
        "ev_remind_confirm",
        "给每户未缴清的业主发一条催缴提醒（短信/微信）？一天只能发一次。",
        "Send each owner who still owes a reminder (SMS/WeChat)? Once a day at most.",
    ),
    ("ev_reminded", "已发出提醒：", "Reminders queued:"),
    (
        "ev_remind_on_paper",
        "无账号、需送纸质通知的户数：",
        "households without an account (deliver a slip):",
    ),
    (
        "ev_fix_confirm",
        "确定后造价、补贴和系数不能再改，开始按此表收款。确定吗？",
        "Once fixed, cost, subsidy and coefficients cannot change and payments are taken against this table. Fix it?",
    ),
    (
        "ev_release_confirm",
        "撤销后分摊表回到可修改状态。确定吗？",
        "Release the table so the plan can change again?",
    ),
    ("ev_documents", "文件", "Documents"),
    ("ev_no_documents", "还没有文件。", "No documents yet."),
    ("ev_doc_kind", "文件类型", "Kind of document"),
    ("ev_doc_title", "标题", "Title"),
    ("ev_doc_file", "文件（照片或 PDF）", "File (photo or PDF)"),
    ("ev_upload", "上传", "Upload"),
    (
        "ev_share_notice",
        "加装电梯费用分摊公示",
        "Elevator retrofit: who pays what",
    ),
    (
        "ev_preview",
        "预览：分摊表尚未确定",
        "Preview: the share table is not fixed yet",
    ),
    ("ev_fixed_on", "分摊表确定于", "Fixed on"),
    (
        "ev_rule",
        "分摊办法：总造价减去政府补贴后，按楼层系数分到各层、同层各户平均，或按户均摊（每户一样）；不足一分的尾差按余数从大到小各补一分，余数相同时先高层、再按户号。",
        "How: the cost less the subsidy is split by floor coefficient, then equally within a floor, or equally per flat; the leftover fen go one each to the largest remainders, higher floor first, then lower household number.",
    ),
    ("ev_share", "应缴", "Share"),
    ("ev_sum", "合计", "Total"),
    ("ev_record_payment", "登记缴费", "Record a payment"),
    (
        "ev_households_owing",
        "未缴清户数",
        "Households still owing",
    ),
    ("ev_amount", "金额", "Amount"),
    ("ev_pay_method", "缴款方式", "Paid by"),
    ("ev_cash", "现金", "cash"),
    ("ev_transfer", "转账", "transfer"),
    ("ev_receipt_no", "收据号", "Receipt number"),
    ("ev_paid_on", "缴款日期", "Date paid"),
    ("ev_bill", "加装电梯缴费通知单", "Elevator retrofit bill"),
    (
        "ev_bill_note",
        "房屋出售后，未缴部分由新业主承担。",
        "If the flat is sold, what is unpaid passes to the new owner.",
    ),
    ("ev_yuan", "元", "yuan"),
    ("ev_paperwork", "缴费与交回", "Paying and returning forms"),
    (
        "ev_paperwork_hint",
        "打印的缴费通知单和同意书上会写明这些，业主不用再来问。",
        "The printed bills and consent forms say this, so no owner has to ask.",
    ),
    ("ev_pay_by", "缴费截止日期", "Pay by"),
    (
        "ev_office",
        "缴费和交回表格的地点与时间",
        "Where and when to pay and return forms",
    ),
    (
        "ev_pay_how",
        "转账方式（开户行、户名、账号）",
        "Paying by transfer (bank, account name and number)",
    ),
    ("ev_contact", "联系人及电话", "Contact and phone"),
    ("ev_issued_on", "开具日期", "Issued on"),
    (
        "ev_how_computed",
        "本户分摊怎么算",
        "How your share is worked out",
    ),
    ("ev_pay_cash_or", "可交现金或转账", "Cash or transfer"),
    ("ev_not_set", "（请向业委会询问）", "(ask the committee)"),
    ("cf_decided", "表决事项", "What is decided"),
    ("cf_your_share", "本户应分摊", "Your household's share"),
    (
        "cf_amount_due",
        "全单元应分摊总额",
        "Amount the unit's households share",
    ),
    ("cf_return_by", "请在此日期前交回", "Return it by"),
    ("cf_return_to", "交回地点", "Return it to"),
    (
        "cf_return_committee",
        "本小区业主委员会",
        "The compound's owners' committee",
    ),
    ("ev_objections", "异议与答复", "Objections and answers"),
    ("ev_unresolved", "未解决", "unresolved"),
    (
        "ev_reminder",
        "加装电梯费用催缴通知",
        "Elevator retrofit: payment reminder",
    ),
    (
        "ev_print_reminders",
        "打印催缴通知（未缴清的户）",
        "Print reminders (households still owing)",
    ),
    (
        "ev_none_owing",
        "所有户都已缴清。",
        "Every household has paid.",
    ),
    ("ev_compound_link", "加装电梯", "Elevator retrofits"),
    (
        "ev_from_proposal",
        "启动加装电梯项目",
        "Start a retrofit project",
    ),
    ("ev_payments", "已收款项", "Payments received"),
    (
        "ev_void_hint",
        "录错的款项不删除：作废时记一笔相反金额的冲正，并写明原因。",
        "A wrong entry is never deleted: voiding it adds a correction of the opposite amount, with the reason.",
    ),
    ("ev_void_reason", "作废原因", "Why it is void"),
    ("ev_void", "作废这笔", "Void this payment"),
    (
        "ev_void_confirm",
        "确定作废这笔款项吗？这户将重新欠这笔钱。",
        "Void this payment? The household will owe this amount again.",
    ),
];
