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
    /// Write a report as JSON (schemas/report.schema.json), printable HTML or PDF.
    Export {
        report_id: String,
        /// json, html or pdf (default: from the --out extension).
        #[arg(long, value_enum)]
        format: Option<ReportFormatArg>,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Font file for the PDF (.ttf/.otf/.ttc; Chinese text needs a CJK font). Default:
        /// COPILOT_PDF_FONT, the `pdf_font_path` setting, then the system's fonts.
        #[arg(long, value_name = "FONT")]
        font: Option<PathBuf>,
    },
    /// Confirm or change one competency's rating on a stored report: the score and
    /// recommendation are computed again, and the HR system gets the new revision.
    Rate {
        report_id: String,
        /// The competency id (see `copilot report show`).
        #[arg(long)]
        competency: String,
        /// 1-5.
        #[arg(long, value_parser = clap::value_parser!(u8).range(1..=5))]
        rating: u8,
        /// Who rates (default: the interview's first interviewer).
        #[arg(long)]
        by: Option<String>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ReportFormatArg {
    Json,
    Html,
    Pdf,
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
            font,
        } => {
            let format = match format {
                Some(ReportFormatArg::Json) => ReportFormat::Json,
                Some(ReportFormatArg::Html) => ReportFormat::Html,
                Some(ReportFormatArg::Pdf) => ReportFormat::Pdf,
                None => match out
                    .extension()
                    .and_then(|e| e.to_str())
                    .map(str::to_ascii_lowercase)
                    .as_deref()
                {
                    Some("json") => ReportFormat::Json,
                    Some("html" | "htm") => ReportFormat::Html,
                    Some("pdf") => ReportFormat::Pdf,
                    _ => anyhow::bail!(
                        "cannot tell the format of {}: add --format json|html|pdf",
                        out.display()
                    ),
                },
            };
            let bytes = copilot
                .export_report_bytes(&report_id, format, font.as_deref())
                .await?;
            write_new_file(&out, &bytes)?;
            if json {
                crate::print_json(&serde_json::json!({ "path": out }))?;
            } else {
                println!("exported to {}", out.display());
            }
        }
        ReportCommand::Rate {
            report_id,
            competency,
            rating,
            by,
        } => {
            let report = copilot
                .rate_report(&report_id, &competency, rating, by.as_deref())
                .await?;
            if json {
                crate::print_json(&report)?;
            } else {
                let lang = report.language;
                let name = report
                    .competencies
                    .iter()
                    .find(|c| c.id == competency)
                    .map_or(competency.as_str(), |c| c.name.get(lang));
                println!(
                    "{name} ({competency}) rated {rating}/5; report revision {}",
                    report.revision()
                );
                match &report.overall.confirmed {
                    Some(score) => println!(
                        "overall {:.1}/100, {:?} ({}/{} competencies confirmed)",
                        score.score,
                        score.recommendation,
                        report.overall.confirmed_count,
                        report.overall.competency_count
                    ),
                    None => println!("overall: no confirmed score yet"),
                }
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
