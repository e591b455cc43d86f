//! GoogleMapsSearchBlock: local businesses for a query, as the googlemaps client AutoGPT uses
//! asks for them: Places text search (`/maps/api/place/textsearch/json`, following
//! `next_page_token`), then the details of each place (`/maps/api/place/details/json`).
//!
//! Places answers HTTP 200 with a `status`: `OK` and `ZERO_RESULTS` are answers,
//! `OVER_QUERY_LIMIT` is retried with backoff, `REQUEST_DENIED` is a credentials error and
//! anything else is the provider's message, as the googlemaps client raises them.

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::{Client, meta_for};
use crate::error::IntegrationError;
use crate::settings::IntegrationSettings;

pub struct GoogleMapsSearch;

fn default_radius() -> i64 {
    5000
}
fn default_max_results() -> i64 {
    20
}

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// Google Maps API Key
    #[serde(default)]
    #[schemars(extend(
        "credentials_provider" = ["google_maps"],
        "credentials_types" = ["api_key"]
    ))]
    pub credentials: CredentialsMeta,
    /// Search query for local businesses
    pub query: String,
    /// Search radius in meters (max 50000)
    #[serde(default = "default_radius")]
    #[schemars(range(min = 1, max = 50000))]
    pub radius: i64,
    /// Maximum number of results to return (max 60)
    #[serde(default = "default_max_results")]
    #[schemars(range(min = 1, max = 60))]
    pub max_results: i64,
}

/// AutoGPT's `Place`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Place {
    pub name: String,
    pub address: String,
    pub phone: String,
    pub rating: f64,
    pub reviews: i64,
    pub website: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// Place found
    Place(Place),
}

/// One Places call, its `status` checked.
async fn call<O: Serialize>(
    client: &Client,
    cx: &mut Cx<'_, O>,
    path: &str,
    query: &[(&str, String)],
) -> Result<Value, BlockError> {
    let settings = IntegrationSettings::from_cx(cx);
    let mut attempt = 0;
    loop {
        attempt += 1;
        let body = client.get_json(cx, path, query).await?;
        let status = body["status"].as_str().unwrap_or_default();
        let message = match body["error_message"].as_str() {
            Some(m) => format!("{status} ({m})"),
            None => status.to_string(),
        };
        let provider = super::MAPS_PROVIDER;
        match status {
            "OK" | "ZERO_RESULTS" => return Ok(body),
            "OVER_QUERY_LIMIT" if attempt < settings.retry.max_attempts => {
                tokio::time::sleep(settings.retry.backoff(attempt)).await;
            }
            "OVER_QUERY_LIMIT" => return Err(IntegrationError::RateLimited { provider }.into()),
            // Reported as the 403 it means; Places itself answers 200.
            "REQUEST_DENIED" => {
                return Err(IntegrationError::Credentials {
                    provider,
                    status: 403,
                    message,
                }
                .into());
            }
            _ => {
                return Err(IntegrationError::Rejected {
                    provider,
                    status: 400,
                    message,
                }
                .into());
            }
        }
    }
}

impl Block for GoogleMapsSearch {
    const META: BlockMeta = BlockMeta::standard(
        "f47ac10b-58cc-4372-a567-0e02b2c3d479",
        "GoogleMapsSearchBlock",
        "This block searches for local businesses using Google Maps API.",
        &[Category::Search],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let meta = meta_for(&input.credentials, super::MAPS_PROVIDER);
        let credential = crate::api::credential(cx, &meta).await?;
        let client = Client::new(cx, super::MAPS, &meta, credential)?;
        let max = usize::try_from(input.max_results).unwrap_or(0);
        let mut places = Vec::new();
        let mut page_token: Option<String> = None;
        while places.len() < max {
            let mut query = vec![
                ("query", input.query.clone()),
                ("radius", input.radius.to_string()),
            ];
            if let Some(token) = &page_token {
                query.push(("pagetoken", token.clone()));
            }
            let page = call(&client, cx, "/maps/api/place/textsearch/json", &query).await?;
            for place in page["results"].as_array().into_iter().flatten() {
                if places.len() >= max {
                    break;
                }
                let id = place["place_id"].as_str().unwrap_or_default().to_string();
                let details = call(
                    &client,
                    cx,
                    "/maps/api/place/details/json",
                    &[("placeid", id)],
                )
                .await?;
                let d = &details["result"];
                let text = |k: &str| d[k].as_str().unwrap_or_default().to_string();
                places.push(Place {
                    name: text("name"),
                    address: text("formatted_address"),
                    phone: text("formatted_phone_number"),
                    rating: d["rating"].as_f64().unwrap_or(0.0),
                    reviews: d["user_ratings_total"].as_i64().unwrap_or(0),
                    website: text("website"),
                });
            }
            page_token = page["next_page_token"]
                .as_str()
                .filter(|t| !t.is_empty())
                .map(str::to_string);
            if page_token.is_none() {
                break;
            }
        }
        for place in places {
            cx.emit(Output::Place(place));
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "maps_search_tests.rs"]
mod tests;
