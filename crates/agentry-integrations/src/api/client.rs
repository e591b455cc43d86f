//! The `Client`: one `Service` bound to one user's credential for one block run, sending each
//! request through the guarded HTTP client and retrying and refreshing as `api` describes.

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;

use agentry_core::credentials::{Credential, CredentialKind, CredentialsMeta};
use agentry_core::{BlockError, Cx, SecretString};
use agentry_services::http::{Fetched, OutboundHttp};
use reqwest::Method;
use serde::Serialize;
use serde_json::Value;
use url::Url;

use super::answers::{bearer, provider_message, redact, redact_text, retry_after};
use super::{AuthStyle, Payload, Service, meta_for};
use crate::error::IntegrationError;
use crate::settings::{IntegrationSettings, Retry};

/// A `Service` bound to one user's credential for one block run.
pub struct Client {
    service: Service,
    base: String,
    meta: CredentialsMeta,
    /// Replaced when an OAuth2 token is refreshed after a 401.
    secret: Mutex<SecretString>,
    oauth2: bool,
    http: OutboundHttp,
    retry: Retry,
    /// Sent with every request (`Client::with_header`): API versions, `Accept`.
    headers: Vec<(&'static str, String)>,
}

/// A boxed future that holds no borrow of the block's context (which is not `Sync`), so the
/// block's own future stays `Send`.
pub type Call<'s, T> = Pin<Box<dyn Future<Output = Result<T, IntegrationError>> + Send + 's>>;
impl Client {
    /// `service` for the user's `credential` (found with `Cx::credential(&meta_for(..))`);
    /// an input error when the credential is of a kind the service does not take.
    pub fn new<O: Serialize>(
        cx: &Cx<'_, O>,
        service: Service,
        meta: &CredentialsMeta,
        credential: Credential,
    ) -> Result<Client, BlockError> {
        let kind = credential.secret.kind();
        if !service.kinds.contains(&kind) {
            return Err(BlockError::Input(format!(
                "{} needs {} credentials, and these are {}",
                service.provider,
                service
                    .kinds
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(" or "),
                kind.as_str()
            )));
        }
        let secret = match service.auth {
            AuthStyle::Nothing => SecretString::new(""),
            _ => bearer(&credential.secret, service.provider)?,
        };
        let settings = IntegrationSettings::from_cx(cx);
        Ok(Client {
            base: settings.base(service.key, service.default_base),
            service,
            meta: meta_for(meta, service.provider),
            secret: Mutex::new(secret),
            oauth2: kind == CredentialKind::Oauth2,
            http: OutboundHttp::from_cx(cx).same_origin_redirects()?,
            retry: settings.retry,
            headers: Vec::new(),
        })
    }

    /// The client sending `name: value` with every request (a header the API requires).
    pub fn with_header(mut self, name: &'static str, value: &str) -> Client {
        self.headers.push((name, value.to_string()));
        self
    }

    pub fn provider(&self) -> &'static str {
        self.service.provider
    }

    /// `path` under the service's base URL (`path` starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// GET `path` with `query`, answered as JSON.
    pub fn get_json<'s, O: Serialize>(
        &'s self,
        cx: &'s Cx<'_, O>,
        path: &'s str,
        query: &'s [(&'s str, String)],
    ) -> Call<'s, Value> {
        let sent = self.send(cx, Method::GET, path, query, None);
        Box::pin(async move { self.parse(&sent.await?) })
    }

    /// `method` `path` with a JSON body, answered as JSON (an empty body reads as `null`).
    pub fn send_json<'s, O: Serialize>(
        &'s self,
        cx: &'s Cx<'_, O>,
        method: Method,
        path: &'s str,
        body: &'s Value,
    ) -> Call<'s, Value> {
        let sent = self.send(cx, method, path, &[], Some(body));
        Box::pin(async move { self.parse(&sent.await?) })
    }

    /// `method` `path` carrying `payload`, answered as JSON (an empty body reads as `null`).
    pub fn send_payload<'s, O: Serialize>(
        &'s self,
        cx: &'s Cx<'_, O>,
        method: Method,
        path: &'s str,
        query: &'s [(&'s str, String)],
        payload: Payload<'s>,
    ) -> Call<'s, Value> {
        let sent = self.send_with(cx, method, path, query, payload);
        Box::pin(async move { self.parse(&sent.await?) })
    }

    /// GET `path`, answered as text.
    pub fn get_text<'s, O: Serialize>(
        &'s self,
        cx: &'s Cx<'_, O>,
        path: &'s str,
    ) -> Call<'s, String> {
        let sent = self.send(cx, Method::GET, path, &[], None);
        Box::pin(async move { Ok(sent.await?.text()) })
    }

    fn parse(&self, fetched: &Fetched) -> Result<Value, IntegrationError> {
        if fetched.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&fetched.body).map_err(|e| IntegrationError::Malformed {
            provider: self.service.provider,
            message: format!("the body is not JSON ({e})"),
        })
    }

    fn current_secret(&self) -> SecretString {
        self.secret
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Sends one request with an optional JSON body (see `send_with`).
    pub fn send<'s, O: Serialize>(
        &'s self,
        cx: &'s Cx<'_, O>,
        method: Method,
        path: &'s str,
        query: &'s [(&'s str, String)],
        body: Option<&'s Value>,
    ) -> Call<'s, Fetched> {
        let payload = body.map_or(Payload::Empty, Payload::Json);
        self.send_with(cx, method, path, query, payload)
    }

    /// Sends one request carrying `payload`, retrying and refreshing as the module describes.
    pub fn send_with<'s, O: Serialize>(
        &'s self,
        cx: &'s Cx<'_, O>,
        method: Method,
        path: &'s str,
        query: &'s [(&'s str, String)],
        payload: Payload<'s>,
    ) -> Call<'s, Fetched> {
        self.send_with_headers(cx, method, path, query, payload, &[])
    }

    /// As `send_with`, with `headers` on this request only (a download's `Range`, a resumable
    /// upload's `X-Upload-Content-Type`).
    pub fn send_with_headers<'s, O: Serialize>(
        &'s self,
        cx: &'s Cx<'_, O>,
        method: Method,
        path: &'s str,
        query: &'s [(&'s str, String)],
        payload: Payload<'s>,
        headers: &'s [(&'static str, String)],
    ) -> Call<'s, Fetched> {
        // Made now (futures are lazy) because the context cannot travel into the future.
        let mut refresh = self.oauth2.then(|| cx.refresh_credential(&self.meta));
        Box::pin(async move {
            let provider = self.service.provider;
            let mut attempt = 0;
            loop {
                attempt += 1;
                let mut url =
                    Url::parse(&self.url(path)).map_err(|e| IntegrationError::Malformed {
                        provider,
                        message: format!("the configured base URL is not valid ({e})"),
                    })?;
                let secret = self.current_secret();
                if !query.is_empty() || matches!(self.service.auth, AuthStyle::Query(_)) {
                    let mut pairs = url.query_pairs_mut();
                    for (k, v) in query {
                        pairs.append_pair(k, v);
                    }
                    if let AuthStyle::Query(name) = self.service.auth {
                        pairs.append_pair(name, secret.expose());
                    }
                }
                let mut request = self
                    .http
                    .request(method.clone(), url.as_str())
                    .map_err(|e| IntegrationError::Transport(redact(e, &secret)))?;
                for (name, value) in self.headers.iter().chain(headers) {
                    request = request.header(*name, value);
                }
                if let AuthStyle::Bearer = self.service.auth {
                    request = request.bearer_auth(secret.expose());
                }
                if let AuthStyle::Prefixed {
                    api_key,
                    oauth2,
                    headers,
                } = self.service.auth
                {
                    let prefix = if self.oauth2 { oauth2 } else { api_key };
                    let mut value = reqwest::header::HeaderValue::from_str(&format!(
                        "{prefix}{}",
                        secret.expose()
                    ))
                    .map_err(|_| IntegrationError::Malformed {
                        provider,
                        message: "the credential is not a valid header value".into(),
                    })?;
                    value.set_sensitive(true);
                    request = request.header(reqwest::header::AUTHORIZATION, value);
                    for (name, value) in headers {
                        request = request.header(*name, *value);
                    }
                }
                match payload {
                    Payload::Empty => {}
                    Payload::Json(body) => request = request.json(body),
                    Payload::Form(fields) => {
                        let encoded = url::form_urlencoded::Serializer::new(String::new())
                            .extend_pairs(fields.iter().map(|(k, v)| (*k, v.as_str())))
                            .finish();
                        request = request
                            .header(
                                reqwest::header::CONTENT_TYPE,
                                "application/x-www-form-urlencoded",
                            )
                            .body(encoded);
                    }
                    Payload::Multipart(parts) => {
                        let mut form = reqwest::multipart::Form::new();
                        for part in parts {
                            form = form.part(part.name.clone(), part.to_reqwest()?);
                        }
                        request = request.multipart(form);
                    }
                    Payload::Bytes {
                        content_type,
                        bytes,
                    } => {
                        request = request
                            .header(reqwest::header::CONTENT_TYPE, content_type)
                            .body(bytes.to_vec());
                    }
                }
                let last = attempt >= self.retry.max_attempts;
                let fetched = match self.http.send(request).await {
                    Ok(fetched) => fetched,
                    Err(BlockError::System(message)) if !last => {
                        let message = redact_text(&message, &secret);
                        tracing::warn!(
                            provider,
                            attempt,
                            "provider call failed, retrying: {message}"
                        );
                        tokio::time::sleep(self.retry.backoff(attempt)).await;
                        continue;
                    }
                    Err(e) => return Err(IntegrationError::Transport(redact(e, &secret))),
                };
                let status = fetched.status;
                if (200..300).contains(&status) {
                    return Ok(fetched);
                }
                let message = redact_text(&provider_message(&fetched), &secret);
                match status {
                    401 if refresh.is_some() => {
                        let pending = refresh.take().expect("checked");
                        attempt -= 1;
                        let credential = pending.await.map_err(IntegrationError::Transport)?;
                        let fresh = bearer(&credential.secret, provider)
                            .map_err(IntegrationError::Transport)?;
                        *self
                            .secret
                            .lock()
                            .unwrap_or_else(|poisoned| poisoned.into_inner()) = fresh;
                    }
                    401 | 403 => {
                        return Err(IntegrationError::Credentials {
                            provider,
                            status,
                            message,
                        });
                    }
                    429 if !last => {
                        let wait = retry_after(&fetched)
                            .map(|w| w.min(self.retry.retry_after_cap))
                            .unwrap_or_else(|| self.retry.backoff(attempt));
                        tracing::warn!(provider, attempt, ?wait, "rate limited, retrying");
                        tokio::time::sleep(wait).await;
                    }
                    429 => return Err(IntegrationError::RateLimited { provider }),
                    500..=599 if !last => {
                        tracing::warn!(provider, attempt, status, "provider error, retrying");
                        tokio::time::sleep(self.retry.backoff(attempt)).await;
                    }
                    500..=599 => {
                        return Err(IntegrationError::Unavailable {
                            provider,
                            status,
                            message,
                        });
                    }
                    _ => {
                        return Err(IntegrationError::Rejected {
                            provider,
                            status,
                            message,
                        });
                    }
                }
            }
        })
    }
}
