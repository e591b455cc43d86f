//! SendAuthenticatedWebRequestBlock: SendWebRequestBlock plus host-scoped credential headers.
//!
//! The credentials are the ones the `credentials` input names by id: one of the operator's
//! `HostCredentials` with that id, else the run's user's own host_scoped credentials from the
//! credential store; with no id, the operator's whose host matches the URL. As in
//! AutoGPT, a named credential whose host does not match the URL is not applied: the request goes
//! out without its headers and a warning is logged. Unlike AutoGPT (where the user's headers win),
//! the credential's headers replace the user's of the same name. While credential headers are
//! attached, redirects to another origin are not followed.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx};
use schemars::JsonSchema;
use serde::Deserialize;
use url::Url;

use super::host_credentials::{HostCredential, HostCredentials};
use super::send_web_request::{self, Output, build_request, emit_response};
use crate::http::OutboundHttp;

pub struct SendAuthenticatedWebRequest;

/// AutoGPT's `CredentialsMetaInput` for provider `http`, type `host_scoped`. Stripped from
/// exported graphs, so optional; `id` names one of the operator's host-scoped credentials.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct CredentialsMeta {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub provider: Option<String>,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
}

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    #[serde(flatten)]
    pub request: send_web_request::Input,
    /// HTTP host-scoped credentials for automatic header injection
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["http"], "credentials_types" = ["host_scoped"]))]
    pub credentials: Option<CredentialsMeta>,
}

/// The credential to use for `url`: the operator's, else the user's stored one of that id.
async fn resolve(
    cx: &mut Cx<'_, Output>,
    meta: Option<&CredentialsMeta>,
    url: &Url,
) -> Result<HostCredential, BlockError> {
    if let Some(kind) = meta.and_then(|m| m.kind.as_deref())
        && kind != "host_scoped"
    {
        return Err(BlockError::input(format!(
            "credentials of type '{kind}' cannot be used here; host_scoped credentials are required"
        )));
    }
    let configured = cx.resource::<HostCredentials>().ok();
    let id = meta
        .and_then(|m| m.id.as_deref())
        .filter(|id| !id.is_empty());
    if let (Some(meta), Some(id)) = (meta, id)
        && configured.and_then(|c| c.by_id(id)).is_none()
    {
        let asked = agentry_core::CredentialsMeta {
            id: Some(id.to_string()),
            provider: Some(meta.provider.clone().unwrap_or_else(|| "http".into())),
            kind: Some("host_scoped".into()),
            title: meta.title.clone(),
        };
        // The future alone crosses the await, not a borrow of the (non-`Sync`) context.
        let pending = cx.credential(&asked);
        let credential = pending.await.map_err(|e| {
            BlockError::input(format!(
                "host-scoped credentials '{id}' are not configured on this server, nor among \
                 the user's credentials ({e})"
            ))
        })?;
        let agentry_core::CredentialSecret::HostScoped { host, headers } = credential.secret else {
            return Err(BlockError::input(format!(
                "credentials '{id}' are not host_scoped credentials"
            )));
        };
        return Ok(HostCredential {
            id: credential.id,
            title: credential.title.unwrap_or_default(),
            host,
            headers: headers
                .into_iter()
                .map(|(name, value)| (name, value.expose().to_string()))
                .collect(),
        });
    }
    operator_credential(configured, meta, url).cloned()
}

/// One of the operator's credentials for `url`; an unknown id or no credential for the host
/// is an error.
fn operator_credential<'a>(
    configured: Option<&'a HostCredentials>,
    meta: Option<&CredentialsMeta>,
    url: &Url,
) -> Result<&'a HostCredential, BlockError> {
    if let Some(kind) = meta.and_then(|m| m.kind.as_deref())
        && kind != "host_scoped"
    {
        return Err(BlockError::input(format!(
            "credentials of type '{kind}' cannot be used here; host_scoped credentials are required"
        )));
    }
    let id = meta
        .and_then(|m| m.id.as_deref())
        .filter(|id| !id.is_empty());
    match id {
        Some(id) => configured.and_then(|c| c.by_id(id)).ok_or_else(|| {
            BlockError::input(format!(
                "host-scoped credentials '{id}' are not configured on this server"
            ))
        }),
        None => configured.and_then(|c| c.for_url(url)).ok_or_else(|| {
            BlockError::input(format!(
                "no host-scoped credentials are configured for host '{}'",
                url.host_str().unwrap_or_default()
            ))
        }),
    }
}

impl Block for SendAuthenticatedWebRequest {
    const META: BlockMeta = BlockMeta::standard(
        "fff86bcd-e001-4bad-a7f6-2eae4720c8dc",
        "SendAuthenticatedWebRequestBlock",
        "Make an authenticated HTTP request with host-scoped credentials (JSON / form / multipart).",
        &[Category::Output],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let url = Url::parse(input.request.url.trim())
            .map_err(|e| BlockError::Input(format!("invalid URL '{}': {e}", input.request.url)))?;
        let credential = resolve(cx, input.credentials.as_ref(), &url).await?;
        let secret_headers = if credential.matches_url(&url) {
            credential.header_values()?
        } else {
            tracing::warn!(
                credentials = %credential.id,
                host = url.host_str().unwrap_or_default(),
                "host-scoped credentials do not match the URL's host; sending without them"
            );
            Vec::new()
        };
        let mut http = OutboundHttp::from_cx(cx);
        if !secret_headers.is_empty() {
            http = http.same_origin_redirects()?;
        }
        let request = build_request(cx, &http, input.request, &secret_headers).await?;
        let fetched = http.send(request).await?;
        // The same-origin client hands back a redirect it would not follow.
        if !secret_headers.is_empty()
            && (300..=399).contains(&fetched.status)
            && let Some(target) = fetched
                .headers
                .get(reqwest::header::LOCATION)
                .and_then(|l| l.to_str().ok())
                .and_then(|l| fetched.url.join(l).ok())
            && target.origin() != fetched.url.origin()
        {
            return Err(BlockError::input(format!(
                "not following the redirect to {}: it leaves the origin the host-scoped \
                 credentials were sent to",
                target.origin().ascii_serialization()
            )));
        }
        emit_response(&fetched, cx);
        Ok(())
    }
}

#[cfg(test)]
#[path = "send_authenticated_web_request_tests.rs"]
mod tests;
