//! The report as a PDF: A4 pages laid out here (line wrapping per word in Latin text and per
//! character in Chinese, page breaks, a bar chart), drawn with `krilla`, which embeds a subset
//! of the one TrueType/OpenType font the caller passes (a `.ttc` collection works too: give the
//! face index). Pure: the font arrives as bytes; finding one on the machine is the caller's job.
//!
//! The content follows the HTML page: candidate, job and model version, overall score and
//! recommendation, the ratings per competency (suggested and confirmed) with quotes and times,
//! key facts, the timeline, strengths and areas to probe, delivery (information only), the
//! consent record, the rating revisions and, on its own page, the candidate feedback.

use std::collections::{BTreeSet, HashMap};

use copilot_domain::Language;
use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::text::{Font, TextDirection};

use crate::html::{Labels, labels, recommendation_label, stars, status_label, timeline_row};
use crate::model::*;

/// A font to embed: the bytes of a `.ttf`, `.otf` or `.ttc` file and the face index in it.
#[derive(Clone)]
pub struct PdfFont {
    pub data: Vec<u8>,
    /// Face index in a collection (`.ttc`); 0 for a single font.
    pub index: u32,
    /// Where it came from (a path or a family name), for messages.
    pub name: String,
}

impl std::fmt::Debug for PdfFont {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PdfFont")
            .field("name", &self.name)
            .field("index", &self.index)
            .field("bytes", &self.data.len())
            .finish()
    }
}

/// Why a PDF could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error(
        "the font {name} (face {index}) is not a readable TrueType/OpenType font: choose another .ttf, .otf or .ttc file"
    )]
    FontUnreadable { name: String, index: u32 },
    #[error(
        "the font {name} has no glyphs for {count} characters this report needs (e.g. \"{sample}\"): use a font that covers Chinese, such as WenQuanYi Micro Hei (Debian: fonts-wqy-microhei), Noto Sans CJK, Microsoft YaHei or PingFang SC"
    )]
    MissingGlyphs {
        name: String,
        count: usize,
        sample: String,
    },
    #[error(
        "writing the PDF failed ({detail}): this is a bug, please report it with the report id"
    )]
    Render { detail: String },
}

/// Characters that need a CJK font: ideographs, kana, hangul, CJK punctuation, full-width forms.
pub fn is_wide(c: char) -> bool {
    matches!(c,
        '\u{2e80}'..='\u{2fff}'
        | '\u{3000}'..='\u{30ff}'
        | '\u{3100}'..='\u{31ff}'
        | '\u{3400}'..='\u{4dbf}'
        | '\u{4e00}'..='\u{9fff}'
        | '\u{ac00}'..='\u{d7af}'
        | '\u{f900}'..='\u{faff}'
        | '\u{fe30}'..='\u{fe4f}'
        | '\u{ff00}'..='\u{ffef}')
}

/// The CJK characters of a report's texts (and of its labels, for a Chinese report): what an
/// embedded font must cover. Empty for a report in Latin script only.
pub fn report_cjk_chars(report: &Report) -> BTreeSet<char> {
    let mut chars = BTreeSet::new();
    let value = serde_json::to_value(report).unwrap_or_default();
    collect_wide(&value, report.language, &mut chars);
    if report.language == Language::Zh {
        chars.extend(labels(Language::Zh).title.chars().filter(|c| is_wide(*c)));
    }
    chars
}

fn collect_wide(value: &serde_json::Value, language: Language, out: &mut BTreeSet<char>) {
    match value {
        serde_json::Value::String(s) => out.extend(s.chars().filter(|c| is_wide(*c))),
        serde_json::Value::Array(items) => {
            for v in items {
                collect_wide(v, language, out);
            }
        }
        serde_json::Value::Object(map) => {
            // A bilingual text shows only the report's language.
            let keys: BTreeSet<&str> = map.keys().map(String::as_str).collect();
            if keys == BTreeSet::from(["en", "zh"]) {
                if let Some(v) = map.get(language.code()) {
                    collect_wide(v, language, out);
                }
                return;
            }
            for v in map.values() {
                collect_wide(v, language, out);
            }
        }
        _ => {}
    }
}

/// The characters of `needed` the font has no glyph for.
pub fn missing_glyphs(font: &PdfFont, needed: &BTreeSet<char>) -> Result<Vec<char>, PdfError> {
    let face =
        ttf_parser::Face::parse(&font.data, font.index).map_err(|_| PdfError::FontUnreadable {
            name: font.name.clone(),
            index: font.index,
        })?;
    Ok(needed
        .iter()
        .copied()
        .filter(|c| face.glyph_index(*c).is_none())
        .collect())
}

// ---- geometry (points; origin top left, y down) ----

const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN: f32 = 50.0;
const BOTTOM: f32 = PAGE_H - MARGIN - 18.0;
const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN;

const BODY: f32 = 9.5;
const SMALL: f32 = 8.0;
const H1: f32 = 17.0;
const H2: f32 = 13.0;
const H3: f32 = 11.0;

type Color = [u8; 3];
const INK: Color = [0x1b, 0x1f, 0x24];
const MUTED: Color = [0x57, 0x60, 0x6a];
const RULE: Color = [0xd0, 0xd7, 0xde];
const GREY_BAR: Color = [0xaf, 0xb8, 0xc1];
const BLUE_BAR: Color = [0x09, 0x69, 0xda];

#[derive(Debug, Clone, PartialEq)]
enum Op {
    /// `y` is the baseline.
    Text {
        x: f32,
        y: f32,
        size: f32,
        color: Color,
        text: String,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        color: Color,
    },
}

/// Advance widths from the font's horizontal metrics (no kerning: wrapping only needs an
/// estimate, and lines keep a little slack).
struct Metrics<'a> {
    face: ttf_parser::Face<'a>,
    units_per_em: f32,
    cache: std::cell::RefCell<HashMap<char, f32>>,
}

impl Metrics<'_> {
    fn advance(&self, c: char) -> f32 {
        if let Some(w) = self.cache.borrow().get(&c) {
            return *w;
        }
        let glyph = self.face.glyph_index(c).unwrap_or(ttf_parser::GlyphId(0));
        let units = self.face.glyph_hor_advance(glyph).unwrap_or(0);
        let em = f32::from(units) / self.units_per_em;
        self.cache.borrow_mut().insert(c, em);
        em
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.advance(c)).sum::<f32>() * size
    }
}

/// Punctuation that must not start a line: it stays on the line before, even past the margin.
fn no_line_start(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '、'
            | '；'
            | '：'
            | '！'
            | '？'
            | '）'
            | '」'
            | '』'
            | '》'
            | '”'
            | ','
            | '.'
            | ';'
            | ':'
            | '!'
            | '?'
            | ')'
    )
}

#[derive(Debug, PartialEq)]
enum Token {
    Space,
    Word(String),
}

/// Latin words stay whole; every CJK character is its own token (lines may break between them).
fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        if c.is_whitespace() {
            if !word.is_empty() {
                out.push(Token::Word(std::mem::take(&mut word)));
            }
            out.push(Token::Space);
        } else if is_wide(c) {
            if !word.is_empty() {
                out.push(Token::Word(std::mem::take(&mut word)));
            }
            out.push(Token::Word(c.to_string()));
        } else {
            word.push(c);
        }
    }
    if !word.is_empty() {
        out.push(Token::Word(word));
    }
    out
}

/// Lines of at most `width` points (a single over-long word is cut between characters).
fn wrap(metrics: &Metrics<'_>, text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut line_w = 0.0;
        let mut pending_space = false;
        let space_w = metrics.width(" ", size);
        for token in tokens(paragraph) {
            let word = match token {
                Token::Space => {
                    pending_space = !line.is_empty();
                    continue;
                }
                Token::Word(w) => w,
            };
            let w = metrics.width(&word, size);
            let gap = if pending_space { space_w } else { 0.0 };
            let hangs = word.chars().next().is_some_and(no_line_start) && !line.is_empty();
            if line_w + gap + w <= width || hangs {
                if pending_space {
                    line.push(' ');
                }
                line.push_str(&word);
                line_w += gap + w;
            } else if w <= width {
                lines.push(std::mem::take(&mut line));
                line.push_str(&word);
                line_w = w;
            } else {
                // Longer than a line: fill the current line, then cut between characters.
                if pending_space && !line.is_empty() {
                    line.push(' ');
                    line_w += space_w;
                }
                for c in word.chars() {
                    let cw = metrics.advance(c) * size;
                    if line_w + cw > width && !line.is_empty() {
                        lines.push(std::mem::take(&mut line));
                        line_w = 0.0;
                    }
                    line.push(c);
                    line_w += cw;
                }
            }
            pending_space = false;
        }
        lines.push(line);
    }
    lines
}

struct Layout<'a> {
    metrics: &'a Metrics<'a>,
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl<'a> Layout<'a> {
    fn new(metrics: &'a Metrics<'a>) -> Self {
        Layout {
            metrics,
            pages: vec![Vec::new()],
            y: MARGIN,
        }
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = MARGIN;
    }

    /// Starts a new page unless `height` more points fit on this one.
    fn need(&mut self, height: f32) {
        if self.y + height > BOTTOM && self.y > MARGIN {
            self.new_page();
        }
    }

    fn op(&mut self, op: Op) {
        self.pages.last_mut().expect("a page").push(op);
    }

    fn space(&mut self, points: f32) {
        self.y += points;
    }

    /// A wrapped paragraph starting at `indent`; the first line may carry a prefix drawn in
    /// `prefix_color` (the paragraph hangs after it).
    fn para_with(
        &mut self,
        prefix: &str,
        prefix_color: Color,
        text: &str,
        indent: f32,
        size: f32,
        color: Color,
    ) {
        let line_h = size * 1.45;
        let prefix_w = if prefix.is_empty() {
            0.0
        } else {
            self.metrics.width(prefix, size) + size * 0.5
        };
        let x = MARGIN + indent + prefix_w;
        let lines = wrap(self.metrics, text, size, CONTENT_W - indent - prefix_w);
        for (i, line) in lines.into_iter().enumerate() {
            self.need(line_h);
            self.y += line_h;
            let baseline = self.y - size * 0.35;
            if i == 0 && !prefix.is_empty() {
                self.op(Op::Text {
                    x: MARGIN + indent,
                    y: baseline,
                    size,
                    color: prefix_color,
                    text: prefix.to_string(),
                });
            }
            if !line.is_empty() {
                self.op(Op::Text {
                    x,
                    y: baseline,
                    size,
                    color,
                    text: line,
                });
            }
        }
    }

    fn para(&mut self, text: &str, indent: f32, size: f32, color: Color) {
        self.para_with("", INK, text, indent, size, color);
    }

    fn heading(&mut self, text: &str, size: f32) {
        // Keep a heading with at least two lines of what follows.
        self.need(size * 1.6 + BODY * 1.45 * 2.0);
        self.space(size * 0.7);
        self.para(text, 0.0, size, INK);
        if size >= H2 {
            self.op(Op::Rect {
                x: MARGIN,
                y: self.y + 1.0,
                w: CONTENT_W,
                h: 1.2,
                color: RULE,
            });
            self.space(4.0);
        }
    }

    fn field(&mut self, label: &str, value: &str) {
        self.para_with(&format!("{label}:"), MUTED, value, 0.0, BODY, INK);
    }

    fn bullet(&mut self, text: &str, indent: f32) {
        self.para_with("•", INK, text, indent, BODY, INK);
    }
}

fn score_text(l: &Labels, score: &Option<Score>) -> String {
    match score {
        Some(s) => format!(
            "{:.1} / 100 · {} {} · {} {:.0}%",
            s.score,
            l.recommendation,
            recommendation_label(l, s.recommendation),
            l.rated_weight,
            s.rated_weight * 100.0
        ),
        None => "–".to_string(),
    }
}

/// Labels the PDF and the HTML page add to the shared ones.
pub(crate) struct Extra {
    pub(crate) page: &'static str,
    pub(crate) revisions: &'static str,
    pub(crate) revised: &'static str,
    pub(crate) from: &'static str,
    pub(crate) to: &'static str,
}

pub(crate) fn extra(language: Language) -> Extra {
    match language {
        Language::En => Extra {
            page: "page",
            revisions: "Rating changes after the interview",
            revised: "changed after the interview",
            from: "from",
            to: "to",
        },
        Language::Zh => Extra {
            page: "页",
            revisions: "面试后的评分修改",
            revised: "面试后修改",
            from: "从",
            to: "改为",
        },
    }
}

fn chart(layout: &mut Layout<'_>, report: &Report, l: &Labels) {
    let lang = report.language;
    let label_w = 150.0;
    let bar_max = CONTENT_W - label_w - 30.0;
    let row = 26.0;
    layout.need(14.0 + row);
    // Legend.
    layout.space(14.0);
    let y = layout.y;
    for (i, (name, color)) in [(l.suggested, GREY_BAR), (l.confirmed, BLUE_BAR)]
        .into_iter()
        .enumerate()
    {
        let x = MARGIN + label_w + i as f32 * 110.0;
        layout.op(Op::Rect {
            x,
            y: y - 8.0,
            w: 10.0,
            h: 8.0,
            color,
        });
        layout.op(Op::Text {
            x: x + 14.0,
            y,
            size: SMALL,
            color: INK,
            text: name.to_string(),
        });
    }
    for c in &report.competencies {
        layout.need(row);
        let top = layout.y + 4.0;
        let name = crate::summarise(c.name.get(lang), 22);
        layout.op(Op::Text {
            x: MARGIN,
            y: top + 13.0,
            size: SMALL,
            color: INK,
            text: name,
        });
        let bars = [
            (Some(c.suggested.rating), GREY_BAR, 0.0),
            (c.confirmed.as_ref().map(|r| r.rating), BLUE_BAR, 11.0),
        ];
        for (rating, color, dy) in bars {
            let Some(rating) = rating else { continue };
            let w = bar_max * f32::from(rating) / 5.0;
            layout.op(Op::Rect {
                x: MARGIN + label_w,
                y: top + dy,
                w,
                h: 9.0,
                color,
            });
            layout.op(Op::Text {
                x: MARGIN + label_w + w + 4.0,
                y: top + dy + 8.0,
                size: SMALL,
                color: INK,
                text: rating.to_string(),
            });
        }
        layout.y += row;
    }
}

fn lay_out(report: &Report, metrics: &Metrics<'_>) -> Vec<Vec<Op>> {
    let lang = report.language;
    let l = labels(lang);
    let x = extra(lang);
    let mut p = Layout::new(metrics);

    p.para(
        &format!("{} – {}", l.title, report.candidate.name),
        0.0,
        H1,
        INK,
    );
    p.space(4.0);
    p.field(l.candidate, &report.candidate.name);
    p.field(
        l.job,
        &format!(
            "{} ({} {}, {})",
            report.job.title.get(lang),
            l.model_version,
            report.job.model_version,
            report.job.id
        ),
    );
    p.field(l.interviewers, &report.interviewers.join(", "));
    p.field(
        l.started,
        report
            .times
            .started_at
            .as_deref()
            .unwrap_or(&report.times.created_at),
    );
    p.field(
        l.duration,
        &format!(
            "{} / {}",
            report.times.duration,
            crate::mmss(report.times.planned_ms)
        ),
    );
    p.field(
        l.generated,
        &format!("{} ({})", report.generated_at, report.report_id),
    );

    // Overall.
    let o = &report.overall;
    p.heading(l.overall, H2);
    let status = match o.status {
        OverallStatus::Complete => l.complete,
        OverallStatus::Partial => l.partial,
        OverallStatus::Pending => l.pending,
    };
    p.field(
        l.status,
        &format!("{status} ({}/{})", o.confirmed_count, o.competency_count),
    );
    p.field(l.confirmed_score, &score_text(l, &o.confirmed));
    p.field(
        l.provisional_score,
        &format!("{} ({})", score_text(l, &o.provisional), l.provisional_note),
    );
    if !o.unconfirmed.is_empty() {
        let names: Vec<&str> = report
            .competencies
            .iter()
            .filter(|c| o.unconfirmed.contains(&c.id))
            .map(|c| c.name.get(lang))
            .collect();
        p.field(l.unconfirmed, &names.join(", "));
    }
    p.heading(l.chart, H3);
    chart(&mut p, report, l);

    // Strengths and areas to probe.
    p.heading(l.strengths, H2);
    if report.strengths.is_empty() {
        p.para(l.none, 0.0, BODY, MUTED);
    }
    for s in &report.strengths {
        p.bullet(
            &format!("{}: {}", s.name.get(lang), s.reason.get(lang)),
            0.0,
        );
    }
    p.heading(l.probe, H2);
    if report.areas_to_probe.is_empty() {
        p.para(l.none, 0.0, BODY, MUTED);
    }
    for a in &report.areas_to_probe {
        p.bullet(&format!("{}: {}", a.name.get(lang), a.text.get(lang)), 0.0);
    }

    // Competencies.
    p.heading(l.competencies, H2);
    for c in &report.competencies {
        p.heading(
            &format!(
                "{} · {} {:.0}% · {}",
                c.name.get(lang),
                l.weight,
                c.weight * 100.0,
                status_label(l, c.status)
            ),
            H3,
        );
        let rests_on = if c.suggested.evidence_ids.is_empty() {
            String::new()
        } else {
            format!(" {} {}", l.rests_on, c.suggested.evidence_ids.join(", "))
        };
        p.para_with(
            &format!("{} {}/5", l.suggested, c.suggested.rating),
            MUTED,
            &format!(
                "{} ({}){rests_on}",
                c.suggested.anchor.get(lang),
                c.suggested.rationale.get(lang)
            ),
            0.0,
            BODY,
            INK,
        );
        if let Some(r) = &c.confirmed {
            let when = match &r.revised_at {
                Some(at) => format!("{}, {at}", x.revised),
                None => r.at.clone(),
            };
            let mut text = format!(
                "{} ({} {}, {when}; {})",
                r.anchor.get(lang),
                l.by,
                r.by,
                if r.changed_suggestion {
                    l.changed
                } else {
                    l.kept
                }
            );
            if let Some(comment) = &r.comment {
                text.push_str(&format!(" – {comment}"));
            }
            p.para_with(
                &format!("{} {}/5", l.confirmed, r.rating),
                BLUE_BAR,
                &text,
                0.0,
                BODY,
                INK,
            );
        }
        p.para(
            &format!(
                "{}: {} · {}: {}",
                l.star_found,
                stars(&c.star.found),
                l.star_missing,
                stars(&c.star.missing)
            ),
            0.0,
            BODY,
            MUTED,
        );
        if c.evidence.is_empty() {
            p.para(l.no_evidence, 0.0, BODY, MUTED);
        }
        for ev in &c.evidence {
            p.para(
                &format!(
                    "{}–{} · {} · {} {}/3 · STAR {}",
                    ev.start,
                    ev.end,
                    ev.id,
                    l.strength,
                    ev.strength,
                    stars(&ev.star)
                ),
                10.0,
                SMALL,
                MUTED,
            );
            p.para(&format!("“{}”", ev.quote), 10.0, BODY, INK);
        }
    }

    // Key facts.
    p.heading(l.key_facts, H2);
    if report.key_facts.is_empty() {
        p.para(l.none, 0.0, BODY, MUTED);
    }
    for f in &report.key_facts {
        p.para_with(
            &f.at,
            MUTED,
            &format!(
                "{} {}{} {} – “{}”",
                f.fact_type,
                if f.approx { "~" } else { "" },
                f.value,
                f.unit,
                f.quote
            ),
            0.0,
            BODY,
            INK,
        );
    }

    // Timeline.
    p.heading(l.timeline, H2);
    for entry in &report.timeline {
        let row = timeline_row(entry, lang, l);
        let what = match row.detail {
            Some(detail) if !detail.is_empty() => format!("{} ({detail})", row.label),
            _ => row.label.to_string(),
        };
        let mut body = row.text.to_string();
        if let Some(q) = row.bank_question {
            body.push_str(&format!(" ({} {q})", l.bank));
        }
        if row.dismissed {
            body.push_str(&format!(" [{}]", l.dismissed));
        }
        let color = if row.prompt { MUTED } else { INK };
        p.para_with(
            &format!("{}  {what}", row.at),
            MUTED,
            &body,
            0.0,
            BODY,
            color,
        );
    }

    // Delivery: information only.
    let d = &report.delivery;
    p.heading(l.delivery, H2);
    p.para(d.notice.get(lang), 0.0, BODY, MUTED);
    p.field(
        l.talk_time,
        &format!(
            "{} {} · {} {}",
            l.interviewer,
            crate::mmss(d.interviewer_ms),
            l.candidate_side,
            crate::mmss(d.candidate_ms)
        ),
    );
    for a in &d.answers {
        p.para(
            &format!(
                "{} {}: {} {:.0} {} · {} {} · {} {:.1} s",
                l.turn,
                a.turn,
                l.rate,
                a.rate_per_minute,
                a.rate_unit,
                l.pauses,
                a.pauses,
                l.longest_pause,
                a.longest_pause_ms as f64 / 1000.0
            ),
            10.0,
            SMALL,
            INK,
        );
    }

    // Consent.
    p.heading(l.consent, H2);
    if report.consent.purposes.is_empty() {
        p.para(l.no_consent, 0.0, BODY, MUTED);
    }
    for c in &report.consent.purposes {
        let granted = match (&c.withdrawn_at, c.granted) {
            (Some(at), true) => format!("{} ({} {at})", l.yes, l.withdrawn),
            (_, true) => l.yes.to_string(),
            (_, false) => l.no.to_string(),
        };
        p.bullet(
            &format!(
                "{}: {} {granted} · {} {} ({}, {}) · {} {} · {} · {}",
                c.purpose,
                l.granted,
                l.notice,
                c.notice_version,
                c.language.code(),
                crate::summarise(&c.text_hash, 12),
                l.method,
                c.method,
                c.at,
                c.interviewer
            ),
            0.0,
        );
    }

    if !report.revisions.is_empty() {
        p.heading(x.revisions, H2);
        for r in &report.revisions {
            let name = report
                .competencies
                .iter()
                .find(|c| c.id == r.competency)
                .map_or(r.competency.as_str(), |c| c.name.get(lang));
            let from = r
                .from
                .map_or_else(|| "–".to_string(), |from| from.to_string());
            p.bullet(
                &format!(
                    "{name}: {} {from} {} {} · {} {} · {}",
                    x.from, x.to, r.to, l.by, r.by, r.at
                ),
                0.0,
            );
        }
    }

    if !report.input_issues.is_empty() {
        p.heading(l.issues, H2);
        for i in &report.input_issues {
            p.bullet(i, 0.0);
        }
    }

    // Candidate feedback: its own page.
    let f = &report.candidate_feedback;
    p.new_page();
    p.heading(l.feedback, H2);
    p.para(l.feedback_note, 0.0, BODY, MUTED);
    p.space(4.0);
    p.para(&f.greeting, 0.0, BODY, INK);
    for (title, lines) in [
        (l.strengths, &f.strengths),
        (l.development, &f.development_areas),
    ] {
        if lines.is_empty() {
            continue;
        }
        p.heading(title, H3);
        for line in lines {
            p.bullet(line, 0.0);
        }
    }
    p.space(6.0);
    p.para(&f.closing, 0.0, BODY, INK);

    // Footer on every page.
    let total = p.pages.len();
    for (i, page) in p.pages.iter_mut().enumerate() {
        page.push(Op::Text {
            x: MARGIN,
            y: PAGE_H - MARGIN + 6.0,
            size: SMALL,
            color: MUTED,
            text: format!(
                "{} – {} · {} {}/{total}",
                l.title,
                report.candidate.name,
                x.page,
                i + 1
            ),
        });
    }
    p.pages
}

fn fill(color: Color) -> Fill {
    Fill {
        paint: rgb::Color::new(color[0], color[1], color[2]).into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}

/// The report as PDF bytes, with a subset of `font` embedded. The font must cover every CJK
/// character the report shows ([`report_cjk_chars`]); Latin text needs only a Latin font.
pub fn report_pdf(report: &Report, font: &PdfFont) -> Result<Vec<u8>, PdfError> {
    let unreadable = || PdfError::FontUnreadable {
        name: font.name.clone(),
        index: font.index,
    };
    let missing = missing_glyphs(font, &report_cjk_chars(report))?;
    if !missing.is_empty() {
        return Err(PdfError::MissingGlyphs {
            name: font.name.clone(),
            count: missing.len(),
            sample: missing.iter().take(8).collect(),
        });
    }
    let face = ttf_parser::Face::parse(&font.data, font.index).map_err(|_| unreadable())?;
    let metrics = Metrics {
        units_per_em: f32::from(face.units_per_em()).max(1.0),
        face,
        cache: Default::default(),
    };
    let pages = lay_out(report, &metrics);

    let embedded = Font::new(font.data.clone().into(), font.index).ok_or_else(unreadable)?;
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(format!(
                "{} – {}",
                labels(report.language).title,
                report.candidate.name
            ))
            .language(
                match report.language {
                    Language::En => "en",
                    Language::Zh => "zh-CN",
                }
                .to_string(),
            ),
    );
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| PdfError::Render {
        detail: "invalid page size".into(),
    })?;
    for ops in &pages {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        for op in ops {
            match op {
                Op::Text {
                    x,
                    y,
                    size,
                    color,
                    text,
                } => {
                    surface.set_fill(Some(fill(*color)));
                    surface.draw_text(
                        Point::from_xy(*x, *y),
                        embedded.clone(),
                        *size,
                        text,
                        false,
                        TextDirection::LeftToRight,
                    );
                }
                Op::Rect { x, y, w, h, color } => {
                    let Some(rect) = Rect::from_xywh(*x, *y, w.max(0.1), h.max(0.1)) else {
                        continue;
                    };
                    let mut builder = PathBuilder::new();
                    builder.push_rect(rect);
                    if let Some(path) = builder.finish() {
                        surface.set_fill(Some(fill(*color)));
                        surface.draw_path(&path);
                    }
                }
            }
        }
        surface.finish();
        page.finish();
    }
    document.finish().map_err(|e| PdfError::Render {
        detail: format!("{e:?}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_breaks_between_characters_and_latin_between_words() {
        assert_eq!(
            tokens("我们 did it"),
            vec![
                Token::Word("我".into()),
                Token::Word("们".into()),
                Token::Space,
                Token::Word("did".into()),
                Token::Space,
                Token::Word("it".into()),
            ]
        );
        assert!(is_wide('，') && is_wide('面') && !is_wide('a') && !is_wide('é'));
        assert!(no_line_start('。') && !no_line_start('我'));
    }
}
