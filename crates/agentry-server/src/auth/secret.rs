//! The secrets of accounts, all through maintained crates: argon2id password hashes and the
//! password policy, random tokens, SHA-256 of refresh tokens, HMAC-SHA256 of API keys, and
//! constant-time comparison (`subtle`).

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// API keys start with this, so that they are recognisable in code and in secret scanners.
pub const API_KEY_PREFIX: &str = "agk_";
pub const MIN_PASSWORD_LEN: usize = 10;
pub const MAX_PASSWORD_LEN: usize = 256;

/// Argon2id with OWASP's minimum (19 MiB, 2 passes, 1 lane).
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Why a password is refused, in words for the user.
pub fn password_problem(password: &str, email: &str) -> Option<String> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_LEN {
        return Some(format!(
            "the password is too short: use at least {MIN_PASSWORD_LEN} characters"
        ));
    }
    if chars > MAX_PASSWORD_LEN {
        return Some(format!(
            "the password is too long: use at most {MAX_PASSWORD_LEN} characters"
        ));
    }
    if password.trim().is_empty()
        || password
            .chars()
            .all(|c| c == password.chars().next().unwrap_or(' '))
    {
        return Some("the password is one character repeated".into());
    }
    let local = email.split('@').next().unwrap_or_default();
    if password.eq_ignore_ascii_case(email)
        || (!local.is_empty() && password.eq_ignore_ascii_case(local))
    {
        return Some("the password is the email address".into());
    }
    None
}

/// An argon2id PHC string for `password`, with a fresh salt.
pub fn hash_password(password: &str) -> String {
    argon2()
        .hash_password(password.as_bytes())
        .expect("argon2 hashes any password with valid parameters")
        .to_string()
}

/// Whether `password` matches the PHC string `hash` (false for a malformed hash).
pub fn verify_password(password: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// `bytes` random bytes, base64url without padding.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

/// Lower-case hex HMAC-SHA256 of `text` under `key`.
pub fn hmac_hex(key: &[u8], text: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(text.as_bytes());
    hex(&mac.finalize().into_bytes())
}

/// Equality that takes the same time wherever the inputs differ.
pub fn same(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A new API key: its public id (stored, shown in lists) and the whole key (shown once).
pub fn new_api_key() -> (String, String) {
    let id = random_token(6).replace(['-', '_'], "x");
    let key = format!("{API_KEY_PREFIX}{id}_{}", random_token(32));
    (id, key)
}

/// The public id inside an API key, when the text has the key's shape.
pub fn api_key_id(key: &str) -> Option<&str> {
    let rest = key.strip_prefix(API_KEY_PREFIX)?;
    let (id, secret) = rest.split_once('_')?;
    (id.len() == 8 && !secret.is_empty()).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let hash = hash_password("correct horse battery");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse battery!", &hash));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[test]
    fn policy_names_the_problem() {
        assert!(
            password_problem("short", "a@b.c")
                .unwrap()
                .contains("too short")
        );
        assert!(
            password_problem("aaaaaaaaaaaa", "a@b.c")
                .unwrap()
                .contains("repeated")
        );
        assert!(password_problem("ada@example.com", "ada@example.com").is_some());
        assert!(password_problem("a fine long passphrase", "ada@example.com").is_none());
    }

    #[test]
    fn api_keys_carry_their_id() {
        let (id, key) = new_api_key();
        assert!(key.starts_with("agk_"));
        assert_eq!(api_key_id(&key), Some(id.as_str()));
        assert_eq!(api_key_id("agk_short_x"), None);
        assert_eq!(api_key_id("Bearer nonsense"), None);
        assert_ne!(new_api_key().1, key);
    }

    #[test]
    fn keyed_hashes_depend_on_the_key() {
        assert_ne!(hmac_hex(b"one", "agk_x"), hmac_hex(b"two", "agk_x"));
        assert!(same(&sha256_hex("x"), &sha256_hex("x")));
        assert!(!same(&sha256_hex("x"), &sha256_hex("y")));
    }
}
