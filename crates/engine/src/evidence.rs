//! Evidence in candidate answers: how concrete an answer is (episode markers, the candidate's own
//! actions, outcomes, figures, hedges), its STAR parts and its strength (0-3).
//!
//! Strength rules (per the fixtures' README):
//! - 0: evasive (a dodge marker) or off-topic (no keyword of the asked competency and no concrete own story);
//! - 1: generic/hypothetical (hedges, no figures), "we" without the candidate's own part, or a passing mention;
//! - 2: concrete own episode or practice (own actions plus a time anchor or figures) without a clear outcome;
//! - 3: concrete own episode with an outcome and figures.
//!
//! STAR: S = an episode/time anchor, T = a goal or responsibility, A = at least two concrete actions,
//! R = an outcome marker. Generic answers carry no STAR parts (at most S when they name a situation).

use copilot_domain::Language;

use crate::text::{self, count_markers};
use crate::types::{AnswerQuality, StarPart};

const EN_HEDGES: &[&str] = &[
    "i think",
    "i believe",
    "i guess",
    "i'd say",
    "usually",
    "always",
    "generally",
    "typically",
    "normally",
    "i try",
    "i would",
    "i'd want",
    "you know",
    "i'm a big believer",
    "in general",
    "most people",
    "all the time",
    "probably",
    "it depends",
    "it's really about",
    "i feel",
    "i tend to",
    "i'll",
    "i'd",
    "every product",
    "every pm",
    "i always",
];
const ZH_HEDGES: &[&str] = &[
    "我觉得",
    "我认为",
    "我相信",
    "一般",
    "平时",
    "主要还是",
    "应该",
    "总的来说",
    "基本上",
    "如果",
    "的话",
    "大部分",
    "往往",
    "通常",
    "要是",
    "说实话",
    "反正",
    "我想",
    "好像",
];
const EN_EVASIVE: &[&str] = &[
    "can't think of",
    "cannot think of",
    "can't recall",
    "don't remember",
    "never had",
    "not really someone",
    "haven't really",
    "i don't really",
    "not my call",
    "hard to say",
    "not sure i",
    "depends on the company",
    "i'd rather not",
];
const ZH_EVASIVE: &[&str] = &[
    "没遇到过",
    "没碰到过",
    "想不起来",
    "记不清",
    "不是我们",
    "能决定的",
    "说不好",
    "不好说",
    "都差不多",
    "不太清楚",
    "没怎么",
    "没有遇到",
];
const EN_EPISODE: &[&str] = &[
    "last year",
    "last spring",
    "last summer",
    "last autumn",
    "last fall",
    "last winter",
    "last quarter",
    "last month",
    "last week",
    "once",
    "there was",
    "one time",
    "the big one was",
    "when i was",
    "ago",
    "back in",
    "that quarter",
    "that month",
    "that year",
    "the next morning",
    "the next day",
    "in january",
    "in february",
    "in march",
    "in april",
    "in may",
    "in june",
    "in july",
    "in august",
    "in september",
    "in october",
    "in november",
    "in december",
    "at my last",
    "in my last",
    "at my previous",
    "it was a",
    "so it was",
];
const ZH_EPISODE: &[&str] = &[
    "去年",
    "前年",
    "今年",
    "有一次",
    "那次",
    "那时候",
    "当时",
    "那年",
    "的时候",
    "上个月",
    "冬天",
    "夏天",
    "那天",
    "第二天",
    "印象最深",
    "印象特别深",
    "记得",
    "一开始",
    "刚接",
    "上学期",
    "那节课",
    "那一年",
];
const EN_OUTCOME: &[&str] = &[
    "result",
    "ended up",
    "went from",
    "down to",
    "up to",
    "increased",
    "reduced",
    "grew",
    "dropped",
    "improved",
    "finished",
    "landed",
    "closed",
    "signed",
    "won",
    "rolled out",
    "rolled it out",
    "killed",
    "shipped",
    "saved",
    "doubled",
    "tripled",
    "went live",
    "go-live",
    "agreed",
    "since added",
    "led to",
    "so now",
    "in the end",
    "was used by",
    "still finished",
    "turned out",
    "cut",
    "raised",
    "lowered",
];
const ZH_OUTCOME: &[&str] = &[
    "结果",
    "最后",
    "降到",
    "降低了",
    "降了",
    "提到",
    "提高了",
    "提高到",
    "提升了",
    "达到",
    "拿了",
    "拿过",
    "没有一个人",
    "再没",
    "减少",
    "增加",
    "变成",
    "完成",
    "成功",
    "考到",
    "做到",
    "后来一直",
    "以后",
    "从此",
    "也都在用",
];
const EN_TASK: &[&str] = &[
    "my quota",
    "my target",
    "my goal",
    "i own",
    "i was responsible",
    "my job",
    "my role",
    "i needed to",
    "i had to",
    "i wanted to",
    "my floor",
    "the goal",
    "my task",
    "i was asked to",
    "i was in charge",
    "my biggest deal",
    "my responsibility",
    "target was",
    "quota was",
];
const ZH_TASK: &[&str] = &[
    "负责",
    "目标",
    "任务",
    "职责",
    "牵头",
    "我的工作",
    "要求我",
    "是我上的",
    "是我写的",
    "我的任务",
];
const EN_PAST_IRREGULAR: &[&str] = &[
    "ran", "went", "took", "made", "said", "told", "held", "led", "built", "put", "got", "gave",
    "wrote", "set", "kept", "found", "brought", "sat", "spent", "chose", "sent", "saw", "knew",
    "met", "paid", "sold", "won", "lost", "left", "began", "rebuilt", "ran", "did", "had", "was",
    "pulled", "offered", "proposed", "asked", "blocked", "added", "closed", "called", "worked",
];
const EN_HEDGE_VERBS: &[&str] = &[
    "think", "mean", "guess", "believe", "feel", "try", "would", "'d", "'m", "am", "can", "could",
    "don't", "can't", "really", "always", "usually", "just", "like",
];
const ZH_SINGULAR_HEDGE_NEXT: &[&str] = &["觉得", "认为", "相信", "想", "说得", "这个人", "们"];

/// How an answer reads, before attributing it to competencies.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerReading {
    pub quality: AnswerQuality,
    /// Strength for the competency the answer responds to (0-3), before keyword checks.
    pub strength: u8,
    pub star: Vec<StarPart>,
    pub numbers: u32,
    pub singular_actions: u32,
    pub first_person_singular: u32,
    pub first_person_plural: u32,
    pub hedges: u32,
    pub episode_markers: u32,
    pub outcome_markers: u32,
    pub evasive_markers: u32,
}

/// Read a candidate answer. `relevant_keywords` = distinct keywords of the asked competency found in it;
/// `figures` = key facts found in it.
pub fn read_answer(
    turn_text: &str,
    language: Language,
    relevant_keywords: u32,
    figures: u32,
) -> AnswerReading {
    let norm = text::normalise(turn_text);
    let (hedges, evasive, episode, outcome, task) = match language {
        Language::En => (
            count_markers(&norm, EN_HEDGES),
            count_markers(&norm, EN_EVASIVE),
            count_markers(&norm, EN_EPISODE),
            count_markers(&norm, EN_OUTCOME),
            count_markers(&norm, EN_TASK),
        ),
        Language::Zh => (
            count_markers(&norm, ZH_HEDGES),
            count_markers(&norm, ZH_EVASIVE),
            count_markers(&norm, ZH_EPISODE),
            count_markers(&norm, ZH_OUTCOME),
            count_markers(&norm, ZH_TASK),
        ),
    };
    let (singular, singular_actions, plural, plural_actions, past_actions) =
        person_counts(&norm, language);
    let numbers = figures.max(numeric_mentions(&norm, language));
    let episode = episode + u32::from(language == Language::En && past_actions >= 3);

    let own_story = singular_actions >= 2 && (numbers >= 2 || episode >= 1);
    let quality;
    let mut strength;
    if evasive > 0 && !(own_story && numbers >= 2) {
        quality = AnswerQuality::Evasive;
        strength = 0;
    } else if relevant_keywords == 0 && !own_story {
        quality = AnswerQuality::OffTopic;
        strength = 0;
    } else if plural >= 3
        && singular_actions * 2 < plural
        && !(singular_actions >= 3 && numbers >= 2)
    {
        quality = AnswerQuality::WeNotI;
        strength = 1;
    } else if !own_story || (hedges >= 2 && numbers < 2) {
        quality = AnswerQuality::Vague;
        strength = 1;
    } else if outcome >= 1 && numbers >= 2 {
        quality = AnswerQuality::Strong;
        strength = 3;
    } else {
        quality = AnswerQuality::Partial;
        strength = 2;
    }
    if quality == AnswerQuality::Partial && hedges >= 3 {
        strength = 1;
    }
    let mut star = Vec::new();
    match quality {
        AnswerQuality::Evasive | AnswerQuality::OffTopic => {}
        AnswerQuality::Vague => {
            if episode >= 1 {
                star.push(StarPart::S);
            }
        }
        _ => {
            if episode >= 1 {
                star.push(StarPart::S);
            }
            if task >= 1 {
                star.push(StarPart::T);
            }
            let actions = if quality == AnswerQuality::WeNotI {
                plural_actions
            } else {
                singular_actions
            };
            if actions >= 2 {
                star.push(StarPart::A);
            }
            if outcome >= 1 && (numbers >= 1 || quality == AnswerQuality::WeNotI || outcome >= 2) {
                star.push(StarPart::R);
            }
        }
    }
    AnswerReading {
        quality,
        strength,
        star,
        numbers,
        singular_actions,
        first_person_singular: singular,
        first_person_plural: plural,
        hedges,
        episode_markers: episode,
        outcome_markers: outcome,
        evasive_markers: evasive,
    }
}

/// (singular mentions, singular actions, plural mentions, plural actions, English past-tense own actions).
fn person_counts(norm: &str, language: Language) -> (u32, u32, u32, u32, u32) {
    match language {
        Language::En => {
            let words = text::en_words(norm);
            let mut singular = 0;
            let mut singular_actions = 0;
            let mut plural = 0;
            let mut plural_actions = 0;
            let mut past = 0;
            for (i, w) in words.iter().enumerate() {
                let next = words.get(i + 1).map(String::as_str).unwrap_or("");
                let is_past = next.ends_with("ed") || EN_PAST_IRREGULAR.contains(&next);
                let hedge = EN_HEDGE_VERBS.contains(&next);
                match w.as_str() {
                    "i" | "my" | "me" | "myself" => {
                        singular += 1;
                        if w == "i" && !hedge && !next.is_empty() {
                            singular_actions += 1;
                            if is_past {
                                past += 1;
                            }
                        }
                    }
                    "i'd" | "i've" => {
                        singular += 1;
                        if next.ends_with("ed") || EN_PAST_IRREGULAR.contains(&next) {
                            singular_actions += 1;
                        }
                    }
                    "we" | "our" | "us" | "we'd" | "we've" | "we're" | "ourselves" => {
                        plural += 1;
                        if w == "we" && !hedge {
                            plural_actions += 1;
                        }
                    }
                    _ => {}
                }
            }
            (singular, singular_actions, plural, plural_actions, past)
        }
        Language::Zh => {
            let plural = text::count_term(norm, "我们") + text::count_term(norm, "咱们");
            let mut singular = 0;
            let mut singular_actions = 0;
            for (i, _) in norm.match_indices('我') {
                let rest = &norm[i + '我'.len_utf8()..];
                if rest.starts_with('们') {
                    continue;
                }
                singular += 1;
                if !ZH_SINGULAR_HEDGE_NEXT.iter().any(|h| rest.starts_with(h)) {
                    singular_actions += 1;
                }
            }
            let plural_actions = plural;
            (singular, singular_actions, plural, plural_actions, 0)
        }
    }
}

/// Numbers mentioned (digits, number words, Chinese numerals with a measure word).
pub fn numeric_mentions(norm: &str, language: Language) -> u32 {
    let mut count = 0;
    let mut in_digits = false;
    for c in norm.chars() {
        let d = c.is_ascii_digit();
        if d && !in_digits {
            count += 1;
        }
        in_digits = d || (in_digits && (c == '.' || c == ','));
    }
    match language {
        Language::En => {
            const WORDS: &[&str] = &[
                "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                "twelve", "fifteen", "twenty", "thirty", "forty", "fifty", "hundred", "thousand",
                "million",
            ];
            count += text::en_words(norm)
                .iter()
                .filter(|w| WORDS.iter().any(|n| w.split('-').any(|p| p == *n)))
                .count() as u32;
        }
        Language::Zh => {
            let chars: Vec<char> = norm.chars().collect();
            let mut i = 0;
            while i < chars.len() {
                let c = chars[i];
                if "二两三四五六七八九十百千万".contains(c) {
                    let mut j = i;
                    while j < chars.len() && "零〇一二两三四五六七八九十百千万点".contains(chars[j])
                    {
                        j += 1;
                    }
                    if j < chars.len()
                        && "个台家位名次分颗张条本件所辆套项篇年月天周小时分钟秒成块元万%岁遍档班"
                            .contains(chars[j])
                    {
                        count += 1;
                    }
                    i = j.max(i + 1);
                } else {
                    i += 1;
                }
            }
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generic_answer_is_weak_without_star() {
        let r = read_answer(
            "I think it's really about trust. I usually try to listen and I always ask open questions.",
            Language::En,
            2,
            0,
        );
        assert_eq!(r.quality, AnswerQuality::Vague);
        assert_eq!(r.strength, 1);
        assert!(r.star.is_empty(), "{:?}", r.star);
    }

    #[test]
    fn concrete_episode_with_figures_is_strong_star() {
        let r = read_answer(
            "Last year my target was $1 million. I called every lead in January, I rebuilt the pipeline, and I closed $1.2 million, so I finished at 120%.",
            Language::En,
            3,
            3,
        );
        assert_eq!(r.quality, AnswerQuality::Strong);
        assert_eq!(r.strength, 3);
        assert_eq!(
            r.star,
            vec![StarPart::S, StarPart::T, StarPart::A, StarPart::R]
        );
    }

    #[test]
    fn we_only_answer_is_flagged() {
        let r = read_answer(
            "我们先集体备课，我们设计了活动，我们磨了好几轮，最后拿了一等奖。",
            Language::Zh,
            2,
            0,
        );
        assert_eq!(r.quality, AnswerQuality::WeNotI);
        assert_eq!(r.strength, 1);
    }

    #[test]
    fn dodge_is_evasive_and_unrelated_story_is_off_topic() {
        let e = read_answer(
            "说实话我之前没遇到过这种情况，我觉得按规定来就行。",
            Language::Zh,
            1,
            0,
        );
        assert_eq!((e.quality, e.strength), (AnswerQuality::Evasive, 0));
        let o = read_answer(
            "The whole market has changed a lot since the pandemic, it's fascinating.",
            Language::En,
            0,
            0,
        );
        assert_eq!((o.quality, o.strength), (AnswerQuality::OffTopic, 0));
    }

    #[test]
    fn own_routine_without_result_is_partial_action_only() {
        let r = read_answer(
            "我主要是作业分层。我会把作业分成三档，我每周二中午把六个孩子留下来单独过一遍。",
            Language::Zh,
            1,
            1,
        );
        assert_eq!(r.quality, AnswerQuality::Partial);
        assert_eq!(r.strength, 2);
        assert_eq!(r.star, vec![StarPart::A]);
    }
}
