//! The HTML pages, as a browser without JavaScript sees them: the main pages name what they
//! show and stay small, a bad edit comes back marked and writes nothing, the language and
//! text-size switches work, unknown pages are 404 pages, the OpenAPI document is served, and
//! pages go gzipped with their assets cached by content.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use reqwest::Method;

/// The `<input …>` tag of the field `name`.
fn input_tag<'a>(html: &'a str, name: &str) -> &'a str {
    let at = html
        .find(&format!("name=\"{name}\""))
        .unwrap_or_else(|| panic!("no field {name} in {html}"));
    let start = html[..at].rfind('<').unwrap();
    let end = at + html[at..].find('>').unwrap();
    &html[start..=end]
}

/// The opening `<html …>` tag.
fn html_tag(html: &str) -> &str {
    let start = html.find("<html").expect("an html element");
    &html[start..start + html[start..].find('>').unwrap() + 1]
}

const PAGE_LIMIT: usize = 100 * 1024;

both_backends! {
    async fn the_main_pages_name_what_they_show_and_stay_small(app) {
        let token = app.token("committee").await;
        let h = app.persona_place("owner");
        let v = app.household_json(&token, h).await;
        let owner = v["owners"][0]["name"].as_str().unwrap().to_string();
        let room = v["household"]["room"].as_str().unwrap().to_string();

        let b = app.browser_login("committee").await;
        for (path, expected) in [
            ("/".to_string(), vec!["自管委 刘主任", "纹江花园", "我负责的地方"]),
            ("/compounds/1".to_string(), vec!["纹江花园", "罗江区万安街道纹江路18号", "1栋", "5栋"]),
            (format!("/households/{h}"), vec![owner.as_str(), room.as_str(), "1栋", "1单元", "纹江花园"]),
            ("/compounds/1/households".to_string(), vec!["纹江花园", "101", "602"]),
            ("/buildings/1".to_string(), vec!["1栋", "1单元", "4单元"]),
            ("/units/1".to_string(), vec!["1单元", "101", owner.as_str()]),
            (format!("/search?q={}", owner.bytes().map(|b| format!("%{b:02X}")).collect::<String>()), vec![owner.as_str()]),
            ("/compounds".to_string(), vec!["纹江花园"]),
        ] {
            let (s, page) = b.get(&path).await;
            assert_eq!(s, 200, "{path}");
            for e in expected {
                assert!(page.contains(e), "{path} should show {e}");
            }
            assert!(page.len() < PAGE_LIMIT, "{path} is {} bytes", page.len());
            assert!(html_tag(&page).contains("lang=\"zh-CN\""), "{path}: {}", html_tag(&page));
        }

        // The city's pages over 3,250 households stay small too.
        let city = app.browser_login("city").await;
        let shanghai = app.persona_place("city");
        for (path, expected) in [
            ("/".to_string(), "上海市"),
            (format!("/regions/{shanghai}"), "普陀区"),
            ("/compounds/3".to_string(), "甘泉一村"),
            ("/compounds/3/households".to_string(), "甘泉苑"),
        ] {
            let (s, page) = city.get(&path).await;
            assert_eq!(s, 200, "{path}");
            assert!(page.contains(expected), "{path} should show {expected}");
            assert!(page.len() < PAGE_LIMIT, "{path} is {} bytes", page.len());
        }
        // A resident's home page names their home; a neighbour's page is refused.
        let owner_browser = app.browser_login("owner").await;
        let (_, home) = owner_browser.get("/").await;
        assert!(home.contains(&format!("纹江花园 1栋 1单元 {room}")), "{home}");
        let (s, page) = owner_browser.get(&format!("/households/{}", app.persona_place("resident"))).await;
        assert_eq!(s, 403);
        assert!(page.contains("您没有权限做这件事"));
    }

    async fn a_bad_edit_comes_back_marked_and_writes_nothing(app) {
        let token = app.token("committee").await;
        let before = app.household_json(&token, 1).await["household"].clone();
        let audit0 = app.audit_count().await;
        let version = before["version"].to_string();
        let b = app.browser_login("committee").await;
        let (s, form) = b.get("/households/1/edit").await;
        assert_eq!(s, 200);
        assert!(input_tag(&form, "version").contains(&format!("value=\"{version}\"")), "{form}");
        assert!(!input_tag(&form, "area").contains("aria-invalid"));

        let fields = |area: &'static str, version: String| vec![("version", version), ("floor", "1".into()), ("room", "101".into()), ("area", area.into()), ("area_source", "registered".into())];
        let submit = |f: Vec<(&'static str, String)>| {
            let b = &b;
            async move {
                let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
                b.submit("/households/1/edit", "/households/1/edit", &refs).await
            }
        };
        let (s, page, _) = submit(fields("-5", version.clone())).await;
        assert_eq!(s, 422);
        assert!(input_tag(&page, "area").contains("aria-invalid=\"true\""), "{}", input_tag(&page, "area"));
        assert!(input_tag(&page, "area").contains("value=\"-5\""), "what was typed is kept");
        assert!(!input_tag(&page, "room").contains("aria-invalid"), "only the bad field is marked");
        assert!(page.contains("专有面积：必须大于零"), "{page}");
        let (s, page, _) = submit(fields("89.123", version.clone())).await;
        assert_eq!(s, 422);
        assert!(page.contains("最多 2 位小数"));
        // An oversized form is refused with a page, not a crash.
        let huge = "9".repeat(300 * 1024);
        let (s, page) = b.post_raw("/households/1/edit", &[("_csrf", &common::csrf_of(&form)), ("version", &version), ("area", &huge)]).await;
        assert!((400..500).contains(&s), "oversized form gave {s}");
        assert!(page.contains("<html"));
        assert_eq!(app.household_json(&token, 1).await["household"], before, "nothing was written");
        assert_eq!(app.audit_count().await, audit0);

        // In English the message is English.
        let (s, _) = b.get_location("/prefs?lang=en&back=/households/1/edit").await;
        assert_eq!(s, 303);
        let (s, page, _) = submit(fields("abc", version.clone())).await;
        assert_eq!(s, 422);
        assert!(input_tag(&page, "area").contains("aria-invalid=\"true\""));
        assert!(page.contains("Exclusive area is not a number"), "{page}");

        // A good value saves and goes back to the household page.
        let (s, _, location) = submit(fields("88.80", version.clone())).await;
        assert_eq!(s, 303);
        assert_eq!(location.as_deref(), Some("/households/1"));
        let (_, page) = b.get("/households/1").await;
        assert!(page.contains("88.80"));
        // The same form sent again is stale now: shown again with the reason, not saved, with
        // the status the API answers for a stale edit.
        let (s, page, _) = submit(fields("77.70", version)).await;
        assert_eq!(s, 409);
        assert!(page.contains("Someone else saved this record first"), "{page}");
        assert_eq!(app.household_json(&token, 1).await["household"]["area"], "88.80");
        assert_eq!(app.audit_count().await, audit0 + 1);
    }

    async fn the_language_and_text_size_switches_stick(app) {
        let b = app.browser_login("resident").await;
        let (_, page) = b.get("/").await;
        assert!(html_tag(&page).contains("lang=\"zh-CN\""));
        assert!(page.contains("我的家"));
        assert!(!html_tag(&page).contains("large"));

        assert_eq!(b.get_location("/prefs?lang=en&back=/").await, (303, Some("/".into())));
        let (_, page) = b.get("/").await;
        assert!(html_tag(&page).contains("lang=\"en\""), "{}", html_tag(&page));
        assert!(page.contains("My home") && page.contains("Sign out"), "{page}");
        assert!(!page.contains("我的家"));

        let home = format!("/households/{}", app.persona_place("resident"));
        assert_eq!(b.get_location(&format!("/prefs?large=1&back={home}")).await, (303, Some(home.clone())));
        let (s, page) = b.get(&home).await;
        assert_eq!(s, 200);
        assert_eq!(html_tag(&page), "<html lang=\"en\" class=\"large\">");
        let (_, page) = b.get("/").await;
        assert!(html_tag(&page).contains("class=\"large\""), "the setting stays");
        assert_eq!(b.get_location("/prefs?large=0&lang=zh-CN&back=/").await.0, 303);
        let (_, page) = b.get("/").await;
        assert_eq!(html_tag(&page), "<html lang=\"zh-CN\">");

        // The switch only sends back within the site.
        for back in ["//evil.example/", "https://evil.example/", "javascript:alert(1)"] {
            let (s, location) = b.get_location(&format!("/prefs?lang=en&back={back}")).await;
            assert_eq!((s, location.as_deref()), (303, Some("/")), "back={back}");
        }
        // It works before signing in, and the API answers in the chosen language too.
        let visitor = common::Browser { client: common::client(), base: app.base.clone() };
        visitor.get_location("/prefs?lang=en&back=/login").await;
        let (_, login) = visitor.get("/login").await;
        assert!(html_tag(&login).contains("lang=\"en\"") && login.contains("Sign in"), "{login}");
        let (s, e) = visitor.api(Method::GET, "/households/1", None, None).await;
        assert_eq!((s, e["message"].as_str()), (401, Some("Please sign in first")));
    }

    async fn unknown_pages_are_404_and_the_openapi_document_is_served(app) {
        let visitor = common::Browser { client: common::client(), base: app.base.clone() };
        let (s, page) = visitor.get("/no/such/page").await;
        assert_eq!(s, 404);
        assert!(page.contains("找不到这个页面") && page.contains("<html"), "{page}");
        let b = app.browser_login("committee").await;
        for path in ["/nothing-here", "/households/999999", "/compounds/999999", "/units/999999/households/new/x"] {
            let (s, page) = b.get(path).await;
            assert_eq!(s, 404, "{path}");
            assert!(page.contains("<html"), "{path} is a page");
        }
        let (s, page) = b.get("/households/abc").await;
        assert_eq!(s, 422, "{page}");
        assert!(page.contains("不是数字"));
        // The household and compound pages read their place with the sign-in, before the
        // actor is known: not signed in, a place that exists and one that does not are both
        // "sign in first"; signed in, another's household is refused and shows nothing of it.
        for path in ["/households/1", "/households/999999", "/compounds/1", "/compounds/999999"] {
            let (s, to) = visitor.get_location(path).await;
            assert!((300..400).contains(&s) && to.as_deref().is_some_and(|l| l.starts_with("/login")), "{path}: {s} {to:?}");
        }
        let owner = app.browser_login("owner").await;
        let mine = app.persona_place("owner");
        let (s, page) = owner.get(&format!("/households/{mine}")).await;
        assert_eq!(s, 200, "{page}");
        let other = app.sql_i64(&format!("SELECT MIN(id) FROM household WHERE id <> {mine} AND room <> (SELECT room FROM household WHERE id = {mine})")).await;
        let room = app.sql_texts(&format!("SELECT room FROM household WHERE id = {other}"), 0).await.remove(0);
        let (s, page) = owner.get(&format!("/households/{other}")).await;
        assert_eq!(s, 403, "{page}");
        assert!(!page.contains(&format!(">{room}<")), "the refused page shows the household's room {room}");
        let (s, e) = b.api(Method::GET, "/nothing-here", None, None).await;
        assert_eq!((s, e["code"].as_str()), (404, Some("not_found")), "the API answers in JSON: {e}");

        let res = app.client.get(app.url("/api/openapi.json")).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert!(res.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
        let doc: serde_json::Value = res.json().await.unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
        let household = &doc["paths"]["/api/v1/households/{id}"];
        assert!(household["get"].is_object() && household["patch"].is_object(), "{household}");
        for path in ["/api/v1/units/{id}/households", "/api/v1/households/{id}/move", "/api/v1/search", "/api/v1/tokens"] {
            assert!(doc["paths"][path].is_object(), "{path} is documented");
        }
        assert_eq!(app.client.get(app.url("/healthz")).send().await.unwrap().status(), 200);
    }

    // Pages, JSON and the stylesheet go gzipped to a client that accepts it; the assets are
    // linked by a content hash and kept for a year; there is an icon.
    async fn pages_go_compressed_and_assets_are_cached_by_content(app) {
        let b = app.browser_login("committee").await;
        let (_, plain) = b.get("/compounds/1/households").await;
        let res = b.client.get(app.url("/compounds/1/households")).header("accept-encoding", "gzip").send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-encoding"], "gzip");
        let zipped = res.bytes().await.unwrap();
        assert!(zipped.len() * 4 < plain.len(), "{} gzipped bytes for a {}-byte page", zipped.len(), plain.len());
        let res = b.client.get(app.url("/compounds/1/households")).send().await.unwrap();
        assert!(res.headers().get("content-encoding").is_none(), "nothing compressed unasked");

        let css = plain.split("href=\"").find(|s| s.starts_with("/static/app.css?v=")).map(|s| &s[..s.find('"').unwrap()]).expect("a versioned stylesheet link");
        let res = app.client.get(app.url(css)).header("accept-encoding", "gzip").send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-encoding"], "gzip");
        assert_eq!(res.headers()["cache-control"], "public, max-age=31536000, immutable");
        assert!(plain.contains("<script src=\"/static/app.js?v="), "the script is versioned too");
        for icon in ["/favicon.ico", "/static/icon.svg"] {
            let res = app.client.get(app.url(icon)).send().await.unwrap();
            assert_eq!(res.status(), 200, "{icon}");
            assert_eq!(res.headers()["content-type"], "image/svg+xml");
        }
        let res = app.client.get(app.url("/api/openapi.json")).header("accept-encoding", "gzip").send().await.unwrap();
        assert_eq!(res.headers()["content-encoding"], "gzip", "JSON too");
    }
}
