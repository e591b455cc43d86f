//! Hostile bodies on every route. One test walks every path and method of the server's own
//! `/api/openapi.json` that takes a body and sends each, as the owner of every object the path
//! names (so that only the body can stop it), malformed JSON, JSON of the wrong shape, a body
//! nested too deep, one over the size limit and one that is not JSON at all. Each gets a 4xx in
//! the error envelope, and afterwards the owner's objects, runs, accounts and audit log are as
//! before. The route list comes from the document, so a new route is covered without a change.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::isolation::{fill, keyed, make_objects, snapshot};
use crate::support::{Caller, TestApp, open_signup};

/// One hostile body: its content type, the bytes, and what it is.
struct Hostile {
    what: &'static str,
    content_type: &'static str,
    body: Vec<u8>,
}

fn hostile_bodies() -> Vec<Hostile> {
    let json = "application/json";
    vec![
        Hostile {
            what: "malformed JSON",
            content_type: json,
            body: br#"{"inputs": {"Input": 8"#.to_vec(),
        },
        Hostile {
            what: "a JSON number",
            content_type: json,
            body: b"42".to_vec(),
        },
        Hostile {
            what: "a JSON array",
            content_type: json,
            body: br#"[{"inputs": {}}]"#.to_vec(),
        },
        Hostile {
            // serde reads a struct from an array by position: a name, then permissions…
            what: "an array in the struct's field order",
            content_type: json,
            body: br#"["k", ["READ_GRAPH"]]"#.to_vec(),
        },
        Hostile {
            what: "a JSON string",
            content_type: json,
            body: br#""DROP TABLE users""#.to_vec(),
        },
        Hostile {
            what: "JSON nested 2,000 deep",
            content_type: json,
            body: format!("{}{}", "[".repeat(2000), "]".repeat(2000)).into_bytes(),
        },
        Hostile {
            what: "a body over the size limit",
            content_type: json,
            body: format!(r#"{{"name": "{}"}}"#, "a".repeat(17 * 1024 * 1024)).into_bytes(),
        },
        Hostile {
            what: "a form post",
            content_type: "text/plain",
            body: br#"{"inputs": {"Input": 8}}"#.to_vec(),
        },
        Hostile {
            what: "invalid UTF-8",
            content_type: json,
            body: b"{\"name\": \"\xff\xfe\"}".to_vec(),
        },
    ]
}

/// The route's own body with every typed field given a value of another type (a string for a
/// number, a number for a string…), from its schema in the document; `None` when the body has
/// no typed fields (a free-form payload).
fn wrong_types(document: &Value, operation: &Value) -> Option<Hostile> {
    let schema = operation.pointer("/requestBody/content/application~1json/schema")?;
    let mut properties = serde_json::Map::new();
    collect_properties(document, schema, &mut properties);
    let mut body = serde_json::Map::new();
    for (name, property) in properties {
        let property = resolve(document, &property);
        let types: Vec<&str> = match &property["type"] {
            Value::String(t) => vec![t.as_str()],
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
            _ if property.get("$ref").is_some() || property.get("properties").is_some() => {
                vec!["object"]
            }
            _ if property.get("enum").is_some() => vec!["string"],
            _ => continue, // any value fits
        };
        let wrong = if types.contains(&"string") {
            serde_json::json!(12345)
        } else if types.contains(&"integer") || types.contains(&"number") {
            serde_json::json!("twelve")
        } else if types.contains(&"boolean") {
            serde_json::json!("yes")
        } else {
            serde_json::json!(-1)
        };
        body.insert(name, wrong);
    }
    (!body.is_empty()).then(|| Hostile {
        what: "fields of the wrong type",
        content_type: "application/json",
        body: Value::Object(body).to_string().into_bytes(),
    })
}

/// The schema `$ref` points to, or the schema itself.
fn resolve(document: &Value, schema: &Value) -> Value {
    match schema["$ref"].as_str() {
        Some(reference) => document
            .pointer(reference.trim_start_matches('#'))
            .cloned()
            .unwrap_or(Value::Null),
        None => schema.clone(),
    }
}

fn collect_properties(document: &Value, schema: &Value, into: &mut serde_json::Map<String, Value>) {
    let schema = resolve(document, schema);
    if let Some(properties) = schema["properties"].as_object() {
        into.extend(properties.clone());
    }
    for part in schema["allOf"].as_array().into_iter().flatten() {
        collect_properties(document, part, into);
    }
}

/// Routes whose body is the outside world's, not ours: any well-formed JSON, or another content
/// type, is a payload for the trigger (webhooks.rs); malformed, oversized and too deep JSON is
/// still refused here.
fn takes_any_payload(path: &str) -> bool {
    path.ends_with("/ingress")
}

/// Everything the owner (an admin) can read, runs, accounts and the audit log included.
async fn everything(a: &Caller, owned: &crate::isolation::Owned) -> BTreeMap<String, Value> {
    let mut all = snapshot(a, owned).await;
    for path in ["/api/admin/users", "/api/admin/audit"] {
        all.insert(path.to_string(), a.get(path).await.expect(200));
    }
    all
}

#[tokio::test]
async fn every_route_refuses_hostile_bodies_and_changes_nothing() {
    let app = TestApp::start_with_config_and_accounts(keyed(), open_signup()).await;
    let a = app.sign_up("ada@example.com").await;
    let owned = make_objects(&a).await;
    let before = everything(&a, &owned).await;

    let document = app.get("/api/openapi.json").await.expect(200);
    let mut sent = 0;
    let mut routes = Vec::new();
    for (path, operations) in document["paths"].as_object().unwrap() {
        for (method, operation) in operations.as_object().unwrap() {
            if operation.get("requestBody").is_none() {
                continue;
            }
            let method = method.to_uppercase();
            routes.push(format!("{method} {path}"));
            let url = a.url(&fill(path, &owned));
            let mut bodies = hostile_bodies();
            bodies.extend(wrong_types(&document, operation));
            for hostile in bodies {
                if takes_any_payload(path) {
                    let parses = serde_json::from_slice::<Value>(&hostile.body).is_ok();
                    if parses || hostile.content_type != "application/json" {
                        continue;
                    }
                }
                let request = match method.as_str() {
                    "POST" => a.http().post(&url),
                    "PUT" => a.http().put(&url),
                    "PATCH" => a.http().patch(&url),
                    "DELETE" => a.http().delete(&url),
                    other => panic!("a {other} route takes a body: teach this test to send it"),
                }
                .header("content-type", hostile.content_type)
                .body(hostile.body.clone());
                let reply = a.send(request).await;
                let what = format!("{method} {path} with {}", hostile.what);
                assert!(
                    (400..500).contains(&reply.status),
                    "{what} answered {}: {}",
                    reply.status,
                    reply.body
                );
                let error = &reply.body["error"];
                assert!(
                    error["code"].as_str().is_some_and(|c| !c.is_empty())
                        && error["message"].as_str().is_some_and(|m| !m.is_empty()),
                    "{what} answered {} without the error envelope: {}",
                    reply.status,
                    reply.body
                );
                // No answer repeats a hostile body back in full.
                assert!(
                    reply.body.to_string().len() < 64 * 1024,
                    "{what} echoed its body"
                );
                sent += 1;
            }
        }
    }
    assert!(
        routes.len() >= 20,
        "only {} routes take a body: {routes:?}",
        routes.len()
    );
    assert!(sent >= routes.len() * 7, "{sent} hostile bodies sent");
    let mut after = everything(&a, &owned).await;
    let mut before = before;
    strip_failures(&mut before);
    strip_failures(&mut after);
    assert_eq!(after, before, "a hostile body changed something");
}

/// The audit log without its failure entries: a refused sign-in is recorded, and that is right.
fn strip_failures(all: &mut BTreeMap<String, Value>) {
    if let Some(Value::Array(events)) = all
        .get_mut("/api/admin/audit")
        .and_then(|page| page.get_mut("events"))
    {
        events.retain(|e| e["outcome"] != "failure");
    }
}
