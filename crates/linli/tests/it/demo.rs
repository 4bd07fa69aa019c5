//! The demo tells the articles' stories, on SQLite and PostgreSQL: loading it writes the
//! votes, knocks, meetings, elections and rating months through the services, the same
//! numbers every time, and each persona finds something waiting.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

/// 甘泉苑's unit ballots: five households in six of the 34 units answer, on paper or (every
/// fifth, owners living elsewhere) by video.
const GANQUAN_BALLOTS: i64 = 670;
const GANQUAN_REMOTE: i64 = 133;
/// Ballots replaced because one owner votes for two flats of the unit.
const GANQUAN_CHANGED: i64 = 1;

both_backends! {
    @spawn spawn_demo;
    async fn the_demo_holds_the_stories_of_the_articles(app) {
        // Each household's list shows its owners as the demo's ownerships say.
        app.assert_owners_shown().await;
        // Every month since January of last year is closed, this one open: 95 sheets a closed
        // month (four parties, 24 units, the residents' scorer never scoring her own), 38 now.
        let closed = 12 + i64::from(u8::from(app.today().month())) - 1;
        let counts = [
            ("proposals", 39, "SELECT COUNT(*) FROM proposal"),
            ("passed", 37, "SELECT COUNT(*) FROM proposal WHERE stage = 'passed'"),
            ("voting", 1, "SELECT COUNT(*) FROM proposal WHERE stage = 'voting'"),
            ("deliberation", 1, "SELECT COUNT(*) FROM proposal WHERE stage = 'deliberation'"),
            ("ballots", GANQUAN_BALLOTS + 253, "SELECT COUNT(*) FROM ballot"),
            ("online", 1, "SELECT COUNT(*) FROM ballot WHERE method = 'online'"),
            ("assisted", 5, "SELECT COUNT(*) FROM ballot WHERE method = 'assisted'"),
            ("proxy", 5, "SELECT COUNT(*) FROM ballot WHERE method = 'proxy'"),
            ("remote", GANQUAN_REMOTE + 5, "SELECT COUNT(*) FROM ballot WHERE method = 'remote'"),
            ("paper", GANQUAN_BALLOTS - GANQUAN_REMOTE + 237, "SELECT COUNT(*) FROM ballot WHERE method = 'paper'"),
            ("changed", GANQUAN_CHANGED + 8, "SELECT COUNT(*) FROM ballot WHERE revision > 1"),
            ("meetings", 1, "SELECT COUNT(*) FROM meeting"),
            ("elections", 1, "SELECT COUNT(*) FROM election"),
            ("election ballots", 185, "SELECT COUNT(*) FROM election_ballot"),
            ("knock visits", 35, "SELECT COUNT(*) FROM knock_visit"),
            ("comments", 9, "SELECT COUNT(*) FROM proposal_comment"),
            ("official answers", 4, "SELECT COUNT(*) FROM proposal_comment WHERE official"),
            ("rubrics", 1, "SELECT COUNT(*) FROM rating_rubric WHERE proposal_id IS NOT NULL"),
            ("scorers", 4, "SELECT COUNT(*) FROM rating_panel"),
            ("closed months", closed, "SELECT COUNT(*) FROM rating_month WHERE status = 'closed'"),
            ("open months", 1, "SELECT COUNT(*) FROM rating_month WHERE status = 'open'"),
            ("sheets", 95 * closed + 38, "SELECT COUNT(*) FROM rating_sheet"),
            ("vetoes", 1, "SELECT COUNT(*) FROM rating_mark WHERE item_code = 'flying_lead'"),
            ("appeals", 1, "SELECT COUNT(*) FROM rating_appeal"),
            // 甘泉苑: each of the 34 projects started from the passed vote of its own unit, at
            // the public notice, the stages before it done by that vote.
            ("projects", 34, "SELECT COUNT(*) FROM elevator_project p JOIN compound c ON c.id = p.compound_id WHERE c.name = '甘泉苑'"),
            ("decided by their unit's vote", 34, "SELECT COUNT(*) FROM elevator_project p JOIN proposal x ON x.id = p.proposal_id WHERE x.stage = 'passed' AND x.scope_kind = 'unit' AND x.scope_id = p.unit_id AND x.preset = 'beijing_2020_elevator'"),
            ("stages done by the vote", 3 * 34, "SELECT COUNT(*) FROM elevator_stage_log WHERE note LIKE '%由表决完成'"),
            ("in operation", 28, "SELECT COUNT(*) FROM elevator_project WHERE stage = 'operation'"),
            ("under construction", 5, "SELECT COUNT(*) FROM elevator_project WHERE stage = 'construction'"),
            ("collecting", 1, "SELECT COUNT(*) FROM elevator_project WHERE stage = 'funding'"),
            ("objections", 12, "SELECT COUNT(*) FROM objection"),
            ("objections answered and resolved", 12, "SELECT COUNT(*) FROM objection WHERE resolved AND answer IS NOT NULL"),
            ("low-floor consents", 68, "SELECT COUNT(*) FROM affected_consent WHERE consented AND evidence_id IS NOT NULL"),
        ];
        let mut found = Vec::new();
        for (what, _, sql) in counts {
            found.push((what, app.sql_i64(sql).await));
        }
        let expected: Vec<(&str, i64)> = counts.iter().map(|(w, n, _)| (*w, *n)).collect();
        assert_eq!(found, expected, "the demo's stories, counted");

        // Each persona of the featured compounds opens linli to something waiting for them.
        let mut idle = Vec::new();
        for login in ["owner", "committee", "buildinghead", "unithead", "grid", "volunteer", "sun", "street", "worker", "ngcommittee", "ngproperty", "ngresident", "gqcommittee"] {
            let token = app.token(login).await;
            let (s, agenda) = app.api(&token, reqwest::Method::GET, "/me/agenda", None).await;
            assert_eq!(s, 200, "{login}: {agenda}");
            let waiting: usize = agenda.as_object().unwrap().values().filter_map(|v| v.as_array()).map(Vec::len).sum();
            if waiting == 0 {
                idle.push(login);
            }
        }
        assert!(idle.is_empty(), "nothing waits on the home page of {idle:?}");
        let owner = app.token("owner").await;
        let (_, agenda) = app.api(&owner, reqwest::Method::GET, "/me/agenda", None).await;
        assert_eq!(agenda["to_vote"].as_array().unwrap().len(), 1, "the open 1单元 vote: {agenda}");

        // Last year is whole: its awards and the heads' subsidies come from twelve closed months.
        let nanguo = app.sql_i64("SELECT id FROM compound WHERE name = '南国新家园'").await;
        let head = app.sql_i64(&format!("SELECT MIN(id) FROM household WHERE compound_id = {nanguo}")).await;
        let last_year = app.today().year() - 1;
        let committee = app.token("ngcommittee").await;
        let (s, year) = app
            .api(&committee, reqwest::Method::GET, &format!("/compounds/{nanguo}/rating/years/{last_year}?heads={head}"), None)
            .await;
        assert_eq!(s, 200, "{year}");
        let months: Vec<String> = (1..=12).map(|m| format!("{last_year}-{m:02}")).collect();
        assert_eq!(year["closed_months"], serde_json::json!(months), "every month of last year closed");
        let awarded = year["units"].as_array().unwrap().iter().filter(|u| !u["place"].is_null()).count();
        assert!(awarded >= 3, "last year's three units with the most flag-months: {year}");
        assert!(year["subsidy_total"].as_i64().unwrap() > 0 && !year["subsidies"].as_array().unwrap().is_empty(), "{year}");
        assert_eq!(year["heads"].as_array().unwrap().len(), 1, "{year}");
        assert!(year["heads_total"].as_i64().unwrap() > 0, "the head's 10% + 10%: {year}");
    }

    async fn the_demo_s_statistics_are_taken_after_its_stories_and_kept_fresh(app) {
        // Statistics from before the stories saw an audit trail of a few records, and SQLite
        // then read a household's history by scanning the whole trail in id order.
        if app.backend != common::Backend::Sqlite {
            return;
        }
        // A city and an entity whose history is asked for (the plan does not depend on them).
        let (city, household) = (
            app.sql_i64("SELECT city_id FROM audit ORDER BY id DESC LIMIT 1").await,
            app.sql_i64("SELECT MIN(id) FROM household").await,
        );
        let audited = app.sql_i64("SELECT COUNT(*) FROM audit").await;
        let counted = || app.sql_i64("SELECT CAST(substr(stat, 1, instr(stat || ' ', ' ') - 1) AS INTEGER) FROM sqlite_stat1 WHERE tbl = 'audit' AND idx = 'ix_audit_entity_entity_id'");
        let plan = || async {
            app.sql_texts(&format!("EXPLAIN QUERY PLAN SELECT seq FROM audit WHERE city_id = {city} AND entity = 'household' AND entity_id = {household} ORDER BY id DESC LIMIT 20"), 3)
                .await
                .join("; ")
        };
        let n = counted().await;
        assert!(n * 2 >= audited, "the audit trail's statistics count {n} of {audited} records");
        let p = plan().await;
        assert!(p.contains("ix_audit_entity_entity_id"), "{p}");

        // Statistics gone stale (as if taken when the trail held one record) are taken again by
        // the upkeep `serve` runs.
        app.sql_exec("UPDATE sqlite_stat1 SET stat = '1 1 1' WHERE tbl = 'audit'").await;
        // A change of the schema makes the server's connections read the statistics again.
        app.sql_exec("CREATE TABLE statistics_reload (x INTEGER)").await;
        app.sql_exec("DROP TABLE statistics_reload").await;
        let p = plan().await;
        assert!(!p.contains("ix_audit_entity_entity_id"), "stale statistics plan a scan: {p}");
        app.store.refresh_statistics().await.unwrap();
        let n = counted().await;
        assert!(n * 2 >= audited, "refreshed, the statistics count {n} of {audited} records");
        let p = plan().await;
        assert!(p.contains("ix_audit_entity_entity_id"), "{p}");
    }

    async fn the_demo_load_leaves_every_key_and_index_of_the_schema_in_force(app) {
        let (url, _dir) = common::fresh_database(app.backend).await;
        let migrated = linli_store::Store::connect(&url).await.unwrap();
        migrated.migrate().await.unwrap();
        let want = keys_of(migrated.read(), app.backend).await;
        assert!(want.iter().any(|k| k.contains("FOREIGN KEY") || k.contains("REFERENCES")), "{want:?}");
        assert_eq!(keys_of(&app.sql().await, app.backend).await, want, "after the demo load");
    }

    async fn a_copy_load_is_postgres_only_and_leaves_nothing_unless_committed(app) {
        let (url, _dir) = common::fresh_database(app.backend).await;
        let store = linli_store::Store::connect(&url).await.unwrap();
        store.migrate().await.unwrap();
        let keys = keys_of(store.read(), app.backend).await;
        let Ok(mut load) = store.begin_load().await else {
            assert_eq!(app.backend, common::Backend::Sqlite, "PostgreSQL refused a load");
            return;
        };
        assert_eq!(app.backend, common::Backend::Postgres, "SQLite has no COPY");
        use linli_store::bulk::Ty;
        const COLUMNS: &[(&str, Ty)] = &[("id", Ty::BigInt), ("name", Ty::Text), ("phone", Ty::Text), ("created_at", Ty::BigInt)];
        let row = || vec![1_i64.into(), "张\t三\\".into(), Option::<String>::None.into(), 0_i64.into()];
        load.set_keys_aside(&["person"]).await.unwrap();
        let mut rows = load.copy("person", COLUMNS);
        rows.push(row()).await.unwrap();
        rows.finish().await.unwrap();
        drop(load);
        assert_eq!(persons(store.read()).await, Vec::<(String, Option<String>)>::new(), "a load dropped before its commit wrote a row");
        assert_eq!(keys_of(store.read(), app.backend).await, keys, "the keys set aside came back with the rollback");

        let mut load = store.begin_load().await.unwrap();
        load.set_keys_aside(&["person"]).await.unwrap();
        assert_ne!(keys_of(load.db(), app.backend).await, keys, "nothing was set aside");
        let mut rows = load.copy("person", COLUMNS);
        rows.push(row()).await.unwrap();
        rows.finish().await.unwrap();
        load.commit().await.unwrap();
        assert_eq!(persons(store.read()).await, vec![("张\t三\\".to_string(), None)], "a tab and a backslash survive COPY, a None is NULL");
        assert_eq!(keys_of(store.read(), app.backend).await, keys, "the keys are rebuilt at the commit");
    }
}

/// The keys, constraints and indexes of the tables the demo load writes in bulk, one line
/// each: the PostgreSQL load sets them aside while its rows go in and must put every one back.
/// The keys and indexes of the registry's tables. On PostgreSQL a key naming a partitioned
/// table has a row of its own for each partition (`conparentid` the key's), as many as there
/// are cities, so the keys are compared without them; a partitioned table's index is valid
/// only once each partition has its own, which the comparison of `indisvalid` checks.
async fn keys_of(db: &sea_orm::DatabaseConnection, backend: common::Backend) -> Vec<String> {
    use sea_orm::{ConnectionTrait, Statement};
    let tables = "'person', 'building', 'unit', 'household', 'ownership', 'residency'";
    let sql = match backend {
        common::Backend::Postgres => format!(
            "SELECT conrelid::regclass::text || ' ' || conname::text || ' ' || pg_get_constraintdef(oid) \
                    || CASE WHEN convalidated THEN '' ELSE ' NOT VALID' END \
             FROM pg_constraint WHERE conrelid::regclass::text IN ({tables}) AND conparentid = 0 \
             UNION ALL \
             SELECT indexdef || CASE WHEN x.indisvalid THEN '' ELSE ' INVALID' END \
             FROM pg_indexes i JOIN pg_class c ON c.relname = i.indexname \
             JOIN pg_index x ON x.indexrelid = c.oid WHERE i.tablename IN ({tables}) ORDER BY 1"
        ),
        common::Backend::Sqlite => format!(
            "SELECT type || ' ' || name || ' ' || COALESCE(sql, '') FROM sqlite_master \
             WHERE tbl_name IN ({tables}) ORDER BY 1"
        ),
    };
    let rows = db
        .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap();
    rows.iter()
        .map(|r| r.try_get_by_index::<String>(0).unwrap())
        .collect()
}

async fn persons(db: &sea_orm::DatabaseConnection) -> Vec<(String, Option<String>)> {
    use sea_orm::{ConnectionTrait, Statement};
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT name, phone FROM person ORDER BY id",
        ))
        .await
        .unwrap();
    rows.iter()
        .map(|r| {
            (
                r.try_get_by_index(0).unwrap(),
                r.try_get_by_index(1).unwrap(),
            )
        })
        .collect()
}
