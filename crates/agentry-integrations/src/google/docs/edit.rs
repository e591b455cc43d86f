//! The Docs blocks that change text: GoogleDocsAppendPlainTextBlock,
//! GoogleDocsInsertPlainTextBlock, GoogleDocsFindReplacePlainTextBlock,
//! GoogleDocsInsertPageBreakBlock, GoogleDocsDeleteContentBlock.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::Doc;
use crate::google::drive::{DriveFile, Picked};

pub struct GoogleDocsAppendPlainText;
pub struct GoogleDocsInsertPlainText;
pub struct GoogleDocsFindReplacePlainText;
pub struct GoogleDocsInsertPageBreak;
pub struct GoogleDocsDeleteContent;

/// The pins of the blocks that answer a `result` and the document.
#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum ResultOutput {
    /// Result of the operation
    Result(Value),
    /// The document for chaining
    Document(DriveFile),
}

fn done(cx: &mut Cx<'_, ResultOutput>, doc: &Doc, result: Value) {
    cx.emit(ResultOutput::Result(result));
    cx.emit(ResultOutput::Document(doc.chained()));
}

/// Python's `len(str)`: characters, not bytes.
fn chars(text: &str) -> usize {
    text.chars().count()
}

fn yes() -> bool {
    true
}
fn one() -> i64 {
    1
}

#[derive(Deserialize, JsonSchema)]
pub struct AppendInput {
    /// Select a Google Doc to append to
    #[serde(default)]
    pub document: Picked,
    /// Plain text to append (no formatting applied)
    pub text: String,
    /// Add a newline before the appended text
    #[serde(default = "yes")]
    pub add_newline: bool,
}

impl Block for GoogleDocsAppendPlainText {
    const META: BlockMeta = BlockMeta::standard(
        "ddc29d9f-78dc-4682-8787-c8a76f00cf38",
        "GoogleDocsAppendPlainTextBlock",
        "Append plain text to the end of a Google Doc (no formatting applied)",
        &[Category::Data],
    );
    type Input = AppendInput;
    type Output = ResultOutput;

    async fn run(
        &self,
        input: AppendInput,
        cx: &mut Cx<'_, ResultOutput>,
    ) -> Result<(), BlockError> {
        let doc = Doc::open(cx, &input.document, "Failed to append text: ").await?;
        let end = doc.end_index(cx).await?;
        let text = format!(
            "{}{}",
            if input.add_newline { "\n" } else { "" },
            input.text
        );
        let request = json!([{"insertText": {"location": {"index": end}, "text": text}}]);
        doc.batch_update(cx, request).await?;
        done(
            cx,
            &doc,
            json!({"success": true, "characters_added": chars(&text)}),
        );
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct InsertInput {
    /// Select a Google Doc to insert into
    #[serde(default)]
    pub document: Picked,
    /// Plain text to insert (no formatting applied)
    pub text: String,
    /// Position index to insert at (1 = start of document)
    #[serde(default = "one")]
    pub index: i64,
}

impl Block for GoogleDocsInsertPlainText {
    const META: BlockMeta = BlockMeta::standard(
        "0443fdbc-ebb0-49a4-a3ea-6ace9c14da22",
        "GoogleDocsInsertPlainTextBlock",
        "Insert plain text at a specific position in a Google Doc (no formatting applied)",
        &[Category::Data],
    );
    type Input = InsertInput;
    type Output = ResultOutput;

    async fn run(
        &self,
        input: InsertInput,
        cx: &mut Cx<'_, ResultOutput>,
    ) -> Result<(), BlockError> {
        let doc = Doc::open(cx, &input.document, "Failed to insert text: ").await?;
        let at = input.index.max(1);
        let request = json!([{"insertText": {"location": {"index": at}, "text": input.text}}]);
        doc.batch_update(cx, request).await?;
        done(
            cx,
            &doc,
            json!({"success": true, "characters_inserted": chars(&input.text)}),
        );
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct FindReplaceInput {
    /// Select a Google Doc
    #[serde(default)]
    pub document: Picked,
    /// Plain text to find
    pub find_text: String,
    /// Plain text to replace with (no formatting applied)
    pub replace_text: String,
    /// Match case when finding text
    #[serde(default)]
    pub match_case: bool,
}

impl Block for GoogleDocsFindReplacePlainText {
    const META: BlockMeta = BlockMeta::standard(
        "e5046ee2-b094-418e-a25e-c0f90c91721c",
        "GoogleDocsFindReplacePlainTextBlock",
        "Find and replace plain text in a Google Doc (no formatting applied to replacement)",
        &[Category::Data],
    );
    type Input = FindReplaceInput;
    type Output = ResultOutput;

    async fn run(
        &self,
        input: FindReplaceInput,
        cx: &mut Cx<'_, ResultOutput>,
    ) -> Result<(), BlockError> {
        let doc = Doc::open(cx, &input.document, "Failed to find/replace: ").await?;
        let request = json!([{"replaceAllText": {
            "containsText": {"text": input.find_text, "matchCase": input.match_case},
            "replaceText": input.replace_text,
        }}]);
        let answer = doc.batch_update(cx, request).await?;
        let changed = answer
            .pointer("/replies/0/replaceAllText/occurrencesChanged")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        done(
            cx,
            &doc,
            json!({"success": true, "replacements_made": changed}),
        );
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct PageBreakInput {
    /// Select a Google Doc
    #[serde(default)]
    pub document: Picked,
    /// Position to insert page break (0 = end of document)
    #[serde(default)]
    pub index: i64,
}

impl Block for GoogleDocsInsertPageBreak {
    const META: BlockMeta = BlockMeta::standard(
        "f199e674-803b-4ee8-8bbf-172e6512190b",
        "GoogleDocsInsertPageBreakBlock",
        "Insert a page break into a Google Doc",
        &[Category::Data],
    );
    type Input = PageBreakInput;
    type Output = ResultOutput;

    async fn run(
        &self,
        input: PageBreakInput,
        cx: &mut Cx<'_, ResultOutput>,
    ) -> Result<(), BlockError> {
        let doc = Doc::open(cx, &input.document, "Failed to insert page break: ").await?;
        let at = if input.index == 0 {
            doc.end_index(cx).await?
        } else {
            input.index
        };
        let request = json!([{"insertPageBreak": {"location": {"index": at}}}]);
        doc.batch_update(cx, request).await?;
        done(cx, &doc, json!({"success": true}));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct DeleteInput {
    /// Select a Google Doc
    #[serde(default)]
    pub document: Picked,
    /// Start index of content to delete (must be >= 1, as index 0 is a section break)
    #[schemars(range(min = 1))]
    pub start_index: i64,
    /// End index of content to delete
    pub end_index: i64,
}

impl Block for GoogleDocsDeleteContent {
    const META: BlockMeta = BlockMeta::standard(
        "5f9f9fa4-9071-4028-97c2-9d15fb422dc5",
        "GoogleDocsDeleteContentBlock",
        "Delete a range of content from a Google Doc",
        &[Category::Data],
    );
    type Input = DeleteInput;
    type Output = ResultOutput;

    async fn run(
        &self,
        input: DeleteInput,
        cx: &mut Cx<'_, ResultOutput>,
    ) -> Result<(), BlockError> {
        if input.start_index < 1 {
            return Err(BlockError::Input(
                "start_index must be greater than or equal to 1".into(),
            ));
        }
        let doc = Doc::open(cx, &input.document, "Failed to delete content: ").await?;
        if input.start_index >= input.end_index {
            return Err(BlockError::Input(
                "Start index must be less than end index".into(),
            ));
        }
        let range = json!({"startIndex": input.start_index, "endIndex": input.end_index});
        doc.batch_update(cx, json!([{ "deleteContentRange": { "range": range } }]))
            .await?;
        let deleted = input.end_index - input.start_index;
        done(
            cx,
            &doc,
            json!({"success": true, "characters_deleted": deleted}),
        );
        Ok(())
    }
}
