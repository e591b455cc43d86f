//! The `Credentials` capability of one run: the run's user's credentials, each decrypted when
//! a node asks for it by the id in its `credentials` input, checked against the provider and
//! kind the node expects.

use std::sync::Arc;

use agentry_core::credentials::CredentialFuture;
use agentry_core::{BlockError, Credential, Credentials, CredentialsMeta};

use super::{CredentialsError, Vault};

pub struct RunCredentials {
    vault: Arc<Vault>,
    user_id: String,
}

impl RunCredentials {
    pub fn new(vault: Arc<Vault>, user_id: impl Into<String>) -> Self {
        RunCredentials {
            vault,
            user_id: user_id.into(),
        }
    }

    async fn resolve(&self, meta: &CredentialsMeta, force: bool) -> Result<Credential, BlockError> {
        let provider = meta.provider.as_deref().unwrap_or("the block's");
        let id = meta
            .id
            .as_deref()
            .filter(|id| !id.is_empty())
            .ok_or_else(|| {
                BlockError::Input(format!(
                    "no {provider} credentials were chosen for this node; add them under \
                 Integrations and pick them in the node's credentials input"
                ))
            })?;
        let credential = self.vault.decrypt(&self.user_id, id, force).await.map_err(
            |e| match e {
                CredentialsError::NotFound(_) => BlockError::Input(format!(
                    "{provider} credentials {id} do not exist (deleted?); choose others"
                )),
                CredentialsError::Invalid(message) => BlockError::Input(message),
                CredentialsError::Oauth { .. } | CredentialsError::NoOauth(_) => {
                    BlockError::Input(e.to_string())
                }
                other => {
                    tracing::error!(credentials = %id, error = %other, "credentials unreadable");
                    BlockError::System(format!("{provider} credentials {id} cannot be read"))
                }
            },
        )?;
        if force && credential.secret.kind() != agentry_core::CredentialKind::Oauth2 {
            return Err(BlockError::Input(format!(
                "{} refused credentials {id}, and {} credentials cannot be refreshed; \
                 check or replace them",
                credential.provider,
                credential.secret.kind().as_str()
            )));
        }
        if let Some(wanted) = meta.provider.as_deref()
            && wanted != credential.provider
        {
            return Err(BlockError::Input(format!(
                "credentials {id} are for {}, not {wanted}",
                credential.provider
            )));
        }
        if let Some(kind) = meta.kind.as_deref()
            && kind != credential.secret.kind().as_str()
        {
            return Err(BlockError::Input(format!(
                "credentials {id} are {}, not {kind}",
                credential.secret.kind().as_str()
            )));
        }
        Ok(credential)
    }
}

impl Credentials for RunCredentials {
    fn get<'a>(&'a self, meta: &'a CredentialsMeta) -> CredentialFuture<'a> {
        Box::pin(self.resolve(meta, false))
    }

    fn refresh<'a>(&'a self, meta: &'a CredentialsMeta) -> CredentialFuture<'a> {
        Box::pin(self.resolve(meta, true))
    }
}
