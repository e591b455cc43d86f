//! AutoGPT's LLM blocks (`llm.py`, `ai_condition.py`) over our own provider layer
//! (`provider/`). The blocks share one structured-answer loop (`structured.rs`) and one way
//! to call a model and record its usage (`call.rs`).

pub mod call;
pub mod condition;
pub mod conversation;
pub mod list_generator;
pub mod smart_decision_maker;
pub mod structured;
pub mod structured_response;
pub mod summarizer;
pub mod text_generator;
pub mod tool_conversation;

/// The provider layer lives in `agentry-services`; `llm::provider` paths keep working.
pub use agentry_services::llm as provider;

#[cfg(test)]
pub(crate) use agentry_services::llm::testing;

use agentry_core::Registry;

pub fn register(r: &mut Registry) {
    r.register(condition::AiCondition);
    r.register(conversation::AiConversation);
    r.register(list_generator::AiListGenerator);
    r.register(structured_response::AiStructuredResponseGenerator);
    r.register(summarizer::AiTextSummarizer);
    r.register(text_generator::AiTextGenerator);
    r.register(smart_decision_maker::SmartDecisionMaker);
}

/// AutoGPT's `DEFAULT_LLM_MODEL`, the `model` pin's default.
pub(crate) fn default_model() -> String {
    provider::models::DEFAULT_MODEL.to_string()
}

/// The `ollama_host` pin's default. The pin is accepted and ignored: the operator's
/// `OLLAMA_HOST` is used, never a host named by a graph.
pub(crate) fn default_ollama_host() -> String {
    "localhost:11434".to_string()
}

pub(crate) fn default_retry() -> i64 {
    3
}

#[cfg(test)]
mod constrained_tests;
#[cfg(test)]
mod exports_tests;
