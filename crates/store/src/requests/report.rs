//! Reporting a request: by a resident for their home or a common place of their compound, or
//! by a worker for someone who called or was visited. Every field is checked (and every bad
//! one named) before anything is written; photos must be images of at most 10 MB, six at most.
//! The category's default route dispatches it at once: to the grid worker of the household's
//! grid, or to the committee's queue (which also stands for the property company and the
//! elevator installer, whom the committee calls).

use super::deadline_of;
use crate::accounts::Actor;
use crate::audit::Change;
use crate::entity::{
    building, grid_household, grid_member, household, request_category, request_event,
    request_photo, service_request,
};
use crate::error::{ServiceError, ServiceResult};
use crate::files::{MAX_FILE_BYTES, Purpose, sniff};
use crate::{Store, paths};
use linli_domain::authz::{Action, permits};
use linli_domain::place::{Node, NodeKind};
use linli_domain::registry::{Phone, Text};
use linli_domain::requests::{Channel, Day, MAX_PHOTOS, RequestStatus, RequestStep, Route};
use linli_domain::{FieldError, Invalid, Lang};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ReportInput {
    pub category_id: i64,
    /// The household it is about; none for a common place.
    #[serde(default)]
    pub household_id: Option<i64>,
    /// A common place as typed ("3栋 楼道", "北门"), when there is no household.
    #[serde(default)]
    pub common_place: String,
    /// The building of a common place, if it is in one (a stairwell).
    #[serde(default)]
    pub building_id: Option<i64>,
    pub description: String,
    /// `app` (default), or `phone` / `visit` when a worker enters it for someone.
    #[serde(default)]
    pub channel: String,
    /// Whom a worker reports for.
    #[serde(default)]
    pub on_behalf_of: String,
    /// A number to call back; the reporter's own when blank.
    #[serde(default)]
    pub contact_phone: String,
}

/// A photo as uploaded.
pub struct PhotoUpload {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// What the report page offers the actor in a compound.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReportForm {
    pub compound_id: i64,
    pub compound_name: String,
    pub categories: Vec<super::CategoryView>,
    /// The actor's own homes here (household id, "3栋 2单元 501").
    pub homes: Vec<(i64, String)>,
    /// The compound's buildings, for a common place in one.
    pub buildings: Vec<(i64, String)>,
    /// Handles requests here: may report for others (by household number, phone call, visit).
    pub worker: bool,
}

/// The checked place of a new request.
struct Place {
    household: Option<household::Model>,
    building_id: Option<i64>,
    unit_id: Option<i64>,
    label: String,
}

impl Store {
    /// The report page's choices: categories, the actor's homes, the buildings.
    pub async fn report_form(&self, actor: &Actor, compound_id: i64) -> ServiceResult<ReportForm> {
        let c = self.compound_row(compound_id).await?;
        let cp = paths::compound_path(&c);
        actor.require(Action::ViewPublic, &cp)?;
        let db = self.read();
        let mut homes = Vec::new();
        for g in &actor.grants {
            let Some(node) =
                g.at.target()
                    .filter(|n| n.kind == NodeKind::Household && g.at.compound_id() == Some(c.id))
            else {
                continue;
            };
            if permits(g.role, Action::ReportRequest)
                && let Some(h) = household::Entity::find_by_id(node.id).one(db).await?
            {
                homes.push((h.id, Store::household_label(db, &h).await?));
            }
        }
        let buildings = building::Entity::find()
            .filter(building::Column::CompoundId.eq(c.id))
            .order_by_asc(building::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(|b| (b.id, b.name))
            .collect();
        Ok(ReportForm {
            compound_id: c.id,
            compound_name: c.name,
            categories: self.request_categories().await?,
            homes,
            buildings,
            worker: actor.can(Action::HandleRequest, &cp),
        })
    }

    /// Reports a request in a compound. See the module doc for who may report what. `lang` is
    /// the language the timeline stores the automatic dispatch's actor in (the route's name).
    pub async fn report_request(
        &self,
        actor: &Actor,
        compound_id: i64,
        input: &ReportInput,
        photos: Vec<PhotoUpload>,
        lang: Lang,
    ) -> ServiceResult<super::RequestView> {
        let c = self.compound_row(compound_id).await?;
        let cp = paths::compound_path(&c);
        if !actor.can(Action::ViewPublic, &cp) {
            return Err(ServiceError::Forbidden);
        }
        let db = self.read();
        let mut errors = Vec::new();
        let mut field = |f: &'static str, e: Invalid| errors.push(FieldError::new(f, e));

        let category = request_category::Entity::find_by_id(input.category_id)
            .one(db)
            .await?
            .filter(|x| x.active);
        if category.is_none() {
            field(
                "category",
                if input.category_id == 0 {
                    Invalid::Required
                } else {
                    Invalid::BadChoice
                },
            );
        }
        let description = Text::parse(&input.description, 2000)
            .map_err(|e| field("description", e))
            .ok();
        let channel = Channel::parse_or_app(&input.channel)
            .map_err(|e| field("channel", e))
            .ok();
        let on_behalf_of = Text::parse_optional(&input.on_behalf_of, 100)
            .map_err(|e| field("on_behalf_of", e))
            .ok()
            .flatten();
        let contact_phone = if input.contact_phone.trim().is_empty() {
            None
        } else {
            Phone::parse(&input.contact_phone)
                .map_err(|e| field("contact_phone", e))
                .ok()
        };

        let place = match input.household_id {
            Some(hid) => match household::Entity::find_by_id(hid).one(db).await? {
                None => {
                    field("household_id", Invalid::BadChoice);
                    None
                }
                Some(h) if h.compound_id != c.id => {
                    field("household_id", Invalid::OtherCompound);
                    None
                }
                Some(h) if !actor.can(Action::ReportRequest, &paths::household_path(&c, &h)) => {
                    field("household_id", Invalid::NotYourHome);
                    None
                }
                Some(h) => {
                    let label = Store::household_label(db, &h).await?;
                    Some(Place {
                        building_id: Some(h.building_id),
                        unit_id: Some(h.unit_id),
                        household: Some(h),
                        label,
                    })
                }
            },
            None => {
                // A common place: anyone with a role that reports requests in (or above) the compound.
                let node = Node::new(NodeKind::Compound, c.id);
                let may = actor.grants.iter().any(|g| {
                    permits(g.role, Action::ReportRequest)
                        && (g.at.is_within(node) || g.at.target().is_some_and(|t| cp.is_within(t)))
                });
                if !may {
                    return Err(ServiceError::Forbidden);
                }
                let building = match input.building_id {
                    Some(b) => building::Entity::find_by_id(b)
                        .one(db)
                        .await?
                        .filter(|b| b.compound_id == c.id)
                        .map(Some)
                        .ok_or(()),
                    None => Ok(None),
                };
                match (Text::parse(&input.common_place, 200), building) {
                    (Ok(text), Ok(b)) => Some(Place {
                        label: match &b {
                            Some(b) => format!("{} {}", b.name, text.as_str()),
                            None => text.as_str().to_string(),
                        },
                        building_id: b.map(|b| b.id),
                        unit_id: None,
                        household: None,
                    }),
                    (Err(e), _) => {
                        field("common_place", e);
                        None
                    }
                    (_, Err(())) => {
                        field("building_id", Invalid::OtherCompound);
                        None
                    }
                }
            }
        };
        // Entered for someone else (a call, a visit): only those who handle requests here.
        let on_behalf = matches!(channel, Some(Channel::Phone | Channel::Visit));
        if on_behalf
            && !actor.can(Action::HandleRequest, &cp)
            && !place
                .as_ref()
                .and_then(|p| p.household.as_ref())
                .is_some_and(|h| actor.can(Action::HandleRequest, &paths::household_path(&c, h)))
        {
            field("channel", Invalid::NotHandler);
        }
        for e in check_photos(&photos, 0) {
            field("photos", e);
        }
        let (Some(category), Some(description), Some(channel), Some(place)) =
            (category, description, channel, place)
        else {
            return Err(ServiceError::Invalid(errors));
        };
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }

        let mut photo_ids = Vec::new();
        for p in photos {
            photo_ids.push(
                self.save_file(actor, c.id, Purpose::Attachment, &p.file_name, p.bytes)
                    .await?
                    .id,
            );
        }

        let route = category.route;
        let grid_id = match &place.household {
            Some(h) => grid_household::Entity::find()
                .filter(grid_household::Column::HouseholdId.eq(h.id))
                .one(db)
                .await?
                .map(|g| g.grid_id),
            None => match place.building_id {
                Some(b) => grid_of_building(db, c.id, b).await?,
                None => None,
            },
        };
        let assignee = match (route, grid_id) {
            (Route::GridWorker, Some(g)) => grid_member::Entity::find()
                .filter(grid_member::Column::GridId.eq(g))
                .filter(grid_member::Column::Role.eq("grid_worker"))
                .order_by_asc(grid_member::Column::Id)
                .one(db)
                .await?
                .map(|m| m.account_id),
            _ => None,
        };
        // A grid-worker route without a grid worker waits for the committee to dispatch it.
        let dispatched = route != Route::GridWorker || assignee.is_some();
        let status = if dispatched {
            RequestStatus::Dispatched
        } else {
            RequestStatus::Reported
        };
        let t = self.now();
        let calendar = Store::work_calendar(db).await?;
        let due_at = deadline_of(&category)?.due(t, &calendar);
        let contact = match contact_phone {
            Some(p) => p.as_str().to_string(),
            None if on_behalf => String::new(),
            None => Store::account_phone(db, actor.account_id).await?,
        };

        let txn = self.begin_write().await?;
        let id = service_request::Entity::insert(service_request::ActiveModel {
            building_id: Set(place.building_id),
            unit_id: Set(place.unit_id),
            household_id: Set(place.household.as_ref().map(|h| h.id)),
            grid_id: Set(grid_id),
            place: Set(place.label.clone()),
            category_id: Set(category.id),
            description: Set(description.as_str().to_string()),
            reporter_id: Set(actor.account_id),
            on_behalf_of: Set(on_behalf_of
                .map(|x| x.as_str().to_string())
                .unwrap_or_default()),
            contact_phone: Set(contact),
            channel: Set(channel),
            status: Set(status),
            route: Set(route),
            assignee_id: Set(assignee),
            public: Set(place.household.is_none()),
            created_at: Set(t),
            month: Set(Day::of(t).month().to_string()),
            due_at: Set(due_at),
            met_at: Set(None),
            first_response_at: Set(None),
            resolved_at: Set(None),
            closed_at: Set(None),
            escalated_at: Set(None),
            rating: Set(None),
            rating_comment: Set(String::new()),
            version: Set(1),
            ..located(&c)
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        let mut events = vec![event(
            c.city_id,
            id,
            None,
            RequestStatus::Reported,
            RequestStep::Report,
            Some(actor.account_id),
            &actor.name,
            None,
            t,
        )];
        if dispatched {
            events.push(event(
                c.city_id,
                id,
                Some(RequestStatus::Reported),
                RequestStatus::Dispatched,
                RequestStep::Dispatch,
                None,
                route.label(lang),
                assignee,
                t,
            ));
        }
        request_event::Entity::insert_many(events)
            .exec_without_returning(&txn)
            .await?;
        if !photo_ids.is_empty() {
            request_photo::Entity::insert_many(photo_ids.iter().map(|a| {
                request_photo::ActiveModel {
                    city_id: Set(c.city_id),
                    request_id: Set(id),
                    attachment_id: Set(*a),
                    ..Default::default()
                }
            }))
            .exec_without_returning(&txn)
            .await?;
        }
        let after = serde_json::json!({
            "category": category.code, "place": place.label, "status": status.as_str(),
            "assignee_id": assignee, "grid_id": grid_id, "channel": channel.as_str(),
            "photos": photo_ids, "due_at": due_at,
        });
        Change::by(actor, c.id, "request.report", "service_request", id)
            .after(after)
            .record(&txn)
            .await?;
        if let Some(a) = assignee {
            let title = format!("{}：{}", category.name_zh, place.label);
            crate::proposals::notify(
                &txn,
                t,
                &[a],
                "request.assigned",
                &title,
                &title,
                &format!("/requests/{id}"),
            )
            .await?;
        }
        txn.commit().await?;
        let loaded = self.load_request(self.read(), id).await?;
        self.request_view(&loaded, actor).await
    }
}

/// A new request row placed in a compound, with every level above it.
pub fn located(c: &crate::entity::compound::Model) -> service_request::ActiveModel {
    service_request::ActiveModel {
        city_id: Set(c.city_id),
        district_id: Set(c.district_id),
        subdistrict_id: Set(c.subdistrict_id),
        community_id: Set(c.community_id),
        compound_id: Set(c.id),
        ..Default::default()
    }
}

/// What is wrong with photos added to `already` ones: too many, too large, not an image.
fn check_photos(photos: &[PhotoUpload], already: usize) -> Vec<Invalid> {
    let mut out = Vec::new();
    if already + photos.len() > MAX_PHOTOS {
        out.push(Invalid::TooManyFiles { max: MAX_PHOTOS });
    }
    for p in photos {
        if p.bytes.len() > MAX_FILE_BYTES {
            out.push(Invalid::FileTooLarge {
                max_mb: (MAX_FILE_BYTES / (1024 * 1024)) as u32,
            });
        } else if !sniff(&p.bytes).is_some_and(|t| t.starts_with("image/")) {
            out.push(Invalid::FileType);
        }
    }
    out
}

impl Store {
    /// Adds a photo to a request that is not closed: the reporter (what it looks like) or
    /// whoever handles it (the fix). Six photos at most.
    pub async fn add_request_photo(
        &self,
        actor: &Actor,
        id: i64,
        photo: PhotoUpload,
    ) -> ServiceResult<super::RequestView> {
        let r = self.load_request(self.read(), id).await?;
        if !r.visible_to(actor) {
            return Err(ServiceError::NotFound {
                entity: "service_request",
            });
        }
        let who = r.who(actor);
        if !(who.reporter || who.assignee || who.handler) {
            return Err(ServiceError::Forbidden);
        }
        let status = r.status();
        if status == RequestStatus::Closed {
            return Err(ServiceError::invalid(
                "step",
                Invalid::RequestStep {
                    step: linli_domain::requests::RequestStep::Resolve,
                    status,
                },
            ));
        }
        let already = request_photo::Entity::find()
            .filter(request_photo::Column::RequestId.eq(id))
            .count(self.read())
            .await?;
        let errors: Vec<FieldError> = check_photos(std::slice::from_ref(&photo), already as usize)
            .into_iter()
            .map(|e| FieldError::new("photos", e))
            .collect();
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let file = self
            .save_file(
                actor,
                r.row.compound_id,
                Purpose::Attachment,
                &photo.file_name,
                photo.bytes,
            )
            .await?;
        let txn = self.begin_write().await?;
        request_photo::Entity::insert(request_photo::ActiveModel {
            city_id: Set(r.row.city_id),
            request_id: Set(id),
            attachment_id: Set(file.id),
            ..Default::default()
        })
        .exec_without_returning(&txn)
        .await?;
        Change::by(
            actor,
            r.row.compound_id,
            "request.photo",
            "service_request",
            id,
        )
        .after(serde_json::json!({"attachment_id": file.id}))
        .record(&txn)
        .await?;
        txn.commit().await?;
        self.service_request(actor, id).await
    }
}

/// The grid of a building's common places: the grid most of its households are in.
async fn grid_of_building<C: ConnectionTrait>(
    db: &C,
    compound_id: i64,
    building_id: i64,
) -> ServiceResult<Option<i64>> {
    let row: Option<(i64, i64)> = grid_household::Entity::find()
        .select_only()
        .column(grid_household::Column::GridId)
        .column_as(grid_household::Column::Id.count(), "n")
        .filter(
            grid_household::Column::HouseholdId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(household::Column::Id)
                    .from(household::Entity)
                    .and_where(household::Column::CompoundId.eq(compound_id))
                    .and_where(household::Column::BuildingId.eq(building_id))
                    .to_owned(),
            ),
        )
        .group_by(grid_household::Column::GridId)
        .order_by_desc(grid_household::Column::Id.count())
        .into_tuple()
        .one(db)
        .await?;
    Ok(row.map(|r| r.0))
}

/// A timeline row of a request of a compound in `city_id` (the table is partitioned by it).
#[allow(clippy::too_many_arguments)]
pub fn event(
    city_id: i64,
    request_id: i64,
    from: Option<RequestStatus>,
    to: RequestStatus,
    step: RequestStep,
    actor_id: Option<i64>,
    actor_name: &str,
    assignee_id: Option<i64>,
    at: i64,
) -> request_event::ActiveModel {
    request_event::ActiveModel {
        request_id: Set(request_id),
        from_status: Set(from),
        to_status: Set(to),
        step: Set(step),
        actor_id: Set(actor_id),
        actor_name: Set(actor_name.chars().take(100).collect()),
        assignee_id: Set(assignee_id),
        note: Set(String::new()),
        at: Set(at),
        city_id: Set(city_id),
        ..Default::default()
    }
}
