//! Service requests (报事报修): a resident reports a leak or a dark stairwell, a grid worker or
//! volunteer takes it, fixes it or hands it on, the resident rates the result.
//!
//! The rules are the pure `linli_domain::requests`: every step goes through
//! `RequestStatus::next`, fed with who the actor is for this request (reporter, assignee,
//! handler at its place, supervisor of its compound); the page's buttons come from the same
//! call. A request row carries its place and every level above it (city … household) and its
//! grid, so scopes, queues and metrics are single-table queries on indexed columns. Every
//! step is a row of `request_event` with its time, written with the request's update and its
//! audit record in one transaction; the update matches the status it was read at, so two
//! people pressing "take" at once cannot both get it.
//!
//! `report.rs` reporting with photos and the default route, `steps.rs` the steps,
//! `lists.rs` my requests, the worker's queue and a compound's list, `clock.rs` escalation of
//! overdue requests and auto-close (called every minute by `serve`), `metrics.rs` the figures.

mod clock;
mod lists;
mod metrics;
pub mod report;
mod steps;

pub use clock::*;
pub use lists::*;
pub use metrics::*;
pub use report::*;
pub use steps::*;

use crate::accounts::Actor;
use crate::entity::{
    account, building, compound, grid, holiday, household, request_category, request_event,
    request_photo, service_request, unit,
};
use crate::error::{ServiceError, ServiceResult};
use crate::{Store, china_time, paths};
use linli_domain::Bilingual;
use linli_domain::authz::Action;
use linli_domain::place::{Node, NodeKind, Path};
use linli_domain::registry::Phone;
use linli_domain::requests::{
    Channel, Day, Deadline, RequestStatus, RequestStep, Route, Who, WorkCalendar,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

/// A category as the report page and the API show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CategoryView {
    pub id: i64,
    pub code: String,
    /// The API sends the reader's as `name`.
    #[serde(skip)]
    pub name: Bilingual,
    /// The API sends it in words as `deadline` ("30 分钟" / "5 working days").
    #[serde(skip)]
    pub deadline: Deadline,
    pub route: Route,
}

/// One step in a request's timeline.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EventView {
    pub at: String,
    pub step: RequestStep,
    /// The status the step left the request in.
    pub to: RequestStatus,
    pub actor_name: String,
    pub assignee_name: String,
    pub note: String,
}

/// A button the actor may press on the request's page.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StepButton {
    pub step: RequestStep,
}

/// A request as its page and the API show it to this actor: the reporter's name, the
/// person reported for and the phone number only to those who need them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RequestView {
    pub id: i64,
    pub compound_id: i64,
    pub compound_name: String,
    pub category_id: i64,
    /// The category's name; the API sends the reader's as `category`.
    #[serde(skip)]
    pub category: Bilingual,
    /// The API sends it in words as `deadline`.
    #[serde(skip)]
    pub deadline: Deadline,
    pub place: String,
    pub household_id: Option<i64>,
    pub public: bool,
    pub description: String,
    pub channel: Channel,
    /// The reporter's name: for the reporter themself and those who handle requests here.
    pub reporter_name: Option<String>,
    pub on_behalf_of: String,
    /// In full for the reporter and roles that see personal data; masked for others who handle it.
    pub contact_phone: Option<String>,
    pub status: RequestStatus,
    pub route: Route,
    pub assignee_id: Option<i64>,
    pub assignee_name: String,
    pub grid_id: Option<i64>,
    pub grid_name: String,
    pub reported_at: String,
    pub due_at: String,
    pub overdue: bool,
    pub rating: Option<i32>,
    pub rating_comment: String,
    pub photos: Vec<i64>,
    pub timeline: Vec<EventView>,
    /// The steps this actor may take now.
    pub can: Vec<StepButton>,
    /// Whom the actor may dispatch or hand it to (account id, name), when they may.
    pub handlers: Vec<HandlerChoice>,
    pub is_reporter: bool,
    /// The reporter or someone handling it may add photos while it is not closed (six at most).
    pub can_add_photo: bool,
    pub version: i32,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HandlerChoice {
    pub account_id: i64,
    pub name: String,
}

/// A request row with its compound, category and the path of its place.
pub(crate) struct Loaded {
    pub row: service_request::Model,
    pub compound: compound::Model,
    pub category: request_category::Model,
    pub path: Path,
}

impl Loaded {
    pub fn status(&self) -> RequestStatus {
        self.row.status
    }

    pub fn deadline(&self) -> ServiceResult<Deadline> {
        deadline_of(&self.category)
    }

    pub fn compound_path(&self) -> Path {
        paths::compound_path(&self.compound)
    }

    /// Who the actor is for this request.
    pub fn who(&self, actor: &Actor) -> Who {
        Who {
            reporter: self.row.reporter_id == actor.account_id,
            assignee: self.row.assignee_id == Some(actor.account_id),
            handler: actor.can(Action::HandleRequest, &self.path),
            supervisor: actor.can(Action::ManageGrid, &self.compound_path()),
            system: false,
        }
    }

    /// Seen by the reporter, by those who handle requests here, and (if it is about a common
    /// place) by everyone who may see the compound's public page.
    pub fn visible_to(&self, actor: &Actor) -> bool {
        let who = self.who(actor);
        who.reporter
            || who.assignee
            || who.handler
            || (self.row.public && actor.can(Action::ViewPublic, &self.compound_path()))
    }
}

pub(crate) fn internal(msg: String) -> ServiceError {
    ServiceError::Internal(anyhow::anyhow!(msg))
}

/// The deadline a category sets for its requests, as stored.
pub fn deadline_of(c: &request_category::Model) -> ServiceResult<Deadline> {
    Deadline::from_parts(c.deadline_unit, c.deadline_amount).map_err(|_| {
        internal(format!(
            "category {} has deadline {} {}",
            c.id, c.deadline_unit, c.deadline_amount
        ))
    })
}

/// A category's name in both languages.
pub(crate) fn category_name(c: &request_category::Model) -> Bilingual {
    Bilingual::new(&c.name_zh, &c.name_en)
}

/// The path of a request's place: its household, else its unit or building, else the compound.
pub(crate) fn place_path(c: &compound::Model, r: &service_request::Model) -> Path {
    let mut p = paths::compound_path(c);
    for (kind, id) in [
        (NodeKind::Building, r.building_id),
        (NodeKind::Unit, r.unit_id),
        (NodeKind::Household, r.household_id),
    ] {
        if let Some(id) = id {
            p = p.child(Node::new(kind, id));
        }
    }
    p
}

/// Whether a request is past its deadline without having met it, at `now` (the rule is
/// [`linli_domain::requests::is_overdue`]).
pub fn is_overdue(r: &service_request::Model, now: i64) -> bool {
    linli_domain::requests::is_overdue(r.due_at, r.met_at, r.status, now)
}

impl Store {
    /// The active categories, in their order.
    pub async fn request_categories(&self) -> ServiceResult<Vec<CategoryView>> {
        let rows = request_category::Entity::find()
            .filter(request_category::Column::Active.eq(true))
            .order_by_asc(request_category::Column::Sort)
            .order_by_asc(request_category::Column::Id)
            .all(self.read())
            .await?;
        rows.iter()
            .map(|c| {
                Ok(CategoryView {
                    id: c.id,
                    code: c.code.clone(),
                    name: category_name(c),
                    deadline: deadline_of(c)?,
                    route: c.route,
                })
            })
            .collect()
    }

    /// Weekends plus the holidays and swapped working days kept in `holiday`.
    pub async fn work_calendar<C: ConnectionTrait>(db: &C) -> ServiceResult<WorkCalendar> {
        let rows = holiday::Entity::find().all(db).await?;
        Ok(WorkCalendar::new(rows.iter().filter_map(|h| {
            Day::parse(&h.day).ok().map(|d| (d, h.workday))
        })))
    }

    pub(crate) async fn load_request<C: ConnectionTrait>(
        &self,
        db: &C,
        id: i64,
    ) -> ServiceResult<Loaded> {
        let row = service_request::Entity::find_by_id(id)
            .one(db)
            .await?
            .ok_or(ServiceError::NotFound {
                entity: "service_request",
            })?;
        let compound = compound::Entity::find_by_id(row.compound_id)
            .one(db)
            .await?
            .ok_or(ServiceError::NotFound { entity: "compound" })?;
        let category = request_category::Entity::find_by_id(row.category_id)
            .one(db)
            .await?
            .ok_or_else(|| internal(format!("request {id} has no category")))?;
        let path = place_path(&compound, &row);
        Ok(Loaded {
            row,
            compound,
            category,
            path,
        })
    }

    /// A request as its page shows it to the actor, with the steps they may take.
    pub async fn service_request(&self, actor: &Actor, id: i64) -> ServiceResult<RequestView> {
        let r = self.load_request(self.read(), id).await?;
        if !r.visible_to(actor) {
            // Someone else's request about their home: as if it did not exist.
            return Err(ServiceError::NotFound {
                entity: "service_request",
            });
        }
        self.request_view(&r, actor).await
    }

    pub(crate) async fn request_view(
        &self,
        r: &Loaded,
        actor: &Actor,
    ) -> ServiceResult<RequestView> {
        let db = self.read();
        let row = &r.row;
        let status = r.status();
        let who = r.who(actor);
        let events = request_event::Entity::find()
            .filter(request_event::Column::CityId.eq(r.compound.city_id))
            .filter(request_event::Column::RequestId.eq(row.id))
            .order_by_asc(request_event::Column::Id)
            .all(db)
            .await?;
        let mut ids: Vec<i64> = events.iter().filter_map(|e| e.assignee_id).collect();
        ids.extend(row.assignee_id);
        ids.push(row.reporter_id);
        let names = self.account_names(ids.into_iter()).await?;
        let name = |id: Option<i64>| id.and_then(|i| names.get(&i).cloned()).unwrap_or_default();
        let timeline = events
            .iter()
            .map(|e| EventView {
                at: china_time(e.at),
                step: e.step,
                to: e.to_status,
                actor_name: e.actor_name.clone(),
                assignee_name: name(e.assignee_id),
                note: e.note.clone(),
            })
            .collect();
        let photos: Vec<i64> = request_photo::Entity::find()
            .filter(request_photo::Column::CityId.eq(row.city_id))
            .filter(request_photo::Column::RequestId.eq(row.id))
            .order_by_asc(request_photo::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(|p| p.attachment_id)
            .collect();
        let photo_count = photos.len();
        let can: Vec<StepButton> = RequestStep::ALL
            .into_iter()
            .filter(|s| s.is_manual() && status.next(*s, who, row.assignee_id.is_some()).is_ok())
            .map(|step| StepButton { step })
            .collect();
        let handlers = if can
            .iter()
            .any(|b| matches!(b.step, RequestStep::Dispatch | RequestStep::HandOn))
        {
            self.request_handlers(r).await?
        } else {
            Vec::new()
        };
        let sees_people = who.reporter || who.handler;
        let contact_phone = match (sees_people, row.contact_phone.is_empty()) {
            (false, _) | (_, true) => None,
            (true, false) if who.reporter || actor.can(Action::ViewPersonal, &r.path) => {
                Some(row.contact_phone.clone())
            }
            (true, false) => Some(
                Phone::parse(&row.contact_phone)
                    .map(|p| p.masked())
                    .unwrap_or_else(|_| "****".into()),
            ),
        };
        let grid_name = match row.grid_id {
            Some(g) => grid::Entity::find_by_id(g)
                .one(db)
                .await?
                .map(|g| g.name)
                .unwrap_or_default(),
            None => String::new(),
        };
        let channel = row.channel;
        Ok(RequestView {
            id: row.id,
            compound_id: row.compound_id,
            compound_name: r.compound.name.clone(),
            category_id: row.category_id,
            category: category_name(&r.category),
            deadline: r.deadline()?,
            place: row.place.clone(),
            household_id: row.household_id,
            public: row.public,
            description: row.description.clone(),
            channel,
            reporter_name: sees_people.then(|| name(Some(row.reporter_id))),
            on_behalf_of: if sees_people {
                row.on_behalf_of.clone()
            } else {
                String::new()
            },
            contact_phone,
            status,
            route: row.route,
            assignee_id: row.assignee_id,
            assignee_name: name(row.assignee_id),
            grid_id: row.grid_id,
            grid_name,
            reported_at: china_time(row.created_at),
            due_at: china_time(row.due_at),
            overdue: is_overdue(row, self.now()),
            rating: row.rating,
            rating_comment: row.rating_comment.clone(),
            photos,
            timeline,
            can,
            handlers,
            is_reporter: who.reporter,
            can_add_photo: (who.reporter || who.assignee || who.handler)
                && status != RequestStatus::Closed
                && photo_count < linli_domain::requests::MAX_PHOTOS,
            version: row.version,
        })
    }

    /// Everyone who may handle requests at the request's place: the accounts holding a role
    /// in its compound (or above it) that permits `HandleRequest` there.
    pub(crate) async fn request_handlers(&self, r: &Loaded) -> ServiceResult<Vec<HandlerChoice>> {
        let cp = r.compound_path().to_string();
        let grants = crate::entity::role_grant::Entity::find()
            .filter(
                sea_orm::Condition::any()
                    .add(crate::entity::role_grant::Column::Path.eq(cp.clone()))
                    .add(
                        crate::entity::role_grant::Column::Path
                            .starts_with(format!("{cp}/building:")),
                    ),
            )
            .all(self.read())
            .await?;
        let mut out: Vec<HandlerChoice> = Vec::new();
        let mut ids: Vec<i64> = Vec::new();
        for g in grants {
            let role = g.role;
            let Ok(at) = g.path.parse::<Path>() else {
                continue;
            };
            let grant = linli_domain::authz::Grant { role, at };
            if linli_domain::authz::allowed(&[grant], Action::HandleRequest, &r.path)
                && !ids.contains(&g.account_id)
            {
                ids.push(g.account_id);
            }
        }
        let names = self.account_names(ids.iter().copied()).await?;
        for id in ids {
            out.push(HandlerChoice {
                account_id: id,
                name: names.get(&id).cloned().unwrap_or_default(),
            });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// "3栋 2单元 501": a household as a place.
    pub async fn household_label<C: ConnectionTrait>(
        db: &C,
        h: &household::Model,
    ) -> ServiceResult<String> {
        let b = building::Entity::find_by_id(h.building_id)
            .one(db)
            .await?
            .map(|b| b.name)
            .unwrap_or_default();
        let u = unit::Entity::find_by_id(h.unit_id)
            .one(db)
            .await?
            .map(|u| u.name)
            .unwrap_or_default();
        Ok(format!("{b} {u} {}", h.room))
    }

    pub(crate) async fn account_phone<C: ConnectionTrait>(
        db: &C,
        id: i64,
    ) -> ServiceResult<String> {
        Ok(account::Entity::find_by_id(id)
            .one(db)
            .await?
            .and_then(|a| a.phone)
            .unwrap_or_default())
    }
}
