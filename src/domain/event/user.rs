//! `UserHash`: the only form in which a user id is kept (salted HMAC), and its `UserSalt`.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::EventError;

/// Secret salt for user-id hashing (from config/env). `Debug` never shows it.
#[derive(Clone)]
pub struct UserSalt(Vec<u8>);

impl UserSalt {
    pub const MIN_LEN: usize = 16;

    /// At least 16 bytes: a short salt would let anyone rebuild the id → hash table.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Result<Self, EventError> {
        let bytes = bytes.into();
        if bytes.len() < Self::MIN_LEN {
            return Err(EventError::SaltTooShort {
                min: Self::MIN_LEN,
                got: bytes.len(),
            });
        }
        Ok(UserSalt(bytes))
    }
}

impl fmt::Debug for UserSalt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("UserSalt(<redacted>)")
    }
}

/// Pseudonymous user id: HMAC-SHA-256(salt, raw id), first 128 bits as 32 hex digits.
/// Only `from_raw` makes one from an id; deserializing accepts an existing hash only.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UserHash(String);

impl UserHash {
    pub const HEX_LEN: usize = 32;

    /// Hashes the trimmed raw id; a blank id is no user (`None`), so anonymous events do
    /// not all count as one user. Ids are case-sensitive.
    pub fn from_raw(salt: &UserSalt, raw: &str) -> Option<UserHash> {
        let raw = raw.trim();
        if raw.is_empty() {
            return None;
        }
        let mac = hmac_sha256(&salt.0, raw.as_bytes());
        Some(UserHash(to_hex(&mac[..Self::HEX_LEN / 2])))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for UserHash {
    type Error = EventError;
    fn try_from(s: String) -> Result<Self, EventError> {
        let ok = s.len() == Self::HEX_LEN
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if ok {
            Ok(UserHash(s))
        } else {
            Err(EventError::BadUserHash)
        }
    }
}

impl From<UserHash> for String {
    fn from(h: UserHash) -> String {
        h.0
    }
}

impl fmt::Display for UserHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// HMAC-SHA-256 (RFC 2104), built on `sha2` to avoid another dependency.
pub(super) fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut k = [0u8; BLOCK];
    if key.len() > BLOCK {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| k.map(|b| b ^ byte);
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(msg)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
}

pub(super) fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
