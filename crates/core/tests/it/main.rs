//! Cross-crate tests of the one API: store, bank codecs, library, résumé and planner together.

mod consent;
mod listen;
mod reports;
mod sync;

use copilot_core::{
    AppConfig, BankFileFormat, Copilot, ErrorCode, MemorySecretStore, NewInterview, PlanRequest,
};
use copilot_domain::{InterviewStatus, Language};

fn fixture(path: &str) -> Vec<u8> {
    let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/interviews")
        .join(path);
    std::fs::read(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

async fn open_fresh() -> (tempfile::TempDir, MemorySecretStore, Copilot) {
    let dir = tempfile::tempdir().unwrap();
    let secrets = MemorySecretStore::default();
    let copilot = Copilot::open(&AppConfig::new(dir.path()), &secrets)
        .await
        .unwrap();
    (dir, secrets, copilot)
}

#[tokio::test]
async fn first_run_seeds_the_library_and_shows_the_recovery_key_until_acknowledged() {
    let (dir, secrets, copilot) = open_fresh().await;
    let info = copilot.app_info().await.unwrap();
    let key = info.recovery_key.expect("first run shows a recovery key");
    assert!(key.len() >= 52, "recovery key too short: {key}");
    let jobs = copilot.list_jobs().await.unwrap();
    let mut ids: Vec<&str> = jobs.iter().map(|j| j.id.as_str()).collect();
    ids.sort();
    assert_eq!(
        ids,
        [
            "customer_service_lead",
            "primary_teacher",
            "product_manager",
            "sales_rep",
            "software_engineer",
            "workshop_supervisor"
        ]
    );
    copilot.acknowledge_recovery_key().await.unwrap();
    copilot.close().await;

    let reopened = Copilot::open(&AppConfig::new(dir.path()), &secrets)
        .await
        .unwrap();
    assert_eq!(reopened.app_info().await.unwrap().recovery_key, None);
    assert_eq!(
        reopened.list_jobs().await.unwrap().len(),
        6,
        "the library is seeded once"
    );
}

#[tokio::test]
async fn the_recovery_key_reopens_the_database_when_the_keychain_entry_is_lost() {
    let (dir, _secrets, copilot) = open_fresh().await;
    let key = copilot.app_info().await.unwrap().recovery_key.unwrap();
    copilot.close().await;

    let empty_keychain = MemorySecretStore::default();
    let refused = Copilot::open(&AppConfig::new(dir.path()), &empty_keychain)
        .await
        .err()
        .unwrap();
    assert_eq!(refused.code, ErrorCode::DatabaseKeyMissing, "{refused}");
    assert!(
        refused.message.contains("recover"),
        "the error names the fix: {refused}"
    );

    let recovered = Copilot::recover(&AppConfig::new(dir.path()), &empty_keychain, &key)
        .await
        .unwrap();
    assert_eq!(recovered.list_jobs().await.unwrap().len(), 6);
    recovered.close().await;
    Copilot::open(&AppConfig::new(dir.path()), &empty_keychain)
        .await
        .expect("the key is back in the keychain");
}

#[tokio::test]
async fn editing_a_model_makes_a_new_version_and_interviews_keep_theirs() {
    let (_dir, _secrets, copilot) = open_fresh().await;
    let interview = copilot
        .create_interview(&NewInterview {
            job_id: "sales_rep".into(),
            candidate_name: "Jordan Lee".into(),
            candidate_contact: "jordan@example.com".into(),
            resume_text: "Account executive at Tillpoint, 3 years; 122% of quota last year.".into(),
            interviewers: vec!["Megan Clarke".into()],
            language: Language::En,
            budget_minutes: 30.0,
            scheduled_at: Some("2026-11-23T09:30:00+08:00".into()),
        })
        .await
        .unwrap();
    assert_eq!(
        (interview.model_version, interview.status),
        (1, InterviewStatus::Planned)
    );
    assert!(!interview.plan.items.is_empty());

    let mut job = copilot.job("sales_rep", None).await.unwrap().definition;
    let unchanged = copilot.save_job(&job).await.unwrap();
    assert_eq!(
        (unchanged.version, unchanged.created_new_version),
        (1, false)
    );
    job.competencies[0].name.en.push_str(" (revised)");
    let edited = copilot.save_job(&job).await.unwrap();
    assert_eq!((edited.version, edited.created_new_version), (2, true));
    assert_eq!(copilot.job_versions("sales_rep").await.unwrap().len(), 2);

    let stored = copilot.interview(&interview.id).await.unwrap();
    assert_eq!(stored.model_version, 1);
    let old = copilot
        .job("sales_rep", Some(stored.model_version))
        .await
        .unwrap();
    assert!(
        !old.definition.competencies[0]
            .name
            .en
            .ends_with("(revised)")
    );
}

#[tokio::test]
async fn invalid_edits_are_refused_with_every_problem_named() {
    let (_dir, _secrets, copilot) = open_fresh().await;
    let mut job = copilot
        .job("product_manager", None)
        .await
        .unwrap()
        .definition;
    job.competencies[0].weight += 0.3;
    let error = copilot.save_job(&job).await.err().unwrap();
    assert_eq!(error.code, ErrorCode::InvalidInput);
    assert!(
        error
            .details
            .iter()
            .any(|d| d.contains("weights sum to 1.300")),
        "{error:?}"
    );
    assert_eq!(
        copilot.job_versions("product_manager").await.unwrap().len(),
        1
    );
}

#[tokio::test]
async fn imports_are_all_or_nothing_and_exports_round_trip_in_every_format() {
    let (_dir, _secrets, copilot) = open_fresh().await;
    let mut job: serde_json::Value =
        serde_json::from_slice(&fixture("jobs/sales_rep.json")).unwrap();
    job["id"] = "sales_rep_import".into();
    let good = serde_json::to_vec(&job).unwrap();
    let report = copilot
        .import_bank("sales_rep_import.json", &good)
        .await
        .unwrap();
    assert_eq!(report.jobs.len(), 1);
    assert_eq!(report.jobs[0].job_id, "sales_rep_import");

    let mut broken = job.clone();
    broken["id"] = "never_saved".into();
    broken["questions"][0]["competency"] = "no_such_competency".into();
    let mut second = job.clone();
    second["id"] = "also_never_saved".into();
    let file = serde_json::to_vec(
        &serde_json::json!({"schema": "interview-copilot/bank@1", "jobs": [second, broken]}),
    )
    .unwrap();
    let error = copilot
        .import_bank("two_jobs.json", &file)
        .await
        .err()
        .unwrap();
    assert_eq!(error.code, ErrorCode::ImportRejected);
    assert!(
        error
            .details
            .iter()
            .any(|d| d.contains("no_such_competency")),
        "{error:?}"
    );
    let ids: Vec<String> = copilot
        .list_jobs()
        .await
        .unwrap()
        .into_iter()
        .map(|j| j.id)
        .collect();
    assert!(
        !ids.iter().any(|id| id == "also_never_saved"),
        "a rejected import saves nothing"
    );

    for format in [
        BankFileFormat::Json,
        BankFileFormat::Csv,
        BankFileFormat::Xlsx,
    ] {
        let exported = copilot
            .export_bank(&["workshop_supervisor".into()], format)
            .await
            .unwrap();
        assert_eq!(
            exported.file_name,
            format!("workshop_supervisor.{}", format.extension())
        );
        let jobs = Copilot::validate_bank(&exported.file_name, &exported.bytes).unwrap();
        let original = copilot
            .job("workshop_supervisor", None)
            .await
            .unwrap()
            .definition;
        assert_eq!(jobs, vec![original], "{format:?} round trip");
        let again = copilot
            .import_bank(&exported.file_name, &exported.bytes)
            .await
            .unwrap();
        assert!(
            !again.jobs[0].created_new_version,
            "re-importing an unchanged job adds no version"
        );
    }
}

#[tokio::test]
async fn the_plan_is_tailored_to_the_resume_and_fits_the_budget() {
    let (_dir, _secrets, copilot) = open_fresh().await;
    let plan = copilot
        .preview_plan(&PlanRequest {
            job_id: "software_engineer".into(),
            resume_text: "Backend engineer at Ferrylink, 4 years. Led the migration of the payments service to Rust; cut p99 latency by 40%. Mentored 3 juniors.".into(),
            budget_minutes: 45.0,
            language: Language::En,
        })
        .await
        .unwrap();
    assert!(plan.planned_minutes <= 45.0);
    assert!(
        plan.items.iter().any(|i| i.personalised.is_some()),
        "some question is personalised: {plan:#?}"
    );
    let too_short = copilot
        .preview_plan(&PlanRequest {
            job_id: "software_engineer".into(),
            resume_text: String::new(),
            budget_minutes: 1.0,
            language: Language::Zh,
        })
        .await
        .err()
        .unwrap();
    assert_eq!(too_short.code, ErrorCode::InvalidInput);
}

#[tokio::test]
async fn unknown_jobs_and_interviews_are_not_found_errors() {
    let (_dir, _secrets, copilot) = open_fresh().await;
    assert_eq!(
        copilot.job("nope", None).await.err().unwrap().code,
        ErrorCode::NotFound
    );
    assert_eq!(
        copilot.interview("nope").await.err().unwrap().code,
        ErrorCode::NotFound
    );
}

#[test]
fn typescript_bindings_match_the_rust_types() {
    let committed = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/bindings");
    let fresh = tempfile::tempdir().unwrap();
    copilot_core::export_bindings(fresh.path()).unwrap();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        let _ = std::fs::remove_dir_all(&committed);
        std::fs::create_dir_all(&committed).unwrap();
        for entry in std::fs::read_dir(fresh.path()).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), committed.join(entry.file_name())).unwrap();
        }
    }
    let read_all = |dir: &std::path::Path| {
        let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .map(|e| {
                        let e = e.unwrap();
                        (
                            e.file_name().to_string_lossy().into_owned(),
                            std::fs::read_to_string(e.path()).unwrap(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        files
    };
    assert!(
        read_all(fresh.path()) == read_all(&committed),
        "ui/src/bindings is out of date with the Rust types: run `UPDATE_BINDINGS=1 cargo test -p copilot-core --test it typescript_bindings` and commit the result"
    );
}

/// A planned sales interview (Jordan Lee, interviewer Megan, 30 min); its id.
pub(crate) async fn new_interview(copilot: &Copilot) -> String {
    copilot
        .create_interview(&NewInterview {
            job_id: "sales_rep".into(),
            candidate_name: "Jordan Lee".into(),
            candidate_contact: String::new(),
            resume_text: String::new(),
            interviewers: vec!["Megan".into()],
            language: Language::En,
            budget_minutes: 30.0,
            scheduled_at: None,
        })
        .await
        .unwrap()
        .id
}

/// The scripted sales interview (text, with times from word counts) fed through a session.
async fn run_scripted_sales_interview(copilot: &Copilot) -> copilot_core::report::Report {
    let session_json: serde_json::Value =
        serde_json::from_slice(&fixture("sessions/dev-sales-en-01.json")).unwrap();
    let interview_id = new_interview(copilot).await;
    let mut session = copilot.start_session(&interview_id).await.unwrap();
    let mut at_ms = 0u64;
    let mut evidenced = 0;
    for turn in session_json["turns"].as_array().unwrap() {
        let text = turn["text"].as_str().unwrap();
        let length_ms = 400 * text.split_whitespace().count() as u64;
        let events = session.apply_transcript(
            turn["speaker"].as_str().unwrap(),
            at_ms,
            at_ms + length_ms,
            text,
            "en",
        );
        evidenced += events
            .iter()
            .filter(|e| matches!(e, copilot_core::engine::EngineEvent::EvidenceAdded { .. }))
            .count();
        at_ms += length_ms + 800;
    }
    assert!(evidenced >= 5, "the answers give evidence: {evidenced}");
    session.apply(copilot_core::engine::EngineInput::Note {
        at_ms,
        text: "Strong on renewals; check travel".into(),
        competency: Some("negotiation".into()),
    });
    for competency in [
        "customer_insight",
        "negotiation",
        "resilience",
        "teamwork",
        "product_knowledge",
        "goal_drive",
    ] {
        session.apply(copilot_core::engine::EngineInput::ManualRating {
            competency: competency.into(),
            rating: 4,
            at_ms,
        });
    }
    assert!(!session.state().evidenced.is_empty());
    copilot.finish_session(session).await.unwrap()
}

#[tokio::test]
async fn a_finished_session_becomes_a_stored_report_that_exports() {
    let (dir, secrets, copilot) = open_fresh().await;
    let report = run_scripted_sales_interview(&copilot).await;
    let confirmed: Vec<_> = report
        .competencies
        .iter()
        .filter_map(|c| c.confirmed.as_ref().map(|r| r.rating))
        .collect();
    assert_eq!(confirmed, [4; 6], "every confirmed rating is kept");
    let overall = report
        .overall
        .confirmed
        .as_ref()
        .expect("all confirmed: an overall score");
    assert!(
        (overall.score - 75.0).abs() < 0.01,
        "4 of 5 everywhere is 75/100: {}",
        overall.score
    );
    assert!(
        report.competencies.iter().any(|c| !c.evidence.is_empty()),
        "ratings point at quotes"
    );
    copilot.close().await;

    // Reopened: the report is in the encrypted store and the interview is completed.
    let copilot = Copilot::open(&AppConfig::new(dir.path()), &secrets)
        .await
        .unwrap();
    let listed = copilot.list_reports().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].report_id, report.report_id);
    assert_eq!(copilot.report(&report.report_id).await.unwrap(), report);
    let interview = copilot.interview(&listed[0].interview_id).await.unwrap();
    assert_eq!(interview.status, InterviewStatus::Completed);
    let again = copilot.start_session(&interview.id).await.err().unwrap();
    assert_eq!(again.code, ErrorCode::InvalidInput, "{}", again.message);

    let html = copilot
        .export_report(&report.report_id, copilot_core::ReportFormat::Html)
        .await
        .unwrap();
    assert!(
        html.contains("Jordan Lee") && html.contains("<html"),
        "{}",
        &html[..200.min(html.len())]
    );
    let json = copilot
        .export_report(&report.report_id, copilot_core::ReportFormat::Json)
        .await
        .unwrap();
    let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(
        json.contains("Strong on renewals"),
        "the interviewer's note is in the report"
    );
    assert!(
        !parsed["candidate_feedback"]
            .to_string()
            .contains("Strong on renewals"),
        "internal notes never reach the candidate's feedback"
    );
    let missing = copilot.report("no-such-report").await.err().unwrap();
    assert_eq!(missing.code, ErrorCode::NotFound);
    assert!(
        missing.message.contains("no-such-report"),
        "{}",
        missing.message
    );
}

/// The first 60 s of the English sales recording, through the real VAD and whisper.cpp, into a session.
#[tokio::test]
async fn recorded_audio_runs_through_the_real_pipeline_into_the_session() {
    let (dir, _secrets, copilot) = open_fresh().await;
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/interviews/audio/dev-sales-en-01/stereo.wav");
    assert!(
        source.is_file(),
        "{} is missing: run tests/fixtures/interviews/make_audio.sh",
        source.display()
    );
    let clip = dir.path().join("clip.wav");
    {
        let mut reader = hound::WavReader::open(&source).unwrap();
        let spec = reader.spec();
        let mut writer = hound::WavWriter::create(&clip, spec).unwrap();
        let keep = spec.sample_rate as usize * spec.channels as usize * 60;
        for sample in reader.samples::<i16>().take(keep) {
            writer.write_sample(sample.unwrap()).unwrap();
        }
        writer.finalize().unwrap();
    }
    let interview = copilot.create_demo_interview().await.unwrap();
    let mut session = copilot.start_session(&interview.id).await.unwrap();
    let mut speech_segments = Vec::new();
    let mut engine_events = 0;
    let totals = session
        .replay_audio(
            &clip,
            &copilot_core::ReplaySettings::default(),
            &mut |event| match event {
                copilot_core::LiveEvent::Speech(copilot_speech::SpeechEvent::Segment {
                    speaker,
                    text,
                    ..
                }) => speech_segments.push((speaker, text)),
                copilot_core::LiveEvent::Engine(_) => engine_events += 1,
                _ => {}
            },
        )
        .unwrap();
    assert!(totals.segments >= 4, "{totals:?}");
    assert!(
        speech_segments
            .iter()
            .any(|(s, _)| *s == copilot_audio::Channel::Interviewer)
            && speech_segments
                .iter()
                .any(|(s, _)| *s == copilot_audio::Channel::Candidate),
        "both channels heard: {speech_segments:?}"
    );
    assert!(engine_events > 0, "segments reached the engine");
    let state = session.state();
    assert!(state.turns.len() >= 3, "turns: {}", state.turns.len());
    let report = copilot.finish_session(session).await.unwrap();
    assert!(!report.timeline.is_empty());

    let missing = session_for_missing_audio(&copilot).await;
    assert_eq!(missing.code, ErrorCode::Speech, "{}", missing.message);
}

async fn session_for_missing_audio(copilot: &Copilot) -> copilot_core::CoreError {
    let interview = copilot.create_demo_interview().await.unwrap();
    let mut session = copilot.start_session(&interview.id).await.unwrap();
    session
        .replay_audio(
            std::path::Path::new("/nonexistent/interview.wav"),
            &copilot_core::ReplaySettings::default(),
            &mut |_| {},
        )
        .err()
        .unwrap()
}
