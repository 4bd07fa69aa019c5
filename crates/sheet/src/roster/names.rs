//! Building and unit names as committees write them: `1号楼`, `1栋`, `一栋`, `１幢` and `1`
//! are one building; `1单元`, `一单元`, `1门` and `1` one unit. Names are compared by a key
//! (half-width, Arabic digits, without the kind word), and each key is written one way: the
//! compound's existing spelling when it has one, else `N栋` / `N单元` for a number, else the
//! first spelling in the file. The preview lists every spelling that was changed.

use super::RosterRow;
use linli_domain::area::halfwidth;
use std::collections::HashMap;

/// The maps of spellings met while reading (keys from the file).
type Seen<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// Which kind of name: they differ in the words that mark them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Building,
    Unit,
}

impl Kind {
    fn suffixes(self) -> &'static [&'static str] {
        match self {
            Kind::Building => &["号楼", "栋", "幢", "座", "号", "楼"],
            Kind::Unit => &["单元", "门", "号", "梯"],
        }
    }

    fn prefixes(self) -> &'static [&'static str] {
        match self {
            Kind::Building => &["第"],
            Kind::Unit => &["第"],
        }
    }

    fn canonical(self, number: &str) -> String {
        match self {
            Kind::Building => format!("{number}栋"),
            Kind::Unit => format!("{number}单元"),
        }
    }
}

/// The key two spellings of one name share.
pub fn key(kind: Kind, name: &str) -> String {
    let s: String = name
        .chars()
        .map(halfwidth)
        .map(|c| match c {
            'Ａ'..='Ｚ' | 'ａ'..='ｚ' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let mut core = s.as_str();
    for p in kind.prefixes() {
        core = core.strip_prefix(p).unwrap_or(core);
    }
    for suffix in kind.suffixes() {
        if let Some(rest) = core.strip_suffix(suffix)
            && !rest.is_empty()
        {
            core = rest;
            break;
        }
    }
    match chinese_number(core) {
        Some(n) => n.to_string(),
        None if core.chars().all(|c| c.is_ascii_digit()) && !core.is_empty() => {
            core.trim_start_matches('0').to_string()
        }
        None => core.to_string(),
    }
}

/// 一 to 九十九 as a number.
fn chinese_number(s: &str) -> Option<u32> {
    let digit = |c: char| {
        "零一二三四五六七八九"
            .chars()
            .position(|d| d == c)
            .map(|d| d as u32)
            .or((c == '两').then_some(2))
    };
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        ['十'] => Some(10),
        [d] => digit(*d).filter(|d| *d > 0),
        ['十', u] => Some(10 + digit(*u)?),
        [t, '十'] => Some(digit(*t)? * 10),
        [t, '十', u] => Some(digit(*t)? * 10 + digit(*u)?),
        _ => None,
    }
}

/// The one spelling of each key: existing names first, then the canonical form.
struct Spelling {
    kind: Kind,
    chosen: Seen<String, String>,
}

impl Spelling {
    fn new<'a>(kind: Kind, existing: impl Iterator<Item = &'a String>) -> Spelling {
        let mut chosen = Seen::default();
        for name in existing {
            chosen
                .entry(key(kind, name))
                .or_insert_with(|| name.clone());
        }
        Spelling { kind, chosen }
    }

    fn of(&mut self, name: &str) -> String {
        let k = key(self.kind, name);
        self.chosen
            .entry(k.clone())
            .or_insert_with(|| {
                if !k.is_empty() && k.chars().all(|c| c.is_ascii_digit()) {
                    self.kind.canonical(&k)
                } else {
                    name.trim().to_string()
                }
            })
            .clone()
    }
}

/// Rewrites the rows' building and unit names to one spelling per name. `buildings` are the
/// compound's buildings (name → id) and `units` its units ((building id, name) → id).
/// Returns the changes as the preview shows them: "1号楼、一栋 → 1栋".
pub fn unify(
    rows: &mut [RosterRow],
    buildings: &HashMap<String, i64>,
    units: &HashMap<(i64, String), i64>,
) -> Vec<String> {
    let mut b_spell = Spelling::new(Kind::Building, buildings.keys());
    // Units are named within their building; a new building's units take the canonical form.
    let mut u_spell: Seen<String, Spelling> = Seen::default();
    let mut renamed: Vec<(Kind, String, Vec<String>)> = Vec::new();
    let mut note = |kind: Kind, from: &str, to: &str| {
        if from == to {
            return;
        }
        match renamed.iter_mut().find(|(k, t, _)| *k == kind && t == to) {
            Some((_, _, froms)) => {
                if !froms.iter().any(|f| f == from) {
                    froms.push(from.to_string());
                }
            }
            None => renamed.push((kind, to.to_string(), vec![from.to_string()])),
        }
    };
    let mut cache: Seen<(String, String), (String, String)> = Seen::default();
    for r in rows.iter_mut() {
        let names = cache
            .entry((r.building.clone(), r.unit.clone()))
            .or_insert_with(|| {
                let b = b_spell.of(&r.building);
                let spell = u_spell.entry(b.clone()).or_insert_with(|| {
                    let id = buildings.get(&b);
                    Spelling::new(
                        Kind::Unit,
                        units
                            .keys()
                            .filter(|(bid, _)| Some(bid) == id)
                            .map(|(_, n)| n),
                    )
                });
                let u = spell.of(&r.unit);
                (b, u)
            })
            .clone();
        note(Kind::Building, &r.building, &names.0);
        note(Kind::Unit, &r.unit, &names.1);
        r.building = names.0;
        r.unit = names.1;
    }
    renamed
        .into_iter()
        .map(|(_, to, froms)| format!("{} → {to}", froms.join("、")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_name_share_a_key() {
        for name in [
            "1号楼",
            "1栋",
            "一栋",
            "１号楼",
            "1幢",
            "1座",
            "1",
            "01栋",
            "第一栋",
        ] {
            assert_eq!(key(Kind::Building, name), "1", "{name}");
        }
        for name in ["1单元", "一单元", "1门", "1", "１单元", "第1单元"] {
            assert_eq!(key(Kind::Unit, name), "1", "{name}");
        }
        assert_eq!(key(Kind::Building, "十二栋"), "12");
        assert_eq!(key(Kind::Building, "A座"), "A");
        assert_ne!(key(Kind::Building, "11栋"), key(Kind::Building, "1栋"));
    }

    fn row(b: &str, u: &str) -> RosterRow {
        RosterRow {
            building: b.into(),
            unit: u.into(),
            ..RosterRow::default()
        }
    }

    #[test]
    fn the_compounds_spelling_wins_and_changes_are_listed() {
        let mut rows = vec![
            row("1号楼", "1单元"),
            row("一栋", "一单元"),
            row("１号楼", "1门"),
            row("2栋", "1"),
            row("A座", "1"),
        ];
        let buildings = HashMap::from([("2号楼".to_string(), 7)]);
        let units = HashMap::from([((7, "一单元".to_string()), 70)]);
        let changes = unify(&mut rows, &buildings, &units);
        let names: Vec<(&str, &str)> = rows
            .iter()
            .map(|r| (r.building.as_str(), r.unit.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("1栋", "1单元"),
                ("1栋", "1单元"),
                ("1栋", "1单元"),
                ("2号楼", "一单元"),
                ("A座", "1单元")
            ]
        );
        assert_eq!(
            changes,
            [
                "1号楼、一栋、１号楼 → 1栋",
                "一单元、1门、1 → 1单元",
                "2栋 → 2号楼",
                "1 → 一单元"
            ]
        );
    }
}
