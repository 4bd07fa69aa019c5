//! Assessing a compound against its city's checklist for a period, and the compound's
//! standards page (assessments, star ratings and plan at a glance).
//!
//! Saving an assessment derives the six-have and three-no status from the marks; when the
//! period is the compound's latest, the compound row takes that status (its own audit record
//! with before and after), so the registry, the lists and the dashboards agree.

use super::{aspects_view, internal, json_string};
use crate::Store;
use crate::accounts::Actor;
use crate::audit::Change;
use crate::entity::{assessment, compound, star_rating};
use crate::error::{ServiceError, ServiceResult};
use linli_domain::authz::Action;
use linli_domain::registry::{ManagementMode, SixHave, SixHaveItem};
use linli_domain::standards::{Basic, Checklist, Derived, EvidenceKind, Mark, Period, derive};
use linli_domain::{FieldError, Invalid};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct MarkInput {
    /// The standard's code, e.g. `C4`.
    pub code: String,
    /// `met`, `partly` or `not_met`.
    pub mark: String,
    /// What was seen or filed as evidence.
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct AssessmentInput {
    /// "2024-Q3".
    pub period: String,
    pub marks: Vec<MarkInput>,
}

/// A mark as stored in `assessment.marks`: `["C4", "m"]`, with the note as a third element
/// and the id of a photo or document filed as evidence as a fourth, when there are (compact:
/// a city's thousands of assessments stay small).
#[derive(Debug, Clone)]
pub struct StoredMark {
    pub code: String,
    pub mark: Mark,
    pub note: String,
    pub evidence: Option<i64>,
}

impl StoredMark {
    fn to_vec(&self) -> Vec<String> {
        let mut v = vec![self.code.clone(), self.mark.letter().to_string()];
        if !self.note.is_empty() || self.evidence.is_some() {
            v.push(self.note.clone());
        }
        if let Some(id) = self.evidence {
            v.push(id.to_string());
        }
        v
    }

    fn from_vec(v: Vec<String>) -> Option<StoredMark> {
        let mut it = v.into_iter();
        let code = it.next()?;
        let mark = Mark::from_letter(it.next()?.chars().next()?)?;
        let note = it.next().unwrap_or_default();
        Some(StoredMark {
            code,
            mark,
            note,
            evidence: it.next().and_then(|id| id.parse().ok()),
        })
    }
}

/// The marks as the JSON stored.
pub fn marks_json(marks: &[StoredMark]) -> ServiceResult<String> {
    json_string(&marks.iter().map(StoredMark::to_vec).collect::<Vec<_>>())
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MarkedStandard {
    pub code: String,
    pub title: String,
    /// How it is evidenced; the API sends it in words as `evidence_label`.
    #[serde(skip)]
    pub evidence: EvidenceKind,
    /// The API sends it in words.
    #[serde(skip)]
    pub decides: Option<SixHaveItem>,
    /// The API sends it in words.
    #[serde(skip)]
    pub shows: Option<Basic>,
    pub placeholder: bool,
    /// `met`, `partly`, `not_met`, or none when not yet marked (on a new form): sent as the
    /// text, empty for none.
    #[serde(serialize_with = "mark_text")]
    #[schema(value_type = String)]
    pub mark: Option<Mark>,
    pub note: String,
    /// A photo or document filed for this standard (`/files/{id}`).
    pub evidence_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MarkedAspect {
    pub code: String,
    pub title: String,
    pub met: u32,
    pub standards: Vec<MarkedStandard>,
}

fn mark_text<S: serde::Serializer>(mark: &Option<Mark>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(mark.map(Mark::as_str).unwrap_or(""))
}

/// What a status line is about: a six-have item or a three-no basic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusOf {
    SixHave(SixHaveItem),
    Basic(Basic),
}

/// A six-have item or basic and whether the compound has it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StatusItem {
    pub code: String,
    /// The API sends it in words as `label`.
    #[serde(skip)]
    pub item: StatusOf,
    pub present: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AssessmentView {
    pub id: i64,
    pub compound_id: i64,
    pub compound_name: String,
    pub period: String,
    pub aspects: Vec<MarkedAspect>,
    pub met: i32,
    pub partly: i32,
    pub not_met: i32,
    pub total: usize,
    pub six_have: Vec<StatusItem>,
    pub six_have_count: u32,
    pub basics: Vec<StatusItem>,
    pub three_no: bool,
    /// The checklist whose rule the status follows from (the API sends the rule in words as
    /// `rule`).
    #[serde(skip)]
    pub checklist: Checklist,
    pub assessor_name: String,
    pub assessed_on: String,
    /// The compound's most recent period: its status is the compound's.
    pub latest: bool,
    /// The actor may assess the compound (and file evidence for this assessment).
    pub can_assess: bool,
}

/// The assessment form: the checklist with the marks of the period (or the latest) filled in.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AssessmentForm {
    pub compound_id: i64,
    pub compound_name: String,
    pub city_id: i64,
    pub period: String,
    pub aspects: Vec<MarkedAspect>,
    /// The checklist whose rule the status follows from (the API sends the rule in words as
    /// `rule`).
    #[serde(skip)]
    pub checklist: Checklist,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AssessmentRow {
    pub id: i64,
    pub period: String,
    pub met: i32,
    pub partly: i32,
    pub not_met: i32,
    pub six_have_count: u32,
    pub three_no: bool,
    pub assessor_name: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StarRow {
    pub id: i64,
    pub period: String,
    pub score: String,
    pub stars: i32,
    /// "★★★☆☆".
    pub stars_text: String,
    pub vetoed: bool,
    pub reward_yuan: String,
    pub responses: i64,
    pub households: i64,
}

/// A compound's standards page: status, assessments, star ratings, plan at a glance.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CompoundStandardsView {
    pub compound_id: i64,
    pub compound_name: String,
    pub city_id: i64,
    /// The API sends it in words.
    #[serde(skip)]
    pub management_mode: ManagementMode,
    pub three_no: bool,
    pub six_have: Vec<StatusItem>,
    pub assessments: Vec<AssessmentRow>,
    pub ratings: Vec<StarRow>,
    pub plan: Option<super::PlanSummary>,
    pub can_assess: bool,
}

/// The current quarter in China.
pub fn current_period(now: i64) -> String {
    let d = crate::china_date(now);
    let mut parts = d.split('-');
    let year = parts.next().and_then(|y| y.parse().ok()).unwrap_or(2026);
    let month = parts.next().and_then(|m| m.parse().ok()).unwrap_or(1);
    Period::of_month(year, month)
        .map(|p| p.to_string())
        .unwrap_or_default()
}

pub(crate) fn six_have_items(mask: i32) -> Vec<StatusItem> {
    let s = SixHave::from_mask(mask);
    SixHaveItem::ALL
        .into_iter()
        .map(|i| StatusItem {
            code: i.as_str().into(),
            item: StatusOf::SixHave(i),
            present: s.has(i),
        })
        .collect()
}

fn marked_aspects(c: &Checklist, marks: &BTreeMap<String, StoredMark>) -> Vec<MarkedAspect> {
    aspects_view(c)
        .into_iter()
        .map(|a| {
            let standards: Vec<MarkedStandard> = a
                .standards
                .into_iter()
                .map(|s| {
                    let m = marks.get(&s.code);
                    MarkedStandard {
                        mark: m.map(|m| m.mark),
                        note: m.map(|m| m.note.clone()).unwrap_or_default(),
                        evidence_id: m.and_then(|m| m.evidence),
                        code: s.code,
                        title: s.title,
                        evidence: s.evidence,
                        decides: s.decides,
                        shows: s.shows,
                        placeholder: s.placeholder,
                    }
                })
                .collect();
            let met = u32::try_from(
                standards
                    .iter()
                    .filter(|s| s.mark == Some(Mark::Met))
                    .count(),
            )
            .unwrap_or(0);
            MarkedAspect {
                code: a.code,
                title: a.title,
                met,
                standards,
            }
        })
        .collect()
}

fn stored_marks(row: &assessment::Model) -> ServiceResult<BTreeMap<String, StoredMark>> {
    let v: Vec<Vec<String>> = serde_json::from_str(&row.marks)
        .map_err(|e| internal(format!("assessment {}: {e}", row.id)))?;
    Ok(v.into_iter()
        .filter_map(StoredMark::from_vec)
        .map(|m| (m.code.clone(), m))
        .collect())
}

impl Store {
    /// The assessment form of a compound for a period (default: this quarter), prefilled
    /// with that period's marks or else the latest. Officials over the compound only.
    pub async fn assessment_form(
        &self,
        actor: &Actor,
        compound_id: i64,
        period: Option<&str>,
    ) -> ServiceResult<AssessmentForm> {
        let (c, at) = self.compound_at(compound_id).await?;
        actor.require(Action::Assess, &at)?;
        let period = match period.filter(|p| !p.trim().is_empty()) {
            Some(p) => Period::parse(p)
                .map_err(|e| ServiceError::invalid("period", e))?
                .to_string(),
            None => current_period(self.now()),
        };
        let scheme = Store::scheme(self.read(), c.city_id).await?;
        let rows = assessment::Entity::find()
            .filter(assessment::Column::CompoundId.eq(c.id))
            .order_by_desc(assessment::Column::Period)
            .all(self.read())
            .await?;
        let source = rows.iter().find(|r| r.period == period).or(rows.first());
        let marks = match source {
            Some(r) => stored_marks(r)?,
            None => BTreeMap::new(),
        };
        Ok(AssessmentForm {
            compound_id: c.id,
            compound_name: c.name,
            city_id: c.city_id,
            period,
            aspects: marked_aspects(&scheme.checklist, &marks),
            checklist: scheme.checklist,
        })
    }

    /// Records (or corrects) a compound's assessment for a period. Refused outside the
    /// assessor's area; every standard needs a mark. The derived status becomes the
    /// compound's when this is its latest period.
    pub async fn save_assessment(
        &self,
        actor: &Actor,
        compound_id: i64,
        input: &AssessmentInput,
    ) -> ServiceResult<AssessmentView> {
        let (c, at) = self.compound_at(compound_id).await?;
        actor.require(Action::Assess, &at)?;
        let mut errors = Vec::new();
        let period = Period::parse(&input.period)
            .map_err(|e| errors.push(FieldError::new("period", e)))
            .ok();
        let mut marks = BTreeMap::new();
        let mut stored = Vec::new();
        for m in &input.marks {
            match Mark::parse(&m.mark) {
                Ok(mark) => {
                    if marks.insert(m.code.trim().to_string(), mark).is_some() {
                        errors.push(FieldError::new(
                            "marks",
                            Invalid::DuplicateCode {
                                item: m.code.clone(),
                            },
                        ));
                    }
                    let note = m.note.trim();
                    if note.chars().count() > 500 {
                        errors.push(FieldError::new("marks", Invalid::TooLong { max: 500 }));
                    }
                    stored.push(StoredMark {
                        code: m.code.trim().into(),
                        mark,
                        note: note.into(),
                        evidence: None,
                    });
                }
                Err(Invalid::Required) => errors.push(FieldError::new(
                    "marks",
                    Invalid::Unassessed {
                        standard: m.code.clone(),
                    },
                )),
                Err(e) => errors.push(FieldError::new("marks", e)),
            }
        }
        let scheme = Store::scheme(self.read(), c.city_id).await?;
        let derived = match derive(&scheme.checklist, &marks) {
            Ok(d) => Some(d),
            Err(e) => {
                // A blank mark was already named; don't name it twice.
                let fresh: Vec<FieldError> =
                    e.into_iter().filter(|x| !errors.contains(x)).collect();
                errors.extend(fresh);
                None
            }
        };
        let (Some(period), Some(d), true) = (period, derived, errors.is_empty()) else {
            return Err(ServiceError::Invalid(errors));
        };
        // Keep checklist order in the stored marks.
        let order: BTreeMap<&str, usize> = scheme
            .checklist
            .standards
            .iter()
            .enumerate()
            .map(|(i, s)| (s.code.as_str(), i))
            .collect();
        stored.sort_by_key(|m| order.get(m.code.as_str()).copied().unwrap_or(usize::MAX));
        let period_s = period.to_string();
        let txn = self.begin_write().await?;
        let existing = assessment::Entity::find()
            .filter(assessment::Column::CompoundId.eq(c.id))
            .filter(assessment::Column::Period.eq(period_s.clone()))
            .one(&txn)
            .await?;
        let newest = assessment::Entity::find()
            .filter(assessment::Column::CompoundId.eq(c.id))
            .order_by_desc(assessment::Column::Period)
            .one(&txn)
            .await?;
        let latest = newest.as_ref().is_none_or(|n| n.period <= period_s);
        if latest {
            assessment::Entity::update_many()
                .col_expr(assessment::Column::Latest, Expr::value(false))
                .filter(assessment::Column::CompoundId.eq(c.id))
                .exec(&txn)
                .await?;
        }
        let row = assessment_row(
            &c,
            &period_s,
            marks_json(&stored)?,
            &d,
            latest,
            (actor.account_id, &actor.name),
            self.now(),
        );
        let id = match &existing {
            Some(old) => {
                let mut row = row;
                // A correction keeps the evidence filed for standards it still marks.
                let filed = stored_marks(old)?;
                if filed.values().any(|m| m.evidence.is_some()) {
                    for m in stored.iter_mut() {
                        m.evidence = filed.get(&m.code).and_then(|f| f.evidence);
                    }
                    row.marks = Set(marks_json(&stored)?);
                }
                row.id = Set(old.id);
                assessment::Entity::update(row).exec(&txn).await?;
                old.id
            }
            None => {
                assessment::Entity::insert(row)
                    .exec(&txn)
                    .await?
                    .last_insert_id
            }
        };
        let after =
            assessment::Entity::find_by_id(id)
                .one(&txn)
                .await?
                .ok_or(ServiceError::NotFound {
                    entity: "assessment",
                })?;
        Change::by(actor, c.id, "standards.assess", "assessment", id)
            .before(existing.as_ref().map(crate::audit::to_json).transpose()?)
            .after(crate::audit::to_json(&after)?)
            .record(&txn)
            .await?;
        if latest && (c.three_no != d.three_no || c.six_have != d.six_have.mask()) {
            set_compound_status(&txn, actor, &c, d.three_no, d.six_have.mask()).await?;
        }
        txn.commit().await?;
        self.assessment(actor, id).await
    }

    /// One assessment, for anyone who may see the compound's public page.
    pub async fn assessment(&self, actor: &Actor, id: i64) -> ServiceResult<AssessmentView> {
        let row = assessment::Entity::find_by_id(id)
            .one(self.read())
            .await?
            .ok_or(ServiceError::NotFound {
                entity: "assessment",
            })?;
        let (c, at) = self.compound_at(row.compound_id).await?;
        actor.require(Action::ViewPublic, &at)?;
        let scheme = Store::scheme(self.read(), c.city_id).await?;
        let marks = stored_marks(&row)?;
        let met = |code: &str| marks.get(code).is_some_and(|m| m.mark == Mark::Met);
        Ok(AssessmentView {
            id: row.id,
            compound_id: c.id,
            compound_name: c.name,
            period: row.period.clone(),
            aspects: marked_aspects(&scheme.checklist, &marks),
            met: row.met,
            partly: row.partly,
            not_met: row.not_met,
            total: marks.len(),
            six_have: six_have_items(row.six_have),
            six_have_count: SixHave::from_mask(row.six_have).count(),
            basics: Basic::ALL
                .into_iter()
                .map(|b| StatusItem {
                    code: b.as_str().into(),
                    item: StatusOf::Basic(b),
                    present: scheme.checklist.showing(b).any(|s| met(&s.code)),
                })
                .collect(),
            three_no: row.three_no,
            checklist: scheme.checklist,
            assessor_name: row.assessor_name,
            assessed_on: crate::china_date(row.created_at),
            latest: row.latest,
            can_assess: actor.can(Action::Assess, &at),
        })
    }

    /// Files a photo or document as the evidence of one standard of an assessment (replacing
    /// any filed before). Officials over the compound; the file is typed by its first bytes.
    pub async fn add_assessment_evidence(
        &self,
        actor: &Actor,
        id: i64,
        code: &str,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> ServiceResult<AssessmentView> {
        let row = assessment::Entity::find_by_id(id)
            .one(self.read())
            .await?
            .ok_or(ServiceError::NotFound {
                entity: "assessment",
            })?;
        let (c, at) = self.compound_at(row.compound_id).await?;
        actor.require(Action::Assess, &at)?;
        let mut marks = stored_marks(&row)?;
        if !marks.contains_key(code) {
            return Err(ServiceError::invalid(
                "marks",
                Invalid::UnknownItem {
                    item: code.to_string(),
                },
            ));
        }
        let file = self
            .save_file(
                actor,
                c.id,
                crate::files::Purpose::Attachment,
                file_name,
                bytes,
            )
            .await?;
        if let Some(m) = marks.get_mut(code) {
            m.evidence = Some(file.id);
        }
        let scheme = Store::scheme(self.read(), c.city_id).await?;
        let order: BTreeMap<&str, usize> = scheme
            .checklist
            .standards
            .iter()
            .enumerate()
            .map(|(i, s)| (s.code.as_str(), i))
            .collect();
        let mut stored: Vec<StoredMark> = marks.into_values().collect();
        stored.sort_by_key(|m| order.get(m.code.as_str()).copied().unwrap_or(usize::MAX));
        let txn = self.begin_write().await?;
        assessment::Entity::update_many()
            .col_expr(assessment::Column::Marks, Expr::value(marks_json(&stored)?))
            .filter(assessment::Column::Id.eq(row.id))
            .exec(&txn)
            .await?;
        let after = serde_json::json!({"standard": code, "attachment_id": file.id, "file_name": file.file_name});
        Change::by(actor, c.id, "standards.evidence", "assessment", row.id)
            .after(after)
            .record(&txn)
            .await?;
        txn.commit().await?;
        self.assessment(actor, row.id).await
    }

    /// A compound's standards page: its status, every assessment and star rating, its plan.
    pub async fn compound_standards(
        &self,
        actor: &Actor,
        compound_id: i64,
    ) -> ServiceResult<CompoundStandardsView> {
        let (c, at) = self.compound_at(compound_id).await?;
        actor.require(Action::ViewPublic, &at)?;
        let assessments = assessment::Entity::find()
            .filter(assessment::Column::CompoundId.eq(c.id))
            .order_by_desc(assessment::Column::Period)
            .all(self.read())
            .await?
            .into_iter()
            .map(|a| AssessmentRow {
                id: a.id,
                period: a.period,
                met: a.met,
                partly: a.partly,
                not_met: a.not_met,
                six_have_count: SixHave::from_mask(a.six_have).count(),
                three_no: a.three_no,
                assessor_name: a.assessor_name,
            })
            .collect();
        let ratings = star_rating::Entity::find()
            .filter(star_rating::Column::CompoundId.eq(c.id))
            .order_by_desc(star_rating::Column::Period)
            .all(self.read())
            .await?
            .iter()
            .map(star_row)
            .collect();
        let plan = self.plan_summary(c.id).await?;
        Ok(CompoundStandardsView {
            compound_id: c.id,
            compound_name: c.name.clone(),
            city_id: c.city_id,
            management_mode: c.management_mode,
            three_no: c.three_no,
            six_have: six_have_items(c.six_have),
            assessments,
            ratings,
            plan,
            can_assess: actor.can(Action::Assess, &at),
        })
    }
}

pub(crate) fn star_row(r: &star_rating::Model) -> StarRow {
    StarRow {
        id: r.id,
        period: r.period.clone(),
        score: centi(r.score_centi),
        stars: r.stars,
        stars_text: stars_text(r.stars),
        vetoed: r.vetoed,
        reward_yuan: linli_domain::Fen(r.reward).to_string(),
        responses: r.responses,
        households: r.households,
    }
}

/// Stars as drawn: "★★★☆☆".
pub fn stars_text(stars: i32) -> String {
    let n = usize::try_from(stars.clamp(0, 5)).unwrap_or(0);
    format!("{}{}", "★".repeat(n), "☆".repeat(5 - n))
}

/// Hundredths as "87.66".
pub(crate) fn centi(v: i64) -> String {
    linli_domain::Fen(v).to_string()
}

/// Writes a compound's derived status, bumping its version, with its own audit record.
async fn set_compound_status<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    c: &compound::Model,
    three_no: bool,
    six_have: i32,
) -> ServiceResult<()> {
    compound::Entity::update_many()
        .col_expr(compound::Column::ThreeNo, Expr::value(three_no))
        .col_expr(compound::Column::SixHave, Expr::value(six_have))
        .col_expr(
            compound::Column::Version,
            Expr::col(compound::Column::Version).add(1),
        )
        .col_expr(compound::Column::UpdatedAt, Expr::value(actor.at))
        .filter(compound::Column::Id.eq(c.id))
        .exec(txn)
        .await?;
    let before = serde_json::json!({"three_no": c.three_no, "six_have": c.six_have});
    let after =
        serde_json::json!({"three_no": three_no, "six_have": six_have, "from": "assessment"});
    Change::by(actor, c.id, "compound.status", "compound", c.id)
        .before(before)
        .after(after)
        .record(txn)
        .await
}

/// The row of an assessment: its marks and what they derive, on the compound's region ids.
pub fn assessment_row(
    c: &compound::Model,
    period: &str,
    marks: String,
    d: &Derived,
    latest: bool,
    by: (i64, &str),
    at: i64,
) -> assessment::ActiveModel {
    let n = |v: u32| i32::try_from(v).unwrap_or(i32::MAX);
    assessment::ActiveModel {
        compound_id: Set(c.id),
        period: Set(period.into()),
        city_id: Set(c.city_id),
        district_id: Set(c.district_id),
        subdistrict_id: Set(c.subdistrict_id),
        community_id: Set(c.community_id),
        marks: Set(marks),
        letters: Set(d.letters.clone()),
        met: Set(n(d.met)),
        partly: Set(n(d.partly)),
        not_met: Set(n(d.not_met)),
        six_have: Set(d.six_have.mask()),
        three_no: Set(d.three_no),
        latest: Set(latest),
        assessor_id: Set(by.0),
        assessor_name: Set(by.1.to_string()),
        created_at: Set(at),
        ..Default::default()
    }
}
