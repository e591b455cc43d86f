//! Configuration: defaults, then `agentry.toml` (or `--config`), then `AGENTRY_*` environment
//! variables, then command-line flags. Parsed once in `main` and passed down.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context as _;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `sqlite://…` (embedded, the default) or `postgres://…`.
    pub database_url: String,
    pub host: String,
    pub port: u16,
    /// A run still going after this many seconds is failed; 0 means no limit.
    pub run_timeout_secs: u64,
    /// Every run's caps (`[limits]`; a graph may lower them in `metadata.agentry.limits`).
    pub limits: agentry_engine::RunLimits,
    /// Log filter, as `RUST_LOG` (e.g. `info`, `agentry_engine=debug`).
    pub log: String,
    /// `text` (the default) or `json`: one JSON object per line, with the run's and node's
    /// ids as fields. Colour codes only when the output is a terminal.
    pub log_format: LogFormat,
    /// An OTLP/HTTP collector (`http://127.0.0.1:4318`): a trace span per request, run and
    /// node execution is sent there. Unset: no traces.
    pub otlp_endpoint: Option<String>,
    /// The metrics listener and token (`[metrics]`: `bind`, `token`).
    pub metrics: agentry_server::ops::MetricsSettings,
    /// Days a finished run keeps its node data; the sweep leader prunes older ones in
    /// small batches (0: kept for ever). The run's row always stays.
    pub retention_days: u64,
    /// With `retention_days`: keep the output nodes' data too, so pruned runs still show
    /// their graph outputs.
    pub retention_keep_outputs: bool,
    /// Graph ids whose runs store every node input and output as "redacted" (still counted).
    pub redact_graphs: Vec<String>,
    /// Seconds a stopping API process answers `/ready` with 503 while still serving, so the
    /// balancer moves traffic away before the listener closes (0: close at once).
    pub shutdown_drain_secs: u64,
    /// What `serve` runs: `api` (REST), `worker` (runs graphs from the queue), `scheduler`
    /// (fires cron schedules; one process leads at a time). Default: all three.
    pub roles: Vec<Role>,
    /// Runs a worker executes at once.
    pub worker_concurrency: usize,
    /// Of those, how many one user's runs may hold (0: all but a tenth), so that another
    /// user's run always finds a slot.
    pub user_share: usize,
    /// Milliseconds a worker's claim on a run holds without renewal; another worker takes the
    /// run over after that when its worker died.
    pub lease_ms: u64,
    /// A starting worker takes over at once the runs of dead worker processes of its own host
    /// (checked through `/proc`: pid and process start time); off, they wait for `lease_ms`.
    pub take_over_on_host: bool,
    /// Milliseconds between an idle worker's looks for runs enqueued by other processes.
    pub poll_interval_ms: u64,
    /// Runs of one user that may run at once, across all workers (0: no cap).
    pub max_running_per_user: u32,
    /// Runs of one graph that may run at once, across all workers (0: no cap).
    pub max_running_per_graph: u32,
    /// Runs one user may have queued or running; past it, execute answers 429 (0: no limit).
    pub max_queued_per_user: u64,
    /// Seconds between the reaper's sweeps for stuck runs (sweep leader only).
    pub reaper_interval_secs: u64,
    /// Seconds a run may lack a queue entry, or outlive the run timeout, before it is reaped.
    pub reaper_grace_secs: u64,
    /// Claims after which a run whose lease expires again is failed.
    pub reaper_max_attempts: i32,
    /// Seconds a run may wait in the queue before the reaper fails it (0: for ever).
    pub max_queued_secs: u64,
    /// `redis://host:port/db`: events, wake-ups and stops between processes go through Redis
    /// pub/sub. Unset: through PostgreSQL LISTEN/NOTIFY (on SQLite, one process needs none).
    pub redis_url: Option<String>,
    /// The Redis channel of this deployment, for several deployments on one Redis.
    pub redis_channel: String,
    /// Let blocks' HTTP requests (URLs from users and graphs) reach private and loopback
    /// addresses. Off: only public addresses are reached (SSRF guard).
    pub allow_private_networks: bool,
    /// Private networks (CIDR, e.g. `10.1.2.0/24`) blocks may reach even so: named LAN services.
    pub allowed_networks: Vec<String>,
    /// Where file blocks keep run files: `{files_dir}/{user}/{run}/`.
    pub files_dir: String,
    /// The `From` address of SendEmailBlock's messages (default: the SMTP login name).
    pub smtp_from: Option<String>,
    /// Host-scoped credentials for SendAuthenticatedWebRequestBlock: headers sent only to URLs
    /// whose host matches (`api.example.com` or `*.example.com`).
    pub host_credentials: Vec<HostCredentialConfig>,
    /// The key that seals users' credentials, `KEY_ID:BASE64` of 32 random bytes
    /// (`agentry keys generate`); usually from `AGENTRY_ENCRYPTION_KEY`. Several, comma-separated,
    /// while rotating: the first seals, all open.
    pub encryption_key: Option<agentry_core::SecretString>,
    /// More keys, after `encryption_key`, in the same form.
    pub encryption_keys: Vec<agentry_core::SecretString>,
    /// OAuth2 clients for users' credentials (`[[oauth_providers]]`: provider, client_id,
    /// client_secret, auth_url, token_url, redirect_uri, scopes).
    pub oauth_providers: Vec<agentry_engine::integrations::OauthProvider>,
    /// Integration services' base URLs by key (`gmail`, `google_calendar`, `google_maps`,
    /// `jina_search`, `jina_reader`, `firecrawl`, `airtable`, `youtube`): self-hosted variants
    /// or mocks. Trusted: the user's credentials for that provider are sent there.
    pub integration_base_urls: std::collections::BTreeMap<String, String>,
    /// Platform credentials by provider (`jina`, `firecrawl`, `google_maps`, `airtable`, …;
    /// `google`: an OAuth2 access token; `webshare_proxy`: `username:password`), AutoGPT's
    /// system credentials: used by every user's nodes that name no credentials of their own.
    pub integration_keys: IntegrationKeys,
    /// How each OpenAI-compatible server (by base URL, e.g. `http://127.0.0.1:8080/v1`) takes
    /// structured output: `json_schema`, `llama_cpp`, `ollama`, `json_object`, `prompt` (the
    /// tag protocol) or `detect`. Unnamed: OpenAI's own API takes `json_schema`, any other base
    /// URL is probed once.
    pub llm_json_styles: std::collections::BTreeMap<String, String>,
    /// Rate limits, CORS origins and trusted proxies (`[perimeter]`,
    /// `[perimeter.rate_limits]`). With `redis_url` set, rate limits are counted in Redis
    /// across processes (keys prefixed with `redis_channel`).
    pub perimeter: agentry_server::perimeter::PerimeterSettings,
    /// Sign-in through an OpenID Connect issuer (`[oidc]`: issuer, client_id, client_secret,
    /// redirect_url). Absent: none.
    pub oidc: Option<agentry_server::oidc::OidcSettings>,
    /// Sign-in (`[auth]`): open sign-up, token lifetimes, the cookie's `Secure` flag.
    pub auth: AuthConfig,
    /// Host names (`name` or `name:port`) the server answers to besides its loopback names;
    /// requests naming another `Host` are refused (DNS rebinding). Empty on a non-loopback
    /// address: any host.
    pub allowed_hosts: Vec<String>,
    /// Where providers reach this server (AutoGPT's `platform_base_url`, such as
    /// `https://agentry.example.com`): trigger blocks register webhooks delivering under it.
    /// Absent: the `Host` of the request that saves the graph, over `http`.
    pub platform_base_url: Option<String>,
    /// Credits (`[credits]`, docs/credits.md): off unless `enabled = true`.
    pub credits: crate::credits_config::CreditsConfig,
    /// Buying credits through a Stripe-compatible API (`[payments]`). Absent: no purchases.
    pub payments: Option<crate::credits_config::PaymentsConfig>,
    /// Notifications (`[notifications]`): schedule failure threshold, default daily email cap,
    /// the app's address for links, email retries.
    pub notifications: crate::notify_config::NotificationsConfig,
    /// The SMTP server notification emails go through (`[smtp]`). Absent: no email.
    pub smtp: Option<crate::notify_config::SmtpConfig>,
    /// Where store media live (`[media]`): `dir` (default `./agentry-media`) or `[media.s3]`.
    pub media: crate::notify_config::MediaConfig,
    /// Hybrid store search (`[store_search]`: `embedding_model`, `min_similarity`).
    pub store_search: crate::notify_config::StoreSearchConfig,
}

/// The `[auth]` table.
#[derive(Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthConfig {
    /// Anyone may create an account once the first (admin) exists. Off: admins make accounts
    /// with `agentry user create`.
    pub allow_signup: bool,
    /// The access token signing key. Unset: one is generated and kept in the database.
    pub jwt_secret: Option<String>,
    /// Minutes an access token is valid.
    pub access_token_minutes: u64,
    /// Days a refresh token is valid.
    pub refresh_token_days: u64,
    /// Mark the session cookies `Secure` (serve over HTTPS).
    pub cookie_secure: bool,
}

impl Default for AuthConfig {
    fn default() -> Self {
        let defaults = agentry_server::auth::AuthSettings::default();
        AuthConfig {
            allow_signup: defaults.allow_signup,
            jwt_secret: None,
            access_token_minutes: defaults.access_ttl.as_secs() / 60,
            refresh_token_days: defaults.refresh_ttl.as_secs() / 86_400,
            cookie_secure: defaults.cookie_secure,
        }
    }
}

/// The signing key never prints.
impl std::fmt::Debug for AuthConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthConfig")
            .field("allow_signup", &self.allow_signup)
            .field("access_token_minutes", &self.access_token_minutes)
            .field("refresh_token_days", &self.refresh_token_days)
            .field("cookie_secure", &self.cookie_secure)
            .finish_non_exhaustive()
    }
}

impl AuthConfig {
    pub fn settings(&self) -> agentry_server::auth::AuthSettings {
        agentry_server::auth::AuthSettings {
            allow_signup: self.allow_signup,
            jwt_secret: self.jwt_secret.clone(),
            access_ttl: Duration::from_secs(self.access_token_minutes.max(1) * 60),
            refresh_ttl: Duration::from_secs(self.refresh_token_days.max(1) * 86_400),
            cookie_secure: self.cookie_secure,
        }
    }
}

/// `integration_keys`: secrets by provider; a printed configuration shows the providers only.
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct IntegrationKeys(pub std::collections::BTreeMap<String, String>);

impl std::fmt::Debug for IntegrationKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.0.keys()).finish()
    }
}

/// One `[[host_credentials]]` entry of the configuration.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostCredentialConfig {
    pub id: String,
    #[serde(default)]
    pub title: String,
    pub host: String,
    pub headers: std::collections::BTreeMap<String, String>,
}

/// Header values are secrets: a printed configuration shows their names only.
impl std::fmt::Debug for HostCredentialConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostCredentialConfig")
            .field("id", &self.id)
            .field("host", &self.host)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// A part of `agentry serve`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Api,
    Worker,
    Scheduler,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: "sqlite://./agentry.db?mode=rwc".into(),
            host: "127.0.0.1".into(),
            port: 8006,
            run_timeout_secs: 24 * 3600,
            limits: agentry_engine::RunLimits::default(),
            log: "info".into(),
            log_format: LogFormat::Text,
            otlp_endpoint: None,
            metrics: agentry_server::ops::MetricsSettings::default(),
            retention_days: 0,
            retention_keep_outputs: true,
            redact_graphs: Vec::new(),
            shutdown_drain_secs: 0,
            roles: vec![Role::Api, Role::Worker, Role::Scheduler],
            worker_concurrency: 100,
            user_share: 0,
            lease_ms: 30_000,
            take_over_on_host: true,
            poll_interval_ms: 1_000,
            max_running_per_user: 0,
            max_running_per_graph: 0,
            max_queued_per_user: 0,
            reaper_interval_secs: 60,
            reaper_grace_secs: 300,
            reaper_max_attempts: 5,
            max_queued_secs: 24 * 3600,
            redis_url: None,
            redis_channel: "agentry:signals".into(),
            allow_private_networks: false,
            allowed_networks: Vec::new(),
            files_dir: "./agentry-files".into(),
            smtp_from: None,
            host_credentials: Vec::new(),
            encryption_key: None,
            encryption_keys: Vec::new(),
            oauth_providers: Vec::new(),
            integration_base_urls: Default::default(),
            integration_keys: Default::default(),
            llm_json_styles: Default::default(),
            perimeter: agentry_server::perimeter::PerimeterSettings::default(),
            oidc: None,
            auth: AuthConfig::default(),
            allowed_hosts: Vec::new(),
            platform_base_url: None,
            credits: Default::default(),
            payments: None,
            notifications: Default::default(),
            smtp: None,
            media: Default::default(),
            store_search: Default::default(),
        }
    }
}

/// Values given on the command line, which win over everything else.
#[derive(Debug, Default, Serialize)]
pub struct Overrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<Role>>,
}

impl Config {
    pub fn load(file: Option<&Path>, overrides: &Overrides) -> anyhow::Result<Config> {
        let path: PathBuf = file.map_or_else(|| PathBuf::from("agentry.toml"), Path::to_path_buf);
        if file.is_some() && !path.exists() {
            anyhow::bail!("config file {} does not exist", path.display());
        }
        Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::file(&path))
            .merge(
                Env::prefixed("AGENTRY_")
                    .filter(Self::is_setting)
                    .split("__"),
            )
            .merge(Serialized::defaults(overrides))
            .extract()
            .context("invalid configuration")
    }

    /// Whether an `AGENTRY_*` variable names a setting: others (such as the test suite's
    /// `AGENTRY_TEST_POSTGRES`) belong to other programs and are left alone, while the config
    /// file stays strict about unknown keys. A nested setting's variable is `AGENTRY_A__B`.
    fn is_setting(key: &figment::value::UncasedStr) -> bool {
        let top = key.as_str().split("__").next().unwrap_or_default();
        match serde_json::to_value(Config::default()) {
            Ok(serde_json::Value::Object(fields)) => {
                fields.keys().any(|name| name.eq_ignore_ascii_case(top))
            }
            _ => false,
        }
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    pub fn run_timeout(&self) -> Option<Duration> {
        (self.run_timeout_secs > 0).then(|| Duration::from_secs(self.run_timeout_secs))
    }

    /// The credential keys as configured: `None` when there are none.
    pub fn keyring(
        &self,
    ) -> anyhow::Result<Option<std::sync::Arc<agentry_engine::integrations::Keyring>>> {
        let specs: Vec<&str> = self
            .encryption_key
            .iter()
            .flat_map(|k| k.expose().split(','))
            .chain(self.encryption_keys.iter().map(|k| k.expose()))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        if specs.is_empty() {
            return Ok(None);
        }
        let keyring = agentry_engine::integrations::Keyring::parse(&specs)
            .context("invalid encryption_key / AGENTRY_ENCRYPTION_KEY")?;
        Ok(Some(std::sync::Arc::new(keyring)))
    }

    /// The database URL with `mode=rwc` added for SQLite files, so a fresh machine just works.
    pub fn database_url(&self) -> String {
        let url = &self.database_url;
        if url.starts_with("sqlite:") && !url.contains(":memory:") && !url.contains("mode=") {
            let sep = if url.contains('?') { '&' } else { '?' };
            format!("{url}{sep}mode=rwc")
        } else {
            url.clone()
        }
    }
}

#[cfg(test)]
// figment's Jail API fixes the closure's error type; its size is not ours to change.
#[allow(clippy::result_large_err)]
mod tests {
    use super::*;

    #[test]
    fn file_then_env_then_flags() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "agentry.toml",
                "port = 9000\nhost = \"0.0.0.0\"\nlog = \"debug\"",
            )?;
            jail.set_env("AGENTRY_PORT", "9100");
            jail.set_env("AGENTRY_TEST_POSTGRES", "required");
            let c = Config::load(None, &Overrides::default()).unwrap();
            assert_eq!(
                (c.host.as_str(), c.port, c.log.as_str()),
                ("0.0.0.0", 9100, "debug")
            );
            let flags = Overrides {
                port: Some(9200),
                ..Overrides::default()
            };
            assert_eq!(Config::load(None, &flags).unwrap().port, 9200);
            Ok(())
        });
    }

    #[test]
    fn run_limits_come_from_the_limits_table_and_the_environment() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("agentry.toml", "[limits]\nmax_node_executions = 500\n")?;
            jail.set_env("AGENTRY_LIMITS__MAX_DEPTH", "3");
            let c = Config::load(None, &Overrides::default()).unwrap();
            assert_eq!(c.limits.max_node_executions, 500);
            assert_eq!(c.limits.max_depth, 3);
            assert_eq!(
                c.limits.max_output_bytes,
                agentry_engine::RunLimits::default().max_output_bytes
            );
            jail.create_file("agentry.toml", "[limits]\nmax_nodes = 5\n")?;
            let err = Config::load(None, &Overrides::default()).unwrap_err();
            assert!(format!("{err:#}").contains("max_nodes"), "{err:#}");
            Ok(())
        });
    }

    #[test]
    fn host_credentials_are_read_and_never_printed() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "agentry.toml",
                "[[host_credentials]]\nid = \"gh\"\nhost = \"api.github.com\"\n\
                 headers = { Authorization = \"Bearer s3cret\" }\n",
            )?;
            let c = Config::load(None, &Overrides::default()).unwrap();
            assert_eq!(c.host_credentials.len(), 1);
            assert_eq!(c.host_credentials[0].host, "api.github.com");
            assert_eq!(
                c.host_credentials[0].headers["Authorization"],
                "Bearer s3cret"
            );
            let printed = format!("{c:?}");
            assert!(printed.contains("Authorization") && !printed.contains("s3cret"));
            jail.set_env("AGENTRY_INTEGRATION_KEYS__JINA", "jina_s3cret");
            let c = Config::load(None, &Overrides::default()).unwrap();
            assert_eq!(c.integration_keys.0["jina"], "jina_s3cret");
            assert!(!format!("{c:?}").contains("jina_s3cret"));
            Ok(())
        });
    }

    #[test]
    fn perimeter_and_oidc_settings_are_read_and_the_secret_never_printed() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "agentry.toml",
                "[perimeter]\ncors_origins = [\"https://app.example.com\"]\n\
                 [perimeter.rate_limits]\nper_ip = { per_minute = 10, burst = 5 }\n\
                 [oidc]\nissuer = \"https://id.example.com\"\nclient_id = \"agentry\"\n\
                 client_secret = \"0idc-s3cret\"\n\
                 redirect_url = \"https://agentry.example.com/api/auth/oidc/callback\"\n",
            )?;
            jail.set_env("AGENTRY_PERIMETER__TRUSTED_PROXIES", "1");
            let c = Config::load(None, &Overrides::default()).unwrap();
            assert_eq!(c.perimeter.cors_origins, ["https://app.example.com"]);
            assert_eq!(c.perimeter.rate_limits.per_ip.per_minute, 10);
            // Unset limits keep their defaults.
            assert!(c.perimeter.rate_limits.enabled);
            assert_eq!(c.perimeter.trusted_proxies, 1);
            let oidc = c.oidc.as_ref().unwrap();
            assert_eq!(oidc.client_secret, "0idc-s3cret");
            assert!(!format!("{c:?}").contains("0idc-s3cret"));
            Ok(())
        });
    }

    #[test]
    fn unknown_keys_and_missing_files_are_errors() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("agentry.toml", "prot = 1")?;
            assert!(Config::load(None, &Overrides::default()).is_err());
            assert!(Config::load(Some(Path::new("nope.toml")), &Overrides::default()).is_err());
            Ok(())
        });
    }

    #[test]
    fn sqlite_urls_get_create_mode() {
        let c = Config {
            database_url: "sqlite://x.db".into(),
            ..Config::default()
        };
        assert_eq!(c.database_url(), "sqlite://x.db?mode=rwc");
        let c = Config {
            database_url: "postgres://h/db".into(),
            ..Config::default()
        };
        assert_eq!(c.database_url(), "postgres://h/db");
    }
}
