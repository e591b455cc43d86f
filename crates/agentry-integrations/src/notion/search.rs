//! NotionSearchBlock (`POST /v1/search`: pages and databases the integration can see) and
//! NotionReadDatabaseBlock (`POST /v1/databases/{id}/query`, each entry's properties as plain
//! values, and the database's title).

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::{notion_input, object_path, page_title, plain_text};

fn twenty() -> i64 {
    20
}

notion_input!(
    pub struct SearchInput {
        /// Search query text. Leave empty to get all accessible pages/databases.
        #[serde(default)]
        pub query: String,
        /// Filter results by type: 'page' or 'database'. Leave empty for both.
        #[serde(default)]
        pub filter_type: Option<String>,
        /// Maximum number of results to return
        #[serde(default = "twenty")]
        #[schemars(range(min = 1, max = 100))]
        pub limit: i64,
    }
);

/// AutoGPT's `NotionSearchResult`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct NotionSearchResult {
    pub id: String,
    /// 'page' or 'database'
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub url: String,
    pub created_time: Option<String>,
    pub last_edited_time: Option<String>,
    /// 'page', 'database', or 'workspace'
    pub parent_type: Option<String>,
    pub parent_id: Option<String>,
    /// The emoji icon, if any.
    pub icon: Option<String>,
    /// Databases only.
    pub is_inline: Option<bool>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum SearchOutput {
    /// List of search results with title, type, URL, and metadata.
    Results(Vec<NotionSearchResult>),
    /// Individual search result (yields one per result found).
    Result(NotionSearchResult),
    /// List of IDs from search results for batch operations.
    ResultIds(Vec<String>),
    /// Number of results found.
    Count(i64),
}

fn string(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

/// One search hit as AutoGPT summarises it.
pub fn search_result(item: &Value) -> NotionSearchResult {
    let object = item["object"].as_str().unwrap_or_default();
    let parent = &item["parent"];
    let (parent_type, parent_id) = match (object, parent["type"].as_str()) {
        ("page" | "database", Some("page_id")) => (Some("page"), string(&parent["page_id"])),
        ("page", Some("database_id")) => (Some("database"), string(&parent["database_id"])),
        ("page" | "database", Some("workspace")) => (Some("workspace"), None),
        _ => (None, None),
    };
    let icon = (item["icon"]["type"] == "emoji")
        .then(|| string(&item["icon"]["emoji"]))
        .flatten();
    NotionSearchResult {
        id: item["id"].as_str().unwrap_or_default().into(),
        kind: object.into(),
        title: match object {
            "page" => page_title(item),
            "database" => plain_text(&item["title"]),
            _ => String::new(),
        },
        url: item["url"].as_str().unwrap_or_default().into(),
        created_time: string(&item["created_time"]),
        last_edited_time: string(&item["last_edited_time"]),
        parent_type: parent_type.map(str::to_string),
        parent_id,
        icon: icon.filter(|_| object == "page" || object == "database"),
        is_inline: (object == "database").then(|| item["is_inline"].as_bool().unwrap_or(false)),
    }
}

pub struct NotionSearch;

impl Block for NotionSearch {
    const META: BlockMeta = BlockMeta::standard(
        "313515dd-9848-46ea-9cd6-3c627c892c56",
        "NotionSearchBlock",
        "Search your Notion workspace for pages and databases by text query.",
        &[Category::Productivity, Category::Search],
    );
    type Input = SearchInput;
    type Output = SearchOutput;

    async fn run(
        &self,
        input: SearchInput,
        cx: &mut Cx<'_, SearchOutput>,
    ) -> Result<(), BlockError> {
        let mut body = json!({"page_size": input.limit});
        if !input.query.is_empty() {
            body["query"] = json!(input.query);
        }
        if let Some(kind) = input.filter_type.filter(|k| !k.is_empty()) {
            body["filter"] = json!({"property": "object", "value": kind});
        }
        let client = super::client(cx, &input.credentials).await?;
        let answer = client
            .send_json(cx, Method::POST, "/v1/search", &body)
            .await?;
        let results: Vec<NotionSearchResult> = answer["results"]
            .as_array()
            .into_iter()
            .flatten()
            .map(search_result)
            .collect();
        let count = results.len() as i64;
        cx.emit(SearchOutput::Results(results.clone()));
        cx.emit(SearchOutput::ResultIds(
            results.iter().map(|r| r.id.clone()).collect(),
        ));
        for result in results {
            cx.emit(SearchOutput::Result(result));
        }
        cx.emit(SearchOutput::Count(count));
        Ok(())
    }
}

fn hundred() -> i64 {
    100
}

fn ascending() -> Option<String> {
    Some("ascending".into())
}

notion_input!(
    pub struct DatabaseInput {
        /// Notion database ID. Must be accessible by the connected integration.
        pub database_id: String,
        /// Property name to filter by (e.g., 'Status', 'Priority')
        #[serde(default)]
        pub filter_property: Option<String>,
        /// Value to filter for in the specified property
        #[serde(default)]
        pub filter_value: Option<String>,
        /// Property name to sort by
        #[serde(default)]
        pub sort_property: Option<String>,
        /// Sort direction: 'ascending' or 'descending'
        #[serde(default = "ascending")]
        pub sort_direction: Option<String>,
        /// Maximum number of entries to retrieve
        #[serde(default = "hundred")]
        #[schemars(range(min = 1, max = 100))]
        pub limit: i64,
    }
);

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum DatabaseOutput {
    /// List of database entries with their properties.
    Entries(Vec<Map<String, Value>>),
    /// Individual database entry (yields one per entry found).
    Entry(Map<String, Value>),
    /// List of entry IDs for batch operations.
    EntryIds(Vec<Value>),
    /// Individual entry ID (yields one per entry found).
    EntryId(Value),
    /// Number of entries retrieved.
    Count(i64),
    /// Title of the database.
    DatabaseTitle(String),
}

/// The name of a user-like object, else its id.
fn name_or_id(v: &Value) -> Value {
    v.get("name").cloned().unwrap_or_else(|| v["id"].clone())
}

/// AutoGPT's `_parse_property_value`: a property as a plain value.
pub fn property_value(prop: &Value) -> Value {
    let kind = prop["type"].as_str().unwrap_or_default();
    let list = |key: &str, f: &dyn Fn(&Value) -> Value| -> Value {
        Value::Array(prop[key].as_array().into_iter().flatten().map(f).collect())
    };
    match kind {
        "title" | "rich_text" => json!(plain_text(&prop[kind])),
        "number" | "url" | "email" | "phone_number" | "created_time" | "last_edited_time" => {
            prop.get(kind).cloned().unwrap_or(Value::Null)
        }
        "select" => prop["select"].get("name").cloned().unwrap_or(Value::Null),
        "multi_select" => list("multi_select", &|i| {
            i.get("name").cloned().unwrap_or(Value::Null)
        }),
        "date" => prop["date"].get("start").cloned().unwrap_or(Value::Null),
        "checkbox" => prop.get("checkbox").cloned().unwrap_or(json!(false)),
        "people" => list("people", &name_or_id),
        "files" => list("files", &|f| {
            f.get("name").cloned().unwrap_or_else(|| {
                f["external"]
                    .get("url")
                    .cloned()
                    .unwrap_or_else(|| f["file"].get("url").cloned().unwrap_or(Value::Null))
            })
        }),
        "relation" => list("relation", &|r| r.get("id").cloned().unwrap_or(Value::Null)),
        "formula" | "rollup" => {
            let inner = &prop[kind];
            let which = inner["type"].as_str().unwrap_or_default();
            inner.get(which).cloned().unwrap_or(Value::Null)
        }
        "created_by" | "last_edited_by" => name_or_id(&prop[kind]),
        _ => prop.clone(),
    }
}

pub struct NotionReadDatabase;

impl Block for NotionReadDatabase {
    const META: BlockMeta = BlockMeta::standard(
        "fcd53135-88c9-4ba3-be50-cc6936286e6c",
        "NotionReadDatabaseBlock",
        "Query a Notion database with optional filtering and sorting, returning structured \
         entries.",
        &[Category::Productivity],
    );
    type Input = DatabaseInput;
    type Output = DatabaseOutput;

    async fn run(
        &self,
        input: DatabaseInput,
        cx: &mut Cx<'_, DatabaseOutput>,
    ) -> Result<(), BlockError> {
        let database = object_path("databases", &input.database_id);
        let mut body = json!({"page_size": input.limit});
        let given = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
        if let (Some(property), Some(value)) =
            (given(&input.filter_property), given(&input.filter_value))
        {
            // The value may sit in a text, title, select or multi-select property.
            body["filter"] = json!({"or": [
                {"property": property, "rich_text": {"contains": value}},
                {"property": property, "title": {"contains": value}},
                {"property": property, "select": {"equals": value}},
                {"property": property, "multi_select": {"contains": value}},
            ]});
        }
        if let Some(property) = given(&input.sort_property) {
            let direction = given(&input.sort_direction).unwrap_or_else(|| "ascending".into());
            body["sorts"] = json!([{"property": property, "direction": direction}]);
        }
        let client = super::client(cx, &input.credentials).await?;
        let answer = client
            .send_json(cx, Method::POST, &format!("{database}/query"), &body)
            .await?;
        let entries: Vec<Map<String, Value>> = answer["results"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|page| {
                let mut entry: Map<String, Value> = page["properties"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(name, prop)| (name.clone(), property_value(prop)))
                    .collect();
                for key in ["id", "url", "created_time", "last_edited_time"] {
                    entry.insert(
                        format!("_{key}"),
                        page.get(key).cloned().unwrap_or(Value::Null),
                    );
                }
                entry
            })
            .collect();
        // As AutoGPT: the title is a bonus; a failure to read it names the database unknown.
        let title = match client.get_json(cx, &database, &[]).await {
            Ok(db) => plain_text(&db["title"]),
            Err(_) => "Unknown Database".into(),
        };
        let count = entries.len() as i64;
        let ids: Vec<Value> = entries.iter().map(|e| e["_id"].clone()).collect();
        cx.emit(DatabaseOutput::Entries(entries.clone()));
        cx.emit(DatabaseOutput::EntryIds(ids));
        for entry in entries {
            let id = entry["_id"].clone();
            cx.emit(DatabaseOutput::Entry(entry));
            cx.emit(DatabaseOutput::EntryId(id));
        }
        cx.emit(DatabaseOutput::Count(count));
        cx.emit(DatabaseOutput::DatabaseTitle(title));
        Ok(())
    }
}
