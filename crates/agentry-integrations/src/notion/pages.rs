//! NotionReadPageBlock (`GET /v1/pages/{id}` as raw JSON), NotionReadPageMarkdownBlock (the
//! page's title and every block, nested ones too, `GET /v1/blocks/{id}/children` page by page,
//! as Markdown) and NotionCreatePageBlock (`POST /v1/pages` under a page or in a database).

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx};
use reqwest::Method;
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::{markdown, notion_input, object_path, page_title};
use crate::api::Client;

/// Blocks asked per page of children (Notion's maximum).
const PAGE_SIZE: &str = "100";

notion_input!(
    pub struct ReadInput {
        /// Notion page ID. Must be accessible by the connected integration. You can get this
        /// from the page URL notion.so/A-Page-586edd711467478da59fe3ce29a1ffab would be
        /// 586edd711467478da59fe35e29a1ffab
        pub page_id: String,
    }
);

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum ReadOutput {
    /// Raw Notion page JSON.
    Page(Map<String, Value>),
}

pub struct NotionReadPage;

impl Block for NotionReadPage {
    const META: BlockMeta = BlockMeta::standard(
        "5246cc1d-34b7-452b-8fc5-3fb25fd8f542",
        "NotionReadPageBlock",
        "Read a Notion page by its ID and return its raw JSON.",
        &[Category::Productivity],
    );
    type Input = ReadInput;
    type Output = ReadOutput;

    async fn run(&self, input: ReadInput, cx: &mut Cx<'_, ReadOutput>) -> Result<(), BlockError> {
        let client = super::client(cx, &input.credentials).await?;
        let page = client
            .get_json(cx, &object_path("pages", &input.page_id), &[])
            .await?;
        cx.emit(ReadOutput::Page(
            page.as_object().cloned().unwrap_or_default(),
        ));
        Ok(())
    }
}

fn yes() -> bool {
    true
}

notion_input!(
    pub struct MarkdownInput {
        /// Notion page ID. Must be accessible by the connected integration. You can get this
        /// from the page URL notion.so/A-Page-586edd711467478da59fe35e29a1ffab would be
        /// 586edd711467478da59fe35e29a1ffab
        pub page_id: String,
        /// Whether to include the page title as a header in the markdown
        #[serde(default = "yes")]
        pub include_title: bool,
    }
);

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum MarkdownOutput {
    /// Page content in Markdown format.
    Markdown(String),
    /// Page title.
    Title(String),
}

/// Every child block of `id`, each page of results, and the children of those that have some.
async fn all_blocks<O: Serialize>(
    cx: &mut Cx<'_, O>,
    client: &Client,
    id: &str,
) -> Result<Vec<Value>, BlockError> {
    // Depth first with an explicit stack: a future cannot recurse without boxing.
    let mut blocks = fetch_children(cx, client, id).await?;
    let mut pending: Vec<Vec<usize>> = (0..blocks.len()).rev().map(|i| vec![i]).collect();
    while let Some(at) = pending.pop() {
        let block = locate(&mut blocks, &at);
        if !block["has_children"].as_bool().unwrap_or(false) {
            continue;
        }
        let child_id = block["id"].as_str().unwrap_or_default().to_string();
        let children = fetch_children(cx, client, &child_id).await?;
        for i in (0..children.len()).rev() {
            let mut path = at.clone();
            path.push(i);
            pending.push(path);
        }
        locate(&mut blocks, &at)["children"] = Value::Array(children);
    }
    Ok(blocks)
}

/// The block at `path` (indexes through `children`).
fn locate<'v>(blocks: &'v mut [Value], path: &[usize]) -> &'v mut Value {
    let mut block = &mut blocks[path[0]];
    for &i in &path[1..] {
        block = &mut block["children"][i];
    }
    block
}

async fn fetch_children<O: Serialize>(
    cx: &mut Cx<'_, O>,
    client: &Client,
    id: &str,
) -> Result<Vec<Value>, BlockError> {
    let path = format!("{}/children", object_path("blocks", id));
    let mut blocks = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut query = vec![("page_size", PAGE_SIZE.to_string())];
        if let Some(cursor) = &cursor {
            query.push(("start_cursor", cursor.clone()));
        }
        let page = client.get_json(cx, &path, &query).await?;
        blocks.extend(page["results"].as_array().cloned().unwrap_or_default());
        cursor = page["next_cursor"].as_str().map(str::to_string);
        if !page["has_more"].as_bool().unwrap_or(false) || cursor.is_none() {
            return Ok(blocks);
        }
    }
}

pub struct NotionReadPageMarkdown;

impl Block for NotionReadPageMarkdown {
    const META: BlockMeta = BlockMeta::standard(
        "d1312c4d-fae2-4e70-893d-f4d07cce1d4e",
        "NotionReadPageMarkdownBlock",
        "Read a Notion page and convert it to Markdown format with proper formatting for \
         headings, lists, links, and rich text.",
        &[Category::Productivity],
    );
    type Input = MarkdownInput;
    type Output = MarkdownOutput;

    async fn run(
        &self,
        input: MarkdownInput,
        cx: &mut Cx<'_, MarkdownOutput>,
    ) -> Result<(), BlockError> {
        let client = super::client(cx, &input.credentials).await?;
        let page = client
            .get_json(cx, &object_path("pages", &input.page_id), &[])
            .await?;
        let title = page_title(&page);
        let blocks = all_blocks(cx, &client, &input.page_id).await?;
        let content = markdown::blocks_markdown(&blocks);
        let markdown = if input.include_title && !title.is_empty() {
            format!("# {title}\n\n{content}")
        } else {
            content
        };
        cx.emit(MarkdownOutput::Markdown(markdown));
        cx.emit(MarkdownOutput::Title(title));
        Ok(())
    }
}

notion_input!(
    pub struct CreateInput {
        /// Parent page ID to create the page under. Either this OR parent_database_id is
        /// required.
        #[serde(default)]
        pub parent_page_id: Option<String>,
        /// Parent database ID to create the page in. Either this OR parent_page_id is required.
        #[serde(default)]
        pub parent_database_id: Option<String>,
        /// Title of the new page
        pub title: String,
        /// Content for the page. Can be plain text or markdown - will be converted to Notion
        /// blocks.
        #[serde(default)]
        pub content: Option<String>,
        /// Additional properties for database pages (e.g., {'Status': 'In Progress',
        /// 'Priority': 'High'})
        #[serde(default)]
        pub properties: Option<Map<String, Value>>,
        /// Emoji to use as the page icon (e.g., '📄', '🚀')
        #[serde(default)]
        pub icon_emoji: Option<String>,
    }
);

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum CreateOutput {
    /// ID of the created page.
    PageId(String),
    /// URL of the created page.
    PageUrl(String),
}

/// AutoGPT's `_build_properties`: the title, then each extra property typed by its value (and,
/// for strings, by its name: status/priority/type/category are selects, url/link URLs).
pub fn page_properties(title: &str, extra: Option<&Map<String, Value>>) -> Map<String, Value> {
    let mut properties = Map::new();
    properties.insert(
        "title".into(),
        json!({"title": [{"type": "text", "text": {"content": title}}]}),
    );
    for (key, value) in extra.into_iter().flatten() {
        let name = key.to_lowercase();
        let property = match value {
            _ if name == "title" => continue,
            Value::Bool(b) => json!({"checkbox": b}),
            Value::Number(n) => json!({"number": n}),
            Value::Array(items) => {
                let names: Vec<Value> = items
                    .iter()
                    .map(|i| json!({"name": i.as_str().map_or_else(|| i.to_string(), str::to_string)}))
                    .collect();
                json!({"multi_select": names})
            }
            Value::String(s) => match name.as_str() {
                "status" | "priority" | "type" | "category" => json!({"select": {"name": s}}),
                "url" | "link" => json!({"url": s}),
                "email" => json!({"email": s}),
                _ => json!({"rich_text": [{"type": "text", "text": {"content": s}}]}),
            },
            _ => continue,
        };
        properties.insert(key.clone(), property);
    }
    properties
}

pub struct NotionCreatePage;

impl Block for NotionCreatePage {
    const META: BlockMeta = BlockMeta::standard(
        "c15febe0-66ce-4c6f-aebd-5ab351653804",
        "NotionCreatePageBlock",
        "Create a new page in Notion. Requires EITHER a parent_page_id OR parent_database_id. \
         Supports markdown content.",
        &[Category::Productivity],
    );
    type Input = CreateInput;
    type Output = CreateOutput;

    async fn run(
        &self,
        input: CreateInput,
        cx: &mut Cx<'_, CreateOutput>,
    ) -> Result<(), BlockError> {
        let given = |id: &Option<String>| id.clone().filter(|i| !i.is_empty());
        let parent = match (
            given(&input.parent_page_id),
            given(&input.parent_database_id),
        ) {
            (Some(page), None) => json!({"type": "page_id", "page_id": page}),
            (None, Some(db)) => json!({"type": "database_id", "database_id": db}),
            (None, None) => {
                return Err(BlockError::Input(
                    "Either parent_page_id or parent_database_id must be provided".into(),
                ));
            }
            (Some(_), Some(_)) => {
                return Err(BlockError::Input(
                    "Only one of parent_page_id or parent_database_id should be provided, not both"
                        .into(),
                ));
            }
        };
        let mut body = json!({"parent": parent,
                              "properties": page_properties(&input.title, input.properties.as_ref())});
        let children = markdown::to_blocks(input.content.as_deref().unwrap_or_default());
        if !children.is_empty() {
            body["children"] = json!(children);
        }
        if let Some(emoji) = input.icon_emoji.filter(|e| !e.is_empty()) {
            body["icon"] = json!({"type": "emoji", "emoji": emoji});
        }
        let client = super::client(cx, &input.credentials).await?;
        let page = client
            .send_json(cx, Method::POST, "/v1/pages", &body)
            .await?;
        let (id, url) = (page["id"].as_str(), page["url"].as_str());
        let (Some(id), Some(url)) = (id.filter(|i| !i.is_empty()), url.filter(|u| !u.is_empty()))
        else {
            return Err(BlockError::System(
                "Failed to get page ID or URL from Notion response".into(),
            ));
        };
        cx.emit(CreateOutput::PageId(id.into()));
        cx.emit(CreateOutput::PageUrl(url.into()));
        Ok(())
    }
}
