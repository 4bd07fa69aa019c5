//! Service requests (报事报修), pure: the status machine and who may move it (`status`),
//! working days and deadlines in China time (`calendar`), and exact metrics (`metrics`).
//! Categories are data: each has a deadline and a default route; [`DEFAULT_CATEGORIES`] are
//! the ones a new database starts with, and a compound's committee can live with or change them.

pub mod calendar;
pub mod metrics;
pub mod overdue;
pub mod status;

pub use calendar::{Day, Deadline, DeadlineUnit, WorkCalendar};
pub use metrics::{MetricsOf, Tally, median, percent};
pub use overdue::{is_overdue, overdue_sql};
pub use status::{Refusal, RequestStatus, RequestStep, Who};

use crate::error::Invalid;
use crate::lang::Lang;

crate::text_enum! {
    /// Which queue a worker looks at.
    pub enum Queue {
        /// Assigned to me and still open.
        Mine = "mine",
        /// Open in the grids I serve.
        Grid = "grid",
        /// Open and past the deadline, where I handle requests.
        Overdue = "overdue",
        /// Escalated to the community, where I handle requests.
        Escalated = "escalated",
        /// Everything open where I handle requests.
        Open = "open",
    }
}

crate::text_enum! {
    /// Where a request of a category goes when it is reported.
    pub enum Route {
        /// The grid worker of the household's (or place's) grid.
        GridWorker = "grid_worker",
        /// The compound's committee, which takes it or passes it on.
        Committee = "committee",
        /// The property company: through the committee's queue, which calls them.
        Property = "property",
        /// The elevator's installer, who maintains it: through the committee's queue too.
        Installer = "installer",
    }
}

impl Route {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Route::GridWorker => lang.pick("网格员", "grid worker"),
            Route::Committee => lang.pick("小区自管委", "the committee"),
            Route::Property => lang.pick("物业公司", "property company"),
            Route::Installer => lang.pick("电梯维保单位", "elevator installer"),
        }
    }
}

crate::text_enum! {
    /// How a request came in.
    pub enum Channel {
        /// The resident on their phone.
        App = "app",
        /// A worker took a phone call and entered it.
        Phone = "phone",
        /// A worker on a visit entered it.
        Visit = "visit",
    }
}

impl Channel {
    /// The channel a form or API call named; blank is the resident's own phone.
    pub fn parse_or_app(s: &str) -> Result<Channel, Invalid> {
        match Channel::parse(s) {
            Err(Invalid::Required) => Ok(Channel::App),
            other => other,
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Channel::App => lang.pick("居民手机上报", "reported on the phone"),
            Channel::Phone => lang.pick("电话代报", "phone call, entered by a worker"),
            Channel::Visit => lang.pick("走访代报", "visit, entered by a worker"),
        }
    }
}

crate::text_enum! {
    /// What a person does in a grid ("一格一员": a grid worker, with a party member, a
    /// building head and volunteers).
    pub enum GridRole {
        GridWorker = "grid_worker",
        PartyMember = "party_member",
        BuildingHead = "building_head",
        Volunteer = "volunteer",
    }
}

impl GridRole {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            GridRole::GridWorker => lang.pick("网格员", "grid worker"),
            GridRole::PartyMember => lang.pick("党员", "party member"),
            GridRole::BuildingHead => lang.pick("楼栋长", "building head"),
            GridRole::Volunteer => lang.pick("志愿者", "volunteer"),
        }
    }
}

/// The most photos one request carries.
pub const MAX_PHOTOS: usize = 6;

/// A rating: 1 to 5 stars.
pub fn parse_rating(s: &str) -> Result<i32, Invalid> {
    match s.trim() {
        "" => Err(Invalid::Required),
        s => s
            .parse::<i32>()
            .ok()
            .filter(|r| (1..=5).contains(r))
            .ok_or(Invalid::OutOfRange { min: 1, max: 5 }),
    }
}

/// A category as data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CategoryPreset {
    pub code: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    pub deadline: Deadline,
    pub route: Route,
    /// Days a resolved request waits for the reporter before it closes by itself.
    pub auto_close_days: i32,
}

/// The categories a new database starts with.
pub const DEFAULT_CATEGORIES: [CategoryPreset; 9] = [
    CategoryPreset {
        code: "elevator_entrapment",
        name_zh: "电梯困人",
        name_en: "Trapped in the elevator",
        deadline: Deadline::Minutes(30),
        route: Route::Installer,
        auto_close_days: 3,
    },
    CategoryPreset {
        code: "leak",
        name_zh: "漏水渗水",
        name_en: "Leak",
        deadline: Deadline::WorkingDays(2),
        route: Route::GridWorker,
        auto_close_days: 7,
    },
    CategoryPreset {
        code: "drain",
        name_zh: "下水道堵塞",
        name_en: "Blocked drain",
        deadline: Deadline::WorkingDays(1),
        route: Route::GridWorker,
        auto_close_days: 7,
    },
    CategoryPreset {
        code: "electrical",
        name_zh: "电路故障",
        name_en: "Electrical fault",
        deadline: Deadline::Minutes(24 * 60),
        route: Route::Property,
        auto_close_days: 7,
    },
    CategoryPreset {
        code: "lighting",
        name_zh: "楼道灯不亮",
        name_en: "Dark stairwell",
        deadline: Deadline::WorkingDays(3),
        route: Route::GridWorker,
        auto_close_days: 7,
    },
    CategoryPreset {
        code: "repair",
        name_zh: "一般维修",
        name_en: "Ordinary repair",
        deadline: Deadline::WorkingDays(5),
        route: Route::GridWorker,
        auto_close_days: 7,
    },
    CategoryPreset {
        code: "clutter",
        name_zh: "楼道堆物",
        name_en: "Clutter in the corridor",
        deadline: Deadline::WorkingDays(3),
        route: Route::GridWorker,
        auto_close_days: 7,
    },
    CategoryPreset {
        code: "sanitation",
        name_zh: "环境卫生",
        name_en: "Rubbish and cleanliness",
        deadline: Deadline::WorkingDays(2),
        route: Route::Committee,
        auto_close_days: 7,
    },
    CategoryPreset {
        code: "dispute",
        name_zh: "邻里纠纷",
        name_en: "Dispute between neighbours",
        deadline: Deadline::WorkingDays(5),
        route: Route::GridWorker,
        auto_close_days: 7,
    },
];
