//! The `models` subcommands, shared by the `copilot-models` binary and `copilot models ...`.

use crate::{Manifest, ModelError, ModelsDir, ensure, stderr_progress, verify};

/// Usage text for the `models` subcommands.
pub const USAGE: &str = "usage: models fetch <name>|all | models verify [<name>] | models list";

/// Run `fetch <name>|all`, `verify [<name>]` or `list` against `dir`. Results go to stdout, progress to stderr.
pub fn run(args: &[String], dir: &ModelsDir) -> Result<(), ModelError> {
    let manifest = Manifest::builtin()?;
    let all: Vec<String> = manifest.names().iter().map(|s| s.to_string()).collect();
    let pick = |arg: Option<&String>| -> Vec<String> {
        match arg.map(String::as_str) {
            None | Some("all") => all.clone(),
            Some(name) => vec![name.to_string()],
        }
    };
    match args.first().map(String::as_str) {
        Some("fetch") if args.len() == 2 => {
            for name in pick(args.get(1)) {
                let path = ensure(&name, dir, &mut |p| stderr_progress(p))?;
                println!("{name}\t{}", path.display());
            }
            Ok(())
        }
        Some("verify") if args.len() <= 2 => {
            let mut failures = Vec::new();
            for name in pick(args.get(1)) {
                match verify(&name, dir) {
                    Ok(path) => println!("ok\t{name}\t{}", path.display()),
                    Err(e) => {
                        println!("FAIL\t{name}\t{e}");
                        failures.push(name);
                    }
                }
            }
            if failures.is_empty() {
                Ok(())
            } else {
                Err(ModelError::Usage(format!(
                    "{} model(s) missing or corrupt: run `copilot models fetch <name>` for {}",
                    failures.len(),
                    failures.join(", ")
                )))
            }
        }
        Some("list") if args.len() == 1 => {
            println!("dir\t{}", dir.root().display());
            for m in &manifest.models {
                let state = match dir.locate(&m.name) {
                    Ok(_) => "present",
                    Err(ModelError::WrongPlatform { .. }) => "other-platform",
                    Err(_) => "missing",
                };
                println!(
                    "{}\t{:?}\t{}\t{} bytes\t{}\t{}",
                    m.name, m.kind, state, m.size, m.licence, m.description
                );
            }
            Ok(())
        }
        _ => Err(ModelError::Usage(USAGE.to_string())),
    }
}
