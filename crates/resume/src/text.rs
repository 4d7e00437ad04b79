//! Plain-text decoding: BOMs, UTF-8, UTF-16, the GB18030 fallback for Chinese Windows files and
//! Windows-1252 for Western ones.

use encoding_rs::{GB18030, UTF_16BE, UTF_16LE, WINDOWS_1252};

/// The text of a plain-text file, or `None` when no supported encoding decodes it cleanly
/// (binary data, or mostly high bytes that are not Chinese).
pub(crate) fn decode(bytes: &[u8]) -> Option<String> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return std::str::from_utf8(rest).ok().map(str::to_string);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return decode_utf16(rest, true);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return decode_utf16(rest, false);
    }
    if let Some(little_endian) = guess_utf16_without_bom(bytes) {
        return decode_utf16(bytes, little_endian);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        if text.contains('\0') {
            return None;
        }
        return Some(text.to_string());
    }
    if looks_like_gb2312_text(bytes) {
        let (text, had_errors) = GB18030.decode_without_bom_handling(bytes);
        if !had_errors && !text.contains('\0') {
            return Some(text.into_owned());
        }
    }
    // Western Windows files ("Résumé" saved as Windows-1252) also fail UTF-8; GB18030 would turn
    // their accented letters into random Chinese characters.
    if bytes.contains(&0) || bytes.iter().filter(|b| **b >= 0x80).count() * 4 > bytes.len() {
        return None;
    }
    let (text, _, _) = WINDOWS_1252.decode(bytes);
    Some(text.into_owned())
}

/// True when most non-ASCII byte pairs are GB2312 characters (both bytes 0xA1 or above), as in
/// Chinese text saved as GBK/GB18030; a Windows-1252 accent followed by an ASCII letter is not.
fn looks_like_gb2312_text(bytes: &[u8]) -> bool {
    let mut gb2312 = 0usize;
    let mut other = 0usize;
    let mut index = 0;
    while index < bytes.len() {
        let lead = bytes[index];
        if lead < 0x80 {
            index += 1;
            continue;
        }
        let trail = bytes.get(index + 1).copied().unwrap_or(0);
        if (0x30..=0x39).contains(&trail) {
            // A four-byte GB18030 sequence (rare characters).
            other += 1;
            index += 4;
        } else {
            if lead >= 0xA1 && trail >= 0xA1 {
                gb2312 += 1;
            } else {
                other += 1;
            }
            index += 2;
        }
    }
    gb2312 > 0 && gb2312 >= other * 4
}

fn decode_utf16(bytes: &[u8], little_endian: bool) -> Option<String> {
    let encoding = if little_endian { UTF_16LE } else { UTF_16BE };
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    (!had_errors).then(|| text.into_owned())
}

/// UTF-16 without a BOM shows as NUL bytes in every other position for ASCII-heavy text.
fn guess_utf16_without_bom(bytes: &[u8]) -> Option<bool> {
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let pairs = bytes.len() / 2;
    let even_nuls = bytes.iter().step_by(2).filter(|b| **b == 0).count();
    let odd_nuls = bytes.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
    if odd_nuls * 10 >= pairs * 4 && even_nuls == 0 {
        Some(true)
    } else if even_nuls * 10 >= pairs * 4 && odd_nuls == 0 {
        Some(false)
    } else {
        None
    }
}
