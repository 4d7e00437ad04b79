//! JSON: one job (`interview-copilot/job@1`), an array of jobs, or a bank
//! `{"schema": "interview-copilot/bank@1", "jobs": [...]}`.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;

use copilot_domain::JobDefinition;

use crate::error::Problems;
use crate::{BANK_SCHEMA_ID, BankError, ImportLimits};

const JOB_FIELDS: &[&str] = &[
    "schema",
    "set",
    "id",
    "title",
    "summary",
    "competencies",
    "questions",
];
const COMPETENCY_FIELDS: &[&str] = &[
    "id",
    "name",
    "weight",
    "description",
    "anchors",
    "keywords",
    "examples",
];
const ANCHOR_FIELDS: &[&str] = &["level", "en", "zh"];
const QUESTION_FIELDS: &[&str] = &["id", "competency", "en", "zh", "difficulty", "follow_ups"];
const BILINGUAL_FIELDS: &[&str] = &["en", "zh"];
const BANK_FIELDS: &[&str] = &["schema", "jobs"];

#[derive(Deserialize)]
struct RawBank<'a> {
    #[serde(borrow)]
    jobs: Vec<&'a RawValue>,
}

#[derive(Serialize)]
struct BankOut<'a> {
    schema: &'static str,
    jobs: &'a [JobDefinition],
}

pub(crate) fn import(
    file: &str,
    bytes: &[u8],
    limits: &ImportLimits,
) -> Result<Vec<JobDefinition>, BankError> {
    let text = crate::utf8_text(file, bytes, "UTF-8 JSON")?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    crate::limits::scan_json(text, file, limits)?;

    let mut problems = Problems::new(file);
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(error) => {
            let (at, message) = describe(&error, text, 0);
            problems.add(at, message);
            return problems.into_result().map(|()| Vec::new());
        }
    };

    // Each job as raw text (for line numbers) and as a value (for field checks), with its path.
    let parsed: Result<Vec<&RawValue>, serde_json::Error>;
    let (prefix, job_values): (&str, Vec<&Value>) = match &value {
        Value::Array(items) => {
            parsed = serde_json::from_str(text);
            ("", items.iter().collect())
        }
        Value::Object(map) if map.contains_key("jobs") => {
            check_fields(map, BANK_FIELDS, "", &mut problems);
            match map.get("schema") {
                Some(Value::String(schema)) if schema == BANK_SCHEMA_ID => {}
                None => {}
                Some(other) => problems.add(
                    "schema",
                    format!(
                        "expected \"{BANK_SCHEMA_ID}\", found {other}: this version reads bank files \
                         of schema {BANK_SCHEMA_ID} only"
                    ),
                ),
            }
            parsed = serde_json::from_str::<RawBank<'_>>(text).map(|bank| bank.jobs);
            let jobs = match map.get("jobs") {
                Some(Value::Array(items)) => items.iter().collect(),
                _ => Vec::new(),
            };
            ("jobs", jobs)
        }
        Value::Object(_) => {
            parsed = serde_json::from_str::<&RawValue>(text).map(|raw| vec![raw]);
            ("", vec![&value])
        }
        other => {
            problems.add(
                "line 1",
                format!(
                    "the file holds {}, not a job bank: give one job object, an array of jobs, or \
                     {{\"schema\": \"{BANK_SCHEMA_ID}\", \"jobs\": [...]}}",
                    kind(other)
                ),
            );
            return problems.into_result().map(|()| Vec::new());
        }
    };
    let raw_jobs = match parsed {
        Ok(raw_jobs) => raw_jobs,
        Err(error) => {
            let (at, message) = describe(&error, text, 0);
            problems.add(at, message);
            return problems.into_result().map(|()| Vec::new());
        }
    };
    let single = matches!(value, Value::Object(ref map) if !map.contains_key("jobs"));
    let path_of = |index: usize| {
        if single {
            String::new()
        } else {
            format!("{prefix}[{index}]")
        }
    };

    let questions: usize = job_values
        .iter()
        .map(|job| {
            job.get("questions")
                .and_then(Value::as_array)
                .map_or(0, Vec::len)
        })
        .sum();
    if questions as u64 > limits.max_rows {
        return Err(BankError::TooManyRows {
            file: file.to_string(),
            limit: limits.max_rows,
        });
    }
    if raw_jobs.is_empty() {
        problems.add(
            if prefix.is_empty() {
                "(top level)"
            } else {
                "jobs"
            },
            "the file holds no job: add at least one job",
        );
    }

    let mut jobs: Vec<JobDefinition> = Vec::with_capacity(raw_jobs.len());
    let mut job_paths: Vec<String> = Vec::new();
    for (index, (raw, job_value)) in raw_jobs.iter().zip(&job_values).enumerate() {
        let path = path_of(index);
        check_job_fields(job_value, &path, &mut problems);
        let offset = raw.get().as_ptr() as usize - text.as_ptr() as usize;
        match serde_json::from_str::<JobDefinition>(raw.get()) {
            Ok(job) => {
                for issue in job.validate() {
                    problems.add(join(&path, &issue.path), crate::explain(&issue));
                }
                if let Some(first) = jobs.iter().position(|other| other.id == job.id) {
                    problems.add(
                        join(&path, "id"),
                        format!(
                            "job id {:?} is also used by {}: give each job its own id",
                            job.id, job_paths[first]
                        ),
                    );
                }
                jobs.push(job);
                job_paths.push(path);
            }
            Err(error) => {
                let (at, message) = describe(&error, text, offset);
                let at = if path.is_empty() {
                    at
                } else {
                    format!("{path} ({at})")
                };
                problems.add(at, message);
            }
        }
    }
    problems.into_result().map(|()| jobs)
}

fn join(path: &str, field: &str) -> String {
    match (path.is_empty(), field.is_empty()) {
        (true, _) => field.to_string(),
        (false, true) => path.to_string(),
        (false, false) => format!("{path}.{field}"),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `line L, column C` and the message of a serde_json error at `offset` bytes into `text`.
fn describe(error: &serde_json::Error, text: &str, offset: usize) -> (String, String) {
    let full = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    let message = full.strip_suffix(&suffix).unwrap_or(&full).to_string();
    let before = &text[..offset.min(text.len())];
    let base_line = before.matches('\n').count() + 1;
    let base_column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    let (line, column) = if error.line() <= 1 {
        (base_line, base_column + error.column().saturating_sub(1))
    } else {
        (base_line + error.line() - 1, error.column())
    };
    let fix = match error.classify() {
        serde_json::error::Category::Data => {
            "give the field the type the job format expects (see schemas/job.schema.json)"
        }
        _ => "fix the JSON syntax",
    };
    (
        format!("line {line}, column {column}"),
        format!("{message}: {fix}"),
    )
}

fn check_fields(
    map: &serde_json::Map<String, Value>,
    known: &[&str],
    path: &str,
    problems: &mut Problems,
) {
    for key in map.keys() {
        if !known.contains(&key.as_str()) {
            problems.add(
                if path.is_empty() { "(top level)" } else { path },
                format!(
                    "unknown field {key:?}: remove it or correct its name (expected one of: {})",
                    known.join(", ")
                ),
            );
        }
    }
}

/// Fields serde would silently drop: a misspelt `follow_ups` must not lose the follow-ups.
fn check_job_fields(job: &Value, path: &str, problems: &mut Problems) {
    let Some(map) = job.as_object() else { return };
    check_fields(map, JOB_FIELDS, path, problems);
    for field in ["title", "summary"] {
        if let Some(Value::Object(text)) = map.get(field) {
            check_fields(text, BILINGUAL_FIELDS, &join(path, field), problems);
        }
    }
    if let Some(Value::Array(competencies)) = map.get("competencies") {
        for (i, competency) in competencies.iter().enumerate() {
            let at = join(path, &format!("competencies[{i}]"));
            let Some(competency) = competency.as_object() else {
                continue;
            };
            check_fields(competency, COMPETENCY_FIELDS, &at, problems);
            for field in ["name", "description", "keywords", "examples"] {
                if let Some(Value::Object(text)) = competency.get(field) {
                    check_fields(text, BILINGUAL_FIELDS, &format!("{at}.{field}"), problems);
                }
            }
            if let Some(Value::Array(anchors)) = competency.get("anchors") {
                for (j, anchor) in anchors.iter().enumerate() {
                    if let Some(anchor) = anchor.as_object() {
                        check_fields(
                            anchor,
                            ANCHOR_FIELDS,
                            &format!("{at}.anchors[{j}]"),
                            problems,
                        );
                    }
                }
            }
        }
    }
    if let Some(Value::Array(questions)) = map.get("questions") {
        for (i, question) in questions.iter().enumerate() {
            let at = join(path, &format!("questions[{i}]"));
            let Some(question) = question.as_object() else {
                continue;
            };
            check_fields(question, QUESTION_FIELDS, &at, problems);
            if let Some(Value::Array(follow_ups)) = question.get("follow_ups") {
                for (j, follow_up) in follow_ups.iter().enumerate() {
                    if let Some(follow_up) = follow_up.as_object() {
                        check_fields(
                            follow_up,
                            BILINGUAL_FIELDS,
                            &format!("{at}.follow_ups[{j}]"),
                            problems,
                        );
                    }
                }
            }
        }
    }
}

pub(crate) fn export(jobs: &[JobDefinition]) -> Result<Vec<u8>, BankError> {
    for job in jobs {
        if let Some(c) = job.competencies.iter().find(|c| !c.weight.is_finite()) {
            return Err(BankError::Export {
                format: "JSON".into(),
                problem: format!(
                    "job {:?}, competency {:?}: the weight {} is not a number JSON can hold; set a \
                     weight between 0 and 1",
                    job.id, c.id, c.weight
                ),
            });
        }
    }
    let written = match jobs {
        [job] => serde_json::to_vec_pretty(job),
        _ => serde_json::to_vec_pretty(&BankOut {
            schema: BANK_SCHEMA_ID,
            jobs,
        }),
    };
    let mut bytes = written.map_err(|error| BankError::Export {
        format: "JSON".into(),
        problem: error.to_string(),
    })?;
    bytes.push(b'\n');
    Ok(bytes)
}
