//! Retry timing: never before Retry-After (seconds or HTTP date), jitter that differs between
//! two clients, no retry of a non-retryable 4xx, and the decision for every status.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use copilot_store::OutboxState;
use copilot_sync::{AttemptError, Decision, ManualClock, RetryAfter, RetryPolicy};
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::common::{World, at, sender};
use crate::server::{Config, Fault, FaultServer};

const TOKEN: &str = "tok-timing-abcdef";

fn status(status: u16, retry_after: Option<RetryAfter>) -> AttemptError {
    AttemptError::Status {
        status,
        retry_after,
        reason: String::new(),
    }
}

#[test]
fn every_status_gets_its_rule() {
    let policy = RetryPolicy::default();
    let now = at(1, 9, 0);
    let mut rng = StdRng::seed_from_u64(1);
    for code in [408, 425, 429, 500, 502, 503, 504, 599] {
        assert!(
            matches!(
                policy.decide(&status(code, None), 1, now, &mut rng),
                Decision::Retry { .. }
            ),
            "{code} is retried"
        );
    }
    for code in [401, 403] {
        assert_eq!(
            policy.decide(&status(code, None), 1, now, &mut rng),
            Decision::Pause,
            "{code}"
        );
    }
    for code in [300, 400, 404, 409, 410, 413, 422] {
        assert_eq!(
            policy.decide(&status(code, None), 1, now, &mut rng),
            Decision::Dead,
            "{code}"
        );
    }
    for error in [
        AttemptError::Timeout {
            detail: String::new(),
        },
        AttemptError::Connect {
            detail: String::new(),
        },
        AttemptError::Transport {
            detail: String::new(),
        },
    ] {
        assert!(matches!(
            policy.decide(&error, 3, now, &mut rng),
            Decision::Retry { .. }
        ));
    }
}

#[test]
fn backoff_is_jittered_capped_and_never_before_retry_after() {
    let policy = RetryPolicy::default();
    let now = at(1, 9, 0);
    let mut rng = StdRng::seed_from_u64(9);
    for attempts in 1..60 {
        for retry_after in [
            None,
            Some(RetryAfter::Seconds(90)),
            Some(RetryAfter::Date(now + chrono::Duration::minutes(200))),
        ] {
            let Decision::Retry { at, not_before } =
                policy.decide(&status(503, retry_after), attempts, now, &mut rng)
            else {
                panic!("503 is retried");
            };
            let floor = retry_after.map(|r| r.earliest(now));
            assert_eq!(not_before, floor);
            if let Some(floor) = floor {
                assert!(at >= floor, "never before Retry-After");
            }
            let window = chrono::Duration::from_std(policy.window(attempts)).unwrap();
            assert!(
                at <= (now + window).max(floor.unwrap_or(now)) + chrono::Duration::milliseconds(1)
            );
            assert!(
                at - now <= chrono::Duration::hours(1) || floor.is_some(),
                "capped at an hour"
            );
        }
    }
}

#[tokio::test]
async fn never_before_retry_after_in_seconds_or_as_a_date() -> anyhow::Result<()> {
    let world = World::new().await?;
    let server = FaultServer::start(Config::new(TOKEN), None).await?;
    world.add_rest("hr", &server.url, TOKEN).await?;
    let t0 = at(2, 9, 0);
    let clock = Arc::new(ManualClock::new(t0));
    let sender = sender(
        &world.store,
        clock.clone(),
        1,
        world.secrets.clone(),
        RetryPolicy::default(),
    );
    world.save_reports(1).await?;
    server.script(&[Fault::TooManySeconds(120)]);
    sender.run_once().await?;
    assert_eq!(server.posts(), 1);
    let row = &world.store.outbox().await?[0];
    assert_eq!(row.last_status, Some(429));
    assert!(row.next_attempt_at >= t0 + chrono::Duration::seconds(120));
    clock.set(t0 + chrono::Duration::seconds(119));
    sender.run_once().await?;
    assert_eq!(server.posts(), 1, "not one second early, probes or not");
    clock.set(t0 + chrono::Duration::seconds(120));
    sender.run_once().await?;
    assert_eq!(server.posts(), 2);
    assert_eq!(world.store.outbox().await?[0].state, OutboxState::Delivered);

    // The HTTP-date form, relative to the server's clock (here the simulated one). Another
    // server: this one already has report rep-0000 and would answer from its ledger.
    let server = FaultServer::start(Config::new(TOKEN), None).await?;
    let world2 = World::new().await?;
    world2.add_rest("hr", &server.url, TOKEN).await?;
    world2.save_reports(1).await?;
    let sender2 = sender_for(&world2, clock.clone());
    let t1 = clock.now_for_tests();
    let until: DateTime<Utc> = t1 + chrono::Duration::minutes(10);
    server.script(&[Fault::TooManyDate(Some(until))]);
    sender2.run_once().await?;
    assert_eq!(server.posts(), 1);
    clock.set(until - chrono::Duration::seconds(1));
    sender2.run_once().await?;
    assert_eq!(server.posts(), 1);
    clock.set(until);
    sender2.run_once().await?;
    assert_eq!(server.posts(), 2);
    assert_eq!(
        world2.store.outbox().await?[0].state,
        OutboxState::Delivered
    );
    Ok(())
}

fn sender_for(world: &World, clock: Arc<ManualClock>) -> copilot_sync::Sender {
    sender(
        &world.store,
        clock,
        2,
        world.secrets.clone(),
        RetryPolicy::default(),
    )
}

trait NowForTests {
    fn now_for_tests(&self) -> DateTime<Utc>;
}

impl NowForTests for ManualClock {
    fn now_for_tests(&self) -> DateTime<Utc> {
        copilot_sync::Clock::now(self)
    }
}

#[tokio::test]
async fn two_clients_back_off_with_different_jitter() -> anyhow::Result<()> {
    let mut config = Config::new(TOKEN);
    config.fault_rate = 1.0;
    config.mix = vec![Fault::Status503];
    let server = FaultServer::start(config, None).await?;
    let t0 = at(3, 9, 0);
    let mut delays = Vec::new();
    for seed in [11, 12] {
        let world = World::new().await?;
        world.add_rest("hr", &server.url, TOKEN).await?;
        world.save_reports(6).await?;
        let clock = Arc::new(ManualClock::new(t0));
        let sender = sender(
            &world.store,
            clock.clone(),
            seed,
            world.secrets.clone(),
            RetryPolicy::default(),
        );
        // Three failed attempts each, the clock moved past the whole window in between.
        for _ in 0..3 {
            sender.run_once().await?;
            clock.advance(chrono::Duration::seconds(10));
        }
        let now = clock.now_for_tests();
        sender.run_once().await?;
        let rows = world.store.outbox().await?;
        let these: Vec<i64> = rows
            .iter()
            .map(|r| (r.next_attempt_at - now).num_milliseconds())
            .collect();
        for (row, delay) in rows.iter().zip(&these) {
            assert_eq!(row.attempts, 4);
            // The 4th failure: full jitter in [0, 2 s * 2^3].
            assert!((0..=16_000).contains(delay), "{delay}");
        }
        delays.push(these);
    }
    println!(
        "jittered delays after the 4th failure, client A: {:?} ms",
        delays[0]
    );
    println!(
        "jittered delays after the 4th failure, client B: {:?} ms",
        delays[1]
    );
    assert_ne!(delays[0], delays[1], "two clients do not retry in lockstep");
    let distinct: std::collections::BTreeSet<_> = delays.concat().into_iter().collect();
    assert!(
        distinct.len() >= 10,
        "the delays are spread out: {distinct:?}"
    );
    Ok(())
}

#[tokio::test]
async fn a_non_retryable_4xx_is_sent_once_and_kept_as_a_dead_letter() -> anyhow::Result<()> {
    let world = World::new().await?;
    let server = FaultServer::start(Config::new(TOKEN), None).await?;
    world.add_rest("hr", &server.url, TOKEN).await?;
    world.save_reports(1).await?;
    let clock = Arc::new(ManualClock::new(at(4, 9, 0)));
    let sender = sender(
        &world.store,
        clock.clone(),
        3,
        world.secrets.clone(),
        RetryPolicy::default(),
    );
    server.script(&[Fault::Unprocessable]);
    let summary = sender.run_once().await?;
    assert_eq!(summary.dead, 1);
    for _ in 0..5 {
        clock.advance(chrono::Duration::hours(2));
        sender.run_once().await?;
    }
    assert_eq!(server.posts(), 1, "never retried");
    let row = &world.store.outbox().await?[0];
    assert_eq!(row.state, OutboxState::Dead);
    assert_eq!(row.last_status, Some(422));
    assert!(
        row.last_error
            .as_deref()
            .unwrap_or_default()
            .contains("candidate is archived"),
        "{:?}",
        row.last_error
    );
    // The user resends it: same key, same bytes, delivered.
    world
        .store
        .resend(&row.report_id, None, clock.now_for_tests())
        .await?;
    sender.run_once().await?;
    assert_eq!(world.store.outbox().await?[0].state, OutboxState::Delivered);
    Ok(())
}
