//! A repository's lists: GithubListTagsBlock, GithubListBranchesBlock, GithubListReleasesBlock,
//! GithubListStargazersBlock (`GET /repos/{o}/{r}/{tags,branches,releases,stargazers}`, the
//! first page as AutoGPT reads it) and GithubListDiscussionsBlock (GraphQL: discussions are not
//! in the REST API).

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, Registry};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Value, json};

use super::{NamedLink, TitledLink, UserLink, api_path, each, emit_list, repo_path, text};

pub fn register(r: &mut Registry) {
    r.register(GithubListTags);
    r.register(GithubListBranches);
    r.register(GithubListDiscussions);
    r.register(GithubListReleases);
    r.register(GithubListStargazers);
}

github_input!(
    "repo",
    pub struct RepoInput {
        /// URL of the GitHub repository
        pub repo_url: String,
    }
);

/// `GET {repo}/{what}` as a JSON array.
async fn list<O: Serialize>(
    cx: &mut Cx<'_, O>,
    input: &RepoInput,
    what: &str,
) -> Result<Value, BlockError> {
    let path = repo_path(&input.repo_url, what)?;
    let client = super::client(cx, &input.credentials).await?;
    Ok(client.get_json(cx, &path, &[]).await?)
}

/// Tags and branches by name, linked to GitHub's file browser at that ref as AutoGPT builds it.
fn tree_links(repo_url: &str, answer: &Value) -> Vec<NamedLink> {
    let repo = repo_url.replace("https://github.com/", "");
    each(answer)
        .map(|r| NamedLink {
            name: text(r, "name"),
            url: format!("https://github.com/{repo}/tree/{}", text(r, "name")),
        })
        .collect()
}

pub struct GithubListTags;

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum TagsOutput {
    /// Tags with their name and file tree browser URL
    #[schemars(title = "Tag")]
    Tag(NamedLink),
    /// List of tags with their name and file tree browser URL
    Tags(Vec<NamedLink>),
}

impl Block for GithubListTags {
    const META: BlockMeta = BlockMeta::standard(
        "358924e7-9a11-4d1a-a0f2-13c67fe59e2e",
        "GithubListTagsBlock",
        "This block lists all tags for a specified GitHub repository.",
        &[Category::DeveloperTools],
    );
    type Input = RepoInput;
    type Output = TagsOutput;

    async fn run(&self, input: RepoInput, cx: &mut Cx<'_, TagsOutput>) -> Result<(), BlockError> {
        let answer = list(cx, &input, "tags").await?;
        let tags = tree_links(&input.repo_url, &answer);
        emit_list(cx, tags, TagsOutput::Tags, TagsOutput::Tag);
        Ok(())
    }
}

pub struct GithubListBranches;

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum BranchesOutput {
    /// Branches with their name and file tree browser URL
    #[schemars(title = "Branch")]
    Branch(NamedLink),
    /// List of branches with their name and file tree browser URL
    Branches(Vec<NamedLink>),
}

impl Block for GithubListBranches {
    const META: BlockMeta = BlockMeta::standard(
        "74243e49-2bec-4916-8bf4-db43d44aead5",
        "GithubListBranchesBlock",
        "This block lists all branches for a specified GitHub repository.",
        &[Category::DeveloperTools],
    );
    type Input = RepoInput;
    type Output = BranchesOutput;

    async fn run(
        &self,
        input: RepoInput,
        cx: &mut Cx<'_, BranchesOutput>,
    ) -> Result<(), BlockError> {
        let answer = list(cx, &input, "branches").await?;
        let branches = tree_links(&input.repo_url, &answer);
        emit_list(
            cx,
            branches,
            BranchesOutput::Branches,
            BranchesOutput::Branch,
        );
        Ok(())
    }
}

pub struct GithubListReleases;

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum ReleasesOutput {
    /// Releases with their name and file tree browser URL
    #[schemars(title = "Release")]
    Release(NamedLink),
    /// List of releases with their name and file tree browser URL
    Releases(Vec<NamedLink>),
}

impl Block for GithubListReleases {
    const META: BlockMeta = BlockMeta::standard(
        "3460367a-6ba7-4645-8ce6-47b05d040b92",
        "GithubListReleasesBlock",
        "This block lists all releases for a specified GitHub repository.",
        &[Category::DeveloperTools],
    );
    type Input = RepoInput;
    type Output = ReleasesOutput;

    async fn run(
        &self,
        input: RepoInput,
        cx: &mut Cx<'_, ReleasesOutput>,
    ) -> Result<(), BlockError> {
        let answer = list(cx, &input, "releases").await?;
        let releases = each(&answer)
            .map(|r| NamedLink {
                name: text(r, "name"),
                url: text(r, "html_url"),
            })
            .collect();
        emit_list(
            cx,
            releases,
            ReleasesOutput::Releases,
            ReleasesOutput::Release,
        );
        Ok(())
    }
}

pub struct GithubListStargazers;

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum StargazersOutput {
    /// Stargazers with their username and profile URL
    #[schemars(title = "Stargazer")]
    Stargazer(UserLink),
    /// List of stargazers with their username and profile URL
    Stargazers(Vec<UserLink>),
}

impl Block for GithubListStargazers {
    const META: BlockMeta = BlockMeta::standard(
        // Not a valid UUID, but AutoGPT's id all the same.
        "a4b9c2d1-e5f6-4g7h-8i9j-0k1l2m3n4o5p",
        "GithubListStargazersBlock",
        "This block lists all users who have starred a specified GitHub repository.",
        &[Category::DeveloperTools],
    );
    type Input = RepoInput;
    type Output = StargazersOutput;

    async fn run(
        &self,
        input: RepoInput,
        cx: &mut Cx<'_, StargazersOutput>,
    ) -> Result<(), BlockError> {
        let answer = list(cx, &input, "stargazers").await?;
        let users = each(&answer).map(UserLink::of).collect();
        emit_list(
            cx,
            users,
            StargazersOutput::Stargazers,
            StargazersOutput::Stargazer,
        );
        Ok(())
    }
}

pub struct GithubListDiscussions;

github_input!(
    "repo",
    pub struct DiscussionsInput {
        /// URL of the GitHub repository
        pub repo_url: String,
        /// Number of discussions to fetch
        #[serde(default = "five")]
        pub num_discussions: i64,
    }
);

fn five() -> i64 {
    5
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum DiscussionsOutput {
    /// Discussions with their title and URL
    #[schemars(title = "Discussion")]
    Discussion(TitledLink),
    /// List of discussions with their title and URL
    Discussions(Vec<TitledLink>),
}

const DISCUSSIONS: &str = "query($owner: String!, $repo: String!, $num: Int!) {
  repository(owner: $owner, name: $repo) { discussions(first: $num) { nodes { title url } } }
}";

impl Block for GithubListDiscussions {
    const META: BlockMeta = BlockMeta::standard(
        "3ef1a419-3d76-4e07-b761-de9dad4d51d7",
        "GithubListDiscussionsBlock",
        "This block lists recent discussions for a specified GitHub repository.",
        &[Category::DeveloperTools],
    );
    type Input = DiscussionsInput;
    type Output = DiscussionsOutput;

    async fn run(
        &self,
        input: DiscussionsInput,
        cx: &mut Cx<'_, DiscussionsOutput>,
    ) -> Result<(), BlockError> {
        let path = api_path(&input.repo_url)?;
        let parts: Vec<&str> = path.split('/').collect();
        let [_, _, owner, repo] = parts.as_slice() else {
            return Err(BlockError::Input("Invalid GitHub repository URL.".into()));
        };
        let variables = json!({"owner": owner, "repo": repo, "num": input.num_discussions});
        let client = super::client(cx, &input.credentials).await?;
        let data = super::graphql(cx, &client, DISCUSSIONS, variables).await?;
        let discussions = each(&data["repository"]["discussions"]["nodes"])
            .map(|d| TitledLink {
                title: text(d, "title"),
                url: text(d, "url"),
            })
            .collect();
        emit_list(
            cx,
            discussions,
            DiscussionsOutput::Discussions,
            DiscussionsOutput::Discussion,
        );
        Ok(())
    }
}
