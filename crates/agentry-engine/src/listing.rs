//! What a store agent can do before anyone runs it, and what it must not carry. The
//! permissions summary of a graph and its sub-graphs: the credentials it asks for (providers,
//! types, scopes), the outbound access its blocks may reach (kind and hosts: a literal URL's
//! host, or "any" when the URL comes from inputs), whether it runs code, sends email or waits
//! for a human. `asks_more` compares two summaries so review can flag a new version that wants
//! more. `secret_inputs` finds node inputs that hold secrets (a pin the block marks `secret`, a
//! key named like one, or a known key shape anywhere inside a text value, nested objects and
//! lists included: `key_shapes`), which a submission must not publish.

use std::collections::{BTreeMap, BTreeSet};

use agentry_core::{Graph, Registry};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::integrations as graph_inputs;
pub use crate::sub_graphs::AGENT_EXECUTOR;

/// A listing version's permissions summary (stored as JSON with the version).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Permissions {
    pub credentials: Vec<CredentialNeed>,
    pub outbound: Vec<OutboundAccess>,
    pub runs_code: bool,
    pub sends_email: bool,
    pub needs_human_review: bool,
    /// How many sub-graphs (agents run as blocks) the summary covers.
    pub sub_graphs: usize,
}

/// Credentials of one provider the agent asks its runner for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialNeed {
    pub provider: String,
    pub types: Vec<String>,
    pub scopes: Vec<String>,
}

/// One kind of outbound access and where it may go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboundAccess {
    /// `http`, `llm`, `api`, `email`, `mcp`.
    pub kind: String,
    /// Host names, provider names, or `*` when the destination comes from inputs.
    pub hosts: Vec<String>,
}

const SEND_WEB_REQUEST: &str = "SendWebRequestBlock";
const SEND_AUTHENTICATED_WEB_REQUEST: &str = "SendAuthenticatedWebRequestBlock";
const READ_RSS: &str = "ReadRSSFeedBlock";
const SEND_EMAIL: &str = "SendEmailBlock";
const EXECUTE_CODE: &str = "ExecuteCodeBlock";
const HUMAN_IN_THE_LOOP: &str = "HumanInTheLoopBlock";
const MCP_TOOL: &str = "MCPToolBlock";

/// The summary of `graph` and the sub-graphs it calls (given by the caller, who loads them).
pub fn permissions(graph: &Graph, sub_graphs: &[Graph], registry: &Registry) -> Permissions {
    let mut creds: BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)> = BTreeMap::new();
    let mut outbound: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut out = Permissions {
        sub_graphs: sub_graphs.len(),
        ..Permissions::default()
    };
    for g in std::iter::once(graph).chain(sub_graphs) {
        for field in graph_inputs::aggregate(g, registry).values() {
            for provider in &field.providers {
                let entry = creds.entry(provider.clone()).or_default();
                entry.0.extend(field.types.iter().cloned());
                entry.1.extend(field.scopes.iter().cloned());
                outbound
                    .entry("api".into())
                    .or_default()
                    .insert(provider.clone());
            }
        }
        for node in &g.nodes {
            if node.block_id == AGENT_EXECUTOR {
                continue;
            }
            let Some(block) = registry.get(&node.block_id) else {
                continue;
            };
            let url_host = || literal_host(node.input_default.get("url"));
            match block.info.name {
                SEND_WEB_REQUEST | SEND_AUTHENTICATED_WEB_REQUEST | READ_RSS => {
                    let host = if block.info.name == READ_RSS {
                        literal_host(node.input_default.get("rss_url"))
                    } else {
                        url_host()
                    };
                    outbound.entry("http".into()).or_default().insert(host);
                }
                SEND_EMAIL => {
                    out.sends_email = true;
                    outbound.entry("email".into()).or_default().insert(
                        node.input_default
                            .get("config")
                            .and_then(|c| c.get("smtp_server"))
                            .and_then(Value::as_str)
                            .filter(|s| !s.is_empty())
                            .unwrap_or("*")
                            .to_string(),
                    );
                }
                EXECUTE_CODE => out.runs_code = true,
                HUMAN_IN_THE_LOOP => out.needs_human_review = true,
                MCP_TOOL => {
                    let host = literal_host(node.input_default.get("server_url"));
                    outbound.entry("mcp".into()).or_default().insert(host);
                }
                _ => {}
            }
            let is_llm = block
                .info
                .input_pin("model")
                .is_some_and(|p| p.get("credentials_provider").is_none())
                && block
                    .info
                    .categories
                    .iter()
                    .any(|c| format!("{c:?}") == "Ai");
            if is_llm {
                let model = node
                    .input_default
                    .get("model")
                    .and_then(Value::as_str)
                    .unwrap_or("default model");
                outbound
                    .entry("llm".into())
                    .or_default()
                    .insert(model.to_string());
            }
        }
    }
    out.credentials = creds
        .into_iter()
        .map(|(provider, (types, scopes))| CredentialNeed {
            provider,
            types: types.into_iter().collect(),
            scopes: scopes.into_iter().collect(),
        })
        .collect();
    out.outbound = outbound
        .into_iter()
        .map(|(kind, hosts)| OutboundAccess {
            kind,
            hosts: hosts.into_iter().collect(),
        })
        .collect();
    out
}

/// The host of a literal URL input, or `*` when the URL is not set in the graph (it comes from
/// a link or the runner's inputs, so it could be anywhere).
fn literal_host(value: Option<&Value>) -> String {
    value
        .and_then(Value::as_str)
        .and_then(url_host)
        .unwrap_or_else(|| "*".to_string())
}

fn url_host(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?;
    let host = host.split(':').next()?.to_lowercase();
    (!host.is_empty()).then_some(host)
}

/// What `new` asks for that `old` did not (empty: nothing more).
pub fn asks_more(old: &Permissions, new: &Permissions) -> Vec<String> {
    let mut more = Vec::new();
    for need in &new.credentials {
        match old.credentials.iter().find(|o| o.provider == need.provider) {
            None => more.push(format!("credentials for {}", need.provider)),
            Some(o) => {
                for scope in need.scopes.iter().filter(|s| !o.scopes.contains(s)) {
                    more.push(format!("{} scope {scope}", need.provider));
                }
            }
        }
    }
    for access in &new.outbound {
        let old_hosts = old
            .outbound
            .iter()
            .find(|o| o.kind == access.kind)
            .map(|o| o.hosts.clone())
            .unwrap_or_default();
        if old_hosts.iter().any(|h| h == "*") {
            continue;
        }
        for host in access.hosts.iter().filter(|h| !old_hosts.contains(h)) {
            more.push(format!("{} access to {host}", access.kind));
        }
    }
    for (now, before, what) in [
        (new.runs_code, old.runs_code, "runs code"),
        (new.sends_email, old.sends_email, "sends email"),
        (
            new.needs_human_review,
            old.needs_human_review,
            "waits for human review",
        ),
    ] {
        if now && !before {
            more.push(what.to_string());
        }
    }
    more
}

/// Input names that look like they hold a secret.
const SECRET_KEYS: [&str; 10] = [
    "api_key",
    "apikey",
    "password",
    "passwd",
    "secret",
    "token",
    "access_key",
    "private_key",
    "authorization",
    "client_secret",
];

/// `node id: input path` of every node input in these graphs that holds a secret.
pub fn secret_inputs(graphs: &[&Graph], registry: &Registry) -> Vec<String> {
    let mut found = Vec::new();
    for g in graphs {
        for node in &g.nodes {
            let block = registry.get(&node.block_id);
            for (name, value) in &node.input_default {
                let marked = block
                    .and_then(|b| b.info.input_pin(name))
                    .is_some_and(|p| p.get("secret").and_then(Value::as_bool) == Some(true));
                if marked && is_filled(value) {
                    found.push(format!("{}: {name}", node.id));
                    continue;
                }
                // A credentials input is a reference (id, provider), never the secret.
                if block
                    .and_then(|b| b.info.input_pin(name))
                    .is_some_and(|p| p.get("credentials_provider").is_some())
                {
                    continue;
                }
                scan(&node.id, name, value, &mut found);
            }
        }
    }
    found
}

fn is_filled(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::String(s) => !s.trim().is_empty(),
        _ => true,
    }
}

fn scan(node: &str, path: &str, value: &Value, found: &mut Vec<String>) {
    match value {
        Value::String(s) => {
            let key = path
                .rsplit(['.', '_'])
                .next()
                .unwrap_or(path)
                .to_lowercase();
            let name = path.to_lowercase();
            let secret_name = SECRET_KEYS.iter().any(|k| name.ends_with(k) || key == *k)
                && !name.ends_with("_tokens")
                && s.trim().len() >= 8
                && !s.contains("{{");
            // A known key shape anywhere in the text, templates and prose included.
            if secret_name || crate::key_shapes::key_shape_in(s).is_some() {
                found.push(format!("{node}: {path}"));
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                scan(node, &format!("{path}.{k}"), v, found);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                scan(node, &format!("{path}.{i}"), v, found);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_come_from_literal_urls_only() {
        assert_eq!(
            url_host("https://user@API.example.com:8443/x?y"),
            Some("api.example.com".into())
        );
        assert_eq!(literal_host(None), "*");
        assert_eq!(literal_host(Some(&Value::from("not a url"))), "*");
    }

    #[test]
    fn more_is_what_the_new_summary_adds() {
        let old = Permissions {
            outbound: vec![OutboundAccess {
                kind: "http".into(),
                hosts: vec!["a.com".into()],
            }],
            ..Permissions::default()
        };
        let new = Permissions {
            outbound: vec![OutboundAccess {
                kind: "http".into(),
                hosts: vec!["a.com".into(), "b.com".into()],
            }],
            runs_code: true,
            ..Permissions::default()
        };
        assert_eq!(
            asks_more(&old, &new),
            vec!["http access to b.com", "runs code"]
        );
        assert!(asks_more(&new, &old).is_empty());
    }

    #[test]
    fn secrets_are_found_by_name_and_shape() {
        let mut found = Vec::new();
        scan(
            "n",
            "headers",
            &serde_json::json!({"Authorization": "Bearer abcdefghijklmnopqrstuvwxyz"}),
            &mut found,
        );
        scan("n", "api_key", &Value::from("abcdefgh12345"), &mut found);
        scan(
            "n",
            "text",
            &Value::from("sk-abcdefghijklmnopqrstuvwx"),
            &mut found,
        );
        scan("n", "max_tokens", &Value::from("1000000000"), &mut found);
        scan(
            "n",
            "prompt",
            &Value::from("tell me about tokens"),
            &mut found,
        );
        assert_eq!(
            found,
            vec!["n: headers.Authorization", "n: api_key", "n: text"]
        );
    }
}
