//! The Docs blocks that write Markdown, formatted (AutoGPT's "Markdown Blocks"):
//! GoogleDocsAppendMarkdownBlock, GoogleDocsReplaceAllWithMarkdownBlock,
//! GoogleDocsInsertMarkdownAtBlock, GoogleDocsReplaceRangeWithMarkdownBlock,
//! GoogleDocsReplaceContentWithMarkdownBlock. `md::to_requests` does the converting.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use super::edit::ResultOutput;
use super::md::to_requests;
use super::{Doc, validate};
use crate::google::drive::Picked;

pub struct GoogleDocsAppendMarkdown;
pub struct GoogleDocsReplaceAllWithMarkdown;
pub struct GoogleDocsInsertMarkdownAt;
pub struct GoogleDocsReplaceRangeWithMarkdown;
pub struct GoogleDocsReplaceContentWithMarkdown;

fn yes() -> bool {
    true
}
fn one() -> i64 {
    1
}

/// AutoGPT's checks before any call: a Google Doc, then some Markdown.
async fn open(
    cx: &mut Cx<'_, ResultOutput>,
    picked: &Picked,
    markdown: &str,
    prefix: &'static str,
) -> Result<Doc, BlockError> {
    validate(picked)?;
    if markdown.is_empty() {
        return Err(BlockError::Input("No markdown content provided".into()));
    }
    Doc::open(cx, picked, prefix).await
}

fn done(cx: &mut Cx<'_, ResultOutput>, doc: &Doc, result: Value) -> Result<(), BlockError> {
    cx.emit(ResultOutput::Result(result));
    cx.emit(ResultOutput::Document(doc.chained()));
    Ok(())
}

/// Sends the Markdown's requests (if any) and answers AutoGPT's `success`/`requests_count`.
async fn insert(
    cx: &mut Cx<'_, ResultOutput>,
    doc: &Doc,
    markdown: &str,
    at: i64,
) -> Result<usize, BlockError> {
    let requests = to_requests(markdown, at);
    if !requests.is_empty() {
        doc.batch_update(cx, Value::Array(requests.clone())).await?;
    }
    Ok(requests.len())
}

#[derive(Deserialize, JsonSchema)]
pub struct AppendInput {
    /// Select a Google Doc to append to
    #[serde(default)]
    pub document: Picked,
    /// Markdown content to append to the document
    pub markdown: String,
    /// Add a newline before the appended content
    #[serde(default = "yes")]
    pub add_newline: bool,
}

impl Block for GoogleDocsAppendMarkdown {
    const META: BlockMeta = BlockMeta::standard(
        "60854b69-ecbd-4188-bd89-f7966a4d3b38",
        "GoogleDocsAppendMarkdownBlock",
        "Append Markdown content to the end of a Google Doc with full formatting - ideal for LLM/AI output",
        &[Category::Data],
    );
    type Input = AppendInput;
    type Output = ResultOutput;

    async fn run(
        &self,
        input: AppendInput,
        cx: &mut Cx<'_, ResultOutput>,
    ) -> Result<(), BlockError> {
        let prefix = "Failed to append markdown: ";
        let doc = open(cx, &input.document, &input.markdown, prefix).await?;
        let mut end = doc.end_index(cx).await?;
        // AutoGPT sends the newline on its own, and only after existing content.
        if input.add_newline && end > 1 {
            let newline = json!([{"insertText": {"location": {"index": end}, "text": "\n"}}]);
            doc.batch_update(cx, newline).await?;
            end += 1;
        }
        let count = insert(cx, &doc, &input.markdown, end).await?;
        done(cx, &doc, json!({"success": true, "requests_count": count}))
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct ReplaceAllInput {
    /// Select a Google Doc to replace content in
    #[serde(default)]
    pub document: Picked,
    /// Markdown content to replace the document with
    pub markdown: String,
}

impl Block for GoogleDocsReplaceAllWithMarkdown {
    const META: BlockMeta = BlockMeta::standard(
        "b6cfb2de-5f0b-437c-b29d-45aebbda9c00",
        "GoogleDocsReplaceAllWithMarkdownBlock",
        "Replace entire Google Doc content with formatted Markdown - ideal for LLM/AI output",
        &[Category::Data],
    );
    type Input = ReplaceAllInput;
    type Output = ResultOutput;

    async fn run(
        &self,
        input: ReplaceAllInput,
        cx: &mut Cx<'_, ResultOutput>,
    ) -> Result<(), BlockError> {
        let prefix = "Failed to replace document with markdown: ";
        let doc = open(cx, &input.document, &input.markdown, prefix).await?;
        let end = doc.end_index(cx).await?;
        if end > 1 {
            let range = json!({"startIndex": 1, "endIndex": end});
            doc.batch_update(cx, json!([{"deleteContentRange": {"range": range}}]))
                .await?;
        }
        let count = insert(cx, &doc, &input.markdown, 1).await?;
        done(cx, &doc, json!({"success": true, "requests_count": count}))
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct InsertAtInput {
    /// Select a Google Doc to insert into
    #[serde(default)]
    pub document: Picked,
    /// Markdown content to insert
    pub markdown: String,
    /// Position index to insert at (1 = start of document)
    #[serde(default = "one")]
    #[schemars(range(min = 1))]
    pub index: i64,
}

impl Block for GoogleDocsInsertMarkdownAt {
    const META: BlockMeta = BlockMeta::standard(
        "76e94b04-e02f-4981-8cb8-47ece1be18b4",
        "GoogleDocsInsertMarkdownAtBlock",
        "Insert formatted Markdown at a specific position in a Google Doc - ideal for LLM/AI output",
        &[Category::Data],
    );
    type Input = InsertAtInput;
    type Output = ResultOutput;

    async fn run(
        &self,
        input: InsertAtInput,
        cx: &mut Cx<'_, ResultOutput>,
    ) -> Result<(), BlockError> {
        if input.index < 1 {
            return Err(BlockError::Input(
                "index must be greater than or equal to 1".into(),
            ));
        }
        let prefix = "Failed to insert markdown: ";
        let doc = open(cx, &input.document, &input.markdown, prefix).await?;
        let count = insert(cx, &doc, &input.markdown, input.index).await?;
        done(cx, &doc, json!({"success": true, "requests_count": count}))
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct ReplaceRangeInput {
    /// Select a Google Doc
    #[serde(default)]
    pub document: Picked,
    /// Markdown content to insert in place of the range
    pub markdown: String,
    /// Start index of the range to replace (must be >= 1)
    #[schemars(range(min = 1))]
    pub start_index: i64,
    /// End index of the range to replace
    pub end_index: i64,
}

impl Block for GoogleDocsReplaceRangeWithMarkdown {
    const META: BlockMeta = BlockMeta::standard(
        "9e43a905-a918-4da0-8874-dfddd3c46953",
        "GoogleDocsReplaceRangeWithMarkdownBlock",
        "Replace a specific index range in a Google Doc with formatted Markdown - ideal for LLM/AI output",
        &[Category::Data],
    );
    type Input = ReplaceRangeInput;
    type Output = ResultOutput;

    async fn run(
        &self,
        input: ReplaceRangeInput,
        cx: &mut Cx<'_, ResultOutput>,
    ) -> Result<(), BlockError> {
        if input.start_index < 1 {
            return Err(BlockError::Input(
                "start_index must be greater than or equal to 1".into(),
            ));
        }
        validate(&input.document)?;
        if input.markdown.is_empty() {
            return Err(BlockError::Input("No markdown content provided".into()));
        }
        if input.start_index >= input.end_index {
            return Err(BlockError::Input(
                "Start index must be less than end index".into(),
            ));
        }
        let prefix = "Failed to replace range with markdown: ";
        let doc = Doc::open(cx, &input.document, prefix).await?;
        let range = json!({"startIndex": input.start_index, "endIndex": input.end_index});
        doc.batch_update(cx, json!([{"deleteContentRange": {"range": range}}]))
            .await?;
        let count = insert(cx, &doc, &input.markdown, input.start_index).await?;
        let deleted = input.end_index - input.start_index;
        let result =
            json!({"success": true, "requests_count": count, "characters_deleted": deleted});
        done(cx, &doc, result)
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct ReplaceContentInput {
    /// Select a Google Doc
    #[serde(default)]
    pub document: Picked,
    /// Text to find and replace (e.g., '{{PLACEHOLDER}}' or any text)
    pub find_text: String,
    /// Markdown content to replace the found text with
    pub markdown: String,
    /// Match case when finding text
    #[serde(default)]
    pub match_case: bool,
}

impl Block for GoogleDocsReplaceContentWithMarkdown {
    const META: BlockMeta = BlockMeta::standard(
        "2cc58467-90a9-4ef8-a7a7-700784f93b76",
        "GoogleDocsReplaceContentWithMarkdownBlock",
        "Find text and replace it with formatted Markdown - ideal for LLM/AI output and templates",
        &[Category::Data],
    );
    type Input = ReplaceContentInput;
    type Output = ResultOutput;

    async fn run(
        &self,
        input: ReplaceContentInput,
        cx: &mut Cx<'_, ResultOutput>,
    ) -> Result<(), BlockError> {
        validate(&input.document)?;
        if input.find_text.is_empty() {
            return Err(BlockError::Input("No find text provided".into()));
        }
        let prefix = "Failed to replace content with markdown: ";
        let doc = open(cx, &input.document, &input.markdown, prefix).await?;
        let document = doc.get(cx).await?;
        let mut found = Vec::new();
        find_in(
            &document["body"]["content"],
            &input.find_text,
            input.match_case,
            &mut found,
        );
        let mut total = 0;
        // From the last match back, so earlier indexes still hold; one batch per match.
        for &(start, end) in found.iter().rev() {
            let mut requests = vec![
                json!({"deleteContentRange": {"range": {"startIndex": start, "endIndex": end}}}),
            ];
            requests.extend(to_requests(&input.markdown, start));
            total += requests.len();
            doc.batch_update(cx, Value::Array(requests)).await?;
        }
        let result =
            json!({"success": true, "replacements_made": found.len(), "requests_count": total});
        done(cx, &doc, result)
    }
}

/// AutoGPT's `_find_text_positions`: matches inside each text run (and table cell), by the
/// runs' own `startIndex`, counted in UTF-16 units as Docs counts.
fn find_in(content: &Value, find: &str, match_case: bool, out: &mut Vec<(i64, i64)>) {
    let needle = if match_case {
        find.to_string()
    } else {
        find.to_lowercase()
    };
    let width = find.encode_utf16().count() as i64;
    for element in content.as_array().into_iter().flatten() {
        if let Some(paragraph) = element.get("paragraph") {
            for run in paragraph["elements"].as_array().into_iter().flatten() {
                let Some(text) = run["textRun"]["content"].as_str() else {
                    continue;
                };
                let start = run["startIndex"].as_i64().unwrap_or(0);
                let hay = if match_case {
                    text.to_string()
                } else {
                    text.to_lowercase()
                };
                let mut from = 0;
                while let Some(at) = hay[from..].find(&needle) {
                    let at = from + at;
                    let offset = hay[..at].encode_utf16().count() as i64;
                    out.push((start + offset, start + offset + width));
                    from = at + needle.len().max(1);
                }
            }
        } else if let Some(table) = element.get("table") {
            for row in table["tableRows"].as_array().into_iter().flatten() {
                for cell in row["tableCells"].as_array().into_iter().flatten() {
                    find_in(&cell["content"], find, match_case, out);
                }
            }
        }
    }
}
