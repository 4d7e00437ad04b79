//! The text of a DOCX: `word/document.xml`, one line per paragraph.

use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::Event;
use zip::ZipArchive;

use crate::{ResumeError, ResumeLimits};

const DOCUMENT_PART: &str = "word/document.xml";

pub(crate) fn extract(
    bytes: &[u8],
    limits: &ResumeLimits,
    file: &str,
) -> Result<String, ResumeError> {
    let unreadable = |detail: String| ResumeError::UnreadableDocx {
        file: file.to_string(),
        detail,
    };
    let mut archive = ZipArchive::new(Cursor::new(bytes))
        .map_err(|error| unreadable(format!("bad zip: {error}")))?;

    // The declared sizes are checked before anything is inflated ...
    let mut declared_total = 0u64;
    for index in 0..archive.len() {
        let entry = archive
            .by_index_raw(index)
            .map_err(|error| unreadable(format!("bad zip entry: {error}")))?;
        declared_total = declared_total.saturating_add(entry.size());
    }
    if declared_total > limits.max_docx_uncompressed_bytes {
        return Err(ResumeError::DocxTooLarge {
            file: file.to_string(),
            limit: limits.max_docx_uncompressed_bytes,
        });
    }

    let mut entry = archive.by_name(DOCUMENT_PART).map_err(|_| {
        unreadable(format!(
            "no {DOCUMENT_PART}: it is a zip but not a Word document"
        ))
    })?;
    let compressed = entry.compressed_size().max(1);
    if entry.size() / compressed > limits.max_docx_ratio {
        return Err(ResumeError::DocxRatioTooHigh {
            file: file.to_string(),
            part: DOCUMENT_PART.to_string(),
            limit: limits.max_docx_ratio,
        });
    }
    // ... and the actual output too, since a zip can lie about sizes.
    let cap = limits
        .max_docx_uncompressed_bytes
        .min(compressed.saturating_mul(limits.max_docx_ratio));
    let mut xml = Vec::new();
    (&mut entry)
        .take(cap.saturating_add(1))
        .read_to_end(&mut xml)
        .map_err(|error| unreadable(format!("{DOCUMENT_PART} does not inflate: {error}")))?;
    if xml.len() as u64 > cap {
        return Err(if cap == limits.max_docx_uncompressed_bytes {
            ResumeError::DocxTooLarge {
                file: file.to_string(),
                limit: limits.max_docx_uncompressed_bytes,
            }
        } else {
            ResumeError::DocxRatioTooHigh {
                file: file.to_string(),
                part: DOCUMENT_PART.to_string(),
                limit: limits.max_docx_ratio,
            }
        });
    }
    let xml =
        String::from_utf8(xml).map_err(|_| unreadable(format!("{DOCUMENT_PART} is not UTF-8")))?;
    document_text(&xml).map_err(unreadable)
}

/// Paragraphs (`w:p`) become lines (table rows become one line, cells separated by tabs); text (`w:t`), tabs (`w:tab`) and breaks (`w:br`, `w:cr`) are kept.
/// Deleted text (`w:delText`) and field codes (`w:instrText`) are left out.
pub(crate) fn document_text(xml: &str) -> Result<String, String> {
    let mut reader = Reader::from_str(xml);
    let mut text = String::new();
    let mut in_text_run = false;
    let mut cell_depth = 0usize;
    loop {
        let event = reader
            .read_event()
            .map_err(|error| format!("bad XML in {DOCUMENT_PART}: {error}"))?;
        match event {
            Event::Start(start) => match start.local_name().as_ref() {
                "t" => in_text_run = true,
                "tc" => cell_depth += 1,
                _ => {}
            },
            Event::Empty(empty) => match empty.local_name().as_ref() {
                "tab" => text.push('\t'),
                "br" | "cr" => text.push('\n'),
                "noBreakHyphen" => text.push('-'),
                "p" => text.push('\n'),
                _ => {}
            },
            Event::End(end) => match end.local_name().as_ref() {
                "t" => in_text_run = false,
                // Paragraphs inside a table cell stay on the row's line.
                "p" if cell_depth > 0 => text.push(' '),
                "p" => text.push('\n'),
                "tc" => {
                    cell_depth = cell_depth.saturating_sub(1);
                    text.truncate(text.trim_end_matches(' ').len());
                    text.push('\t');
                }
                "tr" => {
                    text.truncate(text.trim_end_matches(['\t', ' ']).len());
                    text.push('\n');
                }
                _ => {}
            },
            Event::Text(run) if in_text_run => text.push_str(&run.xml10_content()),
            Event::CData(run) if in_text_run => text.push_str(&run.xml10_content()),
            Event::GeneralRef(reference) if in_text_run => match reference.resolve_char_ref() {
                Ok(Some(c)) => text.push(c),
                _ => match reference.xml10_content().as_ref() {
                    "amp" => text.push('&'),
                    "lt" => text.push('<'),
                    "gt" => text.push('>'),
                    "quot" => text.push('"'),
                    "apos" => text.push('\''),
                    _ => {}
                },
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(text)
}
