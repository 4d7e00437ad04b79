//! `copilot policy show|set`, `copilot consent show|record|withdraw` and `copilot vision detect`:
//! the jurisdiction policy, the candidate's consent per purpose and a check of the face models.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::{Subcommand, ValueEnum};
use copilot_core::consent_policy::{ConsentMethod, PolicyProfile, Purpose};
use copilot_core::domain::Language;
use copilot_core::{ConsentChoice, ConsentStatus, Copilot, NewConsent, PolicySettings};

#[derive(Subcommand)]
pub enum PolicyCommand {
    /// The deployment's policy profile and what it enforces.
    Show,
    /// Choose the profile (HR admin): eu, mainland_china, illinois or default.
    Set { profile: String },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum MethodArg {
    Checkbox,
    Verbal,
    Written,
    Bundled,
}

impl From<MethodArg> for ConsentMethod {
    fn from(value: MethodArg) -> Self {
        match value {
            MethodArg::Checkbox => ConsentMethod::Checkbox,
            MethodArg::Verbal => ConsentMethod::Verbal,
            MethodArg::Written => ConsentMethod::Written,
            MethodArg::Bundled => ConsentMethod::Bundled,
        }
    }
}

#[derive(Subcommand)]
pub enum ConsentCommand {
    /// The interview's consent records and which purposes may run now.
    Show {
        #[arg(long)]
        interview: String,
    },
    /// Record the candidate's answers to the notice (the built-in one unless --notice-file).
    Record {
        #[arg(long)]
        interview: String,
        /// Purposes the candidate agreed to (recording, transcription, presence_cues,
        /// expression_cues, transfer_to_hr); repeat or separate with commas.
        #[arg(long, value_delimiter = ',')]
        grant: Vec<String>,
        /// Purposes the candidate refused.
        #[arg(long, value_delimiter = ',')]
        refuse: Vec<String>,
        #[arg(long, value_enum, default_value = "verbal")]
        method: MethodArg,
        /// Who recorded the consent.
        #[arg(long)]
        interviewer: String,
        /// The notice's language: en or zh (zh-CN is stored).
        #[arg(long, default_value = "en")]
        language: String,
        /// The exact notice text shown, when it was not the built-in notice.
        #[arg(long, requires = "notice_version")]
        notice_file: Option<PathBuf>,
        /// The version of the notice in --notice-file.
        #[arg(long)]
        notice_version: Option<String>,
        /// The notice explained how the camera analysis works (the built-in Illinois notice does).
        #[arg(long)]
        explanation_shown: bool,
    },
    /// Withdraw a purpose: it stops at once and is marked withdrawn in the report.
    Withdraw {
        #[arg(long)]
        interview: String,
        #[arg(long)]
        purpose: String,
    },
}

#[derive(Subcommand)]
pub enum VisionCommand {
    /// Faces (and expressions, unless --no-expressions or the policy forbids them) in an image.
    Detect {
        /// A PNG or JPEG file.
        image: PathBuf,
        #[arg(long)]
        no_expressions: bool,
    },
}

fn print_json(value: &impl serde::Serialize) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

fn print_policy(policy: &PolicySettings) {
    let configured = if policy.configured {
        ""
    } else {
        " (not configured: an HR admin should choose one with `copilot policy set`)"
    };
    println!("policy profile: {}{configured}", policy.profile.as_str());
    println!(
        "expression cues: {}",
        if policy.expression_cues_permitted {
            "possible with the candidate's consent"
        } else {
            "off, cannot be switched on"
        }
    );
    if let Some(days) = policy.deletion_deadline_days {
        println!("delete recordings within {days} days of a request");
    }
    println!("{}", policy.legal_basis.en);
}

fn print_status(status: &ConsentStatus) {
    println!(
        "interview {} under the {} profile{}",
        status.interview_id,
        status.policy.profile.as_str(),
        if status.policy.configured {
            ""
        } else {
            " (not configured)"
        }
    );
    for purpose in &status.purposes {
        let state = match (purpose.allowed, purpose.denial) {
            (true, _) if !purpose.required => "allowed (consent not required)".to_string(),
            (true, _) => "allowed".to_string(),
            (false, Some(denial)) => format!("not allowed: {denial:?}"),
            (false, None) => "not allowed".to_string(),
        };
        println!("  {:<16} {state}", purpose.purpose.as_str());
    }
    for record in &status.records {
        println!(
            "  record: {} {} by {} ({}, notice {} {} sha256 {}…) at {}{}",
            record.purpose.as_str(),
            if record.granted { "granted" } else { "refused" },
            record.interviewer,
            record.method.as_str(),
            record.notice_version,
            record.language,
            &record.notice_sha256[..12],
            record.given_at.to_rfc3339(),
            record
                .withdrawn_at
                .map(|w| format!(", withdrawn at {}", w.to_rfc3339()))
                .unwrap_or_default()
        );
    }
}

fn purposes(names: &[String]) -> Result<Vec<Purpose>> {
    names
        .iter()
        .map(|n| n.trim())
        .filter(|n| !n.is_empty())
        .map(|n| Purpose::parse(n).map_err(anyhow::Error::from))
        .collect()
}

pub async fn run_policy(copilot: &Copilot, command: PolicyCommand, json: bool) -> Result<()> {
    let policy = match command {
        PolicyCommand::Show => copilot.policy().await?,
        PolicyCommand::Set { profile } => {
            copilot
                .set_policy(PolicyProfile::parse(profile.trim())?)
                .await?
        }
    };
    if json {
        print_json(&policy)
    } else {
        print_policy(&policy);
        Ok(())
    }
}

pub async fn run_consent(copilot: &Copilot, command: ConsentCommand, json: bool) -> Result<()> {
    let status = match command {
        ConsentCommand::Show { interview } => copilot.consent_status(&interview).await?,
        ConsentCommand::Withdraw { interview, purpose } => {
            copilot
                .withdraw_consent(&interview, Purpose::parse(purpose.trim())?)
                .await?
        }
        ConsentCommand::Record {
            interview,
            grant,
            refuse,
            method,
            interviewer,
            language,
            notice_file,
            notice_version,
            explanation_shown,
        } => {
            let lang = Language::parse(&language)
                .with_context(|| format!("unknown notice language `{language}`: use en or zh"))?;
            let mut choices: Vec<ConsentChoice> = purposes(&grant)?
                .into_iter()
                .map(|purpose| ConsentChoice {
                    purpose,
                    granted: true,
                })
                .collect();
            choices.extend(purposes(&refuse)?.into_iter().map(|purpose| ConsentChoice {
                purpose,
                granted: false,
            }));
            if choices.is_empty() {
                bail!(
                    "no purpose given: add --grant and/or --refuse (e.g. --grant transcription,presence_cues)"
                );
            }
            let (notice_version, notice_text, explanation_shown) = match notice_file {
                Some(path) => {
                    let text = std::fs::read_to_string(&path).with_context(|| {
                        format!("cannot read the notice {}: check the path", path.display())
                    })?;
                    (notice_version.unwrap_or_default(), text, explanation_shown)
                }
                None => {
                    let notice = copilot.consent_notice(lang).await?;
                    (
                        notice.version,
                        notice.text,
                        explanation_shown || notice.explains_analysis,
                    )
                }
            };
            copilot
                .record_consent(&NewConsent {
                    interview_id: interview,
                    notice_version,
                    notice_text,
                    language: match lang {
                        Language::En => "en".into(),
                        Language::Zh => "zh-CN".into(),
                    },
                    method: method.into(),
                    interviewer,
                    explanation_shown,
                    choices,
                })
                .await?
        }
    };
    if json {
        print_json(&status)
    } else {
        print_status(&status);
        Ok(())
    }
}

pub async fn run_vision(copilot: &Copilot, command: VisionCommand, json: bool) -> Result<()> {
    let VisionCommand::Detect {
        image,
        no_expressions,
    } = command;
    let detection = copilot.detect_image(&image, !no_expressions).await?;
    if json {
        return print_json(&detection);
    }
    println!(
        "{}: {}x{}, {} face(s)",
        image.display(),
        detection.width,
        detection.height,
        detection.faces.len()
    );
    for face in &detection.faces {
        let [x1, y1, x2, y2] = face.bbox;
        print!(
            "  face {x1:.0},{y1:.0} - {x2:.0},{y2:.0} score {:.2}",
            face.score
        );
        match (&face.top_expression, &face.expression) {
            (Some(top), Some(probabilities)) => {
                let p = probabilities
                    .iter()
                    .find(|(l, _)| l == top)
                    .map_or(0.0, |(_, p)| *p);
                println!("  expression {top} {p:.2} (weak model: a soft cue, never a score)");
            }
            _ => println!(),
        }
    }
    if let Some(reason) = &detection.expressions_withheld {
        println!("{reason}");
    }
    Ok(())
}
