//! 1,000 reports through a server injecting faults into 30 % of the requests, with the sending
//! process killed (`kill -9`, SIGKILL) mid-request in 5 % of them, then the faults stop:
//! 0 reports lost, 0 applied twice, all delivered. The figures are printed.

use std::collections::BTreeMap;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use copilot_secrets::{MemorySecretStore, SecretStore};
use copilot_store::{OutboxState, Store, keychain_key};
use copilot_sync::{RetryPolicy, SystemClock, connector_secret_key};
use tokio::sync::mpsc;

use crate::common::{World, sender};
use crate::server::{Config, Fault, FaultServer};

const TOKEN: &str = "tok-fault-run-0123456789";
const CHILD_DB: &str = "COPILOT_SYNC_CHILD_DB";
const CHILD_KEY: &str = "COPILOT_SYNC_CHILD_KEY";
const CHILD_TOKEN: &str = "COPILOT_SYNC_CHILD_TOKEN";
const REPORTS: usize = 1000;

fn test_policy() -> RetryPolicy {
    // The production rules with a faster clock: 50 ms doubling, capped at 2 s (1 h in the app).
    RetryPolicy {
        base: Duration::from_millis(50),
        cap: Duration::from_secs(2),
    }
}

/// Not a test of its own: the sending process the test below starts and kills. Without
/// `COPILOT_SYNC_CHILD_DB` it does nothing.
#[test]
fn sender_child_process() {
    let Ok(path) = std::env::var(CHILD_DB) else {
        return;
    };
    let key = std::env::var(CHILD_KEY).expect("key");
    let token = std::env::var(CHILD_TOKEN).expect("token");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async move {
        let path = std::path::PathBuf::from(path);
        let secrets = Arc::new(MemorySecretStore::new());
        let absolute = path.canonicalize().expect("database exists");
        secrets.set(&keychain_key(&absolute), &key).expect("memory");
        secrets
            .set(&connector_secret_key("hr", "token"), &token)
            .expect("memory");
        let store = Store::open(&path, &*secrets)
            .await
            .expect("the store opens")
            .into_store();
        let sender = sender(
            &store,
            Arc::new(SystemClock),
            u64::from(std::process::id()),
            secrets,
            test_policy(),
        );
        let (_keep, stop) = tokio::sync::watch::channel(false);
        sender.run(stop).await.expect("the sender runs");
    });
}

fn spawn_child(world: &World, key: &str) -> anyhow::Result<tokio::process::Child> {
    Ok(tokio::process::Command::new(std::env::current_exe()?)
        .args(["fault::sender_child_process", "--exact", "--nocapture"])
        .env(CHILD_DB, &world.path)
        .env(CHILD_KEY, key)
        .env(CHILD_TOKEN, TOKEN)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_reports_through_faults_and_kills_arrive_exactly_once() -> anyhow::Result<()> {
    let world = World::new().await?;
    let (kill_tx, mut kill_rx) = mpsc::channel(4);
    let mut config = Config::new(TOKEN);
    config.fault_rate = 0.30;
    config.kill_rate = 0.05;
    config.mix = Fault::random_mix(1);
    config.seed = 20_261_201;
    let server = FaultServer::start(config, Some(kill_tx)).await?;
    world.add_rest("hr", &server.url, TOKEN).await?;
    let ids = world.save_reports(REPORTS).await?;
    let key = world.key_hex();

    let started = Instant::now();
    let mut child = spawn_child(&world, &key)?;
    let (mut kills, mut crashes, mut pauses, mut resent) = (0u64, 0u64, 0u64, 0u64);
    let mut unauthorized_injected = false;
    let mut faults_on = true;
    let mut dead_when_faults_stopped = 0;
    let mut phase_one = Duration::ZERO;
    loop {
        tokio::select! {
            Some(done) = kill_rx.recv() => {
                // kill -9 in the middle of the request the server is holding.
                child.start_kill()?;
                child.wait().await?;
                kills += 1;
                let _ = done.send(());
                child = spawn_child(&world, &key)?;
            }
            () = tokio::time::sleep(Duration::from_millis(100)) => {
                if child.try_wait()?.is_some() {
                    crashes += 1;
                    child = spawn_child(&world, &key)?;
                }
                let counts = world.store.outbox_counts().await?;
                if !unauthorized_injected && counts.delivered >= 300 {
                    // 401 mid-run: the token "expires" until the user signs in again.
                    server.shared.unauthorized.store(true, std::sync::atomic::Ordering::SeqCst);
                    unauthorized_injected = true;
                }
                if world.store.connector("hr").await?.paused {
                    server.shared.unauthorized.store(false, std::sync::atomic::Ordering::SeqCst);
                    world.store.resume_connector("hr", chrono::Utc::now()).await?;
                    pauses += 1;
                }
                if faults_on && counts.pending + counts.sending + counts.paused == 0 && unauthorized_injected {
                    // Faults stop; the user resends the dead letters (422) after "fixing" them.
                    faults_on = false;
                    phase_one = started.elapsed();
                    server.set_faults(0.0, 0.0);
                    dead_when_faults_stopped = counts.dead;
                    for row in world.store.outbox().await? {
                        if row.state == OutboxState::Dead {
                            resent += world.store.resend(&row.report_id, None, chrono::Utc::now()).await?;
                        }
                    }
                }
                if !faults_on && counts.delivered == REPORTS as u64 {
                    break;
                }
                anyhow::ensure!(
                    started.elapsed() < Duration::from_secs(110),
                    "not done after 110 s: {counts:?}, kills {kills}, crashes {crashes}"
                );
            }
        }
    }
    child.start_kill()?;
    child.wait().await?;
    let elapsed = started.elapsed();

    // The ledger: every report applied exactly once, with the bytes the outbox holds.
    let ledger = server.ledger();
    let outbox = world.store.outbox().await?;
    let lost: Vec<&String> = ids
        .iter()
        .filter(|id| ledger.get(*id).is_none_or(|e| e.applied == 0))
        .collect();
    let twice: Vec<(&String, u32)> = ledger
        .iter()
        .filter(|(_, e)| e.applied > 1)
        .map(|(k, e)| (k, e.applied))
        .collect();
    let conflicts: u32 = ledger.values().map(|e| e.conflicts).sum();
    let replays: u32 = ledger.values().map(|e| e.replays).sum();
    for row in &outbox {
        assert_eq!(row.state, OutboxState::Delivered, "{}", row.report_id);
        assert_eq!(
            ledger[&row.report_id].body_sha256, row.payload_sha256,
            "the server got the stored bytes"
        );
    }
    let injected = server.injected();
    let total_faults: u64 = injected.values().sum();
    let log = server.log();
    let posts = log.iter().filter(|l| l.method == "POST").count();
    let answers: BTreeMap<String, usize> = log.iter().fold(BTreeMap::new(), |mut m, l| {
        *m.entry(l.answer.clone()).or_default() += 1;
        m
    });
    let attempts: u32 = outbox.iter().map(|r| r.attempts).sum();
    let replay_posts = answers.get("201 replay").copied().unwrap_or(0);
    let eligible = posts - replay_posts - kills as usize;
    let fault_share =
        (total_faults - injected.get("401").copied().unwrap_or(0)) as f64 / eligible as f64;
    println!("== 1,000-report fault run ==");
    println!(
        "reports: {REPORTS}; delivered: {}; lost: {}; applied twice: {}; same key with other bytes: {conflicts}",
        outbox.len(),
        lost.len(),
        twice.len()
    );
    println!(
        "POST requests: {posts}; attempts counted by the outbox: {attempts}; answered from the ledger (replays): {replays}"
    );
    println!("faults injected: {total_faults}: {injected:?}");
    println!(
        "random fault share of the POSTs the server decided on (not replays, not kills, without the mid-run 401s): {:.1} %",
        100.0 * fault_share
    );
    println!("server answers: {answers:?}");
    println!(
        "sender killed with SIGKILL mid-request: {kills} ({:.1} % of POSTs, {} before and {} after the server committed); sender crashes: {crashes}",
        100.0 * kills as f64 / posts as f64,
        answers.get("kill before commit").copied().unwrap_or(0),
        answers.get("kill after commit").copied().unwrap_or(0)
    );
    println!(
        "connector paused by 401 and resumed: {pauses}; dead letters (422) when faults stopped: {dead_when_faults_stopped}, resent: {resent}"
    );
    println!(
        "time: {:.1} s with faults, {:.1} s in all",
        phase_one.as_secs_f64(),
        elapsed.as_secs_f64()
    );
    assert!(lost.is_empty(), "lost: {lost:?}");
    assert!(twice.is_empty(), "applied twice: {twice:?}");
    assert_eq!(conflicts, 0);
    assert!(
        kills > 0 && pauses > 0 && total_faults > 0,
        "every kind of trouble happened"
    );
    assert!(
        (0.25..0.35).contains(&fault_share),
        "about 30 % faults: {fault_share}"
    );
    assert_eq!(kills, server.kills());
    Ok(())
}
