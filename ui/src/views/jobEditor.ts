// Screens 2 and 3: the competency-model editor, the question-bank editor and the version history
// of one job. Edits change a draft; saving validates it in the core and stores a new version.
import { api } from "../api";
import type { Bilingual } from "../bindings/Bilingual";
import type { Competency } from "../bindings/Competency";
import type { Difficulty } from "../bindings/Difficulty";
import type { JobDefinition } from "../bindings/JobDefinition";
import type { Keywords } from "../bindings/Keywords";
import type { Question } from "../bindings/Question";
import type { Context } from "../context";
import { h, replace } from "../dom";
import { getLanguage, pick, t } from "../i18n";
import { checkWeights, formatList, formatPercent, normaliseWeights, parseList, parsePercent } from "../logic";
import { button, errorBox, field, formatDate, textArea, textInput } from "../ui";

type Tab = "model" | "bank" | "history";

type Draft = {
  jobId: string;
  /** The version asked for (undefined: the newest). */
  requested: number | undefined;
  /** The version the draft started from. */
  baseVersion: number;
  latestVersion: number;
  definition: JobDefinition;
  tab: Tab;
  /** The outcome of the last save, kept across re-renders (e.g. a language switch). */
  status: { kind: "saved" | "unchanged"; version: number } | null;
};

let draft: Draft | null = null;

export async function renderJobEditor(
  screen: HTMLElement,
  context: Context,
  jobId: string,
  requested: number | undefined,
): Promise<void> {
  if (!draft || draft.jobId !== jobId || draft.requested !== requested) {
    const [model, versions] = await Promise.all([api.getJob(jobId, requested), api.jobVersions(jobId)]);
    draft = {
      jobId,
      requested,
      baseVersion: model.version,
      latestVersion: Math.max(model.version, ...versions.map((v) => v.version)),
      definition: structuredClone(model.definition),
      tab: "model",
      status: null,
    };
  }
  new JobEditor(screen, context, draft).render();
}

class JobEditor {
  private readonly weightBar = h("div", { class: "weight-bar" });
  private readonly statusLine = h("div", { class: "save-status", testid: "save-status", "aria-live": "polite" });
  private readonly body = h("div", { class: "tab-body" });

  constructor(
    private readonly screen: HTMLElement,
    private readonly context: Context,
    private readonly draft: Draft,
  ) {}

  private get job(): JobDefinition {
    return this.draft.definition;
  }

  render(): void {
    const language = getLanguage();
    const versionBadge = h("span", { class: "badge", testid: "job-version" }, t("editor.version", { version: this.draft.latestVersion }));
    const saveButton = button(t("editor.save"), () => void this.save(saveButton), { class: "primary", testid: "job-save" });
    const tabButton = (tab: Tab, label: string) =>
      button(
        label,
        () => {
          this.draft.tab = tab;
          this.render();
        },
        { class: this.draft.tab === tab ? "tab active" : "tab", testid: `tab-${tab}`, role: "tab" },
      );
    replace(
      this.screen,
      button(t("editor.back"), () => this.context.navigate({ view: "jobs" }), { class: "link back", testid: "editor-back" }),
      h(
        "div",
        { class: "page-header" },
        h(
          "div",
          null,
          h("h1", { testid: "job-title" }, pick(this.job.title, language), " ", versionBadge),
          h("p", { class: "muted" }, this.job.id),
        ),
      ),
      this.draft.baseVersion !== this.draft.latestVersion
        ? h("p", { class: "notice", testid: "viewing-old" }, t("editor.viewingOld", { version: this.draft.baseVersion }))
        : null,
      this.statusLine,
      h("div", { class: "tabs", role: "tablist" }, tabButton("model", t("editor.tab.model")), tabButton("bank", t("editor.tab.bank")), tabButton("history", t("editor.tab.history"))),
      h("div", { class: "editor-bar" }, this.draft.tab === "model" ? this.weightBar : h("span"), saveButton),
      this.body,
    );
    this.renderStatus();
    this.updateWeights();
    switch (this.draft.tab) {
      case "model":
        this.renderModel();
        break;
      case "bank":
        this.renderBank();
        break;
      case "history":
        void this.renderHistory();
        break;
    }
  }

  private renderStatus(): void {
    const status = this.draft.status;
    if (!status) {
      replace(this.statusLine);
      return;
    }
    replace(
      this.statusLine,
      h(
        "p",
        { class: "notice notice-ok" },
        status.kind === "saved" ? t("editor.saved", { version: status.version }) : t("editor.unchanged", { version: status.version }),
      ),
    );
  }

  private updateWeights(): void {
    const check = checkWeights(this.job.competencies);
    replace(
      this.weightBar,
      h(
        "span",
        { class: check.ok ? "weight-sum ok" : "weight-sum bad", testid: "weight-sum", "data-ok": String(check.ok) },
        check.ok ? t("editor.weights.ok", { sum: check.percent }) : t("editor.weights.bad", { sum: check.percent }),
      ),
      check.ok
        ? null
        : button(
            t("editor.weights.normalise"),
            () => {
              const weights = normaliseWeights(this.job.competencies.map((c) => c.weight));
              this.job.competencies.forEach((c, i) => (c.weight = weights[i] ?? c.weight));
              this.render();
            },
            { class: "secondary small", testid: "weights-normalise" },
          ),
    );
  }

  private renderModel(): void {
    const job = this.job;
    replace(
      this.body,
      h(
        "section",
        { class: "card" },
        h(
          "div",
          { class: "grid two" },
          field(t("editor.titleEn"), textInput(job.title.en, (v) => (job.title.en = v), { testid: "job-title-en" })),
          field(t("editor.titleZh"), textInput(job.title.zh, (v) => (job.title.zh = v), { testid: "job-title-zh", lang: "zh-CN" })),
          field(t("editor.summaryEn"), textArea(job.summary.en, (v) => (job.summary.en = v), { testid: "job-summary-en" })),
          field(t("editor.summaryZh"), textArea(job.summary.zh, (v) => (job.summary.zh = v), { testid: "job-summary-zh", lang: "zh-CN" })),
        ),
      ),
      job.competencies.map((competency, index) => this.competencyCard(competency, index)),
      button(t("editor.addCompetency"), () => this.addCompetency(), { class: "secondary", testid: "add-competency" }),
    );
  }

  private competencyCard(competency: Competency, index: number): HTMLElement {
    const language = getLanguage();
    const questionCount = this.job.questions.filter((q) => q.competency === competency.id).length;
    const weightInput = textInput(
      formatPercent(competency.weight),
      (value) => {
        const parsed = parsePercent(value);
        weightInput.classList.toggle("invalid", parsed === null || parsed <= 0 || parsed > 1);
        competency.weight = parsed ?? 0;
        this.updateWeights();
      },
      { testid: `competency-weight-${index}`, inputmode: "decimal", class: "weight-input" },
    );
    const bilingualPair = (labelEn: string, labelZh: string, text: Bilingual, testid: string, multiline = false) => {
      const control = multiline ? textArea : textInput;
      return [
        field(labelEn, control(text.en, (v) => (text.en = v), { testid: `${testid}-en` })),
        field(labelZh, control(text.zh, (v) => (text.zh = v), { testid: `${testid}-zh`, lang: "zh-CN" })),
      ];
    };
    const listPair = (labelEn: string, labelZh: string, get: () => Keywords, testid: string) => [
      field(labelEn, textInput(formatList(get().en), (v) => (get().en = parseList(v)), { testid: `${testid}-en` })),
      field(labelZh, textInput(formatList(get().zh), (v) => (get().zh = parseList(v)), { testid: `${testid}-zh`, lang: "zh-CN" })),
    ];
    const examples = (): Keywords => {
      competency.examples ??= { en: [], zh: [] };
      return competency.examples;
    };
    const anchors = [...competency.anchors].sort((a, b) => a.level - b.level);
    return h(
      "section",
      { class: "card competency", testid: `competency-${index}` },
      h(
        "div",
        { class: "card-header" },
        h("h2", null, pick(competency.name, language) || competency.id, h("span", { class: "muted small" }, "  ", t("editor.competency.questionCount", { count: questionCount }))),
        h(
          "div",
          { class: "weight-field" },
          h("label", { class: "field-label" }, t("editor.competency.weight")),
          weightInput,
        ),
      ),
      h(
        "div",
        { class: "grid two" },
        field(
          t("editor.competency.id"),
          textInput(competency.id, (v) => this.renameCompetency(competency, v.trim()), { testid: `competency-id-${index}` }),
        ),
        h("div"),
        bilingualPair(t("editor.competency.nameEn"), t("editor.competency.nameZh"), competency.name, `competency-name-${index}`),
        bilingualPair(t("editor.competency.descriptionEn"), t("editor.competency.descriptionZh"), competency.description, `competency-description-${index}`, true),
        listPair(t("editor.competency.keywordsEn"), t("editor.competency.keywordsZh"), () => competency.keywords, `competency-keywords-${index}`),
        listPair(t("editor.competency.examplesEn"), t("editor.competency.examplesZh"), examples, `competency-examples-${index}`),
      ),
      h(
        "details",
        { class: "anchors" },
        h("summary", null, t("editor.competency.anchors")),
        anchors.map((anchor) =>
          h(
            "div",
            { class: "anchor-row" },
            h("span", { class: "anchor-level" }, t("editor.competency.anchorLevel", { level: anchor.level })),
            textArea(anchor.en, (v) => (anchor.en = v), { testid: `anchor-${index}-${anchor.level}-en` }),
            textArea(anchor.zh, (v) => (anchor.zh = v), { testid: `anchor-${index}-${anchor.level}-zh`, lang: "zh-CN" }),
          ),
        ),
      ),
      h(
        "div",
        { class: "card-footer" },
        button(t("editor.removeCompetency"), () => this.removeCompetency(index), { class: "danger link", testid: `remove-competency-${index}` }),
      ),
    );
  }

  /** Renaming a competency keeps its questions attached to it. */
  private renameCompetency(competency: Competency, id: string): void {
    for (const question of this.job.questions) {
      if (question.competency === competency.id) question.competency = id;
    }
    competency.id = id;
  }

  private addCompetency(): void {
    let n = this.job.competencies.length + 1;
    while (this.job.competencies.some((c) => c.id === `competency_${n}`)) n += 1;
    this.job.competencies.push({
      id: `competency_${n}`,
      name: { en: "", zh: "" },
      weight: 0,
      description: { en: "", zh: "" },
      anchors: [1, 2, 3, 4, 5].map((level) => ({ level, en: "", zh: "" })),
      keywords: { en: [], zh: [] },
    });
    this.render();
  }

  private removeCompetency(index: number): void {
    const [removed] = this.job.competencies.splice(index, 1);
    if (removed) this.job.questions = this.job.questions.filter((q) => q.competency !== removed.id);
    this.render();
  }

  private renderBank(): void {
    const language = getLanguage();
    replace(
      this.body,
      this.job.competencies.map((competency, competencyIndex) => {
        const questions = this.job.questions.filter((q) => q.competency === competency.id);
        return h(
          "section",
          { class: "card", testid: `bank-competency-${competencyIndex}` },
          h("div", { class: "card-header" }, h("h2", null, pick(competency.name, language) || competency.id), h("span", { class: "muted" }, t("editor.competency.questionCount", { count: questions.length }))),
          questions.length === 0 ? h("p", { class: "muted" }, t("bank.noQuestions")) : null,
          questions.map((question) => this.questionCard(question)),
          button(t("bank.addQuestion"), () => this.addQuestion(competency.id), { class: "secondary small", testid: `add-question-${competencyIndex}` }),
        );
      }),
    );
  }

  private questionCard(question: Question): HTMLElement {
    const index = this.job.questions.indexOf(question);
    const followUps = question.follow_ups ?? [];
    const difficulty = h(
      "select",
      {
        testid: `question-difficulty-${index}`,
        onchange: (event: Event) => {
          question.difficulty = (event.target as HTMLSelectElement).value as Difficulty;
        },
      },
      (["easy", "standard", "hard"] as const).map((level) =>
        h("option", { value: level, selected: (question.difficulty ?? "standard") === level }, t(`bank.difficulty.${level}`)),
      ),
    );
    return h(
      "div",
      { class: "question", testid: `question-${index}` },
      h(
        "div",
        { class: "grid question-meta" },
        field(t("bank.questionId"), textInput(question.id, (v) => (question.id = v.trim()), { testid: `question-id-${index}` })),
        field(t("bank.difficulty"), difficulty),
      ),
      h(
        "div",
        { class: "grid two" },
        field(t("bank.textEn"), textArea(question.en, (v) => (question.en = v), { testid: `question-en-${index}` })),
        field(t("bank.textZh"), textArea(question.zh, (v) => (question.zh = v), { testid: `question-zh-${index}`, lang: "zh-CN" })),
      ),
      h(
        "div",
        { class: "follow-ups" },
        h("span", { class: "field-label" }, t("bank.followUps")),
        followUps.map((followUp, followUpIndex) =>
          h(
            "div",
            { class: "follow-up" },
            textInput(followUp.en, (v) => (followUp.en = v), { placeholder: t("bank.followUpEn"), testid: `follow-up-${index}-${followUpIndex}-en` }),
            textInput(followUp.zh, (v) => (followUp.zh = v), { placeholder: t("bank.followUpZh"), testid: `follow-up-${index}-${followUpIndex}-zh`, lang: "zh-CN" }),
            button(t("bank.removeFollowUp"), () => {
              followUps.splice(followUpIndex, 1);
              question.follow_ups = followUps;
              this.renderBank();
            }, { class: "link danger small" }),
          ),
        ),
      ),
      h(
        "div",
        { class: "card-footer" },
        button(t("bank.addFollowUp"), () => {
          question.follow_ups = [...followUps, { en: "", zh: "" }];
          this.renderBank();
        }, { class: "link small", testid: `add-follow-up-${index}` }),
        button(t("bank.removeQuestion"), () => {
          this.job.questions.splice(index, 1);
          this.renderBank();
        }, { class: "link danger small", testid: `remove-question-${index}` }),
      ),
    );
  }

  private addQuestion(competencyId: string): void {
    let n = this.job.questions.filter((q) => q.competency === competencyId).length + 1;
    while (this.job.questions.some((q) => q.id === `${competencyId}_q${n}`)) n += 1;
    this.job.questions.push({ id: `${competencyId}_q${n}`, competency: competencyId, en: "", zh: "" });
    this.renderBank();
  }

  private async renderHistory(): Promise<void> {
    const body = this.body;
    try {
      const versions = await api.jobVersions(this.draft.jobId);
      const newest = Math.max(...versions.map((v) => v.version));
      replace(
        body,
        h(
          "table",
          { class: "table", testid: "version-history" },
          h("thead", null, h("tr", null, h("th", { class: "num" }, t("history.col.version")), h("th", null, t("history.col.created")), h("th", null, t("history.col.hash")), h("th", null))),
          h(
            "tbody",
            null,
            [...versions]
              .sort((a, b) => b.version - a.version)
              .map((version) =>
                h(
                  "tr",
                  { testid: `version-row-${version.version}` },
                  h("td", { class: "num" }, `v${version.version}`, version.version === newest ? h("span", { class: "badge small" }, t("history.current")) : null),
                  h("td", null, formatDate(version.created_at)),
                  h("td", null, h("code", null, version.content_hash.slice(0, 12))),
                  h(
                    "td",
                    { class: "row-action" },
                    button(
                      t("history.open"),
                      () =>
                        this.context.navigate({
                          view: "job",
                          jobId: this.draft.jobId,
                          version: version.version === newest ? undefined : version.version,
                        }),
                      { class: "link", testid: `version-open-${version.version}` },
                    ),
                  ),
                ),
              ),
          ),
        ),
      );
    } catch (error) {
      replace(body, errorBox(error, "history-error"));
    }
  }

  private async save(saveButton: HTMLButtonElement): Promise<void> {
    saveButton.disabled = true;
    saveButton.textContent = t("editor.saving");
    this.draft.status = null;
    try {
      const issues = await api.validateJob(this.job);
      if (issues.length > 0) {
        replace(
          this.statusLine,
          h(
            "div",
            { class: "notice notice-error", testid: "save-issues", role: "alert" },
            h("p", null, t("editor.invalid")),
            h("ul", { class: "problems" }, issues.map((issue) => h("li", null, h("code", null, issue.path), " ", issue.message))),
          ),
        );
        return;
      }
      const saved = await api.saveJob(this.job);
      this.draft.status = { kind: saved.created_new_version ? "saved" : "unchanged", version: saved.version };
      this.draft.baseVersion = saved.version;
      this.draft.latestVersion = saved.version;
      this.draft.requested = undefined;
      this.render();
    } catch (error) {
      replace(this.statusLine, errorBox(error, "save-error"));
    } finally {
      saveButton.disabled = false;
      saveButton.textContent = t("editor.save");
    }
  }
}

/** Forgets the draft (e.g. after an import replaced the job). */
export function discardDraft(): void {
  draft = null;
}
