//! Making an account, the one way both `POST /api/auth/signup` and `agentry user create` do
//! it: the email normalised, the password policy checked, the password hashed with argon2id
//! (off the async workers), and the first account of the server made an admin (it takes over
//! the local user, keeping what was made before sign-in was on).

use agentry_store::entity::user;
use agentry_store::{NewAccount, Store};

use super::{Role, secret};
use crate::error::{ApiError, ApiResult, Code};

/// The normalised (trimmed, lower-case) email, or 400 `invalid_email`.
pub fn normalise_email(email: &str) -> ApiResult<String> {
    let email = email.trim().to_lowercase();
    let valid = email.len() <= 254
        && !email.chars().any(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.contains('@')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if !valid {
        return Err(ApiError::new(
            Code::InvalidEmail,
            "the email address must look like name@example.com",
        ));
    }
    Ok(email)
}

/// 400 `weak_password` naming what is wrong with the password.
pub fn check_password(password: &str, email: &str) -> ApiResult<()> {
    match secret::password_problem(password, email) {
        Some(problem) => Err(ApiError::new(Code::WeakPassword, problem)),
        None => Ok(()),
    }
}

/// argon2 takes tens of milliseconds of CPU: off the async workers.
pub async fn hash(password: String) -> ApiResult<String> {
    tokio::task::spawn_blocking(move || secret::hash_password(&password))
        .await
        .map_err(ApiError::internal)
}

/// Whether the server has no account yet (its next one becomes the admin).
pub async fn no_account_yet(store: &Store) -> ApiResult<bool> {
    Ok(store.count_accounts().await? == 0)
}

/// Creates an account with `role`; the server's first account is an admin whatever `role`
/// says. 409 `email_taken` when the email has an account.
pub async fn create_account(
    store: &Store,
    email: &str,
    password: String,
    role: Role,
) -> ApiResult<user::Model> {
    let email = normalise_email(email)?;
    check_password(&password, &email)?;
    let first = no_account_yet(store).await?;
    let role = if first { Role::Admin } else { role };
    let password_hash = hash(password).await?;
    let new = NewAccount {
        email: &email,
        password_hash: &password_hash,
        role: role.as_str(),
    };
    match store.create_account(new, first).await {
        Ok(user) => Ok(user),
        Err(agentry_store::Error::Conflict(what)) if what == "email" => Err(ApiError::new(
            Code::EmailTaken,
            "an account with this email exists",
        )),
        Err(agentry_store::Error::Conflict(_)) => Err(ApiError::new(
            Code::SignupClosed,
            "another account was created first: sign-up is closed on this server",
        )),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_or_refused() {
        assert_eq!(
            normalise_email("  Ada@Example.COM ").unwrap(),
            "ada@example.com"
        );
        for bad in [
            "ada",
            "@example.com",
            "ada@example",
            "a b@example.com",
            "ada@.com",
        ] {
            assert!(normalise_email(bad).is_err(), "{bad}");
        }
    }
}
