//! GithubCreateCommentObjectBlock: a review comment as GitHub's API takes it (path, body,
//! position; side and start fields only when they say something).

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

pub struct GithubCreateCommentObject;

fn right() -> Option<String> {
    Some("RIGHT".into())
}

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The file path to comment on
    pub path: String,
    /// The comment text
    pub body: String,
    /// Position in the diff (line number from first @@ hunk). Use this OR line.
    #[serde(default)]
    pub position: Option<i64>,
    /// Line number in the file (will be used as position if position not provided)
    #[serde(default)]
    pub line: Option<i64>,
    /// Side of the diff to comment on (NOTE: Only for standalone comments, not review comments)
    #[serde(default = "right")]
    pub side: Option<String>,
    /// Start line for multi-line comments (NOTE: Only for standalone comments, not review
    /// comments)
    #[serde(default)]
    pub start_line: Option<i64>,
    /// Side for the start of multi-line comments (NOTE: Only for standalone comments, not
    /// review comments)
    #[serde(default)]
    pub start_side: Option<String>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The comment object formatted for GitHub API
    CommentObject(Map<String, Value>),
}

impl Block for GithubCreateCommentObject {
    const META: BlockMeta = BlockMeta::standard(
        "b7d5e4f2-8c3a-4e6b-9f1d-7a8b9c5e4d3f",
        "GithubCreateCommentObjectBlock",
        "Creates a comment object for use with GitHub blocks. Note: For review comments, only \
         path, body, and position are used. Side fields are only for standalone PR comments.",
        &[Category::DeveloperTools],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let mut comment = Map::new();
        comment.insert("path".into(), json!(input.path));
        comment.insert("body".into(), json!(input.body));
        // The line stands in for the position when none is given, as AutoGPT does.
        if let Some(position) = input.position.or(input.line) {
            comment.insert("position".into(), json!(position));
        }
        if let Some(side) = input.side.filter(|s| !s.is_empty() && s != "RIGHT") {
            comment.insert("side".into(), json!(side));
        }
        if let Some(start) = input.start_line {
            comment.insert("start_line".into(), json!(start));
        }
        if let Some(side) = input.start_side.filter(|s| !s.is_empty()) {
            comment.insert("start_side".into(), json!(side));
        }
        cx.emit(Output::CommentObject(comment));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agentry_core::testing::run_block;

    #[tokio::test]
    async fn autogpt_example() {
        let out = run_block(
            GithubCreateCommentObject,
            json!({"path": "src/main.py", "body": "Please fix this issue", "position": 6}),
        )
        .await;
        assert_eq!(
            out,
            vec![(
                "comment_object".into(),
                json!({"path": "src/main.py", "body": "Please fix this issue", "position": 6})
            )]
        );
    }

    #[tokio::test]
    async fn line_stands_in_and_only_telling_sides_are_kept() {
        let out = run_block(
            GithubCreateCommentObject,
            json!({"path": "a.rs", "body": "b", "line": 42, "side": "LEFT", "start_line": 40,
                   "start_side": "LEFT"}),
        )
        .await;
        assert_eq!(
            out[0].1,
            json!({"path": "a.rs", "body": "b", "position": 42, "side": "LEFT",
                   "start_line": 40, "start_side": "LEFT"})
        );
    }
}
