use std::collections::BTreeMap;

use copilot_resume::{ResumeError, ResumeLimits, extract_text};
use lopdf::content::{Content, Operation};
use lopdf::{Document, Object, Stream, StringFormat, dictionary};

use crate::{extract, fixture_path};

/// How a test PDF writes its text.
enum Font {
    /// Helvetica with WinAnsiEncoding, one byte per character.
    Helvetica,
    /// Helvetica laid out the way pdfTeX writes it.
    HelveticaTexLike,
    /// A Type0 (CID) font with Identity-H encoding and a ToUnicode map, as Word, LibreOffice and
    /// browsers write Chinese: two-byte glyph ids in the content, Unicode only in the map.
    CidWithToUnicode,
    /// The same CID font without the ToUnicode map: glyph ids only.
    CidWithoutToUnicode,
}

/// A PDF with one page per entry, each line drawn with its own `Td` inside one text object.
fn pdf(pages: &[&[&str]], font: Font) -> Vec<u8> {
    let mut document = Document::with_version("1.5");
    let pages_id = document.new_object_id();
    let glyphs: BTreeMap<char, u16> = pages
        .iter()
        .flat_map(|lines| lines.iter().flat_map(|line| line.chars()))
        .collect::<std::collections::BTreeSet<char>>()
        .into_iter()
        .zip(1u16..)
        .collect();
    let font_id = match font {
        Font::Helvetica | Font::HelveticaTexLike => document.add_object(dictionary! {
            "Type" => "Font",
            "Subtype" => "Type1",
            "BaseFont" => "Helvetica",
            "Encoding" => "WinAnsiEncoding",
        }),
        Font::CidWithToUnicode | Font::CidWithoutToUnicode => {
            let descendant = document.add_object(dictionary! {
                "Type" => "Font",
                "Subtype" => "CIDFontType2",
                "BaseFont" => "NotoSansSC",
                "CIDSystemInfo" => dictionary! {
                    "Registry" => Object::string_literal("Adobe"),
                    "Ordering" => Object::string_literal("Identity"),
                    "Supplement" => 0,
                },
            });
            let mut font_dict = dictionary! {
                "Type" => "Font",
                "Subtype" => "Type0",
                "BaseFont" => "NotoSansSC",
                "Encoding" => "Identity-H",
                "DescendantFonts" => vec![descendant.into()],
            };
            if matches!(font, Font::CidWithToUnicode) {
                let map_id =
                    document.add_object(Stream::new(dictionary! {}, to_unicode_map(&glyphs)));
                font_dict.set("ToUnicode", map_id);
            }
            document.add_object(font_dict)
        }
    };
    let resources_id = document.add_object(dictionary! {
        "Font" => dictionary! { "F1" => font_id },
    });
    let mut kids = Vec::new();
    for lines in pages {
        let mut operations = vec![
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec!["F1".into(), 11.into()]),
            Operation::new("Td", vec![72.into(), 780.into()]),
        ];
        for (index, line) in lines.iter().enumerate() {
            if matches!(font, Font::HelveticaTexLike) {
                // pdfTeX style: one text object per page, `Td` between lines, no space glyphs:
                // words are separate strings in a `TJ` array with a kerning gap between them.
                if index > 0 {
                    operations.push(Operation::new("Td", vec![0.into(), (-14).into()]));
                }
                let mut parts: Vec<Object> = Vec::new();
                let words: Vec<&str> = line.split(' ').collect();
                let (last, first) = words.split_last().expect("a word");
                for word in first {
                    parts.push(Object::string_literal(word.as_bytes().to_vec()));
                    parts.push((-333).into());
                }
                parts.pop();
                operations.push(Operation::new("TJ", vec![Object::Array(parts)]));
                // The last word is placed on its own on the same baseline.
                if !first.is_empty() {
                    operations.push(Operation::new("Td", vec![200.into(), 0.into()]));
                }
                operations.push(Operation::new(
                    "TJ",
                    vec![Object::Array(vec![Object::string_literal(
                        last.as_bytes().to_vec(),
                    )])],
                ));
                if !first.is_empty() {
                    operations.push(Operation::new("Td", vec![(-200).into(), 0.into()]));
                }
                continue;
            }
            if index > 0 {
                operations.push(Operation::new("T*", vec![]));
            }
            let shown = match font {
                Font::Helvetica | Font::HelveticaTexLike => {
                    Object::string_literal(line.as_bytes().to_vec())
                }
                _ => Object::String(
                    line.chars()
                        .flat_map(|c| glyphs[&c].to_be_bytes())
                        .collect(),
                    StringFormat::Hexadecimal,
                ),
            };
            operations.push(Operation::new("Tj", vec![shown]));
        }
        operations.push(Operation::new("ET", vec![]));
        let content = Content { operations };
        let content_id = document.add_object(Stream::new(
            dictionary! {},
            content.encode().expect("encode content"),
        ));
        kids.push(
            document
                .add_object(dictionary! {
                    "Type" => "Page",
                    "Parent" => pages_id,
                    "Contents" => content_id,
                    "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
                })
                .into(),
        );
    }
    let count = kids.len() as i64;
    document.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => kids,
            "Count" => count,
            "Resources" => resources_id,
        }),
    );
    let catalog_id = document.add_object(dictionary! {
        "Type" => "Catalog",
        "Pages" => pages_id,
    });
    document.trailer.set("Root", catalog_id);
    document.compress();
    let mut bytes = Vec::new();
    document.save_to(&mut bytes).expect("save pdf");
    bytes
}

fn to_unicode_map(glyphs: &BTreeMap<char, u16>) -> Vec<u8> {
    let mut map = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    map.push_str(&format!("{} beginbfchar\n", glyphs.len()));
    for (c, glyph) in glyphs {
        let units: String = c
            .encode_utf16(&mut [0; 2])
            .iter()
            .map(|unit| format!("{unit:04X}"))
            .collect();
        map.push_str(&format!("<{glyph:04X}> <{units}>\n"));
    }
    map.push_str("endbfchar\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    map.into_bytes()
}

#[test]
fn english_text_from_a_simple_font() {
    let bytes = pdf(
        &[
            &[
                "Jordan Lee",
                "Senior Product Manager at Brightwave Health, 2019-2024",
            ],
            &["Skills: SQL, Figma, A/B testing (18% uplift)"],
        ],
        Font::Helvetica,
    );
    insta::assert_snapshot!(extract("jordan.pdf", &bytes).unwrap(), @r"
    Jordan Lee
    Senior Product Manager at Brightwave Health, 2019-2024
    Skills: SQL, Figma, A/B testing (18% uplift)
    ");
}

#[test]
fn lines_moved_with_td_and_words_split_by_kerning() {
    let bytes = pdf(
        &[&[
            "Senior Product Manager at Brightwave Health",
            "Led the Patient Portal redesign",
            "Skills: SQL, Figma",
        ]],
        Font::HelveticaTexLike,
    );
    insta::assert_snapshot!(extract("latex-cv.pdf", &bytes).unwrap(), @r"
    Senior Product Manager at Brightwave Health
    Led the Patient Portal redesign
    Skills: SQL, Figma
    ");
}

#[test]
fn chinese_text_from_a_cid_font_with_a_unicode_map() {
    let bytes = pdf(
        &[&[
            "王芳 高级产品经理",
            "负责智能客服系统项目，用户满意度提升25%。",
        ]],
        Font::CidWithToUnicode,
    );
    insta::assert_snapshot!(extract("王芳简历.pdf", &bytes).unwrap(), @r"
    王芳 高级产品经理
    负责智能客服系统项目，用户满意度提升25%。
    ");
}

#[test]
fn a_cid_font_without_a_unicode_map_has_no_extractable_text() {
    let bytes = pdf(&[&["王芳 高级产品经理"]], Font::CidWithoutToUnicode);
    let error = extract("王芳简历.pdf", &bytes).unwrap_err();
    assert!(
        matches!(error, ResumeError::NoExtractableText { .. }),
        "{error}"
    );
}

#[test]
fn reportlab_english_pdf() {
    let bytes = std::fs::read(fixture_path("english_reportlab.pdf")).unwrap();
    insta::assert_snapshot!(extract("english_reportlab.pdf", &bytes).unwrap(), @r"
    Jordan Lee
    Senior Product Manager at Brightwave Health, 2019-2024
    Led the Patient Portal redesign; raised activation by 18%.
    Skills: SQL, Figma, Jira, A/B testing
    Product Analyst at Northwind Bank, 2016-2019
    Built the churn dashboard used by a team of 12.
    ");
}

#[test]
fn reportlab_chinese_pdf_with_a_predefined_cmap() {
    let bytes = std::fs::read(fixture_path("chinese_reportlab.pdf")).unwrap();
    insta::assert_snapshot!(extract("chinese_reportlab.pdf", &bytes).unwrap(), @r"
    王芳  简历
    2018-2024 深圳云帆科技有限公司 高级产品经理
    负责智能客服系统项目，用户满意度提升25%。
    技能：SQL、Axure、数据分析
    ");
}

#[test]
fn a_pdf_without_a_text_layer_asks_for_pasted_text() {
    let bytes = std::fs::read(fixture_path("scanned_reportlab.pdf")).unwrap();
    let error = extract("résumé.pdf", &bytes).unwrap_err();
    assert_eq!(
        error.to_string(),
        "résumé.pdf has no extractable text (scanned image?): paste the text instead, or export the résumé again as a text PDF or DOCX"
    );
}

#[test]
fn the_page_count_is_limited() {
    let bytes = pdf(&[&["one"], &["two"], &["three"]], Font::Helvetica);
    let limits = ResumeLimits {
        max_pdf_pages: 2,
        ..ResumeLimits::default()
    };
    let error = extract_text("long.pdf", &bytes, &limits).unwrap_err();
    assert_eq!(
        error.to_string(),
        "long.pdf has 3 pages, over the 2-page limit for résumés: export only the résumé pages, or paste the text instead"
    );
}

#[test]
fn a_page_that_inflates_past_the_limit_is_refused() {
    let line = "Engineer ".repeat(2000);
    let bytes = pdf(&[&[line.as_str()]], Font::Helvetica);
    let limits = ResumeLimits {
        max_pdf_page_bytes: 4096,
        ..ResumeLimits::default()
    };
    let error = extract_text("dense.pdf", &bytes, &limits).unwrap_err();
    assert!(
        matches!(error, ResumeError::PdfPageTooLarge { limit: 4096, .. }),
        "{error}"
    );
}

#[test]
fn a_damaged_pdf_is_reported_not_panicked() {
    let mut bytes = pdf(&[&["Engineer"]], Font::Helvetica);
    bytes.truncate(40);
    let error = extract("cut.pdf", &bytes).unwrap_err();
    assert!(
        matches!(
            error,
            ResumeError::UnreadablePdf { .. } | ResumeError::NoExtractableText { .. }
        ),
        "{error}"
    );
    assert!(error.to_string().starts_with("cut.pdf "));
}
