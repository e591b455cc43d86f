//! GitHub (AutoGPT's `github/`): issues, labels, assignees and comments over the REST API, and
//! the review comment object. Credentials: provider `github`, type `api_key` (a personal access
//! token) or `oauth2`, scope `repo`, sent as a bearer token.
//!
//! Blocks take github.com URLs (`https://github.com/owner/repo/issues/1`); as AutoGPT's
//! `_convert_to_api_url`, they become API paths (`/repos/owner/repo/issues/1`) on the
//! configured base URL (`github`: GitHub Enterprise or a mock point elsewhere).

/// A GitHub block's `Input` struct: the `credentials` input as AutoGPT's
/// `GithubCredentialsField(scope)` declares it, then the block's own fields.
macro_rules! github_input {
    ($scope:literal, $(#[$m:meta])* pub struct $name:ident { $($body:tt)* }) => {
        github_input!($scope, ["api_key", "oauth2"], $(#[$m])* pub struct $name { $($body)* });
    };
    ($scope:literal, [$($kind:literal),*], $(#[$m:meta])* pub struct $name:ident { $($body:tt)* }) => {
        #[derive(serde::Deserialize, schemars::JsonSchema)]
        $(#[$m])*
        pub struct $name {
            /// The GitHub integration can be used with OAuth, or any API key with sufficient
            /// permissions for the blocks it is used on.
            #[serde(default)]
            #[schemars(extend(
                "credentials_provider" = ["github"],
                "credentials_types" = [$($kind),*],
                "credentials_scopes" = [$scope]
            ))]
            pub credentials: agentry_core::CredentialsMeta,
            $($body)*
        }
    };
}

pub mod add_label;
pub mod assign_issue;

pub mod checks;
pub mod ci;
pub mod comment;
pub mod comments;
pub mod create_comment_object;
pub mod list_issues;
pub mod make_issue;
pub mod pr_reviewers;
pub mod pull_requests;
pub mod read_issue;
pub mod remove_label;
pub mod repo_files;
pub mod repo_lists;
pub mod repo_refs;
pub mod reviews;
pub mod triggers;
pub mod unassign_issue;
pub mod webhooks;

use agentry_core::credentials::CredentialKind;
use agentry_core::{BlockError, CredentialsMeta, Cx, Registry};
use reqwest::Method;
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Value, json};
use url::Url;

use crate::api::{Client, Service, meta_for};

pub const PROVIDER: &str = "github";

pub const API: Service = Service::bearer(
    PROVIDER,
    "github",
    "https://api.github.com",
    &[CredentialKind::ApiKey, CredentialKind::Oauth2],
);

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
    comments::register(r);
    pull_requests::register(r);
    pr_reviewers::register(r);
    repo_lists::register(r);
    repo_files::register(r);
    repo_refs::register(r);
    reviews::register(r);
    checks::register(r);
    ci::register(r);
    triggers::register(r);
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

/// `rest` under a repository URL (`https://github.com/o/r` + `tags` → `/repos/o/r/tags`).
pub fn repo_path(repo_url: &str, rest: &str) -> Result<String, BlockError> {
    Ok(format!("{}/{rest}", api_path(repo_url)?))
}

/// `owner/repo` (AutoGPT's `repo` inputs) as `/repos/owner/repo`, each part a path segment.
pub fn repo_api(repo: &str) -> Result<String, BlockError> {
    let parts: Vec<&str> = repo.trim().trim_matches('/').split('/').collect();
    match parts.as_slice() {
        [owner, name] if !owner.is_empty() && !name.is_empty() => Ok(format!(
            "/repos/{}/{}",
            crate::api::segment(owner),
            crate::api::segment(name)
        )),
        _ => Err(BlockError::Input(format!(
            "The repository must read owner/repo, not {repo:?}"
        ))),
    }
}

/// AutoGPT's `prepare_pr_api_url`: `rest` under a pull request URL
/// (`https://github.com/o/r/pull/3` + `files` → `/repos/o/r/pulls/3/files`).
pub fn pr_path(pr_url: &str, rest: &str) -> Result<String, BlockError> {
    let path = api_path(pr_url)?;
    let parts: Vec<&str> = path.split('/').collect();
    match parts.as_slice() {
        ["", "repos", owner, repo, "pull" | "pulls", number, ..]
            if number.bytes().all(|b| b.is_ascii_digit()) =>
        {
            Ok(format!("/repos/{owner}/{repo}/pulls/{number}/{rest}"))
        }
        _ => Err(BlockError::Input(format!(
            "Not a GitHub pull request URL: {pr_url}"
        ))),
    }
}

/// The text at `key` of a GitHub object (absent or not a string: empty).
pub fn text(v: &Value, key: &str) -> String {
    v[key].as_str().unwrap_or_default().to_string()
}

/// Each element of a JSON array answer (anything else: none).
pub fn each(v: &Value) -> impl Iterator<Item = &Value> {
    v.as_array().into_iter().flatten()
}

/// A GitHub list block's yields in AutoGPT's order: the whole list, then each item.
pub fn emit_list<O: Serialize, T: Clone>(
    cx: &mut Cx<'_, O>,
    items: Vec<T>,
    list: fn(Vec<T>) -> O,
    item: fn(T) -> O,
) {
    cx.emit(list(items.clone()));
    for one in items {
        cx.emit(item(one));
    }
}

/// GitHub's GraphQL endpoint next to the REST base; GraphQL reports errors in a 200 body.
pub async fn graphql<O: Serialize>(
    cx: &mut Cx<'_, O>,
    client: &Client,
    query: &str,
    variables: Value,
) -> Result<Value, BlockError> {
    let body = json!({"query": query, "variables": variables});
    let answer = client
        .send_json(cx, Method::POST, "/graphql", &body)
        .await?;
    if let Some(errors) = answer.get("errors").filter(|e| !e.is_null()) {
        return Err(BlockError::Input(format!("GraphQL error: {errors}")));
    }
    Ok(answer["data"].clone())
}

/// A link in a GitHub list: a tag, branch or release by name.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct NamedLink {
    pub name: String,
    pub url: String,
}

/// A pull request or discussion by title.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TitledLink {
    pub title: String,
    pub url: String,
}

/// A user (stargazer, reviewer) by login and profile URL.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct UserLink {
    pub username: String,
    pub url: String,
}

impl UserLink {
    pub fn of(user: &Value) -> UserLink {
        UserLink {
            username: text(user, "login"),
            url: text(user, "html_url"),
        }
    }
}

#[cfg(test)]
#[path = "github_tests.rs"]
mod tests;

#[cfg(test)]
mod fixtures;

#[cfg(test)]
#[path = "pr_tests.rs"]
mod pr_tests;

#[cfg(test)]
#[path = "repo_tests.rs"]
mod repo_tests;

#[cfg(test)]
#[path = "trigger_tests.rs"]
mod trigger_tests;

#[cfg(test)]
#[path = "ci_tests.rs"]
mod ci_tests;
