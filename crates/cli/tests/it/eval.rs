//! `copilot eval`: the figures on the fixture folder, the JSON shape, and bad folders.

use std::path::Path;

use crate::{copilot, fixtures, ok};

const KEYS: [&str; 6] = [
    "asked",
    "evidenced",
    "star",
    "facts",
    "uncovered_exact",
    "interviews",
];

fn check_figures(figures: &serde_json::Value, floors: &[(&str, f64)]) {
    let object = figures.as_object().expect("an object");
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys.sort_unstable();
    let mut expected = KEYS.to_vec();
    expected.sort_unstable();
    assert_eq!(keys, expected, "{figures}");
    for (name, floor) in floors {
        let part = &figures[*name];
        for field in ["precision", "recall", "f1"] {
            let value = part[field].as_f64().unwrap_or(-1.0);
            assert!((0.0..=1.0).contains(&value), "{name}.{field}: {figures}");
        }
        let f1 = part["f1"].as_f64().unwrap_or(0.0);
        assert!(f1 >= *floor, "{name} F1 {f1:.3} < {floor}: {figures}");
    }
}

/// Copies the fixtures' jobs and sessions (not the audio) into `dir`.
fn copy_without_audio(dir: &Path) {
    for sub in ["jobs", "sessions"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
        for entry in std::fs::read_dir(fixtures().join(sub)).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, dir.join(sub).join(path.file_name().unwrap())).unwrap();
        }
    }
}

#[test]
fn eval_scores_the_fixture_interviews_from_their_transcripts() {
    let dir = tempfile::tempdir().unwrap();
    let folder = fixtures();
    let out = ok(dir.path(), &["eval", folder.to_str().unwrap(), "--json"]);
    let figures: serde_json::Value = serde_json::from_str(&out).expect("one JSON object");
    // Measured (2026-12-01): F1 asked 1.000, evidenced 0.896, STAR 0.937, facts 0.986; 4/4 uncovered exact.
    check_figures(
        &figures,
        &[
            ("asked", 0.95),
            ("evidenced", 0.85),
            ("star", 0.9),
            ("facts", 0.95),
        ],
    );
    assert_eq!(figures["interviews"], 4);
    assert_eq!(figures["uncovered_exact"], 1.0);

    let text = ok(dir.path(), &["eval", folder.to_str().unwrap()]);
    for row in [
        "4 interviews, 4 jobs",
        "competencies asked",
        "competencies evidenced",
        "STAR parts",
        "key facts",
        "uncovered set exact at the end: 4 of 4 interviews",
    ] {
        assert!(text.contains(row), "{row:?} in:\n{text}");
    }
    assert!(
        !dir.path().join("copilot.db").exists(),
        "eval never opens the store"
    );
}

#[test]
fn eval_with_audio_says_which_interviews_have_no_recording() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("heldout");
    copy_without_audio(&folder);
    let run = copilot(
        dir.path(),
        &["eval", folder.to_str().unwrap(), "--audio", "--json"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let figures: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(figures["audio"].is_null(), "{figures}");
    assert_eq!(figures["interviews"], 4);
    assert!(
        run.stderr
            .contains("no audio for 4 of 4 interviews, skipped in the audio figures"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("dev-pm-en-01"), "{}", run.stderr);
}

#[test]
fn eval_names_the_bad_folder_or_file_and_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-folder");
    let run = copilot(dir.path(), &["eval", missing.to_str().unwrap(), "--json"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr.contains("no-such-folder is not a folder"),
        "{}",
        run.stderr
    );

    let folder = dir.path().join("broken");
    copy_without_audio(&folder);
    std::fs::remove_dir_all(folder.join("sessions")).unwrap();
    let run = copilot(dir.path(), &["eval", folder.to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("sessions is missing"), "{}", run.stderr);

    copy_without_audio(&folder);
    let bad = folder.join("sessions/dev-workshop-zh-01.json");
    std::fs::write(&bad, "{ not json").unwrap();
    let run = copilot(dir.path(), &["eval", folder.to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("dev-workshop-zh-01.json is not a valid labelled interview"),
        "{}",
        run.stderr
    );
}
