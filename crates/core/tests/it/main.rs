//! Cross-crate tests of the one API: store, bank codecs, library, résumé and planner together.

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
