//! The flat, denormalised table that CSV and XLSX files hold: one row per question, the job and
//! competency columns repeated on every row of that job and competency.
//!
//! Readers turn a file into [`SheetRow`]s (non-empty cells only, with their file column), then
//! [`table_to_jobs`] does the rest; writers get a [`Table`] from [`jobs_to_table`].

use std::collections::HashMap;

use copilot_domain::{
    Anchor, Bilingual, Competency, Difficulty, JOB_SCHEMA_ID, JobDefinition, Keywords, Question,
};

use crate::BankError;
use crate::error::Problems;

/// The columns of the table, in the order export writes them.
pub const COLUMNS: [&str; 32] = [
    "job_id",
    "job_title_en",
    "job_title_zh",
    "job_summary_en",
    "job_summary_zh",
    "competency_id",
    "competency_name_en",
    "competency_name_zh",
    "weight",
    "description_en",
    "description_zh",
    "anchor_1_en",
    "anchor_1_zh",
    "anchor_2_en",
    "anchor_2_zh",
    "anchor_3_en",
    "anchor_3_zh",
    "anchor_4_en",
    "anchor_4_zh",
    "anchor_5_en",
    "anchor_5_zh",
    "keywords_en",
    "keywords_zh",
    "examples_en",
    "examples_zh",
    "question_id",
    "question_en",
    "question_zh",
    "difficulty",
    "follow_ups_en",
    "follow_ups_zh",
    // The fixture-set tag (`dev`, `heldout`); written only when a job has one.
    "job_set",
];

const JOB_ID: usize = 0;
const JOB_TITLE_EN: usize = 1;
const JOB_TITLE_ZH: usize = 2;
const JOB_SUMMARY_EN: usize = 3;
const JOB_SUMMARY_ZH: usize = 4;
const COMPETENCY_ID: usize = 5;
const COMPETENCY_NAME_EN: usize = 6;
const COMPETENCY_NAME_ZH: usize = 7;
const WEIGHT: usize = 8;
const DESCRIPTION_EN: usize = 9;
const DESCRIPTION_ZH: usize = 10;
const ANCHOR_1_EN: usize = 11;
const KEYWORDS_EN: usize = 21;
const KEYWORDS_ZH: usize = 22;
const EXAMPLES_EN: usize = 23;
const EXAMPLES_ZH: usize = 24;
const QUESTION_ID: usize = 25;
const QUESTION_EN: usize = 26;
const QUESTION_ZH: usize = 27;
const DIFFICULTY: usize = 28;
const FOLLOW_UPS_EN: usize = 29;
const FOLLOW_UPS_ZH: usize = 30;
const JOB_SET: usize = 31;

const OPTIONAL_COLUMNS: [usize; 6] = [
    EXAMPLES_EN,
    EXAMPLES_ZH,
    DIFFICULTY,
    FOLLOW_UPS_EN,
    FOLLOW_UPS_ZH,
    JOB_SET,
];
/// Columns that hold the job: equal on every row of a job.
const JOB_COLUMNS: [usize; 5] = [
    JOB_TITLE_EN,
    JOB_TITLE_ZH,
    JOB_SUMMARY_EN,
    JOB_SUMMARY_ZH,
    JOB_SET,
];
/// Columns that hold the competency (after its id): equal on every row of a competency.
const COMPETENCY_COLUMNS: std::ops::RangeInclusive<usize> = COMPETENCY_NAME_EN..=EXAMPLES_ZH;
const QUESTION_COLUMNS: std::ops::RangeInclusive<usize> = QUESTION_ID..=FOLLOW_UPS_ZH;

fn anchor_column(level: u8, zh: bool) -> usize {
    ANCHOR_1_EN + 2 * (usize::from(level) - 1) + usize::from(zh)
}

/// One cell as a reader found it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Text(String),
    Number(f64),
}

impl Cell {
    fn is_blank(&self) -> bool {
        matches!(self, Cell::Text(text) if text.trim().is_empty())
    }
}

/// One row of a file: its 1-based row number and its non-empty cells by 0-based file column.
#[derive(Debug, Clone)]
pub(crate) struct SheetRow {
    pub number: u64,
    pub cells: Vec<(usize, Cell)>,
}

/// What an exporter writes: the header, then one row per question.
pub(crate) struct Table {
    pub header: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

/// Spreadsheet column letters: 0 is A, 25 is Z, 26 is AA.
pub(crate) fn column_letter(index: usize) -> String {
    let mut letters = Vec::new();
    let mut n = index + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Cells: formula neutralisation and lists.

/// What a spreadsheet could take as the start of a formula.
fn starts_dangerously(text: &str) -> bool {
    text.trim_start_matches('\'')
        .starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Prefixes a `'` to a cell a spreadsheet could run as a formula (also to one that already starts
/// with quotes before such a character, so [`unprotect`] gives back exactly the original).
pub(crate) fn protect(text: &str) -> String {
    if starts_dangerously(text) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// Strips the one `'` that [`protect`] added.
pub(crate) fn unprotect(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if starts_dangerously(text) => rest,
        _ => text,
    }
}

const LIST_SEPARATORS: [char; 2] = [';', '；'];

/// Joins list items with `; `, escaping separators and backslashes inside items with `\`.
fn join_list(items: &[String]) -> String {
    items
        .iter()
        .map(|item| {
            let mut escaped = String::with_capacity(item.len());
            for c in item.chars() {
                if c == '\\' || LIST_SEPARATORS.contains(&c) {
                    escaped.push('\\');
                }
                escaped.push(c);
            }
            escaped
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Splits a list cell on `;` or `；` (not on escaped ones), trimming items. A blank cell is no items.
fn split_list(cell: &str) -> Vec<String> {
    if cell.trim().is_empty() {
        return Vec::new();
    }
    let mut items = Vec::new();
    let mut current = String::new();
    let mut chars = cell.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars
                .peek()
                .is_some_and(|next| *next == '\\' || LIST_SEPARATORS.contains(next)) =>
            {
                current.extend(chars.next());
            }
            c if LIST_SEPARATORS.contains(&c) => {
                items.push(current.trim().to_string());
                current.clear();
            }
            c => current.push(c),
        }
    }
    items.push(current.trim().to_string());
    items
}

fn number_text(value: f64) -> String {
    if value.is_finite() && value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}

/// A value for a message: quoted, shortened.
fn quoted(text: &str) -> String {
    const MAX: usize = 60;
    if text.chars().count() > MAX {
        let short: String = text.chars().take(MAX).collect();
        format!("{short:?}…")
    } else {
        format!("{text:?}")
    }
}

// ---------------------------------------------------------------------------------------------
// Export.

pub(crate) fn jobs_to_table(jobs: &[JobDefinition]) -> Table {
    let with_set = jobs.iter().any(|job| job.set.is_some());
    let width = if with_set {
        COLUMNS.len()
    } else {
        COLUMNS.len() - 1
    };
    let header = COLUMNS[..width].to_vec();
    let mut rows = Vec::new();
    for job in jobs {
        let mut written_competencies = Vec::new();
        for question in &job.questions {
            let competency = job.competency(&question.competency);
            let mut row = job_cells(job, width);
            match competency {
                Some(c) => {
                    competency_cells(&mut row, c);
                    written_competencies.push(c.id.as_str());
                }
                None => row[COMPETENCY_ID] = text_cell(&question.competency),
            }
            question_cells(&mut row, question);
            rows.push(row);
        }
        // Rows without a question keep what a question row cannot carry: competencies without
        // questions and jobs without either (neither is valid, but export loses nothing).
        for c in &job.competencies {
            if !written_competencies.contains(&c.id.as_str()) {
                let mut row = job_cells(job, width);
                competency_cells(&mut row, c);
                rows.push(row);
            }
        }
        if job.questions.is_empty() && job.competencies.is_empty() {
            rows.push(job_cells(job, width));
        }
    }
    Table { header, rows }
}

fn text_cell(text: &str) -> Cell {
    Cell::Text(protect(text))
}

fn list_cell(items: &[String]) -> Cell {
    Cell::Text(protect(&join_list(items)))
}

fn job_cells(job: &JobDefinition, width: usize) -> Vec<Cell> {
    let mut row = vec![Cell::Text(String::new()); width];
    row[JOB_ID] = text_cell(&job.id);
    row[JOB_TITLE_EN] = text_cell(&job.title.en);
    row[JOB_TITLE_ZH] = text_cell(&job.title.zh);
    row[JOB_SUMMARY_EN] = text_cell(&job.summary.en);
    row[JOB_SUMMARY_ZH] = text_cell(&job.summary.zh);
    if width > JOB_SET {
        row[JOB_SET] = text_cell(job.set.as_deref().unwrap_or_default());
    }
    row
}

fn competency_cells(row: &mut [Cell], c: &Competency) {
    row[COMPETENCY_ID] = text_cell(&c.id);
    row[COMPETENCY_NAME_EN] = text_cell(&c.name.en);
    row[COMPETENCY_NAME_ZH] = text_cell(&c.name.zh);
    row[WEIGHT] = Cell::Number(c.weight);
    row[DESCRIPTION_EN] = text_cell(&c.description.en);
    row[DESCRIPTION_ZH] = text_cell(&c.description.zh);
    for anchor in &c.anchors {
        if (1..=5).contains(&anchor.level) {
            row[anchor_column(anchor.level, false)] = text_cell(&anchor.en);
            row[anchor_column(anchor.level, true)] = text_cell(&anchor.zh);
        }
    }
    row[KEYWORDS_EN] = list_cell(&c.keywords.en);
    row[KEYWORDS_ZH] = list_cell(&c.keywords.zh);
    if let Some(examples) = &c.examples {
        row[EXAMPLES_EN] = list_cell(&examples.en);
        row[EXAMPLES_ZH] = list_cell(&examples.zh);
    }
}

fn question_cells(row: &mut [Cell], q: &Question) {
    row[QUESTION_ID] = text_cell(&q.id);
    row[QUESTION_EN] = text_cell(&q.en);
    row[QUESTION_ZH] = text_cell(&q.zh);
    row[DIFFICULTY] = text_cell(q.difficulty.map(Difficulty::as_str).unwrap_or_default());
    let en: Vec<String> = q.follow_ups.iter().map(|f| f.en.clone()).collect();
    let zh: Vec<String> = q.follow_ups.iter().map(|f| f.zh.clone()).collect();
    row[FOLLOW_UPS_EN] = list_cell(&en);
    row[FOLLOW_UPS_ZH] = list_cell(&zh);
}

/// Checks that the table export can round-trip every job: anchors must have levels 1 to 5, one
/// each (the table has one pair of columns per level).
pub(crate) fn check_exportable(jobs: &[JobDefinition]) -> Result<(), String> {
    for job in jobs {
        for c in &job.competencies {
            let mut levels: Vec<u8> = c.anchors.iter().map(|a| a.level).collect();
            levels.sort_unstable();
            levels.dedup();
            if levels.len() != c.anchors.len() || levels.iter().any(|l| !(1..=5).contains(l)) {
                return Err(format!(
                    "job \"{}\", competency \"{}\": the table has one anchor per level 1-5, and this \
                     competency's anchor levels are {:?}; fix the anchors or export as JSON",
                    job.id,
                    c.id,
                    c.anchors.iter().map(|a| a.level).collect::<Vec<_>>()
                ));
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Import.

/// Where each known column sits in the file.
struct Header {
    positions: [Option<usize>; COLUMNS.len()],
    row_number: u64,
}

fn read_header(row: &SheetRow, problems: &mut Problems) -> Option<Header> {
    let mut positions = [None; COLUMNS.len()];
    let mut unknown = Vec::new();
    let mut duplicates = Vec::new();
    for (file_column, cell) in &row.cells {
        let given = match cell {
            Cell::Text(text) => text.trim().to_string(),
            Cell::Number(n) => number_text(*n),
        };
        let name = given.to_lowercase();
        if name.is_empty() {
            continue;
        }
        match COLUMNS.iter().position(|known| *known == name) {
            Some(k) if positions[k].is_some() => duplicates.push(name),
            Some(k) => positions[k] = Some(*file_column),
            None => unknown.push(format!("{given:?} ({})", column_letter(*file_column))),
        }
    }
    let at = format!("row {} (the header)", row.number);
    if !unknown.is_empty() {
        problems.add(
            &at,
            format!(
                "unknown columns {}: rename them to columns of the bank format ({}) or delete them",
                unknown.join(", "),
                COLUMNS.join(", ")
            ),
        );
    }
    if !duplicates.is_empty() {
        problems.add(
            &at,
            format!(
                "columns given more than once: {}: keep one of each",
                duplicates.join(", ")
            ),
        );
    }
    let missing: Vec<&str> = (0..COLUMNS.len())
        .filter(|k| positions[*k].is_none() && !OPTIONAL_COLUMNS.contains(k))
        .map(|k| COLUMNS[k])
        .collect();
    if !missing.is_empty() {
        problems.add(
            &at,
            format!(
                "missing required columns: {}: add them (export any job to get a template)",
                missing.join(", ")
            ),
        );
    }
    if unknown.is_empty() && duplicates.is_empty() && missing.is_empty() {
        Some(Header {
            positions,
            row_number: row.number,
        })
    } else {
        None
    }
}

/// One data row, cells looked up by known column.
struct Row<'a> {
    number: u64,
    cells: [Option<&'a Cell>; COLUMNS.len()],
}

impl Row<'_> {
    fn text(&self, column: usize) -> String {
        match self.cells[column] {
            None => String::new(),
            Some(Cell::Text(text)) => unprotect(text).to_string(),
            Some(Cell::Number(n)) => number_text(*n),
        }
    }

    fn id(&self, column: usize) -> String {
        self.text(column).trim().to_string()
    }

    fn has_any(&self, columns: impl IntoIterator<Item = usize>) -> bool {
        columns
            .into_iter()
            .any(|k| self.cells[k].is_some_and(|cell| !cell.is_blank()))
    }

    /// The value compared between rows of one job or competency.
    fn comparable(&self, column: usize) -> String {
        if column == WEIGHT
            && let Ok(weight) = self.weight()
        {
            return format!("{weight}");
        }
        self.text(column)
    }

    fn weight(&self) -> Result<f64, String> {
        let text = match self.cells[WEIGHT] {
            Some(Cell::Number(n)) => return Ok(*n),
            Some(Cell::Text(text)) => unprotect(text).trim().to_string(),
            None => String::new(),
        };
        if text.is_empty() {
            return Err("the weight is empty: give a number between 0 and 1, e.g. 0.25".into());
        }
        let (number, scale) = match text.strip_suffix('%') {
            Some(percent) => (percent.trim().to_string(), 100.0),
            None => (text.clone(), 1.0),
        };
        let number = if number.contains('.') {
            number
        } else {
            number.replace(',', ".")
        };
        match number.parse::<f64>() {
            Ok(value) if value.is_finite() => Ok(value / scale),
            _ => Err(format!(
                "{} is not a number: give the weight as a number between 0 and 1, e.g. 0.25",
                quoted(&text)
            )),
        }
    }
}

/// Where a job's parts came from, to put row numbers on its validation problems.
struct JobDraft {
    job: JobDefinition,
    first_row: u64,
    last_row: u64,
    /// Values of [`JOB_COLUMNS`] on the first row.
    job_values: Vec<String>,
    /// Per competency: its first row and the values of [`COMPETENCY_COLUMNS`] there.
    competencies: Vec<(u64, Vec<String>)>,
    question_rows: Vec<u64>,
    problem_count: usize,
}

pub(crate) fn table_to_jobs(
    file: &str,
    rows: &[SheetRow],
) -> Result<Vec<JobDefinition>, BankError> {
    let mut problems = Problems::new(file);
    let data_rows: Vec<&SheetRow> = rows
        .iter()
        .filter(|row| row.cells.iter().any(|(_, cell)| !cell.is_blank()))
        .collect();
    let Some((header_row, data_rows)) = data_rows.split_first() else {
        problems.add(
            "row 1",
            "the table is empty: the first row must hold the column names (export any job to get \
             a template)",
        );
        return problems.into_result().map(|()| Vec::new());
    };
    let Some(header) = read_header(header_row, &mut problems) else {
        return problems.into_result().map(|()| Vec::new());
    };

    let mut column_names: HashMap<usize, &str> = HashMap::new();
    for (k, position) in header.positions.iter().enumerate() {
        if let Some(file_column) = position {
            column_names.insert(*file_column, COLUMNS[k]);
        }
    }

    let mut drafts: Vec<JobDraft> = Vec::new();
    for sheet_row in data_rows {
        let mut cells = [None; COLUMNS.len()];
        for (file_column, cell) in &sheet_row.cells {
            match header
                .positions
                .iter()
                .position(|p| *p == Some(*file_column))
            {
                Some(k) => cells[k] = Some(cell),
                None if !cell.is_blank() => problems.add(
                    format!(
                        "row {}, column {}",
                        sheet_row.number,
                        column_letter(*file_column)
                    ),
                    format!(
                        "a value in a column without a name in the header (row {}): give the \
                         column a name or delete the value",
                        header.row_number
                    ),
                ),
                None => {}
            }
        }
        let row = Row {
            number: sheet_row.number,
            cells,
        };
        read_row(&row, &mut drafts, &mut problems);
    }

    let mut jobs = Vec::with_capacity(drafts.len());
    for draft in drafts {
        if draft.problem_count == 0 {
            for issue in draft.job.validate() {
                let (row, column) = locate_issue(&issue.path, &draft);
                let at = match (row, column) {
                    (Some(row), Some(column)) => format!("row {row}, column {column}"),
                    (Some(row), None) => format!("row {row}"),
                    _ => format!(
                        "job {:?} (rows {}-{})",
                        draft.job.id, draft.first_row, draft.last_row
                    ),
                };
                problems.add(at, crate::explain(&issue));
            }
        }
        jobs.push(draft.job);
    }
    problems.into_result().map(|()| jobs)
}

/// Adds one data row to its job (creating job and competency on their first row).
fn read_row(row: &Row<'_>, drafts: &mut Vec<JobDraft>, problems: &mut Problems) {
    let before = problems.len();
    let at = |column: usize| format!("row {}, column {}", row.number, COLUMNS[column]);

    let job_id = row.id(JOB_ID);
    if job_id.is_empty() {
        problems.add(
            at(JOB_ID),
            "the job id is empty: every row needs the id of its job",
        );
        return;
    }
    let draft_index = match drafts.iter().position(|d| d.job.id == job_id) {
        Some(index) => {
            let draft = &mut drafts[index];
            for (i, column) in JOB_COLUMNS.iter().enumerate() {
                let value = row.text(*column);
                if value != draft.job_values[i] {
                    problems.add(
                        at(*column),
                        format!(
                            "{} differs from row {} ({}) of job {job_id:?}: make every row of a \
                             job agree",
                            quoted(&value),
                            draft.first_row,
                            quoted(&draft.job_values[i])
                        ),
                    );
                }
            }
            index
        }
        None => {
            let set = row.id(JOB_SET);
            drafts.push(JobDraft {
                job: JobDefinition {
                    schema: JOB_SCHEMA_ID.to_string(),
                    set: (!set.is_empty()).then_some(set),
                    id: job_id.clone(),
                    title: Bilingual::new(row.text(JOB_TITLE_EN), row.text(JOB_TITLE_ZH)),
                    summary: Bilingual::new(row.text(JOB_SUMMARY_EN), row.text(JOB_SUMMARY_ZH)),
                    competencies: Vec::new(),
                    questions: Vec::new(),
                },
                first_row: row.number,
                last_row: row.number,
                job_values: JOB_COLUMNS.iter().map(|c| row.text(*c)).collect(),
                competencies: Vec::new(),
                question_rows: Vec::new(),
                problem_count: 0,
            });
            drafts.len() - 1
        }
    };
    let draft = &mut drafts[draft_index];
    draft.last_row = row.number;

    let competency_id = row.id(COMPETENCY_ID);
    if competency_id.is_empty() {
        if row.has_any(COMPETENCY_COLUMNS.chain(QUESTION_COLUMNS)) {
            problems.add(
                at(COMPETENCY_ID),
                "the competency id is empty: every question row needs the id of its competency",
            );
        }
        draft.problem_count += problems.len() - before;
        return;
    }
    match draft
        .job
        .competencies
        .iter()
        .position(|c| c.id == competency_id)
    {
        Some(index) => {
            let (first_row, values) = &draft.competencies[index];
            for (i, column) in COMPETENCY_COLUMNS.enumerate() {
                let value = row.comparable(column);
                if value != values[i] {
                    problems.add(
                        at(column),
                        format!(
                            "{} differs from row {first_row} ({}) of competency \
                             {competency_id:?}: make every row of a competency agree",
                            quoted(&value),
                            quoted(&values[i])
                        ),
                    );
                }
            }
        }
        None => {
            let competency = read_competency(row, competency_id, problems);
            draft.job.competencies.push(competency);
            draft.competencies.push((
                row.number,
                COMPETENCY_COLUMNS.map(|c| row.comparable(c)).collect(),
            ));
        }
    }

    let question_id = row.id(QUESTION_ID);
    if question_id.is_empty() {
        if row.has_any(QUESTION_COLUMNS) {
            problems.add(
                at(QUESTION_ID),
                "the question id is empty: give every question an id, e.g. q1",
            );
        }
    } else {
        let question = read_question(row, question_id, &draft.job.id, problems);
        draft.job.questions.push(question);
        draft.question_rows.push(row.number);
    }
    draft.problem_count += problems.len() - before;
}

fn read_competency(row: &Row<'_>, id: String, problems: &mut Problems) -> Competency {
    let weight = row.weight().unwrap_or_else(|problem| {
        problems.add(
            format!("row {}, column {}", row.number, COLUMNS[WEIGHT]),
            problem,
        );
        f64::NAN
    });
    let anchors = (1..=5u8)
        .map(|level| Anchor {
            level,
            en: row.text(anchor_column(level, false)),
            zh: row.text(anchor_column(level, true)),
        })
        .collect();
    let keywords = Keywords {
        en: non_empty(split_list(&row.text(KEYWORDS_EN))),
        zh: non_empty(split_list(&row.text(KEYWORDS_ZH))),
    };
    let examples = Keywords {
        en: non_empty(split_list(&row.text(EXAMPLES_EN))),
        zh: non_empty(split_list(&row.text(EXAMPLES_ZH))),
    };
    Competency {
        id,
        name: Bilingual::new(row.text(COMPETENCY_NAME_EN), row.text(COMPETENCY_NAME_ZH)),
        weight,
        description: Bilingual::new(row.text(DESCRIPTION_EN), row.text(DESCRIPTION_ZH)),
        anchors,
        keywords,
        examples: (!examples.en.is_empty() || !examples.zh.is_empty()).then_some(examples),
    }
}

fn non_empty(items: Vec<String>) -> Vec<String> {
    items.into_iter().filter(|item| !item.is_empty()).collect()
}

fn read_question(row: &Row<'_>, id: String, job_id: &str, problems: &mut Problems) -> Question {
    let at = |column: usize| format!("row {}, column {}", row.number, COLUMNS[column]);
    let difficulty_text = row.text(DIFFICULTY);
    let difficulty = if difficulty_text.trim().is_empty() {
        None
    } else {
        let parsed = Difficulty::parse(&difficulty_text);
        if parsed.is_none() {
            problems.add(
                at(DIFFICULTY),
                format!(
                    "{} is not a difficulty: write easy, standard or hard, or leave it empty",
                    quoted(&difficulty_text)
                ),
            );
        }
        parsed
    };

    let mut en = split_list(&row.text(FOLLOW_UPS_EN));
    let mut zh = split_list(&row.text(FOLLOW_UPS_ZH));
    // A follow-up given in one language only: the other cell is blank.
    if en.is_empty() {
        en = vec![String::new(); zh.len()];
    }
    if zh.is_empty() {
        zh = vec![String::new(); en.len()];
    }
    if en.len() != zh.len() {
        problems.add(
            at(FOLLOW_UPS_ZH),
            format!(
                "follow_ups_en lists {} follow-ups and follow_ups_zh {} (question {id:?} of job \
                 {job_id:?}): give both lists in the same order, separated by \"; \"",
                en.len(),
                zh.len()
            ),
        );
    }
    let follow_ups = en
        .into_iter()
        .zip(zh)
        .map(|(en, zh)| Bilingual { en, zh })
        .collect();

    Question {
        id,
        competency: row.id(COMPETENCY_ID),
        en: row.text(QUESTION_EN),
        zh: row.text(QUESTION_ZH),
        difficulty,
        follow_ups,
    }
}

/// Maps a validation path (`competencies[2].weight`) to the row and column it came from.
fn locate_issue(path: &str, draft: &JobDraft) -> (Option<u64>, Option<&'static str>) {
    let mut segments = path.split('.');
    let first = segments.next().unwrap_or_default();
    let rest: Vec<&str> = segments.collect();
    let field = rest.first().copied().unwrap_or_default();
    let indexed = |segment: &str| -> Option<(String, usize)> {
        let (name, index) = segment.strip_suffix(']')?.split_once('[')?;
        Some((name.to_string(), index.parse().ok()?))
    };
    match indexed(first) {
        Some((list, i)) if list == "competencies" => {
            let row = draft.competencies.get(i).map(|(row, _)| *row);
            let column = match field {
                "id" => COLUMNS[COMPETENCY_ID],
                "name" => COLUMNS[COMPETENCY_NAME_EN],
                "weight" => COLUMNS[WEIGHT],
                "description" => COLUMNS[DESCRIPTION_EN],
                "keywords" => COLUMNS[KEYWORDS_EN],
                "examples" => COLUMNS[EXAMPLES_EN],
                anchors if anchors.starts_with("anchors") => {
                    let level = indexed(anchors).map_or(1, |(_, j)| j.min(4) as u8 + 1);
                    COLUMNS[anchor_column(level, false)]
                }
                _ => COLUMNS[COMPETENCY_ID],
            };
            (row, Some(column))
        }
        Some((list, i)) if list == "questions" => {
            let row = draft.question_rows.get(i).copied();
            let column = match field {
                "competency" => COLUMNS[COMPETENCY_ID],
                "" => COLUMNS[QUESTION_EN],
                _ => COLUMNS[QUESTION_ID],
            };
            (row, Some(column))
        }
        _ => match first {
            "id" => (Some(draft.first_row), Some(COLUMNS[JOB_ID])),
            "title" => (Some(draft.first_row), Some(COLUMNS[JOB_TITLE_EN])),
            "summary" => (Some(draft.first_row), Some(COLUMNS[JOB_SUMMARY_EN])),
            _ => (None, None),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protect_and_unprotect_are_inverse() {
        for text in [
            "=HYPERLINK(\"x\")",
            "+1",
            "-",
            "@sum",
            "\tx",
            "\rx",
            "'=x",
            "''@x",
            "'plain",
            "plain",
            "",
            "'",
        ] {
            let protected = protect(text);
            assert!(!protected.starts_with(['=', '+', '-', '@', '\t', '\r']));
            assert_eq!(unprotect(&protected), text, "{text:?}");
        }
        assert_eq!(protect("=1+1"), "'=1+1");
        assert_eq!(protect("a=1"), "a=1");
    }

    #[test]
    fn lists_round_trip_with_separators_inside_items() {
        let items: Vec<String> = ["a; b", "中；文", "back\\slash", "end\\", "x"]
            .map(String::from)
            .to_vec();
        assert_eq!(split_list(&join_list(&items)), items);
        assert_eq!(split_list("a;b；c ; "), ["a", "b", "c", ""]);
        assert_eq!(split_list("C\\C++"), ["C\\C++"]);
        assert!(split_list("  ").is_empty());
    }

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(31), "AF");
    }
}
