//! The audit trail: every write leaves one record with before and after, in the write's own
//! transaction; the hash chains verify, and tampering or deleting is caught and named, by
//! `Store::verify_audit` and by `linli verify-audit`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::{Backend, TestApp};
use reqwest::Method;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

/// The newest audit record: (id, chain, action, entity_id, before, after).
async fn newest(app: &TestApp) -> (i64, i64, String, i64, String, String) {
    let conn = app.sql().await;
    let row = conn
        .query_one_raw(sea_orm::Statement::from_string(
            conn.get_database_backend(),
            r#"SELECT id, chain, action, entity_id, "before", "after" FROM audit ORDER BY id DESC LIMIT 1"#,
        ))
        .await
        .unwrap()
        .unwrap();
    let out = (
        row.try_get_by_index::<i64>(0).unwrap(),
        row.try_get_by_index::<i64>(1).unwrap(),
        row.try_get_by_index::<String>(2).unwrap(),
        row.try_get_by_index::<i64>(3).unwrap(),
        row.try_get_by_index::<String>(4).unwrap(),
        row.try_get_by_index::<String>(5).unwrap(),
    );
    conn.close().await.unwrap();
    out
}

/// A few edits of household 1, so the chain of compound 1 has records to break.
async fn some_edits(app: &TestApp, token: &str, n: usize) {
    for i in 0..n {
        let v = app.household_json(token, 1).await["household"]["version"].clone();
        let (s, b) = app
            .api(
                token,
                Method::PATCH,
                "/households/1",
                Some(json!({"version": v, "area": format!("6{i}.00")})),
            )
            .await;
        assert_eq!(s, 200, "{b}");
    }
}

both_backends! {
    async fn every_write_leaves_one_record_with_before_and_after(app) {
        let token = app.token("committee").await;
        let h = app.persona_place("owner");
        let version = |v: &Value| v["household"]["version"].clone();
        let v0 = app.household_json(&token, h).await;

        // (method, path, body, action, has before, has after)
        let mut steps: Vec<(Method, String, Value, &str, bool, bool)> = vec![
            (Method::POST, "/compounds/1/buildings".into(), json!({"name": "审计楼"}), "building.create", false, true),
            (Method::PATCH, format!("/households/{h}"), json!({"version": version(&v0), "area": "99.01"}), "household.update", true, true),
            (Method::POST, format!("/households/{h}/residents"), json!({"name": "审计 住户", "kind": "family"}), "resident.move_in", false, true),
            (Method::POST, format!("/households/{h}/invites"), json!({"role": "resident"}), "invite.issue", false, true),
        ];
        let audit0 = app.audit_count().await;
        let mut count = audit0;
        let mut ran = Vec::new();
        for (method, path, body, action, before, after) in steps.drain(..) {
            let (s, b) = app.api(&token, method.clone(), &path, Some(body)).await;
            assert!(s == 200 || s == 201, "{method} {path}: {s} {b}");
            count += 1;
            assert_eq!(app.audit_count().await, count, "{action} left exactly one record");
            let (_, chain, a, _, bf, af) = newest(&app).await;
            assert_eq!(a, action);
            assert_eq!(chain, 1, "{action} is on the chain of its compound");
            assert_eq!(!bf.is_empty(), before, "{action} before: {bf}");
            assert_eq!(!af.is_empty(), after, "{action} after: {af}");
            ran.push(b);
        }
        let (_, _, _, entity_id, before, after) = {
            let v = app.household_json(&token, h).await;
            let (s, _) = app.api(&token, Method::POST, &format!("/households/{h}/move"), Some(json!({"version": version(&v), "unit_id": v["household"]["unit_id"]}))).await;
            assert_eq!(s, 200);
            count += 1;
            newest(&app).await
        };
        assert_eq!(entity_id, h);
        let before: Value = serde_json::from_str(&before).unwrap();
        let after: Value = serde_json::from_str(&after).unwrap();
        assert_eq!(after["version"].as_i64().unwrap(), before["version"].as_i64().unwrap() + 1);
        assert_eq!(before["area"], "99.01");

        // Move-out, voter and owner removal are recorded too; a token is on the global chain.
        let rid = ran[2]["residency_id"].as_i64().unwrap();
        let (s, _) = app.api(&token, Method::POST, &format!("/households/{h}/residents/{rid}/move-out"), Some(json!({}))).await;
        assert_eq!(s, 204);
        count += 1;
        assert_eq!(newest(&app).await.2, "resident.move_out");
        let v = app.household_json(&token, h).await;
        let owner = v["owners"][0].clone();
        let (s, _) = app.api(&token, Method::PUT, &format!("/households/{h}/voter"), Some(json!({"person_id": owner["person_id"]}))).await;
        assert_eq!(s, 204);
        count += 1;
        assert_eq!(newest(&app).await.2, "voter.designate");
        let (s, _) = app.api(&token, Method::DELETE, &format!("/households/{h}/owners/{}", owner["ownership_id"]), None).await;
        assert_eq!(s, 204);
        count += 1;
        let (_, _, a, _, bf, af) = newest(&app).await;
        assert_eq!((a.as_str(), af.as_str()), ("owner.remove", ""));
        assert!(bf.contains(&owner["person_id"].to_string()), "{bf}");
        let _second_token = app.token("committee").await;
        count += 1;
        let (_, chain, a, ..) = newest(&app).await;
        assert_eq!((chain, a.as_str()), (0, "api_token.create"));
        assert_eq!(app.audit_count().await, count);

        // Refused writes leave nothing.
        let stale = json!({"version": 1, "area": "1"});
        for (method, path, body) in [
            (Method::PATCH, format!("/households/{h}"), stale),
            (Method::PATCH, format!("/households/{h}"), json!({"version": version(&app.household_json(&token, h).await), "area": "-1"})),
            (Method::POST, "/compounds/1/buildings".into(), json!({"name": "审计楼"})),
            (Method::POST, "/compounds/2/buildings".into(), json!({"name": "别处的楼"})),
        ] {
            let (s, _) = app.api(&token, method, &path, Some(body)).await;
            assert!((400..500).contains(&s));
        }
        assert_eq!(app.audit_count().await, count);

        let report = app.store.verify_audit().await.unwrap();
        assert!(report.broken.is_none(), "{report:?}");
        assert_eq!(report.records as i64, count);
    }

    async fn a_write_and_its_record_are_one_transaction(app) {
        let token = app.token("committee").await;
        let before = app.household_json(&token, 1).await["household"].clone();
        let count = app.audit_count().await;
        // Make every audit insert fail, as a full disk or a broken trigger would.
        let refuse = match app.backend {
            Backend::Sqlite => vec!["CREATE TRIGGER refuse_audit BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'audit refused'); END"],
            Backend::Postgres => vec![
                "CREATE FUNCTION refuse_audit() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'audit refused'; END $$ LANGUAGE plpgsql",
                "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit FOR EACH ROW EXECUTE FUNCTION refuse_audit()",
            ],
        };
        for sql in &refuse {
            app.sql_exec(sql).await;
        }
        let (s, e) = app.api(&token, Method::PATCH, "/households/1", Some(json!({"version": before["version"], "area": "12.34"}))).await;
        assert_eq!(s, 500, "{e}");
        assert_eq!(e["code"], "internal");
        assert_eq!(e["message"], "系统出了点问题，请稍后再试", "the cause is logged, not shown");
        let (s, _) = app.api(&token, Method::POST, "/units/1/households", Some(json!({"floor": 9, "room": "901", "area": "50"}))).await;
        assert_eq!(s, 500);
        assert_eq!(app.household_json(&token, 1).await["household"], before, "the edit was rolled back with its record");
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM household WHERE room = '901'").await, 0);
        assert_eq!(app.audit_count().await, count);

        app.sql_exec(match app.backend {
            Backend::Sqlite => "DROP TRIGGER refuse_audit",
            Backend::Postgres => "DROP TRIGGER refuse_audit ON audit",
        })
        .await;
        let (s, e) = app.api(&token, Method::PATCH, "/households/1", Some(json!({"version": before["version"], "area": "12.34"}))).await;
        assert_eq!(s, 200, "{e}");
        assert!(app.store.verify_audit().await.unwrap().broken.is_none());
    }

    async fn an_altered_record_is_caught_and_named(app) {
        let token = app.token("committee").await;
        some_edits(&app, &token, 3).await;
        let report = app.store.verify_audit().await.unwrap();
        assert!(report.broken.is_none(), "{report:?}");
        let (code, out, err) = app.cli(&["verify-audit"]);
        assert_eq!(code, 0, "{out}{err}");
        assert!(out.contains("intact"), "{out}");

        // Someone with database access rewrites what a record says.
        let id = app.sql_i64("SELECT id FROM audit WHERE chain = 1 ORDER BY seq LIMIT 1 OFFSET 1").await;
        let seq = app.sql_i64(&format!("SELECT seq FROM audit WHERE id = {id}")).await;
        assert_eq!(app.sql_exec(&format!(r#"UPDATE audit SET "after" = '{{}}' WHERE id = {id}"#)).await, 1);
        let broken = app.store.verify_audit().await.unwrap().broken.expect("the change is caught");
        assert!(broken.contains(&format!("audit row id {id}")), "{broken}");
        assert!(broken.contains(&format!("chain 1: record {seq} was altered")), "{broken}");
        let (code, out, err) = app.cli(&["verify-audit"]);
        assert_eq!(code, 1, "{out}{err}");
        assert!(out.contains("BROKEN") && out.contains(&format!("audit row id {id}")), "{out}");

        // Putting the text back is not enough to hide a rewritten hash either.
        let conn = app.sql().await;
        conn.execute_unprepared(&format!(r#"UPDATE audit SET "after" = 'x', hash = 'forged' WHERE id = {id}"#)).await.unwrap();
        conn.close().await.unwrap();
        assert!(app.store.verify_audit().await.unwrap().broken.is_some());
    }

    async fn deleted_records_are_caught(app) {
        let token = app.token("committee").await;
        some_edits(&app, &token, 4).await;
        assert!(app.store.verify_audit().await.unwrap().broken.is_none());
        let n = app.sql_i64("SELECT MAX(seq) FROM audit WHERE chain = 1").await;
        assert!(n >= 4);

        // The newest record goes: the chain's head still remembers it.
        assert_eq!(app.sql_exec(&format!("DELETE FROM audit WHERE chain = 1 AND seq = {n}")).await, 1);
        let broken = app.store.verify_audit().await.unwrap().broken.expect("a missing newest record is caught");
        assert!(broken.contains(&format!("chain 1: record {n} is missing")), "{broken}");
        let (code, out, _) = app.cli(&["verify-audit"]);
        assert_eq!(code, 1, "{out}");

        // A record in the middle goes: the next one no longer follows.
        let next = app.sql_i64(&format!("SELECT id FROM audit WHERE chain = 1 AND seq = {}", n - 1)).await;
        assert_eq!(app.sql_exec(&format!("DELETE FROM audit WHERE chain = 1 AND seq = {}", n - 2)).await, 1);
        let broken = app.store.verify_audit().await.unwrap().broken.expect("a missing record is caught");
        assert!(broken.contains(&format!("chain 1: record {} is missing", n - 2)), "{broken}");
        assert!(broken.contains(&format!("audit row id {next}")), "{broken}");
    }

    async fn a_row_edited_outside_linli_is_caught_and_named(app) {
        let token = app.token("committee").await;
        some_edits(&app, &token, 2).await;
        let report = app.store.verify_audit().await.unwrap();
        assert!(report.intact(), "{report:?}");
        assert!(report.heads.iter().any(|h| h.chain == 1 && h.seq > 0), "the heads are listed: {:?}", report.heads);

        // Someone with database access enlarges a flat's area, which weighs in every vote.
        let area = app.sql_i64("SELECT area_centi FROM household WHERE id = 1").await;
        assert_eq!(app.sql_exec("UPDATE household SET area_centi = area_centi + 10000 WHERE id = 1").await, 1);
        let report = app.store.verify_audit().await.unwrap();
        assert!(report.broken.is_none(), "the chain itself is intact: {report:?}");
        assert_eq!(report.drifted.len(), 1, "{report:?}");
        assert_eq!((report.drifted[0].entity.as_str(), report.drifted[0].entity_id), ("household", 1));
        let (code, out, err) = app.cli(&["verify-audit"]);
        assert_eq!(code, 1, "{out}{err}");
        assert!(out.contains("household 1 does not match its latest audit record"), "{out}");
        assert!(out.contains("head of chain 1"), "the heads are printed to publish: {out}");
        // Put back, it matches again.
        app.sql_exec(&format!("UPDATE household SET area_centi = {area} WHERE id = 1")).await;
        assert!(app.store.verify_audit().await.unwrap().intact());
    }

    async fn a_cut_off_tail_with_a_rewound_head_is_caught_by_the_rows_it_described(app) {
        let token = app.token("committee").await;
        some_edits(&app, &token, 3).await;
        assert!(app.store.verify_audit().await.unwrap().intact());
        // The newest record goes and the head is rewound to the one before: the chain alone
        // verifies, but household 1 is no longer what its latest remaining record says.
        let n = app.sql_i64("SELECT MAX(seq) FROM audit WHERE chain = 1").await;
        let prev = {
            let conn = app.sql().await;
            let row = conn
                .query_one_raw(sea_orm::Statement::from_string(conn.get_database_backend(), format!("SELECT prev_hash FROM audit WHERE chain = 1 AND seq = {n}")))
                .await
                .unwrap()
                .unwrap();
            row.try_get_by_index::<String>(0).unwrap()
        };
        assert_eq!(app.sql_exec(&format!("DELETE FROM audit WHERE chain = 1 AND seq = {n}")).await, 1);
        assert_eq!(app.sql_exec(&format!("UPDATE audit_head SET seq = {}, hash = '{prev}' WHERE chain = 1", n - 1)).await, 1);
        let report = app.store.verify_audit().await.unwrap();
        assert!(report.broken.is_none(), "{report:?}");
        assert!(report.drifted.iter().any(|d| d.entity == "household" && d.entity_id == 1), "{report:?}");
        assert!(!report.intact());
    }

    async fn each_record_is_kept_with_its_city_and_read_from_its_city(app) {
        let token = app.token("committee").await;
        some_edits(&app, &token, 2).await;
        let city = app.sql_i64("SELECT city_id FROM compound WHERE id = 1").await;
        let (newest_id, chain, action, ..) = newest(&app).await;
        assert_eq!((chain, action.as_str()), (1, "household.update"));
        assert_eq!(app.sql_i64(&format!("SELECT city_id FROM audit WHERE id = {newest_id}")).await, city);
        assert_eq!(app.sql_i64("SELECT city_id FROM audit_head WHERE chain = 1").await, city);
        // Every record carries its chain's city; the global chain's is 0.
        assert_eq!(
            app.sql_i64("SELECT COUNT(*) FROM audit a LEFT JOIN compound c ON c.id = a.chain WHERE a.city_id <> COALESCE(c.city_id, 0)").await,
            0
        );
        assert!(app.sql_i64("SELECT COUNT(*) FROM audit WHERE chain = 0 AND city_id = 0").await > 0);
        // The household's history, read by its city, has both edits, newest first.
        let (s, hist) = app.api(&token, Method::GET, "/households/1/history", None).await;
        assert_eq!(s, 200, "{hist}");
        let items = hist["items"].as_array().unwrap();
        assert_eq!(items[0]["action"], "household.update", "{hist}");
        assert_eq!(items[0]["after"]["area"], "61.00", "{hist}");
        assert_eq!(items[1]["after"]["area"], "60.00", "{hist}");

        if app.backend == Backend::Postgres {
            // Each city's records are in its own partition, the global chain's in another.
            assert_eq!(app.sql_i64(&format!("SELECT COUNT(*) FROM audit_city_{city} WHERE id = {newest_id}")).await, 1);
            assert_eq!(
                app.sql_i64("SELECT COUNT(*) FROM audit_global").await,
                app.sql_i64("SELECT COUNT(*) FROM audit WHERE chain = 0").await
            );
            assert_eq!(app.sql_i64("SELECT COUNT(*) FROM audit_elsewhere").await, 0);
        }
        assert!(app.store.verify_audit().await.unwrap().intact());
    }
}
