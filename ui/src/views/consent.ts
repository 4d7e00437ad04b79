// The consent step before an interview (the notice for the policy and language, one box per
// purpose, the method and the interviewer) and, on the live screen, each purpose's state with a
// Withdraw control that stops that purpose at once.
import { api } from "../api";
import type { ConsentNotice } from "../bindings/ConsentNotice";
import type { ConsentStatus } from "../bindings/ConsentStatus";
import type { Interview } from "../bindings/Interview";
import type { Purpose } from "../bindings/Purpose";
import { METHODS, consentProblems, consentRequest, emptyConsentForm, purposeLines, stateKey, type ConsentForm } from "../consentLogic";
import { h, replace } from "../dom";
import { getLanguage, t } from "../i18n";
import { button, errorBox, field, pageHeader } from "../ui";

/**
 * The consent step: resolves through `onRecorded` once the candidate's answers are stored.
 * `onSkip` is offered only when no policy requires the step.
 */
export async function renderConsentStep(
  root: HTMLElement,
  interview: Interview,
  onRecorded: (status: ConsentStatus) => void,
  onBack: () => void,
  onSkip: (() => void) | null,
): Promise<void> {
  const form: ConsentForm = emptyConsentForm(getLanguage(), interview.interviewers[0] ?? "");
  let notice: ConsentNotice | null = null;
  let noticeError: unknown = null;
  const noticeBox = h("div", { class: "consent-notice-box" });
  const purposes = h("div", { class: "consent-purposes", testid: "consent-purposes" });
  const status = h("div", { "aria-live": "polite" });
  const recordButton = button(t("consent.record"), () => void record(), { class: "primary", testid: "consent-record" });

  const loadNotice = async () => {
    try {
      notice = await api.consentNotice(form.language);
      noticeError = null;
    } catch (error) {
      notice = null;
      noticeError = error;
    }
    draw();
  };

  const draw = () => {
    replace(
      noticeBox,
      noticeError
        ? errorBox(noticeError, "consent-notice-error")
        : notice
          ? [
              h("pre", { class: "consent-notice", testid: "consent-notice", lang: notice.language === "zh" ? "zh-CN" : "en" }, notice.text),
              h("p", { class: "muted small", testid: "consent-notice-version" }, t("consent.noticeVersion", { version: notice.version, hash: notice.sha256.slice(0, 12) })),
            ]
          : h("p", { class: "muted" }, t("app.loading")),
    );
    replace(
      purposes,
      notice
        ? notice.purposes.map((purpose) =>
            h(
              "label",
              { class: "check consent-choice" },
              h("input", {
                type: "checkbox",
                testid: `consent-${purpose}`,
                checked: form.choices[purpose],
                onchange: (e: Event) => {
                  form.choices[purpose] = (e.target as HTMLInputElement).checked;
                },
              }),
              h("span", null, h("strong", null, t(`consent.purpose.${purpose}`)), " — ", h("span", { class: "muted small" }, t(`consent.help.${purpose}`))),
            ),
          )
        : null,
      notice && !notice.purposes.includes("expression_cues")
        ? h("p", { class: "muted small", testid: "consent-expression-absent" }, t("consent.expressionProhibited"))
        : null,
    );
    recordButton.disabled = consentProblems(form, notice).length > 0;
  };

  const record = async () => {
    const problems = consentProblems(form, notice);
    if (problems.length > 0 || notice === null) {
      replace(status, h("p", { class: "notice notice-error", testid: "consent-problems" }, problems.map((p) => t(p)).join(" ")));
      return;
    }
    recordButton.disabled = true;
    try {
      onRecorded(await api.recordConsent(consentRequest(interview.id, notice, form)));
    } catch (error) {
      recordButton.disabled = false;
      replace(status, errorBox(error, "consent-error"));
    }
  };

  const languageSelect = h(
    "select",
    {
      testid: "consent-language",
      onchange: (e: Event) => {
        form.language = (e.target as HTMLSelectElement).value as "en" | "zh";
        void loadNotice();
      },
    },
    h("option", { value: "en", selected: form.language === "en" }, t("language.en")),
    h("option", { value: "zh", selected: form.language === "zh" }, t("language.zh")),
  );
  const methodSelect = h(
    "select",
    { testid: "consent-method", onchange: (e: Event) => (form.method = (e.target as HTMLSelectElement).value as ConsentForm["method"]) },
    METHODS.map((m) => h("option", { value: m, selected: form.method === m }, t(`consent.method.${m}`))),
  );
  const interviewer = h("input", {
    type: "text",
    testid: "consent-interviewer",
    value: form.interviewer,
    oninput: (e: Event) => {
      form.interviewer = (e.target as HTMLInputElement).value;
      recordButton.disabled = consentProblems(form, notice).length > 0;
    },
  });

  replace(
    root,
    button(t("iv.back"), onBack, { class: "link back", testid: "consent-back" }),
    h(
      "div",
      { testid: "consent-step" },
      pageHeader(t("consent.title"), t("consent.subtitle", { name: interview.candidate.name })),
      h(
        "section",
        { class: "card" },
        h("div", { class: "grid two" }, field(t("consent.language"), languageSelect), field(t("consent.method"), methodSelect)),
        noticeBox,
        h("h2", null, t("consent.choices")),
        h("p", { class: "muted small" }, t("consent.choicesHelp")),
        purposes,
        field(t("consent.interviewer"), interviewer, t("consent.interviewerHelp")),
        status,
        h(
          "div",
          { class: "actions" },
          recordButton,
          onSkip ? button(t("consent.skip"), onSkip, { class: "secondary", testid: "consent-skip" }) : null,
        ),
      ),
    ),
  );
  draw();
  await loadNotice();
}

/**
 * The live screen's consent card: each purpose's state and a Withdraw control. `onChange` gets
 * the new status after a withdrawal (capture of that purpose has already stopped).
 */
export function consentCard(
  interviewId: string,
  status: ConsentStatus,
  onChange: (status: ConsentStatus) => void,
  onRecordNow: (() => void) | null,
): HTMLElement {
  const error = h("div", { "aria-live": "polite" });
  const withdraw = async (purpose: Purpose) => {
    try {
      onChange(await api.withdrawConsent(interviewId, purpose));
    } catch (e) {
      replace(error, errorBox(e, "withdraw-error"));
    }
  };
  return h(
    "section",
    { class: "card consent-card", testid: "consent-card" },
    h("div", { class: "card-header" }, h("h2", null, t("consent.live.title")), h("span", { class: "muted small", testid: "consent-policy" }, t(`policy.profile.${status.policy.profile}`))),
    !status.policy.configured ? h("p", { class: "small warn", testid: "consent-unconfigured" }, t("consent.live.unconfigured")) : null,
    h(
      "ul",
      { class: "consent-lines" },
      purposeLines(status).map((line) =>
        h(
          "li",
          { testid: `consent-line-${line.purpose}`, "data-state": line.state },
          h("span", null, t(`consent.purpose.${line.purpose}`)),
          h("span", { class: line.state === "allowed" || line.state === "not_required" ? "chip ok" : "chip off" }, t(stateKey(line.state))),
          line.withdrawable
            ? button(t("consent.withdraw"), () => void withdraw(line.purpose), { class: "link", testid: `withdraw-${line.purpose}` })
            : null,
        ),
      ),
    ),
    onRecordNow && status.records.length === 0
      ? button(t("consent.recordNow"), onRecordNow, { class: "secondary", testid: "consent-open" })
      : null,
    error,
  );
}
