//! GmailListLabelsBlock (`users.labels.list`) and GmailRemoveLabelBlock
//! (`users.messages.modify` with `removeLabelIds`).

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::{client, label_id, path};

pub struct GmailListLabels;
pub struct GmailRemoveLabel;

#[derive(Deserialize, JsonSchema)]
pub struct ListInput {
    /// The Google integration requires OAuth2 authentication.
    #[serde(default)]
    #[schemars(extend(
        "credentials_provider" = ["google"],
        "credentials_types" = ["oauth2"],
        "credentials_scopes" = ["https://www.googleapis.com/auth/gmail.labels"]
    ))]
    pub credentials: CredentialsMeta,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum ListOutput {
    /// List of labels
    Result(Vec<Value>),
}

impl Block for GmailListLabels {
    const META: BlockMeta = BlockMeta::standard(
        "3e1c2c1c-c689-4520-b956-1f3bf4e02bb7",
        "GmailListLabelsBlock",
        "A block that retrieves all labels (categories) from a Gmail account for organizing and categorizing emails.",
        &[Category::Communication],
    );
    type Input = ListInput;
    type Output = ListOutput;

    async fn run(&self, input: ListInput, cx: &mut Cx<'_, ListOutput>) -> Result<(), BlockError> {
        let (client, _) = client(cx, &input.credentials).await?;
        let list = client.get_json(cx, &path("labels"), &[]).await?;
        let labels = list["labels"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|l| json!({"id": l["id"], "name": l["name"]}))
            .collect();
        cx.emit(ListOutput::Result(labels));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct RemoveInput {
    /// The Google integration requires OAuth2 authentication.
    #[serde(default)]
    #[schemars(extend(
        "credentials_provider" = ["google"],
        "credentials_types" = ["oauth2"],
        "credentials_scopes" = ["https://www.googleapis.com/auth/gmail.modify"]
    ))]
    pub credentials: CredentialsMeta,
    /// Message ID to remove label from
    pub message_id: String,
    /// Label name to remove
    pub label_name: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum RemoveOutput {
    /// Label removal result
    Result(Map<String, Value>),
}

impl Block for GmailRemoveLabel {
    const META: BlockMeta = BlockMeta::standard(
        "0afc0526-aba1-4b2b-888e-a22b7c3f359d",
        "GmailRemoveLabelBlock",
        "A block that removes a label from a specific email message in a Gmail account.",
        &[Category::Communication],
    );
    type Input = RemoveInput;
    type Output = RemoveOutput;

    async fn run(
        &self,
        input: RemoveInput,
        cx: &mut Cx<'_, RemoveOutput>,
    ) -> Result<(), BlockError> {
        let (client, _) = client(cx, &input.credentials).await?;
        // AutoGPT answers a missing label with a status naming it, not an error.
        let result = match label_id(&client, cx, &input.label_name).await? {
            None => json!({"status": "Label not found", "label_name": input.label_name}),
            Some(label) => {
                let modified = client
                    .send_json(
                        cx,
                        Method::POST,
                        &path(&format!("messages/{}/modify", input.message_id)),
                        &json!({"removeLabelIds": [label]}),
                    )
                    .await?;
                let status = if modified["labelIds"]
                    .as_array()
                    .is_some_and(|l| !l.is_empty())
                {
                    "Label removed successfully"
                } else {
                    "Label already removed or not applied"
                };
                json!({"status": status, "label_id": label})
            }
        };
        cx.emit(RemoveOutput::Result(
            result.as_object().cloned().unwrap_or_default(),
        ));
        Ok(())
    }
}
