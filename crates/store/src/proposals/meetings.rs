//! Council meetings (议事会): a compound's meeting with its date and place, its agenda of
//! proposals (those under deliberation or with residents' support), who attended, the minutes
//! and an outcome per agenda item — printed afterwards as a minutes sheet to sign. Those who
//! run decisions in the compound hold and record them; anyone who may read the compound reads
//! them.

use crate::accounts::Actor;
use crate::audit::Change;
use crate::entity::{meeting, meeting_item, proposal};
use crate::error::{ServiceError, ServiceResult};
use crate::registry::field;
use crate::{Store, paths};
use linli_domain::authz::Action;
use linli_domain::decision::ProposalStage;
use linli_domain::registry::Text;
use linli_domain::{FieldError, Invalid};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

const MAX_ATTENDEES: usize = 500;

/// A meeting as typed on the form or sent by a script; an edit replaces all of it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct MeetingInput {
    pub title: String,
    /// `YYYY-MM-DD`.
    pub held_on: String,
    #[serde(default)]
    pub place: String,
    /// Who attended, one name per line.
    #[serde(default)]
    pub attendance: String,
    #[serde(default)]
    pub minutes: String,
    #[serde(default)]
    pub agenda: Vec<AgendaInput>,
    /// The version the edit started from (`MeetingView::version`); required to change a
    /// recorded meeting, ignored when creating one.
    #[serde(default)]
    pub version: Option<i32>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct AgendaInput {
    pub proposal_id: i64,
    /// What the meeting concluded on it (may be empty before the meeting).
    #[serde(default)]
    pub outcome: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MeetingRow {
    pub id: i64,
    pub title: String,
    pub held_on: String,
    pub place: Option<String>,
    pub attendees: usize,
    pub items: usize,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AgendaItemView {
    pub proposal_id: i64,
    pub title: String,
    /// None if the proposal is gone.
    pub stage: Option<ProposalStage>,
    pub outcome: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MeetingView {
    pub id: i64,
    pub compound_id: i64,
    pub compound_name: String,
    pub title: String,
    pub held_on: String,
    pub place: Option<String>,
    pub attendance: Vec<String>,
    pub minutes: String,
    pub items: Vec<AgendaItemView>,
    pub created_at: i64,
    pub version: i32,
    pub can_manage: bool,
}

/// A proposal that may go on an agenda.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AgendaChoice {
    pub proposal_id: i64,
    pub title: String,
    pub stage: ProposalStage,
    pub support_count: i32,
}

struct Parsed {
    title: String,
    held_on: String,
    place: Option<String>,
    attendance: String,
    minutes: String,
    agenda: Vec<(i64, String)>,
}

fn parse(input: &MeetingInput) -> ServiceResult<Parsed> {
    let mut e: Vec<FieldError> = Vec::new();
    let title = field(&mut e, "title", Text::parse(&input.title, 200));
    let held_on = field(
        &mut e,
        "held_on",
        linli_domain::calendar::Day::parse(&input.held_on).map(|d| d.to_string()),
    );
    let place = field(&mut e, "place", Text::parse_optional(&input.place, 200));
    let names: Vec<&str> = input
        .attendance
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if names.len() > MAX_ATTENDEES || names.iter().any(|n| n.chars().count() > 100) {
        e.push(FieldError::new("attendance", Invalid::TooLong { max: 100 }));
    }
    let minutes = field(
        &mut e,
        "minutes",
        Text::parse_optional(&input.minutes, 20_000),
    );
    let mut agenda: Vec<(i64, String)> = Vec::new();
    for item in &input.agenda {
        if agenda.iter().any(|(p, _)| *p == item.proposal_id) {
            e.push(FieldError::new("agenda", Invalid::DuplicateChoice));
            continue;
        }
        if let Some(o) = field(&mut e, "outcome", Text::parse_optional(&item.outcome, 4000)) {
            agenda.push((
                item.proposal_id,
                o.map(Text::into_string).unwrap_or_default(),
            ));
        }
    }
    match (title, held_on, place, minutes, e.is_empty()) {
        (Some(title), Some(held_on), Some(place), Some(minutes), true) => Ok(Parsed {
            title: title.into_string(),
            held_on,
            place: place.map(Text::into_string),
            attendance: names.join("\n"),
            minutes: minutes.map(Text::into_string).unwrap_or_default(),
            agenda,
        }),
        _ => Err(ServiceError::Invalid(e)),
    }
}

/// Whether a proposal may be put on a council's agenda: under deliberation, or supported by
/// residents and not yet decided or withdrawn.
fn eligible(p: &proposal::Model) -> bool {
    match p.stage {
        ProposalStage::Deliberation => true,
        ProposalStage::Draft | ProposalStage::Voting => p.support_count > 0,
        _ => false,
    }
}

impl Store {
    /// Whether the actor holds and records the compound's meetings (for showing the buttons).
    pub async fn may_manage_decisions(
        &self,
        actor: &Actor,
        compound_id: i64,
    ) -> ServiceResult<bool> {
        let c = self.compound_row(compound_id).await?;
        Ok(actor.can(Action::ManageDecision, &paths::compound_path(&c)))
    }

    /// The meetings of a compound, latest first.
    pub async fn list_meetings(
        &self,
        actor: &Actor,
        compound_id: i64,
    ) -> ServiceResult<Vec<MeetingRow>> {
        let c = self.compound_row(compound_id).await?;
        actor.require(Action::ViewPublic, &paths::compound_path(&c))?;
        let rows = meeting::Entity::find()
            .filter(meeting::Column::CompoundId.eq(c.id))
            .order_by_desc(meeting::Column::HeldOn)
            .order_by_desc(meeting::Column::Id)
            .all(self.read())
            .await?;
        let ids: Vec<i64> = rows.iter().map(|m| m.id).collect();
        let mut counts: HashMap<i64, usize> = HashMap::new();
        for i in meeting_item::Entity::find()
            .filter(meeting_item::Column::MeetingId.is_in(ids))
            .all(self.read())
            .await?
        {
            *counts.entry(i.meeting_id).or_default() += 1;
        }
        Ok(rows
            .into_iter()
            .map(|m| MeetingRow {
                id: m.id,
                attendees: m
                    .attendance
                    .lines()
                    .filter(|l| !l.trim().is_empty())
                    .count(),
                items: counts.get(&m.id).copied().unwrap_or(0),
                title: m.title,
                held_on: m.held_on,
                place: m.place,
            })
            .collect())
    }

    /// The proposals of a compound that may go on an agenda, plus those already on `keep`.
    pub async fn agenda_choices(
        &self,
        actor: &Actor,
        compound_id: i64,
        keep: &[i64],
    ) -> ServiceResult<Vec<AgendaChoice>> {
        let c = self.compound_row(compound_id).await?;
        actor.require(Action::ViewPublic, &paths::compound_path(&c))?;
        let rows = proposal::Entity::find()
            .filter(proposal::Column::CompoundId.eq(c.id))
            .order_by_desc(proposal::Column::Id)
            .all(self.read())
            .await?;
        Ok(rows
            .into_iter()
            .filter(|p| eligible(p) || keep.contains(&p.id))
            .map(|p| AgendaChoice {
                proposal_id: p.id,
                stage: p.stage,
                title: p.title,
                support_count: p.support_count,
            })
            .collect())
    }

    /// A meeting with its agenda.
    pub async fn meeting(&self, actor: &Actor, id: i64) -> ServiceResult<MeetingView> {
        let m = meeting::Entity::find_by_id(id)
            .one(self.read())
            .await?
            .ok_or(ServiceError::NotFound { entity: "meeting" })?;
        let c = self.compound_row(m.compound_id).await?;
        let path = paths::compound_path(&c);
        actor.require(Action::ViewPublic, &path)?;
        let items = meeting_item::Entity::find()
            .filter(meeting_item::Column::MeetingId.eq(id))
            .order_by_asc(meeting_item::Column::Id)
            .all(self.read())
            .await?;
        let proposals: HashMap<i64, proposal::Model> = proposal::Entity::find()
            .filter(proposal::Column::Id.is_in(items.iter().map(|i| i.proposal_id)))
            .all(self.read())
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        Ok(MeetingView {
            id: m.id,
            compound_id: c.id,
            compound_name: c.name,
            title: m.title,
            held_on: m.held_on,
            place: m.place,
            attendance: m
                .attendance
                .lines()
                .map(str::to_string)
                .filter(|l| !l.is_empty())
                .collect(),
            minutes: m.minutes,
            items: items
                .into_iter()
                .map(|i| {
                    let p = proposals.get(&i.proposal_id);
                    AgendaItemView {
                        proposal_id: i.proposal_id,
                        title: p.map(|p| p.title.clone()).unwrap_or_default(),
                        stage: p.map(|p| p.stage),
                        outcome: i.outcome,
                    }
                })
                .collect(),
            created_at: m.created_at,
            version: m.version,
            can_manage: actor.can(Action::ManageDecision, &path),
        })
    }

    /// Holds a council meeting: those who run decisions in the compound may.
    pub async fn create_meeting(
        &self,
        actor: &Actor,
        compound_id: i64,
        input: &MeetingInput,
    ) -> ServiceResult<MeetingView> {
        let c = self.compound_row(compound_id).await?;
        actor.require(Action::ManageDecision, &paths::compound_path(&c))?;
        let m = parse(input)?;
        self.check_agenda(c.id, &m.agenda, &[]).await?;
        let txn = self.begin_write().await?;
        let id = meeting::Entity::insert(meeting::ActiveModel {
            compound_id: Set(c.id),
            title: Set(m.title.clone()),
            held_on: Set(m.held_on.clone()),
            place: Set(m.place.clone()),
            attendance: Set(m.attendance.clone()),
            minutes: Set(m.minutes.clone()),
            created_by: Set(actor.account_id),
            created_at: Set(self.now()),
            version: Set(1),
            ..Default::default()
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        write_items(&txn, id, &m.agenda).await?;
        Change::by(actor, c.id, "meeting.create", "meeting", id)
            .after(snapshot(&m))
            .record(&txn)
            .await?;
        txn.commit().await?;
        self.meeting(actor, id).await
    }

    /// Records what happened: attendance, minutes, agenda and outcomes (replacing them).
    pub async fn update_meeting(
        &self,
        actor: &Actor,
        id: i64,
        input: &MeetingInput,
    ) -> ServiceResult<MeetingView> {
        let old = meeting::Entity::find_by_id(id)
            .one(self.read())
            .await?
            .ok_or(ServiceError::NotFound { entity: "meeting" })?;
        let c = self.compound_row(old.compound_id).await?;
        actor.require(Action::ManageDecision, &paths::compound_path(&c))?;
        let m = parse(input)?;
        let kept: Vec<i64> = meeting_item::Entity::find()
            .filter(meeting_item::Column::MeetingId.eq(id))
            .all(self.read())
            .await?
            .iter()
            .map(|i| i.proposal_id)
            .collect();
        self.check_agenda(c.id, &m.agenda, &kept).await?;
        let version = input
            .version
            .ok_or_else(|| ServiceError::invalid("version", Invalid::Required))?;
        let txn = self.begin_write().await?;
        let res = meeting::Entity::update_many()
            .col_expr(meeting::Column::Title, Expr::value(m.title.clone()))
            .col_expr(meeting::Column::HeldOn, Expr::value(m.held_on.clone()))
            .col_expr(meeting::Column::Place, Expr::value(m.place.clone()))
            .col_expr(
                meeting::Column::Attendance,
                Expr::value(m.attendance.clone()),
            )
            .col_expr(meeting::Column::Minutes, Expr::value(m.minutes.clone()))
            .col_expr(meeting::Column::Version, Expr::value(version + 1))
            .filter(meeting::Column::Id.eq(id))
            .filter(meeting::Column::Version.eq(version))
            .exec(&txn)
            .await?;
        if res.rows_affected == 0 {
            return Err(ServiceError::Stale {
                current: old.version,
            });
        }
        meeting_item::Entity::delete_many()
            .filter(meeting_item::Column::MeetingId.eq(id))
            .exec(&txn)
            .await?;
        write_items(&txn, id, &m.agenda).await?;
        let before = serde_json::to_value(&old).map_err(anyhow::Error::from)?;
        Change::by(actor, c.id, "meeting.update", "meeting", id)
            .before(before)
            .after(snapshot(&m))
            .record(&txn)
            .await?;
        txn.commit().await?;
        self.meeting(actor, id).await
    }

    /// Every agenda item is a proposal of this compound that may be discussed (or was
    /// already on this meeting's agenda).
    async fn check_agenda(
        &self,
        compound_id: i64,
        agenda: &[(i64, String)],
        kept: &[i64],
    ) -> ServiceResult<()> {
        let ids: Vec<i64> = agenda.iter().map(|(p, _)| *p).collect();
        let found: HashMap<i64, proposal::Model> = proposal::Entity::find()
            .filter(proposal::Column::Id.is_in(ids.clone()))
            .all(self.read())
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        for id in ids {
            let ok = found.get(&id).is_some_and(|p| {
                p.compound_id == compound_id && (eligible(p) || kept.contains(&id))
            });
            if !ok {
                return Err(ServiceError::invalid("agenda", Invalid::BadChoice));
            }
        }
        Ok(())
    }
}

async fn write_items<C: ConnectionTrait>(
    txn: &C,
    meeting_id: i64,
    agenda: &[(i64, String)],
) -> ServiceResult<()> {
    if agenda.is_empty() {
        return Ok(());
    }
    meeting_item::Entity::insert_many(agenda.iter().map(|(p, o)| meeting_item::ActiveModel {
        meeting_id: Set(meeting_id),
        proposal_id: Set(*p),
        outcome: Set(o.clone()),
        ..Default::default()
    }))
    .exec_without_returning(txn)
    .await?;
    Ok(())
}

fn snapshot(m: &Parsed) -> serde_json::Value {
    serde_json::json!({
        "title": m.title, "held_on": m.held_on, "place": m.place, "attendance": m.attendance,
        "minutes": m.minutes, "agenda": m.agenda,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_meeting_names_every_bad_field() {
        let input = MeetingInput {
            title: " ".into(),
            held_on: "2024-02-30".into(),
            ..Default::default()
        };
        let Err(ServiceError::Invalid(e)) = parse(&input) else {
            panic!("refused")
        };
        let fields: Vec<&str> = e.iter().map(|e| &*e.field).collect();
        assert_eq!(fields, ["title", "held_on"]);
    }

    #[test]
    fn attendance_is_one_name_a_line_without_blanks() {
        let input = MeetingInput {
            title: "三月议事会".into(),
            held_on: "2024-03-05".into(),
            attendance: "王阿姨\n\n  李叔 \n".into(),
            ..Default::default()
        };
        let m = parse(&input).ok().map(|m| m.attendance);
        assert_eq!(m.as_deref(), Some("王阿姨\n李叔"));
    }
}
