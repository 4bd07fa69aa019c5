//! Comparing the rows of a file with the compound as it is: what an import would create,
//! update and leave alone. The same comparison runs for the preview and again inside the
//! import's transaction, so what is written is always measured against the current data.
//!
//! Households are matched by compound + building + unit + room. A household whose floor,
//! area and source are equal is unchanged; owners are added to a household that has none,
//! and a first owner's phone is updated, but registered owners are never replaced by an
//! import (shares and votes hang on them): a different name is a warning.

use crate::entity::{building, compound, household, ownership, person, unit};
use crate::registry::city_condition;
use linli_sheet::roster::RosterRow;
use linli_sheet::roster::columns::Column;
pub use linli_sheet::roster::parse::{Problem, Rule};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// What an import of a file would do, with every problem found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Preview {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Buildings and units ("3栋 1单元") the import would create.
    pub new_places: Vec<String>,
    #[schema(value_type = Vec<Object>)]
    pub errors: Vec<Problem>,
    #[schema(value_type = Vec<Object>)]
    pub warnings: Vec<Problem>,
    /// The households that would change, with what changes (at most [`LISTED_CHANGES`]).
    pub changes: Vec<PlannedChange>,
    /// Building and unit spellings made one: "1号楼、一栋 → 1栋".
    #[serde(default)]
    pub renamed: Vec<String>,
    /// The people owning the file's households, each counted once however many rows.
    #[serde(default)]
    pub people: u64,
    /// What the import read that the committee should know (which area, hidden cells).
    #[serde(default)]
    pub notes: Vec<Note>,
}

/// A remark on the whole file, in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Note {
    pub zh: String,
    pub en: String,
}

impl Note {
    pub fn message(&self, lang: linli_domain::Lang) -> &str {
        match lang {
            linli_domain::Lang::Zh => &self.zh,
            linli_domain::Lang::En => &self.en,
        }
    }
}

/// How many planned updates a preview lists one by one.
pub const LISTED_CHANGES: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlannedChange {
    pub line: u32,
    /// "1栋 1单元 501".
    pub household: String,
    /// Changed fields: (column, before, after).
    pub fields: Vec<(String, String, String)>,
}

/// A household of the compound as stored.
#[derive(Debug, Clone)]
pub struct Existing {
    pub id: i64,
    pub floor: i32,
    pub area_centi: i64,
    pub source: String,
    pub version: i32,
    pub designated_voter_id: Option<i64>,
    pub unsold: bool,
    /// (person id, name, phone) in ownership order.
    pub owners: Vec<(i64, String, Option<String>)>,
}

/// The compound's buildings, units and households, keyed by name.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// The compound's city: its households' partition, and what new rows carry.
    pub city_id: i64,
    pub buildings: HashMap<String, i64>,
    pub units: HashMap<(i64, String), i64>,
    pub households: HashMap<(i64, String), Existing>,
}

impl Snapshot {
    pub async fn load<C: ConnectionTrait>(db: &C, compound_id: i64) -> Result<Snapshot, DbErr> {
        let city_id = compound::Entity::find_by_id(compound_id)
            .one(db)
            .await?
            .map_or(0, |c| c.city_id);
        let buildings: HashMap<String, i64> = building::Entity::find()
            .filter(building::Column::CompoundId.eq(compound_id))
            .all(db)
            .await?
            .into_iter()
            .map(|b| (b.name, b.id))
            .collect();
        let units = unit::Entity::find()
            .filter(unit::Column::CompoundId.eq(compound_id))
            .all(db)
            .await?
            .into_iter()
            .map(|u| ((u.building_id, u.name), u.id))
            .collect();
        let mut households: HashMap<(i64, String), Existing> = HashMap::new();
        let mut by_id: HashMap<i64, (i64, String)> = HashMap::new();
        // On PostgreSQL the city names the households' one partition (SQLite has none).
        let mut compound_households = Query::select()
            .column(household::Column::Id)
            .from(household::Entity)
            .and_where(household::Column::CompoundId.eq(compound_id))
            .to_owned();
        let mut rows =
            household::Entity::find().filter(household::Column::CompoundId.eq(compound_id));
        let backend = db.get_database_backend();
        if let Some(city) = city_condition(backend, "household", Some(city_id)) {
            compound_households.and_where(Expr::cust(city.clone()));
            rows = rows.filter(Expr::cust(city));
        }
        for h in rows.all(db).await? {
            by_id.insert(h.id, (h.unit_id, h.room.clone()));
            households.insert(
                (h.unit_id, h.room),
                Existing {
                    id: h.id,
                    floor: h.floor,
                    area_centi: h.area_centi,
                    source: h.area_source.to_string(),
                    version: h.version,
                    designated_voter_id: h.designated_voter_id,
                    unsold: h.developer_unsold,
                    owners: Vec::new(),
                },
            );
        }
        // Owners of the compound's households and their people, by subquery (no id lists).
        let of_compound = compound_households;
        let owned = ownership::Entity::find()
            .filter(ownership::Column::HouseholdId.in_subquery(of_compound.clone()))
            .order_by_asc(ownership::Column::Id)
            .all(db)
            .await?;
        let owners_of_compound = Query::select()
            .column(ownership::Column::PersonId)
            .from(ownership::Entity)
            .and_where(ownership::Column::HouseholdId.in_subquery(of_compound))
            .to_owned();
        let people: HashMap<i64, person::Model> = person::Entity::find()
            .filter(person::Column::Id.in_subquery(owners_of_compound))
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        for o in owned {
            if let (Some(key), Some(p)) = (by_id.get(&o.household_id), people.get(&o.person_id))
                && let Some(h) = households.get_mut(key)
            {
                h.owners.push((p.id, p.name.clone(), p.phone.clone()));
            }
        }
        Ok(Snapshot {
            city_id,
            buildings,
            units,
            households,
        })
    }

    /// The household a row names, if its building and unit exist.
    pub fn find(&self, r: &RosterRow) -> Option<&Existing> {
        let b = self.buildings.get(&r.building)?;
        let u = self.units.get(&(*b, r.unit.clone()))?;
        self.households.get(&(*u, r.room.clone()))
    }
}

/// What to do with one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Create,
    Update {
        fields: bool,
        add_owners: bool,
        phone_of: Option<i64>,
    },
    Unchanged,
}

/// Decides each row's action against the snapshot, with the warnings that need the database.
pub fn diff(rows: &[RosterRow], snap: &Snapshot) -> (Vec<Action>, Vec<Problem>) {
    let mut warnings = Vec::new();
    let actions = rows
        .iter()
        .map(|r| {
            let Some(h) = snap.find(r) else {
                return Action::Create;
            };
            let fields = h.floor != r.floor
                || h.area_centi != r.area_centi
                || h.source != r.source
                || h.unsold != r.unsold;
            let registered: Vec<&str> = h.owners.iter().map(|(_, n, _)| n.as_str()).collect();
            let mut add_owners = false;
            let mut phone_of = None;
            if !r.owners.is_empty() {
                if registered.is_empty() {
                    add_owners = true;
                } else if registered == r.owners {
                    if let (Some(phone), Some((id, _, old))) = (&r.phone, h.owners.first())
                        && old.as_ref() != Some(phone)
                    {
                        phone_of = Some(*id);
                    }
                } else {
                    let rule = Rule::OwnersDiffer {
                        registered: registered.join("、"),
                    };
                    warnings.push(Problem::new(
                        r.line,
                        Some(Column::Owner),
                        r.owners.join("、"),
                        &rule,
                    ));
                }
            }
            if fields || add_owners || phone_of.is_some() {
                Action::Update {
                    fields,
                    add_owners,
                    phone_of,
                }
            } else {
                Action::Unchanged
            }
        })
        .collect();
    (actions, warnings)
}

/// Flats on the same stack (same building, unit and position: 301, 401, 501 …) are usually
/// the same size; one that differs from the median of its stack by more than 30% is worth a
/// second look (a typo such as 895 for 89.5).
pub fn area_outliers(rows: &[RosterRow]) -> Vec<Problem> {
    let stack = |r: &RosterRow| {
        let digits: String = r.room.chars().filter(char::is_ascii_digit).collect();
        let pos = if digits.len() >= 3 {
            digits[digits.len() - 2..].to_string()
        } else {
            r.room.clone()
        };
        (r.building.clone(), r.unit.clone(), pos)
    };
    let mut stacks: HashMap<(String, String, String), Vec<i64>> = HashMap::new();
    for r in rows {
        stacks.entry(stack(r)).or_default().push(r.area_centi);
    }
    let medians: HashMap<_, i64> = stacks
        .into_iter()
        .filter(|(_, v)| v.len() >= 3)
        .map(|(k, mut v)| {
            v.sort_unstable();
            (k, v[v.len() / 2])
        })
        .collect();
    rows.iter()
        .filter_map(|r| {
            let median = *medians.get(&stack(r))?;
            let far = (r.area_centi - median).abs() * 10 > median * 3;
            far.then(|| {
                let value = format!("{}.{:02}", r.area_centi / 100, r.area_centi % 100);
                Problem::new(
                    r.line,
                    Some(Column::Area),
                    value,
                    &Rule::AreaOutlier {
                        median_centi: median,
                    },
                )
            })
        })
        .collect()
}

/// The preview of `rows` against `snap`: counts, new places, listed changes, warnings.
pub fn preview(
    rows: &[RosterRow],
    snap: &Snapshot,
    mut errors: Vec<Problem>,
    mut warnings: Vec<Problem>,
) -> Preview {
    let (actions, owner_warnings) = diff(rows, snap);
    warnings.extend(owner_warnings);
    warnings.extend(area_outliers(rows));
    warnings.sort_by_key(|w| w.line);
    errors.sort_by_key(|e| e.line);
    let mut p = Preview {
        errors,
        warnings,
        ..Preview::default()
    };
    let mut places: Vec<String> = Vec::new();
    let mut seen: HashSet<(&str, &str)> = HashSet::new();
    for (r, a) in rows.iter().zip(&actions) {
        match a {
            Action::Create => {
                p.created += 1;
                let b = snap.buildings.get(&r.building);
                if b.is_none_or(|b| !snap.units.contains_key(&(*b, r.unit.clone())))
                    && seen.insert((&r.building, &r.unit))
                {
                    places.push(format!("{} {}", r.building, r.unit));
                }
            }
            Action::Unchanged => p.unchanged += 1,
            Action::Update { .. } => {
                p.updated += 1;
                if p.changes.len() < LISTED_CHANGES
                    && let Some(h) = snap.find(r)
                {
                    p.changes.push(PlannedChange {
                        line: r.line,
                        household: format!("{} {} {}", r.building, r.unit, r.room),
                        fields: changed_fields(h, r),
                    });
                }
            }
        }
    }
    p.new_places = places;
    p
}

fn changed_fields(h: &Existing, r: &RosterRow) -> Vec<(String, String, String)> {
    let m2 = |c: i64| format!("{}.{:02}", c / 100, c % 100);
    let mut out = Vec::new();
    if h.floor != r.floor {
        out.push(("floor".into(), h.floor.to_string(), r.floor.to_string()));
    }
    if h.area_centi != r.area_centi {
        out.push(("area".into(), m2(h.area_centi), m2(r.area_centi)));
    }
    if h.source != r.source {
        out.push(("area_source".into(), h.source.clone(), r.source.clone()));
    }
    if h.unsold != r.unsold {
        let yes = |b: bool| if b { "是" } else { "否" }.to_string();
        out.push(("developer_unsold".into(), yes(h.unsold), yes(r.unsold)));
    }
    if h.owners.is_empty() && !r.owners.is_empty() {
        out.push(("owners".into(), String::new(), r.owners.join("、")));
    }
    if let (Some(phone), Some((_, _, old))) = (&r.phone, h.owners.first())
        && old.as_ref() != Some(phone)
        && !h.owners.is_empty()
    {
        out.push((
            "phone".into(),
            old.clone().unwrap_or_default(),
            phone.clone(),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(line: u32, room: &str, area: i64) -> RosterRow {
        RosterRow {
            line,
            building: "1栋".into(),
            unit: "1单元".into(),
            floor: 1,
            room: room.into(),
            area_centi: area,
            source: "registered".into(),
            owners: vec!["张三".into()],
            phone: Some("13800138000".into()),
            phones: vec!["13800138000".into()],
            ..RosterRow::default()
        }
    }

    #[test]
    fn an_area_far_from_its_stack_is_a_warning() {
        let rows = [
            row(2, "101", 8950),
            row(3, "201", 8950),
            row(4, "301", 89500),
            row(5, "401", 8900),
            row(6, "102", 6000),
        ];
        let w = area_outliers(&rows);
        assert_eq!(w.len(), 1);
        assert_eq!((w[0].line, w[0].value.as_str()), (4, "895.00"));
    }

    #[test]
    fn create_update_unchanged_and_owner_rules() {
        let mut snap = Snapshot::default();
        snap.buildings.insert("1栋".into(), 1);
        snap.units.insert((1, "1单元".into()), 10);
        let existing = |id, owners: Vec<(i64, String, Option<String>)>| Existing {
            id,
            floor: 1,
            area_centi: 8950,
            source: "registered".into(),
            version: 1,
            designated_voter_id: None,
            unsold: false,
            owners,
        };
        let zhang = vec![(7, "张三".to_string(), Some("13800138000".to_string()))];
        snap.households
            .insert((10, "101".into()), existing(1, zhang.clone()));
        snap.households
            .insert((10, "102".into()), existing(2, Vec::new()));
        snap.households.insert(
            (10, "103".into()),
            existing(3, vec![(8, "李四".into(), None)]),
        );
        snap.households
            .insert((10, "104".into()), existing(4, zhang));
        let mut phone = row(5, "104", 8950);
        phone.phone = Some("13900139000".into());
        let rows = [
            row(2, "101", 8950),
            row(3, "102", 8950),
            row(4, "103", 8950),
            phone,
            row(6, "105", 7000),
            row(7, "101", 9000),
        ];
        let (actions, warnings) = diff(&rows, &snap);
        assert_eq!(actions[0], Action::Unchanged);
        assert_eq!(
            actions[1],
            Action::Update {
                fields: false,
                add_owners: true,
                phone_of: None
            }
        );
        assert_eq!(
            actions[2],
            Action::Unchanged,
            "a different owner is not applied"
        );
        assert_eq!(
            actions[3],
            Action::Update {
                fields: false,
                add_owners: false,
                phone_of: Some(7)
            }
        );
        assert_eq!(actions[4], Action::Create);
        assert_eq!(
            actions[5],
            Action::Update {
                fields: true,
                add_owners: false,
                phone_of: None
            }
        );
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].line, 4);
        let p = preview(&rows, &snap, Vec::new(), Vec::new());
        assert_eq!((p.created, p.updated, p.unchanged), (1, 3, 2));
        assert!(p.new_places.is_empty());
    }
}
