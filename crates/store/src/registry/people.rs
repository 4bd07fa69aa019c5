//! Owners and residents of a household: co-owners with shares and one designated voter,
//! residents (owner, family, tenant) with move-in and move-out kept as history.

use super::field;
use super::households::shown_phone;
use super::owner_names::{self, Households};
use crate::accounts::Actor;
use crate::audit::{self, Change};
use crate::entity::{household, ownership, person, residency};
use crate::error::{ServiceError, ServiceResult};
use crate::{Store, paths};
use linli_domain::authz::Action;
use linli_domain::registry::{Phone, ResidentKind, Share, Text};
use linli_domain::{FieldError, Invalid};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OwnerView {
    pub ownership_id: i64,
    pub person_id: i64,
    pub name: String,
    pub phone: Option<String>,
    /// "50%"
    pub share: String,
    pub share_bp: i32,
    pub designated_voter: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ResidentView {
    pub residency_id: i64,
    pub person_id: i64,
    pub name: String,
    pub phone: Option<String>,
    pub kind: ResidentKind,
    pub moved_in: String,
    pub moved_out: Option<String>,
}

/// A person named on a form: found by phone when one is given, else created.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct OwnerInput {
    pub name: String,
    #[serde(default)]
    pub phone: String,
    /// Percent, blank for sole ownership: "50", "33.33".
    #[serde(default)]
    pub share: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ResidentInput {
    pub name: String,
    #[serde(default)]
    pub phone: String,
    /// `owner`, `family` or `tenant`.
    pub kind: String,
    /// YYYY-MM-DD; blank for today.
    #[serde(default)]
    pub moved_in: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct MoveOutInput {
    /// YYYY-MM-DD; blank for today.
    #[serde(default)]
    pub moved_out: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct VoterInput {
    pub person_id: i64,
}

/// A date as typed (today when blank), at most a year ahead.
fn parse_date(s: &str, clock: &crate::Clock) -> Result<time::Date, Invalid> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(clock.today());
    }
    clock.within_a_year(crate::clock::parse_day(s)?)
}

fn format_date(d: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

async fn find_or_create_person<C: ConnectionTrait>(
    db: &C,
    at: i64,
    name: &Text,
    phone: Option<&Phone>,
) -> ServiceResult<i64> {
    if let Some(phone) = phone {
        let existing = person::Entity::find()
            .filter(person::Column::Phone.eq(phone.as_str()))
            .filter(person::Column::Name.eq(name.as_str()))
            .one(db)
            .await?;
        if let Some(p) = existing {
            return Ok(p.id);
        }
    }
    Ok(person::Entity::insert(person::ActiveModel {
        name: Set(name.as_str().to_string()),
        phone: Set(phone.map(|p| p.as_str().to_string())),
        created_at: Set(at),
        ..Default::default()
    })
    .exec(db)
    .await?
    .last_insert_id)
}

fn parse_person(
    name: &str,
    phone: &str,
    e: &mut Vec<FieldError>,
) -> (Option<Text>, Option<Option<Phone>>) {
    let name = field(e, "person_name", Text::parse(name, 40));
    let phone = if phone.trim().is_empty() {
        Some(None)
    } else {
        field(e, "phone", Phone::parse(phone)).map(Some)
    };
    (name, phone)
}

/// An owner or a resident of a household with the person's name and phone.
struct PersonRow {
    resident: bool,
    id: i64,
    person_id: i64,
    name: String,
    phone: Option<String>,
    share_bp: i64,
    /// A resident's kind; none for an owner.
    kind: Option<ResidentKind>,
    moved_in: String,
    moved_out: Option<String>,
}

impl Store {
    /// Owners (in the order they were registered) and residents (latest move-in first) of a
    /// household with their names and phones, in one read.
    pub(crate) async fn people_of(
        &self,
        h: &household::Model,
        personal: bool,
    ) -> ServiceResult<(Vec<OwnerView>, Vec<ResidentView>)> {
        let rows = self
            .fetch(self.people_of_read(h.id), |r| {
                Ok(PersonRow {
                    resident: r.int(0)? == 1,
                    id: r.int(1)?,
                    person_id: r.int(2)?,
                    name: r.opt_text(3)?.unwrap_or_default(),
                    phone: r.opt_text(4)?,
                    share_bp: r.opt_int(5)?.unwrap_or(0),
                    kind: r
                        .opt_text(6)?
                        .map(|k| super::stored(k, ResidentKind::parse))
                        .transpose()?,
                    moved_in: r.opt_text(7)?.unwrap_or_default(),
                    moved_out: r.opt_text(8)?,
                })
            })
            .await?;
        let (mut owners, mut residents): (Vec<PersonRow>, Vec<PersonRow>) =
            rows.into_iter().partition(|r| !r.resident);
        owners.sort_by_key(|o| o.id);
        residents.sort_by_key(|r| r.id);
        residents.sort_by(|a, b| b.moved_in.cmp(&a.moved_in));
        Ok((
            owners
                .into_iter()
                .map(|o| OwnerView {
                    ownership_id: o.id,
                    person_id: o.person_id,
                    phone: shown_phone(o.phone.as_deref(), personal),
                    name: o.name,
                    share: Share::from_bp(o.share_bp)
                        .map(|s| s.percent())
                        .unwrap_or_default(),
                    share_bp: i32::try_from(o.share_bp).unwrap_or_default(),
                    designated_voter: h.designated_voter_id == Some(o.person_id),
                })
                .collect(),
            residents
                .into_iter()
                .filter_map(|r| {
                    Some(ResidentView {
                        residency_id: r.id,
                        person_id: r.person_id,
                        phone: shown_phone(r.phone.as_deref(), personal),
                        kind: r.kind?,
                        name: r.name,
                        moved_in: r.moved_in,
                        moved_out: r.moved_out,
                    })
                })
                .collect(),
        ))
    }

    /// [`Store::people_of`]'s read: owners and residents with their names and phones.
    pub(crate) fn people_of_read(&self, household_id: i64) -> sea_orm::Statement {
        // Dates as text (`2024-03-01`) on both databases.
        self.sql(
            "SELECT 0, o.id, o.person_id, p.name, p.phone, o.share_bp, \
             CAST(NULL AS TEXT), CAST(NULL AS TEXT), CAST(NULL AS TEXT) \
             FROM ownership o LEFT JOIN person p ON p.id = o.person_id \
             WHERE o.household_id = $1 \
             UNION ALL \
             SELECT 1, r.id, r.person_id, p.name, p.phone, CAST(NULL AS INTEGER), \
             r.kind, CAST(r.moved_in AS TEXT), CAST(r.moved_out AS TEXT) \
             FROM residency r LEFT JOIN person p ON p.id = r.person_id \
             WHERE r.household_id = $1",
            vec![household_id.into()],
        )
    }

    async fn people_gate(
        &self,
        actor: &Actor,
        household_id: i64,
    ) -> ServiceResult<(i64, household::Model)> {
        let (c, h) = self.household_with_compound(household_id).await?;
        actor.require(Action::ManagePeople, &paths::household_path(&c, &h))?;
        Ok((c.id, h))
    }

    /// Adds an owner. Shares of all owners may not exceed 100%; the first owner becomes the
    /// designated voter.
    pub async fn add_owner(
        &self,
        actor: &Actor,
        household_id: i64,
        input: &OwnerInput,
    ) -> ServiceResult<OwnerView> {
        let (chain, h) = self.people_gate(actor, household_id).await?;
        let mut e = Vec::new();
        let (name, phone) = parse_person(&input.name, &input.phone, &mut e);
        let share = field(&mut e, "share", Share::parse_percent(&input.share));
        let (Some(name), Some(phone), Some(share), true) = (name, phone, share, e.is_empty())
        else {
            return Err(ServiceError::Invalid(e));
        };
        let txn = self.begin_write().await?;
        let existing = ownership::Entity::find()
            .filter(ownership::Column::HouseholdId.eq(household_id))
            .all(&txn)
            .await?;
        let held: i64 = existing.iter().map(|o| i64::from(o.share_bp)).sum();
        if held + i64::from(share.bp()) > 10_000 {
            return Err(ServiceError::invalid("share", Invalid::BadShare));
        }
        let person_id = find_or_create_person(&txn, self.now(), &name, phone.as_ref()).await?;
        if existing.iter().any(|o| o.person_id == person_id) {
            return Err(ServiceError::invalid("person_name", Invalid::Taken));
        }
        let id = ownership::Entity::insert(ownership::ActiveModel {
            household_id: Set(household_id),
            city_id: Set(h.city_id),
            person_id: Set(person_id),
            share_bp: Set(share.bp()),
            created_at: Set(self.now()),
            ..Default::default()
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        owner_names::keep(&txn, Households::Ids(Some(h.city_id), &[household_id])).await?;
        let voter = h.designated_voter_id.is_none();
        if voter {
            household::Entity::update_many()
                .col_expr(household::Column::DesignatedVoterId, Expr::value(person_id))
                .filter(household::Column::CityId.eq(h.city_id))
                .filter(household::Column::Id.eq(household_id))
                .exec(&txn)
                .await?;
        }
        audit::record(
            &txn,
            Change {
                chain,
                at: self.now(),
                actor: Some(actor.account_id),
                action: "owner.add",
                entity: "household",
                entity_id: household_id,
                before: None,
                after: Some(serde_json::json!({"person_id": person_id, "name": name.as_str(), "share_bp": share.bp()})),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(OwnerView {
            ownership_id: id,
            person_id,
            name: name.into_string(),
            phone: phone.map(|p| p.as_str().to_string()),
            share: share.percent(),
            share_bp: share.bp(),
            designated_voter: voter,
        })
    }

    /// Removes an owner (after a sale, say). The designated voter passes to a remaining owner.
    pub async fn remove_owner(
        &self,
        actor: &Actor,
        household_id: i64,
        ownership_id: i64,
    ) -> ServiceResult<()> {
        let (chain, h) = self.people_gate(actor, household_id).await?;
        let txn = self.begin_write().await?;
        let o = ownership::Entity::find_by_id(ownership_id)
            .one(&txn)
            .await?
            .filter(|o| o.household_id == household_id)
            .ok_or(ServiceError::NotFound {
                entity: "ownership",
            })?;
        ownership::Entity::delete_by_id(ownership_id)
            .exec(&txn)
            .await?;
        owner_names::keep(&txn, Households::Ids(Some(h.city_id), &[household_id])).await?;
        if h.designated_voter_id == Some(o.person_id) {
            let next = ownership::Entity::find()
                .filter(ownership::Column::HouseholdId.eq(household_id))
                .order_by_asc(ownership::Column::Id)
                .one(&txn)
                .await?
                .map(|o| o.person_id);
            household::Entity::update_many()
                .col_expr(household::Column::DesignatedVoterId, Expr::value(next))
                .filter(household::Column::CityId.eq(h.city_id))
                .filter(household::Column::Id.eq(household_id))
                .exec(&txn)
                .await?;
        }
        audit::record(
            &txn,
            Change {
                chain,
                at: self.now(),
                actor: Some(actor.account_id),
                action: "owner.remove",
                entity: "household",
                entity_id: household_id,
                before: Some(serde_json::json!({"person_id": o.person_id, "share_bp": o.share_bp})),
                after: None,
            },
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Co-owners designate one of them to vote for the household.
    pub async fn set_voter(
        &self,
        actor: &Actor,
        household_id: i64,
        input: &VoterInput,
    ) -> ServiceResult<()> {
        let (chain, h) = self.people_gate(actor, household_id).await?;
        let txn = self.begin_write().await?;
        let is_owner = ownership::Entity::find()
            .filter(ownership::Column::HouseholdId.eq(household_id))
            .filter(ownership::Column::PersonId.eq(input.person_id))
            .one(&txn)
            .await?
            .is_some();
        if !is_owner {
            return Err(ServiceError::invalid("person_name", Invalid::BadChoice));
        }
        household::Entity::update_many()
            .col_expr(
                household::Column::DesignatedVoterId,
                Expr::value(input.person_id),
            )
            .filter(household::Column::CityId.eq(h.city_id))
            .filter(household::Column::Id.eq(household_id))
            .exec(&txn)
            .await?;
        audit::record(
            &txn,
            Change {
                chain,
                at: self.now(),
                actor: Some(actor.account_id),
                action: "voter.designate",
                entity: "household",
                entity_id: household_id,
                before: Some(serde_json::json!({"designated_voter_id": h.designated_voter_id})),
                after: Some(serde_json::json!({"designated_voter_id": input.person_id})),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Records a person moving in.
    pub async fn move_in(
        &self,
        actor: &Actor,
        household_id: i64,
        input: &ResidentInput,
    ) -> ServiceResult<ResidentView> {
        let (chain, h) = self.people_gate(actor, household_id).await?;
        let mut e = Vec::new();
        let (name, phone) = parse_person(&input.name, &input.phone, &mut e);
        let kind = field(
            &mut e,
            "kind",
            ResidentKind::parse(&input.kind).map_err(|_| Invalid::BadChoice),
        );
        let date = field(&mut e, "date", parse_date(&input.moved_in, self.clock()));
        let (Some(name), Some(phone), Some(kind), Some(date), true) =
            (name, phone, kind, date, e.is_empty())
        else {
            return Err(ServiceError::Invalid(e));
        };
        let txn = self.begin_write().await?;
        let person_id = find_or_create_person(&txn, self.now(), &name, phone.as_ref()).await?;
        let id = residency::Entity::insert(residency::ActiveModel {
            household_id: Set(household_id),
            city_id: Set(h.city_id),
            person_id: Set(person_id),
            kind: Set(kind),
            moved_in: Set(date),
            moved_out: Set(None),
            ..Default::default()
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        audit::record(
            &txn,
            Change {
                chain,
                at: self.now(),
                actor: Some(actor.account_id),
                action: "resident.move_in",
                entity: "household",
                entity_id: household_id,
                before: None,
                after: Some(serde_json::json!({"person_id": person_id, "name": name.as_str(), "kind": kind.as_str(), "moved_in": format_date(date)})),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(ResidentView {
            residency_id: id,
            person_id,
            name: name.into_string(),
            phone: phone.map(|p| p.as_str().to_string()),
            kind,
            moved_in: format_date(date),
            moved_out: None,
        })
    }

    /// Records a move-out; the residency stays as history.
    pub async fn move_out(
        &self,
        actor: &Actor,
        household_id: i64,
        residency_id: i64,
        input: &MoveOutInput,
    ) -> ServiceResult<()> {
        let (chain, _) = self.people_gate(actor, household_id).await?;
        let date =
            parse_date(&input.moved_out, self.clock()).map_err(|e| FieldError::new("date", e))?;
        let txn = self.begin_write().await?;
        let r = residency::Entity::find_by_id(residency_id)
            .one(&txn)
            .await?
            .filter(|r| r.household_id == household_id)
            .ok_or(ServiceError::NotFound {
                entity: "residency",
            })?;
        if r.moved_out.is_some() {
            return Err(ServiceError::invalid("date", Invalid::Taken));
        }
        if date < r.moved_in {
            return Err(ServiceError::invalid("date", Invalid::BadDate));
        }
        residency::Entity::update_many()
            .col_expr(residency::Column::MovedOut, Expr::value(date))
            .filter(residency::Column::Id.eq(residency_id))
            .exec(&txn)
            .await?;
        audit::record(
            &txn,
            Change {
                chain,
                at: self.now(),
                actor: Some(actor.account_id),
                action: "resident.move_out",
                entity: "household",
                entity_id: household_id,
                before: Some(serde_json::json!({"residency_id": residency_id, "moved_out": null})),
                after: Some(serde_json::json!({"residency_id": residency_id, "moved_out": format_date(date)})),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }
}
