//! Ending webset enrichments: ExaDeleteEnrichmentBlock (`DELETE …/enrichments/{id}`) and
//! ExaCancelEnrichmentBlock (`POST …/enrichments/{id}/cancel`, then counting the first page of
//! items that carry its results).

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::enrichment::enrichments_path;
use super::search::{present, status_of};
use super::{items_path, text};
use crate::api::Payload;

pub struct ExaDeleteEnrichment;
pub struct ExaCancelEnrichment;

#[derive(Deserialize, JsonSchema)]
pub struct DeleteInput {
    /// The Exa integration requires an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["exa"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// The ID or external ID of the Webset
    pub webset_id: String,
    /// The ID of the enrichment to delete
    pub enrichment_id: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum DeleteOutput {
    /// The ID of the deleted enrichment
    EnrichmentId(String),
    /// Whether the deletion was successful
    Success(String),
}

impl Block for ExaDeleteEnrichment {
    const META: BlockMeta = BlockMeta::standard(
        "b250de56-2ca6-4237-a7b8-b5684892189f",
        "ExaDeleteEnrichmentBlock",
        "Delete an enrichment from a webset",
        &[Category::Search],
    );
    type Input = DeleteInput;
    type Output = DeleteOutput;

    async fn run(
        &self,
        input: DeleteInput,
        cx: &mut Cx<'_, DeleteOutput>,
    ) -> Result<(), BlockError> {
        present(&[
            ("webset_id", &input.webset_id),
            ("enrichment_id", &input.enrichment_id),
        ])?;
        let client = super::super::client(cx, &input.credentials).await?;
        let path = enrichments_path(&input.webset_id, Some(&input.enrichment_id));
        let deleted = client
            .send_payload(cx, Method::DELETE, &path, &[], Payload::Empty)
            .await?;
        cx.emit(DeleteOutput::EnrichmentId(text(&deleted["id"])));
        cx.emit(DeleteOutput::Success("true".into()));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct CancelInput {
    /// The Exa integration requires an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["exa"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// The ID or external ID of the Webset
    pub webset_id: String,
    /// The ID of the enrichment to cancel
    pub enrichment_id: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum CancelOutput {
    /// The ID of the canceled enrichment
    EnrichmentId(String),
    /// Status after cancellation
    Status(String),
    /// Approximate number of items enriched before cancellation
    ItemsEnrichedBeforeCancel(i64),
    /// Whether the cancellation was successful
    Success(String),
}

impl Block for ExaCancelEnrichment {
    const META: BlockMeta = BlockMeta::standard(
        "7e1f8f0f-b6ab-43b3-bd1d-0c534a649295",
        "ExaCancelEnrichmentBlock",
        "Cancel a running enrichment operation",
        &[Category::Search],
    );
    type Input = CancelInput;
    type Output = CancelOutput;

    async fn run(
        &self,
        input: CancelInput,
        cx: &mut Cx<'_, CancelOutput>,
    ) -> Result<(), BlockError> {
        present(&[
            ("webset_id", &input.webset_id),
            ("enrichment_id", &input.enrichment_id),
        ])?;
        let client = super::super::client(cx, &input.credentials).await?;
        let path = format!(
            "{}/cancel",
            enrichments_path(&input.webset_id, Some(&input.enrichment_id))
        );
        let canceled = client
            .send_payload(cx, Method::POST, &path, &[], Payload::Empty)
            .await?;
        // AutoGPT's estimate: the items of the first page (100) holding this enrichment's result.
        let page = client
            .get_json(
                cx,
                &items_path(&input.webset_id, None),
                &[("limit", "100".to_string())],
            )
            .await?;
        let enriched = page["data"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|item| {
                item["enrichments"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|e| e["enrichmentId"].as_str() == Some(input.enrichment_id.as_str()))
            })
            .count();
        cx.emit(CancelOutput::EnrichmentId(text(&canceled["id"])));
        cx.emit(CancelOutput::Status(status_of(&canceled)));
        cx.emit(CancelOutput::ItemsEnrichedBeforeCancel(enriched as i64));
        cx.emit(CancelOutput::Success("true".into()));
        Ok(())
    }
}
