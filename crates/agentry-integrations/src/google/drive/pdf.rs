//! A PDF's text for GoogleDriveReadFileBlock (AutoGPT's `pdf_to_text`, which uses pdfium):
//! parsed in pure Rust by `pdf-extract` (over `lopdf`), page by page, the pages joined by a
//! blank line as AutoGPT joins them.

use agentry_core::BlockError;
use pdf_extract::{Document, PlainTextOutput, output_doc_page};

/// The largest PDF read as text. Parsing holds the whole object graph (and every decoded
/// stream) in memory at once, several times the file's size, so the cap is below the 50 MB a
/// download may be; the Download File block still takes larger PDFs as they are.
pub const MAX_PDF_BYTES: usize = 20 * 1024 * 1024;

/// Refuses a PDF over `MAX_PDF_BYTES` (checked on Drive's `size` before any download, and on
/// the bytes after).
pub fn check_size(size: usize) -> Result<(), BlockError> {
    if size <= MAX_PDF_BYTES {
        return Ok(());
    }
    Err(BlockError::Input(format!(
        "The PDF is {} MB; reading a PDF as text is limited to {} MB. Use the Google Drive \
         Download File block to get the file itself.",
        size.div_ceil(1024 * 1024),
        MAX_PDF_BYTES / (1024 * 1024)
    )))
}

fn unreadable(why: &str) -> BlockError {
    BlockError::Input(format!(
        "The file is not a readable PDF ({why}). Use the Google Drive Download File block to \
         get the file itself."
    ))
}

/// The text of the PDF `data`, its pages joined by a blank line.
pub async fn pdf_to_text(data: Vec<u8>) -> Result<String, BlockError> {
    check_size(data.len())?;
    // Parsing is CPU-bound: off the async workers. The parser panics on some malformed
    // files; the blocking task's panic comes back here as an error instead.
    match tokio::task::spawn_blocking(move || extract(&data)).await {
        Ok(text) => text,
        Err(e) if e.is_panic() => Err(unreadable("its structure could not be parsed")),
        Err(e) => Err(BlockError::System(format!("reading the PDF stopped: {e}"))),
    }
}

fn extract(data: &[u8]) -> Result<String, BlockError> {
    let mut doc = Document::load_mem(data).map_err(|e| unreadable(&e.to_string()))?;
    // Many PDFs are encrypted with an empty user password (permissions only): open those.
    if doc.is_encrypted() && doc.decrypt("").is_err() {
        return Err(BlockError::Input(
            "The PDF is password-protected, so its text can't be read. Use the Google Drive \
             Download File block to get the file itself."
                .into(),
        ));
    }
    let mut pages = Vec::new();
    for number in doc.get_pages().into_keys() {
        let mut text = String::new();
        output_doc_page(&doc, &mut PlainTextOutput::new(&mut text), number)
            .map_err(|e| unreadable(&format!("page {number}: {e}")))?;
        // pdf-extract opens each page with blank lines pdfium does not write.
        pages.push(text.trim_matches(['\n', '\r']).to_string());
    }
    Ok(pages.join("\n\n"))
}
