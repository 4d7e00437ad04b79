// The HR sync screen (the queue with its states, refused reports with the server's reason and a
// Resend button, connectors to sign in to again, assigned interviews, "Sync now") and the header's
// sync indicator. Both refresh themselves every few seconds while shown.
import "../sync.css";

import { api } from "../api";
import type { ConnectorInfo } from "../bindings/ConnectorInfo";
import type { OutboxItem } from "../bindings/OutboxItem";
import type { SyncRunReport } from "../bindings/SyncRunReport";
import type { SyncStatus } from "../bindings/SyncStatus";
import type { Context } from "../context";
import { h, replace, type Child } from "../dom";
import { t } from "../i18n";
import { fieldLabel, indicatorView, nextAttempt, relativeTime, runSummary, serverReason, signature, stateKey, type Text } from "../syncLogic";
import { button, errorBox, formatDate, pageHeader } from "../ui";
import { heldReportsCard } from "./heldReports";

/** How often the open sync screen reloads the queue. */
const SCREEN_REFRESH_MS = 3000;
/** How often the header indicator reloads the counts. */
const INDICATOR_REFRESH_MS = 5000;

function say(text: Text): string {
  return t(text.key, text.params);
}

function when(iso: string | null, nowMs: number): string {
  if (iso === null) return "—";
  const relative = relativeTime(iso, nowMs);
  return relative ? say(relative) : iso;
}

// The header indicator: one element kept across renders, so its polling starts once.

let indicator: HTMLButtonElement | null = null;
let shownStatus: SyncStatus | null = null;

function drawIndicator(): void {
  if (!indicator) return;
  const view = indicatorView(shownStatus);
  indicator.dataset.tone = view.tone;
  indicator.title = say(view.detail);
  indicator.setAttribute("aria-label", say(view.detail));
  replace(indicator, h("span", { class: "sync-dot", "aria-hidden": "true" }), view.parts.map(say).join(" · "));
}

/** Shows fresh counts in the indicator (the sync screen passes what it loaded). */
export function showSyncStatus(status: SyncStatus | null): void {
  shownStatus = status;
  drawIndicator();
}

/** Reloads the indicator now (after a change the next poll would show late). */
export async function refreshIndicator(): Promise<void> {
  try {
    showSyncStatus(await api.syncStatus());
  } catch {
    // The store may not be open (start-up error screen): the indicator says it does not know.
    showSyncStatus(null);
  }
}

/** The header's sync indicator; clicking it opens the sync screen. */
export function syncIndicator(open: () => void): HTMLElement {
  if (!indicator) {
    indicator = h("button", { type: "button", class: "sync-indicator", testid: "sync-indicator", onclick: () => open() });
    window.setInterval(() => void refreshIndicator(), INDICATOR_REFRESH_MS);
    void refreshIndicator();
  }
  drawIndicator();
  return indicator;
}

// The sync screen.

type Names = { reports: Map<string, string>; connectors: Map<string, string> };

async function reportNames(): Promise<Map<string, string>> {
  const [reports, interviews] = await Promise.all([api.listReports(), api.listInterviews()]);
  const candidates = new Map(interviews.map((i) => [i.id, i.candidate.name]));
  return new Map(reports.map((r) => [r.report_id, candidates.get(r.interview_id) ?? ""]));
}

function reportLabel(names: Names, reportId: string): Child {
  const name = names.reports.get(reportId);
  return [
    name ? h("span", { class: "strong" }, name) : null,
    h("span", { class: "muted small sync-mono", title: reportId }, name ? ` ${reportId.slice(0, 8)}` : reportId.slice(0, 8)),
  ];
}

function stateBadge(item: OutboxItem): HTMLElement {
  return h(
    "span",
    { class: `sync-state sync-state-${item.state}`, testid: `queue-state-${item.report_id}-${item.connector_id}` },
    t(stateKey(item.state)),
  );
}

function runResult(report: SyncRunReport): HTMLElement {
  return h(
    "div",
    { class: report.failures.length > 0 || report.dead > 0 || report.paused > 0 ? "notice notice-error" : "notice notice-ok", testid: "sync-run-result" },
    h("p", null, runSummary(report).map(say).join(" ")),
    report.failures.length > 0
      ? [h("p", { class: "muted" }, t("sync.pullFailures")), h("ul", { class: "problems" }, report.failures.map((f) => h("li", null, f)))]
      : null,
  );
}

export async function renderSync(screen: HTMLElement, context: Context): Promise<void> {
  let [status, reports, assigned] = await Promise.all([api.syncStatus(), reportNames(), api.assignedInterviews()]);
  showSyncStatus(status);

  const notice = h("div", { testid: "sync-notice", "aria-live": "polite" });
  const counts = h("div", { class: "sync-counts", testid: "sync-counts" });
  const setup = h("div");
  const paused = h("div", { testid: "sync-paused" });
  const dead = h("div", { testid: "sync-dead" });
  const queue = h("section", { class: "card", testid: "sync-queue" });
  const assignedCard = h("section", { class: "card", testid: "sync-assigned" });
  const drawn = { paused: "", dead: "", assigned: "" };

  const names = (): Names => ({ reports, connectors: new Map(status.connectors.map((c) => [c.id, c.name])) });

  const refresh = async () => {
    try {
      status = await api.syncStatus();
      if (status.queue.some((item) => !reports.has(item.report_id))) reports = await reportNames();
      showSyncStatus(status);
      draw();
    } catch (error) {
      replace(notice, errorBox(error, "sync-error"));
    }
  };

  const syncNow = button(
    t("sync.now"),
    async () => {
      syncNow.disabled = true;
      syncNow.textContent = t("sync.running");
      try {
        const report = await api.syncNow();
        assigned = await api.assignedInterviews();
        replace(notice, runResult(report));
      } catch (error) {
        replace(notice, errorBox(error, "sync-error"));
      }
      syncNow.disabled = false;
      syncNow.textContent = t("sync.now");
      await refresh();
    },
    { class: "primary", testid: "sync-now" },
  );

  const resend = async (item: OutboxItem) => {
    try {
      await api.resendReport(item.report_id);
      replace(notice, h("p", { class: "notice notice-ok", testid: "sync-resent" }, t("sync.dead.resent", { report: item.report_id.slice(0, 8) })));
    } catch (error) {
      replace(notice, errorBox(error, "sync-error"));
    }
    await refresh();
  };

  const signIn = async (connector: ConnectorInfo, secret: string | null, input: HTMLInputElement | null) => {
    try {
      if (secret !== null && input !== null) {
        if (input.value === "") {
          input.classList.add("invalid");
          input.focus();
          return;
        }
        await api.setConnectorSecret(connector.id, secret, input.value);
        input.value = "";
      } else {
        await api.resumeConnector(connector.id);
      }
      replace(notice, h("p", { class: "notice notice-ok", testid: "sync-signed-in" }, t("sync.paused.saved", { name: connector.name })));
    } catch (error) {
      replace(notice, errorBox(error, "sync-error"));
    }
    drawn.paused = "";
    await refresh();
  };

  const pausedCard = (connector: ConnectorInfo): HTMLElement => {
    // The secret to enter again: the first required one (the token, app secret or API key).
    const slot = connector.secrets.find((s) => s.required) ?? connector.secrets[0] ?? null;
    const label = slot ? fieldLabel(connector.kind, slot.name) : null;
    const input = slot
      ? h("input", {
          type: "password",
          autocomplete: "off",
          testid: `signin-secret-${connector.id}`,
          oninput: (e: Event) => (e.target as HTMLInputElement).classList.remove("invalid"),
          onkeydown: (e: KeyboardEvent) => {
            if (e.key === "Enter") void signIn(connector, slot.name, input);
          },
        })
      : null;
    return h(
      "section",
      { class: "card sync-paused-card", testid: `paused-${connector.id}` },
      h("h2", null, t("sync.paused.title"), ": ", connector.name),
      h("p", null, t("sync.paused.body", { name: connector.name })),
      connector.paused_reason
        ? h("p", { class: "sync-reason", testid: `paused-reason-${connector.id}`, title: connector.paused_reason }, t("sync.paused.reason", { reason: serverReason(connector.paused_reason) }))
        : null,
      h(
        "div",
        { class: "sync-signin" },
        input && slot ? h("label", { class: "field" }, h("span", { class: "field-label" }, label ? t(label) : slot.name), input) : null,
        h(
          "div",
          { class: "actions" },
          input && slot ? button(t("sync.paused.save"), () => void signIn(connector, slot.name, input), { class: "primary", testid: `signin-save-${connector.id}` }) : null,
          button(t("sync.paused.retry"), () => void signIn(connector, null, null), { class: "secondary", testid: `signin-retry-${connector.id}` }),
        ),
      ),
    );
  };

  const deadCard = (item: OutboxItem, n: Names): HTMLElement => {
    const key = `${item.report_id}-${item.connector_id}`;
    return h(
      "div",
      { class: "sync-dead-letter", testid: `dead-${key}` },
      h(
        "div",
        { class: "sync-dead-head" },
        h("div", null, reportLabel(n, item.report_id), h("span", { class: "muted small" }, " → ", n.connectors.get(item.connector_id) ?? item.connector_id)),
        item.last_status !== null ? h("span", { class: "sync-http", testid: `dead-status-${key}` }, `HTTP ${item.last_status}`) : null,
      ),
      h(
        "p",
        { class: "sync-reason" },
        h("span", { class: "muted small" }, t("sync.dead.reason"), ": "),
        h("span", { testid: `dead-reason-${key}`, title: item.last_error ?? "" }, serverReason(item.last_error)),
      ),
      h(
        "div",
        { class: "actions" },
        h("span", { class: "muted small" }, t("sync.col.attempts"), ": ", String(item.attempts)),
        button(t("sync.dead.resend"), () => void resend(item), { class: "primary small", testid: `resend-${key}` }),
      ),
    );
  };

  const queueRow = (item: OutboxItem, n: Names, nowMs: number): HTMLElement => {
    const next = nextAttempt(item, nowMs);
    return h(
      "tr",
      { testid: `queue-row-${item.report_id}-${item.connector_id}`, "data-state": item.state },
      h("td", null, reportLabel(n, item.report_id)),
      h("td", null, n.connectors.get(item.connector_id) ?? item.connector_id),
      h("td", null, stateBadge(item)),
      h("td", { class: "num" }, String(item.attempts)),
      h("td", null, next ? say(next) : "—"),
      h("td", { class: "num", title: item.last_error ?? "" }, item.last_status === null ? "—" : String(item.last_status)),
      h("td", { title: item.delivered_at ? formatDate(item.delivered_at) : "" }, when(item.delivered_at, nowMs)),
    );
  };

  const draw = () => {
    const nowMs = Date.now();
    const n = names();
    replace(
      counts,
      (["pending", "sending", "delivered", "dead", "paused"] as const).map((state) =>
        h(
          "div",
          { class: `sync-count sync-count-${state}`, testid: `sync-count-${state}` },
          h("span", { class: "sync-count-value" }, String(status[state])),
          h("span", { class: "muted small" }, t(stateKey(state))),
        ),
      ),
      status.next_attempt_at ? h("p", { class: "muted small sync-next" }, t("sync.nextAttempt", { when: when(status.next_attempt_at, nowMs) })) : null,
    );
    replace(
      setup,
      status.connectors.length === 0
        ? h(
            "div",
            { class: "notice", testid: "sync-no-connectors" },
            h("p", null, t("sync.noConnectors")),
            button(t("sync.addConnector"), () => context.navigate({ view: "connectors" }), { class: "secondary small", testid: "sync-add-connector" }),
          )
        : null,
    );

    // Sections with inputs or buttons are re-drawn only when they changed, so typing survives a refresh.
    const pausedConnectors = status.connectors.filter((c) => c.paused);
    const pausedSig = signature(pausedConnectors, ["id", "name", "paused_reason"]);
    if (pausedSig !== drawn.paused) {
      drawn.paused = pausedSig;
      replace(paused, pausedConnectors.map(pausedCard));
    }
    const letters = status.queue.filter((item) => item.state === "dead");
    const deadSig = signature(letters, ["report_id", "connector_id", "attempts", "last_error"]) + JSON.stringify([...n.reports, ...n.connectors]);
    if (deadSig !== drawn.dead) {
      drawn.dead = deadSig;
      replace(
        dead,
        letters.length === 0
          ? null
          : h(
              "section",
              { class: "card sync-dead-card" },
              h("h2", null, t("sync.dead.title")),
              h("p", { class: "muted" }, t("sync.dead.body")),
              letters.map((item) => deadCard(item, n)),
            ),
      );
    }

    replace(
      queue,
      h("h2", null, t("sync.queue.title")),
      status.queue.length === 0
        ? h("p", { class: "muted", testid: "sync-queue-empty" }, t("sync.queue.empty"))
        : h(
            "table",
            { class: "table", testid: "queue-table" },
            h(
              "thead",
              null,
              h(
                "tr",
                null,
                h("th", null, t("sync.col.report")),
                h("th", null, t("sync.col.connector")),
                h("th", null, t("sync.col.state")),
                h("th", { class: "num" }, t("sync.col.attempts")),
                h("th", null, t("sync.col.next")),
                h("th", { class: "num" }, t("sync.col.lastStatus")),
                h("th", null, t("sync.col.delivered")),
              ),
            ),
            h("tbody", null, status.queue.map((item) => queueRow(item, n, nowMs))),
          ),
    );

    const assignedSig = signature(assigned, ["connector_id", "external_id", "interview_id", "scheduled_at"]);
    if (assignedSig !== drawn.assigned) {
      drawn.assigned = assignedSig;
      replace(
        assignedCard,
        h("h2", null, t("sync.assigned.title")),
        assigned.length === 0
          ? h("p", { class: "muted", testid: "assigned-empty" }, t("sync.assigned.empty"))
          : h(
              "table",
              { class: "table", testid: "assigned-list" },
              h(
                "thead",
                null,
                h(
                  "tr",
                  null,
                  h("th", null, t("sync.assigned.candidate")),
                  h("th", null, t("sync.assigned.job")),
                  h("th", null, t("sync.assigned.scheduled")),
                  h("th", null, t("sync.col.connector")),
                  h("th", null, t("sync.col.state")),
                ),
              ),
              h(
                "tbody",
                null,
                assigned.map((a) =>
                  h(
                    "tr",
                    { testid: `assigned-${a.connector_id}-${a.external_id}` },
                    h("td", null, h("span", { class: "strong" }, a.candidate_name), a.candidate_email ? h("span", { class: "muted small" }, ` ${a.candidate_email}`) : null),
                    h("td", null, a.job_title || "—"),
                    h("td", null, a.scheduled_at ? formatDate(a.scheduled_at) : "—"),
                    h("td", null, n.connectors.get(a.connector_id) ?? a.connector_id),
                    h("td", null, t(a.interview_id ? "sync.assigned.linked" : "sync.assigned.notLinked")),
                  ),
                ),
              ),
            ),
      );
    }
  };

  draw();
  screen.classList.add("sync-screen");
  replace(
    screen,
    pageHeader(
      t("sync.title"),
      t("sync.subtitle"),
      syncNow,
      button(t("sync.settings"), () => context.navigate({ view: "connectors" }), { class: "secondary", testid: "sync-settings" }),
    ),
    notice,
    setup,
    counts,
    paused,
    dead,
    queue,
    heldReportsCard(),
    assignedCard,
  );

  // Reload while the screen is shown; stop once it has been replaced.
  const tick = () => {
    if (!screen.isConnected) return;
    void refresh().then(() => window.setTimeout(tick, SCREEN_REFRESH_MS));
  };
  window.setTimeout(tick, SCREEN_REFRESH_MS);
}
