import { describe, expect, it } from "vitest";

import type { CoverageState } from "./bindings/CoverageState";
import type { LiveEvent } from "./bindings/LiveEvent";
import fixture from "./fixtures/live-sales-en.json";
import {
  MAX_LINES,
  MAX_WARNINGS,
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
  type LiveModel,
  type SourceChoice,
} from "./live";

// A real stream: the first turns of the scripted sales interview through the core's session,
// written by `cargo test -p copilot-core --test it ui_fixture` (UPDATE_BINDINGS=1 rewrites it).
const initial = fixture.initial as unknown as CoverageState;
const final = fixture.final as unknown as CoverageState;
const events = fixture.events as unknown as LiveEvent[];

function replay(model: LiveModel, stream: LiveEvent[]): LiveModel {
  return stream.reduce(applyLiveEvent, model);
}

const segment = (speaker: string, start: number, text: string): LiveEvent =>
  ({
    source: "speech",
    event: { type: "segment", speaker, start_ms: start, end_ms: start + 1000, text, confidence: 0.9, language: "en" },
  }) as LiveEvent;

describe("the live view model on a real stream", () => {
  const start = fromState(initial);
  const end = replay(start, events);
  const truth = fromState(final);

  it("starts with every competency not asked and no transcript", () => {
    expect(start.board.length).toBeGreaterThan(0);
    expect(start.board.every((row) => row.status === "uncovered" && row.quotes === 0 && row.manual === null)).toBe(true);
    expect(start.lines).toEqual([]);
    expect(start.plannedMs).toBe(30 * 60 * 1000);
  });

  it("ends with the same board as the engine's own state", () => {
    expect(end.board).toEqual(truth.board);
    expect(evidencedCount(end.board)).toBe(final.evidenced.length);
    expect(evidencedCount(end.board)).toBeGreaterThan(0);
  });

  it("ends with the engine's active prompts and key facts", () => {
    expect(end.prompts.map((p) => p.id).sort()).toEqual(final.active_prompts.map((p) => p.id).sort());
    expect(end.facts.map((f) => f.text)).toEqual(final.key_facts.map((f) => f.text));
  });

  it("shows one speaker-labelled line per segment, in order, and nobody speaking at the end", () => {
    const segments = events.filter((e) => e.source === "speech" && e.event.type === "segment");
    const said = segments.map((e) => (e.source === "speech" && e.event.type === "segment" ? [e.event.speaker, e.event.text.trim()] : []));
    expect(end.lines.map((l) => [l.speaker, l.text])).toEqual(said);
    // The engine closes a turn when the other side speaks: its turns so far are the same lines.
    expect(final.turns.map((t) => [t.speaker, t.text])).toEqual(said.slice(0, final.turns.length));
    expect(final.turns.length).toBeGreaterThanOrEqual(said.length - 1);
    expect(end.speaking).toEqual([]);
    expect(end.counts.segments).toBe(segments.length);
    expect(end.counts.utterances).toBe(segments.length);
  });

  it("records the interviewer's rating from the returned event", () => {
    const rated = end.board.filter((row) => row.manual !== null);
    expect(rated.map((row) => row.manual)).toEqual([4]);
    expect(unconfirmed(end.board).length).toBe(end.board.length - 1);
  });

  it("follows the latest time any event carried", () => {
    const lastSegmentEnd = Math.max(...end.lines.map((l) => l.endMs));
    expect(end.lastEventMs).toBeGreaterThanOrEqual(lastSegmentEnd);
  });

  it("never changes the model it was given", () => {
    const before = JSON.stringify(start);
    replay(start, events);
    expect(JSON.stringify(start)).toBe(before);
  });

  it("resumes an interview from the engine's turns", () => {
    const resumed = fromState(final);
    expect(resumed.lines.map((l) => l.speaker)).toEqual(final.turns.map((t) => t.speaker));
    expect(resumed.notes.map((n) => n.text)).toContain("Probe the team size");
  });
});

describe("transcript lines", () => {
  it("puts a late segment of the other channel back in speaking order", () => {
    const model = replay(fromState(initial), [
      segment("interviewer", 0, "Tell me about a deal."),
      segment("candidate", 9000, "Later answer."),
      segment("interviewer", 4000, "Earlier follow-up."),
    ]);
    expect(model.lines.map((l) => l.text)).toEqual(["Tell me about a deal.", "Earlier follow-up.", "Later answer."]);
    expect(model.lines.map((l) => l.speaker)).toEqual(["interviewer", "interviewer", "candidate"]);
  });

  it("labels a shared microphone and skips empty text", () => {
    const model = replay(fromState(initial), [segment("shared", 0, "Hello both"), segment("candidate", 2000, "   ")]);
    expect(model.lines.map((l) => [l.speaker, l.text])).toEqual([["shared", "Hello both"]]);
    expect(model.counts.segments).toBe(2);
  });

  it("keeps at most MAX_LINES lines", () => {
    const many = Array.from({ length: MAX_LINES + 25 }, (_, i) => segment("candidate", i * 1000, `line ${i}`));
    const model = replay(fromState(initial), many);
    expect(model.lines.length).toBe(MAX_LINES);
    expect(model.lines.at(-1)?.text).toBe(`line ${MAX_LINES + 24}`);
    expect(model.lines[0]?.text).toBe("line 25");
  });

  it("tracks who is speaking", () => {
    const started = applyLiveEvent(fromState(initial), {
      source: "speech",
      event: { type: "utterance_started", speaker: "candidate", start_ms: 500 },
    });
    expect(started.speaking).toEqual(["candidate"]);
    const ended = applyLiveEvent(started, {
      source: "speech",
      event: { type: "utterance_ended", speaker: "candidate", start_ms: 500, end_ms: 900, kept: false },
    });
    expect(ended.speaking).toEqual([]);
    expect(ended.counts.utterances).toBe(0);
  });

  it("counts drops and merges and keeps the newest warnings", () => {
    let model = fromState(initial);
    model = applyLiveEvent(model, { source: "speech", event: { type: "dropped", count: 3, total: 3 } });
    model = applyLiveEvent(model, { source: "speech", event: { type: "dropped", count: 2, total: 5 } });
    model = applyLiveEvent(model, {
      source: "speech",
      event: { type: "merged", speaker: "candidate", utterances: 2, start_ms: 0, end_ms: 10 },
    });
    for (let i = 0; i < MAX_WARNINGS + 2; i++) {
      model = applyLiveEvent(model, { source: "speech", event: { type: "warning", message: `w${i}` } });
    }
    expect(model.counts.dropped).toBe(5);
    expect(model.counts.merged).toBe(2);
    expect(model.warnings).toEqual(["w2", "w3", "w4", "w5", "w6"]);
  });
});

describe("inputs and resync", () => {
  const live = replay(fromState(initial), events);

  it("a dismissed prompt leaves the panel", () => {
    const prompt = live.prompts[0];
    if (!prompt) return expect(live.prompts.length).toBe(0);
    const after = applyEngineEvents(live, [{ event: "prompt_retired", prompt_id: prompt.id, reason: "dismissed", at_ms: 1 }]);
    expect(after.prompts.map((p) => p.id)).not.toContain(prompt.id);
  });

  it("ignores events about competencies the job does not have", () => {
    const after = applyEngineEvents(live, [{ event: "status_changed", competency: "no_such", status: "evidenced" }]);
    expect(after.board).toEqual(live.board);
  });

  it("syncState takes the engine's board but keeps the heard transcript and timed notes", () => {
    const withNote = addNote(live, { atMs: 61_000, text: "timed note", competency: null });
    const synced = syncState(withNote, final);
    expect(synced.board).toEqual(fromState(final).board);
    expect(synced.lines).toBe(withNote.lines);
    expect(synced.notes.at(-1)).toEqual({ atMs: 61_000, text: "timed note", competency: null });
  });
});

describe("the interview clock", () => {
  it("runs with the wall clock from where it started", () => {
    const clock = startClock(10_000, 1_000_000);
    expect(clockNow(clock, 1_000_000)).toBe(10_000);
    expect(clockNow(clock, 1_005_000)).toBe(15_000);
    expect(clockNow(clock, 990_000)).toBe(10_000);
  });

  it("jumps ahead to audio that plays faster than real time, never back", () => {
    let clock = startClock(0, 0);
    clock = clockSeen(clock, 40_000, 2_000);
    expect(clockNow(clock, 2_000)).toBe(40_000);
    clock = clockSeen(clock, 30_000, 3_000);
    expect(clockNow(clock, 3_000)).toBe(41_000);
    clock = clockSeen(clock, 77_000, 4_000);
    expect(clockNow(clock, 5_000)).toBe(78_000);
  });

  it.each([
    [0, "00:00"],
    [999, "00:00"],
    [75_000, "01:15"],
    [30 * 60_000, "30:00"],
    [3_725_000, "1:02:05"],
    [-5_000, "00:00"],
  ])("formatClock(%d) = %s", (ms, text) => {
    expect(formatClock(ms)).toBe(text);
  });

  it("measures the time budget", () => {
    expect(budget(15 * 60_000, 30 * 60_000)).toEqual({ fraction: 0.5, leftMs: 15 * 60_000, overMs: 0 });
    expect(budget(33 * 60_000, 30 * 60_000)).toEqual({ fraction: 1, leftMs: 0, overMs: 3 * 60_000 });
    expect(budget(1000, 0)).toEqual({ fraction: 0, leftMs: 0, overMs: 0 });
  });
});

describe("levelPercent", () => {
  it.each([
    [0, 0],
    [Number.NaN, 0],
    [0.001, 0],
    [0.01, 33],
    [0.1, 67],
    [1, 100],
    [2, 100],
  ])("rms %d shows %d %%", (rms, percent) => {
    expect(levelPercent(rms)).toBe(percent);
  });
});

describe("audioInputFor", () => {
  const base: SourceChoice = { kind: "device", path: "", device: "Laptop mic", role: "interviewer", candidateDevice: null };

  it("uses one device when no candidate side is chosen", () => {
    expect(audioInputFor(base)).toEqual({ kind: "device", name: "Laptop mic", role: "interviewer" });
  });

  it("listens to two devices when the interviewer's mic has a candidate side", () => {
    expect(audioInputFor({ ...base, candidateDevice: "Monitor of Built-in Audio" })).toEqual({
      kind: "two_devices",
      interviewer: "Laptop mic",
      candidate: "Monitor of Built-in Audio",
    });
  });

  it("never opens the same device twice, and ignores the candidate side for other roles", () => {
    expect(audioInputFor({ ...base, candidateDevice: "Laptop mic" }).kind).toBe("device");
    expect(audioInputFor({ ...base, role: "shared", candidateDevice: "USB headset" })).toEqual({ kind: "device", name: "Laptop mic", role: "shared" });
  });

  it("files and the demo ignore the device fields", () => {
    expect(audioInputFor({ ...base, kind: "file", path: "  /tmp/a.wav " })).toEqual({ kind: "file", path: "/tmp/a.wav" });
    expect(audioInputFor({ ...base, kind: "demo" })).toEqual({ kind: "demo" });
  });
});
