//! The live `/api/openapi.json` must be usable by a client generator: every operation has its
//! own operationId (two routes sharing one merge their generated types), and every parameter
//! says where it travels (a query string described as a path parameter makes the typed client
//! demand it in a URL that has no place for it).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::support::TestApp;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The `{name}` variables of a path template, in order.
fn template_variables(path: &str) -> BTreeSet<String> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned()))
        .collect()
}

/// A parameter object, following a `$ref` into `components.parameters` when there is one.
fn resolve<'a>(document: &'a Value, parameter: &'a Value) -> &'a Value {
    match parameter["$ref"].as_str() {
        Some(reference) => {
            let pointer = reference.trim_start_matches('#');
            document
                .pointer(pointer)
                .unwrap_or_else(|| panic!("dangling parameter reference {reference}"))
        }
        None => parameter,
    }
}

/// Every mistake the document holds, one line each, so a failure lists them all at once.
fn problems_in(document: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let mut operation_ids: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let paths = document["paths"].as_object().expect("paths");
    for (path, item) in paths {
        let variables = template_variables(path);
        let shared = item["parameters"].as_array().cloned().unwrap_or_default();
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let route = format!("{} {path}", method.to_uppercase());
            match operation["operationId"].as_str() {
                Some(id) => operation_ids
                    .entry(id.to_owned())
                    .or_default()
                    .push(route.clone()),
                None => problems.push(format!("{route}: no operationId")),
            }
            let own = operation["parameters"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let mut in_path = BTreeSet::new();
            let mut seen = BTreeSet::new();
            for parameter in shared.iter().chain(own.iter()) {
                let parameter = resolve(document, parameter);
                let name = parameter["name"].as_str().unwrap_or("?").to_owned();
                let location = parameter["in"].as_str().unwrap_or("?").to_owned();
                if !["path", "query", "header", "cookie"].contains(&location.as_str()) {
                    problems.push(format!("{route}: parameter {name} is in {location:?}"));
                }
                if !seen.insert((name.clone(), location.clone())) {
                    problems.push(format!("{route}: parameter {name} ({location}) twice"));
                }
                if location == "path" {
                    if !variables.contains(&name) {
                        problems.push(format!(
                            "{route}: path parameter {name} is not in the path template"
                        ));
                    }
                    if parameter["required"] != Value::Bool(true) {
                        problems.push(format!("{route}: path parameter {name} is not required"));
                    }
                    in_path.insert(name);
                }
            }
            for variable in variables.difference(&in_path) {
                problems.push(format!(
                    "{route}: template variable {{{variable}}} has no path parameter"
                ));
            }
        }
    }
    for (id, routes) in operation_ids {
        if routes.len() > 1 {
            problems.push(format!(
                "operationId {id} is shared by {}",
                routes.join(", ")
            ));
        }
    }
    problems
}

#[tokio::test]
async fn every_operation_id_is_unique_and_every_parameter_is_where_it_travels() {
    let app = TestApp::start().await;
    let document = app.get("/api/openapi.json").await.expect(200);
    let problems = problems_in(&document);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The checker itself catches each kind of mistake (so a green run above means something).
#[test]
fn the_checker_catches_each_kind_of_mistake() {
    let document = serde_json::json!({
        "paths": {
            "/api/a/{a_id}": { "get": { "operationId": "same", "parameters": [] } },
            "/api/b": { "get": { "operationId": "same", "parameters": [
                { "name": "page", "in": "path", "required": true }
            ] } },
            "/api/c/{c_id}": { "get": { "operationId": "c", "parameters": [
                { "name": "c_id", "in": "path", "required": true },
                { "name": "page", "in": "query" }
            ] } }
        }
    });
    let problems = problems_in(&document);
    assert_eq!(
        problems,
        vec![
            "GET /api/a/{a_id}: template variable {a_id} has no path parameter".to_owned(),
            "GET /api/b: path parameter page is not in the path template".to_owned(),
            "operationId same is shared by GET /api/a/{a_id}, GET /api/b".to_owned(),
        ]
    );
}
