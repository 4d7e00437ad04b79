//! The text layer of a PDF, read with `lopdf`.

use std::panic::{AssertUnwindSafe, catch_unwind};

use std::collections::BTreeMap;

use lopdf::content::Content;
use lopdf::{
    DecompressError, Document, Encoding, Error as PdfError, LoadOptions, Object, ObjectId,
};

use crate::{ResumeError, ResumeLimits};

pub(crate) fn extract(
    bytes: &[u8],
    limits: &ResumeLimits,
    file: &str,
) -> Result<String, ResumeError> {
    // lopdf is defensive, but a malformed file must never take the app down: a panic inside the
    // parser becomes an "unreadable PDF" error.
    match catch_unwind(AssertUnwindSafe(|| extract_inner(bytes, limits, file))) {
        Ok(result) => result,
        Err(_) => Err(ResumeError::UnreadablePdf {
            file: file.to_string(),
            detail: "the PDF parser gave up on a malformed structure".to_string(),
        }),
    }
}

fn extract_inner(bytes: &[u8], limits: &ResumeLimits, file: &str) -> Result<String, ResumeError> {
    let options = LoadOptions {
        max_decompressed_size: Some(limits.max_pdf_page_bytes),
        ..LoadOptions::default()
    };
    let document = Document::load_mem_with_options(bytes, options)
        .map_err(|error| load_error(error, limits, file))?;
    if document.is_encrypted() {
        return Err(ResumeError::EncryptedPdf {
            file: file.to_string(),
        });
    }
    let pages: Vec<(u32, ObjectId)> = document.get_pages().into_iter().collect();
    if pages.len() > limits.max_pdf_pages as usize {
        return Err(ResumeError::TooManyPages {
            file: file.to_string(),
            pages: pages.len(),
            limit: limits.max_pdf_pages,
        });
    }
    let mut text = String::new();
    for (_, page_id) in pages {
        match page_text(&document, page_id, limits.max_pdf_page_bytes) {
            Ok(page) => text.push_str(&page),
            Err(PdfError::Decompress(DecompressError::MemoryLimitExceeded { .. })) => {
                return Err(ResumeError::PdfPageTooLarge {
                    file: file.to_string(),
                    limit: limits.max_pdf_page_bytes,
                });
            }
            // A page that cannot be read is left out; the others are kept.
            Err(_) => {}
        }
        text.push('\n');
    }
    if !looks_like_text(&text) {
        return Err(ResumeError::NoExtractableText {
            file: file.to_string(),
        });
    }
    // Text objects end in line breaks of their own; blank lines in a PDF's text say nothing.
    let lines: Vec<&str> = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .collect();
    Ok(lines.join("\n"))
}

fn load_error(error: PdfError, limits: &ResumeLimits, file: &str) -> ResumeError {
    match error {
        PdfError::Decryption(_) | PdfError::InvalidPassword | PdfError::AlreadyEncrypted => {
            ResumeError::EncryptedPdf {
                file: file.to_string(),
            }
        }
        PdfError::Decompress(DecompressError::MemoryLimitExceeded { .. }) => {
            ResumeError::PdfPageTooLarge {
                file: file.to_string(),
                limit: limits.max_pdf_page_bytes,
            }
        }
        other => ResumeError::UnreadablePdf {
            file: file.to_string(),
            detail: other.to_string(),
        },
    }
}

/// False when the text is empty, or mostly replacement, private-use or control characters: what a
/// font without a Unicode map (glyph ids, not characters) decodes to.
fn looks_like_text(text: &str) -> bool {
    let mut readable = 0usize;
    let mut garbage = 0usize;
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        let private_use = ('\u{E000}'..='\u{F8FF}').contains(&c);
        if c == '\u{FFFD}' || c.is_control() || private_use {
            garbage += 1;
        } else {
            readable += 1;
        }
    }
    readable > 0 && garbage * 2 < readable
}

/// The text of one page, with line breaks where the text moves to another line.
///
/// lopdf's own `extract_text` breaks lines only at `ET` and `T*`; pdfTeX (LaTeX résumés) and
/// others draw a whole page in one text object and move between lines with `Td`/`Tm`, so this
/// walk follows the text position: a new line when the baseline changes, a space when the text
/// is repositioned on the same line or a `TJ` gap is wider than a fifth of the font size.
fn page_text(document: &Document, page_id: ObjectId, limit: usize) -> Result<String, PdfError> {
    let mut encodings: BTreeMap<Vec<u8>, Encoding<'_>> = BTreeMap::new();
    for (name, font) in document.get_page_fonts(page_id)? {
        match font.get_font_encoding_with_limit(document, limit) {
            Ok(encoding) => {
                encodings.insert(name, encoding);
            }
            Err(error @ PdfError::Decompress(DecompressError::MemoryLimitExceeded { .. })) => {
                return Err(error);
            }
            Err(_) => {}
        }
    }
    let content = Content::decode(&document.get_page_content_with_limit(page_id, limit)?)?;
    let mut walker = TextWalker::default();
    for operation in &content.operations {
        let operands = &operation.operands;
        let number = |index: usize| {
            operands
                .get(index)
                .and_then(|o| o.as_float().ok())
                .unwrap_or(0.0)
        };
        match operation.operator.as_str() {
            "BT" => walker.move_to(0.0, 0.0),
            "Tf" => {
                walker.encoding = operands
                    .first()
                    .and_then(|o| o.as_name().ok())
                    .and_then(|name| encodings.get(name));
            }
            "Td" | "TD" => {
                let (x, y) = (walker.line_x + number(0), walker.line_y + number(1));
                walker.move_to(x, y);
            }
            "Tm" => walker.move_to(number(4), number(5)),
            "T*" => walker.next_line(),
            "Tj" => walker.show(operands.first()),
            "'" => {
                walker.next_line();
                walker.show(operands.first());
            }
            "\"" => {
                walker.next_line();
                walker.show(operands.get(2));
            }
            "TJ" => {
                if let Some(Object::Array(parts)) = operands.first() {
                    for part in parts {
                        match part {
                            Object::String(..) => walker.show(Some(part)),
                            // Thousandths of the font size; a wide negative gap is a space.
                            other => {
                                if other.as_float().is_ok_and(|gap| gap < -200.0) {
                                    walker.space();
                                }
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Ok(walker.text)
}

#[derive(Default)]
struct TextWalker<'a> {
    text: String,
    encoding: Option<&'a Encoding<'a>>,
    line_x: f32,
    line_y: f32,
    /// The baseline of the last text shown, if any since the last line break.
    shown_y: Option<f32>,
    /// The text was repositioned since it was last shown.
    moved: bool,
}

impl<'a> TextWalker<'a> {
    fn move_to(&mut self, x: f32, y: f32) {
        self.line_x = x;
        self.line_y = y;
        self.moved = true;
    }

    fn next_line(&mut self) {
        self.line_y -= 1.0;
        self.break_line();
    }

    fn break_line(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
        self.shown_y = None;
    }

    fn space(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with(char::is_whitespace) {
            self.text.push(' ');
        }
    }

    fn show(&mut self, operand: Option<&Object>) {
        let (Some(encoding), Some(Object::String(bytes, _))) = (self.encoding, operand) else {
            return;
        };
        let Ok(decoded) = Document::decode_text(encoding, bytes) else {
            return;
        };
        if decoded.is_empty() {
            return;
        }
        match self.shown_y {
            Some(y) if (y - self.line_y).abs() > 1.0 => self.break_line(),
            Some(_) if self.moved => {
                let joins_cjk = self
                    .text
                    .chars()
                    .next_back()
                    .is_some_and(crate::facts::is_cjk)
                    && decoded.chars().next().is_some_and(crate::facts::is_cjk);
                if !joins_cjk {
                    self.space();
                }
            }
            _ => {}
        }
        self.text.push_str(&decoded);
        self.shown_y = Some(self.line_y);
        self.moved = false;
    }
}
