//! The year's awards: flag-months per unit from the closed months (with reversed
//! deductions taken out), the awarded units, each household's subsidy in fen, and the
//! building and unit heads' subsidies; and the same as an `.xlsx` for the finance side.

use super::{LoadedMonth, decode_rubric, parse_month, unit_names};
use crate::accounts::Actor;
use crate::entity::{household, rating_month, rating_rubric};
use crate::error::{ServiceError, ServiceResult};
use crate::{Store, paths};
use linli_domain::authz::Action;
use linli_domain::rating::awards::annual_fee;
use linli_domain::rating::{MonthStatus, award_units, flag_months, head_subsidy, split_subsidy};
use linli_domain::{Fen, Fraction, Invalid};
use rust_xlsxwriter::{Format, Workbook};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct YearUnit {
    pub unit_id: i64,
    pub name: String,
    pub flag_months: u32,
    /// The months it held a flag, `2024-05`.
    pub months: Vec<String>,
    /// Its place among the awarded units.
    pub place: Option<u32>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HouseholdSubsidy {
    pub household_id: i64,
    pub unit_id: i64,
    pub label: String,
    pub area: String,
    /// Annual property fee in fen.
    pub fee: i64,
    pub subsidy: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HeadSubsidyLine {
    pub household_id: i64,
    pub label: String,
    pub fee: i64,
    pub base: i64,
    pub extra: i64,
    pub total: i64,
}

/// The building and unit heads who did their duty: their households by id, and by room as
/// people say it ("1栋1单元601、2-1-302").
#[derive(Debug, Clone, Default)]
pub struct Heads {
    pub ids: Vec<i64>,
    pub rooms: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct YearView {
    pub compound_id: i64,
    pub compound_name: String,
    pub year: i32,
    pub closed_months: Vec<String>,
    pub rubric_version: Option<i32>,
    pub units: Vec<YearUnit>,
    pub subsidies: Vec<HouseholdSubsidy>,
    pub heads: Vec<HeadSubsidyLine>,
    pub subsidy_total: i64,
    pub heads_total: i64,
    /// The settings applied: "10%", "5% + 5%".
    pub subsidy_share: String,
    pub head_share: String,
    /// The property fee per m² and month the fees are reckoned from (none without a closed
    /// month); the API sends it in words as `fee_rate` ("0.60 元/m²·月").
    #[serde(skip)]
    pub fee_rate: Option<Fen>,
    /// The heads' households as named (by id or found by room), for the next request.
    pub named_heads: Vec<i64>,
}

fn percent(f: Fraction) -> String {
    let tenths =
        (i128::from(f.num()) * 1000 + i128::from(f.den()) / 2) / i128::from(f.den().max(1));
    if tenths % 10 == 0 {
        format!("{}%", tenths / 10)
    } else {
        format!("{}.{}%", tenths / 10, tenths % 10)
    }
}

fn sum(a: Fraction, b: Fraction) -> Fraction {
    let (an, ad, bn, bd) = (
        i128::from(a.num()),
        i128::from(a.den()),
        i128::from(b.num()),
        i128::from(b.den()),
    );
    let (n, d) = (an * bd + bn * ad, ad * bd);
    let g = linli_domain::fraction::gcd(n, d).max(1);
    let (n, d) = (n / g, d / g);
    Fraction::new(
        i64::try_from(n).unwrap_or(i64::MAX),
        i64::try_from(d).unwrap_or(1),
    )
    .unwrap_or(a)
}

impl Store {
    /// The year's awards and subsidies. `heads` are the households of the building and unit
    /// heads who did their duty, as the committee names them. For the committee and above.
    /// The year with its heads named by id, by room as people say it, or both (the page's
    /// form and the API's `rooms`). The rooms are looked up once the actor is known to manage
    /// the year; a room that names no flat, or several, is reported at `rooms`.
    pub async fn rating_year_of(
        &self,
        actor: &Actor,
        compound_id: i64,
        year: i32,
        heads: &Heads,
    ) -> ServiceResult<YearView> {
        let v = self
            .rating_year(actor, compound_id, year, &heads.ids)
            .await?;
        if heads.rooms.trim().is_empty() {
            return Ok(v);
        }
        let mut ids = heads.ids.clone();
        for h in self
            .households_by_rooms(actor, compound_id, &heads.rooms, "rooms")
            .await?
        {
            if !ids.contains(&h) {
                ids.push(h);
            }
        }
        self.rating_year(actor, compound_id, year, &ids).await
    }

    pub async fn rating_year(
        &self,
        actor: &Actor,
        compound_id: i64,
        year: i32,
        heads: &[i64],
    ) -> ServiceResult<YearView> {
        let c = self.compound_row(compound_id).await?;
        actor.require(Action::ManageRating, &paths::compound_path(&c))?;
        if !(2000..=2999).contains(&year) {
            return Err(ServiceError::invalid(
                "year",
                Invalid::OutOfRange {
                    min: 2000,
                    max: 2999,
                },
            ));
        }
        let names = unit_names(self.read(), c.id).await?;
        let rows = rating_month::Entity::find()
            .filter(rating_month::Column::CompoundId.eq(c.id))
            .filter(rating_month::Column::Status.eq(MonthStatus::Closed))
            .filter(rating_month::Column::Month.starts_with(format!("{year}-")))
            .order_by_asc(rating_month::Column::Month)
            .all(self.read())
            .await?;
        let rubrics: BTreeMap<i64, rating_rubric::Model> = rating_rubric::Entity::find()
            .filter(rating_rubric::Column::CompoundId.eq(c.id))
            .all(self.read())
            .await?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
        let mut flagged_by_month: Vec<Vec<i64>> = Vec::new();
        let mut held: BTreeMap<i64, Vec<String>> = BTreeMap::new();
        let mut totals: BTreeMap<i64, Fraction> = BTreeMap::new();
        let mut last_rubric = None;
        for row in &rows {
            let r = rubrics
                .get(&row.rubric_id)
                .ok_or_else(|| super::internal(format!("month {} without rubric", row.id)))?;
            let m = LoadedMonth {
                rubric: decode_rubric(r)?,
                rubric_version: r.version,
                month: parse_month(row)?,
                compound: c.clone(),
                row: row.clone(),
            };
            let computed = self.compute_month(self.read(), &m).await?;
            let flagged: Vec<i64> = computed
                .ranked
                .iter()
                .filter(|x| x.flag)
                .map(|x| x.unit_id)
                .collect();
            for u in &flagged {
                held.entry(*u).or_default().push(row.month.clone());
            }
            // A vetoed month has no score: it adds nothing to the tie-break total.
            for (u, um) in &computed.months {
                if let Some(s) = super::scoring::shown_score(um) {
                    let t = totals.entry(*u).or_insert(Fraction::from_int(0));
                    *t = sum(*t, s);
                }
            }
            flagged_by_month.push(flagged);
            last_rubric = Some((m.rubric, r.version));
        }
        let counts = flag_months(flagged_by_month.iter().map(Vec::as_slice));
        let mut view = YearView {
            compound_id: c.id,
            compound_name: c.name.clone(),
            year,
            closed_months: rows.iter().map(|r| r.month.clone()).collect(),
            rubric_version: last_rubric.as_ref().map(|(_, v)| *v),
            units: Vec::new(),
            subsidies: Vec::new(),
            heads: Vec::new(),
            subsidy_total: 0,
            heads_total: 0,
            subsidy_share: String::new(),
            head_share: String::new(),
            fee_rate: None,
            named_heads: heads.to_vec(),
        };
        let Some((rubric, _)) = last_rubric else {
            return Ok(view);
        };
        let s = &rubric.awards;
        view.subsidy_share = percent(s.subsidy);
        view.head_share = format!("{} + {}", percent(s.head_base), percent(s.head_extra));
        view.fee_rate = Some(Fen(s.fee_fen_per_m2_month));
        let awarded = award_units(&counts, s.units, s.tie, &totals);
        let place: BTreeMap<i64, u32> = awarded.iter().copied().collect();
        let mut units: Vec<YearUnit> = counts
            .iter()
            .map(|(&u, &n)| YearUnit {
                unit_id: u,
                name: names.get(&u).cloned().unwrap_or_default(),
                flag_months: n,
                months: held.remove(&u).unwrap_or_default(),
                place: place.get(&u).copied(),
            })
            .collect();
        units.sort_by(|a, b| {
            b.flag_months
                .cmp(&a.flag_months)
                .then(a.unit_id.cmp(&b.unit_id))
        });
        view.units = units;
        let unit_ids: Vec<i64> = awarded.iter().map(|(u, _)| *u).collect();
        let mut wanted: Vec<i64> = heads.to_vec();
        wanted.sort_unstable();
        wanted.dedup();
        let households = household::Entity::find()
            .filter(household::Column::CompoundId.eq(c.id))
            .filter(
                Condition::any()
                    .add(household::Column::UnitId.is_in(unit_ids.clone()))
                    .add(household::Column::Id.is_in(wanted.clone())),
            )
            .order_by_asc(household::Column::UnitId)
            .order_by_asc(household::Column::Floor)
            .order_by_asc(household::Column::Room)
            .all(self.read())
            .await?;
        let label = |h: &household::Model| {
            format!(
                "{} {}",
                names.get(&h.unit_id).map(String::as_str).unwrap_or(""),
                h.room
            )
        };
        for u in &unit_ids {
            let hs: Vec<&household::Model> =
                households.iter().filter(|h| h.unit_id == *u).collect();
            let fees: Vec<(i64, Fen)> = hs
                .iter()
                .map(|h| (h.id, annual_fee(h.area_centi, s.fee_fen_per_m2_month)))
                .collect();
            for (line, h) in split_subsidy(&fees, s.subsidy).into_iter().zip(&hs) {
                view.subsidy_total += line.subsidy.0;
                view.subsidies.push(HouseholdSubsidy {
                    household_id: h.id,
                    unit_id: h.unit_id,
                    label: label(h),
                    area: linli_domain::Area::from_centi(h.area_centi)
                        .map(|a| a.to_string())
                        .unwrap_or_default(),
                    fee: line.fee.0,
                    subsidy: line.subsidy.0,
                });
            }
        }
        for id in &wanted {
            let h = households
                .iter()
                .find(|h| h.id == *id)
                .ok_or_else(|| ServiceError::invalid("heads", Invalid::OtherCompound))?;
            let hs = head_subsidy(
                annual_fee(h.area_centi, s.fee_fen_per_m2_month),
                s.head_base,
                s.head_extra,
            );
            view.heads_total += hs.total.0;
            view.heads.push(HeadSubsidyLine {
                household_id: h.id,
                label: label(h),
                fee: hs.fee.0,
                base: hs.base.0,
                extra: hs.extra.0,
                total: hs.total.0,
            });
        }
        Ok(view)
    }

    /// The year's awards and subsidies as an `.xlsx` workbook. Amounts are integer fen (分),
    /// exactly as computed, so the lines add up to the totals in any spreadsheet.
    pub async fn rating_year_xlsx(
        &self,
        actor: &Actor,
        compound_id: i64,
        year: i32,
        heads: &Heads,
    ) -> ServiceResult<Vec<u8>> {
        let v = self.rating_year_of(actor, compound_id, year, heads).await?;
        let err = |e: rust_xlsxwriter::XlsxError| {
            ServiceError::Internal(anyhow::anyhow!("writing xlsx: {e}"))
        };
        // Whole numbers of fen are exact in a spreadsheet's numbers (below 2^53).
        let fen = |f: i64| f as f64;
        let money = Format::new().set_num_format("#,##0");
        let bold = Format::new().set_bold();
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet().set_name("流动红旗").map_err(err)?;
        for (i, h) in ["单元", "红旗月数", "获旗月份", "年终名次"]
            .iter()
            .enumerate()
        {
            ws.write_string_with_format(0, i as u16, *h, &bold)
                .map_err(err)?;
        }
        for (r, u) in v.units.iter().enumerate() {
            let r = r as u32 + 1;
            ws.write_string(r, 0, &u.name).map_err(err)?;
            ws.write_number(r, 1, f64::from(u.flag_months))
                .map_err(err)?;
            ws.write_string(r, 2, u.months.join("、")).map_err(err)?;
            if let Some(p) = u.place {
                ws.write_number(r, 3, f64::from(p)).map_err(err)?;
            }
        }
        let ws = wb.add_worksheet().set_name("物业费补贴").map_err(err)?;
        for (i, h) in ["户", "专有面积(m²)", "年物业费(分)", "补贴(分)"]
            .iter()
            .enumerate()
        {
            ws.write_string_with_format(0, i as u16, *h, &bold)
                .map_err(err)?;
        }
        let mut r = 1u32;
        for s in &v.subsidies {
            ws.write_string(r, 0, &s.label).map_err(err)?;
            ws.write_string(r, 1, &s.area).map_err(err)?;
            ws.write_number_with_format(r, 2, fen(s.fee), &money)
                .map_err(err)?;
            ws.write_number_with_format(r, 3, fen(s.subsidy), &money)
                .map_err(err)?;
            r += 1;
        }
        ws.write_string_with_format(r, 0, "合计", &bold)
            .map_err(err)?;
        ws.write_number_with_format(r, 3, fen(v.subsidy_total), &money)
            .map_err(err)?;
        let ws = wb.add_worksheet().set_name("三长补贴").map_err(err)?;
        for (i, h) in ["户", "年物业费(分)", "基础补贴(分)", "加发(分)", "合计(分)"]
            .iter()
            .enumerate()
        {
            ws.write_string_with_format(0, i as u16, *h, &bold)
                .map_err(err)?;
        }
        for (i, h) in v.heads.iter().enumerate() {
            let r = i as u32 + 1;
            ws.write_string(r, 0, &h.label).map_err(err)?;
            for (col, f) in [(1u16, h.fee), (2, h.base), (3, h.extra), (4, h.total)] {
                ws.write_number_with_format(r, col, fen(f), &money)
                    .map_err(err)?;
            }
        }
        wb.save_to_buffer().map_err(err)
    }
}
