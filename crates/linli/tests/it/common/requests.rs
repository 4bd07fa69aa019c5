//! A compound with a grid for service-request tests, shared by `tests/requests.rs` and
//! `tests/browser_requests.rs`: 纹江花园 with one grid over the owner's unit, served by a grid
//! worker (a new account `gw`, password linli-demo-2026, with a grid-worker role on the compound) and
//! the demo volunteer. Included with `#[path = "common/requests.rs"] mod rq_kit;`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::TestApp;
use linli_domain::authz::Role;
use reqwest::Method;
use serde_json::json;

/// A real 1×1 PNG: photos are checked by their first bytes (and may be decoded).
pub const PHOTO: &[u8] = b"\x89\x50\x4E\x47\x0D\x0A\x1A\x0A\x00\x00\x00\x0D\x49\x48\x44\x52\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1F\x15\xC4\x89\x00\x00\x00\x0D\x49\x44\x41\x54\x78\xDA\x63\x64\xF8\xCF\x50\x0F\x00\x03\x86\x01\x80\x5A\x34\x7D\x6B\x00\x00\x00\x00\x49\x45\x4E\x44\xAE\x42\x60\x82";
pub const PDF: &[u8] = b"%PDF-1.7 not a photo";

/// 纹江花园 with one grid over the owner's unit, served by a grid worker (a new account with
/// a grid-worker role on the compound) and the demo volunteer.
pub struct World {
    pub compound: i64,
    pub grid: i64,
    pub home: i64,
    pub committee: String,
    pub owner: String,
    pub resident: String,
    pub volunteer: String,
    pub gw: String,
    pub gw_id: i64,
}

pub async fn world(app: &TestApp) -> World {
    let compound = app.persona_place("committee");
    let committee = app.token("committee").await;
    let owner = app.token("owner").await;
    let home = app.persona_place("owner");
    let volunteer_id = app
        .sql_i64("SELECT id FROM account WHERE username = 'volunteer'")
        .await;
    let at = app.store.actor(volunteer_id).await.unwrap().unwrap().grants[0]
        .at
        .clone();
    let gw_id = app
        .store
        .create_account(
            "gw",
            Some("13900000001"),
            "网格员 小李",
            linli_demo_load::DEMO_PASSWORD,
        )
        .await
        .unwrap();
    app.store
        .grant_role(None, gw_id, Role::GridWorker, &at)
        .await
        .unwrap();

    let (s, g) = app
        .api(
            &committee,
            Method::POST,
            &format!("/compounds/{compound}/grids"),
            Some(json!({"name": "第一网格"})),
        )
        .await;
    assert_eq!(s, 201, "{g}");
    let grid = g["id"].as_i64().unwrap();
    for (login, role) in [("gw", "grid_worker"), ("volunteer", "volunteer")] {
        let (s, v) = app
            .api(
                &committee,
                Method::POST,
                &format!("/grids/{grid}/members"),
                Some(json!({"login": login, "role": role})),
            )
            .await;
        assert_eq!(s, 200, "{v}");
    }
    let unit = app
        .sql_i64(&format!("SELECT unit_id FROM household WHERE id = {home}"))
        .await;
    let (s, v) = app
        .api(
            &committee,
            Method::POST,
            &format!("/grids/{grid}/households"),
            Some(json!({"unit_id": unit})),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    World {
        compound,
        grid,
        home,
        committee,
        owner,
        resident: app.token("resident").await,
        volunteer: app.token("volunteer").await,
        gw: app.token("gw").await,
        gw_id,
    }
}

pub async fn category(app: &TestApp, token: &str, code: &str) -> i64 {
    let (s, list) = app
        .api(token, Method::GET, "/request-categories", None)
        .await;
    assert_eq!(s, 200, "{list}");
    list.as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == code)
        .unwrap()["id"]
        .as_i64()
        .unwrap()
}
