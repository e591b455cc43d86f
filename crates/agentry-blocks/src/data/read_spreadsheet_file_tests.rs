//! ReadSpreadsheetBlock's file_input over a temporary file store: CSV from a data URI and from
//! a file in the run's folder, Excel workbooks, and paths that would leave the folder.

use std::io::Write as _;

use agentry_core::Resources;
use agentry_core::testing::{Recorder, run_block_with};
use base64::Engine as _;
use serde_json::{Value, json};

use super::*;
use crate::files::FileStore;

fn recorder(root: &std::path::Path) -> Recorder {
    let mut r = Recorder {
        resources: Resources::new().with(FileStore::new(root)),
        ..Recorder::default()
    };
    r.info.user_id = "u1".into();
    r.info.graph_exec_id = "r1".into();
    r
}

async fn read(root: &std::path::Path, input: Value) -> Vec<(String, Value)> {
    run_block_with(ReadSpreadsheet, input, recorder(root)).await
}

fn data_uri(mime: &str, bytes: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
    format!("data:{mime};base64,{b64}")
}

/// A one-sheet-per-entry xlsx workbook with inline strings and numbers (`n:` prefix).
fn xlsx(sheets: &[(&str, &[&[&str]])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut add = |name: &str, text: String| {
        zip.start_file(name, stored).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    };
    let ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    let rel_ns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let mut overrides = String::new();
    let mut entries = String::new();
    let mut rels = String::new();
    for (i, (name, rows)) in sheets.iter().enumerate() {
        let n = i + 1;
        overrides += &format!(
            r#"<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
        );
        entries += &format!(r#"<sheet name="{name}" sheetId="{n}" r:id="rId{n}"/>"#);
        rels += &format!(
            r#"<Relationship Id="rId{n}" Type="{rel_ns}/worksheet" Target="worksheets/sheet{n}.xml"/>"#
        );
        let mut data = String::new();
        for (r, row) in rows.iter().enumerate() {
            data += &format!(r#"<row r="{}">"#, r + 1);
            for (c, cell) in row.iter().enumerate() {
                let at = format!("{}{}", (b'A' + c as u8) as char, r + 1);
                data += &match cell.strip_prefix("n:") {
                    Some(num) => format!(r#"<c r="{at}"><v>{num}</v></c>"#),
                    None if cell.is_empty() => String::new(),
                    None => format!(r#"<c r="{at}" t="inlineStr"><is><t>{cell}</t></is></c>"#),
                };
            }
            data += "</row>";
        }
        add(
            &format!("xl/worksheets/sheet{n}.xml"),
            format!(r#"<worksheet xmlns="{ns}"><sheetData>{data}</sheetData></worksheet>"#),
        );
    }
    add(
        "[Content_Types].xml",
        format!(
            r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>{overrides}</Types>"#
        ),
    );
    add(
        "_rels/.rels",
        format!(
            r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel_ns}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
        ),
    );
    add(
        "xl/workbook.xml",
        format!(
            r#"<workbook xmlns="{ns}" xmlns:r="{rel_ns}"><sheets>{entries}</sheets></workbook>"#
        ),
    );
    add(
        "xl/_rels/workbook.xml.rels",
        format!(
            r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>"#
        ),
    );
    zip.finish().unwrap().into_inner()
}

#[tokio::test]
async fn csv_from_a_data_uri_and_from_the_run_folder() {
    let root = tempfile::tempdir().unwrap();
    let uri = data_uri("text/csv", b"name, n\nann, 1\nbob,2\n");
    let out = read(root.path(), json!({"file_input": uri, "contents": "x\n1"})).await;
    assert_eq!(
        out,
        vec![(
            "rows".into(),
            json!([{"name": "ann", "n": "1"}, {"name": "bob", "n": "2"}])
        )]
    );

    let run_dir = root.path().join("u1").join("r1").join("in");
    std::fs::create_dir_all(&run_dir).unwrap();
    std::fs::write(run_dir.join("data.csv"), "a;b\n1;2\n").unwrap();
    let out = read(
        root.path(),
        json!({"file_input": "in/data.csv", "delimiter": ";", "produce_singular_result": true}),
    )
    .await;
    assert_eq!(out, vec![("row".into(), json!({"a": "1", "b": "2"}))]);
}

#[tokio::test]
async fn files_outside_the_run_folder_missing_or_not_text_are_refused() {
    let root = tempfile::tempdir().unwrap();
    std::fs::write(root.path().join("secret.csv"), "a\n1\n").unwrap();
    let binary = data_uri("text/csv", &[0xff, 0xfe, 0x00]);
    let cases = [
        ("../../secret.csv", "outside"),
        ("/etc/passwd", "outside"),
        ("nothing.csv", "does not exist"),
        (binary.as_str(), "UTF-8"),
    ];
    for (file, expected) in cases {
        let out = read(root.path(), json!({"file_input": file})).await;
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].0, "error", "{out:?}");
        let message = out[0].1.as_str().unwrap();
        assert!(message.contains(expected), "{file}: {message}");
    }
}

#[tokio::test]
async fn excel_sheets_by_index_and_name() {
    let root = tempfile::tempdir().unwrap();
    let book = xlsx(&[
        ("First", &[&["city", "pop", ""], &["Oslo", "n:709000", "x"]]),
        (
            "Q2",
            &[&["k", "v"], &["", ""], &["a", "n:1.5"], &["b, c", "n:2"]],
        ),
    ]);
    let mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    let uri = data_uri(mime, &book);
    let out = read(root.path(), json!({"file_input": uri})).await;
    assert_eq!(
        out,
        vec![(
            "rows".into(),
            json!([{"city": "Oslo", "pop": "709000", "Unnamed: 2": "x"}])
        )]
    );
    // By name, with another delimiter; the empty row is left out as pandas does.
    let out = read(
        root.path(),
        json!({"file_input": uri, "sheet_name": "Q2", "delimiter": ";"}),
    )
    .await;
    assert_eq!(
        out,
        vec![(
            "rows".into(),
            json!([{"k": "a", "v": "1.5"}, {"k": "b, c", "v": "2"}])
        )]
    );
    for (sheet, expected) in [
        (json!(5), "Worksheet index 5 is invalid"),
        (json!("Nope"), "Worksheet named 'Nope' not found"),
    ] {
        let out = read(root.path(), json!({"file_input": uri, "sheet_name": sheet})).await;
        assert_eq!(out[0].0, "error", "{out:?}");
        assert!(out[0].1.as_str().unwrap().contains(expected), "{out:?}");
    }
}
