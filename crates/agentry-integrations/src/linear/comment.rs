//! LinearCreateCommentBlock: comments on an issue (`commentCreate`).

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::json;

use super::linear_input;

pub struct LinearCreateComment;

linear_input!(
    "Linear credentials with comment creation permissions",
    "comments:create",
    pub struct Input {
        /// ID of the issue to comment on
        pub issue_id: String,
        /// Comment text to add to the issue
        pub comment: String,
    }
);

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// ID of the created comment
    CommentId(String),
    /// Text content of the created comment
    CommentBody(String),
}

const CREATE: &str = "mutation CommentCreate($input: CommentCreateInput!) {
  commentCreate(input: $input) { success comment { id body } }
}";

impl Block for LinearCreateComment {
    const META: BlockMeta = BlockMeta::standard(
        "8f7d3a2e-9b5c-4c6a-8f1d-7c8b3e4a5d6c",
        "LinearCreateCommentBlock",
        "Creates a new comment on a Linear issue",
        &[Category::Productivity, Category::IssueTracking],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let variables = json!({"input": {"body": input.comment, "issueId": input.issue_id}});
        let data = super::graphql(cx, &input.credentials, CREATE, variables).await?;
        let comment = &data["commentCreate"]["comment"];
        cx.emit(Output::CommentId(
            comment["id"].as_str().unwrap_or_default().into(),
        ));
        cx.emit(Output::CommentBody(
            comment["body"].as_str().unwrap_or_default().into(),
        ));
        Ok(())
    }
}
