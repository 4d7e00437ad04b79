//! `copilot-models fetch <name>|all`, `verify [name]`, `list`: the model manager on the command line.

use std::process::ExitCode;

use copilot_models::ModelsDir;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match copilot_models::cli::run(&args, &ModelsDir::resolve()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
