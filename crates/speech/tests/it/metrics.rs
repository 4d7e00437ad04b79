//! Word and character error rates with a documented normalisation.
//!
//! English: lowercase; `%` -> "percent"; `$N` -> "N dollars"; digits (with thousands commas and decimals)
//! spelled out ("24,000" -> "twenty four thousand", "1.1" -> "one point one"); hyphens become spaces;
//! other punctuation and apostrophes removed. The reference is the text that was spoken (`tts_text` when
//! present). Chinese: punctuation and whitespace removed, compared character by character.

const ONES: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const TENS: [&str; 10] = [
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

fn below_thousand(n: u64, out: &mut Vec<String>) {
    if n >= 100 {
        out.push(ONES[(n / 100) as usize].into());
        out.push("hundred".into());
        if !n.is_multiple_of(100) {
            below_thousand(n % 100, out);
        }
    } else if n >= 20 {
        out.push(TENS[(n / 10) as usize].into());
        if !n.is_multiple_of(10) {
            out.push(ONES[(n % 10) as usize].into());
        }
    } else {
        out.push(ONES[n as usize].into());
    }
}

pub fn number_words(n: u64) -> Vec<String> {
    if n == 0 {
        return vec!["zero".into()];
    }
    let mut out = Vec::new();
    for (scale, name) in [
        (1_000_000_000, "billion"),
        (1_000_000, "million"),
        (1_000, "thousand"),
    ] {
        if !(n / scale).is_multiple_of(1000) && n >= scale {
            below_thousand(n / scale % 1000, &mut out);
            out.push(name.into());
        }
    }
    if !n.is_multiple_of(1000) {
        below_thousand(n % 1000, &mut out);
    }
    out
}

/// Normalised English words.
pub fn normalise_en(text: &str) -> Vec<String> {
    let lower = text
        .to_lowercase()
        .replace('%', " percent ")
        .replace(['-', '–', '—', '/'], " ");
    let mut words = Vec::new();
    for raw in lower.split_whitespace() {
        let dollars = raw.starts_with('$');
        let token: String = raw.trim_matches(|c: char| !c.is_alphanumeric()).to_string();
        let compact = token.replace(',', "");
        if !compact.is_empty() && compact.chars().all(|c| c.is_ascii_digit() || c == '.') {
            let mut parts = compact.splitn(2, '.');
            let whole = parts.next().unwrap_or("");
            if let Ok(n) = whole.parse::<u64>() {
                words.extend(number_words(n));
            }
            if let Some(frac) = parts.next().filter(|f| !f.is_empty()) {
                words.push("point".into());
                for d in frac.chars().filter_map(|c| c.to_digit(10)) {
                    words.push(ONES[d as usize].into());
                }
            }
            if dollars {
                words.push("dollars".into());
            }
            continue;
        }
        let word: String = token.chars().filter(|c| c.is_alphanumeric()).collect();
        if !word.is_empty() {
            words.push(word);
        }
    }
    // "$1.1 million" -> "one point one dollars million": move "dollars" after a following scale word.
    let mut i = 0;
    while i + 1 < words.len() {
        if words[i] == "dollars"
            && matches!(words[i + 1].as_str(), "thousand" | "million" | "billion")
        {
            words.swap(i, i + 1);
        }
        i += 1;
    }
    words
}

/// Chinese characters (and other letters/digits) without punctuation or spaces.
pub fn normalise_zh(text: &str) -> Vec<String> {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .map(|c| c.to_lowercase().to_string())
        .collect()
}

pub fn edit_distance(reference: &[String], hypothesis: &[String]) -> usize {
    let mut prev: Vec<usize> = (0..=hypothesis.len()).collect();
    for (i, r) in reference.iter().enumerate() {
        let mut row = vec![i + 1; hypothesis.len() + 1];
        for (j, h) in hypothesis.iter().enumerate() {
            row[j + 1] = (prev[j] + usize::from(r != h))
                .min(prev[j + 1] + 1)
                .min(row[j] + 1);
        }
        prev = row;
    }
    prev[hypothesis.len()]
}

pub fn error_rate(reference: &[String], hypothesis: &[String]) -> f64 {
    edit_distance(reference, hypothesis) as f64 / reference.len().max(1) as f64
}

#[test]
fn normalisation_spells_numbers_and_drops_punctuation() {
    assert_eq!(
        normalise_en("I sold $24,000 - 62% of it!").join(" "),
        "i sold twenty four thousand dollars sixty two percent of it"
    );
    assert_eq!(
        normalise_en("twenty-five minutes").join(" "),
        "twenty five minutes"
    );
    assert_eq!(
        normalise_en("$1.1 million").join(" "),
        "one point one million dollars"
    );
    assert_eq!(
        normalise_en("It's 2,305.").join(" "),
        "its two thousand three hundred five"
    );
    assert_eq!(normalise_zh("我们，做到了！ OK").join(""), "我们做到了ok");
    let r = normalise_en("a b c d");
    assert_eq!(error_rate(&r, &normalise_en("a x c")), 0.5);
}
