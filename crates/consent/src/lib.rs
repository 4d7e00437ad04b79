//! Pure consent and jurisdiction policy for camera, audio and transfer purposes.
//!
//! An HR admin picks one [`PolicyProfile`] per deployment. Before any capture the interviewer records the
//! candidate's [`ConsentRecord`] per [`Purpose`] (notice version and text hash, language, time, method,
//! interviewer). [`allowed`] says, for a profile and the consent records, which purposes may run now and
//! why the others may not. No consent, no capture; a withdrawal stops that purpose from the next check
//! (the camera loop checks once per frame).
//!
//! Profiles (what the code enforces; not legal advice):
//! - [`PolicyProfile::Eu`]: emotion inference at work, recruitment included, is prohibited by EU AI Act
//!   art. 5(1)(f): expression cues are off and cannot be enabled, whatever the consent. Presence and
//!   frame-quality cues only.
//! - [`PolicyProfile::MainlandChina`]: face data is sensitive personal information under PIPL (art. 28-29):
//!   camera analysis needs a separate consent for that purpose, never one bundled with other terms.
//! - [`PolicyProfile::Illinois`]: the Artificial Intelligence Video Interview Act (820 ILCS 42): notice that
//!   AI may analyse the video, an explanation of how it works, and consent, all before the interview;
//!   videos deleted within 30 days of a request.
//! - [`PolicyProfile::Default`]: consent per purpose.
//!
//! This crate does no I/O and never reads the clock: times arrive in the inputs.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

/// A deployment's jurisdiction profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
pub enum PolicyProfile {
    Eu,
    MainlandChina,
    Illinois,
    #[default]
    Default,
}

impl PolicyProfile {
    pub const ALL: [PolicyProfile; 4] = [
        PolicyProfile::Eu,
        PolicyProfile::MainlandChina,
        PolicyProfile::Illinois,
        PolicyProfile::Default,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PolicyProfile::Eu => "eu",
            PolicyProfile::MainlandChina => "mainland_china",
            PolicyProfile::Illinois => "illinois",
            PolicyProfile::Default => "default",
        }
    }

    pub fn parse(s: &str) -> Result<PolicyProfile, ConsentError> {
        PolicyProfile::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| ConsentError::UnknownProfile(s.to_string()))
    }

    /// Expression cues can be enabled at all under this profile.
    pub fn permits_expression_cues(self) -> bool {
        self != PolicyProfile::Eu
    }

    /// Days within which recordings must be deleted after a request, if the law sets a limit.
    pub fn deletion_deadline_days(self) -> Option<u32> {
        match self {
            PolicyProfile::Illinois => Some(30),
            _ => None,
        }
    }
}

/// What a consent is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// Storing audio/video of the interview.
    Recording,
    /// Transcribing speech (locally).
    Transcription,
    /// Face presence and frame-quality cues from the live camera (face detection; nothing stored).
    PresenceCues,
    /// Expression cues (tension, ease) from the live camera; shown to the interviewer only, never scored.
    ExpressionCues,
    /// Sending the finished report to the HR system.
    TransferToHr,
}

impl Purpose {
    pub const ALL: [Purpose; 5] = [
        Purpose::Recording,
        Purpose::Transcription,
        Purpose::PresenceCues,
        Purpose::ExpressionCues,
        Purpose::TransferToHr,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Recording => "recording",
            Purpose::Transcription => "transcription",
            Purpose::PresenceCues => "presence_cues",
            Purpose::ExpressionCues => "expression_cues",
            Purpose::TransferToHr => "transfer_to_hr",
        }
    }

    pub fn parse(s: &str) -> Result<Purpose, ConsentError> {
        Purpose::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| ConsentError::UnknownPurpose(s.to_string()))
    }

    /// Processes face images (biometric / sensitive data in PIPL and BIPA terms).
    pub fn is_biometric(self) -> bool {
        matches!(self, Purpose::PresenceCues | Purpose::ExpressionCues)
    }

    /// AI analysis of the candidate's video (Illinois AI Video Interview Act).
    pub fn is_video_analysis(self) -> bool {
        self.is_biometric()
    }
}

/// How the consent was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ConsentMethod {
    /// The candidate ticked a box for this purpose alone.
    Checkbox,
    /// Said yes aloud to this purpose; the interviewer recorded it.
    Verbal,
    /// Signed a form for this purpose.
    Written,
    /// Accepted as part of wider terms (not a separate consent).
    Bundled,
}

impl ConsentMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentMethod::Checkbox => "checkbox",
            ConsentMethod::Verbal => "verbal",
            ConsentMethod::Written => "written",
            ConsentMethod::Bundled => "bundled",
        }
    }

    pub fn parse(s: &str) -> Result<ConsentMethod, ConsentError> {
        [
            ConsentMethod::Checkbox,
            ConsentMethod::Verbal,
            ConsentMethod::Written,
            ConsentMethod::Bundled,
        ]
        .into_iter()
        .find(|m| m.as_str() == s)
        .ok_or_else(|| ConsentError::UnknownMethod(s.to_string()))
    }
}

/// One consent decision for one purpose. (`ConsentDecision` in TypeScript: the report has its
/// own `ConsentRecord`.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "ConsentDecision")]
pub struct ConsentRecord {
    pub purpose: Purpose,
    /// `false` records a refusal.
    pub granted: bool,
    pub notice_version: String,
    /// sha256 (hex) of the notice text shown, see [`notice_hash`].
    pub notice_sha256: String,
    /// BCP 47 tag of the notice's language ("en", "zh-CN").
    pub language: String,
    #[ts(type = "string")]
    pub given_at: DateTime<Utc>,
    pub method: ConsentMethod,
    pub interviewer: String,
    /// The notice explained how the AI analysis works (Illinois).
    pub explanation_shown: bool,
    #[ts(type = "string | null")]
    pub withdrawn_at: Option<DateTime<Utc>>,
}

/// Invalid consent input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConsentError {
    #[error("unknown policy profile `{0}`: use eu, mainland_china, illinois or default")]
    UnknownProfile(String),
    #[error(
        "unknown purpose `{0}`: use recording, transcription, presence_cues, expression_cues or transfer_to_hr"
    )]
    UnknownPurpose(String),
    #[error("unknown consent method `{0}`: use checkbox, verbal, written or bundled")]
    UnknownMethod(String),
    #[error("consent record is incomplete: {0} is empty")]
    Incomplete(&'static str),
    #[error("notice hash `{0}` is not a sha256 in hex (64 characters 0-9a-f)")]
    BadHash(String),
}

/// sha256 (hex) of a notice text, as stored in [`ConsentRecord::notice_sha256`].
pub fn notice_hash(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

impl ConsentRecord {
    /// Check the record has every field a regulator would ask for.
    pub fn validate(&self) -> Result<(), ConsentError> {
        for (name, v) in [
            ("notice_version", &self.notice_version),
            ("language", &self.language),
            ("interviewer", &self.interviewer),
        ] {
            if v.trim().is_empty() {
                return Err(ConsentError::Incomplete(name));
            }
        }
        if self.notice_sha256.len() != 64
            || !self
                .notice_sha256
                .chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
        {
            return Err(ConsentError::BadHash(self.notice_sha256.clone()));
        }
        Ok(())
    }
}

/// Why a purpose may not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Denial {
    /// No consent recorded for the purpose.
    NoConsent,
    /// The candidate said no.
    Refused,
    /// The candidate withdrew the consent.
    Withdrawn,
    /// The profile forbids the purpose whatever the consent (EU: expression cues).
    ProhibitedByPolicy,
    /// PIPL: face data needs a separate consent, not a bundled one.
    NeedsSeparateConsent,
    /// Illinois: notice, explanation and consent must come before the interview.
    NeedsExplanationBeforeInterview,
}

/// One purpose's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PurposeDecision {
    pub purpose: Purpose,
    pub allowed: bool,
    pub denial: Option<Denial>,
}

/// The latest record for `purpose` (by time, later entries win ties).
pub fn latest(records: &[ConsentRecord], purpose: Purpose) -> Option<&ConsentRecord> {
    records
        .iter()
        .filter(|r| r.purpose == purpose)
        .fold(None, |best: Option<&ConsentRecord>, r| match best {
            Some(b) if b.given_at > r.given_at => Some(b),
            _ => Some(r),
        })
}

/// May `purpose` run at time `now` under `profile`? `interview_start` is when capture began (Illinois
/// requires the consent before it).
pub fn decide(
    profile: PolicyProfile,
    records: &[ConsentRecord],
    purpose: Purpose,
    interview_start: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> PurposeDecision {
    let deny = |d| PurposeDecision {
        purpose,
        allowed: false,
        denial: Some(d),
    };
    if purpose == Purpose::ExpressionCues && !profile.permits_expression_cues() {
        return deny(Denial::ProhibitedByPolicy);
    }
    let Some(record) = latest(records, purpose) else {
        return deny(Denial::NoConsent);
    };
    if !record.granted {
        return deny(Denial::Refused);
    }
    if record.withdrawn_at.is_some_and(|w| w <= now) {
        return deny(Denial::Withdrawn);
    }
    if record.given_at > now {
        return deny(Denial::NoConsent);
    }
    if purpose.is_biometric() && record.method == ConsentMethod::Bundled {
        // Separate consent is the law for PIPL; a bundled yes is not treated as consent anywhere.
        return deny(Denial::NeedsSeparateConsent);
    }
    if profile == PolicyProfile::Illinois && purpose.is_video_analysis() {
        let before = interview_start.is_none_or(|start| record.given_at <= start);
        if !record.explanation_shown || !before {
            return deny(Denial::NeedsExplanationBeforeInterview);
        }
    }
    PurposeDecision {
        purpose,
        allowed: true,
        denial: None,
    }
}

/// Every purpose's verdict, in [`Purpose::ALL`] order.
pub fn allowed(
    profile: PolicyProfile,
    records: &[ConsentRecord],
    interview_start: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Vec<PurposeDecision> {
    Purpose::ALL
        .into_iter()
        .map(|p| decide(profile, records, p, interview_start, now))
        .collect()
}

/// The purposes that may run now.
pub fn allowed_purposes(
    profile: PolicyProfile,
    records: &[ConsentRecord],
    interview_start: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Vec<Purpose> {
    allowed(profile, records, interview_start, now)
        .into_iter()
        .filter(|d| d.allowed)
        .map(|d| d.purpose)
        .collect()
}

/// Which camera cues may be computed and shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CueAllowance {
    /// Run the face detector at all (presence and frame-quality cues, preview box).
    pub presence: bool,
    pub frame_quality: bool,
    /// Run the expression model (never under the EU profile).
    pub expression: bool,
}

/// The camera cues allowed now.
pub fn cue_allowance(
    profile: PolicyProfile,
    records: &[ConsentRecord],
    interview_start: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> CueAllowance {
    let ok = |p| decide(profile, records, p, interview_start, now).allowed;
    let presence = ok(Purpose::PresenceCues);
    CueAllowance {
        presence,
        frame_quality: presence,
        // The expression model needs the detector's face box, so it needs both consents.
        expression: presence && ok(Purpose::ExpressionCues),
    }
}

/// Mark the purpose's current consent withdrawn at `at`; returns whether there was one to withdraw.
pub fn withdraw(records: &mut [ConsentRecord], purpose: Purpose, at: DateTime<Utc>) -> bool {
    let latest_at = latest(records, purpose).map(|r| r.given_at);
    let Some(latest_at) = latest_at else {
        return false;
    };
    match records
        .iter_mut()
        .rev()
        .find(|r| r.purpose == purpose && r.given_at == latest_at)
    {
        Some(r) if r.granted && r.withdrawn_at.is_none() => {
            r.withdrawn_at = Some(at);
            true
        }
        _ => false,
    }
}

/// When recordings must be gone after a deletion request, if the profile sets a deadline.
pub fn deletion_due(profile: PolicyProfile, requested_at: DateTime<Utc>) -> Option<DateTime<Utc>> {
    profile
        .deletion_deadline_days()
        .map(|d| requested_at + Duration::days(i64::from(d)))
}
