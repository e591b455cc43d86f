//! `agentry run`, `import` and `export` on the real AutoGPT exports.

use serde_json::Value;

use crate::{agent, agentry, text};

#[test]
fn run_prints_outputs_and_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    let calc = agent("calculator-agent.json");
    let out = agentry(
        dir.path(),
        &["run", calc.to_str().unwrap(), "--input", "Input=8"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "Output: 42.0\n");
    assert!(
        dir.path().join("agentry.db").exists(),
        "the embedded store is ./agentry.db"
    );

    let out = agentry(
        dir.path(),
        &["run", calc.to_str().unwrap(), "-i", "Input=-2", "--json"],
    );
    assert!(out.status.success());
    let lines: Vec<Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines[0],
        serde_json::json!({"output": "Output", "value": 32.0})
    );
    assert_eq!(lines[1]["status"], "COMPLETED");
}

#[test]
fn run_exits_one_when_the_graph_cannot_run() {
    let dir = tempfile::tempdir().unwrap();
    let testing = agent("testing_agent.json");
    let out = agentry(dir.path(), &["run", testing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("required input `operation`"), "{err}");

    let calc = agent("calculator-agent.json");
    let out = agentry(dir.path(), &["run", calc.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("missing required input(s): Input"));

    let out = agentry(
        dir.path(),
        &["run", calc.to_str().unwrap(), "--input", "Input"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("name=value"));
}

#[test]
fn run_of_a_graph_pausing_for_review_says_so_and_exits_three() {
    let dir = tempfile::tempdir().unwrap();
    let graph = serde_json::json!({
        "name": "needs a review",
        "nodes": [{"id": "review", "block_id": "8b2a7b3c-6e9d-4a5f-8c1b-2e3f4a5b6c7d",
                   "input_default": {"data": {"to": "all"}, "name": "the mailing"}, "metadata": {}}],
        "links": []
    });
    let file = dir.path().join("review.json");
    std::fs::write(&file, graph.to_string()).unwrap();
    let out = agentry(dir.path(), &["run", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("waits for review"), "{err}");
    assert!(err.contains("the mailing"), "{err}");
    assert!(err.contains("/api/review/action"), "{err}");

    let out = agentry(dir.path(), &["run", file.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(3));
    let line: Value = serde_json::from_str(text(&out.stdout).trim()).unwrap();
    assert_eq!(line["status"], "REVIEW");
    let id = line["reviews"][0].as_str().unwrap();
    assert!(err.contains(id) || !id.is_empty());
}

#[test]
fn every_export_imports_or_is_refused_naming_its_missing_blocks() {
    let dir = tempfile::tempdir().unwrap();
    // The binary's registry: the built-in blocks and the integrations.
    let mut registry = agentry_blocks::registry();
    agentry_integrations::register(&mut registry);
    let (mut imported, mut complete) = (0, 0);
    for entry in std::fs::read_dir(agent("")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let out = agentry(dir.path(), &["import", path.to_str().unwrap()]);
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let file: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let mut graphs = vec![file.clone()];
        graphs.extend(file["sub_graphs"].as_array().cloned().unwrap_or_default());
        let has_all = graphs.iter().all(|g| {
            g["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .all(|n| registry.get(n["block_id"].as_str().unwrap()).is_some())
        });
        complete += usize::from(has_all);
        assert_eq!(
            out.status.success(),
            has_all,
            "{name}: {}",
            text(&out.stderr)
        );
        if out.status.success() {
            imported += 1;
            assert!(text(&out.stdout).starts_with("imported graph"), "{name}");
            continue;
        }
        let err = text(&out.stderr);
        assert!(
            err.contains("block(s) this Agentry does not have"),
            "{name}: {err}"
        );
        // Every block id in the file that we lack is named, with AutoGPT's class name.
        for g in graphs {
            for node in g["nodes"].as_array().unwrap() {
                let id = node["block_id"].as_str().unwrap();
                if registry.get(id).is_none() {
                    assert!(err.contains(id), "{name}: {id} not named in {err}");
                }
            }
        }
    }
    assert_eq!(
        imported, complete,
        "every file whose blocks we have imports"
    );
    assert!(
        imported >= 4,
        "calculator-agent, testing_agent, 516d813b (LLM blocks) and b6f6f0d3 (ExecuteCodeBlock) \
         use only blocks we have"
    );
    // Nothing of a refused file was saved: a second import of an imported one is a no-op.
    let calc = agent("calculator-agent.json");
    let out = agentry(dir.path(), &["import", calc.to_str().unwrap()]);
    assert!(text(&out.stdout).contains("already has this content"));
}

#[test]
fn export_writes_back_every_field_of_the_file() {
    for file in ["calculator-agent.json", "testing_agent.json"] {
        let dir = tempfile::tempdir().unwrap();
        let path = agent(file);
        let original: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let out = agentry(dir.path(), &["import", path.to_str().unwrap()]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let id = original["id"].as_str().unwrap();
        let target = dir.path().join("out.json");
        let out = agentry(dir.path(), &["export", id, "-o", target.to_str().unwrap()]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let exported: Value =
            serde_json::from_str(&std::fs::read_to_string(&target).unwrap()).unwrap();
        for (key, value) in original.as_object().unwrap() {
            assert_eq!(
                exported.get(key),
                Some(value),
                "{file}: field `{key}` changed"
            );
        }
    }
}

#[test]
fn changed_content_becomes_a_new_version() {
    let dir = tempfile::tempdir().unwrap();
    let path = agent("calculator-agent.json");
    let mut graph: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    agentry(dir.path(), &["import", path.to_str().unwrap()]);
    graph["nodes"][2]["input_default"]["b"] = serde_json::json!(35);
    let changed = dir.path().join("changed.json");
    std::fs::write(&changed, graph.to_string()).unwrap();
    let out = agentry(dir.path(), &["import", changed.to_str().unwrap()]);
    assert_eq!(
        text(&out.stdout).trim(),
        "imported graph 858e2226-e047-4d19-a832-3be4a134d155 version 3"
    );
    let out = agentry(
        dir.path(),
        &["run", changed.to_str().unwrap(), "-i", "Input=8"],
    );
    assert_eq!(text(&out.stdout), "Output: 43.0\n");
}
