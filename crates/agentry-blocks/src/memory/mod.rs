//! Memory blocks: AutoGPT's PersistInformationBlock and RetrieveInformationBlock (durable
//! key-value memory, `persistence.py`), and our vector memory pair (add a text, search by
//! similarity), all over the engine's `Memory` capability (`Cx::memory`), one user's rows only.

use agentry_core::Registry;
use schemars::JsonSchema;
use serde::Deserialize;

pub mod add_to_vector_memory;
pub mod persist_information;
pub mod retrieve_information;
pub mod search_vector_memory;

/// Registers this category's blocks.
pub fn register(r: &mut Registry) {
    r.register(persist_information::PersistInformation);
    r.register(retrieve_information::RetrieveInformation);
    r.register(add_to_vector_memory::AddToVectorMemory);
    r.register(search_vector_memory::SearchVectorMemory);
}

/// AutoGPT's `StorageScope`: shared by every run of this agent, or by all the user's agents.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StorageScope {
    #[default]
    WithinAgent,
    AcrossAgents,
}

impl StorageScope {
    /// The scope a value is stored under, as AutoGPT's key prefix: `agent#{graph_id}` or
    /// `global`.
    pub fn key(self, graph_id: &str) -> String {
        match self {
            StorageScope::WithinAgent => format!("agent#{graph_id}"),
            StorageScope::AcrossAgents => "global".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_and_required_pins() {
        assert_eq!(StorageScope::WithinAgent.key("g1"), "agent#g1");
        assert_eq!(StorageScope::AcrossAgents.key("g1"), "global");
        let mut r = Registry::new();
        register(&mut r);
        let expect: &[(&str, &[&str])] = &[
            ("PersistInformationBlock", &["key", "value"]),
            ("RetrieveInformationBlock", &["key"]),
            ("AddToVectorMemoryBlock", &["text"]),
            ("SearchVectorMemoryBlock", &["query"]),
        ];
        for block in r.iter() {
            let info = &block.info;
            let (_, want) = expect.iter().find(|(n, _)| *n == info.name).unwrap();
            let got: Vec<&str> = info.required_inputs().collect();
            assert_eq!(&got, want, "{}", info.name);
        }
        let persist = r.info("1d055e55-a2b9-4547-8311-907d05b0304d").unwrap();
        assert_eq!(
            persist.input_schema["properties"]["scope"]["enum"],
            serde_json::json!(["within_agent", "across_agents"])
        );
        assert!(
            r.info("d8710fc9-6e29-481e-a7d5-165eb16f8471")
                .unwrap()
                .static_output
        );
    }
}
