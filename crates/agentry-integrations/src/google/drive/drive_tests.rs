//! The Drive family's blocks against a wiremock Drive API v3: the requests they send and
//! the files they yield, and Google's error answers.

use agentry_core::testing::run_block_with;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::files::*;
use super::search::*;
use super::{FILE_FIELDS, parse_folder_id, quote_drive_value};
use crate::error_answers::assert_error_answers;
use crate::testing::{CRED_ID, error_of, meta, oauth2, recorder};

fn rec(server: &MockServer) -> agentry_core::testing::Recorder {
    recorder(server, oauth2("google", "ya29.drive", &[]))
}

fn picked() -> Value {
    json!({"id": "file-1", "name": "Q3 Report", "mimeType": "application/vnd.google-apps.document",
           "_credentials_id": CRED_ID})
}

/// A Drive file resource as `files.get` answers it with the family's fields.
fn resource(id: &str, name: &str) -> Value {
    json!({
        "id": id, "name": name, "mimeType": "application/vnd.google-apps.document",
        "webViewLink": format!("https://docs.google.com/document/d/{id}/edit"),
        "iconLink": "https://drive-thirdparty.googleusercontent.com/16/type/application/vnd.google-apps.document",
        "createdTime": "2026-07-01T09:00:00.000Z", "modifiedTime": "2026-09-20T15:30:00.000Z",
        "owners": [{"emailAddress": "owner@example.com", "kind": "drive#user"}],
        "parents": ["0AbCdEfGhIjKlUk9PVA"], "shared": true, "starred": false, "trashed": false
    })
}

/// What the blocks yield for `resource(id, name)`.
fn yielded(id: &str, name: &str) -> Value {
    json!({
        "id": id, "name": name, "mimeType": "application/vnd.google-apps.document",
        "url": format!("https://docs.google.com/document/d/{id}/edit"),
        "iconUrl": "https://drive-thirdparty.googleusercontent.com/16/type/application/vnd.google-apps.document",
        "isFolder": false, "_credentials_id": CRED_ID,
        "size": null, "createdTime": "2026-07-01T09:00:00.000Z", "modifiedTime": "2026-09-20T15:30:00.000Z",
        "owners": ["owner@example.com"], "parents": ["0AbCdEfGhIjKlUk9PVA"], "description": null,
        "shared": true, "starred": false, "trashed": false
    })
}

#[test]
fn folder_ids_and_quoted_values_read_as_autogpt_reads_them() {
    assert_eq!(
        parse_folder_id(" https://drive.google.com/drive/folders/1f0ld3rId0123456789?usp=x "),
        "1f0ld3rId0123456789"
    );
    assert_eq!(
        parse_folder_id("https://drive.google.com/open?id=1abcdefghijk"),
        "1abcdefghijk"
    );
    assert_eq!(parse_folder_id("root"), "root");
    assert_eq!(quote_drive_value(r"Bob's \ file"), r"'Bob\'s \\ file'");
    assert_eq!(
        iso_seconds("2026-01-02T03:04:05.678+02:00").unwrap(),
        "2026-01-02T03:04:05+02:00"
    );
    assert_eq!(
        iso_seconds("2026-01-02T03:04:05Z").unwrap(),
        "2026-01-02T03:04:05+00:00"
    );
    assert_eq!(
        iso_seconds("2026-01-02T03:04:05").unwrap(),
        "2026-01-02T03:04:05"
    );
    assert!(iso_seconds("yesterday").is_err());
}

#[tokio::test]
async fn gets_a_files_details_and_its_permissions_page_by_page() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/drive/v3/files/file-1"))
        .and(query_param("fields", FILE_FIELDS))
        .and(query_param("supportsAllDrives", "true"))
        .respond_with(ResponseTemplate::new(200).set_body_json(resource("file-1", "Q3 Report")))
        .expect(1)
        .mount(&server)
        .await;
    let out = run_block_with(
        GoogleDriveGetFileInfo,
        json!({"file": picked()}),
        rec(&server),
    )
    .await;
    assert_eq!(out, vec![("file".into(), yielded("file-1", "Q3 Report"))]);

    let permissions = "/drive/v3/files/file-1/permissions";
    Mock::given(method("GET"))
        .and(path(permissions))
        .and(query_param_is_missing("pageToken"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "nextPageToken": "p2",
            "permissions": [{"id": "1234", "type": "user", "role": "writer",
                             "emailAddress": "teammate@example.com", "displayName": "Teammate"}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(permissions))
        .and(query_param("pageToken", "p2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "permissions": [{"id": "anyoneWithLink", "type": "anyone", "role": "reader"}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let out = run_block_with(
        GoogleDriveGetFilePermissions,
        json!({"file": picked()}),
        rec(&server),
    )
    .await;
    let teammate = json!({"id": "1234", "type": "user", "role": "writer",
        "email_address": "teammate@example.com", "domain": null, "display_name": "Teammate"});
    let anyone = json!({"id": "anyoneWithLink", "type": "anyone", "role": "reader",
        "email_address": null, "domain": null, "display_name": null});
    assert_eq!(
        out,
        vec![
            ("permissions".into(), json!([teammate, anyone])),
            ("permission".into(), teammate),
            ("permission".into(), anyone),
        ]
    );
    let out = run_block_with(GoogleDriveGetFileInfo, json!({}), rec(&server)).await;
    assert_eq!(
        error_of(&out),
        "Pick a Drive file, or connect one from a Drive search."
    );
}

#[tokio::test]
async fn creates_copies_and_moves() {
    let server = MockServer::start().await;
    let folder = json!({"id": "1n3wF0ld3r", "name": "Invoices 2026",
        "mimeType": "application/vnd.google-apps.folder",
        "webViewLink": "https://drive.google.com/drive/folders/1n3wF0ld3r", "parents": ["1f0ld3rId0123456789"]});
    Mock::given(method("POST"))
        .and(path("/drive/v3/files"))
        .and(query_param("fields", FILE_FIELDS))
        .and(body_json(
            json!({"name": "Invoices 2026", "mimeType": "application/vnd.google-apps.folder",
                              "parents": ["1f0ld3rId0123456789"]}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(&folder))
        .expect(1)
        .mount(&server)
        .await;
    let out = run_block_with(
        GoogleDriveCreateFolder,
        json!({"credentials": meta("google", "oauth2"), "name": "Invoices 2026",
               "parent_folder_id": "https://drive.google.com/drive/folders/1f0ld3rId0123456789"}),
        rec(&server),
    )
    .await;
    assert_eq!(out[0].0, "folder");
    assert_eq!(out[0].1["isFolder"], json!(true));
    assert_eq!(out[0].1["parents"], json!(["1f0ld3rId0123456789"]));
    assert_eq!(out[0].1["_credentials_id"], json!(CRED_ID));

    Mock::given(method("POST"))
        .and(path("/drive/v3/files/file-1/copy"))
        .and(query_param("supportsAllDrives", "true"))
        .and(body_json(json!({"name": "Q3 Report (copy)"})))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(resource("copy-1", "Q3 Report (copy)")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let out = run_block_with(
        GoogleDriveCopyFile,
        json!({"file": picked(), "new_name": "Q3 Report (copy)"}),
        rec(&server),
    )
    .await;
    assert_eq!(
        out,
        vec![("file".into(), yielded("copy-1", "Q3 Report (copy)"))]
    );

    Mock::given(method("GET"))
        .and(path("/drive/v3/files/file-1"))
        .and(query_param("fields", "parents"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"parents": ["old-a", "old-b"]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/drive/v3/files/file-1"))
        .and(query_param("addParents", "1f0ld3rId0123456789"))
        .and(query_param("removeParents", "old-a,old-b"))
        .and(query_param("fields", FILE_FIELDS))
        .respond_with(ResponseTemplate::new(200).set_body_json(resource("file-1", "Q3 Report")))
        .expect(1)
        .mount(&server)
        .await;
    let out = run_block_with(
        GoogleDriveMoveFile,
        json!({"file": picked(), "destination_folder_id": "https://drive.google.com/drive/folders/1f0ld3rId0123456789"}),
        rec(&server),
    )
    .await;
    assert_eq!(out, vec![("file".into(), yielded("file-1", "Q3 Report"))]);
    let out = run_block_with(
        GoogleDriveCreateFolder,
        json!({"credentials": meta("google", "oauth2"), "name": " "}),
        rec(&server),
    )
    .await;
    assert_eq!(error_of(&out), "Give the new folder a name.");
}

#[tokio::test]
async fn searches_and_lists_recent_files() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/drive/v3/files"))
        .and(query_param(
            "q",
            "name contains 'Q3' and mimeType = 'application/vnd.google-apps.document' and \
             '1f0ld3rId0123456789' in parents and modifiedTime > '2026-01-01T00:00:00+00:00' and trashed = false",
        ))
        .and(query_param("orderBy", "modifiedTime desc"))
        .and(query_param("pageSize", "5"))
        .and(query_param("corpora", "allDrives"))
        .and(query_param("includeItemsFromAllDrives", "true"))
        .and(query_param("fields", format!("nextPageToken, incompleteSearch, files({FILE_FIELDS})")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "kind": "drive#fileList", "incompleteSearch": false, "nextPageToken": "next-page",
            "files": [resource("file-1", "Q3 Report")]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let out = run_block_with(
        GoogleDriveSearchFiles,
        json!({"credentials": meta("google", "oauth2"), "name_contains": "Q3", "file_type": "document",
               "folder_id": "1f0ld3rId0123456789", "modified_after": "2026-01-01T00:00:00Z",
               "max_results": 5}),
        rec(&server),
    )
    .await;
    let file = yielded("file-1", "Q3 Report");
    assert_eq!(
        out,
        vec![
            ("files".into(), json!([file])),
            ("file".into(), file.clone()),
            ("next_page_token".into(), json!("next-page")),
        ]
    );
    Mock::given(method("GET"))
        .and(path("/drive/v3/files"))
        .and(query_param(
            "q",
            "trashed = false and mimeType != 'application/vnd.google-apps.folder'",
        ))
        .and(query_param("orderBy", "viewedByMeTime desc"))
        .and(query_param("corpora", "user"))
        .and(query_param("pageToken", "tok"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"files": []})))
        .expect(1)
        .mount(&server)
        .await;
    let out = run_block_with(
        GoogleDriveListRecentFiles,
        json!({"credentials": meta("google", "oauth2"), "order_by": "last_viewed_by_me", "page_token": "tok"}),
        rec(&server),
    )
    .await;
    assert_eq!(out, vec![("files".into(), json!([]))]);
    let out = run_block_with(
        GoogleDriveSearchFiles,
        json!({"credentials": meta("google", "oauth2"), "max_results": 0}),
        rec(&server),
    )
    .await;
    assert_eq!(
        error_of(&out),
        "max_results must be between 1 and 1000, not 0"
    );
}

#[tokio::test]
async fn content_searches_are_not_ordered() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/drive/v3/files"))
        .and(query_param(
            "q",
            "fullText contains 'revenue' and ('me' in owners)",
        ))
        .and(query_param_is_missing("orderBy"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"files": []})))
        .expect(1)
        .mount(&server)
        .await;
    let out = run_block_with(
        GoogleDriveSearchFiles,
        json!({"credentials": meta("google", "oauth2"), "text_contains": "revenue",
               "custom_query": "'me' in owners", "include_trashed": true}),
        rec(&server),
    )
    .await;
    assert_eq!(out, vec![("files".into(), json!([]))]);
}

#[tokio::test]
async fn every_drive_block_meets_googles_error_answers() {
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
    let creds = meta("google", "oauth2");
    check!(GoogleDriveGetFileInfo, json!({"file": picked()}));
    check!(GoogleDriveGetFilePermissions, json!({"file": picked()}));
    check!(GoogleDriveCopyFile, json!({"file": picked()}));
    check!(
        GoogleDriveMoveFile,
        json!({"file": picked(), "destination_folder_id": "root"})
    );
    check!(
        GoogleDriveCreateFolder,
        json!({"credentials": creds, "name": "F"})
    );
    check!(GoogleDriveSearchFiles, json!({"credentials": creds}));
    check!(GoogleDriveListRecentFiles, json!({"credentials": creds}));
}
