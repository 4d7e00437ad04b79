//! Opening, creating and recovering the encrypted database without ever harming an existing file.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use copilot_secrets::{SecretKey, SecretStore};
use sqlx::ConnectOptions;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::error::{SQLITE_NOTADB, from_io, from_sqlx, sqlite_code};
use crate::recovery::DatabaseKey;
use crate::{Opened, Store, StoreError};

/// The keychain service every database key is stored under.
pub const KEYCHAIN_SERVICE: &str = "interview-copilot";

/// What every SQLite file starts with when it is not encrypted.
const PLAINTEXT_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// Connections per pool: one writer at a time in SQLite, a few readers alongside in WAL mode.
const MAX_CONNECTIONS: u32 = 4;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The keychain entry holding the key of the database at `path` (an absolute path).
pub fn keychain_key(absolute_path: &Path) -> SecretKey {
    SecretKey::new(
        KEYCHAIN_SERVICE,
        format!("database-key:{}", absolute_path.display()),
    )
}

/// The absolute form of `path`, resolving symbolic links in the folder part when it exists, so
/// that the keychain entry does not depend on the working directory.
pub(crate) fn absolute(path: &Path) -> Result<PathBuf, StoreError> {
    let absolute = std::path::absolute(path).map_err(|error| from_io(path, "resolving", &error))?;
    if let Ok(canonical) = absolute.canonicalize() {
        return Ok(canonical);
    }
    match (absolute.parent(), absolute.file_name()) {
        (Some(parent), Some(name)) => match parent.canonicalize() {
            Ok(parent) => Ok(parent.join(name)),
            Err(_) => Ok(absolute),
        },
        _ => Err(StoreError::NotAFile { path: absolute }),
    }
}

enum Existing {
    Absent,
    Encrypted,
}

/// Looks at the first bytes of `path` without changing anything.
fn inspect(path: &Path) -> Result<Existing, StoreError> {
    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Existing::Absent),
        Err(error) => return Err(from_io(path, "reading", &error)),
    };
    if !metadata.is_file() {
        return Err(StoreError::NotAFile {
            path: path.to_path_buf(),
        });
    }
    if metadata.len() == 0 {
        return Err(StoreError::EmptyFile {
            path: path.to_path_buf(),
        });
    }
    let mut header = Vec::with_capacity(PLAINTEXT_HEADER.len());
    std::fs::File::open(path)
        .and_then(|file| {
            file.take(PLAINTEXT_HEADER.len() as u64)
                .read_to_end(&mut header)
        })
        .map_err(|error| from_io(path, "reading", &error))?;
    if header == PLAINTEXT_HEADER {
        return Err(StoreError::PlaintextDatabase {
            path: path.to_path_buf(),
        });
    }
    Ok(Existing::Encrypted)
}

fn connect_options(path: &Path, key: &DatabaseKey, create: bool) -> SqliteConnectOptions {
    // sqlx sends the pragmas in a fixed order with `key` first (it is the first entry of
    // SqliteConnectOptions' pragma map), as SQLCipher requires; the tests check a pool of
    // several connections with the right and a wrong key.
    SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(create)
        .pragma("key", key.pragma_value().to_string())
        .journal_mode(SqliteJournalMode::Wal)
        // FULL: every commit is synced, so a power cut never loses a committed interview.
        // Commits are rare (a few per interview), so the fsync per commit costs nothing noticeable.
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10))
        // The first statement of every connection holds the key: never log statements.
        .disable_statement_logging()
}

async fn connect(path: &Path, key: &DatabaseKey, create: bool) -> Result<SqlitePool, sqlx::Error> {
    let pool = SqlitePoolOptions::new()
        .max_connections(MAX_CONNECTIONS)
        .connect_with(connect_options(path, key, create))
        .await?;
    // The pragmas already read the header; this proves the schema pages decrypt too.
    sqlx::query("SELECT count(*) FROM sqlite_master")
        .execute(&pool)
        .await?;
    Ok(pool)
}

/// Opens the encrypted database at `path` with `key` and brings its schema up to date.
/// `wrong_key` is the error for "file is not a database".
async fn open_with_key(
    path: &Path,
    key: &DatabaseKey,
    wrong_key: impl FnOnce() -> StoreError,
) -> Result<Store, StoreError> {
    let pool = match connect(path, key, false).await {
        Ok(pool) => pool,
        Err(error) if sqlite_code(&error) == Some(SQLITE_NOTADB) => return Err(wrong_key()),
        Err(error) => return Err(from_sqlx(path, "opening", error)),
    };
    if let Err(error) = MIGRATOR.run(&pool).await {
        pool.close().await;
        return Err(match error {
            sqlx::migrate::MigrateError::VersionMissing(migration) => StoreError::NewerSchema {
                path: path.to_path_buf(),
                migration,
            },
            sqlx::migrate::MigrateError::Execute(error)
            | sqlx::migrate::MigrateError::ExecuteMigration(error, _) => {
                from_sqlx(path, "updating the schema", error)
            }
            other => StoreError::Migration {
                path: path.to_path_buf(),
                detail: other.to_string(),
            },
        });
    }
    Ok(Store::from_pool(pool, path.to_path_buf()))
}

fn keychain_error(path: &Path, source: copilot_secrets::SecretError) -> StoreError {
    StoreError::Keychain {
        path: path.to_path_buf(),
        source,
    }
}

pub(crate) async fn open(path: &Path, secrets: &dyn SecretStore) -> Result<Opened, StoreError> {
    let path = absolute(path)?;
    match inspect(&path)? {
        Existing::Encrypted => {
            let key = read_key(&path, secrets)?;
            let store =
                open_with_key(&path, &key, || StoreError::WrongKey { path: path.clone() }).await?;
            Ok(Opened::Existing(store))
        }
        Existing::Absent => {
            let key = DatabaseKey::generate().map_err(|error| StoreError::Randomness {
                detail: error.to_string(),
            })?;
            create(&path, &key, secrets).await?;
            let store =
                open_with_key(&path, &key, || StoreError::WrongKey { path: path.clone() }).await?;
            Ok(Opened::Created {
                store,
                recovery_key: key.recovery_key(),
            })
        }
    }
}

fn read_key(path: &Path, secrets: &dyn SecretStore) -> Result<DatabaseKey, StoreError> {
    let stored = secrets
        .get(&keychain_key(path))
        .map_err(|error| keychain_error(path, error))?
        .ok_or_else(|| StoreError::KeyNotInKeychain {
            path: path.to_path_buf(),
        })?;
    DatabaseKey::from_hex(stored.expose()).ok_or_else(|| StoreError::KeyInKeychainDamaged {
        path: path.to_path_buf(),
    })
}

/// Stores `key` in the keychain, then builds the database under a temporary name next to `path`
/// and links it into place only when complete, so `path` never holds a half-made database or
/// one whose key is not in the keychain.
async fn create(
    path: &Path,
    key: &DatabaseKey,
    secrets: &dyn SecretStore,
) -> Result<(), StoreError> {
    let folder = path.parent().ok_or_else(|| StoreError::NotAFile {
        path: path.to_path_buf(),
    })?;
    std::fs::create_dir_all(folder).map_err(|error| from_io(path, "creating", &error))?;

    let entry = keychain_key(path);
    secrets
        .set(&entry, &key.to_hex())
        .map_err(|error| keychain_error(path, error))?;
    let kept = secrets
        .get(&entry)
        .map_err(|error| keychain_error(path, error))?;
    if kept.as_ref().map(|value| value.expose()) != Some(key.to_hex().as_str()) {
        return Err(StoreError::KeychainDidNotKeep {
            backend: secrets.backend_name(),
            path: path.to_path_buf(),
        });
    }

    let file_name = path
        .file_name()
        .ok_or_else(|| StoreError::NotAFile {
            path: path.to_path_buf(),
        })?
        .to_string_lossy();
    let suffix = DatabaseKey::generate()
        .map(|random| random.to_hex()[..12].to_string())
        .map_err(|error| StoreError::Randomness {
            detail: error.to_string(),
        })?;
    let temporary = folder.join(format!(".{file_name}.creating-{suffix}"));

    let built = build(&temporary, key).await;
    let placed = built.and_then(|()| {
        // A hard link fails instead of replacing a file that appeared meanwhile.
        std::fs::hard_link(&temporary, path)
            .or_else(|error| {
                if path.exists() {
                    Err(error)
                } else {
                    // File systems without hard links (FAT, some network shares).
                    std::fs::rename(&temporary, path)
                }
            })
            .map_err(|error| from_io(path, "creating", &error))
    });
    remove_with_sidecars(&temporary);
    if placed.is_err() {
        // No database holds this key; do not leave it behind. A failure here changes nothing.
        let _ = secrets.delete(&entry);
    }
    placed
}

async fn build(temporary: &Path, key: &DatabaseKey) -> Result<(), StoreError> {
    let pool = connect(temporary, key, true)
        .await
        .map_err(|error| from_sqlx(temporary, "creating", error))?;
    let migrated = MIGRATOR.run(&pool).await;
    // Closing the last connection checkpoints the WAL into the main file and removes it.
    pool.close().await;
    migrated.map_err(|error| StoreError::Migration {
        path: temporary.to_path_buf(),
        detail: error.to_string(),
    })
}

/// Removes a file this crate created, with SQLite's companion files. Missing files are fine.
fn remove_with_sidecars(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(name));
    }
}

pub(crate) async fn recover(
    path: &Path,
    secrets: &dyn SecretStore,
    recovery_key: &str,
) -> Result<Store, StoreError> {
    let key = DatabaseKey::from_recovery_key(recovery_key)?;
    let path = absolute(path)?;
    match inspect(&path)? {
        Existing::Absent => Err(StoreError::NoDatabase { path }),
        Existing::Encrypted => {
            let store = open_with_key(&path, &key, || StoreError::RecoveryKeyDoesNotMatch {
                path: path.clone(),
            })
            .await?;
            if let Err(error) = secrets.set(&keychain_key(&path), &key.to_hex()) {
                store.close().await;
                return Err(keychain_error(&path, error));
            }
            Ok(store)
        }
    }
}
