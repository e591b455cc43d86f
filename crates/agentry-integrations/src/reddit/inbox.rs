//! SendRedditMessageBlock (`POST /api/compose`) and GetRedditInboxBlock
//! (`GET /message/{inbox|unread|messages|mentions|comments}`, then `POST /api/read_message`
//! when asked to mark what it read).

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{author, client, listing, post_form, text};

pub struct SendRedditMessage;
pub struct GetRedditInbox;

#[derive(Deserialize, JsonSchema)]
pub struct MessageInput {
    /// Connect your Reddit account to access Reddit features.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["reddit"], "credentials_types" = ["oauth2"]))]
    pub credentials: CredentialsMeta,
    /// The Reddit username to send a message to (without /u/ prefix)
    pub username: String,
    /// The subject line of the message
    pub subject: String,
    /// The body content of the message
    pub message: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum MessageOutput {
    /// Whether the message was sent
    Success(bool),
    /// The username (pass-through for chaining)
    Username(String),
}

impl Block for SendRedditMessage {
    const META: BlockMeta = BlockMeta::standard(
        "7921101a-0537-4259-82ea-bc186ca6b1b6",
        "SendRedditMessageBlock",
        "Send a private message (DM) to a Reddit user.",
        &[Category::Social],
    );
    type Input = MessageInput;
    type Output = MessageOutput;

    async fn run(
        &self,
        input: MessageInput,
        cx: &mut Cx<'_, MessageOutput>,
    ) -> Result<(), BlockError> {
        let client = client(cx, &input.credentials).await?;
        let to = input.username.strip_prefix("u/").unwrap_or(&input.username);
        let fields = [
            ("to", to.to_string()),
            ("subject", input.subject.clone()),
            ("text", input.message.clone()),
        ];
        post_form(cx, &client, "/api/compose", &fields).await?;
        cx.emit(MessageOutput::Success(true));
        cx.emit(MessageOutput::Username(input.username));
        Ok(())
    }
}

/// AutoGPT's `InboxType`.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum InboxType {
    All,
    #[default]
    Unread,
    Messages,
    Mentions,
    CommentReplies,
}

impl InboxType {
    /// The listing PRAW's `inbox.<kind>()` reads.
    fn path(self) -> &'static str {
        match self {
            InboxType::All => "/message/inbox",
            InboxType::Unread => "/message/unread",
            InboxType::Messages => "/message/messages",
            InboxType::Mentions => "/message/mentions",
            InboxType::CommentReplies => "/message/comments",
        }
    }
}

fn twenty_five() -> i64 {
    25
}

#[derive(Deserialize, JsonSchema)]
pub struct InboxInput {
    /// Connect your Reddit account to access Reddit features.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["reddit"], "credentials_types" = ["oauth2"]))]
    pub credentials: CredentialsMeta,
    /// Type of inbox items to fetch
    #[serde(default)]
    pub inbox_type: InboxType,
    /// Maximum number of items to fetch
    #[serde(default = "twenty_five")]
    pub limit: i64,
    /// Whether to mark fetched items as read
    #[serde(default)]
    pub mark_read: bool,
}

/// AutoGPT's `RedditInboxItem`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct RedditInboxItem {
    pub item_id: String,
    /// `message`, `comment_reply` or `mention`
    pub item_type: String,
    pub subject: String,
    pub body: String,
    pub author: String,
    pub created_utc: f64,
    pub is_read: bool,
    /// The permalink for comments, none for messages
    pub context: Option<String>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum InboxOutput {
    /// An inbox item
    Item(RedditInboxItem),
    /// All fetched items
    Items(Vec<RedditInboxItem>),
}

fn inbox_item(m: &Value) -> RedditInboxItem {
    let subject = text(m, "subject");
    // A comment in the inbox is a mention when its subject says so (Reddit's
    // "username mention"), otherwise a reply to the user.
    let item_type = match m["was_comment"].as_bool().unwrap_or(false) {
        true if subject.to_lowercase().contains("mention") => "mention",
        true => "comment_reply",
        false => "message",
    };
    RedditInboxItem {
        item_id: text(m, "id"),
        item_type: item_type.to_string(),
        subject,
        body: text(m, "body"),
        author: author(m),
        created_utc: m["created_utc"].as_f64().unwrap_or(0.0),
        is_read: !m["new"].as_bool().unwrap_or(false),
        context: m["context"].as_str().map(str::to_string),
    }
}

impl Block for GetRedditInbox {
    const META: BlockMeta = BlockMeta::standard(
        "5a91bb34-7ffe-4b9e-957b-9d4f8fe8dbc9",
        "GetRedditInboxBlock",
        "Get messages, mentions, and comment replies from your Reddit inbox.",
        &[Category::Social],
    );
    type Input = InboxInput;
    type Output = InboxOutput;

    async fn run(&self, input: InboxInput, cx: &mut Cx<'_, InboxOutput>) -> Result<(), BlockError> {
        let client = client(cx, &input.credentials).await?;
        let raw = listing(cx, &client, input.inbox_type.path(), &[], input.limit).await?;
        let items: Vec<RedditInboxItem> = raw.iter().map(inbox_item).collect();
        for item in &items {
            cx.emit(InboxOutput::Item(item.clone()));
        }
        if input.mark_read && !raw.is_empty() {
            let names: Vec<String> = raw.iter().map(|m| text(m, "name")).collect();
            post_form(cx, &client, "/api/read_message", &[("id", names.join(","))]).await?;
        }
        cx.emit(InboxOutput::Items(items));
        Ok(())
    }
}
