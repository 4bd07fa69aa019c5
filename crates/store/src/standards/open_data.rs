//! The open-data export of a region: one row per compound — where it is, how it is managed,
//! its status, latest assessment, star rating and plan — and a JSON Table Schema describing
//! the columns. Anonymised by construction: it reads no person, household, account or
//! assessor, only compounds and the aggregates kept on them.

use super::plans::region_column;
use crate::accounts::Actor;
use crate::error::ServiceResult;
use crate::{Backend, Store};
use linli_domain::Fen;
use linli_domain::authz::Action;
use linli_domain::registry::SixHave;
use sea_orm::{ConnectionTrait, Statement};

/// (column, type, description) of the open-data table.
pub const OPEN_DATA_COLUMNS: [(&str, &str, &str); 22] = [
    (
        "compound_id",
        "integer",
        "Stable id of the compound in linli",
    ),
    ("compound", "string", "Name of the compound (小区)"),
    ("city", "string", "City (市)"),
    ("district", "string", "District or county (区/县)"),
    ("subdistrict", "string", "Subdistrict (街道/镇)"),
    ("community", "string", "Community (社区)"),
    ("year_built", "integer", "Year built, if known"),
    (
        "management_mode",
        "string",
        "professional | self_managed | delegated | none",
    ),
    ("status", "string", "three_no | in_progress | six_have"),
    (
        "six_have_items",
        "integer",
        "How many of the six-have items (六有) the compound has, 0–6",
    ),
    (
        "assessment_period",
        "string",
        "Period of the latest assessment, e.g. 2024-Q3",
    ),
    (
        "standards_met",
        "integer",
        "Standards met in the latest assessment",
    ),
    ("standards_partly", "integer", "Standards partly met"),
    ("standards_not_met", "integer", "Standards not met"),
    (
        "rating_period",
        "string",
        "Period of the latest star rating",
    ),
    (
        "stars",
        "integer",
        "Stars of the latest rating, 0–5 (0 when vetoed)",
    ),
    (
        "score",
        "number",
        "Score of the latest rating out of 100, two decimals, rounded down",
    ),
    (
        "reward_yuan",
        "number",
        "Reward of the latest rating in yuan",
    ),
    (
        "plan_items",
        "integer",
        "Renovation items in the compound's plan (一小区一策)",
    ),
    ("plan_items_done", "integer", "Of those, done"),
    (
        "plan_budget_yuan",
        "number",
        "The plan's budget over all funding channels, in yuan",
    ),
    (
        "households_benefited",
        "integer",
        "Households the plan benefits",
    ),
];

/// The table and its schema.
pub struct OpenData {
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
    /// A Frictionless Table Schema (`{"fields": [...]}`) of the CSV.
    pub schema: serde_json::Value,
}

impl Store {
    /// The open data of a region, for the officials over it (the dashboard's download).
    pub async fn open_data_for(&self, actor: &Actor, region_id: i64) -> ServiceResult<OpenData> {
        let (path, _) = self.region_path(region_id).await?;
        actor.require(Action::ViewRegistry, &path)?;
        self.open_data(region_id).await
    }

    /// The open data of a region, for the operator (`linli export open-data`).
    pub async fn open_data(&self, region_id: i64) -> ServiceResult<OpenData> {
        let (_, r) = self.region_path(region_id).await?;
        let kind = r.kind;
        let t = match self.backend() {
            Backend::Postgres => "TRUE",
            Backend::Sqlite => "1",
        };
        let sql = format!(
            "SELECT c.id, c.name, rc.name, rd.name, rs.name, rm.name, c.year_built, c.management_mode, \
             CAST(CASE WHEN c.three_no THEN 1 ELSE 0 END AS BIGINT), c.six_have, \
             a.period, a.met, a.partly, a.not_met, s.period, s.stars, CAST(CASE WHEN s.vetoed THEN 1 ELSE 0 END AS BIGINT), s.score_centi, s.reward, \
             p.items_total, p.items_done, \
             p.budget_government_reward + p.budget_residents + p.budget_support_unit + p.budget_charity + p.budget_public_income, p.households_benefited \
             FROM compound c \
             JOIN region rc ON rc.id = c.city_id JOIN region rd ON rd.id = c.district_id \
             JOIN region rs ON rs.id = c.subdistrict_id JOIN region rm ON rm.id = c.community_id \
             LEFT JOIN assessment a ON a.compound_id = c.id AND a.latest = {t} \
             LEFT JOIN star_rating s ON s.compound_id = c.id AND s.latest = {t} \
             LEFT JOIN compound_plan p ON p.compound_id = c.id \
             WHERE c.{} = {} ORDER BY c.id",
            region_column(kind),
            r.id
        );
        let backend = self.read().get_database_backend();
        let rows = self
            .read()
            .query_all_raw(Statement::from_string(backend, sql))
            .await?;
        let num = |row: &sea_orm::QueryResult, i: usize| -> Option<i64> {
            row.try_get_by_index::<Option<i64>>(i)
                .ok()
                .flatten()
                .or_else(|| {
                    row.try_get_by_index::<Option<i32>>(i)
                        .ok()
                        .flatten()
                        .map(i64::from)
                })
        };
        let txt = |row: &sea_orm::QueryResult, i: usize| {
            row.try_get_by_index::<Option<String>>(i)
                .ok()
                .flatten()
                .unwrap_or_default()
        };
        let opt = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
        let out = rows
            .iter()
            .map(|row| {
                let six = i32::try_from(num(row, 9).unwrap_or(0)).unwrap_or(0);
                let status = if num(row, 8) == Some(1) {
                    "three_no"
                } else if SixHave::from_mask(six).complete() {
                    "six_have"
                } else {
                    "in_progress"
                };
                let rated = num(row, 15);
                let stars = rated.map(|s| if num(row, 16) == Some(1) { 0 } else { s });
                vec![
                    opt(num(row, 0)),
                    txt(row, 1),
                    txt(row, 2),
                    txt(row, 3),
                    txt(row, 4),
                    txt(row, 5),
                    opt(num(row, 6)),
                    txt(row, 7),
                    status.to_string(),
                    SixHave::from_mask(six).count().to_string(),
                    txt(row, 10),
                    opt(num(row, 11)),
                    opt(num(row, 12)),
                    opt(num(row, 13)),
                    txt(row, 14),
                    opt(stars),
                    num(row, 17)
                        .filter(|_| rated.is_some())
                        .map(|v| Fen(v).to_string())
                        .unwrap_or_default(),
                    num(row, 18)
                        .filter(|_| rated.is_some())
                        .map(|v| Fen(v).to_string())
                        .unwrap_or_default(),
                    opt(num(row, 19)),
                    opt(num(row, 20)),
                    num(row, 21).map(|v| Fen(v).to_string()).unwrap_or_default(),
                    opt(num(row, 22)),
                ]
            })
            .collect();
        let fields: Vec<serde_json::Value> = OPEN_DATA_COLUMNS
            .iter()
            .map(|(n, t, d)| serde_json::json!({"name": n, "type": t, "description": d}))
            .collect();
        let schema = serde_json::json!({
            "name": "linli-compounds",
            "title": format!("{} — compounds (open data)", r.name),
            "description": "One row per compound of the region: management, status, latest assessment, star rating and plan. No personal data.",
            "license": "CC-BY-4.0",
            "primaryKey": "compound_id",
            "fields": fields,
        });
        Ok(OpenData {
            headers: OPEN_DATA_COLUMNS.iter().map(|c| c.0).collect(),
            rows: out,
            schema,
        })
    }
}
