//! The services blocks find through `Cx::resource`, built once from the configuration and the
//! environment: wiring only.

use agentry_blocks::http::{HttpSettings, OutboundHttp};
use agentry_blocks::llm::provider::{JsonStyle, LlmProviders};
use anyhow::Context as _;

use crate::config::Config;

/// The guarded HTTP client for URLs from users and graphs, the operator's host-scoped
/// credentials, the run file store, SMTP settings,
/// the LLM providers with the operator's keys and base URLs (the standard variables:
/// `OPENAI_API_KEY`, `OPENAI_BASE_URL`, `ANTHROPIC_API_KEY`, `OLLAMA_HOST`, …, serving every
/// user), the local code sandbox (this binary, re-executed as its runner) and E2B when
/// `E2B_API_KEY` is set.
pub fn build(config: &Config) -> anyhow::Result<agentry_core::Resources> {
    let allowed_networks = config
        .allowed_networks
        .iter()
        .map(|net| {
            net.parse()
                .with_context(|| format!("allowed_networks: `{net}` is not a CIDR network"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let http = OutboundHttp::new(HttpSettings {
        allow_private_networks: config.allow_private_networks,
        allowed_networks,
        ..HttpSettings::default()
    })
    .map_err(anyhow::Error::msg)?;
    let llm = llm_providers(config)?;
    let files = agentry_blocks::files::FileStore::new(&config.files_dir);
    let smtp = agentry_blocks::email::smtp::SmtpSettings {
        from_address: config.smtp_from.clone(),
        ..Default::default()
    };
    let exe =
        std::env::current_exe().context("cannot find this executable for the code sandbox")?;
    let mut sandbox =
        agentry_sandbox::CodeSandbox::new(exe, agentry_sandbox::CodeSandbox::default_python());
    sandbox.runner_args = vec![crate::SANDBOX_RUNNER.into()];
    let host_credentials = agentry_blocks::web::HostCredentials::new(
        config
            .host_credentials
            .iter()
            .map(|c| agentry_blocks::web::HostCredential {
                id: c.id.clone(),
                title: c.title.clone(),
                host: c.host.clone(),
                headers: c.headers.clone(),
            })
            .collect(),
    );
    let mut integrations = agentry_integrations::IntegrationSettings::default();
    for (key, url) in &config.integration_base_urls {
        if !agentry_integrations::api::SERVICE_KEYS.contains(&key.as_str()) {
            anyhow::bail!(
                "integration_base_urls: `{key}` is not a service; known: {}",
                agentry_integrations::api::SERVICE_KEYS.join(", ")
            );
        }
        url::Url::parse(url)
            .with_context(|| format!("integration_base_urls.{key}: `{url}` is not a URL"))?;
        integrations = integrations.with_base(key, url);
    }
    for (provider, secret) in &config.integration_keys.0 {
        integrations = integrations.with_platform_credential(platform_credential(provider, secret));
    }
    let mut resources = agentry_core::Resources::new()
        .with(integrations)
        .with(agentry_integrations::webhook_providers())
        .with(host_credentials)
        .with(http)
        .with(llm)
        .with(files)
        .with(smtp)
        .with(sandbox);
    if let Some(e2b) = agentry_blocks::code::e2b::E2b::from_env() {
        resources.insert(e2b);
    }
    Ok(resources)
}

/// An `integration_keys` entry as the credential kind its provider takes.
fn platform_credential(provider: &str, secret: &str) -> agentry_core::credentials::Credential {
    use agentry_core::SecretString;
    use agentry_core::credentials::{Credential, CredentialSecret};
    let secret = match (provider, secret.split_once(':')) {
        ("google", _) => CredentialSecret::Oauth2 {
            access_token: SecretString::new(secret),
            scopes: Vec::new(),
            access_token_expires_at: None,
            username: None,
        },
        ("webshare_proxy", Some((username, password))) => CredentialSecret::UserPassword {
            username: username.to_string(),
            password: SecretString::new(password),
        },
        _ => CredentialSecret::ApiKey {
            api_key: SecretString::new(secret),
        },
    };
    Credential {
        id: format!("platform-{provider}"),
        provider: provider.to_string(),
        title: Some(format!("{provider} (platform)")),
        secret,
    }
}

/// The LLM providers with the operator's keys and base URLs (the blocks' and the store
/// search's embeddings).
pub fn llm_providers(config: &Config) -> anyhow::Result<LlmProviders> {
    let mut llm = LlmProviders::builder_from(|name| {
        std::env::var(name).ok().filter(|v| !v.trim().is_empty())
    });
    for (base_url, style) in &config.llm_json_styles {
        let style = JsonStyle::parse(style)
            .map_err(|e| anyhow::anyhow!("llm_json_styles.\"{base_url}\": {e}"))?;
        llm = llm.json_style_for(base_url, style);
    }
    llm.build().map_err(anyhow::Error::msg)
}
