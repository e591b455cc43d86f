//! FileReadBlock: reads a stored file (data URI, URL or run-relative path) as text, optionally
//! split by a delimiter, rows skipped and limited, and cut into chunks (AutoGPT's text.py).

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::files::media;

pub struct FileRead;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The file to read from (URL, data URI, or local path)
    #[schemars(extend("format" = "file"))]
    pub file_input: String,
    /// Delimiter to split the content into rows/chunks (e.g., '\n' for lines)
    #[serde(default)]
    pub delimiter: String,
    /// Maximum size in bytes per chunk to yield (0 for no limit)
    #[serde(default)]
    pub size_limit: i64,
    /// Maximum number of rows to process (0 for no limit, requires delimiter)
    #[serde(default)]
    pub row_limit: i64,
    /// Number of characters to skip from the beginning of the file
    #[serde(default)]
    pub skip_size: i64,
    /// Number of rows to skip from the beginning (requires delimiter)
    #[serde(default)]
    pub skip_rows: i64,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// File content, yielded as individual chunks when delimiter or size limits are applied
    Content(String),
}

fn count(n: i64) -> usize {
    usize::try_from(n).unwrap_or(0)
}

/// The chunks AutoGPT yields for `content`, in order.
pub fn chunks(content: &str, input: &Input) -> Vec<String> {
    let content: String = content.chars().skip(count(input.skip_size)).collect();
    let mut items: Vec<&str> = if input.delimiter.is_empty() {
        vec![content.as_str()]
    } else {
        content.split(input.delimiter.as_str()).collect()
    };
    items = items.into_iter().skip(count(input.skip_rows)).collect();
    if input.row_limit > 0 {
        items.truncate(count(input.row_limit));
    }
    if items.is_empty() {
        return vec![String::new()];
    }
    let full = items.join(&input.delimiter);
    let size = count(input.size_limit);
    if size == 0 {
        return if full.is_empty() { vec![] } else { vec![full] };
    }
    let chars: Vec<char> = full.chars().collect();
    chars.chunks(size).map(|c| c.iter().collect()).collect()
}

impl Block for FileRead {
    const META: BlockMeta = BlockMeta::standard(
        "3735a31f-7e18-4aca-9e90-08a7120674bc",
        "FileReadBlock",
        "Reads a file and returns its content as a string, with optional chunking by delimiter \
         and size limits",
        &[Category::Text, Category::Data],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let stored = media::store(cx, &input.file_input).await?;
        let bytes = stored.bytes().await?;
        // UTF-8, else Latin-1 (every byte is a character), as AutoGPT falls back.
        let content = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => e.into_bytes().iter().map(|b| char::from(*b)).collect(),
        };
        for chunk in chunks(&content, &input) {
            cx.emit(Output::Content(chunk));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agentry_core::testing::run_block;
    use serde_json::json;

    fn input(delimiter: &str, size: i64, rows: i64, skip_size: i64, skip_rows: i64) -> Input {
        Input {
            file_input: String::new(),
            delimiter: delimiter.into(),
            size_limit: size,
            row_limit: rows,
            skip_size,
            skip_rows,
        }
    }

    #[tokio::test]
    async fn autogpt_example() {
        let out = run_block(
            FileRead,
            json!({"file_input": "data:text/plain;base64,SGVsbG8gV29ybGQ="}),
        )
        .await;
        assert_eq!(out, vec![("content".into(), json!("Hello World"))]);
    }

    #[test]
    fn rows_skips_limits_and_chunks_as_autogpt() {
        let text = "a,b,c,d,e";
        assert_eq!(chunks(text, &input("", 0, 0, 0, 0)), ["a,b,c,d,e"]);
        assert_eq!(chunks(text, &input(",", 0, 2, 0, 1)), ["b,c"]);
        assert_eq!(chunks(text, &input(",", 3, 0, 0, 0)), ["a,b", ",c,", "d,e"]);
        assert_eq!(chunks(text, &input("", 0, 0, 4, 0)), ["c,d,e"]);
        assert_eq!(chunks(text, &input(",", 0, 0, 0, 9)), [""]);
        assert!(chunks("", &input("", 0, 0, 0, 0)).is_empty());
        assert_eq!(chunks("héllo", &input("", 2, 0, 0, 0)), ["hé", "ll", "o"]);
    }
}
