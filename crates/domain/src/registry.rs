//! The registry's values: names, rooms, floors, phones, shares, and the compound profile.

use crate::area::halfwidth;
use crate::error::Invalid;
use crate::lang::Lang;
use serde::{Deserialize, Serialize};

/// A trimmed, non-empty text of bounded length (names of places and people, addresses).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Text(String);

impl Text {
    pub fn parse(input: &str, max_chars: usize) -> Result<Text, Invalid> {
        let t = input.trim();
        if t.is_empty() {
            return Err(Invalid::Required);
        }
        if t.chars().count() > max_chars {
            return Err(Invalid::TooLong { max: max_chars });
        }
        if t.chars().any(char::is_control) {
            return Err(Invalid::BadChoice);
        }
        Ok(Text(t.to_string()))
    }

    /// Like `parse`, but blank input is `None` rather than an error.
    pub fn parse_optional(input: &str, max_chars: usize) -> Result<Option<Text>, Invalid> {
        if input.trim().is_empty() {
            Ok(None)
        } else {
            Text::parse(input, max_chars).map(Some)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// A room number as painted on the door: "501", "3-502", "B12". At most 16 characters of
/// ASCII letters, digits and '-', after full-width forms are made half-width.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Room(String);

impl Room {
    pub fn parse(input: &str) -> Result<Room, Invalid> {
        let s: String = input.trim().chars().map(halfwidth).collect();
        let s = s.trim().trim_end_matches('室').trim();
        if s.is_empty() {
            return Err(Invalid::Required);
        }
        if s.len() > 16 || !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(Invalid::BadRoom);
        }
        Ok(Room(s.to_ascii_uppercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A floor: basements are negative, there is no floor 0, and no old compound has 200.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Floor(i32);

impl Floor {
    pub const MIN: i32 = -5;
    pub const MAX: i32 = 200;

    pub fn new(n: i64) -> Result<Floor, Invalid> {
        if n == 0 || n < i64::from(Floor::MIN) || n > i64::from(Floor::MAX) {
            return Err(Invalid::OutOfRange {
                min: i64::from(Floor::MIN),
                max: i64::from(Floor::MAX),
            });
        }
        i32::try_from(n).map(Floor).map_err(|_| Invalid::NotANumber)
    }

    /// "5", "5F", "5层", "５", "五层", "五", "十二楼", "地下一层", "负1", "B1".
    pub fn parse(input: &str) -> Result<Floor, Invalid> {
        let s: String = input.trim().chars().map(halfwidth).collect();
        let s = s
            .trim()
            .trim_start_matches('第')
            .trim_end_matches(['F', 'f', '层', '楼'])
            .trim();
        if s.is_empty() {
            return Err(Invalid::Required);
        }
        let (negative, s) = match ["地下", "负", "B", "b", "-"]
            .iter()
            .find_map(|p| s.strip_prefix(p))
        {
            Some(rest) => (true, rest.trim()),
            None => (false, s),
        };
        let n: i64 = match s.parse() {
            Ok(n) if n >= 0 => n,
            _ => chinese_number(s).ok_or(Invalid::NotAFloor)?,
        };
        Floor::new(if negative { -n } else { n })
    }

    pub fn get(self) -> i32 {
        self.0
    }
}

/// A number from 零 to 九十九 written in Chinese numerals ("五", "十二", "二十", "两").
fn chinese_number(s: &str) -> Option<i64> {
    let digit = |c: char| {
        "零一二三四五六七八九"
            .chars()
            .position(|d| d == c)
            .map(|d| d as i64)
            .or((c == '两').then_some(2))
    };
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        ['十'] => Some(10),
        [d] => digit(*d),
        ['十', u] => Some(10 + digit(*u)?),
        [t, '十'] => Some(digit(*t)? * 10),
        [t, '十', u] => Some(digit(*t)? * 10 + digit(*u)?),
        _ => None,
    }
}

/// A phone number as digits only (a landline's extension after one '-'). Spaces, dashes and
/// a +86 prefix are dropped; a mobile number has 11 digits starting with 1, a landline 7–12
/// digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Phone(String);

impl Phone {
    pub fn parse(input: &str) -> Result<Phone, Invalid> {
        let s: String = input
            .trim()
            .chars()
            .map(halfwidth)
            .filter(|c| !matches!(c, ' ' | '-' | '(' | ')'))
            .collect();
        let s = s.strip_prefix("+86").unwrap_or(&s);
        if s.is_empty() {
            return Err(Invalid::Required);
        }
        if !s.chars().all(|c| c.is_ascii_digit()) {
            return Err(Invalid::BadPhone);
        }
        let ok = if s.starts_with('1') {
            s.len() == 11
        } else {
            (7..=12).contains(&s.len())
        };
        if !ok {
            return Err(Invalid::BadPhone);
        }
        Ok(Phone(s.to_string()))
    }

    /// Every number of a cell as committees write them: one or more, separated by
    /// `/ 、 ， ； ,` or spaces, mobiles or landlines with an area code and an extension
    /// ("0825-1234567转801", "0825-1234567-801"). Spaces inside one number ("138 0013 8000")
    /// are allowed: the pieces between spaces are joined as long as they make one number.
    pub fn parse_many(input: &str) -> Result<Vec<Phone>, Invalid> {
        let s: String = input.chars().map(halfwidth).collect();
        let mut out = Vec::new();
        for part in s
            .split(['/', '、', '，', '；', ',', ';', '|', '\n'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let tokens: Vec<&str> = part.split_whitespace().collect();
            out.extend(Phone::join_tokens(&tokens).ok_or(Invalid::BadPhone)?);
        }
        if out.is_empty() {
            return Err(Invalid::Required);
        }
        Ok(out)
    }

    /// Splits space-separated pieces into the fewest whole numbers, or `None`.
    fn join_tokens(tokens: &[&str]) -> Option<Vec<Phone>> {
        // best[i]: the fewest numbers that the first i tokens make.
        let n = tokens.len();
        let mut best: Vec<Option<Vec<Phone>>> = vec![None; n + 1];
        best[0] = Some(Vec::new());
        for end in 1..=n {
            for start in (0..end).rev().take(6) {
                let Some(before) = &best[start] else { continue };
                let Ok(p) = Phone::parse_one(&tokens[start..end].concat()) else {
                    continue;
                };
                if best[end]
                    .as_ref()
                    .is_none_or(|b| b.len() > before.len() + 1)
                {
                    let mut v = before.clone();
                    v.push(p);
                    best[end] = Some(v);
                }
            }
        }
        best.pop().flatten()
    }

    /// One number, with an extension after 转 or "ext", or after a last dash of a landline
    /// ("0825-1234567-801"), kept as "08251234567-801".
    fn parse_one(s: &str) -> Result<Phone, Invalid> {
        let s = s.trim();
        let lower = s.to_ascii_lowercase();
        if let Some((i, len)) = ["转", "ext.", "ext", "x", "分机"]
            .iter()
            .find_map(|m| lower.find(m).map(|i| (i, m.len())))
        {
            return Phone::with_extension(&s[..i], &s[i + len..]);
        }
        match Phone::parse(s) {
            Ok(p) => Ok(p),
            Err(e) => match s.rfind('-') {
                Some(i) if s.starts_with('0') => Phone::with_extension(&s[..i], &s[i + 1..]),
                _ => Err(e),
            },
        }
    }

    fn with_extension(main: &str, ext: &str) -> Result<Phone, Invalid> {
        let main = Phone::parse(main)?;
        let ext = ext.trim_matches(|c: char| c == '-' || c == ':' || c.is_whitespace());
        // The whole, with its dash, fits the 16 characters a phone is stored in.
        let fits = !ext.is_empty() && main.0.len() + 1 + ext.len() <= 16;
        if fits && ext.chars().all(|c| c.is_ascii_digit()) && !main.is_mobile() {
            Ok(Phone(format!("{}-{ext}", main.0)))
        } else {
            Err(Invalid::BadPhone)
        }
    }

    /// A mobile number: 11 digits starting with 1.
    pub fn is_mobile(&self) -> bool {
        self.0.len() == 11 && self.0.starts_with('1')
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// "138****5678": what roles without a need to call someone see.
    pub fn masked(&self) -> String {
        let s = &self.0;
        if s.len() < 7 {
            return "****".into();
        }
        format!("{}****{}", &s[..3], &s[s.len() - 4..])
    }
}

/// A co-owner's share of a household in basis points (1/10,000); 10,000 is sole ownership.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Share(i32);

impl Share {
    pub const WHOLE: Share = Share(10_000);

    pub fn from_bp(bp: i64) -> Result<Share, Invalid> {
        if !(1..=10_000).contains(&bp) {
            return Err(Invalid::BadShare);
        }
        i32::try_from(bp).map(Share).map_err(|_| Invalid::BadShare)
    }

    /// A percentage as typed: "50", "33.33", "100%". Blank means the whole household.
    pub fn parse_percent(input: &str) -> Result<Share, Invalid> {
        let s: String = input.trim().chars().map(halfwidth).collect();
        let s = s.trim().trim_end_matches('%').trim();
        if s.is_empty() {
            return Ok(Share::WHOLE);
        }
        let (w, f) = s.split_once('.').unwrap_or((s, ""));
        let f = f.trim_end_matches('0');
        if w.is_empty()
            || w.len() > 3
            || f.len() > 2
            || !w.chars().chain(f.chars()).all(|c| c.is_ascii_digit())
        {
            return Err(Invalid::BadShare);
        }
        let w: i64 = w.parse().map_err(|_| Invalid::BadShare)?;
        let f: i64 = if f.is_empty() {
            0
        } else {
            format!("{f:0<2}").parse().map_err(|_| Invalid::BadShare)?
        };
        Share::from_bp(w * 100 + f)
    }

    pub fn bp(self) -> i32 {
        self.0
    }

    pub fn percent(self) -> String {
        let (w, f) = (self.0 / 100, self.0 % 100);
        if f == 0 {
            format!("{w}%")
        } else {
            format!("{w}.{f:02}%").replace("0%", "%")
        }
    }
}

crate::text_enum! {
    /// Who runs a compound day to day (管理模式).
    pub enum ManagementMode {
        Professional = "professional",
        SelfManaged = "self_managed",
        Delegated = "delegated",
        None = "none",
    }
}

impl ManagementMode {
    /// The code or the Chinese words of the label ("居民自治管理"), as a form or a sheet has
    /// it; a stored mode is only ever the code ([`ManagementMode::parse`]).
    pub fn parse_written(s: &str) -> Result<ManagementMode, Invalid> {
        ManagementMode::ALL
            .into_iter()
            .find(|m| m.label(Lang::Zh) == s.trim())
            .map_or_else(|| ManagementMode::parse(s), Ok)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            ManagementMode::Professional => lang.pick("专业物业", "professional property service"),
            ManagementMode::SelfManaged => lang.pick("居民自治管理", "self-managed by residents"),
            ManagementMode::Delegated => lang.pick("代管理", "delegated management"),
            ManagementMode::None => lang.pick("无人管理", "none"),
        }
    }
}

crate::text_enum! {
    /// The six items of a "six-have" compound (六有), kept as a bit set.
    pub enum SixHaveItem {
        SelfGovernanceBody = "self_governance_body",
        SecurityFacilities = "security_facilities",
        PropertyService = "property_service",
        CleanEnvironment = "clean_environment",
        LastingMechanism = "lasting_mechanism",
        NeighbourlyConduct = "neighbourly_conduct",
    }
}

impl SixHaveItem {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            SixHaveItem::SelfGovernanceBody => lang.pick("有自治组织", "self-governance body"),
            SixHaveItem::SecurityFacilities => lang.pick("有安防设施", "security facilities"),
            SixHaveItem::PropertyService => lang.pick("有基础物业服务", "basic property service"),
            SixHaveItem::CleanEnvironment => lang.pick("有整洁环境", "clean environment"),
            SixHaveItem::LastingMechanism => lang.pick("有长效机制", "lasting mechanism"),
            SixHaveItem::NeighbourlyConduct => lang.pick("有文明新风", "neighbourly conduct"),
        }
    }

    fn bit(self) -> i32 {
        1 << (self as i32)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SixHave(i32);

impl SixHave {
    pub fn from_mask(mask: i32) -> SixHave {
        SixHave(mask & 0b11_1111)
    }

    pub fn from_items(items: impl IntoIterator<Item = SixHaveItem>) -> SixHave {
        SixHave(items.into_iter().fold(0, |m, i| m | i.bit()))
    }

    pub fn mask(self) -> i32 {
        self.0
    }

    pub fn has(self, item: SixHaveItem) -> bool {
        self.0 & item.bit() != 0
    }

    pub fn count(self) -> u32 {
        self.0.count_ones()
    }

    /// All six present: the compound has become a "six-have" compound.
    pub fn complete(self) -> bool {
        self.count() == 6
    }
}

crate::text_enum! {
    /// How a person lives in a household.
    pub enum ResidentKind {
        Owner = "owner",
        Family = "family",
        Tenant = "tenant",
    }
}

impl ResidentKind {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            ResidentKind::Owner => lang.pick("业主本人", "owner"),
            ResidentKind::Family => lang.pick("家庭成员", "family member"),
            ResidentKind::Tenant => lang.pick("租户", "tenant"),
        }
    }
}

/// A year a compound was built: from 1900 to 2100.
pub fn parse_year(input: &str) -> Result<Option<i32>, Invalid> {
    let s: String = input.trim().chars().map(halfwidth).collect();
    let s = s.trim().trim_end_matches('年');
    if s.is_empty() {
        return Ok(None);
    }
    let y: i32 = s.parse().map_err(|_| Invalid::NotANumber)?;
    if !(1900..=2100).contains(&y) {
        return Err(Invalid::OutOfRange {
            min: 1900,
            max: 2100,
        });
    }
    Ok(Some(y))
}

/// A home as people name it: "601", "601室", "1栋1单元601", "1号楼2单元601", "1-1-601".
/// The building and unit, when given, are kept as their keys ("1", "2": the name without
/// 栋/幢/号楼/单元), to compare with the names in the registry through [`place_key`]; what
/// is left is the room. Which household it is depends on where it is looked up (a compound,
/// a vote's unit), so that is the store's part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomRef {
    pub building: Option<String>,
    pub unit: Option<String>,
    pub room: Room,
}

/// The words that end a building's name, longest first.
const BUILDING_WORDS: &[&str] = &["号楼", "栋", "幢", "座", "号", "楼"];
const UNIT_WORDS: &[&str] = &["单元"];

impl RoomRef {
    pub fn parse(input: &str) -> Result<RoomRef, Invalid> {
        let s: String = input
            .chars()
            .map(halfwidth)
            .filter(|c| !c.is_whitespace())
            .collect();
        if s.is_empty() {
            return Err(Invalid::Required);
        }
        // 1-1-601: building, unit, room.
        let parts: Vec<&str> = s.split('-').collect();
        if let [b, u, r] = parts[..]
            && !b.is_empty()
            && !u.is_empty()
            && b.chars()
                .chain(u.chars())
                .all(|c| c.is_ascii_alphanumeric())
        {
            return Ok(RoomRef {
                building: Some(b.to_ascii_uppercase()),
                unit: Some(u.to_ascii_uppercase()),
                room: Room::parse(r)?,
            });
        }
        let (building, rest) = split_word(&s, BUILDING_WORDS);
        let (unit, rest) = split_word(rest, UNIT_WORDS);
        Ok(RoomRef {
            building,
            unit,
            room: Room::parse(rest)?,
        })
    }
}

/// "1栋…" → (Some("1"), "…"): the key before the first of `words`, if the text starts with one.
fn split_word<'a>(s: &'a str, words: &[&str]) -> (Option<String>, &'a str) {
    for w in words {
        if let Some((key, rest)) = s.split_once(w)
            && !key.is_empty()
            && !rest.is_empty()
            && key.chars().all(|c| c.is_ascii_alphanumeric())
        {
            return (Some(key.to_ascii_uppercase()), rest);
        }
    }
    (None, s)
}

/// The key of a building's or unit's name, as [`RoomRef`] holds it: "1栋" → "1",
/// "3号楼" → "3", "2单元" → "2", "A座" → "A"; a name without such a word is its own key.
pub fn place_key(name: &str) -> String {
    let s: String = name
        .chars()
        .map(halfwidth)
        .filter(|c| !c.is_whitespace())
        .collect();
    let mut key = s.as_str();
    for w in BUILDING_WORDS.iter().chain(UNIT_WORDS) {
        if let Some(k) = key.strip_suffix(w)
            && !k.is_empty()
        {
            key = k;
            break;
        }
    }
    key.to_ascii_uppercase()
}

crate::text_enum! {
    /// Where an uploaded roster stands, as stored in `roster_import.status`.
    pub enum ImportStatus {
        /// Read and previewed, waiting for confirmation.
        Pending = "pending",
        /// Being confirmed: left so by an interrupted confirmation, which may be confirmed again.
        Applying = "applying",
        /// Written to the registry.
        Applied = "applied",
    }
}

impl ImportStatus {
    /// Whether the import may still be confirmed.
    pub fn open(self) -> bool {
        matches!(self, ImportStatus::Pending | ImportStatus::Applying)
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn rooms_are_read_as_people_say_them() {
        let r = |b: Option<&str>, u: Option<&str>, room: &str| RoomRef {
            building: b.map(str::to_string),
            unit: u.map(str::to_string),
            room: Room::parse(room).unwrap(),
        };
        for (typed, want) in [
            ("601", r(None, None, "601")),
            (" 601室 ", r(None, None, "601")),
            ("６０１", r(None, None, "601")),
            ("1栋1单元601", r(Some("1"), Some("1"), "601")),
            ("1 栋 1 单元 601 室", r(Some("1"), Some("1"), "601")),
            ("3号楼2单元502", r(Some("3"), Some("2"), "502")),
            ("1幢601", r(Some("1"), None, "601")),
            ("2单元601", r(None, Some("2"), "601")),
            ("1-1-601", r(Some("1"), Some("1"), "601")),
            ("a-2-601", r(Some("A"), Some("2"), "601")),
            ("601-1", r(None, None, "601-1")),
        ] {
            assert_eq!(RoomRef::parse(typed), Ok(want), "{typed}");
        }
        assert_eq!(RoomRef::parse("  "), Err(Invalid::Required));
        assert_eq!(RoomRef::parse("1栋1单元"), Err(Invalid::BadRoom));
        assert_eq!(RoomRef::parse("顶楼"), Err(Invalid::BadRoom));
    }

    #[test]
    fn place_names_have_the_keys_rooms_use() {
        for (name, key) in [
            ("1栋", "1"),
            ("3号楼", "3"),
            ("2单元", "2"),
            ("A座", "A"),
            ("北楼", "北"),
            ("１栋", "1"),
            ("东区", "东区"),
        ] {
            assert_eq!(place_key(name), key, "{name}");
        }
    }
    use super::*;

    #[test]
    fn rooms() {
        assert_eq!(Room::parse(" 501 ").unwrap().as_str(), "501");
        assert_eq!(Room::parse("３-５０２室").unwrap().as_str(), "3-502");
        assert_eq!(Room::parse("b12").unwrap().as_str(), "B12");
        assert_eq!(Room::parse(""), Err(Invalid::Required));
        assert_eq!(Room::parse("5 01"), Err(Invalid::BadRoom));
        assert_eq!(Room::parse("<script>"), Err(Invalid::BadRoom));
        assert_eq!(Room::parse("12345678901234567"), Err(Invalid::BadRoom));
    }

    #[test]
    fn floors() {
        assert_eq!(Floor::parse("5").unwrap().get(), 5);
        assert_eq!(Floor::parse("5F").unwrap().get(), 5);
        assert_eq!(Floor::parse("５层").unwrap().get(), 5);
        assert_eq!(Floor::parse("-1").unwrap().get(), -1);
        assert!(Floor::parse("0").is_err());
        assert!(Floor::parse("201").is_err());
        assert_eq!(Floor::parse("x"), Err(Invalid::NotAFloor));
        assert_eq!(Floor::parse("顶层"), Err(Invalid::NotAFloor));
        assert_eq!(Floor::parse("负一层").map(Floor::get), Ok(-1));
        for (input, floor) in [
            ("五层", 5),
            ("五", 5),
            ("十", 10),
            ("十二楼", 12),
            ("二十", 20),
            ("第三层", 3),
            ("两", 2),
            ("地下一层", -1),
            ("负2", -2),
            ("B1", -1),
            ("-1F", -1),
        ] {
            assert_eq!(Floor::parse(input).map(Floor::get), Ok(floor), "{input}");
        }
        assert!(matches!(
            Floor::parse("零"),
            Err(Invalid::OutOfRange { .. })
        ));
        assert_eq!(Floor::parse("五十五十"), Err(Invalid::NotAFloor));
        assert_eq!(Floor::parse("1.5"), Err(Invalid::NotAFloor));
    }

    #[test]
    fn phones() {
        assert_eq!(
            Phone::parse("138 0013-8000").unwrap().as_str(),
            "13800138000"
        );
        assert_eq!(
            Phone::parse("+86 13800138000").unwrap().as_str(),
            "13800138000"
        );
        assert_eq!(
            Phone::parse("0831-2345678").unwrap().as_str(),
            "08312345678"
        );
        assert_eq!(Phone::parse("1380013800"), Err(Invalid::BadPhone));
        assert_eq!(Phone::parse("138001380001"), Err(Invalid::BadPhone));
        assert_eq!(Phone::parse("12345"), Err(Invalid::BadPhone));
        assert_eq!(Phone::parse("abc"), Err(Invalid::BadPhone));
        assert_eq!(Phone::parse("13800138000").unwrap().masked(), "138****8000");
        let many = |s: &str| {
            Phone::parse_many(s)
                .map(|v| v.iter().map(|p| p.as_str().to_string()).collect::<Vec<_>>())
        };
        assert_eq!(
            many("13800138000 / 0825-2345678").unwrap(),
            ["13800138000", "08252345678"]
        );
        assert_eq!(
            many("138 0013 8000 0825 2345678").unwrap(),
            ["13800138000", "08252345678"]
        );
        assert_eq!(
            many("13800138000、13900139000；0825-2345678转801").unwrap(),
            ["13800138000", "13900139000", "08252345678-801"]
        );
        assert_eq!(
            many("0825-2345678-801，１３８００１３８０００").unwrap(),
            ["08252345678-801", "13800138000"]
        );
        assert_eq!(many("1380013800"), Err(Invalid::BadPhone));
        assert_eq!(many("13800138000 / 无"), Err(Invalid::BadPhone));
        assert_eq!(many(" / "), Err(Invalid::Required));
    }

    #[test]
    fn shares() {
        assert_eq!(Share::parse_percent("").unwrap(), Share::WHOLE);
        assert_eq!(Share::parse_percent("50").unwrap().bp(), 5000);
        assert_eq!(Share::parse_percent("33.33%").unwrap().bp(), 3333);
        assert_eq!(Share::parse_percent("0.5").unwrap().bp(), 50);
        assert_eq!(Share::parse_percent("100").unwrap().percent(), "100%");
        assert!(Share::parse_percent("101").is_err());
        assert!(Share::parse_percent("0").is_err());
        assert!(Share::parse_percent("33.333").is_err());
    }

    #[test]
    fn six_have_is_complete_only_with_all_six() {
        let five = SixHave::from_items(SixHaveItem::ALL.into_iter().take(5));
        assert!(!five.complete());
        assert_eq!(five.count(), 5);
        assert!(SixHave::from_items(SixHaveItem::ALL).complete());
        assert_eq!(SixHave::from_mask(-1).mask(), 0b11_1111);
    }

    #[test]
    fn management_modes_parse_by_code_and_label() {
        for m in ManagementMode::ALL {
            assert_eq!(ManagementMode::parse_written(m.as_str()), Ok(m));
            assert_eq!(ManagementMode::parse_written(m.label(Lang::Zh)), Ok(m));
        }
        assert_eq!(ManagementMode::parse_written("x"), Err(Invalid::BadChoice));
    }

    #[test]
    fn years() {
        assert_eq!(parse_year("1998"), Ok(Some(1998)));
        assert_eq!(parse_year("1998年"), Ok(Some(1998)));
        assert_eq!(parse_year(""), Ok(None));
        assert!(parse_year("1800").is_err());
    }
}
