import { describe, expect, it } from "vitest";

import type { Report } from "./bindings/Report";
import type { TimelineEntry } from "./bindings/TimelineEntry";
import fixture from "./fixtures/live-sales-en.json";
import {
  defaultReportPath,
  formatScore,
  quoteTarget,
  ratingChart,
  ratingChoices,
  revisionLines,
  scoreChange,
  scoreView,
  timelineKey,
  withFormat,
} from "./reportLogic";

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

describe("export formats", () => {
  it.each([
    ["/d/report-a-2026-11-22.html", "pdf", "/d/report-a-2026-11-22.pdf"],
    ["/d/report.JSON", "html", "/d/report.html"],
    ["/d/report.htm", "pdf", "/d/report.pdf"],
    ["/d/report.pdf", "json", "/d/report.json"],
    [" /d/report ", "pdf", "/d/report.pdf"],
  ] as const)("%s as %s -> %s", (path, format, expected) => {
    expect(withFormat(path, format)).toBe(expected);
  });

  it("the default path of a PDF ends in .pdf", () => {
    expect(defaultReportPath("/d", "王小明", "2026-01-05T08:00:00Z", "pdf")).toBe("/d/report-王小明-2026-01-05.pdf");
  });
});

describe("re-rating", () => {
  it("offers 1-5, marking the suggestion and the confirmed rating of a real report", () => {
    for (const c of report.competencies) {
      const choices = ratingChoices(c);
      expect(choices.map((x) => x.value)).toEqual([1, 2, 3, 4, 5]);
      expect(choices.filter((x) => x.suggested).map((x) => x.value)).toEqual([c.suggested.rating]);
      expect(choices.filter((x) => x.current).map((x) => x.value)).toEqual(c.confirmed ? [c.confirmed.rating] : []);
    }
    const unconfirmed = ratingChoices({ suggested: report.competencies[0]!.suggested, confirmed: undefined });
    expect(unconfirmed.some((x) => x.current)).toBe(false);
  });

  it("lists changes newest first with names in the UI language", () => {
    const first = report.competencies[0]!;
    const second = report.competencies[1]!;
    const revised = {
      competencies: report.competencies,
      revisions: [
        { competency: first.id, from: null, to: 4, by: "Megan", at: "2026-11-22T10:00:00Z" },
        { competency: second.id, from: 3, to: 2, by: "Chen", at: "2026-11-22T11:00:00Z" },
        { competency: "gone", from: 1, to: 5, by: "Chen", at: "2026-11-22T12:00:00Z" },
      ],
    };
    const lines = revisionLines(revised, "zh");
    expect(lines.map((l) => [l.name, l.from, l.to, l.by])).toEqual([
      ["gone", "1", 5, "Chen"],
      [second.name.zh, "3", 2, "Chen"],
      [first.name.zh, "—", 4, "Megan"],
    ]);
    expect(revisionLines({ competencies: report.competencies, revisions: [] }, "en")).toEqual([]);
  });

  it("says how the confirmed score moved", () => {
    const before = report.overall;
    const confirmed = before.confirmed!;
    const after = { ...before, confirmed: { ...confirmed, score: confirmed.score - 12.55 } };
    const change = scoreChange(before, after);
    expect(change.from).toBe(formatScore(confirmed.score));
    expect(change.to).toBe(formatScore(confirmed.score - 12.55));
    expect(change.changed).toBe(true);
    expect(scoreChange(before, before).changed).toBe(false);
    const none = scoreChange({ ...before, confirmed: undefined }, before);
    expect(none.from).toBe("—");
  });
});
