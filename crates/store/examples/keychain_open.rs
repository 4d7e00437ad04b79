//! Opens (or creates) a database with its key in the real OS keychain and prints what happened.
//! Run it twice on the same path to see the second process open what the first created:
//!
//! `crates/secrets/tests/with-secret-service.sh sh -c 'cargo run -p copilot-store --example keychain_open -- /tmp/k.db; cargo run -p copilot-store --example keychain_open -- /tmp/k.db'`

use std::path::PathBuf;

use copilot_secrets::KeychainSecretStore;
use copilot_store::{Opened, Store};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let path = PathBuf::from(
        std::env::args()
            .nth(1)
            .ok_or_else(|| anyhow::anyhow!("usage: keychain_open <database path>"))?,
    );
    let secrets = KeychainSecretStore::connect()?;
    match Store::open(&path, &secrets).await? {
        Opened::Created { store, .. } => {
            store
                .set_setting("created_by", &std::process::id().to_string())
                .await?;
            println!(
                "created {} (recovery key not shown)",
                store.path().display()
            );
            store.close().await;
        }
        Opened::Existing(store) => {
            let creator = store.setting("created_by").await?;
            println!(
                "opened existing {} created by process {}",
                store.path().display(),
                creator.unwrap_or_default()
            );
            store.close().await;
        }
    }
    Ok(())
}
