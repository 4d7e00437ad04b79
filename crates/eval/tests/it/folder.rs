//! The fixture folder, broken copies of it, and recognised segments placed by the timing files.

use std::path::{Path, PathBuf};

use copilot_engine::{Speaker, TranscriptSegment, text};
use copilot_eval::{
    Counts, EvalError, Tally, evaluate_transcripts, load_folder, run_recognised, run_transcript,
};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/interviews")
}

/// A copy of the fixture folder's jobs and sessions (no audio) to break.
fn copy_fixtures() -> anyhow::Result<tempfile::TempDir> {
    let dir = tempfile::tempdir()?;
    for sub in ["jobs", "sessions"] {
        std::fs::create_dir(dir.path().join(sub))?;
        for entry in std::fs::read_dir(fixtures().join(sub))? {
            let path = entry?.path();
            std::fs::copy(
                &path,
                dir.path()
                    .join(sub)
                    .join(path.file_name().unwrap_or_default()),
            )?;
        }
    }
    Ok(dir)
}

fn message(result: Result<copilot_eval::Folder, EvalError>) -> String {
    match result {
        Ok(_) => "loaded".to_string(),
        Err(e) => e.to_string(),
    }
}

#[test]
fn the_fixture_folder_loads_and_scores_every_interview() -> anyhow::Result<()> {
    let folder = load_folder(&fixtures())?;
    assert_eq!(folder.jobs.len(), 4);
    assert_eq!(folder.interviews.len(), 4);
    let figures = evaluate_transcripts(&folder).figures();
    assert_eq!(figures.interviews, 4);
    for (name, prf) in [
        ("asked", figures.asked),
        ("evidenced", figures.evidenced),
        ("star", figures.star),
        ("facts", figures.facts),
    ] {
        assert!(
            (0.0..=1.0).contains(&prf.precision) && (0.0..=1.0).contains(&prf.recall),
            "{name}: {prf:?}"
        );
        let harmonic = 2.0 * prf.precision * prf.recall / (prf.precision + prf.recall);
        assert!((prf.f1 - harmonic).abs() < 1e-12, "{name}: {prf:?}");
    }
    Ok(())
}

#[test]
fn counts_give_precision_recall_and_f1() {
    let c = Counts {
        tp: 6,
        fp: 2,
        fn_: 4,
    };
    assert!((c.precision() - 0.75).abs() < 1e-12);
    assert!((c.recall() - 0.6).abs() < 1e-12);
    assert!((c.f1() - 2.0 * 0.75 * 0.6 / 1.35).abs() < 1e-12);
    let none = Counts::default();
    assert_eq!(
        (none.precision(), none.recall(), none.f1()),
        (1.0, 1.0, 1.0)
    );
    let all_wrong = Counts {
        tp: 0,
        fp: 3,
        fn_: 2,
    };
    assert_eq!(all_wrong.f1(), 0.0);
}

#[test]
fn the_end_state_derived_from_the_labels_matches_the_files() -> anyhow::Result<()> {
    let folder = load_folder(&fixtures())?;
    for loaded in &folder.interviews {
        let job = folder.job(&loaded.interview);
        let stated = loaded
            .interview
            .expected
            .final_state
            .clone()
            .ok_or_else(|| anyhow::anyhow!("{} has expected.final", loaded.interview.id))?;
        let mut unlabelled = loaded.interview.clone();
        unlabelled.expected.final_state = None;
        let derived = unlabelled.gold_final(job);
        assert_eq!(
            derived.uncovered, stated.uncovered,
            "{}",
            loaded.interview.id
        );
        for (id, gold) in &stated.per_competency {
            assert_eq!(
                derived.per_competency.get(id).map(|g| &g.status),
                Some(&gold.status),
                "{} {id}",
                loaded.interview.id
            );
        }
    }
    Ok(())
}

#[test]
fn a_missing_folder_names_the_path_and_the_format() {
    let text = message(load_folder(Path::new("/nonexistent/eval-folder")));
    assert!(
        text.contains("/nonexistent/eval-folder is not a folder"),
        "{text}"
    );
    assert!(text.contains("jobs/ and sessions/"), "{text}");
}

#[test]
fn a_folder_without_sessions_says_what_to_add() -> anyhow::Result<()> {
    let dir = copy_fixtures()?;
    std::fs::remove_dir_all(dir.path().join("sessions"))?;
    let text = message(load_folder(dir.path()));
    assert!(text.contains("sessions is missing"), "{text}");
    assert!(text.contains("sessions/<session_id>.json"), "{text}");
    Ok(())
}

#[test]
fn every_bad_session_is_reported_with_its_file_and_fix() -> anyhow::Result<()> {
    let dir = copy_fixtures()?;
    let sessions = dir.path().join("sessions");
    // Malformed JSON.
    std::fs::write(
        sessions.join("dev-pm-en-01.json"),
        "{\"id\": \"dev-pm-en-01\", ",
    )?;
    // A job that is not in the folder.
    let path = sessions.join("dev-sales-en-01.json");
    let mut raw: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
    raw["job_id"] = "barista".into();
    std::fs::write(&path, serde_json::to_string(&raw)?)?;
    // A label naming a competency the job does not have.
    let path = sessions.join("dev-teacher-zh-01.json");
    let mut raw: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
    raw["turns"][2]["labels"]["asks"] = serde_json::json!(["latte_art"]);
    std::fs::write(&path, serde_json::to_string(&raw)?)?;

    let text = message(load_folder(dir.path()));
    assert!(text.starts_with("3 problems"), "{text}");
    assert!(
        text.contains("dev-pm-en-01.json is not a valid labelled interview"),
        "{text}"
    );
    assert!(text.contains("fix the file"), "{text}");
    assert!(
        text.contains("dev-sales-en-01.json: job_id \"barista\" has no job in"),
        "{text}"
    );
    assert!(text.contains("barista.json or fix job_id"), "{text}");
    assert!(
        text.contains("dev-teacher-zh-01.json: turn 2 names competency \"latte_art\""),
        "{text}"
    );
    Ok(())
}

#[test]
fn a_job_file_that_does_not_parse_is_named_once() -> anyhow::Result<()> {
    let dir = copy_fixtures()?;
    std::fs::write(dir.path().join("jobs").join("sales_rep.json"), "[]")?;
    let text = message(load_folder(dir.path()));
    assert!(
        text.contains("sales_rep.json is not a valid job file"),
        "{text}"
    );
    assert!(!text.contains("has no job in"), "{text}");
    Ok(())
}

#[test]
fn audio_is_optional_per_interview_and_checked_when_present() -> anyhow::Result<()> {
    let dir = copy_fixtures()?;
    let folder = load_folder(dir.path())?;
    assert!(folder.audio(&folder.interviews[0].interview)?.is_none());
    let id = &folder.interviews[0].interview.id;
    std::fs::create_dir_all(dir.path().join("audio").join(id))?;
    let text = match folder.audio(&folder.interviews[0].interview) {
        Ok(_) => "found".to_string(),
        Err(e) => e.to_string(),
    };
    assert!(text.contains("timing.json: missing"), "{text}");
    assert!(text.contains("make_audio.sh"), "{text}");
    let real = load_folder(&fixtures())?;
    for loaded in &real.interviews {
        let audio = real
            .audio(&loaded.interview)?
            .ok_or_else(|| anyhow::anyhow!("{} has audio", loaded.interview.id))?;
        assert_eq!(audio.timing.turns.len(), loaded.interview.turns.len());
        assert!(audio.wav.is_file());
    }
    Ok(())
}

/// Segments that say exactly the script, at the recording's times, one per sentence: the scripted
/// turns they fall in are found from the timing file, and they score like the script.
#[test]
fn recognised_segments_are_placed_in_their_turns_by_the_timing_file() -> anyhow::Result<()> {
    let folder = load_folder(&fixtures())?;
    let mut from_script = Tally::default();
    let mut from_segments = Tally::default();
    for loaded in &folder.interviews {
        let interview = &loaded.interview;
        let job = folder.job(interview);
        let timing = folder
            .audio(interview)?
            .ok_or_else(|| anyhow::anyhow!("{} has audio", interview.id))?
            .timing;
        let mut segments = Vec::new();
        for (t, span) in interview.turns.iter().zip(&timing.turns) {
            let speaker = match t.speaker {
                copilot_eval::fixture::Role::Interviewer => Speaker::Interviewer,
                copilot_eval::fixture::Role::Candidate => Speaker::Candidate,
            };
            let sentences = text::sentences(&t.text);
            let (start, end) = ((span.start_s * 1000.0) as u64, (span.end_s * 1000.0) as u64);
            let step = (end - start) / sentences.len().max(1) as u64;
            for (k, s) in sentences.iter().enumerate() {
                segments.push(TranscriptSegment {
                    speaker,
                    start_ms: start + k as u64 * step,
                    end_ms: start + (k as u64 + 1) * step,
                    text: s.text.clone(),
                    language: Some(interview.language),
                });
            }
        }
        // Out of order on purpose: the pipeline's two channels do not interleave perfectly.
        segments.reverse();
        let run = run_recognised(interview, job, &timing, segments);
        for (t, turn_run) in interview.turns.iter().zip(&run.turns) {
            assert_eq!(
                turn_run.engine_turns.len(),
                1,
                "{} turn {} becomes one engine turn",
                interview.id,
                t.index
            );
        }
        from_segments.add(interview, job, &run);
        from_script.add(interview, job, &run_transcript(interview, job));
    }
    let (a, b) = (from_script.figures(), from_segments.figures());
    assert_eq!(a.asked, b.asked);
    assert_eq!(a.uncovered_exact, b.uncovered_exact);
    for (name, x, y) in [
        ("evidenced", a.evidenced.f1, b.evidenced.f1),
        ("star", a.star.f1, b.star.f1),
        ("facts", a.facts.f1, b.facts.f1),
    ] {
        assert!(
            (x - y).abs() <= 0.05,
            "{name}: script {x:.3}, segments {y:.3}"
        );
    }
    Ok(())
}
