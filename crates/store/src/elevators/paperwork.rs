//! What a printed bill or consent form needs to work without anyone beside it: the day the
//! shares are due, where and when the committee takes money and signed forms back, how to pay
//! by transfer, and whom to ask. Kept on the project, changed by the committee at any stage
//! (even once the shares are fixed: the office may move, the due date may be extended).

use super::plan::text;
use super::{ProjectView, require_view, to_json, update_versioned, yuan};
use crate::Store;
use crate::accounts::Actor;
use crate::audit::Change;
use crate::entity::elevator_project;
use crate::error::{ServiceError, ServiceResult};
use linli_domain::authz::Action;
use linli_domain::{FieldError, Invalid};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The paperwork of a project as stored and shown; blank strings where nothing is set yet.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Paperwork {
    /// The day the shares are due, "2026-12-31".
    pub pay_by: Option<String>,
    /// Where and when payments and signed forms are taken ("3栋1单元101 业委会，周六 9–11 点").
    pub office: String,
    /// How to pay by transfer (bank, account name and number).
    pub pay_how: String,
    /// Whom to ask, with a phone number.
    pub contact: String,
}

impl Paperwork {
    pub(crate) fn of(r: &elevator_project::Model) -> Paperwork {
        Paperwork {
            pay_by: r.pay_by.clone(),
            office: r.office.clone(),
            pay_how: r.pay_how.clone(),
            contact: r.contact.clone(),
        }
    }
}

/// The paperwork as typed on the project's page or sent to the API.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PaperworkInput {
    pub version: i32,
    /// "2026-12-31"; blank for no due date. Not in the past, at most a year ahead.
    #[serde(default)]
    pub pay_by: String,
    #[serde(default)]
    pub office: String,
    #[serde(default)]
    pub pay_how: String,
    #[serde(default)]
    pub contact: String,
}

/// What a consent form of a proposal says about the elevator it decides: each household's
/// share (from the plan, fixed or not yet) and where to bring the signed form back.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct ConsentTerms {
    pub project_id: i64,
    /// Yuan by household id, "27480.00"; empty while the plan has no cost.
    pub shares: BTreeMap<i64, String>,
    pub amount_due_yuan: String,
    pub paperwork: Paperwork,
}

impl Store {
    /// Sets what the bills say about paying. A due date must be a real day, not before today
    /// (unless it is the one already set) and at most a year ahead.
    pub async fn set_elevator_paperwork(
        &self,
        actor: &Actor,
        id: i64,
        input: &PaperworkInput,
    ) -> ServiceResult<ProjectView> {
        let p = self.load_project(id).await?;
        actor.require(Action::ManageProject, &p.path)?;
        let mut errors = Vec::new();
        let office = text("office", &input.office, 200, &mut errors);
        let pay_how = text("pay_how", &input.pay_how, 300, &mut errors);
        let contact = text("contact", &input.contact, 100, &mut errors);
        let pay_by = match input.pay_by.trim() {
            "" => None,
            s if p.row.pay_by.as_deref() == Some(s) => Some(s.to_string()),
            s => {
                let day = crate::clock::parse_day(s)
                    .and_then(|d| self.clock().within_a_year(d))
                    .and_then(|d| {
                        if d < self.today() {
                            Err(Invalid::DateInPast {
                                earliest: self.today().to_string(),
                            })
                        } else {
                            Ok(d)
                        }
                    });
                match day {
                    Ok(d) => Some(d.to_string()),
                    Err(e) => {
                        errors.push(FieldError::new("pay_by", e));
                        None
                    }
                }
            }
        };
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let txn = self.begin_write().await?;
        let update = elevator_project::Entity::update_many()
            .col_expr(elevator_project::Column::PayBy, Expr::value(pay_by))
            .col_expr(elevator_project::Column::Office, Expr::value(office))
            .col_expr(elevator_project::Column::PayHow, Expr::value(pay_how))
            .col_expr(elevator_project::Column::Contact, Expr::value(contact))
            .filter(elevator_project::Column::Id.eq(id));
        update_versioned(&txn, &p, input.version, update).await?;
        let after = elevator_project::Entity::find_by_id(id).one(&txn).await?;
        Change::by(
            actor,
            p.compound.id,
            "elevator.paperwork",
            "elevator_project",
            id,
        )
        .before(to_json(&p.row)?)
        .after(after.as_ref().map(to_json).transpose()?)
        .record(&txn)
        .await?;
        txn.commit().await?;
        self.elevator_project(actor, id).await
    }

    /// The elevator terms a proposal's consent forms print, when the proposal decides a
    /// project (the project links it); `None` for any other proposal.
    pub async fn consent_terms(
        &self,
        actor: &Actor,
        proposal_id: i64,
    ) -> ServiceResult<Option<ConsentTerms>> {
        let row = elevator_project::Entity::find()
            .filter(elevator_project::Column::ProposalId.eq(proposal_id))
            .one(self.read())
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let p = self.load_project(row.id).await?;
        require_view(actor, &p)?;
        let shares = if row.total_cost.is_some() {
            self.elevator_shares(actor, row.id)
                .await?
                .lines
                .into_iter()
                .map(|l| (l.household_id, l.share_yuan))
                .collect()
        } else {
            BTreeMap::new()
        };
        Ok(Some(ConsentTerms {
            project_id: row.id,
            shares,
            amount_due_yuan: if row.total_cost.is_some() {
                yuan(super::amount_due(&row).0)
            } else {
                String::new()
            },
            paperwork: Paperwork::of(&row),
        }))
    }
}
