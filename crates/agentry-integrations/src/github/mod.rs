//! GitHub (AutoGPT's `github/`): issues, labels, assignees and comments over the REST API, and
//! the review comment object. Credentials: provider `github`, type `api_key` (a personal access
//! token) or `oauth2`, scope `repo`, sent as a bearer token.
//!
//! Blocks take github.com URLs (`https://github.com/owner/repo/issues/1`); as AutoGPT's
//! `_convert_to_api_url`, they become API paths (`/repos/owner/repo/issues/1`) on the
//! configured base URL (`github`: GitHub Enterprise or a mock point elsewhere).

pub mod add_label;
pub mod assign_issue;
pub mod comment;
pub mod create_comment_object;
pub mod list_issues;
pub mod make_issue;
pub mod read_issue;
pub mod remove_label;
pub mod unassign_issue;

use agentry_core::credentials::CredentialKind;
use agentry_core::{BlockError, CredentialsMeta, Cx, Registry};
use serde::Serialize;
use url::Url;

use crate::api::{AuthStyle, Client, Service, meta_for};

pub const PROVIDER: &str = "github";

pub const API: Service = Service {
    provider: PROVIDER,
    key: "github",
    default_base: "https://api.github.com",
    kinds: &[CredentialKind::ApiKey, CredentialKind::Oauth2],
    auth: AuthStyle::Bearer,
};

pub fn register(r: &mut Registry) {
    r.register(add_label::GithubAddLabel);
    r.register(assign_issue::GithubAssignIssue);
    r.register(comment::GithubComment);
    r.register(create_comment_object::GithubCreateCommentObject);
    r.register(list_issues::GithubListIssues);
    r.register(make_issue::GithubMakeIssue);
    r.register(read_issue::GithubReadIssue);
    r.register(remove_label::GithubRemoveLabel);
    r.register(unassign_issue::GithubUnassignIssue);
}

/// AutoGPT's `_convert_to_api_url`, as a path: `owner/repo[/rest]` of a github.com URL under
/// `/repos/`; an API URL keeps its path.
pub fn api_path(url: &str) -> Result<String, BlockError> {
    let invalid = || BlockError::Input("Invalid GitHub URL format.".into());
    let parsed = Url::parse(url.trim()).map_err(|_| invalid())?;
    let path = parsed.path().trim_matches('/');
    if parsed.host_str() == Some("api.github.com") {
        return Ok(format!("/{path}"));
    }
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    if parts.len() < 2 {
        return Err(invalid());
    }
    Ok(format!("/repos/{}", parts.join("/")))
}

/// The GitHub client for the credential `credentials` names (or the platform's).
pub async fn client<O: Serialize>(
    cx: &mut Cx<'_, O>,
    credentials: &CredentialsMeta,
) -> Result<Client, BlockError> {
    let meta = meta_for(credentials, PROVIDER);
    let credential = crate::api::credential(cx, &meta).await?;
    Client::new(cx, API, &meta, credential)
}

#[cfg(test)]
#[path = "github_tests.rs"]
mod tests;
