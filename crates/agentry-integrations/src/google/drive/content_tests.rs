//! The Drive blocks that move content, against a wiremock Drive API v3: reading as text
//! (exports, ranged `alt=media` downloads), downloading into the run's file store, and
//! creating files by resumable upload; input errors refused before any request.

use std::path::PathBuf;

use agentry_core::testing::{Recorder, run_block_with};
use agentry_services::files::FileStore;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, body_string, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::FILE_FIELDS;
use super::create::GoogleDriveCreateFile;
use super::read::{GoogleDriveDownloadFile, GoogleDriveReadFile};
use crate::error_answers::assert_error_answers;
use crate::testing::{CRED_ID, error_of, meta, oauth2, recorder};

const AUTH: &str = "Bearer ya29.drive";

fn rec(server: &MockServer) -> Recorder {
    recorder(server, oauth2("google", "ya29.drive", &[]))
}

/// A recorder whose file store is a fresh folder (returned with it).
fn rec_with_store(server: &MockServer) -> (Recorder, PathBuf) {
    let root = std::env::temp_dir().join(format!("agentry-drive-{}", uuid::Uuid::new_v4()));
    let mut r = rec(server);
    r.resources = r.resources.with(FileStore::new(&root));
    (r, root)
}

fn picked(id: &str, mime: &str) -> Value {
    json!({"id": id, "name": "Q3 Report", "mimeType": mime, "_credentials_id": CRED_ID})
}

/// A file resource as `files.get` answers it with the family's fields.
fn resource(id: &str, name: &str, mime: &str, size: Option<&str>) -> Value {
    let mut r = json!({
        "id": id, "name": name, "mimeType": mime,
        "webViewLink": format!("https://drive.google.com/file/d/{id}/view"),
        "modifiedTime": "2026-09-20T15:30:00.000Z",
        "owners": [{"emailAddress": "owner@example.com"}], "parents": ["0AbCdEfGhIjKlUk9PVA"]
    });
    if let Some(size) = size {
        r["size"] = json!(size);
    }
    r
}

async fn answer_metadata(server: &MockServer, resource: &Value) {
    let id = resource["id"].as_str().unwrap();
    Mock::given(method("GET"))
        .and(path(format!("/drive/v3/files/{id}")))
        .and(query_param("fields", FILE_FIELDS))
        .and(query_param("supportsAllDrives", "true"))
        .and(header("authorization", AUTH))
        .respond_with(ResponseTemplate::new(200).set_body_json(resource))
        .expect(1)
        .mount(server)
        .await;
}

async fn answer_export(server: &MockServer, id: &str, mime: &str, body: &[u8]) {
    Mock::given(method("GET"))
        .and(path(format!("/drive/v3/files/{id}/export")))
        .and(query_param("mimeType", mime))
        .and(header("authorization", AUTH))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body.to_vec(), mime))
        .expect(1)
        .mount(server)
        .await;
}

/// `alt=media` answering the bytes `from..` of `whole` for a `Range` starting at `from`.
async fn answer_range(server: &MockServer, id: &str, whole: &[u8], from: usize, to: usize) {
    let asked = format!("bytes={from}-{}", from + 8 * 1024 * 1024 - 1);
    Mock::given(method("GET"))
        .and(path(format!("/drive/v3/files/{id}")))
        .and(query_param("alt", "media"))
        .and(query_param("supportsAllDrives", "true"))
        .and(header("range", asked.as_str()))
        .and(header("authorization", AUTH))
        .respond_with(
            ResponseTemplate::new(206)
                .insert_header(
                    "content-range",
                    format!("bytes {from}-{}/{}", to - 1, whole.len()),
                )
                .set_body_raw(whole[from..to].to_vec(), "application/octet-stream"),
        )
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn reads_google_docs_as_markdown_and_text_files_by_ranged_download() {
    let server = MockServer::start().await;
    let doc = resource("doc-1", "Q3 Report", super::content::DOCUMENT, None);
    answer_metadata(&server, &doc).await;
    answer_export(
        &server,
        "doc-1",
        "text/markdown",
        b"# Q3 Report\n\nRevenue grew 12%.",
    )
    .await;
    let out = run_block_with(
        GoogleDriveReadFile,
        json!({"file": picked("doc-1", super::content::DOCUMENT)}),
        rec(&server),
    )
    .await;
    assert_eq!(out.len(), 2, "{out:?}");
    assert_eq!(
        out[0],
        ("content".into(), json!("# Q3 Report\n\nRevenue grew 12%."))
    );
    assert_eq!(out[1].0, "file");
    assert_eq!(out[1].1["id"], json!("doc-1"));
    assert_eq!(out[1].1["_credentials_id"], json!(CRED_ID));

    let csv = b"region,revenue\nnorth,12\n";
    let sheet = resource("csv-1", "sales.csv", "text/csv", Some("24"));
    answer_metadata(&server, &sheet).await;
    answer_range(&server, "csv-1", csv, 0, 10).await;
    answer_range(&server, "csv-1", csv, 10, csv.len()).await;
    let out = run_block_with(
        GoogleDriveReadFile,
        json!({"file": picked("csv-1", "text/csv")}),
        rec(&server),
    )
    .await;
    assert_eq!(
        out[0],
        ("content".into(), json!("region,revenue\nnorth,12\n"))
    );
    assert_eq!(out[1].1["size"], json!(24));
}

#[tokio::test]
async fn read_refuses_what_is_not_text_and_a_missing_file() {
    let server = MockServer::start().await;
    let image = resource("img-1", "photo.png", "image/png", Some("2048"));
    answer_metadata(&server, &image).await;
    let out = run_block_with(
        GoogleDriveReadFile,
        json!({"file": picked("img-1", "image/png")}),
        rec(&server),
    )
    .await;
    assert_eq!(
        error_of(&out),
        "Can't read a image/png as text. Use the Google Drive Download File block to get the file itself."
    );
    let zip = resource("zip-1", "photos.zip", "application/zip", Some("2048"));
    answer_metadata(&server, &zip).await;
    let out = run_block_with(
        GoogleDriveReadFile,
        json!({"file": picked("zip-1", "application/zip")}),
        rec(&server),
    )
    .await;
    assert!(error_of(&out).starts_with("Can't read a application/zip as text."));
    // Only the two metadata requests: nothing was downloaded.
    assert_eq!(server.received_requests().await.unwrap().len(), 2);

    let out = run_block_with(GoogleDriveReadFile, json!({}), rec(&server)).await;
    assert_eq!(
        error_of(&out),
        "Pick a Drive file, or connect one from a Drive search."
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn downloads_exports_and_files_into_the_run_folder() {
    let server = MockServer::start().await;
    let doc = resource("doc-1", "Q3 Report", super::content::DOCUMENT, None);
    answer_metadata(&server, &doc).await;
    answer_export(&server, "doc-1", "application/pdf", b"%PDF-1.4").await;
    let (r, root) = rec_with_store(&server);
    let out = run_block_with(
        GoogleDriveDownloadFile,
        json!({"file": picked("doc-1", super::content::DOCUMENT)}),
        r,
    )
    .await;
    assert_eq!(out.len(), 3, "{out:?}");
    assert_eq!(
        out[0],
        (
            "content".into(),
            json!("data:application/pdf;base64,JVBERi0xLjQ=")
        )
    );
    assert_eq!(out[1], ("mime_type".into(), json!("application/pdf")));
    assert_eq!(out[2].0, "file");
    assert_eq!(out[2].1["name"], json!("Q3 Report"));
    let stored = root.join("anonymous/direct/Q3 Report.pdf");
    assert_eq!(std::fs::read(&stored).unwrap(), b"%PDF-1.4");

    let bytes: Vec<u8> = (0u8..=19).collect();
    let bin = resource("bin-1", "data.bin", "application/octet-stream", Some("20"));
    answer_metadata(&server, &bin).await;
    answer_range(&server, "bin-1", &bytes, 0, 12).await;
    answer_range(&server, "bin-1", &bytes, 12, 20).await;
    let (r, root) = rec_with_store(&server);
    let out = run_block_with(
        GoogleDriveDownloadFile,
        json!({"file": picked("bin-1", "application/octet-stream"), "export_format": "office"}),
        r,
    )
    .await;
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(&bytes);
    assert_eq!(
        out[0],
        (
            "content".into(),
            json!(format!("data:application/octet-stream;base64,{b64}"))
        )
    );
    assert_eq!(
        out[1],
        ("mime_type".into(), json!("application/octet-stream"))
    );
    assert_eq!(
        std::fs::read(root.join("anonymous/direct/data.bin")).unwrap(),
        bytes
    );
    let _ = std::fs::remove_dir_all(root);
}

#[tokio::test]
async fn download_refuses_large_files_and_formats_a_type_lacks() {
    let server = MockServer::start().await;
    let big = resource("big-1", "video.mp4", "video/mp4", Some("60000000"));
    answer_metadata(&server, &big).await;
    let out = run_block_with(
        GoogleDriveDownloadFile,
        json!({"file": picked("big-1", "video/mp4")}),
        rec(&server),
    )
    .await;
    assert_eq!(error_of(&out), "The file is 57 MB; the limit is 50 MB.");
    let drawing = "application/vnd.google-apps.drawing";
    answer_metadata(&server, &resource("drw-1", "Diagram", drawing, None)).await;
    let out = run_block_with(
        GoogleDriveDownloadFile,
        json!({"file": picked("drw-1", drawing), "export_format": "text"}),
        rec(&server),
    )
    .await;
    assert_eq!(
        error_of(&out),
        "application/vnd.google-apps.drawing files can only be downloaded as PDF. Set the format to PDF."
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn creates_text_files_by_resumable_upload() {
    let server = MockServer::start().await;
    let session = format!(
        "{}/upload/drive/v3/files?uploadType=resumable&upload_id=ABCdef123",
        server.uri()
    );
    Mock::given(method("POST"))
        .and(path("/upload/drive/v3/files"))
        .and(query_param("uploadType", "resumable"))
        .and(query_param("fields", FILE_FIELDS))
        .and(query_param("supportsAllDrives", "true"))
        .and(header("authorization", AUTH))
        .and(header("x-upload-content-type", "text/plain"))
        .and(header("x-upload-content-length", "17"))
        .and(body_json(
            json!({"name": "notes.txt", "parents": ["1f0ld3rId0123456789"]}),
        ))
        .respond_with(ResponseTemplate::new(200).insert_header("location", session.as_str()))
        .expect(1)
        .mount(&server)
        .await;
    let created = resource("new-1", "notes.txt", "text/plain", Some("17"));
    Mock::given(method("PUT"))
        .and(path("/upload/drive/v3/files"))
        .and(query_param("upload_id", "ABCdef123"))
        .and(header("authorization", AUTH))
        .and(header("content-range", "bytes 0-16/17"))
        .and(header("content-type", "text/plain"))
        .and(body_string("Remember the milk"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&created))
        .expect(1)
        .mount(&server)
        .await;
    let out = run_block_with(
        GoogleDriveCreateFile,
        json!({"credentials": meta("google", "oauth2"), "name": "notes.txt",
               "text_content": "Remember the milk",
               "folder_id": "https://drive.google.com/drive/folders/1f0ld3rId0123456789"}),
        rec(&server),
    )
    .await;
    assert_eq!(out.len(), 1, "{out:?}");
    assert_eq!(out[0].0, "file");
    assert_eq!(out[0].1["id"], json!("new-1"));
    assert_eq!(out[0].1["size"], json!(17));
    assert_eq!(out[0].1["_credentials_id"], json!(CRED_ID));
}

#[tokio::test]
async fn creates_empty_google_files_and_converts_uploads() {
    let server = MockServer::start().await;
    let sheet = "application/vnd.google-apps.spreadsheet";
    Mock::given(method("POST"))
        .and(path("/drive/v3/files"))
        .and(query_param("fields", FILE_FIELDS))
        .and(header("authorization", AUTH))
        .and(body_json(json!({"name": "Budget", "mimeType": sheet})))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(resource("s-1", "Budget", sheet, None)),
        )
        .expect(1)
        .mount(&server)
        .await;
    let out = run_block_with(
        GoogleDriveCreateFile,
        json!({"credentials": meta("google", "oauth2"), "name": "Budget", "convert_to": "google_sheet"}),
        rec(&server),
    )
    .await;
    assert_eq!(out[0].1["mimeType"], json!(sheet));

    // An uploaded CSV named by the store, converted to a Sheet.
    let session = format!("{}/upload/drive/v3/files?upload_id=up-2", server.uri());
    Mock::given(method("POST"))
        .and(path("/upload/drive/v3/files"))
        .and(header("x-upload-content-type", "text/csv"))
        .respond_with(ResponseTemplate::new(200).insert_header("location", session.as_str()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/upload/drive/v3/files"))
        .and(query_param("upload_id", "up-2"))
        .and(body_string("a,b\n1,2\n"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(resource("s-2", "data", sheet, None)),
        )
        .expect(1)
        .mount(&server)
        .await;
    let (r, root) = rec_with_store(&server);
    let out = run_block_with(
        GoogleDriveCreateFile,
        json!({"credentials": meta("google", "oauth2"), "convert_to": "google_sheet",
               "file_to_upload": "data:text/csv;base64,YSxiCjEsMgo="}),
        r,
    )
    .await;
    assert_eq!(out[0].1["id"], json!("s-2"), "{out:?}");
    let started = server.received_requests().await.unwrap();
    let metadata: Value = serde_json::from_slice(&started[1].body).unwrap();
    assert_eq!(metadata["mimeType"], json!(sheet));
    assert!(metadata["name"].as_str().unwrap().ends_with(".csv"));
    let _ = std::fs::remove_dir_all(root);
}

#[tokio::test]
async fn create_refuses_bad_input_before_any_request_and_foreign_sessions() {
    let server = MockServer::start().await;
    let creds = meta("google", "oauth2");
    for (input, message) in [
        (
            json!({"credentials": creds, "name": "a.txt", "text_content": "x",
                   "file_to_upload": "data:text/plain;base64,eA=="}),
            "Set either text content or a file to upload, not both.",
        ),
        (
            json!({"credentials": creds, "text_content": "x"}),
            "Give the new file a name.",
        ),
        (
            json!({"credentials": creds, "name": "a.txt"}),
            "Give the file some text content, a file to upload, or a Google type to convert to.",
        ),
    ] {
        let out = run_block_with(GoogleDriveCreateFile, input, rec(&server)).await;
        assert_eq!(error_of(&out), message);
    }
    assert!(server.received_requests().await.unwrap().is_empty());

    // A session address on another host is never followed with the content.
    Mock::given(method("POST"))
        .and(path("/upload/drive/v3/files"))
        .respond_with(ResponseTemplate::new(200).insert_header(
            "location",
            "https://uploads.example.net/session?upload_id=x",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let out = run_block_with(
        GoogleDriveCreateFile,
        json!({"credentials": creds, "name": "a.txt", "text_content": "x"}),
        rec(&server),
    )
    .await;
    assert_eq!(
        error_of(&out),
        "Google Drive did not answer an upload session address on its own host"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn every_content_block_meets_googles_error_answers() {
    let body = json!({"error": {"code": 401, "message": "Request had invalid authentication credentials.",
                                "status": "UNAUTHENTICATED"}});
    macro_rules! check {
        ($block:expr, $input:expr) => {
            assert_error_answers(
                || $block,
                $input,
                oauth2("google", "ya29.drive", &[]),
                "google",
                body.clone(),
                "Request had invalid authentication credentials.",
            )
            .await
        };
    }
    let file = picked("doc-1", super::content::DOCUMENT);
    check!(GoogleDriveReadFile, json!({"file": file}));
    check!(GoogleDriveDownloadFile, json!({"file": file}));
    check!(
        GoogleDriveCreateFile,
        json!({"credentials": meta("google", "oauth2"), "name": "a.txt", "text_content": "x"})
    );
}

#[path = "pdf_tests.rs"]
mod pdf_tests;
