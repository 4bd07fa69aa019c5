//! The words of the notification pages: one's channel, the stop link, and the delivery list
//! staff read. `T::s` looks here too.

/// (key, 中文, English)
pub const MESSAGES: &[(&str, &str, &str)] = &[
    ("nt_prefs", "怎样通知我", "How I am notified"),
    (
        "nt_prefs_intro",
        "投票开始、快截止、结果公布、账单、报事进展时，我们会这样告诉您。每条消息都附有退订链接。短信在晚上 9 点到早上 8 点之间不发，早上再发。",
        "When a vote opens or is about to close, a result is out, a bill is issued or a request moves, we tell you this way. Every message has a link to stop them. Text messages wait through the night (21:00–08:00) and go in the morning.",
    ),
    ("nt_channel", "通知方式", "Channel"),
    ("nt_phone", "手机", "Phone"),
    (
        "nt_no_phone",
        "（账号没有手机号）",
        "(no phone on the account)",
    ),
    ("nt_email", "电子邮件地址", "E-mail address"),
    ("nt_lang", "消息语言", "Language of the messages"),
    ("nt_save", "保存", "Save"),
    ("nt_saved", "已保存。", "Saved."),
    ("nt_unsubscribe", "退订通知", "Stop notifications"),
    (
        "nt_unsubscribe_ask",
        "点下面的按钮后，我们不再用短信或邮件通知您；您仍可在网站的“消息”里看到所有通知，也可以随时在“怎样通知我”里重新打开。",
        "After you press the button we no longer send you text messages or e-mails; you still see every notification under Messages on the site, and can turn them back on under How I am notified.",
    ),
    ("nt_unsubscribe_do", "不再通知我", "Stop notifying me"),
    (
        "nt_unsubscribed",
        "已退订：不会再发短信或邮件给您。",
        "Done: no more text messages or e-mails will be sent to you.",
    ),
    (
        "nt_unknown_link",
        "这个退订链接无效或已过期。请登录后在“怎样通知我”里设置。",
        "This stop link is not valid. Sign in and choose under How I am notified.",
    ),
    ("nt_deliveries", "消息送达情况", "Message delivery"),
    (
        "nt_deliveries_intro",
        "发给您所管辖范围内的人的每条消息：是否送达、试了几次、网关怎么回答。“失败”的消息不会再试，请电话或上门通知。",
        "Every message to the people in your care: delivered or not, how many tries, what the gateway said. A failed message is not tried again: call or visit.",
    ),
    ("nt_all", "全部", "All"),
    ("nt_state_pending", "待发送", "waiting"),
    ("nt_state_sent", "已送达", "delivered"),
    ("nt_state_dead", "失败", "failed"),
    (
        "nt_state_skipped",
        "不发送（本人选择或无联系方式）",
        "not sent (their choice, or no address)",
    ),
    ("nt_recipient", "收件人", "To"),
    ("nt_message", "消息", "Message"),
    ("nt_state", "状态", "State"),
    ("nt_tries", "次数", "Tries"),
    ("nt_answer", "最后回复", "Last answer"),
    ("nt_created", "时间", "Queued"),
    ("nt_none", "没有消息。", "No messages."),
    ("nt_anonymise", "匿名（已迁出）", "Anonymise (has left)"),
    (
        "nt_anonymise_confirm",
        "姓名和电话将被替换，且不能恢复；投票和缴费记录保留。确定吗？",
        "The name and phone will be replaced for good; ballots and payments are kept. Go ahead?",
    ),
    (
        "nt_my_data",
        "下载我的个人信息",
        "Download my personal data",
    ),
    (
        "nt_my_data_intro",
        "您在邻里的全部个人信息：账号、角色、房屋、投票、缴费、报事和消息。",
        "All that linli holds about you: account, roles, homes, ballots, payments, requests and messages.",
    ),
];
