//! Consent and the jurisdiction policy: the HR admin's policy profile, the candidate's consent per
//! purpose, withdrawal, and the [`ConsentGate`] every capture loop asks before each step.
//!
//! Which purposes need consent (the choice this module makes):
//! - Camera purposes (presence and expression cues) always need consent, under every profile and
//!   also before an HR admin chose one; the EU profile never allows expression cues.
//! - Audio and transfer purposes (recording, transcription, transfer to the HR system) need consent
//!   once an HR admin has chosen a policy profile. A fresh install without a profile keeps working
//!   as before (the status says "not configured", and the app asks the admin to choose one), unless
//!   the candidate refused or withdrew that purpose.
//!
//! A withdrawal is written to the store and reaches every running capture of that interview at
//! once: the gate is shared, capture loops check it per frame, and the audio stop signals
//! registered with it are raised.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, Weak};

use chrono::{DateTime, Utc};
use copilot_consent::{
    ConsentMethod, ConsentRecord, CueAllowance, Denial, PolicyProfile, Purpose, cue_allowance,
    decide, notice_hash,
};
use copilot_domain::{Bilingual, Language};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Copilot, CoreError, ErrorCode, StopSignal};

/// The version of the built-in notices ([`Copilot::consent_notice`]); change it with their text.
pub const NOTICE_VERSION: &str = "2026-11.1";

/// The deployment's policy, as the settings screen shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PolicySettings {
    pub profile: PolicyProfile,
    /// `false` until an HR admin chose a profile (then `profile` is `default`).
    pub configured: bool,
    /// `false` under the EU profile: the switch is shown disabled with `legal_basis`.
    pub expression_cues_permitted: bool,
    /// Days to delete recordings after a request (Illinois: 30).
    pub deletion_deadline_days: Option<u32>,
    /// What the profile enforces and why.
    pub legal_basis: Bilingual,
}

/// One purpose's state for an interview.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
pub struct PurposeStatus {
    pub purpose: Purpose,
    /// May run now.
    pub allowed: bool,
    /// Consent is needed for it (see the module docs); when `false` it runs without one.
    pub required: bool,
    pub denial: Option<Denial>,
}

/// An interview's consent: the records and what they allow now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ConsentStatus {
    pub interview_id: String,
    pub policy: PolicySettings,
    /// Every decision, oldest first (withdrawn ones keep their withdrawal time).
    pub records: Vec<ConsentRecord>,
    /// One per purpose, in the order recording, transcription, presence cues, expression cues,
    /// transfer to HR.
    pub purposes: Vec<PurposeStatus>,
    pub cues: CueAllowance,
}

/// The candidate's answer for one purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ConsentChoice {
    pub purpose: Purpose,
    pub granted: bool,
}

/// What the consent step records: the notice shown, how and by whom, and the answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct NewConsent {
    pub interview_id: String,
    pub notice_version: String,
    /// The exact notice text shown; its sha256 is stored.
    pub notice_text: String,
    /// BCP 47 tag of the notice's language (`en`, `zh-CN`).
    pub language: String,
    pub method: ConsentMethod,
    pub interviewer: String,
    /// The notice explained how the camera analysis works (Illinois).
    #[serde(default)]
    pub explanation_shown: bool,
    pub choices: Vec<ConsentChoice>,
}

/// A built-in notice to show the candidate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ConsentNotice {
    pub version: String,
    pub profile: PolicyProfile,
    pub language: Language,
    pub text: String,
    pub sha256: String,
    /// The purposes the candidate may be asked about (the EU profile leaves out expression cues).
    pub purposes: Vec<Purpose>,
    /// The text explains how the camera analysis works (Illinois asks for it).
    pub explains_analysis: bool,
}

/// Needs consent before it may run (see the module docs). A purpose that needs none still stops
/// when the candidate refuses or withdraws it.
pub fn consent_required(configured: bool, purpose: Purpose) -> bool {
    purpose.is_biometric() || configured
}

fn legal_basis(profile: PolicyProfile) -> Bilingual {
    match profile {
        PolicyProfile::Eu => Bilingual::new(
            "EU AI Act art. 5(1)(f) prohibits inferring emotions at work, recruitment included: expression cues are off and cannot be switched on. Presence and frame-quality cues need the candidate's consent.",
            "欧盟《人工智能法》第5条第1款(f)项禁止在工作场所(包括招聘)推断情绪:表情提示关闭且无法开启。在场和画面质量提示须经候选人同意。",
        ),
        PolicyProfile::MainlandChina => Bilingual::new(
            "PIPL art. 28-29: face data is sensitive personal information and needs a separate consent for each camera purpose, never one bundled with other terms.",
            "《个人信息保护法》第28-29条:人脸信息属于敏感个人信息,每项摄像头用途都须单独同意,不得与其他条款捆绑。",
        ),
        PolicyProfile::Illinois => Bilingual::new(
            "Illinois AI Video Interview Act (820 ILCS 42): before the interview, tell the candidate that AI may analyse the video, explain how it works, and obtain consent; delete videos within 30 days of a request.",
            "美国伊利诺伊州《人工智能视频面试法》(820 ILCS 42):面试前须告知候选人AI可能分析视频、说明其工作方式并取得同意;收到请求后30天内删除视频。",
        ),
        PolicyProfile::Default => Bilingual::new(
            "Consent per purpose before any capture; withdrawal stops that purpose at once.",
            "任何采集前须就每项用途取得同意;撤回后该用途立即停止。",
        ),
    }
}

fn policy_settings(profile: Option<PolicyProfile>) -> PolicySettings {
    let configured = profile.is_some();
    let profile = profile.unwrap_or_default();
    PolicySettings {
        profile,
        configured,
        expression_cues_permitted: profile.permits_expression_cues(),
        deletion_deadline_days: profile.deletion_deadline_days(),
        legal_basis: legal_basis(profile),
    }
}

fn notice_text(profile: PolicyProfile, language: Language) -> String {
    let zh = language == Language::Zh;
    let mut lines: Vec<&str> = Vec::new();
    if zh {
        lines.push("面试辅助工具告知书");
        lines.push("本次面试使用 Interview Copilot 辅助面试官。所有处理都在面试官的电脑上本地完成。请就以下每项用途分别选择是否同意;您可以随时撤回,撤回后该用途立即停止,不影响您的面试。");
        lines.push("- 录音:保存本次面试的音频。");
        lines.push("- 转写:在本机把语音转成文字,作为评价的依据。");
        lines.push(
            "- 在场提示:摄像头画面中检测人脸,只提示面试官您是否离开画面或画面过暗;不保存画面。",
        );
        if profile.permits_expression_cues() {
            lines.push("- 表情提示:一个准确度有限的模型估计表情(如紧张、放松),只作为给面试官的轻提示,从不计入评分、评级或报告分数。");
        }
        lines.push("- 传送至人力资源系统:面试结束后把报告发送到公司配置的人力资源系统。");
        if profile == PolicyProfile::Illinois {
            lines.push("说明:人脸检测模型在每一帧中找出人脸位置;表情模型把人脸图像归为七类表情之一。二者都不做身份识别,结果不用于录用决定。收到您的请求后30天内删除视频。");
        }
    } else {
        lines.push("Interview assistant notice");
        lines.push("This interview uses Interview Copilot to assist the interviewer. Everything is processed locally on the interviewer's computer. Please choose for each purpose below whether you agree; you may withdraw at any time, which stops that purpose at once and does not affect your interview.");
        lines.push("- Recording: keep the audio of this interview.");
        lines.push("- Transcription: turn speech into text on this computer, as the basis of the evaluation.");
        lines.push("- Presence cues: detect a face in the camera image, only to tell the interviewer when you have left the picture or it is too dark; no image is stored.");
        if profile.permits_expression_cues() {
            lines.push("- Expression cues: a model of limited accuracy estimates expressions (such as tension or ease) as a soft hint for the interviewer only; it never counts towards any rating, score or report score.");
        }
        lines.push("- Transfer to the HR system: send the report to the HR system your employer configured, after the interview.");
        if profile == PolicyProfile::Illinois {
            lines.push("How it works: a face detection model finds where a face is in each frame; an expression model sorts a face image into one of seven expressions. Neither identifies anyone, and neither is used for the hiring decision. Videos are deleted within 30 days of your request.");
        }
    }
    lines.join("\n")
}

struct GateState {
    profile: PolicyProfile,
    configured: bool,
    records: Vec<ConsentRecord>,
    started_at: Option<DateTime<Utc>>,
    stops: Vec<(Purpose, StopSignal)>,
}

impl GateState {
    fn status(&self, purpose: Purpose, now: DateTime<Utc>) -> PurposeStatus {
        let required = consent_required(self.configured, purpose);
        let decision = decide(self.profile, &self.records, purpose, self.started_at, now);
        // Without a requirement a purpose runs unless the candidate said no or withdrew; the EU
        // prohibition holds either way.
        let said_no = matches!(
            decision.denial,
            Some(Denial::Refused | Denial::Withdrawn | Denial::ProhibitedByPolicy)
        );
        let allowed = decision.allowed || (!required && !said_no);
        PurposeStatus {
            purpose,
            allowed,
            required,
            denial: if allowed { None } else { decision.denial },
        }
    }

    fn cues(&self, now: DateTime<Utc>) -> CueAllowance {
        cue_allowance(self.profile, &self.records, self.started_at, now)
    }

    /// Raise the stop signal of every purpose that may no longer run; forget stopped ones.
    fn enforce(&mut self, now: DateTime<Utc>) {
        let denied: Vec<Purpose> = Purpose::ALL
            .into_iter()
            .filter(|p| !self.status(*p, now).allowed)
            .collect();
        for (purpose, stop) in &self.stops {
            if denied.contains(purpose) {
                stop.stop();
            }
        }
        self.stops.retain(|(_, stop)| !stop.is_stopped());
    }
}

/// The live consent of one interview, shared by its capture loops. Cloning shares it; a withdrawal
/// through [`Copilot::withdraw_consent`] changes every clone at once.
#[derive(Clone)]
pub struct ConsentGate {
    interview_id: Arc<str>,
    state: Arc<Mutex<GateState>>,
}

impl std::fmt::Debug for ConsentGate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConsentGate")
            .field("interview_id", &self.interview_id)
            .finish()
    }
}

impl ConsentGate {
    fn lock(&self) -> std::sync::MutexGuard<'_, GateState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn interview_id(&self) -> &str {
        &self.interview_id
    }

    pub fn profile(&self) -> PolicyProfile {
        self.lock().profile
    }

    /// The purpose's state now.
    pub fn status(&self, purpose: Purpose) -> PurposeStatus {
        self.lock().status(purpose, Utc::now())
    }

    pub fn allows(&self, purpose: Purpose) -> bool {
        self.status(purpose).allowed
    }

    /// The camera cues allowed now (camera purposes always need consent).
    pub fn cue_allowance(&self) -> CueAllowance {
        self.lock().cues(Utc::now())
    }

    /// `Ok` when `purpose` may run now, else a [`ErrorCode::ConsentRequired`] error naming the fix.
    pub fn require(&self, purpose: Purpose) -> Result<(), CoreError> {
        let status = self.status(purpose);
        if status.allowed {
            return Ok(());
        }
        Err(consent_error(
            &self.interview_id,
            purpose,
            status.denial.unwrap_or(Denial::NoConsent),
        ))
    }

    /// Raise `stop` as soon as `purpose` may no longer run (at once if it may not run now).
    pub fn stop_on_withdrawal(&self, purpose: Purpose, stop: StopSignal) {
        let mut state = self.lock();
        state.stops.push((purpose, stop));
        state.enforce(Utc::now());
    }

    fn replace(&self, profile: Option<PolicyProfile>, records: Vec<ConsentRecord>) {
        let mut state = self.lock();
        state.configured = profile.is_some();
        state.profile = profile.unwrap_or_default();
        state.records = records;
        state.enforce(Utc::now());
    }
}

/// The error for a purpose that may not run, with what to do about it.
pub fn consent_error(interview_id: &str, purpose: Purpose, denial: Denial) -> CoreError {
    let what = purpose.as_str();
    let why = match denial {
        Denial::NoConsent => format!(
            "no consent for {what} was recorded: record the candidate's consent first (the consent step, or `copilot consent record --interview {interview_id} --grant {what}`)"
        ),
        Denial::Refused => format!("the candidate refused {what}: continue without it"),
        Denial::Withdrawn => {
            format!("the candidate withdrew consent for {what}: continue without it")
        }
        Denial::ProhibitedByPolicy => format!(
            "{what} is prohibited by the deployment's policy profile (EU AI Act art. 5(1)(f)): it cannot be enabled"
        ),
        Denial::NeedsSeparateConsent => format!(
            "{what} needs its own consent, not one bundled with other terms: ask for it separately"
        ),
        Denial::NeedsExplanationBeforeInterview => format!(
            "{what} needs notice, an explanation of the analysis and consent before the interview starts (Illinois): it cannot run in this interview"
        ),
    };
    CoreError::new(
        ErrorCode::ConsentRequired,
        format!("interview {interview_id}: {why}"),
    )
}

/// The running interviews' gates, so a withdrawal reaches them at once.
#[derive(Clone, Default)]
pub(crate) struct ConsentHub(Arc<Mutex<HashMap<String, Weak<Mutex<GateState>>>>>);

impl ConsentHub {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Weak<Mutex<GateState>>>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn get(&self, interview_id: &str) -> Option<ConsentGate> {
        let mut gates = self.lock();
        gates.retain(|_, weak| weak.strong_count() > 0);
        gates
            .get(interview_id)
            .and_then(Weak::upgrade)
            .map(|state| ConsentGate {
                interview_id: Arc::from(interview_id),
                state,
            })
    }

    fn all(&self) -> Vec<ConsentGate> {
        let mut gates = self.lock();
        gates.retain(|_, weak| weak.strong_count() > 0);
        gates
            .iter()
            .filter_map(|(id, weak)| {
                weak.upgrade().map(|state| ConsentGate {
                    interview_id: Arc::from(id.as_str()),
                    state,
                })
            })
            .collect()
    }
}

fn invalid(message: String) -> CoreError {
    CoreError::new(ErrorCode::InvalidInput, message)
}

impl Copilot {
    /// The deployment's policy (the default profile, not configured, until an HR admin chose one).
    pub async fn policy(&self) -> Result<PolicySettings, CoreError> {
        Ok(policy_settings(self.store.policy_profile().await?))
    }

    /// The HR admin chooses the deployment's profile; running interviews follow at once.
    pub async fn set_policy(&self, profile: PolicyProfile) -> Result<PolicySettings, CoreError> {
        self.store.set_policy_profile(profile).await?;
        for gate in self.consent_hub.all() {
            let records = self.store.consents(gate.interview_id()).await?;
            gate.replace(Some(profile), records);
        }
        self.policy().await
    }

    /// The built-in notice for the deployment's profile in `language`.
    pub async fn consent_notice(&self, language: Language) -> Result<ConsentNotice, CoreError> {
        let profile = self.store.policy_profile().await?.unwrap_or_default();
        let text = notice_text(profile, language);
        Ok(ConsentNotice {
            version: NOTICE_VERSION.to_string(),
            profile,
            language,
            sha256: notice_hash(&text),
            text,
            purposes: Purpose::ALL
                .into_iter()
                .filter(|p| *p != Purpose::ExpressionCues || profile.permits_expression_cues())
                .collect(),
            explains_analysis: profile == PolicyProfile::Illinois,
        })
    }

    /// The shared gate of an interview's consent (the one its capture loops already use, if any).
    pub async fn consent_gate(&self, interview_id: &str) -> Result<ConsentGate, CoreError> {
        let interview = self.store.interview(interview_id).await?;
        let profile = self.store.policy_profile().await?;
        let records = self.store.consents(interview_id).await?;
        if let Some(gate) = self.consent_hub.get(interview_id) {
            gate.replace(profile, records);
            gate.lock().started_at = interview.started_at;
            return Ok(gate);
        }
        let state = Arc::new(Mutex::new(GateState {
            profile: profile.unwrap_or_default(),
            configured: profile.is_some(),
            records,
            started_at: interview.started_at,
            stops: Vec::new(),
        }));
        self.consent_hub
            .lock()
            .insert(interview_id.to_string(), Arc::downgrade(&state));
        Ok(ConsentGate {
            interview_id: Arc::from(interview_id),
            state,
        })
    }

    /// An interview's consent records and what they allow now.
    pub async fn consent_status(&self, interview_id: &str) -> Result<ConsentStatus, CoreError> {
        let gate = self.consent_gate(interview_id).await?;
        let now = Utc::now();
        let state = gate.lock();
        Ok(ConsentStatus {
            interview_id: interview_id.to_string(),
            policy: policy_settings(state.configured.then_some(state.profile)),
            records: state.records.clone(),
            purposes: Purpose::ALL
                .into_iter()
                .map(|p| state.status(p, now))
                .collect(),
            cues: state.cues(now),
        })
    }

    /// The purposes that may run now for the interview.
    pub async fn allowed_purposes(&self, interview_id: &str) -> Result<Vec<Purpose>, CoreError> {
        Ok(self
            .consent_status(interview_id)
            .await?
            .purposes
            .into_iter()
            .filter(|p| p.allowed)
            .map(|p| p.purpose)
            .collect())
    }

    /// Records the candidate's answers (one row per purpose, all or none) at the current time.
    /// Under the EU profile a yes to expression cues is refused: they cannot be enabled.
    pub async fn record_consent(&self, consent: &NewConsent) -> Result<ConsentStatus, CoreError> {
        if consent.choices.is_empty() {
            return Err(invalid(
                "no purpose was answered: give the candidate's answer for at least one purpose"
                    .into(),
            ));
        }
        for (i, choice) in consent.choices.iter().enumerate() {
            if consent.choices[..i]
                .iter()
                .any(|c| c.purpose == choice.purpose)
            {
                return Err(invalid(format!(
                    "{} is answered twice: give one answer per purpose",
                    choice.purpose.as_str()
                )));
            }
        }
        if consent.notice_text.trim().is_empty() {
            return Err(invalid(
                "the notice text is empty: record the exact notice the candidate was shown".into(),
            ));
        }
        let profile = self.store.policy_profile().await?.unwrap_or_default();
        if !profile.permits_expression_cues()
            && consent
                .choices
                .iter()
                .any(|c| c.purpose == Purpose::ExpressionCues && c.granted)
        {
            return Err(consent_error(
                &consent.interview_id,
                Purpose::ExpressionCues,
                Denial::ProhibitedByPolicy,
            ));
        }
        let now = Utc::now();
        let records: Vec<ConsentRecord> = consent
            .choices
            .iter()
            .map(|choice| ConsentRecord {
                purpose: choice.purpose,
                granted: choice.granted,
                notice_version: consent.notice_version.trim().to_string(),
                notice_sha256: notice_hash(&consent.notice_text),
                language: consent.language.trim().to_string(),
                given_at: now,
                method: consent.method,
                interviewer: consent.interviewer.trim().to_string(),
                explanation_shown: consent.explanation_shown,
                withdrawn_at: None,
            })
            .collect();
        self.store
            .record_consents(&consent.interview_id, &records)
            .await?;
        self.refresh_gate(&consent.interview_id).await?;
        self.consent_status(&consent.interview_id).await
    }

    /// Withdraws the candidate's consent for `purpose`: stored at once, and every running capture
    /// of that purpose in this interview stops (the camera before its next frame, audio at once).
    pub async fn withdraw_consent(
        &self,
        interview_id: &str,
        purpose: Purpose,
    ) -> Result<ConsentStatus, CoreError> {
        let withdrawn = self
            .store
            .withdraw_consent(interview_id, purpose, Utc::now())
            .await?;
        if !withdrawn {
            return Err(CoreError::new(
                ErrorCode::NotFound,
                format!(
                    "interview {interview_id} has no consent in force for {} to withdraw (never given, refused or already withdrawn)",
                    purpose.as_str()
                ),
            ));
        }
        self.refresh_gate(interview_id).await?;
        self.consent_status(interview_id).await
    }

    async fn refresh_gate(&self, interview_id: &str) -> Result<(), CoreError> {
        if let Some(gate) = self.consent_hub.get(interview_id) {
            let profile = self.store.policy_profile().await?;
            gate.replace(profile, self.store.consents(interview_id).await?);
        }
        Ok(())
    }

    /// The report's consent section: every stored decision of the interview.
    pub(crate) async fn report_consent(
        &self,
        interview_id: &str,
        fallback: Language,
    ) -> Result<copilot_report::ConsentRecord, CoreError> {
        let records = self.store.consents(interview_id).await?;
        Ok(copilot_report::ConsentRecord {
            purposes: records
                .into_iter()
                .map(|r| copilot_report::ConsentEntry {
                    purpose: r.purpose.as_str().to_string(),
                    granted: r.granted,
                    notice_version: r.notice_version,
                    text_hash: r.notice_sha256,
                    language: Language::parse(&r.language)
                        .or_else(|| {
                            r.language
                                .split(['-', '_'])
                                .next()
                                .and_then(Language::parse)
                        })
                        .unwrap_or(fallback),
                    at: r.given_at.to_rfc3339(),
                    method: r.method.as_str().to_string(),
                    interviewer: r.interviewer,
                    withdrawn_at: r.withdrawn_at.map(|w| w.to_rfc3339()),
                })
                .collect(),
        })
    }
}
