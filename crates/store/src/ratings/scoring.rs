//! Months and sheets: opening a month under the rubric in force, a scorer's sheet for a
//! unit, the ranking with every unit's points explained, and closing the month.

use super::{LoadedMonth, decode_rubric, internal, to_json, unit_names};
use crate::accounts::Actor;
use crate::audit::{self, Change};
use crate::entity::{attachment, rating_mark, rating_month, rating_rubric, rating_sheet};
use crate::error::{ServiceError, ServiceResult};
use crate::files::NewFile;
use crate::{Store, paths};
use linli_domain::authz::Action;
use linli_domain::rating::{
    ItemKind, ItemName, Mark, Month, MonthStatus, NoFlag, Party, PartySheet, Ranked, Rubric,
    RubricVersion, SheetScore, UnitMonth, in_force, one_decimal, party_mean, rank, score_sheet,
    unit_month,
};
use linli_domain::registry::Text;
use linli_domain::{FieldError, Fraction, Invalid};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct MonthInput {
    /// `2024-05`.
    pub month: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MonthRow {
    pub id: i64,
    pub month: String,
    pub status: linli_domain::rating::MonthStatus,
    pub rubric_version: i32,
}

/// One tap on a sheet, as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct MarkInput {
    /// The code of a deduction, bonus or veto item of the month's rubric.
    pub item: String,
    #[serde(default)]
    pub note: String,
    /// A photo uploaded first (`POST /compounds/{id}/files`).
    #[serde(default)]
    pub evidence_id: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct SheetInput {
    pub unit_id: i64,
    #[serde(default)]
    pub marks: Vec<MarkInput>,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CloseInput {
    /// Needed when a party has not submitted a sheet for every unit.
    #[serde(default)]
    pub reason: String,
}

/// Points lost or gained for one item, as the unit's month counts them: the mean over the
/// parties present of each party's mean sheet, like the score, so the lines add up to what
/// the score lost or gained (`out_of` − deductions + bonuses).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ItemLine {
    pub item: String,
    /// The item's name; the API sends it as `label`.
    #[serde(skip)]
    pub name: ItemName,
    /// The party mean to one decimal, signed: "-1.3" (a deduction), "+2.0" (a bonus), "0.0"
    /// (a veto item, which costs no points).
    pub points: String,
    /// The exact party mean as a fraction.
    pub points_num: i64,
    pub points_den: i64,
    /// How many of the unit's sheets tapped the item.
    pub sheets: usize,
}

/// One party's part of a unit's month: its sheets and their mean.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PartyScore {
    pub party: linli_domain::rating::Party,
    pub sheets: usize,
    /// The mean of the party's sheets to one decimal.
    pub score: String,
}

/// A unit's month on the ranking.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitResult {
    pub unit_id: i64,
    pub name: String,
    pub rank: Option<u32>,
    pub flag: bool,
    pub no_flag: Option<NoFlag>,
    /// The month's score to one decimal: the mean over the parties present of each party's
    /// mean sheet. `None` without a sheet, and for a vetoed unit, which has no score for the
    /// month (its `vetoes` say why).
    pub score: Option<String>,
    /// The exact score as a fraction (absent like `score`).
    pub score_num: Option<i64>,
    pub score_den: Option<i64>,
    pub sheets: usize,
    /// Each party present with its sheets and their mean (the API also sends the parties
    /// that submitted a sheet for the unit, in words, as `parties`).
    pub party_scores: Vec<PartyScore>,
    /// The veto items tapped ("飞线充电"): the unit is not eligible this month. The API sends
    /// their names as a list of texts.
    #[serde(skip)]
    pub vetoes: Vec<ItemName>,
    pub lines: Vec<ItemLine>,
}

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct MonthPermissions {
    pub manage: bool,
    pub score: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MonthView {
    pub id: i64,
    pub compound_id: i64,
    pub compound_name: String,
    pub month: String,
    pub status: linli_domain::rating::MonthStatus,
    pub close_reason: Option<String>,
    pub closed_at: Option<i64>,
    /// The China date the month was closed, and the last day an appeal is accepted, for the
    /// printed notice.
    pub closed_on: Option<String>,
    pub appeal_until: Option<String>,
    pub rubric_version: i32,
    pub rubric_name: String,
    pub flag_count: u32,
    pub min_score: Option<String>,
    /// Ranked units first, then the vetoed and unscored ones.
    pub units: Vec<UnitResult>,
    /// Whether each of the four parties has a sheet for every unit.
    pub complete: bool,
    pub can: MonthPermissions,
    /// The actor's party on the panel, if they score.
    pub my_party: Option<linli_domain::rating::Party>,
    /// Units the actor may not score (they live there).
    pub my_own_units: Vec<i64>,
    /// Units the actor has already scored this month.
    pub my_scored_units: Vec<i64>,
    /// The units the actor still has to score this month (open month, on the panel), in
    /// building and unit order: what a scorer's page lists first, and the next sheet to open.
    pub my_remaining_units: Vec<UnitRef>,
}

/// A unit by id and name ("1栋 2单元").
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitRef {
    pub unit_id: i64,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MarkView {
    pub id: i64,
    pub item: String,
    /// The item's name; the API sends it as `label`.
    #[serde(skip)]
    pub name: ItemName,
    pub kind: linli_domain::rating::MarkKind,
    pub points: i64,
    pub note: String,
    pub evidence_id: Option<i64>,
    pub reversed: bool,
    pub appeal: Option<super::AppealView>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SheetView {
    pub id: i64,
    pub unit_id: i64,
    pub scorer_name: String,
    pub party: linli_domain::rating::Party,
    pub points: i64,
    pub note: String,
    pub submitted_at: i64,
    pub marks: Vec<MarkView>,
}

/// A unit's month in full: its line on the ranking and every sheet with its taps.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitDetail {
    pub month_id: i64,
    pub month: String,
    pub status: linli_domain::rating::MonthStatus,
    pub compound_id: i64,
    pub result: UnitResult,
    pub sheets: Vec<SheetView>,
    /// Whether the actor may appeal a deduction of this unit now.
    pub can_appeal: bool,
    /// The last second an appeal is accepted (once the month is closed).
    pub appeal_until: Option<i64>,
    pub can_decide: bool,
}

/// The sheets and standing marks of one month, scored.
pub(crate) struct Computed {
    pub units: Vec<UnitResult>,
    pub ranked: Vec<Ranked>,
    pub months: BTreeMap<i64, UnitMonth>,
    pub complete: bool,
}

/// Scores one sheet from its standing marks.
fn score_of(rubric: &Rubric, marks: &[&rating_mark::Model]) -> ServiceResult<SheetScore> {
    let taps: Vec<Mark<'_>> = marks
        .iter()
        .filter(|m| !m.reversed)
        .map(|m| Mark { item: &m.item_code })
        .collect();
    score_sheet(rubric, &taps)
        .map_err(|e| internal(format!("stored sheet no longer scores: {e:?}")))
}

/// The score a unit's month shows: none for a vetoed unit (一票否决 is its result).
pub(crate) fn shown_score(m: &UnitMonth) -> Option<Fraction> {
    m.score.filter(|_| m.eligible)
}

/// "+2.0", "-1.3", "0.0".
fn signed(f: Fraction) -> String {
    let s = one_decimal(f);
    if f.num() > 0 { format!("+{s}") } else { s }
}

pub(crate) fn snapshot(ranked: &[Ranked], months: &BTreeMap<i64, UnitMonth>) -> serde_json::Value {
    let rows: Vec<serde_json::Value> = ranked
        .iter()
        .map(|r| {
            let um = months.get(&r.unit_id);
            let score = um.and_then(shown_score).map(one_decimal);
            let vetoed = um.is_some_and(|m| !m.eligible);
            serde_json::json!({"unit_id": r.unit_id, "rank": r.rank, "flag": r.flag, "score": score, "veto": vetoed})
        })
        .collect();
    serde_json::Value::Array(rows)
}

/// One stored sheet, scored, with the points of each item it tapped.
struct ScoredSheet {
    sheet: PartySheet,
    items: BTreeMap<String, i64>,
}

/// The item lines and party scores of one unit from its scored sheets.
fn unit_lines(rubric: &Rubric, sheets: &[ScoredSheet]) -> (Vec<ItemLine>, Vec<PartyScore>) {
    // Veto items cost no points: they are listed as the unit's vetoes, not as lines.
    let codes: BTreeSet<&String> = sheets
        .iter()
        .flat_map(|s| s.items.keys())
        .filter(|c| !matches!(rubric.item(c), Some(ItemKind::Veto(_))))
        .collect();
    let lines = codes
        .into_iter()
        .filter_map(|code| {
            let mean = party_mean(
                sheets
                    .iter()
                    .map(|s| (s.sheet.party, s.items.get(code).copied().unwrap_or(0))),
            )?;
            Some(ItemLine {
                item: code.clone(),
                name: rubric.item_name(code),
                points: signed(mean),
                points_num: mean.num(),
                points_den: mean.den(),
                sheets: sheets.iter().filter(|s| s.items.contains_key(code)).count(),
            })
        })
        .collect();
    let parties = Party::ALL
        .iter()
        .filter_map(|&p| {
            let own: Vec<&ScoredSheet> = sheets.iter().filter(|s| s.sheet.party == p).collect();
            let mean = party_mean(own.iter().map(|s| (p, s.sheet.score.points)))?;
            Some(PartyScore {
                party: p,
                sheets: own.len(),
                score: one_decimal(mean),
            })
        })
        .collect();
    (lines, parties)
}

impl Store {
    /// Scores a month from its stored sheets and the marks that stand.
    pub(crate) async fn compute_month<C: ConnectionTrait>(
        &self,
        db: &C,
        m: &LoadedMonth,
    ) -> ServiceResult<Computed> {
        let names = unit_names(db, m.compound.id).await?;
        let sheets = rating_sheet::Entity::find()
            .filter(rating_sheet::Column::MonthId.eq(m.row.id))
            .order_by_asc(rating_sheet::Column::Id)
            .all(db)
            .await?;
        let marks = rating_mark::Entity::find()
            .filter(rating_mark::Column::MonthId.eq(m.row.id))
            .order_by_asc(rating_mark::Column::Id)
            .all(db)
            .await?;
        let mut by_sheet: BTreeMap<i64, Vec<&rating_mark::Model>> = BTreeMap::new();
        for mk in &marks {
            by_sheet.entry(mk.sheet_id).or_default().push(mk);
        }
        let mut per_unit: BTreeMap<i64, Vec<ScoredSheet>> =
            names.keys().map(|&u| (u, Vec::new())).collect();
        for s in &sheets {
            let ms = by_sheet.get(&s.id).cloned().unwrap_or_default();
            let party = s.party;
            let mut items: BTreeMap<String, i64> = BTreeMap::new();
            for mk in ms.iter().filter(|mk| !mk.reversed) {
                *items.entry(mk.item_code.clone()).or_default() += mk.points;
            }
            per_unit.entry(s.unit_id).or_default().push(ScoredSheet {
                sheet: PartySheet {
                    party,
                    score: score_of(&m.rubric, &ms)?,
                    submitted_at: s.submitted_at,
                },
                items,
            });
        }
        let months: BTreeMap<i64, UnitMonth> = per_unit
            .iter()
            .map(|(&u, s)| {
                let sheets: Vec<PartySheet> = s.iter().map(|x| x.sheet.clone()).collect();
                (u, unit_month(u, &m.rubric, &sheets))
            })
            .collect();
        let list: Vec<UnitMonth> = months.values().cloned().collect();
        let ranked = rank(&list, &m.rubric.flags);
        let complete = !names.is_empty() && months.values().all(|u| u.parties >= Party::ALL.len());
        let units = ranked
            .iter()
            .map(|r| {
                let um = months.get(&r.unit_id);
                let score = um.and_then(shown_score);
                let (lines, party_scores) = per_unit
                    .get(&r.unit_id)
                    .map(|s| unit_lines(&m.rubric, s))
                    .unwrap_or_default();
                UnitResult {
                    unit_id: r.unit_id,
                    name: names.get(&r.unit_id).cloned().unwrap_or_default(),
                    rank: r.rank,
                    flag: r.flag,
                    no_flag: r.no_flag,
                    score: score.map(one_decimal),
                    score_num: score.map(|f| f.num()),
                    score_den: score.map(|f| f.den()),
                    sheets: um.map(|x| x.sheets).unwrap_or(0),
                    party_scores,
                    vetoes: um
                        .map(|x| x.vetoes.iter().map(|v| m.rubric.item_name(v)).collect())
                        .unwrap_or_default(),
                    lines,
                }
            })
            .collect();
        Ok(Computed {
            units,
            ranked,
            months,
            complete,
        })
    }

    /// The months of a compound, newest first.
    pub async fn rating_months(
        &self,
        actor: &Actor,
        compound_id: i64,
    ) -> ServiceResult<Vec<MonthRow>> {
        let c = self.compound_row(compound_id).await?;
        actor.require(Action::ViewPublic, &paths::compound_path(&c))?;
        let rows = rating_month::Entity::find()
            .filter(rating_month::Column::CompoundId.eq(c.id))
            .order_by_desc(rating_month::Column::Month)
            .all(self.read())
            .await?;
        let versions: BTreeMap<i64, i32> = rating_rubric::Entity::find()
            .filter(rating_rubric::Column::CompoundId.eq(c.id))
            .all(self.read())
            .await?
            .into_iter()
            .map(|r| (r.id, r.version))
            .collect();
        Ok(rows
            .into_iter()
            .map(|r| MonthRow {
                rubric_version: versions.get(&r.rubric_id).copied().unwrap_or(0),
                id: r.id,
                month: r.month,
                status: r.status,
            })
            .collect())
    }

    /// Opens a month for scoring under the rubric version in force for it.
    pub async fn open_month(
        &self,
        actor: &Actor,
        compound_id: i64,
        input: &MonthInput,
    ) -> ServiceResult<MonthView> {
        let c = self.compound_row(compound_id).await?;
        actor.require(Action::ManageRating, &paths::compound_path(&c))?;
        let month = Month::parse(&input.month).map_err(|e| ServiceError::invalid("month", e))?;
        let rows = rating_rubric::Entity::find()
            .filter(rating_rubric::Column::CompoundId.eq(c.id))
            .all(self.read())
            .await?;
        let mut versions = Vec::new();
        for r in &rows {
            let from = Month::parse(&r.from_month)
                .map_err(|_| internal(format!("rubric {} from {}", r.id, r.from_month)))?;
            versions.push((
                r.id,
                RubricVersion {
                    version: r.version,
                    from,
                    rubric: decode_rubric(r)?,
                    proposal_id: r.proposal_id,
                },
            ));
        }
        let all: Vec<RubricVersion> = versions.iter().map(|(_, v)| v.clone()).collect();
        let chosen = in_force(&all, month)
            .ok_or_else(|| ServiceError::invalid("rubric", Invalid::Required))?;
        let rubric_id = versions
            .iter()
            .find(|(_, v)| v.version == chosen.version)
            .map(|(id, _)| *id)
            .ok_or_else(|| internal("rubric vanished".into()))?;
        let txn = self.begin_write().await?;
        let exists = rating_month::Entity::find()
            .filter(rating_month::Column::CompoundId.eq(c.id))
            .filter(rating_month::Column::Month.eq(month.to_string()))
            .one(&txn)
            .await?;
        if exists.is_some() {
            return Err(ServiceError::invalid("month", Invalid::Taken));
        }
        let id = rating_month::Entity::insert(rating_month::ActiveModel {
            compound_id: Set(c.id),
            month: Set(month.to_string()),
            rubric_id: Set(rubric_id),
            status: Set(MonthStatus::Open),
            close_reason: Set(None),
            closed_at: Set(None),
            closed_by: Set(None),
            result: Set("[]".into()),
            version: Set(1),
            created_at: Set(self.now()),
            ..Default::default()
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        let row = rating_month::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or(ServiceError::NotFound {
                entity: "rating_month",
            })?;
        Change::by(actor, c.id, "rating.month.open", "rating_month", id)
            .after(to_json(&row)?)
            .record(&txn)
            .await?;
        txn.commit().await?;
        self.rating_month(actor, id).await
    }

    /// A month's ranking with every unit's points explained. Open to all in the compound.
    pub async fn rating_month(&self, actor: &Actor, id: i64) -> ServiceResult<MonthView> {
        let m = self.load_month(id).await?;
        actor.require(Action::ViewPublic, &paths::compound_path(&m.compound))?;
        let computed = self.compute_month(self.read(), &m).await?;
        let seat = self.panel_seat(actor, m.compound.id).await?;
        let (own, scored): (Vec<i64>, Vec<i64>) = match &seat {
            Some(s) => {
                let own = self.own_units(actor, s).await?;
                let scored = rating_sheet::Entity::find()
                    .filter(rating_sheet::Column::MonthId.eq(m.row.id))
                    .filter(rating_sheet::Column::PanelId.eq(s.id))
                    .all(self.read())
                    .await?
                    .into_iter()
                    .map(|x| x.unit_id)
                    .collect();
                (own.into_iter().collect(), scored)
            }
            None => (Vec::new(), Vec::new()),
        };
        let mut remaining: Vec<UnitRef> = if seat.is_some() && !m.closed() {
            computed
                .units
                .iter()
                .filter(|u| !own.contains(&u.unit_id) && !scored.contains(&u.unit_id))
                .map(|u| UnitRef {
                    unit_id: u.unit_id,
                    name: u.name.clone(),
                })
                .collect()
        } else {
            Vec::new()
        };
        remaining.sort_by_key(|u| u.unit_id);
        Ok(MonthView {
            id: m.row.id,
            compound_id: m.compound.id,
            compound_name: m.compound.name.clone(),
            month: m.row.month.clone(),
            status: m.row.status,
            close_reason: m.row.close_reason.clone(),
            closed_at: m.row.closed_at,
            closed_on: m.row.closed_at.map(crate::china_date),
            appeal_until: m
                .row
                .closed_at
                .map(|t| crate::china_date(t + i64::from(m.rubric.appeal_days) * 86_400)),
            rubric_version: m.rubric_version,
            rubric_name: m.rubric.name.clone(),
            flag_count: m.rubric.flags.count,
            min_score: m.rubric.flags.min_score.map(one_decimal),
            units: computed.units,
            complete: computed.complete,
            can: MonthPermissions {
                manage: actor.can(Action::ManageRating, &paths::compound_path(&m.compound)),
                score: seat.is_some() && !m.closed(),
            },
            my_party: seat.map(|s| s.party),
            my_own_units: own,
            my_scored_units: scored,
            my_remaining_units: remaining,
        })
    }

    /// The month's rubric, for the scoring sheet.
    pub async fn month_rubric(&self, actor: &Actor, id: i64) -> ServiceResult<Rubric> {
        let m = self.load_month(id).await?;
        actor.require(Action::ViewPublic, &paths::compound_path(&m.compound))?;
        Ok(m.rubric)
    }

    /// A scorer's sheet for one unit: refused for a closed month, a scorer not on the panel,
    /// the scorer's own unit, a second sheet, an unknown item and a category over its maximum.
    pub async fn submit_sheet(
        &self,
        actor: &Actor,
        month_id: i64,
        input: &SheetInput,
    ) -> ServiceResult<SheetView> {
        self.submit_sheet_with(actor, month_id, input, None).await
    }

    /// [`Store::submit_sheet`] with a photo sent in the same form as the evidence of every
    /// mark that names none, stored in the sheet's transaction, so a refused sheet leaves no
    /// file behind.
    pub async fn submit_sheet_with(
        &self,
        actor: &Actor,
        month_id: i64,
        input: &SheetInput,
        evidence: Option<NewFile>,
    ) -> ServiceResult<SheetView> {
        self.write_sheets(actor, month_id, std::slice::from_ref(input), evidence)
            .await?
            .pop()
            .ok_or_else(|| internal("a sheet was submitted but not written".into()))
    }

    /// A scorer's sheets for several units of one month, checked one by one as
    /// [`Store::submit_sheet`] checks one, and written together in one transaction: all of
    /// them, or none if any is refused (the refusal of the first bad sheet is returned). The
    /// month, the seat and the units are read once, which makes a round of a whole compound
    /// (the demo scores two years of months this way) cost little more than one sheet.
    pub async fn submit_sheets(
        &self,
        actor: &Actor,
        month_id: i64,
        inputs: &[SheetInput],
    ) -> ServiceResult<Vec<SheetView>> {
        self.write_sheets(actor, month_id, inputs, None).await
    }

    /// The sheets, and the photo that is the evidence of their marks naming none.
    async fn write_sheets(
        &self,
        actor: &Actor,
        month_id: i64,
        inputs: &[SheetInput],
        evidence: Option<NewFile>,
    ) -> ServiceResult<Vec<SheetView>> {
        let m = self.load_month(month_id).await?;
        actor.require(Action::ViewPublic, &paths::compound_path(&m.compound))?;
        m.require_open()?;
        let upload = self.prepare_evidence(actor, &m.compound, evidence).await?;
        let seat = self
            .panel_seat(actor, m.compound.id)
            .await?
            .ok_or_else(|| ServiceError::invalid("party", Invalid::NotOnPanel))?;
        let names = unit_names(self.read(), m.compound.id).await?;
        let own = self.own_units(actor, &seat).await?;
        let mut checked: Vec<(&SheetInput, String, Vec<String>)> = Vec::new();
        for input in inputs {
            if !names.contains_key(&input.unit_id) {
                return Err(ServiceError::invalid("unit_id", Invalid::OtherCompound));
            }
            if own.contains(&input.unit_id) {
                return Err(ServiceError::invalid("unit_id", Invalid::OwnUnit));
            }
            if checked.iter().any(|(c, _, _)| c.unit_id == input.unit_id) {
                return Err(ServiceError::invalid("unit_id", Invalid::SheetSubmitted));
            }
            let (note, notes) = self.check_sheet(&m, input).await?;
            checked.push((input, note, notes));
        }
        if checked.is_empty() {
            return Ok(Vec::new());
        }
        let t = self.now();
        let txn = self.begin_write().await?;
        // The month must still be open when the sheet is written: closing updates this row.
        let still_open = rating_month::Entity::update_many()
            .col_expr(
                rating_month::Column::Version,
                Expr::col(rating_month::Column::Version).add(0),
            )
            .filter(rating_month::Column::Id.eq(m.row.id))
            .filter(rating_month::Column::Status.eq(MonthStatus::Open))
            .exec(&txn)
            .await?;
        if still_open.rows_affected != 1 {
            return Err(ServiceError::invalid(
                "month",
                Invalid::MonthClosed {
                    month: m.month.to_string(),
                },
            ));
        }
        let dup = rating_sheet::Entity::find()
            .filter(rating_sheet::Column::MonthId.eq(m.row.id))
            .filter(rating_sheet::Column::PanelId.eq(seat.id))
            .filter(rating_sheet::Column::UnitId.is_in(checked.iter().map(|(i, _, _)| i.unit_id)))
            .one(&txn)
            .await?;
        if dup.is_some() {
            return Err(ServiceError::invalid("unit_id", Invalid::SheetSubmitted));
        }
        // The photo is the evidence of the sheets' marks; sheets of none keep no photo.
        let sent = match upload {
            Some(u) if checked.iter().any(|(i, _, _)| !i.marks.is_empty()) => {
                Some(self.store_upload(&txn, actor, m.compound.id, u).await?.id)
            }
            _ => None,
        };
        let mut ids = Vec::new();
        let mut marks = Vec::new();
        for (input, note, notes) in checked {
            let sheet_id = rating_sheet::Entity::insert(rating_sheet::ActiveModel {
                month_id: Set(m.row.id),
                unit_id: Set(input.unit_id),
                panel_id: Set(seat.id),
                scorer_id: Set(actor.account_id),
                scorer_name: Set(actor.name.clone()),
                party: Set(seat.party),
                note: Set(note),
                submitted_at: Set(t),
                ..Default::default()
            })
            .exec(&txn)
            .await?
            .last_insert_id;
            ids.push(sheet_id);
            for (mk, note) in input.marks.iter().zip(notes) {
                let kind = m.rubric.item(mk.item.trim()).ok_or_else(|| {
                    ServiceError::invalid(
                        "marks",
                        Invalid::UnknownItem {
                            item: mk.item.clone(),
                        },
                    )
                })?;
                marks.push(rating_mark::ActiveModel {
                    sheet_id: Set(sheet_id),
                    month_id: Set(m.row.id),
                    unit_id: Set(input.unit_id),
                    item_code: Set(kind.code().to_string()),
                    kind: Set(kind.kind()),
                    points: Set(kind.points()),
                    note: Set(note),
                    evidence_id: Set(mk.evidence_id.or(sent)),
                    reversed: Set(false),
                    ..Default::default()
                });
            }
        }
        if !marks.is_empty() {
            rating_mark::Entity::insert_many(marks)
                .exec_without_returning(&txn)
                .await?;
        }
        let sheets = rating_sheet::Entity::find()
            .filter(rating_sheet::Column::Id.is_in(ids.iter().copied()))
            .order_by_asc(rating_sheet::Column::Id)
            .all(&txn)
            .await?;
        let mut marks: BTreeMap<i64, Vec<rating_mark::Model>> = BTreeMap::new();
        for mk in rating_mark::Entity::find()
            .filter(rating_mark::Column::SheetId.is_in(ids.iter().copied()))
            .order_by_asc(rating_mark::Column::Id)
            .all(&txn)
            .await?
        {
            marks.entry(mk.sheet_id).or_default().push(mk);
        }
        let none = Vec::new();
        let mut changes = Vec::new();
        for sheet in &sheets {
            let mine = marks.get(&sheet.id).unwrap_or(&none);
            changes.push(Change {
                chain: m.compound.id,
                at: actor.at,
                actor: Some(actor.account_id),
                action: "rating.sheet",
                entity: "rating_sheet",
                entity_id: sheet.id,
                before: None,
                after: Some(serde_json::json!({"sheet": to_json(sheet)?, "marks": to_json(mine)?})),
            });
        }
        audit::record_batch(&txn, m.compound.id, changes, Vec::new()).await?;
        txn.commit().await?;
        sheets
            .iter()
            .map(|sheet| {
                let refs: Vec<&rating_mark::Model> =
                    marks.get(&sheet.id).unwrap_or(&none).iter().collect();
                sheet_view(&m.rubric, sheet, &refs, &BTreeMap::new())
            })
            .collect()
    }

    /// One sheet's notes and taps checked against the month's rubric, before anything is
    /// written: its note and each tap's note, trimmed.
    async fn check_sheet(
        &self,
        m: &LoadedMonth,
        input: &SheetInput,
    ) -> ServiceResult<(String, Vec<String>)> {
        let mut errors = Vec::new();
        let mut notes = Vec::new();
        for mk in &input.marks {
            match Text::parse_optional(&mk.note, 500) {
                Ok(n) => notes.push(n.map(Text::into_string).unwrap_or_default()),
                Err(e) => {
                    errors.push(FieldError::new("note", e));
                    notes.push(String::new());
                }
            }
        }
        let note = Text::parse_optional(&input.note, 2000)
            .map_err(|e| FieldError::new("note", e))?
            .map(Text::into_string)
            .unwrap_or_default();
        let taps: Vec<Mark<'_>> = input
            .marks
            .iter()
            .map(|mk| Mark {
                item: mk.item.trim(),
            })
            .collect();
        if let Err(e) = score_sheet(&m.rubric, &taps) {
            errors.extend(e);
        }
        let evidence: BTreeSet<i64> = input.marks.iter().filter_map(|mk| mk.evidence_id).collect();
        if !evidence.is_empty() {
            let found = attachment::Entity::find()
                .filter(attachment::Column::Id.is_in(evidence.iter().copied()))
                .filter(attachment::Column::CompoundId.eq(m.compound.id))
                .all(self.read())
                .await?;
            if found.len() != evidence.len() {
                errors.push(FieldError::new("file", Invalid::OtherCompound));
            }
        }
        if errors.is_empty() {
            Ok((note, notes))
        } else {
            Err(ServiceError::Invalid(errors))
        }
    }

    /// Closes a month. Without a sheet from every party for every unit the committee must
    /// say why. The ranking as it then is stays with the month.
    pub async fn close_month(
        &self,
        actor: &Actor,
        id: i64,
        input: &CloseInput,
    ) -> ServiceResult<MonthView> {
        let m = self.load_month(id).await?;
        actor.require(Action::ManageRating, &paths::compound_path(&m.compound))?;
        m.require_open()?;
        let reason = Text::parse_optional(&input.reason, 1000)
            .map_err(|e| FieldError::new("reason", e))?
            .map(Text::into_string);
        let txn = self.begin_write().await?;
        let computed = self.compute_month(&txn, &m).await?;
        if !computed.complete && reason.is_none() {
            return Err(ServiceError::invalid("reason", Invalid::Required));
        }
        let result = snapshot(&computed.ranked, &computed.months);
        let res = rating_month::Entity::update_many()
            .col_expr(
                rating_month::Column::Status,
                Expr::value(MonthStatus::Closed),
            )
            .col_expr(rating_month::Column::CloseReason, Expr::value(reason))
            .col_expr(rating_month::Column::ClosedAt, Expr::value(self.now()))
            .col_expr(
                rating_month::Column::ClosedBy,
                Expr::value(actor.account_id),
            )
            .col_expr(
                rating_month::Column::Result,
                Expr::value(result.to_string()),
            )
            .col_expr(
                rating_month::Column::Version,
                Expr::col(rating_month::Column::Version).add(1),
            )
            .filter(rating_month::Column::Id.eq(m.row.id))
            .filter(rating_month::Column::Status.eq(MonthStatus::Open))
            .exec(&txn)
            .await?;
        if res.rows_affected != 1 {
            return Err(ServiceError::invalid(
                "month",
                Invalid::MonthClosed {
                    month: m.month.to_string(),
                },
            ));
        }
        let after = rating_month::Entity::find_by_id(m.row.id).one(&txn).await?;
        Change::by(
            actor,
            m.compound.id,
            "rating.month.close",
            "rating_month",
            m.row.id,
        )
        .before(to_json(&m.row)?)
        .after(after.as_ref().map(to_json).transpose()?)
        .record(&txn)
        .await?;
        txn.commit().await?;
        self.rating_month(actor, id).await
    }

    /// One unit's month: its result and every sheet with the taps that cost or gave points.
    pub async fn rating_unit(
        &self,
        actor: &Actor,
        month_id: i64,
        unit_id: i64,
    ) -> ServiceResult<UnitDetail> {
        let m = self.load_month(month_id).await?;
        actor.require(Action::ViewPublic, &paths::compound_path(&m.compound))?;
        let computed = self.compute_month(self.read(), &m).await?;
        let result = computed
            .units
            .into_iter()
            .find(|u| u.unit_id == unit_id)
            .ok_or(ServiceError::NotFound { entity: "unit" })?;
        let sheets = rating_sheet::Entity::find()
            .filter(rating_sheet::Column::MonthId.eq(m.row.id))
            .filter(rating_sheet::Column::UnitId.eq(unit_id))
            .order_by_asc(rating_sheet::Column::Id)
            .all(self.read())
            .await?;
        let marks = rating_mark::Entity::find()
            .filter(rating_mark::Column::MonthId.eq(m.row.id))
            .filter(rating_mark::Column::UnitId.eq(unit_id))
            .order_by_asc(rating_mark::Column::Id)
            .all(self.read())
            .await?;
        let appeals = self.appeals_of(m.row.id, Some(unit_id)).await?;
        let by_mark: BTreeMap<i64, super::AppealView> =
            appeals.into_iter().map(|a| (a.mark_id, a)).collect();
        let mut views = Vec::new();
        for s in &sheets {
            let ms: Vec<&rating_mark::Model> =
                marks.iter().filter(|x| x.sheet_id == s.id).collect();
            views.push(sheet_view(&m.rubric, s, &ms, &by_mark)?);
        }
        let unit_path = self.unit_path_of(&m.compound, unit_id).await?;
        let appeal_until = m
            .row
            .closed_at
            .map(|t| t + i64::from(m.rubric.appeal_days) * 86_400);
        Ok(UnitDetail {
            month_id: m.row.id,
            month: m.row.month.clone(),
            status: m.row.status,
            compound_id: m.compound.id,
            result,
            sheets: views,
            can_appeal: actor.can(Action::Propose, &unit_path)
                && appeal_until.is_none_or(|u| self.now() <= u),
            appeal_until,
            can_decide: actor.can(Action::ManageRating, &paths::compound_path(&m.compound)),
        })
    }

    pub(crate) async fn unit_path_of(
        &self,
        c: &crate::entity::compound::Model,
        unit_id: i64,
    ) -> ServiceResult<linli_domain::place::Path> {
        let u = crate::entity::unit::Entity::find_by_id(unit_id)
            .one(self.read())
            .await?
            .filter(|u| u.compound_id == c.id)
            .ok_or(ServiceError::NotFound { entity: "unit" })?;
        Ok(paths::unit_path(c, u.building_id, u.id))
    }
}

fn sheet_view(
    rubric: &Rubric,
    s: &rating_sheet::Model,
    marks: &[&rating_mark::Model],
    appeals: &BTreeMap<i64, super::AppealView>,
) -> ServiceResult<SheetView> {
    let score = score_of(rubric, marks)?;
    Ok(SheetView {
        id: s.id,
        unit_id: s.unit_id,
        scorer_name: s.scorer_name.clone(),
        party: s.party,
        points: score.points,
        note: s.note.clone(),
        submitted_at: s.submitted_at,
        marks: marks
            .iter()
            .map(|mk| MarkView {
                id: mk.id,
                item: mk.item_code.clone(),
                name: rubric.item_name(&mk.item_code),
                kind: mk.kind,
                points: mk.points,
                note: mk.note.clone(),
                evidence_id: mk.evidence_id,
                reversed: mk.reversed,
                appeal: appeals.get(&mk.id).cloned(),
            })
            .collect(),
    })
}
