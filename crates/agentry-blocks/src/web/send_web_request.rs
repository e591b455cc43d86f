//! SendWebRequestBlock: one HTTP request through the guarded client, answered by status class.

use std::collections::BTreeMap;

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx};
use reqwest::header::{HeaderName, HeaderValue};
use reqwest::{Method, RequestBuilder};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

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

/// The body as AutoGPT sends it: JSON, url-encoded form fields, or raw text.
enum Body {
    None,
    Json(Value),
    Form(Vec<(String, String)>),
    Text(String),
}

fn prepare_body(body: Option<Value>, json_format: bool) -> Result<Body, BlockError> {
    let mut json_format = json_format;
    let body = match body {
        // A text body that parses as JSON is sent as that JSON; any other text goes as it is.
        Some(Value::String(text)) => match serde_json::from_str::<Value>(&text) {
            Ok(parsed) if text.len() <= MAX_JSON_TEXT => parsed,
            _ => {
                json_format = false;
                Value::String(text)
            }
        },
        Some(other) => other,
        None => Value::Null,
    };
    Ok(match (body, json_format) {
        (Value::Null, _) => Body::None,
        (body, true) => Body::Json(body),
        (Value::Object(fields), false) => {
            Body::Form(fields.into_iter().map(|(k, v)| (k, json_str(&v))).collect())
        }
        (Value::String(text), false) => Body::Text(text),
        (other, false) => {
            return Err(BlockError::input(format!(
                "a form body must be a dictionary or text, not {}",
                crate::python::type_name(&other)
            )));
        }
    })
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
        let request = build_request(&http, input, &[])?;
        let fetched = http.send(request).await?;
        emit_response(&fetched, cx);
        Ok(())
    }
}

/// The request `input` describes, started on `http`, with `secret_headers` (from host-scoped
/// credentials) added. As in AutoGPT, a header the user set wins over a credential header of the
/// same name (compared case-insensitively).
pub(crate) fn build_request(
    http: &OutboundHttp,
    input: Input,
    secret_headers: &[(HeaderName, HeaderValue)],
) -> Result<RequestBuilder, BlockError> {
    let body = prepare_body(input.body, input.json_format)?;
    if !input.files.is_empty() {
        // Files are media references (paths, URLs, data URIs) resolved by a file store,
        // which agentry does not have yet.
        return Err(BlockError::input(format!(
            "file uploads ('{}') are not supported yet; send the data in body instead",
            input.files_name
        )));
    }
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
