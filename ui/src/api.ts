// Typed wrappers around the app's Tauri commands. Every type comes from ./bindings, which the
// core crate generates from the Rust types (never edit those by hand).
import { invoke } from "@tauri-apps/api/core";

import type { AppInfo } from "./bindings/AppInfo";
import type { BankFileFormat } from "./bindings/BankFileFormat";
import type { CoreError } from "./bindings/CoreError";
import type { ErrorCode } from "./bindings/ErrorCode";
import type { ExportedFile } from "./bindings/ExportedFile";
import type { ImportReport } from "./bindings/ImportReport";
import type { Interview } from "./bindings/Interview";
import type { JobDefinition } from "./bindings/JobDefinition";
import type { JobSummary } from "./bindings/JobSummary";
import type { Language } from "./bindings/Language";
import type { ModelVersion } from "./bindings/ModelVersion";
import type { NewInterview } from "./bindings/NewInterview";
import type { Plan } from "./bindings/Plan";
import type { PlanRequest } from "./bindings/PlanRequest";
import type { SavedJob } from "./bindings/SavedJob";
import type { ValidationIssue } from "./bindings/ValidationIssue";
import type { VersionInfo } from "./bindings/VersionInfo";

/** A failed command: the core's error, with its stable code. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly details: string[];

  constructor(error: CoreError) {
    super(error.message);
    this.name = "ApiError";
    this.code = error.code;
    this.details = error.details;
  }
}

const ERROR_CODES: readonly ErrorCode[] = [
  "not_found",
  "invalid_input",
  "import_rejected",
  "unreadable_file",
  "keychain_unavailable",
  "database_key_missing",
  "database_refused",
  "storage",
  "internal",
];

/** Turns whatever a rejected `invoke` gives into a CoreError. */
export function toCoreError(error: unknown): CoreError {
  if (typeof error === "object" && error !== null) {
    const record = error as Record<string, unknown>;
    if (typeof record.message === "string") {
      const code = ERROR_CODES.includes(record.code as ErrorCode) ? (record.code as ErrorCode) : "internal";
      const details = Array.isArray(record.details) ? record.details.map(String) : [];
      return { code, message: record.message, details };
    }
  }
  return { code: "internal", message: String(error), details: [] };
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    throw new ApiError(toCoreError(error));
  }
}

export const api = {
  appInfo: () => call<AppInfo>("app_info"),
  acknowledgeRecoveryKey: () => call<void>("acknowledge_recovery_key"),
  setUiLanguage: (language: Language) => call<void>("set_ui_language", { language }),

  listJobs: () => call<JobSummary[]>("list_jobs"),
  getJob: (jobId: string, version?: number) =>
    call<ModelVersion>("get_job", { jobId, version: version ?? null }),
  jobVersions: (jobId: string) => call<VersionInfo[]>("job_versions", { jobId }),
  validateJob: (definition: JobDefinition) => call<ValidationIssue[]>("validate_job", { definition }),
  saveJob: (definition: JobDefinition) => call<SavedJob>("save_job", { definition }),

  importBank: (fileName: string, bytes: number[]) =>
    call<ImportReport>("import_bank", { fileName, bytes }),
  exportBank: (jobIds: string[], format: BankFileFormat) =>
    call<ExportedFile>("export_bank", { jobIds, format }),
  exportBankToPath: (jobIds: string[], format: BankFileFormat, path: string) =>
    call<string>("export_bank_to_path", { jobIds, format, path }),

  resumeText: (fileName: string, bytes: number[]) => call<string>("resume_text", { fileName, bytes }),
  previewPlan: (request: PlanRequest) => call<Plan>("preview_plan", { request }),
  createInterview: (request: NewInterview) => call<Interview>("create_interview", { request }),
  listInterviews: () => call<Interview[]>("list_interviews"),
  getInterview: (id: string) => call<Interview>("get_interview", { id }),
};

export type Api = typeof api;
