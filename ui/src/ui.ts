// Small building blocks shared by the screens.
import { ApiError, toCoreError } from "./api";
import type { CoreError } from "./bindings/CoreError";
import { h, type Child } from "./dom";
import { t } from "./i18n";

export function asCoreError(error: unknown): CoreError {
  if (error instanceof ApiError) {
    return { code: error.code, message: error.message, details: error.details };
  }
  if (error instanceof Error) return { code: "internal", message: error.message, details: [] };
  return toCoreError(error);
}

/** An error the user can act on: the message (it names the fix) and each detail on its own line. */
export function errorBox(error: unknown, testid = "error", title?: string): HTMLElement {
  const core = asCoreError(error);
  return h(
    "div",
    { class: "notice notice-error", testid, role: "alert" },
    title ? h("strong", { class: "notice-title" }, title) : null,
    h("p", { testid: `${testid}-message` }, core.message),
    core.details.length > 0
      ? [
          h("p", { class: "muted" }, t("error.details")),
          h(
            "ul",
            { class: "problems", testid: `${testid}-details` },
            core.details.map((detail) => h("li", null, detail)),
          ),
        ]
      : null,
  );
}

export function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  return h(
    "label",
    { class: "field" },
    h("span", { class: "field-label" }, label),
    control,
    hint ? h("span", { class: "field-hint" }, hint) : null,
  );
}

export function textInput(
  value: string,
  onInput: (value: string) => void,
  props: Record<string, unknown> = {},
): HTMLInputElement {
  return h("input", {
    type: "text",
    value,
    oninput: (event: Event) => onInput((event.target as HTMLInputElement).value),
    ...props,
  });
}

export function textArea(
  value: string,
  onInput: (value: string) => void,
  props: Record<string, unknown> = {},
): HTMLTextAreaElement {
  return h("textarea", {
    value,
    rows: 2,
    oninput: (event: Event) => onInput((event.target as HTMLTextAreaElement).value),
    ...props,
  });
}

export function button(
  label: Child,
  onClick: (event: MouseEvent) => void,
  props: Record<string, unknown> = {},
): HTMLButtonElement {
  return h("button", { type: "button", onclick: onClick, ...props }, label);
}

export function pageHeader(title: string, subtitle?: string, ...actions: Child[]): HTMLElement {
  return h(
    "div",
    { class: "page-header" },
    h("div", null, h("h1", null, title), subtitle ? h("p", { class: "muted" }, subtitle) : null),
    actions.length > 0 ? h("div", { class: "actions" }, actions) : null,
  );
}

export function formatDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function loading(): HTMLElement {
  return h("p", { class: "muted", testid: "loading" }, t("app.loading"));
}
