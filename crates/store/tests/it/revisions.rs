//! A report revised after the interview: the stored JSON changes, and the outbox carries the
//! latest revision, under a new idempotency key whenever an HR system may hold the old bytes.

use std::time::Duration;

use copilot_secrets::MemorySecretStore;
use copilot_store::{OutboxState, StoreErrorKind, payload_sha256, revision_key};

use crate::common::{at, create, fixture_job, interview, place, reopen};

fn report(id: &str, score: u32) -> String {
    format!(r#"{{"report_id":"{id}","overall":{{"score":{score}}}}}"#)
}

#[tokio::test]
async fn a_revision_replaces_queued_bytes_and_follows_a_delivery_under_a_new_key()
-> anyhow::Result<()> {
    let place = place();
    let secrets = MemorySecretStore::new();
    let (store, _) = create(&place.path, &secrets).await;
    let job = fixture_job("sales_rep");
    store.save_job(&job).await?;
    store
        .insert_interview(&interview("iv-1", &job, 1, 0))
        .await?;
    for connector in ["a-delivered", "b-dead", "c-failed", "d-sending"] {
        store
            .add_connector(connector, "rest", connector, "{}", at(0))
            .await?;
    }
    store
        .save_report("r-1", "iv-1", at(1), &report("r-1", 40))
        .await?;
    assert_eq!(store.report_revision("r-1").await?, 1);

    // Bring each connector's row to its state: delivered, refused, failed once, in flight.
    let lease = Duration::from_secs(60);
    let claimed = store.claim_due(at(2), lease, 10).await?;
    assert_eq!(claimed.len(), 4);
    store
        .record_delivered("r-1", "a-delivered", 201, Some("ext-a"), at(2))
        .await?;
    store
        .record_dead("r-1", "b-dead", Some(422), "422", at(2))
        .await?;
    store
        .record_retry("r-1", "c-failed", Some(503), "503", at(3), None, at(2))
        .await?;
    store.close().await;
    let store = reopen(&place.path, &secrets).await;

    let revised = report("r-1", 75);
    let outcome = store.revise_report("r-1", &revised, 2, at(4), true).await?;
    assert_eq!(outcome.revision, 2);
    assert_eq!(outcome.queued, 1, "one new row after the delivery");
    assert_eq!(outcome.replaced, 3, "the three undelivered rows");
    assert_eq!(store.report_json("r-1").await?, revised);
    assert_eq!(store.report_revision("r-1").await?, 2);

    let rows = store.outbox().await?;
    let key2 = revision_key("r-1", 2);
    // The delivery record stays, with the bytes that were delivered.
    let delivered: Vec<_> = rows
        .iter()
        .filter(|r| r.connector_id == "a-delivered")
        .collect();
    assert_eq!(delivered.len(), 2);
    assert_eq!(delivered[0].state, OutboxState::Delivered);
    assert_eq!(delivered[0].idempotency_key, "r-1");
    assert_eq!(delivered[0].payload, report("r-1", 40).into_bytes());
    assert_eq!(delivered[0].external_ref.as_deref(), Some("ext-a"));
    assert_eq!(delivered[1].state, OutboxState::Pending);
    assert_eq!(delivered[1].idempotency_key, key2);
    assert_eq!(delivered[1].revision, 2);
    assert_eq!(delivered[1].attempts, 0);
    // Every other row now holds the latest bytes, under the revision's key (all were tried).
    for connector in ["b-dead", "c-failed", "d-sending"] {
        let row: Vec<_> = rows
            .iter()
            .filter(|r| r.connector_id == connector)
            .collect();
        assert_eq!(row.len(), 1, "{connector}: replaced, not added");
        assert_eq!(row[0].payload, revised.clone().into_bytes(), "{connector}");
        assert_eq!(row[0].payload_sha256, payload_sha256(revised.as_bytes()));
        assert_eq!(row[0].idempotency_key, key2, "{connector}");
        assert_eq!(row[0].attempts, 0, "{connector}");
    }
    let sending = rows
        .iter()
        .find(|r| r.connector_id == "d-sending")
        .expect("row");
    assert_eq!(
        sending.state,
        OutboxState::Sending,
        "the attempt in flight keeps its lease"
    );
    let dead = rows
        .iter()
        .find(|r| r.connector_id == "b-dead")
        .expect("row");
    assert_eq!(
        dead.state,
        OutboxState::Dead,
        "a dead letter waits for a resend"
    );
    assert_eq!(store.resend("r-1", Some("b-dead"), at(4)).await?, 1);

    // The attempt in flight (old key, old bytes) ends: recording it changes nothing.
    store
        .record_delivered("r-1", "d-sending", 201, None, at(5))
        .await?;
    let after = store.outbox().await?;
    let d = after
        .iter()
        .find(|r| r.connector_id == "d-sending")
        .expect("row");
    assert_eq!(d.state, OutboxState::Sending);
    // After the lease, the revision goes out under its own key with the latest bytes.
    let due = store.claim_due(at(10), lease, 10).await?;
    let mut keys: Vec<(&str, &str)> = due
        .iter()
        .map(|r| (r.connector_id.as_str(), r.idempotency_key.as_str()))
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            ("a-delivered", key2.as_str()),
            ("b-dead", key2.as_str()),
            ("c-failed", key2.as_str()),
            ("d-sending", key2.as_str()),
        ]
    );
    assert!(due.iter().all(|r| r.payload == revised.as_bytes()));
    for row in &due {
        store
            .record_delivered(&row.idempotency_key, &row.connector_id, 200, None, at(11))
            .await?;
    }
    assert_eq!(store.outbox_counts().await?.undelivered(), 0);

    // Without consent to a new transfer, a revision after delivery is stored but not queued.
    let held = report("r-1", 85);
    let outcome = store.revise_report("r-1", &held, 3, at(12), false).await?;
    assert_eq!(
        (outcome.revision, outcome.queued, outcome.replaced),
        (3, 0, 0)
    );
    assert_eq!(store.report_json("r-1").await?, held);
    assert_eq!(store.outbox_counts().await?.undelivered(), 0);

    // A fourth revision with consent: new rows, new key.
    let third = report("r-1", 90);
    let outcome = store.revise_report("r-1", &third, 4, at(12), true).await?;
    assert_eq!(
        (outcome.revision, outcome.queued, outcome.replaced),
        (4, 4, 0)
    );
    let pending: Vec<_> = store
        .outbox()
        .await?
        .into_iter()
        .filter(|r| r.state == OutboxState::Pending)
        .collect();
    assert_eq!(pending.len(), 4);
    assert!(
        pending
            .iter()
            .all(|r| r.idempotency_key == revision_key("r-1", 4) && r.payload == third.as_bytes())
    );
    Ok(())
}

#[tokio::test]
async fn a_report_revised_before_any_connector_is_queued_at_its_latest_revision()
-> anyhow::Result<()> {
    let place = place();
    let secrets = MemorySecretStore::new();
    let (store, _) = create(&place.path, &secrets).await;
    let job = fixture_job("sales_rep");
    store.save_job(&job).await?;
    store
        .insert_interview(&interview("iv-1", &job, 1, 0))
        .await?;
    store
        .save_report("r-1", "iv-1", at(1), &report("r-1", 40))
        .await?;
    let outcome = store
        .revise_report("r-1", &report("r-1", 80), 2, at(2), true)
        .await?;
    assert_eq!(
        (outcome.revision, outcome.replaced, outcome.queued),
        (2, 0, 0)
    );
    assert_eq!(
        store.add_connector("hr", "rest", "HR", "{}", at(3)).await?,
        1
    );
    let rows = store.outbox().await?;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].idempotency_key, "r-1");
    assert_eq!(rows[0].revision, 2);
    assert_eq!(rows[0].payload, report("r-1", 80).into_bytes());
    Ok(())
}

#[tokio::test]
async fn a_revision_before_any_attempt_keeps_the_key() -> anyhow::Result<()> {
    let place = place();
    let secrets = MemorySecretStore::new();
    let (store, _) = create(&place.path, &secrets).await;
    let job = fixture_job("sales_rep");
    store.save_job(&job).await?;
    store
        .insert_interview(&interview("iv-1", &job, 1, 0))
        .await?;
    store.add_connector("hr", "rest", "HR", "{}", at(0)).await?;
    store
        .save_report("r-1", "iv-1", at(1), &report("r-1", 40))
        .await?;
    let outcome = store
        .revise_report("r-1", &report("r-1", 60), 2, at(2), true)
        .await?;
    assert_eq!(
        (outcome.revision, outcome.replaced, outcome.queued),
        (2, 1, 0)
    );
    // A writer that read revision 1 too (a second click) is refused and writes nothing.
    let stale = store
        .revise_report("r-1", &report("r-1", 99), 2, at(3), true)
        .await
        .expect_err("revised meanwhile");
    assert_eq!(stale.kind(), StoreErrorKind::InvalidInput);
    assert!(stale.to_string().contains("reload"), "{stale}");
    assert_eq!(store.report_json("r-1").await?, report("r-1", 60));
    let rows = store.outbox().await?;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].idempotency_key, "r-1", "no HR system saw the key");
    assert_eq!(rows[0].revision, 2);
    assert_eq!(rows[0].payload, report("r-1", 60).into_bytes());

    let unknown = store
        .revise_report("no-such", "{}", 2, at(4), true)
        .await
        .expect_err("unknown report");
    assert_eq!(unknown.kind(), StoreErrorKind::NotFound);
    Ok(())
}
