// Pure logic of the HR sync screens, unit-tested in syncLogic.test.ts: queue state labels, relative
// times, the header indicator, the server's reason of a dead letter, and the "add connector" form.
import type { ConnectorInfo } from "./bindings/ConnectorInfo";
import type { NewConnector } from "./bindings/NewConnector";
import type { OutboxItem } from "./bindings/OutboxItem";
import type { SyncRunReport } from "./bindings/SyncRunReport";
import type { SyncStatus } from "./bindings/SyncStatus";
import type { MessageKey } from "./i18n";

/** A text to show: a message key and its parameters. */
export type Text = { key: MessageKey; params: Record<string, string | number> };

function text(key: MessageKey, params: Record<string, string | number> = {}): Text {
  return { key, params };
}

export const OUTBOX_STATES = ["pending", "sending", "delivered", "dead", "paused"] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

/** The label of an outbox row's state; a state this UI does not know yet is shown as such. */
export function stateKey(state: string): MessageKey {
  return (OUTBOX_STATES as readonly string[]).includes(state) ? (`sync.state.${state as OutboxState}` as const) : "sync.state.unknown";
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * `iso` relative to `nowMs`: "now" (or "just now") within 5 s, then seconds, minutes, hours or days, in the
 * future ("in 3 min") or the past ("3 min ago"). Null when `iso` is not a date.
 */
export function relativeTime(iso: string, nowMs: number): Text | null {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return null;
  const delta = at - nowMs;
  const size = Math.abs(delta);
  if (size < 5 * SECOND) return text(delta > 0 ? "sync.time.now" : "sync.time.justNow");
  const future = delta > 0;
  // The unit is chosen after rounding, so 59.6 s reads "1 min", never "60 s".
  const seconds = Math.round(size / SECOND);
  const minutes = Math.round(size / MINUTE);
  const hours = Math.round(size / HOUR);
  const [unit, n] =
    seconds < 60
      ? (["seconds", seconds] as const)
      : minutes < 60
        ? (["minutes", minutes] as const)
        : hours < 24
          ? (["hours", hours] as const)
          : (["days", Math.round(size / DAY)] as const);
  return text(`sync.time.${future ? "in" : "ago"}.${unit}`, { n });
}

/** When the next attempt of a row is due, or null when none is (delivered, dead, paused). */
export function nextAttempt(item: OutboxItem, nowMs: number): Text | null {
  if (item.state !== "pending" && item.state !== "sending") return null;
  const at = Date.parse(item.next_attempt_at);
  if (Number.isNaN(at)) return null;
  // Due already (the sender picks it up on its next pass): "now", never "12 s ago".
  if (at - nowMs < 5 * SECOND) return text("sync.time.now");
  return relativeTime(item.next_attempt_at, nowMs);
}

export type Tone = "off" | "ok" | "busy" | "warn" | "error";

export type Indicator = {
  tone: Tone;
  /** What the indicator says, most urgent first. */
  parts: Text[];
  /** Every count, for the tooltip. */
  detail: Text;
};

/**
 * The header's sync indicator. What needs the user comes first: connectors to sign in to again,
 * then dead letters; then what is on its way. No connector at all: "not set up".
 */
export function indicatorView(status: SyncStatus | null): Indicator {
  if (status === null) {
    return { tone: "off", parts: [text("sync.indicator.unknown")], detail: text("sync.indicator.unknown") };
  }
  const detail = text("sync.indicator.detail", {
    pending: status.pending,
    sending: status.sending,
    delivered: status.delivered,
    dead: status.dead,
    paused: status.paused,
  });
  const pausedConnectors = status.connectors.filter((c) => c.paused).length;
  const parts: Text[] = [];
  if (pausedConnectors > 0) parts.push(text("sync.indicator.signIn", { count: pausedConnectors }));
  else if (status.paused > 0) parts.push(text("sync.indicator.paused", { count: status.paused }));
  if (status.dead > 0) parts.push(text("sync.indicator.dead", { count: status.dead }));
  if (status.sending > 0) parts.push(text("sync.indicator.sending", { count: status.sending }));
  if (status.pending > 0) parts.push(text("sync.indicator.pending", { count: status.pending }));
  if (parts.length === 0) {
    const none = status.connectors.length === 0 && status.delivered === 0;
    return none
      ? { tone: "off", parts: [text("sync.indicator.off")], detail }
      : { tone: "ok", parts: [text("sync.indicator.ok")], detail };
  }
  const tone: Tone =
    pausedConnectors > 0 || status.paused > 0 || status.dead > 0 ? "error" : status.sending > 0 ? "busy" : "warn";
  return { tone, parts, detail };
}

/**
 * The server's own words in a stored failure ("the HR system answered 422: {"error": "…"}"):
 * the `error` (or `message`, `detail`, `title`, `msg`, `reason`) of a JSON body, else the body,
 * else the whole text.
 */
export function serverReason(lastError: string | null): string {
  if (lastError === null) return "";
  const match = /answered \d{3}: ([\s\S]*)$/.exec(lastError);
  const body = (match?.[1] ?? lastError).trim();
  if (body.startsWith("{")) {
    try {
      const parsed: unknown = JSON.parse(body);
      if (typeof parsed === "object" && parsed !== null) {
        const record = parsed as Record<string, unknown>;
        for (const field of ["error", "message", "detail", "title", "msg", "reason"]) {
          const value = record[field];
          if (typeof value === "string" && value.trim() !== "") return value.trim();
          if (typeof value === "object" && value !== null) {
            const nested = (value as Record<string, unknown>).message;
            if (typeof nested === "string" && nested.trim() !== "") return nested.trim();
          }
        }
      }
    } catch {
      // Not JSON after all (e.g. cut at 300 characters): show it as it came.
    }
  }
  return body;
}

/** What "Sync now" did, sentence by sentence. */
export function runSummary(report: SyncRunReport): Text[] {
  const sent =
    report.attempted === 0
      ? text("sync.ran.nothing")
      : text("sync.ran", {
          attempted: report.attempted,
          delivered: report.delivered,
          retried: report.retried,
          dead: report.dead,
          paused: report.paused,
        });
  return [sent, text("sync.ran.pulled", { pulled: report.pulled })];
}

/** Dead letters (the user must read, fix and resend), oldest first within the queue's order. */
export function deadLetters(queue: OutboxItem[]): OutboxItem[] {
  return queue.filter((item) => item.state === "dead");
}

/** A fingerprint of rows, so a refresh re-draws a section (and its inputs) only when it changed. */
export function signature(items: { [key: string]: unknown }[], fields: string[]): string {
  return JSON.stringify(items.map((item) => fields.map((field) => item[field] ?? null)));
}

// The "add connector" form.

export const CONNECTOR_KINDS = ["rest", "feishu", "greenhouse"] as const;
export type ConnectorKind = (typeof CONNECTOR_KINDS)[number];

export type FieldSpec = {
  /** The config field or secret name the core expects. */
  name: string;
  /** Kept in the OS keychain (a password field), never in the database. */
  secret: boolean;
  required: boolean;
  label: MessageKey;
  hint?: MessageKey;
  placeholder?: string;
  /** A closed list (a select). */
  options?: string[];
};

/** The fields of each kind, in the order the form shows them (see copilot-sync's ConnectorConfig). */
export const CONNECTOR_FIELDS: Record<ConnectorKind, FieldSpec[]> = {
  rest: [
    { name: "base_url", secret: false, required: true, label: "connectors.field.baseUrl", hint: "connectors.hint.restBaseUrl", placeholder: "https://hr.example.com/copilot" },
    { name: "token", secret: true, required: true, label: "connectors.field.token", hint: "connectors.hint.token" },
    { name: "signing_key", secret: true, required: false, label: "connectors.field.signingKey", hint: "connectors.hint.signingKey" },
  ],
  feishu: [
    { name: "app_id", secret: false, required: true, label: "connectors.field.appId", placeholder: "cli_a1b2c3d4e5" },
    { name: "app_secret", secret: true, required: true, label: "connectors.field.appSecret" },
    { name: "interviewer_user_id", secret: false, required: false, label: "connectors.field.feishuUser", hint: "connectors.hint.feishuUser" },
    { name: "base_url", secret: false, required: false, label: "connectors.field.baseUrl", hint: "connectors.hint.defaultBaseUrl", placeholder: "https://open.feishu.cn" },
  ],
  greenhouse: [
    { name: "api_key", secret: true, required: true, label: "connectors.field.apiKey", hint: "connectors.hint.apiKey" },
    { name: "user_id", secret: false, required: true, label: "connectors.field.onBehalfOf", hint: "connectors.hint.onBehalfOf", placeholder: "4080" },
    { name: "interviewer_email", secret: false, required: false, label: "connectors.field.interviewerEmail", hint: "connectors.hint.interviewerEmail" },
    { name: "visibility", secret: false, required: true, label: "connectors.field.visibility", options: ["private", "admin_only", "public"] },
    { name: "base_url", secret: false, required: false, label: "connectors.field.baseUrl", hint: "connectors.hint.defaultBaseUrl", placeholder: "https://harvest.greenhouse.io" },
  ],
};

export type ConnectorForm = {
  kind: ConnectorKind;
  id: string;
  name: string;
  /** Field name to what the user typed (secrets included; they go to the keychain only). */
  values: Record<string, string>;
};

/** A form's starting values: the kind's default id (unused yet) and closed lists at their first choice. */
export function emptyForm(kind: ConnectorKind, existingIds: string[] = []): ConnectorForm {
  const values: Record<string, string> = {};
  for (const field of CONNECTOR_FIELDS[kind]) if (field.options) values[field.name] = field.options[0] ?? "";
  return { kind, id: defaultConnectorId(kind, existingIds), name: "", values };
}

/** "hr", "feishu" or "greenhouse", with "-2", "-3"… when taken. */
export function defaultConnectorId(kind: ConnectorKind, existingIds: string[]): string {
  const base = kind === "rest" ? "hr" : kind;
  if (!existingIds.includes(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!existingIds.includes(candidate)) return candidate;
  }
}

export type FormProblem = { field: string; key: MessageKey };

const ID_PATTERN = /^[A-Za-z0-9_-]+$/;

/** The problems of a form, one per field, in the order the form shows them (empty when valid). */
export function formProblems(form: ConnectorForm): FormProblem[] {
  const problems: FormProblem[] = [];
  if (!ID_PATTERN.test(form.id.trim())) problems.push({ field: "id", key: "connectors.problem.id" });
  if (form.name.trim() === "") problems.push({ field: "name", key: "connectors.problem.name" });
  for (const field of CONNECTOR_FIELDS[form.kind]) {
    const value = (form.values[field.name] ?? "").trim();
    if (field.required && value === "") {
      problems.push({ field: field.name, key: "connectors.problem.required" });
    } else if (field.name === "base_url" && value !== "" && !/^https?:\/\/\S+$/i.test(value)) {
      problems.push({ field: field.name, key: "connectors.problem.url" });
    } else if (field.name === "user_id" && value !== "" && !/^\d+$/.test(value)) {
      problems.push({ field: field.name, key: "connectors.problem.userId" });
    }
  }
  return problems;
}

/**
 * The request to add the connector: settings tagged by kind (empty optional fields left out, so
 * the core's defaults apply) and the secrets apart. Null while the form has problems.
 */
export function connectorRequest(form: ConnectorForm): NewConnector | null {
  if (formProblems(form).length > 0) return null;
  const config: Record<string, unknown> = { kind: form.kind };
  const secrets: { [key in string]: string } = {};
  for (const field of CONNECTOR_FIELDS[form.kind]) {
    const raw = form.values[field.name] ?? "";
    // Secrets are taken as typed (a token may end in a space); settings are trimmed.
    const value = field.secret ? raw : raw.trim();
    if (value.trim() === "") continue;
    if (field.secret) secrets[field.name] = value;
    else config[field.name] = value;
  }
  return { id: form.id.trim(), name: form.name.trim(), config, secrets };
}

/** The settings worth showing on a connector's card (never secrets: the core does not return them). */
export function configRows(info: ConnectorInfo): { field: string; value: string }[] {
  const kind = (CONNECTOR_KINDS as readonly string[]).includes(info.kind) ? (info.kind as ConnectorKind) : null;
  const order = kind ? CONNECTOR_FIELDS[kind].filter((f) => !f.secret).map((f) => f.name) : Object.keys(info.config);
  return order
    .filter((field) => field !== "kind")
    .map((field) => ({ field, value: info.config[field] }))
    .filter((row): row is { field: string; value: string | number } => typeof row.value === "string" || typeof row.value === "number")
    .filter((row) => String(row.value).trim() !== "")
    .map((row) => ({ field: row.field, value: String(row.value) }));
}

/** The label of a config field or secret name on a card. */
export function fieldLabel(kind: string, field: string): MessageKey | null {
  if (!(CONNECTOR_KINDS as readonly string[]).includes(kind)) return null;
  return CONNECTOR_FIELDS[kind as ConnectorKind].find((f) => f.name === field)?.label ?? null;
}
