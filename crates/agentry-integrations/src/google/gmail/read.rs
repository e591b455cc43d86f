//! GmailReadBlock: the messages matching a search (`users.messages.list`, then
//! `users.messages.get` for each), one `email` each, then all as `emails`.

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Email, SCOPE_METADATA, client, email, path};

pub struct GmailRead;

fn default_query() -> String {
    "is:unread".into()
}

fn default_max_results() -> i64 {
    10
}

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The Google integration requires OAuth2 authentication.
    #[serde(default)]
    #[schemars(extend(
        "credentials_provider" = ["google"],
        "credentials_types" = ["oauth2"],
        "credentials_scopes" = ["https://www.googleapis.com/auth/gmail.readonly"]
    ))]
    pub credentials: CredentialsMeta,
    /// Search query for reading emails
    #[serde(default = "default_query")]
    pub query: String,
    /// Maximum number of emails to retrieve
    #[serde(default = "default_max_results")]
    pub max_results: i64,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// Email data
    Email(Box<Email>),
    /// List of email data
    Emails(Vec<Email>),
}

impl Block for GmailRead {
    const META: BlockMeta = BlockMeta::standard(
        "25310c70-b89b-43ba-b25c-4dfa7e2a481c",
        "GmailReadBlock",
        "A block that retrieves and reads emails from a Gmail account based on search criteria, \
         returning detailed message information including subject, sender, body, and attachments.",
        &[Category::Communication],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let (client, scopes) = client(cx, &input.credentials).await?;
        let metadata_only = scopes.iter().any(|s| s == SCOPE_METADATA);
        let max = if input.max_results == 0 {
            10
        } else {
            input.max_results
        };
        let mut query = vec![("maxResults", max.to_string())];
        if !input.query.is_empty() && !metadata_only {
            query.push(("q", input.query.clone()));
        }
        let list = client.get_json(cx, &path("messages"), &query).await?;
        let format = if metadata_only { "metadata" } else { "full" };
        let mut emails = Vec::new();
        for message in list["messages"].as_array().into_iter().flatten() {
            let id = message["id"].as_str().unwrap_or_default();
            let msg = client
                .get_json(
                    cx,
                    &path(&format!("messages/{id}")),
                    &[("format", format.into())],
                )
                .await?;
            emails.push(email(&client, cx, &msg).await);
        }
        for e in &emails {
            cx.emit(Output::Email(Box::new(e.clone())));
        }
        cx.emit(Output::Emails(emails));
        Ok(())
    }
}
