//! Consent, the policy profile and camera cues through the one API: the policy table, withdrawal
//! within one frame, the EU profile never running the expression model, and expression outputs
//! never reaching a rating, a score or the report. Camera frames are scikit-image test images (a
//! NASA photograph, public domain) through the real models.

use std::path::{Path, PathBuf};

use copilot_core::consent_policy::{ConsentMethod, Denial, PolicyProfile, Purpose};
use copilot_core::domain::Language;
use copilot_core::{
    ConsentChoice, Copilot, ErrorCode, NewConsent, StopSignal, VideoInput, VisionEvent,
    VisionTotals,
};
use copilot_models::{ModelsDir, ensure};

use crate::{new_interview, open_fresh};

/// The built-in notice of the current profile, answered for `choices` by checkbox.
async fn consent(
    copilot: &Copilot,
    interview_id: &str,
    choices: &[(Purpose, bool)],
) -> Result<copilot_core::ConsentStatus, copilot_core::CoreError> {
    let notice = copilot.consent_notice(Language::Zh).await?;
    copilot
        .record_consent(&NewConsent {
            interview_id: interview_id.into(),
            notice_version: notice.version,
            notice_text: notice.text,
            language: "zh-CN".into(),
            method: ConsentMethod::Checkbox,
            interviewer: "Megan".into(),
            explanation_shown: notice.explains_analysis,
            choices: choices
                .iter()
                .map(|&(purpose, granted)| ConsentChoice { purpose, granted })
                .collect(),
        })
        .await
}

fn all(granted: bool) -> Vec<(Purpose, bool)> {
    Purpose::ALL.iter().map(|p| (*p, granted)).collect()
}

/// `count` frames per image name, in order, in a new folder (the models manager provides them).
fn frames(dir: &Path, parts: &[(&str, usize)]) -> PathBuf {
    let models = ModelsDir::resolve();
    let folder = dir.join("frames");
    std::fs::create_dir_all(&folder).unwrap();
    let mut n = 0;
    for (name, count) in parts {
        let image = ensure(&format!("testimage-{name}"), &models, &mut |_| {}).unwrap();
        for _ in 0..*count {
            std::fs::copy(&image, folder.join(format!("{n:04}.png"))).unwrap();
            n += 1;
        }
    }
    folder
}

fn folder(path: &Path) -> VideoInput {
    VideoInput::Folder {
        path: path.to_string_lossy().into_owned(),
        fps: 10.0,
        realtime: false,
        repeat: false,
    }
}

/// Runs the camera loop on a worker thread; `during(preview_index, copilot)` runs after each preview.
async fn watch(
    copilot: &Copilot,
    interview_id: &str,
    input: VideoInput,
    during: impl Fn(usize, &Copilot, &str) + Send + Sync + 'static,
) -> (
    Result<VisionTotals, copilot_core::CoreError>,
    Vec<VisionEvent>,
) {
    let gate = copilot.consent_gate(interview_id).await.unwrap();
    let copilot = copilot.clone();
    let id = interview_id.to_string();
    tokio::task::spawn_blocking(move || {
        let mut events = Vec::new();
        let mut previews = 0;
        let totals = copilot.watch_video(&gate, &input, &StopSignal::new(), &mut |event| {
            let is_preview = matches!(event, VisionEvent::Preview { .. });
            events.push(event);
            if is_preview {
                previews += 1;
                during(previews, &copilot, &id);
            }
        });
        (totals, events)
    })
    .await
    .unwrap()
}

fn cue_kinds(events: &[VisionEvent]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            VisionEvent::CueStarted { cue } => Some(format!("+{}", cue.kind)),
            VisionEvent::CueEnded { cue } => Some(format!("-{}", cue.kind)),
            VisionEvent::PurposeStopped { purpose, denial } => {
                Some(format!("stop {}:{denial:?}", purpose.as_str()))
            }
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn the_policy_starts_unconfigured_and_the_hr_admin_chooses_it() {
    let (_dir, _secrets, copilot) = open_fresh().await;
    let policy = copilot.policy().await.unwrap();
    assert_eq!(
        (policy.profile, policy.configured),
        (PolicyProfile::Default, false)
    );
    let notice = copilot.consent_notice(Language::En).await.unwrap();
    assert!(notice.purposes.contains(&Purpose::ExpressionCues));
    assert!(notice.text.contains("Expression cues"), "{}", notice.text);

    let eu = copilot.set_policy(PolicyProfile::Eu).await.unwrap();
    assert!(eu.configured && !eu.expression_cues_permitted);
    assert!(eu.legal_basis.en.contains("art. 5(1)(f)"), "{eu:?}");
    assert!(eu.legal_basis.zh.contains("第5条"), "{eu:?}");
    for language in [Language::En, Language::Zh] {
        let notice = copilot.consent_notice(language).await.unwrap();
        assert_eq!(notice.profile, PolicyProfile::Eu);
        assert!(!notice.purposes.contains(&Purpose::ExpressionCues));
        assert!(
            !notice.text.contains("Expression") && !notice.text.contains("表情"),
            "{}",
            notice.text
        );
        assert_eq!(
            notice.sha256,
            copilot_core::consent_policy::notice_hash(&notice.text)
        );
    }
    let illinois = copilot.set_policy(PolicyProfile::Illinois).await.unwrap();
    assert_eq!(illinois.deletion_deadline_days, Some(30));
    let notice = copilot.consent_notice(Language::En).await.unwrap();
    assert!(notice.explains_analysis && notice.text.contains("How it works"));
}

/// For each profile (and none chosen) and each consent, what may run: one line per case.
#[tokio::test]
async fn policy_table_of_profiles_and_consents() {
    let (_dir, _secrets, copilot) = open_fresh().await;
    let cases: Vec<(&str, Vec<(Purpose, bool)>)> = vec![
        ("no consent", vec![]),
        ("all granted", all(true)),
        ("all refused", all(false)),
        (
            "audio only",
            vec![(Purpose::Recording, true), (Purpose::Transcription, true)],
        ),
        (
            "camera, no expressions",
            vec![
                (Purpose::Transcription, true),
                (Purpose::PresenceCues, true),
                (Purpose::ExpressionCues, false),
            ],
        ),
    ];
    let mut table = String::new();
    for profile in [None]
        .into_iter()
        .chain(PolicyProfile::ALL.into_iter().map(Some))
    {
        if let Some(profile) = profile {
            copilot.set_policy(profile).await.unwrap();
        }
        for (name, choices) in &cases {
            let id = new_interview(&copilot).await;
            let mut choices = choices.clone();
            if profile == Some(PolicyProfile::Eu) {
                // Under the EU profile a yes to expression cues cannot even be recorded.
                if choices.contains(&(Purpose::ExpressionCues, true)) {
                    let refused = consent(&copilot, &id, &choices).await.unwrap_err();
                    assert_eq!(refused.code, ErrorCode::ConsentRequired, "{refused}");
                    assert!(refused.message.contains("5(1)(f)"), "{refused}");
                    choices.retain(|c| c.0 != Purpose::ExpressionCues);
                }
            }
            let status = if choices.is_empty() {
                copilot.consent_status(&id).await.unwrap()
            } else {
                consent(&copilot, &id, &choices).await.unwrap()
            };
            let purposes: Vec<String> = status
                .purposes
                .iter()
                .map(|p| {
                    let state = match (p.allowed, p.denial) {
                        (true, _) if !p.required => "yes(not required)".to_string(),
                        (true, _) => "yes".to_string(),
                        (false, Some(d)) => format!("no({d:?})"),
                        (false, None) => "no".to_string(),
                    };
                    format!("{}={state}", p.purpose.as_str())
                })
                .collect();
            table.push_str(&format!(
                "{:<14} | {:<22} | {} | cues: presence={} expression={}\n",
                profile.map_or("not configured", PolicyProfile::as_str),
                name,
                purposes.join(" "),
                status.cues.presence,
                status.cues.expression
            ));
            let allowed = copilot.allowed_purposes(&id).await.unwrap();
            assert_eq!(
                allowed,
                status
                    .purposes
                    .iter()
                    .filter(|p| p.allowed)
                    .map(|p| p.purpose)
                    .collect::<Vec<_>>()
            );
        }
    }
    insta::assert_snapshot!(table);
}

#[tokio::test]
async fn transcription_needs_consent_once_a_profile_is_chosen_and_withdrawal_stops_audio() {
    let (_dir, _secrets, copilot) = open_fresh().await;
    let missing_audio = Path::new("/nonexistent/interview.wav");
    let settings = copilot_core::ReplaySettings::default();

    // Not configured: audio runs as before (this error is about the file, not consent).
    let id = new_interview(&copilot).await;
    let mut session = copilot.start_session(&id).await.unwrap();
    let error = session
        .replay_audio(missing_audio, &settings, &mut |_| {})
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::Speech, "{error}");

    // Configured: no consent, no transcription; the error names the fix.
    copilot.set_policy(PolicyProfile::Default).await.unwrap();
    let error = session
        .replay_audio(missing_audio, &settings, &mut |_| {})
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::ConsentRequired, "{error}");
    assert!(
        error.message.contains("consent record --interview"),
        "{error}"
    );

    consent(&copilot, &id, &[(Purpose::Transcription, true)])
        .await
        .unwrap();
    let error = session
        .replay_audio(missing_audio, &settings, &mut |_| {})
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::Speech, "consent given: {error}");

    // A running audio capture registers its stop signal; the withdrawal raises it at once.
    let stop = StopSignal::new();
    session
        .consent()
        .stop_on_withdrawal(Purpose::Transcription, stop.clone());
    assert!(!stop.is_stopped());
    let status = copilot
        .withdraw_consent(&id, Purpose::Transcription)
        .await
        .unwrap();
    assert!(stop.is_stopped(), "withdrawal stops the audio");
    assert!(!session.consent().allows(Purpose::Transcription));
    let transcription = status.purposes[1];
    assert_eq!(
        (transcription.purpose, transcription.denial),
        (Purpose::Transcription, Some(Denial::Withdrawn))
    );
    let error = session
        .replay_audio(missing_audio, &settings, &mut |_| {})
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::ConsentRequired, "{error}");
    assert!(error.message.contains("withdrew"), "{error}");
    let again = copilot
        .withdraw_consent(&id, Purpose::Transcription)
        .await
        .unwrap_err();
    assert_eq!(again.code, ErrorCode::NotFound, "{again}");
}

#[tokio::test]
async fn the_report_carries_the_consent_record_with_withdrawals() {
    let (_dir, _secrets, copilot) = open_fresh().await;
    copilot
        .set_policy(PolicyProfile::MainlandChina)
        .await
        .unwrap();
    let id = new_interview(&copilot).await;
    let notice = copilot.consent_notice(Language::Zh).await.unwrap();
    consent(
        &copilot,
        &id,
        &[
            (Purpose::Transcription, true),
            (Purpose::PresenceCues, true),
            (Purpose::ExpressionCues, false),
        ],
    )
    .await
    .unwrap();
    let session = copilot.start_session(&id).await.unwrap();
    copilot
        .withdraw_consent(&id, Purpose::PresenceCues)
        .await
        .unwrap();
    let report = copilot.finish_session(session).await.unwrap();
    let entries = &report.consent.purposes;
    assert_eq!(
        entries
            .iter()
            .map(|e| (e.purpose.as_str(), e.granted, e.withdrawn_at.is_some()))
            .collect::<Vec<_>>(),
        [
            ("transcription", true, false),
            ("presence_cues", true, true),
            ("expression_cues", false, false)
        ]
    );
    for entry in entries {
        assert_eq!(entry.text_hash, notice.sha256);
        assert_eq!(entry.notice_version, copilot_core::NOTICE_VERSION);
        assert_eq!(entry.language, Language::Zh, "zh-CN is Chinese");
        assert_eq!(
            (entry.method.as_str(), entry.interviewer.as_str()),
            ("checkbox", "Megan")
        );
    }
    let stored = copilot.report(&report.report_id).await.unwrap();
    assert_eq!(stored.consent, report.consent);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn camera_cues_need_consent_and_withdrawal_stops_each_purpose_within_one_frame() {
    let (dir, _secrets, copilot) = open_fresh().await;
    let id = new_interview(&copilot).await;
    let input = folder(&frames(dir.path(), &[("astronaut", 60)]));

    // No consent, no camera (even before a profile is chosen).
    let (refused, events) = watch(&copilot, &id, input.clone(), |_, _, _| {}).await;
    let refused = refused.unwrap_err();
    assert_eq!(refused.code, ErrorCode::ConsentRequired, "{refused}");
    assert!(events.is_empty());

    consent(&copilot, &id, &all(true)).await.unwrap();
    // Expressions are withdrawn after the 40th frame, presence after the 50th.
    let (totals, events) = watch(&copilot, &id, input, |n, copilot, id| {
        let purpose = match n {
            40 => Purpose::ExpressionCues,
            50 => Purpose::PresenceCues,
            _ => return,
        };
        tokio::runtime::Handle::current()
            .block_on(copilot.withdraw_consent(id, purpose))
            .unwrap();
    })
    .await;
    let totals = totals.unwrap();
    assert!(totals.expression_model_loaded);
    assert_eq!(
        totals.expression_frames, 40,
        "the expression model ran on frames 1-40 only: {totals:?}"
    );
    assert_eq!(
        totals.frames, 50,
        "nothing analysed after frame 50: {totals:?}"
    );
    assert!(matches!(
        &events[0],
        VisionEvent::Started {
            presence: true,
            expression: true,
            ..
        }
    ));
    // Her smile is sustained ease; it ends with the expression consent, before the next frame.
    assert_eq!(
        cue_kinds(&events),
        [
            "+ease",
            "-ease",
            "stop expression_cues:Withdrawn",
            "stop presence_cues:Withdrawn"
        ]
    );
    let previews_before = |needle: &str| {
        events
            .iter()
            .take_while(|e| {
                !cue_kinds(std::slice::from_ref(e))
                    .iter()
                    .any(|k| k == needle)
            })
            .filter(|e| matches!(e, VisionEvent::Preview { .. }))
            .count()
    };
    assert_eq!(previews_before("stop expression_cues:Withdrawn"), 40);
    assert_eq!(previews_before("stop presence_cues:Withdrawn"), 50);
    let faces: Vec<usize> = events
        .iter()
        .filter_map(|e| match e {
            VisionEvent::Preview { faces, .. } => Some(faces.len()),
            _ => None,
        })
        .collect();
    assert!(faces.iter().all(|n| *n == 1), "one face box per frame");
    // The first preview carries a small JPEG of the frame; later ones only at a few per second.
    let images: Vec<&String> = events
        .iter()
        .filter_map(|e| match e {
            VisionEvent::Preview { image, .. } => image.as_ref(),
            _ => None,
        })
        .collect();
    assert!(
        images
            .first()
            .is_some_and(|i| i.starts_with("data:image/jpeg;base64,/9j/")),
        "{:?}",
        images.first().map(|i| &i[..40.min(i.len())])
    );
    assert!(
        images.len() < 50,
        "images are rate-limited: {}",
        images.len()
    );
    match events.last() {
        Some(VisionEvent::Stopped {
            reason: Some(reason),
        }) => {
            assert!(
                reason.contains("withdrew consent for presence_cues"),
                "{reason}"
            )
        }
        other => panic!("ends with a reason: {other:?}"),
    }
    eprintln!("astronaut 512x512, detection + expression: {totals:?}");

    // No camera on this machine: a clear error, no panic, and the interview goes on.
    let id = new_interview(&copilot).await;
    consent(&copilot, &id, &all(true)).await.unwrap();
    let (no_camera, events) =
        watch(&copilot, &id, VideoInput::Camera { index: 0 }, |_, _, _| {}).await;
    let no_camera = no_camera.unwrap_err();
    assert_eq!(no_camera.code, ErrorCode::Vision, "{no_camera}");
    assert!(no_camera.message.contains("camera 0"), "{no_camera}");
    assert!(events.is_empty());
    assert!(copilot.start_session(&id).await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_eu_profile_never_runs_the_expression_model_even_with_consent() {
    let (dir, _secrets, copilot) = open_fresh().await;
    let id = new_interview(&copilot).await;
    // Consent for everything under the default profile, then the admin switches to EU.
    copilot.set_policy(PolicyProfile::Default).await.unwrap();
    consent(&copilot, &id, &all(true)).await.unwrap();
    copilot.set_policy(PolicyProfile::Eu).await.unwrap();
    let status = copilot.consent_status(&id).await.unwrap();
    let expression = status.purposes[3];
    assert_eq!(
        (expression.purpose, expression.allowed, expression.denial),
        (
            Purpose::ExpressionCues,
            false,
            Some(Denial::ProhibitedByPolicy)
        )
    );
    assert!(status.cues.presence && !status.cues.expression);

    // A smiling face, then an empty room: presence cues only.
    let input = folder(&frames(dir.path(), &[("astronaut", 35), ("coffee", 40)]));
    let (totals, events) = watch(&copilot, &id, input, |_, _, _| {}).await;
    let totals = totals.unwrap();
    assert!(
        !totals.expression_model_loaded,
        "the expression model is not even loaded"
    );
    assert_eq!(totals.expression_frames, 0);
    assert_eq!(totals.frames, 75);
    assert!(matches!(
        &events[0],
        VisionEvent::Started {
            expression: false,
            ..
        }
    ));
    assert_eq!(cue_kinds(&events), ["+face_absent", "-face_absent"]);

    // Switching the profile mid-interview stops expression cues at once as well.
    copilot.set_policy(PolicyProfile::Default).await.unwrap();
    let id = new_interview(&copilot).await;
    consent(&copilot, &id, &all(true)).await.unwrap();
    let input = folder(&frames(&dir.path().join("second"), &[("astronaut", 20)]));
    let (totals, events) = watch(&copilot, &id, input, |n, copilot, _| {
        if n == 5 {
            tokio::runtime::Handle::current()
                .block_on(copilot.set_policy(PolicyProfile::Eu))
                .unwrap();
        }
    })
    .await;
    assert_eq!(totals.unwrap().expression_frames, 5);
    assert_eq!(
        cue_kinds(&events),
        ["stop expression_cues:ProhibitedByPolicy"]
    );
}

/// The scripted sales interview with ratings, fed as text (the same for every call).
async fn scripted(copilot: &Copilot, id: &str) -> copilot_core::report::Report {
    let turns: serde_json::Value =
        serde_json::from_slice(&crate::fixture("sessions/dev-sales-en-01.json")).unwrap();
    let mut session = copilot.start_session(id).await.unwrap();
    let mut at_ms = 0u64;
    for turn in turns["turns"].as_array().unwrap() {
        let text = turn["text"].as_str().unwrap();
        let length_ms = 400 * text.split_whitespace().count() as u64;
        session.apply_transcript(
            turn["speaker"].as_str().unwrap(),
            at_ms,
            at_ms + length_ms,
            text,
            "en",
        );
        at_ms += length_ms + 800;
    }
    for (competency, rating) in [
        ("customer_insight", 4),
        ("negotiation", 3),
        ("resilience", 5),
    ] {
        session.apply(copilot_core::engine::EngineInput::ManualRating {
            competency: competency.into(),
            rating,
            at_ms,
        });
    }
    copilot.finish_session(session).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expression_outputs_never_reach_a_rating_a_score_or_the_report() {
    let (dir, _secrets, copilot) = open_fresh().await;
    copilot.set_policy(PolicyProfile::Default).await.unwrap();
    let with_camera = new_interview(&copilot).await;
    let without_camera = new_interview(&copilot).await;
    consent(&copilot, &with_camera, &all(true)).await.unwrap();
    consent(&copilot, &without_camera, &all(true))
        .await
        .unwrap();

    // Strong expression cues for one interview: a sustained smile (ease).
    let input = folder(&frames(dir.path(), &[("astronaut", 40)]));
    let (totals, events) = watch(&copilot, &with_camera, input, |_, _, _| {}).await;
    assert!(totals.unwrap().expression_frames == 40);
    assert!(cue_kinds(&events).contains(&"+ease".to_string()));

    let seen = scripted(&copilot, &with_camera).await;
    let unseen = scripted(&copilot, &without_camera).await;
    // Every rating, score and recommendation is the same with and without the camera.
    assert_eq!(seen.overall, unseen.overall);
    assert_eq!(seen.competencies, unseen.competencies);
    assert_eq!(seen.strengths, unseen.strengths);
    assert_eq!(seen.areas_to_probe, unseen.areas_to_probe);
    assert_eq!(seen.delivery, unseen.delivery);
    assert_eq!(seen.candidate_feedback, unseen.candidate_feedback);

    // The whole report is the same but for its ids, times and the consent record (given at
    // another time): no field holds an expression output.
    let normalised = |report: &copilot_core::report::Report| {
        let mut json = serde_json::to_value(report).unwrap();
        let object = json.as_object_mut().unwrap();
        for field in [
            "report_id",
            "interview_id",
            "generated_at",
            "times",
            "consent",
        ] {
            object.remove(field);
        }
        object["candidate"]["id"] = serde_json::Value::Null;
        json
    };
    assert_eq!(normalised(&seen), normalised(&unseen));
    let text = normalised(&seen).to_string().to_lowercase();
    for word in ["expression", "emotion", "tension", "happy"] {
        assert!(!text.contains(word), "`{word}` in the report");
    }
    let consent_json = serde_json::to_string(&seen.consent).unwrap();
    assert!(consent_json.contains("expression_cues"));
}

/// Finishes a fresh interview whose candidate answered `transfer` (None: never asked).
async fn finished_with_transfer(copilot: &Copilot, transfer: Option<bool>) -> (String, String) {
    let id = new_interview(copilot).await;
    if let Some(granted) = transfer {
        consent(
            copilot,
            &id,
            &[
                (Purpose::Transcription, true),
                (Purpose::TransferToHr, granted),
            ],
        )
        .await
        .unwrap();
    }
    let session = copilot.start_session(&id).await.unwrap();
    let report = copilot.finish_session(session).await.unwrap();
    (id, report.report_id)
}

#[tokio::test]
async fn only_reports_with_transfer_consent_are_queued_for_the_hr_system() {
    let (_dir, secrets, copilot) = open_fresh().await;
    let connector = |id: &str| copilot_core::NewConnector {
        id: id.into(),
        name: "Our HR".into(),
        config: serde_json::json!({"kind": "rest", "base_url": "http://127.0.0.1:9/api"}),
        secrets: [("token".to_string(), "t-5e1".to_string())].into(),
    };
    let queued = |status: copilot_core::SyncStatus| {
        let mut rows: Vec<(String, String)> = status
            .queue
            .into_iter()
            .map(|q| (q.report_id, q.connector_id))
            .collect();
        rows.sort();
        rows
    };
    copilot
        .add_connector(&secrets, &connector("hr"))
        .await
        .unwrap();
    // Before an HR admin chose a policy, a report goes out unless the candidate refused.
    let (_, unconfigured) = finished_with_transfer(&copilot, None).await;
    let (_, refused_early) = finished_with_transfer(&copilot, Some(false)).await;

    copilot.set_policy(PolicyProfile::Default).await.unwrap();
    let (_, granted) = finished_with_transfer(&copilot, Some(true)).await;
    let (_, refused) = finished_with_transfer(&copilot, Some(false)).await;
    let (_, never_asked) = finished_with_transfer(&copilot, None).await;
    let withdrawn = {
        let id = new_interview(&copilot).await;
        consent(&copilot, &id, &[(Purpose::TransferToHr, true)])
            .await
            .unwrap();
        let session = copilot.start_session(&id).await.unwrap();
        copilot
            .withdraw_consent(&id, Purpose::TransferToHr)
            .await
            .unwrap();
        copilot.finish_session(session).await.unwrap().report_id
    };

    let mut expected = vec![
        (unconfigured.clone(), "hr".to_string()),
        (granted.clone(), "hr".to_string()),
    ];
    expected.sort();
    assert_eq!(
        queued(copilot.sync_status(&secrets).await.unwrap()),
        expected
    );
    let held = copilot.held_reports().await.unwrap();
    let held: Vec<(String, Option<Denial>)> = held
        .into_iter()
        .map(|h| {
            assert_eq!(h.candidate_name, "Jordan Lee");
            (h.report_id, h.denial)
        })
        .collect();
    assert_eq!(
        held,
        [
            (refused_early, Some(Denial::Refused)),
            (refused, Some(Denial::Refused)),
            (never_asked, Some(Denial::NoConsent)),
            (withdrawn, Some(Denial::Withdrawn)),
        ],
        "held reports, oldest first"
    );

    // A connector added later queues the backlog, never the held reports.
    copilot
        .add_connector(&secrets, &connector("ats"))
        .await
        .unwrap();
    assert_eq!(
        queued(copilot.sync_status(&secrets).await.unwrap()),
        expected
    );
    assert_eq!(copilot.held_reports().await.unwrap().len(), 4);
}
