//! Sync with the HR system in the app: the background sender and the commands of the sync screen
//! and the connector settings, each a few lines over `copilot-core`.
//!
//! The sender starts when the store opens ([`SyncState::start`], from [`AppState::copilot`]) and
//! stops when the app exits ([`SyncState::stop`]). It makes one pass over the outbox (every row
//! due now, each claimed with a lease), then sleeps for [`POLL_EVERY`] or until a command wakes it
//! (a connector added or signed in again, a report resent), so a report finished in the window is
//! on its way within seconds and a retry is never sent before its time (the pass only claims rows
//! that are due). Stopping waits for a pass in flight at most [`STOP_WAIT`]; a row cut off then is
//! claimed again when its lease runs out, so nothing is lost.

use std::sync::{Arc, Mutex as StdMutex, PoisonError};
use std::time::Duration;

use copilot_core::{
    AssignedInterviewInfo, ConnectionTest, ConnectorInfo, Copilot, CoreError, ErrorCode,
    NewConnector, SecretStore, SyncRunReport, SyncSender, SyncStatus,
};
use tauri::State;
use tauri::async_runtime::JoinHandle;
use tokio::sync::{Notify, watch};

use crate::AppState;

type CommandResult<T> = Result<T, CoreError>;

/// The longest the sender sleeps between passes when nothing wakes it.
pub const POLL_EVERY: Duration = Duration::from_secs(5);
/// The sleep after a pass failed on the store itself (e.g. the disk is full).
pub const AFTER_FAILURE: Duration = Duration::from_secs(30);
/// How long exiting waits for a pass in flight before cutting it off.
pub const STOP_WAIT: Duration = Duration::from_secs(5);

/// The background sender and the keychain the sync commands use. Bounded: at most one sender.
#[derive(Default)]
pub struct SyncState {
    running: StdMutex<Option<Running>>,
}

struct Running {
    secrets: Arc<dyn SecretStore>,
    sender: Arc<SyncSender>,
    wake: Arc<Notify>,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

fn not_open() -> CoreError {
    CoreError::new(
        ErrorCode::Internal,
        "the HR sync has not started: the store is not open yet (restart the app if this stays)",
    )
}

impl SyncState {
    /// Starts the background sender over `copilot` unless one runs already.
    pub fn start(&self, copilot: &Copilot, secrets: Arc<dyn SecretStore>) {
        let mut slot = self.running.lock().unwrap_or_else(PoisonError::into_inner);
        if slot.is_some() {
            return;
        }
        let sender = Arc::new(copilot.sync_sender(secrets.clone()));
        let wake = Arc::new(Notify::new());
        let (stop, stopped) = watch::channel(false);
        let task =
            tauri::async_runtime::spawn(send_until_stopped(sender.clone(), wake.clone(), stopped));
        *slot = Some(Running {
            secrets,
            sender,
            wake,
            stop,
            task,
        });
    }

    /// Stops the background sender: waits for a pass in flight at most [`STOP_WAIT`].
    pub async fn stop(&self) {
        let running = self
            .running
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let Some(running) = running else { return };
        let _ = running.stop.send(true);
        let abort = running.task.inner().abort_handle();
        if tokio::time::timeout(STOP_WAIT, running.task).await.is_err() {
            abort.abort();
        }
    }

    /// Whether the background sender runs.
    pub fn is_running(&self) -> bool {
        self.running
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .is_some_and(|running| !running.task.inner().is_finished())
    }

    fn secrets(&self) -> CommandResult<Arc<dyn SecretStore>> {
        self.running
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .map(|running| running.secrets.clone())
            .ok_or_else(not_open)
    }

    /// Makes the sender forget a connector it built (its settings or secrets changed) and
    /// start a pass now.
    pub fn changed(&self, connector_id: Option<&str>) {
        if let Some(running) = self
            .running
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
        {
            if let Some(id) = connector_id {
                running.sender.forget(id);
            }
            running.wake.notify_one();
        }
    }
}

/// The background loop: a pass, then a sleep until woken, [`POLL_EVERY`] or the stop signal.
async fn send_until_stopped(
    sender: Arc<SyncSender>,
    wake: Arc<Notify>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        if *stop.borrow() {
            return;
        }
        let pause = match sender.run_once().await {
            Ok(_) => POLL_EVERY,
            Err(error) => {
                eprintln!(
                    "interview-copilot: HR sync: {error}; trying again in {} s",
                    AFTER_FAILURE.as_secs()
                );
                AFTER_FAILURE
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(pause) => {}
            _ = wake.notified() => {}
            changed = stop.changed() => {
                if changed.is_err() {
                    return;
                }
            }
        }
    }
}

/// The open app and the keychain the sync uses.
async fn open(state: &AppState) -> CommandResult<(Copilot, Arc<dyn SecretStore>)> {
    let copilot = state.copilot().await?;
    Ok((copilot, state.sync.secrets()?))
}

#[tauri::command]
pub async fn sync_status(state: State<'_, AppState>) -> CommandResult<SyncStatus> {
    let (copilot, secrets) = open(&state).await?;
    copilot.sync_status(&*secrets).await
}

/// "Sync now": pulls assigned interviews and sends everything due.
#[tauri::command]
pub async fn sync_now(state: State<'_, AppState>) -> CommandResult<SyncRunReport> {
    let (copilot, secrets) = open(&state).await?;
    copilot.sync_run_once(secrets).await
}

#[tauri::command]
pub async fn resend_report(state: State<'_, AppState>, report_id: String) -> CommandResult<u64> {
    let resent = state.copilot().await?.resend_report(&report_id).await?;
    state.sync.changed(None);
    Ok(resent)
}

#[tauri::command]
pub async fn list_connectors(state: State<'_, AppState>) -> CommandResult<Vec<ConnectorInfo>> {
    let (copilot, secrets) = open(&state).await?;
    copilot.list_connectors(&*secrets).await
}

#[tauri::command]
pub async fn add_connector(
    state: State<'_, AppState>,
    connector: NewConnector,
) -> CommandResult<ConnectorInfo> {
    let (copilot, secrets) = open(&state).await?;
    let added = copilot.add_connector(&*secrets, &connector).await?;
    state.sync.changed(Some(&added.id));
    Ok(added)
}

#[tauri::command]
pub async fn test_connector(
    state: State<'_, AppState>,
    connector_id: String,
) -> CommandResult<ConnectionTest> {
    let (copilot, secrets) = open(&state).await?;
    copilot.test_connector(&*secrets, &connector_id).await
}

/// "Sign in again": a new secret for the connector, which resumes it.
#[tauri::command]
pub async fn set_connector_secret(
    state: State<'_, AppState>,
    connector_id: String,
    name: String,
    value: String,
) -> CommandResult<ConnectorInfo> {
    let (copilot, secrets) = open(&state).await?;
    let info = copilot
        .set_connector_secret(&*secrets, &connector_id, &name, &value)
        .await?;
    state.sync.changed(Some(&connector_id));
    Ok(info)
}

#[tauri::command]
pub async fn resume_connector(
    state: State<'_, AppState>,
    connector_id: String,
) -> CommandResult<u64> {
    let resumed = state
        .copilot()
        .await?
        .resume_connector(&connector_id)
        .await?;
    state.sync.changed(Some(&connector_id));
    Ok(resumed)
}

#[tauri::command]
pub async fn assigned_interviews(
    state: State<'_, AppState>,
) -> CommandResult<Vec<AssignedInterviewInfo>> {
    state.copilot().await?.assigned_interviews().await
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::net::TcpListener;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Instant;

    use copilot_core::{AppConfig, MemorySecretStore};

    use super::*;

    /// A loopback HR server that answers 201 to everything; counts the reports posted to it.
    fn hr_server() -> (String, Arc<AtomicUsize>) {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let url = format!("http://{}", listener.local_addr().expect("local address"));
        let posted = Arc::new(AtomicUsize::new(0));
        let count = posted.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut request = Vec::new();
                let mut chunk = [0u8; 4096];
                // Headers, then the body by Content-Length.
                let (head, length) = loop {
                    let Ok(read) = stream.read(&mut chunk) else {
                        break (String::new(), 0);
                    };
                    if read == 0 {
                        break (String::new(), 0);
                    }
                    request.extend_from_slice(&chunk[..read]);
                    if let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&request[..end]).to_ascii_lowercase();
                        let length = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse::<usize>().ok())
                            .unwrap_or(0);
                        while request.len() < end + 4 + length {
                            match stream.read(&mut chunk) {
                                Ok(0) | Err(_) => break,
                                Ok(read) => request.extend_from_slice(&chunk[..read]),
                            }
                        }
                        break (head, length);
                    }
                };
                if head.starts_with("post /reports") && length > 0 {
                    count.fetch_add(1, Ordering::SeqCst);
                }
                let body = if head.starts_with("post") {
                    "{}"
                } else {
                    r#"{"interviews":[]}"#
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 201 Created\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        (url, posted)
    }

    async fn finish_demo_interview(copilot: &Copilot) -> String {
        let interview = copilot
            .create_demo_interview()
            .await
            .expect("demo interview");
        let session = copilot
            .start_session(&interview.id)
            .await
            .expect("start the interview");
        copilot
            .finish_session(session)
            .await
            .expect("finish the interview")
            .report_id
    }

    /// Polls the queue until `report_id` is delivered or `limit` passes.
    async fn delivered_within(
        copilot: &Copilot,
        secrets: &dyn SecretStore,
        report_id: &str,
        limit: Duration,
    ) -> bool {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            let status = copilot.sync_status(secrets).await.expect("sync status");
            if status
                .queue
                .iter()
                .any(|item| item.report_id == report_id && item.state == "delivered")
            {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
    }

    #[test]
    fn the_background_sender_delivers_new_reports_on_its_own_and_stops_on_request() {
        tauri::async_runtime::block_on(async {
            let dir = tempfile::tempdir().expect("a scratch folder");
            let memory = MemorySecretStore::default();
            let copilot = Copilot::open(&AppConfig::new(dir.path()), &memory)
                .await
                .expect("open a fresh store");
            let secrets: Arc<dyn SecretStore> = Arc::new(memory);
            let sync = SyncState::default();
            assert!(
                sync.secrets().is_err(),
                "no keychain before the store opens"
            );
            sync.start(&copilot, secrets.clone());
            sync.start(&copilot, secrets.clone());
            assert!(sync.is_running());

            // A report finished before any connector waits; adding one queues it, and the
            // wake-up the add command gives sends it.
            let earlier = finish_demo_interview(&copilot).await;
            let (url, posted) = hr_server();
            copilot
                .add_connector(
                    &*secrets,
                    &NewConnector {
                        id: "hr".into(),
                        name: "Loopback HR".into(),
                        config: serde_json::json!({ "kind": "rest", "base_url": url }),
                        secrets: [("token".to_string(), "app-test-token-41".to_string())].into(),
                    },
                )
                .await
                .expect("add the connector");
            sync.changed(Some("hr"));
            assert!(
                delivered_within(&copilot, &*secrets, &earlier, POLL_EVERY * 4).await,
                "the earlier report was not delivered after the connector was added"
            );

            // A report finished now goes out on the sender's own schedule, nobody asks.
            let later = finish_demo_interview(&copilot).await;
            assert!(
                delivered_within(&copilot, &*secrets, &later, POLL_EVERY * 4).await,
                "the new report was not delivered by the background sender"
            );
            assert_eq!(posted.load(Ordering::SeqCst), 2, "each report posted once");

            sync.stop().await;
            assert!(!sync.is_running(), "the sender still runs after stop");
            assert!(
                sync.secrets().is_err(),
                "the keychain handle outlived the sender"
            );
            // Stopping twice is harmless, and nothing is sent once stopped.
            sync.stop().await;
            let after = finish_demo_interview(&copilot).await;
            tokio::time::sleep(POLL_EVERY + Duration::from_secs(1)).await;
            let status = copilot.sync_status(&*secrets).await.expect("sync status");
            let row = status
                .queue
                .iter()
                .find(|item| item.report_id == after)
                .expect("the last report is queued");
            assert_eq!(row.state, "pending", "a stopped sender sent a report");
            assert_eq!(posted.load(Ordering::SeqCst), 2);
            copilot.close().await;
        });
    }
}
