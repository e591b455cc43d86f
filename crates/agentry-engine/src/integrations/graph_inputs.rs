//! A graph's credentials inputs as AutoGPT aggregates them (`aggregate_credentials_inputs`,
//! `credentials_input_schema`): every node input whose schema declares `credentials_provider`
//! and `credentials_types` (narrowed by its `discriminator` when the node sets it, as an LLM
//! block's model picks its provider), grouped by provider and type under one field named
//! `{providers}_{types}_credentials`. A run's `credentials_inputs` are mapped back to the node
//! inputs of each group.

use std::collections::BTreeMap;

use agentry_core::{Graph, Registry};
use serde_json::{Map, Value, json};

use crate::NodeInputs;

/// One aggregated credentials field.
#[derive(Debug, Clone, PartialEq)]
pub struct CredentialsField {
    pub providers: Vec<String>,
    pub types: Vec<String>,
    pub scopes: Vec<String>,
    /// `(node_id, input name)` of every node input it fills.
    pub nodes: Vec<(String, String)>,
    pub required: bool,
}

fn strings(value: Option<&Value>) -> Vec<String> {
    let mut out: Vec<String> = value
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out.dedup();
    out
}

/// The graph's credentials fields by aggregated name.
pub fn aggregate(graph: &Graph, registry: &Registry) -> BTreeMap<String, CredentialsField> {
    let mut fields: BTreeMap<String, CredentialsField> = BTreeMap::new();
    for node in &graph.nodes {
        let Some(block) = registry.get(&node.block_id) else {
            continue;
        };
        let Some(properties) = block
            .info
            .input_schema
            .get("properties")
            .and_then(Value::as_object)
        else {
            continue;
        };
        let required: Vec<&str> = block.info.required_inputs().collect();
        for (name, schema) in properties {
            if schema.get("credentials_provider").is_none() {
                continue;
            }
            let mut providers = strings(schema.get("credentials_provider"));
            let types = strings(schema.get("credentials_types"));
            // The node's own value of the discriminator (an LLM block's `model`), else the
            // block's default for it.
            if let Some(chosen) = schema
                .get("discriminator")
                .and_then(Value::as_str)
                .and_then(|d| {
                    node.input_default
                        .get(d)
                        .or_else(|| properties.get(d).and_then(|p| p.get("default")))
                })
                .and_then(Value::as_str)
                && let Some(provider) = schema
                    .get("discriminator_mapping")
                    .and_then(|m| m.get(chosen))
                    .and_then(Value::as_str)
            {
                providers = vec![provider.to_string()];
            }
            if providers.is_empty() || types.is_empty() {
                continue;
            }
            let key = format!("{}_{}_credentials", providers.join("_"), types.join("_"));
            let field = fields.entry(key).or_insert_with(|| CredentialsField {
                providers,
                types,
                scopes: Vec::new(),
                nodes: Vec::new(),
                required: false,
            });
            field
                .scopes
                .extend(strings(schema.get("credentials_scopes")));
            field.scopes.sort();
            field.scopes.dedup();
            field.nodes.push((node.id.clone(), name.clone()));
            field.required |= required.contains(&name.as_str());
        }
    }
    fields
}

fn one_or_many(values: &[String]) -> Value {
    match values {
        [one] => json!({"type": "string", "const": one}),
        many => json!({"type": "string", "enum": many}),
    }
}

/// AutoGPT's `credentials_input_schema`: one property per aggregated field.
pub fn credentials_input_schema(graph: &Graph, registry: &Registry) -> Value {
    let fields = aggregate(graph, registry);
    let mut properties = Map::new();
    let mut required = Vec::new();
    for (key, field) in &fields {
        let mut schema = json!({
            "type": "object",
            "title": key,
            "properties": {
                "id": {"title": "Id", "type": "string"},
                "title": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": null, "title": "Title"},
                "provider": one_or_many(&field.providers),
                "type": one_or_many(&field.types),
            },
            "required": ["id", "provider", "type"],
            "credentials_provider": field.providers,
            "credentials_types": field.types,
        });
        if !field.scopes.is_empty() {
            schema["credentials_scopes"] = json!(field.scopes);
        }
        properties.insert(key.clone(), schema);
        if field.required {
            required.push(key.clone());
        }
    }
    json!({"type": "object", "properties": properties, "required": required})
}

/// Maps a run's `credentials_inputs` (by aggregated field name) to the node inputs they fill.
/// Errors name the unknown field or the malformed value.
pub fn node_credentials(
    graph: &Graph,
    registry: &Registry,
    credentials_inputs: &Map<String, Value>,
) -> Result<NodeInputs, String> {
    // Most runs name no credentials: no need to walk every node's schema for their fields.
    if credentials_inputs.is_empty() {
        return Ok(NodeInputs::new());
    }
    let fields = aggregate(graph, registry);
    let mut out = NodeInputs::new();
    for (key, meta) in credentials_inputs {
        let field = fields.get(key).ok_or_else(|| {
            let known: Vec<&str> = fields.keys().map(String::as_str).collect();
            format!(
                "credentials input {key:?} is not one of this graph's ({})",
                if known.is_empty() {
                    "it takes none".to_string()
                } else {
                    known.join(", ")
                }
            )
        })?;
        let parsed: agentry_core::CredentialsMeta =
            serde_json::from_value(meta.clone()).map_err(|_| {
                format!("credentials input {key:?} is not {{\"id\", \"provider\", \"type\"}}")
            })?;
        if parsed.id.as_deref().is_none_or(str::is_empty) {
            return Err(format!("credentials input {key:?} has no id"));
        }
        if let Some(provider) = &parsed.provider
            && !field.providers.contains(provider)
        {
            return Err(format!(
                "credentials input {key:?} is for {}, not {provider}",
                field.providers.join(" or ")
            ));
        }
        // Only the reference travels: never anything else the client put in the object.
        let value = serde_json::to_value(&parsed).expect("meta serializes");
        for (node, input) in &field.nodes {
            out.entry(node.clone())
                .or_default()
                .insert(input.clone(), value.clone());
        }
    }
    Ok(out)
}
