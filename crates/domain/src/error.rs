//! What can be wrong with a value a person typed, in words they can act on.
//!
//! `Invalid` is the reason; `FieldError` ties it to the field (or spreadsheet column) it
//! came from. Both have a stable `code` for API clients and a message in zh-CN and English.

use crate::decision::ballot::CastMethod;
use crate::decision::matter::MatterClass;
use crate::decision::stage::ProposalStage;
use crate::elevator::{Blocker, ElevatorStage};
use crate::lang::Lang;
use crate::money::Fen;
use crate::requests::{RequestStatus, RequestStep};
use serde::Serialize;
use std::borrow::Cow;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Invalid {
    Required,
    TooLong {
        max: usize,
    },
    NotANumber,
    /// A floor that is not a floor number ("顶层").
    NotAFloor,
    NotPositive,
    TooManyDecimals {
        max: u8,
    },
    OutOfRange {
        min: i64,
        max: i64,
    },
    BadPhone,
    BadEmail,
    NoPhone,
    StillResident,
    AlreadyAnonymised,
    BadRoom,
    BadChoice,
    BadShare,
    BadDate,
    DuplicateRoom {
        room: String,
    },
    OtherCompound,
    Taken,
    BadFraction,
    ThresholdFraction {
        row: usize,
    },
    ThresholdUnreachable {
        row: usize,
    },
    ThresholdParticipation {
        row: usize,
    },
    NotInElectorate,
    WrongStage {
        stage: ProposalStage,
    },
    NeedsEvidence {
        method: CastMethod,
    },
    TooManyChoices {
        max: usize,
    },
    NotACandidate,
    DuplicateChoice,
    /// The ballot came after the vote closed (or its deadline passed).
    VotingClosed,
    /// An uploaded file above the size limit.
    FileTooLarge {
        max_mb: u32,
    },
    /// An uploaded file of a kind not accepted (by its content, not its name).
    FileType,
    /// A file that starts like a photo (JPEG, PNG) but is not a readable one.
    ImageUnreadable,
    /// A photo whose header announces more pixels than the server decodes.
    ImageTooLarge {
        width: u32,
        height: u32,
        max_megapixels: u32,
    },
    /// A date further ahead than the thing it records can plausibly be (a move-in, a payment,
    /// a receipt more than a year from today).
    DateTooFarAhead {
        latest: String,
    },
    /// A day that has already happened recorded after today: a payment or a receipt dated
    /// tomorrow or later is a typing mistake.
    DateNotYet {
        latest: String,
    },
    /// A day something is still to happen by (a due date) set before today.
    DateInPast {
        earliest: String,
    },
    /// A month not written like 2024-05.
    BadMonth,
    /// A rating sheet deducts more in a category than the rubric allows.
    DeductionBeyondMax {
        category: String,
        max: i64,
    },
    /// A code that is not an item (or category) of the rubric.
    UnknownItem {
        item: String,
    },
    /// A scorer on the unit they live in.
    OwnUnit,
    /// A sheet or change for a rating month already closed.
    MonthClosed {
        month: String,
    },
    /// A second sheet from the same scorer for the same unit and month.
    SheetSubmitted,
    /// A rubric amendment without a decided proposal.
    NeedsDecision,
    /// An appeal after the appeal period.
    AppealTooLate {
        days: u32,
    },
    /// Two rubric entries with one code.
    DuplicateCode {
        item: String,
    },
    /// A rubric entry's points outside 1..=max.
    ItemPoints {
        item: String,
        max: i64,
    },
    /// Category maxima adding up to more than the sheet's total.
    CategoriesOverTotal {
        total: i64,
        out_of: i64,
    },
    /// Someone scoring who is not on the compound's panel.
    NotOnPanel,
    /// A negative amount where only zero or more makes sense (a cost, a coefficient).
    Negative,
    /// A floor-coefficient table whose coefficients do not add up to exactly 100%.
    CoefficientsSum {
        total: String,
    },
    /// A household listed twice in a split (it would be billed twice).
    HouseholdTwice {
        household_id: i64,
    },
    /// A floor listed twice in a coefficient table.
    DuplicateFloor {
        floor: i32,
    },
    /// A floor with a coefficient above zero and no household on it.
    EmptyFloor {
        floor: i32,
    },
    /// A household on a floor the coefficient table does not list.
    FloorNotInTable {
        floor: i32,
    },
    /// A subsidy (or the pipelines part of a cost) larger than the cost.
    SubsidyOverCost,
    /// A household, proposal or place that is not of the project's unit.
    OtherUnit,
    /// A payment above what the household still owes.
    OverDue {
        outstanding: Fen,
    },
    /// A step an elevator project cannot take at its stage.
    ProjectStage {
        stage: ElevatorStage,
    },
    /// An elevator project that cannot move on yet, with every reason.
    StageBlocked {
        blockers: Vec<Blocker>,
    },
    /// The share table is fixed: cost, subsidy and coefficients no longer change.
    SharesFixed,
    /// A time of day not written like 08:30.
    BadTime,
    /// An end that is not after the start.
    EndBeforeStart,
    /// A volunteer shift with every place taken.
    ShiftFull {
        capacity: u16,
    },
    /// A volunteer already on duty at an overlapping time.
    DoubleBooked {
        day: String,
        from: String,
        to: String,
    },
    /// A turn of duty that has already begun (no sign-up, swap or withdrawal).
    ShiftStarted,
    /// A check-in on another day than the turn's.
    CheckinNotToday {
        day: String,
    },
    /// A check-in before the window opens.
    CheckinTooEarly {
        from: String,
    },
    /// A check-in after the turn ended.
    CheckinTooLate,
    /// A swap request already accepted, declined or withdrawn.
    SwapClosed,
    /// A turn (or swap request) of someone else.
    NotYourShift,
    /// A step a service request cannot take at its status (it would skip or undo one).
    RequestStep {
        step: RequestStep,
        status: RequestStatus,
    },
    /// Only the person who reported a request may confirm, rate, send back or withdraw it.
    NotReporter,
    /// Only the person a request is assigned to (or a supervisor) may move it on.
    NotAssignee,
    /// Only those who handle requests (grid workers, volunteers, heads, committee) may do this.
    NotHandler,
    /// A resident reporting for a household they do not live in.
    NotYourHome,
    /// More files than a form takes.
    TooManyFiles {
        max: usize,
    },
    /// Reminders for this went out less than a day ago.
    RemindedToday,
    /// A cost to share with nobody to share it (no households, or none with an area when
    /// shared by area).
    NoHouseholds,
    /// An elevator's running cost for a month before the project went into operation.
    BeforeOperation {
        since: String,
    },
    /// A month that has not begun yet.
    FutureMonth {
        latest: String,
    },
    /// A month's cost of a kind entered twice; a correction must say it replaces the first.
    CostExists {
        month: String,
        kind: String,
    },
    /// A period that ends before it starts.
    BadPeriod,
    /// A sum of money beyond what can be kept exactly.
    AmountOverflow,
    /// An emergency mark on anything but a spending of the maintenance fund.
    EmergencyOnlyMaintenance,
    /// A linked proposal that has not passed.
    DecisionNotPassed {
        stage: ProposalStage,
    },
    /// A linked proposal of another matter than the one the law asks for.
    WrongMatter {
        needed: MatterClass,
    },
    /// Maintenance-fund money moved without the owners' decision (and not an emergency).
    FundNeedsDecision {
        matter: MatterClass,
    },
    /// An entry dated within a period whose statement is posted (frozen).
    PeriodPosted {
        until: String,
    },
    /// A second correction of the same entry, or a correction of a correction.
    AlreadyCorrected,
    /// A statement of days still to come.
    FuturePeriod,
    /// A quarter not written like 2024-Q3.
    BadQuarter,
    /// An assessment without a mark for a standard of the checklist.
    Unassessed {
        standard: String,
    },
    /// Star-rating weights that do not add up to exactly 100%.
    WeightsSum {
        total_bp: i64,
    },
    /// Two star bands that share scores.
    BandsOverlap {
        stars: u8,
        other: u8,
    },
    /// Scores between two star bands that no band covers.
    BandsGap {
        from: i64,
        to: i64,
    },
    /// A higher band with no more stars than the band below it.
    BandsOrder {
        stars: u8,
    },
    /// A satisfaction survey below its sample rule.
    SurveyTooSmall {
        needed: i64,
        got: i64,
    },
    /// A new password that breaks one of the rules of `account::NewPassword`.
    WeakPassword {
        rule: crate::account::PasswordRule,
    },
    /// An invite code that is not one, or was used or has expired (not told apart, so a
    /// guess learns nothing).
    WrongInviteCode,
    /// The current password, asked for before a change, is not the account's.
    WrongPassword,
    /// A co-owner voting for a flat whose co-owners designated someone else.
    NotDesignatedVoter {
        household: String,
        voter: String,
    },
    /// A ballot for a flat with no owner on record: it counts, but nobody may vote for it.
    Ownerless {
        household: String,
    },
    /// Opening a vote whose roll holds flats without an owner, before the committee confirmed.
    OwnerlessUnconfirmed {
        count: usize,
        households: String,
    },
    /// An account not yet linked to the person it belongs to, so it cannot vote as anyone.
    AccountNotLinked,
    /// The developer's one vote without its letter of authorisation (a proxy ballot).
    DeveloperNeedsAuthorisation,
    /// An online ballot naming a flat the voter does not vote for.
    NotYourFlat {
        household: String,
    },
    /// An account already linked to another person.
    LinkedToOther {
        name: String,
    },
    /// A vote's last day that has already gone by.
    DeadlinePast,
    /// A box that must be ticked to go on (closing a vote is final).
    Unticked,
    /// A room as people say it ("601", "1栋1单元601") that is none of the households it
    /// could mean.
    NoSuchRoom {
        room: String,
    },
    /// A room that is not one of the flats of who typed it (an owner speaks for their own).
    NotYourRoom {
        room: String,
        yours: String,
    },
    /// A room that matches several households: the candidates, to pick one.
    AmbiguousRoom {
        room: String,
        candidates: String,
    },
}

impl Invalid {
    pub fn code(&self) -> &'static str {
        match self {
            Invalid::Required => "required",
            Invalid::TooLong { .. } => "too_long",
            Invalid::NotANumber => "not_a_number",
            Invalid::NotAFloor => "not_a_floor",
            Invalid::NotPositive => "not_positive",
            Invalid::TooManyDecimals { .. } => "too_many_decimals",
            Invalid::OutOfRange { .. } => "out_of_range",
            Invalid::BadPhone => "bad_phone",
            Invalid::BadEmail => "bad_email",
            Invalid::NoPhone => "no_phone",
            Invalid::StillResident => "still_resident",
            Invalid::AlreadyAnonymised => "already_anonymised",
            Invalid::BadRoom => "bad_room",
            Invalid::BadChoice => "bad_choice",
            Invalid::BadShare => "bad_share",
            Invalid::BadDate => "bad_date",
            Invalid::DuplicateRoom { .. } => "duplicate_room",
            Invalid::OtherCompound => "other_compound",
            Invalid::Taken => "taken",
            Invalid::BadFraction => "bad_fraction",
            Invalid::ThresholdFraction { .. } => "threshold_fraction",
            Invalid::ThresholdUnreachable { .. } => "threshold_unreachable",
            Invalid::ThresholdParticipation { .. } => "threshold_participation",
            Invalid::NotInElectorate => "not_in_electorate",
            Invalid::WrongStage { .. } => "wrong_stage",
            Invalid::NeedsEvidence { .. } => "needs_evidence",
            Invalid::TooManyChoices { .. } => "too_many_choices",
            Invalid::NotACandidate => "not_a_candidate",
            Invalid::DuplicateChoice => "duplicate_choice",
            Invalid::VotingClosed => "voting_closed",
            Invalid::FileTooLarge { .. } => "file_too_large",
            Invalid::FileType => "file_type",
            Invalid::ImageUnreadable => "image_unreadable",
            Invalid::ImageTooLarge { .. } => "image_too_large",
            Invalid::DateTooFarAhead { .. } => "date_too_far_ahead",
            Invalid::DateNotYet { .. } => "date_not_yet",
            Invalid::DateInPast { .. } => "date_in_past",
            Invalid::BadMonth => "bad_month",
            Invalid::DeductionBeyondMax { .. } => "deduction_beyond_max",
            Invalid::UnknownItem { .. } => "unknown_item",
            Invalid::OwnUnit => "own_unit",
            Invalid::MonthClosed { .. } => "month_closed",
            Invalid::SheetSubmitted => "sheet_submitted",
            Invalid::NeedsDecision => "needs_decision",
            Invalid::AppealTooLate { .. } => "appeal_too_late",
            Invalid::DuplicateCode { .. } => "duplicate_code",
            Invalid::ItemPoints { .. } => "item_points",
            Invalid::CategoriesOverTotal { .. } => "categories_over_total",
            Invalid::NotOnPanel => "not_on_panel",
            Invalid::Negative => "negative",
            Invalid::CoefficientsSum { .. } => "coefficients_sum",
            Invalid::HouseholdTwice { .. } => "household_twice",
            Invalid::DuplicateFloor { .. } => "duplicate_floor",
            Invalid::EmptyFloor { .. } => "empty_floor",
            Invalid::FloorNotInTable { .. } => "floor_not_in_table",
            Invalid::SubsidyOverCost => "subsidy_over_cost",
            Invalid::OtherUnit => "other_unit",
            Invalid::OverDue { .. } => "over_due",
            Invalid::ProjectStage { .. } => "project_stage",
            Invalid::StageBlocked { .. } => "stage_blocked",
            Invalid::SharesFixed => "shares_fixed",
            Invalid::BadTime => "bad_time",
            Invalid::EndBeforeStart => "end_before_start",
            Invalid::ShiftFull { .. } => "shift_full",
            Invalid::DoubleBooked { .. } => "double_booked",
            Invalid::ShiftStarted => "shift_started",
            Invalid::CheckinNotToday { .. } => "checkin_not_today",
            Invalid::CheckinTooEarly { .. } => "checkin_too_early",
            Invalid::CheckinTooLate => "checkin_too_late",
            Invalid::SwapClosed => "swap_closed",
            Invalid::NotYourShift => "not_your_shift",
            Invalid::RequestStep { .. } => "request_step",
            Invalid::NotReporter => "not_reporter",
            Invalid::NotAssignee => "not_assignee",
            Invalid::NotHandler => "not_handler",
            Invalid::NotYourHome => "not_your_home",
            Invalid::TooManyFiles { .. } => "too_many_files",
            Invalid::RemindedToday => "reminded_today",
            Invalid::NoHouseholds => "no_households",
            Invalid::BeforeOperation { .. } => "before_operation",
            Invalid::FutureMonth { .. } => "future_month",
            Invalid::CostExists { .. } => "cost_exists",
            Invalid::BadPeriod => "bad_period",
            Invalid::AmountOverflow => "amount_overflow",
            Invalid::EmergencyOnlyMaintenance => "emergency_only_maintenance",
            Invalid::DecisionNotPassed { .. } => "decision_not_passed",
            Invalid::WrongMatter { .. } => "wrong_matter",
            Invalid::FundNeedsDecision { .. } => "fund_needs_decision",
            Invalid::PeriodPosted { .. } => "period_posted",
            Invalid::AlreadyCorrected => "already_corrected",
            Invalid::FuturePeriod => "future_period",
            Invalid::BadQuarter => "bad_quarter",
            Invalid::Unassessed { .. } => "unassessed",
            Invalid::WeightsSum { .. } => "weights_sum",
            Invalid::BandsOverlap { .. } => "bands_overlap",
            Invalid::BandsGap { .. } => "bands_gap",
            Invalid::BandsOrder { .. } => "bands_order",
            Invalid::SurveyTooSmall { .. } => "survey_too_small",
            Invalid::WeakPassword { .. } => "weak_password",
            Invalid::WrongInviteCode => "wrong_invite_code",
            Invalid::WrongPassword => "wrong_password",
            Invalid::NotDesignatedVoter { .. } => "not_designated_voter",
            Invalid::Ownerless { .. } => "ownerless",
            Invalid::OwnerlessUnconfirmed { .. } => "ownerless_unconfirmed",
            Invalid::AccountNotLinked => "account_not_linked",
            Invalid::DeveloperNeedsAuthorisation => "developer_needs_authorisation",
            Invalid::NotYourFlat { .. } => "not_your_flat",
            Invalid::LinkedToOther { .. } => "linked_to_other",
            Invalid::DeadlinePast => "deadline_past",
            Invalid::Unticked => "unticked",
            Invalid::NoSuchRoom { .. } => "no_such_room",
            Invalid::NotYourRoom { .. } => "not_your_room",
            Invalid::AmbiguousRoom { .. } => "ambiguous_room",
        }
    }

    /// Whether the message is a whole sentence that names what it is about, so it is not
    /// preceded by the field's label.
    pub fn names_its_field(&self) -> bool {
        matches!(self, Invalid::WrongInviteCode | Invalid::DeadlinePast)
    }

    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (Invalid::Required, Lang::Zh) => "必须填写".into(),
            (Invalid::Required, Lang::En) => "is required".into(),
            (Invalid::TooLong { max }, Lang::Zh) => format!("太长了，最多 {max} 个字"),
            (Invalid::TooLong { max }, Lang::En) => format!("is too long (at most {max} characters)"),
            (Invalid::NotANumber, Lang::Zh) => "不是数字".into(),
            (Invalid::NotANumber, Lang::En) => "is not a number".into(),
            (Invalid::NotAFloor, Lang::Zh) => "不是楼层：请写楼层数字，例如 6".into(),
            (Invalid::NotAFloor, Lang::En) => "not a floor: write the floor number, e.g. 6".into(),
            (Invalid::NotPositive, Lang::Zh) => "必须大于零".into(),
            (Invalid::NotPositive, Lang::En) => "must be greater than zero".into(),
            (Invalid::TooManyDecimals { max }, Lang::Zh) => format!("最多 {max} 位小数"),
            (Invalid::TooManyDecimals { max }, Lang::En) => format!("has more than {max} decimals"),
            (Invalid::OutOfRange { min, max }, Lang::Zh) => format!("必须在 {min} 到 {max} 之间"),
            (Invalid::OutOfRange { min, max }, Lang::En) => format!("must be between {min} and {max}"),
            (Invalid::BadPhone, Lang::Zh) => "电话号码不对：手机 11 位，座机 7–12 位".into(),
            (Invalid::BadPhone, Lang::En) => "is not a phone number (mobile 11 digits, landline 7–12)".into(),
            (Invalid::BadEmail, Lang::Zh) => "不是电子邮件地址（例如 name@example.com）".into(),
            (Invalid::BadEmail, Lang::En) => "is not an e-mail address (like name@example.com)".into(),
            (Invalid::NoPhone, Lang::Zh) => "账号没有手机号，不能用短信通知；请选电子邮件，或请居委会登记手机号".into(),
            (Invalid::NoPhone, Lang::En) => "cannot be text messages: the account has no phone number (choose e-mail, or ask the committee to record your phone)".into(),
            (Invalid::StillResident, Lang::Zh) => "此人仍是业主或住户：先在登记中登记其迁出或产权变更，再匿名".into(),
            (Invalid::StillResident, Lang::En) => "still owns or lives in a home: record the move or the sale in the registry first".into(),
            (Invalid::AlreadyAnonymised, Lang::Zh) => "此人已经匿名".into(),
            (Invalid::AlreadyAnonymised, Lang::En) => "is anonymised already".into(),
            (Invalid::BadRoom, Lang::Zh) => "房号只能用数字、字母和“-”，最多 16 个字".into(),
            (Invalid::BadRoom, Lang::En) => "may hold only digits, letters and '-' (at most 16)".into(),
            (Invalid::BadChoice, Lang::Zh) => "不是可选的值".into(),
            (Invalid::BadChoice, Lang::En) => "is not one of the choices".into(),
            (Invalid::BadShare, Lang::Zh) => "份额必须在 0.01% 到 100% 之间".into(),
            (Invalid::BadShare, Lang::En) => "must be a share between 0.01% and 100%".into(),
            (Invalid::BadDate, Lang::Zh) => "日期格式应为 2024-05-01".into(),
            (Invalid::BadDate, Lang::En) => "is not a date like 2024-05-01".into(),
            (Invalid::DuplicateRoom { room }, Lang::Zh) => format!("本单元已有 {room} 室"),
            (Invalid::DuplicateRoom { room }, Lang::En) => format!("room {room} already exists in this unit"),
            (Invalid::OtherCompound, Lang::Zh) => "不能移到其他小区的单元".into(),
            (Invalid::OtherCompound, Lang::En) => "cannot move to a unit of another compound".into(),
            (Invalid::Taken, Lang::Zh) => "已被使用".into(),
            (Invalid::Taken, Lang::En) => "is already taken".into(),
            (Invalid::BadFraction, Lang::Zh) => "应为 2/3 或 75% 这样的比例，大于 0 且不超过 100%".into(),
            (Invalid::BadFraction, Lang::En) => "is not a fraction like 2/3 or 75% (above 0, at most 100%)".into(),
            (Invalid::ThresholdFraction { row }, Lang::Zh) => {
                format!("第 {row} 条的比例必须大于 0 且不超过 1（如 2/3）")
            }
            (Invalid::ThresholdFraction { row }, Lang::En) => {
                format!("row {row}: the fraction must be above 0 and at most 1 (like 2/3)")
            }
            (Invalid::ThresholdUnreachable { row }, Lang::Zh) => format!("第 {row} 条要求“超过 100%”，永远达不到"),
            (Invalid::ThresholdUnreachable { row }, Lang::En) => {
                format!("row {row} asks for more than 100%, which can never be met")
            }
            (Invalid::ThresholdParticipation { row }, Lang::Zh) => {
                format!("第 {row} 条：参与表决的比例只能按全体业主计算")
            }
            (Invalid::ThresholdParticipation { row }, Lang::En) => {
                format!("row {row}: participation can only be measured against all owners")
            }
            (Invalid::NotInElectorate, Lang::Zh) => "不在本次表决的业主名单中".into(),
            (Invalid::NotInElectorate, Lang::En) => "is not on the roll of owners of this vote".into(),
            (Invalid::WrongStage { stage }, Lang::Zh) => format!("提案现处于“{}”阶段，不能这样做", stage.label(lang)),
            (Invalid::WrongStage { stage }, Lang::En) => {
                format!("cannot be done while the proposal is at the stage “{}”", stage.label(lang))
            }
            (Invalid::NeedsEvidence { method }, _) => method.evidence_needed(lang).into(),
            (Invalid::TooManyChoices { max }, Lang::Zh) => format!("最多只能选 {max} 人"),
            (Invalid::TooManyChoices { max }, Lang::En) => format!("may choose at most {max}"),
            (Invalid::NotACandidate, Lang::Zh) => "不是本次选举的候选人".into(),
            (Invalid::NotACandidate, Lang::En) => "is not a candidate in this election".into(),
            (Invalid::DuplicateChoice, Lang::Zh) => "同一位候选人选了两次".into(),
            (Invalid::DuplicateChoice, Lang::En) => "names the same candidate twice".into(),
            (Invalid::VotingClosed, Lang::Zh) => "投票已经结束，这张选票没有计入".into(),
            (Invalid::VotingClosed, Lang::En) => "voting has closed; this ballot was not counted".into(),
            (Invalid::FileTooLarge { max_mb }, Lang::Zh) => format!("文件太大，最大 {max_mb} MB"),
            (Invalid::FileTooLarge { max_mb }, Lang::En) => format!("the file is too large; at most {max_mb} MB"),
            (Invalid::FileType, Lang::Zh) => "只接受照片（JPG、PNG、HEIC）、录音或 PDF 文件".into(),
            (Invalid::FileType, Lang::En) => "only photos (JPG, PNG, HEIC), audio recordings or PDF files are accepted".into(),
            (Invalid::BadTime, Lang::Zh) => "时间格式应为 08:30".into(),
            (Invalid::BadTime, Lang::En) => "is not a time like 08:30".into(),
            (Invalid::EndBeforeStart, Lang::Zh) => "结束时间必须晚于开始时间".into(),
            (Invalid::EndBeforeStart, Lang::En) => "must be after the start".into(),
            (Invalid::ShiftFull { capacity }, Lang::Zh) => format!("这一班已满（{capacity} 人）"),
            (Invalid::ShiftFull { capacity }, Lang::En) => format!("this shift is full ({capacity} people)"),
            (Invalid::DoubleBooked { day, from, to }, Lang::Zh) => format!("您在 {day} {from}–{to} 已有值班，时间重叠"),
            (Invalid::DoubleBooked { day, from, to }, Lang::En) => format!("overlaps your turn on {day} {from}–{to}"),
            (Invalid::ShiftStarted, Lang::Zh) => "这一班已经开始，不能再报名、换班或退出".into(),
            (Invalid::ShiftStarted, Lang::En) => "this turn has already begun; it can no longer be taken, swapped or left".into(),
            (Invalid::CheckinNotToday { day }, Lang::Zh) => format!("只能在值班当天（{day}）签到"),
            (Invalid::CheckinNotToday { day }, Lang::En) => format!("check in on the day of the turn ({day})"),
            (Invalid::CheckinTooEarly { from }, Lang::Zh) => format!("还没到签到时间，{from} 起可以签到"),
            (Invalid::CheckinTooEarly { from }, Lang::En) => format!("too early; check-in opens at {from}"),
            (Invalid::CheckinTooLate, Lang::Zh) => "这一班已经结束，不能再签到".into(),
            (Invalid::CheckinTooLate, Lang::En) => "this turn has ended; it is too late to check in".into(),
            (Invalid::SwapClosed, Lang::Zh) => "这个换班申请已经处理过了".into(),
            (Invalid::SwapClosed, Lang::En) => "this swap request has already been settled".into(),
            (Invalid::NotYourShift, Lang::Zh) => "这不是您的班次".into(),
            (Invalid::NotYourShift, Lang::En) => "is not your turn".into(),
            (Invalid::ImageUnreadable, Lang::Zh) => "这张照片打不开（文件不完整或已损坏），请重新拍照或另选一张".into(),
            (Invalid::ImageUnreadable, Lang::En) => "is not a readable photo (the file is cut short or damaged); take it again or choose another".into(),
            (Invalid::ImageTooLarge { width, height, max_megapixels }, Lang::Zh) => {
                format!("照片太大：{width}×{height} 像素，最多 {max_megapixels} 百万像素；请缩小后再上传")
            }
            (Invalid::ImageTooLarge { width, height, max_megapixels }, Lang::En) => {
                format!("is too large a picture: {width}×{height} pixels, at most {max_megapixels} megapixels; shrink it and upload again")
            }
            (Invalid::DateTooFarAhead { latest }, Lang::Zh) => format!("日期太远了，最晚只能填 {latest}（一年以内）"),
            (Invalid::DateTooFarAhead { latest }, Lang::En) => format!("is too far ahead; the latest date is {latest} (within a year)"),
            (Invalid::DateNotYet { latest }, Lang::Zh) => format!("不能晚于今天（{latest}）：还没到的日子不能记为已付"),
            (Invalid::DateNotYet { latest }, Lang::En) => format!("cannot be after today ({latest}): a day still to come cannot have been paid on"),
            (Invalid::DateInPast { earliest }, Lang::Zh) => format!("不能早于今天（{earliest}）"),
            (Invalid::DateInPast { earliest }, Lang::En) => format!("cannot be before today ({earliest})"),
            (Invalid::BadMonth, Lang::Zh) => "月份格式应为 2024-05".into(),
            (Invalid::BadMonth, Lang::En) => "is not a month like 2024-05".into(),
            (Invalid::DeductionBeyondMax { category, max }, Lang::Zh) => format!("“{category}”一项最多扣 {max} 分"),
            (Invalid::DeductionBeyondMax { category, max }, Lang::En) => {
                format!("deducts more than the {max} points the category “{category}” allows")
            }
            (Invalid::UnknownItem { item: code }, Lang::Zh) => format!("评分细则中没有“{code}”这一项"),
            (Invalid::UnknownItem { item: code }, Lang::En) => format!("“{code}” is not an item of the rubric"),
            (Invalid::OwnUnit, Lang::Zh) => "评分人不能给自己居住的单元打分".into(),
            (Invalid::OwnUnit, Lang::En) => "a scorer may not score the unit they live in".into(),
            (Invalid::MonthClosed { month }, Lang::Zh) => format!("{month} 的评比已经结束，只能通过申诉更改"),
            (Invalid::MonthClosed { month }, Lang::En) => format!("the rating of {month} is closed; only an appeal can change it"),
            (Invalid::SheetSubmitted, Lang::Zh) => "您本月已经给这个单元交过评分表".into(),
            (Invalid::SheetSubmitted, Lang::En) => "you have already submitted a sheet for this unit this month".into(),
            (Invalid::NeedsDecision, Lang::Zh) => "修改评分细则须依据一项已通过的议事决议".into(),
            (Invalid::NeedsDecision, Lang::En) => "a rubric can only be amended by a proposal that has passed".into(),
            (Invalid::AppealTooLate { days }, Lang::Zh) => format!("已超过 {days} 天的申诉期"),
            (Invalid::AppealTooLate { days }, Lang::En) => format!("the {days}-day appeal period is over"),
            (Invalid::DuplicateCode { item: code }, Lang::Zh) => format!("编号“{code}”重复"),
            (Invalid::DuplicateCode { item: code }, Lang::En) => format!("the code “{code}” is used twice"),
            (Invalid::ItemPoints { item: code, max }, Lang::Zh) => format!("“{code}”的分值必须在 1 到 {max} 之间"),
            (Invalid::ItemPoints { item: code, max }, Lang::En) => format!("the points of “{code}” must be between 1 and {max}"),
            (Invalid::CategoriesOverTotal { total, out_of }, Lang::Zh) => format!("各类别最高扣分合计 {total}，超过了总分 {out_of}"),
            (Invalid::CategoriesOverTotal { total, out_of }, Lang::En) => {
                format!("the category maxima add up to {total}, more than the total of {out_of}")
            }
            (Invalid::NotOnPanel, Lang::Zh) => "不是本小区评分小组的成员".into(),
            (Invalid::NotOnPanel, Lang::En) => "is not on the compound's scoring panel".into(),
            (Invalid::Negative, Lang::Zh) => "不能是负数".into(),
            (Invalid::Negative, Lang::En) => "cannot be negative".into(),
            (Invalid::CoefficientsSum { total }, Lang::Zh) => {
                format!("各层系数合计 {total}，必须正好是 100%（分数如 1/6 也可以）")
            }
            (Invalid::CoefficientsSum { total }, Lang::En) => {
                format!("add up to {total}; they must add up to exactly 100% (fractions such as 1/6 are fine)")
            }
            (Invalid::HouseholdTwice { household_id }, Lang::Zh) => {
                format!("第 {household_id} 号户列了两次，同一户只能分摊一份")
            }
            (Invalid::HouseholdTwice { household_id }, Lang::En) => {
                format!("list household {household_id} twice; a household pays one share only")
            }
            (Invalid::DuplicateFloor { floor }, Lang::Zh) => format!("第 {floor} 层填了两次"),
            (Invalid::DuplicateFloor { floor }, Lang::En) => format!("list floor {floor} twice"),
            (Invalid::EmptyFloor { floor }, Lang::Zh) => format!("第 {floor} 层没有住户，分摊系数应为 0"),
            (Invalid::EmptyFloor { floor }, Lang::En) => format!("give floor {floor} a share, but no household lives there"),
            (Invalid::FloorNotInTable { floor }, Lang::Zh) => format!("没有第 {floor} 层的系数，但该层有住户"),
            (Invalid::FloorNotInTable { floor }, Lang::En) => format!("have no coefficient for floor {floor}, where households live"),
            (Invalid::SubsidyOverCost, Lang::Zh) => "不能超过总造价".into(),
            (Invalid::SubsidyOverCost, Lang::En) => "cannot be more than the total cost".into(),
            (Invalid::OtherUnit, Lang::Zh) => "不属于本项目的单元".into(),
            (Invalid::OtherUnit, Lang::En) => "is not of the project's unit".into(),
            (Invalid::OverDue { outstanding }, Lang::Zh) => format!("超过了该户尚欠的 {outstanding} 元"),
            (Invalid::OverDue { outstanding }, Lang::En) => format!("is more than the {outstanding} yuan the household still owes"),
            (Invalid::ProjectStage { stage }, Lang::Zh) => format!("项目现处于“{}”阶段，不能这样做", stage.label(lang)),
            (Invalid::ProjectStage { stage }, Lang::En) => {
                format!("cannot be done while the project is at the stage “{}”", stage.label(lang))
            }
            (Invalid::StageBlocked { blockers }, Lang::Zh) => {
                format!("还不能进入下一阶段：{}", blockers.iter().map(|b| b.label(lang)).collect::<Vec<_>>().join("；"))
            }
            (Invalid::StageBlocked { blockers }, Lang::En) => {
                format!("cannot move on yet: {}", blockers.iter().map(|b| b.label(lang)).collect::<Vec<_>>().join("; "))
            }
            (Invalid::SharesFixed, Lang::Zh) => "分摊表已确定，不能再改".into(),
            (Invalid::SharesFixed, Lang::En) => "cannot change: the share table is fixed".into(),
            (Invalid::RequestStep { step, status }, Lang::Zh) => format!("诉求现在“{}”，不能“{}”", status.label(lang), step.label(lang)),
            (Invalid::RequestStep { step, status }, Lang::En) => {
                format!("cannot “{}” while the request is “{}”", step.label(lang), status.label(lang))
            }
            (Invalid::NotReporter, Lang::Zh) => "只有提出诉求的本人才能确认、评价、退回或撤回".into(),
            (Invalid::NotReporter, Lang::En) => "only the person who reported the request may confirm, rate, send back or withdraw it".into(),
            (Invalid::NotAssignee, Lang::Zh) => "这件诉求由接单人负责，请接单人处理或转交".into(),
            (Invalid::NotAssignee, Lang::En) => "the request is assigned to someone else; they handle it or hand it on".into(),
            (Invalid::NotHandler, Lang::Zh) => "只有网格员、志愿者、楼栋长和小区委员可以处理诉求".into(),
            (Invalid::NotHandler, Lang::En) => "only grid workers, volunteers, building heads and the committee handle requests".into(),
            (Invalid::NotYourHome, Lang::Zh) => "只能为自己居住的房屋报事；公共部位请选“小区公共部位”".into(),
            (Invalid::NotYourHome, Lang::En) => "you can report only for the home you live in; for shared places choose “a common place”".into(),
            (Invalid::TooManyFiles { max }, Lang::Zh) => format!("最多 {max} 张照片"),
            (Invalid::TooManyFiles { max }, Lang::En) => format!("at most {max} photos"),
            (Invalid::RemindedToday, Lang::Zh) => "今天已经发过催缴提醒，明天再发".into(),
            (Invalid::RemindedToday, Lang::En) => "reminders went out less than a day ago; send them again tomorrow".into(),
            (Invalid::NoHouseholds, Lang::Zh) => "没有可以分摊的住户（住户须已登记、按面积分摊时须有面积）".into(),
            (Invalid::NoHouseholds, Lang::En) => "has no household to share it (by area, households need a registered area)".into(),
            (Invalid::BeforeOperation { since }, Lang::Zh) => format!("电梯 {since} 才投入运行，不能早于这个月"),
            (Invalid::BeforeOperation { since }, Lang::En) => format!("is before {since}, when the elevator went into operation"),
            (Invalid::FutureMonth { latest }, Lang::Zh) => format!("这个月还没到，最晚只能填 {latest}"),
            (Invalid::FutureMonth { latest }, Lang::En) => format!("has not begun yet; the latest month is {latest}"),
            (Invalid::CostExists { month, kind }, _) => {
                let kind = crate::elevator::CostKind::parse(kind).map(|k| k.label(lang)).unwrap_or(kind);
                match lang {
                    Lang::Zh => format!("{month} 的{kind}已经录入；如要更正，请勾选“更正，替换原金额”"),
                    Lang::En => format!("the {kind} of {month} is already entered; to correct it, tick “correction: replace the amount”"),
                }
            }
            (Invalid::BadPeriod, Lang::Zh) => "结束日期不能早于开始日期".into(),
            (Invalid::BadPeriod, Lang::En) => "ends before it starts".into(),
            (Invalid::AmountOverflow, Lang::Zh) => "金额太大，无法准确记账".into(),
            (Invalid::AmountOverflow, Lang::En) => "is too large to be kept exactly".into(),
            (Invalid::EmergencyOnlyMaintenance, Lang::Zh) => "只有专项维修资金的支出才能标为紧急维修".into(),
            (Invalid::EmergencyOnlyMaintenance, Lang::En) => "can be marked only on a spending of the special maintenance fund".into(),
            (Invalid::DecisionNotPassed { stage }, Lang::Zh) => format!("关联的议题尚未通过（现处于“{}”阶段）", stage.label(lang)),
            (Invalid::DecisionNotPassed { stage }, Lang::En) => {
                format!("must be a proposal that has passed (this one is at the stage “{}”)", stage.label(lang))
            }
            (Invalid::WrongMatter { needed }, Lang::Zh) => format!("关联的议题必须是“{}”事项", needed.label(lang)),
            (Invalid::WrongMatter { needed }, Lang::En) => format!("must be a proposal to “{}”", needed.label(lang)),
            (Invalid::FundNeedsDecision { matter }, Lang::Zh) => format!(
                "动用专项维修资金须经业主共同决定：请关联一项已通过的“{}”议题（民法典第二百七十八条第一款第{}项）；电梯故障、消防、外墙、渗漏、排水等紧急情况可先行支出，事后公示",
                matter.label(lang),
                matter.article_item().unwrap_or(0)
            ),
            (Invalid::FundNeedsDecision { matter }, Lang::En) => format!(
                "needs the owners' decision for the special maintenance fund: link a passed proposal to “{}” (Civil Code Art. 278 item {}); only emergencies (elevator fault, fire safety, façade, leaks, drains) may be paid first and published after",
                matter.label(lang),
                matter.article_item().unwrap_or(0)
            ),
            (Invalid::PeriodPosted { until }, Lang::Zh) => {
                format!("{until} 及以前的账目已公示，不能再改；请记在 {until} 之后（更正记为新的一笔）")
            }
            (Invalid::PeriodPosted { until }, Lang::En) => {
                format!("falls in a period already published (up to {until}); date it after {until} (a correction is a new entry)")
            }
            (Invalid::AlreadyCorrected, Lang::Zh) => "这笔账已经更正过（或本身就是更正），不能再更正".into(),
            (Invalid::AlreadyCorrected, Lang::En) => "has already been corrected (or is itself a correction)".into(),
            (Invalid::FuturePeriod, Lang::Zh) => "还没到这一天：只能公示已经过去的日子".into(),
            (Invalid::FuturePeriod, Lang::En) => "is still to come: only days gone by can be published".into(),
            (Invalid::BadQuarter, Lang::Zh) => "考核期格式应为 2024-Q3（年份-季度）".into(),
            (Invalid::BadQuarter, Lang::En) => "is not a period like 2024-Q3 (year and quarter)".into(),
            (Invalid::Unassessed { standard }, Lang::Zh) => format!("标准 {standard} 还没有评定（达标、部分达标或未达标）"),
            (Invalid::Unassessed { standard }, Lang::En) => format!("give standard {standard} a mark (met, partly or not met)"),
            (Invalid::WeightsSum { total_bp }, Lang::Zh) => format!("各项权重合计 {}%，必须正好是 100%", Fen(*total_bp)),
            (Invalid::WeightsSum { total_bp }, Lang::En) => format!("add up to {}%; they must add up to exactly 100%", Fen(*total_bp)),
            (Invalid::BandsOverlap { stars, other }, Lang::Zh) => format!("{stars} 星和 {other} 星的分数段重叠"),
            (Invalid::BandsOverlap { stars, other }, Lang::En) => format!("the {stars}-star and {other}-star bands overlap"),
            (Invalid::BandsGap { from, to }, Lang::Zh) => format!("{from}–{to} 分不在任何星级分数段内"),
            (Invalid::BandsGap { from, to }, Lang::En) => format!("leave the scores {from}–{to} without a band"),
            (Invalid::BandsOrder { stars }, Lang::Zh) => format!("分数更高的分数段（{stars} 星）星级必须更高"),
            (Invalid::BandsOrder { stars }, Lang::En) => format!("a higher band ({stars} stars) must have more stars than the one below"),
            (Invalid::SurveyTooSmall { needed, got }, Lang::Zh) => format!("满意度调查只有 {got} 户，按抽样规则至少需要 {needed} 户"),
            (Invalid::SurveyTooSmall { needed, got }, Lang::En) => format!("has {got} answers; the sample rule needs at least {needed}"),
            (Invalid::WeakPassword { rule }, _) => rule.message(lang),
            (Invalid::WrongInviteCode, Lang::Zh) => "邀请码不对或已被使用".into(),
            (Invalid::WrongInviteCode, Lang::En) => "The invite code is wrong or has already been used".into(),
            (Invalid::WrongPassword, Lang::Zh) => "不对".into(),
            (Invalid::WrongPassword, Lang::En) => "is not right".into(),
            (Invalid::NotDesignatedVoter { household, voter }, Lang::Zh) => format!(
                "{household} 的共有人推选 {voter} 为投票人，这套房屋只由 {voter} 投一票。如需更换投票人，请共有人在房屋页面另选；如代 {voter} 投票，请上传 {voter} 签字的授权委托书，以“委托代理”方式投票"
            ),
            (Invalid::NotDesignatedVoter { household, voter }, Lang::En) => format!(
                "is not yours to cast for {household}: its co-owners designated {voter}, who casts its one vote. To change the voter, the co-owners choose another on the household page; to vote for {voter}, cast a proxy ballot with {voter}'s signed authorisation as evidence"
            ),
            (Invalid::Ownerless { household }, Lang::Zh) => {
                format!("{household} 没有登记业主：计入总数，但无法为其投票。请先在房屋页面登记业主（本次表决的名单已冻结，不再变动）")
            }
            (Invalid::Ownerless { household }, Lang::En) => format!(
                "{household} has no owner on record: it counts in the totals, but no ballot can be cast for it. Record its owner on the household page (this vote's roll is frozen and does not change)"
            ),
            (Invalid::OwnerlessUnconfirmed { count, households }, Lang::Zh) => {
                format!("{count} 套房屋没有登记业主：计入总数，但无法为其投票（{households}）。请确认后再开启投票")
            }
            (Invalid::OwnerlessUnconfirmed { count, households }, Lang::En) => format!(
                "{count} flats have no owner on record: they count in the totals, but no ballot can be cast for them ({households}). Confirm to open the vote"
            ),
            (Invalid::AccountNotLinked, Lang::Zh) => {
                "您的账号还没有关联到业主本人：请用为您本人签发的邀请码登记，或请自管委在房屋页面关联".into()
            }
            (Invalid::AccountNotLinked, Lang::En) => {
                "is not linked to the owner it belongs to: claim an invite code issued in your name, or ask the committee to link it on the household page".into()
            }
            (Invalid::DeveloperNeedsAuthorisation, Lang::Zh) => {
                "开发建设单位的一票须由其代表投出：请选择“委托代理”，上传授权委托书，并写明代表姓名".into()
            }
            (Invalid::DeveloperNeedsAuthorisation, Lang::En) => {
                "the developer's one vote is cast by its representative: choose a proxy ballot, upload the letter of authorisation and name the representative".into()
            }
            (Invalid::NotYourFlat { household }, Lang::Zh) => format!("您不是 {household} 的投票人，不能为它投票"),
            (Invalid::NotYourFlat { household }, Lang::En) => format!("is not yours to cast: you are not the voter of {household}"),
            (Invalid::LinkedToOther { name }, Lang::Zh) => format!("这个账号已关联到 {name}，一个账号只代表一个人"),
            (Invalid::LinkedToOther { name }, Lang::En) => format!("is already linked to {name}; an account stands for one person"),
            (Invalid::DeadlinePast, Lang::Zh) => "截止日期不能早于今天".into(),
            (Invalid::DeadlinePast, Lang::En) => "The deadline cannot be before today".into(),
            (Invalid::Unticked, Lang::Zh) => "请先勾选确认，再继续".into(),
            (Invalid::Unticked, Lang::En) => "must be ticked to go on".into(),
            (Invalid::NoSuchRoom { room }, Lang::Zh) => {
                format!("找不到“{room}”：请写房号，例如 601、1栋1单元601 或 1-1-601")
            }
            (Invalid::NoSuchRoom { room }, Lang::En) => {
                format!("“{room}” is no household here: write the room like 601, 1栋1单元601 or 1-1-601")
            }
            (Invalid::NotYourRoom { room, yours }, Lang::Zh) => {
                format!("“{room}”不是您的房屋：只能为自己的房屋填写，您的房屋是 {yours}")
            }
            (Invalid::NotYourRoom { room, yours }, Lang::En) => {
                format!("“{room}” is not your home: you can fill this in only for your own, {yours}")
            }
            (Invalid::AmbiguousRoom { room, candidates }, Lang::Zh) => {
                format!("“{room}”有几户：{candidates}；请写上楼栋和单元，例如 1栋1单元{room}")
            }
            (Invalid::AmbiguousRoom { room, candidates }, Lang::En) => {
                format!("“{room}” could be {candidates}; add the building and unit, like 1栋1单元{room}")
            }
        }
    }
}

/// A bad value and where it was typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field's name as forms and the API call it; for a member of a JSON body found by the
    /// deserialiser, its path (`rule.thresholds[0].fraction`).
    pub field: Cow<'static, str>,
    pub error: Invalid,
}

impl FieldError {
    pub fn new(field: &'static str, error: Invalid) -> FieldError {
        FieldError {
            field: Cow::Borrowed(field),
            error,
        }
    }

    /// An error at a path known only when the request came (a JSON body's member).
    pub fn at_path(path: String, error: Invalid) -> FieldError {
        FieldError {
            field: Cow::Owned(path),
            error,
        }
    }

    /// The name the field's label is found by: the last member of a path.
    pub fn name(&self) -> &str {
        self.field
            .rsplit('.')
            .next()
            .map_or(&*self.field, |last| last.split('[').next().unwrap_or(last))
    }

    /// "面积：必须大于零" / "area: must be greater than zero".
    pub fn message(&self, lang: Lang) -> String {
        if self.error.names_its_field() {
            return self.error.message(lang);
        }
        let label = field_label(self.name(), lang);
        match lang {
            Lang::Zh => format!("{label}：{}", self.error.message(lang)),
            Lang::En => format!("{label} {}", self.error.message(lang)),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

/// Every field an error can name, as the user saw it on the form: (field, zh-CN, English).
/// A test checks that every field named in an error anywhere in the code has its row here.
pub const FIELD_LABELS: &[(&str, &str, &str)] = &[
    ("name", "名称", "Name"),
    ("person_name", "姓名", "Name"),
    ("room", "房号", "Room"),
    ("floor", "楼层", "Floor"),
    ("area", "专有面积", "Exclusive area"),
    ("area_source", "面积来源", "Area source"),
    ("phone", "电话", "Phone"),
    ("unit_id", "单元", "Unit"),
    ("building_id", "楼栋", "Building"),
    ("year_built", "建成年份", "Year built"),
    ("management_mode", "管理模式", "Management mode"),
    ("share", "份额", "Share"),
    ("kind", "类型", "Kind"),
    ("floors", "层数", "Floors"),
    ("address", "地址", "Address"),
    ("login", "账号", "Login"),
    ("password", "密码", "Password"),
    ("current_password", "当前密码", "Current password"),
    ("code", "邀请码", "Invite code"),
    ("date", "日期", "Date"),
    ("version", "版本", "Version"),
    ("id", "编号", "Id"),
    ("thresholds", "表决门槛", "Thresholds"),
    ("fraction", "比例", "Fraction"),
    ("notice_days", "公示天数", "Notice period (days)"),
    ("matter", "事项类别", "Matter"),
    ("preset", "表决规则", "Decision rule"),
    ("stage", "阶段", "Stage"),
    ("choice", "表决意见", "Choice"),
    ("method", "投票方式", "How cast"),
    ("voter", "投票人", "Voter"),
    ("household_id", "户", "Household"),
    ("recorded_by", "代录人", "Recorded by"),
    ("file", "凭证", "Evidence"),
    ("witness", "见证人", "Witness"),
    ("proxy_name", "代理人姓名", "Proxy's name"),
    (
        "confirm_ownerless",
        "确认无业主房屋",
        "Confirm flats without an owner",
    ),
    ("person_id", "业主或居民", "Owner or resident"),
    ("seats", "应选人数", "Seats"),
    ("candidates", "候选人", "Candidates"),
    ("title", "标题", "Title"),
    ("scope", "范围", "Scope"),
    ("scope_id", "范围", "Scope"),
    ("proposal", "议题", "Proposal"),
    ("statement", "参选陈述", "Statement"),
    ("nominated_by", "推荐方式", "Nominated by"),
    ("account_id", "账号", "Account"),
    ("evidence_id", "凭证", "Evidence"),
    ("held_on", "会议日期", "Date of the meeting"),
    ("place", "地点", "Place"),
    ("attendance", "出席人员", "Attendance"),
    ("minutes", "会议纪要", "Minutes"),
    ("agenda", "议程", "Agenda"),
    ("outcome", "结论", "Outcome"),
    ("month", "月份", "Month"),
    ("marks", "评分项", "Scoring items"),
    ("rubric", "评分细则", "Rubric"),
    ("proposal_id", "议事决议", "Decision"),
    ("party", "评分方", "Scoring party"),
    ("reason", "理由", "Reason"),
    ("mark_id", "扣分项", "Deduction"),
    ("decision", "处理结果", "Decision"),
    ("categories", "评分类别", "Categories"),
    ("deductions", "扣分项", "Deductions"),
    ("bonuses", "加分项", "Bonuses"),
    ("exemptions", "不扣分情形", "Exemptions"),
    ("flags", "流动红旗数", "Red flags"),
    ("min_score", "获旗最低分", "Minimum score for a flag"),
    ("tie", "同分规则", "Tie rule"),
    ("subsidy", "物业费补贴比例", "Subsidy share"),
    ("head_base", "三长补贴比例", "Heads' subsidy share"),
    ("head_extra", "三长加发比例", "Heads' extra share"),
    ("fee", "物业费单价", "Property fee rate"),
    ("appeal_days", "申诉期", "Appeal period"),
    ("out_of", "满分", "Full score"),
    ("award_units", "年终获奖单元数", "Units awarded"),
    ("total_cost", "总造价", "Total cost"),
    ("pipelines_cost", "管线迁移费用", "Pipelines cost"),
    ("subsidy_preset", "补贴标准", "Subsidy"),
    ("subsidy_amount", "补贴金额", "Subsidy amount"),
    ("coefficients", "楼层分摊系数", "Floor coefficients"),
    ("share_mode", "分摊方式", "How the cost is split"),
    ("responsible", "负责人", "Responsible person"),
    ("installer", "施工单位", "Installer"),
    ("amount", "金额", "Amount"),
    ("receipt_no", "收据号", "Receipt number"),
    ("paid_on", "缴款日期", "Date paid"),
    ("doc_kind", "文件类型", "Document type"),
    ("step", "操作", "Step"),
    ("pay_method", "缴款方式", "Paid by"),
    ("start", "开始时间", "Start"),
    ("end", "结束时间", "End"),
    ("weekday", "星期", "Weekday"),
    ("capacity", "人数", "Places"),
    ("shift", "班次", "Shift"),
    ("signup", "值班", "Turn"),
    ("swap", "换班", "Swap"),
    ("station", "服务站", "Station"),
    ("category", "类别", "Category"),
    ("description", "问题描述", "What is wrong"),
    ("photos", "照片", "Photos"),
    ("rating", "评分", "Rating"),
    ("comment", "评价", "Comment"),
    ("assignee_id", "接手人", "Assignee"),
    ("grid_id", "网格", "Grid"),
    ("channel", "来源", "How it came in"),
    ("contact_phone", "联系电话", "Contact phone"),
    ("on_behalf_of", "报事人", "Reported for"),
    ("common_place", "公共部位", "Common place"),
    ("request", "诉求", "Request"),
    ("split", "运行费用分摊方式", "Running costs shared"),
    ("cost_kind", "费用类型", "Cost"),
    ("note", "备注", "Note"),
    ("direction", "收支", "Income or expense"),
    ("occurred_on", "日期", "Date"),
    ("receipt", "收据照片", "Receipt photo"),
    ("emergency", "紧急维修", "Emergency"),
    ("top_up", "续筹", "Top-up"),
    ("period_from", "起始日期", "From"),
    ("period_to", "截止日期", "To"),
    ("initial_deposit", "首期归集金额", "Initial deposit"),
    ("top_up_percent", "续筹警戒线", "Top-up threshold"),
    ("project_id", "项目", "Project"),
    ("entry_id", "账目", "Entry"),
    ("checklist", "治理标准", "Checklist"),
    ("scheme", "评星方案", "Star-rating scheme"),
    ("period", "考核期", "Period"),
    ("weights", "权重", "Weights"),
    ("bands", "星级分数段", "Star bands"),
    ("vetoes", "一票否决项", "Veto items"),
    ("survey", "抽样规则", "Sample rule"),
    ("responses", "调查户数", "Survey answers"),
    ("satisfied", "满意户数", "Satisfied answers"),
    ("management", "管理得分", "Management score"),
    ("overall", "综合得分", "Overall score"),
    ("problems", "存在问题", "Problems found"),
    ("households_benefited", "受益户数", "Households benefited"),
    ("quantity", "数量", "Quantity"),
    ("budget", "预算", "Budget"),
    ("region", "地区", "Region"),
    ("deadline", "截止日期", "Deadline"),
    ("confirm", "确认结束投票", "Confirm closing"),
    ("household", "房屋", "Home"),
    ("rooms", "房屋", "Homes"),
    ("action", "操作", "Action"),
    ("answer", "答复", "Answer"),
    ("body", "内容", "Text"),
    ("compensation", "补偿", "Compensation"),
    ("concern", "关切", "Concern"),
    ("day", "日期", "Day"),
    ("due_on", "完成期限", "Due on"),
    ("email", "电子邮件", "E-mail"),
    ("format", "文件格式", "File format"),
    ("heads", "三长", "Heads"),
    ("household_ids", "房屋", "Homes"),
    ("measure", "计算方式", "Counted by"),
    ("merge_id", "合并对象", "Merge with"),
    ("month_id", "评比月份", "Rating month"),
    ("of", "计算基数", "Counted of"),
    ("other_id", "另一人", "The other person"),
    ("parent_id", "回复对象", "Reply to"),
    ("payment_id", "缴款记录", "Payment"),
    ("person", "人员", "Person"),
    ("plan", "整改计划", "Plan"),
    ("rated", "评星", "Star rating"),
    ("reminders", "催缴提醒", "Reminders"),
    ("role", "角色", "Role"),
    ("rule", "表决规则", "Decision rule"),
    ("shares", "分摊表", "Share table"),
    ("six_have", "六有", "Six haves"),
    ("stars", "星级", "Stars"),
    ("status", "状态", "Status"),
    ("sub_compound_id", "分区", "Sub-compound"),
    ("with_signup_id", "换班对象", "Swap with"),
    ("year", "年份", "Year"),
    ("display_name", "称呼", "Name"),
    ("pay_by", "缴费截止日期", "Pay by"),
    (
        "office",
        "缴费和交回表格的地点",
        "Where to pay and return forms",
    ),
    ("pay_how", "转账方式", "How to pay by transfer"),
    ("contact", "联系人", "Contact"),
];

/// The name of a field as the user saw it on the form (the field's own name when it has no
/// label, which the test on [`FIELD_LABELS`] keeps from happening).
pub fn field_label(field: &str, lang: Lang) -> &str {
    FIELD_LABELS
        .iter()
        .find(|(name, _, _)| *name == field)
        .map_or(field, |(_, zh, en)| lang.pick(zh, en))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `code()` is what API clients match on, and serde writes the same variant's tag in a
    /// JSON error's `detail`: both must be the variant's snake_case name, for every variant.
    #[test]
    fn every_invalid_has_one_code_equal_to_its_serde_tag() {
        let src = include_str!("error.rs");
        let body = |from: &str, to: &str| {
            let start = src.find(from).expect("section start") + from.len();
            let end = start + src[start..].find(to).expect("section end");
            &src[start..end]
        };
        let variants: Vec<&str> = body("pub enum Invalid {", "\n}\n")
            .lines()
            .map(str::trim)
            .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_uppercase()))
            .map(|l| l.trim_end_matches([',', '{', ' ']))
            .collect();
        assert!(variants.len() > 100, "{variants:?}");
        let arms: Vec<(&str, &str)> = body("pub fn code(&self)", "\n    }\n")
            .lines()
            .filter_map(|l| {
                let l = l.trim().strip_prefix("Invalid::")?;
                let (variant, code) = l.split_once(" => ")?;
                let variant = variant.split([' ', '(']).next()?;
                Some((variant, code.trim_end_matches(',').trim_matches('"')))
            })
            .collect();
        for v in &variants {
            let codes: Vec<&str> = arms
                .iter()
                .filter(|(a, _)| a == v)
                .map(|(_, c)| *c)
                .collect();
            assert_eq!(codes, [snake_case(v)], "the code of Invalid::{v}");
        }
        assert_eq!(
            arms.len(),
            variants.len(),
            "code() has an arm per variant and no more"
        );
        // And serde's tag is that same name (rename_all = snake_case), seen on a few shapes.
        for (e, code) in [
            (Invalid::Required, "required"),
            (Invalid::TooLong { max: 3 }, "too_long"),
            (Invalid::DeadlinePast, "deadline_past"),
            (Invalid::NoSuchRoom { room: "601".into() }, "no_such_room"),
        ] {
            let json = serde_json::to_value(&e).expect("serialises");
            assert_eq!(json["code"], code);
            assert_eq!(e.code(), code);
        }
    }

    fn snake_case(camel: &str) -> String {
        let mut out = String::new();
        for (i, c) in camel.chars().enumerate() {
            if c.is_ascii_uppercase() {
                if i > 0 {
                    out.push('_');
                }
                out.push(c.to_ascii_lowercase());
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn field_error_names_the_field_in_both_languages() {
        let e = FieldError::new("area", Invalid::NotPositive);
        assert_eq!(e.message(Lang::Zh), "专有面积：必须大于零");
        assert_eq!(
            e.message(Lang::En),
            "Exclusive area must be greater than zero"
        );
    }
}
