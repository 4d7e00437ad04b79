use copilot_resume::ResumeError;

use crate::extract;

const SAMPLE: &str =
    "王芳 Product Manager\r\n负责智能客服系统项目，满意度提升25%。\r\n\r\n\r\nSkills: SQL, Figma  ";
const TIDY: &str =
    "王芳 Product Manager\n负责智能客服系统项目，满意度提升25%。\n\nSkills: SQL, Figma";

fn utf16(text: &str, little_endian: bool, bom: bool) -> Vec<u8> {
    let mut bytes = Vec::new();
    if bom {
        bytes.extend(if little_endian {
            [0xFF, 0xFE]
        } else {
            [0xFE, 0xFF]
        });
    }
    for unit in text.encode_utf16() {
        bytes.extend(if little_endian {
            unit.to_le_bytes()
        } else {
            unit.to_be_bytes()
        });
    }
    bytes
}

#[test]
fn every_supported_text_encoding_decodes_to_the_same_tidy_text() {
    let mut utf8_bom = vec![0xEF, 0xBB, 0xBF];
    utf8_bom.extend(SAMPLE.as_bytes());
    let (gb18030, _, unmappable) = encoding_rs::GB18030.encode(SAMPLE);
    assert!(!unmappable);
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(SAMPLE);
    assert!(!unmappable);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("utf-8", SAMPLE.as_bytes().to_vec()),
        ("utf-8 with BOM", utf8_bom),
        ("utf-16 LE with BOM", utf16(SAMPLE, true, true)),
        ("utf-16 BE with BOM", utf16(SAMPLE, false, true)),
        ("gb18030", gb18030.into_owned()),
        ("gbk", gbk.into_owned()),
    ];
    for (label, bytes) in cases {
        assert_eq!(extract("resume.txt", &bytes).unwrap(), TIDY, "{label}");
    }
}

#[test]
fn utf16_without_bom_is_recognised_from_its_nul_pattern() {
    let text = "Account executive at Tillpoint";
    assert_eq!(extract("cv.txt", &utf16(text, true, false)).unwrap(), text);
    assert_eq!(extract("cv.txt", &utf16(text, false, false)).unwrap(), text);
}

#[test]
fn undecodable_bytes_are_an_error_not_mojibake() {
    // 0xFF is invalid in UTF-8 and is no GB18030 lead byte.
    let error = extract("resume.txt", &[b'a', 0xFF, 0xFF, b'b']).unwrap_err();
    assert!(matches!(error, ResumeError::UndecodableText { .. }));
    assert_eq!(
        error.to_string(),
        "resume.txt is not valid UTF-8, UTF-16, GB18030 or Windows-1252 text: save it as UTF-8 text or paste the text instead"
    );
}

#[test]
fn western_windows_text_is_not_read_as_chinese() {
    let text = "Résumé – Chloé Dubois, café manager, 12 staff";
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&bytes).is_err());
    assert_eq!(extract("cv.txt", &bytes).unwrap(), text);
}

#[test]
fn unknown_extensions_are_read_as_text() {
    assert_eq!(
        extract("notes.md", b"# CV\nEngineer").unwrap(),
        "# CV\nEngineer"
    );
}
