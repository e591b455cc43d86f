//! Linear (AutoGPT's `linear/`): issues, projects and comments over Linear's GraphQL API
//! (`POST /graphql`). Credentials: provider `linear`, an API key (sent bare in `Authorization`,
//! as Linear wants personal keys) or OAuth2 (`Bearer`), scopes `read`, `write`,
//! `issues:create`, `comments:create` as AutoGPT asks them per block.

pub mod comment;
pub mod issues;
pub mod projects;

use agentry_core::credentials::CredentialKind;
use agentry_core::{BlockError, CredentialsMeta, Cx, Registry};
use reqwest::Method;
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Value, json};

use crate::api::{AuthStyle, Service};

pub const PROVIDER: &str = "linear";

pub const API: Service = Service {
    provider: PROVIDER,
    key: "linear",
    default_base: "https://api.linear.app",
    kinds: &[CredentialKind::ApiKey, CredentialKind::Oauth2],
    auth: AuthStyle::Prefixed {
        api_key: "",
        oauth2: "Bearer ",
        headers: &[],
    },
};

/// A Linear block's `Input`: the `credentials` input as AutoGPT's
/// `linear.credentials_field(description, required_scopes)` declares it, then the block's fields.
macro_rules! linear_input {
    ($description:literal, $scope:literal, pub struct $name:ident { $($body:tt)* }) => {
        #[derive(serde::Deserialize, schemars::JsonSchema)]
        pub struct $name {
            #[doc = $description]
            #[serde(default)]
            #[schemars(extend(
                "credentials_provider" = ["linear"],
                "credentials_types" = ["api_key", "oauth2"],
                "credentials_scopes" = [$scope]
            ))]
            pub credentials: agentry_core::CredentialsMeta,
            $($body)*
        }
    };
}
pub(crate) use linear_input;

pub fn register(r: &mut Registry) {
    r.register(comment::LinearCreateComment);
    r.register(issues::LinearCreateIssue);
    r.register(issues::LinearSearchIssues);
    r.register(issues::LinearGetProjectIssues);
    r.register(projects::LinearSearchProjects);
}

/// Runs one GraphQL query or mutation and answers its `data`; errors in a 200 body become an
/// input error as AutoGPT words them.
pub async fn graphql<O: Serialize>(
    cx: &mut Cx<'_, O>,
    credentials: &CredentialsMeta,
    query: &str,
    variables: Value,
) -> Result<Value, BlockError> {
    let client = crate::api::connect(cx, API, credentials).await?;
    let body = json!({"query": query, "variables": variables});
    let answer = client
        .send_json(cx, Method::POST, "/graphql", &body)
        .await?;
    if let Some(errors) = answer["errors"].as_array() {
        let messages: Vec<&str> = errors
            .iter()
            .map(|e| e["message"].as_str().unwrap_or_default())
            .collect();
        return Err(BlockError::Input(format!(
            "Linear API returned errors: {}",
            messages.join(", ")
        )));
    }
    Ok(answer["data"].clone())
}

fn string(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

/// AutoGPT's Linear `User`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct User {
    pub id: String,
    pub name: String,
}

impl User {
    fn of(v: &Value) -> Option<User> {
        v.is_object().then(|| User {
            id: v["id"].as_str().unwrap_or_default().into(),
            name: v["name"].as_str().unwrap_or_default().into(),
        })
    }
}

/// AutoGPT's Linear `Comment`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Comment {
    pub id: String,
    pub body: String,
    #[serde(rename = "createdAt")]
    pub created_at: Option<String>,
    pub user: Option<User>,
}

/// AutoGPT's Linear `Project`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Project {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub priority: Option<i64>,
    pub progress: Option<f64>,
    pub content: Option<String>,
}

impl Project {
    fn of(v: &Value) -> Project {
        Project {
            id: v["id"].as_str().unwrap_or_default().into(),
            name: v["name"].as_str().unwrap_or_default().into(),
            description: string(&v["description"]),
            priority: v["priority"].as_f64().map(|p| p as i64),
            progress: v["progress"].as_f64(),
            content: string(&v["content"]),
        }
    }
}

/// AutoGPT's Linear `Issue`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Issue {
    pub id: String,
    pub identifier: String,
    pub title: String,
    pub description: Option<String>,
    pub priority: i64,
    pub project: Option<Project>,
    #[serde(rename = "createdAt")]
    pub created_at: Option<String>,
    pub comments: Option<Vec<Comment>>,
    pub assignee: Option<User>,
}

impl Issue {
    fn of(v: &Value) -> Issue {
        // The connection's nodes when comments were asked for.
        let comments = v["comments"]["nodes"].as_array().map(|nodes| {
            nodes
                .iter()
                .map(|c| Comment {
                    id: c["id"].as_str().unwrap_or_default().into(),
                    body: c["body"].as_str().unwrap_or_default().into(),
                    created_at: string(&c["createdAt"]),
                    user: User::of(&c["user"]),
                })
                .collect()
        });
        Issue {
            id: v["id"].as_str().unwrap_or_default().into(),
            identifier: v["identifier"].as_str().unwrap_or_default().into(),
            title: v["title"].as_str().unwrap_or_default().into(),
            description: string(&v["description"]),
            priority: v["priority"].as_f64().unwrap_or_default() as i64,
            project: v["project"].is_object().then(|| Project::of(&v["project"])),
            created_at: string(&v["createdAt"]),
            comments,
            assignee: User::of(&v["assignee"]),
        }
    }

    /// The issues of a connection's `nodes`.
    fn all(nodes: &Value) -> Vec<Issue> {
        nodes
            .as_array()
            .into_iter()
            .flatten()
            .map(Issue::of)
            .collect()
    }
}

#[cfg(test)]
#[path = "linear_tests.rs"]
mod tests;
