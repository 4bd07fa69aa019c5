//! Accounts under attack: each test is an attacker's requests and the refusal they must get.
//! Sign-in limits keyed on the account however its login is written and counted before the
//! password is looked at; the owner of a locked account still gets in; phone search only where
//! phones are seen; tokens that expire and can be revoked; password changes that end other
//! sessions; password rules; invite codes that cannot be guessed at speed; a CSRF token bound
//! to the session. The servers' clocks stand still until a test moves them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::{Browser, TestApp, assert_api_error, client, csrf_of};
use linli_demo_load::DEMO_PASSWORD;
use reqwest::Method;
use serde_json::{Value, json};

/// A browser that has not signed in, with the login page's CSRF token.
async fn visitor(app: &TestApp) -> (Browser, String) {
    let b = Browser {
        client: client(),
        base: app.base.clone(),
    };
    let page = b.get("/login").await.1;
    let csrf = csrf_of(&page);
    (b, csrf)
}

async fn sign_in(b: &Browser, csrf: &str, login: &str, password: &str) -> (u16, String) {
    b.post_raw(
        "/login",
        &[("_csrf", csrf), ("login", login), ("password", password)],
    )
    .await
}

/// `POST /api/v1/tokens` without credentials: (status, body).
async fn token_request(app: &TestApp, login: &str, password: &str) -> (u16, Value) {
    let body = serde_json::to_vec(&json!({"login": login, "password": password, "name": "script"}))
        .unwrap();
    app.api_raw(
        None,
        Method::POST,
        "/tokens",
        Some(("application/json", body)),
        &[],
    )
    .await
}

/// A resident with a phone, signing in by it.
async fn zhang(app: &TestApp) -> i64 {
    app.store
        .create_account("zhang", Some("13912345678"), "张三", DEMO_PASSWORD)
        .await
        .unwrap()
}

async fn sql_text(app: &TestApp, sql: &str) -> Vec<String> {
    use sea_orm::ConnectionTrait;
    let conn = app.sql().await;
    let rows = conn
        .query_all_raw(sea_orm::Statement::from_string(
            conn.get_database_backend(),
            sql,
        ))
        .await
        .unwrap();
    rows.iter()
        .map(|r| r.try_get_by_index::<String>(0).unwrap())
        .collect()
}

both_backends!(fixed_clock;
    async fn a_login_written_otherwise_is_the_same_locked_account_and_the_owner_gets_in_after_a_delay(app) {
        zhang(&app).await;
        let (b, csrf) = visitor(&app).await;
        // The attacker spends the ten tries and the one try a locked account allows a minute.
        for i in 0..11 {
            let (s, page) = sign_in(&b, &csrf, "13912345678", &format!("guess-{i}")).await;
            assert_eq!(s, 401, "try {i}: {page}");
        }
        // The same account written otherwise is the same counter: refused, even the right password.
        for login in ["+86 139-1234-5678", "139 1234 5678", " ZHANG "] {
            let (s, page) = sign_in(&b, &csrf, login, DEMO_PASSWORD).await;
            assert_eq!(s, 429, "{login}: {page}");
            assert!(page.contains("尝试次数太多，请 1 分钟后再试"), "{page}");
        }
        let (s, e) = token_request(&app, "+8613912345678", DEMO_PASSWORD).await;
        assert_api_error(s, &e, 429, "rate_limited", None);
        // A minute later the owner, with the right password, is let in (and the count is cleared).
        app.store.clock().advance(60);
        let (s, _) = sign_in(&b, &csrf, "+86 139-1234-5678", DEMO_PASSWORD).await;
        assert_eq!(s, 303, "the owner gets in");
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM login_attempt WHERE key LIKE 'account:%'").await, 0);
        let (b2, csrf2) = visitor(&app).await;
        let (s, _) = sign_in(&b2, &csrf2, "zhang", "guess-x").await;
        assert_eq!(s, 401, "after the owner's sign-in, a wrong password is just wrong again");
    }

    async fn forty_wrong_passwords_at_once_are_not_all_checked(app) {
        // Sent together, on two servers sharing the database.
        let second = app.second_instance().await;
        let tries: Vec<_> = (0..40)
            .map(|i| {
                let url = format!("{}/api/v1/tokens", if i % 2 == 0 { &app.base } else { &second.base });
                tokio::spawn(async move {
                    let body = json!({"login": "committee", "password": format!("guess-{i}"), "name": "x"});
                    client().post(url).json(&body).send().await.unwrap().status().as_u16()
                })
            })
            .collect();
        let mut statuses = Vec::new();
        for t in tries {
            statuses.push(t.await.unwrap());
        }
        let checked = statuses.iter().filter(|s| **s == 401).count();
        let refused = statuses.iter().filter(|s| **s == 429).count();
        assert_eq!(checked + refused, 40, "{statuses:?}");
        assert!(checked <= 11, "at most the ten allowed and one locked try were checked, not {checked}: {statuses:?}");
        assert_eq!(app.sql_i64("SELECT MAX(\"count\") FROM login_attempt WHERE key LIKE 'account:%'").await, 40, "each try counted once");
    }

    async fn a_volunteer_cannot_recover_masked_phones_by_searching(app) {
        let c = app.persona_place("volunteer");
        let phones = sql_text(
            &app,
            &format!(
                "SELECT p.phone FROM person p JOIN ownership o ON o.person_id = p.id JOIN household h ON h.id = o.household_id \
                 WHERE h.compound_id = {c} AND p.phone IS NOT NULL ORDER BY p.id LIMIT 1"
            ),
        )
        .await;
        let phone = phones.first().expect("an owner with a phone in the volunteer's compound");
        let volunteer = app.token("volunteer").await;
        let committee = app.token("committee").await;
        // The committee sees whole phones and finds the owner by (part of) the number.
        for q in [phone.as_str(), &phone[3..9]] {
            let (s, found) = app.api(&committee, Method::GET, &format!("/search?q={q}"), None).await;
            assert_eq!(s, 200, "{found}");
            assert!(found["total"].as_u64().unwrap() >= 1, "committee finds {q}: {found}");
        }
        // The volunteer sees it masked; guessing the hidden digits finds nothing, here or in the compound's list.
        let (_, list) = app.api(&volunteer, Method::GET, &format!("/compounds/{c}/households"), None).await;
        assert!(list.to_string().contains("****"), "the volunteer sees masked phones: {list}");
        for q in [phone.as_str(), &phone[3..9], &phone[3..7]] {
            let (s, found) = app.api(&volunteer, Method::GET, &format!("/search?q={q}"), None).await;
            assert_eq!((s, found["total"].as_u64()), (200, Some(0)), "volunteer searching {q}: {found}");
            let (s, found) = app.api(&volunteer, Method::GET, &format!("/compounds/{c}/households?q={q}"), None).await;
            assert_eq!((s, found["total"].as_u64()), (200, Some(0)), "volunteer listing by {q}: {found}");
        }
        // Names still work for the volunteer.
        let name = sql_text(&app, &format!("SELECT p.name FROM person p JOIN ownership o ON o.person_id = p.id JOIN household h ON h.id = o.household_id WHERE h.compound_id = {c} ORDER BY p.id LIMIT 1")).await;
        let (_, found) = app.api(&volunteer, Method::GET, &format!("/search?q={}", name[0]), None).await;
        assert!(found["total"].as_u64().unwrap() >= 1, "{found}");
    }

    async fn a_tokens_last_use_is_kept_to_the_hour(app) {
        let t0 = app.store.now();
        let (s, made) = token_request(&app, "committee", DEMO_PASSWORD).await;
        assert_eq!(s, 201, "{made}");
        let (token, id) = (made["token"].as_str().unwrap().to_string(), made["id"].as_i64().unwrap());
        let last_used = |list: &serde_json::Value| {
            list.as_array().unwrap().iter().find(|t| t["id"].as_i64() == Some(id)).unwrap()["last_used_at"].as_i64()
        };
        let (s, list) = app.api(&token, Method::GET, "/tokens", None).await;
        assert_eq!(s, 200, "{list}");
        assert_eq!(last_used(&list), Some(t0), "stamped by its first use");
        // Used again within the hour: the stamp stays; an hour after it, the next use moves it.
        app.store.clock().advance(3599);
        let (_, list) = app.api(&token, Method::GET, "/tokens", None).await;
        assert_eq!(last_used(&list), Some(t0));
        app.store.clock().advance(1);
        assert_eq!(app.api(&token, Method::GET, "/me", None).await.0, 200);
        let (_, list) = app.api(&token, Method::GET, "/tokens", None).await;
        assert_eq!(last_used(&list), Some(t0 + 3600));
        app.store.clock().advance(-3600);
    }

    async fn tokens_expire_can_be_listed_and_revoked_and_a_password_change_ends_other_sessions(app) {
        let now = app.store.now();
        let (s, made) = token_request(&app, "committee", DEMO_PASSWORD).await;
        assert_eq!(s, 201, "{made}");
        assert_eq!(made["expires_at"].as_i64(), Some(now + 90 * 86_400), "90 days by default");
        let old = made["token"].as_str().unwrap().to_string();
        let script = app.token("committee").await;
        let (s, list) = app.api(&script, Method::GET, "/tokens", None).await;
        assert_eq!(s, 200, "{list}");
        assert_eq!(list.as_array().unwrap().len(), 2);
        assert!(list.to_string().find(&old).is_none(), "the list never shows a secret");

        // Another account cannot revoke it; its owner can, and then it works no more.
        let worker = app.token("worker").await;
        let id = made["id"].as_i64().unwrap();
        let (s, e) = app.api(&worker, Method::DELETE, &format!("/tokens/{id}"), None).await;
        assert_api_error(s, &e, 404, "not_found", None);
        assert_eq!(app.api(&old, Method::GET, "/me", None).await.0, 200);
        let (s, _) = app.api(&script, Method::DELETE, &format!("/tokens/{id}"), None).await;
        assert_eq!(s, 204);
        let (s, e) = app.api(&old, Method::GET, "/me", None).await;
        assert_api_error(s, &e, 401, "unauthenticated", None);

        // A token stops working when it expires.
        app.store.clock().advance(90 * 86_400 + 1);
        let (s, _) = app.api(&script, Method::GET, "/me", None).await;
        assert_eq!(s, 401, "expired");
        app.store.clock().advance(-(90 * 86_400 + 1));

        // A password change through the page: this browser stays, the other session and the tokens end.
        let other = app.browser_login("committee").await;
        let b = app.browser_login("committee").await;
        let page = b.get("/account").await.1;
        assert!(page.contains("API 令牌") && page.contains("script"), "{page}");
        let csrf = csrf_of(&page);
        let (s, page) = b.post_raw("/account/password", &[("_csrf", &csrf), ("current_password", "not-it-at-all"), ("password", "a-new-long-password")]).await;
        assert_eq!(s, 422, "the current password is asked for");
        assert!(page.contains("当前密码：不对"), "{page}");
        let (s, page) = b.post_raw("/account/password", &[("_csrf", &csrf), ("current_password", DEMO_PASSWORD), ("password", "a-new-long-password")]).await;
        assert_eq!(s, 200, "{page}");
        assert!(page.contains("密码已修改"), "{page}");
        assert_eq!(b.get("/").await.0, 200, "this browser is still signed in");
        assert_eq!(other.get_location("/").await, (303, Some("/login".into())), "the other session ended");
        assert_eq!(app.api(&script, Method::GET, "/me", None).await.0, 401, "tokens were revoked");
        assert_eq!(token_request(&app, "committee", DEMO_PASSWORD).await.0, 401, "the old password no longer works");
        let (s, made) = token_request(&app, "committee", "a-new-long-password").await;
        assert_eq!(s, 201);

        // Signing a script out revokes its token.
        let t = made["token"].as_str().unwrap();
        assert_eq!(app.api(t, Method::POST, "/logout", None).await.0, 204);
        assert_eq!(app.api(t, Method::GET, "/me", None).await.0, 401);
    }

    async fn weak_passwords_are_refused_with_the_rule_they_break(app) {
        let token = app.token("committee").await;
        let h = app.sql_i64("SELECT MIN(id) FROM household WHERE unit_id = 2").await;
        let (_, invite) = app.api(&token, Method::POST, &format!("/households/{h}/invites"), Some(json!({"role": "owner"}))).await;
        let code = invite["code"].as_str().unwrap().to_string();
        let v = Browser { client: client(), base: app.base.clone() };
        for (password, says) in [
            ("        ", "密码：至少要 10 个字符"),
            ("12345678", "密码：至少要 10 个字符"),
            ("          ", "密码：不能全是同一个字符"),
            ("13912345678", "密码：不能是手机号"),
            ("1234567890", "密码：太常见了"),
            ("Password123", "密码：太常见了"),
        ] {
            let fields = [("code", code.as_str()), ("display_name", "新业主 钱"), ("phone", "13912345678"), ("password", password)];
            let (s, page, _) = v.submit("/claim", "/claim", &fields).await;
            assert_eq!(s, 422, "{password:?}");
            assert!(page.contains(says), "{password:?} should say {says}: {page}");
        }
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM account WHERE phone = '13912345678'").await, 0, "no account was made");
        // The API names the field and the rule, in English too.
        let body = serde_json::to_vec(&json!({"current_password": DEMO_PASSWORD, "password": "committee"})).unwrap();
        let (s, e) = app.api_raw(Some(&token), Method::POST, "/password", Some(("application/json", body)), &[("accept-language", "en")]).await;
        assert_api_error(s, &e, 422, "weak_password", Some("password"));
        assert_eq!(e["message"], "Password must have at least 10 characters (a phrase you remember works well)");
        let body = serde_json::to_vec(&json!({"current_password": DEMO_PASSWORD, "password": "Committee-"})).unwrap();
        let (s, e) = app.api_raw(Some(&token), Method::POST, "/password", Some(("application/json", body)), &[("accept-language", "en")]).await;
        assert_api_error(s, &e, 422, "weak_password", Some("password"));
        assert_eq!(e["message"], "Password must not be the same as the login");
        // A good one is taken.
        let fields = [("code", code.as_str()), ("display_name", "新业主 钱"), ("phone", "13912345678"), ("password", "qian-jia-3-men-401")];
        let (s, _, _) = v.submit("/claim", "/claim", &fields).await;
        assert_eq!(s, 303);
    }

    async fn invite_codes_cannot_be_guessed_at_speed(app) {
        let token = app.token("committee").await;
        let h = app.sql_i64("SELECT MIN(id) FROM household WHERE unit_id = 2").await;
        let (_, invite) = app.api(&token, Method::POST, &format!("/households/{h}/invites"), Some(json!({"role": "owner"}))).await;
        let code = invite["code"].as_str().unwrap().to_string();
        let v = Browser { client: client(), base: app.base.clone() };
        // An anonymous guesser: ten wrong codes get the one answer, then the address is refused.
        for i in 0..10 {
            let fields = [("code", format!("ZZZZ{i:04}")), ("display_name", "冒领人".into()), ("phone", "13912345679".into()), ("password", "mao-ling-ren-2026".into())];
            let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let (s, page, _) = v.submit("/claim", "/claim", &refs).await;
            assert_eq!(s, 422, "guess {i}");
            assert!(page.contains("邀请码不对或已被使用"), "{page}");
        }
        let fields = [("code", code.as_str()), ("display_name", "冒领人"), ("phone", "13912345679"), ("password", "mao-ling-ren-2026")];
        let (s, page, _) = v.submit("/claim", "/claim", &fields).await;
        assert_eq!(s, 429, "even a right code is refused once the address is over: {page}");
        assert!(page.contains("尝试次数太多"), "{page}");
        // Signed in through the API, the same: the address is over its limit.
        let (s, e) = app.api(&token, Method::POST, "/invites/claim", Some(json!({"code": "ZZZZ9999"}))).await;
        assert_api_error(s, &e, 429, "rate_limited", None);
        assert_eq!(app.sql_i64(&format!("SELECT COUNT(*) FROM invite WHERE code = '{code}' AND used_by IS NULL")).await, 1, "the code is untouched");
        // After the window the owner's code works.
        app.store.clock().advance(15 * 60);
        let fields = [("code", code.as_str()), ("display_name", "新业主 钱"), ("phone", "13912345678"), ("password", "qian-jia-3-men-401")];
        let (s, _, location) = v.submit("/claim", "/claim", &fields).await;
        assert_eq!((s, location), (303, Some(format!("/households/{h}"))));
        let (s, e) = app.api_en(&token, Method::POST, "/invites/claim", Some(json!({"code": code}))).await;
        assert_api_error(s, &e, 422, "wrong_invite_code", Some("code"));
        assert_eq!(e["message"], "The invite code is wrong or has already been used");
    }

    async fn a_csrf_token_fits_only_its_session_and_changes_at_sign_in(app) {
        let (b, before) = visitor(&app).await;
        let (s, _) = sign_in(&b, &before, "committee", DEMO_PASSWORD).await;
        assert_eq!(s, 303);
        let page = b.get("/households/1/edit").await.1;
        let after = csrf_of(&page);
        assert_ne!(before, after, "a new token at sign-in");
        let version = app.household_json(&app.token("committee").await, 1).await["household"]["version"].to_string();
        let edit = |csrf: String| {
            vec![("_csrf", csrf), ("version", version.clone()), ("floor", "1".into()), ("room", "101".into()), ("area", "66.66".into()), ("area_source", "registered".into())]
        };
        let post = |b: &Browser, fields: Vec<(&'static str, String)>, cookie: Option<String>| {
            let mut req = b.client.post(app.url("/households/1/edit")).form(&fields);
            if let Some(c) = cookie {
                req = req.header("cookie", c);
            }
            async move { req.send().await.unwrap().status().as_u16() }
        };
        // The token from before signing in no longer fits.
        assert_eq!(post(&b, edit(before.clone()), None).await, 403);
        // An attacker who plants a CSRF cookie of their own (a sibling subdomain, plain HTTP)
        // and submits its value is refused: the token is the session's, not the cookie's.
        let (_, session) = app.browser_login_with_session("committee").await;
        let planted = "0123456789abcdef0123456789abcdef".to_string();
        let bare = Browser { client: reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap(), base: app.base.clone() };
        let cookie = format!("linli_session={session}; linli_csrf={planted}");
        assert_eq!(post(&bare, edit(planted.clone()), Some(cookie.clone())).await, 403);
        // Another session's token does not fit either.
        assert_eq!(post(&bare, edit(after.clone()), Some(cookie)).await, 403);
        // The cookie API the same: X-CSRF-Token must be the session's.
        let res = bare
            .client
            .patch(app.url("/api/v1/households/1"))
            .header("cookie", format!("linli_session={session}; linli_csrf={planted}"))
            .header("x-csrf-token", planted)
            .json(&json!({"version": 1, "area": "66.66"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403);
        // The session's own token goes through.
        assert_eq!(post(&b, edit(after), None).await, 303);
    }
);
