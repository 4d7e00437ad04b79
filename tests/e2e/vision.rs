//! Consent, the policy profile and the camera panel in the real window: the HR admin chooses the
//! default profile, a demo interview goes through the consent step, the camera runs from a folder
//! of frames made of the model manager's test image (a NASA photograph, public domain: one smiling
//! face) through the real face and expression models, the face box and a cue show, withdrawing
//! the expression consent stops the expression cues at once, and the finished report is held on
//! this machine without transfer consent. Then the EU profile: expression cues are not offered.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context as _, Result, ensure};

use crate::driver::Window;
use crate::scenarios::Context;

/// Loading the models and sustaining a cue (3 s of frames) on a busy 2-core machine.
const CAMERA_LIMIT: Duration = Duration::from_secs(120);

/// The model manager's test image (scripts/e2e.sh fetches it into the models folder).
fn test_image(name: &str) -> Result<PathBuf> {
    let models = std::env::var_os("COPILOT_MODELS_DIR")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../models/cache"));
    let path = models.join(format!("testimage-{name}.png"));
    ensure!(
        path.is_file(),
        "{} is missing: run `cargo run -p copilot-models --bin copilot-models -- fetch testimage-{name}` (scripts/e2e.sh does)",
        path.display()
    );
    Ok(path)
}

/// A folder of frames: the smiling astronaut, three times (the source repeats it until stopped).
fn frames(context: &Context) -> Result<PathBuf> {
    let folder = context.work.join("camera-frames");
    std::fs::create_dir_all(&folder)?;
    let image = test_image("astronaut")?;
    for n in 0..3 {
        std::fs::copy(&image, folder.join(format!("frame-{n:02}.png")))
            .with_context(|| format!("copying {}", image.display()))?;
    }
    Ok(folder)
}

async fn choose_policy(window: &Window, profile: &str) -> Result<()> {
    window.click("nav-policy").await?;
    window.el("policy-current").await?;
    window.click(&format!("policy-option-{profile}")).await?;
    window.click("policy-apply").await?;
    window.el("policy-saved").await?;
    ensure!(
        window
            .attr(&format!("policy-card-{profile}"), "data-active")
            .await?
            .as_deref()
            == Some("true"),
        "the {profile} card is not marked in force"
    );
    Ok(())
}

/// The cue indicator's row `row` says `key` (selector-based: the panel redraws every frame, so
/// an element read by reference may already be gone).
async fn cue_says(window: &Window, row: &str, key: &str) -> Result<bool> {
    let selector = format!("[data-testid='cue-{row}'][data-key='{key}']");
    Ok(window.count(&selector).await? > 0)
}

/// The frames analysed so far, from the status line's attribute (retried: it is redrawn per frame).
async fn frames_analysed(window: &Window) -> Result<u64> {
    for _ in 0..20 {
        if let Ok(Some(frames)) = window.attr("camera-status", "data-frames").await {
            return frames.parse().context("data-frames is not a number");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("the camera status line kept changing under the reader")
}

async fn ticked(window: &Window, testid: &str) -> Result<bool> {
    Ok(window.el(testid).await?.prop("checked").await?.as_deref() == Some("true"))
}

pub async fn consent_step_camera_cues_and_withdrawal(context: &Context) -> Result<()> {
    let folder = frames(context)?;
    let window = Window::launch(&context.settings).await?;
    // The checks read English texts (an earlier scenario may have left the window in Chinese).
    if window.text("lang-switch").await?.trim() != "中文" {
        window.click("lang-switch").await?;
        window.wait_text("lang-switch", "中文").await?;
    }

    // The HR admin chooses the default profile; the EU card says why expression cues are off.
    choose_policy(&window, "default").await?;
    ensure!(
        window
            .attr("policy-default-expression_cues", "data-allowed")
            .await?
            .as_deref()
            == Some("true"),
        "the default profile should allow expression cues"
    );
    ensure!(
        window
            .attr("policy-eu-expression_cues", "data-allowed")
            .await?
            .as_deref()
            == Some("false"),
        "the EU card should show expression cues as not allowed"
    );
    window.wait_text("policy-legal-eu", "5(1)(f)").await?;
    window.scroll_to("policy-current").await?;
    window.screenshot("policy-default").await?;

    // A new interview stops at the consent step before anything is captured.
    window.click("nav-interviews").await?;
    window.click("interview-demo").await?;
    window.el("consent-step").await?;
    window
        .wait_text("consent-notice", "Expression cues")
        .await?;
    for purpose in ["transcription", "presence_cues", "expression_cues"] {
        let testid = format!("consent-{purpose}");
        ensure!(!ticked(&window, &testid).await?, "{testid} starts ticked");
        window.click(&testid).await?;
    }
    ensure!(
        !ticked(&window, "consent-transfer_to_hr").await?,
        "transfer starts unticked"
    );
    window.fill("consent-interviewer", "Megan Clarke").await?;
    window.screenshot("consent-step").await?;
    window.click("consent-record").await?;

    // The live screen: consent per purpose, and no camera on this machine.
    window.el("view-live").await?;
    window.el("camera-panel").await?;
    let consent_line = |purpose: &str| format!("consent-line-{purpose}");
    ensure!(
        window
            .attr(&consent_line("transfer_to_hr"), "data-state")
            .await?
            .as_deref()
            == Some("refused"),
        "transfer to HR should show as refused"
    );
    window.wait_text("no-camera", "No camera found").await?;
    window.screenshot("camera-none").await?;

    // The camera from a folder of frames: the face box and the ease cue.
    window.click("camera-use-folder").await?;
    window
        .fill("camera-path", &folder.display().to_string())
        .await?;
    window.click("camera-start").await?;
    window
        .wait_until_within("a face box over the preview", CAMERA_LIMIT, async |w| {
            Ok(w.exists("camera-image").await? && w.count("[data-testid='face-box']").await? == 1)
        })
        .await
        .context("no face box")?;
    window
        .wait_until_within("the ease cue", CAMERA_LIMIT, async |w| {
            cue_says(w, "expression", "camera.cue.ease").await
        })
        .await
        .context("no expression cue")?;
    ensure!(
        cue_says(&window, "presence", "camera.cue.present").await?,
        "the presence row should say the face is in the picture"
    );
    window.wait_text("cue-help", "2-3 of 4").await?;
    window.scroll_to("camera-panel").await?;
    window.screenshot("camera-face-box-and-cue").await?;

    // Withdrawing the expression consent stops the expression cues at once; presence goes on.
    window.click("withdraw-expression_cues").await?;
    window.el("camera-purpose-stopped-expression_cues").await?;
    window
        .wait_until("the expression row to say off", async |w| {
            cue_says(w, "expression", "camera.cue.expressionOff").await
        })
        .await?;
    ensure!(
        window
            .attr(&consent_line("expression_cues"), "data-state")
            .await?
            .as_deref()
            == Some("withdrawn"),
        "expression cues should show as withdrawn"
    );
    let frames_before = frames_analysed(&window).await?;
    window
        .wait_until("more frames after the withdrawal", async |w| {
            Ok(frames_analysed(w).await? >= frames_before + 5)
        })
        .await
        .context("the camera should go on for presence cues")?;
    ensure!(
        cue_says(&window, "expression", "camera.cue.expressionOff").await?,
        "the expression cues came back after the withdrawal"
    );
    ensure!(
        window.count("[data-testid='face-box']").await? == 1,
        "the face box should stay (presence cues go on)"
    );
    window.scroll_to("camera-panel").await?;
    window.screenshot("camera-expression-withdrawn").await?;
    window.click("camera-stop").await?;
    window
        .wait_until_within("the camera to stop", CAMERA_LIMIT, async |w| {
            Ok(w.attr("camera-status", "data-state")
                .await
                .ok()
                .flatten()
                .as_deref()
                == Some("stopped"))
        })
        .await?;

    // Finished without transfer consent: the report shows the consent record and is held here.
    window.click("live-finish").await?;
    window.el("review-dialog").await?;
    window.click("review-finish").await?;
    window.el("report-consent").await?;
    ensure!(
        window
            .attr("report-consent-expression_cues", "data-granted")
            .await?
            .as_deref()
            == Some("true"),
        "the report's consent record lacks the expression consent"
    );
    window
        .wait_text("report-consent-expression_cues", "withdrawn")
        .await?;
    window
        .wait_text("report-held", "not sent to the HR system")
        .await?;
    window.scroll_to("report-consent").await?;
    window.screenshot("report-consent-held").await?;
    window.click("nav-sync").await?;
    window.el("held-report").await?;
    window.scroll_to("sync-held").await?;
    window.screenshot("sync-held-report").await?;

    // The EU profile: expression cues are not offered, in the consent step or the camera panel.
    choose_policy(&window, "eu").await?;
    window.wait_text("policy-legal-basis", "5(1)(f)").await?;
    window.scroll_to("policy-current").await?;
    window.screenshot("policy-eu").await?;
    window.click("nav-interviews").await?;
    window.click("interview-demo").await?;
    window.el("consent-step").await?;
    window.el("consent-expression-absent").await?;
    ensure!(
        !window.exists("consent-expression_cues").await?,
        "the EU consent step offers expression cues"
    );
    let notice = window.text("consent-notice").await?;
    ensure!(
        !notice.contains("Expression cues"),
        "the EU notice mentions expression cues: {notice}"
    );
    window.click("consent-transcription").await?;
    window.click("consent-presence_cues").await?;
    window.fill("consent-interviewer", "Megan Clarke").await?;
    window.screenshot("consent-step-eu").await?;
    window.click("consent-record").await?;
    window.el("camera-panel").await?;
    ensure!(
        !window.exists("cue-expression").await?
            && !window.exists("consent-line-expression_cues").await?,
        "the EU live screen shows expression cues"
    );
    window.wait_text("cue-help", "not available").await?;
    window.scroll_to("camera-panel").await?;
    window.screenshot("camera-eu").await?;
    window.close().await
}
