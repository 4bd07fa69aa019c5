//! Moving a request: the steps a person takes (take, hand on, resolve, confirm and rate, …)
//! and the ones the clock takes (escalate, auto-close), through one writer. A step is refused
//! unless `RequestStatus::next` allows it for this person; the update matches the status and
//! version it was read at, so of two people pressing at once only one moves it.

use super::report::event;
use super::{Loaded, RequestView};
use crate::Store;
use crate::accounts::Actor;
use crate::audit::{self, Change};
use crate::entity::{request_event, role_grant, service_request};
use crate::error::{ServiceError, ServiceResult};
use linli_domain::authz::Action;
use linli_domain::place::NodeKind;
use linli_domain::registry::Text;
use linli_domain::requests::{Deadline, RequestStatus, RequestStep, parse_rating};
use linli_domain::{FieldError, Invalid};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Deserializer};

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct StepInput {
    /// dispatch | take | hand_on | resolve | confirm | reject | escalate | withdraw
    pub step: String,
    /// The version the person saw; a request moved since is a stale edit.
    #[serde(default)]
    pub version: Option<i32>,
    /// For dispatch (none: the committee's queue) and hand_on (required): to whom.
    #[serde(default)]
    pub assignee_id: Option<i64>,
    #[serde(default)]
    pub note: String,
    /// For confirm: 1 to 5.
    #[serde(default, deserialize_with = "number_or_text")]
    #[schema(value_type = Option<i32>)]
    pub rating: String,
    /// For confirm: what the reporter thinks of the result.
    #[serde(default)]
    pub comment: String,
}

/// A rating arrives as `4` from the API and `"4"` from a form.
fn number_or_text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum V {
        N(i64),
        S(String),
        None,
    }
    Ok(match Option::<V>::deserialize(d)? {
        Some(V::N(n)) => n.to_string(),
        Some(V::S(s)) => s,
        Some(V::None) | None => String::new(),
    })
}

/// What a step writes besides the status.
#[derive(Debug, Default)]
pub(crate) struct StepWrite {
    /// `Some(x)`: set the assignee to `x`.
    pub assignee: Option<Option<i64>>,
    pub note: String,
    pub rating: Option<(i32, String)>,
}

impl Store {
    /// Takes a step on a request, as the actor. Every refusal names the rule.
    pub async fn step_request(
        &self,
        actor: &Actor,
        id: i64,
        input: &StepInput,
    ) -> ServiceResult<RequestView> {
        let r = self.load_request(self.read(), id).await?;
        if !r.visible_to(actor) {
            return Err(ServiceError::NotFound {
                entity: "service_request",
            });
        }
        let step = RequestStep::parse(&input.step)
            .ok()
            .filter(|s| s.is_manual())
            .ok_or_else(|| ServiceError::invalid("step", Invalid::BadChoice))?;
        let status = r.status();
        let to = status
            .next(step, r.who(actor), r.row.assignee_id.is_some())
            .map_err(|why| ServiceError::invalid("step", why.invalid(step, status)))?;
        if input.version.is_some_and(|v| v != r.row.version) {
            return Err(ServiceError::Stale {
                current: r.row.version,
            });
        }
        let mut errors = Vec::new();
        let note = Text::parse_optional(&input.note, 500)
            .map_err(|e| errors.push(FieldError::new("note", e)))
            .ok()
            .flatten();
        let mut write = StepWrite {
            note: note.map(|n| n.as_str().to_string()).unwrap_or_default(),
            ..Default::default()
        };
        match step {
            RequestStep::Dispatch | RequestStep::HandOn => match input.assignee_id {
                None if step == RequestStep::HandOn => {
                    errors.push(FieldError::new("assignee_id", Invalid::Required))
                }
                None => write.assignee = Some(None),
                Some(a) if a == actor.account_id && step == RequestStep::HandOn => {
                    errors.push(FieldError::new("assignee_id", Invalid::BadChoice))
                }
                Some(a) => match self.actor(a).await? {
                    Some(who) if who.can(Action::HandleRequest, &r.path) => {
                        write.assignee = Some(Some(a))
                    }
                    _ => errors.push(FieldError::new("assignee_id", Invalid::NotHandler)),
                },
            },
            RequestStep::Take if r.row.assignee_id.is_none() => {
                write.assignee = Some(Some(actor.account_id))
            }
            RequestStep::Confirm => {
                let rating = parse_rating(&input.rating)
                    .map_err(|e| errors.push(FieldError::new("rating", e)))
                    .ok();
                let comment = Text::parse_optional(&input.comment, 500)
                    .map_err(|e| errors.push(FieldError::new("comment", e)))
                    .ok()
                    .flatten();
                if let Some(rating) = rating {
                    write.rating = Some((
                        rating,
                        comment.map(|c| c.as_str().to_string()).unwrap_or_default(),
                    ));
                }
            }
            _ => {}
        }
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let txn = self.begin_write().await?;
        write_step(&txn, &r, step, to, Some(actor), write, self.now()).await?;
        txn.commit().await?;
        let loaded = self.load_request(self.read(), id).await?;
        self.request_view(&loaded, actor).await
    }
}

/// Writes one step of a request inside the caller's transaction: the row (at the status and
/// version it was read at), the timeline row, the audit record and the notifications.
/// `actor` is `None` for the clock.
pub(crate) async fn write_step<C: ConnectionTrait>(
    txn: &C,
    r: &Loaded,
    step: RequestStep,
    to: RequestStatus,
    actor: Option<&Actor>,
    w: StepWrite,
    t: i64,
) -> ServiceResult<()> {
    let row = &r.row;
    let from = r.status();
    let minutes = matches!(r.deadline()?, Deadline::Minutes(_));
    let mut update = service_request::Entity::update_many()
        .col_expr(service_request::Column::Status, Expr::value(to.as_str()))
        .col_expr(
            service_request::Column::Version,
            Expr::value(row.version + 1),
        )
        .filter(service_request::Column::CityId.eq(row.city_id))
        .filter(service_request::Column::Id.eq(row.id))
        .filter(service_request::Column::Version.eq(row.version))
        .filter(service_request::Column::Status.eq(row.status));
    let assignee = match w.assignee {
        Some(a) => {
            update = update.col_expr(service_request::Column::AssigneeId, Expr::value(a));
            a
        }
        None => row.assignee_id,
    };
    match step {
        RequestStep::Take => {
            if row.first_response_at.is_none() {
                update = update.col_expr(service_request::Column::FirstResponseAt, Expr::value(t));
            }
            // A minute deadline ("on site in 30 minutes") is met when someone takes it on.
            if minutes && row.met_at.is_none() {
                update = update.col_expr(service_request::Column::MetAt, Expr::value(t));
            }
        }
        RequestStep::Resolve => {
            update = update.col_expr(service_request::Column::ResolvedAt, Expr::value(t));
            if row.met_at.is_none() {
                update = update.col_expr(service_request::Column::MetAt, Expr::value(t));
            }
        }
        RequestStep::Reject => {
            // Not fixed after all: not resolved, and a working-day deadline not met.
            update = update.col_expr(
                service_request::Column::ResolvedAt,
                Expr::value(Option::<i64>::None),
            );
            if !minutes {
                update = update.col_expr(
                    service_request::Column::MetAt,
                    Expr::value(Option::<i64>::None),
                );
            }
        }
        RequestStep::Confirm | RequestStep::AutoClose | RequestStep::Withdraw => {
            update = update.col_expr(service_request::Column::ClosedAt, Expr::value(t));
            if let Some((rating, comment)) = &w.rating {
                update = update
                    .col_expr(service_request::Column::Rating, Expr::value(*rating))
                    .col_expr(
                        service_request::Column::RatingComment,
                        Expr::value(comment.clone()),
                    );
            }
        }
        RequestStep::Escalate => {
            update = update.col_expr(service_request::Column::EscalatedAt, Expr::value(t));
        }
        RequestStep::Dispatch | RequestStep::HandOn | RequestStep::Report => {}
    }
    if update.exec(txn).await?.rows_affected != 1 {
        return Err(ServiceError::Stale {
            current: row.version + 1,
        });
    }
    let actor_name = actor.map(|a| a.name.as_str()).unwrap_or("系统 / system");
    let mut e = event(
        r.compound.city_id,
        row.id,
        Some(from),
        to,
        step,
        actor.map(|a| a.account_id),
        actor_name,
        assignee,
        t,
    );
    e.note = Set(w.note.clone());
    request_event::Entity::insert(e)
        .exec_without_returning(txn)
        .await?;
    audit::record(
        txn,
        Change {
            chain: row.compound_id,
            at: t,
            actor: actor.map(|a| a.account_id),
            action: match step {
                RequestStep::Dispatch => "request.dispatch",
                RequestStep::Take => "request.take",
                RequestStep::HandOn => "request.hand_on",
                RequestStep::Resolve => "request.resolve",
                RequestStep::Confirm => "request.confirm",
                RequestStep::Reject => "request.reject",
                RequestStep::Escalate => "request.escalate",
                RequestStep::AutoClose => "request.auto_close",
                RequestStep::Withdraw => "request.withdraw",
                RequestStep::Report => "request.report",
            },
            entity: "service_request",
            entity_id: row.id,
            before: Some(serde_json::json!({"status": from.as_str(), "assignee_id": row.assignee_id, "version": row.version})),
            after: Some(serde_json::json!({
                "status": to.as_str(), "assignee_id": assignee, "note": w.note,
                "rating": w.rating.as_ref().map(|r| r.0), "comment": w.rating.as_ref().map(|r| r.1.clone()),
            })),
        },
    )
    .await?;
    let link = format!("/requests/{}", row.id);
    let title = format!("{}：{}", r.category.name_zh, row.place);
    match step {
        RequestStep::Dispatch | RequestStep::HandOn | RequestStep::Reject => {
            if let Some(a) = assignee.filter(|a| Some(*a) != actor.map(|x| x.account_id)) {
                crate::proposals::notify(txn, t, &[a], "request.assigned", &title, &title, &link)
                    .await?;
            }
        }
        RequestStep::Resolve => {
            crate::proposals::notify(
                txn,
                t,
                &[row.reporter_id],
                "request.resolved",
                &format!("已处理，请确认并评价 · {title}"),
                &title,
                &link,
            )
            .await?;
        }
        RequestStep::Escalate => {
            let mut to = community_workers(txn, r).await?;
            to.extend(assignee);
            crate::proposals::notify(
                txn,
                t,
                &to,
                "request.escalated",
                &format!("超期上报社区 · {title}"),
                &title,
                &link,
            )
            .await?;
        }
        _ => {}
    }
    Ok(())
}

/// The accounts of the community workers over the request's compound.
async fn community_workers<C: ConnectionTrait>(db: &C, r: &Loaded) -> ServiceResult<Vec<i64>> {
    let cp = r.compound_path();
    let community = linli_domain::place::Path::new(
        cp.nodes()
            .iter()
            .copied()
            .take_while(|n| n.kind <= NodeKind::Community)
            .collect(),
    );
    let ids: Vec<i64> = role_grant::Entity::find()
        .filter(role_grant::Column::Path.eq(community.to_string()))
        .filter(role_grant::Column::Role.eq("community_worker"))
        .all(db)
        .await?
        .into_iter()
        .map(|g| g.account_id)
        .collect();
    Ok(ids)
}
