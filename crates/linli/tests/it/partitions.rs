//! The tables partitioned by city: each row carries the city of its compound, on PostgreSQL it
//! lives in that city's partition, a new city gets its partitions when its region is inserted,
//! and a read that names the city reads that one partition.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::{Backend, TestApp};
use reqwest::Method;
use serde_json::json;

/// Each partitioned table, and how one of its rows finds its compound's city.
const PARTITIONED: [(&str, &str); 9] = [
    (
        "audit",
        "(SELECT c.city_id FROM compound c WHERE c.id = t.chain)",
    ),
    (
        "ballot",
        "(SELECT c.city_id FROM proposal p JOIN compound c ON c.id = p.compound_id WHERE p.id = t.proposal_id)",
    ),
    (
        "ballot_event",
        "(SELECT c.city_id FROM proposal p JOIN compound c ON c.id = p.compound_id WHERE p.id = t.proposal_id)",
    ),
    (
        "request_event",
        "(SELECT c.city_id FROM service_request r JOIN compound c ON c.id = r.compound_id WHERE r.id = t.request_id)",
    ),
    (
        "service_request",
        "(SELECT c.city_id FROM compound c WHERE c.id = t.compound_id)",
    ),
    (
        "request_photo",
        "(SELECT c.city_id FROM service_request r JOIN compound c ON c.id = r.compound_id WHERE r.id = t.request_id)",
    ),
    (
        "fund_entry",
        "(SELECT c.city_id FROM fund_account a JOIN compound c ON c.id = a.compound_id WHERE a.id = t.account_id)",
    ),
    (
        "fund_share",
        "(SELECT c.city_id FROM fund_account a JOIN compound c ON c.id = a.compound_id WHERE a.id = t.account_id)",
    ),
    (
        "household",
        "(SELECT c.city_id FROM compound c WHERE c.id = t.compound_id)",
    ),
];

/// The tables that name a household, with its city (their key to it is `(city_id,
/// household_id)`), besides the partitioned ones above.
const NAMING_HOUSEHOLDS: [&str; 7] = [
    "ownership",
    "residency",
    "invite",
    "elevator_share",
    "elevator_payment",
    "elevator_operation_share",
    "grid_household",
];

/// How a row of a table naming a household finds the household's city.
const HOUSEHOLD_CITY: &str = "(SELECT c.city_id FROM household h JOIN compound c ON c.id = h.compound_id WHERE h.id = t.household_id)";

/// The plan of `sql` on PostgreSQL, and the partitions of `table` it names.
async fn partitions_read(app: &TestApp, table: &str, sql: &str) -> (String, Vec<String>) {
    let plan = app.sql_texts(&format!("EXPLAIN {sql}"), 0).await.join("\n");
    // A partition's name is the table's, then `_city_<id>`, `_global` or `_elsewhere`; an
    // index's name only extends it.
    let mut read: Vec<String> = plan
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter_map(|w| {
            w.strip_prefix(table)?
                .strip_prefix('_')
                .map(|rest| (w, rest))
        })
        .filter(|(_, rest)| {
            *rest == "global"
                || *rest == "elsewhere"
                || rest
                    .strip_prefix("city_")
                    .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        })
        .map(|(w, _)| w.to_string())
        .collect();
    read.sort();
    read.dedup();
    (plan, read)
}

/// Asserts that `sql`, a read of `table` naming `city`, is planned on that city's partition alone.
async fn reads_one_partition(app: &TestApp, table: &str, city: i64, sql: &str) {
    let (plan, read) = partitions_read(app, table, sql).await;
    assert_eq!(read, [format!("{table}_city_{city}")], "{plan}");
}

both_backends! {
    async fn every_row_lives_with_its_city_and_a_new_city_gets_its_partitions(app) {
        // A ballot cast and changed: one ballot, two rows of its timeline.
        let (id, _, owner, _) = crate::decisions::open_vote(&app).await;
        for choice in ["yes", "no"] {
            let (s, b) = app.api(&owner, Method::POST, &format!("/proposals/{id}/ballots"), Some(json!({"choice": choice}))).await;
            assert_eq!(s, 200, "{b}");
        }
        // A problem reported: the first row of its timeline.
        let w = crate::common::requests::world(&app).await;
        let leak = crate::common::requests::category(&app, &w.owner, "leak").await;
        let (s, r) = app
            .api(&w.owner, Method::POST, &format!("/compounds/{}/requests", w.compound), Some(json!({"category_id": leak, "household_id": w.home, "description": "厨房天花板漏水"})))
            .await;
        assert_eq!(s, 201, "{r}");
        let request = r["id"].as_i64().unwrap();
        let (s, b) = app
            .api_raw(Some(&w.owner), Method::POST, &format!("/requests/{request}/photos?file_name=leak.jpg"), Some(("application/octet-stream", crate::common::requests::PHOTO.to_vec())), &[])
            .await;
        assert_eq!(s, 200, "{b}");
        // The request and its photo are read back through their city.
        let (s, r) = app.api(&w.owner, Method::GET, &format!("/requests/{request}"), None).await;
        assert_eq!(s, 200, "{r}");
        assert_eq!(r["photos"].as_array().unwrap().len(), 1, "{r}");
        // An invite to claim a flat.
        let (s, b) = app.api(&w.committee, Method::POST, &format!("/households/{}/invites", w.home), Some(json!({"role": "resident"}))).await;
        assert_eq!(s, 201, "{b}");
        for (table, city_of) in PARTITIONED {
            let rows = app.sql_i64(&format!("SELECT COUNT(*) FROM {table}")).await;
            assert!(rows > 0, "the demo writes {table}");
            let astray = app.sql_i64(&format!("SELECT COUNT(*) FROM {table} t WHERE t.city_id <> COALESCE({city_of}, 0)")).await;
            assert_eq!(astray, 0, "every {table} row carries its compound's city");
        }
        for table in NAMING_HOUSEHOLDS {
            let rows = app.sql_i64(&format!("SELECT COUNT(*) FROM {table}")).await;
            assert!(rows > 0, "the demo writes {table}");
            let astray = app.sql_i64(&format!("SELECT COUNT(*) FROM {table} t WHERE t.city_id <> COALESCE({HOUSEHOLD_CITY}, 0)")).await;
            assert_eq!(astray, 0, "every {table} row carries its household's city");
        }
        // A unit's households are read by the unit alone (a unit page, its elevator shares, a
        // vote of a unit): an index leads with the unit on both databases.
        let by_unit = match app.backend {
            Backend::Postgres => "SELECT COUNT(*) FROM pg_indexes WHERE tablename = 'household' AND indexdef LIKE '%(unit_id,%'",
            Backend::Sqlite => r#"SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'household' AND sql LIKE '%("unit_id",%'"#,
        };
        assert_eq!(app.sql_i64(by_unit).await, 1, "an index of household led by the unit");
        if app.backend != Backend::Postgres {
            return;
        }
        let cities = app.sql_i64("SELECT COUNT(*) FROM region WHERE kind = 'city'").await;
        for (table, _) in PARTITIONED {
            // A partition per city (and the audit trail's global chain), and nothing elsewhere.
            let partitions = app.sql_i64(&format!("SELECT COUNT(*) FROM pg_inherits WHERE inhparent = '{table}'::regclass")).await;
            let global = i64::from(table == "audit");
            assert_eq!(partitions, cities + global + 1, "{table}: a partition per city and the default");
            assert_eq!(app.sql_i64(&format!("SELECT COUNT(*) FROM {table}_elsewhere")).await, 0);
            let city = app.sql_i64(&format!("SELECT city_id FROM {table} WHERE city_id > 0 ORDER BY id DESC LIMIT 1")).await;
            assert_eq!(
                app.sql_i64(&format!("SELECT COUNT(*) FROM {table}_city_{city}")).await,
                app.sql_i64(&format!("SELECT COUNT(*) FROM {table} WHERE city_id = {city}")).await
            );
        }
        // The history and the timelines as linli reads them, naming the city: one partition each.
        let (city, request) = (
            app.sql_i64("SELECT city_id FROM audit WHERE entity = 'service_request' ORDER BY id DESC LIMIT 1").await,
            app.sql_i64("SELECT entity_id FROM audit WHERE entity = 'service_request' ORDER BY id DESC LIMIT 1").await,
        );
        reads_one_partition(&app, "audit", city, &format!("SELECT seq FROM audit WHERE city_id = {city} AND entity = 'service_request' AND entity_id = {request} ORDER BY id DESC")).await;
        let (city, request) = (
            app.sql_i64("SELECT city_id FROM request_event ORDER BY id DESC LIMIT 1").await,
            app.sql_i64("SELECT request_id FROM request_event ORDER BY id DESC LIMIT 1").await,
        );
        reads_one_partition(&app, "request_event", city, &format!("SELECT * FROM request_event WHERE city_id = {city} AND request_id = {request} ORDER BY id")).await;
        let (city, proposal) = (
            app.sql_i64("SELECT city_id FROM ballot_event ORDER BY id DESC LIMIT 1").await,
            app.sql_i64("SELECT proposal_id FROM ballot_event ORDER BY id DESC LIMIT 1").await,
        );
        reads_one_partition(&app, "ballot", city, &format!("SELECT voter_key, choice FROM ballot WHERE city_id = {city} AND proposal_id = {proposal}")).await;
        reads_one_partition(&app, "ballot_event", city, &format!("SELECT * FROM ballot_event WHERE city_id = {city} AND proposal_id = {proposal} AND voter_key = 'x' ORDER BY revision")).await;
        let (city, compound) = (
            app.sql_i64(&format!("SELECT city_id FROM service_request WHERE id = {request}")).await,
            app.sql_i64(&format!("SELECT compound_id FROM service_request WHERE id = {request}")).await,
        );
        reads_one_partition(&app, "service_request", city, &format!("SELECT id FROM service_request WHERE city_id = {city} AND compound_id = {compound} AND status = 'open' ORDER BY id DESC")).await;
        reads_one_partition(&app, "request_photo", city, &format!("SELECT attachment_id FROM request_photo WHERE city_id = {city} AND request_id = {request}")).await;
        let (city, account) = (
            app.sql_i64("SELECT city_id FROM fund_share ORDER BY id DESC LIMIT 1").await,
            app.sql_i64("SELECT account_id FROM fund_share ORDER BY id DESC LIMIT 1").await,
        );
        reads_one_partition(&app, "fund_entry", city, &format!("SELECT direction, category, SUM(amount) FROM fund_entry WHERE city_id = {city} AND account_id = {account} GROUP BY direction, category")).await;
        reads_one_partition(&app, "fund_share", city, &format!("SELECT household_id, SUM(amount) FROM fund_share WHERE city_id = {city} AND account_id = {account} GROUP BY household_id")).await;
        // A share names its entry, and a request's timeline its request, within one city.
        let keys = app.sql_i64("SELECT COUNT(DISTINCT conname) FROM pg_constraint WHERE conname IN ('fk_fund_share_entry_id', 'fk_request_event_request_id', 'fk_request_photo_request_id', 'fk_fund_entry_corrects_entry_id') AND array_length(conkey, 1) = 2").await;
        assert_eq!(keys, 4, "the keys between partitioned tables carry the city");
        let keys = app.sql_i64("SELECT COUNT(DISTINCT conname) FROM pg_constraint WHERE confrelid = 'household'::regclass AND conparentid = 0 AND array_length(conkey, 1) = 2").await;
        assert_eq!(keys, 10, "each key naming a household carries its city");
        let (city, compound) = (
            app.sql_i64("SELECT city_id FROM household ORDER BY id DESC LIMIT 1").await,
            app.sql_i64("SELECT compound_id FROM household ORDER BY id DESC LIMIT 1").await,
        );
        reads_one_partition(&app, "household", city, &format!("SELECT id, room FROM household WHERE city_id = {city} AND compound_id = {compound} ORDER BY id LIMIT 50")).await;

        // A new city's partitions are made in the transaction that inserts its region.
        let id = app.sql_i64("SELECT MAX(id) + 100 FROM region").await;
        app.sql_exec(&format!("INSERT INTO region (id, kind, name, parent_id) VALUES ({id}, 'city', '新城', NULL)")).await;
        for (table, _) in PARTITIONED {
            assert_eq!(
                app.sql_i64(&format!("SELECT COUNT(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE c.relname = '{table}_city_{id}' AND i.inhparent = '{table}'::regclass")).await,
                1,
                "{table}"
            );
        }
    }
}
