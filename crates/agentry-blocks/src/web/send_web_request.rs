//! SendWebRequestBlock: one HTTP request through the guarded client (JSON, form, text or
//! multipart with files from the run's file store), answered by status class.

use std::collections::BTreeMap;

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx};
use reqwest::header::{HeaderName, HeaderValue};
use reqwest::multipart::{Form, Part};
use reqwest::{Method, RequestBuilder};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::files::media;
use crate::http::{Fetched, OutboundHttp};
use crate::python::json_str;

pub struct SendWebRequest;

/// AutoGPT refuses JSON bodies given as text above this size and sends them as text instead.
const MAX_JSON_TEXT: usize = 10_000_000;

#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    Get,
    #[default]
    Post,
    Put,
    Delete,
    Patch,
    Options,
    Head,
}

impl HttpMethod {
    fn method(self) -> Method {
        match self {
            HttpMethod::Get => Method::GET,
            HttpMethod::Post => Method::POST,
            HttpMethod::Put => Method::PUT,
            HttpMethod::Delete => Method::DELETE,
            HttpMethod::Patch => Method::PATCH,
            HttpMethod::Options => Method::OPTIONS,
            HttpMethod::Head => Method::HEAD,
        }
    }
}

fn yes() -> bool {
    true
}

fn file_field() -> String {
    "file".into()
}

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The URL to send the request to
    pub url: String,
    /// The HTTP method to use for the request
    #[serde(default)]
    pub method: HttpMethod,
    /// The headers to include in the request
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// If true, send the body as JSON (unless files are also present).
    #[serde(default = "yes")]
    pub json_format: bool,
    /// Form/JSON body payload. If files are supplied, this must be a mapping of form‑fields.
    #[serde(default)]
    pub body: Option<Value>,
    /// The name of the file field in the form data.
    #[serde(default = "file_field")]
    pub files_name: String,
    /// Mapping of *form field name* → Image url / path / base64 url.
    #[serde(default)]
    pub files: Vec<String>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The response from the server
    Response(Value),
    /// Errors on 4xx status codes
    ClientError(Value),
    /// Errors on 5xx status codes
    ServerError(Value),
}

/// The body as AutoGPT sends it: JSON, url-encoded form fields, raw text, or multipart form
/// fields and files.
enum Body {
    None,
    Json(Value),
    Form(Vec<(String, String)>),
    Text(String),
    Multipart(Vec<(String, String)>),
}

/// One file to upload: its name, MIME type and content.
struct Upload {
    name: String,
    mime: &'static str,
    bytes: Vec<u8>,
}

/// The body and JSON flag as AutoGPT reads them: a text body that parses as JSON is that JSON;
/// any other text is sent as it is, with JSON turned off.
fn parse_body(body: Option<Value>, json_format: bool) -> (Value, bool) {
    match body {
        Some(Value::String(text)) => match serde_json::from_str::<Value>(&text) {
            Ok(parsed) if text.len() <= MAX_JSON_TEXT => (parsed, json_format),
            _ => (Value::String(text), false),
        },
        Some(other) => (other, json_format),
        None => (Value::Null, json_format),
    }
}

/// Form fields with Python's `str()` of each value, as AutoGPT's form encoders write them.
fn form_fields(fields: Map<String, Value>) -> Vec<(String, String)> {
    fields.into_iter().map(|(k, v)| (k, json_str(&v))).collect()
}

fn prepare_body(body: Value, json_format: bool, with_files: bool) -> Result<Body, BlockError> {
    if with_files {
        if json_format {
            return Err(BlockError::input(
                "json_format=True cannot be combined with file uploads; set json_format=False \
                 and put form fields in `body`.",
            ));
        }
        return match body {
            Value::Null => Ok(Body::Multipart(Vec::new())),
            Value::Object(fields) => Ok(Body::Multipart(form_fields(fields))),
            other => Err(BlockError::input(format!(
                "When uploading files, the body must be a dictionary of form fields, not {}",
                crate::python::type_name(&other)
            ))),
        };
    }
    Ok(match (body, json_format) {
        (Value::Null, _) => Body::None,
        (body, true) => Body::Json(body),
        (Value::Object(fields), false) => Body::Form(form_fields(fields)),
        (Value::String(text), false) => Body::Text(text),
        (other, false) => {
            return Err(BlockError::input(format!(
                "a form body must be a dictionary or text, not {}",
                crate::python::type_name(&other)
            )));
        }
    })
}

/// Stores each file pin in the run's folder (AutoGPT's `store_media_file`) and reads it back.
async fn uploads(cx: &mut Cx<'_, Output>, files: &[String]) -> Result<Vec<Upload>, BlockError> {
    let mut out = Vec::with_capacity(files.len());
    for file in files {
        let stored = media::store(cx, file).await?;
        let bytes = stored.bytes().await?;
        let name = stored.name().to_string();
        out.push(Upload {
            mime: media::mime_of(&name),
            name,
            bytes,
        });
    }
    Ok(out)
}

/// The response body: JSON when the server says so (`null` for 204), else text.
fn response_value(fetched: &Fetched) -> Value {
    if fetched.content_type().starts_with("application/json") {
        if fetched.status == 204 {
            return Value::Null;
        }
        // A server that lies about JSON still gets its text passed on.
        if let Ok(value) = serde_json::from_slice(&fetched.body) {
            return value;
        }
    }
    Value::String(fetched.text())
}

impl Block for SendWebRequest {
    const META: BlockMeta = BlockMeta::standard(
        "6595ae1f-b924-42cb-9a41-551a0611c4b4",
        "SendWebRequestBlock",
        "Make an HTTP request (JSON / form / multipart).",
        &[Category::Output],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let http = OutboundHttp::from_cx(cx);
        let request = build_request(cx, &http, input, &[]).await?;
        let fetched = http.send(request).await?;
        emit_response(&fetched, cx);
        Ok(())
    }
}

/// The request `input` describes, started on `http`, with `secret_headers` (from host-scoped
/// credentials) added. As in AutoGPT, a header the user set wins over a credential header of the
/// same name (compared case-insensitively). Files are stored in the run's folder first and sent
/// as multipart parts named `files_name`, after the body's form fields.
pub(crate) async fn build_request(
    cx: &mut Cx<'_, Output>,
    http: &OutboundHttp,
    input: Input,
    secret_headers: &[(HeaderName, HeaderValue)],
) -> Result<RequestBuilder, BlockError> {
    let (body, json_format) = parse_body(input.body, input.json_format);
    let body = prepare_body(body, json_format, !input.files.is_empty())?;
    let mut request = http.request(input.method.method(), &input.url)?;
    for (name, value) in secret_headers {
        let user_set = input
            .headers
            .keys()
            .any(|user| user.trim().eq_ignore_ascii_case(name.as_str()));
        if !user_set {
            request = request.header(name.clone(), value.clone());
        }
    }
    for (name, value) in &input.headers {
        request = request.header(name.as_str(), value.as_str());
    }
    Ok(match body {
        Body::None => request,
        Body::Json(value) => request.json(&value),
        Body::Form(fields) => {
            let encoded = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(fields)
                .finish();
            request
                .header("content-type", "application/x-www-form-urlencoded")
                .body(encoded)
        }
        Body::Text(text) => request.body(text),
        Body::Multipart(fields) => {
            let mut form = Form::new();
            for (name, value) in fields {
                form = form.text(name, value);
            }
            for upload in uploads(cx, &input.files).await? {
                let part = Part::bytes(upload.bytes)
                    .file_name(upload.name)
                    .mime_str(upload.mime)
                    .map_err(|e| BlockError::System(format!("bad MIME type: {e}")))?;
                form = form.part(input.files_name.clone(), part);
            }
            request.multipart(form)
        }
    })
}

/// Emits the response on the pin its status class picks.
pub(crate) fn emit_response(fetched: &Fetched, cx: &mut Cx<'_, Output>) {
    let result = response_value(fetched);
    cx.emit(match fetched.status {
        200..=299 => Output::Response(result),
        400..=499 => Output::ClientError(result),
        _ => Output::ServerError(result),
    });
}

#[cfg(test)]
#[path = "send_web_request_tests.rs"]
pub(crate) mod tests;
