// Typed wrappers around the app's Tauri commands. Every type comes from ./bindings, which the
// core crate generates from the Rust types (never edit those by hand).
import { Channel, invoke } from "@tauri-apps/api/core";

import type { AppInfo } from "./bindings/AppInfo";
import type { AudioInput } from "./bindings/AudioInput";
import type { BankFileFormat } from "./bindings/BankFileFormat";
import type { CoreError } from "./bindings/CoreError";
import type { CoverageState } from "./bindings/CoverageState";
import type { EngineEvent } from "./bindings/EngineEvent";
import type { EngineInput } from "./bindings/EngineInput";
import type { ErrorCode } from "./bindings/ErrorCode";
import type { ExportedFile } from "./bindings/ExportedFile";
import type { ImportReport } from "./bindings/ImportReport";
import type { InputDeviceInfo } from "./bindings/InputDeviceInfo";
import type { Interview } from "./bindings/Interview";
import type { JobDefinition } from "./bindings/JobDefinition";
import type { JobSummary } from "./bindings/JobSummary";
import type { Language } from "./bindings/Language";
import type { LiveEvent } from "./bindings/LiveEvent";
import type { MeterEvent } from "./bindings/MeterEvent";
import type { ModelVersion } from "./bindings/ModelVersion";
import type { NewInterview } from "./bindings/NewInterview";
import type { Plan } from "./bindings/Plan";
import type { PlanRequest } from "./bindings/PlanRequest";
import type { ReplaySettings } from "./bindings/ReplaySettings";
import type { ReplayTotals } from "./bindings/ReplayTotals";
import type { Report } from "./bindings/Report";
import type { ReportFormat } from "./bindings/ReportFormat";
import type { ReportSummary } from "./bindings/ReportSummary";
import type { SavedJob } from "./bindings/SavedJob";
import type { ValidationIssue } from "./bindings/ValidationIssue";
import type { VersionInfo } from "./bindings/VersionInfo";
import type { AssignedInterviewInfo } from "./bindings/AssignedInterviewInfo";
import type { ConnectionTest } from "./bindings/ConnectionTest";
import type { ConnectorInfo } from "./bindings/ConnectorInfo";
import type { NewConnector } from "./bindings/NewConnector";
import type { SyncRunReport } from "./bindings/SyncRunReport";
import type { SyncStatus } from "./bindings/SyncStatus";
import type { CameraInfo } from "./bindings/CameraInfo";
import type { ConsentNotice } from "./bindings/ConsentNotice";
import type { ConsentStatus } from "./bindings/ConsentStatus";
import type { HeldReport } from "./bindings/HeldReport";
import type { NewConsent } from "./bindings/NewConsent";
import type { PolicyProfile } from "./bindings/PolicyProfile";
import type { PolicySettings } from "./bindings/PolicySettings";
import type { Purpose } from "./bindings/Purpose";
import type { VideoInput } from "./bindings/VideoInput";
import type { VisionEvent } from "./bindings/VisionEvent";
import type { VisionTotals } from "./bindings/VisionTotals";

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
  "speech",
  "consent_required",
  "vision",
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

  // The live interview (one runs at a time) and its audio.
  createDemoInterview: () => call<Interview>("create_demo_interview"),
  startInterview: (id: string) => call<CoverageState>("start_interview", { id }),
  runningInterview: () => call<string | null>("running_interview"),
  interviewState: (id: string) => call<CoverageState>("interview_state", { id }),
  interviewInput: (id: string, input: EngineInput) => call<EngineEvent[]>("interview_input", { id, input }),
  /** Resolves when the audio ends or is stopped; every event arrives first through `onEvent`. */
  replayIntoInterview: (id: string, input: AudioInput, settings: ReplaySettings, onEvent: (event: LiveEvent) => void) => {
    const channel = new Channel<LiveEvent>();
    channel.onmessage = onEvent;
    return call<ReplayTotals>("replay_into_interview", { id, input, settings, channel });
  },
  stopInterviewAudio: () => call<void>("stop_interview_audio"),
  finishInterview: (id: string) => call<Report>("finish_interview", { id }),
  listInputDevices: () => call<InputDeviceInfo[]>("list_input_devices"),
  startLevelMeter: (device: string | null, onEvent: (event: MeterEvent) => void) => {
    const channel = new Channel<MeterEvent>();
    channel.onmessage = onEvent;
    return call<void>("start_level_meter", { device, channel });
  },
  stopLevelMeter: () => call<void>("stop_level_meter"),

  listReports: () => call<ReportSummary[]>("list_reports"),
  getReport: (id: string) => call<Report>("get_report", { id }),
  exportReportToPath: (id: string, format: ReportFormat, path: string) =>
    call<string>("export_report_to_path", { id, format, path }),
  /** Confirms or changes a rating on a stored report; the core recomputes the score. */
  rateReport: (id: string, competency: string, rating: number, by?: string) =>
    call<Report>("rate_report", { id, competency, rating, by: by ?? null }),

  // Sync with the HR system: the queue, dead letters, connectors (secrets go to the keychain only).
  syncStatus: () => call<SyncStatus>("sync_status"),
  syncNow: () => call<SyncRunReport>("sync_now"),
  resendReport: (reportId: string) => call<number>("resend_report", { reportId }),
  listConnectors: () => call<ConnectorInfo[]>("list_connectors"),
  addConnector: (connector: NewConnector) => call<ConnectorInfo>("add_connector", { connector }),
  testConnector: (connectorId: string) => call<ConnectionTest>("test_connector", { connectorId }),
  setConnectorSecret: (connectorId: string, name: string, value: string) =>
    call<ConnectorInfo>("set_connector_secret", { connectorId, name, value }),
  resumeConnector: (connectorId: string) => call<number>("resume_connector", { connectorId }),
  assignedInterviews: () => call<AssignedInterviewInfo[]>("assigned_interviews"),

  // The policy profile, the candidate's consent and the camera panel.
  getPolicy: () => call<PolicySettings>("get_policy"),
  setPolicy: (profile: PolicyProfile) => call<PolicySettings>("set_policy", { profile }),
  consentNotice: (language: Language) => call<ConsentNotice>("consent_notice", { language }),
  consentStatus: (id: string) => call<ConsentStatus>("consent_status", { id }),
  recordConsent: (consent: NewConsent) => call<ConsentStatus>("record_consent", { consent }),
  withdrawConsent: (id: string, purpose: Purpose) => call<ConsentStatus>("withdraw_consent", { id, purpose }),
  listCameras: () => call<CameraInfo[]>("list_cameras"),
  /** Resolves when the camera loop ends; every event arrives first through `onEvent`. */
  startCamera: (id: string, input: VideoInput, onEvent: (event: VisionEvent) => void) => {
    const channel = new Channel<VisionEvent>();
    channel.onmessage = onEvent;
    return call<VisionTotals>("start_camera", { id, input, channel });
  },
  stopCamera: () => call<void>("stop_camera"),
  heldReports: () => call<HeldReport[]>("held_reports"),
};

export type Api = typeof api;
