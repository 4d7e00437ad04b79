//! Résumé text and the facts the interview planner uses.
//!
//! [`extract_text`] turns an uploaded résumé file into plain text:
//! - **TXT**: UTF-8 with or without a BOM, UTF-16 LE/BE with a BOM (or without one, when the NUL
//!   pattern makes it plain), GB18030 (a superset of GBK and GB2312) for files saved by Chinese
//!   Windows editors, and Windows-1252 for Western ones (chosen by the byte pattern, so accented
//!   Latin text never turns into Chinese characters).
//! - **PDF**: the text layer, decoded with `lopdf`'s font encodings (simple fonts, `ToUnicode` maps,
//!   and the predefined `UniGB-UCS2-H`/`UniGB-UTF16-H` Chinese CMaps) while following the text
//!   position, so lines moved with `Td`/`Tm` (pdfTeX, one text object per page) stay separate lines
//!   and wide `TJ` gaps become spaces. A PDF without a text layer (a scan) or whose fonts carry no
//!   Unicode map (glyph ids only) is reported as having no extractable text; there is no OCR. Other
//!   predefined CJK CMaps (Big5, Japanese, Korean) without a `ToUnicode` map are not decoded.
//! - **DOCX**: `word/document.xml` read with `quick-xml`: one line per paragraph (`w:p`), text runs
//!   (`w:t`), tabs (`w:tab`) and line breaks (`w:br`, `w:cr`); a table row is one line with its
//!   cells separated by tabs. Deleted text and field codes are left out.
//!
//! Every limit in [`ResumeLimits`] is checked before the expensive step it guards: the file size
//! before any parsing, the declared and actual decompressed sizes and the compression ratio of a
//! DOCX before and while inflating (zip bombs), the page count of a PDF before reading any page,
//! and the decompressed size of each PDF page while decoding it.
//!
//! [`resume_facts`] reads roles, organisations, projects, skills and quantified achievements from
//! English and Chinese résumé text with general rules (see [`facts`] for the rules).

mod docx;
pub mod facts;
mod pdf;
mod text;

use std::path::Path;

pub use copilot_domain::ResumeFacts;
pub use facts::resume_facts;

/// Bounds on what [`extract_text`] will read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResumeLimits {
    /// Largest accepted file, in bytes (default 10 MiB).
    pub max_file_bytes: u64,
    /// Largest decompressed size of all DOCX parts read, in bytes (default 50 MiB).
    pub max_docx_uncompressed_bytes: u64,
    /// Largest decompressed/compressed ratio of a DOCX part (default 100).
    pub max_docx_ratio: u64,
    /// Most pages read from a PDF (default 30).
    pub max_pdf_pages: u32,
    /// Largest decompressed content of one PDF page (and of one font map), in bytes (default 20 MiB).
    pub max_pdf_page_bytes: usize,
}

impl Default for ResumeLimits {
    fn default() -> Self {
        ResumeLimits {
            max_file_bytes: 10 * 1024 * 1024,
            max_docx_uncompressed_bytes: 50 * 1024 * 1024,
            max_docx_ratio: 100,
            max_pdf_pages: 30,
            max_pdf_page_bytes: 20 * 1024 * 1024,
        }
    }
}

/// Why a résumé file could not be read; every message names the file, the problem and the fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResumeError {
    #[error(
        "{file} is {size} bytes, over the {limit}-byte limit for résumés: save a smaller file (text only, no images) or paste the text instead"
    )]
    FileTooLarge { file: String, size: u64, limit: u64 },
    #[error("{file} is empty: choose the résumé file again or paste the text instead")]
    EmptyFile { file: String },
    #[error(
        "{file} is a {kind} file, which is not supported: save it as PDF, DOCX or TXT, or paste the text instead"
    )]
    UnsupportedFormat { file: String, kind: String },
    #[error(
        "{file} is not valid UTF-8, UTF-16, GB18030 or Windows-1252 text: save it as UTF-8 text or paste the text instead"
    )]
    UndecodableText { file: String },
    #[error(
        "{file} has no extractable text (scanned image?): paste the text instead, or export the résumé again as a text PDF or DOCX"
    )]
    NoExtractableText { file: String },
    #[error(
        "{file} could not be read as a PDF ({detail}): open it and export or print it to PDF again, or paste the text instead"
    )]
    UnreadablePdf { file: String, detail: String },
    #[error(
        "{file} is password-protected: save a copy without the password, or paste the text instead"
    )]
    EncryptedPdf { file: String },
    #[error(
        "{file} has {pages} pages, over the {limit}-page limit for résumés: export only the résumé pages, or paste the text instead"
    )]
    TooManyPages {
        file: String,
        pages: usize,
        limit: u32,
    },
    #[error(
        "{file} has a page whose content is over {limit} bytes when decompressed: export the résumé again without embedded graphics, or paste the text instead"
    )]
    PdfPageTooLarge { file: String, limit: usize },
    #[error(
        "{file} could not be read as a Word document ({detail}): save it again as .docx from Word or LibreOffice, or paste the text instead"
    )]
    UnreadableDocx { file: String, detail: String },
    #[error(
        "{file} would decompress to more than {limit} bytes (a zip bomb?): save the résumé again as a plain .docx, or paste the text instead"
    )]
    DocxTooLarge { file: String, limit: u64 },
    #[error(
        "{file} part {part} compresses more than {limit}:1 (a zip bomb?): save the résumé again as a plain .docx, or paste the text instead"
    )]
    DocxRatioTooHigh {
        file: String,
        part: String,
        limit: u64,
    },
}

/// The formats [`extract_text`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Text,
    Pdf,
    Docx,
}

/// The plain text of a résumé file, from its name (for the format and for messages) and its bytes.
///
/// The format comes from the content when it is recognisable (`%PDF-`, a zip) and from the
/// extension otherwise. Line endings become `\n`, trailing spaces are removed and runs of blank
/// lines are collapsed to one.
pub fn extract_text(
    file_name: &str,
    bytes: &[u8],
    limits: &ResumeLimits,
) -> Result<String, ResumeError> {
    let file = display_name(file_name);
    let size = bytes.len() as u64;
    if size > limits.max_file_bytes {
        return Err(ResumeError::FileTooLarge {
            file,
            size,
            limit: limits.max_file_bytes,
        });
    }
    if bytes.iter().all(|byte| byte.is_ascii_whitespace()) {
        return Err(ResumeError::EmptyFile { file });
    }
    let raw = match detect_format(file_name, bytes, &file)? {
        Format::Text => {
            text::decode(bytes).ok_or(ResumeError::UndecodableText { file: file.clone() })?
        }
        Format::Pdf => pdf::extract(bytes, limits, &file)?,
        Format::Docx => docx::extract(bytes, limits, &file)?,
    };
    let cleaned = tidy(&raw);
    if cleaned.chars().all(|c| c.is_whitespace()) {
        return Err(ResumeError::NoExtractableText { file });
    }
    Ok(cleaned)
}

fn display_name(file_name: &str) -> String {
    let name = Path::new(file_name)
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or(file_name);
    if name.trim().is_empty() {
        "the résumé file".to_string()
    } else {
        name.to_string()
    }
}

fn detect_format(file_name: &str, bytes: &[u8], file: &str) -> Result<Format, ResumeError> {
    // Some PDF writers put junk before the header; readers accept it within the first KiB.
    let head = &bytes[..bytes.len().min(1024)];
    if head.windows(5).any(|window| window == b"%PDF-") {
        return Ok(Format::Pdf);
    }
    let extension = Path::new(file_name)
        .extension()
        .and_then(|extension| extension.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if bytes.starts_with(b"PK\x03\x04") {
        return match extension.as_str() {
            "docx" | "docm" | "dotx" | "" => Ok(Format::Docx),
            "odt" | "pages" | "zip" | "xlsx" | "pptx" => Err(ResumeError::UnsupportedFormat {
                file: file.to_string(),
                kind: format!(".{extension} (zip)"),
            }),
            _ => Ok(Format::Docx),
        };
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(ResumeError::UnsupportedFormat {
            file: file.to_string(),
            kind: "legacy Word (.doc)".to_string(),
        });
    }
    if bytes.starts_with(b"{\\rtf") {
        return Err(ResumeError::UnsupportedFormat {
            file: file.to_string(),
            kind: "RTF".to_string(),
        });
    }
    match extension.as_str() {
        "pdf" => Err(ResumeError::UnreadablePdf {
            file: file.to_string(),
            detail: "no %PDF- header".to_string(),
        }),
        "docx" => Err(ResumeError::UnreadableDocx {
            file: file.to_string(),
            detail: "not a zip archive".to_string(),
        }),
        "png" | "jpg" | "jpeg" | "gif" | "bmp" | "tif" | "tiff" | "heic" | "webp" => {
            Err(ResumeError::NoExtractableText {
                file: file.to_string(),
            })
        }
        "doc" | "rtf" | "odt" | "pages" | "xls" | "xlsx" | "ppt" | "pptx" => {
            Err(ResumeError::UnsupportedFormat {
                file: file.to_string(),
                kind: format!(".{extension}"),
            })
        }
        _ => Ok(Format::Text),
    }
}

/// Normalises line endings and blank lines, and drops control characters other than tab and newline.
fn tidy(raw: &str) -> String {
    let unified = raw.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(unified.len());
    let mut blank_run = 0usize;
    for line in unified.split('\n') {
        let line: String = line
            .chars()
            .filter(|c| *c == '\t' || !c.is_control())
            .filter(|c| *c != '\u{FEFF}' && *c != '\u{00AD}')
            .collect();
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank_run += 1;
            if blank_run > 1 || out.is_empty() {
                continue;
            }
            out.push('\n');
        } else {
            blank_run = 0;
            out.push_str(line);
            out.push('\n');
        }
    }
    while out.ends_with('\n') {
        out.pop();
    }
    out
}
