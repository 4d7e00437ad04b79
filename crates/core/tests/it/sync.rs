//! A finished interview's report is queued in the same transaction and "sync now" delivers it,
//! with the report id as the idempotency key, to a small HR server on loopback.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use copilot_core::{ErrorCode, NewConnector, SecretStore};

type Received = Arc<Mutex<Vec<(String, Vec<u8>)>>>;

/// Accepts `POST /reports` with the right token; records (Idempotency-Key, body).
pub(crate) fn hr_server(token: &'static str) -> (String, Received) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let received: Received = Arc::default();
    let log = received.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let (mut key, mut length, mut authorized) = (String::new(), 0usize, false);
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            let post = line.starts_with("POST /reports ");
            line.clear();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                let lower = line.to_ascii_lowercase();
                if let Some(v) = lower.strip_prefix("idempotency-key:") {
                    key = v.trim().to_string();
                }
                if let Some(v) = lower.strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                authorized |= line.trim_end() == format!("Authorization: Bearer {token}")
                    || line.trim_end() == format!("authorization: Bearer {token}");
                line.clear();
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let status = if authorized {
                if post {
                    log.lock().unwrap().push((key, body));
                }
                "201 Created"
            } else {
                "401 Unauthorized"
            };
            let body = if post { "{}" } else { r#"{"interviews":[]}"# };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (url, received)
}

#[tokio::test]
async fn a_finished_report_is_queued_with_it_and_delivered_once() {
    let (_dir, secrets, copilot) = super::open_fresh().await;
    let (url, received) = hr_server("core-token-8c2d");
    let info = copilot
        .add_connector(
            &secrets,
            &NewConnector {
                id: "hr".into(),
                name: "Our HR".into(),
                config: serde_json::json!({"kind": "rest", "base_url": url}),
                secrets: [("token".to_string(), "core-token-8c2d".to_string())].into(),
            },
        )
        .await
        .unwrap();
    assert!(info.secrets.iter().all(|s| s.name != "token" || s.present));
    assert!(
        !serde_json::to_string(&info)
            .unwrap()
            .contains("core-token-8c2d")
    );

    let report = super::run_scripted_sales_interview(&copilot).await;
    let status = copilot.sync_status(&secrets).await.unwrap();
    assert_eq!(
        (status.pending, status.delivered),
        (1, 0),
        "queued with the report"
    );
    assert_eq!(status.queue[0].report_id, report.report_id);

    let secrets: Arc<dyn SecretStore> = Arc::new(secrets);
    let run = copilot.sync_run_once(secrets.clone()).await.unwrap();
    assert_eq!((run.attempted, run.delivered), (1, 1), "{run:?}");
    let received = received.lock().unwrap().clone();
    assert_eq!(received.len(), 1);
    assert_eq!(
        received[0].0, report.report_id,
        "the report id is the idempotency key"
    );
    let stored = copilot
        .export_report(&report.report_id, copilot_core::ReportFormat::Json)
        .await
        .unwrap();
    let sent: serde_json::Value = serde_json::from_slice(&received[0].1).unwrap();
    assert_eq!(
        sent,
        serde_json::from_str::<serde_json::Value>(&stored).unwrap()
    );

    let again = copilot.sync_run_once(secrets.clone()).await.unwrap();
    assert_eq!(again.attempted, 0, "delivered reports are not sent again");
    let error = copilot.resend_report(&report.report_id).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::NotFound);
    let status = copilot.sync_status(&*secrets).await.unwrap();
    assert_eq!(status.delivered, 1);
}
