// Pure UI logic, unit-tested in logic.test.ts: weights, list fields, plan grouping, export paths.
import type { BankFileFormat } from "./bindings/BankFileFormat";
import type { Competency } from "./bindings/Competency";
import type { Plan } from "./bindings/Plan";
import type { PlanItem } from "./bindings/PlanItem";

/** How far weights may sum away from 1.0; the same tolerance the core validates with. */
export const WEIGHT_TOLERANCE = 0.005;

export type WeightCheck = {
  /** The sum of the weights, as a fraction (1.0 = 100 %). */
  sum: number;
  /** The sum in percent, rounded for display. */
  percent: string;
  ok: boolean;
};

export function checkWeights(competencies: Pick<Competency, "weight">[]): WeightCheck {
  const sum = competencies.reduce((total, c) => total + (Number.isFinite(c.weight) ? c.weight : 0), 0);
  return {
    sum,
    percent: formatPercent(sum),
    ok: competencies.length > 0 && Math.abs(sum - 1) <= WEIGHT_TOLERANCE,
  };
}

/** 0.25 -> "25", 0.125 -> "12.5", 1/3 -> "33.33". */
export function formatPercent(fraction: number): string {
  const percent = Math.round(fraction * 10000) / 100;
  return String(percent);
}

/** Parses a percent field ("25", "12,5", " 30 % ") into a fraction, or null when it is not a number. */
export function parsePercent(text: string): number | null {
  const cleaned = text.replace("%", "").replace(",", ".").trim();
  if (cleaned === "" || !/^[-+]?\d*\.?\d+$/.test(cleaned)) return null;
  return Number(cleaned) / 100;
}

/**
 * Scales weights so they sum to exactly 1, rounded to 4 decimals; the rounding remainder goes to
 * the heaviest competency. Returns the new weights in the same order.
 */
export function normaliseWeights(weights: number[]): number[] {
  const positive = weights.map((w) => (Number.isFinite(w) && w > 0 ? w : 0));
  const total = positive.reduce((a, b) => a + b, 0);
  if (positive.length === 0) return [];
  if (total === 0) {
    return equalShares(positive.length);
  }
  const scaled = positive.map((w) => Math.round((w / total) * 10000) / 10000);
  return fixRemainder(scaled);
}

function equalShares(count: number): number[] {
  return fixRemainder(Array.from({ length: count }, () => Math.round(10000 / count) / 10000));
}

function fixRemainder(weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const remainder = Math.round((1 - sum) * 10000) / 10000;
  let heaviest = 0;
  weights.forEach((w, i) => {
    if (w > (weights[heaviest] ?? 0)) heaviest = i;
  });
  const result = [...weights];
  result[heaviest] = Math.round(((result[heaviest] ?? 0) + remainder) * 10000) / 10000;
  return result;
}

/** Splits a keyword field on commas (also Chinese ，、), semicolons and new lines. */
export function parseList(text: string): string[] {
  return text
    .split(/[,，、;；\n]/)
    .map((part) => part.trim())
    .filter((part) => part !== "");
}

export function formatList(items: readonly string[] | undefined): string {
  return (items ?? []).join(", ");
}

export type CompetencyPlan = {
  competencyId: string;
  name: PlanItem["competency_name"];
  weight: number;
  minutes: number;
  items: PlanItem[];
};

/** Groups plan items by competency, keeping the plan's order of first appearance. */
export function groupPlan(plan: Plan): CompetencyPlan[] {
  const groups = new Map<string, CompetencyPlan>();
  for (const item of plan.items) {
    let group = groups.get(item.competency_id);
    if (!group) {
      group = {
        competencyId: item.competency_id,
        name: item.competency_name,
        weight: item.reason.competency_weight,
        minutes: 0,
        items: [],
      };
      groups.set(item.competency_id, group);
    }
    group.items.push(item);
    group.minutes += item.minutes;
  }
  return [...groups.values()];
}

/** Minutes for display: whole numbers stay whole, others get one decimal. */
export function formatMinutes(minutes: number): string {
  return Number.isInteger(minutes) ? String(minutes) : minutes.toFixed(1);
}

/** Where an export goes by default: the data folder, named after the job (or the whole bank). */
export function defaultExportPath(dataDir: string, jobIds: string[], format: BankFileFormat): string {
  const stem = jobIds.length === 1 ? (jobIds[0] ?? "bank") : "interview-copilot-bank";
  const separator = dataDir.includes("\\") && !dataDir.includes("/") ? "\\" : "/";
  const folder = dataDir.endsWith(separator) ? dataDir.slice(0, -1) : dataDir;
  return `${folder}${separator}${stem}.${format}`;
}

/** The bank format a file name stands for, if any. */
export function formatOfFile(fileName: string): BankFileFormat | null {
  const extension = fileName.toLowerCase().split(".").pop();
  return extension === "json" || extension === "csv" || extension === "xlsx" ? extension : null;
}
