//! Branches and repositories: GithubMakeBranchBlock (the source branch's sha, then `POST
//! /repos/{o}/{r}/git/refs`), GithubDeleteBranchBlock (`DELETE …/git/refs/heads/{branch}`) and
//! GithubCreateRepositoryBlock (`POST /user/repos`).

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, Registry};
use reqwest::Method;
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::json;

use super::{repo_path, text};

pub fn register(r: &mut Registry) {
    r.register(GithubMakeBranch);
    r.register(GithubDeleteBranch);
    r.register(GithubCreateRepository);
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum StatusOutput {
    /// Status of the branch operation
    Status(String),
}

pub struct GithubMakeBranch;

github_input!(
    "repo",
    pub struct MakeBranchInput {
        /// URL of the GitHub repository
        pub repo_url: String,
        /// Name of the new branch
        pub new_branch: String,
        /// Name of the source branch
        pub source_branch: String,
    }
);

impl Block for GithubMakeBranch {
    const META: BlockMeta = BlockMeta::standard(
        "944cc076-95e7-4d1b-b6b6-b15d8ee5448d",
        "GithubMakeBranchBlock",
        "This block creates a new branch from a specified source branch.",
        &[Category::DeveloperTools],
    );
    type Input = MakeBranchInput;
    type Output = StatusOutput;

    async fn run(
        &self,
        input: MakeBranchInput,
        cx: &mut Cx<'_, StatusOutput>,
    ) -> Result<(), BlockError> {
        let source = repo_path(
            &input.repo_url,
            &format!("git/refs/heads/{}", input.source_branch),
        )?;
        let refs = repo_path(&input.repo_url, "git/refs")?;
        let client = super::client(cx, &input.credentials).await?;
        let head = client.get_json(cx, &source, &[]).await?;
        let body = json!({"ref": format!("refs/heads/{}", input.new_branch),
                          "sha": text(&head["object"], "sha")});
        client.send_json(cx, Method::POST, &refs, &body).await?;
        cx.emit(StatusOutput::Status("Branch created successfully".into()));
        Ok(())
    }
}

pub struct GithubDeleteBranch;

github_input!(
    "repo",
    pub struct DeleteBranchInput {
        /// URL of the GitHub repository
        pub repo_url: String,
        /// Name of the branch to delete
        pub branch: String,
    }
);

impl Block for GithubDeleteBranch {
    const META: BlockMeta = BlockMeta::standard(
        "0d4130f7-e0ab-4d55-adc3-0a40225e80f4",
        "GithubDeleteBranchBlock",
        "This block deletes a specified branch.",
        &[Category::DeveloperTools],
    );
    type Input = DeleteBranchInput;
    type Output = StatusOutput;

    async fn run(
        &self,
        input: DeleteBranchInput,
        cx: &mut Cx<'_, StatusOutput>,
    ) -> Result<(), BlockError> {
        let path = repo_path(&input.repo_url, &format!("git/refs/heads/{}", input.branch))?;
        let client = super::client(cx, &input.credentials).await?;
        client.send(cx, Method::DELETE, &path, &[], None).await?;
        cx.emit(StatusOutput::Status("Branch deleted successfully".into()));
        Ok(())
    }
}

pub struct GithubCreateRepository;

fn yes() -> bool {
    true
}

github_input!(
    "repo",
    pub struct CreateRepositoryInput {
        /// Name of the repository to create
        pub name: String,
        /// Description of the repository
        #[serde(default)]
        pub description: String,
        /// Whether the repository should be private
        #[serde(default)]
        pub private: bool,
        /// Whether to initialize the repository with a README
        #[serde(default = "yes")]
        pub auto_init: bool,
        /// Git ignore template to use (e.g., Python, Node, Java)
        #[serde(default)]
        pub gitignore_template: String,
    }
);

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum CreateRepositoryOutput {
    /// URL of the created repository
    Url(String),
    /// Git clone URL of the repository
    CloneUrl(String),
}

impl Block for GithubCreateRepository {
    const META: BlockMeta = BlockMeta::standard(
        "029ec3b8-1cfd-46d3-b6aa-28e4a706efd1",
        "GithubCreateRepositoryBlock",
        "This block creates a new GitHub repository.",
        &[Category::DeveloperTools],
    );
    type Input = CreateRepositoryInput;
    type Output = CreateRepositoryOutput;

    async fn run(
        &self,
        input: CreateRepositoryInput,
        cx: &mut Cx<'_, CreateRepositoryOutput>,
    ) -> Result<(), BlockError> {
        let client = super::client(cx, &input.credentials).await?;
        let body = json!({"name": input.name, "description": input.description,
                          "private": input.private, "auto_init": input.auto_init,
                          "gitignore_template": input.gitignore_template});
        let repo = client
            .send_json(cx, Method::POST, "/user/repos", &body)
            .await?;
        cx.emit(CreateRepositoryOutput::Url(text(&repo, "html_url")));
        cx.emit(CreateRepositoryOutput::CloneUrl(text(&repo, "clone_url")));
        Ok(())
    }
}
