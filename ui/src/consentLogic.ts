// Pure logic of the policy settings, the consent step and the withdraw controls: what each policy
// profile allows, which purposes the candidate is asked about, the consent to record, and what the
// live screen may start. No DOM, no IPC: the views call these and vitest checks them.
import type { ConsentMethod } from "./bindings/ConsentMethod";
import type { ConsentNotice } from "./bindings/ConsentNotice";
import type { ConsentStatus } from "./bindings/ConsentStatus";
import type { Denial } from "./bindings/Denial";
import type { NewConsent } from "./bindings/NewConsent";
import type { PolicyProfile } from "./bindings/PolicyProfile";
import type { Purpose } from "./bindings/Purpose";
import type { MessageKey } from "./i18n";

export const PROFILES: readonly PolicyProfile[] = ["eu", "mainland_china", "illinois", "default"];
export const PURPOSES: readonly Purpose[] = ["recording", "transcription", "presence_cues", "expression_cues", "transfer_to_hr"];
/** The methods the consent step offers: a bundled yes is never a separate consent. */
export const METHODS: readonly ConsentMethod[] = ["checkbox", "verbal", "written"];

/** What a profile enforces, as the policy settings list it. */
export type ProfileRules = {
  profile: PolicyProfile;
  /** Purposes the candidate may consent to under this profile. */
  purposes: Purpose[];
  expressionCues: boolean;
  separateCameraConsent: boolean;
  explanationBeforeInterview: boolean;
  deletionDays: number | null;
  /** The legal reason, as an i18n key. */
  legal: MessageKey;
};

/** Mirrors `copilot_consent::PolicyProfile` (the back end enforces it; this only explains it). */
export function profileRules(profile: PolicyProfile): ProfileRules {
  const expressionCues = profile !== "eu";
  return {
    profile,
    purposes: PURPOSES.filter((p) => p !== "expression_cues" || expressionCues),
    expressionCues,
    separateCameraConsent: true,
    explanationBeforeInterview: profile === "illinois",
    deletionDays: profile === "illinois" ? 30 : null,
    legal: `policy.legal.${profile}`,
  };
}

/** The consent step's answers. */
export type ConsentForm = {
  language: "en" | "zh";
  method: ConsentMethod;
  interviewer: string;
  choices: Record<Purpose, boolean>;
};

/** Every box starts unticked: consent is never assumed. */
export function emptyConsentForm(language: "en" | "zh", interviewer: string): ConsentForm {
  return {
    language,
    method: "checkbox",
    interviewer,
    choices: { recording: false, transcription: false, presence_cues: false, expression_cues: false, transfer_to_hr: false },
  };
}

/** Why the form cannot be recorded yet (i18n keys), empty when it can. */
export function consentProblems(form: ConsentForm, notice: ConsentNotice | null): MessageKey[] {
  const problems: MessageKey[] = [];
  if (notice === null) problems.push("consent.problem.notice");
  if (form.interviewer.trim() === "") problems.push("consent.problem.interviewer");
  return problems;
}

/** The record for `record_consent`: one answer per purpose the notice asked about, yes or no. */
export function consentRequest(interviewId: string, notice: ConsentNotice, form: ConsentForm): NewConsent {
  return {
    interview_id: interviewId,
    notice_version: notice.version,
    notice_text: notice.text,
    language: notice.language === "zh" ? "zh-CN" : "en",
    method: form.method,
    interviewer: form.interviewer.trim(),
    explanation_shown: notice.explains_analysis,
    choices: notice.purposes.map((purpose) => ({ purpose, granted: form.choices[purpose] })),
  };
}

/**
 * The consent step comes before the live screen when an HR admin chose a policy and nothing was
 * recorded for the interview yet. Without a policy it is offered, not forced.
 */
export function needsConsentStep(status: ConsentStatus): boolean {
  return status.policy.configured && status.records.length === 0;
}

export function purposeAllowed(status: ConsentStatus | null, purpose: Purpose): boolean {
  return status?.purposes.find((p) => p.purpose === purpose)?.allowed ?? false;
}

/** A purpose's line on the live screen: its state and whether it can be withdrawn now. */
export type PurposeLine = {
  purpose: Purpose;
  state: "allowed" | "not_required" | Denial;
  withdrawable: boolean;
};

/** One line per purpose, in the back end's order; expression cues left out when the policy forbids them. */
export function purposeLines(status: ConsentStatus): PurposeLine[] {
  return status.purposes
    .filter((p) => p.purpose !== "expression_cues" || status.policy.expression_cues_permitted)
    .map((p) => {
      const latest = [...status.records].reverse().find((r) => r.purpose === p.purpose);
      const consented = latest !== undefined && latest.granted && latest.withdrawn_at === null;
      const state: PurposeLine["state"] = p.allowed
        ? p.required || consented
          ? "allowed"
          : "not_required"
        : (p.denial ?? "no_consent");
      return { purpose: p.purpose, state, withdrawable: p.allowed && consented };
    });
}

/** The i18n key of a purpose line's state. */
export function stateKey(state: PurposeLine["state"]): MessageKey {
  return `consent.state.${state}`;
}
