//! A store submission refuses a graph whose node inputs carry a known key shape anywhere in a
//! text (inside a template, nested in objects and lists), names the node and input at fault and
//! never echoes the key; ordinary text that merely mentions keys or tokens is accepted.

use serde_json::{Value, json};

use crate::support::{Caller, OUTPUT, TestApp, graph, open_signup};

const AGENT_INPUT: &str = "c0a8e994-ebf1-4a9c-a4d8-89d09c86741b";
const FILL_TEMPLATE: &str = "db7d8f02-2f44-4c55-ab7a-eae0941f0c30";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

fn submission(graph_id: &str, slug: &str, image: &str) -> Value {
    json!({
        "agent_id": graph_id, "agent_version": 1, "slug": slug,
        "name": "Greeter", "sub_heading": "Says hello",
        "description": "Greets whoever it is given.", "instructions": "Give it a name.",
        "agent_output_demo_url": "Hello Ada", "categories": ["fun"], "image_urls": [image],
        "video_url": null, "changes_summary": "first"
    })
}

/// A greeter graph whose template node holds `format` and `values` as given.
async fn greeter(creator: &Caller, format: &str, values: Value) -> String {
    let body = json!({"graph": graph(
        "greeter",
        &[("in", AGENT_INPUT, json!({"name": "v"})),
          ("fill", FILL_TEMPLATE, json!({"format": format, "values": values})),
          ("out", OUTPUT, json!({"name": "greeting"}))],
        &[("in", "result", "fill", "values_#_v"), ("fill", "output", "out", "value")],
    )});
    creator.create_graph(&body).await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn keys_inside_texts_are_refused_and_ordinary_texts_accepted() {
    let app = TestApp::start_with_accounts(open_signup()).await;
    let creator = app.sign_up("ada@example.com").await;
    creator
        .post_json(
            "/api/store/profile",
            &json!({"username": "ada", "name": "Ada", "description": "", "links": []}),
        )
        .await
        .expect(200);
    let request = creator
        .http()
        .post(creator.url("/api/store/submissions/media"))
        .header("content-type", "image/png")
        .body(PNG.to_vec());
    let image = creator.send(request).await.expect(200)["url"]
        .as_str()
        .unwrap()
        .to_owned();

    let key = "sk-abcdefghijklmnopqrstuvwx";
    let nested_key = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";
    for (format, values, at_fault) in [
        (format!("Hello {{{{v}}}}, key {key}"), json!({}), ": format"),
        (
            "Hello {{v}}".to_owned(),
            json!({"headers": [{"note": format!("use token {nested_key} here")}]}),
            ": values.headers.0.note",
        ),
    ] {
        let id = greeter(&creator, &format, values).await;
        let refused = creator
            .post_json("/api/store/submissions", &submission(&id, "leaky", &image))
            .await
            .expect_error(400, "graph_holds_secrets");
        // Node ids are fresh on create: the entry is "<template node id>: <input path>".
        let inputs = refused["details"]["inputs"].as_array().unwrap();
        assert_eq!(inputs.len(), 1, "{refused}");
        assert!(inputs[0].as_str().unwrap().ends_with(at_fault), "{refused}");
        let text = refused.to_string();
        assert!(!text.contains(key) && !text.contains(nested_key), "{text}");
    }

    let id = greeter(
        &creator,
        "Hello {{v}}! OpenAI keys start with sk- and AWS key ids with AKIA; \
         we never ask for your tokens or a Bearer token.",
        json!({"topic": "task-abcdefghijklmnopqrstuvwxyz"}),
    )
    .await;
    creator
        .post_json(
            "/api/store/submissions",
            &submission(&id, "greeter", &image),
        )
        .await
        .expect(200);
}
