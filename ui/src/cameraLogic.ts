// Pure logic of the camera panel: the camera loop's events folded into what the panel shows (the
// latest preview image, face boxes as fractions of the frame, the active cues, why a purpose
// stopped), and the cue indicator's rows. Cues are soft hints for the interviewer, never scored.
import type { CueInfo } from "./bindings/CueInfo";
import type { Denial } from "./bindings/Denial";
import type { Purpose } from "./bindings/Purpose";
import type { VisionEvent } from "./bindings/VisionEvent";
import type { VisionTotals } from "./bindings/VisionTotals";
import type { MessageKey } from "./i18n";

/** A face box in fractions (0-1) of the frame, so it overlays an image of any displayed size. */
export type BoxView = { left: number; top: number; width: number; height: number; score: number };

export type CameraModel = {
  state: "idle" | "starting" | "running" | "stopped" | "failed";
  source: string;
  presence: boolean;
  expression: boolean;
  image: string | null;
  frames: number;
  boxes: BoxView[];
  /** Active cues by kind. */
  cues: Record<string, CueInfo>;
  stopped: { purpose: Purpose; denial: Denial }[];
  warnings: string[];
  reason: string | null;
  totals: VisionTotals | null;
};

const MAX_WARNINGS = 5;

export function emptyCamera(): CameraModel {
  return {
    state: "idle",
    source: "",
    presence: false,
    expression: false,
    image: null,
    frames: 0,
    boxes: [],
    cues: {},
    stopped: [],
    warnings: [],
    reason: null,
    totals: null,
  };
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}

export function boxView(bbox: [number, number, number, number], score: number, width: number, height: number): BoxView {
  const w = Math.max(1, width);
  const h = Math.max(1, height);
  const left = clamp01(bbox[0] / w);
  const top = clamp01(bbox[1] / h);
  return {
    left,
    top,
    width: clamp01(bbox[2] / w) - left,
    height: clamp01(bbox[3] / h) - top,
    score,
  };
}

/** The next model after `event` (a new object; the old one is left unchanged). */
export function applyVisionEvent(model: CameraModel, event: VisionEvent): CameraModel {
  switch (event.type) {
    case "started":
      return { ...emptyCamera(), state: "running", source: event.source, presence: event.presence, expression: event.expression };
    case "preview":
      return {
        ...model,
        frames: model.frames + 1,
        image: event.image ?? model.image,
        boxes: event.faces.map((f) => boxView(f.bbox, f.score, event.width, event.height)),
      };
    case "cue_started":
      return { ...model, cues: { ...model.cues, [event.cue.kind]: event.cue } };
    case "cue_ended": {
      const cues = { ...model.cues };
      delete cues[event.cue.kind];
      return { ...model, cues };
    }
    case "purpose_stopped": {
      const cues = Object.fromEntries(
        Object.entries(model.cues).filter(([, cue]) => (event.purpose === "expression_cues" ? !cue.from_expression : false)),
      );
      return {
        ...model,
        cues,
        expression: event.purpose === "expression_cues" || event.purpose === "presence_cues" ? false : model.expression,
        presence: event.purpose === "presence_cues" ? false : model.presence,
        boxes: event.purpose === "presence_cues" ? [] : model.boxes,
        stopped: [...model.stopped, { purpose: event.purpose, denial: event.denial }],
      };
    }
    case "warning":
      return { ...model, warnings: [...model.warnings, event.message].slice(-MAX_WARNINGS) };
    case "stopped":
      return { ...model, state: "stopped", cues: {}, boxes: [], reason: event.reason ?? null };
  }
}

/** One row of the cue indicator. */
export type CueRow = {
  id: "presence" | "expression" | "quality";
  /** The i18n key of what the row says now. */
  key: MessageKey;
  /** Something to notice (a cue is active). */
  alert: boolean;
  confidence: number | null;
};

const CUE_KEYS: Record<string, MessageKey> = {
  face_absent: "camera.cue.face_absent",
  turned_away: "camera.cue.turned_away",
  tension: "camera.cue.tension",
  ease: "camera.cue.ease",
  too_dark: "camera.cue.too_dark",
  face_too_small: "camera.cue.face_too_small",
};

/** The i18n key of a cue kind (an unknown kind shows as "nothing sustained"). */
export function cueKey(kind: string): MessageKey {
  return CUE_KEYS[kind] ?? "camera.cue.neutral";
}

function strongest(model: CameraModel, kinds: string[]): CueInfo | null {
  const found = kinds.map((k) => model.cues[k]).filter((c): c is CueInfo => c !== undefined);
  return found.sort((a, b) => b.confidence - a.confidence)[0] ?? null;
}

/**
 * The indicator's rows: presence, expression (only when expression cues run: never under the EU
 * profile) and frame quality. Before the first frame, presence says it is waiting.
 */
export function cueRows(model: CameraModel, expressionOffered: boolean): CueRow[] {
  const rows: CueRow[] = [];
  const running = model.state === "running";
  const presence = strongest(model, ["face_absent", "turned_away"]);
  rows.push({
    id: "presence",
    key: !running || model.frames === 0 ? "camera.cue.waiting" : presence ? cueKey(presence.kind) : "camera.cue.present",
    alert: presence !== null,
    confidence: presence?.confidence ?? null,
  });
  if (expressionOffered) {
    const expression = strongest(model, ["tension", "ease"]);
    rows.push({
      id: "expression",
      key: !model.expression
        ? model.state === "idle" || model.state === "starting"
          ? "camera.cue.waiting"
          : "camera.cue.expressionOff"
        : !running || model.frames === 0
          ? "camera.cue.waiting"
          : expression
            ? cueKey(expression.kind)
            : "camera.cue.neutral",
      alert: expression !== null,
      confidence: expression?.confidence ?? null,
    });
  }
  const quality = strongest(model, ["too_dark", "face_too_small"]);
  rows.push({
    id: "quality",
    key: quality ? cueKey(quality.kind) : !running || model.frames === 0 ? "camera.cue.waiting" : "camera.cue.qualityOk",
    alert: quality !== null,
    confidence: quality?.confidence ?? null,
  });
  return rows;
}

/** A frame rate the folder source accepts (1-30, default 5). */
export function folderFps(text: string): number {
  const value = Number.parseFloat(text);
  if (!Number.isFinite(value) || value <= 0) return 5;
  return Math.min(30, Math.max(1, value));
}
