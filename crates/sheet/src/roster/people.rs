//! Who is one person in a roster. A vote's headcount (SPC Art. 9) counts each owner once,
//! however many flats they hold, so the owners of the rows are grouped into persons:
//!
//! - the same name with the same phone number (any of the numbers of the cell), or with the
//!   same 身份证后四位, is one person;
//! - the owner of the developer's unsold flats is one person by name alone;
//! - the same name with nothing else to tell is kept as separate people, and listed in the
//!   preview as "maybe the same person" (a committee member can merge them later).
//!
//! Co-owners named after the first owner carry no phone or ID tail of their own, so each of
//! them is a person of their own row.

use super::RosterRow;
use super::columns::Column;
use super::parse::{Problem, Rule};
/// Keyed by what the file holds: a fast hasher, seeded at random.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// One person of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    /// The contact phone: the first known.
    pub phone: Option<String>,
    pub phones: Vec<String>,
    pub id_last4: Option<String>,
    /// The developer holding unsold flats.
    pub developer: bool,
}

/// The persons of a file, and for each row the person of each of its owners.
#[derive(Debug, Default)]
pub struct Identities {
    pub persons: Vec<Person>,
    /// `of[i][j]`: the person (index into `persons`) of owner `j` of row `i`.
    pub of: Vec<Vec<usize>>,
}

#[derive(Hash, PartialEq, Eq)]
enum Key<'a> {
    Phone(&'a str, &'a str),
    IdTail(&'a str, &'a str),
    Developer(&'a str),
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// Groups the owners of `rows` into persons.
pub fn identify(rows: &[RosterRow]) -> Identities {
    // Every owner of every row is an occurrence; occurrences sharing a key are one person.
    let mut parent: Vec<usize> = Vec::new();
    let mut at: Vec<(usize, usize)> = Vec::new();
    let mut first_of: HashMap<Key<'_>, usize> = HashMap::default();
    let mut of: Vec<Vec<usize>> = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        let mut mine = Vec::with_capacity(r.owners.len());
        for (j, name) in r.owners.iter().enumerate() {
            let occ = parent.len();
            parent.push(occ);
            at.push((i, j));
            mine.push(occ);
            if j > 0 {
                continue;
            }
            let mut keys: Vec<Key<'_>> = r.phones.iter().map(|p| Key::Phone(name, p)).collect();
            if let Some(id) = &r.id_last4 {
                keys.push(Key::IdTail(name, id));
            }
            if r.unsold {
                keys.push(Key::Developer(name));
            }
            for k in keys {
                match first_of.get(&k) {
                    Some(other) => {
                        let (a, b) = (find(&mut parent, occ), find(&mut parent, *other));
                        if a != b {
                            parent[a] = b;
                        }
                    }
                    None => {
                        first_of.insert(k, occ);
                    }
                }
            }
        }
        of.push(mine);
    }
    // Number the groups in order of first appearance, and gather what each knows.
    let mut index_of_root: HashMap<usize, usize> = HashMap::default();
    let mut persons: Vec<Person> = Vec::new();
    for (occ, &(i, j)) in at.iter().enumerate() {
        let root = find(&mut parent, occ);
        let r = &rows[i];
        let idx = *index_of_root.entry(root).or_insert_with(|| {
            persons.push(Person {
                name: r.owners[j].clone(),
                phone: None,
                phones: Vec::new(),
                id_last4: None,
                developer: false,
            });
            persons.len() - 1
        });
        if j == 0 {
            let p = &mut persons[idx];
            if p.phone.is_none() {
                p.phone = r.phone.clone();
            }
            for n in &r.phones {
                if !p.phones.contains(n) {
                    p.phones.push(n.clone());
                }
            }
            if p.id_last4.is_none() {
                p.id_last4 = r.id_last4.clone();
            }
            p.developer |= r.unsold;
        }
        of[i][j] = idx;
    }
    Identities { persons, of }
}

impl Identities {
    /// "Maybe the same person": a name that is more than one person in the file, with the
    /// rows it is on, as a warning on the first of them.
    pub fn maybe_same(&self, rows: &[RosterRow]) -> Vec<Problem> {
        let mut by_name: HashMap<&str, (Vec<usize>, Vec<u32>)> = HashMap::default();
        for (r, people) in rows.iter().zip(&self.of) {
            for (j, p) in people.iter().enumerate() {
                let (ps, lines) = by_name.entry(r.owners[j].as_str()).or_default();
                if !ps.contains(p) {
                    ps.push(*p);
                }
                if !lines.contains(&r.line) {
                    lines.push(r.line);
                }
            }
        }
        let mut out: Vec<Problem> = by_name
            .into_iter()
            .filter(|(_, (ps, _))| ps.len() > 1)
            .map(|(name, (_, lines))| {
                let first = lines.first().copied().unwrap_or(0);
                Problem::new(first, Some(Column::Owner), name, &Rule::MaybeSame { lines })
            })
            .collect();
        out.sort_by_key(|p| p.line);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(
        line: u32,
        owners: &[&str],
        phones: &[&str],
        id: Option<&str>,
        unsold: bool,
    ) -> RosterRow {
        RosterRow {
            line,
            owners: owners.iter().map(|s| s.to_string()).collect(),
            phone: phones.first().map(|s| s.to_string()),
            phones: phones.iter().map(|s| s.to_string()).collect(),
            id_last4: id.map(str::to_string),
            unsold,
            ..RosterRow::default()
        }
    }

    #[test]
    fn one_person_per_person() {
        let rows = [
            row(2, &["张三"], &["13800138000"], None, false),
            row(
                3,
                &["张三"],
                &["13800138000", "08251234567"],
                Some("123X"),
                false,
            ),
            row(4, &["张三"], &[], Some("123X"), false),
            row(5, &["张三"], &[], None, false),
            row(6, &["某某房地产开发有限公司"], &[], None, true),
            row(7, &["某某房地产开发有限公司"], &[], None, true),
            row(8, &["李四", "王五"], &["13900139000"], None, false),
            row(9, &["李四", "王五"], &["13900139000"], None, false),
        ];
        let ids = identify(&rows);
        let of: Vec<Vec<usize>> = ids.of.clone();
        assert_eq!(
            of,
            [
                vec![0],
                vec![0],
                vec![0],
                vec![1],
                vec![2],
                vec![2],
                vec![3, 4],
                vec![3, 5]
            ]
        );
        assert_eq!(ids.persons.len(), 6);
        assert_eq!(ids.persons[0].phones, ["13800138000", "08251234567"]);
        assert_eq!(ids.persons[0].id_last4.as_deref(), Some("123X"));
        assert!(ids.persons[2].developer);
        let maybe = ids.maybe_same(&rows);
        let listed: Vec<(u32, &str, &str)> = maybe
            .iter()
            .map(|p| (p.line, p.value.as_str(), p.en.as_str()))
            .collect();
        assert_eq!(listed.len(), 2, "{listed:?}");
        assert_eq!((listed[0].0, listed[0].1), (2, "张三"));
        assert!(listed[0].2.contains("rows 2, 3, 4, 5"), "{listed:?}");
        assert_eq!((listed[1].0, listed[1].1), (8, "王五"));
    }
}
