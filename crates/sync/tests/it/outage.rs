//! The outbox survives an app restart and a simulated three-day outage (injected clock), and
//! delivery resumes within a minute of the server coming back, with the app's own settings
//! (2 s backoff doubling to 1 h, a check on the HR system every 30 s while reports wait).

use std::sync::Arc;
use std::time::Duration;

use copilot_store::{OutboxState, Store};
use copilot_sync::{Clock, HttpSettings, ManualClock, Sender, SenderConfig};
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::common::{World, at, factory};
use crate::server::{Config, FaultServer};

const TOKEN: &str = "tok-outage-xyz";

fn app_sender(store: &Store, clock: Arc<ManualClock>, world: &World, seed: u64) -> Sender {
    let http = HttpSettings {
        connect_timeout: Duration::from_millis(500),
        timeout: Duration::from_millis(700),
    };
    Sender::new(
        store.clone(),
        clock,
        StdRng::seed_from_u64(seed),
        SenderConfig::default(),
        factory(world.secrets.clone(), http),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_days_offline_then_delivered_within_a_minute() -> anyhow::Result<()> {
    let world = World::new().await?;
    let server = FaultServer::start(Config::new(TOKEN), None).await?;
    world.add_rest("hr", &server.url, TOKEN).await?;
    world.save_reports(20).await?;
    server
        .shared
        .down
        .store(true, std::sync::atomic::Ordering::SeqCst);

    let start = at(5, 8, 0);
    let clock = Arc::new(ManualClock::new(start));
    let mut store = world.store.clone();
    let mut sender = app_sender(&store, clock.clone(), &world, 1);
    let outage = chrono::Duration::days(3);
    let step = chrono::Duration::minutes(5);
    let mut restarted = false;
    while clock.now() - start < outage {
        sender.run_once().await?;
        if !restarted && clock.now() - start > chrono::Duration::days(1) {
            // The app is closed and opened again in the middle of the outage.
            store.clone().close().await;
            store = Store::open(&world.path, &*world.secrets)
                .await?
                .into_store();
            sender = app_sender(&store, clock.clone(), &world, 2);
            restarted = true;
        }
        clock.advance(step);
    }
    let rows = store.outbox().await?;
    assert_eq!(rows.len(), 20, "nothing lost over the restart");
    for row in &rows {
        assert_eq!(
            row.state,
            OutboxState::Pending,
            "still waiting, not given up"
        );
        let last = row.last_attempt_at.expect("attempted");
        assert!(
            row.next_attempt_at - last <= chrono::Duration::hours(1) + chrono::Duration::seconds(1),
            "backoff capped at an hour"
        );
        assert!(
            row.attempts >= 70,
            "kept trying for three days: {}",
            row.attempts
        );
    }
    let attempts: u32 = rows.iter().map(|r| r.attempts).sum();
    assert_eq!(server.ledger().len(), 0);

    // The server comes back; the simulated clock moves 5 s per pass.
    server
        .shared
        .down
        .store(false, std::sync::atomic::Ordering::SeqCst);
    let back = clock.now();
    let mut delivered_at = None;
    while clock.now() - back <= chrono::Duration::minutes(5) {
        sender.run_once().await?;
        if store.outbox_counts().await?.delivered == 20 {
            delivered_at = Some(clock.now());
            break;
        }
        clock.advance(chrono::Duration::seconds(5));
    }
    let delivered_at = delivered_at.expect("delivered after the outage");
    let resumed = delivered_at - back;
    println!(
        "3-day outage: {attempts} attempts over 20 reports while down; all delivered {} s after the server came back",
        resumed.num_seconds()
    );
    assert!(
        resumed <= chrono::Duration::minutes(1),
        "resumed in {resumed}"
    );
    assert!(server.ledger().values().all(|e| e.applied == 1));
    Ok(())
}
