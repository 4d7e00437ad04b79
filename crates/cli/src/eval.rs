//! `copilot eval <folder> [--audio]`: the live engine against a folder of labelled interviews (the
//! format of `tests/fixtures/interviews/README.md`), from the reference transcripts and, with
//! `--audio`, from each recording through the real speech pipeline (Silero VAD + whisper.cpp).
//! The loading, runs and scoring are `copilot-eval`'s; this module only runs the pipeline and prints.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use copilot_core::domain::Language;
use copilot_core::engine::{Speaker, TranscriptSegment};
use copilot_eval::{Figures, Folder, LoadedInterview, Tally};
use copilot_speech::{
    LanguageChoice, PipelineConfig, ReplayOptions, SpeechEvent, initial_prompt_for_job, replay_file,
};

#[derive(clap::Args)]
pub struct EvalArgs {
    /// A folder with jobs/, sessions/ and optionally audio/ (see tests/fixtures/interviews/README.md).
    folder: PathBuf,
    /// Also run every interview that has audio/<session>/ through the speech pipeline and score that.
    #[arg(long)]
    audio: bool,
    /// Whisper model for --audio (tiny.en, base); default by the interview's language.
    #[arg(long)]
    model: Option<String>,
    /// Print every disagreement with the labels (to standard error).
    #[arg(long)]
    verbose: bool,
}

/// The audio runs: their tally and the interviews left out.
struct AudioOutcome {
    tally: Tally,
    skipped: Vec<String>,
}

pub fn run(args: EvalArgs, json: bool) -> Result<()> {
    let folder = copilot_eval::load_folder(&args.folder)?;
    let transcripts = copilot_eval::evaluate_transcripts(&folder);
    let audio = if args.audio {
        Some(evaluate_audio(&folder, args.model.as_deref())?)
    } else {
        None
    };
    if args.verbose {
        for line in &transcripts.mismatches {
            eprintln!("[eval] transcript {line}");
        }
        for line in audio.iter().flat_map(|a| &a.tally.mismatches) {
            eprintln!("[eval] audio {line}");
        }
    }
    if let Some(a) = &audio
        && !a.skipped.is_empty()
    {
        eprintln!(
            "[eval] no audio for {} of {} interviews, skipped in the audio figures: {}",
            a.skipped.len(),
            folder.interviews.len(),
            a.skipped.join(", ")
        );
    }
    if json {
        let mut out = serde_json::to_value(transcripts.figures())?;
        if let Some(a) = &audio {
            // No recording at all: nothing was measured, say so rather than print perfect scores.
            out["audio"] = if a.tally.interviews == 0 {
                serde_json::Value::Null
            } else {
                serde_json::to_value(a.tally.figures())?
            };
        }
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    println!(
        "{}: {} interviews, {} jobs",
        args.folder.display(),
        folder.interviews.len(),
        folder.jobs.len()
    );
    println!();
    print_table("from the reference transcripts", &transcripts);
    if let Some(a) = &audio {
        println!();
        if a.tally.interviews == 0 {
            println!(
                "from the audio: no interview has audio/<session>/ (make it with make_audio.sh)"
            );
        } else {
            print_table(
                &format!(
                    "from the audio, through Silero VAD + whisper.cpp ({} of {} interviews)",
                    a.tally.interviews,
                    folder.interviews.len()
                ),
                &a.tally,
            );
        }
    }
    Ok(())
}

fn print_table(title: &str, tally: &Tally) {
    let f: Figures = tally.figures();
    let d = tally.details();
    let pct = |x: f64| format!("{:.1} %", 100.0 * x);
    println!("{title}");
    println!(
        "  {:<26} {:>9} {:>9} {:>9}",
        "", "precision", "recall", "F1"
    );
    for (name, prf) in [
        ("competencies asked", f.asked),
        ("competencies evidenced", f.evidenced),
        ("STAR parts", f.star),
        ("key facts", f.facts),
    ] {
        println!(
            "  {name:<26} {:>9} {:>9} {:>9}",
            pct(prf.precision),
            pct(prf.recall),
            pct(prf.f1)
        );
    }
    println!(
        "  uncovered set exact at the end: {} of {} interviews ({})",
        (f.uncovered_exact * f64::from(f.interviews)).round(),
        f.interviews,
        pct(f.uncovered_exact)
    );
    println!(
        "  also: bank question match {}, strength exact {} (within 1: {}), must-prompts found {}, prompt precision {}, end status {}",
        pct(d.bank_match),
        pct(d.strength_exact),
        pct(d.strength_within_1),
        pct(d.prompt_recall_must),
        pct(d.prompt_precision),
        pct(d.end_status)
    );
}

fn evaluate_audio(folder: &Folder, model: Option<&str>) -> Result<AudioOutcome> {
    let mut tally = Tally::default();
    let mut skipped = Vec::new();
    for loaded in &folder.interviews {
        let interview = &loaded.interview;
        let Some(audio) = folder.audio(interview)? else {
            skipped.push(interview.id.clone());
            continue;
        };
        let job = folder.job(interview);
        let started = Instant::now();
        let segments = recognise(loaded, folder, &audio.wav, model)?;
        eprintln!(
            "[eval] {}: {} segments from {} in {:.0} s",
            interview.id,
            segments.len(),
            audio.wav.display(),
            started.elapsed().as_secs_f64()
        );
        let run = copilot_eval::run_recognised(interview, job, &audio.timing, segments);
        tally.add(interview, job, &run);
    }
    Ok(AudioOutcome { tally, skipped })
}

/// The recording through the real pipeline, as fast as it runs, in the interview's language with a
/// prompt biased towards the job's keywords (as `copilot replay` does).
fn recognise(
    loaded: &LoadedInterview,
    folder: &Folder,
    wav: &std::path::Path,
    model: Option<&str>,
) -> Result<Vec<TranscriptSegment>> {
    let interview = &loaded.interview;
    let language = interview.language.code();
    let job_json = serde_json::to_value(folder.job(interview))?;
    let names: Vec<&str> = interview
        .candidate
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    let options = ReplayOptions {
        language: LanguageChoice::parse(language)?,
        model: model.map(str::to_string),
        initial_prompt: Some(initial_prompt_for_job(&job_json, language, &names)),
        pipeline: PipelineConfig {
            // Every utterance transcribed alone: an evaluation is not a live interview.
            merge_when_behind: false,
            ..PipelineConfig::default()
        },
        ..ReplayOptions::default()
    };
    let mut segments = Vec::new();
    let mut sink = |event: SpeechEvent| {
        if let SpeechEvent::Segment {
            speaker,
            start_ms,
            end_ms,
            text,
            language,
            ..
        } = event
        {
            segments.push(TranscriptSegment {
                speaker: match speaker.as_str() {
                    "interviewer" => Speaker::Interviewer,
                    "candidate" => Speaker::Candidate,
                    _ => Speaker::Unknown,
                },
                start_ms,
                end_ms,
                text,
                language: Language::parse(&language),
            });
        }
    };
    replay_file(wav, &options, &mut sink).with_context(|| {
        format!(
            "{} ({}) could not go through the speech pipeline: fetch the models with `copilot models fetch all` and check the WAV",
            wav.display(),
            loaded.path.display()
        )
    })?;
    Ok(segments)
}
