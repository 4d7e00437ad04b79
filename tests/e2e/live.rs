//! The live interview and its report in the real window: the demo interview replayed through the
//! real speech pipeline (Silero VAD, whisper.cpp) from `COPILOT_DEMO_AUDIO`, then the report and
//! its exports; and the live screen's labels in Chinese.

use std::time::Duration;

use anyhow::{Context as _, Result, ensure};

use crate::driver::Window;
use crate::scenarios::Context;

/// Transcribing the demo clip on a busy 2-core machine: a generous bound, not a speed check.
const AUDIO_LIMIT: Duration = Duration::from_secs(300);

async fn count(window: &Window, selector: &str) -> Result<usize> {
    window.count(selector).await
}

/// Opens the interview list and starts a new demo interview; returns on the live screen.
async fn start_demo(window: &Window) -> Result<()> {
    window.click("nav-interviews").await?;
    window.click("interview-demo").await?;
    window.el("view-live").await?;
    window.el("audio-panel").await?;
    Ok(())
}

pub async fn demo_interview_from_audio_to_report(context: &Context) -> Result<()> {
    let window = Window::launch(&context.settings).await?;
    start_demo(&window).await?;
    window.wait_text("live-clock", "of 30:00").await?;
    // Without a sound card the picker says so; with one it lists the devices.
    window.select("audio-source", "device").await?;
    let no_devices = window.exists("no-devices").await?;
    if no_devices {
        window
            .wait_text("no-devices", "No microphone found")
            .await?;
    } else {
        window.el("audio-device").await?;
        window.el("audio-level").await?;
    }
    window.screenshot("live-audio-source").await?;

    window.select("audio-source", "demo").await?;
    let realtime = window.el("audio-realtime").await?;
    if realtime.prop("checked").await?.as_deref() == Some("true") {
        window.click("audio-realtime").await?;
    }
    window.el("transcript-empty").await?;
    window.click("audio-start").await?;
    window
        .wait_until_within(
            "transcript lines from both the interviewer and the candidate",
            AUDIO_LIMIT,
            async |w| {
                Ok(count(
                    w,
                    "[data-testid='transcript-line'][data-speaker='interviewer']",
                )
                .await?
                    > 0
                    && count(
                        w,
                        "[data-testid='transcript-line'][data-speaker='candidate']",
                    )
                    .await?
                        > 0)
            },
        )
        .await?;
    window.screenshot("live-transcript").await?;
    window
        .wait_until_within("the demo audio to end", AUDIO_LIMIT, async |w| {
            // The line is re-rendered as events arrive: a node gone meanwhile is "not yet".
            Ok(w.attr("audio-status-line", "data-state")
                .await
                .ok()
                .flatten()
                .as_deref()
                == Some("done"))
        })
        .await
        .context("the replay did not finish")?;
    let status = window.text("audio-status-line").await?;
    ensure!(
        status.contains("Audio ended"),
        "status after the replay: {status:?}"
    );

    // The board shows at least one competency the interviewer asked about.
    // The board re-renders as events arrive: a row gone meanwhile means "read it again".
    let mut asked = None;
    for _ in 0..5 {
        let mut stale = false;
        for row in window.all("[data-testid^='board-row-']").await? {
            let (Ok(state), Ok(testid)) =
                (row.attr("data-status").await, row.attr("data-testid").await)
            else {
                stale = true;
                break;
            };
            if state.unwrap_or_default() != "uncovered" {
                asked = Some(
                    testid
                        .unwrap_or_default()
                        .trim_start_matches("board-row-")
                        .to_string(),
                );
                break;
            }
        }
        if !stale {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let asked = asked.context("no competency on the board left 'Not asked' after the demo")?;
    let status = window.text(&format!("board-status-{asked}")).await?;
    ensure!(
        status == "Asked, no evidence" || status == "Evidenced",
        "board status of {asked}: {status:?}"
    );
    let lines = count(&window, "[data-testid='transcript-line']").await?;
    ensure!(lines >= 3, "only {lines} transcript lines after the demo");

    // A note with its time, and a rating.
    window
        .fill("note-text", "Strong numbers; ask about the team")
        .await?;
    window.select("note-competency", &asked).await?;
    window.click("note-add").await?;
    let note = window
        .wait_text("notes-list", "Strong numbers; ask about the team")
        .await?;
    ensure!(note.contains(':'), "the note has no time: {note:?}");
    window.click(&format!("rate-{asked}-4")).await?;
    window
        .wait_until("the rating to be recorded", async |w| {
            Ok(w.attr(&format!("rate-{asked}-4"), "aria-pressed")
                .await?
                .as_deref()
                == Some("true"))
        })
        .await?;
    window.scroll_to("view-live").await?;
    window.screenshot("live-after-demo").await?;

    // Finish: confirm the ratings, then the report.
    window.click("live-finish").await?;
    window.el("review-dialog").await?;
    window.click("review-use-suggestions").await?;
    window
        .wait_text("review-unconfirmed", "0 not confirmed")
        .await?;
    window.screenshot("review-ratings").await?;
    window.click("review-finish").await?;
    window.el("view-report").await?;
    let score = window.text("report-score-value").await?;
    let value: f64 = score
        .trim()
        .parse()
        .with_context(|| format!("the overall score {score:?} is not a number"))?;
    ensure!((0.0..=100.0).contains(&value), "score {value} out of range");
    let recommendation = window.text("report-recommendation").await?;
    ensure!(
        ["Advance", "Hold", "Decline"].contains(&recommendation.trim()),
        "recommendation {recommendation:?}"
    );
    window
        .wait_text(&format!("report-confirmed-{asked}"), "Confirmed rating: 4")
        .await?;
    window
        .wait_text("report-timeline", "Strong numbers")
        .await?;
    window.screenshot("report").await?;
    window.scroll_to("report-competencies").await?;
    window.screenshot("report-competencies").await?;

    // A quote jumps to its answer in the timeline.
    let quotes = window.all("[data-testid^='report-quote-']").await?;
    let quote = quotes
        .first()
        .context("the report shows no evidence quote")?;
    let turn = quote.attr("data-turn").await?.unwrap_or_default();
    let quote_id = quote.attr("data-testid").await?.unwrap_or_default();
    window.click(&quote_id).await?;
    let target = format!("timeline-answer-{turn}");
    window
        .wait_until("the quote's answer to be highlighted", async |w| {
            Ok(w.attr(&target, "class")
                .await?
                .unwrap_or_default()
                .contains("highlight"))
        })
        .await?;
    window.screenshot("report-quote-jump").await?;

    // Export as HTML and JSON to chosen paths.
    let html = context.work.join("demo-report.html");
    window
        .fill("report-export-path", &html.display().to_string())
        .await?;
    window.click("report-export-save").await?;
    window
        .wait_text("report-export-done", "demo-report.html")
        .await?;
    let page = std::fs::read_to_string(&html)
        .with_context(|| format!("{} was not written", html.display()))?;
    ensure!(
        page.contains("<html") && page.contains("Alex Morgan"),
        "the HTML export lacks the candidate"
    );
    window.select("report-export-format", "json").await?;
    let json = context.work.join("demo-report.json");
    window
        .fill("report-export-path", &json.display().to_string())
        .await?;
    window.click("report-export-save").await?;
    window
        .wait_text("report-export-done", "demo-report.json")
        .await?;
    let exported: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json)?)?;
    ensure!(
        exported["schema"] == "interview-copilot/report@1",
        "the JSON export has schema {}",
        exported["schema"]
    );
    ensure!(
        (exported["overall"]["confirmed"]["score"]
            .as_f64()
            .unwrap_or(-1.0)
            - value)
            .abs()
            < 0.051,
        "the JSON score differs from the screen's {value}"
    );

    // After the interview: rate a competency again (4 -> 1); the core recomputes the score.
    window.scroll_to(&format!("report-rate-{asked}")).await?;
    window.click(&format!("report-rate-{asked}-1")).await?;
    window.wait_text("report-notice", "rated 1").await?;
    window
        .wait_text(&format!("report-confirmed-{asked}"), "Confirmed rating: 1")
        .await?;
    let rerated: f64 = window
        .text("report-score-value")
        .await?
        .trim()
        .parse()
        .context("the score after re-rating is not a number")?;
    ensure!(
        rerated < value,
        "rating {asked} 1 instead of 4 should lower the score {value}, got {rerated}"
    );
    window.wait_text("report-revisions", "4 → 1").await?;
    ensure!(
        window
            .attr(&format!("report-rate-{asked}-1"), "aria-pressed")
            .await?
            .as_deref()
            == Some("true"),
        "the new rating is not shown as current"
    );
    window.scroll_to("report-competencies").await?;
    window.screenshot("report-rerated").await?;

    // Export PDF: the path's extension follows, and the file is a PDF.
    window.scroll_to("report-export").await?;
    window
        .fill("report-export-path", &html.display().to_string())
        .await?;
    window.click("report-export-pdf").await?;
    window
        .wait_text("report-export-done", "demo-report.pdf")
        .await?;
    let pdf = context.work.join("demo-report.pdf");
    let bytes =
        std::fs::read(&pdf).with_context(|| format!("{} was not written", pdf.display()))?;
    ensure!(bytes.starts_with(b"%PDF-"), "the PDF export is not a PDF");
    ensure!(
        bytes.len() > 5_000,
        "the PDF export is only {} bytes",
        bytes.len()
    );
    window.screenshot("report-export-pdf").await?;

    // The reports list and the interview list lead back to it.
    window.click("nav-reports").await?;
    window
        .wait_text("report-list", "Alex Morgan (demo)")
        .await?;
    window.screenshot("report-list").await?;
    window.click("nav-interviews").await?;
    // The list renders after it loads: wait for the button, then check there is exactly one.
    window
        .wait_until("the finished interview to offer its report", async |w| {
            Ok(count(w, "[data-testid^='interview-report-']").await? > 0)
        })
        .await?;
    let report_buttons = count(&window, "[data-testid^='interview-report-']").await?;
    ensure!(
        report_buttons == 1,
        "{report_buttons} interviews offer a report"
    );
    window.close().await
}

pub async fn chinese_live_screen(context: &Context) -> Result<()> {
    let window = Window::launch(&context.settings).await?;
    window.wait_text("nav-jobs", "Jobs").await?;
    window.click("lang-switch").await?;
    window.wait_text("nav-interviews", "面试").await?;
    window.wait_text("nav-reports", "报告").await?;
    start_demo(&window).await?;
    window.wait_text("audio-panel", "音频").await?;
    window.wait_text("audio-start", "开始收听").await?;
    window.wait_text("live-finish", "结束面试").await?;
    window.wait_text("view-live", "实时转写").await?;
    window.wait_text("view-live", "胜任力覆盖").await?;
    window.wait_text("transcript-empty", "尚未听到内容").await?;
    window.wait_text("live-clock", "/ 30:00").await?;
    window.wait_text("audio-status-line", "音频未开启").await?;
    let board = window.text("board").await?;
    ensure!(
        board.contains("未提问"),
        "the board is not in Chinese: {board:?}"
    );
    window.select("audio-source", "device").await?;
    if window.exists("no-devices").await? {
        window.wait_text("no-devices", "没有找到麦克风").await?;
    }
    window.select("audio-source", "demo").await?;
    window.screenshot("live-chinese").await?;
    // Leave the interface in English for whatever runs next.
    window.click("lang-switch").await?;
    window.wait_text("nav-jobs", "Jobs").await?;
    window.close().await
}
