//! Volunteer stations and their duty rota (志愿服务站, 轮流值守; seeds S1 纹江花园 and S4 遂宁),
//! pure:
//! - [`calendar`]: days, weekdays and clock times in local time;
//! - [`rota`]: a station's weekly shifts as data and the month's rota made from them;
//! - [`duty`]: signing up, swapping and checking in, and who may take which step of a swap;
//! - [`hours`]: credited minutes per person and per unit, exact.

pub mod calendar;
pub mod duty;
pub mod hours;
pub mod rota;

pub use calendar::{Clock, Day, Moment, Weekday, days_in, days_of};
pub use duty::{
    CheckinWindow, SignupStatus, SwapParty, SwapStatus, SwapStep, check_checkin, check_signup,
    check_swap, started, swap_step,
};
pub use hours::{Hours, Turn, format_minutes, tally};
pub use rota::{Interval, MAX_CAPACITY, ShiftPattern, Slot, check_capacity, month_rota};
