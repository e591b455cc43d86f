//! What the webset blocks share: AutoGPT's `Webset` output model, the webset paths, the
//! webset's counts and the wait until it is idle (its fields read with the converter in
//! `mod.rs`).

use std::time::{Duration, Instant};

use agentry_core::{BlockError, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{isoformat, maybe_text, text};
use crate::api::Client;

/// The path of all websets, or of one by its id or external id (an escaped path segment).
pub fn webset_path(id: Option<&str>) -> String {
    match id {
        Some(id) => format!("/websets/v0/websets/{}", crate::api::segment(id)),
        None => "/websets/v0/websets".to_string(),
    }
}

/// AutoGPT's `SearchEntityType`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SearchEntityType {
    Company,
    Person,
    Article,
    ResearchPaper,
    Custom,
    #[default]
    Auto,
}

impl SearchEntityType {
    pub fn as_str(self) -> &'static str {
        match self {
            SearchEntityType::Company => "company",
            SearchEntityType::Person => "person",
            SearchEntityType::Article => "article",
            SearchEntityType::ResearchPaper => "research_paper",
            SearchEntityType::Custom => "custom",
            SearchEntityType::Auto => "auto",
        }
    }
}

// AutoGPT's `Webset`, serialized by alias as AutoGPT's `jsonable_encoder` does (a plain
// comment: the output pins describe it).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Webset {
    pub id: String,
    /// The status of the webset
    pub status: Option<String>,
    /// The external identifier for the webset
    #[serde(rename = "externalId")]
    pub external_id: Option<String>,
    /// The searches that have been performed on the webset.
    pub searches: Option<Vec<Value>>,
    /// The Enrichments to apply to the Webset Items.
    pub enrichments: Option<Vec<Value>>,
    /// The Monitors for the Webset.
    pub monitors: Option<Vec<Value>>,
    /// Set of key-value pairs you want to associate with this object.
    pub metadata: Option<Map<String, Value>>,
    /// The date and time the webset was created
    #[serde(rename = "createdAt")]
    pub created_at: Option<String>,
    /// The date and time the webset was last updated
    #[serde(rename = "updatedAt")]
    pub updated_at: Option<String>,
}

impl Webset {
    pub fn from_api(raw: &Value) -> Webset {
        let list = |key: &str| raw[key].as_array().cloned();
        Webset {
            id: text(&raw["id"]),
            status: maybe_text(&raw["status"]),
            external_id: maybe_text(&raw["externalId"]),
            searches: list("searches"),
            enrichments: list("enrichments"),
            monitors: list("monitors"),
            // The SDK's model defaults a missing metadata to `{}`.
            metadata: match &raw["metadata"] {
                Value::Null => Some(Map::new()),
                v => v.as_object().cloned(),
            },
            created_at: raw["createdAt"].as_str().map(isoformat),
            updated_at: raw["updatedAt"].as_str().map(isoformat),
        }
    }
}

/// The number of entries of the list at `v[key]`.
pub fn count(v: &Value, key: &str) -> i64 {
    v[key].as_array().map_or(0, |a| a.len() as i64)
}

/// The items the webset's searches found so far (the SDK's `progress.found`, summed).
pub fn found(webset: &Value) -> f64 {
    webset["searches"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["progress"]["found"].as_f64())
        .sum()
}

/// The SDK's `wait_until_idle`: reads the webset until its status is `idle`, every
/// `interval`, failing once `timeout` has passed.
pub async fn wait_until_idle<O: Serialize>(
    client: &Client,
    cx: &mut Cx<'_, O>,
    id: &str,
    timeout: Duration,
    interval: Duration,
) -> Result<Value, BlockError> {
    let started = Instant::now();
    let path = webset_path(Some(id));
    loop {
        let webset = client.get_json(cx, &path, &[]).await?;
        if webset["status"] == "idle" {
            return Ok(webset);
        }
        let left = timeout.saturating_sub(started.elapsed());
        if left.is_zero() {
            return Err(BlockError::System(format!(
                "Webset {id} did not become idle within {} seconds",
                timeout.as_secs()
            )));
        }
        tokio::time::sleep(interval.min(left)).await;
    }
}
