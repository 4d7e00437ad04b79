import { describe, expect, it } from "vitest";

import { en, placeholders, translate, zh, pick } from "./i18n";

describe("dictionaries", () => {
  const enKeys = Object.keys(en).sort();
  const zhKeys = Object.keys(zh).sort();

  it("every English key has a Chinese text", () => {
    expect(enKeys.filter((key) => !(key in zh))).toEqual([]);
  });

  it("every Chinese key exists in English", () => {
    expect(zhKeys.filter((key) => !(key in en))).toEqual([]);
  });

  it("no text is empty", () => {
    const empty = [
      ...Object.entries(en).filter(([, text]) => text.trim() === "").map(([key]) => `en:${key}`),
      ...Object.entries(zh).filter(([, text]) => text.trim() === "").map(([key]) => `zh:${key}`),
    ];
    expect(empty).toEqual([]);
  });

  it("both languages use the same {placeholders}", () => {
    const mismatched = enKeys.filter(
      (key) => placeholders(en[key as keyof typeof en]).join() !== placeholders(zh[key as keyof typeof en]).join(),
    );
    expect(mismatched).toEqual([]);
  });

  it("Chinese texts are really translated (contain CJK) unless they are names or formats", () => {
    const sameAsEnglish = enKeys.filter((key) => en[key as keyof typeof en] === zh[key as keyof typeof en]);
    expect(sameAsEnglish.sort()).toEqual(["editor.competency.id", "format.csv", "format.json", "format.pdf", "language.en", "language.zh"]);
  });
});

describe("translate", () => {
  it("fills placeholders in the requested language", () => {
    expect(translate("editor.saved", { version: 2 }, "en")).toBe("Saved as version 2");
    expect(translate("editor.saved", { version: 2 }, "zh")).toBe("已保存为版本 2");
  });

  it("leaves a placeholder without a value visible", () => {
    expect(translate("editor.saved", {}, "en")).toBe("Saved as version {version}");
  });

  it("the language switch names the other language", () => {
    expect(translate("lang.switch", {}, "en")).toBe("中文");
    expect(translate("lang.switch", {}, "zh")).toBe("English");
  });
});

describe("pick", () => {
  it("prefers the UI language and falls back to the other when empty", () => {
    expect(pick({ en: "Sales", zh: "销售" }, "zh")).toBe("销售");
    expect(pick({ en: "Sales", zh: " " }, "zh")).toBe("Sales");
    expect(pick({ en: "", zh: "销售" }, "en")).toBe("销售");
  });
});
