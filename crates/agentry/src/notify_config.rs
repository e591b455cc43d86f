//! The `[notifications]`, `[smtp]`, `[media]` and `[store_search]` tables: notification
//! settings, the SMTP server notification emails go through (absent: no email), where store
//! media live (a local directory by default, an S3-compatible bucket by configuration), and the
//! store's embedding model for hybrid search (absent: full text). Secrets stay in
//! `SecretString`.

use std::time::Duration;

use agentry_core::SecretString;
use agentry_server::notifications::{Mailer, NotificationSettings, SmtpSecurity, SmtpSettings};
use serde::{Deserialize, Serialize};

/// `[notifications]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NotificationsConfig {
    /// Failed runs in a row after which a schedule is reported failing (0: never).
    pub schedule_failure_threshold: u32,
    /// Emails of single events per user per day unless the user chose another cap.
    pub daily_email_cap: u32,
    /// The web app's public address, for links in emails.
    pub app_url: Option<String>,
    /// The first retry of a failed email, in seconds; each next one waits twice as long.
    pub retry_base_secs: u64,
    /// Attempts after which an email is kept as failed.
    pub max_attempts: u32,
}

impl Default for NotificationsConfig {
    fn default() -> Self {
        let d = NotificationSettings::default();
        NotificationsConfig {
            schedule_failure_threshold: d.schedule_failure_threshold,
            daily_email_cap: d.daily_email_cap,
            app_url: None,
            retry_base_secs: d.retry_base.as_secs(),
            max_attempts: d.max_attempts,
        }
    }
}

impl NotificationsConfig {
    pub fn settings(&self) -> NotificationSettings {
        NotificationSettings {
            schedule_failure_threshold: self.schedule_failure_threshold,
            daily_email_cap: self.daily_email_cap,
            app_url: self.app_url.clone(),
            retry_base: Duration::from_secs(self.retry_base_secs.max(1)),
            max_attempts: self.max_attempts.max(1),
            ..NotificationSettings::default()
        }
    }
}

/// `[smtp]`: the server notification emails go through.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    #[serde(default = "submission_port")]
    pub port: u16,
    /// `starttls` (default, required), `tls` (from the first byte, port 465) or `none` (a
    /// relay on a trusted network only).
    #[serde(default = "starttls")]
    pub security: String,
    pub username: Option<String>,
    pub password: Option<SecretString>,
    /// The `From` address, e.g. `Agentry <noreply@example.com>`.
    pub from: String,
    #[serde(default = "thirty")]
    pub timeout_secs: u64,
}

fn submission_port() -> u16 {
    587
}

fn starttls() -> String {
    "starttls".into()
}

fn thirty() -> u64 {
    30
}

impl SmtpConfig {
    pub fn mailer(&self) -> anyhow::Result<Mailer> {
        let security = match self.security.as_str() {
            "starttls" => SmtpSecurity::StartTls,
            "tls" => SmtpSecurity::Tls,
            "none" => SmtpSecurity::None,
            other => anyhow::bail!("smtp.security is starttls, tls or none, not {other:?}"),
        };
        Mailer::new(&SmtpSettings {
            host: self.host.clone(),
            port: self.port,
            security,
            username: self.username.clone(),
            password: self.password.clone(),
            from: self.from.clone(),
            timeout: Duration::from_secs(self.timeout_secs.max(1)),
        })
        .map_err(anyhow::Error::msg)
    }
}

/// `[media]`: where store media (submission images) are kept.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MediaConfig {
    /// A local directory (the default, `./agentry-media`), unless `s3` is set.
    pub dir: String,
    /// An S3-compatible bucket instead (`[media.s3]`).
    pub s3: Option<S3Config>,
    /// The largest image accepted, in bytes (default 5 MiB).
    pub max_bytes: Option<usize>,
}

impl Default for MediaConfig {
    fn default() -> Self {
        MediaConfig {
            dir: "./agentry-media".into(),
            s3: None,
            max_bytes: None,
        }
    }
}

/// `[media.s3]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3Config {
    pub endpoint: String,
    pub bucket: String,
    #[serde(default = "us_east_1")]
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: SecretString,
    /// Plain HTTP to the endpoint (a local MinIO).
    #[serde(default)]
    pub allow_http: bool,
}

fn us_east_1() -> String {
    "us-east-1".into()
}

impl MediaConfig {
    pub fn media(&self) -> anyhow::Result<agentry_server::media::Media> {
        use agentry_server::media::{Media, S3Settings};
        let media = match &self.s3 {
            Some(s3) => Media::s3(&S3Settings {
                endpoint: s3.endpoint.clone(),
                bucket: s3.bucket.clone(),
                region: s3.region.clone(),
                access_key_id: s3.access_key_id.clone(),
                secret_access_key: s3.secret_access_key.expose().to_string(),
                allow_http: s3.allow_http,
            }),
            None => Media::local(std::path::Path::new(&self.dir)),
        }
        .map_err(|e| anyhow::anyhow!("[media]: {e}"))?;
        Ok(match self.max_bytes {
            Some(max) => media.with_max_bytes(max),
            None => media,
        })
    }
}

/// `[store_search]`: hybrid store search. Without `embedding_model`, search is full text alone.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoreSearchConfig {
    /// An embedding model the LLM providers serve (`text-embedding-3-small` with
    /// `OPENAI_API_KEY`, or a local OpenAI-compatible server's model through `OPENAI_BASE_URL`).
    pub embedding_model: Option<String>,
    /// The least cosine similarity of a semantic match (default 0.3).
    pub min_similarity: Option<f32>,
}

impl StoreSearchConfig {
    /// The store's embeddings, when a model is configured.
    pub fn embeddings(
        &self,
        config: &crate::config::Config,
    ) -> anyhow::Result<Option<agentry_server::store_search::StoreEmbeddings>> {
        let Some(model) = &self.embedding_model else {
            return Ok(None);
        };
        let min = self
            .min_similarity
            .unwrap_or(agentry_server::store_search::DEFAULT_MIN_SIMILARITY);
        if !(-1.0..=1.0).contains(&min) {
            anyhow::bail!("store_search.min_similarity {min} is not between -1 and 1");
        }
        let providers = crate::resources::llm_providers(config)?;
        Ok(Some(
            agentry_server::store_search::StoreEmbeddings::new(providers, model.clone())
                .with_min_similarity(min),
        ))
    }
}

#[cfg(test)]
// figment's Jail API fixes the closure's error type; its size is not ours to change.
#[allow(clippy::result_large_err)]
mod tests {
    use crate::config::{Config, Overrides};

    #[test]
    fn notifications_smtp_and_media_are_read_and_secrets_never_printed() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "agentry.toml",
                "[notifications]\nschedule_failure_threshold = 5\ndaily_email_cap = 2\n\
                 app_url = \"https://agentry.example\"\n\
                 [smtp]\nhost = \"127.0.0.1\"\nport = 2525\nsecurity = \"none\"\n\
                 username = \"relay\"\npassword = \"smtp-s3cret\"\nfrom = \"Agentry <no@agentry.example>\"\n\
                 [media]\ndir = \"media-here\"\n",
            )?;
            let c = Config::load(None, &Overrides::default()).unwrap();
            let settings = c.notifications.settings();
            assert_eq!(settings.schedule_failure_threshold, 5);
            assert_eq!(settings.daily_email_cap, 2);
            assert_eq!(settings.app_url.as_deref(), Some("https://agentry.example"));
            let smtp = c.smtp.as_ref().unwrap();
            assert_eq!((smtp.port, smtp.security.as_str()), (2525, "none"));
            // lettre's connection pool lives on a Tokio runtime.
            let runtime = tokio::runtime::Runtime::new().unwrap();
            runtime.block_on(async { drop(smtp.mailer().unwrap()) });
            assert!(!format!("{c:?}").contains("smtp-s3cret"));
            assert_eq!(c.media.dir, "media-here");
            c.media.media().unwrap();
            assert!(std::path::Path::new("media-here").is_dir());

            jail.create_file(
                "agentry.toml",
                "[smtp]\nhost = \"x\"\nfrom = \"a@b.c\"\nsecurity = \"ssl3\"\n",
            )?;
            let c = Config::load(None, &Overrides::default()).unwrap();
            assert!(c.smtp.unwrap().mailer().is_err());
            // Defaults: no SMTP, media in ./agentry-media.
            jail.create_file("agentry.toml", "")?;
            let c = Config::load(None, &Overrides::default()).unwrap();
            assert!(c.smtp.is_none());
            assert_eq!(c.media.dir, "./agentry-media");
            Ok(())
        });
    }

    #[test]
    fn store_search_needs_a_model_and_a_similarity_in_range() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("agentry.toml", "")?;
            let c = Config::load(None, &Overrides::default()).unwrap();
            assert!(c.store_search.embeddings(&c).unwrap().is_none());
            jail.create_file(
                "agentry.toml",
                "[store_search]\nembedding_model = \"text-embedding-3-small\"\n",
            )?;
            let c = Config::load(None, &Overrides::default()).unwrap();
            assert!(c.store_search.embeddings(&c).unwrap().is_some());
            jail.create_file(
                "agentry.toml",
                "[store_search]\nembedding_model = \"m\"\nmin_similarity = 2.0\n",
            )?;
            let c = Config::load(None, &Overrides::default()).unwrap();
            let refused = c.store_search.embeddings(&c).unwrap_err().to_string();
            assert!(refused.contains("min_similarity 2"), "{refused}");
            Ok(())
        });
    }
}
