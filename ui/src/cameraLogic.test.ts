import { describe, expect, it } from "vitest";

import type { CueInfo } from "./bindings/CueInfo";
import type { VisionEvent } from "./bindings/VisionEvent";
import { applyVisionEvent, boxView, cueKey, cueRows, emptyCamera, folderFps, type CameraModel } from "./cameraLogic";
import { translate } from "./i18n";

const cue = (kind: string, confidence = 0.8): CueInfo => ({
  kind,
  start_ms: 0,
  end_ms: 3000,
  confidence,
  from_expression: kind === "tension" || kind === "ease",
});

function run(events: VisionEvent[]): CameraModel {
  return events.reduce(applyVisionEvent, emptyCamera());
}

const started: VisionEvent = { type: "started", source: "folder f (2 images at 5 fps, repeating)", presence: true, expression: true };
const preview = (image?: string): VisionEvent => ({
  type: "preview",
  time_ms: 0,
  width: 512,
  height: 256,
  faces: [{ bbox: [128, 64, 256, 192], score: 0.99 }],
  ...(image ? { image } : {}),
});

describe("face boxes", () => {
  it("are fractions of the frame, clamped to it", () => {
    expect(boxView([128, 64, 256, 192], 0.9, 512, 256)).toEqual({ left: 0.25, top: 0.25, width: 0.25, height: 0.5, score: 0.9 });
    const clamped = boxView([-20, -10, 600, 300], 0.5, 512, 256);
    expect([clamped.left, clamped.top, clamped.width, clamped.height]).toEqual([0, 0, 1, 1]);
  });
});

describe("the camera model", () => {
  it("keeps the last preview image until a new one arrives and counts frames", () => {
    const m = run([started, preview("data:image/jpeg;base64,AAA"), preview()]);
    expect([m.state, m.frames, m.image, m.boxes.length]).toEqual(["running", 2, "data:image/jpeg;base64,AAA", 1]);
  });

  it("tracks active cues and drops expression cues when expression consent is withdrawn", () => {
    let m = run([started, preview(), { type: "cue_started", cue: cue("ease") }, { type: "cue_started", cue: cue("too_dark", 0.6) }]);
    expect(Object.keys(m.cues).sort()).toEqual(["ease", "too_dark"]);
    m = applyVisionEvent(m, { type: "purpose_stopped", purpose: "expression_cues", denial: "withdrawn" });
    expect(Object.keys(m.cues)).toEqual(["too_dark"]);
    expect(m.expression).toBe(false);
    expect(m.stopped).toEqual([{ purpose: "expression_cues", denial: "withdrawn" }]);
    m = applyVisionEvent(m, { type: "cue_ended", cue: cue("too_dark") });
    expect(m.cues).toEqual({});
  });

  it("clears boxes and cues when presence stops or the loop ends, keeping the reason", () => {
    let m = run([started, preview(), { type: "cue_started", cue: cue("face_absent") }]);
    m = applyVisionEvent(m, { type: "purpose_stopped", purpose: "presence_cues", denial: "withdrawn" });
    expect([m.boxes.length, Object.keys(m.cues).length, m.presence]).toEqual([0, 0, false]);
    m = applyVisionEvent(m, { type: "stopped", reason: "the candidate withdrew consent" });
    expect([m.state, m.reason]).toEqual(["stopped", "the candidate withdrew consent"]);
  });

  it("keeps only the last few warnings", () => {
    const warnings: VisionEvent[] = Array.from({ length: 8 }, (_, i) => ({ type: "warning", message: `w${i}` }));
    expect(run([started, ...warnings]).warnings).toEqual(["w3", "w4", "w5", "w6", "w7"]);
  });
});

describe("the cue indicator", () => {
  it("waits before the first frame, then shows presence, expression and picture", () => {
    expect(cueRows(run([started]), true).map((r) => r.key)).toEqual(["camera.cue.waiting", "camera.cue.waiting", "camera.cue.waiting"]);
    const m = run([started, preview(), { type: "cue_started", cue: cue("ease", 0.7) }]);
    expect(cueRows(m, true).map((r) => [r.id, r.key, r.alert, r.confidence])).toEqual([
      ["presence", "camera.cue.present", false, null],
      ["expression", "camera.cue.ease", true, 0.7],
      ["quality", "camera.cue.qualityOk", false, null],
    ]);
  });

  it("has no expression row when the policy forbids expression cues, and says off after a withdrawal", () => {
    const m = run([started, preview()]);
    expect(cueRows(m, false).map((r) => r.id)).toEqual(["presence", "quality"]);
    const withdrawn = applyVisionEvent(m, { type: "purpose_stopped", purpose: "expression_cues", denial: "withdrawn" });
    expect(cueRows(withdrawn, true)[1]?.key).toBe("camera.cue.expressionOff");
  });

  it("shows the strongest presence cue and names every cue kind in both languages", () => {
    const m = run([started, preview(), { type: "cue_started", cue: cue("turned_away", 0.4) }, { type: "cue_started", cue: cue("face_absent", 0.9) }]);
    expect(cueRows(m, false)[0]?.key).toBe("camera.cue.face_absent");
    for (const kind of ["face_absent", "turned_away", "tension", "ease", "too_dark", "face_too_small"]) {
      expect(cueKey(kind)).toBe(`camera.cue.${kind}`);
      expect(translate(cueKey(kind), {}, "zh")).not.toBe(translate(cueKey(kind), {}, "en"));
    }
    expect(cueKey("something_new")).toBe("camera.cue.neutral");
  });

  it("the help text says the expression model is weak and cues are never scored", () => {
    expect(translate("camera.help", {}, "en")).toMatch(/2-3 of 4.*|never scored/);
    expect(translate("camera.help", {}, "en")).toContain("never scored");
    expect(translate("camera.help", {}, "zh")).toContain("从不计分");
  });
});

describe("the folder source", () => {
  it("takes a frame rate between 1 and 30, defaulting to 5", () => {
    expect([folderFps("10"), folderFps("0"), folderFps("abc"), folderFps("100"), folderFps("0.5")]).toEqual([10, 5, 5, 30, 1]);
  });
});
