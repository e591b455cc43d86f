//! GitHub's repository blocks (lists, files and folders, branches, new repositories) against a
//! wiremock GitHub, each meeting GitHub's error answers.

use serde_json::json;
use wiremock::matchers::{body_json, body_partial_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::fixtures::{answer, pins, refuses, run};
use super::*;

#[tokio::test]
async fn repository_lists() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        "/repos/o/r/tags",
        200,
        json!([{"name": "v1", "commit": {"sha": "c"}}]),
    )
    .await;
    answer(
        &server,
        "GET",
        "/repos/o/r/branches",
        200,
        json!([{"name": "main", "protected": true}]),
    )
    .await;
    answer(&server, "GET", "/repos/o/r/releases", 200,
        json!([{"name": "One", "tag_name": "v1", "html_url": "https://github.com/o/r/releases/tag/v1"}])).await;
    answer(
        &server,
        "GET",
        "/repos/o/r/stargazers",
        200,
        json!([{"login": "octocat", "html_url": "https://github.com/octocat"}]),
    )
    .await;
    Mock::given(method("POST"))
        .and(path("/graphql"))
        .and(body_partial_json(json!({"variables": {"owner": "o", "repo": "r", "num": 5}})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {"repository": {
            "discussions": {"nodes": [{"title": "Ideas", "url": "https://github.com/o/r/discussions/1"}]}
        }}})))
        .mount(&server)
        .await;
    let repo = json!({"repo_url": "https://github.com/o/r"});
    let out = run(&server, repo_lists::GithubListTags, repo.clone()).await;
    let tag = json!({"name": "v1", "url": "https://github.com/o/r/tree/v1"});
    assert_eq!(
        out,
        vec![("tags".into(), json!([tag])), ("tag".into(), tag)]
    );
    let out = run(&server, repo_lists::GithubListBranches, repo.clone()).await;
    assert_eq!(
        out[1],
        (
            "branch".into(),
            json!({"name": "main", "url": "https://github.com/o/r/tree/main"})
        )
    );
    let out = run(&server, repo_lists::GithubListReleases, repo.clone()).await;
    assert_eq!(
        out[1],
        (
            "release".into(),
            json!({"name": "One", "url": "https://github.com/o/r/releases/tag/v1"})
        )
    );
    let out = run(&server, repo_lists::GithubListStargazers, repo.clone()).await;
    assert_eq!(
        out[1],
        (
            "stargazer".into(),
            json!({"username": "octocat", "url": "https://github.com/octocat"})
        )
    );
    let out = run(&server, repo_lists::GithubListDiscussions, repo).await;
    assert_eq!(
        out[1],
        (
            "discussion".into(),
            json!({"title": "Ideas", "url": "https://github.com/o/r/discussions/1"})
        )
    );
}

#[tokio::test]
async fn files_and_folders_are_read_created_and_updated() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/repos/o/r/contents/docs/a.md"))
        .and(query_param("ref", "dev"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "type": "file", "name": "a.md", "path": "docs/a.md", "size": 6,
            "sha": "blob1", "content": "aGVsbG8K\n", "encoding": "base64"
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/repos/o/r/contents/docs"))
        .and(query_param("ref", "master"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"type": "file", "name": "a.md", "path": "docs/a.md", "size": 6},
            {"type": "dir", "name": "img", "path": "docs/img", "size": 0}
        ])))
        .mount(&server)
        .await;
    let written = json!({"content": {"html_url": "https://github.com/o/r/blob/dev/docs/a.md"},
                         "commit": {"sha": "c0ffee"}});
    Mock::given(method("PUT"))
        .and(path("/repos/o/r/contents/docs/a.md"))
        .and(body_json(
            json!({"message": "Update file", "content": "Ynll", "branch": "dev", "sha": "blob1"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(&written))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/repos/o/r/contents/new.md"))
        .and(body_json(
            json!({"message": "Create new file", "content": "aGk=", "branch": "main"}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(&written))
        .expect(1)
        .mount(&server)
        .await;
    let out = run(
        &server,
        repo_files::GithubReadFile,
        json!({"repo_url": "https://github.com/o/r", "file_path": "docs/a.md", "branch": "dev"}),
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("raw_content".into(), json!("aGVsbG8K\n")),
            ("text_content".into(), json!("hello\n")),
            ("size".into(), json!(6))
        ]
    );
    let out = run(
        &server,
        repo_files::GithubReadFolder,
        json!({"repo_url": "https://github.com/o/r", "folder_path": "/docs"}),
    )
    .await;
    assert_eq!(
        out,
        vec![
            (
                "file".into(),
                json!({"name": "a.md", "path": "docs/a.md", "size": 6})
            ),
            ("dir".into(), json!({"name": "img", "path": "docs/img"})),
        ]
    );
    let out = run(
        &server,
        repo_files::GithubCreateFile,
        json!({"repo_url": "https://github.com/o/r", "file_path": "new.md", "content": "hi"}),
    )
    .await;
    assert_eq!(pins(&out), ["url", "sha"]);
    let out = run(
        &server,
        repo_files::GithubUpdateFile,
        json!({"repo_url": "https://github.com/o/r", "file_path": "docs/a.md", "content": "bye",
               "branch": "dev"}),
    )
    .await;
    assert_eq!(
        out,
        vec![
            (
                "url".into(),
                json!("https://github.com/o/r/blob/dev/docs/a.md")
            ),
            ("sha".into(), json!("c0ffee"))
        ]
    );
    // A submodule is not a file.
    answer(
        &server,
        "GET",
        "/repos/o/r/contents/vendor",
        200,
        json!({"type": "submodule", "size": 0}),
    )
    .await;
    let out = run(
        &server,
        repo_files::GithubReadFile,
        json!({"repo_url": "https://github.com/o/r", "file_path": "vendor"}),
    )
    .await;
    assert_eq!(out, vec![("error".into(), json!("Not a file"))]);
}

#[tokio::test]
async fn branches_and_repositories_are_made_and_deleted() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        "/repos/o/r/git/refs/heads/main",
        200,
        json!({"ref": "refs/heads/main", "object": {"sha": "abc", "type": "commit"}}),
    )
    .await;
    Mock::given(method("POST"))
        .and(path("/repos/o/r/git/refs"))
        .and(body_json(
            json!({"ref": "refs/heads/feature", "sha": "abc"}),
        ))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(json!({"ref": "refs/heads/feature"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/repos/o/r/git/refs/heads/feature"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/user/repos"))
        .and(body_json(json!({"name": "new", "description": "", "private": false,
                              "auto_init": true, "gitignore_template": ""})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "html_url": "https://github.com/me/new", "clone_url": "https://github.com/me/new.git"})))
        .mount(&server)
        .await;
    let out = run(&server, repo_refs::GithubMakeBranch,
        json!({"repo_url": "https://github.com/o/r", "new_branch": "feature", "source_branch": "main"})).await;
    assert_eq!(
        out,
        vec![("status".into(), json!("Branch created successfully"))]
    );
    let out = run(
        &server,
        repo_refs::GithubDeleteBranch,
        json!({"repo_url": "https://github.com/o/r", "branch": "feature"}),
    )
    .await;
    assert_eq!(
        out,
        vec![("status".into(), json!("Branch deleted successfully"))]
    );
    let out = run(
        &server,
        repo_refs::GithubCreateRepository,
        json!({"name": "new"}),
    )
    .await;
    assert_eq!(
        out,
        vec![
            ("url".into(), json!("https://github.com/me/new")),
            ("clone_url".into(), json!("https://github.com/me/new.git"))
        ]
    );
}

#[tokio::test]
async fn repository_blocks_meet_githubs_error_answers() {
    let repo = json!({"repo_url": "https://github.com/o/r"});
    refuses(|| repo_lists::GithubListTags, repo.clone()).await;
    refuses(|| repo_lists::GithubListBranches, repo.clone()).await;
    refuses(|| repo_lists::GithubListDiscussions, repo.clone()).await;
    refuses(|| repo_lists::GithubListReleases, repo.clone()).await;
    refuses(|| repo_lists::GithubListStargazers, repo).await;
    let file = json!({"repo_url": "https://github.com/o/r", "file_path": "a", "folder_path": "d",
                      "content": "c"});
    refuses(|| repo_files::GithubReadFile, file.clone()).await;
    refuses(|| repo_files::GithubReadFolder, file.clone()).await;
    refuses(|| repo_files::GithubCreateFile, file.clone()).await;
    refuses(|| repo_files::GithubUpdateFile, file).await;
    refuses(
        || repo_refs::GithubMakeBranch,
        json!({"repo_url": "https://github.com/o/r",
        "new_branch": "n", "source_branch": "s"}),
    )
    .await;
    refuses(
        || repo_refs::GithubDeleteBranch,
        json!({"repo_url": "https://github.com/o/r", "branch": "b"}),
    )
    .await;
    refuses(|| repo_refs::GithubCreateRepository, json!({"name": "n"})).await;
}
