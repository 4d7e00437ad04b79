//! A thin layer over fantoccini for the app's window: sessions through tauri-driver, elements by
//! `data-testid`, polling waits with clear failure messages, and screenshots.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;

/// How long a wait may take before the step fails (a generous bound, not a speed check).
const WAIT_LIMIT: Duration = Duration::from_secs(20);
const POLL_EVERY: Duration = Duration::from_millis(100);

/// Where things are; read from the environment by [`Settings::from_env`].
#[derive(Debug, Clone)]
pub struct Settings {
    pub app: PathBuf,
    pub webdriver: String,
    pub data_dir: PathBuf,
    pub screenshots: PathBuf,
    pub repo: PathBuf,
}

impl Settings {
    pub fn from_env() -> Result<Settings> {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .context("the tests crate has no parent folder")?
            .to_path_buf();
        let app = std::env::var_os("COPILOT_E2E_APP")
            .map(PathBuf::from)
            .context("COPILOT_E2E_APP is not set: point it at the app binary built with `cargo build -p interview-copilot --features custom-protocol` (scripts/e2e.sh does this)")?;
        if !app.is_file() {
            bail!(
                "the app binary {} does not exist: build it with `cargo build -p interview-copilot --features custom-protocol` (scripts/e2e.sh does this)",
                app.display()
            );
        }
        let data_dir = std::env::var_os("COPILOT_DATA_DIR")
            .map(PathBuf::from)
            .context("COPILOT_DATA_DIR is not set: the E2E run needs a fresh, empty data folder (scripts/e2e.sh makes one)")?;
        let webdriver = std::env::var("COPILOT_E2E_WEBDRIVER")
            .unwrap_or_else(|_| "http://127.0.0.1:4444".to_string());
        let screenshots = std::env::var_os("COPILOT_E2E_SCREENSHOTS")
            .map(PathBuf::from)
            .unwrap_or_else(|| repo.join("target/e2e-screenshots"));
        std::fs::create_dir_all(&screenshots)
            .with_context(|| format!("cannot create {}", screenshots.display()))?;
        Ok(Settings {
            app,
            webdriver,
            data_dir,
            screenshots,
            repo,
        })
    }
}

static SHOT_NUMBER: AtomicUsize = AtomicUsize::new(1);

/// The session of the window a failed scenario left open, so the runner can close it.
static OPEN_SESSION: Mutex<Option<Client>> = Mutex::new(None);

/// Closes the window a failed scenario left open (tauri-driver allows one session at a time).
pub async fn close_leftover_window() {
    let leftover = OPEN_SESSION.lock().ok().and_then(|mut slot| slot.take());
    if let Some(client) = leftover {
        let _ = client.close().await;
    }
}

/// One run of the app window (a WebDriver session); closing it quits the app.
pub struct Window {
    client: Client,
    screenshots: PathBuf,
}

fn css(testid: &str) -> String {
    format!("[data-testid=\"{testid}\"]")
}

impl Window {
    /// Starts the app through tauri-driver and waits until its first screen has rendered.
    pub async fn launch(settings: &Settings) -> Result<Window> {
        Window::launch_with_args(settings, &[]).await
    }

    /// Like [`Window::launch`], passing `args` to the app.
    pub async fn launch_with_args(settings: &Settings, args: &[String]) -> Result<Window> {
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": settings.app, "args": args }),
        );
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&settings.webdriver)
            .await
            .map_err(|e| {
                anyhow!(
                    "cannot start a session at {} ({e}): is tauri-driver running (`tauri-driver --port 4444 --native-driver /usr/bin/WebKitWebDriver`) with DISPLAY set?",
                    settings.webdriver
                )
            })?;
        if let Ok(mut slot) = OPEN_SESSION.lock() {
            *slot = Some(client.clone());
        }
        let window = Window {
            client,
            screenshots: settings.screenshots.clone(),
        };
        window
            .wait_until("the first screen", async |w| {
                Ok(
                    w.count("[data-testid=\"app-title\"], [data-testid=\"startup-error\"]")
                        .await?
                        > 0,
                )
            })
            .await?;
        Ok(window)
    }

    pub async fn close(self) -> Result<()> {
        if let Ok(mut slot) = OPEN_SESSION.lock() {
            *slot = None;
        }
        self.client
            .close()
            .await
            .context("closing the WebDriver session")
    }

    /// Polls `ready` until it returns true, failing with `what` after [`WAIT_LIMIT`].
    pub async fn wait_until<F>(&self, what: &str, ready: F) -> Result<()>
    where
        F: AsyncFnMut(&Window) -> Result<bool>,
    {
        self.wait_until_within(what, WAIT_LIMIT, ready).await
    }

    /// Like [`Window::wait_until`] with its own limit (for slow work such as transcribing audio).
    pub async fn wait_until_within<F>(
        &self,
        what: &str,
        limit: Duration,
        mut ready: F,
    ) -> Result<()>
    where
        F: AsyncFnMut(&Window) -> Result<bool>,
    {
        let deadline = Instant::now() + limit;
        let mut last_error = None;
        loop {
            match ready(self).await {
                Ok(true) => return Ok(()),
                Ok(false) => {}
                Err(e) => last_error = Some(e),
            }
            if Instant::now() > deadline {
                let cause = last_error
                    .map(|e| format!(" (last error: {e:#})"))
                    .unwrap_or_default();
                bail!("waited {} s for {what}{cause}", limit.as_secs());
            }
            tokio::time::sleep(POLL_EVERY).await;
        }
    }

    /// The element with `data-testid`, waiting for it to appear.
    pub async fn el(&self, testid: &str) -> Result<Element> {
        let selector = css(testid);
        let mut found = None;
        self.wait_until(&format!("element {selector}"), async |w| {
            found = w.client.find(Locator::Css(&selector)).await.ok();
            Ok(found.is_some())
        })
        .await?;
        found.context("element vanished")
    }

    pub async fn count(&self, selector: &str) -> Result<usize> {
        Ok(self.client.find_all(Locator::Css(selector)).await?.len())
    }

    pub async fn all(&self, selector: &str) -> Result<Vec<Element>> {
        Ok(self.client.find_all(Locator::Css(selector)).await?)
    }

    pub async fn exists(&self, testid: &str) -> Result<bool> {
        Ok(self.count(&css(testid)).await? > 0)
    }

    /// Clicks the element after scrolling it to the middle of the window, clear of the sticky bars.
    pub async fn click(&self, testid: &str) -> Result<()> {
        let element = self.el(testid).await?;
        let argument = serde_json::to_value(&element)?;
        self.client
            .execute(
                "arguments[0].scrollIntoView({ block: 'center' });",
                vec![argument],
            )
            .await
            .with_context(|| format!("scrolling to {}", css(testid)))?;
        element
            .click()
            .await
            .with_context(|| format!("clicking {}", css(testid)))
    }

    pub async fn text(&self, testid: &str) -> Result<String> {
        Ok(self.el(testid).await?.text().await?)
    }

    /// Waits until the text of `testid` contains `needle`, and returns the text.
    pub async fn wait_text(&self, testid: &str, needle: &str) -> Result<String> {
        let mut seen = String::new();
        let result = self
            .wait_until(
                &format!("{} to contain {needle:?}", css(testid)),
                async |w| {
                    seen = match w.client.find(Locator::Css(&css(testid))).await {
                        Ok(element) => element.text().await.unwrap_or_default(),
                        Err(_) => String::new(),
                    };
                    Ok(seen.contains(needle))
                },
            )
            .await;
        result.with_context(|| format!("its text was {seen:?}"))?;
        Ok(seen)
    }

    pub async fn wait_gone(&self, testid: &str) -> Result<()> {
        self.wait_until(&format!("{} to disappear", css(testid)), async |w| {
            Ok(!w.exists(testid).await?)
        })
        .await
    }

    pub async fn value(&self, testid: &str) -> Result<String> {
        Ok(self
            .el(testid)
            .await?
            .prop("value")
            .await?
            .unwrap_or_default())
    }

    pub async fn attr(&self, testid: &str, name: &str) -> Result<Option<String>> {
        Ok(self.el(testid).await?.attr(name).await?)
    }

    /// Replaces the value of a text field by typing, so the page sees real input events.
    pub async fn fill(&self, testid: &str, value: &str) -> Result<()> {
        let element = self.el(testid).await?;
        element
            .clear()
            .await
            .with_context(|| format!("clearing {}", css(testid)))?;
        element
            .send_keys(value)
            .await
            .with_context(|| format!("typing into {}", css(testid)))?;
        let now = element.prop("value").await?.unwrap_or_default();
        if now != value {
            bail!("{} holds {now:?} after typing {value:?}", css(testid));
        }
        Ok(())
    }

    pub async fn select(&self, testid: &str, value: &str) -> Result<()> {
        self.el(testid)
            .await?
            .select_by_value(value)
            .await
            .with_context(|| format!("choosing {value:?} in {}", css(testid)))
    }

    /// Picks a file in an `<input type=file>`, as a user would in the file dialog.
    pub async fn pick_file(&self, testid: &str, path: &Path) -> Result<()> {
        let path = path
            .canonicalize()
            .with_context(|| format!("{} does not exist", path.display()))?;
        let element = self.el(testid).await?;
        element
            .send_keys(&path.display().to_string())
            .await
            .with_context(|| format!("picking {} in {}", path.display(), css(testid)))
    }

    /// Scrolls the element to the top of the window.
    pub async fn scroll_to(&self, testid: &str) -> Result<()> {
        let element = self.el(testid).await?;
        let argument = serde_json::to_value(&element)?;
        self.client
            .execute(
                "arguments[0].scrollIntoView({ block: 'start' }); window.scrollBy(0, -70);",
                vec![argument],
            )
            .await
            .with_context(|| format!("scrolling to {}", css(testid)))?;
        Ok(())
    }

    /// A screenshot of the whole virtual screen (ImageMagick `import`), or of the page when that fails.
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf> {
        let number = SHOT_NUMBER.fetch_add(1, Ordering::SeqCst);
        let path = self.screenshots.join(format!("{number:02}-{name}.png"));
        // Let the page paint its last change (two animation frames), then capture.
        self.client
            .execute_async("const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done()));", vec![])
            .await
            .context("waiting for the page to paint")?;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let captured = Command::new("import")
            .args(["-window", "root"])
            .arg(&path)
            .status()
            .map(|status| status.success())
            .unwrap_or(false);
        if !captured {
            let png = self
                .client
                .screenshot()
                .await
                .context("WebDriver screenshot")?;
            std::fs::write(&path, png).with_context(|| format!("writing {}", path.display()))?;
        }
        println!("    screenshot {}", path.display());
        Ok(path)
    }
}
