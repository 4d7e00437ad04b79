//! `copilot policy`, `copilot consent` and `copilot vision detect` end to end on a fresh data folder
//! (the face models and the scikit-image test images come from the model manager).

use std::path::PathBuf;

use copilot_models::{ModelsDir, ensure};

use crate::{copilot, ok};

fn json(out: &str) -> serde_json::Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"))
}

fn test_image(name: &str) -> PathBuf {
    ensure(
        &format!("testimage-{name}"),
        &ModelsDir::resolve(),
        &mut |_| {},
    )
    .unwrap()
}

fn purpose_state(status: &serde_json::Value, purpose: &str) -> (bool, serde_json::Value) {
    let entry = status["purposes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["purpose"] == purpose)
        .unwrap_or_else(|| panic!("no {purpose} in {status}"));
    (entry["allowed"].as_bool().unwrap(), entry["denial"].clone())
}

#[test]
fn the_hr_admin_sets_the_policy_and_the_interviewer_records_and_withdraws_consent() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");

    let policy = ok(&data, &["policy", "show"]);
    assert!(
        policy.contains("policy profile: default (not configured"),
        "{policy}"
    );
    let bad = copilot(&data, &["policy", "set", "mars"]);
    assert_eq!(bad.code, 1);
    assert!(
        bad.stderr
            .contains("use eu, mainland_china, illinois or default"),
        "{}",
        bad.stderr
    );

    let interview = json(&ok(
        &data,
        &[
            "interview",
            "create",
            "--job",
            "sales_rep",
            "--candidate",
            "Jordan Lee",
            "--json",
        ],
    ));
    let id = interview["id"].as_str().unwrap();

    // Not configured: audio needs no consent yet, the camera always does.
    let status = json(&ok(
        &data,
        &["consent", "show", "--interview", id, "--json"],
    ));
    assert_eq!(
        purpose_state(&status, "transcription"),
        (true, serde_json::Value::Null)
    );
    assert_eq!(
        purpose_state(&status, "presence_cues"),
        (false, "no_consent".into())
    );

    let eu = json(&ok(&data, &["policy", "set", "eu", "--json"]));
    assert_eq!(eu["profile"], "eu");
    assert_eq!(eu["expression_cues_permitted"], false);
    let status = json(&ok(
        &data,
        &["consent", "show", "--interview", id, "--json"],
    ));
    assert_eq!(
        purpose_state(&status, "transcription"),
        (false, "no_consent".into())
    );

    // Under the EU profile a yes to expression cues is refused, and nothing is recorded.
    let refused = copilot(
        &data,
        &[
            "consent",
            "record",
            "--interview",
            id,
            "--grant",
            "transcription,expression_cues",
            "--interviewer",
            "Megan",
        ],
    );
    assert_eq!(refused.code, 1);
    assert!(refused.stderr.contains("5(1)(f)"), "{}", refused.stderr);

    let recorded = ok(
        &data,
        &[
            "consent",
            "record",
            "--interview",
            id,
            "--grant",
            "transcription,presence_cues",
            "--refuse",
            "recording",
            "--method",
            "checkbox",
            "--interviewer",
            "Megan",
            "--language",
            "zh",
        ],
    );
    assert!(recorded.contains("transcription    allowed"), "{recorded}");
    assert!(
        recorded.contains("recording        not allowed: Refused"),
        "{recorded}"
    );
    assert!(
        recorded.contains("expression_cues  not allowed: ProhibitedByPolicy"),
        "{recorded}"
    );
    assert!(
        recorded
            .contains("record: presence_cues granted by Megan (checkbox, notice 2026-11.1 zh-CN"),
        "{recorded}"
    );

    let withdrawn = json(&ok(
        &data,
        &[
            "consent",
            "withdraw",
            "--interview",
            id,
            "--purpose",
            "presence_cues",
            "--json",
        ],
    ));
    assert_eq!(
        purpose_state(&withdrawn, "presence_cues"),
        (false, "withdrawn".into())
    );
    let record = withdrawn["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["purpose"] == "presence_cues")
        .unwrap();
    assert!(record["withdrawn_at"].is_string(), "{record}");
    assert_eq!(record["language"], "zh-CN");

    let again = copilot(
        &data,
        &[
            "consent",
            "withdraw",
            "--interview",
            id,
            "--purpose",
            "presence_cues",
        ],
    );
    assert_eq!(again.code, 1);
    assert!(
        again
            .stderr
            .contains("no consent in force for presence_cues"),
        "{}",
        again.stderr
    );
    let unknown = copilot(
        &data,
        &["consent", "show", "--interview", "no-such-interview"],
    );
    assert_eq!(unknown.code, 1);
    assert!(
        unknown.stderr.contains("no-such-interview"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn vision_detect_finds_faces_and_withholds_expressions_under_the_eu_profile() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let astronaut = test_image("astronaut");
    let astronaut = astronaut.to_str().unwrap();

    let found = json(&ok(&data, &["vision", "detect", astronaut, "--json"]));
    let faces = found["faces"].as_array().unwrap();
    assert_eq!(faces.len(), 1, "{found}");
    assert!(faces[0]["score"].as_f64().unwrap() > 0.95, "{found}");
    assert_eq!(faces[0]["top_expression"], "happy", "{found}");
    let text = ok(&data, &["vision", "detect", astronaut]);
    assert!(
        text.contains("1 face(s)") && text.contains("expression happy"),
        "{text}"
    );
    assert!(text.contains("never a score"), "{text}");

    let plain = json(&ok(
        &data,
        &["vision", "detect", astronaut, "--no-expressions", "--json"],
    ));
    assert!(plain["faces"][0]["expression"].is_null(), "{plain}");
    assert!(plain["expressions_withheld"].is_null(), "{plain}");

    let coffee = test_image("coffee");
    let empty = json(&ok(
        &data,
        &["vision", "detect", coffee.to_str().unwrap(), "--json"],
    ));
    assert_eq!(empty["faces"].as_array().unwrap().len(), 0, "{empty}");

    ok(&data, &["policy", "set", "eu"]);
    let eu = json(&ok(&data, &["vision", "detect", astronaut, "--json"]));
    assert_eq!(eu["faces"].as_array().unwrap().len(), 1, "{eu}");
    assert!(eu["faces"][0]["expression"].is_null(), "{eu}");
    assert!(
        eu["expressions_withheld"]
            .as_str()
            .unwrap()
            .contains("5(1)(f)"),
        "{eu}"
    );

    let corrupt = dir.path().join("corrupt.png");
    std::fs::write(&corrupt, b"this is not a PNG").unwrap();
    let bad = copilot(&data, &["vision", "detect", corrupt.to_str().unwrap()]);
    assert_eq!(bad.code, 1);
    assert!(
        bad.stderr.contains("cannot decode image") && bad.stderr.contains("use PNG or JPEG"),
        "{}",
        bad.stderr
    );
}
