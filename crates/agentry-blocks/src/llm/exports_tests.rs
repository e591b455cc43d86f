//! The LLM nodes of the shared AutoGPT exports against our blocks: every node's saved
//! defaults (plus a value for each linked pin) must be accepted by our `Input`, and an
//! export whose blocks we now all have must validate.

use std::path::PathBuf;

use agentry_core::graph::Graph;
use agentry_core::testing::Recorder;
use agentry_core::validate::{self, Mode};
use serde_json::{Map, Value, json};

fn agents_dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/autogpt-agents"
    ))
}

fn exports() -> Vec<(String, Graph)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(agents_dir()).expect("the shared AutoGPT exports") {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path).unwrap();
            let graph: Graph = serde_json::from_str(&text).unwrap();
            out.push((
                path.file_name().unwrap().to_string_lossy().into_owned(),
                graph,
            ));
        }
    }
    out
}

fn placeholder(schema: &Value) -> Value {
    let ty = schema
        .get("type")
        .or_else(|| schema.pointer("/anyOf/0/type"))
        .and_then(Value::as_str);
    match ty {
        Some("array") => json!([]),
        Some("object") => json!({}),
        Some("integer" | "number") => json!(1),
        Some("boolean") => json!(true),
        _ => json!("x"),
    }
}

#[tokio::test]
async fn every_llm_node_in_the_shared_exports_is_accepted() {
    let registry = crate::registry();
    let mut checked = 0;
    for (file, top) in exports() {
        let mut graphs = vec![top.clone()];
        graphs.extend(top.sub_graphs.clone().unwrap_or_default());
        for graph in &graphs {
            for node in &graph.nodes {
                let Some(block) = registry.get(&node.block_id) else {
                    continue;
                };
                if !block.info.categories.contains(&agentry_core::Category::Ai) {
                    continue;
                }
                let mut input: Map<String, Value> = node.input_default.clone();
                for link in graph.links.iter().filter(|l| l.sink_id == node.id) {
                    let pin = link.sink_name.split("_#_").next().unwrap().to_string();
                    let schema = &block.info.input_schema["properties"][&pin];
                    input.entry(pin).or_insert_with(|| placeholder(schema));
                }
                let prepared =
                    agentry_core::prepare::prepare_input(&block.info, &Map::new(), input).unwrap();
                let mut recorder = Recorder::default();
                let result = block.run(prepared, &mut recorder).await;
                // With no LlmProviders the run stops right after the input was read.
                let err = result
                    .expect_err("no providers in this process")
                    .to_string();
                // SmartDecisionMaker reads its input, then needs the engine's tool nodes.
                let expected = if block.info.name == "SmartDecisionMakerBlock" {
                    "There is no next node to execute."
                } else {
                    "LlmProviders"
                };
                assert!(
                    err.contains(expected),
                    "{file}: node {} ({}): {err}",
                    node.id,
                    block.info.name
                );
                checked += 1;
            }
        }
    }
    assert!(
        checked >= 20,
        "only {checked} LLM nodes found (25 when written)"
    );
}

#[test]
fn an_export_whose_blocks_we_now_have_validates() {
    let registry = crate::registry();
    let (_, graph) = exports()
        .into_iter()
        .find(|(f, _)| f.contains("516d813b"))
        .unwrap();
    assert!(validate::unknown_blocks(&graph, &registry).is_empty());
    validate::validate(&graph, &registry, Mode::Save).unwrap();
}

/// The SmartDecisionMaker of agent b8ceb480's sub-agent, with its tool links in the
/// block-name form (`tools_^_firecrawlextractblock_~_prompt`, `tools_^_agentoutputblock_~_value`)
/// and its `conversations` → `conversation_history` loop: with the nodes of blocks we lack
/// left out, the graph validates.
#[test]
fn the_decision_maker_of_b8ceb480_validates() {
    let registry = crate::registry();
    let (_, top) = exports()
        .into_iter()
        .find(|(f, _)| f.contains("b8ceb480"))
        .unwrap();
    let mut sub = top
        .sub_graphs
        .clone()
        .unwrap_or_default()
        .into_iter()
        .find(|g| g.nodes.iter().any(|n| n.block_id.starts_with("3b191d9f")))
        .expect("a sub-agent with a SmartDecisionMaker");
    let tool_links = sub
        .links
        .iter()
        .filter(|l| l.source_name.starts_with("tools_^_"))
        .count();
    assert_eq!(tool_links, 4);
    let known: Vec<String> = sub
        .nodes
        .iter()
        .filter(|n| registry.get(&n.block_id).is_some())
        .map(|n| n.id.clone())
        .collect();
    sub.nodes.retain(|n| known.contains(&n.id));
    sub.links
        .retain(|l| known.contains(&l.source_id) && known.contains(&l.sink_id));
    let kept_tool_links: Vec<&str> = sub
        .links
        .iter()
        .filter(|l| l.source_name.starts_with("tools_^_"))
        .map(|l| l.source_name.as_str())
        .collect();
    assert_eq!(kept_tool_links, vec!["tools_^_agentoutputblock_~_value"]);
    assert!(
        sub.links
            .iter()
            .any(|l| l.source_name == "conversations" && l.sink_name == "conversation_history")
    );
    validate::validate(&sub, &registry, Mode::Save).unwrap();
    validate::validate(&sub, &registry, Mode::Run).unwrap();
}
