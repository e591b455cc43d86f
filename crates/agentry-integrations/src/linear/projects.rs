//! LinearSearchProjectsBlock: projects matching a term (`searchProjects`).

use agentry_core::{Block, BlockError, BlockMeta, Category, CredentialsMeta, Cx};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::json;

use super::{Project, linear_input};

pub struct LinearSearchProjects;

linear_input!(
    "Linear credentials with read permissions",
    "read",
    pub struct Input {
        /// Term to search for projects
        pub term: String,
    }
);

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// List of projects
    Projects(Vec<Project>),
}

const SEARCH: &str = "query SearchProjects($term: String!, $includeComments: Boolean!) {
  searchProjects(term: $term, includeComments: $includeComments) {
    nodes { id name description priority progress content }
  }
}";

/// The projects `term` finds, best first.
pub async fn search<O: Serialize>(
    cx: &mut Cx<'_, O>,
    credentials: &CredentialsMeta,
    term: &str,
) -> Result<Vec<Project>, BlockError> {
    let variables = json!({"term": term, "includeComments": true});
    let data = super::graphql(cx, credentials, SEARCH, variables).await?;
    Ok(data["searchProjects"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(Project::of)
        .collect())
}

impl Block for LinearSearchProjects {
    const META: BlockMeta = BlockMeta::standard(
        "446a1d35-9d8f-4ac5-83ea-7684ec50e6af",
        "LinearSearchProjectsBlock",
        "Searches for projects on Linear",
        &[Category::Productivity, Category::IssueTracking],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let projects = search(cx, &input.credentials, &input.term).await?;
        cx.emit(Output::Projects(projects));
        Ok(())
    }
}
