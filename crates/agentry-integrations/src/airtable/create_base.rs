//! AirtableCreateBaseBlock: a base by name in a workspace — the existing one when
//! `find_existing` finds it among the user's bases (`GET /v0/meta/bases`), else a new one
//! (`POST /v0/meta/bases`) — with its tables.

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::api::{Client, meta_for};

pub struct AirtableCreateBase;

fn yes() -> bool {
    true
}

fn default_tables() -> Vec<Map<String, Value>> {
    let table = json!({
        "description": "Default table",
        "name": "Default table",
        "fields": [{
            "name": "ID",
            "type": "number",
            "description": "Auto-incrementing ID field",
            "options": {"precision": 0}
        }]
    });
    vec![table.as_object().cloned().unwrap_or_default()]
}

/// How many pages of the user's bases a search for an existing one reads.
const MAX_BASE_PAGES: usize = 20;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// Airtable API credentials
    #[serde(default)]
    #[schemars(extend(
        "credentials_provider" = ["airtable"],
        "credentials_types" = ["api_key", "oauth2"]
    ))]
    pub credentials: CredentialsMeta,
    /// The workspace ID where the base will be created
    pub workspace_id: String,
    /// The name of the new base
    pub name: String,
    /// If true, return existing base with same name instead of creating duplicate
    #[serde(default = "yes")]
    pub find_existing: bool,
    /// At least one table and field must be specified. Array of table objects to create in the
    /// base. Each table should have 'name' and 'fields' properties
    #[serde(default = "default_tables")]
    pub tables: Vec<Map<String, Value>>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The ID of the created or found base
    BaseId(Option<String>),
    /// Array of table objects
    Tables(Vec<Value>),
    /// A single table object
    Table(Value),
    /// True if a new base was created, False if existing was found
    WasCreated(bool),
}

impl Block for AirtableCreateBase {
    const META: BlockMeta = BlockMeta::standard(
        "f59b88a8-54ce-4676-a508-fd614b4e8dce",
        "AirtableCreateBaseBlock",
        "Create or find a base in Airtable",
        &[Category::Data],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let meta = meta_for(&input.credentials, super::PROVIDER);
        let credential = crate::api::credential(cx, &meta).await?;
        let client = Client::new(cx, super::API, &meta, credential)?;
        if input.find_existing
            && let Some(base_id) = find_base(&client, cx, &input.name).await?
        {
            // As AutoGPT: a failure to read the tables reports none.
            let tables = super::base_tables(&client, cx, &base_id)
                .await
                .unwrap_or_default();
            cx.emit(Output::BaseId(Some(base_id)));
            cx.emit(Output::WasCreated(false));
            cx.emit(Output::Tables(tables.clone()));
            for table in tables {
                cx.emit(Output::Table(table));
            }
            return Ok(());
        }
        let mut body = json!({"name": input.name, "workspaceId": input.workspace_id});
        if !input.tables.is_empty() {
            body["tables"] = json!(input.tables);
        }
        let created =
            super::send_converted(&client, cx, Method::POST, "/v0/meta/bases", body).await?;
        let tables = super::listed(&created, "tables");
        cx.emit(Output::BaseId(created["id"].as_str().map(str::to_string)));
        cx.emit(Output::WasCreated(true));
        cx.emit(Output::Tables(tables.clone()));
        for table in tables {
            cx.emit(Output::Table(table));
        }
        Ok(())
    }
}

/// The id of the user's base named `name`, following `offset` pages.
async fn find_base<O: Serialize>(
    client: &Client,
    cx: &mut Cx<'_, O>,
    name: &str,
) -> Result<Option<String>, BlockError> {
    let mut offset: Option<String> = None;
    for _ in 0..MAX_BASE_PAGES {
        let query: Vec<(&str, String)> = offset.iter().map(|o| ("offset", o.clone())).collect();
        let page = client.get_json(cx, "/v0/meta/bases", &query).await?;
        if let Some(base) = page["bases"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|b| b["name"] == name)
        {
            return Ok(base["id"].as_str().map(str::to_string));
        }
        offset = page["offset"]
            .as_str()
            .filter(|o| !o.is_empty())
            .map(str::to_string);
        if offset.is_none() {
            break;
        }
    }
    Ok(None)
}
