// The window: start-up (including the first-run recovery key and start-up errors), the header with
// navigation and the language switch, and the current screen.
import "./styles.css";

import { api } from "./api";
import type { AppInfo } from "./bindings/AppInfo";
import type { Language } from "./bindings/Language";
import type { Context, Route } from "./context";
import { h, replace } from "./dom";
import { setLanguage, t, type MessageKey } from "./i18n";
import { asCoreError, button, errorBox, loading } from "./ui";
import { renderImportExport } from "./views/importExport";
import { renderInterview, renderInterviews, renderNewInterview } from "./views/interviews";
import { discardDraft, renderJobEditor } from "./views/jobEditor";
import { renderLive } from "./views/live";
import { renderReport, renderReports } from "./views/report";
import { renderJobs } from "./views/jobs";
import { renderConnectors } from "./views/connectors";
import { renderSync, syncIndicator } from "./views/sync";
import { renderPolicy } from "./views/policy";

const root = document.getElementById("app") as HTMLElement;
let info: AppInfo | null = null;
let route: Route = { view: "jobs" };
let renderToken = 0;

function navigate(next: Route): void {
  // Navigating loads fresh data; only a re-render (e.g. the language switch) keeps an edit draft.
  discardDraft();
  route = next;
  void render();
}

async function switchLanguage(): Promise<void> {
  if (!info) return;
  const next: Language = info.ui_language === "en" ? "zh" : "en";
  info = { ...info, ui_language: next };
  setLanguage(next);
  void render();
  try {
    await api.setUiLanguage(next);
  } catch (error) {
    console.error("could not remember the UI language", error);
  }
}

function header(current: Route): HTMLElement {
  const section =
    current.view === "job"
      ? "jobs"
      : current.view === "interview" || current.view === "new-interview" || current.view === "live"
        ? "interviews"
        : current.view === "report"
          ? "reports"
          : current.view === "connectors"
            ? "sync"
            : current.view;
  const tab = (view: "jobs" | "io" | "interviews" | "reports" | "sync" | "policy", key: MessageKey) =>
    button(t(key), () => navigate({ view } as Route), {
      class: section === view ? "nav-item active" : "nav-item",
      testid: `nav-${view}`,
      "aria-current": section === view ? "page" : undefined,
    });
  return h(
    "header",
    { class: "app-header" },
    h("div", { class: "brand" }, h("span", { class: "brand-mark" }, "IC"), h("span", { testid: "app-title" }, t("app.title"))),
    h("nav", { class: "nav" }, tab("jobs", "nav.jobs"), tab("io", "nav.importExport"), tab("interviews", "nav.interviews"), tab("reports", "nav.reports"), tab("sync", "nav.sync"), tab("policy", "nav.policy")),
    syncIndicator(() => navigate({ view: "sync" })),
    button(t("lang.switch"), () => void switchLanguage(), {
      class: "lang-switch",
      testid: "lang-switch",
      title: t("lang.switchTitle"),
      lang: info?.ui_language === "en" ? "zh-CN" : "en",
    }),
  );
}

async function render(): Promise<void> {
  if (!info) return;
  const token = ++renderToken;
  const main = h("main", { class: "content", testid: `view-${route.view}` }, loading());
  replace(root, header(route), main);
  const context: Context = { info, navigate };
  const screen = h("div", { class: "screen" });
  try {
    switch (route.view) {
      case "jobs":
        await renderJobs(screen, context);
        break;
      case "job":
        await renderJobEditor(screen, context, route.jobId, route.version);
        break;
      case "io":
        await renderImportExport(screen, context);
        break;
      case "interviews":
        await renderInterviews(screen, context, route.notice);
        break;
      case "new-interview":
        await renderNewInterview(screen, context);
        break;
      case "interview":
        await renderInterview(screen, context, route.id, route.notice);
        break;
      case "live":
        await renderLive(screen, context, route.id, route.demo);
        break;
      case "reports":
        await renderReports(screen, context);
        break;
      case "report":
        await renderReport(screen, context, route.id, route.notice);
        break;
      case "sync":
        await renderSync(screen, context);
        break;
      case "connectors":
        await renderConnectors(screen, context);
        break;
      case "policy":
        await renderPolicy(screen, context);
        break;
    }
  } catch (error) {
    replace(screen, errorBox(error, "screen-error"));
  }
  if (token === renderToken) replace(main, screen);
  if (info.recovery_key) root.appendChild(recoveryDialog(info.recovery_key));
}

function recoveryDialog(key: string): HTMLElement {
  const copyButton = button(
    t("recovery.copy"),
    () => {
      void navigator.clipboard
        ?.writeText(key)
        .then(() => (copyButton.textContent = t("recovery.copied")))
        .catch(() => undefined);
    },
    { class: "secondary", testid: "recovery-copy" },
  );
  const failure = h("div", null);
  return h(
    "div",
    { class: "overlay" },
    h(
      "div",
      { class: "dialog", role: "dialog", "aria-modal": "true", testid: "recovery-dialog" },
      h("h2", null, t("recovery.title")),
      h("p", null, t("recovery.body")),
      h("pre", { class: "recovery-key", testid: "recovery-key" }, key),
      failure,
      h(
        "div",
        { class: "actions" },
        copyButton,
        button(
          t("recovery.ack"),
          async () => {
            try {
              await api.acknowledgeRecoveryKey();
              if (info) info = { ...info, recovery_key: null };
              void render();
            } catch (error) {
              replace(failure, errorBox(error, "recovery-error"));
            }
          },
          { class: "primary", testid: "recovery-ack" },
        ),
      ),
    ),
  );
}

function startupError(error: unknown): HTMLElement {
  const core = asCoreError(error);
  const hintKey: MessageKey =
    core.code === "keychain_unavailable" || core.code === "database_key_missing" || core.code === "database_refused"
      ? `startup.hint.${core.code}`
      : "startup.hint.other";
  return h(
    "main",
    { class: "content startup", testid: "startup-error" },
    h("h1", null, t("startup.title")),
    errorBox(core, "startup-error-box"),
    h("h2", null, t("startup.fix")),
    h("p", { testid: "startup-hint" }, t(hintKey)),
    h("p", { class: "muted" }, t("error.code", { code: core.code })),
    button(t("startup.retry"), () => void start(), { class: "primary", testid: "startup-retry" }),
  );
}

async function start(): Promise<void> {
  replace(root, h("main", { class: "content" }, loading()));
  try {
    info = await api.appInfo();
  } catch (error) {
    const browserLanguage: Language = navigator.language.toLowerCase().startsWith("zh") ? "zh" : "en";
    setLanguage(browserLanguage);
    replace(root, startupError(error));
    return;
  }
  setLanguage(info.ui_language);
  await render();
}

void start();
