//! The web app's files, served at `/` next to the API: a known file as it is (hashed build
//! assets cached for good), any other page path answered with `index.html` so client-side
//! routes survive a reload. `/api/…`, `/ws` and `/health` never reach it: an unknown API path
//! still answers the JSON 404. Where the files come from (embedded in the binary, or a folder)
//! is the binary's business.

use std::borrow::Cow;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderValue, Method, Uri, header};
use axum::response::{IntoResponse, Response};

use crate::error::{ApiError, Code};

/// One file of the app.
pub struct AppFile {
    pub bytes: Cow<'static, [u8]>,
    /// Its media type (`text/html`, `text/javascript`, …).
    pub mime: Cow<'static, str>,
}

/// Looks up the app's files by path relative to its root (`index.html`, `assets/index-3f2a.js`).
pub trait AppFiles: Send + Sync + 'static {
    fn get(&self, path: &str) -> Option<AppFile>;
}

/// The app the server serves; cheap to clone.
#[derive(Clone)]
pub struct WebApp(Arc<dyn AppFiles>);

impl WebApp {
    pub fn new(files: impl AppFiles) -> Self {
        WebApp(Arc::new(files))
    }
}

/// Vite writes content-hashed names under `assets/`: a name never changes content.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `index.html` names the current assets, so it is checked every time.
const REVALIDATE: &str = "no-cache";

/// Paths that belong to the API, never to the app.
fn is_api_path(path: &str) -> bool {
    path == "/api"
        || path.starts_with("/api/")
        || path == "/ws"
        || path.starts_with("/ws/")
        || path == "/health"
        || path.starts_with("/health/")
}

fn not_found() -> Response {
    ApiError::new(Code::RouteNotFound, "no such route").into_response()
}

fn file_response(file: AppFile, cache: &'static str, head: bool) -> Response {
    let len = file.bytes.len();
    let body = if head {
        Body::empty()
    } else {
        Body::from(file.bytes)
    };
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    if let Ok(mime) = HeaderValue::from_str(&file.mime) {
        headers.insert(header::CONTENT_TYPE, mime);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// The router's fallback: the app for page paths, the API's JSON 404 for everything else.
pub(crate) fn answer(app: Option<&WebApp>, method: &Method, uri: &Uri) -> Response {
    let path = uri.path();
    let Some(app) = app else {
        return not_found();
    };
    if is_api_path(path) || (method != Method::GET && method != Method::HEAD) {
        return not_found();
    }
    let head = method == Method::HEAD;
    let relative = path.trim_start_matches('/');
    if !relative.is_empty()
        && !relative.split('/').any(|seg| seg == "..")
        && let Some(file) = app.0.get(relative)
    {
        let cache = if relative.starts_with("assets/") {
            IMMUTABLE
        } else {
            REVALIDATE
        };
        return file_response(file, cache, head);
    }
    // A missing build asset is a 404, not the page: a stale tab must not run HTML as script.
    if relative.starts_with("assets/") {
        return not_found();
    }
    match app.0.get("index.html") {
        Some(index) => file_response(index, REVALIDATE, head),
        None => not_found(),
    }
}
