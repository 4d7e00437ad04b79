// The live screen's camera panel: a camera (or, with none, a folder of frames for a demo or a
// replay), a preview with the detected face box drawn over the frame, and a small cue indicator.
// Frames are shown, never stored. Cues are soft hints for the interviewer only and never scored;
// the expression part is absent when the policy forbids it (EU) or the candidate did not consent.
import "../vision.css";

import { api } from "../api";
import type { CameraInfo } from "../bindings/CameraInfo";
import type { ConsentStatus } from "../bindings/ConsentStatus";
import type { VideoInput } from "../bindings/VideoInput";
import { applyVisionEvent, cueRows, emptyCamera, folderFps, type CameraModel } from "../cameraLogic";
import { purposeAllowed } from "../consentLogic";
import { h, replace } from "../dom";
import { t } from "../i18n";
import { asCoreError, button, errorBox, field } from "../ui";

type CameraScreen = {
  interviewId: string;
  cameras: { list: CameraInfo[]; error: unknown } | null;
  kind: "camera" | "folder";
  index: number;
  path: string;
  fps: string;
  model: CameraModel;
  error: unknown;
  running: Promise<unknown>;
  redraw: () => void;
};

/** The open interview's camera state: it survives the language switch and navigation. */
let cameraState: CameraScreen | null = null;

function stateFor(interviewId: string): CameraScreen {
  if (cameraState?.interviewId !== interviewId) {
    cameraState = {
      interviewId,
      cameras: null,
      kind: "camera",
      index: 0,
      path: "",
      fps: "5",
      model: emptyCamera(),
      error: null,
      running: Promise.resolve(),
      redraw: () => undefined,
    };
  }
  return cameraState;
}

function busy(screen: CameraScreen): boolean {
  return screen.model.state === "starting" || screen.model.state === "running";
}

/** Stops the camera of the interview (finishing it, or leaving for good). */
export async function stopCamera(): Promise<void> {
  const screen = cameraState;
  if (!screen || !busy(screen)) return;
  await api.stopCamera().catch(() => undefined);
  await screen.running;
}

/** Forgets the camera state once the interview is finished. */
export function forgetCamera(): void {
  cameraState = null;
}

/** The panel. `consent` gives the interview's current consent (it changes on withdrawal). */
export function cameraPanel(interviewId: string, consent: () => ConsentStatus | null): HTMLElement {
  const screen = stateFor(interviewId);
  const sourceBox = h("div", { class: "camera-source" });
  const startButton = button(t("camera.start"), () => void start(), { class: "primary", testid: "camera-start" });
  const stopButton = button(t("camera.stop"), () => void api.stopCamera(), { class: "secondary", testid: "camera-stop" });
  const buttons = h("div", { class: "actions" }, startButton, stopButton);
  const statusLine = h("div", { class: "small", "aria-live": "polite" });
  const preview = h("div", { class: "camera-preview", testid: "camera-preview" });
  const cues = h("div", { class: "cue-indicator", testid: "cue-indicator" });
  const panel = h("section", { class: "card camera-card", testid: "camera-panel" });

  const expressionOffered = () => consent()?.policy.expression_cues_permitted ?? false;

  const drawSource = () => {
    const cameras = screen.cameras?.list ?? [];
    const kindSelect = h(
      "select",
      {
        testid: "camera-source",
        disabled: busy(screen),
        onchange: (e: Event) => {
          screen.kind = (e.target as HTMLSelectElement).value as CameraScreen["kind"];
          drawSource();
          draw();
        },
      },
      h("option", { value: "camera", selected: screen.kind === "camera" }, t("camera.source.camera")),
      h("option", { value: "folder", selected: screen.kind === "folder" }, t("camera.source.folder")),
    );
    let specific: HTMLElement | HTMLElement[];
    if (screen.kind === "camera") {
      specific =
        cameras.length === 0
          ? h(
              "div",
              { class: "notice", testid: "no-camera" },
              h("p", null, h("strong", null, t("camera.none"))),
              screen.cameras?.error ? h("p", { class: "small" }, asCoreError(screen.cameras.error).message) : null,
              h("p", { class: "small" }, t("camera.noneHelp")),
              button(
                t("camera.useFolder"),
                () => {
                  screen.kind = "folder";
                  drawSource();
                  draw();
                },
                { class: "secondary", testid: "camera-use-folder" },
              ),
            )
          : field(
              t("camera.device"),
              h(
                "select",
                { testid: "camera-device", disabled: busy(screen), onchange: (e: Event) => (screen.index = Number((e.target as HTMLSelectElement).value)) },
                cameras.map((c) => h("option", { value: String(c.index), selected: c.index === screen.index }, c.name)),
              ),
            );
    } else {
      specific = [
        field(
          t("camera.folder"),
          h("input", {
            type: "text",
            class: "path-input",
            testid: "camera-path",
            value: screen.path,
            disabled: busy(screen),
            placeholder: "/home/me/frames",
            oninput: (e: Event) => {
              screen.path = (e.target as HTMLInputElement).value;
              draw();
            },
          }),
          t("camera.folderHelp"),
        ),
        field(
          t("camera.fps"),
          h("input", {
            type: "number",
            min: "1",
            max: "30",
            testid: "camera-fps",
            value: screen.fps,
            disabled: busy(screen),
            oninput: (e: Event) => (screen.fps = (e.target as HTMLInputElement).value),
          }),
        ),
      ];
    }
    replace(sourceBox, h("div", { class: "grid two" }, field(t("camera.source"), kindSelect), specific));
  };

  const start = async () => {
    let input: VideoInput;
    if (screen.kind === "folder") {
      input = { kind: "folder", path: screen.path.trim(), fps: folderFps(screen.fps), realtime: true, repeat: true };
    } else {
      input = { kind: "camera", index: screen.index };
    }
    screen.model = { ...emptyCamera(), state: "starting" };
    screen.error = null;
    drawSource();
    screen.redraw();
    screen.running = api
      .startCamera(interviewId, input, (event) => {
        screen.model = applyVisionEvent(screen.model, event);
        screen.redraw();
      })
      .then((totals) => {
        screen.model = { ...screen.model, state: "stopped", cues: {}, boxes: [], totals };
      })
      .catch((error) => {
        screen.model = { ...screen.model, state: "failed", cues: {}, boxes: [] };
        screen.error = error;
      })
      .finally(() => {
        drawSource();
        screen.redraw();
      });
    await screen.running;
  };

  const draw = () => {
    const status = consent();
    const presenceOk = purposeAllowed(status, "presence_cues");
    const m = screen.model;
    const canStart =
      presenceOk && !busy(screen) && (screen.kind === "folder" ? screen.path.trim() !== "" : (screen.cameras?.list.length ?? 0) > 0);
    // The buttons stay the same elements (the panel redraws on every frame): only their state changes.
    startButton.disabled = !canStart;
    stopButton.disabled = !busy(screen);
    replace(
      statusLine,
      !presenceOk ? h("p", { class: "small warn", testid: "camera-needs-consent" }, t("camera.needsConsent")) : null,
      h(
        "p",
        { testid: "camera-status", "data-state": m.state, "data-frames": String(m.frames) },
        m.state === "running"
          ? t("camera.status.running", { frames: m.frames, source: m.source })
          : m.state === "stopped"
            ? m.reason
              ? t("camera.status.stoppedBecause", { reason: m.reason })
              : t("camera.status.stopped", { frames: m.totals?.frames ?? m.frames })
            : t(`camera.status.${m.state}`),
      ),
      m.stopped.map((s) => h("p", { class: "small warn", testid: `camera-purpose-stopped-${s.purpose}` }, t("camera.purposeStopped", { purpose: t(`consent.purpose.${s.purpose}`) }))),
      m.totals && !m.totals.expression_model_loaded && m.state === "stopped"
        ? h("p", { class: "muted small", testid: "camera-expression-not-loaded" }, t("camera.expressionNotLoaded"))
        : null,
      m.warnings.map((w) => h("p", { class: "small warn" }, w)),
      screen.error ? errorBox(screen.error, "camera-error") : null,
    );
    replace(
      preview,
      m.image
        ? h(
            "div",
            { class: "camera-frame" },
            h("img", { src: m.image, alt: t("camera.previewAlt"), testid: "camera-image" }),
            m.boxes.map((b) =>
              h("div", {
                class: "face-box",
                testid: "face-box",
                title: t("camera.face", { score: Math.round(b.score * 100) }),
                style: `left:${(b.left * 100).toFixed(2)}%;top:${(b.top * 100).toFixed(2)}%;width:${(b.width * 100).toFixed(2)}%;height:${(b.height * 100).toFixed(2)}%`,
              }),
            ),
          )
        : h("p", { class: "muted small camera-empty", testid: "camera-empty" }, t("camera.previewEmpty")),
      h("p", { class: "muted small" }, t("camera.notStored")),
    );
    const rows = cueRows(m, expressionOffered());
    replace(
      cues,
      rows.map((row) =>
        h(
          "div",
          { class: row.alert ? "cue-row alert" : "cue-row", testid: `cue-${row.id}`, "data-alert": row.alert ? "true" : "false", "data-key": row.key },
          h("span", { class: "cue-label" }, t(`camera.cueRow.${row.id}`)),
          h("span", { class: "cue-value", testid: `cue-${row.id}-value` }, t(row.key)),
          row.confidence !== null ? h("span", { class: "muted small" }, t("camera.confidence", { percent: Math.round(row.confidence * 100) })) : null,
        ),
      ),
      h(
        "p",
        { class: "muted small cue-help", testid: "cue-help" },
        expressionOffered() ? t("camera.help") : t("camera.helpNoExpression"),
      ),
    );
  };

  let pending = false;
  screen.redraw = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      if (panel.isConnected) draw();
    });
  };

  replace(
    panel,
    h("div", { class: "card-header" }, h("h2", null, t("camera.title")), h("span", { class: "muted small" }, t("camera.subtitle"))),
    sourceBox,
    buttons,
    statusLine,
    h("div", { class: "camera-body" }, preview, cues),
  );
  drawSource();
  draw();
  if (screen.cameras === null) {
    void api
      .listCameras()
      .then((list) => {
        screen.cameras = { list, error: null };
      })
      .catch((error) => {
        screen.cameras = { list: [], error };
      })
      .finally(() => {
        drawSource();
        draw();
      });
  }
  return panel;
}

/** Redraws the panel after a consent change (a withdrawal or a newly recorded consent). */
export function redrawCamera(): void {
  cameraState?.redraw();
}
