//! Cue smoothing on scripted per-frame sequences (10 fps), rendered as text and snapshotted.

use copilot_vision::cues::{
    CueConfig, CueEvent, CueTracker, ExpressionSignal, FaceSignal, Observation,
};

/// A script: runs of `count` frames of one kind. Kinds: `f` face looking at the camera, `n` no face,
/// `t` turned face, `x` tense face, `h` happy face, `d` dark frame with a face, `s` small face,
/// `j` a face with flickering expression (tense every other frame).
fn script(parts: &[(char, usize)]) -> Vec<Observation> {
    let mut out = Vec::new();
    let mut i = 0u64;
    for &(kind, count) in parts {
        for k in 0..count {
            let face = |turn: f32, negative: f32, happy: f32, size: f32| {
                Some(FaceSignal {
                    height_fraction: size,
                    turn,
                    expression: Some(ExpressionSignal { negative, happy }),
                })
            };
            let (luma, face) = match kind {
                'f' => (120.0, face(0.05, 0.1, 0.2, 0.4)),
                'n' => (110.0, None),
                't' => (120.0, face(0.9, 0.1, 0.2, 0.3)),
                'x' => (120.0, face(0.0, 0.8, 0.05, 0.4)),
                'h' => (120.0, face(0.0, 0.05, 0.9, 0.4)),
                'd' => (20.0, face(0.0, 0.1, 0.2, 0.4)),
                's' => (120.0, face(0.0, 0.1, 0.2, 0.05)),
                'j' => (
                    120.0,
                    face(0.0, if k % 2 == 0 { 0.9 } else { 0.0 }, 0.1, 0.4),
                ),
                other => panic!("unknown script kind {other}"),
            };
            out.push(Observation {
                time_ms: i * 100,
                mean_luma: luma,
                face,
            });
            i += 1;
        }
    }
    out
}

fn render(config: CueConfig, obs: &[Observation]) -> String {
    let mut tracker = CueTracker::new(config);
    let mut lines = Vec::new();
    let mut log = |events: Vec<CueEvent>, at: u64| {
        for e in events {
            let (what, c) = match e {
                CueEvent::Started(c) => ("start", c),
                CueEvent::Ended(c) => ("end  ", c),
            };
            lines.push(format!(
                "t={at:>5} {what} {:<14} span {:>5}-{:>5} ms  confidence {:.2}",
                c.kind.name(),
                c.start_ms,
                c.end_ms,
                c.confidence
            ));
        }
    };
    let mut last = 0;
    for o in obs {
        log(tracker.push(*o), o.time_ms);
        last = o.time_ms;
    }
    log(tracker.finish(), last);
    if lines.is_empty() {
        "no cues".to_string()
    } else {
        lines.join("\n")
    }
}

#[test]
fn steady_face_gives_no_cue() {
    insta::assert_snapshot!(render(CueConfig::default(), &script(&[('f', 100)])), @"no cues");
}

#[test]
fn a_short_absence_is_ignored_a_long_one_is_a_cue() {
    let out = render(
        CueConfig::default(),
        &script(&[('f', 40), ('n', 10), ('f', 40), ('n', 60), ('f', 50)]),
    );
    insta::assert_snapshot!("absence", out);
}

#[test]
fn turned_away_dark_and_small_face() {
    let out = render(
        CueConfig::default(),
        &script(&[
            ('f', 30),
            ('t', 50),
            ('f', 40),
            ('d', 50),
            ('f', 40),
            ('s', 50),
            ('f', 40),
        ]),
    );
    insta::assert_snapshot!("quality_and_turn", out);
}

#[test]
fn sustained_tension_and_ease_but_not_flicker() {
    let out = render(
        CueConfig::default(),
        &script(&[
            ('f', 30),
            ('x', 60),
            ('f', 40),
            ('h', 60),
            ('f', 40),
            ('j', 60),
            ('f', 30),
        ]),
    );
    insta::assert_snapshot!("expressions", out);
}

#[test]
fn no_expression_cues_when_they_are_off() {
    let config = CueConfig {
        expression_cues: false,
        ..CueConfig::default()
    };
    let out = render(
        config,
        &script(&[('f', 30), ('x', 60), ('h', 60), ('n', 40)]),
    );
    assert!(!out.contains("tension") && !out.contains("ease"), "{out}");
    assert!(out.contains("face_absent"), "{out}");
}

#[test]
fn switching_expression_cues_off_ends_them_at_once() {
    let mut tracker = CueTracker::new(CueConfig::default());
    let obs = script(&[('x', 60), ('x', 20)]);
    let mut started = false;
    for o in &obs[..60] {
        started |= tracker
            .push(*o)
            .iter()
            .any(|e| matches!(e, CueEvent::Started(c) if c.kind.name() == "tension"));
    }
    assert!(started);
    let ended = tracker.set_expression_cues(false);
    assert!(matches!(ended.as_slice(), [CueEvent::Ended(c)] if c.kind.name() == "tension"));
    for o in &obs[60..] {
        assert!(
            tracker.push(*o).is_empty(),
            "no tension cue after the switch"
        );
    }
    assert!(tracker.active().is_empty());
}

#[test]
fn window_is_bounded_and_time_going_backwards_is_ignored() {
    let config = CueConfig {
        max_window_frames: 8,
        ..CueConfig::default()
    };
    let mut tracker = CueTracker::new(config);
    // 1000 fps: the window holds at most 8 frames, so it never spans 3 s and no cue starts.
    for i in 0..5000u64 {
        let events = tracker.push(Observation {
            time_ms: i,
            mean_luma: 100.0,
            face: None,
        });
        assert!(events.is_empty());
    }
    let back = tracker.push(Observation {
        time_ms: 10,
        mean_luma: 0.0,
        face: None,
    });
    assert!(back.is_empty());
}
