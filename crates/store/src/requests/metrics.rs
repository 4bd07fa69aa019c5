//! The figures of a grid, compound, community, subdistrict (or district, city) over the last
//! twelve months: response, resolution and satisfaction rates, overdue count and median time
//! to resolve, in total, by category, by month, and for each place one level down.
//!
//! The counting is SQL (one GROUP BY over the indexed place column and the month, one for
//! the places below); the medians read only the resolve durations. A community of a
//! million-request city holds a few thousand rows, so a page stays well under the target.

use super::category_name;
use super::lists::{RequestSummary, in_city};
use crate::accounts::Actor;
use crate::entity::{compound, grid, region, request_category, service_request};
use crate::error::{ServiceError, ServiceResult};
use crate::{Store, paths};
use linli_domain::authz::Action;
use linli_domain::place::NodeKind;
use linli_domain::requests::metrics::{SATISFIED_FROM, basis_points, hours};
use linli_domain::requests::{Day, MetricsOf, RequestStatus, Tally, median, overdue_sql, percent};
use linli_domain::{Bilingual, PageRequest};
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Where the figures are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricsScope {
    Grid(i64),
    Compound(i64),
    /// A city, district, subdistrict or community.
    Region(i64),
}

/// What a row of figures counts; the API sends it in words as `label`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum RowLabel {
    /// A month ("2026-11") or a place, by its name.
    Name(String),
    /// A request category.
    Category(Bilingual),
    /// Every request counted.
    Total,
    /// The requests of a compound in no grid.
    NoGrid,
}

/// One row of figures.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TallyRow {
    pub key: String,
    #[serde(skip)]
    pub label: RowLabel,
    pub total: i64,
    pub responded: i64,
    pub resolved: i64,
    pub rated: i64,
    pub satisfied: i64,
    pub overdue: i64,
    /// "87.5%", or "–" when there is nothing to count.
    pub response_rate: String,
    pub resolution_rate: String,
    pub satisfaction_rate: String,
    /// The three rates in basis points (10,000 = 100%), for charts; none when nothing was counted.
    pub response_bp: Option<i64>,
    pub resolution_bp: Option<i64>,
    pub satisfaction_bp: Option<i64>,
    /// Hours with one decimal.
    pub median_hours: String,
    /// The page of this row's place, for the rows of places below.
    pub link: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MetricsView {
    pub kind: MetricsOf,
    pub id: i64,
    pub name: String,
    /// The compound of a grid or compound page.
    pub compound_id: Option<i64>,
    /// The first month counted, "2025-12".
    pub from_month: String,
    pub total: TallyRow,
    pub by_category: Vec<TallyRow>,
    pub by_month: Vec<TallyRow>,
    /// The places one level down (grids of a compound, compounds of a community, …).
    pub children: Vec<TallyRow>,
    /// Escalated and still open: the community's to-do list.
    pub escalated: Vec<RequestSummary>,
}

type Sums = (i64, i64, i64, i64, i64, i64);
/// (category, month, the six sums).
type ByCategoryMonth = (i64, String, i64, i64, i64, i64, i64, i64);
/// (the place below, the six sums).
type ByPlace = (Option<i64>, i64, i64, i64, i64, i64, i64);

/// The sums of one GROUP BY, in `Tally` order.
fn sum_columns(now: i64) -> [(SimpleExpr, &'static str); 6] {
    [
        (Expr::cust("COUNT(*)"), "total"),
        (
            Expr::cust("SUM(CASE WHEN first_response_at IS NOT NULL THEN 1 ELSE 0 END)"),
            "responded",
        ),
        (
            Expr::cust("SUM(CASE WHEN resolved_at IS NOT NULL THEN 1 ELSE 0 END)"),
            "resolved",
        ),
        (
            Expr::cust("SUM(CASE WHEN rating IS NOT NULL THEN 1 ELSE 0 END)"),
            "rated",
        ),
        (
            Expr::cust(format!(
                "SUM(CASE WHEN rating >= {SATISFIED_FROM} THEN 1 ELSE 0 END)"
            )),
            "satisfied",
        ),
        (
            Expr::cust(format!(
                "SUM(CASE WHEN {} THEN 1 ELSE 0 END)",
                overdue_sql(now)
            )),
            "overdue",
        ),
    ]
}

fn tally((total, responded, resolved, rated, satisfied, overdue): Sums) -> Tally {
    Tally {
        total,
        responded,
        resolved,
        rated,
        satisfied,
        overdue,
    }
}

fn row(
    key: String,
    label: RowLabel,
    t: &Tally,
    durations: Option<&mut Vec<i64>>,
    link: Option<String>,
) -> TallyRow {
    TallyRow {
        key,
        label,
        total: t.total,
        responded: t.responded,
        resolved: t.resolved,
        rated: t.rated,
        satisfied: t.satisfied,
        overdue: t.overdue,
        response_rate: percent(t.response_rate()),
        resolution_rate: percent(t.resolution_rate()),
        satisfaction_rate: percent(t.satisfaction_rate()),
        response_bp: basis_points(t.response_rate()),
        resolution_bp: basis_points(t.resolution_rate()),
        satisfaction_bp: basis_points(t.satisfaction_rate()),
        median_hours: hours(durations.and_then(|d| median(d))),
        link,
    }
}

/// The month eleven months before `month` ("2026-11" → "2025-12").
fn months_back(month: &str, n: i64) -> String {
    let (y, m) = month
        .split_once('-')
        .and_then(|(y, m)| Some((y.parse::<i64>().ok()?, m.parse::<i64>().ok()?)))
        .unwrap_or((1970, 1));
    let k = y * 12 + (m - 1) - n;
    format!("{:04}-{:02}", k.div_euclid(12), k.rem_euclid(12) + 1)
}

impl Store {
    /// The figures of a place. Those who may see its registry may see them.
    pub async fn request_metrics(
        &self,
        actor: &Actor,
        scope: MetricsScope,
    ) -> ServiceResult<MetricsView> {
        use service_request::Column as C;
        let db = self.read();
        let (kind, id, name, compound_id, filter, child): (
            MetricsOf,
            i64,
            String,
            Option<i64>,
            Condition,
            Option<C>,
        ) = match scope {
            MetricsScope::Grid(g) => {
                let g = grid::Entity::find_by_id(g)
                    .one(db)
                    .await?
                    .ok_or(ServiceError::NotFound { entity: "grid" })?;
                let c = self.compound_row(g.compound_id).await?;
                actor.require(Action::ViewRegistry, &paths::compound_path(&c))?;
                (
                    MetricsOf::Grid,
                    g.id,
                    format!("{} · {}", c.name, g.name),
                    Some(c.id),
                    in_city(Some(c.city_id), C::GridId.eq(g.id)),
                    None,
                )
            }
            MetricsScope::Compound(cid) => {
                let c = self.compound_row(cid).await?;
                actor.require(Action::ViewRegistry, &paths::compound_path(&c))?;
                (
                    MetricsOf::Compound,
                    c.id,
                    c.name.clone(),
                    Some(c.id),
                    in_city(Some(c.city_id), C::CompoundId.eq(c.id)),
                    Some(C::GridId),
                )
            }
            MetricsScope::Region(rid) => {
                let (path, r) = self.region_path(rid).await?;
                actor.require(Action::ViewRegistry, &path)?;
                let kind = path.target().map(|n| n.kind).unwrap_or(NodeKind::City);
                let (col, child) = match kind {
                    NodeKind::City => (C::CityId, C::DistrictId),
                    NodeKind::District => (C::DistrictId, C::SubdistrictId),
                    NodeKind::Subdistrict => (C::SubdistrictId, C::CommunityId),
                    _ => (C::CommunityId, C::CompoundId),
                };
                (
                    MetricsOf::place(kind),
                    r.id,
                    r.name,
                    None,
                    in_city(path.city_id(), col.eq(r.id)),
                    Some(child),
                )
            }
        };
        let t = self.now();
        let from_month = months_back(&Day::of(t).month().to_string(), 11);
        let sums = sum_columns(t);

        // By category and month.
        let mut q = service_request::Entity::find()
            .select_only()
            .column(C::CategoryId)
            .column(C::Month);
        for (e, alias) in sums.clone() {
            q = q.column_as(e, alias);
        }
        let grouped: Vec<ByCategoryMonth> = q
            .filter(filter.clone())
            .filter(C::Month.gte(from_month.clone()))
            .group_by(C::CategoryId)
            .group_by(C::Month)
            .into_tuple()
            .all(db)
            .await?;
        let durations: Vec<(i64, String, i64)> = service_request::Entity::find()
            .select_only()
            .column(C::CategoryId)
            .column(C::Month)
            .column_as(Expr::cust("resolved_at - created_at"), "took")
            .filter(filter.clone())
            .filter(C::Month.gte(from_month.clone()))
            .filter(C::ResolvedAt.is_not_null())
            .into_tuple()
            .all(db)
            .await?;

        let categories: HashMap<i64, request_category::Model> = request_category::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
        let mut total = Tally::default();
        let mut by_cat: BTreeMap<i64, Tally> = BTreeMap::new();
        let mut by_month: BTreeMap<String, Tally> = BTreeMap::new();
        for (cat, month, a, b, c, d, e, f) in grouped {
            let x = tally((a, b, c, d, e, f));
            total.add(&x);
            by_cat.entry(cat).or_default().add(&x);
            by_month.entry(month).or_default().add(&x);
        }
        let mut all_d: Vec<i64> = Vec::with_capacity(durations.len());
        let mut cat_d: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
        let mut month_d: BTreeMap<String, Vec<i64>> = BTreeMap::new();
        for (cat, month, took) in durations {
            all_d.push(took);
            cat_d.entry(cat).or_default().push(took);
            month_d.entry(month).or_default().push(took);
        }
        let sort_of = |id: &i64| {
            categories
                .get(id)
                .map(|c| (c.sort, c.id))
                .unwrap_or((i32::MAX, *id))
        };
        let mut cat_ids: Vec<i64> = by_cat.keys().copied().collect();
        cat_ids.sort_by_key(sort_of);
        let by_category = cat_ids
            .iter()
            .map(|id| {
                let c = categories.get(id);
                row(
                    c.map(|c| c.code.clone()).unwrap_or_default(),
                    RowLabel::Category(c.map(category_name).unwrap_or_default()),
                    &by_cat[id],
                    cat_d.get_mut(id),
                    None,
                )
            })
            .collect();
        let by_month = by_month
            .iter()
            .map(|(m, x)| {
                let label = RowLabel::Name(m.clone());
                row(m.clone(), label, x, month_d.get_mut(m), None)
            })
            .collect();
        let total_row = row(
            "total".into(),
            RowLabel::Total,
            &total,
            Some(&mut all_d),
            None,
        );

        let children = match child {
            None => Vec::new(),
            Some(col) => {
                let mut q = service_request::Entity::find().select_only().column(col);
                for (e, alias) in sums {
                    q = q.column_as(e, alias);
                }
                let rows: Vec<ByPlace> = q
                    .filter(filter.clone())
                    .filter(C::Month.gte(from_month.clone()))
                    .group_by(col)
                    .into_tuple()
                    .all(db)
                    .await?;
                let ids: Vec<i64> = rows.iter().filter_map(|r| r.0).collect();
                let (names, link): (HashMap<i64, String>, &str) = match col {
                    C::GridId => (
                        grid::Entity::find()
                            .filter(grid::Column::Id.is_in(ids))
                            .all(db)
                            .await?
                            .into_iter()
                            .map(|g| (g.id, g.name))
                            .collect(),
                        "/grids/{}/metrics",
                    ),
                    C::CompoundId => (
                        compound::Entity::find()
                            .filter(compound::Column::Id.is_in(ids))
                            .all(db)
                            .await?
                            .into_iter()
                            .map(|c| (c.id, c.name))
                            .collect(),
                        "/compounds/{}/requests/metrics",
                    ),
                    _ => (
                        region::Entity::find()
                            .filter(region::Column::Id.is_in(ids))
                            .all(db)
                            .await?
                            .into_iter()
                            .map(|r| (r.id, r.name))
                            .collect(),
                        "/regions/{}/requests/metrics",
                    ),
                };
                let mut out: Vec<TallyRow> = rows
                    .into_iter()
                    .map(|(cid, a, b, c, d, e, f)| {
                        let label = match cid {
                            Some(i) => RowLabel::Name(
                                names.get(&i).cloned().unwrap_or_else(|| i.to_string()),
                            ),
                            None => RowLabel::NoGrid,
                        };
                        row(
                            cid.map(|i| i.to_string()).unwrap_or_default(),
                            label,
                            &tally((a, b, c, d, e, f)),
                            None,
                            cid.map(|i| link.replace("{}", &i.to_string())),
                        )
                    })
                    .collect();
                out.sort_by(|a, b| b.total.cmp(&a.total).then(a.label.cmp(&b.label)));
                out
            }
        };
        let escalated_q = service_request::Entity::find()
            .filter(filter)
            .filter(C::Status.eq(RequestStatus::Escalated.as_str()))
            .order_by_asc(C::DueAt);
        let escalated = self
            .request_page(escalated_q, PageRequest::new(Some(1), Some(50)))
            .await?
            .items;
        Ok(MetricsView {
            kind,
            id,
            name,
            compound_id,
            from_month,
            total: total_row,
            by_category,
            by_month,
            children,
            escalated,
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn months_back_across_years() {
        assert_eq!(super::months_back("2026-11", 11), "2025-12");
        assert_eq!(super::months_back("2026-01", 1), "2025-12");
        assert_eq!(super::months_back("2026-03", 0), "2026-03");
    }
}
