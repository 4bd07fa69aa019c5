//! Setting up a civility-rating month through the API, shared by `tests/ratings.rs` and
//! `tests/browser_ratings.rs`: the rubric from the 南国新家园 preset, the four-party panel
//! of the demo personas, a month opened for scoring.
//! Included by each file with `#[path = "common/rating.rs"] mod rating_kit;`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::TestApp;
use reqwest::Method;
use serde_json::{Value, json};

/// The demo personas seated on the panel, one per party.
pub const PANEL: [(&str, &str); 4] = [
    ("worker", "community"),
    ("committee", "property"),
    ("buildinghead", "owners_committee"),
    ("unithead", "residents"),
];

/// Adopts the first rubric version from the 南国新家园 preset.
pub async fn adopt_preset(app: &TestApp, token: &str, compound: i64, from_month: &str) -> Value {
    let (s, r) = app
        .api(
            token,
            Method::POST,
            &format!("/compounds/{compound}/rating/rubrics"),
            Some(json!({"preset": "nanguo", "from_month": from_month})),
        )
        .await;
    assert_eq!(s, 201, "{r}");
    r
}

/// Seats the four parties of [`PANEL`].
pub async fn seat_panel(app: &TestApp, token: &str, compound: i64) {
    for (login, party) in PANEL {
        let (s, v) = app
            .api(
                token,
                Method::POST,
                &format!("/compounds/{compound}/rating/panel"),
                Some(json!({"login": login, "party": party})),
            )
            .await;
        assert_eq!(s, 201, "{v}");
    }
}

/// Opens a month for scoring; the month's view (id, units, rubric version …).
pub async fn open_month(app: &TestApp, token: &str, compound: i64, month: &str) -> Value {
    let (s, m) = app
        .api(
            token,
            Method::POST,
            &format!("/compounds/{compound}/rating/months"),
            Some(json!({"month": month})),
        )
        .await;
    assert_eq!(s, 201, "{m}");
    m
}
