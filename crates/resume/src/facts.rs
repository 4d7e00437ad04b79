//! Rule-based résumé facts, for English and Chinese text.
//!
//! The rules are general patterns of how résumés are written, not tuned to any one file:
//!
//! - **Roles**: an English role phrase ends in a role noun (`manager`, `engineer`, `supervisor`,
//!   `teacher`, ...), with up to four modifiers before it (`Senior Product Manager`) and an optional
//!   `of ...` (`Head of Sales`). It counts when it starts a clause (or follows `as`, `previously`,
//!   `promoted to`, ...) or is followed by `at`/`@` and an employer; the employer is kept
//!   (`Account executive at Tillpoint`). `Role | Company` and `Company, Role` lines pair the role
//!   with a company-looking part. A Chinese role ends in a title (`经理`, `主任`, `教师`, `班长`, ...),
//!   takes up to six characters before it (`冲压车间副主任`) and keeps an organisation written right
//!   before it (`乡镇中心小学语文教师`, `Y公司 X`).
//! - **Organisations**: the named employer after `at`; capitalised names ending in a company word
//!   (`Inc`, `Bank`, `Health`, `University`, ...); Chinese names ending in `公司`, `集团`, `银行`,
//!   `小学`, `厂`, ... with at least two characters before the suffix.
//! - **Projects**: the object of a leading verb (`led`, `built`, `launched`, `owns`, ...) up to the
//!   first preposition, participle or punctuation (`Led the Patient Portal redesign`), but not a team
//!   or a budget; a product description in brackets after an employer (`(language-learning app)`);
//!   Chinese `负责/主导/参与/搭建…` followed by a span ending in `项目`, `系统`, `平台`, `产品`, ...;
//!   titles in `《…》`.
//! - **Skills**: a built-in lexicon of tools and skills in both languages; the items of a
//!   `Skills:`/`Tools:`/`技能：` line; what follows `proficient in`, `using`, `熟练使用`, `熟悉`, `掌握`.
//! - **Achievements**: clauses (split at `, ; 。 ，；`) holding a percentage, an amount of money, a
//!   multiplier, a team or headcount (`team of 12`, `车间36人`), a counted scale in Chinese (`26台冲床`)
//!   or an award (`award`, `一等奖`, `第一名`). Tenure (`3 years`, `6年`) and calendar years alone do not count.
//!
//! Each list keeps the order of first appearance, drops duplicates (case-insensitively) and holds
//! at most [`MAX_PER_KIND`] entries.

use copilot_domain::ResumeFacts;

/// The most entries kept per kind of fact.
pub const MAX_PER_KIND: usize = 20;

/// The facts the planner uses, read from résumé text.
pub fn resume_facts(text: &str) -> ResumeFacts {
    let mut facts = Collector::default();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if line.chars().any(is_cjk) {
            let chinese_orgs = chinese_organisations(line);
            chinese_roles(line, &chinese_orgs, &mut facts);
            for org in &chinese_orgs {
                facts.organisations.push(org.text.clone());
            }
            chinese_projects(line, &mut facts);
        }
        english_line(line, &mut facts);
        skill_list_line(line, &mut facts);
        lexicon_skills(line, &mut facts);
        achievements(line, &mut facts);
    }
    facts.finish()
}

#[derive(Default)]
struct Collector {
    roles: Vec<String>,
    organisations: Vec<String>,
    projects: Vec<String>,
    skills: Vec<String>,
    achievements: Vec<String>,
}

impl Collector {
    fn finish(self) -> ResumeFacts {
        ResumeFacts {
            roles: dedupe(self.roles),
            organisations: dedupe(self.organisations),
            projects: dedupe(self.projects),
            skills: dedupe(self.skills),
            achievements: dedupe(self.achievements),
        }
    }
}

fn dedupe(items: Vec<String>) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for item in items {
        let item = clean(&item);
        if item.chars().count() < 2 {
            continue;
        }
        let key = item.to_lowercase();
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        out.push(item);
        if out.len() == MAX_PER_KIND {
            break;
        }
    }
    out
}

/// Trims spaces and stray punctuation from both ends and collapses inner whitespace.
fn clean(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    collapsed
        .trim_matches(|c: char| c.is_whitespace() || ",.;:|-–—•·*、，。；：!?！？".contains(c))
        .trim()
        .to_string()
}

pub(crate) fn is_cjk(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c) || ('\u{3400}'..='\u{4DBF}').contains(&c)
}

// ---------------------------------------------------------------------------------------------
// English
// ---------------------------------------------------------------------------------------------

const ROLE_NOUNS: &[&str] = &[
    "manager",
    "engineer",
    "executive",
    "analyst",
    "supervisor",
    "teacher",
    "developer",
    "designer",
    "director",
    "lead",
    "intern",
    "consultant",
    "specialist",
    "coordinator",
    "officer",
    "representative",
    "rep",
    "associate",
    "assistant",
    "scientist",
    "architect",
    "administrator",
    "accountant",
    "head",
    "president",
    "founder",
    "co-founder",
    "owner",
    "nurse",
    "technician",
    "operator",
    "foreman",
    "principal",
    "tutor",
    "lecturer",
    "instructor",
    "researcher",
    "programmer",
    "strategist",
    "marketer",
    "recruiter",
    "agent",
    "clerk",
    "cashier",
    "buyer",
    "planner",
    "auditor",
    "editor",
    "writer",
    "advisor",
    "adviser",
    "partner",
    "chef",
    "mechanic",
    "electrician",
    "inspector",
    "controller",
    "trainee",
    "apprentice",
    "vp",
    "cto",
    "ceo",
    "cfo",
    "coo",
    "pm",
    "leader",
    "captain",
    "counsellor",
    "counselor",
    "therapist",
];

/// Words a role phrase never extends back over.
const ROLE_BREAKS: &[&str] = &[
    "a",
    "an",
    "the",
    "as",
    "and",
    "or",
    "of",
    "to",
    "for",
    "with",
    "by",
    "in",
    "on",
    "at",
    "from",
    "was",
    "were",
    "is",
    "am",
    "be",
    "been",
    "i",
    "my",
    "our",
    "we",
    "his",
    "her",
    "their",
    "its",
    "previously",
    "formerly",
    "then",
    "currently",
    "now",
    "later",
    "since",
    "became",
    "promoted",
    "joined",
    "worked",
    "working",
    "served",
    "serving",
    "years",
    "year",
    "months",
    "reporting",
    "who",
    "which",
    "that",
    "this",
    "these",
    "those",
    "other",
    "new",
    "several",
    "many",
    "both",
];

/// Words after which a role phrase counts even without an employer.
const ROLE_LEADS: &[&str] = &[
    "as",
    "previously",
    "formerly",
    "then",
    "currently",
    "now",
    "later",
    "became",
    "to",
    "and",
];

const ORG_SUFFIXES: &[&str] = &[
    "Inc",
    "Ltd",
    "LLC",
    "Corp",
    "Corporation",
    "Co",
    "Company",
    "Bank",
    "University",
    "College",
    "School",
    "Group",
    "Labs",
    "Lab",
    "Technologies",
    "Technology",
    "Systems",
    "Solutions",
    "Consulting",
    "Hospital",
    "Health",
    "Foundation",
    "Institute",
    "Agency",
    "Partners",
    "Studio",
    "Studios",
    "Capital",
    "Media",
    "Software",
    "Games",
    "Motors",
    "Airlines",
    "Academy",
    "Council",
    "Ministry",
    "Clinic",
    "Pharma",
    "Logistics",
    "Foods",
    "Energy",
    "Industries",
    "Holdings",
    "Manufacturing",
    "Insurance",
    "Bros",
    "GmbH",
    "AG",
    "SA",
    "PLC",
];

const PROJECT_VERBS: &[&str] = &[
    "led",
    "built",
    "launched",
    "shipped",
    "created",
    "designed",
    "developed",
    "owned",
    "owns",
    "own",
    "ran",
    "redesigned",
    "rebuilt",
    "delivered",
    "introduced",
    "implemented",
    "founded",
    "started",
    "established",
    "organised",
    "organized",
    "initiated",
    "migrated",
    "automated",
    "piloted",
    "spearheaded",
    "drove",
    "headed",
    "architected",
    "overhauled",
    "revamped",
    "rolled",
    "set",
];

const PROJECT_STOPS: &[&str] = &[
    "to", "for", "with", "by", "and", "that", "which", "who", "from", "in", "across", "using",
    "at", "on", "into", "of", "while", "so", "as", "than", "after", "before", "within", "over",
    "under", "through", "via", "per", "when", "where",
];

/// "-ing" words that start a clause after a project ("... using", "... reducing costs").
const PARTICIPLE_STOPS: &[&str] = &[
    "using",
    "including",
    "resulting",
    "reducing",
    "increasing",
    "improving",
    "raising",
    "cutting",
    "making",
    "helping",
    "leading",
    "enabling",
    "allowing",
    "driving",
    "generating",
    "saving",
    "growing",
    "serving",
    "covering",
    "supporting",
    "handling",
    "achieving",
    "delivering",
];

const DETERMINERS: &[&str] = &["the", "a", "an", "our", "my", "its", "their", "his", "her"];

/// Objects of a project verb that are people or money, not projects.
const NOT_PROJECTS: &[&str] = &[
    "team",
    "teams",
    "people",
    "staff",
    "engineers",
    "members",
    "reports",
    "budget",
    "accounts",
    "customers",
    "clients",
    "it",
    "them",
    "relationships",
    "sales",
    "meetings",
    "meeting",
    "workers",
    "students",
    "pupils",
    "class",
    "classes",
    "department",
    "group",
    "way",
    "effort",
    "efforts",
    "charge",
];

const PRODUCT_HEADS: &[&str] = &[
    "app",
    "apps",
    "system",
    "systems",
    "platform",
    "platforms",
    "software",
    "tool",
    "tools",
    "service",
    "services",
    "product",
    "products",
    "marketplace",
    "website",
    "game",
    "games",
    "saas",
    "device",
    "devices",
    "solution",
    "solutions",
    "portal",
    "engine",
];

/// A word of a line, with whether punctuation separates it from the previous word.
#[derive(Debug, Clone)]
struct Word<'a> {
    text: &'a str,
    lower: String,
    start: usize,
    end: usize,
    punct_before: bool,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && !is_cjk(c) || "-'&/+#".contains(c)
}

fn words(line: &str) -> Vec<Word<'_>> {
    let mut out: Vec<Word<'_>> = Vec::new();
    let mut start: Option<usize> = None;
    let mut punct = true;
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    for (index, &(position, c)) in chars.iter().enumerate() {
        // A full stop inside a word ("Node.js", "2.5") belongs to it.
        let inner_dot = c == '.'
            && start.is_some()
            && chars
                .get(index + 1)
                .is_some_and(|(_, next)| next.is_alphanumeric() && !is_cjk(*next));
        if is_word_char(c) || inner_dot {
            if start.is_none() {
                start = Some(position);
            }
        } else {
            if let Some(begin) = start.take() {
                push_word(&mut out, line, begin, position, punct);
                punct = false;
            }
            if !c.is_whitespace() {
                punct = true;
            }
        }
    }
    if let Some(begin) = start {
        push_word(&mut out, line, begin, line.len(), punct);
    }
    out
}

fn push_word<'a>(out: &mut Vec<Word<'a>>, line: &'a str, start: usize, end: usize, punct: bool) {
    let text = line[start..end].trim_matches(|c| c == '-' || c == '\'' || c == '/');
    if text.is_empty() {
        return;
    }
    let offset = line[start..end].find(text).unwrap_or(0);
    out.push(Word {
        text,
        lower: text.to_lowercase(),
        start: start + offset,
        end: start + offset + text.len(),
        punct_before: punct,
    });
}

fn is_capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(|c| c.is_uppercase())
}

fn has_inner_capital(word: &str) -> bool {
    word.chars().skip(1).any(|c| c.is_uppercase()) && word.chars().any(|c| c.is_lowercase())
}

fn english_line(line: &str, facts: &mut Collector) {
    let words = words(line);
    if words.is_empty() {
        return;
    }
    english_roles(line, &words, facts);
    english_org_names(line, &words, facts);
    english_projects(line, &words, facts);
    bracketed_products(line, facts);
}

fn english_roles(line: &str, words: &[Word<'_>], facts: &mut Collector) {
    let mut index = 0;
    while index < words.len() {
        let word = &words[index];
        if !ROLE_NOUNS.contains(&word.lower.as_str()) {
            index += 1;
            continue;
        }
        // "Head of Sales": extend over "of" and up to three words.
        let mut last = index;
        if words
            .get(index + 1)
            .is_some_and(|w| w.lower == "of" && !w.punct_before)
        {
            let mut probe = index + 2;
            while probe < words.len()
                && probe <= index + 4
                && !words[probe].punct_before
                && !ROLE_BREAKS.contains(&words[probe].lower.as_str())
                && is_capitalised(words[probe].text)
            {
                last = probe;
                probe += 1;
            }
        }
        let next = words.get(last + 1);
        let ends_well = match next {
            None => true,
            Some(next) => {
                next.punct_before
                    || [
                        "at", "@", "for", "in", "with", "since", "from", "and", "or", "to",
                    ]
                    .contains(&next.lower.as_str())
                    || next.text.chars().all(|c| c.is_ascii_digit())
            }
        };
        if !ends_well {
            index += 1;
            continue;
        }
        let mut first = index;
        while first > 0
            && index - first < 4
            && !words[first].punct_before
            && is_modifier(&words[first - 1])
        {
            first -= 1;
        }
        let before = if first == 0 || words[first].punct_before {
            None
        } else {
            Some(words[first - 1].lower.as_str())
        };
        let role = &line[words[first].start..words[last].end];
        let employer = next
            .filter(|next| !next.punct_before && (next.lower == "at" || next.text == "@"))
            .and_then(|_| employer_after(line, words, last + 2));
        let leads_clause = before.is_none_or(|before| ROLE_LEADS.contains(&before));
        match employer {
            Some((employer, named, end_index)) => {
                facts.roles.push(format!("{role} at {employer}"));
                if named {
                    facts.organisations.push(employer);
                }
                index = end_index.max(index + 1);
                continue;
            }
            None if leads_clause => {
                let paired = paired_company(line, words, first, last);
                match paired {
                    Some(company) => {
                        facts.roles.push(format!("{role} at {company}"));
                        facts.organisations.push(company);
                    }
                    None => facts.roles.push(role.to_string()),
                }
            }
            None => {}
        }
        index = last + 1;
    }
}

fn is_modifier(word: &Word<'_>) -> bool {
    !ROLE_BREAKS.contains(&word.lower.as_str())
        && !word.text.chars().any(|c| c.is_ascii_digit())
        && (!word.lower.ends_with("ed") || is_capitalised(word.text))
        && !PROJECT_VERBS.contains(&word.lower.as_str())
}

/// The employer after "at": `(text, named, index after it)`.
fn employer_after(line: &str, words: &[Word<'_>], from: usize) -> Option<(String, bool, usize)> {
    let mut index = from;
    let first_word = words.get(index)?;
    if first_word.punct_before {
        return None;
    }
    let has_determiner = ["a", "an", "the"].contains(&first_word.lower.as_str());
    if has_determiner {
        index += 1;
    }
    let start_index = index;
    let mut end_index = index;
    while end_index < words.len()
        && end_index - start_index < 5
        && (end_index == start_index || !words[end_index].punct_before)
    {
        let word = &words[end_index];
        let connector =
            ["&", "and", "of"].contains(&word.lower.as_str()) && end_index > start_index;
        if end_index > start_index && !connector && PROJECT_STOPS.contains(&word.lower.as_str()) {
            break;
        }
        if word.text.chars().all(|c| c.is_ascii_digit()) {
            break;
        }
        end_index += 1;
    }
    // Drop a trailing connector ("Smith &").
    while end_index > start_index
        && ["&", "and", "of"].contains(&words[end_index - 1].lower.as_str())
    {
        end_index -= 1;
    }
    if end_index == start_index {
        return None;
    }
    let named = !has_determiner && is_capitalised(words[start_index].text)
        || has_determiner && first_word.lower == "the" && is_capitalised(words[start_index].text);
    // A named employer stops at the first lower-case word ("Tillpoint since ...").
    if named {
        let mut stop = start_index + 1;
        while stop < end_index
            && (is_capitalised(words[stop].text)
                || ["&", "of", "and"].contains(&words[stop].lower.as_str()))
        {
            stop += 1;
        }
        end_index = stop;
    }
    let begin = if has_determiner {
        words[from].start
    } else {
        words[start_index].start
    };
    let text = line[begin..words[end_index - 1].end].to_string();
    let org = if named && has_determiner {
        line[words[start_index].start..words[end_index - 1].end].to_string()
    } else {
        text.clone()
    };
    Some((if named { org } else { text }, named, end_index))
}

/// "Senior PM | Brightwave Health" or "Brightwave Health, Senior PM": the company-looking part
/// next to a role that has no "at".
fn paired_company(line: &str, words: &[Word<'_>], first: usize, last: usize) -> Option<String> {
    let candidate = |from: usize, step_forward: bool| -> Option<String> {
        // A run of capitalised words separated from the role by punctuation.
        let mut run: Vec<&Word<'_>> = Vec::new();
        if step_forward {
            let mut index = from;
            while index < words.len() && (run.is_empty() || !words[index].punct_before) {
                run.push(&words[index]);
                index += 1;
            }
        } else {
            let mut index = from as isize;
            while index >= 0 {
                let word = &words[index as usize];
                run.insert(0, word);
                if word.punct_before {
                    break;
                }
                index -= 1;
            }
        }
        let all_capitalised = run
            .iter()
            .all(|w| is_capitalised(w.text) || ["&", "of", "and"].contains(&w.lower.as_str()));
        let company_like = run
            .iter()
            .any(|w| ORG_SUFFIXES.contains(&w.text.trim_end_matches('.')))
            || run.len() == 1 && has_inner_capital(run[0].text);
        if run.is_empty() || run.len() > 6 || !all_capitalised || !company_like {
            return None;
        }
        let start = run.first()?.start;
        let end = run.last()?.end;
        Some(line[start..end].to_string())
    };
    if words.get(last + 1).is_some_and(|w| w.punct_before)
        && let Some(company) = candidate(last + 1, true)
    {
        return Some(company);
    }
    if first > 0 && words[first].punct_before {
        return candidate(first - 1, false);
    }
    None
}

/// Capitalised names ending in a company word ("Northwind Bank", "Acme Robotics Inc").
fn english_org_names(line: &str, words: &[Word<'_>], facts: &mut Collector) {
    for (index, word) in words.iter().enumerate() {
        let bare = word.text.trim_end_matches('.');
        if !ORG_SUFFIXES.contains(&bare) || index == 0 || word.punct_before {
            continue;
        }
        // "Harbourline Software Ltd": only the last company word of a run ends the name.
        if words.get(index + 1).is_some_and(|next| {
            !next.punct_before && ORG_SUFFIXES.contains(&next.text.trim_end_matches('.'))
        }) {
            continue;
        }
        let mut first = index;
        while first > 0
            && index - first < 5
            && !words[first].punct_before
            && (is_capitalised(words[first - 1].text) || words[first - 1].text == "&")
            && !ROLE_NOUNS.contains(&words[first - 1].lower.as_str())
        {
            first -= 1;
        }
        // Skip a sentence-initial verb ("Joined Northwind Bank").
        if first < index && PROJECT_VERBS.contains(&words[first].lower.as_str()) {
            first += 1;
        }
        if ["joined", "at"].contains(&words[first].lower.as_str()) {
            first += 1;
        }
        if first < index {
            facts
                .organisations
                .push(line[words[first].start..words[index].end].to_string());
        }
    }
}

fn english_projects(line: &str, words: &[Word<'_>], facts: &mut Collector) {
    for (index, word) in words.iter().enumerate() {
        if !PROJECT_VERBS.contains(&word.lower.as_str()) {
            continue;
        }
        let mut start = index + 1;
        // Phrasal verbs: "rolled out", "set up".
        if ["rolled", "set"].contains(&word.lower.as_str()) {
            match words.get(start) {
                Some(next) if ["out", "up"].contains(&next.lower.as_str()) => start += 1,
                _ => continue,
            }
        }
        if words.get(start).is_some_and(|w| w.punct_before) {
            continue;
        }
        while words
            .get(start)
            .is_some_and(|w| DETERMINERS.contains(&w.lower.as_str()) && !w.punct_before)
        {
            start += 1;
        }
        let mut end = start;
        while end < words.len() && end - start < 6 {
            let candidate = &words[end];
            if end > index + 1 && candidate.punct_before {
                break;
            }
            // "the redesign of the mobile checkout": a lone noun takes its "of" phrase.
            let of_phrase = candidate.lower == "of" && end == start + 1;
            if of_phrase {
                end += 1;
                while words
                    .get(end)
                    .is_some_and(|w| DETERMINERS.contains(&w.lower.as_str()) && !w.punct_before)
                {
                    end += 1;
                }
                continue;
            }
            if PROJECT_STOPS.contains(&candidate.lower.as_str())
                || candidate.text.chars().all(|c| c.is_ascii_digit())
            {
                break;
            }
            let after_possessive = end > start && words[end - 1].lower.ends_with("'s");
            let verb_form = candidate.lower.ends_with("ed")
                || PARTICIPLE_STOPS.contains(&candidate.lower.as_str());
            if end > start && verb_form && !after_possessive && !is_capitalised(candidate.text) {
                break;
            }
            end += 1;
        }
        while end > start && ["of", "the", "a", "an"].contains(&words[end - 1].lower.as_str()) {
            end -= 1;
        }
        if end == start {
            continue;
        }
        let head = words[end - 1].lower.as_str();
        if NOT_PROJECTS.contains(&head) || words[start].text.chars().any(|c| c.is_ascii_digit()) {
            continue;
        }
        facts
            .projects
            .push(line[words[start].start..words[end - 1].end].to_string());
    }
}

/// "LinguaLeap (language-learning app)": a product described in brackets.
fn bracketed_products(line: &str, facts: &mut Collector) {
    let mut rest = line;
    while let Some(open) = rest.find(['(', '（']) {
        let after = &rest[open..];
        let open_len = after.chars().next().map_or(1, char::len_utf8);
        let Some(close) = after.find([')', '）']) else {
            break;
        };
        let inside = after[open_len..close].trim();
        let last = inside
            .split(|c: char| !c.is_alphanumeric())
            .rfind(|w| !w.is_empty())
            .unwrap_or("")
            .to_lowercase();
        if PRODUCT_HEADS.contains(&last.as_str()) && inside.split_whitespace().count() <= 6 {
            facts.projects.push(inside.to_string());
        }
        rest = &after[close..];
        if let Some(c) = rest.chars().next() {
            rest = &rest[c.len_utf8()..];
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Chinese
// ---------------------------------------------------------------------------------------------

/// Titles, longest first where one contains another.
const ZH_ROLE_SUFFIXES: &[&str] = &[
    "副总经理",
    "总经理",
    "护士长",
    "医药代表",
    "销售代表",
    "副总裁",
    "总裁",
    "总监",
    "车间主任",
    "班主任",
    "副主任",
    "主任",
    "经理",
    "主管",
    "工程师",
    "教师",
    "老师",
    "班长",
    "组长",
    "店长",
    "厂长",
    "科长",
    "处长",
    "部长",
    "校长",
    "院长",
    "队长",
    "负责人",
    "专员",
    "助理",
    "顾问",
    "代表",
    "设计师",
    "分析师",
    "架构师",
    "会计师",
    "会计",
    "出纳",
    "操作工",
    "技术员",
    "技师",
    "钳工",
    "焊工",
    "电工",
    "质检员",
    "销售员",
    "业务员",
    "文员",
    "护士",
    "医生",
    "讲师",
    "教练",
    "实习生",
    "合伙人",
    "创始人",
    "研究员",
    "程序员",
    "编辑",
    "律师",
    "秘书",
    "客服",
    "教研组长",
    "年级组长",
];

/// Words that, right after a title, show it is not a title ("教师资格证", "代表作").
const ZH_ROLE_NOT_BEFORE: &[&str] = &[
    "资格", "证", "节", "培训", "招聘", "作", "性", "务", "队伍", "执业",
];

const ZH_ORG_SUFFIXES: &[&str] = &[
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "公司",
    "集团",
    "银行",
    "医院",
    "大学",
    "学院",
    "中学",
    "小学",
    "幼儿园",
    "学校",
    "研究院",
    "研究所",
    "事务所",
    "保健院",
    "卫生院",
    "设计院",
    "科学院",
    "法院",
    "检察院",
    "工厂",
    "厂",
    "委员会",
    "协会",
    "基金会",
    "酒店",
    "商场",
    "超市",
];

/// Characters that end a name or title when reading backwards.
const ZH_BOUNDARY: &str = "在于任为是的和与及、，。；：:;,.（）()[]【】→->/|·•\"'“”‘’《》「」!！?？\t 入职加就从曾现至到获";

/// Characters that end an organisation name when reading backwards (fewer than for titles:
/// "华为" holds 为).
const ZH_ORG_BOUNDARY: &str = "在于任是的、，。；：:;,.（）()[]【】→->/|·•\"'“”‘’《》「」!！?？\t 入职加就从曾现至到年月日获家所";

/// Words no organisation name contains: a run holding one is a sentence, not a name.
const ZH_NOT_IN_NAME: &[&str] = &[
    "负责", "排名", "连续", "业绩", "完成", "签约", "带领", "管理", "获得", "参与", "主导", "通过",
    "成为", "之一", "我们", "团队", "服务",
];

/// Openings that make "X公司" a reference, not a name ("我们公司", "本校").
const ZH_NOT_NAME_START: &str = "我本该这那贵各全某其此";

#[derive(Debug, Clone)]
struct ChineseOrg {
    text: String,
    /// Char index just past the organisation.
    end: usize,
}

fn zh_name_char(c: char) -> bool {
    (is_cjk(c) || c.is_ascii_alphanumeric()) && !ZH_BOUNDARY.contains(c)
}

fn zh_org_char(c: char) -> bool {
    (is_cjk(c) || c.is_ascii_alphabetic()) && !ZH_ORG_BOUNDARY.contains(c)
}

fn matches_at(chars: &[char], at: usize, word: &str) -> bool {
    word.chars()
        .enumerate()
        .all(|(offset, c)| chars.get(at + offset) == Some(&c))
}

fn followed_by_any(chars: &[char], at: usize, words: &[&str]) -> bool {
    words.iter().any(|word| matches_at(chars, at, word))
}

fn chinese_organisations(line: &str) -> Vec<ChineseOrg> {
    let chars: Vec<char> = line.chars().collect();
    let mut out = Vec::new();
    let mut position = 0;
    let mut last_end = 0;
    while position < chars.len() {
        let Some(suffix) = ZH_ORG_SUFFIXES
            .iter()
            .find(|suffix| matches_at(&chars, position, suffix))
        else {
            position += 1;
            continue;
        };
        let end = position + suffix.chars().count();
        if *suffix == "厂" && followed_by_any(&chars, end, &["长", "房", "区", "家", "商"]) {
            position += 1;
            continue;
        }
        let mut start = position;
        while start > last_end && position - start < 14 && zh_org_char(chars[start - 1]) {
            start -= 1;
        }
        while start < position && ZH_NOT_NAME_START.contains(chars[start]) {
            start += 1;
        }
        let prefix: String = chars[start..position].iter().collect();
        // "20家三甲医院" counts hospitals; it names none.
        let after_number = start > 0
            && (chars[start - 1].is_ascii_digit() || "家所个名".contains(chars[start - 1]));
        let sentence = ZH_NOT_IN_NAME.iter().any(|word| prefix.contains(word));
        if position - start >= 2 && !after_number && !sentence && !inside_quotes(&chars, start) {
            out.push(ChineseOrg {
                text: chars[start..end].iter().collect(),
                end,
            });
            last_end = end;
        }
        position = end;
    }
    out
}

/// Inside 《…》, “…” or 「…」: a title or a quotation, not a name.
fn inside_quotes(chars: &[char], at: usize) -> bool {
    [('《', '》'), ('“', '”'), ('「', '」')]
        .iter()
        .any(|(open, close)| {
            let opened = chars[..at].iter().filter(|c| *c == open).count();
            let closed = chars[..at].iter().filter(|c| *c == close).count();
            opened > closed
        })
}

fn chinese_roles(line: &str, orgs: &[ChineseOrg], facts: &mut Collector) {
    let chars: Vec<char> = line.chars().collect();
    let mut position = 0;
    while position < chars.len() {
        let Some(suffix) = ZH_ROLE_SUFFIXES
            .iter()
            .filter(|suffix| matches_at(&chars, position, suffix))
            .max_by_key(|suffix| suffix.chars().count())
        else {
            position += 1;
            continue;
        };
        let end = position + suffix.chars().count();
        if followed_by_any(&chars, end, ZH_ROLE_NOT_BEFORE) || inside_quotes(&chars, position) {
            position = end;
            continue;
        }
        // An organisation that ends inside the title's reach bounds it.
        let floor = orgs
            .iter()
            .filter(|org| org.end <= position)
            .map(|org| org.end)
            .max()
            .unwrap_or(0);
        let mut start = position;
        while start > floor && position - start < 6 && zh_name_char(chars[start - 1]) {
            start -= 1;
        }
        let title: String = chars[start..end].iter().collect();
        // Keep an organisation written right before the title ("Y公司 X", "Y小学X").
        let org_before = orgs.iter().find(|org| {
            org.end <= start
                && chars[org.end..start]
                    .iter()
                    .all(|c| c.is_whitespace() || "|-–—·,，".contains(*c))
        });
        let role = match org_before {
            Some(org) if org.end == start => format!("{}{}", org.text, title),
            Some(org) => format!("{} {}", org.text, title),
            None => title,
        };
        facts.roles.push(role);
        position = end;
    }
}

const ZH_PROJECT_VERBS: &[&str] = &[
    "负责", "主导", "牵头", "参与", "搭建", "开发", "设计", "上线", "推出", "落地", "推动", "建立",
    "打造", "组织", "策划", "实施", "主持", "完成", "带领",
];

const ZH_PROJECT_HEADS: &[&str] = &[
    "项目",
    "系统",
    "平台",
    "产品",
    "小程序",
    "App",
    "APP",
    "app",
    "网站",
    "工程",
    "模块",
    "活动",
    "改造",
    "升级",
    "课题",
    "公开课",
    "课程",
    "方案",
];

fn chinese_projects(line: &str, facts: &mut Collector) {
    let chars: Vec<char> = line.chars().collect();
    let mut position = 0;
    while position < chars.len() {
        if chars[position] == '《'
            && let Some(length) = chars[position..].iter().position(|c| *c == '》')
        {
            facts
                .projects
                .push(chars[position..=position + length].iter().collect());
            position += length + 1;
            continue;
        }
        let Some(verb) = ZH_PROJECT_VERBS
            .iter()
            .find(|verb| matches_at(&chars, position, verb))
        else {
            position += 1;
            continue;
        };
        let mut start = position + verb.chars().count();
        while chars.get(start).is_some_and(|c| "了过的".contains(*c)) {
            start += 1;
        }
        let mut stop = start;
        while stop < chars.len()
            && stop - start < 20
            && !"，。；;,.、：:和及与（(\n".contains(chars[stop])
        {
            stop += 1;
        }
        let mut best_end = None;
        for at in start..stop {
            for head in ZH_PROJECT_HEADS {
                let head_end = at + head.chars().count();
                if head_end <= stop && matches_at(&chars, at, head) {
                    best_end = Some(best_end.map_or(head_end, |end: usize| end.max(head_end)));
                }
            }
        }
        if let Some(end) = best_end {
            let project: String = chars[start..end].iter().collect();
            let head_only = ZH_PROJECT_HEADS.contains(&project.as_str());
            if project.chars().count() >= 3 && !head_only {
                facts.projects.push(project);
            }
            position = end;
        } else {
            position = start.max(position + 1);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Skills
// ---------------------------------------------------------------------------------------------

/// Skills and tools recognised anywhere. Entries with a capital letter match case-sensitively.
const SKILL_LEXICON: &[&str] = &[
    "SQL",
    "Python",
    "Java",
    "JavaScript",
    "TypeScript",
    "Rust",
    "C++",
    "C#",
    "Golang",
    "Kotlin",
    "Swift",
    "Excel",
    "PowerPoint",
    "Tableau",
    "Power BI",
    "Looker",
    "Figma",
    "Axure",
    "Jira",
    "Confluence",
    "Notion",
    "Salesforce",
    "HubSpot",
    "SAP",
    "ERP",
    "CRM",
    "AutoCAD",
    "SolidWorks",
    "PLC",
    "CNC",
    "5S",
    "Six Sigma",
    "Lean",
    "Kaizen",
    "OEE",
    "TPM",
    "A/B testing",
    "Google Analytics",
    "Mixpanel",
    "Amplitude",
    "Docker",
    "Kubernetes",
    "AWS",
    "Azure",
    "GCP",
    "Git",
    "Linux",
    "React",
    "Node.js",
    "Photoshop",
    "Illustrator",
    "Scrum",
    "Agile",
    "Kanban",
    "OKR",
    "SPSS",
    "MATLAB",
    "user research",
    "usability testing",
    "data analysis",
    "project management",
    "stakeholder management",
    "negotiation",
    "cold calling",
    "account management",
    "lead generation",
    "forecasting",
    "coaching",
    "mentoring",
    "public speaking",
    "first aid",
    "forklift",
    "lesson planning",
    "classroom management",
    "product management",
    "market research",
    "customer success",
    "root cause analysis",
    "数据分析",
    "项目管理",
    "团队管理",
    "用户研究",
    "用户调研",
    "需求分析",
    "产品设计",
    "市场营销",
    "客户关系",
    "谈判",
    "精益生产",
    "安全生产",
    "六西格玛",
    "班级管理",
    "教学设计",
    "课堂管理",
    "普通话",
    "教师资格证",
    "英语",
    "质量管理",
    "成本控制",
    "设备维护",
    "生产管理",
    "现场管理",
    "沟通协调",
    "数据可视化",
    "机器学习",
    "办公软件",
    "叉车",
    "急救",
];

fn lexicon_skills(line: &str, facts: &mut Collector) {
    let lower = line.to_lowercase();
    let mut found: Vec<(usize, &str)> = Vec::new();
    for skill in SKILL_LEXICON {
        let case_sensitive = skill.chars().any(|c| c.is_uppercase());
        let (haystack, needle) = if case_sensitive {
            (line, skill.to_string())
        } else {
            (lower.as_str(), skill.to_lowercase())
        };
        let mut from = 0;
        while let Some(offset) = haystack[from..].find(&needle) {
            let at = from + offset;
            let end = at + needle.len();
            let ascii_word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
            let before = haystack[..at].chars().next_back();
            let after = haystack[end..].chars().next();
            let bounded =
                !needle.starts_with(|c: char| c.is_ascii_alphanumeric()) || !ascii_word(before);
            let bounded_end =
                !needle.ends_with(|c: char| c.is_ascii_alphanumeric()) || !ascii_word(after);
            if bounded && bounded_end {
                found.push((at, skill));
                break;
            }
            from = end;
        }
    }
    found.sort();
    facts
        .skills
        .extend(found.into_iter().map(|(_, skill)| skill.to_string()));
}

const SKILL_HEADINGS: &[&str] = &[
    "skills",
    "skill",
    "tools",
    "technologies",
    "tech stack",
    "software",
    "core skills",
    "technical skills",
    "key skills",
    "languages",
    "certifications",
    "技能",
    "专业技能",
    "工具",
    "技术栈",
    "证书",
    "语言",
    "软件",
];

/// The text without bracketed asides ("Forklift (counterbalance, reach)" → "Forklift").
fn without_brackets(text: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' | '（' => depth += 1,
            ')' | '）' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

const ZH_SKILL_VERBS: &[&str] = &[
    "熟练使用",
    "熟练掌握",
    "熟悉",
    "掌握",
    "精通",
    "擅长",
    "会使用",
];

const EN_SKILL_LEADS: &[&str] = &["proficient in", "experienced with", "skilled in", "using"];

fn skill_list_line(line: &str, facts: &mut Collector) {
    if let Some((heading, items)) = line.split_once([':', '：'])
        && SKILL_HEADINGS.contains(&heading.trim().to_lowercase().as_str())
    {
        push_skill_items(items, facts, false);
        return;
    }
    for verb in ZH_SKILL_VERBS {
        if let Some(at) = line.find(verb) {
            let rest = &line[at + verb.len()..];
            let items = rest.split(['。', '；', ';', '，']).next().unwrap_or("");
            push_skill_items(items, facts, true);
        }
    }
    let lower = line.to_lowercase();
    for lead in EN_SKILL_LEADS {
        if let Some(at) = lower.find(lead) {
            let rest = &line[at + lead.len()..];
            let items = rest.split(['.', ';', '(']).next().unwrap_or("");
            // Only capitalised names here: "using Tableau and SQL", not "using data".
            for item in items.split([',', '/']).flat_map(|i| i.split(" and ")) {
                let item = item.trim();
                let first_word = item.split_whitespace().next().unwrap_or("");
                if is_capitalised(first_word) && item.split_whitespace().count() <= 3 {
                    facts.skills.push(item.to_string());
                }
            }
        }
    }
}

fn push_skill_items(items: &str, facts: &mut Collector, chinese_verb: bool) {
    let items = without_brackets(items);
    let separators: &[char] = &[',', '，', '、', ';', '；', '|', '·', '•'];
    for item in items.split(separators) {
        let mut item = item.trim();
        for verb in ZH_SKILL_VERBS {
            item = item.strip_prefix(verb).unwrap_or(item);
        }
        let pieces: Vec<&str> = if chinese_verb || item.chars().any(is_cjk) {
            item.split(['和', '及']).collect()
        } else {
            item.split(" and ").collect()
        };
        for piece in pieces {
            let piece = piece.trim().trim_end_matches(['等', '.', '。']).trim();
            let too_long = piece.split_whitespace().count() > 4 || piece.chars().count() > 30;
            if !piece.is_empty() && !too_long {
                facts.skills.push(piece.to_string());
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Achievements
// ---------------------------------------------------------------------------------------------

const HEADCOUNT_WORDS: &[&str] = &[
    "people",
    "engineers",
    "staff",
    "reports",
    "direct reports",
    "workers",
    "employees",
    "members",
    "teachers",
    "students",
    "pupils",
    "stores",
    "clients",
    "customers",
    "accounts",
    "operators",
    "technicians",
    "designers",
    "developers",
    "agents",
    "reps",
    "salespeople",
    "users",
    "schools",
    "sites",
    "machines",
    "lines",
    "operatives",
    "nurses",
    "drivers",
];

const MONEY_WORDS: &[&str] = &[
    "k", "m", "bn", "million", "billion", "thousand", "usd", "rmb", "eur", "gbp", "dollars",
    "euros", "pounds", "yuan",
];

const AWARD_WORDS: &[&str] = &[
    "award",
    "awarded",
    "prize",
    "winner",
    "won",
    "first place",
    "top performer",
    "ranked",
    "employee of the",
    "president's club",
    "honour",
    "honor",
    "medal",
];

const ZH_AWARD_WORDS: &[&str] = &[
    "一等奖",
    "二等奖",
    "三等奖",
    "特等奖",
    "冠军",
    "亚军",
    "季军",
    "第一名",
    "第二名",
    "第三名",
    "优秀",
    "标兵",
    "先进",
    "荣誉",
    "称号",
    "金奖",
    "银奖",
    "铜奖",
];

const ZH_COUNTERS: &[char] = &[
    '人', '名', '位', '台', '家', '所', '项', '个', '条', '款', '倍', '万', '亿', '元',
];

const GROWTH_VERBS: &[&str] = &[
    "increased",
    "raised",
    "reduced",
    "cut",
    "grew",
    "improved",
    "saved",
    "boosted",
    "lifted",
    "doubled",
    "tripled",
    "halved",
    "exceeded",
    "lowered",
    "decreased",
];

const ZH_GROWTH_VERBS: &[&str] = &[
    "提升", "提高", "增长", "降低", "减少", "节省", "缩短", "翻番", "翻倍", "超额",
];

fn clauses(line: &str) -> Vec<&str> {
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let mut out = Vec::new();
    let mut start = 0;
    for (index, &(position, c)) in chars.iter().enumerate() {
        let next_is_digit = chars
            .get(index + 1)
            .is_some_and(|(_, n)| n.is_ascii_digit());
        let prev_is_digit = index > 0 && chars[index - 1].1.is_ascii_digit();
        let split = match c {
            ';' | '；' | '。' | '，' | '!' | '！' | '?' | '？' | '\n' => true,
            '.' | ',' => !(prev_is_digit && next_is_digit),
            _ => false,
        };
        if split {
            out.push(&line[start..position]);
            start = position + c.len_utf8();
        }
    }
    out.push(&line[start..]);
    out.into_iter()
        .map(str::trim)
        .filter(|clause| !clause.is_empty())
        .collect()
}

fn achievements(line: &str, facts: &mut Collector) {
    for clause in clauses(line) {
        if is_quantified(clause) {
            facts.achievements.push(shorten(clause));
        }
    }
}

fn is_quantified(clause: &str) -> bool {
    let lower = clause.to_lowercase();
    let words = words(&lower);
    let chars: Vec<char> = clause.chars().collect();
    let has_digit = chars.iter().any(char::is_ascii_digit);
    if lower.contains('%') && has_digit
        || lower.contains("percent")
        || lower.contains("per cent")
        || clause.contains("百分之")
    {
        return true;
    }
    // Money: a currency sign before a digit, or a digit followed by an amount word.
    for (index, c) in chars.iter().enumerate() {
        if "$€£¥".contains(*c) && chars.get(index + 1).is_some_and(char::is_ascii_digit) {
            return true;
        }
    }
    for (index, word) in words.iter().enumerate() {
        let number = word.text.trim_end_matches(['k', 'm', 'x']);
        let numeric = !number.is_empty()
            && number
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == ',');
        if !numeric {
            continue;
        }
        let suffix = &word.text[number.len()..];
        if suffix == "x" || (suffix == "k" || suffix == "m") && index > 0 {
            return true;
        }
        if let Some(next) = words.get(index + 1)
            && !next.punct_before
        {
            if MONEY_WORDS.contains(&next.text) || HEADCOUNT_WORDS.contains(&next.text) {
                return true;
            }
            // "28 warehouse operatives", "12 direct reports".
            if words.get(index + 2).is_some_and(|after| {
                !after.punct_before && HEADCOUNT_WORDS.contains(&after.text)
                    || HEADCOUNT_WORDS.contains(&format!("{} {}", next.text, after.text).as_str())
            }) {
                return true;
            }
        }
        if index >= 2
            && words[index - 1].text == "of"
            && ["team", "staff", "crew", "group"].contains(&words[index - 2].text)
        {
            return true;
        }
    }
    if has_digit && words.iter().any(|w| GROWTH_VERBS.contains(&w.text)) {
        return true;
    }
    if ["doubled", "tripled", "halved"]
        .iter()
        .any(|w| words.iter().any(|x| x.text == *w))
    {
        return true;
    }
    let padded = format!(" {lower} ");
    if AWARD_WORDS.iter().any(|award| {
        padded.contains(&format!(" {award} "))
            || padded.contains(&format!(" {award}")) && award.contains(' ')
    }) {
        return true;
    }
    // Chinese: a number with a counter ("36人", "26台"), a growth verb with a number, an award.
    for (index, c) in chars.iter().enumerate() {
        if c.is_ascii_digit()
            && let Some(next) = chars.get(index + 1)
            && ZH_COUNTERS.contains(next)
        {
            // "5个月" is tenure, not scale.
            if *next == '个' && chars.get(index + 2) == Some(&'月') {
                continue;
            }
            return true;
        }
    }
    if has_digit && ZH_GROWTH_VERBS.iter().any(|verb| clause.contains(verb)) {
        return true;
    }
    ZH_AWARD_WORDS.iter().any(|award| clause.contains(award))
        || ["翻番", "翻倍"].iter().any(|word| clause.contains(word))
}

/// Keeps long clauses readable: at most 16 words or 40 Chinese characters.
fn shorten(clause: &str) -> String {
    let cleaned = clean(clause);
    if cleaned.chars().any(is_cjk) {
        let chars: Vec<char> = cleaned.chars().collect();
        if chars.len() > 40 {
            return chars[..40].iter().collect::<String>() + "…";
        }
        return cleaned;
    }
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    if words.len() > 16 {
        return words[..16].join(" ") + " …";
    }
    cleaned
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clauses_keep_decimals_and_thousands() {
        assert_eq!(
            clauses("grew revenue 2.5x to $1,200,000; team of 8"),
            vec!["grew revenue 2.5x to $1,200,000", "team of 8"]
        );
    }

    #[test]
    fn tenure_alone_is_not_an_achievement() {
        assert!(!is_quantified("3 years"));
        assert!(!is_quantified("2019-2024"));
        assert!(!is_quantified("班主任4年"));
        assert!(is_quantified("122% of quota last year"));
        assert!(is_quantified("车间36人、26台冲床"));
        assert!(is_quantified("managed a team of 12"));
    }

    #[test]
    fn chinese_title_is_bounded_by_the_school_before_it() {
        let facts = resume_facts("乡镇中心小学语文教师6年");
        assert_eq!(facts.organisations, vec!["乡镇中心小学"]);
        assert_eq!(facts.roles, vec!["乡镇中心小学语文教师"]);
    }
}
