//! The demo tells the articles' stories, on SQLite and PostgreSQL: loading it writes the
//! votes, knocks, meetings, elections and rating months through the services, the same
//! numbers every time, and each persona finds something waiting.
#![allow(clippy::unwrap_used, clippy::expect_used)]

both_backends! {
    @spawn spawn_demo;
    async fn the_demo_holds_the_stories_of_the_articles(app) {
        let counts = [
            ("proposals", 5, "SELECT COUNT(*) FROM proposal"),
            ("passed", 3, "SELECT COUNT(*) FROM proposal WHERE stage = 'passed'"),
            ("voting", 1, "SELECT COUNT(*) FROM proposal WHERE stage = 'voting'"),
            ("deliberation", 1, "SELECT COUNT(*) FROM proposal WHERE stage = 'deliberation'"),
            ("ballots", 253, "SELECT COUNT(*) FROM ballot"),
            ("online", 1, "SELECT COUNT(*) FROM ballot WHERE method = 'online'"),
            ("assisted", 5, "SELECT COUNT(*) FROM ballot WHERE method = 'assisted'"),
            ("proxy", 5, "SELECT COUNT(*) FROM ballot WHERE method = 'proxy'"),
            ("remote", 5, "SELECT COUNT(*) FROM ballot WHERE method = 'remote'"),
            ("paper", 237, "SELECT COUNT(*) FROM ballot WHERE method = 'paper'"),
            ("changed", 8, "SELECT COUNT(*) FROM ballot WHERE revision > 1"),
            ("meetings", 1, "SELECT COUNT(*) FROM meeting"),
            ("elections", 1, "SELECT COUNT(*) FROM election"),
            ("election ballots", 185, "SELECT COUNT(*) FROM election_ballot"),
            ("knock visits", 35, "SELECT COUNT(*) FROM knock_visit"),
            ("comments", 9, "SELECT COUNT(*) FROM proposal_comment"),
            ("official answers", 4, "SELECT COUNT(*) FROM proposal_comment WHERE official"),
            ("rubrics", 1, "SELECT COUNT(*) FROM rating_rubric WHERE proposal_id IS NOT NULL"),
            ("scorers", 4, "SELECT COUNT(*) FROM rating_panel"),
            ("closed months", 12, "SELECT COUNT(*) FROM rating_month WHERE status = 'closed'"),
            ("open months", 1, "SELECT COUNT(*) FROM rating_month WHERE status = 'open'"),
            ("sheets", 1178, "SELECT COUNT(*) FROM rating_sheet"),
            ("vetoes", 1, "SELECT COUNT(*) FROM rating_mark WHERE item_code = 'flying_lead'"),
            ("appeals", 1, "SELECT COUNT(*) FROM rating_appeal"),
        ];
        let mut found = Vec::new();
        for (what, _, sql) in counts {
            found.push((what, app.sql_i64(sql).await));
        }
        let expected: Vec<(&str, i64)> = counts.iter().map(|(w, n, _)| (*w, *n)).collect();
        assert_eq!(found, expected, "the demo's stories, counted");

        // Each persona of the featured compounds opens linli to something waiting for them.
        let mut idle = Vec::new();
        for login in ["owner", "committee", "buildinghead", "unithead", "grid", "ngproperty", "ngresident"] {
            let token = app.token(login).await;
            let (s, agenda) = app.api(&token, reqwest::Method::GET, "/me/agenda", None).await;
            assert_eq!(s, 200, "{login}: {agenda}");
            let waiting: usize = agenda.as_object().unwrap().values().filter_map(|v| v.as_array()).map(Vec::len).sum();
            if waiting == 0 {
                idle.push(login);
            }
        }
        assert!(idle.is_empty(), "nothing waits on the home page of {idle:?}");
        let owner = app.token("owner").await;
        let (_, agenda) = app.api(&owner, reqwest::Method::GET, "/me/agenda", None).await;
        assert_eq!(agenda["to_vote"].as_array().unwrap().len(), 1, "the open 1单元 vote: {agenda}");
    }
}
