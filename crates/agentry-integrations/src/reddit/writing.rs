//! The Reddit blocks that write: PostRedditCommentBlock and ReplyToRedditCommentBlock
//! (`/api/comment`), CreateRedditPostBlock (`/api/submit`), EditRedditPostBlock
//! (`/api/editusertext`), DeleteRedditPostBlock and DeleteRedditCommentBlock (`/api/del`),
//! each a form-encoded `POST` as PRAW sends it.

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{client, first_thing, post_form, post_url, strip_prefix, text};

pub struct PostRedditComment;
pub struct CreateRedditPost;
pub struct EditRedditPost;
pub struct ReplyToRedditComment;
pub struct DeleteRedditPost;
pub struct DeleteRedditComment;

/// `/api/comment` under `thing_id` (a `t3_` post or `t1_` comment): the new comment's id.
async fn comment_on<O: Serialize>(
    cx: &mut Cx<'_, O>,
    credentials: &CredentialsMeta,
    thing_id: String,
    body: &str,
) -> Result<String, BlockError> {
    let client = client(cx, credentials).await?;
    let fields = [("thing_id", thing_id), ("text", body.to_string())];
    let json = post_form(cx, &client, "/api/comment", &fields).await?;
    Ok(text(&first_thing(&json, "comment")?, "id"))
}

#[derive(Deserialize, JsonSchema)]
pub struct CommentInput {
    /// Connect your Reddit account to access Reddit features.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["reddit"], "credentials_types" = ["oauth2"]))]
    pub credentials: CredentialsMeta,
    /// The ID of the post to comment on
    pub post_id: String,
    /// The content of the comment to post
    pub comment: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum CommentOutput {
    /// Posted comment ID
    CommentId(String),
    /// The post ID (pass-through for chaining)
    PostId(String),
}

impl Block for PostRedditComment {
    const META: BlockMeta = BlockMeta::standard(
        "4a92261b-701e-4ffb-8970-675fd28e261f",
        "PostRedditCommentBlock",
        "This block posts a Reddit comment on a specified Reddit post.",
        &[Category::Social],
    );
    type Input = CommentInput;
    type Output = CommentOutput;

    async fn run(
        &self,
        input: CommentInput,
        cx: &mut Cx<'_, CommentOutput>,
    ) -> Result<(), BlockError> {
        let thing = format!("t3_{}", strip_prefix(&input.post_id));
        let id = comment_on(cx, &input.credentials, thing, &input.comment).await?;
        cx.emit(CommentOutput::CommentId(id));
        cx.emit(CommentOutput::PostId(input.post_id));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct ReplyInput {
    /// Connect your Reddit account to access Reddit features.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["reddit"], "credentials_types" = ["oauth2"]))]
    pub credentials: CredentialsMeta,
    /// The ID of the comment to reply to
    pub comment_id: String,
    /// The text content of the reply
    pub reply_text: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum ReplyOutput {
    /// ID of the newly created reply
    CommentId(String),
    /// The parent comment ID (pass-through for chaining)
    ParentCommentId(String),
}

impl Block for ReplyToRedditComment {
    const META: BlockMeta = BlockMeta::standard(
        "7635b059-3a9f-4f7d-b499-1b56c4f76f4f",
        "ReplyToRedditCommentBlock",
        "Reply to a specific Reddit comment. Useful for threaded conversations.",
        &[Category::Social],
    );
    type Input = ReplyInput;
    type Output = ReplyOutput;

    async fn run(&self, input: ReplyInput, cx: &mut Cx<'_, ReplyOutput>) -> Result<(), BlockError> {
        let thing = format!("t1_{}", strip_prefix(&input.comment_id));
        let id = comment_on(cx, &input.credentials, thing, &input.reply_text).await?;
        cx.emit(ReplyOutput::CommentId(id));
        cx.emit(ReplyOutput::ParentCommentId(input.comment_id));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct CreateInput {
    /// Connect your Reddit account to access Reddit features.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["reddit"], "credentials_types" = ["oauth2"]))]
    pub credentials: CredentialsMeta,
    /// Subreddit to post to, excluding the /r/ prefix
    pub subreddit: String,
    /// Title of the post
    pub title: String,
    /// Body text of the post (for text posts)
    #[serde(default)]
    pub content: String,
    /// URL to submit (for link posts). If provided, content is ignored.
    #[serde(default)]
    pub url: Option<String>,
    /// Flair template ID to apply to the post (from GetSubredditFlairsBlock)
    #[serde(default)]
    pub flair_id: Option<String>,
    /// Custom flair text (only used if the flair template allows editing)
    #[serde(default)]
    pub flair_text: Option<String>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum CreateOutput {
    /// ID of the created post
    PostId(String),
    /// URL of the created post
    PostUrl(String),
    /// The subreddit name (pass-through for chaining)
    Subreddit(String),
}

impl Block for CreateRedditPost {
    const META: BlockMeta = BlockMeta::standard(
        "f3a2b1c0-8d7e-4f6a-9b5c-1234567890ab",
        "CreateRedditPostBlock",
        "Create a new post on a subreddit. Can create text posts or link posts.",
        &[Category::Social],
    );
    type Input = CreateInput;
    type Output = CreateOutput;

    async fn run(
        &self,
        input: CreateInput,
        cx: &mut Cx<'_, CreateOutput>,
    ) -> Result<(), BlockError> {
        let client = client(cx, &input.credentials).await?;
        let mut fields = vec![
            ("sr", input.subreddit.clone()),
            ("title", input.title.clone()),
            ("resubmit", "true".to_string()),
            ("sendreplies", "true".to_string()),
        ];
        // A URL makes a link post and the content is ignored, as in AutoGPT.
        match input.url.as_deref().filter(|u| !u.is_empty()) {
            Some(url) => fields.extend([("kind", "link".to_string()), ("url", url.to_string())]),
            None => fields.extend([("kind", "self".to_string()), ("text", input.content)]),
        }
        let flair = [
            ("flair_id", input.flair_id),
            ("flair_text", input.flair_text),
        ];
        for (name, value) in flair {
            if let Some(value) = value.filter(|v| !v.is_empty()) {
                fields.push((name, value));
            }
        }
        let json = post_form(cx, &client, "/api/submit", &fields).await?;
        let data = &json["data"];
        let id = text(data, "id");
        if id.is_empty() {
            return Err(BlockError::System(
                "reddit answered something unexpected: no post id in the answer".into(),
            ));
        }
        // The answer's `url` is the post's page; its path is the permalink.
        let page = text(data, "url");
        let permalink = url::Url::parse(&page).map_or(page, |u| u.path().to_string());
        cx.emit(CreateOutput::PostId(id));
        cx.emit(CreateOutput::PostUrl(post_url(&permalink)));
        cx.emit(CreateOutput::Subreddit(input.subreddit));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct EditInput {
    /// Connect your Reddit account to access Reddit features.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["reddit"], "credentials_types" = ["oauth2"]))]
    pub credentials: CredentialsMeta,
    /// The ID of the post to edit (must be your own post)
    pub post_id: String,
    /// The new body text for the post
    pub new_content: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum EditOutput {
    /// Whether the edit was successful
    Success(bool),
    /// The post ID (pass-through for chaining)
    PostId(String),
    /// URL of the edited post
    PostUrl(String),
}

impl Block for EditRedditPost {
    const META: BlockMeta = BlockMeta::standard(
        "cdb9df0f-8b1d-433e-873a-ededc1b6479d",
        "EditRedditPostBlock",
        "Edit the body text of an existing Reddit post that you own. Only works for self/text posts.",
        &[Category::Social],
    );
    type Input = EditInput;
    type Output = EditOutput;

    async fn run(&self, input: EditInput, cx: &mut Cx<'_, EditOutput>) -> Result<(), BlockError> {
        let client = client(cx, &input.credentials).await?;
        let fields = [
            ("thing_id", format!("t3_{}", strip_prefix(&input.post_id))),
            ("text", input.new_content.clone()),
        ];
        let json = match post_form(cx, &client, "/api/editusertext", &fields).await {
            // Reddit answers 403 for someone else's post: say so as AutoGPT does.
            Err(BlockError::Input(m)) if m.contains("(403)") => {
                return Err(BlockError::Input(
                    "Permission denied (403): You can only edit your own posts. \
                     Make sure the post belongs to the authenticated Reddit account."
                        .into(),
                ));
            }
            other => other?,
        };
        let post = first_thing(&json, "edited post")?;
        cx.emit(EditOutput::Success(true));
        cx.emit(EditOutput::PostId(input.post_id));
        cx.emit(EditOutput::PostUrl(post_url(&text(&post, "permalink"))));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct DeletePostInput {
    /// Connect your Reddit account to access Reddit features.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["reddit"], "credentials_types" = ["oauth2"]))]
    pub credentials: CredentialsMeta,
    /// The ID of the post to delete (must be your own post)
    pub post_id: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum DeletePostOutput {
    /// Whether the deletion was successful
    Success(bool),
    /// The post ID (pass-through for chaining)
    PostId(String),
}

impl Block for DeleteRedditPost {
    const META: BlockMeta = BlockMeta::standard(
        "72e4730a-d66d-4785-8e54-5ab3af450c81",
        "DeleteRedditPostBlock",
        "Delete a Reddit post that you own.",
        &[Category::Social],
    );
    type Input = DeletePostInput;
    type Output = DeletePostOutput;

    async fn run(
        &self,
        input: DeletePostInput,
        cx: &mut Cx<'_, DeletePostOutput>,
    ) -> Result<(), BlockError> {
        let client = client(cx, &input.credentials).await?;
        let id = format!("t3_{}", strip_prefix(&input.post_id));
        post_form(cx, &client, "/api/del", &[("id", id)]).await?;
        cx.emit(DeletePostOutput::Success(true));
        cx.emit(DeletePostOutput::PostId(input.post_id));
        Ok(())
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct DeleteCommentInput {
    /// Connect your Reddit account to access Reddit features.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["reddit"], "credentials_types" = ["oauth2"]))]
    pub credentials: CredentialsMeta,
    /// The ID of the comment to delete (must be your own comment)
    pub comment_id: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum DeleteCommentOutput {
    /// Whether the deletion was successful
    Success(bool),
    /// The comment ID (pass-through for chaining)
    CommentId(String),
}

impl Block for DeleteRedditComment {
    const META: BlockMeta = BlockMeta::standard(
        "2650584d-434f-46db-81ef-26c8d8d41f81",
        "DeleteRedditCommentBlock",
        "Delete a Reddit comment that you own.",
        &[Category::Social],
    );
    type Input = DeleteCommentInput;
    type Output = DeleteCommentOutput;

    async fn run(
        &self,
        input: DeleteCommentInput,
        cx: &mut Cx<'_, DeleteCommentOutput>,
    ) -> Result<(), BlockError> {
        let client = client(cx, &input.credentials).await?;
        let id = format!("t1_{}", strip_prefix(&input.comment_id));
        post_form(cx, &client, "/api/del", &[("id", id)]).await?;
        cx.emit(DeleteCommentOutput::Success(true));
        cx.emit(DeleteCommentOutput::CommentId(input.comment_id));
        Ok(())
    }
}

#[cfg(test)]
#[path = "writing_tests.rs"]
mod tests;
