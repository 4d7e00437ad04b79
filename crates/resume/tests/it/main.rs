//! Integration tests for copilot-resume: text extraction from generated and tool-made files, and
//! the facts read from fixture and hand-written résumés.

mod docx;
mod facts;
mod pdf;
mod text;

use copilot_resume::{ResumeError, ResumeLimits, extract_text};

pub fn extract(file_name: &str, bytes: &[u8]) -> Result<String, ResumeError> {
    extract_text(file_name, bytes, &ResumeLimits::default())
}

pub fn fixture_path(relative: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(relative)
}

#[test]
fn file_size_is_checked_before_parsing() {
    let limits = ResumeLimits {
        max_file_bytes: 16,
        ..ResumeLimits::default()
    };
    // Not a valid PDF: a parse attempt would fail differently.
    let error = extract_text("big.pdf", b"%PDF-1.4 this is not really a pdf", &limits).unwrap_err();
    assert!(matches!(
        error,
        ResumeError::FileTooLarge {
            size: 33,
            limit: 16,
            ..
        }
    ));
    assert_eq!(
        error.to_string(),
        "big.pdf is 33 bytes, over the 16-byte limit for résumés: save a smaller file (text only, no images) or paste the text instead"
    );
}

#[test]
fn unsupported_and_empty_files_are_named_with_a_fix() {
    let cases: &[(&str, &[u8], &str)] = &[
        (
            "cv.doc",
            &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1],
            "cv.doc is a legacy Word (.doc) file, which is not supported: save it as PDF, DOCX or TXT, or paste the text instead",
        ),
        (
            "/home/u/cv.rtf",
            b"{\\rtf1\\ansi hello}",
            "cv.rtf is a RTF file, which is not supported: save it as PDF, DOCX or TXT, or paste the text instead",
        ),
        (
            "scan.png",
            b"\x89PNG\r\n\x1a\n....",
            "scan.png has no extractable text (scanned image?): paste the text instead, or export the résumé again as a text PDF or DOCX",
        ),
        (
            "blank.txt",
            b"  \n\t ",
            "blank.txt is empty: choose the résumé file again or paste the text instead",
        ),
        (
            "fake.pdf",
            b"hello, I am text",
            "fake.pdf could not be read as a PDF (no %PDF- header): open it and export or print it to PDF again, or paste the text instead",
        ),
    ];
    for (name, bytes, message) in cases {
        let error = extract(name, bytes).unwrap_err();
        assert_eq!(error.to_string(), *message, "{name}");
    }
}
