//! AirtableListBasesBlock: one page of the bases the credential can reach
//! (`GET /v0/meta/bases`), with the offset of the next page.

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::connect;

pub struct AirtableListBases;

fn manual() -> String {
    "manual".into()
}

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// Airtable API credentials
    #[serde(default)]
    #[schemars(extend(
        "credentials_provider" = ["airtable"],
        "credentials_types" = ["api_key", "oauth2"]
    ))]
    pub credentials: CredentialsMeta,
    /// Trigger the block to run - value is ignored
    #[serde(default = "manual")]
    pub trigger: String,
    /// Pagination offset from previous request
    #[serde(default)]
    pub offset: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// Array of base objects
    Bases(Vec<Value>),
    /// Offset for next page (null if no more bases)
    Offset(Option<String>),
}

impl Block for AirtableListBases {
    const META: BlockMeta = BlockMeta::standard(
        "4bd8d466-ed5d-4e44-8083-97f25a8044e7",
        "AirtableListBasesBlock",
        "List all bases in Airtable",
        &[Category::Data],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let client = connect(cx, super::API, &input.credentials).await?;
        let query: Vec<(&str, String)> = Some(input.offset.trim())
            .filter(|o| !o.is_empty())
            .map(|o| ("offset", o.to_string()))
            .into_iter()
            .collect();
        let page = client.get_json(cx, "/v0/meta/bases", &query).await?;
        cx.emit(Output::Bases(super::listed(&page, "bases")));
        cx.emit(Output::Offset(page["offset"].as_str().map(str::to_string)));
        Ok(())
    }
}
