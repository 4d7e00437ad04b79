//! Stored reports after the interview: the PDF export (with the font it needs found on this
//! machine) and rating revisions (the interviewer confirms or changes a rating; the report, its
//! score and its queued HR delivery follow).
//!
//! Fonts: a Chinese report needs a font with CJK glyphs. In order: the path the caller passes
//! (`copilot report export --font`), the `COPILOT_PDF_FONT` environment variable, the
//! `pdf_font_path` setting, then well-known system fonts (fontconfig folders on Linux, Microsoft
//! YaHei/SimSun on Windows, PingFang/Hiragino on macOS), then any font file in those folders
//! that covers the report. A report in Latin script only takes the first Latin font found.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::Utc;
use copilot_report::{PdfFont, RatingChange, Report, RerateError};

use crate::{Copilot, CoreError, ErrorCode, ReportFormat};

/// The environment variable naming a font file for PDF reports.
pub const PDF_FONT_ENV: &str = "COPILOT_PDF_FONT";
/// The setting naming a font file for PDF reports.
pub const PDF_FONT_SETTING: &str = "pdf_font_path";

/// Font files known to cover Chinese, best first (file names, matched case-insensitively).
const CJK_FONTS: &[&str] = &[
    "wqy-microhei.ttc",
    "wqy-zenhei.ttc",
    "NotoSansCJK-Regular.ttc",
    "NotoSansCJKsc-Regular.otf",
    "NotoSansSC-Regular.otf",
    "SourceHanSansSC-Regular.otf",
    "SourceHanSans-Regular.ttc",
    "DroidSansFallbackFull.ttf",
    "msyh.ttc",
    "msyh.ttf",
    "simsun.ttc",
    "simhei.ttf",
    "PingFang.ttc",
    "Hiragino Sans GB.ttc",
    "STHeiti Light.ttc",
    "Arial Unicode.ttf",
];

/// Latin fonts for reports without CJK text, best first.
const LATIN_FONTS: &[&str] = &[
    "DejaVuSans.ttf",
    "LiberationSans-Regular.ttf",
    "NotoSans-Regular.ttf",
    "segoeui.ttf",
    "arial.ttf",
    "Arial.ttf",
    "Helvetica.ttc",
];

/// How many font files the fallback scan parses at most (a folder may hold thousands).
const SCAN_LIMIT: usize = 200;

/// Where to look for a font for a PDF report.
#[derive(Debug, Clone, Default)]
pub struct FontSearch {
    /// A font file chosen by the user: used if readable, else an error (never silently ignored).
    pub explicit: Option<PathBuf>,
    /// Folders searched (recursively) for the known fonts, then for any covering font.
    pub dirs: Vec<PathBuf>,
}

impl FontSearch {
    /// The platform's font folders.
    pub fn system(explicit: Option<PathBuf>) -> Self {
        let mut dirs: Vec<PathBuf> = Vec::new();
        if cfg!(target_os = "windows") {
            let windir = std::env::var_os("WINDIR").unwrap_or_else(|| "C:\\Windows".into());
            dirs.push(PathBuf::from(windir).join("Fonts"));
            if let Some(local) = std::env::var_os("LOCALAPPDATA") {
                dirs.push(PathBuf::from(local).join("Microsoft\\Windows\\Fonts"));
            }
        } else if cfg!(target_os = "macos") {
            dirs.push("/System/Library/Fonts".into());
            dirs.push("/Library/Fonts".into());
            if let Some(home) = dirs::home_dir() {
                dirs.push(home.join("Library/Fonts"));
            }
        } else {
            if let Some(data) = dirs::data_dir() {
                dirs.push(data.join("fonts"));
            }
            if let Some(home) = dirs::home_dir() {
                dirs.push(home.join(".fonts"));
            }
            dirs.push("/usr/local/share/fonts".into());
            dirs.push("/usr/share/fonts".into());
        }
        FontSearch { explicit, dirs }
    }

    /// A font that covers every character of `needed` (CJK characters; empty for Latin text).
    pub fn find(&self, needed: &BTreeSet<char>) -> Result<PdfFont, CoreError> {
        if let Some(path) = &self.explicit {
            let font = load(path).map_err(|detail| {
                CoreError::new(
                    ErrorCode::UnreadableFile,
                    format!(
                        "the PDF font {} cannot be used ({detail}): choose a .ttf, .otf or .ttc font file",
                        path.display()
                    ),
                )
            })?;
            return covering(font, needed).map_err(|font| {
                CoreError::new(
                    ErrorCode::InvalidInput,
                    format!(
                        "the PDF font {} has no Chinese glyphs, and this report has Chinese text: choose a CJK font such as WenQuanYi Micro Hei, Noto Sans CJK, Microsoft YaHei or PingFang",
                        font.name
                    ),
                )
            });
        }
        let files = font_files(&self.dirs);
        let known = if needed.is_empty() {
            [LATIN_FONTS, CJK_FONTS].concat()
        } else {
            CJK_FONTS.to_vec()
        };
        for name in known {
            for file in files.iter().filter(|f| file_name_is(f, name)) {
                if let Some(font) = load(file).ok().and_then(|f| covering(f, needed).ok()) {
                    return Ok(font);
                }
            }
        }
        for file in files.iter().take(SCAN_LIMIT) {
            if let Some(font) = load(file).ok().and_then(|f| covering(f, needed).ok()) {
                return Ok(font);
            }
        }
        let searched: Vec<String> = self.dirs.iter().map(|d| d.display().to_string()).collect();
        let (what, install) = if needed.is_empty() {
            (
                "a font",
                "install any TrueType font (Debian/Ubuntu: `apt-get install fonts-dejavu-core`)",
            )
        } else {
            (
                "a font with Chinese glyphs",
                "install one (Debian/Ubuntu: `apt-get install fonts-wqy-microhei`; Windows has Microsoft YaHei, macOS PingFang)",
            )
        };
        Err(CoreError::new(
            ErrorCode::NotFound,
            format!(
                "no PDF report without {what}, and none was found in {}: {install}, or name a font file with {PDF_FONT_ENV} (or `--font` on the command line)",
                if searched.is_empty() {
                    "no font folder".to_string()
                } else {
                    searched.join(", ")
                }
            ),
        ))
    }
}

fn file_name_is(path: &Path, name: &str) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.eq_ignore_ascii_case(name))
}

/// Every font file under the folders (depth-limited, sorted for a stable choice).
fn font_files(dirs: &[PathBuf]) -> Vec<PathBuf> {
    fn walk(dir: &Path, depth: u32, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                if depth < 6 {
                    walk(&path, depth + 1, out);
                }
            } else if path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| ["ttf", "ttc", "otf"].contains(&e.to_ascii_lowercase().as_str()))
            {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    for dir in dirs {
        walk(dir, 0, &mut out);
    }
    out
}

fn load(path: &Path) -> Result<PdfFont, String> {
    let data = std::fs::read(path).map_err(|e| e.to_string())?;
    let font = PdfFont {
        data,
        index: 0,
        name: path.display().to_string(),
    };
    copilot_report::missing_glyphs(&font, &BTreeSet::new()).map_err(|e| e.to_string())?;
    Ok(font)
}

fn covering(font: PdfFont, needed: &BTreeSet<char>) -> Result<PdfFont, PdfFont> {
    match copilot_report::missing_glyphs(&font, needed) {
        Ok(missing) if missing.is_empty() => Ok(font),
        _ => Err(font),
    }
}

impl Copilot {
    /// A font for this report's PDF (see the module documentation for where it looks).
    pub async fn report_font(
        &self,
        report: &Report,
        explicit: Option<&Path>,
    ) -> Result<PdfFont, CoreError> {
        let explicit = match explicit {
            Some(path) => Some(path.to_path_buf()),
            None => match std::env::var_os(PDF_FONT_ENV).filter(|v| !v.is_empty()) {
                Some(path) => Some(PathBuf::from(path)),
                None => self
                    .store
                    .setting(PDF_FONT_SETTING)
                    .await?
                    .filter(|v| !v.trim().is_empty())
                    .map(PathBuf::from),
            },
        };
        FontSearch::system(explicit).find(&copilot_report::report_cjk_chars(report))
    }

    /// The report as a PDF, with a subset of `font` (or of the font [`Copilot::report_font`]
    /// finds) embedded.
    pub async fn report_pdf(
        &self,
        report_id: &str,
        font: Option<&Path>,
    ) -> Result<Vec<u8>, CoreError> {
        let report = self.report(report_id).await?;
        let font = self.report_font(&report, font).await?;
        copilot_report::report_pdf(&report, &font).map_err(|e| {
            let code = match e {
                copilot_report::PdfError::Render { .. } => ErrorCode::Internal,
                _ => ErrorCode::InvalidInput,
            };
            CoreError::new(code, e.to_string())
        })
    }

    /// The export's bytes in any format (JSON and HTML as UTF-8, PDF binary).
    pub async fn export_report_bytes(
        &self,
        report_id: &str,
        format: ReportFormat,
        font: Option<&Path>,
    ) -> Result<Vec<u8>, CoreError> {
        match format {
            ReportFormat::Pdf => self.report_pdf(report_id, font).await,
            other => Ok(self.export_report(report_id, other).await?.into_bytes()),
        }
    }

    /// The interviewer confirms or changes one competency's rating on a stored report: the
    /// suggestion stays, the change is recorded with `by` (default: the first interviewer) and
    /// the time, the overall score and recommendation are computed again with the report's
    /// thresholds, and the encrypted report and its HR delivery are updated in one transaction
    /// (a revision of a delivered report is queued again only while the candidate's consent to
    /// the transfer holds).
    pub async fn rate_report(
        &self,
        report_id: &str,
        competency: &str,
        rating: u8,
        by: Option<&str>,
    ) -> Result<Report, CoreError> {
        let mut report = self.report(report_id).await?;
        let job = self
            .store
            .job(&report.job.id, Some(report.job.model_version))
            .await?
            .definition;
        let now = Utc::now();
        let by = by
            .map(str::trim)
            .filter(|b| !b.is_empty())
            .map(str::to_string)
            .or_else(|| report.interviewers.first().cloned())
            .unwrap_or_else(|| "interviewer".to_string());
        let change = RatingChange {
            competency: competency.to_string(),
            rating,
            by,
            at: now.to_rfc3339(),
        };
        copilot_report::rerate(&mut report, &job, &change).map_err(|e| {
            let code = match e {
                RerateError::UnknownCompetency { .. } => ErrorCode::NotFound,
                _ => ErrorCode::InvalidInput,
            };
            CoreError::new(code, e.to_string())
        })?;
        // A revision of a delivered report is a new transfer: only with the consent to it.
        let transfer_allowed = self
            .consent_gate(&report.interview_id)
            .await?
            .allows(copilot_consent::Purpose::TransferToHr);
        self.store
            .revise_report(
                report_id,
                &copilot_report::report_json(&report),
                report.revision(),
                now,
                transfer_allowed,
            )
            .await?;
        Ok(report)
    }
}
