//! Lists of requests: the reporter's own, a worker's queue (assigned to me, my grids', overdue,
//! escalated, all open where I handle requests), and a compound's list (all of it for those
//! who handle requests there; residents see the common-place ones and their own). Paged,
//! newest first; every filter is an indexed column of `service_request`.

use super::{category_name, is_overdue};
use crate::accounts::Actor;
use crate::entity::{compound, grid_member, request_category, service_request};
use crate::error::{ServiceError, ServiceResult};
use crate::{Store, china_time, paths};
use linli_domain::authz::{Action, permits};
use linli_domain::place::NodeKind;
use linli_domain::requests::{RequestStatus, overdue_sql};
use linli_domain::{Bilingual, PageRequest, Paged};
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    Select,
};
use serde::Serialize;
use std::collections::HashMap;

/// A request in a list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RequestSummary {
    pub id: i64,
    pub compound_id: i64,
    pub compound_name: String,
    /// The category's name; the API sends the reader's as `category`.
    #[serde(skip)]
    pub category: Bilingual,
    pub place: String,
    pub status: RequestStatus,
    pub reported_at: String,
    pub due_at: String,
    pub overdue: bool,
    pub assignee_name: String,
    pub rating: Option<i32>,
}

pub use linli_domain::requests::Queue;

fn open_statuses() -> [&'static str; 5] {
    RequestStatus::OPEN.map(|s| s.as_str())
}

/// The actor's overdue queue: requests they handle, still open and overdue at `now` (the
/// workers' "overdue" tab, and the officer's home counts it by compound).
pub(crate) fn overdue_for(actor: &Actor, now: i64) -> Condition {
    Condition::all()
        .add(handled_by(actor))
        .add(service_request::Column::Status.is_in(open_statuses()))
        .add(Expr::cust(overdue_sql(now)))
}

/// `at` (requests at a place) within the place's city when it is known, so that PostgreSQL
/// reads that city's partition of the requests alone.
pub(crate) fn in_city(city: Option<i64>, at: SimpleExpr) -> Condition {
    let cond = Condition::all().add(at);
    match city {
        Some(city) => cond.add(service_request::Column::CityId.eq(city)),
        None => cond,
    }
}

/// Requests at places where the actor handles requests (mirrors `allowed` for `HandleRequest`).
pub(crate) fn handled_by(actor: &Actor) -> Condition {
    use service_request::Column as C;
    let mut any = Condition::any();
    let mut added = 0;
    for g in actor
        .grants
        .iter()
        .filter(|g| permits(g.role, Action::HandleRequest))
    {
        let Some(node) = g.at.target() else { continue };
        let col = match node.kind {
            NodeKind::City => C::CityId,
            NodeKind::District => C::DistrictId,
            NodeKind::Subdistrict => C::SubdistrictId,
            NodeKind::Community => C::CommunityId,
            NodeKind::Compound => C::CompoundId,
            NodeKind::Building => C::BuildingId,
            NodeKind::Unit => C::UnitId,
            NodeKind::Household => C::HouseholdId,
        };
        any = any.add(in_city(g.at.city_id(), col.eq(node.id)));
        added += 1;
    }
    if added == 0 {
        Condition::all().add(Expr::cust("1 = 0"))
    } else {
        any
    }
}

impl Store {
    /// The requests the actor reported.
    pub async fn my_requests(
        &self,
        actor: &Actor,
        page: PageRequest,
    ) -> ServiceResult<Paged<RequestSummary>> {
        let q = service_request::Entity::find()
            .filter(service_request::Column::ReporterId.eq(actor.account_id));
        self.request_page(q, page).await
    }

    /// A worker's queue.
    pub async fn request_queue(
        &self,
        actor: &Actor,
        queue: Queue,
        page: PageRequest,
    ) -> ServiceResult<Paged<RequestSummary>> {
        use service_request::Column as C;
        let q = service_request::Entity::find();
        let q = match queue {
            Queue::Mine => q
                .filter(C::AssigneeId.eq(actor.account_id))
                .filter(C::Status.is_in(open_statuses())),
            Queue::Grid => {
                let grids: Vec<i64> = grid_member::Entity::find()
                    .select_only()
                    .column(grid_member::Column::GridId)
                    .filter(grid_member::Column::AccountId.eq(actor.account_id))
                    .into_tuple()
                    .all(self.read())
                    .await?;
                q.filter(C::GridId.is_in(grids))
                    .filter(C::Status.is_in(open_statuses()))
                    .filter(handled_by(actor))
            }
            Queue::Overdue => q.filter(overdue_for(actor, self.now())),
            Queue::Escalated => q
                .filter(handled_by(actor))
                .filter(C::Status.eq(RequestStatus::Escalated.as_str())),
            Queue::Open => q
                .filter(handled_by(actor))
                .filter(C::Status.is_in(open_statuses())),
        };
        self.request_page(q, page).await
    }

    /// A compound's requests: all of them for those who handle requests there; the public
    /// ones (common places) and their own for everyone else who belongs to it.
    pub async fn compound_requests(
        &self,
        actor: &Actor,
        compound_id: i64,
        open_only: bool,
        page: PageRequest,
    ) -> ServiceResult<Paged<RequestSummary>> {
        use service_request::Column as C;
        let c = self.compound_row(compound_id).await?;
        let cp = paths::compound_path(&c);
        if !actor.can(Action::ViewPublic, &cp) {
            return Err(ServiceError::Forbidden);
        }
        let mut q = service_request::Entity::find()
            .filter(C::CityId.eq(c.city_id))
            .filter(C::CompoundId.eq(c.id));
        if !actor.can(Action::HandleRequest, &cp) {
            q = q.filter(
                Condition::any()
                    .add(C::Public.eq(true))
                    .add(C::ReporterId.eq(actor.account_id))
                    .add(handled_by(actor)),
            );
        }
        if open_only {
            q = q.filter(C::Status.is_in(open_statuses()));
        }
        self.request_page(q, page).await
    }

    pub(crate) async fn request_page(
        &self,
        q: Select<service_request::Entity>,
        page: PageRequest,
    ) -> ServiceResult<Paged<RequestSummary>> {
        let db = self.read();
        let rows = q
            .clone()
            .order_by_desc(service_request::Column::Id)
            .offset(page.offset())
            .limit(page.size())
            .all(db)
            .await?;
        // A first page that is not full needs no count.
        let total = if page.page() == 1 && (rows.len() as u64) < page.size() {
            rows.len() as u64
        } else {
            q.count(db).await?
        };
        let items = self.summaries(rows).await?;
        Ok(Paged::new(items, total, page))
    }

    pub(crate) async fn summaries(
        &self,
        rows: Vec<service_request::Model>,
    ) -> ServiceResult<Vec<RequestSummary>> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let db = self.read();
        let categories: HashMap<i64, Bilingual> = request_category::Entity::find()
            .all(db)
            .await?
            .iter()
            .map(|c| (c.id, category_name(c)))
            .collect();
        let mut compound_ids: Vec<i64> = rows.iter().map(|r| r.compound_id).collect();
        compound_ids.sort_unstable();
        compound_ids.dedup();
        let compounds: HashMap<i64, String> = compound::Entity::find()
            .filter(compound::Column::Id.is_in(compound_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.id, c.name))
            .collect();
        let names = self
            .account_names(rows.iter().filter_map(|r| r.assignee_id))
            .await?;
        let t = self.now();
        Ok(rows
            .into_iter()
            .map(|r| RequestSummary {
                id: r.id,
                compound_id: r.compound_id,
                compound_name: compounds.get(&r.compound_id).cloned().unwrap_or_default(),
                category: categories.get(&r.category_id).cloned().unwrap_or_default(),
                overdue: is_overdue(&r, t),
                place: r.place,
                status: r.status,
                reported_at: china_time(r.created_at),
                due_at: china_time(r.due_at),
                assignee_name: r
                    .assignee_id
                    .and_then(|a| names.get(&a).cloned())
                    .unwrap_or_default(),
                rating: r.rating,
            })
            .collect())
    }
}
