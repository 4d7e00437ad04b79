// Screen 4: import a bank file (every problem shown with file, row and column) and export jobs.
import { api } from "../api";
import type { BankFileFormat } from "../bindings/BankFileFormat";
import type { Context } from "../context";
import { fileBytes, h, replace } from "../dom";
import { getLanguage, pick, t } from "../i18n";
import { defaultExportPath } from "../logic";
import { button, errorBox, field, pageHeader } from "../ui";

const FORMATS: BankFileFormat[] = ["json", "csv", "xlsx"];

export async function renderImportExport(screen: HTMLElement, context: Context): Promise<void> {
  const jobs = await api.listJobs();
  const language = getLanguage();
  const titles = new Map(jobs.map((job) => [job.id, pick(job.title, language)]));

  // Import.
  const importResult = h("div", { class: "result", testid: "import-result", "aria-live": "polite" });
  const fileInput = h("input", {
    type: "file",
    accept: ".json,.csv,.xlsx",
    testid: "import-file",
    class: "file-input",
    onchange: () => void importFile(),
  });
  async function importFile(): Promise<void> {
    const file = fileInput.files?.[0];
    if (!file) return;
    replace(importResult, h("p", { class: "muted" }, t("io.import.importing", { file: file.name })));
    try {
      const report = await api.importBank(file.name, await fileBytes(file));
      replace(
        importResult,
        h(
          "div",
          { class: "notice notice-ok", testid: "import-report" },
          h("strong", null, t("io.import.done", { file: report.file_name })),
          h(
            "ul",
            null,
            report.jobs.map((job) =>
              h(
                "li",
                { testid: `import-job-${job.job_id}` },
                job.created_new_version
                  ? t("io.import.jobNew", { job: job.job_id, version: job.version })
                  : t("io.import.jobSame", { job: job.job_id, version: job.version }),
              ),
            ),
          ),
        ),
      );
      await refreshJobList();
    } catch (error) {
      replace(importResult, errorBox(error, "import-error", t("io.import.failed", { file: file.name })));
    } finally {
      fileInput.value = "";
    }
  }

  // Export.
  const selected = new Set<string>();
  let format: BankFileFormat = "json";
  let pathEdited = false;
  const pathInput = h("input", {
    type: "text",
    testid: "export-path",
    class: "path-input",
    oninput: () => (pathEdited = true),
  });
  const exportResult = h("div", { class: "result", testid: "export-result", "aria-live": "polite" });
  const updatePath = () => {
    if (!pathEdited) pathInput.value = defaultExportPath(context.info.data_dir, [...selected], format);
  };
  const jobChecks = h("div", { class: "checklist", testid: "export-jobs" });
  const checkboxes: HTMLInputElement[] = [];
  function renderJobChecks(list: typeof jobs): void {
    checkboxes.length = 0;
    replace(
      jobChecks,
      list.map((job) => {
        const box = h("input", {
          type: "checkbox",
          value: job.id,
          checked: selected.has(job.id),
          testid: `export-job-${job.id}`,
          onchange: (event: Event) => {
            if ((event.target as HTMLInputElement).checked) selected.add(job.id);
            else selected.delete(job.id);
            updatePath();
          },
        });
        checkboxes.push(box);
        return h(
          "label",
          { class: "check" },
          box,
          h("span", null, h("span", { class: "block" }, titles.get(job.id) ?? job.id), h("span", { class: "block muted small" }, job.id)),
        );
      }),
    );
  }
  async function refreshJobList(): Promise<void> {
    const fresh = await api.listJobs();
    for (const job of fresh) titles.set(job.id, pick(job.title, getLanguage()));
    renderJobChecks(fresh);
  }
  renderJobChecks(jobs);
  const formatSelect = h(
    "select",
    {
      testid: "export-format",
      onchange: (event: Event) => {
        format = (event.target as HTMLSelectElement).value as BankFileFormat;
        if (pathEdited) pathInput.value = pathInput.value.replace(/\.(json|csv|xlsx)$/i, `.${format}`);
        updatePath();
      },
    },
    FORMATS.map((f) => h("option", { value: f, selected: f === format }, t(`format.${f}`))),
  );
  updatePath();
  async function exportJobs(): Promise<void> {
    if (selected.size === 0) {
      replace(exportResult, h("p", { class: "notice notice-error", testid: "export-none" }, t("io.export.noneSelected")));
      return;
    }
    try {
      const written = await api.exportBankToPath([...selected], format, pathInput.value.trim());
      replace(exportResult, h("p", { class: "notice notice-ok", testid: "export-done" }, t("io.export.done", { count: selected.size, path: written })));
    } catch (error) {
      replace(exportResult, errorBox(error, "export-error"));
    }
  }

  replace(
    screen,
    pageHeader(t("nav.importExport")),
    h(
      "section",
      { class: "card" },
      h("h2", null, t("io.import.title")),
      h("p", { class: "muted" }, t("io.import.help")),
      h("label", { class: "file-button" }, h("span", { class: "button secondary" }, t("io.import.choose")), fileInput),
      importResult,
    ),
    h(
      "section",
      { class: "card" },
      h("h2", null, t("io.export.title")),
      h("p", { class: "muted" }, t("io.export.help")),
      button(
        t("io.export.all"),
        () => {
          for (const box of checkboxes) {
            box.checked = true;
            selected.add(box.value);
          }
          updatePath();
        },
        { class: "link small", testid: "export-select-all" },
      ),
      jobChecks,
      h("div", { class: "grid export-options" }, field(t("io.export.format"), formatSelect), field(t("io.export.path"), pathInput)),
      button(t("io.export.save"), () => void exportJobs(), { class: "primary", testid: "export-save" }),
      exportResult,
    ),
  );
}
