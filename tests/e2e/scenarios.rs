//! The scenarios, in the order they run. Each opens its own app window on the shared data folder.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;

use anyhow::{Context as _, Result, bail, ensure};
use copilot_bank::{BankFormat, ImportLimits};
use copilot_domain::{Bilingual, JobDefinition};

use crate::driver::{Settings, Window};

pub struct Context {
    pub settings: Settings,
    /// A scratch folder for generated import files and exports.
    pub work: PathBuf,
}

type Scenario = for<'a> fn(&'a Context) -> Pin<Box<dyn Future<Output = Result<()>> + 'a>>;

pub const ALL: &[(&str, Scenario)] = &[
    ("first_run_shows_the_recovery_key_once", |c| {
        Box::pin(first_run_shows_the_recovery_key_once(c))
    }),
    ("bundled_library_lists_six_jobs", |c| {
        Box::pin(bundled_library_lists_six_jobs(c))
    }),
    ("chinese_ui_is_remembered", |c| {
        Box::pin(chinese_ui_is_remembered(c))
    }),
    ("weight_sum_warning_then_save_makes_version_2", |c| {
        Box::pin(weight_sum_warning_then_save_makes_version_2(c))
    }),
    ("import_json_and_csv_and_reject_malformed_files", |c| {
        Box::pin(import_json_and_csv_and_reject_malformed_files(c))
    }),
    ("create_interview_with_a_personalised_plan", |c| {
        Box::pin(create_interview_with_a_personalised_plan(c))
    }),
    ("export_a_job_as_xlsx_to_a_path", |c| {
        Box::pin(export_a_job_as_xlsx_to_a_path(c))
    }),
    ("refused_database_shows_the_error_and_fix", |c| {
        Box::pin(refused_database_shows_the_error_and_fix(c))
    }),
    // The live interview runs after the interview list's own checks (they expect it empty at first).
    ("demo_interview_from_audio_to_report", |c| {
        Box::pin(crate::live::demo_interview_from_audio_to_report(c))
    }),
    ("chinese_live_screen", |c| {
        Box::pin(crate::live::chinese_live_screen(c))
    }),
    // HR sync after the live scenarios: their reports are queued when the connector is added.
    ("hr_sync_delivers_retries_resends_and_signs_in_again", |c| {
        Box::pin(crate::sync::hr_sync_delivers_retries_resends_and_signs_in_again(c))
    }),
    // Consent and the camera last: they choose a policy profile, which the earlier scenarios run without.
    ("consent_step_camera_cues_and_withdrawal", |c| {
        Box::pin(crate::vision::consent_step_camera_cues_and_withdrawal(c))
    }),
];

fn fixture(context: &Context, relative: &str) -> PathBuf {
    context
        .settings
        .repo
        .join("tests/fixtures/interviews")
        .join(relative)
}

fn read_job(path: &Path) -> Result<JobDefinition> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

async fn first_run_shows_the_recovery_key_once(context: &Context) -> Result<()> {
    let data_dir = &context.settings.data_dir;
    let leftovers = std::fs::read_dir(data_dir)
        .map(|entries| entries.count())
        .unwrap_or(0);
    ensure!(
        leftovers == 0,
        "the data folder {} is not empty: the first run needs a fresh one",
        data_dir.display()
    );

    let window = Window::launch(&context.settings).await?;
    let key = window.text("recovery-key").await?;
    ensure!(
        key.trim().len() >= 16,
        "the recovery key {key:?} is too short to be a key"
    );
    window.screenshot("first-run-recovery-key").await?;
    window.click("recovery-ack").await?;
    window.wait_gone("recovery-dialog").await?;
    window.el("job-list").await?;
    ensure!(
        data_dir.join("copilot.db").is_file(),
        "no copilot.db in {} after the first run",
        data_dir.display()
    );
    window.close().await?;

    // The second start must not show the key again.
    let window = Window::launch(&context.settings).await?;
    window.el("job-list").await?;
    ensure!(
        !window.exists("recovery-dialog").await?,
        "the recovery key was shown again on the second start"
    );
    ensure!(
        !window.text("app").await?.contains(key.trim()),
        "the recovery key is still visible on the second start"
    );
    window.close().await
}

async fn bundled_library_lists_six_jobs(context: &Context) -> Result<()> {
    let library = context.settings.repo.join("crates/bank/library");
    let mut expected: Vec<String> = std::fs::read_dir(&library)
        .with_context(|| format!("listing {}", library.display()))?
        .filter_map(|entry| {
            entry
                .ok()?
                .path()
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
        })
        .collect();
    expected.sort();
    ensure!(
        expected.len() == 6,
        "expected 6 library files in {}, found {expected:?}",
        library.display()
    );

    let window = Window::launch(&context.settings).await?;
    window.el("job-list").await?;
    let mut shown = Vec::new();
    for row in window.all("[data-testid^=\"job-row-\"]").await? {
        let testid = row.attr("data-testid").await?.unwrap_or_default();
        shown.push(testid.trim_start_matches("job-row-").to_string());
    }
    shown.sort();
    ensure!(
        shown == expected,
        "the job list shows {shown:?}, expected the bundled library {expected:?}"
    );
    window
        .wait_text("job-title-sales_rep", "Sales Representative")
        .await?;
    window.screenshot("job-list").await?;
    window.close().await
}

async fn chinese_ui_is_remembered(context: &Context) -> Result<()> {
    let window = Window::launch(&context.settings).await?;
    window.wait_text("nav-jobs", "Jobs").await?;
    window.click("lang-switch").await?;
    window.wait_text("nav-jobs", "岗位").await?;
    window.wait_text("app-title", "面试助手").await?;
    window.wait_text("job-list", "胜任力").await?;
    window.wait_text("job-title-sales_rep", "销售代表").await?;
    window.wait_text("lang-switch", "English").await?;
    window.screenshot("chinese-job-list").await?;
    window.close().await?;

    let window = Window::launch(&context.settings).await?;
    window.wait_text("nav-interviews", "面试").await?;
    window.click("lang-switch").await?;
    window.wait_text("nav-jobs", "Jobs").await?;
    window.close().await
}

async fn weight_sum_warning_then_save_makes_version_2(context: &Context) -> Result<()> {
    let window = Window::launch(&context.settings).await?;
    window.click("job-open-sales_rep").await?;
    window.wait_text("job-version", "Version 1").await?;
    window.wait_text("weight-sum", "100 %").await?;
    let first: f64 = window
        .value("competency-weight-0")
        .await?
        .parse()
        .context("first weight")?;
    let second: f64 = window
        .value("competency-weight-1")
        .await?
        .parse()
        .context("second weight")?;
    ensure!(
        second > 10.0,
        "the second weight ({second} %) is too small for this scenario"
    );

    window
        .fill("competency-weight-0", &format!("{}", first + 10.0))
        .await?;
    window.wait_text("weight-sum", "110 %").await?;
    ensure!(
        window.attr("weight-sum", "data-ok").await?.as_deref() == Some("false"),
        "110 % was not flagged"
    );
    window.wait_text("weight-sum", "must sum to 100 %").await?;
    window.screenshot("weight-sum-warning").await?;

    window
        .fill("competency-weight-1", &format!("{}", second - 10.0))
        .await?;
    window
        .wait_text("weight-sum", "Weights sum to 100 %")
        .await?;
    ensure!(
        window.attr("weight-sum", "data-ok").await?.as_deref() == Some("true"),
        "100 % was flagged"
    );
    window.click("job-save").await?;
    window
        .wait_text("save-status", "Saved as version 2")
        .await?;
    window.wait_text("job-version", "Version 2").await?;
    window.screenshot("saved-version-2").await?;

    window.click("tab-history").await?;
    window.el("version-row-2").await?;
    window.el("version-row-1").await?;
    window.screenshot("version-history").await?;
    window.click("editor-back").await?;
    window.wait_text("job-version-sales_rep", "v2").await?;
    window.close().await
}

/// A job that is not in the bundled library, as a CSV file written by the bank exporter.
fn csv_bank(context: &Context) -> Result<(PathBuf, JobDefinition)> {
    let mut job = read_job(&fixture(context, "jobs/workshop_supervisor.json"))?;
    job.id = "e2e_night_shift_lead".into();
    job.set = None;
    job.title = Bilingual::new("Night Shift Lead (E2E import)", "夜班主管（端到端导入）");
    let bytes = copilot_bank::export_bank(std::slice::from_ref(&job), BankFormat::Csv)?;
    let path = context.work.join("night_shift_lead.csv");
    std::fs::write(&path, bytes)?;
    Ok((path, job))
}

/// The same CSV with the weight of the first question row replaced by a word.
fn malformed_csv(context: &Context, valid: &Path) -> Result<PathBuf> {
    let text = std::fs::read_to_string(valid)?;
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut records: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>()?;
    let header = records.first().context("the exported CSV is empty")?;
    let weight_column = header
        .iter()
        .position(|h| h == "weight")
        .context("no weight column in the exported CSV")?;
    let row = records
        .get_mut(1)
        .context("the exported CSV has no data row")?;
    let cells: Vec<String> = row
        .iter()
        .enumerate()
        .map(|(i, cell)| {
            if i == weight_column {
                "heavy".to_string()
            } else {
                cell.to_string()
            }
        })
        .collect();
    *row = csv::StringRecord::from(cells);
    let mut writer = csv::Writer::from_writer(Vec::new());
    for record in &records {
        writer.write_record(record)?;
    }
    let path = context.work.join("broken_weights.csv");
    std::fs::write(&path, writer.into_inner()?)?;
    Ok(path)
}

async fn import_json_and_csv_and_reject_malformed_files(context: &Context) -> Result<()> {
    let window = Window::launch(&context.settings).await?;
    window.click("nav-io").await?;

    // A job file straight from the fixtures.
    let json = fixture(context, "jobs/product_manager.json");
    window.pick_file("import-file", &json).await?;
    window
        .wait_text("import-report", "product_manager.json")
        .await?;
    window.el("import-job-product_manager").await?;
    window.screenshot("import-json").await?;

    // A CSV bank holding a new job.
    let (csv_path, job) = csv_bank(context)?;
    window.pick_file("import-file", &csv_path).await?;
    window
        .wait_text("import-job-e2e_night_shift_lead", "version 1")
        .await?;

    // A CSV with a word where a weight belongs: rejected, naming the file, row and column.
    let broken = malformed_csv(context, &csv_path)?;
    window.pick_file("import-file", &broken).await?;
    let message = window
        .wait_text("import-error", "broken_weights.csv")
        .await?;
    ensure!(
        message.contains("row 2") && message.contains("weight"),
        "the import error does not name row 2 and the weight column: {message:?}"
    );
    window.screenshot("import-malformed-csv").await?;

    // Broken JSON: rejected with the line of the problem.
    let broken_json = context.work.join("truncated.json");
    let text = std::fs::read_to_string(&json)?;
    std::fs::write(&broken_json, &text[..text.len() / 2])?;
    window.pick_file("import-file", &broken_json).await?;
    let message = window.wait_text("import-error", "truncated.json").await?;
    ensure!(
        message.contains("line"),
        "the JSON error does not name a line: {message:?}"
    );

    // The new job is in the job list; the rejected files added nothing.
    window.click("nav-jobs").await?;
    window
        .wait_text(&format!("job-title-{}", job.id), "Night Shift Lead")
        .await?;
    let rows = window.count("[data-testid^=\"job-row-\"]").await?;
    ensure!(
        rows == 7,
        "expected 7 jobs after importing one new job, the list shows {rows}"
    );
    window.screenshot("job-list-after-import").await?;
    window.close().await
}

async fn create_interview_with_a_personalised_plan(context: &Context) -> Result<()> {
    let session: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(fixture(
        context,
        "sessions/dev-sales-en-01.json",
    ))?)?;
    let resume = session["candidate"]["resume"]
        .as_str()
        .context("the session has no candidate.resume")?;
    let name = session["candidate"]["name"]
        .as_str()
        .context("the session has no candidate.name")?;

    let window = Window::launch(&context.settings).await?;
    window.click("nav-interviews").await?;
    window.el("interviews-empty").await?;
    window.click("interview-new").await?;
    window.select("iv-job", "sales_rep").await?;
    window.fill("iv-name", name).await?;
    window.fill("iv-contact", "jordan.lee@example.com").await?;
    window.fill("iv-resume", resume).await?;
    window.fill("iv-interviewers", "Dana Wu, Sam Park").await?;
    window.select("iv-language", "en").await?;
    window.fill("iv-minutes", "30").await?;
    window.click("iv-preview").await?;
    window.el("plan").await?;
    window.wait_text("plan-summary", "of 30 minutes").await?;

    let personalised = window.count("[data-testid=\"plan-personalised\"]").await?;
    ensure!(
        personalised >= 1,
        "the plan has no personalised question for a résumé that names Tillpoint and a quota"
    );
    let mut questions = Vec::new();
    for element in window.all("[data-testid=\"plan-question\"]").await? {
        questions.push(element.text().await?);
    }
    // A personalised question quotes something the résumé really says.
    let quoted: Vec<&str> = questions
        .iter()
        .filter_map(|q| q.split('"').nth(1))
        .filter(|mention| !mention.is_empty() && resume.contains(mention))
        .collect();
    ensure!(
        !quoted.is_empty(),
        "no planned question quotes the résumé {resume:?}: {questions:#?}"
    );
    ensure!(
        window.count("[data-testid=\"plan-why\"]").await? == questions.len(),
        "a question lacks its explanation"
    );
    window.scroll_to("plan").await?;
    window.screenshot("plan-preview").await?;

    window.click("iv-create").await?;
    window.wait_text("interview-notice", name).await?;
    window.screenshot("interview-created").await?;
    window.click("iv-back").await?;
    window.wait_text("interview-list", name).await?;
    window
        .wait_text("interview-list", "Sales Representative")
        .await?;
    window.close().await
}

async fn export_a_job_as_xlsx_to_a_path(context: &Context) -> Result<()> {
    let target = context.work.join("exports/sales_rep.xlsx");
    std::fs::create_dir_all(target.parent().context("export path has no folder")?)?;

    let window = Window::launch(&context.settings).await?;
    window.click("nav-io").await?;
    window.click("export-job-sales_rep").await?;
    window.select("export-format", "xlsx").await?;
    let suggested = window.value("export-path").await?;
    ensure!(
        suggested.ends_with("sales_rep.xlsx"),
        "the suggested export path is {suggested:?}"
    );
    window
        .fill("export-path", &target.display().to_string())
        .await?;
    window.click("export-save").await?;
    window.wait_text("export-done", "sales_rep.xlsx").await?;
    window.screenshot("export-xlsx").await?;
    window.close().await?;

    let bytes = std::fs::read(&target)
        .with_context(|| format!("the export {} was not written", target.display()))?;
    ensure!(
        bytes.starts_with(b"PK"),
        "{} is not an XLSX (zip) file",
        target.display()
    );
    let jobs = copilot_bank::import_bank("sales_rep.xlsx", &bytes, &ImportLimits::default())?;
    let [job] = jobs.as_slice() else {
        bail!("the export holds {} jobs, expected 1", jobs.len())
    };
    ensure!(job.id == "sales_rep", "the export holds job {:?}", job.id);
    // The edit saved as version 2 (first weight +10 points, second -10) is what was exported.
    let original = read_job(
        &context
            .settings
            .repo
            .join("crates/bank/library/sales_rep.json"),
    )?;
    for (exported, before) in job.competencies.iter().zip(&original.competencies).take(2) {
        ensure!(
            (exported.weight - before.weight).abs() > 0.09,
            "competency {} was exported with weight {}, not the edited one",
            exported.id,
            exported.weight
        );
    }
    Ok(())
}

/// A data folder holding an unencrypted SQLite file: the window opens and explains, it does not crash.
async fn refused_database_shows_the_error_and_fix(context: &Context) -> Result<()> {
    let data_dir = context.work.join("plaintext-data");
    std::fs::create_dir_all(&data_dir)?;
    let mut plaintext = b"SQLite format 3\0".to_vec();
    plaintext.resize(4096, 0);
    std::fs::write(data_dir.join("copilot.db"), &plaintext)?;

    let args = ["--data-dir".to_string(), data_dir.display().to_string()];
    let window = Window::launch_with_args(&context.settings, &args).await?;
    window.el("startup-error").await?;
    let message = window.text("startup-error-box-message").await?;
    ensure!(
        message.contains("unencrypted"),
        "the start-up error does not say what is wrong: {message:?}"
    );
    window.wait_text("startup-hint", "Move it away").await?;
    window.screenshot("startup-error").await?;
    window.close().await?;
    let after = std::fs::read(data_dir.join("copilot.db"))?;
    ensure!(after == plaintext, "the refused database file was changed");
    Ok(())
}
