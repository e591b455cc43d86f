//! The block reference (`docs/blocks.md`), generated from the registry so that it cannot drift:
//! a test fails when the checked-in file differs from what this renders.

use std::fmt::Write as _;

use agentry_core::Registry;
use agentry_core::registry::BlockInfo;
use serde_json::{Map, Value};

/// Regenerate with `AGENTRY_BLESS=1 cargo test -p agentry-blocks reference` or
/// `agentry blocks --markdown > docs/blocks.md`.
pub fn markdown(registry: &Registry) -> String {
    let mut blocks: Vec<&BlockInfo> = registry.iter().map(|b| b.info.as_ref()).collect();
    blocks.sort_by_key(|b| (category(b), b.name));
    let mut out = String::new();
    out.push_str("# Blocks\n\n");
    out.push_str(
        "Every block this build of Agentry has, generated from the registry \
         (`agentry blocks --markdown`; a test keeps this file fresh). Ids, class names, pins and \
         defaults are AutoGPT's, so that its agent exports run unchanged.\n\n",
    );
    let _ = writeln!(out, "{} blocks.\n", blocks.len());
    let mut current = String::new();
    for info in blocks {
        let cat = category(info);
        if cat != current {
            let _ = writeln!(out, "## {cat}\n");
            current = cat;
        }
        render_block(&mut out, info);
    }
    out
}

fn category(info: &BlockInfo) -> String {
    info.categories
        .first()
        .and_then(|c| serde_json::to_value(c).ok())
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| "OTHER".into())
}

fn render_block(out: &mut String, info: &BlockInfo) {
    let _ = writeln!(out, "### {}\n", info.name);
    let _ = write!(out, "`{}`", info.id);
    let kind = serde_json::to_value(info.block_type)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    if kind != "STANDARD" {
        let _ = write!(out, " · type {kind}");
    }
    if info.static_output {
        out.push_str(" · static output");
    }
    let _ = writeln!(out, "\n\n{}\n", one_line(info.description));
    credentials(out, &info.input_schema);
    pins(out, "Input", &info.input_schema, true);
    pins(out, "Output", &info.output_schema, false);
}

/// The provider, credential kinds and OAuth2 scopes a block's credentials pin declares.
fn credentials(out: &mut String, schema: &Value) {
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    let list = |pin: &Value, key: &str| -> Vec<String> {
        pin.get(key)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(|s| format!("`{s}`"))
                    .collect()
            })
            .unwrap_or_default()
    };
    for (name, pin) in props {
        let providers = list(pin, "credentials_provider");
        if providers.is_empty() {
            continue;
        }
        let _ = write!(
            out,
            "Credentials (`{name}`): {} ({})",
            providers.join(", "),
            list(pin, "credentials_types").join(" or ")
        );
        let scopes = list(pin, "credentials_scopes");
        if !scopes.is_empty() {
            let _ = write!(out, "; scopes {}", scopes.join(", "));
        }
        out.push_str(".\n\n");
    }
}

fn pins(out: &mut String, title: &str, schema: &Value, inputs: bool) {
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    if props.is_empty() {
        return;
    }
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let defs = schema.get("$defs").and_then(Value::as_object);
    if inputs {
        let _ = writeln!(out, "| {title} | type | default | description |");
        out.push_str("|---|---|---|---|\n");
    } else {
        let _ = writeln!(out, "| {title} | type | description |");
        out.push_str("|---|---|---|\n");
    }
    for (name, pin) in props {
        let ty = type_name(pin, defs);
        let description = pin
            .get("description")
            .and_then(Value::as_str)
            .map(one_line)
            .unwrap_or_default();
        if inputs {
            let default = if required.contains(&name.as_str()) {
                "**required**".to_string()
            } else {
                pin.get("default")
                    .map(|d| format!("`{}`", cell(&d.to_string())))
                    .unwrap_or_default()
            };
            let _ = writeln!(out, "| `{name}` | {ty} | {default} | {description} |");
        } else {
            let _ = writeln!(out, "| `{name}` | {ty} | {description} |");
        }
    }
    out.push('\n');
}

/// A short, Python-like rendering of a pin's JSON Schema type.
fn type_name(schema: &Value, defs: Option<&Map<String, Value>>) -> String {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.rsplit('/').next().unwrap_or(reference);
        return match defs.and_then(|d| d.get(name)) {
            Some(def) if def.get("enum").is_some() || def.get("oneOf").is_some() => {
                format!("{name} ({})", choices(def))
            }
            _ => name.to_string(),
        };
    }
    if schema.get("enum").is_some() {
        return choices(schema);
    }
    for union in ["anyOf", "oneOf"] {
        if let Some(parts) = schema.get(union).and_then(Value::as_array) {
            let names: Vec<String> = parts.iter().map(|p| type_name(p, defs)).collect();
            return names.join(" \\| ");
        }
    }
    match schema.get("type") {
        Some(Value::String(t)) => match t.as_str() {
            "array" => match schema.get("items") {
                Some(items) => format!("list[{}]", type_name(items, defs)),
                None => "list".into(),
            },
            "object" => "dict".into(),
            "string" => "str".into(),
            "integer" => "int".into(),
            "number" => "float".into(),
            "boolean" => "bool".into(),
            "null" => "None".into(),
            other => other.to_string(),
        },
        Some(Value::Array(types)) => types
            .iter()
            .map(|t| type_name(&serde_json::json!({ "type": t }), defs))
            .collect::<Vec<_>>()
            .join(" \\| "),
        _ => "any".into(),
    }
}

fn choices(schema: &Value) -> String {
    let values: Vec<String> = match (schema.get("enum"), schema.get("oneOf")) {
        (Some(Value::Array(values)), _) => values.iter().map(Value::to_string).collect(),
        (_, Some(Value::Array(variants))) => variants
            .iter()
            .filter_map(|v| v.get("const").or_else(|| v.get("enum")?.get(0)))
            .map(Value::to_string)
            .collect(),
        _ => Vec::new(),
    };
    cell(&values.join(", "))
}

fn one_line(text: &str) -> String {
    cell(&text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Text safe inside a table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/blocks.md");

    #[test]
    fn the_checked_in_reference_is_fresh() {
        // The binary's registry: the built-in blocks and the integrations.
        let mut registry = crate::registry();
        agentry_integrations::register(&mut registry);
        let fresh = markdown(&registry);
        if std::env::var_os("AGENTRY_BLESS").is_some() {
            std::fs::write(DOC, &fresh).unwrap();
            return;
        }
        let on_disk = std::fs::read_to_string(DOC).unwrap_or_default();
        assert!(
            on_disk == fresh,
            "docs/blocks.md is stale: run `AGENTRY_BLESS=1 cargo test -p agentry-blocks reference`"
        );
    }

    #[test]
    fn pins_show_types_defaults_and_requirement() {
        let doc = markdown(&crate::registry());
        let calculator = doc
            .split("### ")
            .find(|s| s.starts_with("CalculatorBlock"))
            .expect("the calculator is listed");
        assert!(calculator.contains("`b1ab9b19-67a6-406d-abf5-2dba76d00c79`"));
        assert!(
            calculator.contains("| `a` | float | **required** |"),
            "{calculator}"
        );
        assert!(
            calculator.contains("| `round_result` | bool | `false` |"),
            "{calculator}"
        );
        assert!(calculator.contains("\"Add\", \"Subtract\""), "{calculator}");
        assert!(calculator.contains("| `error` | str |"), "{calculator}");
    }
}
