// Pure logic of the live interview screen, unit-tested in live.test.ts: the interview clock, the
// view model that the core's state starts and the streamed LiveEvents update, and time formatting.
import type { AudioInput } from "./bindings/AudioInput";
import type { Bilingual } from "./bindings/Bilingual";
import type { CoverageState } from "./bindings/CoverageState";
import type { CoverageStatus } from "./bindings/CoverageStatus";
import type { EngineEvent } from "./bindings/EngineEvent";
import type { KeyFact } from "./bindings/KeyFact";
import type { LiveEvent } from "./bindings/LiveEvent";
import type { MicRole } from "./bindings/MicRole";
import type { Prompt } from "./bindings/Prompt";
import type { SpeechEvent } from "./bindings/SpeechEvent";
import type { StarPart } from "./bindings/StarPart";
import type { TalkTime } from "./bindings/TalkTime";

/** Who a transcript line belongs to (`shared`: one microphone for everybody). */
export type Side = "interviewer" | "candidate" | "shared" | "unknown";

export type TranscriptLine = {
  id: number;
  speaker: Side;
  startMs: number;
  endMs: number;
  text: string;
};

export type BoardRow = {
  id: string;
  name: Bilingual;
  weight: number;
  status: CoverageStatus;
  star: StarPart[];
  quotes: number;
  asked: number;
  suggested: number;
  manual: number | null;
};

export type NoteItem = { atMs: number | null; text: string; competency: string | null };

export type LiveModel = {
  lines: TranscriptLine[];
  nextLineId: number;
  /** Sides with an utterance in progress. */
  speaking: Side[];
  board: BoardRow[];
  prompts: Prompt[];
  facts: KeyFact[];
  notes: NoteItem[];
  /** The newest pipeline warnings (at most MAX_WARNINGS). */
  warnings: string[];
  timeWarning: Bilingual | null;
  counts: { utterances: number; segments: number; dropped: number; merged: number };
  /** The latest interview time any event carried. */
  lastEventMs: number;
  plannedMs: number;
  talk: TalkTime;
};

/** The transcript keeps this many lines on screen (the engine keeps every turn). */
export const MAX_LINES = 400;
export const MAX_WARNINGS = 5;

export const STAR_PARTS: StarPart[] = ["S", "T", "A", "R"];

function sideOf(speaker: string): Side {
  return speaker === "interviewer" || speaker === "candidate" || speaker === "shared" ? speaker : "unknown";
}

/** The view model of a (possibly resumed) interview: board, prompts, facts, notes and its turns so far. */
export function fromState(state: CoverageState): LiveModel {
  const notes: NoteItem[] = [
    ...state.competencies.flatMap((c) => c.notes.map((text) => ({ atMs: null, text, competency: c.id }))),
    ...state.notes.map((text) => ({ atMs: null, text, competency: null })),
  ];
  const lines = state.turns.map((turn, i) => ({
    id: i,
    speaker: sideOf(turn.speaker),
    startMs: turn.start_ms,
    endMs: turn.end_ms,
    text: turn.text,
  }));
  return {
    lines: lines.slice(-MAX_LINES),
    nextLineId: lines.length,
    speaking: [],
    board: boardOf(state),
    prompts: [...state.active_prompts],
    facts: [...state.key_facts],
    notes,
    warnings: [],
    timeWarning: null,
    counts: { utterances: 0, segments: 0, dropped: 0, merged: 0 },
    lastEventMs: state.now_ms,
    plannedMs: state.planned_ms,
    talk: state.talk_time,
  };
}

function boardOf(state: CoverageState): BoardRow[] {
  return state.competencies.map((c) => ({
    id: c.id,
    name: c.name,
    weight: c.weight,
    status: c.status,
    star: [...c.star],
    quotes: c.evidence.length,
    asked: c.asked_in.length,
    suggested: c.suggested.rating,
    manual: c.manual_rating ?? null,
  }));
}

/**
 * Takes the core's authoritative state (board, prompts, facts, talk time) and keeps what only the
 * window knows: the transcript as heard, notes with their times, counters and warnings.
 */
export function syncState(model: LiveModel, state: CoverageState): LiveModel {
  const fresh = fromState(state);
  return {
    ...model,
    board: fresh.board,
    prompts: fresh.prompts,
    facts: fresh.facts,
    talk: fresh.talk,
    plannedMs: fresh.plannedMs,
    lastEventMs: Math.max(model.lastEventMs, fresh.lastEventMs),
    lines: model.lines.length > 0 ? model.lines : fresh.lines,
    nextLineId: Math.max(model.nextLineId, fresh.nextLineId),
    notes: model.notes.length >= fresh.notes.length ? model.notes : fresh.notes,
  };
}

/** Adds a note the interviewer typed (the engine keeps it too; this list keeps its time). */
export function addNote(model: LiveModel, note: NoteItem): LiveModel {
  return { ...model, notes: [...model.notes, note] };
}

/** The model after one streamed event. Never mutates `model`. */
export function applyLiveEvent(model: LiveModel, event: LiveEvent): LiveModel {
  return event.source === "speech" ? applySpeech(model, event.event) : applyEngine(model, event.event);
}

/** The model after the events an input returned (e.g. a dismissed prompt, a rating). */
export function applyEngineEvents(model: LiveModel, events: EngineEvent[]): LiveModel {
  return events.reduce(applyEngine, model);
}

function seen(model: LiveModel, ms: number): number {
  return Math.max(model.lastEventMs, ms);
}

function applySpeech(model: LiveModel, event: SpeechEvent): LiveModel {
  switch (event.type) {
    case "utterance_started": {
      const side = sideOf(event.speaker);
      return {
        ...model,
        speaking: model.speaking.includes(side) ? model.speaking : [...model.speaking, side],
        lastEventMs: seen(model, event.start_ms),
      };
    }
    case "utterance_ended":
      return {
        ...model,
        speaking: model.speaking.filter((s) => s !== sideOf(event.speaker)),
        counts: { ...model.counts, utterances: model.counts.utterances + (event.kept ? 1 : 0) },
        lastEventMs: seen(model, event.end_ms),
      };
    case "segment": {
      const text = event.text.trim();
      const counts = { ...model.counts, segments: model.counts.segments + 1 };
      if (text === "") return { ...model, counts, lastEventMs: seen(model, event.end_ms) };
      const line: TranscriptLine = {
        id: model.nextLineId,
        speaker: sideOf(event.speaker),
        startMs: event.start_ms,
        endMs: event.end_ms,
        text,
      };
      // The two channels are transcribed in turn: keep the lines in the order they were said.
      const lines = [...model.lines];
      let at = lines.length;
      while (at > 0 && (lines[at - 1]?.startMs ?? 0) > line.startMs) at -= 1;
      lines.splice(at, 0, line);
      return {
        ...model,
        lines: lines.slice(-MAX_LINES),
        nextLineId: model.nextLineId + 1,
        counts,
        lastEventMs: seen(model, event.end_ms),
      };
    }
    case "dropped":
      return { ...model, counts: { ...model.counts, dropped: event.total } };
    case "merged":
      return { ...model, counts: { ...model.counts, merged: model.counts.merged + event.utterances } };
    case "warning":
      return { ...model, warnings: [...model.warnings, event.message].slice(-MAX_WARNINGS) };
    case "timing":
      return model;
  }
}

function updateRow(model: LiveModel, id: string, change: (row: BoardRow) => BoardRow): LiveModel {
  if (!model.board.some((row) => row.id === id)) return model;
  return { ...model, board: model.board.map((row) => (row.id === id ? change(row) : row)) };
}

function applyEngine(model: LiveModel, event: EngineEvent): LiveModel {
  switch (event.event) {
    case "competency_asked":
      return updateRow(model, event.competency, (row) => ({ ...row, asked: row.asked + 1 }));
    case "evidence_added":
      return updateRow(
        { ...model, lastEventMs: seen(model, event.quote.end_ms) },
        event.competency,
        (row) => ({ ...row, quotes: row.quotes + 1 }),
      );
    case "star_updated":
      return updateRow(model, event.competency, (row) => ({ ...row, star: [...event.star] }));
    case "status_changed":
      return updateRow(model, event.competency, (row) => ({ ...row, status: event.status }));
    case "suggested_rating_changed":
      return updateRow(model, event.competency, (row) => ({ ...row, suggested: event.rating }));
    case "manual_rating_recorded":
      return updateRow(model, event.competency, (row) => ({ ...row, manual: event.rating }));
    case "prompt": {
      const { event: _tag, ...prompt } = event;
      return { ...model, prompts: [...model.prompts.filter((p) => p.id !== prompt.id), prompt] };
    }
    case "prompt_retired":
      return { ...model, prompts: model.prompts.filter((p) => p.id !== event.prompt_id) };
    case "key_fact": {
      const { event: _tag, ...fact } = event;
      const duplicate = model.facts.some((f) => f.turn === fact.turn && f.start === fact.start);
      return duplicate ? model : { ...model, facts: [...model.facts, fact] };
    }
    case "time_warning":
      return { ...model, timeWarning: event.text, lastEventMs: seen(model, event.at_ms) };
    case "turn_classified":
    case "delivery":
    case "note_recorded":
    case "input_rejected":
    case "ended":
      return model;
  }
}

/** Competencies still without the interviewer's rating. */
export function unconfirmed(board: BoardRow[]): BoardRow[] {
  return board.filter((row) => row.manual === null);
}

export function evidencedCount(board: BoardRow[]): number {
  return board.filter((row) => row.status === "evidenced").length;
}

/**
 * The interview clock: it follows the audio's time (a recording may play faster than real time)
 * and otherwise runs with the wall clock, never backwards.
 */
export type Clock = { baseMs: number; baseWall: number };

export function startClock(atMs: number, wall: number): Clock {
  return { baseMs: atMs, baseWall: wall };
}

export function clockNow(clock: Clock, wall: number): number {
  return clock.baseMs + Math.max(0, wall - clock.baseWall);
}

/** The clock after an event at interview time `eventMs` arrived at wall time `wall`. */
export function clockSeen(clock: Clock, eventMs: number, wall: number): Clock {
  return eventMs > clockNow(clock, wall) ? { baseMs: eventMs, baseWall: wall } : clock;
}

/** 75_000 -> "01:15"; 3_725_000 -> "1:02:05". */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const two = (n: number) => String(n).padStart(2, "0");
  return hours > 0 ? `${hours}:${two(minutes)}:${two(seconds)}` : `${two(minutes)}:${two(seconds)}`;
}

export type Budget = { fraction: number; leftMs: number; overMs: number };

/** How much of the planned time is used (fraction capped at 1), what is left and by how much it is over. */
export function budget(nowMs: number, plannedMs: number): Budget {
  if (plannedMs <= 0) return { fraction: 0, leftMs: 0, overMs: 0 };
  return {
    fraction: Math.min(1, Math.max(0, nowMs / plannedMs)),
    leftMs: Math.max(0, plannedMs - nowMs),
    overMs: Math.max(0, nowMs - plannedMs),
  };
}

/** A level meter's RMS (0..1) as a bar width in percent, on a decibel scale from -60 dBFS. */
export function levelPercent(rms: number): number {
  if (!(rms > 0)) return 0;
  const db = 20 * Math.log10(rms);
  return Math.round(Math.min(100, Math.max(0, ((db + 60) / 60) * 100)));
}

/** What the live screen's audio fields hold. */
export type SourceChoice = {
  kind: "demo" | "file" | "device";
  path: string;
  device: string | null;
  role: MicRole;
  /** The candidate's side when `device` is the interviewer's: a second microphone or system audio. */
  candidateDevice: string | null;
};

/** The audio input the pipeline listens to for the screen's choice. */
export function audioInputFor(source: SourceChoice): AudioInput {
  if (source.kind === "demo") return { kind: "demo" };
  if (source.kind === "file") return { kind: "file", path: source.path.trim() };
  if (source.role === "interviewer" && source.candidateDevice && source.candidateDevice !== source.device) {
    return { kind: "two_devices", interviewer: source.device, candidate: source.candidateDevice };
  }
  return { kind: "device", name: source.device, role: source.role };
}
