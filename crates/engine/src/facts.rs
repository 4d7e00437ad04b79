//! Key facts: quantities in candidate turns (percent, money, team size, duration, other counts),
//! normalised as the fixtures' README specifies: `35%`, `百分之三十五` → 35 %; `三成` → 30 %;
//! `$1.34 million` → 1 340 000 USD; `85万` → 850 000 CNY; `五百块` → 500 CNY; `six weeks` → 6 week;
//! `四十八小时` → 48 hour; hedges ("about", 左右, 以上 ...) set `approx`.
//!
//! Clock times, dates, ages, ordinals, grades and ranges are skipped, as are bare numbers with no
//! unit: an extractor that says nothing about "all nine" is better than one that guesses.

use copilot_domain::Language;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The kind of a quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FactType {
    Percent,
    Money,
    TeamSize,
    Duration,
    Number,
}

impl FactType {
    pub fn as_str(self) -> &'static str {
        match self {
            FactType::Percent => "percent",
            FactType::Money => "money",
            FactType::TeamSize => "team_size",
            FactType::Duration => "duration",
            FactType::Number => "number",
        }
    }
}

/// One quantity found in a candidate turn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct KeyFact {
    pub turn: u32,
    #[serde(rename = "type")]
    #[ts(rename = "type")]
    pub fact_type: FactType,
    pub value: f64,
    /// `%`, an ISO 4217 code, `people`, a time unit, or a singular noun for counts.
    pub unit: String,
    /// The exact substring of the turn text.
    pub text: String,
    /// Byte offsets of `text` in the turn text.
    pub start: usize,
    pub end: usize,
    pub approx: bool,
}

/// Extract the key facts of one turn's text.
pub fn extract(text: &str, language: Language, turn: u32) -> Vec<KeyFact> {
    let mut facts = match language {
        Language::En => extract_en(text),
        Language::Zh => {
            let mut f = extract_zh(text);
            // Chinese turns may still say "$1.2 million" or "35%" with Latin words around.
            for e in extract_en(text) {
                if !f.iter().any(|x| x.start < e.end && e.start < x.end) {
                    f.push(e);
                }
            }
            f
        }
    };
    facts.sort_by_key(|f| f.start);
    for f in &mut facts {
        f.turn = turn;
    }
    facts
}

fn fact(
    fact_type: FactType,
    value: f64,
    unit: &str,
    text: &str,
    start: usize,
    end: usize,
    approx: bool,
) -> KeyFact {
    KeyFact {
        turn: 0,
        fact_type,
        value: (value * 1000.0).round() / 1000.0,
        unit: unit.to_string(),
        text: text[start..end].to_string(),
        start,
        end,
        approx,
    }
}

// ------------------------------------------------------------------ English

const EN_ONES: &[(&str, u32)] = &[
    ("zero", 0),
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("thirteen", 13),
    ("fourteen", 14),
    ("fifteen", 15),
    ("sixteen", 16),
    ("seventeen", 17),
    ("eighteen", 18),
    ("nineteen", 19),
    ("twenty", 20),
    ("thirty", 30),
    ("forty", 40),
    ("fifty", 50),
    ("sixty", 60),
    ("seventy", 70),
    ("eighty", 80),
    ("ninety", 90),
];

const EN_APPROX_BEFORE: &[&str] = &[
    "about",
    "around",
    "roughly",
    "approximately",
    "nearly",
    "almost",
    "under",
    "over",
    "more than",
    "less than",
    "close to",
    "something like",
    "up to",
    "just under",
    "just over",
    "some",
    "at least",
    "at most",
    "maybe",
    "an estimated",
];

const DURATION_UNITS: &[(&str, &str)] = &[
    ("millisecond", "millisecond"),
    ("ms", "millisecond"),
    ("second", "second"),
    ("minute", "minute"),
    ("min", "minute"),
    ("hour", "hour"),
    ("day", "day"),
    ("week", "week"),
    ("month", "month"),
    ("year", "year"),
    ("yr", "year"),
];

const PEOPLE_NOUNS: &[&str] = &[
    "people",
    "person",
    "engineer",
    "developer",
    "designer",
    "staff",
    "employee",
    "worker",
    "member",
    "teammate",
    "operator",
    "report",
    "analyst",
    "agent",
    "nurse",
    "teacher",
    "technician",
    "headcount",
];

const NUMBER_MODIFIERS: &[&str] = &[
    "new",
    "more",
    "remote",
    "other",
    "additional",
    "extra",
    "big",
    "small",
    "large",
    "key",
    "active",
    "full-time",
    "part-time",
    "different",
    "separate",
    "major",
    "top",
    "local",
    "regional",
    "multi-site",
    "enterprise",
    "paying",
    "repeat",
    "existing",
    "of",
    "our",
    "my",
];

/// A word token with its byte range.
#[derive(Debug, Clone)]
struct Word {
    text: String,
    start: usize,
    end: usize,
}

fn en_tokens(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let keep = c.is_ascii_alphanumeric()
            || matches!(c, '$' | '£' | '€' | '%' | '.' | ',' | '\'' | '-' | '/');
        match (keep, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                push_word(text, s, i, &mut out);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        push_word(text, s, text.len(), &mut out);
    }
    out
}

fn push_word(text: &str, start: usize, end: usize, out: &mut Vec<Word>) {
    // Trim trailing punctuation that belongs to the sentence, not the word.
    let mut s = start;
    let mut e = end;
    while e > s
        && matches!(
            text[..e].chars().next_back(),
            Some('.' | ',' | '\'' | '-' | '/')
        )
    {
        e -= 1;
    }
    while s < e && matches!(text[s..].chars().next(), Some(',' | '\'' | '-' | '/' | '.')) {
        s += 1;
    }
    if s < e {
        out.push(Word {
            text: text[s..e].to_lowercase(),
            start: s,
            end: e,
        });
    }
}

fn word_number(word: &str) -> Option<f64> {
    if let Some((a, b)) = word.split_once('-') {
        let tens = EN_ONES.iter().find(|(w, _)| *w == a)?.1;
        let ones = EN_ONES.iter().find(|(w, _)| *w == b)?.1;
        if tens >= 20 && tens % 10 == 0 && ones < 10 {
            return Some(f64::from(tens + ones));
        }
        return None;
    }
    EN_ONES
        .iter()
        .find(|(w, _)| *w == word)
        .map(|(_, v)| f64::from(*v))
}

fn digits_number(word: &str) -> Option<f64> {
    let cleaned: String = word.chars().filter(|c| *c != ',').collect();
    if cleaned.is_empty() || !cleaned.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return None;
    }
    cleaned.parse::<f64>().ok()
}

fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies") {
        format!("{stem}y")
    } else if word.ends_with("ss") || word.ends_with("us") {
        word.to_string()
    } else if let Some(stem) = word
        .strip_suffix("es")
        .filter(|s| s.ends_with("sh") || s.ends_with("ch") || s.ends_with('x'))
    {
        stem.to_string()
    } else if let Some(stem) = word.strip_suffix('s') {
        stem.to_string()
    } else {
        word.to_string()
    }
}

fn extract_en(text: &str) -> Vec<KeyFact> {
    let words = en_tokens(text);
    let lower = text.to_lowercase();
    let mut facts = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        let mut raw = w.text.as_str();
        let mut currency: Option<&str> = None;
        for (sign, code) in [
            ("us$", "USD"),
            ("$", "USD"),
            ("£", "GBP"),
            ("€", "EUR"),
            ("¥", "CNY"),
        ] {
            if let Some(rest) = raw.strip_prefix(sign) {
                raw = rest;
                currency = Some(code);
                break;
            }
        }
        let mut percent_sign = false;
        if let Some(rest) = raw.strip_suffix('%') {
            raw = rest;
            percent_sign = true;
        }
        if let Some(f) = en_fraction(&words, i, text) {
            facts.push(f);
            i += 1;
            continue;
        }
        // A hyphenated unit glued to the number: "two-minute", "three-year", "10-person".
        let mut glued_unit: Option<String> = None;
        let mut value = digits_number(raw).or_else(|| word_number(raw));
        if value.is_none()
            && let Some((num, unit)) = raw.split_once('-')
            && let Some(v) = digits_number(num).or_else(|| word_number(num))
        {
            value = Some(v);
            glued_unit = Some(unit.to_string());
        }
        let mut k_suffix = false;
        if value.is_none()
            && let Some(num) = raw.strip_suffix('k')
            && let Some(v) = digits_number(num)
        {
            value = Some(v * 1000.0);
            k_suffix = true;
        }
        // "a week", "an hour" after a preposition; fractions like "two-thirds".
        if value.is_none() {
            if let Some(f) = en_article_duration(&words, i, text) {
                facts.push(f);
            }
            i += 1;
            continue;
        }
        let Some(mut value) = value else {
            i += 1;
            continue;
        };
        let start = w.start;
        let mut end = w.end;
        let mut j = i + 1;
        // Multiplier words.
        if glued_unit.is_none() && !k_suffix {
            let mut scale = |mult: f64, j: &mut usize, end: &mut usize| {
                value *= mult;
                *end = words[*j].end;
                *j += 1;
            };
            if let Some(next) = words.get(j) {
                match next.text.as_str() {
                    "million" | "m" => scale(1e6, &mut j, &mut end),
                    "billion" | "bn" => scale(1e9, &mut j, &mut end),
                    "thousand" => scale(1e3, &mut j, &mut end),
                    "hundred" => scale(1e2, &mut j, &mut end),
                    _ => {}
                }
            }
        }
        let approx = en_approx_before(&lower, start) || en_approx_after(&words, j);
        let prev = i
            .checked_sub(1)
            .map(|p| words[p].text.as_str())
            .unwrap_or("");
        let is_year = currency.is_none()
            && !percent_sign
            && raw.len() == 4
            && (1900.0..=2100.0).contains(&value)
            && glued_unit.is_none();
        let ordinal_context = matches!(
            prev,
            "day"
                | "week"
                | "number"
                | "no"
                | "top"
                | "page"
                | "grade"
                | "level"
                | "version"
                | "step"
        );
        if is_year
            || (ordinal_context && glued_unit.is_none())
            || text[end..].starts_with(':')
            || text[..start].ends_with(':')
        {
            i = j.max(i + 1);
            continue;
        }
        if let Some(code) = currency {
            facts.push(fact(FactType::Money, value, code, text, start, end, approx));
            i = j;
            continue;
        }
        if percent_sign
            || words
                .get(j)
                .is_some_and(|n| n.text == "percent" || n.text == "per")
        {
            if !percent_sign {
                end = words[j].end;
                if words[j].text == "per" && words.get(j + 1).is_some_and(|n| n.text == "cent") {
                    end = words[j + 1].end;
                }
            }
            facts.push(fact(
                FactType::Percent,
                value,
                "%",
                text,
                start,
                end,
                approx,
            ));
            i = j + 1;
            continue;
        }
        // "one in five" → 20 %.
        if words
            .get(j)
            .is_some_and(|n| n.text == "in" || n.text == "out")
            && let Some(k) = (if words[j].text == "out" {
                Some(j + 2)
            } else {
                Some(j + 1)
            })
            && words.get(k).is_some_and(|_| {
                words[j].text == "in" || words.get(j + 1).is_some_and(|o| o.text == "of")
            })
            && let Some(den) = words
                .get(k)
                .and_then(|d| digits_number(&d.text).or_else(|| word_number(&d.text)))
            && den > value
            && words[j].text == "in"
        {
            facts.push(fact(
                FactType::Percent,
                value / den * 100.0,
                "%",
                text,
                start,
                words[k].end,
                approx,
            ));
            i = k + 1;
            continue;
        }
        if let Some(code) = words.get(j).and_then(|n| currency_word(&n.text)) {
            end = words[j].end;
            facts.push(fact(FactType::Money, value, code, text, start, end, approx));
            i = j + 1;
            continue;
        }
        // Unit: glued ("two-minute") or the next word(s) after modifiers.
        let mut unit_word: Option<(String, usize)> = glued_unit.map(|u| (u, end));
        if unit_word.is_none() {
            let mut k = j;
            while k < words.len() && k < j + 3 && NUMBER_MODIFIERS.contains(&words[k].text.as_str())
            {
                k += 1;
            }
            if let Some(u) = words.get(k) {
                let t = u.text.trim_end_matches('.').to_string();
                if t.chars().all(|c| c.is_ascii_alphabetic() || c == '-') {
                    unit_word = Some((t, u.end));
                }
            }
        }
        let Some((unit, unit_end)) = unit_word else {
            i = j;
            continue;
        };
        let unit_singular = singular(&unit);
        if let Some((_, canonical)) = DURATION_UNITS.iter().find(|(u, _)| *u == unit_singular) {
            facts.push(fact(
                FactType::Duration,
                value,
                canonical,
                text,
                start,
                unit_end,
                approx,
            ));
            i = j + 1;
            continue;
        }
        if value <= 1.0 || unit == unit_singular && !PEOPLE_NOUNS.contains(&unit.as_str()) {
            // Counts need a plural noun ("fourteen reps"), and "one" is almost never a key fact.
            i = j;
            continue;
        }
        if PEOPLE_NOUNS.contains(&unit_singular.as_str()) {
            facts.push(fact(
                FactType::TeamSize,
                value,
                "people",
                text,
                start,
                unit_end,
                approx,
            ));
        } else if unit_singular.len() > 2 && !EN_NOT_UNITS.contains(&unit_singular.as_str()) {
            facts.push(fact(
                FactType::Number,
                value,
                &unit_singular,
                text,
                start,
                unit_end,
                approx,
            ));
        }
        i = j;
    }
    facts
}

const EN_NOT_UNITS: &[&str] = &[
    "time", "thing", "way", "of", "and", "or", "to", "the", "a", "an", "in", "on", "at", "for",
    "with", "player", "point", "step", "kind", "sort", "lot", "bit", "couple",
];

fn currency_word(word: &str) -> Option<&'static str> {
    match word {
        "dollar" | "dollars" | "usd" | "bucks" => Some("USD"),
        "pound" | "pounds" | "gbp" | "quid" => Some("GBP"),
        "euro" | "euros" | "eur" => Some("EUR"),
        "yuan" | "rmb" | "cny" | "renminbi" => Some("CNY"),
        _ => None,
    }
}

fn en_approx_before(lower: &str, start: usize) -> bool {
    let from = lower[..start]
        .char_indices()
        .rev()
        .nth(20)
        .map(|(i, _)| i)
        .unwrap_or(0);
    let window = lower[from..start].trim_end();
    let window = window.trim_end_matches('$').trim_end();
    EN_APPROX_BEFORE.iter().any(|m| {
        window.ends_with(m)
            && window[..window.len() - m.len()]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_ascii_alphanumeric())
    })
}

fn en_approx_after(words: &[Word], j: usize) -> bool {
    words.get(j).is_some_and(|w| w.text == "or")
        && words
            .get(j + 1)
            .is_some_and(|w| w.text == "so" || w.text == "more")
}

fn en_fraction(words: &[Word], i: usize, text: &str) -> Option<KeyFact> {
    let w = &words[i];
    let value = match w.text.as_str() {
        "two-thirds" => 66.7,
        "one-third" | "a-third" => 33.3,
        "three-quarters" => 75.0,
        "one-quarter" => 25.0,
        _ => return None,
    };
    Some(fact(
        FactType::Percent,
        value,
        "%",
        text,
        w.start,
        w.end,
        false,
    ))
}

fn en_article_duration(words: &[Word], i: usize, text: &str) -> Option<KeyFact> {
    let w = &words[i];
    if w.text != "a" && w.text != "an" {
        return None;
    }
    let prev = words.get(i.checked_sub(1)?)?.text.as_str();
    if !matches!(
        prev,
        "in" | "for"
            | "within"
            | "under"
            | "about"
            | "over"
            | "than"
            | "nearly"
            | "almost"
            | "around"
            | "took"
            | "after"
    ) {
        return None;
    }
    let unit = words.get(i + 1)?;
    let (_, canonical) = DURATION_UNITS.iter().find(|(u, _)| *u == unit.text)?;
    let approx = matches!(
        prev,
        "under" | "about" | "over" | "nearly" | "almost" | "around" | "than"
    );
    let start = if approx { words[i - 1].start } else { w.start };
    Some(fact(
        FactType::Duration,
        1.0,
        canonical,
        text,
        start,
        unit.end,
        approx,
    ))
}

// ------------------------------------------------------------------ Chinese

const ZH_DIGITS: &[(char, u32)] = &[
    ('零', 0),
    ('〇', 0),
    ('一', 1),
    ('二', 2),
    ('两', 2),
    ('三', 3),
    ('四', 4),
    ('五', 5),
    ('六', 6),
    ('七', 7),
    ('八', 8),
    ('九', 9),
];

fn zh_digit(c: char) -> Option<u32> {
    ZH_DIGITS
        .iter()
        .find(|(d, _)| *d == c)
        .map(|(_, v)| *v)
        .or_else(|| {
            c.to_digit(10).or_else(|| {
                // Full-width digits.
                ('０'..='９').contains(&c).then(|| c as u32 - '０' as u32)
            })
        })
}

fn is_zh_numeral(c: char) -> bool {
    zh_digit(c).is_some() || matches!(c, '十' | '百' | '千' | '万' | '亿')
}

/// Parse a Chinese (or mixed) numeral such as 三十五, 两千, 一点八, 85万, 二〇一〇. `None` if malformed.
pub fn parse_zh_number(s: &str) -> Option<f64> {
    let (int_part, frac_part) = match s.split_once('点') {
        Some((a, b)) => (a, Some(b)),
        None => (s, None),
    };
    let chars: Vec<char> = int_part.chars().collect();
    let has_unit = chars
        .iter()
        .any(|c| matches!(c, '十' | '百' | '千' | '万' | '亿'));
    let mut value: f64;
    if !has_unit
        || chars.iter().filter(|c| zh_digit(**c).is_some()).count() > 1
            && chars
                .iter()
                .all(|c| zh_digit(*c).is_some() || matches!(c, '万' | '亿'))
    {
        // Positional digits (二〇一〇, 62), possibly followed by 万/亿 (85万).
        let mut digits = 0.0f64;
        let mut total = 0.0f64;
        let mut any = false;
        for c in &chars {
            if let Some(d) = zh_digit(*c) {
                digits = digits * 10.0 + f64::from(d);
                any = true;
            } else if *c == '万' {
                total += digits * 1e4;
                digits = 0.0;
            } else if *c == '亿' {
                total = (total + digits) * 1e8;
                digits = 0.0;
            }
        }
        if !any {
            return None;
        }
        value = total + digits;
    } else {
        let mut total = 0.0f64;
        let mut section = 0.0f64;
        let mut number = 0.0f64;
        let mut number_set = false;
        for c in &chars {
            if let Some(d) = zh_digit(*c) {
                number = if number_set && number > 0.0 {
                    number * 10.0 + f64::from(d)
                } else {
                    f64::from(d)
                };
                number_set = true;
            } else {
                let unit = match c {
                    '十' => 10.0,
                    '百' => 100.0,
                    '千' => 1000.0,
                    '万' => 1e4,
                    '亿' => 1e8,
                    _ => return None,
                };
                if unit >= 1e4 {
                    total = (total + section + number) * unit;
                    section = 0.0;
                } else {
                    let n = if number_set { number } else { 1.0 };
                    section += n * unit;
                }
                number = 0.0;
                number_set = false;
            }
        }
        value = total + section + number;
    }
    if let Some(frac) = frac_part {
        let mut scale = 0.1;
        for c in frac.chars() {
            let d = zh_digit(c)?;
            value += f64::from(d) * scale;
            scale /= 10.0;
        }
    }
    Some(value)
}

const ZH_APPROX_BEFORE: &[&str] = &[
    "大概",
    "大约",
    "约",
    "将近",
    "差不多",
    "接近",
    "不到",
    "超过",
    "近",
    "至少",
    "小于",
    "上下",
];
const ZH_APPROX_AFTER: &[&str] = &["左右", "多", "以上", "以内", "来", "余", "上下", "出头"];

/// (suffix, canonical unit) for durations; longest first.
const ZH_DURATIONS: &[(&str, &str)] = &[
    ("个多小时", "hour"),
    ("个半小时", "hour"),
    ("个小时", "hour"),
    ("小时", "hour"),
    ("毫秒", "millisecond"),
    ("分钟", "minute"),
    ("秒钟", "second"),
    ("秒", "second"),
    ("个星期", "week"),
    ("星期", "week"),
    ("个礼拜", "week"),
    ("周", "week"),
    ("个多月", "month"),
    ("个月", "month"),
    ("天", "day"),
    ("年", "year"),
];

const ZH_PEOPLE: &[&str] = &[
    "个人",
    "人",
    "名员工",
    "名工人",
    "名同事",
    "位同事",
    "名工程师",
    "个工人",
    "名",
];

const ZH_MEASURES: &[char] = &[
    '个', '台', '家', '位', '名', '次', '分', '颗', '张', '条', '本', '件', '所', '辆', '套', '款',
    '项', '篇', '间', '座', '栋', '单', '笔', '场', '期', '批', '份', '种', '节', '门', '班', '组',
    '条', '户', '块',
];

fn extract_zh(text: &str) -> Vec<KeyFact> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let byte_at = |k: usize| chars.get(k).map(|(b, _)| *b).unwrap_or(text.len());
    let mut facts = Vec::new();
    let mut k = 0;
    while k < chars.len() {
        let c = chars[k].1;
        let percent_prefix = text[chars[k].0..].starts_with("百分之");
        if !(percent_prefix || zh_digit(c).is_some() || c == '十') {
            k += 1;
            continue;
        }
        let start_k = k;
        let mut num_start = k;
        if percent_prefix {
            num_start = k + 3;
        }
        // The numeral run (with a decimal 点 when digits follow, and 几 as "some").
        let mut m = num_start;
        let mut approx_digit = false;
        let mut decimal_point = false;
        while m < chars.len() {
            let ch = chars[m].1;
            if is_zh_numeral(ch)
                || ch == '.'
                    && m + 1 < chars.len()
                    && zh_digit(chars[m + 1].1).is_some()
                    && m > num_start
            {
                m += 1;
            } else if ch == '点'
                && m > num_start
                && m + 1 < chars.len()
                && zh_digit(chars[m + 1].1).is_some()
            {
                decimal_point = true;
                m += 1;
            } else if ch == '几'
                && m > num_start
                && matches!(chars[m - 1].1, '十' | '百' | '千' | '万')
            {
                approx_digit = true;
                m += 1;
            } else if ch == ','
                && m > num_start
                && m + 3 < chars.len()
                && chars[m + 1..m + 4].iter().all(|(_, d)| d.is_ascii_digit())
            {
                m += 1;
            } else {
                break;
            }
        }
        if m == num_start {
            k += 1;
            continue;
        }
        let numeral: String = chars[num_start..m]
            .iter()
            .map(|(_, ch)| *ch)
            .filter(|ch| *ch != ',' && *ch != '几')
            .collect();
        let numeral = numeral.replace('.', "点");
        let next_k = m;
        let start = byte_at(start_k);
        let rest = &text[byte_at(next_k)..];
        let before = &text[..start];
        let advance = m.max(k + 1);
        // Clock times (七点四十, 六点多, 五点半) when 点 is not a decimal in a percentage.
        if decimal_point && !percent_prefix && !rest.starts_with('%') && !rest.starts_with('％') {
            k = advance;
            continue;
        }
        if rest.starts_with("点多")
            || rest.starts_with("点半")
            || rest.starts_with("点钟")
            || rest.starts_with('点') && !percent_prefix
        {
            k = advance;
            continue;
        }
        // 十分 = "very", 一点 = "a bit", 一起/一直 and friends never reach a unit below.
        if numeral == "十" && rest.starts_with('分') && !rest.starts_with("分钟") {
            k = advance;
            continue;
        }
        // Ordinals, ranks, ages, grades, dates and ranges.
        if before.ends_with('第')
            || before.ends_with('每')
            || before.ends_with('这')
            || before.ends_with('那')
            || before.ends_with('哪')
            || before.ends_with("周") && rest.is_empty()
            || rest.starts_with('岁')
            || rest.starts_with("年级")
            || rest.starts_with('等')
            || rest.starts_with('号')
            || rest.starts_with('楼')
            || rest.starts_with("级")
        {
            k = advance;
            continue;
        }
        let digit_count = numeral.chars().filter(|ch| zh_digit(*ch).is_some()).count();
        let has_unit_char = numeral
            .chars()
            .any(|ch| matches!(ch, '十' | '百' | '千' | '万' | '亿'));
        if !has_unit_char
            && digit_count == 2
            && numeral
                .chars()
                .all(|ch| ZH_DIGITS.iter().any(|(d, _)| *d == ch))
        {
            // 七八千, 三四个: a range, not a figure.
            let a = zh_digit(numeral.chars().next().unwrap_or('零')).unwrap_or(0);
            let b = zh_digit(numeral.chars().nth(1).unwrap_or('零')).unwrap_or(0);
            if b == a + 1 {
                k = advance;
                continue;
            }
        }
        let Some(mut value) = parse_zh_number(&numeral) else {
            k = advance;
            continue;
        };
        let mut approx = approx_digit || ZH_APPROX_BEFORE.iter().any(|m| before.ends_with(m));
        let mut cursor = byte_at(next_k);
        // Approximation markers between the numeral and the unit (一个多小时, 十来分钟).
        let take_approx_after = |cursor: &mut usize, approx: &mut bool| {
            for mk in ZH_APPROX_AFTER {
                if text[*cursor..].starts_with(mk) {
                    *cursor += mk.len();
                    *approx = true;
                    return;
                }
            }
        };
        // Percent.
        if percent_prefix || text[cursor..].starts_with('%') || text[cursor..].starts_with('％') {
            if !percent_prefix {
                cursor += text[cursor..]
                    .chars()
                    .next()
                    .map(char::len_utf8)
                    .unwrap_or(0);
            }
            take_approx_after(&mut cursor, &mut approx);
            facts.push(fact(
                FactType::Percent,
                value,
                "%",
                text,
                start,
                cursor,
                approx,
            ));
            k = char_index(&chars, cursor);
            continue;
        }
        if text[cursor..].starts_with('成')
            && value <= 10.0
            && !text[cursor..].starts_with("成交")
            && !text[cursor..].starts_with("成功")
            && !text[cursor..].starts_with("成本")
            && !text[cursor..].starts_with("成绩")
        {
            cursor += '成'.len_utf8();
            take_approx_after(&mut cursor, &mut approx);
            facts.push(fact(
                FactType::Percent,
                value * 10.0,
                "%",
                text,
                start,
                cursor,
                approx,
            ));
            k = char_index(&chars, cursor);
            continue;
        }
        // Money: 元, 块(钱), 万(元), 美元.
        for (suffix, mult, code) in [
            ("万美元", 1e4, "USD"),
            ("美元", 1.0, "USD"),
            ("万英镑", 1e4, "GBP"),
            ("英镑", 1.0, "GBP"),
            ("万欧元", 1e4, "EUR"),
            ("欧元", 1.0, "EUR"),
            ("万元", 1e4, "CNY"),
            ("块钱", 1.0, "CNY"),
            ("块", 1.0, "CNY"),
            ("元", 1.0, "CNY"),
        ] {
            if text[cursor..].starts_with(suffix) {
                value *= mult;
                cursor += suffix.len();
                take_approx_after(&mut cursor, &mut approx);
                facts.push(fact(
                    FactType::Money,
                    value,
                    code,
                    text,
                    start,
                    cursor,
                    approx,
                ));
                k = char_index(&chars, cursor);
                break;
            }
        }
        if k >= next_k && k != start_k {
            continue;
        }
        if numeral.ends_with('万') || numeral.ends_with('亿') {
            // 85万 with no measure word after it: an amount of money in yuan.
            let after = text[cursor..].chars().next();
            if after.is_none_or(|ch| {
                !ZH_MEASURES.contains(&ch)
                    && !ZH_PEOPLE.iter().any(|p| text[cursor..].starts_with(p))
            }) {
                take_approx_after(&mut cursor, &mut approx);
                facts.push(fact(
                    FactType::Money,
                    value,
                    "CNY",
                    text,
                    start,
                    cursor,
                    approx,
                ));
                k = char_index(&chars, cursor);
                continue;
            }
        }
        take_approx_after(&mut cursor, &mut approx);
        // Durations.
        if let Some((suffix, unit)) = ZH_DURATIONS
            .iter()
            .find(|(s, _)| text[cursor..].starts_with(s))
        {
            let mut end = cursor + suffix.len();
            if suffix.contains('多') || suffix.contains('半') {
                approx = true;
            }
            let is_date = *unit == "year" && (digit_count >= 4 && !has_unit_char);
            let frequency = {
                let after = &text[end..];
                after
                    .chars()
                    .next()
                    .is_some_and(|ch| zh_digit(ch).is_some())
                    && after.chars().nth(1) == Some('次')
            };
            if is_date
                || frequency
                || text[end..].starts_with("级")
                || *unit == "week"
                    && text[end..]
                        .chars()
                        .next()
                        .is_some_and(|ch| zh_digit(ch).is_some() || ch == '末')
            {
                k = advance;
                continue;
            }
            let mut after_approx = false;
            take_approx_after(&mut end, &mut after_approx);
            if after_approx && !text[cursor + suffix.len()..].starts_with('多') {
                approx = true;
            } else if after_approx {
                // "多" right after a unit is part of the next word (多久, 多少) only rarely; keep it.
                approx = true;
            }
            facts.push(fact(
                FactType::Duration,
                value,
                unit,
                text,
                start,
                end,
                approx,
            ));
            k = char_index(&chars, end);
            continue;
        }
        // Team size.
        if let Some(p) = ZH_PEOPLE.iter().find(|p| text[cursor..].starts_with(*p)) {
            let end = cursor + p.len();
            if value >= 2.0 && !text[end..].starts_with("小组") {
                let mut end2 = end;
                take_approx_after(&mut end2, &mut approx);
                facts.push(fact(
                    FactType::TeamSize,
                    value,
                    "people",
                    text,
                    start,
                    end2,
                    approx,
                ));
                k = char_index(&chars, end2);
                continue;
            }
        }
        // Counts with a measure word: the noun after it (up to two hanzi) is the unit.
        if let Some(measure) = text[cursor..]
            .chars()
            .next()
            .filter(|ch| ZH_MEASURES.contains(ch))
        {
            let after_measure = cursor + measure.len_utf8();
            let noun: String = text[after_measure..]
                .chars()
                .take_while(|ch| crate::text::is_cjk(*ch) && !is_zh_numeral(*ch) && *ch != '的')
                .take(2)
                .collect();
            let (unit, end) = if noun.is_empty() || measure == '分' || measure == '次' {
                (measure.to_string(), after_measure)
            } else {
                (noun.clone(), after_measure + noun.len())
            };
            let mut end2 = end;
            take_approx_after(&mut end2, &mut approx);
            let trivial = value <= 1.0 && !approx;
            if trivial || text[after_measure..].starts_with('第') {
                k = advance;
                continue;
            }
            facts.push(fact(
                FactType::Number,
                value,
                &unit,
                text,
                start,
                end2,
                approx,
            ));
            k = char_index(&chars, end2).max(k + 1);
            continue;
        }
        // Arabic digits followed by a noun with no measure word (5S, 3D) are not facts.
        k = advance;
    }
    facts
}

fn char_index(chars: &[(usize, char)], byte: usize) -> usize {
    chars
        .iter()
        .position(|(b, _)| *b >= byte)
        .unwrap_or(chars.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str, language: Language) -> (FactType, f64, String, bool) {
        let facts = extract(text, language, 0);
        assert_eq!(facts.len(), 1, "{text}: {facts:?}");
        let f = &facts[0];
        (f.fact_type, f.value, f.unit.clone(), f.approx)
    }

    #[test]
    fn readme_normalisation_table() {
        use FactType::*;
        let cases: &[(&str, Language, FactType, f64, &str, bool)] = &[
            (
                "We got 35% more sign-ups.",
                Language::En,
                Percent,
                35.0,
                "%",
                false,
            ),
            (
                "转化率提高了百分之三十五。",
                Language::Zh,
                Percent,
                35.0,
                "%",
                false,
            ),
            ("成本降了三成。", Language::Zh, Percent, 30.0, "%", false),
            ("合格率九成以上。", Language::Zh, Percent, 90.0, "%", true),
            (
                "one in five users came back",
                Language::En,
                Percent,
                20.0,
                "%",
                false,
            ),
            (
                "two-thirds of the stores",
                Language::En,
                Percent,
                66.7,
                "%",
                false,
            ),
            (
                "I closed $1.34 million.",
                Language::En,
                Money,
                1_340_000.0,
                "USD",
                false,
            ),
            (
                "去年签了85万。",
                Language::Zh,
                Money,
                850_000.0,
                "CNY",
                false,
            ),
            (
                "每单便宜了五百块。",
                Language::Zh,
                Money,
                500.0,
                "CNY",
                false,
            ),
            (
                "It took six weeks.",
                Language::En,
                Duration,
                6.0,
                "week",
                false,
            ),
            (
                "连续干了四十八小时。",
                Language::Zh,
                Duration,
                48.0,
                "hour",
                false,
            ),
            (
                "latency fell to 800 milliseconds",
                Language::En,
                Duration,
                800.0,
                "millisecond",
                false,
            ),
            (
                "I managed eleven stores",
                Language::En,
                Number,
                11.0,
                "store",
                false,
            ),
            (
                "我们车间36个人。",
                Language::Zh,
                TeamSize,
                36.0,
                "people",
                false,
            ),
            (
                "roughly three engineers",
                Language::En,
                TeamSize,
                3.0,
                "people",
                true,
            ),
            ("差不多三个月吧", Language::Zh, Duration, 3.0, "month", true),
            (
                "它降到了百分之一点八。",
                Language::Zh,
                Percent,
                1.8,
                "%",
                false,
            ),
            (
                "OEE提到了百分之七十五左右",
                Language::Zh,
                Percent,
                75.0,
                "%",
                true,
            ),
            (
                "交货准时率在百分之九十八以上",
                Language::Zh,
                Percent,
                98.0,
                "%",
                true,
            ),
            (
                "下降到一个班十分钟以内",
                Language::Zh,
                Duration,
                10.0,
                "minute",
                true,
            ),
            (
                "something like $0.30 per session",
                Language::En,
                Money,
                0.3,
                "USD",
                true,
            ),
            (
                "down to under an hour a week",
                Language::En,
                Duration,
                1.0,
                "hour",
                true,
            ),
            ("百分之62的工位", Language::Zh, Percent, 62.0, "%", false),
            ("两千块", Language::Zh, Money, 2000.0, "CNY", false),
        ];
        for (text, language, t, v, unit, approx) in cases {
            let got = one(text, *language);
            assert_eq!(got, (*t, *v, unit.to_string(), *approx), "{text}");
        }
    }

    #[test]
    fn skips_times_dates_ages_ordinals_and_ranges() {
        let cases = [
            ("我六点多就出门了", "六点多"),
            ("我是二〇一〇年进的厂", "二〇一〇年"),
            ("今年四十一岁", "四十一岁"),
            ("三年级的孩子", "三年级"),
            ("外面电子厂给七八千", "七八千"),
            ("每天早上七点四十开会", "七点四十"),
            ("我们这两年一直在推", "两年"),
            ("这两块是我牵头搞的", "两块"),
            ("I was second out of fourteen reps", "second"),
            ("In 2019 we moved", "2019"),
            ("It was day-seven retention", "seven"),
            ("we went there all nine", "nine"),
        ];
        for (text, forbidden) in cases {
            let language = crate::text::detect_language(text);
            let Some(pos) = text.find(forbidden) else {
                panic!("bad case {text}");
            };
            let range = (pos, pos + forbidden.len());
            let facts = extract(text, language, 0);
            assert!(
                !facts.iter().any(|f| f.start < range.1 && range.0 < f.end),
                "{text}: {facts:?}"
            );
        }
    }

    #[test]
    fn chinese_numerals_parse() {
        for (s, v) in [
            ("三十五", 35.0),
            ("两千", 2000.0),
            ("一点八", 1.8),
            ("85万", 850_000.0),
            ("二十六", 26.0),
            ("一百零五", 105.0),
            ("十", 10.0),
            ("四百", 400.0),
        ] {
            assert_eq!(parse_zh_number(s), Some(v), "{s}");
        }
    }
}
