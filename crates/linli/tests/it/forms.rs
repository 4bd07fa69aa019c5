//! Forms that re-show themselves: a refused form comes back as the same page, with its
//! header, the errors in a summary and at their fields in the reader's language, and what
//! was typed still in it. Households are named by their room, as people say it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use common::{TestApp, assert_api_error};
use reqwest::Method;
use serde_json::json;

/// A proposal of the owner's unit in deliberation: (proposal, unit, compound).
pub(crate) async fn in_deliberation(app: &TestApp, title: &str) -> (i64, i64, i64) {
    let owner = app.token("owner").await;
    let home = app.persona_place("owner");
    let h = app.household_json(&owner, home).await;
    let unit = h["household"]["unit_id"].as_i64().unwrap();
    let compound = h["household"]["compound_id"].as_i64().unwrap();
    let (s, p) = app
        .api(
            &owner,
            Method::POST,
            &format!("/compounds/{compound}/proposals"),
            Some(
                json!({"scope": "unit", "scope_id": unit, "title": title, "matter": "alteration"}),
            ),
        )
        .await;
    assert_eq!(s, 201, "{p}");
    let id = p["id"].as_i64().unwrap();
    let (s, p) = app
        .api(
            &owner,
            Method::POST,
            &format!("/proposals/{id}/stage"),
            Some(json!({"action": "submit"})),
        )
        .await;
    assert_eq!(s, 200, "{p}");
    (id, unit, compound)
}

both_backends! {
    async fn a_past_deadline_reshows_the_proposal_page_with_the_message_at_the_field(app) {
        let (id, _, _) = in_deliberation(&app, "单元门禁改造").await;
        let b = app.browser_login("committee").await;
        let page = format!("/proposals/{id}");
        let yesterday = app.today().previous_day().unwrap().to_string();
        let (s, html, _) = b.submit(&page, &format!("{page}/open"), &[("deadline", &yesterday)]).await;
        assert_eq!(s, 422, "{html}");
        // The same page, in its frame: header, title, the summary at the top.
        assert!(html.contains(r#"<header class="top">"#), "{html}");
        assert!(html.contains("<h1>单元门禁改造</h1>"), "{html}");
        assert!(html.contains(r#"<div class="errors" role="alert">"#), "{html}");
        // The message says what would be right, in words, beside the field that holds what
        // was typed; no field name in English, no date-format message.
        assert!(
            html.contains(&format!(r#"name="deadline" type="date" value="{yesterday}" aria-invalid="true" aria-describedby="deadline-error""#)),
            "{html}"
        );
        assert!(html.contains(r#"<small id="deadline-error" class="field-error">截止日期不能早于今天</small>"#), "{html}");
        assert!(!html.contains("deadline："), "{html}");
        assert!(!html.contains("2024-05-01"), "{html}");
        // Nothing changed.
        let (_, p) = app.api(&app.token("committee").await, Method::GET, &format!("/proposals/{id}"), None).await;
        assert_eq!(p["stage"], "deliberation");
    }

    async fn closing_without_the_tick_and_an_empty_objection_come_back_on_the_page(app) {
        let (id, _, _) = in_deliberation(&app, "楼道照明").await;
        let b = app.browser_login("committee").await;
        let page = format!("/proposals/{id}");
        // An objection without its text keeps the concern chosen and says what is missing.
        let home = app.store.room_label(app.persona_place("owner")).await.unwrap();
        let (s, html, _) = b
            .submit(&page, &format!("{page}/objections"), &[("room", &home), ("concern", "noise"), ("body", "")])
            .await;
        assert_eq!(s, 422, "{html}");
        assert!(html.contains(r#"<details open><summary>"#), "the objection form is open: {html}");
        assert!(html.contains(r#"<option value="noise" selected>"#), "{html}");
        assert!(html.contains(r#"id="body-error""#), "{html}");
        // Opening, then closing without the tick.
        let tomorrow = app.today().next_day().unwrap().to_string();
        let (s, _, _) = b.submit(&page, &format!("{page}/open"), &[("deadline", &tomorrow), ("confirm_ownerless", "true")]).await;
        assert_eq!(s, 303);
        let (s, html, _) = b.submit(&page, &format!("{page}/close"), &[]).await;
        assert_eq!(s, 422, "{html}");
        assert!(html.contains(r#"<small id="confirm-error" class="field-error">请先勾选确认，再继续</small>"#), "{html}");
        assert!(html.contains("确认结束投票：请先勾选确认，再继续"), "the summary names the box: {html}");
    }

    async fn a_wrong_invite_code_reshows_the_claim_form_with_the_code_kept(app) {
        let b = app.browser_login("owner").await;
        let (s, html, _) = b.submit("/claim", "/claim", &[("code", "ZZZZ-9999")]).await;
        assert_eq!(s, 422, "{html}");
        assert!(html.contains(r#"<header class="top">"#), "{html}");
        assert!(html.contains(r#"value="ZZZZ-9999""#), "{html}");
        assert!(html.contains(r#"<small id="code-error" class="field-error">邀请码不对或已被使用</small>"#), "{html}");
    }

    async fn a_json_type_error_names_its_member_by_its_path(app) {
        let (id, unit, compound) = in_deliberation(&app, "外墙保温").await;
        let committee = app.token("committee").await;
        // A member of a type the feature expects: named as the API calls it.
        let (s, e) = app
            .api(&committee, Method::POST, &format!("/proposals/{id}/voting"), Some(json!({"deadline": 20261231})))
            .await;
        assert_api_error(s, &e, 422, "bad_choice", Some("deadline"));
        // A missing one, and one deep inside the body, by their paths.
        let (s, e) = app.api(&committee, Method::POST, &format!("/proposals/{id}/voting"), Some(json!({}))).await;
        assert_api_error(s, &e, 422, "required", Some("deadline"));
        let rule = json!({"thresholds": [{"measure": "headcount", "count": "yes", "of": "all", "fraction": {"num": "two", "den": 3}, "strict": false}], "requires_affected_consent": false, "no_unresolved_objection": true, "notice_days": 15});
        let (s, e) = app
            .api(
                &committee,
                Method::POST,
                &format!("/compounds/{compound}/proposals"),
                Some(json!({"scope": "unit", "scope_id": unit, "title": "t", "matter": "alteration", "preset": "custom", "rule": rule})),
            )
            .await;
        assert_api_error(s, &e, 422, "bad_choice", Some("rule.thresholds[0].fraction.num"));
        assert!(e["message"].as_str().unwrap().starts_with("num"), "{e}");
    }

    async fn a_ballot_is_recorded_by_its_room_as_people_say_it(app) {
        let (id, unit, compound) = in_deliberation(&app, "加装电梯").await;
        let committee = app.token("committee").await;
        let tomorrow = app.today().next_day().unwrap().to_string();
        let (s, p) = app
            .api(&committee, Method::POST, &format!("/proposals/{id}/voting"), Some(json!({"deadline": tomorrow, "confirm_ownerless": true})))
            .await;
        assert_eq!(s, 200, "{p}");
        let flat = app.sql_i64(&format!("SELECT id FROM household WHERE unit_id = {unit} AND room = '101'")).await;
        assert_eq!(app.store.room_label(flat).await.unwrap(), "1栋1单元101");
        // The recorder types the room as it is said; no id anywhere on the form.
        let b = app.browser_login("committee").await;
        let form = format!("/proposals/{id}/record");
        let (_, html) = b.get(&form).await;
        assert!(html.contains(r#"name="room""#) && !html.contains(r#"<input id="household_id""#), "{html}");
        // Beside it, the flats of the vote to pick: grouped by building and unit, no id shown.
        assert!(html.contains(r#"<select id="household_id" name="household_id" data-room-picker"#), "{html}");
        assert!(html.contains(r#"<optgroup label="1栋1单元" data-building="1栋" data-unit="1单元">"#), "{html}");
        assert!(html.contains(&format!(r#"<option value="{flat}">101</option>"#)), "{html}");
        let csrf = common::csrf_of(&html);
        let fields = [("_csrf", csrf.as_str()), ("room", "1栋1单元101"), ("choice", "yes"), ("method", "remote"), ("witness", "王阿姨")];
        let (s, body, _) = b.post_multipart(&form, &fields, &[]).await;
        assert_eq!(s, 303, "{body}");
        let counted = format!(
            "SELECT COUNT(*) FROM ballot b JOIN elector_household eh ON eh.proposal_id = b.proposal_id AND eh.voter_key = b.voter_key \
             WHERE b.proposal_id = {id} AND eh.household_id = {flat}"
        );
        assert_eq!(app.sql_i64(&counted).await, 1);
        // Picked instead of typed: the next flat, by the picker alone.
        let next = app.sql_i64(&format!("SELECT id FROM household WHERE unit_id = {unit} AND room = '102'")).await;
        let fields = [("_csrf", csrf.as_str()), ("room", ""), ("household_id", &next.to_string()), ("choice", "no"), ("method", "remote"), ("witness", "王阿姨")];
        let (s, body, _) = b.post_multipart(&form, &fields, &[]).await;
        assert_eq!(s, 303, "{body}");
        let picked = counted.replace(&format!("household_id = {flat}"), &format!("household_id = {next}"));
        assert_eq!(app.sql_i64(&picked).await, 1, "the picked flat's ballot");
        // A room of no flat of the vote is refused at the field, what was typed kept.
        let fields = [("_csrf", csrf.as_str()), ("room", "9栋9单元909"), ("choice", "no"), ("method", "remote"), ("witness", "王阿姨")];
        let (s, body, _) = b.post_multipart(&form, &fields, &[]).await;
        assert_eq!(s, 422, "{body}");
        assert!(body.contains(r#"value="9栋9单元909""#), "{body}");
        assert!(body.contains(r#"<small id="room-error" class="field-error">找不到“9栋9单元909”：请写房号，例如 601、1栋1单元601 或 1-1-601</small>"#), "{body}");
        // Through the API, the room is accepted beside the id.
        let (s, e) = app
            .api(&committee, Method::POST, &format!("/proposals/{id}/objections"), Some(json!({"room": "1-1-101", "concern": "light", "body": "挡光"})))
            .await;
        assert_eq!(s, 201, "{e}");
        assert_eq!(app.sql_i64(&format!("SELECT household_id FROM objection WHERE proposal_id = {id}")).await, flat);
        let _ = compound;
    }

    async fn a_room_of_several_flats_lists_them_and_an_owner_names_only_her_own(app) {
        // A vote of the whole compound: "101" is in every unit.
        let committee = app.token("committee").await;
        let home = app.persona_place("owner");
        let owner = app.token("owner").await;
        let h = app.household_json(&owner, home).await;
        let compound = h["household"]["compound_id"].as_i64().unwrap();
        let (s, p) = app
            .api(&committee, Method::POST, &format!("/compounds/{compound}/proposals"), Some(json!({"scope": "compound", "scope_id": compound, "title": "小区大门改造", "matter": "other_major"})))
            .await;
        assert_eq!(s, 201, "{p}");
        let id = p["id"].as_i64().unwrap();
        let (s, _) = app.api(&committee, Method::POST, &format!("/proposals/{id}/stage"), Some(json!({"action": "submit"}))).await;
        assert_eq!(s, 200);
        let (s, e) = app
            .api(&committee, Method::POST, &format!("/proposals/{id}/objections"), Some(json!({"room": "101", "concern": "noise", "body": "吵"})))
            .await;
        assert_eq!((s, e["code"].as_str(), e["field"].as_str()), (422, Some("ambiguous_room"), Some("room")), "{e}");
        let message = e["message"].as_str().unwrap();
        assert!(message.starts_with("房号：“101”有几户：1栋1单元101、"), "{message}");
        assert!(message.ends_with("请写上楼栋和单元，例如 1栋1单元101"), "{message}");
        // The owner typing a room that is not hers hears so, with her own; never "not allowed".
        let mine = app.store.room_label(home).await.unwrap();
        let b = app.browser_login("owner").await;
        let page = format!("/proposals/{id}");
        let other = app
            .sql_i64(&format!("SELECT MIN(id) FROM household WHERE compound_id = {compound} AND room <> (SELECT room FROM household WHERE id = {home})"))
            .await;
        let other = app.store.room_label(other).await.unwrap();
        let (s, html, _) = b.submit(&page, &format!("{page}/objections"), &[("room", &other), ("concern", "light"), ("body", "挡光")]).await;
        assert_eq!(s, 422, "{html}");
        assert!(html.contains(&format!("“{other}”不是您的房屋：只能为自己的房屋填写，您的房屋是 {mine}")), "{html}");
        assert!(!html.contains("您没有权限"), "{html}");
        // Her own room, however she writes it, is hers.
        let short = mine.rsplit('元').next().unwrap().to_string();
        let (s, html, _) = b.submit(&page, &format!("{page}/objections"), &[("room", &short), ("concern", "light"), ("body", "挡光")]).await;
        assert_eq!(s, 303, "{html}");
        assert_eq!(app.sql_i64(&format!("SELECT household_id FROM objection WHERE proposal_id = {id}")).await, home);
    }

    async fn year_end_heads_are_named_by_their_rooms(app) {
        let home = app.persona_place("owner");
        let owner = app.token("owner").await;
        let compound = app.household_json(&owner, home).await["household"]["compound_id"].as_i64().unwrap();
        let b = app.browser_login("committee").await;
        let year = format!("/compounds/{compound}/rating/years/2026");
        let (s, html) = b.get(&format!("{year}?rooms=9%E6%A0%8B9%E5%8D%95%E5%85%83909")).await;
        assert_eq!(s, 422, "{html}");
        assert!(html.contains(r#"value="9栋9单元909""#), "{html}");
        assert!(html.contains(r#"<small id="rooms-error" class="field-error">找不到“9栋9单元909”"#), "{html}");
        let (s, html) = b.get(&format!("{year}?rooms=1-1-101")).await;
        assert_eq!(s, 200, "{html}");
        let flat = app.sql_i64(&format!("SELECT MIN(h.id) FROM household h JOIN unit u ON u.id = h.unit_id JOIN building b ON b.id = u.building_id WHERE h.compound_id = {compound} AND h.room = '101' AND b.name = '1栋' AND u.name = '1单元'")).await;
        assert!(html.contains(&format!(r#"<input type="hidden" name="heads" value="{flat}">"#)), "{html}");
        // A second head picked from the building → unit → room list joins the first.
        let second = app.sql_i64(&format!("SELECT MIN(id) FROM household WHERE compound_id = {compound} AND id <> {flat}")).await;
        assert!(html.contains(r#"<select id="head" name="head" data-room-picker"#), "{html}");
        let (s, html) = b.get(&format!("{year}?heads={flat}&head={second}")).await;
        assert_eq!(s, 200, "{html}");
        assert!(html.contains(&format!(r#"<input type="hidden" name="heads" value="{flat},{second}">"#)), "{html}");

        // The API takes the rooms too, beside ids, and says which households they named.
        let committee = app.token("committee").await;
        let (s, v) = app.api(&committee, Method::GET, &format!("/compounds/{compound}/rating/years/2026?heads={second}&rooms=1-1-101"), None).await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["named_heads"], json!([second, flat]), "{v}");
        let (s, e) = app.api(&committee, Method::GET, &format!("/compounds/{compound}/rating/years/2026?rooms=9-9-909"), None).await;
        assert_api_error(s, &e, 422, "no_such_room", Some("rooms"));
        let (s, _) = app.api(&committee, Method::GET, &format!("/compounds/{compound}/rating/years/2026/xlsx?rooms=1-1-101"), None).await;
        assert_eq!(s, 200);
    }

    async fn proposals_and_scorers_are_picked_by_name_not_typed(app) {
        let (id, _, compound) = in_deliberation(&app, "楼道扶手加装").await;
        let b = app.browser_login("committee").await;
        // Starting an elevator project: the vote is picked by its title.
        let (s, html) = b.get(&format!("/compounds/{compound}/elevators")).await;
        assert_eq!(s, 200);
        assert!(html.contains(r#"<select id="proposal_id" name="proposal_id">"#), "{html}");
        assert!(html.contains(&format!(r#"<option value="{id}">楼道扶手加装（"#)), "{html}");
        assert!(!html.contains(r#"<input id="proposal_id""#), "{html}");

        // Seating a scorer: people by name and role; the API lists them and takes the id.
        let committee = app.token("committee").await;
        let unithead = app.sql_i64("SELECT id FROM account WHERE username = 'unithead'").await;
        let (s, list) = app.api(&committee, Method::GET, &format!("/compounds/{compound}/rating/panel/choices"), None).await;
        assert_eq!(s, 200, "{list}");
        let label = list.as_array().unwrap().iter().find(|c| c["account_id"] == unithead).unwrap_or_else(|| panic!("{list}"))["label"].as_str().unwrap().to_string();
        let (_, html) = b.get(&format!("/compounds/{compound}/rating")).await;
        assert!(html.contains(&format!(r#"<option value="{unithead}">{label}</option>"#)), "{html}");
        assert!(!html.contains(r#"<input id="login""#), "{html}");
        let (s, _, _) = b.submit(&format!("/compounds/{compound}/rating"), &format!("/compounds/{compound}/rating/panel"), &[("account_id", &unithead.to_string()), ("party", "residents")]).await;
        assert_eq!(s, 303);
        let (s, panel) = app.api(&committee, Method::GET, &format!("/compounds/{compound}/rating/panel"), None).await;
        assert_eq!(s, 200);
        assert!(panel.as_array().unwrap().iter().any(|p| p["account_id"] == unithead), "{panel}");
        let (s, e) = app.api(&committee, Method::POST, &format!("/compounds/{compound}/rating/panel"), Some(json!({"account_id": 99_999_999, "party": "residents"}))).await;
        assert_api_error(s, &e, 422, "bad_choice", Some("account_id"));

        // An election's candidate is linked to an account by name, never by number.
        let (_, unit, _) = in_deliberation(&app, "占位").await;
        let (s, e) = app.api(&committee, Method::POST, &format!("/compounds/{compound}/elections"), Some(json!({"scope": "unit", "scope_id": unit, "title": "选举单元长", "seats": 3}))).await;
        assert_eq!(s, 201, "{e}");
        let election = e["proposal"]["id"].as_i64().unwrap();
        let (s, html) = b.get(&format!("/proposals/{election}/election")).await;
        assert_eq!(s, 200);
        assert!(html.contains(r#"<select id="account-id" name="account_id">"#), "{html}");
        assert!(html.contains(&format!(r#"<option value="{unithead}">{label}</option>"#)), "{html}");
        let (s, _, _) = b.submit(&format!("/proposals/{election}/election"), &format!("/proposals/{election}/candidates"), &[("nominated_by", "residents"), ("name", "单元长甲"), ("account_id", &unithead.to_string()), ("statement", "")]).await;
        assert_eq!(s, 303);
        assert_eq!(app.sql_i64(&format!("SELECT COUNT(*) FROM candidate WHERE proposal_id = {election} AND account_id = {unithead}")).await, 1);
    }

    // A recorded ballot with its evidence photo in the same form is one write: refused (a
    // room of no flat of the vote), it leaves no attachment row and no file on disk;
    // accepted, the ballot names the one file stored.
    async fn a_refused_recorded_ballot_leaves_no_evidence_file_behind(app) {
        let (id, unit, _) = in_deliberation(&app, "加装电梯").await;
        let committee = app.token("committee").await;
        let tomorrow = app.today().next_day().unwrap().to_string();
        let (s, p) = app
            .api(&committee, Method::POST, &format!("/proposals/{id}/voting"), Some(json!({"deadline": tomorrow, "confirm_ownerless": true})))
            .await;
        assert_eq!(s, 200, "{p}");
        let b = app.browser_login("committee").await;
        let form = format!("/proposals/{id}/record");
        let (_, html) = b.get(&form).await;
        let csrf = common::csrf_of(&html);
        let signed_form = signed_form_photo();
        let attachments = "SELECT COUNT(*) FROM attachment";
        let (rows, files) = (app.sql_i64(attachments).await, files_under(app.store.files_dir()));
        let fields = [("_csrf", csrf.as_str()), ("room", "9栋9单元909"), ("choice", "no"), ("method", "remote"), ("witness", "王阿姨")];
        let (s, body, _) = b.post_multipart(&form, &fields, &[("file", "signed.png", &signed_form)]).await;
        assert_eq!(s, 422, "{body}");
        assert!(body.contains("9栋9单元909"), "the form comes back");
        assert_eq!(app.sql_i64(attachments).await, rows, "no attachment row");
        assert_eq!(files_under(app.store.files_dir()), files, "no file on disk");
        let fields = [("_csrf", csrf.as_str()), ("room", "1栋1单元101"), ("choice", "no"), ("method", "remote"), ("witness", "王阿姨")];
        let (s, body, _) = b.post_multipart(&form, &fields, &[("file", "signed.png", &signed_form)]).await;
        assert_eq!(s, 303, "{body}");
        assert_eq!(app.sql_i64(attachments).await, rows + 1);
        assert_eq!(files_under(app.store.files_dir()), files + 2, "the photo and its thumbnail");
        let flat = app.sql_i64(&format!("SELECT id FROM household WHERE unit_id = {unit} AND room = '101'")).await;
        let evidence = app
            .sql_i64(&format!(
                "SELECT b.evidence_id FROM ballot b JOIN elector_household eh ON eh.proposal_id = b.proposal_id AND eh.voter_key = b.voter_key \
                 WHERE b.proposal_id = {id} AND eh.household_id = {flat}"
            ))
            .await;
        assert_eq!(evidence, app.sql_i64("SELECT MAX(id) FROM attachment").await);
    }

    async fn a_request_for_another_household_names_it_by_room_or_by_the_picker(app) {
        let w = crate::common::requests::world(&app).await;
        let leak = crate::common::requests::category(&app, &w.committee, "leak").await;
        let b = app.browser_login("committee").await;
        let form = format!("/compounds/{}/requests/new?category={leak}", w.compound);
        let (s, html) = b.get(&form).await;
        assert_eq!(s, 200);
        assert!(html.contains(r#"<input id="room" name="room""#) && !html.contains(r#"<input id="household_id""#), "{html}");
        let csrf = common::csrf_of(&html);
        let post = format!("/compounds/{}/requests/new", w.compound);
        let label = app.store.room_label(w.home).await.unwrap();
        let base = [("_csrf", csrf.as_str()), ("category_id", &leak.to_string()), ("place", "household"), ("description", "楼上漏水"), ("channel", "phone"), ("on_behalf_of", "李阿姨"), ("contact_phone", "13912345678")];
        // A room of no flat: the message at the room, what was typed kept.
        let mut fields = base.to_vec();
        fields.push(("room", "9栋9单元909"));
        let (s, body, _) = b.post_multipart(&post, &fields, &[]).await;
        assert_eq!(s, 422, "{body}");
        assert!(body.contains(r#"<small id="room-error" class="field-error">找不到“9栋9单元909”"#), "{body}");
        assert!(body.contains(r#"value="9栋9单元909""#), "{body}");
        // The room as people say it.
        let mut fields = base.to_vec();
        fields.push(("room", &label));
        let (s, body, _) = b.post_multipart(&post, &fields, &[]).await;
        assert_eq!(s, 303, "{body}");
        let last = "SELECT household_id FROM service_request ORDER BY id DESC LIMIT 1";
        assert_eq!(app.sql_i64(last).await, w.home);
        // Or picked.
        let other = app.sql_i64(&format!("SELECT MIN(id) FROM household WHERE compound_id = {} AND id <> {}", w.compound, w.home)).await;
        let mut fields = base.to_vec();
        let other_s = other.to_string();
        fields.push(("room", ""));
        fields.push(("household_id", &other_s));
        let (s, body, _) = b.post_multipart(&post, &fields, &[]).await;
        assert_eq!(s, 303, "{body}");
        assert_eq!(app.sql_i64(last).await, other);
    }

    async fn forms_once_summary_only_show_the_message_at_the_field(app) {
        // A new grid without a name: the message under the name, the input tied to it.
        let home = app.persona_place("owner");
        let owner = app.token("owner").await;
        let compound = app.household_json(&owner, home).await["household"]["compound_id"].as_i64().unwrap();
        let b = app.browser_login("committee").await;
        let grids = format!("/compounds/{compound}/grids");
        let (s, html, _) = b.submit(&grids, &grids, &[("name", " "), ("note", "")]).await;
        assert_eq!(s, 422, "{html}");
        assert!(html.contains(r#"<input id="name" name="name" aria-invalid="true" aria-describedby="name-error">"#), "{html}");
        assert!(html.contains(r#"<small id="name-error" class="field-error">"#), "{html}");

        // A password change with the wrong current password: the message at that field.
        let b = app.browser_login("owner").await;
        let (s, html, _) = b.submit("/account", "/account/password", &[("current_password", "not-my-password"), ("password", "a-long-new-secret-9")]).await;
        assert_eq!(s, 422, "{html}");
        assert!(html.contains(r#"aria-describedby="current_password-error""#), "{html}");
        assert!(html.contains(r#"<small id="current_password-error" class="field-error">"#), "{html}");
        assert!(!html.contains(r#"<small id="password-error""#), "{html}");
    }

    async fn forms_of_plans_shifts_and_notifications_show_the_message_at_the_field(app) {
        let c = app.persona_place("committee");

        // A plan item whose quantity is not a number: the message under the quantity.
        let b = app.browser_login("worker").await;
        let plan = format!("/compounds/{c}/plan");
        let (s, html, _) = b.submit(&plan, &plan, &[("problems", "照明不足"), ("responsible", "社区书记")]).await;
        assert_eq!(s, 303, "{html}");
        let (s, html, _) = b.submit(&plan, &format!("{plan}/items"), &[("kind", "lighting"), ("description", "路灯"), ("quantity", "很多")]).await;
        assert_eq!(s, 422, "{html}");
        assert!(html.contains(r#"<input id="quantity" name="quantity" inputmode="numeric" value="很多" aria-invalid="true" aria-describedby="quantity-error">"#), "{html}");
        assert!(html.contains(r#"<option value="lighting" selected>"#) && html.contains(r#"value="路灯""#), "what was typed is kept: {html}");
        assert!(html.contains(r#"<small id="quantity-error" class="field-error">不是数字</small>"#), "{html}");
        assert!(!html.contains(r#"<small id="description-error""#), "{html}");

        // A volunteer shift of "many" people: the message under the capacity.
        let committee = app.token("committee").await;
        let (_, list) = app.api(&committee, Method::GET, &format!("/compounds/{c}/volunteer-stations"), None).await;
        let station = list["stations"][0]["id"].as_i64().expect("the demo station");
        let b = app.browser_login("committee").await;
        let page = format!("/volunteer-stations/{station}");
        let (s, html, _) = b.submit(&page, &format!("{page}/shifts"), &[("month", ""), ("weekday", "1"), ("start", "08:00"), ("end", "09:00"), ("capacity", "很多")]).await;
        assert_eq!(s, 422, "{html}");
        assert!(html.contains(r#"name="capacity" inputmode="numeric" required value="很多" aria-invalid="true" aria-describedby="capacity-error">"#), "{html}");
        assert!(html.contains(r#"<small id="capacity-error" class="field-error">不是数字</small>"#), "{html}");
        assert!(html.contains(r#"<option value="1" selected>"#) && html.contains(r#"value="08:00""#), "what was typed is kept: {html}");

        // Notices by email without a usable address: the message under the address, as typed.
        let b = app.browser_login("owner").await;
        let (s, html, _) = b.submit("/account/notifications", "/account/notifications", &[("channel", "email"), ("email", "sun at example"), ("lang", "zh-CN")]).await;
        assert_eq!(s, 422, "{html}");
        assert!(html.contains(r#"value="sun at example" autocomplete="email" aria-invalid="true" aria-describedby="email-error">"#), "{html}");
        assert!(html.contains(r#"<small id="email-error" class="field-error">"#), "{html}");
    }

    async fn a_refused_step_of_a_request_shows_its_message_under_that_form_only(app) {
        let w = common::requests::world(&app).await;
        let leak = common::requests::category(&app, &w.owner, "leak").await;
        let (s, r) = app.api(&w.owner, Method::POST, &format!("/compounds/{}/requests", w.compound), Some(json!({"category_id": leak, "household_id": w.home, "description": "厨房天花板漏水"}))).await;
        assert_eq!(s, 201, "{r}");
        let id = r["id"].as_i64().unwrap();
        for step in ["take", "resolve"] {
            let (s, r) = app.api(&w.gw, Method::POST, &format!("/requests/{id}/steps"), Some(json!({"step": step}))).await;
            assert_eq!(s, 200, "{r}");
        }
        // Sent back with a note too long: the message under the note of the form sent back,
        // not under the rating's comment, and what was in the other forms left alone.
        let b = app.browser_login("owner").await;
        let page = format!("/requests/{id}");
        let long = "漏".repeat(501);
        let version = app.sql_i64(&format!("SELECT version FROM service_request WHERE id = {id}")).await.to_string();
        let (s, html, _) = b.submit(&page, &format!("{page}/step"), &[("version", &version), ("step", "reject"), ("note", &long)]).await;
        assert_eq!(s, 422, "{html}");
        assert!(html.contains(r#"<input id="reject-note" name="note" aria-invalid="true" aria-describedby="note-error">"#), "{html}");
        assert_eq!(html.matches(r#"<small id="note-error" class="field-error">"#).count(), 1, "{html}");
        assert!(html.contains(r#"<input id="comment" name="comment">"#), "{html}");
    }

    async fn the_person_to_merge_is_picked_by_name_from_the_same_compound(app) {
        let c = app.persona_place("committee");
        let owners = app.sql_pairs(&format!("SELECT o.person_id, o.household_id FROM ownership o JOIN household h ON h.id = o.household_id WHERE h.compound_id = {c} ORDER BY o.person_id, o.household_id")).await;
        let (kept, kept_flat) = owners[0];
        let (other, _) = *owners.iter().find(|(p, h)| *p != kept && *h != kept_flat && !owners.contains(&(kept, *h))).expect("another owner");
        let elsewhere = app.sql_i64(&format!("SELECT MIN(o.person_id) FROM ownership o JOIN household h ON h.id = o.household_id WHERE h.compound_id <> {c}")).await;
        let committee = app.token("committee").await;
        let (_, o) = app.api(&committee, Method::GET, &format!("/people/{other}"), None).await;
        let other_name = o["name"].as_str().unwrap().to_string();

        // The form lists the compound's people by name, never asks for a number.
        let b = app.browser_login("committee").await;
        let page = format!("/people/{kept}");
        let (s, html) = b.get(&page).await;
        assert_eq!(s, 200, "{html}");
        assert!(html.contains(r#"<select id="other_id" name="other_id" required><option value="">—</option>"#), "{html}");
        assert!(html.contains(&format!(r#"<option value="{other}">{other_name} · "#)), "{html}");
        assert!(!html.contains(&format!(r#"<option value="{kept}">"#)), "not the person itself: {html}");
        assert!(!html.contains(&format!(r#"<option value="{elsewhere}">"#)), "not another compound's: {html}");
        assert!(!html.contains(r#"inputmode="numeric" required"#), "{html}");

        // Nobody picked: the page again, the message at the list.
        let (s, html, _) = b.submit(&page, &format!("{page}/merge"), &[("other_id", "")]).await;
        assert_eq!(s, 422, "{html}");
        assert!(html.contains(r#"<select id="other_id" name="other_id" required aria-invalid="true" aria-describedby="other_id-error">"#), "{html}");
        assert!(html.contains(r#"<small id="other_id-error" class="field-error">"#), "{html}");

        // The one picked is merged.
        let (s, _, to) = b.submit(&page, &format!("{page}/merge"), &[("other_id", &other.to_string())]).await;
        assert_eq!(s, 303);
        assert_eq!(to.as_deref(), Some(page.as_str()));
        assert_eq!(app.sql_i64(&format!("SELECT merged_into FROM person WHERE id = {other}")).await, kept);
        let (_, html) = b.get(&page).await;
        assert!(!html.contains(&format!(r#"<option value="{other}">"#)), "a merged record is offered no more: {html}");
    }
}

/// A photo of a signed form, different in every test run's database (its bytes are its name
/// on disk).
fn signed_form_photo() -> Vec<u8> {
    let img = image::RgbImage::from_fn(64, 48, |x, y| {
        image::Rgb([(x * 4) as u8, (y * 5) as u8, 77])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

/// How many files are under the files directory.
fn files_under(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| {
                    if e.path().is_dir() {
                        files_under(&e.path())
                    } else {
                        1
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}
