//! Notion (AutoGPT's `notion/`): read a page as JSON or Markdown, create a page, search the
//! workspace, query a database, over Notion's REST API (`/v1/...`, `Notion-Version:
//! 2022-06-28` as AutoGPT sends it). Credentials: provider `notion`, OAuth2 only.

pub mod markdown;
pub mod pages;
pub mod search;

use agentry_core::credentials::CredentialKind;
use agentry_core::{BlockError, CredentialsMeta, Cx, Registry};
use serde::Serialize;
use serde_json::Value;

use crate::api::{AuthStyle, Client, Service};

pub const PROVIDER: &str = "notion";

/// The API version AutoGPT's blocks were written against.
pub const NOTION_VERSION: &str = "2022-06-28";

pub const API: Service = Service {
    provider: PROVIDER,
    key: "notion",
    default_base: "https://api.notion.com",
    kinds: &[CredentialKind::Oauth2],
    auth: AuthStyle::Prefixed {
        api_key: "Bearer ",
        oauth2: "Bearer ",
        headers: &[("Notion-Version", NOTION_VERSION)],
    },
};

/// A Notion block's `Input`: the `credentials` input as AutoGPT's `NotionCredentialsField()`
/// declares it, then the block's fields.
macro_rules! notion_input {
    (pub struct $name:ident { $($body:tt)* }) => {
        #[derive(serde::Deserialize, schemars::JsonSchema)]
        pub struct $name {
            /// Connect your Notion account. Ensure the pages/databases are shared with the
            /// integration.
            #[serde(default)]
            #[schemars(extend(
                "credentials_provider" = ["notion"],
                "credentials_types" = ["oauth2"]
            ))]
            pub credentials: agentry_core::CredentialsMeta,
            $($body)*
        }
    };
}
pub(crate) use notion_input;

pub fn register(r: &mut Registry) {
    r.register(pages::NotionReadPage);
    r.register(pages::NotionReadPageMarkdown);
    r.register(pages::NotionCreatePage);
    r.register(search::NotionSearch);
    r.register(search::NotionReadDatabase);
}

/// The Notion client for the credential `credentials` names (or the platform's).
pub async fn client<O: Serialize>(
    cx: &mut Cx<'_, O>,
    credentials: &CredentialsMeta,
) -> Result<Client, BlockError> {
    crate::api::connect(cx, API, credentials).await
}

/// `/v1/{what}/{id}`, the id a path segment.
pub fn object_path(what: &str, id: &str) -> String {
    format!("/v1/{what}/{}", crate::api::segment(id.trim()))
}

/// AutoGPT's `parse_rich_text`: the plain text of a rich text array.
pub fn plain_text(rich_text: &Value) -> String {
    rich_text
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["plain_text"].as_str())
        .collect()
}

/// AutoGPT's `extract_page_title`: the page's title property, else "Untitled".
pub fn page_title(page: &Value) -> String {
    page["properties"]
        .as_object()
        .into_iter()
        .flatten()
        .find(|(_, p)| p["type"] == "title")
        .map(|(_, p)| plain_text(&p["title"]))
        .unwrap_or_else(|| "Untitled".into())
}

#[cfg(test)]
#[path = "notion_tests.rs"]
mod tests;
