//! Question matching: which bank question (if any) an interviewer turn asks, which competencies
//! it asks, and whether it is small talk, a non-competency question, a follow-up, a redirect or
//! the closing.
//!
//! Similarity sits behind [`SimilarityModel`] so a multilingual sentence-embedding model can be
//! added later; [`LexicalModel`] (TF-IDF cosine over English stems, jieba words and hanzi
//! bigrams) is the default.

use std::collections::BTreeMap;

use copilot_domain::{JobDefinition, Language};

use crate::text::{self, KeywordMatcher, Sentence};
use crate::types::InterviewerTurnKind;

/// Similarity between a piece of interviewer speech and each bank question of the job. `Send` and
/// `Sync`: a running engine moves to the audio worker's thread and is read across awaits.
pub trait SimilarityModel: std::fmt::Debug + Send + Sync {
    /// One score in [0, 1] per bank question, in the job's question order.
    fn scores(&self, text: &str, language: Language) -> Vec<f64>;
}

type SparseVector = BTreeMap<String, f64>;

/// TF-IDF cosine similarity; IDF comes from the bank questions and the competency keywords.
///
/// Questions are kept as an inverted index (term -> the questions holding it, with their weight), so
/// scoring a sentence visits only the questions that share a term with it: with a bank of thousands
/// of questions an interviewer turn costs what its words cost, not what the bank costs.
#[derive(Debug, Clone)]
pub struct LexicalModel {
    idf: [BTreeMap<String, f64>; 2],
    index: [QuestionIndex; 2],
}

/// One language's questions: postings per term and each question's vector norm.
#[derive(Debug, Clone, Default)]
struct QuestionIndex {
    postings: BTreeMap<String, Vec<(usize, f64)>>,
    norms: Vec<f64>,
}

impl QuestionIndex {
    fn new(vectors: &[SparseVector]) -> QuestionIndex {
        let mut postings: BTreeMap<String, Vec<(usize, f64)>> = BTreeMap::new();
        for (q, v) in vectors.iter().enumerate() {
            for (term, w) in v {
                postings.entry(term.clone()).or_default().push((q, *w));
            }
        }
        QuestionIndex {
            postings,
            norms: vectors.iter().map(norm).collect(),
        }
    }
}

/// Characters that make a hanzi bigram a function-word pair (你是, 怎么, 一个) rather than content.
const ZH_FUNCTION_CHARS: &str =
    "你我他她它们是的了么怎吗呢吧一个这那有在什样如何请讲说次会要把就都也还很";

fn features(text: &str, language: Language) -> Vec<String> {
    let mut out = text::tokens(text, language);
    if language == Language::Zh {
        out.extend(
            text::zh_bigrams(text)
                .into_iter()
                .filter(|b| !b.chars().any(|c| ZH_FUNCTION_CHARS.contains(c)))
                .map(|b| format!("#{b}")),
        );
    }
    // Concepts count twice: they carry the meaning paraphrases keep.
    for c in text::concept_features(text, language) {
        out.push(c.clone());
        out.push(c);
    }
    out
}

fn lang_index(language: Language) -> usize {
    match language {
        Language::En => 0,
        Language::Zh => 1,
    }
}

impl LexicalModel {
    pub fn new(job: &JobDefinition) -> LexicalModel {
        let build = |language: Language| {
            let mut docs: Vec<Vec<String>> = job
                .questions
                .iter()
                .map(|q| features(q.text(language), language))
                .collect();
            let question_count = docs.len();
            for c in &job.competencies {
                docs.push(features(&c.keywords.get(language).join(" . "), language));
            }
            let n = docs.len() as f64;
            let mut df: BTreeMap<String, f64> = BTreeMap::new();
            for d in &docs {
                let mut seen: Vec<&String> = d.iter().collect();
                seen.sort();
                seen.dedup();
                for t in seen {
                    *df.entry(t.clone()).or_default() += 1.0;
                }
            }
            let idf: BTreeMap<String, f64> = df
                .into_iter()
                .map(|(t, f)| (t, ((n + 1.0) / (f + 0.5)).ln()))
                .collect();
            let default_idf = ((n + 1.0) / 0.5).ln();
            let vectors: Vec<SparseVector> = docs[..question_count]
                .iter()
                .map(|d| vectorise(d, &idf, default_idf))
                .collect();
            (idf, QuestionIndex::new(&vectors))
        };
        let (idf_en, q_en) = build(Language::En);
        let (idf_zh, q_zh) = build(Language::Zh);
        LexicalModel {
            idf: [idf_en, idf_zh],
            index: [q_en, q_zh],
        }
    }
}

fn vectorise(tokens: &[String], idf: &BTreeMap<String, f64>, default_idf: f64) -> SparseVector {
    let mut v = SparseVector::new();
    for t in tokens {
        // Terms unseen in the bank carry no signal for matching it.
        let w = idf.get(t).copied().unwrap_or(default_idf * 0.0);
        if w > 0.0 {
            *v.entry(t.clone()).or_default() += w;
        }
    }
    v
}

fn norm(v: &SparseVector) -> f64 {
    v.values().map(|x| x * x).sum::<f64>().sqrt()
}

impl SimilarityModel for LexicalModel {
    fn scores(&self, text: &str, language: Language) -> Vec<f64> {
        let index = &self.index[lang_index(language)];
        let query = vectorise(
            &features(text, language),
            &self.idf[lang_index(language)],
            0.0,
        );
        let count = index.norms.len();
        let mut dot = vec![0.0f64; count];
        // Shared content words, and shared hanzi bigrams (`#` features, two count as one word).
        let mut shared_words = vec![0usize; count];
        let mut shared_bigrams = vec![0usize; count];
        // Query terms in order, so each question's dot product sums in the same order as a cosine would.
        for (term, x) in &query {
            let bigram = term.starts_with('#');
            for &(q, y) in index.postings.get(term).map_or(&[][..], Vec::as_slice) {
                dot[q] += x * y;
                if bigram {
                    shared_bigrams[q] += 1;
                } else {
                    shared_words[q] += 1;
                }
            }
        }
        let nq = norm(&query);
        (0..count)
            .map(|q| {
                let nb = index.norms[q];
                let cos = if nq == 0.0 || nb == 0.0 {
                    0.0
                } else {
                    dot[q] / (nq * nb)
                };
                // One shared word is chance ("get", "team"); a match needs two shared content features.
                if shared_words[q] + shared_bigrams[q] / 2 >= 2 {
                    cos
                } else {
                    cos * 0.5
                }
            })
            .collect()
    }
}

/// Thresholds for question matching.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct MatchThresholds {
    /// Combined score (cosine + keyword bonus) from which a bank question counts as asked.
    pub bank_match: f64,
    /// Distinct keywords of one competency in a question sentence that make it asked without a bank match.
    pub keyword_ask: u32,
}

impl Default for MatchThresholds {
    fn default() -> Self {
        MatchThresholds {
            bank_match: 0.30,
            keyword_ask: 2,
        }
    }
}

/// What an interviewer turn was understood to do.
#[derive(Debug, Clone, PartialEq)]
pub struct InterviewerReading {
    pub kind: InterviewerTurnKind,
    pub asks: Vec<usize>,
    pub bank_question: Option<usize>,
    pub similarity: f64,
}

const EN_CLOSING: &[&str] = &[
    "questions for me",
    "questions for us",
    "questions do you have",
    "like to ask me",
    "like to ask us",
    "anything you'd like to ask",
    "anything you want to ask",
    "any questions",
    "want to ask me",
    "that's all from me",
    "wrap up",
];
const ZH_CLOSING: &[&str] = &[
    "想问我们",
    "想问我的",
    "想了解的吗",
    "有什么想了解",
    "有什么问题要问",
    "有什么问题想问",
    "有什么要问",
    "有什么想问",
    "还有什么问题",
];
const EN_FOLLOW_UP: &[&str] = &[
    "what was your part",
    "your part in",
    "you personally",
    "personally",
    "what did you actually",
    "what did you do",
    "make that concrete",
    "make that one concrete",
    "more concrete",
    "go into that",
    "how did it end",
    "what was the result",
    "what was the outcome",
    "what exactly",
    "in numbers",
    "tell me more about that",
    "you mentioned",
    "you said",
    "that one",
    "walk me through what you",
];
const ZH_FOLLOW_UP: &[&str] = &[
    "你自己",
    "具体",
    "你个人",
    "结果怎么样",
    "结果如何",
    "后来呢",
    "哪些事是你",
    "你做了什么",
    "你是怎么做的",
    "展开说说",
    "详细",
    "你刚才说",
    "你提到",
];
const EN_REDIRECT: &[&str] = &[
    "bring it back",
    "back to you",
    "i meant",
    "i was asking",
    "what i'm asking",
    "let's get back",
    "coming back to",
    "back to the question",
    "my question was",
];
const ZH_REDIRECT: &[&str] = &[
    "回到",
    "我想问的是",
    "我问的是",
    "说回",
    "拉回",
    "我的问题是",
];
const EN_TOPIC_CHANGE: &[&str] = &[
    "let's talk about",
    "let's do",
    "let's start with",
    "let's move on",
    "next one",
    "switch gears",
    "moving on",
    "another question",
    "different topic",
    "last one",
    "next question",
    "let me ask you about",
    "change of topic",
    "on to",
    "now let's",
];
const ZH_TOPIC_CHANGE: &[&str] = &[
    "换个话题",
    "再问一个",
    "那说说",
    "接下来",
    "下一个",
    "我们聊聊",
    "再问",
    "另外问",
    "我们换",
    "说说别的",
    "那我们就从",
];
const EN_OTHER: &[&str] = &[
    "introduce yourself",
    "about yourself",
    "why are you leaving",
    "why do you want",
    "why this",
    "salary",
    "notice period",
    "when could you start",
    "when can you start",
    "your background",
];
const ZH_OTHER: &[&str] = &[
    "自我介绍",
    "介绍一下你自己",
    "为什么离职",
    "为什么想来",
    "期望薪资",
    "薪资",
    "什么时候能到岗",
    "到岗",
];
const EN_ASK_CUES: &[&str] = &[
    "tell me",
    "describe",
    "walk me through",
    "give me an example",
    "give an example",
    "talk me through",
    "share an example",
    "let's talk about",
    "let's start with",
    "let's do",
    "pick a",
];
const ZH_ASK_CUES: &[&str] = &[
    "讲一",
    "讲讲",
    "说说",
    "说一",
    "谈谈",
    "介绍",
    "举一个",
    "举个",
    "请你",
    "聊聊",
];

fn markers_in(norm: &str, en: &[&str], zh: &[&str], language: Language) -> bool {
    let list = if language == Language::Zh { zh } else { en };
    list.iter().any(|m| text::count_term(norm, m) > 0)
        || (language == Language::Zh && en.iter().any(|m| text::count_term(norm, m) > 0))
}

/// Everything the classifier needs besides the turn.
pub struct Context<'a> {
    pub job: &'a JobDefinition,
    pub keywords: &'a KeywordMatcher,
    pub model: &'a dyn SimilarityModel,
    pub thresholds: &'a MatchThresholds,
    /// The competency being discussed (asked by the last question), if any.
    pub current: Option<usize>,
    /// Whether the previous candidate turn was an answer (follow-ups need something to follow).
    pub after_answer: bool,
    pub previous_off_topic: bool,
}

/// Classify one interviewer turn.
pub fn classify_interviewer(
    turn_text: &str,
    language: Language,
    ctx: &Context<'_>,
) -> InterviewerReading {
    let norm = text::normalise(turn_text);
    let sentences = text::sentences(turn_text);
    let ask_cue = |s: &Sentence| {
        let n = text::normalise(&s.text);
        s.is_question || markers_in(&n, EN_ASK_CUES, ZH_ASK_CUES, language)
    };
    let question_like: Vec<usize> = (0..sentences.len())
        .filter(|i| ask_cue(&sentences[*i]))
        .collect();
    // Best bank question over windows (a question sentence with the sentence before it).
    let mut best: Option<(usize, f64)> = None;
    let question_competency: Vec<Option<usize>> = ctx
        .job
        .questions
        .iter()
        .map(|q| {
            ctx.job
                .competencies
                .iter()
                .position(|c| c.id == q.competency)
        })
        .collect();
    for &i in &question_like {
        for from in [i, i.saturating_sub(1)] {
            let window: String = sentences[from..=i]
                .iter()
                .map(|s| s.text.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            let scores = ctx.model.scores(&window, language);
            let hits = ctx.keywords.hits(&window, language);
            let mut kw_by_competency = vec![0usize; ctx.job.competencies.len()];
            for h in &hits {
                if let Some(n) = kw_by_competency.get_mut(h.competency) {
                    *n += 1;
                }
            }
            for (q, s) in scores.iter().enumerate() {
                let kw = question_competency[q].map_or(0, |c| kw_by_competency[c]);
                let score = s + 0.08 * kw.min(3) as f64;
                if best.is_none_or(|(_, b)| score > b + 1e-12) {
                    best = Some((q, score));
                }
            }
        }
    }
    // Keyword asks: distinct keywords per competency over the question sentences.
    let mut keyword_counts = vec![0u32; ctx.job.competencies.len()];
    for &i in &question_like {
        let mut seen = Vec::new();
        for h in ctx.keywords.hits(&sentences[i].text, language) {
            if !seen.contains(&(h.competency, h.keyword.clone())) {
                keyword_counts[h.competency] += h.weight;
                seen.push((h.competency, h.keyword));
            }
        }
    }
    let closing = markers_in(&norm, EN_CLOSING, ZH_CLOSING, language);
    let follow_up = markers_in(&norm, EN_FOLLOW_UP, ZH_FOLLOW_UP, language);
    let redirect = markers_in(&norm, EN_REDIRECT, ZH_REDIRECT, language);
    let other = markers_in(&norm, EN_OTHER, ZH_OTHER, language);
    let topic_change = markers_in(&norm, EN_TOPIC_CHANGE, ZH_TOPIC_CHANGE, language);
    let (best_q, best_score) = best.unwrap_or((0, 0.0));
    let best_competency = best.and_then(|(q, _)| {
        ctx.job
            .competencies
            .iter()
            .position(|c| c.id == ctx.job.questions[q].competency)
    });
    let matched = best.is_some() && best_score >= ctx.thresholds.bank_match;

    let reading =
        |kind, asks: Vec<usize>, bank: Option<usize>, similarity: f64| InterviewerReading {
            kind,
            asks,
            bank_question: bank,
            similarity: (similarity.min(1.0) * 1000.0).round() / 1000.0,
        };
    if closing && !(matched && best_score >= ctx.thresholds.bank_match * 1.5) {
        return reading(InterviewerTurnKind::Closing, vec![], None, 0.0);
    }
    // A follow-up or redirect keeps the current competency unless a different one is clearly asked.
    // A different bank question only overrides follow-up wording when its competency's own keywords are there too.
    let best_keywords = best_competency.map_or(0, |c| keyword_counts[c]);
    let clearly_new = matched
        && best_competency != ctx.current
        && (best_score >= ctx.thresholds.bank_match * 2.0 && best_keywords >= 1
            || best_score >= 0.85);
    if let Some(current) = ctx.current
        && ctx.after_answer
        && (follow_up || redirect)
        && !topic_change
        && !clearly_new
    {
        let kind = if redirect || ctx.previous_off_topic {
            InterviewerTurnKind::Redirect
        } else {
            InterviewerTurnKind::FollowUp
        };
        return reading(kind, vec![current], None, 0.0);
    }
    if matched && let Some(competency) = best_competency {
        let mut asks = vec![competency];
        for (c, n) in keyword_counts.iter().enumerate() {
            if c != competency && *n > ctx.thresholds.keyword_ask {
                asks.push(c);
            }
        }
        return reading(
            InterviewerTurnKind::Question,
            asks,
            Some(best_q),
            best_score,
        );
    }
    if other && !question_like.is_empty() {
        return reading(InterviewerTurnKind::Other, vec![], None, 0.0);
    }
    let strongest = keyword_counts
        .iter()
        .enumerate()
        .max_by_key(|(c, n)| (**n, std::cmp::Reverse(*c)));
    if let Some((c, n)) = strongest
        && *n >= ctx.thresholds.keyword_ask
    {
        let asks: Vec<usize> = keyword_counts
            .iter()
            .enumerate()
            .filter(|(_, k)| **k >= ctx.thresholds.keyword_ask)
            .map(|(i, _)| i)
            .collect();
        let asks = if asks.is_empty() { vec![c] } else { asks };
        return reading(InterviewerTurnKind::Question, asks, None, best_score);
    }
    if let Some(current) = ctx.current
        && ctx.after_answer
        && !question_like.is_empty()
        && (follow_up || redirect)
    {
        return reading(InterviewerTurnKind::FollowUp, vec![current], None, 0.0);
    }
    // A question with an asking cue ("tell me", 说说) is a non-competency question; a bare
    // "did you find us okay?" is small talk.
    let cued = sentences.iter().any(|s| {
        markers_in(
            &text::normalise(&s.text),
            EN_ASK_CUES,
            ZH_ASK_CUES,
            language,
        )
    });
    if cued || other {
        return reading(InterviewerTurnKind::Other, vec![], None, best_score);
    }
    reading(InterviewerTurnKind::SmallTalk, vec![], None, 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The inverted index gives exactly what a cosine against every question gives.
    #[test]
    fn the_index_scores_like_a_scan_of_every_question() {
        let job: JobDefinition = serde_json::from_str(include_str!(
            "../../../tests/fixtures/interviews/jobs/sales_rep.json"
        ))
        .expect("the fixture job parses");
        let model = LexicalModel::new(&job);
        let scan = |text: &str, language: Language| -> Vec<f64> {
            let li = lang_index(language);
            let query = vectorise(&features(text, language), &model.idf[li], 0.0);
            job.questions
                .iter()
                .map(|q| {
                    let v = vectorise(&features(q.text(language), language), &model.idf[li], 0.0);
                    let dot: f64 = query
                        .iter()
                        .filter_map(|(k, x)| v.get(k).map(|y| x * y))
                        .sum();
                    let cos = if norm(&query) == 0.0 || norm(&v) == 0.0 {
                        0.0
                    } else {
                        dot / (norm(&query) * norm(&v))
                    };
                    let words = query
                        .keys()
                        .filter(|k| !k.starts_with('#') && v.contains_key(*k))
                        .count();
                    let bigrams = query
                        .keys()
                        .filter(|k| k.starts_with('#') && v.contains_key(*k))
                        .count();
                    if words + bigrams / 2 >= 2 {
                        cos
                    } else {
                        cos * 0.5
                    }
                })
                .collect()
        };
        for (text, language) in [
            (
                "Tell me about a customer whose real need was different from what they asked for.",
                Language::En,
            ),
            (
                "How do you handle a tough negotiation on price?",
                Language::En,
            ),
            ("Nice weather today.", Language::En),
            ("请讲一次你发现客户没有说出口的需求的经历。", Language::Zh),
            ("你怎么面对连续被拒绝的压力？", Language::Zh),
        ] {
            let indexed = model.scores(text, language);
            let scanned = scan(text, language);
            assert_eq!(indexed.len(), job.questions.len());
            for (a, b) in indexed.iter().zip(&scanned) {
                assert!((a - b).abs() < 1e-12, "{text}: {indexed:?} vs {scanned:?}");
            }
            assert!(indexed.iter().any(|s| *s > 0.0) || text.starts_with("Nice"));
        }
    }
}
