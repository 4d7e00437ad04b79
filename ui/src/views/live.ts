// The live interview screen: audio source (demo, recording, microphone with a level meter), language,
// the speaker-labelled transcript, the competency board with ratings, prompts, notes, key facts, the
// timer against the time budget, and Finish (confirm the ratings, then the report).
import { api } from "../api";
import type { AudioInput } from "../bindings/AudioInput";
import type { Bilingual } from "../bindings/Bilingual";
import type { EngineInput } from "../bindings/EngineInput";
import type { InputDeviceInfo } from "../bindings/InputDeviceInfo";
import type { Interview } from "../bindings/Interview";
import type { LiveEvent } from "../bindings/LiveEvent";
import type { MicRole } from "../bindings/MicRole";
import type { ReplayTotals } from "../bindings/ReplayTotals";
import type { Context } from "../context";
import { h, replace } from "../dom";
import { getLanguage, pick, t } from "../i18n";
import {
  STAR_PARTS,
  addNote,
  applyEngineEvents,
  audioInputFor,
  applyLiveEvent,
  budget,
  clockNow,
  clockSeen,
  evidencedCount,
  formatClock,
  fromState,
  levelPercent,
  startClock,
  syncState,
  unconfirmed,
  type BoardRow,
  type Clock,
  type LiveModel,
  type Side,
  type SourceChoice,
} from "../live";
import { formatPercent } from "../logic";
import { asCoreError, button, errorBox, field, pageHeader } from "../ui";
import type { ConsentStatus } from "../bindings/ConsentStatus";
import { needsConsentStep, purposeAllowed } from "../consentLogic";
import { cameraPanel, forgetCamera, redrawCamera, stopCamera } from "./camera";
import { consentCard, renderConsentStep } from "./consent";

type SourceKind = "demo" | "file" | "device";

type AudioStatus =
  | { kind: "idle" }
  | { kind: "preparing" }
  | { kind: "running" }
  | { kind: "stopping" }
  | { kind: "done"; totals: ReplayTotals }
  | { kind: "failed"; error: unknown };

type Screen = {
  id: string;
  interview: Interview;
  jobTitle: Bilingual | null;
  model: LiveModel;
  clock: Clock;
  audio: AudioStatus;
  source: SourceChoice & { language: string; realtime: boolean };
  devices: { list: InputDeviceInfo[]; error: unknown } | null;
  level: number | null;
  meterDevice: string | null | undefined;
  meterError: unknown;
  noteCompetency: string;
  reviewing: boolean;
  finishing: boolean;
  actionError: unknown;
  /** The candidate's consent (what each purpose may do now). */
  consent: ConsentStatus | null;
  /** The running audio's promise (resolved when idle). */
  running: Promise<unknown>;
  /** Redraws the parts that changed; set by the screen that is showing. */
  redraw: () => void;
};

/** The open interview's screen state: it survives navigation and the language switch. */
let screenState: Screen | null = null;

async function load(id: string): Promise<Screen> {
  if (screenState && screenState.id === id) return screenState;
  const [state, interview, jobs] = await Promise.all([api.startInterview(id), api.getInterview(id), api.listJobs()]);
  const job = jobs.find((j) => j.id === interview.job_id);
  screenState = {
    id,
    interview,
    jobTitle: job ? job.title : null,
    model: fromState(state),
    clock: startClock(state.now_ms, Date.now()),
    audio: { kind: "idle" },
    source: { kind: "demo", path: "", device: null, role: "shared", candidateDevice: null, language: interview.language, realtime: true },
    devices: null,
    level: null,
    meterDevice: undefined,
    meterError: null,
    noteCompetency: "",
    reviewing: false,
    finishing: false,
    actionError: null,
    consent: null,
    running: Promise.resolve(),
    redraw: () => undefined,
  };
  return screenState;
}

function now(screen: Screen): number {
  return clockNow(screen.clock, Date.now());
}

function audioBusy(screen: Screen): boolean {
  return screen.audio.kind === "preparing" || screen.audio.kind === "running" || screen.audio.kind === "stopping";
}

export async function renderLive(root: HTMLElement, context: Context, id: string, demo = false, consentStep = false): Promise<void> {
  // The consent step comes before any capture: before the interview starts when a policy needs it.
  if (consentStep || (screenState?.id !== id && needsConsentStep(await api.consentStatus(id)))) {
    const interview = await api.getInterview(id);
    const policy = await api.getPolicy();
    await renderConsentStep(
      root,
      interview,
      (status) => {
        if (screenState?.id === id) screenState.consent = status;
        void renderLive(root, context, id, demo);
      },
      () => (screenState?.id === id ? void renderLive(root, context, id, demo) : context.navigate({ view: "interviews" })),
      policy.configured ? null : () => void renderLive(root, context, id, demo),
    );
    return;
  }
  const screen = await load(id);
  screen.consent = await api.consentStatus(id);
  if (screen.devices === null) {
    try {
      const list = await api.listInputDevices();
      screen.devices = { list, error: null };
      screen.source.device = (list.find((d) => d.is_default) ?? list[0])?.name ?? null;
      if (list.length > 0 && !demo) screen.source.kind = "device";
    } catch (error) {
      screen.devices = { list: [], error };
    }
  }
  const ui = getLanguage();

  // Regions redrawn on change.
  const timer = h("div", { class: "live-timer", testid: "live-timer" });
  const audioStatus = h("div", { class: "audio-status", testid: "audio-status", "aria-live": "polite" });
  const audioButtons = h("div", { class: "actions" });
  const sourceFields = h("div", { class: "source-fields" });
  const transcript = h("div", { class: "transcript", testid: "transcript" });
  const speaking = h("div", { class: "speaking muted small", testid: "speaking" });
  const prompts = h("div", { class: "prompts", testid: "prompts" });
  const board = h("div", { class: "board", testid: "board" });
  const boardSummary = h("span", { class: "muted small", testid: "board-summary" });
  const facts = h("div", { class: "live-facts", testid: "facts" });
  const notesList = h("ul", { class: "notes-list", testid: "notes-list" });
  const actionError = h("div", { "aria-live": "polite" });
  const overlay = h("div", null);

  let pending = false;
  const redraw = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      if (!root.isConnected) return;
      drawTimer();
      drawAudio();
      drawTranscript();
      drawPrompts();
      drawBoard();
      drawFacts();
      drawNotes();
      drawOverlay();
      replace(actionError, screen.actionError ? errorBox(screen.actionError, "live-error") : null);
    });
  };
  screen.redraw = redraw;

  const apply = async (input: EngineInput): Promise<boolean> => {
    try {
      const events = await api.interviewInput(screen.id, input);
      screen.model = applyEngineEvents(screen.model, events);
      screen.actionError = null;
      redraw();
      return true;
    } catch (error) {
      screen.actionError = error;
      redraw();
      return false;
    }
  };

  const drawTimer = () => {
    const at = now(screen);
    const b = budget(at, screen.model.plannedMs);
    replace(
      timer,
      h(
        "div",
        { class: "timer-text" },
        h("strong", { testid: "live-clock" }, t("live.timer", { elapsed: formatClock(at), budget: formatClock(screen.model.plannedMs) })),
        h(
          "span",
          { class: b.overMs > 0 ? "timer-left over" : "timer-left", testid: "live-left" },
          b.overMs > 0 ? t("live.overtime", { over: formatClock(b.overMs) }) : t("live.timeLeft", { left: formatClock(b.leftMs) }),
        ),
      ),
      h("div", { class: "budget-bar" }, h("div", { class: b.overMs > 0 ? "budget-fill over" : "budget-fill", style: `width: ${Math.round(b.fraction * 100)}%` })),
      screen.model.timeWarning ? h("div", { class: "time-warning", testid: "time-warning" }, pick(screen.model.timeWarning, ui)) : null,
    );
  };

  const drawAudio = () => {
    const busy = audioBusy(screen);
    const s = screen.audio;
    const counts = screen.model.counts;
    let line: string;
    switch (s.kind) {
      case "idle":
        line = t("live.status.idle");
        break;
      case "preparing":
        line = t("live.status.preparing");
        break;
      case "running":
        line = t("live.status.running", { segments: counts.segments });
        break;
      case "stopping":
        line = t("live.status.stopping");
        break;
      case "done":
        line = t("live.status.done", {
          utterances: s.totals.utterances,
          segments: s.totals.segments,
          seconds: Math.round(s.totals.audio_ms / 1000),
          processing: Math.round(s.totals.processing_ms / 100) / 10,
        });
        break;
      case "failed":
        line = t("live.status.failed");
        break;
    }
    replace(
      audioStatus,
      h("p", { testid: "audio-status-line", "data-state": s.kind }, busy ? h("span", { class: "pulse" }) : null, line),
      counts.dropped > 0 ? h("p", { class: "small warn" }, t("live.status.dropped", { count: counts.dropped })) : null,
      counts.merged > 0 ? h("p", { class: "small warn" }, t("live.status.merged", { count: counts.merged })) : null,
      screen.model.warnings.map((w) => h("p", { class: "small warn" }, w)),
      s.kind === "failed" ? errorBox(s.error, "audio-error") : null,
    );
    replace(
      audioButtons,
      button(t("live.start"), () => void startAudio(), {
        class: "primary",
        testid: "audio-start",
        disabled: busy || screen.finishing || !purposeAllowed(screen.consent, "transcription"),
        title: purposeAllowed(screen.consent, "transcription") ? undefined : t("consent.live.noTranscription"),
      }),
      button(t("live.stop"), () => void stopAudio(), {
        class: "secondary",
        testid: "audio-stop",
        disabled: !busy || s.kind === "stopping",
      }),
    );
    for (const control of sourceFields.querySelectorAll("select, input")) {
      (control as HTMLInputElement).disabled = busy;
    }
    const meter = document.querySelector<HTMLElement>("[data-testid='audio-level-fill']");
    if (meter) meter.style.width = `${screen.level ?? 0}%`;
  };

  const sideLabel = (side: Side) => t(`live.speaker.${side}`);

  const drawTranscript = () => {
    const atBottom = transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight < 40;
    replace(
      transcript,
      screen.model.lines.length === 0
        ? h("p", { class: "muted", testid: "transcript-empty" }, t("live.transcript.empty"))
        : screen.model.lines.map((line, i) =>
            h(
              "div",
              {
                class: `line line-${line.speaker}${screen.model.lines[i - 1]?.speaker === line.speaker ? " continued" : ""}`,
                testid: "transcript-line",
                "data-speaker": line.speaker,
              },
              h("span", { class: "line-meta" }, h("span", { class: "line-speaker" }, sideLabel(line.speaker)), h("span", { class: "line-time" }, formatClock(line.startMs))),
              h("span", { class: "line-text" }, line.text),
            ),
          ),
    );
    if (atBottom) transcript.scrollTop = transcript.scrollHeight;
    replace(speaking, screen.model.speaking.map((side) => h("span", { class: `speaking-${side}` }, t("live.speaking", { speaker: sideLabel(side) }))));
  };

  const drawPrompts = () => {
    const list = [...screen.model.prompts].sort((a, b) => (a.priority === b.priority ? b.at_ms - a.at_ms : a.priority === "high" ? -1 : 1));
    replace(
      prompts,
      list.length === 0
        ? h("p", { class: "muted small", testid: "prompts-empty" }, t("live.prompts.empty"))
        : list.map((prompt) =>
            h(
              "div",
              { class: `prompt prompt-${prompt.priority}`, testid: `prompt-${prompt.id}` },
              h(
                "div",
                { class: "prompt-body" },
                h("p", { class: "prompt-text", testid: "prompt-text" }, pick(prompt.text, ui)),
                h("p", { class: "prompt-reason muted small" }, h("strong", null, t("plan.why"), ": "), pick(prompt.reason, ui)),
              ),
              button("×", () => void apply({ type: "dismiss_prompt", prompt_id: prompt.id, at_ms: now(screen) }), {
                class: "link dismiss",
                testid: `prompt-dismiss-${prompt.id}`,
                title: t("live.prompt.dismiss"),
                "aria-label": t("live.prompt.dismiss"),
              }),
            ),
          ),
    );
  };

  const ratingButtons = (row: BoardRow, prefix: string) =>
    h(
      "div",
      { class: "rating", role: "group", "aria-label": t("live.rate") },
      [1, 2, 3, 4, 5].map((n) =>
        button(String(n), () => void apply({ type: "manual_rating", competency: row.id, rating: n, at_ms: now(screen) }), {
          class: row.manual === n ? "rate selected" : n === row.suggested ? "rate suggested" : "rate",
          testid: `${prefix}-${row.id}-${n}`,
          title: t("live.rateTitle", { rating: n }),
          "aria-pressed": row.manual === n ? "true" : "false",
        }),
      ),
    );

  const drawBoard = () => {
    replace(boardSummary, t("live.board.summary", { count: evidencedCount(screen.model.board), total: screen.model.board.length }));
    replace(
      board,
      screen.model.board.map((row) =>
        h(
          "div",
          { class: `board-row status-${row.status}`, testid: `board-row-${row.id}`, "data-status": row.status },
          h(
            "div",
            { class: "board-head" },
            h("span", { class: "board-name" }, pick(row.name, ui)),
            h("span", { class: "muted small" }, t("plan.weight", { percent: formatPercent(row.weight) })),
            h("span", { class: `cov cov-${row.status}`, testid: `board-status-${row.id}` }, t(`cov.${row.status}`)),
          ),
          h(
            "div",
            { class: "board-detail" },
            h(
              "span",
              { class: "star", testid: `board-star-${row.id}` },
              STAR_PARTS.map((part) =>
                h("span", { class: row.star.includes(part) ? "star-part found" : "star-part", title: t(`star.${part}`) }, part),
              ),
            ),
            h("span", { class: "small", testid: `board-quotes-${row.id}` }, t("live.quotes", { count: row.quotes })),
            row.asked > 0 ? h("span", { class: "small muted" }, t("live.board.asked", { count: row.asked })) : null,
            h("span", { class: "small muted" }, t("live.suggested", { rating: row.suggested })),
            ratingButtons(row, "rate"),
          ),
        ),
      ),
    );
  };

  const drawFacts = () => {
    const talk = screen.model.talk;
    replace(
      facts,
      screen.model.facts.length === 0
        ? h("p", { class: "muted small" }, t("live.facts.empty"))
        : h("div", null, screen.model.facts.map((f) => h("span", { class: "chip", testid: "fact" }, f.text))),
      talk.interviewer_ms + talk.candidate_ms > 0
        ? h("p", { class: "muted small" }, t("live.talk", { interviewer: formatClock(talk.interviewer_ms), candidate: formatClock(talk.candidate_ms) }))
        : null,
    );
  };

  const competencyName = (id: string | null) => {
    const row = screen.model.board.find((r) => r.id === id);
    return row ? pick(row.name, ui) : null;
  };

  const drawNotes = () => {
    replace(
      notesList,
      screen.model.notes.length === 0
        ? h("li", { class: "muted small" }, t("live.notes.empty"))
        : [...screen.model.notes].reverse().map((note) =>
            h(
              "li",
              { testid: "note-item" },
              h("span", { class: "line-time" }, note.atMs === null ? "—" : formatClock(note.atMs)),
              h("span", null, note.text),
              note.competency ? h("span", { class: "chip" }, competencyName(note.competency) ?? note.competency) : null,
            ),
          ),
    );
  };

  const drawOverlay = () => {
    replace(overlay, screen.reviewing ? reviewDialog() : null);
  };

  const reviewDialog = () => {
    const open = unconfirmed(screen.model.board);
    return h(
      "div",
      { class: "overlay" },
      h(
        "div",
        { class: "dialog wide", role: "dialog", "aria-modal": "true", testid: "review-dialog" },
        h("h2", null, t("live.review.title")),
        h("p", { class: "muted" }, t("live.review.body")),
        h(
          "div",
          { class: "review-rows" },
          screen.model.board.map((row) =>
            h(
              "div",
              { class: "review-row", testid: `review-row-${row.id}` },
              h("span", { class: "board-name" }, pick(row.name, ui)),
              h("span", { class: "muted small" }, t("live.suggested", { rating: row.suggested })),
              ratingButtons(row, "review-rate"),
            ),
          ),
        ),
        h("p", { class: "small", testid: "review-unconfirmed" }, t("live.review.unconfirmed", { count: open.length })),
        screen.finishing ? h("p", { class: "muted", testid: "finishing" }, t("live.finishing")) : null,
        h(
          "div",
          { class: "actions" },
          button(t("live.review.cancel"), () => {
            screen.reviewing = false;
            redraw();
          }, { class: "secondary", testid: "review-cancel", disabled: screen.finishing }),
          button(t("live.review.useSuggestions"), () => void useSuggestions(), {
            class: "secondary",
            testid: "review-use-suggestions",
            disabled: open.length === 0 || screen.finishing,
          }),
          button(t("live.review.finish"), () => void finish(), { class: "primary", testid: "review-finish", disabled: screen.finishing }),
        ),
      ),
    );
  };

  const useSuggestions = async () => {
    for (const row of unconfirmed(screen.model.board)) {
      if (!(await apply({ type: "manual_rating", competency: row.id, rating: row.suggested, at_ms: now(screen) }))) return;
    }
  };

  const finish = async () => {
    screen.finishing = true;
    redraw();
    try {
      if (audioBusy(screen)) await stopAudio();
      await screen.running;
      await stopCamera();
      const report = await api.finishInterview(screen.id);
      screenState = null;
      forgetCamera();
      void api.stopLevelMeter().catch(() => undefined);
      context.navigate({ view: "report", id: report.report_id });
    } catch (error) {
      screen.finishing = false;
      screen.actionError = error;
      redraw();
    }
  };

  const onEvent = (event: LiveEvent) => {
    if (screen.audio.kind === "preparing") screen.audio = { kind: "running" };
    screen.model = applyLiveEvent(screen.model, event);
    screen.clock = clockSeen(screen.clock, screen.model.lastEventMs, Date.now());
    screen.redraw();
  };

  const startAudio = async () => {
    const source = screen.source;
    const input: AudioInput = audioInputFor(source);
    screen.audio = { kind: "preparing" };
    screen.meterDevice = undefined;
    screen.level = null;
    redraw();
    const settings = { language: source.language, realtime: source.kind === "device" ? true : source.realtime, model: null };
    screen.running = api
      .replayIntoInterview(screen.id, input, settings, onEvent)
      .then(async (totals) => {
        screen.audio = { kind: "done", totals };
        screen.model = syncState(screen.model, await api.interviewState(screen.id));
      })
      .catch((error) => {
        screen.audio = { kind: "failed", error };
      })
      .finally(() => screen.redraw());
    await screen.running;
  };

  const stopAudio = async () => {
    screen.audio = { kind: "stopping" };
    redraw();
    try {
      await api.stopInterviewAudio();
    } catch (error) {
      screen.actionError = error;
    }
    await screen.running;
  };

  // The audio source fields.
  const drawSourceFields = () => {
    const source = screen.source;
    const devices = screen.devices ?? { list: [], error: null };
    const kindSelect = h(
      "select",
      {
        testid: "audio-source",
        onchange: (e: Event) => {
          source.kind = (e.target as HTMLSelectElement).value as SourceKind;
          drawSourceFields();
          redraw();
        },
      },
      (["demo", "file", "device"] as const).map((kind) => h("option", { value: kind, selected: source.kind === kind }, t(`live.source.${kind}`))),
    );
    const languageSelect = h(
      "select",
      { testid: "audio-language", onchange: (e: Event) => (source.language = (e.target as HTMLSelectElement).value) },
      h("option", { value: "en", selected: source.language === "en" }, t("language.en")),
      h("option", { value: "zh", selected: source.language === "zh" }, t("language.zh")),
      h("option", { value: "auto", selected: source.language === "auto" }, t("live.language.auto")),
    );
    const realtime = h(
      "label",
      { class: "check" },
      h("input", {
        type: "checkbox",
        testid: "audio-realtime",
        checked: source.realtime,
        onchange: (e: Event) => (source.realtime = (e.target as HTMLInputElement).checked),
      }),
      h("span", null, t("live.realtime")),
    );
    let specific: HTMLElement | HTMLElement[];
    if (source.kind === "file") {
      specific = [
        field(
          t("live.source.path"),
          h("input", {
            type: "text",
            class: "path-input",
            testid: "audio-path",
            value: source.path,
            placeholder: "/home/me/interview.wav",
            oninput: (e: Event) => (source.path = (e.target as HTMLInputElement).value),
          }),
          t("live.source.pathHelp"),
        ),
        realtime,
      ];
    } else if (source.kind === "demo") {
      specific = [h("p", { class: "muted small" }, t("iv.demo.help")), realtime];
    } else if (devices.list.length === 0) {
      specific = h(
        "div",
        { class: "notice", testid: "no-devices" },
        h("p", null, t("live.source.noDevices")),
        devices.error ? h("p", { class: "small" }, t("live.source.deviceError", { message: asCoreError(devices.error).message })) : null,
      );
    } else {
      specific = [
        field(
          t("live.source.deviceName"),
          h(
            "select",
            {
              testid: "audio-device",
              onchange: (e: Event) => {
                source.device = (e.target as HTMLSelectElement).value;
                void startMeter();
              },
            },
            devices.list.map((d) =>
              h("option", { value: d.name, selected: d.name === source.device }, d.is_default ? t("live.source.default", { name: d.name }) : d.name),
            ),
          ),
        ),
        field(
          t("live.source.role"),
          h(
            "select",
            {
              testid: "audio-role",
              onchange: (e: Event) => {
                source.role = (e.target as HTMLSelectElement).value as MicRole;
                drawSourceFields();
              },
            },
            (["shared", "interviewer", "candidate"] as const).map((role) => h("option", { value: role, selected: source.role === role }, t(`live.role.${role}`))),
          ),
          t("live.source.sharedNote"),
        ),
        ...(source.role === "interviewer"
          ? [
              field(
                t("live.source.candidateDevice"),
                h(
                  "select",
                  { testid: "audio-candidate-device", onchange: (e: Event) => (source.candidateDevice = (e.target as HTMLSelectElement).value || null) },
                  h("option", { value: "", selected: source.candidateDevice === null }, t("live.source.candidateNone")),
                  devices.list
                    .filter((d) => d.name !== source.device)
                    .map((d) => h("option", { value: d.name, selected: d.name === source.candidateDevice }, d.name)),
                ),
                t("live.source.candidateHelp"),
              ),
            ]
          : []),
        field(
          t("live.level"),
          h(
            "div",
            { class: "level", testid: "audio-level", title: t("live.level") },
            h("div", { class: "level-fill", testid: "audio-level-fill", style: `width: ${screen.level ?? 0}%` }),
          ),
          screen.meterError ? asCoreError(screen.meterError).message : undefined,
        ),
      ];
      void startMeter();
    }
    if (source.kind !== "device") void stopMeter();
    replace(sourceFields, h("div", { class: "grid two" }, field(t("live.source.kind"), kindSelect), field(t("live.language"), languageSelect)), specific);
  };

  const startMeter = async () => {
    if (audioBusy(screen) || screen.meterDevice === screen.source.device) return;
    screen.meterDevice = screen.source.device;
    screen.meterError = null;
    try {
      await api.startLevelMeter(screen.source.device, (event) => {
        if (!root.isConnected) {
          void stopMeter();
          return;
        }
        screen.level = event.type === "level" ? levelPercent(event.rms) : null;
        const fill = root.querySelector<HTMLElement>("[data-testid='audio-level-fill']");
        if (fill) fill.style.width = `${screen.level ?? 0}%`;
      });
    } catch (error) {
      screen.meterError = error;
      drawSourceFields();
    }
  };

  const stopMeter = async () => {
    if (screen.meterDevice === undefined) return;
    screen.meterDevice = undefined;
    screen.meterError = null;
    screen.level = null;
    await api.stopLevelMeter().catch(() => undefined);
  };

  // Notes.
  const noteText = h("textarea", { rows: 2, testid: "note-text", placeholder: t("live.note.placeholder") });
  const noteCompetency = h(
    "select",
    { testid: "note-competency", onchange: (e: Event) => (screen.noteCompetency = (e.target as HTMLSelectElement).value) },
    h("option", { value: "" }, t("live.note.general")),
    screen.model.board.map((row) => h("option", { value: row.id, selected: row.id === screen.noteCompetency }, pick(row.name, ui))),
  );
  const addNoteNow = async () => {
    const text = noteText.value.trim();
    if (text === "") return;
    const atMs = now(screen);
    const competency = screen.noteCompetency === "" ? null : screen.noteCompetency;
    if (await apply({ type: "note", at_ms: atMs, text, ...(competency ? { competency } : {}) })) {
      screen.model = addNote(screen.model, { atMs, text, competency });
      noteText.value = "";
      redraw();
    }
  };
  noteText.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) void addNoteNow();
  });

  // The consent card (withdraw stops that purpose at once) and the camera panel.
  const consentBox = h("div", { class: "consent-box" });
  const drawConsent = () => {
    replace(
      consentBox,
      screen.consent
        ? consentCard(
            screen.id,
            screen.consent,
            (status) => {
              screen.consent = status;
              drawConsent();
              redrawCamera();
              redraw();
            },
            screen.consent.policy.configured ? null : () => void renderLive(root, context, id, demo, true),
          )
        : null,
    );
  };
  drawConsent();
  const camera = cameraPanel(screen.id, () => screen.consent);

  const name = screen.interview.candidate.name;
  const subtitle = [screen.jobTitle ? pick(screen.jobTitle, ui) : screen.interview.job_id, t("live.title")].join(" · ");
  drawSourceFields();
  replace(
    root,
    button(t("iv.back"), () => context.navigate({ view: "interviews" }), { class: "link back", testid: "iv-back" }),
    pageHeader(
      name,
      subtitle,
      timer,
      button(t("live.finish"), () => {
        screen.reviewing = true;
        redraw();
      }, { class: "primary", testid: "live-finish" }),
    ),
    actionError,
    h(
      "section",
      { class: "card audio-card", testid: "audio-panel" },
      h("div", { class: "card-header" }, h("h2", null, t("live.source.title"))),
      sourceFields,
      h("div", { class: "audio-bar" }, audioButtons, audioStatus),
      purposeAllowed(screen.consent, "transcription") ? null : h("p", { class: "small warn", testid: "audio-needs-consent" }, t("consent.live.noTranscription")),
    ),
    h("div", { class: "vision-row" }, consentBox, camera),
    h(
      "div",
      { class: "live-grid" },
      h(
        "div",
        { class: "live-main" },
        h("section", { class: "card" }, h("div", { class: "card-header" }, h("h2", null, t("live.transcript")), speaking), transcript),
        h(
          "section",
          { class: "card" },
          h("h2", null, t("live.notes")),
          noteText,
          h(
            "div",
            { class: "row" },
            h("label", { class: "inline-field" }, h("span", { class: "field-label" }, t("live.note.competency")), noteCompetency),
            button(t("live.note.add"), () => void addNoteNow(), { class: "secondary", testid: "note-add" }),
          ),
          notesList,
        ),
      ),
      h(
        "div",
        { class: "live-side" },
        h("section", { class: "card prompts-card" }, h("h2", null, t("live.prompts")), prompts),
        h("section", { class: "card" }, h("div", { class: "card-header" }, h("h2", null, t("live.board")), boardSummary), board),
        h("section", { class: "card" }, h("h2", null, t("live.facts")), facts),
      ),
    ),
    overlay,
  );
  redraw();

  // The timer, and a tick for the engine (time warnings, coverage prompts) while no audio runs.
  let lastTick = Date.now();
  const interval = window.setInterval(() => {
    if (!root.isConnected || screenState !== screen) {
      window.clearInterval(interval);
      return;
    }
    drawTimer();
    if (!audioBusy(screen) && !screen.finishing && Date.now() - lastTick > 15_000) {
      lastTick = Date.now();
      void apply({ type: "tick", at_ms: now(screen) });
    }
  }, 1000);
}
