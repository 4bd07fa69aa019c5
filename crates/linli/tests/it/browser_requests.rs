//! The browser test of service requests: on a phone, a resident reports a leak in
//! their home with a photo; the grid worker of their grid finds it in their queue, takes it and
//! resolves it; the resident rates it; the committee's figures page shows it resolved and
//! rated. Headless Chromium at phone size; screenshots under /tmp/linli-shots/request-*.png.
//! Needs `LINLI_WEBDRIVER_URL` and `LINLI_CHROME_BIN` (scripts/test sets both).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use crate::common::browser as kit;
use crate::common::requests as rq_kit;

use common::{Backend, TestApp};
use kit::*;
use thirtyfour::prelude::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resident_reports_a_leak_with_a_photo_the_grid_worker_resolves_it_and_the_figures_show_it()
 {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let app = &app;
    let w = rq_kit::world(app).await;
    let (compound, home) = (w.compound, w.home);
    let dir = app.scratch_dir();
    let photo = dir.0.join("leak.png");
    std::fs::write(&photo, rq_kit::PHOTO).unwrap();
    let photo = photo.display().to_string();
    Chromium::start()
        .await
        .run(|d| async move {
            // The resident: a big button per kind of problem, then the form.
            sign_in(&d, app, "owner", false).await?;
            d.goto(app.url("/requests")).await?;
            let report = d
                .query(By::Id("report"))
                .desc("the report button on my requests")
                .single()
                .await?;
            click_and_leave(&report).await?;
            shot(&d, "request-categories").await?;
            let leak = d
                .query(By::Css("#categories a"))
                .with_text(text("漏水渗水"))
                .desc("the leak button")
                .single()
                .await?;
            click_and_leave(&leak).await?;
            let mine = d
                .query(By::Css(format!("input[name='place'][value='home:{home}']")))
                .desc("my home as the place")
                .single()
                .await?;
            assert!(mine.is_selected().await?, "the resident's home is chosen");
            d.query(By::Id("description"))
                .single()
                .await?
                .send_keys("厨房天花板漏水，滴到灶台上")
                .await?;
            d.query(By::Id("photos"))
                .single()
                .await?
                .send_keys(&photo)
                .await?;
            shot(&d, "request-report").await?;
            let send = d
                .query(By::Id("send"))
                .desc("the send button")
                .single()
                .await?;
            click_and_leave(&send).await?;
            let url = d.current_url().await?;
            assert!(
                url.path().starts_with("/requests/"),
                "the request's page: {url}"
            );
            let path = url.path().to_string();
            d.query(By::Css("#photos + p img, p.chips img"))
                .desc("the photo on the request")
                .first()
                .await?;
            assert_eq!(
                d.query(By::Id("status")).single().await?.text().await?,
                "已派单"
            );
            assert_eq!(
                d.query(By::Id("assignee")).single().await?.text().await?,
                "网格员 小李"
            );
            shot(&d, "request-reported").await?;
            sign_out(&d).await?;

            // The grid worker: in their queue; take it, then resolve it.
            sign_in(&d, app, "gw", false).await?;
            d.goto(app.url("/requests/queue?queue=mine")).await?;
            let item = d
                .query(By::Css(format!("#requests a[href='{path}']")))
                .desc("the request in my queue")
                .single()
                .await?;
            shot(&d, "request-queue").await?;
            click_and_leave(&item).await?;
            let take = d
                .query(By::Id("step-take"))
                .desc("the take button")
                .single()
                .await?;
            click_and_leave(&take).await?;
            assert_eq!(
                d.query(By::Id("status")).single().await?.text().await?,
                "处理中"
            );
            d.query(By::Id("note-resolve"))
                .single()
                .await?
                .send_keys("换了水管接头")
                .await?;
            let resolve = d
                .query(By::Id("step-resolve"))
                .desc("the resolve button")
                .single()
                .await?;
            click_and_leave(&resolve).await?;
            assert_eq!(
                d.query(By::Id("status")).single().await?.text().await?,
                "已办结"
            );
            sign_out(&d).await?;

            // The resident rates it: four stars and a word.
            sign_in(&d, app, "owner", false).await?;
            d.goto(app.url(&path)).await?;
            let four = d
                .query(By::Css("#rate input[name='rating'][value='4']"))
                .desc("four stars")
                .single()
                .await?;
            four.scroll_into_view().await?;
            four.click().await?;
            d.query(By::Id("comment"))
                .single()
                .await?
                .send_keys("修得很快")
                .await?;
            shot(&d, "request-rate").await?;
            let confirm = d
                .query(By::Css("#rate button"))
                .desc("confirm and rate")
                .single()
                .await?;
            click_and_leave(&confirm).await?;
            assert_eq!(
                d.query(By::Id("status")).single().await?.text().await?,
                "已关闭"
            );
            assert!(
                d.query(By::Id("rating"))
                    .single()
                    .await?
                    .text()
                    .await?
                    .starts_with("4★")
            );
            let steps = d.query(By::Css("#timeline li")).all_from_selector().await?;
            assert_eq!(steps.len(), 5, "report, dispatch, take, resolve, confirm");
            sign_out(&d).await?;

            // The committee's figures show it.
            sign_in(&d, app, "committee", false).await?;
            d.goto(app.url(&format!("/compounds/{compound}/requests/metrics")))
                .await?;
            assert_eq!(
                d.query(By::Id("resolution-rate"))
                    .single()
                    .await?
                    .text()
                    .await?,
                "100.0%"
            );
            assert_eq!(
                d.query(By::Id("satisfaction-rate"))
                    .single()
                    .await?
                    .text()
                    .await?,
                "100.0%"
            );
            d.query(By::Css("#chart-category svg"))
                .desc("the chart by category")
                .single()
                .await?;
            shot(&d, "request-metrics").await?;
            Ok(())
        })
        .await;
}
