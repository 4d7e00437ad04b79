//! Integration tests of the domain types against the scripted-interview fixtures.

use copilot_domain::{JobDefinition, Language};

fn fixture_jobs() -> Vec<(String, JobDefinition)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/interviews/jobs");
    let mut jobs: Vec<(String, JobDefinition)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let job: JobDefinition =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                job,
            )
        })
        .collect();
    jobs.sort_by(|a, b| a.0.cmp(&b.0));
    jobs
}

#[test]
fn fixture_jobs_parse_and_validate() {
    let jobs = fixture_jobs();
    assert_eq!(jobs.len(), 4);
    for (file, job) in &jobs {
        assert_eq!(job.validate(), vec![], "{file}");
    }
}

#[test]
fn fixture_jobs_round_trip_without_loss() {
    for (file, job) in fixture_jobs() {
        let text = serde_json::to_string(&job).unwrap();
        let again: JobDefinition = serde_json::from_str(&text).unwrap();
        assert_eq!(job, again, "{file}");
        assert_eq!(job.content_hash(), again.content_hash());
    }
}

#[test]
fn validation_names_each_problem() {
    let (_, mut job) = fixture_jobs().remove(0);
    job.competencies[0].weight = 0.9;
    job.competencies[1].anchors.pop();
    job.questions[0].competency = "nonexistent".into();
    let dup = job.questions[1].id.clone();
    job.questions[2].id = dup;
    let report: Vec<String> = job.validate().iter().map(ToString::to_string).collect();
    insta::assert_snapshot!(report.join("\n"));
}

#[test]
fn editing_changes_the_content_hash_but_the_set_tag_does_not() {
    let (_, job) = fixture_jobs().remove(0);
    let mut tagged = job.clone();
    tagged.set = Some("heldout".into());
    assert_eq!(job.content_hash(), tagged.content_hash());
    let mut edited = job.clone();
    edited.competencies[0].name.zh.push('！');
    assert_ne!(job.content_hash(), edited.content_hash());
}

#[test]
fn competencies_by_weight_orders_heaviest_first_then_id() {
    for (_, job) in fixture_jobs() {
        let order = job.competencies_by_weight();
        for pair in order.windows(2) {
            assert!(
                pair[0].weight > pair[1].weight
                    || (pair[0].weight == pair[1].weight && pair[0].id < pair[1].id)
            );
        }
        assert_eq!(Language::parse("ZH-cn"), Some(Language::Zh));
    }
}
