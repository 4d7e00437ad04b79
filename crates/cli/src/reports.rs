//! `copilot replay --job <id>|--interview <id>` (recording → speech pipeline → live engine → stored
//! report) and `copilot report list|show|export`.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Subcommand, ValueEnum};
use copilot_core::domain::Language;
use copilot_core::{Copilot, LiveEvent, NewInterview, ReplaySettings, ReportFormat};

#[derive(Subcommand)]
pub enum ReportCommand {
    /// Every stored report, newest first.
    List,
    /// A report as text (or the full JSON with --json).
    Show { report_id: String },
    /// Write a report as JSON (schemas/report.schema.json) or printable HTML.
    Export {
        report_id: String,
        /// json or html (default: from the --out extension).
        #[arg(long, value_enum)]
        format: Option<ReportFormatArg>,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ReportFormatArg {
    Json,
    Html,
}

pub async fn report_command(copilot: &Copilot, command: ReportCommand, json: bool) -> Result<()> {
    match command {
        ReportCommand::List => {
            let reports = copilot.list_reports().await?;
            if json {
                crate::print_json(&reports)?;
            } else if reports.is_empty() {
                println!(
                    "no reports yet: finish an interview, or run `copilot replay <audio> --job <id>`"
                );
            } else {
                for report in reports {
                    println!(
                        "{}  interview {}  {}",
                        report.report_id, report.interview_id, report.created_at
                    );
                }
            }
        }
        ReportCommand::Show { report_id } => {
            let report = copilot.report(&report_id).await?;
            if json {
                crate::print_json(&report)?;
            } else {
                print!("{}", copilot_core::report::report_text(&report));
            }
        }
        ReportCommand::Export {
            report_id,
            format,
            out,
        } => {
            let format = match format {
                Some(ReportFormatArg::Json) => ReportFormat::Json,
                Some(ReportFormatArg::Html) => ReportFormat::Html,
                None => match out.extension().and_then(|e| e.to_str()) {
                    Some("json") => ReportFormat::Json,
                    Some("html" | "htm") => ReportFormat::Html,
                    _ => anyhow::bail!(
                        "cannot tell the format of {}: add --format json|html",
                        out.display()
                    ),
                },
            };
            let text = copilot.export_report(&report_id, format).await?;
            write_new_file(&out, text.as_bytes())?;
            if json {
                crate::print_json(&serde_json::json!({ "path": out }))?;
            } else {
                println!("exported to {}", out.display());
            }
        }
    }
    Ok(())
}

/// Writes through a temporary file in the same folder, so a full disk never leaves half a report.
fn write_new_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let partial = folder.join(format!(
        ".{}.partial",
        path.file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default()
    ));
    let write = || -> std::io::Result<()> {
        let mut file = std::fs::File::create(&partial)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&partial, path)
    };
    write()
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&partial);
        })
        .with_context(|| {
            format!(
                "cannot write {}: check the folder exists, is writable and has space",
                path.display()
            )
        })
}

/// Which interview a store-backed replay runs: an existing one, or a new one for a job.
pub enum ReplayTarget {
    Interview(String),
    Job(String),
}

/// Replays `audio` into a live session (speech events, then the engine's, one JSON line each), then
/// ends the interview and stores its report; the last line names the report.
pub async fn replay_into_interview(
    copilot: &Copilot,
    target: ReplayTarget,
    audio: PathBuf,
    settings: ReplaySettings,
) -> Result<()> {
    let interview_id = match target {
        ReplayTarget::Interview(id) => id,
        ReplayTarget::Job(job_id) => {
            let language = match settings.language.as_deref() {
                Some("zh") => Language::Zh,
                _ => Language::En,
            };
            let name = audio
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "recording".into());
            copilot
                .create_interview(&NewInterview {
                    job_id,
                    candidate_name: format!("Replay of {name}"),
                    candidate_contact: String::new(),
                    resume_text: String::new(),
                    interviewers: Vec::new(),
                    language,
                    budget_minutes: 45.0,
                    scheduled_at: None,
                })
                .await?
                .id
        }
    };
    let session = copilot.start_session(&interview_id).await?;
    let (session, result) = tokio::task::spawn_blocking(move || {
        let mut session = session;
        let stdout = std::io::stdout();
        let mut write_error = None;
        let mut sink = |event: LiveEvent| {
            let line = match &event {
                LiveEvent::Speech(e) => serde_json::to_string(e),
                LiveEvent::Engine(e) => serde_json::to_string(e),
            };
            let mut out = stdout.lock();
            if let Err(e) = line
                .map_err(std::io::Error::other)
                .and_then(|line| writeln!(out, "{line}"))
                .and_then(|()| out.flush())
            {
                write_error.get_or_insert(e);
            }
        };
        let result = session.replay_audio(&audio, &settings, &mut sink);
        (session, result.map(|totals| (totals, write_error)))
    })
    .await?;
    let (totals, write_error) = result?;
    if let Some(e) = write_error {
        anyhow::bail!("cannot write the events to standard output: {e}");
    }
    // The report is stored even if the interview was cut short.
    let report = copilot.finish_session(session).await?;
    println!(
        "{}",
        serde_json::json!({
            "type": "report",
            "report_id": report.report_id,
            "interview_id": report.interview_id,
            "overall": report.overall,
        })
    );
    eprintln!(
        "[replay] {} utterances, {} segments, {} merged, {} frames dropped; {:.1} s of speech in {:.1} s; report {} stored (copilot report show {})",
        totals.utterances,
        totals.segments,
        totals.merged_utterances,
        totals.dropped_frames,
        totals.audio_ms as f64 / 1000.0,
        totals.processing_ms as f64 / 1000.0,
        report.report_id,
        report.report_id
    );
    Ok(())
}
