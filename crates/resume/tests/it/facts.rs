use copilot_resume::{ResumeFacts, resume_facts};

use crate::fixture_path;

fn render(facts: &ResumeFacts) -> String {
    let kinds = [
        ("roles", &facts.roles),
        ("organisations", &facts.organisations),
        ("projects", &facts.projects),
        ("skills", &facts.skills),
        ("achievements", &facts.achievements),
    ];
    kinds
        .iter()
        .map(|(kind, items)| format!("{kind}: {}", items.join(" | ")))
        .collect::<Vec<_>>()
        .join("\n")
}

fn session_resumes() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/interviews/sessions");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixture sessions")
        .map(|entry| entry.expect("dir entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let session: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&path).expect("read session"))
                    .expect("session json");
            let resume = session["candidate"]["resume"]
                .as_str()
                .expect("candidate.resume")
                .to_string();
            let name = path
                .file_stem()
                .expect("stem")
                .to_string_lossy()
                .into_owned();
            (name, resume)
        })
        .collect()
}

fn written_resumes() -> Vec<(String, String)> {
    let mut files: Vec<_> = std::fs::read_dir(fixture_path("resumes"))
        .expect("fixture résumés")
        .map(|entry| entry.expect("dir entry").path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let name = path
                .file_stem()
                .expect("stem")
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read_to_string(&path).expect("read résumé"))
        })
        .collect()
}

#[test]
fn facts_of_the_fixture_session_resumes() {
    let resumes = session_resumes();
    assert_eq!(resumes.len(), 4);
    for (name, resume) in resumes {
        let facts = resume_facts(&resume);
        assert!(!facts.roles.is_empty(), "{name}: no role found in {resume}");
        insta::assert_snapshot!(
            format!("session-{name}"),
            format!("{resume}\n---\n{}", render(&facts))
        );
    }
}

#[test]
fn facts_of_written_resumes() {
    let resumes = written_resumes();
    assert!(resumes.len() >= 6);
    for (name, resume) in resumes {
        let facts = resume_facts(&resume);
        for (kind, items) in [
            ("roles", &facts.roles),
            ("organisations", &facts.organisations),
            ("achievements", &facts.achievements),
        ] {
            assert!(!items.is_empty(), "{name}: no {kind}");
        }
        insta::assert_snapshot!(format!("resume-{name}"), render(&facts));
    }
}

#[test]
fn facts_come_from_the_text_not_from_a_file_name() {
    // The same rules on a one-line résumé in each language.
    let english =
        resume_facts("Head of Sales at Acme Robotics Inc; grew revenue by $2.4m with a team of 9.");
    assert_eq!(english.roles, vec!["Head of Sales at Acme Robotics Inc"]);
    assert_eq!(english.organisations, vec!["Acme Robotics Inc"]);
    assert_eq!(
        english.achievements,
        vec!["grew revenue by $2.4m with a team of 9"]
    );
    let chinese = resume_facts(
        "2020年加入华为技术有限公司任测试工程师，主导自动化测试平台建设，缺陷率降低30%。",
    );
    assert_eq!(chinese.organisations, vec!["华为技术有限公司"]);
    assert_eq!(chinese.roles, vec!["测试工程师"]);
    assert_eq!(chinese.projects, vec!["自动化测试平台"]);
    assert_eq!(chinese.achievements, vec!["缺陷率降低30%"]);
}

#[test]
fn empty_and_plain_text_give_no_facts() {
    assert_eq!(resume_facts(""), ResumeFacts::default());
    assert_eq!(
        resume_facts("I like long walks and reading."),
        ResumeFacts::default()
    );
}

#[test]
fn fact_lists_are_bounded() {
    let many: String = (1..60)
        .map(|n| format!("Raised output by {n}%.\n"))
        .collect();
    assert_eq!(
        resume_facts(&many).achievements.len(),
        copilot_resume::facts::MAX_PER_KIND
    );
}
