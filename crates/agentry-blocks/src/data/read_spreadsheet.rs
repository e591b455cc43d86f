//! ReadSpreadsheetBlock: CSV text, or a CSV or Excel file from the run's file store, to rows,
//! each a dictionary keyed by header or column index.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::files::media;

#[path = "read_spreadsheet_excel.rs"]
mod excel;

pub struct ReadSpreadsheet;

/// AutoGPT's `str | int` sheet selector (Excel only).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Sheet {
    Index(i64),
    Name(String),
}

impl Default for Sheet {
    fn default() -> Self {
        Sheet::Index(0)
    }
}

fn comma() -> String {
    ",".into()
}

fn double_quote() -> String {
    "\"".into()
}

fn backslash() -> String {
    "\\".into()
}

fn yes() -> bool {
    true
}

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The contents of the CSV/spreadsheet data to read
    #[serde(default)]
    pub contents: Option<String>,
    /// CSV or Excel file to read from (URL, data URI, or local path). Excel files are automatically converted to CSV
    #[serde(default)]
    pub file_input: Option<String>,
    /// The delimiter used in the CSV/spreadsheet data
    #[serde(default = "comma")]
    pub delimiter: String,
    /// The character used to quote fields
    #[serde(default = "double_quote")]
    pub quotechar: String,
    /// The character used to escape the delimiter
    #[serde(default = "backslash")]
    pub escapechar: String,
    /// Whether the CSV file has a header row
    #[serde(default = "yes")]
    pub has_header: bool,
    /// The number of rows to skip from the start of the file
    #[serde(default)]
    pub skip_rows: i64,
    /// Whether to strip whitespace from the values
    #[serde(default = "yes")]
    pub strip: bool,
    /// Column names (when has_header is True) or 0-based column indices as strings (when has_header is False) to omit from each row
    #[serde(default)]
    pub skip_columns: Vec<String>,
    /// Excel sheet to read: sheet name (e.g. 'Q2') or 0-based index. Defaults to the first sheet (0) so existing agents stay compatible. Ignored for CSV inputs.
    #[serde(default)]
    pub sheet_name: Sheet,
    /// If True, yield individual 'row' outputs only (can be slow). If False, yield both 'rows' (all data)
    #[serde(default)]
    pub produce_singular_result: bool,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The data produced from each row in the spreadsheet
    Row(Map<String, Value>),
    /// All the data in the spreadsheet as a list of rows
    Rows(Vec<Map<String, Value>>),
}

/// A one-character setting as one byte, as Python's csv module requires one character.
fn one_byte(name: &str, value: &str) -> Result<u8, BlockError> {
    match value.as_bytes() {
        [b] if b.is_ascii() => Ok(*b),
        _ => Err(BlockError::Input(format!(
            "\"{name}\" must be a 1-character string"
        ))),
    }
}

/// Reads the CSV records of `text` as Python's `csv.reader` would with these settings.
pub fn read_records(input: &Input, text: &str) -> Result<Vec<Vec<String>>, BlockError> {
    let mut builder = csv::ReaderBuilder::new();
    builder
        .has_headers(false)
        .flexible(true)
        .delimiter(one_byte("delimiter", &input.delimiter)?)
        .quote(one_byte("quotechar", &input.quotechar)?)
        .double_quote(true);
    if !input.escapechar.is_empty() {
        builder.escape(Some(one_byte("escapechar", &input.escapechar)?));
    }
    builder
        .from_reader(text.as_bytes())
        .records()
        .map(|r| {
            r.map(|rec| rec.iter().map(str::to_string).collect())
                .map_err(|e| BlockError::Input(format!("cannot read the CSV: {e}")))
        })
        .collect()
}

fn rows(input: &Input, text: &str) -> Result<Vec<Map<String, Value>>, BlockError> {
    let mut records = read_records(input, text)?.into_iter();
    let clean = |s: String| if input.strip { s.trim().to_string() } else { s };
    let header: Option<Vec<String>> = if input.has_header {
        let first = records
            .next()
            .ok_or_else(|| BlockError::input("the CSV has no header row"))?;
        Some(
            first
                .into_iter()
                .map(|h| if input.strip { h.trim().to_string() } else { h })
                .collect(),
        )
    } else {
        None
    };
    for _ in 0..input.skip_rows.max(0) {
        records
            .next()
            .ok_or_else(|| BlockError::input("skip_rows is larger than the number of rows"))?;
    }
    Ok(records
        .map(|record| {
            let mut row = Map::new();
            for (i, value) in record.into_iter().enumerate() {
                let key = match &header {
                    // Values past the header's width are dropped, as in AutoGPT.
                    Some(names) => match names.get(i) {
                        Some(name) => name.clone(),
                        None => continue,
                    },
                    None => i.to_string(),
                };
                if input.skip_columns.contains(&key) {
                    continue;
                }
                row.insert(key, Value::String(clean(value)));
            }
            row
        })
        .collect())
}

/// The CSV text of a file pin, stored in the run's folder first: an `.xlsx` or `.xls` file is
/// converted from its chosen sheet, any other is read as UTF-8 text.
async fn file_text(
    input: &Input,
    file: &str,
    cx: &mut Cx<'_, Output>,
) -> Result<String, BlockError> {
    let stored = media::store(cx, file).await?;
    let bytes = stored.bytes().await?;
    let name = stored.name();
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    if matches!(extension.as_deref(), Some("xlsx" | "xls")) {
        let delimiter = one_byte("delimiter", &input.delimiter)?;
        return excel::to_csv(bytes, &input.sheet_name, delimiter);
    }
    String::from_utf8(bytes).map_err(|_| {
        BlockError::Input(format!(
            "cannot read {name} as UTF-8 CSV text (Excel files need an .xlsx or .xls name)"
        ))
    })
}

impl Block for ReadSpreadsheet {
    const META: BlockMeta = BlockMeta::standard(
        "acf7625e-d2cb-4941-bfeb-2819fc6fc015",
        "ReadSpreadsheetBlock",
        "Reads CSV and Excel files and outputs the data as a list of dictionaries and individual rows. Excel files are automatically converted to CSV format. Use sheet_name to select a non-first Excel sheet (default: first sheet).",
        &[Category::Text, Category::Data],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let text = match input.file_input.as_deref().filter(|f| !f.trim().is_empty()) {
            Some(file) => file_text(&input, file, cx).await?,
            None => match input.contents.as_deref() {
                Some(text) if !text.is_empty() => text.to_string(),
                _ => {
                    return Err(BlockError::input(
                        "Either 'contents' or 'file_input' must be provided",
                    ));
                }
            },
        };
        let rows = rows(&input, &text)?;
        if input.produce_singular_result {
            for row in rows {
                cx.emit(Output::Row(row));
            }
        } else {
            cx.emit(Output::Rows(rows));
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "read_spreadsheet_file_tests.rs"]
mod file_tests;

#[cfg(test)]
mod tests {
    use super::*;
    use agentry_core::testing::run_block;
    use serde_json::json;

    #[tokio::test]
    async fn autogpt_examples() {
        let contents = "a, b, c\n1,2,3\n4,5,6";
        let out = run_block(ReadSpreadsheet, json!({"contents": contents})).await;
        assert_eq!(
            out,
            vec![(
                "rows".into(),
                json!([{"a": "1", "b": "2", "c": "3"}, {"a": "4", "b": "5", "c": "6"}])
            )]
        );
        let out = run_block(
            ReadSpreadsheet,
            json!({"contents": contents, "produce_singular_result": true}),
        )
        .await;
        assert_eq!(
            out,
            vec![
                ("row".into(), json!({"a": "1", "b": "2", "c": "3"})),
                ("row".into(), json!({"a": "4", "b": "5", "c": "6"}))
            ]
        );
    }

    #[tokio::test]
    async fn options_quotes_and_errors() {
        let contents = "x;\"y;z\";w\n 1 ;\"2;3\";4;extra\nskip;me;too";
        let out = run_block(
            ReadSpreadsheet,
            json!({"contents": contents, "delimiter": ";", "has_header": false,
                "skip_rows": 1, "skip_columns": ["2"], "strip": false}),
        )
        .await;
        assert_eq!(
            out,
            vec![(
                "rows".into(),
                json!([{"0": " 1 ", "1": "2;3", "3": "extra"}, {"0": "skip", "1": "me"}])
            )]
        );
        let out = run_block(
            ReadSpreadsheet,
            json!({"contents": "a,b\n1,2,3", "skip_columns": ["b"]}),
        )
        .await;
        assert_eq!(out, vec![("rows".into(), json!([{"a": "1"}]))]);
        let out = run_block(ReadSpreadsheet, json!({})).await;
        assert_eq!(
            out,
            vec![(
                "error".into(),
                json!("Either 'contents' or 'file_input' must be provided")
            )]
        );
        let out = run_block(ReadSpreadsheet, json!({"contents": "a", "delimiter": "::"})).await;
        assert!(out[0].1.as_str().unwrap().contains("1-character"));
    }
}
