//! Consent records per interview and purpose, withdrawal, and the policy profile setting.

use copilot_consent::{
    ConsentMethod, ConsentRecord, Denial, PolicyProfile, Purpose, allowed_purposes, decide,
    notice_hash,
};
use copilot_secrets::MemorySecretStore;
use copilot_store::{Store, StoreError, StoreErrorKind};

use crate::common::{at, create, fixture_job, interview, place, reopen};

fn record(purpose: Purpose, granted: bool, minute: u32) -> ConsentRecord {
    ConsentRecord {
        purpose,
        granted,
        notice_version: "2026-11".into(),
        notice_sha256: notice_hash("We record and transcribe this interview."),
        language: "zh-CN".into(),
        given_at: at(minute),
        method: ConsentMethod::Checkbox,
        interviewer: "Ana".into(),
        explanation_shown: true,
        withdrawn_at: None,
    }
}

async fn with_interview(store: &Store, id: &str) -> anyhow::Result<()> {
    let job = fixture_job("sales_rep");
    store.save_job(&job).await?;
    store.insert_interview(&interview(id, &job, 1, 0)).await?;
    Ok(())
}

#[tokio::test]
async fn consents_round_trip_in_order_and_survive_reopening() -> anyhow::Result<()> {
    let place = place();
    let secrets = MemorySecretStore::new();
    let (store, _) = create(&place.path, &secrets).await;
    with_interview(&store, "iv-1").await?;
    with_interview(&store, "iv-2").await?;
    assert!(store.consents("iv-1").await?.is_empty());

    let first = vec![
        record(Purpose::Transcription, true, 1),
        record(Purpose::ExpressionCues, false, 1),
    ];
    store.record_consents("iv-1", &first).await?;
    let later = vec![record(Purpose::PresenceCues, true, 2)];
    store.record_consents("iv-1", &later).await?;
    store
        .record_consents("iv-2", &[record(Purpose::Recording, true, 5)])
        .await?;

    let expected: Vec<ConsentRecord> = first.iter().chain(&later).cloned().collect();
    assert_eq!(store.consents("iv-1").await?, expected);
    store.close().await;

    let store = reopen(&place.path, &secrets).await;
    assert_eq!(store.consents("iv-1").await?, expected);
    assert_eq!(store.consents("iv-2").await?.len(), 1);
    Ok(())
}

#[tokio::test]
async fn withdrawal_marks_the_consent_in_force_and_stops_that_purpose() -> anyhow::Result<()> {
    let place = place();
    let secrets = MemorySecretStore::new();
    let (store, _) = create(&place.path, &secrets).await;
    with_interview(&store, "iv-1").await?;
    store
        .record_consents(
            "iv-1",
            &[
                record(Purpose::Transcription, true, 1),
                record(Purpose::PresenceCues, true, 1),
                record(Purpose::Recording, false, 1),
            ],
        )
        .await?;
    let before = store.consents("iv-1").await?;
    assert_eq!(
        allowed_purposes(PolicyProfile::Default, &before, None, at(3)),
        [Purpose::Transcription, Purpose::PresenceCues]
    );

    assert!(
        store
            .withdraw_consent("iv-1", Purpose::PresenceCues, at(4))
            .await?
    );
    // Twice, a refusal, or a purpose never asked: nothing to withdraw.
    assert!(
        !store
            .withdraw_consent("iv-1", Purpose::PresenceCues, at(5))
            .await?
    );
    assert!(
        !store
            .withdraw_consent("iv-1", Purpose::Recording, at(5))
            .await?
    );
    assert!(
        !store
            .withdraw_consent("iv-1", Purpose::TransferToHr, at(5))
            .await?
    );

    let after = store.consents("iv-1").await?;
    let presence = after
        .iter()
        .find(|r| r.purpose == Purpose::PresenceCues)
        .expect("kept after withdrawal");
    assert_eq!(presence.withdrawn_at, Some(at(4)));
    assert_eq!(
        decide(
            PolicyProfile::Default,
            &after,
            Purpose::PresenceCues,
            None,
            at(4)
        )
        .denial,
        Some(Denial::Withdrawn)
    );
    assert_eq!(
        allowed_purposes(PolicyProfile::Default, &after, None, at(4)),
        [Purpose::Transcription]
    );

    // A new consent after the withdrawal is in force again; the withdrawn row stays as it was.
    store
        .record_consents("iv-1", &[record(Purpose::PresenceCues, true, 6)])
        .await?;
    let again = store.consents("iv-1").await?;
    assert_eq!(again.len(), 4);
    assert!(
        decide(
            PolicyProfile::Default,
            &again,
            Purpose::PresenceCues,
            None,
            at(7)
        )
        .allowed
    );
    assert_eq!(
        again
            .iter()
            .filter(|r| r.withdrawn_at == Some(at(4)))
            .count(),
        1
    );
    Ok(())
}

#[tokio::test]
async fn bad_consent_is_refused_whole_and_names_the_problem() -> anyhow::Result<()> {
    let place = place();
    let secrets = MemorySecretStore::new();
    let (store, _) = create(&place.path, &secrets).await;
    with_interview(&store, "iv-1").await?;

    let mut bad_hash = record(Purpose::ExpressionCues, true, 1);
    bad_hash.notice_sha256 = "not a hash".into();
    let error = store
        .record_consents("iv-1", &[record(Purpose::Transcription, true, 1), bad_hash])
        .await
        .expect_err("a bad hash is refused");
    assert_eq!(error.kind(), StoreErrorKind::InvalidInput, "{error}");
    let message = error.to_string();
    assert!(
        message.contains("expression_cues") && message.contains("sha256"),
        "{message}"
    );
    assert!(
        store.consents("iv-1").await?.is_empty(),
        "all or nothing: the good record was not written either"
    );

    let mut nobody = record(Purpose::Recording, true, 1);
    nobody.interviewer = "  ".into();
    let error = store.record_consents("iv-1", &[nobody]).await.unwrap_err();
    assert!(error.to_string().contains("interviewer"), "{error}");

    let mut withdrawn = record(Purpose::Recording, true, 1);
    withdrawn.withdrawn_at = Some(at(2));
    let error = store
        .record_consents("iv-1", &[withdrawn])
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("already be withdrawn"),
        "{error}"
    );

    assert!(matches!(
        store.record_consents("iv-1", &[]).await,
        Err(StoreError::InvalidConsent { .. })
    ));
    assert!(matches!(
        store
            .record_consents("no-such", &[record(Purpose::Recording, true, 1)])
            .await,
        Err(StoreError::InterviewNotFound { .. })
    ));
    assert!(matches!(
        store
            .withdraw_consent("no-such", Purpose::Recording, at(1))
            .await,
        Err(StoreError::InterviewNotFound { .. })
    ));
    Ok(())
}

#[tokio::test]
async fn the_policy_profile_is_a_checked_setting() -> anyhow::Result<()> {
    let place = place();
    let secrets = MemorySecretStore::new();
    let (store, _) = create(&place.path, &secrets).await;
    assert_eq!(store.policy_profile().await?, None, "not configured yet");
    assert!(
        store.set_setting("policy_profile", "mars").await.is_err(),
        "an unknown profile is refused as a new setting"
    );
    assert_eq!(store.policy_profile().await?, None);
    for profile in PolicyProfile::ALL {
        store.set_policy_profile(profile).await?;
        assert_eq!(store.policy_profile().await?, Some(profile));
    }
    store.set_policy_profile(PolicyProfile::Eu).await?;
    // The database itself refuses a profile the app does not know, on insert and on update.
    let error = store
        .set_setting("policy_profile", "mars")
        .await
        .expect_err("unknown profile refused");
    assert!(
        error.to_string().contains("unknown policy profile"),
        "{error}"
    );
    store.close().await;

    let store = reopen(&place.path, &secrets).await;
    assert_eq!(store.policy_profile().await?, Some(PolicyProfile::Eu));
    Ok(())
}
