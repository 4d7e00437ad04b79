//! The outbox: written with the report in one transaction, claimed with a lease, surviving a
//! restart (and a sender that died mid-request), and every state change a sender records.

use std::time::Duration;

use chrono::{DateTime, Utc};
use copilot_domain::InterviewStatus;
use copilot_secrets::MemorySecretStore;
use copilot_store::{AssignedInterview, OutboxState, Store, StoreErrorKind, payload_sha256};

use crate::common::{at, create, fixture_job, interview, place, reopen};

async fn store_with_interview(store: &Store, id: &str) -> anyhow::Result<()> {
    let job = fixture_job("sales_rep");
    store.save_job(&job).await?;
    store.insert_interview(&interview(id, &job, 1, 0)).await?;
    Ok(())
}

fn report(id: &str) -> String {
    format!(r#"{{"report_id":"{id}","overall":{{"status":"pending"}}}}"#)
}

fn later(start: DateTime<Utc>, seconds: i64) -> DateTime<Utc> {
    start + chrono::Duration::seconds(seconds)
}

#[tokio::test]
async fn a_report_and_its_outbox_rows_are_written_together() -> anyhow::Result<()> {
    let place = place();
    let secrets = MemorySecretStore::new();
    let (store, _) = create(&place.path, &secrets).await;
    store_with_interview(&store, "iv-1").await?;

    // Before any connector: the report is saved, nothing is queued yet.
    store
        .save_report("r-0", "iv-1", at(1), &report("r-0"))
        .await?;
    assert!(store.outbox().await?.is_empty());
    assert_eq!(
        store.interview("iv-1").await?.status,
        InterviewStatus::Completed,
        "the interview is completed in the report's transaction"
    );

    // Adding a connector queues the report no connector received.
    let queued = store
        .add_connector("hr", "rest", "HR", r#"{"base_url":"http://x"}"#, at(2))
        .await?;
    assert_eq!(queued, 1);
    let error = store
        .add_connector("hr", "rest", "HR", "{}", at(2))
        .await
        .expect_err("duplicate id");
    assert_eq!(error.kind(), StoreErrorKind::InvalidInput);
    store
        .add_connector("ats", "greenhouse", "ATS", "{}", at(2))
        .await?;

    // A new report gets one row per connector, with the exact bytes and their hash.
    store
        .insert_interview(&interview("iv-2", &fixture_job("sales_rep"), 1, 3))
        .await?;
    store
        .save_report("r-1", "iv-2", at(4), &report("r-1"))
        .await?;
    let rows: Vec<_> = store
        .outbox()
        .await?
        .into_iter()
        .filter(|row| row.report_id == "r-1")
        .collect();
    assert_eq!(rows.len(), 2);
    for row in &rows {
        assert_eq!(row.payload, report("r-1").into_bytes());
        assert_eq!(row.payload_sha256, payload_sha256(report("r-1").as_bytes()));
        assert_eq!(row.state, OutboxState::Pending);
        assert_eq!(row.attempts, 0);
        assert_eq!(row.next_attempt_at, at(4));
    }
    let r0 = store
        .outbox()
        .await?
        .into_iter()
        .find(|r| r.report_id == "r-0");
    assert_eq!(
        r0.map(|r| r.payload_sha256),
        Some(payload_sha256(report("r-0").as_bytes()))
    );

    // A report for an unknown interview writes nothing at all.
    let error = store
        .save_report("r-x", "no-such", at(5), &report("r-x"))
        .await
        .expect_err("unknown interview");
    assert_eq!(error.kind(), StoreErrorKind::NotFound);
    assert_eq!(store.outbox().await?.len(), 3);
    assert!(store.report_json("r-x").await.is_err());
    Ok(())
}

#[tokio::test]
async fn the_outbox_survives_a_restart_and_a_dead_sender() -> anyhow::Result<()> {
    let place = place();
    let secrets = MemorySecretStore::new();
    let (store, _) = create(&place.path, &secrets).await;
    store_with_interview(&store, "iv-1").await?;
    store.add_connector("hr", "rest", "HR", "{}", at(0)).await?;
    for n in 0..3 {
        store
            .save_report(&format!("r-{n}"), "iv-1", at(1), &report(&format!("r-{n}")))
            .await?;
    }
    let t0 = at(2);
    let lease = Duration::from_secs(60);
    let claimed = store.claim_due(t0, lease, 2).await?;
    assert_eq!(claimed.len(), 2);
    assert!(
        claimed
            .iter()
            .all(|r| r.state == OutboxState::Sending && r.attempts == 1)
    );
    // Claimed rows are not claimed twice while leased.
    let second = store.claim_due(t0, lease, 10).await?;
    assert_eq!(second.len(), 1, "only the unclaimed row");
    // The sender "dies" here: nothing recorded. The app restarts.
    store.close().await;
    let store = reopen(&place.path, &secrets).await;
    assert_eq!(store.outbox_counts().await?.sending, 3);
    assert!(store.claim_due(later(t0, 59), lease, 10).await?.is_empty());
    let again = store.claim_due(later(t0, 61), lease, 10).await?;
    assert_eq!(
        again.len(),
        3,
        "every row of the dead sender is due after its lease"
    );
    assert!(again.iter().all(|r| r.attempts == 2));

    // Outcomes: delivered, retry with Retry-After, dead letter.
    let now = later(t0, 62);
    store
        .record_delivered("r-0", "hr", 201, Some("ext-1"), now)
        .await?;
    store
        .record_retry(
            "r-1",
            "hr",
            Some(503),
            "503 Service Unavailable",
            later(now, 10),
            Some(later(now, 120)),
            now,
        )
        .await?;
    store
        .record_dead("r-2", "hr", Some(422), "422: candidate is archived", now)
        .await?;
    store.close().await;
    let store = reopen(&place.path, &secrets).await;
    let rows = store.outbox().await?;
    let by_id = |id: &str| rows.iter().find(|r| r.report_id == id).expect("row");
    assert_eq!(by_id("r-0").state, OutboxState::Delivered);
    assert_eq!(by_id("r-0").external_ref.as_deref(), Some("ext-1"));
    assert_eq!(by_id("r-1").state, OutboxState::Pending);
    assert_eq!(by_id("r-1").last_status, Some(503));
    assert_eq!(by_id("r-2").state, OutboxState::Dead);
    assert_eq!(
        by_id("r-2").last_error.as_deref(),
        Some("422: candidate is archived")
    );

    // The network is back: the row is expedited, but never before the server's Retry-After.
    assert_eq!(store.expedite_connector("hr", later(now, 1)).await?, 1);
    assert_eq!(store.next_due().await?, Some(later(now, 120)));
    assert!(
        store
            .claim_due(later(now, 119), lease, 10)
            .await?
            .is_empty()
    );

    // The dead letter is resent with the same bytes; a delivered report cannot be resent.
    assert_eq!(store.resend("r-2", None, later(now, 200)).await?, 1);
    let error = store.resend("r-0", None, now).await.expect_err("delivered");
    assert_eq!(error.kind(), StoreErrorKind::NotFound);
    let due = store.claim_due(later(now, 200), lease, 10).await?;
    let ids: Vec<&str> = due.iter().map(|r| r.report_id.as_str()).collect();
    assert_eq!(ids, ["r-1", "r-2"]);
    assert_eq!(due[1].payload, report("r-2").into_bytes());
    Ok(())
}

#[tokio::test]
async fn refused_credentials_pause_the_connector_until_it_is_resumed() -> anyhow::Result<()> {
    let place = place();
    let secrets = MemorySecretStore::new();
    let (store, _) = create(&place.path, &secrets).await;
    store_with_interview(&store, "iv-1").await?;
    store.add_connector("hr", "rest", "HR", "{}", at(0)).await?;
    store
        .save_report("r-0", "iv-1", at(1), &report("r-0"))
        .await?;
    store
        .save_report("r-1", "iv-1", at(1), &report("r-1"))
        .await?;
    let lease = Duration::from_secs(60);
    let t = at(2);
    let claimed = store.claim_due(t, lease, 1).await?;
    store
        .record_paused(
            &claimed[0].report_id,
            "hr",
            Some(401),
            "401: sign in again",
            t,
        )
        .await?;
    let connector = store.connector("hr").await?;
    assert!(connector.paused);
    assert_eq!(
        connector.paused_reason.as_deref(),
        Some("401: sign in again")
    );
    assert!(
        store.claim_due(later(t, 3600), lease, 10).await?.is_empty(),
        "nothing is sent while the connector is paused"
    );
    assert_eq!(store.next_due().await?, None);
    assert_eq!(store.resume_connector("hr", later(t, 5)).await?, 1);
    assert_eq!(store.claim_due(later(t, 5), lease, 10).await?.len(), 2);
    Ok(())
}

#[tokio::test]
async fn assigned_interviews_are_kept_and_target_their_reports() -> anyhow::Result<()> {
    let place = place();
    let secrets = MemorySecretStore::new();
    let (store, _) = create(&place.path, &secrets).await;
    store_with_interview(&store, "iv-1").await?;
    store
        .add_connector("gh", "greenhouse", "GH", "{}", at(0))
        .await?;
    let assigned = AssignedInterview {
        connector_id: "gh".into(),
        external_id: "si-9".into(),
        candidate_name: "Lin Wei".into(),
        candidate_email: "lin@example.com".into(),
        job_title: "Sales".into(),
        resume_text: String::new(),
        scheduled_at: Some(at(30)),
        target: r#"{"candidate_id":"77","application_id":"88"}"#.into(),
        interview_id: None,
        pulled_at: at(1),
    };
    store
        .upsert_assigned_interviews(std::slice::from_ref(&assigned))
        .await?;
    store.link_assigned_interview("gh", "si-9", "iv-1").await?;
    // Pulling again updates the details and keeps the link.
    let renamed = AssignedInterview {
        candidate_name: "Lin Wei (林伟)".into(),
        ..assigned.clone()
    };
    store.upsert_assigned_interviews(&[renamed]).await?;
    let stored = store.assigned_interviews().await?;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].candidate_name, "Lin Wei (林伟)");
    assert_eq!(stored[0].interview_id.as_deref(), Some("iv-1"));

    store
        .save_report("r-0", "iv-1", at(40), &report("r-0"))
        .await?;
    let row = &store.outbox().await?[0];
    assert_eq!(row.target.as_deref(), Some(assigned.target.as_str()));
    let error = store
        .link_assigned_interview("gh", "nope", "iv-1")
        .await
        .expect_err("unknown assignment");
    assert_eq!(error.kind(), StoreErrorKind::NotFound);
    Ok(())
}
