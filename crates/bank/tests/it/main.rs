//! Integration tests of copilot-bank: bad inputs (a data-driven table, messages snapshotted),
//! lossless round trips, formula injection, the JSON Schema and the bundled library.

mod bad_input;
mod library;
mod round_trip;
mod schema;

use std::path::PathBuf;

use copilot_bank::{ImportLimits, import_bank};
use copilot_domain::JobDefinition;

/// The scripted-interview fixture jobs: (file name, bytes), sorted by name.
pub fn fixture_files() -> Vec<(String, Vec<u8>)> {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/interviews/jobs");
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.expect("a directory entry").path();
            let name = path
                .file_name()
                .expect("a file name")
                .to_string_lossy()
                .into_owned();
            let bytes = std::fs::read(&path).expect("a readable fixture");
            (name, bytes)
        })
        .filter(|(name, _)| name.ends_with(".json"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 4,
        "expected the fixture jobs in {}",
        dir.display()
    );
    files
}

/// Every fixture job, imported through the public API.
pub fn fixture_jobs() -> Vec<JobDefinition> {
    fixture_files()
        .iter()
        .flat_map(|(name, bytes)| {
            import_bank(name, bytes, &ImportLimits::default())
                .unwrap_or_else(|e| panic!("fixture {name} must import: {e}"))
        })
        .collect()
}

/// A job that exercises every corner of the table format: formula-like texts, separators inside
/// list items, one-language follow-ups, examples and difficulties.
pub fn tricky_job() -> JobDefinition {
    let mut job = fixture_jobs().remove(0);
    job.id = "tricky".into();
    job.set = None;
    job.title.en = "=HYPERLINK(\"http://evil.example\",\"click\")".into();
    job.summary.zh = "+1 总结，含\"引号\"、逗号,\n和换行".into();
    let c = &mut job.competencies[0];
    c.description.en = "-5 points; @mention".into();
    c.anchors[0].en = "'=already quoted".into();
    c.anchors[1].zh = "@SUM(A1:A2)".into();
    c.anchors[2].en = "\rcarriage return first, trailing space ".into();
    c.anchors[3].zh = " 前导空格与\r\n换行".into();
    c.keywords.en = vec![
        "a; b".into(),
        "中；文".into(),
        "back\\slash".into(),
        "=cmd|' /C calc'!A0".into(),
    ];
    c.examples = Some(copilot_domain::Keywords {
        en: vec!["I led the team".into(), "+ we grew 20%".into()],
        zh: vec![],
    });
    let q = &mut job.questions[0];
    q.en = "\tTabbed question?".into();
    q.difficulty = Some(copilot_domain::Difficulty::Hard);
    q.follow_ups = vec![
        copilot_domain::Bilingual::new("Why?", ""),
        copilot_domain::Bilingual::new("", "结果如何；为什么？"),
        copilot_domain::Bilingual::new("-And then?", "然后呢？"),
    ];
    job.questions[1].difficulty = Some(copilot_domain::Difficulty::Easy);
    assert!(job.validate().is_empty(), "{:?}", job.validate());
    job
}
