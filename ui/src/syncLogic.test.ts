import { describe, expect, it } from "vitest";

import type { ConnectorInfo } from "./bindings/ConnectorInfo";
import type { OutboxItem } from "./bindings/OutboxItem";
import type { SyncStatus } from "./bindings/SyncStatus";
import { translate } from "./i18n";
import {
  CONNECTOR_FIELDS,
  CONNECTOR_KINDS,
  configRows,
  connectorRequest,
  defaultConnectorId,
  emptyForm,
  fieldLabel,
  formProblems,
  indicatorView,
  nextAttempt,
  relativeTime,
  runSummary,
  serverReason,
  signature,
  stateKey,
  type Text,
} from "./syncLogic";

const NOW = Date.parse("2026-03-02T09:00:00Z");

function en(text: Text | null): string | null {
  return text === null ? null : translate(text.key, text.params, "en");
}

function zh(text: Text | null): string | null {
  return text === null ? null : translate(text.key, text.params, "zh");
}

function at(offsetMs: number): string {
  return new Date(NOW + offsetMs).toISOString();
}

function item(overrides: Partial<OutboxItem>): OutboxItem {
  return {
    report_id: "6f1c2a9e-0000-4000-8000-000000000001",
    connector_id: "hr",
    state: "pending",
    attempts: 0,
    next_attempt_at: at(0),
    last_status: null,
    last_error: null,
    delivered_at: null,
    external_ref: null,
    ...overrides,
  };
}

function connector(overrides: Partial<ConnectorInfo> = {}): ConnectorInfo {
  return {
    id: "hr",
    kind: "rest",
    name: "Acme HR",
    config: { kind: "rest", base_url: "https://hr.example.com/copilot" },
    paused: false,
    paused_reason: null,
    data_sent: ["the finished report as JSON"],
    secrets: [
      { name: "token", required: true, present: true },
      { name: "signing_key", required: false, present: false },
    ],
    ...overrides,
  };
}

function status(overrides: Partial<SyncStatus> = {}): SyncStatus {
  return {
    pending: 0,
    sending: 0,
    delivered: 0,
    dead: 0,
    paused: 0,
    next_attempt_at: null,
    connectors: [connector()],
    queue: [],
    ...overrides,
  };
}

describe("stateKey", () => {
  it("labels every state the outbox has, in both languages", () => {
    const labels = ["pending", "sending", "delivered", "dead", "paused"].map((s) => translate(stateKey(s), {}, "en"));
    expect(labels).toEqual(["Waiting", "Sending", "Delivered", "Refused", "Paused"]);
    expect(translate(stateKey("dead"), {}, "zh")).toBe("被拒收");
  });

  it("shows a state it does not know as unknown instead of a raw key", () => {
    expect(stateKey("archived")).toBe("sync.state.unknown");
    expect(stateKey("")).toBe("sync.state.unknown");
  });
});

describe("relativeTime", () => {
  it("says now or just now within five seconds", () => {
    expect(en(relativeTime(at(4_999), NOW))).toBe("now");
    expect(en(relativeTime(at(0), NOW))).toBe("just now");
    expect(en(relativeTime(at(-4_999), NOW))).toBe("just now");
    expect(zh(relativeTime(at(-1_000), NOW))).toBe("刚刚");
  });

  it("picks seconds, minutes, hours or days, future and past", () => {
    const cases: [number, string][] = [
      [5_000, "in 5 s"],
      [59_400, "in 59 s"],
      [59_600, "in 1 min"],
      [60_000, "in 1 min"],
      [59 * 60_000, "in 59 min"],
      [59 * 60_000 + 40_000, "in 1 h"],
      [90 * 60_000 - 1, "in 1 h"],
      [90 * 60_000, "in 2 h"],
      [23 * 3_600_000 + 40 * 60_000, "in 1 d"],
      [3 * 3_600_000, "in 3 h"],
      [3 * 86_400_000, "in 3 d"],
      [-45_000, "45 s ago"],
      [-12 * 60_000, "12 min ago"],
      [-26 * 3_600_000, "1 d ago"],
    ];
    expect(cases.map(([offset]) => en(relativeTime(at(offset), NOW)))).toEqual(cases.map(([, expected]) => expected));
  });

  it("has the Chinese forms", () => {
    expect(zh(relativeTime(at(2 * 60_000), NOW))).toBe("2 分钟后");
    expect(zh(relativeTime(at(-3 * 86_400_000), NOW))).toBe("3 天前");
  });

  it("gives null for text that is not a date", () => {
    expect(relativeTime("soon", NOW)).toBeNull();
    expect(relativeTime("", NOW)).toBeNull();
  });
});

describe("nextAttempt", () => {
  it("is shown only for rows still on their way", () => {
    expect(en(nextAttempt(item({ state: "pending", next_attempt_at: at(120_000) }), NOW))).toBe("in 2 min");
    expect(en(nextAttempt(item({ state: "sending", next_attempt_at: at(-1_000) }), NOW))).toBe("now");
    // Overdue (the sender's next pass takes it): now, not "1 min ago".
    expect(en(nextAttempt(item({ state: "pending", next_attempt_at: at(-60_000) }), NOW))).toBe("now");
    expect(nextAttempt(item({ state: "pending", next_attempt_at: "later" }), NOW)).toBeNull();
    for (const state of ["delivered", "dead", "paused"]) {
      expect(nextAttempt(item({ state, next_attempt_at: at(120_000) }), NOW)).toBeNull();
    }
  });
});

describe("indicatorView", () => {
  it("does not know before the first answer", () => {
    const view = indicatorView(null);
    expect(view.tone).toBe("off");
    expect(view.parts.map(en)).toEqual(["Sync …"]);
  });

  it("is off with no connector and nothing delivered", () => {
    expect(indicatorView(status({ connectors: [] })).tone).toBe("off");
    expect(indicatorView(status({ connectors: [] })).parts.map(en)).toEqual(["Sync off"]);
  });

  it("says all sent when every report is delivered", () => {
    const view = indicatorView(status({ delivered: 4 }));
    expect(view.tone).toBe("ok");
    expect(view.parts.map(en)).toEqual(["All sent"]);
    expect(en(view.detail)).toBe("HR sync: 0 waiting, 0 sending, 4 delivered, 0 refused, 0 paused");
  });

  it("puts what needs the user first: sign in again, then refused reports, then what is on its way", () => {
    const view = indicatorView(
      status({
        pending: 3,
        sending: 1,
        dead: 2,
        paused: 5,
        connectors: [connector({ paused: true }), connector({ id: "gh", paused: true }), connector({ id: "fs" })],
      }),
    );
    expect(view.tone).toBe("error");
    expect(view.parts.map(en)).toEqual(["Sign in again (2)", "2 refused", "1 sending", "3 waiting"]);
    expect(view.parts.map(zh)).toEqual(["需重新登录（2）", "2 份被拒收", "1 份发送中", "3 份等待发送"]);
  });

  it("counts paused rows when no connector is paused (a missing secret pauses rows only)", () => {
    expect(indicatorView(status({ paused: 2 })).parts.map(en)).toEqual(["2 paused"]);
    expect(indicatorView(status({ paused: 2 })).tone).toBe("error");
  });

  it("is busy while sending and a warning while reports wait", () => {
    expect(indicatorView(status({ sending: 1, pending: 1 })).tone).toBe("busy");
    expect(indicatorView(status({ pending: 2 })).tone).toBe("warn");
  });
});

describe("runSummary", () => {
  const report = { attempted: 3, delivered: 1, retried: 1, dead: 1, paused: 0, pulled: 2, failures: [] };

  it("says what was sent and what was received", () => {
    expect(runSummary(report).map(en)).toEqual([
      "Sent 3: 1 delivered, 1 to retry, 1 refused, 0 paused.",
      "Assigned interviews received: 2.",
    ]);
    expect(runSummary(report).map(zh)).toEqual(["发送 3 份：1 份已送达，1 份稍后重试，1 份被拒收，0 份已暂停。", "收到分配的面试：2 场。"]);
  });

  it("says so when nothing was due", () => {
    expect(runSummary({ ...report, attempted: 0, delivered: 0, retried: 0, dead: 0, pulled: 0 }).map(en)).toEqual([
      "Nothing was due to send.",
      "Assigned interviews received: 0.",
    ]);
  });
});

describe("serverReason", () => {
  it("takes the error field of the JSON body the HR system answered with", () => {
    expect(
      serverReason('the HR system answered 422: {"error":"candidate 17 is not in requisition 4412: link the interview first"}'),
    ).toBe("candidate 17 is not in requisition 4412: link the interview first");
  });

  it("knows the other usual fields, nested messages too", () => {
    expect(serverReason('the HR system answered 400: {"message":"missing field job"}')).toBe("missing field job");
    expect(serverReason('the HR system answered 404: {"errors":[],"detail":"no such application"}')).toBe("no such application");
    expect(serverReason('the HR system answered 400: {"error":{"code":9,"message":"bad score"}}')).toBe("bad score");
  });

  it("keeps a body that is not JSON, or JSON without a reason, as it came", () => {
    expect(serverReason("the HR system answered 410: gone for good")).toBe("gone for good");
    expect(serverReason('the HR system answered 422: {"code":7}')).toBe('{"code":7}');
    expect(serverReason('the HR system answered 422: {"error":"cut off…')).toBe('{"error":"cut off…');
  });

  it("keeps a message that is no HTTP answer whole", () => {
    expect(serverReason("the HR system cannot accept this report: job closed")).toBe("the HR system cannot accept this report: job closed");
    expect(serverReason(null)).toBe("");
  });
});

describe("signature", () => {
  it("changes only when a listed field changes", () => {
    const a = [item({ attempts: 1 })];
    const b = [item({ attempts: 1, next_attempt_at: at(60_000) })];
    const c = [item({ attempts: 2 })];
    expect(signature(a, ["report_id", "attempts"])).toBe(signature(b, ["report_id", "attempts"]));
    expect(signature(a, ["report_id", "attempts"])).not.toBe(signature(c, ["report_id", "attempts"]));
  });
});

describe("the add-connector form", () => {
  it("suggests an unused id per kind", () => {
    expect(defaultConnectorId("rest", [])).toBe("hr");
    expect(defaultConnectorId("rest", ["hr", "hr-2"])).toBe("hr-3");
    expect(defaultConnectorId("feishu", ["hr"])).toBe("feishu");
    expect(emptyForm("greenhouse").values).toEqual({ visibility: "private" });
  });

  it("builds a REST request with the secrets apart from the settings", () => {
    const form = emptyForm("rest");
    form.name = " Acme HR ";
    form.values = { base_url: " https://hr.example.com/copilot ", token: "tok-123 ", signing_key: "" };
    expect(formProblems(form)).toEqual([]);
    expect(connectorRequest(form)).toEqual({
      id: "hr",
      name: "Acme HR",
      config: { kind: "rest", base_url: "https://hr.example.com/copilot" },
      // The token exactly as typed; the empty optional signing key left out.
      secrets: { token: "tok-123 " },
    });
  });

  it("leaves empty optional settings out so the vendor defaults apply", () => {
    const feishu = { ...emptyForm("feishu"), name: "飞书", values: { app_id: "cli_a1", app_secret: "s3cret", base_url: "", interviewer_user_id: "" } };
    expect(connectorRequest(feishu)).toEqual({
      id: "feishu",
      name: "飞书",
      config: { kind: "feishu", app_id: "cli_a1" },
      secrets: { app_secret: "s3cret" },
    });
    const greenhouse = { ...emptyForm("greenhouse"), name: "GH", values: { api_key: "k", user_id: "4080", visibility: "admin_only" } };
    expect(connectorRequest(greenhouse)).toEqual({
      id: "greenhouse",
      name: "GH",
      config: { kind: "greenhouse", user_id: "4080", visibility: "admin_only" },
      secrets: { api_key: "k" },
    });
  });

  it("names every problem, field by field, and builds nothing then", () => {
    const form = { ...emptyForm("greenhouse"), id: "my hr!", name: " ", values: { api_key: "", user_id: "alice", base_url: "ftp://x", visibility: "private" } };
    expect(formProblems(form)).toEqual([
      { field: "id", key: "connectors.problem.id" },
      { field: "name", key: "connectors.problem.name" },
      { field: "api_key", key: "connectors.problem.required" },
      { field: "user_id", key: "connectors.problem.userId" },
      { field: "base_url", key: "connectors.problem.url" },
    ]);
    expect(connectorRequest(form)).toBeNull();
    const rest = { ...emptyForm("rest"), name: "x", values: { base_url: "hr.example.com", token: "t" } };
    expect(formProblems(rest)).toEqual([{ field: "base_url", key: "connectors.problem.url" }]);
  });

  it("asks for exactly the secrets the core keeps in the keychain for each kind", () => {
    const secrets = Object.fromEntries(CONNECTOR_KINDS.map((kind) => [kind, CONNECTOR_FIELDS[kind].filter((f) => f.secret).map((f) => [f.name, f.required])]));
    expect(secrets).toEqual({
      rest: [
        ["token", true],
        ["signing_key", false],
      ],
      feishu: [["app_secret", true]],
      greenhouse: [["api_key", true]],
    });
  });
});

describe("connector cards", () => {
  it("show the settings in form order and never a secret", () => {
    const info = connector({
      kind: "greenhouse",
      config: { kind: "greenhouse", base_url: "https://harvest.greenhouse.io", user_id: "4080", interviewer_email: "", visibility: "private" },
    });
    expect(configRows(info)).toEqual([
      { field: "user_id", value: "4080" },
      { field: "visibility", value: "private" },
      { field: "base_url", value: "https://harvest.greenhouse.io" },
    ]);
    expect(fieldLabel("greenhouse", "user_id")).toBe("connectors.field.onBehalfOf");
    expect(fieldLabel("rest", "token")).toBe("connectors.field.token");
    expect(fieldLabel("sap", "token")).toBeNull();
  });

  it("show every setting of a kind this UI does not know", () => {
    expect(configRows(connector({ kind: "workday", config: { kind: "workday", tenant: "acme", port: 443 } }))).toEqual([
      { field: "tenant", value: "acme" },
      { field: "port", value: "443" },
    ]);
  });
});
