//! ExaCreateWebsetBlock: `POST /websets/v0/websets` with a search, imports and enrichments
//! built from AutoGPT's flattened inputs, then (when asked) waiting until the webset is idle.

use std::time::{Duration, Instant};

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::websets_model::{SearchEntityType, Webset, found, wait_until_idle, webset_path};

pub struct ExaCreateWebset;

/// AutoGPT's `SearchType`: the kind of a source id (an import or another webset).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SearchType {
    Import,
    Webset,
}

/// AutoGPT's `EnrichmentFormat`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EnrichmentFormat {
    Text,
    Date,
    Number,
    Options,
    Email,
    Phone,
}

impl EnrichmentFormat {
    fn as_str(self) -> &'static str {
        match self {
            EnrichmentFormat::Text => "text",
            EnrichmentFormat::Date => "date",
            EnrichmentFormat::Number => "number",
            EnrichmentFormat::Options => "options",
            EnrichmentFormat::Email => "email",
            EnrichmentFormat::Phone => "phone",
        }
    }
}

fn ten() -> Option<i64> {
    Some(10)
}
fn empty_map() -> Option<Map<String, Value>> {
    Some(Map::new())
}
fn yes() -> bool {
    true
}
fn three_hundred() -> i64 {
    300
}

#[derive(Deserialize, JsonSchema)]
pub struct CreateInput {
    /// The Exa integration requires an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["exa"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// Your search query. Use this to describe what you are looking for. Any URL provided will be crawled and used as context for the search.
    pub search_query: String,
    /// Number of items the search will attempt to find. The actual number of items found may be less than this number depending on the search complexity.
    #[serde(default = "ten")]
    #[schemars(range(min = 1, max = 1000))]
    pub search_count: Option<i64>,
    /// Entity type: 'company', 'person', 'article', 'research_paper', or 'custom'. If not provided, we automatically detect the entity from the query.
    #[serde(default)]
    #[schemars(extend("advanced" = true))]
    pub search_entity_type: SearchEntityType,
    /// Description for custom entity type (required when search_entity_type is 'custom')
    #[serde(default)]
    #[schemars(extend("advanced" = true))]
    pub search_entity_description: Option<String>,
    /// List of criteria descriptions that every item will be evaluated against. If not provided, we automatically detect the criteria from the query.
    #[serde(default)]
    #[schemars(extend("advanced" = true))]
    pub search_criteria: Vec<String>,
    /// List of source IDs (imports or websets) to exclude from search results
    #[serde(default)]
    #[schemars(extend("advanced" = true))]
    pub search_exclude_sources: Vec<String>,
    /// List of source types corresponding to exclude sources ('import' or 'webset')
    #[serde(default)]
    #[schemars(extend("advanced" = true))]
    pub search_exclude_types: Vec<SearchType>,
    /// List of source IDs (imports or websets) to limit search scope to
    #[serde(default)]
    #[schemars(extend("advanced" = true))]
    pub search_scope_sources: Vec<String>,
    /// List of source types corresponding to scope sources ('import' or 'webset')
    #[serde(default)]
    #[schemars(extend("advanced" = true))]
    pub search_scope_types: Vec<SearchType>,
    /// List of relationship definitions for hop searches (optional, one per scope source)
    #[serde(default)]
    #[schemars(extend("advanced" = true))]
    pub search_scope_relationships: Vec<String>,
    /// List of limits on the number of related entities to find (optional, one per scope relationship)
    #[serde(default)]
    #[schemars(extend("advanced" = true))]
    pub search_scope_relationship_limits: Vec<i64>,
    /// List of source IDs to import from
    #[serde(default)]
    #[schemars(extend("advanced" = true))]
    pub import_sources: Vec<String>,
    /// List of source types corresponding to import sources ('import' or 'webset')
    #[serde(default)]
    #[schemars(extend("advanced" = true))]
    pub import_types: Vec<SearchType>,
    /// List of enrichment task descriptions to perform on each webset item
    #[serde(default)]
    #[schemars(extend("advanced" = true))]
    pub enrichment_descriptions: Vec<String>,
    /// List of formats for enrichment responses ('text', 'date', 'number', 'options', 'email', 'phone'). If not specified, we automatically select the best format.
    #[serde(default)]
    #[schemars(extend("advanced" = true))]
    pub enrichment_formats: Vec<EnrichmentFormat>,
    /// List of option lists for enrichments with 'options' format. Each inner list contains the option labels.
    #[serde(default)]
    #[schemars(extend("advanced" = true))]
    pub enrichment_options: Vec<Vec<String>>,
    /// List of metadata dictionaries for enrichments
    #[serde(default)]
    #[schemars(extend("advanced" = true))]
    pub enrichment_metadata: Vec<Map<String, Value>>,
    /// External identifier for the webset. You can use this to reference the webset by your own internal identifiers.
    #[serde(default)]
    #[schemars(extend("advanced" = true))]
    pub external_id: Option<String>,
    /// Key-value pairs to associate with this webset
    #[serde(default = "empty_map")]
    #[schemars(extend("advanced" = true))]
    pub metadata: Option<Map<String, Value>>,
    /// Wait for the initial search to complete before returning. This ensures you get results immediately.
    #[serde(default = "yes")]
    pub wait_for_initial_results: bool,
    /// Maximum time to wait for completion in seconds (only used if wait_for_initial_results is True)
    #[serde(default = "three_hundred")]
    #[schemars(range(min = 1, max = 600), extend("advanced" = true))]
    pub polling_timeout: i64,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum CreateOutput {
    /// The created webset with full details
    Webset(Box<Webset>),
    /// Number of items found in the initial search (only if wait_for_initial_results was True)
    InitialItemCount(Option<i64>),
    /// Time taken to complete the initial search in seconds (only if wait_for_initial_results was True)
    CompletionTime(Option<f64>),
}

/// The SDK's `ImportSource`/`ScopeSourceType` of the `idx`th source: `import` unless its type
/// says `webset`.
fn source(types: &[SearchType], idx: usize) -> &'static str {
    match types.get(idx) {
        Some(SearchType::Webset) => "webset",
        _ => "import",
    }
}

/// The create body the SDK sends for these inputs (`exclude_none`, by alias).
pub fn create_body(input: &CreateInput) -> Value {
    let mut body = Map::new();
    if !input.search_query.is_empty() {
        let mut search = Map::new();
        search.insert("query".into(), json!(input.search_query));
        if let Some(count) = input.search_count {
            search.insert("count".into(), json!(count));
        }
        let entity = match (input.search_entity_type, &input.search_entity_description) {
            (SearchEntityType::Auto, _) => None,
            // A custom entity without a description is left for Exa to detect, as AutoGPT does.
            (SearchEntityType::Custom, None) => None,
            (SearchEntityType::Custom, Some(d)) if d.is_empty() => None,
            (SearchEntityType::Custom, Some(d)) => {
                Some(json!({"type": "custom", "description": d}))
            }
            (kind, _) => Some(json!({"type": kind.as_str()})),
        };
        if let Some(entity) = entity {
            search.insert("entity".into(), entity);
        }
        if !input.search_criteria.is_empty() {
            let criteria: Vec<Value> = input
                .search_criteria
                .iter()
                .map(|c| json!({"description": c}))
                .collect();
            search.insert("criteria".into(), json!(criteria));
        }
        if !input.search_exclude_sources.is_empty() {
            let exclude: Vec<Value> = input
                .search_exclude_sources
                .iter()
                .enumerate()
                .map(|(i, id)| json!({"source": source(&input.search_exclude_types, i), "id": id}))
                .collect();
            search.insert("exclude".into(), json!(exclude));
        }
        if !input.search_scope_sources.is_empty() {
            let scope: Vec<Value> = input
                .search_scope_sources
                .iter()
                .enumerate()
                .map(|(i, id)| {
                    let mut item =
                        json!({"source": source(&input.search_scope_types, i), "id": id});
                    if let Some(definition) = input.search_scope_relationships.get(i) {
                        let mut rel = json!({"definition": definition});
                        if let Some(limit) = input.search_scope_relationship_limits.get(i) {
                            rel["limit"] = json!(limit);
                        }
                        item["relationship"] = rel;
                    }
                    item
                })
                .collect();
            search.insert("scope".into(), json!(scope));
        }
        body.insert("search".into(), Value::Object(search));
    }
    if !input.import_sources.is_empty() {
        let imports: Vec<Value> = input
            .import_sources
            .iter()
            .enumerate()
            .map(|(i, id)| json!({"source": source(&input.import_types, i), "id": id}))
            .collect();
        body.insert("import".into(), json!(imports));
    }
    if !input.enrichment_descriptions.is_empty() {
        let enrichments: Vec<Value> = input
            .enrichment_descriptions
            .iter()
            .enumerate()
            .map(|(i, description)| {
                let mut e = json!({"description": description});
                if let Some(format) = input.enrichment_formats.get(i) {
                    e["format"] = json!(format.as_str());
                }
                if let Some(options) = input.enrichment_options.get(i).filter(|o| !o.is_empty()) {
                    let labels: Vec<Value> = options.iter().map(|o| json!({"label": o})).collect();
                    e["options"] = json!(labels);
                }
                if let Some(metadata) = input.enrichment_metadata.get(i) {
                    e["metadata"] = json!(metadata);
                }
                e
            })
            .collect();
        body.insert("enrichments".into(), json!(enrichments));
    }
    if let Some(external_id) = &input.external_id {
        body.insert("externalId".into(), json!(external_id));
    }
    if let Some(metadata) = &input.metadata {
        body.insert("metadata".into(), json!(metadata));
    }
    Value::Object(body)
}

/// The inputs the API (or the SDK's models) would refuse, named before any request.
fn check(input: &CreateInput) -> Result<(), BlockError> {
    if let Some(count) = input.search_count.filter(|c| !(1..=1000).contains(c)) {
        return Err(BlockError::Input(format!(
            "search_count must be 1 to 1000, not {count}"
        )));
    }
    if !(1..=600).contains(&input.polling_timeout) {
        return Err(BlockError::Input(format!(
            "polling_timeout must be 1 to 600 seconds, not {}",
            input.polling_timeout
        )));
    }
    if let Some(limit) = input
        .search_scope_relationship_limits
        .iter()
        .find(|l| **l < 1)
    {
        return Err(BlockError::Input(format!(
            "search_scope_relationship_limits must be positive, not {limit}"
        )));
    }
    Ok(())
}

/// The SDK's `wait_until_idle` poll interval, as AutoGPT passes it.
const POLL: Duration = Duration::from_secs(5);

impl Block for ExaCreateWebset {
    const META: BlockMeta = BlockMeta::standard(
        "0cda29ff-c549-4a19-8805-c982b7d4ec34",
        "ExaCreateWebsetBlock",
        "Create a new Exa Webset for persistent web search collections with optional waiting for initial results",
        &[Category::Search],
    );
    type Input = CreateInput;
    type Output = CreateOutput;

    async fn run(
        &self,
        input: CreateInput,
        cx: &mut Cx<'_, CreateOutput>,
    ) -> Result<(), BlockError> {
        check(&input)?;
        let body = create_body(&input);
        let client = super::super::client(cx, &input.credentials).await?;
        let started = Instant::now();
        let created = client
            .send_json(cx, Method::POST, &webset_path(None), &body)
            .await?;
        let webset = Webset::from_api(&created);
        if input.wait_for_initial_results && body.get("search").is_some() {
            let timeout = Duration::from_secs(input.polling_timeout as u64);
            let idle = wait_until_idle(&client, cx, &webset.id, timeout, POLL).await?;
            let elapsed = started.elapsed().as_secs_f64();
            // AutoGPT yields the webset as created, and counts the items on the idle one.
            cx.emit(CreateOutput::Webset(Box::new(webset)));
            cx.emit(CreateOutput::InitialItemCount(Some(found(&idle) as i64)));
            cx.emit(CreateOutput::CompletionTime(Some(elapsed)));
        } else {
            cx.emit(CreateOutput::Webset(Box::new(webset)));
        }
        Ok(())
    }
}
