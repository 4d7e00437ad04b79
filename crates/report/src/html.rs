//! The report as one self-contained, printable HTML page: inline CSS with print styles, an inline
//! SVG bar chart, no scripts and no external resources. Every text from the report is escaped.

use std::fmt::Write;

use copilot_domain::Language;

use crate::model::*;

/// Escape text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// One timeline entry as every renderer shows it (HTML and PDF escape or lay it out their own way).
pub(crate) struct TimelineRow<'a> {
    pub(crate) at: &'a str,
    /// Question, answer, prompt or note, in the report's language.
    pub(crate) label: &'static str,
    /// The question or prompt kind, or the answer's quality (empty when it has none).
    pub(crate) detail: Option<&'a str>,
    pub(crate) text: &'a str,
    pub(crate) bank_question: Option<&'a str>,
    pub(crate) dismissed: bool,
    pub(crate) prompt: bool,
}

pub(crate) fn timeline_row<'a>(
    entry: &'a TimelineEntry,
    lang: Language,
    l: &Labels,
) -> TimelineRow<'a> {
    let row = |at: &'a str, label, detail, text| TimelineRow {
        at,
        label,
        detail,
        text,
        bank_question: None,
        dismissed: false,
        prompt: false,
    };
    match entry {
        TimelineEntry::Question {
            at,
            kind,
            text,
            bank_question_id,
            ..
        } => TimelineRow {
            bank_question: bank_question_id.as_deref(),
            ..row(at, l.question, Some(kind), text)
        },
        TimelineEntry::Answer {
            at,
            summary,
            quality,
            ..
        } => row(
            at,
            l.answer,
            Some(quality.as_deref().unwrap_or("")),
            summary,
        ),
        TimelineEntry::Prompt {
            at,
            kind,
            text,
            dismissed,
            ..
        } => TimelineRow {
            dismissed: *dismissed,
            prompt: true,
            ..row(at, l.prompt, Some(kind), text.get(lang))
        },
        TimelineEntry::Note { at, text, .. } => row(at, l.note, None, text),
    }
}

/// The page's fixed labels in one language.
pub(crate) struct Labels {
    pub(crate) title: &'static str,
    pub(crate) candidate: &'static str,
    pub(crate) job: &'static str,
    pub(crate) model_version: &'static str,
    pub(crate) interviewers: &'static str,
    pub(crate) started: &'static str,
    pub(crate) duration: &'static str,
    pub(crate) generated: &'static str,
    pub(crate) overall: &'static str,
    pub(crate) status: &'static str,
    pub(crate) complete: &'static str,
    pub(crate) partial: &'static str,
    pub(crate) pending: &'static str,
    pub(crate) confirmed_score: &'static str,
    pub(crate) provisional_score: &'static str,
    pub(crate) provisional_note: &'static str,
    pub(crate) recommendation: &'static str,
    pub(crate) advance: &'static str,
    pub(crate) hold: &'static str,
    pub(crate) decline: &'static str,
    pub(crate) unconfirmed: &'static str,
    pub(crate) rated_weight: &'static str,
    pub(crate) chart: &'static str,
    pub(crate) suggested: &'static str,
    pub(crate) confirmed: &'static str,
    pub(crate) competencies: &'static str,
    pub(crate) weight: &'static str,
    pub(crate) evidenced: &'static str,
    pub(crate) asked_not_evidenced: &'static str,
    pub(crate) uncovered: &'static str,
    pub(crate) rests_on: &'static str,
    pub(crate) by: &'static str,
    pub(crate) changed: &'static str,
    pub(crate) kept: &'static str,
    pub(crate) star_found: &'static str,
    pub(crate) star_missing: &'static str,
    pub(crate) evidence: &'static str,
    pub(crate) time: &'static str,
    pub(crate) strength: &'static str,
    pub(crate) quote: &'static str,
    pub(crate) no_evidence: &'static str,
    pub(crate) key_facts: &'static str,
    pub(crate) fact_type: &'static str,
    pub(crate) value: &'static str,
    pub(crate) strengths: &'static str,
    pub(crate) probe: &'static str,
    pub(crate) none: &'static str,
    pub(crate) timeline: &'static str,
    pub(crate) question: &'static str,
    pub(crate) answer: &'static str,
    pub(crate) prompt: &'static str,
    pub(crate) note: &'static str,
    pub(crate) dismissed: &'static str,
    pub(crate) bank: &'static str,
    pub(crate) delivery: &'static str,
    pub(crate) talk_time: &'static str,
    pub(crate) interviewer: &'static str,
    pub(crate) candidate_side: &'static str,
    pub(crate) turn: &'static str,
    pub(crate) rate: &'static str,
    pub(crate) pauses: &'static str,
    pub(crate) longest_pause: &'static str,
    pub(crate) consent: &'static str,
    pub(crate) no_consent: &'static str,
    pub(crate) purpose: &'static str,
    pub(crate) granted: &'static str,
    pub(crate) yes: &'static str,
    pub(crate) no: &'static str,
    pub(crate) withdrawn: &'static str,
    pub(crate) notice: &'static str,
    pub(crate) method: &'static str,
    pub(crate) feedback: &'static str,
    pub(crate) feedback_note: &'static str,
    pub(crate) development: &'static str,
    pub(crate) issues: &'static str,
}

pub(crate) const EN: Labels = Labels {
    title: "Interview report",
    candidate: "Candidate",
    job: "Job",
    model_version: "model version",
    interviewers: "Interviewers",
    started: "Started",
    duration: "Duration",
    generated: "Generated",
    overall: "Overall",
    status: "Status",
    complete: "complete: every competency confirmed",
    partial: "partial: some competencies not yet confirmed",
    pending: "pending: no rating confirmed yet",
    confirmed_score: "Score (confirmed ratings)",
    provisional_score: "Provisional score (suggestions)",
    provisional_note: "from the copilot's suggestions, not a decision",
    recommendation: "Recommendation",
    advance: "advance",
    hold: "hold",
    decline: "decline",
    unconfirmed: "Not yet confirmed",
    rated_weight: "rated weight",
    chart: "Ratings per competency (1-5)",
    suggested: "Suggested",
    confirmed: "Confirmed",
    competencies: "Competencies",
    weight: "weight",
    evidenced: "evidenced",
    asked_not_evidenced: "asked, not evidenced",
    uncovered: "not covered",
    rests_on: "rests on",
    by: "by",
    changed: "changed from the suggestion",
    kept: "same as the suggestion",
    star_found: "STAR found",
    star_missing: "missing",
    evidence: "Evidence",
    time: "Time",
    strength: "Strength",
    quote: "Quote",
    no_evidence: "No evidence quoted.",
    key_facts: "Key facts",
    fact_type: "Type",
    value: "Value",
    strengths: "Strengths",
    probe: "Areas to probe further",
    none: "None.",
    timeline: "Timeline",
    question: "Question",
    answer: "Answer",
    prompt: "Prompt",
    note: "Note",
    dismissed: "dismissed",
    bank: "bank",
    delivery: "Delivery (information only)",
    talk_time: "Talk time",
    interviewer: "interviewer",
    candidate_side: "candidate",
    turn: "Turn",
    rate: "Rate",
    pauses: "Pauses",
    longest_pause: "Longest pause",
    consent: "Consent",
    no_consent: "No consent recorded in this report.",
    purpose: "Purpose",
    granted: "Granted",
    yes: "yes",
    no: "no",
    withdrawn: "withdrawn",
    notice: "Notice",
    method: "Method",
    feedback: "Feedback for the candidate",
    feedback_note: "This part may be shared with the candidate: it has no notes, scores or recommendation.",
    development: "Areas to develop",
    issues: "Inputs not used",
};

pub(crate) const ZH: Labels = Labels {
    title: "面试报告",
    candidate: "候选人",
    job: "职位",
    model_version: "模型版本",
    interviewers: "面试官",
    started: "开始时间",
    duration: "时长",
    generated: "生成时间",
    overall: "总体",
    status: "状态",
    complete: "完成：所有能力均已确认",
    partial: "部分：仍有能力未确认",
    pending: "待定：尚未确认任何评分",
    confirmed_score: "得分（已确认评分）",
    provisional_score: "暂定得分（建议评分）",
    provisional_note: "基于助手的建议，并非决定",
    recommendation: "建议",
    advance: "进入下一轮",
    hold: "待定",
    decline: "不予录用",
    unconfirmed: "尚未确认",
    rated_weight: "已评权重",
    chart: "各能力评分（1-5）",
    suggested: "建议",
    confirmed: "确认",
    competencies: "能力",
    weight: "权重",
    evidenced: "有证据",
    asked_not_evidenced: "问过，无证据",
    uncovered: "未涉及",
    rests_on: "依据",
    by: "确认人",
    changed: "与建议不同",
    kept: "与建议相同",
    star_found: "STAR 已有",
    star_missing: "缺少",
    evidence: "证据",
    time: "时间",
    strength: "强度",
    quote: "原话",
    no_evidence: "没有引用的证据。",
    key_facts: "关键事实",
    fact_type: "类型",
    value: "数值",
    strengths: "优势",
    probe: "需进一步了解",
    none: "无。",
    timeline: "时间线",
    question: "提问",
    answer: "回答",
    prompt: "提示",
    note: "笔记",
    dismissed: "已忽略",
    bank: "题库",
    delivery: "表达（仅供参考）",
    talk_time: "说话时间",
    interviewer: "面试官",
    candidate_side: "候选人",
    turn: "轮次",
    rate: "语速",
    pauses: "停顿",
    longest_pause: "最长停顿",
    consent: "同意记录",
    no_consent: "本报告中没有同意记录。",
    purpose: "用途",
    granted: "同意",
    yes: "是",
    no: "否",
    withdrawn: "已撤回",
    notice: "告知版本",
    method: "方式",
    feedback: "给候选人的反馈",
    feedback_note: "此部分可与候选人分享：不含笔记、分数或建议。",
    development: "可以加强的方面",
    issues: "未使用的输入",
};

const STYLE: &str = "\
body{font-family:\"Noto Sans\",\"Noto Sans CJK SC\",\"WenQuanYi Micro Hei\",\"Microsoft YaHei\",sans-serif;\
color:#1b1f24;margin:2rem auto;max-width:60rem;padding:0 1rem;line-height:1.45;font-size:14px}\
h1{font-size:1.6rem;margin:0 0 .5rem}h2{font-size:1.2rem;border-bottom:2px solid #d0d7de;padding-bottom:.2rem;margin-top:2rem}\
h3{font-size:1.05rem;margin:1.2rem 0 .3rem}\
table{border-collapse:collapse;width:100%;margin:.4rem 0}th,td{border:1px solid #d0d7de;padding:.25rem .45rem;text-align:left;vertical-align:top}\
th{background:#f3f5f7}.meta td:first-child{width:10rem;font-weight:600}\
.badge{display:inline-block;padding:0 .45rem;border-radius:.6rem;background:#eef1f4;font-size:.85em}\
.evidenced{background:#dafbe1}.asked_not_evidenced{background:#fff1c2}.uncovered{background:#ffe0e0}\
.muted{color:#57606a}.box{border:1px solid #d0d7de;border-radius:.4rem;padding:.6rem .9rem;margin:.6rem 0}\
.info{background:#f6f8fa}.comp{break-inside:avoid;page-break-inside:avoid}\
.feedback{border:2px solid #8c959f}svg text{font-size:12px}\
@media print{body{margin:0;max-width:none;font-size:11pt}h2{break-after:avoid;page-break-after:avoid}\
.feedback{break-before:page;page-break-before:always}tr{break-inside:avoid;page-break-inside:avoid}\
.badge{border:1px solid #8c959f}}\
@page{margin:1.5cm}";

pub(crate) fn labels(language: Language) -> &'static Labels {
    match language {
        Language::En => &EN,
        Language::Zh => &ZH,
    }
}

pub(crate) fn status_label(l: &Labels, status: Coverage) -> &'static str {
    match status {
        Coverage::Evidenced => l.evidenced,
        Coverage::AskedNotEvidenced => l.asked_not_evidenced,
        Coverage::Uncovered => l.uncovered,
    }
}

pub(crate) fn recommendation_label(l: &Labels, r: Recommendation) -> &'static str {
    match r {
        Recommendation::Advance => l.advance,
        Recommendation::Hold => l.hold,
        Recommendation::Decline => l.decline,
    }
}

pub(crate) fn stars(parts: &[Star]) -> String {
    if parts.is_empty() {
        return "-".to_string();
    }
    parts.iter().map(|p| p.letter()).collect()
}

/// A horizontal bar chart: per competency a bar for the suggestion and one for the confirmed rating.
fn chart(report: &Report, l: &Labels) -> String {
    let lang = report.language;
    let label_width = 190.0;
    let bar_max = 400.0;
    let row = 34.0;
    let top = 24.0;
    let height = top + row * report.competencies.len() as f64 + 10.0;
    let width = label_width + bar_max + 40.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"{}\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">",
        escape(l.chart)
    );
    let _ = write!(
        svg,
        "<rect x=\"{label_width}\" y=\"4\" width=\"12\" height=\"10\" fill=\"#afb8c1\"/><text x=\"{}\" y=\"13\">{}</text>\
<rect x=\"{}\" y=\"4\" width=\"12\" height=\"10\" fill=\"#0969da\"/><text x=\"{}\" y=\"13\">{}</text>",
        label_width + 16.0,
        escape(l.suggested),
        label_width + 120.0,
        label_width + 136.0,
        escape(l.confirmed)
    );
    for level in 1..=5u8 {
        let x = label_width + bar_max * f64::from(level) / 5.0;
        let _ = write!(
            svg,
            "<line x1=\"{x}\" y1=\"{top}\" x2=\"{x}\" y2=\"{}\" stroke=\"#d0d7de\"/>",
            height - 10.0
        );
    }
    for (i, c) in report.competencies.iter().enumerate() {
        let y = top + row * i as f64;
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{}\">{}</text>",
            y + 18.0,
            escape(&crate::summarise(c.name.get(lang), 24))
        );
        let suggested = bar_max * f64::from(c.suggested.rating) / 5.0;
        let _ = write!(
            svg,
            "<rect x=\"{label_width}\" y=\"{}\" width=\"{suggested}\" height=\"12\" fill=\"#afb8c1\"/><text x=\"{}\" y=\"{}\">{}</text>",
            y + 3.0,
            label_width + suggested + 4.0,
            y + 13.0,
            c.suggested.rating
        );
        if let Some(confirmed) = &c.confirmed {
            let w = bar_max * f64::from(confirmed.rating) / 5.0;
            let _ = write!(
                svg,
                "<rect x=\"{label_width}\" y=\"{}\" width=\"{w}\" height=\"12\" fill=\"#0969da\"/><text x=\"{}\" y=\"{}\">{}</text>",
                y + 17.0,
                label_width + w + 4.0,
                y + 27.0,
                confirmed.rating
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

fn score_cell(l: &Labels, score: &Option<Score>) -> String {
    match score {
        Some(s) => format!(
            "<strong>{:.1}</strong> / 100 &middot; {} {} &middot; {} {:.0}%",
            s.score,
            escape(l.recommendation),
            escape(recommendation_label(l, s.recommendation)),
            escape(l.rated_weight),
            s.rated_weight * 100.0
        ),
        None => "&ndash;".to_string(),
    }
}

/// The report as one self-contained printable HTML page in the report's language.
pub fn report_html(report: &Report) -> String {
    let lang = report.language;
    let l = labels(lang);
    let e = |s: &str| escape(s);
    let mut h = String::new();
    let html_lang = match lang {
        Language::En => "en",
        Language::Zh => "zh-CN",
    };
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{html_lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
<title>{} &ndash; {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        e(l.title),
        e(&report.candidate.name)
    );
    let _ = writeln!(
        h,
        "<h1>{} &ndash; {}</h1>",
        e(l.title),
        e(&report.candidate.name)
    );
    let _ = writeln!(h, "<table class=\"meta\">");
    let mut meta = |k: &str, v: String| {
        let _ = writeln!(h, "<tr><td>{}</td><td>{v}</td></tr>", e(k));
    };
    meta(l.candidate, e(&report.candidate.name));
    meta(
        l.job,
        format!(
            "{} <span class=\"muted\">({} {}, {})</span>",
            e(report.job.title.get(lang)),
            e(l.model_version),
            report.job.model_version,
            e(&report.job.id)
        ),
    );
    meta(l.interviewers, e(&report.interviewers.join(", ")));
    meta(
        l.started,
        e(report
            .times
            .started_at
            .as_deref()
            .unwrap_or(&report.times.created_at)),
    );
    meta(
        l.duration,
        format!(
            "{} / {}",
            e(&report.times.duration),
            e(&crate::mmss(report.times.planned_ms))
        ),
    );
    meta(
        l.generated,
        format!(
            "{} <span class=\"muted\">({})</span>",
            e(&report.generated_at),
            e(&report.report_id)
        ),
    );
    h.push_str("</table>\n");

    // Overall.
    let o = &report.overall;
    let status = match o.status {
        OverallStatus::Complete => l.complete,
        OverallStatus::Partial => l.partial,
        OverallStatus::Pending => l.pending,
    };
    let _ = writeln!(h, "<h2>{}</h2>\n<table class=\"meta\">", e(l.overall));
    let _ = writeln!(
        h,
        "<tr><td>{}</td><td>{} ({}/{})</td></tr>",
        e(l.status),
        e(status),
        o.confirmed_count,
        o.competency_count
    );
    let _ = writeln!(
        h,
        "<tr><td>{}</td><td>{}</td></tr>",
        e(l.confirmed_score),
        score_cell(l, &o.confirmed)
    );
    let _ = writeln!(
        h,
        "<tr><td>{}</td><td class=\"muted\">{} <em>({})</em></td></tr>",
        e(l.provisional_score),
        score_cell(l, &o.provisional),
        e(l.provisional_note)
    );
    if !o.unconfirmed.is_empty() {
        let names: Vec<String> = report
            .competencies
            .iter()
            .filter(|c| o.unconfirmed.contains(&c.id))
            .map(|c| e(c.name.get(lang)))
            .collect();
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td></tr>",
            e(l.unconfirmed),
            names.join(", ")
        );
    }
    h.push_str("</table>\n");
    let _ = writeln!(
        h,
        "<h3>{}</h3>\n<div>{}</div>",
        e(l.chart),
        chart(report, l)
    );

    // Strengths and areas to probe.
    let _ = writeln!(h, "<h2>{}</h2>", e(l.strengths));
    if report.strengths.is_empty() {
        let _ = writeln!(h, "<p class=\"muted\">{}</p>", e(l.none));
    } else {
        h.push_str("<ul>\n");
        for s in &report.strengths {
            let _ = writeln!(
                h,
                "<li><strong>{}</strong>: {}</li>",
                e(s.name.get(lang)),
                e(s.reason.get(lang))
            );
        }
        h.push_str("</ul>\n");
    }
    let _ = writeln!(h, "<h2>{}</h2>", e(l.probe));
    if report.areas_to_probe.is_empty() {
        let _ = writeln!(h, "<p class=\"muted\">{}</p>", e(l.none));
    } else {
        h.push_str("<ul>\n");
        for a in &report.areas_to_probe {
            let _ = writeln!(
                h,
                "<li><strong>{}</strong>: {}</li>",
                e(a.name.get(lang)),
                e(a.text.get(lang))
            );
        }
        h.push_str("</ul>\n");
    }

    // Competencies.
    let _ = writeln!(h, "<h2>{}</h2>", e(l.competencies));
    for c in &report.competencies {
        let _ = writeln!(
            h,
            "<section class=\"comp\" id=\"c-{}\">\n<h3>{} <span class=\"muted\">{} {:.0}%</span> <span class=\"badge {}\">{}</span></h3>",
            e(&c.id),
            e(c.name.get(lang)),
            e(l.weight),
            c.weight * 100.0,
            c.status.as_str(),
            e(status_label(l, c.status))
        );
        let _ = writeln!(
            h,
            "<p><strong>{} {}/5</strong>: {} <span class=\"muted\">({})</span><br><span class=\"muted\">{}{}</span></p>",
            e(l.suggested),
            c.suggested.rating,
            e(c.suggested.anchor.get(lang)),
            e(c.suggested.rationale.get(lang)),
            if c.suggested.evidence_ids.is_empty() {
                String::new()
            } else {
                format!("{} ", e(l.rests_on))
            },
            e(&c.suggested.evidence_ids.join(", "))
        );
        if let Some(r) = &c.confirmed {
            let when = match &r.revised_at {
                Some(at) => format!("{}, {at}", crate::pdf::extra(lang).revised),
                None => r.at.clone(),
            };
            let _ = writeln!(
                h,
                "<p><strong>{} {}/5</strong>: {} <span class=\"muted\">({} {}, {}; {})</span>{}</p>",
                e(l.confirmed),
                r.rating,
                e(r.anchor.get(lang)),
                e(l.by),
                e(&r.by),
                e(&when),
                e(if r.changed_suggestion {
                    l.changed
                } else {
                    l.kept
                }),
                r.comment
                    .as_ref()
                    .map(|c| format!("<br><em>{}</em>", e(c)))
                    .unwrap_or_default()
            );
        }
        let _ = writeln!(
            h,
            "<p>{}: <strong>{}</strong> &middot; {}: <strong>{}</strong></p>",
            e(l.star_found),
            stars(&c.star.found),
            e(l.star_missing),
            stars(&c.star.missing)
        );
        if c.evidence.is_empty() {
            let _ = writeln!(h, "<p class=\"muted\">{}</p>", e(l.no_evidence));
        } else {
            let _ = writeln!(
                h,
                "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>STAR</th><th>{}</th></tr>",
                e(l.evidence),
                e(l.time),
                e(l.strength),
                e(l.quote)
            );
            for ev in &c.evidence {
                let _ = writeln!(
                    h,
                    "<tr id=\"{}\"><td>{}</td><td>{}&ndash;{}</td><td>{}/3</td><td>{}</td><td>&ldquo;{}&rdquo;</td></tr>",
                    e(&ev.id),
                    e(&ev.id),
                    e(&ev.start),
                    e(&ev.end),
                    ev.strength,
                    stars(&ev.star),
                    e(&ev.quote)
                );
            }
            h.push_str("</table>\n");
        }
        h.push_str("</section>\n");
    }

    // Key facts.
    let _ = writeln!(h, "<h2>{}</h2>", e(l.key_facts));
    if report.key_facts.is_empty() {
        let _ = writeln!(h, "<p class=\"muted\">{}</p>", e(l.none));
    } else {
        let _ = writeln!(
            h,
            "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
            e(l.fact_type),
            e(l.value),
            e(l.quote),
            e(l.time)
        );
        for f in &report.key_facts {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}{} {}</td><td>&ldquo;{}&rdquo;</td><td>{}</td></tr>",
                e(&f.fact_type),
                if f.approx { "~" } else { "" },
                f.value,
                e(&f.unit),
                e(&f.quote),
                e(&f.at)
            );
        }
        h.push_str("</table>\n");
    }

    // Timeline.
    let _ = writeln!(
        h,
        "<h2>{}</h2>\n<table><tr><th>{}</th><th></th><th></th></tr>",
        e(l.timeline),
        e(l.time)
    );
    for entry in &report.timeline {
        let row = timeline_row(entry, lang, l);
        let what = match row.detail {
            Some(detail) => format!(
                "{} <span class=\"muted\">{}</span>",
                e(row.label),
                e(detail)
            ),
            None => e(row.label),
        };
        let mut body = if row.prompt {
            format!("<em>{}</em>", e(row.text))
        } else {
            e(row.text)
        };
        if let Some(q) = row.bank_question {
            let _ = write!(
                body,
                " <span class=\"muted\">({} {})</span>",
                e(l.bank),
                e(q)
            );
        }
        if row.dismissed {
            let _ = write!(body, " <span class=\"badge\">{}</span>", e(l.dismissed));
        }
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{what}</td><td>{body}</td></tr>",
            e(row.at)
        );
    }
    h.push_str("</table>\n");

    // Delivery: kept apart, information only.
    let d = &report.delivery;
    let _ = writeln!(
        h,
        "<h2>{}</h2>\n<div class=\"box info\">\n<p><strong>{}</strong></p>\n<p>{}: {} {} &middot; {} {}</p>",
        e(l.delivery),
        e(d.notice.get(lang)),
        e(l.talk_time),
        e(l.interviewer),
        e(&crate::mmss(d.interviewer_ms)),
        e(l.candidate_side),
        e(&crate::mmss(d.candidate_ms))
    );
    if !d.answers.is_empty() {
        let _ = writeln!(
            h,
            "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
            e(l.turn),
            e(l.rate),
            e(l.pauses),
            e(l.longest_pause)
        );
        for a in &d.answers {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{:.0} {}</td><td>{}</td><td>{:.1} s</td></tr>",
                a.turn,
                a.rate_per_minute,
                e(&a.rate_unit),
                a.pauses,
                a.longest_pause_ms as f64 / 1000.0
            );
        }
        h.push_str("</table>\n");
    }
    h.push_str("</div>\n");

    // Consent.
    let _ = writeln!(h, "<h2>{}</h2>", e(l.consent));
    if report.consent.purposes.is_empty() {
        let _ = writeln!(h, "<p class=\"muted\">{}</p>", e(l.no_consent));
    } else {
        let _ = writeln!(
            h,
            "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
            e(l.purpose),
            e(l.granted),
            e(l.notice),
            e(l.method),
            e(l.time),
            e(l.interviewer)
        );
        for c in &report.consent.purposes {
            let granted = match (&c.withdrawn_at, c.granted) {
                (Some(at), true) => format!("{} ({} {at})", l.yes, l.withdrawn),
                (_, true) => l.yes.to_string(),
                (_, false) => l.no.to_string(),
            };
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{} ({}, {})</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                e(&c.purpose),
                e(&granted),
                e(&c.notice_version),
                e(c.language.code()),
                e(&crate::summarise(&c.text_hash, 12)),
                e(&c.method),
                e(&c.at),
                e(&c.interviewer)
            );
        }
        h.push_str("</table>\n");
    }

    // Candidate feedback: its own page when printed.
    let f = &report.candidate_feedback;
    let _ = writeln!(
        h,
        "<section class=\"box feedback\">\n<h2>{}</h2>\n<p class=\"muted\">{}</p>\n<p>{}</p>",
        e(l.feedback),
        e(l.feedback_note),
        e(&f.greeting)
    );
    for (title, lines) in [
        (l.strengths, &f.strengths),
        (l.development, &f.development_areas),
    ] {
        if lines.is_empty() {
            continue;
        }
        let _ = writeln!(h, "<h3>{}</h3>\n<ul>", e(title));
        for line in lines {
            let _ = writeln!(h, "<li>{}</li>", e(line));
        }
        h.push_str("</ul>\n");
    }
    let _ = writeln!(h, "<p>{}</p>\n</section>", e(&f.closing));

    if !report.revisions.is_empty() {
        let x = crate::pdf::extra(lang);
        let _ = writeln!(h, "<h2>{}</h2>\n<ul>", e(x.revisions));
        for r in &report.revisions {
            let name = report
                .competencies
                .iter()
                .find(|c| c.id == r.competency)
                .map_or(r.competency.as_str(), |c| c.name.get(lang));
            let from = r.from.map_or_else(|| "–".to_string(), |f| f.to_string());
            let _ = writeln!(
                h,
                "<li><strong>{}</strong>: {} {} {} {} &middot; {} {} &middot; {}</li>",
                e(name),
                e(x.from),
                e(&from),
                e(x.to),
                r.to,
                e(l.by),
                e(&r.by),
                e(&r.at)
            );
        }
        h.push_str("</ul>\n");
    }

    if !report.input_issues.is_empty() {
        let _ = writeln!(h, "<h2>{}</h2>\n<ul>", e(l.issues));
        for i in &report.input_issues {
            let _ = writeln!(h, "<li>{}</li>", e(i));
        }
        h.push_str("</ul>\n");
    }
    h.push_str("</body>\n</html>\n");
    h
}
