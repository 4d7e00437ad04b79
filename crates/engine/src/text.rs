//! Text processing: normalisation (case, full-width forms, common traditional characters),
//! language detection, sentence splitting, English stemming (Snowball), Chinese segmentation
//! (jieba) and keyword matching against a competency's keywords and examples.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use copilot_domain::{Competency, Language};
use jieba_rs::Jieba;
use rust_stemmers::{Algorithm, Stemmer};

fn jieba() -> &'static Jieba {
    static JIEBA: OnceLock<Jieba> = OnceLock::new();
    JIEBA.get_or_init(Jieba::new)
}

fn stemmer() -> &'static Stemmer {
    static STEMMER: OnceLock<Stemmer> = OnceLock::new();
    STEMMER.get_or_init(|| Stemmer::create(Algorithm::English))
}

/// Common traditional characters and their simplified forms (a nice-to-have, not a full table).
const TRADITIONAL: &[(char, char)] = &[
    ('們', '们'),
    ('個', '个'),
    ('這', '这'),
    ('裡', '里'),
    ('說', '说'),
    ('時', '时'),
    ('間', '间'),
    ('為', '为'),
    ('會', '会'),
    ('來', '来'),
    ('對', '对'),
    ('點', '点'),
    ('過', '过'),
    ('還', '还'),
    ('後', '后'),
    ('發', '发'),
    ('現', '现'),
    ('問', '问'),
    ('題', '题'),
    ('處', '处'),
    ('與', '与'),
    ('學', '学'),
    ('長', '长'),
    ('開', '开'),
    ('關', '关'),
    ('實', '实'),
    ('際', '际'),
    ('經', '经'),
    ('驗', '验'),
    ('績', '绩'),
    ('標', '标'),
    ('團', '团'),
    ('隊', '队'),
    ('協', '协'),
    ('調', '调'),
    ('產', '产'),
    ('車', '车'),
    ('設', '设'),
    ('備', '备'),
    ('萬', '万'),
    ('億', '亿'),
    ('兩', '两'),
    ('幾', '几'),
    ('從', '从'),
    ('讓', '让'),
    ('給', '给'),
    ('數', '数'),
    ('據', '据'),
    ('質', '质'),
    ('講', '讲'),
    ('課', '课'),
    ('師', '师'),
    ('聽', '听'),
    ('負', '负'),
    ('責', '责'),
    ('戶', '户'),
    ('賣', '卖'),
    ('買', '买'),
    ('價', '价'),
    ('錢', '钱'),
    ('塊', '块'),
    ('種', '种'),
    ('歲', '岁'),
    ('週', '周'),
    ('鐘', '钟'),
    ('當', '当'),
    ('麼', '么'),
    ('嗎', '吗'),
    ('結', '结'),
    ('試', '试'),
    ('幫', '帮'),
    ('動', '动'),
    ('機', '机'),
];

/// Lower-case, full-width ASCII to half-width, ideographic space to space, common traditional
/// characters to simplified, and typographic quotes/dashes to ASCII.
pub fn normalise(text: &str) -> String {
    text.chars()
        .map(|c| {
            let c = match c {
                '\u{3000}' => ' ',
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                '\u{2018}' | '\u{2019}' => '\'',
                '\u{201C}' | '\u{201D}' => '"',
                '\u{2013}' | '\u{2014}' => '-',
                other => other,
            };
            TRADITIONAL
                .iter()
                .find(|(t, _)| *t == c)
                .map(|(_, s)| *s)
                .unwrap_or(c)
        })
        .flat_map(char::to_lowercase)
        .collect()
}

pub fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c)
}

/// Chinese when at least a fifth of the letters are hanzi, else English.
pub fn detect_language(text: &str) -> Language {
    let cjk = text.chars().filter(|c| is_cjk(*c)).count();
    let latin = text.chars().filter(|c| c.is_ascii_alphabetic()).count();
    if cjk > 0 && cjk * 5 >= (cjk + latin / 4).max(1) {
        Language::Zh
    } else {
        Language::En
    }
}

/// A sentence of a turn with its byte range in the turn text.
#[derive(Debug, Clone, PartialEq)]
pub struct Sentence {
    pub text: String,
    pub start: usize,
    pub end: usize,
    pub is_question: bool,
}

/// Split on sentence-final punctuation (both scripts), keeping byte ranges.
pub fn sentences(text: &str) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let terminal = matches!(c, '?' | '？' | '!' | '！' | '。' | '；' | ';')
            || (c == '.'
                && chars
                    .peek()
                    .is_none_or(|(_, n)| n.is_whitespace() || *n == '"' || *n == '\''));
        if terminal {
            let end = i + c.len_utf8();
            push_sentence(text, start, end, &mut out);
            start = end;
        }
    }
    push_sentence(text, start, text.len(), &mut out);
    out
}

fn push_sentence(text: &str, start: usize, end: usize, out: &mut Vec<Sentence>) {
    let slice = &text[start..end];
    let trimmed = slice.trim();
    if trimmed.chars().any(|c| c.is_alphanumeric()) {
        let lead = slice.len() - slice.trim_start().len();
        let is_question =
            trimmed.ends_with('?') || trimmed.ends_with('？') || has_zh_question(trimmed);
        out.push(Sentence {
            text: trimmed.to_string(),
            start: start + lead,
            end: start + lead + trimmed.len(),
            is_question,
        });
    }
}

fn has_zh_question(text: &str) -> bool {
    text.ends_with('吗') || text.ends_with('呢')
}

const EN_STOPWORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "but", "so", "of", "to", "in", "on", "at", "for", "with",
    "from", "by", "about", "as", "is", "are", "was", "were", "be", "been", "being", "do", "does",
    "did", "have", "has", "had", "it", "its", "it's", "this", "that", "these", "those", "there",
    "here", "i", "me", "my", "we", "us", "our", "you", "your", "he", "she", "they", "them",
    "their", "his", "her", "what", "which", "who", "whom", "how", "when", "where", "why", "can",
    "could", "would", "will", "should", "just", "like", "um", "uh", "okay", "ok", "yeah", "so",
    "then", "than", "if", "not", "no", "yes", "very", "really", "some", "any", "all", "one", "up",
    "out", "into", "over", "also", "too", "me", "let", "let's", "tell", "time", "i'm", "i'd",
    "i've", "you're", "don't", "didn't", "that's", "what's", "there's", "give", "example",
    "describe", "walk", "through", "bit", "right", "well", "oh", "hmm", "sure", "kind", "sort",
    "actually", "honestly",
];

const ZH_STOPWORDS: &[&str] = &[
    "的",
    "了",
    "是",
    "我",
    "你",
    "他",
    "她",
    "我们",
    "你们",
    "他们",
    "在",
    "就",
    "都",
    "也",
    "还",
    "和",
    "跟",
    "有",
    "这",
    "那",
    "这个",
    "那个",
    "一个",
    "什么",
    "怎么",
    "吗",
    "呢",
    "吧",
    "啊",
    "嗯",
    "哦",
    "请",
    "讲",
    "说",
    "说说",
    "一下",
    "一次",
    "经历",
    "例子",
    "举",
    "是不是",
    "会",
    "要",
    "给",
    "把",
    "被",
    "对",
    "让",
    "过",
    "着",
    "很",
    "挺",
    "比较",
    "然后",
    "其实",
    "好",
    "就是",
    "一些",
    "这些",
    "那些",
    "自己",
    "时候",
    "的话",
    "如何",
    "怎么样",
    "情况",
    "没有",
];

/// Tokens for matching: stems for English, jieba words for Chinese, stopwords removed.
pub fn tokens(text: &str, language: Language) -> Vec<String> {
    let norm = normalise(text);
    match language {
        Language::En => en_words(&norm)
            .into_iter()
            .filter(|w| !EN_STOPWORDS.contains(&w.as_str()))
            .map(|w| stem(&w))
            .collect(),
        Language::Zh => zh_tokens(&norm),
    }
}

/// Lower-case English words (letters, digits, apostrophes, `/`, `%`, `$` kept inside a word).
pub fn en_words(norm: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    for c in norm.chars() {
        if c.is_alphanumeric() || c == '\'' || c == '/' {
            current.push(c);
        } else if !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
        .into_iter()
        .map(|w| w.trim_matches('\'').to_string())
        .filter(|w| !w.is_empty())
        .collect()
}

pub fn stem(word: &str) -> String {
    stemmer().stem(word).into_owned()
}

fn zh_tokens(norm: &str) -> Vec<String> {
    jieba()
        .cut(norm, true)
        .into_iter()
        .map(|t| t.word.trim().to_string())
        .filter(|w| !w.is_empty() && w.chars().any(|c| c.is_alphanumeric()))
        .filter(|w| !ZH_STOPWORDS.contains(&w.as_str()))
        .map(|w| {
            if w.chars().all(|c| c.is_ascii_alphanumeric()) {
                stem(&w)
            } else {
                w
            }
        })
        .collect()
}

/// Character bigrams of the hanzi runs (robust to segmentation differences).
pub fn zh_bigrams(text: &str) -> Vec<String> {
    let norm = normalise(text);
    let mut out = Vec::new();
    let mut run: Vec<char> = Vec::new();
    let flush = |run: &mut Vec<char>, out: &mut Vec<String>| {
        for pair in run.windows(2) {
            out.push(pair.iter().collect());
        }
        run.clear();
    };
    for c in norm.chars() {
        if is_cjk(c) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// General interview concepts: words that mean the same thing in a question and in a bank
/// question ("leadership" / "senior management", "a deal that got away" / "lost a deal").
/// Each group becomes one `@concept` feature. English entries are matched by stem (single words)
/// or as phrases; Chinese entries as substrings.
const CONCEPTS: &[(&str, &[&str], &[&str])] = &[
    (
        "mgmt",
        &[
            "leadership",
            "leader",
            "management",
            "executive",
            "senior",
            "boss",
            "upwards",
            "upward",
            "ceo",
            "director",
            "higher-ups",
        ],
        &["高层", "领导", "上级", "老板", "管理层"],
    ),
    (
        "persuade",
        &[
            "convince",
            "persuade",
            "buy-in",
            "influence",
            "win over",
            "sell it",
        ],
        &["说服", "争取支持"],
    ),
    (
        "unpopular",
        &[
            "unpopular",
            "won't like",
            "disagree",
            "oppose",
            "against",
            "push back",
        ],
        &["不受欢迎", "反对", "不同意", "不认可"],
    ),
    (
        "loss",
        &[
            "lost", "lose", "loss", "got away", "stung", "setback", "fail", "failed", "failure",
            "mistake",
        ],
        &["丢单", "丢了", "失败", "挫折", "没成"],
    ),
    (
        "deal",
        &["deal", "contract", "order"],
        &["订单", "单子", "合同", "签单"],
    ),
    (
        "pressure",
        &["pressure", "stress", "tough", "toughest", "difficult"],
        &["压力", "扛", "最难"],
    ),
    (
        "disrupt",
        &[
            "noisy",
            "noise",
            "talking",
            "chatting",
            "disrupt",
            "disrupted",
            "disruptive",
            "misbehave",
            "out of control",
        ],
        &["吵", "讲话", "小动作", "捣乱", "扰乱", "失控", "纪律"],
    ),
    (
        "child",
        &[
            "child", "children", "kid", "kids", "pupil", "student", "boy", "boys", "girl",
        ],
        &["孩子", "学生", "男孩", "女孩", "小朋友"],
    ),
    (
        "parent",
        &["parent", "parents", "family"],
        &["家长", "父母"],
    ),
    (
        "emergency",
        &[
            "emergency",
            "urgent",
            "accident",
            "fire",
            "incident",
            "scariest",
            "crisis",
        ],
        &["紧急", "突发", "事故", "着火", "吓人", "出事"],
    ),
    (
        "safety",
        &["safety", "safe", "hazard", "injury", "injured"],
        &["安全", "隐患", "受伤"],
    ),
    (
        "machine",
        &["machine", "equipment", "breakdown", "downtime"],
        &["设备", "机器", "故障", "停机"],
    ),
    (
        "retain",
        &[
            "leave",
            "leaving",
            "quit",
            "retain",
            "retention",
            "turnover",
            "keep experienced",
        ],
        &["留住", "离职", "流失", "留人", "挖走"],
    ),
    (
        "motivate",
        &["motivate", "motivated", "morale", "demotivated"],
        &["积极性", "士气", "激励", "带动"],
    ),
    (
        "experiment",
        &["experiment", "trial", "pilot", "a/b"],
        &["实验", "试点", "测试"],
    ),
    (
        "levels",
        &["level", "levels", "mixed ability", "different levels"],
        &["差异", "水平", "层次", "兼顾"],
    ),
    (
        "plan",
        &["plan", "schedule", "shift", "run a typical"],
        &["安排", "计划", "班次", "排班"],
    ),
    (
        "result",
        &["result", "outcome", "how did it end"],
        &["结果"],
    ),
    (
        "colleague",
        &["colleague", "coworker", "teammate", "peer"],
        &["同事", "队友"],
    ),
    (
        "user",
        &["user", "users", "watching someone use", "watched"],
        &["用户"],
    ),
    (
        "price",
        &["price", "discount", "cheaper"],
        &["价格", "压价", "折扣", "便宜"],
    ),
    (
        "need",
        &["need", "needed", "really wanted", "actually needed"],
        &["需求", "真正想要"],
    ),
];

/// The `@concept` features a text carries.
pub fn concept_features(text: &str, language: Language) -> Vec<String> {
    let norm = normalise(text);
    let stems: BTreeSet<String> = match language {
        Language::En => en_words(&norm).iter().map(|w| stem(w)).collect(),
        Language::Zh => BTreeSet::new(),
    };
    let mut out = Vec::new();
    for (name, en, zh) in CONCEPTS {
        let hit = match language {
            Language::En => en.iter().any(|e| {
                if e.contains(' ') || e.contains('/') || e.contains('\'') {
                    count_term(&norm, e) > 0
                } else {
                    stems.contains(&stem(e))
                }
            }),
            Language::Zh => {
                zh.iter().any(|z| norm.contains(z))
                    || en.iter().any(|e| {
                        e.chars().all(|c| c.is_ascii_alphabetic())
                            && e.len() > 3
                            && count_term(&norm, e) > 0
                    })
            }
        };
        if hit {
            out.push(format!("@{name}"));
        }
    }
    out
}

/// One keyword of a competency, prepared for matching.
#[derive(Debug, Clone)]
struct PreparedKeyword {
    display: String,
    /// English: the stems that must all occur in the sentence. Chinese: empty.
    stems: Vec<String>,
    /// Chinese (or acronyms): the normalised substring to find.
    substring: String,
}

/// The keywords (and examples) of every competency, in both languages.
#[derive(Debug, Clone)]
pub struct KeywordMatcher {
    /// Per competency (job order), per language.
    en: Vec<Vec<PreparedKeyword>>,
    zh: Vec<Vec<PreparedKeyword>>,
}

/// A keyword found in a text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct KeywordHit {
    pub competency: usize,
    pub keyword: String,
    /// 2 for specific keywords (several English words, three or more hanzi), else 1.
    pub weight: u32,
}

impl KeywordMatcher {
    pub fn new(competencies: &[Competency]) -> KeywordMatcher {
        let prepare = |c: &Competency, language: Language| {
            let mut list: Vec<&String> = c.keywords.get(language).iter().collect();
            if let Some(examples) = &c.examples {
                list.extend(examples.get(language));
            }
            list.into_iter()
                .map(|k| {
                    let norm = normalise(k);
                    let stems = if norm.chars().any(is_cjk) {
                        Vec::new()
                    } else {
                        tokens(&norm, Language::En)
                    };
                    PreparedKeyword {
                        display: k.clone(),
                        stems,
                        substring: norm,
                    }
                })
                .collect::<Vec<_>>()
        };
        KeywordMatcher {
            en: competencies
                .iter()
                .map(|c| prepare(c, Language::En))
                .collect(),
            zh: competencies
                .iter()
                .map(|c| prepare(c, Language::Zh))
                .collect(),
        }
    }

    /// Distinct keywords per competency found in one sentence (English keywords match as a bag
    /// of stems within the sentence; Chinese ones as substrings).
    pub fn hits(&self, sentence: &str, language: Language) -> Vec<KeywordHit> {
        let norm = normalise(sentence);
        let stems: BTreeSet<String> = match language {
            Language::En => tokens(&norm, Language::En).into_iter().collect(),
            Language::Zh => BTreeSet::new(),
        };
        let lists = match language {
            Language::En => &self.en,
            Language::Zh => &self.zh,
        };
        let mut out = Vec::new();
        for (competency, keywords) in lists.iter().enumerate() {
            for k in keywords {
                let found = if k.stems.is_empty() {
                    !k.substring.is_empty() && contains_term(&norm, &k.substring)
                } else {
                    k.stems.iter().all(|s| stems.contains(s))
                };
                if found {
                    let specific = k.stems.len() >= 2
                        || k.substring.chars().filter(|c| is_cjk(*c)).count() >= 3;
                    out.push(KeywordHit {
                        competency,
                        keyword: k.display.clone(),
                        weight: if specific { 2 } else { 1 },
                    });
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }
}

/// Substring search that respects word boundaries for Latin terms ("pr" must not match "press").
fn contains_term(haystack: &str, needle: &str) -> bool {
    if needle.chars().any(is_cjk) {
        return haystack.contains(needle);
    }
    let mut from = 0;
    while let Some(pos) = haystack[from..].find(needle) {
        let start = from + pos;
        let end = start + needle.len();
        let before_ok = haystack[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_ascii_alphanumeric());
        let after_ok = haystack[end..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_ascii_alphanumeric());
        if before_ok && after_ok {
            return true;
        }
        from = start + needle.len().max(1);
    }
    false
}

/// Count non-overlapping occurrences of any of `markers` in a normalised text (Latin markers on word boundaries).
pub fn count_markers(norm: &str, markers: &[&str]) -> u32 {
    markers.iter().map(|m| count_term(norm, m)).sum()
}

pub fn count_term(haystack: &str, needle: &str) -> u32 {
    if needle.is_empty() {
        return 0;
    }
    let latin = !needle.chars().any(is_cjk);
    let mut count = 0;
    let mut from = 0;
    while let Some(pos) = haystack[from..].find(needle) {
        let start = from + pos;
        let end = start + needle.len();
        let ok = !latin
            || (haystack[..start]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_ascii_alphanumeric())
                && haystack[end..]
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_ascii_alphanumeric()));
        if ok {
            count += 1;
        }
        from = end;
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_folds_width_case_and_traditional() {
        assert_eq!(normalise("ＯＥＥ提高到７５％"), "oee提高到75%");
        assert_eq!(normalise("我們的團隊"), "我们的团队");
    }

    #[test]
    fn sentences_split_both_scripts_and_mark_questions() {
        let s = sentences("Hi there. What did you do? 你好。你是怎么做的？");
        assert_eq!(s.len(), 4);
        assert!(!s[0].is_question && s[1].is_question && s[3].is_question);
        assert_eq!(
            &"Hi there. What did you do? 你好。你是怎么做的？"[s[1].start..s[1].end],
            "What did you do?"
        );
    }

    #[test]
    fn english_stems_and_chinese_words() {
        assert_eq!(
            tokens("Negotiated the discounts", Language::En),
            vec!["negoti", "discount"]
        );
        let zh = tokens("我们车间的不良率降低了", Language::Zh);
        assert!(zh.contains(&"车间".to_string()), "{zh:?}");
    }

    #[test]
    fn detects_language() {
        assert_eq!(detect_language("我们车间OEE从62%提到了75%"), Language::Zh);
        assert_eq!(detect_language("We raised OEE to 75%"), Language::En);
    }

    #[test]
    fn latin_terms_respect_word_boundaries() {
        assert!(contains_term("the plc was down", "plc"));
        assert!(!contains_term("press", "pr"));
        assert_eq!(count_term("we did it, we won", "we"), 2);
    }
}
