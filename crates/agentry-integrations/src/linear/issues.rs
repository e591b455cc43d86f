//! LinearCreateIssueBlock (the team by name or key, the project by search, then
//! `issueCreate`), LinearSearchIssuesBlock (`searchIssues`) and LinearGetProjectIssuesBlock
//! (`issues` filtered by project, state and whether assigned).

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Value, json};

use super::{Issue, linear_input};

pub struct LinearCreateIssue;

linear_input!(
    "Linear credentials with issue creation permissions",
    "issues:create",
    pub struct CreateInput {
        /// Title of the issue
        pub title: String,
        /// Description of the issue
        pub description: Option<String>,
        /// Name of the team to create the issue on
        pub team_name: String,
        /// Priority of the issue
        #[serde(default)]
        #[schemars(range(min = 0, max = 4))]
        pub priority: Option<i64>,
        /// Name of the project to create the issue on
        #[serde(default)]
        pub project_name: Option<String>,
    }
);

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum CreateOutput {
    /// ID of the created issue
    IssueId(String),
    /// Title of the created issue
    IssueTitle(String),
}

const TEAM: &str = "query GetTeamId($searchTerm: String!) {
  teams(filter: { or: [ { name: { eqIgnoreCase: $searchTerm } }, { key: { eqIgnoreCase: $searchTerm } } ] }) {
    nodes { id name key }
  }
}";

const CREATE: &str = "mutation IssueCreate($input: IssueCreateInput!) {
  issueCreate(input: $input) { issue { title description id identifier priority } }
}";

impl Block for LinearCreateIssue {
    const META: BlockMeta = BlockMeta::standard(
        "f9c68f55-dcca-40a8-8771-abf9601680aa",
        "LinearCreateIssueBlock",
        "Creates a new issue on Linear",
        &[Category::Productivity, Category::IssueTracking],
    );
    type Input = CreateInput;
    type Output = CreateOutput;

    async fn run(
        &self,
        input: CreateInput,
        cx: &mut Cx<'_, CreateOutput>,
    ) -> Result<(), BlockError> {
        let teams = super::graphql(
            cx,
            &input.credentials,
            TEAM,
            json!({"searchTerm": input.team_name}),
        )
        .await?;
        let team = teams["teams"]["nodes"][0]["id"]
            .as_str()
            .ok_or_else(|| BlockError::Input(format!("Team not found: {}", input.team_name)))?
            .to_string();
        let mut fields = json!({"teamId": team, "title": input.title});
        if let Some(name) = input.project_name.filter(|n| !n.is_empty()) {
            let projects = super::projects::search(cx, &input.credentials, &name).await?;
            let project = projects
                .first()
                .ok_or_else(|| BlockError::Input("Project not found".into()))?;
            fields["projectId"] = json!(project.id);
        }
        if let Some(description) = input.description.filter(|d| !d.is_empty()) {
            fields["description"] = json!(description);
        }
        // As AutoGPT: priority 0 (none) is Linear's default and is not sent.
        if let Some(priority) = input.priority.filter(|p| *p != 0) {
            fields["priority"] = json!(priority);
        }
        let data = super::graphql(cx, &input.credentials, CREATE, json!({"input": fields})).await?;
        let issue = &data["issueCreate"]["issue"];
        cx.emit(CreateOutput::IssueId(text(issue, "identifier")));
        cx.emit(CreateOutput::IssueTitle(text(issue, "title")));
        Ok(())
    }
}

fn text(v: &Value, key: &str) -> String {
    v[key].as_str().unwrap_or_default().to_string()
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum IssuesOutput {
    /// List of issues
    Issues(Vec<Issue>),
}

pub struct LinearSearchIssues;

linear_input!(
    "Linear credentials with read permissions",
    "read",
    pub struct SearchInput {
        /// Term to search for issues
        pub term: String,
    }
);

const SEARCH: &str = "query SearchIssues($term: String!, $includeComments: Boolean!) {
  searchIssues(term: $term, includeComments: $includeComments) {
    nodes { id identifier title description priority }
  }
}";

impl Block for LinearSearchIssues {
    const META: BlockMeta = BlockMeta::standard(
        "b5a2a0e6-26b4-4c5b-8a42-bc79e9cb65c2",
        "LinearSearchIssuesBlock",
        "Searches for issues on Linear",
        &[Category::Productivity, Category::IssueTracking],
    );
    type Input = SearchInput;
    type Output = IssuesOutput;

    async fn run(
        &self,
        input: SearchInput,
        cx: &mut Cx<'_, IssuesOutput>,
    ) -> Result<(), BlockError> {
        let variables = json!({"term": input.term, "includeComments": true});
        let data = super::graphql(cx, &input.credentials, SEARCH, variables).await?;
        cx.emit(IssuesOutput::Issues(Issue::all(
            &data["searchIssues"]["nodes"],
        )));
        Ok(())
    }
}

pub struct LinearGetProjectIssues;

linear_input!(
    "Linear credentials with read permissions",
    "read",
    pub struct ProjectIssuesInput {
        /// Name of the project to get issues from
        pub project: String,
        /// Status/state name to filter issues by (e.g., 'In Progress', 'Done')
        pub status: String,
        /// Filter by assignee status - True to get assigned issues, False to get unassigned
        /// issues
        #[serde(default)]
        pub is_assigned: bool,
        /// Whether to include comments in the response
        #[serde(default)]
        pub include_comments: bool,
    }
);

const BY_PROJECT: &str = "query IssuesByProjectStatusAndAssignee(
  $projectName: String!, $statusName: String!, $isAssigned: Boolean!, $includeComments: Boolean! = false
) {
  issues(filter: {
    project: { name: { eq: $projectName } }
    state: { name: { eq: $statusName } }
    assignee: { null: $isAssigned }
  }) {
    nodes {
      id title identifier description createdAt priority
      assignee { id name }
      project { id name }
      state { id name }
      comments @include(if: $includeComments) { nodes { id body createdAt user { id name } } }
    }
  }
}";

impl Block for LinearGetProjectIssues {
    const META: BlockMeta = BlockMeta::standard(
        "c7d3f1e8-45a9-4b2c-9f81-3e6a8d7c5b1a",
        "LinearGetProjectIssuesBlock",
        "Gets issues from a Linear project filtered by status and assignee",
        &[Category::Productivity, Category::IssueTracking],
    );
    type Input = ProjectIssuesInput;
    type Output = IssuesOutput;

    async fn run(
        &self,
        input: ProjectIssuesInput,
        cx: &mut Cx<'_, IssuesOutput>,
    ) -> Result<(), BlockError> {
        // Linear's filter asks whether the assignee is null: the opposite of "is assigned".
        let variables = json!({"projectName": input.project, "statusName": input.status,
                               "isAssigned": !input.is_assigned,
                               "includeComments": input.include_comments});
        let data = super::graphql(cx, &input.credentials, BY_PROJECT, variables).await?;
        cx.emit(IssuesOutput::Issues(Issue::all(&data["issues"]["nodes"])));
        Ok(())
    }
}
