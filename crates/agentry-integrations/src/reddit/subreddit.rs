//! GetSubredditInfoBlock (`GET /r/{sub}/about`), GetSubredditRulesBlock
//! (`GET /r/{sub}/about/rules`) and GetSubredditFlairsBlock (`POST /r/{sub}/api/flairselector`
//! with `is_newlink`, which any user may ask, unlike the moderators' `link_templates`).

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use reqwest::Method;

use super::{client, subreddit_path, text};
use crate::api::Payload;

pub struct GetSubredditInfo;
pub struct GetSubredditRules;
pub struct GetSubredditFlairs;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// Connect your Reddit account to access Reddit features.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["reddit"], "credentials_types" = ["oauth2"]))]
    pub credentials: CredentialsMeta,
    /// Subreddit name (without /r/ prefix)
    pub subreddit: String,
}

/// AutoGPT's `SubredditInfo`.
#[derive(Serialize, JsonSchema)]
pub struct SubredditInfo {
    pub name: String,
    pub display_name: String,
    pub title: String,
    pub description: String,
    pub public_description: String,
    pub subscribers: i64,
    pub created_utc: f64,
    pub over_18: bool,
    pub url: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum InfoOutput {
    /// Subreddit information
    Info(SubredditInfo),
    /// The subreddit name (pass-through for chaining)
    Subreddit(String),
}

impl Block for GetSubredditInfo {
    const META: BlockMeta = BlockMeta::standard(
        "5a2d1f0c-01fb-43ea-bad7-2260d269c930",
        "GetSubredditInfoBlock",
        "Get information about a subreddit including subscriber count, description, and rules.",
        &[Category::Social],
    );
    type Input = Input;
    type Output = InfoOutput;

    async fn run(&self, input: Input, cx: &mut Cx<'_, InfoOutput>) -> Result<(), BlockError> {
        let client = client(cx, &input.credentials).await?;
        let path = subreddit_path(&input.subreddit, "/about");
        let about = client
            .get_json(cx, &path, &[("raw_json", "1".to_string())])
            .await?;
        let sub = &about["data"];
        cx.emit(InfoOutput::Info(SubredditInfo {
            name: text(sub, "name"),
            display_name: text(sub, "display_name"),
            title: text(sub, "title"),
            description: text(sub, "description"),
            public_description: text(sub, "public_description"),
            subscribers: sub["subscribers"].as_i64().unwrap_or(0),
            created_utc: sub["created_utc"].as_f64().unwrap_or(0.0),
            over_18: sub["over18"].as_bool().unwrap_or(false),
            url: text(sub, "url"),
        }));
        cx.emit(InfoOutput::Subreddit(input.subreddit));
        Ok(())
    }
}

/// AutoGPT's `SubredditRule`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SubredditRule {
    pub short_name: String,
    pub description: String,
    pub kind: String,
    pub violation_reason: String,
    pub priority: i64,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum RulesOutput {
    /// A subreddit rule
    Rule(SubredditRule),
    /// All subreddit rules
    Rules(Vec<SubredditRule>),
    /// The subreddit name (pass-through for chaining)
    Subreddit(String),
}

impl Block for GetSubredditRules {
    const META: BlockMeta = BlockMeta::standard(
        "222aa36c-fa70-4879-8e8a-37d100175f5c",
        "GetSubredditRulesBlock",
        "Get the rules for a subreddit to ensure compliance before posting.",
        &[Category::Social],
    );
    type Input = Input;
    type Output = RulesOutput;

    async fn run(&self, input: Input, cx: &mut Cx<'_, RulesOutput>) -> Result<(), BlockError> {
        let client = client(cx, &input.credentials).await?;
        let path = subreddit_path(&input.subreddit, "/about/rules");
        let answer = client
            .get_json(cx, &path, &[("raw_json", "1".to_string())])
            .await?;
        let mut all = Vec::new();
        for (i, rule) in answer["rules"].as_array().into_iter().flatten().enumerate() {
            let short = text(rule, "short_name");
            let reason = rule["violation_reason"].as_str().filter(|r| !r.is_empty());
            let one = SubredditRule {
                short_name: short.clone(),
                description: text(rule, "description"),
                kind: text(rule, "kind"),
                violation_reason: reason.map_or(short, str::to_string),
                priority: i as i64,
            };
            all.push(one.clone());
            cx.emit(RulesOutput::Rule(one));
        }
        cx.emit(RulesOutput::Rules(all));
        cx.emit(RulesOutput::Subreddit(input.subreddit));
        Ok(())
    }
}

/// AutoGPT's `SubredditFlair`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SubredditFlair {
    pub flair_id: String,
    pub text: String,
    pub text_editable: bool,
    pub css_class: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum FlairsOutput {
    /// A flair option
    Flair(SubredditFlair),
    /// All available flairs
    Flairs(Vec<SubredditFlair>),
    /// The subreddit name (pass-through for chaining)
    Subreddit(String),
}

impl Block for GetSubredditFlairs {
    const META: BlockMeta = BlockMeta::standard(
        "ada08f34-a7a9-44aa-869f-0638fa4e0a84",
        "GetSubredditFlairsBlock",
        "Get available link flair options for a subreddit.",
        &[Category::Social],
    );
    type Input = Input;
    type Output = FlairsOutput;

    async fn run(&self, input: Input, cx: &mut Cx<'_, FlairsOutput>) -> Result<(), BlockError> {
        let client = client(cx, &input.credentials).await?;
        let path = subreddit_path(&input.subreddit, "/api/flairselector");
        let form = [("is_newlink", "true".to_string())];
        let answer = client
            .send_payload(cx, Method::POST, &path, &[], Payload::Form(&form))
            .await?;
        let mut all = Vec::new();
        for choice in answer["choices"].as_array().into_iter().flatten() {
            let one = SubredditFlair {
                flair_id: text(choice, "flair_template_id"),
                text: text(choice, "flair_text"),
                text_editable: choice["flair_text_editable"].as_bool().unwrap_or(false),
                css_class: text(choice, "flair_css_class"),
            };
            all.push(one.clone());
            cx.emit(FlairsOutput::Flair(one));
        }
        cx.emit(FlairsOutput::Flairs(all));
        cx.emit(FlairsOutput::Subreddit(input.subreddit));
        Ok(())
    }
}
