// Pure logic of the report screen, unit-tested in reportLogic.test.ts: the bar chart's layout,
// where a quote jumps to in the timeline, the score to show, the default export path, the rating
// choices and the list of ratings changed after the interview. Scores are never computed here:
// the core recomputes them when a rating changes.
import type { CompetencyReport } from "./bindings/CompetencyReport";
import type { Overall } from "./bindings/Overall";
import type { Recommendation } from "./bindings/Recommendation";
import type { Report } from "./bindings/Report";
import type { ReportFormat } from "./bindings/ReportFormat";
import type { TimelineEntry } from "./bindings/TimelineEntry";

export type ChartRow = { id: string; label: string; suggested: number; confirmed: number | null };

export type ChartBar = {
  id: string;
  label: string;
  /** Top of the row. */
  y: number;
  suggested: { x: number; y: number; width: number; height: number; value: number };
  confirmed: { x: number; y: number; width: number; height: number; value: number } | null;
};

export type ChartLayout = {
  width: number;
  height: number;
  plotX: number;
  plotWidth: number;
  bars: ChartBar[];
  /** Grid lines at ratings 0..max. */
  ticks: { x: number; value: number }[];
};

export type ChartOptions = { width: number; labelWidth: number; rowHeight: number; max?: number; axisHeight?: number };

/**
 * A horizontal bar chart of ratings: per competency a thin bar for the suggestion and a thick one
 * for the confirmed rating, on a 0..max scale (default 5), with an axis row at the bottom.
 */
export function ratingChart(rows: ChartRow[], options: ChartOptions): ChartLayout {
  const max = options.max ?? 5;
  const axisHeight = options.axisHeight ?? 20;
  const plotX = options.labelWidth;
  const plotWidth = Math.max(0, options.width - options.labelWidth - 12);
  const scale = (value: number) => (Math.min(max, Math.max(0, value)) / max) * plotWidth;
  const bars = rows.map((row, index) => {
    const y = index * options.rowHeight;
    const confirmedHeight = options.rowHeight * 0.4;
    const suggestedHeight = options.rowHeight * 0.2;
    return {
      id: row.id,
      label: row.label,
      y,
      confirmed:
        row.confirmed === null
          ? null
          : { x: plotX, y: y + options.rowHeight * 0.12, width: scale(row.confirmed), height: confirmedHeight, value: row.confirmed },
      suggested: {
        x: plotX,
        y: y + options.rowHeight * 0.6,
        width: scale(row.suggested),
        height: suggestedHeight,
        value: row.suggested,
      },
    };
  });
  const ticks = Array.from({ length: max + 1 }, (_, value) => ({ x: plotX + scale(value), value }));
  return {
    width: options.width,
    height: rows.length * options.rowHeight + axisHeight,
    plotX,
    plotWidth,
    bars,
    ticks,
  };
}

/** The DOM id of a timeline entry, so quotes can jump to it. */
export function timelineKey(entry: TimelineEntry): string {
  switch (entry.entry) {
    case "question":
      return `timeline-question-${entry.turn}`;
    case "answer":
      return `timeline-answer-${entry.turn}`;
    case "prompt":
      return `timeline-prompt-${entry.id}`;
    case "note":
      return `timeline-note-${entry.at_ms}`;
  }
}

/**
 * Where a quote from candidate turn `turn` (said at `startMs`) is in the timeline: that turn's answer,
 * else the last entry at or before `startMs`, else the first entry; null for an empty timeline.
 */
export function quoteTarget(timeline: TimelineEntry[], turn: number, startMs: number): string | null {
  const answer = timeline.find((entry) => entry.entry === "answer" && entry.turn === turn);
  if (answer) return timelineKey(answer);
  let best: TimelineEntry | undefined;
  for (const entry of timeline) {
    if (entry.at_ms <= startMs) best = entry;
  }
  const target = best ?? timeline[0];
  return target ? timelineKey(target) : null;
}

export type ScoreView = {
  /** The confirmed score (0-100), or null while nothing is confirmed. */
  score: number | null;
  recommendation: Recommendation | null;
  provisional: number | null;
};

export function scoreView(overall: Overall): ScoreView {
  return {
    score: overall.confirmed ? overall.confirmed.score : null,
    recommendation: overall.confirmed ? overall.confirmed.recommendation : null,
    provisional: overall.provisional ? overall.provisional.score : null,
  };
}

/** 72.456 -> "72.5"; 75 -> "75". */
export function formatScore(score: number): string {
  return String(Math.round(score * 10) / 10);
}

/** `<data folder>/report-<candidate>-<yyyy-mm-dd>.<json|html|pdf>`, with the candidate's name made file-safe. */
export function defaultReportPath(dataDir: string, candidate: string, generatedAt: string, format: ReportFormat): string {
  const slug =
    candidate
      .normalize("NFKC")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, "-")
      .replace(/^-+|-+$/g, "") || "candidate";
  const date = /^\d{4}-\d{2}-\d{2}/.exec(generatedAt)?.[0] ?? "report";
  const separator = dataDir.includes("\\") && !dataDir.includes("/") ? "\\" : "/";
  const folder = dataDir.endsWith(separator) ? dataDir.slice(0, -1) : dataDir;
  return `${folder}${separator}report-${slug}-${date}.${format}`;
}

/** The path with its extension set to the format's (`.json`, `.html`, `.htm` or `.pdf` replaced, else added). */
export function withFormat(path: string, format: ReportFormat): string {
  const trimmed = path.trim();
  if (/\.(json|html?|pdf)$/i.test(trimmed)) return trimmed.replace(/\.(json|html?|pdf)$/i, `.${format}`);
  return `${trimmed}.${format}`;
}

export type RatingChoice = { value: number; suggested: boolean; current: boolean };

/** The ratings 1-5 the interviewer can give a competency, marking the suggestion and the confirmed one. */
export function ratingChoices(c: Pick<CompetencyReport, "suggested" | "confirmed">): RatingChoice[] {
  return [1, 2, 3, 4, 5].map((value) => ({
    value,
    suggested: c.suggested.rating === value,
    current: c.confirmed !== undefined && c.confirmed.rating === value,
  }));
}

export type RevisionLine = { competency: string; name: string; from: string; to: number; by: string; at: string };

/** The ratings changed after the interview, newest first, with the competency's name in `language`. */
export function revisionLines(report: Pick<Report, "revisions" | "competencies">, language: "en" | "zh"): RevisionLine[] {
  return [...report.revisions].reverse().map((r) => {
    const competency = report.competencies.find((c) => c.id === r.competency);
    return {
      competency: r.competency,
      name: competency ? competency.name[language] : r.competency,
      from: r.from === null ? "—" : String(r.from),
      to: r.to,
      by: r.by,
      at: r.at,
    };
  });
}

/** The confirmed score before and after a change, formatted ("—" while there is none). */
export function scoreChange(before: Overall, after: Overall): { from: string; to: string; changed: boolean } {
  const from = before.confirmed ? before.confirmed.score : null;
  const to = after.confirmed ? after.confirmed.score : null;
  return {
    from: from === null ? "—" : formatScore(from),
    to: to === null ? "—" : formatScore(to),
    changed: from !== to,
  };
}
