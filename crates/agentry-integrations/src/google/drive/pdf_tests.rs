//! GoogleDriveReadFileBlock on PDFs: a two-page PDF written here with `lopdf` and served by
//! the wiremock Drive API comes out as its text; a file that is not a PDF and one over the
//! size cap are refused clearly.

use agentry_core::testing::run_block_with;
use lopdf::content::{Content, Operation};
use lopdf::{Document, Object, Stream, dictionary};
use serde_json::json;
use wiremock::MockServer;

use super::super::content::PDF;
use super::super::pdf::MAX_PDF_BYTES;
use super::super::read::GoogleDriveReadFile;
use super::{answer_metadata, answer_range, picked, rec, resource};
use crate::testing::error_of;

/// A PDF of one page a line, in Helvetica (a standard font: no font file embedded).
fn pdf_of(lines: &[&str]) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
    });
    let resources_id = doc.add_object(dictionary! {"Font" => dictionary! {"F1" => font_id}});
    let mut kids = Vec::new();
    for line in lines {
        let content = Content {
            operations: vec![
                Operation::new("BT", vec![]),
                Operation::new("Tf", vec!["F1".into(), 24.into()]),
                Operation::new("Td", vec![72.into(), 700.into()]),
                Operation::new("Tj", vec![Object::string_literal(*line)]),
                Operation::new("ET", vec![]),
            ],
        };
        let stream = Stream::new(dictionary! {}, content.encode().unwrap());
        let content_id = doc.add_object(stream);
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
        });
        kids.push(page_id.into());
    }
    let count = kids.len() as i64;
    let pages = dictionary! {
        "Type" => "Pages", "Kids" => kids, "Count" => count, "Resources" => resources_id,
        "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
    };
    doc.objects.insert(pages_id, Object::Dictionary(pages));
    let catalog_id = doc.add_object(dictionary! {"Type" => "Catalog", "Pages" => pages_id});
    doc.trailer.set("Root", catalog_id);
    doc.compress();
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    bytes
}

#[tokio::test]
async fn reads_a_pdf_as_its_pages_text() {
    let server = MockServer::start().await;
    let pdf = pdf_of(&["Quarterly revenue grew 12%", "Costs fell in the north"]);
    assert!(pdf.starts_with(b"%PDF-1.5"));
    let size = pdf.len().to_string();
    let file = resource("pdf-1", "q3.pdf", PDF, Some(&size));
    answer_metadata(&server, &file).await;
    answer_range(&server, "pdf-1", &pdf, 0, pdf.len()).await;
    let out = run_block_with(
        GoogleDriveReadFile,
        json!({"file": picked("pdf-1", PDF)}),
        rec(&server),
    )
    .await;
    assert_eq!(out.len(), 2, "{out:?}");
    assert_eq!(
        out[0],
        (
            "content".into(),
            json!("Quarterly revenue grew 12%\n\nCosts fell in the north")
        )
    );
    assert_eq!(out[1].1["id"], json!("pdf-1"));
}

#[tokio::test]
async fn refuses_a_file_that_is_no_pdf_and_one_over_the_cap() {
    let server = MockServer::start().await;
    let junk = b"<html>not a PDF</html>";
    let file = resource("pdf-2", "broken.pdf", PDF, Some("22"));
    answer_metadata(&server, &file).await;
    answer_range(&server, "pdf-2", junk, 0, junk.len()).await;
    let out = run_block_with(
        GoogleDriveReadFile,
        json!({"file": picked("pdf-2", PDF)}),
        rec(&server),
    )
    .await;
    let error = error_of(&out);
    assert!(
        error.starts_with("The file is not a readable PDF ("),
        "{error}"
    );
    assert!(error.ends_with("Use the Google Drive Download File block to get the file itself."));

    // Drive's size over the cap: refused before any download.
    let size = (MAX_PDF_BYTES + 1).to_string();
    let file = resource("pdf-3", "scan.pdf", PDF, Some(&size));
    answer_metadata(&server, &file).await;
    let before = server.received_requests().await.unwrap().len();
    let out = run_block_with(
        GoogleDriveReadFile,
        json!({"file": picked("pdf-3", PDF)}),
        rec(&server),
    )
    .await;
    assert_eq!(
        error_of(&out),
        "The PDF is 21 MB; reading a PDF as text is limited to 20 MB. Use the Google Drive \
         Download File block to get the file itself."
    );
    // Only the metadata request.
    assert_eq!(server.received_requests().await.unwrap().len(), before + 1);
}
