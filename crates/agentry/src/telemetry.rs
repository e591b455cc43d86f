//! Traces over OTLP/HTTP (protobuf) when `otlp_endpoint` is set: the `tracing` spans of HTTP
//! requests, runs and node executions become OpenTelemetry spans, batched and sent to
//! `{otlp_endpoint}/v1/traces` by the SDK's exporter thread.
//!
//! The exporter talks through our own reqwest client (rustls, the version every other crate
//! uses); its requests run on the server's tokio runtime, since the SDK's exporter thread has
//! none of its own.

use std::time::Duration;

use anyhow::Context as _;
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::{Protocol, WithExportConfig as _, WithHttpConfig as _};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::SdkTracerProvider;

/// The running trace pipeline; flushes what is buffered when dropped.
pub struct Tracing {
    provider: SdkTracerProvider,
}

impl Tracing {
    /// Starts the exporter for `endpoint` (the collector's base URL, e.g.
    /// `http://127.0.0.1:4318`). Needs a tokio runtime.
    pub fn start(endpoint: &str) -> anyhow::Result<Tracing> {
        let url = format!("{}/v1/traces", endpoint.trim_end_matches('/'));
        url::Url::parse(&url)
            .with_context(|| format!("otlp_endpoint `{endpoint}` is not a URL"))?;
        let client = OtlpHttp {
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .context("building the OTLP HTTP client")?,
            runtime: tokio::runtime::Handle::try_current()
                .context("traces need the tokio runtime")?,
        };
        let exporter = opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .with_http_client(client)
            .with_protocol(Protocol::HttpBinary)
            .with_endpoint(url)
            .build()
            .context("building the OTLP exporter")?;
        let provider = SdkTracerProvider::builder()
            .with_batch_exporter(exporter)
            .with_resource(Resource::builder().with_service_name("agentry").build())
            .build();
        Ok(Tracing { provider })
    }

    /// The `tracing` layer that turns spans into OpenTelemetry spans.
    pub fn layer<S>(&self) -> impl tracing_subscriber::Layer<S> + use<S>
    where
        S: tracing::Subscriber + for<'span> tracing_subscriber::registry::LookupSpan<'span>,
    {
        tracing_opentelemetry::layer().with_tracer(self.provider.tracer("agentry"))
    }

    /// Sends what is buffered (at the end of `serve`).
    pub fn flush(&self) {
        if let Err(e) = self.provider.force_flush() {
            eprintln!("warning: flushing traces failed: {e}");
        }
    }
}

impl Drop for Tracing {
    fn drop(&mut self) {
        let _ = self.provider.shutdown();
    }
}

/// opentelemetry-http's client trait over reqwest; each export runs on the tokio runtime.
#[derive(Debug, Clone)]
struct OtlpHttp {
    client: reqwest::Client,
    runtime: tokio::runtime::Handle,
}

#[async_trait::async_trait]
impl opentelemetry_http::HttpClient for OtlpHttp {
    async fn send_bytes(
        &self,
        request: opentelemetry_http::Request<opentelemetry_http::Bytes>,
    ) -> Result<
        opentelemetry_http::Response<opentelemetry_http::Bytes>,
        opentelemetry_http::HttpError,
    > {
        let client = self.client.clone();
        let task = self.runtime.spawn(async move {
            let (parts, body) = request.into_parts();
            let mut builder = client
                .request(parts.method, parts.uri.to_string())
                .body(body);
            for (name, value) in &parts.headers {
                builder = builder.header(name, value);
            }
            let response = builder.send().await?;
            let status = response.status();
            let bytes = response.bytes().await?;
            Ok::<_, reqwest::Error>((status, bytes))
        });
        let (status, bytes) = task.await??;
        let mut response = opentelemetry_http::Response::new(bytes);
        *response.status_mut() = status;
        Ok(response)
    }
}
