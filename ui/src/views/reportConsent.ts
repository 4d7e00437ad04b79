// The report's consent record in the window (every decision the candidate made, with the notice
// version and hash), and whether the report is held on this machine for lack of transfer consent.
import "../vision.css";

import { api } from "../api";
import type { Report } from "../bindings/Report";
import { h, replace } from "../dom";
import { t, type MessageKey } from "../i18n";
import { formatDate } from "../ui";

const PURPOSE_KEYS: Record<string, MessageKey> = {
  recording: "consent.purpose.recording",
  transcription: "consent.purpose.transcription",
  presence_cues: "consent.purpose.presence_cues",
  expression_cues: "consent.purpose.expression_cues",
  transfer_to_hr: "consent.purpose.transfer_to_hr",
};

export function reportConsentCard(report: Report): HTMLElement {
  const held = h("div", { "aria-live": "polite" });
  void api
    .heldReports()
    .then((list) => {
      const mine = list.find((r) => r.report_id === report.report_id);
      replace(
        held,
        mine
          ? h("p", { class: "notice notice-warn", testid: "report-held" }, t("held.report", { reason: t(`consent.state.${mine.denial ?? "no_consent"}`) }))
          : null,
      );
    })
    .catch(() => undefined);
  const entries = report.consent.purposes;
  return h(
    "section",
    { class: "card", testid: "report-consent" },
    h("h2", null, t("report.consent.title")),
    held,
    entries.length === 0
      ? h("p", { class: "muted small", testid: "report-consent-empty" }, t("report.consent.none"))
      : h(
          "ul",
          { class: "consent-lines" },
          entries.map((e) =>
            h(
              "li",
              { testid: `report-consent-${e.purpose}`, "data-granted": e.granted ? "true" : "false" },
              h("span", null, PURPOSE_KEYS[e.purpose] ? t(PURPOSE_KEYS[e.purpose] as MessageKey) : e.purpose),
              h(
                "span",
                { class: e.granted && e.withdrawn_at === null ? "chip ok" : "chip off" },
                e.withdrawn_at !== null ? t("consent.state.withdrawn") : e.granted ? t("consent.state.allowed") : t("consent.state.refused"),
              ),
              h(
                "span",
                { class: "muted small" },
                t("report.consent.meta", { interviewer: e.interviewer, method: e.method, at: formatDate(e.at), version: e.notice_version, hash: e.text_hash.slice(0, 12) }),
              ),
            ),
          ),
        ),
  );
}
