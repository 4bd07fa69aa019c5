//! The words on the pages, in zh-CN and English.
//!
//! Templates call `t.s("key")`. Every key used in a template must be in `MESSAGES` with both
//! languages; a test reads the templates and checks it, so a page never shows a bare key.

use linli_domain::AreaSource;
use linli_domain::Lang;
use linli_domain::authz::Role;
use linli_domain::registry::{ManagementMode, ResidentKind, SixHaveItem};
use std::collections::HashMap;
use std::sync::OnceLock;

/// A Unix time however a template holds it (`i64`, `&i64`, `&&i64` in a loop).
pub trait Timestamp {
    fn unix(&self) -> i64;
}

impl Timestamp for i64 {
    fn unix(&self) -> i64 {
        *self
    }
}

impl<X: Timestamp + ?Sized> Timestamp for &X {
    fn unix(&self) -> i64 {
        (**self).unix()
    }
}

#[derive(Debug, Clone, Copy)]
pub struct T {
    pub lang: Lang,
    pub large: bool,
}

/// (key, 中文, English)
pub const MESSAGES: &[(&str, &str, &str)] = &[
    ("app", "邻里", "linli"),
    (
        "tagline",
        "老旧小区居民自治",
        "Self-governance of old compounds",
    ),
    ("home", "首页", "Home"),
    ("compounds", "小区", "Compounds"),
    ("search", "搜索", "Search"),
    ("search_hint", "姓名、房号或电话", "Name, room or phone"),
    ("login", "登录", "Sign in"),
    ("logout", "退出", "Sign out"),
    ("login_name", "账号或手机号", "Username or phone"),
    ("password", "密码", "Password"),
    ("large_text", "大字", "Large text"),
    ("normal_text", "正常字号", "Normal text"),
    ("other_lang", "English", "中文"),
    ("my_places", "我负责的地方", "My places"),
    ("my_roles", "我的身份", "My roles"),
    (
        "no_roles",
        "您还没有任何身份。如果您是居民，请用居委会发的邀请码认领您的房屋。",
        "You have no role yet. If you are a resident, claim your home with the invite code from your committee.",
    ),
    ("claim", "认领房屋", "Claim my home"),
    (
        "claim_intro",
        "输入居委会或小区委员会给您的邀请码。没有账号的可以同时注册。",
        "Enter the invite code your committee gave you. If you have no account, create one here at the same time.",
    ),
    ("invite_code", "邀请码", "Invite code"),
    ("display_name", "姓名", "Name"),
    ("phone", "电话", "Phone"),
    ("username", "用户名", "Username"),
    ("management_mode", "管理模式", "Management mode"),
    ("all_modes", "全部管理模式", "All management modes"),
    ("three_no", "三无小区", "Three-no compound"),
    ("only_three_no", "只看三无小区", "Only three-no compounds"),
    ("six_have", "六有", "Six-have"),
    ("six_have_complete", "已达到六有", "Six-have reached"),
    ("year_built", "建成年份", "Year built"),
    ("address", "地址", "Address"),
    ("name", "名称", "Name"),
    ("buildings", "楼栋", "Buildings"),
    ("building", "楼栋", "Building"),
    ("units", "单元", "Units"),
    ("unit", "单元", "Unit"),
    ("households", "户", "Households"),
    ("dl_households", "房屋名录", "Households"),
    ("household", "户", "Household"),
    ("floor", "楼层", "Floor"),
    ("floors", "层数", "Floors"),
    ("room", "房号", "Room"),
    ("area", "专有面积（㎡）", "Exclusive area (m²)"),
    ("area_total", "总面积（㎡）", "Total area (m²)"),
    ("area_source", "面积来源", "Area source"),
    ("owners", "业主", "Owners"),
    ("owner", "业主", "Owner"),
    ("share", "份额（%）", "Share (%)"),
    (
        "share_hint",
        "只有一位业主时留空",
        "Leave blank for a sole owner",
    ),
    ("designated_voter", "投票代表", "Designated voter"),
    ("make_voter", "设为投票代表", "Make designated voter"),
    ("residents", "居住人员", "Residents"),
    ("resident_kind", "身份", "Kind"),
    ("moved_in", "入住日期", "Moved in"),
    ("moved_out", "搬离日期", "Moved out"),
    ("move_out", "登记搬离", "Record move-out"),
    ("current", "在住", "living here"),
    (
        "date_hint",
        "例如 2024-05-01，留空为今天",
        "e.g. 2024-05-01; blank for today",
    ),
    ("edit", "修改", "Edit"),
    ("save", "保存", "Save"),
    ("cancel", "取消", "Cancel"),
    ("create", "新建", "Create"),
    ("add", "添加", "Add"),
    ("remove", "移除", "Remove"),
    (
        "confirm_remove",
        "确定要移除吗？此操作会记入变更记录。",
        "Remove this? The change is kept in the history.",
    ),
    ("move", "调整单元", "Move to another unit"),
    (
        "move_intro",
        "把这户调整到本小区的另一个单元（用于更正登记）。",
        "Move this household to another unit of the same compound (to correct the registry).",
    ),
    ("target_unit", "目标单元", "Target unit"),
    ("history", "变更记录", "History"),
    ("no_history", "还没有变更记录。", "No changes recorded yet."),
    ("who", "操作人", "By"),
    ("when", "时间", "When"),
    ("what", "内容", "What"),
    ("before", "修改前", "Before"),
    ("after", "修改后", "After"),
    ("system", "系统", "system"),
    ("new_compound", "新建小区", "New compound"),
    ("new_building", "新建楼栋", "New building"),
    ("new_unit", "新建单元", "New unit"),
    ("new_household", "新建一户", "New household"),
    ("add_owner", "添加业主", "Add owner"),
    ("add_resident", "登记入住", "Record move-in"),
    ("invite", "发放邀请码", "Issue invite code"),
    ("invite_owner", "给业主的邀请码", "Invite code for an owner"),
    (
        "invite_resident",
        "给居民的邀请码",
        "Invite code for a resident",
    ),
    (
        "invite_print",
        "请把这张纸交给住户。用手机扫码或打开网址，输入邀请码即可认领房屋。",
        "Give this sheet to the household. Scan the code or open the address and enter the invite code to claim the home.",
    ),
    ("valid_until", "有效期至", "Valid until"),
    ("print", "打印", "Print"),
    (
        "empty_compounds",
        "这里还没有小区。",
        "No compounds here yet.",
    ),
    (
        "empty_compounds_next",
        "社区工作者可以在社区页面新建小区。",
        "A community worker can create one on the community's page.",
    ),
    (
        "empty_buildings",
        "这个小区还没有登记楼栋。先新建一栋楼，再添加单元和住户。",
        "No buildings registered yet. Create a building first, then its units and households.",
    ),
    (
        "empty_units",
        "这栋楼还没有单元。请新建单元。",
        "This building has no units yet. Create one.",
    ),
    (
        "empty_households",
        "这里还没有住户。",
        "No households here yet.",
    ),
    (
        "empty_households_next",
        "点“新建一户”登记第一户。",
        "Use “New household” to register the first one.",
    ),
    (
        "empty_search",
        "没有找到。试试姓名的一部分、完整房号或电话后四位以上。",
        "Nothing found. Try part of a name, a full room number or at least 4 digits of a phone.",
    ),
    (
        "empty_owners",
        "还没有登记业主。",
        "No owners registered yet.",
    ),
    (
        "empty_residents",
        "没有人居住记录（业主可能在外地）。",
        "Nobody recorded as living here (the owner may live elsewhere).",
    ),
    ("prev", "上一页", "Previous"),
    ("next", "下一页", "Next"),
    ("page", "第 {} 页，共 {} 页", "Page {} of {}"),
    ("total", "共", "Total"),
    ("overview", "概况", "Overview"),
    ("profile", "小区档案", "Compound profile"),
    ("all_households", "全部住户", "All households"),
    ("sub_compound", "自然小区", "Sub-compound"),
    ("error", "出错了", "Something is wrong"),
    ("back_home", "回到首页", "Back to the home page"),
    (
        "fix_errors",
        "请改正下面标出的问题：",
        "Please correct what is marked below:",
    ),
    ("tokens", "API 令牌", "API tokens"),
    (
        "tokens_intro",
        "给脚本和其他系统使用。令牌只显示一次，请妥善保存。",
        "For scripts and other systems. A token is shown once only; keep it safe.",
    ),
    ("token_name", "用途", "Purpose"),
    ("new_token", "新令牌", "New token"),
    ("api_docs", "接口文档（OpenAPI）", "API document (OpenAPI)"),
    ("my_account", "我的账号", "My account"),
    ("change_password", "修改密码", "Change password"),
    ("current_password", "当前密码", "Current password"),
    ("new_password", "新密码", "New password"),
    (
        "password_rules",
        "新密码至少 10 个字符，不能全是同一个字符，不能是账号或手机号，也不能是最常用的密码。改密码后，您在其他设备上的登录和所有 API 令牌都会失效。",
        "A new password has at least 10 characters, is not one character repeated, not your login or phone, and not a common password. Changing it signs you out everywhere else and revokes all API tokens.",
    ),
    (
        "password_changed",
        "密码已修改。其他设备上的登录和 API 令牌已失效。",
        "Password changed. Other sign-ins and API tokens no longer work.",
    ),
    ("token_expires", "有效期至", "Expires"),
    ("token_last_used", "最近使用", "Last used"),
    ("never", "从未", "never"),
    ("revoke", "作废", "Revoke"),
    (
        "revoke_confirm",
        "作废后，用这个令牌的脚本将无法再使用。确定吗？",
        "Scripts using this token will stop working. Revoke it?",
    ),
    ("token_revoked", "已作废", "revoked"),
    ("token_expired", "已过期", "expired"),
    (
        "token_lifetime",
        "新令牌 {} 天后失效，到期后请重新生成。",
        "A new token lasts {} days; make a new one when it expires.",
    ),
    ("regions", "下级地区", "Areas below"),
    (
        "mode_counts",
        "各管理模式小区数",
        "Compounds by management mode",
    ),
    ("yes", "是", "yes"),
    ("no", "否", "no"),
    ("optional", "选填", "optional"),
    ("skip_to_content", "跳到正文", "Skip to content"),
    ("not_found", "找不到这个页面", "Page not found"),
    (
        "phone_masked_note",
        "电话号码仅对有需要的人员完整显示。",
        "Full phone numbers are shown only to those who need them.",
    ),
    ("room_suffix", "室", ""),
    ("floor_suffix", "层", "F"),
    ("area_short", "面积㎡", "Area m²"),
    ("my_home", "我的家", "My home"),
    (
        "version_note",
        "如果别人先保存了，您的修改不会覆盖他们的。",
        "If someone else saves first, your change will not overwrite theirs.",
    ),
    ("roster", "花名册（Excel）", "Roster (Excel)"),
    ("roster_import", "导入花名册", "Import the roster"),
    (
        "roster_intro",
        "上传小区现有的住户花名册（.xlsx、.xls 或 .csv）。先检查每一行并显示将要做的修改，确认后才写入；有任何错误时一行都不导入。",
        "Upload the compound's household roster (.xlsx, .xls or .csv). Every row is checked and the changes are shown first; nothing is written until you confirm, and nothing at all while any error remains.",
    ),
    ("roster_file", "花名册文件", "Roster file"),
    ("roster_check", "上传并检查", "Upload and check"),
    (
        "roster_checking",
        "正在检查，大文件需要几秒钟…",
        "Checking; a large file takes a few seconds…",
    ),
    (
        "roster_template",
        "下载空白模板",
        "Download the blank template",
    ),
    ("roster_export", "导出花名册", "Export the roster"),
    ("roster_preview", "导入预览", "Import preview"),
    ("roster_created", "新增", "To create"),
    ("roster_updated", "修改", "To update"),
    ("roster_unchanged", "不变", "Unchanged"),
    (
        "roster_errors",
        "错误（必须改正后重新上传）",
        "Errors (correct them and upload again)",
    ),
    (
        "roster_warnings",
        "提醒（不影响导入，请核对）",
        "Warnings (they do not block the import; please check)",
    ),
    (
        "roster_changes",
        "将修改的住户",
        "Households that will change",
    ),
    (
        "roster_new_places",
        "将新建的楼栋和单元",
        "Buildings and units to be created",
    ),
    ("roster_confirm", "确认导入", "Confirm the import"),
    (
        "roster_blocked",
        "文件中还有错误，没有导入任何数据。请在 Excel 里改正上面列出的每一处，然后重新上传。",
        "The file still has errors; nothing was imported. Correct each one listed above in Excel, then upload the file again.",
    ),
    ("roster_applied", "已导入", "Imported"),
    ("roster_again", "再导入一个文件", "Import another file"),
    ("roster_row", "行", "Row"),
    ("roster_column", "列", "Column"),
    ("roster_value", "内容", "Value"),
    ("roster_problem", "问题", "Problem"),
    (
        "roster_nothing",
        "文件与现有登记完全一致，没有需要修改的。",
        "The file matches the registry exactly; there is nothing to change.",
    ),
    ("roster_file_name", "文件", "File"),
    (
        "roster_people",
        "业主（每人只算一次）",
        "Owners (each person once)",
    ),
    (
        "roster_renamed",
        "统一了写法的楼栋和单元",
        "Building and unit names written one way",
    ),
    ("roster_notes", "请注意", "Please note"),
    ("roster_header", "表头", "Header"),
    (
        "developer_unsold",
        "开发建设单位未售出",
        "Developer's unsold flat",
    ),
    (
        "mark_unsold",
        "标记为开发建设单位未售出",
        "Mark as the developer's unsold flat",
    ),
    ("unmark_unsold", "取消未售标记", "Remove the unsold mark"),
    ("person", "人员", "Person"),
    (
        "person_flats",
        "名下和居住的房屋",
        "Flats owned and lived in",
    ),
    ("id_last4", "身份证后四位", "ID last 4"),
    ("phones_all", "全部电话", "All phones"),
    (
        "same_name",
        "同名的人（可能是同一个人）",
        "Same name (maybe the same person)",
    ),
    ("merge_into_this", "合并到这个人", "Merge into this person"),
    (
        "merge_hint",
        "合并后，对方名下的房屋、居住记录、账号和投票人身份都归到这个人；可以随时拆分恢复。",
        "After a merge, the other record's flats, residencies, accounts and designated-voter marks are this person's; a merge can be split again at any time.",
    ),
    ("merges", "合并记录", "Merges"),
    ("split", "拆分", "Split"),
    ("was_split", "已拆分", "Split"),
    ("merged_into", "已合并到", "Merged into"),
    (
        "merge_whom",
        "要合并进来的人员",
        "Person to merge into this one",
    ),
];

/// Every feature's words: one line per `i18n_<feature>.rs`.
const TABLES: &[&[(&str, &str, &str)]] = &[
    MESSAGES,
    crate::i18n_decisions::MESSAGES,
    crate::i18n_ratings::MESSAGES,
    crate::i18n_elevators::MESSAGES,
    crate::i18n_volunteers::MESSAGES,
    crate::i18n_requests::MESSAGES,
    crate::i18n_elevator_ops::MESSAGES,
    crate::i18n_funds::MESSAGES,
    crate::i18n_standards::MESSAGES,
    crate::i18n_notify::MESSAGES,
    crate::i18n_home::MESSAGES,
];

fn all_messages() -> impl Iterator<Item = &'static (&'static str, &'static str, &'static str)> {
    TABLES.iter().flat_map(|t| t.iter())
}

/// The words by key, built once: a page looks up hundreds of keys (a bills page one per line of
/// each bill), and a scan of the ~800 keys per lookup was a visible part of its time.
fn by_key() -> &'static HashMap<&'static str, (&'static str, &'static str)> {
    static BY_KEY: OnceLock<HashMap<&'static str, (&'static str, &'static str)>> = OnceLock::new();
    BY_KEY.get_or_init(|| {
        let mut map = HashMap::new();
        // The first table to name a key wins, as the scan did (a test forbids duplicates).
        for (k, zh, en) in all_messages() {
            map.entry(*k).or_insert((*zh, *en));
        }
        map
    })
}

impl T {
    pub fn new(lang: Lang, large: bool) -> T {
        T { lang, large }
    }

    /// The text of a key; the key itself if missing (a test forbids that).
    pub fn s(&self, key: &str) -> &'static str {
        match by_key().get(key) {
            Some((zh, en)) => self.lang.pick(zh, en),
            None => "?",
        }
    }

    /// "第 2 页，共 5 页"
    pub fn page(
        &self,
        page: impl std::borrow::Borrow<u64>,
        pages: impl std::borrow::Borrow<u64>,
    ) -> String {
        self.s("page")
            .replacen("{}", &page.borrow().to_string(), 1)
            .replacen("{}", &pages.borrow().to_string(), 1)
    }

    /// The text of a key with each `{}` filled in order.
    pub fn fill(&self, key: &str, args: &[&dyn std::fmt::Display]) -> String {
        args.iter().fold(self.s(key).to_string(), |s, a| {
            s.replacen("{}", &a.to_string(), 1)
        })
    }

    /// [`T::fill`] for templates, which cannot make a slice of references.
    pub fn fill_all<const N: usize>(&self, key: &str, args: &[String; N]) -> String {
        let args: Vec<&dyn std::fmt::Display> =
            args.iter().map(|a| a as &dyn std::fmt::Display).collect();
        self.fill(key, &args)
    }

    /// A proposal's stage in words, from its code.
    pub fn stage(&self, code: &str) -> &'static str {
        linli_domain::decision::ProposalStage::parse(code)
            .map(|st| st.label(self.lang))
            .unwrap_or("?")
    }

    /// Minutes of volunteering as people say them: "1 小时 30 分".
    pub fn minutes(&self, minutes: impl std::borrow::Borrow<u32>) -> String {
        linli_domain::volunteers::format_minutes(*minutes.borrow(), self.lang)
    }

    /// A weekday from its number, 1 (Monday) to 7.
    pub fn weekday(&self, number: impl std::borrow::Borrow<u8>) -> &'static str {
        linli_domain::volunteers::Weekday::from_number(i64::from(*number.borrow()))
            .map_or("", |d| d.label(self.lang))
    }

    /// How a bill's share follows from the amount due.
    pub fn share_explained(&self, b: &linli_store::elevators::BillView) -> String {
        crate::i18n_elevators::share_explained(b, self.lang)
    }

    /// What a row of request figures counts.
    pub fn rq_row(&self, label: &linli_store::requests::RowLabel) -> String {
        crate::i18n_requests::row_label(label, self.lang)
    }

    /// A grid's people by role and name, "网格员 周 · 志愿者 吴".
    pub fn grid_people(&self, people: &[linli_store::grids::GridPerson]) -> String {
        crate::i18n_requests::grid_people(people, self.lang)
    }

    /// A status line's item: a six-have item or a three-no basic.
    pub fn sd_status(&self, item: &linli_store::standards::StatusOf) -> &'static str {
        crate::i18n_standards::status_label(*item, self.lang)
    }

    /// How six-have and three-no follow from a checklist's marks, line by line.
    pub fn status_rule(&self, c: &linli_domain::standards::Checklist) -> Vec<String> {
        linli_domain::standards::assessment::rule_lines(c, self.lang)
    }

    /// A star-rating scheme in words, line by line.
    pub fn rating_rule(&self, r: &linli_domain::standards::RatingScheme) -> Vec<String> {
        r.rule_lines(self.lang)
    }

    /// An amount in fen as yuan, "1234.50".
    pub fn yuan(&self, fen: impl std::borrow::Borrow<i64>) -> String {
        linli_domain::Fen(*fen.borrow()).to_string()
    }

    /// "3 条未读", for the count beside 消息.
    pub fn unread(&self, n: impl std::borrow::Borrow<u64>) -> String {
        self.fill("unread_count", &[n.borrow()])
    }

    pub fn html_lang(&self) -> &'static str {
        self.lang.tag()
    }

    pub fn mode(&self, mode: &ManagementMode) -> &'static str {
        mode.label(self.lang)
    }

    pub fn six(&self, code: &str) -> &'static str {
        SixHaveItem::ALL
            .into_iter()
            .find(|i| i.as_str() == code)
            .map(|i| i.label(self.lang))
            .unwrap_or("?")
    }

    pub fn role(&self, role: &Role) -> &'static str {
        role.label(self.lang)
    }

    pub fn kind(&self, kind: &ResidentKind) -> &'static str {
        kind.label(self.lang)
    }

    pub fn source(&self, source: &AreaSource) -> &'static str {
        source.label(self.lang)
    }

    pub fn place(&self, kind: &linli_domain::place::NodeKind) -> &'static str {
        kind.label(self.lang)
    }

    pub fn action(&self, action: &str) -> &'static str {
        let (zh, en) = match action {
            "compound.create" => ("新建小区", "compound created"),
            "compound.update" => ("修改小区档案", "compound profile edited"),
            "building.create" => ("新建楼栋", "building created"),
            "unit.create" => ("新建单元", "unit created"),
            "household.create" => ("新建住户", "household created"),
            "household.update" => ("修改住户", "household edited"),
            "household.move" => ("调整单元", "household moved"),
            "owner.add" => ("添加业主", "owner added"),
            "owner.remove" => ("移除业主", "owner removed"),
            "voter.designate" => ("指定投票代表", "voter designated"),
            "resident.move_in" => ("登记入住", "moved in"),
            "resident.move_out" => ("登记搬离", "moved out"),
            "invite.issue" => ("发放邀请码", "invite issued"),
            "role.grant" => ("授予身份", "role granted"),
            _ => ("变更", "change"),
        };
        self.lang.pick(zh, en)
    }

    pub fn modes(&self) -> Vec<(&'static str, &'static str)> {
        ManagementMode::ALL
            .into_iter()
            .map(|m| (m.as_str(), m.label(self.lang)))
            .collect()
    }

    pub fn six_items(&self) -> Vec<(&'static str, &'static str)> {
        SixHaveItem::ALL
            .into_iter()
            .map(|m| (m.as_str(), m.label(self.lang)))
            .collect()
    }

    pub fn sources(&self) -> Vec<(&'static str, &'static str)> {
        AreaSource::ALL
            .into_iter()
            .map(|m| (m.as_str(), m.label(self.lang)))
            .collect()
    }

    pub fn kinds(&self) -> Vec<(&'static str, &'static str)> {
        ResidentKind::ALL
            .into_iter()
            .map(|m| (m.as_str(), m.label(self.lang)))
            .collect()
    }

    pub fn colon(&self) -> &'static str {
        self.lang.pick("：", ": ")
    }

    /// An audit timestamp (RFC 3339, UTC) in China's time, as people read it.
    pub fn when(&self, at: &str) -> String {
        use time::format_description::well_known::Rfc3339;
        let Ok(t) = time::OffsetDateTime::parse(at, &Rfc3339) else {
            return at.to_string();
        };
        let t = t.to_offset(time::UtcOffset::from_hms(8, 0, 0).unwrap_or(time::UtcOffset::UTC));
        match self.lang {
            Lang::Zh => format!(
                "{}年{}月{}日 {:02}:{:02}",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute()
            ),
            Lang::En => format!(
                "{}-{:02}-{:02} {:02}:{:02}",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute()
            ),
        }
    }

    /// The fields an audit record changed: (label, before, after), in words rather than JSON.
    pub fn changes(
        &self,
        before: &serde_json::Value,
        after: &serde_json::Value,
    ) -> Vec<(String, String, String)> {
        let empty = serde_json::Map::new();
        let b = before.as_object().unwrap_or(&empty);
        let a = after.as_object().unwrap_or(&empty);
        let keys: Vec<&String> = a.keys().chain(b.keys()).collect();
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for k in keys {
            if !seen.insert(k)
                || matches!(
                    k.as_str(),
                    "version"
                        | "id"
                        | "compound_id"
                        | "building_id"
                        | "unit_id"
                        | "area"
                        | "person_id"
                        | "residency_id"
                )
            {
                continue;
            }
            let (old, new) = (b.get(k), a.get(k));
            if old == new {
                continue;
            }
            out.push((
                self.field(k).to_string(),
                self.value(k, old),
                self.value(k, new),
            ));
        }
        out
    }

    fn field(&self, key: &str) -> &'static str {
        match key {
            "area_centi" => self.s("area"),
            "area_source" => self.s("area_source"),
            "floor" => self.s("floor"),
            "room" => self.s("room"),
            "name" => self.s("display_name"),
            "share_bp" => self.s("share"),
            "kind" => self.s("resident_kind"),
            "moved_in" => self.s("moved_in"),
            "moved_out" => self.s("moved_out"),
            "management_mode" => self.s("management_mode"),
            "three_no" => self.s("three_no"),
            "six_have" => self.s("six_have"),
            "year_built" => self.s("year_built"),
            "address" => self.s("address"),
            "designated_voter_id" => self.s("designated_voter"),
            "role" => self.s("my_roles"),
            _ => "·",
        }
    }

    fn value(&self, key: &str, v: Option<&serde_json::Value>) -> String {
        let Some(v) = v.filter(|v| !v.is_null()) else {
            return String::new();
        };
        match (key, v) {
            ("area_centi", serde_json::Value::Number(n)) => {
                n.as_i64().map(|c| self.m2(&c)).unwrap_or_default()
            }
            ("share_bp", serde_json::Value::Number(n)) => n
                .as_i64()
                .map(|b| format!("{}.{:02}%", b / 100, b % 100))
                .unwrap_or_default(),
            // A record keeps the stored texts; one this version does not know shows as "?".
            ("area_source", serde_json::Value::String(s)) => AreaSource::parse(s)
                .map_or("?", |v| self.source(&v))
                .to_string(),
            ("kind", serde_json::Value::String(s)) => ResidentKind::parse(s)
                .map_or("?", |v| self.kind(&v))
                .to_string(),
            ("management_mode", serde_json::Value::String(s)) => ManagementMode::parse(s)
                .map_or("?", |v| self.mode(&v))
                .to_string(),
            ("three_no", serde_json::Value::Bool(b)) => {
                self.s(if *b { "yes" } else { "no" }).to_string()
            }
            ("six_have", serde_json::Value::Array(items)) => items
                .iter()
                .filter_map(|i| i.as_str())
                .map(|i| self.six(i))
                .collect::<Vec<_>>()
                .join("、"),
            (_, serde_json::Value::String(s)) => s.clone(),
            (_, other) => other.to_string(),
        }
    }

    /// A Unix time as date and minute in China: "2026-11-25 14:05".
    pub fn at(&self, ts: impl Timestamp) -> String {
        crate::pages::china_time(ts.unix())
    }

    /// Square metres from hundredths: `895000` → "8950.00".
    pub fn m2(&self, centi: &i64) -> String {
        format!("{}.{:02}", centi / 100, centi % 100)
    }

    /// A count's check with its numbers: the rule, then "part / whole" ("2,154.30 m² / …").
    pub fn check_numbers(&self, l: &linli_store::proposals::CheckLine) -> String {
        let amount = |v| crate::i18n_decisions::amount(l.check.measure(), v, self.lang);
        format!("{} / {}", amount(l.check.part), amount(l.check.whole))
    }

    /// A vote's outcome: the result once closed, what the ballots so far give while it runs.
    pub fn outcome(&self, v: &linli_store::proposals::TallyView) -> String {
        crate::i18n_decisions::outcome_label(v.result.outcome, v.final_result, self.lang)
    }

    /// What the roll counted specially (SPC Art. 9), a sentence each.
    pub fn roll_notes(&self, roll: &linli_store::proposals::RollCounts) -> Vec<String> {
        crate::i18n_decisions::roll_notes(*roll, self.lang)
    }

    /// An election's result in one sentence.
    pub fn election_summary(&self, c: &linli_store::proposals::ElectionCount) -> String {
        crate::i18n_decisions::election_summary(c, self.lang)
    }

    /// A register row's ballot in words: its choice or the candidates named; empty if none.
    pub fn cast_choice(&self, r: &linli_store::proposals::RegisterRow) -> String {
        r.said
            .as_ref()
            .map(|c| crate::i18n_decisions::cast_choice(c, self.lang))
            .unwrap_or_default()
    }
}

/// A person a form lists with the role they hold there: "王芳（单元长）".
pub fn person_with_role(name: &str, role: &linli_domain::authz::Role, lang: Lang) -> String {
    format!("{name}（{}）", role.label(lang))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `t.s("…")` in every template has a message in both languages.
    #[test]
    fn every_template_key_has_both_languages() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
        let mut checked = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for part in text.split("t.s(\"").skip(1) {
                let key = part.split('"').next().unwrap();
                let found = all_messages().find(|(k, _, _)| *k == key);
                // Suffixes such as 室 have no English counterpart; every other message has both.
                let ok = found.is_some_and(|(_, zh, en)| {
                    !zh.is_empty() && (!en.is_empty() || key.ends_with("_suffix"))
                });
                assert!(ok, "missing message {key}");
                checked += 1;
            }
        }
        assert!(checked > 50, "templates use t.s: {checked}");
    }

    #[test]
    fn keys_are_unique() {
        let all: Vec<_> = all_messages().collect();
        for (i, (k, _, _)) in all.iter().enumerate() {
            assert!(
                !all[i + 1..].iter().any(|(k2, _, _)| k2 == k),
                "duplicate key {k}"
            );
        }
    }
}
