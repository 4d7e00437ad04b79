// The report screen (score and recommendation, a bar chart of ratings, per-competency suggested and
// confirmed ratings with quotes that jump to the timeline, key facts, strengths, areas to probe,
// candidate feedback, export) and the list of reports.
import { api } from "../api";
import type { CompetencyReport } from "../bindings/CompetencyReport";
import type { Report } from "../bindings/Report";
import type { ReportFormat } from "../bindings/ReportFormat";
import type { TimelineEntry } from "../bindings/TimelineEntry";
import type { Context } from "../context";
import { h, replace } from "../dom";
import { getLanguage, pick, t } from "../i18n";
import { formatPercent } from "../logic";
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
} from "../reportLogic";
import { button, errorBox, field, formatDate, pageHeader } from "../ui";
import { reportConsentCard } from "./reportConsent";

const SVG = "http://www.w3.org/2000/svg";

function svg(tag: string, attributes: Record<string, string | number>, ...children: (SVGElement | string)[]): SVGElement {
  const element = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  for (const child of children) element.append(child);
  return element;
}

export async function renderReports(screen: HTMLElement, context: Context): Promise<void> {
  const [summaries, interviews] = await Promise.all([api.listReports(), api.listInterviews()]);
  const reports = await Promise.all(
    [...summaries].sort((a, b) => b.created_at.localeCompare(a.created_at)).slice(0, 100).map((s) => api.getReport(s.report_id)),
  );
  const byInterview = new Map(interviews.map((i) => [i.id, i]));
  const ui = getLanguage();
  replace(
    screen,
    pageHeader(t("report.list.title")),
    reports.length === 0
      ? h("p", { class: "empty", testid: "reports-empty" }, t("report.list.empty"))
      : h(
          "table",
          { class: "table", testid: "report-list" },
          h(
            "thead",
            null,
            h(
              "tr",
              null,
              h("th", null, t("report.col.candidate")),
              h("th", null, t("report.col.job")),
              h("th", null, t("report.col.date")),
              h("th", { class: "num" }, t("report.col.score")),
              h("th", null, t("report.col.recommendation")),
            ),
          ),
          h(
            "tbody",
            null,
            reports.map((report) => {
              const score = scoreView(report.overall);
              return h(
                "tr",
                {
                  class: "clickable",
                  testid: `report-row-${report.report_id}`,
                  onclick: () => context.navigate({ view: "report", id: report.report_id }),
                },
                h("td", { class: "strong" }, report.candidate.name || byInterview.get(report.interview_id)?.candidate.name || "—"),
                h("td", null, pick(report.job.title, ui)),
                h("td", null, formatDate(report.generated_at)),
                h("td", { class: "num" }, score.score === null ? "—" : formatScore(score.score)),
                h("td", null, score.recommendation ? h("span", { class: `rec rec-${score.recommendation}` }, t(`report.rec.${score.recommendation}`)) : "—"),
              );
            }),
          ),
        ),
  );
}

export async function renderReport(screen: HTMLElement, context: Context, id: string, notice?: string): Promise<void> {
  const report = await api.getReport(id);
  const ui = getLanguage();
  const score = scoreView(report.overall);
  const overall = report.overall;
  const statusText =
    overall.status === "complete"
      ? t("report.status.complete", { total: overall.competency_count })
      : overall.status === "partial"
        ? t("report.status.partial", { count: overall.confirmed_count, total: overall.competency_count })
        : t("report.status.pending");

  const jump = (turn: number, startMs: number) => {
    const key = quoteTarget(report.timeline, turn, startMs);
    if (!key) return;
    const target = screen.querySelector<HTMLElement>(`[data-testid="${key}"]`);
    if (!target) return;
    for (const old of screen.querySelectorAll(".timeline-entry.highlight")) old.classList.remove("highlight");
    target.classList.add("highlight");
    target.scrollIntoView({ block: "center" });
  };

  // A rating changed on the stored report: the core recomputes the score; the screen reloads.
  const rateResult = h("div", { "aria-live": "polite" });
  const rate = async (c: CompetencyReport, rating: number) => {
    try {
      const updated = await api.rateReport(report.report_id, c.id, rating);
      const change = scoreChange(report.overall, updated.overall);
      await renderReport(screen, context, id, t("report.rated", { name: pick(c.name, ui), rating, from: change.from, to: change.to }));
    } catch (error) {
      replace(rateResult, errorBox(error, "report-rate-error"));
    }
  };
  const revisions = revisionLines(report, ui);

  replace(
    screen,
    button(t("report.back"), () => context.navigate({ view: "reports" }), { class: "link back", testid: "report-back" }),
    notice ? h("p", { class: "notice notice-ok", testid: "report-notice" }, notice) : null,
    pageHeader(
      `${t("report.title")}: ${report.candidate.name}`,
      t("report.meta", {
        job: pick(report.job.title, ui),
        version: report.job.model_version,
        date: formatDate(report.generated_at),
        duration: report.times.duration,
      }),
    ),
    h(
      "section",
      { class: "card score-card", testid: "report-score" },
      h(
        "div",
        { class: "score-main" },
        h("span", { class: "muted small" }, t("report.score")),
        h("span", { class: "score-value", testid: "report-score-value" }, score.score === null ? "—" : formatScore(score.score)),
        score.recommendation
          ? h("span", { class: `rec rec-${score.recommendation}`, testid: "report-recommendation" }, t(`report.rec.${score.recommendation}`))
          : h("span", { class: "muted", testid: "report-recommendation" }, t("report.score.none")),
      ),
      h(
        "div",
        { class: "score-side" },
        h("p", { testid: "report-status" }, statusText),
        score.provisional !== null ? h("p", { class: "muted small" }, t("report.score.provisional", { score: formatScore(score.provisional) })) : null,
        h("p", { class: "muted small" }, t("report.thresholds", { advance: overall.advance_at, decline: overall.decline_below })),
        report.interviewers.length > 0 ? h("p", { class: "muted small" }, t("iv.detail.interviewers"), ": ", report.interviewers.join(", ")) : null,
      ),
    ),
    chart(report),
    h(
      "section",
      { class: "card", testid: "report-competencies" },
      h("h2", null, t("report.competencies")),
      rateResult,
      report.competencies.map((c) => competencyView(c, jump, rate)),
      revisions.length === 0
        ? null
        : h(
            "div",
            { class: "revisions" },
            h("h3", null, t("report.revisions")),
            h(
              "ul",
              { testid: "report-revisions" },
              revisions.map((r) => h("li", { class: "small" }, t("report.revision", { name: r.name, from: r.from, to: r.to, by: r.by, at: formatDate(r.at) }))),
            ),
          ),
    ),
    h(
      "div",
      { class: "grid two" },
      h(
        "section",
        { class: "card", testid: "report-strengths" },
        h("h2", null, t("report.strengths")),
        report.strengths.length === 0
          ? h("p", { class: "muted" }, t("report.none"))
          : h("ul", null, report.strengths.map((s) => h("li", null, h("strong", null, pick(s.name, ui)), ": ", pick(s.reason, ui)))),
        h("h2", { class: "spaced" }, t("report.probe")),
        report.areas_to_probe.length === 0
          ? h("p", { class: "muted" }, t("report.none"))
          : h("ul", { testid: "report-probe" }, report.areas_to_probe.map((p) => h("li", null, pick(p.text, ui)))),
      ),
      h(
        "section",
        { class: "card", testid: "report-facts" },
        h("h2", null, t("live.facts")),
        report.key_facts.length === 0
          ? h("p", { class: "muted" }, t("live.facts.empty"))
          : h(
              "ul",
              { class: "facts-list" },
              report.key_facts.map((f) =>
                h("li", null, button(f.at, () => jump(f.turn, f.at_ms), { class: "link time-link" }), " ", h("span", null, f.quote)),
              ),
            ),
      ),
    ),
    h(
      "section",
      { class: "card", testid: "report-feedback" },
      h("h2", null, t("report.feedback")),
      h("p", { class: "muted small" }, t("report.feedback.help")),
      h(
        "div",
        { class: "feedback", lang: report.candidate_feedback.language === "zh" ? "zh-CN" : "en" },
        h("p", null, report.candidate_feedback.greeting),
        h("ul", null, [...report.candidate_feedback.strengths, ...report.candidate_feedback.development_areas].map((line) => h("li", null, line))),
        h("p", null, report.candidate_feedback.closing),
      ),
    ),
    timelineView(report.timeline),
    reportConsentCard(report),
    exportCard(report, context),
  );
}

function chart(report: Report): HTMLElement {
  const ui = getLanguage();
  const layout = ratingChart(
    report.competencies.map((c) => ({
      id: c.id,
      label: pick(c.name, ui),
      suggested: c.suggested.rating,
      confirmed: c.confirmed ? c.confirmed.rating : null,
    })),
    { width: 720, labelWidth: 200, rowHeight: 34 },
  );
  const plotBottom = layout.height - 20;
  const graphic = svg(
    "svg",
    { viewBox: `0 0 ${layout.width} ${layout.height}`, width: "100%", role: "img", "aria-label": t("report.chart"), "data-testid": "report-chart-svg" },
    ...layout.ticks.map((tick) =>
      svg("g", {}, svg("line", { x1: tick.x, x2: tick.x, y1: 0, y2: plotBottom, class: "grid-line" }), svg("text", { x: tick.x, y: plotBottom + 15, "text-anchor": "middle", class: "axis" }, String(tick.value))),
    ),
    ...layout.bars.map((bar) =>
      svg(
        "g",
        { "data-testid": `chart-bar-${bar.id}` },
        svg("text", { x: layout.plotX - 8, y: bar.y + 20, "text-anchor": "end", class: "bar-label" }, bar.label),
        bar.confirmed
          ? svg("rect", { x: bar.confirmed.x, y: bar.confirmed.y, width: bar.confirmed.width, height: bar.confirmed.height, rx: 2, class: "bar-confirmed" }, svg("title", {}, `${t("report.chart.confirmed")}: ${bar.confirmed.value}`))
          : svg("g", {}),
        svg("rect", { x: bar.suggested.x, y: bar.suggested.y, width: bar.suggested.width, height: bar.suggested.height, rx: 2, class: "bar-suggested" }, svg("title", {}, `${t("report.chart.suggested")}: ${bar.suggested.value}`)),
      ),
    ),
  );
  return h(
    "section",
    { class: "card", testid: "report-chart" },
    h(
      "div",
      { class: "card-header" },
      h("h2", null, t("report.chart")),
      h("span", { class: "legend small" }, h("span", { class: "swatch confirmed" }), t("report.chart.confirmed"), h("span", { class: "swatch suggested" }), t("report.chart.suggested")),
    ),
    graphic as unknown as HTMLElement,
  );
}

function competencyView(
  c: CompetencyReport,
  jump: (turn: number, startMs: number) => void,
  rate: (c: CompetencyReport, rating: number) => Promise<void>,
): HTMLElement {
  const ui = getLanguage();
  return h(
    "div",
    { class: "report-competency", testid: `report-competency-${c.id}` },
    h(
      "div",
      { class: "board-head" },
      h("h3", null, pick(c.name, ui)),
      h("span", { class: "muted small" }, t("plan.weight", { percent: formatPercent(c.weight) })),
      h("span", { class: `cov cov-${c.status}` }, t(`cov.${c.status}`)),
    ),
    h(
      "div",
      { class: "ratings" },
      h("span", { testid: `report-suggested-${c.id}` }, t("report.suggested", { rating: c.suggested.rating })),
      c.confirmed
        ? h(
            "span",
            { class: "strong", testid: `report-confirmed-${c.id}` },
            t("report.confirmed", { rating: c.confirmed.rating }),
            c.confirmed.changed_suggestion ? h("span", { class: "badge accent" }, t("report.changed")) : null,
          )
        : h("span", { class: "muted", testid: `report-confirmed-${c.id}` }, t("report.notConfirmed")),
    ),
    h(
      "div",
      { class: "rate-choices", role: "group", "aria-label": t("report.rate"), testid: `report-rate-${c.id}` },
      h("span", { class: "muted small" }, t("report.rate")),
      ratingChoices(c).map((choice) =>
        button(String(choice.value), () => void rate(c, choice.value), {
          class: `rate-choice${choice.current ? " current" : ""}${choice.suggested ? " suggested" : ""}`,
          testid: `report-rate-${c.id}-${choice.value}`,
          "aria-pressed": choice.current ? "true" : "false",
          title: choice.current ? t("report.rate.current") : choice.suggested ? t("report.suggested", { rating: choice.value }) : "",
        }),
      ),
    ),
    h("p", { class: "muted small" }, pick(c.suggested.rationale, ui)),
    c.star.missing.length > 0 && c.evidence.length > 0
      ? h("p", { class: "small warn" }, t("report.star.missing", { parts: c.star.missing.map((p) => t(`star.${p}`)).join(", ") }))
      : null,
    c.evidence.length === 0
      ? h("p", { class: "muted small" }, t("report.evidence.none"))
      : h(
          "ul",
          { class: "quotes" },
          c.evidence.map((e) =>
            h(
              "li",
              null,
              button([h("span", { class: "line-time" }, e.start), h("span", { class: "quote-text" }, `“${e.quote}”`)], () => jump(e.turn, e.start_ms), {
                class: "quote",
                testid: `report-quote-${e.id}`,
                "data-turn": e.turn,
                title: t("report.jump"),
              }),
            ),
          ),
        ),
  );
}

function timelineView(timeline: TimelineEntry[]): HTMLElement {
  const ui = getLanguage();
  return h(
    "section",
    { class: "card", testid: "report-timeline" },
    h("h2", null, t("report.timeline")),
    h(
      "ol",
      { class: "timeline" },
      timeline.map((entry) => {
        let label: string;
        let text: string;
        switch (entry.entry) {
          case "question":
            label = t("report.timeline.question");
            text = entry.text;
            break;
          case "answer":
            label = t("report.timeline.answer");
            text = entry.summary;
            break;
          case "prompt":
            label = t("report.timeline.prompt");
            text = pick(entry.text, ui) + (entry.dismissed ? ` (${t("report.timeline.dismissed")})` : "");
            break;
          case "note":
            label = t("report.timeline.note");
            text = entry.text;
            break;
        }
        return h(
          "li",
          { class: `timeline-entry entry-${entry.entry}`, testid: timelineKey(entry) },
          h("span", { class: "line-time" }, entry.at),
          h("span", { class: "entry-label" }, label),
          h("span", { class: "entry-text" }, text),
        );
      }),
    ),
  );
}

function exportCard(report: Report, context: Context): HTMLElement {
  let format: ReportFormat = "html";
  const pathInput = h("input", {
    type: "text",
    class: "path-input",
    testid: "report-export-path",
    value: defaultReportPath(context.info.data_dir, report.candidate.name, report.generated_at, format),
  });
  const result = h("div", { "aria-live": "polite" });
  const formatSelect = h(
    "select",
    {
      testid: "report-export-format",
      onchange: (e: Event) => {
        format = (e.target as HTMLSelectElement).value as ReportFormat;
        pathInput.value = withFormat(pathInput.value, format);
      },
    },
    h("option", { value: "html", selected: true }, t("format.html")),
    h("option", { value: "json" }, t("format.json")),
    h("option", { value: "pdf" }, t("format.pdf")),
  );
  const save = async (chosen: ReportFormat) => {
    try {
      const written = await api.exportReportToPath(report.report_id, chosen, pathInput.value.trim());
      replace(result, h("p", { class: "notice notice-ok", testid: "report-export-done" }, t("report.export.done", { path: written })));
    } catch (error) {
      replace(result, errorBox(error, "report-export-error"));
    }
  };
  return h(
    "section",
    { class: "card", testid: "report-export" },
    h("h2", null, t("report.export")),
    h("div", { class: "grid export-options" }, field(t("io.export.format"), formatSelect), field(t("io.export.path"), pathInput)),
    h(
      "div",
      { class: "actions" },
      button(t("report.export.save"), () => void save(format), { class: "primary", testid: "report-export-save" }),
      button(
        t("report.export.pdf"),
        () => {
          pathInput.value = withFormat(pathInput.value, "pdf");
          void save("pdf");
        },
        { testid: "report-export-pdf" },
      ),
    ),
    result,
  );
}
