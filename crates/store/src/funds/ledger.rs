//! The ledger: recording income and expenses (an expense with its receipt photo; money of
//! the maintenance fund only with the owners' decision or as a marked emergency), correcting
//! an entry by a reversing one, the pages of entries, the per-household balances of a
//! maintenance fund, and the mirror of elevator payments in the project's account.

use super::{
    LoadedAccount, NewAccount, can_read_ledger, first_open_day, lock_account, posted_until,
    project_account_name, summary, yuan,
};
use crate::Store;
use crate::accounts::Actor;
use crate::audit::Change;
use crate::entity::{
    attachment, compound, elevator_payment, fund_account, fund_entry, fund_share, household,
    proposal,
};
use crate::error::{ServiceError, ServiceResult};
use crate::files::Purpose;
use linli_domain::authz::Action;
use linli_domain::elevator::parse_yuan;
use linli_domain::funds::rules::TOP_UP_DEFAULT_BP;
use linli_domain::funds::{
    AccountKind, Category, Day, Decision, Direction, EmergencyKind, EntryRequest, IncomeSource,
    approve, split_by_area,
};
use linli_domain::registry::Text;
use linli_domain::{Area, Fen, FieldError, Invalid, PageRequest, Paged};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An entry as typed: `{"direction": "expense", "category": "repair", "amount": "1200.50",
/// "occurred_on": "2024-05-01", "note": "…", "receipt_id": 12}`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct EntryInput {
    /// `income` or `expense`.
    pub direction: String,
    /// The income source or the expense purpose (code).
    pub category: String,
    /// Yuan as typed, more than zero ("1200.50").
    pub amount: String,
    /// "2024-05-01"; blank for today (China time).
    #[serde(default)]
    pub occurred_on: String,
    #[serde(default)]
    pub note: String,
    /// A household: whose deposit it is (maintenance fund), or who paid.
    #[serde(default)]
    pub household_id: Option<i64>,
    /// The decision that approves it (required to spend or raise the maintenance fund).
    #[serde(default)]
    pub proposal_id: Option<i64>,
    /// An emergency kind (`elevator_fault`, `fire_safety`, `facade_danger`, `leak`, `drain`):
    /// a maintenance-fund spending paid before a decision and published after.
    #[serde(default)]
    pub emergency: String,
    /// A maintenance-fund income that raises the fund (needs a passed `raise_fund` decision).
    #[serde(default)]
    pub top_up: bool,
    /// The receipt photo of an expense, uploaded first (`POST /compounds/{id}/files?purpose=attachment`).
    #[serde(default)]
    pub receipt_id: Option<i64>,
}

/// An uploaded receipt photo sent with a form.
pub struct ReceiptUpload {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// Correcting an entry: why.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CorrectInput {
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EntryView {
    pub id: i64,
    pub account_id: i64,
    pub occurred_on: String,
    pub direction: linli_domain::funds::Direction,
    pub category: String,
    /// Signed: income positive, expense negative.
    pub amount: i64,
    pub amount_yuan: String,
    pub household_id: Option<i64>,
    pub household_label: String,
    pub note: String,
    pub receipt_attachment_id: Option<i64>,
    pub proposal_id: Option<i64>,
    pub emergency: Option<linli_domain::funds::EmergencyKind>,
    pub top_up: bool,
    pub corrects_entry_id: Option<i64>,
    /// The entry that reverses this one, if it was corrected.
    pub corrected_by: Option<i64>,
    pub payment_id: Option<i64>,
    pub recorded_by_name: String,
    pub recorded_on: String,
}

/// A household's line of a maintenance fund.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HouseholdBalance {
    pub household_id: i64,
    pub label: String,
    pub area: String,
    pub deposited: i64,
    pub deposited_yuan: String,
    /// Its shares of the spending (by area), as a positive amount.
    pub spent: i64,
    pub spent_yuan: String,
    pub balance: i64,
    pub balance_yuan: String,
}

/// An account's page: the account, a page of entries (newest first), the monthly balance
/// history, and for a maintenance fund every household of the building.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AccountView {
    pub account: super::AccountSummary,
    pub compound_name: String,
    #[schema(value_type = Object)]
    pub entries: Paged<EntryView>,
    pub history: Vec<super::BalancePoint>,
    pub households: Vec<HouseholdBalance>,
    /// Emergency spending not yet in a posted statement: to be published.
    pub unpublished_emergencies: Vec<EntryView>,
    pub can_manage: bool,
    /// The first day a new entry may carry ("2024-07-01" after a statement to 06-30).
    pub first_open_day: String,
}

pub(crate) fn entry_view(
    e: &fund_entry::Model,
    corrected_by: Option<i64>,
    labels: &BTreeMap<i64, String>,
) -> EntryView {
    EntryView {
        id: e.id,
        account_id: e.account_id,
        occurred_on: e.occurred_on.clone(),
        direction: e.direction,
        category: e.category.clone(),
        amount: e.amount,
        amount_yuan: yuan(e.amount),
        household_id: e.household_id,
        household_label: e
            .household_id
            .and_then(|h| labels.get(&h).cloned())
            .unwrap_or_default(),
        note: e.note.clone(),
        receipt_attachment_id: e.receipt_attachment_id,
        proposal_id: e.proposal_id,
        emergency: e.emergency,
        top_up: e.top_up,
        corrects_entry_id: e.corrects_entry_id,
        corrected_by,
        payment_id: e.payment_id,
        recorded_by_name: e.recorded_by_name.clone(),
        recorded_on: crate::china_date(e.created_at),
    }
}

/// A positive amount in yuan as typed.
fn positive_yuan(s: &str) -> Result<Fen, Invalid> {
    match parse_yuan(s)? {
        Fen(0) => Err(Invalid::NotPositive),
        f => Ok(f),
    }
}

/// Everything an entry needs, parsed and checked against the registry and the decision.
struct Parsed {
    category: Category,
    amount: Fen,
    day: Option<Day>,
    note: String,
    household: Option<household::Model>,
    proposal_id: Option<i64>,
    emergency: Option<EmergencyKind>,
    top_up: bool,
}

impl Store {
    async fn parse_entry(&self, a: &LoadedAccount, input: &EntryInput) -> ServiceResult<Parsed> {
        let db = self.read();
        let mut errors = Vec::new();
        let category = match Direction::parse(&input.direction) {
            Ok(_) => Category::parse(&input.direction, &input.category)
                .map_err(|e| errors.push(FieldError::new("category", e)))
                .ok(),
            Err(e) => {
                errors.push(FieldError::new("direction", e));
                None
            }
        };
        let amount = positive_yuan(&input.amount)
            .map_err(|e| errors.push(FieldError::new("amount", e)))
            .ok();
        let day = if input.occurred_on.trim().is_empty() {
            None
        } else {
            Day::parse(&input.occurred_on)
                .map_err(|e| errors.push(FieldError::new("occurred_on", e)))
                .ok()
        };
        if day.is_some_and(|d| d > self.fund_today()) {
            errors.push(FieldError::new("occurred_on", Invalid::FuturePeriod));
        }
        let note = Text::parse_optional(&input.note, 200)
            .map_err(|e| errors.push(FieldError::new("note", e)))
            .ok()
            .flatten();
        let household = match input.household_id {
            None => None,
            Some(hid) => {
                let h = household::Entity::find_by_id(hid).one(db).await?;
                let fits = |h: &household::Model| {
                    h.compound_id == a.compound.id
                        && a.row.building_id.is_none_or(|b| b == h.building_id)
                };
                match h.filter(fits) {
                    Some(h) => Some(h),
                    None => {
                        errors.push(FieldError::new("household_id", Invalid::OtherCompound));
                        None
                    }
                }
            }
        };
        let emergency = if input.emergency.trim().is_empty() {
            None
        } else {
            EmergencyKind::parse(&input.emergency)
                .map_err(|e| errors.push(FieldError::new("emergency", e)))
                .ok()
        };
        let decision = match input.proposal_id {
            None => None,
            Some(pid) => match proposal::Entity::find_by_id(pid)
                .one(db)
                .await?
                .filter(|p| p.compound_id == a.compound.id)
            {
                Some(p) => Some(Decision {
                    matter: p.matter,
                    stage: p.stage,
                }),
                None => {
                    errors.push(FieldError::new("proposal_id", Invalid::BadChoice));
                    None
                }
            },
        };
        if let Some(category) = category {
            let request = EntryRequest {
                account: a.kind,
                category,
                top_up: input.top_up,
                decision,
                emergency,
            };
            if let Err(e) = approve(&request)
                && !errors.iter().any(|x| x.field == e.field)
            {
                errors.push(e);
            }
        }
        let (Some(category), Some(amount), true) = (category, amount, errors.is_empty()) else {
            return Err(ServiceError::Invalid(errors));
        };
        Ok(Parsed {
            category,
            amount,
            day,
            note: note.map(Text::into_string).unwrap_or_default(),
            household,
            proposal_id: input.proposal_id,
            emergency,
            top_up: input.top_up,
        })
    }

    /// Records an income or an expense. An expense needs its receipt photo (uploaded with
    /// the form, or the id of one uploaded before); the maintenance fund is spent only with
    /// a passed `use_fund` decision or as a marked emergency, and raised only with a passed
    /// `raise_fund` one. Nothing may be dated on or before the last posted statement's end.
    /// A maintenance spending is split over the building's households by area.
    pub async fn record_fund_entry(
        &self,
        actor: &Actor,
        account_id: i64,
        input: &EntryInput,
        upload: Option<ReceiptUpload>,
    ) -> ServiceResult<EntryView> {
        let a = self.load_account(account_id).await?;
        actor.require(Action::ManageFund, &a.path)?;
        let p = self.parse_entry(&a, input).await?;
        let expense = p.category.direction() == Direction::Expense;
        let receipt = match (input.receipt_id, expense) {
            (Some(rid), _) => {
                let f = attachment::Entity::find_by_id(rid)
                    .one(self.read())
                    .await?
                    .filter(|f| f.compound_id == a.compound.id);
                Some(
                    f.ok_or_else(|| FieldError::new("receipt", Invalid::BadChoice))?
                        .id,
                )
            }
            (None, _) if upload.is_some() => None,
            (None, true) => return Err(ServiceError::invalid("receipt", Invalid::Required)),
            (None, false) => None,
        };
        // The maintenance fund's spending falls on the building's households by area.
        let split = match (a.kind, a.row.building_id, expense) {
            (AccountKind::Maintenance, Some(b), true) => {
                let hh = household::Entity::find()
                    .filter(household::Column::CompoundId.eq(a.compound.id))
                    .filter(household::Column::BuildingId.eq(b))
                    .order_by_asc(household::Column::Id)
                    .all(self.read())
                    .await?;
                let areas: Vec<(i64, Area)> = hh
                    .iter()
                    .filter_map(|h| Area::from_centi(h.area_centi).ok().map(|x| (h.id, x)))
                    .collect();
                split_by_area(p.amount, &areas).map_err(|e| FieldError::new("amount", e))?
            }
            _ => Vec::new(),
        };
        let receipt = match (receipt, upload) {
            (Some(r), _) => Some(r),
            (None, Some(u)) => Some(
                self.save_file(
                    actor,
                    a.compound.id,
                    Purpose::Attachment,
                    &u.file_name,
                    u.bytes,
                )
                .await
                .map_err(|e| match e {
                    ServiceError::Invalid(errs) => ServiceError::Invalid(
                        errs.into_iter()
                            .map(|x| FieldError::new("receipt", x.error))
                            .collect(),
                    ),
                    other => other,
                })?
                .id,
            ),
            (None, None) => None,
        };
        let txn = self.begin_write().await?;
        lock_account(&txn, a.row.id).await?;
        let posted = posted_until(&txn, a.row.id).await?;
        let day = p
            .day
            .unwrap_or_else(|| first_open_day(posted, self.fund_today()));
        if let Some(until) = posted.filter(|u| day <= *u) {
            return Err(ServiceError::invalid(
                "occurred_on",
                Invalid::PeriodPosted {
                    until: until.to_string(),
                },
            ));
        }
        let signed = if expense { -p.amount.0 } else { p.amount.0 };
        let row = insert_entry(
            &txn,
            actor,
            fund_entry::ActiveModel {
                account_id: Set(a.row.id),
                household_id: Set(p.household.as_ref().map(|h| h.id)),
                direction: Set(p.category.direction()),
                category: Set(p.category.code().into()),
                amount: Set(signed),
                occurred_on: Set(day.to_string()),
                note: Set(p.note),
                receipt_attachment_id: Set(receipt),
                proposal_id: Set(p.proposal_id),
                emergency: Set(p.emergency),
                top_up: Set(p.top_up),
                ..Default::default()
            },
            &a.compound,
        )
        .await?;
        insert_shares(&txn, &row, split.iter().map(|(h, f)| (*h, -f.0))).await?;
        txn.commit().await?;
        let labels = Store::household_labels(self.read(), a.compound.id, row.household_id).await?;
        Ok(entry_view(&row, None, &labels))
    }

    /// Corrects an entry: a new entry of the opposite amount in the same category, pointing
    /// at it, dated on the first open day (so it shows in the next statement). The entry
    /// itself is never changed; each entry is corrected once, and a correction not at all.
    pub async fn correct_fund_entry(
        &self,
        actor: &Actor,
        account_id: i64,
        entry_id: i64,
        input: &CorrectInput,
    ) -> ServiceResult<EntryView> {
        let a = self.load_account(account_id).await?;
        actor.require(Action::ManageFund, &a.path)?;
        let reason = Text::parse(&input.reason, 150).map_err(|e| FieldError::new("reason", e))?;
        let txn = self.begin_write().await?;
        lock_account(&txn, a.row.id).await?;
        let city = a.compound.city_id;
        let original = entry_of(&txn, city, entry_id)
            .await?
            .filter(|e| e.account_id == a.row.id)
            .ok_or(ServiceError::NotFound {
                entity: "fund_entry",
            })?;
        let corrected = fund_entry::Entity::find()
            .filter(fund_entry::Column::CityId.eq(city))
            .filter(fund_entry::Column::CorrectsEntryId.eq(entry_id))
            .one(&txn)
            .await?;
        if original.corrects_entry_id.is_some() || corrected.is_some() {
            return Err(ServiceError::invalid("entry_id", Invalid::AlreadyCorrected));
        }
        let day = first_open_day(posted_until(&txn, a.row.id).await?, self.fund_today());
        let row = reverse(
            &txn,
            actor,
            &a.compound,
            &original,
            day,
            format!("更正 #{entry_id}：{}", reason.as_str()),
            None,
        )
        .await?;
        txn.commit().await?;
        let labels = Store::household_labels(self.read(), a.compound.id, row.household_id).await?;
        Ok(entry_view(&row, None, &labels))
    }

    /// An account's page: entries newest first (paged), the monthly balance history, and
    /// for a maintenance fund every household of the building with its balance.
    pub async fn fund_account(
        &self,
        actor: &Actor,
        account_id: i64,
        page: PageRequest,
    ) -> ServiceResult<AccountView> {
        let a = self.load_account(account_id).await?;
        if !can_read_ledger(actor, &a.path) {
            return Err(ServiceError::Forbidden);
        }
        let db = self.read();
        let entries = self.fund_entries(&a, page).await?;
        let city = a.compound.city_id;
        let balance = super::balances(db, city, &[a.row.id], None)
            .await?
            .get(&a.row.id)
            .copied()
            .unwrap_or(0);
        let posted = posted_until(db, a.row.id).await?;
        let after = posted.map(|p| p.to_string()).unwrap_or_default();
        let emergencies: Vec<fund_entry::Model> = super::emergencies(db, city, a.row.id)
            .await?
            .into_iter()
            .filter(|e| e.occurred_on > after)
            .take(100)
            .collect();
        let no_labels = BTreeMap::new();
        Ok(AccountView {
            account: summary(&a.row, balance, posted),
            compound_name: a.compound.name.clone(),
            entries,
            history: super::balance_history(db, city, a.row.id).await?,
            households: if a.kind == AccountKind::Maintenance {
                self.maintenance_households(&a).await?
            } else {
                Vec::new()
            },
            unpublished_emergencies: emergencies
                .iter()
                .map(|e| entry_view(e, None, &no_labels))
                .collect(),
            can_manage: actor.can(Action::ManageFund, &a.path),
            first_open_day: first_open_day(posted, self.fund_today()).to_string(),
        })
    }

    /// A page of an account's entries, newest first (for the list and its download).
    pub async fn fund_ledger(
        &self,
        actor: &Actor,
        account_id: i64,
        page: PageRequest,
    ) -> ServiceResult<Paged<EntryView>> {
        let a = self.load_account(account_id).await?;
        if !can_read_ledger(actor, &a.path) {
            return Err(ServiceError::Forbidden);
        }
        self.fund_entries(&a, page).await
    }

    async fn fund_entries(
        &self,
        a: &LoadedAccount,
        page: PageRequest,
    ) -> ServiceResult<Paged<EntryView>> {
        let db = self.read();
        let city = a.compound.city_id;
        let q = fund_entry::Entity::find()
            .filter(fund_entry::Column::CityId.eq(city))
            .filter(fund_entry::Column::AccountId.eq(a.row.id));
        let rows = q
            .clone()
            .order_by_desc(fund_entry::Column::OccurredOn)
            .order_by_desc(fund_entry::Column::Id)
            .offset(page.offset())
            .limit(page.size())
            .all(db)
            .await?;
        // No count for a first page that is not full.
        let total = if page.page() == 1 && (rows.len() as u64) < page.size() {
            rows.len() as u64
        } else {
            q.count(db).await?
        };
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let corrections: BTreeMap<i64, i64> = fund_entry::Entity::find()
            .filter(fund_entry::Column::CityId.eq(city))
            .filter(fund_entry::Column::CorrectsEntryId.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .filter_map(|c| c.corrects_entry_id.map(|o| (o, c.id)))
            .collect();
        let labels = Store::household_labels(
            db,
            a.compound.id,
            rows.iter().filter_map(|r| r.household_id),
        )
        .await?;
        let items = rows
            .iter()
            .map(|r| entry_view(r, corrections.get(&r.id).copied(), &labels))
            .collect();
        Ok(Paged {
            items,
            total,
            page: page.page(),
            size: page.size(),
        })
    }

    /// Every household of a maintenance fund's building: deposited, its shares of the
    /// spending by area, and what is left.
    async fn maintenance_households(
        &self,
        a: &LoadedAccount,
    ) -> ServiceResult<Vec<HouseholdBalance>> {
        let db = self.read();
        let Some(b) = a.row.building_id else {
            return Ok(Vec::new());
        };
        let sum_by = |rows: Vec<(Option<i64>, i64)>| {
            rows.into_iter()
                .filter_map(|(h, s)| h.map(|h| (h, s)))
                .collect::<BTreeMap<i64, i64>>()
        };
        let deposits: Vec<(Option<i64>, i64)> = fund_entry::Entity::find()
            .select_only()
            .column(fund_entry::Column::HouseholdId)
            .column_as(
                Expr::cust("CAST(COALESCE(SUM(amount), 0) AS BIGINT)"),
                "total",
            )
            .filter(fund_entry::Column::CityId.eq(a.compound.city_id))
            .filter(fund_entry::Column::AccountId.eq(a.row.id))
            .filter(fund_entry::Column::HouseholdId.is_not_null())
            .group_by(fund_entry::Column::HouseholdId)
            .into_tuple()
            .all(db)
            .await?;
        let shares: Vec<(Option<i64>, i64)> = fund_share::Entity::find()
            .select_only()
            .column(fund_share::Column::HouseholdId)
            .column_as(
                Expr::cust("CAST(COALESCE(SUM(amount), 0) AS BIGINT)"),
                "total",
            )
            .filter(fund_share::Column::CityId.eq(a.compound.city_id))
            .filter(fund_share::Column::AccountId.eq(a.row.id))
            .group_by(fund_share::Column::HouseholdId)
            .into_tuple()
            .all(db)
            .await?;
        let (deposits, shares) = (sum_by(deposits), sum_by(shares));
        let hh = household::Entity::find()
            .filter(household::Column::CompoundId.eq(a.compound.id))
            .filter(household::Column::BuildingId.eq(b))
            .order_by_asc(household::Column::UnitId)
            .order_by_asc(household::Column::Floor)
            .order_by_asc(household::Column::Room)
            .all(db)
            .await?;
        let labels = Store::household_labels(db, a.compound.id, hh.iter().map(|h| h.id)).await?;
        Ok(hh
            .iter()
            .map(|h| {
                let deposited = deposits.get(&h.id).copied().unwrap_or(0);
                let spent = -shares.get(&h.id).copied().unwrap_or(0);
                HouseholdBalance {
                    household_id: h.id,
                    label: labels.get(&h.id).cloned().unwrap_or_default(),
                    area: Fen(h.area_centi).to_string(),
                    deposited,
                    deposited_yuan: yuan(deposited),
                    spent,
                    spent_yuan: yuan(spent),
                    balance: deposited - spent,
                    balance_yuan: yuan(deposited - spent),
                }
            })
            .collect())
    }
}

/// An entry by its id, read from its city's partition.
async fn entry_of<C: ConnectionTrait>(
    db: &C,
    city: i64,
    id: i64,
) -> ServiceResult<Option<fund_entry::Model>> {
    Ok(fund_entry::Entity::find()
        .filter(fund_entry::Column::CityId.eq(city))
        .filter(fund_entry::Column::Id.eq(id))
        .one(db)
        .await?)
}

/// Inserts an entry of an account of `compound` (its audit chain, and its city which the
/// ledger is partitioned by) with who recorded it, and its audit record.
async fn insert_entry<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    mut entry: fund_entry::ActiveModel,
    compound: &compound::Model,
) -> ServiceResult<fund_entry::Model> {
    entry.city_id = Set(compound.city_id);
    entry.recorded_by = Set(actor.account_id);
    entry.recorded_by_name = Set(actor.name.clone());
    entry.created_at = Set(actor.at);
    let id = fund_entry::Entity::insert(entry)
        .exec(txn)
        .await?
        .last_insert_id;
    let row = entry_of(txn, compound.city_id, id)
        .await?
        .ok_or(ServiceError::NotFound {
            entity: "fund_entry",
        })?;
    Change::by(actor, compound.id, "fund.entry", "fund_entry", id)
        .after(crate::audit::to_json(&row)?)
        .record(txn)
        .await?;
    Ok(row)
}

async fn insert_shares<C: ConnectionTrait>(
    txn: &C,
    entry: &fund_entry::Model,
    shares: impl Iterator<Item = (i64, i64)>,
) -> ServiceResult<()> {
    let rows: Vec<fund_share::ActiveModel> = shares
        .filter(|(_, amount)| *amount != 0)
        .map(|(household_id, amount)| fund_share::ActiveModel {
            city_id: Set(entry.city_id),
            entry_id: Set(entry.id),
            account_id: Set(entry.account_id),
            household_id: Set(household_id),
            amount: Set(amount),
            ..Default::default()
        })
        .collect();
    for chunk in rows.chunks(500) {
        fund_share::Entity::insert_many(chunk.to_vec())
            .exec(txn)
            .await?;
    }
    Ok(())
}

/// The reversing entry of `original` (and of its shares), dated `day`.
async fn reverse<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    compound: &compound::Model,
    original: &fund_entry::Model,
    day: Day,
    note: String,
    payment_id: Option<i64>,
) -> ServiceResult<fund_entry::Model> {
    let row = insert_entry(
        txn,
        actor,
        fund_entry::ActiveModel {
            account_id: Set(original.account_id),
            household_id: Set(original.household_id),
            direction: Set(original.direction),
            category: Set(original.category.clone()),
            amount: Set(-original.amount),
            occurred_on: Set(day.to_string()),
            note: Set(note.chars().take(200).collect()),
            receipt_attachment_id: Set(None),
            proposal_id: Set(original.proposal_id),
            emergency: Set(original.emergency),
            top_up: Set(original.top_up),
            corrects_entry_id: Set(Some(original.id)),
            payment_id: Set(payment_id),
            ..Default::default()
        },
        compound,
    )
    .await?;
    let shares = fund_share::Entity::find()
        .filter(fund_share::Column::CityId.eq(original.city_id))
        .filter(fund_share::Column::EntryId.eq(original.id))
        .all(txn)
        .await?;
    insert_shares(
        txn,
        &row,
        shares.iter().map(|s| (s.household_id, -s.amount)),
    )
    .await?;
    Ok(row)
}

/// Mirrors an elevator payment in its project's account, inside the payment's transaction:
/// a household's payment is residents' income; a void (`voids` = the voided payment) posts
/// the reversing entry of that payment's income. The account is opened on the first payment.
pub(crate) async fn mirror_elevator_payment<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    compound: &compound::Model,
    unit_name: &str,
    payment: &elevator_payment::Model,
    voids: Option<i64>,
) -> ServiceResult<()> {
    let account = match fund_account::Entity::find()
        .filter(fund_account::Column::ProjectId.eq(payment.project_id))
        .one(txn)
        .await?
    {
        Some(a) => a,
        None => {
            let new = NewAccount {
                compound_id: compound.id,
                kind: AccountKind::Project,
                name: project_account_name(unit_name),
                project_id: Some(payment.project_id),
                building_id: None,
                initial_deposit: 0,
                top_up_bp: TOP_UP_DEFAULT_BP,
            };
            let id = fund_account::Entity::insert(new.row(actor.account_id, actor.at))
                .exec(txn)
                .await?
                .last_insert_id;
            let row = fund_account::Entity::find_by_id(id).one(txn).await?.ok_or(
                ServiceError::NotFound {
                    entity: "fund_account",
                },
            )?;
            Change::by(actor, compound.id, "fund.account_open", "fund_account", id)
                .after(crate::audit::to_json(&row)?)
                .record(txn)
                .await?;
            row
        }
    };
    lock_account(txn, account.id).await?;
    let posted = posted_until(txn, account.id).await?;
    let open = first_open_day(posted, super::day_of(actor.at));
    match voids {
        Some(voided) => {
            let original = fund_entry::Entity::find()
                .filter(fund_entry::Column::CityId.eq(compound.city_id))
                .filter(fund_entry::Column::PaymentId.eq(voided))
                .one(txn)
                .await?;
            if let Some(original) = original {
                reverse(
                    txn,
                    actor,
                    compound,
                    &original,
                    open,
                    format!("作废缴款 {}", payment.receipt_no),
                    Some(payment.id),
                )
                .await?;
            }
        }
        None => {
            // On the day paid, unless that day's statement is posted already.
            let paid_on = Day::parse(&payment.paid_on)
                .ok()
                .filter(|d| posted.is_none_or(|p| *d > p))
                .unwrap_or(open);
            insert_entry(
                txn,
                actor,
                fund_entry::ActiveModel {
                    account_id: Set(account.id),
                    household_id: Set(Some(payment.household_id)),
                    direction: Set(Direction::Income),
                    category: Set(IncomeSource::Residents.as_str().into()),
                    amount: Set(payment.amount),
                    occurred_on: Set(paid_on.to_string()),
                    note: Set(format!("加装电梯分摊款 收据 {}", payment.receipt_no)
                        .chars()
                        .take(200)
                        .collect()),
                    receipt_attachment_id: Set(None),
                    proposal_id: Set(None),
                    emergency: Set(None),
                    top_up: Set(false),
                    corrects_entry_id: Set(None),
                    payment_id: Set(Some(payment.id)),
                    ..Default::default()
                },
                compound,
            )
            .await?;
        }
    }
    Ok(())
}
