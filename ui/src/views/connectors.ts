// Connector settings: each HR connector with its settings, which secrets the keychain holds (never
// their values), what it sends and "Test connection"; and the form that adds one (generic REST,
// Feishu / Lark Hire or Greenhouse).
import "../sync.css";

import { api } from "../api";
import type { ConnectionTest } from "../bindings/ConnectionTest";
import type { ConnectorInfo } from "../bindings/ConnectorInfo";
import type { Context } from "../context";
import { h, replace } from "../dom";
import { t, type MessageKey } from "../i18n";
import {
  CONNECTOR_FIELDS,
  CONNECTOR_KINDS,
  configRows,
  connectorRequest,
  emptyForm,
  fieldLabel,
  formProblems,
  type ConnectorForm,
  type ConnectorKind,
  type FieldSpec,
} from "../syncLogic";
import { button, errorBox, field, pageHeader } from "../ui";
import { refreshIndicator } from "./sync";

function kindLabel(kind: string): string {
  return (CONNECTOR_KINDS as readonly string[]).includes(kind) ? t(`connectors.kind.${kind as ConnectorKind}`) : kind;
}

export async function renderConnectors(screen: HTMLElement, context: Context): Promise<void> {
  let connectors = await api.listConnectors();
  const tests = new Map<string, ConnectionTest | "testing" | { error: unknown }>();
  let form: ConnectorForm = emptyForm("rest", connectors.map((c) => c.id));
  let tried = false;

  const notice = h("div", { testid: "connectors-notice", "aria-live": "polite" });
  const list = h("div", { testid: "connector-list" });
  const formCard = h("section", { class: "card connector-form", testid: "connector-add" });

  const testResult = (id: string): HTMLElement | null => {
    const result = tests.get(id);
    if (result === undefined) return null;
    if (result === "testing") return h("p", { class: "muted", testid: `connector-test-result-${id}`, "data-ok": "pending" }, t("connectors.testing"));
    if ("error" in result) return errorBox(result.error, `connector-test-result-${id}`);
    return h(
      "p",
      { class: result.ok ? "notice notice-ok" : "notice notice-error", testid: `connector-test-result-${id}`, "data-ok": String(result.ok) },
      t(result.ok ? "connectors.test.ok" : "connectors.test.failed", { detail: result.detail }),
    );
  };

  const test = async (id: string) => {
    tests.set(id, "testing");
    drawList();
    try {
      tests.set(id, await api.testConnector(id));
    } catch (error) {
      tests.set(id, { error });
    }
    drawList();
  };

  const card = (c: ConnectorInfo): HTMLElement =>
    h(
      "section",
      { class: "card connector-card", testid: `connector-${c.id}` },
      h(
        "div",
        { class: "card-header" },
        h("h2", null, c.name, h("span", { class: "muted small" }, ` · ${kindLabel(c.kind)} · ${c.id}`)),
        h(
          "span",
          { class: c.paused ? "sync-state sync-state-paused" : "sync-state sync-state-delivered", testid: `connector-state-${c.id}` },
          t(c.paused ? "connectors.state.paused" : "connectors.state.active"),
        ),
      ),
      h(
        "dl",
        { class: "details" },
        configRows(c).map((row) => {
          const label = fieldLabel(c.kind, row.field);
          return [h("dt", null, label ? t(label) : row.field), h("dd", { class: "sync-mono" }, row.value)];
        }),
        h("dt", null, t("connectors.secrets")),
        h(
          "dd",
          { testid: `connector-secrets-${c.id}` },
          c.secrets.map((slot) => {
            const label = fieldLabel(c.kind, slot.name);
            const state: MessageKey = slot.present ? "connectors.secret.present" : slot.required ? "connectors.secret.missing" : "connectors.secret.optional";
            return h(
              "span",
              { class: slot.present ? "chip" : slot.required ? "chip chip-missing" : "chip muted" },
              `${label ? t(label) : slot.name}: ${t(state)}`,
            );
          }),
        ),
      ),
      h(
        "div",
        { class: "connector-sends" },
        h("h3", null, t("connectors.sends")),
        h("ul", { testid: `connector-sends-${c.id}` }, c.data_sent.map((line) => h("li", null, line))),
        h("p", { class: "muted small" }, t("connectors.sendsNote")),
      ),
      h(
        "div",
        { class: "actions" },
        button(t("connectors.test"), () => void test(c.id), {
          class: "secondary",
          testid: `connector-test-${c.id}`,
          disabled: tests.get(c.id) === "testing",
        }),
        c.paused
          ? button(t("sync.paused.title"), () => context.navigate({ view: "sync" }), { class: "link", testid: `connector-signin-${c.id}` })
          : null,
      ),
      testResult(c.id),
    );

  const drawList = () => {
    replace(list, connectors.length === 0 ? h("p", { class: "empty", testid: "connectors-empty" }, t("connectors.empty")) : connectors.map(card));
  };

  const reload = async () => {
    connectors = await api.listConnectors();
    drawList();
  };

  const control = (spec: FieldSpec, invalid: boolean): HTMLElement => {
    const value = form.values[spec.name] ?? "";
    const testid = `connector-field-${spec.name}`;
    const onInput = (e: Event) => {
      form.values[spec.name] = (e.target as HTMLInputElement | HTMLSelectElement).value;
      if (tried) drawProblems();
    };
    if (spec.options) {
      return h(
        "select",
        { testid, onchange: onInput },
        spec.options.map((option) =>
          h("option", { value: option, selected: option === value }, spec.name === "visibility" ? t(`connectors.visibility.${option as "private" | "admin_only" | "public"}`) : option),
        ),
      );
    }
    return h("input", {
      type: spec.secret ? "password" : "text",
      autocomplete: "off",
      value,
      placeholder: spec.placeholder ?? "",
      class: invalid ? "invalid" : "",
      testid,
      oninput: onInput,
    });
  };

  const problemsBox = h("div", { testid: "connector-add-problems" });

  // Marks the fields with problems (after the first "Add") without re-drawing the inputs.
  const drawProblems = () => {
    const problems = tried ? formProblems(form) : [];
    for (const element of formCard.querySelectorAll<HTMLElement>("[data-field]")) {
      const name = element.dataset.field ?? "";
      const problem = problems.find((p) => p.field === name);
      const slot = element.querySelector<HTMLElement>(".field-problem");
      const input = element.querySelector<HTMLElement>("input, select");
      input?.classList.toggle("invalid", problem !== undefined);
      if (slot) slot.textContent = problem ? t(problem.key) : "";
    }
    replace(problemsBox, problems.length > 0 ? h("p", { class: "notice notice-error", testid: "connector-add-invalid" }, t("connectors.add.invalid")) : null);
  };

  const wrap = (name: string, label: string, controlElement: HTMLElement, hint?: string): HTMLElement => {
    const wrapped = field(label, controlElement, hint);
    wrapped.dataset.field = name;
    wrapped.appendChild(h("span", { class: "field-problem", testid: `connector-problem-${name}` }));
    return wrapped;
  };

  const submit = async (submitButton: HTMLButtonElement) => {
    tried = true;
    drawProblems();
    const request = connectorRequest(form);
    if (request === null) return;
    submitButton.disabled = true;
    submitButton.textContent = t("connectors.add.adding");
    try {
      const added = await api.addConnector(request);
      // The secrets are in the keychain now: forget them here.
      form = emptyForm(form.kind, [...connectors.map((c) => c.id), added.id]);
      tried = false;
      replace(notice, h("p", { class: "notice notice-ok", testid: "connector-added" }, t("connectors.add.done", { name: added.name })));
      await reload();
      drawForm();
      void refreshIndicator();
    } catch (error) {
      replace(notice, errorBox(error, "connector-add-error"));
      submitButton.disabled = false;
      submitButton.textContent = t("connectors.add.submit");
    }
  };

  const drawForm = () => {
    const invalid = new Set(tried ? formProblems(form).map((p) => p.field) : []);
    const kindSelect = h(
      "select",
      {
        testid: "connector-kind",
        onchange: (e: Event) => {
          const kind = (e.target as HTMLSelectElement).value as ConnectorKind;
          const next = emptyForm(kind, connectors.map((c) => c.id));
          form = { ...next, name: form.name };
          tried = false;
          drawForm();
        },
      },
      CONNECTOR_KINDS.map((kind) => h("option", { value: kind, selected: kind === form.kind }, kindLabel(kind))),
    );
    const nameInput = h("input", {
      type: "text",
      value: form.name,
      testid: "connector-name",
      class: invalid.has("name") ? "invalid" : "",
      oninput: (e: Event) => {
        form.name = (e.target as HTMLInputElement).value;
        if (tried) drawProblems();
      },
    });
    const idInput = h("input", {
      type: "text",
      value: form.id,
      testid: "connector-id",
      class: invalid.has("id") ? "invalid" : "",
      oninput: (e: Event) => {
        form.id = (e.target as HTMLInputElement).value;
        if (tried) drawProblems();
      },
    });
    const submitButton: HTMLButtonElement = button(t("connectors.add.submit"), () => void submit(submitButton), {
      class: "primary",
      testid: "connector-add-submit",
    });
    replace(
      formCard,
      h("h2", null, t("connectors.add.title")),
      h(
        "div",
        { class: "grid connector-grid" },
        wrap("kind", t("connectors.add.kind"), kindSelect),
        wrap("name", t("connectors.add.name"), nameInput),
        wrap("id", t("connectors.add.id"), idInput, t("connectors.add.idHint")),
        CONNECTOR_FIELDS[form.kind].map((spec) => wrap(spec.name, t(spec.label), control(spec, invalid.has(spec.name)), spec.hint ? t(spec.hint) : undefined)),
      ),
      h("p", { class: "muted small" }, t("connectors.add.secretsNote")),
      problemsBox,
      h("div", { class: "actions" }, submitButton),
    );
    drawProblems();
  };

  drawList();
  drawForm();
  replace(
    screen,
    button(t("connectors.back"), () => context.navigate({ view: "sync" }), { class: "link back", testid: "connectors-back" }),
    pageHeader(t("connectors.title"), t("connectors.subtitle")),
    notice,
    list,
    formCard,
  );
}
