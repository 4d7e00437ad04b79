// The reports kept on this machine because the candidate did not consent to their transfer to
// the HR system (shown on the sync screen; they are never queued).
import { api } from "../api";
import { h, replace } from "../dom";
import { t } from "../i18n";
import { errorBox } from "../ui";

export function heldReportsCard(): HTMLElement {
  const card = h("section", { class: "card", testid: "sync-held" });
  void api
    .heldReports()
    .then((held) => {
      replace(
        card,
        h("h2", null, t("held.title")),
        held.length === 0
          ? h("p", { class: "muted small", testid: "held-empty" }, t("held.empty"))
          : [
              h("p", { class: "small" }, t("held.body")),
              h(
                "ul",
                null,
                held.map((r) =>
                  h(
                    "li",
                    { testid: "held-report", "data-report": r.report_id },
                    h("strong", null, r.candidate_name),
                    " · ",
                    h("code", null, r.report_id.slice(0, 8)),
                    " — ",
                    t(`consent.state.${r.denial ?? "no_consent"}`),
                  ),
                ),
              ),
            ],
      );
    })
    .catch((error) => replace(card, errorBox(error, "held-error")));
  return card;
}
