//! Webset searches (AutoGPT's `websets_search.py`): ExaCreateWebsetSearchBlock
//! (`POST /websets/v0/websets/{webset}/searches`, optionally waiting for it to finish) and
//! ExaGetWebsetSearchBlock (`GET …/searches/{id}`); cancel and find-or-create are in
//! `search_manage.rs`.

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::polling::{Backoff, given};
use super::websets_model::SearchEntityType;
use super::{iso, isoformat, maybe_text, metadata, number, text};

pub struct ExaCreateWebsetSearch;
pub struct ExaGetWebsetSearch;

/// Refuses ids left blank, which would address a different resource of the API.
pub(super) fn present(ids: &[(&str, &str)]) -> Result<(), BlockError> {
    match ids.iter().find(|(_, v)| v.trim().is_empty()) {
        Some((name, _)) => Err(BlockError::Input(format!("{name} must not be empty"))),
        None => Ok(()),
    }
}

/// The `status` of an API object ("" when missing).
pub(super) fn status_of(v: &Value) -> String {
    v["status"].as_str().unwrap_or_default().to_string()
}

/// A webset's searches (or one search), ids as escaped path segments.
pub(super) fn searches_path(webset: &str, search: Option<&str>) -> String {
    let base = format!(
        "/websets/v0/websets/{}/searches",
        crate::api::segment(webset)
    );
    match search {
        Some(id) => format!("{base}/{}", crate::api::segment(id)),
        None => base,
    }
}

/// The finished states of a search. AutoGPT's create blocks spell the last "cancelled", which
/// the API never sends; both spellings end the wait here.
pub(super) fn finished(status: &str) -> bool {
    matches!(status, "completed" | "failed" | "canceled" | "cancelled")
}

/// AutoGPT's `SearchBehavior`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SearchBehavior {
    Override,
    Append,
    Merge,
}

fn append() -> SearchBehavior {
    SearchBehavior::Append
}
fn ten() -> i64 {
    10
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
    /// The ID or external ID of the Webset
    pub webset_id: String,
    /// Search query describing what to find
    pub query: String,
    /// Number of items to find
    #[serde(default = "ten")]
    #[schemars(range(min = 1, max = 1000))]
    pub count: i64,
    /// Type of entity to search for
    #[serde(default)]
    pub entity_type: SearchEntityType,
    /// Description for custom entity type
    #[serde(default)]
    pub entity_description: Option<String>,
    /// List of criteria that items must meet. If not provided, auto-detected from query.
    #[serde(default)]
    pub criteria: Vec<String>,
    /// How new results interact with existing items
    #[serde(default = "append")]
    pub behavior: SearchBehavior,
    /// Enable recall estimation for expected results
    #[serde(default = "yes")]
    pub recall: bool,
    /// IDs of imports/websets to exclude from results
    #[serde(default)]
    pub exclude_source_ids: Vec<String>,
    /// Types of sources to exclude ('import' or 'webset')
    #[serde(default)]
    pub exclude_source_types: Vec<String>,
    /// IDs of imports/websets to limit search scope to
    #[serde(default)]
    pub scope_source_ids: Vec<String>,
    /// Types of scope sources ('import' or 'webset')
    #[serde(default)]
    pub scope_source_types: Vec<String>,
    /// Relationship definitions for hop searches
    #[serde(default)]
    pub scope_relationships: Vec<String>,
    /// Limits on related entities to find
    #[serde(default)]
    pub scope_relationship_limits: Vec<i64>,
    /// Metadata to attach to the search
    #[serde(default)]
    pub metadata: Option<Map<String, Value>>,
    /// Wait for the search to complete before returning
    #[serde(default)]
    pub wait_for_completion: bool,
    /// Maximum time to wait for completion in seconds
    #[serde(default = "three_hundred")]
    #[schemars(range(min = 1, max = 600))]
    pub polling_timeout: i64,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum CreateOutput {
    /// The unique identifier for the created search
    SearchId(String),
    /// The webset this search belongs to
    WebsetId(String),
    /// Current status of the search
    Status(String),
    /// The search query
    Query(String),
    /// Recall estimation of expected results
    ExpectedResults(Map<String, Value>),
    /// Number of items found (if wait_for_completion was True)
    ItemsFound(Option<i64>),
    /// Time taken to complete in seconds (if wait_for_completion was True)
    CompletionTime(Option<f64>),
}

/// The source at `idx` of a list of ids and their parallel list of types ("import" when short).
fn source(ids: &[String], types: &[String], idx: usize) -> Map<String, Value> {
    let kind = types.get(idx).map_or("import", String::as_str);
    let mut item = Map::new();
    item.insert("source".into(), json!(kind));
    item.insert("id".into(), json!(ids[idx]));
    item
}

impl CreateInput {
    /// The create-search request, as AutoGPT builds it.
    fn payload(&self) -> Value {
        let mut body = json!({"query": self.query, "count": self.count,
            "behavior": self.behavior, "recall": self.recall});
        if self.entity_type != SearchEntityType::Auto {
            let mut entity = json!({"type": self.entity_type});
            if let (SearchEntityType::Custom, Some(d)) =
                (self.entity_type, self.entity_description.as_deref())
                && !d.is_empty()
            {
                entity["description"] = json!(d);
            }
            body["entity"] = entity;
        }
        if !self.criteria.is_empty() {
            body["criteria"] = self
                .criteria
                .iter()
                .map(|c| json!({"description": c}))
                .collect();
        }
        let ids = &self.exclude_source_ids;
        if !ids.is_empty() {
            body["exclude"] = (0..ids.len())
                .map(|i| Value::Object(source(ids, &self.exclude_source_types, i)))
                .collect();
        }
        let ids = &self.scope_source_ids;
        if !ids.is_empty() {
            body["scope"] = (0..ids.len())
                .map(|i| {
                    let mut item = source(ids, &self.scope_source_types, i);
                    if let Some(definition) = self.scope_relationships.get(i) {
                        let mut relationship = json!({"definition": definition});
                        if let Some(limit) = self.scope_relationship_limits.get(i) {
                            relationship["limit"] = json!(limit);
                        }
                        item.insert("relationship".into(), relationship);
                    }
                    Value::Object(item)
                })
                .collect();
        }
        if let Some(metadata) = self.metadata.as_ref().filter(|m| !m.is_empty()) {
            body["metadata"] = Value::Object(metadata.clone());
        }
        body
    }
}

/// The recall estimate as the create block reports it (empty without one).
fn expected_results(search: &Value) -> Map<String, Value> {
    let recall = &search["recall"];
    if !recall.is_object() {
        return Map::new();
    }
    let expected = given(recall, "expected", json!({}));
    let bounds = given(&expected, "bounds", json!({}));
    let mut out = Map::new();
    out.insert("total".into(), given(&expected, "total", json!(0)));
    out.insert(
        "confidence".into(),
        given(&expected, "confidence", json!("")),
    );
    out.insert("min".into(), given(&bounds, "min", json!(0)));
    out.insert("max".into(), given(&bounds, "max", json!(0)));
    out.insert("reasoning".into(), given(recall, "reasoning", json!("")));
    out
}

/// The recall estimate as the get and wait blocks report it (empty without one).
pub(super) fn recall_info(search: &Value) -> Map<String, Value> {
    let renamed = [
        ("total", "expected_total"),
        ("confidence", "confidence"),
        ("min", "min_expected"),
        ("max", "max_expected"),
        ("reasoning", "reasoning"),
    ];
    let mut plain = expected_results(search);
    renamed
        .iter()
        .filter_map(|(from, to)| plain.remove(*from).map(|v| (to.to_string(), v)))
        .collect()
}

impl Block for ExaCreateWebsetSearch {
    const META: BlockMeta = BlockMeta::standard(
        "342ff776-2e2c-4cdb-b392-4eeb34b21d5f",
        "ExaCreateWebsetSearchBlock",
        "Add a new search to an existing webset to find more items",
        &[Category::Search],
    );
    type Input = CreateInput;
    type Output = CreateOutput;

    async fn run(
        &self,
        input: CreateInput,
        cx: &mut Cx<'_, CreateOutput>,
    ) -> Result<(), BlockError> {
        present(&[("webset_id", &input.webset_id), ("query", &input.query)])?;
        if !(1..=1000).contains(&input.count) || !(1..=600).contains(&input.polling_timeout) {
            return Err(BlockError::Input(format!(
                "count must be 1 to 1000 and polling_timeout 1 to 600 seconds, not {} and {}",
                input.count, input.polling_timeout
            )));
        }
        let client = super::super::client(cx, &input.credentials).await?;
        let mut backoff = Backoff::new(input.polling_timeout, 5.0, 1.5, 30.0);
        let path = searches_path(&input.webset_id, None);
        let created = client
            .send_json(cx, Method::POST, &path, &input.payload())
            .await?;
        let search_id = created["id"].as_str().unwrap_or_default().to_string();
        let expected = expected_results(&created);
        let mut status = status_of(&created);
        let mut waited = None;
        if input.wait_for_completion {
            let path = searches_path(&input.webset_id, Some(&search_id));
            let mut found = 0;
            if let Some(current) = backoff.poll(cx, &client, &path, finished).await? {
                status = status_of(&current);
                found = number(&current["progress"]["found"]);
            }
            waited = Some((found, backoff.elapsed()));
        }
        cx.emit(CreateOutput::SearchId(search_id));
        cx.emit(CreateOutput::WebsetId(input.webset_id));
        cx.emit(CreateOutput::Status(status));
        cx.emit(CreateOutput::Query(input.query));
        cx.emit(CreateOutput::ExpectedResults(expected));
        if let Some((found, elapsed)) = waited {
            cx.emit(CreateOutput::ItemsFound(Some(found)));
            cx.emit(CreateOutput::CompletionTime(Some(elapsed)));
        }
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct GetInput {
    /// The Exa integration requires an API Key.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["exa"], "credentials_types" = ["api_key"]))]
    pub credentials: CredentialsMeta,
    /// The ID or external ID of the Webset
    pub webset_id: String,
    /// The ID of the search to retrieve
    pub search_id: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum GetOutput {
    /// The unique identifier for the search
    SearchId(String),
    /// Current status of the search
    Status(String),
    /// The search query
    Query(String),
    /// Type of entity being searched
    EntityType(String),
    /// Criteria used for verification
    Criteria(Vec<Value>),
    /// Search progress information
    Progress(Map<String, Value>),
    /// Recall estimation information
    Recall(Map<String, Value>),
    /// When the search was created
    CreatedAt(String),
    /// When the search was last updated
    UpdatedAt(String),
    /// When the search was canceled (if applicable)
    CanceledAt(Option<String>),
    /// Reason for cancellation (if applicable)
    CanceledReason(Option<String>),
    /// Metadata attached to the search
    Metadata(Map<String, Value>),
}

/// `key` of `obj` when present (null included, as a dump without `exclude_none`), else `default`.
fn dumped(obj: &Value, key: &str, default: Value) -> Value {
    obj.get(key).cloned().unwrap_or(default)
}

impl Block for ExaGetWebsetSearch {
    const META: BlockMeta = BlockMeta::standard(
        "4fa3e627-a0ff-485f-8732-52148051646c",
        "ExaGetWebsetSearchBlock",
        "Get the status and details of a webset search",
        &[Category::Search],
    );
    type Input = GetInput;
    type Output = GetOutput;

    async fn run(&self, input: GetInput, cx: &mut Cx<'_, GetOutput>) -> Result<(), BlockError> {
        present(&[
            ("webset_id", &input.webset_id),
            ("search_id", &input.search_id),
        ])?;
        let client = super::super::client(cx, &input.credentials).await?;
        let path = searches_path(&input.webset_id, Some(&input.search_id));
        let search = client.get_json(cx, &path, &[]).await?;
        let progress = given(&search, "progress", json!({}));
        let mut progress_info = Map::new();
        for (from, to) in [
            ("found", "found"),
            ("analyzed", "analyzed"),
            ("completion", "completion"),
            ("timeLeft", "time_left"),
        ] {
            progress_info.insert(to.into(), dumped(&progress, from, json!(0)));
        }
        let entity_type = search["entity"]["type"].as_str().unwrap_or("auto");
        cx.emit(GetOutput::SearchId(text(&search["id"])));
        cx.emit(GetOutput::Status(status_of(&search)));
        cx.emit(GetOutput::Query(text(&search["query"])));
        cx.emit(GetOutput::EntityType(entity_type.to_string()));
        cx.emit(GetOutput::Criteria(
            search["criteria"].as_array().cloned().unwrap_or_default(),
        ));
        cx.emit(GetOutput::Progress(progress_info));
        cx.emit(GetOutput::Recall(recall_info(&search)));
        cx.emit(GetOutput::CreatedAt(iso(&search["createdAt"])));
        cx.emit(GetOutput::UpdatedAt(iso(&search["updatedAt"])));
        cx.emit(GetOutput::CanceledAt(
            search["canceledAt"].as_str().map(isoformat),
        ));
        cx.emit(GetOutput::CanceledReason(maybe_text(
            &search["canceledReason"],
        )));
        cx.emit(GetOutput::Metadata(metadata(&search)));
        Ok(())
    }
}

#[cfg(test)]
#[path = "search_tests.rs"]
pub(super) mod tests;
