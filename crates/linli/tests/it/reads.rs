//! The hot reads (the account behind a request, the household and compound pages, the
//! household lists) go through one code path on both databases; on SQLite it is a plain
//! connection beside sqlx's pool. What was just written must be read at once, and a session
//! or token that has ended must stay refused.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::{Backend, csrf_of};
use reqwest::Method;
use serde_json::json;

both_backends! {
    fixed_clock;

    async fn every_write_is_seen_by_the_next_read_of_the_hot_pages(app) {
        assert_eq!(
            app.store.reads_synchronously(),
            app.backend == Backend::Sqlite,
            "SQLite reads the hot paths through its own reader"
        );
        let token = app.token("committee").await;
        let h = app.household_json(&token, 1).await;
        let compound = h["household"]["compound_id"].as_i64().unwrap();
        let b = app.browser_login("committee").await;
        // Write, then read at once, many times over: a reader kept on an old snapshot (a
        // statement left open in its cache) would show an earlier area.
        for n in 0..12_i64 {
            let version = app.household_json(&token, 1).await["household"]["version"]
                .as_i64()
                .unwrap();
            let area = format!("{}.{:02}", 60 + n, n);
            let (s, body) = app
                .api(&token, Method::PATCH, "/households/1", Some(json!({"version": version, "area": area})))
                .await;
            assert_eq!(s, 200, "{body}");
            let read = app.household_json(&token, 1).await;
            assert_eq!(read["household"]["area"], area.as_str(), "the API reads its write");
            assert_eq!(read["household"]["version"], version + 1);
            let (s, list) = app
                .api(&token, Method::GET, &format!("/compounds/{compound}/households?page=1&size=500"), None)
                .await;
            assert_eq!(s, 200, "{list}");
            let row = list["items"].as_array().unwrap().iter().find(|r| r["id"] == 1).cloned();
            assert_eq!(row.map(|r| r["area"].clone()), Some(json!(area)), "the list reads the write");
            let (s, page) = b.get("/households/1").await;
            assert_eq!(s, 200);
            assert!(page.contains(&area), "the page shows {area}");
        }
        // The history reads the writes too, newest first, with the writer's name.
        let (s, hist) = app.api(&token, Method::GET, "/households/1/history", None).await;
        assert_eq!(s, 200, "{hist}");
        assert_eq!(hist["items"][0]["action"], "household.update");
        assert_eq!(hist["items"][0]["after"]["area_centi"], 7111);
        assert!(hist["items"][0]["actor_name"].as_str().is_some_and(|n| !n.is_empty()), "{hist}");
        // A new building is counted on the compound page at once.
        let (s, page) = b.get(&format!("/compounds/{compound}")).await;
        assert_eq!(s, 200);
        let before = app.sql_i64(&format!("SELECT COUNT(*) FROM building WHERE compound_id = {compound}")).await;
        let (s, made) = app
            .api(&token, Method::POST, &format!("/compounds/{compound}/buildings"), Some(json!({"name": "读后楼", "floors": "6"})))
            .await;
        assert_eq!(s, 201, "{made}");
        assert!(!page.contains("读后楼"));
        let (s, page) = b.get(&format!("/compounds/{compound}")).await;
        assert_eq!(s, 200);
        assert!(page.contains("读后楼"), "the compound page shows the new building");
        let (s, c) = app.api(&token, Method::GET, &format!("/compounds/{compound}"), None).await;
        assert_eq!(s, 200, "{c}");
        assert_eq!(c["stats"]["buildings"], before + 1);
    }

    async fn a_page_whose_reads_share_round_trips_shows_what_its_reads_show_one_by_one(app) {
        // On PostgreSQL the household page's reads after the household go to the database as
        // one statement, their rows coming back as JSON; read one by one through sqlx they
        // must give the same owners, residents (dates), votes, bills, requests, history (its
        // JSON texts and names) and accounts to link (a flag).
        let w = crate::common::requests::world(&app).await;
        let leak = crate::common::requests::category(&app, &w.owner, "leak").await;
        let (s, r) = app
            .api(&w.owner, Method::POST, &format!("/compounds/{}/requests", w.compound), Some(json!({"category_id": leak, "household_id": w.home, "description": "厨房漏水"})))
            .await;
        assert_eq!(s, 201, "{r}");
        let version = app.household_json(&w.committee, w.home).await["household"]["version"].as_i64().unwrap();
        let (s, body) = app
            .api(&w.committee, Method::PATCH, &format!("/households/{}", w.home), Some(json!({"version": version, "area": "88.50"})))
            .await;
        assert_eq!(s, 200, "{body}");
        let actor = app.actor_of("committee").await;
        let store = &app.store;
        let history = linli_domain::PageRequest::new(None, Some(20));
        let page = store.household_page(&actor, w.home, history).await.unwrap();
        let view = store.household(&actor, w.home).await.unwrap();
        let links = store.household_links(&actor, w.home).await.unwrap();
        let alone_history = store.household_history(&actor, w.home, history).await.unwrap();
        let to_link = store.accounts_to_link(&actor, w.home).await.unwrap();
        assert_eq!(serde_json::to_value(&page.view).unwrap(), serde_json::to_value(&view).unwrap());
        assert!(!view.owners.is_empty(), "{view:?}");
        assert_eq!(serde_json::to_value(&page.links).unwrap(), serde_json::to_value(&links).unwrap());
        assert_eq!(links.requests.len(), 1, "the request is on the page");
        assert_eq!(serde_json::to_value(page.history.as_ref().unwrap()).unwrap(), serde_json::to_value(&alone_history).unwrap());
        assert_eq!(alone_history.items[0].after["area_centi"], 8850);
        assert_eq!(serde_json::to_value(&page.to_link).unwrap(), serde_json::to_value(&to_link).unwrap());
        // The compound page, read in one shared trip, counts the compound's rows.
        let (c, _) = store.compound_page(&actor, w.compound, history).await.unwrap();
        let households = app.sql_i64(&format!("SELECT COUNT(*) FROM household WHERE compound_id = {}", w.compound)).await;
        assert_eq!(c.stats.households, households);
    }

    async fn the_household_page_read_ahead_with_its_sign_in_is_the_page_read_after_it(app) {
        // Its city known from an earlier read, the household page sends everything it reads
        // of the household with its first read; on PostgreSQL the rest of the page then takes
        // no round trip. The page must be the one read step by step, and a city kept for the
        // household that is not its own (a stale hint) must still find it, by its id.
        let w = crate::common::requests::world(&app).await;
        for area in ["76.50", "77.25"] {
            let version = app.household_json(&w.committee, w.home).await["household"]["version"].as_i64().unwrap();
            let (s, body) = app
                .api(&w.committee, Method::PATCH, &format!("/households/{}", w.home), Some(json!({"version": version, "area": area})))
                .await;
            assert_eq!(s, 200, "{body}");
        }
        let actor = app.actor_of("committee").await;
        let store = &app.store;
        let history = linli_domain::PageRequest::new(None, Some(20));
        let page_of = |p: &linli_store::registry::HouseholdPage| {
            json!([
                serde_json::to_value(&p.view).unwrap(),
                serde_json::to_value(&p.links).unwrap(),
                serde_json::to_value(&p.history).unwrap(),
                serde_json::to_value(&p.to_link).unwrap(),
            ])
        };
        // Read by its id alone, which keeps its city.
        let alone = page_of(&store.household_page(&actor, w.home, history).await.unwrap());
        assert_eq!(alone[2]["items"][0]["after"]["area_centi"], 7725, "{alone}");
        let ahead = || async {
            store
                .reading_ahead(async {
                    let at = store.household_page_first(w.home, history).await.unwrap();
                    let before = store.batched_trips();
                    let page = store.household_page_at(&actor, at, history).await.unwrap();
                    (page_of(&page), store.batched_trips() - before)
                })
                .await
        };
        let (page, rest) = ahead().await;
        assert_eq!(page, alone);
        if app.backend == Backend::Postgres {
            assert_eq!(rest, 0, "the rest of the page was read ahead");
        }
        // A stale city: another city's partition has no such household.
        let city = app.sql_i64(&format!("SELECT city_id FROM compound WHERE id = {}", w.compound)).await;
        let other = app.sql_i64(&format!("SELECT MIN(id) FROM region WHERE kind = 'city' AND id <> {city}")).await;
        store.keep_household_city(w.home, other);
        let (page, _) = ahead().await;
        assert_eq!(page, alone, "read by its id after the stale city found nothing");
        // Every read of a household by its id takes the kept city first: a write too.
        store.keep_household_city(w.home, other);
        let version = app.household_json(&w.committee, w.home).await["household"]["version"].as_i64().unwrap();
        store.keep_household_city(w.home, other);
        let (s, body) = app
            .api(&w.committee, Method::PATCH, &format!("/households/{}", w.home), Some(json!({"version": version, "area": "78.00"})))
            .await;
        assert_eq!(s, 200, "{body}");
        assert_eq!(body["version"], version + 1, "{body}");
        let (s, body) = app
            .api(&w.committee, Method::PATCH, &format!("/households/{}", w.home), Some(json!({"version": version, "area": "79.00"})))
            .await;
        assert_eq!(s, 409, "a stale version is refused in the household's own city: {body}");
        let alone = page_of(&store.household_page(&actor, w.home, history).await.unwrap());
        let (page, _) = ahead().await;
        assert_eq!(page, alone, "the page read ahead shows the write");
        assert_eq!(page[2]["items"][0]["after"]["area_centi"], 7800, "{page}");
        // Another page of its history is another read, not the one read ahead.
        let second = linli_domain::PageRequest::new(Some(2), Some(1));
        let read = store
            .reading_ahead(async {
                let at = store.household_page_first(w.home, history).await.unwrap();
                store.household_page_at(&actor, at, second).await.unwrap()
            })
            .await;
        let want = store.household_history(&actor, w.home, second).await.unwrap();
        assert_eq!(serde_json::to_value(&read.history).unwrap(), serde_json::to_value(Some(&want)).unwrap());
        assert!(want.total >= 2, "{want:?}");
    }

    async fn the_household_list_checks_the_compound_s_place_every_time_it_is_asked(app) {
        // The list keeps a compound's place once read: the second request must be answered
        // exactly as the first, for whoever asks; a compound not found is not kept.
        let committee = app.token("committee").await;
        let owner = app.token("owner").await;
        let worker = app.token("worker").await;
        let everyone = app.sql_i64("SELECT COUNT(*) FROM household WHERE compound_id = 1").await;
        assert!(everyone > 1);
        for round in 1..=2 {
            let (s, all) = app.api(&committee, Method::GET, "/compounds/1/households?size=500", None).await;
            assert_eq!(s, 200, "round {round}: {all}");
            assert_eq!(all["total"], everyone, "round {round}: the committee sees every home");
            // A home of two owners lists both names, in the order they were recorded, and the
            // first one's phone.
            let two = app.sql_i64("SELECT MIN(household_id) FROM ownership WHERE household_id IN (SELECT id FROM household WHERE compound_id = 1) GROUP BY household_id HAVING COUNT(*) >= 2 ORDER BY 1 LIMIT 1").await;
            let row = all["items"].as_array().unwrap().iter().find(|r| r["id"] == two).unwrap();
            let (s, v) = app.api(&committee, Method::GET, &format!("/households/{two}"), None).await;
            assert_eq!(s, 200, "{v}");
            let mut owners = v["owners"].as_array().unwrap().clone();
            owners.sort_by_key(|o| o["ownership_id"].as_i64());
            assert!(owners.len() >= 2, "{v}");
            let names: Vec<&str> = owners.iter().map(|o| o["name"].as_str().unwrap()).collect();
            assert_eq!(row["owners"], names.join("、"), "{row}");
            assert_eq!(row["phone"], owners[0]["phone"], "{row}");
            // Read after the committee's, the compound's place is kept: the owner still sees
            // only their own home, not the committee's whole list.
            let (s, own) = app.api(&owner, Method::GET, "/compounds/1/households?size=500", None).await;
            assert_eq!(s, 200, "round {round}: {own}");
            assert_eq!(own["total"], 1, "round {round}: {own}");
            assert_eq!(own["items"][0]["id"], app.persona_place("owner"));
            // 甘泉苑 (Shanghai) is no place of theirs, read once or twice.
            for token in [&committee, &owner] {
                let (s, body) = app.api(token, Method::GET, "/compounds/3/households", None).await;
                crate::common::assert_api_error(s, &body, 403, "forbidden", None);
            }
        }
        // A compound that does not exist yet is not found, twice; created, it is listed.
        let next = match app.backend {
            Backend::Sqlite => app.sql_i64("SELECT MAX(id) + 1 FROM compound").await,
            Backend::Postgres => {
                app.sql_i64("SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM compound_id_seq").await
            }
        };
        for _ in 0..2 {
            let (s, body) = app.api(&worker, Method::GET, &format!("/compounds/{next}/households"), None).await;
            crate::common::assert_api_error(s, &body, 404, "not_found", None);
        }
        let community = app.persona_place("worker");
        let (s, made) = app
            .api(&worker, Method::POST, &format!("/regions/{community}/compounds"), Some(json!({"name": "后建小区", "management_mode": "self_managed"})))
            .await;
        assert_eq!(s, 201, "{made}");
        assert_eq!(made["id"], next, "{made}");
        let (s, list) = app.api(&worker, Method::GET, &format!("/compounds/{next}/households"), None).await;
        assert_eq!(s, 200, "{list}");
        assert_eq!(list["total"], 0);
        let (s, body) = app.api(&committee, Method::GET, &format!("/compounds/{next}/households"), None).await;
        crate::common::assert_api_error(s, &body, 403, "forbidden", None);
    }

    async fn each_listed_household_names_its_own_compound_building_and_unit(app) {
        // On PostgreSQL a page's units, buildings and compounds are looked up once per unit on
        // the page and joined back to its rows; on SQLite once per row. Either way, every row
        // of every page must name the places the database joins to it, in a compound's list
        // and in a search anywhere, whose pages span several units and buildings.
        let committee = app.token("committee").await;
        let truth: std::collections::HashMap<String, String> = app
            .sql_texts(
                "SELECT CAST(h.id AS TEXT) || '|' || c.name || '|' || b.name || '|' || u.name FROM household h \
                 JOIN unit u ON u.id = h.unit_id JOIN building b ON b.id = u.building_id JOIN compound c ON c.id = u.compound_id",
                0,
            )
            .await
            .into_iter()
            .map(|t| (t.split('|').next().unwrap().to_string(), t))
            .collect();
        let units = app.sql_i64("SELECT COUNT(DISTINCT unit_id) FROM household WHERE compound_id = 1").await;
        let buildings = app.sql_i64("SELECT COUNT(DISTINCT building_id) FROM household WHERE compound_id = 1").await;
        assert!(units > 2 && buildings > 1, "{units} units, {buildings} buildings");
        let everyone = app.sql_i64("SELECT COUNT(*) FROM household WHERE compound_id = 1").await;
        let row_of = |r: &serde_json::Value| {
            format!("{}|{}|{}|{}", r["id"], r["compound"].as_str().unwrap(), r["building"].as_str().unwrap(), r["unit"].as_str().unwrap())
        };
        let mut listed = 0;
        for page in 1.. {
            let (s, list) = app.api(&committee, Method::GET, &format!("/compounds/1/households?page={page}&size=7"), None).await;
            assert_eq!(s, 200, "{list}");
            let items = list["items"].as_array().unwrap();
            if items.is_empty() {
                break;
            }
            for r in items {
                assert_eq!(row_of(r), truth[&r["id"].to_string()], "page {page}");
            }
            listed += items.len() as i64;
        }
        assert_eq!(listed, everyone, "every household of the compound is listed once");
        // A search anywhere: a digit of a room is in rooms of every building.
        let room = app.sql_texts("SELECT room FROM household WHERE compound_id = 1 ORDER BY id", 0).await;
        let (s, found) = app.api(&committee, Method::GET, &format!("/search?q={}&size=200", room[0]), None).await;
        assert_eq!(s, 200, "{found}");
        let items = found["items"].as_array().unwrap();
        assert!(!items.is_empty(), "{found}");
        for r in items {
            assert_eq!(row_of(r), truth[&r["id"].to_string()]);
        }
    }

    async fn ended_sessions_and_tokens_are_refused_as_before(app) {
        // A session works until it expires, and no longer after.
        let b = app.browser_login("committee").await;
        assert_eq!(b.get("/").await.0, 200);
        app.store.clock().advance(linli_store::accounts::SESSION_SECONDS + 1);
        assert_eq!(b.get_location("/").await, (303, Some("/login".into())), "expired");
        let (s, _) = b.api(Method::GET, "/me", None, None).await;
        assert_eq!(s, 401, "an expired session is refused by the API too");
        app.store.clock().advance(-(linli_store::accounts::SESSION_SECONDS + 1));

        // Signing out ends it at once.
        let (s, home) = b.get("/").await;
        assert_eq!(s, 200);
        let (s, _) = b.post_raw("/logout", &[("_csrf", &csrf_of(&home))]).await;
        assert_eq!(s, 303);
        assert_eq!(b.get_location("/").await, (303, Some("/login".into())), "signed out");

        // A revoked token is refused by the very next request.
        let script = app.token("committee").await;
        let keeper = app.token("committee").await;
        assert_eq!(app.api(&script, Method::GET, "/me", None).await.0, 200);
        let (s, list) = app.api(&keeper, Method::GET, "/tokens", None).await;
        assert_eq!(s, 200, "{list}");
        let id = list.as_array().unwrap().iter().map(|t| t["id"].as_i64().unwrap()).min().unwrap();
        let (s, _) = app.api(&keeper, Method::DELETE, &format!("/tokens/{id}"), None).await;
        assert_eq!(s, 204);
        assert_eq!(app.api(&script, Method::GET, "/me", None).await.0, 401, "revoked");
        assert_eq!(app.api(&keeper, Method::GET, "/me", None).await.0, 200);
    }

    async fn sqlite_keeps_the_planner_summary_and_no_value_samples(app) {
        // Value samples (`sqlite_stat4`) make SQLite prepare a kept statement again whenever
        // it runs with new values; the store keeps only the summary after every ANALYZE and
        // removes samples an older version left, when it migrates.
        if app.backend != Backend::Sqlite {
            return;
        }
        use sea_orm::ConnectionTrait;
        let db = app.store.read();
        let count = |sql: &'static str| async move {
            let row = db
                .query_one_raw(sea_orm::Statement::from_string(sea_orm::DbBackend::Sqlite, sql))
                .await
                .unwrap()
                .unwrap();
            row.try_get_by_index::<i64>(0).unwrap()
        };
        assert!(count("SELECT COUNT(*) FROM sqlite_stat1").await > 0, "the demo was analysed");
        assert_eq!(count("SELECT COUNT(*) FROM sqlite_stat4").await, 0);
        app.store
            .write()
            .execute_unprepared(
                "INSERT INTO sqlite_stat4 (tbl, idx, neq, nlt, ndlt, sample) \
                 VALUES ('household', 'ix_household_room', '1 1', '0 0', '0 0', x'00')",
            )
            .await
            .unwrap();
        assert_eq!(count("SELECT COUNT(*) FROM sqlite_stat4").await, 1);
        app.store.migrate().await.unwrap();
        assert_eq!(count("SELECT COUNT(*) FROM sqlite_stat4").await, 0, "migrate removes them");
        app.store.analyze().await.unwrap();
        assert_eq!(count("SELECT COUNT(*) FROM sqlite_stat4").await, 0, "ANALYZE keeps none");
        assert!(count("SELECT COUNT(*) FROM sqlite_stat1").await > 0);
    }
}
