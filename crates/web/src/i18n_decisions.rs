//! The words of the collective-decision pages (proposals, votes, door-knocking, notices),
//! kept apart from the registry's so each feature owns its vocabulary. `T::s` looks in both.

use linli_domain::decision::{Measure, Outcome};
use linli_domain::{Area, Lang};
use linli_store::proposals::{CastChoice, ElectionCount, RollCounts};

/// A count's number for people: area in m² with two decimals, heads as a count.
pub fn amount(measure: Option<Measure>, v: i64, lang: Lang) -> String {
    match measure {
        Some(Measure::Area) => format!(
            "{} m²",
            Area::from_centi(v)
                .map(|a| a.to_string())
                .unwrap_or_else(|_| v.to_string())
        ),
        Some(Measure::Headcount) => format!("{v}{}", lang.pick(" 人", "")),
        None => v.to_string(),
    }
}

/// The outcome of a count: the result once the vote is closed, what the ballots so far
/// would give while it runs.
pub fn outcome_label(outcome: Outcome, final_result: bool, lang: Lang) -> String {
    if final_result {
        return outcome.label(lang).to_string();
    }
    match outcome {
        Outcome::Passed => lang.pick("按目前票数：可以通过", "On the ballots so far: would pass"),
        Outcome::Failed => lang.pick(
            "按目前票数：尚未达到",
            "On the ballots so far: not yet reached",
        ),
        Outcome::NoQuorum => lang.pick(
            "按目前票数：参与不足",
            "On the ballots so far: no quorum yet",
        ),
    }
    .to_string()
}

/// What the roll counted as SPC Art. 9 says, in words for the notice.
pub fn roll_notes(roll: RollCounts, lang: Lang) -> Vec<String> {
    let mut notes = Vec::new();
    let dev = roll.developer_flats;
    if dev > 0 {
        notes.push(match lang {
            Lang::Zh => format!("开发建设单位未售出 {dev} 套，按一人计"),
            Lang::En => format!("The developer's {dev} unsold flats count as one owner"),
        });
    }
    let ownerless = roll.ownerless;
    if ownerless > 0 {
        notes.push(match lang {
            Lang::Zh => format!("{ownerless} 套房屋没有登记业主：计入总数，但无法为其投票"),
            Lang::En => format!(
                "{ownerless} flats have no owner on record: they count in the totals, but no ballot could be cast for them"
            ),
        });
    }
    notes
}

/// A ballot of the register in words: its choice, or the candidates it names.
pub fn cast_choice(said: &CastChoice, lang: Lang) -> String {
    match said {
        CastChoice::Vote(c) => c.label(lang).to_string(),
        CastChoice::Candidates(names) => names.clone(),
    }
}

/// An election's result in one sentence: who is elected, or why no one is; ties for the last
/// seats and seats left empty; "按目前票数：" before it while the vote runs.
pub fn election_summary(c: &ElectionCount, lang: Lang) -> String {
    let (elected, second_round) = (&c.elected, &c.second_round);
    let mut summary = if !c.quorum_met {
        lang.pick(
            "参与人数或面积不足三分之二，选举无效",
            "Fewer than two thirds took part (by area or by heads): no one is elected",
        )
        .to_string()
    } else if elected.is_empty() {
        lang.pick(
            "没有候选人获得参与者过半数，无人当选",
            "No candidate has more than half of the participants: no one is elected",
        )
        .to_string()
    } else {
        match lang {
            Lang::Zh => format!("当选：{}", elected.join("、")),
            Lang::En => format!("Elected: {}", elected.join(", ")),
        }
    };
    if !second_round.is_empty() {
        summary.push_str(&match lang {
            Lang::Zh => format!(
                "；{} 票数相同，需第二轮投票选出 {} 人",
                second_round.join("、"),
                c.second_round_seats
            ),
            Lang::En => format!(
                "; {} are tied: a second round elects {}",
                second_round.join(", "),
                c.second_round_seats
            ),
        });
    }
    if c.quorum_met && c.unfilled > 0 {
        summary.push_str(&match lang {
            Lang::Zh => format!("；尚有 {} 个席位空缺，需重新提名、另行选举", c.unfilled),
            Lang::En => format!(
                "; {} seats remain unfilled: a new round with new nominations",
                c.unfilled
            ),
        });
    }
    if !c.final_result {
        summary = format!(
            "{}{summary}",
            lang.pick("按目前票数：", "On the ballots so far: ")
        );
    }
    summary
}

/// (key, 中文, English)
pub const MESSAGES: &[(&str, &str, &str)] = &[
    ("proposals", "议事决策", "Proposals and decisions"),
    (
        "proposals_intro",
        "民提议·民商议·民决议·同行动：居民提出议题，大家商量，依法表决，一起落实。",
        "Residents propose, deliberate, decide by law, and act together.",
    ),
    ("new_proposal", "提出议题", "Propose something"),
    (
        "new_proposal_intro",
        "写清楚要办什么事、为什么。先保存为草稿，再提交给大家讨论。",
        "Say what should be done and why. It is saved as a draft first; then put it to the residents.",
    ),
    (
        "empty_proposals",
        "还没有议题。有想法？点“提出议题”写下来。",
        "No proposals yet. Have an idea? Tap “Propose something”.",
    ),
    ("all_stages", "全部阶段", "All stages"),
    ("filter", "筛选", "Filter"),
    ("stage", "阶段", "Stage"),
    ("proposal_title", "议题", "Title"),
    ("proposal_body", "说明", "Details"),
    ("scope", "范围（谁来表决）", "Scope (who decides)"),
    ("whole_compound", "全小区", "whole compound"),
    ("whole_building", "整栋楼", "whole building"),
    ("matter", "事项类别", "Kind of matter"),
    ("decision_rule", "表决规则", "Decision rule"),
    (
        "decision_rule_hint",
        "不选则按事项类别的法定规则（民法典第二百七十八条）。",
        "Left empty, the rule the law sets for the kind of matter applies (Civil Code Art. 278).",
    ),
    (
        "preset_default",
        "按事项类别的法定规则",
        "The law's rule for the kind of matter",
    ),
    ("save_draft", "保存草稿", "Save draft"),
    ("proposer", "提议人", "Proposed by"),
    ("supporters", "支持人数", "Supporters"),
    ("rule_details", "表决规则详情", "The rule in detail"),
    (
        "rule_affected_consent",
        "受影响的业主须全部书面同意",
        "Every affected owner must consent in writing",
    ),
    (
        "rule_no_objection",
        "不得有未解决的异议",
        "No objection may be left unresolved",
    ),
    ("notice_days", "公示天数", "Days of public notice"),
    ("voting", "投票", "Voting"),
    ("voting_until", "投票截止", "Voting closes"),
    ("proposal_files", "附件与文本", "Files and texts"),
    (
        "empty_files",
        "没有附件。方案图纸、照片或要表决通过的公约文本可以附在这里。",
        "No files. Plans, photos or the text the vote adopts can be attached here.",
    ),
    ("adopted_text", "表决文本", "text to adopt"),
    ("attach_file", "添加附件", "Attach a file"),
    (
        "file_title",
        "标题（如“加装电梯方案”“业主公约”）",
        "Title (e.g. “Elevator plan”, “Owners' rules”)",
    ),
    (
        "plain_attachment",
        "普通附件（图纸、照片、报价）",
        "A plain attachment (plan, photo, quote)",
    ),
    (
        "adopted_text_hint",
        "表决通过后生效的文本（按标题自动编版本号）",
        "A text the vote adopts (numbered by title)",
    ),
    ("file", "文件", "File"),
    ("uploading", "正在上传", "Uploading"),
    ("saving", "正在保存…", "Saving…"),
    (
        "go_to_election",
        "去选举页投票",
        "Vote on the election page",
    ),
    ("end_of_day", "（当天 24 点）", "(at the end of that day)"),
    (
        "you_vote_for",
        "您的这一票代表：",
        "Your one ballot stands for:",
    ),
    ("proxy_name", "代理人姓名", "Proxy's name"),
    ("invite_for", "本邀请码签发给：", "This code is for: "),
    (
        "invite_this_owner",
        "为此业主签发邀请码",
        "Invite code for this owner",
    ),
    (
        "invite_this_resident",
        "为此居民签发邀请码",
        "Invite code for this resident",
    ),
    ("accounts_to_link", "待关联的账号", "Accounts to link"),
    (
        "accounts_to_link_hint",
        "这些账号登记了本户，但还不知道是本户的哪一位。关联后才能以本人身份投票；已开始的表决名单不受影响。",
        "These accounts claimed this household, but which of its people each is is not known. Once linked they vote as that person; votes already open keep their roll.",
    ),
    ("link_account", "关联", "Link"),
    (
        "proxy_name_hint",
        "委托代理时填写；开发建设单位的代表必须填写",
        "for a proxy ballot; required for the developer's representative",
    ),
    (
        "voter_key",
        "开发建设单位代表投票（未售房屋）",
        "The developer's representative votes (unsold flats)",
    ),
    (
        "voter_key_hint",
        "一般不勾；开发建设单位为其未售房屋投票时勾选，并填写委托代理人",
        "usually unticked; tick when the developer votes for its unsold flats, and name the proxy",
    ),
    ("reg_cast_by", "由谁投出", "Cast by"),
    ("reg_authority", "依据", "On whose authority"),
    (
        "confirm_ownerless",
        "我已知晓：没有登记业主的房屋计入总数，但无法为其投票",
        "I understand: flats without an owner on record count in the totals, but no ballot can be cast for them",
    ),
    ("your_ballot", "您的选择", "Your ballot"),
    ("changed_times", "改过次数", "changed"),
    (
        "can_change",
        "投票结束前可以改，每次修改都有记录。",
        "You can change it until voting closes; every change is kept.",
    ),
    ("choice", "表决意见", "Choice"),
    ("choice_yes", "同意", "Yes"),
    ("choice_no", "不同意", "No"),
    ("choice_abstain", "弃权", "Abstain"),
    (
        "door_knocking",
        "敲门行动（未表决名单）",
        "Door-knocking (who has not answered)",
    ),
    ("record_ballot", "代为录入选票", "Record a ballot"),
    (
        "record_ballot_intro",
        "替不方便用手机的业主录入意见：写房号或从名单里选这户，选择方式，拍下签字的同意书或录音作为凭证。",
        "Record the choice of an owner who cannot use a phone: write the room or pick the flat from the list, the way it was cast, and a photo of the signed form or a recording as evidence.",
    ),
    (
        "room_hint_short",
        "例如 601 或 1栋1单元601",
        "Like 601 or 1栋1单元601",
    ),
    (
        "pick_room",
        "或者从名单里选：楼栋 → 单元 → 房号（写了房号就以写的为准）",
        "Or pick it: building → unit → room (a room written above comes first)",
    ),
    (
        "room_hint",
        "像平常一样写房号：601、1栋1单元601 或 1-1-601；从未表决名单点“代为录入”会自动填好。",
        "Write the room as people say it: 601, 1栋1单元601 or 1-1-601; it is filled in when you come from the door-knocking list.",
    ),
    ("cast_method", "方式", "How it was cast"),
    (
        "cast_method_hint",
        "上门协助需拍照或录音；委托需上传委托书；电话或视频需写见证人；纸质表决票需拍照。",
        "Assisted: a photo or recording; proxy: the authorisation; phone or video: a witness; paper: a photo of the form.",
    ),
    (
        "evidence_file",
        "凭证（照片、录音或 PDF）",
        "Evidence (photo, recording or PDF)",
    ),
    ("evidence", "凭证", "evidence"),
    ("witness", "见证人", "Witness"),
    ("note", "备注", "Note"),
    ("save_ballot", "保存选票", "Save the ballot"),
    ("ballot_saved", "选票已保存。", "The ballot was saved."),
    ("consent_forms", "打印同意书", "Print consent forms"),
    (
        "consent_form",
        "业主意见表（同意书）",
        "Owner's consent form",
    ),
    (
        "consent_text",
        "本人作为上述房屋的业主，对本议题表示（请在一项前打 ✓）：",
        "As owner of the household above, my choice on this proposal is (tick one):",
    ),
    ("owner_signature", "业主签字", "Owner's signature"),
    (
        "assisted_by",
        "协助人（楼栋长、志愿者）签字",
        "Assisted by (building head, volunteer)",
    ),
    ("date", "日期", "Date"),
    (
        "consent_qr_hint",
        "扫码可在手机上查看议题并投票。",
        "Scan to read the proposal and vote on a phone.",
    ),
    (
        "empty_roll",
        "这次表决没有登记的房屋。",
        "No households are on the roll of this vote.",
    ),
    ("ballot_register", "表决登记表", "Ballot register"),
    ("download_csv", "下载 CSV", "Download CSV"),
    ("download_xlsx", "下载 Excel", "Download Excel"),
    ("reg_voter", "投票人", "Voter"),
    ("reg_households", "房屋", "Households"),
    ("reg_area", "面积㎡", "Area m²"),
    ("reg_heads", "人数", "Heads"),
    ("reg_choice", "意见", "Choice"),
    ("reg_method", "方式", "Method"),
    ("reg_recorded_by", "录入人", "Recorded by"),
    ("reg_witness", "见证人", "Witness"),
    ("reg_evidence", "凭证", "Evidence"),
    ("reg_cast_at", "时间", "Time"),
    ("reg_revision", "版本", "Revision"),
    ("online", "本人在线", "online by the owner"),
    ("assisted", "上门协助", "assisted"),
    ("proxy", "委托代理", "by proxy"),
    ("remote", "电话或视频", "by phone or video"),
    ("paper", "纸质表决票", "paper form"),
    (
        "live_tally",
        "实时计票（仅工作人员可见）",
        "Live tally (staff only)",
    ),
    ("result", "表决结果", "Result"),
    ("answered", "已表决", "Answered"),
    ("unanswered", "未表决", "Not yet answered"),
    ("condition", "条件", "Condition"),
    ("reached", "实际", "Reached"),
    ("met", "是否达到", "Met"),
    ("heads", "人数", "Heads"),
    ("all_voters", "全体", "All"),
    ("print_notice", "打印公示", "Print the notice"),
    ("next_steps", "下一步", "Next steps"),
    (
        "submit_for_deliberation",
        "提交大家讨论",
        "Put it to the residents",
    ),
    ("support", "我支持", "I support this"),
    ("voting_deadline", "投票截止日期", "Last day of voting"),
    (
        "open_voting",
        "开始投票（冻结表决名单）",
        "Open voting (freezes the roll)",
    ),
    (
        "open_voting_hint",
        "开始后，参加表决的房屋、面积和业主就固定下来，之后登记的变化不影响这次表决。",
        "From then on the households, areas and owners of this vote are fixed; later changes to the registry do not affect it.",
    ),
    ("close_voting", "结束投票并计票", "Close voting and count"),
    (
        "close_voting_check",
        "我确认结束投票。结束后不能再投票，结果将公示。",
        "I confirm: voting closes for good and the result is published.",
    ),
    (
        "close_voting_confirm",
        "结束后不能撤回，确定结束投票吗？",
        "This cannot be undone. Close voting now?",
    ),
    ("start_acting", "开始落实", "Start acting on it"),
    ("mark_evaluated", "落实完成，已评议", "Done and evaluated"),
    ("withdraw", "撤回议题", "Withdraw"),
    (
        "withdraw_confirm",
        "确定撤回这个议题吗？",
        "Withdraw this proposal?",
    ),
    ("deliberation", "大家商议", "Deliberation"),
    (
        "empty_comments",
        "还没有人发言。说说您的看法。",
        "Nobody has spoken yet. Say what you think.",
    ),
    ("committee_answer", "委员会答复", "Committee's answer"),
    ("your_comment", "您的意见", "Your comment"),
    (
        "as_committee_answer",
        "作为委员会的正式答复",
        "As the committee's official answer",
    ),
    ("post_comment", "发表", "Post"),
    ("progress_by_unit", "各单元进度", "Progress by unit"),
    (
        "everyone_answered",
        "所有房屋都已表决。",
        "Every household has answered.",
    ),
    ("assigned_to", "负责上门：", "Assigned to:"),
    ("last_visit", "上次上门", "Last visit"),
    ("visit_outcome", "上门结果", "Outcome of the visit"),
    ("save_visit", "记录上门", "Save visit"),
    (
        "result_notice",
        "表决结果公示",
        "Public notice of the result",
    ),
    ("notice_period", "公示期", "Notice period"),
    (
        "audit_anchor",
        "审计链（可用 linli verify-audit 核对）",
        "Audit trail (check with linli verify-audit)",
    ),
    ("days", "天", "days"),
    (
        "notice_objection",
        "对结果有异议的，请在公示期内向小区委员会书面提出。",
        "Objections to the result may be made in writing to the committee within the notice period.",
    ),
    (
        "committee_seal",
        "小区委员会（盖章）",
        "Compound committee (seal)",
    ),
    ("notifications", "消息", "Messages"),
    (
        "empty_notifications",
        "没有新消息。投票开始、结果出来时会通知您。",
        "No messages. You are told here when a vote opens and when a result is out.",
    ),
    ("mark_all_read", "全部标为已读", "Mark all read"),
    ("unread", "未读", "unread"),
    ("objections", "异议", "Objections"),
    (
        "empty_objections",
        "没有人提出异议。",
        "No objection has been raised.",
    ),
    ("resolved", "已解决", "resolved"),
    ("unresolved", "未解决", "not resolved"),
    ("compensation", "补偿", "Compensation"),
    ("answer", "答复", "Answer"),
    ("mark_resolved", "异议已解决", "The objection is resolved"),
    (
        "raise_objection",
        "提出异议（采光、通风、噪音……）",
        "Raise an objection (light, ventilation, noise…)",
    ),
    ("concern", "关于", "About"),
    ("objection_text", "具体意见", "What is the concern"),
    (
        "affected_consents",
        "受影响业主的书面同意",
        "Written consent of affected owners",
    ),
    (
        "affected_consents_intro",
        "方案要用到某户的专有部分（阳台、窗户）时，须有该户业主本人的书面同意，不论投票结果如何。",
        "When the plan uses an owner's own part (a balcony, a window), that owner's written consent is needed whatever the vote.",
    ),
    ("empty_consents", "还没有记录。", "Nothing recorded yet."),
    ("consented", "同意", "consents"),
    ("not_consented", "不同意", "does not consent"),
    ("actions", "落实事项", "Actions"),
    (
        "empty_actions",
        "还没有落实事项。委员会可以把决定分解成具体事项。",
        "No actions yet. The committee can break the decision into actions.",
    ),
    ("action_title", "事项", "Action"),
    ("responsible", "负责人", "Responsible"),
    ("due_on", "完成期限", "Due"),
    ("add_action", "添加事项", "Add the action"),
    ("done", "已完成", "done"),
    ("mark_done", "标为完成", "Mark done"),
    ("evaluation", "效果共评", "How did it turn out?"),
    ("evaluations", "评价人数", "Ratings"),
    ("mean_rating", "平均", "average"),
    ("your_rating", "您的评价", "Your rating"),
    (
        "custom_rule",
        "自定义规则（表决规则选“自定义规则”时使用）",
        "Custom rule (used when the rule is “Custom rule”)",
    ),
    (
        "custom_rule_hint",
        "例如“同意的户数超过全体的三分之二”：比例填 2/3，按人数，占全体，勾选“超过”。",
        "E.g. “more than two thirds of all households agree”: 2/3, by headcount, of all, tick “more than”.",
    ),
    (
        "custom_fraction",
        "同意比例（如 2/3、75%）",
        "Share that must agree (e.g. 2/3, 75%)",
    ),
    ("custom_measure", "按", "Counted by"),
    (
        "measure_both",
        "面积和人数都要达到",
        "both area and headcount",
    ),
    (
        "measure_headcount",
        "人数（户数）",
        "headcount (households)",
    ),
    ("measure_area", "专有面积", "exclusive area"),
    ("custom_of", "占", "Of"),
    ("of_all", "全体业主", "all owners in scope"),
    ("of_participants", "参与表决的业主", "those who voted"),
    (
        "custom_strict",
        "须“超过”这个比例（不含本数）",
        "Must be “more than” this share (not equal)",
    ),
    (
        "custom_quorum",
        "还须三分之二以上的业主参与表决（民法典第二百七十八条）",
        "Also two thirds of owners must take part (Civil Code Art. 278)",
    ),
    // Elections (N of M).
    ("el_election", "选举", "Election"),
    (
        "el_open",
        "选举：候选人、投票与结果",
        "Election: candidates, ballot and result",
    ),
    ("el_new", "发起选举", "Hold an election"),
    (
        "el_new_intro",
        "选举业主委员会（自管会）委员，或楼栋长、单元长。先保存为草稿，提名候选人，再开始投票。",
        "Elect the owners' (self-management) committee, or building or unit heads. It is saved as a draft; nominate candidates, then open voting.",
    ),
    (
        "el_scope",
        "选什么（谁来投票）",
        "What is elected (who votes)",
    ),
    ("el_committee", "业委会（自管会）委员", "committee members"),
    ("el_building_head", "楼栋长", "building heads"),
    ("el_unit_head", "单元长", "unit heads"),
    ("el_kind", "选举", "Election of"),
    ("el_seats", "应选人数", "Seats"),
    (
        "el_rule",
        "规则（民法典第二百七十八条）：参与表决的专有面积和人数都须达到三分之二；候选人须获得参与表决者过半数的面积和人数才能当选；得票最多者依次当选，最后一个席位票数相同的，另行第二轮投票；无人过半的席位空缺，重新提名选举。",
        "Rule (Civil Code Art. 278): two thirds of the area and of the owners must take part; a candidate needs more than half of the participants by area and by headcount; seats go to the most votes; a tie for the last seat goes to a second round; seats no one wins stay empty for a new round.",
    ),
    ("el_candidates", "候选人", "Candidates"),
    ("el_candidate", "候选人", "Candidate"),
    ("el_no_candidates", "还没有候选人。", "No candidates yet."),
    ("el_stand", "我要参选（自荐）", "I stand (self-nomination)"),
    (
        "el_nominate",
        "登记推荐的候选人",
        "Enter a recommended candidate",
    ),
    ("el_candidate_name", "候选人姓名", "Candidate's name"),
    ("el_nominated_by", "推荐方式", "Nominated by"),
    (
        "el_account_id",
        "候选人在邻里的账号（当选后可直接授予职务）",
        "The candidate's account in linli (to grant the role after the election)",
    ),
    (
        "el_statement",
        "参选陈述（为大家做什么）",
        "Statement (what they will do)",
    ),
    ("el_ballot", "选票", "Ballot"),
    (
        "el_choose_up_to",
        "请勾选您支持的候选人，最多可选",
        "Tick the candidates you support; at most",
    ),
    ("el_ballot_papers", "打印选票", "Print ballot papers"),
    ("el_ballot_paper", "选票", "Ballot paper"),
    (
        "el_paper_text",
        "请在您支持的候选人前打 ✓，最多选",
        "Tick the candidates you support; at most",
    ),
    (
        "el_paper_spoiled",
        "选的人数超过应选人数的为废票。",
        "A paper ticking more than the seats is spoiled.",
    ),
    ("el_participants", "参与表决", "Took part"),
    ("el_spoiled", "废票", "spoiled"),
    ("el_over_half", "过半数", "More than half"),
    ("el_elected", "当选", "Elected"),
    ("el_second_round", "需第二轮", "Second round"),
    (
        "el_notice",
        "选举结果公示",
        "Public notice of the election result",
    ),
    ("el_grant", "授予当选者职务", "Give the elected their role"),
    (
        "el_grant_hint",
        "有账号的当选者将获得相应职务（委员、楼栋长或单元长），每一项都记入审计日志。",
        "Elected candidates with an account get their role (committee member, building or unit head); each grant is audited.",
    ),
    ("el_granted_at", "已授予职务：", "Roles granted:"),
    ("el_granted", "已授予职务", "Role granted to"),
    ("el_already", "原已担任", "already held by"),
    (
        "el_without_account",
        "没有账号，请先邀请",
        "no account yet, invite first",
    ),
    (
        "el_to_proposal",
        "查看议题页（讨论、阶段）",
        "The proposal page (deliberation, stage)",
    ),
    // Council meetings (议事会).
    ("mt_meetings", "议事会", "Council meetings"),
    (
        "mt_intro",
        "议事会讨论大家提出和支持的议题，记录出席、纪要和每项议题的结论，会后打印签字存档。",
        "The council discusses the proposals residents put forward and support; attendance, minutes and each item's outcome are recorded, printed and signed.",
    ),
    ("mt_new", "召开议事会", "Hold a council meeting"),
    ("mt_empty", "还没有议事会记录。", "No council meetings yet."),
    ("mt_title", "会议名称", "Meeting"),
    ("mt_place", "地点", "Place"),
    ("mt_agenda", "议程", "Agenda"),
    (
        "mt_no_agenda",
        "没有列入议程的议题。",
        "No proposals on the agenda.",
    ),
    (
        "mt_no_choices",
        "目前没有在讨论中或有人支持的议题。",
        "No proposal is under deliberation or supported now.",
    ),
    ("mt_outcome", "结论", "Outcome"),
    ("mt_attendance", "出席人员", "Attendance"),
    (
        "mt_attendance_hint",
        "每行写一个名字。",
        "One name per line.",
    ),
    ("mt_minutes", "会议纪要", "Minutes"),
    ("mt_record", "记录会议", "Record the meeting"),
    (
        "mt_print_minutes",
        "打印会议纪要（签字）",
        "Print the minutes for signatures",
    ),
    (
        "mt_minutes_sheet",
        "议事会会议纪要",
        "Minutes of the council meeting",
    ),
    ("mt_name", "姓名", "Name"),
    ("mt_signature", "签字", "Signature"),
    ("mt_recorder", "记录人", "Recorded by"),
    ("mt_chair", "主持人", "Chaired by"),
];
