// Screen 1: the job list.
import { api } from "../api";
import type { Context } from "../context";
import { h, replace } from "../dom";
import { getLanguage, pick, t } from "../i18n";
import { button, pageHeader } from "../ui";

export async function renderJobs(screen: HTMLElement, context: Context): Promise<void> {
  const jobs = await api.listJobs();
  const language = getLanguage();
  const other = language === "en" ? "zh" : "en";
  replace(
    screen,
    pageHeader(t("jobs.title"), t("jobs.subtitle")),
    jobs.length === 0
      ? h("p", { class: "empty", testid: "jobs-empty" }, t("jobs.empty"))
      : h(
          "table",
          { class: "table", testid: "job-list" },
          h(
            "thead",
            null,
            h(
              "tr",
              null,
              h("th", null, t("jobs.col.title")),
              h("th", { class: "num" }, t("jobs.col.competencies")),
              h("th", { class: "num" }, t("jobs.col.questions")),
              h("th", { class: "num" }, t("jobs.col.version")),
              h("th", null),
            ),
          ),
          h(
            "tbody",
            null,
            jobs.map((job) =>
              h(
                "tr",
                {
                  class: "clickable",
                  testid: `job-row-${job.id}`,
                  onclick: () => context.navigate({ view: "job", jobId: job.id }),
                },
                h(
                  "td",
                  null,
                  h("div", { class: "strong", testid: `job-title-${job.id}` }, pick(job.title, language)),
                  h("div", { class: "muted small", lang: other === "zh" ? "zh-CN" : "en" }, pick(job.title, other)),
                ),
                h("td", { class: "num" }, job.competency_count),
                h("td", { class: "num" }, job.question_count),
                h("td", { class: "num", testid: `job-version-${job.id}` }, `v${job.latest_version}`),
                h(
                  "td",
                  { class: "row-action" },
                  button(t("jobs.open"), (event) => {
                    event.stopPropagation();
                    context.navigate({ view: "job", jobId: job.id });
                  }, {
                    class: "link",
                    testid: `job-open-${job.id}`,
                  }),
                ),
              ),
            ),
          ),
        ),
  );
}
