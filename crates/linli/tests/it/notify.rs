//! Notifications that reach people, on SQLite and PostgreSQL: owners choose their channel, a
//! vote's messages go out by e-mail to a real SMTP server (aiosmtpd, started by scripts/test)
//! and by signed webhook to a gateway that checks the signature; quiet hours hold text
//! messages; a 5xx is tried again and a 4xx is a dead letter staff see; the stop link works;
//! one sender loop per database. And a person's own data, and anonymising one who has left.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use axum::extract::State as AxState;
use axum::http::{HeaderMap, StatusCode};
use common::{TestApp, assert_api_error};
use hmac::{KeyInit, Mac};
use linli_notify::{NotifySettings, Outbox};
use linli_store::Clock;
use reqwest::Method;
use serde_json::{Value, json};
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};

const SECRET: &str = "test-webhook-secret-0123456789";
const BASE: &str = "https://linli.example.cn";

/// A gateway on 127.0.0.1 that answers with `status` and keeps the bodies whose signature
/// it could verify (a bad signature is answered 401 and counted).
#[derive(Default)]
struct Gateway {
    status: AtomicU16,
    got: Mutex<Vec<Value>>,
    bad_signatures: AtomicU16,
}

async fn gateway_hook(
    AxState(g): AxState<Arc<Gateway>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> StatusCode {
    let ts = headers
        .get("x-linli-timestamp")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let sig = headers
        .get("x-linli-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mut mac =
        <hmac::Hmac<sha2_11::Sha256> as KeyInit>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(format!("{ts}.").as_bytes());
    mac.update(&body);
    let want = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
    if sig != want {
        g.bad_signatures.fetch_add(1, Ordering::SeqCst);
        return StatusCode::UNAUTHORIZED;
    }
    let status = StatusCode::from_u16(g.status.load(Ordering::SeqCst)).unwrap();
    if status.is_success() {
        let mut v: Value = serde_json::from_slice(&body).unwrap();
        v["idempotency_header"] = headers
            .get("idempotency-key")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .into();
        g.got.lock().unwrap().push(v);
    }
    status
}

/// A metrics recorder for this test process (installed once; tests of one process share it).
fn recorder() -> &'static metrics_exporter_prometheus::PrometheusHandle {
    static HANDLE: std::sync::OnceLock<metrics_exporter_prometheus::PrometheusHandle> =
        std::sync::OnceLock::new();
    HANDLE.get_or_init(|| {
        metrics_exporter_prometheus::PrometheusBuilder::new()
            .install_recorder()
            .unwrap()
    })
}

async fn gateway() -> (Arc<Gateway>, String) {
    let g = Arc::new(Gateway {
        status: AtomicU16::new(200),
        ..Gateway::default()
    });
    let app = axum::Router::new()
        .route("/hook", axum::routing::post(gateway_hook))
        .with_state(g.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (g, format!("http://{addr}/hook"))
}

/// The sender loop of a server whose clock stands at `clock`, with SMTP (when the test
/// script started one) and the gateway.
fn outbox(app: &TestApp, clock: &Clock, hook: &str, holder: &str) -> Outbox {
    let settings = NotifySettings {
        base_url: Some(BASE.into()),
        smtp_url: std::env::var("LINLI_TEST_SMTP_URL").ok(),
        smtp_from: "linli <noreply@linli.example.cn>".into(),
        webhook_url: Some(hook.into()),
        webhook_secret: Some(SECRET.into()),
        quiet_hours: "21:00-08:00".into(),
        max_attempts: 3,
        interval_secs: 15,
    };
    let config = settings.parse().unwrap().unwrap();
    Outbox::new(app.store.clone().with_clock(clock.clone()), config)
        .unwrap()
        .with_holder(holder)
}

/// An owner of the demo owner's household with a phone (demo accounts have none).
async fn owner_with_phone(app: &TestApp, username: &str, phone: &str) -> (i64, String) {
    use sea_orm::{ConnectionTrait, Statement};
    let db = app.sql().await;
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), "SELECT g.path FROM role_grant g JOIN account a ON a.id = g.account_id WHERE a.username = 'owner'"))
        .await
        .unwrap()
        .unwrap();
    let path: String = row.try_get("", "path").unwrap();
    let id = app
        .store
        .create_account(
            username,
            Some(phone),
            "业主 钱阿姨",
            linli_demo_load::DEMO_PASSWORD,
        )
        .await
        .unwrap();
    app.store
        .grant_role(
            None,
            id,
            linli_domain::authz::Role::Owner,
            &path.parse().unwrap(),
        )
        .await
        .unwrap();
    (id, app.token(username).await)
}

/// A unit proposal by the demo owner, voting open until the end of 2099-12-31 (China).
async fn open_vote(app: &TestApp, title: &str) -> (i64, String) {
    let owner = app.token("owner").await;
    let committee = app.token("committee").await;
    let home = app.persona_place("owner");
    let (_, h) = app
        .api(&owner, Method::GET, &format!("/households/{home}"), None)
        .await;
    let (unit, compound) = (
        h["household"]["unit_id"].as_i64().unwrap(),
        h["household"]["compound_id"].as_i64().unwrap(),
    );
    let rule = json!({"thresholds": [{"measure": "headcount", "count": "yes", "of": "all", "fraction": {"num": 2, "den": 3}, "strict": false}],
        "requires_affected_consent": false, "no_unresolved_objection": false, "notice_days": 15});
    let (s, p) = app
        .api(&owner, Method::POST, &format!("/compounds/{compound}/proposals"), Some(json!({"scope": "unit", "scope_id": unit, "title": title, "body": "老人多，上下楼难。", "matter": "alteration", "preset": "custom", "rule": rule})))
        .await;
    assert_eq!(s, 201, "{p}");
    let id = p["id"].as_i64().unwrap();
    app.api(
        &owner,
        Method::POST,
        &format!("/proposals/{id}/stage"),
        Some(json!({"action": "submit"})),
    )
    .await;
    let (s, p) = app
        .api(
            &committee,
            Method::POST,
            &format!("/proposals/{id}/voting"),
            Some(json!({"deadline": "2099-12-31"})),
        )
        .await;
    assert_eq!(s, 200, "{p}");
    (id, committee)
}

fn at(hour: u8, minute: u8) -> Clock {
    Clock::at(time::macros::date!(2099 - 12 - 31), hour, minute)
}

/// The messages the SMTP server stored for `to`: (subject, body), decoded.
fn mail_to(to: &str) -> Vec<(String, String)> {
    let dir = std::path::PathBuf::from(std::env::var("LINLI_TEST_SMTP_DIR").expect(
        "LINLI_TEST_SMTP_DIR: run the tests with scripts/test, which starts an SMTP server",
    ))
    .join("new");
    let mut out = Vec::new();
    for f in std::fs::read_dir(dir).unwrap() {
        let raw = std::fs::read_to_string(f.unwrap().path()).unwrap();
        let (head, body) = raw
            .replace("\r\n", "\n")
            .split_once("\n\n")
            .map(|(h, b)| (h.to_string(), b.to_string()))
            .unwrap();
        let unfolded = head.replace("\n ", " ").replace("\n\t", " ");
        let header = |name: &str| {
            unfolded
                .lines()
                .find_map(|l| l.strip_prefix(&format!("{name}: ")).map(str::to_string))
                .unwrap_or_default()
        };
        if !header("To").contains(to) {
            continue;
        }
        let subject = header("Subject")
            .split(' ')
            .map(decode_word)
            .collect::<Vec<_>>()
            .join("");
        let body = match header("Content-Transfer-Encoding").as_str() {
            "base64" => String::from_utf8(base64_decode(&body.replace('\n', ""))).unwrap(),
            "quoted-printable" => quoted_printable(&body),
            _ => body,
        };
        out.push((subject, body));
    }
    out
}

fn base64_decode(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(s.trim())
        .unwrap()
}

/// One RFC 2047 word (`=?utf-8?b?…?=` or `=?utf-8?q?…?=`), or the text as is.
fn decode_word(w: &str) -> String {
    let Some(inner) = w.strip_prefix("=?").and_then(|w| w.strip_suffix("?=")) else {
        return format!("{w} ");
    };
    let mut parts = inner.splitn(3, '?');
    let (_, enc, text) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    if enc.eq_ignore_ascii_case("b") {
        String::from_utf8(base64_decode(text)).unwrap()
    } else {
        quoted_printable(&text.replace('_', " "))
    }
}

fn quoted_printable(s: &str) -> String {
    let s = s.replace("=\n", "");
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'='
            && i + 3 <= b.len()
            && let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

both_backends! {
    async fn a_vote_reaches_owners_by_email_and_by_text_message(app) {
        let uniq = format!("{:?}{}", app.backend, app.addr.port()).to_lowercase();
        let (g, hook) = gateway().await;
        // The demo owner has no phone: text messages are refused, naming why; e-mail in English.
        let owner = app.token("owner").await;
        let (s, prefs) = app.api(&owner, Method::GET, "/account/notifications", None).await;
        assert_eq!((s, prefs["channel"].as_str()), (200, Some("none")), "no phone, no e-mail: nothing to send to: {prefs}");
        let (s, err) = app.api(&owner, Method::PUT, "/account/notifications", Some(json!({"channel": "sms"}))).await;
        assert_api_error(s, &err, 422, "no_phone", Some("channel"));
        let (s, err) = app.api(&owner, Method::PUT, "/account/notifications", Some(json!({"channel": "email", "email": "sun at example"}))).await;
        assert_api_error(s, &err, 422, "bad_email", Some("email"));
        let address = format!("sun-{uniq}@example.cn");
        let (s, prefs) = app.api(&owner, Method::PUT, "/account/notifications", Some(json!({"channel": "email", "email": address, "lang": "en"}))).await;
        assert_eq!(s, 200, "{prefs}");
        // A second owner of the household has a phone: text messages by default.
        let (qian, qian_token) = owner_with_phone(&app, &format!("qian{uniq}"), "13900001111").await;
        let (_, p) = app.api(&qian_token, Method::GET, "/account/notifications", None).await;
        assert_eq!((p["channel"].as_str(), p["phone"].as_str()), (Some("sms"), Some("139****1111")), "{p}");

        let (id, committee) = open_vote(&app, "给我们单元加装电梯").await;
        // Nothing was sent on the request's path.
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM notification WHERE delivery <> 'pending'").await, 0);
        // 22:00 China time, the day before the vote closes: the e-mails go (the vote opened, and
        // it closes within a day and they have not voted), the text messages wait for the morning.
        let night = at(22, 0);
        let morning = Clock::fixed(night.now() + 10 * 3600);
        let sender = outbox(&app, &night, &hook, "a");
        let pass = sender.pass().await.unwrap().unwrap();
        assert_eq!(pass.sent, 2, "{pass:?}");
        assert!(g.got.lock().unwrap().is_empty(), "quiet hours");
        let mails = mail_to(&address);
        assert_eq!(mails.len(), 2, "{mails:?}");
        let (subject, body) = mails.iter().find(|(s, _)| s.starts_with("A vote has opened")).cloned().unwrap();
        assert_eq!(subject, "A vote has opened: please vote: 给我们单元加装电梯");
        assert!(body.contains(&format!("Open: {BASE}/proposals/{id}")), "{body}");
        assert!(body.contains(&format!("Stop these messages: {BASE}/unsubscribe/")), "{body}");
        assert!(mails.iter().any(|(s, _)| s == "A vote closes within 24 hours and you have not voted: 给我们单元加装电梯"), "{mails:?}");
        // A second pass sends nothing again.
        assert_eq!(sender.pass().await.unwrap().unwrap().sent, 0);
        assert_eq!(mail_to(&address).len(), 2);
        // 08:00 next morning: the text messages go, signed; the gateway gets each once, in Chinese.
        let sender = outbox(&app, &morning, &hook, "a");
        g.status.store(503, Ordering::SeqCst);
        let pass = sender.pass().await.unwrap().unwrap();
        assert_eq!((pass.sent, pass.retried), (0, 2), "a 5xx is tried again: {pass:?}");
        let (tries, state): (i64, i64) = (
            app.sql_i64(&format!("SELECT MAX(attempts) FROM notification WHERE account_id = {qian}")).await,
            app.sql_i64(&format!("SELECT COUNT(*) FROM notification WHERE account_id = {qian} AND delivery = 'pending' AND last_error LIKE '%503%'")).await,
        );
        assert_eq!((tries, state), (1, 2));
        // Not before its backoff (a minute after the first try).
        g.status.store(200, Ordering::SeqCst);
        assert_eq!(sender.pass().await.unwrap().unwrap().sent, 0);
        morning.advance(60);
        assert_eq!(sender.pass().await.unwrap().unwrap().sent, 2);
        let got = g.got.lock().unwrap().clone();
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(g.bad_signatures.load(Ordering::SeqCst), 0);
        let opened = got.iter().find(|m| m["kind"] == "voting.open").unwrap();
        assert_eq!(opened["to"], "13900001111");
        assert_eq!(opened["channel"], "sms");
        assert_eq!(opened["text"].as_str().unwrap().split(" http").next().unwrap(), "【邻里】投票开始了，请投票：给我们单元加装电梯");
        assert_eq!(opened["link"], format!("{BASE}/proposals/{id}"));
        assert_eq!(opened["id"], opened["idempotency_header"]);
        assert!(opened["id"].as_str().unwrap().starts_with("linli-"));
        // Staff see each message's delivery; an owner may not.
        let (s, d) = app.api(&committee, Method::GET, "/deliveries?state=sent", None).await;
        assert_eq!(s, 200, "{d}");
        assert!(d.as_array().unwrap().iter().any(|x| x["account_id"] == qian && x["channel"] == "sms" && x["attempts"] == 2), "{d}");
        let (s, err) = app.api(&owner, Method::GET, "/deliveries", None).await;
        assert_api_error(s, &err, 403, "forbidden", None);
        // The stop link: a page with a button, then no more messages (still on the site).
        let stop = opened["unsubscribe"].as_str().unwrap().strip_prefix(BASE).unwrap().to_string();
        let browser = app.browser_login(&format!("qian{uniq}")).await;
        let (s, page) = browser.get(&stop).await;
        assert_eq!(s, 200, "{page}");
        let (s, page, _) = browser.submit(&stop, &stop, &[]).await;
        assert_eq!(s, 200, "{page}");
        assert!(page.contains("id=\"unsubscribed\""), "{page}");
        let (_, p) = app.api(&qian_token, Method::GET, "/account/notifications", None).await;
        assert_eq!(p["channel"], "none");
        let (s, _) = browser.get("/unsubscribe/not-a-token").await;
        assert_eq!(s, 404);
        // The result is published: the e-mail goes, the unsubscribed owner's message is skipped.
        let (s, p) = app.api(&committee, Method::POST, &format!("/proposals/{id}/close"), Some(json!({"confirm": true}))).await;
        assert_eq!(s, 200, "{p}");
        morning.advance(3600);
        sender.pass().await.unwrap().unwrap();
        assert!(mail_to(&address).iter().any(|(s, _)| s == "The result of a vote is published: 给我们单元加装电梯"));
        assert_eq!(app.sql_i64(&format!("SELECT COUNT(*) FROM notification WHERE account_id = {qian} AND kind = 'proposal.result' AND delivery = 'skipped'")).await, 1);
        assert_eq!(g.got.lock().unwrap().len(), 2);
        // Every change of channel is in the audit trail.
        assert!(app.sql_i64("SELECT COUNT(*) FROM audit WHERE action IN ('notify.prefs', 'notify.unsubscribe')").await >= 2);
    }

    async fn a_gateway_that_refuses_a_message_makes_a_dead_letter_staff_see(app) {
        let uniq = format!("{:?}{}", app.backend, app.addr.port()).to_lowercase();
        let (g, hook) = gateway().await;
        let (qian, _) = owner_with_phone(&app, &format!("qian{uniq}"), "13900002222").await;
        let (_, committee) = open_vote(&app, "更换单元门禁").await;
        g.status.store(400, Ordering::SeqCst);
        recorder();
        let clock = at(10, 0);
        let pass = outbox(&app, &clock, &hook, "a").pass().await.unwrap().unwrap();
        assert_eq!(pass.failed, 2, "a 4xx is not tried again: {pass:?}");
        // Each failed attempt is counted for the operator's metrics, by channel and result.
        let text = recorder().render();
        let failed = text
            .lines()
            .find_map(|l| l.strip_prefix("linli_notify_deliveries_total{channel=\"sms\",result=\"failed\"} "))
            .unwrap_or_else(|| panic!("{text}"));
        assert!(failed.parse::<f64>().unwrap() >= 2.0, "{text}");
        assert_eq!(app.sql_i64(&format!("SELECT COUNT(*) FROM notification WHERE account_id = {qian} AND delivery = 'dead' AND attempts = 1")).await, 2);
        let (_, d) = app.api(&committee, Method::GET, "/deliveries?state=dead", None).await;
        let dead: Vec<&Value> = d.as_array().unwrap().iter().filter(|x| x["account_id"] == qian).collect();
        assert_eq!(dead.len(), 2, "{d}");
        assert!(dead[0]["last_error"].as_str().unwrap().contains("400"), "{d}");
        // The page says so too.
        let browser = app.browser_login("committee").await;
        let (s, page) = browser.get("/deliveries?state=dead").await;
        assert_eq!(s, 200);
        assert!(page.contains("delivery-dead") && page.contains("更换单元门禁"), "{page}");
        // A timeout or 5xx until the last try also ends dead (max 3 tries here).
        assert_eq!(g.bad_signatures.load(Ordering::SeqCst), 0);
    }

    async fn one_sender_loop_per_database(app) {
        let (_, hook) = gateway().await;
        let clock = at(10, 0);
        let a = outbox(&app, &clock, &hook, "server-a");
        let b = outbox(&app, &clock, &hook, "server-b");
        assert!(a.pass().await.unwrap().is_some());
        assert!(b.pass().await.unwrap().is_none(), "b waits while a holds the lease");
        assert!(a.pass().await.unwrap().is_some(), "a renews its own lease");
        // When a stops (or stops renewing) b takes over.
        a.release().await;
        assert!(b.pass().await.unwrap().is_some());
        assert!(a.pass().await.unwrap().is_none());
        clock.advance(3600);
        assert!(a.pass().await.unwrap().is_some(), "b's lease ran out");
    }

    async fn a_person_downloads_their_data_and_one_who_left_is_anonymised(app) {
        let (id, committee) = open_vote(&app, "楼道加装扶手").await;
        let owner = app.token("owner").await;
        let (s, b) = app.api(&owner, Method::POST, &format!("/proposals/{id}/ballots"), Some(json!({"choice": "yes"}))).await;
        assert_eq!(s, 200, "{b}");
        let (s, data) = app.api(&owner, Method::GET, "/account/data", None).await;
        assert_eq!(s, 200, "{data}");
        assert_eq!(data["account"][0]["username"], "owner");
        assert!(data["notifications"].as_array().unwrap().iter().any(|n| n["kind"] == "voting.open"), "{data}");
        assert_eq!(data["roles"][0]["role"], "owner");
        assert!(!data["ballots"].as_array().unwrap().is_empty(), "{data}");
        assert!(data["election_ballots"].is_array(), "election ballots have their section: {data}");
        let browser = app.browser_login("owner").await;
        let res = app.client.get(app.url("/account/data.xlsx")).send().await.unwrap();
        assert_ne!(res.status(), 200, "not signed in");
        let (s, _) = browser.get("/account/notifications").await;
        assert_eq!(s, 200);
        let res = browser.client.get(format!("{}/account/data.xlsx", browser.base)).send().await.unwrap();
        assert_eq!(res.status(), 200);
        let bytes = res.bytes().await.unwrap().to_vec();
        let book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        use calamine::Reader;
        assert!(book.sheet_names().contains(&"notifications".to_string()), "{:?}", book.sheet_names());
        // A tenant moves in; while they live there they are not anonymised.
        let home = app.persona_place("resident");
        let (s, r) = app.api(&committee, Method::POST, &format!("/households/{home}/residents"), Some(json!({"name": "租户 冯先生", "phone": "13700003333", "kind": "tenant"}))).await;
        assert_eq!(s, 201, "{r}");
        let (person, residency) = (r["person_id"].as_i64().unwrap(), r["residency_id"].as_i64().unwrap());
        let (s, err) = app.api(&committee, Method::POST, &format!("/people/{person}/anonymise"), None).await;
        assert_api_error(s, &err, 422, "still_resident", Some("person"));
        let (s, _) = app.api(&owner, Method::POST, &format!("/people/{person}/anonymise"), None).await;
        assert_eq!(s, 403);
        let (s, m) = app.api(&committee, Method::POST, &format!("/households/{home}/residents/{residency}/move-out"), Some(json!({"moved_out": ""}))).await;
        assert!(s == 200 || s == 204, "{s} {m}");
        let ballots = app.sql_i64("SELECT COUNT(*) FROM ballot").await;
        let audits = app.audit_count().await;
        let (s, _) = app.api(&committee, Method::POST, &format!("/people/{person}/anonymise"), None).await;
        assert_eq!(s, 204);
        let h = app.household_json(&committee, home).await;
        let r = h["residents"].as_array().unwrap().iter().find(|r| r["person_id"] == person).cloned().unwrap();
        assert_eq!(r["name"], format!("已匿名 #{person}"));
        assert!(r["phone"].is_null(), "{r}");
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM ballot").await, ballots, "ballots are kept");
        assert_eq!(app.audit_count().await, audits + 1);
        assert_eq!(app.sql_i64(&format!("SELECT COUNT(*) FROM audit WHERE action = 'person.anonymise' AND entity_id = {person}")).await, 1);
        let (s, err) = app.api(&committee, Method::POST, &format!("/people/{person}/anonymise"), None).await;
        assert_api_error(s, &err, 422, "already_anonymised", Some("person"));
    }
}
