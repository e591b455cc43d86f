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
    example(out, &info.input_schema);
    pins(out, "Input", &info.input_schema, true);
    pins(out, "Output", &info.output_schema, false);
}

/// One credentials requirement: the pin, the providers, kinds and scopes.
struct Needs {
    pin: String,
    providers: Vec<String>,
    kinds: Vec<String>,
    scopes: Vec<String>,
}

/// What a block's pins ask of the user's credentials: a credentials pin's
/// `credentials_provider`/`credentials_types`/`credentials_scopes`, or a Drive picker pin's
/// `auto_credentials` (AutoGPT's file pins that carry their credential).
fn needs(schema: &Value) -> Vec<Needs> {
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    let list = |v: Option<&Value>| -> Vec<String> {
        match v {
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            Some(Value::String(s)) => vec![s.clone()],
            _ => Vec::new(),
        }
    };
    let mut out = Vec::new();
    for (name, pin) in props {
        let (providers, kinds, scopes) = match pin.get("auto_credentials") {
            Some(auto) => (
                list(auto.get("provider")),
                list(auto.get("type")),
                list(auto.get("scopes")),
            ),
            None => (
                list(pin.get("credentials_provider")),
                list(pin.get("credentials_types")),
                list(pin.get("credentials_scopes")),
            ),
        };
        if !providers.is_empty() {
            out.push(Needs {
                pin: name.clone(),
                providers,
                kinds,
                scopes,
            });
        }
    }
    out
}

fn quoted(items: &[String]) -> String {
    items
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The block's provider (the service its credentials are for, `built-in` for none) and the
/// credentials each pin needs: provider, kinds and OAuth2 scopes.
fn credentials(out: &mut String, schema: &Value) {
    let needs = needs(schema);
    let mut providers: Vec<String> = needs.iter().flat_map(|n| n.providers.clone()).collect();
    providers.dedup();
    if providers.is_empty() {
        out.push_str("Provider: built-in (no credentials).\n\n");
        return;
    }
    let _ = writeln!(out, "Provider: {}.\n", quoted(&providers));
    for n in needs {
        let _ = write!(
            out,
            "Credentials (`{}`): {} ({})",
            n.pin,
            quoted(&n.providers),
            n.kinds
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(" or ")
        );
        if !n.scopes.is_empty() {
            let _ = write!(out, "; scopes {}", quoted(&n.scopes));
        }
        out.push_str(".\n\n");
    }
}

/// An example input derived from the schema: every required pin with a value of its type
/// (its first choice, `<name>` for text), the credentials pins naming their provider and kind.
fn example(out: &mut String, schema: &Value) {
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    let defs = schema.get("$defs").and_then(Value::as_object);
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut example = Map::new();
    for n in needs(schema) {
        let value = match props.get(&n.pin).and_then(|p| p.get("auto_credentials")) {
            Some(_) => serde_json::json!({"id": "<file id>", "_credentials_id": "<credential id>"}),
            None => serde_json::json!({
                "id": "<credential id>",
                "provider": n.providers.first(),
                "type": n.kinds.first(),
            }),
        };
        example.insert(n.pin, value);
    }
    for (name, pin) in props {
        if required.contains(&name.as_str()) && !example.contains_key(name) {
            example.insert(name.clone(), sample(name, pin, defs, 0));
        }
    }
    if example.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "Example input: `{}`\n",
        cell(&Value::Object(example).to_string())
    );
}

/// A value a pin of this schema accepts.
fn sample(name: &str, schema: &Value, defs: Option<&Map<String, Value>>, depth: usize) -> Value {
    if depth > 4 {
        return Value::Null;
    }
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let def = reference.rsplit('/').next().and_then(|n| defs?.get(n));
        return def.map_or(Value::Null, |d| sample(name, d, defs, depth + 1));
    }
    if let Some(first) = schema.get("enum").and_then(|e| e.get(0)) {
        return first.clone();
    }
    if let Some(first) = schema.get("const") {
        return first.clone();
    }
    for union in ["oneOf", "anyOf"] {
        if let Some(first) = schema.get(union).and_then(|u| u.get(0)) {
            return sample(name, first, defs, depth + 1);
        }
    }
    let ty = match schema.get("type") {
        Some(Value::Array(types)) => types.iter().find(|t| *t != "null").cloned(),
        other => other.cloned(),
    };
    match ty.as_ref().and_then(Value::as_str) {
        Some("string") => Value::String(format!("<{name}>")),
        Some("integer") => 1.into(),
        Some("number") => 1.5.into(),
        Some("boolean") => true.into(),
        Some("array") => {
            let item = schema
                .get("items")
                .map_or(Value::Null, |i| sample(name, i, defs, depth + 1));
            Value::Array(vec![item])
        }
        Some("object") => {
            let mut object = Map::new();
            let required = schema.get("required").and_then(Value::as_array);
            if let (Some(props), Some(required)) = (
                schema.get("properties").and_then(Value::as_object),
                required,
            ) {
                for key in required.iter().filter_map(Value::as_str) {
                    if let Some(p) = props.get(key) {
                        object.insert(key.into(), sample(key, p, defs, depth + 1));
                    }
                }
            }
            Value::Object(object)
        }
        _ => Value::String(format!("<{name}>")),
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
        assert!(calculator.contains("Provider: built-in"), "{calculator}");
        assert!(
            calculator.contains(r#"Example input: `{"operation":"Add","a":1.5,"b":1.5}`"#),
            "{calculator}"
        );
    }

    #[test]
    fn integrations_show_provider_credentials_and_an_example() {
        let mut registry = crate::registry();
        agentry_integrations::register(&mut registry);
        let doc = markdown(&registry);
        let section = |name: &str| {
            doc.split("### ")
                .find(|s| s.starts_with(name))
                .unwrap_or_else(|| panic!("{name} is listed"))
                .to_string()
        };
        let send = section("GmailSendBlock\n");
        assert!(send.contains("Provider: `google`."), "{send}");
        assert!(
            send.contains("Credentials (`credentials`): `google` (`oauth2`); scopes `https://www.googleapis.com/auth/gmail.send`."),
            "{send}"
        );
        assert!(
            send.contains(
                r#""credentials":{"id":"<credential id>","provider":"google","type":"oauth2"}"#
            ),
            "{send}"
        );
        let read = section("GoogleSheetsReadBlock\n");
        assert!(read.contains("Credentials (`spreadsheet`): `google` (`oauth2`); scopes `https://www.googleapis.com/auth/drive.file`."), "{read}");
        assert!(read.contains(r#""range":"<range>""#), "{read}");
    }
}
