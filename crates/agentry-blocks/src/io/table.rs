//! AgentTableInputBlock: rows of a table as a graph input, each row a dictionary keyed by the
//! column headers.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::input::{input_meta, typed_input};

typed_input! {
    AgentTableInput: input_meta(
        "5603b273-f41e-4020-af7d-fbc9c6a8d928",
        "AgentTableInputBlock",
        "Block for table data input with customizable headers.",
    ),
    /// The table data as a list of dictionaries.
    #[schemars(title = "Default Value", extend("format" = "table"))]
    value: Option<Vec<Map<String, Value>>>,
    /// The table data as a list of dictionaries with headers as keys.
    result: Vec<Map<String, Value>>,
    /// Column headers for the table.
    #[schemars(title = "Column Headers")]
    pin column_headers: ColumnHeaders,
    given: rows,
}

/// The column headers, AutoGPT's three by default.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(transparent)]
pub struct ColumnHeaders(pub Vec<String>);

impl Default for ColumnHeaders {
    fn default() -> Self {
        ColumnHeaders(
            ["Column 1", "Column 2", "Column 3"]
                .map(String::from)
                .to_vec(),
        )
    }
}

/// Always yields: no value is an empty table.
fn rows(value: Option<Vec<Map<String, Value>>>) -> Option<Vec<Map<String, Value>>> {
    Some(value.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use agentry_core::testing::run_block;
    use serde_json::json;

    #[tokio::test]
    async fn autogpt_examples() {
        let rows = json!([
            {"Name": "John", "Age": "30", "City": "New York"},
            {"Name": "Jane", "Age": "25", "City": "London"}
        ]);
        let out = run_block(
            AgentTableInput,
            json!({"name": "test_table", "column_headers": ["Name", "Age", "City"],
                   "value": rows, "description": "Example table input"}),
        )
        .await;
        assert_eq!(out, vec![("result".into(), rows)]);
        let out = run_block(AgentTableInput, json!({"name": "t"})).await;
        assert_eq!(out, vec![("result".into(), json!([]))]);
    }

    #[test]
    fn headers_default_to_three_columns() {
        let r = {
            let mut r = agentry_core::Registry::new();
            r.register(AgentTableInput);
            r
        };
        let schema = &r
            .info("5603b273-f41e-4020-af7d-fbc9c6a8d928")
            .unwrap()
            .input_schema;
        assert_eq!(
            schema["properties"]["column_headers"]["default"],
            json!(["Column 1", "Column 2", "Column 3"])
        );
        assert_eq!(schema["properties"]["value"]["format"], "table");
    }
}
