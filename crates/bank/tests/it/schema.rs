use copilot_bank::{BankFormat, JOB_JSON_SCHEMA, export_bank};
use serde_json::Value;

use crate::{fixture_files, fixture_jobs, tricky_job};

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(JOB_JSON_SCHEMA).expect("the schema is JSON");
    jsonschema::draft202012::new(&schema).expect("the schema compiles")
}

fn errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn the_published_schema_file_is_the_embedded_one() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../schemas/job.schema.json");
    let on_disk = std::fs::read_to_string(path).expect("schemas/job.schema.json exists");
    assert_eq!(on_disk, JOB_JSON_SCHEMA);
}

#[test]
fn every_fixture_job_validates_against_the_schema() {
    let validator = validator();
    for (name, bytes) in fixture_files() {
        let instance: Value = serde_json::from_slice(&bytes).expect("JSON");
        assert_eq!(
            errors(&validator, &instance),
            Vec::<String>::new(),
            "{name}"
        );
    }
}

#[test]
fn every_export_validates_against_the_schema() {
    let validator = validator();
    let mut jobs = fixture_jobs();
    jobs.push(tricky_job());
    jobs.extend(copilot_bank::bundled_library());
    for job in &jobs {
        let bytes = export_bank(std::slice::from_ref(job), BankFormat::Json).expect("exports");
        let instance: Value = serde_json::from_slice(&bytes).expect("JSON");
        assert_eq!(
            errors(&validator, &instance),
            Vec::<String>::new(),
            "{}",
            job.id
        );
    }
    let bank = export_bank(&jobs, BankFormat::Json).expect("exports");
    let instance: Value = serde_json::from_slice(&bank).expect("JSON");
    assert_eq!(
        errors(&validator, &instance),
        Vec::<String>::new(),
        "the bank"
    );
    let array = serde_json::to_value(&jobs).expect("serialises");
    assert_eq!(errors(&validator, &array), Vec::<String>::new(), "an array");
}

/// Changes a valid job into one the schema must reject.
type Breaker = Box<dyn Fn(&mut Value)>;

#[test]
fn the_schema_rejects_what_import_rejects_structurally() {
    let validator = validator();
    let job = serde_json::to_value(fixture_jobs().remove(0)).expect("serialises");
    let cases: Vec<(&str, Breaker)> = vec![
        (
            "unknown field",
            Box::new(|j| j["folow_ups"] = Value::Bool(true)),
        ),
        (
            "wrong schema id",
            Box::new(|j| j["schema"] = "interview-copilot/job@2".into()),
        ),
        (
            "weight as text",
            Box::new(|j| j["competencies"][0]["weight"] = "0.25".into()),
        ),
        (
            "bad difficulty",
            Box::new(|j| j["questions"][0]["difficulty"] = "medium".into()),
        ),
        ("bad id", Box::new(|j| j["id"] = "Sales Rep".into())),
        (
            "four anchors",
            Box::new(|j| {
                j["competencies"][0]["anchors"]
                    .as_array_mut()
                    .expect("anchors")
                    .pop();
            }),
        ),
        (
            "follow-up without zh",
            Box::new(|j| {
                j["questions"][0]["follow_ups"] = serde_json::json!([{"en": "Why?"}]);
            }),
        ),
    ];
    for (name, break_it) in cases {
        let mut broken = job.clone();
        break_it(&mut broken);
        assert!(!validator.is_valid(&broken), "{name} should not validate");
    }
}
