//! The interview plan: which bank questions to ask, in what order, for how long, and why.
//!
//! Pure: no I/O, no clock, no randomness. The same [`PlanRequest`] always gives the same [`Plan`].
//!
//! # Rules
//!
//! 1. **Reserved time.** Opening and closing take [`OPENING_MINUTES`] + [`CLOSING_MINUTES`]
//!    (2 + 3 = 5 min) of the budget. For budgets under 30 minutes they shrink in proportion
//!    (a sixth of the budget, split 2:3), so a 10-minute screen keeps about 1.7 minutes.
//! 2. **Minutes per question** by difficulty ([`question_minutes`]): easy 4, standard 5, hard 7.
//!    Questions without a difficulty are standard. The time for questions is the budget less the
//!    reserved time.
//! 3. **Coverage, heaviest first.** Competencies are taken by weight (heaviest first, then id). The
//!    covered set is the longest prefix of that order whose cheapest questions all fit; so when the
//!    budget cannot fit every competency, the lightest ones are dropped, never a heavier one for a
//!    lighter one. Each dropped competency is listed in [`Plan::skipped`] with its best question and
//!    an explanation of how many more minutes would cover it. A competency with no bank question
//!    is skipped too, with a request to add one.
//! 4. **The question per competency** is the one that best matches the résumé (rule 6) among those
//!    that fit the time left after keeping the cheapest questions of the lighter covered
//!    competencies; ties go to the earlier question in the bank.
//! 5. **Extra questions.** Time left after coverage goes to the covered competency furthest below
//!    its share of the question time (weight / total weight × question minutes), heaviest first on a
//!    tie, one question at a time, while a question fits; so the extras go to the heaviest
//!    competencies.
//! 6. **Résumé match.** Texts are compared as token sets: English words (lower case, no stop
//!    words, a light stemmer) and Chinese character bigrams. Each résumé fact (project, achievement,
//!    role, skill, organisation, in that order of preference) scores 2 per token shared with the
//!    question (either language), plus 2 per keyword or example phrase it contains whole, plus 1
//!    per token shared with the competency's keywords and examples; a question's score is the sum
//!    over facts. Keywords of the competency that appear in
//!    the résumé text are reported as matched even when no fact holds them.
//! 7. **Personalised text.** When a fact scores at least 2 against the chosen question (one shared
//!    question token, or two keyword tokens), the best fact not already quoted by an earlier item
//!    (else one not yet quoted for this competency; else none) is quoted as written in the résumé: en `Your résumé mentions "{mention}". {question}`,
//!    zh `你的简历提到“{mention}”。{question}`. The [`PlanReason`] is then
//!    [`PlanReason::ResumeMatch`], else [`PlanReason::BankQuestion`].
//! 8. **Order.** Items are in the order to ask them: competency weight (descending), then
//!    competency id, then the competency's first question before its extras (in bank order).
//! 9. **Planned minutes** = reserved opening and closing + the sum of the items' minutes; it never
//!    exceeds the budget.
//!
//! A budget that is not a positive number gives a plan with no items and every competency skipped.

mod tokens;

use copilot_domain::{
    Bilingual, Competency, Difficulty, JobDefinition, Language, Plan, PlanItem, PlanReason,
    Question, ResumeFacts, SkippedQuestion,
};

use crate::tokens::{TokenSet, tokens};

/// Minutes for the opening (introductions, how the interview runs) at a full budget.
pub const OPENING_MINUTES: f64 = 2.0;
/// Minutes for the closing (the candidate's questions, next steps) at a full budget.
pub const CLOSING_MINUTES: f64 = 3.0;
/// Budgets at or above this keep the full opening and closing.
pub const FULL_RESERVE_FROM_MINUTES: f64 = 30.0;

/// What the planner needs: the job as of one model version, the résumé, the language and the time.
#[derive(Debug, Clone, Copy)]
pub struct PlanRequest<'a> {
    pub job: &'a JobDefinition,
    pub model_version: u32,
    pub resume: &'a ResumeFacts,
    /// The résumé text, searched for the competencies' keywords.
    pub resume_text: &'a str,
    /// The interview language, recorded in the plan; texts are always given in both languages.
    pub language: Language,
    /// The whole interview length in minutes, opening and closing included.
    pub budget_minutes: f64,
}

/// Minutes set aside for the opening and the closing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReservedTime {
    pub opening_minutes: f64,
    pub closing_minutes: f64,
}

impl ReservedTime {
    pub fn total(&self) -> f64 {
        self.opening_minutes + self.closing_minutes
    }
}

/// The opening and closing time for a budget (rule 1).
pub fn reserved_time(budget_minutes: f64) -> ReservedTime {
    if budget_minutes.is_nan() || budget_minutes <= 0.0 {
        return ReservedTime {
            opening_minutes: 0.0,
            closing_minutes: 0.0,
        };
    }
    let full = OPENING_MINUTES + CLOSING_MINUTES;
    let scale = (budget_minutes / FULL_RESERVE_FROM_MINUTES).min(1.0);
    let total = full * scale;
    ReservedTime {
        opening_minutes: round_tenth(total * OPENING_MINUTES / full),
        closing_minutes: round_tenth(total * CLOSING_MINUTES / full),
    }
}

/// Minutes one question takes, by difficulty (rule 2).
pub fn question_minutes(difficulty: Difficulty) -> f64 {
    match difficulty {
        Difficulty::Easy => 4.0,
        Difficulty::Standard => 5.0,
        Difficulty::Hard => 7.0,
    }
}

fn round_tenth(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

/// The plan for one interview (see the crate documentation for the rules).
pub fn plan_interview(request: &PlanRequest) -> Plan {
    let job = request.job;
    let reserved = reserved_time(request.budget_minutes);
    let question_time = if request.budget_minutes > 0.0 {
        (request.budget_minutes - reserved.total()).max(0.0)
    } else {
        0.0
    };
    let mentions = Mention::all(request.resume);
    let total_weight: f64 = job.competencies.iter().map(|c| c.weight.max(0.0)).sum();
    let competencies: Vec<Candidates<'_>> = job
        .competencies_by_weight()
        .into_iter()
        .map(|competency| Candidates::new(job, competency, &mentions, request.resume_text))
        .collect();

    // Rule 3: the longest prefix whose cheapest questions fit (a competency without questions
    // is skipped without ending the prefix).
    let mut covered = vec![false; competencies.len()];
    let mut cheapest_sum = 0.0;
    for (index, candidates) in competencies.iter().enumerate() {
        let Some(cheapest) = candidates.cheapest() else {
            continue;
        };
        if cheapest_sum + cheapest > question_time + 1e-9 {
            break;
        }
        cheapest_sum += cheapest;
        covered[index] = true;
    }
    let covered_indices: Vec<usize> = (0..competencies.len()).filter(|i| covered[*i]).collect();

    // Rule 4: the best-matching question that leaves room for the lighter covered ones.
    let mut chosen: Vec<Vec<usize>> = vec![Vec::new(); competencies.len()];
    let mut remaining = question_time;
    for (position, &index) in covered_indices.iter().enumerate() {
        let room_for_rest: f64 = covered_indices[position + 1..]
            .iter()
            .filter_map(|later| competencies[*later].cheapest())
            .sum();
        let slack = remaining - room_for_rest;
        if let Some(pick) = competencies[index].best_fitting(slack, &[]) {
            remaining -= competencies[index].questions[pick].minutes;
            chosen[index].push(pick);
        }
    }

    // Rule 5: extras to the competency furthest below its share.
    loop {
        let mut order: Vec<usize> = covered_indices.clone();
        let deficit = |index: usize| {
            let share = if total_weight > 0.0 {
                competencies[index].competency.weight.max(0.0) / total_weight * question_time
            } else {
                0.0
            };
            let used: f64 = chosen[index]
                .iter()
                .map(|pick| competencies[index].questions[*pick].minutes)
                .sum();
            share - used
        };
        order.sort_by(|a, b| deficit(*b).total_cmp(&deficit(*a)).then(a.cmp(b)));
        let next = order.into_iter().find_map(|index| {
            competencies[index]
                .best_fitting(remaining, &chosen[index])
                .map(|pick| (index, pick))
        });
        match next {
            Some((index, pick)) => {
                remaining -= competencies[index].questions[pick].minutes;
                chosen[index].push(pick);
            }
            None => break,
        }
    }

    let mut items = Vec::new();
    let mut used_mentions: Vec<String> = Vec::new();
    for (index, candidates) in competencies.iter().enumerate() {
        let mut picks = chosen[index].clone();
        // The first question, then the extras in bank order.
        if picks.len() > 1 {
            picks[1..].sort_unstable();
        }
        let mut used_here: Vec<String> = Vec::new();
        for pick in picks {
            items.push(candidates.item(
                pick,
                total_weight,
                question_time,
                &mut used_mentions,
                &mut used_here,
            ));
        }
    }

    let mut skipped = Vec::new();
    let mut needed = cheapest_sum;
    for (index, candidates) in competencies.iter().enumerate() {
        if covered[index] {
            continue;
        }
        needed += candidates.cheapest().unwrap_or(0.0);
        let short_by = (needed - question_time).max(0.0);
        skipped.push(candidates.skipped(
            request.budget_minutes,
            question_time,
            cheapest_sum,
            short_by,
        ));
    }

    let item_minutes: f64 = items.iter().map(|item: &PlanItem| item.minutes).sum();
    let planned_minutes = if items.is_empty() {
        0.0
    } else {
        round_tenth(reserved.total() + item_minutes)
    };
    Plan {
        job_id: job.id.clone(),
        model_version: request.model_version,
        language: request.language,
        budget_minutes: request.budget_minutes,
        planned_minutes,
        items,
        skipped,
        resume_facts: request.resume.clone(),
    }
}

/// A résumé fact that can anchor a question.
struct Mention {
    text: String,
    tokens: TokenSet,
}

impl Mention {
    /// Facts in order of preference for anchoring a question (rule 6).
    fn all(facts: &ResumeFacts) -> Vec<Mention> {
        [
            &facts.projects,
            &facts.achievements,
            &facts.roles,
            &facts.skills,
            &facts.organisations,
        ]
        .into_iter()
        .flatten()
        .map(|text| Mention {
            text: text.clone(),
            tokens: tokens(text),
        })
        .filter(|mention| !mention.tokens.is_empty())
        .collect()
    }
}

/// One bank question with its score against the résumé.
struct ScoredQuestion<'a> {
    question: &'a Question,
    minutes: f64,
    score: u32,
    /// Mentions that share tokens with the question or the keywords, best first.
    mentions: Vec<String>,
    /// Words of the question, keywords and examples that the résumé facts hold.
    matched: Vec<String>,
    /// The score of the best single mention.
    best_mention_score: u32,
}

/// The least score of one mention that anchors a personalised question: one token shared with
/// the question, one whole keyword phrase, or two keyword tokens. A single keyword token is too weak.
const MIN_ANCHOR_SCORE: u32 = 2;

/// A competency and its bank questions, scored.
struct Candidates<'a> {
    competency: &'a Competency,
    questions: Vec<ScoredQuestion<'a>>,
    /// Keywords of the competency found in the résumé text.
    keywords_in_text: Vec<String>,
}

impl<'a> Candidates<'a> {
    fn new(
        job: &'a JobDefinition,
        competency: &'a Competency,
        mentions: &[Mention],
        resume_text: &str,
    ) -> Self {
        let mut keyword_phrases: Vec<&str> = Vec::new();
        for keywords in std::iter::once(&competency.keywords).chain(competency.examples.iter()) {
            keyword_phrases.extend(keywords.en.iter().map(String::as_str));
            keyword_phrases.extend(keywords.zh.iter().map(String::as_str));
        }
        let keyword_tokens: TokenSet = keyword_phrases.iter().flat_map(|k| tokens(k)).collect();
        let lower_text = resume_text.to_lowercase();
        let mut keywords_in_text: Vec<String> = Vec::new();
        for keyword in competency
            .keywords
            .en
            .iter()
            .chain(competency.keywords.zh.iter())
        {
            let lower = keyword.to_lowercase();
            if contains_phrase(&lower_text, &lower)
                && !keywords_in_text.iter().any(|k| k.to_lowercase() == lower)
            {
                keywords_in_text.push(keyword.clone());
            }
        }
        let questions = job
            .questions_for(&competency.id)
            .map(|question| {
                let question_tokens: TokenSet = tokens(&question.en)
                    .union(&tokens(&question.zh))
                    .cloned()
                    .collect();
                let mut scored: Vec<(u32, usize, &Mention)> = Vec::new();
                let mut matched = TokenSet::new();
                for (order, mention) in mentions.iter().enumerate() {
                    let with_question: Vec<&String> =
                        mention.tokens.intersection(&question_tokens).collect();
                    let with_keywords: Vec<&String> =
                        mention.tokens.intersection(&keyword_tokens).collect();
                    let mention_lower = mention.text.to_lowercase();
                    let phrases: Vec<&str> = keyword_phrases
                        .iter()
                        .filter(|phrase| contains_phrase(&mention_lower, &phrase.to_lowercase()))
                        .copied()
                        .collect();
                    let score = 2 * with_question.len() as u32
                        + with_keywords.len() as u32
                        + 2 * phrases.len() as u32;
                    if score > 0 {
                        matched.extend(with_question.into_iter().cloned());
                        matched.extend(with_keywords.into_iter().cloned());
                        matched.extend(phrases.into_iter().map(str::to_lowercase));
                        scored.push((score, order, mention));
                    }
                }
                let score = scored.iter().map(|(score, _, _)| score).sum();
                scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
                let best_mention_score = scored.first().map_or(0, |(score, _, _)| *score);
                ScoredQuestion {
                    question,
                    minutes: question_minutes(question.difficulty()),
                    score,
                    mentions: scored
                        .iter()
                        .take(3)
                        .map(|(_, _, m)| m.text.clone())
                        .collect(),
                    matched: matched.into_iter().collect(),
                    best_mention_score,
                }
            })
            .collect();
        Candidates {
            competency,
            questions,
            keywords_in_text,
        }
    }

    fn cheapest(&self) -> Option<f64> {
        self.questions
            .iter()
            .map(|q| q.minutes)
            .min_by(f64::total_cmp)
    }

    /// The best-scoring question not yet used that fits in `minutes`; the bank order breaks ties.
    fn best_fitting(&self, minutes: f64, used: &[usize]) -> Option<usize> {
        let mut best: Option<usize> = None;
        for (index, question) in self.questions.iter().enumerate() {
            if used.contains(&index) || question.minutes > minutes + 1e-9 {
                continue;
            }
            if best.is_none_or(|b| question.score > self.questions[b].score) {
                best = Some(index);
            }
        }
        best
    }

    /// The plan item for question `pick`; `used_mentions` holds the mentions earlier items quoted,
    /// so a later item quotes a different one when it has one, and `used_here` those quoted for
    /// this competency, which are not quoted again.
    fn item(
        &self,
        pick: usize,
        total_weight: f64,
        question_time: f64,
        used_mentions: &mut Vec<String>,
        used_here: &mut Vec<String>,
    ) -> PlanItem {
        let scored = &self.questions[pick];
        let question = scored.question;
        let competency = self.competency;
        let weight = competency.weight;
        let share = if total_weight > 0.0 {
            weight / total_weight * question_time
        } else {
            0.0
        };
        let mut matched_keywords = self.keywords_in_text.clone();
        for word in &scored.matched {
            if !matched_keywords.iter().any(|k| k.to_lowercase() == *word) {
                matched_keywords.push(word.clone());
            }
        }
        let percent = format!("{:.0}%", weight * 100.0);
        let time_en = format!(
            "Weight {percent}: {minutes} min of about {share:.1} min for {name}.",
            minutes = scored.minutes,
            name = competency.name.en
        );
        let time_zh = format!(
            "权重{percent}：本题{minutes}分钟，“{name}”按权重约分得{share:.1}分钟。",
            minutes = scored.minutes,
            name = competency.name.zh
        );
        // A mention may anchor one question per competency; another competency may quote it again.
        let anchor = (scored.best_mention_score >= MIN_ANCHOR_SCORE)
            .then(|| {
                let fresh = |m: &&String| !used_mentions.contains(m);
                let unused_here = |m: &&String| !used_here.contains(m);
                scored
                    .mentions
                    .iter()
                    .find(fresh)
                    .or(scored.mentions.iter().find(unused_here))
            })
            .flatten();
        if let Some(mention) = anchor {
            used_mentions.push(mention.clone());
            used_here.push(mention.clone());
        }
        let (reason, personalised, explanation) = match anchor {
            Some(mention) => {
                let mentions_en = quoted_list(&scored.mentions, "\"", "\"", ", ");
                let mentions_zh = quoted_list(&scored.mentions, "“", "”", "、");
                let keywords_en = quoted_list(&matched_keywords, "", "", ", ");
                let keywords_zh = quoted_list(&matched_keywords, "", "", "、");
                (
                    PlanReason::ResumeMatch {
                        competency_weight: weight,
                        resume_mentions: scored.mentions.clone(),
                        matched_keywords: matched_keywords.clone(),
                    },
                    Some(Bilingual::new(
                        format!("Your résumé mentions \"{mention}\". {}", question.en),
                        format!("你的简历提到“{mention}”。{}", question.zh),
                    )),
                    Bilingual::new(
                        format!(
                            "{time_en} Chosen because the résumé mentions {mentions_en} (matched: {keywords_en})."
                        ),
                        format!(
                            "{time_zh}选择原因：简历提到{mentions_zh}（匹配：{keywords_zh}）。"
                        ),
                    ),
                )
            }
            None => {
                let keywords_note_en = if matched_keywords.is_empty() {
                    "No résumé fact matched this competency; the first fitting question in the bank.".to_string()
                } else {
                    format!(
                        "No résumé fact matched this question; the résumé text holds {}.",
                        quoted_list(&matched_keywords, "", "", ", ")
                    )
                };
                let keywords_note_zh = if matched_keywords.is_empty() {
                    "简历中没有与该能力相关的内容，选用题库中第一个时间合适的问题。".to_string()
                } else {
                    format!(
                        "简历事实与本题不匹配；简历原文包含{}。",
                        quoted_list(&matched_keywords, "", "", "、")
                    )
                };
                (
                    PlanReason::BankQuestion {
                        competency_weight: weight,
                    },
                    None,
                    Bilingual::new(
                        format!("{time_en} {keywords_note_en}"),
                        format!("{time_zh}{keywords_note_zh}"),
                    ),
                )
            }
        };
        PlanItem {
            competency_id: competency.id.clone(),
            competency_name: competency.name.clone(),
            question_id: question.id.clone(),
            question: Bilingual::new(question.en.clone(), question.zh.clone()),
            personalised,
            minutes: scored.minutes,
            reason,
            explanation,
        }
    }

    /// Why this competency is left out; `short_by` is how many more minutes would cover it and
    /// every heavier competency.
    fn skipped(
        &self,
        budget: f64,
        question_time: f64,
        used_minutes: f64,
        short_by: f64,
    ) -> SkippedQuestion {
        let competency = self.competency;
        let percent = format!("{:.0}%", competency.weight * 100.0);
        let Some(best) = self.best_fitting(f64::INFINITY, &[]) else {
            return SkippedQuestion {
                competency_id: competency.id.clone(),
                question_id: String::new(),
                explanation: Bilingual::new(
                    format!(
                        "{} (weight {percent}) has no question in the bank: add one to the job's question bank.",
                        competency.name.en
                    ),
                    format!(
                        "“{}”（权重{percent}）在题库中没有问题：请为该岗位题库添加问题。",
                        competency.name.zh
                    ),
                ),
            };
        };
        if budget.is_nan() || budget <= 0.0 {
            return SkippedQuestion {
                competency_id: competency.id.clone(),
                question_id: self.questions[best].question.id.clone(),
                explanation: Bilingual::new(
                    format!(
                        "The time budget ({budget} min) must be a positive number of minutes: set the interview length."
                    ),
                    format!("时间预算（{budget}分钟）必须是正数：请设置面试时长。"),
                ),
            };
        }
        let short_by = short_by.ceil();
        SkippedQuestion {
            competency_id: competency.id.clone(),
            question_id: self.questions[best].question.id.clone(),
            explanation: Bilingual::new(
                format!(
                    "Skipped {} (weight {percent}): the {budget} min budget leaves {question_time:.1} min for questions, and the heavier competencies need at least {used_minutes} min of it; lighter competencies are dropped first. Allow about {short_by} more minutes to cover it.",
                    competency.name.en
                ),
                format!(
                    "未安排“{}”（权重{percent}）：{budget}分钟的预算中可用于提问的时间为{question_time:.1}分钟，权重更高的能力至少需要其中{used_minutes}分钟，权重较低的能力先被省略。再增加约{short_by}分钟即可覆盖。",
                    competency.name.zh
                ),
            ),
        }
    }
}

fn quoted_list(items: &[String], open: &str, close: &str, separator: &str) -> String {
    items
        .iter()
        .map(|item| format!("{open}{item}{close}"))
        .collect::<Vec<_>>()
        .join(separator)
}

/// A keyword found in lower-case text; English keywords must stand as whole words.
fn contains_phrase(text: &str, phrase: &str) -> bool {
    if phrase.is_empty() {
        return false;
    }
    let ascii = phrase.is_ascii();
    let mut from = 0;
    while let Some(offset) = text[from..].find(phrase) {
        let at = from + offset;
        let end = at + phrase.len();
        if !ascii {
            return true;
        }
        let before = text[..at].chars().next_back();
        let after = text[end..].chars().next();
        let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        if !word(before) && !word(after) {
            return true;
        }
        from = end;
    }
    false
}
