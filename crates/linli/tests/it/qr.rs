//! Links that leave the screen, on SQLite and PostgreSQL: the QR codes printed on consent
//! forms and invite sheets decode to absolute addresses a phone camera can open: the
//! configured public URL, or without one the host the page was asked from.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::{Browser, TestApp};
use reqwest::Method;
use serde_json::json;

/// The text of every QR code in a page (inline SVG: a `viewBox` in modules and one path of
/// `M x y h w v1 h-w z` runs), decoded with `rqrr` from a bitmap drawn 4 pixels a module.
fn decode_qr_codes(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for svg in html
        .split("<svg ")
        .skip(1)
        .filter(|s| s.contains("class=\"qr-code\""))
    {
        let side: usize = svg
            .split("viewBox=\"0 0 ")
            .nth(1)
            .and_then(|s| s.split(' ').next())
            .unwrap()
            .parse()
            .unwrap();
        let d = svg
            .split(" d=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let mut dark = vec![false; side * side];
        for run in d.split('M').filter(|r| !r.is_empty()) {
            let nums: Vec<usize> = run
                .split(|c: char| !c.is_ascii_digit())
                .filter(|n| !n.is_empty())
                .map(|n| n.parse().unwrap())
                .collect();
            let (x, y, w) = (nums[0], nums[1], nums[2]);
            for xx in x..x + w {
                dark[y * side + xx] = true;
            }
        }
        let scale = 4;
        let mut img =
            rqrr::PreparedImage::prepare_from_greyscale(side * scale, side * scale, |x, y| {
                if dark[(y / scale) * side + x / scale] {
                    0
                } else {
                    255
                }
            });
        let grids = img.detect_grids();
        assert_eq!(grids.len(), 1, "one QR code in each SVG");
        out.push(grids[0].decode().unwrap().1);
    }
    out
}

/// A second server on the same database, with `public_url` configured.
async fn with_public_url(app: &TestApp, public_url: &str) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let web = linli_web::app_with(
        app.store.clone(),
        linli_web::Options {
            public_url: public_url.into(),
            ..Default::default()
        },
    );
    tokio::spawn(linli_web::server::serve(
        listener,
        web,
        linli_web::server::ServerLimits::default(),
        std::future::pending(),
    ));
    format!("http://{addr}")
}

both_backends! {
    async fn printed_qr_codes_decode_to_absolute_links(app) {
        let owner = app.token("owner").await;
        let committee = app.token("committee").await;
        let home = app.persona_place("owner");
        let (_, h) = app.api(&owner, Method::GET, &format!("/households/{home}"), None).await;
        let unit = h["household"]["unit_id"].as_i64().unwrap();
        let compound = h["household"]["compound_id"].as_i64().unwrap();
        let (_, p) = app.api(&owner, Method::POST, &format!("/compounds/{compound}/proposals"), Some(json!({"scope": "unit", "scope_id": unit, "title": "楼道粉刷", "matter": "advisory"}))).await;
        let id = p["id"].as_i64().unwrap();
        app.api(&owner, Method::POST, &format!("/proposals/{id}/stage"), Some(json!({"action": "submit"}))).await;
        let (s, v) = app.api(&committee, Method::POST, &format!("/proposals/{id}/voting"), Some(json!({"deadline": "2099-12-31"}))).await;
        assert_eq!(s, 200, "{v}");

        // No public URL configured: the host the page was asked from.
        let b = app.browser_login("committee").await;
        let (s, forms) = b.get(&format!("/proposals/{id}/consent-forms")).await;
        assert_eq!(s, 200);
        let links = decode_qr_codes(&forms);
        assert!(!links.is_empty());
        let first = app.url(&format!("/proposals/{id}?household="));
        assert!(links.iter().all(|l| l.starts_with(&first)), "{links:?}");
        assert!(links.iter().any(|l| *l == format!("{first}{home}")), "the owner's form opens her vote: {links:?}");

        // Configured: every printed link starts with it, whatever host served the page.
        let other = with_public_url(&app, "https://linli.example.cn").await;
        let b2: Browser = b.at(&other);
        let (s, forms) = b2.get(&format!("/proposals/{id}/consent-forms")).await;
        assert_eq!(s, 200);
        let links = decode_qr_codes(&forms);
        assert!(links.contains(&format!("https://linli.example.cn/proposals/{id}?household={home}")), "{links:?}");
        let (s, page, _) = b2.submit(&format!("/households/{home}"), &format!("/households/{home}/invites"), &[("role", "resident")]).await;
        assert_eq!(s, 200, "{page}");
        let links = decode_qr_codes(&page);
        assert_eq!(links.len(), 1);
        assert!(links[0].starts_with("https://linli.example.cn/claim?code="), "{links:?}");
        assert!(page.contains(&links[0]), "the address is printed beside its code");
        assert!(!page.contains("http://linli"), "no hard-coded http://");
    }
}
