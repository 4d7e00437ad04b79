//! `cargo bench -p copilot-eval`: what the live engine costs per transcript segment with a
//! 5,000-question bank, and how long the report takes once the interview ends. Figures are printed,
//! never asserted (goal: well under 1 ms per segment; the report in well under a second).
//!
//! The bank is generated from each fixture job's competencies (names, descriptions and keywords in
//! varied question wordings, English and Chinese) on top of the job's own questions; the segments
//! are the fixture interviews' reference transcripts, one per sentence, as `copilot eval` feeds them.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use copilot_domain::{Interview as Record, JobDefinition, Question};
use copilot_engine::{Engine, EngineConfig, EngineInput, Speaker, TranscriptSegment, text};
use copilot_eval::fixture::{Interview, Role};
use copilot_report::{ConsentRecord, ReportInput, build_report, report_html, report_json};

const BANK_SIZE: usize = 5_000;
/// Each interview is fed this many times per bank (fresh engine each time).
const ROUNDS: usize = 5;

const EN_TEMPLATES: [&str; 10] = [
    "Tell me about a time when {k} really mattered in your work.",
    "Describe a situation where you had to rely on {k}. What did you do?",
    "Can you give me a concrete example of {k} from your last role?",
    "What is the hardest {k} problem you have faced, and how did you handle it?",
    "Walk me through how you approach {k} when {k2} is also at stake.",
    "How would your previous manager describe your {n}?",
    "Think of a project where {k} went wrong. What was your part in fixing it?",
    "Which result are you proudest of that came from {k}?",
    "When {k2} and {k} pull in different directions, how do you decide?",
    "What have you learned about {n} in the past two years?",
];

const ZH_TEMPLATES: [&str; 10] = [
    "请讲一个{k}在你工作中真正起作用的例子。",
    "描述一次你必须依靠{k}的情况，你具体做了什么？",
    "能否举一个你上一份工作中关于{k}的具体例子？",
    "你遇到过的最难的{k}问题是什么？你是怎么处理的？",
    "当{k2}也很重要的时候，你是怎么处理{k}的？",
    "你之前的领导会怎样评价你的{n}？",
    "想一个{k}出了问题的项目，你在解决过程中承担了什么？",
    "哪一个由{k}带来的成果让你最自豪？",
    "当{k2}和{k}冲突时，你如何取舍？",
    "过去两年里你在{n}方面学到了什么？",
];

fn fill(template: &str, k: &str, k2: &str, n: &str) -> String {
    template
        .replace("{k2}", k2)
        .replace("{k}", k)
        .replace("{n}", n)
}

/// The job with its bank grown to `size` questions, spread over its competencies.
fn big_bank(job: &JobDefinition, size: usize) -> JobDefinition {
    let mut big = job.clone();
    let mut n = 0usize;
    while big.questions.len() < size {
        let c = &job.competencies[n % job.competencies.len()];
        let round = n / job.competencies.len();
        let (en_kw, zh_kw) = (&c.keywords.en, &c.keywords.zh);
        let pick = |list: &[String], i: usize| list[i % list.len().max(1)].clone();
        let k = round % en_kw.len().max(1);
        let t = (round / en_kw.len().max(1)) % EN_TEMPLATES.len();
        let k2 = round / (en_kw.len().max(1) * EN_TEMPLATES.len()) + k + 1;
        big.questions.push(Question {
            id: format!("gen{n:05}"),
            competency: c.id.clone(),
            en: fill(
                EN_TEMPLATES[t],
                &pick(en_kw, k),
                &pick(en_kw, k2),
                &c.name.en.to_lowercase(),
            ),
            zh: fill(
                ZH_TEMPLATES[t],
                &pick(zh_kw, k),
                &pick(zh_kw, k2),
                &c.name.zh,
            ),
            difficulty: None,
            follow_ups: Vec::new(),
        });
        n += 1;
    }
    big
}

/// The interview's inputs: one segment per sentence (300 ms apart), a turn end after each turn.
fn inputs(interview: &Interview) -> Vec<EngineInput> {
    let mut out = Vec::new();
    let mut now = 0u64;
    for t in &interview.turns {
        let speaker = match t.speaker {
            Role::Interviewer => Speaker::Interviewer,
            Role::Candidate => Speaker::Candidate,
        };
        for s in text::sentences(&t.text) {
            let words = text::en_words(&text::normalise(&s.text)).len() as u64;
            let hanzi = s.text.chars().filter(|c| text::is_cjk(*c)).count() as u64;
            let end = now + (words * 400 + hanzi * 250).max(400);
            out.push(EngineInput::Segment(TranscriptSegment {
                speaker,
                start_ms: now,
                end_ms: end,
                text: s.text.clone(),
                language: Some(interview.language),
            }));
            now = end + 300;
        }
        out.push(EngineInput::TurnEnd {
            speaker,
            at_ms: now,
        });
        now += 600;
    }
    out.push(EngineInput::End { at_ms: now });
    out
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn percentiles(name: &str, mut samples: Vec<Duration>) {
    if samples.is_empty() {
        return;
    }
    samples.sort_unstable();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    let total: Duration = samples.iter().sum();
    println!(
        "  {name:<44} n={:<5} p50 {:>9.1} µs  p95 {:>9.1} µs  max {:>9.1} µs  mean {:>9.1} µs",
        samples.len(),
        micros(at(0.5)),
        micros(at(0.95)),
        micros(at(1.0)),
        micros(total) / samples.len() as f64
    );
}

/// The record the app holds for an interview, built from the scripted one.
fn record(interview: &Interview, job: &JobDefinition) -> Record {
    let value = serde_json::json!({
        "id": format!("iv-{}", interview.id),
        "job_id": job.id,
        "model_version": 1,
        "candidate": {
            "id": format!("cand-{}", interview.id),
            "name": interview.candidate.as_ref().map_or("Candidate", |c| c.name.as_str()),
        },
        "interviewers": ["Interviewer"],
        "language": interview.language,
        "status": "completed",
        "plan": {
            "job_id": job.id,
            "model_version": 1,
            "language": interview.language,
            "budget_minutes": interview.planned_minutes,
            "planned_minutes": interview.planned_minutes,
            "items": [],
            "skipped": [],
            "resume_facts": {"roles": [], "organisations": [], "projects": [], "skills": [], "achievements": []},
        },
        "created_at": "2026-11-20T08:30:00Z",
        "scheduled_at": null,
        "started_at": "2026-11-20T09:01:00Z",
        "ended_at": "2026-11-20T09:12:00Z",
    });
    serde_json::from_value(value).expect("a valid interview record")
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/interviews");
    let folder = match copilot_eval::load_folder(&root) {
        Ok(folder) => folder,
        Err(e) => {
            eprintln!("cannot load the fixtures: {e}");
            std::process::exit(1);
        }
    };
    for bank in [None, Some(BANK_SIZE)] {
        let mut new_engine = Vec::new();
        let mut segment = Vec::new();
        let mut interviewer_end = Vec::new();
        let mut candidate_end = Vec::new();
        let mut per_segment_all_inputs = Vec::new();
        let mut report = Vec::new();
        let mut report_bytes = 0usize;
        let mut questions = 0usize;
        for loaded in &folder.interviews {
            let interview = &loaded.interview;
            let job = match bank {
                Some(size) => big_bank(folder.job(interview), size),
                None => folder.job(interview).clone(),
            };
            questions = job.questions.len();
            let inputs = inputs(interview);
            let segments = inputs
                .iter()
                .filter(|i| matches!(i, EngineInput::Segment(_)))
                .count();
            for _ in 0..ROUNDS {
                let started = Instant::now();
                let mut engine = Engine::new(&job, EngineConfig::for_minutes(interview.minutes()));
                new_engine.push(started.elapsed());
                let mut all = Duration::ZERO;
                for input in inputs.iter().cloned() {
                    let is_segment = matches!(input, EngineInput::Segment(_));
                    let turn_end = match input {
                        EngineInput::TurnEnd { speaker, .. } => Some(speaker),
                        _ => None,
                    };
                    let started = Instant::now();
                    let events = engine.apply(input);
                    let took = started.elapsed();
                    std::hint::black_box(events);
                    all += took;
                    if is_segment {
                        segment.push(took);
                    } else if turn_end == Some(Speaker::Interviewer) {
                        interviewer_end.push(took);
                    } else if turn_end.is_some() {
                        candidate_end.push(took);
                    }
                }
                per_segment_all_inputs.push(all / segments.max(1) as u32);
                report.push(time_report(interview, &job, &engine, &mut report_bytes));
            }
        }
        match bank {
            Some(_) => println!(
                "engine with a generated bank of {questions} questions per job ({} interviews x {ROUNDS} rounds)",
                folder.interviews.len()
            ),
            None => println!(
                "engine with the fixture banks (about {questions} questions per job; {} interviews x {ROUNDS} rounds)",
                folder.interviews.len()
            ),
        }
        percentiles("Engine::new (indexes the bank)", new_engine);
        percentiles("apply(Segment)", segment);
        percentiles(
            "apply(TurnEnd), interviewer: match the bank",
            interviewer_end,
        );
        percentiles("apply(TurnEnd), candidate: evidence, facts", candidate_end);
        percentiles(
            "all inputs / segments, per interview",
            per_segment_all_inputs,
        );
        percentiles("report: build + JSON + HTML", report);
        println!(
            "  report size: {:.0} KB JSON + HTML on average",
            report_bytes as f64 / 1024.0 / (folder.interviews.len() * ROUNDS) as f64
        );
        println!();
    }
}

fn time_report(
    interview: &Interview,
    job: &JobDefinition,
    engine: &Engine,
    bytes: &mut usize,
) -> Duration {
    let record = record(interview, job);
    let ratings = BTreeMap::new();
    let started = Instant::now();
    let report = build_report(&ReportInput {
        report_id: format!("bench-{}", interview.id),
        interview: &record,
        job,
        engine,
        confirmed_ratings: &ratings,
        notes: &[],
        generated_at: "2026-11-20T09:12:00Z".to_string(),
        thresholds: copilot_engine::RecommendationThresholds::default(),
        consent: ConsentRecord::default(),
    });
    let json = report_json(&report);
    let html = report_html(&report);
    let took = started.elapsed();
    *bytes += json.len() + html.len();
    took
}
