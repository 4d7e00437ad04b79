// Screen 5: the interview list, planning a new interview (résumé, time budget, plan preview) and
// one interview's plan.
import { api } from "../api";
import type { Interview } from "../bindings/Interview";
import type { JobSummary } from "../bindings/JobSummary";
import type { Language } from "../bindings/Language";
import type { NewInterview } from "../bindings/NewInterview";
import type { Plan } from "../bindings/Plan";
import type { ResumeFacts } from "../bindings/ResumeFacts";
import type { Context } from "../context";
import { fileBytes, h, replace } from "../dom";
import { getLanguage, pick, t, type MessageKey } from "../i18n";
import { formatMinutes, formatPercent, groupPlan, parseList } from "../logic";
import { button, errorBox, field, formatDate, pageHeader, textArea, textInput } from "../ui";

export async function renderInterviews(screen: HTMLElement, context: Context, notice?: string): Promise<void> {
  const [interviews, jobs, reports] = await Promise.all([api.listInterviews(), api.listJobs(), api.listReports()]);
  const titles = jobTitles(jobs);
  const reportOf = new Map(reports.map((r) => [r.interview_id, r.report_id]));
  const demoError = h("div", { "aria-live": "polite" });
  const startDemo = async (demoButton: HTMLButtonElement) => {
    demoButton.disabled = true;
    try {
      const interview = await api.createDemoInterview();
      context.navigate({ view: "live", id: interview.id, demo: true });
    } catch (error) {
      replace(demoError, errorBox(error, "demo-error"));
      demoButton.disabled = false;
    }
  };
  const demoButton: HTMLButtonElement = button(t("iv.demo"), () => void startDemo(demoButton), {
    class: "secondary",
    testid: "interview-demo",
    title: t("iv.demo.help"),
  });
  const rowAction = (interview: Interview) => {
    const report = reportOf.get(interview.id);
    const stop = (event: Event) => event.stopPropagation();
    if (report) {
      return button(t("iv.openReport"), (e) => (stop(e), context.navigate({ view: "report", id: report })), {
        class: "small secondary",
        testid: `interview-report-${interview.id}`,
      });
    }
    if (interview.status === "planned" || interview.status === "in_progress") {
      return button(t(interview.status === "planned" ? "iv.start" : "iv.resume"), (e) => (stop(e), context.navigate({ view: "live", id: interview.id })), {
        class: "small primary",
        testid: `interview-start-${interview.id}`,
      });
    }
    return null;
  };
  replace(
    screen,
    pageHeader(
      t("iv.title"),
      undefined,
      demoButton,
      button(t("iv.new"), () => context.navigate({ view: "new-interview" }), { class: "primary", testid: "interview-new" }),
    ),
    demoError,
    notice ? h("p", { class: "notice notice-ok", testid: "interview-notice" }, notice) : null,
    interviews.length === 0
      ? h("p", { class: "empty", testid: "interviews-empty" }, t("iv.empty"))
      : h(
          "table",
          { class: "table", testid: "interview-list" },
          h(
            "thead",
            null,
            h(
              "tr",
              null,
              h("th", null, t("iv.col.candidate")),
              h("th", null, t("iv.col.job")),
              h("th", null, t("iv.col.language")),
              h("th", { class: "num" }, t("iv.col.questions")),
              h("th", null, t("iv.col.status")),
              h("th", null, t("iv.col.created")),
              h("th", { class: "row-action" }, t("iv.col.actions")),
            ),
          ),
          h(
            "tbody",
            null,
            [...interviews]
              .sort((a, b) => b.created_at.localeCompare(a.created_at))
              .map((interview) =>
                h(
                  "tr",
                  {
                    class: "clickable",
                    testid: `interview-row-${interview.id}`,
                    onclick: () => context.navigate({ view: "interview", id: interview.id }),
                  },
                  h("td", { class: "strong" }, interview.candidate.name),
                  h("td", null, titles.get(interview.job_id) ?? interview.job_id),
                  h("td", null, t(`language.${interview.language}`)),
                  h("td", { class: "num" }, interview.plan.items.length),
                  h("td", null, h("span", { class: `status status-${interview.status}` }, t(`iv.status.${interview.status}`))),
                  h("td", null, formatDate(interview.created_at)),
                  h("td", { class: "row-action" }, rowAction(interview)),
                ),
              ),
          ),
        ),
  );
}

function jobTitles(jobs: JobSummary[]): Map<string, string> {
  return new Map(jobs.map((job) => [job.id, pick(job.title, getLanguage())]));
}

/** The form keeps what was typed when the language is switched. */
let form: NewInterview | null = null;

export async function renderNewInterview(screen: HTMLElement, context: Context): Promise<void> {
  const jobs = await api.listJobs();
  const language = getLanguage();
  const current: NewInterview = (form ??= {
    job_id: jobs[0]?.id ?? "",
    candidate_name: "",
    candidate_contact: "",
    resume_text: "",
    interviewers: [],
    language,
    budget_minutes: 45,
    scheduled_at: null,
  });

  const planArea = h("div", { class: "plan-area", testid: "plan-area" });
  const formError = h("div", { "aria-live": "polite" });
  const resumeNote = h("span", { class: "field-hint", testid: "resume-file-note" });
  const resumeArea = textArea(current.resume_text, (v) => (current.resume_text = v), {
    testid: "iv-resume",
    rows: 8,
    class: "resume",
  });
  const resumeFile = h("input", {
    type: "file",
    accept: ".txt,.pdf,.docx",
    class: "file-input",
    testid: "iv-resume-file",
    onchange: async () => {
      const file = resumeFile.files?.[0];
      if (!file) return;
      try {
        const text = await api.resumeText(file.name, await fileBytes(file));
        current.resume_text = text;
        resumeArea.value = text;
        replace(resumeNote, t("iv.form.resumeLoaded", { file: file.name, chars: text.length }));
        replace(formError);
      } catch (error) {
        replace(formError, errorBox(error, "resume-error"));
      } finally {
        resumeFile.value = "";
      }
    },
  });
  const jobSelect = h(
    "select",
    { testid: "iv-job", onchange: (e: Event) => (current.job_id = (e.target as HTMLSelectElement).value) },
    jobs.map((job) => h("option", { value: job.id, selected: job.id === current.job_id }, pick(job.title, language))),
  );
  const languageSelect = h(
    "select",
    { testid: "iv-language", onchange: (e: Event) => (current.language = (e.target as HTMLSelectElement).value as Language) },
    (["en", "zh"] as const).map((l) => h("option", { value: l, selected: l === current.language }, t(`language.${l}`))),
  );
  const minutesInput = h("input", {
    type: "number",
    min: 5,
    max: 240,
    step: 5,
    value: String(current.budget_minutes),
    testid: "iv-minutes",
    oninput: (e: Event) => (current.budget_minutes = Number((e.target as HTMLInputElement).value)),
  });

  const preview = async (): Promise<void> => {
    replace(formError);
    try {
      const plan = await api.previewPlan({
        job_id: current.job_id,
        resume_text: current.resume_text,
        budget_minutes: current.budget_minutes,
        language: current.language,
      });
      replace(planArea, planView(plan), createBar());
    } catch (error) {
      replace(planArea, errorBox(error, "plan-error"));
    }
  };
  const create = async (createButton: HTMLButtonElement): Promise<void> => {
    if (current.candidate_name.trim() === "") {
      replace(formError, h("p", { class: "notice notice-error", testid: "iv-name-missing" }, t("iv.form.nameMissing")));
      return;
    }
    createButton.disabled = true;
    try {
      const interview = await api.createInterview(current);
      form = null;
      context.navigate({ view: "interview", id: interview.id, notice: t("iv.created", { name: interview.candidate.name }) });
    } catch (error) {
      replace(formError, errorBox(error, "create-error"));
    } finally {
      createButton.disabled = false;
    }
  };
  const createBar = () => {
    const createButton: HTMLButtonElement = button(t("iv.form.create"), () => void create(createButton), {
      class: "primary",
      testid: "iv-create",
    });
    return h("div", { class: "actions sticky-actions" }, createButton);
  };

  replace(
    screen,
    button(t("iv.back"), () => context.navigate({ view: "interviews" }), { class: "link back", testid: "iv-back" }),
    pageHeader(t("iv.form.title")),
    h(
      "section",
      { class: "card" },
      h(
        "div",
        { class: "grid two" },
        field(t("iv.form.job"), jobSelect),
        field(t("iv.form.name"), textInput(current.candidate_name, (v) => (current.candidate_name = v), { testid: "iv-name" })),
        field(t("iv.form.contact"), textInput(current.candidate_contact, (v) => (current.candidate_contact = v), { testid: "iv-contact" })),
        field(
          t("iv.form.interviewers"),
          textInput(current.interviewers.join(", "), (v) => (current.interviewers = parseList(v)), { testid: "iv-interviewers" }),
        ),
        field(t("iv.form.language"), languageSelect),
        field(t("iv.form.minutes"), minutesInput),
      ),
      field(t("iv.form.resume"), resumeArea, t("iv.form.resumeHelp")),
      h("div", { class: "row" }, h("label", { class: "file-button" }, h("span", { class: "button secondary small" }, t("iv.form.resumeFile")), resumeFile), resumeNote),
      formError,
      h(
        "div",
        { class: "actions" },
        button(t("iv.form.preview"), () => void preview(), { class: "primary", testid: "iv-preview" }),
      ),
    ),
    planArea,
  );
}

/** A plan: questions grouped by competency, with minutes, the personalised text and why. */
export function planView(plan: Plan): HTMLElement {
  const ui = getLanguage();
  const asked = plan.language;
  const groups = groupPlan(plan);
  return h(
    "section",
    { class: "card plan", testid: "plan" },
    h(
      "div",
      { class: "card-header" },
      h("h2", null, t("plan.title")),
      h(
        "span",
        { class: "muted", testid: "plan-summary" },
        t("plan.summary", {
          count: plan.items.length,
          planned: formatMinutes(plan.planned_minutes),
          budget: formatMinutes(plan.budget_minutes),
        }),
      ),
    ),
    factsView(plan.resume_facts),
    groups.map((group) =>
      h(
        "div",
        { class: "plan-group", testid: `plan-competency-${group.competencyId}` },
        h(
          "div",
          { class: "plan-group-header" },
          h("h3", null, pick(group.name, ui)),
          h("span", { class: "muted small" }, t("plan.weight", { percent: formatPercent(group.weight) }), " · ", t("plan.minutes", { minutes: formatMinutes(group.minutes) })),
        ),
        group.items.map((item) => {
          const text = item.personalised ? pick(item.personalised, asked) : pick(item.question, asked);
          return h(
            "div",
            { class: "plan-item", testid: `plan-item-${item.question_id}` },
            h(
              "div",
              { class: "plan-question" },
              h("p", { class: "question-text", testid: "plan-question", lang: asked === "zh" ? "zh-CN" : "en" }, text),
              h("span", { class: "minutes" }, t("plan.minutes", { minutes: formatMinutes(item.minutes) })),
            ),
            item.personalised
              ? h(
                  "div",
                  { class: "personalised" },
                  h("span", { class: "badge accent", testid: "plan-personalised" }, t("plan.personalised")),
                  h("span", { class: "muted small" }, t("plan.original", { text: pick(item.question, asked) })),
                )
              : null,
            h("p", { class: "why", testid: "plan-why" }, h("strong", null, t("plan.why"), ": "), pick(item.explanation, ui)),
          );
        }),
      ),
    ),
    plan.skipped.length > 0
      ? h(
          "details",
          { class: "skipped", testid: "plan-skipped" },
          h("summary", null, t("plan.skipped", { count: plan.skipped.length })),
          h("ul", null, plan.skipped.map((s) => h("li", null, h("code", null, s.question_id), " ", pick(s.explanation, ui)))),
        )
      : null,
  );
}

function factsView(facts: ResumeFacts): HTMLElement {
  const rows: [MessageKey, string[]][] = [
    ["plan.facts.roles", facts.roles],
    ["plan.facts.organisations", facts.organisations],
    ["plan.facts.projects", facts.projects],
    ["plan.facts.skills", facts.skills],
    ["plan.facts.achievements", facts.achievements],
  ];
  const present = rows.filter(([, values]) => values.length > 0);
  return h(
    "div",
    { class: "facts", testid: "plan-facts" },
    h("h3", null, t("plan.facts")),
    present.length === 0
      ? h("p", { class: "muted" }, t("plan.facts.none"))
      : h(
          "dl",
          null,
          present.map(([key, values]) => [h("dt", null, t(key)), h("dd", null, values.map((v) => h("span", { class: "chip" }, v)))]),
        ),
  );
}

export async function renderInterview(screen: HTMLElement, context: Context, id: string, notice?: string): Promise<void> {
  const [interview, jobs]: [Interview, JobSummary[]] = await Promise.all([api.getInterview(id), api.listJobs()]);
  const titles = jobTitles(jobs);
  replace(
    screen,
    button(t("iv.back"), () => context.navigate({ view: "interviews" }), { class: "link back", testid: "iv-back" }),
    notice ? h("p", { class: "notice notice-ok", testid: "interview-notice" }, notice) : null,
    pageHeader(
      interview.candidate.name,
      `${titles.get(interview.job_id) ?? interview.job_id} · ${t("iv.detail.modelVersion", { version: interview.model_version })}`,
      h("span", { class: `status status-${interview.status}` }, t(`iv.status.${interview.status}`)),
      interview.status === "planned" || interview.status === "in_progress"
        ? button(t("iv.detail.start"), () => context.navigate({ view: "live", id: interview.id }), {
            class: "primary",
            testid: "interview-start",
          })
        : null,
    ),
    h(
      "section",
      { class: "card" },
      h(
        "dl",
        { class: "details" },
        interview.candidate.contact ? [h("dt", null, t("iv.detail.contact")), h("dd", null, interview.candidate.contact)] : null,
        interview.interviewers.length > 0
          ? [h("dt", null, t("iv.detail.interviewers")), h("dd", null, interview.interviewers.join(", "))]
          : null,
        h("dt", null, t("iv.col.language")),
        h("dd", null, t(`language.${interview.language}`)),
        h("dt", null, t("iv.col.created")),
        h("dd", null, formatDate(interview.created_at)),
      ),
    ),
    planView(interview.plan),
  );
}
