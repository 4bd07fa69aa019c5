//! The demo's grids and requests: 纹江花园, 南国新家园 and 甘泉苑 divided into grids of a few
//! buildings each, every household in one, each grid with a grid worker (the demo `grid`
//! login in 南国新家园's first grid; the `volunteer`, `buildinghead` and `committee` logins in
//! 纹江花园's first grid beside its worker), and a few hundred requests over the last six
//! months in every state, so the queues and the figures are not empty. Loaded by
//! `load_demo` (the `serve --demo` world) after the logins exist; the test worlds stay empty.

use crate::DEMO_PASSWORD;
use linli_domain::authz::Role;
use linli_domain::requests::{Channel, Day, Deadline, GridRole, RequestStatus, RequestStep};
use linli_store::audit::{self, Change, GLOBAL_CHAIN};
use linli_store::entity::{
    account, building, compound, grid, grid_household, grid_member, household, region,
    request_category, request_event, service_request,
};
use linli_store::requests::deadline_of;
use linli_store::requests::report::{event, located};
use linli_store::{Store, paths};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;

const DAY: i64 = 86_400;

/// splitmix64: the same demo every time.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: i64) -> i64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        if n <= 0 {
            0
        } else {
            ((u128::from(z) * n as u128) >> 64) as i64
        }
    }
}

async fn login_id(store: &Store, username: &str) -> anyhow::Result<Option<i64>> {
    Ok(account::Entity::find()
        .filter(account::Column::Username.eq(username))
        .one(store.read())
        .await?
        .map(|a| a.id))
}

/// Adds the demo grids and requests; returns how many requests.
pub(crate) async fn seed_demo_requests(store: &Store) -> anyhow::Result<usize> {
    let db = store.read();
    let categories = request_category::Entity::find()
        .order_by_asc(request_category::Column::Sort)
        .all(db)
        .await?;
    let calendar = Store::work_calendar(db).await?;
    let t = store.now();
    let mut rng = Rng(20_240_401);
    let mut made = 0;
    // The three compounds of the articles, then a few of 遂宁's, so the city's officers have
    // requests (some overdue) under them too.
    let mut places = Vec::new();
    for name in ["纹江花园", "南国新家园", "甘泉苑"] {
        places.extend(
            compound::Entity::find()
                .filter(compound::Column::Name.eq(name))
                .one(db)
                .await?,
        );
    }
    if let Some(city) = region::Entity::find()
        .filter(region::Column::Name.eq("遂宁市"))
        .one(db)
        .await?
    {
        places.extend(
            compound::Entity::find()
                .filter(compound::Column::CityId.eq(city.id))
                .order_by_asc(compound::Column::Id)
                .limit(4)
                .all(db)
                .await?,
        );
    }
    for (ci, c) in places.into_iter().enumerate() {
        let name = c.name.clone();
        let cp = paths::compound_path(&c);
        let buildings = building::Entity::find()
            .filter(building::Column::CompoundId.eq(c.id))
            .order_by_asc(building::Column::Id)
            .all(db)
            .await?;
        let per = buildings.len().div_ceil(10).max(2);
        let households = household::Entity::find()
            .filter(household::Column::CompoundId.eq(c.id))
            .order_by_asc(household::Column::Id)
            .all(db)
            .await?;
        let mut grid_of: HashMap<i64, i64> = HashMap::new();
        let mut workers: HashMap<i64, i64> = HashMap::new();
        for (gi, chunk) in buildings.chunks(per).enumerate() {
            let worker = match (ci, gi) {
                (1, 0) => login_id(store, "grid").await?,
                _ => None,
            };
            let worker = match worker {
                Some(w) => w,
                None => {
                    let id = store
                        .create_account(
                            &format!("gw{}_{}", c.id, gi + 1),
                            Some(&format!("139{:08}", c.id * 100 + gi as i64 + 1)),
                            &format!("{name}网格员{}", gi + 1),
                            DEMO_PASSWORD,
                        )
                        .await
                        .map_err(|e| anyhow::anyhow!("{e}"))?;
                    store
                        .grant_role(None, id, Role::GridWorker, &cp)
                        .await
                        .map_err(|e| anyhow::anyhow!("{e}"))?;
                    id
                }
            };
            let txn = store.begin_write().await?;
            let names: Vec<&str> = chunk.iter().map(|b| b.name.as_str()).collect();
            let gid = grid::Entity::insert(grid::ActiveModel {
                compound_id: Set(c.id),
                parent_id: Set(None),
                name: Set(format!("第{}网格", gi + 1)),
                note: Set(names.join("、")),
                created_at: Set(t),
                ..Default::default()
            })
            .exec(&txn)
            .await?
            .last_insert_id;
            let mut members = vec![(worker, GridRole::GridWorker)];
            if ci == 0 && gi == 0 {
                for (login, role) in [
                    ("volunteer", GridRole::Volunteer),
                    ("buildinghead", GridRole::BuildingHead),
                    ("committee", GridRole::PartyMember),
                ] {
                    if let Some(a) = login_id(store, login).await? {
                        members.push((a, role));
                    }
                }
            }
            grid_member::Entity::insert_many(members.iter().map(|(a, role)| {
                grid_member::ActiveModel {
                    grid_id: Set(gid),
                    account_id: Set(*a),
                    role: Set(*role),
                    created_at: Set(t),
                    ..Default::default()
                }
            }))
            .exec_without_returning(&txn)
            .await?;
            let ids: Vec<i64> = chunk.iter().map(|b| b.id).collect();
            let in_grid: Vec<i64> = households
                .iter()
                .filter(|h| ids.contains(&h.building_id))
                .map(|h| h.id)
                .collect();
            for part in in_grid.chunks(500) {
                grid_household::Entity::insert_many(part.iter().map(|h| {
                    grid_household::ActiveModel {
                        household_id: Set(*h),
                        city_id: Set(c.city_id),
                        grid_id: Set(gid),
                        compound_id: Set(c.id),
                        ..Default::default()
                    }
                }))
                .exec_without_returning(&txn)
                .await?;
            }
            txn.commit().await?;
            for h in in_grid {
                grid_of.insert(h, gid);
            }
            workers.insert(gid, worker);
        }
        if households.is_empty() || workers.is_empty() {
            continue;
        }
        let owner = if ci == 0 {
            login_id(store, "owner").await?
        } else {
            None
        };
        let owner_home = match owner {
            Some(o) => store
                .actor(o)
                .await?
                .and_then(|a| a.grants.first().and_then(|g| g.at.target()).map(|n| n.id)),
            None => None,
        };
        let any_worker = *workers.values().next().unwrap_or(&0);
        let txn = store.begin_write().await?;
        let count = match ci {
            0 | 1 => 120,
            2 => 160,
            _ => 30,
        };
        for i in 0..count {
            let cat = &categories[rng.below(categories.len() as i64) as usize];
            let deadline = deadline_of(cat)?;
            let route = cat.route;
            let created = t - rng.below(180 * DAY) - 600;
            let mine = owner.is_some() && i % 15 == 0;
            let h = match (mine, owner_home) {
                (true, Some(home)) => households.iter().find(|x| x.id == home),
                _ if rng.below(5) == 0 => None,
                _ => households.get(rng.below(households.len() as i64) as usize),
            };
            let gid = match h {
                Some(h) => grid_of.get(&h.id).copied(),
                None => workers.keys().next().copied(),
            };
            let worker = gid
                .and_then(|g| workers.get(&g).copied())
                .unwrap_or(any_worker);
            let (reporter, channel) = match (mine, owner) {
                (true, Some(o)) => (o, Channel::App),
                _ => (
                    worker,
                    if rng.below(2) == 0 {
                        Channel::Phone
                    } else {
                        Channel::Visit
                    },
                ),
            };
            let place = match h {
                Some(h) => Store::household_label(&txn, h).await?,
                None => ["北门", "车棚", "1栋 楼道", "垃圾房", "小广场"][rng.below(5) as usize]
                    .to_string(),
            };
            let due = deadline.due(created, &calendar);
            let age = t - created;
            // How far it got, by age: old ones are closed, recent ones still moving; a few overdue.
            let late = rng.below(20) == 0;
            let reached = if late {
                if age > 2 * DAY {
                    RequestStatus::Escalated
                } else {
                    RequestStatus::Dispatched
                }
            } else if age > 14 * DAY {
                if rng.below(10) == 0 {
                    RequestStatus::Resolved
                } else {
                    RequestStatus::Closed
                }
            } else if age > 3 * DAY {
                [
                    RequestStatus::InProgress,
                    RequestStatus::Resolved,
                    RequestStatus::Closed,
                ][rng.below(3) as usize]
            } else {
                [
                    RequestStatus::Reported,
                    RequestStatus::Dispatched,
                    RequestStatus::InProgress,
                ][rng.below(3) as usize]
            };
            let reported_only = reached == RequestStatus::Reported;
            let taken = matches!(
                reached,
                RequestStatus::InProgress | RequestStatus::Resolved | RequestStatus::Closed
            );
            let resolved = matches!(reached, RequestStatus::Resolved | RequestStatus::Closed);
            let span = match deadline {
                Deadline::Minutes(m) => i64::from(m) * 60,
                Deadline::WorkingDays(_) => due - created,
            };
            let first = created + 300 + rng.below((span / 4).max(600));
            // Most are in time; one in eight takes longer than allowed.
            let res = first
                + if rng.below(8) == 0 {
                    span + rng.below(3 * DAY)
                } else {
                    rng.below((span - (first - created)).max(3600))
                };
            let res = res.min(t - 60);
            let rated = reached == RequestStatus::Closed && rng.below(10) < 7;
            let rating = rated.then(|| [5, 5, 5, 5, 5, 4, 4, 4, 3, 2, 1][rng.below(11) as usize]);
            let closed_at =
                (reached == RequestStatus::Closed).then(|| (res + rng.below(3 * DAY)).min(t - 30));
            let met = match deadline {
                Deadline::Minutes(_) if taken => Some(first),
                _ if resolved => Some(res),
                _ => None,
            };
            let assignee = if reported_only { None } else { Some(worker) };
            let id = service_request::Entity::insert(service_request::ActiveModel {
                building_id: Set(h.map(|h| h.building_id)),
                unit_id: Set(h.map(|h| h.unit_id)),
                household_id: Set(h.map(|h| h.id)),
                grid_id: Set(gid),
                place: Set(place.clone()),
                category_id: Set(cat.id),
                description: Set(format!("{}（演示）", cat.name_zh)),
                reporter_id: Set(reporter),
                on_behalf_of: Set(if channel == Channel::App {
                    String::new()
                } else {
                    "住户".into()
                }),
                contact_phone: Set(String::new()),
                channel: Set(channel),
                status: Set(reached),
                route: Set(route),
                assignee_id: Set(assignee),
                public: Set(h.is_none()),
                created_at: Set(created),
                month: Set(Day::of(created).month().to_string()),
                due_at: Set(due),
                met_at: Set(met),
                first_response_at: Set(taken.then_some(first)),
                resolved_at: Set(resolved.then_some(res)),
                closed_at: Set(closed_at),
                escalated_at: Set((reached == RequestStatus::Escalated).then_some(due + 60)),
                rating: Set(rating),
                rating_comment: Set(if rating == Some(5) {
                    "很及时，谢谢！".into()
                } else {
                    String::new()
                }),
                version: Set(1),
                ..located(&c)
            })
            .exec(&txn)
            .await?
            .last_insert_id;
            let name = |a: i64| {
                if a == reporter && channel == Channel::App {
                    "业主"
                } else {
                    "网格员"
                }
            };
            let mut events = vec![event(
                c.city_id,
                id,
                None,
                RequestStatus::Reported,
                RequestStep::Report,
                Some(reporter),
                name(reporter),
                None,
                created,
            )];
            if !reported_only {
                events.push(event(
                    c.city_id,
                    id,
                    Some(RequestStatus::Reported),
                    RequestStatus::Dispatched,
                    RequestStep::Dispatch,
                    None,
                    route.label(linli_domain::Lang::Zh),
                    assignee,
                    created,
                ));
            }
            if reached == RequestStatus::Escalated {
                events.push(event(
                    c.city_id,
                    id,
                    Some(RequestStatus::Dispatched),
                    RequestStatus::Escalated,
                    RequestStep::Escalate,
                    None,
                    "系统 / system",
                    assignee,
                    due + 60,
                ));
            }
            if taken {
                events.push(event(
                    c.city_id,
                    id,
                    Some(RequestStatus::Dispatched),
                    RequestStatus::InProgress,
                    RequestStep::Take,
                    Some(worker),
                    "网格员",
                    assignee,
                    first,
                ));
            }
            if resolved {
                events.push(event(
                    c.city_id,
                    id,
                    Some(RequestStatus::InProgress),
                    RequestStatus::Resolved,
                    RequestStep::Resolve,
                    Some(worker),
                    "网格员",
                    assignee,
                    res,
                ));
            }
            if let Some(at) = closed_at {
                let (step, who) = if rated {
                    (RequestStep::Confirm, Some(reporter))
                } else {
                    (RequestStep::AutoClose, None)
                };
                events.push(event(
                    c.city_id,
                    id,
                    Some(RequestStatus::Resolved),
                    RequestStatus::Closed,
                    step,
                    who,
                    if rated { "居民" } else { "系统 / system" },
                    assignee,
                    at,
                ));
            }
            request_event::Entity::insert_many(events)
                .exec_without_returning(&txn)
                .await?;
            made += 1;
        }
        txn.commit().await?;
    }
    let txn = store.begin_write().await?;
    audit::record(
        &txn,
        Change {
            chain: GLOBAL_CHAIN,
            at: store.now(),
            actor: None,
            action: "demo.requests",
            entity: "demo",
            entity_id: 0,
            before: None,
            after: Some(serde_json::json!({"requests": made})),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(made)
}
