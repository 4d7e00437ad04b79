//! Prints timings and sizes of the encrypted store on this machine (not a test: figures only).
//!
//! `cargo run -p copilot-store --example store_figures --release`

use std::path::Path;
use std::time::Instant;

use copilot_domain::JobDefinition;
use copilot_secrets::MemorySecretStore;
use copilot_store::{Opened, Store};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let folder = tempfile::tempdir()?;
    let path = folder.path().join("figures.db");
    let secrets = MemorySecretStore::new();
    let jobs_folder =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/interviews/jobs");
    let mut jobs: Vec<JobDefinition> = Vec::new();
    for entry in std::fs::read_dir(&jobs_folder)? {
        let path = entry?.path();
        if path.extension().is_some_and(|ext| ext == "json") {
            jobs.push(serde_json::from_str(&std::fs::read_to_string(&path)?)?);
        }
    }

    let started = Instant::now();
    let store = match Store::open(&path, &secrets).await? {
        Opened::Created { store, .. } => store,
        Opened::Existing(_) => anyhow::bail!("expected a new database"),
    };
    println!(
        "create (key, schema, link into place): {:?}",
        started.elapsed()
    );

    let started = Instant::now();
    store.save_jobs(&jobs).await?;
    println!(
        "save_jobs of {} fixture jobs (one transaction): {:?}",
        jobs.len(),
        started.elapsed()
    );

    let started = Instant::now();
    let rounds = 50;
    for round in 0..rounds {
        let mut job = jobs[0].clone();
        job.title.en = format!("Edited {round}");
        store.save_job(&job).await?;
    }
    println!(
        "save_job, new version each: {:?} per commit (synchronous=FULL)",
        started.elapsed() / rounds
    );

    let started = Instant::now();
    let listed = store.list_jobs().await?;
    println!("list_jobs ({} jobs): {:?}", listed.len(), started.elapsed());
    store.close().await;

    let started = Instant::now();
    let store = Store::open(&path, &secrets).await?.into_store();
    println!(
        "open existing (keychain, key check, migrations): {:?}",
        started.elapsed()
    );
    store.close().await;
    println!("file size: {} bytes", std::fs::metadata(&path)?.len());
    Ok(())
}
