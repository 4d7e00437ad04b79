import { describe, expect, it } from "vitest";

import type { Plan } from "./bindings/Plan";
import type { PlanItem } from "./bindings/PlanItem";
import {
  checkWeights,
  defaultExportPath,
  formatMinutes,
  formatOfFile,
  formatPercent,
  groupPlan,
  normaliseWeights,
  parseList,
  parsePercent,
} from "./logic";

const weights = (...values: number[]) => values.map((weight) => ({ weight }));

describe("checkWeights", () => {
  it.each([
    { values: [0.25, 0.25, 0.2, 0.15, 0.15], ok: true, percent: "100" },
    { values: [0.35, 0.25, 0.2, 0.15, 0.15], ok: false, percent: "110" },
    { values: [0.3333, 0.3333, 0.3334], ok: true, percent: "100" },
    { values: [0.333, 0.333, 0.333], ok: true, percent: "99.9" },
    { values: [0.33, 0.33, 0.33], ok: false, percent: "99" },
    { values: [0.5, 0.5, 0], ok: true, percent: "100" },
    { values: [], ok: false, percent: "0" },
    { values: [Number.NaN, 1], ok: true, percent: "100" },
  ])("$values sums to $percent % (ok: $ok)", ({ values, ok, percent }) => {
    const check = checkWeights(weights(...values));
    expect(check.ok).toBe(ok);
    expect(check.percent).toBe(percent);
  });
});

describe("percent fields", () => {
  it.each([
    ["25", 0.25],
    [" 12.5 % ", 0.125],
    ["12,5", 0.125],
    ["100", 1],
    ["0", 0],
    ["", null],
    ["abc", null],
    ["1e2", null],
    ["25%x", null],
  ])("parsePercent(%j) = %j", (text, expected) => {
    expect(parsePercent(text)).toBe(expected);
  });

  it("formats fractions without float noise", () => {
    expect(formatPercent(0.15)).toBe("15");
    expect(formatPercent(0.1 + 0.2)).toBe("30");
    expect(formatPercent(1 / 3)).toBe("33.33");
  });
});

describe("normaliseWeights", () => {
  it("scales proportionally to exactly 1", () => {
    const result = normaliseWeights([0.35, 0.25, 0.2, 0.15, 0.15]);
    expect(result.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    expect(checkWeights(weights(...result)).ok).toBe(true);
    expect(result[1]).toBeCloseTo(0.25 / 1.1, 4);
  });

  it("gives the rounding remainder to the heaviest competency", () => {
    const result = normaliseWeights([1, 1, 1]);
    expect(result).toEqual([0.3334, 0.3333, 0.3333]);
  });

  it("shares equally when every weight is zero or invalid", () => {
    expect(normaliseWeights([0, Number.NaN])).toEqual([0.5, 0.5]);
    expect(normaliseWeights([])).toEqual([]);
  });
});

describe("parseList", () => {
  it("splits on English and Chinese separators and drops blanks", () => {
    expect(parseList("quota, pipeline，客户、需求; close\n\n  ")).toEqual(["quota", "pipeline", "客户", "需求", "close"]);
    expect(parseList("   ")).toEqual([]);
  });
});

function item(competency: string, question: string, minutes: number, weight: number): PlanItem {
  return {
    competency_id: competency,
    competency_name: { en: competency, zh: competency },
    question_id: question,
    question: { en: question, zh: question },
    minutes,
    reason: { kind: "bank_question", competency_weight: weight },
    explanation: { en: "why", zh: "原因" },
  };
}

describe("groupPlan", () => {
  it("groups items by competency in order of first appearance and sums minutes", () => {
    const plan: Plan = {
      job_id: "sales_rep",
      model_version: 1,
      language: "en",
      budget_minutes: 30,
      planned_minutes: 27.5,
      items: [item("b", "b1", 6, 0.4), item("a", "a1", 5, 0.6), item("b", "b2", 4.5, 0.4), item("a", "a2", 12, 0.6)],
      skipped: [],
      resume_facts: { roles: [], organisations: [], projects: [], skills: [], achievements: [] },
    };
    const groups = groupPlan(plan);
    expect(groups.map((g) => [g.competencyId, g.minutes, g.items.map((i) => i.question_id)])).toEqual([
      ["b", 10.5, ["b1", "b2"]],
      ["a", 17, ["a1", "a2"]],
    ]);
    expect(groups[0]?.weight).toBe(0.4);
  });
});

describe("small formatters", () => {
  it("formats minutes", () => {
    expect(formatMinutes(5)).toBe("5");
    expect(formatMinutes(4.25)).toBe("4.3");
  });

  it("builds the default export path", () => {
    expect(defaultExportPath("/home/a/.local/share/ic", ["sales_rep"], "xlsx")).toBe("/home/a/.local/share/ic/sales_rep.xlsx");
    expect(defaultExportPath("/data/", ["a", "b"], "csv")).toBe("/data/interview-copilot-bank.csv");
    expect(defaultExportPath("C:\\Users\\a\\ic", [], "json")).toBe("C:\\Users\\a\\ic\\interview-copilot-bank.json");
  });

  it("recognises bank file formats", () => {
    expect(formatOfFile("Bank.XLSX")).toBe("xlsx");
    expect(formatOfFile("notes.txt")).toBeNull();
  });
});
