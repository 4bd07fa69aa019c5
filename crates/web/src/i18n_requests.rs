//! The words of the service-request and grid pages, kept apart so the feature owns its
//! vocabulary. `T::s` looks here too.

use linli_domain::Lang;
use linli_store::grids::GridPerson;
use linli_store::requests::RowLabel;

/// A grid's people by role and name: "网格员 周 · 志愿者 吴".
pub fn grid_people(people: &[GridPerson], lang: Lang) -> String {
    let people: Vec<String> = people
        .iter()
        .map(|p| format!("{} {}", p.role.label(lang), p.name))
        .collect();
    people.join(" · ")
}

/// What a row of request figures counts, in words.
pub fn row_label(label: &RowLabel, lang: Lang) -> String {
    match label {
        RowLabel::Name(name) => name.clone(),
        RowLabel::Category(name) => name.pick(lang).to_string(),
        RowLabel::Total => lang.pick("合计", "Total").to_string(),
        RowLabel::NoGrid => lang.pick("未划入网格", "in no grid").to_string(),
    }
}

/// (key, 中文, English)
pub const MESSAGES: &[(&str, &str, &str)] = &[
    ("rq_link", "报事报修", "Service requests"),
    ("rq_report", "我要报事", "Report a problem"),
    ("rq_mine", "我的报事", "My requests"),
    ("rq_queue", "待办工单", "Work queue"),
    ("rq_queue_mine", "派给我的", "Assigned to me"),
    ("rq_queue_grid", "我的网格", "My grids"),
    ("rq_queue_overdue", "已超期", "Overdue"),
    ("rq_queue_escalated", "已上报社区", "Escalated"),
    ("rq_queue_open", "全部未办结", "All open"),
    ("rq_compound_list", "小区报事", "Requests of the compound"),
    ("rq_compound", "小区", "Compound"),
    ("rq_empty", "这里还没有报事。", "No requests here."),
    (
        "rq_pick_category",
        "遇到什么问题？点一下：",
        "What is the problem? Tap one:",
    ),
    ("rq_deadline", "时限", "deadline"),
    ("rq_other_category", "换一类", "another kind"),
    ("rq_place", "在哪里", "Where"),
    ("rq_my_home", "我家", "My home"),
    (
        "rq_a_household",
        "某一户（代居民报事）",
        "A household (for a resident)",
    ),
    (
        "rq_room_hint",
        "像平常一样写房号：601、1栋1单元601 或 1-1-601；也可以在下面的名单里选。",
        "Write the room as people say it: 601, 1栋1单元601 or 1-1-601; or pick it from the lists below.",
    ),
    (
        "rq_common_place",
        "小区公共部位",
        "A common place of the compound",
    ),
    ("rq_where", "具体位置", "Exactly where"),
    (
        "rq_where_hint",
        "如：3楼楼道、北门、车棚",
        "e.g. 3rd-floor stairwell, north gate, bike shed",
    ),
    (
        "rq_description",
        "什么问题（说清楚一点，方便上门处理）",
        "What is wrong (a few words help whoever comes)",
    ),
    ("rq_photos", "照片", "Photos"),
    ("rq_photos_hint", "可选，最多", "optional, at most"),
    ("rq_photo", "照片", "Photo"),
    ("rq_channel", "来源", "How it came in"),
    ("rq_channel_app", "本人手机上报", "on their own phone"),
    ("rq_channel_phone", "电话代报", "phone call"),
    ("rq_channel_visit", "走访代报", "visit"),
    ("rq_on_behalf_of", "报事人", "Reported for"),
    ("rq_contact_phone", "联系电话", "Phone to call back"),
    ("rq_uploading", "正在上传", "Uploading"),
    ("rq_sending", "正在提交…", "Sending…"),
    ("rq_send", "提交", "Send"),
    (
        "rq_public",
        "公共部位，本小区居民可见",
        "common place, seen by the compound",
    ),
    ("rq_reported_at", "上报时间", "Reported"),
    ("rq_due", "办结时限", "Due"),
    ("rq_route", "派往", "Sent to"),
    ("rq_assignee", "负责人", "Assigned to"),
    (
        "rq_in_queue",
        "待小区自管委派单",
        "waiting for the committee",
    ),
    ("rq_reporter", "上报人", "Reported by"),
    ("rq_rating", "评价", "Rating"),
    ("rq_no_photos", "没有照片。", "No photos."),
    ("rq_add_photo", "再加一张照片", "Add a photo"),
    ("rq_upload", "上传", "Upload"),
    ("rq_what_next", "下一步", "Next step"),
    (
        "rq_rate",
        "修得怎么样？（1 星很差，5 星很好）",
        "How was it fixed? (1 star poor, 5 stars very good)",
    ),
    ("rq_comment", "说几句", "A comment"),
    (
        "rq_reject_confirm",
        "确定没修好、退回重办吗？",
        "Send it back as not fixed?",
    ),
    ("rq_what_is_wrong", "还有什么问题", "What is still wrong"),
    ("rq_sure", "确定吗？", "Are you sure?"),
    ("rq_how_fixed", "怎么处理的", "What was done"),
    ("rq_to_whom", "交给谁", "To whom"),
    ("rq_note", "备注", "Note"),
    ("rq_timeline", "处理经过", "Timeline"),
    ("rq_metrics", "报事办理情况", "Request figures"),
    ("rq_since", "统计自", "Counted since"),
    ("rq_total", "总数", "Total"),
    ("rq_group", "分组", "Group"),
    ("rq_responded", "已响应", "Responded"),
    ("rq_resolved", "已办结", "Resolved"),
    ("rq_rated", "已评价", "Rated"),
    ("rq_satisfied", "满意", "Satisfied"),
    ("rq_overdue", "超期", "Overdue"),
    ("rq_response_rate", "响应率", "Response rate"),
    ("rq_resolution_rate", "办结率", "Resolution rate"),
    ("rq_satisfaction_rate", "满意率", "Satisfaction rate"),
    ("rq_median_short", "中位用时（时）", "Median hours"),
    (
        "rq_median_hours",
        "办结用时中位数（小时）",
        "Median hours to resolve",
    ),
    (
        "rq_no_requests_yet",
        "这一年还没有报事。",
        "No requests in the last twelve months.",
    ),
    (
        "rq_escalated_list",
        "超期上报社区、尚未办结",
        "Escalated and still open",
    ),
    ("rq_by_category", "按类别", "By category"),
    ("rq_not_resolved", "未办结", "Not resolved"),
    (
        "rq_rates_by_month",
        "每月响应率、办结率、满意率",
        "Rates by month",
    ),
    ("rq_month", "月份", "Month"),
    ("rq_category", "类别", "Category"),
    ("rq_by_month", "按月份", "By month"),
    ("rq_children", "下一级", "One level down"),
    ("rq_grids", "网格", "Grids"),
    (
        "rq_unassigned",
        "未划入网格的户数：",
        "Households in no grid:",
    ),
    ("rq_no_grids", "还没有划分网格。", "No grids drawn yet."),
    ("rq_people", "网格人员", "People"),
    ("rq_micro_grid", "微网格", "Micro-grid"),
    ("rq_new_grid", "划一个网格", "Draw a grid"),
    (
        "rq_inside_grid",
        "属于哪个网格（微网格时选）",
        "Inside which grid (for a micro-grid)",
    ),
    ("rq_no_people", "还没有人员。", "Nobody yet."),
    ("rq_remove", "移除", "remove"),
    ("rq_no_households", "还没有划入的户。", "No households yet."),
    ("rq_add_person", "添加人员", "Add a person"),
    ("rq_login_or_phone", "账号或手机号", "Login or phone number"),
    ("rq_role", "职责", "Role"),
    ("rq_assign", "划入住户", "Put households in"),
    (
        "rq_assign_hint",
        "整个单元填 unit:单元编号，整栋楼填 building:楼栋编号，或在下面列出房屋编号。已在其他网格的户会移过来，并记入历史。",
        "A whole unit: unit:ID; a whole building: building:ID; or list household numbers below. Households in another grid move here, and the move is recorded.",
    ),
    ("rq_what", "单元或楼栋", "Unit or building"),
    (
        "rq_household_ids",
        "房屋编号（空格分隔）",
        "Household numbers (separated by spaces)",
    ),
    (
        "rq_move_confirm",
        "把这些户划入本网格？",
        "Put these households into this grid?",
    ),
];
