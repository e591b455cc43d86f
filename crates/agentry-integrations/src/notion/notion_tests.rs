//! Notion blocks against a wiremock Notion API (answers shaped as Notion's reference shows
//! them, `Notion-Version` checked), and each block meeting Notion's error answers.

use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;
use crate::error_answers::assert_error_answers;
use crate::testing::{meta, oauth2};

const TOKEN: &str = "ntn_oauth_token";

fn with_creds(mut input: Value) -> Value {
    input["credentials"] = meta("notion", "oauth2");
    input
}

fn credential() -> agentry_core::credentials::Credential {
    oauth2("notion", TOKEN, &[])
}

async fn run<B: agentry_core::Block>(
    server: &MockServer,
    block: B,
    input: Value,
) -> Vec<(String, Value)> {
    crate::error_answers::run_against(server, block, with_creds(input), credential()).await
}

fn rich(text: &str) -> Value {
    json!([{"type": "text", "text": {"content": text}, "plain_text": text, "href": null,
            "annotations": {"bold": false, "italic": false, "strikethrough": false,
                            "underline": false, "code": false, "color": "default"}}])
}

fn page() -> Value {
    json!({"object": "page", "id": "p1", "url": "https://www.notion.so/Plan-p1",
        "created_time": "2024-01-01T00:00:00.000Z", "last_edited_time": "2024-01-02T00:00:00.000Z",
        "parent": {"type": "workspace", "workspace": true}, "icon": {"type": "emoji", "emoji": "🚀"},
        "properties": {"Name": {"id": "title", "type": "title", "title": rich("Plan")}}})
}

#[test]
fn blocks_become_markdown_as_autogpt_writes_it() {
    let bold = json!([{"plain_text": "big", "annotations": {"bold": true}},
                      {"plain_text": " link", "href": "https://x.y", "annotations": {}}]);
    let blocks = vec![
        json!({"type": "heading_1", "heading_1": {"rich_text": rich("Title")}}),
        json!({"type": "paragraph", "paragraph": {"rich_text": bold}}),
        json!({"type": "bulleted_list_item", "bulleted_list_item": {"rich_text": rich("one")}}),
        json!({"type": "to_do", "to_do": {"rich_text": rich("two"), "checked": true}}),
        json!({"type": "code", "code": {"rich_text": rich("fn main() {}"), "language": "rust"}}),
        json!({"type": "toggle", "toggle": {"rich_text": rich("More")}, "children": [
            {"type": "paragraph", "paragraph": {"rich_text": rich("inside")}}]}),
        json!({"type": "divider", "divider": {}}),
    ];
    assert_eq!(
        markdown::blocks_markdown(&blocks),
        "# Title\n\n**big**[ link](https://x.y)\n\n- one\n- [x] two\n\n```rust\nfn main() {}\n```\n\n\
         <details>\n<summary>More</summary>\n\n  inside\n</details>\n\n---"
    );
    let made = markdown::to_blocks("# H\n\n- a\n2. b\n```py\nx = 1\n```\n> q\n---\ntext");
    let kinds: Vec<&str> = made.iter().map(|b| b["type"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "heading_1",
            "bulleted_list_item",
            "numbered_list_item",
            "code",
            "quote",
            "divider",
            "paragraph"
        ]
    );
    assert_eq!(made[3]["code"]["language"], "py");
    assert_eq!(made[3]["code"]["rich_text"][0]["text"]["content"], "x = 1");
}

#[tokio::test]
async fn reads_a_page_as_json_and_as_markdown_with_nested_blocks() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/pages/p1"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("notion-version", "2022-06-28"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/blocks/p1/children"))
        .and(query_param("page_size", "100"))
        .and(query_param("start_cursor", "c2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"object": "list", "results": [
            {"object": "block", "id": "b2", "type": "bulleted_list_item", "has_children": true,
             "bulleted_list_item": {"rich_text": rich("parent")}}], "has_more": false, "next_cursor": null})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/blocks/p1/children"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"object": "list", "results": [
            {"object": "block", "id": "b1", "type": "heading_2", "has_children": false,
             "heading_2": {"rich_text": rich("Goals")}}], "has_more": true, "next_cursor": "c2"}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/blocks/b2/children"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"object": "list", "results": [
            {"object": "block", "id": "b3", "type": "paragraph", "has_children": false,
             "paragraph": {"rich_text": rich("child")}}], "has_more": false, "next_cursor": null}),
        ))
        .mount(&server)
        .await;
    let out = run(&server, pages::NotionReadPage, json!({"page_id": "p1"})).await;
    assert_eq!(out, vec![("page".into(), page())]);
    let out = run(
        &server,
        pages::NotionReadPageMarkdown,
        json!({"page_id": "p1"}),
    )
    .await;
    // A list item's children are not shown (AutoGPT renders only its own text).
    assert_eq!(
        out,
        vec![
            ("markdown".into(), json!("# Plan\n\n## Goals\n\n- parent")),
            ("title".into(), json!("Plan"))
        ]
    );
}

#[tokio::test]
async fn creates_a_page_in_a_database_with_properties_and_content() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/pages"))
        .and(body_json(json!({
            "parent": {"type": "database_id", "database_id": "db1"},
            "properties": {
                "title": {"title": [{"type": "text", "text": {"content": "Launch"}}]},
                "Status": {"select": {"name": "In Progress"}},
                "Done": {"checkbox": false},
                "Points": {"number": 3},
                "Tags": {"multi_select": [{"name": "a"}, {"name": "b"}]},
                "Notes": {"rich_text": [{"type": "text", "text": {"content": "n"}}]}
            },
            "children": [{"type": "paragraph", "paragraph": {"rich_text": [
                {"type": "text", "text": {"content": "Hello"}}]}}],
            "icon": {"type": "emoji", "emoji": "🚀"}
        })))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"object": "page", "id": "p9",
            "url": "https://www.notion.so/Launch-p9"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let out = run(&server, pages::NotionCreatePage, json!({"parent_database_id": "db1", "title": "Launch",
        "content": "Hello", "icon_emoji": "🚀", "properties": {"Status": "In Progress", "Done": false,
        "Points": 3, "Tags": ["a", "b"], "Notes": "n", "title": "ignored"}})).await;
    assert_eq!(
        out,
        vec![
            ("page_id".into(), json!("p9")),
            ("page_url".into(), json!("https://www.notion.so/Launch-p9"))
        ]
    );
    let out = run(&server, pages::NotionCreatePage, json!({"title": "x"})).await;
    assert_eq!(
        out,
        vec![(
            "error".into(),
            json!("Either parent_page_id or parent_database_id must be provided")
        )]
    );
}

#[tokio::test]
async fn searches_the_workspace_and_queries_a_database() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/search"))
        .and(body_json(json!({"page_size": 20, "query": "Plan"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"object": "list", "results": [
            page(), {"object": "database", "id": "db1", "url": "https://www.notion.so/db1",
            "title": rich("Tasks"), "is_inline": true, "parent": {"type": "page_id", "page_id": "p1"}}],
            "has_more": false})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/databases/db1/query"))
        .and(body_json(json!({"page_size": 100, "sorts": [{"property": "Due", "direction": "ascending"}],
            "filter": {"or": [
                {"property": "Status", "rich_text": {"contains": "Done"}},
                {"property": "Status", "title": {"contains": "Done"}},
                {"property": "Status", "select": {"equals": "Done"}},
                {"property": "Status", "multi_select": {"contains": "Done"}}]}})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"object": "list", "results": [{
            "object": "page", "id": "e1", "url": "https://www.notion.so/e1",
            "created_time": "2024-01-01T00:00:00.000Z", "last_edited_time": "2024-01-01T00:00:00.000Z",
            "properties": {
                "Name": {"type": "title", "title": rich("Ship")},
                "Status": {"type": "select", "select": {"name": "Done"}},
                "Due": {"type": "date", "date": {"start": "2024-02-01", "end": null}},
                "Owner": {"type": "people", "people": [{"object": "user", "id": "u1", "name": "Ada"}]},
                "Score": {"type": "formula", "formula": {"type": "number", "number": 7}}
            }}], "has_more": false})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/databases/db1"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"object": "database", "id": "db1",
            "title": rich("Tasks")})),
        )
        .mount(&server)
        .await;
    let out = run(&server, search::NotionSearch, json!({"query": "Plan"})).await;
    let pins: Vec<&str> = out.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(pins, ["results", "result_ids", "result", "result", "count"]);
    assert_eq!(out[1].1, json!(["p1", "db1"]));
    assert_eq!(
        out[2].1,
        json!({"id": "p1", "type": "page", "title": "Plan",
        "url": "https://www.notion.so/Plan-p1", "created_time": "2024-01-01T00:00:00.000Z",
        "last_edited_time": "2024-01-02T00:00:00.000Z", "parent_type": "workspace",
        "parent_id": null, "icon": "🚀", "is_inline": null})
    );
    assert_eq!(out[3].1["parent_id"], "p1");
    assert_eq!(out[3].1["is_inline"], true);
    let out = run(
        &server,
        search::NotionReadDatabase,
        json!({"database_id": "db1",
        "filter_property": "Status", "filter_value": "Done", "sort_property": "Due"}),
    )
    .await;
    let pins: Vec<&str> = out.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        pins,
        [
            "entries",
            "entry_ids",
            "entry",
            "entry_id",
            "count",
            "database_title"
        ]
    );
    assert_eq!(
        out[2].1,
        json!({"Name": "Ship", "Status": "Done", "Due": "2024-02-01",
        "Owner": ["Ada"], "Score": 7, "_id": "e1", "_url": "https://www.notion.so/e1",
        "_created_time": "2024-01-01T00:00:00.000Z", "_last_edited_time": "2024-01-01T00:00:00.000Z"})
    );
    assert_eq!(out[5].1, "Tasks");
}

#[tokio::test]
async fn every_block_meets_notions_error_answers() {
    let body = json!({"object": "error", "status": 401, "code": "unauthorized",
                      "message": "API token is invalid."});
    macro_rules! check {
        ($block:expr, $input:expr) => {
            assert_error_answers(
                || $block,
                with_creds($input),
                credential(),
                "notion",
                body.clone(),
                "API token is invalid.",
            )
            .await
        };
    }
    check!(pages::NotionReadPage, json!({"page_id": "p1"}));
    check!(pages::NotionReadPageMarkdown, json!({"page_id": "p1"}));
    check!(
        pages::NotionCreatePage,
        json!({"parent_page_id": "p1", "title": "t"})
    );
    check!(search::NotionSearch, json!({}));
    check!(search::NotionReadDatabase, json!({"database_id": "db1"}));
}
