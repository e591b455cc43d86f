//! The HTTP client openidconnect uses to reach the issuer: reqwest 0.13 over rustls (the
//! crate's own reqwest feature would bring reqwest 0.12), no redirects followed (a token
//! endpoint that redirects is an error, not a hop to wherever it points), bounded in time.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use openidconnect::{AsyncHttpClient, HttpRequest, HttpResponse};

#[derive(Debug, thiserror::Error)]
pub enum IssuerHttpError {
    #[error("request to the issuer failed: {0}")]
    Request(#[from] reqwest::Error),
    #[error("the issuer's answer could not be read: {0}")]
    Answer(#[from] openidconnect::http::Error),
}

#[derive(Clone)]
pub struct IssuerHttp {
    client: reqwest::Client,
}

impl IssuerHttp {
    pub fn new() -> Result<IssuerHttp, reqwest::Error> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(15))
            .no_proxy()
            .build()?;
        Ok(IssuerHttp { client })
    }
}

impl<'c> AsyncHttpClient<'c> for IssuerHttp {
    type Error = IssuerHttpError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, IssuerHttpError>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let answer = self
                .client
                .request(parts.method, parts.uri.to_string())
                .headers(parts.headers)
                .body(body)
                .send()
                .await?;
            let mut response = openidconnect::http::Response::builder().status(answer.status());
            if let Some(headers) = response.headers_mut() {
                headers.extend(answer.headers().clone());
            }
            let body = answer.bytes().await?.to_vec();
            Ok(response.body(body)?)
        })
    }
}
