//! `copilot`: Interview Copilot without a window. It calls the same `copilot-core` API as the app,
//! on the same data folder (`COPILOT_DATA_DIR`, else the platform's data folder).

mod consent;
mod eval;
mod reports;
mod sync;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use copilot_core::domain::{Interview, JobDefinition, Language, Plan};
use copilot_core::{
    AppConfig, BankFileFormat, Copilot, CoreError, KeychainSecretStore, NewInterview, PlanRequest,
};

#[derive(Parser)]
#[command(
    name = "copilot",
    version,
    about = "Interview Copilot on the command line"
)]
struct Cli {
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    /// The data folder (default: COPILOT_DATA_DIR, else the platform's data folder).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Import, export and check question banks (JSON, CSV, XLSX).
    #[command(subcommand)]
    Bank(BankCommand),
    /// List and show jobs and their competency models.
    #[command(subcommand)]
    Job(JobCommand),
    /// Create, plan and list interviews.
    #[command(subcommand)]
    Interview(InterviewCommand),
    /// Manage the encrypted store.
    #[command(subcommand)]
    Store(StoreCommand),
    /// Send finished reports to the HR system: status, run, retry a dead letter.
    #[command(subcommand)]
    Sync(sync::SyncCommand),
    /// Add, test and list HR system connectors (secrets go to the OS keychain).
    #[command(subcommand)]
    Connector(sync::ConnectorCommand),
    /// The deployment's jurisdiction policy profile (HR admin): show, set.
    #[command(subcommand)]
    Policy(consent::PolicyCommand),
    /// The candidate's consent per purpose for an interview: show, record, withdraw.
    #[command(subcommand)]
    Consent(consent::ConsentCommand),
    /// Check the face and expression models on an image.
    #[command(subcommand)]
    Vision(consent::VisionCommand),
    /// Run the real speech pipeline (Silero VAD + whisper.cpp) on a recording; one JSON line per event.
    Replay {
        /// WAV or FLAC file: mono (one shared mic) or two channels (left = interviewer, right = candidate).
        audio: PathBuf,
        /// A job id from the store, or a job JSON file: its title and keywords bias the transcription.
        /// With a job id, the live engine also runs and the interview's report is stored.
        #[arg(long)]
        job: Option<String>,
        /// Replay into this planned interview (engine events and a stored report, like --job <id>).
        #[arg(long, conflicts_with = "job")]
        interview: Option<String>,
        /// en, zh or auto.
        #[arg(long, default_value = "auto")]
        language: String,
        /// Pace the audio like a live interview instead of reading it as fast as possible.
        #[arg(long)]
        realtime: bool,
        /// Whisper model (tiny.en, base); default by language.
        #[arg(long)]
        model: Option<String>,
    },
    /// List, show and export interview reports.
    #[command(subcommand)]
    Report(reports::ReportCommand),
    /// Score the live engine on a folder of labelled interviews (jobs/, sessions/, audio/):
    /// precision, recall and F1 from the transcripts and, with --audio, through the speech pipeline.
    Eval(eval::EvalArgs),
    /// Fetch, verify and list the models (`models fetch all`, `models verify`, `models list`).
    Models {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

#[derive(Subcommand)]
enum BankCommand {
    /// Import every job of the files, each file in one transaction.
    Import { files: Vec<PathBuf> },
    /// Export jobs (all when no --job is given) to a file whose extension picks the format.
    Export {
        #[arg(long = "job", value_name = "JOB_ID")]
        jobs: Vec<String>,
        /// json, csv or xlsx (default: from the --out extension).
        #[arg(long, value_enum)]
        format: Option<FormatArg>,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Check files without importing them.
    Validate { files: Vec<PathBuf> },
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Json,
    Csv,
    Xlsx,
}

#[derive(Subcommand)]
enum JobCommand {
    List,
    Show {
        job_id: String,
        #[arg(long)]
        version: Option<u32>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum LanguageArg {
    En,
    Zh,
}

impl From<LanguageArg> for Language {
    fn from(value: LanguageArg) -> Self {
        match value {
            LanguageArg::En => Language::En,
            LanguageArg::Zh => Language::Zh,
        }
    }
}

#[derive(Subcommand)]
enum InterviewCommand {
    /// Create an interview with its plan, pinned to the job's current model version.
    Create {
        #[arg(long)]
        job: String,
        #[arg(long)]
        candidate: String,
        #[arg(long, default_value = "")]
        contact: String,
        /// Résumé file: TXT, PDF or DOCX.
        #[arg(long)]
        resume: Option<PathBuf>,
        #[arg(long = "interviewer")]
        interviewers: Vec<String>,
        #[arg(long, value_enum, default_value = "en")]
        language: LanguageArg,
        #[arg(long, default_value_t = 45.0)]
        minutes: f64,
        /// Scheduled time, RFC 3339.
        #[arg(long)]
        at: Option<String>,
    },
    /// Preview the plan for a job and a résumé without saving anything.
    Plan {
        #[arg(long)]
        job: String,
        #[arg(long)]
        resume: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "en")]
        language: LanguageArg,
        #[arg(long, default_value_t = 45.0)]
        minutes: f64,
    },
    List,
}

#[derive(Subcommand)]
enum StoreCommand {
    /// Reopen the database with the recovery key shown at first run and put the key back in the keychain.
    Recover {
        #[arg(long, value_name = "KEY")]
        recovery_key: String,
    },
    /// Show where the data lives and the first-run recovery key if it was never acknowledged.
    Info,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            if let Some(core) = error.downcast_ref::<CoreError>() {
                for detail in &core.details {
                    eprintln!("  - {detail}");
                }
            } else {
                for cause in error.chain().skip(1) {
                    eprintln!("  caused by: {cause}");
                }
            }
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<()> {
    let config = match &cli.data_dir {
        Some(dir) => AppConfig::new(dir),
        None => AppConfig::from_env_or_default()?,
    };
    // Checking files, models and replaying a recording against a job file need no store.
    match &cli.command {
        Command::Bank(BankCommand::Validate { files }) => return validate_files(files, cli.json),
        Command::Eval(_) => {
            let Command::Eval(args) = cli.command else {
                unreachable!("matched above")
            };
            let json = cli.json;
            return tokio::task::spawn_blocking(move || eval::run(args, json)).await?;
        }
        Command::Models { args } => {
            return Ok(copilot_models::cli::run(
                args,
                &copilot_models::ModelsDir::resolve(),
            )?);
        }
        Command::Replay {
            job,
            interview: None,
            ..
        } if job.as_deref().is_none_or(|j| Path::new(j).is_file()) => {
            let job = job
                .as_deref()
                .map(|path| read_job_file(Path::new(path)))
                .transpose()?;
            return replay(cli.command, job).await;
        }
        _ => {}
    }
    let secrets = KeychainSecretStore::connect().map_err(CoreError::from)?;
    if let Command::Store(StoreCommand::Recover { recovery_key }) = &cli.command {
        let copilot = Copilot::recover(&config, &secrets, recovery_key).await?;
        println!("recovered: the database opens again and its key is back in the OS keychain");
        copilot.close().await;
        return Ok(());
    }
    let copilot = Copilot::open(&config, &secrets).await?;
    let result = match cli.command {
        Command::Replay {
            audio,
            job,
            interview,
            language,
            realtime,
            model,
        } => {
            let target = match (interview, job) {
                (Some(id), _) => reports::ReplayTarget::Interview(id),
                (None, Some(job_id)) => reports::ReplayTarget::Job(job_id),
                (None, None) => unreachable!("replay without a store is handled above"),
            };
            let settings = copilot_core::ReplaySettings {
                language: Some(language),
                realtime,
                model,
            };
            reports::replay_into_interview(&copilot, target, audio, settings).await
        }
        Command::Report(command) => reports::report_command(&copilot, command, cli.json).await,
        Command::Sync(command) => sync::run_sync(&copilot, secrets, command, cli.json).await,
        Command::Connector(command) => {
            sync::run_connector(&copilot, secrets, command, cli.json).await
        }
        Command::Policy(command) => consent::run_policy(&copilot, command, cli.json).await,
        Command::Consent(command) => consent::run_consent(&copilot, command, cli.json).await,
        Command::Vision(command) => consent::run_vision(&copilot, command, cli.json).await,
        command => dispatch(&copilot, command, cli.json).await,
    };
    copilot.close().await;
    result
}

async fn dispatch(copilot: &Copilot, command: Command, json: bool) -> Result<()> {
    match command {
        Command::Bank(BankCommand::Import { files }) => {
            for file in files {
                let bytes = read_file(&file)?;
                let report = copilot.import_bank(&display_name(&file), &bytes).await?;
                if json {
                    print_json(&report)?;
                } else {
                    for job in &report.jobs {
                        let what = if job.created_new_version {
                            "saved as version"
                        } else {
                            "unchanged at version"
                        };
                        println!(
                            "{}: {} {what} {}",
                            report.file_name, job.job_id, job.version
                        );
                    }
                }
            }
        }
        Command::Bank(BankCommand::Export { jobs, format, out }) => {
            let format = match format {
                Some(FormatArg::Json) => BankFileFormat::Json,
                Some(FormatArg::Csv) => BankFileFormat::Csv,
                Some(FormatArg::Xlsx) => BankFileFormat::Xlsx,
                None => out
                    .extension()
                    .and_then(|e| BankFileFormat::parse(&e.to_string_lossy()))
                    .with_context(|| {
                        format!(
                            "cannot tell the format of {}: add --format json|csv|xlsx",
                            out.display()
                        )
                    })?,
            };
            let path = copilot.export_bank_to_path(&jobs, format, &out).await?;
            if json {
                print_json(&serde_json::json!({ "path": path }))?;
            } else {
                println!("exported to {}", path.display());
            }
        }
        Command::Bank(BankCommand::Validate { .. })
        | Command::Store(StoreCommand::Recover { .. })
        | Command::Models { .. }
        | Command::Report(_)
        | Command::Sync(_)
        | Command::Connector(_)
        | Command::Policy(_)
        | Command::Consent(_)
        | Command::Vision(_)
        | Command::Eval(_)
        | Command::Replay { .. } => {
            unreachable!("handled before dispatch")
        }
        Command::Job(JobCommand::List) => {
            let jobs = copilot.list_jobs().await?;
            if json {
                print_json(&jobs)?;
            } else {
                for job in jobs {
                    println!(
                        "{:<24} v{:<3} {:>2} competencies {:>3} questions  {} / {}",
                        job.id,
                        job.latest_version,
                        job.competency_count,
                        job.question_count,
                        job.title.en,
                        job.title.zh
                    );
                }
            }
        }
        Command::Job(JobCommand::Show { job_id, version }) => {
            let model = copilot.job(&job_id, version).await?;
            if json {
                print_json(&model)?;
            } else {
                print_job(&model.definition, model.version);
            }
        }
        Command::Interview(InterviewCommand::Create {
            job,
            candidate,
            contact,
            resume,
            interviewers,
            language,
            minutes,
            at,
        }) => {
            let resume_text = read_resume(resume.as_deref())?;
            let interview = copilot
                .create_interview(&NewInterview {
                    job_id: job,
                    candidate_name: candidate,
                    candidate_contact: contact,
                    resume_text,
                    interviewers,
                    language: language.into(),
                    budget_minutes: minutes,
                    scheduled_at: at,
                })
                .await?;
            if json {
                print_json(&interview)?;
            } else {
                println!(
                    "created interview {} (job {} v{})",
                    interview.id, interview.job_id, interview.model_version
                );
                print_plan(&interview.plan);
            }
        }
        Command::Interview(InterviewCommand::Plan {
            job,
            resume,
            language,
            minutes,
        }) => {
            let resume_text = read_resume(resume.as_deref())?;
            let plan = copilot
                .preview_plan(&PlanRequest {
                    job_id: job,
                    resume_text,
                    budget_minutes: minutes,
                    language: language.into(),
                })
                .await?;
            if json {
                print_json(&plan)?;
            } else {
                print_plan(&plan);
            }
        }
        Command::Interview(InterviewCommand::List) => {
            let interviews = copilot.list_interviews().await?;
            if json {
                print_json(&interviews)?;
            } else {
                for interview in interviews {
                    print_interview_line(&interview);
                }
            }
        }
        Command::Store(StoreCommand::Info) => {
            let info = copilot.app_info().await?;
            if json {
                print_json(&info)?;
            } else {
                println!("data folder: {}", info.data_dir);
                match info.recovery_key {
                    Some(key) => println!(
                        "recovery key (write it down; shown until acknowledged in the app): {key}"
                    ),
                    None => println!("recovery key: already shown and acknowledged"),
                }
            }
        }
    }
    Ok(())
}

async fn replay(command: Command, job: Option<serde_json::Value>) -> Result<()> {
    let Command::Replay {
        audio,
        language,
        realtime,
        model,
        ..
    } = command
    else {
        unreachable!("only called for replay")
    };
    let args = copilot_speech::ReplayArgs {
        audio,
        job,
        language,
        realtime,
        model,
    };
    tokio::task::spawn_blocking(move || copilot_speech::replay_main(args)).await?
}

fn read_job_file(path: &Path) -> Result<serde_json::Value> {
    let bytes = read_file(path)?;
    serde_json::from_slice(&bytes).with_context(|| {
        format!(
            "{} is not a JSON job file: pass a job id or a job JSON file",
            path.display()
        )
    })
}

fn validate_files(files: &[PathBuf], json: bool) -> Result<()> {
    let mut failed = 0;
    for file in files {
        let bytes = read_file(file)?;
        match Copilot::validate_bank(&display_name(file), &bytes) {
            Ok(jobs) => {
                if json {
                    print_json(
                        &serde_json::json!({"file": file, "valid": true, "jobs": jobs.iter().map(|j| &j.id).collect::<Vec<_>>()}),
                    )?;
                } else {
                    println!("{}: valid ({} jobs)", file.display(), jobs.len());
                }
            }
            Err(error) => {
                failed += 1;
                if json {
                    print_json(&serde_json::json!({"file": file, "valid": false, "error": error}))?;
                } else {
                    println!("{}: {}", file.display(), error.message);
                    for detail in &error.details {
                        println!("  - {detail}");
                    }
                }
            }
        }
    }
    anyhow::ensure!(
        failed == 0,
        "{failed} of {} files are not valid banks",
        files.len()
    );
    Ok(())
}

fn read_file(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| {
        format!(
            "cannot read {}: check the path and permissions",
            path.display()
        )
    })
}

fn read_resume(path: Option<&Path>) -> Result<String> {
    match path {
        None => Ok(String::new()),
        Some(path) => Ok(Copilot::resume_text(
            &display_name(path),
            &read_file(path)?,
        )?),
    }
}

fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn print_json(value: &impl serde::Serialize) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

fn print_job(job: &JobDefinition, version: u32) {
    println!(
        "{} (version {version}): {} / {}",
        job.id, job.title.en, job.title.zh
    );
    for competency in job.competencies_by_weight() {
        println!(
            "  {:>4.0}%  {:<22} {} / {}",
            competency.weight * 100.0,
            competency.id,
            competency.name.en,
            competency.name.zh
        );
        for question in job.questions_for(&competency.id) {
            println!("         {:<10} {}", question.id, question.en);
        }
    }
}

fn print_plan(plan: &Plan) {
    println!(
        "plan for {} v{}: {:.0} of {:.0} minutes, {} questions",
        plan.job_id,
        plan.model_version,
        plan.planned_minutes,
        plan.budget_minutes,
        plan.items.len()
    );
    for item in &plan.items {
        let text = item.personalised.as_ref().unwrap_or(&item.question);
        println!(
            "  [{:>4.1} min] {:<22} {:<10} {}",
            item.minutes,
            item.competency_id,
            item.question_id,
            text.get(plan.language)
        );
        println!(
            "               why: {}",
            item.explanation.get(plan.language)
        );
    }
    for skipped in &plan.skipped {
        println!(
            "  skipped {} {}: {}",
            skipped.competency_id,
            skipped.question_id,
            skipped.explanation.get(plan.language)
        );
    }
}

fn print_interview_line(interview: &Interview) {
    println!(
        "{}  {:<12} {:<20} {:<24} v{}  {}",
        interview.id,
        interview.status.as_str(),
        interview.candidate.name,
        interview.job_id,
        interview.model_version,
        interview.created_at.format("%Y-%m-%d %H:%M")
    );
}
