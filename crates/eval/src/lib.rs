//! Evaluation of the live engine against labelled interviews, shared by `copilot eval` and the
//! engine's tests.
//!
//! - [`fixture`]: the folder format of `tests/fixtures/interviews/README.md` (sessions with turn
//!   labels, audio timing files); jobs are [`copilot_domain::JobDefinition`]s;
//! - [`load`]: reading and checking a folder ([`load_folder`]), with errors that name the file and the fix;
//! - [`run`]: the engine over an interview, from its reference transcript ([`run_transcript`]) or
//!   from recognised segments of its recording ([`run_recognised`]);
//! - [`score`]: precision, recall and F1 of competencies asked and evidenced, STAR parts and key
//!   facts, and whether the uncovered set at the end is exact ([`Tally`], [`Figures`]).
//!
//! It runs no models and reads no clock: the speech pipeline that turns a recording into segments
//! lives in the caller (the CLI). The only I/O is reading the folder's files in [`load`].

pub mod fixture;
pub mod load;
pub mod run;
pub mod score;

pub use fixture::{AudioTiming, Interview};
pub use load::{AudioFixture, EvalError, Folder, LoadedInterview, load_folder};
pub use run::{Run, TurnRun, run_recognised, run_transcript, run_transcript_with};
pub use score::{Counts, Details, Figures, Prf, Tally};

/// Runs every interview of `folder` from its reference transcript and scores it.
pub fn evaluate_transcripts(folder: &Folder) -> Tally {
    let mut tally = Tally::default();
    for loaded in &folder.interviews {
        let job = folder.job(&loaded.interview);
        let run = run_transcript(&loaded.interview, job);
        tally.add(&loaded.interview, job, &run);
    }
    tally
}
