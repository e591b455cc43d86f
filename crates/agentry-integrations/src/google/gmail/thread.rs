//! GmailGetThreadBlock (`users.threads.get`, every message as AutoGPT's `Email`) and
//! GmailGetProfileBlock (`users.getProfile`).

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{SCOPE_METADATA, client, email, path};

pub struct GmailGetThread;
pub struct GmailGetProfile;

#[derive(Deserialize, JsonSchema)]
#[allow(non_snake_case)] // AutoGPT's pin name.
pub struct ThreadInput {
    /// The Google integration requires OAuth2 authentication.
    #[serde(default)]
    #[schemars(extend(
        "credentials_provider" = ["google"],
        "credentials_types" = ["oauth2"],
        "credentials_scopes" = ["https://www.googleapis.com/auth/gmail.readonly"]
    ))]
    pub credentials: CredentialsMeta,
    /// Gmail thread ID
    pub threadId: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum ThreadOutput {
    /// Gmail thread with decoded message bodies
    Thread(Map<String, Value>),
}

impl Block for GmailGetThread {
    const META: BlockMeta = BlockMeta::standard(
        "21a79166-9df7-4b5f-9f36-96f639d86112",
        "GmailGetThreadBlock",
        "A block that retrieves an entire Gmail thread (email conversation) by ID, returning all messages with decoded bodies for reading complete conversations.",
        &[Category::Communication],
    );
    type Input = ThreadInput;
    type Output = ThreadOutput;

    async fn run(
        &self,
        input: ThreadInput,
        cx: &mut Cx<'_, ThreadOutput>,
    ) -> Result<(), BlockError> {
        let (client, scopes) = client(cx, &input.credentials).await?;
        // With only the metadata scope Gmail refuses full messages.
        let format = if scopes.iter().any(|s| s == SCOPE_METADATA) {
            "metadata"
        } else {
            "full"
        };
        let thread_path = path(&format!("threads/{}", input.threadId));
        let answer = client
            .get_json(cx, &thread_path, &[("format", format.to_string())])
            .await?;
        let mut thread = answer.as_object().cloned().unwrap_or_default();
        let mut messages = Vec::new();
        for msg in answer["messages"].as_array().into_iter().flatten() {
            let mut parsed = email(&client, cx, msg).await;
            if parsed.thread_id.is_empty() {
                parsed.thread_id = input.threadId.clone();
            }
            messages.push(serde_json::to_value(parsed).unwrap_or(Value::Null));
        }
        thread.insert("messages".into(), Value::Array(messages));
        cx.emit(ThreadOutput::Thread(thread));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct ProfileInput {
    /// The Google integration requires OAuth2 authentication.
    #[serde(default)]
    #[schemars(extend(
        "credentials_provider" = ["google"],
        "credentials_types" = ["oauth2"],
        "credentials_scopes" = ["https://www.googleapis.com/auth/gmail.readonly"]
    ))]
    pub credentials: CredentialsMeta,
}

/// AutoGPT's `Profile`.
#[derive(Serialize, JsonSchema)]
#[allow(non_snake_case)] // Gmail's key names, as AutoGPT keeps them.
pub struct Profile {
    pub emailAddress: String,
    pub messagesTotal: i64,
    pub threadsTotal: i64,
    pub historyId: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum ProfileOutput {
    /// Gmail user profile information
    Profile(Profile),
}

impl Block for GmailGetProfile {
    const META: BlockMeta = BlockMeta::standard(
        "04b0d996-0908-4a4b-89dd-b9697ff253d3",
        "GmailGetProfileBlock",
        "Get the authenticated user's Gmail profile details including email address and message statistics.",
        &[Category::Communication],
    );
    type Input = ProfileInput;
    type Output = ProfileOutput;

    async fn run(
        &self,
        input: ProfileInput,
        cx: &mut Cx<'_, ProfileOutput>,
    ) -> Result<(), BlockError> {
        let (client, _) = client(cx, &input.credentials).await?;
        let p = client.get_json(cx, &path("profile"), &[]).await?;
        let text = |k: &str| p[k].as_str().unwrap_or_default().to_string();
        cx.emit(ProfileOutput::Profile(Profile {
            emailAddress: text("emailAddress"),
            messagesTotal: p["messagesTotal"].as_i64().unwrap_or(0),
            threadsTotal: p["threadsTotal"].as_i64().unwrap_or(0),
            historyId: text("historyId"),
        }));
        Ok(())
    }
}
