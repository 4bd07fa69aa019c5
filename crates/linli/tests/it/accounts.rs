//! Accounts: signing in through the form, sessions kept in the database (seen by a second
//! server), signing out, CSRF on forms and cookie-authenticated API writes, the login rate
//! limit, and claiming a home with an invite code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::{Browser, assert_api_error, client, csrf_of};
use linli_demo_load::DEMO_PASSWORD;
use reqwest::Method;
use serde_json::json;

/// A browser that has not signed in, with the login page's CSRF token.
async fn visitor(base: &str) -> (Browser, String) {
    let b = Browser {
        client: client(),
        base: base.to_string(),
    };
    let page = b.get("/login").await.1;
    let csrf = csrf_of(&page);
    (b, csrf)
}

both_backends! {
    async fn signing_in_and_out_through_the_form(app) {
        // A wrong password shows the form again with a message, and opens no session.
        let (b, csrf) = visitor(&app.base).await;
        let sessions0 = app.sql_i64("SELECT COUNT(*) FROM session").await;
        let (s, page) = b.post_raw("/login", &[("_csrf", &csrf), ("login", "committee"), ("password", "wrong-password")]).await;
        assert_eq!(s, 401);
        assert!(page.contains("账号或密码不对"), "{page}");
        assert!(page.contains("value=\"committee\""), "the login is kept in the form");
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM session").await, sessions0);
        assert_eq!(b.get_location("/").await, (303, Some("/login".into())));

        let (b, session) = app.browser_login_with_session("committee").await;
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM session").await, sessions0 + 1);
        let (s, home) = b.get("/").await;
        assert_eq!(s, 200);
        assert!(home.contains("自管委 刘主任"), "{home}");
        let (s, me) = b.api(Method::GET, "/me", None, None).await;
        assert_eq!(s, 200, "{me}");
        assert_eq!(me["name"], "自管委 刘主任");
        assert_eq!(me["roles"][0]["role"], "committee_member");

        // Signing in by phone works for accounts that have one: made below by claiming.
        // Signing out ends the session in the database, not only in this browser.
        let csrf = csrf_of(&home);
        let (s, _) = b.post_raw("/logout", &[("_csrf", &csrf)]).await;
        assert_eq!(s, 303);
        assert_eq!(b.get_location("/").await, (303, Some("/login".into())));
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM session").await, sessions0);
        let replay = client()
            .get(app.url("/api/v1/me"))
            .header("cookie", format!("linli_session={session}"))
            .send()
            .await
            .unwrap();
        assert_eq!(replay.status(), 401, "the old session cookie no longer works");
    }

    async fn a_session_made_on_one_server_works_on_another(app) {
        let second = app.second_instance().await;
        let (b, _) = app.browser_login_with_session("unithead").await;
        let there = b.at(&second.base);
        let (s, home) = there.get("/").await;
        assert_eq!(s, 200);
        assert!(home.contains("单元长 赵阿姨"), "{home}");
        let (s, me) = there.api(Method::GET, "/me", None, None).await;
        assert_eq!((s, me["name"].as_str()), (200, Some("单元长 赵阿姨")));

        // A form loaded from one server can be posted to the other.
        let page = b.get("/households/1/edit").await.1;
        let version = app.household_json(&app.token("committee").await, 1).await["household"]["version"].as_i64().unwrap();
        let (s, _) = there
            .post_raw("/households/1/edit", &[
                ("_csrf", &csrf_of(&page)),
                ("version", &version.to_string()),
                ("floor", "1"),
                ("room", "101"),
                ("area", "77.70"),
                ("area_source", "registered"),
            ])
            .await;
        assert_eq!(s, 303);
        assert_eq!(app.household_json(&app.token("committee").await, 1).await["household"]["area"], "77.70");

        // Signing out on the second server ends the session on the first.
        let csrf = csrf_of(&there.get("/").await.1);
        let (s, _) = there.post_raw("/logout", &[("_csrf", &csrf)]).await;
        assert_eq!(s, 303);
        assert_eq!(b.get_location("/").await, (303, Some("/login".into())));
    }

    async fn forms_and_cookie_api_writes_need_the_csrf_token(app) {
        let token = app.token("committee").await;
        let b = app.browser_login("committee").await;
        let before = app.household_json(&token, 1).await["household"].clone();
        let audit0 = app.audit_count().await;
        let version = before["version"].to_string();
        let fields = |csrf: Option<&'static str>| {
            let mut f = vec![("version", version.clone()), ("floor", "1".to_string()), ("room", "101".into()), ("area", "55.55".into()), ("area_source", "registered".into())];
            if let Some(c) = csrf {
                f.push(("_csrf", c.to_string()));
            }
            f
        };
        for csrf in [None, Some(""), Some("00000000000000000000000000000000"), Some("not-a-token")] {
            let f = fields(csrf);
            let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let (s, page) = b.post_raw("/households/1/edit", &refs).await;
            assert_eq!(s, 403, "csrf {csrf:?}: {page}");
            assert!(page.contains("您没有权限做这件事"));
        }
        // Another visitor's token does not fit this browser's cookie.
        let (_, other) = visitor(&app.base).await;
        let (s, _) = b.post_raw("/households/1/edit", &[("_csrf", other.as_str()), ("version", &version), ("area", "55.55")]).await;
        assert_eq!(s, 403);
        // Signing out needs it too.
        let (s, _) = b.post_raw("/logout", &[]).await;
        assert_eq!(s, 403);
        assert_eq!(b.get("/").await.0, 200, "still signed in");

        // The API with the session cookie: writes need X-CSRF-Token, reads do not.
        let csrf = csrf_of(&b.get("/").await.1);
        let patch = json!({"version": before["version"], "area": "55.55"});
        for sent in [None, Some("00000000000000000000000000000000")] {
            let (s, e) = b.api(Method::PATCH, "/households/1", Some(patch.clone()), sent).await;
            assert_api_error(s, &e, 403, "forbidden", None);
        }
        let (_, owners) = b.api(Method::GET, "/households/1", None, None).await;
        let ownership = owners["owners"][0]["ownership_id"].as_i64().unwrap();
        let (s, e) = b.api(Method::DELETE, &format!("/households/1/owners/{ownership}"), None, None).await;
        assert_api_error(s, &e, 403, "forbidden", None);
        let (s, e) = b.api(Method::POST, "/households/1/invites", Some(json!({"role": "owner"})), None).await;
        assert_api_error(s, &e, 403, "forbidden", None);
        assert_eq!(app.household_json(&token, 1).await["household"], before, "nothing was written");
        assert_eq!(app.household_json(&token, 1).await["owners"], owners["owners"]);
        assert_eq!(app.audit_count().await, audit0);

        // With the token, the same requests go through.
        let (s, e) = b.api(Method::PATCH, "/households/1", Some(patch), Some(&csrf)).await;
        assert_eq!(s, 200, "{e}");
        let (s, _) = b.api(Method::DELETE, &format!("/households/1/owners/{ownership}"), None, Some(&csrf)).await;
        assert_eq!(s, 204);
        let (s, page, _) = b.submit("/households/1/edit", "/households/1/edit", &[("floor", "1"), ("room", "101"), ("area", "-1")]).await;
        assert_eq!(s, 422, "a form with the right token is processed (here: refused for its area)");
        assert!(page.contains("专有面积：必须大于零"), "{page}");
        assert_eq!(app.audit_count().await, audit0 + 2);
    }

    async fn the_login_rate_limit_lives_in_the_database(app) {
        let (b, csrf) = visitor(&app.base).await;
        // Ten wrong passwords lock the account; a locked account gives each address one try a
        // minute, spent here on an eleventh wrong one.
        for i in 0..11 {
            let (s, page) = b.post_raw("/login", &[("_csrf", &csrf), ("login", "committee"), ("password", &format!("wrong{i}"))]).await;
            assert_eq!(s, 401, "attempt {i}: {page}");
        }
        // The next attempt within the minute is refused even with the right password.
        let (s, page) = b.post_raw("/login", &[("_csrf", &csrf), ("login", "committee"), ("password", DEMO_PASSWORD)]).await;
        assert_eq!(s, 429);
        assert!(page.contains("尝试次数太多"), "{page}");
        assert!(!page.contains("linli_session"));
        // The login name is the same account in any case or with spaces around it.
        let (s, _) = b.post_raw("/login", &[("_csrf", &csrf), ("login", " COMMITTEE "), ("password", DEMO_PASSWORD)]).await;
        assert_eq!(s, 429);

        // A second server over the same database refuses as well, for forms and the API.
        let second = app.second_instance().await;
        let (b2, csrf2) = visitor(&second.base).await;
        let (s, _) = b2.post_raw("/login", &[("_csrf", &csrf2), ("login", "committee"), ("password", DEMO_PASSWORD)]).await;
        assert_eq!(s, 429);
        let body = serde_json::to_vec(&json!({"login": "committee", "password": DEMO_PASSWORD, "name": "script"})).unwrap();
        let (s, e) = second.api_raw(None, Method::POST, "/tokens", Some(("application/json", body)), &[("accept-language", "en")]).await;
        assert_api_error(s, &e, 429, "rate_limited", None);
        assert!(e["message"].as_str().unwrap().starts_with("Too many attempts"), "{e}");

        // Other accounts are not locked out.
        let (s, _) = b2.post_raw("/login", &[("_csrf", &csrf2), ("login", "worker"), ("password", DEMO_PASSWORD)]).await;
        assert_eq!(s, 303);
    }

    async fn an_invite_code_makes_a_visitor_the_owner_once(app) {
        let token = app.token("committee").await;
        let h = app.sql_i64("SELECT MIN(id) FROM household WHERE unit_id = 2").await;
        let room = app.household_json(&token, h).await["household"]["room"].as_str().unwrap().to_string();
        let (s, bad) = app.api(&token, Method::POST, &format!("/households/{h}/invites"), Some(json!({"role": "committee_member"}))).await;
        assert_api_error(s, &bad, 422, "bad_choice", Some("kind"));
        let (s, invite) = app.api(&token, Method::POST, &format!("/households/{h}/invites"), Some(json!({"role": "owner"}))).await;
        assert_eq!(s, 201, "{invite}");
        let code = invite["code"].as_str().unwrap().to_string();
        assert_eq!(code.len(), 8);
        assert_eq!(invite["household_id"], h);

        // A visitor claims it: an account is made, they are signed in and land on their home.
        let v = Browser { client: client(), base: app.base.clone() };
        let (s, page) = v.get(&format!("/claim?code={code}")).await;
        assert_eq!(s, 200);
        assert!(page.contains(&code));
        // The code is typed as it was read out: lower case, with a dash.
        let typed = format!("{}-{}", code[..4].to_lowercase(), &code[4..]);
        let fields = [("code", typed.as_str()), ("display_name", "新业主 钱"), ("phone", "13912345678"), ("password", "secret-pass-1")];
        let (s, _, location) = v.submit(&format!("/claim?code={code}"), "/claim", &fields).await;
        assert_eq!(s, 303);
        assert_eq!(location.as_deref(), Some(format!("/households/{h}").as_str()));
        let (s, home) = v.get(&format!("/households/{h}")).await;
        assert_eq!(s, 200);
        assert!(home.contains(&room), "{home}");
        let (s, me) = v.api(Method::GET, "/me", None, None).await;
        assert_eq!(s, 200, "{me}");
        assert_eq!(me["name"], "新业主 钱");
        assert_eq!(me["roles"].as_array().unwrap().len(), 1);
        assert_eq!(me["roles"][0]["role"], "owner");
        assert!(me["roles"][0]["at"].as_str().unwrap().ends_with(&format!("household:{h}")), "{me}");
        let (s, mine) = v.api(Method::GET, &format!("/households/{h}"), None, None).await;
        assert_eq!(s, 200);
        assert_eq!(mine["can"]["personal"], true);
        assert_eq!(mine["can"]["edit"], false);
        let (s, _) = v.api(Method::GET, &format!("/households/{}", h + 1), None, None).await;
        assert_eq!(s, 403, "a neighbour's home stays closed");

        // The code is spent: neither a second visitor nor the same account can use it again.
        let audit = app.audit_count().await;
        let accounts = app.sql_i64("SELECT COUNT(*) FROM account").await;
        let other = Browser { client: client(), base: app.base.clone() };
        let fields = [("code", code.as_str()), ("display_name", "冒领人"), ("phone", "13912345679"), ("password", "secret-pass-2")];
        let (s, page, _) = other.submit("/claim", "/claim", &fields).await;
        assert_eq!(s, 422);
        assert!(page.contains("邀请码"), "{page}");
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM account").await, accounts, "no account was made");
        let csrf = csrf_of(&v.get("/").await.1);
        let (s, e) = v.api(Method::POST, "/invites/claim", Some(json!({"code": code})), Some(&csrf)).await;
        assert_api_error(s, &e, 422, "wrong_invite_code", Some("code"));
        assert_eq!(app.audit_count().await, audit);
        assert_eq!(app.sql_i64(&format!("SELECT COUNT(*) FROM role_grant WHERE node_kind = 'household' AND node_id = {h}")).await, 1);

        // The new owner signs in later with their phone number.
        let (b, csrf) = visitor(&app.base).await;
        let (s, _) = b.post_raw("/login", &[("_csrf", &csrf), ("login", "139 1234 5678"), ("password", "secret-pass-1")]).await;
        assert_eq!(s, 303);
    }
}
