//! Stored reports after the interview: a rating changed on the report recomputes the score and
//! reaches the HR system as a new revision; the PDF export and the font it needs.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use copilot_core::{ErrorCode, FontSearch, NewConnector, ReportFormat, SecretStore};

#[tokio::test]
async fn a_changed_rating_is_stored_scored_and_sent_again_as_a_revision() {
    let (dir, secrets, copilot) = super::open_fresh().await;
    let (url, received) = super::sync::hr_server("rev-token-51f0");
    copilot
        .add_connector(
            &secrets,
            &NewConnector {
                id: "hr".into(),
                name: "HR".into(),
                config: serde_json::json!({"kind": "rest", "base_url": url}),
                secrets: [("token".to_string(), "rev-token-51f0".to_string())].into(),
            },
        )
        .await
        .unwrap();
    let report = super::run_scripted_sales_interview(&copilot).await;
    let id = report.report_id.clone();
    assert_eq!(report.overall.confirmed.as_ref().unwrap().score, 75.0);

    // Before delivery: the queued payload becomes the latest revision, same key.
    let first = copilot
        .rate_report(&id, "negotiation", 2, None)
        .await
        .unwrap();
    assert_eq!(first.revision(), 2);
    let negotiation = first
        .competencies
        .iter()
        .find(|c| c.id == "negotiation")
        .unwrap();
    let confirmed = negotiation.confirmed.as_ref().unwrap();
    assert_eq!(confirmed.rating, 2);
    assert_eq!(confirmed.by, "Megan", "the first interviewer by default");
    assert!(confirmed.revised_at.is_some());
    let before = report
        .competencies
        .iter()
        .find(|c| c.id == "negotiation")
        .unwrap();
    assert_eq!(
        negotiation.suggested, before.suggested,
        "the suggestion stays"
    );
    let job = copilot.job("sales_rep", None).await.unwrap().definition;
    let ratings: BTreeMap<String, u8> = first
        .competencies
        .iter()
        .map(|c| (c.id.clone(), c.confirmed.as_ref().unwrap().rating))
        .collect();
    let expected =
        copilot_core::engine::overall_score(&job, &ratings, &Default::default()).unwrap();
    let score = first.overall.confirmed.clone().unwrap();
    assert_eq!(score.score, expected.score);
    assert!(
        score.score < 75.0,
        "a lower rating lowers the score: {}",
        score.score
    );
    assert_eq!(copilot.report(&id).await.unwrap(), first, "stored");

    let secrets: Arc<dyn SecretStore> = Arc::new(secrets);
    let run = copilot.sync_run_once(secrets.clone()).await.unwrap();
    assert_eq!((run.attempted, run.delivered), (1, 1), "{run:?}");
    {
        let received = received.lock().unwrap();
        assert_eq!(received.len(), 1);
        assert_eq!(
            received[0].0, id,
            "never sent before: the report id is the key"
        );
        let sent: copilot_core::report::Report = serde_json::from_slice(&received[0].1).unwrap();
        assert_eq!(sent, first, "the latest revision was sent");
    }

    // After delivery: a new revision goes out under its own key.
    let second = copilot
        .rate_report(&id, "resilience", 5, Some("Chen"))
        .await
        .unwrap();
    assert_eq!(second.revision(), 3);
    assert_eq!(second.revisions[1].by, "Chen");
    assert!(second.overall.confirmed.as_ref().unwrap().score > score.score);
    let run = copilot.sync_run_once(secrets.clone()).await.unwrap();
    assert_eq!((run.attempted, run.delivered), (1, 1), "{run:?}");
    {
        let received = received.lock().unwrap();
        assert_eq!(received.len(), 2);
        assert_eq!(received[1].0, format!("{id}.r3"));
        let sent: copilot_core::report::Report = serde_json::from_slice(&received[1].1).unwrap();
        assert_eq!(sent, second);
    }
    let status = copilot.sync_status(&*secrets).await.unwrap();
    assert_eq!((status.delivered, status.pending), (2, 0));

    // Bad ratings and competencies are refused and change nothing.
    let error = copilot
        .rate_report(&id, "no-such", 3, None)
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::NotFound);
    assert!(error.message.contains("negotiation"), "{}", error.message);
    let error = copilot
        .rate_report(&id, "negotiation", 0, None)
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::InvalidInput);
    let error = copilot
        .rate_report("no-report", "negotiation", 3, None)
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::NotFound);
    copilot.close().await;
    drop(dir);
}

#[tokio::test]
async fn a_report_exports_as_a_pdf_with_a_system_font() {
    let (dir, _secrets, copilot) = super::open_fresh().await;
    let report = super::run_scripted_sales_interview(&copilot).await;
    let path = dir.path().join("report.pdf");
    copilot
        .export_report_to_path(&report.report_id, ReportFormat::Pdf, &path)
        .await
        .unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let limits = copilot_resume::ResumeLimits {
        max_file_bytes: 64 << 20,
        ..Default::default()
    };
    let text = copilot_resume::extract_text("report.pdf", &bytes, &limits).unwrap();
    assert!(text.contains("Jordan Lee"), "{text}");
    let error = copilot
        .export_report(&report.report_id, ReportFormat::Pdf)
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::InvalidInput);
}

#[test]
fn the_font_search_finds_a_cjk_font_or_says_how_to_get_one() {
    let chinese: BTreeSet<char> = "面试报告".chars().collect();
    // Nowhere to look: the error names the package, the variable and the flag.
    let empty = tempfile::tempdir().unwrap();
    let search = FontSearch {
        explicit: None,
        dirs: vec![empty.path().to_path_buf()],
    };
    let error = search.find(&chinese).unwrap_err();
    assert_eq!(error.code, ErrorCode::NotFound);
    for fix in ["fonts-wqy-microhei", "COPILOT_PDF_FONT", "--font"] {
        assert!(error.message.contains(fix), "{}", error.message);
    }
    // Only a Latin font around: still no font for Chinese, but one for English.
    let latin_dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        latin_dir.path().join("DejaVuSans.ttf"),
    )
    .expect("fonts-dejavu-core (scripts/install-system-deps.sh)");
    let latin = FontSearch {
        explicit: None,
        dirs: vec![latin_dir.path().to_path_buf()],
    };
    assert_eq!(latin.find(&chinese).unwrap_err().code, ErrorCode::NotFound);
    let found = latin.find(&BTreeSet::new()).unwrap();
    assert!(found.name.ends_with("DejaVuSans.ttf"), "{}", found.name);
    // The system folders have the CJK font the project installs.
    let system = FontSearch::system(None).find(&chinese).unwrap();
    assert!(
        copilot_core::report::missing_glyphs(&system, &chinese)
            .unwrap()
            .is_empty(),
        "{}",
        system.name
    );
    // A chosen font is used or refused, never skipped silently.
    let chosen = FontSearch {
        explicit: Some(latin_dir.path().join("DejaVuSans.ttf")),
        dirs: FontSearch::system(None).dirs,
    };
    let error = chosen.find(&chinese).unwrap_err();
    assert_eq!(error.code, ErrorCode::InvalidInput);
    assert!(
        error.message.contains("no Chinese glyphs"),
        "{}",
        error.message
    );
    let junk = latin_dir.path().join("junk.ttf");
    std::fs::write(&junk, b"not a font").unwrap();
    let error = FontSearch {
        explicit: Some(junk),
        dirs: vec![],
    }
    .find(&BTreeSet::new())
    .unwrap_err();
    assert_eq!(error.code, ErrorCode::UnreadableFile);
}
