//! The 256-bit database key and its human-typable recovery form.
//!
//! A recovery key is the database key plus a 24-bit checksum (the first three bytes of its
//! SHA-256), 35 bytes written as 56 Crockford base32 symbols in 14 groups of four:
//! `7KQ2-M0XD-....`. Reading accepts lower case, spaces or no dashes, and Crockford's
//! look-alikes (`O` for `0`, `I`/`L` for `1`); a mistyped symbol fails the checksum (a chance
//! of one in 16.7 million to slip through) instead of opening nothing.

use std::fmt;

use rand::TryRngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, Zeroizing};

const KEY_BYTES: usize = 32;
const CHECKSUM_BYTES: usize = 3;
const PAYLOAD_BYTES: usize = KEY_BYTES + CHECKSUM_BYTES;
/// 35 bytes = 280 bits = 56 symbols of 5 bits.
const SYMBOLS: usize = PAYLOAD_BYTES * 8 / 5;
const GROUP: usize = 4;
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A 256-bit SQLCipher key. Zeroed on drop; `Debug` prints `***`.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct DatabaseKey(Zeroizing<[u8; KEY_BYTES]>);

impl fmt::Debug for DatabaseKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DatabaseKey(***)")
    }
}

impl DatabaseKey {
    /// A fresh key from the operating system's random number generator.
    pub(crate) fn generate() -> Result<DatabaseKey, rand::rand_core::OsError> {
        let mut key = Zeroizing::new([0u8; KEY_BYTES]);
        OsRng.try_fill_bytes(key.as_mut())?;
        Ok(DatabaseKey(key))
    }

    /// The form kept in the OS keychain: 64 lowercase hex digits.
    pub(crate) fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(self.0.as_ref()))
    }

    pub(crate) fn from_hex(text: &str) -> Option<DatabaseKey> {
        let mut key = Zeroizing::new([0u8; KEY_BYTES]);
        hex::decode_to_slice(text.trim(), key.as_mut()).ok()?;
        Some(DatabaseKey(key))
    }

    /// The value of `PRAGMA key`: a raw key (`x'..'`), so SQLCipher skips its password KDF.
    pub(crate) fn pragma_value(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("\"x'{}'\"", self.to_hex().as_str()))
    }

    pub(crate) fn recovery_key(&self) -> RecoveryKey {
        let mut payload = Zeroizing::new([0u8; PAYLOAD_BYTES]);
        payload[..KEY_BYTES].copy_from_slice(self.0.as_ref());
        payload[KEY_BYTES..].copy_from_slice(&checksum(&self.0));
        let symbols = encode_base32(payload.as_ref());
        let mut text = Zeroizing::new(String::with_capacity(SYMBOLS + SYMBOLS / GROUP));
        for (i, symbol) in symbols.iter().enumerate() {
            if i > 0 && i % GROUP == 0 {
                text.push('-');
            }
            text.push(char::from(*symbol));
        }
        RecoveryKey(text)
    }

    pub(crate) fn from_recovery_key(text: &str) -> Result<DatabaseKey, RecoveryKeyError> {
        let mut values = Zeroizing::new(Vec::with_capacity(SYMBOLS));
        for (position, c) in text.chars().enumerate() {
            if c == '-' || c.is_whitespace() {
                continue;
            }
            let value = match c.to_ascii_uppercase() {
                'O' => 0,
                'I' | 'L' => 1,
                upper => ALPHABET
                    .iter()
                    .position(|&symbol| char::from(symbol) == upper)
                    .ok_or(RecoveryKeyError::BadCharacter {
                        character: c,
                        position: position + 1,
                    })?,
            };
            values.push(value as u8);
        }
        if values.len() != SYMBOLS {
            return Err(RecoveryKeyError::WrongLength {
                found: values.len(),
            });
        }
        let payload = decode_base32(&values);
        let mut key = Zeroizing::new([0u8; KEY_BYTES]);
        key.copy_from_slice(&payload[..KEY_BYTES]);
        if payload[KEY_BYTES..] != checksum(&key) {
            return Err(RecoveryKeyError::ChecksumMismatch);
        }
        Ok(DatabaseKey(key))
    }
}

fn checksum(key: &[u8; KEY_BYTES]) -> [u8; CHECKSUM_BYTES] {
    let digest = Sha256::digest(key);
    [digest[0], digest[1], digest[2]]
}

fn encode_base32(bytes: &[u8]) -> Zeroizing<Vec<u8>> {
    let mut symbols = Zeroizing::new(Vec::with_capacity(SYMBOLS));
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            symbols.push(ALPHABET[((buffer >> bits) & 0x1f) as usize]);
        }
    }
    buffer.zeroize();
    symbols
}

/// `values` holds exactly [`SYMBOLS`] 5-bit values.
fn decode_base32(values: &[u8]) -> Zeroizing<Vec<u8>> {
    let mut bytes = Zeroizing::new(Vec::with_capacity(PAYLOAD_BYTES));
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for &value in values {
        buffer = (buffer << 5) | u32::from(value);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            bytes.push(((buffer >> bits) & 0xff) as u8);
        }
    }
    buffer.zeroize();
    bytes
}

/// The recovery key to show the user once, when a database is created. `Debug` prints `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct RecoveryKey(Zeroizing<String>);

impl RecoveryKey {
    /// The key as the user should write it down (`XXXX-XXXX-...`, 14 groups of 4).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for RecoveryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryKey(***)")
    }
}

/// Why a typed recovery key was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecoveryKeyError {
    #[error(
        "character '{character}' at position {position} is not used in recovery keys (they use 0-9 and A-Z without I, L, O, U): check what you typed"
    )]
    BadCharacter { character: char, position: usize },
    #[error(
        "it has {found} letters and digits, a recovery key has 56 (14 groups of 4): check for missing or extra characters"
    )]
    WrongLength { found: usize },
    #[error(
        "its checksum does not match, so a character is mistyped: compare it with your copy group by group"
    )]
    ChecksumMismatch,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(fill: impl Fn(usize) -> u8) -> DatabaseKey {
        let mut bytes = Zeroizing::new([0u8; KEY_BYTES]);
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = fill(i);
        }
        DatabaseKey(bytes)
    }

    #[test]
    fn recovery_keys_round_trip_and_have_the_documented_shape() {
        for database_key in [
            key(|_| 0),
            key(|_| 0xff),
            key(|i| i as u8),
            key(|i| (i as u8).wrapping_mul(37).wrapping_add(11)),
            DatabaseKey::generate().expect("the OS RNG works"),
        ] {
            let recovery = database_key.recovery_key();
            let text = recovery.expose();
            let groups: Vec<&str> = text.split('-').collect();
            assert_eq!(groups.len(), 14, "{text}");
            assert!(groups.iter().all(|g| g.len() == 4), "{text}");
            assert!(
                text.bytes().all(|b| b == b'-' || ALPHABET.contains(&b)),
                "{text}"
            );
            assert_eq!(
                DatabaseKey::from_recovery_key(text),
                Ok(database_key.clone())
            );
            // Lower case, spaces instead of dashes, and look-alikes are accepted.
            let relaxed = text
                .to_ascii_lowercase()
                .replace('-', " ")
                .replace('0', "o")
                .replace('1', "l");
            assert_eq!(DatabaseKey::from_recovery_key(&relaxed), Ok(database_key));
        }
    }

    #[test]
    fn every_single_symbol_typo_is_caught() {
        let database_key = key(|i| (i as u8).wrapping_mul(73).wrapping_add(5));
        let text = database_key.recovery_key().expose().replace('-', "");
        let mut caught = 0;
        for position in 0..text.len() {
            for &replacement in ALPHABET.iter() {
                let mut typo = text.clone().into_bytes();
                if typo[position] == replacement {
                    continue;
                }
                typo[position] = replacement;
                let typo = String::from_utf8(typo).expect("ascii");
                let result = DatabaseKey::from_recovery_key(&typo);
                assert!(result.is_err(), "typo at {position} accepted");
                caught += 1;
            }
        }
        assert_eq!(caught, 56 * 31);
    }

    #[test]
    fn malformed_recovery_keys_say_what_is_wrong() {
        let text = key(|i| i as u8).recovery_key().expose().to_string();
        assert_eq!(
            DatabaseKey::from_recovery_key(&text[..text.len() - 5]),
            Err(RecoveryKeyError::WrongLength { found: 52 })
        );
        let with_u = format!("U{}", &text[1..]);
        assert_eq!(
            DatabaseKey::from_recovery_key(&with_u),
            Err(RecoveryKeyError::BadCharacter {
                character: 'U',
                position: 1
            })
        );
    }

    #[test]
    fn hex_form_round_trips_and_debug_hides_keys() {
        let database_key = key(|i| i as u8 * 3);
        let hex = database_key.to_hex();
        assert_eq!(hex.len(), 64);
        assert_eq!(DatabaseKey::from_hex(&hex), Some(database_key.clone()));
        assert_eq!(DatabaseKey::from_hex("not hex"), None);
        assert_eq!(DatabaseKey::from_hex(&hex[..62]), None);
        let debug = format!("{database_key:?} {:?}", database_key.recovery_key());
        assert!(!debug.contains(&hex[..8]), "{debug}");
        assert_eq!(debug, "DatabaseKey(***) RecoveryKey(***)");
    }
}
