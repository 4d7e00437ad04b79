//! A compact plain-text rendering of a report, in the report's language, for the CLI and snapshots.

use std::fmt::Write;

use crate::model::*;

fn stars(parts: &[Star]) -> String {
    if parts.is_empty() {
        return "-".to_string();
    }
    parts.iter().map(|p| p.letter()).collect()
}

fn score_line(label: &str, score: &Option<Score>) -> String {
    match score {
        Some(s) => format!(
            "{label}: {:.1} ({:?}, rated weight {:.2})",
            s.score, s.recommendation, s.rated_weight
        ),
        None => format!("{label}: -"),
    }
}

/// The report as compact text (one block per section).
pub fn report_text(report: &Report) -> String {
    let lang = report.language;
    let mut out = String::new();
    let w = &mut out;
    let _ = writeln!(
        w,
        "report {} | interview {} | {} | {} v{} | {}",
        report.report_id,
        report.interview_id,
        report.candidate.name,
        report.job.title.get(lang),
        report.job.model_version,
        lang
    );
    let _ = writeln!(
        w,
        "interviewers: {} | duration {} of {} planned",
        report.interviewers.join(", "),
        report.times.duration,
        crate::mmss(report.times.planned_ms)
    );
    let o = &report.overall;
    let _ = writeln!(
        w,
        "overall {:?}: {}/{} confirmed; {}; {} (provisional)",
        o.status,
        o.confirmed_count,
        o.competency_count,
        score_line("confirmed", &o.confirmed),
        score_line("suggestions", &o.provisional)
    );
    let _ = writeln!(w, "\ncompetencies:");
    for c in &report.competencies {
        let confirmed = match &c.confirmed {
            Some(r) => format!(
                "confirmed {} by {}{}",
                r.rating,
                r.by,
                if r.changed_suggestion {
                    " (changed)"
                } else {
                    ""
                }
            ),
            None => "unconfirmed".to_string(),
        };
        let _ = writeln!(
            w,
            "- {} ({}) w{:.2} {} | suggested {} [{}] | {} | STAR {} missing {}",
            c.id,
            c.name.get(lang),
            c.weight,
            c.status.as_str(),
            c.suggested.rating,
            c.suggested.evidence_ids.join(" "),
            confirmed,
            stars(&c.star.found),
            stars(&c.star.missing)
        );
        for e in &c.evidence {
            let _ = writeln!(
                w,
                "    {} t{} {}-{} s{}{} {}: {}",
                e.id,
                e.turn,
                e.start,
                e.end,
                e.strength,
                if e.unasked { " unasked" } else { "" },
                stars(&e.star),
                crate::summarise(&e.quote, 90)
            );
        }
    }
    let _ = writeln!(w, "\nkey facts:");
    for f in &report.key_facts {
        let _ = writeln!(
            w,
            "- {} {}{} {} t{} @{} \"{}\"",
            f.fact_type,
            if f.approx { "~" } else { "" },
            f.value,
            f.unit,
            f.turn,
            f.at,
            f.quote
        );
    }
    let _ = writeln!(w, "\ntimeline:");
    for entry in &report.timeline {
        let line = match entry {
            TimelineEntry::Question {
                turn,
                at,
                kind,
                asks,
                bank_question_id,
                ..
            } => format!(
                "{at} Q t{turn} {kind} asks [{}]{}",
                asks.join(" "),
                bank_question_id
                    .as_ref()
                    .map(|q| format!(" bank {q}"))
                    .unwrap_or_default()
            ),
            TimelineEntry::Answer {
                turn,
                at,
                quality,
                evidences,
                summary,
                ..
            } => format!(
                "{at} A t{turn} {} evidences [{}] \"{}\"",
                quality.as_deref().unwrap_or("-"),
                evidences.join(" "),
                crate::summarise(summary, 50)
            ),
            TimelineEntry::Prompt {
                id,
                at,
                kind,
                competency,
                dismissed,
                ..
            } => format!(
                "{at} P#{id} {kind} {competency}{}",
                if *dismissed { " dismissed" } else { "" }
            ),
            TimelineEntry::Note { at, text, .. } => format!("{at} N \"{text}\""),
        };
        let _ = writeln!(w, "  {line}");
    }
    let _ = writeln!(w, "\nstrengths:");
    for s in &report.strengths {
        let _ = writeln!(w, "- {}: {}", s.competency, s.reason.get(lang));
    }
    let _ = writeln!(w, "areas to probe:");
    for a in &report.areas_to_probe {
        let _ = writeln!(w, "- {} {:?}: {}", a.competency, a.kind, a.text.get(lang));
    }
    let _ = writeln!(
        w,
        "\ndelivery (information only): interviewer {} / candidate {}, {} answers measured",
        crate::mmss(report.delivery.interviewer_ms),
        crate::mmss(report.delivery.candidate_ms),
        report.delivery.answers.len()
    );
    if !report.revisions.is_empty() {
        let _ = writeln!(w, "\nrating changes after the interview:");
        for r in &report.revisions {
            let from = r.from.map_or_else(|| "-".to_string(), |f| f.to_string());
            let _ = writeln!(
                w,
                "- {} {from} -> {} by {} at {}",
                r.competency, r.to, r.by, r.at
            );
        }
    }
    let _ = writeln!(w, "consent: {} entries", report.consent.purposes.len());
    let f = &report.candidate_feedback;
    let _ = writeln!(w, "\ncandidate feedback ({}):", f.language);
    let _ = writeln!(w, "  {}", f.greeting);
    for s in &f.strengths {
        let _ = writeln!(w, "  + {s}");
    }
    for d in &f.development_areas {
        let _ = writeln!(w, "  ~ {d}");
    }
    let _ = writeln!(w, "  {}", f.closing);
    if !report.input_issues.is_empty() {
        let _ = writeln!(w, "\ninput issues:");
        for i in &report.input_issues {
            let _ = writeln!(w, "- {i}");
        }
    }
    out
}
