//! GmailAddLabelBlock: puts a label on a message (`users.messages.modify`), creating the label
//! (`users.labels.create`) when the user has none of that name.

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{client, label_id, path};

pub struct GmailAddLabel;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The Google integration requires OAuth2 authentication.
    #[serde(default)]
    #[schemars(extend(
        "credentials_provider" = ["google"],
        "credentials_types" = ["oauth2"],
        "credentials_scopes" = ["https://www.googleapis.com/auth/gmail.modify"]
    ))]
    pub credentials: CredentialsMeta,
    /// Message ID to add label to
    pub message_id: String,
    /// Label name to add
    pub label_name: String,
}

/// AutoGPT's `GmailLabelResult`.
#[derive(Serialize, JsonSchema)]
pub struct LabelResult {
    pub label_id: String,
    pub status: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// Label addition result
    Result(LabelResult),
}

impl Block for GmailAddLabel {
    const META: BlockMeta = BlockMeta::standard(
        "f884b2fb-04f4-4265-9658-14f433926ac9",
        "GmailAddLabelBlock",
        "A block that adds a label to a specific email message in Gmail, creating the label if \
         it doesn't exist.",
        &[Category::Communication],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let (client, _) = client(cx, &input.credentials).await?;
        let label = match label_id(&client, cx, &input.label_name).await? {
            Some(id) => id,
            None => {
                let created = client
                    .send_json(
                        cx,
                        Method::POST,
                        &path("labels"),
                        &json!({"name": input.label_name}),
                    )
                    .await?;
                created["id"].as_str().unwrap_or_default().to_string()
            }
        };
        let modified = client
            .send_json(
                cx,
                Method::POST,
                &path(&format!("messages/{}/modify", input.message_id)),
                &json!({"addLabelIds": [label]}),
            )
            .await?;
        let applied = modified["labelIds"]
            .as_array()
            .is_some_and(|l| !l.is_empty());
        let status = if applied {
            "Label added successfully"
        } else {
            "Label already applied or not found"
        };
        cx.emit(Output::Result(LabelResult {
            label_id: label,
            status: status.into(),
        }));
        Ok(())
    }
}
