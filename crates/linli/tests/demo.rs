//! The demo tells the articles' stories, on SQLite and PostgreSQL: loading it writes the
//! votes, knocks, meetings, elections and rating months through the services, the same
//! numbers every time, and each persona finds something waiting.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

both_backends! {
    @spawn spawn_demo;
    async fn the_demo_holds_the_stories_of_the_articles(app) {
        let counts = [
            ("proposals", "SELECT COUNT(*) FROM proposal"),
            ("passed", "SELECT COUNT(*) FROM proposal WHERE stage = 'passed'"),
            ("voting", "SELECT COUNT(*) FROM proposal WHERE stage = 'voting'"),
            ("deliberation", "SELECT COUNT(*) FROM proposal WHERE stage = 'deliberation'"),
            ("ballots", "SELECT COUNT(*) FROM ballot"),
            ("online", "SELECT COUNT(*) FROM ballot WHERE method = 'online'"),
            ("assisted", "SELECT COUNT(*) FROM ballot WHERE method = 'assisted'"),
            ("proxy", "SELECT COUNT(*) FROM ballot WHERE method = 'proxy'"),
            ("remote", "SELECT COUNT(*) FROM ballot WHERE method = 'remote'"),
            ("paper", "SELECT COUNT(*) FROM ballot WHERE method = 'paper'"),
            ("changed", "SELECT COUNT(*) FROM ballot WHERE revision > 1"),
            ("meetings", "SELECT COUNT(*) FROM meeting"),
            ("elections", "SELECT COUNT(*) FROM election"),
            ("election ballots", "SELECT COUNT(*) FROM election_ballot"),
            ("knock visits", "SELECT COUNT(*) FROM knock_visit"),
            ("comments", "SELECT COUNT(*) FROM proposal_comment"),
            ("official answers", "SELECT COUNT(*) FROM proposal_comment WHERE official"),
            ("rubrics", "SELECT COUNT(*) FROM rating_rubric WHERE proposal_id IS NOT NULL"),
            ("scorers", "SELECT COUNT(*) FROM rating_panel"),
            ("closed months", "SELECT COUNT(*) FROM rating_month WHERE status = 'closed'"),
            ("open months", "SELECT COUNT(*) FROM rating_month WHERE status = 'open'"),
            ("sheets", "SELECT COUNT(*) FROM rating_sheet"),
            ("vetoes", "SELECT COUNT(*) FROM rating_mark WHERE item_code = 'flying_lead'"),
            ("appeals", "SELECT COUNT(*) FROM rating_appeal"),
        ];
        for (what, sql) in counts {
            println!("{what}: {}", app.sql_i64(sql).await);
        }
        panic!("show");
    }
}
