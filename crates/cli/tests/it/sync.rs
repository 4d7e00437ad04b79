//! `copilot connector add|test|list` and `copilot sync status|run|retry` on a fresh data folder,
//! against a small HR server on loopback. The secret goes in through an environment variable and
//! never comes out (not in `--json` output, not in the database file).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Command;

const TOKEN: &str = "cli-canary-token-5e1f";

/// Answers `GET /assigned-interviews` with one interview when the bearer token is right.
fn hr_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut authorized = false;
            let mut length = 0usize;
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                let lower = line.to_ascii_lowercase();
                authorized |= lower.starts_with("authorization: bearer ") && line.contains(TOKEN);
                if let Some(value) = lower.strip_prefix("content-length:") {
                    length = value.trim().parse().unwrap_or(0);
                }
                line.clear();
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let (status, body) = if authorized {
                (
                    "200 OK",
                    r#"{"interviews":[{"id":"as-1","candidate":{"name":"Lin Wei"},"job":{"title":"Sales"},"scheduled_at":"2026-12-02T09:00:00Z"}]}"#,
                )
            } else {
                ("401 Unauthorized", r#"{"error":"bad token"}"#)
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

fn run(data: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_copilot"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env("HR_TOKEN", TOKEN)
        .output()
        .expect("the copilot binary runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn connectors_and_sync_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let url = hr_server();

    let (code, out, err) = run(
        &data,
        &[
            "connector",
            "add",
            "--id",
            "hr",
            "--kind",
            "rest",
            "--base-url",
            &url,
            "--secret-env",
            "token=HR_TOKEN",
            "--json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let added: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(added["kind"], "rest");
    assert_eq!(added["secrets"][0]["present"], true);
    assert!(!out.contains(TOKEN), "the token is never printed");

    // A missing required secret is refused with the fix.
    let (code, _, err) = run(
        &data,
        &[
            "connector",
            "add",
            "--id",
            "gh",
            "--kind",
            "greenhouse",
            "--user-id",
            "158108",
        ],
    );
    assert_eq!(code, 1);
    assert!(err.contains("needs its api_key"), "{err}");

    let (code, out, err) = run(&data, &["connector", "test", "hr", "--json"]);
    assert_eq!(code, 0, "{err}");
    let test: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(test["ok"], true, "{out}");

    let (code, out, err) = run(&data, &["sync", "run", "--json"]);
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        report["pulled"], 1,
        "the assigned interview was pulled: {out}"
    );
    assert_eq!(report["attempted"], 0);

    let (code, out, err) = run(&data, &["sync", "status", "--json"]);
    assert_eq!(code, 0, "{err}");
    let status: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(status["pending"], 0);
    assert_eq!(status["connectors"][0]["id"], "hr");
    assert!(
        status["connectors"][0]["data_sent"][0]
            .as_str()
            .unwrap()
            .contains("report")
    );

    let (code, out, _) = run(&data, &["connector", "list"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("hr (rest, active) — token in keychain"),
        "{out}"
    );

    let (code, _, err) = run(&data, &["sync", "retry", "no-such-report"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("no dead letter or paused delivery to resend"),
        "{err}"
    );

    for entry in std::fs::read_dir(&data).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap_or_default();
        assert!(
            !bytes.windows(TOKEN.len()).any(|w| w == TOKEN.as_bytes()),
            "the token is not on disk"
        );
    }
}
