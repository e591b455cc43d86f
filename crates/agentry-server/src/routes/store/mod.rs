//! The store on AutoGPT's `/api/store` paths and shapes: creator profiles and pages
//! (`profiles.rs`), submissions and their images (`submissions.rs`, `media` upload), browsing,
//! search, ratings and download (`browse.rs`), and the admins' review (`admin.rs`). Each listing
//! version carries a permissions summary (`agentry_engine::listing`) shown to reviewers and
//! users. Reading the store needs a signed-in user (or `READ_STORE` key), as every route does.

mod admin;
mod browse;
mod profiles;
mod submissions;

use std::collections::BTreeSet;

use agentry_core::Graph;
use agentry_engine::listing::Permissions;
use agentry_store::market::entity::{profile, version};
use agentry_store::market::{ListingRow, status};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use crate::error::{ApiError, ApiResult, Code};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(profiles::router())
        .merge(submissions::router())
        .merge(browse::router())
        .merge(admin::router())
}

/// A listing version's permissions summary as the API shows it.
#[derive(Serialize, ToSchema)]
pub struct PermissionsSummary {
    /// Providers whose credentials the agent asks its runner for, with types and scopes.
    pub credentials: Vec<CredentialNeedView>,
    /// Kinds of outbound access (`http`, `llm`, `api`, `email`, `mcp`) and their hosts (`*`:
    /// anywhere the inputs say).
    pub outbound: Vec<OutboundView>,
    pub runs_code: bool,
    pub sends_email: bool,
    pub needs_human_review: bool,
    pub sub_graphs: usize,
    /// This version asks for more than the previous approved one.
    pub asks_more: bool,
}

/// Credentials of one provider an agent asks its runner for.
#[derive(Serialize, ToSchema)]
pub struct CredentialNeedView {
    pub provider: String,
    /// `api_key`, `oauth2`, `user_password`, `host_scoped`.
    pub types: Vec<String>,
    pub scopes: Vec<String>,
}

/// One kind of outbound access and where it may go.
#[derive(Serialize, ToSchema)]
pub struct OutboundView {
    /// `http`, `llm`, `api`, `email` or `mcp`.
    pub kind: String,
    /// Host names, provider names, or `*` when the destination comes from inputs.
    pub hosts: Vec<String>,
}

impl PermissionsSummary {
    pub fn of(v: &version::Model) -> Self {
        let p: Permissions = serde_json::from_value(v.permissions.clone()).unwrap_or_default();
        PermissionsSummary {
            credentials: p
                .credentials
                .into_iter()
                .map(|c| CredentialNeedView {
                    provider: c.provider,
                    types: c.types,
                    scopes: c.scopes,
                })
                .collect(),
            outbound: p
                .outbound
                .into_iter()
                .map(|o| OutboundView {
                    kind: o.kind,
                    hosts: o.hosts,
                })
                .collect(),
            runs_code: p.runs_code,
            sends_email: p.sends_email,
            needs_human_review: p.needs_human_review,
            sub_graphs: p.sub_graphs,
            asks_more: v.asks_more,
        }
    }
}

/// AutoGPT's `StoreAgent`: a published listing in a page of results.
#[derive(Serialize, ToSchema)]
pub struct StoreAgent {
    slug: String,
    agent_name: String,
    agent_image: String,
    creator: String,
    creator_avatar: String,
    sub_heading: String,
    description: String,
    runs: i64,
    rating: f64,
    store_listing_version_id: String,
    categories: Vec<String>,
}

/// AutoGPT's `StoreAgentDetails`, with the permissions summary.
#[derive(Serialize, ToSchema)]
pub struct StoreAgentDetails {
    store_listing_version_id: String,
    slug: String,
    agent_name: String,
    agent_video: String,
    agent_output_demo: String,
    agent_image: Vec<String>,
    creator: String,
    creator_avatar: String,
    sub_heading: String,
    description: String,
    instructions: String,
    categories: Vec<String>,
    runs: i64,
    rating: f64,
    versions: Vec<String>,
    last_updated: DateTime<Utc>,
    active_version_id: String,
    has_approved_version: bool,
    agent_graph_id: String,
    agent_graph_versions: Vec<String>,
    permissions: PermissionsSummary,
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

fn creator_of<'a>(profiles: &'a [profile::Model], user_id: &str) -> Option<&'a profile::Model> {
    profiles.iter().find(|p| p.user_id == user_id)
}

impl StoreAgent {
    fn new(row: &ListingRow, profiles: &[profile::Model]) -> Self {
        let creator = creator_of(profiles, &row.listing.user_id);
        let v = &row.version;
        StoreAgent {
            slug: row.listing.slug.clone(),
            agent_name: v.name.clone(),
            agent_image: strings(&v.image_urls)
                .into_iter()
                .next()
                .unwrap_or_default(),
            creator: creator.map(|p| p.username.clone()).unwrap_or_default(),
            creator_avatar: creator
                .and_then(|p| p.avatar_url.clone())
                .unwrap_or_default(),
            sub_heading: v.sub_heading.clone(),
            description: v.description.clone(),
            runs: row.listing.run_count,
            rating: row.listing.rating_avg,
            store_listing_version_id: v.id.clone(),
            categories: strings(&v.categories),
        }
    }
}

impl StoreAgentDetails {
    fn new(
        row: &ListingRow,
        creator: Option<&profile::Model>,
        approved: &[version::Model],
    ) -> Self {
        let v = &row.version;
        StoreAgentDetails {
            store_listing_version_id: v.id.clone(),
            slug: row.listing.slug.clone(),
            agent_name: v.name.clone(),
            agent_video: v.video_url.clone().unwrap_or_default(),
            agent_output_demo: v.output_example.clone(),
            agent_image: strings(&v.image_urls),
            creator: creator.map(|p| p.username.clone()).unwrap_or_default(),
            creator_avatar: creator
                .and_then(|p| p.avatar_url.clone())
                .unwrap_or_default(),
            sub_heading: v.sub_heading.clone(),
            description: v.description.clone(),
            instructions: v.instructions.clone(),
            categories: strings(&v.categories),
            runs: row.listing.run_count,
            rating: row.listing.rating_avg,
            versions: approved.iter().map(|a| a.version.to_string()).collect(),
            last_updated: v.updated_at,
            active_version_id: row.listing.active_version_id.clone().unwrap_or_default(),
            has_approved_version: v.status == status::APPROVED,
            agent_graph_id: v.graph_id.clone(),
            agent_graph_versions: approved
                .iter()
                .map(|a| a.graph_version.to_string())
                .collect(),
            permissions: PermissionsSummary::of(v),
        }
    }
}

/// Checks AutoGPT's page arguments (from 1; 1 to 100 per page).
pub(crate) fn page_args(page: Option<u64>, page_size: Option<u64>) -> ApiResult<(u64, u64)> {
    let page = page.unwrap_or(1);
    let size = page_size.unwrap_or(20);
    if !(1..=crate::model::MAX_PAGE).contains(&page) || !(1..=100).contains(&size) {
        return Err(ApiError::new(
            Code::InvalidQuery,
            "page is between 1 and 1000000 and page_size between 1 and 100",
        ));
    }
    Ok((page, size))
}

/// The most sub-graphs followed from one graph (a guard against a cycle of references).
const MAX_SUB_GRAPHS: usize = 50;

/// The graphs `graph` runs as sub-agents (transitively): `owner`'s own, or approved store
/// agents in `owner`'s library.
pub(crate) async fn sub_graphs_of(
    state: &AppState,
    owner: &str,
    graph: &Graph,
) -> ApiResult<Vec<Graph>> {
    let mut seen: BTreeSet<(String, i32)> = BTreeSet::new();
    let mut todo: Vec<Graph> = vec![graph.clone()];
    let mut out = Vec::new();
    while let Some(g) = todo.pop() {
        for node in &g.nodes {
            if node.block_id != agentry_engine::listing::AGENT_EXECUTOR {
                continue;
            }
            let id = node.input_default.get("graph_id").and_then(Value::as_str);
            let version = node
                .input_default
                .get("graph_version")
                .and_then(Value::as_i64)
                .and_then(|v| i32::try_from(v).ok());
            let (Some(id), Some(version)) = (id, version) else {
                continue;
            };
            if !seen.insert((id.to_string(), version)) || seen.len() > MAX_SUB_GRAPHS {
                continue;
            }
            // The owner's graph, or a store agent in the owner's library.
            let record = state
                .engine
                .store()
                .runnable_graph(owner, id, version)
                .await?
                .map_err(|refusal| ApiError::not_found(refusal.to_string()))?;
            todo.push(record.graph.clone());
            out.push(record.graph);
        }
    }
    Ok(out)
}
