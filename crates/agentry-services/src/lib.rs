//! The services blocks share and that are not blocks: the LLM provider layer (`llm`), the
//! SSRF-guarded outbound HTTP client (`http`) and the run file store (`files`). Built-in blocks
//! (`agentry-blocks`) and integration blocks (`agentry-integrations`) both depend on it.

pub mod files;
pub mod http;
pub mod llm;
