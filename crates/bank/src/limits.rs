//! Limits on imported files, checked before the expensive parsing starts.

use std::io::{Cursor, Read};

use crate::BankError;

/// Bounds on what an import accepts; each violation is its own [`BankError`] variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportLimits {
    /// Size of the file as given (default 10 MiB).
    pub max_file_bytes: u64,
    /// XLSX only: sum of the zip entries' uncompressed sizes (default 50 MiB).
    pub max_decompressed_bytes: u64,
    /// XLSX only: uncompressed size over compressed size, whole archive and per large entry (default 100).
    pub max_compression_ratio: u64,
    /// Data rows of a table, not counting the header; for JSON, questions in the file (default 20,000).
    pub max_rows: u64,
    /// Characters in one cell or JSON string (default 10,000).
    pub max_field_chars: u64,
    /// Nesting of JSON arrays and objects (default 32).
    pub max_json_depth: u64,
}

impl Default for ImportLimits {
    fn default() -> Self {
        ImportLimits {
            max_file_bytes: 10 * 1024 * 1024,
            max_decompressed_bytes: 50 * 1024 * 1024,
            max_compression_ratio: 100,
            max_rows: 20_000,
            max_field_chars: 10_000,
            max_json_depth: 32,
        }
    }
}

/// Entries smaller than this are not held to the per-entry compression ratio: tiny, repetitive
/// XML parts (styles, empty sheets) legitimately compress very well, and cannot do harm.
const RATIO_CHECKED_FROM_BYTES: u64 = 1024 * 1024;

pub(crate) fn check_file_size(
    file: &str,
    bytes: &[u8],
    limits: &ImportLimits,
) -> Result<(), BankError> {
    let size = bytes.len() as u64;
    if size > limits.max_file_bytes {
        return Err(BankError::FileTooLarge {
            file: file.to_string(),
            size,
            limit: limits.max_file_bytes,
        });
    }
    Ok(())
}

/// Scans JSON bytes once, without parsing: the nesting depth of arrays and objects, and the
/// length in characters of every string (an escape sequence counts as one character).
pub(crate) fn scan_json(text: &str, file: &str, limits: &ImportLimits) -> Result<(), BankError> {
    let bytes = text.as_bytes();
    let mut depth: u64 = 0;
    let mut line: u64 = 1;
    let mut in_string = false;
    let mut string_chars: u64 = 0;
    let mut string_line: u64 = 1;
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        if byte == b'\n' {
            line += 1;
        }
        if in_string {
            match byte {
                b'"' => in_string = false,
                b'\\' => {
                    // `\uXXXX` or a one-letter escape: one character either way.
                    let skip = if bytes.get(i + 1) == Some(&b'u') {
                        5
                    } else {
                        1
                    };
                    i += skip;
                    string_chars += 1;
                }
                // UTF-8 continuation bytes do not start a character.
                _ if byte & 0xC0 != 0x80 => string_chars += 1,
                _ => {}
            }
            if string_chars > limits.max_field_chars {
                return Err(BankError::FieldTooLong {
                    file: file.to_string(),
                    location: format!("the string starting at line {string_line}"),
                    limit: limits.max_field_chars,
                });
            }
        } else {
            match byte {
                b'"' => {
                    in_string = true;
                    string_chars = 0;
                    string_line = line;
                }
                b'[' | b'{' => {
                    depth += 1;
                    if depth > limits.max_json_depth {
                        return Err(BankError::JsonTooDeep {
                            file: file.to_string(),
                            limit: limits.max_json_depth,
                            line,
                        });
                    }
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        i += 1;
    }
    Ok(())
}

/// Checks an XLSX (zip) file before any XML in it is parsed: the declared uncompressed sizes
/// against [`ImportLimits::max_decompressed_bytes`] and [`ImportLimits::max_compression_ratio`], then
/// that every entry really inflates to no more than it declares (a lying header is how a zip bomb
/// gets past a size check).
pub(crate) fn check_zip(file: &str, bytes: &[u8], limits: &ImportLimits) -> Result<(), BankError> {
    let not_a_workbook = |problem: String| BankError::Invalid {
        file: file.to_string(),
        problems: vec![format!(
            "{file}: {problem}: the file is not an Excel workbook; save it from Excel as \
             \"Excel Workbook (.xlsx)\""
        )],
    };
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| not_a_workbook(format!("cannot open it as a zip archive ({e})")))?;

    let mut declared_total: u64 = 0;
    let mut compressed_total: u64 = 0;
    let mut entries = Vec::with_capacity(archive.len());
    for index in 0..archive.len() {
        let entry = archive
            .by_index_raw(index)
            .map_err(|e| not_a_workbook(format!("zip entry {index} is unreadable ({e})")))?;
        let (size, compressed) = (entry.size(), entry.compressed_size());
        declared_total = declared_total.saturating_add(size);
        compressed_total = compressed_total.saturating_add(compressed);
        if declared_total > limits.max_decompressed_bytes {
            return Err(BankError::DecompressedTooLarge {
                file: file.to_string(),
                size: declared_total,
                limit: limits.max_decompressed_bytes,
            });
        }
        if size >= RATIO_CHECKED_FROM_BYTES {
            check_ratio(file, size, compressed, limits)?;
        }
        entries.push(size);
    }
    check_ratio(file, declared_total, compressed_total.max(1), limits)?;

    // The headers passed: now hold every entry to what it declared while inflating it into a sink.
    let mut actual_total: u64 = 0;
    for (index, declared) in entries.into_iter().enumerate() {
        let entry = archive
            .by_index(index)
            .map_err(|e| not_a_workbook(format!("zip entry {index} cannot be unpacked ({e})")))?;
        let name = entry
            .name()
            .map_or_else(|_| format!("#{index}"), |name| name.to_string());
        let inflated = std::io::copy(&mut entry.take(declared + 1), &mut std::io::sink())
            .map_err(|e| not_a_workbook(format!("zip entry {name} cannot be unpacked ({e})")))?;
        actual_total = actual_total.saturating_add(inflated);
        if inflated > declared || actual_total > limits.max_decompressed_bytes {
            return Err(BankError::DecompressedTooLarge {
                file: file.to_string(),
                size: actual_total,
                limit: limits.max_decompressed_bytes,
            });
        }
    }
    Ok(())
}

fn check_ratio(
    file: &str,
    size: u64,
    compressed: u64,
    limits: &ImportLimits,
) -> Result<(), BankError> {
    let ratio = size as f64 / compressed.max(1) as f64;
    if ratio > limits.max_compression_ratio as f64 {
        return Err(BankError::CompressionRatioTooHigh {
            file: file.to_string(),
            ratio,
            limit: limits.max_compression_ratio,
        });
    }
    Ok(())
}
