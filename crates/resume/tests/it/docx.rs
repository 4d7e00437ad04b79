use std::io::{Cursor, Write};

use copilot_resume::{ResumeError, ResumeLimits, extract_text};
use zip::ZipWriter;
use zip::write::SimpleFileOptions;

use crate::extract;

const NAMESPACE: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// A minimal but real DOCX: content types, the package relationship and the document part.
fn docx(body: &str) -> Vec<u8> {
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="{NAMESPACE}"><w:body>{body}<w:sectPr/></w:body></w:document>"#
    );
    zip_with(&[
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#.to_string(),
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#.to_string(),
        ),
        ("word/document.xml", document),
    ])
}

fn zip_with(parts: &[(&str, String)]) -> Vec<u8> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, content) in parts {
        writer
            .start_file(*name, SimpleFileOptions::default())
            .expect("start zip entry");
        writer
            .write_all(content.as_bytes())
            .expect("write zip entry");
    }
    writer.finish().expect("finish zip").into_inner()
}

fn paragraph(runs: &str) -> String {
    format!("<w:p><w:pPr><w:pStyle w:val=\"Normal\"/></w:pPr>{runs}</w:p>")
}

fn run(text: &str) -> String {
    format!("<w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">{text}</w:t></w:r>")
}

#[test]
fn paragraphs_runs_tabs_and_breaks_become_lines() {
    let body = [
        paragraph(&run("Jordan Lee")),
        paragraph(&format!(
            "{}{}<w:r><w:tab/></w:r>{}",
            run("Senior Product Manager at "),
            run("Brightwave Health"),
            run("2019–2024")
        )),
        paragraph(&format!(
            "{}<w:r><w:br/></w:r>{}",
            run("Led the Patient Portal redesign &amp; raised activation by 18%"),
            run("R&amp;D liaison &lt;3 teams&gt; &#8212; done")
        )),
        "<w:p/>".to_string(),
        paragraph(&format!(
            "{}<w:del><w:r><w:delText>deleted words</w:delText></w:r></w:del>{}",
            run("负责智能客服系统项目，"),
            run("用户满意度提升25%。")
        )),
        paragraph(&format!(
            "<w:r><w:instrText> HYPERLINK \"x\" </w:instrText></w:r>{}",
            run("Skills: SQL, Figma")
        )),
    ]
    .concat();
    let text = extract("Jordan Lee résumé.docx", &docx(&body)).unwrap();
    insta::assert_snapshot!(text, @r"
    Jordan Lee
    Senior Product Manager at Brightwave Health	2019–2024
    Led the Patient Portal redesign & raised activation by 18%
    R&D liaison <3 teams> — done

    负责智能客服系统项目，用户满意度提升25%。
    Skills: SQL, Figma
    ");
}

#[test]
fn table_cells_are_separated() {
    let cell = |text: &str| format!("<w:tc>{}</w:tc>", paragraph(&run(text)));
    let body = format!(
        "<w:tbl><w:tr>{}{}</w:tr></w:tbl>",
        cell("2019–2024"),
        cell("Shift Supervisor")
    );
    let text = extract("cv.docx", &docx(&body)).unwrap();
    assert_eq!(text, "2019–2024\tShift Supervisor");
}

#[test]
fn a_zip_without_a_document_part_is_not_a_word_file() {
    let bytes = zip_with(&[("hello.txt", "hi".to_string())]);
    let error = extract("cv.docx", &bytes).unwrap_err();
    assert_eq!(
        error.to_string(),
        "cv.docx could not be read as a Word document (no word/document.xml: it is a zip but not a Word document): save it again as .docx from Word or LibreOffice, or paste the text instead"
    );
}

#[test]
fn other_zip_formats_are_refused_by_extension() {
    let bytes = zip_with(&[("content.xml", "<x/>".to_string())]);
    let error = extract("cv.odt", &bytes).unwrap_err();
    assert!(
        matches!(error, ResumeError::UnsupportedFormat { .. }),
        "{error}"
    );
}

#[test]
fn a_highly_compressed_document_part_is_refused_as_a_zip_bomb() {
    // 4 MiB of spaces inside one paragraph compresses about 1000:1.
    let padding = " ".repeat(4 * 1024 * 1024);
    let bytes = docx(&paragraph(&run(&format!("Engineer{padding}"))));
    assert!(
        bytes.len() < 64 * 1024,
        "the bomb is small: {} bytes",
        bytes.len()
    );
    let error = extract("bomb.docx", &bytes).unwrap_err();
    assert!(
        matches!(error, ResumeError::DocxRatioTooHigh { limit: 100, .. }),
        "{error}"
    );
    assert_eq!(
        error.to_string(),
        "bomb.docx part word/document.xml compresses more than 100:1 (a zip bomb?): save the résumé again as a plain .docx, or paste the text instead"
    );
}

#[test]
fn the_total_decompressed_size_is_bounded() {
    let bytes = docx(&paragraph(&run(&"Engineer ".repeat(2000))));
    let limits = ResumeLimits {
        max_docx_uncompressed_bytes: 10_000,
        ..ResumeLimits::default()
    };
    let error = extract_text("big.docx", &bytes, &limits).unwrap_err();
    assert!(
        matches!(error, ResumeError::DocxTooLarge { limit: 10_000, .. }),
        "{error}"
    );
    // The same file is fine with the default limits.
    assert!(
        extract("big.docx", &bytes)
            .unwrap()
            .starts_with("Engineer Engineer")
    );
}

#[test]
fn a_broken_zip_is_reported() {
    let mut bytes = docx(&paragraph(&run("Engineer")));
    bytes.truncate(bytes.len() / 2);
    let error = extract("cut.docx", &bytes).unwrap_err();
    assert!(
        matches!(error, ResumeError::UnreadableDocx { .. }),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .starts_with("cut.docx could not be read as a Word document")
    );
}
