//! Volunteer stations and their rota through the API and the pages, on SQLite and PostgreSQL:
//! sign-up (double booking and a full shift refused), swaps asked and accepted (or done by a
//! manager), check-in on the day, hours per person and per unit and the hint on the rating
//! sheet, a resident who may not run a station, bad input named by field with nothing written.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use crate::common::rating as rating_kit;

use common::{TestApp, assert_api_error};
use reqwest::Method;
use serde_json::{Value, json};
use time::{Date, Duration, Weekday as W};

/// The first `weekday` at least `days` ahead of `from`.
fn next(from: Date, days: i64, weekday: W) -> Date {
    let mut d = from + Duration::days(days);
    while d.weekday() != weekday {
        d += Duration::days(1);
    }
    d
}

/// The first Tuesday at least two days ahead on the server's clock: no demo turn falls on a
/// Tuesday.
fn next_tuesday(app: &TestApp) -> Date {
    next(app.today(), 2, W::Tuesday)
}

fn month_of(d: Date) -> String {
    format!("{}-{:02}", d.year(), u8::from(d.month()))
}

async fn station(app: &TestApp, token: &str, compound: i64, name: &str) -> i64 {
    let (s, v) = app
        .api(
            token,
            Method::POST,
            &format!("/compounds/{compound}/volunteer-stations"),
            Some(json!({"name": name, "place": "3栋楼下"})),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    v["id"].as_i64().unwrap()
}

async fn shift(
    app: &TestApp,
    token: &str,
    station: i64,
    weekday: u8,
    start: &str,
    end: &str,
    capacity: u32,
) -> i64 {
    let body = json!({"weekday": weekday.to_string(), "start": start, "end": end, "capacity": capacity.to_string()});
    let (s, v) = app
        .api(
            token,
            Method::POST,
            &format!("/volunteer-stations/{station}/shifts"),
            Some(body),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    v["id"].as_i64().unwrap()
}

async fn take(app: &TestApp, token: &str, station: i64, shift: i64, day: &str) -> (u16, Value) {
    app.api(
        token,
        Method::POST,
        &format!("/volunteer-stations/{station}/signups"),
        Some(json!({"shift_id": shift, "day": day})),
    )
    .await
}

/// Who is on a shift on a day, by the station's rota.
async fn on_duty(app: &TestApp, token: &str, station: i64, shift: i64, day: &str) -> Vec<String> {
    let month = &day[..7];
    let (s, r) = app
        .api(
            token,
            Method::GET,
            &format!("/volunteer-stations/{station}?month={month}"),
            None,
        )
        .await;
    assert_eq!(s, 200, "{r}");
    let mut names = Vec::new();
    for week in r["weeks"].as_array().unwrap() {
        for cell in week.as_array().unwrap().iter().filter(|c| !c.is_null()) {
            for slot in cell["slots"].as_array().unwrap() {
                if slot["shift_id"] == shift && slot["day"] == day {
                    names.extend(
                        slot["people"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|p| p["name"].as_str().unwrap().to_string()),
                    );
                }
            }
        }
    }
    names
}

/// (minutes of a person by name, minutes of a unit by id, minutes without a unit) this month.
async fn hours(
    app: &TestApp,
    token: &str,
    compound: i64,
    month: &str,
    person: &str,
    unit: i64,
) -> (u64, u64, u64) {
    let (s, h) = app
        .api(
            token,
            Method::GET,
            &format!("/compounds/{compound}/volunteer-hours?month={month}"),
            None,
        )
        .await;
    assert_eq!(s, 200, "{h}");
    let p = h["people"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == person)
        .map(|p| p["minutes"].as_u64().unwrap())
        .unwrap_or(0);
    let u = h["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit_id"] == unit)
        .map(|u| u["minutes"].as_u64().unwrap())
        .unwrap_or(0);
    (p, u, h["no_unit"].as_u64().unwrap())
}

both_backends! {
    async fn volunteers_sign_up_swap_and_double_booking_and_full_shifts_are_refused(app) {
        let c = app.persona_place("committee");
        let committee = app.token("committee").await;
        let volunteer = app.token("volunteer").await;
        let unithead = app.token("unithead").await;
        let resident = app.token("resident").await;
        let s = station(&app, &committee, c, "东门志愿岗").await;
        let morning = shift(&app, &committee, s, 2, "09:00", "12:00", 1).await;
        let midday = shift(&app, &committee, s, 2, "11:00", "13:00", 2).await;
        let afternoon = shift(&app, &committee, s, 2, "12:00", "16:00", 2).await;
        let d = next_tuesday(&app);
        let day = d.to_string();
        let audit = app.audit_count().await;

        let (st, t) = take(&app, &volunteer, s, morning, &day).await;
        assert_eq!(st, 201, "{t}");
        let mine = t["signup_id"].as_i64().unwrap();
        assert_eq!(app.audit_count().await, audit + 1, "the sign-up is audited");
        // The same person at an overlapping time: refused, naming the clash.
        let (st, e) = take(&app, &volunteer, s, midday, &day).await;
        assert_api_error(st, &e, 422, "double_booked", Some("shift"));
        assert!(e["message"].as_str().unwrap().contains("09:00–12:00"), "{e}");
        // Touching at the edge is fine: 09–12 and 12–16.
        let (st, t2) = take(&app, &volunteer, s, afternoon, &day).await;
        assert_eq!(st, 201, "{t2}");
        let (st, _) = app.api(&volunteer, Method::POST, &format!("/volunteer-signups/{}/leave", t2["signup_id"]), None).await;
        assert_eq!(st, 204);
        // The morning takes one person: the unit head finds it full.
        let (st, e) = take(&app, &unithead, s, morning, &day).await;
        assert_api_error(st, &e, 422, "shift_full", Some("shift"));
        let (st, theirs) = take(&app, &unithead, s, afternoon, &day).await;
        assert_eq!(st, 201, "{theirs}");
        let theirs = theirs["signup_id"].as_i64().unwrap();
        // A day that is not the shift's weekday, a day past, a resident.
        let (st, e) = take(&app, &volunteer, s, morning, &(d + Duration::days(1)).to_string()).await;
        assert_api_error(st, &e, 422, "bad_choice", Some("day"));
        let (st, e) = take(&app, &volunteer, s, morning, &(d - Duration::days(14)).to_string()).await;
        assert_api_error(st, &e, 422, "shift_started", Some("shift"));
        let (st, e) = take(&app, &resident, s, afternoon, &day).await;
        assert_api_error(st, &e, 403, "forbidden", None);
        let before = app.sql_i64("SELECT COUNT(*) FROM volunteer_signup WHERE status = 'active'").await;

        // A swap: asked by the volunteer, accepted only by the other.
        let (st, w) = app.api(&volunteer, Method::POST, &format!("/volunteer-signups/{mine}/swaps"), Some(json!({"with_signup_id": theirs}))).await;
        assert_eq!((st, w["status"].as_str()), (201, Some("proposed")), "{w}");
        let swap = w["id"].as_i64().unwrap();
        for (who, token) in [("requester", &volunteer), ("resident", &resident)] {
            let (st, e) = app.api(token, Method::POST, &format!("/volunteer-swaps/{swap}"), Some(json!({"step": "accept"}))).await;
            assert_api_error(st, &e, 422, "not_your_shift", Some("swap"));
            assert_eq!(on_duty(&app, &committee, s, morning, &day).await, ["志愿者 吴"], "{who} changed nothing");
        }
        let (st, w) = app.api(&unithead, Method::POST, &format!("/volunteer-swaps/{swap}"), Some(json!({"step": "accept"}))).await;
        assert_eq!((st, w["status"].as_str()), (200, Some("done")), "{w}");
        assert_eq!(on_duty(&app, &committee, s, morning, &day).await, ["单元长 赵阿姨"]);
        assert_eq!(on_duty(&app, &committee, s, afternoon, &day).await, ["志愿者 吴"]);
        let (st, e) = app.api(&unithead, Method::POST, &format!("/volunteer-swaps/{swap}"), Some(json!({"step": "accept"}))).await;
        assert_api_error(st, &e, 422, "swap_closed", Some("swap"));
        // A swap that would put someone in two places at once is refused: a week later the
        // volunteer has 11–13, the unit head 09–12 and 12–16; giving the unit head 11–13 for
        // their 12–16 would clash with their 09–12.
        let d7 = (d + Duration::days(7)).to_string();
        let (_, x) = take(&app, &volunteer, s, midday, &d7).await;
        let (st, _) = take(&app, &unithead, s, morning, &d7).await;
        assert_eq!(st, 201);
        let (_, y) = take(&app, &unithead, s, afternoon, &d7).await;
        let (st, e) = app.api(&volunteer, Method::POST, &format!("/volunteer-signups/{}/swaps", x["signup_id"]), Some(json!({"with_signup_id": y["signup_id"]}))).await;
        assert_api_error(st, &e, 422, "double_booked", Some("with_signup_id"));
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM volunteer_swap").await, 1, "no request written");
        // Someone who runs the station exchanges two turns at once.
        let (st, w) = app.api(&committee, Method::POST, &format!("/volunteer-signups/{mine}/swaps"), Some(json!({"with_signup_id": theirs}))).await;
        assert_eq!((st, w["status"].as_str()), (201, Some("done")), "{w}");
        assert_eq!(on_duty(&app, &committee, s, morning, &day).await, ["志愿者 吴"]);
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM volunteer_signup WHERE status = 'active'").await, before + 3, "a swap moves people, not turns");

        // Not the day: no check-in.
        let (st, e) = app.api(&volunteer, Method::POST, &format!("/volunteer-signups/{mine}/checkin"), None).await;
        assert_api_error(st, &e, 422, "checkin_not_today", Some("signup"));
        // Someone else's turn: no check-in either.
        let (st, e) = app.api(&unithead, Method::POST, &format!("/volunteer-signups/{mine}/checkin"), None).await;
        assert_api_error(st, &e, 422, "not_your_shift", Some("signup"));
    }

    async fn a_turn_checked_in_on_the_day_earns_its_minutes_for_the_person_and_the_unit(app) {
        let c = app.persona_place("committee");
        let committee = app.token("committee").await;
        let volunteer = app.token("volunteer").await;
        let unithead = app.token("unithead").await;
        let home = app.persona_place("unithead");
        // The clock moves to a Tuesday at 14:00 two months or more ahead: a month in which the
        // demo has no turns, so the unit's hours are exactly what this test adds.
        let today = next(app.today(), 60, W::Tuesday);
        app.clock().set(today.with_hms(14, 0, 0).unwrap().assume_offset(time::macros::offset!(+8)).unix_timestamp());
        assert_eq!(app.today(), today);
        let month = month_of(today);
        let before_v = hours(&app, &committee, c, &month, "志愿者 吴", home).await;
        let before_u = hours(&app, &committee, c, &month, "单元长 赵阿姨", home).await;
        let s = station(&app, &committee, c, "夜间巡逻").await;
        // A turn starting ten minutes from now, thirty minutes long: check-in is open already.
        {
            let sh = shift(&app, &committee, s, 2, "14:10", "14:40", 2).await;
            let (st, a) = take(&app, &volunteer, s, sh, &today.to_string()).await;
            assert_eq!(st, 201, "{a}");
            let (st, b) = take(&app, &unithead, s, sh, &today.to_string()).await;
            assert_eq!(st, 201, "{b}");
            let audit = app.audit_count().await;
            for (token, t) in [(&volunteer, &a), (&unithead, &b)] {
                let (st, v) = app.api(token, Method::POST, &format!("/volunteer-signups/{}/checkin", t["signup_id"]), None).await;
                assert_eq!((st, &v["checked_in"]), (200, &Value::Bool(true)), "{v}");
            }
            // A second check-in changes nothing.
            let (st, _) = app.api(&volunteer, Method::POST, &format!("/volunteer-signups/{}/checkin", a["signup_id"]), None).await;
            assert_eq!(st, 200);
            assert_eq!(app.audit_count().await, audit + 2);
            let after_v = hours(&app, &committee, c, &month, "志愿者 吴", home).await;
            let after_u = hours(&app, &committee, c, &month, "单元长 赵阿姨", home).await;
            assert_eq!(after_v.0, before_v.0 + 30, "the volunteer's minutes");
            assert_eq!(after_v.2, before_v.2 + 30, "the volunteer lives elsewhere: no unit");
            assert_eq!(after_u.0, before_u.0 + 30, "the unit head's minutes");
            assert_eq!(after_u.1, before_u.1 + 30, "…count for their unit");
        }
        // A turn signed up but not checked in earns nothing.
        let later = shift(&app, &committee, s, 2, "20:00", "22:00", 2).await;
        let (st, _) = take(&app, &unithead, s, later, &next_tuesday(&app).to_string()).await;
        assert_eq!(st, 201);
        let (_, unit_now, _) = hours(&app, &committee, c, &month_of(next_tuesday(&app)), "单元长 赵阿姨", home).await;
        let expected = app
            .sql_i64(&format!(
                "SELECT COALESCE(SUM(k.minutes), 0) FROM volunteer_checkin k JOIN volunteer_signup s ON s.id = k.signup_id WHERE s.unit_id = {home} AND s.status = 'active' AND s.on_day LIKE '{}%'",
                month_of(next_tuesday(&app))
            ))
            .await;
        assert_eq!(unit_now as i64, expected, "the unit's hours are exactly its checked-in minutes");

        // The rating sheet of the unit shows the hours to the scorer.
        rating_kit::adopt_preset(&app, &committee, c, &month).await;
        rating_kit::seat_panel(&app, &committee, c).await;
        let m = rating_kit::open_month(&app, &committee, c, &month).await;
        let worker = app.browser_login("worker").await;
        let (st, sheet) = worker.get(&format!("/rating/months/{}/score/{home}", m["id"])).await;
        assert_eq!(st, 200);
        let (_, unit_minutes, _) = hours(&app, &committee, c, &month, "", home).await;
        assert_eq!(unit_minutes, 30, "the unit head's one turn this month");
        let hint = sheet.find("id=\"volunteer-hours\"").expect("the hint on the sheet");
        assert!(sheet[hint..].contains("<strong>30 分</strong>"), "30 分 in {}", &sheet[hint..hint + 300]);
    }

    async fn a_resident_may_not_run_a_station_and_bad_shifts_name_their_fields(app) {
        let c = app.persona_place("committee");
        let committee = app.token("committee").await;
        let resident = app.token("resident").await;
        let volunteer = app.token("volunteer").await;
        let (st, list) = app.api(&resident, Method::GET, &format!("/compounds/{c}/volunteer-stations"), None).await;
        assert_eq!(st, 200, "residents see the stations: {list}");
        let demo = list["stations"][0]["id"].as_i64().expect("the demo station of 纹江花园");
        assert_eq!(list["can_manage"], false);
        let shifts = app.sql_i64("SELECT COUNT(*) FROM volunteer_shift").await;
        let stations = app.sql_i64("SELECT COUNT(*) FROM volunteer_station").await;
        let audit = app.audit_count().await;
        for token in [&resident, &volunteer] {
            let (st, e) = app.api(token, Method::POST, &format!("/compounds/{c}/volunteer-stations"), Some(json!({"name": "x"}))).await;
            assert_api_error(st, &e, 403, "forbidden", None);
            let (st, e) = app.api(token, Method::POST, &format!("/volunteer-stations/{demo}/shifts"), Some(json!({"weekday": "1", "start": "08:00", "end": "09:00", "capacity": "1"}))).await;
            assert_api_error(st, &e, 403, "forbidden", None);
        }
        let first_shift = list["stations"][0]["shifts"][0]["id"].as_i64().unwrap();
        let (st, e) = app.api(&resident, Method::POST, &format!("/volunteer-shifts/{first_shift}/retire"), None).await;
        assert_api_error(st, &e, 403, "forbidden", None);
        // Every bad field at once, in the user's language.
        let (st, e) = app.api(&committee, Method::POST, &format!("/volunteer-stations/{demo}/shifts"), Some(json!({"weekday": "8", "start": "25:00", "end": "", "capacity": "0"}))).await;
        assert_eq!(st, 422, "{e}");
        let fields: Vec<&str> = e["errors"].as_array().unwrap().iter().map(|x| x["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["weekday", "start", "end", "capacity"], "{e}");
        let (st, e) = app.api_en(&committee, Method::POST, &format!("/volunteer-stations/{demo}/shifts"), Some(json!({"weekday": "3", "start": "12:00", "end": "09:00", "capacity": "2"}))).await;
        assert_api_error(st, &e, 422, "end_before_start", Some("end"));
        assert_eq!(e["message"], "End must be after the start");
        let (st, e) = app.api(&committee, Method::POST, &format!("/compounds/{c}/volunteer-stations"), Some(json!({"name": "  "}))).await;
        assert_api_error(st, &e, 422, "required", Some("name"));
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM volunteer_shift").await, shifts, "nothing written");
        assert_eq!(app.sql_i64("SELECT COUNT(*) FROM volunteer_station").await, stations);
        assert_eq!(app.audit_count().await, audit);
        // Someone from the city may see; an unknown station is not found.
        let (st, _) = app.api(&committee, Method::GET, "/volunteer-stations/999999", None).await;
        assert_eq!(st, 404);
    }

    async fn the_pages_run_the_rota_from_a_phone_and_print_it(app) {
        let c = app.persona_place("committee");
        let compound_page = app.browser_login("volunteer").await;
        let (st, page) = compound_page.get(&format!("/compounds/{c}")).await;
        assert_eq!(st, 200);
        assert!(page.contains(&format!("/compounds/{c}/volunteers")), "linked from the compound page");
        let b = compound_page;
        let (st, list) = b.get(&format!("/compounds/{c}/volunteers")).await;
        assert_eq!(st, 200);
        assert!(list.contains("纹江花园志愿服务站"));
        assert!(!list.contains("id=\"new-station\""), "a volunteer does not open stations");
        let committee = app.token("committee").await;
        let (_, stations) = app.api(&committee, Method::GET, &format!("/compounds/{c}/volunteer-stations"), None).await;
        let s = stations["stations"][0]["id"].as_i64().unwrap();
        let wed = stations["stations"][0]["shifts"].as_array().unwrap().iter().find(|x| x["weekday"] == 3).expect("the Wednesday shift")["id"].as_i64().unwrap();
        // The next Wednesday at least two days ahead, in the month shown.
        let d = next(app.today(), 2, W::Wednesday);
        let month = month_of(d);
        let station_page = format!("/volunteer-stations/{s}?month={month}");
        let (st, page) = b.get(&station_page).await;
        assert_eq!(st, 200);
        assert!(page.contains("志愿者 吴"), "the demo turns are on the calendar");
        let (st, _, to) = b.submit(&station_page, &format!("/volunteer-stations/{s}/signups"), &[("month", &month), ("shift_id", &wed.to_string()), ("day", &d.to_string())]).await;
        assert_eq!((st, to.as_deref()), (303, Some(format!("/volunteer-stations/{s}?month={month}").as_str())));
        let (_, page) = b.get(&station_page).await;
        assert!(page.contains("id=\"my-turns\""), "my turns with their buttons");
        // Taking it again: the page comes back with the reason.
        let (st, body, _) = b.submit(&station_page, &format!("/volunteer-stations/{s}/signups"), &[("station", &s.to_string()), ("month", &month), ("shift_id", &wed.to_string()), ("day", &d.to_string())]).await;
        assert_eq!(st, 422);
        assert!(body.contains("时间重叠"), "double booking explained");
        // The printable rota and the hours download.
        let (st, print) = b.get(&format!("/volunteer-stations/{s}/print?month={month}")).await;
        assert_eq!(st, 200);
        assert!(print.contains("志愿者 吴") && print.contains("data-print"));
        let res = b.client.get(format!("{}/compounds/{c}/volunteer-hours?month={month}&format=xlsx", b.base)).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert!(res.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"));
        assert!(res.bytes().await.unwrap().starts_with(b"PK"));
    }

    async fn the_last_place_goes_to_one_person_even_from_two_servers(app) {
        let c = app.persona_place("committee");
        let committee = app.token("committee").await;
        let s = station(&app, &committee, c, "单人岗").await;
        let sh = shift(&app, &committee, s, 2, "07:00", "08:00", 1).await;
        let day = next_tuesday(&app).to_string();
        let second = app.second_instance().await;
        let mut t = Vec::new();
        for login in ["volunteer", "unithead", "buildinghead", "committee", "worker"] {
            t.push(app.token(login).await);
        }
        // Five people tap at once, on two servers sharing the database.
        let (a, b, c2, d, e) = tokio::join!(
            take(&app, &t[0], s, sh, &day),
            take(&second, &t[1], s, sh, &day),
            take(&app, &t[2], s, sh, &day),
            take(&second, &t[3], s, sh, &day),
            take(&app, &t[4], s, sh, &day),
        );
        let all = [a, b, c2, d, e];
        let won = all.iter().filter(|(st, _)| *st == 201).count();
        assert_eq!(won, 1, "exactly one gets the place: {all:?}");
        for (st, body) in all.iter().filter(|(st, _)| *st != 201) {
            assert_api_error(*st, body, 422, "shift_full", Some("shift"));
        }
        assert_eq!(app.sql_i64(&format!("SELECT COUNT(*) FROM volunteer_signup WHERE shift_id = {sh} AND status = 'active'")).await, 1);
        // A unit's hours by the API: this month, the unit head's unit.
        let home = app.persona_place("unithead");
        let (st, u) = app.api(&committee, Method::GET, &format!("/units/{home}/volunteer-hours?month={}", month_of(app.today())), None).await;
        assert_eq!(st, 200, "{u}");
        let (_, by_unit, _) = hours(&app, &committee, c, &month_of(app.today()), "", home).await;
        assert_eq!(u["minutes"].as_u64().unwrap(), by_unit);
        let (st, e) = app.api(&committee, Method::GET, &format!("/units/{home}/volunteer-hours?month=2026-13"), None).await;
        assert_api_error(st, &e, 422, "bad_month", Some("month"));
    }
}
