//! The keys that seal credentials at rest: XChaCha20-Poly1305 (RustCrypto's `chacha20poly1305`)
//! with a fresh random 192-bit nonce per seal and the owner and credential id as associated
//! data, so a sealed payload moved to another row or user does not open. Every sealed value
//! names its key; the first configured key seals, all of them open, and `agentry keys rotate`
//! reseals what an older key sealed.

use std::collections::HashMap;
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};
use rand::RngCore;

use agentry_store::Sealed;

/// What is wrong with the configured keys, or with a sealed value.
#[derive(Debug, thiserror::Error)]
pub enum KeyringError {
    #[error(
        "encryption key {0:?} is not `KEY_ID:BASE64` with a 32-byte key (make one with \
         `agentry keys generate`)"
    )]
    BadKey(String),
    #[error("encryption key id {0:?} is configured twice")]
    DuplicateId(String),
    #[error("no encryption key is configured")]
    NoKeys,
    #[error("the key {0:?} that sealed this value is not configured")]
    UnknownKey(String),
    /// The ciphertext, its associated data or the key is not the one that sealed it.
    #[error("a sealed value does not open (tampered with, or sealed for another row)")]
    Open,
}

/// The configured keys; the first one seals.
pub struct Keyring {
    current: String,
    keys: HashMap<String, XChaCha20Poly1305>,
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut ids: Vec<_> = self.keys.keys().collect();
        ids.sort();
        write!(f, "Keyring(current {:?}, ids {ids:?})", self.current)
    }
}

impl Keyring {
    /// Keys as configured: `KEY_ID:BASE64` each (standard or URL-safe base64 of 32 bytes), the
    /// first the one that seals.
    pub fn parse<S: AsRef<str>>(specs: &[S]) -> Result<Keyring, KeyringError> {
        let mut keys = HashMap::new();
        let mut current = None;
        for spec in specs {
            let spec = spec.as_ref().trim();
            // The spec holds the key: errors name only its id.
            let (id, encoded) = spec
                .split_once(':')
                .ok_or_else(|| KeyringError::BadKey("<no key id>".into()))?;
            let id = id.trim();
            if id.is_empty()
                || !id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_".contains(c))
            {
                return Err(KeyringError::BadKey(id.to_string()));
            }
            let encoded = encoded.trim();
            let bytes = STANDARD
                .decode(encoded)
                .or_else(|_| URL_SAFE_NO_PAD.decode(encoded.trim_end_matches('=')))
                .map_err(|_| KeyringError::BadKey(id.to_string()))?;
            let cipher = XChaCha20Poly1305::new_from_slice(&bytes)
                .map_err(|_| KeyringError::BadKey(id.to_string()))?;
            if keys.insert(id.to_string(), cipher).is_some() {
                return Err(KeyringError::DuplicateId(id.to_string()));
            }
            current.get_or_insert_with(|| id.to_string());
        }
        Ok(Keyring {
            current: current.ok_or(KeyringError::NoKeys)?,
            keys,
        })
    }

    /// A new random key in the configured form, for `agentry keys generate`.
    pub fn generate_spec(id: &str) -> String {
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        format!("{id}:{}", STANDARD.encode(key))
    }

    /// The id of the key that seals.
    pub fn current_id(&self) -> &str {
        &self.current
    }

    /// Seals `plain` for the row `(user_id, record_id)` under the current key.
    pub fn seal(&self, user_id: &str, record_id: &str, plain: &[u8]) -> Sealed {
        let cipher = &self.keys[&self.current];
        let mut nonce = [0u8; 24];
        rand::rng().fill_bytes(&mut nonce);
        let aad = associated_data(user_id, record_id);
        let ciphertext = cipher
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: plain,
                    aad: &aad,
                },
            )
            .expect("XChaCha20-Poly1305 seals any payload that fits in memory");
        let mut out = Vec::with_capacity(nonce.len() + ciphertext.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ciphertext);
        Sealed {
            key_id: self.current.clone(),
            sealed: URL_SAFE_NO_PAD.encode(out),
        }
    }

    /// Opens what `seal` sealed for the same row.
    pub fn open(
        &self,
        user_id: &str,
        record_id: &str,
        sealed: &Sealed,
    ) -> Result<Vec<u8>, KeyringError> {
        let cipher = self
            .keys
            .get(&sealed.key_id)
            .ok_or_else(|| KeyringError::UnknownKey(sealed.key_id.clone()))?;
        let bytes = URL_SAFE_NO_PAD
            .decode(&sealed.sealed)
            .map_err(|_| KeyringError::Open)?;
        if bytes.len() < 24 {
            return Err(KeyringError::Open);
        }
        let (nonce, ciphertext) = bytes.split_at(24);
        let nonce = XNonce::try_from(nonce).map_err(|_| KeyringError::Open)?;
        let aad = associated_data(user_id, record_id);
        cipher
            .decrypt(
                &nonce,
                Payload {
                    msg: ciphertext,
                    aad: &aad,
                },
            )
            .map_err(|_| KeyringError::Open)
    }
}

fn associated_data(user_id: &str, record_id: &str) -> Vec<u8> {
    // Lengths first: ("ab","c") and ("a","bc") must differ.
    let mut aad = Vec::with_capacity(16 + user_id.len() + record_id.len());
    aad.extend_from_slice(&(user_id.len() as u64).to_be_bytes());
    aad.extend_from_slice(user_id.as_bytes());
    aad.extend_from_slice(&(record_id.len() as u64).to_be_bytes());
    aad.extend_from_slice(record_id.as_bytes());
    aad
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring(specs: &[String]) -> Keyring {
        Keyring::parse(specs).unwrap()
    }

    #[test]
    fn sealed_values_open_only_for_their_row_and_key() {
        let old = Keyring::generate_spec("old");
        let new = Keyring::generate_spec("new");
        let before = ring(std::slice::from_ref(&old));
        let sealed = before.seal("alice", "c1", b"sk-secret");
        assert_eq!(sealed.key_id, "old");
        assert!(!sealed.sealed.contains("sk-secret"));
        assert_eq!(before.open("alice", "c1", &sealed).unwrap(), b"sk-secret");
        assert!(matches!(
            before.open("bob", "c1", &sealed),
            Err(KeyringError::Open)
        ));
        assert!(matches!(
            before.open("alice", "c2", &sealed),
            Err(KeyringError::Open)
        ));
        assert!(matches!(
            before.open("alic", "ec1", &sealed),
            Err(KeyringError::Open)
        ));

        let mut tampered = sealed.clone();
        tampered.sealed.replace_range(
            40..41,
            if &tampered.sealed[40..41] == "A" {
                "B"
            } else {
                "A"
            },
        );
        assert!(matches!(
            before.open("alice", "c1", &tampered),
            Err(KeyringError::Open)
        ));

        // After rotation the new key seals and the old one still opens.
        let after = ring(&[new.clone(), old]);
        assert_eq!(after.open("alice", "c1", &sealed).unwrap(), b"sk-secret");
        assert_eq!(after.seal("alice", "c1", b"x").key_id, "new");
        // Without the old key its values name it.
        let only_new = ring(&[new]);
        assert!(matches!(
            only_new.open("alice", "c1", &sealed),
            Err(KeyringError::UnknownKey(id)) if id == "old"
        ));
        // Two seals of one value differ (fresh nonces).
        assert_ne!(
            after.seal("a", "b", b"x").sealed,
            after.seal("a", "b", b"x").sealed
        );
    }

    #[test]
    fn bad_keys_are_refused_without_echoing_them() {
        for spec in [
            "nokeyid",
            "k1:not base64!",
            "k1:c2hvcnQ=",
            ":AAAA",
            "k 1:AAAA",
        ] {
            let err = Keyring::parse(&[spec]).unwrap_err();
            assert!(matches!(err, KeyringError::BadKey(_)), "{spec}: {err}");
            let encoded = spec.split_once(':').map_or(spec, |(_, k)| k);
            assert!(
                encoded.len() < 4 || !err.to_string().contains(encoded),
                "{err}"
            );
        }
        let spec = Keyring::generate_spec("k1");
        assert!(matches!(
            Keyring::parse(&[spec.clone(), spec]),
            Err(KeyringError::DuplicateId(_))
        ));
        assert!(matches!(
            Keyring::parse::<&str>(&[]),
            Err(KeyringError::NoKeys)
        ));
    }
}
