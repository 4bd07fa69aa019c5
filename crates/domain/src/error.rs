//! What can be wrong with a value a person typed, in words they can act on.
//!
//! `Invalid` is the reason; `FieldError` ties it to the field (or spreadsheet column) it
//! came from. Both have a stable `code` for API clients and a message in zh-CN and English.

use crate::lang::Lang;
use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Invalid {
    Required,
    TooLong { max: usize },
    NotANumber,
    NotPositive,
    TooManyDecimals { max: u8 },
    OutOfRange { min: i64, max: i64 },
    BadPhone,
    BadRoom,
    BadChoice,
    BadShare,
    BadDate,
    DuplicateRoom { room: String },
    OtherCompound,
    Taken,
}

impl Invalid {
    pub fn code(&self) -> &'static str {
        match self {
            Invalid::Required => "required",
            Invalid::TooLong { .. } => "too_long",
            Invalid::NotANumber => "not_a_number",
            Invalid::NotPositive => "not_positive",
            Invalid::TooManyDecimals { .. } => "too_many_decimals",
            Invalid::OutOfRange { .. } => "out_of_range",
            Invalid::BadPhone => "bad_phone",
            Invalid::BadRoom => "bad_room",
            Invalid::BadChoice => "bad_choice",
            Invalid::BadShare => "bad_share",
            Invalid::BadDate => "bad_date",
            Invalid::DuplicateRoom { .. } => "duplicate_room",
            Invalid::OtherCompound => "other_compound",
            Invalid::Taken => "taken",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (Invalid::Required, Lang::Zh) => "必须填写".into(),
            (Invalid::Required, Lang::En) => "is required".into(),
            (Invalid::TooLong { max }, Lang::Zh) => format!("太长了，最多 {max} 个字"),
            (Invalid::TooLong { max }, Lang::En) => format!("is too long (at most {max} characters)"),
            (Invalid::NotANumber, Lang::Zh) => "不是数字".into(),
            (Invalid::NotANumber, Lang::En) => "is not a number".into(),
            (Invalid::NotPositive, Lang::Zh) => "必须大于零".into(),
            (Invalid::NotPositive, Lang::En) => "must be greater than zero".into(),
            (Invalid::TooManyDecimals { max }, Lang::Zh) => format!("最多 {max} 位小数"),
            (Invalid::TooManyDecimals { max }, Lang::En) => format!("has more than {max} decimals"),
            (Invalid::OutOfRange { min, max }, Lang::Zh) => format!("必须在 {min} 到 {max} 之间"),
            (Invalid::OutOfRange { min, max }, Lang::En) => format!("must be between {min} and {max}"),
            (Invalid::BadPhone, Lang::Zh) => "电话号码不对：手机 11 位，座机 7–12 位".into(),
            (Invalid::BadPhone, Lang::En) => "is not a phone number (mobile 11 digits, landline 7–12)".into(),
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
        }
    }
}

/// A bad value and where it was typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: &'static str,
    pub error: Invalid,
}

impl FieldError {
    pub fn new(field: &'static str, error: Invalid) -> FieldError {
        FieldError { field, error }
    }

    /// "面积：必须大于零" / "area: must be greater than zero".
    pub fn message(&self, lang: Lang) -> String {
        let label = field_label(self.field, lang);
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

/// The name of a field as the user saw it on the form.
pub fn field_label(field: &str, lang: Lang) -> &str {
    let (zh, en) = match field {
        "name" => ("名称", "Name"),
        "person_name" => ("姓名", "Name"),
        "room" => ("房号", "Room"),
        "floor" => ("楼层", "Floor"),
        "area" => ("专有面积", "Exclusive area"),
        "area_source" => ("面积来源", "Area source"),
        "phone" => ("电话", "Phone"),
        "unit_id" => ("单元", "Unit"),
        "building_id" => ("楼栋", "Building"),
        "year_built" => ("建成年份", "Year built"),
        "management_mode" => ("管理模式", "Management mode"),
        "share" => ("份额", "Share"),
        "kind" => ("类型", "Kind"),
        "floors" => ("层数", "Floors"),
        "address" => ("地址", "Address"),
        "login" => ("账号", "Login"),
        "password" => ("密码", "Password"),
        "code" => ("邀请码", "Invite code"),
        "date" => ("日期", "Date"),
        "version" => ("版本", "Version"),
        "id" => ("编号", "Id"),
        other => (other, other),
    };
    lang.pick(zh, en)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_error_names_the_field_in_both_languages() {
        let e = FieldError::new("area", Invalid::NotPositive);
        assert_eq!(e.message(Lang::Zh), "专有面积：必须大于零");
        assert_eq!(e.message(Lang::En), "Exclusive area must be greater than zero");
    }
}
