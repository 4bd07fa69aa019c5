//! The browser harness shared by the browser tests: a headless Chromium at phone size
//! driven through chromedriver, screenshots, signing in and out, forms.
//!
//! Needs `LINLI_WEBDRIVER_URL` (a chromedriver) and `LINLI_CHROME_BIN`; `scripts/test` starts
//! chromedriver and sets both. Without them the tests fail: a suite must never skip.
//! Included by each browser test file with `#[path = "common/browser.rs"] mod kit;`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::TestApp;
use linli_demo_load::DEMO_PASSWORD;
use std::path::{Path, PathBuf};
use thirtyfour::prelude::*;
use thirtyfour::stringmatch::StringMatch;

pub const PHONE_WIDTH: u32 = 412;
pub const PHONE_HEIGHT: u32 = 915;
/// A smaller phone (390 × 844), for the paths an elderly owner's or a volunteer's phone takes.
pub const SMALL_PHONE: (u32, u32) = (390, 844);
pub const SHOTS: &str = "/tmp/linli-shots";

/// A Chromium session at phone size with its own fresh profile directory. The directory is
/// removed when this is dropped, after `run` has quit the browser.
pub struct Chromium {
    driver: WebDriver,
    _profile: crate::common::tempdir::Dir,
}

impl Chromium {
    pub async fn start() -> Chromium {
        Chromium::start_at(PHONE_WIDTH, PHONE_HEIGHT).await
    }

    /// A phone screen of `width` × `height` CSS pixels.
    pub async fn start_at(width: u32, height: u32) -> Chromium {
        let server = std::env::var("LINLI_WEBDRIVER_URL").unwrap_or_else(|_| {
            panic!("LINLI_WEBDRIVER_URL is not set: run the browser tests with scripts/test, which starts chromedriver")
        });
        let binary = std::env::var("LINLI_CHROME_BIN").unwrap_or_else(|_| {
            panic!("LINLI_CHROME_BIN is not set: run the browser tests with scripts/test, which sets it")
        });
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let profile =
            std::env::temp_dir().join(format!("linli-chromium-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&profile).unwrap();
        let profile = crate::common::tempdir::Dir(profile);

        let mut caps = DesiredCapabilities::chrome();
        caps.set_binary(&binary).unwrap();
        for arg in [
            "--headless=new",
            "--no-sandbox",
            "--disable-dev-shm-usage",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            &format!("--window-size={width},{height}"),
            &format!("--user-data-dir={}", profile.0.display()),
            // A phone set to Chinese, as the residents' phones are.
            "--lang=zh-CN",
        ] {
            caps.add_arg(arg).unwrap();
        }
        caps.add_experimental_option(
            "prefs",
            serde_json::json!({"intl.accept_languages": "zh-CN,zh"}),
        )
        .unwrap();
        // A desktop Chromium window is never narrower than 500 px, so the phone's screen is
        // emulated: 412 × 915 CSS pixels (or the size asked for), a mobile viewport with touch.
        caps.add_experimental_option(
            "mobileEmulation",
            serde_json::json!({"deviceMetrics": phone_metrics(width, height)}),
        )
        .unwrap();
        let driver = WebDriver::new(server.as_str(), caps)
            .await
            .unwrap_or_else(|e| {
                panic!("could not start Chromium through chromedriver at {server}: {e}")
            });
        Chromium {
            driver,
            _profile: profile,
        }
    }

    /// Runs the test body, then always quits the browser: after success, after an error,
    /// and after a panicking assertion (which is then resumed).
    pub async fn run<F, Fut>(self, body: F)
    where
        F: FnOnce(WebDriver) -> Fut,
        Fut: std::future::Future<Output = WebDriverResult<()>>,
    {
        let Chromium { driver, _profile } = self;
        if let Err(e) = driver.run_and_quit(body).await {
            panic!("browser test failed: {e}");
        }
    }
}

/// The emulated phone screen, as chromedriver's `mobileEmulation.deviceMetrics`.
fn phone_metrics(width: u32, height: u32) -> serde_json::Value {
    serde_json::json!({"width": width, "height": height, "pixelRatio": 1.0, "mobile": true, "touch": true})
}

/// The same screen as the parameters of CDP `Emulation.setDeviceMetricsOverride`.
fn cdp_metrics(width: i64, height: i64) -> serde_json::Value {
    serde_json::json!({"width": width, "height": height, "deviceScaleFactor": 1.0, "mobile": true})
}

/// A Chrome DevTools Protocol command, sent through chromedriver's `goog/cdp/execute`.
#[derive(Debug)]
struct Cdp(&'static str, serde_json::Value);

impl thirtyfour::common::command::FormatRequestData for Cdp {
    fn format_request(&self, session: &thirtyfour::SessionId) -> thirtyfour::RequestData {
        thirtyfour::RequestData::new(
            reqwest::Method::POST,
            format!("/session/{session}/goog/cdp/execute"),
        )
        .add_body(serde_json::json!({"cmd": self.0, "params": self.1}))
    }
}

pub fn text(needle: &str) -> StringMatch {
    StringMatch::new(needle).partial()
}

/// Clicks `el` (a link or submit button) and waits until its page has been replaced.
pub async fn click_and_leave(el: &WebElement) -> WebDriverResult<()> {
    el.scroll_into_view().await?;
    el.click().await?;
    el.wait_until()
        .error("the click did not lead to another page")
        .stale()
        .await
}

/// The `<html>` element's attribute.
pub async fn html_attr(d: &WebDriver, name: &str) -> WebDriverResult<Option<String>> {
    d.query(By::Css("html")).single().await?.attr(name).await
}

pub async fn js_i64(d: &WebDriver, script: &str) -> WebDriverResult<i64> {
    d.execute(script, Vec::new()).await?.convert::<i64>()
}

/// Saves the first screen (`NAME.png`) and the whole page (`NAME-full.png`) and checks the
/// page does not scroll sideways on a phone.
pub async fn shot(d: &WebDriver, name: &str) -> WebDriverResult<PathBuf> {
    std::fs::create_dir_all(SHOTS).unwrap();
    let first = Path::new(SHOTS).join(format!("{name}.png"));
    d.screenshot(&first).await?;

    // The whole page: a phone screen as tall as the page, then the phone again.
    let (width, height) = (
        js_i64(d, "return window.innerWidth").await?,
        js_i64(d, "return window.innerHeight").await?,
    );
    let full = js_i64(d, "return Math.ceil(document.documentElement.scrollHeight)").await?;
    let tall = full.max(height).min(12_000);
    d.handle()
        .cmd(Cdp(
            "Emulation.setDeviceMetricsOverride",
            cdp_metrics(width, tall),
        ))
        .await?;
    d.screenshot(&Path::new(SHOTS).join(format!("{name}-full.png")))
        .await?;
    d.handle()
        .cmd(Cdp(
            "Emulation.setDeviceMetricsOverride",
            cdp_metrics(width, height),
        ))
        .await?;

    let inner_width = js_i64(d, "return window.innerWidth").await?;
    assert!(
        inner_width <= i64::from(PHONE_WIDTH) && inner_width == width,
        "{name}: the page is seen on a phone-wide screen ({inner_width}px)"
    );
    let scroll_width = js_i64(d, "return document.documentElement.scrollWidth").await?;
    let client_width = js_i64(d, "return document.documentElement.clientWidth").await?;
    assert!(
        scroll_width <= client_width,
        "{name}: the page is {scroll_width}px wide on a {client_width}px phone screen and scrolls sideways (see {})",
        first.display()
    );
    Ok(first)
}

/// Signs in through the login page and waits for the home page.
pub async fn sign_in(
    d: &WebDriver,
    app: &TestApp,
    username: &str,
    screenshot: bool,
) -> WebDriverResult<()> {
    d.goto(app.url("/login")).await?;
    let login = d
        .query(By::Id("login"))
        .desc("the login name field")
        .single()
        .await?;
    if screenshot {
        shot(d, "login").await?;
    }
    login.send_keys(username).await?;
    d.query(By::Id("password"))
        .desc("the password field")
        .single()
        .await?
        .send_keys(DEMO_PASSWORD)
        .await?;
    let submit = d
        .query(By::Css("form[action='/login'] button[type='submit']"))
        .desc("the sign-in button")
        .single()
        .await?;
    click_and_leave(&submit).await?;
    d.query(By::Css("form.searchbar"))
        .desc("the home page's search bar, after signing in")
        .first()
        .await?;
    assert_eq!(
        d.current_url().await?.path(),
        "/",
        "after signing in, {username} lands on the home page"
    );
    Ok(())
}

/// Picks the option with `value` in the `<select>` with `id`.
pub async fn choose(d: &WebDriver, id: &str, value: &str) -> WebDriverResult<()> {
    let el = d.query(By::Id(id)).single().await?;
    thirtyfour::components::SelectElement::new(&el)
        .await?
        .select_by_value(value)
        .await
}

/// Signs out through the header's button.
pub async fn sign_out(d: &WebDriver) -> WebDriverResult<()> {
    let out = d
        .query(By::Css("form[action='/logout'] button"))
        .desc("the sign-out button")
        .single()
        .await?;
    click_and_leave(&out).await
}

/// Clicks the button of a form that asks "are you sure?" and accepts the question.
pub async fn click_confirmed(d: &WebDriver, el: &WebElement) -> WebDriverResult<()> {
    el.scroll_into_view().await?;
    el.click().await?;
    d.accept_alert().await?;
    el.wait_until()
        .error("the confirmed click did not lead to another page")
        .stale()
        .await
}
