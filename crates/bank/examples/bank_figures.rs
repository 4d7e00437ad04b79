//! Prints sizes and timings of exporting and importing a bank at the default row limit
//! (20,000 questions), in every format: `cargo run -p copilot-bank --example bank_figures [--release]`.

use std::time::Instant;

use copilot_bank::{BankFormat, ImportLimits, bundled_library, export_bank, import_bank};

fn main() -> anyhow::Result<()> {
    let defaults = ImportLimits::default();
    // Every job here carries its whole competency model, so 20,000 rows outgrow the default file
    // size limits: measure with them raised, and say which default each file would break.
    let limits = ImportLimits {
        max_file_bytes: 1 << 30,
        max_decompressed_bytes: 1 << 30,
        ..defaults
    };
    let library = bundled_library();
    let per_copy: usize = library.iter().map(|job| job.questions.len()).sum();
    let copies = limits.max_rows as usize / per_copy;
    let jobs: Vec<_> = (0..copies)
        .flat_map(|copy| {
            library.iter().cloned().map(move |mut job| {
                job.id = format!("{}-{copy}", job.id);
                job
            })
        })
        .collect();
    let questions: usize = jobs.iter().map(|job| job.questions.len()).sum();
    println!("bank: {} jobs, {questions} questions (rows)", jobs.len());
    for format in [BankFormat::Json, BankFormat::Csv, BankFormat::Xlsx] {
        let started = Instant::now();
        let bytes = export_bank(&jobs, format)?;
        let exported = started.elapsed();
        let started = Instant::now();
        let name = format!("bank.{}", format.extension());
        let back = import_bank(&name, &bytes, &limits)?;
        let verdict = match import_bank(&name, &bytes, &defaults) {
            Ok(_) => "imports with the default limits".to_string(),
            Err(error) => format!(
                "default limits refuse it: {}",
                error.to_string().lines().next().unwrap_or_default()
            ),
        };
        let imported = started.elapsed();
        anyhow::ensure!(back == jobs, "{format:?} round trip lost data");
        println!(
            "{:>4}: {:>6.2} MiB, export {:>7.0} ms, import {:>7.0} ms; {verdict}",
            format.extension(),
            bytes.len() as f64 / (1024.0 * 1024.0),
            exported.as_secs_f64() * 1000.0,
            imported.as_secs_f64() * 1000.0,
        );
    }
    Ok(())
}
