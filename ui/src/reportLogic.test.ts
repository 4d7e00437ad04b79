import { describe, expect, it } from "vitest";

import type { Report } from "./bindings/Report";
import type { TimelineEntry } from "./bindings/TimelineEntry";
import fixture from "./fixtures/live-sales-en.json";
import { defaultReportPath, formatScore, quoteTarget, ratingChart, scoreView, timelineKey } from "./reportLogic";

// The report of the real stream in live.test.ts (written by the core's tests).
const report = fixture.report as unknown as Report;

describe("quotes jump to the timeline", () => {
  it("every quote of a real report finds its answer", () => {
    const quotes = report.competencies.flatMap((c) => c.evidence);
    expect(quotes.length).toBeGreaterThan(0);
    const keys = new Set(report.timeline.map(timelineKey));
    for (const quote of quotes) {
      const target = quoteTarget(report.timeline, quote.turn, quote.start_ms);
      expect(target).toBe(`timeline-answer-${quote.turn}`);
      expect(keys.has(target ?? "")).toBe(true);
    }
  });

  it("timeline keys are unique", () => {
    const keys = report.timeline.map(timelineKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("falls back to the last entry before the quote, then the first, then nothing", () => {
    const timeline: TimelineEntry[] = [
      { entry: "question", turn: 0, at_ms: 0, at: "00:00", kind: "question", text: "Q", asks: [] },
      { entry: "note", at_ms: 5000, at: "00:05", text: "n" },
      { entry: "prompt", id: 3, at_ms: 9000, at: "00:09", kind: "ask_result", competency: "c", text: { en: "p", zh: "p" }, dismissed: false },
    ];
    expect(quoteTarget(timeline, 7, 6000)).toBe("timeline-note-5000");
    expect(quoteTarget(timeline, 7, 60_000)).toBe("timeline-prompt-3");
    expect(quoteTarget(timeline.slice(1), 7, 100)).toBe("timeline-note-5000");
    expect(quoteTarget([], 7, 100)).toBeNull();
  });
});

describe("ratingChart", () => {
  const rows = [
    { id: "a", label: "A", suggested: 3, confirmed: 4 },
    { id: "b", label: "B", suggested: 5, confirmed: null },
    { id: "c", label: "C", suggested: 0, confirmed: 7 },
  ];
  const layout = ratingChart(rows, { width: 712, labelWidth: 200, rowHeight: 30 });

  it("scales ratings 0-5 across the plot and clamps outside values", () => {
    expect(layout.plotWidth).toBe(500);
    expect(layout.bars.map((b) => b.suggested.width)).toEqual([300, 500, 0]);
    expect(layout.bars.map((b) => b.confirmed?.width ?? null)).toEqual([400, null, 500]);
    expect(layout.bars.every((b) => b.suggested.x === 200)).toBe(true);
  });

  it("stacks rows and leaves room for the axis", () => {
    expect(layout.bars.map((b) => b.y)).toEqual([0, 30, 60]);
    expect(layout.height).toBe(3 * 30 + 20);
    expect(layout.ticks.map((t) => [t.value, t.x])).toEqual([
      [0, 200],
      [1, 300],
      [2, 400],
      [3, 500],
      [4, 600],
      [5, 700],
    ]);
  });

  it("draws a real report: one row per competency", () => {
    const real = ratingChart(
      report.competencies.map((c) => ({ id: c.id, label: c.id, suggested: c.suggested.rating, confirmed: c.confirmed?.rating ?? null })),
      { width: 720, labelWidth: 200, rowHeight: 34 },
    );
    expect(real.bars.map((b) => b.id)).toEqual(report.competencies.map((c) => c.id));
    expect(real.bars.filter((b) => b.confirmed !== null).length).toBe(report.overall.confirmed_count);
  });
});

describe("scores", () => {
  it("shows the confirmed score, else none, with the provisional one apart", () => {
    const view = scoreView(report.overall);
    expect(view.score).toBe(report.overall.confirmed?.score ?? null);
    expect(view.provisional).toBe(report.overall.provisional?.score ?? null);
    const pending = scoreView({ ...report.overall, confirmed: undefined, status: "pending" });
    expect(pending.score).toBeNull();
    expect(pending.recommendation).toBeNull();
  });

  it.each([
    [75, "75"],
    [72.456, "72.5"],
    [0, "0"],
    [99.95, "100"],
  ])("formatScore(%d) = %s", (score, text) => {
    expect(formatScore(score)).toBe(text);
  });
});

describe("defaultReportPath", () => {
  it.each([
    ["/home/me/data", "Alex Morgan (demo)", "2026-11-22T10:00:00+00:00", "html", "/home/me/data/report-alex-morgan-demo-2026-11-22.html"],
    ["/home/me/data/", "王小明", "2026-01-05T08:00:00Z", "json", "/home/me/data/report-王小明-2026-01-05.json"],
    ["C:\\Users\\me\\data", "Jo O'Neil", "2026-03-01T00:00:00Z", "html", "C:\\Users\\me\\data\\report-jo-o-neil-2026-03-01.html"],
    ["/d", "///", "not a date", "json", "/d/report-candidate-report.json"],
  ] as const)("%s + %s -> %s", (dir, name, at, format, expected) => {
    expect(defaultReportPath(dir, name, at, format)).toBe(expected);
  });
});
