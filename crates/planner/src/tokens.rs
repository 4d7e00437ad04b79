//! Token sets for matching résumé facts to questions: English words and Chinese character bigrams.

use std::collections::BTreeSet;

/// A sorted set, so that everything built from it is deterministic.
pub(crate) type TokenSet = BTreeSet<String>;

/// Words that say nothing about a competency.
const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "after",
    "all",
    "also",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "been",
    "before",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "done",
    "each",
    "for",
    "from",
    "get",
    "give",
    "go",
    "had",
    "has",
    "have",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "just",
    "last",
    "like",
    "me",
    "more",
    "most",
    "my",
    "new",
    "next",
    "no",
    "not",
    "of",
    "on",
    "one",
    "or",
    "other",
    "our",
    "out",
    "over",
    "previously",
    "really",
    "same",
    "say",
    "so",
    "some",
    "still",
    "such",
    "tell",
    "than",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "thing",
    "this",
    "those",
    "through",
    "time",
    "to",
    "up",
    "us",
    "very",
    "was",
    "way",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "why",
    "will",
    "with",
    "would",
    "year",
    "you",
    "your",
    "describe",
    "example",
    "walk",
    "pick",
    "recent",
    "month",
    "week",
    "day",
    "two",
    "three",
    "first",
    "ever",
    "didn",
    "don",
    "doesn",
    "ve",
    "re",
    "ll",
];

/// Chinese bigrams that say nothing about a competency.
const STOP_BIGRAMS: &[&str] = &[
    "一个", "一次", "你的", "你是", "怎么", "什么", "我们", "他们", "经历", "的经", "讲一", "请讲",
    "说说", "举一", "一下", "时候", "如何", "如果", "的时", "是怎", "么处", "处理", "你会", "会怎",
    "么做", "一个", "这个", "那个", "是什", "平时", "讲一", "例子", "个例", "年的", "了一", "有没",
];

fn is_cjk(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c) || ('\u{3400}'..='\u{4DBF}').contains(&c)
}

/// The tokens of a text in either language (mixed text gives both kinds).
pub(crate) fn tokens(text: &str) -> TokenSet {
    let mut set = TokenSet::new();
    let lower = text.to_lowercase();
    let mut word = String::new();
    let mut run: Vec<char> = Vec::new();
    for c in lower.chars().chain(std::iter::once(' ')) {
        if is_cjk(c) {
            push_word(&mut set, &mut word);
            run.push(c);
            continue;
        }
        push_bigrams(&mut set, &mut run);
        if c.is_alphanumeric() || c == '/' {
            word.push(c);
        } else {
            push_word(&mut set, &mut word);
        }
    }
    set
}

fn push_word(set: &mut TokenSet, word: &mut String) {
    let taken = std::mem::take(word);
    let trimmed = taken.trim_matches('/');
    if trimmed.chars().count() < 2
        || trimmed.chars().all(|c| c.is_ascii_digit())
        || STOP_WORDS.contains(&trimmed)
    {
        return;
    }
    let stemmed = stem(trimmed);
    if !STOP_WORDS.contains(&stemmed.as_str()) {
        set.insert(stemmed);
    }
}

fn push_bigrams(set: &mut TokenSet, run: &mut Vec<char>) {
    for pair in run.windows(2) {
        let bigram: String = pair.iter().collect();
        if !STOP_BIGRAMS.contains(&bigram.as_str()) {
            set.insert(bigram);
        }
    }
    run.clear();
}

/// A light stemmer: plurals and the common verb endings, so "customers" meets "customer" and
/// "negotiated" meets "negotiate".
fn stem(word: &str) -> String {
    let strip = |suffix: &str, keep: usize| -> Option<String> {
        word.strip_suffix(suffix)
            .filter(|stem| stem.chars().count() >= keep)
            .map(str::to_string)
    };
    if let Some(stem) = strip("ies", 3) {
        return stem + "y";
    }
    if let Some(stem) = strip("ing", 4) {
        return stem.trim_end_matches('e').to_string();
    }
    if let Some(stem) = strip("ed", 4) {
        return stem.trim_end_matches('e').to_string();
    }
    if word.ends_with("ss") || word.ends_with("us") || word.ends_with("is") {
        return word.to_string();
    }
    if let Some(stem) = strip("es", 4).filter(|s| s.ends_with(['x', 'h', 's'])) {
        return stem;
    }
    if let Some(stem) = strip("s", 3) {
        return stem.trim_end_matches('e').to_string();
    }
    word.trim_end_matches('e').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_words_are_stemmed_and_stop_words_dropped() {
        let set = tokens("Tell me about the customers you negotiated with; 122% of quota.");
        assert_eq!(
            set.into_iter().collect::<Vec<_>>(),
            vec!["customer", "negotiat", "quota"]
        );
    }

    #[test]
    fn stems_meet_across_forms() {
        assert_eq!(stem("negotiate"), stem("negotiated"));
        assert_eq!(stem("customers"), stem("customer"));
        assert_eq!(stem("activities"), "activity");
    }

    #[test]
    fn chinese_gives_bigrams() {
        let set = tokens("冲压车间");
        assert_eq!(
            set.into_iter().collect::<Vec<_>>(),
            vec!["冲压", "压车", "车间"]
        );
    }
}
