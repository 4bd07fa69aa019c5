//! linli on the open internet: each test is an attacker's request and the refusal it must
//! get. Those that touch the database run on SQLite and PostgreSQL; those about the HTTP
//! server alone (timeouts, headers, redirects) on SQLite.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::{Backend, TestApp, assert_api_error};
use reqwest::Method;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A PNG whose header says `w`×`h` pixels, in a few hundred bytes: enough for a decoder to
/// allocate `w`×`h`×4 bytes if it believed it.
fn png_claiming(w: u32, h: u32) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend((data.len() as u32).to_be_bytes());
        let start = out.len();
        out.extend(kind);
        out.extend(data);
        let crc = crc32(&out[start..]);
        out.extend(crc.to_be_bytes());
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend(w.to_be_bytes());
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 6, 0, 0, 0]); // 8-bit RGBA
    chunk(&mut out, b"IHDR", &ihdr);
    // zlib: one stored block of zeros, far too short for the picture it claims.
    let mut idat = vec![0x78, 0x01, 0x01, 0x00, 0x01, 0xFF, 0xFE];
    idat.extend([0u8; 256]);
    chunk(&mut out, b"IDAT", &idat);
    chunk(&mut out, b"IEND", &[]);
    out
}

/// Reads until the server closes the connection; the bytes it sent first.
async fn read_to_close(s: &mut TcpStream, within: Duration) -> Result<Vec<u8>, &'static str> {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + within;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, s.read(&mut buf)).await {
            Err(_) => return Err("still open"),
            Ok(Ok(0)) | Ok(Err(_)) => return Ok(got),
            Ok(Ok(n)) => got.extend(&buf[..n]),
        }
    }
}

/// A server of `app`'s store with other limits (and `secure` cookies, HSTS), on a new port.
async fn serve_with(
    app: &TestApp,
    limits: linli_web::server::ServerLimits,
    secure: bool,
) -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = linli_web::app(app.store.clone(), secure);
    tokio::spawn(linli_web::server::serve(
        listener,
        router,
        limits,
        std::future::pending(),
    ));
    addr
}

both_backends! {
    // A 10,000 × 10,000 PNG of a few hundred bytes (it would decode into 400 MB) is refused
    // from its header, with the reason in words and nothing written.
    async fn a_small_file_announcing_a_huge_picture_is_refused_from_its_header(app) {
        let token = app.token("committee").await;
        let compound = app.persona_place("committee");
        let before = app.sql_i64("SELECT COUNT(*) FROM attachment").await;
        let bomb = png_claiming(10_000, 10_000);
        assert!(bomb.len() < 1024);
        let res = app.client.post(app.url(&format!("/api/v1/compounds/{compound}/files?name=bomb.png&purpose=evidence")))
            .bearer_auth(&token).header("accept-language", "en").body(bomb).send().await.unwrap();
        let status = res.status().as_u16();
        let body: Value = res.json().await.unwrap();
        assert_api_error(status, &body, 422, "image_too_large", Some("file"));
        let message = body["message"].as_str().unwrap();
        assert!(message.contains("10000×10000") && message.contains("40 megapixels"), "{message}");
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM attachment").await, before, "nothing written");
    }

    // An owner named like a spreadsheet formula is exported as text in every CSV.
    async fn a_name_that_is_a_formula_is_exported_as_text(app) {
        let token = app.token("committee").await;
        let (s, h) = app.api(&token, Method::POST, "/units/1/households", Some(json!({"floor": 7, "room": "799", "area": 66}))).await;
        assert_eq!(s, 201, "{h}");
        let h = h["id"].as_i64().unwrap();
        let evil = "=HYPERLINK(\"http://e.vil\",\"x\")";
        let (s, o) = app.api(&token, Method::POST, &format!("/households/{h}/owners"), Some(json!({"name": evil, "share": "100"}))).await;
        assert_eq!(s, 201, "{o}");
        let compound = app.household_json(&token, h).await["household"]["compound_id"].as_i64().unwrap();
        let roster = app.client.get(app.url(&format!("/api/v1/compounds/{compound}/roster?format=csv"))).bearer_auth(&token).send().await.unwrap();
        assert_eq!(roster.status(), 200);
        let b = app.browser_login("committee").await;
        let list = b.client.get(app.url(&format!("/compounds/{compound}/households?format=csv"))).send().await.unwrap();
        assert_eq!(list.status(), 200);
        for csv in [roster.text().await.unwrap(), list.text().await.unwrap()] {
            assert!(csv.contains("\"'=HYPERLINK(\"\"http://e.vil\"\""), "the formula is defused: {}", &csv[..csv.len().min(400)]);
            let mut rdr = csv::ReaderBuilder::new().has_headers(false).from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
            for record in rdr.records() {
                for cell in record.unwrap().iter() {
                    assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "a live formula cell: {cell:?}");
                }
            }
        }
    }

    // Anonymous writes hear "sign in" before anything about their input: every write of the
    // API with a garbage body is 401, and a page upload goes to the sign-in page.
    async fn anonymous_writes_are_refused_before_their_input_is_read(app) {
        let doc: Value = app.client.get(app.url("/api/openapi.json")).send().await.unwrap().json().await.unwrap();
        let mut tried = 0;
        for (path, item) in doc["paths"].as_object().unwrap() {
            for method in ["post", "put", "patch", "delete"] {
                if item.get(method).is_none() || path == "/api/v1/tokens" {
                    continue;
                }
                let concrete: String = path.split('/').map(|seg| if seg.starts_with('{') { "1" } else { seg }).collect::<Vec<_>>().join("/");
                let res = app.client.request(Method::from_bytes(method.to_uppercase().as_bytes()).unwrap(), app.url(&format!("{concrete}?file_name=%00&page=x")))
                    .header("content-type", "application/json").body("{\"garbage").send().await.unwrap();
                assert_eq!(res.status(), 401, "{method} {path}");
                tried += 1;
            }
        }
        assert!(tried > 50, "every write of the API: {tried}");
        let form = "--X\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.jpg\"\r\n\r\nnot a photo\r\n--X--\r\n";
        let res = app.client.post(app.url("/proposals/1/files")).header("content-type", "multipart/form-data; boundary=X").body(form).send().await.unwrap();
        assert_eq!(res.status(), 303);
        assert_eq!(res.headers()["location"], "/login");
        // Signed in without the right: "not allowed", before the choice is looked at.
        let owner = app.token("owner").await;
        let h = app.persona_place("owner");
        let (s, e) = app.api(&owner, Method::POST, &format!("/households/{h}/invites"), Some(json!({"role": "landlord"}))).await;
        assert_api_error(s, &e, 403, "forbidden", None);
    }

    // Uploads hear "sign in" before their body is read, whatever it holds: the API's (the
    // roster as the body, a photo as the body) and the pages' (a multipart form).
    async fn anonymous_uploads_are_refused_before_their_body_is_read(app) {
        let compound = app.persona_place("committee");
        let garbage = b"--X\r\nnot multipart at all\r\n".to_vec();
        for path in [format!("/api/v1/compounds/{compound}/roster/imports?file_name=x.xlsx"), format!("/api/v1/compounds/{compound}/files?name=x.png&purpose=evidence")] {
            for ct in ["application/octet-stream", "multipart/form-data; boundary=X", "application/json"] {
                let res = app.client.post(app.url(&path)).header("content-type", ct).body(garbage.clone()).send().await.unwrap();
                assert_eq!(res.status(), 401, "{path} as {ct}");
            }
        }
        for path in [format!("/compounds/{compound}/roster"), "/proposals/1/record".to_string(), "/requests/1/photos".to_string()] {
            let res = app.client.post(app.url(&path)).header("content-type", "multipart/form-data; boundary=X").body(garbage.clone()).send().await.unwrap();
            assert_eq!(res.status(), 303, "{path}");
            assert_eq!(res.headers()["location"], "/login", "{path}");
        }
    }

    // Signed in without the right: "not allowed" (403) before a malformed body is looked at
    // (422), on the API's committee-only writes and on the roster upload, API and page.
    async fn a_resident_hears_not_allowed_before_what_is_wrong_with_the_body(app) {
        let resident = app.token("resident").await;
        let committee = app.token("committee").await;
        let b = app.browser_login("resident").await;
        let compound = app.persona_place("committee");
        let h = app.persona_place("resident");
        let audit = app.audit_count().await;
        for path in [format!("/compounds/{compound}/funds"), format!("/households/{h}/owners"), format!("/compounds/{compound}/buildings"), "/proposals/1/voting".to_string(), "/funds/1/entries".to_string()] {
            let (s, e) = app.api_raw(Some(&resident), Method::POST, &path, Some(("application/json", b"{\"garbage".to_vec())), &[]).await;
            assert_api_error(s, &e, 403, "forbidden", None);
        }
        let (s, e) = app.api_raw(Some(&resident), Method::POST, &format!("/compounds/{compound}/roster/imports?file_name=x.xlsx"), Some(("application/octet-stream", b"not a spreadsheet".to_vec())), &[]).await;
        assert_api_error(s, &e, 403, "forbidden", None);
        // The same writes from the committee, with the same garbage, are told what is wrong.
        let (s, e) = app.api_raw(Some(&committee), Method::POST, &format!("/compounds/{compound}/funds"), Some(("application/json", b"{\"garbage".to_vec())), &[]).await;
        assert_eq!((s, e["code"].as_str()), (422, Some("bad_choice")), "{e}");
        // A resident's page upload of the roster: 403 before the multipart body is read.
        let (_, home) = b.get("/").await;
        let csrf = common::csrf_of(&home);
        let (s, _, _) = b.post_multipart(&format!("/compounds/{compound}/roster"), &[("_csrf", csrf.as_str())], &[("file", "x.xlsx", b"not a spreadsheet")]).await;
        assert_eq!(s, 403);
        assert_eq!(app.audit_count().await, audit, "nothing written");
    }

    // Forms only for whom may submit them; JSON only as JSON; no move-in in the year 2999 (the
    // year 3000 is not a date at all, `bad_date`).
    async fn forms_json_and_dates_are_what_they_claim(app) {
        let h = app.persona_place("resident");
        let resident = app.browser_login("resident").await;
        let (s, page) = resident.get(&format!("/households/{h}")).await;
        assert_eq!(s, 200);
        assert!(!page.contains(&format!("/households/{h}/edit")) && !page.contains("/residents/new"), "no links to forms they cannot submit");
        for form in ["edit", "move", "owners/new", "residents/new"] {
            let (s, _) = resident.get(&format!("/households/{h}/{form}")).await;
            assert_eq!(s, 403, "{form}");
        }
        let token = app.token("committee").await;
        let audit = app.audit_count().await;
        let body = serde_json::to_vec(&json!({"name": "王五", "kind": "tenant", "moved_in": "2020-01-01"})).unwrap();
        let (s, e) = app.api_raw(Some(&token), Method::POST, &format!("/households/{h}/residents"), Some(("text/plain", body)), &[]).await;
        assert_api_error(s, &e, 415, "unsupported_media_type", None);
        let (s, e) = app.api(&token, Method::POST, &format!("/households/{h}/residents"), Some(json!({"name": "王五", "kind": "tenant", "moved_in": "3000-01-01"}))).await;
        assert_api_error(s, &e, 422, "bad_date", Some("date"));
        let (s, e) = app.api(&token, Method::POST, &format!("/households/{h}/residents"), Some(json!({"name": "王五", "kind": "tenant", "moved_in": "2999-01-01"}))).await;
        assert_api_error(s, &e, 422, "date_too_far_ahead", Some("date"));
        assert_eq!(app.audit_count().await, audit, "nothing written");
        let (s, r) = app.api(&token, Method::POST, &format!("/households/{h}/residents"), Some(json!({"name": "王五", "kind": "tenant", "moved_in": "2020-01-01"}))).await;
        assert_eq!(s, 201, "{r}");
    }
}

/// A socket that sends nothing is closed (so are one that stays idle after a request, and
/// the connections over the cap wait for a free one).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_sockets_are_closed_and_open_connections_are_capped() {
    assert!(
        linli_web::server::ServerLimits::default().header_timeout <= Duration::from_secs(30),
        "closed within 30 s by default"
    );
    let app = TestApp::spawn(Backend::Sqlite).await;
    let limits = linli_web::server::ServerLimits {
        header_timeout: Duration::from_secs(1),
        max_connections: 2,
    };
    let addr = serve_with(&app, limits, false).await;

    let started = Instant::now();
    let mut silent = TcpStream::connect(addr).await.unwrap();
    read_to_close(&mut silent, Duration::from_secs(5))
        .await
        .expect("a silent socket is closed");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );

    let mut kept = TcpStream::connect(addr).await.unwrap();
    kept.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let answer = read_to_close(&mut kept, Duration::from_secs(5))
        .await
        .expect("an idle kept-alive socket is closed");
    assert!(
        String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&answer)
    );

    // Two silent sockets take both places; a third caller waits until one is gone.
    let a = TcpStream::connect(addr).await.unwrap();
    let _b = TcpStream::connect(addr).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut third = TcpStream::connect(addr).await.unwrap();
    third
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 64];
    assert!(
        tokio::time::timeout(Duration::from_millis(300), third.read(&mut buf))
            .await
            .is_err(),
        "no place for a third connection yet"
    );
    drop(a);
    let answer = read_to_close(&mut third, Duration::from_secs(5))
        .await
        .expect("served once a place is free");
    assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"));
}

/// Every response carries the security headers; pages have no inline script or style for
/// the policy to block; HSTS only behind HTTPS (`--secure-cookies`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let b = app.browser_login("committee").await;
    let compound = app.persona_place("committee");
    for path in [
        "/",
        &format!("/compounds/{compound}"),
        "/households/1",
        "/login",
        "/static/app.css",
        "/api/v1/me",
        "/no-such-page",
        "/healthz",
        "/api/openapi.json",
    ] {
        let res = b.client.get(app.url(path)).send().await.unwrap();
        let h = res.headers().clone();
        let csp = h
            .get("content-security-policy")
            .unwrap_or_else(|| panic!("CSP on {path}"))
            .to_str()
            .unwrap();
        assert!(
            csp.contains("frame-ancestors 'none'")
                && csp.contains("script-src 'self'")
                && !csp.contains("unsafe"),
            "{path}: {csp}"
        );
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
        assert!(
            h.get("strict-transport-security").is_none(),
            "no HSTS over plain HTTP: {path}"
        );
        if h["content-type"].to_str().unwrap().starts_with("text/html") {
            let html = res.text().await.unwrap();
            for (i, _) in html.match_indices("<script") {
                assert!(
                    html[i..].starts_with("<script src=\"/static/"),
                    "inline script on {path}"
                );
            }
            for attr in [
                " style=",
                " onclick=",
                " onsubmit=",
                " onload=",
                " onchange=",
                "javascript:",
            ] {
                assert!(!html.contains(attr), "{attr} on {path}");
            }
        }
    }
    let secure = serve_with(&app, linli_web::server::ServerLimits::default(), true).await;
    let res = reqwest::get(format!("http://{secure}/login"))
        .await
        .unwrap();
    assert_eq!(
        res.headers()["strict-transport-security"],
        "max-age=31536000"
    );
}

/// The language switch's `back` leads only to this site, and never to an error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_language_switch_cannot_send_anyone_elsewhere() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    for (back, to) in [
        ("/%5Cexample.com", "/"),
        ("/%09/example.com", "/"),
        ("//example.com", "/"),
        ("https://example.com", "/"),
        ("/%0a", "/"),
        ("/%0d%0aSet-Cookie:%20x=1", "/"),
        ("/compounds/1", "/compounds/1"),
    ] {
        let res = app
            .client
            .get(app.url(&format!("/prefs?lang=en&back={back}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303, "{back}");
        assert_eq!(res.headers()["location"], to, "{back}");
    }
}
