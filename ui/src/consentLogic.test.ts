import { describe, expect, it } from "vitest";

import type { ConsentNotice } from "./bindings/ConsentNotice";
import type { ConsentStatus } from "./bindings/ConsentStatus";
import type { PolicySettings } from "./bindings/PolicySettings";
import {
  PROFILES,
  consentProblems,
  consentRequest,
  emptyConsentForm,
  needsConsentStep,
  profileRules,
  purposeAllowed,
  purposeLines,
} from "./consentLogic";
import { translate } from "./i18n";

const policy = (configured: boolean, profile: PolicySettings["profile"] = "default"): PolicySettings => ({
  profile,
  configured,
  expression_cues_permitted: profile !== "eu",
  deletion_deadline_days: profile === "illinois" ? 30 : null,
  legal_basis: { en: "x", zh: "x" },
});

const notice: ConsentNotice = {
  version: "2026-11.1",
  profile: "default",
  language: "zh",
  text: "告知书",
  sha256: "a".repeat(64),
  purposes: ["recording", "transcription", "presence_cues", "expression_cues", "transfer_to_hr"],
  explains_analysis: false,
};

function status(overrides: Partial<ConsentStatus>): ConsentStatus {
  return {
    interview_id: "iv-1",
    policy: policy(true),
    records: [],
    purposes: [],
    cues: { presence: false, frame_quality: false, expression: false },
    ...overrides,
  };
}

const record = (purpose: ConsentStatus["records"][number]["purpose"], granted: boolean, withdrawn: string | null = null) => ({
  purpose,
  granted,
  notice_version: "v",
  notice_sha256: "a".repeat(64),
  language: "en",
  given_at: "2026-11-30T10:00:00Z",
  method: "checkbox" as const,
  interviewer: "Megan",
  explanation_shown: false,
  withdrawn_at: withdrawn,
});

describe("profiles", () => {
  it("the EU profile never offers expression cues; the others do", () => {
    const offered = PROFILES.map((p) => [p, profileRules(p).purposes.includes("expression_cues")]);
    expect(offered).toEqual([
      ["eu", false],
      ["mainland_china", true],
      ["illinois", true],
      ["default", true],
    ]);
  });

  it("Illinois asks for the explanation before the interview and deletion within 30 days", () => {
    const rules = profileRules("illinois");
    expect([rules.explanationBeforeInterview, rules.deletionDays]).toEqual([true, 30]);
    expect(profileRules("default").deletionDays).toBeNull();
  });

  it("each profile's legal reason exists in both languages and names its law", () => {
    expect(translate(profileRules("eu").legal, {}, "en")).toContain("5(1)(f)");
    expect(translate(profileRules("eu").legal, {}, "zh")).toContain("第5条");
    expect(translate(profileRules("mainland_china").legal, {}, "en")).toContain("PIPL");
    expect(translate(profileRules("illinois").legal, {}, "en")).toContain("820 ILCS 42");
  });
});

describe("the consent step", () => {
  it("starts with nothing ticked and needs the interviewer's name", () => {
    const form = emptyConsentForm("en", "  ");
    expect(Object.values(form.choices).every((v) => v === false)).toBe(true);
    expect(consentProblems(form, notice)).toEqual(["consent.problem.interviewer"]);
    expect(consentProblems({ ...form, interviewer: "Megan" }, null)).toEqual(["consent.problem.notice"]);
    expect(consentProblems({ ...form, interviewer: "Megan" }, notice)).toEqual([]);
  });

  it("records one answer per purpose the notice asked about, with the notice's version, text and language", () => {
    const form = emptyConsentForm("zh", " Megan ");
    form.choices.transcription = true;
    form.choices.presence_cues = true;
    form.choices.expression_cues = true;
    form.method = "verbal";
    const eu = { ...notice, profile: "eu" as const, purposes: notice.purposes.filter((p) => p !== "expression_cues") };
    const request = consentRequest("iv-7", eu, form);
    expect(request).toEqual({
      interview_id: "iv-7",
      notice_version: "2026-11.1",
      notice_text: "告知书",
      language: "zh-CN",
      method: "verbal",
      interviewer: "Megan",
      explanation_shown: false,
      choices: [
        { purpose: "recording", granted: false },
        { purpose: "transcription", granted: true },
        { purpose: "presence_cues", granted: true },
        { purpose: "transfer_to_hr", granted: false },
      ],
    });
  });

  it("is required before the interview only once a policy is chosen and nothing is recorded", () => {
    expect(needsConsentStep(status({}))).toBe(true);
    expect(needsConsentStep(status({ policy: policy(false) }))).toBe(false);
    expect(needsConsentStep(status({ records: [record("transcription", true)] }))).toBe(false);
  });
});

describe("the live consent card", () => {
  it("shows each purpose's state and offers Withdraw only for a consent in force", () => {
    const s = status({
      records: [record("transcription", true), record("expression_cues", true), record("recording", false), record("presence_cues", true, "2026-11-30T10:05:00Z")],
      purposes: [
        { purpose: "recording", allowed: false, required: true, denial: "refused" },
        { purpose: "transcription", allowed: true, required: true, denial: null },
        { purpose: "presence_cues", allowed: false, required: true, denial: "withdrawn" },
        { purpose: "expression_cues", allowed: true, required: true, denial: null },
        { purpose: "transfer_to_hr", allowed: false, required: true, denial: "no_consent" },
      ],
    });
    expect(purposeLines(s).map((l) => `${l.purpose}:${l.state}:${l.withdrawable}`)).toEqual([
      "recording:refused:false",
      "transcription:allowed:true",
      "presence_cues:withdrawn:false",
      "expression_cues:allowed:true",
      "transfer_to_hr:no_consent:false",
    ]);
    expect(purposeAllowed(s, "transcription")).toBe(true);
    expect(purposeAllowed(s, "presence_cues")).toBe(false);
    expect(purposeAllowed(null, "transcription")).toBe(false);
  });

  it("leaves out expression cues under the EU profile and marks unrequired purposes", () => {
    const s = status({
      policy: policy(false, "eu"),
      purposes: [
        { purpose: "transcription", allowed: true, required: false, denial: null },
        { purpose: "expression_cues", allowed: false, required: true, denial: "prohibited_by_policy" },
      ],
    });
    expect(purposeLines(s).map((l) => `${l.purpose}:${l.state}:${l.withdrawable}`)).toEqual(["transcription:not_required:false"]);
  });
});
