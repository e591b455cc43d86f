//! `OutboundHttp`: the guarded reqwest client blocks use for URLs that come from users or graphs.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use agentry_core::{BlockError, Cx};
use ipnet::IpNet;
use reqwest::header::HeaderMap;
use reqwest::{Method, RequestBuilder};
use serde::Serialize;
use url::Url;

use super::guard::{AddressPolicy, GuardedResolver, redirect_policy, refusal};

/// How the guarded client behaves. `Default` is the safe setting: private networks denied.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// Let requests reach private and reserved addresses (tests on 127.0.0.1, trusted LANs).
    pub allow_private_networks: bool,
    /// Non-global networks that may be reached even so.
    pub allowed_networks: Vec<IpNet>,
    pub connect_timeout: Duration,
    /// For the whole exchange, body included.
    pub timeout: Duration,
    /// Larger response bodies are refused while they stream in.
    pub max_response_bytes: usize,
    pub max_redirects: usize,
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            allow_private_networks: false,
            allowed_networks: Vec::new(),
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(120),
            max_response_bytes: 10 * 1024 * 1024,
            max_redirects: 10,
        }
    }
}

/// A response read to its end.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// The URL that answered, after redirects.
    pub url: Url,
}

impl Fetched {
    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The `Content-Type` header, or "".
    pub fn content_type(&self) -> &str {
        self.headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

/// The process-wide guarded client, found with `cx.resource::<OutboundHttp>()`. Cheap to clone.
#[derive(Clone, Debug)]
pub struct OutboundHttp {
    client: reqwest::Client,
    /// The same client but for redirects, which stay on the first URL's origin; built on first use.
    same_origin: Arc<OnceLock<reqwest::Client>>,
    policy: Arc<AddressPolicy>,
    settings: Arc<HttpSettings>,
}

impl OutboundHttp {
    pub fn new(settings: HttpSettings) -> Result<Self, String> {
        let policy = Arc::new(AddressPolicy {
            allow_private_networks: settings.allow_private_networks,
            allowed_networks: settings.allowed_networks.clone(),
        });
        let client = build_client(&settings, &policy, false)?;
        Ok(OutboundHttp {
            client,
            same_origin: Arc::new(OnceLock::new()),
            policy,
            settings: Arc::new(settings),
        })
    }

    /// This client, except that a redirect to another origin is not followed (the 3xx response
    /// is returned instead): for requests that carry secrets meant for one host.
    pub fn same_origin_redirects(&self) -> Result<OutboundHttp, BlockError> {
        let client = match self.same_origin.get() {
            Some(client) => client.clone(),
            None => {
                let built =
                    build_client(&self.settings, &self.policy, true).map_err(BlockError::System)?;
                self.same_origin.get_or_init(|| built).clone()
            }
        };
        Ok(OutboundHttp {
            client,
            ..self.clone()
        })
    }

    /// The client with default settings (private networks denied), built once per process.
    pub fn shared_default() -> &'static OutboundHttp {
        static DEFAULT: OnceLock<OutboundHttp> = OnceLock::new();
        DEFAULT.get_or_init(|| {
            OutboundHttp::new(HttpSettings::default()).expect("default HTTP settings are valid")
        })
    }

    /// The process's configured client, or the default one when none is configured.
    pub fn from_cx<O: Serialize>(cx: &Cx<'_, O>) -> OutboundHttp {
        match cx.resource::<OutboundHttp>() {
            Ok(http) => http.clone(),
            Err(_) => Self::shared_default().clone(),
        }
    }

    pub fn settings(&self) -> &HttpSettings {
        &self.settings
    }

    /// Starts a request to `url` after checking it; a refused or malformed URL is an input error.
    pub fn request(&self, method: Method, url: &str) -> Result<RequestBuilder, BlockError> {
        let parsed = Url::parse(url.trim())
            .map_err(|e| BlockError::Input(format!("invalid URL '{url}': {e}")))?;
        self.policy
            .check_url(&parsed)
            .map_err(|refused| BlockError::Input(format!("URL refused: {refused}")))?;
        Ok(self.client.request(method, parsed))
    }

    /// Sends a request made by `request` and reads the whole body, up to the size cap.
    pub async fn send(&self, request: RequestBuilder) -> Result<Fetched, BlockError> {
        let mut response = request.send().await.map_err(|e| self.error(&e))?;
        let cap = self.settings.max_response_bytes;
        let too_large =
            || BlockError::Input(format!("the response is larger than the {cap} byte limit"));
        if response.content_length().is_some_and(|n| n > cap as u64) {
            return Err(too_large());
        }
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let url = response.url().clone();
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.error(&e))? {
            if body.len() + chunk.len() > cap {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Fetched {
            status,
            headers,
            body,
            url,
        })
    }

    /// Sorts a reqwest failure: refusals and malformed requests are the input's fault; the
    /// rest (timeouts, unreachable hosts, broken connections) may pass on a retry.
    fn error(&self, e: &reqwest::Error) -> BlockError {
        if let Some(refused) = refusal(e) {
            return BlockError::Input(format!("URL refused: {refused}"));
        }
        if e.is_builder() {
            return BlockError::Input(format!("invalid request: {}", chain(e)));
        }
        if e.is_timeout() {
            return BlockError::System(format!(
                "the request timed out (limit {} s)",
                self.settings.timeout.as_secs_f64()
            ));
        }
        BlockError::System(format!("the request failed: {}", chain(e)))
    }
}

fn build_client(
    settings: &HttpSettings,
    policy: &Arc<AddressPolicy>,
    same_origin: bool,
) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .no_proxy()
        .dns_resolver(Arc::new(GuardedResolver {
            policy: policy.clone(),
        }))
        .redirect(redirect_policy(
            policy.clone(),
            settings.max_redirects,
            same_origin,
        ))
        .referer(false)
        .connect_timeout(settings.connect_timeout)
        .timeout(settings.timeout)
        .user_agent(concat!("agentry/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {e}"))
}

/// An error and its causes, joined: reqwest's own message is often just "error sending request".
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let more = cause.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = cause.source();
    }
    text
}
