//! The PDF export: fixture reports in Chinese and English rendered with real system fonts
//! (scripts/install-system-deps.sh installs them) and read back with the résumé PDF reader.

use copilot_report::{PdfError, PdfFont, Report, TimelineEntry, report_pdf};

use crate::fixtures::*;

/// WenQuanYi Micro Hei (fonts-wqy-microhei): CJK and Latin.
const CJK_FONT: &str = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";
/// DejaVu Sans (fonts-dejavu-core): Latin only.
const LATIN_FONT: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

fn font(path: &str) -> anyhow::Result<PdfFont> {
    let data = std::fs::read(path).map_err(|e| {
        anyhow::anyhow!("{path}: {e}: run scripts/install-system-deps.sh (it installs the fonts)")
    })?;
    Ok(PdfFont {
        data,
        index: 0,
        name: path.to_string(),
    })
}

fn text_of(pdf: &[u8]) -> anyhow::Result<String> {
    let limits = copilot_resume::ResumeLimits {
        max_file_bytes: 64 * 1024 * 1024,
        ..Default::default()
    };
    Ok(copilot_resume::extract_text("report.pdf", pdf, &limits)?)
}

fn pages(pdf: &[u8]) -> anyhow::Result<usize> {
    Ok(lopdf::Document::load_mem(pdf)?.get_pages().len())
}

/// Text without the spaces and line breaks the PDF reader puts between glyph runs.
fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn first_quote(report: &Report) -> String {
    report
        .competencies
        .iter()
        .flat_map(|c| &c.evidence)
        .map(|e| e.quote.clone())
        .next()
        .unwrap_or_default()
}

#[test]
fn chinese_and_english_reports_read_back_from_the_pdf() -> anyhow::Result<()> {
    let cjk = font(CJK_FONT)?;
    for id in SESSIONS {
        let (_, report) = standard_report(id)?;
        let pdf = report_pdf(&report, &cjk)?;
        assert!(pdf.starts_with(b"%PDF-"), "{id}: a PDF");
        let text = squeeze(&text_of(&pdf)?);
        let lang = report.language;
        let score = report
            .overall
            .confirmed
            .as_ref()
            .map(|s| format!("{:.1}/100", s.score))
            .expect("two confirmed ratings give a score");
        let quote: String = squeeze(&first_quote(&report)).chars().take(12).collect();
        let expected = [
            squeeze(&report.candidate.name),
            squeeze(report.job.title.get(lang)),
            squeeze(report.competencies[0].name.get(lang)),
            score,
            quote,
            report.competencies[0].evidence[0].start.clone(),
            squeeze(&report.candidate_feedback.closing),
        ];
        for want in expected {
            assert!(
                text.contains(&want),
                "{id}: `{want}` not in the PDF text:\n{text}"
            );
        }
        match lang {
            copilot_domain::Language::Zh => {
                assert!(text.contains("面试报告") && text.contains("时间线"), "{id}")
            }
            copilot_domain::Language::En => {
                assert!(
                    text.contains("Interviewreport") && text.contains("Timeline"),
                    "{id}"
                )
            }
        }
        eprintln!("{id}: {} bytes, {} pages", pdf.len(), pages(&pdf)?);
        if let Some(dir) = std::env::var_os("REPORT_PDF_DIR") {
            std::fs::write(std::path::Path::new(&dir).join(format!("{id}.pdf")), &pdf)?;
        }
        // The embedded font is a subset: far smaller than the 5 MB collection.
        assert!(
            pdf.len() < 400_000,
            "{id}: {} bytes, the font is not subset",
            pdf.len()
        );
    }
    Ok(())
}

#[test]
fn a_long_report_runs_over_many_pages_with_every_line_kept() -> anyhow::Result<()> {
    let cjk = font(CJK_FONT)?;
    let (_, short) = standard_report("dev-teacher-zh-01")?;
    let short_pages = pages(&report_pdf(&short, &cjk)?)?;
    let mut long = short.clone();
    let base = long.timeline.clone();
    for round in 1..=12 {
        long.timeline.extend(base.iter().cloned().map(|mut e| {
            if let TimelineEntry::Note { text, .. } = &mut e {
                *text = format!("第{round}轮笔记：候选人提到团队规模与结果。");
            }
            e
        }));
    }
    long.timeline.push(TimelineEntry::Note {
        at_ms: 9_999_000,
        at: "166:39".into(),
        text: "最后一条笔记：LAST-LINE-MARKER".into(),
        competency: None,
    });
    let pdf = report_pdf(&long, &cjk)?;
    let long_pages = pages(&pdf)?;
    eprintln!("long report: {} bytes, {long_pages} pages", pdf.len());
    assert!(
        long_pages >= short_pages + 8,
        "{long_pages} pages for 13 timelines against {short_pages}"
    );
    let text = squeeze(&text_of(&pdf)?);
    assert!(text.contains("LAST-LINE-MARKER"), "the last line is kept");
    assert!(text.contains("第12轮笔记"), "later rounds are kept");
    assert!(
        text.contains(&format!("{long_pages}/{long_pages}")),
        "the footer counts pages"
    );
    Ok(())
}

#[test]
fn a_chinese_report_needs_a_font_with_chinese_glyphs() -> anyhow::Result<()> {
    let latin = font(LATIN_FONT)?;
    let (_, zh) = standard_report("dev-workshop-zh-01")?;
    match report_pdf(&zh, &latin) {
        Err(error @ PdfError::MissingGlyphs { .. }) => {
            let message = error.to_string();
            assert!(
                message.contains("fonts-wqy-microhei") && message.contains(LATIN_FONT),
                "{message}"
            );
        }
        other => panic!("expected missing glyphs, got {:?}", other.map(|b| b.len())),
    }
    // An English report is fine with a Latin font.
    let (_, en) = standard_report("dev-pm-en-01")?;
    let pdf = report_pdf(&en, &latin)?;
    assert!(squeeze(&text_of(&pdf)?).contains(&squeeze(&en.candidate.name)));
    // Bytes that are no font are refused with the font named.
    let junk = PdfFont {
        data: b"not a font".to_vec(),
        index: 0,
        name: "junk.ttf".into(),
    };
    let error = report_pdf(&en, &junk).expect_err("junk is not a font");
    assert!(matches!(error, PdfError::FontUnreadable { .. }), "{error}");
    assert!(error.to_string().contains("junk.ttf"));
    Ok(())
}
