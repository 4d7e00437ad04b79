//! `cargo run -p copilot-speech --example replay -- <audio.wav> [--job J] [--language en|zh|auto] [--realtime]
//! [--model tiny.en|base]`: what `copilot replay` does, for use before the CLI wires it (and by
//! scripts/bench-speech.sh).

use anyhow::{Context, Result, bail};
use copilot_speech::{ReplayArgs, replay_main};

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let mut parsed = ReplayArgs {
        audio: Default::default(),
        job: None,
        language: "en".into(),
        realtime: false,
        model: None,
    };
    let mut audio = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--job" => parsed.job = Some(args.next().context("--job needs a file")?.into()),
            "--language" => {
                parsed.language = args.next().context("--language needs en, zh or auto")?
            }
            "--model" => parsed.model = Some(args.next().context("--model needs a name")?),
            "--realtime" => parsed.realtime = true,
            other if other.starts_with("--") => bail!("unknown option {other}"),
            other => audio = Some(other.into()),
        }
    }
    parsed.audio = audio.context(
        "usage: replay <audio.wav> [--job J] [--language en|zh|auto] [--realtime] [--model M]",
    )?;
    replay_main(parsed)
}
