//! AgentFileInputBlock: a file graph input (a data URI, URL or stored file reference).

use super::input::{input_meta, typed_input};

typed_input! {
    AgentFileInput: input_meta(
        "95ead23f-8283-4654-aef3-10c053b74a31",
        "AgentFileInputBlock",
        "Block for file upload input (string path for example).",
    ),
    /// Path or reference to an uploaded file.
    #[schemars(title = "Default Value", extend("format" = "file"))]
    value: Option<String>,
    /// File reference/path result.
    result: String,
    /// Whether to produce output in base64 format (not recommended; you can pass the file reference across blocks).
    #[schemars(title = "Produce Base64 Output")]
    pin base_64: bool,
    given: stored,
}

/// AutoGPT skips empty values too. It then stores the file (fetching URLs, turning it into a
/// data URI when `base_64`); there is no file store yet, so the reference passes through as
/// given.
fn stored(value: Option<String>) -> Option<String> {
    value.filter(|value| !value.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use agentry_core::testing::run_block;
    use serde_json::json;

    #[tokio::test]
    async fn autogpt_example_and_empty_values() {
        let uri = "data:image/png;base64,MQ==";
        let out = run_block(AgentFileInput, json!({"value": uri, "name": "f"})).await;
        assert_eq!(out, vec![("result".into(), json!(uri))]);
        assert!(
            run_block(AgentFileInput, json!({"value": "", "name": "f"}))
                .await
                .is_empty()
        );
        assert!(
            run_block(AgentFileInput, json!({"name": "f"}))
                .await
                .is_empty()
        );
    }
}
