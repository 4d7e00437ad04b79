//! Jobs and their versions, interviews pinned to a version, settings and the library marker.

use copilot_domain::{InterviewStatus, JobDefinition};
use copilot_secrets::MemorySecretStore;
use copilot_store::{SavedVersion, StoreError};

use crate::common::{at, create, fixture_job, fixture_jobs, interview, place, reopen};

fn edited(job: &JobDefinition, title: &str) -> JobDefinition {
    let mut job = job.clone();
    job.title.en = title.to_string();
    job
}

#[tokio::test]
async fn jobs_round_trip_and_versions_only_change_with_content() -> anyhow::Result<()> {
    let place = place();
    let secrets = MemorySecretStore::new();
    let (store, _) = create(&place.path, &secrets).await;
    let jobs = fixture_jobs();

    let saved = store.save_jobs(&jobs).await?;
    let expected: Vec<SavedVersion> = jobs
        .iter()
        .map(|job| SavedVersion {
            job_id: job.id.clone(),
            version: 1,
            created_new_version: true,
        })
        .collect();
    assert_eq!(saved, expected);

    let summaries = store.list_jobs().await?;
    let mut sorted_ids: Vec<&str> = jobs.iter().map(|job| job.id.as_str()).collect();
    sorted_ids.sort_unstable();
    assert_eq!(
        summaries.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
        sorted_ids
    );
    for summary in &summaries {
        let job = jobs.iter().find(|job| job.id == summary.id).expect("saved");
        assert_eq!(summary, &job.summary(1));
    }

    for job in &jobs {
        let latest = store.job(&job.id, None).await?;
        assert_eq!(&latest.definition, job);
        assert_eq!(latest.version, 1);
        assert_eq!(latest.content_hash, job.content_hash());
        assert_eq!(store.job(&job.id, Some(1)).await?, latest);
    }

    // Saving the same content again (even with another fixture `set` tag) changes nothing.
    let mut same = jobs[0].clone();
    same.set = Some("heldout".into());
    let again = store.save_job(&same).await?;
    assert_eq!((again.version, again.created_new_version), (1, false));

    // An edit is version 2; both versions stay readable.
    let v2 = edited(&jobs[0], "Edited title");
    let saved = store.save_job(&v2).await?;
    assert_eq!((saved.version, saved.created_new_version), (2, true));
    let versions = store.job_versions(&jobs[0].id).await?;
    assert_eq!(
        versions.iter().map(|v| v.version).collect::<Vec<_>>(),
        [1, 2]
    );
    assert_eq!(versions[0].definition, jobs[0]);
    assert_eq!(versions[1].definition, v2);
    assert_eq!(store.job(&jobs[0].id, None).await?.definition, v2);
    let listed = store.list_jobs().await?;
    let line = listed.iter().find(|s| s.id == jobs[0].id).expect("listed");
    assert_eq!(
        (line.latest_version, line.title.en.as_str()),
        (2, "Edited title")
    );

    // Going back to the first content is a new version 3, not a rewrite of history.
    let back = store.save_job(&jobs[0]).await?;
    assert_eq!((back.version, back.created_new_version), (3, true));

    // Survives closing and reopening.
    store.close().await;
    let store = reopen(&place.path, &secrets).await;
    assert_eq!(store.job_versions(&jobs[0].id).await?.len(), 3);
    store.close().await;
    Ok(())
}

#[tokio::test]
async fn unknown_jobs_and_versions_are_named_in_the_error() -> anyhow::Result<()> {
    let place = place();
    let secrets = MemorySecretStore::new();
    let (store, _) = create(&place.path, &secrets).await;
    store.save_job(&fixture_job("sales_rep")).await?;

    let error = store.job("no_such_job", None).await.expect_err("unknown");
    assert!(matches!(&error, StoreError::JobNotFound { job_id } if job_id == "no_such_job"));
    assert!(error.to_string().contains("\"no_such_job\""), "{error}");
    let error = store
        .job_versions("no_such_job")
        .await
        .expect_err("unknown");
    assert!(matches!(error, StoreError::JobNotFound { .. }), "{error:?}");

    let error = store
        .job("sales_rep", Some(7))
        .await
        .expect_err("no version 7");
    assert!(
        matches!(&error, StoreError::JobVersionNotFound { job_id, version: 7, latest: 1 } if job_id == "sales_rep"),
        "{error:?}"
    );
    store.close().await;
    Ok(())
}

#[tokio::test]
async fn save_jobs_is_all_or_nothing() -> anyhow::Result<()> {
    let place = place();
    let secrets = MemorySecretStore::new();
    let (store, _) = create(&place.path, &secrets).await;
    let jobs = fixture_jobs();

    // Two good jobs, then one whose weights no longer sum to 1: the first two were already
    // written inside the transaction when the third fails.
    let mut broken = jobs[2].clone();
    broken.competencies[0].weight += 0.5;
    let batch = vec![jobs[0].clone(), jobs[1].clone(), broken.clone()];
    let error = store
        .save_jobs(&batch)
        .await
        .expect_err("the third job is invalid");
    assert!(
        matches!(&error, StoreError::InvalidJob { job_id, .. } if *job_id == broken.id),
        "{error:?}"
    );
    assert!(error.to_string().contains("weights sum to"), "{error}");
    assert!(store.list_jobs().await?.is_empty(), "nothing may be saved");

    // Same with an existing job: its edit in a failed batch leaves it at version 1.
    store.save_job(&jobs[0]).await?;
    let batch = vec![edited(&jobs[0], "Edited in a failed batch"), broken];
    store.save_jobs(&batch).await.expect_err("invalid batch");
    let versions = store.job_versions(&jobs[0].id).await?;
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0].definition, jobs[0]);
    assert_eq!(store.list_jobs().await?.len(), 1);
    store.close().await;
    Ok(())
}

#[tokio::test]
async fn an_interview_keeps_the_model_version_it_was_planned_with() -> anyhow::Result<()> {
    let place = place();
    let secrets = MemorySecretStore::new();
    let (store, _) = create(&place.path, &secrets).await;
    let job = fixture_job("product_manager");
    store.save_job(&job).await?;

    let planned = interview("iv-1", &job, 1, 0);
    store.insert_interview(&planned).await?;
    assert_eq!(store.interview("iv-1").await?, planned);

    // The job is edited: version 2. The interview still loads, pinned to version 1.
    let edited_job = edited(&job, "Senior Product Manager");
    assert_eq!(store.save_job(&edited_job).await?.version, 2);
    let loaded = store.interview("iv-1").await?;
    assert_eq!(loaded.model_version, 1);
    let model = store
        .job(&loaded.job_id, Some(loaded.model_version))
        .await?;
    assert_eq!(model.definition, job);
    assert_ne!(model.definition.title, edited_job.title);

    // A later interview on version 2, with the same candidate but an updated résumé: the
    // first interview keeps the résumé it was planned with.
    let mut later = interview("iv-2", &edited_job, 2, 5);
    later.candidate.resume_text = "Now head of sales at Tillpoint.".into();
    store.insert_interview(&later).await?;
    assert_eq!(store.interview("iv-1").await?.candidate, planned.candidate);
    assert_eq!(store.interview("iv-2").await?, later);

    // Newest first.
    let listed = store.list_interviews().await?;
    assert_eq!(
        listed.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
        ["iv-2", "iv-1"]
    );
    store.close().await;
    Ok(())
}

#[tokio::test]
async fn interviews_that_cannot_be_saved_say_why() -> anyhow::Result<()> {
    let place = place();
    let secrets = MemorySecretStore::new();
    let (store, _) = create(&place.path, &secrets).await;
    let job = fixture_job("sales_rep");
    store.save_job(&job).await?;

    let error = store
        .insert_interview(&interview("iv-x", &job, 3, 0))
        .await
        .expect_err("version 3 does not exist");
    assert!(
        matches!(
            error,
            StoreError::JobVersionNotFound {
                version: 3,
                latest: 1,
                ..
            }
        ),
        "{error:?}"
    );
    let unknown = JobDefinition {
        id: "ghost".into(),
        ..job.clone()
    };
    let error = store
        .insert_interview(&interview("iv-y", &unknown, 1, 0))
        .await
        .expect_err("no such job");
    assert!(matches!(error, StoreError::JobNotFound { .. }), "{error:?}");

    let mut mismatched = interview("iv-z", &job, 1, 0);
    mismatched.plan.model_version = 2;
    let error = store
        .insert_interview(&mismatched)
        .await
        .expect_err("plan for v2");
    assert!(
        matches!(error, StoreError::PlanDoesNotMatch { .. }),
        "{error:?}"
    );

    store
        .insert_interview(&interview("iv-1", &job, 1, 0))
        .await?;
    let error = store
        .insert_interview(&interview("iv-1", &job, 1, 9))
        .await
        .expect_err("duplicate id");
    assert!(
        matches!(error, StoreError::InterviewExists { .. }),
        "{error:?}"
    );
    assert_eq!(store.list_interviews().await?.len(), 1);

    let error = store
        .interview("nope")
        .await
        .expect_err("unknown interview");
    assert!(
        matches!(&error, StoreError::InterviewNotFound { interview_id } if interview_id == "nope"),
        "{error:?}"
    );
    store.close().await;
    Ok(())
}

#[tokio::test]
async fn interview_status_changes_record_times_and_refuse_going_back() -> anyhow::Result<()> {
    let place = place();
    let secrets = MemorySecretStore::new();
    let (store, _) = create(&place.path, &secrets).await;
    let job = fixture_job("workshop_supervisor");
    store.save_job(&job).await?;
    store
        .insert_interview(&interview("iv-1", &job, 1, 0))
        .await?;
    store
        .insert_interview(&interview("iv-2", &job, 1, 1))
        .await?;

    store
        .set_interview_status("iv-1", InterviewStatus::InProgress, at(31))
        .await?;
    // Setting the same status again changes nothing (the start time stays).
    store
        .set_interview_status("iv-1", InterviewStatus::InProgress, at(40))
        .await?;
    store
        .set_interview_status("iv-1", InterviewStatus::Completed, at(59))
        .await?;
    let done = store.interview("iv-1").await?;
    assert_eq!(done.status, InterviewStatus::Completed);
    assert_eq!(
        (done.started_at, done.ended_at),
        (Some(at(31)), Some(at(59)))
    );

    for (id, to) in [
        ("iv-1", InterviewStatus::Planned),
        ("iv-1", InterviewStatus::InProgress),
        ("iv-1", InterviewStatus::Cancelled),
    ] {
        let error = store
            .set_interview_status(id, to, at(59))
            .await
            .expect_err("completed is final");
        assert!(
            matches!(error, StoreError::InvalidStatusChange { .. }),
            "{error:?}"
        );
    }
    store
        .set_interview_status("iv-2", InterviewStatus::Cancelled, at(2))
        .await?;
    let cancelled = store.interview("iv-2").await?;
    assert_eq!(
        (cancelled.started_at, cancelled.ended_at),
        (None, Some(at(2)))
    );

    let error = store
        .set_interview_status("nope", InterviewStatus::Completed, at(0))
        .await
        .expect_err("unknown");
    assert!(
        matches!(error, StoreError::InterviewNotFound { .. }),
        "{error:?}"
    );
    store.close().await;
    Ok(())
}

#[tokio::test]
async fn settings_and_the_library_marker_persist() -> anyhow::Result<()> {
    let place = place();
    let secrets = MemorySecretStore::new();
    let (store, _) = create(&place.path, &secrets).await;
    assert_eq!(store.setting("ui.language").await?, None);
    store.set_setting("ui.language", "zh").await?;
    store.set_setting("ui.language", "en").await?;
    store.set_setting("whisper.model", "tiny.en").await?;
    assert!(!store.library_seeded().await?);
    store.mark_library_seeded().await?;
    store.mark_library_seeded().await?;
    assert!(store.library_seeded().await?);
    store.close().await;

    let store = reopen(&place.path, &secrets).await;
    assert_eq!(store.setting("ui.language").await?.as_deref(), Some("en"));
    assert_eq!(
        store.setting("whisper.model").await?.as_deref(),
        Some("tiny.en")
    );
    assert!(store.library_seeded().await?);
    store.close().await;
    Ok(())
}

#[tokio::test]
async fn concurrent_writers_queue_instead_of_failing() -> anyhow::Result<()> {
    let place = place();
    let secrets = MemorySecretStore::new();
    let (store, _) = create(&place.path, &secrets).await;
    let mut tasks = tokio::task::JoinSet::new();
    for (i, job) in fixture_jobs().into_iter().enumerate() {
        for round in 0..3 {
            let writer = store.clone();
            let job = edited(&job, &format!("{} #{round}", job.title.en));
            tasks.spawn(async move { writer.save_job(&job).await.map(|_| ()) });
            let writer = store.clone();
            tasks.spawn(async move { writer.set_setting(&format!("k{i}"), "v").await });
        }
    }
    while let Some(result) = tasks.join_next().await {
        result??;
    }
    for summary in store.list_jobs().await? {
        assert_eq!(summary.latest_version, 3, "{}", summary.id);
    }
    store.close().await;
    Ok(())
}

#[tokio::test]
async fn reports_are_stored_per_interview_and_unknown_ones_are_named() -> anyhow::Result<()> {
    let place = place();
    let secrets = MemorySecretStore::new();
    let (store, _) = create(&place.path, &secrets).await;
    let job = fixture_job("sales_rep");
    store.save_job(&job).await?;
    store
        .insert_interview(&interview("iv-1", &job, 1, 0))
        .await?;

    let at = chrono::Utc::now();
    store
        .save_report("rp-1", "iv-1", at, r#"{"overall":{"score":75.0}}"#)
        .await?;
    assert_eq!(
        store.report_json("rp-1").await?,
        r#"{"overall":{"score":75.0}}"#
    );
    let listed = store.list_reports().await?;
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].0.as_str(), listed[0].1.as_str()),
        ("rp-1", "iv-1")
    );

    let missing = store.report_json("rp-9").await.unwrap_err();
    assert!(missing.to_string().contains("rp-9"), "{missing}");
    let orphan = store
        .save_report("rp-2", "iv-9", at, "{}")
        .await
        .unwrap_err();
    assert!(orphan.to_string().contains("iv-9"), "{orphan}");
    assert!(
        store
            .save_report("rp-3", "iv-1", at, "not json")
            .await
            .is_err(),
        "only valid JSON is stored"
    );
    assert_eq!(
        store.list_reports().await?.len(),
        1,
        "failed saves leave nothing behind"
    );
    store.close().await;
    Ok(())
}
