//! The roll of a vote: who may vote, and what each voter weighs, frozen when voting opens.
//!
//! Civil Code Art. 278 counts exclusive area and owners. SPC interpretation Art. 8 says which
//! area (registered, else surveyed, else contract — the registry's business, not ours) and
//! Art. 9 how owners are counted. Each rule of Art. 9 is a switch of [`HeadcountRules`],
//! because local rules differ; with every switch off, each co-owner of each flat is a head.
//!
//! Exactly, for each household (in the order given):
//! - **`developer_as_one`**: a household marked `developer_unsold` belongs to the single voter
//!   [`VoterKey::Developer`] (one head, the areas added), whoever is listed as its owners.
//!   When off, unsold flats are treated like any other.
//! - **`co_owners_one_voter`**: the household is voted by one person, its `designated_voter`,
//!   or else the first of its `owners`, and that person carries its whole area. When off,
//!   every listed owner is a voter for it, and its area is split equally between them in
//!   hundredths of m², the remainder going one hundredth each to the first owners listed (so
//!   areas still add up exactly); `designated_voter` is then used only if no owner is listed.
//! - **`one_per_owner`**: a person voting for several households is one voter with one head
//!   and their areas added. When off, the same person is still one voter (one ballot, keyed by
//!   the person) but weighs one head per household they vote for.
//! - A household with no owner and no designated voter is its own voter,
//!   [`VoterKey::Household`]: it counts in the totals (the law counts every exclusive part),
//!   so it weighs against every threshold "of all", but nobody is entitled to vote for it and
//!   no ballot can be cast for it ([`VoterKey::can_cast`]).
//!
//! A co-owner who is not the designated voter is on the roll only for the flats they vote
//! for (when `co_owners_one_voter` is on): the store refuses their ballot for any other.
//!
//! Total area and heads are the sums over voters, so they always agree with the roll.

use super::rule::HeadcountRules;
use super::tally::Counts;
use crate::error::{FieldError, Invalid};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

/// Who casts a ballot. Stable string forms: `"p:12"`, `"h:34"`, `"dev"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum VoterKey {
    /// A person (an owner, or the voter the co-owners designated).
    Person(i64),
    /// A household without an owner on record.
    Household(i64),
    /// The developer, for all its unsold units (when `developer_as_one`).
    Developer,
}

impl VoterKey {
    pub fn parse(s: &str) -> Result<VoterKey, Invalid> {
        let s = s.trim();
        if s.is_empty() {
            return Err(Invalid::Required);
        }
        if s == "dev" {
            return Ok(VoterKey::Developer);
        }
        let id = |rest: &str| rest.parse::<i64>().map_err(|_| Invalid::BadChoice);
        match s.split_once(':') {
            Some(("p", rest)) => id(rest).map(VoterKey::Person),
            Some(("h", rest)) => id(rest).map(VoterKey::Household),
            _ => Err(Invalid::BadChoice),
        }
    }
}

impl VoterKey {
    /// Whether anyone may cast this voter's ballot. A flat with no owner on record counts in
    /// the totals, but nobody may speak for it.
    pub fn can_cast(self) -> bool {
        !matches!(self, VoterKey::Household(_))
    }
}

impl fmt::Display for VoterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VoterKey::Person(id) => write!(f, "p:{id}"),
            VoterKey::Household(id) => write!(f, "h:{id}"),
            VoterKey::Developer => f.write_str("dev"),
        }
    }
}

impl FromStr for VoterKey {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        VoterKey::parse(s)
    }
}

impl Serialize for VoterKey {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for VoterKey {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        VoterKey::parse(&s).map_err(|_| serde::de::Error::custom(format!("not a voter key: {s:?}")))
    }
}

/// A household as the registry holds it when voting opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElectorHousehold {
    pub household_id: i64,
    /// Exclusive area in hundredths of m²; zero when unknown (it then weighs by head only).
    pub area_centi: i64,
    /// Owners' person ids; the first is the voter when no one is designated.
    pub owners: Vec<i64>,
    pub designated_voter: Option<i64>,
    #[serde(default)]
    pub developer_unsold: bool,
}

/// One voter of the roll: one ballot, weighing `area_centi` and `heads`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Voter {
    pub key: VoterKey,
    /// The households this voter votes for, ascending.
    pub households: Vec<i64>,
    pub area_centi: i64,
    pub heads: i64,
}

/// Input the roll cannot be built from; these are faults of the caller, not of a resident.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ElectorateError {
    #[error("household {0} is listed twice")]
    DuplicateHousehold(i64),
    #[error("household {0} has a negative area")]
    NegativeArea(i64),
    #[error("the total area does not fit in 64 bits")]
    TooLarge,
}

/// The frozen roll. Voters are sorted by key; lookups are binary searches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Roll")]
pub struct Electorate {
    voters: Vec<Voter>,
    total_area_centi: i64,
    total_heads: i64,
    /// (household id, index into `voters`), sorted; several entries per household when
    /// co-owners vote separately.
    #[serde(skip_serializing)]
    by_household: Vec<(i64, usize)>,
}

/// The serialized form; totals and the index are recomputed on reading.
#[derive(Deserialize)]
struct Roll {
    voters: Vec<Voter>,
}

impl From<Roll> for Electorate {
    fn from(roll: Roll) -> Electorate {
        Electorate::from_voters(roll.voters)
    }
}

impl Electorate {
    /// Builds the roll under `rules` (see the module docs for the exact semantics).
    pub fn build(
        households: impl IntoIterator<Item = ElectorHousehold>,
        rules: &HeadcountRules,
    ) -> Result<Electorate, ElectorateError> {
        let mut seen = BTreeSet::new();
        let mut acc: BTreeMap<VoterKey, (Vec<i64>, i64)> = BTreeMap::new();
        for h in households {
            if !seen.insert(h.household_id) {
                return Err(ElectorateError::DuplicateHousehold(h.household_id));
            }
            if h.area_centi < 0 {
                return Err(ElectorateError::NegativeArea(h.household_id));
            }
            for (key, area) in shares(&h, rules) {
                let entry = acc.entry(key).or_default();
                entry.0.push(h.household_id);
                entry.1 = entry.1.checked_add(area).ok_or(ElectorateError::TooLarge)?;
            }
        }
        let voters: Vec<Voter> = acc
            .into_iter()
            .map(|(key, (mut households, area_centi))| {
                households.sort_unstable();
                let heads = match key {
                    VoterKey::Person(_) if !rules.one_per_owner => households.len() as i64,
                    _ => 1,
                };
                Voter {
                    key,
                    households,
                    area_centi,
                    heads,
                }
            })
            .collect();
        voters
            .iter()
            .try_fold(0i64, |sum, v| sum.checked_add(v.area_centi))
            .ok_or(ElectorateError::TooLarge)?;
        Ok(Electorate::from_voters(voters))
    }

    pub fn from_voters(mut voters: Vec<Voter>) -> Electorate {
        voters.sort_by_key(|v| v.key);
        voters.dedup_by_key(|v| v.key);
        let total_area_centi = voters
            .iter()
            .fold(0i64, |sum, v| sum.saturating_add(v.area_centi));
        let total_heads = voters.iter().map(|v| v.heads).sum();
        let mut by_household: Vec<(i64, usize)> = voters
            .iter()
            .enumerate()
            .flat_map(|(i, v)| v.households.iter().map(move |h| (*h, i)))
            .collect();
        by_household.sort_unstable();
        Electorate {
            voters,
            total_area_centi,
            total_heads,
            by_household,
        }
    }

    pub fn voters(&self) -> &[Voter] {
        &self.voters
    }

    pub fn total_area_centi(&self) -> i64 {
        self.total_area_centi
    }

    pub fn total_heads(&self) -> i64 {
        self.total_heads
    }

    /// The totals as [`Counts`]: the "all" of every threshold.
    pub fn totals(&self) -> Counts {
        Counts {
            area_centi: self.total_area_centi,
            heads: self.total_heads,
        }
    }

    /// The number of distinct households on the roll.
    pub fn household_count(&self) -> usize {
        let mut n = 0;
        let mut last = None;
        for (h, _) in &self.by_household {
            if last != Some(*h) {
                n += 1;
                last = Some(*h);
            }
        }
        n
    }

    /// The households without an owner on record, ascending: they count, but no ballot can
    /// be cast for them.
    pub fn ownerless(&self) -> Vec<i64> {
        self.voters
            .iter()
            .filter(|v| !v.key.can_cast())
            .flat_map(|v| v.households.iter().copied())
            .collect()
    }

    /// How many unsold flats the developer's one vote stands for (zero when none, or when
    /// `developer_as_one` is off).
    pub fn developer_flats(&self) -> usize {
        self.voter(&VoterKey::Developer)
            .map_or(0, |v| v.households.len())
    }

    pub(crate) fn index_of(&self, key: &VoterKey) -> Option<usize> {
        self.voters.binary_search_by(|v| v.key.cmp(key)).ok()
    }

    pub fn voter(&self, key: &VoterKey) -> Option<&Voter> {
        self.index_of(key).map(|i| &self.voters[i])
    }

    /// The voter, or the error to show when a ballot names someone not on the roll.
    pub fn check_voter(&self, key: &VoterKey) -> Result<&Voter, FieldError> {
        self.voter(key)
            .ok_or(FieldError::new("voter", Invalid::NotInElectorate))
    }

    /// Every voter who votes for this household: one, unless co-owners vote separately.
    pub fn voters_for(&self, household_id: i64) -> impl Iterator<Item = &Voter> {
        let start = self
            .by_household
            .partition_point(|(h, _)| *h < household_id);
        self.by_household[start..]
            .iter()
            .take_while(move |(h, _)| *h == household_id)
            .map(|(_, i)| &self.voters[*i])
    }

    /// The voter who casts this household's vote (the first of [`Electorate::voters_for`]
    /// when co-owners vote separately); `None` when the household is not on the roll.
    pub fn voter_for(&self, household_id: i64) -> Option<&Voter> {
        self.voters_for(household_id).next()
    }
}

/// Who votes for one household, and with how much of its area.
fn shares(h: &ElectorHousehold, rules: &HeadcountRules) -> Vec<(VoterKey, i64)> {
    if h.developer_unsold && rules.developer_as_one {
        return vec![(VoterKey::Developer, h.area_centi)];
    }
    let mut owners: Vec<i64> = Vec::with_capacity(h.owners.len());
    for o in &h.owners {
        if !owners.contains(o) {
            owners.push(*o);
        }
    }
    let single = |person: Option<i64>| match person {
        Some(p) => vec![(VoterKey::Person(p), h.area_centi)],
        None => vec![(VoterKey::Household(h.household_id), h.area_centi)],
    };
    if rules.co_owners_one_voter {
        return single(h.designated_voter.or(owners.first().copied()));
    }
    if owners.is_empty() {
        return single(h.designated_voter);
    }
    let n = owners.len() as i64;
    let (each, rest) = (h.area_centi / n, h.area_centi % n);
    owners
        .iter()
        .enumerate()
        .map(|(i, p)| (VoterKey::Person(*p), each + i64::from((i as i64) < rest)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hh(
        id: i64,
        area: i64,
        owners: &[i64],
        designated: Option<i64>,
        dev: bool,
    ) -> ElectorHousehold {
        ElectorHousehold {
            household_id: id,
            area_centi: area,
            owners: owners.to_vec(),
            designated_voter: designated,
            developer_unsold: dev,
        }
    }

    /// Person 1 owns flats 1 and 2; 2 and 3 co-own flat 3 (3 designated); 4 and 5 co-own
    /// flat 4 (no one designated); flats 5 and 6 are the developer's, unsold; flat 7 has no
    /// owner on record.
    fn world() -> Vec<ElectorHousehold> {
        vec![
            hh(1, 10_000, &[1], None, false),
            hh(2, 8_000, &[1], None, false),
            hh(3, 9_000, &[2, 3], Some(3), false),
            hh(4, 7_001, &[4, 5], None, false),
            hh(5, 6_000, &[], None, true),
            hh(6, 5_000, &[], None, true),
            hh(7, 4_000, &[], None, false),
        ]
    }

    fn roll(rules: HeadcountRules) -> Vec<(String, Vec<i64>, i64, i64)> {
        let e = Electorate::build(world(), &rules).unwrap();
        assert_eq!(e.total_area_centi(), 49_001, "area always adds up");
        assert_eq!(e.household_count(), 7);
        e.voters()
            .iter()
            .map(|v| {
                (
                    v.key.to_string(),
                    v.households.clone(),
                    v.area_centi,
                    v.heads,
                )
            })
            .collect()
    }

    fn v(key: &str, households: &[i64], area: i64, heads: i64) -> (String, Vec<i64>, i64, i64) {
        (key.to_string(), households.to_vec(), area, heads)
    }

    const ALL_ON: HeadcountRules = HeadcountRules {
        one_per_owner: true,
        developer_as_one: true,
        co_owners_one_voter: true,
    };

    #[test]
    fn all_switches_on_follow_spc_art_9() {
        assert_eq!(
            roll(ALL_ON),
            vec![
                v("p:1", &[1, 2], 18_000, 1),
                v("p:3", &[3], 9_000, 1),
                v("p:4", &[4], 7_001, 1),
                v("h:7", &[7], 4_000, 1),
                v("dev", &[5, 6], 11_000, 1),
            ]
        );
    }

    #[test]
    fn one_per_owner_off_counts_each_flat() {
        let r = roll(HeadcountRules {
            one_per_owner: false,
            ..ALL_ON
        });
        assert_eq!(r[0], v("p:1", &[1, 2], 18_000, 2));
        assert_eq!(r.iter().map(|x| x.3).sum::<i64>(), 6);
    }

    #[test]
    fn developer_as_one_off_leaves_unsold_flats_apart() {
        let r = roll(HeadcountRules {
            developer_as_one: false,
            ..ALL_ON
        });
        assert_eq!(
            r,
            vec![
                v("p:1", &[1, 2], 18_000, 1),
                v("p:3", &[3], 9_000, 1),
                v("p:4", &[4], 7_001, 1),
                v("h:5", &[5], 6_000, 1),
                v("h:6", &[6], 5_000, 1),
                v("h:7", &[7], 4_000, 1),
            ]
        );
    }

    #[test]
    fn co_owners_one_voter_off_splits_area_exactly() {
        let r = roll(HeadcountRules {
            co_owners_one_voter: false,
            ..ALL_ON
        });
        assert_eq!(
            r,
            vec![
                v("p:1", &[1, 2], 18_000, 1),
                v("p:2", &[3], 4_500, 1),
                v("p:3", &[3], 4_500, 1),
                v("p:4", &[4], 3_501, 1),
                v("p:5", &[4], 3_500, 1),
                v("h:7", &[7], 4_000, 1),
                v("dev", &[5, 6], 11_000, 1),
            ]
        );
    }

    #[test]
    fn all_switches_off_counts_every_owner_of_every_flat() {
        let off = HeadcountRules {
            one_per_owner: false,
            developer_as_one: false,
            co_owners_one_voter: false,
        };
        let e = Electorate::build(world(), &off).unwrap();
        // p1 twice, p2, p3, p4, p5, h5, h6, h7
        assert_eq!(e.total_heads(), 9);
        assert_eq!(
            e.voters_for(3)
                .map(|v| v.key.to_string())
                .collect::<Vec<_>>(),
            ["p:2", "p:3"]
        );
    }

    #[test]
    fn one_owner_in_two_roles_is_one_voter() {
        // Person 1 owns flat 1 alone and is the designated voter of flat 2 which they co-own.
        let hs = vec![
            hh(1, 100, &[1], None, false),
            hh(2, 200, &[2, 1], Some(1), false),
        ];
        let e = Electorate::build(hs.clone(), &ALL_ON).unwrap();
        assert_eq!(e.voters().len(), 1);
        assert_eq!((e.total_area_centi(), e.total_heads()), (300, 1));
        let e = Electorate::build(
            hs,
            &HeadcountRules {
                co_owners_one_voter: false,
                ..ALL_ON
            },
        )
        .unwrap();
        assert_eq!(
            (
                e.total_heads(),
                e.voter(&VoterKey::Person(1)).unwrap().area_centi
            ),
            (2, 200)
        );
    }

    #[test]
    fn lookups_map_households_and_keys_to_voters() {
        let e = Electorate::build(world(), &ALL_ON).unwrap();
        assert_eq!(e.voter_for(2).unwrap().key, VoterKey::Person(1));
        assert_eq!(e.voter_for(3).unwrap().key, VoterKey::Person(3));
        assert_eq!(e.voter_for(6).unwrap().key, VoterKey::Developer);
        assert_eq!(e.voter_for(7).unwrap().key, VoterKey::Household(7));
        assert!(e.voter_for(99).is_none());
        assert_eq!(e.voters_for(99).count(), 0);
        assert!(e.check_voter(&VoterKey::Person(1)).is_ok());
        let err = e.check_voter(&VoterKey::Person(2)).unwrap_err();
        assert_eq!(
            err.message(crate::Lang::Zh),
            "投票人：不在本次表决的业主名单中"
        );
        assert_eq!(
            e.totals(),
            Counts {
                area_centi: 49_001,
                heads: 5
            }
        );
    }

    #[test]
    fn ownerless_flats_count_but_cannot_cast() {
        let e = Electorate::build(world(), &ALL_ON).unwrap();
        assert_eq!(e.ownerless(), vec![7]);
        assert_eq!(e.developer_flats(), 2);
        assert!(!VoterKey::Household(7).can_cast());
        assert!(VoterKey::Person(1).can_cast() && VoterKey::Developer.can_cast());
        // With the developer's flats apart, they have no owner on record either.
        let e = Electorate::build(
            world(),
            &HeadcountRules {
                developer_as_one: false,
                ..ALL_ON
            },
        )
        .unwrap();
        assert_eq!((e.ownerless(), e.developer_flats()), (vec![5, 6, 7], 0));
        // A designated voter alone (no ownership row) still makes the flat castable.
        let e = Electorate::build(vec![hh(8, 100, &[], Some(9), false)], &ALL_ON).unwrap();
        assert_eq!(
            (e.ownerless(), e.voter_for(8).unwrap().key),
            (vec![], VoterKey::Person(9))
        );
    }

    #[test]
    fn a_co_owner_not_designated_is_not_a_voter() {
        // Person 2 co-owns flat 3 (3 designated) and owns nothing else: not on the roll.
        let e = Electorate::build(world(), &ALL_ON).unwrap();
        assert!(e.voter(&VoterKey::Person(2)).is_none());
        assert_eq!(
            e.voters_for(3).map(|v| v.key).collect::<Vec<_>>(),
            [VoterKey::Person(3)]
        );
        // Person 5 co-owns flat 4 with 4, nobody designated: the first listed owner votes.
        assert!(e.voter(&VoterKey::Person(5)).is_none());
    }

    #[test]
    fn the_developer_with_owners_listed_is_still_one_voter() {
        // An unsold flat for which the registry lists the developer's representative as owner.
        let hs = vec![
            hh(1, 100, &[7], None, true),
            hh(2, 200, &[8], None, true),
            hh(3, 300, &[7], None, false),
        ];
        let e = Electorate::build(hs.clone(), &ALL_ON).unwrap();
        assert_eq!(
            e.voter(&VoterKey::Developer)
                .map(|v| (v.households.clone(), v.area_centi, v.heads)),
            Some((vec![1, 2], 300, 1))
        );
        assert_eq!(
            e.voter(&VoterKey::Person(7)).map(|v| v.households.clone()),
            Some(vec![3])
        );
        assert_eq!(e.total_heads(), 2);
        let e = Electorate::build(
            hs,
            &HeadcountRules {
                developer_as_one: false,
                ..ALL_ON
            },
        )
        .unwrap();
        assert_eq!(
            e.voter(&VoterKey::Person(7))
                .map(|v| (v.households.clone(), v.heads)),
            Some((vec![1, 3], 1))
        );
        assert_eq!(e.total_heads(), 2);
    }

    #[test]
    fn refuses_duplicate_and_negative() {
        let mut hs = world();
        hs.push(hh(3, 1, &[9], None, false));
        assert_eq!(
            Electorate::build(hs, &ALL_ON),
            Err(ElectorateError::DuplicateHousehold(3))
        );
        assert_eq!(
            Electorate::build(vec![hh(1, -1, &[1], None, false)], &ALL_ON),
            Err(ElectorateError::NegativeArea(1))
        );
        assert_eq!(
            Electorate::build(
                vec![
                    hh(1, i64::MAX, &[1], None, false),
                    hh(2, 1, &[2], None, false)
                ],
                &ALL_ON
            ),
            Err(ElectorateError::TooLarge)
        );
        let empty = Electorate::build(vec![], &ALL_ON).unwrap();
        assert_eq!(
            (
                empty.total_area_centi(),
                empty.total_heads(),
                empty.household_count()
            ),
            (0, 0, 0)
        );
    }

    #[test]
    fn keys_have_a_stable_string_form() {
        for (s, k) in [
            ("p:12", VoterKey::Person(12)),
            ("h:34", VoterKey::Household(34)),
            ("dev", VoterKey::Developer),
        ] {
            assert_eq!(VoterKey::parse(s), Ok(k));
            assert_eq!(k.to_string(), s);
            assert_eq!(serde_json::to_string(&k).unwrap(), format!("\"{s}\""));
        }
        assert_eq!(VoterKey::parse(""), Err(Invalid::Required));
        for bad in ["p:", "p:x", "x:1", "p12", "developer", "h:1.5"] {
            assert_eq!(VoterKey::parse(bad), Err(Invalid::BadChoice), "{bad}");
        }
    }

    #[test]
    fn the_frozen_roll_round_trips_through_json() {
        let e = Electorate::build(
            world(),
            &HeadcountRules {
                co_owners_one_voter: false,
                ..ALL_ON
            },
        )
        .unwrap();
        let json = serde_json::to_string(&e).unwrap();
        assert!(!json.contains("by_household"));
        let back: Electorate = serde_json::from_str(&json).unwrap();
        assert_eq!(back, e);
        assert_eq!(back.voter_for(4).unwrap().key, VoterKey::Person(4));
    }
}
