//! Integration tests for copilot-planner: plans for the four fixture jobs and their candidates'
//! résumés at several budgets, rendered and snapshotted, plus properties over many budgets.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use copilot_domain::{Difficulty, JobDefinition, Language, Plan, PlanReason, ResumeFacts};
use copilot_planner::{PlanRequest, plan_interview, question_minutes, reserved_time};
use copilot_resume::resume_facts;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/interviews")
}

fn sorted_json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("fixture dir")
        .map(|entry| entry.expect("dir entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

fn jobs() -> Vec<JobDefinition> {
    sorted_json_files(&fixtures().join("jobs"))
        .iter()
        .map(|path| {
            serde_json::from_str(&std::fs::read_to_string(path).expect("read job"))
                .expect("job json")
        })
        .collect()
}

/// The candidate résumé of the fixture session for a job, and the session's language.
fn resume_for(job_id: &str) -> (String, Language) {
    for path in sorted_json_files(&fixtures().join("sessions")) {
        let session: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("read session"))
                .expect("session json");
        if session["job_id"] == job_id {
            let language = Language::parse(session["language"].as_str().unwrap_or("en"))
                .unwrap_or(Language::En);
            return (
                session["candidate"]["resume"]
                    .as_str()
                    .expect("resume")
                    .to_string(),
                language,
            );
        }
    }
    panic!("no fixture session for job {job_id}");
}

fn plan(
    job: &JobDefinition,
    resume_text: &str,
    facts: &ResumeFacts,
    language: Language,
    budget: f64,
) -> Plan {
    plan_interview(&PlanRequest {
        job,
        model_version: 3,
        resume: facts,
        resume_text,
        language,
        budget_minutes: budget,
    })
}

fn render(plan: &Plan, job: &JobDefinition) -> String {
    let mut out = String::new();
    let reserved = reserved_time(plan.budget_minutes);
    writeln!(
        out,
        "job {} v{} {} budget {} planned {} (opening {} + closing {})",
        plan.job_id,
        plan.model_version,
        plan.language,
        plan.budget_minutes,
        plan.planned_minutes,
        reserved.opening_minutes,
        reserved.closing_minutes
    )
    .unwrap();
    for item in &plan.items {
        let weight = job
            .competency(&item.competency_id)
            .map_or(0.0, |c| c.weight);
        let reason = match &item.reason {
            PlanReason::BankQuestion { .. } => "bank".to_string(),
            PlanReason::ResumeMatch {
                resume_mentions,
                matched_keywords,
                ..
            } => format!(
                "resume [{}] keywords [{}]",
                resume_mentions.join(" | "),
                matched_keywords.join(", ")
            ),
        };
        let personalised = if item.personalised.is_some() {
            "personalised"
        } else {
            "bank-text"
        };
        writeln!(
            out,
            "{} {:.2} {} {}min {} {}",
            item.competency_id, weight, item.question_id, item.minutes, personalised, reason
        )
        .unwrap();
        if let Some(text) = &item.personalised {
            writeln!(out, "  en: {}\n  zh: {}", text.en, text.zh).unwrap();
        }
    }
    for skipped in &plan.skipped {
        writeln!(
            out,
            "skipped {} {}: {}",
            skipped.competency_id, skipped.question_id, skipped.explanation.en
        )
        .unwrap();
    }
    out
}

#[test]
fn plans_for_fixture_jobs_and_resumes() {
    let jobs = jobs();
    assert_eq!(jobs.len(), 4);
    for job in &jobs {
        let (resume_text, language) = resume_for(&job.id);
        let facts = resume_facts(&resume_text);
        for budget in [10.0, 30.0, 45.0, 60.0] {
            let plan = plan(job, &resume_text, &facts, language, budget);
            insta::assert_snapshot!(format!("{}-{budget}", job.id), render(&plan, job));
        }
    }
}

#[test]
fn explanations_in_both_languages() {
    let job = jobs()
        .into_iter()
        .find(|job| job.id == "sales_rep")
        .expect("sales_rep job");
    let (resume_text, language) = resume_for(&job.id);
    let plan = plan(
        &job,
        &resume_text,
        &resume_facts(&resume_text),
        language,
        30.0,
    );
    let mut out = String::new();
    for item in &plan.items {
        writeln!(
            out,
            "{}\n  en: {}\n  zh: {}",
            item.question_id, item.explanation.en, item.explanation.zh
        )
        .unwrap();
    }
    for skipped in &plan.skipped {
        writeln!(
            out,
            "skipped {}\n  en: {}\n  zh: {}",
            skipped.competency_id, skipped.explanation.en, skipped.explanation.zh
        )
        .unwrap();
    }
    insta::assert_snapshot!(out);
}

#[test]
fn a_richer_resume_personalises_more_questions() {
    let job = jobs()
        .into_iter()
        .find(|job| job.id == "product_manager")
        .expect("product_manager job");
    let resume_text = "Senior Product Manager at Brightwave Health, 2019-2024\n\
        Led the Patient Portal redesign after 30 user interviews; raised activation by 18%.\n\
        Built the retention dashboard and ran 12 A/B test experiments.\n\
        Aligned engineering, design and the sales team on a quarterly roadmap.\n\
        Skills: SQL, Figma, Jira, user research";
    let facts = resume_facts(resume_text);
    let plan = plan(&job, resume_text, &facts, Language::En, 45.0);
    let personalised = plan
        .items
        .iter()
        .filter(|item| item.personalised.is_some())
        .count();
    assert!(
        personalised >= 4,
        "only {personalised} personalised:\n{}",
        render(&plan, &job)
    );
    insta::assert_snapshot!(render(&plan, &job));
}

fn all_budgets() -> Vec<f64> {
    vec![
        0.0, 3.0, 5.0, 8.0, 10.0, 12.0, 15.0, 20.0, 25.0, 30.0, 33.0, 35.0, 40.0, 45.0, 60.0, 90.0,
        120.0,
    ]
}

#[test]
fn properties_over_jobs_resumes_and_budgets() {
    let jobs = jobs();
    let resumes: Vec<String> = jobs
        .iter()
        .map(|job| resume_for(&job.id).0)
        .chain(std::iter::once(String::new()))
        .collect();
    for job in &jobs {
        let order: Vec<&str> = job
            .competencies_by_weight()
            .iter()
            .map(|c| c.id.as_str())
            .collect();
        let cheapest_total: f64 = job
            .competencies
            .iter()
            .map(|c| {
                job.questions_for(&c.id)
                    .map(|q| question_minutes(q.difficulty()))
                    .fold(f64::INFINITY, f64::min)
            })
            .sum();
        for resume_text in &resumes {
            let facts = resume_facts(resume_text);
            for budget in all_budgets() {
                let context = format!("{} budget {budget} résumé {resume_text:?}", job.id);
                let first = plan(job, resume_text, &facts, Language::En, budget);
                let second = plan(job, resume_text, &facts, Language::En, budget);
                assert_eq!(first, second, "not deterministic: {context}");

                // Never over budget, and planned = reserved + items.
                assert!(
                    first.planned_minutes <= budget + 1e-9,
                    "over budget: {context}"
                );
                let items: f64 = first.items.iter().map(|i| i.minutes).sum();
                if !first.items.is_empty() {
                    let expected = reserved_time(budget).total() + items;
                    assert!(
                        (first.planned_minutes - expected).abs() < 0.05,
                        "planned minutes: {context}"
                    );
                }

                // Items by weight order, each competency's questions together, no repeats.
                let positions: Vec<usize> = first
                    .items
                    .iter()
                    .map(|i| {
                        order
                            .iter()
                            .position(|id| *id == i.competency_id)
                            .expect("known competency")
                    })
                    .collect();
                assert!(
                    positions.windows(2).all(|w| w[0] <= w[1]),
                    "order: {context}"
                );
                let mut ids: Vec<&str> =
                    first.items.iter().map(|i| i.question_id.as_str()).collect();
                ids.sort_unstable();
                ids.dedup();
                assert_eq!(ids.len(), first.items.len(), "repeated question: {context}");
                for item in &first.items {
                    let question = job
                        .questions
                        .iter()
                        .find(|q| q.id == item.question_id)
                        .expect("bank question");
                    assert_eq!(question.competency, item.competency_id, "{context}");
                    assert_eq!(
                        item.personalised.is_some(),
                        matches!(item.reason, PlanReason::ResumeMatch { .. }),
                        "{context}"
                    );
                }

                // Every competency is either covered or skipped, and skipped ones are the lightest.
                let covered: Vec<usize> = {
                    let mut c = positions.clone();
                    c.dedup();
                    c
                };
                let skipped: Vec<usize> = first
                    .skipped
                    .iter()
                    .map(|s| {
                        order
                            .iter()
                            .position(|id| *id == s.competency_id)
                            .expect("known competency")
                    })
                    .collect();
                assert_eq!(
                    covered.len() + skipped.len(),
                    order.len(),
                    "coverage: {context}"
                );
                if let (Some(max_covered), Some(min_skipped)) =
                    (covered.iter().max(), skipped.iter().min())
                {
                    assert!(
                        max_covered < min_skipped,
                        "a heavier competency was skipped: {context}"
                    );
                }
                if budget >= reserved_time(budget).total() + cheapest_total {
                    assert!(
                        first.skipped.is_empty(),
                        "all competencies fit but some were skipped: {context}"
                    );
                }
                if budget >= 15.0 {
                    assert!(!first.items.is_empty(), "no question at all: {context}");
                }

                // Extras go to heavier competencies: a lighter one has more questions only when the
                // heavier one's bank is used up.
                for (a, id_a) in order.iter().enumerate() {
                    for id_b in &order[a + 1..] {
                        let count =
                            |id: &str| first.items.iter().filter(|i| i.competency_id == id).count();
                        if count(id_b) > count(id_a) {
                            assert_eq!(
                                count(id_a),
                                job.questions_for(id_a).count(),
                                "extras: {context}"
                            );
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn difficulty_sets_the_minutes() {
    let mut job = jobs()
        .into_iter()
        .find(|job| job.id == "workshop_supervisor")
        .expect("job");
    for question in &mut job.questions {
        question.difficulty = Some(match question.competency.as_str() {
            "site_management" => Difficulty::Hard,
            "team_motivation" => Difficulty::Easy,
            _ => Difficulty::Standard,
        });
    }
    let facts = ResumeFacts::default();
    let plan = plan(&job, "", &facts, Language::Zh, 45.0);
    for item in &plan.items {
        let expected = match item.competency_id.as_str() {
            "site_management" => 7.0,
            "team_motivation" => 4.0,
            _ => 5.0,
        };
        assert_eq!(item.minutes, expected, "{}", item.question_id);
    }
    assert!(plan.planned_minutes <= 45.0);
}

#[test]
fn a_competency_without_questions_is_skipped_with_a_fix_and_the_rest_still_fit() {
    let mut job = jobs()
        .into_iter()
        .find(|job| job.id == "sales_rep")
        .expect("job");
    job.questions.retain(|q| q.competency != "negotiation");
    let plan = plan(&job, "", &ResumeFacts::default(), Language::En, 60.0);
    assert_eq!(plan.skipped.len(), 1);
    assert_eq!(plan.skipped[0].competency_id, "negotiation");
    assert_eq!(
        plan.skipped[0].explanation.en,
        "Negotiation (weight 20%) has no question in the bank: add one to the job's question bank."
    );
    let covered: std::collections::BTreeSet<&str> = plan
        .items
        .iter()
        .map(|i| i.competency_id.as_str())
        .collect();
    assert_eq!(covered.len(), 5);
}

#[test]
fn a_budget_that_is_not_positive_plans_nothing_and_says_why() {
    let job = jobs().into_iter().next().expect("job");
    for budget in [0.0, -5.0, f64::NAN] {
        let plan = plan(&job, "", &ResumeFacts::default(), Language::En, budget);
        assert!(plan.items.is_empty());
        assert_eq!(plan.planned_minutes, 0.0);
        assert_eq!(plan.skipped.len(), job.competencies.len());
        assert!(
            plan.skipped[0]
                .explanation
                .en
                .contains("must be a positive number of minutes"),
            "{}",
            plan.skipped[0].explanation.en
        );
    }
}
