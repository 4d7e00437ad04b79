use std::collections::HashSet;

use copilot_bank::{BUNDLED_LIBRARY_FILES, ImportLimits, bundled_library, import_bank};

#[test]
fn the_bundled_library_parses_validates_and_is_complete() {
    let library = bundled_library();
    assert_eq!(library.len(), 6);
    let ids: HashSet<&str> = library.iter().map(|job| job.id.as_str()).collect();
    assert_eq!(ids.len(), 6, "job ids are unique");
    for job in &library {
        assert_eq!(job.validate(), Vec::new(), "{}", job.id);
        for text in [&job.title, &job.summary] {
            assert!(
                !text.en.trim().is_empty() && !text.zh.trim().is_empty(),
                "{}",
                job.id
            );
        }
        for c in &job.competencies {
            let questions = job.questions_for(&c.id).count();
            assert!(
                questions >= 3,
                "{}: competency {} has {questions} questions",
                job.id,
                c.id
            );
            for text in [&c.name, &c.description] {
                assert!(
                    !text.en.trim().is_empty() && !text.zh.trim().is_empty(),
                    "{} {}",
                    job.id,
                    c.id
                );
            }
        }
        for q in &job.questions {
            assert!(
                !q.en.trim().is_empty() && !q.zh.trim().is_empty(),
                "{} {}",
                job.id,
                q.id
            );
            for f in &q.follow_ups {
                assert!(
                    !f.en.trim().is_empty() && !f.zh.trim().is_empty(),
                    "{} {}",
                    job.id,
                    q.id
                );
            }
        }
    }
}

#[test]
fn the_bundled_files_pass_the_strict_importer() {
    // The importer also rejects unknown (misspelt) fields, which serde alone would drop.
    for (name, text) in BUNDLED_LIBRARY_FILES {
        let jobs = import_bank(name, text.as_bytes(), &ImportLimits::default())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(jobs.len(), 1, "{name}");
        assert_eq!(
            format!("{}.json", jobs[0].id),
            name,
            "file names follow the job id"
        );
    }
}
